//! What the `blocking` reports say beyond the fingerprint that `patterns.rs` compares:
//! the size of the blocking pool each runtime used, and, under a timeout, that the caller
//! got its answer on time while the blocking work ran on to its end.
//!
//! Real time here only gives lower bounds, and one order with seconds to spare.

use std::process::Command;

use contract::{RUNTIMES, binary, problems, python_report};
use shared::{EventKind, Outcome, Report};

/// Runs a blocking example with `--json` and this environment variable set (or removed).
fn blocking_report(runtime: &str, args: &[&str], pool: Option<&str>) -> Report {
    let mut command = Command::new(binary("blocking", runtime));
    command
        .args(args)
        .arg("--json")
        .env_remove("RUST_BACKTRACE");
    match pool {
        Some(threads) => command.env("BLOCKING_MAX_THREADS", threads),
        None => command.env_remove("BLOCKING_MAX_THREADS"),
    };
    let output = command.output().expect("the example runs");
    let who = format!("blocking-{runtime} {args:?}");
    assert!(output.status.success(), "{who}: {output:?}");
    let report: Report = serde_json::from_slice(&output.stdout).expect("one JSON report");
    assert_eq!(problems(&report), Vec::<String>::new(), "{who}");
    report
}

/// Whether the blocking examples exist yet (a pattern being written has no folder).
fn landed() -> bool {
    let found = contract::examples().iter().any(|(p, _)| p == "blocking");
    if !found {
        println!("skipped: there is no crates/blocking yet");
    }
    found
}

/// tokio's pool is 512 threads (`max_blocking_threads`' default); async-std's and smol's,
/// the `blocking` crate's, is 500 unless `BLOCKING_MAX_THREADS` says otherwise; CPython's
/// default executor has min(32, cores + 4).
#[test]
fn every_blocking_report_names_the_pool_its_runtime_used() {
    if !landed() {
        return;
    }
    let args = ["--delays", "0.01,0.02"];
    for runtime in RUNTIMES {
        let report = blocking_report(runtime, &args, None);
        let expected = if runtime == "tokio" { 512 } else { 500 };
        assert_eq!(report.blocking_pool, Some(expected), "blocking-{runtime}");
    }
    if let Some(python) = contract::python() {
        let cores = Command::new(python)
            .args(["-c", "import os; print(os.cpu_count() or 1)"])
            .output()
            .expect("python3 runs");
        let cores: usize = String::from_utf8_lossy(&cores.stdout)
            .trim()
            .parse()
            .expect("a number of cores");
        let report = python_report("blocking", &args).expect("python3 is there");
        assert_eq!(report.blocking_pool, Some((cores + 4).min(32)), "asyncio");
    }
}

/// The pool the report names is the one that ran the jobs: with `BLOCKING_MAX_THREADS=2`,
/// async-std and smol say 2, and four jobs of 0.2 s take two rounds, at least 0.4 s.
#[test]
fn the_blocking_max_threads_variable_sizes_the_pool_of_async_std_and_smol() {
    if !landed() {
        return;
    }
    for runtime in ["async-std", "smol"] {
        let args = ["--delays", "0.2,0.2,0.2,0.2"];
        let report = blocking_report(runtime, &args, Some("2"));
        assert_eq!(report.blocking_pool, Some(2), "blocking-{runtime}");
        assert_eq!(report.results.len(), 4, "blocking-{runtime}");
        assert!(
            report.elapsed_ms >= 400.0 - 1.0,
            "blocking-{runtime} ran four jobs on two threads in {} ms",
            report.elapsed_ms
        );
    }
}

/// Under `wait_for(to_thread(job 0), 0.1)` with a job of 2 s, the caller gets its timeout
/// at 0.1 s (the report's `elapsed_ms`), and job 0, never cancelled, finishes at 2 s,
/// before the report is printed. The only order asserted has 1.9 s to spare.
#[test]
fn a_timed_out_caller_returns_at_its_deadline_and_the_work_runs_to_its_end() {
    if !landed() {
        return;
    }
    let args = ["--scenario", "timeout", "--delays", "2", "--timeout", "0.1"];
    let reports = std::thread::scope(|scope| {
        let runs: Vec<_> = RUNTIMES
            .iter()
            .map(|runtime| scope.spawn(|| Some(blocking_report(runtime, &args, None))))
            .chain([scope.spawn(|| python_report("blocking", &args))])
            .collect();
        runs.into_iter()
            .filter_map(|run| run.join().expect("the run thread does not panic"))
            .collect::<Vec<_>>()
    });
    for report in &reports {
        let who = &report.runtime;
        assert_eq!(report.outcome, Outcome::Timeout, "{who}");
        assert!(
            report.elapsed_ms >= 100.0 - 1.0,
            "{who}: {}",
            report.elapsed_ms
        );
        let events: Vec<(EventKind, f64)> = report
            .events
            .iter()
            .filter(|e| e.job == 0)
            .map(|e| (e.event, e.t_ms))
            .collect();
        let kinds: Vec<EventKind> = events.iter().map(|(kind, _)| *kind).collect();
        assert_eq!(kinds, [EventKind::Started, EventKind::Finished], "{who}");
        let finished = events[1].1;
        assert!(finished >= 2000.0 - 1.0, "{who}: finished at {finished}");
        assert!(
            report.elapsed_ms < finished,
            "{who}: elapsed_ms {} is not when the caller got its timeout (job 0 finished at \
             {finished} ms)",
            report.elapsed_ms
        );
    }
}
