//! The scraper's output, on every runtime: the tutorial's own summary, a summary of many
//! pages, and the report of `--scenario tutorial`.
//!
//! They run the binaries on the real clock, so they assert only what a loaded machine cannot
//! change: a page of 5 s or more does not end within a deadline of a second or less, and a
//! page of no delay ends within a minute.

use contract::RUNTIMES;
use shared::{Outcome, Report};

/// The scraper's stdout on `runtime`, once it has succeeded.
fn stdout(runtime: &str, args: &[&str]) -> String {
    let output = contract::run("scraper", runtime, args);
    assert!(
        output.status.success(),
        "scraper-{runtime} {args:?}: {output:?}"
    );
    String::from_utf8(output.stdout).expect("stdout is text")
}

/// `--scenario tutorial` ends with the tutorial's own summary: two pages of 5 s under a
/// 0.2 s deadline both time out.
#[test]
fn the_tutorial_ends_with_its_own_summary() {
    for runtime in RUNTIMES {
        let out = stdout(
            runtime,
            &[
                "--scenario",
                "tutorial",
                "--delays",
                "5,5",
                "--timeout",
                "0.2",
            ],
        );
        let summary = "\n=== Summary ===\nCompleted: 0/2\nTimed out: 2\nFailed URLs:\n  \
                       https://example.com/page/0\n  https://example.com/page/1\n";
        assert!(out.ends_with(summary), "{out}");
        assert!(out.contains("Outcome: timeout"), "{out}");
    }
}

/// The tutorial prints each page that landed only after the wait, and lists a page that
/// failed among the failed URLs, with its error; with nothing timed out, the outcome is
/// `ok`.
#[test]
fn the_tutorial_lists_what_landed_after_the_wait() {
    for runtime in RUNTIMES {
        let out = stdout(
            runtime,
            &[
                "--scenario",
                "tutorial",
                "--delays",
                "0,0",
                "--fail",
                "1",
                "--timeout",
                "60",
            ],
        );
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
}

/// With `--json` the tutorial prints the contract's report, like the default scenario:
/// what landed in `results`, the rest `pending` and cancelled, outcome `timeout`.
#[test]
fn the_tutorial_reports_like_asyncio_wait() {
    for runtime in RUNTIMES {
        let out = stdout(
            runtime,
            &[
                "--json",
                "--scenario",
                "tutorial",
                "--delays",
                "0,30",
                "--timeout",
                "1",
            ],
        );
        let report: Report = serde_json::from_str(&out).expect("stdout is the JSON report");
        assert_eq!(report.scenario, "tutorial");
        assert_eq!(report.results.len(), 1);
        assert_eq!(report.results[0].job, 0);
        assert_eq!(report.pending, [1]);
        assert_eq!(report.outcome, Outcome::Timeout);
        assert_eq!(report.final_state(1), Some(shared::EventKind::Cancelled));
        assert!(report.still_running().is_empty());
    }
}

/// However many pages time out, the summaries list twenty URLs and count the others.
#[test]
fn a_summary_of_many_pages_lists_twenty() {
    for runtime in RUNTIMES {
        let args = ["--tasks", "25", "--delay", "5", "--timeout", "0.05"];
        let out = stdout(runtime, &args);
        assert!(out.contains("\nCompleted 0/25, timed out 25:\n"), "{out}");
        assert!(out.contains("\n  https://example.com/page/19\n  ... and 5 more\n"));
        assert!(!out.contains("page/20"), "{out}");
        let out = stdout(runtime, &[&["--scenario", "tutorial"][..], &args].concat());
        assert!(out.contains("\nTimed out: 25\nFailed URLs:\n"), "{out}");
        assert!(out.ends_with("\n  https://example.com/page/19\n  ... and 5 more\n"));
    }
}
