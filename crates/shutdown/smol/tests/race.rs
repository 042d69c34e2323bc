//! The races of a shutdown, repeated hundreds of times on smol's executor:
//! a job that ends just as the signal comes, and a cleanup that ends just as the grace
//! period does. Whoever wins, what the runner reports of each job must agree with the job's
//! own events: received jobs ended by themselves, interrupted jobs ran their whole cleanup,
//! abandoned jobs never finished theirs, and nothing runs on.
//!
//! The timers are real and a millisecond long, so that both fire at about the same moment;
//! the runner waits on the test's thread, the jobs run on the executor's. The tests assert
//! nothing about time, only that the answer agrees with the events.

// The cancel-cleanup example's job (its scenarios' own functions are not used here).
#[allow(dead_code)]
#[path = "../../../cancel-cleanup/smol/src/job.rs"]
mod job;

use std::time::Duration;

use shared::EventKind::{Cancelled, CleanupFinished, CleanupStarted, Finally, Finished, Started};
use shared::{Config, EventLog, JobError};
use shutdown_smol::{Signal, Stopped, run_until_signal};
use smol::Timer;
use smol::channel::Receiver;

/// How many times each race is run.
const RUNS: usize = 300;

const MS: Duration = Duration::from_millis(1);

/// Runs jobs of these delays with cleanups of `cleanup`, SIGINT after `signal`, and
/// `grace`.
fn run(
    delays: &[f64],
    cleanup: Duration,
    signal: Duration,
    grace: Option<Duration>,
) -> (EventLog, Stopped<Result<String, JobError>, Signal>) {
    let log = EventLog::new(std::time::Instant::now);
    let jobs = Config::with_delays(delays)
        .jobs(&log)
        .into_iter()
        .map(|job| {
            move |stop: Receiver<()>| {
                let stopped = async move {
                    let _ = stop.recv().await;
                };
                job::job_with_cleanup(job, stopped, cleanup)
            }
        });
    let signal = async move {
        Timer::after(signal).await;
        Signal::Interrupt
    };
    let stopped = smol::block_on(run_until_signal(jobs, signal, grace));
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
    for _ in 0..RUNS {
        let (log, stopped) = run(&[0.001, 0.001], MS, MS, None);
        agrees(&log, &stopped, 2);
        assert!(stopped.abandoned.is_empty());
    }
}

#[test]
fn a_cleanup_that_ends_as_the_grace_period_does_is_reported_as_it_ended() {
    for _ in 0..RUNS {
        let (log, stopped) = run(&[60.0, 60.0], MS, Duration::ZERO, Some(MS));
        agrees(&log, &stopped, 2);
        assert!(stopped.finished.is_empty());
    }
}
