//! Puts the runtimes side by side: runs one scenario of the contract on the tokio,
//! async-std and smol binaries and on CPython's asyncio (`scripts/python/reference.py`),
//! with identical arguments, and compares their `--json` reports.
//!
//! ```text
//! cargo run -p compare -- gather --delays 2,1,3 --fail 1
//! cargo run -p compare -- wait --scenario first-completed --delays 0.3,0.1,0.2 --svg wait.svg
//! cargo run -p compare -- --all          # every pattern and scenario: docs/comparison.md
//! ```
//!
//! The comparison looks at what the contract fixes (outcome, error, results in the order
//! received, pending jobs, each job's final state) and shows what legitimately differs
//! (elapsed time, and its overhead over the ideal) without judging it. A difference that a
//! runtime is documented to make (see [`explain`]) is marked and explained; any other is
//! marked as unexplained: a bug in an example or in the reference.

use std::path::PathBuf;
use std::process::Command;

use contract::Fingerprint;
use shared::{Config, EventKind, Received, Report, Value};

pub mod all;
pub mod table;
pub mod timeline;

/// The columns of a comparison, in the order they are printed.
pub const COLUMNS: [&str; 4] = ["tokio", "async-std", "smol", "asyncio"];

/// One scenario to compare: a pattern, a scenario and the jobs' arguments.
#[derive(Clone, Debug)]
pub struct Case {
    /// The pattern, e.g. `gather`.
    pub pattern: String,
    /// The scenario (the pattern's first when the arguments name none).
    pub scenario: String,
    /// The arguments handed to every program (with `--scenario`, without `--json`).
    pub args: Vec<String>,
    /// The jobs and durations these arguments mean, with the scenario's defaults.
    pub config: Config,
}

impl Case {
    /// Reads a pattern and the contract's arguments (`--scenario`, `--delays`, …).
    ///
    /// Only the flags that shape the jobs are read here; the programs themselves check
    /// every flag, and a flag one runtime alone knows makes the others fail visibly.
    pub fn parse(pattern: &str, args: &[String]) -> Result<Case, String> {
        let scenarios = contract::scenarios(pattern);
        if scenarios.is_empty() {
            let known: Vec<String> = contract::examples()
                .into_iter()
                .map(|(p, _)| p)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            return Err(format!(
                "unknown pattern {pattern:?}; the patterns are: {}",
                known.join(", ")
            ));
        }
        let mut parsed = shared::Args::default();
        let mut scenario = None;
        let mut rest = args.iter();
        while let Some(arg) = rest.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            let slot = match flag {
                "--scenario" => &mut scenario,
                "--delays" => &mut parsed.delays,
                "--tasks" => &mut parsed.tasks,
                "--delay" => &mut parsed.delay,
                "--fail" => &mut parsed.fail,
                "--panic" => &mut parsed.panic,
                "--timeout" => &mut parsed.timeout,
                "--cancel-after" => &mut parsed.cancel_after,
                "--cleanup" => &mut parsed.cleanup,
                "--main-delay" => &mut parsed.main_delay,
                "--seed" => &mut parsed.seed,
                "--block" => &mut parsed.block,
                "--interrupt-after" => &mut parsed.interrupt_after,
                "--grace" => &mut parsed.grace,
                "--workers" => &mut parsed.workers,
                "--maxsize" => &mut parsed.maxsize,
                "--json" => return Err("--json is added by the runner itself".to_owned()),
                _ => continue,
            };
            let value = inline.or_else(|| rest.next().cloned());
            *slot = Some(value.ok_or_else(|| format!("{flag} needs a value"))?);
        }
        let scenario = scenario.unwrap_or_else(|| scenarios[0].clone());
        if !scenarios.contains(&scenario) {
            return Err(format!(
                "{pattern} has no scenario {scenario:?}; its scenarios are: {}",
                scenarios.join(", ")
            ));
        }
        let defaults = defaults(pattern, &scenario).ok_or("no defaults")?;
        let config = parsed
            .resolve(defaults)
            .map_err(|err| format!("error: {err}"))?;
        let mut full = vec!["--scenario".to_owned(), scenario.clone()];
        let mut skip = false;
        for (i, arg) in args.iter().enumerate() {
            if skip {
                skip = false;
                continue;
            }
            if arg == "--scenario" {
                skip = true;
            } else if !arg.starts_with("--scenario=") {
                full.push(args[i].clone());
            }
        }
        Ok(Case {
            pattern: pattern.to_owned(),
            scenario,
            args: full,
            config,
        })
    }

    /// The jobs' delays in seconds.
    pub fn delays(&self) -> Vec<f64> {
        self.config
            .delays
            .iter()
            .map(std::time::Duration::as_secs_f64)
            .collect()
    }

    /// `gather --scenario default --delays 2,1,3 --fail 1`.
    pub fn title(&self) -> String {
        format!("{} {}", self.pattern, self.args.join(" "))
    }

    /// Whether the jobs run one after another, so that the ideal time is a sum.
    pub fn sequential(&self) -> bool {
        matches!(
            (self.pattern.as_str(), self.scenario.as_str()),
            ("gather", "sequential") | ("timeout", "scope")
        )
    }

    /// How many jobs the scenario hands to the runtime's blocking pool: every job in
    /// blocking's `to-thread`, job 0 in its `timeout`, none elsewhere (`blocked` blocks the
    /// executor's own threads).
    pub fn pooled_jobs(&self) -> usize {
        let jobs = self.config.delays.len();
        match (self.pattern.as_str(), self.scenario.as_str()) {
            ("blocking", "to-thread") => jobs,
            ("blocking", "timeout") => jobs.min(1),
            _ => 0,
        }
    }

    /// A `queue` case as the oracle sees it: the jobs, the workers, the room in the queue.
    /// `None` for the other patterns.
    pub fn queue(&self) -> Option<contract::oracle::Queue> {
        if self.pattern != "queue" {
            return None;
        }
        Some(contract::oracle::Queue {
            scenario: if self.scenario == "bounded" {
                "bounded"
            } else {
                "workers"
            },
            jobs: contract::oracle::Jobs {
                delays: self.delays(),
                fail: self.config.fail.clone(),
                panic: self.config.panic.clone(),
            },
            workers: self.config.workers,
            maxsize: self.config.maxsize,
        })
    }

    /// Whether `shutdown`'s signal interrupts a job: it comes (`--interrupt-after` is not
    /// zero) before the longest delay is over. Always false in the other patterns.
    pub fn interrupted(&self) -> bool {
        let after = self.config.interrupt_after.as_secs_f64();
        self.pattern == "shutdown" && after > 0.0 && self.delays().iter().any(|&d| d > after)
    }

    /// The time the scenario would take with no overhead at all, in milliseconds: the
    /// longest delay for concurrent work, the sum for sequential work, cut short where a
    /// failure, a deadline or a cancellation ends the scenario first; in `shutdown`, the
    /// signal, then the cleanups (in `grace`, at most the grace period); in `queue`, when
    /// the last job ends in the schedule where the first free worker takes the next job
    /// ([`contract::oracle::Queue::schedule`]). Blocking work is taken to have a thread per
    /// job, and a blocked thread to stall nothing: what is over that ideal shows a pool too
    /// small for the jobs, or the stall of `blocked`.
    pub fn ideal_ms(&self) -> f64 {
        let d = self.delays();
        let c = &self.config;
        let secs = |x: std::time::Duration| x.as_secs_f64();
        // The lists are sorted: a binary search each keeps a million jobs linear.
        let failing =
            |i: &usize| c.fail.binary_search(i).is_ok() || c.panic.binary_search(i).is_ok();
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
        let first_failing_delay = (0..d.len())
            .filter(failing)
            .map(|i| d[i])
            .fold(f64::INFINITY, f64::min);
        let first_failing_index = (0..d.len()).find(failing);
        let up_to = |k: Option<usize>| k.map_or(d.len(), |k| k + 1);
        let seconds = match (self.pattern.as_str(), self.scenario.as_str()) {
            ("gather", "sequential") => d[..up_to(first_failing_index)].iter().sum(),
            ("timeout", "scope") => f64::min(
                d[..up_to(first_failing_index)].iter().sum(),
                secs(c.timeout),
            ),
            ("gather" | "task-group", "default")
            | ("wait", "first-exception")
            | ("blocking", "to-thread" | "blocked") => f64::min(max(&d), first_failing_delay),
            ("timeout", "gather") => {
                f64::min(f64::min(max(&d), first_failing_delay), secs(c.timeout))
            }
            ("manual-await", "forgotten") => secs(c.main_delay),
            ("manual-await", scenario) => {
                let awaited = max(&d[..up_to(first_failing_index)]);
                if scenario == "background" {
                    f64::max(awaited, secs(c.main_delay))
                } else {
                    awaited
                }
            }
            ("wait", "first-completed") => min(&d),
            ("wait", "timeout") | ("scraper", _) => f64::min(max(&d), secs(c.timeout)),
            // The caller's answer: blocking work that runs on past the deadline is not waited
            // for by the caller (the program waits for it before it reports).
            ("timeout", "wait-for") | ("blocking", "timeout") => f64::min(d[0], secs(c.timeout)),
            ("shutdown", scenario) if self.interrupted() => {
                let cleanups = match scenario {
                    "grace" => f64::min(secs(c.cleanup), secs(c.grace)),
                    _ => secs(c.cleanup),
                };
                secs(c.interrupt_after) + cleanups
            }
            ("cancel-cleanup", scenario) => {
                let cancelled = d[0] > secs(c.cancel_after);
                match scenario {
                    "cleanup" if cancelled => secs(c.cancel_after) + secs(c.cleanup),
                    _ => f64::min(d[0], secs(c.cancel_after)),
                }
            }
            ("queue", _) => self.queue().map_or(0.0, |queue| secs(queue.elapsed())),
            _ => max(&d),
        };
        seconds * 1000.0
    }
}

/// The contract's defaults of one scenario of one pattern.
fn defaults(pattern: &str, scenario: &str) -> Option<shared::Defaults> {
    use shared::Scenario;
    use shared::scenarios::{
        AsCompleted, Blocking, CancelCleanup, Gather, ManualAwait, Queue, Scraper, Shutdown,
        TaskGroup, Timeout, Wait,
    };
    fn find<S: Scenario>(name: &str) -> Option<shared::Defaults> {
        S::value_variants()
            .iter()
            .find(|s| s.name() == name)
            .map(|s| s.defaults())
    }
    match pattern {
        ManualAwait::PATTERN => find::<ManualAwait>(scenario),
        TaskGroup::PATTERN => find::<TaskGroup>(scenario),
        Gather::PATTERN => find::<Gather>(scenario),
        Wait::PATTERN => find::<Wait>(scenario),
        AsCompleted::PATTERN => find::<AsCompleted>(scenario),
        Timeout::PATTERN => find::<Timeout>(scenario),
        CancelCleanup::PATTERN => find::<CancelCleanup>(scenario),
        Scraper::PATTERN => find::<Scraper>(scenario),
        Blocking::PATTERN => find::<Blocking>(scenario),
        Shutdown::PATTERN => find::<Shutdown>(scenario),
        Queue::PATTERN => find::<Queue>(scenario),
        _ => None,
    }
}

/// What one column holds: a report, or why there is none.
#[derive(Clone, Debug)]
pub enum Column {
    /// The program ran and printed its report.
    Ran(Box<Report>),
    /// CPython was not there (or too old): a note, not a failure.
    Skipped(String),
    /// The program is missing, failed or printed no report.
    Failed(String),
}

impl Column {
    /// The report, if the program ran.
    pub fn report(&self) -> Option<&Report> {
        match self {
            Column::Ran(report) => Some(report),
            _ => None,
        }
    }
}

/// The folder cargo puts debug binaries in: this program's own folder, or its parent
/// when this program is a test binary in `deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.parent().map(PathBuf::from).unwrap_or(dir)
    } else {
        dir
    }
}

/// The packages of these patterns' examples, e.g. `gather-tokio`.
pub fn packages(patterns: &[&str]) -> Vec<String> {
    contract::examples()
        .into_iter()
        .filter(|(pattern, _)| patterns.contains(&pattern.as_str()))
        .map(|(pattern, runtime)| format!("{pattern}-{runtime}"))
        .collect()
}

/// The one command that builds these packages.
pub fn build_command(packages: &[String]) -> String {
    let mut command = "cargo build".to_owned();
    for package in packages {
        command.push_str(" -p ");
        command.push_str(package);
    }
    command
}

/// Builds the example binaries of these patterns (only those, so that a package being
/// written elsewhere in the workspace cannot stop the comparison). Without cargo, the
/// binaries already built are used; [`run_rust`] says which one is missing and how to
/// build it.
pub fn build(patterns: &[&str]) -> Result<(), String> {
    let packages = packages(patterns);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--bins"])
        .current_dir(contract::workspace_root());
    for package in &packages {
        command.args(["-p", package]);
    }
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(_) => Err(format!(
            "building the examples failed; run `{}` to see why",
            build_command(&packages)
        )),
        // No cargo on the PATH: use what is built.
        Err(_) => Ok(()),
    }
}

/// The path of an example's binary, or an error naming the command that builds it.
pub fn binary(pattern: &str, runtime: &str) -> Result<PathBuf, String> {
    let name = format!("{pattern}-{runtime}");
    let path = target_dir().join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{name} is missing ({}): build it with `cargo build -p {name}`",
            path.display()
        ))
    }
}

/// Runs one runtime's binary on the case, with `--json`.
pub fn run_rust(case: &Case, runtime: &str) -> Column {
    let path = match binary(&case.pattern, runtime) {
        Ok(path) => path,
        Err(err) => return Column::Failed(err),
    };
    let output = Command::new(&path)
        .args(&case.args)
        .arg("--json")
        .env_remove("RUST_BACKTRACE")
        .output();
    read(case, &format!("{}-{runtime}", case.pattern), output)
}

/// Runs CPython's asyncio on the case, or says why it was skipped.
pub fn run_python(case: &Case) -> Column {
    let Some(python) = contract::python() else {
        return Column::Skipped("CPython skipped: no python3 3.11 or newer on the PATH".into());
    };
    let script = contract::workspace_root().join("scripts/python/reference.py");
    let output = Command::new(python)
        .arg(script)
        .arg(&case.pattern)
        .args(&case.args)
        .arg("--json")
        .output();
    read(case, "asyncio", output)
}

/// A program's report, once it exited as the contract says: 0, or, for an interrupted
/// `shutdown`, 130 or 143, the status of a program a signal ended.
fn read(case: &Case, who: &str, output: std::io::Result<std::process::Output>) -> Column {
    let output = match output {
        Ok(output) => output,
        Err(err) => return Column::Failed(format!("{who} could not start: {err}")),
    };
    let code = output.status.code();
    if !contract::exits_with_a_report(&case.pattern, code) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        return Column::Failed(format!("{who} exited with {}: {last}", output.status));
    }
    match serde_json::from_slice::<Report>(&output.stdout) {
        Ok(report) => match contract::exit_status_problem(&report, code) {
            None => Column::Ran(Box::new(report)),
            Some(problem) => Column::Failed(format!("{who}: {problem}")),
        },
        Err(err) => Column::Failed(format!("{who} printed no report: {err}")),
    }
}

/// A row of the side-by-side table on which the columns disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disagreement {
    /// The row's label, e.g. `results` or `job B`.
    pub row: String,
    /// The documented runtime difference behind it, if it is one.
    pub explanation: Option<String>,
}

/// One case run on every runtime and CPython.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// What was run.
    pub case: Case,
    /// One column per entry of [`COLUMNS`].
    pub columns: Vec<Column>,
    /// How many earlier runs of this case were thrown away because a loaded machine made
    /// them disagree (`--all` runs a disagreeing case again, up to twice).
    pub reruns: usize,
}

impl Comparison {
    /// Runs the case on the three runtimes and CPython, all four at the same time (the jobs
    /// only sleep, so they do not slow each other down).
    pub fn run(case: Case) -> Comparison {
        let columns = std::thread::scope(|scope| {
            let rust: Vec<_> = contract::RUNTIMES
                .iter()
                .map(|runtime| scope.spawn(|| run_rust(&case, runtime)))
                .collect();
            let python = scope.spawn(|| run_python(&case));
            let mut columns: Vec<Column> = rust
                .into_iter()
                .map(|r| {
                    r.join()
                        .unwrap_or_else(|_| Column::Failed("crashed".into()))
                })
                .collect();
            columns.push(
                python
                    .join()
                    .unwrap_or_else(|_| Column::Failed("crashed".into())),
            );
            columns
        });
        Comparison {
            case,
            columns,
            reruns: 0,
        }
    }

    /// The columns that ran more than [`RACE_SECONDS`] over the ideal time, with how late:
    /// on such a run the order of events 100 ms apart can change, so a disagreement may be
    /// the machine's load rather than a runtime's semantics.
    pub fn late(&self) -> Vec<(&'static str, f64)> {
        let ideal = self.case.ideal_ms();
        self.columns
            .iter()
            .zip(COLUMNS)
            .filter_map(|(c, name)| Some((name, c.report()?.elapsed_ms - ideal)))
            .filter(|(_, over)| *over > RACE_SECONDS * 1000.0)
            .collect()
    }

    /// How many jobs the case has.
    pub fn jobs(&self) -> usize {
        self.case.config.delays.len()
    }

    /// The rows compared across columns: label, and each column's value (`None` where the
    /// column has no report).
    pub fn rows(&self) -> Vec<(String, Vec<Option<String>>)> {
        let n = self.jobs();
        let prints: Vec<Option<Fingerprint>> = self
            .columns
            .iter()
            .map(|c| c.report().map(|r| Fingerprint::of(r, n)))
            .collect();
        let row = |f: &dyn Fn(&Fingerprint, &Report) -> String| {
            prints
                .iter()
                .zip(&self.columns)
                .map(|(p, c)| Some(f(p.as_ref()?, c.report()?)))
                .collect::<Vec<_>>()
        };
        let mut rows = vec![
            ("outcome".to_owned(), row(&|p, _| outcome(p))),
            ("results".to_owned(), row(&|p, _| results(&p.results))),
            ("pending".to_owned(), row(&|p, _| jobs_list(&p.pending))),
        ];
        if self.case.pattern == "shutdown" {
            rows.push(("cleanups".to_owned(), row(&|_, r| cleanups(r))));
        }
        // Each column's job cells, made in one pass over its events.
        let mut columns: Vec<Option<std::vec::IntoIter<String>>> = self
            .columns
            .iter()
            .map(|c| c.report().map(|r| job_cells(r, n).into_iter()))
            .collect();
        for job in 0..n {
            let cells = columns
                .iter_mut()
                .map(|cells| cells.as_mut().and_then(Iterator::next))
                .collect();
            rows.push((format!("job {}", shared::job_name(job)), cells));
        }
        rows
    }

    /// The rows on which the columns that ran disagree, each explained if it can be.
    pub fn disagreements(&self) -> Vec<Disagreement> {
        // What explains every row alike is worked out once, not once per row: a case of a
        // million jobs may disagree on every one of them.
        let pools = self.small_pools();
        let race = std::cell::OnceCell::new();
        self.rows()
            .into_iter()
            .filter(|(_, values)| {
                let ran: Vec<&String> = values.iter().flatten().collect();
                ran.windows(2).any(|w| w[0] != w[1])
            })
            .map(|(row, _)| Disagreement {
                // A small pool first: where it is there, it is the cause.
                explanation: pools
                    .clone()
                    .or_else(|| explain_row(&self.case, &row))
                    .or_else(|| race.get_or_init(|| explain_race(&self.case)).clone()),
                row,
            })
            .collect()
    }

    /// Why the columns may disagree when a column's blocking pool has fewer threads than
    /// the case hands it jobs (CPython's default executor has min(32, cores + 4); the Rust
    /// runtimes' pools about 500): there the jobs run in rounds. `None` when every pool
    /// has a thread per job, or the reports name no pool.
    pub fn small_pools(&self) -> Option<String> {
        let jobs = self.case.pooled_jobs();
        let small: Vec<String> = self
            .columns
            .iter()
            .zip(COLUMNS)
            .filter_map(|(column, name)| {
                let threads = column.report()?.blocking_pool?;
                (threads < jobs).then(|| format!("{name}'s has {threads} threads"))
            })
            .collect();
        (!small.is_empty()).then(|| {
            format!(
                "{jobs} jobs and a blocking pool smaller than that ({}): the jobs beyond the \
                 pool wait in its queue for a thread and end later, and after an error the \
                 program's end cancels what is still queued (as asyncio.run does), so those \
                 jobs never start, though a thread freed a moment before may have taken the \
                 next; the other pools have a thread per job",
                small.join(", ")
            )
        })
    }

    /// The columns whose program failed (not the skipped CPython): always a problem.
    pub fn failures(&self) -> Vec<String> {
        self.columns
            .iter()
            .zip(COLUMNS)
            .filter_map(|(c, name)| match c {
                Column::Failed(why) => Some(format!("{name}: {why}")),
                _ => None,
            })
            .collect()
    }

    /// Disagreements with no documented explanation, and failed programs.
    pub fn unexplained(&self) -> Vec<String> {
        let mut problems = self.failures();
        problems.extend(
            self.disagreements()
                .into_iter()
                .filter(|d| d.explanation.is_none())
                .map(|d| format!("{}: the columns disagree on `{}`", self.case.title(), d.row)),
        );
        problems
    }
}

/// The outcome row: `ok`, `timeout`, `cancelled`, or `error: job 1 failed`.
fn outcome(p: &Fingerprint) -> String {
    let name = match p.outcome {
        shared::Outcome::Ok => "ok",
        shared::Outcome::Error => "error",
        shared::Outcome::Timeout => "timeout",
        shared::Outcome::Cancelled => "cancelled",
        shared::Outcome::Interrupted => "interrupted",
    };
    match &p.error {
        Some(error) => format!("{name}: {error}"),
        None => name.to_owned(),
    }
}

/// `B ok, A err`: what the caller received, in order.
fn results(results: &[Received]) -> String {
    if results.is_empty() {
        return "-".to_owned();
    }
    results
        .iter()
        .map(|r| {
            let kind = match r.value {
                Value::Ok(_) => "ok",
                Value::Err(_) => "err",
            };
            format!("{} {kind}", shared::job_name(r.job))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `B done; C abandoned`: what became of each interrupted job's cleanup (`shutdown`): done
/// if the job recorded `cleanup-finished`, abandoned (in `grace`) if not.
fn cleanups(report: &Report) -> String {
    let finished: std::collections::HashSet<usize> = report
        .events
        .iter()
        .filter(|e| e.event == EventKind::CleanupFinished)
        .map(|e| e.job)
        .collect();
    let (done, abandoned): (Vec<usize>, Vec<usize>) = report
        .pending
        .iter()
        .partition(|job| finished.contains(job));
    let mut parts = Vec::new();
    if !done.is_empty() {
        parts.push(format!("{} done", jobs_list(&done)));
    }
    if !abandoned.is_empty() {
        parts.push(format!("{} abandoned", jobs_list(&abandoned)));
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join("; ")
    }
}

fn jobs_list(jobs: &[usize]) -> String {
    if jobs.is_empty() {
        return "-".to_owned();
    }
    jobs.iter()
        .map(|&j| shared::job_name(j))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A job's final state, or what became of a job with none. (It scans the whole report:
/// for every job at once, the table uses `job_cells`.)
pub fn final_state(report: &Report, job: usize) -> String {
    job_cell(
        report.final_state(job),
        report.still_running().contains(&job),
        None,
    )
}

/// The cell of each of jobs `0..jobs`: its final state (`finished`), or what became of a
/// job with none, and in `queue` the worker that ran it (`finished on w1`). One pass over
/// the events.
fn job_cells(report: &Report, jobs: usize) -> Vec<String> {
    let states = contract::final_states(report, jobs);
    let running: std::collections::HashSet<usize> = report.still_running().into_iter().collect();
    let mut workers = vec![None; jobs];
    for event in &report.events {
        if let (Some(worker), Some(slot)) = (event.worker, workers.get_mut(event.job)) {
            *slot = Some(worker);
        }
    }
    (0..jobs)
        .map(|job| job_cell(states[job], running.contains(&job), workers[job]))
        .collect()
}

fn job_cell(state: Option<EventKind>, running: bool, worker: Option<usize>) -> String {
    let state = match state {
        Some(state) => state.as_str(),
        None if running => "running at exit",
        None => "never started",
    };
    match worker {
        Some(worker) => format!("{state} on w{worker}"),
        None => state.to_owned(),
    }
}

/// How close two times may be (in seconds) before which comes first is a race.
pub const RACE_SECONDS: f64 = 0.05;

/// The documented runtime difference that explains a disagreement on `row`, if there is
/// one: a task left running when main returns (`forgotten`), a thread blocked inside an
/// async task (`blocked`, where the difference is the point), a zero (or near-zero)
/// deadline, two times so close that their order is a race on any runtime (a job's end
/// and a deadline or `shutdown`'s signal, or a cleanup's end and the grace period), or,
/// in `queue`, workers free at the same instant. (A blocking pool smaller than the jobs is
/// seen in the reports: [`Comparison::small_pools`].)
pub fn explain(case: &Case, row: &str) -> Option<String> {
    explain_row(case, row).or_else(|| explain_race(case))
}

/// The explanations that depend on the row: `blocked`, `forgotten`, and a cleanup that ends
/// as the grace period does.
fn explain_row(case: &Case, row: &str) -> Option<String> {
    let c = &case.config;
    let secs = |x: std::time::Duration| x.as_secs_f64();
    if case.pattern == "blocking" && case.scenario == "blocked" {
        return Some(
            "blocked: a job that blocks its thread stalls every job that shares the thread: \
             all of them on asyncio and on smol's one-thread global executor, only those \
             queued on its own worker on tokio and async-std, whose other workers carry on. \
             When the other jobs start and end, and so what ends first, differs by design: \
             that difference is what the scenario shows"
                .to_owned(),
        );
    }
    if case.scenario == "forgotten" && (row.starts_with("job ") || row == "pending") {
        return Some(
            "forgotten: tokio and asyncio cancel the tasks still running when main returns \
             (their destructors / `except CancelledError` run); async-std and smol abandon \
             them at exit without running destructors (docs/semantics.md)"
                .to_owned(),
        );
    }
    let (cleanup, grace) = (secs(c.cleanup), secs(c.grace));
    if row == "cleanups" && case.scenario == "grace" && (cleanup - grace).abs() < RACE_SECONDS {
        return Some(format!(
            "the cleanups ({cleanup} s) and the grace period ({grace} s) end within {} ms of \
             each other: whether a cleanup finishes or is abandoned is a race on every runtime",
            RACE_SECONDS * 1000.0
        ));
    }
    None
}

/// The explanations that hold for every row alike: a deadline of (nearly) zero, two times
/// so close that their order is a race, and in `queue` jobs that end at once. Sorted times,
/// each compared with the next: O(n log n) for n jobs.
fn explain_race(case: &Case) -> Option<String> {
    let c = &case.config;
    let secs = |x: std::time::Duration| x.as_secs_f64();
    if let Some(queue) = case.queue() {
        // When each job ends follows from the schedule, not from its delay alone.
        let mut ends: Vec<(f64, usize)> = queue
            .schedule()
            .iter()
            .enumerate()
            .map(|(job, slot)| (secs(slot.end), job))
            .collect();
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let close = ends.windows(2).find(|w| w[1].0 - w[0].0 < RACE_SECONDS)?;
        let (a, b) = (shared::job_name(close[0].1), shared::job_name(close[1].1));
        return Some(format!(
            "jobs {a} and {b} end within {} ms of each other, and their workers ask for the \
             next job at once: asyncio's queue, and async-std's and smol's channels, give it \
             to whichever asks first (a worker woken by a put must look again), the tokio \
             example to the worker that waited longest (a fair lock in front of its one \
             receiver); and whether two timers set microseconds apart fire in one turn of the \
             loop is up to the runtime. With ends further apart, every runtime gives the \
             next job to the first free worker",
            RACE_SECONDS * 1000.0,
        ));
    }
    // The deadline that matters in this scenario, if any.
    let deadline = match (case.pattern.as_str(), case.scenario.as_str()) {
        ("wait" | "blocking", "timeout") | ("timeout" | "scraper", _) => {
            Some(("--timeout", secs(c.timeout)))
        }
        ("cancel-cleanup", _) => Some(("--cancel-after", secs(c.cancel_after))),
        // No signal at all with `--interrupt-after 0`: then nothing races the jobs.
        ("shutdown", _) if !c.interrupt_after.is_zero() => {
            Some(("--interrupt-after", secs(c.interrupt_after)))
        }
        ("manual-await", "forgotten" | "background") => Some(("--main-delay", secs(c.main_delay))),
        _ => None,
    };
    if let Some((flag, _)) = deadline.filter(|(_, seconds)| *seconds < RACE_SECONDS) {
        return Some(format!(
            "{flag} is (nearly) zero: whether a spawned task is polled (and logs `started`) \
             before it is cancelled is up to the scheduler: tokio's worker threads start it \
             at once, asyncio, async-std and smol may cancel it before its first poll"
        ));
    }
    let delays = case.delays();
    let mut times: Vec<(String, f64)> = delays
        .iter()
        .enumerate()
        .map(|(i, &d)| (format!("job {}", shared::job_name(i)), d))
        .collect();
    if case.sequential() {
        // Sequential jobs end at the running sums of the delays.
        let mut sum = 0.0;
        for (i, time) in times.iter_mut().enumerate() {
            sum += delays[i];
            time.1 = sum;
        }
    }
    if case.interrupted() {
        // Jobs the signal interrupts well before their end never end by themselves: their
        // delays race nothing, however close to each other they are.
        let signal = secs(c.interrupt_after);
        times.retain(|(_, t)| *t < signal + RACE_SECONDS);
    }
    if let Some((flag, seconds)) = deadline {
        times.push((flag.to_owned(), seconds));
    }
    // Sorted, two times closer than the race are neighbours.
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let close = times.windows(2).find(|w| w[1].1 - w[0].1 < RACE_SECONDS)?;
    Some(format!(
        "{} and {} end within {} ms of each other: which comes first is a race on every \
         runtime, not a semantic difference",
        close[0].0,
        close[1].0,
        RACE_SECONDS * 1000.0
    ))
}

/// The last moment anything happened in a report, in milliseconds.
pub fn end_ms(report: &Report) -> f64 {
    report
        .events
        .iter()
        .map(|e| e.t_ms)
        .fold(report.elapsed_ms, f64::max)
}

/// Whether an event is one of the cleanup steps drawn as marks on a job's bar.
pub fn is_cleanup(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::CleanupStarted | EventKind::CleanupFinished | EventKind::Finally
    )
}
