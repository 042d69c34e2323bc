//! `cargo run -p as-completed-async-std`: the command line around the pattern in `lib.rs`,
//! and the progress display: a bar on a terminal, plain `[k/N]` lines otherwise.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use as_completed_async_std::{Done, as_completed};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shared::{Job, Run, Runtime, job_name, scenarios::AsCompleted};

/// as-completed's own flag.
#[derive(Clone, Debug, clap::Args)]
struct Extra {
    /// Spread the delays over S more seconds: job i gets an extra S x frac(i x 0.618...),
    /// so that many equal jobs (`--tasks 200 --delay 0.5`) complete in a mixed order.
    #[arg(long, value_name = "S", default_value = "0")]
    #[arg(value_parser = seconds, allow_hyphen_values = true)]
    spread: Duration,
}

// `#[async_std::main]` runs the async main with `async_std::task::block_on` on this
// thread; the tasks it spawns run on async-std's global executor.
#[async_std::main]
async fn main() -> anyhow::Result<()> {
    let bar = wants_bar();
    // async-std's timer uses the standard clock.
    let (run, scenario, extra) =
        Run::from_args_with::<AsCompleted, Extra>(Runtime::AsyncStd, Instant::now);
    let jobs = spread(run.jobs(), extra.spread);
    tracing::info!(
        "{} jobs, results as they complete ({scenario:?})",
        jobs.len()
    );

    match scenario {
        AsCompleted::Default => {
            let progress = Progress::new(jobs.len(), bar)?;
            let received = as_completed(jobs, async |k, done| progress.announce(k, done)).await;
            progress.finish();
            run.finish(|report| {
                for (job, result) in &received {
                    report.received(*job, result);
                }
            })?;
        }
    }
    Ok(())
}

/// Whether to draw a progress bar: only for a person watching, when stdout is a terminal
/// and the report is not `--json`. This runs before the command line is parsed, because
/// with a bar the jobs' own live lines must be kept out of the way (they would tear it):
/// a do-nothing `tracing` subscriber takes their place, and the shared crate leaves an
/// installed subscriber alone.
fn wants_bar() -> bool {
    let bar = std::io::stdout().is_terminal() && !std::env::args().any(|arg| arg == "--json");
    if bar {
        let quiet = tracing::subscriber::NoSubscriber::default();
        let _ = tracing::subscriber::set_global_default(quiet);
    }
    bar
}

/// Announces each result as it arrives: above a progress bar, or as a plain line.
struct Progress {
    total: usize,
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(total: usize, bar: bool) -> anyhow::Result<Self> {
        let bar = if bar {
            let draw = ProgressDrawTarget::stdout();
            let bar = ProgressBar::with_draw_target(Some(total as u64), draw);
            let style =
                ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} {msg}")?;
            bar.set_style(style);
            Some(bar)
        } else {
            None
        };
        Ok(Progress { total, bar })
    }

    /// The tutorial's `[k/N]` line for the k-th result to arrive.
    fn announce(&self, k: usize, (job, result): &Done) {
        let name = format!("Task {} (job {job})", job_name(*job));
        let line = match result {
            Ok(value) => format!("[{k}/{}] {name}: {value:?}", self.total),
            Err(err) => format!("[{k}/{}] {name}: error: {err}", self.total),
        };
        if let Some(bar) = &self.bar {
            bar.println(line);
            bar.set_message(name);
            bar.inc(1);
        } else {
            tracing::info!("{line}");
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}

/// `--spread S`: job i gets an extra delay of S x frac(i x 0.618...) (the golden ratio's
/// sequence): the extras fill [0, S) evenly, in a mixed order, and are the same on every
/// run and on every runtime. In Python: `delay + spread * ((i * 0.6180339887498949) % 1)`.
fn spread(jobs: Vec<Job>, spread: Duration) -> Vec<Job> {
    if spread.is_zero() {
        return jobs;
    }
    jobs.into_iter()
        .map(|job| {
            let extra = spread.mul_f64((job.id() as f64 * 0.618_033_988_749_894_9) % 1.0);
            Job::new(
                job.id(),
                job.delay() + extra,
                job.ending(),
                job.log().clone(),
            )
        })
        .collect()
}

/// Checks `--spread` as the shared flags are checked: seconds, from 0 to a day.
fn seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(seconds) if (0.0..=shared::MAX_SECONDS).contains(&seconds) => {
            Ok(Duration::from_secs_f64(seconds))
        }
        _ => Err(format!(
            "{text:?} is not a number of seconds from 0 to 86400"
        )),
    }
}
