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
//!   waits until they have stopped, so A and C end `cancelled`. A dropped `JoinSet` aborts
//!   its tasks but does not wait for them; a dropped `JoinHandle` does not even abort.
//! - The jobs run on `tokio-rt-worker` threads: `JoinSet::spawn` is `tokio::spawn`.

// ANCHOR: copy
use futures::future::{self, FutureExt as _};
use std::future::Future;
use std::panic;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio::task::{JoinError, JoinSet};
use tokio::time::{Instant, timeout_at};

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

/// The running jobs: Python's list of tasks.
#[derive(Debug)]
pub struct Tasks<T, E> {
    /// Each task hands back its job's index and result, in the order they complete.
    set: JoinSet<Done<T, E>>,
    /// Closes once every task has started: each drops its sender in its first poll.
    started: UnboundedReceiver<()>,
    /// Whether each job's result has been handed back, by index.
    received: Vec<bool>,
}

/// Spawns every job, like `asyncio.create_task`: each starts when a worker thread polls it.
///
/// # Panics
///
/// Outside a tokio runtime, as `tokio::spawn` does. A job's panic comes out of [`wait`] or
/// [`cancel`].
pub fn spawn_all<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Tasks<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let (starting, started) = unbounded_channel();
    let set: JoinSet<_> = (jobs.into_iter().enumerate())
        .map(|(index, job)| {
            let starting = starting.clone();
            // The sender is dropped in the same poll as the job's first step: even if the
            // task is aborted now, that poll goes on, so a job that `wait` saw start does
            // start.
            // Combinators, not `async move { ... job.await ... }`: an async block would keep
            // the job twice, once captured and once being awaited (rust-lang/rust#62958),
            // and double every task's memory. `then` runs the job in the same poll as `lazy`.
            future::lazy(move |_| drop(starting))
                .then(move |()| job.map(move |output| (index, output)))
        })
        .collect();
    let received = vec![false; set.len()];
    Tasks {
        set,
        started,
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
pub async fn wait<T: 'static, E: 'static>(
    tasks: &mut Tasks<T, E>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> (Vec<Done<T, E>>, Vec<usize>) {
    let deadline = timeout.map(|timeout| Instant::now() + timeout);
    // Python's `wait` cannot return before every task has run its first step (they were
    // scheduled before its timer), while a tokio task starts when a worker gets to it: so
    // wait until every task has dropped its sender, then look at the condition and clock.
    tasks.started.recv().await;
    let (mut done, mut failed) = (Vec::new(), false);
    loop {
        let holds = match return_when {
            // Holds once every task is done: the loop ends when `join_next` says so.
            ReturnWhen::AllCompleted => false,
            ReturnWhen::FirstCompleted => !done.is_empty(),
            ReturnWhen::FirstException => failed,
        };
        if holds {
            break;
        }
        let joined = match deadline {
            // `timeout_at` polls `join_next` first, so a job done at the deadline counts.
            // If the deadline wins, dropping `join_next()` loses nothing: it is cancel-safe.
            Some(deadline) => match timeout_at(deadline, tasks.set.join_next()).await {
                Ok(joined) => joined,
                Err(_elapsed) => break,
            },
            None => tasks.set.join_next().await,
        };
        // `None`: the set is empty, every task is done.
        let Some(joined) = joined else { break };
        if let Some((index, result)) = tasks.take(joined).await {
            failed |= result.is_err();
            done.push((index, result));
        }
    }
    // Python's `done` is every task done when `wait` returns: take the ones that completed
    // at the same moment too, without waiting for any other.
    while let Some(joined) = tasks.set.try_join_next() {
        done.extend(tasks.take(joined).await);
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
pub async fn cancel<T: 'static, E: 'static>(mut tasks: Tasks<T, E>) -> Vec<Done<T, E>> {
    // `abort` only asks: a task stops at its next `.await`, and `join_next` hands it back
    // once it has. A task that completed first keeps its output whatever `abort` asked.
    // (Dropping the set would abort every task without waiting.)
    tasks.set.abort_all();
    let mut late = Vec::new();
    while let Some(joined) = tasks.set.join_next().await {
        late.extend(tasks.take(joined).await);
    }
    late
}

impl<T: 'static, E: 'static> Tasks<T, E> {
    /// Takes in what a task handed back: a job's result is marked received and returned, a
    /// cancelled task gives nothing, and a panic is raised again once every task has stopped.
    async fn take(&mut self, joined: Result<Done<T, E>, JoinError>) -> Option<Done<T, E>> {
        match joined.map_err(JoinError::try_into_panic) {
            Ok((index, result)) => {
                self.received[index] = true;
                Some((index, result))
            }
            Err(Ok(payload)) => {
                // `shutdown` aborts every task still in the set, and waits for each.
                self.set.shutdown().await;
                panic::resume_unwind(payload)
            }
            Err(Err(_cancelled)) => None,
        }
    }
}
// ANCHOR_END: copy
