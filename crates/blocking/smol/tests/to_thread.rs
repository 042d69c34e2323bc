//! What `to_thread`, `gather` and `wait_for` on smol do with blocking work, and what smol
//! itself does with blocking work that nobody waits for any more.
//!
//! Blocking work takes real time, and smol has no virtual clock: the jobs here are gated
//! (`Job::gated`: a blocking job blocks its thread until the test opens its gate), so the
//! order in which they end is caused by the test, not raced. Real time is left for what a
//! loaded machine cannot change: a deadline is never early, a gated work has not ended
//! when a deadline passes, and "this has *not* happened yet".

use std::panic::AssertUnwindSafe;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::time::{Duration, Instant};

use blocking_smol::{TimedOut, gather, to_thread, wait_for};
use futures::FutureExt as _;
use futures::future::join;
use shared::EventKind::{Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};
use smol::{Timer, block_on};

/// The jobs' output.
type Output = Result<String, JobError>;

/// `n` gated jobs (their delay, a minute, is never slept: the gate decides), failing and
/// panicking as listed; the openers in job order.
fn gated(log: &EventLog, n: usize, fail: &[usize], panic: &[usize]) -> (Vec<Opener>, Vec<Job>) {
    // A simulated panic prints one line, not a report with a backtrace.
    shared::quiet_job_panics();
    let config = Config::with_delays(&vec![60.0; n])
        .failing(fail)
        .panicking(panic);
    shared::gates(config.jobs(log))
}

/// The jobs as the example hands them over: blocking work, a panic caught and returned as
/// `job i panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl FnOnce() -> Output + Send + 'static> {
    jobs.into_iter()
        .map(|job| move || job.run_blocking_caught())
}

/// The same jobs with their panics left to unwind: a bug, as the pattern sees it.
fn raw(jobs: Vec<Job>) -> impl Iterator<Item = impl FnOnce() -> Output + Send + 'static> {
    jobs.into_iter().map(|job| move || job.run_blocking())
}

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// Opens the gates of `order` one at a time, each once the job before it has ended, so
/// that the jobs end in that order; first waits until every job has started (the pool ran
/// them all at once). Returns the gates it did not open.
async fn end_in_order(
    log: &EventLog,
    openers: Vec<Opener>,
    order: &[usize],
) -> Vec<Option<Opener>> {
    let jobs = openers.len();
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    until(|| log.events().iter().filter(|e| e.event == Started).count() == jobs).await;
    for &job in order {
        if let Some(opener) = openers[job].take() {
            opener.open();
        }
        until(|| log.final_state(job).is_some()).await;
    }
    openers
}

/// The jobs that finished, in the order they did.
fn finished(log: &EventLog) -> Vec<usize> {
    let events = log.events().into_iter();
    events
        .filter(|e| e.event == Finished)
        .map(|e| e.job)
        .collect()
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// `to_thread` runs the work on a thread of the blocking pool, not the caller's.
#[test]
fn to_thread_runs_the_work_on_another_thread() {
    let caller = std::thread::current().id();
    let worker = block_on(to_thread(|| std::thread::current().id()));
    assert_ne!(worker, caller);
}

/// A panic of the work is raised again in the caller.
#[test]
fn to_thread_raises_a_panic_again_in_the_caller() {
    let log = EventLog::new(Instant::now);
    let (openers, mut jobs) = gated(&log, 1, &[], &[0]);
    drop(openers);
    let job = jobs.remove(0);
    let raised = block_on(AssertUnwindSafe(to_thread(move || job.run_blocking())).catch_unwind());
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    assert_eq!(log.events_of(0), [Started, Panicked]);
}

/// Twenty works that each wait until all twenty are waiting (a `Barrier`) all get past it:
/// the pool ran them at once, each on a thread of its own.
#[test]
fn gather_runs_every_work_at_once() {
    let barrier = Arc::new(Barrier::new(20));
    let works = (0..20).map(|i| {
        let barrier = Arc::clone(&barrier);
        move || {
            barrier.wait();
            Ok::<_, JobError>(i)
        }
    });
    let values = block_on(gather(works));
    assert_eq!(values, Ok((0..20).collect()));
}

/// The values come back in input order whatever order the works end in (here B, A, C),
/// and nothing is left running.
#[test]
fn gather_returns_the_values_in_input_order() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[]);
    let drive = end_in_order(&log, openers, &[1, 0, 2]);
    let (values, _) = block_on(join(gather(caught(jobs)), drive));
    let ok: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(values, Ok(ok));
    assert_eq!(finished(&log), [1, 0, 2]);
    assert!(log.running().is_empty());
}

/// After an error, `gather` waits for every other work: it has not returned while they
/// still run, none of them is cancelled (blocking work cannot be), and when it returns
/// nothing is left running.
#[test]
fn the_error_comes_once_every_work_has_ended_and_none_is_cancelled() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 4, &[1], &[]);
    let returned = AtomicBool::new(false);
    let gathering = async {
        let result = gather(caught(jobs)).await;
        returned.store(true, Ordering::SeqCst);
        (result, log.running())
    };
    let drive = async {
        let rest = end_in_order(&log, openers, &[1]).await;
        // B has failed; the others are held. A gather that answered now would be done
        // within this pause.
        Timer::after(Duration::from_millis(200)).await;
        assert!(
            !returned.load(Ordering::SeqCst),
            "gather returned while work ran"
        );
        assert_eq!(log.running(), [0, 2, 3]);
        drop(rest);
    };
    let ((result, running), ()) = block_on(join(gathering, drive));
    assert_eq!(result, Err(JobError::Failed(1)));
    assert!(
        running.is_empty(),
        "still running when gather returned: {running:?}"
    );
    let states = [Some(Finished), Some(Failed), Some(Finished), Some(Finished)];
    assert_eq!(log.final_states(4), states);
}

/// Of two errors, the caller gets the one that happened first (C's), not the first in
/// input order (A's).
#[test]
fn the_first_error_to_happen_is_the_one_returned() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[0, 2], &[]);
    let drive = end_in_order(&log, openers, &[2, 1, 0]);
    let (result, _) = block_on(join(gather(caught(jobs)), drive));
    assert_eq!(result, Err(JobError::Failed(2)));
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Finished), Some(Failed)]
    );
}

/// The example's jobs: a panicking job is reported like a failing one, `job 1 panicked`,
/// and the others run to their end.
#[test]
fn a_caught_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[1]);
    let drive = end_in_order(&log, openers, &[1, 0, 2]);
    let (result, _) = block_on(join(gather(caught(jobs)), drive));
    assert_eq!(result, Err(JobError::Panicked(1)));
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Finished)]
    );
}

/// A panic that reaches `gather` is raised again in the caller, once every other work has
/// ended.
#[test]
fn a_panic_is_raised_again_once_every_other_work_has_ended() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[1]);
    let gathering = async {
        let raised = AssertUnwindSafe(gather(raw(jobs))).catch_unwind().await;
        (raised, log.running())
    };
    let drive = end_in_order(&log, openers, &[1, 0, 2]);
    let ((raised, running), _) = block_on(join(gathering, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert!(
        running.is_empty(),
        "still running when the panic came: {running:?}"
    );
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Finished)]
    );
}

/// The deadline passes while the work is held on its gate: the caller gets `TimedOut`, not
/// before the deadline, while the work still runs; `finish` waits for it and gives its
/// output.
#[test]
fn wait_for_times_out_and_the_work_runs_on() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let limit = Duration::from_millis(100);
    let start = Instant::now();
    let result = block_on(wait_for(move || job.run_blocking_caught(), limit));
    let timed_out = result.expect_err("the deadline passed first");
    assert!(start.elapsed() >= limit, "never early");
    // On a loaded machine the pool may start the work only after the deadline; held on
    // its gate, it cannot end either way.
    block_on(until(|| log.events_of(0) == [Started]));
    assert_eq!(log.running(), [0], "the work runs on");
    openers.remove(0).open();
    let output = block_on(timed_out.finish());
    assert_eq!(output, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);
    assert!(log.running().is_empty());
}

/// A work that ends within the limit gives its output; one that fails, its error. (The
/// gates are open and the limit is a minute: the works end first.)
#[test]
fn wait_for_gives_the_output_of_a_work_within_the_limit() {
    let log = EventLog::new(Instant::now);
    let (openers, mut jobs) = gated(&log, 2, &[1], &[]);
    drop(openers);
    let (failing, fast) = (jobs.remove(1), jobs.remove(0));
    let limit = Duration::from_secs(60);
    let output = block_on(wait_for(move || fast.run_blocking_caught(), limit));
    assert_eq!(output.ok(), Some(Ok("job 0 result".to_owned())));
    let output = block_on(wait_for(move || failing.run_blocking_caught(), limit));
    assert_eq!(output.ok(), Some(Err(JobError::Failed(1))));
    assert!(log.running().is_empty());
}

/// A zero limit times out before the work is handed to the pool: it never starts.
#[test]
fn a_zero_limit_starts_nothing() {
    let called = Arc::new(AtomicBool::new(false));
    let work = {
        let called = Arc::clone(&called);
        move || called.store(true, Ordering::SeqCst)
    };
    let timed_out = block_on(wait_for(work, Duration::ZERO)).expect_err("a zero limit times out");
    assert_eq!(
        format!("{timed_out:?}"),
        "TimedOut { submitted: false, .. }"
    );
    assert_eq!(block_on(timed_out.finish()), None);
    assert!(!called.load(Ordering::SeqCst));
}

/// A panic before the deadline is raised again by `wait_for`; one after it, by `finish`.
#[test]
fn a_panic_is_raised_by_wait_for_or_by_finish() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 2, &[], &[0, 1]);
    let (late, early) = (jobs.remove(1), jobs.remove(0));
    openers.remove(0).open();
    let raised = block_on(
        AssertUnwindSafe(wait_for(
            move || early.run_blocking(),
            Duration::from_secs(60),
        ))
        .catch_unwind(),
    );
    let payload = raised.expect_err("the panic reaches the caller of wait_for");
    assert_eq!(message(&*payload), Some("job 0 panicked"));

    let result = block_on(wait_for(
        move || late.run_blocking(),
        Duration::from_millis(10),
    ));
    let timed_out = result.expect_err("the deadline passed first");
    openers.remove(0).open();
    let raised = block_on(AssertUnwindSafe(timed_out.finish()).catch_unwind());
    let payload = raised.expect_err("the panic reaches the caller of finish");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert!(log.running().is_empty());
}

/// `TimedOut` is an error type that `?` can pass on (into `anyhow`, say), whatever the
/// work's output.
#[test]
fn timed_out_is_an_error() {
    struct NotDebug;
    let timed_out: TimedOut<NotDebug> = block_on(wait_for(|| NotDebug, Duration::ZERO))
        .err()
        .expect("a zero limit times out");
    let error: Box<dyn std::error::Error + Send + Sync> = Box::new(timed_out);
    assert_eq!(
        error.to_string(),
        "the deadline passed before the blocking work ended"
    );
}

/// A dropped `TimedOut` leaves started work running: dropping an `unblock` task cancels
/// it, which does nothing to work that has started. (Work that the pool has not started
/// yet would never start: the test waits until it has.)
#[test]
fn a_dropped_timed_out_leaves_the_work_running() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let limit = Duration::from_millis(10);
    let timed_out = block_on(wait_for(move || job.run_blocking_caught(), limit));
    block_on(until(|| log.events_of(0) == [Started]));
    drop(timed_out);
    assert_eq!(log.running(), [0]);
    openers.remove(0).open();
    block_on(until(|| log.final_state(0) == Some(Finished)));
}

/// `Task::cancel().await` on an `unblock` task whose work has started waits until the work
/// has ended (it runs to its end) and then gives `None`: the work's output is dropped.
#[test]
fn cancel_waits_for_started_blocking_work_and_drops_its_output() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let task = smol::unblock(move || job.run_blocking_caught());
    block_on(until(|| log.events_of(0) == [Started]));
    let cancelling = std::thread::spawn(move || block_on(task.cancel()));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !cancelling.is_finished(),
        "cancel returned while the work ran"
    );
    openers.remove(0).open();
    let output = cancelling.join().expect("cancel does not panic");
    assert_eq!(output, None);
    assert_eq!(log.events_of(0), [Started, Finished]);
}

/// The environment variable that makes this test binary the child of
/// `the_process_exits_under_blocking_work_still_running`.
const CHILD: &str = "BLOCKING_SMOL_TEST_CHILD";

/// Returning from `main` does not wait for the blocking pool: a process whose blocking
/// work can never end (it waits on a channel nobody will ever send on) still exits, with
/// the work in the middle of running.
#[test]
fn the_process_exits_under_blocking_work_still_running() {
    let exe = std::env::current_exe().expect("the test binary");
    let mut child = Command::new(exe)
        .args([
            "--exact",
            "child_leaves_blocking_work_running",
            "--ignored",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the child starts");
    // The failure path, generous: a child that waited for its work would never exit.
    let start = Instant::now();
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the process waited for its blocking work");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("the child's output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("the work has started"), "{stdout}");
}

/// The child of `the_process_exits_under_blocking_work_still_running` (it does nothing
/// unless that test runs it).
#[test]
#[ignore = "run by the_process_exits_under_blocking_work_still_running, in a process of its own"]
fn child_leaves_blocking_work_running() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let (started, has_started) = mpsc::channel();
    let (never, nothing) = mpsc::channel::<()>();
    smol::unblock(move || {
        let _ = started.send(());
        let _ = nothing.recv();
        println!("the work has ended");
    })
    .detach();
    has_started.recv().expect("the work starts");
    println!("the work has started");
    // Nobody will ever send, and the channel never closes: the work cannot end.
    std::mem::forget(never);
}
