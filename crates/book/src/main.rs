//! The book's mdBook preprocessor (see the library's docs for what it does), as mdBook runs
//! it: `book supports html` asks whether it works with a renderer, then `book` gets the
//! context and the book as JSON on its standard input and writes the book back.
//!
//! It speaks mdBook's JSON directly, with `serde_json`, rather than through the `mdbook`
//! crates: it only needs each chapter's text and path, and that keeps the build small.

use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use book::Places;
use serde_json::Value;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "supports") {
        // Plain Markdown and HTML: any renderer can take what comes out.
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("book preprocessor: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut input = String::new();
    io::stdin().read_to_string(&mut input)?;
    let [mdbook, mut book]: [Value; 2] = serde_json::from_str::<Vec<Value>>(&input)
        .context("mdBook's input is not [context, book]")?
        .try_into()
        .map_err(|_| anyhow::anyhow!("mdBook's input is not [context, book]"))?;
    let root = PathBuf::from(mdbook["root"].as_str().context("no root in the context")?);
    let src = root.join(mdbook["config"]["book"]["src"].as_str().unwrap_or("src"));
    let places = Places {
        root: absolute(&root.join(".."))?,
        src: absolute(&src)?,
    };
    let mut problems = Vec::new();
    // mdBook 0.5 calls the top-level list `items`; 0.4 called it `sections`.
    for key in ["items", "sections"] {
        if let Some(items) = book.get_mut(key) {
            each_chapter(items, &mut |chapter| {
                let Some(path) = chapter["source_path"].as_str().map(|p| places.src.join(p)) else {
                    return;
                };
                let Some(content) = chapter["content"].as_str() else {
                    return;
                };
                match book::chapter(&places, &path, content) {
                    Ok(text) => chapter["content"] = Value::String(text),
                    Err(found) => problems.extend(found.into_iter().map(|p| {
                        format!(
                            "{}: {p}",
                            path.strip_prefix(&places.root).unwrap_or(&path).display()
                        )
                    })),
                }
            });
        }
    }
    if !problems.is_empty() {
        bail!("{} problem(s):\n{}", problems.len(), problems.join("\n"));
    }
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &book)?;
    out.flush()?;
    Ok(())
}

/// Calls `f` on every chapter of a list of book items, sub-chapters included.
fn each_chapter(items: &mut Value, f: &mut impl FnMut(&mut Value)) {
    let Some(items) = items.as_array_mut() else {
        return;
    };
    for item in items {
        if let Some(chapter) = item.get_mut("Chapter") {
            f(chapter);
            if let Some(sub) = chapter.get_mut("sub_items") {
                each_chapter(sub, f);
            }
        }
    }
}

/// `path` made absolute and free of `..`, as the links are compared against it.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("cannot find {}", path.display()))
}
