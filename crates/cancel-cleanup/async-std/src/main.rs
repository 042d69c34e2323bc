//! `cargo run -p cancel-cleanup-async-std`: the command line around the pattern in `lib.rs`.

use anyhow::Context as _;
use cancel_cleanup_async_std::{abort, cancel, cleanup};
use shared::{Run, Runtime, scenarios::CancelCleanup};
use std::time::Instant;

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    // async-std's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<CancelCleanup>(Runtime::AsyncStd, Instant::now);
    let config = run.config();
    let (after, cleanup_time) = (config.cancel_after, config.cleanup);
    // The scenario is about one job: job 0 (any others never start).
    let job = run.jobs().into_iter().next().context("no job to run")?;
    let id = job.id();
    tracing::info!("cancelling job {id} after {after:?} ({scenario:?})");

    let result = match scenario {
        CancelCleanup::Cancel => cancel(job, after).await,
        CancelCleanup::Cleanup => cleanup(job, after, cleanup_time).await,
        CancelCleanup::Abort => abort(job, after, cleanup_time).await,
    };
    run.finish(|report| match result {
        None => report.cancelled(),
        Some(Ok(value)) => report.received(id, &Ok(value)),
        Some(Err(err)) => report.raised(&err),
    })?;
    Ok(())
}
