//! Every example binary refuses every bad input of the contract the same way: exit code 2,
//! one line on stderr naming the flag and the value, nothing on stdout, and no panic.

use std::process::Output;

use contract::{examples, run};

/// A list of bad inputs: the flag the message must name, and the arguments (the value the
/// message must show is the last one).
type BadInputs = &'static [(&'static str, &'static [&'static str])];

/// Checks that `output` is a usage error: exit code 2, nothing on stdout, one line on stderr
/// that names `flag` (and `value`, when given), and no panic. Returns that line, for the
/// caller's own checks.
fn assert_usage_error(who: &str, output: &Output, flag: &str, value: Option<&str>) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{who}: {stderr}");
    assert!(output.stdout.is_empty(), "{who} printed on stdout");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{who}: {stderr}");
    assert!(
        stderr.contains(flag),
        "{who} does not name {flag}: {stderr}"
    );
    if let Some(value) = value {
        assert!(
            stderr.contains(value),
            "{who} does not name {value}: {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{who} panicked: {stderr}");
    stderr
}

/// Runs every bad input of `bad` on each runtime's example of `pattern` (the runtimes at
/// once), and checks that each is a usage error naming its flag and value. Skipped, with a
/// line that says so, when the pattern has no examples.
fn assert_refused_by(pattern: &str, bad: BadInputs) {
    let examples: Vec<_> = examples()
        .into_iter()
        .filter(|(name, _)| name == pattern)
        .collect();
    if examples.is_empty() {
        println!("skipped: there is no crates/{pattern} yet");
        return;
    }
    std::thread::scope(|scope| {
        for (pattern, runtime) in &examples {
            scope.spawn(move || {
                for (flag, args) in bad {
                    let output = run(pattern, runtime, args);
                    let who = format!("{pattern}-{runtime} {args:?}");
                    assert_usage_error(&who, &output, flag, args.last().copied());
                }
            });
        }
    });
}

/// The bad inputs: the flag the message must name, and the arguments.
const BAD: BadInputs = &[
    ("--delays", &["--delays", "-1"]),
    ("--delays", &["--delays", "nan"]),
    ("--delays", &["--delays", "inf"]),
    ("--delays", &["--delays", "86401"]),
    ("--delays", &["--delays", "1e300"]),
    ("--delays", &["--delays", ""]),
    ("--delays", &["--delays", "1,,2"]),
    ("--delays", &["--delays", "one,two"]),
    ("--fail", &["--delays", "1,2", "--fail", "2"]),
    ("--fail", &["--fail", "x"]),
    ("--panic", &["--delays", "1,2", "--panic", "7"]),
    ("--scenario", &["--scenario", "no-such-scenario"]),
    ("--tasks", &["--tasks", "3"]),
    ("--tasks", &["--tasks", "0", "--delay", "1"]),
    ("--delay", &["--tasks", "3", "--delay", "-2"]),
    ("--timeout", &["--timeout", "-1"]),
    ("--timeout", &["--timeout", "NaN"]),
    ("--cancel-after", &["--cancel-after", "inf"]),
    ("--cleanup", &["--cleanup", "-0.5"]),
    ("--main-delay", &["--main-delay", "100000"]),
    ("--seed", &["--seed", "-3"]),
    // More of the same kinds: a bad item among good ones, signs, blanks, the other
    // spellings of infinity, and each list and duration flag's own way to go wrong.
    ("--delays", &["--delays", "0.1,-0.5,0.2"]),
    ("--delays", &["--delays", "-inf"]),
    ("--delays", &["--delays", "Infinity"]),
    ("--delays", &["--delays", "0.1,nan"]),
    ("--delays", &["--delays", " "]),
    ("--delays", &["--delays", "1;2"]),
    (
        "--delays",
        &["--delays", "1", "--tasks", "2", "--delay", "1"],
    ),
    ("--fail", &["--delays", "1,2", "--fail", "-1"]),
    ("--fail", &["--delays", "1,2", "--fail", "0,,1"]),
    ("--fail", &["--delays", "1,2", "--fail", ""]),
    (
        "--fail",
        &["--delays", "1,2", "--fail", "18446744073709551616"],
    ),
    ("--panic", &["--delays", "1,2", "--panic", "x"]),
    ("--panic", &["--delays", "1,2", "--panic", "0,5"]),
    (
        "--panic",
        &["--delays", "1,2", "--fail", "1", "--panic", "1"],
    ),
    ("--tasks", &["--tasks", "x", "--delay", "1"]),
    ("--tasks", &["--tasks", "-3", "--delay", "1"]),
    ("--tasks", &["--tasks", "10000001", "--delay", "1"]),
    ("--delay", &["--delay", "1"]),
    ("--delay", &["--tasks", "3", "--delay", "nan"]),
    ("--delay", &["--tasks", "3", "--delay", "90000"]),
    ("--timeout", &["--timeout", "inf"]),
    ("--timeout", &["--timeout", "1e9"]),
    ("--timeout", &["--timeout", "soon"]),
    ("--cancel-after", &["--cancel-after", "-1"]),
    ("--cleanup", &["--cleanup", "nan"]),
    ("--main-delay", &["--main-delay", "-0.1"]),
    ("--seed", &["--seed", "1.5"]),
    ("--scenario", &["--scenario", ""]),
    ("--scenario", &["--scenario", "DEFAULT"]),
];

#[test]
fn every_bad_input_is_a_one_line_usage_error_on_every_example() {
    let examples = examples();
    assert!(!examples.is_empty(), "no example packages found");
    std::thread::scope(|scope| {
        for (pattern, runtime) in &examples {
            scope.spawn(move || {
                for (flag, args) in BAD {
                    let output = run(pattern, runtime, args);
                    let who = format!("{pattern}-{runtime} {args:?}");
                    assert_usage_error(&who, &output, flag, args.last().copied());
                }
            });
        }
    });
}

/// A value with a newline in it (pasted into the terminal) still gives one line: the
/// message shows the newline escaped, `\n`.
#[test]
fn a_value_with_a_newline_is_still_refused_on_one_line() {
    let examples = examples();
    std::thread::scope(|scope| {
        for (pattern, runtime) in &examples {
            scope.spawn(move || {
                let output = run(pattern, runtime, &["--delays", "0.1\n0.2"]);
                let who = format!("{pattern}-{runtime}");
                let stderr = assert_usage_error(&who, &output, "--delays", None);
                assert!(stderr.contains("0.1\\n0.2"), "{who}: {stderr}");
            });
        }
    });
}

#[test]
fn help_exits_with_zero_on_every_example() {
    for (pattern, runtime) in examples() {
        let output = run(&pattern, &runtime, &["--help"]);
        assert_eq!(output.status.code(), Some(0), "{pattern}-{runtime} --help");
        assert!(String::from_utf8_lossy(&output.stdout).contains("--scenario"));
    }
}

/// The `blocking` pattern's own flag, `--block LIST`: job indices, each naming one of the
/// jobs. (A pattern that does not read `--block` refuses it too: `environment.rs` checks
/// every optional flag on every other pattern.)
const BAD_BLOCK: BadInputs = &[
    ("--block", &["--delays", "1,2,3", "--block", "9"]),
    (
        "--block",
        &["--scenario", "blocked", "--delays", "1,2,3", "--block", "3"],
    ),
    ("--block", &["--scenario", "blocked", "--block", "x"]),
    ("--block", &["--block", "-1"]),
    ("--block", &["--block", "0,,1"]),
    ("--block", &["--block", "1.5"]),
    ("--block", &["--block", ""]),
];

#[test]
fn a_bad_block_list_is_a_one_line_usage_error() {
    assert_refused_by("blocking", BAD_BLOCK);
}

/// The `shutdown` pattern's own flags, `--interrupt-after S` and `--grace S`: durations,
/// refused like every other. (`environment.rs` checks that every other pattern refuses them,
/// with a message naming the patterns that read them.)
const BAD_SHUTDOWN: BadInputs = &[
    ("--interrupt-after", &["--interrupt-after", "-1"]),
    ("--interrupt-after", &["--interrupt-after", "nan"]),
    ("--interrupt-after", &["--interrupt-after", "inf"]),
    ("--interrupt-after", &["--interrupt-after", "86401"]),
    ("--interrupt-after", &["--interrupt-after", "soon"]),
    ("--interrupt-after", &["--interrupt-after", ""]),
    ("--grace", &["--scenario", "grace", "--grace", "x"]),
    ("--grace", &["--scenario", "grace", "--grace", "-0.2"]),
    ("--grace", &["--grace", "NaN"]),
    ("--grace", &["--grace", "1e300"]),
    ("--cleanup", &["--scenario", "grace", "--cleanup", "-1"]),
];

#[test]
fn a_bad_interrupt_or_grace_is_a_one_line_usage_error() {
    assert_refused_by("shutdown", BAD_SHUTDOWN);
}

/// `--interrupt-after` and `--grace` belong to `shutdown`: cancel-cleanup, which shares its
/// `--cleanup`, refuses them, and says which pattern reads them.
#[test]
fn the_shutdown_flags_are_refused_by_another_pattern() {
    for runtime in contract::RUNTIMES {
        for flag in ["--interrupt-after", "--grace"] {
            let args = ["--scenario", "cleanup", flag, "0.5"];
            let output = run("cancel-cleanup", runtime, &args);
            let who = format!("cancel-cleanup-{runtime} {args:?}");
            let stderr = assert_usage_error(&who, &output, flag, None);
            assert!(stderr.contains("shutdown"), "{who}: {stderr}");
        }
    }
}

/// The `queue` pattern's own flags, `--workers N` and `--maxsize K`: whole numbers from 1 to
/// 10 000 000. 0 is refused with the reason (no worker would take the jobs; asyncio's
/// `maxsize=0` means unbounded, which is `--scenario workers`), and so is CPython's
/// reference.
const BAD_QUEUE: BadInputs = &[
    ("--workers", &["--workers", "0"]),
    ("--workers", &["--scenario", "bounded", "--workers", "0"]),
    ("--workers", &["--workers", "-1"]),
    ("--workers", &["--workers", "1.5"]),
    ("--workers", &["--workers", "x"]),
    ("--workers", &["--workers", ""]),
    ("--workers", &["--workers", "10000001"]),
    ("--maxsize", &["--scenario", "bounded", "--maxsize", "0"]),
    ("--maxsize", &["--maxsize", "0"]),
    ("--maxsize", &["--scenario", "bounded", "--maxsize", "-2"]),
    ("--maxsize", &["--scenario", "bounded", "--maxsize", "many"]),
];

#[test]
fn a_bad_worker_count_or_maxsize_is_a_one_line_usage_error() {
    assert_refused_by("queue", BAD_QUEUE);
}

/// CPython's reference refuses 0 workers and a `maxsize` of 0 as the examples do (asyncio
/// itself would wait forever with no worker, and read `maxsize=0` as unbounded).
#[test]
fn the_reference_refuses_no_workers_and_no_room_the_same_way() {
    let Some(python) = contract::python() else {
        println!("skipped: no python3 3.11 or newer on the PATH");
        return;
    };
    let script = contract::workspace_root().join("scripts/python/reference.py");
    for (flag, args) in BAD_QUEUE {
        let output = std::process::Command::new(&python)
            .arg(&script)
            .arg("queue")
            .args(*args)
            .output()
            .expect("python3 runs");
        let who = format!("reference.py queue {args:?}");
        assert_usage_error(&who, &output, flag, None);
    }
}

/// `--workers` and `--maxsize` belong to `queue`: every other pattern refuses them, and
/// says which pattern reads them.
#[test]
fn the_queue_flags_are_refused_by_another_pattern() {
    for runtime in contract::RUNTIMES {
        for (pattern, flag) in [
            ("gather", "--workers"),
            ("gather", "--maxsize"),
            ("blocking", "--workers"),
            ("as-completed", "--maxsize"),
        ] {
            let args = ["--delays", "0.01", flag, "2"];
            let output = run(pattern, runtime, &args);
            let who = format!("{pattern}-{runtime} {args:?}");
            let stderr = assert_usage_error(&who, &output, flag, None);
            assert!(stderr.contains("queue"), "{who}: {stderr}");
        }
    }
}
