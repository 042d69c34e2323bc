//! The race in which jobs end just as the deadline passes, repeated hundreds of times on
//! tokio's multi-threaded runtime: whatever a job gave must reach the caller when it ended
//! before the cancellation took effect, and the caller's answer must agree with each job's
//! final event. CPython's `wait_for` does the same: after cancelling, it returns the
//! result of work that completed meanwhile.
//!
//! The jobs wait on ONE gate, opened by a task that sleeps as long as the deadline: both
//! timers fire in the same tick, and the jobs end on the worker threads while the caller,
//! on the test's thread, sees the deadline pass. These tests run on real time (the paused
//! clock needs the current-thread runtime, which has no second thread to race on); they
//! assert nothing about time, only that the answer agrees with the events, whoever wins.
//! (This file is its own test binary, so its silent panic hook touches no other test.)

use std::time::Duration;

use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError, Opener};
use timeout_tokio::{TimedOut, gather, wait_for};

/// How many times each race is run.
const RUNS: usize = 300;

/// The deadline, and how long after the start the gate opens.
const LIMIT: Duration = Duration::from_millis(1);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a multi-threaded runtime builds")
}

/// `jobs` jobs on one gate, failing and panicking as listed.
fn gated(log: &EventLog, jobs: usize, fail: &[usize], panic: &[usize]) -> (Opener, Vec<Job>) {
    let (open, gate) = shared::gate();
    let jobs = Config::with_delays(&vec![1.0; jobs])
        .failing(fail)
        .panicking(panic)
        .jobs(log)
        .into_iter()
        .map(|job| job.gated(gate.clone()))
        .collect();
    (open, jobs)
}

/// Opens the gate once the deadline has passed, on the runtime's timer.
fn open_at_the_deadline(open: Opener) {
    tokio::spawn(async move {
        tokio::time::sleep(LIMIT).await;
        open.open();
    });
}

/// `wait_for`: a timeout means the job was cancelled; a result, error or panic means the
/// job ended that way, even when it ended as the deadline passed.
#[test]
fn a_job_that_ends_as_wait_for_times_out_keeps_its_result() {
    shared::silence_job_panics();
    let runtime = runtime();
    let mut timed_out = 0;
    for run in 0..RUNS {
        let log = EventLog::new(|| tokio::time::Instant::now().into_std());
        // Each run ends differently: a result, a failure, a panic.
        let (open, jobs) = gated(&log, 1, &[0][..run % 3 / 2], &[0][..run % 3 % 2]);
        let job = jobs.into_iter().next().expect("one job");
        let result = runtime.block_on(async {
            open_at_the_deadline(open);
            wait_for(job.run_caught(tokio::time::sleep), LIMIT).await
        });
        let expected = match log.final_state(0) {
            Some(Finished) => Ok(Ok("job 0 result".to_owned())),
            Some(Failed) => Ok(Err(JobError::Failed(0))),
            Some(Panicked) => Ok(Err(JobError::Panicked(0))),
            // Cancelled, or cancelled before it ever started (then it has no events).
            Some(Cancelled) | None => Err(TimedOut),
            state => panic!("run {run}: job 0 ended {state:?}"),
        };
        assert_eq!(result, expected, "run {run}");
        timed_out += usize::from(result.is_err());
    }
    // Not asserted: on a machine where one side always wins, the test proves less, not
    // something wrong.
    eprintln!("{timed_out} of {RUNS} runs timed out");
}

/// `gather`: a timeout means some job was cancelled; otherwise every job ended on its own,
/// and the caller has their results, or the failure among them.
#[test]
fn jobs_that_end_as_the_gather_times_out_keep_their_results() {
    shared::silence_job_panics();
    let runtime = runtime();
    let mut timed_out = 0;
    for run in 0..RUNS {
        let log = EventLog::new(|| tokio::time::Instant::now().into_std());
        let fail: &[usize] = if run % 2 == 0 { &[] } else { &[1] };
        let (open, jobs) = gated(&log, 3, fail, &[]);
        let result = runtime.block_on(async {
            open_at_the_deadline(open);
            let jobs = jobs
                .into_iter()
                .map(|job| job.run_caught(tokio::time::sleep));
            gather(jobs, LIMIT).await
        });
        let states = log.final_states(3);
        assert!(log.running().is_empty(), "run {run}: a job still running");
        // Cancelled, or cancelled before it ever started (then it has no events).
        let cancelled = states.iter().any(|s| matches!(s, Some(Cancelled) | None));
        match &result {
            Err(TimedOut) => assert!(cancelled, "run {run}: timed out, yet {states:?}"),
            Ok(Ok(values)) => {
                assert_eq!(values.len(), 3, "run {run}");
                assert_eq!(states, [Some(Finished); 3], "run {run}");
            }
            Ok(Err(err)) => {
                assert_eq!(err, &JobError::Failed(1), "run {run}");
                assert_eq!(states[1], Some(Failed), "run {run}");
            }
        }
        timed_out += usize::from(result.is_err());
    }
    eprintln!("{timed_out} of {RUNS} runs timed out");
}
