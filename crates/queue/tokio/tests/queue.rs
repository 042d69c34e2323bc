//! What `run_workers` on tokio does with the contract's jobs: which worker takes which job,
//! the order the results come in, the time it takes, and how the workers stop.
//!
//! These tests run on a paused clock (`start_paused = true`): when every task is waiting
//! on a timer, tokio jumps straight to the next deadline, so the 2.4 s of the default jobs
//! take no real time, every time is exact, and jobs due at the same instant are a true tie.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the test of a panic that reaches the
//! pattern itself (`Job::run`).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt as _;
use queue_tokio::{run_workers, run_workers_then_cancel};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Queued, Started};
use shared::{Config, EventKind, EventLog, Job, JobError};
use tokio::sync::mpsc;

/// The pattern's default jobs, in seconds.
const DEFAULT: [f64; 8] = [1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4];

/// CPython's schedule for the default jobs and three workers: `(job, worker)` in the order
/// the jobs started. Worker 1 takes job 3 when job 1 ends (0.5 s), worker 0 takes job 4
/// when job 0 ends (1.0 s), and so on.
const SCHEDULE: [(usize, usize); 8] = [
    (0, 0),
    (1, 1),
    (2, 2),
    (3, 1),
    (4, 0),
    (5, 1),
    (6, 0),
    (7, 2),
];

/// The order CPython's workers finish the default jobs in: the order of the results.
const COMPLETION: [usize; 8] = [1, 0, 3, 4, 2, 7, 6, 5];

/// What a worker hands back for a job: the job's number and its result.
type Output = (usize, Result<String, JobError>);

/// A log on tokio's (paused) clock.
fn log() -> EventLog {
    EventLog::new(|| tokio::time::Instant::now().into_std())
}

/// Jobs with these delays in seconds, failing and panicking as listed.
fn jobs(log: &EventLog, delays: &[f64], fail: &[usize], panic: &[usize]) -> Vec<Job> {
    shared::quiet_job_panics();
    let config = Config::with_delays(delays).failing(fail).panicking(panic);
    config.jobs(log)
}

/// What the example's workers do with a job: run it, its `started` event naming the worker;
/// a panic comes back as the job's error.
fn work(worker: usize, job: Job) -> impl Future<Output = Output> {
    let id = job.id();
    let run = job.on_worker(worker).run_caught(tokio::time::sleep);
    run.map(move |result| (id, result))
}

/// A queue holding every job, closed: `put_nowait` for each, then the sender dropped.
fn closed_queue(jobs: Vec<Job>) -> mpsc::Receiver<Job> {
    let (queue, taken) = open_queue(jobs);
    drop(queue);
    taken
}

/// A queue holding every job, with its sender kept: nobody has said that no more will come.
fn open_queue(jobs: Vec<Job>) -> (mpsc::Sender<Job>, mpsc::Receiver<Job>) {
    let (queue, taken) = mpsc::channel(jobs.len().max(1));
    for job in jobs {
        queue
            .try_send(job)
            .expect("the queue has room for every job");
    }
    (queue, taken)
}

/// The producer of the `bounded` scenario, as the example writes it: `await queue.put(job)`
/// for each job, `queued` once it returns, then the sender dropped.
async fn produce(queue: mpsc::Sender<Job>, jobs: Vec<Job>, log: EventLog) {
    for job in jobs {
        let id = job.id();
        let put = queue.send(job).await;
        put.expect("the workers read the queue until it is closed");
        log.record(id, Queued);
    }
}

/// `(job, worker)` for each `started` event, in the order the jobs started.
fn schedule(log: &EventLog) -> Vec<(usize, usize)> {
    let started = log.events().into_iter().filter(|e| e.event == Started);
    started
        .map(|e| (e.job, e.worker.expect("a started event names its worker")))
        .collect()
}

/// `job % workers` for jobs `0..jobs`: the schedule when every round of jobs ends at once.
fn round_robin(jobs: usize, workers: usize) -> Vec<(usize, usize)> {
    (0..jobs).map(|job| (job, job % workers)).collect()
}

/// The jobs in the order their results came back.
fn order(outputs: &[Output]) -> Vec<usize> {
    outputs.iter().map(|(job, _)| *job).collect()
}

/// When each job's `event` happened, in milliseconds, in job order.
fn times(log: &EventLog, jobs: usize, event: EventKind) -> Vec<f64> {
    let mut times = vec![f64::NAN; jobs];
    for e in log.events().into_iter().filter(|e| e.event == event) {
        times[e.job] = e.t_ms;
    }
    times
}

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// Three workers take the default jobs as CPython's do: the first free worker takes the
/// next job, each job starts when its worker is free, the results come in completion
/// order, and the whole run takes the longest chain of one worker (0.5 + 0.7 + 1.2 s =
/// 2.4 s), not the 6.4 s of the sum.
#[tokio::test(start_paused = true)]
async fn three_workers_take_the_jobs_as_cpython_does() {
    let log = log();
    let outputs = run_workers(closed_queue(jobs(&log, &DEFAULT, &[], &[])), 3, work).await;
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    assert!(
        outputs
            .iter()
            .all(|(job, r)| *r == Ok(format!("job {job} result")))
    );
    let started = [0.0, 0.0, 0.0, 500.0, 1000.0, 1200.0, 1300.0, 1500.0];
    assert_eq!(times(&log, 8, Started), started);
    assert_eq!(log.elapsed(), Duration::from_millis(2400));
    assert!(log.final_states(8).iter().all(|s| *s == Some(Finished)));
    assert!(log.running().is_empty());
}

/// Jobs that end at the same instant free their workers together, and the lower worker
/// takes the next job first (`--tasks 9 --delay 0.1`: jobs 3, 4, 5 go to workers 0, 1,
/// 2, as in CPython): their timers wake them in the order they were set. With 40 workers
/// too.
#[tokio::test(start_paused = true)]
async fn ties_go_to_the_lower_worker() {
    for (tasks, workers) in [(9, 3), (80, 40)] {
        let log = log();
        let delays = vec![0.1; tasks];
        let outputs = run_workers(closed_queue(jobs(&log, &delays, &[], &[])), workers, work).await;
        assert_eq!(
            schedule(&log),
            round_robin(tasks, workers),
            "{workers} workers"
        );
        assert_eq!(order(&outputs), (0..tasks).collect::<Vec<_>>());
        let rounds = u64::try_from(tasks.div_ceil(workers)).expect("a few rounds");
        assert_eq!(log.elapsed(), Duration::from_millis(100 * rounds));
    }
}

/// A stalled process keeps the order of the deadlines. Unstalled, worker 1's job (0.1 s)
/// ends first and worker 1 takes the next job. When the runtime wakes late, after both
/// deadlines have passed (here the paused clock is moved 0.3 s at once, as a stalled
/// process would find it), tokio's timer wakes the workers in the order their deadlines
/// came, and the pool polls them in that order: worker 1 still takes the next job, as on
/// CPython, whose loop runs due timers in deadline order.
#[tokio::test(start_paused = true)]
async fn a_late_wake_up_keeps_the_order_of_the_deadlines() {
    let delays = [0.2, 0.1, 0.5];
    let on_time = log();
    run_workers(closed_queue(jobs(&on_time, &delays, &[], &[])), 2, work).await;
    assert_eq!(schedule(&on_time), [(0, 0), (1, 1), (2, 1)]);

    let late = log();
    let pool = run_workers(closed_queue(jobs(&late, &delays, &[], &[])), 2, work);
    // `join` polls the pool first: both jobs have started when the clock jumps.
    let stall = tokio::time::advance(Duration::from_millis(300));
    futures::future::join(pool, stall).await;
    assert_eq!(schedule(&late), [(0, 0), (1, 1), (2, 1)]);
}

/// Jobs without a delay yield once, as `asyncio.sleep(0)` does: two workers then take
/// turns, 0, 1, 0, 1, as in CPython's own `test_task_done`.
#[tokio::test(start_paused = true)]
async fn with_zero_delays_two_workers_alternate() {
    let log = log();
    let outputs = run_workers(closed_queue(jobs(&log, &[0.0; 100], &[], &[])), 2, work).await;
    assert_eq!(schedule(&log), round_robin(100, 2));
    assert_eq!(order(&outputs), (0..100).collect::<Vec<_>>());
    assert_eq!(log.elapsed(), Duration::ZERO);
}

/// A failing job and a panicking one (caught around the job, as the example does) are
/// results like any other: their workers go on to the next job, and the schedule is the
/// same as without them.
#[tokio::test(start_paused = true)]
async fn a_failing_and_a_panicking_job_do_not_stop_their_worker() {
    let log = log();
    let outputs = run_workers(closed_queue(jobs(&log, &DEFAULT, &[1], &[4])), 3, work).await;
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(outputs[0], (1, Err(JobError::Failed(1))));
    assert_eq!(outputs[3], (4, Err(JobError::Panicked(4))));
    let states = log.final_states(8);
    assert_eq!((states[1], states[4]), (Some(Failed), Some(Panicked)));
    assert_eq!(log.elapsed(), Duration::from_millis(2400));
    assert!(log.running().is_empty());
}

/// A panic that reaches `run_workers` (the job's own, not caught) unwinds through it at
/// once (1.3 s, when job 4 panics on worker 0): the other workers are dropped, which
/// cancels the jobs they were running (2 and 5); the jobs still queued never start, and
/// the queue's receiver is gone with the workers, so a producer's next `send` fails.
///
/// Jobs 2 and 5 are dropped while the thread unwinds from job 4's panic, and the shared
/// job's drop guard, which cannot tell its own panic from another's, may record them as
/// `panicked` rather than `cancelled`: either way they ended without finishing.
#[tokio::test(start_paused = true)]
async fn a_panic_in_the_work_unwinds_through_run_workers() {
    let log = log();
    let (queue, taken) = open_queue(jobs(&log, &DEFAULT, &[], &[4]));
    let raw = |worker, job: Job| job.on_worker(worker).run(tokio::time::sleep);
    let raised = AssertUnwindSafe(run_workers(taken, 3, raw))
        .catch_unwind()
        .await;
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 4 panicked"));
    assert_eq!(log.elapsed(), Duration::from_millis(1300));
    let states = log.final_states(8);
    let done = Some(Finished);
    assert_eq!(states[..2], [done, done]);
    assert_eq!(states[3..5], [done, Some(Panicked)]);
    for job in [2, 5] {
        let state = states[job];
        assert!(
            matches!(state, Some(Cancelled | Panicked)),
            "job {job}: {state:?}"
        );
    }
    assert_eq!(
        states[6..],
        [None, None],
        "the jobs still queued never start"
    );
    assert!(log.running().is_empty());
    assert!(queue.is_closed(), "the workers took the receiver with them");
}

/// `bounded`: with room for one job, the producer's `put` returns for jobs 0 to 3 at
/// once (three taken, one queued), then once per job a worker takes: job 4 at 0.5 s,
/// when worker 1 takes job 3, job 5 at 1.0 s, 6 at 1.2 s, 7 at 1.3 s. The schedule and
/// the results are those of the unbounded queue.
#[tokio::test(start_paused = true)]
async fn bounded_the_producer_waits_while_the_queue_is_full() {
    let log = log();
    let (queue, taken) = mpsc::channel(1);
    let producer = produce(queue, jobs(&log, &DEFAULT, &[], &[]), log.clone());
    let ((), outputs) = tokio::join!(producer, run_workers(taken, 3, work));
    let queued = [0.0, 0.0, 0.0, 0.0, 500.0, 1000.0, 1200.0, 1300.0];
    assert_eq!(times(&log, 8, Queued), queued);
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(log.elapsed(), Duration::from_millis(2400));
    assert!(log.running().is_empty());
}

/// Workers that wait on an empty queue take the next jobs in the order they began to wait,
/// as asyncio's getters do (tokio's `Mutex` is fair): with more workers than a queue of one
/// keeps busy, the first jobs go to workers 0, 1, 2, 3, 4.
#[tokio::test(start_paused = true)]
async fn idle_workers_take_the_jobs_in_the_order_they_began_to_wait() {
    let log = log();
    let jobs = jobs(&log, &[0.3, 0.1, 0.5, 0.2, 0.4], &[], &[]);
    let (queue, taken) = mpsc::channel(1);
    let producer = produce(queue, jobs, log.clone());
    let ((), outputs) = futures::future::join(producer, run_workers(taken, 8, work)).await;
    assert_eq!(schedule(&log), round_robin(5, 8));
    assert_eq!(outputs.len(), 5);
    assert!(log.running().is_empty());
}

/// For any room K and any number of workers: the jobs are queued in order, and job k is
/// queued only once job k - K has been taken, so the queue never holds more than K jobs
/// (the `queued` events run at most K ahead of the `started` ones).
#[tokio::test(start_paused = true)]
async fn bounded_the_queue_never_holds_more_than_its_room() {
    for (room, workers) in [(1, 1), (1, 3), (2, 3), (3, 2), (8, 3)] {
        let log = log();
        let (queue, taken) = mpsc::channel(room);
        let producer = produce(queue, jobs(&log, &DEFAULT, &[], &[]), log.clone());
        let ((), outputs) = tokio::join!(producer, run_workers(taken, workers, work));
        assert_eq!(outputs.len(), 8);
        let events = log.events();
        let queued = events.iter().filter(|e| e.event == Queued).map(|e| e.job);
        let queued: Vec<usize> = queued.collect();
        assert_eq!(queued, (0..8).collect::<Vec<_>>(), "room {room}");
        let (mut put, mut taken) = (0, 0);
        for e in &events {
            match e.event {
                Queued => put += 1,
                Started => taken += 1,
                _ => {}
            }
            assert!(
                put <= taken + room,
                "room {room}, {workers} workers: {events:?}"
            );
        }
    }
}

/// Closing the queue ends the workers: with the sender dropped only at 10 s, long after the
/// last job ended (2.4 s), `run_workers` returns at 10 s, every job done.
#[tokio::test(start_paused = true)]
async fn run_workers_returns_once_the_queue_is_closed_and_empty() {
    let log = log();
    let (queue, taken) = open_queue(jobs(&log, &DEFAULT, &[], &[]));
    let close_later = async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(queue);
    };
    let ((), outputs) = tokio::join!(close_later, run_workers(taken, 3, work));
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(log.elapsed(), Duration::from_secs(10));
    assert!(log.running().is_empty());
}

/// With the sender kept, and never dropped, the queue is never closed: every job is done at
/// 2.4 s, yet an hour later `run_workers` has not returned, its workers waiting for more.
#[tokio::test(start_paused = true)]
async fn with_the_queue_left_open_run_workers_does_not_return() {
    let log = log();
    let (queue, taken) = open_queue(jobs(&log, &DEFAULT, &[], &[]));
    let hour = Duration::from_secs(3600);
    let waited = tokio::time::timeout(hour, run_workers(taken, 3, work)).await;
    assert!(waited.is_err(), "run_workers returned with its queue open");
    assert!(log.final_states(8).iter().all(|s| *s == Some(Finished)));
    assert!(log.running().is_empty());
    // The timeout dropped the idle workers, and the receiver with them.
    assert!(queue.is_closed());
}

/// asyncio's way: the queue stays open, and once as many outputs as items are in
/// (`await queue.join()`, 2.4 s), the idle workers are cancelled by dropping them. Nothing
/// is left running, and an item put afterwards is refused.
#[tokio::test(start_paused = true)]
async fn run_workers_then_cancel_cancels_the_idle_workers_after_its_items() {
    let log = log();
    let (queue, taken) = open_queue(jobs(&log, &DEFAULT, &[], &[]));
    let outputs = run_workers_then_cancel(taken, 3, 8, work).await;
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(log.elapsed(), Duration::from_millis(2400));
    assert!(log.running().is_empty());
    let late = jobs(&log, &[1.0], &[], &[]).remove(0);
    assert!(
        queue.try_send(late).is_err(),
        "nobody reads the queue any more"
    );
}

/// If the queue is closed before `items` outputs are in, `run_workers_then_cancel` returns
/// what was done once the workers have stopped, instead of waiting for ever.
#[tokio::test(start_paused = true)]
async fn run_workers_then_cancel_returns_if_the_queue_closes_first() {
    let log = log();
    let queue = closed_queue(jobs(&log, &DEFAULT, &[], &[]));
    let outputs = run_workers_then_cancel(queue, 3, 10, work).await;
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(log.elapsed(), Duration::from_millis(2400));
}

/// More workers than jobs: each job gets a worker of its own at once, the run takes the
/// longest delay, and the workers left without a job stop when the queue is found closed.
#[tokio::test(start_paused = true)]
async fn more_workers_than_jobs() {
    let log = log();
    let outputs = run_workers(
        closed_queue(jobs(&log, &[2.0, 1.0, 3.0], &[], &[])),
        8,
        work,
    )
    .await;
    assert_eq!(schedule(&log), [(0, 0), (1, 1), (2, 2)]);
    assert_eq!(order(&outputs), [1, 0, 2]);
    assert_eq!(log.elapsed(), Duration::from_secs(3));
}

/// One worker runs the jobs one after another, in input order: the sum of the delays.
#[tokio::test(start_paused = true)]
async fn one_worker_runs_the_jobs_one_after_another() {
    let log = log();
    let outputs = run_workers(closed_queue(jobs(&log, &DEFAULT, &[], &[])), 1, work).await;
    assert_eq!(schedule(&log), round_robin(8, 1));
    assert_eq!(order(&outputs), (0..8).collect::<Vec<_>>());
    assert_eq!(log.elapsed(), Duration::from_millis(6400));
    let events: Vec<EventKind> = log.events().iter().map(|e| e.event).collect();
    assert_eq!(events, [Started, Finished].repeat(8));
}

/// asyncio's `Queue(maxsize=0)` is unbounded; tokio refuses a bounded channel of 0: it
/// panics, and there is no rendezvous channel in tokio.
#[test]
fn a_bounded_channel_of_zero_panics() {
    let made = std::panic::catch_unwind(|| mpsc::channel::<()>(0));
    let payload = made.expect_err("mpsc::channel(0) panics");
    let text = payload.downcast_ref::<&str>().copied();
    assert_eq!(text, Some("mpsc bounded channel requires buffer > 0"));
}
