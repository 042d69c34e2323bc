//! The `blocked` scenario on tokio: a job that calls blocking work inside its async task
//! holds its worker thread, and the other jobs carry on on the other workers, until every
//! worker is blocked. Then the example binary itself: its reports, and its bad input.
//!
//! The in-process test is caused, not raced: every job is gated, and the test opens the
//! blocker's gate only once the others have run to their end, with a generous timeout as
//! the failure path. The binary's tests check orders that a single worker causes, and the
//! reports' fields.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use shared::EventKind::{Finished, Started};
use shared::{Config, EventKind, EventLog, Outcome, Report};

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// On two workers, A blocks one of them (held on its gate) while B and C start, run and
/// end on the other: the same `gather` as the example's, with the same jobs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_two_workers_the_other_jobs_carry_on_while_one_is_blocked() {
    let log = EventLog::new(Instant::now);
    let config = Config::with_delays(&[60.0; 3]).blocking(&[0]);
    let (mut openers, jobs) = shared::gates(config.jobs(&log));
    let jobs = jobs.into_iter().map(|job| {
        if config.blocks(job.id()) {
            async move { job.run_blocking_caught() }.left_future()
        } else {
            job.run_caught(tokio::time::sleep).right_future()
        }
    });
    let a = openers.remove(0);
    let drive = async {
        until(|| log.events_of(0) == [Started]).await;
        for opener in openers {
            opener.open();
        }
        until(|| log.final_states(3)[1..] == [Some(Finished), Some(Finished)]).await;
        assert_eq!(log.running(), [0], "A still holds its worker");
        a.open();
    };
    let both = async { tokio::join!(gather_tokio::gather(jobs), drive) };
    let (result, ()) = tokio::time::timeout(Duration::from_secs(60), both)
        .await
        .expect("B and C ended while A held its worker");
    let ok: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(result, Ok(ok));
    assert!(log.running().is_empty());
}

/// Runs the example's binary with these arguments and environment variables.
fn example(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blocking-tokio"));
    command.args(args).env_remove("TOKIO_WORKER_THREADS");
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

/// Where `job`'s `event` is in the report's events, which are in time order.
fn position(report: &Report, job: usize, event: EventKind) -> usize {
    let found = report
        .events
        .iter()
        .position(|e| e.job == job && e.event == event);
    found.unwrap_or_else(|| panic!("job {job} has no {event:?}: {:?}", report.events))
}

/// On one worker, A's blocking sleep holds the only thread that runs tasks: B and C start
/// only after A has finished, as on smol's single executor thread and on CPython.
#[test]
fn on_one_worker_every_other_job_waits_for_the_blocker() {
    let args = ["--json", "--scenario", "blocked", "--delays", "0.3,0.1,0.1"];
    let report = report(&args, &[("TOKIO_WORKER_THREADS", "1")]);
    let a_finished = position(&report, 0, Finished);
    assert!(
        position(&report, 1, Started) > a_finished,
        "{:?}",
        report.events
    );
    assert!(
        position(&report, 2, Started) > a_finished,
        "{:?}",
        report.events
    );
    assert_eq!(report.results.len(), 3);
    assert!(report.still_running().is_empty());
}

/// `to-thread` with a failure: the error of the failing job, no results, and every other
/// job finished (none cancelled) before the report; the report names the pool's size.
#[test]
fn to_thread_reports_the_error_after_every_job_has_finished() {
    let args = ["--json", "--tasks", "5", "--delay", "0.05", "--fail", "3"];
    let report = report(&args, &[]);
    assert_eq!(report.outcome, Outcome::Error);
    assert_eq!(report.failed_jobs, [3]);
    assert!(report.results.is_empty());
    let states: Vec<_> = (0..5).map(|job| report.final_state(job)).collect();
    let failed = Some(EventKind::Failed);
    let done = Some(Finished);
    assert_eq!(states, [done, done, done, failed, done]);
    assert_eq!(report.blocking_pool, Some(512));
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
