//! `cargo run -p manual-await-tokio`: the command line around the pattern in `lib.rs`.

use std::time::Duration;

use manual_await_tokio::compare::{background, forget, spawn_on};
use manual_await_tokio::{Awaited, Stopped, await_each, spawn_and_await};
use shared::{
    EventKind, JobError, JobState, Report, Run, Runtime, grouped, output, scenarios::ManualAwait,
};
use tokio::runtime::Runtime as Tokio;

// No `#[tokio::main]` here: it would build the same runtime, but two scenarios need the
// runtime itself. `handle` spawns through it from plain code, and `forgotten` shuts it
// down before the report, to show what the shutdown does to the tasks still pending.
fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `TOKIO_WORKER_THREADS`, is a one-line usage error (exit 2), not a panic inside tokio.
    // The times are read on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<ManualAwait>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
    // What `#[tokio::main]` expands to: a multi-threaded runtime, one worker per core.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()?;
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = || {
        run.jobs()
            .into_iter()
            .map(|job| job.run_caught(tokio::time::sleep))
    };
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => runtime.block_on(spawn_and_await(jobs())),
        ManualAwait::Handle => {
            // Spawned from `main`'s own thread, outside the runtime: only a handle can.
            let count = run.config().delays.len();
            tracing::info!("main: spawning {count} jobs through the runtime's Handle");
            let tasks = spawn_on(runtime.handle(), jobs());
            runtime.block_on(await_each(tasks))
        }
        ManualAwait::Background => runtime.block_on(background(jobs(), main_work(main_delay))),
        ManualAwait::Forgotten => return forgotten(&run, runtime),
    };
    let stopped = stopped(&awaited.stopped);
    run.finish(|report| record(report, awaited))?;
    if !run.config().json && !stopped.is_empty() {
        output::line(&stopped);
    }
    Ok(())
}

/// `forgotten`: main spawns the jobs, drops their handles, does its own work and returns;
/// the report then says what the runtime did with each job.
fn forgotten(run: &Run, runtime: Tokio) -> anyhow::Result<()> {
    // Nobody awaits these jobs: a panic stays in its task, where the runtime prints it and
    // carries on.
    let jobs = run
        .jobs()
        .into_iter()
        .map(|job| job.run(tokio::time::sleep));
    runtime.block_on(forget(jobs, main_work(run.config().main_delay)));
    tracing::info!("main: returning without awaiting the tasks");
    // Main is done: the report's time, and its pending jobs, are main's.
    let mut report = run.report();
    report.pending = run.log().running();
    // Returning from `#[tokio::main]` does this: the runtime shuts down, drops every task
    // still pending, and waits for its threads. The jobs' destructors run here.
    drop(runtime);
    report.events = run.log().events();
    run.print(&report)?;
    if !run.config().json {
        output::line(&fates(
            &report,
            run.config().delays.len(),
            &Causes::SHUTDOWN,
        ));
    }
    Ok(())
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    tokio::time::sleep(duration).await;
    tracing::info!("main: its own work is done");
}

/// Records what main received: the results in spawn order, then the error that stopped it.
fn record(report: &mut Report, awaited: Awaited<String, JobError>) {
    for (job, value) in awaited.results.into_iter().enumerate() {
        report.received(job, &Ok(value));
    }
    if let Some((_, err)) = awaited.error {
        report.raised(&err);
    }
}

/// What main's cancellation found of each job it had not awaited after the error: the
/// same story as the jobs' own events (a job that ended in that instant kept its result).
fn stopped(stopped: &[(usize, Stopped<Result<String, JobError>>)]) -> String {
    if stopped.is_empty() {
        return String::new();
    }
    let fates = grouped(stopped.iter().map(|(job, stopped)| {
        let fate = match stopped {
            Stopped::Cancelled => "cancelled",
            Stopped::Ended(Ok(_)) => "had already finished (its result unused)",
            Stopped::Ended(Err(JobError::Failed(_))) => "had already failed (its error unused)",
            Stopped::Ended(Err(JobError::Panicked(_))) => "had already panicked",
        };
        (*job, fate)
    }));
    format!("After the error, main stopped the tasks it had not awaited:\n{fates}")
}

/// Why a forgotten job ended as it did.
struct Causes {
    never_started: &'static str,
    cancelled: &'static str,
}

impl Causes {
    const SHUTDOWN: Causes = Causes {
        never_started: "never started: main returned, and the runtime shut down, before a worker ran it",
        cancelled: "cancelled: the runtime's shutdown dropped it when main returned, and its destructor ran",
    };
}

/// What the runtime did to each forgotten job, read from its events alone.
fn fates(report: &Report, jobs: usize, causes: &Causes) -> String {
    let mut pending = vec![false; jobs];
    for &job in &report.pending {
        if let Some(pending) = pending.get_mut(job) {
            *pending = true;
        }
    }
    let states = report.states(jobs);
    let fates = grouped(states.into_iter().enumerate().map(|(job, state)| {
        let fate = match state {
            JobState::NeverStarted => causes.never_started,
            JobState::Running => {
                "abandoned: still running when main returned; the process exit ends it without running its destructor"
            }
            JobState::Ended(EventKind::Cancelled) => causes.cancelled,
            JobState::Ended(_) if pending[job] => {
                "ended after main returned, before the process did"
            }
            JobState::Ended(_) => "ended before main returned, though nobody awaited it",
        };
        (job, fate)
    }));
    format!("What happened to the forgotten tasks:\n{fates}")
}
