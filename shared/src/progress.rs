//! The live display of the examples that handle each result as it arrives (as-completed,
//! the scraper): a line per result, with a progress bar below the lines when a person is
//! watching a terminal, plain lines when the output goes to a pipe or a file, and nothing
//! with `--json` (stdout then holds only the report). None of it is async, so it is the
//! same on every runtime.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::job::JobError;
use crate::report::JobState;
use crate::report::{SHOWN, count};
use crate::run::Run;
use crate::scenarios::Scraper;

/// Where an example's result lines go.
#[derive(Debug)]
pub enum Progress {
    /// `--json`: nothing.
    Quiet,
    /// Plain lines, when stdout is a pipe or a file.
    Lines,
    /// A live bar at the bottom of the terminal, with the lines printed above it.
    Bar(ProgressBar),
}

/// Whether this run will draw a bar: stdout is a terminal that can draw one, and `--json`
/// is not among the arguments. It reads the raw arguments, so that an example can ask
/// before it parses them (see [`silence_job_lines`]).
pub fn bar_wanted() -> bool {
    can_draw() && !std::env::args_os().any(|arg| arg == "--json")
}

/// Whether stdout is a terminal that can redraw a line in place: not a pipe or a file, and
/// not a terminal that says it cannot (`TERM=dumb`, or no `TERM` at all). Where it cannot,
/// every result is a plain line: what is printed never depends on whether a bar can be drawn.
fn can_draw() -> bool {
    let term = std::env::var_os("TERM");
    std::io::stdout().is_terminal()
        && term.is_some_and(|term| !term.is_empty() && term != "dumb")
        && !ProgressDrawTarget::stdout().is_hidden()
}

/// Whether the live lines may be coloured: on a terminal that can draw (see above), unless
/// `NO_COLOR` is set to anything but the empty string (<https://no-color.org>).
pub fn colour_wanted() -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    can_draw() && !no_colour
}

/// Turns off the jobs' live log lines (`Task A: starting`, …): with a bar on the screen they
/// would tear it. Call it before [`crate::Run::from_args`], which then leaves the
/// installed do-nothing logger in place.
pub fn silence_job_lines() {
    let quiet = tracing::subscriber::NoSubscriber::default();
    let _ = tracing::subscriber::set_global_default(quiet);
}

impl Progress {
    /// The display for `total` results counted in `unit` (e.g. `"pages"`): quiet with
    /// `--json`, a bar on a terminal, plain lines otherwise.
    pub fn new(total: usize, unit: &str, json: bool) -> Self {
        if json {
            return Progress::Quiet;
        }
        if !can_draw() {
            return Progress::Lines;
        }
        let template = format!("{{spinner}} {{elapsed:>3}} [{{bar:30}}] {{pos}}/{{len}} {unit}");
        // The template is fixed and valid; should it ever not parse, draw the default bar.
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let target = ProgressDrawTarget::stdout();
        let bar = ProgressBar::with_draw_target(Some(total as u64), target).with_style(style);
        // Redraw on a timer of its own thread, so the spinner and the clock move even while
        // no result lands.
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress::Bar(bar)
    }

    /// Prints one line (above the bar, if there is one).
    pub fn line(&self, text: &str) {
        match self {
            Progress::Quiet => {}
            Progress::Lines => crate::output::line(text),
            Progress::Bar(bar) => bar.println(text),
        }
    }

    /// Counts one more result on the bar.
    pub fn advance(&self) {
        if let Progress::Bar(bar) = self {
            bar.inc(1);
        }
    }

    /// Shows a result the moment it lands, `at` after the work began: `✓ label (0.84s)`,
    /// or `✗ label (0.84s): job 3 failed`.
    pub fn arrived(&self, label: &str, result: &Result<String, JobError>, at: Duration) {
        let at = at.as_secs_f64();
        match result {
            Ok(_) => self.line(&format!("✓ {label} ({at:.2}s)")),
            Err(err) => self.line(&format!("✗ {label} ({at:.2}s): {err}")),
        }
        self.advance();
    }

    /// Shows that the deadline passed, `at` after the work began, with `pending` results
    /// not in, of which `never_started` were still waiting for their turn.
    pub fn deadline(&self, at: Duration, pending: usize, never_started: usize) {
        let at = at.as_secs_f64();
        let running = pending - never_started;
        let mut line = format!("⏱ {at:.2}s: deadline; cancelled the {running} still running");
        if never_started > 0 {
            let _ = write!(line, ", {never_started} never started");
        }
        self.line(&line);
    }

    /// Stops the bar, leaving its last state on the screen, and ends its line.
    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.abandon();
            crate::output::line("");
        }
    }
}

/// The closing summary of work under a deadline: how many results arrived (and how many of
/// those were errors), how many timed out, and which (the first [`SHOWN`], then a count).
/// `arrived` and `timed_out` hold job numbers; `label` names a job (e.g. its URL).
///
/// ```
/// let arrived = [(0, Ok("job 0 result".to_owned()))];
/// let text = shared::progress::summary(3, &arrived, &[1, 2], |job| format!("page/{job}"));
/// assert_eq!(text, "\nCompleted 1/3, timed out 2:\n  page/1\n  page/2");
/// ```
pub fn summary(
    total: usize,
    arrived: &[(usize, Result<String, JobError>)],
    timed_out: &[usize],
    label: impl Fn(usize) -> String,
) -> String {
    let failed = arrived.iter().filter(|(_, result)| result.is_err()).count();
    let mut out = format!("\nCompleted {}/{}", count(arrived.len()), count(total));
    if failed > 0 {
        let _ = write!(out, " ({} failed)", count(failed));
    }
    let _ = write!(out, ", timed out {}", count(timed_out.len()));
    if timed_out.is_empty() {
        out.push('.');
    } else {
        out.push(':');
        let timed_out: Vec<_> = timed_out.iter().map(|&job| (job, None)).collect();
        list(&mut out, &timed_out, &label);
    }
    out
}

/// The Python tutorial's own summary: `=== Summary ===`, `Completed: 6/10`, `Timed out: 4`,
/// then under `Failed URLs:` the jobs that gave no content: the timed-out ones, then any
/// that failed, with its error.
///
/// ```
/// use shared::JobError;
/// let arrived = [(0, Ok("job 0 result".to_owned())), (2, Err(JobError::Failed(2)))];
/// let text = shared::progress::tutorial_summary(3, &arrived, &[1], |job| format!("page/{job}"));
/// assert_eq!(
///     text,
///     "\n=== Summary ===\nCompleted: 2/3\nTimed out: 1\nFailed URLs:\n  page/1\n  page/2 (job 2 failed)"
/// );
/// ```
pub fn tutorial_summary(
    total: usize,
    arrived: &[(usize, Result<String, JobError>)],
    timed_out: &[usize],
    label: impl Fn(usize) -> String,
) -> String {
    let mut out = format!(
        "\n=== Summary ===\nCompleted: {}/{}",
        count(arrived.len()),
        count(total)
    );
    let _ = write!(out, "\nTimed out: {}\nFailed URLs:", count(timed_out.len()));
    let timed_out = timed_out.iter().map(|&job| (job, None));
    let errors = arrived
        .iter()
        .filter_map(|(job, result)| result.as_ref().err().map(|err| (*job, Some(err))));
    let failed: Vec<_> = timed_out.chain(errors).collect();
    if failed.is_empty() {
        out.push_str(" none");
    }
    list(&mut out, &failed, &label);
    out
}

/// Adds a line per job, `  https://example.com/page/3` (with its error, if any), for the
/// first [`SHOWN`] jobs, then how many more there are: a summary of a million pages stays
/// readable.
fn list(out: &mut String, jobs: &[(usize, Option<&JobError>)], label: impl Fn(usize) -> String) {
    for (job, error) in jobs.iter().take(SHOWN) {
        let _ = write!(out, "\n  {}", label(*job));
        if let Some(err) = error {
            let _ = write!(out, " ({err})");
        }
    }
    if jobs.len() > SHOWN {
        let _ = write!(out, "\n  ... and {} more", count(jobs.len() - SHOWN));
    }
}

/// Shows a scrape that is over, the same on every runtime: the deadline line (or, for the
/// tutorial, every page that landed, only now), the report, and the summary. `arrived` holds
/// the pages received, in the order they were; `timed_out` the pages still pending at the
/// deadline; `label` names a page (its URL).
pub fn show_scrape(
    run: &Run,
    scenario: Scraper,
    progress: &Progress,
    arrived: &[(usize, Result<String, JobError>)],
    timed_out: &[usize],
    label: impl Fn(usize) -> String,
) -> std::io::Result<()> {
    let pages = run.config().delays.len();
    let mut report = run.report();
    match scenario {
        Scraper::Default if !timed_out.is_empty() => {
            // A timed-out page with no events never left the queue (`--concurrency`). The
            // states come from one pass over the events, not one search per page.
            let states = report.states(pages);
            let never_started = timed_out
                .iter()
                .filter(|&&page| states[page] == JobState::NeverStarted)
                .count();
            progress.deadline(run.log().elapsed(), timed_out.len(), never_started);
        }
        Scraper::Default => {}
        // The tutorial prints what landed only once the wait is over.
        Scraper::Tutorial => {
            for (page, result) in arrived {
                match result {
                    Ok(_) => progress.line(&format!("✓ {}", label(*page))),
                    Err(err) => progress.line(&format!("✗ {}: {err}", label(*page))),
                }
                progress.advance();
            }
        }
    }
    progress.finish();

    for (page, result) in arrived {
        report.received(*page, result);
    }
    report.pending = timed_out.to_vec();
    if !timed_out.is_empty() {
        report.timed_out();
    }
    run.print(&report)?;
    // The summary ends the human output (with `--json`, stdout holds only the report).
    if !run.config().json {
        crate::output::line(&match scenario {
            Scraper::Default => summary(pages, arrived, timed_out, label),
            Scraper::Tutorial => tutorial_summary(pages, arrived, timed_out, label),
        });
    }
    Ok(())
}
