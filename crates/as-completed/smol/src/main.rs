//! `cargo run -p as-completed-smol`: the command line and the display around the pattern
//! in `lib.rs`: a progress bar on a terminal, plain `[k/N]` lines otherwise.

use std::time::Instant;

use as_completed_smol::{Done, as_completed};
use shared::progress::{self, Progress};
use shared::{JobError, Run, Runtime, Spread, job_name, scenarios::AsCompleted};

fn main() -> anyhow::Result<()> {
    // With a bar on the screen, the jobs' own live lines would tear it: turn them off
    // before the shared crate installs its logger.
    if progress::bar_wanted() {
        progress::silence_job_lines();
    }
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `SMOL_THREADS`, is a one-line usage error (exit 2), not a hang inside smol. Its timer
    // uses the standard clock.
    let (run, scenario, spread) =
        Run::from_args_with::<AsCompleted, Spread>(Runtime::Smol, Instant::now);
    // smol has no `main` attribute: `smol::block_on` runs the async main on this thread,
    // and the tasks it spawns run on smol's global executor.
    smol::block_on(run_scenario(&run, scenario, spread))
}

async fn run_scenario(run: &Run, scenario: AsCompleted, spread: Spread) -> anyhow::Result<()> {
    let jobs = spread.apply(run.jobs());
    let total = jobs.len();
    tracing::info!("{total} jobs, results as they complete ({scenario:?})");

    match scenario {
        AsCompleted::Default => {
            let progress = Progress::new(total, "results", run.config().json);
            // Each job's panic comes back as its error (`job 0 panicked`), announced in its
            // place like a failure, instead of being raised again by `as_completed`.
            let jobs = jobs
                .into_iter()
                .map(|job| job.run_caught(smol::Timer::after));
            let received = as_completed(jobs, async |k, done| {
                announce(&progress, k, total, done);
            })
            .await;
            progress.finish();
            run.finish(|report| {
                for (job, result) in &received {
                    report.received(*job, result);
                }
            })?;
        }
    }
    Ok(())
}

/// What the loop receives for a shared job: its number (its index in the input), and its
/// result or error.
type Received = Done<Result<String, JobError>>;

/// Announces the k-th result to arrive with the tutorial's `[k/N]` line.
fn announce(progress: &Progress, k: usize, total: usize, (job, result): &Received) {
    let name = format!("Task {} (job {job})", job_name(*job));
    match result {
        Ok(value) => progress.line(&format!("[{k}/{total}] {name}: {value:?}")),
        Err(err) => progress.line(&format!("[{k}/{total}] {name}: error: {err}")),
    }
    progress.advance();
}
