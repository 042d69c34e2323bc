//! The three gather binaries agree with the contract, with each other, and with CPython's
//! asyncio (when `python3` 3.11+ is on the `PATH`) on the same jobs.
//!
//! The delays are real (tenths of a second, at least 100 ms apart), so the order of events
//! cannot be changed by a loaded machine; the timing bounds are loose for the same reason.

use contract::oracle::{self, Jobs};
use contract::{Fingerprint, RUNTIMES, problems, python_report, report};

fn jobs(delays: &[f64], fail: &[usize], panic: &[usize]) -> Jobs {
    Jobs {
        delays: delays.to_vec(),
        fail: fail.to_vec(),
        panic: panic.to_vec(),
    }
}

/// Inputs that cover success, one failure, several failures, a panic, and a mix.
fn cases() -> Vec<Jobs> {
    vec![
        jobs(&[0.2, 0.1, 0.3], &[], &[]),
        jobs(&[0.2, 0.1, 0.3], &[1], &[]),
        jobs(&[0.2, 0.1, 0.3], &[0, 2], &[]),
        jobs(&[0.2, 0.1, 0.3], &[], &[1]),
        jobs(&[0.3, 0.1, 0.2, 0.4], &[3], &[2]),
        jobs(&[0.1], &[0], &[]),
    ]
}

/// Runs every case of `scenario` on the three runtimes and CPython, and checks each report
/// against the contract's expectation.
fn check(scenario: &str) {
    for case in cases() {
        let mut args: Vec<String> = vec!["--scenario".to_owned(), scenario.to_owned()];
        args.extend(case.args());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let expected = oracle::gather(scenario, &case);

        // The four programs of one case run at the same time: they only sleep.
        let reports = std::thread::scope(|scope| {
            let runs: Vec<_> = RUNTIMES
                .iter()
                .map(|runtime| scope.spawn(|| Some(report("gather", runtime, &args))))
                .chain([scope.spawn(|| python_report("gather", &args))])
                .collect();
            runs.into_iter()
                .filter_map(|run| run.join().expect("the run thread does not panic"))
                .collect::<Vec<_>>()
        });

        for report in &reports {
            let who = format!("{} {args:?}", report.runtime);
            assert_eq!(report.pattern, "gather", "{who}");
            assert_eq!(report.scenario, scenario, "{who}");
            assert_eq!(problems(report), Vec::<String>::new(), "{who}");
            let fingerprint = Fingerprint::of(report, case.delays.len());
            assert_eq!(fingerprint, expected, "{who} breaks the contract");
            assert_timing(scenario, &case, &expected, report.elapsed_ms, &who);
        }
    }
}

/// Concurrent gathers take about the longest delay, sequential ones the sum: checked only
/// from below and, for a concurrent gather of several jobs, below the sum.
fn assert_timing(scenario: &str, case: &Jobs, expected: &Fingerprint, elapsed_ms: f64, who: &str) {
    let ms = |seconds: f64| seconds * 1000.0;
    let sum: f64 = case.delays.iter().sum();
    let longest = case.delays.iter().copied().fold(0.0, f64::max);
    let succeeded = expected.failed_jobs.is_empty();
    match scenario {
        "sequential" if succeeded => assert!(elapsed_ms >= ms(sum) - 1.0, "{who}: {elapsed_ms}"),
        "sequential" => {}
        _ if succeeded && case.delays.len() > 1 => {
            assert!(elapsed_ms >= ms(longest) - 1.0, "{who}: {elapsed_ms}");
            assert!(elapsed_ms < ms(sum), "{who} took the sum: {elapsed_ms}");
        }
        _ => {}
    }
}

#[test]
fn default_gather_agrees_with_the_contract_on_every_runtime() {
    check("default");
}

#[test]
fn return_exceptions_agrees_with_the_contract_on_every_runtime() {
    check("return-exceptions");
}

#[test]
fn sequential_agrees_with_the_contract_on_every_runtime() {
    check("sequential");
}
