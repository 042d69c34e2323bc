//! Every chapter of the book through the preprocessor, without mdBook: a missing include,
//! anchor or linked file fails `cargo test`, not only `scripts/book.sh`.

use std::fs;
use std::path::PathBuf;

use book::Places;

fn places() -> Places {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root");
    Places {
        src: root.join("docs"),
        root,
    }
}

/// The chapters `docs/SUMMARY.md` lists, as paths under `docs/`.
fn chapters(places: &Places) -> Vec<PathBuf> {
    let summary = fs::read_to_string(places.src.join("SUMMARY.md")).expect("docs/SUMMARY.md");
    summary
        .lines()
        .filter_map(|line| line.rsplit_once("](")?.1.strip_suffix(')'))
        .map(|path| places.src.join(path))
        .collect()
}

#[test]
fn every_chapter_goes_through_the_preprocessor() {
    let places = places();
    let chapters = chapters(&places);
    assert!(
        chapters.len() >= 11 + 8,
        "SUMMARY.md lists {} chapters",
        chapters.len()
    );
    let mut problems = Vec::new();
    for path in &chapters {
        let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if let Err(found) = book::chapter(&places, path, &text) {
            problems.extend(
                found
                    .into_iter()
                    .map(|p| format!("{}: {p}", path.display())),
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_pattern_has_a_chapter_with_its_three_runtimes() {
    let places = places();
    let chapters = chapters(&places);
    for pattern in contract::copy_it::patterns() {
        let path = places.src.join(format!("patterns/{pattern}.md"));
        assert!(
            chapters.contains(&path),
            "SUMMARY.md does not list {}",
            path.display()
        );
        let text = fs::read_to_string(&path).unwrap_or_default();
        for runtime in contract::RUNTIMES {
            assert!(
                text.contains(&format!("{pattern}/{runtime}/src/lib.rs:copy}}}}")),
                "{} does not show the {runtime} version",
                path.display()
            );
        }
    }
}

/// The Rust blocks of the book that are neither included from a source nor compiled
/// (`<!-- compiled: ... -->`), each with why: sketches around an API the project does not
/// depend on, or of a mistake, which could not be compiled as they are shown. A new typed
/// block fails the test below: include it, or compile it, instead.
const SKETCHES: [(&str, &str); 4] = [
    (
        "use async_compat::{Compat, CompatExt as _};",
        "runtime-choice.md: reqwest on smol; the project does not depend on reqwest",
    ),
    (
        "// Cargo.toml: async-compat = \"0.2\"",
        "semantics.md (generated): reqwest on smol, likewise",
    ),
    (
        "let mut task = tokio::spawn(job);",
        "timeout's README: the mistake of a timeout around a handle, three lines",
    ),
    (
        "loop {",
        "wait's README: a `select!` over a socket, the loop a reader knows from elsewhere",
    ),
];

#[test]
fn every_rust_block_is_included_or_compiled_or_a_listed_sketch() {
    let places = places();
    let mut typed = Vec::new();
    for path in chapters(&places) {
        // "Copy it" is made from the examples' sources by `contract::copy_it`, and built
        // alone by `scripts/copy-check.sh`: left out here.
        let text: Vec<String> = fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim_start().starts_with("{{#copy-it"))
            .map(str::to_owned)
            .collect();
        let Ok(text) = book::chapter(&places, &path, &text.join("\n")) else {
            continue; // reported by every_chapter_goes_through_the_preprocessor
        };
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.trim_start().starts_with("```rust") {
                continue;
            }
            let first = lines.get(i + 1).map_or("", |l| l.trim());
            let compiled = i > 0 && lines[i - 1].trim_start().starts_with("<!-- compiled: ");
            let included =
                first.starts_with("{{#include") || first.starts_with("{{#rustdoc_include");
            if !(compiled || included || SKETCHES.iter().any(|(start, _)| first == *start)) {
                typed.push(format!(
                    "{}: a typed block starting `{first}`",
                    path.display()
                ));
            }
        }
    }
    assert!(typed.is_empty(), "{}", typed.join("\n"));
}
