//! `cargo run -p cancel-cleanup-smol`: the command line around the pattern in `lib.rs`,
//! and the shared job fed to it (`job.rs`).

mod job;

use anyhow::Context as _;
use cancel_cleanup_smol::cancel;
use shared::{Run, Runtime, scenarios::CancelCleanup};
use smol::Timer;
use std::time::Instant;

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<CancelCleanup>(Runtime::Smol, Instant::now);
    smol::block_on(async {
        let config = run.config();
        let (after, cleanup_time) = (config.cancel_after, config.cleanup);
        // The scenario is about one job: job 0 (any others never start).
        let job = run.jobs().into_iter().next().context("no job to run")?;
        let id = job.id();
        tracing::info!("cancelling job {id} after {after:?} ({scenario:?})");

        // The job is cancelled once `Timer::after(after)` is done: Python's
        // `await asyncio.sleep(1)`. `cancel` raises a panic of the job again: `run_caught`
        // makes it the job's error.
        let result = match scenario {
            CancelCleanup::Cancel => {
                cancel(job.run_caught(Timer::after), Timer::after(after)).await
            }
            CancelCleanup::Cleanup => job::cleanup(job, Timer::after(after), cleanup_time).await,
            CancelCleanup::Abort => job::abort(job, Timer::after(after), cleanup_time).await,
        };
        run.finish(|report| match result {
            None => report.cancelled(),
            Some(Ok(value)) => report.received(id, &Ok(value)),
            Some(Err(err)) => report.raised(&err),
        })?;
        Ok(())
    })
}
