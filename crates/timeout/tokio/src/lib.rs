//! `asyncio.wait_for` and `asyncio.timeout` on tokio: give work a deadline, and make sure
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
//! cargo run -p timeout-tokio
//! cargo run -p timeout-tokio -- --timeout 12
//! cargo run -p timeout-tokio -- --scenario gather
//! cargo run -p timeout-tokio -- --scenario scope
//! cargo run -p timeout-tokio -- --json --scenario gather --delays 0.1,0.2,0.5 --timeout 0.3
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
//! - `tokio::time::timeout` cancels the future it wraps by dropping it. Around a spawned
//!   task's `JoinHandle` that only stops the *waiting*: the task runs on. `wait_for` and
//!   `gather` therefore abort the task themselves, and wait until it has stopped.
//! - The jobs run on `tokio-rt-worker` threads; the `scope` jobs run on `main`, inside
//!   the task that awaits them.

use futures::FutureExt as _;
use shared::{Job, JobError};
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::{JoinError, JoinHandle};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_util::task::TaskTracker;

/// The deadline passed before the work was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedOut;

/// `await asyncio.wait_for(job, limit)`: the job's result or error if it ends within
/// `limit`, else `Err(TimedOut)` once the job has been cancelled.
pub async fn wait_for(job: Job, limit: Duration) -> Result<Result<String, JobError>, TimedOut> {
    // A deadline of zero has passed before the job could take a step: Python's
    // `wait_for(job, 0)` raises `TimeoutError` without ever starting it, so the job is not
    // even spawned. (Under a tiny deadline it is, and whether a worker starts it before
    // the deadline passes is up to the runtime: Python always runs its first step.)
    if limit.is_zero() {
        return Err(TimedOut);
    }
    // `wait_for` runs its coroutine as a task; so do we.
    let id = job.id();
    let mut task = tokio::spawn(job.run(tokio::time::sleep));

    // Only the *waiting* is under the deadline: `timeout` wraps `&mut task`, and on
    // expiry it drops that borrow, not the task.
    if let Ok(joined) = timeout(limit, &mut task).await {
        return Ok(result(id, joined));
    }

    // The trap: a tokio task does not stop when its handle stops being awaited (or is
    // dropped). Left alone, the job would run on for 8 more seconds behind our back. So
    // abort it, then await the handle: `abort` only asks, and the task stops at its next
    // `.await`; the handle's `Err(JoinError::Cancelled)` says that it has.
    task.abort();
    match task.await {
        Err(err) if err.is_cancelled() => Err(TimedOut),
        // The job completed on another thread as the deadline passed. `abort` cannot take
        // its result back: tokio keeps the output of a poll that completed, whatever
        // `abort` asked meanwhile. Python's `wait_for` returns it too.
        joined => Ok(result(id, joined)),
    }
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
    // hands its result over itself, with its place in the input (see `handing_over`). The
    // tracker counts the tasks, so that we can wait below until each has stopped.
    let (handed, mut outputs) = unbounded_channel();
    let tracker = TaskTracker::new();
    let tasks: Vec<JoinHandle<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(place, job)| tracker.spawn(handing_over(job, place, handed.clone())))
        .collect();
    tracker.close();
    drop(handed);

    // Receives results until every job has given its value (then all of them, in input
    // order) or one gives an error (then that error); `None` if the channel closes first,
    // when a task was cancelled before it handed anything over. What it has received is
    // kept outside it, so that a timeout loses none of it (and `recv` is cancel-safe).
    let (mut values, mut missing) = (vec![None; tasks.len()], tasks.len());
    let mut collect = async || {
        while missing > 0 {
            match outputs.recv().await? {
                (place, Ok(value)) => values[place] = Some(value),
                (_, Err(err)) => return Some(Err(err)),
            }
            missing -= 1;
        }
        Some(Ok(values.drain(..).flatten().collect()))
    };

    // One deadline over the whole gather.
    let result = timeout(limit, collect()).await;

    // On a timeout or an error, abort whatever is still running (aborting a finished task
    // does nothing), and wait until every task has really stopped.
    if !matches!(result, Ok(Some(Ok(_)))) {
        for task in &tasks {
            task.abort();
        }
    }
    tracker.wait().await;
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
            // The job runs inside this task, so its panic would be ours: catch it, as a
            // spawned task's `JoinHandle` would have.
            let result = AssertUnwindSafe(job.run(tokio::time::sleep))
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
    // tokio's timer would fire only at its next millisecond tick, after more steps: the
    // clock decides it here.
    if Instant::now() >= deadline {
        return Err(TimedOut);
    }
    // Why not `timeout(limit, steps)`: it polls the work before the deadline. Each step's
    // timer is set after the deadline was, so a step due at the deadline (1 s + 2 s under
    // 3 s) is really due just after it, and Python cancels it; but both can come due in
    // the same wake-up, and then `timeout` would let the step finish. A `biased` select
    // polls its branches in order: the deadline first.
    tokio::select! {
        biased;
        () = sleep_until(deadline) => Err(TimedOut),
        done = steps => Ok(done),
    }
}

/// What a spawned job gave: its result, or `job i panicked` (tokio caught the panic). The
/// handle's `JoinError` is a panic here: a cancellation is handled before.
fn result(
    id: usize,
    joined: Result<Result<String, JobError>, JoinError>,
) -> Result<String, JobError> {
    joined.unwrap_or(Err(JobError::Panicked(id)))
}

/// A task's body: runs `job`, and hands its result over on `to`, with its `place`, from
/// inside the task, in the poll in which the job ends (a panic is caught here too).
///
/// tokio alone would not need it: `abort` cannot take back the output of a task that
/// completed on another thread at that moment (its handle gives `Ok`). It is here so that
/// the values received before a timeout stay ours, in `gather`, and so that the three
/// versions of this example stay alike: async-task (async-std's and smol's tasks) does drop
/// the output of a task that completes after `cancel()` has marked it closed.
async fn handing_over(
    job: Job,
    place: usize,
    to: UnboundedSender<(usize, Result<String, JobError>)>,
) {
    let id = job.id();
    let result = AssertUnwindSafe(job.run(tokio::time::sleep))
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    // Fails only if nobody wants the result any more.
    let _ = to.send((place, result));
}
