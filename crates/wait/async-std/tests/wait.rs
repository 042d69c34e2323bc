//! What `wait` on async-std does with the contract's jobs: which jobs are done and which are
//! pending for each `return_when` and a timeout, and that once the pending ones are
//! cancelled nothing is left running.
//!
//! async-std has no virtual clock. The order in which the jobs end is the point of every test,
//! so it is caused, not raced: the jobs wait on gates (`shared::gates`) instead of
//! timers, and a helper thread opens them in the tutorial's order (B, A, C), each once the
//! job before it has ended; a job whose gate stays shut never ends by itself. Real time is
//! left only where a load cannot change the answer: a timeout never returns early. The
//! exact times are the tokio tests', on a paused clock.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked};
use shared::{Config, EventLog, Job, JobError, Opener};
use wait_async_std::{Done, ReturnWhen, Tasks, cancel, spawn_all, wait};

/// The shared jobs' tasks: each gives `job i result` or a `JobError`.
type JobTasks = Tasks<String, JobError>;

/// The tutorial's three jobs (A, B, C), spawned as the examples do (each with its panic
/// caught, `Job::run_caught`), each on its gate. The gates of the jobs in `ending` are
/// opened in that order by a helper thread, each once the job before it has ended; the
/// others stay shut (the returned openers keep them so).
fn tutorial(
    log: &EventLog,
    ending: &[usize],
    fail: &[usize],
    panic: &[usize],
) -> (Vec<Opener>, JobTasks) {
    let (openers, jobs) = gated(log, ending, fail, panic);
    let caught = jobs
        .into_iter()
        .map(|job| job.run_caught(async_std::task::sleep));
    (openers, spawn_all(caught))
}

/// The tutorial's jobs with A's panic not caught (`Job::run`, as a job with a bug would
/// be), on gates opened as [`tutorial`] says.
fn tutorial_with_a_bug(log: &EventLog, ending: &[usize]) -> (Vec<Opener>, JobTasks) {
    let (openers, jobs) = gated(log, ending, &[], &[0]);
    let raw = jobs.into_iter().map(|job| job.run(async_std::task::sleep));
    (openers, spawn_all(raw))
}

/// The tutorial's three jobs, each on its gate, opened as [`tutorial`] says.
fn gated(
    log: &EventLog,
    ending: &[usize],
    fail: &[usize],
    panic: &[usize],
) -> (Vec<Opener>, Vec<Job>) {
    // Every panic in these tests is a simulated one, and prints nothing: a backtrace takes
    // long enough to print to hold up the executor threads that run every test's jobs.
    shared::silence_job_panics();
    let config = Config::with_delays(&[2.0, 1.0, 3.0])
        .failing(fail)
        .panicking(panic);
    let (openers, jobs) = shared::gates(config.jobs(log));
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    let order: Vec<(usize, Opener)> = ending
        .iter()
        .map(|&job| (job, openers[job].take().expect("one gate per job")))
        .collect();
    let log = log.clone();
    std::thread::spawn(move || {
        for (job, opener) in order {
            opener.open();
            let deadline = Instant::now() + Duration::from_secs(60);
            while log.final_state(job).is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    (openers.into_iter().flatten().collect(), jobs)
}

/// The message a simulated panic carries.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

fn ok(job: usize) -> Done<String, JobError> {
    (job, Ok(format!("job {job} result")))
}

fn secs(seconds: f64) -> Duration {
    Duration::from_secs_f64(seconds)
}

/// An hour: a timeout that never passes in a test.
const HOUR: Option<Duration> = Some(Duration::from_secs(3600));

/// `ALL_COMPLETED`: every job is done, in the order they completed, and nothing is
/// pending.
#[test]
fn all_completed_returns_every_job_in_completion_order() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_, mut tasks) = tutorial(&log, &[1, 0, 2], &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, None).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        assert!(cancel(tasks).await.is_empty());
    });
    assert_eq!(log.final_states(3), [Some(Finished); 3]);
}

/// `wait` does not raise: a failed and a panicked job are in `done` with their errors, and
/// the other jobs run to their end.
#[test]
fn wait_does_not_raise_errors_are_in_done() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_, mut tasks) = tutorial(&log, &[1, 0, 2], &[1], &[2]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, None).await;
        let expected = [
            (1, Err(JobError::Failed(1))),
            ok(0),
            (2, Err(JobError::Panicked(2))),
        ];
        assert_eq!(done, expected);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
    let states = [Some(Finished), Some(Failed), Some(Panicked)];
    assert_eq!(log.final_states(3), states);
}

/// `FIRST_COMPLETED`: the first job to end. The others are pending and still running
/// until they are cancelled; then nothing is left running.
#[test]
fn first_completed_returns_the_fastest_and_leaves_the_rest_pending() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[1], &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!(done, [ok(1)]);
        assert_eq!(pending, [0, 2]);
        // A task says it has started just before its job records `started`, in the same
        // poll, on the executor's thread: that poll may still be running here.
        let deadline = Instant::now() + Duration::from_secs(60);
        while log.running() != [0, 2] && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(
            log.running(),
            [0, 2],
            "wait leaves the pending tasks running"
        );
        assert!(cancel(tasks).await.is_empty());
    });
    let states = [Some(Cancelled), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// The first job to end counts as completed even when it failed.
#[test]
fn first_completed_counts_a_failure() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[1], &[1], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!(done, [(1, Err(JobError::Failed(1)))]);
        assert_eq!(pending, [0, 2]);
        cancel(tasks).await;
    });
    assert!(log.running().is_empty());
}

/// `FIRST_EXCEPTION`: returns at the first failure; done holds the jobs finished by then
/// and the failed one; the rest are pending, then cancelled.
#[test]
fn first_exception_returns_at_the_first_failure() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[1, 0], &[0], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), (0, Err(JobError::Failed(0)))]);
        assert_eq!(pending, [2]);
        cancel(tasks).await;
    });
    let states = [Some(Failed), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panic caught as an error (`Job::run_caught`, as the examples do) counts as an
/// exception: its error says `job 0 panicked`.
#[test]
fn first_exception_counts_a_panic() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[1, 0], &[], &[0]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), (0, Err(JobError::Panicked(0)))]);
        assert_eq!(
            done[1].1.as_ref().unwrap_err().to_string(),
            "job 0 panicked"
        );
        assert_eq!(pending, [2]);
        cancel(tasks).await;
    });
    let states = [Some(Panicked), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A panic that is not caught is a bug, not an error: `wait` cancels every task, waits
/// until they have stopped, then raises the panic again in its caller.
#[test]
fn a_panic_is_raised_again_once_every_task_has_stopped() {
    let log = EventLog::new(Instant::now);
    let payload = async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial_with_a_bug(&log, &[1, 0]);
        let waited = AssertUnwindSafe(wait(&mut tasks, ReturnWhen::AllCompleted, None))
            .catch_unwind()
            .await;
        waited.expect_err("the panic goes on in the caller")
    });
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    let states = [Some(Panicked), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty(), "nothing is left running");
}

/// A job that panics after `wait` has returned: `cancel` raises the panic, once every
/// other task has stopped.
#[test]
fn cancel_raises_a_panic_that_happened_after_wait() {
    let log = EventLog::new(Instant::now);
    let payload = async_std::task::block_on(async {
        let (shut, mut tasks) = tutorial_with_a_bug(&log, &[1]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!((done, pending), (vec![ok(1)], vec![0, 2]));
        // A panics now, while nobody waits on it (`shut` holds A's and C's gates).
        let [a, _c] = <[Opener; 2]>::try_from(shut).expect("A's and C's gates");
        a.open();
        while log.final_state(0).is_none() {
            async_std::task::sleep(Duration::from_millis(1)).await;
        }
        let cancelled = AssertUnwindSafe(cancel(tasks)).catch_unwind().await;
        cancelled.expect_err("the panic goes on in the caller")
    });
    assert_eq!(message(&*payload), Some("job 0 panicked"));
    let states = [Some(Panicked), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty(), "nothing is left running");
}

/// Without a failure, `FIRST_EXCEPTION` waits for every job, like `ALL_COMPLETED`.
#[test]
fn first_exception_without_a_failure_waits_for_all() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_, mut tasks) = tutorial(&log, &[1, 0, 2], &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::FirstException, None).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
}

/// A timeout (0.2 s): the job that has ended by then is done; the rest are pending, then
/// cancelled. B's gate is open before `wait` starts, so B ends in its first step, and
/// `wait` looks at the clock only once every task has taken its first step.
#[test]
fn timeout_returns_what_is_done_by_the_deadline() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[1], &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, Some(secs(0.2))).await;
        assert!(log.elapsed() >= secs(0.2), "never early");
        assert_eq!(done, [ok(1)]);
        assert_eq!(pending, [0, 2]);
        assert!(cancel(tasks).await.is_empty());
    });
    let states = [Some(Cancelled), Some(Finished), Some(Cancelled)];
    assert_eq!(log.final_states(3), states);
    assert!(log.running().is_empty());
}

/// A timeout that does not pass changes nothing: `wait` returns when all are done.
#[test]
fn a_timeout_longer_than_every_job_returns_when_all_are_done() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_, mut tasks) = tutorial(&log, &[1, 0, 2], &[], &[]);
        let (done, pending) = wait(&mut tasks, ReturnWhen::AllCompleted, HOUR).await;
        assert_eq!(done, [ok(1), ok(0), ok(2)]);
        assert!(pending.is_empty());
        cancel(tasks).await;
    });
}

/// `timeout=0`: `wait` returns at once with what is already done, but only once every
/// task has run its first step, as in Python, whose tasks were scheduled before the
/// timer: the jobs start, are pending, and end cancelled.
#[test]
fn a_timeout_of_zero_returns_at_once_once_every_task_has_started() {
    let log = EventLog::new(Instant::now);
    async_std::task::block_on(async {
        let (_shut, mut tasks) = tutorial(&log, &[], &[], &[]);
        let (done, pending) =
            wait(&mut tasks, ReturnWhen::AllCompleted, Some(Duration::ZERO)).await;
        assert!(done.is_empty());
        assert_eq!(pending, [0, 1, 2]);
        assert!(
            cancel(tasks).await.is_empty(),
            "no job ended as it was cancelled"
        );
    });
    assert_eq!(
        log.final_states(3),
        [Some(Cancelled); 3],
        "every job started"
    );
}
