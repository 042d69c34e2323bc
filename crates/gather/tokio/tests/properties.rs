//! Properties of `gather` on tokio for any jobs: whatever the delays and whichever jobs
//! fail or panic, the results keep the input order, the first error in time is the one the
//! caller gets, the jobs faster than it finish and the slower ones are cancelled, and no
//! job is left running.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on a 2 ms grid, so that no two jobs end at the same instant.

use std::future::Future;
use std::time::Duration;

use gather_tokio::{gather, gather_return_exceptions, sequential};
use proptest::prelude::*;
use shared::strategies::{cases, jobs};
use shared::{Ending, EventKind, EventLog, Job, JobError};

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

/// The jobs as the example hands them to the pattern: a panic comes back as an error.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter()
        .map(|job| job.run_caught(tokio::time::sleep))
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

    /// `gather`: the results in input order after the longest delay; or the error of the
    /// failing job that ends first, at its delay, with the faster jobs finished and the
    /// slower ones cancelled.
    #[test]
    fn gather_keeps_input_order_and_returns_the_first_error_in_time(
        (delays, endings) in cases(),
    ) {
        let n = delays.len();
        let (result, elapsed, states, running) = paused(async |log: EventLog| {
            let result = gather(caught(jobs(&log, &delays, &endings))).await;
            (result, log.elapsed(), log.final_states(n), log.running())
        });
        prop_assert!(running.is_empty(), "still running: {running:?}");
        let first_error = (0..n)
            .filter(|&id| endings[id] != Ending::Succeed)
            .min_by_key(|&id| delays[id]);
        match first_error {
            None => {
                let values: Vec<String> = (0..n).map(|id| format!("job {id} result")).collect();
                prop_assert_eq!(result, Ok(values));
                prop_assert_eq!(elapsed, ms(*delays.iter().max().unwrap()));
                prop_assert!(states.iter().all(|s| *s == Some(EventKind::Finished)));
            }
            Some(k) => {
                prop_assert_eq!(result, endings[k].result(k).map(|v| vec![v]));
                prop_assert_eq!(elapsed, ms(delays[k]));
                for id in 0..n {
                    let expected = match delays[id].cmp(&delays[k]) {
                        std::cmp::Ordering::Less => EventKind::Finished,
                        std::cmp::Ordering::Equal => endings[k].event(),
                        std::cmp::Ordering::Greater => EventKind::Cancelled,
                    };
                    prop_assert_eq!(states[id], Some(expected), "job {}", id);
                }
            }
        }
    }

    /// `return_exceptions=True`: every job runs to its end, and each result or error comes
    /// back in input order, after the longest delay.
    #[test]
    fn return_exceptions_keeps_input_order_and_runs_every_job(
        (delays, endings) in cases(),
    ) {
        let n = delays.len();
        let (results, elapsed, states) = paused(async |log: EventLog| {
            let results = gather_return_exceptions(caught(jobs(&log, &delays, &endings))).await;
            (results, log.elapsed(), log.final_states(n))
        });
        let expected: Vec<_> = (0..n).map(|id| endings[id].result(id)).collect();
        prop_assert_eq!(results, expected);
        prop_assert_eq!(elapsed, ms(*delays.iter().max().unwrap()));
        let ends: Vec<_> = endings.iter().map(|&e| Some(e.event())).collect();
        prop_assert_eq!(states, ends);
    }

    /// One after another: the first failing job in input order ends the run, after the sum
    /// of the delays up to it; the jobs after it never start.
    #[test]
    fn sequential_stops_at_the_first_error_in_input_order((delays, endings) in cases()) {
        let n = delays.len();
        let (result, elapsed, states) = paused(async |log: EventLog| {
            let result = sequential(caught(jobs(&log, &delays, &endings))).await;
            (result, log.elapsed(), log.final_states(n))
        });
        let stop = (0..n).find(|&id| endings[id] != Ending::Succeed);
        let ran = stop.map_or(n, |k| k + 1);
        prop_assert_eq!(elapsed, ms(delays[..ran].iter().sum()));
        match stop {
            None => {
                let values: Vec<String> = (0..n).map(|id| format!("job {id} result")).collect();
                prop_assert_eq!(result, Ok(values));
            }
            Some(k) => prop_assert_eq!(result, endings[k].result(k).map(|v| vec![v])),
        }
        for id in 0..n {
            let expected = (id < ran).then(|| endings[id].event());
            prop_assert_eq!(states[id], expected, "job {}", id);
        }
    }
}
