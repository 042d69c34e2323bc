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

// ANCHOR: copy
use futures::FutureExt as _;
use std::convert::Infallible;
use std::future::Future;
use std::panic::resume_unwind;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout};

/// The deadline passed before the work was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the deadline passed")]
pub struct TimedOut;

/// `await asyncio.wait_for(work, limit)`: the work's output if it ends within `limit`,
/// else `Err(TimedOut)` once the work has been cancelled and has stopped.
///
/// # Panics
///
/// A panic of `work` is raised again here with `resume_unwind` (its task has ended).
pub async fn wait_for<F, T>(work: F, limit: Duration) -> Result<T, TimedOut>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    // Python's `wait_for` runs its work as a task, and at the deadline cancels it and
    // waits until it has stopped: a `gather` of one work, which cannot fail.
    let Ok(outputs) = gather([async { Ok::<_, Infallible>(work.await) }], limit).await?;
    outputs.into_iter().next().ok_or(TimedOut)
}

/// `await asyncio.wait_for(asyncio.gather(*jobs), limit)`: every job under one deadline.
/// Their values in input order; or the first error, or `Err(TimedOut)`, once every job
/// still running has been cancelled and has stopped.
///
/// # Panics
///
/// A panic of a job is raised again here with `resume_unwind`, once the other jobs have
/// been cancelled and have stopped, as on an error.
pub async fn gather<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
    limit: Duration,
) -> Result<Result<Vec<T>, E>, TimedOut>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // Python's `wait_for(..., 0)` raises `TimeoutError` before its work takes a step: a
    // deadline of zero starts nothing. (A tiny one does start the tasks, and one that no
    // worker has polled by then is cancelled unstarted, where Python runs its first step.)
    if limit.is_zero() {
        return Err(TimedOut);
    }
    // Spawn every job, like `asyncio.gather` wraps each coroutine in a task.
    let mut tasks = JoinSet::new();
    for (place, job) in jobs.into_iter().enumerate() {
        // `map`, not `async move { (place, job.await) }`: an async block would keep the
        // future twice, once captured and once being awaited (rust-lang/rust#62958), and
        // double every task's memory.
        tasks.spawn(job.map(move |output| (place, output)));
    }
    // Takes the outputs as the tasks end: every value (then all, in input order), or the
    // first error or panic; `None` if the tasks all end first, when one was aborted. What
    // it took stays out here, so that a timeout loses none of it.
    let (mut values, mut missing) = (Vec::new(), tasks.len());
    values.resize_with(missing, || None);
    let mut collect = async |tasks: &mut JoinSet<(usize, Result<T, E>)>| {
        while missing > 0 {
            match tasks.join_next().await? {
                Ok((place, Ok(value))) => values[place] = Some(value),
                Ok((_, Err(err))) => return Some(Ok(Err(err))),
                Err(err) if err.is_panic() => return Some(Err(err.into_panic())),
                Err(_cancelled) => continue,
            }
            missing -= 1;
        }
        Some(Ok(Ok(values.drain(..).flatten().collect())))
    };

    // Only the *waiting* is under the deadline: on expiry `timeout` drops `collect`, not
    // the tasks, and a tokio task runs on when nobody awaits it. So abort them all (on an
    // error or a panic too): `abort` only asks, and a finished task ignores it. A job that
    // completed as the deadline passed keeps its output (tokio keeps what a completed poll
    // returned); if all the missing ones did, the gather's result stands, as in Python.
    let ended = timeout(limit, collect(&mut tasks)).await;
    tasks.abort_all();
    let ended = match ended {
        Ok(ended) => ended,
        Err(_elapsed) => collect(&mut tasks).await,
    };
    // Answer only once every task has really stopped.
    tasks.shutdown().await;
    match ended {
        Some(Ok(gathered)) => Ok(gathered),
        Some(Err(panic)) => resume_unwind(panic),
        None => Err(TimedOut),
    }
}

/// `async with asyncio.timeout(limit):` around `body`: its output if it ends within
/// `limit`, else `Err(TimedOut)`, with `body` dropped where it was waiting. Nothing is
/// spawned, so nothing is left running.
///
/// # Panics
///
/// A panic of `body` unwinds through: `body` runs inside this future.
pub async fn scope<T>(limit: Duration, body: impl Future<Output = T>) -> Result<T, TimedOut> {
    let deadline = Instant::now() + limit;
    let mut body = pin!(body);
    // Python runs the body up to its first suspension whatever the deadline, then cancels
    // it there if the deadline has passed (one of zero always has), even at a `sleep(0)`.
    // tokio's timer would fire at its next millisecond tick: the clock decides it here.
    if let Poll::Ready(done) = futures::poll!(body.as_mut()) {
        return Ok(done);
    }
    if Instant::now() >= deadline {
        return Err(TimedOut);
    }
    // Not `timeout(limit, body)`, which polls the work first: a step due at the deadline
    // (1 s + 2 s under 3 s) set its timer after the deadline's, so Python cancels it, but
    // both can come due in the same wake-up. A `biased` select polls the deadline first.
    tokio::select! {
        biased;
        () = sleep_until(deadline) => Err(TimedOut),
        done = body => Ok(done),
    }
}
// ANCHOR_END: copy
