//! What `cancel-cleanup` on tokio does with the contract's job: the exact events of each
//! way to cancel it, that its cleanup runs exactly once, and that the caller learns it
//! was cancelled; and what the pattern's pieces do with any work: `with_cleanup` drops the
//! work before its cleanup, `Finally` runs however a future is left, and a panic of the
//! work reaches the caller.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 10 s job takes no real time
//! and the elapsed times are exact.

// The example's job with a cleanup, and its `cleanup` and `abort` scenarios.
#[path = "../src/job.rs"]
mod job;

use std::future::pending;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

use cancel_cleanup_tokio::{Finally, cancel, with_cleanup};
use futures::FutureExt as _;
use job::{abort, cleanup, job_with_cleanup};
use shared::EventKind::{
    Cancelled, CleanupFinished, CleanupStarted, Failed, Finally as FinallyStep, Finished, Panicked,
    Started,
};
use shared::{Config, EventLog, Job, JobError};
use tokio::time::sleep;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Job 0 with this delay in seconds, failing or panicking as asked.
fn job(log: &EventLog, delay: f64, fail: bool, panic: bool) -> Job {
    let fail: &[usize] = if fail { &[0] } else { &[] };
    let panic: &[usize] = if panic { &[0] } else { &[] };
    let config = Config::with_delays(&[delay]).failing(fail).panicking(panic);
    config.jobs(log).remove(0)
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// Waits long enough for a job left running to show itself: nothing more may happen.
async fn nothing_happens_later(log: &EventLog) {
    let before = log.events().len();
    sleep(secs(60.0)).await;
    assert_eq!(log.events().len(), before, "nothing was left running");
    assert!(log.running().is_empty());
}

/// `cancel`: the 10 s job is aborted at 1 s, and the caller learns it was cancelled.
#[tokio::test(start_paused = true)]
async fn cancel_aborts_the_job_and_the_caller_sees_it() {
    let log = log();
    let result = cancel(
        job(&log, 10.0, false, false).run_caught(sleep),
        sleep(secs(1.0)),
    )
    .await;
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(log.elapsed(), secs(1.0));
    assert_eq!(log.events_of(0), [Started, Cancelled]);
    nothing_happens_later(&log).await;
}

/// `cleanup`: asked to stop at 1 s, the job cleans up for 0.1 s, runs its finally-step,
/// and only then ends: the exact events, each cleanup step exactly once.
#[tokio::test(start_paused = true)]
async fn cleanup_runs_once_in_order_before_the_job_ends() {
    let log = log();
    let result = cleanup(job(&log, 10.0, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(
        log.elapsed(),
        secs(1.1),
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
    let times: Vec<f64> = log.events().iter().map(|e| e.t_ms).collect();
    assert_eq!(times, [0.0, 1000.0, 1100.0, 1100.0, 1100.0]);
    nothing_happens_later(&log).await;
}

/// `abort`: the same job, aborted: only the synchronous finally-step runs, never the
/// async cleanup.
#[tokio::test(start_paused = true)]
async fn abort_runs_only_the_finally_step() {
    let log = log();
    let result = abort(job(&log, 10.0, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(log.elapsed(), secs(1.0));
    assert_eq!(log.events_of(0), [Started, FinallyStep, Cancelled]);
    nothing_happens_later(&log).await;
}

/// A job shorter than `--cancel-after` finishes first: the cancellation does nothing,
/// the caller gets the result, and the finally-step runs anyway.
#[tokio::test(start_paused = true)]
async fn a_job_that_finishes_first_is_not_cancelled() {
    let log = self::log();
    let result = cancel(
        job(&log, 0.5, false, false).run_caught(sleep),
        sleep(secs(1.0)),
    )
    .await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);
    assert_eq!(log.elapsed(), secs(1.0), "as in Python: sleep, then cancel");

    let log = self::log();
    let result = cleanup(job(&log, 0.5, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, FinallyStep]);

    let log = self::log();
    let result = abort(job(&log, 0.5, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, FinallyStep]);
}

/// A job that fails or panics before the cancellation: the caller gets its error (the
/// example makes a panic the job's error, with `run_caught` and `job.rs`'s `caught`), and
/// the finally-step runs after the ending.
#[tokio::test(start_paused = true)]
async fn a_failure_or_panic_before_the_cancellation_is_an_error() {
    let log = self::log();
    let result = cancel(
        job(&log, 0.5, true, false).run_caught(sleep),
        sleep(secs(1.0)),
    )
    .await;
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed]);

    let log = self::log();
    let result = cancel(
        job(&log, 0.5, false, true).run_caught(sleep),
        sleep(secs(1.0)),
    )
    .await;
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked]);

    let log = self::log();
    let result = cleanup(job(&log, 0.5, true, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed, FinallyStep]);

    let log = self::log();
    let result = abort(job(&log, 0.5, false, true), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);
}

/// A failing job that is cancelled first never fails: the cancellation wins.
#[tokio::test(start_paused = true)]
async fn a_job_cancelled_before_it_fails_is_cancelled() {
    let log = log();
    let result = cleanup(job(&log, 10.0, true, false), sleep(secs(1.0)), secs(0.1)).await;
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
#[tokio::test(start_paused = true)]
async fn with_cleanup_drops_the_work_before_it_cleans_up() {
    let log = log();
    let work = job(&log, 10.0, false, false).run(sleep);
    let cleanup = async {
        log.record(0, CleanupStarted);
        sleep(secs(0.1)).await;
        log.record(0, CleanupFinished);
    };
    let result = with_cleanup(work, cleanup, sleep(secs(1.0))).await;
    assert_eq!(result, None);
    assert_eq!(log.elapsed(), secs(1.1));
    let events = [Started, Cancelled, CleanupStarted, CleanupFinished];
    assert_eq!(log.events_of(0), events);
}

/// `with_cleanup` returns the output of a work that ends first, at once, and never starts
/// the cleanup.
#[tokio::test(start_paused = true)]
async fn with_cleanup_returns_what_the_work_returned_without_cleaning_up() {
    let log = log();
    let work = job(&log, 0.5, true, false).run(sleep);
    let cleanup = async { log.record(0, CleanupStarted) };
    let result = with_cleanup(work, cleanup, sleep(secs(1.0))).await;
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.elapsed(), secs(0.5), "it did not wait for the stop");
    assert_eq!(log.events_of(0), [Started, Failed]);
    nothing_happens_later(&log).await;
}

/// `Finally` runs its step once, however the future that holds it is left: it returns, it
/// panics, or it is dropped while it waits.
#[tokio::test(start_paused = true)]
async fn finally_runs_however_the_future_is_left() {
    shared::quiet_job_panics();
    let counted = AtomicUsize::new(0);
    let steps = &counted;
    // Sleeps a second, then returns, or panics (with a simulated job's message, which
    // `quiet_job_panics` prints on one line).
    let guarded = |panics: bool| async move {
        let _finally = Finally::new(|| {
            steps.fetch_add(1, Relaxed);
        });
        sleep(secs(1.0)).await;
        assert!(!panics, "job 0 panicked");
    };
    guarded(false).await;
    assert_eq!(steps.load(Relaxed), 1, "returned");
    let panicked = AssertUnwindSafe(guarded(true)).catch_unwind().await;
    assert!(panicked.is_err());
    assert_eq!(steps.load(Relaxed), 2, "panicked");
    let dropped = tokio::time::timeout(secs(0.5), guarded(false)).await;
    assert!(dropped.is_err());
    assert_eq!(steps.load(Relaxed), 3, "dropped");
}

/// A panic of the work that `cancel` spawned is raised again in the caller, once the task
/// has stopped: nothing is left running, and the job's events say `panicked`.
#[tokio::test(start_paused = true)]
async fn cancel_raises_a_panic_of_the_work_in_the_caller() {
    shared::quiet_job_panics();
    let log = log();
    let work = job(&log, 0.5, false, true).run(sleep);
    let result = AssertUnwindSafe(cancel(work, sleep(secs(1.0))))
        .catch_unwind()
        .await;
    let payload = result.expect_err("the panic reaches the caller");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("job 0 panicked")
    );
    assert_eq!(log.events_of(0), [Started, Panicked]);
    nothing_happens_later(&log).await;
}

/// A panic in the work unwinds through `with_cleanup`: the job's finally-step still runs,
/// after its `panicked`, and the cleanup never starts.
#[tokio::test(start_paused = true)]
async fn a_panic_unwinds_through_with_cleanup_and_the_finally_step_runs() {
    shared::quiet_job_panics();
    let log = log();
    let work = job_with_cleanup(job(&log, 0.5, false, true), pending::<()>(), secs(0.1));
    let result = AssertUnwindSafe(work).catch_unwind().await;
    assert!(result.is_err(), "the panic went through");
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);

    // The same, spawned by `cancel`: raised again in the caller, after the finally-step.
    let log = self::log();
    let work = job_with_cleanup(job(&log, 0.5, false, true), pending::<()>(), secs(0.1));
    let result = AssertUnwindSafe(cancel(work, sleep(secs(1.0))))
        .catch_unwind()
        .await;
    assert!(result.is_err(), "the panic reached the caller");
    assert_eq!(log.events_of(0), [Started, Panicked, FinallyStep]);
    nothing_happens_later(&log).await;
}
