//! Checks that every pattern README's "Copy it" section is what a reader can copy: up to date
//! with the sources, and a program that builds and runs with only its own dependency lines.
//!
//! ```text
//! scripts/copy-check.sh                     # check every pattern: sections, builds, runs
//! scripts/copy-check.sh crates/gather       # one pattern
//! scripts/copy-check.sh --write             # rewrite the sections from the sources
//! ```
//!
//! For each pattern and runtime it reads the three blocks back from the README (the
//! `[dependencies]` lines, `src/main.rs` and the pattern's module file), writes them as a
//! fresh package under `target/copy-check/` that is its own workspace and names no path
//! dependency, copies the workspace's `Cargo.lock` beside it (so the versions are the ones
//! the workspace was tested with), builds it with warnings denied, and runs it: the program
//! asserts its own results. All the packages share one target folder, so each dependency is
//! compiled once per feature set. The build runs offline when the registry cache already
//! holds every crate (it does after `cargo build --workspace`), and fetches them otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};
use std::time::{Duration, Instant};

use contract::copy_it::{self, Readme, Snippet};
use contract::workspace_root;

/// The most one snippet may run before it counts as stuck.
const RUN_LIMIT: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    let mut write = false;
    let mut patterns = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--write" => write = true,
            "-h" | "--help" => {
                println!("usage: copy-check [--write] [crates/<pattern> ...]");
                return ExitCode::SUCCESS;
            }
            path => {
                let name = Path::new(path.trim_end_matches('/'))
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                let Some(name) =
                    name.filter(|n| copy_it::pattern_dir(n).join("README.md").is_file())
                else {
                    eprintln!("copy-check: {path} is not a pattern folder (crates/<pattern>)");
                    return ExitCode::from(2);
                };
                patterns.push(name);
            }
        }
    }
    if patterns.is_empty() {
        patterns = copy_it::patterns();
    }

    let mut failed = Vec::new();
    for pattern in &patterns {
        let outcome = if write {
            write_section(pattern)
        } else {
            check_pattern(pattern)
        };
        if let Err(err) = outcome {
            eprintln!("FAIL {pattern}: {err}");
            failed.push(pattern.clone());
        }
    }
    if failed.is_empty() {
        println!(
            "copy-check: {} pattern(s) {}",
            patterns.len(),
            if write { "written" } else { "ok" }
        );
        ExitCode::SUCCESS
    } else {
        eprintln!("copy-check: failed: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}

/// Rewrites the pattern README's section from the sources.
fn write_section(pattern: &str) -> Result<(), String> {
    let readme = Readme::of(pattern)?;
    std::fs::write(&readme.path, readme.rewritten()).map_err(|e| e.to_string())?;
    println!("wrote crates/{pattern}/README.md");
    Ok(())
}

/// Checks that the section is up to date, then builds and runs each runtime's snippet as
/// the README shows it.
fn check_pattern(pattern: &str) -> Result<(), String> {
    let readme = Readme::of(pattern)?;
    if !readme.is_fresh() {
        return Err(format!(
            "the \"Copy it\" section of crates/{pattern}/README.md is out of date: \
             run scripts/copy-check.sh --write crates/{pattern}"
        ));
    }
    for snippet in copy_it::from_readme(&readme.text).map_err(|e| format!("README.md: {e}"))? {
        let started = Instant::now();
        build_and_run(pattern, &snippet)?;
        println!(
            "ok   {pattern}-{} ({:.1} s)",
            snippet.runtime,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// The folder all the snippet packages share as their target.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("copy-check")
}

fn build_and_run(pattern: &str, snippet: &Snippet) -> Result<(), String> {
    let name = format!("copy-it-{pattern}-{}", snippet.runtime);
    let root = target_dir();
    let dir = root.join("packages").join(&name);
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(|e| format!("{}: {e}", src.display()))?;
    // An empty `[workspace]` table makes the package a workspace of its own, though it sits
    // below the project's folder.
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n{}\n\n[workspace]\n",
        snippet.dependencies
    );
    let (module, code) = &snippet.module;
    for (path, text) in [
        (dir.join("Cargo.toml"), manifest.as_str()),
        (src.join("main.rs"), &format!("{}\n", snippet.main)),
        (src.join(format!("{module}.rs")), &format!("{code}\n")),
    ] {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // The workspace's lock: the snippet builds with the versions the project was tested
    // with (cargo drops the entries it does not need).
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;

    let cargo_build = |offline: bool| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command
            .args(["build", "--quiet", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target"))
            // A warning fails the check, as in CI; dependencies' own lints are capped by
            // cargo, so this judges the snippet alone.
            .env("RUSTFLAGS", "-D warnings");
        if offline {
            command.arg("--offline");
        }
        command.output().map_err(|e| format!("cargo: {e}"))
    };
    let mut built = cargo_build(true)?;
    if !built.status.success() && mentions_offline(&built) {
        // The registry cache lacks a crate: fetch it once.
        built = cargo_build(false)?;
    }
    if !built.status.success() {
        return Err(format!(
            "{name} does not build with only its README's dependencies:\n{}",
            String::from_utf8_lossy(&built.stderr)
        ));
    }

    let exe = root
        .join("target/debug")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let ran = run_with_limit(&exe)?;
    if !ran.status.success() {
        return Err(format!(
            "{name} built, but its run failed ({}):\n{}{}",
            ran.status,
            String::from_utf8_lossy(&ran.stdout),
            String::from_utf8_lossy(&ran.stderr)
        ));
    }
    Ok(())
}

/// Whether a failed offline build failed for want of a download.
fn mentions_offline(output: &Output) -> bool {
    String::from_utf8_lossy(&output.stderr).contains("offline")
}

/// Runs `exe`, killing it if it runs longer than [`RUN_LIMIT`].
fn run_with_limit(exe: &Path) -> Result<Output, String> {
    let mut child = Command::new(exe)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let started = Instant::now();
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            return child.wait_with_output().map_err(|e| e.to_string());
        }
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            return Err(format!(
                "{} ran for more than {RUN_LIMIT:?}: killed",
                exe.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
