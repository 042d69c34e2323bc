//! `asyncio.to_thread` on async-std (discontinued upstream; its maintainers point to
//! smol): run blocking work (a synchronous library call, a file read, a long computation)
//! on a thread pool with `task::spawn_blocking`, so that it does not hold up the executor;
//! and what it holds up when it is called inside a task.
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
//! cargo run -p blocking-async-std
//! cargo run -p blocking-async-std -- --fail 3
//! cargo run -p blocking-async-std -- --scenario blocked
//! ASYNC_STD_THREAD_COUNT=1 cargo run -p blocking-async-std -- --scenario blocked
//! cargo run -p blocking-async-std -- --scenario timeout
//! cargo run -p blocking-async-std -- --json --scenario timeout --timeout 0
//! ```
//!
//! What to notice:
//!
//! - `to-thread`: twenty jobs of one second of blocking work take one second, each on a
//!   `blocking-N` thread of the pool (the blocking crate's, as smol's `unblock`: up to 500
//!   threads, or `BLOCKING_MAX_THREADS`: the report says so). CPython's default executor
//!   has min(32, cores + 4) threads, six on two cores: there the twenty jobs take four
//!   rounds, 4 s.
//! - `to-thread --fail 3`: D's error reaches the caller only once every other job has
//!   ended `finished`. Blocking work cannot be cancelled, so `gather` waits for it all
//!   rather than return while it runs on.
//! - `blocked`: A calls `std::thread::sleep` inside its async task, and holds one executor
//!   thread for a second. async-std runs one per core, so on two cores B and C run on the
//!   other and end at 0.2 s and 0.3 s. With `ASYNC_STD_THREAD_COUNT=1` A holds the only
//!   one: B and C start at 1.0 s, as on smol's single executor thread and on CPython's
//!   event loop.
//! - `timeout`: the caller gets its timeout at 0.5 s, but A runs on to 2.0 s and ends
//!   `finished`: the timer can only stop the waiting. The example waits for A before it
//!   reports, as `asyncio.run` waits for its default executor.

// ANCHOR: copy
use async_std::channel;
use async_std::future::timeout;
use async_std::task::{JoinHandle, spawn_blocking};
use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::thread;
use std::time::Duration;

/// `await asyncio.to_thread(f)`: runs `f` on the blocking pool (`task::spawn_blocking`) and
/// waits for its output, while the executor's threads go on running other tasks.
///
/// Cancelling this future (dropping it, or a timeout around it) drops the `JoinHandle`,
/// which detaches the work: `f` runs on to its end, as in Python. Use [`wait_for`] for a
/// deadline.
///
/// # Panics
///
/// A panic of `f` is raised again here with `resume_unwind`.
pub async fn to_thread<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    output(spawn_blocking_caught(f).await)
}

/// `await asyncio.gather(*(asyncio.to_thread(w) for w in works))`: runs every work on the
/// blocking pool at once and returns their values in input order, or the first error in
/// the order the works ended, once *every* work has ended.
///
/// Blocking work cannot be cancelled, so this waits for all of it before it answers:
/// returned, nothing of it is still running. `asyncio.gather` raises the first error at
/// once instead, and the threads run on behind the caller until `asyncio.run` waits for
/// them at exit. If this future is dropped while it waits, every work still runs to its
/// end, the ones not started yet included: their handles are dropped, which detaches them.
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
    // Each work hands its place in the input and its output over on a channel, from its
    // own thread as it ends, so that they arrive in the order the works end.
    let (handed, outputs) = channel::unbounded();
    let mut spawned = 0;
    for (index, work) in works.into_iter().enumerate() {
        let handed = handed.clone();
        // The pool runs up to 500 at once (`BLOCKING_MAX_THREADS`); the rest wait in its
        // queue. A panic is caught here and handed over like an output. The handle is
        // dropped, which detaches the work: it runs on, and the channel brings its output.
        drop(spawn_blocking(move || {
            let output = catch_unwind(AssertUnwindSafe(work));
            // Fails only if nobody listens any more (the caller was cancelled).
            let _ = handed.try_send((index, output));
        }));
        spawned += 1;
    }
    // Only the works hold a sender now: the channel closes once every work has ended.
    drop(handed);
    // One place per work, filled as the works end (`vec![None; n]` would need `T: Clone`).
    let mut values: Vec<Option<T>> = (0..spawned).map(|_| None).collect();
    let mut failure = None;
    // Take the outputs in the order the works end, until every one has ended: nothing
    // here can stop the others early.
    while let Ok((index, output)) = outputs.recv().await {
        let failed = match output {
            Ok(Ok(value)) => {
                values[index] = Some(value);
                continue;
            }
            Ok(Err(err)) => Failure::Error(err),
            Err(panic) => Failure::Panic(panic),
        };
        // The first failure is the answer; a later one is dropped, as `gather` drops it.
        failure.get_or_insert(failed);
    }
    // The channel has closed: every work has ended.
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
    let mut work = spawn_blocking_caught(f);
    // Around `&mut work`, so that the handle outlives the timeout: at the deadline only the
    // waiting stops, and the `TimedOut` keeps the handle to the work that runs on.
    match timeout(limit, &mut work).await {
        Ok(caught) => Ok(output(caught)),
        Err(_elapsed) => Err(TimedOut { work: Some(work) }),
    }
}

/// The deadline of [`wait_for`] passed before its work ended. The work runs on (unless the
/// limit was zero: then it never started); this holds it.
///
/// Dropping it detaches the work (a dropped `JoinHandle` does): it runs to its end unseen,
/// unless the process exits first (returning from `main` does not wait for the blocking
/// pool's threads). `JoinHandle::cancel` cannot stop work that has started either.
pub struct TimedOut<T> {
    work: Option<JoinHandle<thread::Result<T>>>,
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

/// `task::spawn_blocking(f)`, with a panic of `f` caught on the pool's thread and handed
/// over as the task's output, to be raised again in the caller by [`output`]. (Left
/// uncaught, it would be raised again in the async task that async-std spawns to await
/// the work, then in the caller: caught here, the code says what happens.)
fn spawn_blocking_caught<F, T>(f: F) -> JoinHandle<thread::Result<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    spawn_blocking(move || catch_unwind(AssertUnwindSafe(f)))
}

/// A work's output, or its panic raised again here.
fn output<T>(caught: thread::Result<T>) -> T {
    caught.unwrap_or_else(|panic| resume_unwind(panic))
}
// ANCHOR_END: copy
