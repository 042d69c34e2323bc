//! `cargo run -p gather-async-std`: the command line around the pattern in `lib.rs`.

use gather_async_std::{gather, gather_return_exceptions, sequential};
use shared::{Run, Runtime, scenarios::Gather};
use std::time::Instant;

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    // async-std's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Gather>(Runtime::AsyncStd, Instant::now);
    let jobs = run.jobs();
    tracing::info!("gathering {} jobs ({scenario:?})", jobs.len());

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
