//! The `blocked` scenario on async-std, through the example binary: a job that calls
//! blocking work inside its async task holds its executor thread. async-std runs one per
//! core, a number that only `ASYNC_STD_THREAD_COUNT` can set, before async-std's first
//! use: so these tests run the binary, with one thread (every other job waits, as on smol
//! and CPython) and with two (they carry on). Then its reports, and its bad input.
//!
//! The tests with one thread check orders that the single thread causes; the one with two
//! threads leaves the blocker seconds of margin.

use std::process::{Command, Output};

use shared::EventKind::{Finished, Started};
use shared::{EventKind, Outcome, Report};

/// Runs the example's binary with these arguments and environment variables.
fn example(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blocking-async-std"));
    command.args(args).env_remove("ASYNC_STD_THREAD_COUNT");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the example runs")
}

/// The binary's `--json` report.
fn report(args: &[&str], env: &[(&str, &str)]) -> Report {
    let output = example(args, env);
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is the JSON report")
}

/// Where `job`'s `event` is in `events`, which are in time order.
fn position(events: &[shared::Event], job: usize, event: EventKind) -> usize {
    let found = events.iter().position(|e| e.job == job && e.event == event);
    found.unwrap_or_else(|| panic!("job {job} has no {event:?}: {events:?}"))
}

/// With `ASYNC_STD_THREAD_COUNT=1`, A's blocking sleep holds the one executor thread, so B
/// and C start only after A has finished, as on smol's default executor and on CPython.
#[test]
fn on_one_executor_thread_every_other_job_waits_for_the_blocker() {
    let args = ["--json", "--scenario", "blocked", "--delays", "0.3,0.1,0.1"];
    let report = report(&args, &[("ASYNC_STD_THREAD_COUNT", "1")]);
    let a_finished = position(&report.events, 0, Finished);
    assert!(
        position(&report.events, 1, Started) > a_finished,
        "{:?}",
        report.events
    );
    assert!(
        position(&report.events, 2, Started) > a_finished,
        "{:?}",
        report.events
    );
    assert_eq!(report.results.len(), 3);
    assert!(report.still_running().is_empty());
}

/// With `ASYNC_STD_THREAD_COUNT=2`, B and C run on the other executor thread: they start,
/// and end, while A still blocks the first (A's three seconds leave their tenth of a second
/// a wide margin on a loaded machine).
#[test]
fn on_two_executor_threads_the_other_jobs_carry_on() {
    let args = ["--json", "--scenario", "blocked", "--delays", "3,0.1,0.1"];
    let report = report(&args, &[("ASYNC_STD_THREAD_COUNT", "2")]);
    let a_finished = position(&report.events, 0, Finished);
    assert!(
        position(&report.events, 1, Finished) < a_finished,
        "{:?}",
        report.events
    );
    assert!(
        position(&report.events, 2, Finished) < a_finished,
        "{:?}",
        report.events
    );
    assert_eq!(report.results.len(), 3);
}

/// `to-thread` with a failure: the error of the failing job, no results, and every other
/// job finished (none cancelled) before the report; the report names the pool's size.
#[test]
fn to_thread_reports_the_error_after_every_job_has_finished() {
    let args = ["--json", "--tasks", "5", "--delay", "0.05", "--fail", "3"];
    let report = report(&args, &[("BLOCKING_MAX_THREADS", "7")]);
    assert_eq!(report.outcome, Outcome::Error);
    assert_eq!(report.failed_jobs, [3]);
    assert!(report.results.is_empty());
    let states: Vec<_> = (0..5).map(|job| report.final_state(job)).collect();
    let failed = Some(EventKind::Failed);
    let done = Some(Finished);
    assert_eq!(states, [done, done, done, failed, done]);
    assert_eq!(report.blocking_pool, Some(7));
}

/// `timeout`: the caller's elapsed time is the deadline's, and the work, which could not be
/// stopped, finished later, before the report. (Its two seconds leave the deadline of a
/// tenth of a second a wide margin on a loaded machine.)
#[test]
fn timeout_reports_the_deadline_and_the_work_finished_after_it() {
    let args = [
        "--json",
        "--scenario",
        "timeout",
        "--delays",
        "2",
        "--timeout",
        "0.1",
    ];
    let report = report(&args, &[]);
    assert_eq!(report.outcome, Outcome::Timeout);
    assert!(report.results.is_empty() && report.pending.is_empty());
    let events: Vec<_> = report.events.iter().map(|e| e.event).collect();
    assert_eq!(events, [Started, Finished]);
    assert!(report.elapsed_ms >= 100.0, "{}", report.elapsed_ms);
    assert!(report.elapsed_ms < report.events[1].t_ms, "{report:?}");
}

/// `--timeout 0`: the work is never handed to the pool, as in CPython.
#[test]
fn timeout_zero_starts_nothing() {
    let args = ["--json", "--scenario", "timeout", "--timeout", "0"];
    let report = report(&args, &[]);
    assert_eq!(report.outcome, Outcome::Timeout);
    assert!(report.events.is_empty());
}

/// Bad `--block` values are usage errors: exit code 2 and one line on stderr.
#[test]
fn a_bad_block_list_is_a_usage_error() {
    for bad in ["9", "x", ""] {
        let output = example(&["--scenario", "blocked", "--block", bad], &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "--block {bad:?}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "--block {bad:?}: {stderr}"
        );
        assert!(stderr.contains("--block"), "--block {bad:?}: {stderr}");
    }
}
