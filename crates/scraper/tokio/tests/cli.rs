//! The binary's output: the tutorial's summary, a summary of many pages, and output that
//! cannot be written.
//!
//! They run the binary on the real clock, so they assert only what a loaded machine cannot
//! change: a page of 5 s or more does not end within a deadline of a second or less, and a
//! page of no delay ends within a second.

use std::process::{Command, Output};

use shared::{Outcome, Report};

/// Runs the binary with `args`.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scraper-tokio"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The binary's stdout, once it has succeeded.
fn stdout(args: &[&str]) -> String {
    let output = run(args);
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("stdout is text")
}

/// `--scenario tutorial` ends with the tutorial's own summary: two pages of 5 s under a
/// 0.2 s deadline both time out.
#[test]
fn the_tutorial_ends_with_its_own_summary() {
    let out = stdout(&[
        "--scenario",
        "tutorial",
        "--delays",
        "5,5",
        "--timeout",
        "0.2",
    ]);
    let summary = "\n=== Summary ===\nCompleted: 0/2\nTimed out: 2\nFailed URLs:\n  \
                   https://example.com/page/0\n  https://example.com/page/1\n";
    assert!(out.ends_with(summary), "{out}");
    assert!(out.contains("Outcome: timeout"), "{out}");
}

/// The tutorial prints each page that landed only after the wait, and lists a page that
/// failed among the failed URLs, with its error; with nothing timed out, the outcome is
/// `ok`.
#[test]
fn the_tutorial_lists_what_landed_after_the_wait() {
    let out = stdout(&[
        "--scenario",
        "tutorial",
        "--delays",
        "0,0",
        "--fail",
        "1",
        "--timeout",
        "60",
    ]);
    assert!(out.contains("\n✓ https://example.com/page/0\n"), "{out}");
    assert!(
        out.contains("\n✗ https://example.com/page/1: job 1 failed\n"),
        "{out}"
    );
    let summary = "\n=== Summary ===\nCompleted: 2/2\nTimed out: 0\nFailed URLs:\n  \
                   https://example.com/page/1 (job 1 failed)\n";
    assert!(out.ends_with(summary), "{out}");
    assert!(out.contains("Outcome: ok"), "{out}");
}

/// With `--json` the tutorial prints the contract's report, like the default scenario:
/// what landed in `results`, the rest `pending` and cancelled, outcome `timeout`.
#[test]
fn the_tutorial_reports_like_asyncio_wait() {
    let out = stdout(&[
        "--json",
        "--scenario",
        "tutorial",
        "--delays",
        "0,30",
        "--timeout",
        "1",
    ]);
    let report: Report = serde_json::from_str(&out).expect("stdout is the JSON report");
    assert_eq!(report.scenario, "tutorial");
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].job, 0);
    assert_eq!(report.pending, [1]);
    assert_eq!(report.outcome, Outcome::Timeout);
    assert_eq!(report.final_state(1), Some(shared::EventKind::Cancelled));
    assert!(report.still_running().is_empty());
}

/// However many pages time out, the summaries list twenty URLs and count the others.
#[test]
fn a_summary_of_many_pages_lists_twenty() {
    let args = ["--tasks", "25", "--delay", "5", "--timeout", "0.05"];
    let out = stdout(&args);
    assert!(out.contains("\nCompleted 0/25, timed out 25:\n"), "{out}");
    assert!(out.contains("\n  https://example.com/page/19\n  ... and 5 more\n"));
    assert!(!out.contains("page/20"), "{out}");
    let out = stdout(&[&["--scenario", "tutorial"][..], &args].concat());
    assert!(out.contains("\nTimed out: 25\nFailed URLs:\n"), "{out}");
    assert!(out.ends_with("\n  https://example.com/page/19\n  ... and 5 more\n"));
}

/// A full disk (`> /dev/full`) is one line on stderr and exit status 1, whether the output
/// is the human one or the report.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_one_error_line() {
    for json in [false, true] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_scraper-tokio"));
        command.args(["--delays", "0.01,0.02"]);
        if json {
            command.arg("--json");
        }
        let full = std::fs::File::create("/dev/full").expect("/dev/full opens");
        let output = command.stdout(full).output().expect("the binary runs");
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: cannot write the output"),
            "{stderr}"
        );
    }
}
