//! The capstone on tokio: "fetch" ten pages at once under one overall deadline, show each
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
//! cargo run -p scraper-tokio
//! cargo run -p scraper-tokio -- --timeout 1.7
//! cargo run -p scraper-tokio -- --scenario tutorial --timeout 1.7
//! cargo run -p scraper-tokio -- --concurrency 2
//! cargo run -p scraper-tokio -- --seed 7 --fail 3 --panic 5
//! cargo run -p scraper-tokio -- --json --delays 0.2,0.6,0.1 --timeout 0.4 --concurrency 2
//! ```
//!
//! What to notice:
//!
//! - The pages land in order of their delays, not in page order, and each is printed the
//!   moment it lands: `JoinSet::join_next` is `asyncio.as_completed`.
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
use futures::FutureExt as _;
use std::future::Future;
use std::num::NonZeroUsize;
use std::panic;
use std::pin::pin;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

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
    let mut started = 0;

    // Spawn the first fetches, like `asyncio.create_task`, into a `JoinSet`. Each task
    // hands back its page's index with the page's result: `map`, not `async move { (page,
    // fetch.await) }`, which would keep the fetch twice, once captured and once being
    // awaited (rust-lang/rust#62958), and double every task's memory.
    let mut in_flight = JoinSet::new();
    for (page, fetch) in queue.by_ref().take(limit) {
        in_flight.spawn(fetch.map(move |output| (page, output)));
        started += 1;
    }

    // Take the results as they land (the as-completed pattern), each wait raced against the
    // one deadline (the timeout pattern). `biased` checks the deadline first: a page due at
    // the very moment of the deadline is late, as in asyncio, whose deadline was set before
    // any page started (unless its task ends before the cancel reaches it: see below).
    // `timeout_at` would poll the page first. The timer is made once and pinned, so every
    // turn of the loop polls the same one: a new `sleep_until` per page would add and
    // remove a timer entry per page.
    let mut scrape = Scrape {
        arrived: Vec::new(),
        timed_out: Vec::new(),
    };
    // A page's panic, kept to be raised again once the other pages have stopped.
    let mut panicked = None;
    let mut too_late = pin!(sleep_until(deadline));
    loop {
        let next = tokio::select! {
            biased;
            () = &mut too_late => None,
            next = in_flight.join_next() => next,
        };
        let (page, result) = match next {
            // The deadline passed first, or every page is in.
            None => break,
            Some(Ok(arrival)) => arrival,
            // Nothing aborts a task before the deadline: a task that ended in an error
            // panicked. Stop taking pages, and raise the panic below.
            Some(Err(err)) => {
                panicked = Some(err.into_panic());
                break;
            }
        };
        on_arrival(page, &result);
        scrape.arrived.push((page, result));
        // A fetch has ended: start the next page in the queue, if any.
        if let Some((page, fetch)) = queue.next() {
            in_flight.spawn(fetch.map(move |output| (page, output)));
            started += 1;
        }
    }

    // Cancel what is still running, and wait until it has really stopped (the
    // cancel-cleanup pattern): `abort_all`, then `join_next` until the set is empty, so no
    // page is left running behind the caller's back. The pages still in the queue are never
    // spawned: they never start. tokio cancels a task only between two polls: one that
    // ends in the poll during which it is aborted keeps its output, and `join_next` hands
    // it over. Such a page landed as the deadline passed: count it. (`shutdown()` would
    // wait the same way, but throw those outputs away.)
    in_flight.abort_all();
    while let Some(joined) = in_flight.join_next().await {
        match joined {
            Ok((page, result)) => {
                on_arrival(page, &result);
                scrape.arrived.push((page, result));
            }
            // A cancelled task has nothing to give; one that panicked as it was cancelled
            // is raised below (the first panic, if there were two).
            Err(err) => {
                if let Ok(payload) = err.try_into_panic() {
                    panicked.get_or_insert(payload);
                }
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
// ANCHOR_END: copy
