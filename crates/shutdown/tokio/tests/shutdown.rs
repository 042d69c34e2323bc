//! `run_until_signal` on tokio, in process: a future stands in for the signal, and the jobs
//! are the example's own (the cancel-cleanup job with an async cleanup and a finally-step).
//!
//! Every test runs on tokio's paused clock (`start_paused = true`), which jumps straight to
//! the next timer once every task waits: the signal, the jobs, their cleanups and the grace
//! period come exactly when they are due, and the elapsed times are exact, however loaded
//! the machine.

// The cancel-cleanup example's job (its scenarios' own functions are not used here).
#[allow(dead_code)]
#[path = "../../../cancel-cleanup/tokio/src/job.rs"]
mod job;

use std::future::Future;
use std::time::Duration;

use futures::FutureExt as _;
use shared::EventKind::{
    self, Cancelled, CleanupFinished, CleanupStarted, Failed, Finally, Finished, Panicked, Started,
};
use shared::{Config, EventLog, Job, JobError};
use shutdown_tokio::{Signal, Stopped, run_until_signal};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

/// What the example's jobs give back when they end by themselves.
type Output = Result<String, JobError>;

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// A log on tokio's clock, which the paused clock moves.
fn log() -> EventLog {
    EventLog::new(|| Instant::now().into_std())
}

/// The signal, standing in for a real one: SIGINT after `seconds`.
async fn sigint_after(seconds: f64) -> Signal {
    sleep(secs(seconds)).await;
    Signal::Interrupt
}

/// Each job as the runner takes it: the job with a cleanup, asked to stop by its token.
/// Job i's cleanup takes `cleanups[i]` seconds, or the last of them.
fn with_cleanup(
    jobs: Vec<Job>,
    cleanups: &[f64],
) -> impl Iterator<Item = impl FnOnce(CancellationToken) -> BoxedJob> {
    let cleanups: Vec<Duration> = cleanups.iter().map(|&s| secs(s)).collect();
    jobs.into_iter().enumerate().map(move |(i, job)| {
        let cleanup = cleanups[i.min(cleanups.len() - 1)];
        move |stop: CancellationToken| {
            job::job_with_cleanup(job, stop.cancelled_owned(), cleanup).boxed()
        }
    })
}

/// A job's future, boxed: one type, whatever the closure that made it.
type BoxedJob = futures::future::BoxFuture<'static, Option<Output>>;

/// `Stopped`'s interrupted jobs in job order (the jobs that stop at the same instant may
/// stop in any order).
fn sorted(mut jobs: Vec<usize>) -> Vec<usize> {
    jobs.sort_unstable();
    jobs
}

const CLEANED_UP: [EventKind; 5] = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];
const ABANDONED: [EventKind; 4] = [Started, CleanupStarted, Finally, Cancelled];

/// A: 0.5 s ends before the signal (1 s) and is received; B and C are asked to stop, clean
/// up for 0.1 s, and the runner returns when they have: at 1.1 s exactly.
#[tokio::test(start_paused = true)]
async fn jobs_that_end_first_are_received_and_the_others_clean_up() {
    let log = log();
    let jobs = Config::with_delays(&[0.5, 3.0, 2.0]).jobs(&log);
    let stopped = run_until_signal(with_cleanup(jobs, &[0.1]), sigint_after(1.0), None).await;
    assert_eq!(stopped.signal, Some(Signal::Interrupt));
    assert_eq!(stopped.finished, [(0, Ok("job 0 result".to_owned()))]);
    assert_eq!(sorted(stopped.interrupted), [1, 2]);
    assert!(stopped.abandoned.is_empty());
    assert_eq!(log.events_of(0), [Started, Finished, Finally]);
    assert_eq!(log.events_of(1), CLEANED_UP);
    assert_eq!(log.events_of(2), CLEANED_UP);
    assert_eq!(log.elapsed(), secs(1.1));
    assert!(log.running().is_empty(), "nothing runs once it returns");
}

/// A failure is the job's own result: the others run on until the signal.
#[tokio::test(start_paused = true)]
async fn a_failing_job_does_not_stop_the_others() {
    let log = log();
    let jobs = Config::with_delays(&[0.5, 3.0]).failing(&[0]).jobs(&log);
    let stopped = run_until_signal(with_cleanup(jobs, &[0.1]), sigint_after(1.0), None).await;
    assert_eq!(stopped.finished, [(0, Err(JobError::Failed(0)))]);
    assert_eq!(stopped.interrupted, [1]);
    assert_eq!(log.events_of(0), [Started, Failed, Finally]);
    assert_eq!(log.events_of(1), CLEANED_UP);
}

/// With every job ended before the signal, the runner returns then, in the order they
/// ended, without waiting for a signal.
#[tokio::test(start_paused = true)]
async fn without_a_signal_every_job_is_received_in_the_order_they_end() {
    let log = log();
    let jobs = Config::with_delays(&[0.3, 0.1, 0.2]).jobs(&log);
    let stopped: Stopped<Output, Signal> =
        run_until_signal(with_cleanup(jobs, &[0.1]), sigint_after(5.0), None).await;
    assert_eq!(stopped.signal, None);
    let order: Vec<usize> = stopped.finished.iter().map(|(job, _)| *job).collect();
    assert_eq!(order, [1, 2, 0]);
    assert!(stopped.interrupted.is_empty() && stopped.abandoned.is_empty());
    assert_eq!(log.elapsed(), secs(0.3));
}

/// `grace`: cleanups of 5 s may take 0.2 s: then each job's future is dropped, so only its
/// finally-step runs, at 1.2 s exactly, and none is left running.
#[tokio::test(start_paused = true)]
async fn grace_abandons_the_cleanups_still_running() {
    let log = log();
    let jobs = Config::with_delays(&[3.0, 3.0]).jobs(&log);
    let grace = Some(secs(0.2));
    let stopped = run_until_signal(with_cleanup(jobs, &[5.0]), sigint_after(1.0), grace).await;
    assert!(stopped.interrupted.is_empty());
    assert_eq!(stopped.abandoned, [0, 1]);
    assert_eq!(log.events_of(0), ABANDONED);
    assert_eq!(log.events_of(1), ABANDONED);
    assert_eq!(log.elapsed(), secs(1.2));
    assert!(log.running().is_empty());
}

/// A grace period waits no longer than the cleanups take, and keeps those that end within
/// it: A's cleanup (0.1 s) ends; B's (5 s) is abandoned at 1.5 s.
#[tokio::test(start_paused = true)]
async fn grace_keeps_the_cleanups_that_end_in_time() {
    let log = log();
    let jobs = Config::with_delays(&[3.0, 3.0]).jobs(&log);
    let both = with_cleanup(jobs, &[0.1, 5.0]);
    let stopped = run_until_signal(both, sigint_after(1.0), Some(secs(0.5))).await;
    assert_eq!(stopped.interrupted, [0]);
    assert_eq!(stopped.abandoned, [1]);
    assert_eq!(log.events_of(0), CLEANED_UP);
    assert_eq!(log.events_of(1), ABANDONED);
    assert_eq!(log.elapsed(), secs(1.5));

    // Cleanups that all end in time: the runner returns when they do, not at the grace.
    let log = self::log();
    let jobs = Config::with_delays(&[3.0, 3.0]).jobs(&log);
    let grace = Some(secs(10.0));
    let stopped = run_until_signal(with_cleanup(jobs, &[0.1]), sigint_after(1.0), grace).await;
    assert_eq!(sorted(stopped.interrupted), [0, 1]);
    assert!(stopped.abandoned.is_empty());
    assert_eq!(log.elapsed(), secs(1.1));
}

/// A job's panic does not stop the others: B runs until the signal and cleans up; then the
/// runner raises A's panic again in its caller, with nothing left running.
#[tokio::test(start_paused = true)]
async fn a_panic_is_raised_again_once_every_job_has_stopped() {
    shared::quiet_job_panics();
    let log = log();
    let jobs = Config::with_delays(&[0.5, 3.0]).panicking(&[0]).jobs(&log);
    let runner = run_until_signal(with_cleanup(jobs, &[0.1]), sigint_after(1.0), None);
    let panic = std::panic::AssertUnwindSafe(runner)
        .catch_unwind()
        .await
        .expect_err("A's panic reaches the caller");
    assert_eq!(
        panic.downcast_ref::<String>().map(String::as_str),
        Some("job 0 panicked")
    );
    assert_eq!(log.events_of(0), [Started, Panicked, Finally]);
    assert_eq!(log.events_of(1), CLEANED_UP);
    assert_eq!(log.elapsed(), secs(1.1));
    assert!(log.running().is_empty());
}

/// The signal is whatever future the caller hands over, its output handed back as it is.
#[tokio::test(start_paused = true)]
async fn the_signal_can_be_any_future() {
    let log = log();
    let jobs = Config::with_delays(&[3.0]).jobs(&log);
    let signal: std::pin::Pin<Box<dyn Future<Output = &str> + Send>> = Box::pin(async {
        sleep(secs(0.5)).await;
        "deadline"
    });
    let stopped = run_until_signal(with_cleanup(jobs, &[0.0]), signal, None).await;
    assert_eq!(stopped.signal, Some("deadline"));
    assert_eq!(stopped.interrupted, [0]);
    assert_eq!(log.elapsed(), secs(0.5));
}
