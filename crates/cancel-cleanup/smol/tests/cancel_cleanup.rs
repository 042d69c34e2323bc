//! What `cancel-cleanup` on smol does with the contract's job: the exact events of
//! each way to cancel it, that its cleanup runs exactly once, and that the caller learns
//! it was cancelled; and what the pattern's pieces do with any work: `with_cleanup` drops
//! the work before its cleanup, `Finally` runs however a future is left, and a panic of
//! the work reaches the caller.
//!
//! smol has no virtual clock. Whether the job ends before it is cancelled is the point of
//! each test, so it is caused, not raced: a job cancelled while it runs is cancelled once
//! its events say it has started, and never ends by itself (the plain job waits on a gate
//! that stays shut, the job with a cleanup takes an hour); a job that ends first is
//! cancelled only once its events say it has ended.
//! Real time is left only where a load cannot change the answer: a cleanup takes at least
//! its time. The exact times are the tokio tests', on a paused clock.

// The example's job with a cleanup, and its `cleanup` and `abort` scenarios.
#[path = "../src/job.rs"]
mod job;

use std::future::pending;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use cancel_cleanup_smol::{Finally, cancel, with_cleanup};
use job::{abort, cleanup, job_with_cleanup};
use shared::EventKind::{
    Cancelled, CleanupFinished, CleanupStarted, Failed, Finally as FinallyStep, Finished, Panicked,
    Started,
};
use shared::{Config, EventLog, Job, JobError};
use smol::future::{FutureExt as _, poll_once, yield_now};
use smol::{Timer, block_on};

/// Job 0 with this delay in seconds, failing or panicking as asked.
fn job(log: &EventLog, delay: f64, fail: bool, panic: bool) -> Job {
    // A simulated panic prints one line. With `RUST_BACKTRACE` set, the default hook spends
    // a tenth of a second or more capturing a backtrace on the thread that panicked, and
    // smol's global executor runs every test's jobs on one thread.
    shared::quiet_job_panics();
    let fail: &[usize] = if fail { &[0] } else { &[] };
    let panic: &[usize] = if panic { &[0] } else { &[] };
    let config = Config::with_delays(&[delay]).failing(fail).panicking(panic);
    config.jobs(log).remove(0)
}

/// The plain job on a gate that is never opened: it never ends by itself.
fn endless(log: &EventLog) -> (shared::Opener, Job) {
    let (opener, gate) = shared::gate();
    (opener, job(log, 1.0, false, false).gated(gate))
}

/// An hour: a job with a cleanup that takes this long never ends by itself in a test.
const HOUR: f64 = 3600.0;

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// Waits until job 0 has ended (its events say so): the moment to cancel a job that is to
/// end first. A working job gets there at once; the minute only guards against a hang.
async fn ended(log: &EventLog) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while log.final_state(0).is_none() {
        assert!(Instant::now() < deadline, "the job never ended");
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// Waits until job 0 has started: the moment to cancel a job that is to be cancelled
/// while it runs. (The minute only guards against a hang.)
async fn started(log: &EventLog) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while log.events_of(0).is_empty() {
        assert!(Instant::now() < deadline, "the job never started");
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// `cancel`: the running job is cancelled, and the caller learns it was cancelled.
#[test]
fn cancel_stops_the_job_and_the_caller_sees_it() {
    let log = EventLog::new(Instant::now);
    let (_shut, job) = endless(&log);
    let result = block_on(cancel(job.run_caught(Timer::after), started(&log)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(log.events_of(0), [Started, Cancelled]);
    assert!(log.running().is_empty(), "nothing was left running");
}

/// `cleanup`: asked to stop, the job cleans up for 0.1 s, runs its finally-step, and only
/// then ends: the exact events, each cleanup step exactly once.
#[test]
fn cleanup_runs_once_in_order_before_the_job_ends() {
    let log = EventLog::new(Instant::now);
    let job = job(&log, HOUR, false, false);
    let result = block_on(cleanup(job, started(&log), secs(0.1)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert!(
        log.elapsed() >= secs(0.1),
        "the caller waited for the cleanup"
    );
    let events = [
        Started,
        CleanupStarted,
        CleanupFinished,
        FinallyStep,
        Cancelled,
    ];
    assert_eq!(log.events_of(0), events);
    assert!(log.running().is_empty(), "nothing was left running");
}

/// `abort`: the same job, cancelled: only the synchronous finally-step runs, never the
/// async cleanup.
#[test]
fn abort_runs_only_the_finally_step() {
    let log = EventLog::new(Instant::now);
    let job = job(&log, HOUR, false, false);
    let result = block_on(abort(job, started(&log), secs(0.1)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(log.events_of(0), [Started, FinallyStep, Cancelled]);
    assert!(log.running().is_empty(), "nothing was left running");
}

/// A job that ends before it is cancelled: the cancellation does nothing, the caller gets
/// the result, and the finally-step runs anyway.
#[test]
fn a_job_that_finishes_first_is_not_cancelled() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(
        job(&log, 0.01, false, false).run_caught(Timer::after),
        ended(&log),
    ));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(
        job(&log, 0.01, false, false),
        ended(&log),
        secs(0.1),
    ));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, FinallyStep]);

    let log = EventLog::new(Instant::now);
    let result = block_on(abort(job(&log, 0.01, false, false), ended(&log), secs(0.1)));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, FinallyStep]);
}

/// A job that fails or panics before the cancellation: the caller gets its error (the
/// example makes a panic the job's error, with `run_caught` and `job.rs`'s `caught`), and
/// the finally-step runs after the ending.
#[test]
fn a_failure_or_panic_before_the_cancellation_is_an_error() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(
        job(&log, 0.01, true, false).run_caught(Timer::after),
        ended(&log),
    ));
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(
        job(&log, 0.01, false, true).run_caught(Timer::after),
        ended(&log),
    ));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(
        job(&log, 0.01, true, false),
        ended(&log),
        secs(0.1),
    ));
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed, FinallyStep]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(
        job(&log, 0.01, false, true),
        ended(&log),
        secs(0.1),
    ));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);

    let log = EventLog::new(Instant::now);
    let result = block_on(abort(job(&log, 0.01, false, true), ended(&log), secs(0.1)));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);
}

/// A failing job that is asked to stop first never fails: the cancellation wins.
#[test]
fn a_job_cancelled_before_it_fails_is_cancelled() {
    let log = EventLog::new(Instant::now);
    let job = job(&log, HOUR, true, false);
    let result = block_on(cleanup(job, started(&log), secs(0.05)));
    assert_eq!(result, None);
    let events = [
        Started,
        CleanupStarted,
        CleanupFinished,
        FinallyStep,
        Cancelled,
    ];
    assert_eq!(log.events_of(0), events);
}

/// `with_cleanup` with any work: stopped, the work is dropped (the plain job records
/// `cancelled`) before the cleanup starts, and the caller waits for the cleanup.
#[test]
fn with_cleanup_drops_the_work_before_it_cleans_up() {
    let log = EventLog::new(Instant::now);
    let (_shut, job) = endless(&log);
    let cleanup = async {
        log.record(0, CleanupStarted);
        Timer::after(secs(0.05)).await;
        log.record(0, CleanupFinished);
    };
    let result = block_on(with_cleanup(job.run(Timer::after), cleanup, started(&log)));
    assert_eq!(result, None);
    assert!(
        log.elapsed() >= secs(0.05),
        "the caller waited for the cleanup"
    );
    let events = [Started, Cancelled, CleanupStarted, CleanupFinished];
    assert_eq!(log.events_of(0), events);
}

/// `with_cleanup` returns the output of a work that ends first, and never starts the
/// cleanup.
#[test]
fn with_cleanup_returns_what_the_work_returned_without_cleaning_up() {
    let log = EventLog::new(Instant::now);
    let work = job(&log, 0.01, true, false).run(Timer::after);
    let cleanup = async { log.record(0, CleanupStarted) };
    let result = block_on(with_cleanup(work, cleanup, pending::<()>()));
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed]);
}

/// `Finally` runs its step once, however the future that holds it is left: it returns, it
/// panics, or it is dropped while it waits.
#[test]
fn finally_runs_however_the_future_is_left() {
    shared::quiet_job_panics();
    let counted = AtomicUsize::new(0);
    let steps = &counted;
    // Waits once, then returns, or panics (with a simulated job's message, which
    // `quiet_job_panics` prints on one line).
    let guarded = |panics: bool| async move {
        let _finally = Finally::new(|| {
            steps.fetch_add(1, Relaxed);
        });
        yield_now().await;
        assert!(!panics, "job 0 panicked");
    };
    block_on(guarded(false));
    assert_eq!(steps.load(Relaxed), 1, "returned");
    let panicked = block_on(AssertUnwindSafe(guarded(true)).catch_unwind());
    assert!(panicked.is_err());
    assert_eq!(steps.load(Relaxed), 2, "panicked");
    let dropped = block_on(poll_once(guarded(false)));
    assert!(dropped.is_none(), "dropped while it waited");
    assert_eq!(steps.load(Relaxed), 3, "dropped");
}

/// A panic of the work that `cancel` spawned is raised again in the caller, once the task
/// has stopped: nothing is left running, and the job's events say `panicked`.
#[test]
fn cancel_raises_a_panic_of_the_work_in_the_caller() {
    let log = EventLog::new(Instant::now);
    let work = job(&log, 0.01, false, true).run(Timer::after);
    let result = block_on(AssertUnwindSafe(cancel(work, ended(&log))).catch_unwind());
    let payload = result.expect_err("the panic reaches the caller");
    let message = payload.downcast_ref::<String>().map(String::as_str);
    assert_eq!(message, Some("job 0 panicked"));
    assert_eq!(log.events_of(0), [Started, Panicked]);
    assert!(log.running().is_empty(), "nothing was left running");
}

/// A panic in the work unwinds through `with_cleanup`: the job's finally-step still runs,
/// after its `panicked`, and the cleanup never starts.
#[test]
fn a_panic_unwinds_through_with_cleanup_and_the_finally_step_runs() {
    let log = EventLog::new(Instant::now);
    let work = job_with_cleanup(job(&log, 0.01, false, true), pending::<()>(), secs(0.1));
    let result = block_on(AssertUnwindSafe(work).catch_unwind());
    assert!(result.is_err(), "the panic went through");
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);

    // The same, spawned by `cancel`: raised again in the caller, after the finally-step.
    let log = EventLog::new(Instant::now);
    let work = job_with_cleanup(job(&log, 0.01, false, true), pending::<()>(), secs(0.1));
    let result = block_on(AssertUnwindSafe(cancel(work, ended(&log))).catch_unwind());
    assert!(result.is_err(), "the panic reached the caller");
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);
    assert!(log.running().is_empty(), "nothing was left running");
}
