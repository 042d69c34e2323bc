//! What `timeout` on async-std does with the contract's jobs: who finishes, who is
//! cancelled, and that nothing is left running after a deadline.
//!
//! async-std has no virtual clock, so these tests sleep for real: the delays are a tenth of
//! the contract's and at least 100 ms from each other and from the deadline, and the time
//! bounds are loose, so that a loaded machine cannot reorder the jobs or break a bound.

use std::time::{Duration, Instant};

use async_std::task::block_on;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};
use timeout_async_std::{gather, scope, wait_for};

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A simulated panic prints one line. With `RUST_BACKTRACE` set, the default hook spends
    // a tenth of a second or more capturing a backtrace on the thread that panicked, and
    // the executor threads run every test's jobs: another test's job could stall past its
    // deadline.
    shared::quiet_job_panics();
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// A 1 s job under a 0.2 s deadline times out, and the job ends cancelled, not running
/// on behind the caller.
#[test]
fn wait_for_times_out_and_cancels_the_job() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    let result = block_on(wait_for(job, secs(0.2)));
    assert!(result.is_err(), "the deadline passed first");
    assert!(log.elapsed() >= secs(0.2) && log.elapsed() < secs(0.6));
    assert_eq!(log.final_states(1), [Some(Cancelled)]);
    assert!(log.running().is_empty());
}

/// A job faster than the deadline returns its result; a failure or a panic before the
/// deadline is the job's error, not a timeout (Python's `wait_for` raises it).
#[test]
fn wait_for_returns_the_result_error_or_panic_of_a_fast_job() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[0.1], &[], &[]).remove(0);
    let result = block_on(wait_for(job, secs(0.3)));
    assert_eq!(result, Ok(Ok("job 0 result".to_owned())));
    assert!(
        log.elapsed() < secs(0.3),
        "it returns as soon as the job is done"
    );
    let job = jobs(&log, &[0.1], &[0], &[]).remove(0);
    assert_eq!(
        block_on(wait_for(job, secs(0.3))),
        Ok(Err(JobError::Failed(0)))
    );
    // A panic takes longer to raise than an error (the panic hook prints it, with a
    // backtrace when `RUST_BACKTRACE` is set): leave it a wider margin.
    let job = jobs(&log, &[0.1], &[], &[0]).remove(0);
    assert_eq!(
        block_on(wait_for(job, secs(0.8))),
        Ok(Err(JobError::Panicked(0)))
    );
}

/// The trap the example avoids: `timeout` around a spawned task's handle stops the
/// waiting, not the task, which runs on until it is cancelled.
#[test]
fn a_timeout_around_a_handle_leaves_the_task_running() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    block_on(async {
        let mut task = async_std::task::spawn(job.run(async_std::task::sleep));
        let waited = async_std::future::timeout(secs(0.2), &mut task).await;
        assert!(waited.is_err());
        assert_eq!(log.running(), [0], "the job still runs after the timeout");
        assert_eq!(task.cancel().await, None, "cancel() says it was cancelled");
    });
    assert_eq!(log.final_states(1), [Some(Cancelled)]);
}

/// One deadline over a gather: the jobs faster than it finish, the rest are cancelled,
/// and the caller gets the timeout (not the partial results).
#[test]
fn gather_times_out_as_a_whole() {
    let log = EventLog::new(Instant::now);
    let result = block_on(gather(jobs(&log, &[0.1, 0.2, 0.5], &[], &[]), secs(0.3)));
    assert!(result.is_err());
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.5));
    let states = [Some(Finished), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Within the deadline, the results come in input order.
#[test]
fn gather_within_the_deadline_returns_every_result_in_order() {
    let log = EventLog::new(Instant::now);
    let result = block_on(gather(jobs(&log, &[0.2, 0.1, 0.2], &[], &[]), secs(0.4)));
    let values: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(result, Ok(Ok(values)));
}

/// A failure (or a panic) before the deadline ends the gather with that error at once;
/// the slower jobs are cancelled.
#[test]
fn gather_raises_a_failure_or_panic_before_the_deadline() {
    let log = EventLog::new(Instant::now);
    let result = block_on(gather(jobs(&log, &[0.1, 0.2, 0.5], &[1], &[]), secs(0.3)));
    assert_eq!(result, Ok(Err(JobError::Failed(1))));
    let states = [Some(Finished), Some(Failed), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());

    // A panic takes longer to raise than an error (the panic hook prints it, with a
    // backtrace when `RUST_BACKTRACE` is set): leave the other jobs a wider margin.
    let log = EventLog::new(Instant::now);
    let result = block_on(gather(jobs(&log, &[0.1, 0.5, 1.0], &[], &[0]), secs(0.7)));
    assert_eq!(result, Ok(Err(JobError::Panicked(0))));
    let states = [Some(Panicked), Some(Cancelled), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A timeout scope: A is done, B is cancelled in flight at the deadline, C never starts.
/// B is due just after the deadline (0.1 s + 0.2 s, started after the 0.3 s deadline was
/// set): it is cancelled every time, as in Python, even when both come due together.
#[test]
fn scope_cancels_the_job_in_flight_and_starts_no_more() {
    let log = EventLog::new(Instant::now);
    let mut results = Vec::new();
    let jobs = jobs(&log, &[0.1, 0.2, 0.5], &[], &[]);
    let result = block_on(scope(jobs, secs(0.3), &mut results));
    assert!(result.is_err());
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.final_states(3), [Some(Finished), Some(Cancelled), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
    assert!(log.running().is_empty());
}

/// In a scope, a failure before the deadline ends it with that error; the results before
/// it stay, and the later jobs never start.
#[test]
fn scope_stops_at_a_failure() {
    let log = EventLog::new(Instant::now);
    let mut results = Vec::new();
    let jobs = jobs(&log, &[0.1, 0.1, 0.1], &[1], &[]);
    let result = block_on(scope(jobs, secs(0.5), &mut results));
    assert_eq!(result, Ok(Err(JobError::Failed(1))));
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.final_states(3), [Some(Finished), Some(Failed), None]);
}
