//! Copy it: `asyncio.gather` on tokio, in a program of its own. `scripts/copy-check.sh`
//! shows this file in the pattern's README, with `src/lib.rs`'s `copy` region as the
//! module file `src/gather.rs`, and builds it with only these dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

// The pattern: `src/gather.rs`, below.
use gather_tokio::{gather, gather_return_exceptions};
use std::time::Duration;

/// Why a page could not be fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("cannot fetch {0}")]
struct MyError(String);

/// Stands in for a real download: `/slow` takes longer than the others, `/missing` fails.
async fn fetch(url: &str) -> Result<String, MyError> {
    let millis = if url.ends_with("/slow") { 50 } else { 10 };
    tokio::time::sleep(Duration::from_millis(millis)).await;
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // The slow page ends last, yet its result comes first: results are in input order.
    let urls = ["https://example.com/slow", "https://example.com/a"];
    let pages = gather(urls.map(fetch)).await?;
    assert_eq!(pages[0], "<html>https://example.com/slow</html>");
    assert_eq!(pages[1], "<html>https://example.com/a</html>");

    // One page fails: its error comes back, once the slow fetch has been cancelled.
    let urls = ["https://example.com/slow", "https://example.com/missing"];
    let missing = MyError("https://example.com/missing".to_owned());
    assert_eq!(gather(urls.map(fetch)).await, Err(missing));

    // `return_exceptions=True`: every fetch runs to its end, each result a value.
    let results = gather_return_exceptions(urls.map(fetch)).await;
    assert!(results[0].is_ok());
    assert!(results[1].is_err());
    Ok(())
}
