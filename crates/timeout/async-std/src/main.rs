//! `cargo run -p timeout-async-std`: the command line around the pattern in `lib.rs`.

use anyhow::Context as _;
use shared::{JobError, Run, Runtime, scenarios::Timeout};
use std::time::Instant;
use timeout_async_std::{gather, scope, wait_for};

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `ASYNC_STD_THREAD_COUNT`, is a one-line usage error (exit 2), not a panic inside
    // async-std. Its timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Timeout>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    async_std::task::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: Timeout) -> anyhow::Result<()> {
    let limit = run.timeout();
    let jobs = run.jobs();
    tracing::info!("{} jobs, deadline {limit:?} ({scenario:?})", jobs.len());

    // The pattern takes any futures: here, the shared jobs, each with its simulated panic
    // caught and reported as `job i panicked` (`run_caught`).
    let sleep = async_std::task::sleep;
    match scenario {
        Timeout::WaitFor => {
            // `wait_for` takes one job: job 0 (any others never start).
            let job = jobs.into_iter().next().context("no job to run")?;
            let id = job.id();
            let result = wait_for(job.run_caught(sleep), limit).await;
            run.finish(|report| match result {
                Ok(Ok(value)) => report.received(id, &Ok(value)),
                Ok(Err(err)) => report.raised(&err),
                Err(_timed_out) => report.timed_out(),
            })?;
        }
        Timeout::Gather => {
            let result = gather(jobs.into_iter().map(|job| job.run_caught(sleep)), limit).await;
            run.finish(|report| match result {
                Ok(values) => report.gathered(values),
                Err(_timed_out) => report.timed_out(),
            })?;
        }
        Timeout::Scope => {
            // The body of `async with asyncio.timeout(limit):`, the jobs one after another.
            let mut results = Vec::new();
            let result = scope(limit, async {
                for job in jobs {
                    results.push(job.run_caught(sleep).await?);
                }
                Ok::<_, JobError>(())
            })
            .await;
            run.finish(|report| {
                // The jobs run in input order, so the k-th result is job k's.
                for (job, value) in results.into_iter().enumerate() {
                    report.received(job, &Ok(value));
                }
                match result {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => report.raised(&err),
                    Err(_timed_out) => report.timed_out(),
                }
            })?;
        }
    }
    Ok(())
}
