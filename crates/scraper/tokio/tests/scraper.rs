//! What the scraper on tokio does with the contract's jobs: which pages arrive before the
//! deadline and in what order, what is cancelled, what `--concurrency` allows at once.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so a 3 s scrape takes no real
//! time and every time in the log is exact.

use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::process::Command;
use std::time::Duration;

use futures::FutureExt as _;
use scraper_tokio::scrape;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::scenarios::Scraper;
use shared::{
    Args, Config, Event, EventLog, Job, JobError, JobState, Outcome, Report, Scenario as _,
};

/// The delays `--seed 42` draws, in milliseconds: the same list in every runtime's tests.
const SEED_42_MS: [f64; 10] = [
    2081.599, 1487.172, 2108.917, 579.838, 1584.005, 1411.641, 2291.001, 1276.923, 1941.206,
    1002.527,
];

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

/// Each job's fetch, as the binary runs it: a panic of the job comes back as
/// `JobError::Panicked` (`Job::run_caught`).
fn fetches(
    jobs: Vec<Job>,
) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>> + Send + 'static> {
    jobs.into_iter()
        .map(|job| job.run_caught(tokio::time::sleep))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

fn limit(n: usize) -> Option<NonZeroUsize> {
    NonZeroUsize::new(n)
}

/// The most jobs running at once, from the events: each `started` adds one, each end
/// (`finished`, `failed`, `panicked`, `cancelled`) takes one away.
fn most_at_once(events: &[Event]) -> usize {
    let (mut now, mut most) = (0_usize, 0_usize);
    for event in events {
        if event.event == Started {
            now += 1;
            most = most.max(now);
        } else if event.event.is_terminal() {
            now -= 1;
        }
    }
    most
}

/// The deadline splits the pages exactly as their delays say: those below 3 s arrive, in
/// order of their delays, and the others are cancelled at 3 s and reported as timed out.
#[tokio::test(start_paused = true)]
async fn the_deadline_splits_arrived_from_timed_out() {
    let log = log();
    let mut shown = Vec::new();
    let scrape = scrape(
        fetches(jobs(&log, &[2.0, 0.5, 3.5, 1.0, 4.0], &[], &[])),
        secs(3.0),
        None,
        |page, _| shown.push(page),
    )
    .await;
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    assert_eq!(arrived, [1, 3, 0]);
    assert_eq!(shown, [1, 3, 0], "each page is shown as it arrives");
    assert_eq!(scrape.arrived[0].1, Ok("job 1 result".to_owned()));
    assert_eq!(scrape.timed_out, [2, 4]);
    assert_eq!(log.elapsed(), secs(3.0), "it returns at the deadline");
    let states = [Finished, Finished, Cancelled, Finished, Cancelled].map(Some);
    assert_eq!(log.final_states(5), states);
    assert!(log.running().is_empty());
}

/// A page due at the very moment of the deadline is late, as in asyncio (whose deadline
/// timer was set before any page's): it is cancelled and reported as timed out.
#[tokio::test(start_paused = true)]
async fn a_page_due_at_the_deadline_is_late() {
    let log = log();
    let scrape = scrape(
        fetches(jobs(&log, &[1.0, 2.0, 0.5], &[], &[])),
        secs(1.0),
        None,
        |_, _| {},
    )
    .await;
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    assert_eq!(arrived, [2]);
    assert_eq!(scrape.timed_out, [0, 1]);
    assert_eq!(
        log.final_states(3),
        [Cancelled, Cancelled, Finished].map(Some)
    );
    assert_eq!(log.elapsed(), secs(1.0));
    assert!(log.running().is_empty());
}

/// When every page beats the deadline nothing times out, and the scrape takes the
/// longest delay, not the deadline and not the sum.
#[tokio::test(start_paused = true)]
async fn pages_that_all_beat_the_deadline_take_the_longest_delay() {
    let log = log();
    let scrape = scrape(
        fetches(jobs(&log, &[2.0, 0.5, 1.0], &[], &[])),
        secs(3.0),
        None,
        |_, _| {},
    )
    .await;
    assert_eq!(scrape.arrived.len(), 3);
    assert!(scrape.timed_out.is_empty());
    assert_eq!(log.elapsed(), secs(2.0));
    assert_eq!(most_at_once(&log.events()), 3, "all pages at once");
    assert!(log.running().is_empty());
}

/// A failing page and a panicking page, its panic caught as in the binary
/// (`Job::run_caught`), arrive as errors in their place, and the loop goes on to the pages
/// after them.
#[tokio::test(start_paused = true)]
async fn a_failure_or_a_panic_is_shown_and_the_loop_goes_on() {
    let log = log();
    let scrape = scrape(
        fetches(jobs(&log, &[2.0, 0.5, 3.5, 1.0], &[3], &[1])),
        secs(3.0),
        None,
        |_, _| {},
    )
    .await;
    let expected = [
        (1, Err(JobError::Panicked(1))),
        (3, Err(JobError::Failed(3))),
        (0, Ok("job 0 result".to_owned())),
    ];
    assert_eq!(scrape.arrived, expected);
    assert_eq!(scrape.timed_out, [2]);
    let states = [Finished, Panicked, Cancelled, Failed].map(Some);
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// A page's fetch that panics (`Job::run`: the panic not caught) is a bug, not a result:
/// the scrape stops taking pages, cancels the pages in flight, waits until they have
/// stopped, and raises the panic again in the caller, at the moment of the panic, not at
/// the deadline. Under `limit(3)`, page 3 started when page 1 landed; page 4, still in the
/// queue, never starts.
#[tokio::test(start_paused = true)]
async fn a_panic_cancels_the_other_pages_and_is_raised_in_the_caller() {
    // The simulated panic prints one line, not a backtrace.
    shared::quiet_job_panics();
    let log = log();
    let raw = jobs(&log, &[2.0, 0.5, 1.0, 3.0, 0.1], &[], &[2]);
    let pages = raw.into_iter().map(|job| job.run(tokio::time::sleep));
    let mut shown = Vec::new();
    let scraping = scrape(pages, secs(10.0), limit(3), |page, _| shown.push(page));
    let payload = AssertUnwindSafe(scraping)
        .catch_unwind()
        .await
        .expect_err("the panic is raised in the caller");
    let message = payload.downcast_ref::<String>().map(String::as_str);
    assert_eq!(message, Some("job 2 panicked"));
    assert_eq!(shown, [1]);
    let states = [
        Some(Cancelled),
        Some(Finished),
        Some(Panicked),
        Some(Cancelled),
        None,
    ];
    assert_eq!(log.final_states(5), states);
    assert_eq!(log.elapsed(), secs(1.0));
    assert!(log.running().is_empty());
}

/// `--concurrency 2`: never more than two pages at once; each page that lands makes room
/// for the next one, in page order. At the deadline the two running pages are cancelled,
/// and page 6, still in the queue, never started: no events, yet reported as timed out.
#[tokio::test(start_paused = true)]
async fn concurrency_two_never_runs_more_than_two_at_once() {
    let log = log();
    let delays = [1.0, 0.4, 0.8, 0.6, 1.0, 0.5, 0.1];
    let scrape = scrape(
        fetches(jobs(&log, &delays, &[], &[])),
        secs(2.0),
        limit(2),
        |_, _| {},
    )
    .await;
    assert_eq!(most_at_once(&log.events()), 2);
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    // 1 ends at 0.4 (2 starts), 0 at 1.0 (3 starts), 2 at 1.2 (4 starts), 3 at 1.6 (5 starts).
    assert_eq!(arrived, [1, 0, 2, 3]);
    assert_eq!(scrape.timed_out, [4, 5, 6]);
    let mut states = [Finished, Finished, Finished, Finished, Cancelled, Cancelled]
        .map(Some)
        .to_vec();
    states.push(None);
    assert_eq!(log.final_states(7), states);
    assert!(log.events_of(6).is_empty(), "page 6 never started");
    assert_eq!(log.elapsed(), secs(2.0));
    assert!(log.running().is_empty());
}

/// `--seed 42` draws the same ten delays on every runtime (the other runtimes' tests hold
/// the same list), and another seed draws others.
#[test]
fn the_same_seed_gives_the_same_delays_on_every_runtime() {
    let delays = |seed: &str| {
        let args = Args {
            seed: Some(seed.to_owned()),
            ..Args::default()
        };
        let config = args
            .resolve(Scraper::Default.defaults())
            .expect("a valid seed");
        let ms: Vec<f64> = config
            .delays
            .iter()
            .map(|d| (d.as_secs_f64() * 1e6).round() / 1e3)
            .collect();
        ms
    };
    assert_eq!(delays("42"), SEED_42_MS);
    assert_ne!(delays("7"), SEED_42_MS);
}

/// A deadline that has already passed (`--timeout 0`): no page arrives, and every page is
/// pending. On the paused clock the deadline is due at once, so every page is cancelled
/// before its task first runs: it never starts. (CPython starts every page, then cancels
/// it; on the real clock tokio's workers usually start them too: see the README.)
#[tokio::test(start_paused = true)]
async fn a_deadline_of_zero_times_out_every_page() {
    let log = log();
    let scrape = scrape(
        fetches(jobs(&log, &[1.0, 0.5, 2.0], &[], &[])),
        Duration::ZERO,
        None,
        |_, _| {},
    )
    .await;
    assert!(scrape.arrived.is_empty());
    assert_eq!(scrape.timed_out, [0, 1, 2]);
    assert!(log.events().is_empty(), "no page started");
}

/// The binary, on the real clock with the default seed and a 1.75 s deadline. A loaded
/// machine can move a page across the deadline (the order in which they arrive is proven
/// above, on the paused clock), but not this: every page is either received, having
/// ended, or pending, having been cancelled (or never started), and none is left running.
#[test]
fn the_binary_scrapes_the_seeded_pages_under_the_deadline() {
    let output = Command::new(env!("CARGO_BIN_EXE_scraper-tokio"))
        .args(["--json", "--timeout", "1.75"])
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let report: Report = serde_json::from_slice(&output.stdout).expect("stdout is the JSON report");
    assert_eq!(report.scenario, "default");
    let states = report.states(SEED_42_MS.len());
    let mut pages: Vec<usize> = report.results.iter().map(|r| r.job).collect();
    for &page in &pages {
        assert!(matches!(states[page], JobState::Ended(Finished)), "{page}");
    }
    for &page in &report.pending {
        let state = states[page];
        assert!(
            matches!(state, JobState::Ended(Cancelled) | JobState::NeverStarted),
            "{page}"
        );
    }
    pages.extend(&report.pending);
    pages.sort_unstable();
    assert_eq!(pages, (0..10).collect::<Vec<_>>(), "each page once");
    let outcome = if report.pending.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Timeout
    };
    assert_eq!(report.outcome, outcome);
    assert!(report.still_running().is_empty());
}
