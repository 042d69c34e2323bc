//! What the task group on smol does with the contract's jobs: order, final states, time,
//! and what happens when its owner is cancelled.
//!
//! smol has no virtual clock, so these tests sleep for real: the delays are tenths of a
//! second, at least 100 ms apart, and the time bounds are loose, so that a loaded machine
//! cannot reorder the jobs or break a bound.

use std::time::{Duration, Instant};

use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};
use smol::Timer;
use task_group_smol::task_group;

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    quiet_panics();
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// Prints a job's panic on one line, without a backtrace. With `RUST_BACKTRACE` set, the
/// default hook spends a good part of a second capturing one, on the executor thread that
/// runs every test's jobs, and the other tests' timings would slip.
fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("{info}"))));
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

/// Results come back in spawn order after about the longest delay, not the sum.
#[test]
fn results_come_in_spawn_order_after_the_longest_delay() {
    let log = EventLog::new(Instant::now);
    let results = smol::block_on(task_group(jobs(&log, &[0.2, 0.1, 0.3], &[], &[])));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.6));
    assert!(log.running().is_empty());
}

/// The first failure cancels every sibling still running, and the group returns only
/// once they have stopped: faster jobs finished, slower ones were cancelled.
#[test]
fn the_first_failure_cancels_the_siblings_still_running() {
    let log = EventLog::new(Instant::now);
    let results = smol::block_on(task_group(jobs(&log, &[0.1, 0.3, 0.2, 0.4], &[2], &[])));
    assert_eq!(results, Err(vec![JobError::Failed(2)]));
    assert!(log.elapsed() >= secs(0.2) && log.elapsed() < secs(0.3));
    let states = [
        Some(Finished),
        Some(Cancelled),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// Of two jobs that fail at the same instant, the group raises the one it saw first, and
/// the other too if it had failed before the group could cancel it: every failure that
/// happened is raised, like an `ExceptionGroup`, and none that did not.
#[test]
fn every_failure_that_happened_is_raised() {
    let log = EventLog::new(Instant::now);
    let results = smol::block_on(task_group(jobs(&log, &[0.1, 0.3, 0.1], &[0, 2], &[])));
    let errors = results.expect_err("the group fails");
    let failed: Vec<usize> = (0..3)
        .filter(|&j| log.final_state(j) == Some(Failed))
        .collect();
    let raised: Vec<usize> = errors.iter().map(JobError::job).collect();
    assert_eq!(raised, failed);
    assert!(raised.contains(&0) || raised.contains(&2));
    assert_eq!(log.final_state(1), Some(Cancelled));
    assert!(log.running().is_empty());
}

/// A panicking job fails the group like a failing one, and goes no further.
#[test]
fn a_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let results = smol::block_on(task_group(jobs(&log, &[0.6, 0.1, 0.8], &[], &[1])));
    assert_eq!(results, Err(vec![JobError::Panicked(1)]));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// If the code awaiting the group is cancelled (here by a timeout), every job is
/// cancelled with it: the group's `Task`s are dropped, and a dropped smol `Task` is
/// cancelled. Unlike Python's `TaskGroup`, the drop cannot wait for them to stop.
#[test]
fn cancelling_the_owner_cancels_every_task() {
    let log = EventLog::new(Instant::now);
    let group = task_group(jobs(&log, &[0.1, 0.3, 0.5], &[], &[]));
    let timed_out = smol::block_on(smol::future::or(async { Some(group.await) }, async {
        Timer::after(secs(0.2)).await;
        None
    }));
    assert!(timed_out.is_none());
    // They stop a moment later: give them up to a second.
    for _ in 0..50 {
        if log.running().is_empty() {
            break;
        }
        std::thread::sleep(secs(0.02));
    }
    let states = [Some(Finished), Some(Cancelled), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}
