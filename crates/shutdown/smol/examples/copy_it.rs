//! Copy it: Ctrl-C and graceful shutdown on smol, in a program of its own.
//! `scripts/copy-check.sh` shows this file in the pattern's README, with `src/lib.rs`'s
//! `copy` region as the module file `src/shutdown.rs`, and builds it with only these
//! dependencies:
//!
//! ```toml
//! [dependencies]
//! anyhow = "1"
//! async-signal = "0.2"
//! futures = "0.3"
//! rustix = { version = "1", features = ["process"] }
//! smol = "2"
//! thiserror = "2"
//! ```

use smol::Timer;
use smol::channel::Receiver;
use smol::future;
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

// The pattern: `src/shutdown.rs`, below.
use shutdown_smol::{Signal, Stopped, run_until_signal, shutdown_signal};

const A: &str = "https://example.com/a";
const B: &str = "https://example.com/b";
const MISSING: &str = "https://example.com/missing";

#[derive(Debug, thiserror::Error)]
#[error("no page at {0}")]
struct MyError(String);

/// Fetches a page: 10 ms each; `MISSING` fails at once.
async fn fetch(url: &str) -> Result<String, MyError> {
    if url == MISSING {
        return Err(MyError(url.to_owned()));
    }
    Timer::after(Duration::from_millis(10)).await;
    Ok(format!("<html>{url}</html>"))
}

/// A worker: fetches `url` again and again (a poller, a feed reader, a queue consumer)
/// until `stop` is closed; then saves how far it got, which takes `save`, and returns
/// `None`. A page it cannot fetch ends it with that error. It sends what it saved on
/// `progress`.
async fn poll(
    url: &'static str,
    save: Duration,
    stop: Receiver<()>,
    progress: Sender<String>,
) -> Option<Result<usize, MyError>> {
    let mut pages = 0;
    loop {
        // The fetch first (`or` polls it first): one that is already done counts. A fetch
        // still under way when the stop comes is dropped where it waits.
        let fetched = async { Some(fetch(url).await) };
        let stopped = async {
            let _ = stop.recv().await;
            None
        };
        match future::or(fetched, stopped).await {
            Some(Ok(_page)) => pages += 1,
            Some(Err(err)) => return Some(Err(err)),
            None => break,
        }
    }
    // Python's `except CancelledError:`, but asked, not thrown: an async cleanup.
    Timer::after(save).await;
    let _ = progress.send(format!("{url}: {pages} pages"));
    None
}

fn main() -> anyhow::Result<()> {
    smol::block_on(async {
        // From here on, SIGINT and SIGTERM are ours: they no longer kill the process.
        let signal = shutdown_signal()?;
        // Stands in for the user's Ctrl-C: a real SIGINT to this very process, 50 ms from
        // now.
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            let me = rustix::process::getpid();
            let _ = rustix::process::kill_process(me, rustix::process::Signal::INT);
        });

        // Three workers: A saves in 10 ms, B's save hangs for an hour, and MISSING fails.
        let (progress, saved) = mpsc::channel();
        let workers = [(A, 10), (B, 3_600_000), (MISSING, 10)].map(|(url, save_ms)| {
            let progress = progress.clone();
            move |stop| poll(url, Duration::from_millis(save_ms), stop, progress)
        });
        // Until the signal; then every worker has a second to save, after which it is
        // dropped.
        let grace = Some(Duration::from_secs(1));
        let stopped = run_until_signal(workers, signal, grace).await;

        let Stopped {
            signal,
            finished,
            interrupted,
            abandoned,
        } = stopped;
        assert_eq!(signal, Some(Signal::Interrupt));
        // MISSING's failure ended its worker alone; A stopped and saved; B was abandoned.
        assert!(matches!(&finished[..], [(2, Err(MyError(url)))] if url == MISSING));
        assert_eq!(interrupted, [0]);
        assert_eq!(abandoned, [1]);
        let saved: Vec<String> = saved.try_iter().collect();
        assert!(matches!(&saved[..], [a] if a.starts_with(A)), "{saved:?}");

        // A real program now exits with the signal's status, as a shell expects of one that
        // Ctrl-C stopped: `std::process::ExitCode::from(code)`. This one returns 0: it ran
        // as planned.
        let code = signal.map_or(0, Signal::exit_code);
        assert_eq!(code, 130);
        Ok(())
    })
}
