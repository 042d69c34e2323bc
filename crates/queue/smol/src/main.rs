//! `cargo run -p queue-smol`: the command line around the pattern in `lib.rs`: the shared
//! jobs put on a queue, taken by the workers, and what they returned reported.

use futures::FutureExt as _;
use queue_smol::run_workers;
use shared::{EventKind, Job, Run, Runtime, scenarios::Queue};

fn main() -> anyhow::Result<()> {
    // Read the command line first: a bad flag is a one-line usage error (exit 2).
    let (run, scenario) = Run::from_args::<Queue>(Runtime::Smol, std::time::Instant::now);
    // `smol::block_on` runs the future on this thread, and drives the timers while it
    // waits. The workers run in this future, as asyncio's run on its one thread.
    smol::block_on(run_scenario(&run, scenario))
}

async fn run_scenario(run: &Run, scenario: Queue) -> anyhow::Result<()> {
    let jobs = run.jobs();
    let total = jobs.len();
    let workers = run.config().workers;
    // A worker beyond the jobs would only wait: as many workers as jobs make the same
    // schedule, where ten million idle ones would cost gigabytes.
    let pool = workers.min(total.max(1));
    // What a worker does with a job: runs it, its `started` event naming the worker. A
    // panic comes back as the job's error (`job 4 panicked`), as a failure does, and the
    // worker goes on to the next job.
    let work = |worker, job: Job| {
        let id = job.id();
        let run = job.on_worker(worker).run_caught(smol::Timer::after);
        run.map(move |result| (id, result))
    };

    let done = match scenario {
        Queue::Workers => {
            tracing::info!("{total} jobs on the queue, {workers} workers");
            // `queue.put_nowait(job)` for every job, before the workers start: on an
            // unbounded channel, `try_send` never waits.
            let (queue, taken) = smol::channel::unbounded();
            for job in jobs {
                queue.try_send(job)?;
            }
            // Dropping the only sender closes the queue: the workers stop once it is empty.
            drop(queue);
            run_workers(taken, pool, work).await
        }
        Queue::Bounded => {
            // A queue never holds more than every job: a larger `--maxsize` is the same.
            let maxsize = run.config().maxsize.min(total).max(1);
            tracing::info!("{total} jobs put on a queue of {maxsize}, {workers} workers");
            let (queue, taken) = smol::channel::bounded(maxsize);
            let log = run.log();
            let producer = async move {
                for job in jobs {
                    let id = job.id();
                    // `await queue.put(job)`: waits while the queue is full.
                    queue.send(job).await?;
                    log.record(id, EventKind::Queued);
                }
                // `queue` is dropped here: closed, and the workers stop once it is empty.
                anyhow::Ok(())
            };
            let (put, done) = futures::join!(producer, run_workers(taken, pool, work));
            put?;
            done
        }
    };
    tracing::info!("every job done; the queue is closed, every worker has stopped");
    run.finish(|report| {
        for (job, result) in &done {
            report.received(*job, result);
        }
    })?;
    Ok(())
}
