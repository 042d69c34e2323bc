//! Properties of `wait` on tokio for any jobs: whatever the delays, whichever jobs fail or
//! panic, whatever `return_when` and timeout, `done` and `pending` partition the jobs, `done`
//! is in ascending order of delay and holds exactly the jobs the condition says, and once
//! the pending ones are cancelled no job is left running.
//!
//! Each case runs on a paused clock, so it takes no real time and its times are exact. The
//! delays are distinct and on an even-millisecond grid, and the timeouts on odd
//! milliseconds, so that no job ends at the same instant as another or as the deadline.

use std::time::Duration;

use proptest::prelude::*;
use shared::strategies::{cases, jobs};
use shared::{Ending, EventKind, EventLog};
use wait_tokio::{ReturnWhen, cancel, spawn_all, wait};

/// Runs `f` on a fresh current-thread runtime whose clock is paused, with a log on it.
fn paused<T>(f: impl AsyncFnOnce(EventLog) -> T) -> T {
    // Every panic here is a simulated one: none needs its line.
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

fn return_when() -> impl Strategy<Value = ReturnWhen> {
    prop_oneof![
        Just(ReturnWhen::AllCompleted),
        Just(ReturnWhen::FirstCompleted),
        Just(ReturnWhen::FirstException),
    ]
}

/// No timeout, or one of 1 ms to 10.001 s on an odd millisecond.
fn timeout() -> impl Strategy<Value = Option<u64>> {
    proptest::option::of((0..=5000u64).prop_map(|k| 2 * k + 1))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// `done` holds the jobs that ended by the time `wait` returned, in the order they
    /// ended, each with its result or error; `pending` holds the others, in job order. The
    /// moment `wait` returns is the first of: the condition holds, or the timeout passes.
    /// After `cancel`, the pending jobs end `cancelled` and nothing is left running.
    #[test]
    fn done_and_pending_partition_the_jobs(
        (delays, endings) in cases(),
        return_when in return_when(),
        timeout in timeout(),
    ) {
        let n = delays.len();
        let (done, pending, returned_at, states, running) = paused(async |log: EventLog| {
            let jobs = jobs(&log, &delays, &endings).into_iter();
            let mut tasks = spawn_all(jobs.map(|job| job.run_caught(tokio::time::sleep)));
            let (done, pending) = wait(&mut tasks, return_when, timeout.map(ms)).await;
            let returned_at = log.elapsed();
            cancel(tasks).await;
            (done, pending, returned_at, log.final_states(n), log.running())
        });

        // When the condition holds, on its own: the delay of the job that fulfils it.
        let mut by_delay: Vec<usize> = (0..n).collect();
        by_delay.sort_by_key(|&id| delays[id]);
        let last = delays[by_delay[n - 1]];
        let condition = match return_when {
            ReturnWhen::AllCompleted => last,
            ReturnWhen::FirstCompleted => delays[by_delay[0]],
            ReturnWhen::FirstException => by_delay
                .iter()
                .find(|&&id| endings[id] != Ending::Succeed)
                .map_or(last, |&id| delays[id]),
        };
        let returns = timeout.map_or(condition, |limit| limit.min(condition));
        prop_assert_eq!(returned_at, ms(returns));

        // `done`: exactly the jobs that ended by then, in the order they ended.
        let expected_done: Vec<_> = by_delay
            .iter()
            .filter(|&&id| delays[id] <= returns)
            .map(|&id| (id, endings[id].result(id)))
            .collect();
        prop_assert_eq!(&done, &expected_done);
        let expected_pending: Vec<usize> = (0..n).filter(|&id| delays[id] > returns).collect();
        prop_assert_eq!(&pending, &expected_pending);

        // Together they are every job, each once.
        let mut all: Vec<usize> = done.iter().map(|(id, _)| *id).chain(pending.iter().copied()).collect();
        all.sort_unstable();
        prop_assert_eq!(all, (0..n).collect::<Vec<_>>());

        for id in 0..n {
            let expected = if pending.contains(&id) {
                EventKind::Cancelled
            } else {
                endings[id].event()
            };
            prop_assert_eq!(states[id], Some(expected), "job {}", id);
        }
        prop_assert!(running.is_empty(), "still running after cancel: {running:?}");
    }
}
