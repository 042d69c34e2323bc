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
//! - With `--panic 2`, the report says `job 2 panicked`, as with `--fail 2`: `main.rs`
//!   catches each job's panic and hands it over as an error. A panic that reaches
//!   [`await_each`] is a bug, not an error: it stops the later tasks as on an error, then
//!   raises the panic again in main.
//! - `handle`: main spawns from plain, non-async code through the runtime's `Handle`.
//! - `background`: main's own steps are logged on thread `main`, the jobs on
//!   `tokio-rt-worker` threads, at the same time.
//! - `forgotten`: the handles are dropped. A dropped tokio `JoinHandle` detaches its task,
//!   which runs on: A finishes although nobody awaits it. When main is done, the runtime
//!   shuts down and drops the tasks still pending; their destructors run, so B ends
//!   `cancelled`.

// The variants shown for comparison (`handle`, `background`, `forgotten`), never to copy.
pub mod compare;

// ANCHOR: copy
use std::future::Future;
use std::{panic, thread};
use tokio::task::{JoinError, JoinHandle};

/// A spawned job's handle, which yields what the job returned.
///
/// tokio stores the output of a task whose future completes, also in the poll during
/// which it was aborted, and awaiting the handle then gives that output, not a
/// cancellation. (The async-std and smol versions need more: their `cancel()` drops such
/// an output.)
pub type Spawned<O> = JoinHandle<O>;

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

/// `[create_task(job) ...]`: each job starts running now, on the runtime's worker
/// threads, whether or not anyone ever awaits its handle.
pub fn spawn_all<F>(jobs: impl IntoIterator<Item = F>) -> Vec<Spawned<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    jobs.into_iter().map(tokio::spawn).collect()
}

/// Awaits each handle in spawn order. The first error stops it: main has not looked at the
/// later handles yet, so their tasks are aborted, and awaited until they have stopped.
///
/// # Panics
///
/// A job's panic is raised again in the caller (`resume_unwind`) when main gets to its
/// handle, once the later tasks have stopped as after an error; so is the panic of a job
/// that ended before main could stop it.
pub async fn await_each<T, E>(tasks: Vec<Spawned<Result<T, E>>>) -> Awaited<T, E> {
    let mut awaited = Awaited {
        results: Vec::new(),
        error: None,
        stopped: Vec::new(),
    };
    let mut tasks = tasks.into_iter().enumerate();
    while let Some((index, task)) = tasks.next() {
        // Nothing aborts this task while main waits for it: a `JoinError` is its panic (if
        // the runtime shut down under us, `into_panic` panics with that).
        match task.await.map_err(JoinError::into_panic) {
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

/// Stops the tasks main has not awaited, waits until each has, and says what became of
/// each; `Err` holds the first panic, if a job panicked before it could be stopped.
async fn stop<O>(
    tasks: impl Iterator<Item = (usize, Spawned<O>)>,
) -> thread::Result<Vec<(usize, Stopped<O>)>> {
    // A dropped handle would let its task run on behind main's back: abort each one
    // (aborting a finished task does nothing). `abort` only asks; the task stops at its
    // next `.await`, so await the handle to know it has stopped.
    let tasks: Vec<_> = tasks.collect();
    for (_, task) in &tasks {
        task.abort();
    }
    let mut stopped = Vec::with_capacity(tasks.len());
    let mut panicked = None;
    for (index, task) in tasks {
        // An abort that came too late changes nothing: the handle gives what the job
        // returned (see [`Spawned`]), or its panic.
        match task.await {
            Ok(output) => stopped.push((index, Stopped::Ended(output))),
            Err(err) if err.is_cancelled() => stopped.push((index, Stopped::Cancelled)),
            Err(err) => panicked = panicked.or(Some(err.into_panic())),
        }
    }
    panicked.map_or(Ok(stopped), Err)
}
// ANCHOR_END: copy
