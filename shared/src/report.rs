//! The report: the contract's `--json` object, and the human summary.

use std::fmt::Write as _;

/// How many received lines, and job names per group, the human summary shows.
pub const SHOWN: usize = 20;

use serde::{Deserialize, Serialize};

use crate::job::JobError;
use crate::log::{Event, EventKind};

/// How the scenario ended, as the caller saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The pattern returned normally (for `wait`, even with failed jobs in `done`).
    Ok,
    /// A job's error reached the caller as an error.
    Error,
    /// A deadline passed first.
    Timeout,
    /// The caller observed that the work was cancelled.
    Cancelled,
    /// A signal (Ctrl-C's SIGINT, or SIGTERM) interrupted the run: every job still running
    /// was asked to stop (the `shutdown` pattern).
    Interrupted,
}

/// What the caller received from one job: its result or its error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// The job.
    pub job: usize,
    /// `{"ok": "job 0 result"}` or `{"err": "job 1 failed"}`.
    #[serde(flatten)]
    pub value: Value,
}

/// A received result or error, serialized as `"ok"` or `"err"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    /// The job's result.
    Ok(String),
    /// The job's error message.
    Err(String),
}

impl From<&Result<String, JobError>> for Value {
    /// A job's result, or its error's message.
    fn from(result: &Result<String, JobError>) -> Self {
        match result {
            Ok(value) => Value::Ok(value.clone()),
            Err(err) => Value::Err(err.to_string()),
        }
    }
}

/// Where one job stands when the report is taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    /// The job has no events: it never started.
    NeverStarted,
    /// The job started and has no terminal event yet.
    Running,
    /// The job's final state: its last `finished`, `failed`, `panicked` or `cancelled`.
    Ended(EventKind),
}

impl JobState {
    /// The human wording: `finished`, `cancelled`, `still running`, `never started`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::NeverStarted => "never started",
            JobState::Running => "still running",
            JobState::Ended(event) => event.as_str(),
        }
    }
}

/// The report of one run, field for field the contract's `--json` object.
///
/// An example fills in what its caller received ([`Report::received`],
/// [`Report::raised`], …); the events and the elapsed time come from the [`crate::Run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The pattern, e.g. `gather`.
    pub pattern: String,
    /// `tokio`, `async-std`, `smol` (or `asyncio` for the Python reference).
    pub runtime: String,
    /// The scenario's name.
    pub scenario: String,
    /// Milliseconds from the start of the pattern until it returned.
    pub elapsed_ms: f64,
    /// How the scenario ended.
    pub outcome: Outcome,
    /// The error the caller received, if any.
    pub error: Option<String>,
    /// The jobs whose error the caller received as an error (not as a value).
    pub failed_jobs: Vec<usize>,
    /// What the caller received, in the order it received it.
    pub results: Vec<Received>,
    /// The jobs that were still pending when the pattern returned.
    pub pending: Vec<usize>,
    /// Every job event, in time order.
    pub events: Vec<Event>,
    /// The most threads the runtime's blocking pool runs at once, in the reports of the
    /// `blocking` pattern (CPython: its default executor's `max_workers`); absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking_pool: Option<usize>,
}

impl Report {
    /// Records a result or error that the caller received as a value.
    pub fn received(&mut self, job: usize, result: &Result<String, JobError>) {
        let value = Value::from(result);
        self.results.push(Received { job, value });
    }

    /// Records an error that reached the caller as an error: outcome `error`.
    pub fn raised(&mut self, err: &JobError) {
        self.outcome = Outcome::Error;
        self.error = Some(err.to_string());
        self.failed_jobs.push(err.job());
    }

    /// Records that a deadline passed first: outcome `timeout` (`error` stays `null`).
    pub fn timed_out(&mut self) {
        self.outcome = Outcome::Timeout;
    }

    /// Records that the caller observed the work's cancellation: outcome `cancelled`.
    pub fn cancelled(&mut self) {
        self.outcome = Outcome::Cancelled;
    }

    /// Records that a signal interrupted the run: outcome `interrupted`, with the jobs it
    /// interrupted as `pending`.
    pub fn interrupted(&mut self, jobs: impl IntoIterator<Item = usize>) {
        self.outcome = Outcome::Interrupted;
        self.pending.extend(jobs);
    }

    /// Records what a gather-like call returned: on success, every value in input order
    /// (job i is the i-th value); on failure, the error that ended it.
    pub fn gathered(&mut self, result: Result<Vec<String>, JobError>) {
        match result {
            Ok(values) => {
                for (job, value) in values.into_iter().enumerate() {
                    self.received(job, &Ok(value));
                }
            }
            Err(err) => self.raised(&err),
        }
    }

    /// Records results and errors received as values, in input order (job i is the i-th),
    /// as `gather(..., return_exceptions=True)` returns them.
    pub fn received_in_order(&mut self, results: Vec<Result<String, JobError>>) {
        for (job, result) in results.into_iter().enumerate() {
            self.received(job, &result);
        }
    }

    /// Where each of jobs `0..jobs` stands, in job order, read in one pass over the events
    /// (so that a report of a million jobs costs a million steps, not a million squared).
    ///
    /// ```
    /// use shared::{Config, EventKind, JobState, Run, Runtime};
    ///
    /// let run = Run::new("gather", Runtime::Smol, "default", Config::with_delays(&[1.0; 3]), std::time::Instant::now);
    /// run.log().record(0, EventKind::Started);
    /// run.log().record(1, EventKind::Started);
    /// run.log().record(1, EventKind::Cancelled);
    /// let states = run.report().states(3);
    /// assert_eq!(states, [JobState::Running, JobState::Ended(EventKind::Cancelled), JobState::NeverStarted]);
    /// ```
    pub fn states(&self, jobs: usize) -> Vec<JobState> {
        let mut states = vec![JobState::NeverStarted; jobs];
        for event in &self.events {
            let Some(state) = states.get_mut(event.job) else {
                continue;
            };
            if event.event == EventKind::Started {
                *state = JobState::Running;
            } else if event.event.is_terminal() {
                *state = JobState::Ended(event.event);
            }
        }
        states
    }

    /// One job's final state: its last terminal event, or `None` if it never started or is
    /// still running. It scans every event: for many jobs, use [`Report::states`].
    pub fn final_state(&self, job: usize) -> Option<EventKind> {
        self.events
            .iter()
            .rev()
            .find(|e| e.job == job && e.event.is_terminal())
            .map(|e| e.event)
    }

    /// The jobs that started and never ended: in every scenario but `forgotten`, a bug.
    pub fn still_running(&self) -> Vec<usize> {
        crate::log::running(&self.events)
    }

    /// The jobs still running where none may be: a leak, a bug in the example. Every
    /// scenario but manual-await's `forgotten` (whose point is a task left running) waits
    /// until each job has ended, by itself or cancelled, before it reports; the human output
    /// and `--json`'s stderr flag any job that has not.
    ///
    /// ```
    /// use shared::{Config, EventKind, Run, Runtime};
    ///
    /// let run = Run::new("gather", Runtime::Smol, "default", Config::with_delays(&[1.0]), std::time::Instant::now);
    /// run.log().record(0, EventKind::Started);
    /// assert_eq!(run.report().leaked(), [0]);
    /// run.log().record(0, EventKind::Cancelled);
    /// assert!(run.report().leaked().is_empty());
    /// ```
    pub fn leaked(&self) -> Vec<usize> {
        use crate::cli::Scenario as _;
        use crate::scenarios::ManualAwait;
        if self.pattern == ManualAwait::PATTERN && self.scenario == ManualAwait::Forgotten.name() {
            return Vec::new();
        }
        self.still_running()
    }

    /// The one-line warning about [`Report::leaked`] jobs, if there are any.
    pub fn leak_warning(&self) -> Option<String> {
        let leaked = self.leaked();
        if leaked.is_empty() {
            return None;
        }
        let names: Vec<String> = leaked.iter().map(|&job| crate::job_name(job)).collect();
        Some(format!(
            "Bug: jobs {leaked:?} ({}) still running when reported: every job must have ended \
             (finished, failed, panicked or cancelled) before the report",
            names.join(", ")
        ))
    }

    /// The report as the contract's JSON object.
    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and lists always serializes.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The human summary printed after the run's own lines. However many jobs there are,
    /// it stays short enough to read: at most [`SHOWN`] received lines, and the final
    /// states grouped (`finished: 19 998 jobs; cancelled: B, D`).
    pub fn to_human(&self, jobs: usize) -> String {
        let mut out = String::new();
        let name = |job: usize| format!("Task {} (job {job})", crate::job_name(job));
        let _ = writeln!(out, "\nReceived, in the order the caller got them:");
        if self.results.is_empty() {
            let _ = writeln!(out, "  (nothing)");
        }
        for received in self.results.iter().take(SHOWN) {
            let _ = match &received.value {
                Value::Ok(value) => writeln!(out, "  {}: {value:?}", name(received.job)),
                Value::Err(err) => writeln!(out, "  {}: error: {err}", name(received.job)),
            };
        }
        if self.results.len() > SHOWN {
            let more = self.results.len() - SHOWN;
            let errors = self.results[SHOWN..]
                .iter()
                .filter(|r| matches!(r.value, Value::Err(_)))
                .count();
            let _ = writeln!(
                out,
                "  ... and {} more ({} errors)",
                count(more),
                count(errors)
            );
        }
        if self.pending.len() > SHOWN {
            let _ = writeln!(out, "Pending: {}", names(&self.pending));
        } else if !self.pending.is_empty() {
            let pending: Vec<String> = self.pending.iter().map(|&job| name(job)).collect();
            let _ = writeln!(out, "Pending: {}", pending.join(", "));
        }
        let _ = writeln!(out, "Final states: {}", grouped_states(&self.states(jobs)));
        let outcome = match (&self.outcome, &self.error) {
            (Outcome::Ok, _) => "ok".to_owned(),
            (Outcome::Error, Some(err)) => format!("error: {err}"),
            (Outcome::Error, None) => "error".to_owned(),
            (Outcome::Timeout, _) => "timeout".to_owned(),
            (Outcome::Cancelled, _) => "cancelled".to_owned(),
            (Outcome::Interrupted, _) => "interrupted".to_owned(),
        };
        let _ = writeln!(out, "Outcome: {outcome}");
        if let Some(warning) = self.leak_warning() {
            let _ = writeln!(out, "{warning}");
        }
        if let Some(threads) = self.blocking_pool {
            let _ = writeln!(out, "Blocking pool: up to {} threads", count(threads));
        }
        let _ = write!(out, "Time: {:.2}s", self.elapsed_ms / 1000.0);
        out
    }
}

/// The jobs' short names, `A, C, AB`, or for more than [`SHOWN`] jobs their count and the
/// first few: `1 000 000 jobs (A, B, C, ...)`.
///
/// ```
/// assert_eq!(shared::names(&[0, 2, 27]), "A, C, AB");
/// assert_eq!(shared::names(&(0..1000).collect::<Vec<_>>()), "1 000 jobs (A, B, C, ...)");
/// ```
pub fn names(jobs: &[usize]) -> String {
    let shown: Vec<String> = jobs
        .iter()
        .take(SHOWN)
        .map(|&j| crate::job_name(j))
        .collect();
    if jobs.len() <= SHOWN {
        shown.join(", ")
    } else {
        format!(
            "{} jobs ({}, ...)",
            count(jobs.len()),
            shown[..3].join(", ")
        )
    }
}

/// The final states, one group per state in job order: `A finished, B cancelled` for a
/// few jobs; `finished: 19 998 jobs (A, C, E, ...); cancelled: B, D` for many.
fn grouped_states(states: &[JobState]) -> String {
    if states.len() <= SHOWN {
        let each: Vec<String> = states
            .iter()
            .enumerate()
            .map(|(job, state)| format!("{} {}", crate::job_name(job), state.as_str()))
            .collect();
        return each.join(", ");
    }
    let groups = group_by(states.iter().copied().enumerate());
    let each: Vec<String> = groups
        .iter()
        .map(|(state, jobs)| format!("{}: {}", state.as_str(), names(jobs)))
        .collect();
    each.join("; ")
}

/// One line per fate, in the order each first appears: `  A, C: <fate>`, or for many jobs
/// their count and the first few names ([`names`]), so that a million jobs still make a
/// short report.
///
/// ```
/// let fates = [(0, "finished"), (1, "cancelled"), (2, "finished")];
/// assert_eq!(shared::grouped(fates.into_iter()), "  A, C: finished\n  B: cancelled");
/// ```
pub fn grouped<'a>(fates: impl Iterator<Item = (usize, &'a str)>) -> String {
    let groups = group_by(fates);
    let lines: Vec<String> = groups
        .iter()
        .map(|(fate, jobs)| format!("  {}: {fate}", names(jobs)))
        .collect();
    lines.join("\n")
}

/// The jobs grouped by their key, each group in job order, the groups in the order their key
/// first appears. There are a handful of keys at most (states, fates), so finding a job's
/// group is a step, not a scan of the jobs.
fn group_by<K: PartialEq>(keyed: impl Iterator<Item = (usize, K)>) -> Vec<(K, Vec<usize>)> {
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (job, key) in keyed {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, jobs)) => jobs.push(job),
            None => groups.push((key, vec![job])),
        }
    }
    groups
}

/// A count with groups of three digits, as a person reads it: `1 000 000`.
///
/// ```
/// assert_eq!(shared::count(1_234_567), "1 234 567");
/// ```
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}
