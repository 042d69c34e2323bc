//! The simulated job: the `fetch`/`work` coroutine of the Python tutorials.

use futures::FutureExt as _;
use std::future::Future;
use std::io::Write as _;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use crate::log::{EventKind, EventLog};

/// How a job ends when nothing cancels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Returns `Ok("job i result")`.
    Succeed,
    /// Returns `Err(JobError::Failed(i))` (`--fail i`).
    Fail,
    /// Panics with `job i panicked` (`--panic i`): a bug in the job.
    Panic,
}

impl Ending {
    /// What the caller gets from job `id` when the job runs to its end: `job i result`, or
    /// the error it ends with.
    ///
    /// ```
    /// use shared::{Ending, JobError};
    /// assert_eq!(Ending::Succeed.result(2), Ok("job 2 result".to_owned()));
    /// assert_eq!(Ending::Panic.result(2), Err(JobError::Panicked(2)));
    /// ```
    pub fn result(self, id: usize) -> Result<String, JobError> {
        match self {
            Ending::Succeed => Ok(format!("job {id} result")),
            Ending::Fail => Err(JobError::Failed(id)),
            Ending::Panic => Err(JobError::Panicked(id)),
        }
    }

    /// The event that ends a job that runs to its end: `finished`, `failed` or `panicked`.
    pub fn event(self) -> EventKind {
        match self {
            Ending::Succeed => EventKind::Finished,
            Ending::Fail => EventKind::Failed,
            Ending::Panic => EventKind::Panicked,
        }
    }
}

/// Why a job gave no result. The messages are the contract's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The job returned an error (`--fail`).
    #[error("job {0} failed")]
    Failed(usize),
    /// The job panicked (`--panic`); the example caught the panic where it awaited the job.
    #[error("job {0} panicked")]
    Panicked(usize),
}

impl JobError {
    /// The job this error came from.
    pub fn job(&self) -> usize {
        match *self {
            JobError::Failed(job) | JobError::Panicked(job) => job,
        }
    }
}

/// One simulated job: it sleeps for its delay on the runtime's own timer, then returns a
/// result, an error, or panics, and records every step in the [`EventLog`].
///
/// The job never picks a runtime: [`Job::run`] takes the runtime's sleep function, so the
/// same job runs on tokio (`tokio::time::sleep`), async-std (`async_std::task::sleep`) and
/// smol (`smol::Timer::after`).
///
/// ```
/// use std::time::{Duration, Instant};
/// use shared::{Ending, EventKind, EventLog, Job};
///
/// let log = EventLog::new(Instant::now);
/// let job = Job::new(0, Duration::from_millis(10), Ending::Succeed, log.clone());
/// // Any runtime's sleep will do; this one blocks the thread, which is fine for a doctest.
/// let sleep = |d| async move { std::thread::sleep(d) };
/// let result = futures::executor::block_on(job.run(sleep));
/// assert_eq!(result, Ok("job 0 result".to_owned()));
/// assert_eq!(log.events_of(0), [EventKind::Started, EventKind::Finished]);
/// ```
#[derive(Clone, Debug)]
pub struct Job {
    id: usize,
    delay: Duration,
    ending: Ending,
    log: EventLog,
    gate: Option<Gate>,
    worker: Option<usize>,
}

impl Job {
    /// A job numbered `id` that takes `delay`, then ends as `ending` says.
    pub fn new(id: usize, delay: Duration, ending: Ending, log: EventLog) -> Self {
        Job {
            id,
            delay,
            ending,
            log,
            gate: None,
            worker: None,
        }
    }

    /// The same job, but instead of sleeping its delay it waits until `gate` opens: a test
    /// says when the job ends, so that an order it checks is caused, not raced against a
    /// loaded machine's timers. See [`gate`].
    #[must_use]
    pub fn gated(mut self, gate: Gate) -> Self {
        self.gate = Some(gate);
        self
    }

    /// The same job, taken by worker `worker` of a pool: its `started` event names the
    /// worker (the `queue` pattern's `"worker": w`).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use shared::{Ending, EventLog, Job};
    ///
    /// let log = EventLog::new(Instant::now);
    /// let job = Job::new(0, Duration::ZERO, Ending::Succeed, log.clone()).on_worker(2);
    /// futures::executor::block_on(job.run(|_| async {})).unwrap();
    /// assert_eq!(log.events()[0].worker, Some(2));
    /// assert_eq!(log.events()[1].worker, None);
    /// ```
    #[must_use]
    pub fn on_worker(mut self, worker: usize) -> Self {
        self.worker = Some(worker);
        self
    }

    /// The job's number: its index in the delays.
    pub fn id(&self) -> usize {
        self.id
    }

    /// How the job ends when nothing cancels it.
    pub fn ending(&self) -> Ending {
        self.ending
    }

    /// The log the job records its events in: a job written in an example (one with a
    /// cleanup step, say) records its own steps there.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// How long the job sleeps.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// Runs the job: records `started`, sleeps `delay` with `sleep`, then records
    /// `finished` and returns `job i result`, or records `failed` and returns
    /// [`JobError::Failed`], or panics.
    ///
    /// A zero delay does not call `sleep`: the job yields to the scheduler once instead,
    /// as `asyncio.sleep(0)` does.
    ///
    /// If the returned future is dropped after it started and before it ended (that is how
    /// Rust cancels async work), a drop guard records `cancelled`, or `panicked` when the
    /// drop happens while the job's own panic unwinds. A future that is never polled
    /// records nothing: the job never started.
    ///
    /// # Panics
    ///
    /// When the job was made with [`Ending::Panic`]: that is the point of `--panic`.
    pub async fn run<S, F>(self, sleep: S) -> Result<String, JobError>
    where
        S: FnOnce(Duration) -> F,
        F: Future,
    {
        let mut guard = EndGuard {
            id: self.id,
            log: &self.log,
            ended: false,
        };
        self.log.record_on(self.id, EventKind::Started, self.worker);
        if let Some(gate) = &self.gate {
            gate.opened().await;
        } else if self.delay.is_zero() {
            // A zero delay yields once, as `asyncio.sleep(0)` does, without the timer: tokio
            // rounds every sleep up to its next millisecond tick, so `sleep(ZERO)` would
            // wait for that tick and cost a timer entry, and the benchmark's jobs without a
            // delay would measure the timer instead of spawning and joining.
            YieldNow(false).await;
        } else {
            sleep(self.delay).await;
        }
        self.end(&mut guard)
    }

    /// Ends the job as its [`Ending`] says: records `finished` or `failed` and returns, or
    /// panics (the guard records `panicked` as the panic unwinds through it).
    fn end(&self, guard: &mut EndGuard<'_>) -> Result<String, JobError> {
        match self.ending {
            Ending::Succeed => {
                guard.end(EventKind::Finished);
                Ok(format!("job {} result", self.id))
            }
            Ending::Fail => {
                guard.end(EventKind::Failed);
                Err(JobError::Failed(self.id))
            }
            Ending::Panic => panic!("job {} panicked", self.id),
        }
    }

    /// Runs the job as *blocking* work, on the calling thread: records `started`, blocks
    /// the thread for its delay with `std::thread::sleep` (a gated job: until its gate
    /// opens), then ends as [`Job::run`] does. This stands for a synchronous library call
    /// (a `requests.get`, a file read, a long computation): the work the `blocking` pattern
    /// moves off the executor, as `asyncio.to_thread` does, and what its `blocked` scenario
    /// calls inside an async task, by mistake, to show what that stalls.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use shared::{Ending, EventKind, EventLog, Job};
    ///
    /// let log = EventLog::new(Instant::now);
    /// let job = Job::new(0, Duration::from_millis(10), Ending::Succeed, log.clone());
    /// let work = std::thread::spawn(move || job.run_blocking());
    /// assert_eq!(work.join().unwrap(), Ok("job 0 result".to_owned()));
    /// assert_eq!(log.events_of(0), [EventKind::Started, EventKind::Finished]);
    /// ```
    ///
    /// # Panics
    ///
    /// When the job was made with [`Ending::Panic`], as [`Job::run`].
    pub fn run_blocking(self) -> Result<String, JobError> {
        let mut guard = EndGuard {
            id: self.id,
            log: &self.log,
            ended: false,
        };
        self.log.record_on(self.id, EventKind::Started, self.worker);
        match &self.gate {
            Some(gate) => gate.opened_blocking(),
            None => std::thread::sleep(self.delay),
        }
        self.end(&mut guard)
    }

    /// [`Job::run_blocking`] with the job's panic caught and returned as
    /// [`JobError::Panicked`], as [`Job::run_caught`] does for the async job.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use shared::{Ending, EventKind, EventLog, Job, JobError};
    ///
    /// shared::silence_job_panics();
    /// let log = EventLog::new(Instant::now);
    /// let job = Job::new(1, Duration::ZERO, Ending::Panic, log.clone());
    /// assert_eq!(job.run_blocking_caught(), Err(JobError::Panicked(1)));
    /// assert_eq!(log.events_of(1), [EventKind::Started, EventKind::Panicked]);
    /// ```
    pub fn run_blocking_caught(self) -> Result<String, JobError> {
        let id = self.id;
        // As in `run_caught`: the job leaves nothing half-changed behind a panic.
        std::panic::catch_unwind(AssertUnwindSafe(|| self.run_blocking()))
            .unwrap_or(Err(JobError::Panicked(id)))
    }

    /// Runs the job as [`Job::run`] does, but a panic of the job comes back as
    /// [`JobError::Panicked`] instead of unwinding: the examples hand the patterns this
    /// future, so that `--panic` is reported like any other error, while the patterns
    /// themselves raise a panic of the caller's work again in the caller, as a panic should.
    ///
    /// The panic is caught around the job, in whatever task runs it: the job's events are
    /// those of [`Job::run`] (`started`, then `panicked` as the panic unwinds).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use shared::{Ending, EventKind, EventLog, Job, JobError};
    ///
    /// shared::silence_job_panics();
    /// let log = EventLog::new(Instant::now);
    /// let job = Job::new(3, Duration::ZERO, Ending::Panic, log.clone());
    /// let result = futures::executor::block_on(job.run_caught(|_| async {}));
    /// assert_eq!(result, Err(JobError::Panicked(3)));
    /// assert_eq!(log.events_of(3), [EventKind::Started, EventKind::Panicked]);
    /// ```
    pub async fn run_caught<S, F>(self, sleep: S) -> Result<String, JobError>
    where
        S: FnOnce(Duration) -> F,
        F: Future,
    {
        let id = self.id;
        // The job owns nothing a panic could leave half-changed for anyone else to see:
        // its log records whole events. So asserting unwind safety is sound here.
        AssertUnwindSafe(self.run(sleep))
            .catch_unwind()
            .await
            .unwrap_or(Err(JobError::Panicked(id)))
    }
}

/// Makes a gate, closed: jobs made [`Job::gated`] with the [`Gate`] wait until the
/// [`Opener`] opens it (or is dropped, so that a failing test never hangs on a gate it did
/// not open). One gate can hold many jobs, which then all end at the same moment, on
/// whichever threads the runtime wakes them: that is how a test repeats a race.
///
/// ```
/// use std::time::{Duration, Instant};
/// use shared::{Ending, EventKind, EventLog, Job};
///
/// let log = EventLog::new(Instant::now);
/// let (opener, gate) = shared::gate();
/// let job = Job::new(0, Duration::from_secs(3600), Ending::Succeed, log.clone()).gated(gate);
/// let run = std::thread::spawn(move || futures::executor::block_on(job.run(|_| async {})));
/// opener.open();
/// assert_eq!(run.join().unwrap(), Ok("job 0 result".to_owned()));
/// assert_eq!(log.events_of(0), [EventKind::Started, EventKind::Finished]);
/// ```
pub fn gate() -> (Opener, Gate) {
    let (tx, rx) = async_channel::bounded(1);
    (Opener(tx), Gate(rx))
}

/// The side of a [`gate`] that jobs wait on; clone it to hold several jobs.
#[derive(Clone, Debug)]
pub struct Gate(async_channel::Receiver<()>);

impl Gate {
    /// Waits until the gate is opened (nothing is ever sent: closing the channel wakes
    /// every waiting job at once).
    async fn opened(&self) {
        let _ = self.0.recv().await;
    }

    /// Blocks the calling thread until the gate is opened: for a blocking job.
    fn opened_blocking(&self) {
        let _ = self.0.recv_blocking();
    }
}

/// The side of a [`gate`] that the test holds.
#[derive(Debug)]
pub struct Opener(async_channel::Sender<()>);

impl Opener {
    /// Opens the gate: every job waiting on it goes on, now and from now on.
    pub fn open(self) {
        self.0.close();
    }
}

/// A gate for each of `jobs`, in order: `gates(jobs).0[i]` ends job `i`.
///
/// ```
/// use shared::{Config, EventLog};
/// let (openers, jobs) = shared::gates(Config::with_delays(&[1.0, 2.0]).jobs(&EventLog::disabled()));
/// assert_eq!((openers.len(), jobs.len()), (2, 2));
/// ```
pub fn gates(jobs: Vec<Job>) -> (Vec<Opener>, Vec<Job>) {
    jobs.into_iter()
        .map(|job| {
            let (opener, gate) = gate();
            (opener, job.gated(gate))
        })
        .unzip()
}

/// A future that is pending once, having asked to be polled again, then ready: one trip
/// through the runtime's scheduler, whichever runtime it is.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Makes the simulated panics of `--panic` print one line (`thread 'smol-1' panicked: job
/// 2 panicked`) instead of the default report, and leaves every other panic to the hook that
/// was installed before.
///
/// The default hook captures a backtrace when `RUST_BACKTRACE` is set, which takes tens of
/// milliseconds on the thread that panicked: long enough, on a single-threaded executor, to
/// let a sibling job's timer expire and change the story a scenario tells. A simulated bug
/// needs no backtrace; a real one keeps it. Calling this more than once does nothing more.
pub fn quiet_job_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.payload().downcast_ref::<String>();
            match message.filter(|m| is_job_panic(m)) {
                Some(message) => {
                    let thread = std::thread::current();
                    let name = thread.name().unwrap_or("<unnamed>");
                    // `eprintln!` would panic inside this hook if stderr cannot be written
                    // (`2>/dev/full`), and a panic in a panic hook aborts the process.
                    let _ = writeln!(
                        std::io::stderr(),
                        "thread '{name}' panicked: {message} (the simulated bug of --panic)"
                    );
                }
                None => previous(info),
            }
        }));
    });
}

/// Makes the simulated panics of `--panic` print nothing at all, and leaves every other panic
/// to the hook that was installed before: for a test that repeats a race hundreds of times
/// with a panicking job, on executor threads whose lines the test harness cannot capture.
/// Call it in a test binary of its own; calling it more than once does nothing more.
pub fn silence_job_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info.payload().downcast_ref::<String>();
            if !message.is_some_and(|m| is_job_panic(m)) {
                previous(info);
            }
        }));
    });
}

/// Whether a panic's message is a simulated job's: `job 2 panicked`.
fn is_job_panic(message: &str) -> bool {
    message.starts_with("job ") && message.ends_with(" panicked")
}

/// Records how a job ended if it did not end by returning: the one mechanism that makes
/// every runtime's cancellation visible, since cancelling a future means dropping it.
struct EndGuard<'a> {
    id: usize,
    log: &'a EventLog,
    ended: bool,
}

impl EndGuard<'_> {
    fn end(&mut self, event: EventKind) {
        self.ended = true;
        self.log.record(self.id, event);
    }
}

impl Drop for EndGuard<'_> {
    fn drop(&mut self) {
        if !self.ended {
            let event = if std::thread::panicking() {
                EventKind::Panicked
            } else {
                EventKind::Cancelled
            };
            self.log.record(self.id, event);
        }
    }
}
