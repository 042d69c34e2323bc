//! `asyncio.wait` on async-std: wait on running tasks until all, the first, or the first
//! failing one is done, or a timeout passes, and get back what is done and what is pending.
//!
//! ```python
//! async def main():
//!     tasks = [asyncio.create_task(fetch(name, delay)) for name, delay in jobs]
//!     done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
//!     # or return_when=ALL_COMPLETED / FIRST_EXCEPTION, or timeout=1.5
//!     for task in pending:
//!         task.cancel()
//!     await asyncio.gather(*pending, return_exceptions=True)  # until they have stopped
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p wait-async-std
//! cargo run -p wait-async-std -- --scenario first-completed
//! cargo run -p wait-async-std -- --scenario first-exception --fail 0
//! cargo run -p wait-async-std -- --scenario timeout --timeout 1.5
//! cargo run -p wait-async-std -- --json --scenario first-exception --delays 0.2,0.1,0.3 --panic 0
//! ```
//!
//! What to notice:
//!
//! - `wait` never raises: a failed or panicked job is in `done` with its error, and the
//!   outcome is `ok` in every scenario.
//! - `first-completed` returns after 1 s with B done and A, C pending; `timeout` returns
//!   after 1.5 s with the same two sets; `all` after 3 s. `done` lists the jobs in the order
//!   they completed (Python hands back an unordered set).
//! - Python's `wait` leaves the pending tasks running. This program then cancels them and
//!   waits until they have stopped, so A and C end `cancelled` and nothing runs on behind
//!   main's back. A dropped async-std `JoinHandle` does not cancel its task, it detaches
//!   it; `cancel().await` stops the task and returns once it has stopped.
//! - The jobs run on async-std's executor threads (`async-std/runtime`): `task::spawn`
//!   hands them to its global executor.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_std::future;
use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::StreamExt as _;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use shared::{Job, JobError};

/// When [`wait`] returns: Python's `return_when`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// `ALL_COMPLETED`: when every task is done.
    AllCompleted,
    /// `FIRST_COMPLETED`: when any task is done.
    FirstCompleted,
    /// `FIRST_EXCEPTION`: when any task fails (or panics), or else when every task is done.
    FirstException,
}

/// A done job: its number, and its result or error.
pub type Done = (usize, Result<String, JobError>);

/// A spawned job: its number, and the handle that yields its result.
pub type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// Spawns every job, like `asyncio.create_task`: each one starts running now.
pub fn spawn_all(jobs: Vec<Job>) -> Vec<Spawned> {
    jobs.into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
        .collect()
}

/// `done, pending = await asyncio.wait(tasks, return_when=..., timeout=...)`: waits until
/// `return_when` holds or `timeout` passes, then returns the done jobs in the order they
/// completed, and the pending ones in job order. The pending tasks stay in `tasks`, still
/// running: what happens to them is the caller's choice, as in Python.
pub async fn wait(
    tasks: &mut [Spawned],
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> (Vec<Done>, Vec<usize>) {
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    // An unordered set over the handles yields each one as it completes. It only borrows
    // them (`&mut JoinHandle` is a future too), so the caller still holds the pending ones.
    let mut running: FuturesUnordered<_> = tasks.iter_mut().map(joined).collect();
    let mut done = Vec::new();
    loop {
        let next = match deadline {
            // `future::timeout` gives up on the next completion when the deadline passes.
            // Dropping `next()` loses no result: a task that has not completed stays in
            // the set.
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                match future::timeout(left, running.next()).await {
                    Ok(next) => next,
                    Err(_timed_out) => break,
                }
            }
            None => running.next().await,
        };
        // `None`: the set is empty, every task is done.
        let Some((job, result)) = next else { break };
        let failed = result.is_err();
        done.push((job, result));
        if return_when == ReturnWhen::FirstCompleted
            || (return_when == ReturnWhen::FirstException && failed)
        {
            break;
        }
    }
    // Python's `done` is every task that is done when `wait` returns: take the tasks that
    // completed at the same moment too, without waiting for any other.
    while let Some(Some(joined)) = running.next().now_or_never() {
        done.push(joined);
    }
    // Give the handles back: dropping the set drops only its borrows, not the tasks.
    drop(running);
    let received: HashSet<usize> = done.iter().map(|(job, _)| *job).collect();
    let pending = tasks
        .iter()
        .map(|(job, _)| *job)
        .filter(|job| !received.contains(job))
        .collect();
    (done, pending)
}

/// Cancels every task still pending and waits until each one has stopped.
pub async fn cancel(tasks: Vec<Spawned>) {
    // A dropped async-std `JoinHandle` would let its task run on; `cancel().await` stops it
    // and returns once it has really stopped (at once for a task that is done), so no job
    // is left running when this returns.
    join_all(tasks.into_iter().map(|(_, task)| task.cancel())).await;
}

/// Waits for one spawned job and returns what it gave.
async fn joined((job, task): &mut Spawned) -> Done {
    // async-std catches a task's panic and raises it again in whoever awaits the handle:
    // catch it here and turn it into the job's error, as tokio's `JoinError` does.
    let result = AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(*job)));
    (*job, result)
}
