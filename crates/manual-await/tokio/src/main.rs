//! `cargo run -p manual-await-tokio`: the command line around the pattern in `lib.rs`.

use manual_await_tokio::{
    Awaited, Stopped, await_each, background, forget, spawn_and_await, spawn_on,
};
use shared::{
    EventKind, JobError, JobState, Report, Run, Runtime, grouped, output, scenarios::ManualAwait,
};

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
    let jobs = run.jobs();
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => runtime.block_on(spawn_and_await(jobs)),
        ManualAwait::Handle => {
            // Spawned from `main`'s own thread, outside the runtime: only a handle can.
            let tasks = spawn_on(runtime.handle(), jobs);
            runtime.block_on(await_each(tasks))
        }
        ManualAwait::Background => runtime.block_on(background(jobs, main_delay)),
        ManualAwait::Forgotten => {
            runtime.block_on(forget(jobs, main_delay));
            // Main is done: the report's time, and its pending jobs, are main's.
            let mut report = run.report();
            report.pending = run.log().running();
            // Returning from `#[tokio::main]` does this: the runtime shuts down, drops every
            // task still pending, and waits for its threads. The jobs' destructors run here.
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
            return Ok(());
        }
    };
    let stopped = stopped(&awaited.stopped);
    run.finish(|report| record(report, awaited))?;
    if !run.config().json && !stopped.is_empty() {
        output::line(&stopped);
    }
    Ok(())
}

/// Records what main received: the results in spawn order, then the error that stopped it.
fn record(report: &mut Report, awaited: Awaited) {
    for (job, value) in awaited.results.into_iter().enumerate() {
        report.received(job, &Ok(value));
    }
    if let Some(err) = awaited.error {
        report.raised(&err);
    }
}

/// What main's cancellation found of each job it had not awaited after the error: the
/// same story as the jobs' own events (a job that ended in that instant kept its result).
fn stopped(stopped: &[(usize, Stopped)]) -> String {
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
