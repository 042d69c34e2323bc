//! `asyncio.to_thread` on tokio: run blocking work (a synchronous library call, a file read,
//! a long computation) on tokio's blocking pool, so that it does not hold up the tasks on
//! the runtime's worker threads; and what it holds up when it is called inside a task.
//!
//! ```python
//! async def main():
//!     page = await asyncio.to_thread(fetch, "A")                       # to-thread
//!     pages = await asyncio.gather(*(asyncio.to_thread(fetch, u) for u in urls))
//!     page = await asyncio.wait_for(asyncio.to_thread(fetch, "A"), 0.5)  # timeout
//!
//! async def job_a():
//!     time.sleep(1.0)  # blocked: a blocking call inside a coroutine stalls the loop
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p blocking-tokio
//! cargo run -p blocking-tokio -- --fail 3
//! cargo run -p blocking-tokio -- --scenario blocked
//! cargo run -p blocking-tokio -- --scenario blocked --delays 1,1,0.3 --block 0,1
//! cargo run -p blocking-tokio -- --scenario timeout
//! cargo run -p blocking-tokio -- --json --scenario timeout --timeout 0
//! ```
//!
//! What to notice:
//!
//! - `to-thread`: twenty jobs of one second of blocking work take one second, each on a
//!   thread of its own from the blocking pool (up to 512 threads: the report says so).
//!   CPython's default executor has min(32, cores + 4) threads, six on two cores: there
//!   the twenty jobs take four rounds, 4 s.
//! - `to-thread --fail 3`: D's error reaches the caller only once every other job has
//!   ended `finished`. Blocking work cannot be cancelled, so `gather` waits for it all
//!   rather than return while it runs on.
//! - `blocked`: A calls `std::thread::sleep` inside its async task, and holds one worker
//!   thread for a second. B and C run on another worker and end at 0.2 s and 0.3 s. On
//!   smol's single executor thread, and on CPython's event loop, they start at 1.0 s.
//! - `blocked --delays 1,1,0.3 --block 0,1`: A and B block a worker each, which on two
//!   cores is every worker (tokio runs one per core): C's 0.3 s timer is due while no
//!   worker is free, and C ends at 1.0 s.
//! - `timeout`: the caller gets its timeout at 0.5 s, but A runs on to 2.0 s and ends
//!   `finished`: `tokio::time::timeout` can only stop waiting for it. The example waits
//!   for A before it reports, as `asyncio.run` waits for its default executor.
//! - The blocking work runs on `tokio-rt-worker` threads too: the blocking pool's threads
//!   have the same default name as the workers, but they are others.

// ANCHOR: copy
use std::any::Any;
use std::fmt;
use std::panic::resume_unwind;
use std::time::Duration;
use tokio::task::{JoinHandle, JoinSet, spawn_blocking};
use tokio::time::timeout;

/// `await asyncio.to_thread(f)`: runs `f` on tokio's blocking pool and waits for its
/// output, while the caller's worker thread goes on running other tasks.
///
/// Cancelling this future (dropping it, or a timeout around it) stops only the waiting:
/// `f` runs on to its end, as in Python. Use [`wait_for`] for a deadline.
///
/// # Panics
///
/// A panic of `f` is raised again here with `resume_unwind`. Outside a tokio runtime, this
/// panics, as `spawn_blocking` does.
pub async fn to_thread<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    output(spawn_blocking(f).await)
}

/// `await asyncio.gather(*(asyncio.to_thread(w) for w in works))`: runs every work on the
/// blocking pool at once and returns their values in input order, or the first error in
/// the order the works ended, once *every* work has ended.
///
/// Blocking work cannot be cancelled, so this waits for all of it before it answers:
/// returned, nothing of it is still running. `asyncio.gather` raises the first error at
/// once instead, and the threads run on behind the caller until `asyncio.run` waits for
/// them at exit. If this future is dropped while it waits, the works not started yet
/// may never start (dropping the `JoinSet` aborts them), and the started ones run on.
///
/// # Panics
///
/// A panic of a work is raised again here with `resume_unwind`, once every work has
/// ended: the first failure in the order they ended, panic or error, is the answer.
pub async fn gather<F, T, E>(works: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut tasks = JoinSet::new();
    for (index, work) in works.into_iter().enumerate() {
        // Each work hands back its place in the input with its output. The pool runs up to
        // 512 at once (`Builder::max_blocking_threads`); the rest wait in its queue.
        tasks.spawn_blocking(move || (index, work()));
    }
    // One place per work, filled as the works end (`vec![None; n]` would need `T: Clone`).
    let mut values: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();
    let mut failure = None;
    // Take the outputs in the order the works end, until every one has ended: nothing
    // here can stop the others early.
    while let Some(joined) = tasks.join_next().await {
        let failed = match joined {
            Ok((index, Ok(value))) => {
                values[index] = Some(value);
                continue;
            }
            Ok((_, Err(err))) => Failure::Error(err),
            // A blocking task that hands back no output panicked: nothing aborts one while
            // this loop runs (if the runtime shut down under us, `into_panic` panics with
            // that).
            Err(err) => Failure::Panic(err.into_panic()),
        };
        // The first failure is the answer; a later one is dropped, as `gather` drops it.
        failure.get_or_insert(failed);
    }
    match failure {
        None => Ok(values.into_iter().flatten().collect()),
        Some(Failure::Error(err)) => Err(err),
        Some(Failure::Panic(panic)) => resume_unwind(panic),
    }
}

/// How a work of [`gather`] failed: it returned an error, or it panicked.
enum Failure<E> {
    Error(E),
    Panic(Box<dyn Any + Send>),
}

/// `await asyncio.wait_for(asyncio.to_thread(f), limit)`: `f`'s output if it ends within
/// `limit`, else `Err(TimedOut)` on time, while `f` runs on: a blocking call cannot be
/// interrupted. [`TimedOut::finish`] waits for it; dropping the `TimedOut` leaves it
/// running, detached.
///
/// A zero `limit` times out before `f` is handed to the pool, so `f` never starts, as in
/// CPython.
///
/// # Panics
///
/// A panic of `f` before the deadline is raised again here with `resume_unwind`; after the
/// deadline, by [`TimedOut::finish`].
pub async fn wait_for<F, T>(f: F, limit: Duration) -> Result<T, TimedOut<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    if limit.is_zero() {
        return Err(TimedOut { work: None });
    }
    let mut work = spawn_blocking(f);
    // Around `&mut work`, so that the handle outlives the timeout: at the deadline only the
    // waiting stops, and the `TimedOut` keeps the handle to the work that runs on.
    match timeout(limit, &mut work).await {
        Ok(joined) => Ok(output(joined)),
        Err(_elapsed) => Err(TimedOut { work: Some(work) }),
    }
}

/// The deadline of [`wait_for`] passed before its work ended. The work runs on (unless the
/// limit was zero: then it never started); this holds it.
///
/// Dropping it detaches the work: it runs to its end unseen, and the runtime, when it
/// shuts down (`#[tokio::main]` returning, a `Runtime` dropped), waits for it if it has
/// started.
/// `JoinHandle::abort` has no effect on blocking work that has started either.
pub struct TimedOut<T> {
    work: Option<JoinHandle<T>>,
}

impl<T> TimedOut<T> {
    /// Waits until the work has ended, and returns its output; `None` if it never started
    /// (a zero limit).
    ///
    /// # Panics
    ///
    /// A panic of the work is raised again here with `resume_unwind`.
    pub async fn finish(self) -> Option<T> {
        Some(output(self.work?.await))
    }
}

impl<T> fmt::Display for TimedOut<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the deadline passed before the blocking work ended")
    }
}

// By hand, not derived: a derived `Debug` would ask for `T: Debug`.
impl<T> fmt::Debug for TimedOut<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimedOut")
            .field("submitted", &self.work.is_some())
            .finish_non_exhaustive()
    }
}

impl<T> std::error::Error for TimedOut<T> {}

/// A blocking task's output, or its panic raised again here.
fn output<T>(joined: Result<T, tokio::task::JoinError>) -> T {
    // A blocking task is never aborted once it has started, so its `JoinError` is its
    // panic (or the runtime shutting down, and then `into_panic` panics with that).
    joined.unwrap_or_else(|err| resume_unwind(err.into_panic()))
}
// ANCHOR_END: copy
