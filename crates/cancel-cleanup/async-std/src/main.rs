//! `cargo run -p cancel-cleanup-async-std`: the command line around the pattern in `lib.rs`,
//! and the shared job fed to it (`job.rs`).

mod job;

use anyhow::Context as _;
use async_std::task::sleep;
use cancel_cleanup_async_std::cancel;
use shared::{Run, Runtime, scenarios::CancelCleanup};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `ASYNC_STD_THREAD_COUNT`, is a one-line usage error (exit 2), not a panic inside
    // async-std. Its timer uses the standard clock.
    let (run, scenario) = Run::from_args::<CancelCleanup>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    async_std::task::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: CancelCleanup) -> anyhow::Result<()> {
    let config = run.config();
    let (after, cleanup_time) = (config.cancel_after, config.cleanup);
    // The scenario is about one job: job 0 (any others never start).
    let job = run.jobs().into_iter().next().context("no job to run")?;
    let id = job.id();
    tracing::info!("cancelling job {id} after {after:?} ({scenario:?})");

    // The job is cancelled once `sleep(after)` is done: Python's `await asyncio.sleep(1)`.
    // `cancel` raises a panic of the job again: `run_caught` makes it the job's error.
    let result = match scenario {
        CancelCleanup::Cancel => cancel(job.run_caught(sleep), sleep(after)).await,
        CancelCleanup::Cleanup => job::cleanup(job, sleep(after), cleanup_time).await,
        CancelCleanup::Abort => job::abort(job, sleep(after), cleanup_time).await,
    };
    run.finish(|report| match result {
        None => report.cancelled(),
        Some(Ok(value)) => report.received(id, &Ok(value)),
        Some(Err(err)) => report.raised(&err),
    })?;
    Ok(())
}
