//! The side-by-side table: one column per runtime and CPython, one row per thing the
//! contract fixes, then the elapsed time and its overhead over the ideal.

use std::fmt::Write as _;

use crate::{COLUMNS, Column, Comparison};

/// Every row of the table: label, whether the columns disagree on it, and the cells.
fn cells(comparison: &Comparison) -> Vec<(String, bool, Vec<String>)> {
    let disagree: Vec<String> = comparison
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
                    (Some(value), _) => value,
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
    rows
}

/// The notes under the table: one line per disagreement (explained or not) and one per
/// column that did not run.
fn notes(comparison: &Comparison) -> Vec<String> {
    let mut notes: Vec<String> = comparison
        .disagreements()
        .into_iter()
        .map(|d| match d.explanation {
            Some(why) => format!("≠ {}: known difference: {why}", d.row),
            None => format!(
                "≠ {}: UNEXPLAINED: the columns should agree here (a bug in an example \
                 or in scripts/python/reference.py?)",
                d.row
            ),
        })
        .collect();
    let unexplained = comparison
        .disagreements()
        .iter()
        .any(|d| d.explanation.is_none());
    if unexplained {
        for (name, over) in comparison.late() {
            notes.push(format!(
                "note: {name} ran {over:.0} ms over the ideal: on a loaded machine events this \
                 close can change order; run it again before calling it a bug"
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
