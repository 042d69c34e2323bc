//! `asyncio.as_completed` on tokio: handle each job's result as soon as it arrives, in the
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
//! cargo run -p as-completed-tokio
//! cargo run -p as-completed-tokio -- --fail 2 --panic 0
//! cargo run -p as-completed-tokio -- --tasks 200 --delay 0.5 --spread 1
//! cargo run -p as-completed-tokio -- --tasks 200 --delay 0.5 --spread 1 | cat
//! cargo run -p as-completed-tokio -- --json --delays 0.3,0.1,0.2 --fail 2
//! ```
//!
//! What to notice:
//!
//! - B (1 s) comes first, then C (2 s), then A (3 s): completion order, not input order,
//!   each announced the moment it arrives. `Time: 3.00s`, the longest delay.
//! - An error (`--fail 2`) or a panic (`--panic 0`, reported as `job 0 panicked`) is
//!   announced in its place, and the loop goes on to the next result.
//! - On a terminal a progress bar counts the results (stdout, not `--json`); piped, each
//!   result is a plain line, between the jobs' own lines.
//! - The jobs run on `tokio-rt-worker` threads. They are spawned tasks, so they keep
//!   running while the loop body is busy: see [`as_completed_unspawned`] for the trap.

use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use shared::{Job, JobError};
use tokio::task::JoinSet;

/// A job's result as it arrives: its number, and its result or error.
pub type Done = (usize, Result<String, JobError>);

/// `for next_done in asyncio.as_completed(tasks): await next_done`: spawns every job, then
/// hands each result or error to `each` as it arrives, in completion order, with its place
/// `k` (1 for the first). An error is handed over like a result and the loop goes on.
/// Returns everything received, in the order received.
pub async fn as_completed(jobs: Vec<Job>, mut each: impl AsyncFnMut(usize, &Done)) -> Vec<Done> {
    // Spawn every job first, like `asyncio.create_task`: each one starts running now. Each
    // task hands back its job's number with what the job returned. tokio would catch a
    // panic too, but its `JoinError` names the task, not the job: catching the panic inside
    // the task keeps the two together, with no map from tasks to jobs.
    let total = jobs.len();
    let mut set = JoinSet::new();
    for job in jobs {
        let id = job.id();
        set.spawn(async move {
            let result = AssertUnwindSafe(job.run(tokio::time::sleep))
                .catch_unwind()
                .await
                .unwrap_or(Err(JobError::Panicked(id)));
            (id, result)
        });
    }

    // `join_next` yields the tasks in the order they complete. While `each` is busy, the
    // tasks still run on the runtime, and those that complete wait in the set.
    let mut received = Vec::with_capacity(total);
    // Nothing aborts these tasks and each catches its job's panic, so none ends in a
    // `JoinError`.
    while let Some(Ok(done)) = set.join_next().await {
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}

/// WRONG, don't do this when the loop body awaits: the same loop over the jobs' plain
/// futures in a `FuturesUnordered`, not over spawned tasks.
///
/// A `FuturesUnordered` polls its futures only while someone awaits `next()` on it. While
/// `each` awaits anything else (a write, a request), no job in the set makes progress: a
/// job whose timer has fired is not finished until the loop comes back, so a slow loop
/// body delays every job still in the set. Spawned tasks, as in [`as_completed`], run on
/// the runtime whatever the loop does. (A panicking job would also panic the caller here.)
pub async fn as_completed_unspawned(
    jobs: Vec<Job>,
    mut each: impl AsyncFnMut(usize, &Done),
) -> Vec<Done> {
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .map(|job| async move { (job.id(), job.run(tokio::time::sleep).await) })
        .collect();
    let mut received = Vec::new();
    while let Some(done) = running.next().await {
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}
