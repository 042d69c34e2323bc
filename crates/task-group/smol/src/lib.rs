//! `asyncio.TaskGroup` on smol: every job runs inside a scope that is not left while any
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
//! cargo run -p task-group-smol
//! cargo run -p task-group-smol -- --delays 2,1,3 --fail 1
//! cargo run -p task-group-smol -- --delays 1,3,2,4 --fail 2
//! cargo run -p task-group-smol -- --fail 3
//! cargo run -p task-group-smol -- --delays 0.1,0.1,0.1,1 --fail 0,1,2
//! cargo run -p task-group-smol -- --json --delays 0.2,0.1,0.3 --panic 1
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, and the results come in spawn order, although the group
//!   takes them in the order the jobs end: it puts each in its job's place.
//! - With `--delays 1,3,2,4 --fail 2`, A (1 s) finishes, C fails at 2 s, and the group
//!   cancels B and D at once, waits until they have stopped, then raises C's error: the
//!   caller gets no results at all, as with Python's `ExceptionGroup`.
//! - With `--fail 3` every job ends at about the same moment, 1 s. The jobs whose end the
//!   executor had already run stay `finished`; the few it had not reached yet when the
//!   group saw D's failure are `cancelled`, a different few on each run. (CPython, on one
//!   thread, finishes them all before the group hears of D.)
//! - With `--delays 0.1,0.1,0.1,1 --fail 0,1,2`, every failure that happened before the
//!   cancellation reached its job is raised, none lost: each task hands its job's result
//!   over itself, because `cancel()` throws away what a task returns while being cancelled.
//! - With `--panic 1`, the report is that of a failure, with `job 1 panicked`: `main.rs`
//!   turns each job's panic into an error. A panic that reaches the group itself is raised
//!   again in its caller, once the other jobs have been cancelled and have stopped.
//! - The group is a `Vec<Task>`: dropping a smol `Task` cancels it. So if the code that
//!   awaits the group is itself cancelled, every job is cancelled with it; a drop cannot
//!   wait, so they stop a moment later: see the test `cancelling_the_owner_cancels_every_task`.

// ANCHOR: copy
use futures::FutureExt as _;
use futures::future::join_all;
use smol::Task;
use smol::channel::{self, Sender};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

/// What a task hands over when its job ends: the job's index in the input, and what the
/// job returned, or its panic.
type Handed<R> = (usize, std::thread::Result<R>);

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
    // Each task hands its job's result to the group through this channel, in the poll in
    // which the job ends (see `hand_over`), so no result can be lost to a cancellation.
    let (handed, received) = channel::unbounded();
    // The group owns its tasks. Dropping a smol `Task` cancels it, so the jobs cannot
    // outlive the group, even if our caller is cancelled while we wait here.
    let mut tasks: Vec<Task<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| smol::spawn(hand_over(index, job, handed.clone())))
        .collect();
    // Now only the tasks hold a sender: the channel closes once every one has ended.
    drop(handed);
    // One place per job, filled as the jobs end (`vec![None; n]` would need `T: Clone`).
    let mut results: Vec<Option<T>> = (0..tasks.len()).map(|_| None).collect();

    // Take the results in the order the jobs end, each into its job's place, until every
    // task has ended.
    let (mut errors, mut panicked, mut cancelled) = (Vec::new(), None, false);
    while let Ok((index, output)) = received.recv().await {
        match output {
            Ok(Ok(value)) => results[index] = Some(value),
            Ok(Err(err)) => errors.push((index, err)),
            // A job that panicked: its panic (the first, if several did) is raised again
            // once every task has stopped.
            Err(payload) => {
                panicked.get_or_insert(payload);
            }
        }
        if !cancelled && (panicked.is_some() || !errors.is_empty()) {
            // Cancel every task and wait until each has stopped. A job that ended
            // meanwhile, even during its task's cancellation, has handed its result over
            // already: the loop goes on to collect those, so that a failure at the same
            // instant is raised too. (A stopped task has dropped its sender: the channel
            // closes once every task has stopped and every result is taken.)
            join_all(tasks.drain(..).map(Task::cancel)).await;
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

/// The body of a job's task: runs the job, then hands over its index with what the job
/// returned, or its panic, in the same poll in which the job ends.
///
/// Why not let the task return the result: `Task::cancel` gives `None`, and throws the
/// output away, if the task ends while it is being cancelled (async-task has marked it
/// closed by then). A failure at that instant would be counted as a cancellation. Handed
/// over from inside the task, the result is in the group's channel before the task can
/// end, whatever `cancel` then returns.
fn hand_over<F: Future>(
    index: usize,
    job: F,
    handed: Sender<Handed<F::Output>>,
) -> impl Future<Output = ()> {
    // smol would catch the job's panic too, but only to raise it again in whoever awaits
    // the task, in the middle of cancelling the others. Caught here, it is handed over like
    // a result, and raised again once every task has stopped.
    //
    // Combinators, not an `async fn`: an `async fn` would keep the future twice, once as
    // its argument and once being awaited (rust-lang/rust#62958), and double every
    // task's memory.
    AssertUnwindSafe(job).catch_unwind().map(move |output| {
        // An unbounded channel's `try_send` never waits. It fails only when the group has
        // gone (its caller was cancelled), and then nobody wants the result.
        let _ = handed.try_send((index, output));
    })
}
// ANCHOR_END: copy
