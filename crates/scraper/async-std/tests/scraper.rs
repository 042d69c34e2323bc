//! What the scraper on async-std does with the contract's jobs: which pages arrive before
//! the deadline and in what order, what is cancelled, what `--concurrency` allows at once.
//!
//! async-std has no virtual clock, and a loaded machine can wake a timer late by a lot. So
//! where an order is the point, the pages wait on gates instead of sleeping
//! (`shared::gates`), and the test opens them one after another: each page ends when the
//! page before it has arrived, so the order is caused, not raced. The deadline is real, a
//! second after the last page the test ends: the pages it never ends are cancelled there.
//! Real delays are kept only for facts a load cannot change, such as "took at least the
//! longest delay".

use std::num::NonZeroUsize;
use std::process::Command;
use std::time::{Duration, Instant};

use async_std::task;
use scraper_async_std::scrape;
use shared::EventKind::{Cancelled, Finished, Started};
use shared::scenarios::Scraper;
use shared::{
    Args, Config, Event, EventLog, Job, JobError, JobState, Opener, Outcome, Report, Scenario as _,
};

/// The delays `--seed 42` draws, in milliseconds: the same list in every runtime's tests.
const SEED_42_MS: [f64; 10] = [
    2081.599, 1487.172, 2108.917, 579.838, 1584.005, 1411.641, 2291.001, 1276.923, 1941.206,
    1002.527,
];

/// The deadline of the gated tests: far beyond the few steps the test takes to end the
/// pages it ends, so that only the pages it leaves waiting reach it.
const DEADLINE: Duration = Duration::from_secs(1);

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
    jobs.into_iter().map(|job| job.run_caught(task::sleep))
}

/// `count` pages that wait on gates, and the chain that opens them.
fn gated(log: &EventLog, count: usize, order: &[usize]) -> (Chain, Vec<Job>) {
    let (openers, jobs) = shared::gates(jobs(log, &vec![3600.0; count], &[], &[]));
    (Chain::new(openers, order), jobs)
}

/// Ends gated pages one after another, in `order`: the first at once, each next one when
/// the one before it has arrived. The pages not in `order` wait until the deadline
/// cancels them (their gates stay shut until the chain is dropped).
struct Chain {
    openers: Vec<Option<Opener>>,
    order: Vec<usize>,
}

impl Chain {
    fn new(openers: Vec<Opener>, order: &[usize]) -> Self {
        let mut chain = Chain {
            openers: openers.into_iter().map(Some).collect(),
            order: order.to_vec(),
        };
        chain.open(order[0]);
        chain
    }

    /// Called as `page` arrives: ends the page after it in the order.
    fn arrived(&mut self, page: usize) {
        let next = self.order.iter().position(|&p| p == page).map(|i| i + 1);
        if let Some(&next) = next.and_then(|i| self.order.get(i)) {
            self.open(next);
        }
    }

    fn open(&mut self, page: usize) {
        if let Some(opener) = self.openers[page].take() {
            opener.open();
        }
    }
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

/// The deadline splits the pages: those that end before it arrive, in the order they end,
/// each shown as it arrives, and the others are cancelled at the deadline and reported as
/// timed out. The scrape returns at the deadline, not before.
#[test]
fn the_deadline_splits_arrived_from_timed_out() {
    let log = EventLog::new(Instant::now);
    let (mut chain, jobs) = gated(&log, 5, &[2, 0, 4]);
    let mut shown = Vec::new();
    let scrape = task::block_on(scrape(fetches(jobs), DEADLINE, None, |page, _| {
        shown.push(page);
        chain.arrived(page);
    }));
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    assert_eq!(arrived, [2, 0, 4]);
    assert_eq!(shown, [2, 0, 4], "each page is shown as it arrives");
    assert_eq!(scrape.arrived[0].1, Ok("job 2 result".to_owned()));
    assert_eq!(scrape.timed_out, [1, 3]);
    assert!(log.elapsed() >= DEADLINE);
    let states = [Finished, Cancelled, Finished, Cancelled, Finished].map(Some);
    assert_eq!(log.final_states(5), states);
    assert!(log.running().is_empty());
}

/// When every page beats the deadline nothing times out, and the scrape takes at least the
/// longest delay (on the real clock: a load can make it later, never sooner).
#[test]
fn pages_that_all_beat_the_deadline_take_the_longest_delay() {
    let log = EventLog::new(Instant::now);
    let delays = [0.2, 0.1, 0.3];
    let scrape = task::block_on(scrape(
        fetches(jobs(&log, &delays, &[], &[])),
        Duration::from_secs(60),
        None,
        |_, _| {},
    ));
    assert_eq!(scrape.arrived.len(), 3);
    assert!(scrape.timed_out.is_empty());
    assert!(log.elapsed() >= Duration::from_secs_f64(0.3));
    assert!(log.running().is_empty());
}

/// Without a limit every page starts at once: the pages end only once all three have
/// started, which they do without any of them ending.
#[test]
fn without_a_limit_every_page_runs_at_once() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[3600.0; 3], &[], &[]));
    let watched = log.clone();
    // A dropped async-std `JoinHandle` lets its task run on.
    drop(task::spawn(async move {
        while watched.events().len() < 3 {
            task::sleep(Duration::from_millis(1)).await;
        }
        openers.into_iter().for_each(Opener::open);
    }));
    let scrape = task::block_on(scrape(
        fetches(jobs),
        Duration::from_secs(60),
        None,
        |_, _| {},
    ));
    assert_eq!(scrape.arrived.len(), 3);
    assert_eq!(most_at_once(&log.events()), 3, "all pages at once");
    assert!(log.running().is_empty());
}

/// `--concurrency 2`: never more than two pages at once; each page that lands makes room
/// for the next one, in page order. At the deadline the two running pages are cancelled,
/// and pages 5 and 6, still in the queue, never started: no events, yet reported as timed
/// out.
#[test]
fn concurrency_two_never_runs_more_than_two_at_once() {
    let log = EventLog::new(Instant::now);
    // 1 ends first (2 starts), then 0 (3 starts), then 2 (4 starts); 3 and 4 never end.
    let (mut chain, jobs) = gated(&log, 7, &[1, 0, 2]);
    let scrape = task::block_on(scrape(fetches(jobs), DEADLINE, limit(2), |page, _| {
        chain.arrived(page);
    }));
    assert_eq!(most_at_once(&log.events()), 2);
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    assert_eq!(arrived, [1, 0, 2]);
    assert_eq!(scrape.timed_out, [3, 4, 5, 6]);
    let states = [
        Some(Finished),
        Some(Finished),
        Some(Finished),
        Some(Cancelled),
        Some(Cancelled),
        None,
        None,
    ];
    assert_eq!(log.final_states(7), states);
    assert!(log.events_of(5).is_empty(), "page 5 never started");
    assert!(log.running().is_empty());
}

/// A deadline that has already passed (`--timeout 0`): no page arrives, and every page is
/// pending. Which pages async-std's executor starts before the cancel reaches them is a
/// race (CPython starts every one, then cancels it: see the README): whichever it is, each
/// page ends cancelled or never starts, and none is left running.
#[test]
fn a_deadline_of_zero_times_out_every_page() {
    for _ in 0..20 {
        let log = EventLog::new(Instant::now);
        let (openers, jobs) = shared::gates(jobs(&log, &[3600.0; 4], &[], &[]));
        let scrape = task::block_on(scrape(fetches(jobs), Duration::ZERO, None, |_, _| {}));
        assert!(scrape.arrived.is_empty());
        assert_eq!(scrape.timed_out, [0, 1, 2, 3]);
        for state in log.final_states(4) {
            assert!(matches!(state, Some(Cancelled) | None), "{state:?}");
        }
        assert!(log.running().is_empty());
        drop(openers);
    }
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

/// The binary, on the real clock with the default seed and a 1.75 s deadline. A loaded
/// machine can move a page across the deadline (the order in which they arrive is proven
/// above, with gates), but not this: every page is either received, having ended, or
/// pending, having been cancelled (or never started), and none is left running.
#[test]
fn the_binary_scrapes_the_seeded_pages_under_the_deadline() {
    let output = Command::new(env!("CARGO_BIN_EXE_scraper-async-std"))
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
