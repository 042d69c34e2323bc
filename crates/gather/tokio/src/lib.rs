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
//! cargo run -p gather-tokio -- --delays 0.5,0.5,0.5 --fail 1
//! ```
//!
//! What to notice:
//!
//! - The three jobs start together and B finishes first, yet the results come back in
//!   input order: A, B, C. The `JoinSet` hands the results over in the order the jobs
//!   end, and `gather` puts each in its job's place.
//! - `Time: 3.00s`, the longest delay, not the sum: `--scenario sequential` takes 6 s.
//! - The jobs run on `tokio-rt-worker` threads: `JoinSet::spawn` hands them to the
//!   multi-threaded runtime, as `asyncio.create_task` hands them to the loop. Sequential
//!   jobs run on `main`, inside the task that awaits them.
//! - With `--fail 1`, B's error reaches the caller after 1 s and A and C end `cancelled`:
//!   `gather` aborts them, and waits until they have stopped, before it returns the error.
//! - With `--delays 0.5,0.5,0.5 --fail 1`, the tutorial's three jobs of 0.5 s end at the
//!   same instant, on two or more threads. A and C end `finished` in most runs, but in
//!   some, one that had not run yet when `gather` saw B's error ends `cancelled`; CPython
//!   always finishes both. See the README.

use futures::FutureExt as _;
use shared::{Job, JobError};
use std::panic::AssertUnwindSafe;
use tokio::task::JoinSet;

/// What a task hands back when its job ends: the job's number, and what it returned.
type Handed = (usize, Result<String, JobError>);

/// `await asyncio.gather(*jobs)`: runs every job concurrently and returns their results in
/// input order, or the first error to happen, once every other job has been cancelled.
pub async fn gather(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    let mut tasks = spawn_all(jobs);

    // Take the results in the order the jobs end, each into its job's place, until every
    // job has ended, or one fails.
    while let Some(joined) = tasks.join_next().await {
        // A `JoinError` would be a task aborted before it ended, and nothing aborts one
        // before the loop returns. (A job's panic was caught in its task.)
        let Ok((job, result)) = joined else { continue };
        match result {
            Ok(value) => results[job] = Some(value),
            Err(err) => {
                // Cancel whatever is still running, and wait until every task has really
                // stopped, so that no job is left running behind the caller: `shutdown`
                // aborts every task in the set (an abort only asks: a task stops at its
                // next poll), then waits for each. What a sibling returned meanwhile, an
                // error included, is dropped on purpose: gather raises the first error only.
                tasks.shutdown().await;
                return Err(err);
            }
        }
    }
    Ok(results.into_iter().flatten().collect())
}

/// `await asyncio.gather(*jobs, return_exceptions=True)`: every job runs to its end, and
/// each result or error comes back as a value, in input order.
pub async fn gather_return_exceptions(jobs: Vec<Job>) -> Vec<Result<String, JobError>> {
    let mut results: Vec<Option<Result<String, JobError>>> = vec![None; jobs.len()];
    let mut tasks = spawn_all(jobs);
    // Nothing is cancelled: the loop ends once every job has ended, each task handing
    // back its job's result (nothing aborts one, so there is no `JoinError` to expect).
    while let Some(joined) = tasks.join_next().await {
        let Ok((job, result)) = joined else { continue };
        results[job] = Some(result);
    }
    results.into_iter().flatten().collect()
}

/// The same jobs awaited one after another, for comparison: this is not gather. Each job
/// starts only when the previous one has finished, so the time is the sum of the delays,
/// and the first error stops the rest before they start.
pub async fn sequential(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    let mut results = Vec::new();
    for job in jobs {
        let id = job.id();
        // A Rust future does nothing until it is awaited, so this job starts only now.
        // It runs inside this task, so its panic would be ours: catch it, as `spawn_all`
        // does for a spawned job.
        let result = AssertUnwindSafe(job.run(tokio::time::sleep))
            .catch_unwind()
            .await
            .unwrap_or(Err(JobError::Panicked(id)));
        results.push(result?);
    }
    Ok(results)
}

/// Spawns every job, like `asyncio.create_task`: each one starts running now. The
/// `JoinSet` hands the tasks back in the order they end; dropping it aborts every task
/// still in it, so the jobs cannot outlive the call, even if our caller is cancelled while
/// it waits.
fn spawn_all(jobs: Vec<Job>) -> JoinSet<Handed> {
    let mut tasks = JoinSet::new();
    for job in jobs {
        let id = job.id();
        // Each task hands back its job's number with what the job returned. tokio would
        // catch a panic too, but its `JoinError` names the task, not the job: catching the
        // panic inside the task keeps the two together, with no map from tasks to jobs.
        tasks.spawn(async move {
            let result = AssertUnwindSafe(job.run(tokio::time::sleep))
                .catch_unwind()
                .await
                .unwrap_or(Err(JobError::Panicked(id)));
            (id, result)
        });
    }
    tasks
}
