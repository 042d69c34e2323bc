//! The human output's live lines: a `tracing` subscriber that prints the time since the
//! pattern started and the thread that did each step, like the Python tutorials' logging
//! with `%(relativeCreated)` and `%(threadName)`.

use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::FormatTime;

use crate::log::EventLog;

/// Formats a line's time as seconds since the run's log started, on the run's own clock.
struct SinceStart(EventLog);

impl FormatTime for SinceStart {
    fn format_time(&self, w: &mut Writer<'_>) -> std::fmt::Result {
        write!(w, "{:7.3}s", self.0.elapsed().as_secs_f64())
    }
}

/// Installs the subscriber for the human output: `  0.001s tokio-rt-worker Task A:
/// starting`. Does nothing if a subscriber is already installed (as in tests).
pub fn init(log: EventLog) {
    let ansi = crate::progress::colour_wanted();
    let _ = tracing_subscriber::fmt()
        .with_ansi(ansi)
        .with_timer(SinceStart(log))
        .with_thread_names(true)
        .with_target(false)
        .with_level(false)
        .with_writer(crate::output::Stdout)
        .try_init();
}
