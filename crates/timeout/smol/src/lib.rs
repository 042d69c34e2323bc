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
//! - `--timeout 0` gives CPython's answers: `wait-for` and `gather` start nothing, and
//!   `scope` runs A's first step, up to its first `.await`, then cancels it.
//! - smol has no `timeout` function: [`timeout`] races the work against a `Timer` with
//!   `or`, and the loser is dropped. Around the waiting for a spawned task that only stops
//!   the *waiting*; a dropped smol `Task` is cancelled, but the drop does not wait for it
//!   to stop, so `wait_for` and `gather` cancel their tasks with `cancel().await`, which
//!   does.
//! - The jobs run on a `smol-` thread, smol's global executor; the `scope` jobs run on
//!   `main`, inside the `block_on` that awaits them.

use futures::future::join_all;
use shared::{Job, JobError};
use smol::channel::{self, Sender};
// `or` and `catch_unwind` come from futures-lite, which smol re-exports as `smol::future`.
use smol::future::FutureExt as _;
use smol::{Task, Timer};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::task::Poll;
use std::time::{Duration, Instant};

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
    // A deadline of zero has passed before the job could take a step: Python's
    // `wait_for(job, 0)` raises `TimeoutError` without ever starting it, so the job is not
    // even spawned. (Under a tiny deadline it is, and whether a thread starts it before
    // the deadline passes is up to the runtime: Python always runs its first step.)
    if limit.is_zero() {
        return Err(TimedOut);
    }
    // `wait_for` runs its coroutine as a task; so do we. The task hands the job's result
    // over itself (see `handing_over`).
    let (handed, output) = channel::bounded(1);
    let task = smol::spawn(handing_over(job, 0, handed));

    // Only the *waiting* is under the deadline: `timeout` wraps `output.recv()`, and on
    // expiry it drops that, not the task.
    if let Ok(Ok((_, result))) = timeout(limit, output.recv()).await {
        return Ok(result);
    }

    // The trap: a smol task does not stop when nobody waits for it any more. Left alone,
    // the job would run on for 8 more seconds behind our back. Dropping the `Task` would
    // cancel it, but without waiting for it to stop; `cancel().await` returns once it has.
    task.cancel().await;
    // The job may have completed on another thread as the deadline passed. Then its result
    // is in the channel (`cancel().await` would say `None`: see `handing_over`), and
    // Python's `wait_for` returns it too.
    output
        .try_recv()
        .map(|(_, result)| result)
        .map_err(|_| TimedOut)
}

/// `await asyncio.wait_for(asyncio.gather(*jobs), limit)`: every job under one deadline.
/// Their results in input order; or the first error, or `Err(TimedOut)`, once every job
/// still running has been cancelled.
pub async fn gather(
    jobs: Vec<Job>,
    limit: Duration,
) -> Result<Result<Vec<String>, JobError>, TimedOut> {
    // Python's `wait_for(gather(...), 0)` cancels the gather before any of its tasks has
    // taken a step: a deadline of zero starts nothing.
    if limit.is_zero() {
        return Err(TimedOut);
    }
    // Spawn every job, like `asyncio.gather` wraps each coroutine in a task. Each task
    // hands its result over itself, with its place in the input (see `handing_over`).
    let (handed, outputs) = channel::unbounded();
    let tasks: Vec<Task<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(place, job)| smol::spawn(handing_over(job, place, handed.clone())))
        .collect();
    drop(handed);

    // Receives results until every job has given its value (then all of them, in input
    // order) or one gives an error (then that error); `None` if the channel closes first,
    // when a task was cancelled before it handed anything over. What it has received is
    // kept outside it, so that a timeout loses none of it (and `recv` is cancel-safe).
    let (mut values, mut missing) = (vec![None; tasks.len()], tasks.len());
    let mut collect = async || {
        while missing > 0 {
            match outputs.recv().await.ok()? {
                (place, Ok(value)) => values[place] = Some(value),
                (_, Err(err)) => return Some(Err(err)),
            }
            missing -= 1;
        }
        Some(Ok(values.drain(..).flatten().collect()))
    };

    // One deadline over the whole gather.
    let result = timeout(limit, collect()).await;

    // On a timeout or an error, cancel whatever is still running. `cancel().await`
    // returns once each task has really stopped (at once for a task that has finished).
    if !matches!(result, Ok(Some(Ok(_)))) {
        join_all(tasks.into_iter().map(Task::cancel)).await;
    }
    match result {
        Ok(Some(done)) => Ok(done),
        // Every task has stopped, and dropped its end of the channel: `collect` returns at
        // once. If the jobs still missing all completed while the deadline passed, nothing
        // was cut short, and the gather's result stands, as in Python's `wait_for`.
        _ => collect().await.ok_or(TimedOut),
    }
}

/// `async with asyncio.timeout(limit):` around jobs awaited one after another. The
/// results of the jobs done before the deadline are pushed to `results`; the job in
/// flight at the deadline is cancelled and the later ones never start.
pub async fn scope(
    jobs: Vec<Job>,
    limit: Duration,
    results: &mut Vec<String>,
) -> Result<Result<(), JobError>, TimedOut> {
    let deadline = Instant::now() + limit;
    // A timeout scope is a deadline around an `async` block: every `.await` inside it
    // shares the one deadline. Nothing is spawned, so nothing can be left running: at
    // the deadline the block is dropped, and with it the job it was awaiting.
    let steps = async {
        for job in jobs {
            let id = job.id();
            // The job runs inside this task, so its panic would be ours: catch it, as
            // `handing_over` does for a spawned task.
            let result = AssertUnwindSafe(job.run(Timer::after))
                .catch_unwind()
                .await
                .unwrap_or(Err(JobError::Panicked(id)));
            results.push(result?);
        }
        Ok(())
    };
    let mut steps = pin!(steps);
    // Python runs the body of the scope up to its first suspension before the scope's
    // timer can fire, whatever the deadline: so the steps are polled once before anything
    // looks at the clock.
    if let Poll::Ready(done) = futures::poll!(steps.as_mut()) {
        return Ok(done);
    }
    // A deadline that has passed by then (one of zero always has) cancels the first step
    // at that suspension, as in Python, even a step that only yields, like `sleep(0)`.
    if Instant::now() >= deadline {
        return Err(TimedOut);
    }
    // Why not `timeout(limit, steps)`: it polls the work before the deadline. Each step's
    // timer is set after the deadline was, so a step due at the deadline (1 s + 2 s under
    // 3 s) is really due just after it, and Python cancels it; but both often come due in
    // the same wake-up, and then `timeout` would let the step finish. `or` polls its
    // first future first: here, the deadline.
    let deadline = async {
        Timer::at(deadline).await;
        Err(TimedOut)
    };
    deadline.or(async { Ok(steps.await) }).await
}

/// A task's body: runs `job`, and hands its result over on `to`, with its `place`, from
/// inside the task, in the poll in which the job ends (a panic is caught here too).
///
/// Why not take the result from `cancel().await`: when a job completes on another thread
/// at the moment it is cancelled, async-task (smol's tasks) drops the output of a
/// task that completes after `cancel()` has marked it closed, and `cancel().await` says
/// `None`, as if the job had been cancelled. What the task has handed over is ours.
async fn handing_over(job: Job, place: usize, to: Sender<(usize, Result<String, JobError>)>) {
    let id = job.id();
    let result = AssertUnwindSafe(job.run(Timer::after))
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    // Fails only if nobody wants the result any more (the channel has room for it).
    let _ = to.try_send((place, result));
}
