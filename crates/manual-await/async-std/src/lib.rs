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
//! - Their 20 `finished` lines come in another order on each run: the 20 timers expire in
//!   the same millisecond, and the executor threads run the woken jobs in whatever order
//!   they take them. CPython, on one thread, wakes them in the order they were set.
//! - With `--delays 3,1,2,4 --fail 2`, C fails at 2 s, but main hears of it at 3 s, when it
//!   gets to C's handle after A's. D is still running then: main cancels it and waits
//!   until it has stopped, so D ends `cancelled`. A task that ends just as main cancels it
//!   keeps its result: each task hands its job's result over itself (see [`Spawned`]).
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

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::thread;
use std::time::Duration;

use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::channel::oneshot;
use futures::future::join_all;
use shared::{Job, JobError};

/// A spawned job: its number, its task, and where the task hands over what the job
/// returned.
///
/// Why the task does not simply return the job's result: async-std's `cancel().await`
/// gives `None`, and throws the output away, if the task completes while it is being
/// cancelled (async-task, under async-std, has marked it closed by then). A job that
/// failed at that instant would be reported as cancelled. Handed over from inside the
/// task, in the poll in which the job ends, the result is out of the task before the task
/// can complete.
#[derive(Debug)]
pub struct Spawned {
    id: usize,
    task: JoinHandle<()>,
    output: Handed,
}

/// Where a job's task hands over what the job returned, or its panic.
type Handed = oneshot::Receiver<thread::Result<Result<String, JobError>>>;

impl Spawned {
    /// The task's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.task.task().name()
    }
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

/// `[create_task(job) ...]`: each job starts running now, on the executor's threads,
/// whether or not anyone ever awaits its handle.
pub fn spawn_all(jobs: Vec<Job>) -> Vec<Spawned> {
    jobs.into_iter()
        .map(|job| {
            let id = job.id();
            let (run, output) = handing_over(job.run(task::sleep));
            let task = task::spawn(run);
            Spawned { id, task, output }
        })
        .collect()
}

/// The closest async-std has to `loop.create_task`: there is one global executor and no
/// handle to it, so `task::Builder` can only give each task a name (`task::spawn` works
/// from any thread already). A name helps when reading logs, panics and debuggers.
pub fn spawn_named(jobs: Vec<Job>) -> std::io::Result<Vec<Spawned>> {
    let mut tasks = Vec::new();
    for job in jobs {
        let id = job.id();
        let name = format!("job-{}", shared::job_name(id));
        let (run, output) = handing_over(job.run(task::sleep));
        let task = task::Builder::new().name(name).spawn(run)?;
        tasks.push(Spawned { id, task, output });
    }
    let names: Vec<&str> = tasks.iter().filter_map(Spawned::name).collect();
    tracing::info!("main: spawned tasks named {}", names.join(", "));
    Ok(tasks)
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
    while let Some(spawned) = tasks.next() {
        match joined(spawned).await {
            Ok(value) => results.push(value),
            Err(err) => {
                // A dropped handle would let its task run on behind main's back: cancel
                // each one. `cancel().await` returns once the task has really stopped (at
                // once for a task that has ended).
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
        // async-std would catch the panic too, but only to raise it again in whoever
        // awaits the handle; caught here, it is handed over like any other output.
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
    task::sleep(duration).await;
    tracing::info!("main: its own work is done");
}
