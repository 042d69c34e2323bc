//! For comparison, never to copy: an `Executor` you own, main's own work while the tasks
//! run, fire and forget, and the way fire and forget goes wrong on smol.

use std::future::Future;

use smol::Executor;

use crate::{Awaited, Spawned, await_each, handing_over, spawn_all};

/// `loop.create_task(job)`: spawns on an `Executor` you own. Its tasks run only while
/// someone drives it (`ex.run(..)` or `ex.tick()`), on the threads you choose, and
/// dropping it cancels whatever is left: a scope for tasks, or a pool of your own.
pub fn spawn_on<'a, F>(
    ex: &Executor<'a>,
    jobs: impl IntoIterator<Item = F>,
) -> Vec<Spawned<F::Output>>
where
    F: Future + Send + 'a,
    F::Output: Send + 'a,
{
    let spawn = |job| {
        let (run, output) = handing_over(job);
        let task = ex.spawn(run);
        Spawned { task, output }
    };
    jobs.into_iter().map(spawn).collect()
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

/// Fire and forget: spawns and detaches the jobs, does main's own work, returns. Nobody
/// sees a job's result, its error, or its panic (the runtime prints a panic and carries
/// on).
pub async fn forget<F>(jobs: impl IntoIterator<Item = F>, main_work: impl Future<Output = ()>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    for job in jobs {
        // `.detach()` lets the task run on without its `Task`.
        smol::spawn(job).detach();
    }
    main_work.await;
}

/// The same, on an `Executor` main owns (and must keep driving while the jobs run).
pub async fn forget_on<'a, F>(
    ex: &Executor<'a>,
    jobs: impl IntoIterator<Item = F>,
    main_work: impl Future<Output = ()>,
) where
    F: Future + Send + 'a,
    F::Output: Send + 'a,
{
    for job in jobs {
        ex.spawn(job).detach();
    }
    main_work.await;
}

/// WRONG, don't do this: `let _ = smol::spawn(..)` drops the `Task` at once, which
/// cancels it: the job never runs to its end. (It may run up to its first `.await`, if an
/// executor thread picks the task up before the drop: a race.) Fire and forget in smol
/// needs `.detach()`.
// Clippy's `let_underscore_future` lint catches this mistake; it is allowed here only
// because showing the mistake is the point of this function.
#[allow(clippy::let_underscore_future)]
pub async fn drop_tasks<F>(jobs: impl IntoIterator<Item = F>, main_work: impl Future<Output = ()>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    for job in jobs {
        let _ = smol::spawn(job);
    }
    main_work.await;
}
