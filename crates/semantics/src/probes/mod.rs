//! The probes: small programs that make one behaviour happen on one runtime and say, in a
//! few words, what they saw. Each Rust probe runs in a process of its own
//! (`semantics probe RUNTIME ROW`), so that global executors, panic hooks and
//! environment variables cannot leak from one probe into another.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

pub mod async_std_rt;
pub mod python;
pub mod smol_rt;
pub mod tokio_rt;

/// A flag a task sets, read by the probe.
#[derive(Clone, Debug, Default)]
pub struct Flag(Arc<AtomicBool>);

impl Flag {
    /// A flag that is not set.
    pub fn new() -> Self {
        Flag::default()
    }

    /// Sets it.
    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether it is set.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Sets its flag when it is dropped: a task's destructor, made visible.
#[derive(Debug)]
pub struct Guard(pub Flag);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// Silences the panic hook: the probes' panics are on purpose.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {}));
}

/// Counts the calls of the panic hook instead of printing them.
pub fn count_panics() -> Arc<AtomicUsize> {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::panic::set_hook(Box::new(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    }));
    count
}

/// What a dropped handle did to its task: `ran` is set at the task's end.
pub fn dropped_handle_fact(ran: bool) -> String {
    // Whether it was polled once before the drop is a race: either way it never ends.
    if ran {
        "detached: the task runs on to its end".to_owned()
    } else {
        "cancelled: the task never finishes".to_owned()
    }
}

/// What became of a task pending when main returned, from the child's output.
pub fn main_returns_fact(output: &str) -> String {
    let finished = output.contains("finished");
    let dropped = output.contains("destructor");
    match (finished, dropped) {
        (true, _) => "main waits: the task runs to its end".to_owned(),
        (false, true) => "dropped at runtime shutdown: its destructors run".to_owned(),
        (false, false) => "abandoned at exit: its destructors never run".to_owned(),
    }
}

/// Below this, a sleep of 100 µs counts as sub-millisecond. Sleeps taken one after
/// another in a loop never end this soon on a timer that rounds up to whole milliseconds
/// (tokio's shortest is above 1 ms), and a fine timer (async-io's) ends this soon many
/// times in a thousand tries even on a loaded machine.
pub const SUB_MS: Duration = Duration::from_micros(600);

/// How many sleeps a timer probe takes at most: enough for a loaded machine to let one
/// of them end on time.
pub fn tries(requested: Duration) -> usize {
    if requested < Duration::from_millis(1) {
        1000
    } else {
        200
    }
}

/// Whether the fastest sleep so far settles the question (so the probe can stop).
pub fn settled(requested: Duration, fastest: Duration) -> bool {
    fastest < requested || (requested < Duration::from_millis(1) && fastest < SUB_MS)
}

/// The timer's resolution for a requested sleep, from the fastest of many sleeps taken one
/// after another. Only robust facts: whether a sleep ever ends early, and whether a
/// sub-millisecond sleep can end well before a millisecond has passed; not how long the
/// sleeps took, which depends on the machine's load.
pub fn timer_fact(requested: Duration, fastest: Duration) -> String {
    if fastest < requested {
        "can end early".to_owned()
    } else if requested >= Duration::from_millis(1) {
        "never early: at least the 1 ms asked".to_owned()
    } else if fastest < SUB_MS {
        "sub-millisecond: can end well under 1 ms".to_owned()
    } else {
        "rounded up to whole milliseconds".to_owned()
    }
}

/// How many threads run tasks, from how many distinct threads ran a batch of blocking
/// tasks, with and without the override variable.
pub fn threads_fact(default: usize, with_override: usize, variable: &str) -> String {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let default = match default {
        1 => "one thread".to_owned(),
        n if n == cores => "one per core".to_owned(),
        n => format!("{n} threads"),
    };
    if with_override == 3 {
        format!("{default}; `{variable}=3` gives 3")
    } else {
        format!("{default}; `{variable}=3` gives {with_override}")
    }
}

/// How many threads of this process have a name that starts with `prefix` (Linux), or,
/// elsewhere, how many distinct threads ran a batch of blocking tasks.
pub fn executor_threads(
    prefix: &str,
    run_batch: impl FnOnce(Vec<Box<dyn FnOnce() + Send>>),
) -> usize {
    let ran_on = distinct_threads(run_batch);
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return ran_on;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .filter(|name| name.starts_with(prefix))
        .count()
}

/// Runs `blocking` tasks that each hold their thread for a moment, and counts the distinct
/// threads they ran on. `spawn_all` spawns them and waits for all.
pub fn distinct_threads(spawn_all: impl FnOnce(Vec<Box<dyn FnOnce() + Send>>)) -> usize {
    let seen = Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let tasks: Vec<Box<dyn FnOnce() + Send>> = (0..24)
        .map(|_| {
            let seen = seen.clone();
            Box::new(move || {
                std::thread::sleep(Duration::from_millis(15));
                seen.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(std::thread::current().id());
            }) as Box<dyn FnOnce() + Send>
        })
        .collect();
    spawn_all(tasks);
    seen.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .len()
}

/// A row's probe on one runtime: the row ids of [`crate::ROWS`].
pub type Probe = fn(&str) -> String;

/// Prints a word when it is dropped: a destructor seen from another process.
#[derive(Debug)]
pub struct PrintOnDrop(pub &'static str);

impl Drop for PrintOnDrop {
    fn drop(&mut self) {
        println!("{}", self.0);
    }
}

/// What a cancelled task could still do: `dropped` if its destructor ran before the
/// canceller went on, `after` if code after its `.await` ran.
pub fn cleanup_fact(dropped: bool, after: bool) -> String {
    match (dropped, after) {
        (_, true) => "the task ran on past its `.await`".to_owned(),
        (true, false) => {
            "no: the future is dropped at its `.await`; only sync `Drop` runs".to_owned()
        }
        (false, false) => "no: not even its `Drop` had run when the canceller went on".to_owned(),
    }
}

/// What became of a panic nobody awaited: how often the panic hook ran, and whether the
/// runtime still ran tasks afterwards.
pub fn unawaited_panic_fact(hook_calls: usize, alive: bool) -> String {
    match (hook_calls, alive) {
        (_, false) => "the runtime stops running tasks".to_owned(),
        (0, true) => "lost silently; the runtime goes on".to_owned(),
        (_, true) => "lost: only the panic hook prints it; the runtime goes on".to_owned(),
    }
}

/// What became of the slow sibling of a failed `try_join_all` over spawned tasks.
pub fn siblings_fact(failed: bool, ran: bool) -> String {
    match (failed, ran) {
        (false, _) => "the gather did not fail".to_owned(),
        (true, true) => "keep running: the dropped handles detach them".to_owned(),
        (true, false) => "cancelled: the dropped handles cancel them".to_owned(),
    }
}

/// What became of a spawned task whose handle a timeout gave up on.
pub fn timeout_fact(timed_out: bool, ran: bool) -> String {
    match (timed_out, ran) {
        (false, _) => "the timeout did not fire".to_owned(),
        (true, true) => "the task keeps running: only its handle is dropped".to_owned(),
        (true, false) => "the task is cancelled with its handle".to_owned(),
    }
}

/// A job that starts (it records that it was polled) and then never finishes: the probes
/// of a zero deadline use it to see whether the work starts at all, whatever the timing.
pub fn never_finishing(started: Flag) -> impl std::future::Future<Output = u32> {
    std::future::poll_fn(move |_| {
        started.set();
        std::task::Poll::Pending
    })
}

/// What a zero deadline did: to a job that never finishes (did it start; when did the
/// deadline end it: `at once` means within the first poll, or the runtime's own words),
/// and to a job that only sleeps 0 with the runtime's own sleep (did it finish first).
pub fn zero_deadline_fact(
    primitive: &str,
    started: bool,
    timed_out: Option<&str>,
    sleep_zero_finishes: bool,
) -> String {
    let start = if started {
        "f is polled first, so it starts"
    } else {
        "f never starts"
    };
    let end = match timed_out {
        Some(when) => format!("it times out {when}"),
        None => "it never times out".to_owned(),
    };
    let sleep_zero = if sleep_zero_finishes {
        "an f that only sleeps 0 finishes first: `Ok`"
    } else {
        "an f that only sleeps 0 times out too"
    };
    format!("`{primitive}`: {start}; {end}; {sleep_zero}")
}

/// Two tasks that each wait, blocking their thread, until the other one is there too: if
/// both get there, they ran at the same time on two threads. `limit` only guards against a
/// hang (a runtime that ran them one after the other on one thread); it is never reached
/// when both run at once, however loaded the machine.
#[derive(Debug, Default)]
pub struct Rendezvous {
    here: std::sync::Mutex<usize>,
    all_here: std::sync::Condvar,
}

impl Rendezvous {
    /// Arrives, and waits for the other one: whether it came within `limit`.
    pub fn arrive(&self, limit: Duration) -> bool {
        let mut here = self
            .here
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *here += 1;
        self.all_here.notify_all();
        let (here, _) = self
            .all_here
            .wait_timeout_while(here, limit, |here| *here < 2)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *here >= 2
    }
}

/// How long a rendezvous waits for its second task before calling it a hang.
pub const RENDEZVOUS_LIMIT: Duration = Duration::from_secs(30);

/// What two tasks due at the same instant did: whether both reached the rendezvous, each
/// on the thread it reports.
pub fn at_once_fact(met: bool, threads: &[std::thread::ThreadId], due: &str, kind: &str) -> String {
    let distinct: std::collections::HashSet<_> = threads.iter().collect();
    if met && distinct.len() == 2 {
        format!("no order: two tasks due {due} run at once, on two {kind} threads")
    } else {
        format!("one after the other ({} threads)", distinct.len())
    }
}

/// How many tasks an ordering probe sets timers for, and how many times it tries.
pub const ORDER_TASKS: usize = 20;
/// See [`ORDER_TASKS`].
pub const ORDER_ROUNDS: usize = 3;

/// Whether tasks that set equal timers one after another ended in the order they were
/// set, in every round.
pub fn order_kept(rounds: &[Vec<usize>]) -> bool {
    rounds
        .iter()
        .all(|ended| ended.iter().copied().eq(0..ORDER_TASKS))
}
