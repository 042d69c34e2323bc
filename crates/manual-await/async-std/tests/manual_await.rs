//! What spawning and awaiting each handle does on async-std: order, final states, time,
//! and what happens to a handle that is dropped and to a task that is forgotten.
//!
//! async-std has no virtual clock, so these tests sleep for real: the delays are tenths of
//! a second, at least 100 ms apart, and the time bounds are loose, so that a loaded machine
//! cannot reorder the jobs or break a bound.

use std::process::Command;
use std::time::{Duration, Instant};

use async_std::task;
use manual_await_async_std::{await_each, background, spawn_and_await, spawn_named};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};

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

/// 20 jobs of 0.2 s run at once: about 0.2 s in all, results in spawn order.
#[test]
fn twenty_jobs_take_about_one_delay_and_come_in_spawn_order() {
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(spawn_and_await(jobs(&log, &[0.2; 20], &[], &[])));
    let all: Vec<usize> = (0..20).collect();
    assert_eq!(awaited.results, ok(&all));
    assert_eq!(awaited.error, None);
    assert!(log.elapsed() >= secs(0.2) && log.elapsed() < secs(1.0));
}

/// The error surfaces when main awaits the failing job's handle (after A's, at 0.3 s), not
/// when the job fails (0.2 s); the jobs awaited before it are received, and the job still
/// running then is cancelled and awaited until it has stopped.
#[test]
fn the_error_surfaces_when_its_handle_is_awaited() {
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(spawn_and_await(jobs(
        &log,
        &[0.3, 0.1, 0.2, 0.5],
        &[2],
        &[],
    )));
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert_eq!(awaited.error, Some(JobError::Failed(2)));
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.5));
    let states = [
        Some(Finished),
        Some(Finished),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// A panicking job is an error like a failing one, and goes no further.
#[test]
fn a_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(spawn_and_await(jobs(&log, &[0.2, 0.1, 0.8], &[], &[1])));
    assert_eq!(awaited.results, ok(&[0]));
    assert_eq!(
        awaited.error.map(|e| e.to_string()),
        Some("job 1 panicked".into())
    );
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// Named tasks behave like the others, and carry their names.
#[test]
fn named_tasks_behave_the_same() {
    let log = EventLog::new(Instant::now);
    let tasks = spawn_named(jobs(&log, &[0.2, 0.1], &[], &[])).expect("spawned");
    assert_eq!(tasks[1].1.task().name(), Some("job-B"));
    let awaited = task::block_on(await_each(tasks));
    assert_eq!(awaited.results, ok(&[0, 1]));
}

/// Main's own work overlaps the jobs: the time is the longer of the two, not the sum.
#[test]
fn main_works_while_the_tasks_run() {
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(background(jobs(&log, &[0.1, 0.3], &[], &[]), secs(0.2)));
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.5));
}

/// A dropped async-std `JoinHandle` detaches its task: the task runs to its end anyway.
#[test]
fn a_dropped_handle_lets_its_task_run_on() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[0.1], &[], &[]).remove(0);
    drop(task::spawn(job.run(task::sleep)));
    std::thread::sleep(secs(0.4));
    assert_eq!(log.final_state(0), Some(Finished));
}

/// A forgotten task still pending when main returns is abandoned: the process exits at
/// once, and the task's destructor never runs (it would print `Task B: cancelled`).
#[test]
fn a_forgotten_task_is_abandoned_at_exit_without_its_destructor() {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_manual-await-async-std"))
        .args([
            "--scenario",
            "forgotten",
            "--delays",
            "0.1,5",
            "--main-delay",
            "0.3",
        ])
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(started.elapsed() < secs(4.0), "it did not wait for B");
    assert!(stdout.contains("Task A: finished"), "{stdout}");
    assert!(stdout.contains("Task B: starting"), "{stdout}");
    assert!(!stdout.contains("Task B: cancelled"), "{stdout}");
    assert!(stdout.contains("B: abandoned"), "{stdout}");
}
