//! What the contract expects, computed from the jobs: the semantics of CPython's asyncio
//! written down once, for the patterns whose outcome follows from the delays alone (and,
//! in `shutdown`, from when the signal comes).

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

/// A `shutdown` run: its jobs, and the signal that may interrupt them.
#[derive(Clone, Debug)]
pub struct Shutdown {
    /// `ctrl-c` or `grace`.
    pub scenario: &'static str,
    /// The jobs.
    pub jobs: Jobs,
    /// `--interrupt-after`, in seconds; zero: no signal comes.
    pub interrupt_after: f64,
    /// `--cleanup`, in seconds.
    pub cleanup: f64,
    /// `--grace`, in seconds (handed over in `grace` only, the one scenario that reads it).
    pub grace: f64,
}

impl Shutdown {
    /// The command-line arguments of this run, `--scenario` first.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--scenario".to_owned(), self.scenario.to_owned()];
        args.extend(self.jobs.args());
        args.extend([
            "--interrupt-after".to_owned(),
            self.interrupt_after.to_string(),
            "--cleanup".to_owned(),
            self.cleanup.to_string(),
        ]);
        if self.scenario == "grace" {
            args.extend(["--grace".to_owned(), self.grace.to_string()]);
        }
        args
    }

    /// Whether the signal interrupts job `i`: it comes (`--interrupt-after` is not zero)
    /// before the job's delay is over.
    pub fn interrupts(&self, i: usize) -> bool {
        self.interrupt_after > 0.0 && self.jobs.delays[i] > self.interrupt_after
    }

    /// Whether an interrupted job's cleanup is abandoned: in `grace`, when it takes longer
    /// than the grace period.
    pub fn abandons_cleanups(&self) -> bool {
        self.scenario == "grace" && self.cleanup > self.grace
    }

    /// What the report must say (delays assumed distinct, and apart from the signal): the
    /// jobs that end before the signal are received in the order they end, each `ok` or
    /// `err`; the others are pending and cancelled; the outcome is `interrupted` if there
    /// are any, else `ok`.
    pub fn fingerprint(&self) -> Fingerprint {
        let n = self.jobs.delays.len();
        let mut ended: Vec<usize> = (0..n).filter(|&i| !self.interrupts(i)).collect();
        ended.sort_by(|&a, &b| self.jobs.delays[a].total_cmp(&self.jobs.delays[b]));
        let pending: Vec<usize> = (0..n).filter(|&i| self.interrupts(i)).collect();
        Fingerprint {
            outcome: if pending.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Interrupted
            },
            error: None,
            failed_jobs: Vec::new(),
            results: ended
                .into_iter()
                .map(|job| Received {
                    job,
                    value: self.jobs.value(job),
                })
                .collect(),
            pending,
            final_states: (0..n)
                .map(|i| {
                    Some(if self.interrupts(i) {
                        Cancelled
                    } else {
                        self.jobs.end(i)
                    })
                })
                .collect(),
        }
    }

    /// Each job's events, in order: `started`, its end, `finally` for a job that ends before
    /// the signal; `started`, `cleanup-started`, `cleanup-finished` (unless the cleanup is
    /// abandoned), `finally`, `cancelled` for an interrupted one.
    pub fn events(&self) -> Vec<Vec<EventKind>> {
        use EventKind::{CleanupFinished, CleanupStarted, Finally, Started};
        (0..self.jobs.delays.len())
            .map(|i| {
                if !self.interrupts(i) {
                    vec![Started, self.jobs.end(i), Finally]
                } else if self.abandons_cleanups() {
                    vec![Started, CleanupStarted, Finally, Cancelled]
                } else {
                    vec![Started, CleanupStarted, CleanupFinished, Finally, Cancelled]
                }
            })
            .collect()
    }

    /// The least time the run can take, in seconds: the longest delay when every job ends
    /// before the signal; else the signal, then the cleanups (in `grace`, at most the grace
    /// period).
    pub fn least_seconds(&self) -> f64 {
        let n = self.jobs.delays.len();
        if (0..n).any(|i| self.interrupts(i)) {
            let cleanups = if self.scenario == "grace" {
                self.cleanup.min(self.grace)
            } else {
                self.cleanup
            };
            self.interrupt_after + cleanups
        } else {
            self.jobs.delays.iter().copied().fold(0.0, f64::max)
        }
    }
}
