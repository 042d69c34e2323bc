//! What spawning and awaiting each handle does on tokio: order, final states, time, and
//! what happens to a handle that is dropped and to a task that is forgotten.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so the times are exact. The race
//! test needs worker threads, which a paused clock cannot have: its jobs wait on a gate
//! instead of a timer, and take no time.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use manual_await_tokio::compare::{background, forget, spawn_on};
use manual_await_tokio::{Awaited, Stopped, await_each, spawn_all, spawn_and_await};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventKind, EventLog, Job, JobError};

/// The jobs' output.
type Output = Result<String, JobError>;

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
) -> Vec<impl Future<Output = Output> + Send + 'static> {
    let jobs = config(log, delays, fail, panic).into_iter();
    jobs.map(|job| job.run_caught(tokio::time::sleep)).collect()
}

/// The same jobs with their panics left to unwind: a bug, as the pattern sees it.
fn raw(
    log: &EventLog,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
) -> Vec<impl Future<Output = Output> + Send + 'static> {
    let jobs = config(log, delays, fail, panic).into_iter();
    jobs.map(|job| job.run(tokio::time::sleep)).collect()
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

/// 20 jobs of 1 s run at once: 1 s in all, results in spawn order.
#[tokio::test(start_paused = true)]
async fn twenty_jobs_of_one_second_take_one_second() {
    let log = log();
    let awaited = spawn_and_await(jobs(&log, &[1.0; 20], &[], &[])).await;
    let all: Vec<usize> = (0..20).collect();
    let expected = Awaited {
        results: ok(&all),
        error: None,
        stopped: Vec::new(),
    };
    assert_eq!(awaited, expected);
    assert_eq!(log.elapsed(), Duration::from_secs(1));
    assert!(log.final_states(20).iter().all(|s| *s == Some(Finished)));
}

/// Results come in spawn order, though the jobs finish in another order.
#[tokio::test(start_paused = true)]
async fn results_come_in_spawn_order() {
    let log = log();
    let awaited = spawn_and_await(jobs(&log, &[2.0, 1.0, 3.0], &[], &[])).await;
    assert_eq!(awaited.results, ok(&[0, 1, 2]));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
}

/// The error surfaces when main awaits the failing job's handle (after A's, at 3 s), not
/// when the job fails (2 s); the jobs awaited before it are received, and the job still
/// running then is cancelled and awaited until it has stopped.
#[tokio::test(start_paused = true)]
async fn the_error_surfaces_when_its_handle_is_awaited() {
    let log = log();
    let awaited = spawn_and_await(jobs(&log, &[3.0, 1.0, 2.0, 4.0], &[2], &[])).await;
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert_eq!(awaited.error, Some((2, JobError::Failed(2))));
    assert_eq!(awaited.stopped, [(3, Stopped::Cancelled)]);
    assert_eq!(log.elapsed(), Duration::from_secs(3));
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
#[tokio::test(start_paused = true)]
async fn a_caught_panic_is_an_error_like_a_failure() {
    let log = log();
    let awaited = spawn_and_await(jobs(&log, &[2.0, 1.0, 3.0], &[], &[1])).await;
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
/// handle (at 2 s, after A's, though B panicked at 1 s), once the later tasks have been
/// aborted and have stopped.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = log();
    let raised = AssertUnwindSafe(spawn_and_await(raw(&log, &[2.0, 1.0, 3.0], &[], &[1])))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches main");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(2));
    assert_eq!(
        log.final_states(3),
        [Some(Finished), Some(Panicked), Some(Cancelled)]
    );
    assert!(log.running().is_empty());
}

/// A job that panicked before main could stop it, after another's error, is a bug too: its
/// panic is raised in main, instead of the error, once every later task has stopped.
#[tokio::test(start_paused = true)]
async fn a_panic_among_the_stopped_jobs_is_raised_again() {
    let log = log();
    let jobs = raw(&log, &[3.0, 1.0, 2.0, 4.0], &[1], &[2]);
    let raised = AssertUnwindSafe(spawn_and_await(jobs)).catch_unwind().await;
    let payload = raised.expect_err("the panic reaches main");
    assert_eq!(message(&*payload), Some("job 2 panicked"));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    let states = [
        Some(Finished),
        Some(Failed),
        Some(Panicked),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// Spawning through a `Handle` behaves exactly like `tokio::spawn`.
#[tokio::test(start_paused = true)]
async fn spawning_on_a_handle_behaves_the_same() {
    let log = log();
    let tasks = spawn_on(
        &tokio::runtime::Handle::current(),
        jobs(&log, &[2.0, 1.0], &[], &[]),
    );
    let awaited = await_each(tasks).await;
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert_eq!(log.elapsed(), Duration::from_secs(2));
}

/// Main's own work overlaps the jobs: the time is the longer of the two, not the sum.
#[tokio::test(start_paused = true)]
async fn main_works_while_the_tasks_run() {
    let log = log();
    let main_work = tokio::time::sleep(Duration::from_secs(2));
    let awaited = background(jobs(&log, &[1.0, 3.0], &[], &[]), main_work).await;
    assert_eq!(awaited.results, ok(&[0, 1]));
    assert_eq!(log.elapsed(), Duration::from_secs(3));
    let log = self::log();
    let main_work = tokio::time::sleep(Duration::from_secs(2));
    let awaited = background(jobs(&log, &[1.0], &[], &[]), main_work).await;
    assert_eq!(awaited.results, ok(&[0]));
    assert_eq!(log.elapsed(), Duration::from_secs(2));
}

/// A dropped tokio `JoinHandle` detaches its task: the task runs to its end anyway.
#[tokio::test(start_paused = true)]
async fn a_dropped_handle_lets_its_task_run_on() {
    let log = log();
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    drop(tokio::spawn(job));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(log.final_state(0), Some(Finished));
}

/// A forgotten task that is still pending when the runtime shuts down is dropped by the
/// shutdown, and its destructor runs (it records `cancelled`); one that ended before is
/// untouched. This is what returning from `#[tokio::main]` does.
#[test]
fn runtime_shutdown_drops_a_forgotten_task_and_runs_its_destructor() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let log = runtime.block_on(async {
        let log = log();
        let main_work = tokio::time::sleep(Duration::from_secs(2));
        forget(jobs(&log, &[1.0, 3.0], &[], &[]), main_work).await;
        log
    });
    assert_eq!(
        log.final_states(2),
        [Some(Finished), None],
        "B still pending"
    );
    drop(runtime);
    assert_eq!(log.final_states(2), [Some(Finished), Some(Cancelled)]);
    assert!(log.running().is_empty());
}

/// A job that ends in the very instant main aborts it keeps its result, and main says so:
/// what main reports of each job it stopped agrees with the job's own last event. The race
/// is repeated: each round, A fails and B to H end (finishing, failing or panicking), all
/// eight released at once by one gate, on two worker threads, while main aborts B to I (I
/// held to the end). tokio keeps the output of a task that completes while it is being
/// aborted, so the handle never turns a finished job into a cancelled one.
#[test]
fn a_job_that_ends_as_it_is_aborted_keeps_its_result() {
    shared::silence_job_panics();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    let mut ended = 0;
    for _ in 0..ROUNDS {
        let log = EventLog::new(std::time::Instant::now);
        let (release, gate) = shared::gate();
        let (keep_closed, held) = shared::gate();
        let config = Config::with_delays(&[1.0; 9])
            .failing(&[0, 2, 5])
            .panicking(&[3, 6]);
        let jobs = config.jobs(&log).into_iter().map(|job| {
            let job = match job.id() {
                8 => job.gated(held.clone()),
                _ => job.gated(gate.clone()),
            };
            job.run_caught(tokio::time::sleep)
        });
        let awaited = runtime.block_on(async {
            let tasks = spawn_all(jobs.collect::<Vec<_>>());
            release.open();
            await_each(tasks).await
        });
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
                let cancelled = [EventKind::Started, Cancelled];
                assert!(
                    events.is_empty() || events == cancelled,
                    "job {job}: {events:?}"
                );
            }
            Stopped::Ended(result) => {
                ended += 1;
                let ending = config.ending(*job);
                assert_eq!(*result, ending.result(*job), "job {job}");
                assert_eq!(events, [EventKind::Started, ending.event()], "job {job}");
            }
        }
    }
    ended
}

/// The same with the example's binary: B's `cancelled` line is printed by the shutdown,
/// and B never finishes (the process does not wait for it).
///
/// Whether B has started by the time main returns is up to the machine's load (it almost
/// always has, a second after its spawn): a B that never started is reported so.
#[test]
fn the_forgotten_scenario_reports_the_shutdown() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_manual-await-tokio"))
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
    assert!(!stdout.contains("Task B: finished"), "{stdout}");
    if stdout.contains("Task B: starting") {
        assert!(stdout.contains("Task B: cancelled"), "{stdout}");
        let fate = "B: cancelled: the runtime's shutdown dropped it when main returned";
        assert!(stdout.contains(fate), "{stdout}");
    } else {
        assert!(stdout.contains("B: never started"), "{stdout}");
    }
}
