//! `asyncio.gather` on tokio: run jobs concurrently and get their results in input order.
//!
//! ```python
//! async def main():
//!     results = await asyncio.gather(fetch("A", 2), fetch("B", 1), fetch("C", 3))
//!     # or: errors come back as values instead of being raised
//!     results = await asyncio.gather(*coros, return_exceptions=True)
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p gather-tokio
//! cargo run -p gather-tokio -- --fail 1
//! cargo run -p gather-tokio -- --scenario return-exceptions --fail 1
//! cargo run -p gather-tokio -- --scenario sequential
//! cargo run -p gather-tokio -- --json --delays 0.2,0.1,0.3 --fail 1
//! ```
//!
//! What to notice:
//!
//! - The three jobs start together and B finishes first, yet the results come back in
//!   input order: A, B, C.
//! - `Time: 3.00s`, the longest delay, not the sum: `--scenario sequential` takes 6 s.
//! - The jobs run on `tokio-rt-worker` threads: `tokio::spawn` hands them to the
//!   multi-threaded runtime, as `asyncio.create_task` hands them to the loop. Sequential
//!   jobs run on `main`, inside the task that awaits them.
//! - With `--fail 1`, B's error reaches the caller after 1 s and A and C end `cancelled`.
//!   Dropping a tokio `JoinHandle` does not cancel its task, so `gather` aborts the others
//!   itself, and waits until they have stopped, before it returns the error.

use futures::FutureExt as _;
use futures::future::{join_all, try_join_all};
use shared::{Job, JobError};
use std::panic::AssertUnwindSafe;
use tokio::task::JoinHandle;
use tokio_util::task::TaskTracker;

/// A spawned job: its number, and the handle that yields its result.
type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// `await asyncio.gather(*jobs)`: runs every job concurrently and returns their results in
/// input order, or the first error to happen, once every other job has been cancelled.
pub async fn gather(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    // Spawn every job first, like `asyncio.create_task`: each one starts running now. The
    // tracker counts them, so that we can wait below until each has stopped.
    let tracker = TaskTracker::new();
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), tracker.spawn(job.run(tokio::time::sleep))))
        .collect();
    tracker.close();

    // Wait for all of them: `try_join_all` keeps the input order and returns at the first
    // error. It only borrows the handles (`&mut JoinHandle` is a future too), so we still
    // hold them when it returns.
    let results = try_join_all(tasks.iter_mut().map(joined)).await;

    // On an error, cancel whatever is still running. A dropped tokio `JoinHandle` would
    // let its task run on, so abort each one (aborting a finished task does nothing).
    if results.is_err() {
        for (_, task) in &tasks {
            task.abort();
        }
    }
    // `abort` only asks: the task stops at its next `.await`. Wait until every task has
    // really stopped, so that no job is left running behind the caller's back.
    tracker.wait().await;
    results
}

/// `await asyncio.gather(*jobs, return_exceptions=True)`: every job runs to its end, and
/// each result or error comes back as a value, in input order.
pub async fn gather_return_exceptions(jobs: Vec<Job>) -> Vec<Result<String, JobError>> {
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), tokio::spawn(job.run(tokio::time::sleep))))
        .collect();
    // `join_all` waits for every future, whatever it returns: nothing is cancelled.
    join_all(tasks.iter_mut().map(joined)).await
}

/// The same jobs awaited one after another, for comparison: this is not gather. Each job
/// starts only when the previous one has finished, so the time is the sum of the delays,
/// and the first error stops the rest before they start.
pub async fn sequential(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    let mut results = Vec::new();
    for job in jobs {
        let id = job.id();
        // A Rust future does nothing until it is awaited, so this job starts only now.
        // It runs inside this task, so its panic would be ours: catch it, as a spawned
        // task's `JoinHandle` would have.
        let result = AssertUnwindSafe(job.run(tokio::time::sleep))
            .catch_unwind()
            .await
            .unwrap_or(Err(JobError::Panicked(id)));
        results.push(result?);
    }
    Ok(results)
}

/// Waits for one spawned job and returns what it returned.
async fn joined((id, task): &mut Spawned) -> Result<String, JobError> {
    // The task's `Result<_, JoinError>` is an error only when the job panicked (tokio
    // catches the panic) or was aborted; nothing aborts a task while we wait for it here.
    task.await.unwrap_or(Err(JobError::Panicked(*id)))
}
