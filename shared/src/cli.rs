//! The command line every example shares, and its validation.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::job::{Ending, Job};
use crate::log::EventLog;

/// The longest duration the command line accepts: a day. Anything longer is a typo, and
/// `Duration::from_secs_f64` would panic on values far beyond it.
pub const MAX_SECONDS: f64 = 86_400.0;

/// The most jobs `--tasks` accepts: enough for the benchmark's largest run.
pub const MAX_TASKS: usize = 10_000_000;

/// A pattern's scenarios: a `clap::ValueEnum` (its names are the `--scenario` values, the
/// first variant is the default) that knows the contract's defaults for each scenario.
///
/// The contract's patterns are in [`crate::scenarios`]; this is how one is declared:
///
/// ```
/// use shared::{Defaults, Scenario};
///
/// #[derive(Clone, Copy, Debug, clap::ValueEnum)]
/// enum GatherScenario {
///     Default,
///     Sequential,
/// }
///
/// impl Scenario for GatherScenario {
///     const PATTERN: &'static str = "gather";
///     const PYTHON: &'static str = "asyncio.gather";
///
///     fn defaults(self) -> Defaults {
///         Defaults::delays(&[2.0, 1.0, 3.0])
///     }
/// }
///
/// assert_eq!(GatherScenario::Sequential.name(), "sequential");
/// ```
pub trait Scenario: ValueEnum + Copy + Send + Sync + 'static {
    /// The pattern's name: its folder under `crates/` and its packages' prefix.
    const PATTERN: &'static str;
    /// The Python it mirrors, for `--help`.
    const PYTHON: &'static str;
    /// The shared flags beyond the jobs' own (`--delays`, `--tasks`, `--delay`, `--fail`,
    /// `--panic`, `--json`) that this pattern reads, e.g. `&["--timeout"]`. The others are
    /// hidden from its `--help` and refused on its command line, so that a flag never seems
    /// to work where nothing reads it.
    const FLAGS: &'static [&'static str] = &[];

    /// The contract's defaults for this scenario.
    fn defaults(self) -> Defaults;

    /// The scenario's name on the command line and in the report.
    fn name(self) -> String {
        self.to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    }
}

/// The jobs a scenario runs when the command line names none.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DefaultDelays {
    /// These delays, in seconds.
    List(&'static [f64]),
    /// `count` jobs of `seconds` each.
    Repeat {
        /// How many jobs.
        count: usize,
        /// Each job's delay, in seconds.
        seconds: f64,
    },
    /// `count` delays drawn uniformly from `[low, high)` seconds by a generator seeded with
    /// `--seed` (fastrand's, whose sequence is stable across versions and platforms).
    Uniform {
        /// How many jobs.
        count: usize,
        /// The shortest delay, in seconds.
        low: f64,
        /// The bound the delays stay below, in seconds.
        high: f64,
    },
}

/// A scenario's defaults, from the contract's table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Defaults {
    /// The jobs when neither `--delays` nor `--tasks` is given.
    pub delays: DefaultDelays,
    /// `--timeout` when it is not given, in seconds.
    pub timeout: f64,
    /// `--cleanup` when it is not given, in seconds.
    pub cleanup: f64,
}

impl Defaults {
    /// Jobs with these delays in seconds, and the default timeout of 3 s.
    pub const fn delays(delays: &'static [f64]) -> Self {
        Defaults {
            delays: DefaultDelays::List(delays),
            timeout: 3.0,
            cleanup: 0.1,
        }
    }

    /// `count` jobs of `seconds` each.
    pub const fn repeat(count: usize, seconds: f64) -> Self {
        Defaults {
            delays: DefaultDelays::Repeat { count, seconds },
            timeout: 3.0,
            cleanup: 0.1,
        }
    }

    /// `count` seeded delays uniform in `[low, high)` seconds.
    pub const fn uniform(count: usize, low: f64, high: f64) -> Self {
        Defaults {
            delays: DefaultDelays::Uniform { count, low, high },
            timeout: 3.0,
            cleanup: 0.1,
        }
    }

    /// The same defaults with another default `--timeout`, in seconds.
    #[must_use]
    pub const fn timeout(mut self, seconds: f64) -> Self {
        self.timeout = seconds;
        self
    }

    /// The same defaults with another default `--cleanup`, in seconds.
    #[must_use]
    pub const fn cleanup(mut self, seconds: f64) -> Self {
        self.cleanup = seconds;
        self
    }
}

/// The flags of the contract, as typed. Values stay text until [`Args::resolve`] checks
/// them, so that every bad value gets the same kind of one-line message.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Args {
    /// The jobs' delays in seconds, e.g. `2,1,3` (job i is the i-th delay).
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub delays: Option<String>,
    /// Run N jobs of `--delay` seconds each, instead of `--delays`.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub tasks: Option<String>,
    /// Each job's delay in seconds, with `--tasks`.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub delay: Option<String>,
    /// These jobs return an error instead of a result, e.g. `1,4`.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub fail: Option<String>,
    /// These jobs panic (a bug in the job) instead of returning.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub panic: Option<String>,
    /// Deadline in seconds, for the scenarios that have one.
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub timeout: Option<String>,
    /// When to cancel, in seconds (cancel-cleanup).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub cancel_after: Option<String>,
    /// How long the asynchronous cleanup takes, in seconds (cancel-cleanup, shutdown).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub cleanup: Option<String>,
    /// How long main's own work takes, in seconds (manual-await `background`).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub main_delay: Option<String>,
    /// Seed for the random delays (scraper).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub seed: Option<String>,
    /// Send this program a real SIGINT after S seconds, as a Ctrl-C would (shutdown; `0`:
    /// never, wait for a real Ctrl-C).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub interrupt_after: Option<String>,
    /// How long the cleanups may run after the signal before they are abandoned, in
    /// seconds (shutdown `grace`).
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    pub grace: Option<String>,
    /// These jobs block their thread inside their async task, e.g. `0,1` (blocking
    /// `blocked`; default job 0).
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub block: Option<String>,
    /// How many workers take the jobs from the queue (queue; default 3).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub workers: Option<String>,
    /// How many jobs the queue holds before the producer's put waits (queue `bounded`;
    /// default 1).
    #[arg(long, value_name = "K", allow_hyphen_values = true)]
    pub maxsize: Option<String>,
    /// Print the JSON report of the contract instead of the human output.
    #[arg(long)]
    pub json: bool,
}

/// The whole command line of an example: `--scenario`, the shared [`Args`], and the
/// example's own flags `X` ([`NoExtra`] for none).
#[derive(Clone, Debug, Parser)]
pub struct Cli<S: Scenario, X: clap::Args> {
    /// Which variant of the pattern to run (the first is the default).
    #[arg(long, value_name = "NAME", value_parser = clap::builder::EnumValueParser::<S>::new())]
    pub scenario: Option<S>,
    /// The flags every example shares.
    #[command(flatten)]
    pub args: Args,
    /// The flags of this example alone.
    #[command(flatten)]
    pub extra: X,
}

/// No flags beyond the shared ones.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct NoExtra {}

/// `--spread S`, the flag of the examples that run many jobs (as-completed): spreads the
/// delays of many equal jobs (`--tasks 200 --delay 0.5`) over S more seconds, so that they
/// complete in a mixed order. Flatten it into the example's own flags.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct Spread {
    /// Spread the delays over S more seconds: job i gets an extra S x frac(i x 0.618...),
    /// so that many equal jobs (`--tasks 200 --delay 0.5`) complete in a mixed order.
    #[arg(long = "spread", value_name = "S", default_value = "0")]
    #[arg(value_parser = check_seconds, allow_hyphen_values = true)]
    pub seconds: Duration,
}

impl Spread {
    /// Adds job i's share of the spread to its delay: S x frac(i x 0.618...), the golden
    /// ratio's sequence, which fills [0, S) evenly in a mixed order and is the same on every
    /// run and every runtime. In Python: `delay + spread * ((i * 0.6180339887498949) % 1)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use shared::{Config, EventLog, Spread};
    ///
    /// let jobs = Config::with_delays(&[1.0, 1.0]).jobs(&EventLog::disabled());
    /// let spread = Spread { seconds: Duration::from_secs(1) }.apply(jobs);
    /// assert_eq!(spread[0].delay(), Duration::from_secs(1));
    /// assert!(spread[1].delay() > Duration::from_millis(1600));
    /// ```
    pub fn apply(self, jobs: Vec<Job>) -> Vec<Job> {
        if self.seconds.is_zero() {
            return jobs;
        }
        jobs.into_iter()
            .map(|job| {
                let share = (job.id() as f64 * 0.618_033_988_749_894_9) % 1.0;
                let delay = job.delay() + self.seconds.mul_f64(share);
                Job::new(job.id(), delay, job.ending(), job.log().clone())
            })
            .collect()
    }
}

/// A bad value on the command line: the example prints it on one line and exits with 2.
///
/// The message is one line whatever was typed: a control character in the value (a newline
/// pasted into `--delays`) is shown escaped, as `\n`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid value '{}' for '{flag}': {reason}", one_line_value(value))]
pub struct UsageError {
    /// The flag, e.g. `--delays`.
    pub flag: &'static str,
    /// The value as typed.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

/// `value` with every character that would break the line or hide itself escaped
/// (`\n`, `\u{2028}`, `\u{200b}`), so that it prints on one line, as typed.
fn one_line_value(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if is_invisible(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Whether `c` breaks a line or shows nothing where it stands: control characters, every
/// white space but the plain space (line and paragraph separators among them), and the
/// Unicode format characters (zero-width spaces and joiners, direction marks and overrides,
/// the byte-order mark, tags).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{ad}'
                | '\u{600}'..='\u{605}'
                | '\u{61c}'
                | '\u{6dd}'
                | '\u{70f}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0001}'
                | '\u{e0020}'..='\u{e007f}'
        )
}

/// Refuses an argument that is not UTF-8 text, naming its flag, before clap sees it (clap's
/// own message names none). The bytes that are not text are shown as `\xFF`.
fn check_arguments_are_text() -> Result<(), String> {
    let mut previous: Option<String> = None;
    for arg in std::env::args_os().skip(1) {
        if let Some(text) = arg.to_str() {
            previous = Some(text.to_owned());
            continue;
        }
        let shown = escape_bytes(arg.as_encoded_bytes());
        // `--delays=0.1,\xFF` names its flag itself; `--delays 0.1,\xFF` in the argument
        // before it.
        let own = shown
            .strip_prefix("--")
            .and_then(|rest| rest.split_once('='))
            .map(|(name, value)| (format!("--{name}"), value.to_owned()));
        let (flag, value) = match (own, &previous) {
            (Some((flag, value)), _) => (flag, value),
            (None, Some(flag)) if flag.starts_with("--") && !flag.contains('=') => {
                (flag.clone(), shown)
            }
            (None, _) => ("an argument".to_owned(), shown),
        };
        let value = one_line_value(&value);
        return Err(format!(
            "invalid value '{value}' for '{flag}': not valid UTF-8 text"
        ));
    }
    Ok(())
}

/// The bytes as text, with each byte that is not part of valid UTF-8 shown as `\xFF`.
fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02X}");
        }
    }
    out
}

impl UsageError {
    fn new(flag: &'static str, value: &str, reason: impl Into<String>) -> Self {
        UsageError {
            flag,
            value: value.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Everything a scenario needs to know, checked: the jobs and the durations.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Job i sleeps `delays[i]`.
    pub delays: Vec<Duration>,
    /// The jobs that return an error, sorted.
    pub fail: Vec<usize>,
    /// The jobs that panic, sorted.
    pub panic: Vec<usize>,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--cancel-after` (default 1 s).
    pub cancel_after: Duration,
    /// `--cleanup` (default 0.1 s, or the scenario's).
    pub cleanup: Duration,
    /// `--interrupt-after` (default 1 s; zero: never).
    pub interrupt_after: Duration,
    /// `--grace` (default 0.2 s).
    pub grace: Duration,
    /// `--main-delay` (default 0.5 s).
    pub main_delay: Duration,
    /// `--seed` (default 42).
    pub seed: u64,
    /// The jobs that block their thread (`--block`, default job 0), sorted.
    pub block: Vec<usize>,
    /// How many workers take the jobs from the queue (`--workers`, default 3).
    pub workers: usize,
    /// How many jobs the bounded queue holds (`--maxsize`, default 1).
    pub maxsize: usize,
    /// `--json`.
    pub json: bool,
}

impl Config {
    /// A config with these delays in seconds and every other value at its default: handy
    /// in tests.
    ///
    /// # Panics
    ///
    /// If a delay is negative, not finite or over a day.
    pub fn with_delays(seconds: &[f64]) -> Self {
        Config {
            delays: seconds
                .iter()
                .map(|&s| Duration::from_secs_f64(s))
                .collect(),
            fail: Vec::new(),
            panic: Vec::new(),
            timeout: Duration::from_secs(3),
            cancel_after: Duration::from_secs(1),
            cleanup: Duration::from_millis(100),
            interrupt_after: Duration::from_secs(1),
            grace: Duration::from_millis(200),
            main_delay: Duration::from_millis(500),
            seed: 42,
            block: vec![0],
            workers: 3,
            maxsize: 1,
            json: false,
        }
    }

    /// The same config with these jobs failing (`--fail`).
    #[must_use]
    pub fn failing(mut self, jobs: &[usize]) -> Self {
        self.fail = jobs.to_vec();
        self.fail.sort_unstable();
        self
    }

    /// The same config with these jobs blocking their thread (`--block`).
    #[must_use]
    pub fn blocking(mut self, jobs: &[usize]) -> Self {
        self.block = jobs.to_vec();
        self.block.sort_unstable();
        self
    }

    /// Whether job `id` blocks its thread (`--block`).
    pub fn blocks(&self, id: usize) -> bool {
        self.block.binary_search(&id).is_ok()
    }

    /// The same config with these jobs panicking (`--panic`).
    #[must_use]
    pub fn panicking(mut self, jobs: &[usize]) -> Self {
        self.panic = jobs.to_vec();
        self.panic.sort_unstable();
        self
    }

    /// The jobs these delays, `--fail` and `--panic` describe, logging to `log`.
    ///
    /// ```
    /// use shared::{Config, Ending, EventLog};
    ///
    /// let jobs = Config::with_delays(&[2.0, 1.0, 3.0]).failing(&[1]).jobs(&EventLog::disabled());
    /// assert_eq!(jobs.len(), 3);
    /// assert_eq!(jobs[1].delay(), std::time::Duration::from_secs(1));
    /// ```
    pub fn jobs(&self, log: &EventLog) -> Vec<Job> {
        (0..self.delays.len())
            .map(|id| Job::new(id, self.delays[id], self.ending(id), log.clone()))
            .collect()
    }

    /// How job `id` ends when nothing cancels it.
    pub fn ending(&self, id: usize) -> Ending {
        // The lists are sorted (see `indices`), so that a million jobs with a million of
        // them failing cost a million binary searches, not a million scans.
        if self.panic.binary_search(&id).is_ok() {
            Ending::Panic
        } else if self.fail.binary_search(&id).is_ok() {
            Ending::Fail
        } else {
            Ending::Succeed
        }
    }
}

/// The shared flags that only some patterns read, by their clap id.
const OPTIONAL_FLAGS: &[(&str, &str)] = &[
    ("timeout", "--timeout"),
    ("cancel_after", "--cancel-after"),
    ("cleanup", "--cleanup"),
    ("main_delay", "--main-delay"),
    ("seed", "--seed"),
    ("block", "--block"),
    ("interrupt_after", "--interrupt-after"),
    ("grace", "--grace"),
    ("workers", "--workers"),
    ("maxsize", "--maxsize"),
];

impl Args {
    /// The optional flags given on the command line, with their values.
    fn optional_given(&self) -> [(&'static str, Option<&str>); 10] {
        [
            ("--timeout", self.timeout.as_deref()),
            ("--cancel-after", self.cancel_after.as_deref()),
            ("--cleanup", self.cleanup.as_deref()),
            ("--main-delay", self.main_delay.as_deref()),
            ("--seed", self.seed.as_deref()),
            ("--block", self.block.as_deref()),
            ("--interrupt-after", self.interrupt_after.as_deref()),
            ("--grace", self.grace.as_deref()),
            ("--workers", self.workers.as_deref()),
            ("--maxsize", self.maxsize.as_deref()),
        ]
    }

    /// Refuses a shared flag that `pattern`, which reads only `flags`, does not read.
    fn check_used(&self, pattern: &str, flags: &[&str]) -> Result<(), UsageError> {
        for (flag, value) in self.optional_given() {
            let Some(value) = value else { continue };
            if flags.contains(&flag) {
                continue;
            }
            let users: Vec<&str> = crate::scenarios::PATTERN_FLAGS
                .iter()
                .filter(|(_, flags)| flags.contains(&flag))
                .map(|(pattern, _)| *pattern)
                .collect();
            let reason = format!(
                "{pattern} does not use {flag} (the patterns that do: {})",
                users.join(", ")
            );
            return Err(UsageError::new(flag, value, reason));
        }
        Ok(())
    }

    /// Checks every value and fills in the scenario's defaults.
    pub fn resolve(&self, defaults: Defaults) -> Result<Config, UsageError> {
        let seed = match &self.seed {
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| UsageError::new("--seed", text, "not a whole number"))?,
            None => 42,
        };
        let delays = self.delays(defaults.delays, seed)?;
        let fail = indices("--fail", self.fail.as_deref(), delays.len())?;
        let panic = indices("--panic", self.panic.as_deref(), delays.len())?;
        let block = match self.block.as_deref() {
            Some(text) => indices("--block", Some(text), delays.len())?,
            None => vec![0],
        };
        if let Some(job) = fail.iter().find(|job| panic.binary_search(job).is_ok()) {
            let value = self.panic.as_deref().unwrap_or_default();
            let reason = format!("job {job} is in --fail too; a job can only end one way");
            return Err(UsageError::new("--panic", value, reason));
        }
        let duration = |flag, value: &Option<String>, default: f64| match value {
            Some(text) => seconds(flag, text),
            None => Ok(Duration::from_secs_f64(default)),
        };
        Ok(Config {
            delays,
            fail,
            panic,
            timeout: duration("--timeout", &self.timeout, defaults.timeout)?,
            cancel_after: duration("--cancel-after", &self.cancel_after, 1.0)?,
            cleanup: duration("--cleanup", &self.cleanup, defaults.cleanup)?,
            interrupt_after: duration("--interrupt-after", &self.interrupt_after, 1.0)?,
            grace: duration("--grace", &self.grace, 0.2)?,
            main_delay: duration("--main-delay", &self.main_delay, 0.5)?,
            seed,
            block,
            workers: count(
                "--workers",
                self.workers.as_deref(),
                3,
                "a queue needs at least one worker to take its jobs",
            )?,
            maxsize: count(
                "--maxsize",
                self.maxsize.as_deref(),
                1,
                "a bounded queue holds at least one job (asyncio's maxsize=0 means \
                 unbounded: that is --scenario workers)",
            )?,
            json: self.json,
        })
    }

    fn delays(&self, default: DefaultDelays, seed: u64) -> Result<Vec<Duration>, UsageError> {
        match (&self.delays, &self.tasks, &self.delay) {
            (Some(list), None, None) => {
                if list.trim().is_empty() {
                    return Err(UsageError::new("--delays", list, "the list is empty"));
                }
                list.split(',')
                    .map(check_seconds)
                    .collect::<Result<_, _>>()
                    .map_err(|reason| UsageError::new("--delays", list, reason))
            }
            (Some(list), _, _) => Err(UsageError::new(
                "--delays",
                list,
                "give either --delays or --tasks with --delay, not both",
            )),
            (None, Some(tasks), Some(delay)) => {
                let count = match tasks.trim().parse::<usize>() {
                    Ok(count) if (1..=MAX_TASKS).contains(&count) => count,
                    _ => {
                        let reason = format!("expected a whole number from 1 to {MAX_TASKS}");
                        return Err(UsageError::new("--tasks", tasks, reason));
                    }
                };
                Ok(vec![seconds("--delay", delay)?; count])
            }
            (None, Some(tasks), None) => Err(UsageError::new(
                "--tasks",
                tasks,
                "--tasks needs --delay S, the delay of each job",
            )),
            (None, None, Some(delay)) => Err(UsageError::new(
                "--delay",
                delay,
                "--delay needs --tasks N, the number of jobs",
            )),
            (None, None, None) => Ok(default_delays(default, seed)),
        }
    }
}

/// The default jobs of a scenario, drawing seeded delays where it has them.
fn default_delays(default: DefaultDelays, seed: u64) -> Vec<Duration> {
    match default {
        DefaultDelays::List(list) => list.iter().map(|&s| Duration::from_secs_f64(s)).collect(),
        DefaultDelays::Repeat { count, seconds } => {
            vec![Duration::from_secs_f64(seconds); count]
        }
        DefaultDelays::Uniform { count, low, high } => {
            let mut rng = fastrand::Rng::with_seed(seed);
            (0..count)
                .map(|_| Duration::from_secs_f64(low + rng.f64() * (high - low)))
                .collect()
        }
    }
}

/// Parses a duration in seconds, refusing what `Duration::from_secs_f64` would panic on
/// and what no scenario can mean.
fn seconds(flag: &'static str, text: &str) -> Result<Duration, UsageError> {
    check_seconds(text).map_err(|reason| UsageError::new(flag, text, reason))
}

/// Why `text` is not a usable number of seconds, or the duration it is.
fn check_seconds(text: &str) -> Result<Duration, String> {
    let Ok(value) = text.trim().parse::<f64>() else {
        return Err(format!("{text:?} is not a number of seconds"));
    };
    if value.is_nan() {
        Err(format!("{text:?} is not a number of seconds"))
    } else if value.is_infinite() {
        Err("a duration must be finite".to_owned())
    } else if value < 0.0 {
        Err("a duration must not be negative".to_owned())
    } else if value > MAX_SECONDS {
        Err("a duration must be at most a day (86400 seconds)".to_owned())
    } else {
        Ok(Duration::from_secs_f64(value))
    }
}

/// Parses a count such as `--workers 3`: a whole number from 1 to [`MAX_TASKS`] (a queue
/// never needs more workers, or more room, than it has jobs), `default` when not given;
/// `zero` says why 0 is refused.
fn count(
    flag: &'static str,
    text: Option<&str>,
    default: usize,
    zero: &str,
) -> Result<usize, UsageError> {
    let Some(text) = text else {
        return Ok(default);
    };
    match text.trim().parse::<usize>() {
        Ok(0) => Err(UsageError::new(flag, text, zero)),
        Ok(n) if n <= MAX_TASKS => Ok(n),
        _ => {
            let reason = format!("expected a whole number from 1 to {MAX_TASKS}");
            Err(UsageError::new(flag, text, reason))
        }
    }
}

/// Parses a list of job indices such as `1,4`, each naming one of `jobs` jobs.
fn indices(flag: &'static str, text: Option<&str>, jobs: usize) -> Result<Vec<usize>, UsageError> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    let mut list = Vec::new();
    for item in text.split(',') {
        let index: usize = item.trim().parse().map_err(|_| {
            let reason = format!("{item:?} is not a job number (expected a list such as 1,4)");
            UsageError::new(flag, text, reason)
        })?;
        if index >= jobs {
            let highest = jobs.saturating_sub(1);
            let reason = format!("there is no job {index} (the jobs are 0 to {highest})");
            return Err(UsageError::new(flag, text, reason));
        }
        list.push(index);
    }
    list.sort_unstable();
    list.dedup();
    Ok(list)
}

/// Parses the command line of an example whose scenarios are `S` and whose own flags are
/// `X`: the scenario, its checked [`Config`], and `X`.
///
/// On bad input it prints one line, `error: …` naming the flag and the value, and exits
/// with status 2 (`--help` prints the help and exits with 0). It never panics.
pub fn parse<S: Scenario, X: clap::Args + FromArgMatches>(
    name: String,
    about: String,
) -> (S, Config, X) {
    let check = check_arguments_are_text();
    let mut command = Cli::<S, X>::command()
        .name(name.clone())
        .bin_name(name)
        .about(about);
    for (id, flag) in OPTIONAL_FLAGS {
        if !S::FLAGS.contains(flag) {
            command = command.mut_arg(*id, |arg| arg.hide(true));
        }
    }
    if let Err(err) = check {
        usage_exit(&format!("error: {err}"));
    }
    let result = command
        .try_get_matches()
        .and_then(|matches| Cli::<S, X>::from_arg_matches(&matches));
    let cli = match result {
        Ok(cli) => cli,
        Err(err) if !err.use_stderr() => {
            // --help and --version are not errors: clap prints them and exits with 0.
            err.exit()
        }
        Err(err) => usage_exit(&one_line(&err.render().to_string())),
    };
    let scenario = cli.scenario.unwrap_or_else(first_variant);
    if let Err(err) = cli.args.check_used(S::PATTERN, S::FLAGS) {
        usage_exit(&format!("error: {err}"));
    }
    match cli.args.resolve(scenario.defaults()) {
        Ok(config) => (scenario, config, cli.extra),
        Err(err) => usage_exit(&format!("error: {err}")),
    }
}

/// The most worker threads a runtime may be asked for in the environment: far beyond any
/// machine's cores, far below what makes a runtime fail to start (smol aborts at 100 000).
pub const MAX_THREADS: usize = 1024;

/// Checks the runtime's thread-count variable (`SMOL_THREADS=0` hangs smol 2.0,
/// `TOKIO_WORKER_THREADS=0` panics inside tokio): unset, or a whole number from 1 to
/// [`MAX_THREADS`]; else one line naming the variable and the value, and exit status 2.
pub(crate) fn check_threads_variable(variable: &str) {
    let Some(value) = std::env::var_os(variable) else {
        return;
    };
    let text = value.to_string_lossy();
    match text.parse::<usize>() {
        Ok(threads) if (1..=MAX_THREADS).contains(&threads) => {}
        _ => usage_exit(&format!(
            "error: invalid value '{}' for the environment variable {variable}: expected a \
             whole number of threads from 1 to {MAX_THREADS}",
            one_line_value(&text)
        )),
    }
}

fn first_variant<S: Scenario>() -> S {
    // An enum with no variants could not be parsed from `--scenario` either; every example
    // has at least one scenario.
    *S::value_variants()
        .first()
        .expect("a pattern has at least one scenario")
}

/// Folds clap's multi-line message (error, tip, usage, "for more information") into one
/// line: the error and any hint about the value, without the usage banner.
fn one_line(rendered: &str) -> String {
    rendered
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty() && !line.starts_with("Usage:") && !line.starts_with("For more")
        })
        .map(one_line_value)
        .collect::<Vec<_>>()
        .join(" ")
}

fn usage_exit(message: &str) -> ! {
    // A usage error is status 2 even when stderr cannot be written (`2>/dev/full`).
    let _ = writeln!(std::io::stderr(), "{message}");
    std::process::exit(2)
}
