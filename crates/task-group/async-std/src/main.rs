//! `cargo run -p task-group-async-std`: the command line around the pattern in `lib.rs`.

use std::time::Instant;

use shared::{JobError, Report, Run, Runtime, scenarios::TaskGroup};
use task_group_async_std::task_group;

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    // async-std's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<TaskGroup>(Runtime::AsyncStd, Instant::now);
    let jobs = run.jobs();
    tracing::info!("running {} jobs in a task group ({scenario:?})", jobs.len());

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
            report.error = Some(messages.join("; "));
        }
    }
}
