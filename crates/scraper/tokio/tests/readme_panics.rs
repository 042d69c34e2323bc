//! The README's "Panics" snippet, compiled and run: each fetch catches its own panic, so
//! `scrape` hands the panic over in its place like an error and the scrape goes on.
//!
//! The lines between the `panics` anchors are the README's block, word for word (a test of
//! the book compares them); the `use` lines it needs are at the top of this file.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _; // catch_unwind
use scraper_tokio::scrape;

/// Why a page could not be fetched: the snippet's own error type.
#[derive(Debug, PartialEq)]
enum MyError {
    /// The server answered 404.
    NotFound(String),
    /// The fetch panicked: a bug, turned into an error by the caller.
    Panicked(String),
}

/// A stand-in for a real fetch: after a 100 ms "request" it panics for a URL ending in
/// `/panic`, fails for one ending in `/missing`, and returns a page for any other.
async fn fetch(url: &str) -> Result<String, MyError> {
    tokio::time::sleep(Duration::from_millis(100)).await;
    match url.rsplit('/').next() {
        Some("panic") => panic!("a bug in fetch({url})"),
        Some("missing") => Err(MyError::NotFound(url.to_owned())),
        _ => Ok(format!("<html>{url}</html>")),
    }
}

#[tokio::test(start_paused = true)]
async fn a_caught_panic_arrives_in_its_place_like_an_error() {
    let urls = [
        "https://example.com/a",
        "https://example.com/panic",
        "https://example.com/missing",
    ]
    .into_iter();

    // ANCHOR: panics
    let pages = urls.map(|url| async move {
        let caught = AssertUnwindSafe(fetch(url)).catch_unwind().await;
        caught.unwrap_or_else(|_panic| Err(MyError::Panicked(url.to_owned())))
    });
    // ANCHOR_END: panics

    // Every page arrives long before the deadline, the panicked one included, and the
    // scrape goes on after it: the panic did not unwind through `scrape` into this test,
    // nor cancel the other pages.
    let mut seen = 0;
    let mut scraped = scrape(pages, Duration::from_secs(10), None, |_, _| seen += 1).await;
    assert_eq!(seen, 3);
    assert_eq!(scraped.timed_out, []);

    // The three land at the same instant, so their order of arrival is not the point here.
    scraped.arrived.sort_by_key(|&(index, _)| index);
    assert_eq!(
        scraped.arrived,
        [
            (0, Ok("<html>https://example.com/a</html>".to_owned())),
            (
                1,
                Err(MyError::Panicked("https://example.com/panic".to_owned()))
            ),
            (
                2,
                Err(MyError::NotFound("https://example.com/missing".to_owned()))
            ),
        ]
    );
}
