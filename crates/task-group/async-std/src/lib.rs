//! `asyncio.TaskGroup` on async-std: every job runs inside a scope that is not left while any
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
//! cargo run -p task-group-async-std
//! cargo run -p task-group-async-std -- --delays 2,1,3 --fail 1
//! cargo run -p task-group-async-std -- --delays 1,3,2,4 --fail 2
//! cargo run -p task-group-async-std -- --fail 3
//! cargo run -p task-group-async-std -- --json --delays 0.2,0.1,0.3 --panic 1
//! ```
//!
//! What to notice:
//!
//! - 20 jobs of 1 s take 1 s, and the results come in spawn order, although the group
//!   takes them in the order the jobs end: it puts each in its job's place.
//! - With `--delays 1,3,2,4 --fail 2`, A (1 s) finishes, C fails at 2 s, and the group
//!   cancels B and D at once, waits until they have stopped, then raises C's error: the
//!   caller gets no results at all, as with Python's `ExceptionGroup`.
//! - With `--fail 3` every job ends at about the same moment, 1 s. The jobs that had
//!   already finished when the group saw D's failure stay `finished`; only those still
//!   running are `cancelled`. How many depends on the threads' timing, run to run.
//! - The group keeps the tasks' handles, and a dropped async-std `JoinHandle` lets its
//!   task run on. So the group has a guard: if the code that awaits the group is itself
//!   cancelled, the guard cancels every job. A drop cannot wait, so they stop a moment
//!   later: see the test `cancelling_the_owner_cancels_every_task`.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

use std::panic::AssertUnwindSafe;

use async_std::task::{self, JoinHandle};
use futures::FutureExt as _;
use futures::StreamExt as _;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use shared::{Job, JobError};

/// A spawned job: its number, and the handle that yields its result.
type Spawned = (usize, JoinHandle<Result<String, JobError>>);

/// `async with asyncio.TaskGroup() as tg:` around every job: the results in spawn order,
/// or, if any job fails, every failure, once every other job has stopped.
pub async fn task_group(jobs: Vec<Job>) -> Result<Vec<String>, Vec<JobError>> {
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    // The group owns its tasks. A dropped async-std `JoinHandle` would let its task run
    // on, so the handles live in a `Group`, whose drop cancels them: the jobs cannot
    // outlive the group, even if our caller is cancelled while we wait here.
    let mut group = Group(
        jobs.into_iter()
            .map(|job| (job.id(), task::spawn(job.run(task::sleep))))
            .collect(),
    );

    // Take the tasks as they end (`FuturesUnordered` yields them in that order), until
    // every one has, or one fails. It only borrows the handles, so we still hold them.
    let mut errors = Vec::new();
    let mut collected = vec![false; results.len()];
    let mut ending: FuturesUnordered<_> = group.0.iter_mut().map(joined).collect();
    while let Some((job, result)) = ending.next().await {
        collected[job] = true;
        match result {
            Ok(value) => results[job] = Some(value),
            Err(err) => {
                let left = ending.len();
                tracing::info!(
                    "group: {err}: cancelling every sibling still running ({left} not yet collected)"
                );
                errors.push(err);
                break;
            }
        }
    }
    drop(ending);
    // From here on the group waits for its tasks itself: the guard has nothing to do.
    let tasks = std::mem::take(&mut group.0);
    if errors.is_empty() {
        return Ok(results.into_iter().flatten().collect());
    }

    // Cancel every task and wait until each has stopped. A task that ended meanwhile
    // hands back what it returned instead: a failure at the same instant is raised too.
    let (mut cancelled, mut finished) = (0, 0);
    for (job, output) in join_all(tasks.into_iter().map(cancel)).await {
        match output {
            None if collected[job] => {}
            None => cancelled += 1,
            Some(Ok(_)) => finished += 1,
            Some(Err(err)) => errors.push(err),
        }
    }
    errors.sort_by_key(JobError::job);
    let raised: Vec<String> = errors.iter().map(ToString::to_string).collect();
    tracing::info!(
        "group: every task has stopped ({cancelled} cancelled, {finished} had finished at the same moment); raising: {}",
        raised.join("; ")
    );
    Err(errors)
}

/// Waits for one spawned job and returns what it returned.
async fn joined((id, task): &mut Spawned) -> (usize, Result<String, JobError>) {
    // async-std catches a task's panic and raises it again in whoever awaits the handle: catch it
    // here and turn it into an error, as tokio's `JoinError` does.
    let result = AssertUnwindSafe(task)
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(*id)));
    (*id, result)
}

/// Cancels one spawned job, and waits until it has stopped: `None` if it had not ended,
/// or what it returned if it had (and nobody had taken it yet).
async fn cancel((id, task): Spawned) -> (usize, Option<Result<String, JobError>>) {
    // A job that had panicked raises its panic again here: catch it as `joined` does.
    let output = AssertUnwindSafe(task.cancel())
        .catch_unwind()
        .await
        .unwrap_or(Some(Err(JobError::Panicked(id))));
    (id, output)
}

/// The group's tasks, cancelled if the group is dropped before it has waited for them.
struct Group(Vec<Spawned>);

impl Drop for Group {
    fn drop(&mut self) {
        let tasks = std::mem::take(&mut self.0);
        if !tasks.is_empty() {
            // A drop cannot `.await`, and async-std can only cancel a task with
            // `cancel().await`: hand the cancelling to a task of its own.
            task::spawn(join_all(tasks.into_iter().map(cancel)));
        }
    }
}
