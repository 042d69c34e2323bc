//! The probes on smol: its global executor (`smol::spawn`), driven by `smol::block_on`.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use smol::future::FutureExt as _;
use smol::{Timer, block_on};

use super::{Flag, Guard};

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
        _ => {}
    }
}
