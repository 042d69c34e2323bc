//! `asyncio.to_thread` on smol: run blocking work (a synchronous library call, a file read,
//! a long computation) on the blocking crate's thread pool with `smol::unblock`, so that
//! it does not hold up the executor; and what it holds up when it is called inside a task.
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
//! cargo run -p blocking-smol
//! cargo run -p blocking-smol -- --fail 3
//! cargo run -p blocking-smol -- --scenario blocked
//! SMOL_THREADS=2 cargo run -p blocking-smol -- --scenario blocked
//! cargo run -p blocking-smol -- --scenario timeout
//! cargo run -p blocking-smol -- --json --scenario timeout --timeout 0
//! ```
//!
//! What to notice:
//!
//! - `to-thread`: twenty jobs of one second of blocking work take one second, each on a
//!   `blocking-N` thread of the pool (up to 500 threads, or `BLOCKING_MAX_THREADS`: the
//!   report says so). CPython's default executor has min(32, cores + 4) threads, six on
//!   two cores: there the twenty jobs take four rounds, 4 s.
//! - `to-thread --fail 3`: D's error reaches the caller only once every other job has
//!   ended `finished`. Blocking work cannot be cancelled, so `gather` waits for it all
//!   rather than return while it runs on.
//! - `blocked`: A calls `std::thread::sleep` inside its async task. smol's global executor
//!   runs one thread, `smol-1`, unless `SMOL_THREADS` asks for more: A holds it for a
//!   second, and B and C, due at 0.2 s and 0.3 s, *start* only at 1.0 s, as on CPython's
//!   event loop. With `SMOL_THREADS=2` they run on the other thread and end on time.
//! - `timeout`: the caller gets its timeout at 0.5 s, but A runs on to 2.0 s and ends
//!   `finished`: the timer can only stop the waiting. The example waits for A before it
//!   reports, as `asyncio.run` waits for its default executor.

// ANCHOR: copy
use smol::channel;
use smol::{Task, Timer, future};
use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::thread;
use std::time::Duration;

/// `await asyncio.to_thread(f)`: runs `f` on the blocking pool (`smol::unblock`) and waits
/// for its output, while the executor's threads go on running other tasks.
///
/// Cancelling this future (dropping it, or a timeout around it) drops the `unblock` task:
/// `f` runs on to its end if it has started, and never starts if it has not. Use
/// [`wait_for`] for a deadline.
///
/// # Panics
///
/// A panic of `f` is raised again here with `resume_unwind`.
pub async fn to_thread<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    output(unblock_caught(f).await)
}

/// `await asyncio.gather(*(asyncio.to_thread(w) for w in works))`: runs every work on the
/// blocking pool at once and returns their values in input order, or the first error in
/// the order the works ended, once *every* work has ended.
///
/// Blocking work cannot be cancelled, so this waits for all of it before it answers:
/// returned, nothing of it is still running. `asyncio.gather` raises the first error at
/// once instead, and the threads run on behind the caller until `asyncio.run` waits for
/// them at exit. If this future is dropped while it waits, the works not started yet never
/// start (their dropped tasks are cancelled), and the started ones run on.
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
    let tasks: Vec<Task<()>> = works
        .into_iter()
        .enumerate()
        .map(|(index, work)| {
            let handed = handed.clone();
            // The pool runs up to 500 at once (`BLOCKING_MAX_THREADS`); the rest wait in
            // its queue. A panic is caught here and handed over like an output.
            smol::unblock(move || {
                let output = catch_unwind(AssertUnwindSafe(work));
                // Fails only if nobody listens any more (the caller was cancelled).
                let _ = handed.try_send((index, output));
            })
        })
        .collect();
    // Only the works hold a sender now: the channel closes once every work has ended.
    drop(handed);
    // One place per work, filled as the works end (`vec![None; n]` would need `T: Clone`).
    let mut values: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();
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
    // Every work has ended; the tasks only kept the ones not started yet from being
    // cancelled.
    drop(tasks);
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
/// running, unseen.
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
    let mut work = unblock_caught(f);
    // smol has no `timeout`: race the waiting against a timer with `or`, which returns
    // whichever is ready first (the work, if both are) and drops the other. The race
    // borrows the task, so that at the deadline only the waiting stops, and the
    // `TimedOut` keeps the task of the work that runs on.
    let waiting = async { Some((&mut work).await) };
    let deadline = async {
        Timer::after(limit).await;
        None
    };
    match future::or(waiting, deadline).await {
        Some(caught) => Ok(output(caught)),
        None => Err(TimedOut { work: Some(work) }),
    }
}

/// The deadline of [`wait_for`] passed before its work ended. The work runs on (unless the
/// limit was zero: then it never started); this holds it.
///
/// Dropping it cancels the `unblock` task, which cannot stop work that has started: the
/// work runs to its end unseen, unless the process exits first (returning from `main`
/// does not wait for the blocking pool's threads). Work that the pool had not started yet
/// (every thread was busy) never starts.
pub struct TimedOut<T> {
    work: Option<Task<thread::Result<T>>>,
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

/// `smol::unblock(f)`, with a panic of `f` caught on the pool's thread and handed over as
/// the task's output, to be raised again in the caller by [`output`]. (Recent versions of
/// the blocking crate raise it again in the awaiting task themselves; caught here, that
/// does not depend on the version, and the code says what happens.)
fn unblock_caught<F, T>(f: F) -> Task<thread::Result<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    smol::unblock(move || catch_unwind(AssertUnwindSafe(f)))
}

/// A work's output, or its panic raised again here.
fn output<T>(caught: thread::Result<T>) -> T {
    caught.unwrap_or_else(|panic| resume_unwind(panic))
}
// ANCHOR_END: copy
