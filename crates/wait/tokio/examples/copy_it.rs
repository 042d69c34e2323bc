//! Copy it: `asyncio.wait` on tokio, in a program of its own. `scripts/copy-check.sh`
//! shows this file in the pattern's README, with `src/lib.rs`'s `copy` region as the
//! module file `src/wait.rs`, and builds it with only these dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time", "sync"] }
//! ```

use std::time::Duration;

// The pattern: `src/wait.rs`, below.
use wait_tokio::{ReturnWhen, cancel, spawn_all, wait};

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
    let urls = ["https://example.com/slow", "https://example.com/a"];
    let mut tasks = spawn_all(urls.map(fetch));

    // FIRST_COMPLETED: `/a` is done; `/slow` is pending, and still running.
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
    assert_eq!(pending, [0]);
    for (index, page) in done {
        println!("{} is done: {}", urls[index], page?);
    }
    // Waiting again, as Python may, for 20 ms at most: `/slow` is still pending.
    let timeout = Some(Duration::from_millis(20));
    let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, timeout).await;
    assert!(done.is_empty() && pending == [0]);
    // `wait` cancels nothing: cancel what is pending, and wait until it has stopped.
    assert!(cancel(tasks).await.is_empty());

    // FIRST_EXCEPTION: back as soon as a fetch fails, with its error.
    let urls = ["https://example.com/slow", "https://example.com/missing"];
    let mut tasks = spawn_all(urls.map(fetch));
    let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
    let missing = MyError(urls[1].to_owned());
    assert_eq!((done, pending), (vec![(1, Err(missing))], vec![0]));
    cancel(tasks).await;
    Ok(())
}
