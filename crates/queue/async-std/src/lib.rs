//! `asyncio.Queue` on async-std (discontinued upstream; its maintainers point to smol): a
//! pool of workers that take jobs from a queue, the first free worker taking the next job,
//! and a bounded queue whose producer waits while it is full.
//!
//! ```python
//! async def worker(name, queue):
//!     while True:
//!         job = await queue.get()
//!         try:
//!             results.append(await fetch(job))
//!         except Exception as err:
//!             results.append(err)   # a failing job does not stop its worker
//!         queue.task_done()
//!
//! async def main():
//!     queue = asyncio.Queue(maxsize)           # workers: maxsize=0, unbounded
//!     workers = [asyncio.create_task(worker(f"worker-{i}", queue)) for i in range(3)]
//!     for job in jobs:
//!         await queue.put(job)                 # bounded: waits while the queue is full
//!     await queue.join()                       # every job done
//!     for w in workers:
//!         w.cancel()                           # the workers wait in get() forever
//!     await asyncio.gather(*workers, return_exceptions=True)
//! ```
//!
//! Run with:
//!
//! ```text
//! cargo run -p queue-async-std
//! cargo run -p queue-async-std -- --workers 1
//! cargo run -p queue-async-std -- --fail 1 --panic 4
//! cargo run -p queue-async-std -- --scenario bounded
//! cargo run -p queue-async-std -- --scenario bounded --maxsize 3 --json
//! ```
//!
//! What to notice:
//!
//! - Three workers drain eight jobs in 2.4 s, not the 6.4 s of their sum: worker 1 takes
//!   job 3 at 0.5 s, when job 1 ends, and worker 0 takes job 4 at 1.0 s. The first free
//!   worker takes the next job, exactly as in CPython. Results come in completion order.
//! - A failing job (`--fail 1`), or a panicking one (`--panic 4`, caught around the job),
//!   is a result like any other: its worker goes on to the next job.
//! - `async_std::channel` is async-channel (1.x): many senders and many receivers. The
//!   workers still share one receiver behind async-std's `Mutex`, which lets the waiting
//!   workers in turn, first come, first served, as asyncio's `get()` does. The same
//!   channel type serves the unbounded queue (`workers`) and the bounded one (`bounded`).
//! - There is no `queue.join()` and no `task_done()`: the producer drops its sender when
//!   it has put the last job, which closes the queue. Each worker's `recv()` then returns
//!   the jobs still queued, then an error, and the worker's loop ends. When every worker
//!   has stopped, every job is done. [`run_workers_then_cancel`] shows asyncio's way
//!   instead.
//! - `bounded`: with `--maxsize 1`, the producer's `send` waits while one job is queued:
//!   job 4 is `queued` at 0.5 s, when worker 1 takes job 3 and makes room.

// ANCHOR: copy
use std::sync::{Mutex, PoisonError};

use async_std::channel::Receiver;
use async_std::sync::Mutex as AsyncMutex;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;

/// Workers looping on `item = await queue.get()`: runs `workers` workers, each taking the
/// next item from `queue` and handing it to `work(worker, item)`, until the queue is
/// closed (every sender dropped, or `close()` called) and empty. Returns what `work`
/// returned for each item, in the order the items were done.
///
/// The workers are futures this call polls in turn, as asyncio's worker tasks take turns
/// on its one thread, each when it is woken, in the order they were woken: the first free
/// worker takes the next item, and workers freed together (their timers due in one tick, or
/// a stalled process catching up) take items in the order their waits ended, as asyncio's
/// do. Spawn the work inside `work` when it needs a thread of its own; a pool of spawned
/// workers races for each item instead.
///
/// # Panics
///
/// If `work` panics, the panic unwinds through here: the other workers are dropped, which
/// cancels the items they were working on.
pub async fn run_workers<I, T, W, F>(queue: Receiver<I>, workers: usize, work: W) -> Vec<T>
where
    W: Fn(usize, I) -> F,
    F: Future<Output = T>,
{
    // async-channel has many receivers, but on their own they are woken in an order of the
    // channel's: the workers share one behind an async mutex instead, whose waiters get it
    // in the order they asked, so the first free worker takes the next item.
    let queue = AsyncMutex::new(queue);
    // The outputs, in the order they come. A plain mutex is enough: it is held only to
    // push, never across an `.await`. (A `RefCell` would do on one thread, but would keep
    // this future from being `Send`, so from being spawned.)
    let done = Mutex::new(Vec::new());
    let worker = |id| {
        let (queue, done, work) = (&queue, &done, &work);
        async move {
            loop {
                // Its own statement, so that the lock is released as soon as an item is
                // taken: in `while let Ok(item) = queue.lock().await.recv().await`, the
                // guard would live through the loop's body, and one worker would hold the
                // queue while it works.
                let item = queue.lock().await.recv().await;
                // `Err`: the queue is closed and empty. No more work: the worker stops.
                let Ok(item) = item else { break };
                let output = work(id, item).await;
                done.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(output);
            }
        }
    };
    // Every worker in one set, which polls a worker only when it was woken, in the order
    // the wake-ups came (the first time, in worker order). (`join_all` would poll all of
    // them at each wake-up, lower workers first: the wrong one could take the next item.)
    let mut pool: FuturesUnordered<_> = (0..workers).map(worker).collect();
    while pool.next().await.is_some() {}
    // The set borrows `done`: drop it first.
    drop(pool);
    done.into_inner().unwrap_or_else(PoisonError::into_inner)
}
// ANCHOR_END: copy

/// asyncio's way, for comparison: the queue is never closed. The caller keeps a sender;
/// `items` is how many items will be put, and once that many are done (what `await
/// queue.join()` waits for), the workers, idle in `recv()`, are cancelled by dropping them
/// (`worker.cancel()`). Returns the same outputs as [`run_workers`], in the same order.
///
/// Closing the queue, as [`run_workers`] does, is the idiomatic way in Rust: the workers
/// stop by themselves, and nothing needs counting, so there is no `task_done()` to forget
/// (forgotten, asyncio's `join()` waits forever).
pub async fn run_workers_then_cancel<I, T, W, F>(
    queue: Receiver<I>,
    workers: usize,
    items: usize,
    work: W,
) -> Vec<T>
where
    W: Fn(usize, I) -> F,
    F: Future<Output = T>,
{
    let (done_tx, done_rx) = async_std::channel::unbounded();
    let pool = run_workers(queue, workers, move |id, item| {
        let output = work(id, item);
        let done_tx = done_tx.clone();
        // The receiver lives until this function returns: the send cannot fail.
        async move {
            let _ = done_tx.send(output.await).await;
        }
    });
    // `await queue.join()`: every item put has been done.
    let join = async {
        let mut done = Vec::with_capacity(items);
        while done.len() < items {
            match done_rx.recv().await {
                Ok(output) => done.push(output),
                Err(_) => break,
            }
        }
        done
    };
    // Whichever ends first: the join (then dropping `pool` cancels the idle workers), or
    // the pool itself, if the queue was closed after all.
    match futures::future::select(std::pin::pin!(join), std::pin::pin!(pool)).await {
        futures::future::Either::Left((done, _pool)) => done,
        futures::future::Either::Right((_, join)) => join.await,
    }
}
