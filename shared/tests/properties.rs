//! Properties of the shared command line and event log, for any input: parsing never
//! panics, every refusal is one line naming the flag and the value, what is accepted is
//! what was typed, and the log's idea of a running (or leaked) job is the contract's.

use std::time::Duration;

use clap::Parser as _;
use proptest::prelude::*;
use shared::Scenario as _;
use shared::scenarios::{Gather, ManualAwait};
use shared::{
    Args, Cli, Defaults, Event, EventKind, MAX_SECONDS, NoExtra, Outcome, Report, UsageError,
};

const TUTORIAL: Defaults = Defaults::delays(&[2.0, 1.0, 3.0]);

/// Checks that `err` is a usage error about `flag` and `value`, printed on one line.
fn refuses(err: &UsageError, flag: &str, value: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(err.flag, flag);
    prop_assert_eq!(&err.value, value);
    let message = err.to_string();
    prop_assert!(!message.contains('\n'), "not one line: {message:?}");
    prop_assert!(message.contains(flag), "{message}");
    Ok(())
}

/// A number of seconds the contract accepts, from 0 to a day.
fn seconds() -> impl Strategy<Value = f64> {
    prop_oneof![0.0..=MAX_SECONDS, (0..=86_400u32).prop_map(f64::from)]
}

/// A number of seconds the contract refuses: negative, over a day, NaN or infinite.
fn bad_seconds() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1e12..-1e-9f64),
        (MAX_SECONDS * (1.0 + 1e-9)..1e300f64),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
    ]
}

/// Events of up to 6 jobs in any order: starts, ends, and the other steps.
fn events() -> impl Strategy<Value = Vec<Event>> {
    let kind = prop_oneof![
        3 => Just(EventKind::Started),
        1 => Just(EventKind::Finished),
        1 => Just(EventKind::Failed),
        1 => Just(EventKind::Panicked),
        1 => Just(EventKind::Cancelled),
        1 => Just(EventKind::CleanupStarted),
        1 => Just(EventKind::CleanupFinished),
        1 => Just(EventKind::Finally),
    ];
    proptest::collection::vec((0..6usize, kind), 0..24).prop_map(|events| {
        events
            .into_iter()
            .enumerate()
            .map(|(t, (job, event))| Event {
                t_ms: t as f64,
                job,
                event,
                thread: "main".to_owned(),
                worker: None,
            })
            .collect()
    })
}

fn report(pattern: &str, scenario: &str, events: Vec<Event>) -> Report {
    Report {
        pattern: pattern.to_owned(),
        runtime: "smol".to_owned(),
        scenario: scenario.to_owned(),
        elapsed_ms: 0.0,
        outcome: Outcome::Ok,
        error: None,
        failed_jobs: Vec::new(),
        results: Vec::new(),
        pending: Vec::new(),
        events,
        blocking_pool: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any list of durations from 0 to a day is accepted, as typed (with or without spaces
    /// around the commas), one job per item.
    #[test]
    fn every_duration_up_to_a_day_is_accepted_as_typed(
        values in proptest::collection::vec(seconds(), 1..8),
        spaces in any::<bool>(),
    ) {
        let separator = if spaces { " , " } else { "," };
        let text = values.iter().map(f64::to_string).collect::<Vec<_>>().join(separator);
        let args = Args { delays: Some(text.clone()), ..Args::default() };
        let config = args.resolve(TUTORIAL).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected: Vec<Duration> = values.iter().map(|&s| Duration::from_secs_f64(s)).collect();
        prop_assert_eq!(config.delays, expected);
    }

    /// A negative, NaN, infinite or over-a-day duration is refused wherever it is: in
    /// `--delays` among good ones, in `--delay`, and in every duration flag.
    #[test]
    fn every_bad_duration_is_refused_naming_its_flag(
        bad in bad_seconds(),
        good in proptest::collection::vec(seconds(), 0..4),
        place in 0..4usize,
        flag in 0..6usize,
    ) {
        let bad_text = bad.to_string();
        let mut list: Vec<String> = good.iter().map(f64::to_string).collect();
        list.insert(place.min(list.len()), bad_text.clone());
        let list = list.join(",");
        let args = Args { delays: Some(list.clone()), ..Args::default() };
        refuses(&args.resolve(TUTORIAL).unwrap_err(), "--delays", &list)?;

        let mut args = Args::default();
        let value = Some(bad_text.clone());
        let name = match flag {
            0 => { args.tasks = Some("3".to_owned()); args.delay = value; "--delay" }
            1 => { args.timeout = value; "--timeout" }
            2 => { args.cancel_after = value; "--cancel-after" }
            3 => { args.cleanup = value; "--cleanup" }
            4 => { args.main_delay = value; "--main-delay" }
            _ => { args.delays = value; "--delays" }
        };
        refuses(&args.resolve(TUTORIAL).unwrap_err(), name, &bad_text)?;
    }

    /// Whatever text is given to any flag, resolving it never panics: it is accepted, or
    /// refused on one line that names that flag and that text.
    #[test]
    fn any_text_in_any_flag_is_accepted_or_refused_on_one_line(
        text in "(?s).{0,12}",
        flag in 0..9usize,
    ) {
        let mut args = Args::default();
        let value = Some(text.clone());
        let name = match flag {
            0 => { args.delays = value; "--delays" }
            1 => { args.delay = value; args.tasks = Some("2".to_owned()); "--delay" }
            2 => { args.tasks = value; args.delay = Some("1".to_owned()); "--tasks" }
            3 => { args.fail = value; "--fail" }
            4 => { args.panic = value; "--panic" }
            5 => { args.timeout = value; "--timeout" }
            6 => { args.cancel_after = value; "--cancel-after" }
            7 => { args.seed = value; "--seed" }
            _ => { args.main_delay = value; "--main-delay" }
        };
        match args.resolve(TUTORIAL) {
            Ok(config) => {
                prop_assert!(config.delays.iter().all(|d| d.as_secs_f64() <= MAX_SECONDS));
                prop_assert!(!config.delays.is_empty());
            }
            Err(err) => refuses(&err, name, &text)?,
        }
    }

    /// `--fail` and `--panic` take any list of job numbers below the number of jobs, in any
    /// order and with repeats, as the sorted set; a number that names no job is refused.
    #[test]
    fn job_lists_name_jobs_or_are_refused(
        jobs in 1..8usize,
        list in proptest::collection::vec(0..10usize, 1..6),
        panic in any::<bool>(),
    ) {
        let text = list.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        let delays = vec!["1"; jobs].join(",");
        let mut args = Args { delays: Some(delays), ..Args::default() };
        let flag = if panic { "--panic" } else { "--fail" };
        if panic { args.panic = Some(text.clone()) } else { args.fail = Some(text.clone()) }
        let result = args.resolve(TUTORIAL);
        if list.iter().all(|&job| job < jobs) {
            let config = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut expected = list.clone();
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(if panic { config.panic } else { config.fail }, expected);
        } else {
            refuses(&result.unwrap_err(), flag, &text)?;
        }
    }

    /// A job named by both `--fail` and `--panic` is refused: it can only end one way.
    #[test]
    fn a_job_cannot_both_fail_and_panic(job in 0..3usize, other in 0..3usize) {
        let args = Args {
            fail: Some(format!("{job},{other}")),
            panic: Some(job.to_string()),
            ..Args::default()
        };
        refuses(&args.resolve(TUTORIAL).unwrap_err(), "--panic", &job.to_string())?;
    }

    /// `--tasks N --delay S` is N jobs of S seconds.
    #[test]
    fn tasks_and_delay_make_n_equal_jobs(n in 1..500usize, s in seconds()) {
        let args = Args {
            tasks: Some(n.to_string()),
            delay: Some(s.to_string()),
            ..Args::default()
        };
        let config = args.resolve(TUTORIAL).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(config.delays, vec![Duration::from_secs_f64(s); n]);
    }

    /// A whole command line of known flags with any values, in any order, never panics:
    /// clap refuses it, or the shared checks accept it or refuse it naming a flag that was
    /// given.
    #[test]
    fn any_command_line_parses_or_is_refused_without_a_panic(
        pairs in proptest::collection::vec(
            (
                prop_oneof![
                    Just("--delays"), Just("--tasks"), Just("--delay"), Just("--fail"),
                    Just("--panic"), Just("--timeout"), Just("--scenario"), Just("--seed"),
                ],
                prop_oneof!["(?s).{0,6}", "-?[0-9.,e]{1,6}", Just("nan".to_owned())],
            ),
            0..5,
        ),
    ) {
        let mut argv = vec!["gather".to_owned()];
        for (flag, value) in &pairs {
            argv.push((*flag).to_owned());
            argv.push(value.clone());
        }
        let Ok(cli) = Cli::<Gather, NoExtra>::try_parse_from(&argv) else {
            return Ok(());
        };
        let defaults = cli.scenario.unwrap_or(Gather::Default).defaults();
        if let Err(err) = cli.args.resolve(defaults) {
            prop_assert!(pairs.iter().any(|(flag, _)| *flag == err.flag), "{err}");
            prop_assert!(!err.to_string().contains('\n'));
        }
    }

    /// Job names are distinct capital letters, in order of length: A..Z, AA..ZZ, ...
    #[test]
    fn job_names_are_distinct_capitals(a in 0..100_000usize, b in 0..100_000usize) {
        let (name_a, name_b) = (shared::job_name(a), shared::job_name(b));
        prop_assert!(name_a.chars().all(|c| c.is_ascii_uppercase()) && !name_a.is_empty());
        prop_assert_eq!(a == b, name_a == name_b);
        if a < b {
            prop_assert!(name_a.len() <= name_b.len());
        }
    }

    /// A job is running (in the log and the report) exactly when its last `started` has no
    /// terminal event after it; a leak is such a job in any scenario but `forgotten`.
    #[test]
    fn running_jobs_are_those_started_and_not_ended(events in events()) {
        let mut expected = Vec::new();
        for job in 0..6 {
            let mine: Vec<EventKind> =
                events.iter().filter(|e| e.job == job).map(|e| e.event).collect();
            if let Some(start) = mine.iter().rposition(|&e| e == EventKind::Started)
                && !mine[start..].iter().any(|e| e.is_terminal())
            {
                expected.push(job);
            }
        }
        let gather = report("gather", "default", events.clone());
        prop_assert_eq!(gather.still_running(), expected.clone());
        prop_assert_eq!(gather.leaked(), expected.clone());
        prop_assert_eq!(gather.leak_warning().is_some(), !expected.is_empty());
        let human = gather.to_human(6);
        prop_assert_eq!(human.contains("still running when reported"), !expected.is_empty());

        let forgotten = report(ManualAwait::PATTERN, &ManualAwait::Forgotten.name(), events);
        prop_assert_eq!(forgotten.still_running(), expected);
        prop_assert!(forgotten.leaked().is_empty(), "a forgotten task is the point, not a leak");
        prop_assert!(!forgotten.to_human(6).contains("still running when reported"));
    }
}
