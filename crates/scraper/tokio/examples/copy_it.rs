//! Copy it: the scraper on tokio, in a program of its own. `scripts/copy-check.sh`
//! shows this file in the pattern's README, with `src/lib.rs`'s `copy` region as the
//! module file `src/scraper.rs`, and builds it with only these dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! futures = "0.3"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! ```

// The pattern: `src/scraper.rs`, below.
use scraper_tokio::scrape;
use std::num::NonZeroUsize;
use std::time::Duration;

/// Why a page could not be fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
#[error("cannot fetch {0}")]
struct MyError(String);

/// Stands in for a real download: every page takes 20 ms, `/missing` fails.
async fn fetch(url: &str) -> Result<String, MyError> {
    tokio::time::sleep(Duration::from_millis(20)).await;
    if url.ends_with("/missing") {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let urls = [
        "https://example.com/a",
        "https://example.com/missing",
        "https://example.com/c",
    ];
    // At most two pages at once, under a deadline that leaves them all time to land. Each
    // page is shown the moment it lands, with its index in `urls`; a failure stops nothing.
    let limit = NonZeroUsize::new(2);
    let show = |page: usize, result: &Result<String, MyError>| match result {
        Ok(html) => println!("✓ {} ({} bytes)", urls[page], html.len()),
        Err(err) => println!("✗ {err}"),
    };
    let scrape = scrape(urls.map(fetch), Duration::from_secs(10), limit, show).await;
    assert!(scrape.timed_out.is_empty(), "every page beat the deadline");

    // The pages arrive in the order they end: sorted by index, each page has its result.
    let mut arrived = scrape.arrived;
    arrived.sort_by_key(|&(page, _)| page);
    let expected = [
        (0, Ok("<html>https://example.com/a</html>".to_owned())),
        (1, Err(MyError("https://example.com/missing".to_owned()))),
        (2, Ok("<html>https://example.com/c</html>".to_owned())),
    ];
    assert_eq!(arrived, expected);
    Ok(())
}
