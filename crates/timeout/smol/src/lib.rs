//! `asyncio.wait_for` and `asyncio.timeout` on smol: give work a deadline, and make sure
//! that what the deadline interrupts is really stopped.
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
//! cargo run -p timeout-smol
//! cargo run -p timeout-smol -- --timeout 12
//! cargo run -p timeout-smol -- --scenario gather
//! cargo run -p timeout-smol -- --scenario scope
//! cargo run -p timeout-smol -- --json --scenario gather --delays 0.1,0.2,0.5 --timeout 0.3
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
//! - smol has no `timeout` function: [`timeout`] races the work against a `Timer` with
//!   `or`, and the loser is dropped. A dropped smol `Task` is cancelled, but the drop does
//!   not wait for it to stop, so `wait_for` and `gather` race only a borrow of their tasks
//!   and then cancel them with `cancel().await`, which does.
//! - The jobs run on a `smol-` thread, smol's global executor; the `scope` jobs run on
//!   `main`, inside the `block_on` that awaits them.

use futures::future::{join_all, try_join_all};
use shared::{Job, JobError};
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::future::FutureExt as _;
use smol::{Task, Timer};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// A spawned job: its number, and the task that yields its result.
type Spawned = (usize, Task<Result<String, JobError>>);

/// The deadline passed before the work was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedOut;

/// smol's `timeout`, which it does not have: race `work` against a timer. `or` returns
/// whichever finishes first (the work, if both are ready) and drops the other, which
/// cancels the work if the timer wins.
pub async fn timeout<T>(limit: Duration, work: impl Future<Output = T>) -> Result<T, TimedOut> {
    let deadline = async {
        Timer::after(limit).await;
        Err(TimedOut)
    };
    async { Ok(work.await) }.or(deadline).await
}

/// `await asyncio.wait_for(job, limit)`: the job's result or error if it ends within
/// `limit`, else `Err(TimedOut)` once the job has been cancelled.
pub async fn wait_for(job: Job, limit: Duration) -> Result<Result<String, JobError>, TimedOut> {
    // `wait_for` runs its coroutine as a task; so do we.
    let mut task: Spawned = (job.id(), smol::spawn(job.run(Timer::after)));

    // Only the *waiting* is under the deadline: `timeout` races `joined(&mut task)`, and
    // on expiry it drops that future, which borrows the task.
    let result = timeout(limit, joined(&mut task)).await;

    // Had we raced the `Task` itself, dropping it would have cancelled the job, but
    // without waiting for it to stop. `cancel().await` returns once it has.
    if result.is_err() {
        task.1.cancel().await;
    }
    result
}

/// `await asyncio.wait_for(asyncio.gather(*jobs), limit)`: every job under one deadline.
/// Their results in input order; or the first error, or `Err(TimedOut)`, once every job
/// still running has been cancelled.
pub async fn gather(
    jobs: Vec<Job>,
    limit: Duration,
) -> Result<Result<Vec<String>, JobError>, TimedOut> {
    // Spawn every job, like `asyncio.gather` wraps each coroutine in a task.
    let mut tasks: Vec<Spawned> = jobs
        .into_iter()
        .map(|job| (job.id(), smol::spawn(job.run(Timer::after))))
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
            let result = AssertUnwindSafe(job.run(Timer::after))
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
    // the same wake-up, and then `timeout` would let the step finish. `or` polls its
    // first future first: here, the deadline.
    let deadline = async {
        Timer::after(limit).await;
        Err(TimedOut)
    };
    deadline.or(async { Ok(steps.await) }).await
}

/// Waits for one spawned job and returns what it returned.
async fn joined((id, task): &mut Spawned) -> Result<String, JobError> {
    // smol catches a task's panic and raises it again in whoever awaits the task: catch it
    // here and turn it into an error, as tokio's `JoinError` does.
    AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(*id)))
}
