//! What `timeout` on tokio does with the contract's jobs: who finishes, who is cancelled,
//! and that nothing is left running after a deadline.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 3 s deadline takes no real
//! time and the elapsed times are exact.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError};
use timeout_tokio::{TimedOut, gather, scope, wait_for};

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    shared::quiet_job_panics();
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

/// The jobs as the example hands them over: a panic comes back as `job i panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter()
        .map(|job| job.run_caught(tokio::time::sleep))
}

/// The example's scope: the jobs one after another inside one deadline, their values
/// pushed to `results`.
async fn one_by_one(
    jobs: Vec<Job>,
    limit: Duration,
    results: &mut Vec<String>,
) -> Result<Result<(), JobError>, TimedOut> {
    scope(limit, async {
        for job in jobs {
            results.push(job.run_caught(tokio::time::sleep).await?);
        }
        Ok(())
    })
    .await
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// The contract's default: a 10 s job under a 2 s deadline times out at 2 s, and the job
/// ends cancelled, not running on behind the caller.
#[tokio::test(start_paused = true)]
async fn wait_for_times_out_and_cancels_the_job() {
    let log = log();
    let job = jobs(&log, &[10.0], &[], &[]).remove(0);
    let result = wait_for(job.run(tokio::time::sleep), secs(2.0)).await;
    assert_eq!(result, Err(TimedOut), "the deadline passed first");
    assert_eq!(log.elapsed(), secs(2.0));
    assert_eq!(log.final_states(1), [Some(Cancelled)]);
    assert!(log.running().is_empty());
    // Nothing of the job happens later either.
    tokio::time::sleep(secs(20.0)).await;
    assert_eq!(log.events_of(0).last(), Some(&Cancelled));
}

/// A job faster than the deadline returns its result, as soon as it has it.
#[tokio::test(start_paused = true)]
async fn wait_for_returns_the_result_of_a_fast_job() {
    let log = log();
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    let result = wait_for(job.run(tokio::time::sleep), secs(2.0)).await;
    assert_eq!(result, Ok(Ok("job 0 result".to_owned())));
    assert_eq!(log.elapsed(), secs(1.0));
}

/// A failure before the deadline is the job's error, not a timeout (Python's `wait_for`
/// raises the job's exception); so is a panic caught as the example catches it.
#[tokio::test(start_paused = true)]
async fn wait_for_passes_on_an_error_or_panic_before_the_deadline() {
    let log = log();
    let job = jobs(&log, &[1.0], &[0], &[]).remove(0);
    let result = wait_for(job.run(tokio::time::sleep), secs(2.0)).await;
    assert_eq!(result, Ok(Err(JobError::Failed(0))));
    let log = self::log();
    let job = jobs(&log, &[1.0], &[], &[0]).remove(0);
    let result = wait_for(job.run_caught(tokio::time::sleep), secs(2.0)).await;
    assert_eq!(result, Ok(Err(JobError::Panicked(0))));
    assert_eq!(log.final_states(1), [Some(Panicked)]);
}

/// A panic that the work does not catch is raised again in the caller of `wait_for`,
/// before the deadline, with the job ended `panicked` and nothing left running.
#[tokio::test(start_paused = true)]
async fn wait_for_raises_a_panic_again_in_the_caller() {
    let log = log();
    let job = jobs(&log, &[1.0], &[], &[0]).remove(0);
    let waiting = wait_for(job.run(tokio::time::sleep), secs(2.0));
    let panicked = AssertUnwindSafe(waiting).catch_unwind().await;
    assert!(panicked.is_err(), "the panic reached the caller");
    assert_eq!(log.elapsed(), secs(1.0));
    assert_eq!(log.final_states(1), [Some(Panicked)]);
    assert!(log.running().is_empty());
}

/// The trap the example avoids: `timeout` around a spawned task's handle stops the
/// waiting, not the task, which runs on until it is aborted.
#[tokio::test(start_paused = true)]
async fn a_timeout_around_a_handle_leaves_the_task_running() {
    let log = log();
    let job = jobs(&log, &[10.0], &[], &[]).remove(0);
    let mut task = tokio::spawn(job.run(tokio::time::sleep));
    assert!(tokio::time::timeout(secs(2.0), &mut task).await.is_err());
    assert_eq!(log.running(), [0], "the job still runs after the timeout");
    task.abort();
    let cancelled = task.await.expect_err("the task was aborted");
    assert!(cancelled.is_cancelled());
    assert_eq!(log.final_states(1), [Some(Cancelled)]);
}

/// One deadline over a gather: the jobs faster than it finish, the rest are cancelled,
/// and the caller gets the timeout (not the partial results).
#[tokio::test(start_paused = true)]
async fn gather_times_out_as_a_whole() {
    let log = log();
    let result = gather(caught(jobs(&log, &[1.0, 2.0, 5.0], &[], &[])), secs(3.0)).await;
    assert!(result.is_err());
    assert_eq!(log.elapsed(), secs(3.0));
    let states = [Some(Finished), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Within the deadline, the results come in input order after the longest delay.
#[tokio::test(start_paused = true)]
async fn gather_within_the_deadline_returns_every_result_in_order() {
    let log = log();
    let result = gather(caught(jobs(&log, &[2.0, 1.0, 2.5], &[], &[])), secs(3.0)).await;
    let values: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(result, Ok(Ok(values)));
    assert_eq!(log.elapsed(), secs(2.5));
}

/// A failure before the deadline ends the gather with that error at once (as
/// `wait_for(gather(...))` raises it in Python); the slower jobs are cancelled. A failing
/// job slower than the deadline never fails: the timeout comes first.
#[tokio::test(start_paused = true)]
async fn gather_raises_a_failure_before_the_deadline() {
    let log = log();
    let result = gather(caught(jobs(&log, &[1.0, 2.0, 5.0], &[1], &[])), secs(3.0)).await;
    assert_eq!(result, Ok(Err(JobError::Failed(1))));
    assert_eq!(log.elapsed(), secs(2.0));
    let states = [Some(Finished), Some(Failed), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());

    let log = self::log();
    let result = gather(caught(jobs(&log, &[1.0, 2.0, 5.0], &[], &[2])), secs(3.0)).await;
    assert!(
        result.is_err(),
        "job 2 would panic at 5 s, after the deadline"
    );
    assert_eq!(log.final_state(2), Some(Cancelled));
}

/// A panic caught as the example catches it is handled like a failure: the caller gets
/// `job 0 panicked`.
#[tokio::test(start_paused = true)]
async fn gather_handles_a_caught_panic_like_a_failure() {
    let log = log();
    let result = gather(caught(jobs(&log, &[1.0, 2.0, 5.0], &[], &[0])), secs(3.0)).await;
    assert_eq!(result, Ok(Err(JobError::Panicked(0))));
    let states = [Some(Panicked), Some(Cancelled), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panic that the jobs do not catch is raised again in the caller, once the other jobs
/// have been cancelled and have stopped, as on an error: nothing of them happens later.
#[tokio::test(start_paused = true)]
async fn gather_raises_a_panic_again_once_the_others_have_stopped() {
    let log = log();
    let jobs = jobs(&log, &[1.0, 2.0, 5.0], &[], &[0]);
    let gathering = gather(
        jobs.into_iter().map(|job| job.run(tokio::time::sleep)),
        secs(3.0),
    );
    let panicked = AssertUnwindSafe(gathering).catch_unwind().await;
    assert!(panicked.is_err(), "the panic reached the caller");
    assert_eq!(log.elapsed(), secs(1.0));
    let states = [Some(Panicked), Some(Cancelled), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
    tokio::time::sleep(secs(20.0)).await;
    assert_eq!(log.final_states(3), states);
}

/// A timeout scope: A is done at 1 s, B is cancelled in flight at 3 s, C never starts.
#[tokio::test(start_paused = true)]
async fn scope_cancels_the_job_in_flight_and_starts_no_more() {
    let log = log();
    let mut results = Vec::new();
    let result = one_by_one(
        jobs(&log, &[1.0, 2.0, 5.0], &[], &[]),
        secs(3.0),
        &mut results,
    )
    .await;
    assert!(result.is_err());
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.elapsed(), secs(3.0));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Cancelled), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
    assert!(log.running().is_empty());
}

/// In a scope, a failure before the deadline ends it with that error; the results before
/// it stay, and the later jobs never start.
#[tokio::test(start_paused = true)]
async fn scope_stops_at_a_failure_or_panic() {
    let log = log();
    let mut results = Vec::new();
    let result = one_by_one(
        jobs(&log, &[0.5, 1.0, 0.5], &[1], &[]),
        secs(3.0),
        &mut results,
    )
    .await;
    assert_eq!(result, Ok(Err(JobError::Failed(1))));
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.final_states(3), [Some(Finished), Some(Failed), None]);

    let log = self::log();
    let mut results = Vec::new();
    let result = one_by_one(
        jobs(&log, &[0.5, 1.0, 0.5], &[], &[0]),
        secs(3.0),
        &mut results,
    )
    .await;
    assert_eq!(result, Ok(Err(JobError::Panicked(0))));
    assert!(results.is_empty());
    assert_eq!(log.final_states(3), [Some(Panicked), None, None]);
}

/// A panic in a scope unwinds through it into the caller: the job ends `panicked`, the
/// later ones never start.
#[tokio::test(start_paused = true)]
async fn a_panic_unwinds_through_the_scope() {
    let log = log();
    let jobs = jobs(&log, &[0.5, 1.0, 0.5], &[], &[1]);
    let steps = scope(secs(3.0), async {
        for job in jobs {
            job.run(tokio::time::sleep).await?;
        }
        Ok::<_, JobError>(())
    });
    let panicked = AssertUnwindSafe(steps).catch_unwind().await;
    assert!(panicked.is_err(), "the panic reached the caller");
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
    assert!(log.running().is_empty());
}

/// A deadline of zero starts nothing in `wait_for` and `gather`: CPython's
/// `wait_for(job, 0)` raises `TimeoutError` before the job's first step, and
/// `wait_for(gather(...), 0)` cancels the gather's tasks before theirs. Nothing happens
/// later either.
#[tokio::test(start_paused = true)]
async fn a_deadline_of_zero_starts_nothing_in_wait_for_or_gather() {
    let log = log();
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    let result = wait_for(job.run(tokio::time::sleep), Duration::ZERO).await;
    assert_eq!(result, Err(TimedOut));
    let result = gather(caught(jobs(&log, &[1.0, 0.0], &[], &[])), Duration::ZERO).await;
    assert_eq!(result, Err(TimedOut));
    tokio::time::sleep(secs(5.0)).await;
    assert!(log.events().is_empty(), "no job ever started");
}

/// A scope with a deadline of zero runs its first step up to its first `.await`, then
/// cancels it there, as `async with asyncio.timeout(0)` does: even a step that only
/// yields (a delay of 0, Python's `sleep(0)`). The later steps never start.
#[tokio::test(start_paused = true)]
async fn a_scope_with_a_deadline_of_zero_cancels_its_first_step() {
    for delays in [[1.0, 0.1], [0.0, 0.1]] {
        let log = log();
        let mut results = Vec::new();
        let result = one_by_one(jobs(&log, &delays, &[], &[]), Duration::ZERO, &mut results).await;
        assert_eq!(result, Err(TimedOut), "{delays:?}");
        assert!(results.is_empty(), "{delays:?}");
        assert_eq!(log.events_of(0), [Started, Cancelled], "{delays:?}");
        assert!(
            log.events_of(1).is_empty(),
            "{delays:?}: job 1 never started"
        );
        assert_eq!(log.elapsed(), Duration::ZERO);
    }
}
