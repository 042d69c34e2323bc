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
//! - Rust has no `CancelledError`. Cancelling a future means *dropping* it where it waits,
//!   at an `.await`, and `Drop` cannot await: an aborted job gets no chance to run async
//!   code. `cancel`: A starts and ends `cancelled` after 1 s; the caller learns it from
//!   `JoinError::is_cancelled`.
//! - `cleanup`: the job is *asked* to stop (a `CancellationToken`), notices it in a
//!   `select!`, and cleans up asynchronously before it returns: `cleanup-started`,
//!   `cleanup-finished` 0.1 s later, `finally`, `cancelled`. `Time: 1.10s`.
//! - `abort`: the same job, aborted: only its synchronous finally-step (a `Drop` guard)
//!   runs; the async cleanup never does. `Time: 1.00s`.
//! - With `--delays 0.5` the job finishes before anyone cancels it: outcome `ok`, and the
//!   finally-step still runs.
//! - A job that ends at the very moment it is aborted keeps its result: `abort` cannot
//!   take back the output of a task that has completed.

use shared::{Ending, EventKind, EventLog, Job, JobError};
use std::future::Future;
use std::time::Duration;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// What a job we cancelled gave back: `None` if it was cancelled, else what it returned
/// (it had ended before the cancellation took effect). It is the `Option` that async-std's
/// and smol's `cancel().await` return.
pub type Cancelled = Option<Result<String, JobError>>;

/// `task.cancel()` on a plain job: spawn it, abort it once `when` is done (the command
/// line's `sleep(--cancel-after)`: Python's `await asyncio.sleep(1)`), and await its
/// handle to learn how it ended.
pub async fn cancel(job: Job, when: impl Future) -> Cancelled {
    let id = job.id();
    let task = tokio::spawn(job.run(sleep));
    when.await;

    // `abort` only asks: the task stops the next time it is polled, at the `.await` it is
    // waiting on, by being dropped. Awaiting the handle waits until that has happened.
    task.abort();
    match task.await {
        // The job ended before the abort could stop it, even on another thread at that
        // very moment: `abort` cannot take a result back (tokio keeps the output of a
        // poll that completed, whatever `abort` asked meanwhile).
        Ok(result) => Some(result),
        Err(err) if err.is_cancelled() => None,
        // The other `JoinError`: the job panicked (tokio caught the panic).
        Err(_) => Some(Err(JobError::Panicked(id))),
    }
}

/// The Python tutorial's cleanup, the Rust way: ask the job to stop (cooperative
/// cancellation) once `when` is done, and wait while it cleans up and returns.
pub async fn cleanup(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    let id = job.id();
    let stop = CancellationToken::new();
    let task = tokio::spawn(job_with_cleanup(job, stop.clone(), cleanup));
    when.await;

    // Nothing is dropped here: the token only tells the job, which decides what to do.
    // A real service would bound the wait with a timeout, and abort a job that takes
    // too long to clean up.
    stop.cancel();
    task.await.unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// The same job as in [`cleanup`], aborted instead of asked: its future is dropped at the
/// `.await` it waits on, so only the synchronous finally-step runs.
pub async fn abort(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Nobody ever cancels this token: the job will not be asked.
    let task = tokio::spawn(job_with_cleanup(job, CancellationToken::new(), cleanup));
    when.await;

    task.abort();
    match task.await {
        // `None` if it obeyed a stop (it never does here), or what it returned, if it had
        // ended first (see `cancel`).
        Ok(result) => result,
        Err(err) if err.is_cancelled() => None,
        Err(_) => Some(Err(JobError::Panicked(id))),
    }
}

/// The job with a cleanup: it works for its delay unless `stop` is cancelled first; then
/// it cleans up for `cleanup` (asynchronously: it can await) and returns `None`. However
/// it ends, even when its future is dropped, its finally-step runs.
///
/// # Panics
///
/// When the job was made with [`Ending::Panic`] (`--panic`): that is the point of it.
pub async fn job_with_cleanup(job: Job, stop: CancellationToken, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Rust's `finally:` is a value whose `Drop` does the step: it runs however this
    // function is left, by returning, by a panic, or by its future being dropped.
    let mut finally = Finally::new(id, job.log());
    job.log().record(id, EventKind::Started);

    // Work, unless asked to stop. `select!` polls both and drops the loser: here, the
    // sleep. Cancellation can only happen at an `.await`: a job that computed for 10 s
    // without one would notice neither the token nor an abort until it was done.
    tokio::select! {
        () = sleep(job.delay()) => {}
        () = stop.cancelled() => {
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
