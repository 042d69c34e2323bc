//! `--all`: every pattern and scenario at a fast time scale, side by side, written to
//! `docs/comparison.md`.
//!
//! The delays are at least 100 ms apart and at least 100 ms from any deadline (as in
//! `crates/contract/tests/patterns.rs`), so that a loaded machine cannot change the order
//! of events and every disagreement left is a real one.

use std::fmt::Write as _;

use crate::{Case, Comparison};

/// The fast cases of each pattern: scenario and arguments.
const CASES: &[(&str, &str, &str)] = &[
    ("manual-await", "default", "--delays 0.3,0.1,0.2"),
    ("manual-await", "default", "--delays 0.3,0.1,0.2 --fail 1"),
    ("manual-await", "default", "--delays 0.1,0.3,0.2 --panic 0"),
    ("manual-await", "handle", "--delays 0.3,0.1,0.2 --fail 1"),
    (
        "manual-await",
        "background",
        "--delays 0.1,0.3,0.2 --main-delay 0.4 --fail 2",
    ),
    (
        "manual-await",
        "forgotten",
        "--delays 0.1,0.4 --main-delay 0.2",
    ),
    ("task-group", "default", "--delays 0.3,0.1,0.2,0.4"),
    ("task-group", "default", "--delays 0.3,0.1,0.2,0.4 --fail 2"),
    (
        "task-group",
        "default",
        "--delays 0.3,0.1,0.2,0.4 --panic 1",
    ),
    ("gather", "default", "--delays 0.2,0.1,0.3"),
    ("gather", "default", "--delays 0.2,0.1,0.3 --fail 1"),
    ("gather", "default", "--delays 0.2,0.1,0.3 --panic 0"),
    (
        "gather",
        "return-exceptions",
        "--delays 0.2,0.1,0.3 --fail 1 --panic 2",
    ),
    ("gather", "sequential", "--delays 0.2,0.1,0.3"),
    ("gather", "sequential", "--delays 0.2,0.1,0.3 --fail 1"),
    ("wait", "all", "--delays 0.2,0.1,0.3 --fail 1 --panic 2"),
    ("wait", "first-completed", "--delays 0.2,0.1,0.3"),
    ("wait", "first-completed", "--delays 0.2,0.1,0.3 --fail 1"),
    (
        "wait",
        "first-exception",
        "--delays 0.2,0.1,0.3,0.4 --fail 0",
    ),
    ("wait", "first-exception", "--delays 0.2,0.1,0.3 --panic 2"),
    ("wait", "timeout", "--delays 0.3,0.1,0.5 --timeout 0.2"),
    (
        "wait",
        "timeout",
        "--delays 0.2,0.1,0.4 --timeout 0.3 --fail 1",
    ),
    ("as-completed", "default", "--delays 0.3,0.1,0.2"),
    (
        "as-completed",
        "default",
        "--delays 0.3,0.1,0.2,0.4 --panic 0 --fail 1",
    ),
    ("timeout", "wait-for", "--delays 0.3 --timeout 0.2"),
    ("timeout", "wait-for", "--delays 0.1 --timeout 0.2 --fail 0"),
    ("timeout", "gather", "--delays 0.1,0.2,0.5 --timeout 0.35"),
    ("timeout", "gather", "--delays 0.1,0.2,0.5 --timeout 0.6"),
    (
        "timeout",
        "gather",
        "--delays 0.1,0.2,0.5 --timeout 0.35 --panic 1",
    ),
    ("timeout", "scope", "--delays 0.1,0.2,0.5 --timeout 0.45"),
    ("timeout", "scope", "--delays 0.1,0.2,0.3 --timeout 0.8"),
    ("cancel-cleanup", "cancel", "--delays 1 --cancel-after 0.1"),
    (
        "cancel-cleanup",
        "cancel",
        "--delays 0.05 --cancel-after 0.2",
    ),
    (
        "cancel-cleanup",
        "cleanup",
        "--delays 1 --cancel-after 0.1 --cleanup 0.1",
    ),
    (
        "cancel-cleanup",
        "cleanup",
        "--delays 0.05 --cancel-after 0.2 --fail 0",
    ),
    ("cancel-cleanup", "abort", "--delays 1 --cancel-after 0.1"),
    (
        "scraper",
        "default",
        "--delays 0.3,0.1,0.5,0.2 --timeout 0.4 --fail 1 --panic 0",
    ),
    ("scraper", "default", "--delays 0.3,0.1,0.2 --timeout 0.5"),
    ("blocking", "to-thread", "--delays 0.3,0.1,0.2"),
    ("blocking", "to-thread", "--delays 0.3,0.1,0.2 --fail 1"),
    ("blocking", "blocked", "--delays 0.4,0.1,0.2"),
    // Job B blocks its thread while A's timer runs out: where B's stall holds A back, A
    // fails only when B is done, and C, started late, is cancelled; elsewhere C finishes.
    (
        "blocking",
        "blocked",
        "--delays 0.2,0.3,0.1 --block 1 --fail 0",
    ),
    ("blocking", "timeout", "--delays 0.3 --timeout 0.1"),
    ("blocking", "timeout", "--delays 0.1 --timeout 0.3 --fail 0"),
    ("blocking", "timeout", "--delays 0.3 --timeout 0"),
    // A real SIGINT at 0.3 s: job A has ended by then, B and C run their cleanups.
    (
        "shutdown",
        "ctrl-c",
        "--delays 0.1,1,1 --interrupt-after 0.3 --cleanup 0.1",
    ),
    (
        "shutdown",
        "ctrl-c",
        "--delays 0.1,0.5,1 --interrupt-after 0.3 --fail 0 --panic 2",
    ),
    // Every job ends before the signal would come: `ok`, exit 0.
    (
        "shutdown",
        "ctrl-c",
        "--delays 0.2,0.1 --interrupt-after 0.4",
    ),
    // Cleanups of 0.5 s, abandoned 0.2 s after the signal; then cleanups within the grace.
    (
        "shutdown",
        "grace",
        "--delays 0.1,1,1 --interrupt-after 0.3 --cleanup 0.5 --grace 0.2",
    ),
    (
        "shutdown",
        "grace",
        "--delays 0.1,1,1 --interrupt-after 0.3 --cleanup 0.1 --grace 0.3 --panic 0",
    ),
    // Two workers: B ends at 0.1 s and its worker takes C; A's takes D at 0.3 s, then E.
    (
        "queue",
        "workers",
        "--delays 0.3,0.1,0.5,0.2,0.4 --workers 2",
    ),
    (
        "queue",
        "workers",
        "--delays 0.3,0.1,0.5,0.2,0.4 --workers 2 --fail 1 --panic 3",
    ),
    // Jobs of one delay end together: the workers take the next jobs in worker order.
    ("queue", "workers", "--tasks 6 --delay 0.1 --workers 3"),
    // A queue of one: the producer's put of E waits until D is taken, at 0.3 s.
    (
        "queue",
        "bounded",
        "--delays 0.3,0.1,0.5,0.2,0.4 --workers 2",
    ),
    (
        "queue",
        "bounded",
        "--delays 0.4,0.1,0.5,0.3,0.3,0.6,0.1 --workers 2 --maxsize 3 --fail 2",
    ),
];

/// Every fast case, as [`Case`]s, in the order of the docs.
///
/// # Panics
///
/// If a case in the table above does not parse: a bug in this file.
pub fn cases() -> Vec<Case> {
    CASES
        .iter()
        .map(|(pattern, scenario, args)| {
            let mut argv = vec!["--scenario".to_owned(), (*scenario).to_owned()];
            argv.extend(args.split_whitespace().map(str::to_owned));
            Case::parse(pattern, &argv).unwrap_or_else(|err| panic!("{pattern} {args}: {err}"))
        })
        .collect()
}

/// Runs every case, `parallel` at a time (each case runs its four programs at once), and
/// calls `progress` after each. The comparisons come back in the order of `cases`. Build
/// the binaries first ([`crate::build`]).
pub fn run(
    cases: &[Case],
    parallel: usize,
    progress: &(dyn Fn(&Comparison) + Sync),
) -> Vec<Comparison> {
    contract::each(cases, parallel, |case| {
        let comparison = run_case(case);
        progress(&comparison);
        comparison
    })
}

/// The pictures of the page: drawn by `compare ... --svg`, with the commands that redraw
/// them.
const TIMELINES: &str = "\
## Timelines

Each job's life as a bar on one time axis shared by the four runtimes: from `started` to \
its end (green: finished, red: failed, purple: panicked, grey: cancelled), the part of its \
delay a cancellation took away drawn faint, the cleanup steps marked, and a dashed line \
where the pattern returned.

Tasks awaited one by one in the order they were created (`manual-await --fail 1`, on the \
tutorial's jobs of 2, 1 and 3 s): B fails at 1 s, but the caller, still awaiting A, sees \
the failure only at 2 s, and then cancels C:

![manual-await: B fails at 1 s, seen at 2 s when A is done; C is cancelled then](img/compare-manual-await.svg)

`async with asyncio.TaskGroup()` (`task-group --fail 2`, jobs of 3, 1, 2 and 4 s): B \
finishes at 1 s; C fails at 2 s, and the group cancels A and D, still running, at once:

![task-group: B finishes at 1 s; C fails at 2 s, and A and D are cancelled then](img/compare-task-group.svg)

`asyncio.gather` on the tutorial's jobs (2, 1 and 3 s) takes the longest delay, 3 s, on \
every runtime:

![gather: three bars side by side, the longest 3 s](img/compare-gather.svg)

The same jobs awaited one after another take the sum, 6 s:

![sequential: three bars one after another, 6 s in all](img/compare-gather-sequential.svg)

`asyncio.wait(return_when=FIRST_COMPLETED)` returns when B finishes at 1 s; A and C are \
still pending, and the examples then cancel them (the faint part is what they did not \
sleep):

![first-completed: B finishes at 1 s, A and C are cancelled then](img/compare-wait-first-completed.svg)

`for t in asyncio.as_completed(tasks)` on jobs of 3, 1 and 2 s: the caller takes each \
result as its job ends, B's at 1 s, C's at 2 s, A's at 3 s:

![as-completed: B, C and A end at 1, 2 and 3 s, each received then](img/compare-as-completed.svg)

`asyncio.wait_for(asyncio.gather(...), 3)` (`timeout --scenario gather`, jobs of 1, 2 and \
5 s): A and B finish, the deadline fires at 3 s and cancels C, and the caller gets the \
timeout and none of the results:

![timeout: A and B finish at 1 and 2 s; C is cancelled at the 3 s deadline](img/compare-timeout.svg)

Cooperative cancellation with an async cleanup (`cancel-cleanup --scenario cleanup`): \
cancelled at 1 s, the job runs a 0.5 s cleanup, then its finally-step:

![cleanup: the cleanup runs from 1 to 1.5 s, then finally and cancelled](img/compare-cancel-cleanup.svg)

The tutorial's scraper (`scraper`): ten pages of 0.5 to 2.5 s fetched at once under a 3 s \
deadline, each shown as it lands; the last lands at 2.3 s, before the deadline:

![scraper: ten pages fetched at once, the last done at 2.3 s, within the 3 s deadline](img/compare-scraper.svg)

`time.sleep` inside a coroutine (`blocking --scenario blocked`): job A blocks its thread for \
1 s. On asyncio and on smol's one-thread executor, B and C cannot even start until A is \
done; on tokio and async-std, the other worker runs them at once:

![blocked: A blocks for 1 s; B and C start at once on tokio and async-std, after A elsewhere](img/compare-blocking-blocked.svg)

Ctrl-C with a grace period (`shutdown --scenario grace`): A finishes at 0.5 s; the SIGINT \
comes at 1 s, and B and C start their cleanups of 0.5 s, which are abandoned 0.2 s later: \
only their finally-step runs, then the program exits 130:

![grace: B and C interrupted at 1 s, their cleanups abandoned at 1.2 s](img/compare-shutdown-grace.svg)

Three workers and a queue of one (`queue --scenario bounded`, asyncio's `Queue(maxsize=1)`): \
each bar names the worker that ran the job, and the diamond marks when the producer's put of \
it returned. E is put on the queue at 0.5 s, when worker 1 takes D and makes room, and waits \
there (dotted) until worker 0 is free at 1 s; every runtime makes the same schedule, 2.4 s in \
all:

![bounded: eight jobs on three workers; E waits on the queue from 0.5 to 1 s](img/compare-queue-bounded.svg)

Redraw them with:

```text
cargo run -p compare -- manual-await --delays 2,1,3 --fail 1 --svg docs/img/compare-manual-await.svg
cargo run -p compare -- task-group --delays 3,1,2,4 --fail 2 --svg docs/img/compare-task-group.svg
cargo run -p compare -- gather --delays 2,1,3 --svg docs/img/compare-gather.svg
cargo run -p compare -- gather --scenario sequential --delays 2,1,3 --svg docs/img/compare-gather-sequential.svg
cargo run -p compare -- wait --scenario first-completed --delays 2,1,3 --svg docs/img/compare-wait-first-completed.svg
cargo run -p compare -- as-completed --svg docs/img/compare-as-completed.svg
cargo run -p compare -- timeout --scenario gather --svg docs/img/compare-timeout.svg
cargo run -p compare -- cancel-cleanup --scenario cleanup --delays 2 --cancel-after 1 --cleanup 0.5 --svg docs/img/compare-cancel-cleanup.svg
cargo run -p compare -- scraper --svg docs/img/compare-scraper.svg
cargo run -p compare -- blocking --scenario blocked --svg docs/img/compare-blocking-blocked.svg
cargo run -p compare -- shutdown --scenario grace --delays 0.5,2,3 --svg docs/img/compare-shutdown-grace.svg
cargo run -p compare -- queue --scenario bounded --svg docs/img/compare-queue-bounded.svg
```

";

/// Runs one case; a case that disagrees with no known cause runs again, up to twice, so
/// that a moment of heavy load on the machine (a program woken 100 ms late) is not taken
/// for a bug. A real difference disagrees every time.
fn run_case(case: &Case) -> Comparison {
    let mut comparison = Comparison::run(case.clone());
    for rerun in 1..=2 {
        if comparison.unexplained().is_empty() {
            break;
        }
        comparison = Comparison::run(case.clone());
        comparison.reruns = rerun;
    }
    comparison
}

/// `docs/comparison.md`: a summary, the timelines, then each case's table, grouped by
/// pattern.
pub fn markdown(comparisons: &[Comparison]) -> String {
    let mut out = String::new();
    let explained: usize = comparisons
        .iter()
        .map(|c| {
            c.disagreements()
                .iter()
                .filter(|d| d.explanation.is_some())
                .count()
        })
        .sum();
    let unexplained: Vec<String> = comparisons
        .iter()
        .flat_map(Comparison::unexplained)
        .collect();
    let skipped = comparisons
        .iter()
        .any(|c| matches!(c.columns[3], crate::Column::Skipped(_)));
    let _ = writeln!(
        out,
        "# The runtimes side by side\n\n\
         Generated by `cargo run -p compare -- --all`: every pattern and scenario of \
         [the contract](contract.md) run on tokio, async-std, smol and CPython's asyncio \
         with the same jobs, at a fast time scale (delays at least 100 ms apart and at least \
         100 ms from any deadline). Run it again to refresh this page; the times are those of \
         the machine that ran it, and only the rows above `elapsed` are compared.\n\n\
         Each table has one column per runtime. A row marked `≠` is one on which they \
         disagree, with the reason under the table: a known, documented runtime difference \
         (see [the semantics matrix](semantics.md)), or `UNEXPLAINED`, which would be a bug. \
         `over ideal` is the elapsed time minus the time the scenario would take with no \
         overhead at all (the longest delay for concurrent work, the sum for sequential \
         work, cut short by a failure, a deadline or a cancellation; in `shutdown`, the \
         signal, then the cleanups, or the grace period if it is shorter; in `queue`, the \
         last job's end when the first free worker takes the next job).\n\n\
         To compare one scenario with your own jobs, and draw its timeline:\n\n\
         ```text\n\
         cargo run -p compare -- gather --delays 2,1,3 --fail 1\n\
         cargo run -p compare -- wait --scenario first-completed --delays 0.3,0.1,0.2 --svg wait.svg\n\
         ```\n\n\
         **{} cases, {} with every column in agreement; disagreements explained by a known \
         runtime difference: {explained}, unexplained: {}.**{}\n",
        comparisons.len(),
        comparisons
            .iter()
            .filter(|c| c.disagreements().is_empty() && c.failures().is_empty())
            .count(),
        unexplained.len(),
        if skipped {
            " CPython was skipped: no python3 3.11 or newer on the PATH."
        } else {
            ""
        }
    );
    out.push_str(TIMELINES);
    let mut pattern = "";
    for comparison in comparisons {
        if comparison.case.pattern != pattern {
            pattern = &comparison.case.pattern;
            let _ = writeln!(out, "## {pattern}\n");
        }
        let _ = writeln!(out, "### `{}`\n", comparison.case.title());
        let _ = writeln!(out, "{}", crate::table::markdown(comparison));
    }
    out
}
