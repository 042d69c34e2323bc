//! `cargo run -p scraper-smol`: the command line and the display around the pattern in
//! `lib.rs`.

use std::num::NonZeroUsize;
use std::time::Instant;

use scraper_smol::{Scrape, scrape};
use shared::progress::{self, Progress};
use shared::{Job, JobError, Run, Runtime, scenarios::Scraper};

/// The scraper's own flag, next to the shared ones.
#[derive(Debug, clap::Args)]
struct ScraperArgs {
    /// Fetch at most N pages at once (default: all of them at once).
    #[arg(long, value_name = "N")]
    concurrency: Option<NonZeroUsize>,
}

fn main() -> anyhow::Result<()> {
    // The scraper prints its own line per page. The shared per-job log lines would tear
    // the progress bar, so turn them off before the shared crate installs its logger:
    // a subscriber that discards everything, as the process-wide default.
    progress::silence_job_lines();
    // Read the command line before the executor starts, so that a bad flag, or a bad
    // `SMOL_THREADS`, is a one-line usage error (exit 2), not a hang. smol's timer uses
    // the standard clock.
    let (run, scenario, args) =
        Run::from_args_with::<Scraper, ScraperArgs>(Runtime::Smol, Instant::now);
    let pages = run.config().delays.len();
    let progress = Progress::new(pages, "pages", run.config().json);
    let limit = args
        .concurrency
        .map_or("all at once".to_owned(), |n| format!("at most {n} at once"));
    progress.line(&format!(
        "Fetching {pages} pages, {limit}, under a {:.2}s deadline",
        run.timeout().as_secs_f64()
    ));
    // smol has no `main` attribute: `smol::block_on` runs the scrape on this thread, and
    // the tasks it spawns run on smol's global executor.
    let scrape = smol::block_on(run_scenario(&run, scenario, args.concurrency, &progress));
    let Scrape { arrived, timed_out } = &scrape;
    progress::show_scrape(&run, scenario, &progress, arrived, timed_out, url)?;
    Ok(())
}

async fn run_scenario(
    run: &Run,
    scenario: Scraper,
    limit: Option<NonZeroUsize>,
    progress: &Progress,
) -> Scrape<String, JobError> {
    // Page `i` is job `i`: its index in the input.
    let pages = run.jobs().into_iter().map(fetch);
    match scenario {
        // Each page is shown the moment it lands, with the time since the scrape began.
        Scraper::Default => {
            let show = |page, result: &Result<String, JobError>| {
                progress.arrived(&url(page), result, run.log().elapsed());
            };
            scrape(pages, run.timeout(), limit, show).await
        }
        // The tutorial's `done, pending = await asyncio.wait(tasks, timeout=3.0)`: the same
        // scrape, with nothing shown until it is over.
        Scraper::Tutorial => scrape(pages, run.timeout(), limit, |_, _| {}).await,
    }
}

/// The page that job `i` stands for.
fn url(page: usize) -> String {
    format!("https://example.com/page/{page}")
}

/// "Fetches" a page: the shared job stands in for the HTTP request, where a real scraper
/// would call its HTTP client. The job's panic (`--panic`) comes back as
/// `JobError::Panicked`, so that the page is shown as failed and the scrape goes on;
/// `scrape` itself would raise it again in the caller, as a bug.
async fn fetch(job: Job) -> Result<String, JobError> {
    job.run_caught(smol::Timer::after).await
}
