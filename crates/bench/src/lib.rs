//! The benchmark: what each pattern costs on tokio, async-std and smol, against CPython's
//! asyncio and uvloop.
//!
//! ```text
//! cargo run --release -p bench             # the quick run: N = 1 000 to 100 000, a minute or two
//! cargo run --release -p bench -- --full   # every N, up to 1 000 000: about 25 minutes
//! cargo run --release -p bench -- --pattern queue --pattern queue-bounded
//!                                          # those and the floor only; the table, no page
//! ```
//!
//! It runs the examples' own pattern functions (each example's `src/lib.rs`), on the shared
//! job with its event log switched off ([`shared::EventLog::disabled`]), so the figures
//! describe the code a reader copies. Each measurement runs in a process of its own: the
//! bench runs itself again with a hidden subcommand ([`measure()`] or [`timer()`]), and
//! `scripts/python/bench.py` does the same for CPython. The results become a table on
//! stdout, `docs/benchmarks.md` and the charts `docs/img/bench-*.svg` ([`report`]).

pub mod measure;
pub mod report;

pub use measure::{Sample, TimerSample, measure, timer};

/// The Rust runtimes, as the examples run them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Runtime {
    /// tokio's multi-threaded runtime, as `#[tokio::main]` builds it.
    Tokio,
    /// async-std's global executor (`task::block_on` + `task::spawn`).
    AsyncStd,
    /// smol's global executor (`smol::block_on` + `smol::spawn`).
    Smol,
}

impl Runtime {
    /// Every runtime, in the order the tables show them.
    pub const ALL: [Runtime; 3] = [Runtime::Tokio, Runtime::AsyncStd, Runtime::Smol];

    /// The name on the command line and in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio",
            Runtime::AsyncStd => "async-std",
            Runtime::Smol => "smol",
        }
    }
}

/// What is measured: a runtime's bare primitive, or one of the examples' patterns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Pattern {
    /// The floor: spawn every job, then await each handle; nothing else.
    Bare,
    /// `manual-await`: `spawn_and_await`.
    ManualAwait,
    /// `task-group`: `task_group`.
    TaskGroup,
    /// `wait`: `spawn_all`, `wait(AllCompleted)`, `cancel`.
    Wait,
    /// `gather`: `gather`.
    Gather,
    /// `as-completed`: `as_completed` with an empty loop body.
    AsCompleted,
    /// The scraper's loop: `scrape` with no limit and a deadline that never comes.
    Scraper,
    /// `blocking`'s `to-thread`: `gather` of every job's blocking work on the runtime's
    /// blocking pool (`spawn_blocking`, `unblock`), against CPython's `asyncio.to_thread`.
    ToThread,
    /// `queue`'s `workers` scenario: every job put on a queue first, the queue closed, then
    /// drained by `run_workers` with [`QUEUE_WORKERS`] workers, against CPython's
    /// `asyncio.Queue` with as many worker tasks and `await queue.join()`.
    Queue,
    /// `queue`'s `bounded` scenario: a producer puts each job on a queue of
    /// [`QUEUE_MAXSIZE`], waiting while it is full, as the workers drain it; against
    /// `asyncio.Queue(maxsize)` and `await queue.put(job)`.
    QueueBounded,
}

/// The most jobs `to-thread` is measured with, even with `--full`: CPython's
/// `asyncio.to_thread` costs about 0.1 ms and 4 KiB per job, so a million jobs would take
/// minutes and gigabytes of memory for a figure that 100 000 already gives.
pub const TO_THREAD_MAX_JOBS: usize = 100_000;

/// How many workers drain the queue in `queue` and `queue-bounded`: the example's default
/// (`--workers 3`), as in asyncio's documentation.
pub const QUEUE_WORKERS: usize = 3;

/// How many jobs the bounded queue holds in `queue-bounded`. The example's default is 1,
/// to show the producer waiting; a real program gives its queue room for a batch, and
/// with room for 100 the producer can put up to 100 jobs each time it runs, instead of
/// waiting after every one.
pub const QUEUE_MAXSIZE: usize = 100;

impl Pattern {
    /// Every async pattern, the floor first: each is measured with and without a delay,
    /// held against the floor, drawn in the charts and held to the targets.
    pub const ALL: [Pattern; 7] = [
        Pattern::Bare,
        Pattern::ManualAwait,
        Pattern::TaskGroup,
        Pattern::Wait,
        Pattern::Gather,
        Pattern::AsCompleted,
        Pattern::Scraper,
    ];

    /// The patterns of blocking work, measured on their own: with no delay only (a delay
    /// would measure how many threads each pool has, which the `blocking` example shows
    /// instead), up to [`TO_THREAD_MAX_JOBS`] jobs, in a table of their own.
    pub const BLOCKING: [Pattern; 1] = [Pattern::ToThread];

    /// The queue patterns, measured on their own, in a table of their own: with no delay
    /// only, at every N. Three workers run N jobs of 100 ms in N / 3 x 100 ms (33 s at
    /// N = 1 000, almost an hour at 100 000), a time made of the jobs' delays, which the
    /// `queue` example shows, not of the queue. They spawn no task per job, so they are
    /// held against the floor for comparison, not to a target.
    pub const QUEUES: [Pattern; 2] = [Pattern::Queue, Pattern::QueueBounded];

    /// Whether this pattern is measured with jobs of this delay, and this many of them.
    pub fn measured(self, delay_ms: u64, jobs: usize) -> bool {
        match self {
            Pattern::ToThread => delay_ms == 0 && jobs <= TO_THREAD_MAX_JOBS,
            Pattern::Queue | Pattern::QueueBounded => delay_ms == 0,
            _ => true,
        }
    }

    /// The name on the command line (and `bench.py`'s), and in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::Bare => "bare",
            Pattern::ManualAwait => "manual-await",
            Pattern::TaskGroup => "task-group",
            Pattern::Wait => "wait",
            Pattern::Gather => "gather",
            Pattern::AsCompleted => "as-completed",
            Pattern::Scraper => "scraper",
            Pattern::ToThread => "to-thread",
            Pattern::Queue => "queue",
            Pattern::QueueBounded => "queue-bounded",
        }
    }
}
