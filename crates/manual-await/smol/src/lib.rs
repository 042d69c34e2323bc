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
//! - With `--panic 2`, the report says `job 2 panicked`, as with `--fail 2`: `main.rs`
//!   catches each job's panic and hands it over as an error. A panic that reaches
//!   [`await_each`] is a bug, not an error: it stops the later tasks as on an error, then
//!   raises the panic again in main.
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

// The variants shown for comparison (`handle`, `background`, `forgotten`), never to copy.
pub mod compare;

// ANCHOR: copy
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::thread;

use futures::FutureExt as _;
use futures::channel::oneshot;
use futures::future::join_all;
use smol::Task;

/// A spawned job: its task, and where the task hands over what the job returned.
///
/// Why the task does not simply return the job's output: smol's `cancel().await` gives
/// `None`, and throws the output away, if the task completes while it is being cancelled
/// (async-task has marked it closed by then). A job that failed at that instant would be
/// reported as cancelled. Handed over from inside the task, in the poll in which the job
/// ends, the output is out of the task before the task can complete.
#[derive(Debug)]
pub struct Spawned<O> {
    task: Task<()>,
    output: oneshot::Receiver<thread::Result<O>>,
}

/// What main received: the results in spawn order, up to the first error, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Awaited<T, E> {
    /// Job i's result is the i-th.
    pub results: Vec<T>,
    /// The error that stopped main awaiting, with the index of the job that returned it.
    pub error: Option<(usize, E)>,
    /// After that error, the jobs main had not awaited yet, by index in spawn order, and
    /// what became of each when main cancelled it.
    pub stopped: Vec<(usize, Stopped<Result<T, E>>)>,
}

/// What became of a task that main cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stopped<O> {
    /// The cancellation stopped it before its job ended.
    Cancelled,
    /// Its job had ended first (or in the same instant): what it returned, unused.
    Ended(O),
}

/// `tasks = [create_task(job) ...]; [await t for t in tasks]`.
///
/// # Panics
///
/// Raises a job's panic again, as [`await_each`] does.
pub async fn spawn_and_await<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Awaited<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    await_each(spawn_all(jobs)).await
}

/// `[create_task(job) ...]`: each job starts running now, on smol's global executor, as
/// long as its `Task` is kept: dropping a smol `Task` cancels it.
pub fn spawn_all<F>(jobs: impl IntoIterator<Item = F>) -> Vec<Spawned<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let spawn = |job| {
        let (run, output) = handing_over(job);
        let task = smol::spawn(run);
        Spawned { task, output }
    };
    jobs.into_iter().map(spawn).collect()
}

/// Awaits each task in spawn order. The first error stops it: main has not looked at the
/// later tasks yet, so they are cancelled, and awaited until they have stopped.
///
/// # Panics
///
/// A job's panic is raised again in the caller (`resume_unwind`) when main gets to its
/// task, once the later tasks have stopped as after an error; so is the panic of a job
/// that ended before main could stop it.
pub async fn await_each<T, E>(tasks: Vec<Spawned<Result<T, E>>>) -> Awaited<T, E> {
    let mut awaited = Awaited {
        results: Vec::new(),
        error: None,
        stopped: Vec::new(),
    };
    let mut tasks = tasks.into_iter().enumerate();
    while let Some((index, Spawned { task, mut output })) = tasks.next() {
        // The task ends right after it has handed over its job's output, or its panic.
        task.await;
        let Ok(Some(output)) = output.try_recv() else {
            unreachable!("a task that has ended has handed its output over");
        };
        match output {
            Ok(Ok(value)) => awaited.results.push(value),
            Ok(Err(err)) => {
                awaited.error = Some((index, err));
                let stopped = stop(tasks).await;
                awaited.stopped = stopped.unwrap_or_else(|p| panic::resume_unwind(p));
                break;
            }
            Err(payload) => {
                // The same clean-up as for an error, then the panic goes on in main, as if
                // main had run the job itself. (Another job's panic meanwhile is dropped.)
                let _ = stop(tasks).await;
                panic::resume_unwind(payload);
            }
        }
    }
    awaited
}

/// Makes `job` hand its output over itself, a panic included, in the poll in which it
/// completes: spawn the first half, and read the output from the second (see
/// [`Spawned`]). Once the task has stopped, the job's output is in the receiver, or the
/// job never completed.
fn handing_over<F: Future>(
    job: F,
) -> (
    impl Future<Output = ()>,
    oneshot::Receiver<thread::Result<F::Output>>,
) {
    let (handed, output) = oneshot::channel();
    let run = async move {
        // smol would catch the panic too, but only to raise it again in whoever awaits the
        // task, and a cancellation could drop it with the output (see [`Spawned`]). Caught
        // here, it is handed over like any other output, to be raised again in main: as
        // if nothing had caught it, which is why asserting unwind safety is sound.
        let result = AssertUnwindSafe(job).catch_unwind().await;
        // The receiver only goes away with main's interest in the output.
        let _ = handed.send(result);
    };
    (run, output)
}

/// Stops the tasks main has not awaited, waits until each has, and says what became of
/// each; `Err` holds the first panic, if a job panicked before it could be stopped.
async fn stop<O>(
    tasks: impl Iterator<Item = (usize, Spawned<O>)>,
) -> thread::Result<Vec<(usize, Stopped<O>)>> {
    // Dropping a smol `Task` cancels it, but does not wait; `cancel().await` returns once
    // the task has really stopped (at once for a task that has ended), so no job is left
    // running behind main's back. What it returns does not tell a job that ended at this
    // very moment from a cancelled one (see [`Spawned`]); what the task handed over does.
    let cancel = |(index, Spawned { task, mut output })| async move {
        task.cancel().await;
        (index, output.try_recv().ok().flatten())
    };
    let ended = join_all(tasks.map(cancel)).await;
    let mut stopped = Vec::with_capacity(ended.len());
    let mut panicked = None;
    for (index, output) in ended {
        match output {
            None => stopped.push((index, Stopped::Cancelled)),
            Some(Ok(output)) => stopped.push((index, Stopped::Ended(output))),
            Some(Err(payload)) => panicked = panicked.or(Some(payload)),
        }
    }
    panicked.map_or(Ok(stopped), Err)
}
// ANCHOR_END: copy
