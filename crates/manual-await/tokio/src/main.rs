//! `cargo run -p manual-await-tokio`: the command line around the pattern in `lib.rs`.

use manual_await_tokio::{Awaited, await_each, background, forget, spawn_and_await, spawn_on};
use shared::{EventKind, Report, Run, Runtime, scenarios::ManualAwait};

// No `#[tokio::main]` here: it would build the same runtime, but two scenarios need the
// runtime itself. `handle` spawns through it from plain code, and `forgotten` shuts it
// down before the report, to show what the shutdown does to the tasks still pending.
fn main() -> anyhow::Result<()> {
    // Read the times on tokio's clock, the one its timer uses.
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
