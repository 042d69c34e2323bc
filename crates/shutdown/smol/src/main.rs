//! `cargo run -p shutdown-smol`: the command line around the pattern in `lib.rs`, and the
//! cancel-cleanup pattern's job with a cleanup fed to it.

// The cancel-cleanup example's job with an async cleanup and a finally-step (its scenarios'
// own functions, `cleanup` and `abort`, are not used here).
#[allow(dead_code)]
#[path = "../../../cancel-cleanup/smol/src/job.rs"]
mod job;
// The first live line and the report, the same on every runtime.
#[path = "../../report.rs"]
mod report;

use shared::{Job, JobError, Run, Runtime, scenarios::Shutdown};
use shutdown_smol::{Signal, Stopped, run_until_signal, shutdown_signal};
use smol::channel::Receiver;
use smol::future::FutureExt as _;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

// smol has no `main` attribute: `smol::block_on` runs the async main on this thread, and
// the tasks it spawns run on smol's global executor.
fn main() -> anyhow::Result<ExitCode> {
    // smol's timer uses the standard clock.
    let (run, scenario) = Run::from_args::<Shutdown>(Runtime::Smol, Instant::now);
    smol::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: Shutdown) -> anyhow::Result<ExitCode> {
    // First the handler, then the work: from here on SIGINT and SIGTERM no longer kill the
    // process, they are ours to handle.
    let signal = shutdown_signal()?;
    let config = run.config();
    // A real SIGINT to this process, as Ctrl-C sends one (never, with `--interrupt-after 0`).
    shared::Signal::Interrupt.send_to_self_after(config.interrupt_after);
    let grace = (scenario == Shutdown::Grace).then_some(config.grace);
    let jobs = run.jobs();
    tracing::info!(
        "{}",
        report::announce(jobs.len(), config.interrupt_after, grace)
    );

    // How many jobs are still running, for the line that announces the signal.
    let running = Arc::new(AtomicUsize::new(jobs.len()));
    let cleanup = config.cleanup;
    let jobs = jobs.into_iter().map(|job| {
        let running = Arc::clone(&running);
        move |stop: Receiver<()>| {
            let stopped = async move {
                let _ = stop.recv().await;
            };
            cleaned_up(job, stopped, cleanup, running)
        }
    });
    let signal = async {
        let signal = to_shared(signal.await);
        let left = shared::count(running.load(Relaxed));
        tracing::info!("{}: asking {left} jobs to stop", signal.name());
        signal
    };
    let Stopped {
        signal,
        finished,
        interrupted,
        abandoned,
    } = run_until_signal(jobs, signal, grace).await;
    let stopped = report::Stopped {
        signal,
        finished,
        interrupted,
        abandoned,
    };
    report::print(run, stopped, grace)
}

/// The job with a cleanup (`job.rs`), as the pattern takes it: `Some(result)` if it ended
/// by itself, with its panic (`--panic`) caught and returned as its error, so that the report
/// shows it like a failure (`--fail`); `None` if `stop` came first and it cleaned up.
async fn cleaned_up(
    job: Job,
    stop: impl Future,
    cleanup: Duration,
    running: Arc<AtomicUsize>,
) -> job::Cancelled {
    let id = job.id();
    // Nothing outlives the job but its log, which records whole events: unwind safe.
    let ended = AssertUnwindSafe(job::job_with_cleanup(job, stop, cleanup))
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))));
    if ended.is_some() {
        running.fetch_sub(1, Relaxed);
    }
    ended
}

/// The shared crate's name for the signal, which knows its name and exit status.
fn to_shared(signal: Signal) -> shared::Signal {
    match signal {
        Signal::Interrupt => shared::Signal::Interrupt,
        Signal::Terminate => shared::Signal::Terminate,
    }
}
