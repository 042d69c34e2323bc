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
//! - A failing or panicking page is shown as `✗` and the loop goes on: one bad page does
//!   not end a scrape.

use std::num::NonZeroUsize;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::time::Duration;

use futures::FutureExt as _;
use shared::{Job, JobError};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};

/// The page that job `i` stands for.
pub fn url(job: usize) -> String {
    format!("https://example.com/page/{job}")
}

/// How a scrape ended.
#[derive(Debug, Default)]
pub struct Scrape {
    /// What arrived, in the order it arrived: each page's number and its result or error.
    /// A page whose fetch ended just as the deadline cancelled it comes last.
    pub arrived: Vec<(usize, Result<String, JobError>)>,
    /// The pages that had not arrived by the deadline, in page order: cancelled, or never
    /// started (still in the queue under `--concurrency`, or cancelled before their task
    /// first ran).
    pub timed_out: Vec<usize>,
}

/// A page's number and what its fetch returned.
type Arrival = (usize, Result<String, JobError>);

/// Fetches every page (page `i` is `jobs[i]`), at most `limit` at once (all at once for
/// `None`), and hands each result to `on_arrival` the moment it lands. At the deadline,
/// `timeout` from now, the pages still pending are cancelled, and it returns once they
/// have all stopped.
pub async fn scrape(
    jobs: Vec<Job>,
    timeout: Duration,
    limit: Option<NonZeroUsize>,
    mut on_arrival: impl FnMut(usize, &Result<String, JobError>),
) -> Scrape {
    // One deadline for the whole scrape (the timeout pattern), fixed before anything runs.
    let deadline = Instant::now() + timeout;
    let pages = jobs.len();
    // The limiter: at most `limit` fetches in flight. The other pages wait in the queue,
    // in page order, and each page that lands makes room for the next one. Without
    // `--concurrency` every page starts at once.
    let limit = limit.map_or(pages, NonZeroUsize::get);
    let mut queue = jobs.into_iter().enumerate();

    // Spawn the first fetches, like `asyncio.create_task`, into a `JoinSet`. Each task
    // hands back its page with the page's result, so even a panic says which page.
    let mut in_flight: JoinSet<Arrival> = JoinSet::new();
    for (page, job) in queue.by_ref().take(limit) {
        in_flight.spawn(fetch(page, job));
    }

    // Take the results as they land (the as-completed pattern), each wait raced against the
    // one deadline (the timeout pattern). `biased` checks the deadline first: a page due at
    // the very moment of the deadline is late, as in asyncio, whose deadline was set before
    // any page started (unless its task ends before the cancel reaches it: see below).
    // `timeout_at` would poll the page first. The timer is made once and pinned, so every
    // turn of the loop polls the same one: a new `sleep_until` per page would add and
    // remove a timer entry per page.
    let mut scrape = Scrape::default();
    let mut too_late = pin!(sleep_until(deadline));
    loop {
        let next = tokio::select! {
            biased;
            () = &mut too_late => None,
            next = in_flight.join_next() => next,
        };
        // `None`: the deadline passed first, or every page is in. Nothing aborts a task
        // before the deadline, and each task catches its page's panic, so none ends in a
        // `JoinError`.
        let Some(Ok((page, result))) = next else {
            break;
        };
        on_arrival(page, &result);
        scrape.arrived.push((page, result));
        // A fetch has ended: start the next page in the queue, if any.
        if let Some((page, job)) = queue.next() {
            in_flight.spawn(fetch(page, job));
        }
    }

    // Cancel what is still running, and wait until it has really stopped (the
    // cancel-cleanup pattern): `abort_all`, then `join_next` until the set is empty, so no
    // page is left running behind the caller's back. The pages still in the queue are never
    // spawned: they never start. tokio cancels a task only between two polls: one that
    // ends in the poll during which it is aborted keeps its output, and `join_next` hands
    // it over. Such a page landed as the deadline passed, and its events say so: count it.
    // (`shutdown()` would wait the same way, but throw those outputs away.)
    in_flight.abort_all();
    while let Some(joined) = in_flight.join_next().await {
        if let Ok((page, result)) = joined {
            on_arrival(page, &result);
            scrape.arrived.push((page, result));
        }
    }
    // Every page that has not arrived has timed out. Mark the arrivals in a table, one step
    // per page: searching the list of arrivals once per page would take N * N steps.
    let mut arrived = vec![false; pages];
    for (page, _) in &scrape.arrived {
        arrived[*page] = true;
    }
    scrape.timed_out = (0..pages).filter(|&page| !arrived[page]).collect();
    scrape
}

/// One page's task: "fetches" the page, and hands back its number with the result. The
/// shared job stands in for the HTTP request; a real scraper would call its HTTP client
/// here.
async fn fetch(page: usize, job: Job) -> Arrival {
    let id = job.id();
    // tokio would catch a panic too, but its `JoinError` names the task, not the page:
    // catching it here keeps the page with its error.
    let result = AssertUnwindSafe(job.run(tokio::time::sleep))
        .catch_unwind()
        .await
        .unwrap_or(Err(JobError::Panicked(id)));
    (page, result)
}
