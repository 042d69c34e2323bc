//! `asyncio.wait` on smol: wait on running tasks until all, the first, or the first
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
//! cargo run -p wait-smol
//! cargo run -p wait-smol -- --scenario first-completed
//! cargo run -p wait-smol -- --scenario first-exception --fail 0
//! cargo run -p wait-smol -- --scenario timeout --timeout 1.5
//! cargo run -p wait-smol -- --json --scenario first-exception --delays 0.2,0.1,0.3 --panic 0
//! ```
//!
//! What to notice:
//!
//! - `first-completed` returns after 1 s with B done and A, C pending; `timeout` returns
//!   after 1.5 s with the same two sets; `all` after 3 s. `done` lists the jobs in the order
//!   they completed (Python hands back an unordered set).
//! - `wait` never raises: a failed job is in `done` with its error, and so is a panicked one
//!   (`job 0 panicked`), since `main.rs` catches each job's panic. A panic that reaches
//!   `wait` is a bug: it cancels every task, waits until they have stopped, and raises it.
//! - `wait` looks at the clock only once every task has started (each drops its end of a
//!   channel in its first poll), as Python's does: with `--timeout 0`, every job starts,
//!   and is then cancelled.
//! - Python's `wait` leaves the pending tasks running; this program then cancels them and
//!   waits until they have stopped, so A and C end `cancelled`. A dropped smol `Task` is
//!   cancelled, but the drop does not wait for it to stop.
//! - The jobs run on one thread, `smol-1`: `smol::spawn` hands them to smol's global
//!   executor, which runs a single thread unless `SMOL_THREADS` asks for more.

// ANCHOR: copy
use futures::FutureExt as _;
use futures::future::join_all;
use smol::channel::{self, Receiver};
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::{Task, Timer, future};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// When [`wait`] returns: Python's `return_when`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnWhen {
    /// `ALL_COMPLETED`: when every task is done.
    AllCompleted,
    /// `FIRST_COMPLETED`: when any task is done.
    FirstCompleted,
    /// `FIRST_EXCEPTION`: when any task fails, or else when every task is done.
    FirstException,
}

/// A done job: its index in the input, and what it returned.
pub type Done<T, E> = (usize, Result<T, E>);

/// What a task hands over: its job's index, and what the job returned, or its panic.
type Ended<T, E> = (usize, std::thread::Result<Result<T, E>>);

/// The running jobs: Python's list of tasks.
#[derive(Debug)]
pub struct Tasks<T, E> {
    /// The tasks, by index.
    handles: Vec<Task<()>>,
    /// Closes once every task has started: each drops its sender in its first poll.
    started: Receiver<()>,
    /// Each task hands over its job's index and result, in the order they complete.
    ends: Receiver<Ended<T, E>>,
    /// Whether each job's result has been handed back, by index.
    received: Vec<bool>,
}

/// Spawns every job, like `asyncio.create_task`: each starts when an executor thread polls it.
///
/// # Panics
///
/// Never itself: a job's panic comes out of [`wait`] or [`cancel`].
pub fn spawn_all<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Tasks<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let ((starting, started), (ended, ends)) = (channel::unbounded(), channel::unbounded());
    let handles: Vec<_> = (jobs.into_iter().enumerate())
        .map(|(index, job)| {
            let (starting, ended) = (starting.clone(), ended.clone());
            // The sender is dropped in the same poll as the job's first step: even if the
            // task is cancelled now, that poll goes on, so a job that `wait` saw start does
            // start. The result is handed over from inside the task (see `Tasks::stop`), and
            // a panic is only carried to the caller, who raises it again.
            // Combinators, not `async move { ... job.await ... }`: an async block would keep
            // the job twice, once captured and once being awaited (rust-lang/rust#62958),
            // and double every task's memory. `then` runs the job in the same poll as `lazy`.
            let run = futures::future::lazy(move |_| drop(starting))
                .then(move |()| AssertUnwindSafe(job).catch_unwind())
                .map(move |result| {
                    let _ = ended.try_send((index, result));
                });
            smol::spawn(run)
        })
        .collect();
    let received = vec![false; handles.len()];
    Tasks {
        handles,
        started,
        ends,
        received,
    }
}

/// `done, pending = await asyncio.wait(tasks, return_when=..., timeout=...)`: waits until
/// `return_when` holds or `timeout` passes, then returns the done jobs in the order they
/// completed, and the indices of the pending ones. The pending tasks stay in `tasks`, still
/// running: what happens to them is the caller's choice, as in Python.
///
/// # Panics
///
/// Python's `wait` never raises, but a panic is a bug, not a result: if a job panics, `wait`
/// cancels every task, waits until they have stopped, then raises the panic again.
pub async fn wait<T, E>(
    tasks: &mut Tasks<T, E>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> (Vec<Done<T, E>>, Vec<usize>) {
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    // Python's `wait` cannot return before every task has run its first step (they were
    // scheduled before its timer), while a smol task starts when a thread gets to it: so
    // wait until every task has dropped its sender, then look at the condition and clock.
    let _ = tasks.started.recv().await;
    let (mut done, mut failed) = (Vec::new(), false);
    loop {
        let holds = match return_when {
            // Holds once every task is done: the loop ends when `recv` says so.
            ReturnWhen::AllCompleted => false,
            ReturnWhen::FirstCompleted => !done.is_empty(),
            ReturnWhen::FirstException => failed,
        };
        if holds {
            break;
        }
        let ended = match deadline {
            // futures-lite has no timeout function: `or` races the next end against a
            // timer, and polls it first, so a job done at the deadline counts. If the
            // deadline wins, dropping `recv()` loses nothing: it is cancel-safe.
            Some(deadline) => {
                let expired = async {
                    Timer::at(deadline).await;
                    None
                };
                match future::or(async { Some(tasks.ends.recv().await) }, expired).await {
                    Some(ended) => ended,
                    None => break,
                }
            }
            None => tasks.ends.recv().await,
        };
        // `Err`: the channel is empty and closed (every task has dropped its sender), every
        // task is done.
        let Ok(ended) = ended else { break };
        let (index, result) = tasks.take(ended).await;
        failed |= result.is_err();
        done.push((index, result));
    }
    // Python's `done` is every task done when `wait` returns: take the ones that completed
    // at the same moment too, without waiting for any other.
    while let Ok(ended) = tasks.ends.try_recv() {
        done.push(tasks.take(ended).await);
    }
    let pending = (0..tasks.received.len()).filter(|&index| !tasks.received[index]);
    (done, pending.collect())
}

/// Cancels every task still pending, waits until each one has stopped, and returns the
/// results of the jobs that completed meanwhile: a job can end at the very moment it is
/// cancelled, and its result is not lost.
///
/// # Panics
///
/// If a job panicked, the panic is raised again once every task has stopped.
pub async fn cancel<T, E>(mut tasks: Tasks<T, E>) -> Vec<Done<T, E>> {
    tasks.stop().await;
    let mut late = Vec::new();
    while let Ok(ended) = tasks.ends.try_recv() {
        late.push(tasks.take(ended).await);
    }
    late
}

impl<T, E> Tasks<T, E> {
    /// Takes in what a task handed over: a job's result is marked received and returned,
    /// and a panic is raised again once every task has stopped.
    async fn take(&mut self, (index, ended): Ended<T, E>) -> Done<T, E> {
        match ended {
            Ok(result) => {
                self.received[index] = true;
                (index, result)
            }
            Err(payload) => {
                self.stop().await;
                panic::resume_unwind(payload)
            }
        }
    }

    /// Cancels every task, and waits until each one has stopped.
    async fn stop(&mut self) {
        // Dropping a smol `Task` cancels it without waiting; `cancel().await` returns once
        // it has stopped. What that returns is not the result: async-task, which runs
        // smol's tasks, drops the output of a task that completes on another thread after
        // `cancel()` has marked it closed. What a task has handed over stays ours.
        join_all(self.handles.drain(..).map(Task::cancel)).await;
    }
}
// ANCHOR_END: copy
