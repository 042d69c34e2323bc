//! What the contract expects, computed from the jobs: the semantics of CPython's asyncio
//! written down once, for the patterns whose outcome follows from the delays alone (and,
//! in `shutdown`, from when the signal comes; in `queue`, from the number of workers).

use std::time::Duration;

use shared::EventKind::{self, Cancelled, Finished};
use shared::{Config, Ending, Outcome, Received, Report, Value};

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

    /// The shared crate's config of these jobs.
    fn config(&self) -> Config {
        Config::with_delays(&self.delays)
            .failing(&self.fail)
            .panicking(&self.panic)
    }

    /// How job `i` ends when nothing cancels it, by the shared crate's own rule (a job in
    /// both lists panics). It builds the config for one job: for many, see [`Queue`]'s
    /// use of [`Jobs::config`].
    fn ending(&self, i: usize) -> Ending {
        self.config().ending(i)
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

/// A `queue` run: its jobs, how many workers take them, and, in `bounded`, how many jobs
/// the queue holds.
#[derive(Clone, Debug)]
pub struct Queue {
    /// `workers` or `bounded`.
    pub scenario: &'static str,
    /// The jobs.
    pub jobs: Jobs,
    /// `--workers`.
    pub workers: usize,
    /// `--maxsize` (handed over in `bounded` only: `workers` puts every job at once).
    pub maxsize: usize,
}

/// When and where one job of a queue runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The worker that takes it.
    pub worker: usize,
    /// When the producer's put of it returns (`bounded` only).
    pub queued: Option<Duration>,
    /// When its worker takes it and it starts.
    pub start: Duration,
    /// When it ends.
    pub end: Duration,
}

impl Queue {
    /// The command-line arguments of this run, `--scenario` first.
    pub fn args(&self) -> Vec<String> {
        let mut args = vec!["--scenario".to_owned(), self.scenario.to_owned()];
        args.extend(self.jobs.args());
        args.extend(["--workers".to_owned(), self.workers.to_string()]);
        if self.scenario == "bounded" {
            args.extend(["--maxsize".to_owned(), self.maxsize.to_string()]);
        }
        args
    }

    /// The schedule of every job, in job order: the first free worker takes the next job.
    ///
    /// Workers free at the same moment take jobs in the order their timers were set, which
    /// is the order their last jobs started, and so job order; at the start, before any
    /// job, worker order. (asyncio wakes timers due at the same moment in the order they
    /// were set; the examples' workers, polled in turn in one task, do the same.) That is
    /// exact for jobs of equal delays (`--tasks 9 --delay 0.1`: jobs 3, 4, 5 go to workers
    /// 0, 1, 2); where two chains of different delays meet at the same instant, which one
    /// a runtime wakes first depends on the microseconds each chain lost, and the tests
    /// keep distinct end times 100 ms apart. Nor does it model a put that wakes an idle
    /// worker at the very instant a busy one asks for the next job (jobs of no delay
    /// through a queue of one): asyncio gives the job to whichever asks first, which is
    /// where the runtimes part (`tests/queue.rs` says how).
    ///
    /// In `bounded`, the producer's put of job k returns when there is room for it: at once
    /// for the first `maxsize` jobs, else when job k - `maxsize` is taken off the queue.
    ///
    /// One heap of the workers: O(n log w) for n jobs and w workers.
    ///
    /// ```
    /// use std::time::Duration;
    /// use contract::oracle::{Jobs, Queue};
    ///
    /// let jobs = Jobs { delays: vec![1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4], fail: vec![], panic: vec![] };
    /// let queue = Queue { scenario: "bounded", jobs, workers: 3, maxsize: 1 };
    /// let workers: Vec<usize> = queue.schedule().iter().map(|slot| slot.worker).collect();
    /// assert_eq!(workers, [0, 1, 2, 1, 0, 1, 0, 2]);
    /// assert_eq!(queue.schedule()[4].queued, Some(Duration::from_millis(500)));
    /// assert_eq!(queue.elapsed(), Duration::from_millis(2400));
    /// ```
    pub fn schedule(&self) -> Vec<Slot> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;

        let n = self.jobs.delays.len();
        // (free from, who goes first among the free at that moment, worker)
        let mut free: BinaryHeap<Reverse<(Duration, usize, usize)>> = (0..self.workers.min(n))
            .map(|worker| Reverse((Duration::ZERO, worker, worker)))
            .collect();
        let mut slots: Vec<Slot> = Vec::with_capacity(n);
        for (job, &delay) in self.jobs.delays.iter().enumerate() {
            let Some(Reverse((start, _, worker))) = free.pop() else {
                break; // no worker at all: nothing runs
            };
            let end = start + Duration::from_secs_f64(delay);
            free.push(Reverse((end, self.workers + job, worker)));
            let queued =
                (self.scenario == "bounded").then(|| match job.checked_sub(self.maxsize) {
                    Some(earlier) => slots[earlier].start,
                    None => Duration::ZERO,
                });
            slots.push(Slot {
                worker,
                queued,
                start,
                end,
            });
        }
        slots
    }

    /// When the last job ends: the time the run takes with no overhead at all.
    pub fn elapsed(&self) -> Duration {
        self.schedule()
            .iter()
            .map(|slot| slot.end)
            .max()
            .unwrap_or_default()
    }

    /// The jobs in the order they end (ends at the same moment in job order, the order
    /// their timers were set).
    pub fn completion_order(&self) -> Vec<usize> {
        let schedule = self.schedule();
        let mut order: Vec<usize> = (0..schedule.len()).collect();
        order.sort_by_key(|&job| (schedule[job].end, job));
        order
    }

    /// What the report must say: outcome `ok`, every job received in the order they end,
    /// each `ok` or `err`, nothing pending, every job ended by itself.
    pub fn fingerprint(&self) -> Fingerprint {
        let config = self.jobs.config();
        let n = self.jobs.delays.len();
        Fingerprint {
            final_states: (0..n).map(|i| Some(config.ending(i).event())).collect(),
            ..Jobs::ok(
                self.completion_order()
                    .into_iter()
                    .map(|job| Received {
                        job,
                        value: Value::from(&config.ending(job).result(job)),
                    })
                    .collect(),
            )
        }
    }

    /// Each job's events, in order: `queued` (in `bounded`), `started`, then its end.
    pub fn events(&self) -> Vec<Vec<EventKind>> {
        let config = self.jobs.config();
        (0..self.jobs.delays.len())
            .map(|i| {
                let mut events = Vec::with_capacity(3);
                if self.scenario == "bounded" {
                    events.push(EventKind::Queued);
                }
                events.extend([EventKind::Started, config.ending(i).event()]);
                events
            })
            .collect()
    }

    /// What is wrong with a report of this run beyond [`crate::problems`]: a job on a
    /// worker other than the schedule's (or on a worker that does not exist), events other
    /// than [`Queue::events`], or anything earlier than the schedule allows (1 ms of
    /// rounding aside). Late is fine: a loaded machine is late, never early.
    pub fn problems(&self, report: &Report) -> Vec<String> {
        let schedule = self.schedule();
        let expected = self.events();
        let n = schedule.len();
        let mut problems = Vec::new();
        let mut events: Vec<Vec<EventKind>> = vec![Vec::new(); n];
        let ms = |t: Duration| t.as_secs_f64() * 1000.0;
        for event in &report.events {
            let (job, kind, t) = (event.job, event.event, event.t_ms);
            let Some(slot) = schedule.get(event.job) else {
                problems.push(format!("an event of job {job}, of {n} jobs"));
                continue;
            };
            events[job].push(kind);
            let due = match kind {
                EventKind::Queued => slot.queued,
                EventKind::Started => Some(slot.start),
                _ if kind.is_terminal() => Some(slot.end),
                _ => None,
            };
            if let Some(due) = due.filter(|&due| t < ms(due) - 1.0) {
                problems.push(format!(
                    "job {job} {} at {t} ms, before {} ms",
                    kind.as_str(),
                    ms(due)
                ));
            }
            if let Some(worker) = event.worker {
                if worker >= self.workers {
                    problems.push(format!(
                        "job {job} started on worker {worker}, of {} workers",
                        self.workers
                    ));
                } else if worker != slot.worker {
                    problems.push(format!(
                        "job {job} started on worker {worker}, not on worker {}, the first free",
                        slot.worker
                    ));
                }
            }
        }
        for (job, (got, want)) in events.iter().zip(&expected).enumerate() {
            if got != want {
                problems.push(format!("job {job}'s events are {got:?}, not {want:?}"));
            }
        }
        let elapsed = ms(self.elapsed());
        if report.elapsed_ms < elapsed - 1.0 {
            problems.push(format!(
                "returned at {} ms, before the last job's end at {elapsed} ms",
                report.elapsed_ms
            ));
        }
        problems
    }
}
