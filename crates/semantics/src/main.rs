//! `cargo run -p semantics -- write`: runs every probe and rewrites `docs/semantics.md`.
//! `probe RUNTIME ROW` and `child RUNTIME WHAT` run one probe (or a program a probe needs)
//! in this process; the tests and `write` call them in a process of their own.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["probe", runtime, row] => {
            println!("{}", semantics::probe_here(runtime, row));
            ExitCode::SUCCESS
        }
        ["child", runtime, what] => {
            semantics::child_here(runtime, what);
            ExitCode::SUCCESS
        }
        ["write"] | [] => write(),
        _ => {
            eprintln!("usage: semantics [write] | probe RUNTIME ROW | child RUNTIME WHAT");
            ExitCode::from(2)
        }
    }
}

/// Runs every probe, two at a time, and writes the table.
fn write() -> ExitCode {
    let path = semantics::doc_path();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let committed = semantics::committed_facts(&committed);
    if semantics::python().is_none() {
        eprintln!(
            "note: no python3 3.11 or newer on the PATH: the CPython column keeps what the \
             committed table says"
        );
    }
    let facts = semantics::observe_all(&committed, 2);
    if let Err(err) = std::fs::write(&path, semantics::render(&facts)) {
        eprintln!("error: cannot write {}: {err}", path.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", path.display());
    ExitCode::SUCCESS
}
