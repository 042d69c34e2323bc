//! Copy it: `asyncio.Queue` workers on smol, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/queue.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! smol = "2"
//! thiserror = "2"
//! ```

use std::time::Duration;

// The pattern: `src/queue.rs`, below.
use queue_smol::run_workers;

const URLS: [&str; 6] = [
    "https://example.com/slow",
    "https://example.com/a",
    "https://example.com/missing",
    "https://example.com/b",
    "https://example.com/c",
    "https://example.com/d",
];

/// Why a page could not be fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("cannot fetch {0}")]
struct MyError(String);

/// Stands in for a real download: `/slow` takes far longer than the others, `/missing`
/// fails.
async fn fetch(url: &str) -> Result<String, MyError> {
    let millis = if url.ends_with("/slow") { 300 } else { 10 };
    smol::Timer::after(Duration::from_millis(millis)).await;
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

fn main() -> anyhow::Result<()> {
    // smol has no `main` attribute: `block_on` runs the async code on this thread.
    smol::block_on(run())
}

async fn run() -> anyhow::Result<()> {
    // A queue with room for two URLs: the producer's `send` waits while it is full, so it
    // never runs more than two URLs ahead of the workers (backpressure).
    let (queue, taken) = smol::channel::bounded(2);
    let producer = async move {
        for url in URLS {
            // `await queue.put(url)`. It fails only once nobody reads the queue any more.
            queue.send(url).await?;
        }
        // `queue` is dropped here, which closes it: the workers stop once it is empty.
        anyhow::Ok(())
    };
    // What a worker does with a URL: fetch it, and hand back the URL with the result, so
    // that the results, which come in completion order, say which is which.
    let work = |_worker, url| async move { (url, fetch(url).await) };
    // Three workers, the first free one taking the next URL.
    let (put, results) = futures::join!(producer, run_workers(taken, 3, work));
    put?;

    // Every URL was fetched once. A failure is one result among the others: its worker
    // went on to the next URL.
    assert_eq!(results.len(), URLS.len());
    for (url, result) in &results {
        match result {
            Ok(page) => assert_eq!(*page, format!("<html>{url}</html>")),
            Err(err) => assert_eq!(*err, MyError("https://example.com/missing".to_owned())),
        }
    }
    // The slow page, taken first, came back last: the two other workers fetched the rest
    // meanwhile.
    assert_eq!(results.last().map(|(url, _)| *url), Some(URLS[0]));
    Ok(())
}
