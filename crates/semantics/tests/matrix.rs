//! One test per cell of docs/semantics.md: each runs the cell's probe and fails when what
//! it saw is not what the committed table says. Regenerate the table with
//! `scripts/semantics.sh` when a runtime really changed.
//!
//! The probes use real time (tens of milliseconds, far apart) and state only facts that a
//! loaded machine cannot change; each Rust probe runs in a process of its own.

use semantics::{Column, ROWS, check, committed_facts, doc_path, render, test_name};

fn cell(row: &str, column: Column) {
    semantics::set_exe(env!("CARGO_BIN_EXE_semantics").into());
    check(row, column);
}

/// `name: row, column` for each cell; the test's name is the one the table shows.
macro_rules! cells {
    ($($name:ident: $row:literal, $column:ident;)*) => {
        $(
            #[test]
            fn $name() {
                cell($row, Column::$column);
            }
        )*
    };
}

cells! {
    tokio_dropped_handle: "dropped-handle", Tokio;
    async_std_dropped_handle: "dropped-handle", AsyncStd;
    smol_dropped_handle: "dropped-handle", Smol;
    asyncio_dropped_handle: "dropped-handle", Asyncio;
    tokio_main_returns: "main-returns", Tokio;
    async_std_main_returns: "main-returns", AsyncStd;
    smol_main_returns: "main-returns", Smol;
    asyncio_main_returns: "main-returns", Asyncio;
    tokio_canceller: "canceller", Tokio;
    async_std_canceller: "canceller", AsyncStd;
    smol_canceller: "canceller", Smol;
    asyncio_canceller: "canceller", Asyncio;
    tokio_async_cleanup: "async-cleanup", Tokio;
    async_std_async_cleanup: "async-cleanup", AsyncStd;
    smol_async_cleanup: "async-cleanup", Smol;
    asyncio_async_cleanup: "async-cleanup", Asyncio;
    tokio_panic_awaited: "panic-awaited", Tokio;
    async_std_panic_awaited: "panic-awaited", AsyncStd;
    smol_panic_awaited: "panic-awaited", Smol;
    asyncio_panic_awaited: "panic-awaited", Asyncio;
    tokio_panic_unawaited: "panic-unawaited", Tokio;
    async_std_panic_unawaited: "panic-unawaited", AsyncStd;
    smol_panic_unawaited: "panic-unawaited", Smol;
    asyncio_panic_unawaited: "panic-unawaited", Asyncio;
    tokio_gather_siblings: "gather-siblings", Tokio;
    async_std_gather_siblings: "gather-siblings", AsyncStd;
    smol_gather_siblings: "gather-siblings", Smol;
    asyncio_gather_siblings: "gather-siblings", Asyncio;
    tokio_timeout_spawned: "timeout-spawned", Tokio;
    async_std_timeout_spawned: "timeout-spawned", AsyncStd;
    smol_timeout_spawned: "timeout-spawned", Smol;
    asyncio_timeout_spawned: "timeout-spawned", Asyncio;
    tokio_deadline_zero: "deadline-zero", Tokio;
    async_std_deadline_zero: "deadline-zero", AsyncStd;
    smol_deadline_zero: "deadline-zero", Smol;
    asyncio_deadline_zero: "deadline-zero", Asyncio;
    tokio_timer_1ms: "timer-1ms", Tokio;
    async_std_timer_1ms: "timer-1ms", AsyncStd;
    smol_timer_1ms: "timer-1ms", Smol;
    asyncio_timer_1ms: "timer-1ms", Asyncio;
    tokio_timer_100us: "timer-100us", Tokio;
    async_std_timer_100us: "timer-100us", AsyncStd;
    smol_timer_100us: "timer-100us", Smol;
    asyncio_timer_100us: "timer-100us", Asyncio;
    tokio_same_instant: "same-instant", Tokio;
    async_std_same_instant: "same-instant", AsyncStd;
    smol_same_instant: "same-instant", Smol;
    asyncio_same_instant: "same-instant", Asyncio;
    tokio_threads: "threads", Tokio;
    async_std_threads: "threads", AsyncStd;
    smol_threads: "threads", Smol;
    asyncio_threads: "threads", Asyncio;
    tokio_blocking_call: "blocking-call", Tokio;
    async_std_blocking_call: "blocking-call", AsyncStd;
    smol_blocking_call: "blocking-call", Smol;
    asyncio_blocking_call: "blocking-call", Asyncio;
    tokio_never_yields: "never-yields", Tokio;
    async_std_never_yields: "never-yields", AsyncStd;
    smol_never_yields: "never-yields", Smol;
    asyncio_never_yields: "never-yields", Asyncio;
    tokio_blocking_timeout: "blocking-timeout", Tokio;
    async_std_blocking_timeout: "blocking-timeout", AsyncStd;
    smol_blocking_timeout: "blocking-timeout", Smol;
    asyncio_blocking_timeout: "blocking-timeout", Asyncio;
    tokio_blocking_pool: "blocking-pool", Tokio;
    async_std_blocking_pool: "blocking-pool", AsyncStd;
    smol_blocking_pool: "blocking-pool", Smol;
    asyncio_blocking_pool: "blocking-pool", Asyncio;
    tokio_tokio_elsewhere: "tokio-elsewhere", Tokio;
    async_std_tokio_elsewhere: "tokio-elsewhere", AsyncStd;
    smol_tokio_elsewhere: "tokio-elsewhere", Smol;
    asyncio_tokio_elsewhere: "tokio-elsewhere", Asyncio;
    tokio_ctrl_c: "ctrl-c", Tokio;
    async_std_ctrl_c: "ctrl-c", AsyncStd;
    smol_ctrl_c: "ctrl-c", Smol;
    asyncio_ctrl_c: "ctrl-c", Asyncio;
    tokio_nested_cancel: "nested-cancel", Tokio;
    async_std_nested_cancel: "nested-cancel", AsyncStd;
    smol_nested_cancel: "nested-cancel", Smol;
    asyncio_nested_cancel: "nested-cancel", Asyncio;
    tokio_worker_panic: "worker-panic", Tokio;
    async_std_worker_panic: "worker-panic", AsyncStd;
    smol_worker_panic: "worker-panic", Smol;
    asyncio_worker_panic: "worker-panic", Asyncio;
    tokio_receiver_dropped: "receiver-dropped", Tokio;
    async_std_receiver_dropped: "receiver-dropped", AsyncStd;
    smol_receiver_dropped: "receiver-dropped", Smol;
    asyncio_receiver_dropped: "receiver-dropped", Asyncio;
    tokio_capacity_zero: "capacity-zero", Tokio;
    async_std_capacity_zero: "capacity-zero", AsyncStd;
    smol_capacity_zero: "capacity-zero", Smol;
    asyncio_capacity_zero: "capacity-zero", Asyncio;
}

/// The committed page is exactly what `scripts/semantics.sh` writes for the facts it
/// states: same rows, same columns, every cell naming its test, same notes.
#[test]
fn the_committed_table_is_what_the_generator_writes() {
    let markdown = std::fs::read_to_string(doc_path()).expect("docs/semantics.md is readable");
    let facts = committed_facts(&markdown);
    assert!(
        facts.iter().flatten().all(|fact| !fact.is_empty()),
        "docs/semantics.md lacks a row or a cell: run scripts/semantics.sh"
    );
    assert_eq!(
        render(&facts),
        markdown,
        "docs/semantics.md was edited by hand: run scripts/semantics.sh"
    );
}

/// Every test the table names is one of the tests above.
#[test]
fn every_cell_names_a_test_of_this_file() {
    let source = include_str!("matrix.rs");
    for row in ROWS {
        for column in Column::ALL {
            let name = test_name(row.id, column);
            let line = format!("    {name}: \"{}\", {column:?};", row.id);
            assert!(source.contains(&line), "no test {name} for {}", row.id);
        }
    }
}
