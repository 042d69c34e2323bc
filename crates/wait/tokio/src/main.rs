//! `cargo run -p wait-tokio`: the command line around the pattern in `lib.rs`.

use shared::{Run, Runtime, job_name, scenarios::Wait};
use wait_tokio::{ReturnWhen, cancel, spawn_all, wait};

// `#[tokio::main]` builds a multi-threaded runtime (one worker thread per core), runs
// `main` on it, and shuts it down when `main` returns.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Read the times on tokio's clock, the one its timer uses.
    let (run, scenario) =
        Run::from_args::<Wait>(Runtime::Tokio, || tokio::time::Instant::now().into_std());
    let mut tasks = spawn_all(run.jobs());
    tracing::info!("waiting on {} tasks ({scenario:?})", tasks.jobs.len());

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
