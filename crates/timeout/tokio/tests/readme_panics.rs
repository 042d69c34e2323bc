//! The README's "Panics" snippet, compiled and run: each job catches its own panic and hands
//! it back as an error of the caller's, so the gather under a deadline treats it like any
//! other error.
//!
//! The snippet ends with `??`, which returns from the function around it, so it lives in a
//! caller's function (`fetch_all`) rather than in the test itself: the test can then look at
//! what that function returned.

use std::time::Duration;

use timeout_tokio::{TimedOut, gather};

/// The caller's own error: what `fetch` can fail with, a job that panicked, and the deadline.
#[derive(Debug, PartialEq)]
enum MyError {
    NotFound(String),
    Panicked(String),
    TimedOut,
}

/// The snippet's first `?` turns the deadline into the caller's error.
impl From<TimedOut> for MyError {
    fn from(TimedOut: TimedOut) -> Self {
        MyError::TimedOut
    }
}

/// A fetch that takes a second of tokio's (paused) clock. A URL ending in `/panic` hits a
/// bug (a panic), one ending in `/missing` is an ordinary failure, and any other one
/// gives its page.
async fn fetch(url: &str) -> Result<String, MyError> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The bug: an assertion that does not hold, which panics.
    assert!(!url.ends_with("/panic"), "a bug while fetching {url}");
    if url.ends_with("/missing") {
        return Err(MyError::NotFound(url.to_owned()));
    }
    Ok(format!("the page at {url}"))
}

/// The snippet as a caller writes it: every page, in input order, or the first error (a
/// caught panic included), or the deadline.
async fn fetch_all(
    urls: impl Iterator<Item = &'static str>,
    limit: Duration,
) -> Result<Vec<String>, MyError> {
    // ANCHOR: panics
    use futures::FutureExt as _; // catch_unwind
    use std::panic::AssertUnwindSafe;

    let jobs = urls.map(|url| async move {
        let caught = AssertUnwindSafe(fetch(url)).catch_unwind().await;
        caught.unwrap_or_else(|_panic| Err(MyError::Panicked(url.to_owned())))
    });
    let pages = gather(jobs, limit).await??;
    // ANCHOR_END: panics
    Ok(pages)
}

#[tokio::test(start_paused = true)]
async fn a_caught_panic_is_returned_like_an_error() {
    let limit = Duration::from_secs(3);

    // Without a panic, the wrapping changes nothing: every page, in input order.
    let urls = ["https://example.com/a", "https://example.com/b"];
    let expected = vec![
        "the page at https://example.com/a".to_owned(),
        "the page at https://example.com/b".to_owned(),
    ];
    assert_eq!(fetch_all(urls.into_iter(), limit).await, Ok(expected));

    // The panic comes back as the caller's error, naming its URL, and this test goes on: the
    // panic did not unwind through `gather` into the caller. It is the only error among the
    // jobs, so it is the one `gather` returns, whichever sibling it cancelled first.
    let urls = [
        "https://example.com/a",
        "https://example.com/panic",
        "https://example.com/c",
    ];
    let panicked = MyError::Panicked("https://example.com/panic".to_owned());
    assert_eq!(fetch_all(urls.into_iter(), limit).await, Err(panicked));

    // An ordinary failure takes the same way out, and a deadline the fetches cannot meet
    // (half a second, for a second's work) takes the first `?`.
    let urls = ["https://example.com/a", "https://example.com/missing"];
    let missing = MyError::NotFound("https://example.com/missing".to_owned());
    assert_eq!(fetch_all(urls.into_iter(), limit).await, Err(missing));
    let urls = ["https://example.com/a", "https://example.com/panic"];
    let short = Duration::from_millis(500);
    assert_eq!(
        fetch_all(urls.into_iter(), short).await,
        Err(MyError::TimedOut)
    );
}
