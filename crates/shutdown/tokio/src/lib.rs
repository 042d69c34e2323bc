//! Ctrl-C and graceful shutdown on tokio: run jobs until SIGINT (or SIGTERM) arrives, then
//! ask every job still running to stop, let each run its async cleanup and its
//! finally-step, and exit 130 (143), as `asyncio.run` does with a Ctrl-C.
//!
//! ```python
//! async def job(i):
//!     try:
//!         await asyncio.sleep(10)        # the work
//!     except asyncio.CancelledError:
//!         await asyncio.sleep(0.1)       # async cleanup: flush, save, say goodbye
//!         raise
//!     finally:
//!         print("finally")
//!
//! async def main():
//!     await asyncio.gather(*(job(i) for i in range(3)))
//!
//! asyncio.run(main())  # Ctrl-C: main is cancelled, every job cleans up, then
//!                      # KeyboardInterrupt, exit status 130; a second Ctrl-C: at once
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p shutdown-tokio
//! cargo run -p shutdown-tokio -- --delays 0.5,10,10 --fail 0
//! cargo run -p shutdown-tokio -- --scenario grace
//! cargo run -p shutdown-tokio -- --interrupt-after 0 --cleanup 30
//! cargo run -q -p shutdown-tokio -- --json --interrupt-after 0.2; echo "exit status $?"
//! ```
//!
//! What to notice:
//!
//! - The program sends itself a real SIGINT after a second (`--interrupt-after`), through
//!   the operating system: the same path as a Ctrl-C. `SIGINT: asking 3 jobs to stop`, then
//!   each job's `cleaning up`, `cleanup done` 0.1 s later, `finally` and `cancelled`; then
//!   the report, and the exit status 130 (`echo $?`), as a shell expects of a program that
//!   Ctrl-C ended.
//! - With `--delays 0.5,10,10 --fail 0`, A fails before the signal: its error is one of the
//!   results, and B and C run on (each job is a unit of work of its own, as the requests of
//!   a service are). Only B and C are interrupted.
//! - `grace`: the cleanups take 0.5 s, but may take only 0.2 s (`--grace`): at 1.2 s each
//!   job's future is dropped, so only its finally-step runs (no `cleanup done`).
//! - `--interrupt-after 0 --cleanup 30`: no signal of its own. Press Ctrl-C: the jobs clean
//!   up for 30 s. Press it again: the program ends at once, exit status 130, no report.
//! - Without a handler, a Ctrl-C ends a tokio program on the spot: no destructor, no
//!   cleanup, no report. Catching the signal is what turns it into a request to stop.

// ANCHOR: copy
use futures::FutureExt as _;
use std::any::Any;
use std::future::Future;
use std::io;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::time::Duration;
use tokio::signal::unix::{self, SignalKind};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// A signal that asks the program to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: what the terminal sends on Ctrl-C.
    Interrupt,
    /// SIGTERM: what `kill`, service managers and `docker stop` send.
    Terminate,
}

impl Signal {
    /// The exit status a shell expects of a program this signal ended: 128 + the signal's
    /// number, 130 or 143. A program that cleans up, then exits with it, tells its caller
    /// the same thing as one the signal killed.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

/// Catches SIGINT and SIGTERM from now on (they no longer end the process), and returns a
/// future that resolves with the first one to arrive. Once it has, a second one ends the
/// process at once, with that signal's exit status: the user insists, as with a second
/// Ctrl-C in asyncio.
///
/// Call it before starting the work: a signal that comes earlier ends the process the
/// default way.
///
/// # Panics
///
/// Outside a tokio runtime (built with its `signal` feature), as `unix::signal` does.
pub fn shutdown_signal() -> io::Result<impl Future<Output = Signal> + Send + 'static> {
    // `unix::signal` installs the handler now, not at the first poll as
    // `tokio::signal::ctrl_c()` does, so nothing slips through before the first `.await`.
    let mut interrupt = unix::signal(SignalKind::interrupt())?;
    let mut terminate = unix::signal(SignalKind::terminate())?;
    Ok(async move {
        let first = next_signal(&mut interrupt, &mut terminate).await;
        // tokio keeps catching these signals for as long as the process lives (it never
        // gives the default action back), so the second one is ours to act on.
        tokio::spawn(async move {
            let again = next_signal(&mut interrupt, &mut terminate).await;
            // `exit` runs no destructor and no cleanup: whatever still runs is cut off where
            // it stands. The first signal was the polite request; this one is the user
            // insisting, and a program that waits any longer would ignore them.
            std::process::exit(again.exit_code().into());
        });
        first
    })
}

/// The next SIGINT or SIGTERM.
async fn next_signal(interrupt: &mut unix::Signal, terminate: &mut unix::Signal) -> Signal {
    tokio::select! {
        Some(()) = interrupt.recv() => Signal::Interrupt,
        Some(()) = terminate.recv() => Signal::Terminate,
        // `recv` gives `None` only once the runtime is shutting down: no signal comes then.
        else => std::future::pending().await,
    }
}

/// What [`run_until_signal`] saw happen to the jobs.
#[derive(Debug)]
pub struct Stopped<T, S> {
    /// The signal that stopped the jobs; `None` if every job ended before one came.
    pub signal: Option<S>,
    /// The jobs that ended by themselves (`Some(output)`), each with its output, in the
    /// order they ended: before the signal, or after it, before they noticed it.
    pub finished: Vec<(usize, T)>,
    /// The jobs that stopped when asked (`None`), in the order they stopped.
    pub interrupted: Vec<usize>,
    /// The jobs still running when the grace period ran out, in job order: their futures
    /// were dropped where they waited, so only their synchronous `Drop`s ran.
    pub abandoned: Vec<usize>,
}

/// Runs each job in a task of its own until every job has ended or `signal` resolves;
/// then asks the jobs still running to stop, waits until they have, and says what
/// happened. Nothing it started is still running when it returns.
///
/// A job is a closure that is given a `CancellationToken` and returns the job's future. The
/// future gives `Some(output)` when the job ends by itself, and `None` when it stops because
/// the token was cancelled: it watches the token (`token.cancelled()` in a `select!`), runs
/// its async cleanup, and returns. A failure is the job's own output (a `Result`): the other
/// jobs run on, as the requests of a service do.
///
/// `grace` bounds the wait after the signal: the tasks of jobs still running then are
/// aborted (their futures dropped, so only their `Drop`s run) and awaited. `None` waits as
/// long as the jobs take.
///
/// # Panics
///
/// A job's panic does not stop the others (as a panicking tokio task does not): it is raised
/// again here with `resume_unwind` once every job has ended or stopped (the first, if
/// several jobs panicked). Outside a tokio runtime, this panics, as `tokio::spawn` does.
pub async fn run_until_signal<J, F, T, S>(
    jobs: impl IntoIterator<Item = J>,
    signal: impl Future<Output = S>,
    grace: Option<Duration>,
) -> Stopped<T, S>
where
    J: FnOnce(CancellationToken) -> F,
    F: Future<Output = Option<T>> + Send + 'static,
    T: Send + 'static,
{
    // Cancelled to ask every job to stop. Each job gets a child token: cancelling `stop`
    // cancels every child, and a job that cancels its own (to stop tasks of its own) stops
    // no other job.
    let stop = CancellationToken::new();
    // Waits for the tasks; unlike a `JoinSet`, it keeps no output and frees each task as
    // it ends. The outputs come back through the channel, in the order the jobs end.
    let tracker = TaskTracker::new();
    let (hand, handed) = unbounded_channel();
    let aborts: Vec<AbortHandle> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| {
            let work = job(stop.child_token());
            tracker
                .spawn(hand_over(index, work, hand.clone()))
                .abort_handle()
        })
        .collect();
    // Now only the tasks hold a sender: the channel closes once every one has ended.
    drop(hand);
    // No task will be added: `wait` can now return, once every task has ended.
    tracker.close();

    // Until every job has ended by itself, or the signal comes (the jobs win a tie).
    let signal = tokio::select! {
        biased;
        () = tracker.wait() => None,
        signal = signal => Some(signal),
    };
    if signal.is_some() {
        stop.cancel();
        let stopped_in_time = match grace {
            None => {
                tracker.wait().await;
                true
            }
            Some(grace) => timeout(grace, tracker.wait()).await.is_ok(),
        };
        if !stopped_in_time {
            // `abort` drops a task's future the next time the task is polled, at the
            // `.await` it waits on; the tracker says when every one has.
            for abort in &aborts {
                abort.abort();
            }
            tracker.wait().await;
        }
    }
    let mut tally = Tally::new(aborts.len());
    tally.take_all(handed).await;
    tally.stopped(signal)
}

/// What a job's task hands over when the job ends: its index, and its output or its panic.
type Handed<T> = (usize, std::thread::Result<Option<T>>);

/// The body of a job's task: runs the job, then hands over its index with its output, or
/// its panic, in the poll in which the job ends.
fn hand_over<F, T>(
    index: usize,
    work: F,
    hand: UnboundedSender<Handed<T>>,
) -> impl Future<Output = ()>
where
    F: Future<Output = Option<T>>,
{
    // tokio would catch the panic too, in the `JoinHandle`, which the tracker does not
    // keep. Nothing sees what a panicking job left half-done, so asserting unwind safety
    // is sound. Combinators, not an `async fn`: an `async fn` would hold the job's future
    // twice (rust-lang/rust#62958), and double every task's memory.
    AssertUnwindSafe(work).catch_unwind().map(move |output| {
        // An unbounded channel never waits; sending fails only if the runner has gone.
        let _ = hand.send((index, output));
    })
}

/// The jobs' outputs, taken in the order they ended.
struct Tally<T> {
    finished: Vec<(usize, T)>,
    interrupted: Vec<usize>,
    handed: Vec<bool>,
    panic: Option<Box<dyn Any + Send>>,
}

impl<T> Tally<T> {
    fn new(jobs: usize) -> Self {
        Tally {
            finished: Vec::new(),
            interrupted: Vec::new(),
            handed: vec![false; jobs],
            panic: None,
        }
    }

    /// Takes what the tasks handed over, until the channel closes: every task has ended.
    async fn take_all(&mut self, mut handed: UnboundedReceiver<Handed<T>>) {
        while let Some((index, output)) = handed.recv().await {
            self.handed[index] = true;
            match output {
                Ok(Some(output)) => self.finished.push((index, output)),
                Ok(None) => self.interrupted.push(index),
                Err(panic) => {
                    self.panic.get_or_insert(panic);
                }
            }
        }
    }

    /// What happened: a job that handed nothing over had its task aborted.
    fn stopped<S>(self, signal: Option<S>) -> Stopped<T, S> {
        if let Some(panic) = self.panic {
            resume_unwind(panic);
        }
        let abandoned = self
            .handed
            .iter()
            .enumerate()
            .filter_map(|(index, &handed)| (!handed).then_some(index))
            .collect();
        Stopped {
            signal,
            finished: self.finished,
            interrupted: self.interrupted,
            abandoned,
        }
    }
}
// ANCHOR_END: copy
