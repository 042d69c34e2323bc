//! What `as_completed` on tokio does with the contract's jobs: results in completion
//! order, each handed over the moment it arrives, errors in place, a panic raised in the
//! caller once the other jobs have stopped, and the trap of plain futures in a
//! `FuturesUnordered`.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 3 s run takes no real time
//! and its times are exact.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use as_completed_tokio::{Done, as_completed, as_completed_unspawned};
use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};

/// What the loop receives from a job run as the example runs it.
type Received = Done<Result<String, JobError>>;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// The contract's as-completed jobs, A 3 s, B 1 s, C 2 s, failing and panicking as listed.
fn jobs(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Job> {
    Config::with_delays(&[3.0, 1.0, 2.0])
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The jobs as the example hands them over: a panic comes back as `JobError::Panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter()
        .map(|job| job.run_caught(tokio::time::sleep))
}

fn ok(job: usize) -> Received {
    (job, Ok(format!("job {job} result")))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// When job `job` finished, in seconds since the log started.
fn finished_at(log: &EventLog, job: usize) -> f64 {
    let event = log
        .events()
        .into_iter()
        .find(|e| e.job == job && e.event == Finished);
    event.map_or(f64::NAN, |e| e.t_ms / 1000.0)
}

/// Results come in completion order (B, C, A), each handed to the loop body the moment it
/// arrives, numbered 1 to 3; the whole run takes the longest delay.
#[tokio::test(start_paused = true)]
async fn results_arrive_in_completion_order_as_they_complete() {
    let log = log();
    let mut seen = Vec::new();
    let received = as_completed(caught(jobs(&log, &[], &[])), async |k, (job, _)| {
        seen.push((k, *job, log.elapsed()));
    })
    .await;
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    let expected = [(1, 1, secs(1.0)), (2, 2, secs(2.0)), (3, 0, secs(3.0))];
    assert_eq!(seen, expected);
    assert_eq!(log.elapsed(), secs(3.0));
    assert!(log.running().is_empty());
}

/// An error and a panic are handed over in their place, and the loop goes on to the rest.
#[tokio::test(start_paused = true)]
async fn errors_and_panics_are_reported_in_place_and_iteration_goes_on() {
    let log = log();
    let received = as_completed(caught(jobs(&log, &[2], &[0])), async |_, _| {}).await;
    let expected = [
        ok(1),
        (2, Err(JobError::Failed(2))),
        (0, Err(JobError::Panicked(0))),
    ];
    assert_eq!(received, expected);
    assert_eq!(
        received[2].1.as_ref().unwrap_err().to_string(),
        "job 0 panicked"
    );
    assert_eq!(
        log.final_states(3),
        [Some(Panicked), Some(Finished), Some(Failed)]
    );
    assert!(log.running().is_empty());
}

/// A job's own panic (the job run raw, not caught) is raised again in the caller, once the
/// jobs still running were cancelled and have stopped: B arrives at 1 s, C panics at 2 s,
/// and A, due at 3 s, is cancelled at 2 s.
#[tokio::test(start_paused = true)]
async fn a_panic_cancels_the_rest_then_reaches_the_caller() {
    shared::quiet_job_panics();
    let log = log();
    let mut seen = Vec::new();
    let raw = jobs(&log, &[], &[2])
        .into_iter()
        .map(|job| job.run(tokio::time::sleep));
    let outcome = AssertUnwindSafe(as_completed(raw, async |_, (job, _)| seen.push(*job)))
        .catch_unwind()
        .await;
    let panic = outcome.expect_err("C's panic reaches the caller");
    assert_eq!(panic.downcast_ref::<String>().unwrap(), "job 2 panicked");
    assert_eq!(seen, [1]);
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled), Some(Finished), Some(Panicked)]
    );
    assert!(log.running().is_empty());
    assert_eq!(log.elapsed(), secs(2.0));
}

/// Spawned tasks keep running while the loop body is busy: with a body that takes 1.5 s
/// per result, every job still finishes on time (A at 3 s, B at 1 s, C at 2 s).
#[tokio::test(start_paused = true)]
async fn spawned_jobs_finish_on_time_while_the_loop_body_is_busy() {
    let log = log();
    let body = async |_, _: &Received| tokio::time::sleep(secs(1.5)).await;
    let received = as_completed(caught(jobs(&log, &[], &[])), body).await;
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    let finished: Vec<f64> = (0..3).map(|job| finished_at(&log, job)).collect();
    assert_eq!(finished, [3.0, 1.0, 2.0]);
}

/// The trap: plain futures in a `FuturesUnordered` are not polled while the loop body
/// awaits something else, so C, whose timer fires at 2 s, finishes only when the body for
/// B ends (2.5 s), and A only when the body for C ends (4 s).
#[tokio::test(start_paused = true)]
async fn unspawned_futures_stall_while_the_loop_body_is_busy() {
    let log = log();
    let body = async |_, _: &Received| tokio::time::sleep(secs(1.5)).await;
    let received = as_completed_unspawned(caught(jobs(&log, &[], &[])), body).await;
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    let finished: Vec<f64> = (0..3).map(|job| finished_at(&log, job)).collect();
    assert_eq!(finished, [4.0, 1.0, 2.5]);
}
