//! `cargo run -p task-group-tokio`: the command line around the pattern in `lib.rs`.

use shared::{JobError, Report, Run, Runtime, scenarios::TaskGroup};
use task_group_tokio::task_group;

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `TOKIO_WORKER_THREADS`, is a one-line usage error (exit 2), not a panic inside tokio.
    // The times are read on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<TaskGroup>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
    run_scenario(&run, scenario)
}

// `#[tokio::main]` builds a multi-threaded runtime (one worker thread per core), runs
// this function on it, and shuts it down when the function returns.
#[tokio::main]
async fn run_scenario(run: &Run, scenario: TaskGroup) -> anyhow::Result<()> {
    let jobs = run.jobs();
    tracing::info!("running {} jobs in a task group ({scenario:?})", jobs.len());
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = jobs
        .into_iter()
        .map(|job| job.run_caught(tokio::time::sleep));

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
