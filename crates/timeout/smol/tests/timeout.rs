//! What `timeout` on smol does with the contract's jobs: who finishes, who is
//! cancelled, and that nothing is left running after a deadline.
//!
//! smol has no virtual clock. Where an order is the point (a job ends before the deadline,
//! another is still running at it), the jobs wait on gates (`shared::gates`) instead of
//! timers: a job whose gate is open ends in its first poll, a job whose gate stays shut
//! never ends by itself. Real time is left only where a load cannot change the answer: a
//! deadline is never early, and one job (the scope's tie) is due after its deadline. The
//! exact times are the tokio tests', on a paused clock.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};
use smol::{Timer, block_on};
use timeout_smol::{TimedOut, gather, scope, wait_for};

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A simulated panic prints one line. With `RUST_BACKTRACE` set, the default hook spends
    // a tenth of a second or more capturing a backtrace on the thread that panicked, and
    // smol's global executor runs every test's jobs on one thread.
    shared::quiet_job_panics();
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

/// The same jobs on gates: those in `open` end in their first poll, the others only when
/// the test opens their gate (the openers are returned in job order).
fn gated(
    log: &EventLog,
    n: usize,
    open: &[usize],
    fail: &[usize],
    panic: &[usize],
) -> (Vec<Opener>, Vec<Job>) {
    let (openers, jobs) = shared::gates(jobs(log, &vec![1.0; n], fail, panic));
    let mut shut = Vec::new();
    for (id, opener) in openers.into_iter().enumerate() {
        if open.contains(&id) {
            opener.open();
        } else {
            shut.push(opener);
        }
    }
    (shut, jobs)
}

/// The jobs as the example hands them over: a panic comes back as `job i panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter().map(|job| job.run_caught(Timer::after))
}

/// The example's scope: the jobs one after another inside one deadline, their values
/// pushed to `results`.
async fn one_by_one(
    jobs: Vec<Job>,
    limit: Duration,
    results: &mut Vec<String>,
) -> Result<Result<(), JobError>, TimedOut> {
    scope(limit, async {
        for job in jobs {
            results.push(job.run_caught(Timer::after).await?);
        }
        Ok(())
    })
    .await
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// A job still running at the deadline times out, and the job ends cancelled, not
/// running on behind the caller. The deadline is never early; it is a second away, for
/// the job to have started by then.
#[test]
fn wait_for_times_out_and_cancels_the_job() {
    let log = EventLog::new(Instant::now);
    let (_shut, mut jobs) = gated(&log, 1, &[], &[], &[]);
    let result = block_on(wait_for(jobs.remove(0).run(Timer::after), secs(1.0)));
    assert_eq!(result, Err(TimedOut), "the deadline passed first");
    assert!(log.elapsed() >= secs(1.0));
    assert_eq!(log.events_of(0), [Started, Cancelled]);
    assert!(log.running().is_empty());
}

/// A job that ends before the deadline returns its result; a failure, or a panic caught
/// as the example catches it, is the job's error, not a timeout (Python's `wait_for`
/// raises it). The deadline is an hour away: `wait_for` returns as soon as the job has
/// ended.
#[test]
fn wait_for_returns_the_result_error_or_panic_of_a_fast_job() {
    let hour = secs(3600.0);
    let log = EventLog::new(Instant::now);
    let (_, mut jobs) = gated(&log, 1, &[0], &[], &[]);
    assert_eq!(
        block_on(wait_for(jobs.remove(0).run(Timer::after), hour)),
        Ok(Ok("job 0 result".to_owned()))
    );
    let (_, mut jobs) = gated(&log, 1, &[0], &[0], &[]);
    assert_eq!(
        block_on(wait_for(jobs.remove(0).run(Timer::after), hour)),
        Ok(Err(JobError::Failed(0)))
    );
    let (_, mut jobs) = gated(&log, 1, &[0], &[], &[0]);
    assert_eq!(
        block_on(wait_for(jobs.remove(0).run_caught(Timer::after), hour)),
        Ok(Err(JobError::Panicked(0)))
    );
}

/// A panic that the work does not catch is raised again in the caller of `wait_for`,
/// with the job ended `panicked` and nothing left running.
#[test]
fn wait_for_raises_a_panic_again_in_the_caller() {
    let log = EventLog::new(Instant::now);
    let (_, mut jobs) = gated(&log, 1, &[0], &[], &[0]);
    let waiting = wait_for(jobs.remove(0).run(Timer::after), secs(3600.0));
    let panicked = block_on(AssertUnwindSafe(waiting).catch_unwind());
    assert!(panicked.is_err(), "the panic reached the caller");
    assert_eq!(log.final_states(1), [Some(Panicked)]);
    assert!(log.running().is_empty());
}

/// What the example avoids: a timeout around a borrowed task stops the waiting, not the
/// task, which runs on until it is cancelled (a dropped smol `Task` would be cancelled,
/// but nothing would wait for it to stop). The job waits on a gate that stays shut; the
/// second of the timeout is for it to have started by then.
#[test]
fn a_timeout_around_a_handle_leaves_the_task_running() {
    let log = EventLog::new(Instant::now);
    let (_shut, mut jobs) = gated(&log, 1, &[], &[], &[]);
    let job = jobs.remove(0);
    block_on(async {
        let mut task = smol::spawn(job.run(Timer::after));
        let waited = timeout_smol::timeout(secs(1.0), &mut task).await;
        assert!(waited.is_err());
        assert_eq!(log.running(), [0], "the job still runs after the timeout");
        assert_eq!(task.cancel().await, None, "cancel() says it was cancelled");
    });
    assert_eq!(log.final_states(1), [Some(Cancelled)]);
}

/// One deadline over a gather: the jobs that end before it finish, the one still running
/// is cancelled, and the caller gets the timeout (not the partial results). A and B end in
/// their first poll; the deadline is a second away.
#[test]
fn gather_times_out_as_a_whole() {
    let log = EventLog::new(Instant::now);
    let (_shut, jobs) = gated(&log, 3, &[0, 1], &[], &[]);
    let result = block_on(gather(caught(jobs), secs(1.0)));
    assert_eq!(result, Err(TimedOut));
    assert!(log.elapsed() >= secs(1.0));
    let states = [Some(Finished), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Within the deadline, the results come in input order, whatever order the jobs end in.
#[test]
fn gather_within_the_deadline_returns_every_result_in_order() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[], &[]);
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    let result = block_on(async {
        let gather = smol::spawn(gather(caught(jobs), secs(3600.0)));
        // C, then A, then B.
        for job in [2, 0, 1] {
            openers[job].take().expect("one gate per job").open();
        }
        gather.await
    });
    let values: Vec<String> = (0..3).map(|job| format!("job {job} result")).collect();
    assert_eq!(result, Ok(Ok(values)));
}

/// A failure (or a panic) before the deadline ends the gather with that error at once;
/// the job still running is cancelled. Every job has started before the first one ends,
/// as in Python, where each task runs its first step before any can end.
#[test]
fn gather_raises_a_failure_or_panic_before_the_deadline() {
    for (fail, panic) in [(&[1][..], &[][..]), (&[][..], &[1][..])] {
        let log = EventLog::new(Instant::now);
        let (openers, jobs) = gated(&log, 3, &[], fail, panic);
        let mut openers = openers.into_iter();
        let result = block_on(async {
            let gather = smol::spawn(gather(caught(jobs), secs(3600.0)));
            eventually(|| log.running().len() == 3).await;
            openers.next().expect("A's gate").open();
            eventually(|| log.final_state(0).is_some()).await;
            openers.next().expect("B's gate").open();
            gather.await
        });
        let (error, ending) = match fail {
            [] => (JobError::Panicked(1), Panicked),
            _ => (JobError::Failed(1), Failed),
        };
        assert_eq!(result, Ok(Err(error)));
        let states = [Some(Finished), Some(ending), Some(Cancelled)];
        assert_eq!(log.final_states(3), states);
        assert!(log.running().is_empty());
    }
}

/// A panic that the jobs do not catch is raised again in the caller, once the other jobs
/// have been cancelled and have stopped, as on an error. A and C wait on gates that stay
/// shut; B panics once all three have started.
#[test]
fn gather_raises_a_panic_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = gated(&log, 3, &[], &[], &[1]);
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    let panicked = block_on(async {
        let jobs = jobs.into_iter().map(|job| job.run(Timer::after));
        let gather = smol::spawn(gather(jobs, secs(3600.0)));
        eventually(|| log.running().len() == 3).await;
        openers[1].take().expect("B's gate").open();
        AssertUnwindSafe(gather).catch_unwind().await
    });
    assert!(panicked.is_err(), "the panic reached the caller");
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
    drop(openers);
}

/// Waits until `done` holds. A working example gets there at once; the minute is only
/// there so that a broken one fails instead of hanging.
async fn eventually(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "waited a minute in vain");
        Timer::after(Duration::from_millis(1)).await;
    }
}

/// A timeout scope: A is done, B is cancelled in flight at the deadline, C never starts.
/// A ends in its first poll; B takes as long as the deadline, and started after the
/// deadline was set, so it is due just after it: it is cancelled every time, as in
/// Python, even when both come due in the same wake-up.
#[test]
fn scope_cancels_the_job_in_flight_and_starts_no_more() {
    let log = EventLog::new(Instant::now);
    let (_, mut jobs) = gated(&log, 1, &[0], &[], &[]);
    jobs.extend(jobs_from(&log, &[0.3, 0.5], 1));
    let mut results = Vec::new();
    let result = block_on(one_by_one(jobs, secs(0.3), &mut results));
    assert_eq!(result, Err(TimedOut));
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.final_states(3), [Some(Finished), Some(Cancelled), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
    assert!(log.running().is_empty());
}

/// Jobs numbered from `first`, with these delays.
fn jobs_from(log: &EventLog, delays: &[f64], first: usize) -> Vec<Job> {
    delays
        .iter()
        .enumerate()
        .map(|(i, &delay)| Job::new(first + i, secs(delay), shared::Ending::Succeed, log.clone()))
        .collect()
}

/// In a scope, a failure before the deadline ends it with that error; the results before
/// it stay, and the later jobs never start.
#[test]
fn scope_stops_at_a_failure() {
    let log = EventLog::new(Instant::now);
    let (_, jobs) = gated(&log, 3, &[0, 1, 2], &[1], &[]);
    let mut results = Vec::new();
    let result = block_on(one_by_one(jobs, secs(3600.0), &mut results));
    assert_eq!(result, Ok(Err(JobError::Failed(1))));
    assert_eq!(results, ["job 0 result"]);
    assert_eq!(log.final_states(3), [Some(Finished), Some(Failed), None]);
}

/// A panic in a scope unwinds through it into the caller: the job ends `panicked`, the
/// later ones never start.
#[test]
fn a_panic_unwinds_through_the_scope() {
    let log = EventLog::new(Instant::now);
    let (_, jobs) = gated(&log, 3, &[0, 1, 2], &[], &[1]);
    let steps = scope(secs(3600.0), async {
        for job in jobs {
            job.run(Timer::after).await?;
        }
        Ok::<_, JobError>(())
    });
    let panicked = block_on(AssertUnwindSafe(steps).catch_unwind());
    assert!(panicked.is_err(), "the panic reached the caller");
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
    assert!(log.running().is_empty());
}

/// A deadline of zero starts nothing in `wait_for` and `gather`, as in CPython, where
/// `wait_for(job, 0)` raises `TimeoutError` before the job's first step.
#[test]
fn a_deadline_of_zero_starts_nothing_in_wait_for_or_gather() {
    let log = EventLog::new(Instant::now);
    let job = jobs(&log, &[1.0], &[], &[]).remove(0);
    let result = block_on(wait_for(job.run(Timer::after), Duration::ZERO));
    assert_eq!(result, Err(TimedOut));
    let result = block_on(gather(
        caught(jobs(&log, &[1.0, 0.0], &[], &[])),
        Duration::ZERO,
    ));
    assert_eq!(result, Err(TimedOut));
    assert!(log.events().is_empty(), "no job ever started");
}

/// A scope with a deadline of zero runs its first step up to its first `.await`, then
/// cancels it there, as `async with asyncio.timeout(0)` does: even a step that only
/// yields (a delay of 0, Python's `sleep(0)`). The later steps never start.
#[test]
fn a_scope_with_a_deadline_of_zero_cancels_its_first_step() {
    for delays in [[1.0, 0.1], [0.0, 0.1]] {
        let log = EventLog::new(Instant::now);
        let mut results = Vec::new();
        let jobs = jobs(&log, &delays, &[], &[]);
        let result = block_on(one_by_one(jobs, Duration::ZERO, &mut results));
        assert_eq!(result, Err(TimedOut), "{delays:?}");
        assert!(results.is_empty(), "{delays:?}");
        assert_eq!(log.events_of(0), [Started, Cancelled], "{delays:?}");
        assert!(
            log.events_of(1).is_empty(),
            "{delays:?}: job 1 never started"
        );
    }
}
