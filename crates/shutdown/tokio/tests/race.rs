//! The races of a shutdown, repeated hundreds of times on tokio's multi-threaded runtime:
//! a job that ends just as the signal comes, and a cleanup that ends just as the grace
//! period does. Whoever wins, what the runner reports of each job must agree with the job's
//! own events: received jobs ended by themselves, interrupted jobs ran their whole cleanup,
//! abandoned jobs never finished theirs, and nothing runs on.
//!
//! The timers are real (the paused clock needs the current-thread runtime, which has no
//! second thread to race on) and a millisecond long, so that both fire in the same tick.
//! The tests assert nothing about time, only that the answer agrees with the events.

// The cancel-cleanup example's job (its scenarios' own functions are not used here).
#[allow(dead_code)]
#[path = "../../../cancel-cleanup/tokio/src/job.rs"]
mod job;

use std::time::Duration;

use shared::EventKind::{Cancelled, CleanupFinished, CleanupStarted, Finally, Finished, Started};
use shared::{Config, EventLog, JobError};
use shutdown_tokio::{Signal, Stopped, run_until_signal};
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

/// How many times each race is run.
const RUNS: usize = 300;

const MS: Duration = Duration::from_millis(1);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a multi-threaded runtime builds")
}

/// Runs jobs of these delays with cleanups of `cleanup`, SIGINT after `signal`, and
/// `grace`, on `runtime`.
fn run(
    runtime: &tokio::runtime::Runtime,
    delays: &[f64],
    cleanup: Duration,
    signal: Duration,
    grace: Option<Duration>,
) -> (EventLog, Stopped<Result<String, JobError>, Signal>) {
    let log = EventLog::new(|| tokio::time::Instant::now().into_std());
    let jobs = Config::with_delays(delays)
        .jobs(&log)
        .into_iter()
        .map(|job| {
            move |stop: CancellationToken| {
                job::job_with_cleanup(job, stop.cancelled_owned(), cleanup)
            }
        });
    let signal = async move {
        sleep(signal).await;
        Signal::Interrupt
    };
    let stopped = runtime.block_on(run_until_signal(jobs, signal, grace));
    (log, stopped)
}

/// Every job is reported once, as its events tell: received jobs ended by themselves,
/// interrupted ones ran their whole cleanup, abandoned ones did not (or never started).
fn agrees(log: &EventLog, stopped: &Stopped<Result<String, JobError>, Signal>, jobs: usize) {
    let reported = stopped.finished.len() + stopped.interrupted.len() + stopped.abandoned.len();
    assert_eq!(reported, jobs, "{stopped:?}");
    for (job, result) in &stopped.finished {
        assert_eq!(result, &Ok(format!("job {job} result")));
        assert_eq!(
            log.events_of(*job),
            [Started, Finished, Finally],
            "job {job}"
        );
    }
    for &job in &stopped.interrupted {
        let cleaned_up = [Started, CleanupStarted, CleanupFinished, Finally, Cancelled];
        assert_eq!(log.events_of(job), cleaned_up, "job {job}");
    }
    for &job in &stopped.abandoned {
        let events = log.events_of(job);
        assert!(!events.contains(&CleanupFinished), "job {job}: {events:?}");
        assert!(
            events.is_empty() || events.ends_with(&[Finally, Cancelled]),
            "{events:?}"
        );
    }
    assert!(log.running().is_empty(), "nothing runs once it returns");
}

#[test]
fn a_job_that_ends_as_the_signal_comes_is_reported_as_it_ended() {
    let runtime = runtime();
    for _ in 0..RUNS {
        let (log, stopped) = run(&runtime, &[0.001, 0.001], MS, MS, None);
        agrees(&log, &stopped, 2);
        assert!(stopped.abandoned.is_empty());
    }
}

#[test]
fn a_cleanup_that_ends_as_the_grace_period_does_is_reported_as_it_ended() {
    let runtime = runtime();
    for _ in 0..RUNS {
        let (log, stopped) = run(&runtime, &[60.0, 60.0], MS, Duration::ZERO, Some(MS));
        agrees(&log, &stopped, 2);
        assert!(stopped.finished.is_empty());
    }
}
