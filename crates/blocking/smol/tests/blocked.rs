//! The `blocked` scenario on smol: a job that calls blocking work inside its async task
//! holds its executor thread, and smol's global executor has one unless `SMOL_THREADS`
//! asks for more: every other job waits. Then the example binary itself: its reports, with
//! one executor thread and with two, and its bad input.
//!
//! The in-process test is caused: the blocker is held on its gate, and the others cannot
//! start while it is; that they have not started within a fifth of a second is a fact no
//! load can change. The binary's tests check orders that a single thread causes; the one
//! with two threads leaves the blocker seconds of margin.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use futures::future::join;
use shared::EventKind::{Finished, Started};
use shared::{Config, EventKind, EventLog, Outcome, Report};
use smol::{Timer, block_on};

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// While A blocks smol's one executor thread (held on its gate), B and C, spawned with it
/// by the same `gather` as the example's, do not even start; they run once A lets go.
#[test]
fn on_one_executor_thread_the_other_jobs_wait_for_the_blocker() {
    if std::env::var("SMOL_THREADS").is_ok_and(|threads| threads != "1") {
        eprintln!("SMOL_THREADS is set: this test is about smol's default, one thread");
        return;
    }
    let log = EventLog::new(Instant::now);
    // B and C sleep a hundredth of a second on smol's timer, once they get to start.
    let config = Config::with_delays(&[60.0, 0.01, 0.01]).blocking(&[0]);
    let mut jobs = config.jobs(&log);
    let (a, gate) = shared::gate();
    jobs[0] = jobs[0].clone().gated(gate);
    let jobs = jobs.into_iter().map(|job| {
        if config.blocks(job.id()) {
            async move { job.run_blocking_caught() }.left_future()
        } else {
            job.run_caught(Timer::after).right_future()
        }
    });
    let drive = async {
        until(|| log.events_of(0) == [Started]).await;
        Timer::after(Duration::from_millis(200)).await;
        assert_eq!(log.events_of(1), [], "B started while A held the thread");
        assert_eq!(log.events_of(2), [], "C started while A held the thread");
        a.open();
    };
    let (result, ()) = block_on(join(gather_smol::gather(jobs), drive));
    let ok: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(result, Ok(ok));
    let a_finished = position(&log.events(), 0, Finished);
    assert!(position(&log.events(), 1, Started) > a_finished);
    assert!(log.running().is_empty());
}

/// Runs the example's binary with these arguments and environment variables.
fn example(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blocking-smol"));
    command.args(args).env_remove("SMOL_THREADS");
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

/// The binary, by default: A's blocking sleep holds smol's one executor thread, so B and C
/// start only after A has finished, as on CPython.
#[test]
fn by_default_every_other_job_waits_for_the_blocker() {
    let args = ["--json", "--scenario", "blocked", "--delays", "0.3,0.1,0.1"];
    let report = report(&args, &[]);
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

/// With `SMOL_THREADS=2`, B and C run on the other executor thread: they start, and end,
/// while A still blocks the first (A's three seconds leave their tenth of a second a wide
/// margin on a loaded machine).
#[test]
fn with_two_executor_threads_the_other_jobs_carry_on() {
    let args = ["--json", "--scenario", "blocked", "--delays", "3,0.1,0.1"];
    let report = report(&args, &[("SMOL_THREADS", "2")]);
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
