//! `asyncio.create_task` on async-std: spawn every job, then await each handle yourself.
//!
//! ```python
//! async def main():
//!     tasks = [asyncio.create_task(fetch(name, 1)) for name in names]
//!     results = [await task for task in tasks]  # spawn order
//!     # loop.create_task(coro): the same on an explicit loop
//!     # asyncio.create_task(coro), never awaited: fire and forget
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p manual-await-async-std
//! cargo run -p manual-await-async-std -- --delays 3,1,2,4 --fail 2
//! cargo run -p manual-await-async-std -- --scenario handle
//! cargo run -p manual-await-async-std -- --scenario background --main-delay 1.5
//! cargo run -p manual-await-async-std -- --scenario forgotten --delays 0.2,1
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, not 20: `task::spawn` starts each job at once, and awaiting
//!   the handles one by one only collects the results, in spawn order.
//! - With `--delays 3,1,2,4 --fail 2`, C fails at 2 s, but main hears of it at 3 s, when it
//!   gets to C's handle after A's. D is still running then: main cancels it and waits
//!   until it has stopped, so D ends `cancelled`.
//! - `handle`: async-std has one global executor and no handle to it; its `task::Builder`
//!   only names a task. The names show in `task::current().name()` and in the log.
//! - `background`: main's own steps are logged on thread `main`, the jobs on
//!   `async-std/runtime` threads, at the same time.
//! - `forgotten`: the handles are dropped. A dropped async-std `JoinHandle` detaches its
//!   task, which runs on: A finishes although nobody awaits it. When main returns, the
//!   process exits and abandons B where it is: its destructor never runs, so B never
//!   records an end.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::future::join_all;
use shared::{Job, JobError};

/// A spawned job: its number, and the handle that yields its result.
pub type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// What main received: the results in spawn order, up to the first error, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Awaited {
    /// Job i's result is the i-th.
    pub results: Vec<String>,
    /// The error that stopped main awaiting.
    pub error: Option<JobError>,
}

/// `tasks = [create_task(job) ...]; [await t for t in tasks]`.
pub async fn spawn_and_await(jobs: Vec<Job>) -> Awaited {
    // Each job starts running now, on the executor's threads, whether or not anyone ever
    // awaits its handle.
    let tasks = jobs
        .into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
        .collect();
    await_each(tasks).await
}

/// The closest async-std has to `loop.create_task`: there is one global executor and no
/// handle to it, so `task::Builder` can only give each task a name (`task::spawn` works
/// from any thread already). A name helps when reading logs, panics and debuggers.
pub fn spawn_named(jobs: Vec<Job>) -> std::io::Result<Vec<Spawned>> {
    let mut tasks = Vec::new();
    for job in jobs {
        let id = job.id();
        let name = format!("job-{}", shared::job_name(id));
        let handle = task::Builder::new()
            .name(name)
            .spawn(job.run(task::sleep))?;
        tasks.push((id, handle));
    }
    let names: Vec<&str> = tasks.iter().filter_map(|(_, h)| h.task().name()).collect();
    tracing::info!("main: spawned tasks named {}", names.join(", "));
    Ok(tasks)
}

/// Spawns the jobs, does main's own work of `main_delay` while they run, then awaits them.
pub async fn background(jobs: Vec<Job>, main_delay: Duration) -> Awaited {
    let tasks = jobs
        .into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
        .collect();
    main_work(main_delay).await;
    await_each(tasks).await
}

/// Fire and forget: spawns the jobs, drops their handles, does main's own work, returns.
pub async fn forget(jobs: Vec<Job>, main_delay: Duration) {
    for job in jobs {
        // Dropping an async-std `JoinHandle` does not cancel its task: the task is
        // detached and runs on, and nobody will ever see its result or its error.
        drop(task::spawn(job.run(task::sleep)));
    }
    main_work(main_delay).await;
    tracing::info!("main: returning without awaiting the tasks");
}

/// Awaits each handle in spawn order. The first error stops it: main has not looked at the
/// later handles yet, so their tasks are cancelled, and awaited until they have stopped.
pub async fn await_each(tasks: Vec<Spawned>) -> Awaited {
    let mut results = Vec::new();
    let mut tasks = tasks.into_iter();
    while let Some((id, task)) = tasks.next() {
        match joined(id, task).await {
            Ok(value) => results.push(value),
            Err(err) => {
                // A dropped handle would let its task run on behind main's back: cancel
                // each one. `cancel().await` returns once the task has really stopped (at
                // once for a task that has ended).
                join_all(tasks.map(cancelled)).await;
                return Awaited {
                    results,
                    error: Some(err),
                };
            }
        }
    }
    Awaited {
        results,
        error: None,
    }
}

/// Waits for one spawned job and returns what it returned.
async fn joined(id: usize, task: JoinHandle<Result<String, JobError>>) -> Result<String, JobError> {
    // async-std catches a task's panic and raises it again in whoever awaits the handle:
    // catch it here and turn it into an error, as tokio's `JoinError` does.
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)))
}

/// Cancels one spawned job and waits until it has stopped.
async fn cancelled((_, task): Spawned) {
    // A job that had already panicked raises its panic again here: it has stopped too.
    let _ = AssertUnwindSafe(task.cancel()).catch_unwind().await;
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    task::sleep(duration).await;
    tracing::info!("main: its own work is done");
}
