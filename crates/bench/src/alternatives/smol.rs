//! The alternatives on smol: the other idiomatic ways to get each semantic, measured beside
//! the smol examples' own choice.
//!
//! The examples already use one primitive for each semantic, and it is not repeated here:
//! `gather` and `task_group` spawn every job with a sender of a channel, through which each
//! task hands over its job's result as the job ends, and `as_completed` keeps the jobs'
//! `Task`s in a `FuturesUnordered`. So this module holds the others: `try_join_all` and a
//! `FuturesOrdered` over the `Task`s for results in input order, a channel for results in
//! completion order, and a `FuturesUnordered` of the `Task`s for the first error that
//! cancels the rest. smol's own `future` and `stream` (futures-lite) have none of these
//! sets: they are the `futures` crate's, which works on any runtime.
//!
//! Each task catches its job's panic (`catch_unwind`), as the examples' tasks do, and the
//! function raises it again in the caller, so that the figures compare like with like.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

use futures::future::{join_all, try_join_all};
use futures::stream::{FuturesOrdered, FuturesUnordered};
use futures::{FutureExt as _, StreamExt as _};
use smol::{Task, channel};

use super::Done;

/// Results in input order with `try_join_all` over the `Task`s: every job's value, or the
/// first error, returned at once.
///
/// What it lacks against `gather`: the other tasks are cancelled only by being dropped
/// (a dropped smol `Task` is cancelled), and a drop cannot wait, so they may still be
/// stopping when the error reaches the caller. And over more than 30 jobs `try_join_all`
/// is a `FuturesOrdered` underneath (futures-util's `join_all::SMALL`; so it is too when
/// the iterator of jobs gives no upper bound), so an error is seen only once every job
/// before it in the input has ended; up to 30, it polls every task each time one of them
/// wakes it.
///
/// # Panics
///
/// A job's panic is raised again in the caller, once `try_join_all` has dropped the other
/// tasks (they are cancelled, but not waited for).
pub async fn ordered_try_join_all<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // The panic is caught in the task and travels as an error, so that `try_join_all`
    // stops on it as on a failure and lets go of the other tasks before it is raised.
    let tasks = jobs
        .into_iter()
        .map(|job| smol::spawn(AssertUnwindSafe(job).catch_unwind()).map(outcome));
    try_join_all(tasks).await.or_else(Stop::raise)
}

/// Results in input order with a `FuturesOrdered` of the `Task`s: every job's value, or
/// the first error in input order, once the other tasks are cancelled and have stopped.
///
/// What it lacks against `gather`: the queue hands the outputs over in input order only,
/// so an error is seen only once every job before it in the input has ended, and a
/// failure of the last job waits for the slowest of the others. (The outputs that arrive
/// early wait in the queue, each once: it stays linear.)
///
/// # Panics
///
/// A job's panic is raised again in the caller, once the tasks still running have been
/// cancelled and have stopped.
pub async fn ordered_futures_ordered<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let mut tasks: Vec<Task<_>> = jobs
        .into_iter()
        .map(|job| smol::spawn(AssertUnwindSafe(job).catch_unwind()))
        .collect();
    // A `FuturesOrdered` cannot hand back the futures it holds (it has no `iter` or
    // `into_iter`), and dropping them would not wait for them, so the queue only borrows
    // the tasks (a `Task` is `Unpin`: `&mut Task` is a future too), and they stay here to
    // be cancelled after an error.
    let mut queue: FuturesOrdered<_> = tasks.iter_mut().collect();
    let mut values = Vec::with_capacity(queue.len());
    while let Some(caught) = queue.next().await {
        match outcome(caught) {
            Ok(value) => values.push(value),
            Err(stop) => {
                // The tasks up to this one have all ended (the queue yields in input
                // order): cancel the others and wait until each has stopped, as `gather`
                // does, so that no job is left running behind the caller.
                drop(queue);
                let rest = tasks.into_iter().skip(values.len() + 1);
                join_all(rest.map(Task::cancel)).await;
                return stop.raise();
            }
        }
    }
    Ok(values)
}

/// Results in completion order through a channel: each task sends its job's index and
/// output as the job ends, and the caller hands each to `each` as it arrives.
///
/// It gives what `as_completed` gives, the same order and the same hand-over; a result
/// only waits in a different place until the caller takes it: in the channel's queue
/// rather than in its task. Each task carries a sender of its own.
///
/// # Panics
///
/// A job's panic is raised again in the caller, once the tasks still running have been
/// cancelled and have stopped.
pub async fn completed_channel<F, T>(
    jobs: impl IntoIterator<Item = F>,
    mut each: impl AsyncFnMut(usize, &Done<T>),
) -> Vec<Done<T>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let (handed, arriving) = channel::unbounded();
    // The tasks are kept only to be cancelled if a job panics.
    let tasks: Vec<Task<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| {
            let handed = handed.clone();
            smol::spawn(AssertUnwindSafe(job).catch_unwind().map(move |output| {
                // An unbounded channel's `try_send` never waits. It fails only once the
                // caller has stopped listening, and then nobody wants the output.
                let _ = handed.try_send((index, output));
            }))
        })
        .collect();
    // Only the tasks hold a sender now, so the channel closes once every task has ended,
    // and the loop receives until then rather than counting to the number of jobs: a task
    // that stopped without sending (cancelled by someone else) cannot leave it waiting.
    drop(handed);
    let mut received = Vec::with_capacity(tasks.len());
    while let Ok((index, output)) = arriving.recv().await {
        let done = match output {
            Ok(output) => (index, output),
            Err(payload) => {
                join_all(tasks.into_iter().map(Task::cancel)).await;
                panic::resume_unwind(payload);
            }
        };
        each(received.len() + 1, &done).await;
        received.push(done);
    }
    received
}

/// The first error cancels the rest, with a `FuturesUnordered` of the `Task`s: every
/// job's value in input order, or the errors of every job that failed before the rest
/// were cancelled, in input order, once every task has stopped.
///
/// What it lacks against `task_group`: `Task::cancel` throws away the output of a task
/// that ends while it is being cancelled (async-task drops the output of a task closed
/// while it ran), so a job that fails at that very instant is taken for cancelled, its
/// error missing from those returned, and a panic at that instant is lost. `task_group`'s
/// tasks hand their results over through a channel before they can end, and lose none.
///
/// # Panics
///
/// A job's panic (the first, if several did) is raised again in the caller, once every
/// task has stopped.
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
        .map(|(index, job)| {
            let caught = AssertUnwindSafe(job).catch_unwind();
            smol::spawn(caught.map(move |output| (index, output)))
        })
        .collect();
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut results: Vec<Option<T>> = (0..running.len()).map(|_| None).collect();
    let (mut errors, mut panicked) = (Vec::new(), None);
    let mut keep = |(index, output): Done<std::thread::Result<Result<T, E>>>| match output {
        Ok(Ok(value)) => results[index] = Some(value),
        Ok(Err(err)) => errors.push((index, err)),
        Err(payload) => {
            panicked.get_or_insert(payload);
        }
    };
    while let Some(done) = running.next().await {
        let stops = !matches!(done.1, Ok(Ok(_)));
        keep(done);
        if stops {
            // Cancel every task still in the set and wait until each has stopped. The
            // set hands its tasks back (`into_iter`), and `cancel` returns the output of
            // a task that had ended before it was cancelled: those are kept, as
            // `task_group` keeps what arrives meanwhile.
            let rest = join_all(running.into_iter().map(Task::cancel)).await;
            rest.into_iter().flatten().for_each(&mut keep);
            break;
        }
    }
    if let Some(payload) = panicked {
        panic::resume_unwind(payload);
    }
    if errors.is_empty() {
        // Every job has ended with a value: every place is filled.
        return Ok(results.into_iter().flatten().collect());
    }
    errors.sort_unstable_by_key(|&(index, _)| index);
    Err(errors.into_iter().map(|(_, err)| err).collect())
}

/// Why a job stopped the ordered functions early: its error, or its panic, carried as a
/// value until the other tasks have been let go of.
enum Stop<E> {
    Failed(E),
    Panicked(Box<dyn Any + Send>),
}

impl<E> Stop<E> {
    /// Returns the error, or raises the panic again.
    fn raise<T>(self) -> Result<T, E> {
        match self {
            Stop::Failed(err) => Err(err),
            Stop::Panicked(payload) => panic::resume_unwind(payload),
        }
    }
}

/// A task's output, its job's panic caught, as the job's value or why it stopped.
fn outcome<T, E>(caught: std::thread::Result<Result<T, E>>) -> Result<T, Stop<E>> {
    match caught {
        Ok(result) => result.map_err(Stop::Failed),
        Err(payload) => Err(Stop::Panicked(payload)),
    }
}
