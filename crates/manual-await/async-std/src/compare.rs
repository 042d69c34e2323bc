//! For comparison, never to copy: named tasks, main's own work while the tasks run, and
//! fire and forget.

use std::future::Future;

use async_std::task;

use crate::{Awaited, Spawned, await_each, handing_over, spawn_all};

/// The closest async-std has to `loop.create_task`: there is one global executor and no
/// handle to it, so `task::Builder` can only give each task a name (`task::spawn` works
/// from any thread already). A name helps when reading logs, panics and debuggers.
pub fn spawn_named<F>(
    jobs: impl IntoIterator<Item = (String, F)>,
) -> std::io::Result<Vec<Spawned<F::Output>>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut tasks = Vec::new();
    for (name, job) in jobs {
        let (run, output) = handing_over(job);
        let task = task::Builder::new().name(name).spawn(run)?;
        tasks.push(Spawned { task, output });
    }
    Ok(tasks)
}

impl<O> Spawned<O> {
    /// The task's name, if it was given one.
    pub fn name(&self) -> Option<&str> {
        self.task.task().name()
    }
}

/// Spawns the jobs, does main's own work while they run, then awaits them.
///
/// # Panics
///
/// Raises a job's panic again, as [`await_each`] does.
pub async fn background<F, T, E>(
    jobs: impl IntoIterator<Item = F>,
    main_work: impl Future<Output = ()>,
) -> Awaited<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    let tasks = spawn_all(jobs);
    main_work.await;
    await_each(tasks).await
}

/// Fire and forget: spawns the jobs, drops their handles, does main's own work, returns.
/// Nobody sees a job's result, its error, or its panic (the runtime prints a panic and
/// carries on).
pub async fn forget<F>(jobs: impl IntoIterator<Item = F>, main_work: impl Future<Output = ()>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    for job in jobs {
        // Dropping an async-std `JoinHandle` does not cancel its task: the task is
        // detached and runs on.
        drop(task::spawn(job));
    }
    main_work.await;
}
