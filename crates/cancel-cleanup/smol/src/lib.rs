//! `task.cancel()` and cleanup on smol: cancel a running job, let it clean up
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
//! cargo run -p cancel-cleanup-smol
//! cargo run -p cancel-cleanup-smol -- --scenario cleanup
//! cargo run -p cancel-cleanup-smol -- --scenario abort
//! cargo run -p cancel-cleanup-smol -- --scenario cleanup --delays 0.5
//! cargo run -p cancel-cleanup-smol -- --json --scenario cleanup --cancel-after 0.2 --cleanup 0.3
//! ```
//!
//! What to notice:
//!
//! - Rust has no `CancelledError`: cancelling a future *drops* it where it waits, at an
//!   `.await`, and `Drop` cannot await. [`cancel`] gives a job no chance to run async code.
//! - An async cleanup needs the job's help: [`with_cleanup`] races the work against a stop
//!   signal (here a channel that is closed), and awaits the cleanup if the stop wins.
//!   `cleanup`: `cleanup-started`, `cleanup-finished` 0.1 s later, `finally`, `cancelled`.
//! - `abort`: the same job, cancelled with [`cancel`]: only its synchronous finally-step
//!   (a [`Finally`] guard) runs, never the async cleanup. `Time: 1.00s`, not 1.10 s.
//! - With `--delays 0.5` the job ends first: outcome `ok`, and the finally-step still runs.
//!   A job that ends at the very moment it is cancelled keeps its result:
//!   the task hands it over itself, as `cancel().await` can drop it.

// ANCHOR: copy
use smol::channel;
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::future::FutureExt as _;
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// Python's `try: await work` / `except CancelledError: await cleanup; raise`: runs `work`
/// until `stop` is done, then drops it, awaits `cleanup` and returns `None`; or returns
/// `Some(output)` if the work ends first (it wins a tie), never starting `cleanup`. `stop`
/// is the caller's signal, e.g. `stopped.recv()` of a channel that the caller closes.
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
    // one notices the stop only when it is done. `or` polls the work first, then
    // the stop, and is dropped with both once it returns: the work is gone before the
    // cleanup starts.
    let work = async { Some(work.await) };
    let stopped = async {
        stop.await;
        None
    };
    let output = work.or(stopped).await;
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
    // The task hands its work's output over itself, in the poll in which the work ends (a
    // panic is caught there too, and raised again below: nothing sees what it left
    // half-done, so asserting unwind safety is sound).
    let (handed, output) = channel::bounded(1);
    let task = smol::spawn(async move {
        let ended = AssertUnwindSafe(work).catch_unwind().await;
        // The channel has room for this one message, and nobody else sends on it.
        let _ = handed.try_send(ended);
    });
    when.await;

    // `cancel().await` drops the work's future at the `.await` it is waiting on, and
    // returns once it has. What it returns can miss work that ended, on another thread,
    // at that very moment: async-task (which runs smol's tasks) drops the output of a task
    // that completes after `cancel()` has marked it closed. What was handed over stays ours.
    task.cancel().await;
    match output.try_recv().ok()? {
        Ok(output) => Some(output),
        // The work panicked: raise its panic again here, now that its task has stopped.
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
// ANCHOR_END: copy
