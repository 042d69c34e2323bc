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
//! - The group is a `Vec<Task>`: dropping a smol `Task` cancels it. So if the code that
//!   awaits the group is itself cancelled, every job is cancelled with it; a drop cannot
//!   wait, so they stop a moment later: see the test `cancelling_the_owner_cancels_every_task`.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use futures::future::join_all;
use shared::{Job, JobError};
use smol::channel::{self, Sender};
use smol::{Task, Timer};

/// What a task hands over when its job ends: the job's number, and what it returned.
type Handed = (usize, Result<String, JobError>);

/// `async with asyncio.TaskGroup() as tg:` around every job: the results in spawn order,
/// or, if any job fails, every failure, once every other job has stopped.
pub async fn task_group(jobs: Vec<Job>) -> Result<Vec<String>, Vec<JobError>> {
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    // Each task hands its job's result to the group through this channel, in the poll in
    // which the job ends (see `hand_over`), so no result can be lost to a cancellation.
    let (handed, received) = channel::unbounded();
    // The group owns its tasks. Dropping a smol `Task` cancels it, so the jobs cannot
    // outlive the group, even if our caller is cancelled while we wait here.
    let tasks: Vec<Task<()>> = jobs
        .into_iter()
        .map(|job| {
            let id = job.id();
            smol::spawn(hand_over(id, job.run(Timer::after), handed.clone()))
        })
        .collect();
    // Now only the tasks hold a sender: the channel closes once every one has ended.
    drop(handed);

    // Take the results in the order the jobs end, each into its job's place, until every
    // job has ended, or one fails.
    let mut errors = Vec::new();
    let mut taken = 0;
    while let Ok((job, result)) = received.recv().await {
        taken += 1;
        match result {
            Ok(value) => results[job] = Some(value),
            Err(err) => {
                let left = results.len() - taken;
                tracing::info!(
                    "group: {err}: cancelling every sibling still running ({left} not yet collected)"
                );
                errors.push(err);
                break;
            }
        }
    }
    if errors.is_empty() {
        return Ok(results.into_iter().flatten().collect());
    }

    // Cancel every task and wait until each has stopped. A job that ended meanwhile, even
    // during its task's cancellation, has handed its result over already: collect those,
    // so that a failure at the same instant is raised too.
    join_all(tasks.into_iter().map(Task::cancel)).await;
    let mut finished = 0;
    while let Ok((_, result)) = received.try_recv() {
        taken += 1;
        match result {
            Ok(_) => finished += 1,
            Err(err) => errors.push(err),
        }
    }
    let cancelled = results.len() - taken;
    errors.sort_by_key(JobError::job);
    let raised: Vec<String> = errors.iter().map(ToString::to_string).collect();
    tracing::info!(
        "group: every task has stopped ({cancelled} cancelled, {finished} had finished at the same moment); raising: {}",
        raised.join("; ")
    );
    Err(errors)
}

/// The body of job `id`'s task: runs the job, then hands over what it returned, or its
/// panic as an error, in the same poll in which it ends.
///
/// Why not let the task return the result: `Task::cancel` gives `None`, and throws the
/// output away, if the task ends while it is being cancelled (async-task has marked it
/// closed by then). A failure at that instant would be counted as a cancellation. Handed
/// over from inside the task, the result is in the group's channel before the task can
/// end, whatever `cancel` then returns.
async fn hand_over(
    id: usize,
    job: impl Future<Output = Result<String, JobError>>,
    handed: Sender<Handed>,
) {
    // smol would catch the job's panic too, but only to raise it again in whoever awaits
    // the task: catch it here, as tokio's `JoinError` does, and hand it over as an error.
    let result = AssertUnwindSafe(job)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    // An unbounded channel's `try_send` never waits. It fails only when the group has
    // gone (its caller was cancelled), and then nobody wants the result.
    let _ = handed.try_send((id, result));
}
