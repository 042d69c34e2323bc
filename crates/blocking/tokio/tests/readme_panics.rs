//! The README's "Panics" snippet, compiled and run: blocking works that catch their own
//! panic, so that it comes back from `gather` as an error, instead of being raised again in
//! the caller.
//!
//! The book takes the snippet from the region between the `ANCHOR` lines below, and a test
//! checks that the README's block says the same, so what the README shows is what runs here.
//! The snippet ends with `?`, which needs a function that returns a `Result`: it is the body
//! of `fetch_all`, which the test calls.

use std::sync::atomic::{AtomicUsize, Ordering};

use blocking_tokio::gather;

/// How many fetches were made, the panicking one included: a panic stops no other work.
static FETCHED: AtomicUsize = AtomicUsize::new(0);

/// Why a page could not be fetched.
#[derive(Debug, PartialEq)]
enum MyError {
    /// The page is not there.
    NotFound(String),
    /// Fetching the page panicked: a bug, caught around the work.
    Panicked(String),
}

/// Stands in for a synchronous HTTP client, which holds its thread until the page is
/// there; a URL ending in `/missing` fails, one ending in `/panic` hits a bug.
fn fetch(url: &str) -> Result<String, MyError> {
    FETCHED.fetch_add(1, Ordering::SeqCst);
    assert!(!url.ends_with("/panic"), "a bug while fetching {url}");
    if url.ends_with("/missing") {
        return Err(MyError::NotFound(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

/// Fetches every URL, each on a thread of the blocking pool: every page in input order, or
/// the first failure, a panic caught as `MyError::Panicked`.
async fn fetch_all(urls: [String; 3]) -> Result<Vec<String>, MyError> {
    // ANCHOR: panics
    use std::panic::{AssertUnwindSafe, catch_unwind};

    let works = urls.map(|url| {
        move || {
            catch_unwind(AssertUnwindSafe(|| fetch(&url)))
                .unwrap_or_else(|_panic| Err(MyError::Panicked(url.clone())))
        }
    });
    let pages = gather(works).await?;
    // ANCHOR_END: panics
    Ok(pages)
}

#[tokio::test]
async fn a_panicking_work_comes_back_as_an_error() {
    let urls = ["a", "panic", "b"].map(|path| format!("https://example.com/{path}"));
    let panicking = urls[1].clone();

    // The panic was not raised again here: it is the answer, as an error, and the other
    // works ran all the same.
    let answer = fetch_all(urls).await;
    assert_eq!(answer, Err(MyError::Panicked(panicking)));
    assert_eq!(FETCHED.load(Ordering::SeqCst), 3);

    // An error comes back the same way.
    let urls = ["a", "missing", "b"].map(|path| format!("https://example.com/{path}"));
    let missing = urls[1].clone();
    assert_eq!(fetch_all(urls).await, Err(MyError::NotFound(missing)));

    // Without a failure, the pages, in input order.
    let urls = ["a", "b", "c"].map(|path| format!("https://example.com/{path}"));
    let expected: Vec<_> = urls
        .iter()
        .map(|url| format!("<html>{url}</html>"))
        .collect();
    assert_eq!(fetch_all(urls).await, Ok(expected));
}
