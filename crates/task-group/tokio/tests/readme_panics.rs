//! The README's "Panics" snippet, compiled and run: each job catches its own panic and hands
//! it back as an error of the caller's, so the group counts it among its failures.

use std::time::Duration;

use task_group_tokio::task_group;

/// The caller's own error: what `fetch` can fail with, and a job that panicked.
#[derive(Debug, PartialEq)]
enum MyError {
    NotFound(String),
    Panicked(String),
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

// The README's block opens with its `use` lines, and needs `urls` before them.
#[allow(clippy::items_after_statements)]
#[tokio::test(start_paused = true)]
async fn a_caught_panic_is_one_of_the_groups_errors() {
    let urls = [
        "https://example.com/a",
        "https://example.com/panic",
        "https://example.com/c",
    ];

    // ANCHOR: panics
    use futures::FutureExt as _; // catch_unwind
    use std::panic::AssertUnwindSafe;

    let jobs = urls.map(|url| async move {
        let caught = AssertUnwindSafe(fetch(url)).catch_unwind().await;
        caught.unwrap_or_else(|_panic| Err(MyError::Panicked(url.to_owned())))
    });
    let pages = task_group(jobs).await;
    // ANCHOR_END: panics

    // The panic comes back as the group's only error, naming its URL, and this test goes on:
    // the panic did not unwind through the group into the caller. The other pages are
    // dropped, as a failed `TaskGroup` drops them; whether those jobs had ended or were
    // cancelled does not change the answer, since neither of them can fail.
    let panicked = MyError::Panicked("https://example.com/panic".to_owned());
    assert_eq!(pages, Err(vec![panicked]));
}
