//! The probes on async-std: its global executor, driven by `task::block_on` as
//! `#[async_std::main]` does.

use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use async_std::task::{self, block_on, sleep};
use futures::FutureExt as _;

use super::{Child, Fate, Flag, Guard};

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
        "ctrl-c" => super::ctrl_c("async-std"),
        "nested-cancel" => nested_cancel(),
        "worker-panic" => worker_panic(),
        "receiver-dropped" => receiver_dropped(),
        "capacity-zero" => super::capacity_zero_fact(|| async_std::channel::bounded::<u32>(0)),
        other => format!("no probe for {other}"),
    }
}

fn dropped_handle() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        drop(task::spawn(async move {
            sleep(Duration::from_millis(50)).await;
            r.set();
        }));
        sleep(Duration::from_millis(600)).await;
        super::dropped_handle_fact(ran.get())
    })
}

fn main_returns() -> String {
    super::main_returns_fact(&crate::child_output("async-std", "main-returns", &[]))
}

fn canceller() -> String {
    const SEEN: &str = "`cancel().await` gives `None` (`Some(result)` if it had finished)";
    block_on(async {
        let running = task::spawn(async { sleep(Duration::from_secs(10)).await });
        let running = running.cancel().await;
        let returning = Flag::new();
        let r = returning.clone();
        let done = task::spawn(async move {
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
        let task = task::spawn(async move {
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
        let task = task::spawn(async { panic!("boom") });
        match AssertUnwindSafe(task).catch_unwind().await {
            Err(_) => "re-raised: `.await` panics in the awaiter".to_owned(),
            Ok(()) => "unexpected: no panic".to_owned(),
        }
    })
}

fn panic_unawaited() -> String {
    let panics = super::count_panics();
    block_on(async {
        drop(task::spawn(async { panic!("boom") }));
        for _ in 0..200 {
            if panics.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                break;
            }
            sleep(Duration::from_millis(10)).await;
        }
        let alive = task::spawn(async { 1 }).await == 1;
        super::unawaited_panic_fact(panics.load(std::sync::atomic::Ordering::SeqCst), alive)
    })
}

fn gather_siblings() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let slow = task::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
            Ok::<(), ()>(())
        });
        let failing = task::spawn(async { Err::<(), ()>(()) });
        let joined = futures::future::try_join_all([failing, slow]).await;
        sleep(Duration::from_millis(600)).await;
        super::siblings_fact(joined.is_err(), ran.get())
    })
}

fn timeout_spawned() -> String {
    block_on(async {
        let ran = Flag::new();
        let r = ran.clone();
        let task = task::spawn(async move {
            sleep(Duration::from_millis(300)).await;
            r.set();
        });
        let timed_out = async_std::future::timeout(Duration::from_millis(20), task)
            .await
            .is_err();
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

/// `future::timeout(ZERO, f)`: `TimeoutFuture` polls its future before its timer, and
/// async-io's timer is ready in its first poll once its deadline has passed, which a zero
/// deadline always has. Polled once by hand, so that "at once" means "in the first poll".
fn deadline_zero() -> String {
    block_on(async {
        let started = Flag::new();
        let mut never = pin!(async_std::future::timeout(
            Duration::ZERO,
            super::never_finishing(started.clone()),
        ));
        let when = match futures::poll!(never.as_mut()) {
            Poll::Ready(Err(_)) => Some("at once (in its first poll)"),
            Poll::Ready(Ok(_)) => None,
            Poll::Pending => never.await.is_err().then_some("later, not at once"),
        };
        let sleeps_zero = async_std::future::timeout(Duration::ZERO, async {
            sleep(Duration::ZERO).await;
            7
        })
        .await;
        super::zero_deadline_fact(
            "future::timeout(ZERO, f)",
            started.get(),
            when,
            sleeps_zero == Ok(7),
        )
    })
}

/// Two tasks due at the same instant, on an executor of two threads (the default on two
/// cores; set for the child so that the fact does not depend on the machine): each blocks
/// its thread until the other is running too, which only two threads running them at
/// the same time can do.
fn same_instant() -> String {
    crate::child_output(
        "async-std",
        "same-instant",
        &[("ASYNC_STD_THREAD_COUNT", "2")],
    )
    .trim()
    .to_owned()
}

fn same_instant_here() -> String {
    block_on(async {
        let rendezvous = Arc::new(super::Rendezvous::default());
        let deadline = Instant::now() + Duration::from_millis(50);
        let tasks: Vec<_> = (0..2)
            .map(|_| {
                let rendezvous = rendezvous.clone();
                task::spawn(async move {
                    sleep(deadline.saturating_duration_since(Instant::now())).await;
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
    let with = crate::child_output("async-std", "threads", &[("ASYNC_STD_THREAD_COUNT", "3")]);
    super::threads_fact(
        default,
        with.trim().parse().unwrap_or(0),
        "ASYNC_STD_THREAD_COUNT",
    )
}

fn count_threads() -> usize {
    // The executor's threads are named `async-std/runti…` (Linux shows 15 characters).
    super::executor_threads("async-std/runti", |tasks| {
        block_on(futures::future::join_all(
            tasks
                .into_iter()
                .map(|work| task::spawn(async move { work() })),
        ));
    })
}

/// A blocking call inside a task, on an executor of two threads (the default on two cores;
/// set for the child so that the fact does not depend on the machine): the same three
/// rounds as on tokio.
fn blocking_call() -> String {
    crate::child_output(
        "async-std",
        "blocking-call",
        &[("ASYNC_STD_THREAD_COUNT", "2")],
    )
    .trim()
    .to_owned()
}

fn blocking_call_here() -> String {
    let spawn: super::Spawner = Arc::new(|future| drop(task::spawn(future)));
    let one = super::stall_round(&spawn, 1, false, super::PATIENCE);
    let spawned_by_it = super::stall_round(&spawn, 1, true, super::PATIENCE);
    let all = super::stall_round(&spawn, 2, false, super::QUIET);
    super::stall_fact(one, spawned_by_it, all, "thread")
}

/// A loop with no `.await`, under `future::timeout` and under `cancel().await`. Each spins
/// until the probe stops it; each call is given [`super::QUIET`] to return while it spins.
fn never_yields() -> String {
    // Under a timeout of 20 ms, in a task: does the timeout return while the loop spins?
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (tx, rx) = std::sync::mpsc::channel();
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    drop(task::spawn(async move {
        let result = async_std::future::timeout(Duration::from_millis(20), async move {
            super::spin(&s, &st, &e)
        })
        .await;
        let _ = tx.send(result.is_ok());
    }));
    spinning.wait(super::PATIENCE);
    let early = rx.recv_timeout(super::QUIET).is_ok() && !ended.get();
    stop.set();
    let timeout = super::returned(early, || {
        let ok = rx.recv_timeout(super::PATIENCE).ok()?;
        Some(
            if ok {
                "its `Ok`"
            } else {
                "`Err(TimeoutError)`"
            }
            .to_owned(),
        )
    });
    // `cancel().await` while the loop spins.
    let (spinning, stop, ended) = (Arc::new(super::Gate::default()), Flag::new(), Flag::new());
    let (s, st, e) = (spinning.clone(), stop.clone(), ended.clone());
    let running = task::spawn(async move { super::spin(&s, &st, &e) });
    spinning.wait(super::PATIENCE);
    let cancel = block_on(async {
        let mut cancel = pin!(running.cancel());
        let early = async_std::future::timeout(super::QUIET, cancel.as_mut())
            .await
            .is_ok()
            && !ended.get();
        stop.set();
        if early {
            super::Returned::WhileRunning
        } else {
            match async_std::future::timeout(super::PATIENCE, cancel).await {
                Ok(result) => super::Returned::After(format!("`{result:?}`")),
                Err(_) => super::Returned::Never,
            }
        }
    });
    // The same loop with `yield_now().await` on every turn: both stop it.
    let ended = Flag::new();
    let timed_out = block_on(async_std::future::timeout(
        Duration::from_millis(20),
        super::spin_yielding(Arc::default(), ended.clone(), task::yield_now),
    ))
    .is_err();
    let (spinning, ended_too) = (Arc::new(super::Gate::default()), Flag::new());
    let running = task::spawn(super::spin_yielding(
        spinning.clone(),
        ended_too.clone(),
        task::yield_now,
    ));
    spinning.wait(super::PATIENCE);
    let cancelled = block_on(running.cancel()).is_none();
    let yielding_stops = timed_out && cancelled && !ended.get() && !ended_too.get();
    super::never_yields_fact(
        ("`future::timeout(d, f)`", &timeout),
        ("`cancel().await`", &cancel),
        "task::yield_now().await",
        yielding_stops,
    )
}

/// Blocking work (`task::spawn_blocking`) under a timeout, `cancel().await`, and process
/// exit. The work is held at a gate until the probe lets it go. The timeout and the cancel
/// are expected to return while it is held, so they are given [`super::PATIENCE`].
fn blocking_timeout() -> String {
    let work = super::HeldWork::new();
    let w = work.clone();
    let returned = block_on(async move {
        let timed_out =
            async_std::future::timeout(Duration::from_millis(50), task::spawn_blocking(w.work()))
                .await
                .is_err();
        timed_out && !w.finished()
    });
    work.release();
    let timeout = super::blocking_timeout_part(returned, work.wait_finished());
    // `cancel().await` once it has started.
    let work = super::HeldWork::new();
    let running = task::spawn_blocking(work.work());
    work.wait_started();
    let result = block_on(async_std::future::timeout(
        super::PATIENCE,
        running.cancel(),
    ));
    let early = result.is_ok() && !work.finished();
    work.release();
    let result = result.map_or_else(|_| "never".to_owned(), |r| format!("`{r:?}`"));
    let cancel =
        super::blocking_cancel_part("`cancel().await`", early, &result, work.wait_finished());
    let exit = super::blocking_exit_part(&crate::child_output("async-std", "blocking-exit", &[]));
    format!("{timeout}; {cancel}; {exit}")
}

/// The blocking pool (the `blocking` crate's): 501 works, 500 run at once; with
/// `BLOCKING_MAX_THREADS=3` (a child process: the crate reads it once), 4 works, 3 at once.
fn blocking_pool() -> String {
    const DEFAULT: usize = 500;
    let default = pool_at_once(DEFAULT);
    let with = crate::child_output(
        "async-std",
        "blocking-pool",
        &[("BLOCKING_MAX_THREADS", "3")],
    );
    super::pool_fact(
        default,
        DEFAULT + 1,
        "BLOCKING_MAX_THREADS=3",
        with.trim().parse().unwrap_or(0),
    )
}

fn pool_at_once(expected: usize) -> usize {
    super::blocking_at_once(expected, task::spawn_blocking, |handles| {
        block_on(futures::future::join_all(handles));
    })
}

/// tokio's timer and sockets on async-std's `block_on`, once async-std's own threads run.
fn tokio_elsewhere() -> String {
    block_on(async {
        task::spawn(sleep(Duration::from_millis(1))).await;
        super::tokio_elsewhere().await
    })
}

/// A parent task cancelled by `cancel().await` while its children wait at gates the probe
/// holds: first a parent that spawned two children with `task::spawn`, awaiting one and
/// only keeping the other's handle; then a parent that keeps both handles in a `Vec` and
/// awaits them all. `cancel().await` returns once the parent's future is gone; only then
/// does the probe release the children.
fn nested_cancel() -> String {
    let cancel = |parent: task::JoinHandle<()>| {
        block_on(parent.cancel());
    };
    let ((awaited, a), (kept, k)) = (Child::new(), Child::new());
    let parent = task::spawn(async move {
        let _kept = task::spawn(k);
        task::spawn(a).await;
    });
    let [awaited, kept] = super::after_parent_cancelled([&awaited, &kept], || cancel(parent));
    let ((first, f), (second, s)) = (Child::new(), Child::new());
    let parent = task::spawn(async move {
        let handles = vec![task::spawn(f), task::spawn(s)];
        futures::future::join_all(handles).await;
    });
    let owned = match super::after_parent_cancelled([&first, &second], || cancel(parent)) {
        [Fate::RanOn, Fate::RanOn] => {
            "and those in a `Vec` of its handles: the parent must cancel them itself".to_owned()
        }
        owned => format!("those in a `Vec` of its handles: {owned:?}"),
    };
    format!("{}, {owned}", super::plain_children_part(awaited, kept))
}

/// The usual pool: spawned workers that each clone the `async_std::channel` receiver and
/// send their results on a channel the probe reads until every worker is gone; one item
/// panics. Then the probe awaits each worker's `JoinHandle`.
fn worker_panic() -> String {
    let panics = super::count_panics();
    block_on(async {
        let (items, queue) = async_std::channel::unbounded();
        let (results, done) = async_std::channel::unbounded();
        let workers: Vec<_> = (0..super::POOL_WORKERS)
            .map(|_| {
                let (queue, results) = (queue.clone(), results.clone());
                task::spawn(async move {
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
        seen.closed = async_std::future::timeout(super::PATIENCE, async {
            while let Ok(item) = done.recv().await {
                seen.done.push(item);
            }
        })
        .await
        .is_ok();
        seen.hook_calls = panics.load(std::sync::atomic::Ordering::SeqCst);
        for worker in workers {
            match AssertUnwindSafe(worker).catch_unwind().await {
                Ok(()) => seen.ended += 1,
                Err(_) => seen.panicked += 1,
            }
        }
        super::worker_panic_fact(&seen, "awaiting its `JoinHandle` panics again")
    })
}

/// `channel::bounded(1)`, full, with a `send` waiting for room, when its receiver is
/// dropped; then a `send` on a channel with room and no receiver. The items are guards, so
/// that the probe sees when they are dropped.
fn receiver_dropped() -> String {
    use async_std::channel::SendError;
    block_on(async {
        let mut seen = super::SendSeen::default();
        // A full channel of one place, a `send` waiting for room, and the receiver dropped.
        let (queued, waiting) = (Flag::new(), Flag::new());
        let (tx, rx) = async_std::channel::bounded(1);
        let filled = tx.send(Guard(queued.clone())).await.is_ok();
        let with_receiver = {
            let mut send = pin!(tx.send(Guard(waiting.clone())));
            let was_waiting = futures::poll!(send.as_mut()).is_pending();
            drop(rx);
            let with_receiver = queued.get();
            if let Ok(Err(SendError(item))) =
                async_std::future::timeout(super::PATIENCE, send).await
            {
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
        let (tx, rx) = async_std::channel::bounded(2);
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
            task::spawn(async move {
                let _guard = guard;
                println!("started");
                sleep(Duration::from_secs(3)).await;
                println!("finished");
            });
            sleep(Duration::from_millis(50)).await;
        }),
        "threads" => println!("{}", count_threads()),
        "same-instant" => println!("{}", same_instant_here()),
        "blocking-call" => println!("{}", blocking_call_here()),
        "blocking-pool" => println!("{}", pool_at_once(3)),
        "ctrl-c" => {
            // No handler: SIGINT keeps the default the process started with.
            block_on(async {
                let mut started = Vec::new();
                for _ in 0..2 {
                    let (tx, rx) = futures::channel::oneshot::channel();
                    let guard = super::PrintOnDrop("destructor");
                    drop(task::spawn(super::interruptible(
                        guard,
                        tx,
                        sleep(super::PATIENCE),
                    )));
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
            drop(task::spawn_blocking(move || {
                println!("started");
                let _ = started.send(());
                super::Gate::default().wait(super::PATIENCE);
                println!("finished");
            }));
            let _ = is_started.recv_timeout(super::PATIENCE);
        }
        _ => {}
    }
}
