//! The simulated job records every way it can end, whatever drives it.

use std::time::{Duration, Instant};

use futures::FutureExt as _;
use shared::EventKind::{Cancelled, Failed, Finished, Panicked, Started};
use shared::{Ending, EventLog, Job, JobError};

fn job(ending: Ending, log: &EventLog) -> Job {
    Job::new(3, Duration::ZERO, ending, log.clone())
}

/// A sleep that never ends: the job can only be cancelled.
async fn forever(_: Duration) {
    std::future::pending::<()>().await;
}

#[test]
fn a_job_finishes_or_fails_with_the_contract_messages() {
    let log = EventLog::new(Instant::now);
    let ok = futures::executor::block_on(job(Ending::Succeed, &log).run(|_| async {}));
    assert_eq!(ok, Ok("job 3 result".to_owned()));
    let err = futures::executor::block_on(job(Ending::Fail, &log).run(|_| async {}));
    assert_eq!(err, Err(JobError::Failed(3)));
    assert_eq!(err.unwrap_err().to_string(), "job 3 failed");
    assert_eq!(log.events_of(3), [Started, Finished, Started, Failed]);
}

#[test]
fn dropping_a_started_job_records_cancelled() {
    let log = EventLog::new(Instant::now);
    let mut future = Box::pin(job(Ending::Succeed, &log).run(forever));
    assert!((&mut future).now_or_never().is_none(), "the job waits");
    assert_eq!(log.running(), [3]);
    drop(future);
    assert_eq!(log.events_of(3), [Started, Cancelled]);
    assert!(log.running().is_empty());
}

#[test]
fn a_job_dropped_before_it_is_polled_never_started() {
    let log = EventLog::new(Instant::now);
    drop(job(Ending::Succeed, &log).run(forever));
    assert!(log.events().is_empty());
    assert_eq!(log.final_state(3), None);
}

#[test]
fn a_panicking_job_records_panicked() {
    let log = EventLog::new(Instant::now);
    let future = job(Ending::Panic, &log).run(|_| async {});
    let caught = futures::executor::block_on(std::panic::AssertUnwindSafe(future).catch_unwind());
    let message = caught.unwrap_err();
    assert_eq!(
        message.downcast_ref::<String>().map(String::as_str),
        Some("job 3 panicked")
    );
    assert_eq!(log.events_of(3), [Started, Panicked]);
}

#[test]
fn a_disabled_log_records_nothing() {
    let log = EventLog::disabled();
    let result = futures::executor::block_on(job(Ending::Succeed, &log).run(|_| async {}));
    assert!(result.is_ok());
    assert!(log.events().is_empty());
    assert_eq!(log.elapsed(), Duration::ZERO);
}
