//! Copy it: `asyncio.to_thread` on async-std, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/blocking.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! async-std = "1"
//! thiserror = "2"
//! ```

use std::time::Duration;

// The pattern: `src/blocking.rs`, below.
use blocking_async_std::{gather, to_thread, wait_for};

const A: &str = "https://example.com/a";
const B: &str = "https://example.com/b";
const SLOW: &str = "https://example.com/slow";
const MISSING: &str = "https://example.com/missing";

/// Why a page could not be fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("cannot fetch {0}")]
struct MyError(String);

/// Stands in for a synchronous HTTP client (`reqwest::blocking`, `ureq`): it holds its
/// thread until the page is there. `/slow` takes a second, `/missing` fails, the others
/// take 10 ms.
fn fetch(url: &str) -> Result<String, MyError> {
    let secs = if url.ends_with("/slow") { 1.0 } else { 0.01 };
    std::thread::sleep(Duration::from_secs_f64(secs));
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

fn main() -> anyhow::Result<()> {
    // What `#[async_std::main]` expands to (that needs async-std's `attributes` feature).
    async_std::task::block_on(run())
}

async fn run() -> anyhow::Result<()> {
    // One call off the executor: the closure runs on the blocking pool.
    let page = to_thread(|| fetch(A)).await?;
    assert_eq!(page, format!("<html>{A}</html>"));

    // Calls at once, each on a thread of the pool: every page in input order, or the
    // first failure, once every call has ended (a blocking call cannot be stopped). The
    // closures own what they use: `move` a `String` or an `Arc` into each.
    let urls = [B, A].map(str::to_owned);
    let pages = gather(urls.map(|url| move || fetch(&url))).await?;
    assert_eq!(
        pages,
        [format!("<html>{B}</html>"), format!("<html>{A}</html>")]
    );
    let failed = gather([A, MISSING].map(|url| move || fetch(url))).await;
    assert_eq!(failed, Err(MyError(MISSING.to_owned())));

    // A deadline: the caller gets `TimedOut` on time, but the call runs on; `finish`
    // waits for it (dropping the `TimedOut` instead would leave it running, detached).
    let limit = Duration::from_millis(200);
    match wait_for(|| fetch(SLOW), limit).await {
        Ok(page) => anyhow::bail!("{SLOW} came back within {limit:?}: {page:?}"),
        Err(timed_out) => {
            let page = timed_out.finish().await;
            assert_eq!(page, Some(Ok(format!("<html>{SLOW}</html>"))));
        }
    }
    // Within the deadline: the page (`??` passes on a timeout or a fetch error).
    let page = wait_for(|| fetch(B), limit).await??;
    assert_eq!(page, format!("<html>{B}</html>"));
    Ok(())
}
