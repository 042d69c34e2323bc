//! The runner's own logic, without running any example: reading the arguments, the ideal
//! time, the explanations of known differences, and the drawings.

use compare::{Case, Column, Comparison, explain, timeline};
use shared::{Event, EventKind, Outcome, Report};

fn case(pattern: &str, args: &str) -> Case {
    let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
    Case::parse(pattern, &args).expect("the case parses")
}

#[test]
fn a_case_takes_the_scenario_defaults_and_the_jobs_arguments() {
    let gather = case("gather", "--delays 2,1,3 --fail 1");
    assert_eq!(gather.scenario, "default");
    assert_eq!(gather.args[..2], ["--scenario", "default"]);
    assert_eq!(gather.delays(), [2.0, 1.0, 3.0]);
    // The first failure ends a concurrent gather; a sequential one takes the sum.
    assert!((gather.ideal_ms() - 1000.0).abs() < 1e-9);
    let sequential = case("gather", "--scenario sequential --delays 2,1,3");
    assert!(sequential.sequential());
    assert!((sequential.ideal_ms() - 6000.0).abs() < 1e-9);
    let wait = case("wait", "--scenario first-completed");
    assert_eq!(wait.delays(), [2.0, 1.0, 3.0], "the contract's defaults");
    assert!((wait.ideal_ms() - 1000.0).abs() < 1e-9);
    let cleanup = case(
        "cancel-cleanup",
        "--scenario cleanup --delays 1 --cancel-after 0.1 --cleanup 0.1",
    );
    assert!((cleanup.ideal_ms() - 200.0).abs() < 1e-9);
}

#[test]
fn bad_arguments_are_clear_errors() {
    let err = |pattern: &str, args: &str| {
        let args: Vec<String> = args.split_whitespace().map(str::to_owned).collect();
        Case::parse(pattern, &args).expect_err("a bad case")
    };
    assert!(err("gathr", "").contains("unknown pattern"));
    assert!(err("gather", "--scenario first-completed").contains("no scenario"));
    assert!(err("gather", "--delays 1,x").contains("--delays"));
    assert!(err("gather", "--fail").contains("needs a value"));
}

#[test]
fn a_missing_binary_names_the_command_that_builds_it() {
    let err = compare::binary("no-such-pattern", "tokio").expect_err("missing");
    assert!(
        err.contains("cargo build -p no-such-pattern-tokio"),
        "{err}"
    );
}

#[test]
fn known_runtime_differences_are_explained_and_nothing_else() {
    let forgotten = case(
        "manual-await",
        "--scenario forgotten --delays 0.1,0.4 --main-delay 0.2",
    );
    assert!(explain(&forgotten, "job B").is_some_and(|e| e.contains("abandon")));
    let zero = case("wait", "--scenario timeout --delays 0.2,0.1 --timeout 0");
    assert!(explain(&zero, "job A").is_some_and(|e| e.contains("--timeout")));
    let equal = case("as-completed", "--delays 0.1,0.1,0.1");
    assert!(explain(&equal, "results").is_some_and(|e| e.contains("race")));
    let near_deadline = case("wait", "--scenario timeout --delays 0.2,0.1 --timeout 0.11");
    assert!(explain(&near_deadline, "results").is_some());
    // Well-spaced jobs have no excuse.
    let spaced = case("gather", "--delays 0.2,0.1,0.3 --fail 1");
    assert_eq!(explain(&spaced, "job C"), None);
    let scope = case(
        "timeout",
        "--scenario scope --delays 0.1,0.2,0.5 --timeout 0.45",
    );
    assert_eq!(explain(&scope, "results"), None);
}

fn report(runtime: &str, events: &[(f64, usize, EventKind)]) -> Report {
    Report {
        pattern: "cancel-cleanup".into(),
        runtime: runtime.into(),
        scenario: "cleanup".into(),
        elapsed_ms: 200.0,
        outcome: Outcome::Cancelled,
        error: None,
        failed_jobs: Vec::new(),
        results: Vec::new(),
        pending: Vec::new(),
        events: events
            .iter()
            .map(|&(t_ms, job, event)| Event {
                t_ms,
                job,
                event,
                thread: "main".into(),
                worker: None,
            })
            .collect(),
        blocking_pool: None,
    }
}

fn cleanup_comparison(tokio_events: &[(f64, usize, EventKind)]) -> Comparison {
    use EventKind::{Cancelled, CleanupFinished, CleanupStarted, Finally, Started};
    let events = [
        (0.0, 0, Started),
        (100.0, 0, CleanupStarted),
        (200.0, 0, CleanupFinished),
        (200.0, 0, Finally),
        (200.0, 0, Cancelled),
    ];
    Comparison {
        case: case(
            "cancel-cleanup",
            "--scenario cleanup --delays 1 --cancel-after 0.1 --cleanup 0.1",
        ),
        columns: vec![
            Column::Ran(Box::new(report("tokio", tokio_events))),
            Column::Ran(Box::new(report("async-std", &events))),
            Column::Ran(Box::new(report("smol", &events))),
            Column::Skipped("CPython skipped".into()),
        ],
        reruns: 0,
    }
}

#[test]
fn a_disagreement_with_no_known_cause_is_unexplained() {
    use EventKind::{Finished, Started};
    let comparison = cleanup_comparison(&[(0.0, 0, Started), (1000.0, 0, Finished)]);
    let rows: Vec<String> = comparison
        .disagreements()
        .into_iter()
        .map(|d| d.row)
        .collect();
    assert_eq!(rows, ["job A"]);
    assert_eq!(comparison.unexplained().len(), 1);
    let table = compare::table::text(&comparison);
    assert!(table.contains("≠ job A"), "{table}");
    assert!(table.contains("UNEXPLAINED"), "{table}");
    assert!(table.contains("note: CPython skipped"), "{table}");
}

#[test]
fn the_timelines_mark_each_end_and_cleanup_step() {
    use EventKind::{Cancelled, CleanupFinished, CleanupStarted, Finally, Started};
    let comparison = cleanup_comparison(&[
        (0.0, 0, Started),
        (100.0, 0, CleanupStarted),
        (200.0, 0, CleanupFinished),
        (200.0, 0, Finally),
        (200.0, 0, Cancelled),
    ]);
    assert!(comparison.disagreements().is_empty());
    let text = timeline::text(&comparison, 40);
    assert_eq!(text.matches("Cf⊘").count(), 3, "{text}");
    assert!(text.matches('c').count() >= 3, "{text}");
    let svg = timeline::svg(&comparison);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.matches("<rect x=").count() >= 3);
    assert!(svg.contains("cleanup-started at 100.0 ms"));
    assert!(svg.contains("finally at 200.0 ms"));
}

#[test]
fn blocking_cases_take_their_scenario_defaults_and_ideal_times() {
    let to_thread = case("blocking", "");
    assert_eq!(to_thread.scenario, "to-thread");
    assert_eq!(to_thread.delays(), [1.0; 20], "the contract's defaults");
    assert_eq!(to_thread.pooled_jobs(), 20);
    assert!((to_thread.ideal_ms() - 1000.0).abs() < 1e-9);
    // The caller gets the first failure; the other jobs run on, unwaited for.
    let failing = case("blocking", "--delays 0.3,0.1,0.2 --fail 1");
    assert!((failing.ideal_ms() - 100.0).abs() < 1e-9);
    let timeout = case("blocking", "--scenario timeout");
    assert_eq!(timeout.delays(), [2.0]);
    assert_eq!(timeout.pooled_jobs(), 1);
    assert!(
        (timeout.ideal_ms() - 500.0).abs() < 1e-9,
        "when the caller got it"
    );
    let blocked = case("blocking", "--scenario blocked --block 1,2");
    assert_eq!(blocked.config.block, [1, 2]);
    assert_eq!(blocked.pooled_jobs(), 0);
    assert!((blocked.ideal_ms() - 1000.0).abs() < 1e-9);
    assert_eq!(
        blocked.args,
        ["--scenario", "blocked", "--block", "1,2"],
        "--block is handed to every program"
    );
}

#[test]
fn in_blocked_every_difference_is_the_point_and_elsewhere_a_small_pool_explains_it() {
    let blocked = case(
        "blocking",
        "--scenario blocked --delays 0.2,0.3,0.1 --block 1 --fail 0",
    );
    for row in ["outcome", "results", "job C"] {
        assert!(explain(&blocked, row).is_some_and(|e| e.contains("stalls")));
    }
    let spaced = case("blocking", "--delays 0.3,0.1,0.2 --fail 1");
    assert_eq!(explain(&spaced, "job A"), None);

    // Seven jobs, and a pool of 6 threads in the asyncio column only: job G ran late there.
    let jobs = case("blocking", "--delays 0.1,0.2,0.3,0.4,0.5,0.6,0.7 --fail 0");
    let pooled = |runtime: &str, pool: usize, state: EventKind| {
        let mut report = report(runtime, &[(0.0, 6, EventKind::Started), (700.0, 6, state)]);
        report.pattern = "blocking".into();
        report.blocking_pool = Some(pool);
        Column::Ran(Box::new(report))
    };
    let mut comparison = Comparison {
        case: jobs,
        columns: vec![
            pooled("tokio", 512, EventKind::Finished),
            pooled("async-std", 500, EventKind::Finished),
            pooled("smol", 500, EventKind::Finished),
            pooled("asyncio", 6, EventKind::Failed),
        ],
        reruns: 0,
    };
    assert!(
        comparison
            .small_pools()
            .is_some_and(|e| e.contains("asyncio's has 6"))
    );
    assert!(comparison.unexplained().is_empty());
    let table = compare::table::text(&comparison);
    assert!(table.contains("blocking pool"), "{table}");
    assert!(table.contains("512 threads"), "{table}");
    assert!(
        table.contains("6 threads for 7 jobs: they take 2 rounds"),
        "{table}"
    );
    // Every column answered while job G still ran (elapsed 200 ms, G ended at 700 ms).
    assert!(
        !table.contains("answered once every job had ended"),
        "{table}"
    );
    // With a thread per job everywhere, the same difference is a bug.
    comparison.columns[3] = pooled("asyncio", 7, EventKind::Failed);
    assert_eq!(comparison.small_pools(), None);
    assert_eq!(comparison.unexplained().len(), 1);

    // A caller that waited for its blocking work answered later, by design: a note says so.
    if let Column::Ran(report) = &mut comparison.columns[0] {
        report.elapsed_ms = 700.0;
    }
    let table = compare::table::text(&comparison);
    assert!(
        table.contains("async-std, smol and asyncio answered while jobs still ran"),
        "{table}"
    );
    assert!(
        table.contains("tokio answered once every job had ended"),
        "{table}"
    );
}

#[test]
fn shutdown_cases_take_their_defaults_and_the_signal_in_their_ideal_time() {
    let ctrl_c = case("shutdown", "");
    assert_eq!(ctrl_c.scenario, "ctrl-c");
    assert_eq!(ctrl_c.delays(), [10.0; 3], "the contract's defaults");
    assert!(ctrl_c.interrupted());
    // The signal at 1 s, then the cleanups of 0.1 s.
    assert!((ctrl_c.ideal_ms() - 1100.0).abs() < 1e-9);
    // In `grace`, cleanups of 0.5 s are abandoned 0.2 s after the signal.
    let grace = case("shutdown", "--scenario grace");
    assert!((grace.ideal_ms() - 1200.0).abs() < 1e-9);
    let within = case("shutdown", "--scenario grace --cleanup 0.1 --grace 0.3");
    assert!((within.ideal_ms() - 1100.0).abs() < 1e-9);
    assert_eq!(
        within.args,
        ["--scenario", "grace", "--cleanup", "0.1", "--grace", "0.3"],
        "the shutdown flags are handed to every program"
    );
    // Every job ends before the signal, or no signal comes: the longest delay.
    let ended = case("shutdown", "--delays 0.2,0.1 --interrupt-after 0.4");
    assert!(!ended.interrupted());
    assert!((ended.ideal_ms() - 200.0).abs() < 1e-9);
    let never = case("shutdown", "--delays 0.2,3 --interrupt-after 0");
    assert!(!never.interrupted());
    assert!((never.ideal_ms() - 3000.0).abs() < 1e-9);
    // Other patterns are never interrupted.
    assert!(!case("gather", "").interrupted());
}

#[test]
fn a_job_that_ends_as_the_signal_comes_is_a_race_and_nothing_else_is() {
    let close = case("shutdown", "--delays 0.1,0.32,1 --interrupt-after 0.3");
    assert!(explain(&close, "job B").is_some_and(|e| e.contains("--interrupt-after")));
    let spaced = case("shutdown", "--delays 0.1,1,1 --interrupt-after 0.3");
    assert_eq!(explain(&spaced, "job B"), None);
    let never = case("shutdown", "--delays 0.2,0.1 --interrupt-after 0");
    assert_eq!(explain(&never, "results"), None, "no signal, no race");
}

#[test]
fn a_cleanup_that_ends_as_the_grace_period_does_is_a_race() {
    let close = case(
        "shutdown",
        "--scenario grace --delays 1 --interrupt-after 0.3 --cleanup 0.22 --grace 0.2",
    );
    assert!(explain(&close, "cleanups").is_some_and(|e| e.contains("grace period")));
    let spaced = case(
        "shutdown",
        "--scenario grace --delays 1 --interrupt-after 0.3",
    );
    assert_eq!(explain(&spaced, "cleanups"), None);
}

/// The `cleanups` row of a shutdown comparison: which interrupted jobs finished their
/// cleanup, and which abandoned it.
#[test]
fn the_cleanups_row_says_which_cleanups_were_abandoned() {
    use EventKind::{Cancelled, CleanupFinished, CleanupStarted, Finally, Started};
    let shutdown = |runtime: &str, abandoned: bool| {
        let mut events = vec![(0.0, 0, Started), (0.0, 1, Started)];
        events.extend([(300.0, 0, CleanupStarted), (300.0, 1, CleanupStarted)]);
        events.push((800.0, 0, CleanupFinished));
        if !abandoned {
            events.push((800.0, 1, CleanupFinished));
        }
        events.extend([(800.0, 0, Finally), (800.0, 0, Cancelled)]);
        events.extend([(800.0, 1, Finally), (800.0, 1, Cancelled)]);
        let mut report = report(runtime, &events);
        report.pattern = "shutdown".into();
        report.scenario = "grace".into();
        report.outcome = Outcome::Interrupted;
        report.pending = vec![0, 1];
        Column::Ran(Box::new(report))
    };
    let comparison = Comparison {
        case: case(
            "shutdown",
            "--scenario grace --delays 1,1 --interrupt-after 0.3 --grace 0.8",
        ),
        columns: vec![
            shutdown("tokio", false),
            shutdown("async-std", false),
            shutdown("smol", true),
            Column::Skipped("CPython skipped".into()),
        ],
        reruns: 0,
    };
    let rows = comparison.rows();
    let (_, cleanups) = rows
        .iter()
        .find(|(label, _)| label == "cleanups")
        .expect("a cleanups row");
    assert_eq!(cleanups[0].as_deref(), Some("A, B done"));
    assert_eq!(cleanups[2].as_deref(), Some("A done; B abandoned"));
    let unexplained = comparison.unexplained();
    assert_eq!(unexplained.len(), 1, "{unexplained:?}");
    assert!(unexplained[0].contains("`cleanups`"), "{unexplained:?}");
}

#[test]
fn queue_cases_read_their_flags_and_take_the_schedule_as_their_ideal_time() {
    let defaults = case("queue", "");
    assert_eq!(defaults.scenario, "workers");
    assert_eq!(
        defaults.delays(),
        [1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4],
        "the contract's defaults"
    );
    assert_eq!((defaults.config.workers, defaults.config.maxsize), (3, 1));
    // Three workers drain the eight jobs in 2.4 s, not the 1.5 s of the longest delay.
    assert!((defaults.ideal_ms() - 2400.0).abs() < 1e-6);
    let one = case("queue", "--delays 0.3,0.1,0.2 --workers 1");
    assert!((one.ideal_ms() - 600.0).abs() < 1e-6, "one worker: the sum");
    let many = case("queue", "--delays 0.3,0.1,0.2 --workers 8");
    assert!(
        (many.ideal_ms() - 300.0).abs() < 1e-6,
        "a worker each: the longest"
    );
    let bounded = case("queue", "--scenario bounded --workers 2 --maxsize 3");
    assert_eq!(
        bounded.args,
        ["--scenario", "bounded", "--workers", "2", "--maxsize", "3"],
        "the queue flags are handed to every program"
    );
    let oracle = bounded.queue().expect("a queue case");
    assert_eq!((oracle.workers, oracle.maxsize), (2, 3));
    assert!(case("gather", "").queue().is_none());
}

#[test]
fn queue_workers_free_at_once_explain_a_disagreement_and_spaced_ends_do_not() {
    // Every job ends at the same instant: which worker asks first is up to the runtime.
    let ties = case(
        "queue",
        "--scenario bounded --tasks 10 --delay 0 --workers 2",
    );
    assert!(explain(&ties, "job B").is_some_and(|e| e.contains("asks first")));
    // Job C's worker (B's, free at 0.1 s) ends it at 0.6 s, D at 0.5 s on A's: 100 ms apart.
    let spaced = case("queue", "--delays 0.3,0.1,0.5,0.2,0.4 --workers 2");
    assert_eq!(explain(&spaced, "job C"), None);
    assert_eq!(explain(&spaced, "results"), None);
}

/// A `queue` report with these events: (time, job, event, worker).
fn queue_report(runtime: &str, events: &[(f64, usize, EventKind, Option<usize>)]) -> Report {
    let mut report = report(
        runtime,
        &events
            .iter()
            .map(|&(t, job, event, _)| (t, job, event))
            .collect::<Vec<_>>(),
    );
    for (event, &(.., worker)) in report.events.iter_mut().zip(events) {
        event.worker = worker;
    }
    report.pattern = "queue".into();
    report.scenario = "bounded".into();
    report.outcome = Outcome::Ok;
    report.elapsed_ms = 300.0;
    report
}

#[test]
fn the_timelines_name_each_job_s_worker_and_its_wait_on_the_queue() {
    use EventKind::{Finished, Queued, Started};
    let events = [
        (0.0, 0, Queued, None),
        (0.0, 0, Started, Some(0)),
        (0.0, 1, Queued, None),
        (100.0, 0, Finished, None),
        (100.0, 1, Started, Some(0)),
        (300.0, 1, Finished, None),
    ];
    let comparison = Comparison {
        case: case(
            "queue",
            "--scenario bounded --delays 0.1,0.2 --workers 1 --maxsize 1",
        ),
        columns: vec![
            Column::Ran(Box::new(queue_report("tokio", &events))),
            Column::Ran(Box::new(queue_report("async-std", &events))),
            Column::Ran(Box::new(queue_report("smol", &events))),
            Column::Skipped("CPython skipped".into()),
        ],
        reruns: 0,
    };
    assert!(comparison.unexplained().is_empty());
    let bars = timeline::bars(comparison.columns[0].report().expect("a report"));
    assert_eq!(bars.len(), 2, "a bar per job, not per event: {bars:?}");
    assert_eq!((bars[1].worker, bars[1].queued), (Some(0), Some(0.0)));
    assert!(
        (bars[1].start - 100.0).abs() < 1e-9,
        "the bar starts when the job does"
    );

    let text = timeline::text(&comparison, 30);
    // Job B, put on the queue at once, waits for worker 0 until 100 ms, a third of the way.
    assert_eq!(text.matches("B w0 │q·········━").count(), 3, "{text}");
    assert_eq!(text.matches("A w0 │q━").count(), 3, "{text}");
    assert!(text.contains("q put on the queue"), "{text}");
    let table = compare::table::text(&comparison);
    assert!(table.contains("finished on w0"), "{table}");
    let svg = timeline::svg(&comparison);
    assert!(svg.contains("job B put on the queue at 0.0 ms"), "{svg}");
    assert!(svg.contains(">B w0</text>"), "{svg}");
}

#[test]
fn a_long_list_is_cut_short_in_its_cell_and_still_compared_whole() {
    use EventKind::{Finished, Started};
    let jobs = 500;
    let events: Vec<(f64, usize, EventKind, Option<usize>)> = (0..jobs)
        .flat_map(|job| {
            let t = job as f64;
            [(t, job, Started, Some(0)), (t + 1.0, job, Finished, None)]
        })
        .collect();
    let received = |order: &mut dyn Iterator<Item = usize>| -> Vec<shared::Received> {
        order
            .map(|job| shared::Received {
                job,
                value: shared::Value::Ok(format!("job {job} result")),
            })
            .collect()
    };
    let mut columns: Vec<Column> = ["tokio", "async-std", "smol"]
        .iter()
        .map(|runtime| {
            let mut report = queue_report(runtime, &events);
            report.scenario = "workers".into();
            report.results = received(&mut (0..jobs));
            Column::Ran(Box::new(report))
        })
        .collect();
    // The last column got its last two results the other way round.
    let mut report = queue_report("asyncio", &events);
    report.scenario = "workers".into();
    report.results = received(&mut (0..jobs - 2).chain([jobs - 1, jobs - 2]));
    columns.push(Column::Ran(Box::new(report)));
    let comparison = Comparison {
        case: case(
            "queue",
            &format!("--tasks {jobs} --delay 0.001 --workers 1"),
        ),
        columns,
        reruns: 0,
    };
    let table = compare::table::text(&comparison);
    assert!(table.contains("≠ results"), "compared whole");
    let results = table
        .lines()
        .find(|line| line.contains("results"))
        .expect("a results row");
    assert!(
        results.contains(&format!("{} more", jobs - 20)),
        "{results}"
    );
    assert!(
        results.chars().count() < 4 * (compare::table::CELL_CHARS + 30),
        "{results}"
    );
}

/// `compare ... | head`: the reader goes away with most of the output unwritten, and the
/// runner ends quietly, as the examples do, instead of panicking on the closed pipe.
#[test]
fn a_reader_that_goes_away_ends_the_runner_quietly() {
    use std::io::{BufRead as _, BufReader, Read as _};
    use std::process::{Command, Stdio};

    let mut child = Command::new(env!("CARGO_BIN_EXE_compare"))
        .args(["queue", "--tasks", "3000", "--delay", "0"])
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the runner starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("the first line can be read");
    // The reader is dropped here: the pipe closes with most of the table unwritten.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("stderr can be read");
    let status = child.wait().expect("the runner ends");
    assert!(first.starts_with("queue --scenario workers"), "{first}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}
