//! `cargo run -p gather-async-std`: the command line around the pattern in `lib.rs`.

use gather_async_std::{gather, gather_return_exceptions, sequential};
use shared::{Run, Runtime, scenarios::Gather};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `ASYNC_STD_THREAD_COUNT`, is a one-line usage error (exit 2), not a panic inside
    // async-std. Its timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Gather>(Runtime::AsyncStd, Instant::now);
    // What `#[async_std::main]` expands to: `task::block_on` runs the async main on this
    // thread; the tasks it spawns run on async-std's global executor.
    async_std::task::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: Gather) -> anyhow::Result<()> {
    let jobs = run.jobs();
    tracing::info!("gathering {} jobs ({scenario:?})", jobs.len());
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = jobs
        .into_iter()
        .map(|job| job.run_caught(async_std::task::sleep));

    match scenario {
        Gather::Default => {
            let result = gather(jobs).await;
            run.finish(|report| report.gathered(result))?;
        }
        Gather::ReturnExceptions => {
            let results = gather_return_exceptions(jobs).await;
            run.finish(|report| report.received_in_order(results))?;
        }
        Gather::Sequential => {
            let result = sequential(jobs).await;
            run.finish(|report| report.gathered(result))?;
        }
    }
    Ok(())
}
