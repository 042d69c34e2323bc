//! `cargo run -p scraper-smol`: the command line and the display around the pattern in
//! `lib.rs`.

use std::num::NonZeroUsize;
use std::time::Instant;

use scraper_smol::{Scrape, scrape, url};
use shared::progress::{self, Progress};
use shared::{JobError, JobState, Run, Runtime, output, scenarios::Scraper};

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
    show_end(&run, scenario, &progress, &scrape)
}

async fn run_scenario(
    run: &Run,
    scenario: Scraper,
    limit: Option<NonZeroUsize>,
    progress: &Progress,
) -> Scrape {
    let jobs = run.jobs();
    match scenario {
        // Each page is shown the moment it lands, with the time since the scrape began.
        Scraper::Default => {
            let show = |page, result: &Result<String, JobError>| {
                progress.arrived(&url(page), result, run.log().elapsed());
            };
            scrape(jobs, run.timeout(), limit, show).await
        }
        // The tutorial's `done, pending = await asyncio.wait(tasks, timeout=3.0)`: the same
        // scrape, with nothing shown until it is over.
        Scraper::Tutorial => scrape(jobs, run.timeout(), limit, |_, _| {}).await,
    }
}

/// What is shown once the scrape is over: the deadline (or, for the tutorial, every page
/// that landed), the report, and the summary.
fn show_end(
    run: &Run,
    scenario: Scraper,
    progress: &Progress,
    scrape: &Scrape,
) -> anyhow::Result<()> {
    let pages = run.config().delays.len();
    let mut report = run.report();
    match scenario {
        Scraper::Default if !scrape.timed_out.is_empty() => {
            // A timed-out page with no events never left the queue (`--concurrency`). The
            // states come from one pass over the events, not one search per page.
            let states = report.states(pages);
            let never_started = scrape
                .timed_out
                .iter()
                .filter(|&&page| states[page] == JobState::NeverStarted)
                .count();
            progress.deadline(run.log().elapsed(), scrape.timed_out.len(), never_started);
        }
        Scraper::Default => {}
        // The tutorial prints what landed only once the wait is over.
        Scraper::Tutorial => {
            for (page, result) in &scrape.arrived {
                match result {
                    Ok(_) => progress.line(&format!("✓ {}", url(*page))),
                    Err(err) => progress.line(&format!("✗ {}: {err}", url(*page))),
                }
                progress.advance();
            }
        }
    }
    progress.finish();

    for (page, result) in &scrape.arrived {
        report.received(*page, result);
    }
    report.pending.clone_from(&scrape.timed_out);
    if !scrape.timed_out.is_empty() {
        report.timed_out();
    }
    run.print(&report)?;
    // The summary ends the human output (with `--json`, stdout holds only the report).
    if !run.config().json {
        output::line(&match scenario {
            Scraper::Default => progress::summary(pages, &scrape.arrived, &scrape.timed_out, url),
            Scraper::Tutorial => {
                progress::tutorial_summary(pages, &scrape.arrived, &scrape.timed_out, url)
            }
        });
    }
    Ok(())
}
