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
//! - With `--panic 1`, the report is that of `--fail 1` with `job 1 panicked`: `main.rs`
//!   turns each job's panic into an error. A panic that reaches `gather` itself is raised
//!   again in its caller, once the other jobs have been cancelled and have stopped.

// ANCHOR: copy
use futures::FutureExt as _;
use std::future::Future;
use std::panic;
use tokio::task::JoinSet;

/// `await asyncio.gather(*jobs)`: runs every job concurrently and returns their results in
/// input order, or the first error to happen, once every other job has been cancelled.
///
/// # Panics
///
/// If a job panics, `gather` cancels the others as on an error, waits until they have
/// stopped, then raises the panic again in the caller (`resume_unwind`).
pub async fn gather<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut tasks = spawn_all(jobs);
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut results: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();

    // Take the results in the order the jobs end, each into its job's place, until every
    // job has ended, or one fails.
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, Ok(value))) => results[index] = Some(value),
            Ok((_, Err(err))) => {
                // Cancel whatever is still running, and wait until every task has really
                // stopped, so that no job is left running behind the caller: `shutdown`
                // aborts every task in the set (an abort only asks: a task stops at its
                // next poll), then waits for each. What a sibling returned meanwhile, an
                // error included, is dropped on purpose: gather raises the first error only.
                tasks.shutdown().await;
                return Err(err);
            }
            Err(err) => {
                // A task that hands back no output panicked (nothing aborts one while the
                // loop runs; if the runtime shut down under us, `into_panic` panics with
                // that). The same clean-up as for an error, then the panic goes on in the
                // caller, as if the caller had run the job itself.
                tasks.shutdown().await;
                panic::resume_unwind(err.into_panic());
            }
        }
    }
    // Every job has ended with a value: every place is filled.
    Ok(results.into_iter().flatten().collect())
}

/// `await asyncio.gather(*jobs, return_exceptions=True)`: every job runs to its end, and
/// each result or error comes back as a value, in input order.
///
/// # Panics
///
/// A panic is a bug, not an error to hand back: if a job panics, the others are cancelled
/// and waited for, and the panic is raised again in the caller (`resume_unwind`).
pub async fn gather_return_exceptions<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
) -> Vec<Result<T, E>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut tasks = spawn_all(jobs);
    let mut results: Vec<Option<Result<T, E>>> = (0..tasks.len()).map(|_| None).collect();
    // Nothing is cancelled on an error: the loop ends once every job has ended.
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => results[index] = Some(result),
            Err(err) => {
                // A panic, as in `gather`.
                tasks.shutdown().await;
                panic::resume_unwind(err.into_panic());
            }
        }
    }
    results.into_iter().flatten().collect()
}

/// Spawns every job, like `asyncio.create_task`: each one starts running now, and its task
/// hands back the job's index in the input with what the job returned. The `JoinSet`
/// hands the tasks back in the order they end; dropping it aborts every task still in it,
/// so the jobs cannot outlive the call, even if our caller is cancelled while it waits.
fn spawn_all<F>(jobs: impl IntoIterator<Item = F>) -> JoinSet<(usize, F::Output)>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut tasks = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        // `map`, not `async move { (index, job.await) }`: an async block would keep the
        // future twice, once captured and once being awaited (rust-lang/rust#62958), and
        // double every task's memory.
        tasks.spawn(job.map(move |output| (index, output)));
    }
    tasks
}
// ANCHOR_END: copy

/// The same jobs awaited one after another, for comparison: this is not gather. Each job
/// starts only when the previous one has finished, so the time is the sum of the delays,
/// and the first error stops the rest before they start.
///
/// # Panics
///
/// A job runs inside the caller's task, so its panic unwinds through the caller, and the
/// jobs after it never start.
pub async fn sequential<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let mut results = Vec::new();
    for job in jobs {
        // A Rust future does nothing until it is awaited, so this job starts only now.
        results.push(job.await?);
    }
    Ok(results)
}
