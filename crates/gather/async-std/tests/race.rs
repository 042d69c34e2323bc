//! The race in which jobs end just as `gather` cancels them, repeated a thousand times:
//! the error `gather` returns must be one that happened, as it happened (a job that
//! panicked is reported `panicked`, not `failed` or cancelled), and no job may be left
//! running.
//!
//! Jobs 0 and 1 fail and job 2 panics, all three held by ONE gate, opened at once: they end
//! together, on whichever threads the runtime wakes them, while `gather`, seeing the first
//! error, cancels the others. Job 3 waits on a gate that is never opened, so it never ends
//! by itself: it is always cancelled (or never started). A gated job takes no real time:
//! a thousand runs take a fraction of a second.
//! (This file is its own test binary, so its silent panic hook touches no other test.)

use std::time::Instant;

use gather_async_std::gather;
use shared::EventKind::{Cancelled, Failed, Panicked};
use shared::{Config, EventLog, Job, JobError, Opener};

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

/// The error `gather` returns is that of a job whose final event says it ended so, and
/// every other job has stopped.
#[test]
fn the_error_returned_is_one_that_happened() {
    shared::silence_job_panics();
    let mut cancelled_while_racing = 0;
    for run in 0..RUNS {
        let log = EventLog::new(Instant::now);
        let (open, never, jobs) = racing_jobs(&log);
        // As the example hands them over: job 2's panic comes back as its error.
        let jobs = jobs
            .into_iter()
            .map(|job| job.run_caught(async_std::task::sleep));
        // `gather` runs on this thread (as in the example's `block_on`), the jobs on
        // async-std's executor threads: the gate opens once `gather` is waiting.
        let (result, ()) = async_std::task::block_on(async {
            futures::join!(gather(jobs), async { open.open() })
        });
        let err = result.expect_err("three jobs fail");
        let states = log.final_states(4);
        let ended = match err {
            JobError::Failed(_) => Failed,
            JobError::Panicked(_) => Panicked,
        };
        assert_eq!(
            states[err.job()],
            Some(ended),
            "run {run}: got {err}; {states:?}"
        );
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
