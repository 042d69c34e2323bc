//! `asyncio.create_task` on tokio: spawn every job, then await each handle yourself.
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
//! cargo run -p manual-await-tokio
//! cargo run -p manual-await-tokio -- --delays 3,1,2,4 --fail 2
//! cargo run -p manual-await-tokio -- --scenario handle
//! cargo run -p manual-await-tokio -- --scenario background --main-delay 1.5
//! cargo run -p manual-await-tokio -- --scenario forgotten --delays 0.2,1
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, not 20: `tokio::spawn` starts each job at once, and awaiting
//!   the handles one by one only collects the results, in spawn order.
//! - Their 20 `finished` lines come in another order on each run: the 20 timers expire in
//!   the same millisecond, and the worker threads run the woken jobs in whatever order
//!   they take them. CPython, on one thread, wakes them in the order they were set.
//! - With `--delays 3,1,2,4 --fail 2`, C fails at 2 s, but main hears of it at 3 s, when it
//!   gets to C's handle after A's. D is still running then: main aborts it and awaits it
//!   until it has stopped, so D ends `cancelled`. A task that ends just as main aborts it
//!   keeps its result (see [`Spawned`]).
//! - `handle`: main spawns from plain, non-async code through the runtime's `Handle`.
//! - `background`: main's own steps are logged on thread `main`, the jobs on
//!   `tokio-rt-worker` threads, at the same time.
//! - `forgotten`: the handles are dropped. A dropped tokio `JoinHandle` detaches its task,
//!   which runs on: A finishes although nobody awaits it. When main is done, the runtime
//!   shuts down and drops the tasks still pending; their destructors run, so B ends
//!   `cancelled`.

use std::time::Duration;

use shared::{Job, JobError};
use tokio::runtime::Handle;
use tokio::task::JoinHandle;

/// A spawned job: its number, and the handle that yields its result.
///
/// The task returns the job's result itself, even when main aborts it: tokio stores the
/// output of a task whose future completes, also in the poll during which it was
/// aborted, and awaiting the handle then gives that output, not a cancellation. (The
/// async-std and smol versions need more: their `cancel()` drops such an output.)
#[derive(Debug)]
pub struct Spawned {
    id: usize,
    task: JoinHandle<Result<String, JobError>>,
}

/// What main received: the results in spawn order, up to the first error, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Awaited {
    /// Job i's result is the i-th.
    pub results: Vec<String>,
    /// The error that stopped main awaiting.
    pub error: Option<JobError>,
    /// After that error, the jobs main had not awaited yet, in spawn order, and what
    /// became of each when main cancelled it.
    pub stopped: Vec<(usize, Stopped)>,
}

/// What became of a task that main cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// The cancellation stopped it before its job ended.
    Cancelled,
    /// Its job had ended first (or in the same instant): what it returned, unused.
    Ended(Result<String, JobError>),
}

/// `tasks = [create_task(job) ...]; [await t for t in tasks]`.
pub async fn spawn_and_await(jobs: Vec<Job>) -> Awaited {
    await_each(spawn_all(jobs)).await
}

/// `[create_task(job) ...]`: each job starts running now, on the runtime's worker
/// threads, whether or not anyone ever awaits its handle.
pub fn spawn_all(jobs: Vec<Job>) -> Vec<Spawned> {
    jobs.into_iter()
        .map(|job| {
            let id = job.id();
            let task = tokio::spawn(job.run(tokio::time::sleep));
            Spawned { id, task }
        })
        .collect()
}

/// `loop.create_task(job)`: spawns through an explicit runtime `Handle`, from any thread,
/// even from code that is not async. `tokio::spawn` needs to be called inside the runtime;
/// a handle works from a plain thread, a callback or a library that keeps one.
pub fn spawn_on(runtime: &Handle, jobs: Vec<Job>) -> Vec<Spawned> {
    tracing::info!(
        "main: spawning {} jobs through the runtime's Handle",
        jobs.len()
    );
    jobs.into_iter()
        .map(|job| {
            let id = job.id();
            let task = runtime.spawn(job.run(tokio::time::sleep));
            Spawned { id, task }
        })
        .collect()
}

/// Spawns the jobs, does main's own work of `main_delay` while they run, then awaits them.
pub async fn background(jobs: Vec<Job>, main_delay: Duration) -> Awaited {
    let tasks = spawn_all(jobs);
    main_work(main_delay).await;
    await_each(tasks).await
}

/// Fire and forget: spawns the jobs, drops their handles, does main's own work, returns.
pub async fn forget(jobs: Vec<Job>, main_delay: Duration) {
    for job in jobs {
        // Dropping a tokio `JoinHandle` does not cancel its task: the task is detached and
        // runs on, and nobody will ever see its result or its error.
        drop(tokio::spawn(job.run(tokio::time::sleep)));
    }
    main_work(main_delay).await;
    tracing::info!("main: returning without awaiting the tasks");
}

/// Awaits each handle in spawn order. The first error stops it: main has not looked at the
/// later handles yet, so their tasks are aborted, and awaited until they have stopped.
pub async fn await_each(tasks: Vec<Spawned>) -> Awaited {
    let mut results = Vec::new();
    let mut tasks = tasks.into_iter();
    while let Some(spawned) = tasks.next() {
        match joined(spawned).await {
            Ok(value) => results.push(value),
            Err(err) => {
                // A dropped handle would let its task run on behind main's back: abort each
                // one (aborting a finished task does nothing). `abort` only asks; the task
                // stops at its next `.await`, so await the handle to know it has stopped.
                let rest: Vec<Spawned> = tasks.collect();
                for spawned in &rest {
                    spawned.task.abort();
                }
                let mut stopped = Vec::with_capacity(rest.len());
                for spawned in rest {
                    stopped.push(cancelled(spawned).await);
                }
                return Awaited {
                    results,
                    error: Some(err),
                    stopped,
                };
            }
        }
    }
    Awaited {
        results,
        error: None,
        stopped: Vec::new(),
    }
}

/// Waits for one spawned job and returns what it returned.
async fn joined(Spawned { id, task }: Spawned) -> Result<String, JobError> {
    // The `JoinError` means the job panicked (tokio caught the panic): nothing aborts a
    // task while we wait for it here.
    task.await.unwrap_or(Err(JobError::Panicked(id)))
}

/// Waits until an aborted job has stopped, and says what became of it.
async fn cancelled(Spawned { id, task }: Spawned) -> (usize, Stopped) {
    // An abort that came too late changes nothing: the handle gives what the job
    // returned (see [`Spawned`]).
    match task.await {
        Ok(result) => (id, Stopped::Ended(result)),
        Err(err) if err.is_cancelled() => (id, Stopped::Cancelled),
        Err(_) => (id, Stopped::Ended(Err(JobError::Panicked(id)))),
    }
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    tokio::time::sleep(duration).await;
    tracing::info!("main: its own work is done");
}
