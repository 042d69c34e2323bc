//! `cargo run -p task-group-tokio`: the command line around the pattern in `lib.rs`.

use shared::{JobError, Report, Run, Runtime, scenarios::TaskGroup};
use task_group_tokio::task_group;

// `#[tokio::main]` builds a multi-threaded runtime (one worker thread per core), runs
// `main` on it, and shuts it down when `main` returns.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Read the times on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<TaskGroup>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
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
