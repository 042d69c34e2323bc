//! `task.cancel()` and cleanup on tokio: cancel a running job, let it clean up
//! asynchronously if it is asked nicely, and see what is lost when it is not.
//!
//! ```python
//! async def job():
//!     try:
//!         await asyncio.sleep(10)
//!     except asyncio.CancelledError:
//!         await asyncio.sleep(0.1)  # async cleanup: close the connection, flush...
//!         raise
//!     finally:
//!         print("finally")
//!
//! task = asyncio.create_task(job())
//! await asyncio.sleep(1)
//! task.cancel()
//! try:
//!     await task
//! except asyncio.CancelledError:
//!     print("cancelled")
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p cancel-cleanup-tokio
//! cargo run -p cancel-cleanup-tokio -- --scenario cleanup
//! cargo run -p cancel-cleanup-tokio -- --scenario abort
//! cargo run -p cancel-cleanup-tokio -- --scenario cleanup --delays 0.5
//! cargo run -p cancel-cleanup-tokio -- --json --scenario cleanup --cancel-after 0.2 --cleanup 0.3
//! ```
//!
//! What to notice:
//!
//! - Rust has no `CancelledError`: cancelling a future *drops* it where it waits, at an
//!   `.await`, and `Drop` cannot await. [`cancel`] gives a job no chance to run async code.
//! - An async cleanup needs the job's help: [`with_cleanup`] races the work against a stop
//!   signal (here a `CancellationToken`), and awaits the cleanup if the stop wins.
//!   `cleanup`: `cleanup-started`, `cleanup-finished` 0.1 s later, `finally`, `cancelled`.
//! - `abort`: the same job, cancelled with [`cancel`]: only its synchronous finally-step
//!   (a [`Finally`] guard) runs, never the async cleanup. `Time: 1.00s`, not 1.10 s.
//! - With `--delays 0.5` the job ends first: outcome `ok`, and the finally-step still runs.
//!   A job that ends at the very moment it is cancelled keeps its result:
//!   `abort` cannot take back the output of a task that has completed.

// ANCHOR: copy
use std::future::Future;

/// Python's `try: await work` / `except CancelledError: await cleanup; raise`: runs `work`
/// until `stop` is done, then drops it, awaits `cleanup` and returns `None`; or returns
/// `Some(output)` if the work ends first (it wins a tie), never starting `cleanup`. `stop`
/// is the caller's signal, e.g. `token.cancelled()` of a `tokio_util::sync::CancellationToken`.
///
/// # Panics
///
/// A panic of `work` or `cleanup` unwinds through this function; guards still run.
pub async fn with_cleanup<T>(
    work: impl Future<Output = T>,
    cleanup: impl Future<Output = ()>,
    stop: impl Future,
) -> Option<T> {
    // Cancellation can only happen at an `.await`: work that computes for 10 s without
    // one notices the stop only when it is done. `select!` drops both futures
    // before it returns, so the work is gone before the cleanup starts.
    let output = tokio::select! {
        biased;
        output = work => Some(output),
        _ = stop => None,
    };
    if output.is_none() {
        // We are still running: unlike a `Drop`, we can await the cleanup.
        cleanup.await;
    }
    output
}

/// Python's `finally:`, as a drop guard: runs `step` when dropped, however the future that
/// holds it is left (it returned, it panicked, or it was dropped by a cancellation). Keep
/// it as `let _finally = Finally::new(...)`: `let _ = ...` would drop it at once.
/// `Drop` cannot await, so the step is synchronous: release, log, set a flag, `try_send`.
#[must_use = "the step runs when the guard is dropped"]
pub struct Finally<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> Finally<F> {
    /// A guard that runs `step` when it is dropped.
    pub fn new(step: F) -> Self {
        Finally(Some(step))
    }
}

impl<F: FnOnce()> Drop for Finally<F> {
    fn drop(&mut self) {
        if let Some(step) = self.0.take() {
            step();
        }
    }
}

/// `task.cancel()`, then `await task`: spawns `work`, cancels it once `when` is done (say
/// a sleep: Python's `await asyncio.sleep(1)`), and waits until it has stopped. Returns
/// `None` if it was cancelled, or `Some(output)` if it had ended first.
///
/// # Panics
///
/// If `work` panicked, its panic is raised again here, once its task has stopped.
pub async fn cancel<F, T>(work: F, when: impl Future) -> Option<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let task = tokio::spawn(work);
    when.await;

    // `abort` only asks: the task stops the next time it is polled, at the `.await` it is
    // waiting on, by being dropped. Awaiting the handle waits until that has happened.
    task.abort();
    match task.await {
        // The work ended before the abort could stop it, even on another thread at that
        // very moment: `abort` cannot take a result back (tokio keeps the output of a
        // poll that completed, whatever `abort` asked meanwhile).
        Ok(output) => Some(output),
        Err(err) if err.is_cancelled() => None,
        // The other `JoinError`: the work panicked, and tokio caught the panic.
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
}
// ANCHOR_END: copy
