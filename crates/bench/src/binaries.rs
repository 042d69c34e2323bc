//! The examples end to end: each example's release binary, run as a user runs it, timed
//! from its start to its exit at one job and at two numbers of jobs, in its human output
//! and with `--json`. The rest of the bench measures the patterns' functions in-process,
//! with the event log switched off; this measures what those figures leave out: the
//! command line, every job's events, the live lines and the report, printed. A report or
//! an output that scans all the jobs once per job is invisible there and plain here.
//!
//! What it reports is how the cost grows, not the cost: the ratio of the cost at the
//! largest number of jobs to the cost at the smallest. For 10 times the jobs a linear
//! program costs about 10 times as much, a quadratic one about 100 times. The times
//! themselves depend on the machine and on what else it is doing.
//!
//! The build, the arguments (the jobs' delays) and the stopwatch are the ones
//! `scale-check` uses ([`contract::timing`]), so the two agree on what a run is.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;

use contract::timing::{self, Sink};

use crate::report::{Stat, short_count};

/// The cost (a run's time less a run of one job's) below which a cost counts as this many
/// seconds in a ratio: below it, a run's cost is mostly the noise of starting a process
/// and of timers, and a ratio against it would be noise too.
pub const MIN_COST: f64 = 0.01;

/// How far above linear growth a ratio may go before the verdict names it: twice the
/// ratio of the numbers of jobs (20 for 10 000 and 100 000), far below the 100 of a
/// quadratic path, far above the noise of a loaded machine.
pub const SLACK: f64 = 2.0;

/// An example's output: the human one, or the contract's JSON report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Output {
    /// The live lines (`Task A: starting`, ...) and the human summary.
    Human,
    /// `--json`: the report alone, every event in it.
    Json,
}

impl Output {
    /// Both outputs, in the order the tables show them.
    pub const ALL: [Output; 2] = [Output::Human, Output::Json];

    /// `human` or `json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Output::Human => "human",
            Output::Json => "json",
        }
    }

    /// The flags that ask for this output.
    fn flags(self) -> &'static [&'static str] {
        match self {
            Output::Human => &[],
            Output::Json => &["--json"],
        }
    }
}

/// What is timed: one example (`crates/<pattern>/<runtime>`) in one output.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Config {
    /// The pattern, e.g. `gather`.
    pub pattern: String,
    /// The runtime, e.g. `tokio`.
    pub runtime: String,
    /// The output.
    pub output: Output,
}

impl Config {
    /// The example's package and binary: `gather-tokio`.
    pub fn example(&self) -> String {
        format!("{}-{}", self.pattern, self.runtime)
    }
}

/// The median times of one [`Config`], in seconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Times {
    /// The scenario run: the example's default (the first of its `--scenario` values).
    pub scenario: String,
    /// A run of one job: what a run costs whatever its number of jobs (the process's start,
    /// the jobs' delays, any fixed wait of the scenario). `None` if every such run failed.
    pub one_job: Option<f64>,
    /// A run of each number of jobs measured (missing where every run failed).
    pub seconds: BTreeMap<usize, f64>,
}

/// What [`measure`] found: the median times of every example in both outputs.
#[derive(Clone, Debug, Default)]
pub struct Binaries {
    /// The numbers of jobs measured, smallest first.
    pub jobs: Vec<usize>,
    /// How many times each configuration ran.
    pub runs: usize,
    /// The medians, by configuration, in example order.
    pub times: BTreeMap<Config, Times>,
    /// The runs that failed, one line each.
    pub notes: Vec<String>,
}

/// Builds every example's release binary, in the target folder the bench itself was built
/// in when `CARGO_TARGET_DIR` says where that is, else the workspace's `target/` (see
/// [`contract::timing`]), with the cargo that runs the bench (`cargo run --release` sets
/// `$CARGO`). When they are built already, it takes a second.
pub fn build() -> anyhow::Result<()> {
    timing::build(&contract::examples()).map_err(anyhow::Error::msg)
}

/// One run to make: a configuration, its scenario, a number of jobs and which run it is.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Step {
    config: Config,
    scenario: String,
    jobs: usize,
    run: usize,
}

/// Every run to make, in order: run k of every configuration (each example in both outputs,
/// at one job and at each of `jobs`) before run k + 1 of any, so that a burst of load on
/// the machine spreads over the configurations instead of landing on one. `examples` is
/// `(pattern, runtime)`, as [`contract::examples`] lists them.
fn plan(examples: &[(String, String)], jobs: &[usize], runs: usize) -> Vec<Step> {
    let mut sizes = vec![1];
    sizes.extend(jobs.iter().copied().filter(|&n| n != 1));
    let mut configs = Vec::new();
    for (pattern, runtime) in examples {
        // Every example has a scenario; one that had none would fail each run, as a note.
        let scenario = contract::scenarios(pattern)
            .into_iter()
            .next()
            .unwrap_or_default();
        for output in Output::ALL {
            let config = Config {
                pattern: pattern.clone(),
                runtime: runtime.clone(),
                output,
            };
            configs.push((config, scenario.clone()));
        }
    }
    let mut steps = Vec::new();
    for run in 0..runs {
        for (config, scenario) in &configs {
            for &jobs in &sizes {
                steps.push(Step {
                    config: config.clone(),
                    scenario: scenario.clone(),
                    jobs,
                    run,
                });
            }
        }
    }
    steps
}

/// The command of one step: the release binary, its scenario named with `--scenario` (so
/// that [`timing::arguments`] knows it: `blocking`'s default, `to-thread`, gets no delay),
/// its output's flags, and the runtimes' thread settings at their defaults.
fn command(step: &Step) -> Command {
    let mut args = vec!["--scenario", step.scenario.as_str()];
    args.extend(step.config.output.flags());
    let mut command = timing::command(&step.config.pattern, &step.config.runtime, &args, step.jobs);
    for variable in crate::THREAD_VARIABLES {
        command.env_remove(variable);
    }
    command
}

/// Times every example's release binary (build them first: [`build`]) on its default
/// scenario, in its human output and with `--json`, at one job and at each of `jobs`,
/// `runs` times, interleaved (see the module's docs). Each run's output goes to a pipe that
/// the bench reads and throws away, as `| cat > /dev/null` would. `on_step` hears what is
/// about to run, for a progress line. A run that fails is a note, and leaves its cell
/// empty if every run of it failed.
pub fn measure(jobs: &[usize], runs: usize, mut on_step: impl FnMut(&str)) -> Binaries {
    let runs = runs.max(1);
    let mut samples: BTreeMap<Config, (String, BTreeMap<usize, Vec<f64>>)> = BTreeMap::new();
    let mut notes = Vec::new();
    for step in plan(&contract::examples(), jobs, runs) {
        let what = format!(
            "{} {}, N = {} (run {}/{runs})",
            step.config.example(),
            step.config.output.as_str(),
            shared::count(step.jobs),
            step.run + 1
        );
        on_step(&what);
        let entry = samples
            .entry(step.config.clone())
            .or_insert_with(|| (step.scenario.clone(), BTreeMap::new()));
        match timing::time(&mut command(&step), &step.config.pattern, Sink::Pipe) {
            Ok(took) => entry
                .1
                .entry(step.jobs)
                .or_default()
                .push(took.as_secs_f64()),
            Err(err) => notes.push(format!("{what}: {err}")),
        }
    }
    Binaries::from_samples(jobs, runs, samples, notes)
}

impl Binaries {
    /// The medians of every configuration's runs: `samples` holds each one's scenario and
    /// its times in seconds by number of jobs (1 for the run of one job).
    fn from_samples(
        jobs: &[usize],
        runs: usize,
        samples: BTreeMap<Config, (String, BTreeMap<usize, Vec<f64>>)>,
        notes: Vec<String>,
    ) -> Self {
        let mut jobs: Vec<usize> = jobs.iter().copied().filter(|&n| n != 1).collect();
        jobs.sort_unstable();
        jobs.dedup();
        let times = samples
            .into_iter()
            .map(|(config, (scenario, by_jobs))| {
                let median = |n: usize| by_jobs.get(&n).and_then(|v| Stat::of(v)).map(|s| s.median);
                let seconds = jobs.iter().filter_map(|&n| Some((n, median(n)?))).collect();
                let times = Times {
                    scenario,
                    one_job: median(1),
                    seconds,
                };
                (config, times)
            })
            .collect();
        Binaries {
            jobs,
            runs,
            times,
            notes,
        }
    }

    /// The growth linear costs give: the largest number of jobs over the smallest (10 for
    /// 10 000 and 100 000); `None` with fewer than two numbers of jobs.
    pub fn linear(&self) -> Option<f64> {
        match (self.jobs.first(), self.jobs.last()) {
            (Some(&small), Some(&large)) if large > small => Some(large as f64 / small as f64),
            _ => None,
        }
    }

    /// What `jobs` jobs cost in this configuration, in seconds: the median run's time less
    /// the median run of one job's, and at least [`MIN_COST`].
    pub fn cost(&self, config: &Config, jobs: usize) -> Option<f64> {
        let times = self.times.get(config)?;
        let cost = times.seconds.get(&jobs)? - times.one_job?;
        Some(cost.max(MIN_COST))
    }

    /// How the cost grows: the cost at the largest number of jobs over the cost at the
    /// smallest. About [`Binaries::linear`] for a program that does a fixed amount of work
    /// per job, and its square for one that scans every job or event once per job.
    pub fn ratio(&self, config: &Config) -> Option<f64> {
        self.linear()?;
        let small = self.cost(config, *self.jobs.first()?)?;
        let large = self.cost(config, *self.jobs.last()?)?;
        Some(large / small)
    }

    /// The ratio above which the verdict names a configuration: [`SLACK`] times linear.
    pub fn limit(&self) -> Option<f64> {
        self.linear().map(|linear| linear * SLACK)
    }

    /// The one-line verdict: every ratio under the limit, or which are not, with their
    /// ratios; and how many configurations gave no ratio.
    pub fn verdict(&self) -> String {
        let Some(limit) = self.limit() else {
            return "No ratio: it needs two numbers of jobs.".to_owned();
        };
        let mut over = Vec::new();
        let mut missing = 0;
        for config in self.times.keys() {
            match self.ratio(config) {
                Some(ratio) if ratio >= limit => over.push(format!(
                    "{} {} ({ratio:.1})",
                    config.example(),
                    config.output.as_str()
                )),
                Some(_) => {}
                None => missing += 1,
            }
        }
        let mut verdict = if self.times.is_empty() {
            "Nothing was measured.".to_owned()
        } else if over.is_empty() {
            format!("Every ratio is under {limit:.0}: each example's cost grows with its jobs.")
        } else {
            format!(
                "{} of {} ratios are {limit:.0} or more: {}.",
                over.len(),
                self.times.len() - missing,
                over.join(", ")
            )
        };
        if missing > 0 && !self.times.is_empty() {
            let _ = write!(
                verdict,
                " {missing} gave no ratio: their runs failed (see the notes)."
            );
        }
        verdict
    }

    /// The table for the terminal: the median seconds of each example in each output, and
    /// the ratio; then the verdict and the notes.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nThe examples end to end: release binaries, default scenario, output to a pipe; \
             seconds, median of {} run{}",
            self.runs,
            if self.runs == 1 { "" } else { "s" }
        );
        let mut header = format!("{:<42} {:<6} {:>8}", "example", "output", "1 job");
        for &n in &self.jobs {
            let _ = write!(header, " {:>8}", short_count(n));
        }
        let _ = writeln!(out, "{header} {:>7}", "ratio");
        for (config, times) in &self.times {
            let name = format!("{} ({})", config.example(), times.scenario);
            let mut line = format!(
                "{name:<42} {:<6} {:>8}",
                config.output.as_str(),
                seconds(times.one_job)
            );
            for n in &self.jobs {
                let _ = write!(line, " {:>8}", seconds(times.seconds.get(n).copied()));
            }
            let _ = writeln!(line, " {:>7}", ratio(self.ratio(config)));
            out.push_str(&line);
        }
        let _ = writeln!(out, "{}", self.verdict());
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }

    /// The page's section: `## The examples end to end`, what is run and how, the table
    /// (example | output | 1 job | each number of jobs | ratio), the verdict and the notes.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## The examples end to end\n");
        let sizes: Vec<String> = self.jobs.iter().map(|&n| shared::count(n)).collect();
        let (small, large) = match (sizes.first(), sizes.last()) {
            (Some(small), Some(large)) => (small.as_str(), large.as_str()),
            _ => ("N", "N"),
        };
        let linear = self.linear().unwrap_or(10.0);
        let runs = match self.runs {
            1 => "once".to_owned(),
            n => format!("{n} times, in turns (the first run of each before the second of any)"),
        };
        let _ = writeln!(
            out,
            "Each example's release binary, run as a user runs it: its default scenario, in \
             its human output and with `--json`, at {} jobs and at one job, {runs}, its \
             output read from a pipe and thrown away as `| cat > /dev/null` would. The jobs \
             sleep 0.1 s, all at once; those that would wait in turn sleep not at all (the \
             queue's, which wait for one of three workers, and `blocking`'s `to-thread`, \
             which hold a thread of the blocking pool), and `shutdown`'s are interrupted \
             after 0.1 s by the program's own SIGINT: the runs of `scale-check`. A time is \
             the median run's, from the start of the process to its exit. The cost of a run \
             is its time less the run of one job's (the process's start, the delays, any \
             fixed wait of the scenario), and at least {} s; the ratio is the cost at {large} \
             jobs over the cost at {small}. Read the ratio, not the time: the time depends on \
             the machine and its load, while a program that does a fixed amount of work per \
             job costs about {linear:.0} times as much for {linear:.0} times the jobs, and one \
             that scans every job or event once per job (a quadratic report or output) about \
             {:.0} times. A ratio near 1 is of a scenario whose jobs cost less than the floor \
             at both sizes: `timeout`'s `wait-for` and `cancel-cleanup`'s `cancel` run job 0 \
             alone and report the others as never started, so it says only that nothing there \
             grows faster than the jobs.\n",
            sizes.join(" and "),
            MIN_COST,
            linear * linear
        );
        let _ = write!(out, "| example | output | 1 job (s) |");
        for &n in &self.jobs {
            let _ = write!(out, " {} (s) |", short_count(n));
        }
        let _ = writeln!(out, " ratio |");
        let _ = writeln!(
            out,
            "|---|---|---:|{}---:|",
            "---:|".repeat(self.jobs.len())
        );
        for (config, times) in &self.times {
            let _ = write!(
                out,
                "| `{}` ({}) | {} | {} |",
                config.example(),
                times.scenario,
                config.output.as_str(),
                seconds(times.one_job)
            );
            for n in &self.jobs {
                let _ = write!(out, " {} |", seconds(times.seconds.get(n).copied()));
            }
            let _ = writeln!(out, " {} |", ratio(self.ratio(config)));
        }
        let _ = writeln!(out, "\n{}", self.verdict());
        if !self.notes.is_empty() {
            let _ = writeln!(out, "\nRuns that failed:\n");
            for note in &self.notes {
                let _ = writeln!(out, "- {note}");
            }
        }
        out
    }
}

/// Seconds as `1.23`, or `-` for none.
fn seconds(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |s| format!("{s:.2}"))
}

/// A ratio as `9.8`, or `-` for none.
fn ratio(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |r| format!("{r:.1}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pattern: &str, runtime: &str, output: Output) -> Config {
        Config {
            pattern: pattern.to_owned(),
            runtime: runtime.to_owned(),
            output,
        }
    }

    /// Two examples: one linear in both outputs, one whose human output is quadratic.
    fn binaries() -> Binaries {
        let times = |one: f64, small: f64, large: f64| Times {
            scenario: "default".to_owned(),
            one_job: Some(one),
            seconds: BTreeMap::from([(10_000, small), (100_000, large)]),
        };
        Binaries {
            jobs: vec![10_000, 100_000],
            runs: 3,
            times: BTreeMap::from([
                (
                    config("gather", "tokio", Output::Human),
                    times(0.1, 0.15, 0.6),
                ),
                (
                    config("gather", "tokio", Output::Json),
                    times(0.1, 0.12, 0.3),
                ),
                (config("wait", "smol", Output::Human), times(0.1, 0.2, 10.1)),
                (config("wait", "smol", Output::Json), times(0.1, 0.13, 0.4)),
            ]),
            notes: Vec::new(),
        }
    }

    #[test]
    fn the_ratio_is_of_the_costs_beyond_a_run_of_one_job() {
        let b = binaries();
        let ratio = b.ratio(&config("gather", "tokio", Output::Human));
        assert!(ratio.is_some_and(|r| (r - 10.0).abs() < 1e-9), "{ratio:?}");
        let ratio = b.ratio(&config("wait", "smol", Output::Human));
        assert!(ratio.is_some_and(|r| (r - 100.0).abs() < 1e-9), "{ratio:?}");
        assert_eq!(b.linear(), Some(10.0));
        assert_eq!(b.limit(), Some(20.0));
    }

    #[test]
    fn a_cost_below_the_floor_counts_as_the_floor() {
        let mut b = binaries();
        let key = config("gather", "tokio", Output::Json);
        // 10 000 jobs cost 1 ms beyond one job: noise, counted as 10 ms.
        b.times
            .get_mut(&key)
            .expect("present")
            .seconds
            .insert(10_000, 0.101);
        assert_eq!(b.cost(&key, 10_000), Some(MIN_COST));
        let ratio = b.ratio(&key).expect("both sizes");
        assert!((ratio - 20.0).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn no_ratio_without_a_run_of_one_job_or_a_second_size() {
        let mut b = binaries();
        let key = config("gather", "tokio", Output::Human);
        b.times.get_mut(&key).expect("present").one_job = None;
        assert_eq!(b.ratio(&key), None);
        b.jobs = vec![10_000];
        assert_eq!(b.ratio(&config("wait", "smol", Output::Json)), None);
        assert_eq!(b.verdict(), "No ratio: it needs two numbers of jobs.");
    }

    #[test]
    fn the_verdict_names_each_ratio_over_the_limit_with_its_number() {
        let b = binaries();
        assert_eq!(
            b.verdict(),
            "1 of 4 ratios are 20 or more: wait-smol human (100.0)."
        );
        let mut linear = b.clone();
        linear.times.retain(|c, _| c.pattern == "gather");
        assert_eq!(
            linear.verdict(),
            "Every ratio is under 20: each example's cost grows with its jobs."
        );
        let mut failed = linear.clone();
        let key = config("gather", "tokio", Output::Json);
        failed.times.get_mut(&key).expect("present").seconds.clear();
        assert!(
            failed
                .verdict()
                .ends_with(" 1 gave no ratio: their runs failed (see the notes).")
        );
    }

    #[test]
    fn the_markdown_is_a_section_with_a_paragraph_a_table_and_the_verdict() {
        let mut b = binaries();
        b.notes
            .push("wait-smol json, N = 100 000 (run 2/3): exited with exit status: 1".to_owned());
        let page = b.to_markdown();
        assert!(page.starts_with("## The examples end to end\n\n"), "{page}");
        assert!(page.contains("at 10 000 and 100 000 jobs and at one job, 3 times"));
        assert!(page.contains("about 10 times as much for 10 times the jobs"));
        assert!(page.contains("about 100 times."));
        assert!(page.contains(
            "| example | output | 1 job (s) | 10k (s) | 100k (s) | ratio |\n\
             |---|---|---:|---:|---:|---:|\n\
             | `gather-tokio` (default) | human | 0.10 | 0.15 | 0.60 | 10.0 |\n"
        ));
        assert!(page.contains("| `wait-smol` (default) | human | 0.10 | 0.20 | 10.10 | 100.0 |\n"));
        assert!(page.contains("\n1 of 4 ratios are 20 or more: wait-smol human (100.0).\n"));
        assert!(page.ends_with(
            "\nRuns that failed:\n\n- wait-smol json, N = 100 000 (run 2/3): exited with exit \
             status: 1\n"
        ));
        // One row per configuration, and nothing else in the table.
        let rows = page.lines().filter(|l| l.starts_with("| `")).count();
        assert_eq!(rows, b.times.len());
    }

    #[test]
    fn the_text_is_a_table_with_the_verdict_and_the_notes() {
        let mut b = binaries();
        b.notes
            .push("gather-tokio human, N = 1 (run 1/3): cannot start".to_owned());
        let text = b.to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].contains("median of 3 runs"), "{text}");
        assert!(lines[2].starts_with("example"));
        assert!(
            lines[2].ends_with("1 job      10k     100k   ratio"),
            "{text}"
        );
        assert!(lines[3].starts_with("gather-tokio (default)"));
        assert!(
            lines[3].ends_with("human      0.10     0.15     0.60    10.0"),
            "{text}"
        );
        assert_eq!(lines.len(), 2 + 1 + 4 + 2);
        assert!(lines[7].starts_with("1 of 4 ratios"));
        assert_eq!(
            lines[8],
            "note: gather-tokio human, N = 1 (run 1/3): cannot start"
        );
    }

    #[test]
    fn an_empty_measurement_renders_without_rows() {
        let b = Binaries::default();
        assert_eq!(b.verdict(), "No ratio: it needs two numbers of jobs.");
        assert!(
            b.to_markdown()
                .contains("| example | output | 1 job (s) | ratio |")
        );
        let b = Binaries {
            jobs: vec![10, 100],
            ..Binaries::default()
        };
        assert_eq!(b.verdict(), "Nothing was measured.");
    }

    #[test]
    fn every_configuration_runs_once_before_any_runs_twice() {
        let examples = [
            ("gather".to_owned(), "tokio".to_owned()),
            ("queue".to_owned(), "smol".to_owned()),
        ];
        let steps = plan(&examples, &[10, 100], 2);
        // 2 examples x 2 outputs x (one job, 10, 100) x 2 runs.
        assert_eq!(steps.len(), 24);
        assert!(steps[..12].iter().all(|s| s.run == 0));
        assert!(steps[12..].iter().all(|s| s.run == 1));
        let first: Vec<(String, Output, usize)> = steps[..3]
            .iter()
            .map(|s| (s.config.example(), s.config.output, s.jobs))
            .collect();
        assert_eq!(
            first,
            [
                ("gather-tokio".to_owned(), Output::Human, 1),
                ("gather-tokio".to_owned(), Output::Human, 10),
                ("gather-tokio".to_owned(), Output::Human, 100),
            ]
        );
        assert_eq!(steps[0].scenario, "default");
        assert_eq!(steps[6].scenario, "workers");
    }

    #[test]
    fn each_run_names_its_scenario_and_output_and_leaves_the_thread_settings_at_their_defaults() {
        let step = Step {
            config: config("queue", "smol", Output::Json),
            scenario: "workers".to_owned(),
            jobs: 100,
            run: 0,
        };
        let command = command(&step);
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(
            args,
            [
                "--tasks",
                "100",
                "--delay",
                "0",
                "--scenario",
                "workers",
                "--json"
            ]
        );
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_string_lossy().into_owned())
            .collect();
        for variable in crate::THREAD_VARIABLES {
            assert!(removed.iter().any(|r| r == variable), "{variable}");
        }
    }

    #[test]
    fn the_medians_come_from_the_runs_that_did_not_fail() {
        let key = config("gather", "smol", Output::Human);
        let samples = BTreeMap::from([(
            key.clone(),
            (
                "default".to_owned(),
                BTreeMap::from([(1, vec![0.1, 0.3, 0.2]), (10, vec![0.5])]),
            ),
        )]);
        let b = Binaries::from_samples(&[100, 10, 1], 3, samples, vec!["a note".to_owned()]);
        assert_eq!(b.jobs, [10, 100]);
        let times = &b.times[&key];
        assert_eq!(times.one_job, Some(0.2));
        assert_eq!(times.seconds, BTreeMap::from([(10, 0.5)]));
        assert_eq!(b.ratio(&key), None, "every run of 100 jobs failed");
        assert_eq!(b.notes, ["a note"]);
    }
}
