//! `asyncio.wait_for` and `asyncio.timeout` on async-std: give work a deadline, and make
//! sure that what the deadline interrupts is really stopped.
//!
//! ```python
//! async def main():
//!     result = await asyncio.wait_for(fetch("A", 10), timeout=2)         # wait-for
//!     results = await asyncio.wait_for(asyncio.gather(*coros), timeout=3)  # gather
//!     async with asyncio.timeout(3):                                      # scope
//!         for coro in coros:
//!             results.append(await coro)
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p timeout-async-std
//! cargo run -p timeout-async-std -- --timeout 12
//! cargo run -p timeout-async-std -- --scenario gather
//! cargo run -p timeout-async-std -- --scenario scope
//! cargo run -p timeout-async-std -- --json --scenario gather --delays 0.1,0.2,0.5 --timeout 0.3
//! ```
//!
//! What to notice:
//!
//! - `wait-for`: the 10 s job is stopped after 2 s and ends `cancelled`: `Time: 2.00s`.
//! - `gather`: one deadline (3 s) over three jobs: A (1 s) and B (2 s) finish, C (5 s) is
//!   cancelled, and the caller gets the timeout, not A's and B's results, as in Python.
//! - `scope`: the jobs run one after another inside one 3 s deadline: A is done at 1 s,
//!   B is cancelled at 3 s, in flight, and C never starts. B was due at 3 s too, a
//!   moment after the deadline: the scope checks its deadline first, as Python would.
//! - `async_std::future::timeout` cancels the future it wraps by dropping it. Around a
//!   spawned task's `JoinHandle` that only stops the *waiting*: the task runs on.
//!   `wait_for` and `gather` therefore cancel the task themselves with `cancel().await`,
//!   which returns once it has stopped.
//! - The jobs run on async-std's executor threads (`async-std/runtime`); the `scope` jobs
//!   run on `main`, inside the task that awaits them.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use async_std::future::{TimeoutError, timeout};
use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::future::{Either, join_all, select, try_join_all};
use shared::{Job, JobError};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::time::Duration;

/// A spawned job: its number, and the handle that yields its result.
type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// `await asyncio.wait_for(job, limit)`: the job's result or error if it ends within
/// `limit`, else `Err(TimeoutError)` once the job has been cancelled.
pub async fn wait_for(job: Job, limit: Duration) -> Result<Result<String, JobError>, TimeoutError> {
    // `wait_for` runs its coroutine as a task; so do we.
    let mut task: Spawned = (job.id(), task::spawn(job.run(task::sleep)));

    // Only the *waiting* is under the deadline: `timeout` wraps `joined(&mut task)`, and
    // on expiry it drops that future, which borrows the handle, not the task.
    let result = timeout(limit, joined(&mut task)).await;

    // The trap: an async-std task does not stop when its handle stops being awaited (or
    // is dropped: that detaches it). Left alone, the job would run on for 8 more seconds
    // behind our back. So cancel it: `cancel().await` returns once the task has stopped.
    if result.is_err() {
        task.1.cancel().await;
    }
    result
}

/// `await asyncio.wait_for(asyncio.gather(*jobs), limit)`: every job under one deadline.
/// Their results in input order; or the first error, or `Err(TimeoutError)`, once every
/// job still running has been cancelled.
pub async fn gather(
    jobs: Vec<Job>,
    limit: Duration,
) -> Result<Result<Vec<String>, JobError>, TimeoutError> {
    // Spawn every job, like `asyncio.gather` wraps each coroutine in a task.
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
        .collect();

    // One deadline over the whole gather: `try_join_all` keeps the input order and
    // returns at the first error; `timeout` cuts it short at the deadline.
    let result = timeout(limit, try_join_all(tasks.iter_mut().map(joined))).await;

    // On a timeout or an error, cancel whatever is still running. `cancel().await`
    // returns once each task has really stopped (at once for a task that has finished).
    if !matches!(result, Ok(Ok(_))) {
        join_all(tasks.into_iter().map(|(_, task)| task.cancel())).await;
    }
    result
}

/// The deadline of a [`scope`] passed before its work was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedOut;

/// `async with asyncio.timeout(limit):` around jobs awaited one after another. The
/// results of the jobs done before the deadline are pushed to `results`; the job in
/// flight at the deadline is cancelled and the later ones never start.
pub async fn scope(
    jobs: Vec<Job>,
    limit: Duration,
    results: &mut Vec<String>,
) -> Result<Result<(), JobError>, TimedOut> {
    // A timeout scope is a deadline around an `async` block: every `.await` inside it
    // shares the one deadline. Nothing is spawned, so nothing can be left running: at
    // the deadline the block is dropped, and with it the job it was awaiting.
    let steps = async {
        for job in jobs {
            let id = job.id();
            // The job runs inside this task, so its panic would be ours: catch it, as
            // `joined` does for a spawned task.
            let result = AssertUnwindSafe(job.run(task::sleep))
                .catch_unwind()
                .await
                .unwrap_or(Err(JobError::Panicked(id)));
            results.push(result?);
        }
        Ok(())
    };
    // Why not `timeout(limit, steps)`: it polls the work before the deadline. Each step's
    // timer is set after the deadline was, so a step due at the deadline (1 s + 2 s under
    // 3 s) is really due just after it, and Python cancels it; but both often come due in
    // the same wake-up, and then `timeout` would let the step finish. `select` polls its
    // first future first: the deadline.
    match select(pin!(task::sleep(limit)), pin!(steps)).await {
        Either::Left(_) => Err(TimedOut),
        Either::Right((done, _)) => Ok(done),
    }
}

/// Waits for one spawned job and returns what it returned.
async fn joined((id, task): &mut Spawned) -> Result<String, JobError> {
    // async-std catches a task's panic and raises it again in whoever awaits the handle:
    // catch it here and turn it into an error, as tokio's `JoinError` does.
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(*id)))
}
