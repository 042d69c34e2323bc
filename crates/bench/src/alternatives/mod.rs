//! The other ways to get each pattern's semantics, measured beside the examples' own choice
//! so that a reader can tell the price of a semantic from the price of a primitive.
//!
//! The patterns need three semantics, and each runtime offers several primitives for each:
//!
//! - **Results in input order**, the first error returned (`gather`, and `manual-await`'s
//!   results): the shape of `gather`, `async fn(jobs) -> Result<Vec<T>, E>`.
//! - **Results in completion order**, each handed over as it arrives (`as-completed`, and
//!   `wait` and the scraper, which take results in that order): the shape of
//!   `as_completed`, `async fn(jobs, each) -> Vec<(usize, T)>`.
//! - **The first error cancels the rest** (`task-group`): the shape of `task_group`,
//!   `async fn(jobs) -> Result<Vec<T>, Vec<E>>`, returning once every job has stopped.
//!
//! Each alternative is a small function in the runtime's module ([`tokio`], [`async_std`],
//! [`smol`]), with the same shape, the same results and the same handling of a panic as
//! the pattern it stands beside; the tests (`tests/alternatives_*.rs`) run both on the
//! same jobs and compare what they return. Where an alternative gives less (an error seen
//! only in input order, a task left running after an error, no parallelism), its doc says
//! so, and so does [`crate::Pattern::lacks`], which the page prints beside its figures.
//!
//! Two alternatives need no runtime at all and are the same everywhere: the jobs awaited
//! in the caller's own task, without spawning ([`ordered_in_task`] here, and each
//! `as-completed` example's own `as_completed_unspawned`).

pub mod async_std;
pub mod smol;
pub mod tokio;

use std::future::Future;

/// A job's output as it arrives: its index in the input, and what it returned.
pub type Done<T> = (usize, T);

/// Results in input order without spawning: `try_join_all` over the jobs' own futures,
/// polled in the caller's task (`join!` for a list). The first error, in time, is
/// returned and the other jobs are dropped (cancelled) at once.
///
/// Lacks what a spawned task gives: the jobs share the caller's one task, so they never
/// run on two cores at once, and none makes progress while the caller does something else.
pub async fn ordered_in_task<F, T, E>(jobs: impl IntoIterator<Item = F>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    futures::future::try_join_all(jobs).await
}
