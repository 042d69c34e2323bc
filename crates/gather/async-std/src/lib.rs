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
//! cargo run -p gather-async-std -- --delays 0.5,0.5,0.5 --fail 1
//! ```
//!
//! What to notice:
//!
//! - The three jobs start together and B finishes first, yet the results come back in
//!   input order: A, B, C. Each task hands its job's result over through a channel as the
//!   job ends, and `gather` puts each in its job's place.
//! - `Time: 3.00s`, the longest delay, not the sum: `--scenario sequential` takes 6 s.
//! - The jobs run on async-std's executor threads (`async-std/runtime`): `task::spawn`
//!   hands them to its global executor. Sequential jobs run on `main`, inside the task
//!   that awaits them.
//! - With `--fail 1`, B's error reaches the caller after 1 s and A and C end `cancelled`.
//!   Dropping an async-std `JoinHandle` does not cancel its task, so `gather` cancels the
//!   others itself with `cancel().await`, which returns once each has stopped.
//! - With `--delays 0.5,0.5,0.5 --fail 1`, the tutorial's three jobs of 0.5 s end at the
//!   same instant, on several threads. A and C end `finished` in most runs, but in
//!   some, one that had not run yet when `gather` saw B's error ends `cancelled`; CPython
//!   always finishes both. See the README.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use async_std::channel::{self, Receiver, Sender};
use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::future::join_all;
use shared::{Job, JobError};
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// What a task hands over when its job ends: the job's number, and what it returned.
type Handed = (usize, Result<String, JobError>);

/// `await asyncio.gather(*jobs)`: runs every job concurrently and returns their results in
/// input order, or the first error to happen, once every other job has been cancelled.
pub async fn gather(jobs: Vec<Job>) -> Result<Vec<String>, JobError> {
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    let (tasks, received) = spawn_all(jobs);

    // Take the results in the order the jobs end, each into its job's place, until every
    // job has ended, or one fails.
    while let Ok((job, result)) = received.recv().await {
        match result {
            Ok(value) => results[job] = Some(value),
            Err(err) => {
                // Cancel whatever is still running. A dropped async-std `JoinHandle`
                // would let its task run on; `cancel().await` stops it and returns once it
                // has really stopped (at once for a task that has ended), so no job is
                // left running behind the caller. What a sibling returned meanwhile, an error
                // included, is dropped on purpose: gather raises the first error only.
                join_all(tasks.into_iter().map(JoinHandle::cancel)).await;
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
    // The handles are only held: nothing is cancelled here.
    let (_tasks, received) = spawn_all(jobs);
    // Nothing is cancelled: the loop ends once every job has ended.
    while let Ok((job, result)) = received.recv().await {
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
        // It runs inside this task, so its panic would be ours: catch it, as `hand_over`
        // does for a spawned job.
        let result = AssertUnwindSafe(job.run(task::sleep))
            .catch_unwind()
            .await
            .unwrap_or(Err(JobError::Panicked(id)));
        results.push(result?);
    }
    Ok(results)
}

/// Spawns every job, like `asyncio.create_task`: each one starts running now. Returns the
/// tasks, and the channel through which each hands over its job's result as the job ends,
/// so that the results arrive in the order the jobs end.
fn spawn_all(jobs: Vec<Job>) -> (Vec<JoinHandle<()>>, Receiver<Handed>) {
    let (handed, received) = channel::unbounded();
    let tasks = jobs
        .into_iter()
        .map(|job| {
            let id = job.id();
            task::spawn(hand_over(id, job.run(task::sleep), handed.clone()))
        })
        .collect();
    // Only the tasks hold a sender now (this one is dropped here): the channel closes
    // once every task has ended.
    (tasks, received)
}

/// The body of job `id`'s task: runs the job, then hands over what it returned, or its
/// panic as an error, in the same poll in which it ends.
///
/// The task does not return the result, because `JoinHandle::cancel` throws away the
/// output of a task that ends while it is being cancelled, and raises the panic of a job
/// that panicked. Handed over from inside the task, the result is in the channel before the
/// task can end, whatever `cancel` then does.
async fn hand_over(
    id: usize,
    job: impl Future<Output = Result<String, JobError>>,
    handed: Sender<Handed>,
) {
    // async-std would catch the job's panic too, but only to raise it again in whoever
    // awaits the handle: catch it here and turn it into an error, as tokio's `JoinError`
    // does.
    let result = AssertUnwindSafe(job)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    // An unbounded channel's `try_send` never waits. It fails only when the caller has
    // stopped listening (it returned, or was cancelled), and then nobody wants the result.
    let _ = handed.try_send((id, result));
}
