//! `cargo run -p manual-await-smol`: the command line around the pattern in `lib.rs`.

use std::time::{Duration, Instant};

use manual_await_smol::compare::{background, drop_tasks, forget, forget_on, spawn_on};
use manual_await_smol::{Awaited, Stopped, await_each, spawn_and_await};
use shared::{
    EventKind, JobError, JobState, Report, Run, Runtime, grouped, output, scenarios::ManualAwait,
};
use smol::{Executor, Timer};

/// This example's own flags, for `--scenario forgotten`.
#[derive(Clone, Copy, Debug, clap::Args)]
struct Forgotten {
    /// forgotten: spawn on an `Executor` that main owns and drops, not smol's global one.
    #[arg(long)]
    own_executor: bool,
    /// forgotten: drop each `Task` instead of detaching it (which cancels it).
    #[arg(long, conflicts_with = "own_executor")]
    drop_tasks: bool,
}

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns with `smol::spawn` run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `SMOL_THREADS`, is a one-line usage error (exit 2), not a hang inside smol. Its timer
    // uses the standard clock.
    let (run, scenario, flags) =
        Run::from_args_with::<ManualAwait, Forgotten>(Runtime::Smol, Instant::now);
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = || {
        run.jobs()
            .into_iter()
            .map(|job| job.run_caught(Timer::after))
    };
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => smol::block_on(spawn_and_await(jobs())),
        ManualAwait::Handle => {
            // Spawning only queues the tasks: they run once main drives the executor.
            let ex = Executor::new();
            let count = run.config().delays.len();
            tracing::info!("main: spawning {count} jobs on its own Executor");
            let tasks = spawn_on(&ex, jobs());
            smol::block_on(ex.run(await_each(tasks)))
        }
        ManualAwait::Background => smol::block_on(background(jobs(), main_work(main_delay))),
        ManualAwait::Forgotten => return forgotten(&run, flags),
    };
    let stopped = stopped(&awaited.stopped);
    run.finish(|report| record(report, awaited))?;
    if !run.config().json && !stopped.is_empty() {
        output::line(&stopped);
    }
    Ok(())
}

/// `forgotten`: main spawns the jobs, detaches (or drops) their tasks, does its own work
/// and returns; the report then says what the runtime did with each job.
fn forgotten(run: &Run, flags: Forgotten) -> anyhow::Result<()> {
    // Nobody awaits these jobs: a panic stays in its task, where the runtime prints it and
    // carries on.
    let jobs = run.jobs().into_iter().map(|job| job.run(Timer::after));
    let main_work = main_work(run.config().main_delay);
    let ex = Executor::new();
    let causes = if flags.own_executor {
        smol::block_on(ex.run(forget_on(&ex, jobs, main_work)));
        Causes::OWN_EXECUTOR
    } else if flags.drop_tasks {
        smol::block_on(drop_tasks(jobs, main_work));
        Causes::DROPPED_TASKS
    } else {
        smol::block_on(forget(jobs, main_work));
        Causes::GLOBAL_EXECUTOR
    };
    tracing::info!("main: returning without awaiting the tasks");
    // Main is done: the report's time, and its pending jobs, are main's.
    let mut report = run.report();
    report.pending = run.log().running();
    // Dropping an `Executor` drops every task still on it: their destructors run here.
    // smol's global executor is never dropped: the tasks still pending on it die with the
    // process, and their destructors never run.
    drop(ex);
    report.events = run.log().events();
    run.print(&report)?;
    if !run.config().json {
        output::line(&fates(&report, run.config().delays.len(), &causes));
    }
    Ok(())
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    Timer::after(duration).await;
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

/// Why a forgotten job ended as it did, which depends on where it was spawned.
struct Causes {
    never_started: &'static str,
    cancelled: &'static str,
}

impl Causes {
    const GLOBAL_EXECUTOR: Causes = Causes {
        never_started: "never started: the process exited before smol's executor thread ran it",
        cancelled: "cancelled, and its destructor ran",
    };
    const OWN_EXECUTOR: Causes = Causes {
        never_started: "never started: main returned, and dropped its Executor, before it ran",
        cancelled: "cancelled: main's Executor dropped it when main returned, and its destructor ran",
    };
    const DROPPED_TASKS: Causes = Causes {
        never_started: "never started: its Task was dropped, right after spawn, before smol's executor thread picked it up",
        cancelled: "cancelled: its Task was dropped right after spawn, but smol's executor thread had started it already (a race); its destructor ran",
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
