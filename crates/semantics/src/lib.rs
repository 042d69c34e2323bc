//! The semantics matrix: the behaviours a runtime choice turns on, what tokio, async-std,
//! smol and CPython's asyncio each do, and the test that proves each cell.
//!
//! Each cell has a probe: a small program that makes the behaviour happen and says what
//! it saw in a few words (the Rust probes run in a process of their own, the CPython ones
//! are Python snippets run with `python3` 3.11+). `docs/semantics.md` is generated from
//! the probes' answers:
//!
//! ```text
//! scripts/semantics.sh          # or: cargo run -q -p semantics -- write
//! ```
//!
//! and each test in `tests/matrix.rs` runs one probe and fails when its answer is not
//! what the committed table says, so the table cannot drift from the truth.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub mod probes;

/// The columns of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// tokio's multi-threaded runtime.
    Tokio,
    /// async-std's global executor.
    AsyncStd,
    /// smol's global executor.
    Smol,
    /// CPython's asyncio.
    Asyncio,
}

impl Column {
    /// Every column, in the table's order.
    pub const ALL: [Column; 4] = [
        Column::Tokio,
        Column::AsyncStd,
        Column::Smol,
        Column::Asyncio,
    ];

    /// The runtime's name, as the probes' command line spells it.
    pub fn name(self) -> &'static str {
        match self {
            Column::Tokio => "tokio",
            Column::AsyncStd => "async-std",
            Column::Smol => "smol",
            Column::Asyncio => "asyncio",
        }
    }

    /// The column's heading in the table.
    pub fn heading(self) -> &'static str {
        match self {
            Column::Asyncio => "CPython asyncio",
            other => other.name(),
        }
    }
}

/// One behaviour: its id (the probes' name for it), how the table says it, and a note on
/// how to get the other behaviour where one wants it.
#[derive(Clone, Copy, Debug)]
pub struct Row {
    /// The probes' name, e.g. `dropped-handle`.
    pub id: &'static str,
    /// The table's first column.
    pub behaviour: &'static str,
    /// What to do about it, under the table.
    pub note: &'static str,
}

/// The rows of the matrix, in the table's order.
pub const ROWS: &[Row] = &[
    Row {
        id: "dropped-handle",
        behaviour: "A spawned task whose handle is dropped",
        note: "tokio and async-std: keep the handle and `abort()` / `cancel().await` it, or use \
               tokio's `JoinSet` or tokio-util's `AbortOnDropHandle`, when the task must not \
               outlive its owner. smol: call `.detach()` to let a task run on. asyncio: the loop keeps \
               only a weak reference to a task, so keep one yourself (`background_tasks.add(task)`).",
    },
    Row {
        id: "main-returns",
        behaviour: "A task still pending when main returns",
        note: "Nothing waits for it anywhere: await what must finish (tokio-util's \
               `TaskTracker::wait`, a `Vec` of handles). On async-std and smol a forgotten task's `Drop` never runs, \
               so a cleanup in a destructor is lost at exit (`manual-await --scenario forgotten`).",
    },
    Row {
        id: "canceller",
        behaviour: "How the canceller learns the outcome",
        note: "Every runtime reports a task that finished just before its cancellation as \
               finished: check the value, not only that you cancelled.",
    },
    Row {
        id: "async-cleanup",
        behaviour: "Can a cancelled task run async cleanup?",
        note: "Rust cancels by dropping the future, and `Drop` cannot `.await`: for async \
               cleanup, cancel cooperatively (a `CancellationToken` or a closed channel raced \
               with the work) and let the task clean up and return \
               (`cancel-cleanup --scenario cleanup`).",
    },
    Row {
        id: "panic-awaited",
        behaviour: "A panic in a task, awaited",
        note: "async-std and smol: wrap the work in `AssertUnwindSafe(work).catch_unwind()` \
               to turn the panic into a value. The patterns here do what they do on an error \
               (cancel the rest, wait until it has stopped), then raise the panic again in \
               their caller (`resume_unwind`), on all three runtimes.",
    },
    Row {
        id: "panic-unawaited",
        behaviour: "A panic in a task nobody awaits",
        note: "Nobody learns of it but the panic hook (Rust) or the loop's exception handler \
               (asyncio): await your tasks, or log from inside them.",
    },
    Row {
        id: "gather-siblings",
        behaviour: "The other jobs when one job of a gather fails (`try_join_all` over spawned tasks)",
        note: "Python's `gather` lets the others run on, as dropped tokio and async-std handles \
               do; smol's `Task` cancels on drop. The `gather` examples cancel the others \
               explicitly and wait for them, so that no job outlives the call.",
    },
    Row {
        id: "timeout-spawned",
        behaviour: "A timeout around a spawned task (`timeout(d, handle)`, `task.or(timer)`, `wait_for`)",
        note: "tokio and async-std: after a timeout, `abort()` / `cancel().await` the task \
               yourself (the `timeout` examples do). `asyncio.wait_for` cancels it for you.",
    },
    Row {
        id: "deadline-zero",
        behaviour: "A deadline of zero (`timeout(ZERO, f)` and its kin; CPython: `wait_for(c, 0)`, \
                    `async with timeout(0)`)",
        note: "CPython's `wait_for(c, 0)` never starts `c`. Of the spellings in this row, \
               only smol's `timer.or(f)` does the same: elsewhere, check for a zero (or \
               passed) deadline before starting the work. `async with timeout(0)` runs the \
               body to its first suspension and cancels it there: async-std's `timeout` and \
               smol's `f.or(timer)` do the same, except that a step that is ready at once (a \
               zero sleep) finishes instead; tokio's zero deadline comes on its timer's next \
               1 ms tick, so the work can get further. A spawned task is another matter: whether an \
               executor thread has started it by the time the deadline is checked is a race, \
               so decide before spawning (`timeout --timeout 0`).",
    },
    Row {
        id: "timer-1ms",
        behaviour: "A 1 ms sleep",
        note: "No timer here wakes early; how late it wakes depends on the machine's load, \
               so the tests never assert it.",
    },
    Row {
        id: "timer-100us",
        behaviour: "A 100 µs sleep",
        note: "tokio rounds every deadline up to the next tick of its 1 ms timer wheel: on \
               its paused clock a 100 µs sleep lasts exactly 1 ms, and on the real clock a \
               sleep never ends before that tick (the test takes ten 100 µs sleeps in a row: \
               never under 9 ms); in practice it wakes about 1 ms after its deadline (see \
               the timer table of the benchmark). async-io, under async-std and smol, sets \
               the OS timer to the microsecond. asyncio waits \
               in its selector, whose timeout is rounded up to whole milliseconds. Never \
               assert exact times in tests: use tokio's paused clock, or delays far apart.",
    },
    Row {
        id: "same-instant",
        behaviour: "Jobs due at the same instant (equal delays): which runs first",
        note: "Equal delays make a tie, and only one thread running the tasks breaks it the \
               same way every time: CPython's loop and smol's default global executor run \
               them in the order their timers were set; tokio's and async-std's threads run \
               them at once, in no order, as smol does with `SMOL_THREADS` above 1. The \
               tutorials' own numbers are such ties (twenty jobs of 1 s; three of 0.5 s, one \
               failing): on CPython the finish lines come out in order and the two jobs \
               beside the failing one always finish; on tokio the lines can come out in any \
               order, and the third job can still be running when the failure cancels it. \
               When an order matters, do not leave it to a tie: await or report the jobs in \
               the order you need (job order, not completion order), decide what becomes of \
               the jobs that finish in the same instant as a failure, and in tests cause the \
               order (jobs that finish when the test says so) instead of racing for it.",
    },
    Row {
        id: "threads",
        behaviour: "Threads that run spawned tasks by default",
        note: "tokio: one worker per core (`available_parallelism`), or \
               `Builder::worker_threads`. async-std: one per core. smol's global executor \
               runs ONE thread unless `SMOL_THREADS` says otherwise: CPU-heavy tasks then \
               run one at a time. asyncio runs every task on the loop's thread \
               (`asyncio.to_thread` for blocking work).",
    },
    Row {
        id: "blocking-call",
        behaviour: "A blocking call inside a task (`std::thread::sleep`, `time.sleep`): which other \
                    tasks stall",
        note: "Move blocking calls off the executor's threads: tokio's `spawn_blocking` (or \
               `block_in_place` on the multi-threaded runtime), async-std's \
               `task::spawn_blocking`, smol's `unblock`, asyncio's `await asyncio.to_thread(f)` \
               (`blocking --scenario blocked` shows the stall, `to-thread` the cure). The probes \
               run two executor threads (tokio's `worker_threads(2)`, \
               `ASYNC_STD_THREAD_COUNT=2`; smol's default of one) so that the answer does not \
               depend on the machine: by default tokio and async-std run one thread per core, so \
               a program stops altogether once as many tasks block as there are cores, and more \
               threads only postpone that. On tokio, a task that the blocking task spawned or \
               woke just before it blocked goes to that worker's LIFO slot, which the other \
               workers cannot steal (tokio-rs/tokio#4941): it waits for the blocking call to \
               return, however many workers are free.",
    },
    Row {
        id: "never-yields",
        behaviour: "A task that never yields (a busy loop with no `.await`): can a timeout or a \
                    cancel stop it?",
        note: "Rust cancels a future by not polling it again, and asyncio raises \
               `CancelledError` at an `await`: a loop that reaches no `.await` cannot be stopped \
               from outside. The timeout's deadline passes unseen, a cancel waits or comes too \
               late (async-std's and smol's `cancel().await` give `None` even though the loop \
               finished: it was cancelled while it ran), and on its thread the loop is a \
               blocking call (the row above). tokio's cooperative budget (`tokio::task::coop`) \
               does not reach it: the budget makes tokio's own resources (channels, sockets, \
               timers, `JoinHandle`s) return `Pending` once a task has used it up, so a loop \
               that awaits them yields now and then by itself, but a loop that awaits nothing of \
               tokio's must yield itself, every so many turns: `tokio::task::yield_now().await` \
               (or `tokio::task::coop::consume_budget().await`, which yields only once the \
               budget is spent), async-std's `task::yield_now().await`, smol's \
               `future::yield_now().await`, asyncio's `await asyncio.sleep(0)`. Or move the loop \
               to the blocking pool, where it stalls no task, though no timeout stops it there \
               either (the next row): give it a flag to check.",
    },
    Row {
        id: "blocking-timeout",
        behaviour: "Blocking work (`spawn_blocking`, `unblock`, `to_thread`) under a timeout: \
                    cancelled?",
        note: "Blocking work cannot be interrupted: a timeout only stops waiting for it (it drops \
               the handle, which leaves the work running), and once the work has started \
               `abort()`, `cancel()` and a dropped handle only forget it; on smol, \
               `cancel().await` even waits for it to end. To stop it early, give it something to \
               check between its steps (an `AtomicBool`, a closed channel, a deadline). At exit, \
               tokio's `Runtime` (the end of `#[tokio::main]`) waits for blocking work that has \
               started, so one stuck call hangs the exit: `shutdown_timeout(d)` or \
               `shutdown_background()` give up on it. async-std and smol have no runtime to \
               drop: the process exits under the work, mid-way. `asyncio.run` waits for its \
               default executor (from Python 3.12, for 300 s, then warns and goes on). The \
               `blocking` examples wait for their blocking work before they report \
               (`blocking --scenario timeout`).",
    },
    Row {
        id: "blocking-pool",
        behaviour: "The blocking pool: how many threads by default, and how to change it",
        note: "Blocking work beyond the limit queues until a thread is free. tokio: \
               `runtime::Builder::max_blocking_threads(n)` (its workers are not counted). \
               async-std and smol share the `blocking` crate's pool: `BLOCKING_MAX_THREADS=n`, \
               read once, at its first use (the probes set it on a child process), or \
               `blocking::set_max_blocking_threads(n)` (with the `blocking` crate as a dependency of your \
               own). CPython: `loop.set_default_executor(ThreadPoolExecutor(n))`, or an \
               executor of your own to `loop.run_in_executor(executor, f)` (`to_thread` always \
               uses the default); its size is `min(32, os.cpu_count() + 4)` (3.13: \
               `os.process_cpu_count()`), so twenty one-second calls take four seconds on two \
               cores (`blocking --scenario to-thread`).",
    },
    Row {
        id: "tokio-elsewhere",
        behaviour: "A tokio-only API (`tokio::time::sleep`, a `tokio::net` socket) called from \
                    another runtime",
        note: "tokio's timer and sockets, and every library built on them (reqwest, sqlx, \
               tonic, hyper), need a tokio runtime's reactor, and find it through a thread-local \
               that only tokio's threads (or an entered tokio context) set; `tokio::sync` needs \
               none and works anywhere. On smol or async-std, wrap the whole future that uses \
               such a library, building its client too, in `async_compat::Compat`:\n\n  \
               ```rust\n  \
               // Cargo.toml: async-compat = \"0.2\"\n  \
               use async_compat::CompatExt;\n  \
               let body = smol::block_on(async { reqwest::get(url).await?.text().await }.compat())?;\n  \
               ```\n\n  \
               (or `smol::spawn(f.compat())` for a task). The future still runs on smol; \
               `Compat` only enters tokio's context around each poll, and if no tokio runtime is \
               current, it starts one, on first use, for the whole process: a current-thread \
               runtime driven by one thread of its own (`async-compat/tokio-1`), which then runs \
               the I/O and timers of every `Compat` future, and every task the library spawns \
               (where `block_in_place` panics: async-compat's `multi-thread` feature makes that \
               runtime multi-threaded, one worker per core). When the tokio side is busy, keep a \
               tokio `Runtime` of your own instead, `rt.spawn(f)` the library's work onto it and \
               `.await` the `JoinHandle` from smol (the probe checks that too); async-std's \
               `tokio1` feature enters such a runtime on each of its threads. asyncio runs one \
               loop per thread, so the split only shows between loops (or with a library written \
               for trio: anyio serves both): hand a coroutine to the loop it belongs to with \
               `asyncio.run_coroutine_threadsafe(c, loop)` and `await \
               asyncio.wrap_future(...)` its result.",
    },
    Row {
        id: "ctrl-c",
        behaviour: "Ctrl-C (SIGINT) while tasks run, by default",
        note: "A Rust program that installs no handler gets the operating system's default: \
               SIGINT ends the process where it stands, without unwinding, so no task is \
               cancelled, no `Drop` runs and no cleanup happens (a temporary file stays, a \
               `BufWriter` not yet flushed loses what it held); a shell reports 130, that is 128 + \
               SIGINT's 2. CPython turns SIGINT into `KeyboardInterrupt`, and `asyncio.run` \
               (from 3.11) handles it: it cancels the main task and, as at any exit, every task \
               still pending, and waits for their cleanups; the uncaught `KeyboardInterrupt` \
               then ends the interpreter by SIGINT (since 3.8), so the caller sees an \
               interrupted program too. For asyncio's behaviour in Rust, handle the signal: on \
               tokio, `tokio::signal::ctrl_c()` (the `signal` feature) cancels a tokio-util \
               `CancellationToken` that every task watches in a `select!`, and a `TaskTracker` \
               waits for their cleanups; on async-std and smol, the `async-signal` crate's \
               `Signals` stream, and a channel closed on the signal that every task races with \
               its work. Then exit with 130 (`std::process::exit(130)`), so that the caller \
               still sees an interruption, and let a second Ctrl-C end the program at once: a \
               handler replaces the default for the whole process, so a shutdown that hangs \
               would leave Ctrl-C doing nothing. The `shutdown` pattern does all of it \
               ([`crates/shutdown`](../crates/shutdown), `shutdown --scenario ctrl-c`).",
    },
    Row {
        id: "nested-cancel",
        behaviour: "Cancelling a task that spawned tasks of its own",
        note: "Rust cancels a task by dropping its future, and with it everything the future \
               owns: what becomes of the children is what their handles do when they are \
               dropped. tokio's `JoinHandle` and async-std's detach their tasks, so the children \
               run on, even the one the parent was awaiting; smol's `Task` cancels its task, so \
               a child must be `.detach()`ed to outlive its parent. A tokio `JoinSet` aborts \
               its tasks when it is dropped (tokio-util's `AbortOnDropHandle` does the same for \
               one task), but does not wait for them: `shutdown().await` does, where the parent \
               can still await. async-std has no handle that cancels on drop: keep the \
               children's handles and cancel them yourself (the `task-group` example's `Drop` \
               guard hands their `cancel().await` to a task of its own), or cancel \
               cooperatively, with a channel that the parent closes and each child races with \
               its work. asyncio cancels a task by raising `CancelledError` at its `await`, and \
               passes the cancel on to what that `await` waits for (a task, or a `gather` of \
               them); the other tasks it created run on, unless they belong to a `TaskGroup`, \
               which cancels them and waits for them. So the Python habit of awaiting a child \
               does not tie it to its parent in Rust: on tokio and async-std, the awaited child \
               outlives its cancelled parent.",
    },
    Row {
        id: "worker-panic",
        behaviour: "A worker of a queue dies (panic / exception) mid-item: who notices?",
        note: "A worker that panics takes only its own task down: the process, the runtime and \
               the other workers go on, and the pool is one worker short from then on (async-std's \
               documentation speaks of a \"panic = abort\" model, but its executor catches a \
               task's panic like the others). Its item goes with it: nothing puts it back on the \
               queue. Nobody is told but the panic hook, unless something awaits the workers: \
               keep their handles (a tokio `JoinSet`, a `Vec` of async-std `JoinHandle`s or smol \
               `Task`s) and await them once the queue is closed, and read the results until \
               their channel closes, which it does one result short instead of hanging. Better, \
               catch the panic around each item (`AssertUnwindSafe(work).catch_unwind()`), so \
               that it becomes a result like an error and its worker goes on: the `queue` \
               examples do (`queue --panic 4`). In asyncio, the worker task ends with the \
               exception and its `task_done()` never comes, so `await queue.join()` waits \
               forever, and a worker written as the docs' is would leave it there. Catch around the \
               work (`except Exception`) and call `task_done()` in a `finally:`; and where a \
               worker can die all the same, race the join with the workers \
               (`asyncio.wait({join, *workers}, return_when=FIRST_COMPLETED)`, `join` a task of \
               `queue.join()`: a worker ends only by an exception).",
    },
    Row {
        id: "receiver-dropped",
        behaviour: "Every receiver dropped: does `send` fail at once?",
        note: "Rust's channels know their receivers: once the last one is gone (its workers \
               panicked, or the consumer returned early), `send` hands the item back in its \
               error, so a producer learns that nobody reads any more and can stop. async-channel's \
               `close()` does the same from either side, and tokio's `Receiver::close()` from the \
               receiver's, except that the receivers still get what is queued. What is still \
               queued when the last receiver goes differs: tokio drops it there and then, and \
               async-channel (async-std's and smol's channel) only once the last sender is \
               dropped too. So a request that carries a oneshot sender for its reply tells its \
               caller at once on tokio (the caller's `.await` on the reply gives an error), but \
               on async-std and smol, a caller that keeps a sender of the queue while it awaits \
               its reply waits forever. asyncio's `Queue` has no notion of readers: a producer \
               whose workers all died puts on an unbounded queue forever (it grows without \
               end) and waits forever on a full one. Race a `put` that can wait with the workers \
               (`asyncio.wait({put, *workers}, return_when=FIRST_COMPLETED)`, `put` a task), or, \
               from Python 3.13, call `queue.shutdown()` when the consumers stop: `put` then \
               raises `QueueShutDown`.",
    },
    Row {
        id: "capacity-zero",
        behaviour: "A queue of capacity 0 (`mpsc::channel(0)`, `bounded(0)`, \
                    `asyncio.Queue(maxsize=0)`)",
        note: "In asyncio, `maxsize=0`, the default, means no limit, and so does a negative \
               one; in Rust a bounded channel needs room for one item at least, and neither tokio \
               nor async-channel has a rendezvous channel of capacity 0 (Go's `make(chan T)`). \
               Port `asyncio.Queue()` to `mpsc::unbounded_channel()` / `unbounded()`, and \
               `asyncio.Queue(maxsize)` to `mpsc::channel(maxsize)` / `bounded(maxsize)` only \
               once `maxsize` is known to be 1 or more: a size read from a configuration that \
               meant \"no limit\" in Python panics in Rust. The `queue` examples refuse \
               `--maxsize 0` as a usage error.",
    },
];

/// The test in `tests/matrix.rs` that proves a cell, e.g. `tokio_dropped_handle`.
pub fn test_name(row: &str, column: Column) -> String {
    format!(
        "{}_{}",
        column.name().replace('-', "_"),
        row.replace('-', "_")
    )
}

/// The semantics binary, whose `probe` command runs the Rust probes: set by the tests
/// (`env!("CARGO_BIN_EXE_semantics")`) and by the binary itself.
static EXE: OnceLock<PathBuf> = OnceLock::new();

/// Tells the library where the semantics binary is.
pub fn set_exe(path: PathBuf) {
    let _ = EXE.set(path);
}

fn exe() -> PathBuf {
    EXE.get()
        .cloned()
        .or_else(|| std::env::current_exe().ok())
        .unwrap_or_default()
}

/// Runs `semantics child RUNTIME WHAT` with these environment variables and returns its
/// standard output: a program a probe needs in a process of its own.
pub fn child_output(runtime: &str, what: &str, env: &[(&str, &str)]) -> String {
    let mut command = Command::new(exe());
    command.args(["child", runtime, what]);
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The `python3` command, if it is CPython 3.11 or newer.
pub fn python() -> Option<&'static str> {
    static PYTHON: OnceLock<bool> = OnceLock::new();
    let ok = *PYTHON.get_or_init(|| {
        let check = "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)";
        Command::new("python3")
            .args(["-c", check])
            .status()
            .is_ok_and(|status| status.success())
    });
    ok.then_some("python3")
}

/// What one cell's probe saw: `None` for CPython when no `python3` 3.11+ is there.
pub fn observe(row: &str, column: Column) -> Option<String> {
    match column {
        Column::Asyncio => probes::python::probe(row),
        rust => {
            // The thread variables are removed: the facts are about each runtime's
            // defaults, and the probes that need more threads ask for them.
            let output = Command::new(exe())
                .args(["probe", rust.name(), row])
                .env_remove("RUST_BACKTRACE")
                .env_remove("TOKIO_WORKER_THREADS")
                .env_remove("ASYNC_STD_THREAD_COUNT")
                .env_remove("SMOL_THREADS")
                .env_remove("BLOCKING_MAX_THREADS")
                .output()
                .ok()?;
            let stdout = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            Some(if output.status.success() && !stdout.is_empty() {
                stdout
            } else {
                format!(
                    "probe failed: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                )
            })
        }
    }
}

/// Runs one Rust probe in this process (the `probe` command).
pub fn probe_here(runtime: &str, row: &str) -> String {
    match runtime {
        "tokio" => probes::tokio_rt::probe(row),
        "async-std" => probes::async_std_rt::probe(row),
        "smol" => probes::smol_rt::probe(row),
        other => format!("no runtime {other}"),
    }
}

/// Runs one child program in this process (the `child` command).
pub fn child_here(runtime: &str, what: &str) {
    match runtime {
        "tokio" => probes::tokio_rt::child(what),
        "async-std" => probes::async_std_rt::child(what),
        "smol" => probes::smol_rt::child(what),
        _ => {}
    }
}

/// The workspace's `docs/semantics.md`.
pub fn doc_path() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize()
        .unwrap_or(root)
        .join("docs/semantics.md")
}

/// The facts of every cell, by row and column, as a table of strings.
pub type Facts = Vec<[String; 4]>;

/// The cells' facts as the committed table states them (empty strings where it has none).
pub fn committed_facts(markdown: &str) -> Facts {
    ROWS.iter()
        .map(|row| {
            let mut facts: [String; 4] = Default::default();
            let prefix = format!("| {} |", row.behaviour);
            if let Some(line) = markdown.lines().find(|l| l.starts_with(&prefix)) {
                let cells: Vec<&str> = line[prefix.len()..].split(" | ").collect();
                for (fact, cell) in facts.iter_mut().zip(cells) {
                    let cell = cell.trim().trim_end_matches('|').trim();
                    cell.split("<br>")
                        .next()
                        .unwrap_or_default()
                        .clone_into(fact);
                }
            }
            facts
        })
        .collect()
}

/// `docs/semantics.md` with these facts.
pub fn render(facts: &Facts) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Where the runtimes differ: the semantics matrix\n\n\
         Each row is a behaviour that changes with the runtime you pick; each cell says what \
         that runtime does, and names the test that proves it (in \
         [`crates/semantics/tests/matrix.rs`](../crates/semantics/tests/matrix.rs)). The test \
         runs a small probe program ([`crates/semantics/src/probes/`](../crates/semantics/src/probes)) \
         that makes the behaviour happen and reports what it saw, and fails when that is not \
         what this page says. The page itself is generated from the same probes:\n\n\
         ```text\n\
         scripts/semantics.sh      # runs every probe and rewrites this page\n\
         cargo test -p semantics   # fails if this page and the probes disagree\n\
         ```\n\n\
         The Rust columns are tokio 1 (multi-threaded runtime), async-std 1.13 (discontinued \
         upstream: its maintainers point to smol) and smol 2 (its global executor), each \
         probed in a process of its own. The CPython column is probed by short asyncio \
         programs (Python 3.11 or newer; without it those tests are skipped with a note). \
         Timer and thread facts are stated so that they hold on a loaded machine: whether a \
         sleep can end early or under a millisecond, not how long it took. Where tokio's \
         timer rounding is the point (a 100 µs sleep, a zero deadline), its probe runs on \
         tokio's paused clock, which shows the rounding exactly (the 100 µs probe checks \
         the real clock too). Where an order is the point (jobs due at the same instant), \
         the probe shows what causes it or what rules it out, never an order it happened \
         to see once. Where the number of threads decides the answer (a blocking call), the \
         probe sets two (tokio's `worker_threads(2)`, `ASYNC_STD_THREAD_COUNT=2`) and leaves \
         smol at its default of one. Where a task or a call is expected to wait (behind a \
         blocking call, a loop that never yields, or blocking work the probe holds), the \
         probe holds what it waits for and gives it 200 ms to go ahead all the same; where \
         it is expected to go ahead, the probe waits for it up to 30 s: so a loaded machine \
         cannot turn one answer into the other. Where a signal is the point (Ctrl-C), the \
         probe starts the program in a process of its own, waits until it says that its \
         tasks run, and sends it a real SIGINT. Where a queue's worker dies, the probe puts \
         the items after the one that kills it only once it has died, so that the other \
         workers surely take them.\n"
    );
    let headings: Vec<&str> = Column::ALL.iter().map(|c| c.heading()).collect();
    let _ = writeln!(out, "| behaviour | {} |", headings.join(" | "));
    let _ = writeln!(out, "|---|---|---|---|---|");
    for (row, facts) in ROWS.iter().zip(facts) {
        let cells: Vec<String> = Column::ALL
            .iter()
            .zip(facts)
            .map(|(column, fact)| {
                format!(
                    "{fact}<br><sub>[`{}`](../crates/semantics/tests/matrix.rs)</sub>",
                    test_name(row.id, *column)
                )
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", row.behaviour, cells.join(" | "));
    }
    let _ = writeln!(out, "\n## What to do about each row\n");
    for row in ROWS {
        let stop = if row.behaviour.ends_with('?') {
            ""
        } else {
            "."
        };
        let _ = writeln!(out, "- **{}{stop}** {}", row.behaviour, row.note);
    }
    let _ = writeln!(
        out,
        "\nSee also [the runtimes side by side](comparison.md) (every pattern and scenario \
         run on all four) and [the contract](contract.md)."
    );
    out
}

/// Runs every probe (`parallel` at a time) and returns the facts; a CPython cell that
/// cannot be probed keeps the fact in `committed`.
pub fn observe_all(committed: &Facts, parallel: usize) -> Facts {
    let jobs: Vec<(usize, usize)> = (0..ROWS.len())
        .flat_map(|r| (0..Column::ALL.len()).map(move |c| (r, c)))
        .collect();
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let facts = std::sync::Mutex::new(committed.clone());
    std::thread::scope(|scope| {
        for _ in 0..parallel.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .next();
                    let Some((r, c)) = next else { break };
                    if let Some(fact) = observe(ROWS[r].id, Column::ALL[c]) {
                        facts
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)[r][c] = fact;
                    }
                }
            });
        }
    });
    facts
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The test of one cell: runs its probe and compares the answer with the committed table.
///
/// # Panics
///
/// When they differ (run `scripts/semantics.sh` if the runtime really changed), or when
/// the table cannot be read.
pub fn check(row: &str, column: Column) {
    let markdown = std::fs::read_to_string(doc_path()).expect("docs/semantics.md is readable");
    let index = ROWS
        .iter()
        .position(|r| r.id == row)
        .expect("the row exists");
    let committed = &committed_facts(&markdown)[index][Column::ALL
        .iter()
        .position(|c| *c == column)
        .expect("the column exists")];
    match observe(row, column) {
        None => println!(
            "skipped: no python3 3.11 or newer on the PATH, so the CPython column of \
             `{row}` is not checked"
        ),
        Some(observed) => assert_eq!(
            &observed,
            committed,
            "docs/semantics.md says {committed:?} for `{row}` on {}, but the probe saw \
             {observed:?}; if the runtime really changed, run scripts/semantics.sh",
            column.name()
        ),
    }
}
