//! The README's "Panics" snippet, compiled and run: a `work` that catches the panic of its
//! job, so that the panic comes back from `run_workers` as one error among the results and
//! the worker goes on to the next item.
//!
//! The book takes the snippet from the region between the `ANCHOR` lines below, and a test
//! checks that the README's block says the same, so what the README shows is what runs here.

use std::time::Duration;

use queue_tokio::run_workers;
use tokio::sync::mpsc;

/// The URLs put on the queue: the second one's fetch panics.
const URLS: [&str; 4] = [
    "https://example.com/a",
    "https://example.com/panic",
    "https://example.com/b",
    "https://example.com/c",
];

/// Why a page could not be fetched, as in the README's "Copy it" program (without
/// `thiserror`: the test only compares it).
#[derive(Debug, PartialEq)]
struct MyError(String);

/// Stands in for a real download: 10 ms each; a URL ending in `/panic` hits a bug.
async fn fetch(url: &str) -> Result<String, MyError> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(!url.ends_with("/panic"), "a bug while fetching {url}");
    Ok(format!("<html>{url}</html>"))
}

#[tokio::test(start_paused = true)]
async fn a_panicking_job_is_an_error_and_its_worker_goes_on() {
    // ANCHOR: panics
    use futures::FutureExt as _;
    use std::panic::AssertUnwindSafe;

    let work = |_worker, url| async move {
        let fetched = AssertUnwindSafe(fetch(url)).catch_unwind().await;
        (
            url,
            fetched.unwrap_or_else(|_panic| Err(MyError(format!("{url} panicked")))),
        )
    };
    // ANCHOR_END: panics

    // Every URL queued, then the sender dropped: the workers stop once the queue is empty.
    let (queue, taken) = mpsc::channel(URLS.len());
    for url in URLS {
        queue
            .try_send(url)
            .expect("the queue has room for every URL");
    }
    drop(queue);
    // One worker: it must survive the panic to fetch the URLs queued after it.
    let results = run_workers(taken, 1, work).await;

    // The panic did not unwind through `run_workers`: every URL has its result, in the
    // order the one worker took them, the panicking one as its error.
    let expected: Vec<_> = URLS
        .into_iter()
        .map(|url| {
            let result = if url.ends_with("/panic") {
                Err(MyError(format!("{url} panicked")))
            } else {
                Ok(format!("<html>{url}</html>"))
            };
            (url, result)
        })
        .collect();
    assert_eq!(results, expected);
}
