//! What a person sees: a line for each page the moment it lands, a live progress bar below
//! them when stdout is a terminal, and the closing summary. This file is the same on every
//! runtime: none of it is async.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shared::JobError;

/// Where the scraper's lines go.
pub enum Progress {
    /// `--json`: nothing, so that stdout holds only the JSON report.
    Quiet,
    /// Plain lines, when stdout is a pipe or a file.
    Lines,
    /// A live bar at the bottom of the terminal, with the lines printed above it.
    Bar(ProgressBar),
}

impl Progress {
    /// The output for `pages` pages: quiet with `--json`, a bar on a terminal, else lines.
    pub fn new(pages: usize, json: bool) -> anyhow::Result<Self> {
        if json {
            return Ok(Progress::Quiet);
        }
        if !std::io::stdout().is_terminal() {
            return Ok(Progress::Lines);
        }
        let target = ProgressDrawTarget::stdout();
        let bar = ProgressBar::with_draw_target(Some(pages as u64), target).with_style(
            ProgressStyle::with_template("{spinner} {elapsed:>3} [{bar:30}] {pos}/{len} pages")?
                .progress_chars("=> "),
        );
        // Redraw on a timer of its own thread, so the spinner and the clock move even
        // while no page lands.
        bar.enable_steady_tick(Duration::from_millis(100));
        Ok(Progress::Bar(bar))
    }

    /// Prints one line (above the bar, if there is one).
    pub fn line(&self, text: &str) {
        match self {
            Progress::Quiet => {}
            Progress::Lines => println!("{text}"),
            Progress::Bar(bar) => bar.println(text),
        }
    }

    /// Shows a page the moment it lands, `at` after the scrape began.
    pub fn arrived(&self, url: &str, result: &Result<String, JobError>, at: Duration) {
        let at = at.as_secs_f64();
        match result {
            Ok(_) => self.line(&format!("✓ {url} ({at:.2}s)")),
            Err(err) => self.line(&format!("✗ {url} ({at:.2}s): {err}")),
        }
        if let Progress::Bar(bar) = self {
            bar.inc(1);
        }
    }

    /// Shows that the deadline passed, `at` after the scrape began, with `pending` pages
    /// not in, of which `never_started` were still in the queue.
    pub fn deadline(&self, at: Duration, pending: usize, never_started: usize) {
        let at = at.as_secs_f64();
        let running = pending - never_started;
        let mut line = format!("⏱ {at:.2}s: deadline; cancelled the {running} pages running");
        if never_started > 0 {
            let _ = write!(line, ", {never_started} never started");
        }
        self.line(&line);
    }

    /// Stops the bar, leaving its last state on the screen, and ends its line.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.abandon();
            println!();
        }
    }
}

/// The closing summary: how many pages arrived (and how many of those failed), how many
/// timed out, and the timed-out URLs.
pub fn summary(
    pages: usize,
    arrived: &[&Result<String, JobError>],
    timed_out: &[String],
) -> String {
    let failed = arrived.iter().filter(|result| result.is_err()).count();
    let mut out = format!("\nCompleted {}/{pages}", arrived.len());
    if failed > 0 {
        let _ = write!(out, " ({failed} failed)");
    }
    let _ = write!(out, ", timed out {}", timed_out.len());
    if timed_out.is_empty() {
        out.push('.');
    } else {
        out.push(':');
        for url in timed_out {
            let _ = write!(out, "\n  {url}");
        }
    }
    out
}
