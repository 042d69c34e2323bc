//! The races of `wait` on smol, repeated hundreds of times: what
//! the caller receives must agree with each job's final event, whoever wins.
//!
//! - Jobs that end just as the pending tasks are cancelled: jobs 1 to 4 wait on ONE gate,
//!   opened at the moment `cancel` starts. Each of them either ended first, and its result
//!   comes back from `cancel`, or was stopped, and ends `cancelled`; none is lost. (This is
//!   the race that async-task, under smol, loses on its own: it drops the output of a task
//!   that completes after `cancel()` has marked it closed. The tasks hand it over first.)
//! - A job that only yields once (a delay of 0, Python's `sleep(0)`) under `timeout=0`:
//!   CPython counts it done (its second step runs before `wait` wakes up). Here it is done
//!   only if the executor got to its second step before `wait` looked: either way, the
//!   answer agrees with its events.
//!
//! The jobs run on smol's executor thread, the caller on the test's (`block_on`). The
//! tests assert nothing about time.

use std::time::{Duration, Instant};

use shared::EventKind::{Cancelled, Finished};
use shared::{Config, EventLog, Job, JobError, Opener};
use smol::Timer;
use wait_smol::{Done, ReturnWhen, cancel, spawn_all, wait};

/// How many times each race is run.
const RUNS: usize = 300;

fn log() -> EventLog {
    EventLog::new(Instant::now)
}

fn ok(job: usize) -> Done<String, JobError> {
    (job, Ok(format!("job {job} result")))
}

/// Job 0 on a gate of its own, jobs 1 to 4 on one shared gate.
fn racing_jobs(log: &EventLog) -> (Opener, Opener, Vec<Job>) {
    let (first, alone) = shared::gate();
    let (rest, together) = shared::gate();
    let jobs = Config::with_delays(&[1.0; 5])
        .jobs(log)
        .into_iter()
        .map(|job| {
            let gate = if job.id() == 0 { &alone } else { &together };
            job.gated(gate.clone())
        })
        .collect();
    (first, rest, jobs)
}

/// Every job ends `finished` with its result received (from `wait`, or from `cancel`), or
/// `cancelled` without one.
#[test]
fn jobs_that_end_as_they_are_cancelled_keep_their_results() {
    let mut late_results = 0;
    for run in 0..RUNS {
        let log = log();
        let (first, rest, jobs) = racing_jobs(&log);
        let (done, pending, late) = smol::block_on(async {
            let mut tasks = spawn_all(jobs.into_iter().map(|job| job.run_caught(Timer::after)));
            first.open();
            let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
            // The other jobs end on the executor thread as `cancel` cancels them.
            let ((), late) = futures::join!(async { rest.open() }, cancel(tasks));
            (done, pending, late)
        });
        assert_eq!(done, [ok(0)], "run {run}");
        assert_eq!(pending, [1, 2, 3, 4], "run {run}");
        let states = log.final_states(5);
        for (job, state) in states.iter().enumerate().skip(1) {
            let received = late.iter().find(|(j, _)| *j == job);
            match state {
                Some(Finished) => assert_eq!(received, Some(&ok(job)), "run {run}: job {job}"),
                Some(Cancelled) => assert_eq!(received, None, "run {run}: job {job}"),
                state => panic!("run {run}: job {job} ended {state:?}"),
            }
        }
        assert!(log.running().is_empty(), "run {run}: a job still runs");
        late_results += late.len();
    }
    // Not asserted: on a machine where one side always wins, the test proves less, not
    // something wrong.
    eprintln!("{late_results} results came back from `cancel` in {RUNS} runs");
}

/// `timeout=0` with a job of delay 0: done and `finished`, or pending and `cancelled`
/// (or `finished` as it was cancelled, its result then coming back from `cancel`).
#[test]
fn a_job_that_only_yields_is_done_or_cancelled_under_a_timeout_of_zero() {
    let mut done_at_once = 0;
    for run in 0..RUNS {
        let log = log();
        let (_shut, gate) = shared::gate();
        let mut jobs = Config::with_delays(&[0.0, 1.0]).jobs(&log);
        jobs[1] = jobs[1].clone().gated(gate);
        let (done, pending, late) = smol::block_on(async {
            let mut tasks = spawn_all(jobs.into_iter().map(|job| job.run_caught(Timer::after)));
            let (done, pending) =
                wait(&mut tasks, ReturnWhen::AllCompleted, Some(Duration::ZERO)).await;
            (done, pending, cancel(tasks).await)
        });
        let states = log.final_states(2);
        assert_eq!(
            states[1],
            Some(Cancelled),
            "run {run}: job 1 started and was cancelled"
        );
        if done == [ok(0)] {
            done_at_once += 1;
            assert_eq!(pending, [1], "run {run}");
            assert_eq!(states[0], Some(Finished), "run {run}");
        } else {
            assert!(done.is_empty(), "run {run}: {done:?}");
            assert_eq!(pending, [0, 1], "run {run}");
            let expected = if late == [ok(0)] { Finished } else { Cancelled };
            assert_eq!(states[0], Some(expected), "run {run}: came back {late:?}");
        }
    }
    eprintln!("job 0 was done at once in {done_at_once} of {RUNS} runs");
}
