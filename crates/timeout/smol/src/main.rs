//! `cargo run -p timeout-smol`: the command line around the pattern in `lib.rs`.

use anyhow::Context as _;
use shared::{JobError, Run, Runtime, scenarios::Timeout};
use std::time::Instant;
use timeout_smol::{gather, scope, wait_for};

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Timeout>(Runtime::Smol, Instant::now);
    smol::block_on(async {
        let limit = run.timeout();
        let jobs = run.jobs();
        tracing::info!("{} jobs, deadline {limit:?} ({scenario:?})", jobs.len());

        // The pattern takes any futures: here, the shared jobs, each with its simulated panic
        // caught and reported as `job i panicked` (`run_caught`).
        let sleep = smol::Timer::after;
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
    })
}
