//! What spawning and awaiting each handle does on async-std: order, final states, and what
//! happens to a handle that is dropped, to a task cancelled as it ends, and to a task that
//! is forgotten.
//!
//! async-std has no virtual clock. Where an order is the point, the jobs wait on gates
//! (`shared::gate`) instead of timers, and the test opens each gate in turn, so the order
//! is caused, not raced against a loaded machine's timers. Real time is left only where a
//! load cannot change the answer: a job is never done before its delay. The exact times
//! are the tokio tests', on a paused clock.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use async_std::task;
use futures::FutureExt as _;
use manual_await_async_std::compare::{background, spawn_named};
use manual_await_async_std::{Awaited, Stopped, await_each, spawn_all, spawn_and_await};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};

/// The jobs' output.
type Output = Result<String, JobError>;

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    shared::silence_job_panics();
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The same jobs, each waiting on its own gate instead of its delay.
fn gated(
    log: &EventLog,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
) -> (Vec<Opener>, Vec<Job>) {
    shared::gates(jobs(log, delays, fail, panic))
}

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn caught(jobs: Vec<Job>) -> Vec<impl Future<Output = Output> + Send + 'static> {
    jobs.into_iter()
        .map(|job| job.run_caught(task::sleep))
        .collect()
}

/// The same jobs with their panics left to unwind: a bug, as the pattern sees it.
fn raw(jobs: Vec<Job>) -> Vec<impl Future<Output = Output> + Send + 'static> {
    jobs.into_iter().map(|job| job.run(task::sleep)).collect()
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// Waits until `done` holds. A working example gets there at once; the minute is only
/// there so that a broken one fails instead of hanging.
fn eventually(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
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

/// Spawned jobs run at once: all 20 have started before any of them may end, and the
/// results still come in spawn order.
#[test]
fn every_job_runs_at_once_and_the_results_come_in_spawn_order() {
    let log = EventLog::new(Instant::now);
    let (release, gate) = shared::gate();
    let jobs: Vec<Job> = jobs(&log, &[1.0; 20], &[], &[])
        .into_iter()
        .map(|job| job.gated(gate.clone()))
        .collect();
    let main = thread::spawn(move || task::block_on(spawn_and_await(caught(jobs))));
    assert!(eventually(|| log.running().len() == 20), "all 20 started");
    release.open();
    let awaited = main.join().expect("main returns");
    let all: Vec<usize> = (0..20).collect();
    assert_eq!(awaited.results, ok(&all));
    assert_eq!(awaited.error, None);
}

/// The error surfaces when main awaits the failing job's handle, not when the job fails:
/// C has failed (and B finished), but main is still waiting for A. Once A is done, main
/// gets A's and B's results, then C's error, and cancels D, still running, and waits
/// until it has stopped.
#[test]
fn the_error_surfaces_when_its_handle_is_awaited() {
    let log = EventLog::new(Instant::now);
    let (mut gates, jobs) = gated(&log, &[0.3, 0.1, 0.2, 0.5], &[2], &[]);
    let main = thread::spawn(move || task::block_on(spawn_and_await(caught(jobs))));
    let d = gates.pop().expect("D's gate");
    let c = gates.pop().expect("C's gate");
    let b = gates.pop().expect("B's gate");
    b.open();
    c.open();
    // D must have started too before A ends: it is then cancelled while it runs.
    assert!(eventually(|| {
        log.final_states(3)[1..] == [Some(Finished), Some(Failed)] && log.running().contains(&3)
    }));
    assert!(!main.is_finished(), "main is still waiting for A");
    gates.pop().expect("A's gate").open();
    let awaited = main.join().expect("main returns");
    drop(d);
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert_eq!(awaited.error, Some((2, JobError::Failed(2))));
    assert_eq!(awaited.stopped, [(3, Stopped::Cancelled)]);
    let states = [
        Some(Finished),
        Some(Finished),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// The example's jobs: a panicking job is reported like a failing one, `job 1 panicked`,
/// and goes no further.
#[test]
fn a_caught_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let (mut gates, jobs) = gated(&log, &[0.2, 0.1, 0.8], &[], &[1]);
    let c = gates.pop().expect("C's gate");
    // A and B end only once C has started, so that C is cancelled while it runs (were it
    // cancelled before its first poll, it would have no events at all: another story).
    let main = thread::spawn(move || task::block_on(spawn_and_await(caught(jobs))));
    assert!(eventually(|| log.running().contains(&2)), "C started");
    gates.into_iter().for_each(Opener::open);
    let awaited = main.join().expect("main returns");
    drop(c);
    assert_eq!(awaited.results, ok(&[0]));
    let error = awaited.error.map(|(index, e)| (index, e.to_string()));
    assert_eq!(error, Some((1, "job 1 panicked".into())));
    assert_eq!(awaited.stopped, [(2, Stopped::Cancelled)]);
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A panic that reaches the pattern is raised again in main when main gets to that job's
/// handle, once the later tasks have been cancelled and have stopped: B has panicked, but
/// main is still waiting for A, and C is still running when A ends.
#[test]
fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (mut gates, jobs) = gated(&log, &[0.2, 0.1, 0.8], &[], &[1]);
    let c = gates.pop().expect("C's gate");
    let b = gates.pop().expect("B's gate");
    let main = thread::spawn(move || {
        task::block_on(AssertUnwindSafe(spawn_and_await(raw(jobs))).catch_unwind())
    });
    b.open();
    assert!(eventually(|| {
        log.final_states(2)[1] == Some(Panicked) && log.running().contains(&2)
    }));
    assert!(!main.is_finished(), "main is still waiting for A");
    gates.pop().expect("A's gate").open();
    let raised = main.join().expect("main returns");
    drop(c);
    let payload = raised.expect_err("the panic reaches main");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A job that panicked before main could stop it, after another's error, is a bug too: its
/// panic is raised in main, instead of the error, once every later task has stopped. (B
/// panics while main waits for A, which then fails; C is still running.)
#[test]
fn a_panic_among_the_stopped_jobs_is_raised_again() {
    let log = EventLog::new(Instant::now);
    let (mut gates, jobs) = gated(&log, &[0.3, 0.1, 0.8], &[0], &[1]);
    let c = gates.pop().expect("C's gate");
    let b = gates.pop().expect("B's gate");
    let main = thread::spawn(move || {
        task::block_on(AssertUnwindSafe(spawn_and_await(raw(jobs))).catch_unwind())
    });
    b.open();
    assert!(eventually(|| {
        log.final_states(2)[1] == Some(Panicked) && log.running().contains(&2)
    }));
    gates.pop().expect("A's gate").open();
    let raised = main.join().expect("main returns");
    drop(c);
    let payload = raised.expect_err("the panic reaches main");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(
        log.final_states(3),
        [Some(Failed), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A job that ends in the very instant main cancels it keeps its result, and main says so:
/// what main reports of each job it stopped agrees with the job's own last event. The race
/// is repeated: each round, A fails and B to H end (finishing, failing or panicking), all
/// eight released at once by one gate, while main cancels B to I (I held to the end).
/// `cancel().await` alone would give `None` for a job that completed during its
/// cancellation, and a finished or failed job would be reported as cancelled.
#[test]
fn a_job_that_ends_as_it_is_cancelled_keeps_its_result() {
    let mut ended = 0;
    for _ in 0..ROUNDS {
        let log = EventLog::new(Instant::now);
        let (release, gate) = shared::gate();
        let (keep_closed, held) = shared::gate();
        let config = Config::with_delays(&[1.0; 9])
            .failing(&[0, 2, 5])
            .panicking(&[3, 6]);
        shared::silence_job_panics();
        let jobs: Vec<Job> = config
            .jobs(&log)
            .into_iter()
            .map(|job| match job.id() {
                8 => job.gated(held.clone()),
                _ => job.gated(gate.clone()),
            })
            .collect();
        let tasks = spawn_all(caught(jobs));
        release.open();
        let awaited = task::block_on(await_each(tasks));
        drop(keep_closed);
        assert_eq!(awaited.results, Vec::<String>::new());
        assert_eq!(awaited.error, Some((0, JobError::Failed(0))));
        ended += agrees_with_the_events(&awaited, &log, &config);
        assert_eq!(awaited.stopped[7], (8, Stopped::Cancelled));
        assert!(log.running().is_empty());
    }
    println!("{ended} of {} stopped jobs had ended first", 7 * ROUNDS);
}

/// How many rounds the race test runs.
const ROUNDS: usize = 1000;

/// Checks that what main says of each job it stopped is what the job's events say (a
/// cancelled job may have been cancelled before it ever started), and that a job that
/// ended is reported with its own result; returns how many had ended.
fn agrees_with_the_events(
    awaited: &Awaited<String, JobError>,
    log: &EventLog,
    config: &Config,
) -> usize {
    let mut ended = 0;
    for (job, stopped) in &awaited.stopped {
        let events = log.events_of(*job);
        match stopped {
            // Cancelled while it ran, or before it ever started.
            Stopped::Cancelled => {
                let cancelled = [Started, Cancelled];
                assert!(
                    events.is_empty() || events == cancelled,
                    "job {job}: {events:?}"
                );
            }
            Stopped::Ended(result) => {
                ended += 1;
                let ending = config.ending(*job);
                assert_eq!(*result, ending.result(*job), "job {job}");
                assert_eq!(events, [Started, ending.event()], "job {job}");
            }
        }
    }
    ended
}

/// Named tasks behave like the others, and carry their names.
#[test]
fn named_tasks_behave_the_same() {
    let log = EventLog::new(Instant::now);
    let jobs = caught(jobs(&log, &[0.2, 0.1], &[], &[]));
    let named = ["job-A", "job-B"].map(str::to_owned).into_iter().zip(jobs);
    let tasks = spawn_named(named).expect("spawned");
    assert_eq!(tasks[1].name(), Some("job-B"));
    let awaited = task::block_on(await_each(tasks));
    assert_eq!(awaited.results, ok(&[0, 1]));
}

/// Main's own work and the jobs: what a loaded machine cannot change is that neither is
/// cut short (the tokio test shows on its paused clock that the two overlap exactly).
#[test]
fn main_works_while_the_tasks_run() {
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(background(
        caught(jobs(&log, &[0.1, 0.3], &[], &[])),
        task::sleep(secs(0.2)),
    ));
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert!(log.elapsed() >= secs(0.3));
    let log = EventLog::new(Instant::now);
    let awaited = task::block_on(background(
        caught(jobs(&log, &[0.1], &[], &[])),
        task::sleep(secs(0.2)),
    ));
    assert_eq!(awaited.results, ok(&[0]));
    assert!(log.elapsed() >= secs(0.2));
}

/// A dropped async-std `JoinHandle` detaches its task: the task runs to its end anyway.
#[test]
fn a_dropped_handle_lets_its_task_run_on() {
    let log = EventLog::new(Instant::now);
    let (mut gates, mut jobs) = gated(&log, &[0.1], &[], &[]);
    drop(task::spawn(jobs.remove(0).run(task::sleep)));
    gates.remove(0).open();
    assert!(eventually(|| log.final_state(0).is_some()));
    assert_eq!(log.final_state(0), Some(Finished));
}

/// A forgotten task still pending when main returns is abandoned: the process exits, and
/// the task's destructor never runs (it would print `Task B: cancelled`), nor does B ever
/// finish.
///
/// Whether B has started by the time main returns is up to the machine's load (it almost
/// always has, a second after its spawn): a B that never started is reported so.
#[test]
fn a_forgotten_task_is_abandoned_at_exit_without_its_destructor() {
    let output = Command::new(env!("CARGO_BIN_EXE_manual-await-async-std"))
        .args([
            "--scenario",
            "forgotten",
            "--delays",
            "0.1,5",
            "--main-delay",
            "1",
        ])
        .output()
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(!stdout.contains("Task B: cancelled"), "{stdout}");
    assert!(!stdout.contains("Task B: finished"), "{stdout}");
    if stdout.contains("Task B: starting") {
        assert!(stdout.contains("B: abandoned"), "{stdout}");
    } else {
        assert!(stdout.contains("B: never started"), "{stdout}");
    }
}
