//! The book's mdBook preprocessor: what lets each text live in one place and still be read in
//! the book.
//!
//! The book (`docs/book.toml`, built by `scripts/book.sh`) is made of the project's own files:
//! the pages of `docs/`, the pattern READMEs, the examples' sources and outputs. mdBook's own
//! `{{#include file:anchor}}` brings in code; this preprocessor, which runs before it, adds
//! what an include cannot do:
//!
//! - `{{#readme PATH}}` or `{{#readme PATH:ANCHOR}}`: a Markdown file (a pattern's README), or
//!   the lines between its `ANCHOR: name` and `ANCHOR_END: name` lines, with **every link made
//!   to work in the book**: a README links to `tokio/src/lib.rs`, `../shutdown` and
//!   `../../docs/semantics.md`, relative to its folder. A link to a page of the book (or to a
//!   pattern folder or README, whose chapter is `patterns/<pattern>.md`) is made relative to
//!   the chapter; a link to a source file, which the book does not hold, becomes its text.
//! - `{{#notice PATH}}`: the "What to notice:" list of an example's `//!` header, as Markdown.
//! - `{{#semantics KEY...}}`: the rows of the semantics matrix (`docs/semantics.md`) whose
//!   tokio test is `tokio_KEY`, with the table's header and each row's "what to do".
//! - `{{#timeline NAME}}`: the picture `img/NAME.svg` of the page of the runtimes side by side
//!   (`docs/comparison.md`), with the paragraph that says what it shows.
//! - `{{#copy-it PATTERN}}`: the pattern's "Copy it" programs, made from the sources by the
//!   same code as the READMEs' (`contract::copy_it`), one tab per runtime.
//!
//! A README or page can also show a code block that lives in a compiled file: the line
//! `<!-- compiled: PATH:ANCHOR -->` just above its fence says where. The block stays
//! readable where the file is read on its own (on a repository browser), the book takes its
//! lines from PATH's anchored region (less their common indentation), and the two must be
//! the same, or the build fails: so the code a reader sees is code that compiles and is
//! tested.
//!
//! It also **fails the build** where mdBook would not: an `{{#include}}` whose file or anchor
//! is missing (mdBook includes nothing, silently, for a missing anchor), and a link to a file
//! that does not exist. The runtime tabs are plain HTML (`<div class="runtimes">`, one
//! `<div data-runtime="...">` per runtime) that `docs/assets/runtimes.js` turns into tabs.

use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

/// Where the book's files are, all absolute: the workspace and the book's source folder.
#[derive(Clone, Debug)]
pub struct Places {
    /// The workspace root.
    pub root: PathBuf,
    /// The book's source folder (`docs/`): a link into it is a link the book can follow.
    pub src: PathBuf,
}

impl Places {
    /// The chapter of a pattern folder, if the book has one: `patterns/<pattern>.md`.
    fn pattern_chapter(&self, folder: &Path) -> Option<PathBuf> {
        let rest = folder.strip_prefix(self.root.join("crates")).ok()?;
        let mut parts = rest.components();
        let (Some(Component::Normal(pattern)), None) = (parts.next(), parts.next()) else {
            return None;
        };
        let chapter = self
            .src
            .join("patterns")
            .join(Path::new(pattern).with_extension("md"));
        chapter.is_file().then_some(chapter)
    }

    /// Where a link to `target` (absolute, normalised) goes in the book: a file of the book,
    /// or `None` for a file the book does not hold.
    fn in_book(&self, target: &Path) -> Option<PathBuf> {
        if target.starts_with(&self.src) {
            // The table of contents and a folder are no pages: the book has only their text.
            if target.is_dir() || target == self.src.join("SUMMARY.md") {
                return None;
            }
            return Some(target.to_path_buf());
        }
        if target == self.root.join("README.md") {
            return Some(self.src.join("introduction.md"));
        }
        let folder = if target.file_name().is_some_and(|n| n == "README.md") {
            target.parent()?
        } else {
            target
        };
        self.pattern_chapter(folder)
    }
}

/// One chapter through the preprocessor: `content` is the chapter's text, `file` its
/// absolute path. Returns the new text, or every problem found, each in one line.
///
/// # Errors
///
/// A missing include, anchor or linked file, or a directive that cannot be carried out.
pub fn chapter(places: &Places, file: &Path, content: &str) -> Result<String, Vec<String>> {
    let dir = file.parent().unwrap_or(&places.src);
    let mut problems = check_includes(dir, content);
    let text = compiled_blocks(dir, content, &mut problems);
    let text = rewrite_links(places, dir, dir, &text, &mut problems);
    let text = expand(places, dir, &text, &mut problems);
    if problems.is_empty() {
        Ok(text)
    } else {
        Err(problems)
    }
}

/// The directives in `text`, in order: `(start, end, name, arguments)`, byte offsets of the
/// whole `{{#name arguments}}`. A `\{{#` is mdBook's escape, and is skipped.
fn directives(text: &str) -> Vec<(usize, usize, &str, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("{{#").map(|i| i + from) {
        let Some(end) = text[at..].find("}}").map(|i| i + at + 2) else {
            break;
        };
        if !text[..at].ends_with('\\') {
            let inner = text[at + 3..end - 2].trim();
            let (name, args) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            found.push((at, end, name, args.trim()));
        }
        from = end;
    }
    found
}

/// Splits `path:anchor` (mdBook's form); a line range (`file:3:9`) is no anchor.
fn path_and_anchor(args: &str) -> (&str, Option<&str>) {
    match args.split_once(':') {
        Some((path, rest))
            if !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            (path, Some(rest))
        }
        Some((path, _)) => (path, None),
        None => (args, None),
    }
}

/// mdBook's `{{#include}}` and `{{#rustdoc_include}}`: the file must exist, and an anchor
/// must open and close in it around at least one line.
fn check_includes(dir: &Path, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (_, _, name, args) in directives(text) {
        if name != "include" && name != "rustdoc_include" {
            continue;
        }
        let (path, anchor) = path_and_anchor(args);
        match (fs::read_to_string(dir.join(path)), anchor) {
            (Err(err), _) => {
                problems.push(format!("{{{{#{name} {args}}}}}: cannot read {path}: {err}"));
            }
            (Ok(file), Some(anchor)) => {
                if anchored(&file, anchor).is_none_or(|lines| lines.trim().is_empty()) {
                    problems.push(format!(
                        "{{{{#{name} {args}}}}}: no `ANCHOR: {anchor}` ... `ANCHOR_END: {anchor}` \
                         around any line in {path}"
                    ));
                }
            }
            (Ok(_), None) => {}
        }
    }
    problems
}

/// The name after `marker` in `line` (`ANCHOR: copy` gives `copy`), as mdBook reads it.
fn anchor_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let at = line.find(marker)?;
    let rest = line[at + marker.len()..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The lines between `ANCHOR: anchor` and `ANCHOR_END: anchor`, without the lines of other
/// anchors (mdBook's rule), or `None` if the anchor does not open and close.
pub fn anchored(text: &str, anchor: &str) -> Option<String> {
    let mut lines = text.lines();
    lines.find(|l| anchor_name(l, "ANCHOR:") == Some(anchor))?;
    let mut kept = Vec::new();
    for line in lines {
        if anchor_name(line, "ANCHOR_END:") == Some(anchor) {
            return Some(kept.join("\n"));
        }
        if anchor_name(line, "ANCHOR:").is_none() && anchor_name(line, "ANCHOR_END:").is_none() {
            kept.push(line);
        }
    }
    None
}

/// `path` with its `.` and `..` taken out, without asking the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The relative path from the folder `from` to `to`, both absolute, with `/`.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// The links and images of `text`, written relative to the folder `origin`, rewritten for a
/// chapter in the folder `chapter`; see the crate's docs for the rules. A link to a file that
/// does not exist is a problem.
pub fn rewrite_links(
    places: &Places,
    origin: &Path,
    chapter: &Path,
    text: &str,
    problems: &mut Vec<String>,
) -> String {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let (image, url) = match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                ..
            }) => (false, dest_url),
            Event::Start(Tag::Image {
                link_type: LinkType::Inline,
                dest_url,
                ..
            }) => (true, dest_url),
            _ => continue,
        };
        if url.is_empty()
            || url.starts_with('#')
            || url.contains("://")
            || url.starts_with("mailto:")
        {
            continue;
        }
        let (path, fragment) = url.split_once('#').map_or((&*url, ""), |(p, f)| (p, f));
        let target = normalise(&origin.join(path));
        let source = &text[range.clone()];
        // `[text](url)`: the text ends at the last `](` of the link's source.
        let Some(close) = source.rfind("](") else {
            continue;
        };
        if !target.exists() {
            problems.push(format!(
                "a link to {url} (from {}): no such file",
                origin.display()
            ));
            continue;
        }
        let fragment = if fragment.is_empty() {
            String::new()
        } else {
            format!("#{fragment}")
        };
        let new = match places.in_book(&target) {
            Some(page) => format!(
                "{}]({}{fragment})",
                &source[..close],
                relative(chapter, &page)
            ),
            None if image => {
                problems.push(format!(
                    "an image outside the book: {url} (from {})",
                    origin.display()
                ));
                continue;
            }
            // A source file: the book cannot show it, so the link becomes its text.
            None => source[1..close].to_owned(),
        };
        if new != source {
            edits.push((range, new));
        }
    }
    let mut out = text.to_owned();
    for (range, new) in edits.into_iter().rev() {
        out.replace_range(range, &new);
    }
    out
}

/// Carries out this preprocessor's own directives; mdBook's are left for mdBook.
fn expand(places: &Places, dir: &Path, text: &str, problems: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, name, args) in directives(text) {
        let expanded = match name {
            "readme" => readme(places, dir, args),
            "notice" => notice(places, dir, args),
            "semantics" => semantics(places, dir, args),
            "timeline" => timeline(places, dir, args),
            "copy-it" => copy_it(args),
            _ => continue,
        };
        out.push_str(&text[last..start]);
        match expanded {
            Ok(text) => out.push_str(&text),
            Err(problem) => problems.push(format!("{{{{#{name} {args}}}}}: {problem}")),
        }
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// Reads a file, saying which in the error.
fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
}

/// Links rewritten from `origin` to `chapter`, or the problems as one error.
fn relinked(places: &Places, origin: &Path, chapter: &Path, text: &str) -> Result<String, String> {
    let mut problems = Vec::new();
    let text = rewrite_links(places, origin, chapter, text, &mut problems);
    if problems.is_empty() {
        Ok(text)
    } else {
        Err(problems.join("; "))
    }
}

/// `{{#readme PATH[:ANCHOR]}}`.
fn readme(places: &Places, dir: &Path, args: &str) -> Result<String, String> {
    let (path, anchor) = path_and_anchor(args);
    let file = normalise(&dir.join(path));
    let text = read(&file)?;
    let text = match anchor {
        Some(anchor) => anchored(&text, anchor)
            .ok_or_else(|| format!("no `ANCHOR: {anchor}` ... `ANCHOR_END: {anchor}` in {path}"))?,
        None => text,
    };
    let origin = file.parent().unwrap_or(dir);
    let mut problems = Vec::new();
    let text = compiled_blocks(origin, &text, &mut problems);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    relinked(places, origin, dir, &text)
}

/// The marker that says where a code block's lines are compiled.
const COMPILED: &str = "<!-- compiled: ";

/// Every code block under a `<!-- compiled: PATH:ANCHOR -->` line, taken from PATH
/// (relative to `origin`); a block that differs from its source is a problem.
pub fn compiled_blocks(origin: &Path, text: &str, problems: &mut Vec<String>) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        out.push(lines[i].to_owned());
        let Some(args) = lines[i]
            .trim()
            .strip_prefix(COMPILED)
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim)
        else {
            i += 1;
            continue;
        };
        // The fence must follow at once; its body runs to the next closing fence.
        let fence = lines.get(i + 1).copied().unwrap_or("");
        let end = lines[i + 2.min(lines.len() - i)..]
            .iter()
            .position(|l| l.trim() == "```")
            .map(|n| n + i + 2);
        let (true, Some(end)) = (fence.trim_start().starts_with("```"), end) else {
            problems.push(format!(
                "{COMPILED}{args} -->: no code block right after it"
            ));
            i += 1;
            continue;
        };
        let (path, anchor) = path_and_anchor(args);
        let source = fs::read_to_string(origin.join(path))
            .map_err(|err| format!("{COMPILED}{args} -->: cannot read {path}: {err}"))
            .and_then(|file| {
                anchor
                    .and_then(|anchor| anchored(&file, anchor))
                    .ok_or_else(|| format!("{COMPILED}{args} -->: no such anchor in {path}"))
            });
        match source {
            Ok(source) => {
                let source = dedent(&source);
                let shown = lines[i + 2..end].join("\n");
                if shown.trim_end() != source.trim_end() {
                    problems.push(format!(
                        "the code block under {COMPILED}{args} --> differs from its source: \
                         copy the source's lines into it"
                    ));
                }
                out.push(fence.to_owned());
                out.push(source.trim_end().to_owned());
                out.push(lines[end].to_owned());
            }
            Err(problem) => {
                problems.push(problem);
                out.extend(lines[i + 1..=end].iter().map(|l| (*l).to_owned()));
            }
        }
        i = end + 1;
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `text` without the indentation all its non-blank lines share.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `{{#notice PATH}}`: the list after "What to notice:" in the file's `//!` header.
fn notice(places: &Places, dir: &Path, args: &str) -> Result<String, String> {
    let file = normalise(&dir.join(args));
    let source = read(&file)?;
    let header: Vec<&str> = source
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let at = header
        .iter()
        .position(|l| l.trim() == "What to notice:")
        .ok_or_else(|| format!("no \"What to notice:\" in the `//!` header of {args}"))?;
    let text = header[at + 1..].join("\n");
    relinked(places, file.parent().unwrap_or(dir), dir, text.trim())
}

/// `{{#semantics KEY...}}`: the matrix's header, the rows of those keys, and what to do.
fn semantics(places: &Places, dir: &Path, args: &str) -> Result<String, String> {
    let page = places.src.join("semantics.md");
    let text = read(&page)?;
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.starts_with("| behaviour |"))
        .ok_or("no table in docs/semantics.md")?;
    let mut table = format!("{}\n{}\n", lines[header], lines[header + 1]);
    let mut advice = String::new();
    for key in args.split_whitespace() {
        let probe = format!("`tokio_{key}`");
        let row = lines
            .iter()
            .find(|l| l.starts_with("| ") && l.contains(&probe))
            .ok_or_else(|| format!("no row of docs/semantics.md has the test {probe}"))?;
        table.push_str(row);
        table.push('\n');
        // The row's "what to do" is the bullet that starts with its behaviour, in bold, and
        // goes on over the indented lines after it.
        let behaviour = row
            .trim_start_matches("| ")
            .split(" | ")
            .next()
            .unwrap_or("");
        let bullet = format!("- **{behaviour}");
        let at = lines
            .iter()
            .position(|l| {
                l.strip_prefix(&bullet)
                    .is_some_and(|rest| rest.starts_with("**") || rest.starts_with(".**"))
            })
            .ok_or_else(|| format!("docs/semantics.md says nothing to do about \"{behaviour}\""))?;
        advice.push_str(lines[at]);
        advice.push('\n');
        for line in &lines[at + 1..] {
            if !(line.is_empty() || line.starts_with("  ")) {
                break;
            }
            advice.push_str(line);
            advice.push('\n');
        }
    }
    let text = format!("{table}\nWhat to do about each:\n\n{}", advice.trim_end());
    relinked(places, &places.src, dir, &text)
}

/// `{{#timeline NAME}}`: the paragraph before the picture `img/NAME.svg` in
/// `docs/comparison.md`, and the picture.
fn timeline(places: &Places, dir: &Path, name: &str) -> Result<String, String> {
    let text = read(&places.src.join("comparison.md"))?;
    let lines: Vec<&str> = text.lines().collect();
    let picture = format!("](img/{name}.svg)");
    let at = lines
        .iter()
        .position(|l| l.starts_with("![") && l.ends_with(&picture))
        .ok_or_else(|| format!("docs/comparison.md shows no img/{name}.svg"))?;
    // The paragraph ends at the blank line before the picture and starts after the blank
    // line before it.
    let end = at.saturating_sub(1);
    let start = lines[..end]
        .iter()
        .rposition(|l| l.is_empty())
        .map_or(0, |i| i + 1);
    let text = format!("{}\n\n{}", lines[start..end].join("\n"), lines[at]);
    relinked(places, &places.src, dir, &text)
}

/// The markup of one runtime tab group: `docs/assets/runtimes.js` makes tabs of it, and
/// without JavaScript the panels show one after another. Blank lines around each panel's
/// Markdown let mdBook render it inside the HTML.
pub fn runtimes(panels: &[(&str, String)]) -> String {
    let mut out = String::from("<div class=\"runtimes\">\n");
    for (runtime, markdown) in panels {
        let _ = write!(
            out,
            "<div data-runtime=\"{runtime}\">\n\n{}\n\n</div>\n",
            markdown.trim()
        );
    }
    out.push_str("</div>");
    out
}

/// `{{#copy-it PATTERN}}`: each runtime's `[dependencies]` and `src/main.rs`, made as the
/// README's "Copy it" is, from `examples/copy_it.rs`.
fn copy_it(pattern: &str) -> Result<String, String> {
    let snippets = contract::copy_it::from_sources(pattern)?;
    let panels: Vec<(&str, String)> = snippets
        .iter()
        .map(|s| {
            let module = &s.module.0;
            (
                s.runtime.as_str(),
                format!(
                    "`Cargo.toml`:\n\n```toml\n{}\n```\n\n`src/main.rs`:\n\n```rust\n{}\n```\n\n\
                     `src/{module}.rs`: the code under [The Rust](#the-rust), as it is.",
                    s.dependencies, s.main
                ),
            )
        })
        .collect();
    Ok(runtimes(&panels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Places {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = normalise(&root);
        Places {
            src: root.join("docs"),
            root,
        }
    }

    #[test]
    fn anchors_are_read_as_mdbook_reads_them() {
        let text = "a\n// ANCHOR: copy\nb\n<!-- ANCHOR: inner -->\nc\n// ANCHOR_END: copy\nd";
        assert_eq!(anchored(text, "copy").as_deref(), Some("b\nc"));
        assert_eq!(anchored(text, "inner"), None, "an anchor that never ends");
        assert_eq!(
            anchored(text, "cop"),
            None,
            "a prefix of a name is another name"
        );
    }

    #[test]
    fn a_readme_link_is_made_to_work_from_its_chapter() {
        let p = places();
        let readme = p.root.join("crates/gather");
        let chapter = p.src.join("patterns");
        let mut problems = Vec::new();
        let text = "See [shutdown](../shutdown), [the matrix](../../docs/semantics.md#x), \
                    [`tokio/src/lib.rs`](tokio/src/lib.rs), [panics](#panics), \
                    [tokio](https://tokio.rs) and `[code](not/a/link)`.";
        let out = rewrite_links(&p, &readme, &chapter, text, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            out,
            "See [shutdown](shutdown.md), [the matrix](../semantics.md#x), \
             `tokio/src/lib.rs`, [panics](#panics), \
             [tokio](https://tokio.rs) and `[code](not/a/link)`."
        );
    }

    #[test]
    fn a_page_link_and_the_root_readme_work_from_the_book() {
        let p = places();
        let mut problems = Vec::new();
        let out = rewrite_links(
            &p,
            &p.root,
            &p.src,
            "[gather](crates/gather), [c](docs/contract.md), [s](shared/src/lib.rs), ![i](docs/img/bench-no-delay.svg), [d](docs), [t](docs/SUMMARY.md)",
            &mut problems,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            out,
            "[gather](patterns/gather.md), [c](contract.md), s, ![i](img/bench-no-delay.svg), d, t"
        );
    }

    #[test]
    fn a_link_to_a_missing_file_or_include_is_a_problem() {
        let p = places();
        let mut problems = Vec::new();
        rewrite_links(&p, &p.src, &p.src, "[x](nothing-here.md)", &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problems = check_includes(
            &p.src,
            "{{#include ../crates/gather/tokio/src/lib.rs:copy}} {{#include ../crates/gather/tokio/src/lib.rs:nope}} \\{{#include escaped}}",
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("ANCHOR: nope"), "{problems:?}");
    }

    #[test]
    fn a_compiled_block_is_taken_from_its_source_and_must_match_it() {
        let p = places();
        let dir = p.root.join("crates/gather");
        let source = anchored(
            &fs::read_to_string(dir.join("tokio/src/lib.rs")).unwrap(),
            "copy",
        )
        .unwrap();
        let good = format!(
            "Before.\n<!-- compiled: tokio/src/lib.rs:copy -->\n```rust\n{}\n```\nAfter.",
            dedent(&source)
        );
        let mut problems = Vec::new();
        let out = compiled_blocks(&dir, &good, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out.trim_end(), good);
        let stale = "<!-- compiled: tokio/src/lib.rs:copy -->\n```rust\nfn old() {}\n```\n";
        let out = compiled_blocks(&dir, stale, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            out.contains("pub async fn gather"),
            "the book shows the source: {out}"
        );
        problems.clear();
        compiled_blocks(
            &dir,
            "<!-- compiled: tokio/src/lib.rs:nope -->\n```rust\n```\n",
            &mut problems,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(dedent("    a\n\n      b"), "a\n\n  b");
    }

    #[test]
    fn the_notice_and_the_semantics_rows_come_out_as_markdown() {
        let p = places();
        let chapter = p.src.join("patterns");
        let notice = notice(&p, &chapter, "../../crates/gather/tokio/src/lib.rs").unwrap();
        assert!(notice.starts_with("- "), "{notice}");
        assert!(!notice.contains("//!"), "{notice}");
        let rows = semantics(&p, &chapter, "gather_siblings dropped_handle").unwrap();
        assert_eq!(
            rows.lines().filter(|l| l.starts_with("| ")).count(),
            3,
            "{rows}"
        );
        assert!(
            rows.contains("- **The other jobs when one job of a gather fails"),
            "{rows}"
        );
        assert!(
            !rows.contains("](../crates"),
            "source links become text: {rows}"
        );
        assert!(semantics(&p, &chapter, "no_such_row").is_err());
        let picture = timeline(&p, &chapter, "compare-gather").unwrap();
        assert!(
            picture.ends_with("(../img/compare-gather.svg)"),
            "{picture}"
        );
        assert!(picture.contains("asyncio.gather"), "{picture}");
        assert!(timeline(&p, &chapter, "compare-nothing").is_err());
    }
}
