//! What the scraper on smol does with the contract's jobs: which pages arrive before the
//! deadline and in what order, what is cancelled, what `--concurrency` allows at once.
//!
//! smol has no virtual clock, so these tests sleep for real: delays of a few tenths of a
//! second, every page's end at least 100 ms away from the deadline and from the others,
//! and loose time bounds, so that a loaded machine cannot move a page across the deadline.

use std::num::NonZeroUsize;
use std::process::Command;
use std::time::{Duration, Instant};

use scraper_smol::scrape;
use shared::EventKind::{Cancelled, Finished, Started};
use shared::scenarios::Scraper;
use shared::{Args, Config, Event, EventLog, Job, Outcome, Report, Scenario as _};

/// The delays `--seed 42` draws, in milliseconds: the same list in every runtime's tests.
const SEED_42_MS: [f64; 10] = [
    2081.599, 1487.172, 2108.917, 579.838, 1584.005, 1411.641, 2291.001, 1276.923, 1941.206,
    1002.527,
];

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
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

/// The deadline splits the pages exactly as their delays say: those below 0.4 s arrive,
/// in order of their delays, and the others are cancelled at 0.4 s and reported as timed
/// out.
#[test]
fn the_deadline_splits_arrived_from_timed_out() {
    let log = EventLog::new(Instant::now);
    let mut shown = Vec::new();
    let scrape = smol::block_on(scrape(
        jobs(&log, &[0.2, 0.5, 0.1, 0.6, 0.3], &[], &[]),
        secs(0.4),
        None,
        |page, _| shown.push(page),
    ));
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    assert_eq!(arrived, [2, 0, 4]);
    assert_eq!(shown, [2, 0, 4], "each page is shown as it arrives");
    assert_eq!(scrape.arrived[0].1, Ok("job 2 result".to_owned()));
    assert_eq!(scrape.timed_out, [1, 3]);
    assert!(log.elapsed() >= secs(0.4) && log.elapsed() < secs(0.5));
    let states = [Finished, Cancelled, Finished, Cancelled, Finished].map(Some);
    assert_eq!(log.final_states(5), states);
    assert!(log.running().is_empty());
}

/// When every page beats the deadline nothing times out, and the scrape takes about the
/// longest delay, not the deadline and not the sum.
#[test]
fn pages_that_all_beat_the_deadline_take_the_longest_delay() {
    let log = EventLog::new(Instant::now);
    let delays = [0.2, 0.1, 0.3];
    let scrape = smol::block_on(scrape(
        jobs(&log, &delays, &[], &[]),
        secs(1.0),
        None,
        |_, _| {},
    ));
    assert_eq!(scrape.arrived.len(), 3);
    assert!(scrape.timed_out.is_empty());
    assert!(log.elapsed() >= secs(0.3) && log.elapsed() < secs(0.6));
    assert_eq!(most_at_once(&log.events()), 3, "all pages at once");
    assert!(log.running().is_empty());
}

/// `--concurrency 2`: never more than two pages at once; each page that lands makes room
/// for the next one, in page order. At the 0.8 s deadline the two running pages are
/// cancelled, and pages 5 and 6, still in the queue, never started: no events, yet
/// reported as timed out. Each page that lands is at least 0.2 s from the deadline and
/// from the page before it: a page starts only once another has landed, so the delays of a
/// loaded machine add up along the chain.
#[test]
fn concurrency_two_never_runs_more_than_two_at_once() {
    let log = EventLog::new(Instant::now);
    let delays = [0.3, 0.1, 0.5, 1.0, 1.0, 0.1, 0.1];
    let jobs = jobs(&log, &delays, &[], &[]);
    let scrape = smol::block_on(scrape(jobs, secs(0.8), limit(2), |_, _| {}));
    assert_eq!(most_at_once(&log.events()), 2);
    let arrived: Vec<usize> = scrape.arrived.iter().map(|(page, _)| *page).collect();
    // 1 ends at 0.1 (2 starts), 0 at 0.3 (3 starts), 2 at 0.6 (4 starts).
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

/// The binary, with the default seed and a 1.75 s deadline (every delay at least 160 ms
/// away from it): the pages below 1.75 s arrive in order of their delays, the others are
/// pending, cancelled, and the outcome is `timeout`.
#[test]
fn the_binary_scrapes_the_seeded_pages_under_the_deadline() {
    let output = Command::new(env!("CARGO_BIN_EXE_scraper-smol"))
        .args(["--json", "--timeout", "1.75"])
        .output()
        .expect("the binary runs");
    assert!(output.status.success());
    let report: Report = serde_json::from_slice(&output.stdout).expect("stdout is the JSON report");
    // The pages in order of their delays: the deadline splits them. The ones that arrived
    // are the first of that order, in that order; the others are pending, cancelled.
    let mut by_delay: Vec<usize> = (0..10).collect();
    by_delay.sort_by(|&a, &b| SEED_42_MS[a].total_cmp(&SEED_42_MS[b]));
    let arrived: Vec<usize> = report.results.iter().map(|r| r.job).collect();
    assert_eq!(
        arrived,
        by_delay[..arrived.len()],
        "pages arrive in order of delay"
    );
    let mut pending = by_delay[arrived.len()..].to_vec();
    pending.sort_unstable();
    assert_eq!(report.pending, pending);
    // A page slower than the deadline never arrives, and one faster by half a second always
    // does. A page just below it (page 4 at 1.584 s) arrives on an idle machine, but on a
    // loaded one the binary's threads can wait their turn for longer than the 0.17 s left.
    let slowest = arrived.last().map_or(0.0, |&page| SEED_42_MS[page]);
    assert!(
        slowest < 1750.0,
        "{arrived:?}: a page slower than the deadline arrived"
    );
    assert!(
        arrived.len() >= (0..10).filter(|&i| SEED_42_MS[i] < 1250.0).count(),
        "only {arrived:?} arrived"
    );
    assert_eq!(report.outcome, Outcome::Timeout);
    for page in pending {
        assert_eq!(report.final_state(page), Some(Cancelled));
    }
    assert!(report.still_running().is_empty());
}
