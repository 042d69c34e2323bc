//! `asyncio.wait` on tokio: wait on running tasks until all, the first, or the first
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
//! cargo run -p wait-tokio
//! cargo run -p wait-tokio -- --scenario first-completed
//! cargo run -p wait-tokio -- --scenario first-exception --fail 0
//! cargo run -p wait-tokio -- --scenario timeout --timeout 1.5
//! cargo run -p wait-tokio -- --json --scenario first-exception --delays 0.2,0.1,0.3 --panic 0
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
//!   main's back. A `JoinSet` aborts its tasks when it is dropped but does not wait for
//!   them; `shutdown().await` does both. A plain `JoinHandle` that is dropped does not even
//!   abort: its task runs on, detached.
//! - The jobs run on `tokio-runtime-worker` threads: `JoinSet::spawn` is `tokio::spawn`.

use std::collections::HashMap;
use std::time::Duration;

use shared::{Job, JobError};
use tokio::task::{Id, JoinError, JoinSet};
use tokio::time::{Instant, timeout_at};

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

/// The running jobs: Python's list of tasks.
#[derive(Debug)]
pub struct Tasks {
    /// The tasks not handed back yet. `join_next` returns each one as it completes.
    pub set: JoinSet<Result<String, JobError>>,
    /// Which job each task runs: a task that panicked is known only by its task id.
    pub jobs: HashMap<Id, usize>,
}

/// Spawns every job, like `asyncio.create_task`: each one starts running now.
pub fn spawn_all(jobs: Vec<Job>) -> Tasks {
    let mut tasks = Tasks {
        set: JoinSet::new(),
        jobs: HashMap::with_capacity(jobs.len()),
    };
    for job in jobs {
        let id = job.id();
        let handle = tasks.set.spawn(job.run(tokio::time::sleep));
        tasks.jobs.insert(handle.id(), id);
    }
    tasks
}

/// `done, pending = await asyncio.wait(tasks, return_when=..., timeout=...)`: waits until
/// `return_when` holds or `timeout` passes, then returns the done jobs in the order they
/// completed, and the pending ones in job order. The pending tasks stay in `tasks`, still
/// running: what happens to them is the caller's choice, as in Python.
pub async fn wait(
    tasks: &mut Tasks,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> (Vec<Done>, Vec<usize>) {
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    let mut done = Vec::new();
    loop {
        let next = match deadline {
            // `join_next` is cancel-safe: if the deadline wins the race, no result is
            // lost, and the task that has not completed stays in the set.
            Some(deadline) => match timeout_at(deadline, tasks.set.join_next_with_id()).await {
                Ok(next) => next,
                Err(_elapsed) => break,
            },
            None => tasks.set.join_next_with_id().await,
        };
        // `None`: the set is empty, every task is done.
        let Some(joined) = next else { break };
        let (job, result) = tasks.done(joined);
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
    while let Some(joined) = tasks.set.try_join_next_with_id() {
        done.push(tasks.done(joined));
    }
    let mut pending: Vec<usize> = tasks.jobs.values().copied().collect();
    pending.sort_unstable();
    (done, pending)
}

/// Cancels every task still pending and waits until each one has stopped.
pub async fn cancel(mut tasks: Tasks) {
    // `abort` only asks: a task stops at its next `.await`. `shutdown` aborts every task in
    // the set and then waits for each, so no job is left running when it returns. Dropping
    // the set would abort them without waiting.
    tasks.set.shutdown().await;
}

impl Tasks {
    /// Which job a task that completed ran, and what it gave. The task's `JoinError` can
    /// only be a panic here (tokio catches it), since nothing aborts a task during `wait`.
    fn done(&mut self, joined: Result<(Id, Result<String, JobError>), JoinError>) -> Done {
        let id = match &joined {
            Ok((id, _)) => *id,
            Err(err) => err.id(),
        };
        let job = self
            .jobs
            .remove(&id)
            .expect("every task in the set was spawned by spawn_all, which named its job");
        let result = joined.map_or(Err(JobError::Panicked(job)), |(_, result)| result);
        (job, result)
    }
}
