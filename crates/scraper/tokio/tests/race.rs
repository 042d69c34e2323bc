//! The race between the deadline and a page that ends at that very moment, repeated: a
//! page whose fetch ended is always received, and a page reported as timed out never ran
//! to its end.
//!
//! The other tokio tests run on the paused clock, where the runtime has one thread and
//! every step happens in a fixed order: there is no race there. This one needs a page to
//! end on one worker thread while the scrape aborts it from another, so it runs on the
//! multi-threaded runtime and the real clock. It asserts no time and no order, only what
//! must hold whichever way each race goes.

use std::time::Duration;

use scraper_tokio::scrape;
use shared::EventKind::{Cancelled, Finished};
use shared::{Config, EventLog, Job};
use tokio::time::{Instant, sleep_until};

/// Eight pages wait on one gate, which opens on tokio's timer at the deadline's moment, so
/// that they end while the deadline fires and the scrape aborts them: some arrive before
/// the deadline, some end in the poll during which they are aborted, some are aborted
/// first, and which ones changes from run to run. Whatever the mix, no page is lost: every
/// page that finished is among the arrivals, every other one is timed out and ended
/// cancelled (or never started), and none is still running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_ends_as_the_deadline_cancels_it_is_never_lost() {
    const PAGES: usize = 8;
    for round in 0..500 {
        let log = EventLog::new(std::time::Instant::now);
        let (opener, gate) = shared::gate();
        let jobs: Vec<Job> = Config::with_delays(&[3600.0; PAGES])
            .jobs(&log)
            .into_iter()
            .map(|job| job.gated(gate.clone()))
            .collect();
        let pages = jobs.into_iter().map(|job| job.run(tokio::time::sleep));
        let timeout = Duration::from_millis(2);
        let deadline = Instant::now() + timeout;
        tokio::spawn(async move {
            sleep_until(deadline).await;
            opener.open();
        });
        let scrape = scrape(pages, timeout, None, |_, _| {}).await;

        let states = log.final_states(PAGES);
        let mut seen = [false; PAGES];
        for (page, result) in &scrape.arrived {
            assert!(!seen[*page], "round {round}: page {page} arrived twice");
            seen[*page] = true;
            assert_eq!(*result, Ok(format!("job {page} result")), "round {round}");
            assert_eq!(states[*page], Some(Finished), "round {round}: page {page}");
        }
        for &page in &scrape.timed_out {
            assert!(
                !seen[page],
                "round {round}: page {page} arrived and timed out"
            );
            seen[page] = true;
            assert!(
                matches!(states[page], Some(Cancelled) | None),
                "round {round}: page {page} timed out, yet it ended {:?}",
                states[page]
            );
        }
        assert!(
            seen.iter().all(|&seen| seen),
            "round {round}: a page is missing"
        );
        assert!(log.running().is_empty(), "round {round}");
    }
}
