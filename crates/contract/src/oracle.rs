//! What the contract expects, computed from the jobs: the semantics of CPython's asyncio
//! written down once, for the patterns whose outcome follows from the delays alone.

use shared::EventKind::{self, Cancelled, Finished};
use shared::{Config, Ending, Outcome, Received, Value};

use crate::Fingerprint;

/// The jobs of one run: delays in seconds, and which jobs fail or panic.
#[derive(Clone, Debug)]
pub struct Jobs {
    /// Job i sleeps `delays[i]` seconds.
    pub delays: Vec<f64>,
    /// `--fail`.
    pub fail: Vec<usize>,
    /// `--panic`.
    pub panic: Vec<usize>,
}

impl Jobs {
    /// The command-line arguments that describe these jobs.
    pub fn args(&self) -> Vec<String> {
        let list = |v: &[usize]| {
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut args = vec![
            "--delays".to_owned(),
            self.delays
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        ];
        if !self.fail.is_empty() {
            args.extend(["--fail".to_owned(), list(&self.fail)]);
        }
        if !self.panic.is_empty() {
            args.extend(["--panic".to_owned(), list(&self.panic)]);
        }
        args
    }

    /// How job `i` ends when nothing cancels it, by the shared crate's own rule (a job in
    /// both lists panics).
    fn ending(&self, i: usize) -> Ending {
        Config::with_delays(&self.delays)
            .failing(&self.fail)
            .panicking(&self.panic)
            .ending(i)
    }

    /// How job `i` ends when it runs to its end: `finished`, `failed` or `panicked`.
    fn end(&self, i: usize) -> EventKind {
        self.ending(i).event()
    }

    /// What the caller receives from job `i` when it ends.
    fn value(&self, i: usize) -> Value {
        Value::from(&self.ending(i).result(i))
    }

    fn error(&self, i: usize) -> Fingerprint {
        let Value::Err(message) = self.value(i) else {
            unreachable!("job {i} does not fail")
        };
        Fingerprint {
            outcome: Outcome::Error,
            error: Some(message),
            failed_jobs: vec![i],
            results: Vec::new(),
            pending: Vec::new(),
            final_states: Vec::new(),
        }
    }

    fn ok(results: Vec<Received>) -> Fingerprint {
        Fingerprint {
            outcome: Outcome::Ok,
            error: None,
            failed_jobs: Vec::new(),
            results,
            pending: Vec::new(),
            final_states: Vec::new(),
        }
    }

    fn all_received(&self) -> Vec<Received> {
        (0..self.delays.len())
            .map(|job| Received {
                job,
                value: self.value(job),
            })
            .collect()
    }
}

/// What `gather` must report for `scenario` on these jobs (delays assumed distinct).
///
/// # Panics
///
/// On a scenario `gather` does not have.
pub fn gather(scenario: &str, jobs: &Jobs) -> Fingerprint {
    let n = jobs.delays.len();
    let failing = |i: &usize| jobs.end(*i) != Finished;
    match scenario {
        "default" => {
            // The failing job with the smallest delay ends the gather; jobs faster than it
            // finished, slower ones are cancelled.
            let first = (0..n)
                .filter(failing)
                .min_by(|&a, &b| jobs.delays[a].total_cmp(&jobs.delays[b]));
            match first {
                None => Fingerprint {
                    final_states: vec![Some(Finished); n],
                    ..Jobs::ok(jobs.all_received())
                },
                Some(f) => Fingerprint {
                    final_states: (0..n)
                        .map(|i| match i {
                            _ if i == f => Some(jobs.end(f)),
                            _ if jobs.delays[i] < jobs.delays[f] => Some(Finished),
                            _ => Some(Cancelled),
                        })
                        .collect(),
                    ..jobs.error(f)
                },
            }
        }
        "return-exceptions" => Fingerprint {
            final_states: (0..n).map(|i| Some(jobs.end(i))).collect(),
            ..Jobs::ok(jobs.all_received())
        },
        "sequential" => match (0..n).find(failing) {
            None => Fingerprint {
                final_states: vec![Some(Finished); n],
                ..Jobs::ok(jobs.all_received())
            },
            // Jobs before the first failure in input order finished; later ones never ran.
            Some(f) => Fingerprint {
                final_states: (0..n).map(|i| (i <= f).then(|| jobs.end(i))).collect(),
                ..jobs.error(f)
            },
        },
        other => panic!("gather has no scenario {other}"),
    }
}
