//! `cargo run --release -p bench`: measures every pattern on every runtime and CPython,
//! prints the table, and writes `docs/benchmarks.md` and `docs/img/bench-*.svg`.
//!
//! Each measurement runs in a process of its own: this program runs itself again with the
//! hidden subcommand `measure` (or `timer`), and `scripts/python/bench.py` for CPython, and
//! reads the one JSON line each prints.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bench::report::{Contender, Key, Machine, Results};
use bench::{Pattern, Runtime, Sample, TimerSample};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

/// The workspace root: where `docs/` and `scripts/` are.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// The fixed delay of the delayed jobs, in milliseconds.
const DELAY_MS: u64 = 100;

/// The numbers of jobs the example binaries are timed with, end to end.
const BINARY_JOBS: [usize; 2] = [10_000, 100_000];

/// What each async pattern costs on tokio, async-std and smol, against CPython's asyncio
/// and uvloop. Writes docs/benchmarks.md and docs/img/bench-*.svg.
#[derive(Parser, Debug)]
#[command(name = "bench")]
// Each bool is a flag of the command line, which clap fills in.
#[allow(clippy::struct_excessive_bools)]
struct Cli {
    /// Every N up to 1 000 000 (about 45 minutes on 2 cores).
    #[arg(long)]
    full: bool,
    /// Runs per Rust measurement (default: 3).
    #[arg(long)]
    runs: Option<usize>,
    /// Runs per CPython measurement (default: 1, or 2 with --full).
    #[arg(long)]
    python_runs: Option<usize>,
    /// Leave CPython out.
    #[arg(long)]
    no_python: bool,
    /// Do not time the example binaries end to end.
    #[arg(long)]
    no_binaries: bool,
    /// Print the table only; do not write docs/benchmarks.md and the charts.
    #[arg(long)]
    no_write: bool,
    /// Measure only this pattern (repeat it for more), and bare, the floor every pattern
    /// is held against. Prints the table only, as --no-write.
    #[arg(long = "pattern", value_enum, value_name = "PATTERN")]
    patterns: Vec<Pattern>,
    #[command(subcommand)]
    child: Option<Child>,
}

/// One measurement, in this process (what the bench runs itself again for).
#[derive(Subcommand, Debug)]
enum Child {
    /// Runs one pattern once and prints the sample as one JSON line.
    #[command(hide = true)]
    Measure {
        #[arg(long, value_enum)]
        runtime: Runtime,
        #[arg(long, value_enum)]
        pattern: Pattern,
        #[arg(long)]
        jobs: usize,
        #[arg(long, default_value_t = 0)]
        delay_ms: u64,
    },
    /// Measures how late a runtime's timer fires and prints it as one JSON line.
    #[command(hide = true)]
    Timer {
        #[arg(long, value_enum)]
        runtime: Runtime,
        #[arg(long)]
        ms: u64,
        #[arg(long)]
        count: usize,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.child {
        Some(Child::Measure {
            runtime,
            pattern,
            jobs,
            delay_ms,
        }) => {
            let sample = bench::measure(runtime, pattern, jobs, Duration::from_millis(delay_ms))?;
            println!("{}", serde_json::to_string(&sample)?);
            Ok(())
        }
        Some(Child::Timer { runtime, ms, count }) => {
            let sample = bench::timer(runtime, Duration::from_millis(ms), count)?;
            println!("{}", serde_json::to_string(&sample)?);
            Ok(())
        }
        None => run_all(&cli),
    }
}

/// One measurement to make, in its own process.
#[derive(Clone, Copy, Debug)]
enum Task {
    Pattern(Key),
    Timer(Contender, u64, usize),
}

/// Runs every measurement, prints the table, writes the page and the charts.
fn run_all(cli: &Cli) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = Path::new(ROOT).canonicalize()?;
    let root = root.as_path();
    let mut results = Results {
        full: cli.full,
        jobs: if cli.full {
            vec![1_000, 10_000, 100_000, 1_000_000]
        } else {
            vec![1_000, 10_000, 100_000]
        },
        delays_ms: vec![0, DELAY_MS],
        runs: (
            cli.runs.unwrap_or(3).max(1),
            cli.python_runs
                .unwrap_or(if cli.full { 2 } else { 1 })
                .max(1),
        ),
        machine: machine(root),
        ..Results::default()
    };
    let python = if cli.no_python {
        results
            .notes
            .push("CPython left out (--no-python).".to_owned());
        None
    } else {
        find_python(root, &mut results)
    };

    let mut contenders = vec![
        Contender::Rust(Runtime::Tokio),
        Contender::Rust(Runtime::AsyncStd),
        Contender::Rust(Runtime::Smol),
        Contender::SmolThreads,
    ];
    if python.is_some() {
        contenders.push(Contender::Asyncio);
        if results.machine.uvloop.is_some() {
            contenders.push(Contender::Uvloop);
        }
    }

    let tasks = plan(&results, &contenders, cli.full, &cli.patterns);
    let progress = progress_bar(tasks.len());
    for task in tasks {
        progress.set_message(describe(task, results.machine.cores));
        run_task(task, python.as_deref(), root, &mut results);
        progress.inc(1);
    }
    progress.finish_and_clear();

    // The example binaries end to end, as a user runs them: with every pattern only (a
    // run of some patterns is about those patterns' functions).
    if !cli.no_binaries && cli.patterns.is_empty() {
        eprintln!("bench: building the example binaries (--release)...");
        bench::binaries::build()?;
        let progress = spinner("timing the example binaries end to end");
        let binaries = bench::binaries::measure(&BINARY_JOBS, results.runs.0, |step| {
            progress.set_message(step.to_owned());
            progress.tick();
        });
        progress.finish_and_clear();
        results.binaries = Some(binaries);
    }

    results.machine.load_end = load_average();
    results.wall_seconds = started.elapsed().as_secs_f64();
    print!("{}", results.to_text());
    // The page and the charts show every pattern: a run of some of them would leave holes.
    if !cli.no_write && cli.patterns.is_empty() {
        let docs = root.join("docs");
        std::fs::create_dir_all(docs.join("img"))?;
        for &delay in &results.delays_ms {
            let chart = docs.join(Results::chart_name(delay));
            std::fs::write(&chart, results.to_svg(delay))?;
            eprintln!("wrote {}", chart.display());
        }
        let page = docs.join("benchmarks.md");
        std::fs::write(&page, results.to_markdown())?;
        eprintln!("wrote {}", page.display());
        if results.alternatives_measured() {
            let chart = docs.join(bench::report::PRIMITIVES_CHART);
            std::fs::write(&chart, results.primitives_svg())?;
            eprintln!("wrote {}", chart.display());
            for pattern in Pattern::ALL {
                if let Some(block) = results.why_this_primitive(pattern) {
                    write_why(root, pattern, &block)?;
                }
            }
        }
    }
    Ok(())
}

/// The markers around the generated "Why this primitive" block of an example's README.
const WHY_START: &str =
    "<!-- why-this-primitive: written by `cargo run --release -p bench`; do not edit -->";
const WHY_END: &str = "<!-- /why-this-primitive -->";

/// Puts `block` between the markers of `crates/<pattern>/README.md`; a README without them
/// is left alone, with a line saying so.
fn write_why(root: &Path, pattern: Pattern, block: &str) -> anyhow::Result<()> {
    let path = root.join("crates").join(pattern.as_str()).join("README.md");
    let readme = std::fs::read_to_string(&path)?;
    let start = readme.find(WHY_START);
    let end = start.and_then(|start| Some(start + readme[start..].find(WHY_END)?));
    let (Some(start), Some(end)) = (start, end) else {
        eprintln!(
            "{}: no why-this-primitive markers, left alone",
            path.display()
        );
        return Ok(());
    };
    let updated = format!("{}{WHY_START}\n{block}{}", &readme[..start], &readme[end..]);
    if updated != readme {
        std::fs::write(&path, updated)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Every measurement to make, in order: of every pattern, or of `only` and the floor.
/// Run k of every configuration comes before run k + 1 of any, so that a burst of load on
/// the machine spreads over the configurations instead of landing on one.
fn plan(results: &Results, contenders: &[Contender], full: bool, only: &[Pattern]) -> Vec<Task> {
    // Every pattern; or those of `--pattern`, and the floor where they are held against it.
    let wanted = |pattern: Pattern, delay_ms: u64, jobs: usize| {
        only.is_empty()
            || only.contains(&pattern)
            || (pattern == Pattern::Bare && only.iter().any(|p| p.measured(delay_ms, jobs)))
    };
    let mut tasks = Vec::new();
    let (timer_1, timer_10) = if full { (1000, 200) } else { (200, 50) };
    for &contender in contenders {
        tasks.push(Task::Timer(contender, 1, timer_1));
        tasks.push(Task::Timer(contender, 10, timer_10));
    }
    for run in 0..results.runs.0.max(results.runs.1) {
        for &contender in contenders {
            let runs = if contender.is_python() {
                results.runs.1
            } else {
                results.runs.0
            };
            if run >= runs {
                continue;
            }
            for &delay_ms in &results.delays_ms {
                let patterns = Pattern::ALL
                    .into_iter()
                    .chain(Pattern::BLOCKING)
                    .chain(Pattern::QUEUES)
                    .chain(Pattern::ALTERNATIVES);
                for pattern in patterns {
                    if pattern.is_alternative() && !alternative_measured(contender, pattern) {
                        continue;
                    }
                    for &jobs in &results.jobs {
                        if !pattern.measured(delay_ms, jobs) || !wanted(pattern, delay_ms, jobs) {
                            continue;
                        }
                        tasks.push(Task::Pattern(Key {
                            contender,
                            pattern,
                            delay_ms,
                            jobs,
                        }));
                    }
                }
            }
        }
    }
    tasks
}

/// Whether an alternative primitive is measured on this contender: on the Rust runtimes
/// that have it, as they run by default. (smol with `SMOL_THREADS` set would double the
/// smol rows for what the patterns' table already shows: how smol scales with threads.)
fn alternative_measured(contender: Contender, pattern: Pattern) -> bool {
    matches!(contender, Contender::Rust(runtime) if pattern.available(runtime))
}

/// What a task measures, for the progress bar.
fn describe(task: Task, cores: usize) -> String {
    match task {
        Task::Timer(contender, ms, _) => format!("timer {ms} ms, {}", contender.label(cores)),
        Task::Pattern(key) => format!(
            "{} on {}, N = {}, delay {} ms",
            key.pattern.as_str(),
            key.contender.label(cores),
            key.jobs,
            key.delay_ms
        ),
    }
}

/// Runs one task in its own process and files its result (or a note saying why there is
/// none) in `results`.
fn run_task(task: Task, python: Option<&Path>, root: &Path, results: &mut Results) {
    let cores = results.machine.cores;
    match task {
        Task::Timer(contender, ms, count) => match run_timer(python, root, contender, ms, count) {
            Ok(sample) => {
                results.timers.insert((contender, ms), sample);
            }
            Err(err) => results.notes.push(format!(
                "timer {ms} ms on {} failed: {err:#}",
                contender.label(cores)
            )),
        },
        Task::Pattern(key) => match run_pattern(python, root, key) {
            Ok(sample) => {
                if sample.received != key.jobs {
                    results.notes.push(format!(
                        "{} on {} with N = {} received {} results, not {}",
                        key.pattern.as_str(),
                        key.contender.label(cores),
                        key.jobs,
                        sample.received,
                        key.jobs
                    ));
                }
                if key.pattern == Pattern::Bare && key.jobs == results.jobs[0] {
                    results
                        .threads
                        .entry(key.contender)
                        .or_insert_with(|| sample.threads.clone());
                }
                results.samples.entry(key).or_default().push(sample);
            }
            Err(err) => results.notes.push(format!(
                "{} on {} with N = {} failed: {err:#}",
                key.pattern.as_str(),
                key.contender.label(cores),
                key.jobs
            )),
        },
    }
}

/// A progress bar on a terminal; elsewhere a hidden one, and a line saying what is running.
fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stdout().is_terminal() {
        eprintln!("bench: {len} measurements, each in its own process...");
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} [{elapsed}/~{duration}] {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// A spinner with a message on a terminal; elsewhere a hidden one, and a line saying what
/// is running.
fn spinner(what: &str) -> ProgressBar {
    if !std::io::stdout().is_terminal() {
        eprintln!("bench: {what}...");
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} [{elapsed}] {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar
}

/// Runs one pattern measurement in a process of its own.
fn run_pattern(python: Option<&Path>, root: &Path, key: Key) -> anyhow::Result<Sample> {
    let jobs = key.jobs.to_string();
    let delay = key.delay_ms.to_string();
    let mut command = if let Some(runtime) = key.contender.runtime() {
        let mut command = self_command(key.contender)?;
        command.args(["measure", "--runtime", runtime.as_str()]);
        command
    } else {
        let mut command = python_command(python, root)?;
        command.args(["measure", "--loop", event_loop(key.contender)]);
        command
    };
    command.args([
        "--pattern",
        key.pattern.as_str(),
        "--jobs",
        &jobs,
        "--delay-ms",
        &delay,
    ]);
    read_json(&mut command)
}

/// Runs one timer measurement in a process of its own.
fn run_timer(
    python: Option<&Path>,
    root: &Path,
    contender: Contender,
    ms: u64,
    count: usize,
) -> anyhow::Result<TimerSample> {
    let (ms, count) = (ms.to_string(), count.to_string());
    let mut command = if let Some(runtime) = contender.runtime() {
        let mut command = self_command(contender)?;
        command.args(["timer", "--runtime", runtime.as_str()]);
        command
    } else {
        let mut command = python_command(python, root)?;
        command.args(["timer", "--loop", event_loop(contender)]);
        command
    };
    command.args(["--ms", &ms, "--count", &count]);
    read_json(&mut command)
}

/// `bench.py`'s name for a CPython contender's event loop.
fn event_loop(contender: Contender) -> &'static str {
    if contender == Contender::Uvloop {
        "uvloop"
    } else {
        "asyncio"
    }
}

/// This program, to run one measurement, with the runtimes' thread settings at their
/// defaults (or `SMOL_THREADS` set to the number of cores).
fn self_command(contender: Contender) -> anyhow::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    for var in bench::THREAD_VARIABLES {
        command.env_remove(var);
    }
    if contender == Contender::SmolThreads {
        command.env("SMOL_THREADS", cores().to_string());
    }
    Ok(command)
}

/// `bench.py` under the Python found at the start.
fn python_command(python: Option<&Path>, root: &Path) -> anyhow::Result<Command> {
    let python = python.context("CPython is not available")?;
    let mut command = Command::new(python);
    command.arg(root.join("scripts/python/bench.py"));
    Ok(command)
}

/// Runs a measuring process and parses the JSON line it prints.
fn read_json<T: serde::de::DeserializeOwned>(command: &mut Command) -> anyhow::Result<T> {
    let output = command.output()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!("{}: {}", output.status, stderr.lines().last().unwrap_or(""));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or("");
    serde_json::from_str(line).with_context(|| format!("reading {line:?}"))
}

/// Finds CPython 3.11 or newer (`$PYTHON`, else `python3`) and asks `bench.py` for the
/// versions; notes what is missing.
fn find_python(root: &Path, results: &mut Results) -> Option<PathBuf> {
    let python = PathBuf::from(std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into()));
    let mut command = Command::new(&python);
    command
        .arg(root.join("scripts/python/bench.py"))
        .arg("versions");
    match read_json::<serde_json::Value>(&mut command) {
        Ok(versions) => {
            let text = |key: &str| {
                versions
                    .get(key)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            results.machine.python = text("python");
            results.machine.uvloop = text("uvloop");
            if results.machine.uvloop.is_none() {
                results.notes.push(
                    "uvloop is not installed, so it was not measured: `pip install uvloop`, then run the bench again."
                        .to_owned(),
                );
            }
            Some(python)
        }
        Err(err) => {
            results.notes.push(format!(
                "CPython was not measured: `{} scripts/python/bench.py versions` failed ({err:#}); it needs Python 3.11 or newer.",
                python.display()
            ));
            None
        }
    }
}

/// The number of cores the OS offers this process.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `/proc/loadavg`'s three load averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    )
}

/// The machine, the date and the versions.
fn machine(root: &Path) -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or_else(
            || "unknown CPU".to_owned(),
            |(_, model)| model.trim().to_owned(),
        );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "unknown".to_owned(), |k| k.trim().to_owned());
    let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map_or_else(
            || "rustc (unknown version)".to_owned(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
        );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let crates = [
        "tokio",
        "tokio-util",
        "async-std",
        "async-global-executor",
        "smol",
        "async-executor",
        "async-io",
        "futures",
    ]
    .into_iter()
    .filter_map(|name| Some((name.to_owned(), locked_version(&lock, name)?)))
    .collect();
    Machine {
        cores: cores(),
        cpu,
        kernel,
        load_start: load_average(),
        load_end: String::new(),
        date: utc_now(),
        rustc,
        crates,
        python: None,
        uvloop: None,
    }
}

/// A package's version in `Cargo.lock` (the first one, if there are several).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let header = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| *line == header)?;
    let version = lines.next()?.strip_prefix("version = \"")?;
    Some(version.trim_end_matches('"').to_owned())
}

/// Now, as `2026-11-22 01:23 UTC`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60
    )
}
