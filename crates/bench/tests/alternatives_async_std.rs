//! The alternatives on async-std (`bench::alternatives::async_std`) against the async-std
//! examples' patterns: run on the same jobs, each returns what its pattern returns, so that
//! the benchmark compares like with like; and each does what its doc promises when a job
//! fails or panics, and lacks what its doc says it lacks.
//!
//! async-std has no virtual clock. Where an order is the point (which job ends first, which
//! ones were still running at the first error), the jobs are gated: each waits until the
//! test opens its gate, and the test opens the next gate only once the job before it has
//! ended, so the order is caused, not raced against a loaded machine's timers. Real time
//! is left only where a load cannot change the answer: the results of jobs that sleep
//! their delays, and a function that has NOT returned while a job it needs is held.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use as_completed_async_std::as_completed;
use async_std::task;
use bench::alternatives::Done;
use bench::alternatives::async_std::{
    completed_channel, first_error_futures_unordered, ordered_futures_ordered, ordered_try_join_all,
};
use futures::FutureExt as _;
use futures::future::join;
use gather_async_std::gather;
use shared::EventKind::{self, Cancelled, Failed, Finished, Panicked, Started};
use shared::{Config, EventLog, Job, JobError, Opener};
use task_group_async_std::task_group;

/// The jobs' output.
type Output = Result<String, JobError>;

/// What the completion-order functions hand over.
type Received = Done<Output>;

/// The contract's delays (3 s, 1 s, 2 s: the jobs end B, C, A), scaled down to a tenth.
const DELAYS: [f64; 3] = [0.3, 0.1, 0.2];

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    // A panic's default report (with a backtrace when `RUST_BACKTRACE` is set) is slow to
    // print; the simulated panics print one line instead.
    shared::quiet_job_panics();
    Config::with_delays(delays)
        .failing(fail)
        .panicking(panic)
        .jobs(log)
}

/// The jobs as the examples hand them to the patterns: a panic comes back as an error.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Output> + Send + 'static> {
    jobs.into_iter().map(|job| job.run_caught(task::sleep))
}

/// The same jobs with their panics left to unwind: a bug, as the functions see it.
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

/// Blocks until `done` holds, for what happens after a function has returned. A working
/// function gets there at once; the minute, a bound no load comes near, is only there so
/// that a broken one fails instead of hanging.
fn eventually(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Drives gated jobs: waits until every one has started, then opens the gates of `order`
/// one at a time, each once the job before it has ended, so that the jobs end in that
/// order. Returns the gates it did not open, still closed: the caller drops them (which
/// opens them) only after the function has returned.
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

// Results in input order: the shape of `gather`.

/// Every job succeeds: both return `gather`'s values, in input order, though the jobs end
/// B, C, A on the runtime's timer.
#[test]
fn ordered_functions_return_what_gather_returns() {
    let logs: [EventLog; 3] = std::array::from_fn(|_| EventLog::new(Instant::now));
    let [gathered, joined, queued] = logs.each_ref().map(|log| jobs(log, &DELAYS, &[], &[]));
    let (gathered, joined, queued) = task::block_on(async {
        futures::join!(
            gather(caught(gathered)),
            ordered_try_join_all(caught(joined)),
            ordered_futures_ordered(caught(queued)),
        )
    });
    assert_eq!(gathered, Ok(ok(&[0, 1, 2])));
    assert_eq!(joined, gathered);
    assert_eq!(queued, gathered);
    for log in &logs {
        assert!(log.running().is_empty());
    }
}

/// One job fails: both return `gather`'s error.
#[test]
fn ordered_functions_return_the_error_gather_returns() {
    let logs: [EventLog; 3] = std::array::from_fn(|_| EventLog::new(Instant::now));
    let [gathered, joined, queued] = logs.each_ref().map(|log| jobs(log, &DELAYS, &[1], &[]));
    let (gathered, joined, queued) = task::block_on(async {
        futures::join!(
            gather(caught(gathered)),
            ordered_try_join_all(caught(joined)),
            ordered_futures_ordered(caught(queued)),
        )
    });
    assert_eq!(gathered, Err(JobError::Failed(1)));
    assert_eq!(joined, gathered);
    assert_eq!(queued, gathered);
}

/// What `try_join_all` lacks on async-std: it returns the first error at once, and the
/// other tasks, whose handles it dropped, are detached, not cancelled. A and C are still
/// running when the error reaches the caller, and run on to their end once their gates
/// open.
#[test]
fn try_join_all_leaves_the_other_tasks_running() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[1], &[]));
    let drive = end_in_order(&log, openers, &[1]);
    let (results, closed) = task::block_on(join(ordered_try_join_all(caught(jobs)), drive));
    assert_eq!(results, Err(JobError::Failed(1)));
    assert_eq!(log.running(), [0, 2]);
    drop(closed);
    assert!(eventually(|| log.running().is_empty()));
    let states = [Some(Finished), Some(Failed), Some(Finished)];
    assert_eq!(log.final_states(3), states);
}

/// `try_join_all` raises a job's panic again in the caller; the other tasks, detached,
/// are still running.
#[test]
fn try_join_all_raises_a_panic_again() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let joining = AssertUnwindSafe(ordered_try_join_all(raw(jobs))).catch_unwind();
    let (raised, closed) = task::block_on(join(joining, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    assert_eq!(log.running(), [0, 2]);
    drop(closed);
    assert!(eventually(|| log.running().is_empty()));
    let states = [Some(Finished), Some(Panicked), Some(Finished)];
    assert_eq!(log.final_states(3), states);
}

/// What `FuturesOrdered` lacks: B fails, but the error is not seen while A, before it in
/// the input, is held; once A has ended, it is returned, and C, still held, is cancelled
/// and has stopped.
#[test]
fn futures_ordered_sees_an_error_only_once_the_jobs_before_it_have_ended() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[1], &[]));
    let returned = std::cell::Cell::new(false);
    let ordered = ordered_futures_ordered(caught(jobs)).inspect(|_| returned.set(true));
    let drive = async {
        let mut closed = end_in_order(&log, openers, &[1]).await;
        // B has failed; the function has a moment to (wrongly) return before A ends.
        task::sleep(Duration::from_millis(200)).await;
        let returned_before_a_ended = returned.get();
        closed[0].take().expect("A's gate").open();
        (returned_before_a_ended, closed)
    };
    let (results, (returned_before_a_ended, closed)) = task::block_on(join(ordered, drive));
    assert!(!returned_before_a_ended);
    assert_eq!(results, Err(JobError::Failed(1)));
    let states = [Some(Finished), Some(Failed), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
    drop(closed);
}

/// A panic reaches the caller once the others have been cancelled and have stopped: A
/// finishes, B panics, C, held, is cancelled.
#[test]
fn futures_ordered_raises_a_panic_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[1]));
    let drive = end_in_order(&log, openers, &[0, 1]);
    let ordered = AssertUnwindSafe(ordered_futures_ordered(raw(jobs))).catch_unwind();
    let (raised, _closed) = task::block_on(join(ordered, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    let states = [Some(Finished), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

// Results in completion order: the shape of `as_completed`.

/// What a completion-order body saw: `k`, the job, and the job's state when handed over.
type Seen = Vec<(usize, usize, Option<EventKind>)>;

/// The contract's jobs, each waiting on its gate instead of its delay, and the gates in
/// the order the jobs are to end (B, C, A, as their delays would have them), B's already
/// open: the body opens each of the others once the result before it has arrived.
fn gated(log: &EventLog, fail: &[usize], panic: &[usize]) -> (Vec<Opener>, Vec<Job>) {
    let (gates, jobs) = shared::gates(jobs(log, &DELAYS, fail, panic));
    let mut gates: Vec<Option<Opener>> = gates.into_iter().map(Some).collect();
    let [b, c, a] = [1, 2, 0].map(|job| gates[job].take().expect("one gate per job"));
    b.open();
    (vec![c, a], jobs)
}

/// The loop body: records what it is handed, then opens the next gate, so that the order
/// of the results is the body's.
fn opening_next<'a>(
    gates: Vec<Opener>,
    log: &'a EventLog,
    seen: &'a mut Seen,
) -> impl AsyncFnMut(usize, &Received) + 'a {
    let mut gates = gates.into_iter();
    async move |k, (job, _): &Received| {
        seen.push((k, *job, log.final_state(*job)));
        if let Some(next) = gates.next() {
            next.open();
        }
    }
}

/// The channel hands over what `as_completed` hands over, in the same order, with the
/// same `k`, an error and a caught panic in their places: B, C (failed), A (panicked).
#[test]
fn completed_channel_hands_over_what_as_completed_does() {
    let (log, reference) = (EventLog::new(Instant::now), EventLog::new(Instant::now));
    let (mut seen, mut expected_seen) = (Seen::new(), Seen::new());
    let (gates, jobs) = gated(&log, &[2], &[0]);
    let body = opening_next(gates, &log, &mut seen);
    let received = task::block_on(completed_channel(caught(jobs), body));
    let (gates, jobs) = gated(&reference, &[2], &[0]);
    let body = opening_next(gates, &reference, &mut expected_seen);
    let expected = task::block_on(as_completed(caught(jobs), body));
    let arrivals = [
        (1, Ok("job 1 result".to_owned())),
        (2, Err(JobError::Failed(2))),
        (0, Err(JobError::Panicked(0))),
    ];
    assert_eq!(expected, arrivals);
    assert_eq!(received, expected);
    let handed = [
        (1, 1, Some(Finished)),
        (2, 2, Some(Failed)),
        (3, 0, Some(Panicked)),
    ];
    assert_eq!(expected_seen, handed);
    assert_eq!(seen, expected_seen);
    assert!(log.running().is_empty());
}

/// A job's own panic is raised again in the caller, once the jobs still running were
/// cancelled and have stopped: B's body lets C end, C panics, and A, whose gate nobody
/// opens, is cancelled before the panic reaches the caller.
#[test]
fn completed_channel_raises_a_panic_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let mut seen = Seen::new();
    let (gates, jobs) = gated(&log, &[], &[2]);
    let body = opening_next(gates, &log, &mut seen);
    let completing = AssertUnwindSafe(completed_channel(raw(jobs), body)).catch_unwind();
    let payload = task::block_on(completing).expect_err("C's panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 2 panicked"));
    assert_eq!(seen, [(1, 1, Some(Finished))]);
    let states = [Some(Cancelled), Some(Finished), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

// The first error cancels the rest: the shape of `task_group`.

/// Every job succeeds: the same values as `task_group`, in input order.
#[test]
fn first_error_returns_what_task_group_returns() {
    let logs: [EventLog; 2] = std::array::from_fn(|_| EventLog::new(Instant::now));
    let [grouped, unordered] = logs.each_ref().map(|log| jobs(log, &DELAYS, &[], &[]));
    let (grouped, unordered) = task::block_on(join(
        task_group(caught(grouped)),
        first_error_futures_unordered(caught(unordered)),
    ));
    assert_eq!(grouped, Ok(ok(&[0, 1, 2])));
    assert_eq!(unordered, grouped);
    for log in &logs {
        assert!(log.running().is_empty());
    }
}

/// The first failure cancels every job still running, and the function returns only once
/// they have stopped, as `task_group` does: A, which ended first, finished; C failed; B and
/// D, held, were cancelled.
#[test]
fn the_first_error_cancels_the_rest_as_task_group_does() {
    let run = |log: &EventLog, grouped: bool| {
        let (openers, jobs) = shared::gates(jobs(log, &[1.0; 4], &[2], &[]));
        let drive = end_in_order(log, openers, &[0, 2]);
        let (results, _closed) = if grouped {
            task::block_on(join(task_group(caught(jobs)), drive))
        } else {
            task::block_on(join(first_error_futures_unordered(caught(jobs)), drive))
        };
        // Before the drop of the closed gates: the held jobs did not end on their own.
        (results, log.final_states(4), log.running())
    };
    let expected = run(&EventLog::new(Instant::now), true);
    let states = vec![
        Some(Finished),
        Some(Cancelled),
        Some(Failed),
        Some(Cancelled),
    ];
    assert_eq!(expected, (Err(vec![JobError::Failed(2)]), states, vec![]));
    assert_eq!(run(&EventLog::new(Instant::now), false), expected);
}

/// A panic reaches the caller once every other job has been cancelled and has stopped.
#[test]
fn first_error_raises_a_panic_again_once_the_others_have_stopped() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[1.0; 3], &[], &[1]));
    let drive = end_in_order(&log, openers, &[1]);
    let unordered = AssertUnwindSafe(first_error_futures_unordered(raw(jobs))).catch_unwind();
    let (raised, _closed) = task::block_on(join(unordered, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 1 panicked"));
    let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// What `FuturesUnordered` lacks, raced a hundred times: A and B fail at the same instant
/// (one gate holds both), C is held. Every error returned happened, in input order, and
/// nothing is left running; but an error that happens while its task is being cancelled
/// is lost (`JoinHandle::cancel` throws the output away), which `task_group` never does.
#[test]
fn errors_at_the_same_instant_are_returned_only_if_they_beat_the_cancellation() {
    const RUNS: usize = 100;
    let mut lost = 0;
    for run in 0..RUNS {
        let log = EventLog::new(Instant::now);
        let (together, both) = shared::gate();
        let (held, never) = shared::gate();
        let jobs: Vec<Job> = jobs(&log, &[1.0; 3], &[0, 1], &[])
            .into_iter()
            .map(|job| {
                let gate = if job.id() < 2 { &both } else { &never };
                job.gated(gate.clone())
            })
            .collect();
        let drive = async {
            until(|| log.events().len() == 3).await;
            together.open();
        };
        let unordered = first_error_futures_unordered(caught(jobs));
        let (result, ()) = task::block_on(join(unordered, drive));
        let errors = result.expect_err("A or B fails");
        let failed: Vec<JobError> = (0..2)
            .filter(|&job| log.final_state(job) == Some(Failed))
            .map(JobError::Failed)
            .collect();
        assert!(!errors.is_empty(), "run {run}");
        assert!(errors.iter().all(|err| failed.contains(err)), "run {run}");
        assert!(
            errors.is_sorted_by_key(JobError::job),
            "run {run}: {errors:?}"
        );
        assert!(log.running().is_empty(), "run {run}: a job still running");
        assert_eq!(log.final_state(2), Some(Cancelled), "run {run}");
        lost += failed.len() - errors.len();
        drop(held);
    }
    // Not asserted: on a machine where the race is never lost, the test proves less.
    eprintln!("{lost} failures lost to the cancellation in {RUNS} runs");
}
