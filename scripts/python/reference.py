#!/usr/bin/env python3
"""What CPython's asyncio does with the contract's jobs: the reference the Rust examples match.

Runs one pattern's scenario on the same simulated jobs as the Rust examples and prints the
same `--json` report (runtime "asyncio"), so that the examples can be compared with CPython
itself:

    python3 scripts/python/reference.py gather --delays 0.2,0.1,0.3 --fail 1 --json
    python3 scripts/python/reference.py wait --scenario first-completed
    python3 scripts/python/reference.py blocking --scenario timeout --json
    python3 scripts/python/reference.py shutdown --delays 0.1,5,5 --interrupt-after 0.4
    python3 scripts/python/reference.py queue --scenario bounded --workers 2 --maxsize 3

Needs Python 3.11 or newer (asyncio.TaskGroup, asyncio.timeout, and asyncio.run turning a
Ctrl-C into the cancellation of the main task). The command line follows the examples' (see
docs/contract.md); unlike the examples it trusts its input: it is a test oracle, not a
teaching example. (It refuses a queue of no workers or no room as the examples do: asyncio
would wait forever on the one, and read the other as unbounded.) A Rust panic (`--panic`)
is played by an exception whose message says `job i panicked`.

Each pattern's function sits between `# ANCHOR: <pattern>` and `# ANCHOR_END: <pattern>`
lines: the book's chapter of that pattern shows it from there, so that the Python the book
shows is the Python the tests run.
"""

import argparse
import asyncio
import concurrent.futures
import json
import os
import signal
import sys
import threading
import time


class JobError(Exception):
    """A job's failure (`--fail`) or its stand-in for a Rust panic (`--panic`)."""

    def __init__(self, job, kind):
        super().__init__(f"job {job} {kind}")
        self.job = job


class Log:
    """The event log: time since the pattern started, and the thread's name.

    The blocking jobs record from the executor's threads: the lock keeps each event's time
    and its place in the list together, so that the events stay in time order.
    """

    def __init__(self):
        self.start = time.monotonic()
        self.events = []
        self.lock = threading.Lock()

    def record(self, job, event, worker=None):
        with self.lock:
            self.events.append({
                "t_ms": round((time.monotonic() - self.start) * 1000, 3),
                "job": job,
                "event": event,
                "thread": threading.current_thread().name,
            })
            if worker is not None:
                self.events[-1]["worker"] = worker  # queue: the worker that took the job

    def elapsed_ms(self):
        return round((time.monotonic() - self.start) * 1000, 3)

    def ended(self, job):
        return any(e["job"] == job and e["event"] in TERMINAL for e in self.events)


TERMINAL = {"finished", "failed", "panicked", "cancelled"}


class Run:
    """One scenario's jobs, log and report."""

    def __init__(self, args):
        self.args = args
        self.log = Log()
        self.reported = False  # the report is complete (shutdown: before the signal's exit)
        self.report = {
            "pattern": args.pattern,
            "runtime": "asyncio",
            "scenario": args.scenario,
            "elapsed_ms": 0.0,
            "outcome": "ok",
            "error": None,
            "failed_jobs": [],
            "results": [],
            "pending": [],
            "events": [],
        }

    def ending(self, i):
        if i in self.args.panic:
            return "panicked"
        if i in self.args.fail:
            return "failed"
        return "finished"

    async def job(self, i, worker=None):
        """The tutorials' fetch(): start, sleep, then return, fail or 'panic'."""
        self.log.record(i, "started", worker)
        try:
            await asyncio.sleep(self.args.delays[i])
        except asyncio.CancelledError:
            self.log.record(i, "cancelled")
            raise
        return self.end(i)

    def blocking_job(self, i):
        """The job as blocking work, a synchronous call (a requests.get, a file read): it
        holds its thread for its delay, then returns, fails or 'panics'."""
        self.log.record(i, "started")
        time.sleep(self.args.delays[i])
        return self.end(i)

    def end(self, i):
        ending = self.ending(i)
        self.log.record(i, ending)
        if ending != "finished":
            raise JobError(i, ending)
        return f"job {i} result"

    def jobs(self):
        return [self.job(i) for i in range(len(self.args.delays))]

    def received(self, job, value=None, error=None):
        if error is None:
            self.report["results"].append({"job": job, "ok": value})
        else:
            self.report["results"].append({"job": job, "err": str(error)})

    def received_task(self, i, task):
        error = task.exception()
        self.received(i, task.result() if error is None else None, error)

    def raised(self, errors):
        self.report["outcome"] = "error"
        self.report["error"] = "; ".join(str(e) for e in errors)
        self.report["failed_jobs"] = sorted(e.job for e in errors)

    def completion_order(self, indices):
        """Job indices sorted by when they ended, as the log saw it."""
        ends = {}
        for n, e in enumerate(self.log.events):
            if e["event"] in TERMINAL:
                ends.setdefault(e["job"], n)
        return sorted(indices, key=lambda i: ends.get(i, len(self.log.events)))


# ANCHOR: manual-await
async def manual_await(run):
    n = len(run.args.delays)
    if run.args.scenario == "handle":
        loop = asyncio.get_running_loop()
        tasks = [loop.create_task(run.job(i)) for i in range(n)]
    else:
        tasks = [asyncio.create_task(run.job(i)) for i in range(n)]
    if run.args.scenario == "background":
        await asyncio.sleep(run.args.main_delay)  # main's own work
    if run.args.scenario == "forgotten":
        # Main does its own work and returns without awaiting the tasks: asyncio.run then
        # cancels the ones still running.
        await asyncio.sleep(run.args.main_delay)
        run.report["pending"] = [i for i, task in enumerate(tasks) if not task.done()]
        return
    try:
        for i, task in enumerate(tasks):
            run.received(i, await task)
    except JobError as err:
        run.raised([err])
# ANCHOR_END: manual-await


# ANCHOR: task-group
async def task_group(run):
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(run.job(i)) for i in range(len(run.args.delays))]
        for i, task in enumerate(tasks):
            run.received(i, task.result())
    except* JobError as group:
        run.raised(group.exceptions)
# ANCHOR_END: task-group


# ANCHOR: gather
async def gather(run):
    scenario = run.args.scenario
    if scenario == "default":
        try:
            for i, value in enumerate(await asyncio.gather(*run.jobs())):
                run.received(i, value)
        except JobError as err:
            run.raised([err])
    elif scenario == "return-exceptions":
        results = await asyncio.gather(*run.jobs(), return_exceptions=True)
        for i, value in enumerate(results):
            if isinstance(value, Exception):
                run.received(i, error=value)
            else:
                run.received(i, value)
    elif scenario == "sequential":
        coros = run.jobs()
        try:
            # Like `results = [await c for c in coros]`: nothing is received unless all are.
            values = [await coro for coro in coros]
            for i, value in enumerate(values):
                run.received(i, value)
        except JobError as err:
            run.raised([err])
        finally:
            for coro in coros:
                coro.close()  # the ones never awaited never start
# ANCHOR_END: gather


# ANCHOR: wait
async def wait(run):
    tasks = [asyncio.create_task(run.job(i)) for i in range(len(run.args.delays))]
    when = {
        "all": asyncio.ALL_COMPLETED,
        "first-completed": asyncio.FIRST_COMPLETED,
        "first-exception": asyncio.FIRST_EXCEPTION,
        "timeout": asyncio.ALL_COMPLETED,
    }[run.args.scenario]
    timeout = run.args.timeout if run.args.scenario == "timeout" else None
    done, pending = await asyncio.wait(tasks, return_when=when, timeout=timeout)
    index = {task: i for i, task in enumerate(tasks)}
    for i in run.completion_order([index[t] for t in done]):
        run.received_task(i, tasks[i])
    run.report["pending"] = sorted(index[t] for t in pending)
# ANCHOR_END: wait


# ANCHOR: as-completed
async def as_completed(run):
    tasks = [asyncio.create_task(run.job(i)) for i in range(len(run.args.delays))]
    for coro in asyncio.as_completed(tasks):
        try:
            value = await coro
            run.received(int(value.split()[1]), value)
        except JobError as err:
            run.received(err.job, error=err)
# ANCHOR_END: as-completed


# ANCHOR: timeout
async def timeout(run):
    scenario = run.args.scenario
    try:
        if scenario == "wait-for":
            run.received(0, await asyncio.wait_for(run.job(0), run.args.timeout))
        elif scenario == "gather":
            values = await asyncio.wait_for(asyncio.gather(*run.jobs()), run.args.timeout)
            for i, value in enumerate(values):
                run.received(i, value)
        elif scenario == "scope":
            async with asyncio.timeout(run.args.timeout):
                for i in range(len(run.args.delays)):
                    run.received(i, await run.job(i))
    except TimeoutError:
        run.report["outcome"] = "timeout"
    except JobError as err:
        run.raised([err])
# ANCHOR_END: timeout


# ANCHOR: cancel-cleanup
async def cancel_cleanup(run):
    scenario = run.args.scenario

    async def with_finally():
        # The job with a finally-step, and in `cleanup` an async cleanup on cancellation.
        run.log.record(0, "started")
        try:
            try:
                await asyncio.sleep(run.args.delays[0])
            except asyncio.CancelledError:
                if scenario == "cleanup":
                    run.log.record(0, "cleanup-started")
                    await asyncio.sleep(run.args.cleanup)
                    run.log.record(0, "cleanup-finished")
                raise
            return run.end(0)
        finally:
            run.log.record(0, "finally")

    async def job0():
        if scenario == "cancel":
            return await run.job(0)
        try:
            return await with_finally()
        except asyncio.CancelledError:
            run.log.record(0, "cancelled")
            raise

    task = asyncio.create_task(job0())
    await asyncio.sleep(run.args.cancel_after)
    task.cancel()
    try:
        run.received(0, await task)
    except asyncio.CancelledError:
        run.report["outcome"] = "cancelled"
    except JobError as err:
        run.raised([err])
# ANCHOR_END: cancel-cleanup


# ANCHOR: scraper
async def scraper(run):
    tasks = [asyncio.create_task(run.job(i)) for i in range(len(run.args.delays))]
    if run.args.scenario == "tutorial":
        # The tutorial's own solution: wait for every page with a timeout, then cancel the
        # pending ones. Outcome `timeout` when any timed out (`wait` itself does not raise).
        done, pending = await asyncio.wait(tasks, timeout=run.args.timeout)
        for task in pending:
            task.cancel()
        index = {task: i for i, task in enumerate(tasks)}
        for i in run.completion_order([index[t] for t in done]):
            run.received_task(i, tasks[i])
        run.report["pending"] = sorted(index[t] for t in pending)
        if pending:
            run.report["outcome"] = "timeout"
        return
    try:
        async with asyncio.timeout(run.args.timeout):
            for coro in asyncio.as_completed(tasks):
                try:
                    value = await coro
                    run.received(int(value.split()[1]), value)
                except JobError as err:
                    run.received(err.job, error=err)
    except TimeoutError:
        run.report["outcome"] = "timeout"
    run.report["pending"] = [i for i, task in enumerate(tasks) if not task.done()]
# ANCHOR_END: scraper


# ANCHOR: blocking
async def blocking(run):
    n = len(run.args.delays)
    scenario = run.args.scenario
    try:
        if scenario == "to-thread":
            # Each job's blocking work on the default executor's threads, gathered.
            values = await asyncio.gather(*(asyncio.to_thread(run.blocking_job, i) for i in range(n)))
            for i, value in enumerate(values):
                run.received(i, value)
        elif scenario == "blocked":
            # The mistake: time.sleep inside a coroutine holds the event loop's one thread.
            async def job(i):
                if i in run.args.block:
                    return run.blocking_job(i)  # time.sleep(delay), no await
                return await run.job(i)  # await asyncio.sleep(delay)

            for i, value in enumerate(await asyncio.gather(*(job(i) for i in range(n)))):
                run.received(i, value)
        elif scenario == "timeout":
            # The caller stops waiting; the thread cannot be stopped and runs on.
            work = asyncio.to_thread(run.blocking_job, 0)
            run.received(0, await asyncio.wait_for(work, run.args.timeout))
    except TimeoutError:
        run.report["outcome"] = "timeout"
    except JobError as err:
        run.raised([err])
# ANCHOR_END: blocking


# ANCHOR: shutdown
async def shutdown(run):
    """asyncio.run(main()) interrupted by Ctrl-C. On the first SIGINT, asyncio.run cancels
    the main task: main asks every job still running to stop, each runs its async cleanup and
    its finally-step, and main re-raises the cancellation, which asyncio.run turns into
    KeyboardInterrupt (the caller then exits 130). A second SIGINT raises KeyboardInterrupt at
    once, whatever is still cleaning up."""
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()

    async def job(i):
        # cancel-cleanup's `cleanup` job: on cancellation, an async cleanup, then finally.
        run.log.record(i, "started")
        try:
            try:
                await asyncio.sleep(run.args.delays[i])
            except asyncio.CancelledError:
                run.log.record(i, "cleanup-started")
                await asyncio.sleep(run.args.cleanup)  # `grace`: may be cancelled again
                run.log.record(i, "cleanup-finished")
                raise
            return run.end(i)
        finally:
            run.log.record(i, "finally")

    async def task(i):
        try:
            return await job(i)
        except asyncio.CancelledError:
            run.log.record(i, "cancelled")
            raise

    tasks = [asyncio.create_task(task(i)) for i in range(len(run.args.delays))]
    # SIGTERM (kill, a service manager) is handled like Ctrl-C: main is cancelled.
    loop.add_signal_handler(signal.SIGTERM, main_task.cancel)
    interrupter = None
    if run.args.interrupt_after > 0:
        # A real SIGINT through the operating system, as a Ctrl-C sends it.
        interrupter = loop.call_later(
            run.args.interrupt_after, os.kill, os.getpid(), signal.SIGINT)
    try:
        for next_done in asyncio.as_completed(tasks):
            try:
                value = await next_done
                run.received(int(value.split()[1]), value)
            except JobError as err:
                run.received(err.job, error=err)
    except asyncio.CancelledError:
        # The signal: asyncio.run cancelled main. Every job still running is asked to stop,
        # and main waits for their cleanups (in `grace`, for at most --grace seconds).
        interrupted = [i for i, t in enumerate(tasks) if not t.done()]
        for i in interrupted:
            tasks[i].cancel()
        if interrupted:
            grace = run.args.grace if run.args.scenario == "grace" else None
            _, late = await asyncio.wait([tasks[i] for i in interrupted], timeout=grace)
            for t in late:
                t.cancel()  # the cleanup is abandoned: only its finally-step runs
            if late:
                await asyncio.wait(late)
        run.report["outcome"] = "interrupted"
        run.report["pending"] = interrupted
        run.report["elapsed_ms"] = run.log.elapsed_ms()
        run.report["events"] = run.log.events
        run.reported = True
        raise  # asyncio.run raises KeyboardInterrupt (SIGTERM: CancelledError)
    # Every job ended before the signal: none comes now.
    if interrupter is not None:
        interrupter.cancel()
# ANCHOR_END: shutdown


# ANCHOR: queue
async def queue(run):
    """asyncio's queue documentation, adapted to the jobs: workers looping on
    `await queue.get()`, each job's result (or its error) kept as it ends. In `workers` every
    job is put before the workers run; in `bounded` the producer's put waits while the queue
    holds --maxsize jobs, and each job is `queued` when its put returns."""
    bounded = run.args.scenario == "bounded"
    queue = asyncio.Queue(run.args.maxsize if bounded else 0)  # maxsize=0: unbounded

    async def worker(w):
        while True:
            i = await queue.get()
            try:
                run.received(i, await run.job(i, worker=w))
            except JobError as err:
                run.received(i, error=err)  # a failing job does not stop its worker
            queue.task_done()

    workers = [asyncio.create_task(worker(w)) for w in range(run.args.workers)]
    for i in range(len(run.args.delays)):
        if bounded:
            await queue.put(i)  # waits while the queue is full
            run.log.record(i, "queued")
        else:
            queue.put_nowait(i)
    await queue.join()  # every job done
    for w in workers:
        w.cancel()  # idle in queue.get(), forever
    await asyncio.gather(*workers, return_exceptions=True)
# ANCHOR_END: queue


def default_executor_size():
    """How many threads asyncio's default executor runs at once (its max_workers): read
    from a ThreadPoolExecutor made as asyncio makes it, which starts no thread until used."""
    with concurrent.futures.ThreadPoolExecutor() as pool:
        return pool._max_workers


# pattern -> (function, scenarios (the first is the default), default delays, default timeout)
PATTERNS = {
    "manual-await": (manual_await, ["default", "handle", "background", "forgotten"], [1.0] * 20, 3.0),
    "task-group": (task_group, ["default"], [1.0] * 20, 3.0),
    "gather": (gather, ["default", "return-exceptions", "sequential"], [2.0, 1.0, 3.0], 3.0),
    "wait": (wait, ["all", "first-completed", "first-exception", "timeout"], [2.0, 1.0, 3.0], 1.5),
    "as-completed": (as_completed, ["default"], [3.0, 1.0, 2.0], 3.0),
    "timeout": (timeout, ["wait-for", "gather", "scope"], None, None),
    "cancel-cleanup": (cancel_cleanup, ["cancel", "cleanup", "abort"], [10.0], 3.0),
    "scraper": (scraper, ["default", "tutorial"], None, 3.0),
    "blocking": (blocking, ["to-thread", "blocked", "timeout"], None, None),
    "shutdown": (shutdown, ["ctrl-c", "grace"], [10.0] * 3, 3.0),
    "queue": (queue, ["workers", "bounded"], [1.0, 0.5, 1.5, 0.7, 0.3, 1.2, 0.8, 0.4], 3.0),
}


def seeded_delays(seed, count=10, low=0.5, high=2.5):
    """The scraper's default delays: fastrand 2's wyrand, exactly as the Rust examples draw them."""
    state, out, mask = seed, [], (1 << 64) - 1
    while len(out) < count:
        state = (state + 0x2D358DCCAA6C78A5) & mask
        t = state * (state ^ 0x8BB84B93962EACC9)
        x = float(((t & mask) ^ (t >> 64)) >> 1) * (1.0 / (1 << 63))
        if x < 1.0:
            out.append(low + x * (high - low))
    return out


async def main(run):
    args = run.args
    pattern = PATTERNS[args.pattern][0]
    if args.pattern == "blocking":
        run.report["blocking_pool"] = default_executor_size()
    await pattern(run)
    run.report["elapsed_ms"] = run.log.elapsed_ms()
    # The program ends here, as asyncio.run would end it: whatever still runs is cancelled,
    # then the default executor's threads are waited for (blocking work cannot be
    # cancelled once it runs; work still queued behind a full pool is dropped).
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_default_executor()
    run.report["events"] = run.log.events
    run.reported = True


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", choices=sorted(PATTERNS))
    parser.add_argument("--scenario")
    parser.add_argument("--delays", type=lambda s: [float(x) for x in s.split(",")])
    parser.add_argument("--tasks", type=int)
    parser.add_argument("--delay", type=float)
    parser.add_argument("--fail", type=lambda s: [int(x) for x in s.split(",")], default=[])
    parser.add_argument("--panic", type=lambda s: [int(x) for x in s.split(",")], default=[])
    parser.add_argument("--timeout", type=float)
    parser.add_argument("--cancel-after", type=float, default=1.0)
    parser.add_argument("--cleanup", type=float)
    parser.add_argument("--main-delay", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--block", type=lambda s: [int(x) for x in s.split(",")], default=[0])
    parser.add_argument("--interrupt-after", type=float, default=1.0)
    parser.add_argument("--grace", type=float, default=0.2)
    parser.add_argument("--workers", default="3")
    parser.add_argument("--maxsize", default="1")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    _, scenarios, delays, timeout_default = PATTERNS[args.pattern]
    args.scenario = args.scenario or scenarios[0]
    if args.scenario not in scenarios:
        parser.error(f"{args.pattern} has no scenario {args.scenario!r}")
    if args.pattern == "timeout":
        wait_for = args.scenario == "wait-for"
        delays = [10.0] if wait_for else [1.0, 2.0, 5.0]
        timeout_default = 2.0 if wait_for else 3.0
    if args.pattern == "scraper":
        delays = seeded_delays(args.seed)
    if args.pattern == "blocking":
        delays, timeout_default = {
            "to-thread": ([1.0] * 20, 3.0),
            "blocked": ([1.0, 0.2, 0.3], 3.0),
            "timeout": ([2.0], 0.5),
        }[args.scenario]
    if args.delays is None:
        args.delays = [args.delay] * args.tasks if args.tasks else delays
    if args.timeout is None:
        args.timeout = timeout_default
    if args.cleanup is None:
        args.cleanup = 0.5 if (args.pattern, args.scenario) == ("shutdown", "grace") else 0.1
    args.workers = count("--workers", args.workers, "a queue needs at least one worker")
    args.maxsize = count("--maxsize", args.maxsize, "a bounded queue holds at least one job")
    return args


def count(flag, text, zero):
    """A whole number from 1 to 10 000 000, or the examples' usage error: one line, exit 2
    (asyncio would take 0 workers and wait forever, and reads maxsize=0 as unbounded)."""
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n == 0:
        usage_error(flag, text, zero)
    if not 1 <= n <= 10_000_000:
        usage_error(flag, text, "expected a whole number from 1 to 10000000")
    return n


def usage_error(flag, text, reason):
    print(f"error: invalid value {text!r} for {flag!r}: {reason}", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        sys.exit("error: the asyncio reference needs Python 3.11 or newer")
    run = Run(parse())
    if run.args.pattern == "shutdown":
        # A program started in the background by a shell inherits SIGINT ignored, and
        # asyncio.run then leaves it ignored; the Rust examples handle it whatever they
        # inherited, and so does this one.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    status = 0
    try:
        asyncio.run(main(run))
    except KeyboardInterrupt:
        status = 130  # Ctrl-C: 128 + SIGINT
    except asyncio.CancelledError:
        status = 143  # SIGTERM cancelled main: 128 + SIGTERM
    if not run.reported:
        sys.exit(status)  # a second signal ended the cleanups: no report
    print(json.dumps(run.report, indent=2))
    sys.exit(status)
