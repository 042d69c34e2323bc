//! `cargo run -p task-group-async-std`: the command line around the pattern in `lib.rs`.

use std::time::Instant;

use shared::{JobError, Report, Run, Runtime, scenarios::TaskGroup};
use task_group_async_std::task_group;

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `ASYNC_STD_THREAD_COUNT`, is a one-line usage error (exit 2), not a panic inside
    // async-std. Its timer uses the standard clock.
    let (run, scenario) = Run::from_args::<TaskGroup>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    async_std::task::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: TaskGroup) -> anyhow::Result<()> {
    let jobs = run.jobs();
    tracing::info!("running {} jobs in a task group ({scenario:?})", jobs.len());
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = jobs
        .into_iter()
        .map(|job| job.run_caught(async_std::task::sleep));

    match scenario {
        TaskGroup::Default => {
            let result = task_group(jobs).await;
            run.finish(|report| record(report, result))?;
        }
    }
    Ok(())
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
