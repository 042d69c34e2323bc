//! What `cancel-cleanup` on async-std does with the contract's job: the exact events of
//! each way to cancel it, that its cleanup runs exactly once, and that the caller learns
//! it was cancelled.
//!
//! async-std has no virtual clock, so these tests sleep for real: the job takes 1 s and is
//! cancelled after 0.1 s, a job that finishes first takes 0.1 s and the cancellation
//! comes at 0.3 s, and the time bounds are loose, so that a loaded machine cannot break
//! them.

use std::time::{Duration, Instant};

use async_std::task::block_on;
use cancel_cleanup_async_std::{abort, cancel, cleanup};
use shared::EventKind::{
    Cancelled, CleanupFinished, CleanupStarted, Failed, Finally, Finished, Panicked, Started,
};
use shared::{Config, EventLog, Job, JobError};

/// Job 0 with this delay in seconds, failing or panicking as asked.
fn job(log: &EventLog, delay: f64, fail: bool, panic: bool) -> Job {
    // A simulated panic prints one line. With `RUST_BACKTRACE` set, the default hook spends
    // a tenth of a second or more capturing a backtrace on the thread that panicked, and
    // the executor threads run every test's jobs: another test's 0.1 s job could end after
    // its 0.3 s cancellation.
    shared::quiet_job_panics();
    let fail: &[usize] = if fail { &[0] } else { &[] };
    let panic: &[usize] = if panic { &[0] } else { &[] };
    let config = Config::with_delays(&[delay]).failing(fail).panicking(panic);
    config.jobs(log).remove(0)
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// Waits past the job's own end (1 s): a job left running would show itself.
fn nothing_happens_later(log: &EventLog) {
    let before = log.events().len();
    std::thread::sleep(secs(1.2));
    assert_eq!(log.events().len(), before, "nothing was left running");
    assert!(log.running().is_empty());
}

/// `cancel`: the 1 s job is cancelled at 0.1 s, and the caller learns it was cancelled.
#[test]
fn cancel_stops_the_job_and_the_caller_sees_it() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(job(&log, 1.0, false, false), secs(0.1)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert!(log.elapsed() >= secs(0.1) && log.elapsed() < secs(0.5));
    assert_eq!(log.events_of(0), [Started, Cancelled]);
    nothing_happens_later(&log);
}

/// `cleanup`: asked to stop, the job cleans up for 0.1 s, runs its finally-step, and only
/// then ends: the exact events, each cleanup step exactly once.
#[test]
fn cleanup_runs_once_in_order_before_the_job_ends() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(job(&log, 1.0, false, false), secs(0.1), secs(0.1)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert!(
        log.elapsed() >= secs(0.2),
        "the caller waited for the cleanup"
    );
    let events = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];
    assert_eq!(log.events_of(0), events);
    nothing_happens_later(&log);
}

/// `abort`: the same job, cancelled: only the synchronous finally-step runs, never the
/// async cleanup.
#[test]
fn abort_runs_only_the_finally_step() {
    let log = EventLog::new(Instant::now);
    let result = block_on(abort(job(&log, 1.0, false, false), secs(0.1), secs(0.1)));
    assert_eq!(result, None, "the caller observes the cancellation");
    assert_eq!(log.events_of(0), [Started, Finally, Cancelled]);
    nothing_happens_later(&log);
}

/// A job shorter than the cancellation finishes first: the cancellation does nothing,
/// the caller gets the result, and the finally-step runs anyway.
#[test]
fn a_job_that_finishes_first_is_not_cancelled() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(job(&log, 0.1, false, false), secs(0.3)));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(job(&log, 0.1, false, false), secs(0.3), secs(0.1)));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, Finally]);

    let log = EventLog::new(Instant::now);
    let result = block_on(abort(job(&log, 0.1, false, false), secs(0.3), secs(0.1)));
    assert_eq!(result, Some(Ok("job 0 result".to_owned())));
    assert_eq!(log.events_of(0), [Started, Finished, Finally]);
}

/// A job that fails or panics before the cancellation: the caller gets its error (a
/// panic is an error like a failure), and the finally-step runs after the ending. A panic
/// takes longer to raise than an error (the panic hook prints it, with a backtrace when
/// `RUST_BACKTRACE` is set): the cancellation comes later for those.
#[test]
fn a_failure_or_panic_before_the_cancellation_is_an_error() {
    let log = EventLog::new(Instant::now);
    let result = block_on(cancel(job(&log, 0.1, false, true), secs(0.8)));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(job(&log, 0.1, true, false), secs(0.3), secs(0.1)));
    assert_eq!(result, Some(Err(JobError::Failed(0))));
    assert_eq!(log.events_of(0), [Started, Failed, Finally]);

    let log = EventLog::new(Instant::now);
    let result = block_on(cleanup(job(&log, 0.1, false, true), secs(0.8), secs(0.1)));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, Finally]);

    let log = EventLog::new(Instant::now);
    let result = block_on(abort(job(&log, 0.1, false, true), secs(0.8), secs(0.1)));
    assert_eq!(result, Some(Err(JobError::Panicked(0))));
    assert_eq!(log.events_of(0), [Started, Panicked, Finally]);
}
