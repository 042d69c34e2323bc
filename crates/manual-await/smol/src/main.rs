//! `cargo run -p manual-await-smol`: the command line around the pattern in `lib.rs`.

use std::time::Instant;

use manual_await_smol::{
    Awaited, await_each, background, drop_tasks, forget, forget_on, spawn_and_await, spawn_on,
};
use shared::{EventKind, Report, Run, Runtime, scenarios::ManualAwait};
use smol::Executor;

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
    // smol's timer uses the standard clock.
    let (run, scenario, flags) =
        Run::from_args_with::<ManualAwait, Forgotten>(Runtime::Smol, Instant::now);
    let jobs = run.jobs();
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => smol::block_on(spawn_and_await(jobs)),
        ManualAwait::Handle => {
            // Spawning only queues the tasks: they run once main drives the executor.
            let ex = Executor::new();
            let tasks = spawn_on(&ex, jobs);
            smol::block_on(ex.run(await_each(tasks)))
        }
        ManualAwait::Background => smol::block_on(background(jobs, main_delay)),
        ManualAwait::Forgotten => {
            let ex = Executor::new();
            if flags.own_executor {
                smol::block_on(ex.run(forget_on(&ex, jobs, main_delay)));
            } else if flags.drop_tasks {
                smol::block_on(drop_tasks(jobs, main_delay));
            } else {
                smol::block_on(forget(jobs, main_delay));
            }
            // Main is done: the report's time, and its pending jobs, are main's.
            let mut report = run.report();
            report.pending = run.log().running();
            // Dropping an `Executor` drops every task still on it: their destructors run
            // here. smol's global executor is never dropped: the tasks still pending on it
            // die with the process, and their destructors never run.
            drop(ex);
            report.events = run.log().events();
            run.print(&report)?;
            if !run.config().json {
                println!("{}", fates(&report, run.config().delays.len()));
            }
            return Ok(());
        }
    };
    run.finish(|report| record(report, awaited))?;
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

/// What the runtime did to each forgotten job, read from its events alone.
fn fates(report: &Report, jobs: usize) -> String {
    let mut fates: Vec<(&str, Vec<String>)> = Vec::new();
    for job in 0..jobs {
        let started = report.events.iter().any(|e| e.job == job);
        let fate = match report.final_state(job) {
            None if !started => "never started: main returned, or dropped its task, before it ran",
            None => {
                "abandoned: still running when main returned; the process exit ends it without running its destructor"
            }
            Some(EventKind::Cancelled) => {
                "cancelled: dropped when main returned, and its destructor ran"
            }
            Some(_) if report.pending.contains(&job) => {
                "ended after main returned, before the process did"
            }
            Some(_) => "ended before main returned, though nobody awaited it",
        };
        let name = shared::job_name(job);
        match fates.iter_mut().find(|(f, _)| *f == fate) {
            Some((_, names)) => names.push(name),
            None => fates.push((fate, vec![name])),
        }
    }
    let mut lines = vec!["What happened to the forgotten tasks:".to_owned()];
    for (fate, names) in fates {
        lines.push(format!("  {}: {fate}", names.join(", ")));
    }
    lines.join("\n")
}
