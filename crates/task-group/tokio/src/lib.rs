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
//! - If the code that awaits the group is itself cancelled, dropping the `JoinSet` aborts
//!   every task in it. A drop cannot wait, so they stop a moment later, at their next
//!   `.await`: see the test `cancelling_the_owner_aborts_every_task`.
//!
//! Why not `JoinSet::join_all`: it waits for every task whatever happens (a failing job
//! does not stop its siblings), returns the results in the order the tasks ended, and
//! panics in the caller on any `JoinError`: a task that panicked, and a task that was
//! aborted too. A task group needs the loop below.

use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;
use shared::{Job, JobError};
use tokio::task::JoinSet;

/// `async with asyncio.TaskGroup() as tg:` around every job: the results in spawn order,
/// or, if any job fails, every failure, once every other job has stopped.
pub async fn task_group(jobs: Vec<Job>) -> Result<Vec<String>, Vec<JobError>> {
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    // The group owns its tasks. Dropping a `JoinSet` aborts every task still in it, so the
    // jobs cannot outlive the group, even if our caller is cancelled while we wait here.
    let mut group = JoinSet::new();
    for job in jobs {
        let id = job.id();
        // Each task hands back its job's number with what the job returned. tokio would
        // catch a panic too, but its `JoinError` names the task, not the job: catching the
        // panic inside the task keeps the two together, with no map from tasks to jobs.
        group.spawn(async move {
            let result = AssertUnwindSafe(job.run(tokio::time::sleep))
                .catch_unwind()
                .await
                .unwrap_or(Err(JobError::Panicked(id)));
            (id, result)
        });
    }

    // Take the tasks in the order they end, each result into its job's place. The scope
    // cannot be left before the set is empty.
    let mut errors = Vec::new();
    let (mut cancelled, mut finished) = (0, 0);
    while let Some(joined) = group.join_next().await {
        // An `Err` is a task we aborted before it ended: it has stopped, with nothing to
        // hand back. (A job's panic was caught in its task, so it is not a `JoinError`.)
        let Ok((job, result)) = joined else {
            cancelled += 1;
            continue;
        };
        match result {
            Ok(_) if !errors.is_empty() => finished += 1,
            Ok(value) => results[job] = Some(value),
            Err(err) => {
                if errors.is_empty() {
                    let left = group.len();
                    tracing::info!(
                        "group: {err}: cancelling every sibling still running ({left} not yet collected)"
                    );
                    // `abort_all` only asks: each task stops at its next poll. The loop
                    // goes on until the set is empty, so we wait for every one of them.
                    // A job that ends during the abort is not lost: when a task's poll
                    // returns `Ready`, tokio keeps what it returned, abort or not (an
                    // abort takes effect only at a next poll, which an ended task never
                    // gets), and `join_next` hands it back as `Ok`. So a failure at the
                    // same instant is raised too.
                    group.abort_all();
                }
                errors.push(err);
            }
        }
    }
    if errors.is_empty() {
        return Ok(results.into_iter().flatten().collect());
    }
    errors.sort_by_key(JobError::job);
    let raised: Vec<String> = errors.iter().map(ToString::to_string).collect();
    tracing::info!(
        "group: every task has stopped ({cancelled} cancelled, {finished} had finished at the same moment); raising: {}",
        raised.join("; ")
    );
    Err(errors)
}
