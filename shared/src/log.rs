//! The event log: what each job did, when, and on which thread.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Reads the time: `Instant::now` for async-std and smol, tokio's own clock for tokio.
///
/// tokio's tests pause and advance a virtual clock (`start_paused = true`); a log that read
/// `std::time::Instant` directly would see no time pass in them. Handing the log the
/// runtime's clock keeps the recorded times exact in those tests:
///
/// ```
/// # use shared::Clock;
/// let std_clock: Clock = std::time::Instant::now;
/// // tokio: let tokio_clock: Clock = || tokio::time::Instant::now().into_std();
/// # let _ = std_clock();
/// ```
pub type Clock = fn() -> Instant;

/// What happened to a job. The names are the contract's `event` strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// The job's future was polled for the first time.
    Started,
    /// The job returned its result.
    Finished,
    /// The job returned its error.
    Failed,
    /// The job's future was dropped while its thread was unwinding from a panic.
    Panicked,
    /// The job's future was dropped before it returned: it was cancelled.
    Cancelled,
    /// A job that noticed its cancellation began its asynchronous cleanup.
    CleanupStarted,
    /// That asynchronous cleanup ended.
    CleanupFinished,
    /// The job's synchronous finally-step (a `Drop`) ran.
    Finally,
    /// The producer's `put` of the job returned: the job is on the queue (the `queue`
    /// pattern's `bounded` scenario, where that `put` waits while the queue is full).
    Queued,
}

impl EventKind {
    /// The contract's name of this event, e.g. `"cleanup-started"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "started",
            EventKind::Finished => "finished",
            EventKind::Failed => "failed",
            EventKind::Panicked => "panicked",
            EventKind::Cancelled => "cancelled",
            EventKind::CleanupStarted => "cleanup-started",
            EventKind::CleanupFinished => "cleanup-finished",
            EventKind::Finally => "finally",
            EventKind::Queued => "queued",
        }
    }

    /// Whether this event ends a job: `finished`, `failed`, `panicked` or `cancelled`.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            EventKind::Finished | EventKind::Failed | EventKind::Panicked | EventKind::Cancelled
        )
    }
}

/// One line of the log, exactly as the `--json` report prints it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Milliseconds since the pattern started.
    pub t_ms: f64,
    /// Which job (its index in the delays).
    pub job: usize,
    /// What happened.
    pub event: EventKind,
    /// The name of the OS thread it happened on.
    pub thread: String,
    /// The worker that took the job, on its `started` event (the `queue` pattern only:
    /// absent from every other report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker: Option<usize>,
}

/// A shared, append-only log of job events; cloning it is cheap and every clone writes to
/// the same log.
///
/// A log made with [`EventLog::disabled`] records nothing and reads no clock, so that a
/// benchmark can run the same job code without paying for the bookkeeping.
///
/// ```
/// use shared::{EventKind, EventLog};
///
/// let log = EventLog::new(std::time::Instant::now);
/// log.record(0, EventKind::Started);
/// log.record(0, EventKind::Finished);
/// assert_eq!(log.final_state(0), Some(EventKind::Finished));
/// assert!(log.running().is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct EventLog {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    clock: Clock,
    start: Instant,
    events: Mutex<Vec<Event>>,
}

impl EventLog {
    /// Starts a log whose time zero is now, read from `clock`.
    pub fn new(clock: Clock) -> Self {
        let inner = Inner {
            clock,
            start: clock(),
            events: Mutex::new(Vec::new()),
        };
        EventLog {
            inner: Some(Arc::new(inner)),
        }
    }

    /// A log that records nothing (for benchmarks).
    pub fn disabled() -> Self {
        EventLog { inner: None }
    }

    /// Time since the log started, on the log's clock (zero for a disabled log).
    pub fn elapsed(&self) -> Duration {
        self.inner
            .as_ref()
            .map_or(Duration::ZERO, |inner| (inner.clock)() - inner.start)
    }

    /// Records that `job` did `event`, now, on the current thread, and tells the human
    /// output about it (a `tracing` event, shown only when a subscriber is installed).
    pub fn record(&self, job: usize, event: EventKind) {
        self.record_on(job, event, None);
    }

    /// Records that `job` did `event`, as [`EventLog::record`] does, on `worker` when it
    /// is given: the `queue` pattern's `started` events name the worker that took the job.
    pub fn record_on(&self, job: usize, event: EventKind, worker: Option<usize>) {
        let Some(inner) = &self.inner else { return };
        let thread = std::thread::current();
        let thread = thread.name().unwrap_or("<unnamed>").to_owned();
        if let Some(worker) = worker {
            tracing::info!(
                "Task {}: {} (worker-{worker})",
                crate::job_name(job),
                describe(event)
            );
        } else {
            tracing::info!("Task {}: {}", crate::job_name(job), describe(event));
        }
        // The time is read under the lock, so the log is in time order.
        let mut events = inner.lock();
        let t_ms = ((inner.clock)() - inner.start).as_secs_f64() * 1000.0;
        events.push(Event {
            t_ms: (t_ms * 1000.0).round() / 1000.0,
            job,
            event,
            thread,
            worker,
        });
    }

    /// A copy of every event so far, in time order.
    pub fn events(&self) -> Vec<Event> {
        self.inner
            .as_ref()
            .map_or_else(Vec::new, |inner| inner.lock().clone())
    }

    /// The events of one job, in order.
    pub fn events_of(&self, job: usize) -> Vec<EventKind> {
        self.events()
            .into_iter()
            .filter(|e| e.job == job)
            .map(|e| e.event)
            .collect()
    }

    /// A job's final state: its last terminal event, or `None` if it has none yet.
    pub fn final_state(&self, job: usize) -> Option<EventKind> {
        self.events_of(job)
            .into_iter()
            .rev()
            .find(|kind| kind.is_terminal())
    }

    /// The final states of jobs `0..jobs`, in job order (`None`: never started, or still
    /// running).
    pub fn final_states(&self, jobs: usize) -> Vec<Option<EventKind>> {
        (0..jobs).map(|job| self.final_state(job)).collect()
    }

    /// The jobs that started and have no terminal event yet: still running (or leaked).
    pub fn running(&self) -> Vec<usize> {
        running(&self.events())
    }
}

/// The jobs in `events` that started and have no terminal event.
pub(crate) fn running(events: &[Event]) -> Vec<usize> {
    // job -> whether its latest start has no terminal event after it yet
    let mut open = std::collections::BTreeMap::new();
    for event in events {
        if event.event == EventKind::Started {
            open.insert(event.job, true);
        } else if event.event.is_terminal() {
            open.insert(event.job, false);
        }
    }
    open.into_iter()
        .filter_map(|(job, running)| running.then_some(job))
        .collect()
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Vec<Event>> {
        // A panicking job never holds this lock while it unwinds, but if one ever did,
        // the log itself would still be intact: keep using it.
        self.events.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The human wording of an event, in the Python tutorials' style (`Task A: starting`).
fn describe(event: EventKind) -> &'static str {
    match event {
        EventKind::Started => "starting",
        EventKind::Finished => "finished",
        EventKind::Failed => "failed",
        EventKind::Panicked => "panicked",
        EventKind::Cancelled => "cancelled",
        EventKind::CleanupStarted => "cleaning up",
        EventKind::CleanupFinished => "cleanup done",
        EventKind::Finally => "finally",
        EventKind::Queued => "queued",
    }
}
