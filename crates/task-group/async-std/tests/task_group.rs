//! What the task group on async-std does with the contract's jobs: order, final states, time,
//! and what happens when its owner is cancelled.
//!
//! async-std has no virtual clock. Where an order is the point (which job ends first, which
//! ones were still running at the first failure), the jobs are gated: each waits until the
//! test opens its gate, and the test opens the next gate only once the job before it has
//! ended, so the order is caused, not raced against a loaded machine's timers. Real time
//! is left only where a load cannot change the answer: a job sleeps at least its delay.
//! Jobs failing at the same instant are raced a thousand times in `tests/race.rs`.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the test of a panic that reaches the
//! group itself (`Job::run`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_std::task;
use futures::FutureExt as _;
use futures::future::{join, select};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};
use task_group_async_std::task_group;

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A panic's default report (with a backtrace when `RUST_BACKTRACE` is set) is slow to
    // print; the simulated panics print one line instead.
    shared::quiet_job_panics();
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn caught(
    jobs: Vec<Job>,
) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>> + Send + 'static> {
    jobs.into_iter().map(|job| job.run_caught(task::sleep))
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        task::sleep(Duration::from_millis(1)).await;
    }
}

/// Drives gated jobs: waits until every one has started, then opens the gates of `order`
/// one at a time, each once the job before it has ended, so that the jobs end in that
/// order. Returns the gates it did not open, still closed: the caller drops them (which
/// opens them) only after the pattern has returned.
async fn end_in_order(
    log: &EventLog,
    openers: Vec<Opener>,
    order: &[usize],
) -> Vec<Option<Opener>> {
    let jobs = openers.len();
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    until(|| log.events().iter().filter(|e| e.event == Started).count() == jobs).await;
    for &job in order {
        if let Some(opener) = openers[job].take() {
            opener.open();
        }
        until(|| log.final_state(job).is_some()).await;
    }
    openers
}

fn ok(values: &[usize]) -> Vec<String> {
    values
        .iter()
        .map(|job| format!("job {job} result"))
        .collect()
}

/// The jobs all run at once (every one has started before any ends), and the results
/// come back in spawn order whatever order the jobs end in: here B, then A, then C.
#[test]
fn results_come_in_spawn_order_whatever_order_the_jobs_end_in() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[]));
    let drive = end_in_order(&log, openers, &[1, 0, 2]);
    let (results, _closed) = task::block_on(join(task_group(caught(jobs)), drive));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    let ended: Vec<usize> = log
        .events()
        .iter()
        .filter(|e| e.event == Finished)
        .map(|e| e.job)
        .collect();
    assert_eq!(ended, [1, 0, 2]);
    assert!(log.running().is_empty());
}

/// Each job sleeps its delay on async-std's timer, all at once: the group takes at least the
/// longest delay (how much longer depends on the machine's load, so it is not checked).
#[test]
fn the_jobs_sleep_their_delays_on_the_runtimes_timer() {
    let log = EventLog::new(Instant::now);
    let results = task::block_on(task_group(caught(jobs(&log, &[0.2, 0.1, 0.3], &[], &[]))));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= Duration::from_secs_f64(0.3));
    assert!(log.running().is_empty());
}

/// The first failure cancels every sibling still running, and the group returns only
/// once they have stopped: A, which ended first, finished; B and D were cancelled.
#[test]
fn the_first_failure_cancels_the_siblings_still_running() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 4], &[2], &[]));
    let drive = end_in_order(&log, openers, &[0, 2]);
    let (results, _closed) = task::block_on(join(task_group(caught(jobs)), drive));
    assert_eq!(results, Err(vec![JobError::Failed(2)]));
    let states = [
        Some(Finished),
        Some(Cancelled),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// The example's jobs: a panicking job fails the group like a failing one.
#[test]
fn a_caught_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let (results, _closed) = task::block_on(join(task_group(caught(jobs)), drive));
    assert_eq!(results, Err(vec![JobError::Panicked(1)]));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panic that reaches the group is raised again in the caller, once the other jobs,
/// still running when it happened, have been cancelled and have stopped.
#[test]
fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let jobs = jobs.into_iter().map(|job| job.run(task::sleep));
    let grouped = AssertUnwindSafe(task_group(jobs)).catch_unwind();
    let (raised, _closed) = task::block_on(join(grouped, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// If the code awaiting the group is cancelled (here, once A has finished), every job is
/// cancelled with it: the group's guard hands the cancelling to a task of its own,
/// because a dropped async-std `JoinHandle` would let its task run on. Unlike Python's
/// `TaskGroup`, the drop cannot wait for them to stop.
#[test]
fn cancelling_the_owner_cancels_every_task() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[]));
    // The group, raced against its owner's cancellation once A has finished: whichever
    // ends first wins (`factor_first` keeps its output), and the other is dropped.
    let group = Box::pin(async { Ok(task_group(caught(jobs)).await) });
    let owner_cancelled = Box::pin(async { Err(end_in_order(&log, openers, &[0]).await) });
    let (outcome, unfinished) = task::block_on(select(group, owner_cancelled)).factor_first();
    drop(unfinished);
    let Err(closed) = outcome else {
        panic!("the group returned {outcome:?}, with B and C held")
    };
    // They stop a moment later. B and C wait on gates that stay closed, so if nothing
    // cancelled them they would run forever: give up after ten seconds, a bound no load
    // comes near, so that a regression fails instead of hanging.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !log.running().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let states = [Some(Finished), Some(Cancelled), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    drop(closed);
}
