//! The shared command line: defaults, every flag, and the bad inputs of the contract.

use std::time::Duration;

use shared::{Args, Config, Defaults, Ending, EventLog};

fn args(pairs: &[(&str, &str)]) -> Args {
    let mut args = Args::default();
    for &(flag, value) in pairs {
        let value = Some(value.to_owned());
        match flag {
            "--delays" => args.delays = value,
            "--tasks" => args.tasks = value,
            "--delay" => args.delay = value,
            "--fail" => args.fail = value,
            "--panic" => args.panic = value,
            "--timeout" => args.timeout = value,
            "--cancel-after" => args.cancel_after = value,
            "--cleanup" => args.cleanup = value,
            "--main-delay" => args.main_delay = value,
            "--seed" => args.seed = value,
            "--block" => args.block = value,
            "--workers" => args.workers = value,
            "--maxsize" => args.maxsize = value,
            other => panic!("no flag {other} in this test"),
        }
    }
    args
}

/// A bad input: the flags given, and the flag and value the message must name.
type Case = (
    &'static [(&'static str, &'static str)],
    &'static str,
    &'static str,
);

const TUTORIAL: Defaults = Defaults::delays(&[2.0, 1.0, 3.0]);

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[test]
fn no_flags_give_the_scenario_defaults() {
    let config = args(&[]).resolve(TUTORIAL.timeout(1.5)).unwrap();
    assert_eq!(config.delays, [secs(2.0), secs(1.0), secs(3.0)]);
    assert_eq!(config.timeout, secs(1.5));
    assert_eq!(config.cancel_after, secs(1.0));
    assert_eq!(config.cleanup, secs(0.1));
    assert_eq!(config.main_delay, secs(0.5));
    assert_eq!(config.seed, 42);
    assert_eq!(config.block, [0], "job 0 blocks its thread by default");
    assert_eq!((config.workers, config.maxsize), (3, 1));
    assert!(config.fail.is_empty() && config.panic.is_empty() && !config.json);
}

#[test]
fn every_flag_is_read() {
    let config = args(&[
        ("--delays", "0.5, 1.25,0"),
        ("--fail", "2,0"),
        ("--panic", "1"),
        ("--timeout", "4"),
        ("--cancel-after", "0.2"),
        ("--cleanup", "0.05"),
        ("--main-delay", "1e-1"),
        ("--seed", "7"),
        ("--block", "2, 1,2"),
        ("--workers", " 5"),
        ("--maxsize", "2"),
    ])
    .resolve(TUTORIAL)
    .unwrap();
    assert_eq!(config.block, [1, 2], "sorted, once each");
    assert_eq!((config.workers, config.maxsize), (5, 2));
    assert!(config.blocks(2) && !config.blocks(0));
    assert_eq!(config.delays, [secs(0.5), secs(1.25), secs(0.0)]);
    assert_eq!(config.fail, [0, 2], "sorted");
    assert_eq!(config.panic, [1]);
    assert_eq!(config.timeout, secs(4.0));
    assert_eq!(config.cancel_after, secs(0.2));
    assert_eq!(config.cleanup, secs(0.05));
    assert_eq!(config.main_delay, secs(0.1));
    assert_eq!(config.seed, 7);
    let endings: Vec<Ending> = config
        .jobs(&EventLog::disabled())
        .iter()
        .map(shared::Job::ending)
        .collect();
    assert_eq!(endings, [Ending::Fail, Ending::Panic, Ending::Fail]);
}

#[test]
fn tasks_and_delay_make_equal_jobs() {
    let config = args(&[("--tasks", "4"), ("--delay", "0.25")])
        .resolve(TUTORIAL)
        .unwrap();
    assert_eq!(config.delays, vec![secs(0.25); 4]);
}

#[test]
fn repeated_defaults_and_seeded_defaults() {
    let repeat = args(&[]).resolve(Defaults::repeat(20, 1.0)).unwrap();
    assert_eq!(repeat.delays, vec![secs(1.0); 20]);

    let uniform = Defaults::uniform(10, 0.5, 2.5);
    let first = args(&[]).resolve(uniform).unwrap();
    let again = args(&[]).resolve(uniform).unwrap();
    let other = args(&[("--seed", "43")]).resolve(uniform).unwrap();
    assert_eq!(first.delays.len(), 10);
    assert_eq!(
        first.delays, again.delays,
        "the same seed gives the same delays"
    );
    assert_ne!(first.delays, other.delays);
    assert!(
        first
            .delays
            .iter()
            .all(|d| *d >= secs(0.5) && *d < secs(2.5))
    );
}

/// Each bad input is refused with a message naming the flag and the value as typed.
#[test]
fn bad_inputs_are_usage_errors_naming_flag_and_value() {
    let cases: &[Case] = &[
        (&[("--delays", "-1")], "--delays", "-1"),
        (&[("--delays", "nan")], "--delays", "nan"),
        (&[("--delays", "inf")], "--delays", "inf"),
        (&[("--delays", "-inf")], "--delays", "-inf"),
        (&[("--delays", "86400.5")], "--delays", "86400.5"),
        (&[("--delays", "")], "--delays", ""),
        (&[("--delays", " ")], "--delays", " "),
        (&[("--delays", "1,,2")], "--delays", "1,,2"),
        (&[("--delays", "1;2")], "--delays", "1;2"),
        (&[("--fail", "3")], "--fail", "3"),
        (&[("--fail", "-1")], "--fail", "-1"),
        (&[("--fail", "")], "--fail", ""),
        (&[("--panic", "1,9")], "--panic", "1,9"),
        (&[("--fail", "1"), ("--panic", "1")], "--panic", "1"),
        (&[("--tasks", "3")], "--tasks", "3"),
        (&[("--delay", "1")], "--delay", "1"),
        (&[("--tasks", "0"), ("--delay", "1")], "--tasks", "0"),
        (
            &[("--tasks", "99999999999"), ("--delay", "1")],
            "--tasks",
            "99999999999",
        ),
        (&[("--tasks", "2"), ("--delay", "nan")], "--delay", "nan"),
        (
            &[("--delays", "1"), ("--tasks", "2"), ("--delay", "1")],
            "--delays",
            "1",
        ),
        (&[("--timeout", "-0.1")], "--timeout", "-0.1"),
        (&[("--cancel-after", "1e999")], "--cancel-after", "1e999"),
        (&[("--cleanup", "abc")], "--cleanup", "abc"),
        (&[("--main-delay", "NaN")], "--main-delay", "NaN"),
        (&[("--seed", "1.5")], "--seed", "1.5"),
        (&[("--block", "3")], "--block", "3"),
        (&[("--block", "x")], "--block", "x"),
        (&[("--block", "")], "--block", ""),
        (&[("--workers", "0")], "--workers", "0"),
        (&[("--workers", "-1")], "--workers", "-1"),
        (&[("--workers", "2.5")], "--workers", "2.5"),
        (&[("--workers", "99999999999")], "--workers", "99999999999"),
        (&[("--maxsize", "0")], "--maxsize", "0"),
        (&[("--maxsize", "")], "--maxsize", ""),
    ];
    for (input, flag, value) in cases {
        let err = args(input).resolve(TUTORIAL).unwrap_err();
        assert_eq!(err.flag, *flag, "{input:?}");
        assert_eq!(err.value, *value, "{input:?}");
        let message = err.to_string();
        assert!(!message.contains('\n'), "one line: {message}");
        assert!(
            message.contains(flag) && message.contains(value),
            "{message}"
        );
    }
}

#[test]
fn zero_and_a_whole_day_are_accepted() {
    let config = args(&[("--delays", "0,86400")]).resolve(TUTORIAL).unwrap();
    assert_eq!(config.delays, [secs(0.0), secs(86_400.0)]);
}

#[test]
fn with_delays_builds_test_configs() {
    let config = Config::with_delays(&[0.1, 0.2])
        .failing(&[1])
        .panicking(&[0]);
    let endings: Vec<Ending> = config
        .jobs(&EventLog::disabled())
        .iter()
        .map(shared::Job::ending)
        .collect();
    assert_eq!(endings, [Ending::Panic, Ending::Fail]);
}
