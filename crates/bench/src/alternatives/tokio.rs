//! The alternatives on tokio: every other way that tokio, tokio-util and `futures` give to
//! get each pattern's semantic, beside the examples' own `JoinSet` loops
//! (`gather_tokio::gather`, `as_completed_tokio::as_completed`,
//! `task_group_tokio::task_group`).
//!
//! - Results in input order, the shape of `gather`: [`ordered_try_join_all`],
//!   [`ordered_futures_ordered`], [`ordered_join_queue`], [`ordered_channel`].
//! - Results in completion order, the shape of `as_completed`:
//!   [`completed_futures_unordered`], [`completed_channel`], [`completed_join_map`], and
//!   [`completed_join_all`], which hands nothing over before the end.
//! - The first error cancels the rest, the shape of `task_group`:
//!   [`first_error_futures_unordered`], [`first_error_tracker`].
//!
//! Where a function keeps tasks' handles in a collection of its own, each handle is a
//! tokio-util `AbortOnDropHandle`: a plain `JoinHandle` detaches its task when dropped, so a
//! caller that gave up on the call (a timeout around it, the losing branch of a `select!`)
//! would leave every task running behind it, where the examples' `JoinSet` aborts them. The
//! wrapper is the handle itself, no bigger; dropping it calls `abort`, which does nothing to
//! a task that has ended.
//!
//! A job's panic is raised again in the caller, as the patterns do: taken from the
//! `JoinError` (`into_panic`) where the function joins the tasks, and caught in the task
//! (`catch_unwind`) where the tasks hand their outputs over on a channel instead, since the
//! caller reads the channel and not the handles. Each function says whether the other jobs
//! have stopped by then, or were only asked to.
//!
//! Every job is wrapped with combinators (`map`, `catch_unwind`,
//! `with_cancellation_token_owned`), never an `async` block or an `async fn`: those keep the
//! job's future twice (rust-lang/rust#62958), and the memory per task would measure the
//! wrapping instead of the primitive.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

use futures::stream::{FuturesOrdered, FuturesUnordered};
use futures::{FutureExt as _, StreamExt as _};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::{JoinError, JoinSet};
use tokio_util::future::FutureExt as _;
use tokio_util::sync::CancellationToken;
use tokio_util::task::{AbortOnDropHandle, JoinMap, JoinQueue, TaskTracker};

use super::Done;

/// `futures::future::try_join_all` over the spawned tasks' handles: every result in input
/// order, or the first error, returned at once.
///
/// Gives the first error in time, and returns it without waiting for anything else, with up
/// to 30 jobs. Lacks, beyond 30 jobs, the first error in time: `try_join_all` then becomes a
/// `FuturesOrdered` (futures' `SMALL` limit), and an error is seen only once every job
/// before it in the input has ended. Lacks, on an error, the wait: the other tasks are
/// aborted (their handles, each an `AbortOnDropHandle`, are dropped with the `try_join_all`)
/// but not waited for, so they may still be running, each until its next poll, when the
/// error reaches the caller.
///
/// # Panics
///
/// A job's panic is raised again in the caller at once; the other tasks are aborted as on
/// an error, and not waited for either.
pub async fn ordered_try_join_all<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let tasks = jobs.into_iter().map(|job| spawn(job).map(joined));
    futures::future::try_join_all(tasks).await
}

/// `futures::stream::FuturesOrdered` of the spawned tasks' handles: every result in input
/// order, or the first error in input order, once the other tasks have stopped.
///
/// Gives what `gather` gives when no job before the failing one in the input is still
/// running as it fails. Lacks the first error in time: an error is seen only once every job
/// before it in the input has ended. The queue gives no access to the handles it holds, so
/// an `AbortHandle` per task is kept beside it to abort the rest. What the jobs after a slow
/// one return waits in the queue until that one ends, as in `gather`'s places.
///
/// # Panics
///
/// A job's panic, seen in input order like an error, is raised again in the caller once
/// the other tasks have been aborted and have stopped.
pub async fn ordered_futures_ordered<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut aborts = Vec::new();
    let mut queue: FuturesOrdered<_> = jobs
        .into_iter()
        .map(|job| {
            let task = spawn(job);
            aborts.push(task.abort_handle());
            task
        })
        .collect();
    let mut results = Vec::with_capacity(queue.len());
    while let Some(joined) = queue.next().await {
        let stop = match joined {
            Ok(Ok(value)) => {
                results.push(value);
                continue;
            }
            Ok(Err(err)) => Stop::Error(err),
            Err(err) => Stop::Panic(err.into_panic()),
        };
        // An abort only asks: a task stops at its next poll. Draining the queue waits until
        // every task has stopped, keeping nothing they return, as `gather` does.
        for abort in &aborts {
            abort.abort();
        }
        while queue.next().await.is_some() {}
        return stop.raise();
    }
    Ok(results)
}

/// tokio-util's `JoinQueue`, which joins its tasks in spawn order: every result in input
/// order, or the first error in input order, once the other tasks have stopped.
///
/// Gives what `FuturesOrdered` gives, with the abort built in (`shutdown` aborts every task
/// and waits for each). Lacks the first error in time: `join_next` waits for the first task
/// in the queue, so an error is seen only once every job before it in the input has ended.
/// A task that has ended keeps its whole allocation, output included, until its turn comes:
/// the queue polls only its first handle.
///
/// # Panics
///
/// A job's panic, seen in input order like an error, is raised again in the caller once
/// the other tasks have been aborted and have stopped.
pub async fn ordered_join_queue<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut queue = JoinQueue::new();
    for job in jobs {
        // The `AbortHandle` it returns is not needed: `shutdown` aborts through the queue.
        queue.spawn(job);
    }
    let mut results = Vec::with_capacity(queue.len());
    while let Some(joined) = queue.join_next().await {
        let stop = match joined {
            Ok(Ok(value)) => {
                results.push(value);
                continue;
            }
            Ok(Err(err)) => Stop::Error(err),
            Err(err) => Stop::Panic(err.into_panic()),
        };
        queue.shutdown().await;
        return stop.raise();
    }
    Ok(results)
}

/// A tokio `mpsc` unbounded channel on which each task sends its job's index and result,
/// each put in its job's place: every result in input order, or the first error in time,
/// once the other tasks have stopped.
///
/// Gives what `gather` gives: this is what the async-std and smol `gather` examples do.
/// It pays for a channel message per job, and for the handles, kept only to abort the
/// tasks and wait for them: in a `Vec` of `AbortOnDropHandle`s rather than a `JoinSet`,
/// because the results come through the channel, and a `JoinSet` would keep every task in
/// a list of its own besides.
///
/// # Panics
///
/// A job's panic, caught in its task and sent like a result, is raised again in the caller
/// once the other tasks have been aborted and have stopped.
pub async fn ordered_channel<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let (tasks, mut handed) = spawn_handing_over(jobs);
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut places: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();
    // Until the channel closes: every task has ended, and dropped its sender.
    while let Some((index, output)) = handed.recv().await {
        let stop = match output {
            Ok(Ok(value)) => {
                places[index] = Some(value);
                continue;
            }
            Ok(Err(err)) => Stop::Error(err),
            Err(panic) => Stop::Panic(panic),
        };
        abort_and_wait(tasks).await;
        return stop.raise();
    }
    // Every job has ended with a value: every place is filled.
    Ok(places.into_iter().flatten().collect())
}

/// `futures::stream::FuturesUnordered` of the spawned tasks' handles: each output handed to
/// `each` as it arrives, in completion order.
///
/// Gives what `as_completed` gives: the tasks run on the runtime while `each` is busy, and
/// those that end wait in their handles. This is the async-std and smol examples' own
/// choice, measured here over tokio's handles instead of a `JoinSet`.
///
/// # Panics
///
/// A job's panic is raised again in the caller once the other tasks have been aborted and
/// have stopped.
pub async fn completed_futures_unordered<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| spawn(job.map(move |output| (index, output))))
        .collect();
    let mut received = Vec::with_capacity(running.len());
    while let Some(joined) = running.next().await {
        let done = match joined {
            Ok(done) => done,
            Err(err) => {
                abort_all(&running);
                while running.next().await.is_some() {}
                panic::resume_unwind(err.into_panic());
            }
        };
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}

/// A tokio `mpsc` unbounded channel on which each task sends its job's index and output:
/// each output handed to `each` as it arrives, in the order the tasks send them.
///
/// Gives what `as_completed` gives. The loop reads until the channel closes, which it does
/// once every task has ended and dropped its sender, rather than counting the outputs, as
/// the async-std and smol examples do: it needs no count, and a task dropped before it could
/// send (by a runtime shutting down) cannot leave it waiting forever. It pays for a channel message per job, and for the
/// handles, kept only to abort the tasks on a panic.
///
/// # Panics
///
/// A job's panic, caught in its task and sent in its place, is raised again in the caller
/// once the other tasks have been aborted and have stopped.
pub async fn completed_channel<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (tasks, mut handed) = spawn_handing_over(jobs);
    let mut received = Vec::with_capacity(tasks.len());
    while let Some((index, output)) = handed.recv().await {
        let done = match output {
            Ok(output) => (index, output),
            Err(panic) => {
                abort_and_wait(tasks).await;
                panic::resume_unwind(panic);
            }
        };
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}

/// tokio-util's `JoinMap`, keyed by each job's index: each output handed to `each` as it
/// arrives, in completion order, with its key.
///
/// Gives what `as_completed` gives, and more that these jobs do not need: a task can be
/// aborted by its key, or looked up to find what it was for. It pays for that with a hash
/// table entry per task (its key and an `AbortHandle`) and a map from task id to key,
/// beside the `JoinSet` it wraps; in exchange the job needs no wrapper to carry its index.
///
/// # Panics
///
/// A job's panic is raised again in the caller once the other tasks have been aborted and
/// have stopped.
pub async fn completed_join_map<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut map = JoinMap::new();
    for (index, job) in jobs.into_iter().enumerate() {
        map.spawn(index, job);
    }
    let mut received = Vec::with_capacity(map.len());
    while let Some((index, joined)) = map.join_next().await {
        let done = match joined {
            Ok(output) => (index, output),
            Err(err) => {
                map.shutdown().await;
                panic::resume_unwind(err.into_panic());
            }
        };
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}

/// `JoinSet::join_all`: every output at once, in completion order, when the last job has
/// ended.
///
/// Gives the outputs in the order the jobs ended: unlike `asyncio.gather`, not in input
/// order. Lacks the hand-over: nothing comes back before every job has ended, so it takes
/// no `each`.
///
/// # Panics
///
/// A job's panic is raised again in the caller at once: `join_all` calls `resume_unwind` in
/// its own loop, and the `JoinSet`, dropped as the panic unwinds, aborts the other tasks
/// but does not wait for them. (It would panic too on a task aborted by someone else; none
/// is here.)
pub async fn completed_join_all<F, T>(jobs: impl IntoIterator<Item = F>) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut set = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        set.spawn(job.map(move |output| (index, output)));
    }
    set.join_all().await
}

/// `futures::stream::FuturesUnordered` of the spawned tasks' handles, every other task
/// aborted at the first error: every result in input order, or the errors of every job
/// that failed before the rest stopped, once every task has stopped.
///
/// Gives what `task_group` gives: after the first failure it aborts the tasks still in the
/// set (through the set's own `iter`, so nothing is kept beside it) and drains the set,
/// keeping the results and errors that arrive meanwhile. A job that ends as it is aborted
/// is not lost: tokio keeps what a task returned, abort or not.
///
/// # Panics
///
/// A job's panic is raised again in the caller, instead of the errors, once the other
/// tasks have been aborted and have stopped.
pub async fn first_error_futures_unordered<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, Vec<E>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut running: FuturesUnordered<_> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| spawn(job.map(move |output| (index, output))))
        .collect();
    let mut outcome = Outcome::new(running.len());
    let mut aborted = false;
    while let Some(joined) = running.next().await {
        match joined {
            Ok((index, output)) => outcome.take(index, output),
            Err(err) if err.is_panic() => outcome.panicked(err.into_panic()),
            // A task we aborted: it has stopped, with nothing to hand back.
            Err(_) => {}
        }
        // Once only: aborting the whole set again at each later arrival would be quadratic.
        if !aborted && outcome.failed() {
            abort_all(&running);
            aborted = true;
        }
    }
    outcome.finish()
}

/// tokio-util's `TaskTracker` and `CancellationToken`, each task sending its job's result
/// on a channel, the token cancelled at the first error: every result in input order, or
/// the errors of every job that failed before the rest stopped, once every task has ended.
///
/// Gives what `task_group` gives. The tracker waits for every task, without keeping their
/// outputs or handles; each job runs under `with_cancellation_token_owned`, which ends it
/// at its first poll after the token is cancelled: the job is polled once more, in case it
/// ends then (the wrapper is biased towards the job's own end), and dropped otherwise.
/// These jobs are plain futures, so that drop is all a cancellation does, like an abort; a
/// job written to take a child token could instead see it and run its own async cleanup
/// before it returns (the `shutdown` example does). Lacks the abort: a job that never
/// reaches an `.await` is never dropped, and the tracker waits for it. Every task waits on
/// the one token: its wait is an entry in one list behind one lock (the token's `Notify`),
/// taken as each task starts waiting and as it ends.
///
/// # Panics
///
/// A job's panic, caught in its task and sent like a result, cancels the others as an
/// error does, and is raised again in the caller once every task has ended.
pub async fn first_error_tracker<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, Vec<E>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let token = CancellationToken::new();
    let tracker = TaskTracker::new();
    let (hand, mut handed) = unbounded_channel();
    let mut count = 0;
    for (index, job) in jobs.into_iter().enumerate() {
        // `with_cancellation_token_owned`, a plain future: `run_until_cancelled_owned` is an
        // `async fn`, and would keep the job three times over (rust-lang/rust#62958).
        let job = job.with_cancellation_token_owned(token.clone());
        // The tracker keeps count of the task; its `JoinHandle` is not needed.
        tracker.spawn(hand_over(index, job, hand.clone()));
        count = index + 1;
    }
    drop(hand);
    // No task will be added: `wait` can return once every task has ended.
    tracker.close();
    // If our caller drops this call while it waits, the jobs are cancelled too (they stop at
    // their next poll, not waited for: a drop cannot wait), instead of running on.
    let _cancel_on_drop = token.clone().drop_guard();

    let mut outcome = Outcome::new(count);
    while let Some((index, output)) = handed.recv().await {
        outcome.take_handed(index, output);
        if outcome.failed() {
            break;
        }
    }
    // Every job has ended, or one failed: ask the rest to stop, and wait until they have.
    token.cancel();
    tracker.wait().await;
    // Every task has ended: what is left in the channel was sent before they stopped.
    while let Ok((index, output)) = handed.try_recv() {
        outcome.take_handed(index, output);
    }
    outcome.finish()
}

/// Spawns `task`, its handle wrapped so that dropping the handle aborts the task.
fn spawn<F>(task: F) -> AbortOnDropHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    AbortOnDropHandle::new(tokio::spawn(task))
}

/// What a task returned, its panic raised again here. Nothing aborts a task while it is
/// joined this way, so a `JoinError` is a panic (if the runtime shut down under us,
/// `into_panic` panics with that, as in the examples).
fn joined<T>(joined: Result<T, JoinError>) -> T {
    joined.unwrap_or_else(|err| panic::resume_unwind(err.into_panic()))
}

/// Asks every task in `tasks` to stop: each stops at its next poll.
fn abort_all<T>(tasks: &FuturesUnordered<AbortOnDropHandle<T>>) {
    for task in tasks {
        task.abort();
    }
}

/// Aborts every task, then waits until each has stopped, whatever it ended with.
async fn abort_and_wait<T>(tasks: Vec<AbortOnDropHandle<T>>) {
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// Why an input-order loop stopped early: a job's error, or a job's panic to raise again.
enum Stop<E> {
    Error(E),
    Panic(Box<dyn Any + Send>),
}

impl<E> Stop<E> {
    /// Returns the error, or raises the panic again.
    fn raise<T>(self) -> Result<T, E> {
        match self {
            Stop::Error(err) => Err(err),
            Stop::Panic(payload) => panic::resume_unwind(payload),
        }
    }
}

/// What a task sends when its job ends: the job's index, and its output or its panic.
type Handed<T> = (usize, std::thread::Result<T>);

/// Spawns every job in a task that sends its index and output on a channel; returns the
/// tasks' handles, and the channel, which closes once every task has ended.
fn spawn_handing_over<F>(
    jobs: impl IntoIterator<Item = F>,
) -> (
    Vec<AbortOnDropHandle<()>>,
    UnboundedReceiver<Handed<F::Output>>,
)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (hand, handed) = unbounded_channel();
    let tasks = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| spawn(hand_over(index, job, hand.clone())))
        .collect();
    // Only the tasks hold a sender now: the channel closes once every task has ended.
    (tasks, handed)
}

/// The body of a job's task: runs the job, then sends its index with its output, or its
/// panic, in the poll in which the job ends.
fn hand_over<F: Future>(
    index: usize,
    job: F,
    hand: UnboundedSender<Handed<F::Output>>,
) -> impl Future<Output = ()> {
    // tokio would catch the panic too, but in the `JoinHandle`, which the caller does not
    // read while it reads the channel: caught here, the panic arrives in its place, at once.
    // Nothing sees what a panicking job left half-done, so asserting unwind safety is sound.
    AssertUnwindSafe(job).catch_unwind().map(move |output| {
        // An unbounded channel never waits; sending fails only once the caller has gone,
        // and then nobody wants the output.
        let _ = hand.send((index, output));
    })
}

/// What a first-error loop has taken so far: the results in their places, the errors with
/// their jobs' indices, and the first panic.
struct Outcome<T, E> {
    places: Vec<Option<T>>,
    errors: Vec<(usize, E)>,
    panic: Option<Box<dyn Any + Send>>,
}

impl<T, E> Outcome<T, E> {
    fn new(jobs: usize) -> Self {
        Outcome {
            places: (0..jobs).map(|_| None).collect(),
            errors: Vec::new(),
            panic: None,
        }
    }

    fn take(&mut self, index: usize, output: Result<T, E>) {
        match output {
            Ok(value) => self.places[index] = Some(value),
            Err(err) => self.errors.push((index, err)),
        }
    }

    /// Takes what a task sent: `None` from a job that the token cancelled.
    fn take_handed(&mut self, index: usize, output: std::thread::Result<Option<Result<T, E>>>) {
        match output {
            Ok(Some(output)) => self.take(index, output),
            Ok(None) => {}
            Err(payload) => self.panicked(payload),
        }
    }

    /// Keeps the first panic: the one raised again once every task has stopped.
    fn panicked(&mut self, payload: Box<dyn Any + Send>) {
        self.panic.get_or_insert(payload);
    }

    fn failed(&self) -> bool {
        self.panic.is_some() || !self.errors.is_empty()
    }

    /// The results in input order, or the errors in input order, or the panic raised again.
    fn finish(self) -> Result<Vec<T>, Vec<E>> {
        if let Some(payload) = self.panic {
            panic::resume_unwind(payload);
        }
        if self.errors.is_empty() {
            // Every job has ended with a value: every place is filled.
            return Ok(self.places.into_iter().flatten().collect());
        }
        let mut errors = self.errors;
        errors.sort_unstable_by_key(|&(index, _)| index);
        Err(errors.into_iter().map(|(_, err)| err).collect())
    }
}
