//! Checks the example binaries against the contract: it runs them with `--json`, reads
//! their reports, and compares what matters (outcome, results in order, pending jobs, each
//! job's final state) across the runtimes, with what the contract expects, and with what
//! CPython's asyncio does with the same jobs (`scripts/python/reference.py`).
//!
//! The tests in `tests/` use it; the binaries are built on first use with
//! `cargo build --bins`, so `cargo test -p contract` works on its own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use shared::{EventKind, JobState, Outcome, Received, Report};

pub mod book_outputs;
pub mod copy_it;
pub mod oracle;
pub mod timing;

/// The environment variables that change how many threads a runtime or its blocking pool
/// runs. The bench and the book's sample outputs remove them from the programs they run, so
/// that each runs as it does by default.
pub const THREAD_VARIABLES: [&str; 5] = [
    "TOKIO_WORKER_THREADS",
    "ASYNC_STD_THREAD_COUNT",
    "ASYNC_GLOBAL_EXECUTOR_THREADS",
    "SMOL_THREADS",
    "BLOCKING_MAX_THREADS",
];

/// `f` of each item, `parallel` items at a time on threads of their own, the results in the
/// order of the items: the runners here (the book's outputs, the compare runner) run
/// programs that mostly wait, so several at once take less time than one after another.
pub fn each<T: Sync, R: Send>(items: &[T], parallel: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let queue = std::sync::Mutex::new(items.iter().enumerate());
    let done = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .next();
                    let Some((index, item)) = next else { break };
                    let result = f(item);
                    done.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((index, result));
                }
            });
        }
    });
    let mut done = done
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// Waits for `child`, started at `start`, looking every `poll`; one still running `limit`
/// after its start is killed and reaped, and is an error, as is a wait that fails. The
/// runners of the examples (the timings of scale-check and the bench, the book's outputs)
/// wait this way, so that a stuck example fails its run instead of hanging it.
///
/// # Errors
///
/// The child was still running after `limit`, or waiting for it failed, said in words.
pub fn wait_within(
    child: &mut Child,
    start: Instant,
    limit: Duration,
    poll: Duration,
) -> Result<ExitStatus, String> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) if start.elapsed() > limit => {
                // Killed, then reaped; if either fails, the process is gone already.
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("still running after {limit:?}"));
            }
            Ok(None) => std::thread::sleep(poll),
            Err(err) => return Err(format!("cannot wait for it: {err}")),
        }
    }
}

/// The runtimes every pattern is written for, in the order the docs list them.
pub const RUNTIMES: [&str; 3] = ["tokio", "async-std", "smol"];

/// The scenario names of a pattern, from the shared crate's table (the first is the
/// default); empty for a pattern the table does not know.
pub fn scenarios(pattern: &str) -> Vec<String> {
    use shared::Scenario as _;
    use shared::scenarios::{
        AsCompleted, Blocking, CancelCleanup, Gather, ManualAwait, Queue, Scraper, Shutdown,
        TaskGroup, Timeout, Wait,
    };
    fn names<S: shared::Scenario>() -> Vec<String> {
        S::value_variants().iter().map(|s| s.name()).collect()
    }
    match pattern {
        ManualAwait::PATTERN => names::<ManualAwait>(),
        TaskGroup::PATTERN => names::<TaskGroup>(),
        Gather::PATTERN => names::<Gather>(),
        Wait::PATTERN => names::<Wait>(),
        AsCompleted::PATTERN => names::<AsCompleted>(),
        Timeout::PATTERN => names::<Timeout>(),
        CancelCleanup::PATTERN => names::<CancelCleanup>(),
        Scraper::PATTERN => names::<Scraper>(),
        Blocking::PATTERN => names::<Blocking>(),
        Shutdown::PATTERN => names::<Shutdown>(),
        Queue::PATTERN => names::<Queue>(),
        _ => Vec::new(),
    }
}

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("../.."))
}

/// Every example package in the workspace (`crates/<pattern>/<runtime>` with a
/// `Cargo.toml`), as `(pattern, runtime)`, sorted.
pub fn examples() -> Vec<(String, String)> {
    let mut found = Vec::new();
    let crates = workspace_root().join("crates");
    let Ok(patterns) = std::fs::read_dir(&crates) else {
        return found;
    };
    for pattern in patterns.flatten() {
        let name = pattern.file_name().to_string_lossy().into_owned();
        for runtime in RUNTIMES {
            if pattern.path().join(runtime).join("Cargo.toml").is_file() {
                found.push((name.clone(), runtime.to_owned()));
            }
        }
    }
    found.sort();
    found
}

/// The path of an example's binary, e.g. `binary("gather", "smol")`, building every
/// binary of the workspace the first time it is called.
///
/// # Panics
///
/// If the build fails: the tests cannot run without the binaries.
pub fn binary(pattern: &str, runtime: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--workspace", "--bins"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "`cargo build --workspace --bins` failed");
        target_dir()
    });
    dir.join(format!(
        "{pattern}-{runtime}{}",
        std::env::consts::EXE_SUFFIX
    ))
}

/// The folder cargo puts debug binaries in: the running program's own folder, or its
/// parent when the program is a test binary in `deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the running program has a path");
    let dir = exe.parent().expect("the running program is in a folder");
    if dir.ends_with("deps") {
        dir.parent().unwrap_or(dir).to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// `args` without the flags (and their values) that `pattern` does not read: the examples
/// refuse those, and a test that shares one set of durations across patterns drops them here.
///
/// ```
/// let args = contract::read_by("gather", &["--delays", "1,2", "--timeout", "0.5", "--json"]);
/// assert_eq!(args, ["--delays", "1,2", "--json"]);
/// ```
pub fn read_by<'a>(pattern: &str, args: &[&'a str]) -> Vec<&'a str> {
    let mut kept = Vec::new();
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        let takes_value = arg.starts_with("--") && arg != "--json" && !arg.contains('=');
        if shared::scenarios::reads(pattern, arg) {
            kept.push(arg);
        } else if takes_value {
            args.next();
        }
    }
    kept
}

/// Runs an example binary with these arguments.
///
/// # Panics
///
/// If the binary cannot be started.
pub fn run(pattern: &str, runtime: &str, args: &[&str]) -> Output {
    let path = binary(pattern, runtime);
    Command::new(&path)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", path.display()))
}

/// The `queue` pattern: the one whose `started` events name a worker.
const QUEUE: &str = <shared::scenarios::Queue as shared::Scenario>::PATTERN;

/// The `shutdown` pattern: the one whose runs a signal ends.
const SHUTDOWN: &str = <shared::scenarios::Shutdown as shared::Scenario>::PATTERN;

/// Whether `code` is an exit status after which a run of `pattern` has printed its report:
/// 0, and for `shutdown` also 130 and 143, the statuses of a program that SIGINT or SIGTERM
/// ended (128 + the signal's number), which it keeps after its cleanups and its report.
///
/// ```
/// assert!(contract::exits_with_a_report("gather", Some(0)));
/// assert!(!contract::exits_with_a_report("gather", Some(130)));
/// assert!(contract::exits_with_a_report("shutdown", Some(130)));
/// assert!(contract::exits_with_a_report("shutdown", Some(143)));
/// assert!(!contract::exits_with_a_report("shutdown", None), "killed by a signal");
/// ```
pub fn exits_with_a_report(pattern: &str, code: Option<i32>) -> bool {
    match code {
        Some(0) => true,
        Some(130 | 143) => pattern == SHUTDOWN,
        _ => false,
    }
}

/// What is wrong with the exit status `code` of the run that printed `report`, if anything:
/// an interrupted run exits 130 or 143, as the signal would have ended it; any other run,
/// whatever its outcome, 0.
///
/// ```
/// let mut report: shared::Report = serde_json::from_str(
///     r#"{"pattern": "shutdown", "runtime": "smol", "scenario": "ctrl-c",
///         "elapsed_ms": 1100.0, "outcome": "interrupted", "error": null, "failed_jobs": [],
///         "results": [], "pending": [0], "events": []}"#,
/// )?;
/// assert_eq!(contract::exit_status_problem(&report, Some(130)), None);
/// assert!(contract::exit_status_problem(&report, Some(0)).is_some());
/// report.outcome = shared::Outcome::Ok;
/// assert!(contract::exit_status_problem(&report, Some(130)).is_some());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn exit_status_problem(report: &Report, code: Option<i32>) -> Option<String> {
    let interrupted = report.outcome == Outcome::Interrupted;
    match code {
        Some(0) if !interrupted => None,
        Some(130 | 143) if interrupted && report.pattern == SHUTDOWN => None,
        _ => Some(format!(
            "a {} report with the outcome `{}` and the exit status {code:?}",
            report.pattern,
            format!("{:?}", report.outcome).to_lowercase()
        )),
    }
}

/// Runs an example with `--json` added and parses its report.
///
/// # Panics
///
/// If it exits with anything but 0 (or, for an interrupted `shutdown`, 130 or 143: see
/// [`exit_status_problem`]) or prints anything but one report.
pub fn report(pattern: &str, runtime: &str, args: &[&str]) -> Report {
    let mut args = args.to_vec();
    args.push("--json");
    let output = run(pattern, runtime, &args);
    parse_report(pattern, &format!("{pattern}-{runtime} {args:?}"), &output)
}

/// The command that runs CPython's asyncio reference, if `python3` 3.11 or newer is on the
/// `PATH`.
pub fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Option<PathBuf>> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let check = "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)";
            let ok = Command::new("python3")
                .args(["-c", check])
                .status()
                .is_ok_and(|status| status.success());
            ok.then(|| PathBuf::from("python3"))
        })
        .clone()
}

/// Runs the CPython reference on the same arguments, if Python 3.11+ is there.
///
/// # Panics
///
/// If the reference fails or prints no report.
pub fn python_report(pattern: &str, args: &[&str]) -> Option<Report> {
    let python = python()?;
    let script = workspace_root().join("scripts/python/reference.py");
    let output = Command::new(python)
        .arg(script)
        .arg(pattern)
        .args(args)
        .arg("--json")
        .output()
        .expect("python3 runs");
    Some(parse_report(
        pattern,
        &format!("asyncio {pattern} {args:?}"),
        &output,
    ))
}

fn parse_report(pattern: &str, what: &str, output: &Output) -> Report {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(
        exits_with_a_report(pattern, code),
        "{what} exited with {:?}: {stderr}",
        output.status
    );
    let report: Report = serde_json::from_str(&stdout)
        .unwrap_or_else(|err| panic!("{what} printed no report ({err}):\n{stdout}\n{stderr}"));
    if let Some(problem) = exit_status_problem(&report, code) {
        panic!("{what}: {problem}");
    }
    report
}

/// What a report says about the semantics, without the timings and thread names that
/// legitimately differ between runtimes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint {
    /// How the scenario ended.
    pub outcome: Outcome,
    /// The error the caller received.
    pub error: Option<String>,
    /// The jobs whose error reached the caller as an error.
    pub failed_jobs: Vec<usize>,
    /// What the caller received, in order.
    pub results: Vec<Received>,
    /// The pending jobs.
    pub pending: Vec<usize>,
    /// Each job's final state: `None` if it never started (or never ended).
    pub final_states: Vec<Option<EventKind>>,
}

impl Fingerprint {
    /// The fingerprint of a report about `jobs` jobs.
    pub fn of(report: &Report, jobs: usize) -> Self {
        Fingerprint {
            outcome: report.outcome,
            error: report.error.clone(),
            failed_jobs: report.failed_jobs.clone(),
            results: report.results.clone(),
            pending: report.pending.clone(),
            final_states: final_states(report, jobs),
        }
    }
}

/// The final state of each of jobs `0..jobs`, as [`Report::final_state`] gives it (the
/// job's last terminal event, `None` if it has none), in one pass over the events: asking
/// each job in turn would scan every event once per job.
///
/// ```
/// let report: shared::Report = serde_json::from_str(
///     r#"{"pattern": "gather", "runtime": "smol", "scenario": "default",
///         "elapsed_ms": 20.0, "outcome": "ok", "error": null, "failed_jobs": [],
///         "results": [], "pending": [], "events": [
///         {"t_ms": 0.1, "job": 1, "event": "started", "thread": "main"},
///         {"t_ms": 9.0, "job": 1, "event": "failed", "thread": "main"}]}"#,
/// )?;
/// use shared::EventKind::Failed;
/// assert_eq!(contract::final_states(&report, 3), [None, Some(Failed), None]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn final_states(report: &Report, jobs: usize) -> Vec<Option<EventKind>> {
    let mut states = vec![None; jobs];
    for event in &report.events {
        if !event.event.is_terminal() {
            continue;
        }
        if let Some(state) = states.get_mut(event.job) {
            *state = Some(event.event);
        }
    }
    states
}

/// What is wrong with a report whatever its pattern: events out of time order, a job
/// with events but no `started` first (a `queued` aside), a job still running, an empty
/// thread name, a `blocking_pool` missing from a `blocking` report or present in another
/// one, a worker or a `queued` event outside `queue`, an `interrupted` outcome outside
/// `shutdown`, and a `queue` or `shutdown` report that breaks its own rules (see
/// `queue_problems` and `shutdown_problems`).
///
/// Events after `elapsed_ms` are no problem: a job the caller stopped waiting for may run
/// on to its end before the report is printed (blocking work under a timeout does).
///
/// ```
/// let mut report: shared::Report = serde_json::from_str(
///     r#"{"pattern": "blocking", "runtime": "tokio", "scenario": "timeout",
///         "elapsed_ms": 500.0, "outcome": "timeout", "error": null, "failed_jobs": [],
///         "results": [], "pending": [], "blocking_pool": 512, "events": [
///         {"t_ms": 0.1, "job": 0, "event": "started", "thread": "tokio-runtime-worker"},
///         {"t_ms": 2000.2, "job": 0, "event": "finished", "thread": "tokio-runtime-worker"}]}"#,
/// )?;
/// assert_eq!(contract::problems(&report), Vec::<String>::new());
/// report.blocking_pool = None;
/// assert_eq!(contract::problems(&report), ["a blocking report without blocking_pool"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn problems(report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    if report.events.windows(2).any(|w| w[0].t_ms > w[1].t_ms) {
        problems.push("events are not in time order".to_owned());
    }
    let mut seen = std::collections::BTreeSet::new();
    // A job's `queued` event (queue's `bounded`) comes before the job starts: its own
    // events begin with `started` all the same. `queue_problems` places `queued`.
    for event in report
        .events
        .iter()
        .filter(|e| e.event != EventKind::Queued)
    {
        if seen.insert(event.job) && event.event != EventKind::Started {
            problems.push(format!("job {}'s first event is not `started`", event.job));
        }
        if event.thread.is_empty() {
            problems.push(format!("job {} has an event with no thread", event.job));
        }
    }
    let running = report.still_running();
    if !running.is_empty() {
        problems.push(format!("jobs {running:?} were still running when reported"));
    }
    if report.elapsed_ms < 0.0 {
        problems.push("negative elapsed_ms".to_owned());
    }
    // Only the `blocking` pattern hands work to a thread pool, and it says how big the
    // pool was: the pool's size explains its timings (CPython's is machine-dependent).
    let blocking = report.pattern == <shared::scenarios::Blocking as shared::Scenario>::PATTERN;
    match report.blocking_pool {
        None if blocking => problems.push("a blocking report without blocking_pool".to_owned()),
        Some(0) if blocking => problems.push("a blocking pool of no threads".to_owned()),
        Some(_) if !blocking => problems.push(format!(
            "blocking_pool in a {} report: only blocking reports have it",
            report.pattern
        )),
        _ => {}
    }
    if report.pattern == QUEUE {
        problems.extend(queue_problems(report));
    } else if let Some(event) = report
        .events
        .iter()
        .find(|e| e.worker.is_some() || e.event == EventKind::Queued)
    {
        problems.push(format!(
            "job {}'s `{}` event in a {} report names a worker or a queue: only queue's do",
            event.job,
            event.event.as_str(),
            report.pattern
        ));
    }
    if report.pattern == SHUTDOWN {
        problems.extend(shutdown_problems(report));
    } else if report.outcome == Outcome::Interrupted {
        problems.push(format!(
            "outcome `interrupted` in a {} report: only a shutdown run is interrupted",
            report.pattern
        ));
    }
    problems
}

/// The rules of a `shutdown` report: it is `ok` when every job ended before the signal,
/// else `interrupted`, with the interrupted jobs `pending`; a job's failure is one of the
/// `results`, never the outcome's error; a pending job was cancelled (or never started,
/// when the signal came first), and a received job ended by itself.
fn shutdown_problems(report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    match report.outcome {
        Outcome::Interrupted if report.pending.is_empty() => problems.push(
            "an interrupted shutdown report with no pending job: what was interrupted?".to_owned(),
        ),
        Outcome::Ok if !report.pending.is_empty() => problems.push(format!(
            "pending jobs {:?} in a shutdown report that was not interrupted",
            report.pending
        )),
        Outcome::Interrupted | Outcome::Ok => {}
        other => problems.push(format!(
            "a shutdown report is `ok` or `interrupted`, not `{}`",
            format!("{other:?}").to_lowercase()
        )),
    }
    if report.error.is_some() || !report.failed_jobs.is_empty() {
        problems
            .push("a shutdown report with an error: failures are received as results".to_owned());
    }
    // One pass over the events, then one look per job: linear in the jobs.
    let jobs = report
        .events
        .iter()
        .map(|e| e.job)
        .chain(report.pending.iter().copied())
        .chain(report.results.iter().map(|r| r.job))
        .max()
        .map_or(0, |job| job + 1);
    let states = report.states(jobs);
    for &job in &report.pending {
        match states[job] {
            JobState::Ended(state) if state != EventKind::Cancelled => {
                problems.push(format!("pending job {job} {}", state.as_str()));
            }
            _ => {}
        }
    }
    for received in &report.results {
        if states[received.job] == JobState::Ended(EventKind::Cancelled) {
            problems.push(format!("job {} was received, yet cancelled", received.job));
        }
    }
    problems
}

/// The rules of a `queue` report, those that need no more than the report (the oracle's
/// [`oracle::Queue`] knows the jobs and the number of workers, and checks the schedule):
///
/// - the outcome is `ok`, with no error and nothing pending: a failure is a result;
/// - the jobs start in input order, each once, and its `started` event names a worker; no
///   other event does, and no worker starts a job before its last one has ended;
/// - every job that started ended by itself (`finished`, `failed` or `panicked`), none
///   `cancelled`;
/// - `queued` events come in `bounded` only: each job is queued once, before it starts;
/// - `results` hold every job that started, once, in the order of their ends, `ok` where
///   the job finished and `err` where it failed or panicked.
///
/// One pass over the events and one over the results: linear in the jobs.
///
/// ```
/// let report: shared::Report = serde_json::from_str(
///     r#"{"pattern": "queue", "runtime": "smol", "scenario": "bounded",
///         "elapsed_ms": 30.0, "outcome": "ok", "error": null, "failed_jobs": [],
///         "results": [{"job": 0, "ok": "job 0 result"}], "pending": [], "events": [
///         {"t_ms": 0.1, "job": 0, "event": "queued", "thread": "main"},
///         {"t_ms": 0.2, "job": 0, "event": "started", "thread": "main", "worker": 0},
///         {"t_ms": 30.0, "job": 0, "event": "finished", "thread": "main"}]}"#,
/// )?;
/// assert_eq!(contract::problems(&report), Vec::<String>::new());
/// # Ok::<(), serde_json::Error>(())
/// ```
fn queue_problems(report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    if report.outcome != Outcome::Ok
        || report.error.is_some()
        || !report.failed_jobs.is_empty()
        || !report.pending.is_empty()
    {
        problems.push(format!(
            "a queue report is `ok`, with no error and nothing pending: it has outcome `{}`, \
             error {:?}, failed jobs {:?}, pending {:?}",
            format!("{:?}", report.outcome).to_lowercase(),
            report.error,
            report.failed_jobs,
            report.pending
        ));
    }
    let mut walk = QueueWalk {
        bounded: report.scenario == "bounded",
        ..QueueWalk::default()
    };
    for event in &report.events {
        walk.event(event, &mut problems);
    }
    // A job put on the queue that no worker took: the workers stopped too soon.
    if let Some(job) = walk
        .seen
        .iter()
        .filter(|(_, state)| state.queued && !state.started)
        .map(|(&job, _)| job)
        .min()
    {
        problems.push(format!("job {job} was queued, and no worker took it"));
    }
    problems.extend(results_problems(&report.results, &walk.ends));
    problems
}

/// What one job of a queue has done so far.
#[derive(Clone, Copy, Default)]
struct Seen {
    queued: bool,
    started: bool,
    /// The worker that took it.
    worker: Option<usize>,
}

/// A walk through a queue report's events, in order.
#[derive(Default)]
struct QueueWalk {
    /// The scenario is `bounded`: the producer's puts are logged.
    bounded: bool,
    seen: std::collections::HashMap<usize, Seen>,
    /// The job each worker is running now.
    busy: std::collections::HashMap<usize, usize>,
    /// The job a queue hands out next, in input order.
    next_to_start: usize,
    /// The jobs in the order they ended, with how.
    ends: Vec<(usize, EventKind)>,
}

impl QueueWalk {
    /// Takes the next event in, and says what is wrong with it.
    fn event(&mut self, event: &shared::Event, problems: &mut Vec<String>) {
        let (job, kind) = (event.job, event.event);
        let state = self.seen.entry(job).or_default();
        if kind != EventKind::Started && event.worker.is_some() {
            problems.push(format!(
                "job {job}'s `{}` event names a worker",
                kind.as_str()
            ));
        }
        match kind {
            EventKind::Queued if !self.bounded => problems.push(format!(
                "job {job} queued outside `bounded`: only there does a put wait"
            )),
            EventKind::Queued if state.queued || state.started => {
                problems.push(format!("job {job} queued twice, or after it started"));
            }
            EventKind::Queued => state.queued = true,
            EventKind::Started => {
                if state.started {
                    problems.push(format!("job {job} started twice"));
                }
                if self.bounded && !state.queued {
                    problems.push(format!("job {job} started before it was queued"));
                }
                if job != self.next_to_start {
                    problems.push(format!(
                        "job {job} started where job {} was next: a queue hands the jobs out \
                         in input order",
                        self.next_to_start
                    ));
                }
                self.next_to_start = job + 1;
                state.started = true;
                state.worker = event.worker;
                match event.worker {
                    None => problems.push(format!("job {job}'s `started` names no worker")),
                    Some(worker) => {
                        if let Some(other) = self.busy.insert(worker, job) {
                            problems.push(format!(
                                "worker {worker} started job {job} while job {other} ran on it"
                            ));
                        }
                    }
                }
            }
            EventKind::Finished | EventKind::Failed | EventKind::Panicked => {
                self.ends.push((job, kind));
                // Its worker is free again.
                if let Some(worker) = state.worker {
                    if self.busy.get(&worker) == Some(&job) {
                        self.busy.remove(&worker);
                    }
                }
            }
            EventKind::Cancelled => problems.push(format!(
                "job {job} was cancelled: every job taken from the queue runs to its end"
            )),
            _ => problems.push(format!(
                "job {job} has a `{}` event, which no queue job records",
                kind.as_str()
            )),
        }
    }
}

/// What is wrong with a queue's results, given the jobs in the order they ended: each job
/// once, in that order, `ok` where it finished, else `err`.
fn results_problems(results: &[Received], ends: &[(usize, EventKind)]) -> Vec<String> {
    let mut problems = Vec::new();
    if results.len() != ends.len() {
        problems.push(format!(
            "{} results for {} jobs that ended: every job is received once",
            results.len(),
            ends.len()
        ));
    }
    let wrong = results
        .iter()
        .zip(ends)
        .position(|(received, &(job, kind))| {
            let ok = matches!(received.value, shared::Value::Ok(_));
            received.job != job || ok != (kind == EventKind::Finished)
        });
    if let Some(i) = wrong {
        problems.push(format!(
            "result {i} is {:?}, where job {} ended {} then: results come in the order the \
             jobs end, `ok` for a finished one, else `err`",
            results[i],
            ends[i].0,
            ends[i].1.as_str()
        ));
    }
    problems
}
