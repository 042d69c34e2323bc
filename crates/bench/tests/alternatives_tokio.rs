//! The tokio alternatives against the examples' own patterns: each alternative runs on the
//! same jobs as the pattern it stands beside (`gather`, `as_completed`, `task_group`) and
//! returns what the pattern returns, so that the benchmark compares like with like. Where
//! an alternative gives less (an error seen only in input order, tasks aborted but not
//! waited for), a test shows exactly what it gives instead.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so the times are exact and the
//! order of the jobs is their delays', not a race. Each run has a log of its own.
//!
//! The jobs are handed over as the examples hand them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the tests of a panic that reaches the
//! function itself (`Job::run`). They are boxed: one type of jobs for every function, so
//! that one `run` can call any of them.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use as_completed_tokio::as_completed;
use bench::alternatives::tokio::{
    completed_channel, completed_futures_unordered, completed_join_all, completed_join_map,
    first_error_futures_unordered, first_error_tracker, ordered_channel, ordered_futures_ordered,
    ordered_join_queue, ordered_try_join_all,
};
use futures::FutureExt as _;
use futures::future::BoxFuture;
use gather_tokio::gather;
use shared::EventKind::{self, Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, JobError};
use task_group_tokio::task_group;

/// A job's output.
type Output = Result<String, JobError>;

/// The jobs, boxed: the same type for every function.
type Jobs = Vec<BoxFuture<'static, Output>>;

/// What the loop body receives in completion order.
type Received = (usize, Output);

/// What a task group returns: the results, or the errors.
type GroupResult = Result<Vec<String>, Vec<JobError>>;

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing as listed, as the examples hand them over.
fn caught(log: &EventLog, delays: &[f64], fail: &[usize]) -> Jobs {
    let jobs = Config::with_delays(delays).failing(fail).jobs(log);
    let jobs = jobs.into_iter();
    jobs.map(|job| job.run_caught(tokio::time::sleep).boxed())
        .collect()
}

/// Jobs with these delays in seconds, panicking as listed, their panics left to unwind.
fn raw(log: &EventLog, delays: &[f64], panic: &[usize]) -> Jobs {
    shared::quiet_job_panics();
    let jobs = Config::with_delays(delays).panicking(panic).jobs(log);
    let jobs = jobs.into_iter();
    jobs.map(|job| job.run(tokio::time::sleep).boxed())
        .collect()
}

fn ok(values: &[usize]) -> Vec<String> {
    values
        .iter()
        .map(|job| format!("job {job} result"))
        .collect()
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// Lets the runtime run every task it can before the clock moves: tasks that were aborted
/// but not waited for stop now.
async fn a_moment_later() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

/// What a run left behind when it returned: its result, when it returned, each job's final
/// state, and the jobs still running.
#[derive(Debug, PartialEq)]
struct Run<R> {
    result: R,
    elapsed: Duration,
    states: Vec<Option<EventKind>>,
    running: Vec<usize>,
}

/// Runs `function` on jobs with these delays, failing as listed, on a log of its own.
async fn run<R>(delays: &[f64], fail: &[usize], function: impl AsyncFnOnce(Jobs) -> R) -> Run<R> {
    let log = log();
    let result = function(caught(&log, delays, fail)).await;
    Run {
        result,
        elapsed: log.elapsed(),
        states: log.final_states(delays.len()),
        running: log.running(),
    }
}

/// What a call whose panic reached the caller left behind: the panic's message, when it
/// arrived, and the jobs still running then.
#[derive(Debug)]
struct Raised {
    message: String,
    elapsed: Duration,
    running: Vec<usize>,
}

/// Awaits `call`, made of jobs logged in `log`, and catches the panic it raises.
async fn raised<R>(log: &EventLog, call: impl Future<Output = R>) -> Raised {
    let Err(payload) = AssertUnwindSafe(call).catch_unwind().await else {
        panic!("the panic does not reach the caller");
    };
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    Raised {
        message,
        elapsed: log.elapsed(),
        running: log.running(),
    }
}

// Results in input order: the shape of `gather`.

/// Every job succeeds: every alternative returns `gather`'s results, at the same moment,
/// every job finished.
#[tokio::test(start_paused = true)]
async fn in_input_order_every_alternative_returns_what_gather_returns() {
    let delays = [3.0, 1.0, 2.0];
    let expected = run(&delays, &[], gather).await;
    assert_eq!(expected.result, Ok(ok(&[0, 1, 2])));
    let runs = [
        run(&delays, &[], ordered_try_join_all).await,
        run(&delays, &[], ordered_futures_ordered).await,
        run(&delays, &[], ordered_join_queue).await,
        run(&delays, &[], ordered_channel).await,
    ];
    for (alternative, run) in runs.iter().enumerate() {
        assert_eq!(*run, expected, "alternative {alternative}");
    }
}

/// One job fails: every alternative returns `gather`'s error. Those that wait for the
/// other jobs to stop return with none of them running.
#[tokio::test(start_paused = true)]
async fn in_input_order_one_failure_is_the_error_gather_returns() {
    let (delays, fail) = ([3.0, 1.0, 2.0, 4.0], [1]);
    let expected = run(&delays, &fail, gather).await;
    assert_eq!(expected.result, Err(JobError::Failed(1)));
    let try_join_all = run(&delays, &fail, ordered_try_join_all).await;
    assert_eq!(try_join_all.result, expected.result);
    let waiting = [
        run(&delays, &fail, ordered_futures_ordered).await,
        run(&delays, &fail, ordered_join_queue).await,
        run(&delays, &fail, ordered_channel).await,
    ];
    for (alternative, run) in waiting.iter().enumerate() {
        assert_eq!(run.result, expected.result, "alternative {alternative}");
        assert!(run.running.is_empty(), "alternative {alternative}");
    }
}

/// The channel gives all that `gather` gives: the first error in time, at once (1 s), the
/// jobs still running then cancelled, and none left running.
#[tokio::test(start_paused = true)]
async fn the_channel_returns_the_first_error_in_time_as_gather_does() {
    for (delays, fail) in [
        ([3.0, 1.0, 2.0, 4.0], &[1][..]),
        ([2.0, 3.0, 1.0, 4.0], &[0, 2]),
    ] {
        let expected = run(&delays, fail, gather).await;
        let channel = run(&delays, fail, ordered_channel).await;
        assert_eq!(channel, expected, "failing {fail:?}");
    }
}

/// `FuturesOrdered` and `JoinQueue` see an error only in input order: B fails at 1 s, but
/// the error is seen when A, before it, finishes at 3 s. C has finished meanwhile; D is
/// cancelled then, and waited for.
#[tokio::test(start_paused = true)]
async fn futures_ordered_and_join_queue_see_an_error_after_the_jobs_before_it() {
    let (delays, fail) = ([3.0, 1.0, 2.0, 4.0], [1]);
    let expected = Run {
        result: Err(JobError::Failed(1)),
        elapsed: secs(3.0),
        states: vec![
            Some(Finished),
            Some(Failed),
            Some(Finished),
            Some(Cancelled),
        ],
        running: vec![],
    };
    let ordered = run(&delays, &fail, ordered_futures_ordered).await;
    assert_eq!(ordered, expected);
    let queue = run(&delays, &fail, ordered_join_queue).await;
    assert_eq!(queue, expected);
}

/// `try_join_all` returns the first error at once (1 s), but only aborts the other tasks:
/// they are still running when the error reaches the caller, and stop a moment later.
#[tokio::test(start_paused = true)]
async fn try_join_all_aborts_the_rest_without_waiting_for_them() {
    let log = log();
    let result = ordered_try_join_all(caught(&log, &[3.0, 1.0, 2.0, 4.0], &[1])).await;
    assert_eq!(result, Err(JobError::Failed(1)));
    assert_eq!(log.elapsed(), secs(1.0));
    assert_eq!(log.running(), [0, 2, 3]);
    a_moment_later().await;
    let states = [
        Some(Cancelled),
        Some(Failed),
        Some(Cancelled),
        Some(Cancelled),
    ];
    assert_eq!(log.final_states(4), states);
}

/// Up to 30 jobs, `try_join_all` returns the first error in time; beyond, it is a
/// `FuturesOrdered`, and the error waits for the jobs before it: of 31 jobs of 2 s, job 25
/// fails at 1 s and the caller sees it at 2 s, where `gather` sees it at 1 s.
#[tokio::test(start_paused = true)]
async fn try_join_all_beyond_30_jobs_sees_an_error_in_input_order() {
    for (jobs, returns_at) in [(30, 1.0), (31, 2.0)] {
        let mut delays = vec![2.0; jobs];
        delays[25] = 1.0;
        let expected = run(&delays, &[25], gather).await;
        assert_eq!(expected.elapsed, secs(1.0), "{jobs} jobs");
        let try_join_all = run(&delays, &[25], ordered_try_join_all).await;
        assert_eq!(try_join_all.result, expected.result, "{jobs} jobs");
        assert_eq!(try_join_all.elapsed, secs(returns_at), "{jobs} jobs");
    }
}

/// A panic is raised again in the caller. The channel does as `gather` does: at once
/// (1 s), once the other jobs have stopped. `FuturesOrdered` and `JoinQueue` see it in
/// input order, after A (2 s), then cancel C and wait for it. `try_join_all` raises it at
/// once, with A and C aborted but still running, stopped a moment later.
#[tokio::test(start_paused = true)]
async fn in_input_order_a_panic_is_raised_again_in_the_caller() {
    let delays = [2.0, 1.0, 3.0];
    // When the panic reaches the caller, the jobs still running then, and the final states
    // a moment later.
    let cancelled = vec![Some(Cancelled), Some(Panicked), Some(Cancelled)];
    let in_time = (secs(1.0), vec![], cancelled.clone());
    let after_a = vec![Some(Finished), Some(Panicked), Some(Cancelled)];
    let in_input_order = (secs(2.0), vec![], after_a);
    let not_waited_for = (secs(1.0), vec![0, 2], cancelled);
    for alternative in 0..5 {
        let log = log();
        let jobs = raw(&log, &delays, &[1]);
        let (raised, expected) = match alternative {
            0 => (raised(&log, gather(jobs)).await, &in_time),
            1 => (raised(&log, ordered_channel(jobs)).await, &in_time),
            2 => (
                raised(&log, ordered_futures_ordered(jobs)).await,
                &in_input_order,
            ),
            3 => (
                raised(&log, ordered_join_queue(jobs)).await,
                &in_input_order,
            ),
            _ => (
                raised(&log, ordered_try_join_all(jobs)).await,
                &not_waited_for,
            ),
        };
        a_moment_later().await;
        assert_eq!(
            raised.message, "job 1 panicked",
            "alternative {alternative}"
        );
        let happened = (raised.elapsed, raised.running, log.final_states(3));
        assert_eq!(happened, *expected, "alternative {alternative}");
    }
}

// Results in completion order: the shape of `as_completed`.

/// What the loop body saw: `(k, job, when)` for each output handed over.
type Seen = Vec<(usize, usize, Duration)>;

/// Calls the `as_completed`-shaped `$function` on `$jobs` with a loop body that records
/// `(k, job, when)` in `$seen`, then takes `$busy` seconds: the call's future, to await.
/// (A macro: the body is a closure, whose type no function signature could name.)
macro_rules! completed {
    ($function:path, $jobs:expr, $log:expr, $seen:expr, $busy:expr) => {
        $function($jobs, async |k, (job, _): &Received| {
            $seen.push((k, *job, $log.elapsed()));
            if $busy > 0.0 {
                tokio::time::sleep(secs($busy)).await;
            }
        })
    };
}

/// Runs the `as_completed`-shaped `$function` on jobs with these delays, failing as listed,
/// its loop body taking `$busy` seconds: what it returned, what the body saw, and when
/// each job finished or failed.
macro_rules! run_completed {
    ($function:path, $delays:expr, $fail:expr, $busy:expr) => {{
        let log = log();
        let mut seen: Seen = Vec::new();
        let jobs = caught(&log, $delays, $fail);
        let received = completed!($function, jobs, log, seen, $busy).await;
        (received, seen, ended_at(&log, $delays.len()))
    }};
}

/// When each job finished or failed, in seconds since the log started.
fn ended_at(log: &EventLog, jobs: usize) -> Vec<f64> {
    let mut ended = vec![f64::NAN; jobs];
    for event in log.events() {
        if matches!(event.event, Finished | Failed) {
            ended[event.job] = event.t_ms / 1000.0;
        }
    }
    ended
}

/// Every alternative hands over what `as_completed` hands over: the same outputs (C's
/// error in its place), in the same order, each with the same `k`, at the same moment; and
/// `join_all` returns the same sequence, all at once at the end.
#[tokio::test(start_paused = true)]
async fn in_completion_order_every_alternative_hands_over_what_as_completed_does() {
    let (delays, fail) = ([3.0, 1.0, 2.0], [2]);
    let expected = run_completed!(as_completed, &delays, &fail, 0.0);
    let (received, seen, _) = &expected;
    assert_eq!(
        *received,
        [
            (1, Ok("job 1 result".to_owned())),
            (2, Err(JobError::Failed(2))),
            (0, Ok("job 0 result".to_owned())),
        ]
    );
    let arrivals = [(1, 1, secs(1.0)), (2, 2, secs(2.0)), (3, 0, secs(3.0))];
    assert_eq!(*seen, arrivals);

    let runs = [
        run_completed!(completed_futures_unordered, &delays, &fail, 0.0),
        run_completed!(completed_channel, &delays, &fail, 0.0),
        run_completed!(completed_join_map, &delays, &fail, 0.0),
    ];
    for (alternative, run) in runs.iter().enumerate() {
        assert_eq!(*run, expected, "alternative {alternative}");
    }

    let join_all = run(&delays, &fail, completed_join_all).await;
    assert_eq!(join_all.result, *received);
    assert_eq!(join_all.elapsed, secs(3.0));
    assert!(join_all.running.is_empty());
}

/// The tasks run while the loop body is busy: with a body that takes 1.5 s per output,
/// every job still ends at its own delay, as with `as_completed`.
#[tokio::test(start_paused = true)]
async fn in_completion_order_the_jobs_run_on_while_the_loop_body_is_busy() {
    let delays = [3.0, 1.0, 2.0];
    let expected = run_completed!(as_completed, &delays, &[], 1.5);
    assert_eq!(expected.2, delays);
    let runs = [
        run_completed!(completed_futures_unordered, &delays, &[], 1.5),
        run_completed!(completed_channel, &delays, &[], 1.5),
        run_completed!(completed_join_map, &delays, &[], 1.5),
    ];
    for (alternative, run) in runs.iter().enumerate() {
        assert_eq!(*run, expected, "alternative {alternative}");
    }
}

/// A panic is raised again in the caller, as `as_completed` raises it: B is handed over at
/// 1 s, C panics at 2 s, and A is cancelled and has stopped by then. `join_all` raises it
/// at 2 s too, with A aborted but still running, stopped a moment later.
#[tokio::test(start_paused = true)]
async fn in_completion_order_a_panic_is_raised_again_in_the_caller() {
    let delays = [3.0, 1.0, 2.0];
    let states = [Some(Cancelled), Some(Finished), Some(Panicked)];
    for alternative in 0..4 {
        let log = log();
        let mut seen: Seen = Vec::new();
        let jobs = raw(&log, &delays, &[2]);
        let raised = match alternative {
            0 => raised(&log, completed!(as_completed, jobs, log, seen, 0.0)).await,
            1 => {
                raised(
                    &log,
                    completed!(completed_futures_unordered, jobs, log, seen, 0.0),
                )
                .await
            }
            2 => raised(&log, completed!(completed_channel, jobs, log, seen, 0.0)).await,
            _ => raised(&log, completed!(completed_join_map, jobs, log, seen, 0.0)).await,
        };
        assert_eq!(
            raised.message, "job 2 panicked",
            "alternative {alternative}"
        );
        assert_eq!(raised.elapsed, secs(2.0), "alternative {alternative}");
        assert!(raised.running.is_empty(), "alternative {alternative}");
        assert_eq!(log.final_states(3), states, "alternative {alternative}");
        assert_eq!(seen, [(1, 1, secs(1.0))], "alternative {alternative}");
    }

    let log = log();
    let join_all = raised(&log, completed_join_all(raw(&log, &delays, &[2]))).await;
    assert_eq!(join_all.message, "job 2 panicked");
    assert_eq!(join_all.elapsed, secs(2.0));
    assert_eq!(join_all.running, [0], "aborted, not waited for");
    a_moment_later().await;
    assert_eq!(log.final_states(3), states);
}

// The first error cancels the rest: the shape of `task_group`.

/// Every job succeeds: both alternatives return `task_group`'s results, at the same
/// moment, every job finished.
#[tokio::test(start_paused = true)]
async fn first_error_every_alternative_returns_what_task_group_returns() {
    let delays = [3.0, 1.0, 2.0];
    let expected = run(&delays, &[], task_group).await;
    assert_eq!(expected.result, Ok(ok(&[0, 1, 2])));
    let unordered = run(&delays, &[], first_error_futures_unordered);
    assert_eq!(unordered.await, expected);
    let tracker = run(&delays, &[], first_error_tracker);
    assert_eq!(tracker.await, expected);
}

/// One job fails while the others wait on longer timers: both alternatives return its
/// error when it fails, as `task_group` does, with every job still running then cancelled
/// and none left running. Jobs faster than the failure finish; jobs that fail at the same
/// instant are all reported, in input order.
#[tokio::test(start_paused = true)]
async fn first_error_cancels_the_rest_and_waits_as_task_group_does() {
    let cases: [(&[f64], &[usize], Run<GroupResult>); 3] = [
        (
            &[3.0, 1.0, 2.0],
            &[1],
            Run {
                result: Err(vec![JobError::Failed(1)]),
                elapsed: secs(1.0),
                states: vec![Some(Cancelled), Some(Failed), Some(Cancelled)],
                running: vec![],
            },
        ),
        (
            &[1.0, 3.0, 2.0, 4.0],
            &[2],
            Run {
                result: Err(vec![JobError::Failed(2)]),
                elapsed: secs(2.0),
                states: vec![
                    Some(Finished),
                    Some(Cancelled),
                    Some(Failed),
                    Some(Cancelled),
                ],
                running: vec![],
            },
        ),
        (
            &[1.0, 2.0, 1.0],
            &[0, 2],
            Run {
                result: Err(vec![JobError::Failed(0), JobError::Failed(2)]),
                elapsed: secs(1.0),
                states: vec![Some(Failed), Some(Cancelled), Some(Failed)],
                running: vec![],
            },
        ),
    ];
    for (delays, fail, expected) in cases {
        assert_eq!(
            run(delays, fail, task_group).await,
            expected,
            "failing {fail:?}"
        );
        let unordered = run(delays, fail, first_error_futures_unordered);
        assert_eq!(unordered.await, expected, "failing {fail:?}");
        let tracker = run(delays, fail, first_error_tracker);
        assert_eq!(tracker.await, expected, "failing {fail:?}");
    }
}

/// A panic is raised again in the caller once the other jobs have been cancelled and have
/// stopped, at the moment it happens (1 s), as `task_group` raises it.
#[tokio::test(start_paused = true)]
async fn first_error_a_panic_is_raised_again_once_the_others_have_stopped() {
    let delays = [2.0, 1.0, 3.0];
    for alternative in 0..3 {
        let log = log();
        let jobs = raw(&log, &delays, &[1]);
        let raised = match alternative {
            0 => raised(&log, task_group(jobs)).await,
            1 => raised(&log, first_error_futures_unordered(jobs)).await,
            _ => raised(&log, first_error_tracker(jobs)).await,
        };
        assert_eq!(
            raised.message, "job 1 panicked",
            "alternative {alternative}"
        );
        assert_eq!(raised.elapsed, secs(1.0), "alternative {alternative}");
        assert!(raised.running.is_empty(), "alternative {alternative}");
        let states = [Some(Cancelled), Some(Panicked), Some(Cancelled)];
        assert_eq!(log.final_states(3), states, "alternative {alternative}");
    }
}

/// No jobs: every function returns at once with nothing, as the patterns do.
#[tokio::test(start_paused = true)]
async fn no_jobs_give_nothing() {
    let none = Jobs::new;
    let body = async |_: usize, _: &Received| {};
    assert_eq!(ordered_try_join_all(none()).await, Ok(vec![]));
    assert_eq!(ordered_futures_ordered(none()).await, Ok(vec![]));
    assert_eq!(ordered_join_queue(none()).await, Ok(vec![]));
    assert_eq!(ordered_channel(none()).await, Ok(vec![]));
    assert_eq!(completed_futures_unordered(none(), body).await, []);
    assert_eq!(completed_channel(none(), body).await, []);
    assert_eq!(completed_join_map(none(), body).await, []);
    assert_eq!(completed_join_all(none()).await, []);
    assert_eq!(first_error_futures_unordered(none()).await, Ok(vec![]));
    assert_eq!(first_error_tracker(none()).await, Ok(vec![]));
}

// On the multi-threaded runtime, as the benchmark runs them.

/// Four jobs on their own log: job 0 fails at once, and the others wait on gates that open
/// only when the returned openers are dropped.
fn failing_first(log: &EventLog) -> (Vec<shared::Opener>, Jobs) {
    let mut jobs = Config::with_delays(&[0.0; 4]).failing(&[0]).jobs(log);
    let (openers, waiting) = shared::gates(jobs.split_off(1));
    jobs.extend(waiting);
    let jobs = jobs.into_iter();
    let jobs = jobs.map(|job| job.run_caught(tokio::time::sleep).boxed());
    (openers, jobs.collect())
}

/// Job 0 failed, and every other job was cancelled or never started: none is running.
fn assert_stopped(log: &EventLog, alternative: usize) {
    let states = log.final_states(4);
    assert_eq!(states[0], Some(Failed), "alternative {alternative}");
    for (job, state) in states.iter().enumerate().skip(1) {
        let stopped = matches!(state, Some(Cancelled) | None);
        assert!(stopped, "alternative {alternative}: job {job} {state:?}");
    }
    assert!(log.running().is_empty(), "alternative {alternative}");
}

/// On several threads, where an order could only be raced, the facts that do not depend
/// on one: job 0 fails at once while the others wait on gates nobody opens, and every
/// function returns its error; those that wait for the rest return with none left running,
/// every other job cancelled (or never started, if the abort came before its first poll).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_several_threads_a_failure_cancels_the_jobs_that_wait() {
    for alternative in 0..5 {
        let log = log();
        let (_openers, jobs) = failing_first(&log);
        let result = match alternative {
            0 => ordered_futures_ordered(jobs).await,
            1 => ordered_join_queue(jobs).await,
            2 => ordered_channel(jobs).await,
            3 => gather(jobs).await,
            _ => ordered_try_join_all(jobs).await,
        };
        assert_eq!(
            result,
            Err(JobError::Failed(0)),
            "alternative {alternative}"
        );
        if alternative < 4 {
            assert_stopped(&log, alternative);
        }
    }
    for alternative in 0..3 {
        let log = log();
        let (_openers, jobs) = failing_first(&log);
        let result = match alternative {
            0 => first_error_futures_unordered(jobs).await,
            1 => first_error_tracker(jobs).await,
            _ => task_group(jobs).await,
        };
        assert_eq!(
            result,
            Err(vec![JobError::Failed(0)]),
            "alternative {alternative}"
        );
        assert_stopped(&log, alternative);
    }
}

/// On several threads, jobs without a delay end in an order nobody can tell; every
/// completion-order function still hands each output over once, numbered 1 to n.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_several_threads_every_output_is_handed_over_once() {
    let delays = [0.0; 50];
    for alternative in 0..4 {
        let log = log();
        let mut seen: Seen = Vec::new();
        let jobs = caught(&log, &delays, &[]);
        let mut received = match alternative {
            0 => completed!(completed_futures_unordered, jobs, log, seen, 0.0).await,
            1 => completed!(completed_channel, jobs, log, seen, 0.0).await,
            2 => completed!(completed_join_map, jobs, log, seen, 0.0).await,
            _ => completed_join_all(jobs).await,
        };
        let order: Vec<usize> = received.iter().map(|(job, _)| *job).collect();
        if alternative < 3 {
            let handed: Vec<(usize, usize)> = seen.iter().map(|&(k, job, _)| (k, job)).collect();
            let numbered: Vec<(usize, usize)> = (1..=50).zip(order).collect();
            assert_eq!(handed, numbered, "alternative {alternative}");
        }
        received.sort_unstable_by_key(|(job, _)| *job);
        let expected: Vec<Received> = ok(&(0..50).collect::<Vec<_>>())
            .into_iter()
            .map(Ok)
            .enumerate()
            .collect();
        assert_eq!(received, expected, "alternative {alternative}");
    }
}
