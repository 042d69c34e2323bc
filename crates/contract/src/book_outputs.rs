//! The book's sample outputs: `docs/outputs/<package>.txt`, what each example prints in its
//! default run, which the pattern chapters include. A sample's first line is the command a
//! reader types, `$ cargo run -p gather-tokio` (perhaps with arguments after `--`); the rest
//! is what the example printed, stdout and stderr in one stream as a terminal shows them
//! (`2>&1`), with the output going to a file: plain lines, no progress bar, no colours.
//!
//! `scripts/book-outputs.sh` writes them (this module, asked by `tests/book_outputs.rs`
//! with [`WRITE_VARIABLE`] set), and the same test, run without it, fails when a committed
//! sample and a fresh run of its command disagree in anything but:
//!
//! - timings: every decimal number of seconds or milliseconds (`0.001s`, `Time: 3.00s`,
//!   `(0.59s)`, `1001.2 ms`) becomes `<t>`. A simplification: a duration the example was
//!   given and prints with a decimal point (the scraper's `under a 3.00s deadline`) is
//!   hidden with them, so a changed default shows only in what the run then does (which
//!   pages land, the outcome), which is compared;
//! - the thread column of the event log (`main`, `tokio-rt-worker`, `smol-1`,
//!   `async-std/runtime`, `blocking-7`, padded to the widest name seen so far) becomes
//!   `<thread>`: which worker polls a task is the scheduler's choice, and so is whether a
//!   cancelled task is dropped on the caller's thread or a worker's;
//! - the order of event-log lines stamped with the same instant: jobs due together run on
//!   several threads at once, and which of them logs first is a race. An instant is a
//!   *moment* of the committed sample: consecutive event-log lines less than [`MOMENT`]
//!   apart. The fresh run's lines are cut at the same places (its own times are not
//!   trusted, a loaded machine stretches them) and each cut is compared as a multiset: a
//!   line that moves out of its moment is a change.
//!
//! Everything else must match line for line: the order the caller received the results,
//! the final states, the outcome, the pending jobs, the exit status lines, the summary, and
//! the order of events at different instants. The examples' default jobs are at least
//! 100 ms apart, and a quiet machine logs the lines of one instant within a few
//! milliseconds of each other, so [`MOMENT`], half of those 100 ms, tells them apart.
//!
//! A sample that disagrees is run again, up to [`ATTEMPTS`] runs in all: a loaded machine
//! can wake a timer late enough to swap two results 20 ms apart (the scraper's pages), and a
//! real change disagrees every time.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::workspace_root;

/// The samples' folder, from the workspace's root.
pub const DIR: &str = "docs/outputs";

/// The environment variable that makes `tests/book_outputs.rs` write the samples instead of
/// checking them, when it is `1` (what `scripts/book-outputs.sh` does).
pub const WRITE_VARIABLE: &str = "BOOK_OUTPUTS_WRITE";

/// What a failure tells the reader to do.
pub const REGENERATE: &str = "run scripts/book-outputs.sh to regenerate, and review the diff";

/// How many examples run at once: they mostly sleep (the longest default run takes 3 s), so
/// eight at a time keep both the wait and the load on the machine small.
pub const PARALLEL: usize = 8;

/// How many runs a sample gets before its disagreement counts (see the module's docs).
pub const ATTEMPTS: usize = 3;

/// The most time, in seconds, between two event-log lines of one moment (see the module's
/// docs).
pub const MOMENT: f64 = 0.05;

/// A run that has not ended after this long is stuck: the default runs take seconds.
const LIMIT: Duration = Duration::from_secs(60);

/// The environment variables removed from every run: those that change how many threads a
/// runtime or its blocking pool runs ([`crate::THREAD_VARIABLES`]), so that each runs as it
/// does by default and prints the pool size a reader would see, and `RUST_BACKTRACE`, which
/// adds lines to a panic's message.
fn removed_variables() -> impl Iterator<Item = &'static str> {
    std::iter::once("RUST_BACKTRACE").chain(crate::THREAD_VARIABLES)
}

/// The samples' folder.
pub fn dir() -> PathBuf {
    workspace_root().join(DIR)
}

/// The command on a sample's first line: `$ cargo run -p <package>`, and the example's
/// arguments after ` -- `, if any (split at spaces: no quoting).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The example's package, e.g. `gather-tokio`.
    pub package: String,
    /// What the example is given.
    pub args: Vec<String>,
}

impl Invocation {
    /// The default run of `package`: no arguments.
    pub fn default_run(package: &str) -> Self {
        Invocation {
            package: package.to_owned(),
            args: Vec::new(),
        }
    }

    /// Reads a sample's first line.
    ///
    /// ```
    /// use contract::book_outputs::Invocation;
    /// let run = Invocation::parse("$ cargo run -p gather-smol -- --fail 1")?;
    /// assert_eq!(run.package, "gather-smol");
    /// assert_eq!(run.args, ["--fail", "1"]);
    /// assert_eq!(run.line(), "$ cargo run -p gather-smol -- --fail 1");
    /// assert!(Invocation::parse("gather-smol").is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn parse(line: &str) -> Result<Self, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let args = match words.as_slice() {
            ["$", "cargo", "run", "-p", _] => &[][..],
            ["$", "cargo", "run", "-p", _, "--", args @ ..] => args,
            _ => {
                return Err(format!(
                    "the first line is not `$ cargo run -p <package>` (with the example's \
                     arguments after ` -- `, if any): {line:?}"
                ));
            }
        };
        Ok(Invocation {
            package: words[4].to_owned(),
            args: args.iter().map(|&arg| arg.to_owned()).collect(),
        })
    }

    /// The sample's first line.
    pub fn line(&self) -> String {
        let mut line = format!("$ cargo run -p {}", self.package);
        if !self.args.is_empty() {
            let _ = write!(line, " -- {}", self.args.join(" "));
        }
        line
    }

    /// The example it runs, `(pattern, runtime)`, among `examples` (as [`crate::examples`]
    /// lists them); `None` if no example has that package's name.
    pub fn example<'a>(&self, examples: &'a [(String, String)]) -> Option<&'a (String, String)> {
        examples
            .iter()
            .find(|(pattern, runtime)| format!("{pattern}-{runtime}") == self.package)
    }
}

/// A committed sample: its file, its command and what follows the command.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The file, e.g. `docs/outputs/gather-tokio.txt`.
    pub path: PathBuf,
    /// Its first line.
    pub invocation: Invocation,
    /// Everything after its first line: what the example printed.
    pub output: String,
}

impl Sample {
    /// Reads a sample file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("{}: cannot read it: {err}", relative(path)))?;
        let (first, output) = text.split_once('\n').unwrap_or((&text, ""));
        let invocation =
            Invocation::parse(first).map_err(|err| format!("{}: {err}", relative(path)))?;
        Ok(Sample {
            path: path.to_path_buf(),
            invocation,
            output: output.to_owned(),
        })
    }
}

/// Every `*.txt` file of the samples' folder, sorted; none if the folder does not exist.
pub fn files() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

/// The sample of an example's default run: `docs/outputs/<package>.txt`.
pub fn default_file(package: &str) -> PathBuf {
    dir().join(format!("{package}.txt"))
}

/// What is wrong with the set of samples, given the examples (`(pattern, runtime)`) and each
/// sample file's name with its first line: an example without the sample of its default run
/// (`<package>.txt`, whose command is `$ cargo run -p <package>`), and a sample whose first
/// line is not a command or names a package that does not exist. Other samples, of a run
/// with arguments, may be added under any name.
///
/// ```
/// use contract::book_outputs::inventory_problems;
/// let examples = [("gather".to_owned(), "smol".to_owned())];
/// let files = [("gather-smol.txt".to_owned(), "$ cargo run -p gather-smol".to_owned())];
/// assert!(inventory_problems(&examples, &files).is_empty());
/// assert_eq!(inventory_problems(&examples, &[]).len(), 1);
/// ```
pub fn inventory_problems(
    examples: &[(String, String)],
    files: &[(String, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, first) in files {
        match Invocation::parse(first) {
            Err(err) => problems.push(format!("{DIR}/{name}: {err}")),
            Ok(run) if run.example(examples).is_none() => problems.push(format!(
                "{DIR}/{name} runs `{}`, which is not an example's package",
                run.package
            )),
            Ok(_) => {}
        }
    }
    for (pattern, runtime) in examples {
        let package = format!("{pattern}-{runtime}");
        let name = format!("{package}.txt");
        let wanted = Invocation::default_run(&package).line();
        match files.iter().find(|(file, _)| *file == name) {
            None => problems.push(format!(
                "{DIR}/{name} is missing: every example has the sample of its default run"
            )),
            Some((_, first)) if first.trim_end() != wanted => problems.push(format!(
                "{DIR}/{name} is the sample of `{package}`'s default run: its first line \
                 is {wanted:?}, not {first:?}"
            )),
            Some(_) => {}
        }
    }
    problems
}

/// The committed samples' names and first lines, for [`inventory_problems`].
pub fn committed() -> Vec<(String, String)> {
    files()
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let first = text.lines().next().unwrap_or_default().to_owned();
            (name, first)
        })
        .collect()
}

/// Runs an example as a reader would, with its stdout and stderr going to one file (a
/// terminal's `2>&1`, not a terminal: plain lines), and returns what it printed; or what
/// went wrong: it could not start, it exited with a status after which no report is
/// printed (see [`crate::exits_with_a_report`]), or it ran longer than a minute.
///
/// # Panics
///
/// If the binaries cannot be built (see [`crate::binary`]).
pub fn run(pattern: &str, runtime: &str, args: &[String]) -> Result<String, String> {
    // Both streams share one open file, and so its offset: the lines land in the order
    // they were written, as they would on a terminal. A file, not a pipe, so that nothing
    // has to read while the program runs.
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let number = RUNS.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "async-rosetta-sample-{}-{number}-{pattern}-{runtime}.txt",
        std::process::id()
    ));
    let result = run_into(&path, pattern, runtime, args);
    // The file may not exist if the run could not start; either way it is not needed.
    let _ = std::fs::remove_file(&path);
    result
}

fn run_into(path: &Path, pattern: &str, runtime: &str, args: &[String]) -> Result<String, String> {
    let who = format!("{pattern}-{runtime} {}", args.join(" "));
    let who = who.trim_end();
    let out = File::create(path)
        .map_err(|err| format!("{who}: cannot create {}: {err}", path.display()))?;
    let err = out
        .try_clone()
        .map_err(|err| format!("{who}: cannot share {}: {err}", path.display()))?;
    let mut command = Command::new(crate::binary(pattern, runtime));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for variable in removed_variables() {
        command.env_remove(variable);
    }
    let mut child = command
        .spawn()
        .map_err(|err| format!("{who}: cannot start it: {err}"))?;
    let status = crate::wait_within(&mut child, Instant::now(), LIMIT, Duration::from_millis(10))
        .map_err(|err| format!("{who}: {err}"))?;
    let bytes =
        std::fs::read(path).map_err(|err| format!("{who}: cannot read its output: {err}"))?;
    let printed = String::from_utf8_lossy(&bytes).into_owned();
    if !crate::exits_with_a_report(pattern, status.code()) {
        return Err(format!(
            "{who}: exited with {status}, having printed:\n{printed}"
        ));
    }
    Ok(printed)
}

/// Runs a sample's command, [`ATTEMPTS`] times at most, until a run agrees with it (see
/// [`compare`]). Returns how many runs it took, or why it failed: the last run's diff,
/// and what to do.
pub fn check(sample: &Sample, examples: &[(String, String)]) -> Result<usize, String> {
    let name = relative(&sample.path);
    let Some((pattern, runtime)) = sample.invocation.example(examples) else {
        return Err(format!(
            "{name} runs `{}`, which is not an example's package",
            sample.invocation.package
        ));
    };
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        last = match run(pattern, runtime, &sample.invocation.args) {
            Ok(fresh) => match compare(&sample.output, &fresh) {
                Ok(()) => return Ok(attempt),
                Err(diff) => format!(
                    "{name} disagrees with a fresh run of `{}` ({ATTEMPTS} runs; timings and \
                     threads normalised; - committed, + fresh):\n{diff}",
                    sample.invocation.line().trim_start_matches("$ ")
                ),
            },
            Err(err) => format!("{name}: {err}"),
        };
    }
    Err(format!("{last}\n{REGENERATE}"))
}

/// Writes the sample of `invocation` to `path` from one run.
pub fn write(
    path: &Path,
    invocation: &Invocation,
    examples: &[(String, String)],
) -> Result<(), String> {
    let Some((pattern, runtime)) = invocation.example(examples) else {
        return Err(format!(
            "{} runs `{}`, which is not an example's package: fix its first line, or remove it",
            relative(path),
            invocation.package
        ));
    };
    let printed = run(pattern, runtime, &invocation.args)?;
    std::fs::write(path, format!("{}\n{printed}", invocation.line()))
        .map_err(|err| format!("cannot write {}: {err}", relative(path)))
}

/// A path as the messages show it: from the workspace's root when it is inside it.
pub fn relative(path: &Path) -> String {
    let root = workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Compares a committed output with a fresh one after the normalisation of the module's
/// docs; on a disagreement, returns a small diff of the two, normalised (`- ` committed,
/// `+ ` fresh).
///
/// ```
/// use contract::book_outputs::compare;
/// let committed = "  0.001s main Task A: starting\nOutcome: ok\nTime: 1.00s\n";
/// let fresh = "  0.004s tokio-rt-worker Task A: starting\nOutcome: ok\nTime: 1.01s\n";
/// assert_eq!(compare(committed, fresh), Ok(()));
/// let diff = compare(committed, &fresh.replace("ok", "timeout")).unwrap_err();
/// assert!(diff.contains("- Outcome: ok\n+ Outcome: timeout"), "{diff}");
/// ```
pub fn compare(committed: &str, fresh: &str) -> Result<(), String> {
    let (expected, got) = canonical(committed, fresh);
    if expected == got {
        Ok(())
    } else {
        Err(diff(&expected, &got))
    }
}

/// The two outputs as they are compared: every line normalised, and each run of event-log
/// lines cut into the committed output's moments, each sorted.
pub fn canonical(committed: &str, fresh: &str) -> (Vec<String>, Vec<String>) {
    let committed = lines(committed);
    let fresh = lines(fresh);
    let shape = moments(&committed);
    (cut(&committed, &shape), cut(&fresh, &shape))
}

/// Every line of `text`, normalised, in order (no line sorted): what [`compare`] compares,
/// before the lines of one moment are put in order.
///
/// ```
/// let lines = contract::book_outputs::normalise("  2.005s    smol-1 Task A: cancelled\nTime: 2.01s\n");
/// assert_eq!(lines, ["<t>s <thread> Task A: cancelled", "Time: <t>s"]);
/// ```
pub fn normalise(text: &str) -> Vec<String> {
    lines(text).into_iter().map(|line| line.text).collect()
}

/// One line of an output, normalised.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    /// The line with its timings and thread hidden.
    text: String,
    /// When an event-log line was logged, in seconds since the run began; `None` for every
    /// other line.
    at: Option<f64>,
}

/// The lines of `text`, normalised. A text that does not end its last line is marked so,
/// as `diff` marks it: an output cut short is a change.
fn lines(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = text.lines().map(line).collect();
    if !text.is_empty() && !text.ends_with('\n') {
        lines.push(Line {
            text: "\\ no newline at the end".to_owned(),
            at: None,
        });
    }
    lines
}

/// One line, normalised: an event-log line (`  0.001s tokio-rt-worker Task A: starting`)
/// keeps only its message, with its time and thread replaced; any other line has its
/// timings replaced.
fn line(text: &str) -> Line {
    match event_line(text) {
        Some((at, message)) => Line {
            text: format!("<t>s <thread> {}", timings(message)),
            at: Some(at),
        },
        None => Line {
            text: timings(text),
            at: None,
        },
    }
}

/// The time and the message of an event-log line: the time since the run began in
/// seconds, with three decimals, then `s`, the thread's name, right-aligned to the widest
/// name so far, and the message (see `shared::trace`). `None` for any other line.
fn event_line(text: &str) -> Option<(f64, &str)> {
    let (time, rest) = text.trim_start_matches(' ').split_once("s ")?;
    let (whole, decimals) = time.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(decimals) || decimals.len() != 3 {
        return None;
    }
    let (thread, message) = rest.trim_start_matches(' ').split_once(' ')?;
    if thread.is_empty() || message.is_empty() {
        return None;
    }
    Some((time.parse().ok()?, message))
}

/// `text` with every timing's number replaced by `<t>`: a decimal number (`3.00`, `1001.2`)
/// right after a space, a bracket or the start of the line, followed by `s` or `ms`, with
/// or without a space between them, and then by neither a letter nor a digit. Whole
/// numbers are left alone: they are counts, and the durations the examples are given
/// (`after 1s`).
///
/// ```
/// use contract::book_outputs::timings;
/// assert_eq!(timings("Time: 3.00s"), "Time: <t>s");
/// assert_eq!(timings("✓ page/3 (0.59s)"), "✓ page/3 (<t>s)");
/// assert_eq!(timings("took 1001.2 ms, then 4.5ms"), "took <t> ms, then <t>ms");
/// assert_eq!(timings("job 1.5 of 2s, v1.2s, 3.5 seconds"), "job 1.5 of 2s, v1.2s, 3.5 seconds");
/// ```
pub fn timings(text: &str) -> String {
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'_';
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let number_end = decimal_end(bytes, i);
        let unit = number_end.and_then(|end| {
            let at = end + usize::from(bytes.get(end) == Some(&b' '));
            let unit_end = if bytes[at..].starts_with(b"ms") {
                at + 2
            } else if bytes[at..].starts_with(b"s") {
                at + 1
            } else {
                return None;
            };
            let ends = bytes.get(unit_end).is_none_or(|&b| !word(b));
            ends.then_some((end, unit_end))
        });
        match unit {
            Some((end, unit_end)) => {
                // Every index here is at an ASCII byte, so at a character's boundary.
                out.push_str(&text[copied..i]);
                out.push_str("<t>");
                out.push_str(&text[end..unit_end]);
                copied = unit_end;
                i = unit_end;
            }
            None => {
                // Past the whole number, so that `12.5s` is not read from its `2.5s`.
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
            }
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the decimal number starting at `start` ends (`digits.digits`), if there is one.
fn decimal_end(bytes: &[u8], start: usize) -> Option<usize> {
    let digits_from = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let point = digits_from(start);
    if bytes.get(point) != Some(&b'.') {
        return None;
    }
    let end = digits_from(point + 1);
    (end > point + 1).then_some(end)
}

/// The moments of each run of consecutive event-log lines, in order: for each run, the
/// number of lines of each moment (lines less than [`MOMENT`] after the one before them).
fn moments(lines: &[Line]) -> Vec<Vec<usize>> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut before: Option<f64> = None;
    for line in lines {
        let Some(at) = line.at else {
            before = None;
            continue;
        };
        match (before, runs.last_mut()) {
            // The lines are logged in about time order; a line a little earlier than the
            // one before it (logged by another thread) belongs to that line's moment.
            (Some(then), Some(run)) => match run.last_mut() {
                Some(size) if at - then < MOMENT => *size += 1,
                _ => run.push(1),
            },
            _ => runs.push(vec![1]),
        }
        before = Some(at);
    }
    runs
}

/// The lines' texts, with the lines of each run of event-log lines cut into moments of the
/// sizes `shape` gives for that run, and sorted within each. A run `shape` has no sizes
/// for is cut at its own moments; lines past the last moment of `shape` are one more cut.
fn cut(lines: &[Line], shape: &[Vec<usize>]) -> Vec<String> {
    let own = moments(lines);
    let mut out = Vec::with_capacity(lines.len());
    let (mut i, mut run) = (0, 0);
    while i < lines.len() {
        if lines[i].at.is_none() {
            out.push(lines[i].text.clone());
            i += 1;
            continue;
        }
        let end = i + lines[i..].iter().take_while(|l| l.at.is_some()).count();
        let sizes = shape
            .get(run)
            .or(own.get(run))
            .map_or(&[][..], Vec::as_slice);
        let mut start = i;
        for &size in sizes.iter().chain(std::iter::once(&usize::MAX)) {
            let stop = start.saturating_add(size).min(end);
            let mut moment: Vec<String> =
                lines[start..stop].iter().map(|l| l.text.clone()).collect();
            moment.sort();
            out.extend(moment);
            start = stop;
        }
        run += 1;
        i = end;
    }
    out
}

/// How many unchanged lines a diff shows around each change.
const CONTEXT: usize = 2;

/// How many lines a diff shows at most: a sample is a screenful, and a diff longer than
/// this says enough by its start.
const SHOWN_LINES: usize = 40;

/// A small line diff of `expected` and `got`: each change with [`CONTEXT`] lines around it,
/// `- ` for a line only `expected` has, `+ ` for one only `got` has, `  ` for a line both
/// have, `...` between the parts shown.
///
/// It is the longest common subsequence of the lines, which costs the product of the two
/// lengths: a sample is a screenful (the reports show at most 20 received lines), so that
/// is a few thousand steps. Longer texts only show their first differing line.
///
/// ```
/// let a = ["1", "2", "3"].map(String::from);
/// let b = ["1", "4", "3"].map(String::from);
/// assert_eq!(contract::book_outputs::diff(&a, &b), "  1\n- 2\n+ 4\n  3");
/// ```
pub fn diff(expected: &[String], got: &[String]) -> String {
    let (n, m) = (expected.len(), got.len());
    if n.saturating_mul(m) > 1_000_000 {
        let first = expected.iter().zip(got).take_while(|(a, b)| a == b).count();
        return format!(
            "line {}: - {:?}\n+ {:?}",
            first + 1,
            expected.get(first),
            got.get(first)
        );
    }
    // lcs[i * (m + 1) + j]: the longest common subsequence of expected[i..] and got[j..].
    let mut lcs = vec![0_u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if expected[i] == got[j] {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    // The edit script: (mark, line).
    let mut script: Vec<(char, &str)> = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && expected[i] == got[j] {
            script.push((' ', &expected[i]));
            i += 1;
            j += 1;
        } else if j == m || (i < n && lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
            script.push(('-', &expected[i]));
            i += 1;
        } else {
            script.push(('+', &got[j]));
            j += 1;
        }
    }
    // Each line shown is within CONTEXT lines of a change.
    let changed: Vec<usize> = (0..script.len()).filter(|&k| script[k].0 != ' ').collect();
    let mut shown = vec![false; script.len()];
    for &k in &changed {
        let from = k.saturating_sub(CONTEXT);
        let to = (k + CONTEXT + 1).min(script.len());
        shown[from..to].iter_mut().for_each(|s| *s = true);
    }
    let mut out: Vec<String> = Vec::new();
    let mut gap = false;
    for (k, (mark, text)) in script.iter().enumerate() {
        if !shown[k] {
            gap = !out.is_empty();
            continue;
        }
        if gap {
            out.push("...".to_owned());
            gap = false;
        }
        out.push(format!("{mark} {text}"));
    }
    if out.len() > SHOWN_LINES {
        let more = out.len() - SHOWN_LINES;
        out.truncate(SHOWN_LINES);
        out.push(format!("... ({more} more lines of the diff)"));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A gather run on tokio, as committed.
    const COMMITTED: &str = "  0.001s main gathering 3 jobs (Default)
  0.001s tokio-rt-worker Task A: starting
  0.001s tokio-rt-worker Task B: starting
  0.001s tokio-rt-worker Task C: starting
  1.002s tokio-rt-worker Task B: finished
  2.003s tokio-rt-worker Task A: finished
  3.003s tokio-rt-worker Task C: finished

Received, in the order the caller got them:
  Task A (job 0): \"job 0 result\"
  Task B (job 1): \"job 1 result\"
  Task C (job 2): \"job 2 result\"
Final states: A finished, B finished, C finished
Outcome: ok
Time: 3.00s
";

    #[test]
    fn the_same_text_agrees() {
        assert_eq!(compare(COMMITTED, COMMITTED), Ok(()));
    }

    #[test]
    fn timings_are_hidden() {
        let fresh = COMMITTED
            .replace("  1.002s", "  1.041s")
            .replace("Time: 3.00s", "Time: 3.04s");
        assert_eq!(compare(COMMITTED, &fresh), Ok(()));
        assert_eq!(
            normalise("  1.002s tokio-rt-worker Task B: finished\nTime: 3.00s\n"),
            ["<t>s <thread> Task B: finished", "Time: <t>s"]
        );
        // Times of 100 s and more have no room left to pad.
        assert_eq!(
            normalise("123.456s main Task A: starting\n"),
            ["<t>s <thread> Task A: starting"]
        );
    }

    #[test]
    fn the_thread_column_is_hidden_with_its_padding() {
        // async-std's worker, then the caller on `main`, padded to the widest name so far.
        let committed = "  3.003s async-std/runtime Task C: finished\n  3.003s              main wait returned\n";
        let fresh = "  3.004s smol-1 Task C: finished\n  3.004s   main wait returned\n";
        assert_eq!(compare(committed, fresh), Ok(()));
        assert_eq!(
            normalise(committed),
            [
                "<t>s <thread> Task C: finished",
                "<t>s <thread> wait returned"
            ]
        );
    }

    #[test]
    fn lines_of_one_instant_may_come_in_another_order() {
        let fresh = COMMITTED.replace(
            "  0.001s tokio-rt-worker Task A: starting\n  0.001s tokio-rt-worker Task B: starting\n",
            "  0.002s tokio-rt-worker Task B: starting\n  0.001s tokio-rt-worker Task A: starting\n",
        );
        assert_ne!(fresh, COMMITTED);
        assert_eq!(compare(COMMITTED, &fresh), Ok(()));
    }

    #[test]
    fn the_fresh_run_is_cut_at_the_committed_moments_whatever_its_own_times() {
        // Under load the fresh run's starts spread over 80 ms: still one moment, because
        // the committed sample says so.
        let fresh = COMMITTED
            .replace(
                "  0.001s tokio-rt-worker Task A",
                "  0.081s tokio-rt-worker Task A",
            )
            .replace(
                "  0.001s tokio-rt-worker Task C",
                "  0.041s tokio-rt-worker Task C",
            );
        assert_eq!(compare(COMMITTED, &fresh), Ok(()));
    }

    #[test]
    fn lines_of_different_instants_keep_their_order() {
        // A finishing before B: a change, whatever the times say.
        let fresh = COMMITTED.replace(
            "  1.002s tokio-rt-worker Task B: finished\n  2.003s tokio-rt-worker Task A: finished\n",
            "  1.002s tokio-rt-worker Task A: finished\n  2.003s tokio-rt-worker Task B: finished\n",
        );
        let diff = compare(COMMITTED, &fresh).unwrap_err();
        assert!(diff.contains("- <t>s <thread> Task B: finished"), "{diff}");
        assert!(diff.contains("+ <t>s <thread> Task B: finished"), "{diff}");
        // A line that moves out of its moment, though the committed one is sorted.
        let fresh = COMMITTED.replace(
            "  0.001s tokio-rt-worker Task C: starting\n  1.002s tokio-rt-worker Task B: finished\n",
            "  1.002s tokio-rt-worker Task B: finished\n  0.001s tokio-rt-worker Task C: starting\n",
        );
        assert!(compare(COMMITTED, &fresh).is_err());
    }

    #[test]
    fn a_change_of_outcome_is_caught_with_a_small_diff() {
        let fresh = COMMITTED.replace("Outcome: ok", "Outcome: timeout");
        let diff = compare(COMMITTED, &fresh).unwrap_err();
        assert_eq!(
            diff,
            "    Task C (job 2): \"job 2 result\"\n  \
             Final states: A finished, B finished, C finished\n\
             - Outcome: ok\n\
             + Outcome: timeout\n  \
             Time: <t>s"
        );
    }

    #[test]
    fn the_report_must_match_exactly() {
        for (from, to) in [
            // The order the caller received the results.
            (
                "  Task A (job 0): \"job 0 result\"\n  Task B (job 1): \"job 1 result\"\n",
                "  Task B (job 1): \"job 1 result\"\n  Task A (job 0): \"job 0 result\"\n",
            ),
            ("C finished\n", "C cancelled\n"),
            ("Outcome: ok\n", "Outcome: ok\nPending: Task C (job 2)\n"),
            ("Time: 3.00s\n", "Time: 3.00s\nExit status: 130 (SIGINT)\n"),
            // A whole-number duration is not a timing: it is what the example was given.
            ("gathering 3 jobs", "gathering 4 jobs"),
            // A line cut short.
            ("Time: 3.00s\n", "Time: 3.00s"),
        ] {
            let fresh = COMMITTED.replace(from, to);
            assert_ne!(fresh, COMMITTED, "{from:?}");
            assert!(compare(COMMITTED, &fresh).is_err(), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn an_event_more_or_less_is_a_change() {
        let fresh = COMMITTED.replace("  3.003s tokio-rt-worker Task C: finished\n", "");
        assert!(compare(COMMITTED, &fresh).is_err());
        let fresh = COMMITTED.replace(
            "  3.003s tokio-rt-worker Task C: finished\n",
            "  3.003s tokio-rt-worker Task C: finished\n  3.003s tokio-rt-worker Task C: finally\n",
        );
        assert!(compare(COMMITTED, &fresh).is_err());
    }

    #[test]
    fn moments_are_cut_where_the_lines_are_far_apart() {
        let lines = lines(COMMITTED);
        assert_eq!(moments(&lines), [vec![4, 1, 1, 1]]);
        // Lines between two runs of events end the first run.
        let text = "  0.001s main a\nplain\n  0.002s main b\n  0.003s main c\n";
        assert_eq!(moments(&super::lines(text)), [vec![1], vec![2]]);
    }

    #[test]
    fn other_lines_are_not_event_lines() {
        for text in [
            "  Task A (job 0): \"job 0 result\"",
            "✓ https://example.com/page/3 (0.59s)",
            "Time: 3.00s",
            "  0.01s main too few decimals",
            "  0.001s main",
        ] {
            assert_eq!(event_line(text), None, "{text}");
        }
        assert_eq!(
            event_line("  0.001s main gathering 3 jobs"),
            Some((0.001, "gathering 3 jobs"))
        );
    }

    #[test]
    fn the_diff_shows_only_the_changes_and_their_context() {
        let expected: Vec<String> = (0..30).map(|i| format!("line {i}")).collect();
        let mut got = expected.clone();
        got[3] = "changed 3".to_owned();
        got.remove(20);
        let diff = diff(&expected, &got);
        assert_eq!(
            diff,
            "  line 1\n  line 2\n- line 3\n+ changed 3\n  line 4\n  line 5\n...\n  \
             line 18\n  line 19\n- line 20\n  line 21\n  line 22"
        );
    }

    #[test]
    fn the_first_line_is_the_command() {
        let run = Invocation::parse("$ cargo run -p manual-await-async-std").unwrap();
        assert_eq!(run, Invocation::default_run("manual-await-async-std"));
        let examples = [
            ("manual-await".to_owned(), "async-std".to_owned()),
            ("manual".to_owned(), "await".to_owned()),
        ];
        assert_eq!(run.example(&examples), Some(&examples[0]));
        assert_eq!(
            Invocation::default_run("gather-nope").example(&examples),
            None
        );
        for bad in [
            "cargo run -p gather-tokio",
            "$ cargo run gather-tokio",
            "",
            "$ cargo run -p",
        ] {
            assert!(Invocation::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_inventory_names_a_missing_sample_and_an_unknown_package() {
        let examples = [
            ("gather".to_owned(), "tokio".to_owned()),
            ("gather".to_owned(), "smol".to_owned()),
        ];
        let files = [
            (
                "gather-tokio.txt".to_owned(),
                "$ cargo run -p gather-tokio".to_owned(),
            ),
            (
                "gone-tokio.txt".to_owned(),
                "$ cargo run -p gone-tokio".to_owned(),
            ),
            (
                "gather-tokio-fail.txt".to_owned(),
                "$ cargo run -p gather-tokio -- --fail 1".to_owned(),
            ),
        ];
        let problems = inventory_problems(&examples, &files);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("gone-tokio"), "{problems:#?}");
        assert!(
            problems[1].contains("gather-smol.txt is missing"),
            "{problems:#?}"
        );
        // The default run's sample runs the default run.
        let files = [
            (
                "gather-tokio.txt".to_owned(),
                "$ cargo run -p gather-tokio -- --fail 1".to_owned(),
            ),
            (
                "gather-smol.txt".to_owned(),
                "$ cargo run -p gather-tokio".to_owned(),
            ),
        ];
        assert_eq!(inventory_problems(&examples, &files).len(), 2);
    }
}
