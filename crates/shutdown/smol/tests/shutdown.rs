//! `run_until_signal` on smol, in process: a channel that the test closes stands in for
//! the signal, and each job is the example's job with a cleanup, held on gates: its work
//! ends when the test opens one gate, its cleanup when the test opens another.
//!
//! smol has no paused clock, so the orders these tests check are caused, not raced: a job
//! ends, and the signal comes, when the test says, and the test waits for what it needs
//! to have happened (a job's end, a cleanup's start) before it goes on. Real time is used
//! only for what no load can change: that the runner has *not* returned within a tenth of a
//! second while a cleanup is held, and that a grace period abandons a cleanup that is held.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

use cancel_cleanup_smol::{Finally, with_cleanup};
use futures::FutureExt as _;
use shared::EventKind::{
    self, Cancelled, CleanupFinished, CleanupStarted, Failed, Finally as FinallyRan, Finished,
    Panicked, Started,
};
use shared::{Ending, EventLog, JobError};
use shutdown_smol::{Signal, Stopped, run_until_signal};
use smol::channel::{self, Receiver, Sender};
use smol::{Timer, block_on, future};

/// What the jobs give back when they end by themselves.
type Output = Result<String, JobError>;

/// A gate: closed until the test closes its sender; then every wait on it ends at once.
fn gate() -> (Sender<()>, Receiver<()>) {
    channel::bounded(1)
}

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// One job of the tests, and the test's ends of its gates.
struct Held {
    work: Sender<()>,
    cleanup: Sender<()>,
}

/// `jobs` jobs (ending as `endings` says, job i as `endings[i]`), each held on its gates,
/// as the runner takes them, with the test's ends of the gates.
fn held_jobs(log: &EventLog, endings: &[Ending]) -> (Vec<Held>, Vec<BoxedJob>) {
    endings
        .iter()
        .enumerate()
        .map(|(id, &ending)| {
            let ((work, work_gate), (cleanup, cleanup_gate)) = (gate(), gate());
            let log = log.clone();
            let job: BoxedJob = Box::new(move |stop: Receiver<()>| {
                let stopped = async move {
                    let _ = stop.recv().await;
                };
                job(id, ending, log, work_gate, cleanup_gate, stopped).boxed()
            });
            (Held { work, cleanup }, job)
        })
        .unzip()
}

/// The example's job with a cleanup (cancel-cleanup's), its work and its cleanup held on
/// gates instead of timers: it records `started`; when `work` opens, it ends as `ending`
/// says; when `stop` comes first, it records `cleanup-started`, waits for `cleanup`, records
/// `cleanup-finished` and returns `None`. Its finally-step runs however it ends.
async fn job(
    id: usize,
    ending: Ending,
    log: EventLog,
    work: Receiver<()>,
    cleanup: Receiver<()>,
    stop: impl Future,
) -> Option<Output> {
    let ended = AtomicBool::new(false);
    let _finally = Finally::new(|| {
        let panicking = std::thread::panicking();
        if panicking {
            log.record(id, Panicked);
        }
        log.record(id, FinallyRan);
        if !panicking && !ended.load(Relaxed) {
            log.record(id, Cancelled);
        }
    });
    log.record(id, Started);
    let work = async {
        let _ = work.recv().await;
        match ending {
            // `_finally` records `panicked`, then the finally-step, as the panic unwinds.
            Ending::Panic => panic!("job {id} panicked"),
            ending => {
                ended.store(true, Relaxed);
                log.record(id, ending.event());
                ending.result(id)
            }
        }
    };
    let cleanup = async {
        log.record(id, CleanupStarted);
        let _ = cleanup.recv().await;
        log.record(id, CleanupFinished);
    };
    with_cleanup(work, cleanup, stop).await
}

/// The signal, standing in for a real one: SIGINT once the test closes the sender.
fn signal() -> (Sender<()>, impl Future<Output = Signal>) {
    let (ctrl_c, signalled) = channel::bounded::<()>(1);
    (ctrl_c, async move {
        let _ = signalled.recv().await;
        Signal::Interrupt
    })
}

/// A job as the runner takes it, boxed: one type for jobs made by different closures.
type BoxedJob =
    Box<dyn FnOnce(Receiver<()>) -> futures::future::BoxFuture<'static, Option<Output>>>;

/// Whether `job` has recorded `event`.
fn has(log: &EventLog, job: usize, event: EventKind) -> bool {
    log.events_of(job).contains(&event)
}

fn sorted(mut jobs: Vec<usize>) -> Vec<usize> {
    jobs.sort_unstable();
    jobs
}

const CLEANED_UP: [EventKind; 5] = [
    Started,
    CleanupStarted,
    CleanupFinished,
    FinallyRan,
    Cancelled,
];

/// A ends before the signal and is received; B and C are asked to stop and clean up, and
/// the runner waits for their cleanups (it has not returned a tenth of a second into them).
#[test]
fn jobs_that_end_first_are_received_and_the_others_clean_up() {
    let log = EventLog::new(Instant::now);
    let (held, jobs) = held_jobs(&log, &[Ending::Succeed; 3]);
    let (send, signal) = signal();
    let returned = AtomicBool::new(false);
    let runner = async {
        let stopped = run_until_signal(jobs, signal, None).await;
        returned.store(true, Relaxed);
        stopped
    };
    let drive = async {
        let [a, b, c] = <[Held; 3]>::try_from(held).ok().expect("three jobs");
        a.work.close();
        until(|| has(&log, 0, FinallyRan)).await;
        send.close();
        until(|| has(&log, 1, CleanupStarted) && has(&log, 2, CleanupStarted)).await;
        Timer::after(Duration::from_millis(100)).await;
        assert!(
            !returned.load(Relaxed),
            "returned while the cleanups were held"
        );
        b.cleanup.close();
        c.cleanup.close();
    };
    let (stopped, ()) = block_on(future::zip(runner, drive));
    assert_eq!(stopped.signal, Some(Signal::Interrupt));
    assert_eq!(stopped.finished, [(0, Ok("job 0 result".to_owned()))]);
    assert_eq!(sorted(stopped.interrupted), [1, 2]);
    assert!(stopped.abandoned.is_empty());
    assert_eq!(log.events_of(0), [Started, Finished, FinallyRan]);
    assert_eq!(log.events_of(1), CLEANED_UP);
    assert_eq!(log.events_of(2), CLEANED_UP);
    assert!(log.running().is_empty(), "nothing runs once it returns");
}

/// With every job ended before any signal, the runner returns, with the jobs in the order
/// they ended. A job hands its output over in the poll in which it ends, just after its
/// finally-step, which the test waits for before it lets the next job end: on smol's one
/// executor thread, that poll is over before the next job can run. (With `SMOL_THREADS`
/// above 1, the test checks only that every job is received.)
#[test]
fn without_a_signal_every_job_is_received_in_the_order_they_end() {
    let log = EventLog::new(Instant::now);
    let (held, jobs) = held_jobs(&log, &[Ending::Succeed; 3]);
    let (_send, signal) = signal();
    let drive = async {
        for job in [2, 0, 1] {
            held[job].work.close();
            until(|| has(&log, job, FinallyRan)).await;
        }
    };
    let (stopped, ()): (Stopped<Output, Signal>, ()) =
        block_on(future::zip(run_until_signal(jobs, signal, None), drive));
    assert_eq!(stopped.signal, None);
    let mut order: Vec<usize> = stopped.finished.iter().map(|(job, _)| *job).collect();
    if std::env::var("SMOL_THREADS").is_ok_and(|threads| threads != "1") {
        order.sort_unstable();
        assert_eq!(order, [0, 1, 2]);
    } else {
        assert_eq!(order, [2, 0, 1]);
    }
    assert!(stopped.interrupted.is_empty() && stopped.abandoned.is_empty());
}

/// A failure is the job's own result: the other job runs on until the signal.
#[test]
fn a_failing_job_does_not_stop_the_others() {
    let log = EventLog::new(Instant::now);
    let (held, jobs) = held_jobs(&log, &[Ending::Fail, Ending::Succeed]);
    let (send, signal) = signal();
    let drive = async {
        until(|| has(&log, 1, Started)).await;
        held[0].work.close();
        until(|| has(&log, 0, FinallyRan)).await;
        Timer::after(Duration::from_millis(100)).await;
        assert_eq!(log.events_of(1), [Started], "B was stopped by A's failure");
        held[1].cleanup.close();
        send.close();
    };
    let (stopped, ()) = block_on(future::zip(run_until_signal(jobs, signal, None), drive));
    assert_eq!(stopped.finished, [(0, Err(JobError::Failed(0)))]);
    assert_eq!(stopped.interrupted, [1]);
    assert_eq!(log.events_of(0), [Started, Failed, FinallyRan]);
    assert_eq!(log.events_of(1), CLEANED_UP);
}

/// `grace`: a cleanup held on its gate is abandoned when the grace period ends: its task is
/// cancelled, so its finally-step runs and `cleanup-finished` never comes; nothing is left
/// running. A job that ignores the request to stop is abandoned the same way.
#[test]
fn grace_abandons_a_cleanup_held_on_its_gate() {
    let log = EventLog::new(Instant::now);
    // Job 0 watches its stop; its cleanup is held on a gate that never opens.
    let ((_work_0, work_0), (_cleanup_0, cleanup_0)) = (gate(), gate());
    let log_0 = log.clone();
    let watching: BoxedJob = Box::new(move |stop: Receiver<()>| {
        let stopped = async move {
            let _ = stop.recv().await;
        };
        job(0, Ending::Succeed, log_0, work_0, cleanup_0, stopped).boxed()
    });
    // Job 1 never looks at its stop; its work is held for good.
    let ((_work_1, work_1), (_cleanup_1, cleanup_1)) = (gate(), gate());
    let log_1 = log.clone();
    let deaf: BoxedJob = Box::new(move |_stop: Receiver<()>| {
        let never = std::future::pending::<()>();
        job(1, Ending::Succeed, log_1, work_1, cleanup_1, never).boxed()
    });
    let jobs = [watching, deaf];
    let (send, signal) = signal();
    let drive = async {
        until(|| has(&log, 0, Started) && has(&log, 1, Started)).await;
        send.close();
    };
    let grace = Some(Duration::from_millis(300));
    let (stopped, ()) = block_on(future::zip(run_until_signal(jobs, signal, grace), drive));
    assert!(stopped.interrupted.is_empty());
    assert_eq!(stopped.abandoned, [0, 1]);
    // Job 0 started its cleanup, unless the machine was so loaded that the grace period
    // was over before it could: either way it was dropped, its finally-step run.
    let mut seen = log.events_of(0);
    seen.retain(|&event| event != CleanupStarted);
    assert_eq!(seen, [Started, FinallyRan, Cancelled]);
    assert_eq!(log.events_of(1), [Started, FinallyRan, Cancelled]);
    assert!(log.running().is_empty(), "nothing runs once it returns");
}

/// A job's panic does not stop the others: B runs on until the signal and cleans up; then
/// the runner raises A's panic again in its caller, with nothing left running.
#[test]
fn a_panic_is_raised_again_once_every_job_has_stopped() {
    shared::quiet_job_panics();
    let log = EventLog::new(Instant::now);
    let (held, jobs) = held_jobs(&log, &[Ending::Panic, Ending::Succeed]);
    let (send, signal) = signal();
    let runner = AssertUnwindSafe(run_until_signal(jobs, signal, None)).catch_unwind();
    let drive = async {
        held[0].work.close();
        until(|| has(&log, 0, FinallyRan)).await;
        held[1].cleanup.close();
        send.close();
    };
    let (raised, ()) = block_on(future::zip(runner, drive));
    let panic = raised.expect_err("A's panic reaches the caller");
    assert_eq!(
        panic.downcast_ref::<String>().map(String::as_str),
        Some("job 0 panicked")
    );
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyRan]);
    assert_eq!(log.events_of(1), CLEANED_UP);
    assert!(log.running().is_empty());
}
