//! Properties of `as_completed` on tokio for any jobs: whatever the delays and whichever
//! jobs fail or panic, the results come in ascending order of delay, each handed to the
//! loop body at its job's own delay with its place k (1, 2, ...), errors in their place,
//! and no job is left running. A panic the jobs do not catch themselves reaches the caller
//! at the first panicking job's delay, once every slower job was cancelled.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on a 2 ms grid, so that no two jobs end at the same instant.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use as_completed_tokio::as_completed;
use futures::FutureExt as _;
use proptest::prelude::*;
use shared::strategies::{cases, jobs};
use shared::{Ending, EventKind, EventLog};

/// Runs `f` on a fresh current-thread runtime whose clock is paused, with a log on it.
fn paused<T>(f: impl AsyncFnOnce(EventLog) -> T) -> T {
    // Hundreds of simulated panics: not a line each.
    shared::silence_job_panics();
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

    /// Completion order is ascending delay; each result or error (a panic, caught around
    /// each job as the example does, included) reaches the loop body at its job's delay,
    /// numbered 1 to n; every job runs to its end, and the whole loop takes the longest
    /// delay.
    #[test]
    fn results_come_in_ascending_delay_each_at_its_own_time((delays, endings) in cases()) {
        let n = delays.len();
        let (received, seen, elapsed, states, running) = paused(async |log: EventLog| {
            let mut seen = Vec::new();
            let caught = jobs(&log, &delays, &endings)
                .into_iter()
                .map(|job| job.run_caught(tokio::time::sleep));
            let received = as_completed(caught, async |k, (job, _)| {
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

    /// With jobs that do not catch their own panic, the first job to panic (in completion
    /// order) ends the loop at its delay: the body got every job faster than it, every
    /// slower job was cancelled and has stopped, and its panic reaches the caller. Without a
    /// panicking job, every job is received.
    #[test]
    fn a_panic_cancels_the_slower_jobs_then_reaches_the_caller((delays, endings) in cases()) {
        let n = delays.len();
        let (outcome, seen, elapsed, states, running) = paused(async |log: EventLog| {
            let mut seen = Vec::new();
            let raw = jobs(&log, &delays, &endings)
                .into_iter()
                .map(|job| job.run(tokio::time::sleep));
            let outcome = AssertUnwindSafe(as_completed(raw, async |_, (job, _)| seen.push(*job)))
                .catch_unwind()
                .await
                .map(|received| received.len())
                .map_err(|panic| panic.downcast_ref::<String>().cloned());
            (outcome, seen, log.elapsed(), log.final_states(n), log.running())
        });
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&id| delays[id]);
        // The loop ends at the first job to panic, in completion order, or after the last job.
        let end = order.iter().position(|&id| endings[id] == Ending::Panic);
        let last = order[end.unwrap_or(n - 1)];
        let expected = end.map_or(Ok(n), |_| Err(Some(format!("job {last} panicked"))));
        prop_assert_eq!(outcome, expected);
        prop_assert_eq!(&seen[..], &order[..end.unwrap_or(n)]);
        let ends: Vec<_> = (0..n)
            .map(|id| {
                let ran_to_its_end = delays[id] <= delays[last];
                Some(if ran_to_its_end { endings[id].event() } else { EventKind::Cancelled })
            })
            .collect();
        prop_assert_eq!(elapsed, ms(delays[last]));
        prop_assert_eq!(states, ends);
        prop_assert!(running.is_empty(), "still running: {running:?}");
    }
}
