//! The race in which a job ends just as the group cancels it, repeated a thousand times:
//! whatever the job returned (a result, an error or a panic) must reach the group, so that
//! every failure that happened is raised, as CPython's `TaskGroup` raises every child's
//! exception.
//!
//! Jobs 0 and 1 fail and job 2 panics, all three held by ONE gate, opened at once: they end
//! together, on whichever threads the runtime wakes them, while the group, seeing the first
//! failure, cancels the others. Job 3 waits on a gate that is never opened, so it never ends
//! by itself: it is always cancelled (or never started). A gated job takes no real time:
//! a thousand runs take a fraction of a second.
//! The second test leaves job 2's panic to unwind, as a bug does: the group must raise it
//! again whenever job 2 ended `panicked`.
//! (This file is its own test binary, so its silent panic hook touches no other test.)

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Panicked};
use shared::{Config, EventLog, Job, JobError, Opener};
use task_group_smol::task_group;

/// How many times the race is run.
const RUNS: usize = 1000;

/// The gated jobs: 0 and 1 fail and 2 panics, all behind one gate; 3 never ends.
fn racing_jobs(log: &EventLog) -> (Opener, Opener, Vec<Job>) {
    let (open, together) = shared::gate();
    let (never, held) = shared::gate();
    let jobs = Config::with_delays(&[1.0; 4])
        .failing(&[0, 1])
        .panicking(&[2])
        .jobs(log)
        .into_iter()
        .map(|job| {
            let gate = if job.id() < 3 { &together } else { &held };
            job.gated(gate.clone())
        })
        .collect();
    (open, never, jobs)
}

/// Every job that ended `failed` or `panicked` is among the errors the group raised, with
/// that error, and no other job is: what the caller received agrees with each job's final
/// event.
#[test]
fn a_job_that_ends_as_the_group_cancels_it_is_never_lost() {
    shared::silence_job_panics();
    let mut cancelled_while_racing = 0;
    for run in 0..RUNS {
        let log = EventLog::new(Instant::now);
        let (open, never, jobs) = racing_jobs(&log);
        // As the example hands them over: job 2's panic comes back as its error.
        let jobs = jobs
            .into_iter()
            .map(|job| job.run_caught(smol::Timer::after));
        // The group runs on this thread (as in the example's `block_on`), the jobs on
        // smol's executor thread: the gate opens once the group is waiting.
        let (result, ()) =
            smol::block_on(async { futures::join!(task_group(jobs), async { open.open() }) });
        let errors = result.expect_err("three jobs fail");
        let states = log.final_states(4);
        for (job, state) in states.iter().enumerate() {
            let expected = match state {
                Some(Failed) => Some(JobError::Failed(job)),
                Some(Panicked) => Some(JobError::Panicked(job)),
                _ => None,
            };
            let raised = errors.iter().find(|err| err.job() == job).cloned();
            assert_eq!(
                raised, expected,
                "run {run}: job {job} ended {state:?}; raised {errors:?}"
            );
        }
        assert!(log.running().is_empty(), "run {run}: a job still running");
        // Cancelled, or cancelled before it ever started (then it has no events).
        assert!(
            matches!(states[3], Some(Cancelled) | None),
            "run {run}: {states:?}"
        );
        cancelled_while_racing += states[..3]
            .iter()
            .filter(|s| !matches!(s, Some(Failed | Panicked)))
            .count();
        drop(never);
    }
    // The race really happens: some of the gated jobs are cancelled before their end.
    // (Not asserted: on a machine where it never happens the test proves less, not wrong.)
    eprintln!("{cancelled_while_racing} gated jobs did not reach their end in {RUNS} runs");
}

/// The same race with job 2's panic left to unwind (`Job::run`): whenever job 2 ended
/// `panicked`, even while the group was cancelling it after a failure, the group raises
/// the panic again in the caller; else it returns the failures. Nothing is left running.
#[test]
fn a_panic_as_the_group_cancels_is_never_lost() {
    shared::silence_job_panics();
    let mut raised_panics = 0;
    for run in 0..RUNS {
        let log = EventLog::new(Instant::now);
        let (open, never, jobs) = racing_jobs(&log);
        let jobs = jobs.into_iter().map(|job| job.run(smol::Timer::after));
        let grouped = AssertUnwindSafe(task_group(jobs)).catch_unwind();
        let (raised, ()) = smol::block_on(async { futures::join!(grouped, async { open.open() }) });
        let states = log.final_states(4);
        let panicked = states[2] == Some(Panicked);
        assert_eq!(raised.is_err(), panicked, "run {run}: {states:?}");
        assert!(log.running().is_empty(), "run {run}: a job still running");
        raised_panics += usize::from(panicked);
        drop(never);
    }
    // Both ways happen: job 2 panics before the cancellation reaches it, or is cancelled.
    // (Not asserted: on a machine where one never happens the test proves less, not wrong.)
    eprintln!("the group raised job 2's panic in {raised_panics} of {RUNS} runs");
}
