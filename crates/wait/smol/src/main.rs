//! `cargo run -p wait-smol`: the command line around the pattern in `lib.rs`.

use shared::{Run, Runtime, scenarios::Wait};
use smol::Timer;
use std::time::Instant;
use wait_smol::{ReturnWhen, cancel, spawn_all, wait};

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<()> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Wait>(Runtime::Smol, Instant::now);
    smol::block_on(async {
        let jobs = run.jobs();
        tracing::info!("waiting on {} tasks ({scenario:?})", jobs.len());
        // The pattern takes any futures. Here each is a simulated job, its panic (`--panic`)
        // caught and handed over as the error `job i panicked`, as the contract reports it.
        let mut tasks = spawn_all(jobs.into_iter().map(|job| job.run_caught(Timer::after)));

        let (done, pending) = match scenario {
            Wait::All => wait(&mut tasks, ReturnWhen::AllCompleted, None).await,
            Wait::FirstCompleted => wait(&mut tasks, ReturnWhen::FirstCompleted, None).await,
            Wait::FirstException => wait(&mut tasks, ReturnWhen::FirstException, None).await,
            Wait::Timeout => wait(&mut tasks, ReturnWhen::AllCompleted, Some(run.timeout())).await,
        };
        // Counts, not names: the report below lists them, a million jobs included.
        tracing::info!(
            "wait returned: {} done, {} pending",
            done.len(),
            pending.len()
        );

        // `wait` leaves the pending tasks running; this program has no more use for them, so
        // it cancels them and waits until they have stopped. A job that ended at the very
        // moment it was cancelled keeps its result: the caller receives it then.
        tracing::info!("cancelling {} pending tasks", pending.len());
        let late = cancel(tasks).await;
        if !late.is_empty() {
            tracing::info!("{} of them ended as they were cancelled", late.len());
        }

        run.finish(|report| {
            for (job, result) in done.iter().chain(&late) {
                report.received(*job, result);
            }
            report.pending = pending;
        })?;
        Ok(())
    })
}
