//! Timing the example binaries end to end, as a user runs them: the release build of every
//! example, the arguments that give a run of N jobs a cost made of the jobs and not of
//! their delays, and a stopwatch around one run with its output thrown away.
//!
//! `scale-check` uses it to fail an example whose cost grows faster than its jobs, and the
//! benchmark (`crates/bench`) to report how the cost grows. Neither needs more than the
//! time of a run: what the program printed is read by the contract's tests, not here.
//!
//! ```no_run
//! use contract::timing::{self, Sink};
//!
//! timing::build(&[("gather".to_owned(), "tokio".to_owned())])?;
//! let mut run = timing::command("gather", "tokio", &["--scenario", "default"], 10_000);
//! let took = timing::time(&mut run, "gather", Sink::Pipe)?;
//! println!("10 000 jobs in {took:?}");
//! # Ok::<(), String>(())
//! ```
//!
//! The binaries are looked for where `cargo build --release` puts them with the same
//! environment: `$CARGO_TARGET_DIR/release`, else the workspace's `target/release`. A
//! target folder chosen elsewhere (a `.cargo/config.toml`'s `build.target-dir`) is not
//! seen: the runs then fail to start, each naming the path it tried, or time an older
//! build left in the workspace's `target/`.

use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::workspace_root;

/// The most any one run may take before it counts as stuck: generous, so that only a run
/// that would go on for hours (a quadratic path at a big size) is stopped.
pub const LIMIT: Duration = Duration::from_secs(300);

/// Where a timed run's stdout goes. stdin is empty and stderr is thrown away in both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// `/dev/null`: each write costs the program a system call, and nothing is copied.
    Null,
    /// A pipe that this process reads and throws away, as `| cat > /dev/null` would: every
    /// byte is copied through the pipe, and a program that writes faster than the reader
    /// reads waits for it, as it does for any reader.
    Pipe,
}

/// Builds the release binaries of these examples (`(pattern, runtime)`, as
/// [`crate::examples`] lists them) in one `cargo build --release`: `$CARGO` when a cargo
/// command runs this program, else `cargo` on the `PATH`. Cargo's own messages (the
/// compiler's errors) go to stderr; the error returned says only that the build failed.
pub fn build(examples: &[(String, String)]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--quiet", "--release", "--bins"])
        .current_dir(workspace_root());
    for (pattern, runtime) in examples {
        command.args(["-p", &format!("{pattern}-{runtime}")]);
    }
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!(
            "the release build of the examples failed ({status})"
        )),
        Err(err) => Err(format!(
            "the release build of the examples failed: cannot run cargo ({err})"
        )),
    }
}

/// Where the release build puts an example's binary (see the module's docs for how the
/// folder is found). A relative `CARGO_TARGET_DIR` is taken from the workspace's root, as
/// cargo takes it in [`build`], which runs there.
pub fn release_binary(pattern: &str, runtime: &str) -> PathBuf {
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), |dir| root.join(dir));
    target.join("release").join(format!(
        "{pattern}-{runtime}{}",
        std::env::consts::EXE_SUFFIX
    ))
}

/// Whether the jobs of this run would wait for one another with a delay: jobs one after
/// another (gather's `sequential`), blocking work, which holds a thread of a pool of
/// about 500 for its whole delay (`to-thread`: 200 000 jobs of 0.1 s would take 40 s), or
/// jobs that wait for one of a queue's three workers (both scenarios: 200 000 jobs of
/// 0.1 s would take more than an hour). They get no delay, so that the run measures the
/// pattern's own cost per job: for `queue`, every job through the channel and a worker,
/// and in `bounded` the producer's put waiting for room in a queue of one.
/// (`blocked` and blocking's `timeout` block only a job or two: they keep the delay.)
///
/// `args` are the run's own arguments (`--scenario` and its name among them): a run
/// without `--scenario` is of the pattern's default scenario, `to-thread` for `blocking`,
/// so name the scenario to be understood.
///
/// ```
/// use contract::timing::waits_in_turn;
/// assert!(waits_in_turn("queue", &["--scenario", "workers"]));
/// assert!(waits_in_turn("gather", &["--scenario", "sequential"]));
/// assert!(!waits_in_turn("gather", &["--scenario", "default"]));
/// ```
pub fn waits_in_turn(pattern: &str, args: &[&str]) -> bool {
    args.contains(&"sequential")
        || (pattern == "blocking" && args.contains(&"to-thread"))
        || pattern == "queue"
}

/// The shutdown runs: their jobs (of a minute) are interrupted after 0.1 s, as briefly as
/// the other patterns' jobs sleep, by the program's own SIGINT (it exits 130); their
/// cleanups take no time, and in `grace` take a minute and are abandoned after 0.05 s. So
/// the run measures the signal, every job's cleanup and the report, not the jobs' sleep.
pub fn shutdown_flags(args: &[&str]) -> &'static [&'static str] {
    if args.contains(&"grace") {
        &[
            "--interrupt-after",
            "0.1",
            "--cleanup",
            "60",
            "--grace",
            "0.05",
        ]
    } else {
        &["--interrupt-after", "0.1", "--cleanup", "0"]
    }
}

/// The command line of a timed run of `jobs` jobs: `--tasks` and `--delay` (0.1 s; 0 s
/// when they would wait in turn, see [`waits_in_turn`]; shutdown's, see
/// [`shutdown_flags`]), then `args`.
///
/// ```
/// let args = contract::timing::arguments("queue", &["--scenario", "workers"], 10);
/// assert_eq!(args, ["--tasks", "10", "--delay", "0", "--scenario", "workers"]);
/// let args = contract::timing::arguments("shutdown", &["--json"], 10);
/// assert_eq!(args[..4], ["--tasks", "10", "--delay", "60"]);
/// assert!(args.ends_with(&["--cleanup".to_owned(), "0".to_owned(), "--json".to_owned()]));
/// ```
pub fn arguments(pattern: &str, args: &[&str], jobs: usize) -> Vec<String> {
    let (delay, flags) = if pattern == "shutdown" {
        ("60", shutdown_flags(args))
    } else if waits_in_turn(pattern, args) {
        ("0", &[][..])
    } else {
        ("0.1", &[][..])
    };
    let mut all = vec![
        "--tasks".to_owned(),
        jobs.to_string(),
        "--delay".to_owned(),
        delay.to_owned(),
    ];
    all.extend(flags.iter().chain(args).map(|&arg| arg.to_owned()));
    all
}

/// The command that runs an example's release binary on [`arguments`], without
/// `RUST_BACKTRACE` (a backtrace per simulated panic would be timed too). Add to its
/// environment before [`time`] runs it, if the run needs more.
pub fn command(pattern: &str, runtime: &str, args: &[&str], jobs: usize) -> Command {
    let mut command = Command::new(release_binary(pattern, runtime));
    command
        .args(arguments(pattern, args, jobs))
        .env_remove("RUST_BACKTRACE");
    command
}

/// Runs `command`, a run of `pattern`, its output sent to `sink`, and returns how long it
/// took from its start to its exit; or what went wrong: it could not start, it exited with
/// a status after which no report is printed (see [`crate::exits_with_a_report`]), or it
/// was still running after [`LIMIT`] and was killed.
///
/// The exit is noticed by asking every millisecond, so a time may be up to a millisecond
/// long; the runs worth timing take tens of milliseconds at least.
pub fn time(command: &mut Command, pattern: &str, sink: Sink) -> Result<Duration, String> {
    let stdout = match sink {
        Sink::Null => Stdio::null(),
        Sink::Pipe => Stdio::piped(),
    };
    command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = command.spawn().map_err(|err| {
        let program = command.get_program().to_string_lossy().into_owned();
        format!("cannot start {program}: {err}")
    })?;
    // The reader of the pipe runs beside the wait: it ends when the program's end closes
    // the pipe. What it reads is thrown away.
    let reader = child
        .stdout
        .take()
        .map(|mut out| std::thread::spawn(move || io::copy(&mut out, &mut io::sink())));
    let ended = crate::wait_within(&mut child, start, LIMIT, Duration::from_millis(1))
        .map(|status| (status, start.elapsed()));
    if let Some(reader) = reader {
        // A read error costs nothing but the rest of the output, which is thrown away.
        let _ = reader.join();
    }
    let (status, took) = ended?;
    if !crate::exits_with_a_report(pattern, status.code()) {
        return Err(format!("exited with {status}"));
    }
    Ok(took)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delayed_jobs_sleep_a_tenth_of_a_second_and_the_ones_that_would_wait_in_turn_none() {
        let delay = |pattern, scenario| arguments(pattern, &["--scenario", scenario], 5)[3].clone();
        assert_eq!(delay("gather", "default"), "0.1");
        assert_eq!(delay("gather", "sequential"), "0");
        assert_eq!(delay("blocking", "to-thread"), "0");
        assert_eq!(delay("blocking", "blocked"), "0.1");
        assert_eq!(delay("queue", "bounded"), "0");
        assert_eq!(delay("shutdown", "ctrl-c"), "60");
    }

    #[test]
    fn shutdown_is_interrupted_and_grace_abandons_the_cleanups() {
        let args = arguments("shutdown", &["--scenario", "grace"], 3);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_eq!(
            args,
            [
                "--tasks",
                "3",
                "--delay",
                "60",
                "--interrupt-after",
                "0.1",
                "--cleanup",
                "60",
                "--grace",
                "0.05",
                "--scenario",
                "grace"
            ]
        );
    }

    #[test]
    fn the_command_runs_the_release_binary_without_a_backtrace() {
        let command = command("gather", "smol", &["--json"], 7);
        let program = PathBuf::from(command.get_program());
        assert!(program.ends_with(format!(
            "release/gather-smol{}",
            std::env::consts::EXE_SUFFIX
        )));
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["--tasks", "7", "--delay", "0.1", "--json"]);
        let backtrace = command
            .get_envs()
            .find(|(name, _)| *name == "RUST_BACKTRACE");
        assert_eq!(
            backtrace,
            Some((std::ffi::OsStr::new("RUST_BACKTRACE"), None))
        );
    }

    #[test]
    fn a_program_that_cannot_start_is_an_error_naming_it() {
        let mut command = Command::new("/nonexistent/gather-tokio");
        let err = time(&mut command, "gather", Sink::Pipe).unwrap_err();
        assert!(
            err.starts_with("cannot start /nonexistent/gather-tokio"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_run_is_timed_to_its_exit_with_its_output_read_through_the_pipe() {
        // More than a pipe holds (64 KiB on Linux): the program ends only if it is read.
        let mut command = Command::new("sh");
        command.args(["-c", "head -c 1000000 /dev/zero"]);
        let took = time(&mut command, "gather", Sink::Pipe);
        assert!(took.is_ok(), "{took:?}");
        let took = time(&mut command, "gather", Sink::Null);
        assert!(took.is_ok(), "{took:?}");
    }

    #[cfg(unix)]
    #[test]
    fn an_exit_status_without_a_report_is_an_error() {
        let mut command = Command::new("sh");
        command.args(["-c", "exit 130"]);
        let err = time(&mut command, "gather", Sink::Null).unwrap_err();
        assert!(err.starts_with("exited with"), "{err}");
        // shutdown's SIGINT ends it with 130, after its report.
        assert!(time(&mut command, "shutdown", Sink::Null).is_ok());
    }
}
