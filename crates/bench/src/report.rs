//! What the measurements say: the statistics, the targets, the table on stdout, the page
//! `docs/benchmarks.md` and its charts (hand-written SVG: one line per runtime, log-log).
//!
//! The charts are written by hand rather than with plotters. plotters 0.3.7, with only its
//! SVG backend, was tried and draws the same chart, but saves no code: its `to_svg` and
//! `svg_panel` came to 193 lines, as ours do (171 lines of code against 180, before its
//! imports). Most of that code is ours either way: the shared decade ranges, the series and
//! the layout. On top of that, plotters' defaults (centred captions, a legend inside one
//! chart's frame, ticks, only two axis lines, `1000.0` labels) each had to be turned off or
//! redrawn by hand. It would add four packages to `Cargo.lock` and about 3 s of CPU to a
//! clean build. Its SVG is twice the size (53 KB against 24 KB), since it writes every dash
//! as its own line and rounds positions to whole pixels. Its latest release, 0.3.7, is from
//! 2024, and it has one maintainer. The bar chart of "Which primitive?" is simpler still.

use std::collections::BTreeMap;
use std::fmt::Write as _;

mod primitives;

pub use primitives::{PRIMITIVE_TARGET, PRIMITIVES_CHART, Standing};

use crate::measure::{Sample, TimerSample};
use crate::{Pattern, QUEUE_MAXSIZE, QUEUE_WORKERS, Runtime};

/// The chart's panels: size and margins, in pixels.
const PANEL_W: f64 = 290.0;
const PANEL_H: f64 = 210.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 34.0;
/// The chart's title lines above the panels.
const HEADER: f64 = 44.0;

/// The chart's log-log ranges: log10 of N (x) and of nanoseconds (y), shared by the panels.
#[derive(Clone, Copy, Debug)]
struct Axes {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

/// Who ran a measurement: a Rust runtime, or CPython's event loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Contender {
    /// A Rust runtime with its default threads.
    Rust(Runtime),
    /// smol's global executor with `SMOL_THREADS` set to the number of cores.
    SmolThreads,
    /// CPython's asyncio.
    Asyncio,
    /// CPython with uvloop's event loop.
    Uvloop,
}

impl Contender {
    /// Every contender, in the order the tables show them.
    pub const ALL: [Contender; 6] = [
        Contender::Rust(Runtime::Tokio),
        Contender::Rust(Runtime::AsyncStd),
        Contender::Rust(Runtime::Smol),
        Contender::SmolThreads,
        Contender::Asyncio,
        Contender::Uvloop,
    ];

    /// The name in the tables and the charts' legends.
    pub fn label(self, cores: usize) -> String {
        match self {
            Contender::Rust(runtime) => runtime.as_str().to_owned(),
            Contender::SmolThreads => format!("smol, SMOL_THREADS={cores}"),
            Contender::Asyncio => "CPython asyncio".to_owned(),
            Contender::Uvloop => "CPython uvloop".to_owned(),
        }
    }

    /// The Rust runtime it runs on, or `None` for CPython.
    pub fn runtime(self) -> Option<Runtime> {
        match self {
            Contender::Rust(runtime) => Some(runtime),
            Contender::SmolThreads => Some(Runtime::Smol),
            Contender::Asyncio | Contender::Uvloop => None,
        }
    }

    /// Whether this is CPython.
    pub fn is_python(self) -> bool {
        matches!(self, Contender::Asyncio | Contender::Uvloop)
    }

    /// The line colour and dash pattern in the charts.
    fn style(self) -> (&'static str, &'static str) {
        match self {
            Contender::Rust(Runtime::Tokio) => ("#1f77b4", ""),
            Contender::Rust(Runtime::AsyncStd) => ("#ff7f0e", ""),
            Contender::Rust(Runtime::Smol) => ("#2ca02c", ""),
            Contender::SmolThreads => ("#2ca02c", "5 3"),
            Contender::Asyncio => ("#555555", ""),
            Contender::Uvloop => ("#9467bd", ""),
        }
    }
}

/// One measured configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// Who ran it.
    pub contender: Contender,
    /// What ran.
    pub pattern: Pattern,
    /// Each job's delay in milliseconds (0: no delay).
    pub delay_ms: u64,
    /// How many jobs.
    pub jobs: usize,
}

/// The machine and the versions the figures come from.
#[derive(Clone, Debug, Default)]
pub struct Machine {
    /// The number of cores the OS reports.
    pub cores: usize,
    /// The CPU model (`/proc/cpuinfo`).
    pub cpu: String,
    /// The kernel (`/proc/sys/kernel/osrelease`).
    pub kernel: String,
    /// `/proc/loadavg` when the bench started, and when it ended.
    pub load_start: String,
    /// See `load_start`.
    pub load_end: String,
    /// When the bench started (UTC).
    pub date: String,
    /// `rustc -V`.
    pub rustc: String,
    /// The runtimes' crates and their versions (from `Cargo.lock`).
    pub crates: Vec<(String, String)>,
    /// CPython's version, if it was measured.
    pub python: Option<String>,
    /// uvloop's version, if it is installed.
    pub uvloop: Option<String>,
}

/// Everything one bench run measured.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// Where it ran.
    pub machine: Machine,
    /// `--full` or the quick run.
    pub full: bool,
    /// The numbers of jobs, smallest first.
    pub jobs: Vec<usize>,
    /// The delays in milliseconds (0: no delay).
    pub delays_ms: Vec<u64>,
    /// How many runs each Rust configuration had, and each CPython one.
    pub runs: (usize, usize),
    /// Every run's sample, by configuration.
    pub samples: BTreeMap<Key, Vec<Sample>>,
    /// Timer overshoots, by contender and period in milliseconds.
    pub timers: BTreeMap<(Contender, u64), TimerSample>,
    /// The threads each contender's process had (from its first run).
    pub threads: BTreeMap<Contender, BTreeMap<String, usize>>,
    /// What was skipped or went wrong, for the reader.
    pub notes: Vec<String>,
    /// How long the whole bench took, in seconds.
    pub wall_seconds: f64,
    /// The example binaries timed end to end, if they were.
    pub binaries: Option<crate::binaries::Binaries>,
}

/// The smallest, middle and largest of some runs' values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stat {
    /// The smallest value.
    pub min: f64,
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The largest value.
    pub max: f64,
}

impl Stat {
    /// The statistics of `values`, or `None` if there are none.
    pub fn of(values: &[f64]) -> Option<Stat> {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        let median = if sorted.len() % 2 == 1 {
            sorted[mid]
        } else {
            f64::midpoint(sorted[mid - 1], sorted[mid])
        };
        Some(Stat {
            min: sorted[0],
            median,
            max: sorted[sorted.len() - 1],
        })
    }
}

impl Results {
    /// The overhead per job in nanoseconds of one configuration: (elapsed - delay) / N.
    pub fn cost(&self, key: Key) -> Option<Stat> {
        let samples = self.samples.get(&key)?;
        let delay_ns = key.delay_ms as f64 * 1e6;
        let per_job: Vec<f64> = samples
            .iter()
            .map(|s| ((s.elapsed_ns as f64 - delay_ns) / key.jobs as f64).max(0.0))
            .collect();
        Stat::of(&per_job)
    }

    /// The peak memory per job in bytes of one configuration: (peak - baseline) / N.
    pub fn memory(&self, key: Key) -> Option<Stat> {
        let samples = self.samples.get(&key)?;
        let per_job: Vec<f64> = samples
            .iter()
            .map(|s| s.peak_kib.saturating_sub(s.baseline_kib) as f64 * 1024.0 / key.jobs as f64)
            .collect();
        Stat::of(&per_job)
    }

    /// The contenders that have any sample, in table order.
    pub fn contenders(&self) -> Vec<Contender> {
        Contender::ALL
            .into_iter()
            .filter(|c| self.samples.keys().any(|k| k.contender == *c))
            .collect()
    }

    /// The largest N measured.
    fn max_jobs(&self) -> usize {
        self.jobs.last().copied().unwrap_or(0)
    }

    /// The smallest N measured.
    fn min_jobs(&self) -> usize {
        self.jobs.first().copied().unwrap_or(0)
    }

    /// The N at which patterns are held against the bare primitive: 100 000 if measured.
    fn floor_jobs(&self) -> usize {
        if self.jobs.contains(&100_000) {
            100_000
        } else {
            self.max_jobs()
        }
    }

    fn key(&self, contender: Contender, pattern: Pattern, delay_ms: u64, jobs: usize) -> Key {
        let _ = self;
        Key {
            contender,
            pattern,
            delay_ms,
            jobs,
        }
    }

    /// The numbers of jobs `pattern` is measured with at this delay, smallest first: every
    /// N, or those up to its own limit (`to-thread`'s).
    pub fn jobs_of(&self, pattern: Pattern, delay_ms: u64) -> Vec<usize> {
        self.jobs
            .iter()
            .copied()
            .filter(|&jobs| pattern.measured(delay_ms, jobs))
            .collect()
    }

    /// cost(largest N) / cost(smallest N) of the pattern's own N, from the medians.
    pub fn growth(&self, contender: Contender, pattern: Pattern, delay_ms: u64) -> Option<f64> {
        let jobs = self.jobs_of(pattern, delay_ms);
        let small = self.cost(self.key(contender, pattern, delay_ms, *jobs.first()?))?;
        let large = self.cost(self.key(contender, pattern, delay_ms, *jobs.last()?))?;
        (small.median > 0.0).then(|| large.median / small.median)
    }

    /// A pattern's median cost over its runtime's bare primitive, at 100 000 jobs.
    pub fn over_bare(&self, contender: Contender, pattern: Pattern, delay_ms: u64) -> Option<f64> {
        let jobs = self.floor_jobs();
        let bare = self.cost(self.key(contender, Pattern::Bare, delay_ms, jobs))?;
        let cost = self.cost(self.key(contender, pattern, delay_ms, jobs))?;
        (bare.median > 0.0).then(|| cost.median / bare.median)
    }

    fn label(&self, contender: Contender) -> String {
        contender.label(self.machine.cores)
    }

    fn mode_name(delay_ms: u64) -> String {
        if delay_ms == 0 {
            "no delay (spawn + join)".to_owned()
        } else {
            format!("{delay_ms} ms delay (overhead = elapsed - delay)")
        }
    }

    /// The chart file for one delay, relative to `docs/`.
    pub fn chart_name(delay_ms: u64) -> String {
        if delay_ms == 0 {
            "img/bench-no-delay.svg".to_owned()
        } else {
            format!("img/bench-delay-{delay_ms}ms.svg")
        }
    }

    /// The table printed on stdout: per delay, the median cost per job at each N.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} cores, {}; load at start {}",
            self.machine.cores, self.machine.cpu, self.machine.load_start
        );
        // Only the patterns measured: a run of some of them (`--pattern`) shows those.
        let measured = |pattern: Pattern, delay: u64| {
            self.samples
                .keys()
                .any(|k| k.pattern == pattern && k.delay_ms == delay)
        };
        for &delay in &self.delays_ms {
            if !Pattern::ALL.into_iter().any(|p| measured(p, delay)) {
                continue;
            }
            let _ = writeln!(
                out,
                "\nOverhead per job in ns (median), {}",
                Self::mode_name(delay)
            );
            let mut header = format!("{:<13} {:<24}", "pattern", "runtime");
            for &jobs in &self.jobs {
                let _ = write!(header, " {:>9}", short_count(jobs));
            }
            let _ = write!(
                header,
                " {:>7} {:>7} {:>9}",
                "growth", "x bare", "bytes/job"
            );
            let _ = writeln!(out, "{header}");
            for pattern in Pattern::ALL.into_iter().filter(|&p| measured(p, delay)) {
                for contender in self.contenders() {
                    let mut line =
                        format!("{:<13} {:<24}", pattern.as_str(), self.label(contender));
                    for &jobs in &self.jobs {
                        let cost = self.cost(self.key(contender, pattern, delay, jobs));
                        let _ = write!(line, " {:>9}", cost.map_or("-".into(), |s| ns(s.median)));
                    }
                    let growth = self.growth(contender, pattern, delay);
                    let bare = self.over_bare(contender, pattern, delay);
                    let memory = self.memory(self.key(contender, pattern, delay, self.max_jobs()));
                    let _ = writeln!(
                        line,
                        " {:>7} {:>7} {:>9}",
                        growth.map_or("-".into(), ratio),
                        bare.map_or("-".into(), ratio),
                        memory.map_or("-".into(), |m| format!("{:.0}", m.median)),
                    );
                    out.push_str(&line);
                }
            }
        }
        self.primitives_text(&mut out);
        self.blocking_text(&mut out);
        self.queue_text(&mut out);
        if let Some(binaries) = &self.binaries {
            out.push('\n');
            out.push_str(&binaries.to_text());
        }
        let _ = writeln!(out, "\nTimer overshoot (mean / p99, us)");
        for contender in self.contenders() {
            let mut line = format!("{:<24}", self.label(contender));
            for period in [1, 10] {
                if let Some(t) = self.timers.get(&(contender, period)) {
                    let _ = write!(
                        line,
                        "  {period:>2} ms: {:>7.0} / {:>7.0}",
                        t.mean_us, t.p99_us
                    );
                }
            }
            let _ = writeln!(out, "{line}");
        }
        out.push('\n');
        for line in self.targets() {
            let _ = writeln!(out, "{line}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    /// The issue's targets, each as one line saying whether it is met, with the numbers.
    pub fn targets(&self) -> Vec<String> {
        let rust: Vec<Contender> = self
            .contenders()
            .into_iter()
            .filter(|c| !c.is_python())
            .collect();
        let mut lines = vec![self.floor_target(&rust), self.growth_target(&rust)];
        lines.extend(self.primitive_target());
        for (python, times) in [(Contender::Asyncio, 10.0), (Contender::Uvloop, 8.0)] {
            if self.contenders().contains(&python) {
                lines.extend(self.python_targets(&rust, python, times));
            } else {
                lines.push(format!(
                    "not measured: {} (see the notes)",
                    self.label(python)
                ));
            }
        }
        lines
    }

    /// Every pattern within 1.25x of its runtime's bare primitive at 100 000 jobs.
    fn floor_target(&self, rust: &[Contender]) -> String {
        let mut misses = Vec::new();
        for &delay in &self.delays_ms {
            for &contender in rust {
                for pattern in Pattern::ALL.into_iter().skip(1) {
                    let Some(r) = self.over_bare(contender, pattern, delay) else {
                        continue;
                    };
                    if r > 1.25 {
                        misses.push(self.miss(pattern, contender, Some(delay), r));
                    }
                }
            }
        }
        let floor = short_count(self.floor_jobs());
        verdict(
            &format!("every pattern within 1.25x of its runtime's bare primitive at N = {floor}"),
            &misses,
        )
    }

    /// A flat cost per job: cost(largest N) / cost(smallest N) <= 2.
    fn growth_target(&self, rust: &[Contender]) -> String {
        let mut misses = Vec::new();
        for &delay in &self.delays_ms {
            for &contender in rust {
                for pattern in Pattern::ALL {
                    let Some(g) = self.growth(contender, pattern, delay) else {
                        continue;
                    };
                    if g > 2.0 {
                        let mut miss = self.miss(pattern, contender, Some(delay), g);
                        if let Some(step) = self.last_step(contender, pattern, delay) {
                            let _ = write!(miss, " (last step, {step})");
                        }
                        misses.push(miss);
                    }
                }
            }
        }
        let (large, small) = (short_count(self.max_jobs()), short_count(self.min_jobs()));
        verdict(
            &format!("cost({large}) / cost({small}) <= 2 for every pattern on every runtime"),
            &misses,
        )
    }

    /// The growth over the last step of N, e.g. `1M / 100k: 1.12x`: close to 1 when a cost
    /// grew only while the jobs outgrew the CPU's caches, as large as the whole growth when
    /// the cost grows with N itself (a quadratic pattern grows 10x per step).
    fn last_step(&self, contender: Contender, pattern: Pattern, delay_ms: u64) -> Option<String> {
        let [.., before, last] = self.jobs[..] else {
            return None;
        };
        let a = self.cost(self.key(contender, pattern, delay_ms, before))?;
        let b = self.cost(self.key(contender, pattern, delay_ms, last))?;
        (a.median > 0.0).then(|| {
            format!(
                "{} / {}: {}",
                short_count(last),
                short_count(before),
                ratio(b.median / a.median)
            )
        })
    }

    /// `times` cheaper per job than `python`, and 3x less memory per sleeping job, at the
    /// largest N, for every pattern on every runtime.
    fn python_targets(&self, rust: &[Contender], python: Contender, times: f64) -> Vec<String> {
        let max = self.max_jobs();
        let mut lines = Vec::new();
        let mut misses = Vec::new();
        let mut worst = f64::INFINITY;
        for &delay in &self.delays_ms {
            for &contender in rust {
                for pattern in Pattern::ALL {
                    let ours = self.cost(self.key(contender, pattern, delay, max));
                    let theirs = self.cost(self.key(python, pattern, delay, max));
                    let (Some(ours), Some(theirs)) = (ours, theirs) else {
                        continue;
                    };
                    let r = theirs.median / ours.median.max(1.0);
                    worst = worst.min(r);
                    if r < times {
                        misses.push(self.miss(pattern, contender, Some(delay), r));
                    }
                }
            }
        }
        lines.push(verdict(
            &format!(
                "every runtime at least {times:.0}x cheaper per job than {} at N = {}{}",
                self.label(python),
                short_count(max),
                smallest(worst)
            ),
            &misses,
        ));
        let Some(delay) = self.delays_ms.iter().copied().find(|&d| d > 0) else {
            return lines;
        };
        let mut misses = Vec::new();
        let mut worst = f64::INFINITY;
        for &contender in rust {
            for pattern in Pattern::ALL {
                let ours = self.memory(self.key(contender, pattern, delay, max));
                let theirs = self.memory(self.key(python, pattern, delay, max));
                let (Some(ours), Some(theirs)) = (ours, theirs) else {
                    continue;
                };
                let r = theirs.median / ours.median.max(1.0);
                worst = worst.min(r);
                if r < 3.0 {
                    misses.push(self.miss(pattern, contender, None, r));
                }
            }
        }
        lines.push(verdict(
            &format!(
                "every runtime at least 3x less memory per sleeping job than {} at N = {}{}",
                self.label(python),
                short_count(max),
                smallest(worst)
            ),
            &misses,
        ));
        lines
    }

    /// One miss of a target: `wait on tokio (no delay): 1.52x`.
    fn miss(&self, pattern: Pattern, contender: Contender, delay: Option<u64>, r: f64) -> String {
        let delay = delay.map_or(String::new(), |d| format!(" ({})", short_delay(d)));
        format!(
            "{} on {}{delay}: {}",
            pattern.as_str(),
            self.label(contender),
            ratio(r)
        )
    }

    /// The page `docs/benchmarks.md`.
    #[allow(clippy::too_many_lines)] // One page, written top to bottom.
    pub fn to_markdown(&self) -> String {
        let m = &self.machine;
        let mut out = String::new();
        let run = if self.full {
            "`cargo run --release -p bench -- --full`"
        } else {
            "`cargo run --release -p bench` (the quick run; `-- --full` adds N = 1 000 000)"
        };
        let _ = writeln!(
            out,
            "# Benchmarks: what each pattern costs on each runtime\n"
        );
        let _ = writeln!(
            out,
            "Generated by {run} on {}; do not edit by hand, run it again. It took {:.0} s.\n",
            m.date, self.wall_seconds
        );
        let _ = writeln!(
            out,
            "**These figures are from one run on a {}-core machine that was doing other work at \
             the same time** (load average at the start: {}; at the end: {}). Differences of \
             less than about 20% between two cells are noise; the ratios in the targets are \
             the figures to read.\n",
            m.cores, m.load_start, m.load_end
        );
        let _ = writeln!(out, "## The machine and the versions\n");
        let _ = writeln!(
            out,
            "- CPU: {} ({} cores); Linux {}",
            m.cpu, m.cores, m.kernel
        );
        let _ = writeln!(out, "- {}", m.rustc);
        let crates: Vec<String> = m.crates.iter().map(|(n, v)| format!("{n} {v}")).collect();
        let _ = writeln!(out, "- crates: {}", crates.join(", "));
        let _ = writeln!(
            out,
            "- CPython: {}; uvloop: {}",
            m.python.as_deref().unwrap_or("not measured"),
            m.uvloop
                .as_deref()
                .unwrap_or("not installed (`pip install uvloop` to include it)")
        );
        let _ = writeln!(out, "\n## What is measured, and how\n");
        let _ = writeln!(
            out,
            "- Each pattern is the example's own function from its `src/lib.rs` \
             (`spawn_and_await`, `task_group`, `spawn_all` + `wait` + `cancel`, `gather`, \
             `as_completed` with an empty loop body, the scraper's `scrape` with no limit and \
             a deadline that never comes), on the shared job with its event log switched off \
             (`EventLog::disabled()`). **bare** is the floor: spawn every job, then await each \
             handle, nothing else. Every job is the same shared job, so the floor holds the job's \
             own cost too (its future, its `job i result` string)."
        );
        let _ = writeln!(
            out,
            "- The runtimes run as the examples' `main` runs them: tokio's multi-threaded \
             runtime (`#[tokio::main]`), async-std's and smol's global executors under their \
             `block_on`. smol's global executor runs **one** thread unless `SMOL_THREADS` is \
             set, so smol is measured both ways: as is, and with `SMOL_THREADS={}`.",
            m.cores
        );
        let _ = writeln!(
            out,
            "- CPython runs the Python each example mirrors (`scripts/python/bench.py`), on the \
             same job: `await asyncio.sleep(delay)`, then `return f\"job {{i}} result\"`. A job \
             with no delay yields once (`asyncio.sleep(0)`); so does the Rust job."
        );
        let _ = writeln!(
            out,
            "- N = {} jobs, each with no delay (the pure cost of spawning and joining) and with \
             a delay of {} ms (overhead = elapsed - delay: the cost of running N sleeping jobs \
             at once). Figures per job: the overhead in nanoseconds, and the peak resident \
             memory over a baseline taken just before the first spawn (`VmHWM`, reset through \
             `/proc/self/clear_refs`), in bytes.",
            self.jobs
                .iter()
                .map(|&n| group(n))
                .collect::<Vec<_>>()
                .join(", "),
            self.delays_ms
                .iter()
                .filter(|&&d| d > 0)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            out,
            "- Every run is a process of its own (the bench runs itself again, or \
             `bench.py`), after one empty task has warmed the runtime up. Cells show the \
             median, with the min and max in brackets, over {} run(s) for Rust and {} for \
             CPython{}.",
            self.runs.0,
            self.runs.1,
            if self.runs.1 == 1 {
                " (one run: its min, median and max are the same)"
            } else {
                ""
            }
        );
        let _ = writeln!(out, "\n## The targets\n");
        let _ = writeln!(
            out,
            "From issue 8, on a 2-core machine, medians. A target that is not met says so, \
             with the numbers; the measurement is not bent to meet it.\n"
        );
        for line in self.targets() {
            // Each miss (or explained miss) on a line of its own, under its target.
            let mut parts = line.split("; ");
            let _ = writeln!(out, "- {}", parts.next().unwrap_or_default());
            for miss in parts {
                let _ = writeln!(out, "  - {}", miss.trim_start_matches("misses: "));
            }
        }
        out.push_str(READING);
        for &delay in &self.delays_ms {
            let _ = writeln!(out, "\n## Overhead per job: {}\n", Self::mode_name(delay));
            let _ = writeln!(
                out,
                "![Overhead per job against N, log-log, one line per runtime]({})\n",
                Self::chart_name(delay)
            );
            let _ = write!(out, "| pattern | runtime |");
            for &jobs in &self.jobs {
                let _ = write!(out, " ns/job, N = {} |", short_count(jobs));
            }
            let _ = writeln!(
                out,
                " growth {}/{} | x bare at {} | bytes/job at {} |",
                short_count(self.max_jobs()),
                short_count(self.min_jobs()),
                short_count(self.floor_jobs()),
                short_count(self.max_jobs())
            );
            let _ = writeln!(
                out,
                "|---|---|{}---|---|---|",
                "---:|".repeat(self.jobs.len())
            );
            for pattern in Pattern::ALL {
                for contender in self.contenders() {
                    let _ = write!(out, "| {} | {} |", pattern.as_str(), self.label(contender));
                    for &jobs in &self.jobs {
                        let cell = self
                            .cost(self.key(contender, pattern, delay, jobs))
                            .map_or("-".into(), |s| {
                                format!("{} ({}–{})", ns(s.median), ns(s.min), ns(s.max))
                            });
                        let _ = write!(out, " {cell} |");
                    }
                    let growth = self.growth(contender, pattern, delay);
                    let bare = if pattern == Pattern::Bare {
                        None
                    } else {
                        self.over_bare(contender, pattern, delay)
                    };
                    let memory = self.memory(self.key(contender, pattern, delay, self.max_jobs()));
                    let _ = writeln!(
                        out,
                        " {} | {} | {} |",
                        growth.map_or("-".into(), ratio),
                        bare.map_or("-".into(), ratio),
                        memory.map_or("-".into(), |m| format!(
                            "{:.0} ({:.0}–{:.0})",
                            m.median, m.min, m.max
                        ))
                    );
                }
            }
        }
        self.primitives_markdown(&mut out);
        self.blocking_markdown(&mut out);
        self.queue_markdown(&mut out);
        if let Some(binaries) = &self.binaries {
            out.push('\n');
            out.push_str(&binaries.to_markdown());
        }
        let _ = writeln!(out, "\n## Timer accuracy\n");
        let _ = writeln!(
            out,
            "A sleep of 1 ms and of 10 ms, repeated one after another in one task; how much \
             later than asked it woke, in microseconds (one process per runtime and period).\n"
        );
        let _ = writeln!(
            out,
            "| runtime | 1 ms: mean | 1 ms: p99 | 10 ms: mean | 10 ms: p99 |\n|---|---:|---:|---:|---:|"
        );
        for contender in self.contenders() {
            let cell = |period| {
                self.timers.get(&(contender, period)).map_or_else(
                    || "- | -".to_owned(),
                    |t| format!("{:.0} | {:.0}", t.mean_us, t.p99_us),
                )
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                self.label(contender),
                cell(1),
                cell(10)
            );
        }
        let _ = writeln!(out, "\n## The threads each runtime ran\n");
        let _ = writeln!(
            out,
            "The OS threads of the measuring process when the pattern returned, by name \
             (as `/proc/self/task/*/comm` shows them, cut to 15 characters). `bench` and \
             `python3` are the process's main thread, which runs `block_on` (or the event \
             loop); `async-io` is the reactor's fallback thread, which drives the timers \
             and I/O of async-std and smol when no other thread is waiting on them.\n"
        );
        let _ = writeln!(out, "| runtime | threads |\n|---|---|");
        for (contender, threads) in &self.threads {
            let total: usize = threads.values().sum();
            let list: Vec<String> = threads
                .iter()
                .map(|(name, count)| format!("{count} x `{name}`"))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {total}: {} |",
                self.label(*contender),
                list.join(", ")
            );
        }
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\n## Notes\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }

    /// The contenders that measured a pattern of blocking work, in table order.
    fn blocking_contenders(&self, pattern: Pattern) -> Vec<Contender> {
        Contender::ALL
            .into_iter()
            .filter(|c| {
                self.samples
                    .keys()
                    .any(|k| k.contender == *c && k.pattern == pattern)
            })
            .collect()
    }

    /// How many times cheaper per job `contender` ran `pattern` than CPython's asyncio, at
    /// the largest N both measured with no delay.
    fn cheaper_than_asyncio(&self, contender: Contender, pattern: Pattern) -> Option<f64> {
        let jobs = *self.jobs_of(pattern, 0).last()?;
        let ours = self.cost(self.key(contender, pattern, 0, jobs))?;
        let theirs = self.cost(self.key(Contender::Asyncio, pattern, 0, jobs))?;
        Some(theirs.median / ours.median.max(1.0))
    }

    /// The threads the process had when `pattern` returned at the largest N (its first
    /// run): the pool's threads, idle by then but not yet gone.
    fn threads_at_return(&self, contender: Contender, pattern: Pattern) -> Option<usize> {
        let jobs = *self.jobs_of(pattern, 0).last()?;
        let sample = self
            .samples
            .get(&self.key(contender, pattern, 0, jobs))?
            .first()?;
        Some(sample.threads.values().sum())
    }

    /// The blocking patterns' table on stdout.
    fn blocking_text(&self, out: &mut String) {
        for pattern in Pattern::BLOCKING {
            let contenders = self.blocking_contenders(pattern);
            if contenders.is_empty() {
                continue;
            }
            let jobs = self.jobs_of(pattern, 0);
            let _ = writeln!(
                out,
                "\nBlocking work, {}: overhead per job in ns (median), no delay \
                 (x cheaper: than CPython asyncio at {})",
                pattern.as_str(),
                short_count(jobs.last().copied().unwrap_or(0))
            );
            let mut header = format!("{:<24}", "runtime");
            for &n in &jobs {
                let _ = write!(header, " {:>9}", short_count(n));
            }
            let _ = writeln!(
                out,
                "{header} {:>7} {:>10} {:>9} {:>8}",
                "growth", "x cheaper", "bytes/job", "threads"
            );
            for contender in contenders {
                let mut line = format!("{:<24}", self.label(contender));
                for &n in &jobs {
                    let cost = self.cost(self.key(contender, pattern, 0, n));
                    let _ = write!(line, " {:>9}", cost.map_or("-".into(), |s| ns(s.median)));
                }
                let largest = jobs.last().copied().unwrap_or(0);
                let memory = self.memory(self.key(contender, pattern, 0, largest));
                let _ = writeln!(
                    line,
                    " {:>7} {:>10} {:>9} {:>8}",
                    self.growth(contender, pattern, 0).map_or("-".into(), ratio),
                    self.cheaper_than_asyncio(contender, pattern)
                        .filter(|_| !contender.is_python())
                        .map_or("-".into(), ratio),
                    memory.map_or("-".into(), |m| format!("{:.0}", m.median)),
                    self.threads_at_return(contender, pattern)
                        .map_or("-".into(), |t| t.to_string()),
                );
                out.push_str(&line);
            }
        }
    }

    /// The blocking patterns' section of the page.
    fn blocking_markdown(&self, out: &mut String) {
        for pattern in Pattern::BLOCKING {
            let contenders = self.blocking_contenders(pattern);
            if contenders.is_empty() {
                continue;
            }
            let jobs = self.jobs_of(pattern, 0);
            let largest = jobs.last().copied().unwrap_or(0);
            let _ = writeln!(
                out,
                "\n## Blocking work: `{}`, no delay\n",
                pattern.as_str()
            );
            out.push_str(BLOCKING_READING);
            let _ = write!(out, "\n| runtime |");
            for &n in &jobs {
                let _ = write!(out, " ns/job, N = {} |", short_count(n));
            }
            let _ = writeln!(
                out,
                " growth {}/{} | CPython asyncio / this at {} | bytes/job at {} | threads at {} |",
                short_count(largest),
                short_count(jobs.first().copied().unwrap_or(0)),
                short_count(largest),
                short_count(largest),
                short_count(largest)
            );
            let _ = writeln!(out, "|---|{}---|---|---|---|", "---:|".repeat(jobs.len()));
            for contender in contenders {
                let _ = write!(out, "| {} |", self.label(contender));
                for &n in &jobs {
                    let cell = self
                        .cost(self.key(contender, pattern, 0, n))
                        .map_or("-".into(), |s| {
                            format!("{} ({}–{})", ns(s.median), ns(s.min), ns(s.max))
                        });
                    let _ = write!(out, " {cell} |");
                }
                let memory = self.memory(self.key(contender, pattern, 0, largest));
                let _ = writeln!(
                    out,
                    " {} | {} | {} | {} |",
                    self.growth(contender, pattern, 0).map_or("-".into(), ratio),
                    self.cheaper_than_asyncio(contender, pattern)
                        .filter(|_| !contender.is_python())
                        .map_or("-".into(), ratio),
                    memory.map_or("-".into(), |m| format!(
                        "{:.0} ({:.0}–{:.0})",
                        m.median, m.min, m.max
                    )),
                    self.threads_at_return(contender, pattern)
                        .map_or("-".into(), |t| t.to_string()),
                );
            }
        }
    }

    /// The contenders that measured a queue pattern, in table order.
    fn queue_contenders(&self) -> Vec<Contender> {
        Contender::ALL
            .into_iter()
            .filter(|c| {
                self.samples
                    .keys()
                    .any(|k| k.contender == *c && Pattern::QUEUES.contains(&k.pattern))
            })
            .collect()
    }

    /// The queue patterns measured (both, unless `--pattern` chose one).
    fn queues_measured(&self) -> Vec<Pattern> {
        Pattern::QUEUES
            .into_iter()
            .filter(|&p| self.samples.keys().any(|k| k.pattern == p))
            .collect()
    }

    /// The queue patterns' table on stdout, and what it shows.
    fn queue_text(&self, out: &mut String) {
        let contenders = self.queue_contenders();
        if contenders.is_empty() {
            return;
        }
        let jobs = self.jobs_of(Pattern::Queue, 0);
        let _ = writeln!(
            out,
            "\nWorkers and a queue ({QUEUE_WORKERS} workers; queue-bounded: maxsize \
             {QUEUE_MAXSIZE}): overhead per job in ns (median), no delay \
             (x bare at {}; x cheaper: than CPython asyncio at {})",
            short_count(self.floor_jobs()),
            short_count(jobs.last().copied().unwrap_or(0))
        );
        let mut header = format!("{:<13} {:<24}", "pattern", "runtime");
        for &n in &jobs {
            let _ = write!(header, " {:>9}", short_count(n));
        }
        let _ = writeln!(
            out,
            "{header} {:>7} {:>7} {:>10} {:>9}",
            "growth", "x bare", "x cheaper", "bytes/job"
        );
        let largest = jobs.last().copied().unwrap_or(0);
        for pattern in self.queues_measured() {
            for &contender in &contenders {
                let mut line = format!("{:<13} {:<24}", pattern.as_str(), self.label(contender));
                for &n in &jobs {
                    let cost = self.cost(self.key(contender, pattern, 0, n));
                    let _ = write!(line, " {:>9}", cost.map_or("-".into(), |s| ns(s.median)));
                }
                let memory = self.memory(self.key(contender, pattern, 0, largest));
                let _ = writeln!(
                    line,
                    " {:>7} {:>7} {:>10} {:>9}",
                    self.growth(contender, pattern, 0).map_or("-".into(), ratio),
                    self.over_bare(contender, pattern, 0)
                        .map_or("-".into(), ratio),
                    self.cheaper_than_asyncio(contender, pattern)
                        .filter(|_| !contender.is_python())
                        .map_or("-".into(), ratio),
                    memory.map_or("-".into(), |m| format!("{:.0}", m.median)),
                );
                out.push_str(&line);
            }
        }
        for finding in self.queue_findings() {
            let _ = writeln!(out, "{finding}");
        }
    }

    /// The queue patterns' section of the page: what is measured, the table, and what it
    /// shows.
    fn queue_markdown(&self, out: &mut String) {
        let contenders = self.queue_contenders();
        if contenders.is_empty() {
            return;
        }
        let jobs = self.jobs_of(Pattern::Queue, 0);
        let largest = jobs.last().copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "\n## Workers and a queue: `queue` and `queue-bounded`, no delay\n"
        );
        out.push_str(QUEUE_READING);
        let _ = write!(out, "\n| pattern | runtime |");
        for &n in &jobs {
            let _ = write!(out, " ns/job, N = {} |", short_count(n));
        }
        let _ = writeln!(
            out,
            " growth {}/{} | x bare at {} | CPython asyncio / this at {} | bytes/job at {} |",
            short_count(largest),
            short_count(jobs.first().copied().unwrap_or(0)),
            short_count(self.floor_jobs()),
            short_count(largest),
            short_count(largest)
        );
        let _ = writeln!(
            out,
            "|---|---|{}---|---|---|---|",
            "---:|".repeat(jobs.len())
        );
        for pattern in self.queues_measured() {
            for &contender in &contenders {
                let _ = write!(out, "| {} | {} |", pattern.as_str(), self.label(contender));
                for &n in &jobs {
                    let cell = self
                        .cost(self.key(contender, pattern, 0, n))
                        .map_or("-".into(), |s| {
                            format!("{} ({}–{})", ns(s.median), ns(s.min), ns(s.max))
                        });
                    let _ = write!(out, " {cell} |");
                }
                let memory = self.memory(self.key(contender, pattern, 0, largest));
                let _ = writeln!(
                    out,
                    " {} | {} | {} | {} |",
                    self.growth(contender, pattern, 0).map_or("-".into(), ratio),
                    self.over_bare(contender, pattern, 0)
                        .map_or("-".into(), ratio),
                    self.cheaper_than_asyncio(contender, pattern)
                        .filter(|_| !contender.is_python())
                        .map_or("-".into(), ratio),
                    memory.map_or("-".into(), |m| format!(
                        "{:.0} ({:.0}–{:.0})",
                        m.median, m.min, m.max
                    )),
                );
            }
        }
        let findings = self.queue_findings();
        if !findings.is_empty() {
            let _ = writeln!(out, "\n{}", findings.join(" "));
        }
    }

    /// What the queue's figures show, in sentences made from them: the cost per job at the
    /// largest N on the Rust runtimes against CPython's, against a task per job, and
    /// whether it stays flat as N grows (by the bound the async patterns are held to).
    pub fn queue_findings(&self) -> Vec<String> {
        let jobs = self.jobs_of(Pattern::Queue, 0);
        let (Some(&smallest), Some(&largest)) = (jobs.first(), jobs.last()) else {
            return Vec::new();
        };
        let rust: Vec<Contender> = self
            .queue_contenders()
            .into_iter()
            .filter(|c| !c.is_python())
            .collect();
        let mut findings = Vec::new();
        for pattern in Pattern::QUEUES {
            let costs: Vec<(Contender, f64)> = rust
                .iter()
                .filter_map(|&c| Some((c, self.cost(self.key(c, pattern, 0, largest))?.median)))
                .collect();
            let (Some(cheapest), Some(dearest)) = (
                costs.iter().min_by(|a, b| a.1.total_cmp(&b.1)),
                costs.iter().max_by(|a, b| a.1.total_cmp(&b.1)),
            ) else {
                continue;
            };
            let mut sentence = format!(
                "At N = {}, a job through `{}` costs {} ns ({}) to {} ns ({}) on the Rust runtimes",
                short_count(largest),
                pattern.as_str(),
                ns(cheapest.1),
                self.label(cheapest.0),
                ns(dearest.1),
                self.label(dearest.0)
            );
            let asyncio = self.cost(self.key(Contender::Asyncio, pattern, 0, largest));
            if let Some(asyncio) = asyncio {
                let _ = write!(
                    sentence,
                    ", and {} ns on CPython asyncio: {} to {} as much",
                    ns(asyncio.median),
                    ratio(asyncio.median / dearest.1.max(1.0)),
                    ratio(asyncio.median / cheapest.1.max(1.0))
                );
            }
            sentence.push('.');
            findings.push(sentence);
        }
        let over_bare: Vec<f64> = Pattern::QUEUES
            .iter()
            .flat_map(|&p| rust.iter().map(move |&c| (c, p)))
            .filter_map(|(c, p)| self.over_bare(c, p, 0))
            .collect();
        if let Some(range) = Stat::of(&over_bare) {
            findings.push(format!(
                "Held against its runtime's bare primitive (a task spawned and awaited per \
                 job) at N = {}, a job through the queue costs {} to {} as much; the workers \
                 run in the calling task, and no job gets a task of its own.",
                short_count(self.floor_jobs()),
                ratio(range.min),
                ratio(range.max)
            ));
        }
        let growths: Vec<(f64, String)> = Pattern::QUEUES
            .iter()
            .flat_map(|&p| rust.iter().map(move |&c| (c, p)))
            .filter_map(|(c, p)| {
                let g = self.growth(c, p, 0)?;
                Some((g, format!("{} on {}", p.as_str(), self.label(c))))
            })
            .collect();
        if let Some((worst, which)) = growths.iter().max_by(|a, b| a.0.total_cmp(&b.0)) {
            let span = format!(
                "cost({}) / cost({})",
                short_count(largest),
                short_count(smallest)
            );
            if *worst <= 2.0 {
                findings.push(format!(
                    "The cost per job is flat as N grows: {span} is at most {} ({which}), \
                     within the 2x the async patterns are held to.",
                    ratio(*worst)
                ));
            } else {
                let over: Vec<String> = growths
                    .iter()
                    .filter(|(g, _)| *g > 2.0)
                    .map(|(g, which)| format!("{which}: {}", ratio(*g)))
                    .collect();
                findings.push(format!(
                    "The cost per job is NOT flat as N grows: {span} is above the 2x the \
                     async patterns are held to for {}.",
                    over.join(", ")
                ));
            }
        }
        findings
    }

    /// The chart for one delay: the overhead per job against N, log-log, one small panel
    /// per pattern, one line per runtime and for CPython.
    pub fn to_svg(&self, delay_ms: u64) -> String {
        let columns = 4.0;
        let width = PANEL_W * columns;
        let height = HEADER + PANEL_H * 2.0;
        let contenders = self.contenders();

        // One y range for every panel, in whole decades, so the panels compare at a glance.
        let costs: Vec<f64> = self
            .samples
            .keys()
            .filter(|k| k.delay_ms == delay_ms && Pattern::ALL.contains(&k.pattern))
            .filter_map(|&k| self.cost(k))
            .map(|s| s.median.max(1.0))
            .collect();
        let low = costs.iter().copied().fold(f64::INFINITY, f64::min);
        let high = costs.iter().copied().fold(0.0, f64::max);
        let (y0, y1) = if costs.is_empty() {
            (1.0, 5.0)
        } else {
            (
                low.log10().floor(),
                high.log10().ceil().max(low.log10().floor() + 1.0),
            )
        };
        let x0 = (self.min_jobs().max(1) as f64).log10();
        let x1 = (self.max_jobs().max(1) as f64).log10().max(x0 + 1.0);

        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            svg,
            r#"<text x="12" y="20" font-size="15" font-weight="bold">Overhead per job (ns) against N jobs, {}, log-log</text>"#,
            xml(&Self::mode_name(delay_ms))
        );
        let _ = writeln!(
            svg,
            r##"<text x="12" y="36" fill="#555">medians of each run's process; {} cores, {}; lower is cheaper, a flat line is linear cost</text>"##,
            self.machine.cores,
            xml(&self.machine.cpu)
        );
        let axes = Axes { x0, x1, y0, y1 };
        for (index, pattern) in Pattern::ALL.into_iter().enumerate() {
            self.svg_panel(&mut svg, index, pattern, delay_ms, axes);
        }
        // The legend fills the eighth panel.
        let (lx, ly) = (3.0 * PANEL_W + LEFT, HEADER + PANEL_H + TOP + 8.0);
        for (row, contender) in contenders.iter().enumerate() {
            let (colour, dash) = contender.style();
            let ry = ly + row as f64 * 20.0;
            let _ = writeln!(
                svg,
                r#"<line x1="{lx:.1}" y1="{ry:.1}" x2="{:.1}" y2="{ry:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
                lx + 26.0,
                lx + 32.0,
                ry + 4.0,
                xml(&self.label(*contender))
            );
        }
        svg.push_str("</svg>\n");
        svg
    }

    /// One pattern's panel of the chart: its frame, grid, labels, and a line per contender.
    fn svg_panel(
        &self,
        svg: &mut String,
        index: usize,
        pattern: Pattern,
        delay_ms: u64,
        axes: Axes,
    ) {
        let Axes { x0, x1, y0, y1 } = axes;
        let px = (index % 4) as f64 * PANEL_W;
        let py = HEADER + (index / 4) as f64 * PANEL_H;
        let (plot_w, plot_h) = (PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM);
        let x = |jobs: usize| px + LEFT + ((jobs as f64).log10() - x0) / (x1 - x0) * plot_w;
        let y = |cost: f64| py + TOP + (1.0 - (cost.max(1.0).log10() - y0) / (y1 - y0)) * plot_h;
        let title = if pattern == Pattern::Bare {
            "bare: spawn + await (the floor)"
        } else {
            pattern.as_str()
        };
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" font-weight="bold">{}</text>"#,
            px + LEFT,
            py + 16.0,
            xml(title)
        );
        let _ = writeln!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="{plot_w:.1}" height="{plot_h:.1}" fill="none" stroke="#999"/>"##,
            px + LEFT,
            py + TOP
        );
        // A grid line and a label at each decade of cost, and at each N.
        #[allow(clippy::cast_possible_truncation)] // Decades of nanoseconds: small.
        for decade in (y0 as i32)..=(y1 as i32) {
            let cost = 10f64.powi(decade);
            let gy = y(cost);
            let _ = writeln!(
                svg,
                r##"<line x1="{:.1}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
                px + LEFT,
                px + LEFT + plot_w,
                px + LEFT - 4.0,
                gy + 4.0,
                duration_label(cost)
            );
        }
        for &jobs in &self.jobs {
            let gx = x(jobs);
            let _ = writeln!(
                svg,
                r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#ddd"/><text x="{gx:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
                py + TOP,
                py + TOP + plot_h,
                py + TOP + plot_h + 14.0,
                short_count(jobs)
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#555">N jobs</text>"##,
            px + LEFT + plot_w / 2.0,
            py + TOP + plot_h + 28.0
        );
        for contender in self.contenders() {
            let points: Vec<(f64, f64)> = self
                .jobs
                .iter()
                .filter_map(|&jobs| {
                    let cost = self.cost(self.key(contender, pattern, delay_ms, jobs))?;
                    Some((x(jobs), y(cost.median)))
                })
                .collect();
            let (colour, dash) = contender.style();
            let path: Vec<String> = points
                .iter()
                .map(|(a, b)| format!("{a:.1},{b:.1}"))
                .collect();
            let _ = writeln!(
                svg,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"#,
                path.join(" ")
            );
            for (a, b) in points {
                let _ = writeln!(
                    svg,
                    r#"<circle cx="{a:.1}" cy="{b:.1}" r="2.5" fill="{colour}"/>"#
                );
            }
        }
    }
}

/// How to read the page: what the figures measure, and where the costs come from.
const READING: &str = "
## Reading the figures

- **No delay** is the cost of spawning and joining: each job yields once and returns.
  **With a delay**, N jobs sleep at the same time, and the overhead is what the run took
  beyond the delay, per job. At N = 1 000 that is mostly how late the runtime's timer fired
  (see the timer table: tokio's timer has a 1 ms tick, and 1 ms late is 1 000 ns per job at
  N = 1 000), so read the delayed figures at the larger N.
- **Growth** is cost(largest N) / cost(smallest N). A quadratic pattern grows about 10x per
  step of N (the scraper's loop did, before it marked its arrivals in a table); a linear
  one still grows a little while its jobs outgrow the CPU's caches (a few MB hold about
  10 000 tasks), then levels off: the last step of N says which.
- **x bare** holds each pattern against its runtime's bare primitive (spawn, then await
  each handle). On tokio, gather, task-group, as-completed and the scraper use a `JoinSet`:
  the set keeps each task in a list behind one mutex and is woken for every task that
  ends; each task hands back its job's number with its result (an earlier version kept a
  map from task id to job, and grew 2.1-2.4x from 1k to 1M jobs). wait's tasks send two
  messages each on an unbounded channel (started, then the result). That is where their
  cost over bare comes from; it is the price of the semantics and of tokio's idiomatic API,
  not of the pattern. On async-std and smol, as-completed uses `FuturesUnordered` over the
  handles; gather, task-group, wait and the scraper have each task hand its result over on
  an unbounded channel, so that a result that lands as its task is cancelled is not lost.
- **smol** runs its global executor on one thread unless `SMOL_THREADS` is set: compare
  `smol` with `smol, SMOL_THREADS=N`. tokio and async-std start one thread per core.
- **Memory** is read at the largest N: at N = 1 000 the kernel's resident-memory counters,
  which each thread updates in batches of pages, are too coarse for bytes per job.
";

/// What the blocking section measures, under its title.
const BLOCKING_READING: &str = "\
The `blocking` example's own `gather` (its `src/lib.rs`) of every job's *blocking* run \
(`Job::run_blocking`, with no delay: it returns at once) on the runtime's blocking pool: \
tokio's `spawn_blocking` (up to 512 threads), the `blocking` crate's pool under async-std \
and smol (up to 500), against CPython's \
`asyncio.gather(*(asyncio.to_thread(f, i) for i in range(n)))` on its default executor \
(min(32, cores + 4) threads). What a job costs here is handing it to a thread and its \
result back, and the pool starting threads as the queue grows. It is measured apart from \
the async patterns: with no delay only (with a delay, the time is how many threads each \
pool has, which the example shows), not held against the async floor, and up to N = 100 000 \
even with `--full` (CPython's `to_thread` costs about 0.1 ms and several KiB per job: a \
million would take minutes and gigabytes for the same figure). *threads* is how many the \
process had when `gather` returned, the pool's threads idle then but not yet gone.
";

/// What the queue section measures, under its title. It spells out [`QUEUE_WORKERS`] (3)
/// and [`QUEUE_MAXSIZE`] (100), and must follow them.
const QUEUE_READING: &str = "\
The `queue` example's own `run_workers` (its `src/lib.rs`): three workers, the example's \
default, take the jobs from one queue until it is closed and empty, each running the shared \
job with no delay (it yields once) and its event log off, a panic caught around it as the \
example does; the results are collected in the order the jobs end. **queue** is the \
example's `workers` scenario: every job put on the queue first (`try_send` on tokio's \
`mpsc::channel` with room for every job, on async-std's and smol's unbounded `channel`), \
the queue closed by dropping its sender, then drained. **queue-bounded** is its `bounded` \
scenario with room for 100 jobs: a producer's `send(job).await` waits while the queue is \
full, joined with the workers in the same task. Against CPython's docs example: \
`asyncio.Queue()` (or `asyncio.Queue(100)` and `await queue.put(i)`), three worker tasks \
looping on `get()` and `task_done()`, `await queue.join()`, then the workers cancelled. \
The workers are futures polled in the calling task, not spawned, as asyncio's take turns on \
its one thread: the runtime's other threads do not share the work, and what a job costs is \
a trip through the channel and the worker's loop, not a task. It is measured with no delay \
only: three workers run N jobs of 100 ms in N / 3 x 100 ms (33 s at N = 1 000), a time made \
of the jobs' delays, which the example shows. *x bare* holds it against the runtime's bare \
primitive, a task per job, for comparison: the queue is in no chart and no target. *bytes/job* \
holds the job itself while it waits on the queue (all of them at once in `queue`, at most 100 \
in `queue-bounded`) and its result, kept until the end.
";

/// "met" or "NOT met", and the misses.
fn verdict(target: &str, misses: &[String]) -> String {
    if misses.is_empty() {
        format!("met: {target}")
    } else {
        format!("NOT met: {target}; misses: {}", misses.join("; "))
    }
}

/// ` (smallest ratio 7.62x)`, or nothing if nothing was compared.
fn smallest(worst: f64) -> String {
    if worst.is_finite() {
        format!(" (smallest ratio {})", ratio(worst))
    } else {
        String::new()
    }
}

/// A ratio as `1.23x`.
fn ratio(r: f64) -> String {
    format!("{r:.2}x")
}

/// Nanoseconds as a whole number with thin groups: `12 440`.
fn ns(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1}")
    } else {
        // Cannot truncate: per-job costs are far below u64's range.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        group(value.round() as usize)
    }
}

/// A count with spaces between groups of three digits: `100 000`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `1k`, `10k`, `100k`, `1M`; other numbers as they are.
pub(crate) fn short_count(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// `no delay` or `100 ms`.
fn short_delay(delay_ms: u64) -> String {
    if delay_ms == 0 {
        "no delay".to_owned()
    } else {
        format!("{delay_ms} ms")
    }
}

/// A decade of nanoseconds as `100 ns`, `1 µs`, `10 ms`.
fn duration_label(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{} µs", ns / 1e3)
    } else {
        format!("{ns} ns")
    }
}

/// Escapes text for SVG.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        let stat = Stat::of(&[4.0, 1.0, 3.0, 2.0]).expect("four values");
        assert_eq!((stat.min, stat.median, stat.max), (1.0, 2.5, 4.0));
        assert_eq!(Stat::of(&[]), None);
    }

    #[test]
    fn numbers_are_grouped_for_reading() {
        assert_eq!(group(1_000_000), "1 000 000");
        assert_eq!(group(999), "999");
        assert_eq!(short_count(100_000), "100k");
        assert_eq!(short_count(1_000_000), "1M");
        assert_eq!(ns(12_440.4), "12 440");
        assert_eq!(duration_label(1000.0), "1 µs");
    }
}
