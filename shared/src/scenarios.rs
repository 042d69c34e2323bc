//! Every pattern's scenarios and their defaults: the contract's table, in one place, so
//! that the three runtime versions of a pattern cannot disagree about them.
//!
//! Each enum's variants are the `--scenario` names (in kebab-case); the first is the
//! default. Durations not named here default as the contract says: `--cancel-after` 1 s,
//! `--cleanup` 0.1 s, `--main-delay` 0.5 s, `--seed` 42, `--block` job 0,
//! `--interrupt-after` 1 s, `--grace` 0.2 s, `--workers` 3, `--maxsize` 1.

use crate::cli::{Defaults, Scenario};

/// Every pattern's name and the flags of its own that it reads ([`Scenario::FLAGS`]), so
/// that a flag given to the wrong pattern can say which patterns do read it, and a tool that
/// runs every pattern can give each only the flags it reads.
pub const PATTERN_FLAGS: &[(&str, &[&str])] = &[
    (ManualAwait::PATTERN, ManualAwait::FLAGS),
    (TaskGroup::PATTERN, TaskGroup::FLAGS),
    (Gather::PATTERN, Gather::FLAGS),
    (Wait::PATTERN, Wait::FLAGS),
    (AsCompleted::PATTERN, AsCompleted::FLAGS),
    (Timeout::PATTERN, Timeout::FLAGS),
    (CancelCleanup::PATTERN, CancelCleanup::FLAGS),
    (Scraper::PATTERN, Scraper::FLAGS),
    (Blocking::PATTERN, Blocking::FLAGS),
    (Shutdown::PATTERN, Shutdown::FLAGS),
    (Queue::PATTERN, Queue::FLAGS),
];

/// Whether `pattern` reads the shared flag `flag` (e.g. `"--timeout"`): always for the
/// jobs' own flags, else as [`Scenario::FLAGS`] says.
///
/// ```
/// use shared::scenarios::reads;
/// assert!(reads("wait", "--timeout"));
/// assert!(!reads("gather", "--timeout"));
/// assert!(reads("gather", "--fail"));
/// ```
pub fn reads(pattern: &str, flag: &str) -> bool {
    let optional = PATTERN_FLAGS.iter().any(|(_, flags)| flags.contains(&flag));
    !optional
        || PATTERN_FLAGS
            .iter()
            .any(|(name, flags)| *name == pattern && flags.contains(&flag))
}

/// The tutorial's three jobs: A takes 2 s, B 1 s and C 3 s.
const TUTORIAL: &[f64] = &[2.0, 1.0, 3.0];

/// `manual-await`: `asyncio.create_task` and awaiting each task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ManualAwait {
    /// Spawn every job, then await each handle in spawn order.
    Default,
    /// Spawn on an explicit runtime handle or executor (`loop.create_task`).
    Handle,
    /// Main does its own work (`--main-delay`) while the tasks run, then awaits them.
    Background,
    /// A task spawned and never awaited: what happens to it when main returns.
    Forgotten,
}

impl Scenario for ManualAwait {
    const PATTERN: &'static str = "manual-await";
    const FLAGS: &'static [&'static str] = &["--main-delay"];
    const PYTHON: &'static str = "asyncio.create_task(...) then await each task";

    fn defaults(self) -> Defaults {
        Defaults::repeat(20, 1.0)
    }
}

/// `task-group`: `async with asyncio.TaskGroup() as tg`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TaskGroup {
    /// Every job in one scope that cannot be left while any of them runs.
    Default,
}

impl Scenario for TaskGroup {
    const PATTERN: &'static str = "task-group";
    const PYTHON: &'static str = "async with asyncio.TaskGroup() as tg";

    fn defaults(self) -> Defaults {
        Defaults::repeat(20, 1.0)
    }
}

/// `gather`: `asyncio.gather(*coros)`, with and without `return_exceptions=True`, and the
/// same jobs awaited one after another for comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Gather {
    /// Results in input order; the first error ends the gather.
    Default,
    /// Every job runs to its end; errors come back as values.
    ReturnExceptions,
    /// The jobs awaited one after another: the sum of the delays, not the longest.
    Sequential,
}

impl Scenario for Gather {
    const PATTERN: &'static str = "gather";
    const PYTHON: &'static str = "asyncio.gather(*coros, return_exceptions=...)";

    fn defaults(self) -> Defaults {
        Defaults::delays(TUTORIAL)
    }
}

/// `wait`: `done, pending = await asyncio.wait(tasks, return_when=..., timeout=...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Wait {
    /// `return_when=ALL_COMPLETED`.
    All,
    /// `return_when=FIRST_COMPLETED`.
    FirstCompleted,
    /// `return_when=FIRST_EXCEPTION`.
    FirstException,
    /// `timeout=--timeout`.
    Timeout,
}

impl Scenario for Wait {
    const PATTERN: &'static str = "wait";
    const FLAGS: &'static [&'static str] = &["--timeout"];
    const PYTHON: &'static str = "asyncio.wait(tasks, return_when=..., timeout=...)";

    fn defaults(self) -> Defaults {
        Defaults::delays(TUTORIAL).timeout(1.5)
    }
}

/// `as-completed`: `for coro in asyncio.as_completed(tasks)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum AsCompleted {
    /// Results in completion order, with a `[k/N]` progress line each.
    Default,
}

impl Scenario for AsCompleted {
    const PATTERN: &'static str = "as-completed";
    const PYTHON: &'static str = "for coro in asyncio.as_completed(tasks)";

    fn defaults(self) -> Defaults {
        Defaults::delays(&[3.0, 1.0, 2.0])
    }
}

/// `timeout`: `asyncio.wait_for`, a timeout over a gather, and `async with
/// asyncio.timeout()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Timeout {
    /// Job 0 alone under `--timeout`.
    WaitFor,
    /// Every job gathered under one deadline.
    Gather,
    /// The jobs one after another inside one deadline.
    Scope,
}

impl Scenario for Timeout {
    const PATTERN: &'static str = "timeout";
    const FLAGS: &'static [&'static str] = &["--timeout"];
    const PYTHON: &'static str = "asyncio.wait_for / asyncio.timeout";

    fn defaults(self) -> Defaults {
        match self {
            Timeout::WaitFor => Defaults::delays(&[10.0]).timeout(2.0),
            Timeout::Gather | Timeout::Scope => Defaults::delays(&[1.0, 2.0, 5.0]).timeout(3.0),
        }
    }
}

/// `cancel-cleanup`: `task.cancel()`, and cleanup in `except CancelledError:` / `finally:`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CancelCleanup {
    /// Cancel the plain job after `--cancel-after`.
    Cancel,
    /// Cooperative cancellation: an async cleanup of `--cleanup`, then the finally-step.
    Cleanup,
    /// A hard cancel: only the synchronous finally-step runs.
    Abort,
}

impl Scenario for CancelCleanup {
    const PATTERN: &'static str = "cancel-cleanup";
    const FLAGS: &'static [&'static str] = &["--cancel-after", "--cleanup"];
    const PYTHON: &'static str = "task.cancel(); except asyncio.CancelledError: / finally:";

    fn defaults(self) -> Defaults {
        Defaults::delays(&[10.0])
    }
}

/// `scraper`: the tutorial's exercise: fetch pages under one overall timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scraper {
    /// Ten pages, results as they arrive, a summary at the end.
    Default,
    /// The tutorial's own solution: `asyncio.wait(tasks, timeout=...)`, then the results
    /// and its `=== Summary ===`.
    Tutorial,
}

impl Scenario for Scraper {
    const PATTERN: &'static str = "scraper";
    const FLAGS: &'static [&'static str] = &["--timeout", "--seed"];
    const PYTHON: &'static str =
        "asyncio.timeout + as_completed (or the tutorial's asyncio.wait) over fetch(url) tasks";

    fn defaults(self) -> Defaults {
        Defaults::uniform(10, 0.5, 2.5).timeout(3.0)
    }
}

/// `blocking`: blocking work (`std::thread::sleep`, a synchronous library call) in async
/// code: moved off the executor (`asyncio.to_thread`), called inside a task by mistake
/// (`time.sleep` in a coroutine), and under a timeout that cannot stop it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Blocking {
    /// Every job's delay is blocking work on the runtime's blocking pool, gathered in input
    /// order.
    ToThread,
    /// The jobs named by `--block` sleep inside their async task, blocking its thread; the
    /// others await the timer.
    Blocked,
    /// Job 0's blocking work under `--timeout`: the caller gets its timeout on time, and
    /// the work runs to its end.
    Timeout,
}

impl Scenario for Blocking {
    const PATTERN: &'static str = "blocking";
    const FLAGS: &'static [&'static str] = &["--timeout", "--block"];
    const PYTHON: &'static str = "await asyncio.to_thread(f); time.sleep inside a coroutine";

    fn defaults(self) -> Defaults {
        match self {
            Blocking::ToThread => Defaults::repeat(20, 1.0),
            Blocking::Blocked => Defaults::delays(&[1.0, 0.2, 0.3]),
            Blocking::Timeout => Defaults::delays(&[2.0]).timeout(0.5),
        }
    }
}

/// `shutdown`: Ctrl-C and graceful shutdown: on a real SIGINT (or SIGTERM) every job is
/// asked to stop, runs its async cleanup and its finally-step, and the process exits 130
/// (143), as `asyncio.run` turns a Ctrl-C into the cancellation of its main task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shutdown {
    /// Every job cleans up after the signal (`--cleanup`), however long it takes.
    CtrlC,
    /// Cleanups still running `--grace` seconds after the signal are abandoned: only their
    /// finally-step runs.
    Grace,
}

impl Scenario for Shutdown {
    const PATTERN: &'static str = "shutdown";
    const FLAGS: &'static [&'static str] = &["--cleanup", "--interrupt-after", "--grace"];
    const PYTHON: &'static str =
        "asyncio.run(main()) interrupted by Ctrl-C: CancelledError, cleanups, KeyboardInterrupt";

    fn defaults(self) -> Defaults {
        let jobs = Defaults::delays(&[10.0, 10.0, 10.0]);
        match self {
            Shutdown::CtrlC => jobs,
            Shutdown::Grace => jobs.cleanup(0.5),
        }
    }
}

/// `queue`: `asyncio.Queue` and a pool of workers looping on `await queue.get()`, the
/// example of asyncio's queue documentation; and a bounded queue, whose `put` waits while
/// it is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Queue {
    /// Every job on an unbounded queue, `--workers` workers take them in order; the first
    /// free worker takes the next job.
    Workers,
    /// The same, with a producer that puts the jobs on a queue of `--maxsize` jobs, and
    /// waits while it is full.
    Bounded,
}

impl Scenario for Queue {
    const PATTERN: &'static str = "queue";
    const FLAGS: &'static [&'static str] = &["--workers", "--maxsize"];
    const PYTHON: &'static str =
        "asyncio.Queue(maxsize); workers looping on await queue.get(); await queue.join()";

    fn defaults(self) -> Defaults {
        Defaults::delays(&[1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4])
    }
}
