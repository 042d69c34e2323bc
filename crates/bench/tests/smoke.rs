//! A smoke run of the bench, to keep it from rotting: every pattern (the async ones,
//! `to-thread`, `queue` and `queue-bounded`) on every runtime at N = 1 000, one run, in
//! this process, and the page and charts made from the samples.
//! Nothing here asserts a time, a speed or an amount of memory.

use std::process::Command;
use std::time::Duration;

use bench::report::{Contender, Key, Results};
use bench::{Pattern, Runtime, measure};

const JOBS: usize = 1_000;

#[test]
fn every_pattern_runs_every_job_on_every_runtime() -> anyhow::Result<()> {
    let mut results = Results {
        jobs: vec![JOBS],
        delays_ms: vec![0],
        runs: (1, 1),
        ..Results::default()
    };
    for runtime in Runtime::ALL {
        for pattern in every_pattern() {
            assert!(pattern.measured(0, JOBS), "{}", pattern.as_str());
            let sample = measure(runtime, pattern, JOBS, Duration::ZERO)?;
            assert_eq!(
                sample.received,
                JOBS,
                "{} on {}",
                pattern.as_str(),
                runtime.as_str()
            );
            let key = Key {
                contender: Contender::Rust(runtime),
                pattern,
                delay_ms: 0,
                jobs: JOBS,
            };
            results.samples.entry(key).or_default().push(sample);
        }
    }

    // The page and the chart are made from whatever was measured.
    let page = results.to_markdown();
    assert!(page.contains("| gather | smol |"), "{page}");
    assert!(page.contains("## The targets"));
    // The blocking work has a table of its own, and is in no chart and no target.
    assert!(
        page.contains("## Blocking work: `to-thread`, no delay"),
        "{page}"
    );
    assert!(page.contains("\n| smol | "), "{page}");
    assert!(!page.contains("| to-thread |"), "{page}");
    assert!(results.to_text().contains("Blocking work, to-thread"));
    // So do the queues, with what their figures show; they are in no chart and no target.
    assert!(
        page.contains("## Workers and a queue: `queue` and `queue-bounded`, no delay"),
        "{page}"
    );
    assert!(page.contains("| queue | tokio |"), "{page}");
    assert!(page.contains("| queue-bounded | smol |"), "{page}");
    assert!(
        page.contains("a job through `queue-bounded` costs"),
        "{page}"
    );
    assert!(page.contains("as N grows"), "{page}");
    assert!(results.to_text().contains("Workers and a queue"));
    let chart = results.to_svg(0);
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    assert_eq!(chart.matches("<polyline").count(), 3 * Pattern::ALL.len());
    Ok(())
}

/// The patterns the bench measures: the async ones, then those with tables of their own.
fn every_pattern() -> impl Iterator<Item = Pattern> {
    Pattern::ALL
        .into_iter()
        .chain(Pattern::BLOCKING)
        .chain(Pattern::QUEUES)
}

/// The queues run with no delay only (three workers would take N / 3 delays), at every N.
#[test]
fn the_queues_are_measured_with_no_delay_at_every_n() {
    for pattern in Pattern::QUEUES {
        assert!(pattern.measured(0, 1_000_000), "{}", pattern.as_str());
        assert!(!pattern.measured(100, 1_000), "{}", pattern.as_str());
    }
    let results = Results {
        jobs: vec![1_000, 10_000, 100_000, 1_000_000],
        ..Results::default()
    };
    assert_eq!(
        results.jobs_of(Pattern::QueueBounded, 0),
        [1_000, 10_000, 100_000, 1_000_000]
    );
    assert!(results.jobs_of(Pattern::Queue, 100).is_empty());
}

/// The queue's findings are made from the figures: here made-up ones, where CPython costs
/// 20x and the cost per job grows 3x on smol, which the findings must say.
#[test]
fn the_queue_findings_say_what_the_figures_show() {
    let mut results = Results {
        jobs: vec![1_000, 100_000],
        delays_ms: vec![0],
        runs: (1, 1),
        ..Results::default()
    };
    let sample = |ns_per_job: u64, jobs: usize| bench::Sample {
        elapsed_ns: ns_per_job * jobs as u64,
        baseline_kib: 0,
        peak_kib: 0,
        received: jobs,
        threads: std::collections::BTreeMap::new(),
    };
    let costs = [
        (Contender::Rust(Runtime::Tokio), Pattern::Queue, 100, 100),
        (Contender::Rust(Runtime::Smol), Pattern::Queue, 100, 300),
        (Contender::Asyncio, Pattern::Queue, 5_000, 6_000),
        (Contender::Rust(Runtime::Tokio), Pattern::Bare, 1_000, 1_000),
        (Contender::Rust(Runtime::Smol), Pattern::Bare, 1_000, 1_000),
    ];
    for (contender, pattern, small, large) in costs {
        for (jobs, cost) in [(1_000, small), (100_000, large)] {
            let key = Key {
                contender,
                pattern,
                delay_ms: 0,
                jobs,
            };
            results.samples.insert(key, vec![sample(cost, jobs)]);
        }
    }
    let findings = results.queue_findings().join(" ");
    assert!(
        findings.contains(
            "At N = 100k, a job through `queue` costs 100 ns (tokio) to 300 ns (smol) on the \
             Rust runtimes, and 6 000 ns on CPython asyncio: 20.00x to 60.00x as much."
        ),
        "{findings}"
    );
    assert!(
        findings.contains("costs 0.10x to 0.30x as much"),
        "{findings}"
    );
    assert!(findings.contains("NOT flat"), "{findings}");
    assert!(findings.contains("queue on smol: 3.00x"), "{findings}");
    assert!(!findings.contains("queue-bounded"), "{findings}");
}

/// `to-thread` runs with no delay and at most 100 000 jobs, even with `--full`.
#[test]
fn blocking_work_is_measured_with_no_delay_up_to_its_own_limit() {
    assert!(Pattern::ToThread.measured(0, bench::TO_THREAD_MAX_JOBS));
    assert!(!Pattern::ToThread.measured(0, 1_000_000));
    assert!(!Pattern::ToThread.measured(100, 1_000));
    assert!(Pattern::Gather.measured(100, 1_000_000));
    let results = Results {
        jobs: vec![1_000, 10_000, 100_000, 1_000_000],
        ..Results::default()
    };
    assert_eq!(
        results.jobs_of(Pattern::ToThread, 0),
        [1_000, 10_000, 100_000]
    );
}

#[test]
fn a_delayed_job_sleeps_and_the_timer_is_measured() -> anyhow::Result<()> {
    for runtime in Runtime::ALL {
        let sample = measure(runtime, Pattern::Gather, 10, Duration::from_millis(20))?;
        assert_eq!(sample.received, 10);
        // Every job slept its delay: a lower bound, not a timing assertion.
        assert!(sample.elapsed_ns >= 20_000_000, "{}", runtime.as_str());
        let timer = bench::timer(runtime, Duration::from_millis(1), 5)?;
        assert!(timer.mean_us >= 0.0 && timer.p99_us >= 0.0);
    }
    Ok(())
}

/// The CPython side, when a Python 3.11 or newer is here to run it (skipped otherwise).
#[test]
fn the_python_side_measures_a_pattern() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/python/bench.py");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let versions = Command::new(&python).args([script, "versions"]).output();
    let Ok(versions) = versions else {
        eprintln!("skipped: no {python}");
        return;
    };
    if !versions.status.success() {
        eprintln!("skipped: {python} is older than 3.11");
        return;
    }
    for pattern in every_pattern() {
        let output = Command::new(&python)
            .args([
                script,
                "measure",
                "--pattern",
                pattern.as_str(),
                "--jobs",
                "1000",
            ])
            .output()
            .expect("bench.py runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let sample: bench::Sample =
            serde_json::from_slice(&output.stdout).expect("bench.py prints one sample");
        assert_eq!(sample.received, JOBS, "{}", pattern.as_str());
    }
}
