//! Copy it: `asyncio.create_task`, then `await` each task, on tokio, in a program of its
//! own. `scripts/copy-check.sh` shows this file in the pattern's README, with
//! `src/lib.rs`'s `copy` region as the module file `src/manual_await.rs`, and builds it
//! with only these dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

// The pattern: `src/manual_await.rs`, below.
use manual_await_tokio::{Stopped, spawn_and_await};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("could not fetch {0}")]
struct MyError(String);

async fn fetch(url: &str) -> Result<String, MyError> {
    // A page takes 20 ms, the slow one an hour; the missing one fails.
    let slow = url.ends_with("/slow");
    tokio::time::sleep(Duration::from_millis(if slow { 3_600_000 } else { 20 })).await;
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let urls = [
        "https://example.com/a",
        "https://example.com/b",
        "https://example.com/missing",
        "https://example.com/slow",
    ];
    // Every fetch starts now; main then awaits each in turn, and stops at the first error.
    let awaited = spawn_and_await(urls.map(fetch)).await;
    assert_eq!(awaited.results.len(), 2, "a and b, in spawn order");
    assert!(awaited.results[1].contains("example.com/b"));
    let Some((index, err)) = awaited.error else {
        anyhow::bail!("the missing page did not fail");
    };
    assert_eq!(index, 2);
    println!("{}: {err}", urls[index]);
    // The slow page was still loading: main cancelled it, and waited until it had stopped.
    for (index, stopped) in &awaited.stopped {
        match stopped {
            Stopped::Cancelled => println!("{}: cancelled", urls[*index]),
            Stopped::Ended(result) => anyhow::bail!("{} ended: {result:?}", urls[*index]),
        }
    }
    assert_eq!(awaited.stopped.len(), 1);
    Ok(())
}
