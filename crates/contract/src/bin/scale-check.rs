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
//! of running for hours.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::path::PathBuf;

use contract::{examples, scenarios, workspace_root};

/// How much more than 10 x the small run's cost the big run may take.
const MAX_RATIO: f64 = 40.0;

/// The most any one run may take before it counts as stuck.
const LIMIT: Duration = Duration::from_secs(300);

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
    build(&examples);
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

/// Runs one example with `jobs` jobs of 0.1 s (0 s when they cannot all sleep at once;
/// shutdown's, see [`shutdown_flags`]) and these arguments, its output thrown away, and
/// returns how long it took, or what went wrong.
fn time(pattern: &str, runtime: &str, args: &[&str], jobs: usize) -> Result<Duration, String> {
    let (delay, flags) = if pattern == "shutdown" {
        ("60", shutdown_flags(args))
    } else if waits_in_turn(pattern, args) {
        ("0", &[][..])
    } else {
        ("0.1", &[][..])
    };
    let mut command = Command::new(release_binary(pattern, runtime));
    command
        .args(["--tasks", &jobs.to_string(), "--delay", delay])
        .args(flags)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|err| format!("cannot start: {err}"))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
            if !contract::exits_with_a_report(pattern, status.code()) {
                return Err(format!("{jobs} jobs: exited with {status}"));
            }
            return Ok(start.elapsed());
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            return Err(format!("{jobs} jobs: still running after {LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Whether the jobs of this run would wait for one another with a delay: jobs one after
/// another (gather's `sequential`), blocking work, which holds a thread of a pool of
/// about 500 for its whole delay (`to-thread`: 200 000 jobs of 0.1 s would take 40 s), or
/// jobs that wait for one of a queue's three workers (both scenarios: 200 000 jobs of
/// 0.1 s would take more than an hour). They get no delay, so that the run measures the
/// pattern's own cost per job: for `queue`, every job through the channel and a worker,
/// and in `bounded` the producer's put waiting for room in a queue of one.
/// (`blocked` and blocking's `timeout` block only a job or two: they keep the delay.)
fn waits_in_turn(pattern: &str, args: &[&str]) -> bool {
    args.contains(&"sequential")
        || (pattern == "blocking" && args.contains(&"to-thread"))
        || pattern == "queue"
}

/// The shutdown runs: their jobs (of a minute) are interrupted after 0.1 s, as briefly as
/// the other patterns' jobs sleep, by the program's own SIGINT (it exits 130); their
/// cleanups take no time, and in `grace` take a minute and are abandoned after 0.05 s. So
/// the run measures the signal, every job's cleanup and the report, not the jobs' sleep.
fn shutdown_flags(args: &[&str]) -> &'static [&'static str] {
    if args.contains(&"grace") {
        &[
            "--interrupt-after",
            "0.1",
            "--cleanup",
            "60",
            "--grace",
            "0.05",
        ]
    } else {
        &["--interrupt-after", "0.1", "--cleanup", "0"]
    }
}

/// Builds every example with `--release`, or exits with status 1 if that fails.
fn build(examples: &[(String, String)]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--release", "--bins"])
        .current_dir(workspace_root());
    for (pattern, runtime) in examples {
        command.args(["-p", &format!("{pattern}-{runtime}")]);
    }
    if !command.status().is_ok_and(|status| status.success()) {
        eprintln!("error: the release build of the examples failed");
        std::process::exit(1);
    }
}

/// Where the release build put an example's binary.
fn release_binary(pattern: &str, runtime: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    target.join("release").join(format!(
        "{pattern}-{runtime}{}",
        std::env::consts::EXE_SUFFIX
    ))
}
