//! `cargo run -p cancel-cleanup-tokio`: the command line around the pattern in `lib.rs`.

use anyhow::Context as _;
use cancel_cleanup_tokio::{abort, cancel, cleanup};
use shared::{Run, Runtime, scenarios::CancelCleanup};

// `#[tokio::main]` builds a multi-threaded runtime (one worker thread per core), runs
// `main` on it, and shuts it down when `main` returns.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Read the times on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<CancelCleanup>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
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
