//! `cargo run -p manual-await-async-std`: the command line around the pattern in `lib.rs`.

use std::time::Instant;

use async_std::task;
use manual_await_async_std::{
    Awaited, await_each, background, forget, spawn_and_await, spawn_named,
};
use shared::{EventKind, Report, Run, Runtime, scenarios::ManualAwait};

// No `#[async_std::main]` here: it would do the same, but `handle` spawns from plain code
// before anything runs, and `forgotten` shows what is left when `block_on` returns.
fn main() -> anyhow::Result<()> {
    // async-std's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<ManualAwait>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    let jobs = run.jobs();
    let main_delay = run.config().main_delay;

    let awaited = match scenario {
        ManualAwait::Default => task::block_on(spawn_and_await(jobs)),
        ManualAwait::Handle => {
            // Spawned from `main`'s own thread, before any `block_on`: any thread can.
            let tasks = spawn_named(jobs)?;
            task::block_on(await_each(tasks))
        }
        ManualAwait::Background => task::block_on(background(jobs, main_delay)),
        ManualAwait::Forgotten => {
            task::block_on(forget(jobs, main_delay));
            // Main is done: the report's time, and its pending jobs, are main's.
            let mut report = run.report();
            report.pending = run.log().running();
            // The global executor lives as long as the process: nothing shuts it down when
            // main returns. The tasks still pending die with the process, and their
            // destructors never run: there is nothing more to wait for.
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
