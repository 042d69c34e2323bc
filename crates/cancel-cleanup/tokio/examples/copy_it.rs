//! Copy it: `task.cancel()` and cleanup on tokio, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/cancel_cleanup.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! thiserror = "2"
//! tokio = { version = "1", features = ["rt-multi-thread", "macros", "time"] }
//! tokio-util = "0.7"
//! ```

// The pattern: `src/cancel_cleanup.rs`, below.
use cancel_cleanup_tokio::{Finally, cancel, with_cleanup};
use std::future::{Future, pending};
use std::sync::mpsc::{self, Sender};
use std::time::Duration;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
#[error("no page at {0}")]
struct MyError(String);

const SLOW: &str = "https://example.com/slow";
const MISSING: &str = "https://example.com/missing";

/// Fetches a page: `SLOW` takes an hour, `MISSING` fails after 10 ms.
async fn fetch(url: &str) -> Result<String, MyError> {
    let ms = if url == SLOW { 3_600_000 } else { 10 };
    sleep(Duration::from_millis(ms)).await;
    if url == MISSING {
        return Err(MyError(url.to_owned()));
    }
    Ok(format!("<html>{url}</html>"))
}

/// `fetch`, with Python's `except CancelledError:` (an async cleanup, when `stop` comes
/// first) and `finally:`. Each step sends its name on `steps`.
async fn fetch_with_cleanup(
    url: &str,
    stop: impl Future,
    steps: Sender<&str>,
) -> Option<Result<String, MyError>> {
    let _finally = Finally::new(|| {
        let _ = steps.send("finally");
    });
    let cleanup = async {
        sleep(Duration::from_millis(10)).await;
        let _ = steps.send("cleanup");
    };
    with_cleanup(fetch(url), cleanup, stop).await
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (steps, done) = mpsc::channel();
    let taken = || done.try_iter().collect::<Vec<_>>();

    // Asked to stop, the fetch cleans up, then runs its finally-step.
    let stop = CancellationToken::new();
    let stopped = stop.clone().cancelled_owned();
    let task = tokio::spawn(fetch_with_cleanup(SLOW, stopped, steps.clone()));
    sleep(Duration::from_millis(20)).await;
    stop.cancel();
    assert!(task.await?.is_none(), "it was stopped");
    assert_eq!(taken(), ["cleanup", "finally"]);

    // Cancelled by dropping it, it cannot await: only the finally-step runs.
    let job = fetch_with_cleanup(SLOW, pending::<()>(), steps.clone());
    let page = cancel(job, sleep(Duration::from_millis(20))).await;
    assert!(page.is_none(), "it was cancelled");
    assert_eq!(taken(), ["finally"]);

    // Never asked to stop, the fetch ends by itself: its error comes back.
    let page = fetch_with_cleanup(MISSING, pending::<()>(), steps).await;
    assert!(matches!(page, Some(Err(MyError(url))) if url == MISSING));
    assert_eq!(taken(), ["finally"]);
    Ok(())
}
