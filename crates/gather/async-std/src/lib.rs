//! `asyncio.gather` on async-std: run jobs concurrently and get their results in input order.
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
//! cargo run -p gather-async-std
//! cargo run -p gather-async-std -- --fail 1
//! cargo run -p gather-async-std -- --scenario return-exceptions --fail 1
//! cargo run -p gather-async-std -- --scenario sequential
//! cargo run -p gather-async-std -- --json --delays 0.2,0.1,0.3 --fail 1
//! ```
//!
//! What to notice:
//!
//! - The three jobs start together and B finishes first, yet the results come back in
//!   input order: A, B, C.
//! - `Time: 3.00s`, the longest delay, not the sum: `--scenario sequential` takes 6 s.
//! - The jobs run on async-std's executor threads (`async-std/runtime`): `task::spawn`
//!   hands them to its global executor. Sequential jobs run on `main`, inside the task
//!   that awaits them.
//! - With `--fail 1`, B's error reaches the caller after 1 s and A and C end `cancelled`.
//!   Dropping an async-std `JoinHandle` does not cancel its task, so `gather` cancels the
//!   others itself with `cancel().await`, which returns once each has stopped.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::future::{join_all, try_join_all};
use shared::{Job, JobError};
use std::panic::AssertUnwindSafe;

/// A spawned job: its number, and the handle that yields its result.
type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// `await asyncio.gather(*jobs)`: runs every job concurrently and returns their results in
/// input order, or the first error to happen, once every other job has been cancelled.
pub async fn gather(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    // Spawn every job first, like `asyncio.create_task`: each one starts running now.
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
        .collect();

    // Wait for all of them: `try_join_all` keeps the input order and returns at the first
    // error. It only borrows the handles (`&mut JoinHandle` is a future too), so we still
    // hold them when it returns.
    let results = try_join_all(tasks.iter_mut().map(joined)).await;

    // On an error, cancel whatever is still running. A dropped async-std `JoinHandle`
    // would let its task run on; `cancel().await` stops it and returns once it has really
    // stopped (at once for a task that has finished), so no job is left running behind
    // the caller.
    // A task whose job panicked at the same moment still holds its panic, and `cancel`
    // raises it again: catch it, since the error we return is the one that came first.
    if results.is_err() {
        let cancel = |(_, task): Spawned| AssertUnwindSafe(task.cancel()).catch_unwind();
        join_all(tasks.into_iter().map(cancel)).await;
    }
    results
}

/// `await asyncio.gather(*jobs, return_exceptions=True)`: every job runs to its end, and
/// each result or error comes back as a value, in input order.
pub async fn gather_return_exceptions(jobs: Vec<Job>) -> Vec<Result<String, JobError>> {
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
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
        // It runs inside this task, so its panic would be ours: catch it, as `joined`
        // does for a spawned task.
        let result = AssertUnwindSafe(job.run(task::sleep))
            .catch_unwind()
            .await
            .unwrap_or(Err(JobError::Panicked(id)));
        results.push(result?);
    }
    Ok(results)
}

/// Waits for one spawned job and returns what it returned.
async fn joined((id, task): &mut Spawned) -> Result<String, JobError> {
    // async-std catches a task's panic and raises it again in whoever awaits the handle:
    // catch it here and turn it into an error, as tokio's `JoinError` does.
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(*id)))
}
