//! What spawning and awaiting each task does on smol: order, final states, time, and
//! what happens to a task that is dropped and to a task that is forgotten.
//!
//! smol has no virtual clock, so these tests sleep for real: the delays are tenths of a
//! second, at least 100 ms apart, and the time bounds are loose, so that a loaded machine
//! cannot reorder the jobs or break a bound.

use std::process::Command;
use std::time::{Duration, Instant};

use manual_await_smol::{await_each, background, forget_on, spawn_and_await, spawn_on};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};
use smol::{Executor, Timer};

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

/// Runs the example's binary with these arguments; returns its stdout and how long it took.
fn example(args: &[&str]) -> (String, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_manual-await-smol"))
        .args(args)
        .output()
        .expect("the example runs");
    assert!(output.status.success());
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        started.elapsed(),
    )
}

/// 20 jobs of 0.2 s run at once: about 0.2 s in all, results in spawn order.
#[test]
fn twenty_jobs_take_about_one_delay_and_come_in_spawn_order() {
    let log = EventLog::new(Instant::now);
    let awaited = smol::block_on(spawn_and_await(jobs(&log, &[0.2; 20], &[], &[])));
    let all: Vec<usize> = (0..20).collect();
    assert_eq!(awaited.results, ok(&all));
    assert_eq!(awaited.error, None);
    assert!(log.elapsed() >= secs(0.2) && log.elapsed() < secs(1.0));
}

/// The error surfaces when main awaits the failing job's task (after A's, at 0.3 s), not
/// when the job fails (0.2 s); the jobs awaited before it are received, and the job still
/// running then is cancelled and awaited until it has stopped.
#[test]
fn the_error_surfaces_when_its_task_is_awaited() {
    let log = EventLog::new(Instant::now);
    let awaited = smol::block_on(spawn_and_await(jobs(
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
    let awaited = smol::block_on(spawn_and_await(jobs(&log, &[0.2, 0.1, 0.8], &[], &[1])));
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

/// Tasks on an `Executor` you own behave the same, while you drive it.
#[test]
fn an_executor_you_own_runs_the_tasks_while_you_drive_it() {
    let log = EventLog::new(Instant::now);
    let ex = Executor::new();
    let tasks = spawn_on(&ex, jobs(&log, &[0.2, 0.1], &[], &[]));
    std::thread::sleep(secs(0.1));
    assert!(
        log.events().is_empty(),
        "nothing runs until the executor is driven"
    );
    let awaited = smol::block_on(ex.run(await_each(tasks)));
    assert_eq!(awaited.results, ok(&[0, 1]));
}

/// Main's own work overlaps the jobs: the time is the longer of the two, not the sum.
#[test]
fn main_works_while_the_tasks_run() {
    let log = EventLog::new(Instant::now);
    let awaited = smol::block_on(background(jobs(&log, &[0.1, 0.3], &[], &[]), secs(0.2)));
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.5));
}

/// A dropped smol `Task` is cancelled: a job whose task is dropped at once never starts.
/// (On an executor nobody drives yet, so that no thread can start it before the drop.)
#[test]
fn a_dropped_task_is_cancelled_before_it_starts() {
    let log = EventLog::new(Instant::now);
    let ex = Executor::new();
    let job = jobs(&log, &[0.1], &[], &[]).remove(0);
    drop(ex.spawn(job.run(Timer::after)));
    smol::block_on(ex.run(Timer::after(secs(0.3))));
    assert!(log.events().is_empty(), "the job never started");
}

/// The same on smol's global executor: the job never runs to its end.
#[test]
fn a_dropped_global_task_never_finishes() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[0.1], &[], &[]).remove(0);
    drop(smol::spawn(job.run(Timer::after)));
    std::thread::sleep(secs(0.3));
    assert_ne!(log.final_state(0), Some(Finished));
    assert!(log.running().is_empty());
}

/// A detached task runs on without its `Task`.
#[test]
fn a_detached_task_runs_on() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[0.1], &[], &[]).remove(0);
    smol::spawn(job.run(Timer::after)).detach();
    std::thread::sleep(secs(0.4));
    assert_eq!(log.final_state(0), Some(Finished));
}

/// Dropping an `Executor` you own drops the tasks still on it, and their destructors run.
#[test]
fn dropping_your_executor_drops_its_forgotten_tasks() {
    let log = EventLog::new(Instant::now);
    let ex = Executor::new();
    smol::block_on(ex.run(forget_on(&ex, jobs(&log, &[0.1, 5.0], &[], &[]), secs(0.3))));
    assert_eq!(
        log.final_states(2),
        [Some(Finished), None],
        "B still pending"
    );
    drop(ex);
    assert_eq!(log.final_states(2), [Some(Finished), Some(Cancelled)]);
}

/// On smol's global executor, a detached task still pending when main returns is
/// abandoned: the process exits at once, and the task's destructor never runs (it would
/// print `Task B: cancelled`).
#[test]
fn a_forgotten_task_is_abandoned_at_exit_without_its_destructor() {
    let args = [
        "--scenario",
        "forgotten",
        "--delays",
        "0.1,5",
        "--main-delay",
        "0.3",
    ];
    let (stdout, took) = example(&args);
    assert!(took < secs(4.0), "it did not wait for B");
    assert!(stdout.contains("Task A: finished"), "{stdout}");
    assert!(stdout.contains("Task B: starting"), "{stdout}");
    assert!(!stdout.contains("Task B: cancelled"), "{stdout}");
    assert!(stdout.contains("B: abandoned"), "{stdout}");
}

/// The example's `--own-executor` and `--drop-tasks` tell the other two stories.
#[test]
fn the_example_shows_an_owned_executor_and_dropped_tasks() {
    let args = [
        "--scenario",
        "forgotten",
        "--delays",
        "0.1,5",
        "--main-delay",
        "0.3",
    ];
    let (stdout, _) = example(&[&args[..], &["--own-executor"]].concat());
    assert!(stdout.contains("Task B: cancelled"), "{stdout}");
    assert!(
        stdout.contains("B: cancelled: dropped when main returned"),
        "{stdout}"
    );
    let (stdout, _) = example(&[&args[..], &["--drop-tasks"]].concat());
    assert!(!stdout.contains("finished"), "{stdout}");
}
