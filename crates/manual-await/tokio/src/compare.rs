//! For comparison, never to copy: spawning through a runtime `Handle`, main's own work
//! while the tasks run, and fire and forget.

use std::future::Future;

use tokio::runtime::Handle;

use crate::{Awaited, Spawned, await_each, spawn_all};

/// `loop.create_task(job)`: spawns through an explicit runtime `Handle`, from any thread,
/// even from code that is not async. `tokio::spawn` needs to be called inside the runtime;
/// a handle works from a plain thread, a callback or a library that keeps one.
pub fn spawn_on<F>(runtime: &Handle, jobs: impl IntoIterator<Item = F>) -> Vec<Spawned<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    jobs.into_iter().map(|job| runtime.spawn(job)).collect()
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
        // Dropping a tokio `JoinHandle` does not cancel its task: the task is detached and
        // runs on.
        drop(tokio::spawn(job));
    }
    main_work.await;
}
