//! The race in which the job ends just as it is cancelled, repeated hundreds of times on
//! async-std: what the caller receives must agree with the job's
//! events. A job that ended before the cancellation took effect gives its result, error
//! or panic; only a job that was really stopped counts as cancelled.
//!
//! This is the race that async-task (async-std's tasks) loses on its own: it drops the output
//! of a task that completes after `cancel()` has marked it closed, and `cancel().await`
//! then says `None`. The example's tasks hand their output over themselves.
//!
//! In `cancel`, the job and the moment of cancelling wait on ONE gate, opened at once: the
//! job ends on an executor thread while the caller, on the test's thread (`block_on`),
//! cancels it. The job with a cleanup (`abort`) takes a real millisecond, and
//! is cancelled after a millisecond: both timers come due together. The tests assert
//! nothing about time, only that the answer agrees with the events, whoever wins. (This
//! file is its own test binary, so its silent panic hook touches no other test.)

// The example's job with a cleanup, and its `abort` scenario (the rest is not used here).
#[allow(dead_code)]
#[path = "../src/job.rs"]
mod job;

use std::time::{Duration, Instant};

use cancel_cleanup_async_std::cancel;
use job::abort;
use shared::EventKind::{Cancelled, Failed, Finally, Finished, Panicked, Started};
use shared::{Config, Ending, EventLog, Gate, Job, JobError};

/// How many times each race is run.
const RUNS: usize = 300;

fn log() -> EventLog {
    EventLog::new(Instant::now)
}

/// Waits until `gate` opens: a job that records nothing, made only to wait on the gate.
async fn opened(gate: Gate) {
    let waiter = Job::new(0, Duration::ZERO, Ending::Succeed, EventLog::disabled());
    let _ = waiter.gated(gate).run(|_| async {}).await;
}

/// `cancel`: `None` means the job was stopped; a result, error or panic means it ended
/// that way first, even at the very moment it was cancelled.
#[test]
fn a_job_that_ends_as_it_is_cancelled_keeps_its_result() {
    shared::silence_job_panics();
    let mut cancelled = 0;
    for run in 0..RUNS {
        let log = log();
        // Each run ends differently: a result, a failure, a panic.
        let config = Config::with_delays(&[1.0])
            .failing(&[0][..run % 3 / 2])
            .panicking(&[0][..run % 3 % 2]);
        let (open, gate) = shared::gate();
        let job = config.jobs(&log).remove(0).gated(gate.clone());
        let (result, ()) = async_std::task::block_on(async {
            futures::join!(
                cancel(job.run_caught(async_std::task::sleep), opened(gate)),
                async { open.open() }
            )
        });
        let expected = match log.final_state(0) {
            Some(Finished) => Some(Ok("job 0 result".to_owned())),
            Some(Failed) => Some(Err(JobError::Failed(0))),
            Some(Panicked) => Some(Err(JobError::Panicked(0))),
            // Cancelled, or cancelled before it ever started (then it has no events).
            Some(Cancelled) | None => None,
            state => panic!("run {run}: job 0 ended {state:?}"),
        };
        assert_eq!(result, expected, "run {run}");
        assert!(log.running().is_empty(), "run {run}: the job still runs");
        cancelled += usize::from(result.is_none());
    }
    // Not asserted: on a machine where one side always wins, the test proves less, not
    // something wrong.
    eprintln!("{cancelled} of {RUNS} runs cancelled the job");
}

/// `abort`, with the job that has a finally-step: its result when it ended first, with
/// `finally` after its ending; `None` when it was stopped, with `finally`, `cancelled`.
#[test]
fn a_job_with_cleanup_that_ends_as_it_is_aborted_keeps_its_result() {
    let millisecond = Duration::from_millis(1);
    let mut cancelled = 0;
    for run in 0..RUNS {
        let log = log();
        let job = Config::with_delays(&[0.001]).jobs(&log).remove(0);
        let result =
            async_std::task::block_on(abort(job, async_std::task::sleep(millisecond), millisecond));
        let events = log.events_of(0);
        if let Some(result) = result {
            assert_eq!(result, Ok("job 0 result".to_owned()), "run {run}");
            assert_eq!(events, [Started, Finished, Finally], "run {run}");
        } else {
            cancelled += 1;
            // Stopped, or stopped before it ever started (then it has no events).
            assert!(
                matches!(events[..], [Started, Finally, Cancelled] | []),
                "run {run}: {events:?}"
            );
        }
    }
    eprintln!("{cancelled} of {RUNS} runs cancelled the job");
}
