//! What `as_completed` on smol does with the contract's jobs: results in completion
//! order, each handed over the moment it arrives, errors in place, and the trap of plain
//! futures in a `FuturesUnordered`.
//!
//! smol has no virtual clock, so these tests sleep for real: the delays are a tenth of the
//! contract's and 100 ms apart, and the time bounds are loose, so that a loaded machine
//! cannot reorder the jobs or break a bound.

use std::time::{Duration, Instant};

use as_completed_smol::{Done, as_completed, as_completed_unspawned};
use shared::EventKind::{Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError};

/// The contract's as-completed jobs (A 3 s, B 1 s, C 2 s) scaled down to a tenth, failing
/// and panicking as listed.
fn jobs(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A simulated panic prints one line: a backtrace takes long enough to print to hold up
    // the one executor thread that runs every test's jobs.
    shared::quiet_job_panics();
    Config::with_delays(&[0.3, 0.1, 0.2])
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

fn ok(job: usize) -> Done {
    (job, Ok(format!("job {job} result")))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// When job `job` finished, in seconds since the log started.
fn finished_at(log: &EventLog, job: usize) -> f64 {
    let event = log
        .events()
        .into_iter()
        .find(|e| e.job == job && e.event == Finished);
    event.map_or(f64::NAN, |e| e.t_ms / 1000.0)
}

/// Results come in completion order (B, C, A), each handed to the loop body the moment it
/// arrives, numbered 1 to 3; the whole run takes about the longest delay.
#[test]
fn results_arrive_in_completion_order_as_they_complete() {
    let log = EventLog::new(Instant::now);
    let mut seen = Vec::new();
    let received = smol::block_on(as_completed(jobs(&log, &[], &[]), async |k, (job, _)| {
        seen.push((k, *job, log.elapsed()));
    }));
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    let order: Vec<(usize, usize)> = seen.iter().map(|&(k, job, _)| (k, job)).collect();
    assert_eq!(order, [(1, 1), (2, 2), (3, 0)]);
    // Each is handed over once its job is done, and soon after.
    for ((_, _, at), (low, high)) in seen.iter().zip([(0.1, 0.3), (0.2, 0.4), (0.3, 0.5)]) {
        assert!(*at >= secs(low) && *at < secs(high), "{at:?}");
    }
    assert!(log.running().is_empty());
}

/// An error and a panic are handed over in their place, and the loop goes on to the rest.
#[test]
fn errors_and_panics_are_reported_in_place_and_iteration_goes_on() {
    let log = EventLog::new(Instant::now);
    let received = smol::block_on(as_completed(jobs(&log, &[2], &[0]), async |_, _| {}));
    let expected = [
        ok(1),
        (2, Err(JobError::Failed(2))),
        (0, Err(JobError::Panicked(0))),
    ];
    assert_eq!(received, expected);
    assert_eq!(
        received[2].1.as_ref().unwrap_err().to_string(),
        "job 0 panicked"
    );
    let states = [Some(Panicked), Some(Finished), Some(Failed)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Spawned tasks keep running while the loop body is busy: with a body that takes 0.3 s
/// per result, every job still finishes about on time (A at 0.3 s, C at 0.2 s).
#[test]
fn spawned_jobs_finish_on_time_while_the_loop_body_is_busy() {
    let log = EventLog::new(Instant::now);
    let body = async |_, _: &Done| {
        smol::Timer::after(secs(0.3)).await;
    };
    let received = smol::block_on(as_completed(jobs(&log, &[], &[]), body));
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    assert!(finished_at(&log, 2) < 0.35, "C finished at its own time");
    assert!(finished_at(&log, 0) < 0.5, "A finished at its own time");
}

/// The trap: plain futures in a `FuturesUnordered` are not polled while the loop body
/// awaits something else, so C finishes only when the body for B ends (0.4 s at the
/// earliest), and A only when the body for C ends (0.7 s at the earliest).
#[test]
fn unspawned_futures_stall_while_the_loop_body_is_busy() {
    let log = EventLog::new(Instant::now);
    let body = async |_, _: &Done| {
        smol::Timer::after(secs(0.3)).await;
    };
    let received = smol::block_on(as_completed_unspawned(jobs(&log, &[], &[]), body));
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    assert!(finished_at(&log, 2) >= 0.4, "C waited for the body");
    assert!(finished_at(&log, 0) >= 0.7, "A waited for two bodies");
}
