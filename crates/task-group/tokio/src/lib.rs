//! `asyncio.TaskGroup` on tokio: every job runs inside a scope that is not left while any
//! of them runs, and the first failure cancels the others.
//!
//! ```python
//! async def main():
//!     async with asyncio.TaskGroup() as tg:
//!         tasks = [tg.create_task(fetch(name, 1)) for name in names]
//!     results = [task.result() for task in tasks]  # spawn order
//!     # a failure cancels the other tasks; the group raises an ExceptionGroup
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p task-group-tokio
//! cargo run -p task-group-tokio -- --delays 2,1,3 --fail 1
//! cargo run -p task-group-tokio -- --delays 1,3,2,4 --fail 2
//! cargo run -p task-group-tokio -- --fail 3
//! cargo run -p task-group-tokio -- --delays 0.1,0.1,0.1,1 --fail 0,1,2
//! cargo run -p task-group-tokio -- --json --delays 0.2,0.1,0.3 --panic 1
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, and the results come in spawn order, although a `JoinSet`
//!   hands them back in the order the jobs end: the group puts each in its job's place.
//! - With `--delays 1,3,2,4 --fail 2`, A (1 s) finishes, C fails at 2 s, and the group
//!   cancels B and D at once, waits until they have stopped, then raises C's error: the
//!   caller gets no results at all, as with Python's `ExceptionGroup`.
//! - With `--fail 3` every job ends at about the same moment, 1 s. The jobs whose end the
//!   worker threads had already run stay `finished`; the few they had not reached yet when
//!   the group saw D's failure are `cancelled`, a different few on each run. (CPython, on
//!   one thread, finishes them all before the group hears of D.)
//! - With `--delays 0.1,0.1,0.1,1 --fail 0,1,2`, every failure that happened before the
//!   abort reached its job is raised, none lost: tokio keeps what a task returns even if
//!   the abort comes while it is ending (see the comment at `abort_all`).
//! - With `--panic 1`, the report is that of a failure, with `job 1 panicked`: `main.rs`
//!   turns each job's panic into an error. A panic that reaches the group itself is raised
//!   again in its caller, once the other jobs have been cancelled and have stopped.
//! - If the code that awaits the group is itself cancelled, dropping the `JoinSet` aborts
//!   every task in it. A drop cannot wait, so they stop a moment later, at their next
//!   `.await`: see the test `cancelling_the_owner_aborts_every_task`.
//!
//! Why not `JoinSet::join_all`: it waits for every task whatever happens (a failing job
//! does not stop its siblings), returns the results in the order the tasks ended, and
//! panics in the caller on any `JoinError`: a task that panicked, and a task that was
//! aborted too. A task group needs the loop below.

// ANCHOR: copy
use futures::FutureExt as _;
use std::future::Future;
use std::panic;
use tokio::task::JoinSet;

/// `async with asyncio.TaskGroup() as tg:` around every job: the results in spawn order,
/// or, if any job fails, the errors of every job that failed before the others were
/// cancelled (the `ExceptionGroup`), in spawn order, once every other job has stopped.
///
/// # Panics
///
/// If a job panics, the group cancels the others as on a failure, waits until they have
/// stopped, then raises the panic again in the caller (`resume_unwind`) instead of
/// returning the errors.
pub async fn task_group<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, Vec<E>>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // The group owns its tasks. Dropping a `JoinSet` aborts every task still in it, so the
    // jobs cannot outlive the group, even if our caller is cancelled while we wait here.
    let mut group = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        // Each task hands back its job's index in the input with what the job returned.
        // `map`, not `async move { (index, job.await) }`: an async block would keep the
        // future twice, once captured and once being awaited (rust-lang/rust#62958), and
        // double every task's memory.
        group.spawn(job.map(move |output| (index, output)));
    }
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut results: Vec<Option<T>> = (0..group.len()).map(|_| None).collect();

    // Take the tasks in the order they end, each result into its job's place. The scope
    // cannot be left before the set is empty.
    let (mut errors, mut panicked, mut cancelled) = (Vec::new(), None, false);
    while let Some(joined) = group.join_next().await {
        match joined {
            Ok((index, Ok(value))) => results[index] = Some(value),
            Ok((index, Err(err))) => errors.push((index, err)),
            // A job that panicked: its panic (the first, if several did) is raised again
            // once every task has stopped.
            Err(err) if err.is_panic() => {
                panicked.get_or_insert(err.into_panic());
            }
            // A task we aborted before it ended: it has stopped, with nothing to hand back.
            Err(_) => {}
        }
        if !cancelled && (panicked.is_some() || !errors.is_empty()) {
            // `abort_all` only asks: each task stops at its next poll. The loop goes on
            // until the set is empty, so we wait for every one of them. A job that ends
            // during the abort is not lost: when a task's poll returns `Ready`, tokio keeps
            // what it returned, abort or not (an abort takes effect only at a next poll,
            // which an ended task never gets), and `join_next` hands it back as `Ok`. So a
            // failure at the same instant is raised too.
            group.abort_all();
            cancelled = true;
        }
    }
    if let Some(payload) = panicked {
        panic::resume_unwind(payload);
    }
    if errors.is_empty() {
        // Every job has ended with a value: every place is filled.
        return Ok(results.into_iter().flatten().collect());
    }
    // The errors in spawn order, as the group's tasks were created.
    errors.sort_unstable_by_key(|&(index, _)| index);
    Err(errors.into_iter().map(|(_, err)| err).collect())
}
// ANCHOR_END: copy
