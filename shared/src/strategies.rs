//! proptest strategies for the jobs of a property test (feature `proptest`): any number of
//! jobs, with distinct delays, each ending as drawn.
//!
//! ```
//! use proptest::prelude::*;
//! use shared::strategies::{cases, jobs};
//!
//! proptest!(|((delays, endings) in cases())| {
//!     let jobs = jobs(&shared::EventLog::disabled(), &delays, &endings);
//!     prop_assert_eq!(jobs.len(), delays.len());
//! });
//! ```

use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::job::{Ending, Job};
use crate::log::EventLog;

/// Up to 6 jobs: distinct delays in milliseconds, from 2 ms to 10 s on a 2 ms grid, in any
/// order, each ending as drawn (mostly succeeding). Distinct even delays mean no two jobs
/// end at the same instant, and a deadline on an odd millisecond never ties with a job.
pub fn cases() -> impl Strategy<Value = (Vec<u64>, Vec<Ending>)> {
    let grid: Vec<u64> = (1..=5000).map(|k| 2 * k).collect();
    subsequence(grid, 1..=6)
        .prop_shuffle()
        .prop_flat_map(|delays| {
            let endings = proptest::collection::vec(ending(), delays.len());
            (Just(delays), endings)
        })
}

/// How a job ends: three times out of five it succeeds; else it fails or panics.
pub fn ending() -> impl Strategy<Value = Ending> {
    prop_oneof![
        3 => Just(Ending::Succeed),
        1 => Just(Ending::Fail),
        1 => Just(Ending::Panic),
    ]
}

/// The jobs of a case: job i sleeps `delays[i]` milliseconds and ends as `endings[i]`.
pub fn jobs(log: &EventLog, delays: &[u64], endings: &[Ending]) -> Vec<Job> {
    delays
        .iter()
        .zip(endings)
        .enumerate()
        .map(|(id, (&ms, &ending))| Job::new(id, Duration::from_millis(ms), ending, log.clone()))
        .collect()
}
