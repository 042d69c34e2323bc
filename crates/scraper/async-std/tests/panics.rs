//! A failing and a panicking page on async-std, in a test binary of their own. When
//! `RUST_BACKTRACE` is set, the panic hook can take a tenth of a second or more to print a
//! backtrace, on the thread that panicked, and async-std's global executor runs every
//! test's tasks on a few shared threads. Next to the timed tests in `scraper.rs`, that
//! pause would move their pages across a deadline; cargo runs test binaries one after
//! another.

use std::time::{Duration, Instant};

use async_std::task;
use scraper_async_std::scrape;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, JobError};

/// A failing page and a panicking page arrive as errors in their place, and the loop goes
/// on to the pages after them. The panicking page lands first, half a second before the
/// next; every page lands at least 0.25 s from the 1.15 s deadline and from the page
/// before it, so that a loaded machine cannot reorder them.
#[test]
fn a_failure_or_a_panic_is_shown_and_the_loop_goes_on() {
    // The simulated panic prints one line. With `RUST_BACKTRACE` set, the default hook
    // captures and prints a backtrace on the executor thread that panicked, which took more
    // than half a second on a loaded machine and held up the other pages past the deadline.
    shared::quiet_job_panics();
    let log = EventLog::new(Instant::now);
    let delays = [0.6, 0.1, 1.4, 0.9];
    let jobs = Config::with_delays(&delays)
        .failing(&[3])
        .panicking(&[1])
        .jobs(&log);
    let scrape = task::block_on(scrape(jobs, Duration::from_secs_f64(1.15), None, |_, _| {}));
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
