//! `cargo run -p wait-async-std`: the command line around the pattern in `lib.rs`.

use shared::{Run, Runtime, job_name, scenarios::Wait};
use std::time::Instant;
use wait_async_std::{ReturnWhen, cancel, spawn_all, wait};

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    // async-std's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Wait>(Runtime::AsyncStd, Instant::now);
    let mut tasks = spawn_all(run.jobs());
    tracing::info!("waiting on {} tasks ({scenario:?})", tasks.len());

    let (done, pending) = match scenario {
        Wait::All => wait(&mut tasks, ReturnWhen::AllCompleted, None).await,
        Wait::FirstCompleted => wait(&mut tasks, ReturnWhen::FirstCompleted, None).await,
        Wait::FirstException => wait(&mut tasks, ReturnWhen::FirstException, None).await,
        Wait::Timeout => wait(&mut tasks, ReturnWhen::AllCompleted, Some(run.timeout())).await,
    };
    let done_names: Vec<String> = done.iter().map(|(job, _)| job_name(*job)).collect();
    let pending_names: Vec<String> = pending.iter().map(|&job| job_name(job)).collect();
    tracing::info!("wait returned: done {done_names:?}, pending {pending_names:?}");

    // `wait` leaves the pending tasks running; this program has no more use for them, so
    // it cancels them and waits until they have stopped.
    tracing::info!("cancelling {} pending tasks", pending.len());
    cancel(tasks).await;

    run.finish(|report| {
        for (job, result) in &done {
            report.received(*job, result);
        }
        report.pending = pending;
    })?;
    Ok(())
}
