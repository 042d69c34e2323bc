//! Properties of the timeouts on tokio for any jobs: whatever the delays, whichever jobs
//! fail or panic and wherever the deadline falls, the deadline splits the jobs: the ones
//! that end before it are done (finished, failed or panicked), the ones still running at
//! it are cancelled, nothing runs past it, and no job is left running.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on an even-millisecond grid, and the deadlines on odd
//! milliseconds, so that no job ends at the same instant as another or as the deadline.

use std::future::Future;
use std::time::Duration;

use proptest::prelude::*;
use shared::strategies::{cases, jobs};
use shared::{Ending, EventKind, EventLog, Job, JobError};
use timeout_tokio::{TimedOut, gather, scope, wait_for};

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

/// The jobs as the example hands them over: a panic comes back as `job i panicked`.
fn caught(jobs: Vec<Job>) -> impl Iterator<Item = impl Future<Output = Result<String, JobError>>> {
    jobs.into_iter()
        .map(|job| job.run_caught(tokio::time::sleep))
}

/// The example's scope: the jobs one after another inside one deadline, their values
/// pushed to `results`.
async fn one_by_one(
    jobs: Vec<Job>,
    limit: Duration,
    results: &mut Vec<String>,
) -> Result<Result<(), JobError>, TimedOut> {
    scope(limit, async {
        for job in jobs {
            results.push(job.run_caught(tokio::time::sleep).await?);
        }
        Ok(())
    })
    .await
}

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// A deadline of 1 ms to 10.001 s, on an odd millisecond.
fn deadline() -> impl Strategy<Value = u64> {
    (0..=5000u64).prop_map(|k| 2 * k + 1)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `wait_for`: job 0's own result or error if it ends before the deadline, else a
    /// timeout at the deadline with job 0 cancelled.
    #[test]
    fn wait_for_splits_at_the_deadline((delays, endings) in cases(), limit in deadline()) {
        let (result, elapsed, states, running) = paused(async |log: EventLog| {
            let job = jobs(&log, &delays, &endings).remove(0);
            let result = wait_for(job.run_caught(tokio::time::sleep), ms(limit)).await;
            (result, log.elapsed(), log.final_states(1), log.running())
        });
        if delays[0] < limit {
            prop_assert_eq!(result, Ok(endings[0].result(0)));
            prop_assert_eq!(elapsed, ms(delays[0]));
            prop_assert_eq!(states, [Some(endings[0].event())]);
        } else {
            prop_assert_eq!(result, Err(TimedOut));
            prop_assert_eq!(elapsed, ms(limit));
            prop_assert_eq!(states, [Some(EventKind::Cancelled)]);
        }
        prop_assert!(running.is_empty(), "still running: {running:?}");
    }

    /// `wait_for(gather(...))`: the jobs faster than the deadline end on their own, the
    /// others are cancelled at it; unless a job fails first, which ends the gather at its
    /// delay, or every job beats the deadline, which gives the results in input order.
    #[test]
    fn gather_splits_the_jobs_at_the_deadline((delays, endings) in cases(), limit in deadline()) {
        let n = delays.len();
        let (result, elapsed, states, running) = paused(async |log: EventLog| {
            let result = gather(caught(jobs(&log, &delays, &endings)), ms(limit)).await;
            (result, log.elapsed(), log.final_states(n), log.running())
        });
        prop_assert!(running.is_empty(), "still running: {running:?}");
        let first_error = (0..n)
            .filter(|&id| endings[id] != Ending::Succeed && delays[id] < limit)
            .min_by_key(|&id| delays[id]);
        let longest = *delays.iter().max().unwrap();
        // The moment the gather returns: its first error, or the deadline, or the end.
        let end = match first_error {
            Some(k) => {
                prop_assert_eq!(result, Ok(endings[k].result(k).map(|v| vec![v])));
                delays[k]
            }
            None if longest < limit => {
                let values: Vec<String> = (0..n).map(|id| format!("job {id} result")).collect();
                prop_assert_eq!(result, Ok(Ok(values)));
                longest
            }
            None => {
                prop_assert_eq!(result, Err(TimedOut));
                limit
            }
        };
        prop_assert_eq!(elapsed, ms(end));
        for id in 0..n {
            let expected = if delays[id] <= end {
                endings[id].event()
            } else {
                EventKind::Cancelled
            };
            prop_assert_eq!(states[id], Some(expected), "job {}", id);
        }
    }

    /// `async with asyncio.timeout()` around jobs awaited one after another: the jobs whose
    /// end (the sum of the delays up to theirs) beats the deadline are done, the one in
    /// flight at the deadline is cancelled, and the later ones never start; a failing job
    /// stops the scope at its own end.
    #[test]
    fn scope_splits_the_sequence_at_the_deadline((delays, endings) in cases(), limit in deadline()) {
        let n = delays.len();
        let (results, result, elapsed, states, running) = paused(async |log: EventLog| {
            let mut results = Vec::new();
            let result = one_by_one(jobs(&log, &delays, &endings), ms(limit), &mut results).await;
            (results, result, log.elapsed(), log.final_states(n), log.running())
        });
        prop_assert!(running.is_empty(), "still running: {running:?}");
        // Walk the sequence: each job ends at the sum of the delays up to it.
        let mut at = 0;
        let mut expected_states = vec![None; n];
        let mut expected_results = Vec::new();
        let mut expected = Ok(Ok(()));
        let mut end = 0;
        for id in 0..n {
            if at + delays[id] >= limit {
                expected_states[id] = Some(EventKind::Cancelled);
                expected = Err(TimedOut);
                end = limit;
                break;
            }
            at += delays[id];
            end = at;
            expected_states[id] = Some(endings[id].event());
            match endings[id].result(id) {
                Ok(value) => expected_results.push(value),
                Err(err) => {
                    expected = Ok(Err(err));
                    break;
                }
            }
        }
        prop_assert_eq!(result, expected);
        prop_assert_eq!(results, expected_results);
        prop_assert_eq!(elapsed, ms(end));
        prop_assert_eq!(states, expected_states);
    }
}
