//! What every async-rosetta example shares, so that each example can hold only its pattern:
//! the simulated job, the command line, the event log and the report.
//!
//! The crate never picks an async runtime. A [`Job`] sleeps with whatever sleep function
//! the example hands it (`tokio::time::sleep`, `async_std::task::sleep`,
//! `smol::Timer::after`), and the [`EventLog`] reads whatever clock it is given, so the
//! same jobs run, and are timed, on every runtime.
//!
//! An example's `main` follows the same four steps on every runtime:
//!
//! ```
//! use shared::{Run, Runtime, scenarios::Gather};
//!
//! # fn main() -> std::io::Result<()> {
//! // 1. Parse the command line; bad input exits with status 2 and a one-line message.
//! # let config = shared::Config::with_delays(&[0.02, 0.01, 0.03]);
//! # let run = Run::new("gather", Runtime::Smol, "default", config, std::time::Instant::now);
//! // let (run, scenario) = Run::from_args::<Gather>(Runtime::Smol, Instant::now);
//! // 2. Run the pattern on the jobs, with the runtime's own sleep.
//! let sleep = |d| async move { std::thread::sleep(d) };
//! let jobs = run.jobs().into_iter().map(|job| job.run(sleep));
//! let results = futures::executor::block_on(futures::future::try_join_all(jobs));
//! // 3. Report what the caller received.
//! let mut report = run.report();
//! report.gathered(results);
//! // 4. Print it: the human summary, or the contract's JSON with `--json`.
//! run.print(&report)?;
//! # assert_eq!(report.results.len(), 3);
//! # Ok(())
//! # }
//! ```
//!
//! The contract these examples keep (scenarios, flags, the JSON report) is restated in the
//! workspace's `docs/contract.md`.

mod cli;
mod job;
mod log;
pub mod output;
pub mod progress;
mod report;
mod run;
pub mod scenarios;
mod signal;
#[cfg(feature = "proptest")]
pub mod strategies;
mod trace;

pub use cli::{
    Args, Cli, Config, DefaultDelays, Defaults, MAX_SECONDS, MAX_TASKS, MAX_THREADS, NoExtra,
    Scenario, Spread, UsageError, parse,
};
pub use job::{
    Ending, Gate, Job, JobError, Opener, gate, gates, quiet_job_panics, silence_job_panics,
};
pub use log::{Clock, Event, EventKind, EventLog};
pub use report::{JobState, Outcome, Received, Report, SHOWN, Value, count, grouped, names};
pub use run::{Run, Runtime};
pub use signal::Signal;

/// The tutorials' name for job `i`: `A`, `B`, … `Z`, then `AA`, `AB`, … like spreadsheet
/// columns, so that every job has a short, distinct name.
///
/// ```
/// assert_eq!(shared::job_name(0), "A");
/// assert_eq!(shared::job_name(2), "C");
/// assert_eq!(shared::job_name(26), "AA");
/// ```
pub fn job_name(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        n -= 1;
        name.push(b'A' + u8::try_from(n % 26).unwrap_or(0));
        n /= 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}
