//! The `queue` binaries agree with the contract, with each other and with CPython's asyncio
//! (when `python3` 3.11+ is on the `PATH`): the worker that takes each job, the order the
//! jobs end in (the results), each job's events and the order of every event, and, from
//! below, the times of the schedule in which the first free worker takes the next job
//! (`contract::oracle::Queue`). And the rules `contract::problems` holds a `queue` report to.
//!
//! The times are real: distinct end times are at least 100 ms apart, so that a loaded
//! machine cannot change the order of events (a run that disagrees while it ran late runs
//! again). Jobs that end at the same moment (equal delays) make a schedule the programs
//! cause: their timers fire in the order they were set, and the workers take turns on one
//! thread (one task in Rust); only the order in which one instant's events are logged is
//! left free there. Jobs of no delay through a queue of one are where the runtimes differ:
//! see `jobs_of_no_delay_through_a_queue_of_one_end_in_input_order`.

use contract::oracle::{Jobs, Queue};
use contract::{Fingerprint, RUNTIMES, problems, python_report, report};
use shared::{EventKind, Report};

fn case(
    scenario: &'static str,
    delays: &[f64],
    fail: &[usize],
    panic: &[usize],
    workers: usize,
    maxsize: usize,
) -> Queue {
    Queue {
        scenario,
        jobs: Jobs {
            delays: delays.to_vec(),
            fail: fail.to_vec(),
            panic: panic.to_vec(),
        },
        workers,
        maxsize,
    }
}

/// The contract's default jobs of `queue`.
const DEFAULT_DELAYS: [f64; 8] = [1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4];

/// Runs the three runtimes and CPython on these arguments, all at once (the jobs only
/// sleep), and returns their reports, CPython's last.
fn run_all(args: &[String]) -> Vec<Report> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let args = &args;
    std::thread::scope(|scope| {
        let runs: Vec<_> = RUNTIMES
            .iter()
            .map(|runtime| scope.spawn(move || Some(report("queue", runtime, args))))
            .chain([scope.spawn(move || python_report("queue", args))])
            .collect();
        runs.into_iter()
            .filter_map(|run| run.join().expect("the run thread does not panic"))
            .collect()
    })
}

/// Every event as (job, event, worker), in the order of the log.
fn sequence(report: &Report) -> Vec<(usize, EventKind, Option<usize>)> {
    report
        .events
        .iter()
        .map(|e| (e.job, e.event, e.worker))
        .collect()
}

/// How closely a case's reports must agree.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Agree {
    /// Distinct end times, 100 ms apart: every report follows the oracle's schedule, and
    /// every event comes in the same order as in CPython's (or, without it, smol's).
    Exactly,
    /// Jobs that end at the same instant: the schedule (each job's worker and events, the
    /// results) as the oracle says; the order in which the events of one instant are
    /// logged is left free (whether two timers set microseconds apart fire in one turn of
    /// the loop or in two is up to the runtime and the machine).
    OnTheSchedule,
    /// Only what the contract fixes (`contract::problems`, the fingerprint): where the
    /// runtimes are known to hand the next job to different workers.
    OnTheResults,
}

/// Whether the end times of a case are at least `seconds` apart (1 µs of rounding aside).
fn apart_by(case: &Queue, seconds: f64) -> bool {
    let mut ends: Vec<f64> = case
        .schedule()
        .iter()
        .map(|slot| slot.end.as_secs_f64())
        .collect();
    ends.sort_by(f64::total_cmp);
    ends.windows(2).all(|w| w[1] - w[0] > seconds - 1e-6)
}

/// Whether the end times of a case are at least 100 ms apart.
fn apart(case: &Queue) -> bool {
    apart_by(case, 0.1)
}

/// How late a run may be, anywhere, for its order of events to count: half the 100 ms
/// between distinct ends. A run later than that may have had its order changed by the
/// machine's load.
const LATE_MS: f64 = 50.0;

/// How many times a case runs at most, when a late run disagrees.
const ATTEMPTS: usize = 3;

/// The most any event of the report comes after the schedule says it may, in ms.
fn lateness(case: &Queue, report: &Report) -> f64 {
    let schedule = case.schedule();
    let ms = |t: std::time::Duration| t.as_secs_f64() * 1000.0;
    report
        .events
        .iter()
        .filter_map(|e| {
            let slot = schedule.get(e.job)?;
            let due = match e.event {
                EventKind::Queued => slot.queued?,
                EventKind::Started => slot.start,
                _ => slot.end,
            };
            Some(e.t_ms - ms(due))
        })
        .fold(0.0, f64::max)
}

/// What is wrong with the reports of one run of the case: the contract, and as `agree`
/// says, the oracle and CPython's order of events.
fn judge(case: &Queue, args: &[String], agree: Agree, reports: &[Report]) -> Vec<String> {
    let expected = case.fingerprint();
    let n = case.jobs.delays.len();
    let reference = reports.last().map(sequence).unwrap_or_default();
    let reference_name = reports.last().map_or("", |r| r.runtime.as_str());
    let mut found = Vec::new();
    for report in reports {
        let who = format!("{} {args:?}", report.runtime);
        if (report.pattern.as_str(), report.scenario.as_str()) != ("queue", case.scenario) {
            found.push(format!(
                "{who}: a {} {} report",
                report.pattern, report.scenario
            ));
        }
        found.extend(problems(report).into_iter().map(|p| format!("{who}: {p}")));
        let fingerprint = Fingerprint::of(report, n);
        if fingerprint != expected {
            found.push(format!("{who}: {fingerprint:?}, not {expected:?}"));
        }
        if agree != Agree::OnTheResults {
            found.extend(
                case.problems(report)
                    .into_iter()
                    .map(|p| format!("{who}: {p}")),
            );
        }
        if agree == Agree::Exactly && sequence(report) != reference {
            found.push(format!(
                "{who}: the events {:?}, in another order than {reference_name}'s {reference:?}",
                sequence(report)
            ));
        }
    }
    found
}

/// Runs the case with `args` (its own arguments when `None`) on every runtime and CPython,
/// and checks each report against the contract and, as `agree` says, the oracle and
/// CPython's order of events. Returns the reports.
///
/// A run that disagrees while one of its programs ran more than [`LATE_MS`] late (a loaded
/// machine) runs again, up to [`ATTEMPTS`] times: a real difference disagrees on time too.
fn check_with(case: &Queue, args: Option<Vec<String>>, agree: Agree) -> Vec<Report> {
    let args = args.unwrap_or_else(|| case.args());
    for attempt in 1..=ATTEMPTS {
        let reports = run_all(&args);
        let found = judge(case, &args, agree, &reports);
        if found.is_empty() {
            return reports;
        }
        let late: Vec<String> = reports
            .iter()
            .map(|r| (r.runtime.as_str(), lateness(case, r)))
            .filter(|(_, late)| *late > LATE_MS)
            .map(|(runtime, late)| format!("{runtime} {late:.0} ms late"))
            .collect();
        assert!(
            !late.is_empty() && attempt < ATTEMPTS,
            "{args:?} (run {attempt}, late: {late:?}):\n{}",
            found.join("\n")
        );
        println!("{args:?}: run {attempt} disagreed, but ran late ({late:?}): again");
    }
    unreachable!("the last attempt returns or fails")
}

/// Checks cases whose distinct end times are 100 ms apart, exactly.
fn check(cases: &[Queue]) {
    for case in cases {
        assert!(
            apart(case),
            "end times closer than 100 ms: {:?}",
            case.args()
        );
        check_with(case, None, Agree::Exactly);
    }
}

/// The defaults, with no flag but the scenario: three workers drain the eight jobs in
/// 2.4 s, worker 0 taking jobs 0, 4, 6, worker 1 jobs 1, 3, 5, worker 2 jobs 2, 7; in
/// `bounded`, job 4 is queued only at 0.5 s, when worker 1 takes job 3 and makes room.
#[test]
fn the_defaults_agree_with_the_contract_and_asyncio() {
    for scenario in ["workers", "bounded"] {
        let defaults = case(scenario, &DEFAULT_DELAYS, &[], &[], 3, 1);
        let workers: Vec<usize> = defaults.schedule().iter().map(|s| s.worker).collect();
        assert_eq!(workers, [0, 1, 2, 1, 0, 1, 0, 2]);
        assert_eq!(defaults.completion_order(), [1, 0, 3, 4, 2, 7, 6, 5]);
        let args = vec!["--scenario".to_owned(), scenario.to_owned()];
        assert!(apart(&defaults));
        for report in check_with(&defaults, Some(args), Agree::Exactly) {
            assert!(report.elapsed_ms >= 2399.0, "{}", report.runtime);
        }
    }
}

/// One worker runs the jobs one after another, in input order (their sum); more workers
/// than jobs run them all at once (the longest delay), the spare workers idle.
#[test]
fn one_worker_and_more_workers_than_jobs() {
    check(&[
        case("workers", &[0.3, 0.1, 0.2], &[], &[], 1, 1),
        case("bounded", &[0.3, 0.1, 0.2], &[1], &[], 1, 1),
        case("workers", &[0.3, 0.1, 0.5, 0.2], &[], &[], 8, 1),
        case("bounded", &[0.3, 0.1, 0.5, 0.2], &[], &[2], 8, 1),
    ]);
}

/// A queue of room for three: the producer's put of job k returns when job k - 3 is taken.
#[test]
fn a_bounded_queue_with_room_for_several_jobs() {
    check(&[
        case(
            "bounded",
            &[0.4, 0.1, 0.5, 0.3, 0.3, 0.6, 0.1],
            &[],
            &[],
            2,
            3,
        ),
        // More room than jobs: every put returns at once.
        case("bounded", &[0.4, 0.1, 0.2], &[], &[], 2, 10),
    ]);
}

/// A failing or panicking job is a result like any other (`err`), and its worker goes on
/// to the next job.
#[test]
fn a_failing_or_panicking_job_does_not_stop_its_worker() {
    check(&[
        case("workers", &[0.3, 0.1, 0.5, 0.2, 0.4], &[1], &[], 2, 1),
        case("workers", &[0.3, 0.1, 0.5, 0.2, 0.4], &[], &[0], 2, 1),
        case("bounded", &[0.3, 0.1, 0.5, 0.2, 0.4], &[1, 3], &[4], 2, 1),
        case("bounded", &[0.1, 0.2], &[0], &[1], 1, 1),
    ]);
}

/// Jobs of one delay end together, in the order their timers were set: the workers free at
/// the same moment take the next jobs in worker order. Nine jobs of 0.1 s on three workers:
/// jobs 3, 4, 5 go to workers 0, 1, 2, as in CPython.
#[test]
fn ties_go_to_the_lower_worker() {
    for scenario in ["workers", "bounded"] {
        let ties = case(scenario, &[0.1; 9], &[], &[], 3, 1);
        let workers: Vec<usize> = ties.schedule().iter().map(|s| s.worker).collect();
        assert_eq!(workers, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
        let args = ["--scenario", scenario, "--tasks", "9", "--delay", "0.1"];
        let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
        check_with(&ties, Some(args), Agree::OnTheSchedule);
    }
}

/// CPython's own `test_queues.py` shape (`test_task_done`): a hundred jobs on the queue,
/// jobs that only yield, two workers. Each job's `sleep(0)` hands the thread to the other
/// worker, so the two take the jobs in turn: worker 0 the even ones, worker 1 the odd ones.
#[test]
fn two_workers_take_jobs_of_no_delay_in_turn() {
    let shape = case("workers", &[0.0; 100], &[], &[], 2, 1);
    let args = [
        "--scenario",
        "workers",
        "--tasks",
        "100",
        "--delay",
        "0",
        "--workers",
        "2",
    ];
    let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
    for report in check_with(&shape, Some(args), Agree::Exactly) {
        let workers: Vec<usize> = report.events.iter().filter_map(|e| e.worker).collect();
        let alternating: Vec<usize> = (0..100).map(|job| job % 2).collect();
        assert_eq!(workers, alternating, "{}", report.runtime);
    }
}

/// The same jobs through a queue of one: each put wakes a worker waiting in `get()` at
/// the very instant the other worker, back from its `sleep(0)`, asks for the next job.
/// asyncio hands the job to whichever asks first (a woken getter must look again), and so
/// do async-std's and smol's channels: worker 0 takes every job. In the tokio example the
/// waiting worker holds the fair mutex in front of the one receiver, and gets the job: the
/// two alternate. Every runtime runs every job once, in input order, and ends them in that
/// order, which is all this case compares.
#[test]
fn jobs_of_no_delay_through_a_queue_of_one_end_in_input_order() {
    let shape = case("bounded", &[0.0; 100], &[], &[], 2, 1);
    let args = [
        "--scenario",
        "bounded",
        "--tasks",
        "100",
        "--delay",
        "0",
        "--workers",
        "2",
        "--maxsize",
        "1",
    ];
    let args: Vec<String> = args.iter().map(|&a| a.to_owned()).collect();
    check_with(&shape, Some(args), Agree::OnTheResults);
}

/// splitmix64: a seeded stream of numbers, the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number from `low` to `high`, both included.
    fn between(&mut self, low: usize, high: usize) -> usize {
        let span = u64::try_from(high - low + 1).expect("a small span");
        low + usize::try_from(self.next() % span).expect("below the span")
    }
}

/// A random run whose end times are at least 200 ms apart (twice the margin of the cases
/// above: a random schedule chains more jobs, and each link can be late on a loaded
/// machine), and that takes at most 2 s.
fn random_case(random: &mut Random) -> Queue {
    loop {
        let n = random.between(4, 7);
        let delays: Vec<f64> = (0..n)
            .map(|_| random.between(1, 10) as f64 / 10.0)
            .collect();
        let mut fail = Vec::new();
        let mut panic = Vec::new();
        for job in 0..n {
            match random.between(0, 9) {
                0 | 1 => fail.push(job),
                2 => panic.push(job),
                _ => {}
            }
        }
        let scenario = if random.between(0, 1) == 0 {
            "workers"
        } else {
            "bounded"
        };
        let candidate = case(
            scenario,
            &delays,
            &fail,
            &panic,
            random.between(2, 4),
            random.between(1, 3),
        );
        if apart_by(&candidate, 0.2) && candidate.elapsed().as_secs_f64() <= 2.0 {
            return candidate;
        }
    }
}

#[test]
fn random_runs_agree_with_the_contract_and_asyncio() {
    let seed = 20_261_201;
    let mut random = Random(seed);
    for _ in 0..8 {
        let case = random_case(&mut random);
        println!("seed {seed}: {:?}", case.args());
        check(&[case]);
    }
}

/// A report in JSON with these scenario, results and events (job, event, worker).
fn queue_report(scenario: &str, results: &str, events: &[(usize, &str, Option<usize>)]) -> Report {
    let events: Vec<String> = events
        .iter()
        .enumerate()
        .map(|(t, (job, event, worker))| {
            let worker = worker.map_or(String::new(), |w| format!(r#", "worker": {w}"#));
            format!(
                r#"{{"t_ms": {t}.0, "job": {job}, "event": "{event}", "thread": "main"{worker}}}"#
            )
        })
        .collect();
    serde_json::from_str(&format!(
        r#"{{"pattern": "queue", "runtime": "tokio", "scenario": "{scenario}",
            "elapsed_ms": 10.0, "outcome": "ok", "error": null, "failed_jobs": [],
            "results": {results}, "pending": [], "events": [{}]}}"#,
        events.join(", ")
    ))
    .expect("a well-formed report")
}

#[test]
fn problems_knows_the_rules_of_a_queue_report() {
    let good_events = [
        (0, "queued", None),
        (0, "started", Some(0)),
        (1, "queued", None),
        (1, "started", Some(1)),
        (1, "failed", None),
        (0, "finished", None),
    ];
    let results = r#"[{"job": 1, "err": "job 1 failed"}, {"job": 0, "ok": "job 0 result"}]"#;
    let good = queue_report("bounded", results, &good_events);
    assert_eq!(problems(&good), Vec::<String>::new());
    let found = |r: &Report| problems(r).join("; ");

    // `queued` only in `bounded`, before the job starts; and every job is `queued` there.
    let unbounded = queue_report("workers", results, &good_events);
    assert!(found(&unbounded).contains("queued outside `bounded`"));
    let mut late = good_events;
    late.swap(0, 1);
    assert!(found(&queue_report("bounded", results, &late)).contains("after it started"));
    let unqueued: Vec<_> = good_events.iter().copied().skip(1).collect();
    assert!(found(&queue_report("bounded", results, &unqueued)).contains("before it was queued"));
    let untaken = [
        (0, "queued", None),
        (0, "started", Some(0)),
        (0, "finished", None),
    ];
    let mut untaken = untaken.to_vec();
    untaken.push((1, "queued", None));
    let one = r#"[{"job": 0, "ok": "job 0 result"}]"#;
    assert!(found(&queue_report("bounded", one, &untaken)).contains("no worker took it"));

    // Every `started` names its worker, and no other event does; a worker runs one job at
    // a time; the jobs start in input order.
    let plain = [(0, "started", None), (0, "finished", None)];
    assert!(found(&queue_report("workers", one, &plain)).contains("names no worker"));
    let named = [(0, "started", Some(0)), (0, "finished", Some(0))];
    assert!(found(&queue_report("workers", one, &named)).contains("`finished` event names"));
    let both = [
        (0, "started", Some(0)),
        (1, "started", Some(0)),
        (1, "failed", None),
        (0, "finished", None),
    ];
    assert!(found(&queue_report("workers", results, &both)).contains("while job 0 ran"));
    let swapped = [
        (1, "started", Some(0)),
        (0, "started", Some(1)),
        (1, "failed", None),
        (0, "finished", None),
    ];
    assert!(found(&queue_report("workers", results, &swapped)).contains("input order"));

    // Results: every job once, in the order they ended, `ok` for a finished one.
    let events = good_events;
    let reversed = r#"[{"job": 0, "ok": "job 0 result"}, {"job": 1, "err": "job 1 failed"}]"#;
    assert!(found(&queue_report("bounded", reversed, &events)).contains("the order the"));
    assert!(found(&queue_report("bounded", one, &events)).contains("received once"));
    let all_ok = r#"[{"job": 1, "ok": "job 1 result"}, {"job": 0, "ok": "job 0 result"}]"#;
    assert!(found(&queue_report("bounded", all_ok, &events)).contains("else `err`"));

    // Nothing is cancelled, and the outcome is `ok`.
    let cancelled = [(0, "started", Some(0)), (0, "cancelled", None)];
    assert!(found(&queue_report("workers", "[]", &cancelled)).contains("was cancelled"));
    let mut error = good.clone();
    error.outcome = shared::Outcome::Error;
    error.error = Some("job 1 failed".to_owned());
    assert!(found(&error).contains("a queue report is `ok`"));

    // Outside `queue`, no event names a worker and none is `queued`.
    let mut gather = good;
    gather.pattern = "gather".to_owned();
    assert!(found(&gather).contains("only queue's do"));
}

#[test]
fn the_oracle_checks_workers_events_and_times_from_below() {
    let run = case("bounded", &[0.2, 0.1], &[], &[], 2, 1);
    let at =
        |t: f64, job: usize, event: &'static str, worker: Option<usize>| (t, job, event, worker);
    let report = |events: &[(f64, usize, &str, Option<usize>)]| {
        let mut report = queue_report(
            "bounded",
            r#"[{"job": 1, "ok": "job 1 result"}, {"job": 0, "ok": "job 0 result"}]"#,
            &events
                .iter()
                .map(|&(_, job, event, worker)| (job, event, worker))
                .collect::<Vec<_>>(),
        );
        for (event, &(t, ..)) in report.events.iter_mut().zip(events) {
            event.t_ms = t;
        }
        report.elapsed_ms = 200.5;
        report
    };
    let good = [
        at(0.1, 0, "queued", None),
        at(0.2, 0, "started", Some(0)),
        at(0.3, 1, "queued", None),
        at(0.4, 1, "started", Some(1)),
        at(100.4, 1, "finished", None),
        at(200.3, 0, "finished", None),
    ];
    assert_eq!(run.problems(&report(&good)), Vec::<String>::new());
    let found =
        |events: &[(f64, usize, &str, Option<usize>)]| run.problems(&report(events)).join("; ");

    let mut other_worker = good;
    other_worker[3].3 = Some(0);
    assert!(found(&other_worker).contains("not on worker 1"));
    let mut no_such_worker = good;
    no_such_worker[3].3 = Some(2);
    assert!(found(&no_such_worker).contains("of 2 workers"));
    let mut early = good;
    early[4].0 = 90.0;
    assert!(found(&early).contains("before 100 ms"));
    let missing: Vec<_> = good.iter().copied().filter(|e| e.2 != "queued").collect();
    assert!(found(&missing).contains("not [Queued, Started, Finished]"));
    let mut returned_early = report(&good);
    returned_early.elapsed_ms = 150.0;
    assert!(
        run.problems(&returned_early)
            .join("; ")
            .contains("before the last job's end")
    );
}
