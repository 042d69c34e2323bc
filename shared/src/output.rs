//! Writing to stdout the way command-line tools do: a reader that goes away (`| head -1`)
//! ends the program quietly, and a disk that is full is one error line, not a panic or a
//! message per line.
//!
//! `println!` panics when stdout is closed or full, and `tracing`'s writer reports every
//! failed line on stderr; every line an example prints goes through [`line`] instead.

use std::io::{self, Write as _};
use std::sync::Once;

/// Prints `text` and a newline on stdout (see the module's docs for what a failed write
/// does).
///
/// ```
/// shared::output::line("Task A: starting");
/// ```
pub fn line(text: &str) {
    let mut stdout = io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    if let Err(err) = written {
        failed(&err);
    }
}

/// Ends the process after stdout failed with `err`: at once and with status 0 when the
/// reader has gone away (the pipe is broken: nobody wants the rest), else with one line on
/// stderr and status 1. Only the first failure speaks, whichever thread it happens on.
pub fn failed(err: &io::Error) -> ! {
    static SAID: Once = Once::new();
    if err.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    SAID.call_once(|| {
        // If stderr cannot be written either, there is nobody left to tell.
        let _ = writeln!(io::stderr(), "error: cannot write the output: {err}");
    });
    std::process::exit(1)
}

/// The `tracing` writer of the live lines: stdout, through [`failed`] on an error.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stdout;

impl io::Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // One formatted event arrives as one buffer: write it whole, under the lock.
        let mut stdout = io::stdout().lock();
        match stdout.write_all(buf).and_then(|()| stdout.flush()) {
            Ok(()) => Ok(buf.len()),
            Err(err) => failed(&err),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl tracing_subscriber::fmt::MakeWriter<'_> for Stdout {
    type Writer = Stdout;

    fn make_writer(&self) -> Self::Writer {
        Stdout
    }
}
