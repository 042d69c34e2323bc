//! A `queue` binary through its command line, the same on every runtime: each runtime's
//! `tests/binary.rs` names its binary (`EXE`) and includes this file, since the three
//! binaries keep one contract.
//!
//! The delays are real, so nothing here depends on the order in which the jobs end: the
//! default jobs end 100 ms apart or more, but a machine loaded enough to stall the program
//! for longer delays the jobs taken after the stall, and can change which job ends first
//! (see the README, "Jobs that end at the same moment"). What is checked is the rule that
//! makes the schedule, whatever order the jobs end in: the jobs start in input order, each
//! on a free worker, the moment one is free when the jobs are all queued beforehand, and
//! the results come in the order the jobs ended. The exact schedule of the default jobs,
//! CPython's, is checked in process, where the order is caused (`tests/queue.rs`). Times
//! are only checked from below.

use std::process::{Command, Output};

use shared::EventKind::{self, Failed, Finished, Panicked, Queued, Started};
use shared::{Event, Outcome, Report, Value};

use super::EXE;

/// Runs the binary with these arguments.
fn example(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .output()
        .expect("the example runs")
}

/// The binary's `--json` report, from a run that exits 0.
fn report(args: &[&str]) -> Report {
    let mut json = vec!["--json"];
    json.extend(args);
    let output = example(&json);
    assert!(output.status.success(), "{json:?}: {output:?}");
    serde_json::from_slice(&output.stdout).expect("stdout is the JSON report")
}

/// `(job, worker)` for each `started` event, in the order the jobs started.
fn schedule(report: &Report) -> Vec<(usize, usize)> {
    let started = report.events.iter().filter(|e| e.event == Started);
    started
        .map(|e| (e.job, e.worker.expect("a started event names its worker")))
        .collect()
}

/// The jobs in the order the caller received their results.
fn order(report: &Report) -> Vec<usize> {
    report.results.iter().map(|r| r.job).collect()
}

/// The first `event` of `job` in the report's events, by its place in the log.
fn at(report: &Report, job: usize, event: EventKind) -> usize {
    let found = report
        .events
        .iter()
        .position(|e| e.job == job && e.event == event);
    found.unwrap_or_else(|| panic!("job {job} has no {event:?}: {:?}", report.events))
}

/// Checks that a free worker takes each job, on a run of `jobs` jobs with `workers`
/// workers: the jobs start in input order; the first ones on workers 0, 1, 2, ... before
/// any job ends; every later one on a worker whose previous job has ended (a worker never
/// runs two jobs at once); every job ends; and the results come in the order the jobs
/// ended.
fn assert_a_free_worker_takes_each_job(report: &Report, jobs: usize, workers: usize) {
    let events = &report.events;
    // Each job's worker, and whether each worker's latest job has ended.
    let mut worker_of = Vec::new();
    let mut free = vec![true; workers];
    let mut ended = Vec::new();
    for event in events {
        if event.event.is_terminal() {
            ended.push(event.job);
            free[worker_of[event.job]] = true;
        }
        if event.event != Started {
            continue;
        }
        let worker = event.worker.expect("a started event names its worker");
        assert_eq!(
            event.job,
            worker_of.len(),
            "jobs start in input order: {events:?}"
        );
        if event.job < workers {
            assert_eq!(worker, event.job, "{events:?}");
            assert!(
                ended.is_empty(),
                "job {} started after an end: {events:?}",
                event.job
            );
        }
        assert!(
            free[worker],
            "job {} on a busy worker {worker}: {events:?}",
            event.job
        );
        free[worker] = false;
        worker_of.push(worker);
    }
    assert_eq!(worker_of.len(), jobs, "every job started");
    assert_eq!(order(report), ended, "results in the order the jobs ended");
    assert!(report.still_running().is_empty());
}

/// Checks, on a run whose jobs were all queued before the workers started, that a worker
/// takes its next job the moment it is free: the event before each later job's `started`
/// is the end of the job that freed its worker, whatever order the jobs ended in.
fn assert_taken_at_once(report: &Report, workers: usize) {
    let events = &report.events;
    // The jobs started in input order: entry `job` is the job's.
    let schedule = schedule(report);
    for (i, event) in events.iter().enumerate() {
        if event.event == Started && event.job >= workers {
            let before: &Event = &events[i - 1];
            let same = schedule[before.job].1 == schedule[event.job].1;
            let freed = before.event.is_terminal() && same;
            assert!(freed, "job {}: {events:?}", event.job);
        }
    }
}

/// The default run: three workers, each job taken by the first free one (each job's
/// `started` event names its worker, and no other event names one), the results in
/// completion order, every job finished, outcome `ok` with nothing pending, in at least
/// the longest chain of one worker, 2.4 s.
#[test]
fn the_default_run_gives_each_job_to_the_first_free_worker() {
    let report = report(&[]);
    assert_eq!(
        (report.pattern.as_str(), report.scenario.as_str()),
        ("queue", "workers")
    );
    assert_a_free_worker_takes_each_job(&report, 8, 3);
    assert_taken_at_once(&report, 3);
    assert!(
        report
            .events
            .iter()
            .all(|e| (e.event == Started) == e.worker.is_some())
    );
    for received in &report.results {
        let expected = Value::Ok(format!("job {} result", received.job));
        assert_eq!(received.value, expected);
    }
    assert_eq!(report.outcome, Outcome::Ok);
    assert!(report.pending.is_empty() && report.failed_jobs.is_empty());
    assert!((0..8).all(|job| report.final_state(job) == Some(Finished)));
    assert!(report.elapsed_ms >= 2400.0, "{}", report.elapsed_ms);
}

/// `bounded` (room for one job): each job is `queued` in order, job k only after job k - 1
/// has been taken by a worker, so never more than one job waits; jobs 0 to 3 at once,
/// then job 4 no sooner than 0.5 s (when job 1 ends and its worker takes job 3), 5 no
/// sooner than 1.0 s, 6 than 1.2 s, 7 than 1.3 s. The workers take the jobs as in
/// `workers`.
#[test]
fn bounded_queues_each_job_once_there_is_room() {
    let report = report(&["--scenario", "bounded"]);
    assert_eq!(report.scenario, "bounded");
    let queued: Vec<&Event> = report.events.iter().filter(|e| e.event == Queued).collect();
    let jobs: Vec<usize> = queued.iter().map(|e| e.job).collect();
    assert_eq!(jobs, (0..8).collect::<Vec<_>>());
    for job in 1..8 {
        assert!(
            at(&report, job, Queued) > at(&report, job - 1, Started),
            "job {job}"
        );
    }
    let due = [0.0, 0.0, 0.0, 0.0, 500.0, 1000.0, 1200.0, 1300.0];
    for (event, due) in queued.iter().zip(due) {
        assert!(
            event.t_ms >= due,
            "job {} queued at {} ms",
            event.job,
            event.t_ms
        );
    }
    assert_a_free_worker_takes_each_job(&report, 8, 3);
    assert_eq!(report.outcome, Outcome::Ok);
}

/// `--maxsize 3`: jobs 0 to 5 are put at once (three taken, three queued), before any
/// job has been taken from the queue; job 6 waits for job 3 to be taken, job 7 for job 4.
#[test]
fn bounded_with_more_room_runs_further_ahead() {
    let report = report(&["--scenario", "bounded", "--maxsize", "3"]);
    for job in 0..6 {
        assert!(
            at(&report, job, Queued) < at(&report, 3, Started),
            "job {job}"
        );
    }
    assert!(at(&report, 6, Queued) > at(&report, 3, Started));
    assert!(at(&report, 7, Queued) > at(&report, 4, Started));
    assert_a_free_worker_takes_each_job(&report, 8, 3);
}

/// `--fail 1 --panic 4`: both are results (`err`) among the others, their workers go on to
/// the next job (the rule of the first free worker holds as without them), and the run is
/// `ok`, exit status 0.
#[test]
fn a_failing_and_a_panicking_job_are_results_and_the_run_is_ok() {
    for scenario in ["workers", "bounded"] {
        let report = report(&["--scenario", scenario, "--fail", "1", "--panic", "4"]);
        assert_eq!(report.outcome, Outcome::Ok, "{scenario}");
        assert!(report.failed_jobs.is_empty() && report.error.is_none());
        let value = |job| {
            let received = report.results.iter().find(|r| r.job == job);
            received.map(|r| r.value.clone())
        };
        assert_eq!(value(1), Some(Value::Err("job 1 failed".to_owned())));
        assert_eq!(value(4), Some(Value::Err("job 4 panicked".to_owned())));
        assert_a_free_worker_takes_each_job(&report, 8, 3);
        if scenario == "workers" {
            assert_taken_at_once(&report, 3);
        }
        assert_eq!(
            (report.final_state(1), report.final_state(4)),
            (Some(Failed), Some(Panicked))
        );
    }
}

/// Jobs without a delay, two workers: they take turns, 0, 1, 0, 1, and the results come in
/// input order (no timer is involved: the order is the executor's, every time).
#[test]
fn with_zero_delays_two_workers_alternate() {
    let report = report(&["--tasks", "100", "--delay", "0", "--workers", "2"]);
    let expected: Vec<(usize, usize)> = (0..100).map(|job| (job, job % 2)).collect();
    assert_eq!(schedule(&report), expected);
    assert_eq!(order(&report), (0..100).collect::<Vec<_>>());
}

/// One worker: the jobs one after another, in input order, in at least the sum of the
/// delays.
#[test]
fn one_worker_runs_the_jobs_one_after_another() {
    let report = report(&["--workers", "1", "--delays", "0.2,0.1,0.3"]);
    assert_eq!(schedule(&report), [(0, 0), (1, 0), (2, 0)]);
    assert_eq!(order(&report), [0, 1, 2]);
    assert!(report.elapsed_ms >= 600.0, "{}", report.elapsed_ms);
}

/// A bad `--workers` or `--maxsize` (0, not a whole number) is a usage error: exit status
/// 2 and one line on stderr that names the flag.
#[test]
fn bad_counts_are_usage_errors() {
    let cases: [&[&str]; 5] = [
        &["--workers", "0"],
        &["--workers", "x"],
        &["--maxsize", "0"],
        &["--scenario", "bounded", "--maxsize", "0"],
        &["--maxsize", "1.5"],
    ];
    for args in cases {
        let output = example(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        let flag = args[args.len() - 2];
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

/// Flags are checked against the pattern that reads them, in the shared parser: another
/// pattern's flag given to `queue` is refused (one line, exit status 2), and by the same
/// rule `--workers` and `--maxsize` mean nothing to another pattern.
#[test]
fn another_patterns_flag_is_refused() {
    let output = example(&["--timeout", "1"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("queue does not use --timeout"), "{stderr}");
    assert!(shared::scenarios::reads("queue", "--maxsize"));
    assert!(!shared::scenarios::reads("gather", "--maxsize"));
    assert!(!shared::scenarios::reads("gather", "--workers"));
}
