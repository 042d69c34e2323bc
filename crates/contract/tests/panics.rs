//! In every example, on every scenario, a panicking job is handled exactly like a failing
//! one: the run with `--panic k` tells the same story as the run with `--fail k` (the same
//! outcome, results, pending jobs, and the same events for every job, the sibling jobs
//! included), except that the caller's error and job k's ending say `panicked`. The process
//! neither aborts nor crashes nor hangs, exits 0 (an interrupted `shutdown`: 130), and
//! leaves no job running.
//!
//! `scripts/run-all.sh` panics job 0 of the fast jobs; here the panicking job is also
//! another one, the one whose ending decides the outcome (the fastest), and one of two
//! failing jobs. The delays are real: at least 100 ms apart, and 100 ms from every deadline,
//! so that a loaded machine cannot change the order of events.

use std::collections::BTreeMap;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use contract::{binary, examples, problems, scenarios};
use shared::{EventKind, Outcome, Received, Report, Value};

/// Job 1 is the fastest (0.1 s): its ending decides gather, wait's `first-exception` and
/// task-group. The deadline, the cancellation and shutdown's signal (0.2 s) fall between
/// job 1 and the others.
const SLOW_FIRST: &str = "--delays 0.5,0.1,0.3 --timeout 0.2 --cancel-after 0.2 --cleanup 0.05 \
                          --main-delay 0.2 --interrupt-after 0.2";

/// Job 0 is the fastest (0.1 s), and ends before the deadline (0.4 s) and the cancellation
/// (0.3 s): the scenarios that run job 0 alone (`wait-for`, cancel-cleanup) see it end.
/// Shutdown's signal (0.2 s) interrupts the two others.
const FAST_FIRST: &str = "--delays 0.1,0.5,0.3 --timeout 0.4 --cancel-after 0.3 --cleanup 0.05 \
                          --main-delay 0.2 --interrupt-after 0.2";

/// One comparison: the jobs, the failing run's flags, the panicking run's flags, and the
/// jobs that panic in the second.
struct Case {
    jobs: &'static str,
    failing: &'static str,
    panicking: &'static str,
    panics: &'static [usize],
}

const CASES: &[Case] = &[
    // The job whose ending decides the outcome panics.
    Case {
        jobs: SLOW_FIRST,
        failing: "--fail 1",
        panicking: "--panic 1",
        panics: &[1],
    },
    // A job that is not the first to end, and not job 0.
    Case {
        jobs: SLOW_FIRST,
        failing: "--fail 2",
        panicking: "--panic 2",
        panics: &[2],
    },
    // Two jobs fail; the one that ends first panics instead.
    Case {
        jobs: SLOW_FIRST,
        failing: "--fail 0,1",
        panicking: "--fail 0 --panic 1",
        panics: &[1],
    },
    // Job 0 ends first: the scenarios of one job see it panic.
    Case {
        jobs: FAST_FIRST,
        failing: "--fail 0",
        panicking: "--panic 0",
        panics: &[0],
    },
];

/// The blocking pattern's `blocked` scenario, where when a job starts depends on whether
/// the job that blocks a thread shares it: job 0 blocks, is the fastest and never fails, so
/// it has finished before any other job ends, and the others end in the order of their
/// delays however late the stall makes them start. (A failing job that blocks would race
/// the caller's cancellation against the start of the jobs its stall held back.)
const BLOCKED: &str = "--delays 0.1,0.5,0.3 --block 0";

const BLOCKED_CASES: &[Case] = &[
    Case {
        jobs: BLOCKED,
        failing: "--fail 2",
        panicking: "--panic 2",
        panics: &[2],
    },
    Case {
        jobs: BLOCKED,
        failing: "--fail 1,2",
        panicking: "--fail 1 --panic 2",
        panics: &[2],
    },
];

/// Whether a scenario runs job 0 alone, so that only `FAST_FIRST` panics a job it runs.
fn job_zero_only(pattern: &str, scenario: &str) -> bool {
    pattern == "cancel-cleanup"
        || scenario == "wait-for"
        || (pattern == "blocking" && scenario == "timeout")
}

/// The cases one scenario runs.
fn cases(pattern: &str, scenario: &str) -> Vec<&'static Case> {
    if pattern == "blocking" && scenario == "blocked" {
        BLOCKED_CASES.iter().collect()
    } else if job_zero_only(pattern, scenario) {
        CASES
            .iter()
            .filter(|case| case.jobs == FAST_FIRST)
            .collect()
    } else {
        CASES.iter().collect()
    }
}

/// Longer than any run here takes, even on a loaded machine: past it, the run hangs.
const HANG: Duration = Duration::from_secs(30);

/// Runs an example like `contract::run`, but gives up on it (and kills it) after [`HANG`].
fn run_or_hang(pattern: &str, runtime: &str, args: &[&str]) -> Result<Output, String> {
    let mut child = Command::new(binary(pattern, runtime))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start: {err}"))?;
    let started = Instant::now();
    // The report of three jobs is far smaller than a pipe's buffer: the child never blocks
    // on its output while we wait for it to exit.
    while child.try_wait().map_err(|err| err.to_string())?.is_none() {
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("still running after {HANG:?}: it hangs"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().map_err(|err| err.to_string())
}

/// Runs an example with `--json` and returns its report, or what went wrong.
fn json_run(pattern: &str, runtime: &str, args: &[&str]) -> Result<Report, String> {
    let mut args = args.to_vec();
    args.push("--json");
    let output = run_or_hang(pattern, runtime, &args)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // 0, or for an interrupted `shutdown`, the signal's status (checked against the
    // report's outcome below).
    if !contract::exits_with_a_report(pattern, output.status.code()) {
        return Err(format!("exited with {:?}: {stderr}", output.status));
    }
    // A simulated panic prints one line; a real one (or an abort) would print more.
    for line in stderr.lines() {
        let simulated = line.contains("(the simulated bug of --panic)");
        if !simulated && (line.contains("panicked") || line.contains("abort")) {
            return Err(format!("an unexpected panic or abort: {stderr}"));
        }
    }
    let report: Report = serde_json::from_slice(&output.stdout)
        .map_err(|err| format!("no report ({err}): {stderr}"))?;
    // A job still running is a leak everywhere but in `forgotten`: `leak_warning` knows.
    let mut found: Vec<String> = problems(&report)
        .into_iter()
        .filter(|problem| !problem.contains("still running"))
        .collect();
    if let Some(warning) = report.leak_warning() {
        found.push(warning);
    }
    found.extend(contract::exit_status_problem(&report, output.status.code()));
    if !found.is_empty() {
        return Err(found.join("; "));
    }
    Ok(report)
}

/// The story a report tells, without times and threads: what the caller got, and each
/// job's events in order.
#[derive(Debug, PartialEq)]
struct Story {
    outcome: Outcome,
    error: Option<String>,
    failed_jobs: Vec<usize>,
    results: Vec<Received>,
    pending: Vec<usize>,
    events: BTreeMap<usize, Vec<EventKind>>,
}

fn story(report: &Report) -> Story {
    let mut events: BTreeMap<usize, Vec<EventKind>> = BTreeMap::new();
    for event in &report.events {
        events.entry(event.job).or_default().push(event.event);
    }
    Story {
        outcome: report.outcome,
        error: report.error.clone(),
        failed_jobs: report.failed_jobs.clone(),
        results: report.results.clone(),
        pending: report.pending.clone(),
        events,
    }
}

/// The story of the failing run, told as if the jobs in `panics` had panicked instead.
fn as_panics(mut story: Story, panics: &[usize]) -> Story {
    let reword = |text: &mut String| {
        for job in panics {
            if *text == format!("job {job} failed") {
                *text = format!("job {job} panicked");
            }
        }
    };
    if let Some(error) = &mut story.error {
        reword(error);
    }
    for received in &mut story.results {
        if let Value::Err(err) = &mut received.value {
            reword(err);
        }
    }
    for job in panics {
        for event in story.events.get_mut(job).into_iter().flatten() {
            if *event == EventKind::Failed {
                *event = EventKind::Panicked;
            }
        }
    }
    story
}

/// Every run to make: example, scenario, case.
fn runs() -> Vec<(String, String, String, &'static Case)> {
    let mut runs = Vec::new();
    for (pattern, runtime) in examples() {
        for scenario in scenarios(&pattern) {
            for case in cases(&pattern, &scenario) {
                runs.push((pattern.clone(), runtime.clone(), scenario.clone(), case));
            }
        }
    }
    runs
}

/// Checks one case of one scenario: the panicking run tells the failing run's story.
fn check(pattern: &str, runtime: &str, scenario: &str, case: &Case) -> Result<(), String> {
    let args = |flags: &str| -> Vec<String> {
        let mut args = vec!["--scenario".to_owned(), scenario.to_owned()];
        args.extend(case.jobs.split_whitespace().map(str::to_owned));
        args.extend(flags.split_whitespace().map(str::to_owned));
        args
    };
    let (failing, panicking) = (args(case.failing), args(case.panicking));
    // The cases share one set of durations; each pattern gets those it reads.
    let failing = contract::read_by(
        pattern,
        &failing.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let panicking = contract::read_by(
        pattern,
        &panicking.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    // The two runs only sleep: run them side by side.
    let (failed, panicked) = std::thread::scope(|scope| {
        let failed = scope.spawn(|| json_run(pattern, runtime, &failing));
        let panicked = json_run(pattern, runtime, &panicking);
        (
            failed.join().expect("the run thread does not panic"),
            panicked,
        )
    });
    let panicked = panicked.map_err(|err| format!("{panicking:?}: {err}"))?;
    if scenario == "forgotten" {
        // What the runtime does to a forgotten task is the point of `forgotten`, not a
        // contract: enough that the panic neither crashed nor hung the process.
        return Ok(());
    }
    let failed = failed.map_err(|err| format!("{failing:?}: {err}"))?;
    let expected = as_panics(story(&failed), case.panics);
    let got = story(&panicked);
    if got == expected {
        Ok(())
    } else {
        Err(format!(
            "{panicking:?} is not handled like {failing:?}:\n  expected {expected:?}\n  got      {got:?}"
        ))
    }
}

#[test]
fn a_panicking_job_is_handled_like_a_failing_one_on_every_example_and_scenario() {
    let runs = runs();
    assert!(!runs.is_empty(), "no example packages found");
    let next = Mutex::new(runs.iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                loop {
                    let Some((pattern, runtime, scenario, case)) =
                        next.lock().expect("no worker panics").next()
                    else {
                        break;
                    };
                    if let Err(err) = check(pattern, runtime, scenario, case) {
                        let who = format!("{pattern}-{runtime} --scenario {scenario}");
                        failures
                            .lock()
                            .expect("no worker panics")
                            .push(format!("{who}: {err}"));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("no worker panics");
    assert!(
        failures.is_empty(),
        "{} of {} runs broke the contract:\n{}",
        failures.len(),
        runs.len(),
        failures.join("\n")
    );
}
