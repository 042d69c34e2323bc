//! A failing and a panicking page on async-std, in a test binary of their own: the panic hook
//! is the whole process's, and a panic's report, printed on the executor thread, should
//! not hold up the pages of other tests.

use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_std::task;
use futures::FutureExt as _;
use scraper_async_std::scrape;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, JobError, Opener};

/// A failing page and a panicking page, its panic caught as in the binary
/// (`Job::run_caught`), arrive as errors in their place, and the loop goes on to the pages
/// after them. The pages wait on gates, and each one ends when the one before it has
/// arrived: the panicking page 1, then page 0, then the failing page 3. Page 2 is left
/// waiting, and the deadline, a second later, cancels it.
#[test]
fn a_failure_or_a_panic_is_shown_and_the_loop_goes_on() {
    // The simulated panic prints one line, not a backtrace.
    shared::quiet_job_panics();
    let log = EventLog::new(Instant::now);
    let jobs = Config::with_delays(&[3600.0; 4])
        .failing(&[3])
        .panicking(&[1])
        .jobs(&log);
    let (openers, jobs) = shared::gates(jobs);
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    let mut open = |page: usize| openers[page].take().map(Opener::open);
    open(1);
    let fetches = jobs.into_iter().map(|job| job.run_caught(task::sleep));
    let scrape = task::block_on(scrape(fetches, Duration::from_secs(1), None, |page, _| {
        match page {
            1 => open(0),
            0 => open(3),
            _ => None,
        };
    }));
    let expected = [
        (1, Err(JobError::Panicked(1))),
        (0, Ok("job 0 result".to_owned())),
        (3, Err(JobError::Failed(3))),
    ];
    assert_eq!(scrape.arrived, expected);
    assert_eq!(scrape.timed_out, [2]);
    let states = [Finished, Panicked, Cancelled, Failed].map(Some);
    assert_eq!(log.final_states(4), states);
    assert!(log.running().is_empty());
}

/// A page's fetch that panics (`Job::run`: the panic not caught) is a bug, not a result:
/// the scrape stops taking pages, cancels the pages in flight, waits until they have
/// stopped, and raises the panic again in the caller. Under a limit of three, pages 0, 1
/// and 2 start; page 1 ends at once, and page 3 starts in its place; page 2 panics once all
/// four have started, so pages 0 and 3 are cancelled, and page 4, still in the queue, never
/// starts.
#[test]
fn a_panic_cancels_the_other_pages_and_is_raised_in_the_caller() {
    shared::quiet_job_panics();
    let log = EventLog::new(Instant::now);
    let jobs = Config::with_delays(&[3600.0; 5]).panicking(&[2]).jobs(&log);
    // Page 1 ends at once, page 2 once four pages have started; the gates of the others
    // stay shut until the end of the test.
    let (mut openers, jobs) = shared::gates(jobs);
    let panicking = openers.remove(2);
    openers.remove(1).open();
    let watched = log.clone();
    // A dropped async-std `JoinHandle` lets its task run on.
    drop(task::spawn(async move {
        while started(&watched) < 4 {
            task::sleep(Duration::from_millis(1)).await;
        }
        panicking.open();
    }));
    let pages = jobs.into_iter().map(|job| job.run(task::sleep));
    let mut shown = Vec::new();
    let limit = NonZeroUsize::new(3);
    let scraping = scrape(pages, Duration::from_secs(60), limit, |page, _| {
        shown.push(page);
    });
    let payload = task::block_on(AssertUnwindSafe(scraping).catch_unwind())
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
    assert!(log.running().is_empty());
    drop(openers);
}

/// How many pages have started, from the events.
fn started(log: &EventLog) -> usize {
    log.events()
        .iter()
        .filter(|event| event.event == Started)
        .count()
}
