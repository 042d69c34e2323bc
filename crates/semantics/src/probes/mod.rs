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

/// How long a probe waits for something it expects the runtime to do (a task to run, a call
/// to return, blocking work to start): so long that no load makes the wait run out. It
/// runs out only when the runtime does not do the thing at all, and then the probe says so.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// How long a probe waits before it concludes that the runtime does NOT do something (run a
/// task, return from a call) while the probe holds what that would need. A load can only
/// delay things, never make them happen sooner, so a probe waits this little only where it
/// expects nothing to happen; where it expects something, it waits [`PATIENCE`]. Either
/// way a loaded machine cannot change an answer: only a runtime that changed can (and in
/// the rare case that it changed *and* the machine is loaded, the next run shows it).
pub const QUIET: Duration = Duration::from_millis(200);

/// A door a blocking call waits at, opened by the probe: a `std` mutex and condition
/// variable, so that the wait blocks its thread exactly as `std::thread::sleep` does, but
/// ends when the probe says so instead of when a clock does.
#[derive(Debug, Default)]
pub struct Gate {
    open: std::sync::Mutex<bool>,
    opened: std::sync::Condvar,
}

impl Gate {
    /// Opens it, for every waiter now and later.
    pub fn open(&self) {
        *self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        self.opened.notify_all();
    }

    /// Whether it is open.
    pub fn is_open(&self) -> bool {
        *self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Blocks this thread until it is open, or until `limit` has passed: whether it opened.
    pub fn wait(&self, limit: Duration) -> bool {
        let open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (open, _) = self
            .opened
            .wait_timeout_while(open, limit, |open| !*open)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *open
    }
}

/// Blocking work that the probe holds: it says that it started, blocks its thread at a gate
/// until the probe releases it, then says that it finished. Only the probe can end it, so
/// whatever a runtime does while it is held (a timeout returning, a cancel, a shutdown)
/// happened before the work ended, however slow the machine.
#[derive(Clone, Debug, Default)]
pub struct HeldWork {
    started: Arc<Gate>,
    release: Arc<Gate>,
    finished: Arc<Gate>,
}

impl HeldWork {
    /// A piece of work, not yet started.
    pub fn new() -> Self {
        HeldWork::default()
    }

    /// The work itself, for a blocking pool: returns 7 once released (or after
    /// [`PATIENCE`], so that a probe that went wrong still ends).
    pub fn work(&self) -> impl FnOnce() -> u32 + Send + 'static {
        let this = self.clone();
        move || {
            this.started.open();
            this.release.wait(PATIENCE);
            this.finished.open();
            7
        }
    }

    /// Waits until the work has started: whether it did within [`PATIENCE`].
    pub fn wait_started(&self) -> bool {
        self.started.wait(PATIENCE)
    }

    /// Lets the work end.
    pub fn release(&self) {
        self.release.open();
    }

    /// Whether it has finished.
    pub fn finished(&self) -> bool {
        self.finished.is_open()
    }

    /// Waits until the work has finished: whether it did within [`PATIENCE`].
    pub fn wait_finished(&self) -> bool {
        self.finished.wait(PATIENCE)
    }
}

/// Spawns a future on the runtime under test and lets it run on (the handle is dropped or
/// detached). Shared, so that a task can spawn another one with it.
pub type Spawner = Arc<dyn Fn(futures::future::BoxFuture<'static, ()>) + Send + Sync>;

/// What became of another task while tasks blocked their threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stall {
    /// It ran while they were blocked: some thread was free to run it.
    RanWhileHeld,
    /// It had not started [`QUIET`] after they blocked, and ran once they returned.
    RanAfter,
    /// It never ran, even after they returned.
    NeverRan,
    /// The blocking tasks could not all be blocked at once (fewer threads than tasks).
    NotAllHeld,
}

/// One round of the blocking-call probe: `blockers` tasks each make a blocking call (a wait
/// at a gate that only the probe opens), spawned one after another so that each is blocked
/// before the next is spawned; then another task is spawned, from outside the runtime or,
/// with `from_blocker`, by the first blocking task itself just before it blocks. `patience`
/// is how long the probe waits for that task while they block: [`PATIENCE`] where it
/// expects the task to run, [`QUIET`] where it expects it to wait.
pub fn stall_round(
    spawn: &Spawner,
    blockers: usize,
    from_blocker: bool,
    patience: Duration,
) -> Stall {
    let gate = Arc::new(Gate::default());
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let (ran_tx, ran_rx) = std::sync::mpsc::channel::<()>();
    let other = move || -> futures::future::BoxFuture<'static, ()> {
        let ran_tx = ran_tx.clone();
        Box::pin(async move {
            let _ = ran_tx.send(());
        })
    };
    for blocker in 0..blockers {
        let (door, held_tx) = (gate.clone(), held_tx.clone());
        let spawned = (from_blocker && blocker == 0).then(|| (spawn.clone(), other()));
        spawn(Box::pin(async move {
            if let Some((spawn, other)) = spawned {
                spawn(other);
            }
            let _ = held_tx.send(());
            // The blocking call: this thread does nothing else until the probe opens the gate.
            door.wait(PATIENCE);
        }));
        if held_rx.recv_timeout(PATIENCE).is_err() {
            gate.open();
            return Stall::NotAllHeld;
        }
    }
    if !from_blocker {
        spawn(other());
    }
    let ran_while_held = ran_rx.recv_timeout(patience).is_ok();
    gate.open();
    if ran_while_held {
        Stall::RanWhileHeld
    } else if ran_rx.recv_timeout(PATIENCE).is_ok() {
        Stall::RanAfter
    } else {
        Stall::NeverRan
    }
}

/// What a blocking call stalls on an executor of several threads (two in the probes), from
/// three rounds: one blocking task and another task spawned from outside; one blocking task
/// that spawned the other just before it blocked; as many blocking tasks as threads.
pub fn stall_fact(one: Stall, spawned_by_it: Stall, all: Stall, thread: &str) -> String {
    let rest = match one {
        Stall::RanWhileHeld => format!("the other {thread} runs the rest"),
        other => format!("with one {thread} blocked, another task: {other:?}"),
    };
    let all = match all {
        Stall::RanAfter => format!("until every {thread} is blocked"),
        Stall::RanWhileHeld => format!("even with every {thread} blocked"),
        other => format!("with every {thread} blocked: {other:?}"),
    };
    let spawned = match spawned_by_it {
        Stall::RanWhileHeld => "a task it spawned just before blocking runs too".to_owned(),
        Stall::RanAfter => {
            format!(
                "a task it spawned just before blocking waits for it (the {thread}'s LIFO slot)"
            )
        }
        other => format!("a task it spawned just before blocking: {other:?}"),
    };
    format!("{rest}, {all}; {spawned}")
}

/// What a blocking call stalls on an executor of one thread.
pub fn one_thread_stall_fact(one: Stall) -> String {
    match one {
        Stall::RanAfter => "every other task: the executor's one thread is blocked".to_owned(),
        Stall::RanWhileHeld => "none: another task ran meanwhile".to_owned(),
        other => format!("unexpected: {other:?}"),
    }
}

/// A loop that never reaches an `.await`: it spins (burning its thread) until the probe
/// sets `stop`, or [`PATIENCE`] has passed, and sets `ended` when it ends by itself.
pub fn spin(spinning: &Gate, stop: &Flag, ended: &Flag) -> u32 {
    spinning.open();
    let start = std::time::Instant::now();
    while !stop.get() && start.elapsed() < PATIENCE {
        std::hint::spin_loop();
    }
    ended.set();
    7
}

/// The same loop, with the one change that stops it: `yield_now` (the runtime's own)
/// awaited on every turn.
pub async fn spin_yielding<Y: std::future::Future<Output = ()>>(
    spinning: Arc<Gate>,
    ended: Flag,
    yield_now: impl Fn() -> Y,
) -> u32 {
    spinning.open();
    let start = std::time::Instant::now();
    while start.elapsed() < PATIENCE {
        std::hint::spin_loop();
        yield_now().await;
    }
    ended.set();
    7
}

/// When a timeout or a cancel around a loop that never yields returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Returned {
    /// While the loop still ran: it stopped it.
    WhileRunning,
    /// Only once the loop had ended, with this result.
    After(String),
    /// Never (within [`PATIENCE`] of the loop's end).
    Never,
}

/// What a timeout and a cancel did to a loop that never yields (each named as the table
/// spells it, with its backticks), and whether `yield_call` in the loop lets both stop it.
pub fn never_yields_fact(
    timeout: (&str, &Returned),
    cancel: (&str, &Returned),
    yield_call: &str,
    yielding_stops: bool,
) -> String {
    let yielding = if yielding_stops {
        format!("`{yield_call}` in the loop lets both stop it")
    } else {
        format!("even with `{yield_call}` in the loop, they do not stop it")
    };
    match (timeout, cancel) {
        ((t, Returned::After(tr)), (c, Returned::After(cr))) => format!(
            "no: {t} returns only when the loop ends ({tr}), and so does {c} ({cr}); {yielding}"
        ),
        ((t, tr), (c, cr)) => format!("{t}: {tr:?}; {c}: {cr:?}; {yielding}"),
    }
}

/// What a timeout around blocking work did: whether it returned while the work was held,
/// and whether the work then ran to its end.
pub fn blocking_timeout_part(returned_while_held: bool, finished: bool) -> String {
    match (returned_while_held, finished) {
        (true, true) => "no: the timeout returns, the work runs to its end".to_owned(),
        (true, false) => "the timeout returns, and the work never finishes".to_owned(),
        (false, _) => "the timeout does not return while the work runs".to_owned(),
    }
}

/// What a cancel of started blocking work did: whether `call` returned while the work was
/// held (`early`), with what, and whether the work still ran to its end.
pub fn blocking_cancel_part(call: &str, early: bool, result: &str, finished: bool) -> String {
    match (early, finished) {
        (true, true) => format!("{call} returns at once ({result}), the work runs on"),
        (false, true) => format!("{call} waits for its end ({result})"),
        (_, false) => format!("{call}: the work never finishes ({result})"),
    }
}

/// What became of blocking work still running when `main` returned, from the child's
/// output.
pub fn blocking_exit_part(output: &str) -> String {
    match (output.contains("started"), output.contains("finished")) {
        (true, false) => "process exit kills it".to_owned(),
        (true, true) => "the process waits for it at exit".to_owned(),
        (false, _) => "it never started".to_owned(),
    }
}

/// Counts blocking works that are running, for the pool probe.
#[derive(Debug, Default)]
pub struct Running {
    count: std::sync::Mutex<usize>,
    changed: std::sync::Condvar,
}

impl Running {
    /// One more is running.
    pub fn enter(&self) {
        *self
            .count
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
        self.changed.notify_all();
    }

    /// How many are running.
    pub fn count(&self) -> usize {
        *self
            .count
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until `n` are running, or `limit` has passed.
    pub fn wait_for(&self, n: usize, limit: Duration) {
        let count = self
            .count
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = self
            .changed
            .wait_timeout_while(count, limit, |count| *count < n)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    }
}

/// How many blocking works a pool runs at once, measured: `expected + 1` works that each
/// block their thread until the probe lets them go. The probe waits until `expected` run
/// (however slowly a loaded machine starts the threads), then [`QUIET`] more, in which the
/// last one does not start if the pool holds `expected` threads; then it lets them all
/// finish. `spawn` hands one work to the pool, `join` waits for all.
pub fn blocking_at_once<H>(
    expected: usize,
    spawn: impl Fn(Box<dyn FnOnce() + Send>) -> H,
    join: impl FnOnce(Vec<H>),
) -> usize {
    let gate = Arc::new(Gate::default());
    let running = Arc::new(Running::default());
    let handles: Vec<H> = (0..=expected)
        .map(|_| {
            let (gate, running) = (gate.clone(), running.clone());
            spawn(Box::new(move || {
                running.enter();
                gate.wait(PATIENCE);
            }))
        })
        .collect();
    running.wait_for(expected, PATIENCE);
    std::thread::sleep(QUIET);
    let at_once = running.count();
    gate.open();
    join(handles);
    at_once
}

/// The blocking pool's size, measured by [`blocking_at_once`] with `tried` works, and with
/// the knob set to 3 (4 works).
pub fn pool_fact(default: usize, tried: usize, knob: &str, with_knob: usize) -> String {
    let default = if default >= tried {
        format!("more than {} threads", tried - 1)
    } else {
        format!("{default} threads")
    };
    format!("{default}; `{knob}` gives {with_knob}")
}

/// The message of a panic, caught as its payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The names of this process's threads (Linux), to see which threads a call started.
pub fn thread_names() -> Option<Vec<(String, String)>> {
    let tasks = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        tasks
            .flatten()
            .filter_map(|task| {
                let name = std::fs::read_to_string(task.path().join("comm")).ok()?;
                Some((
                    task.file_name().to_string_lossy().into_owned(),
                    name.trim().to_owned(),
                ))
            })
            .collect(),
    )
}

/// What a tokio-only call did off tokio: `bare` is what `tokio::time::sleep` and a
/// `tokio::net` socket did without help (both panic with tokio's message, or not),
/// `compat` whether both worked inside `async_compat::Compat`, and `started` the threads
/// that `Compat` started: their number, and the name tokio reports for the thread that
/// runs tasks spawned inside it.
pub fn elsewhere_fact(bare: &str, compat: bool, started: usize, name: &str) -> String {
    let compat = if compat {
        let threads = if started == 1 {
            "1 thread".to_owned()
        } else {
            format!("{started} threads")
        };
        format!("inside `Compat::new(f)` it works, on {threads} of its own (`{name}`)")
    } else {
        "even inside `Compat::new(f)` it fails".to_owned()
    };
    format!("{bare}; {compat}")
}

/// When a call around a loop or a held work returned: `early` if it did while they still
/// ran, else what `late` saw once they had ended.
pub fn returned(early: bool, late: impl FnOnce() -> Option<String>) -> Returned {
    if early {
        Returned::WhileRunning
    } else {
        late().map_or(Returned::Never, Returned::After)
    }
}

/// `tokio::time::sleep` and a `tokio::net` socket, awaited on another runtime (the caller's
/// `block_on`, whose own threads have already started), first bare and then inside
/// `async_compat::Compat`: what each did, and which threads `Compat` started.
pub async fn tokio_elsewhere() -> String {
    use futures::FutureExt as _;
    use std::panic::AssertUnwindSafe;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    quiet_panics();
    let timer = AssertUnwindSafe(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
    })
    .catch_unwind()
    .await;
    let socket = AssertUnwindSafe(async {
        let _ = tokio::net::TcpListener::bind(addr).await;
    })
    .catch_unwind()
    .await;
    let bare = match (timer, socket) {
        (Err(timer), Err(socket)) => {
            let (timer, socket) = (panic_message(&*timer), panic_message(&*socket));
            if timer == socket {
                format!("panics: \"{timer}\"")
            } else {
                format!("panics: \"{timer}\" (timer), \"{socket}\" (socket)")
            }
        }
        (Ok(()), Ok(())) => "works without help".to_owned(),
        (timer, _) => format!(
            "the timer {}, the socket not",
            if timer.is_ok() { "works" } else { "panics" }
        ),
    };
    let before = thread_names();
    let (works, name, workers) = async_compat::Compat::new(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        let bound = tokio::net::TcpListener::bind(addr).await.is_ok();
        // A task spawned inside `Compat` runs where tokio runs its tasks: say which thread.
        let name = tokio::spawn(async { std::thread::current().name().map(str::to_owned) })
            .await
            .ok()
            .flatten()
            .unwrap_or_default();
        let workers = tokio::runtime::Handle::current().metrics().num_workers();
        (bound, name, workers)
    })
    .await;
    // The threads that appeared meanwhile (Linux); elsewhere, tokio's count of its workers.
    let started = match (before, thread_names()) {
        (Some(before), Some(after)) => after
            .iter()
            .filter(|(id, _)| !before.iter().any(|(old, _)| old == id))
            .count(),
        _ => workers,
    };
    let fact = elsewhere_fact(&bare, works, started, &name);
    // The table's note gives two more ways, checked here so that it cannot go wrong
    // unnoticed: the answer only grows when one of them stops working.
    let mut broken = Vec::new();
    // `tokio::sync` needs no runtime at all.
    let (tx, rx) = tokio::sync::oneshot::channel();
    let _ = tx.send(7);
    if rx.await != Ok(7) {
        broken.push("`tokio::sync` does not work bare");
    }
    // A tokio runtime of one's own, its tasks' `JoinHandle`s awaited here.
    match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => {
            let own = rt.spawn(async move {
                tokio::time::sleep(Duration::from_millis(1)).await;
                tokio::net::TcpListener::bind(addr).await.is_ok()
            });
            if !matches!(own.await, Ok(true)) {
                broken.push("a task on a runtime of one's own does not work");
            }
            rt.shutdown_background();
        }
        Err(_) => broken.push("a runtime of one's own does not start"),
    }
    if broken.is_empty() {
        fact
    } else {
        format!("{fact}; but {}", broken.join(", "))
    }
}

/// Opens its gate when it is dropped: the end of the future that holds it, whether the
/// future completed or was cancelled, seen from outside.
#[derive(Debug)]
pub struct OpenOnDrop(pub Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// What became of a child task once its parent had been cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// Released after its parent was gone, it completed: it ran on.
    RanOn,
    /// Its future was dropped without completing: it was cancelled.
    Cancelled,
    /// It had not started within [`PATIENCE`], so the probe could not tell.
    NeverStarted,
    /// It neither completed nor was dropped within [`PATIENCE`] of its release.
    Stuck,
}

/// A child task of the nested-cancel probes, watched from outside. Its future waits until
/// the probe releases it (a oneshot channel, which works on every runtime), then completes;
/// a guard inside it says when the future ends. The probe releases it only once its parent
/// is gone, so a child that completes ran on after its parent's cancellation, and one whose
/// future ended without completing was cancelled: the probe causes the order, and waits
/// [`PATIENCE`] for either, which no load can turn into the other.
#[derive(Debug)]
pub struct Child {
    started: Arc<Gate>,
    ended: Arc<Gate>,
    completed: Flag,
    release: std::sync::Mutex<Option<futures::channel::oneshot::Sender<()>>>,
}

impl Child {
    /// A child, and the future its parent spawns as its task.
    pub fn new() -> (Arc<Child>, impl Future<Output = ()> + Send + 'static) {
        let (release, released) = futures::channel::oneshot::channel();
        let child = Arc::new(Child {
            started: Arc::default(),
            ended: Arc::default(),
            completed: Flag::new(),
            release: std::sync::Mutex::new(Some(release)),
        });
        // The guard is made here and moved in, so that it reports the future's end even if
        // the future is dropped before its first poll.
        let (started, ended, completed) = (
            child.started.clone(),
            OpenOnDrop(child.ended.clone()),
            child.completed.clone(),
        );
        let task = async move {
            let _ended = ended;
            let mut released = released;
            // It opens `started` only once it waits at the gate (registered, and found
            // closed), and looks at the gate no more in that poll. A task that is running
            // when it is cancelled finishes its poll first: a child that opened `started`
            // and then looked at the gate could see a release sent after its cancellation,
            // and complete. This way only a later poll sees the release, and a cancelled
            // task is polled no more.
            let released = std::future::poll_fn(|cx| {
                let poll = std::pin::Pin::new(&mut released).poll(cx);
                if poll.is_pending() {
                    started.open();
                }
                poll
            })
            .await;
            if released.is_ok() {
                completed.set();
            }
        };
        (child, task)
    }

    /// Releases it and says what became of it: called once its parent is gone.
    pub fn fate(&self) -> Fate {
        if !self.started.is_open() {
            return Fate::NeverStarted;
        }
        let release = self
            .release
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(release) = release {
            // A child whose future was dropped has dropped its receiver too: nothing to do.
            let _ = release.send(());
        }
        if !self.ended.wait(PATIENCE) {
            Fate::Stuck
        } else if self.completed.get() {
            Fate::RanOn
        } else {
            Fate::Cancelled
        }
    }
}

/// Waits until every child has started (so the parent has spawned them all), runs `cancel`,
/// which cancels their parent and returns once the parent's future is gone, then releases
/// each child and says what became of it.
pub fn after_parent_cancelled<const N: usize>(
    children: [&Child; N],
    cancel: impl FnOnce(),
) -> [Fate; N] {
    for child in children {
        child.started.wait(PATIENCE);
    }
    cancel();
    children.map(Child::fate)
}

/// The plain half of a nested-cancel cell on tokio and async-std: what became of the child
/// the parent was awaiting and of the one whose handle it only kept.
pub fn plain_children_part(awaited: Fate, kept: Fate) -> String {
    match (awaited, kept) {
        (Fate::RanOn, Fate::RanOn) => "run on, even the one it was awaiting".to_owned(),
        (awaited, kept) => {
            format!("the child it awaited: {awaited:?}, the one it only kept: {kept:?}")
        }
    }
}

/// Whether this process ignores SIGINT (Linux: the `SigIgn` mask of `/proc/self/status`).
/// A script's background job does (`cargo test &`), and every process started from it
/// inherits that; elsewhere than on Linux, the probe assumes the default.
pub fn sigint_ignored() -> bool {
    const SIGINT_BIT: u64 = 1 << (2 - 1);
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("SigIgn:"))
                .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
        })
        .is_some_and(|mask| mask & SIGINT_BIT != 0)
}

/// What a child process did with a SIGINT sent once it said it was ready.
#[derive(Debug, Default)]
pub struct Interrupted {
    /// Whether it said `ready` within [`PATIENCE`] (if not, it was sent no signal).
    pub ready: bool,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Its exit code, if it exited.
    pub code: Option<i32>,
    /// Whether it was still running [`PATIENCE`] after the signal (and was then killed).
    pub hung: bool,
    /// The lines it printed after `ready`.
    pub after: Vec<String>,
}

/// A child process that is killed and reaped however the probe leaves it, so that no probe
/// leaves a process behind, even one that panics.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Starts `command`, waits until it prints `ready`, sends it a real SIGINT (`kill -INT`, the
/// shell's own, as from another terminal; Ctrl-C sends the same signal to the terminal's
/// foreground processes), and waits for it to end: what it did. The child is expected to end
/// its work by itself within [`PATIENCE`] if no signal ends it, so that even a probe that is
/// itself killed leaves nothing running for long.
#[cfg(unix)]
pub fn interrupt(mut command: std::process::Command) -> std::io::Result<Interrupted> {
    use std::io::BufRead as _;
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::Stdio;
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = Reaped(command.spawn()?);
    let stdout = child
        .0
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no stdout"))?;
    // A thread reads the lines, so that the probe can wait for them with a limit.
    let (line_tx, lines) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line_tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Interrupted::default();
    while let Ok(line) = lines.recv_timeout(PATIENCE) {
        if line == "ready" {
            seen.ready = true;
            break;
        }
    }
    if seen.ready {
        let pid = child.0.id().to_string();
        std::process::Command::new("sh")
            .args(["-c", "kill -INT \"$1\"", "sh", &pid])
            .status()?;
        let signalled = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.0.try_wait()? {
                break Some(status);
            }
            if signalled.elapsed() > PATIENCE {
                break None;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        seen.hung = status.is_none();
        seen.signal = status.and_then(|status| status.signal());
        seen.code = status.and_then(|status| status.code());
    }
    // Ends the child if it is still there; then its stdout closes and the reader ends.
    drop(child);
    let _ = reader.join();
    seen.after = lines.try_iter().collect();
    Ok(seen)
}

/// Without Unix signals there is nothing to probe.
#[cfg(not(unix))]
pub fn ctrl_c(_runtime: &str) -> String {
    "no Unix signals here".to_owned()
}

/// The Ctrl-C probe of a Rust runtime: runs its `ctrl-c` child (tasks that print
/// `finished` when they end and `destructor` when their future is dropped; `main returned`
/// after `block_on`), interrupts it, and says what happened. A Rust program cannot restore
/// an ignored SIGINT to its default without `unsafe`, so where the probe itself ignores it
/// (a script's background job), the child is started through GNU `env --default-signal`,
/// which does that before it starts the program.
#[cfg(unix)]
pub fn ctrl_c(runtime: &str) -> String {
    let mut command = if sigint_ignored() {
        let mut env = std::process::Command::new("env");
        env.arg("--default-signal=INT").arg(crate::exe());
        env
    } else {
        std::process::Command::new(crate::exe())
    };
    command.args(["child", runtime, "ctrl-c"]);
    match interrupt(command) {
        Ok(seen) => ctrl_c_fact(&seen),
        Err(err) => format!("the child did not start: {err}"),
    }
}

/// What a Rust child did with the SIGINT, in the table's words.
pub fn ctrl_c_fact(seen: &Interrupted) -> String {
    if !seen.ready {
        let why = if sigint_ignored() {
            " (SIGINT is ignored here, and `env --default-signal` did not start it)"
        } else {
            ""
        };
        return format!("the child never said it was ready{why}");
    }
    let ended = match (seen.signal, seen.code, seen.hung) {
        (Some(2), _, _) => "ended by the signal (a shell's 130)".to_owned(),
        (Some(signal), _, _) => format!("ended by signal {signal}"),
        (None, Some(code), _) => format!("exited with {code}"),
        (_, _, true) => "still running 30 s after the signal".to_owned(),
        _ => "ended, no one knows how".to_owned(),
    };
    if seen.after.is_empty() {
        format!("{ended}: no task's `Drop` runs, nothing after the signal is printed")
    } else {
        format!("{ended}, after printing {:?}", seen.after)
    }
}

/// The Ctrl-C child's tasks: each says it started, then sleeps with the runtime's `sleep`
/// (for [`PATIENCE`]) and prints `finished`; its guard prints `destructor` if its future is
/// ever dropped, whether it finished or not.
pub async fn interruptible<S: Future<Output = ()>>(
    guard: PrintOnDrop,
    started: futures::channel::oneshot::Sender<()>,
    sleep: S,
) {
    let _guard = guard;
    let _ = started.send(());
    sleep.await;
    println!("finished");
}

/// How many workers the work-queue probes spawn.
pub const POOL_WORKERS: usize = 3;
/// How many items they put on the queue: `0..POOL_ITEMS`.
pub const POOL_ITEMS: usize = 9;
/// The item whose work panics.
pub const DYING_ITEM: usize = 4;

/// The work on one item of the worker-panic probes: it awaits once (so the worker dies
/// mid-item, past an `.await`, as real work does), then returns its item.
///
/// # Panics
///
/// On [`DYING_ITEM`], on purpose.
pub async fn pool_item(item: usize) -> usize {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            std::task::Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
    .await;
    assert_ne!(item, DYING_ITEM, "item {item} panics");
    item
}

/// Waits, with the runtime's own `sleep`, until `done()` holds: whether it did within
/// [`PATIENCE`].
pub async fn wait_until<S: Future<Output = ()>>(
    done: impl Fn() -> bool,
    sleep: impl Fn(Duration) -> S,
) -> bool {
    let start = std::time::Instant::now();
    while !done() {
        if start.elapsed() > PATIENCE {
            return false;
        }
        sleep(Duration::from_millis(10)).await;
    }
    true
}

/// Feeds a pool of workers whose item [`DYING_ITEM`] panics: the items up to it, then,
/// once the panic hook has seen the panic, the rest, so that every item after it is taken
/// by a worker that outlived the dead one; then it drops `queue`, its last sender, which
/// closes the queue. `send` puts one item on it.
pub async fn feed_pool<Q, S: Future<Output = ()>>(
    queue: Q,
    send: impl Fn(&Q, usize),
    panics: &AtomicUsize,
    sleep: impl Fn(Duration) -> S,
) {
    for item in 0..=DYING_ITEM {
        send(&queue, item);
    }
    wait_until(|| panics.load(Ordering::SeqCst) > 0, sleep).await;
    for item in DYING_ITEM + 1..POOL_ITEMS {
        send(&queue, item);
    }
    drop(queue);
}

/// What a worker-panic probe saw.
#[derive(Debug, Default)]
pub struct PoolSeen {
    /// How many times the panic hook ran.
    pub hook_calls: usize,
    /// The items whose results came back, in the order they came.
    pub done: Vec<usize>,
    /// Whether the results' channel closed (every worker gone) within [`PATIENCE`].
    pub closed: bool,
    /// How many workers' handles reported a panic, and how many a normal end.
    pub panicked: usize,
    /// See [`PoolSeen::panicked`].
    pub ended: usize,
}

/// A worker-panic cell: `notice` is how the dead worker's handle tells of the panic, in the
/// table's words. That the probe says anything at all shows that the process went on.
pub fn worker_panic_fact(seen: &PoolSeen, notice: &str) -> String {
    let printed = match seen.hook_calls {
        1 => "the panic hook prints it".to_owned(),
        n => format!("the panic hook runs {n} times"),
    };
    let mut done = seen.done.clone();
    done.sort_unstable();
    let rest: Vec<usize> = (0..POOL_ITEMS).filter(|&item| item != DYING_ITEM).collect();
    let drained = if done == rest {
        "the others drain the rest".to_owned()
    } else {
        format!("the items done: {done:?}")
    };
    let lost = match (done.contains(&DYING_ITEM), seen.closed) {
        (false, true) => "its item is lost (the results end one short)",
        (false, false) => "its item is lost, and the results' channel never closes",
        (true, _) => "its item is done all the same",
    };
    let told = if seen.panicked == 1 && seen.ended == POOL_WORKERS - 1 {
        notice.to_owned()
    } else {
        format!(
            "{} handles report a panic, {} a normal end",
            seen.panicked, seen.ended
        )
    };
    format!("the process goes on, {printed}; {drained}; {lost}; {told}")
}

/// What a receiver-dropped probe saw on one channel.
#[derive(Debug, Default)]
pub struct SendSeen {
    /// A `send` with room, after every receiver was dropped, failed in its first poll and
    /// handed the item back.
    pub fails_at_once: bool,
    /// A `send` that was waiting for room when the last receiver was dropped woke with the
    /// error and the item (within [`PATIENCE`]).
    pub waiting_wakes: bool,
    /// When the item still queued was dropped.
    pub queued: Queued,
}

/// When an item still queued in a channel whose last receiver was dropped is dropped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Queued {
    /// With the last receiver: its guard had run by the time the drop returned.
    WithReceiver,
    /// Only once the last sender was dropped too.
    WithSender,
    /// Not even then.
    #[default]
    Never,
}

impl Queued {
    /// From whether the item's guard had run after the last receiver's drop, and after the
    /// last sender's.
    pub fn seen(after_receiver: bool, after_sender: bool) -> Self {
        match (after_receiver, after_sender) {
            (true, _) => Queued::WithReceiver,
            (false, true) => Queued::WithSender,
            (false, false) => Queued::Never,
        }
    }
}

/// A receiver-dropped cell; `error` is the error as the runtime spells it.
pub fn receiver_dropped_fact(seen: &SendSeen, error: &str) -> String {
    let send = match (seen.fails_at_once, seen.waiting_wakes) {
        (true, true) => format!(
            "yes: `send` gives `{error}` at once, even with room, and a waiting `send` wakes \
             with it"
        ),
        (at_once, wakes) => {
            format!(
                "`send` fails at once: {at_once}; a waiting `send` wakes with the error: {wakes}"
            )
        }
    };
    let queued = match seen.queued {
        Queued::WithReceiver => "what is queued is dropped with the receiver",
        Queued::WithSender => "what is queued stays until the last sender is dropped too",
        Queued::Never => "what is queued is never dropped",
    };
    format!("{send}; {queued}")
}

/// What a bounded channel of capacity 0 did when it was made: its panic's message, or
/// that it was made.
pub fn capacity_zero_fact<T>(make: impl FnOnce() -> T + std::panic::UnwindSafe) -> String {
    quiet_panics();
    match std::panic::catch_unwind(make) {
        Err(payload) => format!("panics: \"{}\"", panic_message(&*payload)),
        Ok(_) => "it is made".to_owned(),
    }
}
