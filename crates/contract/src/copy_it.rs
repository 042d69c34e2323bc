//! The "Copy it" sections of the pattern READMEs: generated from each runtime's
//! `examples/copy_it.rs` and the `copy` region of its `src/lib.rs`, so that what a reader
//! copies is the code the workspace compiles and tests, never a retyped version of it.
//!
//! For each runtime of a pattern the section holds three blocks, in order:
//!
//! 1. the `[dependencies]` lines, from the ```` ```toml ```` fence in the example's `//!`
//!    header;
//! 2. `src/main.rs`: the example without its `//!` header, where the one line
//!    `use <package>::...;` (e.g. `use gather_tokio::{gather, ...};`) becomes
//!    `mod gather;` and `use gather::{gather, ...};`;
//! 3. `src/gather.rs`: the lines of `src/lib.rs` between `// ANCHOR: copy` and
//!    `// ANCHOR_END: copy` (mdBook's anchor syntax; other anchor lines inside are dropped).
//!
//! `scripts/copy-check.sh` rewrites the sections (`--write`), fails when one is out of date,
//! and builds each runtime's three blocks, read back from the README, as a package of its
//! own outside the workspace.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{RUNTIMES, workspace_root};

/// The line that opens a README's generated section.
pub const BEGIN: &str = "<!-- copy-it -->";
/// The line that closes it.
pub const END: &str = "<!-- copy-it end -->";

/// One runtime's standalone program, as the README shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// The runtime: `tokio`, `async-std` or `smol`.
    pub runtime: String,
    /// The `[dependencies]` table, with its header line.
    pub dependencies: String,
    /// `src/main.rs`.
    pub main: String,
    /// The module file's name without `.rs` (`gather`), and its text.
    pub module: (String, String),
}

/// The module a pattern's code becomes in the reader's program: its folder's name, with
/// `-` turned into `_` (`manual-await` becomes `manual_await`).
pub fn module_name(pattern: &str) -> String {
    pattern.replace('-', "_")
}

/// The pattern's folder: `crates/<pattern>`.
pub fn pattern_dir(pattern: &str) -> PathBuf {
    workspace_root().join("crates").join(pattern)
}

/// Every pattern with at least one runtime package, sorted.
pub fn patterns() -> Vec<String> {
    let mut names: Vec<String> = crate::examples().into_iter().map(|(p, _)| p).collect();
    names.dedup();
    names
}

/// The snippets of `pattern`, one per runtime, made from the sources.
///
/// # Errors
///
/// A source that is missing or not in the expected shape, said in one line.
pub fn from_sources(pattern: &str) -> Result<Vec<Snippet>, String> {
    RUNTIMES
        .iter()
        .map(|runtime| {
            let dir = pattern_dir(pattern).join(runtime);
            let example = read(&dir.join("examples/copy_it.rs"))?;
            let lib = read(&dir.join("src/lib.rs"))?;
            let package = format!("{pattern}_{runtime}").replace('-', "_");
            let module = module_name(pattern);
            let where_ = format!("crates/{pattern}/{runtime}");
            let (dependencies, main) = split_example(&example, &package, &module)
                .map_err(|e| format!("{where_}/examples/copy_it.rs: {e}"))?;
            let code = copy_region(&lib).map_err(|e| format!("{where_}/src/lib.rs: {e}"))?;
            Ok(Snippet {
                runtime: (*runtime).to_owned(),
                dependencies,
                main,
                module: (module, code),
            })
        })
        .collect()
}

/// The README section (between [`BEGIN`] and [`END`], both included) for `snippets`.
pub fn section(pattern: &str, snippets: &[Snippet]) -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push('\n');
    out.push_str(
        "<!-- Written by `scripts/copy-check.sh --write` from each runtime's \
         `examples/copy_it.rs` and the `copy` region of its `src/lib.rs`: edit those, not this. -->\n",
    );
    out.push_str(
        "\nA pattern that spawns its jobs asks for `Send + 'static` futures: each job owns what it \
         uses (move a `String` or an `Arc` into an `async move` block), it cannot borrow a local \
         of its caller. A public function you do not call can go: in a binary, an unused one is dead code.\n",
    );
    for snippet in snippets {
        let (module, code) = &snippet.module;
        let note = if snippet.runtime == "async-std" {
            " (discontinued upstream: prefer smol for new code)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "\n<details>\n<summary><b>{runtime}</b>{note}: <code>Cargo.toml</code>, \
             <code>src/main.rs</code>, <code>src/{module}.rs</code></summary>\n\n\
             ```toml\n{deps}\n```\n\n\
             ```rust\n// src/main.rs\n{main}\n```\n\n\
             ```rust\n// src/{module}.rs: the pattern, as in crates/{pattern}/{runtime}/src/lib.rs\n{code}\n```\n\n\
             </details>\n",
            runtime = snippet.runtime,
            deps = snippet.dependencies,
            main = snippet.main,
        );
    }
    out.push_str(END);
    out
}

/// The README's section as it is now (markers included), or an error if its markers are
/// missing or out of order.
///
/// # Errors
///
/// The markers are missing, repeated or out of order.
pub fn current_section(readme: &str) -> Result<(usize, usize), String> {
    let begin = readme
        .match_indices(BEGIN)
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    let end = readme
        .match_indices(END)
        .map(|(i, _)| i)
        .collect::<Vec<_>>();
    match (begin.as_slice(), end.as_slice()) {
        ([b], [e]) if b < e => Ok((*b, *e + END.len())),
        _ => Err(format!(
            "needs one `{BEGIN}` line, then one `{END}` line, under its \"Copy it\" heading"
        )),
    }
}

/// A pattern's README as it is, with the place of its "Copy it" section and the section
/// the sources make now.
#[derive(Clone, Debug)]
pub struct Readme {
    /// `crates/<pattern>/README.md`.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Where its section is in `text` (markers included).
    pub section: (usize, usize),
    /// The section made from the sources ([`section`]).
    pub fresh: String,
}

impl Readme {
    /// Reads `pattern`'s README and makes its section from the sources.
    ///
    /// # Errors
    ///
    /// The README cannot be read, its markers are wrong, or a source is not in shape.
    pub fn of(pattern: &str) -> Result<Self, String> {
        let path = pattern_dir(pattern).join("README.md");
        let text = read(&path)?;
        let place =
            current_section(&text).map_err(|e| format!("crates/{pattern}/README.md {e}"))?;
        let fresh = section(pattern, &from_sources(pattern)?);
        Ok(Readme {
            path,
            text,
            section: place,
            fresh,
        })
    }

    /// Whether the section is what the sources make.
    pub fn is_fresh(&self) -> bool {
        let (begin, end) = self.section;
        self.text[begin..end] == self.fresh
    }

    /// The README's text with the fresh section in place of the old one.
    pub fn rewritten(&self) -> String {
        let (begin, end) = self.section;
        format!("{}{}{}", &self.text[..begin], self.fresh, &self.text[end..])
    }
}

/// Reads the snippets back from a README's section, as a reader would copy them.
///
/// # Errors
///
/// The section is missing, or a runtime's three blocks are not all there.
pub fn from_readme(readme: &str) -> Result<Vec<Snippet>, String> {
    let (begin, end) = current_section(readme)?;
    let text = &readme[begin..end];
    let mut snippets = Vec::new();
    let mut runtime = None;
    let mut blocks: Vec<String> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("<summary><b>") {
            runtime = rest.split("</b>").next().map(str::to_owned);
            blocks.clear();
        } else if line.starts_with("```") && line.len() > 3 {
            let mut block = String::new();
            for inner in lines.by_ref() {
                if inner == "```" {
                    break;
                }
                block.push_str(inner);
                block.push('\n');
            }
            blocks.push(block);
            if let ([deps, main, module], Some(rt)) = (blocks.as_slice(), runtime.as_ref()) {
                let name = module
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("// src/"))
                    .and_then(|l| l.split(".rs").next())
                    .ok_or("a module block must start with `// src/<module>.rs`")?;
                snippets.push(Snippet {
                    runtime: rt.clone(),
                    dependencies: deps.trim_end().to_owned(),
                    main: main.trim_end().to_owned(),
                    module: (name.to_owned(), module.trim_end().to_owned()),
                });
                blocks.clear();
            }
        }
    }
    if snippets.len() == RUNTIMES.len() {
        Ok(snippets)
    } else {
        Err(format!(
            "its \"Copy it\" section holds {} complete runtimes, not {}",
            snippets.len(),
            RUNTIMES.len()
        ))
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Splits the example into its `[dependencies]` table and the program a reader copies.
fn split_example(example: &str, package: &str, module: &str) -> Result<(String, String), String> {
    let mut lines = example.lines().peekable();
    let mut dependencies = Vec::new();
    let mut in_toml = false;
    while let Some(line) = lines.next_if(|l| l.starts_with("//!")) {
        let text = line.strip_prefix("//!").unwrap_or(line);
        let text = text.strip_prefix(' ').unwrap_or(text);
        match (in_toml, text.trim()) {
            (false, "```toml") => in_toml = true,
            (true, "```") => in_toml = false,
            (true, _) => dependencies.push(text),
            _ => {}
        }
    }
    if dependencies.first() != Some(&"[dependencies]") {
        return Err(
            "its `//!` header needs a ```toml fence that opens with `[dependencies]`".into(),
        );
    }
    let prefix = format!("use {package}::");
    let mut main = Vec::new();
    let mut found = 0;
    for line in lines {
        if let Some(rest) = line.strip_prefix(&prefix) {
            found += 1;
            main.push(format!("mod {module};"));
            main.push(format!("use {module}::{rest}"));
        } else {
            main.push(line.to_owned());
        }
    }
    if found != 1 {
        return Err(format!(
            "needs exactly one line that starts with `{prefix}` (found {found})"
        ));
    }
    Ok((dependencies.join("\n"), trim_blank(&main.join("\n"))))
}

/// The lines between `// ANCHOR: copy` and `// ANCHOR_END: copy`, without anchor lines.
fn copy_region(lib: &str) -> Result<String, String> {
    let mut region = Vec::new();
    let mut state = 0;
    for line in lib.lines() {
        match (state, line.trim()) {
            (0, "// ANCHOR: copy") => state = 1,
            (1, "// ANCHOR_END: copy") => state = 2,
            (_, "// ANCHOR: copy" | "// ANCHOR_END: copy") => {
                return Err("needs exactly one `// ANCHOR: copy` ... `// ANCHOR_END: copy`".into());
            }
            (1, l) if l.starts_with("// ANCHOR:") || l.starts_with("// ANCHOR_END:") => {}
            (1, _) => region.push(line),
            _ => {}
        }
    }
    if state == 2 {
        Ok(trim_blank(&region.join("\n")))
    } else {
        Err("needs a `// ANCHOR: copy` line and, after it, a `// ANCHOR_END: copy` line".into())
    }
}

/// `text` without blank lines at its start and end.
fn trim_blank(text: &str) -> String {
    text.trim_start_matches('\n').trim_end().to_owned()
}
