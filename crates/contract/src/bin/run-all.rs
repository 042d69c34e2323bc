//! Runs every example binary on every scenario at a fast time scale, plain and with a
//! failing and a panicking job, and checks each run: exit code 0 (for an interrupted
//! `shutdown`, 130: the signal's), no crash, and a `--json` report that keeps the contract.
//! Prints one line per problem and a closing count.
//!
//! ```text
//! scripts/run-all.sh              # or: cargo run -q -p contract --bin run-all
//! scripts/run-all.sh shutdown     # only these patterns' examples
//! ```

use std::sync::Mutex;

use contract::{binary, examples, problems, scenarios};

/// Delays of tens of milliseconds, and durations that fall between them, so that every
/// scenario has something to finish, fail, time out or cancel. Each pattern gets the flags
/// it reads (`shared::scenarios::reads`): the others are usage errors.
const FAST: &[(&str, &str)] = &[
    ("--delays", "0.06,0.02,0.1"),
    ("--timeout", "0.04"),
    ("--cancel-after", "0.03"),
    ("--cleanup", "0.01"),
    ("--main-delay", "0.01"),
    // blocking's `blocked`: two jobs block their thread (the default is job 0 alone).
    ("--block", "0,2"),
    // shutdown: the signal comes after jobs 1 and 0 ended, and interrupts job 2 (so the
    // failing and the panicking job end before it); in `grace`, the cleanup is abandoned.
    ("--interrupt-after", "0.08"),
    ("--grace", "0.005"),
    // queue: two workers for three jobs, so that job 2 waits for a free worker (and, in
    // `bounded`, the producer's put for room in a queue of one).
    ("--workers", "2"),
    ("--maxsize", "1"),
];

/// The variants each scenario runs in, beyond the fast delays.
const VARIANTS: &[&[&str]] = &[&[], &["--fail", "1"], &["--panic", "0"]];

fn main() {
    let only: Vec<String> = std::env::args().skip(1).collect();
    if only.iter().any(|arg| arg.starts_with('-')) {
        eprintln!("usage: run-all [PATTERN...]   (every pattern when none is named)");
        std::process::exit(2);
    }
    let runs: Vec<(String, String, String, &[&str])> = examples()
        .into_iter()
        .filter(|(pattern, _)| only.is_empty() || only.contains(pattern))
        .flat_map(|(pattern, runtime)| {
            scenarios(&pattern).into_iter().flat_map(move |scenario| {
                let (pattern, runtime) = (pattern.clone(), runtime.clone());
                VARIANTS.iter().map(move |variant| {
                    (pattern.clone(), runtime.clone(), scenario.clone(), *variant)
                })
            })
        })
        .collect();
    if runs.is_empty() {
        eprintln!("error: no example packages found under crates/ (for {only:?})");
        std::process::exit(1);
    }
    // Build once, before the runs start in parallel.
    let _ = binary(&runs[0].0, &runs[0].1);

    let next = Mutex::new(runs.iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                loop {
                    let Some((pattern, runtime, scenario, variant)) = next.lock().unwrap().next()
                    else {
                        break;
                    };
                    let problems = check(pattern, runtime, scenario, variant);
                    if !problems.is_empty() {
                        let who = format!(
                            "{pattern}-{runtime} --scenario {scenario} {}",
                            variant.join(" ")
                        );
                        failures
                            .lock()
                            .unwrap()
                            .push(format!("{who}: {}", problems.join("; ")));
                    }
                }
            });
        }
    });

    let failures = failures.into_inner().unwrap();
    for failure in &failures {
        println!("FAIL {failure}");
    }
    println!(
        "run-all: {} passed, {} failed",
        runs.len() - failures.len(),
        failures.len()
    );
    if !failures.is_empty() {
        std::process::exit(1);
    }
}

/// Runs one scenario twice (human output, then `--json`) and says what is wrong.
fn check(pattern: &str, runtime: &str, scenario: &str, variant: &[&str]) -> Vec<String> {
    let mut args = vec!["--scenario", scenario];
    for &(flag, value) in FAST {
        if shared::scenarios::reads(pattern, flag) {
            args.extend([flag, value]);
        }
    }
    args.extend(variant);
    let mut problems_found = Vec::new();

    let panicking = variant.first() == Some(&"--panic");
    let human = contract::run(pattern, runtime, &args);
    let stderr = String::from_utf8_lossy(&human.stderr);
    if !contract::exits_with_a_report(pattern, human.status.code()) {
        let last = stderr.lines().last().unwrap_or_default();
        let code = human.status.code();
        problems_found.push(format!("human output exited with {code:?}: {last}"));
    }
    if !panicking && stderr.contains("panicked") {
        problems_found.push(format!("a panic with no panicking job: {stderr}"));
    }

    args.push("--json");
    let output = contract::run(pattern, runtime, &args);
    if !contract::exits_with_a_report(pattern, output.status.code()) {
        problems_found.push(format!("--json exited with {:?}", output.status.code()));
        return problems_found;
    }
    let report: shared::Report = match serde_json::from_slice(&output.stdout) {
        Ok(report) => report,
        Err(err) => {
            problems_found.push(format!("stdout is not one report: {err}"));
            return problems_found;
        }
    };
    problems_found.extend(contract::exit_status_problem(&report, output.status.code()));
    if report.pattern != pattern || report.runtime != runtime || report.scenario != scenario {
        problems_found.push(format!(
            "report names {}/{}/{}",
            report.pattern, report.runtime, report.scenario
        ));
    }
    // A forgotten task is the point of `forgotten`: it may still be running.
    problems_found.extend(
        problems(&report)
            .into_iter()
            .filter(|p| scenario != "forgotten" || !p.contains("still running")),
    );
    let failing = variant
        .first()
        .is_some_and(|flag| *flag == "--fail" || *flag == "--panic");
    if !failing && report.error.is_some() {
        problems_found.push(format!("an error with no failing job: {:?}", report.error));
    }
    problems_found
}
