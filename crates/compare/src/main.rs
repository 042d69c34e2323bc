//! `cargo run -p compare -- PATTERN [contract flags]`: one scenario on tokio, async-std,
//! smol and CPython's asyncio, side by side, with each job's timeline.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use compare::{Case, Comparison, all, table, timeline};

const USAGE: &str = "\
Runs one scenario on tokio, async-std, smol and CPython's asyncio with the same jobs,
and puts the reports side by side with each job's timeline.

Usage:
  cargo run -p compare -- PATTERN [--scenario NAME] [--delays 2,1,3] [--fail 1] [...] [--svg FILE]
  cargo run -p compare -- --all [--out FILE]

Arguments:
  PATTERN       manual-await, task-group, gather, wait, as-completed, timeout,
                cancel-cleanup, scraper, blocking, shutdown or queue; every other flag of the
                contract (docs/contract.md) is handed to all four programs as it is
                (a shutdown run interrupted by its signal exits 130, as it should)
  --svg FILE    also draw the timelines as an SVG picture
  --all         every pattern and scenario at a fast time scale; writes
                docs/comparison.md (or --out FILE) and fails on an unexplained
                disagreement
  -h, --help    this help

The pattern's example binaries are built first (`cargo build -p PATTERN-tokio ...`);
CPython is skipped, with a note, unless python3 3.11 or newer is on the PATH.
Exit status: 0, 1 on an unexplained disagreement or a program that failed, 2 on bad
arguments.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "-h" || a == "--help") {
        return emit(&format!("{USAGE}\n"))
            .err()
            .unwrap_or(ExitCode::SUCCESS);
    }
    let mut take = |flag: &str| -> Result<Option<String>, String> {
        let Some(i) = args.iter().position(|a| a == flag) else {
            return Ok(None);
        };
        if i + 1 >= args.len() {
            return Err(format!("{flag} needs a value"));
        }
        let value = args.remove(i + 1);
        args.remove(i);
        Ok(Some(value))
    };
    let (svg, out) = match (take("--svg"), take("--out")) {
        (Ok(svg), Ok(out)) => (svg.map(PathBuf::from), out.map(PathBuf::from)),
        (Err(err), _) | (_, Err(err)) => return usage_error(&err),
    };
    if let Some(i) = args.iter().position(|a| a == "--all") {
        args.remove(i);
        if !args.is_empty() {
            return usage_error(&format!("--all takes no pattern or jobs: {args:?}"));
        }
        return run_all(out);
    }
    let pattern = args.remove(0);
    if pattern.starts_with('-') {
        return usage_error(&format!("the first argument is the pattern, not {pattern}"));
    }
    let case = match Case::parse(&pattern, &args) {
        Ok(case) => case,
        Err(err) => return usage_error(&err),
    };
    if let Err(err) = compare::build(&[case.pattern.as_str()]) {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    let comparison = Comparison::run(case);
    if comparison.columns.iter().all(|c| c.report().is_none()) {
        for failure in comparison.failures() {
            eprintln!("error: {failure}");
        }
        return ExitCode::FAILURE;
    }
    let mut out = table::text(&comparison);
    out.push('\n');
    out.push_str(&timeline::text(&comparison, 64));
    if let Err(code) = emit(&out) {
        return code;
    }
    if let Some(path) = svg {
        if let Err(err) = std::fs::write(&path, timeline::svg(&comparison)) {
            eprintln!("error: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        }
        if let Err(code) = emit(&format!("Timeline drawn in {}\n", path.display())) {
            return code;
        }
    }
    if comparison.unexplained().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes `text` to stdout. `Err` holds the status to end with when it cannot: 0 when the
/// reader went away (`compare ... | head`: it has read all it wanted, and there is no one
/// left to tell), 1, with one line on stderr, for any other failure (a full disk).
fn emit(text: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(err) => {
            eprintln!("error: cannot write the output: {err}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    let message = message.strip_prefix("error: ").unwrap_or(message);
    eprintln!("error: {message} (see --help)");
    ExitCode::from(2)
}

/// Every fast case, in parallel, with a progress bar on a terminal; writes the Markdown.
fn run_all(out: Option<PathBuf>) -> ExitCode {
    let cases = all::cases();
    let patterns: Vec<&str> = cases.iter().map(|c| c.pattern.as_str()).collect();
    if let Err(err) = compare::build(&patterns) {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(cases.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let comparisons = all::run(&cases, 6, &|done: &Comparison| {
        bar.set_message(done.case.title());
        bar.inc(1);
    });
    bar.finish_and_clear();
    let path = out.unwrap_or_else(|| contract::workspace_root().join("docs/comparison.md"));
    if let Err(err) = std::fs::write(&path, all::markdown(&comparisons)) {
        eprintln!("error: cannot write {}: {err}", path.display());
        return ExitCode::FAILURE;
    }
    let problems: Vec<String> = comparisons
        .iter()
        .flat_map(Comparison::unexplained)
        .collect();
    let mut out = String::new();
    for problem in &problems {
        let _ = writeln!(out, "UNEXPLAINED {problem}");
    }
    let explained: usize = comparisons
        .iter()
        .flat_map(Comparison::disagreements)
        .filter(|d| d.explanation.is_some())
        .count();
    let _ = writeln!(
        out,
        "compare --all: {} cases; disagreements explained by a known runtime difference: \
         {explained}, unexplained: {}; wrote {}",
        comparisons.len(),
        problems.len(),
        path.display()
    );
    if let Err(code) = emit(&out) {
        return code;
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
