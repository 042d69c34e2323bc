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
//! - Rust has no `CancelledError`. Cancelling a future means *dropping* it where it waits,
//!   at an `.await`, and `Drop` cannot await: an aborted job gets no chance to run async
//!   code. `cancel`: A starts and ends `cancelled` after 1 s; `cancel().await` returns
//!   once the task has stopped, and the job has handed over no result.
//! - `cleanup`: the job is *asked* to stop (a channel is closed), notices it because it
//!   races the channel against its work, and cleans up asynchronously before it returns:
//!   `cleanup-started`, `cleanup-finished` 0.1 s later, `finally`, `cancelled`.
//!   `Time: 1.10s`.
//! - `abort`: the same job, cancelled with `cancel().await`: only its synchronous
//!   finally-step (a `Drop` guard) runs; the async cleanup never does. `Time: 1.00s`.
//! - With `--delays 0.5` the job finishes before anyone cancels it: outcome `ok`, and the
//!   finally-step still runs.
//! - A job that ends at the very moment it is cancelled keeps its result: the task hands
//!   it over itself, since `cancel().await` can drop it (see `spawn_handing_over`).

use shared::{Ending, EventKind, EventLog, Job, JobError};
use smol::channel::{self, Receiver};
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::future::FutureExt as _;
use smol::{Task, Timer};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// What a job we cancelled gave back: `None` if it was cancelled, else what it returned
/// (it had ended before the cancellation took effect), as `cancel().await` says.
pub type Cancelled = Option<Result<String, JobError>>;

/// `task.cancel()` on a plain job: spawn it, and cancel it once `when` is done (the
/// command line's `sleep(--cancel-after)`: Python's `await asyncio.sleep(1)`).
pub async fn cancel(job: Job, when: impl Future) -> Cancelled {
    let id = job.id();
    let (task, output) = spawn_handing_over(job.run(Timer::after));
    when.await;

    // `cancel().await` drops the job's future at the `.await` it is waiting on, and
    // returns once it has. What it returns (`None`, or the job's output if it had ended
    // first) can miss a job that ended at that very moment: take the output from where the
    // task handed it over instead (see `spawn_handing_over`).
    task.cancel().await;
    let ended = output.try_recv().ok()?;
    // A job that panicked: its panic, caught in the task, is its error.
    Some(ended.unwrap_or(Err(JobError::Panicked(id))))
}

/// The Python tutorial's cleanup, the Rust way: ask the job to stop (cooperative
/// cancellation) once `when` is done, and wait while it cleans up and returns.
pub async fn cleanup(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    let id = job.id();
    let (stop, stopped) = channel::bounded::<()>(1);
    let task = smol::spawn(job_with_cleanup(job, stopped, cleanup));
    when.await;

    // Nothing is dropped here: closing the channel only tells the job, which decides what
    // to do. A real service would bound the wait with a timeout, and cancel a job that
    // takes too long to clean up.
    stop.close();
    // Nothing cancels the task: it returns by itself, and awaiting it gives what it
    // returned, or raises its panic again here: catch it. (Dropping the `Task` instead
    // would cancel it.)
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// The same job as in [`cleanup`], cancelled instead of asked: its future is dropped at
/// the `.await` it waits on, so only the synchronous finally-step runs.
pub async fn abort(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Nobody ever closes this channel (we keep `_stop` alive): the job will not be asked.
    let (_stop, stopped) = channel::bounded::<()>(1);
    let (task, output) = spawn_handing_over(job_with_cleanup(job, stopped, cleanup));
    when.await;

    task.cancel().await;
    // `None`: cancelled; or what the job returned, if it had ended first (see `cancel`).
    let ended = output.try_recv().ok()?;
    ended.unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// Spawns `work` as a task that hands its output over itself, from inside the task, in
/// the poll in which `work` ends (a panic is caught there too, and handed over as `Err`).
///
/// Why not take the output from `cancel().await`: a job can end on another thread at the
/// very moment it is cancelled, and async-task (which runs smol's tasks) drops the
/// output of a task that completes after `cancel()` has marked it closed: `cancel().await`
/// then says `None`, as if the job had been cancelled. What was handed over stays ours.
fn spawn_handing_over<F>(work: F) -> (Task<()>, Receiver<std::thread::Result<F::Output>>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (handed, output) = channel::bounded(1);
    let task = smol::spawn(async move {
        let ended = AssertUnwindSafe(work).catch_unwind().await;
        // The channel has room for this one message, and nobody else sends on it.
        let _ = handed.try_send(ended);
    });
    (task, output)
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

    // Work, unless asked to stop: `or` polls both and returns the first to finish (a
    // message or the closed channel both mean "stop"), and drops the other.
    // Cancellation can only happen at an `.await`: a job that computed for 10 s without
    // one would notice neither the channel nor `cancel()` until it was done.
    let work = async {
        Timer::after(job.delay()).await;
        Woke::Done
    };
    let stopped = async {
        let _closed_or_sent = stop.recv().await;
        Woke::Stopped
    };
    match work.or(stopped).await {
        Woke::Done => {}
        Woke::Stopped => {
            // We are still running, so unlike in a `Drop`, we can await our cleanup.
            job.log().record(id, EventKind::CleanupStarted);
            Timer::after(cleanup).await;
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

/// Which of the job's two waits ended first.
enum Woke {
    Done,
    Stopped,
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
