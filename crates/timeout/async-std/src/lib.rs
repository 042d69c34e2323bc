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
//! - `--timeout 0` gives CPython's answers: `wait-for` and `gather` start nothing, and
//!   `scope` runs A's first step, up to its first `.await`, then cancels it.
//! - `async_std::future::timeout` cancels the future it wraps by dropping it. Around the
//!   waiting for a spawned task that only stops the *waiting*: the task runs on.
//!   `wait_for` and `gather` therefore cancel the task themselves with `cancel().await`,
//!   which returns once it has stopped.
//! - The jobs run on async-std's executor threads (`async-std/runtime`); the `scope` jobs
//!   run on `main`, inside the task that awaits them.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

// ANCHOR: copy
use async_std::channel::{self, Sender};
use async_std::future::timeout;
use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::future::{Either, join_all, select};
use std::convert::Infallible;
use std::future::Future;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::pin::pin;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

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
    // thread has polled by then is cancelled unstarted, where Python runs its first step.)
    if limit.is_zero() {
        return Err(TimedOut);
    }
    // Spawn every job, like `asyncio.gather` wraps each coroutine in a task. Each task
    // hands its output over itself (see `handing_over`).
    let (handed, outputs) = channel::unbounded();
    let tasks: Vec<JoinHandle<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(place, job)| task::spawn(handing_over(job, place, handed.clone())))
        .collect();
    drop(handed);
    // Takes the outputs as the tasks hand them over: every value (then all, in input
    // order), or the first error or panic; `None` if the channel closes first, when a task
    // was cancelled unfinished. What it took stays out here, so that a timeout loses none.
    let (mut values, mut missing) = (Vec::new(), tasks.len());
    values.resize_with(missing, || None);
    let mut collect = async || {
        while missing > 0 {
            match outputs.recv().await.ok()? {
                (place, Ok(Ok(value))) => values[place] = Some(value),
                (_, Ok(Err(err))) => return Some(Ok(Err(err))),
                (_, Err(panic)) => return Some(Err(panic)),
            }
            missing -= 1;
        }
        Some(Ok(Ok(values.drain(..).flatten().collect())))
    };

    // Only the *waiting* is under the deadline: on expiry `timeout` drops `collect`, not
    // the tasks, and an async-std task runs on when nobody awaits it (dropping its handle
    // detaches it). So cancel them all (on an error or a panic too): `cancel().await`
    // returns once each has stopped, at once for a finished one.
    // A job that completed as the deadline passed has handed its output over; if all the
    // missing ones did, the gather's result stands, as in Python.
    let ended = timeout(limit, collect()).await;
    join_all(tasks.into_iter().map(JoinHandle::cancel)).await;
    let ended = match ended {
        Ok(ended) => ended,
        Err(_elapsed) => collect().await,
    };
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
    if let Poll::Ready(done) = futures::poll!(body.as_mut()) {
        return Ok(done);
    }
    if Instant::now() >= deadline {
        return Err(TimedOut);
    }
    // Not `timeout(limit, body)`, which polls the work first: a step due at the deadline
    // (1 s + 2 s under 3 s) set its timer after the deadline's, so Python cancels it, but
    // both often come due in the same wake-up. `select` polls its first future first: the
    // deadline.
    let left = deadline.saturating_duration_since(Instant::now());
    match select(pin!(task::sleep(left)), body).await {
        Either::Left(_) => Err(TimedOut),
        Either::Right((done, _)) => Ok(done),
    }
}

/// A task's body: runs `work` and hands its output over on `to`, with its `place`, in the
/// poll in which the work ends; a panic is caught and handed over, to be raised again.
///
/// Why not take the output from `cancel().await`: async-task (async-std's tasks) drops the
/// output of a task that completes after `cancel()` has marked it closed, as work on
/// another thread may at the deadline, and `cancel().await` then says `None`.
fn handing_over<F: Future>(
    work: F,
    place: usize,
    to: Sender<(usize, thread::Result<F::Output>)>,
) -> impl Future<Output = ()> {
    // Asserting unwind safety hides nothing: the caller raises the panic again.
    //
    // Combinators, not an `async fn`: an `async fn` would keep the future twice, once as
    // its argument and once being awaited (rust-lang/rust#62958), and double every
    // task's memory.
    AssertUnwindSafe(work).catch_unwind().map(move |output| {
        // Fails only if nobody wants the output any more.
        let _ = to.try_send((place, output));
    })
}
// ANCHOR_END: copy
