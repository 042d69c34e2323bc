//! `cargo run -p blocking-smol`: the command line around the pattern in `lib.rs`.

use anyhow::Context as _;
use blocking_smol::{gather, wait_for};
use futures::FutureExt as _;
use shared::{Run, Runtime, scenarios::Blocking};
use std::time::Instant;

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, the
// tasks it spawns run on smol's global executor, and `unblock` runs blocking work on the
// blocking crate's pool.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Blocking>(Runtime::Smol, Instant::now);
    smol::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: Blocking) -> anyhow::Result<()> {
    let jobs = run.jobs();
    let pool = Runtime::Smol.blocking_pool();
    match scenario {
        Blocking::ToThread => {
            tracing::info!(
                "{} jobs of blocking work, on a pool of up to {pool} threads",
                jobs.len()
            );
            // Each job is blocking work here (`std::thread::sleep` of its delay), its
            // simulated panic caught and reported as `job i panicked`.
            let works = jobs
                .into_iter()
                .map(|job| move || job.run_blocking_caught());
            let result = gather(works).await;
            run.finish(|report| {
                report.gathered(result);
                report.blocking_pool = Some(pool);
            })?;
        }
        Blocking::Blocked => {
            let blockers = shared::names(&run.config().block);
            tracing::info!(
                "{} jobs; blocking their thread inside their task: {blockers}",
                jobs.len()
            );
            // The same `gather` as the gather pattern's, with the mistake in some jobs: a
            // blocking call inside the async task, which holds its executor thread until it
            // returns. The others sleep on smol's timer, as async jobs should.
            let jobs = jobs.into_iter().map(|job| {
                if run.config().blocks(job.id()) {
                    async move { job.run_blocking_caught() }.left_future()
                } else {
                    job.run_caught(smol::Timer::after).right_future()
                }
            });
            let result = gather_smol::gather(jobs).await;
            run.finish(|report| {
                report.gathered(result);
                report.blocking_pool = Some(pool);
            })?;
        }
        Blocking::Timeout => {
            let limit = run.timeout();
            // `wait_for` takes one work: job 0 (any others never start).
            let job = jobs.into_iter().next().context("no job to run")?;
            let id = job.id();
            tracing::info!("one job of blocking work, deadline {limit:?}");
            match wait_for(move || job.run_blocking_caught(), limit).await {
                Ok(result) => run.finish(|report| {
                    match result {
                        Ok(value) => report.received(id, &Ok(value)),
                        Err(err) => report.raised(&err),
                    }
                    report.blocking_pool = Some(pool);
                })?,
                Err(timed_out) => {
                    // The caller has its timeout now; the work cannot be stopped. Wait for
                    // it, as `asyncio.run` waits for its default executor (returning from
                    // `main` would not), then report the moment the caller got the timeout.
                    let elapsed = run.log().elapsed();
                    tracing::info!("timed out; waiting for the blocking work to end");
                    let _ended = timed_out.finish().await;
                    run.finish(|report| {
                        report.timed_out();
                        report.elapsed_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
                        report.blocking_pool = Some(pool);
                    })?;
                }
            }
        }
    }
    Ok(())
}
