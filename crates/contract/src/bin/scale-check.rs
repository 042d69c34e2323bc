//! Checks that every example binary stays linear in the number of jobs, end to end, in its
//! human output and with `--json`: it runs each at N and at 10 x N jobs and fails when the
//! bigger run costs far more than ten times the smaller one (a per-job scan of all the
//! jobs or events makes it about a hundred times).
//!
//! ```text
//! scripts/scale-check.sh                       # N = 20 000 and 200 000, debug binaries
//! scripts/scale-check.sh --jobs 100000         # N = 100 000 and 1 000 000
//! ```
//!
//! The ratio, not a time, is what it judges, so a loaded machine slows both runs alike;
//! the limit (40, against 10 for a linear program) leaves room for the noise of one busy
//! moment. Each run also has a generous time limit, so that a quadratic path fails instead
//! of running for hours.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use contract::{binary, examples};

/// How much more than 10 x the small run's cost the big run may take.
const MAX_RATIO: f64 = 40.0;

/// The most any one run may take before it counts as stuck.
const LIMIT: Duration = Duration::from_secs(300);

fn main() {
    let mut args = std::env::args().skip(1);
    let mut small: usize = 20_000;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next().map(|n| n.parse())) {
            ("--jobs", Some(Ok(n))) if n > 0 => small = n,
            _ => {
                eprintln!("usage: scale-check [--jobs N]   (runs N and 10 x N jobs)");
                std::process::exit(2);
            }
        }
    }
    let examples = examples();
    // Build once, before the runs.
    let _ = binary(&examples[0].0, &examples[0].1);
    let mut failures = Vec::new();
    println!(
        "{:<26} {:>6} {:>10} {:>10} {:>7}",
        "example", "output", "N", "10 x N", "ratio"
    );
    for (pattern, runtime) in &examples {
        for json in [false, true] {
            let name = format!("{pattern}-{runtime}");
            let mode = if json { "json" } else { "human" };
            let a = time(pattern, runtime, small, json);
            let b = time(pattern, runtime, small * 10, json);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    // A run shorter than 10 ms is measured as 10 ms: start-up dominates it.
                    let ratio = b.as_secs_f64() / a.as_secs_f64().max(0.01);
                    println!(
                        "{name:<26} {mode:>6} {:>9.2}s {:>9.2}s {ratio:>7.1}",
                        a.as_secs_f64(),
                        b.as_secs_f64()
                    );
                    if ratio > MAX_RATIO {
                        failures.push(format!(
                            "{name} ({mode}): {ratio:.0} x the cost for 10 x the jobs"
                        ));
                    }
                }
                (Err(err), _) | (_, Err(err)) => failures.push(format!("{name} ({mode}): {err}")),
            }
        }
    }
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "{} passed, {} failed",
        examples.len() * 2 - failures.len().min(examples.len() * 2),
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

/// Runs one example with `jobs` jobs of 0.1 s, its output thrown away, and returns how long
/// it took, or what went wrong.
fn time(pattern: &str, runtime: &str, jobs: usize, json: bool) -> Result<Duration, String> {
    let mut command = Command::new(binary(pattern, runtime));
    command
        .args(["--tasks", &jobs.to_string(), "--delay", "0.1"])
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if json {
        command.arg("--json");
    }
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|err| format!("cannot start: {err}"))?;
    loop {
        if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
            if !status.success() {
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
