//! The `--json` report has exactly the contract's shape, and reads back.

use shared::{Config, JobError, Outcome, Report, Run, Runtime};

fn report() -> Report {
    let run = Run::new(
        "gather",
        Runtime::Tokio,
        "default",
        Config::with_delays(&[0.0, 0.0]),
        std::time::Instant::now,
    );
    let log = run.log().clone();
    log.record(0, shared::EventKind::Started);
    log.record(0, shared::EventKind::Finished);
    let mut report = run.report();
    report.received(0, &Ok("job 0 result".to_owned()));
    report.received(1, &Err(JobError::Failed(1)));
    report
}

#[test]
fn the_json_keys_are_the_contracts_in_its_order() {
    let json = report().to_json();
    let keys = [
        "\"pattern\": \"gather\"",
        "\"runtime\": \"tokio\"",
        "\"scenario\": \"default\"",
        "\"elapsed_ms\": ",
        "\"outcome\": \"ok\"",
        "\"error\": null",
        "\"failed_jobs\": []",
        "\"results\": [",
        "\"pending\": []",
        "\"events\": [",
    ];
    let mut at = 0;
    for key in keys {
        let found = json[at..]
            .find(key)
            .unwrap_or_else(|| panic!("{key} missing or out of order in {json}"));
        at += found;
    }
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["results"][0],
        serde_json::json!({"job": 0, "ok": "job 0 result"})
    );
    assert_eq!(
        value["results"][1],
        serde_json::json!({"job": 1, "err": "job 1 failed"})
    );
    let event = &value["events"][0];
    assert_eq!(event["job"], 0);
    assert_eq!(event["event"], "started");
    assert!(event["t_ms"].is_f64());
    assert!(event["thread"].is_string());
    assert!(value["elapsed_ms"].is_f64());
}

#[test]
fn a_report_reads_back_as_it_was_written() {
    let mut report = report();
    report.raised(&JobError::Panicked(1));
    let back: Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back, report);
    assert_eq!(back.outcome, Outcome::Error);
    assert_eq!(back.error.as_deref(), Some("job 1 panicked"));
    assert_eq!(back.failed_jobs, [1]);
}

#[test]
fn every_event_name_is_the_contracts() {
    use shared::EventKind::*;
    let names: Vec<String> = [
        Started,
        Finished,
        Failed,
        Panicked,
        Cancelled,
        CleanupStarted,
        CleanupFinished,
        Finally,
        Queued,
    ]
    .iter()
    .map(|kind| serde_json::to_string(kind).unwrap())
    .collect();
    let expected = [
        "started",
        "finished",
        "failed",
        "panicked",
        "cancelled",
        "cleanup-started",
        "cleanup-finished",
        "finally",
        "queued",
    ];
    assert_eq!(names, expected.map(|name| format!("\"{name}\"")));
}

#[test]
fn only_a_worker_s_started_event_names_its_worker() {
    use shared::{Event, EventKind};
    let event = |worker| Event {
        t_ms: 1.0,
        job: 0,
        event: EventKind::Started,
        thread: "main".to_owned(),
        worker,
    };
    let plain = serde_json::to_value(event(None)).unwrap();
    assert!(plain.get("worker").is_none(), "{plain}");
    let on_worker = serde_json::to_value(event(Some(2))).unwrap();
    assert_eq!(on_worker["worker"], 2);
    let back: Event = serde_json::from_value(plain).unwrap();
    assert_eq!(back.worker, None);
}

#[test]
fn the_human_summary_names_what_happened() {
    let mut report = report();
    report.pending = vec![1];
    let text = report.to_human(2);
    assert!(text.contains("Task A (job 0): \"job 0 result\""), "{text}");
    assert!(
        text.contains("Task B (job 1): error: job 1 failed"),
        "{text}"
    );
    assert!(text.contains("Pending: Task B (job 1)"), "{text}");
    assert!(
        text.contains("Final states: A finished, B never started"),
        "{text}"
    );
    assert!(text.contains("Time: "), "{text}");
}
