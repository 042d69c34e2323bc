//! Checks that every example binary stays linear in the number of jobs, end to end, in its
//! human output and with `--json`, on every scenario, plain and with a failing job: it runs
//! each at N and at 10 x N jobs and fails when the bigger run costs far more than ten times
//! the smaller one (a per-job scan of all the jobs or events makes it about a hundred times).
//!
//! ```text
//! scripts/scale-check.sh                       # N = 20 000 and 200 000, release binaries
//! scripts/scale-check.sh --jobs 100000         # N = 100 000 and 1 000 000
//! scripts/scale-check.sh shutdown gather       # only these patterns' examples
//! ```
//!
//! It builds the examples with `--release` first (a few minutes the first time): optimised
//! code runs the big sizes in a fraction of a second, so that the two sizes sit far apart and
//! a quadratic path, which costs seconds there, stands out.
//!
//! `shutdown` runs jobs of a minute that its own SIGINT interrupts after 0.1 s, and counts
//! the exit status 130 as success: the cost measured is the signal's, every job's cleanup
//! (of no time; in `grace`, abandoned after 0.05 s) and the report. `queue` runs jobs of no
//! delay (`--tasks N --delay 0`) on its default three workers, in both scenarios: jobs that
//! sleep would wait for a worker in turn.
//!
//! The ratio, not a time, is what it judges, so a loaded machine slows both runs alike;
//! the limit (40, against 10 for a linear program) leaves room for the noise of one busy
//! moment. Each run also has a generous time limit, so that a quadratic path fails instead
//! of running for hours. The build, the arguments and the stopwatch are
//! [`contract::timing`]'s, which the benchmark's end-to-end table uses too.

use std::time::Duration;

use contract::timing::{self, Sink};
use contract::{examples, scenarios};

/// How much more than 10 x the small run's cost the big run may take.
const MAX_RATIO: f64 = 40.0;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut small: usize = 20_000;
    let mut only: Vec<String> = Vec::new();
    while let Some(arg) = args.next() {
        if !arg.starts_with('-') {
            only.push(arg);
            continue;
        }
        match (arg.as_str(), args.next().map(|n| n.parse())) {
            ("--jobs", Some(Ok(n))) if n > 0 => small = n,
            _ => {
                eprintln!(
                    "usage: scale-check [--jobs N] [PATTERN...]   (runs N and 10 x N jobs, of \
                     every pattern when none is named)"
                );
                std::process::exit(2);
            }
        }
    }
    let examples: Vec<(String, String)> = examples()
        .into_iter()
        .filter(|(pattern, _)| only.is_empty() || only.contains(pattern))
        .collect();
    if examples.is_empty() {
        eprintln!("error: no example packages found under crates/ (for {only:?})");
        std::process::exit(1);
    }
    if let Err(err) = timing::build(&examples) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    println!(
        "{:<52} {:>6} {:>9} {:>9} {:>6}",
        "example", "output", "N", "10 x N", "ratio"
    );
    for (pattern, runtime) in &examples {
        for scenario in scenarios(pattern) {
            for variant in [&[][..], &["--fail", "0"]] {
                for json in [false, true] {
                    let name = format!("{pattern}-{runtime} {scenario} {}", variant.join(" "));
                    let mode = if json { "json" } else { "human" };
                    let mut args = vec!["--scenario", &scenario];
                    args.extend(variant);
                    if json {
                        args.push("--json");
                    }
                    checked += 1;
                    let a = time(pattern, runtime, &args, small);
                    let b = time(pattern, runtime, &args, small * 10);
                    match (a, b) {
                        (Ok(a), Ok(b)) => {
                            // A run under 10 ms counts as 10 ms: start-up is most of it.
                            let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.01);
                            println!(
                                "{name:<52} {mode:>6} {:>8.2}s {:>8.2}s {ratio:>6.1}",
                                a.as_secs_f64(),
                                b.as_secs_f64()
                            );
                            if ratio > MAX_RATIO {
                                failures.push(format!(
                                    "{name} ({mode}): {ratio:.0} x the cost for 10 x the jobs"
                                ));
                            }
                        }
                        (Err(err), _) | (_, Err(err)) => {
                            failures.push(format!("{name} ({mode}): {err}"));
                        }
                    }
                }
            }
        }
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "{} passed, {} failed",
        checked - failures.len(),
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

/// Runs one example's release binary with `jobs` jobs (see [`timing::arguments`]) and
/// these arguments, its output thrown away, and returns how long it took, or what went
/// wrong.
fn time(pattern: &str, runtime: &str, args: &[&str], jobs: usize) -> Result<Duration, String> {
    let mut command = timing::command(pattern, runtime, args, jobs);
    timing::time(&mut command, pattern, Sink::Null).map_err(|err| format!("{jobs} jobs: {err}"))
}
