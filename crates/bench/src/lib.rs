//! The benchmark: what each pattern costs on tokio, async-std and smol, against CPython's
//! asyncio and uvloop.
//!
//! ```text
//! cargo run --release -p bench             # the quick run: N = 1 000 to 100 000, a minute or two
//! cargo run --release -p bench -- --full   # every N, up to 1 000 000: about 45 minutes
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
//!
//! Beside the examples' own functions, it measures every other idiomatic primitive for the
//! same semantics on each runtime ([`alternatives`]: `try_join_all`, `FuturesOrdered`,
//! `JoinQueue`, a channel, `JoinMap`, `JoinSet::join_all`, `TaskTracker` with a
//! `CancellationToken`, ...), in the same way, so that "Which primitive?" in the page can
//! say what a semantic costs and what a choice costs, and hold each example to the fastest
//! primitive that gives what it gives. That section also becomes the "Why this primitive"
//! block of each example's README (between its markers).

pub mod alternatives;
pub mod binaries;
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

/// What is measured: a runtime's bare primitive, one of the examples' patterns, or an
/// alternative primitive for one of the patterns' semantics ([`alternatives`]).
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
    /// Input order: `try_join_all` over the spawned tasks' handles.
    OrderedTryJoinAll,
    /// Input order: a `FuturesOrdered` of the spawned tasks' handles.
    OrderedFuturesOrdered,
    /// Input order: tokio-util's `JoinQueue`, which hands tasks back in spawn order.
    OrderedJoinQueue,
    /// Input order: every task sends its result on a channel; the caller puts each in its
    /// place (tokio; the async-std and smol `gather` examples do this).
    OrderedChannel,
    /// Input order: `try_join_all` over the jobs themselves, in the caller's task.
    OrderedInTask,
    /// Completion order: a `FuturesUnordered` of the spawned tasks' handles (tokio; the
    /// async-std and smol `as-completed` examples do this).
    CompletedFuturesUnordered,
    /// Completion order: every task sends its result on a channel.
    CompletedChannel,
    /// Completion order: tokio-util's `JoinMap`, keyed by the job's index.
    CompletedJoinMap,
    /// Completion order, all at the end: `JoinSet::join_all`.
    CompletedJoinAll,
    /// Completion order: a `FuturesUnordered` of the jobs themselves, in the caller's task
    /// (`as_completed_unspawned`, the as-completed examples' warning).
    CompletedInTask,
    /// The first error cancels the rest: a `FuturesUnordered` of handles, each cancelled on
    /// the first error.
    FirstErrorFuturesUnordered,
    /// The first error cancels the rest: tokio-util's `TaskTracker` and a
    /// `CancellationToken`.
    FirstErrorTracker,
}

/// A semantic the patterns need, for which every runtime offers several primitives: the
/// groups of the "Which primitive?" comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Semantic {
    /// Every result, in input order; the first error returned (`gather`).
    InputOrder,
    /// Every result as it arrives, in completion order (`as-completed`, `wait`, the scraper).
    CompletionOrder,
    /// Every result, or the first error, which cancels the rest (`task-group`).
    FirstError,
}

impl Semantic {
    /// Every semantic, in the order the page shows them.
    pub const ALL: [Semantic; 3] = [
        Semantic::InputOrder,
        Semantic::CompletionOrder,
        Semantic::FirstError,
    ];

    /// Its heading on the page.
    pub fn title(self) -> &'static str {
        match self {
            Semantic::InputOrder => "Results in input order (gather)",
            Semantic::CompletionOrder => {
                "Results in completion order (as-completed, wait, scraper)"
            }
            Semantic::FirstError => "The first error cancels the rest (task-group)",
        }
    }

    /// A short name, for the terminal and the chart.
    pub fn short(self) -> &'static str {
        match self {
            Semantic::InputOrder => "input order",
            Semantic::CompletionOrder => "completion order",
            Semantic::FirstError => "first error cancels",
        }
    }
}

/// The environment variables that change how many threads a runtime or its blocking pool
/// runs: removed from every measuring process and every example binary the bench runs, so
/// that each runs as it does by default (smol's `SMOL_THREADS` contender sets its own).
pub use contract::THREAD_VARIABLES;

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

    /// The alternative primitives, each measured on the runtimes that have it
    /// ([`Pattern::available`]), like the async patterns (every N, with and without a
    /// delay), beside the patterns of the same [`Semantic`]: a table and a chart of their
    /// own, and the target that each example is within 1.1x of the fastest.
    pub const ALTERNATIVES: [Pattern; 12] = [
        Pattern::OrderedTryJoinAll,
        Pattern::OrderedFuturesOrdered,
        Pattern::OrderedJoinQueue,
        Pattern::OrderedChannel,
        Pattern::OrderedInTask,
        Pattern::CompletedFuturesUnordered,
        Pattern::CompletedChannel,
        Pattern::CompletedJoinMap,
        Pattern::CompletedJoinAll,
        Pattern::CompletedInTask,
        Pattern::FirstErrorFuturesUnordered,
        Pattern::FirstErrorTracker,
    ];

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
            Pattern::OrderedTryJoinAll => "ordered-try-join-all",
            Pattern::OrderedFuturesOrdered => "ordered-futures-ordered",
            Pattern::OrderedJoinQueue => "ordered-join-queue",
            Pattern::OrderedChannel => "ordered-channel",
            Pattern::OrderedInTask => "ordered-in-task",
            Pattern::CompletedFuturesUnordered => "completed-futures-unordered",
            Pattern::CompletedChannel => "completed-channel",
            Pattern::CompletedJoinMap => "completed-join-map",
            Pattern::CompletedJoinAll => "completed-join-all",
            Pattern::CompletedInTask => "completed-in-task",
            Pattern::FirstErrorFuturesUnordered => "first-error-futures-unordered",
            Pattern::FirstErrorTracker => "first-error-tracker",
        }
    }

    /// Whether this is one of the [`Pattern::ALTERNATIVES`].
    pub fn is_alternative(self) -> bool {
        Pattern::ALTERNATIVES.contains(&self)
    }

    /// Whether `runtime` has this primitive. An alternative that is the runtime's example's
    /// own choice is not measured twice: the example's row stands for it.
    pub fn available(self, runtime: Runtime) -> bool {
        match self {
            Pattern::OrderedJoinQueue
            | Pattern::OrderedChannel
            | Pattern::CompletedFuturesUnordered
            | Pattern::CompletedJoinMap
            | Pattern::CompletedJoinAll
            | Pattern::FirstErrorTracker => runtime == Runtime::Tokio,
            _ => true,
        }
    }

    /// The semantic this pattern or alternative gives, if it is one of the three the
    /// "Which primitive?" comparison groups by. `manual-await` awaits each task in input
    /// order, so it sits with the input-order primitives, though an error stops nothing.
    pub fn semantic(self) -> Option<Semantic> {
        match self {
            Pattern::ManualAwait
            | Pattern::Gather
            | Pattern::OrderedTryJoinAll
            | Pattern::OrderedFuturesOrdered
            | Pattern::OrderedJoinQueue
            | Pattern::OrderedChannel
            | Pattern::OrderedInTask => Some(Semantic::InputOrder),
            Pattern::Wait
            | Pattern::AsCompleted
            | Pattern::Scraper
            | Pattern::CompletedFuturesUnordered
            | Pattern::CompletedChannel
            | Pattern::CompletedJoinMap
            | Pattern::CompletedJoinAll
            | Pattern::CompletedInTask => Some(Semantic::CompletionOrder),
            Pattern::TaskGroup
            | Pattern::FirstErrorFuturesUnordered
            | Pattern::FirstErrorTracker => Some(Semantic::FirstError),
            Pattern::Bare | Pattern::ToThread | Pattern::Queue | Pattern::QueueBounded => None,
        }
    }

    /// The primitive it runs on `runtime`, in a few words: for an example, the one its
    /// `src/lib.rs` chose; for an alternative, itself.
    pub fn primitive(self, runtime: Runtime) -> &'static str {
        let tokio = runtime == Runtime::Tokio;
        match self {
            Pattern::Bare => "spawn, then await each handle",
            Pattern::ManualAwait => "await each handle in turn",
            Pattern::Gather
            | Pattern::TaskGroup
            | Pattern::Wait
            | Pattern::Scraper
            | Pattern::AsCompleted
                if tokio =>
            {
                "`JoinSet`"
            }
            Pattern::Gather | Pattern::TaskGroup | Pattern::Wait | Pattern::Scraper => {
                "a channel + the handles"
            }
            Pattern::AsCompleted | Pattern::CompletedFuturesUnordered => {
                "`FuturesUnordered` of handles"
            }
            Pattern::ToThread => "the blocking pool",
            Pattern::Queue | Pattern::QueueBounded => "a channel drained by workers",
            Pattern::OrderedTryJoinAll if tokio => "`try_join_all` of `AbortOnDropHandle`s",
            Pattern::OrderedTryJoinAll => "`try_join_all` of handles",
            Pattern::OrderedFuturesOrdered => "`FuturesOrdered` of handles",
            Pattern::OrderedJoinQueue => "tokio-util `JoinQueue`",
            Pattern::OrderedChannel => "a channel, reordered by index",
            Pattern::OrderedInTask => "`try_join_all` of the jobs, no spawn",
            Pattern::CompletedChannel => "a channel",
            Pattern::CompletedJoinMap => "tokio-util `JoinMap`",
            Pattern::CompletedJoinAll => "`JoinSet::join_all`",
            Pattern::CompletedInTask => "`FuturesUnordered` of the jobs, no spawn",
            Pattern::FirstErrorFuturesUnordered => "`FuturesUnordered` of handles, cancelled",
            Pattern::FirstErrorTracker => "`TaskTracker` + `CancellationToken`",
        }
    }

    /// What an alternative gives less than the example of its semantic, on `runtime`, in
    /// a few words; `None` when it gives the same. The example is held only to the
    /// alternatives that give the same ([`Pattern::pays_for`] says why it may cost more).
    pub fn lacks(self, runtime: Runtime) -> Option<&'static str> {
        match self {
            // Over 30 jobs, `try_join_all` collects through a `FuturesOrdered`.
            Pattern::OrderedTryJoinAll => Some(match runtime {
                Runtime::Tokio => {
                    "over 30 jobs, an error is seen only once every job before it has ended; \
                     the rest are then aborted but not waited for"
                }
                Runtime::AsyncStd => {
                    "over 30 jobs, an error is seen only once every job before it has ended; \
                     the rest then run on (a dropped handle detaches)"
                }
                Runtime::Smol => {
                    "over 30 jobs, an error is seen only once every job before it has ended; \
                     the rest are then cancelled but not waited for"
                }
            }),
            // async-task drops the output of a task that ends while it is being cancelled;
            // the examples' tasks send theirs on a channel before they end.
            Pattern::FirstErrorFuturesUnordered if runtime != Runtime::Tokio => {
                Some("an error that ends while the rest are cancelled is lost")
            }
            Pattern::OrderedFuturesOrdered | Pattern::OrderedJoinQueue => {
                Some("an error is seen only once every job before it has ended")
            }
            Pattern::OrderedInTask | Pattern::CompletedInTask => {
                Some("no task per job: one core, and no progress while the caller is busy")
            }
            Pattern::CompletedJoinAll => Some("nothing is handed over before every job has ended"),
            _ => None,
        }
    }

    /// Whether this alternative gives what `example` gives on `runtime`: it lacks nothing
    /// against its semantic's example, or it lacks only what `example` lacks too
    /// (`manual-await` awaits each task in input order, as a `FuturesOrdered` does).
    pub fn gives_what(self, example: Pattern, runtime: Runtime) -> bool {
        self.lacks(runtime).is_none()
            || (example == Pattern::ManualAwait
                && matches!(
                    self,
                    Pattern::OrderedFuturesOrdered | Pattern::OrderedJoinQueue
                ))
    }

    /// Why an example may cost more than the fastest alternative that gives what it
    /// gives on `runtime`: what it does beyond its semantic, or what its primitive buys.
    pub fn pays_for(self, runtime: Runtime) -> Option<&'static str> {
        let tokio = runtime == Runtime::Tokio;
        match self {
            Pattern::Wait => Some(
                "`wait` also waits for every job's first step (a channel closed by every \
                 task) and keeps which jobs are pending, for `FIRST_COMPLETED` and timeouts",
            ),
            Pattern::Scraper => Some(
                "the scraper also races every arrival against its deadline (a `select!` over \
                 the tasks and a timer) and keeps the pages that wait for a free slot",
            ),
            Pattern::ManualAwait if !tokio => Some(
                "each task hands its output over on a oneshot channel, so that a task \
                 stopped after an error still gives back what it had returned (the \
                 runtime's `cancel` drops it)",
            ),
            Pattern::AsCompleted if !tokio => Some(
                "the tasks' handles are the set: each hands back its job's panic and is \
                 cancelled through the set itself, with no list of handles kept beside a \
                 channel, at the price of a node and a waker per task in the set",
            ),
            Pattern::Gather | Pattern::AsCompleted | Pattern::TaskGroup if tokio => Some(
                "`JoinSet` is tokio's own set of tasks, one type that spawns, aborts every \
                 task when dropped and hands back each panic as a `JoinError`, where the \
                 channel needs a `catch_unwind` in every task and a list of abort-on-drop \
                 handles for the same (and saves the set's list entry and its three locks \
                 per task: at spawn, at the wake-up, at the join)",
            ),
            _ => None,
        }
    }
}
