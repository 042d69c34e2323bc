//! `asyncio.create_task` on smol: spawn every job, then await each task yourself.
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
//! cargo run -p manual-await-smol
//! cargo run -p manual-await-smol -- --delays 3,1,2,4 --fail 2
//! cargo run -p manual-await-smol -- --scenario handle
//! cargo run -p manual-await-smol -- --scenario background --main-delay 1.5
//! cargo run -p manual-await-smol -- --scenario forgotten --delays 0.2,1
//! cargo run -p manual-await-smol -- --scenario forgotten --delays 0.2,1 --own-executor
//! cargo run -p manual-await-smol -- --scenario forgotten --delays 0.2,1 --drop-tasks
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, not 20: `smol::spawn` starts each job at once, and awaiting
//!   the tasks one by one only collects the results, in spawn order.
//! - With `--delays 3,1,2,4 --fail 2`, C fails at 2 s, but main hears of it at 3 s, when it
//!   gets to C's task after A's. D is still running then: main cancels it and waits
//!   until it has stopped, so D ends `cancelled`.
//! - `handle`: the jobs run on an `Executor` that main owns, and only while main drives
//!   it with `ex.run(..)`: here on thread `main`, not on smol's own threads.
//! - `background`: main's own steps are logged on thread `main`, the jobs on smol's own
//!   thread, `smol-1`, at the same time.
//! - `forgotten`: each task is `.detach()`ed, so it runs on: A finishes although nobody
//!   awaits it. When main returns, the process exits and abandons B where it is: smol's
//!   global executor never drops its tasks, so B's destructor never runs.
//!   `--own-executor` spawns them on an `Executor` main owns and drops: B ends
//!   `cancelled`, its destructor run by the drop. `--drop-tasks` drops each `Task`
//!   instead of detaching it: a dropped smol `Task` is cancelled, so no job ever starts.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use futures::future::join_all;
use shared::{Job, JobError};
use smol::{Executor, Task, Timer};

/// A spawned job: its number, and the task that yields its result.
pub type Spawned = (usize, Task<Result<String, JobError>>);

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
    // Each job starts running now, on smol's global executor, as long as its `Task` is
    // kept: dropping a smol `Task` cancels it.
    let tasks = jobs
        .into_iter()
        .map(|job| (job.id(), smol::spawn(job.run(Timer::after))))
        .collect();
    await_each(tasks).await
}

/// `loop.create_task(job)`: spawns on an `Executor` you own. Its tasks run only while
/// someone drives it (`ex.run(..)` or `ex.tick()`), on the threads you choose, and
/// dropping it cancels whatever is left: a scope for tasks, or a pool of your own.
pub fn spawn_on(ex: &Executor<'_>, jobs: Vec<Job>) -> Vec<Spawned> {
    tracing::info!("main: spawning {} jobs on its own Executor", jobs.len());
    jobs.into_iter()
        .map(|job| (job.id(), ex.spawn(job.run(Timer::after))))
        .collect()
}

/// Spawns the jobs, does main's own work of `main_delay` while they run, then awaits them.
pub async fn background(jobs: Vec<Job>, main_delay: Duration) -> Awaited {
    let tasks = jobs
        .into_iter()
        .map(|job| (job.id(), smol::spawn(job.run(Timer::after))))
        .collect();
    main_work(main_delay).await;
    await_each(tasks).await
}

/// Fire and forget: spawns and detaches the jobs, does main's own work, returns.
pub async fn forget(jobs: Vec<Job>, main_delay: Duration) {
    for job in jobs {
        // `.detach()` lets the task run on without its `Task`; nobody will ever see its
        // result or its error.
        smol::spawn(job.run(Timer::after)).detach();
    }
    main_work(main_delay).await;
    tracing::info!("main: returning without awaiting the tasks");
}

/// The same, on an `Executor` main owns (and must keep driving while the jobs run).
pub async fn forget_on(ex: &Executor<'_>, jobs: Vec<Job>, main_delay: Duration) {
    for job in jobs {
        ex.spawn(job.run(Timer::after)).detach();
    }
    main_work(main_delay).await;
    tracing::info!("main: returning without awaiting the tasks");
}

/// WRONG, don't do this: `let _ = smol::spawn(..)` drops the `Task` at once, which
/// cancels it, so the job never runs. Fire and forget in smol needs `.detach()`.
// Clippy's `let_underscore_future` lint catches this mistake; it is allowed here only
// because showing the mistake is the point of this function.
#[allow(clippy::let_underscore_future)]
pub async fn drop_tasks(jobs: Vec<Job>, main_delay: Duration) {
    for job in jobs {
        let _ = smol::spawn(job.run(Timer::after));
    }
    main_work(main_delay).await;
    tracing::info!("main: returning without awaiting the tasks");
}

/// Awaits each task in spawn order. The first error stops it: main has not looked at the
/// later tasks yet, so they are cancelled, and awaited until they have stopped.
pub async fn await_each(tasks: Vec<Spawned>) -> Awaited {
    let mut results = Vec::new();
    let mut tasks = tasks.into_iter();
    while let Some((id, task)) = tasks.next() {
        match joined(id, task).await {
            Ok(value) => results.push(value),
            Err(err) => {
                // Dropping a smol `Task` cancels it, but does not wait; `cancel().await`
                // returns once the task has really stopped (at once for a task that has
                // ended), so no job is left running behind main's back.
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
async fn joined(id: usize, task: Task<Result<String, JobError>>) -> Result<String, JobError> {
    // smol catches a task's panic and raises it again in whoever awaits the task: catch it
    // here and turn it into an error, as tokio's `JoinError` does.
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
    Timer::after(duration).await;
    tracing::info!("main: its own work is done");
}
