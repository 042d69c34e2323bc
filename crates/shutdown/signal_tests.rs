//! Real signals sent to a `shutdown` binary, the same on every runtime: each runtime's
//! `tests/signals.rs` names its binary (`EXE`) and includes this file, since the three
//! binaries keep one contract.
//!
//! Nothing here is timed to hope: a signal is sent once the program catches it, as
//! `/proc/PID/status` shows (its `SigCgt` mask), the second SIGINT once the human output
//! says the cleanups have started; a child is waited for with a generous limit, which only
//! keeps a broken program from hanging the suite, and is killed if a test fails. Time is
//! only checked from below.
//!
//! `SigCgt` shows a handler as soon as it is installed, and tokio installs a signal's
//! handler a moment before it starts listening for it (a signal in between would be lost).
//! The examples install SIGINT's, then SIGTERM's: once both show, SIGINT is listened for. A
//! SIGTERM is sent once the first live line is out, which comes after both.

use std::io::{BufRead as _, BufReader, Lines, Read};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};
use shared::EventKind::{self, Cancelled, CleanupFinished, CleanupStarted, Finally, Started};
use shared::{Outcome, Report};

use super::EXE;

/// The longest a child may take to end once it should: far beyond what any run here needs.
const LIMIT: Duration = Duration::from_secs(60);

/// A running child, killed (and reaped) when dropped: a failing test leaves nothing behind.
struct Running {
    child: Child,
    what: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        // Nothing to do if it has ended already.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// Starts the binary with these arguments, stdout and stderr piped.
    fn start(args: &[&str]) -> Self {
        let child = Command::new(EXE)
            .args(args)
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        Running {
            child,
            what: format!("{EXE} {args:?}"),
        }
    }

    /// Waits until the program catches SIGINT and SIGTERM: its handlers are installed.
    fn wait_until_catching(&self) {
        let deadline = Instant::now() + LIMIT;
        while !catches(self.child.id(), &[Signal::INT, Signal::TERM]) {
            assert!(
                Instant::now() < deadline,
                "{} never caught SIGINT and SIGTERM",
                self.what
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Sends `signal` to the program.
    fn send(&self, signal: Signal) {
        kill_process(Pid::from_child(&self.child), signal).expect("the signal is sent");
    }

    /// The program's stdout, line by line (then [`Running::finish`] reads no stdout).
    fn lines(&mut self) -> Lines<BufReader<ChildStdout>> {
        BufReader::new(self.child.stdout.take().expect("stdout is piped")).lines()
    }

    /// Waits until the program has ended (at most [`LIMIT`]), and returns its exit status
    /// with what it printed on stdout and stderr.
    fn finish(mut self, limit: Duration) -> (ExitStatus, String, String) {
        // Read the pipes while waiting, so that a full pipe never holds the program up.
        // (A test that reads stdout itself has taken it: then there is nothing left to read.)
        let out = read_all(self.child.stdout.take());
        let err = read_all(self.child.stderr.take());
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited for") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "{} still runs after {limit:?}",
                self.what
            );
            std::thread::sleep(Duration::from_millis(5));
        };
        let out = out.join().expect("stdout is read");
        let err = err.join().expect("stderr is read");
        (status, out, err)
    }

    /// Like [`Running::finish`], for a `--json` run: its exit status and its report.
    fn report(self) -> (Option<i32>, Report) {
        let what = self.what.clone();
        let (status, out, err) = self.finish(LIMIT);
        let report = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{what} printed no report ({e}), {status}: {out}{err}"));
        (status.code(), report)
    }
}

/// Reads lines until one contains `text`, and returns them.
fn lines_until(lines: &mut Lines<BufReader<ChildStdout>>, text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        let Some(line) = lines.next().and_then(Result::ok) else {
            panic!("the output ended before a line with {text:?}: {seen:#?}");
        };
        let found = line.contains(text);
        seen.push(line);
        if found {
            return seen;
        }
    }
}

/// Reads `pipe` to its end on a thread of its own.
fn read_all(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

/// Whether process `pid` catches every one of `signals`: `SigCgt` in `/proc/PID/status` is
/// the mask of the signals it has a handler for (bit n - 1 for signal n).
fn catches(pid: u32, signals: &[Signal]) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigCgt:"))
        .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        .unwrap_or(0);
    signals
        .iter()
        .all(|signal| mask & (1 << (signal.as_raw() - 1)) != 0)
}

/// Each job's events, in order, without their times.
fn events(report: &Report, job: usize) -> Vec<EventKind> {
    report
        .events
        .iter()
        .filter(|e| e.job == job)
        .map(|e| e.event)
        .collect()
}

/// An interrupted job's events: its whole cleanup, then its finally-step.
const CLEANED_UP: [EventKind; 5] = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];

/// Starts a `--json` run of long jobs with no signal of its own, sends it `signal` once it
/// catches it, and returns its exit status and report.
fn interrupted_by(signal: Signal, args: &[&str]) -> (Option<i32>, Report) {
    let mut all = vec!["--json", "--interrupt-after", "0"];
    all.extend(args);
    let run = Running::start(&all);
    run.wait_until_catching();
    run.send(signal);
    run.report()
}

#[test]
fn sigint_lets_every_job_clean_up_then_exits_130_with_the_report() {
    let (code, report) = interrupted_by(Signal::INT, &["--delays", "30,30,30"]);
    assert_eq!(code, Some(130), "{report:?}");
    assert_eq!(report.outcome, Outcome::Interrupted);
    assert_eq!(report.pending, [0, 1, 2]);
    assert!(report.results.is_empty());
    for job in 0..3 {
        assert_eq!(events(&report, job), CLEANED_UP, "job {job}");
    }
}

/// SIGTERM, as `kill` and service managers send it. The human output this time: the test
/// sends the signal once the first live line is out, which the program prints only once
/// both its handlers are ready (see the module's docs).
#[test]
fn sigterm_is_handled_like_sigint_and_exits_143() {
    let mut run = Running::start(&["--interrupt-after", "0", "--delays", "30,30"]);
    run.wait_until_catching();
    let mut lines = run.lines();
    let first = lines_until(&mut lines, "jobs;");
    run.send(Signal::TERM);
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let (status, _, err) = run.finish(LIMIT);
    assert_eq!(status.code(), Some(143), "{err}");
    let rest = rest.join().expect("stdout is read");
    let said = |text: &str| rest.iter().any(|line| line.contains(text));
    assert!(
        said("SIGTERM: asking 2 jobs to stop"),
        "{first:#?} {rest:#?}"
    );
    for job in ["A", "B"] {
        assert!(said(&format!("Task {job}: cleanup done")), "{rest:#?}");
        assert!(said(&format!("Task {job}: cancelled")), "{rest:#?}");
    }
    assert!(said("Outcome: interrupted"), "{rest:#?}");
    assert!(said("Exit status: 143 (SIGTERM)"), "{rest:#?}");
}

/// `--interrupt-after`: the program sends itself the SIGINT, through the operating system.
#[test]
fn its_own_sigint_interrupts_it_the_same_way() {
    let run = Running::start(&["--json", "--interrupt-after", "0.2", "--delays", "30"]);
    let (code, report) = run.report();
    assert_eq!(code, Some(130), "{report:?}");
    assert_eq!(report.outcome, Outcome::Interrupted);
    assert_eq!(report.pending, [0]);
    assert_eq!(events(&report, 0), CLEANED_UP);
    // The signal came no sooner than it was due.
    assert!(report.elapsed_ms >= 200.0, "{}", report.elapsed_ms);
}

/// Jobs that all end before any signal: the run ends by itself, `ok`, exit status 0, each
/// job's finally-step run. (Their order, on real timers, is the in-process tests' business.)
#[test]
fn a_run_that_no_signal_interrupts_exits_0() {
    let run = Running::start(&["--json", "--interrupt-after", "0", "--delays", "0.1,0.05"]);
    let (code, report) = run.report();
    assert_eq!(code, Some(0), "{report:?}");
    assert_eq!(report.outcome, Outcome::Ok);
    assert!(report.pending.is_empty());
    let mut received: Vec<usize> = report.results.iter().map(|r| r.job).collect();
    received.sort_unstable();
    assert_eq!(received, [0, 1]);
    for job in 0..2 {
        assert_eq!(
            events(&report, job),
            [Started, EventKind::Finished, Finally]
        );
    }
}

/// `grace`: cleanups of a minute, abandoned 0.3 s after the signal: only the finally-step
/// runs, no `cleanup-finished`. (`cleanup-started` is there unless the machine was too
/// loaded to let the job start its cleanup before the grace period ran out: the in-process
/// tests hold a cleanup on a gate to show that step for certain.)
#[test]
fn grace_abandons_the_cleanups_still_running() {
    let args = [
        "--scenario",
        "grace",
        "--delays",
        "30,30",
        "--cleanup",
        "60",
        "--grace",
        "0.3",
    ];
    let (code, report) = interrupted_by(Signal::INT, &args);
    assert_eq!(code, Some(130), "{report:?}");
    assert_eq!(report.outcome, Outcome::Interrupted);
    assert_eq!(report.pending, [0, 1]);
    for job in 0..2 {
        let mut seen = events(&report, job);
        seen.retain(|&event| event != CleanupStarted);
        assert_eq!(seen, [Started, Finally, Cancelled], "job {job}");
        // Abandoned no sooner than the grace period allows.
        let finally = report
            .events
            .iter()
            .find(|e| e.job == job && e.event == Finally);
        assert!(finally.is_some_and(|e| e.t_ms >= 300.0), "{finally:?}");
    }
}

/// A second SIGINT during the cleanups ends the program at once: exit status 130, and no
/// report, long before the cleanups (of a minute) could have finished.
#[test]
fn a_second_sigint_ends_the_cleanups_at_once_without_a_report() {
    let args = [
        "--interrupt-after",
        "0",
        "--delays",
        "60",
        "--cleanup",
        "60",
    ];
    let mut run = Running::start(&args);
    run.wait_until_catching();
    run.send(Signal::INT);
    // The human output's live lines: wait until the cleanup has started.
    let mut lines = run.lines();
    lines_until(&mut lines, "cleaning up");
    run.send(Signal::INT);
    // Well before the minute of cleanup could be over.
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());
    let (status, _, err) = run.finish(Duration::from_secs(45));
    assert_eq!(status.code(), Some(130), "{err}");
    let rest = rest.join().expect("stdout is read");
    assert!(
        rest.iter().all(|line| !line.contains("Outcome")),
        "a report after the second signal: {rest:#?}"
    );
    assert!(
        !rest.iter().any(|line| line.contains("cleanup done")),
        "{rest:#?}"
    );
}

/// A bad `--interrupt-after` or `--grace` is a usage error: one line, exit status 2.
#[test]
fn a_bad_interrupt_after_or_grace_is_a_one_line_usage_error() {
    for (flag, args) in [
        ("--interrupt-after", &["--interrupt-after", "-1"][..]),
        ("--grace", &["--scenario", "grace", "--grace", "x"][..]),
    ] {
        let (status, out, err) = Running::start(args).finish(LIMIT);
        assert_eq!(status.code(), Some(2), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(flag), "{args:?}: {err}");
    }
}
