//! Copy it: `asyncio.TaskGroup` on tokio, in a program of its own. `scripts/copy-check.sh`
//! shows this file in the pattern's README, with `src/lib.rs`'s `copy` region as the
//! module file `src/task_group.rs`, and builds it with only these dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

use std::time::Duration;

// The pattern: `src/task_group.rs`, below.
use task_group_tokio::task_group;

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
    // Every fetch succeeds: the pages come back in spawn order, the slow one first.
    let urls = ["https://example.com/slow", "https://example.com/a"];
    let pages = task_group(urls.map(fetch))
        .await
        .map_err(|errors| anyhow::anyhow!("{} fetches failed", errors.len()))?;
    assert_eq!(pages[0], "<html>https://example.com/slow</html>");
    assert_eq!(pages[1], "<html>https://example.com/a</html>");

    // One fails: the group cancels the slow fetch, waits until it has stopped, and
    // returns the failures (here one), and no pages.
    let urls = ["https://example.com/slow", "https://example.com/missing"];
    let missing = MyError("https://example.com/missing".to_owned());
    assert_eq!(task_group(urls.map(fetch)).await, Err(vec![missing]));
    Ok(())
}
