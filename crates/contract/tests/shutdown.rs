//! The `shutdown` binaries agree with the contract, with each other and with CPython's
//! asyncio (when `python3` 3.11+ is on the `PATH`): a real SIGINT that each program sends
//! itself (`--interrupt-after`), the jobs that ended before it received in the order they
//! ended, every other job's cleanup and finally-step, the report, then the exit status 130;
//! a SIGTERM ends a run the same way, with 143. And the rules `contract::problems` holds a
//! `shutdown` report to.
//!
//! The times are real: the signal comes at least 100 ms from any job's end, and a grace
//! period ends at least 100 ms from the end of the cleanups it cuts short, so that a loaded
//! machine cannot change the order of events. Time is only checked from below.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use contract::oracle::{Jobs, Shutdown};
use contract::{Fingerprint, RUNTIMES, binary, problems};
use shared::{EventKind, Outcome, Report};

fn case(
    scenario: &'static str,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
    interrupt_after: f64,
    cleanup: f64,
    grace: f64,
) -> Shutdown {
    Shutdown {
        scenario,
        jobs: Jobs {
            delays: delays.to_vec(),
            fail: fail.to_vec(),
            panic: panic.to_vec(),
        },
        interrupt_after,
        cleanup,
        grace,
    }
}

/// The programs of one run: the three runtimes' binaries, and CPython's reference when it
/// is there.
fn programs() -> Vec<(String, Command)> {
    let mut programs: Vec<(String, Command)> = RUNTIMES
        .iter()
        .map(|runtime| {
            (
                format!("shutdown-{runtime}"),
                Command::new(binary("shutdown", runtime)),
            )
        })
        .collect();
    if let Some(python) = contract::python() {
        let mut command = Command::new(python);
        command
            .arg(contract::workspace_root().join("scripts/python/reference.py"))
            .arg("shutdown");
        programs.push(("asyncio".to_owned(), command));
    }
    for (_, command) in &mut programs {
        command.env_remove("RUST_BACKTRACE").stdin(Stdio::null());
    }
    programs
}

/// Runs every program with these arguments and `--json`, all at once (they only sleep and
/// wait for their signal), and returns each one's name, exit status and report.
fn run_all(args: &[String]) -> Vec<(String, Option<i32>, Report)> {
    let outputs: Vec<(String, std::io::Result<Output>)> = std::thread::scope(|scope| {
        let runs: Vec<_> = programs()
            .into_iter()
            .map(|(who, mut command)| {
                command.args(args).arg("--json");
                scope.spawn(move || (who, command.output()))
            })
            .collect();
        runs.into_iter()
            .map(|run| run.join().expect("the run thread does not panic"))
            .collect()
    });
    outputs
        .into_iter()
        .map(|(who, output)| {
            let output = output.unwrap_or_else(|err| panic!("{who} cannot start: {err}"));
            let report: Report = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
                panic!(
                    "{who} {args:?} printed no report ({err}), exit status {:?}: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                )
            });
            (who, output.status.code(), report)
        })
        .collect()
}

/// Each job's events, in order, without their times.
fn events_by_job(report: &Report) -> BTreeMap<usize, Vec<EventKind>> {
    let mut events: BTreeMap<usize, Vec<EventKind>> = BTreeMap::new();
    for event in &report.events {
        events.entry(event.job).or_default().push(event.event);
    }
    events
}

/// When job `job` recorded `kind` first, in milliseconds.
fn at(report: &Report, job: usize, kind: EventKind) -> Option<f64> {
    report
        .events
        .iter()
        .find(|e| e.job == job && e.event == kind)
        .map(|e| e.t_ms)
}

/// Runs each case on every runtime and CPython, and checks each report against the
/// contract's expectation: the fingerprint, each job's events, the exit status, and, from
/// below, the times.
fn check(cases: &[Shutdown]) {
    for case in cases {
        let args = case.args();
        let expected = case.fingerprint();
        let events: BTreeMap<usize, Vec<EventKind>> =
            case.events().into_iter().enumerate().collect();
        let n = case.jobs.delays.len();
        for (who, code, report) in run_all(&args) {
            let who = format!("{who} {args:?}");
            assert_eq!(report.pattern, "shutdown", "{who}");
            assert_eq!(report.scenario, case.scenario, "{who}");
            assert_eq!(problems(&report), Vec::<String>::new(), "{who}");
            assert_eq!(Fingerprint::of(&report, n), expected, "{who}");
            assert_eq!(events_by_job(&report), events, "{who}: each job's events");
            let status = if expected.outcome == Outcome::Interrupted {
                130
            } else {
                0
            };
            assert_eq!(code, Some(status), "{who}: the exit status");
            let least = case.least_seconds() * 1000.0;
            assert!(
                report.elapsed_ms >= least - 1.0,
                "{who}: reported after {} ms, before the least {least} ms",
                report.elapsed_ms
            );
            for &job in &expected.pending {
                let started = at(&report, job, EventKind::CleanupStarted);
                let signal = case.interrupt_after * 1000.0;
                assert!(
                    started.is_some_and(|t| t >= signal - 1.0),
                    "{who}: job {job}'s cleanup started at {started:?}, before the signal"
                );
                if let Some(finished) = at(&report, job, EventKind::CleanupFinished) {
                    let took = finished - started.unwrap_or(finished);
                    assert!(
                        took >= case.cleanup * 1000.0 - 1.0,
                        "{who}: job {job}'s cleanup took {took} ms"
                    );
                }
            }
        }
    }
}

/// `ctrl-c`: job A ends before the signal (finished, failed or panicked) and is received;
/// the others are interrupted and run their whole cleanup. A job due to fail or panic that
/// the signal interrupts first never does. With no job left when the signal would come, or
/// no signal at all (`--interrupt-after 0`), the run is `ok` and exits 0.
#[test]
fn ctrl_c_agrees_with_the_contract_and_asyncio() {
    check(&[
        case("ctrl-c", &[0.1, 5.0, 5.0], &[], &[], 0.4, 0.1, 0.2),
        case("ctrl-c", &[0.1, 5.0, 5.0], &[0], &[], 0.4, 0.1, 0.2),
        case("ctrl-c", &[0.1, 5.0, 5.0], &[], &[0], 0.4, 0.1, 0.2),
        case("ctrl-c", &[0.5, 0.1, 5.0], &[1], &[2], 0.3, 0.1, 0.2),
        case("ctrl-c", &[0.3, 0.1, 5.0], &[1, 2], &[0], 0.2, 0.2, 0.2),
        case("ctrl-c", &[0.2, 0.1], &[], &[], 0.4, 0.1, 0.2),
        case("ctrl-c", &[0.2, 0.1], &[0], &[], 0.0, 0.1, 0.2),
    ]);
}

/// `grace`: a cleanup longer than the grace period is abandoned (no `cleanup-finished`,
/// only the finally-step); a shorter one runs to its end, as in `ctrl-c`.
#[test]
fn grace_agrees_with_the_contract_and_asyncio() {
    check(&[
        case("grace", &[0.1, 5.0, 5.0], &[], &[], 0.3, 0.5, 0.2),
        case("grace", &[0.1, 5.0, 5.0], &[0], &[], 0.3, 0.1, 0.3),
        case("grace", &[0.3, 0.1, 5.0], &[], &[1], 0.2, 0.4, 0.1),
        case("grace", &[0.2, 0.1], &[1], &[], 0.4, 0.5, 0.2),
    ]);
}

/// Waits for `child` to end, killing it after a minute: the limit only keeps a program
/// that ignores the signal from hanging the suite.
fn finish(mut child: Child, who: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{who} did not end (killed after a minute)");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
        .wait_with_output()
        .expect("the child's output can be read")
}

/// Whether process `pid` catches signal `number` yet: its handler is installed, as
/// `/proc/PID/status` shows in `SigCgt`, the mask of caught signals.
fn catches(pid: u32, number: u32) -> bool {
    let status =
        std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/status"))).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .is_some_and(|mask| mask & (1 << (number - 1)) != 0)
}

/// SIGTERM, as `kill` or a service manager sends it, ends a run like Ctrl-C: the job is
/// interrupted, the report printed, and the exit status is 143. The signal is sent once the
/// program catches it (no sooner: then it would kill the program), to a job of 30 s and
/// with no signal of the program's own (`--interrupt-after 0`).
#[test]
fn sigterm_ends_a_run_with_its_report_and_143() {
    const SIGTERM: u32 = 15;
    let args = ["--delays", "30", "--interrupt-after", "0", "--json"];
    std::thread::scope(|scope| {
        for (who, mut command) in programs() {
            scope.spawn(move || {
                let child = command
                    .args(args)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap_or_else(|err| panic!("{who} cannot start: {err}"));
                let pid = child.id();
                let deadline = Instant::now() + Duration::from_secs(60);
                while !catches(pid, SIGTERM) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(5));
                }
                let kill = Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status()
                    .expect("`kill` runs");
                assert!(kill.success(), "{who}: kill -TERM {pid}");
                let output = finish(child, &who);
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert_eq!(output.status.code(), Some(143), "{who}: {stderr}");
                let report: Report = serde_json::from_slice(&output.stdout)
                    .unwrap_or_else(|err| panic!("{who} printed no report ({err}): {stderr}"));
                assert_eq!(report.outcome, Outcome::Interrupted, "{who}");
                assert_eq!(report.pending, [0], "{who}");
                assert_eq!(problems(&report), Vec::<String>::new(), "{who}");
            });
        }
    });
}

/// A report in JSON with these outcome, results, pending jobs and events.
fn report(outcome: &str, results: &str, pending: &str, events: &[(usize, &str)]) -> Report {
    let events: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(t, (job, event))| {
            format!(r#"{{"t_ms": {t}.0, "job": {job}, "event": "{event}", "thread": "main"}}"#)
        })
        .collect();
    serde_json::from_str(&format!(
        r#"{{"pattern": "shutdown", "runtime": "tokio", "scenario": "ctrl-c",
            "elapsed_ms": 1100.0, "outcome": "{outcome}", "error": null, "failed_jobs": [],
            "results": {results}, "pending": {pending}, "events": [{}]}}"#,
        events.join(", ")
    ))
    .expect("a well-formed report")
}

#[test]
fn problems_knows_the_rules_of_a_shutdown_report() {
    let a_ended = [(0, "started"), (0, "finished"), (0, "finally")];
    let b_interrupted = [
        (1, "started"),
        (1, "cleanup-started"),
        (1, "cleanup-finished"),
        (1, "finally"),
        (1, "cancelled"),
    ];
    let both: Vec<(usize, &str)> = a_ended.iter().chain(&b_interrupted).copied().collect();
    let a_received = r#"[{"job": 0, "ok": "job 0 result"}]"#;

    let good = report("interrupted", a_received, "[1]", &both);
    assert_eq!(problems(&good), Vec::<String>::new());
    let ended = report("ok", a_received, "[]", &a_ended);
    assert_eq!(problems(&ended), Vec::<String>::new());

    let found = |r: &Report| problems(r).join("; ");
    // An interruption that interrupted nothing, and pending jobs with no interruption.
    assert!(found(&report("interrupted", a_received, "[]", &a_ended)).contains("no pending"));
    assert!(found(&report("ok", a_received, "[1]", &both)).contains("not interrupted"));
    // Only `ok` and `interrupted`; a failure is a result, not the outcome.
    assert!(found(&report("timeout", a_received, "[1]", &both)).contains("not `timeout`"));
    let mut failed = good.clone();
    failed.error = Some("job 0 failed".to_owned());
    assert!(found(&failed).contains("an error"));
    // A pending job that finished, and a received job that was cancelled.
    assert!(found(&report("interrupted", "[]", "[0, 1]", &both)).contains("pending job 0"));
    let b_received = r#"[{"job": 1, "ok": "job 1 result"}]"#;
    assert!(found(&report("interrupted", b_received, "[1]", &both)).contains("yet cancelled"));
    // Every job has ended.
    let running = report("interrupted", "[]", "[1]", &both[..5]);
    assert!(found(&running).contains("still running"));
    // `interrupted` belongs to shutdown alone.
    let mut gather = good.clone();
    gather.pattern = "gather".to_owned();
    assert!(found(&gather).contains("only a shutdown run"));
}

#[test]
fn an_interrupted_run_exits_130_or_143_and_any_other_0() {
    let interrupted = report("interrupted", "[]", "[0]", &[]);
    assert_eq!(contract::exit_status_problem(&interrupted, Some(130)), None);
    assert_eq!(contract::exit_status_problem(&interrupted, Some(143)), None);
    assert!(contract::exit_status_problem(&interrupted, Some(0)).is_some());
    assert!(contract::exit_status_problem(&interrupted, None).is_some());
    let ended = report("ok", "[]", "[]", &[]);
    assert_eq!(contract::exit_status_problem(&ended, Some(0)), None);
    assert!(contract::exit_status_problem(&ended, Some(130)).is_some());
    let mut gather = ended.clone();
    gather.pattern = "gather".to_owned();
    assert!(contract::exit_status_problem(&gather, Some(143)).is_some());
}
