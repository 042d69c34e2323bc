//! What every example binary does in the world around it, where command-line tools are
//! expected to behave: flags it does not read, arguments that are not text, the runtime's
//! thread-count variable, an output that cannot be written (a closed pipe, a full disk, on
//! stdout or stderr), and terminals that cannot draw a progress bar or want no colour.

use std::ffi::OsString;
use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::ffi::OsStringExt as _;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use contract::{binary, examples};
use shared::scenarios::{PATTERN_FLAGS, reads};

/// Runs every example at once, one thread each, and fails with every example's failure.
fn on_every_example(check: impl Fn(&str, &str) + Sync) {
    let examples = examples();
    assert!(!examples.is_empty(), "no example packages found");
    std::thread::scope(|scope| {
        for (pattern, runtime) in &examples {
            let check = &check;
            scope.spawn(move || check(pattern, runtime));
        }
    });
}

/// A command for an example, with a clean environment for what these tests vary.
fn command(pattern: &str, runtime: &str) -> Command {
    let mut command = Command::new(binary(pattern, runtime));
    command
        .env_remove("RUST_BACKTRACE")
        .env_remove("TOKIO_WORKER_THREADS")
        .env_remove("ASYNC_STD_THREAD_COUNT")
        .env_remove("SMOL_THREADS")
        .stdin(Stdio::null());
    command
}

/// Waits for `child` and its output, killing it if it has not ended after a minute: the
/// limit only keeps a hang (`SMOL_THREADS=0` hung smol) from hanging the suite.
fn finish(mut child: Child, who: &str) -> Output {
    let deadline = Instant::now() + Duration::from_secs(60);
    while child
        .try_wait()
        .expect("the child can be waited for")
        .is_none()
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{who} hung (killed after a minute)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
        .wait_with_output()
        .expect("the child's output can be read")
}

/// No signal of its own for a run that is about something else: a `shutdown` example sends
/// itself SIGINT after a second (`--interrupt-after`), which on a loaded machine could come
/// before its short jobs end; the other patterns do not read the flag.
fn uninterrupted(pattern: &str) -> &'static [&'static str] {
    if reads(pattern, "--interrupt-after") {
        &["--interrupt-after", "0"]
    } else {
        &[]
    }
}

/// Runs a command to its end, with stdout and stderr captured.
fn output(mut command: Command, who: &str) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    finish(child, who)
}

/// Asserts a usage error: status 2, one line on stderr holding every one of `names`,
/// nothing on stdout, no panic.
fn assert_usage_error(output: &Output, who: &str, names: &[&str]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{who}: {stderr}");
    assert!(output.stdout.is_empty(), "{who} printed on stdout");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{who}: {stderr}");
    for name in names {
        assert!(
            stderr.contains(name),
            "{who} does not name {name}: {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{who} panicked: {stderr}");
}

#[test]
fn a_flag_the_pattern_does_not_read_is_refused_and_hidden_from_help() {
    on_every_example(|pattern, runtime| {
        let help = output(
            {
                let mut c = command(pattern, runtime);
                c.arg("--help");
                c
            },
            pattern,
        );
        let help = String::from_utf8_lossy(&help.stdout);
        for flag in PATTERN_FLAGS.iter().flat_map(|(_, flags)| flags.iter()) {
            let who = format!("{pattern}-{runtime} {flag} 1");
            if reads(pattern, flag) {
                assert!(help.contains(flag), "{who}: --help hides a flag it reads");
                continue;
            }
            assert!(
                !help.contains(flag),
                "{who}: --help shows a flag it ignores"
            );
            let mut c = command(pattern, runtime);
            c.args(["--delays", "0.01", flag, "1"]);
            let out = output(c, &who);
            assert_usage_error(&out, &who, &[flag, pattern, "does not use"]);
        }
    });
}

#[test]
fn an_argument_that_is_not_utf8_is_refused_naming_its_flag() {
    let bad = OsString::from_vec(b"0.01,\xff".to_vec());
    let joined = OsString::from_vec(b"--delays=0.01,\xff".to_vec());
    on_every_example(|pattern, runtime| {
        let who = format!("{pattern}-{runtime} --delays 0.01,\\xFF");
        let mut c = command(pattern, runtime);
        c.arg("--delays").arg(&bad);
        assert_usage_error(&output(c, &who), &who, &["--delays", "0.01,\\xFF"]);
        let mut c = command(pattern, runtime);
        c.arg(&joined);
        assert_usage_error(&output(c, &who), &who, &["--delays", "0.01,\\xFF"]);
    });
}

#[test]
fn invisible_and_line_breaking_characters_are_shown_escaped() {
    on_every_example(|pattern, runtime| {
        // A line separator and a zero-width space in a value, and in a flag's name.
        for args in [&["--fail", "1\u{2028}x"][..], &["--delays\u{200b}", "1"]] {
            let who = format!("{pattern}-{runtime} {args:?}");
            let mut c = command(pattern, runtime);
            c.args(args);
            let out = output(c, &who);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_usage_error(&out, &who, &[]);
            assert!(
                !stderr.contains(['\u{2028}', '\u{200b}']),
                "{who}: {stderr}"
            );
            assert!(
                stderr.contains("\\u{2028}") || stderr.contains("\\u{200b}"),
                "{who}: {stderr}"
            );
        }
    });
}

#[test]
fn a_bad_thread_count_in_the_environment_is_a_usage_error() {
    on_every_example(|pattern, runtime| {
        let variable = match runtime {
            "tokio" => "TOKIO_WORKER_THREADS",
            "async-std" => "ASYNC_STD_THREAD_COUNT",
            _ => "SMOL_THREADS",
        };
        for value in ["0", "-1", "abc", "", "100000"] {
            let who = format!("{variable}={value:?} {pattern}-{runtime}");
            let mut c = command(pattern, runtime);
            c.args(["--delays", "0.01"]).env(variable, value);
            let out = output(c, &who);
            assert_usage_error(&out, &who, &[variable]);
        }
        // A good value runs as usual.
        let mut c = command(pattern, runtime);
        c.args(["--delays", "0.01", "--json"])
            .args(uninterrupted(pattern))
            .env(variable, "2");
        let out = output(c, &format!("{variable}=2 {pattern}-{runtime}"));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{variable}=2 {pattern}-{runtime}"
        );
    });
}

/// `/dev/full`, opened for writing: every write fails with "no space left on device".
fn full() -> std::fs::File {
    std::fs::File::options()
        .write(true)
        .open(Path::new("/dev/full"))
        .expect("/dev/full can be opened")
}

#[test]
fn a_full_disk_is_one_error_line_and_status_1() {
    on_every_example(|pattern, runtime| {
        for json in [false, true] {
            let who = format!("{pattern}-{runtime} >/dev/full (json: {json})");
            let mut c = command(pattern, runtime);
            c.args(["--tasks", "200", "--delay", "0.01"])
                .args(uninterrupted(pattern));
            if json {
                c.arg("--json");
            }
            let child = c
                .stdout(full())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the example starts");
            let out = finish(child, &who);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{who}: {stderr}");
            assert_eq!(stderr.trim_end().lines().count(), 1, "{who}: {stderr}");
            assert!(stderr.contains("No space left"), "{who}: {stderr}");
        }
    });
}

#[test]
fn a_full_stderr_changes_no_exit_status() {
    on_every_example(|pattern, runtime| {
        let who = format!("{pattern}-{runtime} --delays x 2>/dev/full");
        let mut c = command(pattern, runtime);
        c.args(["--delays", "x"])
            .stdout(Stdio::null())
            .stderr(full());
        let status = c.status().expect("the example runs");
        assert_eq!(status.code(), Some(2), "{who}");

        // A simulated panic is reported on stderr; when it cannot be, the run goes on.
        let who = format!("{pattern}-{runtime} --panic 0 --json 2>/dev/full");
        let mut c = command(pattern, runtime);
        c.args(["--delays", "0.05,0.02", "--panic", "0", "--json"])
            .args(uninterrupted(pattern));
        let child = c
            .stdout(Stdio::piped())
            .stderr(full())
            .spawn()
            .expect("the example starts");
        let out = finish(child, &who);
        assert_eq!(out.status.code(), Some(0), "{who}");
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("a JSON report on stdout");
        assert!(report["pattern"] == pattern, "{who}: {report}");
    });
}

#[test]
fn a_reader_that_goes_away_ends_the_program_quietly() {
    on_every_example(|pattern, runtime| {
        let who = format!("{pattern}-{runtime} --tasks 2000 --delay 0.01 | head -1");
        let mut c = command(pattern, runtime);
        c.args(["--tasks", "2000", "--delay", "0.01"])
            .args(uninterrupted(pattern));
        let mut child = c
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the example starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("the first line can be read");
        // The reader is dropped here: the pipe is closed with most of the output unwritten.
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let out = finish(child, &who);
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        assert!(!first.is_empty(), "{who}: no first line");
        assert_eq!(out.status.code(), Some(0), "{who}: {text}");
        assert!(text.is_empty(), "{who} complained: {text}");
    });
}

/// Runs an example on a pseudo-terminal (util-linux's `script`) with this `TERM` and
/// `NO_COLOR`, and returns what the terminal showed.
fn on_a_terminal(pattern: &str, runtime: &str, args: &str, term: &str, no_colour: &str) -> String {
    let exe = binary(pattern, runtime);
    let line = format!("{} {args}", exe.display());
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", term)
        .env("NO_COLOR", no_colour)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal");
    assert!(out.status.success(), "{line} on a terminal: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_result_line_is_shown_on_a_terminal_that_cannot_draw_a_bar() {
    for (pattern, marks) in [
        ("as-completed", ["[1/3]", "[3/3]"]),
        ("scraper", ["✓", "✓"]),
    ] {
        for runtime in contract::RUNTIMES {
            for term in ["dumb", ""] {
                let shown = on_a_terminal(pattern, runtime, "--delays 0.03,0.01,0.02", term, "");
                for mark in marks {
                    assert!(
                        shown.contains(mark),
                        "{pattern}-{runtime} with TERM={term:?} hid {mark}: {shown}"
                    );
                }
                assert!(
                    !shown.contains('\u{1b}'),
                    "{pattern}-{runtime} drew: {shown:?}"
                );
            }
        }
    }
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    for runtime in contract::RUNTIMES {
        let who = format!("gather-{runtime}");
        let coloured = on_a_terminal("gather", runtime, "--delays 0.01", "xterm", "");
        assert!(
            coloured.contains("\u{1b}["),
            "{who}: no colour on a terminal at all"
        );
        let plain = on_a_terminal("gather", runtime, "--delays 0.01", "xterm", "1");
        assert!(
            !plain.contains('\u{1b}'),
            "{who} with NO_COLOR=1: {plain:?}"
        );
        assert!(plain.contains("Task A: finished"), "{who}: {plain}");
    }
}
