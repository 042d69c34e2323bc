//! What `gather` on tokio does with the contract's jobs: order, final states, time.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 3 s gather takes no real
//! time and its elapsed time is exact.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the tests of a panic that reaches the
//! pattern itself (`Job::run`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use gather_tokio::{gather, gather_return_exceptions, sequential};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventKind, EventLog, Job, JobError};

/// The jobs' output.
type Output = Result<String, JobError>;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn config(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    shared::quiet_job_panics();
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn jobs(
    log: &EventLog,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
) -> Vec<impl Future<Output = Output> + Send + 'static> {
    let jobs = config(log, delays, fail, panic).into_iter();
    jobs.map(|job| job.run_caught(tokio::time::sleep)).collect()
}

/// The same jobs with their panics left to unwind: a bug, as the pattern sees it.
fn raw(
    log: &EventLog,
    delays: &[f64],
    panic: &[usize],
) -> Vec<impl Future<Output = Output> + Send + 'static> {
    let jobs = config(log, delays, &[], panic).into_iter();
    jobs.map(|job| job.run(tokio::time::sleep)).collect()
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

fn ok(values: &[usize]) -> Vec<String> {
    values
        .iter()
        .map(|job| format!("job {job} result"))
        .collect()
}

/// The tutorial's jobs (2 s, 1 s, 3 s) all start at once and come back in input order
/// after 3 s: the longest delay, not the sum.
#[tokio::test(start_paused = true)]
async fn results_come_in_input_order_after_the_longest_delay() {
    let log = log();
    let results = gather(jobs(&log, &[2.0, 1.0, 3.0], &[], &[])).await;
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
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

/// The first error reaches the caller as soon as it happens (1 s), and the jobs still
/// running then are cancelled, not left running behind the caller.
#[tokio::test(start_paused = true)]
async fn the_first_error_returns_at_once_and_cancels_the_rest() {
    let log = log();
    let results = gather(jobs(&log, &[2.0, 1.0, 3.0], &[1], &[])).await;
    assert_eq!(results, Err(JobError::Failed(1)));
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Failed), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// Jobs faster than the failing one finish; the slower ones are cancelled; of two failing
/// jobs, the faster one's error is the one the caller gets.
#[tokio::test(start_paused = true)]
async fn jobs_faster_than_the_error_finish_and_slower_ones_are_cancelled() {
    let log = log();
    let results = gather(jobs(&log, &[2.0, 1.0, 3.0], &[0, 2], &[])).await;
    assert_eq!(results, Err(JobError::Failed(0)));
    assert_eq!(log.elapsed(), Duration::from_secs(2));
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Finished), Some(Cancelled)]
    );
}

/// The first error in time wins with any number of jobs: of 40 jobs, job 35 fails at 1 s
/// and job 0 at 2 s; the caller gets job 35's error at 1 s, and every other job is
/// cancelled. (`try_join_all` over more than 30 futures reports them in input order: it
/// would return job 0's error, at 2 s.)
#[tokio::test(start_paused = true)]
async fn with_many_jobs_the_first_error_in_time_still_wins() {
    let log = log();
    let mut delays = [2.0; 40];
    delays[35] = 1.0;
    let results = gather(jobs(&log, &delays, &[0, 35], &[])).await;
    assert_eq!(results, Err(JobError::Failed(35)));
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    let states = log.final_states(40);
    for (job, state) in states.iter().enumerate() {
        let expected = if job == 35 { Failed } else { Cancelled };
        assert_eq!(*state, Some(expected), "job {job}");
    }
}

/// The example's jobs: a panicking job is reported like a failing one, `job 1 panicked`,
/// and the other jobs are cancelled.
#[tokio::test(start_paused = true)]
async fn a_caught_panic_is_an_error_like_a_failure() {
    let log = log();
    let results = gather(jobs(&log, &[2.0, 1.0, 3.0], &[], &[1])).await;
    assert_eq!(results, Err(JobError::Panicked(1)));
    assert_eq!(results.unwrap_err().to_string(), "job 1 panicked");
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A panic that reaches `gather` is raised again in the caller, at the moment it happens
/// (1 s), once the other jobs have been cancelled and have stopped.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = log();
    let raised = AssertUnwindSafe(gather(raw(&log, &[2.0, 1.0, 3.0], &[1])))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// `return_exceptions=True`: every job runs to its end and errors come back as values,
/// in input order.
#[tokio::test(start_paused = true)]
async fn return_exceptions_runs_every_job_to_its_end() {
    let log = log();
    let results = gather_return_exceptions(jobs(&log, &[2.0, 1.0, 3.0], &[1], &[2])).await;
    let expected = [
        Ok("job 0 result".to_owned()),
        Err(JobError::Failed(1)),
        Err(JobError::Panicked(2)),
    ];
    assert_eq!(results, expected);
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Failed), Some(Panicked)]
    );
}

/// `return_exceptions=True` hands back errors, not panics: a panic that reaches it cancels
/// the other jobs and is raised again in the caller once they have stopped.
#[tokio::test(start_paused = true)]
async fn return_exceptions_raises_a_panic_again_once_the_others_have_stopped() {
    let log = log();
    let raised = AssertUnwindSafe(gather_return_exceptions(raw(&log, &[2.0, 1.0, 3.0], &[1])))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// Awaiting the jobs one after another takes the sum of the delays, and each job starts
/// only when the one before it has finished.
#[tokio::test(start_paused = true)]
async fn sequential_takes_the_sum_of_the_delays() {
    let log = log();
    let results = sequential(jobs(&log, &[2.0, 1.0, 3.0], &[], &[])).await;
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert_eq!(log.elapsed(), Duration::from_secs(6));
    let order: Vec<(usize, EventKind)> = log.events().iter().map(|e| (e.job, e.event)).collect();
    let expected = [(0, Started), (0, Finished), (1, Started), (1, Finished)];
    assert_eq!(order[..4], expected);
}

/// Sequentially, the first failure in input order ends the run: later jobs never start.
#[tokio::test(start_paused = true)]
async fn sequential_stops_at_the_first_failure_in_input_order() {
    let log = log();
    let results = sequential(jobs(&log, &[2.0, 1.0, 3.0], &[2], &[1])).await;
    assert_eq!(results, Err(JobError::Panicked(1)));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
}

/// Sequentially, a panic unwinds through the caller as soon as it happens: the jobs after
/// it never start.
#[tokio::test(start_paused = true)]
async fn sequential_lets_a_panic_unwind_through_the_caller() {
    let log = log();
    let raised = AssertUnwindSafe(sequential(raw(&log, &[2.0, 1.0, 3.0], &[1])))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
}
