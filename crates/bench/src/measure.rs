//! One measurement, in this process: a pattern on a runtime, or a runtime's timer.
//!
//! The bench runs each measurement in a process of its own (`bench measure ...`), so that
//! one measurement's memory, threads and warmed-up allocator do not colour the next.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::{Ending, EventLog, Job};

use crate::{Pattern, QUEUE_MAXSIZE, QUEUE_WORKERS, Runtime};

/// The scraper's deadline in the bench: far beyond any run, so every page arrives.
const NO_DEADLINE: Duration = Duration::from_secs(24 * 3600);

/// What one run of a pattern took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// From the first spawn until the pattern returned (and its results were dropped).
    pub elapsed_ns: u64,
    /// The resident memory just before the pattern started, in KiB.
    pub baseline_kib: u64,
    /// The peak resident memory while it ran, in KiB (`VmHWM`, reset at the start).
    pub peak_kib: u64,
    /// How many jobs' results the caller received: a check that every job ran.
    pub received: usize,
    /// The process's threads when the pattern returned, by name, with how many of each.
    pub threads: BTreeMap<String, usize>,
}

/// How late a runtime's timer fires: a sleep of `period`, `count` times in a row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimerSample {
    /// The mean overshoot (time slept minus the period), in microseconds.
    pub mean_us: f64,
    /// The 99th percentile of the overshoot, in microseconds.
    pub p99_us: f64,
}

/// Runs `pattern` on `runtime` with `jobs` jobs of `delay` each, and measures it.
///
/// The runtime is set up as the examples' `main` sets it up, and warmed up by one empty
/// task (so that its threads exist) before the clock starts and the memory baseline is
/// taken. The jobs are the shared job with its event log switched off.
pub fn measure(
    runtime: Runtime,
    pattern: Pattern,
    jobs: usize,
    delay: Duration,
) -> anyhow::Result<Sample> {
    if !pattern.available(runtime) {
        anyhow::bail!(
            "{} is not measured on {}: the runtime lacks it, or its example is it",
            pattern.as_str(),
            runtime.as_str()
        );
    }
    let log = EventLog::disabled();
    let jobs: Vec<Job> = (0..jobs)
        .map(|id| Job::new(id, delay, Ending::Succeed, log.clone()))
        .collect();
    match runtime {
        Runtime::Tokio => {
            // What `#[tokio::main]` builds: one worker thread per core.
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_time()
                .build()?;
            rt.block_on(async {
                tokio::spawn(async {}).await?;
                Ok(window(on_tokio(pattern, jobs)).await)
            })
        }
        Runtime::AsyncStd => async_std::task::block_on(async {
            async_std::task::spawn(async {}).await;
            Ok(window(on_async_std(pattern, jobs)).await)
        }),
        Runtime::Smol => smol::block_on(async {
            smol::spawn(async {}).await;
            Ok(window(on_smol(pattern, jobs)).await)
        }),
    }
}

/// Measures how late `runtime`'s timer fires: `count` sleeps of `period`, one after
/// another, in a spawned task.
pub fn timer(runtime: Runtime, period: Duration, count: usize) -> anyhow::Result<TimerSample> {
    let overshoots = match runtime {
        Runtime::Tokio => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_time()
                .build()?;
            rt.block_on(async {
                tokio::spawn(overshoots(tokio::time::sleep, period, count)).await
            })?
        }
        Runtime::AsyncStd => async_std::task::block_on(async_std::task::spawn(overshoots(
            async_std::task::sleep,
            period,
            count,
        ))),
        Runtime::Smol => smol::block_on(smol::spawn(overshoots(
            |period| async move {
                smol::Timer::after(period).await;
            },
            period,
            count,
        ))),
    };
    Ok(summarize_overshoots(overshoots))
}

/// The mean and 99th percentile of the overshoots, in microseconds.
fn summarize_overshoots(mut overshoots: Vec<Duration>) -> TimerSample {
    overshoots.sort_unstable();
    let micros = |d: &Duration| d.as_secs_f64() * 1e6;
    let mean_us = overshoots.iter().map(micros).sum::<f64>() / overshoots.len().max(1) as f64;
    let p99_us = overshoots
        .get(percentile_index(overshoots.len(), 0.99))
        .map_or(0.0, micros);
    TimerSample { mean_us, p99_us }
}

/// The index of the `q` quantile in a sorted list of `len` values (nearest rank).
fn percentile_index(len: usize, q: f64) -> usize {
    let rank = (q * len as f64).ceil();
    // Cannot truncate: `rank` is between 0 and `len`.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let rank = rank as usize;
    rank.saturating_sub(1).min(len.saturating_sub(1))
}

/// Sleeps `period` `count` times (after a few sleeps to warm up) and returns how late each
/// one woke.
async fn overshoots<S, F>(sleep: S, period: Duration, count: usize) -> Vec<Duration>
where
    S: Fn(Duration) -> F,
    F: Future<Output = ()>,
{
    for _ in 0..3 {
        sleep(period).await;
    }
    let mut late = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        sleep(period).await;
        late.push(start.elapsed().saturating_sub(period));
    }
    late
}

/// Runs `pattern` between two readings of the clock and of the memory.
async fn window(pattern: impl Future<Output = usize>) -> Sample {
    memory::reset_peak();
    let baseline_kib = memory::status_kib("VmRSS:");
    let start = Instant::now();
    let received = pattern.await;
    let elapsed = start.elapsed();
    let peak_kib = memory::status_kib("VmHWM:").max(memory::status_kib("VmRSS:"));
    Sample {
        elapsed_ns: u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
        baseline_kib,
        peak_kib,
        received,
        threads: memory::threads(),
    }
}

/// A pattern on tokio; returns how many results the caller received.
async fn on_tokio(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use tokio::time::sleep;
    // The patterns take the caller's futures: here, each job's run on tokio's timer; the
    // blocking pattern takes closures: each job's blocking run.
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(sleep));
    match pattern {
        Pattern::Bare => {
            let handles: Vec<_> = work(jobs).map(tokio::spawn).collect();
            let mut received = 0;
            for handle in handles {
                received += usize::from(matches!(handle.await, Ok(Ok(_))));
            }
            received
        }
        Pattern::ManualAwait => manual_await_tokio::spawn_and_await(work(jobs))
            .await
            .results
            .len(),
        Pattern::TaskGroup => values(task_group_tokio::task_group(work(jobs)).await),
        Pattern::Wait => {
            let mut tasks = wait_tokio::spawn_all(work(jobs));
            let when = wait_tokio::ReturnWhen::AllCompleted;
            let (done, _pending) = wait_tokio::wait(&mut tasks, when, None).await;
            wait_tokio::cancel(tasks).await;
            ok_count(&done)
        }
        Pattern::Gather => values(gather_tokio::gather(work(jobs)).await),
        Pattern::AsCompleted => {
            let received = as_completed_tokio::as_completed(work(jobs), async |_, _| {}).await;
            ok_count(&received)
        }
        Pattern::Scraper => {
            let scrape = scraper_tokio::scrape(work(jobs), NO_DEADLINE, None, |_, _| {}).await;
            ok_count(&scrape.arrived)
        }
        Pattern::ToThread => {
            let works = jobs.into_iter().map(|job| move || job.run_blocking());
            values(blocking_tokio::gather(works).await)
        }
        Pattern::Queue => queue_on_tokio(jobs, None).await,
        Pattern::QueueBounded => queue_on_tokio(jobs, Some(QUEUE_MAXSIZE)).await,
        _ => alternative_on_tokio(pattern, jobs).await,
    }
}

/// An alternative primitive on tokio ([`crate::alternatives`]), on the jobs as the patterns
/// take them; returns how many jobs succeeded.
async fn alternative_on_tokio(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use crate::alternatives::{self, tokio as alt};
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(tokio::time::sleep));
    match pattern {
        Pattern::OrderedTryJoinAll => values(alt::ordered_try_join_all(work(jobs)).await),
        Pattern::OrderedFuturesOrdered => values(alt::ordered_futures_ordered(work(jobs)).await),
        Pattern::OrderedInTask => values(alternatives::ordered_in_task(work(jobs)).await),
        Pattern::CompletedChannel => {
            ok_count(&alt::completed_channel(work(jobs), async |_, _| {}).await)
        }
        Pattern::CompletedInTask => {
            ok_count(&as_completed_tokio::as_completed_unspawned(work(jobs), async |_, _| {}).await)
        }
        Pattern::FirstErrorFuturesUnordered => {
            values(alt::first_error_futures_unordered(work(jobs)).await)
        }
        Pattern::OrderedJoinQueue => values(alt::ordered_join_queue(work(jobs)).await),
        Pattern::OrderedChannel => values(alt::ordered_channel(work(jobs)).await),
        Pattern::CompletedFuturesUnordered => {
            ok_count(&alt::completed_futures_unordered(work(jobs), async |_, _| {}).await)
        }
        Pattern::CompletedJoinMap => {
            ok_count(&alt::completed_join_map(work(jobs), async |_, _| {}).await)
        }
        Pattern::CompletedJoinAll => ok_count(&alt::completed_join_all(work(jobs)).await),
        Pattern::FirstErrorTracker => values(alt::first_error_tracker(work(jobs)).await),
        // Not an alternative on this runtime: `measure` refuses it before it gets here.
        _ => 0,
    }
}

/// `queue` on tokio, as the example's `main` runs it: every job put on a queue with room
/// for all of them (`maxsize` `None`), or put by a producer that waits while `maxsize` are
/// queued; drained in this task by [`QUEUE_WORKERS`] workers. Returns how many jobs
/// succeeded.
async fn queue_on_tokio(jobs: Vec<Job>, maxsize: Option<usize>) -> usize {
    use tokio::sync::mpsc;
    // What a worker does with a job, as in the example: runs it, a panic caught and
    // returned as the job's error, so that the worker goes on to the next job.
    let work = |worker, job: Job| job.on_worker(worker).run_caught(tokio::time::sleep);
    let done = match maxsize {
        None => {
            // tokio's unbounded channel is another type; a bounded one with room for every
            // job is the same queue here, and `try_send` never waits.
            let (queue, taken) = mpsc::channel(jobs.len().max(1));
            for job in jobs {
                // Cannot fail: there is room, and the receiver is alive. A job lost here
                // would show as a result missing from the count.
                if queue.try_send(job).is_err() {
                    break;
                }
            }
            // Dropping the only sender closes the queue: the workers stop once it is empty.
            drop(queue);
            queue_tokio::run_workers(taken, QUEUE_WORKERS, work).await
        }
        Some(maxsize) => {
            let (queue, taken) = mpsc::channel(maxsize.min(jobs.len()).max(1));
            let producer = async move {
                for job in jobs {
                    // `await queue.put(job)`: waits while the queue is full.
                    if queue.send(job).await.is_err() {
                        break;
                    }
                }
            };
            let ((), done) = tokio::join!(
                producer,
                queue_tokio::run_workers(taken, QUEUE_WORKERS, work)
            );
            done
        }
    };
    done.iter().filter(|result| result.is_ok()).count()
}

/// A pattern on async-std; returns how many results the caller received.
async fn on_async_std(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use async_std::task::{sleep, spawn};
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(sleep));
    match pattern {
        Pattern::Bare => {
            let handles: Vec<_> = work(jobs).map(spawn).collect();
            let mut received = 0;
            for handle in handles {
                received += usize::from(handle.await.is_ok());
            }
            received
        }
        Pattern::ManualAwait => manual_await_async_std::spawn_and_await(work(jobs))
            .await
            .results
            .len(),
        Pattern::TaskGroup => values(task_group_async_std::task_group(work(jobs)).await),
        Pattern::Wait => {
            let mut tasks = wait_async_std::spawn_all(work(jobs));
            let when = wait_async_std::ReturnWhen::AllCompleted;
            let (done, _pending) = wait_async_std::wait(&mut tasks, when, None).await;
            wait_async_std::cancel(tasks).await;
            ok_count(&done)
        }
        Pattern::Gather => values(gather_async_std::gather(work(jobs)).await),
        Pattern::AsCompleted => {
            let received = as_completed_async_std::as_completed(work(jobs), async |_, _| {}).await;
            ok_count(&received)
        }
        Pattern::Scraper => {
            let scrape = scraper_async_std::scrape(work(jobs), NO_DEADLINE, None, |_, _| {}).await;
            ok_count(&scrape.arrived)
        }
        Pattern::ToThread => {
            let works = jobs.into_iter().map(|job| move || job.run_blocking());
            values(blocking_async_std::gather(works).await)
        }
        Pattern::Queue => queue_on_async_std(jobs, None).await,
        Pattern::QueueBounded => queue_on_async_std(jobs, Some(QUEUE_MAXSIZE)).await,
        _ => alternative_on_async_std(pattern, jobs).await,
    }
}

/// An alternative primitive on async-std ([`crate::alternatives`]), on the jobs as the patterns
/// take them; returns how many jobs succeeded.
async fn alternative_on_async_std(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use crate::alternatives::{self, async_std as alt};
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(async_std::task::sleep));
    match pattern {
        Pattern::OrderedTryJoinAll => values(alt::ordered_try_join_all(work(jobs)).await),
        Pattern::OrderedFuturesOrdered => values(alt::ordered_futures_ordered(work(jobs)).await),
        Pattern::OrderedInTask => values(alternatives::ordered_in_task(work(jobs)).await),
        Pattern::CompletedChannel => {
            ok_count(&alt::completed_channel(work(jobs), async |_, _| {}).await)
        }
        Pattern::CompletedInTask => ok_count(
            &as_completed_async_std::as_completed_unspawned(work(jobs), async |_, _| {}).await,
        ),
        Pattern::FirstErrorFuturesUnordered => {
            values(alt::first_error_futures_unordered(work(jobs)).await)
        }
        // Not an alternative on this runtime: `measure` refuses it before it gets here.
        _ => 0,
    }
}

/// `queue` on async-std, as the example's `main` runs it: every job put on an unbounded
/// queue (`maxsize` `None`), or put by a producer that waits while `maxsize` are queued;
/// drained in this task by [`QUEUE_WORKERS`] workers. Returns how many jobs succeeded.
async fn queue_on_async_std(jobs: Vec<Job>, maxsize: Option<usize>) -> usize {
    use async_std::channel;
    let work = |worker, job: Job| job.on_worker(worker).run_caught(async_std::task::sleep);
    let done = match maxsize {
        None => {
            let (queue, taken) = channel::unbounded();
            for job in jobs {
                // Cannot fail: the queue is unbounded, and the receiver is alive.
                if queue.try_send(job).is_err() {
                    break;
                }
            }
            drop(queue);
            queue_async_std::run_workers(taken, QUEUE_WORKERS, work).await
        }
        Some(maxsize) => {
            let (queue, taken) = channel::bounded(maxsize.min(jobs.len()).max(1));
            let producer = async move {
                for job in jobs {
                    if queue.send(job).await.is_err() {
                        break;
                    }
                }
            };
            let ((), done) = futures::join!(
                producer,
                queue_async_std::run_workers(taken, QUEUE_WORKERS, work)
            );
            done
        }
    };
    done.iter().filter(|result| result.is_ok()).count()
}

/// A pattern on smol; returns how many results the caller received.
async fn on_smol(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use smol::{Timer, spawn};
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(Timer::after));
    match pattern {
        Pattern::Bare => {
            let handles: Vec<_> = work(jobs).map(spawn).collect();
            let mut received = 0;
            for handle in handles {
                received += usize::from(handle.await.is_ok());
            }
            received
        }
        Pattern::ManualAwait => manual_await_smol::spawn_and_await(work(jobs))
            .await
            .results
            .len(),
        Pattern::TaskGroup => values(task_group_smol::task_group(work(jobs)).await),
        Pattern::Wait => {
            let mut tasks = wait_smol::spawn_all(work(jobs));
            let when = wait_smol::ReturnWhen::AllCompleted;
            let (done, _pending) = wait_smol::wait(&mut tasks, when, None).await;
            wait_smol::cancel(tasks).await;
            ok_count(&done)
        }
        Pattern::Gather => values(gather_smol::gather(work(jobs)).await),
        Pattern::AsCompleted => {
            let received = as_completed_smol::as_completed(work(jobs), async |_, _| {}).await;
            ok_count(&received)
        }
        Pattern::Scraper => {
            let scrape = scraper_smol::scrape(work(jobs), NO_DEADLINE, None, |_, _| {}).await;
            ok_count(&scrape.arrived)
        }
        Pattern::ToThread => {
            let works = jobs.into_iter().map(|job| move || job.run_blocking());
            values(blocking_smol::gather(works).await)
        }
        Pattern::Queue => queue_on_smol(jobs, None).await,
        Pattern::QueueBounded => queue_on_smol(jobs, Some(QUEUE_MAXSIZE)).await,
        _ => alternative_on_smol(pattern, jobs).await,
    }
}

/// An alternative primitive on smol ([`crate::alternatives`]), on the jobs as the patterns
/// take them; returns how many jobs succeeded.
async fn alternative_on_smol(pattern: Pattern, jobs: Vec<Job>) -> usize {
    use crate::alternatives::{self, smol as alt};
    let work = |jobs: Vec<Job>| jobs.into_iter().map(|job| job.run(smol::Timer::after));
    match pattern {
        Pattern::OrderedTryJoinAll => values(alt::ordered_try_join_all(work(jobs)).await),
        Pattern::OrderedFuturesOrdered => values(alt::ordered_futures_ordered(work(jobs)).await),
        Pattern::OrderedInTask => values(alternatives::ordered_in_task(work(jobs)).await),
        Pattern::CompletedChannel => {
            ok_count(&alt::completed_channel(work(jobs), async |_, _| {}).await)
        }
        Pattern::CompletedInTask => {
            ok_count(&as_completed_smol::as_completed_unspawned(work(jobs), async |_, _| {}).await)
        }
        Pattern::FirstErrorFuturesUnordered => {
            values(alt::first_error_futures_unordered(work(jobs)).await)
        }
        // Not an alternative on this runtime: `measure` refuses it before it gets here.
        _ => 0,
    }
}

/// `queue` on smol, as the example's `main` runs it: every job put on an unbounded queue
/// (`maxsize` `None`), or put by a producer that waits while `maxsize` are queued; drained
/// in this task by [`QUEUE_WORKERS`] workers. Returns how many jobs succeeded.
async fn queue_on_smol(jobs: Vec<Job>, maxsize: Option<usize>) -> usize {
    use smol::channel;
    let work = |worker, job: Job| job.on_worker(worker).run_caught(smol::Timer::after);
    let done = match maxsize {
        None => {
            let (queue, taken) = channel::unbounded();
            for job in jobs {
                // Cannot fail: the queue is unbounded, and the receiver is alive.
                if queue.try_send(job).is_err() {
                    break;
                }
            }
            drop(queue);
            queue_smol::run_workers(taken, QUEUE_WORKERS, work).await
        }
        Some(maxsize) => {
            let (queue, taken) = channel::bounded(maxsize.min(jobs.len()).max(1));
            let producer = async move {
                for job in jobs {
                    if queue.send(job).await.is_err() {
                        break;
                    }
                }
            };
            let ((), done) = futures::join!(
                producer,
                queue_smol::run_workers(taken, QUEUE_WORKERS, work)
            );
            done
        }
    };
    done.iter().filter(|result| result.is_ok()).count()
}

/// How many values a call that returns every job's value, or its error(s), returned.
fn values<T, E>(results: Result<Vec<T>, E>) -> usize {
    results.map_or(0, |values| values.len())
}

/// How many of the received `(job, result)` pairs are results, not errors.
fn ok_count<T, E>(received: &[(usize, Result<T, E>)]) -> usize {
    received.iter().filter(|(_, result)| result.is_ok()).count()
}

/// The process's memory and threads, read from `/proc` (Linux).
pub mod memory {
    use std::collections::BTreeMap;

    /// Resets the peak resident memory (`VmHWM`) to the current one, so that the next
    /// reading of the peak covers only what comes after (Linux 4.0 and later). Without it
    /// (another OS, a locked-down `/proc`), the peak covers the whole process, which only
    /// overstates the memory.
    pub fn reset_peak() {
        let _ = std::fs::write("/proc/self/clear_refs", "5");
    }

    /// A `kB` line of `/proc/self/status`, e.g. `VmRSS:`; 0 where there is none.
    pub fn status_kib(key: &str) -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    }

    /// The process's threads, by name (`/proc/self/task/*/comm`), with how many of each.
    pub fn threads() -> BTreeMap<String, usize> {
        let mut threads = BTreeMap::new();
        let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
            return threads;
        };
        for task in tasks.flatten() {
            let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            *threads.entry(name.trim().to_owned()).or_insert(0) += 1;
        }
        threads
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_99th_percentile_is_the_nearest_rank() {
        assert_eq!(percentile_index(100, 0.99), 98);
        assert_eq!(percentile_index(200, 0.99), 197);
        assert_eq!(percentile_index(1, 0.99), 0);
        assert_eq!(percentile_index(0, 0.99), 0);
    }

    #[test]
    fn overshoots_are_summarized_in_microseconds() {
        let late: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let summary = summarize_overshoots(late);
        assert!((summary.mean_us - 50.5).abs() < 1e-9);
        assert!((summary.p99_us - 99.0).abs() < 1e-9);
    }
}
