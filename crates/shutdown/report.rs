//! What the three `shutdown` examples print around the pattern, the same on every runtime:
//! the first live line, and the report with, in the human output, the abandoned cleanups
//! and the exit status. Each runtime's `main.rs` includes this file.

use shared::{JobError, Run};
use std::process::ExitCode;
use std::time::Duration;

/// What the pattern's runner says happened (its `Stopped`, field for field), with the
/// signal named as the shared crate names it.
pub struct Stopped {
    /// The signal that stopped the jobs; `None` if every job ended before one came.
    pub signal: Option<shared::Signal>,
    /// The jobs that ended by themselves, with their results, in the order they ended.
    pub finished: Vec<(usize, Result<String, JobError>)>,
    /// The jobs that stopped when asked.
    pub interrupted: Vec<usize>,
    /// The jobs abandoned at the end of the grace period.
    pub abandoned: Vec<usize>,
}

/// Prints the report (and in the human output, the abandoned cleanups and the exit status),
/// and returns the exit status: the signal's if it interrupted a job, else 0.
pub fn print(run: &Run, stopped: Stopped, grace: Option<Duration>) -> anyhow::Result<ExitCode> {
    let Stopped {
        signal,
        finished,
        interrupted,
        abandoned,
    } = stopped;
    let mut pending: Vec<usize> = interrupted.into_iter().chain(abandoned.clone()).collect();
    pending.sort_unstable();
    // A signal that came when every job had ended interrupted nothing: the run ended by
    // itself, as if it had come a moment later.
    let signal = signal.filter(|_| !pending.is_empty());
    run.finish(|report| {
        for (job, result) in &finished {
            report.received(*job, result);
        }
        if signal.is_some() {
            report.interrupted(pending);
        }
    })?;
    let code = signal.map_or(0, shared::Signal::exit_code);
    if !run.config().json {
        if let (Some(grace), false) = (grace, abandoned.is_empty()) {
            let names = shared::names(&abandoned);
            shared::output::line(&format!(
                "Abandoned after the grace period of {grace:?}: {names}"
            ));
        }
        let why = signal.map_or(String::new(), |signal| format!(" ({})", signal.name()));
        shared::output::line(&format!("Exit status: {code}{why}"));
    }
    Ok(ExitCode::from(code))
}

/// The first live line: how many jobs, and what will stop them.
pub fn announce(jobs: usize, interrupt_after: Duration, grace: Option<Duration>) -> String {
    let jobs = shared::count(jobs);
    let signal = if interrupt_after.is_zero() {
        "waiting for Ctrl-C or SIGTERM".to_owned()
    } else {
        format!("a SIGINT of its own in {interrupt_after:?} (or press Ctrl-C)")
    };
    let grace = grace.map_or(String::new(), |grace| {
        format!("; cleanups abandoned {grace:?} after the signal")
    });
    format!("{jobs} jobs; {signal}{grace}")
}
