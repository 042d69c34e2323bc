//! What `gather` on async-std does with the contract's jobs: order, final states, time.
//!
//! async-std has no virtual clock. Where an order is the point (which job ends first, which
//! ones were still running at the first error), the jobs are gated: each waits until the
//! test opens its gate, and the test opens the next gate only once the job before it has
//! ended, so the order is caused, not raced against a loaded machine's timers. Real time
//! is left only where a load cannot change the answer: a job sleeps at least its delay,
//! and a job whose delay is a minute has not ended when the test is over a moment later.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the tests of a panic that reaches the
//! pattern itself (`Job::run`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_std::task;
use futures::FutureExt as _;
use futures::future::join;
use gather_async_std::{gather, gather_return_exceptions, sequential};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventKind, EventLog, Job, JobError, Opener};

/// The jobs' output.
type Output = Result<String, JobError>;

/// The tutorial's delays (2 s, 1 s, 3 s), scaled down to a tenth.
const DELAYS: [f64; 3] = [0.2, 0.1, 0.3];

/// Jobs with the scaled delays, failing and panicking as listed.
fn jobs(log: &EventLog, fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A panic's default report (with a backtrace when `RUST_BACKTRACE` is set) is slow to
    // print; the simulated panics print one line instead.
    shared::quiet_job_panics();
    let config = Config::with_delays(&DELAYS).failing(fail).panicking(panic);
    config.jobs(log)
}

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Output> + Send + 'static> {
    jobs.into_iter().map(|job| job.run_caught(task::sleep))
}

/// The same jobs with their panics left to unwind: a bug, as the pattern sees it.
fn raw(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Output> + Send + 'static> {
    jobs.into_iter().map(|job| job.run(task::sleep))
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        task::sleep(Duration::from_millis(1)).await;
    }
}

/// Drives gated jobs: waits until every one has started, then opens the gates of `order`
/// one at a time, each once the job before it has ended, so that the jobs end in that
/// order. Returns the gates it did not open, still closed: the caller drops them (which
/// opens them) only after the pattern has returned.
async fn end_in_order(
    log: &EventLog,
    openers: Vec<Opener>,
    order: &[usize],
) -> Vec<Option<Opener>> {
    let jobs = openers.len();
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    until(|| log.events().iter().filter(|e| e.event == Started).count() == jobs).await;
    for &job in order {
        if let Some(opener) = openers[job].take() {
            opener.open();
        }
        until(|| log.final_state(job).is_some()).await;
    }
    openers
}

fn ok(values: &[usize]) -> Vec<String> {
    values
        .iter()
        .map(|job| format!("job {job} result"))
        .collect()
}

/// The jobs all run at once (every one has started before any ends), and the results
/// come back in input order whatever order the jobs end in: here B, then A, then C.
#[test]
fn results_come_in_input_order_whatever_order_the_jobs_end_in() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[], &[]));
    let drive = end_in_order(&log, openers, &[1, 0, 2]);
    let (results, _closed) = task::block_on(join(gather(caught(jobs)), drive));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    let ended: Vec<usize> = log
        .events()
        .iter()
        .filter(|e| e.event == Finished)
        .map(|e| e.job)
        .collect();
    assert_eq!(ended, [1, 0, 2]);
    assert!(log.running().is_empty());
}

/// Each job sleeps its delay on async-std's timer, all at once: the gather takes at least the
/// longest delay (how much longer depends on the machine's load, so it is not checked).
#[test]
fn the_jobs_sleep_their_delays_on_the_runtimes_timer() {
    let log = EventLog::new(Instant::now);
    let results = task::block_on(gather(caught(jobs(&log, &[], &[]))));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= Duration::from_secs_f64(0.3));
    assert!(log.running().is_empty());
}

/// The first error reaches the caller while the other jobs are still running, and they
/// are cancelled, not left running behind the caller.
#[test]
fn the_first_error_returns_at_once_and_cancels_the_rest() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1], &[]));
    let drive = end_in_order(&log, openers, &[1]);
    let (results, _closed) = task::block_on(join(gather(caught(jobs)), drive));
    assert_eq!(results, Err(JobError::Failed(1)));
    let states = [Some(Cancelled), Some(Failed), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Jobs that ended before the error finished; the others are cancelled; of two failing
/// jobs, the one that fails first is the one the caller gets.
#[test]
fn jobs_faster_than_the_error_finish_and_slower_ones_are_cancelled() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[0, 2], &[]));
    let drive = end_in_order(&log, openers, &[1, 0]);
    let (results, _closed) = task::block_on(join(gather(caught(jobs)), drive));
    assert_eq!(results, Err(JobError::Failed(0)));
    let states = [Some(Failed), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
}

/// The first error in time wins with any number of jobs. (`try_join_all` over more than 30
/// futures reports them in input order: job 35's error would wait for job 0, whose delay
/// is a minute, and job 0's error would win.)
#[test]
fn with_many_jobs_the_first_error_in_time_still_wins() {
    let log = EventLog::new(Instant::now);
    shared::quiet_job_panics();
    let mut jobs = Config::with_delays(&[60.0; 40])
        .failing(&[0, 35])
        .jobs(&log);
    let (opener, gate) = shared::gate();
    jobs[35] = jobs[35].clone().gated(gate);
    opener.open();
    let results = task::block_on(gather(caught(jobs)));
    assert_eq!(results, Err(JobError::Failed(35)));
    let states = log.final_states(40);
    for (job, state) in states.iter().enumerate().filter(|&(job, _)| job != 35) {
        assert!(
            matches!(state, Some(Cancelled) | None),
            "job {job}: {state:?}"
        );
    }
    assert!(log.running().is_empty());
}

/// The example's jobs: a panicking job is reported like a failing one, `job 1 panicked`,
/// and the other jobs are cancelled.
#[test]
fn a_caught_panic_is_an_error_like_a_failure() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let (results, _closed) = task::block_on(join(gather(caught(jobs)), drive));
    assert_eq!(results, Err(JobError::Panicked(1)));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panic that reaches `gather` is raised again in the caller, once the other jobs, still
/// running when it happened, have been cancelled and have stopped.
#[test]
fn a_panic_is_raised_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let gathering = AssertUnwindSafe(gather(raw(jobs))).catch_unwind();
    let (raised, _closed) = task::block_on(join(gathering, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// `return_exceptions=True`: every job runs to its end and errors come back as values,
/// in input order.
#[test]
fn return_exceptions_runs_every_job_to_its_end() {
    let log = EventLog::new(Instant::now);
    let results = task::block_on(gather_return_exceptions(caught(jobs(&log, &[1], &[2]))));
    let expected = [
        Ok("job 0 result".to_owned()),
        Err(JobError::Failed(1)),
        Err(JobError::Panicked(2)),
    ];
    assert_eq!(results, expected);
    assert!(log.elapsed() >= Duration::from_secs_f64(0.3));
    let states = [Some(Finished), Some(Failed), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
}

/// `return_exceptions=True` hands back errors, not panics: a panic that reaches it cancels
/// the other jobs and is raised again in the caller once they have stopped.
#[test]
fn return_exceptions_raises_a_panic_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let gathering = AssertUnwindSafe(gather_return_exceptions(raw(jobs))).catch_unwind();
    let (raised, _closed) = task::block_on(join(gathering, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// Awaiting the jobs one after another takes the sum of the delays, and each job starts
/// only when the one before it has finished.
#[test]
fn sequential_takes_the_sum_of_the_delays() {
    let log = EventLog::new(Instant::now);
    let results = task::block_on(sequential(caught(jobs(&log, &[], &[]))));
    assert_eq!(results, Ok(ok(&[0, 1, 2])));
    assert!(log.elapsed() >= Duration::from_secs_f64(0.6));
    let order: Vec<(usize, EventKind)> = log.events().iter().map(|e| (e.job, e.event)).collect();
    let expected = [(0, Started), (0, Finished), (1, Started), (1, Finished)];
    assert_eq!(order[..4], expected);
}

/// Sequentially, the first failure in input order ends the run: later jobs never start.
#[test]
fn sequential_stops_at_the_first_failure_in_input_order() {
    let log = EventLog::new(Instant::now);
    let results = task::block_on(sequential(caught(jobs(&log, &[2], &[1]))));
    assert_eq!(results, Err(JobError::Panicked(1)));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
    assert!(log.events_of(2).is_empty(), "job 2 never started");
}

/// Sequentially, a panic unwinds through the caller as soon as it happens: the jobs after
/// it never start.
#[test]
fn sequential_lets_a_panic_unwind_through_the_caller() {
    let log = EventLog::new(Instant::now);
    let running = AssertUnwindSafe(sequential(raw(jobs(&log, &[], &[1])))).catch_unwind();
    let payload = task::block_on(running).expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.final_states(3), [Some(Finished), Some(Panicked), None]);
}
