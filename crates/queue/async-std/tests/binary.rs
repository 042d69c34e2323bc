//! The `queue-async-std` binary through its command line: the tests are in
//! `crates/queue/binary_tests.rs`, which the three runtimes share.

/// The binary under test.
const EXE: &str = env!("CARGO_BIN_EXE_queue-async-std");

#[path = "../../binary_tests.rs"]
mod binary;
