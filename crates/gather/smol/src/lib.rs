//! `asyncio.gather` on smol: run jobs concurrently and get their results in input order.
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
//! cargo run -p gather-smol
//! cargo run -p gather-smol -- --fail 1
//! cargo run -p gather-smol -- --scenario return-exceptions --fail 1
//! cargo run -p gather-smol -- --scenario sequential
//! cargo run -p gather-smol -- --json --delays 0.2,0.1,0.3 --fail 1
//! cargo run -p gather-smol -- --delays 0.5,0.5,0.5 --fail 1
//! ```
//!
//! What to notice:
//!
//! - The three jobs start together and B finishes first, yet the results come back in
//!   input order: A, B, C. Each task hands its job's result over through a channel as the
//!   job ends, and `gather` puts each in its job's place.
//! - `Time: 3.00s`, the longest delay, not the sum: `--scenario sequential` takes 6 s.
//! - The jobs run on one thread, `smol-1`: `smol::spawn` hands them to smol's global
//!   executor, which runs a single thread unless `SMOL_THREADS` asks for more. Sequential
//!   jobs run on `main`, inside the `block_on` that awaits them.
//! - With `--fail 1`, B's error reaches the caller after 1 s and A and C end `cancelled`.
//!   A dropped smol `Task` is cancelled, but the drop does not wait for it to stop, so
//!   `gather` cancels the others with `cancel().await`, which does.
//! - With `--delays 0.5,0.5,0.5 --fail 1`, the tutorial's three jobs of 0.5 s end at the
//!   same instant, on `smol-1`, while `gather` waits on `main`. A and C end `finished` in
//!   most runs, but in some, one that had not run yet when `gather` saw B's error ends
//!   `cancelled`; CPython always finishes both. See the README.
//! - With `--panic 1`, the report is that of `--fail 1` with `job 1 panicked`: `main.rs`
//!   turns each job's panic into an error. A panic that reaches `gather` itself is raised
//!   again in its caller, once the other jobs have been cancelled and have stopped.

// ANCHOR: copy
use futures::FutureExt as _;
use futures::future::join_all;
use smol::Task;
use smol::channel::{self, Receiver, Sender};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

/// What a task hands over when its job ends: the job's index in the input, and what the
/// job returned, or its panic.
type Handed<R> = (usize, std::thread::Result<R>);

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
    let (tasks, received) = spawn_all(jobs);
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut results: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();

    // Take the results in the order the jobs end, each into its job's place, until every
    // job has ended, or one fails.
    while let Ok((index, output)) = received.recv().await {
        match output {
            Ok(Ok(value)) => results[index] = Some(value),
            Ok(Err(err)) => {
                // Cancel whatever is still running. Dropping the tasks would cancel them
                // too, but would not wait; `cancel().await` returns once the task has
                // really stopped (at once for a task that has ended), so no job is left
                // running behind the caller. What a sibling returned meanwhile, an error
                // included, is dropped on purpose: gather raises the first error only.
                join_all(tasks.into_iter().map(Task::cancel)).await;
                return Err(err);
            }
            Err(payload) => {
                // A job that panicked: the same clean-up as for an error, then the panic
                // goes on in the caller, as if the caller had run the job itself.
                join_all(tasks.into_iter().map(Task::cancel)).await;
                panic::resume_unwind(payload);
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
    let (tasks, received) = spawn_all(jobs);
    let mut results: Vec<Option<Result<T, E>>> = (0..tasks.len()).map(|_| None).collect();
    // Nothing is cancelled on an error: the loop ends once every job has ended.
    while let Ok((index, output)) = received.recv().await {
        match output {
            Ok(result) => results[index] = Some(result),
            Err(payload) => {
                // A panic, as in `gather`.
                join_all(tasks.into_iter().map(Task::cancel)).await;
                panic::resume_unwind(payload);
            }
        }
    }
    results.into_iter().flatten().collect()
}

/// Spawns every job, like `asyncio.create_task`: each one starts running now. Returns the
/// tasks, and the channel through which each hands over its job's index and output as the
/// job ends, so that the results arrive in the order the jobs end.
fn spawn_all<F>(jobs: impl IntoIterator<Item = F>) -> (Vec<Task<()>>, Receiver<Handed<F::Output>>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (handed, received) = channel::unbounded();
    let tasks = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| smol::spawn(hand_over(index, job, handed.clone())))
        .collect();
    // Only the tasks hold a sender now (this one is dropped here): the channel closes
    // once every task has ended.
    (tasks, received)
}

/// The body of a job's task: runs the job, then hands over its index with what the job
/// returned, or its panic, in the same poll in which the job ends.
///
/// The task does not return the result, because `Task::cancel` throws away the output of
/// a task that ends while it is being cancelled, and raises the panic of a job that
/// panicked. Handed over from inside the task, the result is in the channel before the
/// task can end, whatever `cancel` then does.
fn hand_over<F: Future>(
    index: usize,
    job: F,
    handed: Sender<Handed<F::Output>>,
) -> impl Future<Output = ()> {
    // smol would catch the job's panic too, but only to raise it again in whoever awaits
    // the task, in the middle of cancelling the others. Caught here, it is handed over like
    // a result, in the order the jobs end, and raised again once every job has stopped.
    //
    // Combinators, not an `async fn`: an `async fn` would keep the future twice, once as
    // its argument and once being awaited (rust-lang/rust#62958), and double every
    // task's memory.
    AssertUnwindSafe(job).catch_unwind().map(move |output| {
        // An unbounded channel's `try_send` never waits. It fails only when the caller has
        // stopped listening (it returned, or was cancelled), and then nobody wants the result.
        let _ = handed.try_send((index, output));
    })
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
