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
//! - `wait` never raises: a failed or panicked job is in `done` with its error, and the
//!   outcome is `ok` in every scenario.
//! - `first-completed` returns after 1 s with B done and A, C pending; `timeout` returns
//!   after 1.5 s with the same two sets; `all` after 3 s. `done` lists the jobs in the order
//!   they completed (Python hands back an unordered set).
//! - Each task hands its job's result over itself, on a channel, and says when it has
//!   started: `wait` reads the channel, so the results come in completion order, and it
//!   looks at the clock only once every task has started, as Python's `wait` does (with
//!   `--timeout 0`, every job starts, and is then cancelled).
//! - Python's `wait` leaves the pending tasks running. This program then cancels them and
//!   waits until they have stopped, so A and C end `cancelled` and nothing runs on behind
//!   main's back. A dropped smol `Task` is cancelled, but the drop does not wait for it to
//!   stop; `cancel().await` does.
//! - The jobs run on one thread, `smol-1`: `smol::spawn` hands them to smol's global
//!   executor, which runs a single thread unless `SMOL_THREADS` asks for more.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures::future::join_all;
use shared::{Job, JobError};
use smol::channel::{self, Receiver, Sender};
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::future::{self, FutureExt as _};
use smol::{Task, Timer};

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
    /// Each task's job number, by its place in spawn order.
    jobs: Vec<usize>,
    /// The tasks, by place.
    handles: Vec<Task<()>>,
    /// What the tasks tell: that one has started, or what one's job gave.
    steps: Receiver<Step>,
    /// How many tasks have not said yet that they have started.
    unstarted: usize,
    /// Whether each task's result has been handed back, by place.
    received: Vec<bool>,
}

/// What a task tells [`wait`].
#[derive(Debug)]
enum Step {
    /// The task has taken its first step (it is taking it, on another thread).
    Started,
    /// The job in this place gave this.
    Ended(usize, Result<String, JobError>),
}

/// Spawns every job, like `asyncio.create_task`: each one starts as soon as a thread of
/// the executor polls it.
pub fn spawn_all(jobs: Vec<Job>) -> Tasks {
    let (tell, steps) = channel::unbounded();
    let mut tasks = Tasks {
        jobs: jobs.iter().map(Job::id).collect(),
        handles: Vec::with_capacity(jobs.len()),
        steps,
        unstarted: jobs.len(),
        received: vec![false; jobs.len()],
    };
    for (place, job) in jobs.into_iter().enumerate() {
        tasks
            .handles
            .push(smol::spawn(telling(job, place, tell.clone())));
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
    let (mut done, mut failed) = (Vec::new(), false);
    let mut left = tasks.received.iter().filter(|&&received| !received).count();
    loop {
        // Python's `wait` cannot return before every task has run its first step (they
        // were scheduled before its timer), while a smol task starts when a thread gets to
        // it: so the condition and the clock count only once every task has started.
        let started = tasks.unstarted == 0;
        let holds = match return_when {
            ReturnWhen::AllCompleted => left == 0,
            ReturnWhen::FirstCompleted => !done.is_empty() || left == 0,
            ReturnWhen::FirstException => failed || left == 0,
        };
        if started && holds {
            break;
        }
        let step = match deadline {
            // futures-lite has no timeout function: race the next step against a timer
            // with `or` (which polls its first future first, so a result that is ready at
            // the deadline still counts). The loser is dropped, which loses nothing:
            // `recv` is cancel-safe, and a task that has not completed stays in `tasks`.
            Some(deadline) if started => {
                let expired = async {
                    Timer::at(deadline).await;
                    None
                };
                match future::or(async { Some(tasks.steps.recv().await) }, expired).await {
                    Some(step) => step,
                    None => break,
                }
            }
            _ => tasks.steps.recv().await,
        };
        // `Err`: the channel is closed, every task has ended (it cannot happen before
        // every result is in, since `tasks` holds the receiver).
        let Ok(step) = step else { break };
        if let Some((job, result)) = tasks.step(step) {
            failed |= result.is_err();
            left -= 1;
            done.push((job, result));
        }
    }
    // Python's `done` is every task that is done when `wait` returns: take the tasks that
    // completed at the same moment too, without waiting for any other.
    while let Ok(step) = tasks.steps.try_recv() {
        done.extend(tasks.step(step));
    }
    let pending = tasks
        .jobs
        .iter()
        .zip(&tasks.received)
        .filter_map(|(&job, &received)| (!received).then_some(job))
        .collect();
    (done, pending)
}

/// Cancels every task still pending, waits until each one has stopped, and returns what
/// the ones that completed meanwhile gave: a job can end at the very moment it is
/// cancelled, and its result is not lost.
pub async fn cancel(mut tasks: Tasks) -> Vec<Done> {
    // Dropping a smol `Task` cancels it, but does not wait; `cancel().await` returns once
    // the task has really stopped (at once for a task that is done), so no job is left
    // running when this returns. What `cancel().await` returns is not the result: see
    // `telling`.
    join_all(
        std::mem::take(&mut tasks.handles)
            .into_iter()
            .map(Task::cancel),
    )
    .await;
    let mut late = Vec::new();
    while let Ok(step) = tasks.steps.try_recv() {
        late.extend(tasks.step(step));
    }
    late
}

impl Tasks {
    /// Takes in what a task told: a start is counted; a result is returned with its job's
    /// number, and marked as handed back.
    fn step(&mut self, step: Step) -> Option<Done> {
        match step {
            Step::Started => {
                self.unstarted -= 1;
                None
            }
            Step::Ended(place, result) => {
                self.received[place] = true;
                Some((self.jobs[place], result))
            }
        }
    }
}

/// A task's body: says that the task has started, runs `job`, and hands its result over,
/// from inside the task, in the poll in which the job ends (a panic is caught there too).
///
/// Why not take the result from the task: a job can end on another thread at the very
/// moment it is cancelled, and async-task (which runs smol's tasks) drops the output of a
/// task that completes after `cancel()` has marked it closed: `cancel().await` then says
/// `None`, as if the job had been cancelled. What the task has handed over stays ours.
async fn telling(job: Job, place: usize, tell: Sender<Step>) {
    // Said in the task's first poll, in the same poll as the job's first step. (An
    // unbounded channel never refuses a message while its receiver is alive.)
    let _ = tell.try_send(Step::Started);
    let id = job.id();
    let result = AssertUnwindSafe(job.run(Timer::after))
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    let _ = tell.try_send(Step::Ended(place, result));
}
