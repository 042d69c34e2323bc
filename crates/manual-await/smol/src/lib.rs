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
//! - Their 20 `finished` lines come in spawn order, as on CPython: smol's global executor
//!   has one thread, which runs the jobs in the order their timers fire. With
//!   `SMOL_THREADS=4` they interleave, as on tokio.
//! - With `--delays 3,1,2,4 --fail 2`, C fails at 2 s, but main hears of it at 3 s, when it
//!   gets to C's task after A's. D is still running then: main cancels it and waits
//!   until it has stopped, so D ends `cancelled`. A task that ends just as main cancels it
//!   keeps its result: each task hands its job's result over itself (see [`Spawned`]).
//! - `handle`: the jobs run on an `Executor` that main owns, and only while main drives
//!   it with `ex.run(..)`: here on thread `main`, not on smol's own threads.
//! - `background`: main's own steps are logged on thread `main`, the jobs on smol's own
//!   thread, `smol-1`, at the same time.
//! - `forgotten`: each task is `.detach()`ed, so it runs on: A finishes although nobody
//!   awaits it. When main returns, the process exits and abandons B where it is: smol's
//!   global executor never drops its tasks, so B's destructor never runs.
//!   `--own-executor` spawns them on an `Executor` main owns and drops: B ends
//!   `cancelled`, its destructor run by the drop. `--drop-tasks` drops each `Task`
//!   instead of detaching it: a dropped smol `Task` is cancelled, so no job runs to its
//!   end. Whether a job got to run first, up to its first `.await`, is a race with smol's
//!   executor thread, which may pick the task up between `spawn` and the drop: then the
//!   job records `started`, and `cancelled` at the drop.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::thread;
use std::time::Duration;

use futures::FutureExt as _;
use futures::channel::oneshot;
use futures::future::join_all;
use shared::{Job, JobError};
use smol::{Executor, Task, Timer};

/// A spawned job: its number, its task, and where the task hands over what the job
/// returned.
///
/// Why the task does not simply return the job's result: smol's `cancel().await` gives
/// `None`, and throws the output away, if the task completes while it is being cancelled
/// (async-task has marked it closed by then). A job that failed at that instant would be
/// reported as cancelled. Handed over from inside the task, in the poll in which the job
/// ends, the result is out of the task before the task can complete.
#[derive(Debug)]
pub struct Spawned {
    id: usize,
    task: Task<()>,
    output: Handed,
}

/// Where a job's task hands over what the job returned, or its panic.
type Handed = oneshot::Receiver<thread::Result<Result<String, JobError>>>;

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

/// `[create_task(job) ...]`: each job starts running now, on smol's global executor, as
/// long as its `Task` is kept: dropping a smol `Task` cancels it.
pub fn spawn_all(jobs: Vec<Job>) -> Vec<Spawned> {
    jobs.into_iter()
        .map(|job| {
            let id = job.id();
            let (run, output) = handing_over(job.run(Timer::after));
            let task = smol::spawn(run);
            Spawned { id, task, output }
        })
        .collect()
}

/// `loop.create_task(job)`: spawns on an `Executor` you own. Its tasks run only while
/// someone drives it (`ex.run(..)` or `ex.tick()`), on the threads you choose, and
/// dropping it cancels whatever is left: a scope for tasks, or a pool of your own.
pub fn spawn_on(ex: &Executor<'_>, jobs: Vec<Job>) -> Vec<Spawned> {
    tracing::info!("main: spawning {} jobs on its own Executor", jobs.len());
    jobs.into_iter()
        .map(|job| {
            let id = job.id();
            let (run, output) = handing_over(job.run(Timer::after));
            let task = ex.spawn(run);
            Spawned { id, task, output }
        })
        .collect()
}

/// Spawns the jobs, does main's own work of `main_delay` while they run, then awaits them.
pub async fn background(jobs: Vec<Job>, main_delay: Duration) -> Awaited {
    let tasks = spawn_all(jobs);
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
/// cancels it: the job never runs to its end. (It may run up to its first `.await`, if an
/// executor thread picks the task up before the drop: a race.) Fire and forget in smol
/// needs `.detach()`.
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
    while let Some(spawned) = tasks.next() {
        match joined(spawned).await {
            Ok(value) => results.push(value),
            Err(err) => {
                // Dropping a smol `Task` cancels it, but does not wait; `cancel().await`
                // returns once the task has really stopped (at once for a task that has
                // ended), so no job is left running behind main's back.
                let stopped = join_all(tasks.map(cancelled)).await;
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

/// Makes `future` hand its output over itself, a panic included, in the poll in which it
/// completes: spawn the first half, and read the output from the second (see
/// [`Spawned`]). Once the task has stopped, its future's output is in the receiver, or
/// the future never completed.
fn handing_over<F>(
    future: F,
) -> (
    impl Future<Output = ()>,
    oneshot::Receiver<thread::Result<F::Output>>,
)
where
    F: Future,
{
    let (handed, output) = oneshot::channel();
    let run = async move {
        // smol would catch the panic too, but only to raise it again in whoever awaits
        // the task; caught here, it is handed over like any other output.
        let result = AssertUnwindSafe(future).catch_unwind().await;
        // The receiver only goes away with main's interest in the result.
        let _ = handed.send(result);
    };
    (run, output)
}

/// Waits for one spawned job and returns what it returned.
async fn joined(Spawned { id, task, output }: Spawned) -> Result<String, JobError> {
    // The task ends right after it has handed its job's result over.
    task.await;
    handed(id, output).unwrap_or(Err(JobError::Panicked(id)))
}

/// Cancels one spawned job, waits until it has stopped, and says what became of it.
async fn cancelled(Spawned { id, task, output }: Spawned) -> (usize, Stopped) {
    // `cancel().await` returns once the task has stopped. What it returns does not tell a
    // job that ended at this very moment from a cancelled one (see [`Spawned`]); what the
    // task handed over does.
    task.cancel().await;
    match handed(id, output) {
        Some(result) => (id, Stopped::Ended(result)),
        None => (id, Stopped::Cancelled),
    }
}

/// What a stopped task handed over: its job's result, or `job i panicked` for a panic;
/// `None` if the job never ended.
fn handed(id: usize, mut output: Handed) -> Option<Result<String, JobError>> {
    let result = output.try_recv().ok().flatten()?;
    Some(result.unwrap_or(Err(JobError::Panicked(id))))
}

/// Main's own work while the tasks run: here a sleep, logged so that its thread shows.
async fn main_work(duration: Duration) {
    let seconds = duration.as_secs_f64();
    tracing::info!("main: doing its own work for {seconds:.2}s while the tasks run");
    Timer::after(duration).await;
    tracing::info!("main: its own work is done");
}
