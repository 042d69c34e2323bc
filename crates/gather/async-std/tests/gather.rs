//! What `gather` on async-std does with the contract's jobs: order, final states, time.
//!
//! async-std has no virtual clock, so these tests sleep for real: the delays are a tenth of the
//! tutorial's and at least 100 ms apart, and the time bounds are loose, so that a loaded
//! machine cannot reorder the jobs or break a bound.

use std::time::{Duration, Instant};

use gather_async_std::{gather, gather_return_exceptions, sequential};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventKind, EventLog, Job, JobError};

/// The tutorial's delays (2 s, 1 s, 3 s), scaled down to a tenth.
const DELAYS: [f64; 3] = [0.2, 0.1, 0.3];

/// Jobs with the scaled delays, failing and panicking as listed.
fn jobs(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A panic's default report (with a backtrace when `RUST_BACKTRACE` is set) can take
    // longer than the gap between two delays; the simulated panics print one line instead.
    shared::quiet_job_panics();
    let config = Config::with_delays(&DELAYS).failing(fail).panicking(panic);
    config.jobs(log)
}

fn ok(values: &[usize]) -> Vec<String> {
    values
        .iter()
        .map(|job| format!("job {job} result"))
        .collect()
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// The jobs all start at once and come back in input order after about the longest
/// delay: at least 0.3 s, and well below the sum (0.6 s).
#[test]
fn results_come_in_input_order_after_the_longest_delay() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(gather(jobs(&log, &[], &[])));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.6));
    let finished: Vec<usize> = log
        .events()
        .iter()
        .filter(|e| e.event == Finished)
        .map(|e| e.job)
        .collect();
    assert_eq!(finished, [1, 0, 2], "jobs finish in order of their delays");
    assert!(log.events().iter().take(3).all(|e| e.event == Started));
    assert!(log.running().is_empty());
}

/// The first error reaches the caller as soon as it happens, and the jobs still running
/// then are cancelled, not left running behind the caller.
#[test]
fn the_first_error_returns_at_once_and_cancels_the_rest() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(gather(jobs(&log, &[1], &[])));
    assert_eq!(results, Err(JobError::Failed(1)));
    assert!(log.elapsed() >= secs(0.1) && log.elapsed() < secs(0.3));
    let states = [Some(Cancelled), Some(Failed), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Jobs faster than the failing one finish; the slower ones are cancelled; of two failing
/// jobs, the faster one's error is the one the caller gets.
#[test]
fn jobs_faster_than_the_error_finish_and_slower_ones_are_cancelled() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(gather(jobs(&log, &[0, 2], &[])));
    assert_eq!(results, Err(JobError::Failed(0)));
    let states = [Some(Failed), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
}

/// A panicking job is handled like a failing one: the caller gets `job 1 panicked`, the
/// other jobs are cancelled, and the panic goes no further.
#[test]
fn a_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(gather(jobs(&log, &[], &[1])));
    assert_eq!(results, Err(JobError::Panicked(1)));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// `return_exceptions=True`: every job runs to its end and errors come back as values,
/// in input order.
#[test]
fn return_exceptions_runs_every_job_to_its_end() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(gather_return_exceptions(jobs(&log, &[1], &[2])));
    let expected = [
        Ok("job 0 result".to_owned()),
        Err(JobError::Failed(1)),
        Err(JobError::Panicked(2)),
    ];
    assert_eq!(results, expected);
    assert!(log.elapsed() >= secs(0.3));
    let states = [Some(Finished), Some(Failed), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
}

/// Awaiting the jobs one after another takes the sum of the delays, and each job starts
/// only when the one before it has finished.
#[test]
fn sequential_takes_the_sum_of_the_delays() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(sequential(jobs(&log, &[], &[])));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= secs(0.6));
    let order: Vec<(usize, EventKind)> = log.events().iter().map(|e| (e.job, e.event)).collect();
    let expected = [(0, Started), (0, Finished), (1, Started), (1, Finished)];
    assert_eq!(order[..4], expected);
}

/// Sequentially, the first failure in input order ends the run: later jobs never start.
#[test]
fn sequential_stops_at_the_first_failure_in_input_order() {
    let log = EventLog::new(Instant::now);
    let results = async_std::task::block_on(sequential(jobs(&log, &[2], &[1])));
    assert_eq!(results, Err(JobError::Panicked(1)));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
}
