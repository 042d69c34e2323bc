//! Copy it: `asyncio.as_completed` on tokio, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/as_completed.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

// The pattern: `src/as_completed.rs`, below.
use as_completed_tokio::as_completed;
use std::time::Duration;

/// Why a page could not be fetched.
#[derive(Debug, thiserror::Error)]
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
    let urls = [
        "https://example.com/slow",
        "https://example.com/a",
        "https://example.com/missing",
    ];

    // Each page is handled the moment it arrives, fastest first; an error in its place.
    let total = urls.len();
    let mut places = Vec::new();
    let mut received = as_completed(urls.map(fetch), async |k, (index, page)| {
        match page {
            Ok(html) => println!("[{k}/{total}] {}: {} bytes", urls[*index], html.len()),
            Err(err) => println!("[{k}/{total}] error: {err}"),
        }
        places.push(k);
    })
    .await;
    assert_eq!(places, [1, 2, 3]);

    // Every page came back once, with its index in `urls`; only the missing one failed.
    received.sort_by_key(|(index, _)| *index);
    let [(0, Ok(slow)), (1, Ok(a)), (2, Err(missing))] = received.as_slice() else {
        anyhow::bail!("not the pages expected: {received:?}");
    };
    assert_eq!(slow, "<html>https://example.com/slow</html>");
    assert_eq!(a, "<html>https://example.com/a</html>");
    assert_eq!(missing.0, "https://example.com/missing");
    Ok(())
}
