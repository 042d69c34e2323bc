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
