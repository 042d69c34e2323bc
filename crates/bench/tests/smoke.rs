//! A smoke run of the bench, to keep it from rotting: every pattern (the async ones and
//! `to-thread`) on every runtime at N = 1 000, one run, in this process, and the page and
//! charts made from the samples.
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
        for pattern in Pattern::ALL.into_iter().chain(Pattern::BLOCKING) {
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
    let chart = results.to_svg(0);
    assert!(chart.starts_with("<svg") && chart.trim_end().ends_with("</svg>"));
    assert_eq!(chart.matches("<polyline").count(), 3 * Pattern::ALL.len());
    Ok(())
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
    for pattern in Pattern::ALL.into_iter().chain(Pattern::BLOCKING) {
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
