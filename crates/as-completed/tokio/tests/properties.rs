//! Properties of `as_completed` on tokio for any jobs: whatever the delays and whichever
//! jobs fail or panic, the results come in ascending order of delay, each handed to the
//! loop body at its job's own delay with its place k (1, 2, ...), errors in their place,
//! and no job is left running.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on a 2 ms grid, so that no two jobs end at the same instant.

use std::time::Duration;

use as_completed_tokio::as_completed;
use proptest::prelude::*;
use shared::EventLog;
use shared::strategies::{cases, jobs};

/// Runs `f` on a fresh current-thread runtime whose clock is paused, with a log on it.
fn paused<T>(f: impl AsyncFnOnce(EventLog) -> T) -> T {
    shared::quiet_job_panics();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a current-thread runtime builds");
    runtime.block_on(async {
        let log = EventLog::new(|| tokio::time::Instant::now().into_std());
        f(log).await
    })
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Completion order is ascending delay; each result or error reaches the loop body at
    /// its job's delay, numbered 1 to n; every job runs to its end, and the whole loop takes
    /// the longest delay.
    #[test]
    fn results_come_in_ascending_delay_each_at_its_own_time((delays, endings) in cases()) {
        let n = delays.len();
        let (received, seen, elapsed, states, running) = paused(async |log: EventLog| {
            let mut seen = Vec::new();
            let received = as_completed(jobs(&log, &delays, &endings), async |k, (job, _)| {
                seen.push((k, *job, log.elapsed()));
            })
            .await;
            (received, seen, log.elapsed(), log.final_states(n), log.running())
        });
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&id| delays[id]);
        let expected: Vec<_> = order.iter().map(|&id| (id, endings[id].result(id))).collect();
        prop_assert_eq!(received, expected);
        let handed: Vec<_> = order
            .iter()
            .enumerate()
            .map(|(place, &id)| (place + 1, id, ms(delays[id])))
            .collect();
        prop_assert_eq!(seen, handed);
        prop_assert_eq!(elapsed, ms(delays[order[n - 1]]));
        let ends: Vec<_> = endings.iter().map(|&e| Some(e.event())).collect();
        prop_assert_eq!(states, ends);
        prop_assert!(running.is_empty(), "still running: {running:?}");
    }
}
