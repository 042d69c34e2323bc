//! A failing and a panicking page on smol, in a test binary of their own: the panic hook
//! is the whole process's, and a panic's report, printed on the executor thread, should
//! not hold up the pages of other tests.

use std::time::{Duration, Instant};

use async_std::task;
use scraper_async_std::scrape;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, JobError, Opener};

/// A failing page and a panicking page arrive as errors in their place, and the loop goes
/// on to the pages after them. The pages wait on gates, and each one ends when the one
/// before it has arrived: the panicking page 1, then page 0, then the failing page 3. Page
/// 2 is left waiting, and the deadline, a second later, cancels it.
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
    let scrape = task::block_on(scrape(jobs, Duration::from_secs(1), None, |page, _| {
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
