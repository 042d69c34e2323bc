//! Copy it: `asyncio.wait_for` and `asyncio.timeout` on tokio, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/timeout.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

use std::time::Duration;

// The pattern: `src/timeout.rs`, below.
use timeout_tokio::{TimedOut, gather, scope, wait_for};

const A: &str = "https://example.com/a";
const B: &str = "https://example.com/b";
const SLOW: &str = "https://example.com/slow";
const MISSING: &str = "https://example.com/missing";

/// Why a page could not be fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("cannot fetch {0}")]
struct MyError(String);

/// Stands in for a real download: `/slow` takes an hour, `/missing` fails, the others
/// take 10 ms.
async fn fetch(url: &str) -> Result<String, MyError> {
    let secs = if url.ends_with("/slow") { 3600.0 } else { 0.01 };
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let limit = Duration::from_millis(200);
    // One fetch under a deadline: its page (`??` passes on a timeout or a fetch error), or
    // `TimedOut` once the slow fetch has been cancelled.
    let page = wait_for(fetch(A), limit).await??;
    assert_eq!(page, format!("<html>{A}</html>"));
    assert_eq!(wait_for(fetch(SLOW), limit).await, Err(TimedOut));

    // One deadline over fetches run at once: every page in input order, or the failure,
    // or `TimedOut` (not the pages fetched by then).
    let pages = gather([B, A].map(fetch), limit).await??;
    assert_eq!(
        pages,
        [format!("<html>{B}</html>"), format!("<html>{A}</html>")]
    );
    let failed = gather([A, MISSING].map(fetch), limit).await;
    assert_eq!(failed, Ok(Err(MyError(MISSING.to_owned()))));
    assert_eq!(gather([A, SLOW].map(fetch), limit).await, Err(TimedOut));

    // `async with asyncio.timeout(...)`: fetches one after another under one deadline. The
    // page fetched before it stays; the fetch in flight is cancelled, the next never starts.
    let mut pages = Vec::new();
    let fetched = scope(limit, async {
        for url in [A, SLOW, B] {
            pages.push(fetch(url).await?);
        }
        Ok::<_, MyError>(())
    })
    .await;
    assert_eq!(fetched, Err(TimedOut));
    assert_eq!(pages, [format!("<html>{A}</html>")]);
    Ok(())
}
