//! `task.cancel()` and cleanup on async-std: cancel a running job, let it clean up
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
//! cargo run -p cancel-cleanup-async-std
//! cargo run -p cancel-cleanup-async-std -- --scenario cleanup
//! cargo run -p cancel-cleanup-async-std -- --scenario abort
//! cargo run -p cancel-cleanup-async-std -- --scenario cleanup --delays 0.5
//! cargo run -p cancel-cleanup-async-std -- --json --scenario cleanup --cancel-after 0.2 --cleanup 0.3
//! ```
//!
//! What to notice:
//!
//! - Rust has no `CancelledError`. Cancelling a future means *dropping* it where it waits,
//!   at an `.await`, and `Drop` cannot await: an aborted job gets no chance to run async
//!   code. `cancel`: A starts and ends `cancelled` after 1 s; the caller learns it from
//!   `cancel().await`, which returns `None` once the task has stopped.
//! - `cleanup`: the job is *asked* to stop (a channel is closed), notices it because it
//!   races the channel against its work, and cleans up asynchronously before it returns:
//!   `cleanup-started`, `cleanup-finished` 0.1 s later, `finally`, `cancelled`.
//!   `Time: 1.10s`.
//! - `abort`: the same job, cancelled with `cancel().await`: only its synchronous
//!   finally-step (a `Drop` guard) runs; the async cleanup never does. `Time: 1.00s`.
//! - With `--delays 0.5` the job finishes before anyone cancels it: outcome `ok`, and the
//!   finally-step still runs.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use async_std::channel::{self, Receiver};
use async_std::task::{self, sleep};
use futures::FutureExt as _;
use futures::future::{Either, select};
use shared::{Ending, EventKind, EventLog, Job, JobError};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::time::Duration;

/// What a job we cancelled gave back: `None` if it was cancelled, else what it returned
/// (it had ended before the cancellation took effect), as `cancel().await` says.
pub type Cancelled = Option<Result<String, JobError>>;

/// `task.cancel()` on a plain job: spawn it, and cancel it after `after`.
pub async fn cancel(job: Job, after: Duration) -> Cancelled {
    let id = job.id();
    let task = task::spawn(job.run(sleep));
    sleep(after).await;

    // `cancel().await` drops the job's future at the `.await` it is waiting on, and
    // returns once it has: `None`, or the job's output if it had ended first. A job that
    // panicked raises its panic again here: catch it.
    AssertUnwindSafe(task.cancel())
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// The Python tutorial's cleanup, the Rust way: ask the job to stop (cooperative
/// cancellation), and wait while it cleans up and returns.
pub async fn cleanup(job: Job, after: Duration, cleanup: Duration) -> Cancelled {
    let id = job.id();
    let (stop, stopped) = channel::bounded::<()>(1);
    let task = task::spawn(job_with_cleanup(job, stopped, cleanup));
    sleep(after).await;

    // Nothing is dropped here: closing the channel only tells the job, which decides what
    // to do. A real service would bound the wait with a timeout, and cancel a job that
    // takes too long to clean up.
    stop.close();
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// The same job as in [`cleanup`], cancelled instead of asked: its future is dropped at
/// the `.await` it waits on, so only the synchronous finally-step runs.
pub async fn abort(job: Job, after: Duration, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Nobody ever closes this channel (we keep `_stop` alive): the job will not be asked.
    let (_stop, stopped) = channel::bounded::<()>(1);
    let task = task::spawn(job_with_cleanup(job, stopped, cleanup));
    sleep(after).await;

    match AssertUnwindSafe(task.cancel()).catch_unwind().await {
        // `None`: cancelled; or what the job returned, if it had ended first.
        Ok(output) => output.flatten(),
        // The job had panicked, and `cancel().await` raised its panic again here.
        Err(_panic) => Some(Err(JobError::Panicked(id))),
    }
}

/// The job with a cleanup: it works for its delay unless `stop` is closed (or sent to)
/// first; then it cleans up for `cleanup` (asynchronously: it can await) and returns
/// `None`. However it ends, even when its future is dropped, its finally-step runs.
///
/// # Panics
///
/// When the job was made with [`Ending::Panic`] (`--panic`): that is the point of it.
pub async fn job_with_cleanup(job: Job, stop: Receiver<()>, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Rust's `finally:` is a value whose `Drop` does the step: it runs however this
    // function is left, by returning, by a panic, or by its future being dropped.
    let mut finally = Finally::new(id, job.log());
    job.log().record(id, EventKind::Started);

    // Work, unless asked to stop: `select` polls both and returns the first to finish
    // (a message or the closed channel both mean "stop"); the loser is dropped with it.
    // Cancellation can only happen at an `.await`: a job that computed for 10 s without
    // one would notice neither the channel nor `cancel()` until it was done.
    match select(pin!(sleep(job.delay())), pin!(stop.recv())).await {
        Either::Left(_) => {}
        Either::Right(_) => {
            // We are still running, so unlike in a `Drop`, we can await our cleanup.
            job.log().record(id, EventKind::CleanupStarted);
            sleep(cleanup).await;
            job.log().record(id, EventKind::CleanupFinished);
            // Returning without an ending of our own: `finally` records the
            // finally-step, then `cancelled`.
            return None;
        }
    }
    match job.ending() {
        Ending::Succeed => {
            finally.end(EventKind::Finished);
            Some(Ok(format!("job {id} result")))
        }
        Ending::Fail => {
            finally.end(EventKind::Failed);
            Some(Err(JobError::Failed(id)))
        }
        // `finally` records `panicked`, then the finally-step, as the panic unwinds.
        Ending::Panic => panic!("job {id} panicked"),
    }
}

/// The job's finally-step, as a drop guard. `Drop` cannot await, so the step must be
/// synchronous: release a lock, log, set a flag, send on a channel that never blocks.
struct Finally<'a> {
    id: usize,
    log: &'a EventLog,
    ended: bool,
}

impl<'a> Finally<'a> {
    fn new(id: usize, log: &'a EventLog) -> Self {
        Finally {
            id,
            log,
            ended: false,
        }
    }

    /// Records how the job ended by itself (`finished` or `failed`).
    fn end(&mut self, event: EventKind) {
        self.ended = true;
        self.log.record(self.id, event);
    }
}

impl Drop for Finally<'_> {
    fn drop(&mut self) {
        // A panic is the job's own ending, like `failed`: it comes before the finally-step.
        let panicking = std::thread::panicking();
        if panicking && !self.ended {
            self.log.record(self.id, EventKind::Panicked);
        }
        self.log.record(self.id, EventKind::Finally);
        // Left with no ending of its own: the job was cancelled, by an abort (its future
        // dropped) or by a stop it obeyed. As with Python's `CancelledError`, that is
        // the last thing that happens to it.
        if !panicking && !self.ended {
            self.log.record(self.id, EventKind::Cancelled);
        }
    }
}
