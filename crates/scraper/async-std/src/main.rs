//! `cargo run -p scraper-async-std`: the command line and the display around the pattern in
//! `lib.rs`.

use std::num::NonZeroUsize;
use std::time::Instant;

use scraper_async_std::{scrape, url};
use shared::progress::{self, Progress};
use shared::{JobError, Run, Runtime, scenarios::Scraper};

/// The scraper's own flag, next to the shared ones.
#[derive(Debug, clap::Args)]
struct ScraperArgs {
    /// Fetch at most N pages at once (default: all of them at once).
    #[arg(long, value_name = "N")]
    concurrency: Option<NonZeroUsize>,
}

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    // The scraper prints its own line per page. The shared per-job log lines would tear
    // the progress bar, so turn them off before the shared crate installs its logger:
    // a subscriber that discards everything, as the process-wide default.
    progress::silence_job_lines();
    // async-std's timer uses the standard clock.
    let (run, Scraper::Default, args) =
        Run::from_args_with::<Scraper, ScraperArgs>(Runtime::AsyncStd, Instant::now);
    let jobs = run.jobs();
    let pages = jobs.len();
    let progress = Progress::new(pages, "pages", run.config().json);
    let limit = args
        .concurrency
        .map_or("all at once".to_owned(), |n| format!("at most {n} at once"));
    progress.line(&format!(
        "Fetching {pages} pages, {limit}, under a {:.2}s deadline",
        run.timeout().as_secs_f64()
    ));

    // Each page is shown the moment it lands, with the time since the scrape began.
    let show = |page, result: &Result<String, JobError>| {
        progress.arrived(&url(page), result, run.log().elapsed());
    };
    let scrape = scrape(jobs, run.timeout(), args.concurrency, show).await;
    if !scrape.timed_out.is_empty() {
        // A timed-out page with no events never left the queue (`--concurrency`).
        let never_started = scrape
            .timed_out
            .iter()
            .filter(|&&page| run.log().events_of(page).is_empty())
            .count();
        progress.deadline(run.log().elapsed(), scrape.timed_out.len(), never_started);
    }
    progress.finish();

    run.finish(|report| {
        for (page, result) in &scrape.arrived {
            report.received(*page, result);
        }
        report.pending.clone_from(&scrape.timed_out);
        if !scrape.timed_out.is_empty() {
            report.timed_out();
        }
    })?;
    // The summary ends the human output (with `--json`, stdout holds only the report).
    if !run.config().json {
        let arrived: Vec<_> = scrape.arrived.iter().map(|(_, result)| result).collect();
        let timed_out: Vec<String> = scrape.timed_out.iter().map(|&page| url(page)).collect();
        println!("{}", progress::summary(pages, &arrived, &timed_out));
    }
    Ok(())
}
