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
