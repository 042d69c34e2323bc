//! What `to_thread`, `gather` and `wait_for` on tokio do with blocking work, and what tokio
//! itself does with blocking work that nobody waits for any more.
//!
//! Blocking work takes real time, which no clock can skip: the jobs here are gated
//! (`Job::gated`: a blocking job blocks its thread until the test opens its gate), so the
//! order in which they end is caused by the test, not raced. The `wait_for` tests run on a
//! paused clock, which tokio does not move by itself while blocking work runs (on a
//! current-thread runtime, `spawn_blocking` holds off its auto-advance until the work has
//! ended, `runtime/blocking/schedule.rs`): they move it by hand with `time::advance`, so
//! the deadline is exact. Real time is left only for "this has *not* happened yet".

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use blocking_tokio::{TimedOut, gather, to_thread, wait_for};
use futures::FutureExt as _;
use shared::EventKind::{Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};

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

/// Waits until `done` holds, looking every millisecond (on the real clock).
async fn until(done: impl Fn() -> bool) {
    while !done() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The same, sleeping the thread between looks: for a paused clock, which does not move
/// while blocking work runs (a timer would never fire), and for a runtime without a timer.
async fn until_on_thread(done: impl Fn() -> bool) {
    while !done() {
        std::thread::sleep(Duration::from_millis(1));
        tokio::task::yield_now().await;
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
#[tokio::test]
async fn to_thread_runs_the_work_on_another_thread() {
    let caller = std::thread::current().id();
    let worker = to_thread(|| std::thread::current().id()).await;
    assert_ne!(worker, caller);
}

/// A panic of the work is raised again in the caller.
#[tokio::test]
async fn to_thread_raises_a_panic_again_in_the_caller() {
    let log = EventLog::new(Instant::now);
    let (openers, mut jobs) = gated(&log, 1, &[], &[0]);
    drop(openers);
    let job = jobs.remove(0);
    let raised = AssertUnwindSafe(to_thread(move || job.run_blocking()))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    assert_eq!(log.events_of(0), [Started, Panicked]);
}

/// Twenty works that each wait until all twenty are waiting (a `Barrier`) all get past it:
/// the pool ran them at once, each on a thread of its own.
#[tokio::test]
async fn gather_runs_every_work_at_once() {
    let barrier = Arc::new(Barrier::new(20));
    let works = (0..20).map(|i| {
        let barrier = Arc::clone(&barrier);
        move || {
            barrier.wait();
            Ok::<_, JobError>(i)
        }
    });
    let values = gather(works).await;
    assert_eq!(values, Ok((0..20).collect()));
}

/// The values come back in input order whatever order the works end in (here B, A, C),
/// and nothing is left running.
#[tokio::test]
async fn gather_returns_the_values_in_input_order() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[]);
    let (values, _) = tokio::join!(
        gather(caught(jobs)),
        end_in_order(&log, openers, &[1, 0, 2])
    );
    let ok: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(values, Ok(ok));
    assert_eq!(finished(&log), [1, 0, 2]);
    assert!(log.running().is_empty());
}

/// After an error, `gather` waits for every other work: it has not returned while they
/// still run, none of them is cancelled (blocking work cannot be), and when it returns
/// nothing is left running.
#[tokio::test]
async fn the_error_comes_once_every_work_has_ended_and_none_is_cancelled() {
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
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !returned.load(Ordering::SeqCst),
            "gather returned while work ran"
        );
        assert_eq!(log.running(), [0, 2, 3]);
        drop(rest);
    };
    let ((result, running), ()) = tokio::join!(gathering, drive);
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
#[tokio::test]
async fn the_first_error_to_happen_is_the_one_returned() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[0, 2], &[]);
    let (result, _) = tokio::join!(
        gather(caught(jobs)),
        end_in_order(&log, openers, &[2, 1, 0])
    );
    assert_eq!(result, Err(JobError::Failed(2)));
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Finished), Some(Failed)]
    );
}

/// The example's jobs: a panicking job is reported like a failing one, `job 1 panicked`,
/// and the others run to their end.
#[tokio::test]
async fn a_caught_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[1]);
    let (result, _) = tokio::join!(
        gather(caught(jobs)),
        end_in_order(&log, openers, &[1, 0, 2])
    );
    assert_eq!(result, Err(JobError::Panicked(1)));
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Finished)]
    );
}

/// A panic that reaches `gather` is raised again in the caller, once every other work has
/// ended.
#[tokio::test]
async fn a_panic_is_raised_again_once_every_other_work_has_ended() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[1]);
    let gathering = async {
        let raised = AssertUnwindSafe(gather(raw(jobs))).catch_unwind().await;
        (raised, log.running())
    };
    let ((raised, running), _) = tokio::join!(gathering, end_in_order(&log, openers, &[1, 0, 2]));
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

/// The deadline passes while the work is held: the caller gets `TimedOut` at exactly the
/// deadline, the work is still running then, and `finish` waits for it and gives its
/// output.
#[tokio::test(start_paused = true)]
async fn wait_for_times_out_on_time_and_the_work_runs_on() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let start = tokio::time::Instant::now();
    let limit = Duration::from_millis(500);
    let move_the_clock = async {
        until_on_thread(|| log.events_of(0) == [Started]).await;
        tokio::time::advance(limit).await;
    };
    let (result, ()) = tokio::join!(
        wait_for(move || job.run_blocking_caught(), limit),
        move_the_clock
    );
    let timed_out = result.expect_err("the deadline passed first");
    assert_eq!(start.elapsed(), limit);
    assert_eq!(log.running(), [0], "the work runs on");
    openers.remove(0).open();
    let output = timed_out.finish().await;
    assert_eq!(output, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);
    assert!(log.running().is_empty());
}

/// A work that ends within the limit gives its output; one that fails, its error. (The
/// paused clock cannot reach the deadline first: tokio does not move it while the work
/// runs.)
#[tokio::test(start_paused = true)]
async fn wait_for_gives_the_output_of_a_work_within_the_limit() {
    let log = EventLog::new(Instant::now);
    let (openers, mut jobs) = gated(&log, 2, &[1], &[]);
    drop(openers);
    let (failing, fast) = (jobs.remove(1), jobs.remove(0));
    let limit = Duration::from_millis(500);
    let output = wait_for(move || fast.run_blocking_caught(), limit).await;
    assert_eq!(output.ok(), Some(Ok("job 0 result".to_owned())));
    let output = wait_for(move || failing.run_blocking_caught(), limit).await;
    assert_eq!(output.ok(), Some(Err(JobError::Failed(1))));
    assert!(log.running().is_empty());
}

/// A zero limit times out before the work is handed to the pool: it never starts.
#[tokio::test(start_paused = true)]
async fn a_zero_limit_starts_nothing() {
    let called = Arc::new(AtomicBool::new(false));
    let work = {
        let called = Arc::clone(&called);
        move || called.store(true, Ordering::SeqCst)
    };
    let timed_out = wait_for(work, Duration::ZERO)
        .await
        .expect_err("a zero limit times out");
    assert_eq!(
        format!("{timed_out:?}"),
        "TimedOut { submitted: false, .. }"
    );
    assert_eq!(timed_out.finish().await, None);
    assert!(!called.load(Ordering::SeqCst));
}

/// A panic before the deadline is raised again by `wait_for`; one after it, by `finish`.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_by_wait_for_or_by_finish() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 2, &[], &[0, 1]);
    let (late, early) = (jobs.remove(1), jobs.remove(0));
    openers.remove(0).open();
    let limit = Duration::from_millis(500);
    let raised = AssertUnwindSafe(wait_for(move || early.run_blocking(), limit))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller of wait_for");
    assert_eq!(message(&*payload), Some("job 0 panicked"));

    let move_the_clock = async {
        until_on_thread(|| log.events_of(1) == [Started]).await;
        tokio::time::advance(limit).await;
    };
    let (result, ()) = tokio::join!(wait_for(move || late.run_blocking(), limit), move_the_clock);
    let timed_out = result.expect_err("the deadline passed first");
    openers.remove(0).open();
    let raised = AssertUnwindSafe(timed_out.finish()).catch_unwind().await;
    let payload = raised.expect_err("the panic reaches the caller of finish");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert!(log.running().is_empty());
}

/// `TimedOut` is an error type that `?` can pass on (into `anyhow`, say), whatever the
/// work's output.
#[tokio::test(start_paused = true)]
async fn timed_out_is_an_error() {
    struct NotDebug;
    let timed_out: TimedOut<NotDebug> = wait_for(|| NotDebug, Duration::ZERO)
        .await
        .err()
        .expect("a zero limit times out");
    let error: Box<dyn std::error::Error + Send + Sync> = Box::new(timed_out);
    assert_eq!(
        error.to_string(),
        "the deadline passed before the blocking work ended"
    );
}

/// A dropped `TimedOut` leaves the work running, detached: it ends when it ends.
#[tokio::test]
async fn a_dropped_timed_out_leaves_the_work_running() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let limit = Duration::from_millis(10);
    let timed_out = wait_for(move || job.run_blocking_caught(), limit).await;
    until(|| log.events_of(0) == [Started]).await;
    drop(timed_out);
    assert_eq!(log.running(), [0]);
    openers.remove(0).open();
    until(|| log.final_state(0) == Some(Finished)).await;
}

/// `JoinHandle::abort` does nothing to blocking work that has started: it runs to its end,
/// and the handle gives its output.
#[tokio::test]
async fn abort_does_not_stop_started_blocking_work() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let handle = tokio::task::spawn_blocking(move || job.run_blocking_caught());
    until(|| log.events_of(0) == [Started]).await;
    handle.abort();
    openers.remove(0).open();
    let joined = handle.await.expect("not cancelled: it had started");
    assert_eq!(joined, Ok("job 0 result".to_owned()));
    assert_eq!(log.events_of(0), [Started, Finished]);
}

/// Shutting a runtime down (dropping it, as `#[tokio::main]` does when its function
/// returns) waits for blocking work that has started, however long it takes.
#[test]
fn a_runtime_waits_for_started_blocking_work_when_it_shuts_down() {
    let log = EventLog::new(Instant::now);
    let (mut openers, mut jobs) = gated(&log, 1, &[], &[]);
    let job = jobs.remove(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        // Detached: the handle is dropped at once.
        tokio::task::spawn_blocking(move || job.run_blocking_caught());
        until_on_thread(|| log.events_of(0) == [Started]).await;
    });
    let shutting_down = {
        let log = log.clone();
        std::thread::spawn(move || {
            drop(runtime);
            log.final_state(0)
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    assert!(!shutting_down.is_finished(), "the shutdown did not wait");
    openers.remove(0).open();
    let when_shut_down = shutting_down.join().expect("the shutdown does not panic");
    assert_eq!(
        when_shut_down,
        Some(Finished),
        "the work ended before the shutdown did"
    );
}
