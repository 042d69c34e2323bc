//! Properties of the timeouts on tokio for any jobs: whatever the delays, whichever jobs
//! fail or panic and wherever the deadline falls, the deadline splits the jobs: the ones
//! that end before it are done (finished, failed or panicked), the ones still running at
//! it are cancelled, nothing runs past it, and no job is left running.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on an even-millisecond grid, and the deadlines on odd
//! milliseconds, so that no job ends at the same instant as another or as the deadline.

use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::subsequence;
use shared::{Ending, EventKind, EventLog, Job, JobError};
use timeout_tokio::{TimedOut, gather, scope, wait_for};

/// Up to 6 jobs: distinct delays from 2 ms to 10 s on a 2 ms grid, in any order, each
/// ending as drawn (mostly succeeding).
fn cases() -> impl Strategy<Value = (Vec<u64>, Vec<Ending>)> {
    let grid: Vec<u64> = (1..=5000).map(|k| 2 * k).collect();
    subsequence(grid, 1..=6)
        .prop_shuffle()
        .prop_flat_map(|delays| {
            let endings = proptest::collection::vec(ending(), delays.len());
            (Just(delays), endings)
        })
}

fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        3 => Just(Ending::Succeed),
        1 => Just(Ending::Fail),
        1 => Just(Ending::Panic),
    ]
}

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

fn jobs(log: &EventLog, delays: &[u64], endings: &[Ending]) -> Vec<Job> {
    delays
        .iter()
        .zip(endings)
        .enumerate()
        .map(|(id, (&ms, &ending))| Job::new(id, Duration::from_millis(ms), ending, log.clone()))
        .collect()
}

/// What the caller gets from job `id` when it runs to its end.
fn outcome(id: usize, ending: Ending) -> Result<String, JobError> {
    match ending {
        Ending::Succeed => Ok(format!("job {id} result")),
        Ending::Fail => Err(JobError::Failed(id)),
        Ending::Panic => Err(JobError::Panicked(id)),
    }
}

/// The event that ends job `id` when it runs to its end.
fn end_event(ending: Ending) -> EventKind {
    match ending {
        Ending::Succeed => EventKind::Finished,
        Ending::Fail => EventKind::Failed,
        Ending::Panic => EventKind::Panicked,
    }
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
            let result = wait_for(job, ms(limit)).await.map_err(|_elapsed| TimedOut);
            (result, log.elapsed(), log.final_states(1), log.running())
        });
        if delays[0] < limit {
            prop_assert_eq!(result, Ok(outcome(0, endings[0])));
            prop_assert_eq!(elapsed, ms(delays[0]));
            prop_assert_eq!(states, [Some(end_event(endings[0]))]);
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
            let result = gather(jobs(&log, &delays, &endings), ms(limit))
                .await
                .map_err(|_elapsed| TimedOut);
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
                prop_assert_eq!(result, Ok(outcome(k, endings[k]).map(|v| vec![v])));
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
                end_event(endings[id])
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
            let result = scope(jobs(&log, &delays, &endings), ms(limit), &mut results).await;
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
            expected_states[id] = Some(end_event(endings[id]));
            match outcome(id, endings[id]) {
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
