//! The signals of the `shutdown` pattern, as a shell sees them: which one arrived, the exit
//! status it stands for, and a real one sent to this very process (`--interrupt-after`).
//!
//! Catching a signal is the runtime's business (`tokio::signal`, the `async-signal` crate),
//! so it is in the examples; this module only knows what a signal means once it arrived.

use std::time::Duration;

/// A signal that asks the program to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: what the terminal sends on Ctrl-C.
    Interrupt,
    /// SIGTERM: what `kill`, service managers and container runtimes send.
    Terminate,
}

impl Signal {
    /// The exit status a shell expects of a program that a signal ended: 128 + the signal's
    /// number, 130 for SIGINT and 143 for SIGTERM. A program that handles the signal, cleans
    /// up and exits with this status tells its caller the same thing as one the signal
    /// killed.
    ///
    /// ```
    /// use shared::Signal;
    /// assert_eq!(Signal::Interrupt.exit_code(), 130);
    /// assert_eq!(Signal::Terminate.exit_code(), 143);
    /// ```
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }

    /// `SIGINT` or `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// Sends this signal to this process, through the operating system (`kill(getpid(),
    /// sig)`), as a Ctrl-C or a `kill` from another terminal would: the program receives a
    /// real signal, on whatever path its handler takes, not a simulation of one.
    ///
    /// # Errors
    ///
    /// The operating system's, which for a process signalling itself does not happen.
    #[cfg(unix)]
    pub fn send_to_self(self) -> std::io::Result<()> {
        use rustix::process::{Signal as Raw, getpid, kill_process};
        let raw = match self {
            Signal::Interrupt => Raw::INT,
            Signal::Terminate => Raw::TERM,
        };
        kill_process(getpid(), raw).map_err(std::io::Error::from)
    }

    /// Sends this signal to this process after `delay`, from a thread of its own, so that
    /// the example tells its whole story by itself (`--interrupt-after`). A zero `delay`
    /// sends nothing: then only a real Ctrl-C (or `kill`) interrupts the program.
    ///
    /// Call it once the handler is installed: a SIGINT that arrives before it ends the
    /// process at once, as it would any program that does not handle it.
    #[cfg(unix)]
    pub fn send_to_self_after(self, delay: Duration) {
        if delay.is_zero() {
            return;
        }
        // A plain thread, not a task: the signal comes from outside the runtime, as a
        // user's would, and a runtime that is busy or blocked cannot hold it back.
        let sender = std::thread::Builder::new()
            .name("interrupter".to_owned())
            .spawn(move || {
                std::thread::sleep(delay);
                // Nothing to do if it fails: the program then runs until its jobs end.
                let _ = self.send_to_self();
            });
        // A thread that cannot be started only means no signal comes.
        drop(sender);
    }
}
