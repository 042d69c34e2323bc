//! One run of an example: its command line, its event log and its report.

use std::io::Write as _;
use std::time::Duration;

use crate::cli::{self, Config, NoExtra, Scenario};
use crate::job::Job;
use crate::log::{Clock, EventLog};
use crate::report::{Outcome, Report};

/// The runtimes the examples are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// tokio.
    Tokio,
    /// async-std (discontinued upstream; its maintainers point to smol).
    AsyncStd,
    /// smol.
    Smol,
}

impl Runtime {
    /// The contract's name: `tokio`, `async-std` or `smol`.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio",
            Runtime::AsyncStd => "async-std",
            Runtime::Smol => "smol",
        }
    }

    /// The environment variable that sets the runtime's number of worker threads, read
    /// when the runtime starts: `TOKIO_WORKER_THREADS`, `ASYNC_STD_THREAD_COUNT`,
    /// `SMOL_THREADS`.
    pub fn threads_variable(self) -> &'static str {
        match self {
            Runtime::Tokio => "TOKIO_WORKER_THREADS",
            Runtime::AsyncStd => "ASYNC_STD_THREAD_COUNT",
            Runtime::Smol => "SMOL_THREADS",
        }
    }
}

impl Runtime {
    /// The most threads the runtime's blocking pool (`spawn_blocking`, `unblock`) runs at
    /// once, as the runtime decides it when this process starts:
    ///
    /// - tokio: 512, `Builder::max_blocking_threads`' default (`#[tokio::main]` takes no
    ///   setting for it: build the runtime by hand to change it);
    /// - async-std and smol, which both use the `blocking` crate's pool: 500, or
    ///   `BLOCKING_MAX_THREADS` clamped to 1..=10 000 when it is a whole number (the crate's
    ///   own rule; `blocking::set_max_blocking_threads` changes it at run time).
    ///
    /// ```
    /// assert_eq!(shared::Runtime::Tokio.blocking_pool(), 512);
    /// ```
    pub fn blocking_pool(self) -> usize {
        match self {
            Runtime::Tokio => 512,
            Runtime::AsyncStd | Runtime::Smol => std::env::var("BLOCKING_MAX_THREADS")
                .ok()
                .and_then(|text| text.parse::<usize>().ok())
                .map_or(500, |threads| threads.clamp(1, 10_000)),
        }
    }
}

/// One run of a pattern: what the command line asked for, the log the jobs write to, and
/// the start of the clock.
///
/// ```
/// use shared::{Config, EventLog, Run, Runtime};
///
/// // An example gets its `Run` from `Run::from_args`; a test builds one directly.
/// let run = Run::new("gather", Runtime::Smol, "default", Config::with_delays(&[0.0]), std::time::Instant::now);
/// let jobs = run.jobs();
/// let result = futures::executor::block_on(jobs[0].clone().run(|_| async {}));
/// let mut report = run.report();
/// report.gathered(result.map(|value| vec![value]));
/// assert_eq!(report.results.len(), 1);
/// assert!(report.still_running().is_empty());
/// ```
#[derive(Debug)]
pub struct Run {
    pattern: &'static str,
    runtime: Runtime,
    scenario: String,
    config: Config,
    log: EventLog,
}

impl Run {
    /// Parses the command line (printing one line and exiting with 2 on bad input, a bad
    /// [`Runtime::threads_variable`] included: call it before the runtime starts), shows
    /// the human output's live lines unless `--json` is given, makes the simulated panics
    /// print one line ([`crate::quiet_job_panics`]), and starts the clock.
    ///
    /// `clock` is the runtime's clock (see [`Clock`]).
    pub fn from_args<S: Scenario>(runtime: Runtime, clock: Clock) -> (Self, S) {
        let (run, scenario, NoExtra {}) = Run::from_args_with(runtime, clock);
        (run, scenario)
    }

    /// Like [`Run::from_args`], for an example with flags of its own, `X`, which it
    /// declares with `#[derive(clap::Args)]`.
    pub fn from_args_with<S: Scenario, X: clap::Args + clap::FromArgMatches>(
        runtime: Runtime,
        clock: Clock,
    ) -> (Self, S, X) {
        let name = format!("{}-{}", S::PATTERN, runtime.as_str());
        let about = format!("{}, on {}", S::PYTHON, runtime.as_str());
        let (scenario, config, extra) = cli::parse::<S, X>(name, about);
        cli::check_threads_variable(runtime.threads_variable());
        let run = Run::new(S::PATTERN, runtime, &scenario.name(), config, clock);
        crate::quiet_job_panics();
        if !run.config.json {
            crate::trace::init(run.log.clone());
        }
        (run, scenario, extra)
    }

    /// A run of `scenario` with this config, starting its clock now.
    pub fn new(
        pattern: &'static str,
        runtime: Runtime,
        scenario: &str,
        config: Config,
        clock: Clock,
    ) -> Self {
        Run {
            pattern,
            runtime,
            scenario: scenario.to_owned(),
            config,
            log: EventLog::new(clock),
        }
    }

    /// The checked command line.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The log every job of this run writes to.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The jobs the command line describes.
    pub fn jobs(&self) -> Vec<Job> {
        self.config.jobs(&self.log)
    }

    /// `--timeout` (and the other durations are on [`Run::config`]).
    pub fn timeout(&self) -> Duration {
        self.config.timeout
    }

    /// An empty report (outcome `ok`) holding the elapsed time and every event so far: call
    /// it when the pattern has returned, then record what the caller received.
    pub fn report(&self) -> Report {
        Report {
            pattern: self.pattern.to_owned(),
            runtime: self.runtime.as_str().to_owned(),
            scenario: self.scenario.clone(),
            elapsed_ms: (self.log.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            outcome: Outcome::Ok,
            error: None,
            failed_jobs: Vec::new(),
            results: Vec::new(),
            pending: Vec::new(),
            events: self.log.events(),
            blocking_pool: None,
        }
    }

    /// Ends the run: takes the report now (see [`Run::report`]), lets `record` fill in
    /// what the caller received, and prints it.
    pub fn finish(&self, record: impl FnOnce(&mut Report)) -> std::io::Result<()> {
        let mut report = self.report();
        record(&mut report);
        self.print(&report)
    }

    /// Prints the report: the JSON object with `--json`, else the human summary. A job
    /// still running where none may be ([`Report::leaked`]) is flagged in the human summary,
    /// and with `--json` on stderr, since stdout holds the report alone.
    pub fn print(&self, report: &Report) -> std::io::Result<()> {
        let text = if self.config.json {
            if let Some(warning) = report.leak_warning() {
                // A report that cannot be flagged on stderr is still worth printing.
                let _ = writeln!(std::io::stderr(), "{warning}");
            }
            report.to_json()
        } else {
            report.to_human(self.config.delays.len())
        };
        crate::output::line(&text);
        Ok(())
    }
}
