//! `cargo run -p manual-await-async-std`: the command line around the pattern in `lib.rs`.

use std::time::{Duration, Instant};

use async_std::task;
use manual_await_async_std::compare::{background, forget, spawn_named};
use manual_await_async_std::{Awaited, Spawned, Stopped, await_each, spawn_and_await};
use shared::{
    EventKind, JobError, JobState, Report, Run, Runtime, grouped, output, scenarios::ManualAwait,
};

// No `#[async_std::main]` here: it would do the same, but `handle` spawns from plain code
// before anything runs, and `forgotten` shows what is left when `block_on` returns.
fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `ASYNC_STD_THREAD_COUNT`, is a one-line usage error (exit 2), not a panic inside
    // async-std. Its timer uses the standard clock.
    let (run, scenario) = Run::from_args::<ManualAwait>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    //
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = || {
        run.jobs()
            .into_iter()
            .map(|job| job.run_caught(task::sleep))
    };
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => task::block_on(spawn_and_await(jobs())),
        ManualAwait::Handle => {
            // Spawned from `main`'s own thread, before any `block_on`: any thread can.
            let jobs = jobs()
                .enumerate()
                .map(|(id, job)| (format!("job-{}", shared::job_name(id)), job));
            let tasks = spawn_named(jobs)?;
            let names: Vec<&str> = tasks.iter().filter_map(Spawned::name).collect();
            tracing::info!("main: spawned tasks named {}", names.join(", "));
            task::block_on(await_each(tasks))
        }
        ManualAwait::Background => task::block_on(background(jobs(), main_work(main_delay))),
        ManualAwait::Forgotten => return forgotten(&run),
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
fn forgotten(run: &Run) -> anyhow::Result<()> {
    // Nobody awaits these jobs: a panic stays in its task, where the runtime prints it and
    // carries on.
    let jobs = run.jobs().into_iter().map(|job| job.run(task::sleep));
    task::block_on(forget(jobs, main_work(run.config().main_delay)));
    tracing::info!("main: returning without awaiting the tasks");
    // Main is done: the report's time, and its pending jobs, are main's.
    let mut report = run.report();
    report.pending = run.log().running();
    // The global executor lives as long as the process: nothing shuts it down when main
    // returns. The tasks still pending die with the process, and their destructors never
    // run: there is nothing more to wait for.
    run.print(&report)?;
    if !run.config().json {
        output::line(&fates(
            &report,
            run.config().delays.len(),
            &Causes::GLOBAL_EXECUTOR,
        ));
    }
    Ok(())
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    task::sleep(duration).await;
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
    const GLOBAL_EXECUTOR: Causes = Causes {
        never_started: "never started: the process exited before an executor thread ran it",
        cancelled: "cancelled, and its destructor ran",
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
