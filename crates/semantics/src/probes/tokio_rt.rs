//! The probes on tokio: a multi-threaded runtime built by hand, as `#[tokio::main]` does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::time::sleep;

use super::{Child, Fate, Flag, Guard};

fn runtime() -> Runtime {
    Runtime::new().expect("a tokio runtime starts")
}

/// Runs the probe of one row and says what it saw.
pub fn probe(row: &str) -> String {
    match row {
        "dropped-handle" => dropped_handle(),
        "main-returns" => main_returns(),
        "canceller" => canceller(),
        "async-cleanup" => async_cleanup(),
        "panic-awaited" => panic_awaited(),
        "panic-unawaited" => panic_unawaited(),
        "gather-siblings" => gather_siblings(),
        "timeout-spawned" => timeout_spawned(),
        "timer-1ms" | "timer-100us" => timer(row),
        "threads" => threads(),
        "deadline-zero" => deadline_zero(),
        "same-instant" => same_instant(),
        "blocking-call" => blocking_call(),
        "never-yields" => never_yields(),
        "blocking-timeout" => blocking_timeout(),
        "blocking-pool" => blocking_pool(),
        "tokio-elsewhere" => tokio_elsewhere(),
        "ctrl-c" => super::ctrl_c("tokio"),
        "nested-cancel" => nested_cancel(),
        "worker-panic" => worker_panic(),
        "receiver-dropped" => receiver_dropped(),
        "capacity-zero" => super::capacity_zero_fact(|| tokio::sync::mpsc::channel::<u32>(0)),
        other => format!("no probe for {other}"),
    }
}

fn dropped_handle() -> String {
    let rt = runtime();
    rt.block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        drop(tokio::spawn(async move {
            sleep(Duration::from_millis(50)).await;
            r.set();
        }));
        sleep(Duration::from_millis(600)).await;
        super::dropped_handle_fact(ran.get())
    })
}

fn main_returns() -> String {
    super::main_returns_fact(&crate::child_output("tokio", "main-returns", &[]))
}

fn canceller() -> String {
    const SEEN: &str =
        "`abort()`, then `.await` gives `Err(e)`, `e.is_cancelled()` (`Ok` if it had finished)";
    let rt = runtime();
    rt.block_on(async {
        let task = tokio::spawn(async { sleep(Duration::from_secs(10)).await });
        task.abort();
        let running = task.await;
        let returning = Flag::new();
        let r = returning.clone();
        let done = tokio::spawn(async move {
            r.set();
            7
        });
        // Let it finish, however loaded the machine, before cancelling it.
        for _ in 0..200 {
            if returning.get() {
                break;
            }
            sleep(Duration::from_millis(10)).await;
        }
        sleep(Duration::from_millis(50)).await;
        done.abort();
        match (running, done.await) {
            (Err(e), Ok(7)) if e.is_cancelled() => SEEN.to_owned(),
            (running, done) => format!("unexpected: {running:?}, {done:?}"),
        }
    })
}

fn async_cleanup() -> String {
    let rt = runtime();
    rt.block_on(async {
        let (dropped, after) = (Flag::new(), Flag::new());
        // The guard is made here and moved in, so that it is dropped with the future
        // even if the task was never polled before its cancellation.
        let (guard, a) = (Guard(dropped.clone()), after.clone());
        let task = tokio::spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(10)).await;
            a.set();
        });
        sleep(Duration::from_millis(50)).await;
        task.abort();
        let _ = task.await;
        super::cleanup_fact(dropped.get(), after.get())
    })
}

fn panic_awaited() -> String {
    let rt = runtime();
    super::quiet_panics();
    rt.block_on(async {
        let task = tokio::spawn(async { panic!("boom") });
        match task.await {
            Err(e) if e.is_panic() => "caught: `.await` gives `Err(e)`, `e.is_panic()`".to_owned(),
            other => format!("unexpected: {other:?}"),
        }
    })
}

fn panic_unawaited() -> String {
    let rt = runtime();
    let panics = super::count_panics();
    rt.block_on(async {
        drop(tokio::spawn(async { panic!("boom") }));
        for _ in 0..200 {
            if panics.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                break;
            }
            sleep(Duration::from_millis(10)).await;
        }
        let alive = tokio::spawn(async { 1 }).await.is_ok();
        super::unawaited_panic_fact(panics.load(std::sync::atomic::Ordering::SeqCst), alive)
    })
}

fn gather_siblings() -> String {
    let rt = runtime();
    rt.block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let slow = tokio::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
            Ok::<(), ()>(())
        });
        let failing = tokio::spawn(async { Err::<(), ()>(()) });
        let joined = futures::future::try_join_all(
            [failing, slow].map(|handle| async { handle.await.unwrap_or(Err(())) }),
        )
        .await;
        sleep(Duration::from_millis(600)).await;
        super::siblings_fact(joined.is_err(), ran.get())
    })
}

fn timeout_spawned() -> String {
    let rt = runtime();
    rt.block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let task = tokio::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
        });
        let timed_out = tokio::time::timeout(Duration::from_millis(20), task)
            .await
            .is_err();
        sleep(Duration::from_millis(600)).await;
        super::timeout_fact(timed_out, ran.get())
    })
}

fn timer(row: &str) -> String {
    let rt = runtime();
    let requested = if row == "timer-1ms" {
        Duration::from_millis(1)
    } else {
        Duration::from_micros(100)
    };
    if requested < Duration::from_millis(1) {
        let paused = sub_ms_on_paused_clock(requested);
        return if rt.block_on(ends_on_ticks_on_real_clock(requested)) {
            paused
        } else {
            format!("{paused} on the paused clock; the real clock can end sooner")
        };
    }
    // Sleeps one after another, as a loop of short sleeps in a real program takes them.
    let fastest = rt.block_on(async {
        let mut fastest = Duration::MAX;
        for _ in 0..super::tries(requested) {
            let start = Instant::now();
            sleep(requested).await;
            fastest = fastest.min(start.elapsed());
            if super::settled(requested, fastest) {
                break;
            }
        }
        fastest
    });
    super::timer_fact(requested, fastest)
}

/// A sub-millisecond sleep on tokio's paused clock, which jumps straight to the next timer
/// the wheel would fire: how long the sleep lasts on that clock is the wheel's rounding,
/// exactly, whatever the machine's load.
fn sub_ms_on_paused_clock(requested: Duration) -> String {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a paused tokio runtime starts");
    let slept = rt.block_on(async {
        let start = tokio::time::Instant::now();
        sleep(requested).await;
        start.elapsed()
    });
    if slept < requested {
        "can end early".to_owned()
    } else if slept < Duration::from_millis(1) {
        "sub-millisecond: can end well under 1 ms".to_owned()
    } else {
        "rounded up to the timer wheel's next 1 ms tick".to_owned()
    }
}

/// The same rounding on the real clock, as a fact a load cannot change: a sleep never
/// ends before the millisecond tick at or after its deadline, so of sleeps taken one after
/// another, each one after the first ends at least a whole tick after the one before it.
/// Ten 100 µs sleeps in a row therefore take at least 9 ms (on a timer that does not round,
/// they take about 1 ms on an idle machine); a load can only make them take longer.
async fn ends_on_ticks_on_real_clock(requested: Duration) -> bool {
    const SLEEPS: u32 = 10;
    let start = Instant::now();
    for _ in 0..SLEEPS {
        sleep(requested).await;
    }
    start.elapsed() >= Duration::from_millis(u64::from(SLEEPS - 1)) + requested
}

/// `timeout(ZERO, f)`, on the paused clock so that the answer is exact: `Timeout` polls
/// its future before it looks at the deadline, and a zero deadline, like every deadline,
/// is rounded up to the timer wheel's next 1 ms tick, which an idle runtime waits for by
/// whole milliseconds (its clock jumps 1 ms); until then, `f` is polled again whenever it
/// is woken. The clock is first moved 0.4 ms into a millisecond, so that the deadline is
/// not exactly on a tick, as on the real clock it practically never is.
fn deadline_zero() -> String {
    let rt = Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a paused tokio runtime starts");
    rt.block_on(async {
        tokio::time::advance(Duration::from_micros(400)).await;
        let started = Flag::new();
        let begin = tokio::time::Instant::now();
        let never =
            tokio::time::timeout(Duration::ZERO, super::never_finishing(started.clone())).await;
        let ended = begin.elapsed();
        let sleeps_zero = tokio::time::timeout(Duration::ZERO, async {
            sleep(Duration::ZERO).await;
            7
        })
        .await;
        let when = never.is_err().then(|| {
            if ended.is_zero() {
                "at once".to_owned()
            } else if ended == Duration::from_millis(1) {
                "1 ms later (the timer's tick), not at once".to_owned()
            } else {
                format!("after {ended:?} on the paused clock")
            }
        });
        super::zero_deadline_fact(
            "timeout(ZERO, f)",
            started.get(),
            when.as_deref(),
            sleeps_zero == Ok(7),
        )
    })
}

/// Two tasks whose sleeps end on the same tick, on a runtime of two workers (the default
/// on two cores; set here so that the fact does not depend on the machine): each blocks
/// its worker until the other is running too. Both get there only if the two workers run
/// them at the same time, so which one "goes first" is not decided by anything.
fn same_instant() -> String {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime starts");
    rt.block_on(async {
        let rendezvous = Arc::new(super::Rendezvous::default());
        let deadline = tokio::time::Instant::now() + Duration::from_millis(50);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let rendezvous = rendezvous.clone();
                tokio::spawn(async move {
                    tokio::time::sleep_until(deadline).await;
                    let met = rendezvous.arrive(super::RENDEZVOUS_LIMIT);
                    (met, std::thread::current().id())
                })
            })
            .collect();
        let (mut met, mut threads) = (true, Vec::new());
        for task in tasks {
            match task.await {
                Ok((arrived, thread)) => {
                    met &= arrived;
                    threads.push(thread);
                }
                Err(_) => met = false,
            }
        }
        super::at_once_fact(met, &threads, "on the same tick", "worker")
    })
}

fn threads() -> String {
    let rt = runtime();
    let workers = rt.metrics().num_workers();
    let with = crate::child_output("tokio", "threads", &[("TOKIO_WORKER_THREADS", "3")]);
    let with: usize = with.trim().parse().unwrap_or(0);
    super::threads_fact(workers, with, "TOKIO_WORKER_THREADS")
}

/// A runtime of two workers, set here so that what a blocking task stalls does not depend
/// on the machine's cores (the default is one worker per core).
fn two_workers() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime starts")
}

/// A blocking call inside a task, on two workers: with one worker blocked, another task
/// spawned from outside runs on the other worker (caused: it runs while the blocking task
/// is held at a gate only the probe opens); a task the blocking task spawned itself just
/// before blocking waits in that worker's LIFO slot, which the other worker cannot steal;
/// with both workers blocked, nothing runs. Where a task is expected to wait, the probe
/// waits [`super::QUIET`] for it; where it is expected to run, [`super::PATIENCE`].
fn blocking_call() -> String {
    let rt = two_workers();
    let handle = rt.handle().clone();
    let spawn: super::Spawner = Arc::new(move |future| drop(handle.spawn(future)));
    let one = super::stall_round(&spawn, 1, false, super::PATIENCE);
    let spawned_by_it = super::stall_round(&spawn, 1, true, super::QUIET);
    let all = super::stall_round(&spawn, 2, false, super::QUIET);
    super::stall_fact(one, spawned_by_it, all, "worker")
}

/// A loop with no `.await`, under `timeout` and under `abort()`, on two workers (the loop
/// holds one; the other keeps the timer). Each spins until the probe stops it; the probe
/// watches from outside the runtime, with blocking waits.
fn never_yields() -> String {
    let rt = two_workers();
    // Under a timeout of 20 ms, in a task: does the timeout return while the loop spins?
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (tx, rx) = std::sync::mpsc::channel();
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    rt.spawn(async move {
        let result = tokio::time::timeout(Duration::from_millis(20), async move {
            super::spin(&s, &st, &e)
        })
        .await;
        let _ = tx.send(result.is_ok());
    });
    spinning.wait(super::PATIENCE);
    let early = rx.recv_timeout(super::QUIET).is_ok() && !ended.get();
    stop.set();
    let timeout = super::returned(early, || {
        let ok = rx.recv_timeout(super::PATIENCE).ok()?;
        Some(if ok { "its `Ok`" } else { "`Err(Elapsed)`" }.to_owned())
    });
    // `abort()` while the loop spins, then `.await` the handle.
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    let task = rt.spawn(async move { super::spin(&s, &st, &e) });
    spinning.wait(super::PATIENCE);
    task.abort();
    std::thread::sleep(super::QUIET);
    let early = task.is_finished() && !ended.get();
    stop.set();
    let cancel = super::returned(early, || {
        Some(match rt.block_on(task) {
            Ok(_) => "`Ok`".to_owned(),
            Err(e) if e.is_cancelled() => "`Err`, cancelled".to_owned(),
            Err(e) => e.to_string(),
        })
    });
    // The same loop with `yield_now().await` on every turn: both stop it.
    let ended = Flag::new();
    let e = ended.clone();
    let timed_out = rt.block_on(async move {
        let spinning = Arc::new(super::Gate::default());
        let looping = super::spin_yielding(spinning, e, tokio::task::yield_now);
        tokio::time::timeout(Duration::from_millis(20), looping)
            .await
            .is_err()
    });
    let (spinning, ended_too) = (Arc::new(super::Gate::default()), Flag::new());
    let task = rt.spawn(super::spin_yielding(
        spinning.clone(),
        ended_too.clone(),
        tokio::task::yield_now,
    ));
    spinning.wait(super::PATIENCE);
    task.abort();
    let aborted = rt.block_on(task).is_err_and(|e| e.is_cancelled());
    let yielding_stops = timed_out && aborted && !ended.get() && !ended_too.get();
    super::never_yields_fact(
        ("`timeout(d, f)`", &timeout),
        ("`.await` after `abort()`", &cancel),
        "tokio::task::yield_now().await",
        yielding_stops,
    )
}

/// Blocking work under a timeout, `abort()`, and the runtime's shutdown. The work is held at
/// a gate until the probe lets it go, so "returned while held" is caused; a call the probe
/// expects to wait (`.await` after `abort()`, dropping the runtime) is given
/// [`super::QUIET`] to return while the work is held, and does not.
fn blocking_timeout() -> String {
    let rt = runtime();
    // `timeout(d, spawn_blocking(work))`.
    let work = super::HeldWork::new();
    let w = work.clone();
    let returned = rt.block_on(async move {
        let timed_out = tokio::time::timeout(
            Duration::from_millis(50),
            tokio::task::spawn_blocking(w.work()),
        )
        .await
        .is_err();
        timed_out && !w.finished()
    });
    work.release();
    let timeout = super::blocking_timeout_part(returned, work.wait_finished());
    // `abort()` once it has started, then `.await` the handle.
    let work = super::HeldWork::new();
    let task = rt.spawn_blocking(work.work());
    work.wait_started();
    task.abort();
    std::thread::sleep(super::QUIET);
    let returned_early = task.is_finished();
    work.release();
    let result = match rt.block_on(task) {
        Ok(_) => "`Ok`".to_owned(),
        Err(e) if e.is_cancelled() => "cancelled".to_owned(),
        Err(e) => format!("{e}"),
    };
    let abort = super::blocking_cancel_part(
        "`.await` after `abort()`",
        returned_early,
        &result,
        work.wait_finished(),
    );
    // Dropping the runtime, and `shutdown_timeout`, with the work still running.
    let drop_waits = shutdown_waits(drop, super::QUIET);
    let timeout_waits = shutdown_waits(
        |rt| rt.shutdown_timeout(Duration::from_millis(50)),
        super::PATIENCE,
    );
    let shutdown = match (drop_waits, timeout_waits) {
        (true, false) => {
            "dropping the `Runtime` waits for it, `shutdown_timeout(d)` does not".to_owned()
        }
        (drop_waits, timeout_waits) => format!(
            "dropping the `Runtime` waits for it: {drop_waits}; `shutdown_timeout(d)`: {timeout_waits}"
        ),
    };
    format!("{timeout}; {abort}; {shutdown}")
}

/// Whether `shut` (dropping a runtime or shutting it down), called in a thread of its own
/// while blocking work runs, waits for the work: it is given `patience` to return while the
/// work is held.
fn shutdown_waits(shut: impl FnOnce(Runtime) + Send + 'static, patience: Duration) -> bool {
    let rt = runtime();
    let work = super::HeldWork::new();
    drop(rt.spawn_blocking(work.work()));
    work.wait_started();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        shut(rt);
        let _ = tx.send(());
    });
    let returned_while_held = rx.recv_timeout(patience).is_ok();
    work.release();
    work.wait_finished();
    let _ = rx.recv_timeout(super::PATIENCE);
    !returned_while_held
}

/// The blocking pool's size, measured rather than read from tokio's source: 513 works
/// that each hold their thread, of which 512 run at once; with `max_blocking_threads(3)`,
/// 4 works, 3 at once. Measuring the default takes 512 real threads, which on Linux cost
/// little more than their stacks' address space and start in a few tens of milliseconds.
fn blocking_pool() -> String {
    const DEFAULT: usize = 512;
    let at_once = |rt: &Runtime, expected: usize| {
        super::blocking_at_once(
            expected,
            |work| rt.spawn_blocking(work),
            |handles| {
                rt.block_on(futures::future::join_all(handles));
            },
        )
    };
    let default = at_once(&runtime(), DEFAULT);
    let small = Builder::new_multi_thread()
        .max_blocking_threads(3)
        .build()
        .expect("a tokio runtime starts");
    let with_knob = at_once(&small, 3);
    super::pool_fact(default, DEFAULT + 1, "max_blocking_threads(3)", with_knob)
}

/// tokio's own timer and sockets, on tokio.
fn tokio_elsewhere() -> String {
    let works = runtime().block_on(async {
        sleep(Duration::from_millis(1)).await;
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        tokio::net::TcpListener::bind(addr).await.is_ok()
    });
    if works {
        "works: it is tokio's own".to_owned()
    } else {
        "fails".to_owned()
    }
}

/// A parent task aborted while its children wait at gates the probe holds: first a parent
/// that spawned two children with `tokio::spawn`, awaiting one and only keeping the
/// other's handle; then a parent whose two children are in a `JoinSet` it owns. The probe
/// aborts each parent once its children have started and awaits it (its future is gone by
/// then), and only then releases the children.
fn nested_cancel() -> String {
    let rt = runtime();
    let cancel = |parent: tokio::task::JoinHandle<()>| {
        parent.abort();
        let _ = rt.block_on(parent);
    };
    let ((awaited, a), (kept, k)) = (Child::new(), Child::new());
    let parent = rt.spawn(async move {
        let _kept = tokio::spawn(k);
        let _ = tokio::spawn(a).await;
    });
    let [awaited, kept] = super::after_parent_cancelled([&awaited, &kept], || cancel(parent));
    let ((first, f), (second, s)) = (Child::new(), Child::new());
    let parent = rt.spawn(async move {
        let mut set = tokio::task::JoinSet::new();
        set.spawn(f);
        set.spawn(s);
        while set.join_next().await.is_some() {}
    });
    let owned = match super::after_parent_cancelled([&first, &second], || cancel(parent)) {
        [Fate::Cancelled, Fate::Cancelled] => {
            "a `JoinSet` owned by the parent aborts them".to_owned()
        }
        owned => format!("in a `JoinSet` owned by the parent: {owned:?}"),
    };
    format!("{}; {owned}", super::plain_children_part(awaited, kept))
}

/// The usual pool: workers spawned into a `JoinSet`, sharing the one `mpsc` receiver behind
/// an `Arc<tokio::sync::Mutex>`, each sending its results on a channel the probe reads
/// until every worker is gone; one item panics. Then the probe drains the `JoinSet`.
fn worker_panic() -> String {
    let rt = runtime();
    let panics = super::count_panics();
    rt.block_on(async {
        let (items, queue) = tokio::sync::mpsc::unbounded_channel();
        let queue = Arc::new(tokio::sync::Mutex::new(queue));
        let (results, mut done) = tokio::sync::mpsc::unbounded_channel();
        let mut pool = tokio::task::JoinSet::new();
        for _ in 0..super::POOL_WORKERS {
            let (queue, results) = (queue.clone(), results.clone());
            pool.spawn(async move {
                loop {
                    // The lock is released as soon as an item is taken.
                    let item = queue.lock().await.recv().await;
                    let Some(item) = item else { break };
                    let _ = results.send(super::pool_item(item).await);
                }
            });
        }
        drop((queue, results));
        // An unbounded queue: a send cannot wait, nor fail while a worker lives.
        super::feed_pool(
            items,
            |items, item| {
                let _ = items.send(item);
            },
            &panics,
            sleep,
        )
        .await;
        let mut seen = super::PoolSeen::default();
        seen.closed = tokio::time::timeout(super::PATIENCE, async {
            while let Some(item) = done.recv().await {
                seen.done.push(item);
            }
        })
        .await
        .is_ok();
        seen.hook_calls = panics.load(std::sync::atomic::Ordering::SeqCst);
        while let Some(joined) = pool.join_next().await {
            match joined {
                Ok(()) => seen.ended += 1,
                Err(e) if e.is_panic() => seen.panicked += 1,
                Err(_) => {}
            }
        }
        super::worker_panic_fact(
            &seen,
            "its `JoinSet`'s `join_next()` gives `Err(e)`, `e.is_panic()`",
        )
    })
}

/// `mpsc::channel(1)`, full, with a `send` waiting for room, when its receiver is dropped;
/// then a `send` on a channel with room and no receiver. The items are guards, so that the
/// probe sees when they are dropped.
fn receiver_dropped() -> String {
    use tokio::sync::mpsc::error::SendError;
    let rt = runtime();
    rt.block_on(async {
        let mut seen = super::SendSeen::default();
        // A full channel of one place, a `send` waiting for room, and the receiver dropped.
        let (queued, waiting) = (Flag::new(), Flag::new());
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let filled = tx.send(Guard(queued.clone())).await.is_ok();
        let with_receiver = {
            let mut send = std::pin::pin!(tx.send(Guard(waiting.clone())));
            let was_waiting = futures::poll!(send.as_mut()).is_pending();
            drop(rx);
            let with_receiver = queued.get();
            if let Ok(Err(SendError(item))) = tokio::time::timeout(super::PATIENCE, send).await {
                // The error holds the item: it has not been dropped.
                seen.waiting_wakes = filled && was_waiting && !waiting.get();
                drop(item);
            }
            with_receiver
        };
        // The last sender dropped too: now the channel itself goes.
        drop(tx);
        seen.queued = super::Queued::seen(with_receiver, queued.get());
        // A channel with room, and no receiver.
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        drop(rx);
        let kept = Flag::new();
        let mut send = std::pin::pin!(tx.send(Guard(kept.clone())));
        if let std::task::Poll::Ready(Err(SendError(item))) = futures::poll!(send.as_mut()) {
            seen.fails_at_once = !kept.get();
            drop(item);
        }
        super::receiver_dropped_fact(&seen, "Err(SendError(item))")
    })
}

/// The programs a probe runs in a process of its own.
pub fn child(what: &str) {
    match what {
        "main-returns" => {
            // What `#[tokio::main]` does: block on main, then drop the runtime.
            let rt = runtime();
            rt.block_on(async {
                let guard = super::PrintOnDrop("destructor");
                tokio::spawn(async move {
                    let _guard = guard;
                    println!("started");
                    sleep(Duration::from_secs(3)).await;
                    println!("finished");
                });
                sleep(Duration::from_millis(50)).await;
            });
        }
        "threads" => println!("{}", runtime().metrics().num_workers()),
        "ctrl-c" => {
            // No handler: SIGINT keeps the default the process started with.
            let rt = runtime();
            rt.block_on(async {
                let mut started = Vec::new();
                for _ in 0..2 {
                    let (tx, rx) = futures::channel::oneshot::channel();
                    let guard = super::PrintOnDrop("destructor");
                    tokio::spawn(super::interruptible(guard, tx, sleep(super::PATIENCE)));
                    started.push(rx);
                }
                futures::future::join_all(started).await;
                println!("ready");
                sleep(super::PATIENCE).await;
            });
            println!("main returned");
        }
        _ => {}
    }
}
