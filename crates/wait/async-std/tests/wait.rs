//! What `wait` on async-std does with the contract's jobs: which jobs are done and which are
//! pending for each `return_when` and a timeout, and that once the pending ones are
//! cancelled nothing is left running.
//!
//! async-std has no virtual clock, so these tests sleep for real. The jobs complete in the
//! tutorial's order (B, A, C) but with wide gaps, at least 0.2 s after each point where
//! `wait` returns, and the time bounds are loose, so that a loaded machine cannot reorder
//! the jobs, slip a later job into `done`, or break a bound.

use std::time::{Duration, Instant};

use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, JobError};
use wait_async_std::{Done, ReturnWhen, Spawned, cancel, spawn_all, wait};

/// Three jobs in the tutorial's order, A 0.4 s, B 0.1 s, C 0.7 s, spawned.
fn tutorial(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Spawned> {
    // A simulated panic prints one line: a backtrace takes long enough to print to hold up
    // the executor threads that run every test's jobs.
    shared::quiet_job_panics();
    let config = Config::with_delays(&[0.4, 0.1, 0.7])
        .failing(fail)
        .panicking(panic);
    spawn_all(config.jobs(log))
}

fn ok(job: usize) -> Done {
    (job, Ok(format!("job {job} result")))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// `ALL_COMPLETED`: every job is done, in the order they completed, nothing is pending,
/// and it takes about the longest delay.
#[test]
fn all_completed_returns_every_job_in_completion_order() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, None).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        assert!(log.elapsed() >= secs(0.7) && log.elapsed() < secs(1.2));
        cancel(tasks).await;
    });
    assert_eq!(log.final_states(3), [Some(Finished); 3]);
}

/// `wait` does not raise: a failed and a panicked job are in `done` with their errors, and
/// the other jobs run to their end.
#[test]
fn wait_does_not_raise_errors_are_in_done() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[1], &[2]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, None).await;
        let expected = [
            (1, Err(JobError::Failed(1))),
            ok(0),
            (2, Err(JobError::Panicked(2))),
        ];
        assert_eq!(done, expected);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
    let states = [Some(Finished), Some(Failed), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
}

/// `FIRST_COMPLETED`: the fastest job. The others are pending and still running until
/// they are cancelled; then nothing is left running.
#[test]
fn first_completed_returns_the_fastest_and_leaves_the_rest_pending() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!(done, [ok(1)]);
        assert_eq!(pending, [0, 2]);
        assert!(log.elapsed() >= secs(0.1) && log.elapsed() < secs(0.4));
        assert_eq!(
            log.running(),
            [0, 2],
            "wait leaves the pending tasks running"
        );
        cancel(tasks).await;
    });
    let states = [Some(Cancelled), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// The fastest job counts as completed even when it failed.
#[test]
fn first_completed_counts_a_failure() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[1], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!(done, [(1, Err(JobError::Failed(1)))]);
        assert_eq!(pending, [0, 2]);
        cancel(tasks).await;
    });
    assert!(log.running().is_empty());
}

/// `FIRST_EXCEPTION`: returns at the first failure; done holds the jobs finished by then
/// and the failed one; the rest are pending, then cancelled.
#[test]
fn first_exception_returns_at_the_first_failure() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[0], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), (0, Err(JobError::Failed(0)))]);
        assert_eq!(pending, [2]);
        assert!(log.elapsed() >= secs(0.4) && log.elapsed() < secs(0.7));
        cancel(tasks).await;
    });
    let states = [Some(Failed), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panicking job counts as an exception: its error says `job 0 panicked`, and the panic
/// goes no further.
#[test]
fn first_exception_counts_a_panic() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[0]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), (0, Err(JobError::Panicked(0)))]);
        assert_eq!(
            done[1].1.as_ref().unwrap_err().to_string(),
            "job 0 panicked"
        );
        assert_eq!(pending, [2]);
        cancel(tasks).await;
    });
    let states = [Some(Panicked), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Without a failure, `FIRST_EXCEPTION` waits for every job, like `ALL_COMPLETED`.
#[test]
fn first_exception_without_a_failure_waits_for_all() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
    assert!(log.elapsed() >= secs(0.7));
}

/// A timeout (0.2 s, between B's and A's delays): the jobs whose delay is below it are
/// done; the rest are pending, then cancelled.
#[test]
fn timeout_returns_what_is_done_by_the_deadline() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(secs(0.2))).await;
        assert_eq!(done, [ok(1)]);
        assert_eq!(pending, [0, 2]);
        assert!(log.elapsed() >= secs(0.2) && log.elapsed() < secs(0.4));
        cancel(tasks).await;
    });
    let states = [Some(Cancelled), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A timeout longer than every job changes nothing: `wait` returns when all are done.
#[test]
fn a_timeout_longer_than_every_job_returns_when_all_are_done() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let mut tasks = tutorial(&log, &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(secs(5.0))).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
    assert!(log.elapsed() < secs(1.2));
}
