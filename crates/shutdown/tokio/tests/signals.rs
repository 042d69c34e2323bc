//! Real signals sent to the `shutdown-tokio` binary: the tests are in
//! `crates/shutdown/signal_tests.rs`, which the three runtimes share.

/// The binary under test.
const EXE: &str = env!("CARGO_BIN_EXE_shutdown-tokio");

#[path = "../../signal_tests.rs"]
mod signals;
