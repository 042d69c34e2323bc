//! What `run_workers` on async-std does with the contract's jobs: which worker takes which
//! job, the order the results come in, and how the workers stop.
//!
//! async-std has no virtual clock. Where an order is the point (which worker takes which
//! job, which result comes first, when the producer's `put` returns), the jobs are gated: each
//! waits until the test opens its gate, and the test opens the next gate only once the job
//! before it has ended and its worker has taken the next job, so the order is caused, not
//! raced against a loaded machine's timers. Real time is left only where a load cannot
//! change the answer: a job sleeps at least its delay, and something that has not happened
//! a tenth of a second after everything it waits for was done is not going to.
//!
//! The jobs are handed over as the example hands them (`Job::run_caught`: a panic comes
//! back as the error `job i panicked`), except in the test of a panic that reaches the
//! pattern itself (`Job::run`).

use std::cell::Cell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use async_std::channel::{Receiver, Sender, bounded, unbounded};
use async_std::task::{block_on, sleep};
use futures::FutureExt as _;
use futures::future::{join, select};
use queue_async_std::{run_workers, run_workers_then_cancel};
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Queued, Started};
use shared::{Config, EventKind, EventLog, Job, JobError, Opener};

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

/// The order CPython's workers finish the default jobs in: the order of the results. The
/// gated tests open the gates in this order.
const COMPLETION: [usize; 8] = [1, 0, 3, 4, 2, 7, 6, 5];

/// How long a test waits to see that something does NOT happen, once everything it would
/// wait for is done: no load can make it happen later instead.
const A_TENTH: Duration = Duration::from_millis(100);

/// What a worker hands back for a job: the job's number and its result.
type Output = (usize, Result<String, JobError>);

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
    let run = job.on_worker(worker).run_caught(sleep);
    run.map(move |result| (id, result))
}

/// A queue holding every job, closed: `put_nowait` for each, then the sender dropped.
fn closed_queue(jobs: Vec<Job>) -> Receiver<Job> {
    let (queue, taken) = open_queue(jobs);
    drop(queue);
    taken
}

/// A queue holding every job, with its sender kept: nobody has said that no more will come.
fn open_queue(jobs: Vec<Job>) -> (Sender<Job>, Receiver<Job>) {
    let (queue, taken) = unbounded();
    for job in jobs {
        queue.try_send(job).expect("an unbounded queue has room");
    }
    (queue, taken)
}

/// The producer of the `bounded` scenario, as the example writes it: `await queue.put(job)`
/// for each job, `queued` once it returns, then the sender dropped.
async fn produce(queue: Sender<Job>, jobs: Vec<Job>, log: EventLog) {
    for job in jobs {
        let id = job.id();
        let put = queue.send(job).await;
        put.expect("the workers read the queue until it is closed");
        log.record(id, Queued);
    }
}

/// Waits until `done` holds, looking every millisecond.
async fn until(done: impl Fn() -> bool) {
    while !done() {
        sleep(Duration::from_millis(1)).await;
    }
}

/// How many `event`s the log holds.
fn count(log: &EventLog, event: EventKind) -> usize {
    log.events().iter().filter(|e| e.event == event).count()
}

/// Drives gated jobs as `workers` workers take them: waits until the first jobs have
/// started, then opens the gates of `order` one at a time, each once the job before it has
/// ended and its worker has taken the next job (if one is left), so that the jobs end in
/// that order and each free worker takes its job before the next one ends. Returns the
/// gates it did not open, still closed.
async fn end_in_order(
    log: &EventLog,
    openers: Vec<Opener>,
    workers: usize,
    order: &[usize],
) -> Vec<Option<Opener>> {
    let jobs = openers.len();
    let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
    until(|| count(log, Started) == jobs.min(workers)).await;
    for (ended, &job) in order.iter().enumerate() {
        if let Some(opener) = openers[job].take() {
            opener.open();
        }
        let taken = jobs.min(workers + ended + 1);
        until(|| log.final_state(job).is_some() && count(log, Started) == taken).await;
    }
    openers
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

/// The message a panic was raised with.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str)
}

/// Three workers take the default jobs as CPython's do, when the jobs end in CPython's
/// order: the first free worker takes the next job (job 1 ends, worker 1 takes job 3; job
/// 0 ends, worker 0 takes job 4; ...), and the results come in the order the jobs ended.
#[test]
fn three_workers_take_the_jobs_as_cpython_does() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &DEFAULT, &[], &[]));
    let drive = end_in_order(&log, openers, 3, &COMPLETION);
    let (outputs, _opened) = block_on(join(run_workers(closed_queue(jobs), 3, work), drive));
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    assert!(
        outputs
            .iter()
            .all(|(job, r)| *r == Ok(format!("job {job} result")))
    );
    assert!(log.final_states(8).iter().all(|s| *s == Some(Finished)));
    assert!(log.running().is_empty());
}

/// The jobs sleep their delays (a tenth of the defaults) on async-std's timer, three at a
/// time: the first three start before any ends, and the run takes at least the longest chain
/// of one worker (0.05 + 0.07 + 0.12 s). How much longer depends on the machine's load, so
/// it is not checked, nor is the schedule: real timers that are 10 ms apart can come due
/// together on a loaded machine, and the gated tests cause it instead.
#[test]
fn the_jobs_sleep_their_delays_on_the_runtimes_timer() {
    let log = EventLog::new(Instant::now);
    let delays = DEFAULT.map(|d| d / 10.0);
    let outputs = block_on(run_workers(
        closed_queue(jobs(&log, &delays, &[], &[])),
        3,
        work,
    ));
    assert_eq!(outputs.len(), 8);
    let first: Vec<EventKind> = log.events().iter().take(3).map(|e| e.event).collect();
    assert_eq!(first, [Started; 3]);
    assert!(log.elapsed() >= Duration::from_millis(240));
    assert!(log.final_states(8).iter().all(|s| *s == Some(Finished)));
}

/// Jobs that end at the same moment (one gate holds them) free their workers together, and
/// the lower worker takes the next job first (`--tasks 9 --delay 0.1`: jobs 3, 4, 5 go to
/// workers 0, 1, 2, as in CPython): the gate wakes them in the order they began to wait.
/// With 40 workers too.
#[test]
fn ties_go_to_the_lower_worker() {
    for (tasks, workers) in [(9, 3), (80, 40)] {
        let log = EventLog::new(Instant::now);
        // A gate per round of jobs: the jobs of a round end together.
        let rounds: Vec<(Opener, shared::Gate)> =
            (0..tasks / workers).map(|_| shared::gate()).collect();
        let jobs = jobs(&log, &vec![60.0; tasks], &[], &[]);
        let jobs = jobs.into_iter().map(|job| {
            let gate = rounds[job.id() / workers].1.clone();
            job.gated(gate)
        });
        let jobs: Vec<Job> = jobs.collect();
        let drive = async {
            for (round, (opener, _)) in rounds.into_iter().enumerate() {
                until(|| count(&log, Started) == tasks.min(workers * (round + 1))).await;
                opener.open();
            }
        };
        let (outputs, ()) = block_on(join(run_workers(closed_queue(jobs), workers, work), drive));
        assert_eq!(
            schedule(&log),
            round_robin(tasks, workers),
            "{workers} workers"
        );
        assert_eq!(order(&outputs), (0..tasks).collect::<Vec<_>>());
    }
}

/// A stalled process keeps the order of the deadlines. Unstalled, worker 1's job (10 ms)
/// ends first and worker 1 takes the next job. When the thread is blocked until both
/// deadlines have passed (here by the test itself, for 0.3 s, as a stalled process would
/// find it), the timers wake the workers in the order their deadlines came, and the pool
/// polls them in that order: worker 1 still takes the next job, as on CPython, whose loop
/// runs due timers in deadline order.
#[test]
fn a_late_wake_up_keeps_the_order_of_the_deadlines() {
    let log = EventLog::new(Instant::now);
    let pool = run_workers(
        closed_queue(jobs(&log, &[0.03, 0.01, 0.0], &[], &[])),
        2,
        work,
    );
    // `join` polls the pool first: both jobs have started when the thread blocks.
    let stall = async { std::thread::sleep(Duration::from_millis(300)) };
    block_on(join(pool, stall));
    assert_eq!(schedule(&log), [(0, 0), (1, 1), (2, 1)]);
}

/// Jobs without a delay yield once, as `asyncio.sleep(0)` does: two workers then take
/// turns, 0, 1, 0, 1, as in CPython's own `test_task_done`.
#[test]
fn with_zero_delays_two_workers_alternate() {
    let log = EventLog::new(Instant::now);
    let outputs = block_on(run_workers(
        closed_queue(jobs(&log, &[0.0; 100], &[], &[])),
        2,
        work,
    ));
    assert_eq!(schedule(&log), round_robin(100, 2));
    assert_eq!(order(&outputs), (0..100).collect::<Vec<_>>());
}

/// A failing job and a panicking one (caught around the job, as the example does) are
/// results like any other: their workers go on to the next job, and the schedule is the
/// same as without them.
#[test]
fn a_failing_and_a_panicking_job_do_not_stop_their_worker() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &DEFAULT, &[1], &[4]));
    let drive = end_in_order(&log, openers, 3, &COMPLETION);
    let (outputs, _opened) = block_on(join(run_workers(closed_queue(jobs), 3, work), drive));
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(outputs[0], (1, Err(JobError::Failed(1))));
    assert_eq!(outputs[3], (4, Err(JobError::Panicked(4))));
    let states = log.final_states(8);
    assert_eq!((states[1], states[4]), (Some(Failed), Some(Panicked)));
    assert!(log.running().is_empty());
}

/// A panic that reaches `run_workers` (the job's own, not caught) unwinds through it at
/// once: the other workers are dropped, which cancels the jobs they were running (2 and
/// 5); the jobs still queued never start, and the queue's receiver is gone with the
/// workers, so a producer's next `send` fails.
///
/// Jobs 2 and 5 are dropped while the thread unwinds from job 4's panic, and the shared
/// job's drop guard, which cannot tell its own panic from another's, may record them as
/// `panicked` rather than `cancelled`: either way they ended without finishing.
#[test]
fn a_panic_in_the_work_unwinds_through_run_workers() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &DEFAULT, &[], &[4]));
    let (queue, taken) = open_queue(jobs);
    let drive = async {
        let mut rest = end_in_order(&log, openers, 3, &COMPLETION[..3]).await;
        if let Some(opener) = rest[4].take() {
            opener.open();
        }
        rest
    };
    let raw = |worker, job: Job| job.on_worker(worker).run(sleep);
    let running = AssertUnwindSafe(run_workers(taken, 3, raw)).catch_unwind();
    let (raised, _closed) = block_on(join(running, drive));
    let payload = raised.expect_err("the panic reaches the caller");
    assert_eq!(message(&*payload), Some("job 4 panicked"));
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

/// `bounded`, with room for one job: the producer's `put` returns for jobs 0 to 3 at once
/// (three taken, one queued), and job 4 is still not queued a tenth of a second later,
/// while every worker is busy; it is queued once a job ends (job 1) and its worker takes
/// job 3, and so on: job k + 4 is queued once the k-th job to end has freed its worker.
/// The schedule and the results are those of the unbounded queue.
#[test]
fn bounded_the_producer_waits_while_the_queue_is_full() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &DEFAULT, &[], &[]));
    let (queue, taken) = bounded(1);
    let producer = produce(queue, jobs, log.clone());
    let drive = async {
        let mut openers: Vec<Option<Opener>> = openers.into_iter().map(Some).collect();
        until(|| count(&log, Started) == 3 && count(&log, Queued) == 4).await;
        sleep(A_TENTH).await;
        assert_eq!(
            count(&log, Queued),
            4,
            "job 4 was queued while the queue was full"
        );
        for (ended, &job) in COMPLETION.iter().enumerate() {
            if let Some(opener) = openers[job].take() {
                opener.open();
            }
            let (taken, queued) = (8.min(4 + ended), 8.min(5 + ended));
            let settled = || count(&log, Started) == taken && count(&log, Queued) == queued;
            until(|| log.final_state(job).is_some() && settled()).await;
        }
    };
    let (((), outputs), ()) = block_on(join(join(producer, run_workers(taken, 3, work)), drive));
    assert_eq!(schedule(&log), SCHEDULE);
    assert_eq!(order(&outputs), COMPLETION);
    // Job 4 was queued after job 3 was taken, job 5 after job 4, ...: one job at a time.
    let events = log.events();
    let at = |job, event| events.iter().position(|e| e.job == job && e.event == event);
    for job in 4..8 {
        assert!(
            at(job, Queued) > at(job - 1, Started),
            "job {job}: {events:?}"
        );
    }
    assert!(log.running().is_empty());
}

/// Workers that wait on an empty queue take the next jobs in the order they began to wait,
/// as asyncio's getters do: with more workers than a queue of one keeps busy, the first jobs
/// go to workers 0, 1, 2, 3, 4 (without the lock around the receiver, async-channel's
/// wake-ups gave them to 0, 1, 3, 2, 4). Gated jobs: nothing ends during the test's start.
#[test]
fn idle_workers_take_the_jobs_in_the_order_they_began_to_wait() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[60.0; 5], &[], &[]));
    let (queue, taken) = bounded(1);
    let producer = produce(queue, jobs, log.clone());
    let drive = async {
        until(|| count(&log, Started) == 5).await;
        drop(openers);
    };
    let (((), outputs), ()) = block_on(join(join(producer, run_workers(taken, 8, work)), drive));
    assert_eq!(schedule(&log), round_robin(5, 8));
    assert_eq!(outputs.len(), 5);
    assert!(log.running().is_empty());
}

/// For any room K and any number of workers: the jobs are queued in order, and job k is
/// queued only once job k - K has been taken, so the queue never holds more than K jobs
/// (the `queued` events run at most K ahead of the `started` ones).
#[test]
fn bounded_the_queue_never_holds_more_than_its_room() {
    for (room, workers) in [(1, 1), (1, 3), (2, 3), (3, 2), (8, 3)] {
        let log = EventLog::new(Instant::now);
        let (queue, taken) = bounded(room);
        let delays = DEFAULT.map(|d| d / 100.0);
        let producer = produce(queue, jobs(&log, &delays, &[], &[]), log.clone());
        let ((), outputs) = block_on(join(producer, run_workers(taken, workers, work)));
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

/// Closing the queue ends the workers: every job is done, yet `run_workers` has not
/// returned a tenth of a second later, the queue still open; it returns once the sender
/// is dropped.
#[test]
fn run_workers_returns_once_the_queue_is_closed_and_empty() {
    let log = EventLog::new(Instant::now);
    let (queue, taken) = open_queue(jobs(&log, &[0.0; 3], &[], &[]));
    let returned = Cell::new(false);
    let pool = async {
        let outputs = run_workers(taken, 3, work).await;
        returned.set(true);
        outputs
    };
    let close_later = async {
        until(|| log.final_states(3).iter().all(Option::is_some)).await;
        sleep(A_TENTH).await;
        assert!(!returned.get(), "run_workers returned with its queue open");
        drop(queue);
    };
    let (outputs, ()) = block_on(join(pool, close_later));
    assert_eq!(order(&outputs), [0, 1, 2]);
    assert!(log.running().is_empty());
}

/// With the sender kept, and never dropped, the queue is never closed: every job is done,
/// yet a tenth of a second later `run_workers` has not returned, its workers waiting for
/// more. Dropping it then cancels the idle workers, and the receiver goes with them.
#[test]
fn with_the_queue_left_open_run_workers_does_not_return() {
    let log = EventLog::new(Instant::now);
    let (queue, taken) = open_queue(jobs(&log, &[0.0; 3], &[], &[]));
    let pool = run_workers(taken, 3, work).map(Some);
    let later = async {
        until(|| log.final_states(3).iter().all(Option::is_some)).await;
        sleep(A_TENTH).await;
        None
    };
    // Whichever ends first; the other is dropped with the `Either` that holds it.
    let either = block_on(select(pool.boxed_local(), later.boxed_local()));
    let returned = either.factor_first().0;
    assert!(
        returned.is_none(),
        "run_workers returned with its queue open"
    );
    assert!(log.running().is_empty());
    assert!(queue.is_closed());
}

/// asyncio's way: the queue stays open, and once as many outputs as items are in
/// (`await queue.join()`), the idle workers are cancelled by dropping them. Nothing is left
/// running, and an item put afterwards is refused.
#[test]
fn run_workers_then_cancel_cancels_the_idle_workers_after_its_items() {
    let log = EventLog::new(Instant::now);
    let (openers, gated) = shared::gates(jobs(&log, &DEFAULT, &[], &[]));
    let (queue, taken) = open_queue(gated);
    let drive = end_in_order(&log, openers, 3, &COMPLETION);
    let (outputs, _opened) = block_on(join(run_workers_then_cancel(taken, 3, 8, work), drive));
    assert_eq!(order(&outputs), COMPLETION);
    assert_eq!(schedule(&log), SCHEDULE);
    assert!(log.running().is_empty());
    let late = jobs(&log, &[1.0], &[], &[]).remove(0);
    assert!(
        queue.try_send(late).is_err(),
        "nobody reads the queue any more"
    );
}

/// If the queue is closed before `items` outputs are in, `run_workers_then_cancel` returns
/// what was done once the workers have stopped, instead of waiting for ever.
#[test]
fn run_workers_then_cancel_returns_if_the_queue_closes_first() {
    let log = EventLog::new(Instant::now);
    let queue = closed_queue(jobs(&log, &[0.0; 3], &[], &[]));
    let outputs = block_on(run_workers_then_cancel(queue, 3, 10, work));
    assert_eq!(order(&outputs), [0, 1, 2]);
}

/// More workers than jobs: each job gets a worker of its own at once, and the workers left
/// without a job stop when the queue is found closed.
#[test]
fn more_workers_than_jobs() {
    let log = EventLog::new(Instant::now);
    let (openers, jobs) = shared::gates(jobs(&log, &[2.0, 1.0, 3.0], &[], &[]));
    let drive = end_in_order(&log, openers, 8, &[1, 0, 2]);
    let (outputs, _opened) = block_on(join(run_workers(closed_queue(jobs), 8, work), drive));
    assert_eq!(schedule(&log), [(0, 0), (1, 1), (2, 2)]);
    assert_eq!(order(&outputs), [1, 0, 2]);
}

/// One worker runs the jobs one after another, in input order: at least the sum of the
/// delays (a hundredth of the defaults).
#[test]
fn one_worker_runs_the_jobs_one_after_another() {
    let log = EventLog::new(Instant::now);
    let delays = DEFAULT.map(|d| d / 100.0);
    let outputs = block_on(run_workers(
        closed_queue(jobs(&log, &delays, &[], &[])),
        1,
        work,
    ));
    assert_eq!(schedule(&log), round_robin(8, 1));
    assert_eq!(order(&outputs), (0..8).collect::<Vec<_>>());
    assert!(log.elapsed() >= Duration::from_millis(64));
    let events: Vec<EventKind> = log.events().iter().map(|e| e.event).collect();
    assert_eq!(events, [Started, Finished].repeat(8));
}

/// asyncio's `Queue(maxsize=0)` is unbounded; async-channel refuses a bounded channel of
/// 0: it panics, and there is no rendezvous channel in it.
#[test]
fn a_bounded_channel_of_zero_panics() {
    let made = std::panic::catch_unwind(|| bounded::<()>(0));
    let payload = made.expect_err("bounded(0) panics");
    let text = payload.downcast_ref::<&str>().copied();
    assert_eq!(text, Some("capacity cannot be zero"));
}
