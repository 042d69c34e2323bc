//! `asyncio.as_completed` on smol: handle each job's result as soon as it arrives, in the
//! order the jobs complete, with a `[k/N]` progress line for each.
//!
//! ```python
//! async def main():
//!     tasks = [asyncio.create_task(fetch(name, delay)) for name, delay in jobs]
//!     for k, next_done in enumerate(asyncio.as_completed(tasks), start=1):
//!         try:
//!             print(f"[{k}/{len(tasks)}] {await next_done}")
//!         except Exception as err:
//!             print(f"[{k}/{len(tasks)}] error: {err}")
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p as-completed-smol
//! cargo run -p as-completed-smol -- --fail 2 --panic 0
//! cargo run -p as-completed-smol -- --tasks 200 --delay 0.5 --spread 1
//! cargo run -p as-completed-smol -- --tasks 200 --delay 0.5 --spread 1 | cat
//! cargo run -p as-completed-smol -- --json --delays 0.3,0.1,0.2 --fail 2
//! ```
//!
//! What to notice:
//!
//! - B (1 s) comes first, then C (2 s), then A (3 s): completion order, not input order,
//!   each announced the moment it arrives. `Time: 3.00s`, the longest delay.
//! - An error (`--fail 2`) is announced in its place, and the loop goes on to the next
//!   result. So is a panic (`--panic 0`, reported as `job 0 panicked`), because the example
//!   catches it around each job; [`as_completed`] itself raises a job's panic again.
//! - On a terminal a progress bar counts the results (stdout, not `--json`); piped, each
//!   result is a plain line, between the jobs' own lines.
//! - The jobs run on one thread, `smol-1`, smol's global executor. They are spawned tasks,
//!   so they keep running while the loop body is busy: see [`as_completed_unspawned`] for
//!   the trap. futures-lite (smol's `future` and `stream`) has no unordered set: the one
//!   here is the `futures` crate's, which works on any runtime.

// ANCHOR: copy
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use futures::StreamExt as _;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use smol::Task;

/// A job's output as it arrives: the job's index in the input, and what it returned.
pub type Done<T> = (usize, T);

/// `for next_done in asyncio.as_completed(tasks): await next_done`: spawns every job, then
/// hands each job's output to `each` as it arrives, in completion order, with its place `k`
/// (1 for the first). An error is an output like any other: it is handed over in its place
/// and the loop goes on. Returns everything received, in the order received.
///
/// # Panics
///
/// If a job panics, the jobs still running are cancelled and waited for, then the panic is
/// raised again here, where Python's `await next_done` would raise.
pub async fn as_completed<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Spawn every job first, like `asyncio.create_task`: each one starts running now. Each
    // task hands back its job's index with what the job returned, or with its panic, caught
    // so that the loop can stop the other jobs before it raises the panic again. (Asserting
    // unwind safety is sound: a job that panicked is dropped, and nothing sees it again.
    // `map` rather than an `async move` block around `job.await`: the block would hold the
    // job twice, rust-lang/rust#62958.)
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| {
            let caught = AssertUnwindSafe(job).catch_unwind();
            smol::spawn(caught.map(move |output| (index, output)))
        })
        .collect();

    // The set yields the tasks in the order they complete. While `each` is busy, the
    // tasks still run on the executor, and those that complete wait in the set.
    let mut received = Vec::with_capacity(running.len());
    while let Some((index, output)) = running.next().await {
        let done = match output {
            Ok(output) => (index, output),
            Err(panic) => {
                // Cancel the rest, wait until they have stopped, then raise the panic here.
                // (Dropping a `Task` would cancel it too, but without waiting.)
                join_all(running.into_iter().map(Task::cancel)).await;
                std::panic::resume_unwind(panic);
            }
        };
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}
// ANCHOR_END: copy

/// WRONG, don't do this when the loop body awaits: the same loop over the jobs' plain
/// futures in a `FuturesUnordered`, not over spawned tasks.
///
/// A `FuturesUnordered` polls its futures only while someone awaits `next()` on it. While
/// `each` awaits anything else (a write, a request), no job in the set makes progress: a
/// job whose timer has fired is not finished until the loop comes back, so a slow loop
/// body delays every job still in the set. Spawned tasks, as in [`as_completed`], run on
/// the executor whatever the loop does.
///
/// # Panics
///
/// If a job panics: the panic unwinds through here, and the set, dropped on the way, drops
/// (cancels) the other jobs.
pub async fn as_completed_unspawned<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T>,
{
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| job.map(move |output| (index, output)))
        .collect();
    let mut received = Vec::new();
    while let Some(done) = running.next().await {
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}
