//! A smoke run of the bench, to keep it from rotting: every pattern (the async ones,
//! `to-thread`, `queue` and `queue-bounded`) and every alternative primitive on every
//! runtime that has it, at N = 1 000, one run, in this process, and the page and charts
//! made from the samples.
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
        for pattern in every_pattern().filter(|p| p.available(runtime)) {
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
    // The alternatives have a section and a chart of their own, and every example a
    // standing against them, and a "Why this primitive" block for its README.
    assert!(page.contains("## Which primitive?"), "{page}");
    assert!(
        page.contains("### Results in input order (gather)"),
        "{page}"
    );
    assert!(page.contains("| tokio | tokio-util `JoinQueue`"), "{page}");
    assert!(
        page.contains("**`JoinSet`: the `gather` example**"),
        "{page}"
    );
    assert!(page.contains("every example within 1.1x"), "{page}");
    assert!(
        results
            .to_text()
            .contains("Which primitive? completion order")
    );
    let standings = results.standings();
    for pattern in Pattern::ALL.into_iter().filter(|p| p.semantic().is_some()) {
        for runtime in Runtime::ALL {
            assert!(
                standings
                    .iter()
                    .any(|s| s.pattern == pattern && s.runtime == runtime),
                "{} on {}",
                pattern.as_str(),
                runtime.as_str()
            );
        }
        let why = results.why_this_primitive(pattern).unwrap_or_default();
        assert!(why.contains("on smol"), "{why}");
    }
    let bars = results.primitives_svg();
    assert!(bars.starts_with("<svg") && bars.trim_end().ends_with("</svg>"));
    let measured = Runtime::ALL
        .into_iter()
        .flat_map(|runtime| every_pattern().filter(move |p| p.available(runtime)))
        .filter(|p| p.semantic().is_some())
        .count();
    assert_eq!(bars.matches("<rect x=").count(), measured);
    // An alternative a runtime lacks is refused, not measured as something else.
    assert!(
        measure(
            Runtime::Smol,
            Pattern::OrderedJoinQueue,
            JOBS,
            Duration::ZERO
        )
        .is_err()
    );
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
        .chain(Pattern::ALTERNATIVES)
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
    // The alternatives are Rust primitives: CPython has one way to do each.
    for pattern in every_pattern().filter(|p| !p.is_alternative()) {
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

/// Each example is held to the fastest alternative that gives the same on its runtime, not
/// to a cheaper one that gives less; a miss is explained by why the example pays more, or
/// reported as a miss. Made-up figures, no delay, N = 100 000.
#[test]
fn each_example_is_held_to_the_fastest_alternative_that_gives_the_same() {
    let mut results = Results {
        jobs: vec![100_000],
        delays_ms: vec![0],
        runs: (1, 1),
        ..Results::default()
    };
    let (tokio, smol) = (Runtime::Tokio, Runtime::Smol);
    let costs = [
        // manual-await on tokio is 1.30x of a channel, which gives (more than) the same,
        // and nothing explains it: a miss.
        (tokio, Pattern::ManualAwait, 520),
        // Cheaper still, but gives less: not the one it is held to.
        (tokio, Pattern::OrderedInTask, 100),
        (smol, Pattern::CompletedChannel, 400),
        // wait is 1.75x of the channel, and says why.
        (smol, Pattern::Wait, 700),
        // Nothing on smol gives what gather gives: nothing to be held to.
        (smol, Pattern::Gather, 500),
        (smol, Pattern::OrderedFuturesOrdered, 450),
        // gather on tokio is 1.25x of a channel, and says why (`JoinSet`).
        (tokio, Pattern::Gather, 500),
        (tokio, Pattern::OrderedChannel, 400),
    ];
    for (runtime, pattern, ns_per_job) in costs {
        let key = Key {
            contender: Contender::Rust(runtime),
            pattern,
            delay_ms: 0,
            jobs: 100_000,
        };
        let sample = bench::Sample {
            elapsed_ns: ns_per_job * 100_000,
            baseline_kib: 0,
            peak_kib: 0,
            received: 100_000,
            threads: std::collections::BTreeMap::new(),
        };
        results.samples.insert(key, vec![sample]);
    }
    let standings = results.standings();
    let find = |pattern, runtime| {
        standings
            .iter()
            .find(|s| s.pattern == pattern && s.runtime == runtime)
            .expect("a standing")
    };
    let manual = find(Pattern::ManualAwait, tokio);
    assert_eq!(manual.best_same, Some((Pattern::OrderedChannel, 400.0)));
    assert_eq!(manual.cheaper_lacking, [(Pattern::OrderedInTask, 100.0)]);
    assert!(!manual.met());
    let sentence = manual.sentence();
    assert!(sentence.contains("1.30x of it"), "{sentence}");
    assert!(sentence.contains("NOT within 1.1x"), "{sentence}");
    assert!(
        sentence.contains("gives less: no task per job"),
        "{sentence}"
    );
    let gather = find(Pattern::Gather, smol);
    assert_eq!(gather.best_same, None);
    assert!(gather.met());
    assert!(gather.sentence().contains("no alternative gives the same"));
    let gather = find(Pattern::Gather, tokio);
    assert!(gather.sentence().contains("it pays more because `JoinSet`"));
    let target = results
        .primitive_target()
        .expect("alternatives were measured");
    assert!(target.starts_with("NOT met"), "{target}");
    assert!(
        target.contains("misses: manual-await on tokio: 1.30x"),
        "{target}"
    );
    assert!(target.contains("wait on smol: 1.75x"), "{target}");
    assert!(target.contains("gather on tokio: 1.25x"), "{target}");
    assert!(!target.contains("gather on smol"), "{target}");
}
