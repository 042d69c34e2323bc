//! What `wait` on tokio does with the contract's jobs: which jobs are done and which are
//! pending for each `return_when` and a timeout, and that once the pending ones are
//! cancelled nothing is left running.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 3 s wait takes no real time
//! and its elapsed time is exact.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};
use wait_tokio::{Done, ReturnWhen, Tasks, cancel, spawn_all, wait};

/// The shared jobs' tasks: each gives `job i result` or a `JobError`.
type JobTasks = Tasks<String, JobError>;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    // Every panic in these tests is a simulated one: none needs its line.
    shared::silence_job_panics();
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// Spawns `jobs` as the examples do: each with its panic caught (`Job::run_caught`).
fn spawn(jobs: Vec<Job>) -> JobTasks {
    spawn_all(
        jobs.into_iter()
            .map(|job| job.run_caught(tokio::time::sleep)),
    )
}

/// The tutorial's three jobs: A takes 2 s, B 1 s, C 3 s.
fn tutorial(log: &EventLog, fail: &[usize], panic: &[usize]) -> JobTasks {
    spawn(jobs(log, &[2.0, 1.0, 3.0], fail, panic))
}

/// The tutorial's jobs with A's panic not caught: `Job::run`, as a job with a bug would be.
fn tutorial_with_a_bug(log: &EventLog) -> JobTasks {
    let jobs = jobs(log, &[2.0, 1.0, 3.0], &[], &[0]);
    spawn_all(jobs.into_iter().map(|job| job.run(tokio::time::sleep)))
}

/// The message a simulated panic carries.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

fn ok(job: usize) -> Done<String, JobError> {
    (job, Ok(format!("job {job} result")))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// `ALL_COMPLETED`: every job is done, in the order they completed, nothing is pending,
/// and it takes the longest delay.
#[tokio::test(start_paused = true)]
async fn all_completed_returns_every_job_in_completion_order() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, None).await;
    assert_eq!(done, [ok(1), ok(0), ok(2)]);
    assert!(pending.is_empty());
    assert_eq!(log.elapsed(), secs(3.0));
    cancel(tasks).await;
    assert_eq!(log.final_states(3), [Some(Finished); 3]);
}

/// `wait` does not raise: a failed and a panicked job are in `done` with their errors, and
/// the other jobs run to their end.
#[tokio::test(start_paused = true)]
async fn wait_does_not_raise_errors_are_in_done() {
    let log = log();
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
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Failed), Some(Panicked)]
    );
}

/// `FIRST_COMPLETED`: the fastest job after 1 s. The others are pending and still running
/// until they are cancelled; then nothing is left running.
#[tokio::test(start_paused = true)]
async fn first_completed_returns_the_fastest_and_leaves_the_rest_pending() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    assert_eq!(done, [ok(1)]);
    assert_eq!(pending, [0, 2]);
    assert_eq!(log.elapsed(), secs(1.0));
    assert_eq!(
        log.running(),
        [0, 2],
        "wait leaves the pending tasks running"
    );
    cancel(tasks).await;
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
    assert_eq!(log.elapsed(), secs(1.0), "cancelling takes no time");
}

/// The fastest job counts as completed even when it failed.
#[tokio::test(start_paused = true)]
async fn first_completed_counts_a_failure() {
    let log = log();
    let mut tasks = tutorial(&log, &[1], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    assert_eq!(done, [(1, Err(JobError::Failed(1)))]);
    assert_eq!(pending, [0, 2]);
    cancel(tasks).await;
    assert!(log.running().is_empty());
}

/// Jobs that complete at the same moment are all done, as in Python, whose `done` is every
/// task done when `wait` returns.
#[tokio::test(start_paused = true)]
async fn first_completed_takes_every_job_done_at_that_moment() {
    let log = log();
    let mut tasks = spawn(jobs(&log, &[1.0, 1.0, 2.0], &[], &[]));
    let (mut done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    done.sort_by_key(|(job, _)| *job);
    assert_eq!(done, [ok(0), ok(1)]);
    assert_eq!(pending, [2]);
    cancel(tasks).await;
    assert!(log.running().is_empty());
}

/// `FIRST_EXCEPTION`: returns at the first failure; done holds the jobs finished by then
/// and the failed one; the rest are pending, then cancelled.
#[tokio::test(start_paused = true)]
async fn first_exception_returns_at_the_first_failure() {
    let log = log();
    let mut tasks = tutorial(&log, &[0], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
    assert_eq!(done, [ok(1), (0, Err(JobError::Failed(0)))]);
    assert_eq!(pending, [2]);
    assert_eq!(log.elapsed(), secs(2.0));
    cancel(tasks).await;
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A panic caught as an error (`Job::run_caught`, as the examples do) counts as an
/// exception: its error says `job 0 panicked`.
#[tokio::test(start_paused = true)]
async fn first_exception_counts_a_panic() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[0]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
    assert_eq!(done, [ok(1), (0, Err(JobError::Panicked(0)))]);
    assert_eq!(
        done[1].1.as_ref().unwrap_err().to_string(),
        "job 0 panicked"
    );
    assert_eq!(pending, [2]);
    cancel(tasks).await;
    assert_eq!(
        log.final_states(3),
        [Some(Panicked), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A panic that is not caught is a bug, not an error: `wait` cancels every task, waits
/// until they have stopped, then raises the panic again in its caller.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_again_once_every_task_has_stopped() {
    let log = log();
    let mut tasks = tutorial_with_a_bug(&log);
    let waited = AssertUnwindSafe(wait(&mut tasks, ReturnWhen::AllCompleted, None))
        .catch_unwind()
        .await;
    let payload = waited.expect_err("the panic goes on in the caller");
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    assert_eq!(log.elapsed(), secs(2.0));
    assert_eq!(
        log.final_states(3),
        [Some(Panicked), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty(), "nothing is left running");
}

/// A job that panics after `wait` has returned: `cancel` raises the panic, once every
/// other task has stopped.
#[tokio::test(start_paused = true)]
async fn cancel_raises_a_panic_that_happened_after_wait() {
    let log = log();
    let mut tasks = tutorial_with_a_bug(&log);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    assert_eq!((done, pending), (vec![ok(1)], vec![0, 2]));
    // A panics at 2 s, while nobody waits on it.
    tokio::time::sleep(secs(1.5)).await;
    let cancelled = AssertUnwindSafe(cancel(tasks)).catch_unwind().await;
    let payload = cancelled.expect_err("the panic goes on in the caller");
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    assert_eq!(
        log.final_states(3),
        [Some(Panicked), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty(), "nothing is left running");
}

/// Without a failure, `FIRST_EXCEPTION` waits for every job, like `ALL_COMPLETED`.
#[tokio::test(start_paused = true)]
async fn first_exception_without_a_failure_waits_for_all() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
    assert_eq!(done, [ok(1), ok(0), ok(2)]);
    assert!(pending.is_empty());
    assert_eq!(log.elapsed(), secs(3.0));
}

/// `timeout=1.5`: the jobs whose delay is below it are done; the rest are pending, then
/// cancelled.
#[tokio::test(start_paused = true)]
async fn timeout_returns_what_is_done_by_the_deadline() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(secs(1.5))).await;
    assert_eq!(done, [ok(1)]);
    assert_eq!(pending, [0, 2]);
    assert_eq!(log.elapsed(), secs(1.5));
    cancel(tasks).await;
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Finished), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A timeout longer than every job changes nothing: `wait` returns when all are done.
#[tokio::test(start_paused = true)]
async fn a_timeout_longer_than_every_job_returns_when_all_are_done() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(secs(5.0))).await;
    assert_eq!(done, [ok(1), ok(0), ok(2)]);
    assert!(pending.is_empty());
    assert_eq!(log.elapsed(), secs(3.0));
}

/// `timeout=0`: `wait` returns at once with what is already done, but only once every
/// task has run its first step, as in Python, whose tasks were scheduled before the
/// timer: the jobs start, are pending, and end cancelled.
#[tokio::test(start_paused = true)]
async fn a_timeout_of_zero_returns_at_once_once_every_task_has_started() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(Duration::ZERO)).await;
    assert!(done.is_empty());
    assert_eq!(pending, [0, 1, 2]);
    assert_eq!(log.running(), [0, 1, 2], "every job has started");
    assert_eq!(log.elapsed(), Duration::ZERO);
    assert!(
        cancel(tasks).await.is_empty(),
        "no job ended as it was cancelled"
    );
    assert_eq!(log.final_states(3), [Some(Cancelled); 3]);
}

/// Why `cancel` waits for every task it aborts: dropping the `JoinSet` aborts its tasks,
/// but they stop only when the runtime next polls them, after the drop has returned.
#[tokio::test(start_paused = true)]
async fn dropping_the_set_aborts_but_does_not_wait() {
    let log = log();
    let mut tasks = tutorial(&log, &[], &[]);
    let (_, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    assert_eq!(pending, [0, 2]);
    drop(tasks);
    assert_eq!(log.running(), [0, 2], "still running right after the drop");
    tokio::task::yield_now().await;
    assert!(log.running().is_empty());
    assert_eq!(log.final_states(3)[0], Some(Cancelled));
}

/// And why a plain `JoinHandle` is no way to hold pending tasks: dropping it detaches the
/// task, which runs to its end.
#[tokio::test(start_paused = true)]
async fn a_dropped_join_handle_keeps_its_task_running() {
    let log = log();
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    let handle = tokio::spawn(job.run(tokio::time::sleep));
    drop(handle);
    tokio::time::sleep(secs(2.0)).await;
    assert_eq!(log.final_state(0), Some(Finished));
}
