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
