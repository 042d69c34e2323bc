//! `cargo run -p task-group-smol`: the command line around the pattern in `lib.rs`.

use std::time::Instant;

use shared::{JobError, Report, Run, Runtime, scenarios::TaskGroup};
use task_group_smol::task_group;

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<TaskGroup>(Runtime::Smol, Instant::now);
    smol::block_on(async {
        let jobs = run.jobs();
        tracing::info!("running {} jobs in a task group ({scenario:?})", jobs.len());
        // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
        // caught and handed over as the error `job i panicked`, as the contract reports it.
        let jobs = jobs
            .into_iter()
            .map(|job| job.run_caught(smol::Timer::after));

        match scenario {
            TaskGroup::Default => {
                let result = task_group(jobs).await;
                run.finish(|report| record(report, result))?;
            }
        }
        Ok(())
    })
}

/// Records what the caller received: every result in spawn order, or the group's errors.
fn record(report: &mut Report, result: Result<Vec<String>, Vec<JobError>>) {
    match result {
        Ok(values) => report.gathered(Ok(values)),
        Err(errors) => {
            for err in &errors {
                report.raised(err);
            }
            // Like Python's `ExceptionGroup`, the error holds every failure.
            let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
            // The group raises only once every task has stopped: the timeline says so.
            tracing::info!(
                "group: every task has stopped; raising: {}",
                messages.join("; ")
            );
            report.error = Some(messages.join("; "));
        }
    }
}
