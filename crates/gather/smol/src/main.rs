//! `cargo run -p gather-smol`: the command line around the pattern in `lib.rs`.

use gather_smol::{gather, gather_return_exceptions, sequential};
use shared::{Run, Runtime, scenarios::Gather};
use std::time::Instant;

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Gather>(Runtime::Smol, Instant::now);
    smol::block_on(async {
        let jobs = run.jobs();
        tracing::info!("gathering {} jobs ({scenario:?})", jobs.len());
        // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
        // caught and handed over as the error `job i panicked`, as the contract reports it.
        let jobs = jobs
            .into_iter()
            .map(|job| job.run_caught(smol::Timer::after));

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
    })
}
