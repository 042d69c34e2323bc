//! The side-by-side table: one column per runtime and CPython, one row per thing the
//! contract fixes, then the elapsed time and its overhead over the ideal.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::{COLUMNS, Column, Comparison};

/// The most characters a cell shows: a list of many jobs (`results`, `pending`) is cut
/// short, as every row is padded to its column's widest cell, and a cell of a million jobs
/// would make every row of the table that wide.
pub const CELL_CHARS: usize = 120;

/// A cell as the table shows it: whole, or, when longer than [`CELL_CHARS`], the items of
/// its list (`B ok, A ok, ...`) that fit, and how many more there are. The rows are
/// compared whole: a disagreement past the cut is still marked.
///
/// ```
/// let long: Vec<String> = (0..100).map(|i| format!("J{i} ok")).collect();
/// let shown = compare::table::shorten(long.join(", "));
/// assert!(shown.starts_with("J0 ok, J1 ok, ") && shown.ends_with(" more"), "{shown}");
/// assert!(shown.chars().count() <= compare::table::CELL_CHARS + 20);
/// assert_eq!(compare::table::shorten("B ok, A err".to_owned()), "B ok, A err");
/// ```
pub fn shorten(cell: String) -> String {
    if cell.chars().count() <= CELL_CHARS {
        return cell;
    }
    let items: Vec<&str> = cell.split(", ").collect();
    let mut shown = String::new();
    let mut kept = 0;
    for item in &items {
        if shown.chars().count() + item.chars().count() + 2 > CELL_CHARS {
            break;
        }
        if kept > 0 {
            shown.push_str(", ");
        }
        shown.push_str(item);
        kept += 1;
    }
    let _ = write!(
        shown,
        "{}… {} more",
        if kept > 0 { ", " } else { "" },
        items.len() - kept
    );
    shown
}

/// Every row of the table: label, whether the columns disagree on it, and the cells.
fn cells(comparison: &Comparison) -> Vec<(String, bool, Vec<String>)> {
    let disagree: HashSet<String> = comparison
        .disagreements()
        .into_iter()
        .map(|d| d.row)
        .collect();
    let mut rows: Vec<(String, bool, Vec<String>)> = comparison
        .rows()
        .into_iter()
        .map(|(label, values)| {
            let marked = disagree.contains(&label);
            let values = values
                .into_iter()
                .zip(&comparison.columns)
                .map(|(value, column)| match (value, column) {
                    (Some(value), _) => shorten(value),
                    (None, Column::Skipped(_)) => "(skipped)".to_owned(),
                    (None, _) => "(failed)".to_owned(),
                })
                .collect();
            (label, marked, values)
        })
        .collect();
    let ideal = comparison.case.ideal_ms();
    let timing = |f: &dyn Fn(f64) -> String| {
        comparison
            .columns
            .iter()
            .map(|c| c.report().map_or("-".to_owned(), |r| f(r.elapsed_ms)))
            .collect::<Vec<_>>()
    };
    rows.push((
        "elapsed".to_owned(),
        false,
        timing(&|ms| format!("{ms:.1} ms")),
    ));
    let what = if comparison.case.sequential() {
        "sum"
    } else {
        "ideal"
    };
    rows.push((
        format!("over {what} {ideal:.0} ms"),
        false,
        timing(&|ms| format!("{:+.1} ms", ms - ideal)),
    ));
    // Shown, not compared, where the scenario uses the pool: the pools differ by design,
    // and their sizes explain the times.
    let pools: Vec<Option<usize>> = comparison
        .columns
        .iter()
        .map(|c| c.report().and_then(|r| r.blocking_pool))
        .collect();
    if comparison.case.pooled_jobs() > 0 && pools.iter().any(Option::is_some) {
        let cells = pools
            .iter()
            .map(|pool| pool.map_or("-".to_owned(), |threads| format!("{threads} threads")))
            .collect();
        rows.push(("blocking pool".to_owned(), false, cells));
    }
    rows
}

/// The notes under the table: one line per disagreement (explained or not) and one per
/// column that did not run.
fn notes(comparison: &Comparison) -> Vec<String> {
    let disagreements = comparison.disagreements();
    // The rows that share an explanation share one note (a case of many jobs may disagree
    // on every job for one reason), in the order the rows come.
    let mut groups: Vec<(Option<String>, Vec<String>)> = Vec::new();
    let mut group_of: std::collections::HashMap<Option<String>, usize> =
        std::collections::HashMap::new();
    for d in &disagreements {
        let at = *group_of.entry(d.explanation.clone()).or_insert_with(|| {
            groups.push((d.explanation.clone(), Vec::new()));
            groups.len() - 1
        });
        groups[at].1.push(d.row.clone());
    }
    let mut notes: Vec<String> = groups
        .into_iter()
        .map(|(explanation, rows)| {
            let rows = shorten(rows.join(", "));
            match explanation {
                Some(why) => format!("≠ {rows}: known difference: {why}"),
                None => format!(
                    "≠ {rows}: UNEXPLAINED: the columns should agree here (a bug in an \
                     example or in scripts/python/reference.py?)"
                ),
            }
        })
        .collect();
    let unexplained = disagreements.iter().any(|d| d.explanation.is_none());
    if unexplained {
        for (name, over) in comparison.late() {
            notes.push(format!(
                "note: {name} ran {over:.0} ms over the ideal: on a loaded machine events this \
                 close can change order; run it again before calling it a bug"
            ));
        }
    }
    if let Some(note) = answered_note(comparison) {
        notes.push(note);
    }
    let jobs = comparison.case.pooled_jobs();
    for (column, name) in comparison.columns.iter().zip(COLUMNS) {
        let Some(threads) = column.report().and_then(|r| r.blocking_pool) else {
            continue;
        };
        if threads < jobs {
            notes.push(format!(
                "note: {name}'s blocking pool runs {threads} threads for {jobs} jobs: they \
                 take {} rounds, where the ideal gives each job a thread",
                jobs.div_ceil(threads)
            ));
        }
    }
    if comparison.reruns > 0 {
        notes.push(format!(
            "note: agreed on run {}; the earlier runs were disturbed by the machine's load",
            comparison.reruns + 1
        ));
    }
    for (column, name) in comparison.columns.iter().zip(COLUMNS) {
        match column {
            Column::Skipped(why) => notes.push(format!("note: {why}")),
            Column::Failed(why) => notes.push(format!("error: {name}: {why}")),
            Column::Ran(_) => {}
        }
    }
    notes
}

/// Blocking work cannot be cancelled, so a caller either answers while it runs on (and the
/// program waits for it before its report) or waits for it before answering: when the
/// columns of a case that hands work to a blocking pool differ on that, their elapsed times
/// do too, by design.
fn answered_note(comparison: &Comparison) -> Option<String> {
    if comparison.case.pooled_jobs() == 0 {
        return None;
    }
    let mut ran_on = Vec::new();
    let mut waited = Vec::new();
    for (column, name) in comparison.columns.iter().zip(COLUMNS) {
        let Some(report) = column.report() else {
            continue;
        };
        let last_end = report
            .events
            .iter()
            // Work on a thread runs to an end; a `cancelled` task never held a thread.
            .filter(|e| e.event.is_terminal() && e.event != shared::EventKind::Cancelled)
            .map(|e| e.t_ms)
            .fold(f64::NEG_INFINITY, f64::max);
        if last_end > report.elapsed_ms {
            ran_on.push(name);
        } else {
            waited.push(name);
        }
    }
    (!ran_on.is_empty() && !waited.is_empty()).then(|| {
        format!(
            "note: {} answered while jobs still ran on their threads (the program waited for \
             them before its report); {} answered once every job had ended: hence the \
             elapsed times",
            names(&ran_on),
            names(&waited)
        )
    })
}

/// `tokio, async-std and smol`.
fn names(columns: &[&str]) -> String {
    match columns {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The table as plain text for the terminal.
pub fn text(comparison: &Comparison) -> String {
    let rows = cells(comparison);
    let mut widths: Vec<usize> = std::iter::once(
        rows.iter()
            .map(|(l, _, _)| l.chars().count())
            .max()
            .unwrap_or(0),
    )
    .chain(COLUMNS.iter().map(|c| c.len()))
    .collect();
    for (_, _, values) in &rows {
        for (i, v) in values.iter().enumerate() {
            widths[i + 1] = widths[i + 1].max(v.chars().count());
        }
    }
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let mut out = String::new();
    let _ = writeln!(out, "{}", comparison.case.title());
    let header: Vec<String> = std::iter::once(pad("", widths[0]))
        .chain(
            COLUMNS
                .iter()
                .enumerate()
                .map(|(i, c)| pad(c, widths[i + 1])),
        )
        .collect();
    let _ = writeln!(out, "  {}", header.join(" │ ").trim_end());
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    let _ = writeln!(out, "  {}", rule.join("─┼─"));
    for (label, marked, values) in &rows {
        let mark = if *marked { "≠ " } else { "  " };
        let line: Vec<String> = std::iter::once(pad(label, widths[0]))
            .chain(
                values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| pad(v, widths[i + 1])),
            )
            .collect();
        let _ = writeln!(out, "{mark}{}", line.join(" │ ").trim_end());
    }
    for note in notes(comparison) {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// The table as Markdown, for `docs/comparison.md`.
pub fn markdown(comparison: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "| | {} |", COLUMNS.join(" | "));
    let _ = writeln!(out, "|---|{}", "---|".repeat(COLUMNS.len()));
    for (label, marked, values) in cells(comparison) {
        let label = if marked {
            format!("≠ {label}")
        } else {
            label
        };
        let _ = writeln!(out, "| {label} | {} |", values.join(" | "));
    }
    let notes = notes(comparison);
    if !notes.is_empty() {
        out.push('\n');
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    out
}
