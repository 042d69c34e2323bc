//! The README's "Panics" snippet, compiled and run: jobs that catch their own panic, so
//! that it comes back from `run_until_signal` as the job's error, instead of being raised
//! again in its caller, and the other jobs run on until the signal asks them to stop.
//!
//! The book takes the snippet from the region between the `ANCHOR` lines below, and a test
//! checks that the README's block says the same, so what the README shows is what runs here.
//!
//! The signal is a timer, not a real SIGINT (`tests/signals.rs` sends those), so that the
//! test runs on a paused clock: the jobs' hundreds of fetches take no real time.

use std::time::Duration;

use shutdown_tokio::{Stopped, run_until_signal};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// The workers' URLs: the second one's fetch fails, the third one's panics.
const URLS: [&str; 3] = [
    "https://example.com/a",
    "https://example.com/missing",
    "https://example.com/panic",
];

/// Why a worker ended with an error.
#[derive(Debug, PartialEq)]
enum MyError {
    /// The page is not there.
    NotFound(String),
    /// Fetching the page panicked: a bug, caught around the worker.
    Panicked(String),
}

/// Stands in for a real download: 10 ms each; a URL ending in `/missing` fails, one ending
/// in `/panic` hits a bug.
async fn fetch(url: &str) -> Result<String, MyError> {
    sleep(Duration::from_millis(10)).await;
    assert!(!url.ends_with("/panic"), "a bug while fetching {url}");
    if url.ends_with("/missing") {
        return Err(MyError::NotFound(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

/// A worker, as in the README's "Copy it" program: fetches `url` again and again until
/// `stop` is cancelled (`None`), or a fetch fails (`Some(Err(..))`).
async fn poll(url: &str, stop: CancellationToken) -> Option<Result<(), MyError>> {
    loop {
        tokio::select! {
            biased;
            page = fetch(url) => match page {
                Ok(_page) => {}
                Err(err) => return Some(Err(err)),
            },
            () = stop.cancelled() => return None,
        }
    }
}

// The README's block opens with its `use` lines, and needs `urls` before them.
#[allow(clippy::items_after_statements)]
#[tokio::test(start_paused = true)]
async fn a_panicking_job_ends_with_its_error_and_the_others_run_on() {
    let urls = URLS;
    // ANCHOR: panics
    use futures::FutureExt as _;
    use std::panic::AssertUnwindSafe;

    let jobs = urls.map(|url| {
        move |stop| async move {
            AssertUnwindSafe(poll(url, stop))
                .catch_unwind()
                .await
                .unwrap_or_else(|_panic| Some(Err(MyError::Panicked(url.to_owned()))))
        }
    });
    // ANCHOR_END: panics
    // The Ctrl-C, a second after the start, long after the failing and the panicking job
    // have ended.
    let signal = sleep(Duration::from_secs(1));
    let Stopped {
        signal,
        mut finished,
        interrupted,
        abandoned,
    } = run_until_signal(jobs, signal, None).await;

    // The panic was not raised again here: the panicking job ended with its error, like the
    // failing one, and the first job ran on until the signal asked it to stop.
    assert_eq!(signal, Some(()));
    // Both ended at 10 ms, in whichever order their tasks were polled: compare in job order.
    finished.sort_unstable_by_key(|(index, _)| *index);
    assert_eq!(
        finished,
        [
            (1, Err(MyError::NotFound(URLS[1].to_owned()))),
            (2, Err(MyError::Panicked(URLS[2].to_owned()))),
        ]
    );
    assert_eq!(interrupted, [0]);
    assert!(abandoned.is_empty(), "{abandoned:?}");
}
