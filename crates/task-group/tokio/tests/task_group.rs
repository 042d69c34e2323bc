//! What the task group on tokio does with the contract's jobs: order, final states, time,
//! what happens when its owner is cancelled, and why `JoinSet::join_all` is not enough.
//! Jobs that end just as the group aborts them are raced a thousand times in
//! `tests/race.rs`.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so the times are exact.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the test of a panic that reaches the
//! group itself (`Job::run`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};
use task_group_tokio::task_group;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn config(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    shared::quiet_job_panics();
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn jobs(
    log: &EventLog,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
) -> Vec<impl Future<Output = Result<String, JobError>> + Send + 'static> {
    let jobs = config(log, delays, fail, panic).into_iter();
    jobs.map(|job| job.run_caught(tokio::time::sleep)).collect()
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

/// Results come back in spawn order after the longest delay, not the sum.
#[tokio::test(start_paused = true)]
async fn results_come_in_spawn_order_after_the_longest_delay() {
    let log = log();
    let results = task_group(jobs(&log, &[2.0, 1.0, 3.0], &[], &[])).await;
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    assert!(log.running().is_empty());
}

/// The first failure cancels every sibling still running, and the group returns only
/// once they have stopped: faster jobs finished, slower ones were cancelled.
#[tokio::test(start_paused = true)]
async fn the_first_failure_cancels_the_siblings_still_running() {
    let log = log();
    let results = task_group(jobs(&log, &[1.0, 3.0, 2.0, 4.0], &[2], &[])).await;
    assert_eq!(results, Err(vec![JobError::Failed(2)]));
    assert_eq!(log.elapsed(), Duration::from_secs(2));
    let states = [
        Some(Finished),
        Some(Cancelled),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// Jobs that fail at the same instant are all reported, like an `ExceptionGroup`.
#[tokio::test(start_paused = true)]
async fn failures_at_the_same_instant_are_all_reported() {
    let log = log();
    let results = task_group(jobs(&log, &[1.0, 2.0, 1.0], &[0, 2], &[])).await;
    assert_eq!(results, Err(vec![JobError::Failed(0), JobError::Failed(2)]));
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Cancelled), Some(Failed)]
    );
}

/// The example's jobs: a panicking job fails the group like a failing one.
#[tokio::test(start_paused = true)]
async fn a_caught_panic_is_an_error_like_a_failure() {
    let log = log();
    let results = task_group(jobs(&log, &[2.0, 1.0, 3.0], &[], &[1])).await;
    assert_eq!(results, Err(vec![JobError::Panicked(1)]));
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A panic that reaches the group is raised again in the caller, at the moment it happens
/// (1 s), once the other jobs have been cancelled and have stopped.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = log();
    let jobs = config(&log, &[2.0, 1.0, 3.0], &[], &[1]);
    let jobs = jobs.into_iter().map(|job| job.run(tokio::time::sleep));
    let raised = AssertUnwindSafe(task_group(jobs)).catch_unwind().await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// If the code awaiting the group is cancelled (here by a timeout), the dropped `JoinSet`
/// aborts every task in it. Unlike Python's `TaskGroup`, the drop cannot wait for them:
/// they are still running when the timeout returns, and stop at their next poll.
#[tokio::test(start_paused = true)]
async fn cancelling_the_owner_aborts_every_task() {
    let log = log();
    let group = task_group(jobs(&log, &[1.0, 2.0, 3.0], &[], &[]));
    let timed_out = tokio::time::timeout(Duration::from_millis(1500), group).await;
    assert!(timed_out.is_err());
    assert_eq!(log.running(), [1, 2], "the drop only asked them to stop");
    tokio::task::yield_now().await;
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Cancelled), Some(Cancelled)]
    );
    assert_eq!(log.elapsed(), Duration::from_millis(1500));
}

/// Why the group is not `JoinSet::join_all`: a failing job stops nothing (the slower job
/// runs to its end), and the results come in the order the jobs ended.
#[tokio::test(start_paused = true)]
async fn join_all_waits_for_every_task_and_cancels_nothing() {
    let log = log();
    let mut set = tokio::task::JoinSet::new();
    for job in config(&log, &[3.0, 1.0], &[1], &[]) {
        set.spawn(job.run(tokio::time::sleep));
    }
    let results = set.join_all().await;
    assert_eq!(
        results,
        [Err(JobError::Failed(1)), Ok("job 0 result".to_owned())]
    );
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    assert_eq!(log.final_states(2), [Some(Finished), Some(Failed)]);
}

/// ... and `join_all` panics in the caller on any `JoinError`: if a task panicked,
#[tokio::test(start_paused = true)]
#[should_panic = "panicked"]
async fn join_all_panics_if_a_task_panicked() {
    let log = log();
    let mut set = tokio::task::JoinSet::new();
    for job in config(&log, &[1.0], &[], &[0]) {
        set.spawn(job.run(tokio::time::sleep));
    }
    set.join_all().await;
}

/// ... and also if a task was only cancelled: aborting one task of the set (here B, the
/// slower one) makes `join_all` panic with the `JoinError`'s message, although nothing
/// went wrong.
#[tokio::test(start_paused = true)]
#[should_panic = "was cancelled"]
async fn join_all_panics_if_a_task_was_cancelled() {
    let log = log();
    let mut set = tokio::task::JoinSet::new();
    let mut aborts = Vec::new();
    for job in config(&log, &[1.0, 2.0], &[], &[]) {
        aborts.push(set.spawn(job.run(tokio::time::sleep)));
    }
    aborts[1].abort();
    set.join_all().await;
}
