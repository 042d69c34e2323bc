//! `cargo run -p gather-tokio`: the command line around the pattern in `lib.rs`.

use gather_tokio::{gather, gather_return_exceptions, sequential};
use shared::{Run, Runtime, scenarios::Gather};

fn main() -> anyhow::Result<()> {
    // Read the command line before any runtime starts, so that a bad flag, or a bad
    // `TOKIO_WORKER_THREADS`, is a one-line usage error (exit 2), not a panic inside tokio.
    // The times are read on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<Gather>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
    run_scenario(&run, scenario)
}

// `#[tokio::main]` builds a multi-threaded runtime (one worker thread per core), runs
// this function on it, and shuts it down when the function returns.
#[tokio::main]
async fn run_scenario(run: &Run, scenario: Gather) -> anyhow::Result<()> {
    let jobs = run.jobs();
    tracing::info!("gathering {} jobs ({scenario:?})", jobs.len());
    // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
    // caught and handed over as the error `job i panicked`, as the contract reports it.
    let jobs = jobs
        .into_iter()
        .map(|job| job.run_caught(tokio::time::sleep));

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
