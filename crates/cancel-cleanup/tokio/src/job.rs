//! The scenarios' job 0, the shared job fed to the pattern in `lib.rs`: in `cleanup` and
//! `abort`, it gets an async cleanup and a finally-step, and records each step in the
//! event log, in the order Python's `try:` / `except CancelledError:` / `finally:` gives.
//! (`main.rs` uses this module, and the tests include it too.)

use cancel_cleanup_tokio::{Finally, cancel, with_cleanup};
use futures::FutureExt as _;
use shared::{Ending, EventKind, Job, JobError};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Duration;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// What a job we cancelled gave back: `None` if it was cancelled, else what it returned.
pub type Cancelled = Option<Result<String, JobError>>;

/// `cleanup`: job 0 is *asked* to stop once `when` is done; the caller waits while it
/// cleans up for `cleanup` and returns.
pub async fn cleanup(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    let stop = CancellationToken::new();
    let task = tokio::spawn(caught(job, stop.clone().cancelled_owned(), cleanup));
    when.await;

    // Nothing is dropped here: the token only tells the job, which decides what to do.
    // A real service would bound the wait with a timeout, and abort a job that takes
    // too long to clean up.
    stop.cancel();
    // `caught` turns the job's panic into its error, and nobody aborts the task: a
    // `JoinError` could only be the runtime cancelling it as it shuts down.
    task.await.unwrap_or(None)
}

/// `abort`: the same job, cancelled with [`cancel`] once `when` is done: its future is
/// dropped at the `.await` it waits on, so only the synchronous finally-step runs.
pub async fn abort(job: Job, when: impl Future, cleanup: Duration) -> Cancelled {
    // A stop that never comes: the job will not be asked.
    let never = std::future::pending::<()>();
    // `None` if it was cancelled; else what the job returned, which is never `None` here.
    cancel(caught(job, never, cleanup), when).await.flatten()
}

/// [`job_with_cleanup`], with its panic (`--panic`) turned into `JobError::Panicked`, as
/// `Job::run_caught` does for the plain job.
async fn caught(job: Job, stop: impl Future, cleanup: Duration) -> Cancelled {
    let id = job.id();
    // Nothing outlives the job but its log, which records whole events: unwind safe.
    AssertUnwindSafe(job_with_cleanup(job, stop, cleanup))
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))))
}

/// The job with a cleanup: it works for its delay, unless `stop` is done first; then it
/// cleans up for `cleanup` and returns `None`. However it ends, even when its future is
/// dropped, its finally-step runs.
///
/// # Panics
///
/// When the job was made with [`Ending::Panic`] (`--panic`): that is the point of it.
pub async fn job_with_cleanup(job: Job, stop: impl Future, cleanup: Duration) -> Cancelled {
    let (id, log) = (job.id(), job.log());
    // Whether the job ended by itself (`finished`, `failed`): if not, it was cancelled,
    // by a stop it obeyed or by its future being dropped, or it panicked.
    let ended = AtomicBool::new(false);
    let _finally = Finally::new(|| {
        // A panic is the job's own ending, like `failed`: it comes before the finally-step.
        let panicking = std::thread::panicking();
        if panicking && !ended.load(Relaxed) {
            log.record(id, EventKind::Panicked);
        }
        log.record(id, EventKind::Finally);
        // As with Python's `CancelledError`, a cancellation is the last thing that
        // happens to the job, after its finally-step.
        if !panicking && !ended.load(Relaxed) {
            log.record(id, EventKind::Cancelled);
        }
    });
    log.record(id, EventKind::Started);

    let work = async {
        sleep(job.delay()).await;
        match job.ending() {
            // `_finally` records `panicked`, then the finally-step, as the panic unwinds.
            Ending::Panic => panic!("job {id} panicked"),
            ending => {
                ended.store(true, Relaxed);
                log.record(id, ending.event());
                ending.result(id)
            }
        }
    };
    let cleanup = async {
        log.record(id, EventKind::CleanupStarted);
        sleep(cleanup).await;
        log.record(id, EventKind::CleanupFinished);
    };
    with_cleanup(work, cleanup, stop).await
}
