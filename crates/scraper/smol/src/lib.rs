//! The capstone on smol: "fetch" ten pages at once under one overall deadline, show each
//! page the moment it lands, and cancel whatever is still running when time is up.
//!
//! ```python
//! async def fetch(limit, url):
//!     async with limit:                                # at most N pages at once
//!         await asyncio.sleep(random.uniform(0.5, 2.5))
//!         return url
//!
//! async def main():
//!     limit = asyncio.Semaphore(concurrency)           # --concurrency N
//!     tasks = [asyncio.create_task(fetch(limit, url)) for url in urls]
//!     try:
//!         async with asyncio.timeout(3):               # one overall deadline
//!             for next_page in asyncio.as_completed(tasks):
//!                 try:
//!                     print(f"✓ {await next_page}")    # each page as it lands
//!                 except Exception as err:
//!                     print(f"✗ {err}")                # a failure does not stop the loop
//!     except TimeoutError:
//!         for task in tasks:
//!             task.cancel()                            # cancel what is still running...
//!         await asyncio.gather(*tasks, return_exceptions=True)  # ...and wait for it
//! ```
//!
//! The tutorial's own solution waits instead, `done, pending = await asyncio.wait(tasks,
//! timeout=3.0)`, and prints everything afterwards: `--scenario tutorial` runs it, as the
//! same [`scrape`] with nothing shown until the deadline. The README says why the version
//! above is the better one.
//!
//! Run with:
//!
//! ```text
//! cargo run -p scraper-smol
//! cargo run -p scraper-smol -- --timeout 1.7
//! cargo run -p scraper-smol -- --scenario tutorial --timeout 1.7
//! cargo run -p scraper-smol -- --concurrency 2
//! cargo run -p scraper-smol -- --seed 7 --fail 3 --panic 5
//! cargo run -p scraper-smol -- --json --delays 0.2,0.6,0.1 --timeout 0.4 --concurrency 2
//! ```
//!
//! What to notice:
//!
//! - The pages land in order of their delays, not in page order, and each is printed the
//!   moment it lands: a channel that every task sends its result on is
//!   `asyncio.as_completed`.
//! - With the default seed every delay is below 2.5 s, so all ten pages make the 3 s
//!   deadline. With `--timeout 1.7` the slow pages are cancelled at 1.7 s, and the summary
//!   lists their URLs.
//! - With `--concurrency 2` at most two pages are fetched at once, in page order: the run
//!   takes longer and more pages time out. The pages still in the queue at the deadline
//!   never started; they are listed as timed out all the same.
//! - A failing page is shown as `✗` and the loop goes on: one bad page does not end a
//!   scrape. A panic is a bug, not a failure: [`scrape`] cancels the other pages, waits
//!   until they have stopped, and raises it again in the caller. The example catches each
//!   page's panic itself (`--panic`), so a panicking page is shown as `✗` too.

// ANCHOR: copy
use std::future::Future;
use std::num::NonZeroUsize;
use std::panic::{self, AssertUnwindSafe};
use std::thread;
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use futures::future::join_all;
use smol::channel::{self, Sender};
use smol::{Task, Timer};

/// How a scrape ended. A page is known by its index in the input.
#[derive(Debug)]
pub struct Scrape<T, E> {
    /// What arrived, in the order it arrived: each page's index and its result or error. A
    /// page whose fetch ended just as the deadline cancelled it comes last.
    pub arrived: Vec<(usize, Result<T, E>)>,
    /// The pages that had not arrived by the deadline, in input order: cancelled, or never
    /// started (still in the queue under a limit, or cancelled before their task first ran).
    pub timed_out: Vec<usize>,
}

/// A page's index, and what its fetch returned, or its panic.
type Arrival<T, E> = (usize, thread::Result<Result<T, E>>);

/// Fetches every page (each future in `pages` is one page's fetch), at most `limit` at
/// once (all at once for `None`), and hands each result to `on_arrival`, with the page's
/// index, the moment it lands. At the deadline, `timeout` from now, the pages still
/// pending are cancelled, and it returns once they have all stopped.
///
/// # Panics
///
/// When a page's fetch panics: a bug, not a result. The scrape then cancels the other
/// pages as at the deadline, waits until they have stopped, and raises the panic again.
pub async fn scrape<F, T, E>(
    pages: impl IntoIterator<Item = F>,
    timeout: Duration,
    limit: Option<NonZeroUsize>,
    mut on_arrival: impl FnMut(usize, &Result<T, E>),
) -> Scrape<T, E>
where
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    // One deadline for the whole scrape (the timeout pattern), fixed before anything runs.
    let deadline = Instant::now() + timeout;
    // The limiter: at most `limit` fetches in flight. The other pages wait in the queue,
    // in input order, and each page that lands makes room for the next one. Without a
    // limit every page starts at once. The queue makes each page's future only when its
    // turn comes.
    let limit = limit.map_or(usize::MAX, NonZeroUsize::get);
    let mut queue = pages.into_iter().enumerate();

    // Every fetch hands its result over itself, on this channel, in the step in which it
    // ends (see `hand_over`). The task's own output could be lost: a task that completes
    // while `cancel()` closes it has its output dropped, and `cancel()` returns `None` as if
    // the page had never finished.
    let (landed, arrivals) = channel::unbounded();
    // The tasks in flight, by page, kept to cancel them at the deadline (a dropped smol
    // `Task` is cancelled, but nobody would wait for it to stop). The pages start in input
    // order, so page `i` is at index `i`; there is room for as many as the input says.
    let mut in_flight: Vec<Option<Task<()>>> = Vec::with_capacity(queue.size_hint().0);
    // Spawn the first fetches, like `asyncio.create_task`.
    for (page, fetch) in queue.by_ref().take(limit) {
        in_flight.push(Some(smol::spawn(hand_over(page, fetch, landed.clone()))));
    }

    // Take the results as they land (the as-completed pattern), each wait raced against the
    // one deadline (the timeout pattern): smol has no `timeout` function, `or` is how. `or`
    // polls its first future first, the deadline: a page due at the very moment of the
    // deadline is late, as in asyncio, whose deadline was set before any page started
    // (unless its task ends before the cancel reaches it: see below). The timer is made
    // once, and every turn of the loop polls the same one (`&mut Timer` is a future too): a
    // new timer per page would add and remove a timer per page.
    let mut scrape = Scrape {
        arrived: Vec::new(),
        timed_out: Vec::new(),
    };
    // A page's panic, kept to be raised again once the other pages have stopped.
    let mut panicked = None;
    let mut deadline_timer = Timer::at(deadline);
    // Until every page started has arrived: each arrival starts the next page in the
    // queue, so by then the queue is empty too.
    while scrape.arrived.len() < in_flight.len() {
        let too_late = async {
            (&mut deadline_timer).await;
            None
        };
        // The channel stays open while `landed` lives: `recv` only waits.
        let next = async { arrivals.recv().await.ok() };
        let Some((page, output)) = smol::future::or(too_late, next).await else {
            break;
        };
        // This page's task has ended: its handle has nothing more to give.
        in_flight[page] = None;
        // A page that panicked: stop taking pages, and raise the panic below.
        let result = match output {
            Ok(result) => result,
            Err(payload) => {
                panicked = Some(payload);
                break;
            }
        };
        on_arrival(page, &result);
        scrape.arrived.push((page, result));
        // A fetch has ended: start the next page in the queue, if any.
        if let Some((page, fetch)) = queue.next() {
            in_flight.push(Some(smol::spawn(hand_over(page, fetch, landed.clone()))));
        }
    }

    // Cancel what is still running, and wait until it has really stopped (the
    // cancel-cleanup pattern): `cancel().await` returns once the task is gone, so no page
    // is left running behind the caller's back. The pages still in the queue are never
    // spawned: they never start.
    let started = in_flight.len();
    join_all(in_flight.into_iter().flatten().map(Task::cancel)).await;
    // A page whose fetch ended while it was being cancelled has handed its result over all
    // the same: it landed as the deadline passed. Count it. One that panicked as it was
    // cancelled is raised below (the first panic, if there were two).
    while let Ok((page, output)) = arrivals.try_recv() {
        match output {
            Ok(result) => {
                on_arrival(page, &result);
                scrape.arrived.push((page, result));
            }
            Err(payload) => {
                panicked.get_or_insert(payload);
            }
        }
    }
    // Nothing is left running: raise the panic in the caller, as awaiting the task would.
    if let Some(payload) = panicked {
        panic::resume_unwind(payload);
    }
    // Every page that has not arrived has timed out: the started ones that were cancelled,
    // then the ones still in the queue, which never started (the queue makes their futures
    // only to drop them, unpolled). Mark the arrivals in a table, one step per page:
    // searching the list of arrivals once per page would take N * N steps.
    let mut arrived = vec![false; started];
    for (page, _) in &scrape.arrived {
        arrived[*page] = true;
    }
    let cancelled = (0..started).filter(|&page| !arrived[page]);
    scrape.timed_out = cancelled.chain(queue.map(|(page, _)| page)).collect();
    scrape
}

/// One page's task: runs the page's fetch, and hands its index and its result, or its
/// panic, to `landed`.
fn hand_over<F, T, E>(
    page: usize,
    fetch: F,
    landed: Sender<Arrival<T, E>>,
) -> impl Future<Output = ()>
where
    F: Future<Output = Result<T, E>>,
{
    // smol catches a task's panic and raises it again in whoever awaits the task, but no
    // one awaits this one's output (see `landed`): catch the panic here and hand it over,
    // for `scrape` to raise once the other pages have stopped. Nothing looks at what the
    // panic may have left half-done, so asserting unwind safety is sound.
    //
    // Combinators, not an `async fn`: an `async fn` would keep the future twice, once as
    // its argument and once being awaited (rust-lang/rust#62958), and double every
    // task's memory.
    AssertUnwindSafe(fetch).catch_unwind().map(move |output| {
        // The result is handed over in the same step as the fetch ended, with no `.await` in
        // between, so no cancellation can come between them. The channel is unbounded and open
        // until `scrape` returns: the send cannot fail.
        let _ = landed.try_send((page, output));
    })
}
// ANCHOR_END: copy
