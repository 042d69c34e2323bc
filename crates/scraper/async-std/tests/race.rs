//! The race between the deadline and a page that ends at that very moment, repeated: a
//! page whose fetch ended is always received, and a page reported as timed out never ran
//! to its end. In a test binary of its own, so that its many short scrapes share the
//! executor with no other test.

use std::time::{Duration, Instant};

use async_std::task;
use scraper_async_std::scrape;
use shared::EventKind::{Cancelled, Finished};
use shared::{Config, EventLog, Job};

/// Eight pages wait on one gate, which opens on async-std's timer at the deadline's
/// moment, so that they end while the deadline fires and the scrape cancels them: some
/// arrive before the deadline, some end while they are being cancelled, some are cancelled
/// first, and which ones changes from run to run. Whatever the mix, no page is lost: every
/// page that finished is among the arrivals, every other one is timed out and ended
/// cancelled (or never started), and none is still running.
#[test]
fn a_page_that_ends_as_the_deadline_cancels_it_is_never_lost() {
    const PAGES: usize = 8;
    for round in 0..500 {
        let log = EventLog::new(Instant::now);
        let (opener, gate) = shared::gate();
        let jobs: Vec<Job> = Config::with_delays(&[3600.0; PAGES])
            .jobs(&log)
            .into_iter()
            .map(|job| job.gated(gate.clone()))
            .collect();
        let pages = jobs.into_iter().map(|job| job.run(task::sleep));
        let timeout = Duration::from_millis(2);
        let deadline = Instant::now() + timeout;
        // A dropped async-std `JoinHandle` lets its task run on.
        drop(task::spawn(async move {
            task::sleep(deadline.saturating_duration_since(Instant::now())).await;
            opener.open();
        }));
        let scrape = task::block_on(scrape(pages, timeout, None, |_, _| {}));

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
