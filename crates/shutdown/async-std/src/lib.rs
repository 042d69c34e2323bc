//! Ctrl-C and graceful shutdown on async-std: run jobs until SIGINT (or SIGTERM) arrives, then
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
//! cargo run -p shutdown-async-std
//! cargo run -p shutdown-async-std -- --delays 0.5,10,10 --fail 0
//! cargo run -p shutdown-async-std -- --scenario grace
//! cargo run -p shutdown-async-std -- --interrupt-after 0 --cleanup 30
//! cargo run -q -p shutdown-async-std -- --json --interrupt-after 0.2; echo "exit status $?"
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
//!   job's task is cancelled, so only its finally-step runs (no `cleanup done`).
//! - `--interrupt-after 0 --cleanup 30`: no signal of its own. Press Ctrl-C: the jobs clean
//!   up for 30 s. Press it again: the program ends at once, exit status 130, no report.
//! - Without a handler, a Ctrl-C ends an async-std program on the spot: no destructor, no
//!   cleanup, no report. Catching the signal is what turns it into a request to stop.
//!
//! async-std is discontinued upstream, and its maintainers point to smol: this example is
//! here for the programs that still run on it, and for comparing before moving them.

// ANCHOR: copy
use async_signal::Signals;
use async_std::channel::{self, Receiver, Sender};
use async_std::future::timeout;
use async_std::task::{self, JoinHandle};
use futures::future::{Either, join_all, select};
use futures::{FutureExt as _, StreamExt as _};
use std::any::Any;
use std::future::Future;
use std::io;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::pin::pin;
use std::time::Duration;

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
pub fn shutdown_signal() -> io::Result<impl Future<Output = Signal> + Send + 'static> {
    // The handlers are installed now; the signals queue up until the stream is read.
    let mut signals = Signals::new([async_signal::Signal::Int, async_signal::Signal::Term])?;
    Ok(async move {
        let first = next_signal(&mut signals).await;
        // The handlers stay (a dropped `Signals` only stops listening, it does not give the
        // default action back), so the second signal is ours to act on. The dropped
        // `JoinHandle` detaches the task.
        task::spawn(async move {
            let again = next_signal(&mut signals).await;
            // `exit` runs no destructor and no cleanup: whatever still runs is cut off where
            // it stands. The first signal was the polite request; this one is the user
            // insisting, and a program that waits any longer would ignore them.
            std::process::exit(again.exit_code().into());
        });
        first
    })
}

/// The next SIGINT or SIGTERM.
async fn next_signal(signals: &mut Signals) -> Signal {
    match signals.next().await {
        Some(Ok(async_signal::Signal::Term)) => Signal::Terminate,
        // SIGINT; or the crate's pipe failed, which does not happen in practice: a program
        // that can no longer hear Ctrl-C had better stop.
        _ => Signal::Interrupt,
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
    /// The jobs still running when the grace period ran out, in job order: their tasks
    /// were cancelled, their futures dropped where they waited, so only their synchronous
    /// `Drop`s ran.
    pub abandoned: Vec<usize>,
}

/// Runs each job in a task of its own until every job has ended or `signal` resolves;
/// then asks the jobs still running to stop, waits until they have, and says what
/// happened. Nothing it started is still running when it returns.
///
/// A job is a closure that is given a channel's `Receiver` and returns the job's future.
/// The future gives `Some(output)` when the job ends by itself, and `None` when it stops
/// because it was asked: the channel is closed, so `stop.recv()` returns (an error: nothing
/// is ever sent on it); the job races that against its work, runs its async cleanup, and
/// returns. A failure is the job's own output (a `Result`): the other jobs run on, as the
/// requests of a service do.
///
/// `grace` bounds the wait after the signal: the tasks of jobs still running then are
/// cancelled (their futures dropped, so only their `Drop`s run) and awaited. `None` waits
/// as long as the jobs take.
///
/// # Panics
///
/// A job's panic does not stop the others: it is raised again here with `resume_unwind`
/// once every job has ended or stopped (the first, if several jobs panicked).
pub async fn run_until_signal<J, F, T, S>(
    jobs: impl IntoIterator<Item = J>,
    signal: impl Future<Output = S>,
    grace: Option<Duration>,
) -> Stopped<T, S>
where
    J: FnOnce(Receiver<()>) -> F,
    F: Future<Output = Option<T>> + Send + 'static,
    T: Send + 'static,
{
    // Closed to ask every job to stop: closing wakes every receiver at once.
    let (ask, asked) = channel::bounded::<()>(1);
    // The outputs come back through this channel, in the order the jobs end.
    let (hand, handed) = channel::unbounded();
    // A dropped async-std `JoinHandle` would only detach its task: the handles are kept to
    // cancel the tasks at the end of the grace period.
    let mut tasks: Vec<JoinHandle<()>> = jobs
        .into_iter()
        .enumerate()
        .map(|(index, job)| task::spawn(hand_over(index, job(asked.clone()), hand.clone())))
        .collect();
    // Now only the tasks hold a sender: the channel closes once every one has ended.
    drop(hand);
    let mut tally = Tally::new(tasks.len());

    // Until every job has ended by itself, or the signal comes (`select` polls the jobs'
    // outputs first: the jobs win a tie).
    let signal = match select(pin!(tally.take_all(&handed)), pin!(signal)).await {
        Either::Left(((), _)) => None,
        Either::Right((signal, _)) => Some(signal),
    };
    if signal.is_some() {
        ask.close();
        let all_stopped = tally.take_all(&handed);
        let stopped_in_time = match grace {
            None => {
                all_stopped.await;
                true
            }
            Some(grace) => timeout(grace, all_stopped).await.is_ok(),
        };
        if !stopped_in_time {
            // `cancel` drops a task's future where it waits, and returns once it has. A job
            // that ended meanwhile has handed its output over already: take it.
            join_all(tasks.drain(..).map(JoinHandle::cancel)).await;
            tally.take_all(&handed).await;
        }
    }
    tally.stopped(signal)
}

/// What a job's task hands over when the job ends: its index, and its output or its panic.
type Handed<T> = (usize, std::thread::Result<Option<T>>);

/// The body of a job's task: runs the job, then hands over its index with its output, or
/// its panic, in the poll in which the job ends.
fn hand_over<F, T>(index: usize, work: F, hand: Sender<Handed<T>>) -> impl Future<Output = ()>
where
    F: Future<Output = Option<T>>,
{
    // async-std would catch the panic too, but only to raise it again in whoever awaits
    // the task. Caught here, it is handed over like an output, and a task that ends as it is
    // cancelled cannot lose it (`cancel` throws away the output of such a task). Nothing
    // sees what a panicking job left half-done, so asserting unwind safety is sound.
    // Combinators, not an `async fn`: an `async fn` would hold the job's future twice
    // (rust-lang/rust#62958), and double every task's memory.
    AssertUnwindSafe(work).catch_unwind().map(move |output| {
        // An unbounded channel's `try_send` never waits; it fails only if the runner has
        // gone.
        let _ = hand.try_send((index, output));
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

    /// Takes what the tasks hand over, until the channel closes: every task has ended.
    async fn take_all(&mut self, handed: &Receiver<Handed<T>>) {
        while let Ok((index, output)) = handed.recv().await {
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

    /// What happened: a job that handed nothing over had its task cancelled.
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
