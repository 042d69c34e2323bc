//! What `as_completed` on async-std does with the contract's jobs: results in completion
//! order, each handed over once it has arrived, errors in place, a panic raised in the
//! caller once the other jobs have stopped, and the trap of plain futures in a
//! `FuturesUnordered`.
//!
//! async-std has no virtual clock. Where an order is the point, the jobs wait on gates
//! (`shared::gates`) instead of timers, and the loop body opens the next gate, so the
//! order is caused, not raced against a loaded machine's timers. Real time is left only
//! where a load cannot change the answer: a result never arrives before its job's delay.
//! The exact times are the tokio tests', on a paused clock.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use as_completed_async_std::{Done, as_completed, as_completed_unspawned};
use async_std::task;
use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError, Opener};

/// What the loop receives from a job run as the example runs it.
type Received = Done<Result<String, JobError>>;

/// The contract's as-completed jobs (A 3 s, B 1 s, C 2 s) scaled down to a tenth, failing
/// and panicking as listed.
fn jobs(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A simulated panic prints one line: a backtrace takes long enough to print to hold up
    // the executor threads that run every test's jobs.
    shared::quiet_job_panics();
    Config::with_delays(&[0.3, 0.1, 0.2])
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The jobs as the example hands them over: a panic comes back as `JobError::Panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter().map(|job| job.run_caught(task::sleep))
}

/// The same jobs, each waiting on its gate instead of its delay, and the gates, in the
/// order the jobs are to end (B, C, A, as their delays would have them): each is opened
/// only once the result before it has arrived.
fn gated(log: &EventLog, fail: &[usize], panic: &[usize]) -> (Vec<Opener>, Vec<Job>) {
    let (gates, jobs) = shared::gates(jobs(log, fail, panic));
    let mut gates: Vec<Option<Opener>> = gates.into_iter().map(Some).collect();
    let order = [1, 2, 0].map(|job| gates[job].take().expect("one gate per job"));
    (order.into(), jobs)
}

/// Waits until `done` holds. A working example gets there at once; the minute is only
/// there so that a broken one fails instead of hanging.
async fn eventually(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        task::sleep(Duration::from_millis(1)).await;
    }
    true
}

fn ok(job: usize) -> Received {
    (job, Ok(format!("job {job} result")))
}

/// Results come in completion order (B, C, A), numbered 1 to 3, each handed to the loop
/// body once its job has ended. The body ends the next job, so the order is the body's.
#[test]
fn results_arrive_in_completion_order_as_they_complete() {
    let log = EventLog::new(Instant::now);
    let (gates, jobs) = gated(&log, &[], &[]);
    let mut gates = gates.into_iter();
    gates.next().expect("B's gate").open();
    let mut seen = Vec::new();
    let received = task::block_on(as_completed(caught(jobs), async |k, (job, _)| {
        seen.push((k, *job, log.final_state(*job)));
        if let Some(next) = gates.next() {
            next.open();
        }
    }));
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
    let expected = [
        (1, 1, Some(Finished)),
        (2, 2, Some(Finished)),
        (3, 0, Some(Finished)),
    ];
    assert_eq!(seen, expected);
    assert!(log.running().is_empty());
}

/// On real time, no result arrives before its job's delay, and all arrive.
#[test]
fn no_result_arrives_before_its_delay() {
    let log = EventLog::new(Instant::now);
    let delays = [0.3, 0.1, 0.2];
    let mut seen = Vec::new();
    let jobs = caught(jobs(&log, &[], &[]));
    let received = task::block_on(as_completed(jobs, async |_, (job, _)| {
        seen.push((*job, log.elapsed()));
    }));
    assert_eq!(received.len(), 3);
    for (job, at) in seen {
        assert!(
            at >= Duration::from_secs_f64(delays[job]),
            "job {job} at {at:?}"
        );
    }
}

/// An error and a panic are handed over in their place, and the loop goes on to the rest.
#[test]
fn errors_and_panics_are_reported_in_place_and_iteration_goes_on() {
    let log = EventLog::new(Instant::now);
    let (gates, jobs) = gated(&log, &[2], &[0]);
    let mut gates = gates.into_iter();
    gates.next().expect("B's gate").open();
    let received = task::block_on(as_completed(caught(jobs), async |_, _| {
        if let Some(next) = gates.next() {
            next.open();
        }
    }));
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

/// A job's own panic (the job run raw, not caught) is raised again in the caller, once the
/// jobs still running were cancelled and have stopped: B's body lets C end, C panics, and
/// A, whose gate nobody opens, is cancelled before the panic reaches the caller.
#[test]
fn a_panic_cancels_the_rest_then_reaches_the_caller() {
    let log = EventLog::new(Instant::now);
    let (gates, jobs) = gated(&log, &[], &[2]);
    let mut gates = gates.into_iter();
    gates.next().expect("B's gate").open();
    let mut seen = Vec::new();
    let raw = jobs.into_iter().map(|job| job.run(task::sleep));
    let body = async |_, (job, _): &Received| {
        seen.push(*job);
        if let Some(next) = gates.next() {
            next.open();
        }
    };
    let outcome = task::block_on(AssertUnwindSafe(as_completed(raw, body)).catch_unwind());
    let panic = outcome.expect_err("C's panic reaches the caller");
    assert_eq!(panic.downcast_ref::<String>().unwrap(), "job 2 panicked");
    assert_eq!(seen, [1]);
    // A's gate is still closed here, so A did not end on its own: it was cancelled, and
    // it had stopped before the panic reached this test.
    let states = [Some(Cancelled), Some(Finished), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Spawned tasks keep running while the loop body is busy: the body for B opens C's gate,
/// waits until C has finished, then does the same with A, all without returning to the
/// loop.
#[test]
fn spawned_jobs_finish_while_the_loop_body_is_busy() {
    let log = EventLog::new(Instant::now);
    let (gates, jobs) = gated(&log, &[], &[]);
    let mut gates = gates.into_iter();
    gates.next().expect("B's gate").open();
    let mut finished_meanwhile = Vec::new();
    let body = async |k, _: &Received| {
        if k == 1 {
            for (job, gate) in [2, 0].into_iter().zip(gates.by_ref()) {
                gate.open();
                let finished = eventually(|| log.final_state(job) == Some(Finished)).await;
                finished_meanwhile.push((job, finished));
            }
        }
    };
    let received = task::block_on(as_completed(caught(jobs), body));
    assert_eq!(finished_meanwhile, [(2, true), (0, true)]);
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
}

/// The trap: plain futures in a `FuturesUnordered` are not polled while the loop body
/// awaits something else. The body for B opens C's and A's gates, then sleeps: neither
/// job can end until the body returns and the loop polls the set again.
#[test]
fn unspawned_futures_stall_while_the_loop_body_is_busy() {
    let log = EventLog::new(Instant::now);
    let (gates, jobs) = gated(&log, &[], &[]);
    let mut gates = gates.into_iter();
    gates.next().expect("B's gate").open();
    let mut during_the_body = Vec::new();
    let body = async |k, _: &Received| {
        if k == 1 {
            gates.by_ref().for_each(Opener::open);
            task::sleep(Duration::from_millis(200)).await;
            during_the_body.push(log.final_states(3));
        }
    };
    let received = task::block_on(as_completed_unspawned(caught(jobs), body));
    // C and A started, and were not polled since: they had no way to end during the body.
    assert_eq!(during_the_body, [vec![None, Some(Finished), None]]);
    assert_eq!(received, [ok(1), ok(2), ok(0)]);
}
