//! What `cancel-cleanup` on tokio does with the contract's job: the exact events of each
//! way to cancel it, that its cleanup runs exactly once, and that the caller learns it
//! was cancelled.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 10 s job takes no real time
//! and the elapsed times are exact.

use std::time::Duration;

use cancel_cleanup_tokio::{abort, cancel, cleanup};
use shared::EventKind::{
    Cancelled, CleanupFinished, CleanupStarted, Failed, Finally, Finished, Panicked, Started,
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
    let result = cancel(job(&log, 10.0, false, false), sleep(secs(1.0))).await;
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
    let events = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];
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
    assert_eq!(log.events_of(0), [Started, Finally, Cancelled]);
    nothing_happens_later(&log).await;
}

/// A job shorter than `--cancel-after` finishes first: the cancellation does nothing,
/// the caller gets the result, and the finally-step runs anyway.
#[tokio::test(start_paused = true)]
async fn a_job_that_finishes_first_is_not_cancelled() {
    let log = self::log();
    let result = cancel(job(&log, 0.5, false, false), sleep(secs(1.0))).await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);
    assert_eq!(log.elapsed(), secs(1.0), "as in Python: sleep, then cancel");

    let log = self::log();
    let result = cleanup(job(&log, 0.5, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, Finally]);

    let log = self::log();
    let result = abort(job(&log, 0.5, false, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, Finally]);
}

/// A job that fails or panics before the cancellation: the caller gets its error (a
/// panic is an error like a failure), and the finally-step runs after the ending.
#[tokio::test(start_paused = true)]
async fn a_failure_or_panic_before_the_cancellation_is_an_error() {
    let log = self::log();
    let result = cancel(job(&log, 0.5, true, false), sleep(secs(1.0))).await;
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed]);

    let log = self::log();
    let result = cancel(job(&log, 0.5, false, true), sleep(secs(1.0))).await;
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked]);

    let log = self::log();
    let result = cleanup(job(&log, 0.5, true, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed, Finally]);

    let log = self::log();
    let result = abort(job(&log, 0.5, false, true), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, Finally]);
}

/// A failing job that is cancelled first never fails: the cancellation wins.
#[tokio::test(start_paused = true)]
async fn a_job_cancelled_before_it_fails_is_cancelled() {
    let log = log();
    let result = cleanup(job(&log, 10.0, true, false), sleep(secs(1.0)), secs(0.1)).await;
    assert_eq!(result, None);
    let events = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];
    assert_eq!(log.events_of(0), events);
}
