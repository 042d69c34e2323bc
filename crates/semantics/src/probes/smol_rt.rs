//! The probes on smol: its global executor (`smol::spawn`), driven by `smol::block_on`.

use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use smol::future::FutureExt as _;
use smol::{Task, Timer, block_on};

use super::{Child, Fate, Flag, Gate, Guard, OpenOnDrop};

async fn sleep(duration: Duration) {
    Timer::after(duration).await;
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
        "ctrl-c" => super::ctrl_c("smol"),
        "nested-cancel" => nested_cancel(),
        "worker-panic" => worker_panic(),
        "receiver-dropped" => receiver_dropped(),
        "capacity-zero" => super::capacity_zero_fact(|| smol::channel::bounded::<u32>(0)),
        other => format!("no probe for {other}"),
    }
}

fn dropped_handle() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        drop(smol::spawn(async move {
            sleep(Duration::from_millis(50)).await;
            r.set();
        }));
        sleep(Duration::from_millis(600)).await;
        super::dropped_handle_fact(ran.get())
    })
}

fn main_returns() -> String {
    super::main_returns_fact(&crate::child_output("smol", "main-returns", &[]))
}

fn canceller() -> String {
    const SEEN: &str = "`cancel().await` gives `None` (`Some(result)` if it had finished)";
    block_on(async {
        let running = smol::spawn(async { sleep(Duration::from_secs(10)).await });
        let running = running.cancel().await;
        let returning = Flag::new();
        let r = returning.clone();
        let done = smol::spawn(async move {
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
        match (running, done.cancel().await) {
            (None, Some(7)) => SEEN.to_owned(),
            (running, done) => format!("unexpected: {running:?}, {done:?}"),
        }
    })
}

fn async_cleanup() -> String {
    block_on(async {
        let (dropped, after) = (Flag::new(), Flag::new());
        // The guard is made here and moved in, so that it is dropped with the future
        // even if the task was never polled before its cancellation.
        let (guard, a) = (Guard(dropped.clone()), after.clone());
        let task = smol::spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(10)).await;
            a.set();
        });
        sleep(Duration::from_millis(50)).await;
        task.cancel().await;
        super::cleanup_fact(dropped.get(), after.get())
    })
}

fn panic_awaited() -> String {
    super::quiet_panics();
    block_on(async {
        let task = smol::spawn(async { panic!("boom") });
        match AssertUnwindSafe(task).catch_unwind().await {
            Err(_) => "re-raised: `.await` panics in the awaiter".to_owned(),
            Ok(()) => "unexpected: no panic".to_owned(),
        }
    })
}

fn panic_unawaited() -> String {
    let panics = super::count_panics();
    block_on(async {
        smol::spawn(async { panic!("boom") }).detach();
        for _ in 0..200 {
            if panics.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                break;
            }
            sleep(Duration::from_millis(10)).await;
        }
        let alive = smol::spawn(async { 1 }).await == 1;
        super::unawaited_panic_fact(panics.load(std::sync::atomic::Ordering::SeqCst), alive)
    })
}

fn gather_siblings() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let slow = smol::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
            Ok::<(), ()>(())
        });
        let failing = smol::spawn(async { Err::<(), ()>(()) });
        let joined = futures::future::try_join_all([failing, slow]).await;
        sleep(Duration::from_millis(600)).await;
        super::siblings_fact(joined.is_err(), ran.get())
    })
}

fn timeout_spawned() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let task = smol::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
            true
        });
        // smol has no `timeout`: race the task with a timer.
        let timed_out = !task
            .or(async {
                sleep(Duration::from_millis(20)).await;
                false
            })
            .await;
        sleep(Duration::from_millis(600)).await;
        super::timeout_fact(timed_out, ran.get())
    })
}

fn timer(row: &str) -> String {
    let requested = if row == "timer-1ms" {
        Duration::from_millis(1)
    } else {
        Duration::from_micros(100)
    };
    // Sleeps one after another, as a loop of short sleeps in a real program takes them.
    let fastest = block_on(async {
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

/// A zero deadline raced by `or`, which polls its left side first: `f.or(timer)` polls
/// `f` once, then the timer, which async-io makes ready in its first poll once its deadline
/// has passed (a zero deadline always has); `timer.or(f)` never polls `f`. Polled once by
/// hand, so that "at once" means "in the first poll".
fn deadline_zero() -> String {
    block_on(async {
        let timer = || async {
            sleep(Duration::ZERO).await;
            Err::<u32, ()>(())
        };
        let started = Flag::new();
        let job = super::never_finishing(started.clone());
        let mut never = pin!(async { Ok(job.await) }.or(timer()));
        let when = match futures::poll!(never.as_mut()) {
            Poll::Ready(Err(())) => Some("at once (in its first poll)"),
            Poll::Ready(Ok(_)) => None,
            Poll::Pending => never.await.is_err().then_some("later, not at once"),
        };
        let sleeps_zero = async {
            sleep(Duration::ZERO).await;
            Ok(7)
        }
        .or(timer())
        .await;
        let f_or_timer =
            super::zero_deadline_fact("f.or(timer)", started.get(), when, sleeps_zero == Ok(7));
        let started_after = Flag::new();
        let job = super::never_finishing(started_after.clone());
        let _ = timer().or(async { Ok(job.await) }).await;
        let timer_or_f = if started_after.get() {
            "`timer.or(f)`: f starts too"
        } else {
            "`timer.or(f)`: f never starts"
        };
        format!("{f_or_timer}. {timer_or_f}")
    })
}

/// Jobs with equal delays, on the global executor as it starts by default (one thread):
/// twenty tasks, spawned in order, each set a timer of the same delay and record when it
/// ends, five times over. async-io keeps its timers in a map ordered by (deadline, id)
/// and wakes the due ones in that order; one thread runs the woken tasks first in, first
/// out: so the tasks end in the order they set their timers, on every run, loaded or not.
/// (One window remains: a task that lost its thread for longer than its delay between
/// making its timer and first polling it, a few hundred nanoseconds, would find the timer
/// already due and end at once. The delay is long, 100 ms, to keep that theoretical.)
/// With `SMOL_THREADS=2` (a child process), two tasks due at the same instant run at once.
fn same_instant() -> String {
    let rounds: Vec<Vec<usize>> = (0..super::ORDER_ROUNDS)
        .map(|_| {
            block_on(async {
                let ended = Arc::new(Mutex::new(Vec::new()));
                let tasks: Vec<_> = (0..super::ORDER_TASKS)
                    .map(|job| {
                        let ended = ended.clone();
                        smol::spawn(async move {
                            sleep(Duration::from_millis(100)).await;
                            ended
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .push(job);
                        })
                    })
                    .collect();
                futures::future::join_all(tasks).await;
                std::mem::take(&mut *ended.lock().unwrap_or_else(PoisonError::into_inner))
            })
        })
        .collect();
    let two_threads = crate::child_output("smol", "same-instant", &[("SMOL_THREADS", "2")]);
    let two_threads = two_threads.trim();
    let order = if super::order_kept(&rounds) {
        "in the order set: one executor thread, and async-io wakes timers in deadline order"
    } else {
        "no order"
    };
    if two_threads.starts_with("no order: two tasks due at the same instant run at once") {
        format!("{order}; with `SMOL_THREADS=2`, two run at once on two threads")
    } else {
        format!("{order}; with `SMOL_THREADS=2`: {two_threads}")
    }
}

fn same_instant_here() -> String {
    block_on(async {
        let rendezvous = Arc::new(super::Rendezvous::default());
        let deadline = Instant::now() + Duration::from_millis(50);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let rendezvous = rendezvous.clone();
                smol::spawn(async move {
                    Timer::at(deadline).await;
                    let met = rendezvous.arrive(super::RENDEZVOUS_LIMIT);
                    (met, std::thread::current().id())
                })
            })
            .collect();
        let (mut met, mut threads) = (true, Vec::new());
        for (arrived, thread) in futures::future::join_all(tasks).await {
            met &= arrived;
            threads.push(thread);
        }
        super::at_once_fact(met, &threads, "at the same instant", "executor")
    })
}

fn threads() -> String {
    let default = count_threads();
    let with = crate::child_output("smol", "threads", &[("SMOL_THREADS", "3")]);
    super::threads_fact(default, with.trim().parse().unwrap_or(0), "SMOL_THREADS")
}

fn count_threads() -> usize {
    // The executor's threads are named `smol-…` (Linux shows 15 characters).
    super::executor_threads("smol-", |tasks| {
        block_on(futures::future::join_all(
            tasks
                .into_iter()
                .map(|work| smol::spawn(async move { work() })),
        ));
    })
}

fn spawner() -> super::Spawner {
    Arc::new(|future| smol::spawn(future).detach())
}

/// A blocking call inside a task, on the global executor as it starts by default (one
/// thread): another task does not start while it is held (given [`super::QUIET`]), and
/// runs once it returns. With `SMOL_THREADS=2` (a child process), the other thread runs it
/// meanwhile (given [`super::PATIENCE`]).
fn blocking_call() -> String {
    let one = super::stall_round(&spawner(), 1, false, super::QUIET);
    let two = crate::child_output("smol", "blocking-call", &[("SMOL_THREADS", "2")]);
    let two = match two.trim() {
        "RanWhileHeld" => "with `SMOL_THREADS=2`, the other thread runs the rest".to_owned(),
        other => format!("with `SMOL_THREADS=2`: {other}"),
    };
    format!("{}; {two}", super::one_thread_stall_fact(one))
}

/// A loop with no `.await`, raced with a timer by `or` and cancelled by `cancel().await`.
/// Each spins until the probe stops it; each call is given [`super::QUIET`] to return while
/// it spins.
fn never_yields() -> String {
    // Raced with a timer of 20 ms, in a task: does the race end while the loop spins?
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (tx, rx) = std::sync::mpsc::channel();
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    smol::spawn(async move {
        let result = async move { Some(super::spin(&s, &st, &e)) }
            .or(async {
                sleep(Duration::from_millis(20)).await;
                None
            })
            .await;
        let _ = tx.send(result.is_some());
    })
    .detach();
    spinning.wait(super::PATIENCE);
    let early = rx.recv_timeout(super::QUIET).is_ok() && !ended.get();
    stop.set();
    let timeout = super::returned(early, || {
        let ok = rx.recv_timeout(super::PATIENCE).ok()?;
        Some(if ok { "its value" } else { "the timer's" }.to_owned())
    });
    // `cancel().await` while the loop spins.
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    let running = smol::spawn(async move { super::spin(&s, &st, &e) });
    spinning.wait(super::PATIENCE);
    let cancel = block_on(async {
        let mut cancel = pin!(running.cancel());
        let early = async { Some(cancel.as_mut().await) }
            .or(async {
                sleep(super::QUIET).await;
                None
            })
            .await
            .is_some()
            && !ended.get();
        stop.set();
        if early {
            super::Returned::WhileRunning
        } else {
            async { super::Returned::After(format!("`{:?}`", cancel.await)) }
                .or(async {
                    sleep(super::PATIENCE).await;
                    super::Returned::Never
                })
                .await
        }
    });
    // The same loop with `yield_now().await` on every turn: both stop it.
    let ended = Flag::new();
    let timed_out = block_on(
        async {
            Some(super::spin_yielding(Arc::default(), ended.clone(), smol::future::yield_now).await)
        }
        .or(async {
            sleep(Duration::from_millis(20)).await;
            None
        }),
    )
    .is_none();
    let (spinning, ended_too) = (Arc::new(super::Gate::default()), Flag::new());
    let running = smol::spawn(super::spin_yielding(
        spinning.clone(),
        ended_too.clone(),
        smol::future::yield_now,
    ));
    spinning.wait(super::PATIENCE);
    let cancelled = block_on(running.cancel()).is_none();
    let yielding_stops = timed_out && cancelled && !ended.get() && !ended_too.get();
    super::never_yields_fact(
        ("`f.or(timer)`", &timeout),
        ("`cancel().await`", &cancel),
        "future::yield_now().await",
        yielding_stops,
    )
}

/// Blocking work (`smol::unblock`) raced with a timer, cancelled, and left running at
/// process exit. The work is held at a gate until the probe lets it go. The race is
/// expected to end while it is held (given [`super::PATIENCE`]); `cancel().await` is
/// expected to wait for the work (given [`super::QUIET`] to return while it is held).
fn blocking_timeout() -> String {
    let work = super::HeldWork::new();
    let w = work.clone();
    let returned = block_on(async move {
        let timed_out = async { Some(smol::unblock(w.work()).await) }
            .or(async {
                sleep(Duration::from_millis(50)).await;
                None
            })
            .await
            .is_none();
        timed_out && !w.finished()
    });
    work.release();
    let timeout = super::blocking_timeout_part(returned, work.wait_finished());
    // `cancel().await` once it has started.
    let work = super::HeldWork::new();
    let running = smol::unblock(work.work());
    work.wait_started();
    let cancel = block_on(async {
        let mut cancel = pin!(running.cancel());
        let early = async { Some(cancel.as_mut().await) }
            .or(async {
                sleep(super::QUIET).await;
                None
            })
            .await
            .is_some()
            && !work.finished();
        work.release();
        let result = async { format!("`{:?}`", cancel.await) }
            .or(async {
                sleep(super::PATIENCE).await;
                "never".to_owned()
            })
            .await;
        (early, result)
    });
    let cancel = super::blocking_cancel_part(
        "`cancel().await`",
        cancel.0,
        &cancel.1,
        work.wait_finished(),
    );
    let exit = super::blocking_exit_part(&crate::child_output("smol", "blocking-exit", &[]));
    format!("{timeout}; {cancel}; {exit}")
}

/// The blocking pool (the `blocking` crate's, as on async-std): 501 works, 500 run at
/// once; with `BLOCKING_MAX_THREADS=3` (a child process: the crate reads it once), 4
/// works, 3 at once.
fn blocking_pool() -> String {
    const DEFAULT: usize = 500;
    let default = pool_at_once(DEFAULT);
    let with = crate::child_output("smol", "blocking-pool", &[("BLOCKING_MAX_THREADS", "3")]);
    super::pool_fact(
        default,
        DEFAULT + 1,
        "BLOCKING_MAX_THREADS=3",
        with.trim().parse().unwrap_or(0),
    )
}

fn pool_at_once(expected: usize) -> usize {
    super::blocking_at_once(expected, smol::unblock, |tasks| {
        block_on(futures::future::join_all(tasks));
    })
}

/// tokio's timer and sockets on smol's `block_on`, once smol's own threads run.
fn tokio_elsewhere() -> String {
    block_on(async {
        smol::spawn(sleep(Duration::from_millis(1))).await;
        super::tokio_elsewhere().await
    })
}

/// What a parent task of the nested-cancel probe owns, in the order it is dropped (a
/// struct's fields drop in the order they are declared): the `Task`s of its children, then
/// the guard that tells the probe that the parent's future is gone.
struct Parent {
    tasks: Vec<Task<()>>,
    _gone: OpenOnDrop,
}

/// Two rounds of a parent task cancelled (by `cancel`) while its children wait at gates the
/// probe holds: first a parent that spawned two children, awaiting the `Task` of one and
/// detaching the other; then a parent that keeps both `Task`s in a `Vec` and awaits them
/// all. Once the parent's future is gone, the probe releases the children.
fn nested_rounds(cancel: &dyn Fn(Task<()>)) -> [[Fate; 2]; 2] {
    // Spawns a parent that spawns `held` (keeping their `Task`s, which it awaits) and
    // `detached`; returns what cancels it and waits until its future is gone.
    let spawn_parent = |held: Vec<_>, detached: Vec<_>| {
        let gone = Arc::new(Gate::default());
        let guard = OpenOnDrop(gone.clone());
        let parent = smol::spawn(async move {
            for child in detached {
                smol::spawn(child).detach();
            }
            let mut parent = Parent {
                tasks: held.into_iter().map(smol::spawn).collect(),
                _gone: guard,
            };
            futures::future::join_all(parent.tasks.iter_mut()).await;
        });
        move || {
            cancel(parent);
            gone.wait(super::PATIENCE);
        }
    };
    let ((awaited, a), (detached, d)) = (Child::new(), Child::new());
    let cancel_parent = spawn_parent(vec![a], vec![d]);
    let plain = super::after_parent_cancelled([&awaited, &detached], cancel_parent);
    let ((first, f), (second, s)) = (Child::new(), Child::new());
    let cancel_parent = spawn_parent(vec![f, s], Vec::new());
    let owned = super::after_parent_cancelled([&first, &second], cancel_parent);
    [plain, owned]
}

/// The parent cancelled by `cancel().await`, then by dropping its `Task`.
fn nested_cancel() -> String {
    let cancelled = nested_rounds(&|parent| {
        block_on(parent.cancel());
    });
    let dropped = nested_rounds(&drop);
    let fact = match cancelled {
        [
            [Fate::Cancelled, Fate::RanOn],
            [Fate::Cancelled, Fate::Cancelled],
        ] => "a `.detach()`ed one runs on; the `Task`s it holds (the one it awaits, a \
              `Vec<Task>`) are cancelled with it"
            .to_owned(),
        [plain, owned] => format!(
            "the child it awaited: {:?}, the detached one: {:?}; in a `Vec<Task>`: {owned:?}",
            plain[0], plain[1]
        ),
    };
    if dropped == cancelled {
        format!("{fact}, by `cancel().await` or by dropping its `Task`")
    } else {
        format!("{fact} by `cancel().await`; by dropping its `Task`: {dropped:?}")
    }
}

/// The usual pool: spawned workers that each clone the `smol::channel` receiver and send
/// their results on a channel the probe reads until every worker is gone; one item
/// panics. Then the probe awaits each worker's `Task`.
fn worker_panic() -> String {
    let panics = super::count_panics();
    block_on(async {
        let (items, queue) = smol::channel::unbounded();
        let (results, done) = smol::channel::unbounded();
        let workers: Vec<Task<()>> = (0..super::POOL_WORKERS)
            .map(|_| {
                let (queue, results) = (queue.clone(), results.clone());
                smol::spawn(async move {
                    while let Ok(item) = queue.recv().await {
                        let _ = results.send(super::pool_item(item).await).await;
                    }
                })
            })
            .collect();
        drop((queue, results));
        // An unbounded queue: a send cannot wait, nor fail while a worker lives.
        super::feed_pool(
            items,
            |items, item| {
                let _ = items.try_send(item);
            },
            &panics,
            sleep,
        )
        .await;
        let mut seen = super::PoolSeen::default();
        let mut collected = Vec::new();
        seen.closed = async {
            while let Ok(item) = done.recv().await {
                collected.push(item);
            }
            true
        }
        .or(async {
            sleep(super::PATIENCE).await;
            false
        })
        .await;
        seen.done = collected;
        seen.hook_calls = panics.load(std::sync::atomic::Ordering::SeqCst);
        for worker in workers {
            match AssertUnwindSafe(worker).catch_unwind().await {
                Ok(()) => seen.ended += 1,
                Err(_) => seen.panicked += 1,
            }
        }
        super::worker_panic_fact(&seen, "awaiting its `Task` panics again")
    })
}

/// `channel::bounded(1)`, full, with a `send` waiting for room, when its receiver is
/// dropped; then a `send` on a channel with room and no receiver. The items are guards, so
/// that the probe sees when they are dropped.
fn receiver_dropped() -> String {
    use smol::channel::SendError;
    block_on(async {
        let mut seen = super::SendSeen::default();
        // A full channel of one place, a `send` waiting for room, and the receiver dropped.
        let (queued, waiting) = (Flag::new(), Flag::new());
        let (tx, rx) = smol::channel::bounded(1);
        let filled = tx.send(Guard(queued.clone())).await.is_ok();
        let with_receiver = {
            let mut send = pin!(tx.send(Guard(waiting.clone())));
            let was_waiting = futures::poll!(send.as_mut()).is_pending();
            drop(rx);
            let with_receiver = queued.get();
            let woke = async { Some(send.await) }
                .or(async {
                    sleep(super::PATIENCE).await;
                    None
                })
                .await;
            if let Some(Err(SendError(item))) = woke {
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
        let (tx, rx) = smol::channel::bounded(2);
        drop(rx);
        let kept = Flag::new();
        let mut send = pin!(tx.send(Guard(kept.clone())));
        if let Poll::Ready(Err(SendError(item))) = futures::poll!(send.as_mut()) {
            seen.fails_at_once = !kept.get();
            drop(item);
        }
        super::receiver_dropped_fact(&seen, "Err(SendError(item))")
    })
}

/// The programs a probe runs in a process of its own.
pub fn child(what: &str) {
    match what {
        "main-returns" => block_on(async {
            let guard = super::PrintOnDrop("destructor");
            smol::spawn(async move {
                let _guard = guard;
                println!("started");
                sleep(Duration::from_secs(3)).await;
                println!("finished");
            })
            .detach();
            sleep(Duration::from_millis(50)).await;
        }),
        "threads" => println!("{}", count_threads()),
        "same-instant" => println!("{}", same_instant_here()),
        "blocking-call" => {
            let two = super::stall_round(&spawner(), 1, false, super::PATIENCE);
            println!("{two:?}");
        }
        "blocking-pool" => println!("{}", pool_at_once(3)),
        "ctrl-c" => {
            // No handler: SIGINT keeps the default the process started with.
            block_on(async {
                let mut started = Vec::new();
                for _ in 0..2 {
                    let (tx, rx) = futures::channel::oneshot::channel();
                    let guard = super::PrintOnDrop("destructor");
                    smol::spawn(super::interruptible(guard, tx, sleep(super::PATIENCE))).detach();
                    started.push(rx);
                }
                futures::future::join_all(started).await;
                println!("ready");
                sleep(super::PATIENCE).await;
            });
            println!("main returned");
        }
        "blocking-exit" => {
            // Blocking work that is still running when `main` returns.
            let (started, is_started) = std::sync::mpsc::channel();
            smol::unblock(move || {
                println!("started");
                let _ = started.send(());
                super::Gate::default().wait(super::PATIENCE);
                println!("finished");
            })
            .detach();
            let _ = is_started.recv_timeout(super::PATIENCE);
        }
        _ => {}
    }
}
