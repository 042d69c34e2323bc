#!/usr/bin/env python3
"""The benchmark's CPython side: one measurement of a pattern on asyncio (or uvloop).

`cargo run --release -p bench` runs this once per measurement, each time in a fresh
process, exactly as it runs its own Rust measurements, and reads the JSON line it prints:

    python3 scripts/python/bench.py measure --loop asyncio --pattern gather --jobs 1000 --delay-ms 100
    python3 scripts/python/bench.py timer --loop uvloop --ms 1 --count 200
    python3 scripts/python/bench.py versions

The patterns are the Python each Rust example mirrors (the ```python block at the top of
its `src/lib.rs`), on the same job: sleep the delay, return "job i result", no event log.
`to-thread` is the blocking pattern's: the same job as blocking work (`time.sleep`) on the
default executor's threads, through `asyncio.to_thread`; the bench runs it with no delay.
`queue` and `queue-bounded` are asyncio's queue documentation example: three worker tasks
looping on `get()` / `task_done()`, every job put first (or, bounded, put by a producer
that waits while the queue is full), `await queue.join()`, then the workers cancelled.
uvloop is used only when it is installed (`pip install uvloop`); `versions` says whether it
is. Needs Python 3.11 or newer (asyncio.TaskGroup and asyncio.timeout). Linux only for the
memory figures (they read /proc/self/status).
"""

import argparse
import asyncio
import json
import math
import os
import sys
import time

# The scraper's deadline in the bench: far beyond any run, so every page arrives.
NO_DEADLINE = 24 * 3600

# The queue's workers (the Rust example's default, and the docs example's), and the
# bounded queue's size: the bench's QUEUE_WORKERS and QUEUE_MAXSIZE.
QUEUE_WORKERS = 3
QUEUE_MAXSIZE = 100


async def job(i, delay):
    """The shared job without its log: sleep (asyncio.sleep(0) yields once), then return."""
    await asyncio.sleep(delay)
    return f"job {i} result"


def blocking_job(i, delay):
    """The shared job as blocking work, without its log: hold the thread, then return."""
    time.sleep(delay)
    return f"job {i} result"


async def bare(n, delay):
    # The floor: create every task, then await each one; nothing else.
    tasks = [asyncio.create_task(job(i, delay)) for i in range(n)]
    received = 0
    for task in tasks:
        await task
        received += 1
    return received


async def manual_await(n, delay):
    tasks = [asyncio.create_task(job(i, delay)) for i in range(n)]
    results = [await task for task in tasks]
    return len(results)


async def task_group(n, delay):
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(job(i, delay)) for i in range(n)]
    results = [task.result() for task in tasks]
    return len(results)


async def wait(n, delay):
    tasks = [asyncio.create_task(job(i, delay)) for i in range(n)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    for task in pending:
        task.cancel()
    return sum(1 for task in done if task.exception() is None)


async def gather(n, delay):
    results = await asyncio.gather(*(job(i, delay) for i in range(n)))
    return len(results)


async def as_completed(n, delay):
    tasks = [asyncio.create_task(job(i, delay)) for i in range(n)]
    received = 0
    for next_done in asyncio.as_completed(tasks):
        await next_done
        received += 1
    return received


async def scraper(n, delay):
    # The scraper's loop: results as they arrive, under one overall deadline.
    tasks = [asyncio.create_task(job(i, delay)) for i in range(n)]
    received = 0
    try:
        async with asyncio.timeout(NO_DEADLINE):
            for next_done in asyncio.as_completed(tasks):
                await next_done
                received += 1
    except TimeoutError:
        pass
    pending = [i for i, task in enumerate(tasks) if not task.done()]
    for i in pending:
        tasks[i].cancel()
    return received


async def to_thread(n, delay):
    # Each job's blocking work on the default executor's threads (min(32, cores + 4) of
    # them), gathered in input order.
    results = await asyncio.gather(*(asyncio.to_thread(blocking_job, i, delay) for i in range(n)))
    return len(results)


async def queue_worker(queue, delay, results):
    # The docs example's worker: take the next job, run it, mark it done; until cancelled.
    while True:
        i = await queue.get()
        try:
            results.append(await job(i, delay))
        except Exception as err:
            results.append(err)
        queue.task_done()


async def drain(queue, n, delay, put):
    # The workers first, then the jobs put (`put` waits while a bounded queue is full),
    # then asyncio's end of a queue: wait until every job is done, cancel the idle workers.
    results = []
    workers = [asyncio.create_task(queue_worker(queue, delay, results)) for _ in range(QUEUE_WORKERS)]
    await put(queue, n)
    await queue.join()
    for worker in workers:
        worker.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return sum(1 for result in results if not isinstance(result, Exception))


async def put_nowait_all(queue, n):
    for i in range(n):
        queue.put_nowait(i)


async def put_all(queue, n):
    for i in range(n):
        await queue.put(i)


async def queue_workers(n, delay):
    # Unbounded: every job put before the workers take the first.
    return await drain(asyncio.Queue(), n, delay, put_nowait_all)


async def queue_bounded(n, delay):
    return await drain(asyncio.Queue(QUEUE_MAXSIZE), n, delay, put_all)


PATTERNS = {
    "bare": bare,
    "manual-await": manual_await,
    "task-group": task_group,
    "wait": wait,
    "gather": gather,
    "as-completed": as_completed,
    "scraper": scraper,
    "to-thread": to_thread,
    "queue": queue_workers,
    "queue-bounded": queue_bounded,
}


def status_kib(key):
    """A kB line of /proc/self/status, e.g. VmRSS; 0 where there is none."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak():
    """Resets VmHWM to the current resident memory (Linux 4.0 and later)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass


async def window(pattern, n, delay):
    # Warm up the loop the way the Rust side warms up its runtime: one empty task.
    await asyncio.create_task(asyncio.sleep(0))
    reset_peak()
    baseline = status_kib("VmRSS:")
    start = time.perf_counter_ns()
    received = await pattern(n, delay)
    elapsed = time.perf_counter_ns() - start
    peak = max(status_kib("VmHWM:"), status_kib("VmRSS:"))
    return {
        "elapsed_ns": elapsed,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "received": received,
        "threads": threads(),
    }


def threads():
    """The process's OS threads, by name, with how many of each (Linux)."""
    names = {}
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/comm") as comm:
                name = comm.read().strip()
            names[name] = names.get(name, 0) + 1
    except OSError:
        pass
    return names


async def overshoots(period, count):
    for _ in range(3):
        await asyncio.sleep(period)
    late = []
    for _ in range(count):
        start = time.perf_counter()
        await asyncio.sleep(period)
        late.append(max(0.0, time.perf_counter() - start - period))
    late.sort()
    p99 = late[max(0, min(len(late) - 1, math.ceil(0.99 * len(late)) - 1))] if late else 0.0
    mean = sum(late) / len(late) if late else 0.0
    return {"mean_us": mean * 1e6, "p99_us": p99 * 1e6}


def run(loop_name, main):
    if loop_name == "uvloop":
        try:
            import uvloop
        except ImportError:
            sys.exit("uvloop is not installed: pip install uvloop")
        if hasattr(uvloop, "run"):
            return uvloop.run(main)
        uvloop.install()  # uvloop before 0.18
    return asyncio.run(main)


def versions():
    try:
        import uvloop

        uv = uvloop.__version__
    except ImportError:
        uv = None
    return {"python": sys.version.split()[0], "implementation": sys.implementation.name, "uvloop": uv}


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    measure = commands.add_parser("measure", help="one run of a pattern; prints one JSON line")
    measure.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    measure.add_argument("--pattern", choices=sorted(PATTERNS), required=True)
    measure.add_argument("--jobs", type=int, required=True)
    measure.add_argument("--delay-ms", type=float, default=0.0)
    timer = commands.add_parser("timer", help="how late asyncio.sleep wakes; prints one JSON line")
    timer.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    timer.add_argument("--ms", type=float, required=True)
    timer.add_argument("--count", type=int, default=200)
    commands.add_parser("versions", help="the Python and uvloop versions, as JSON")
    return parser.parse_args()


def main():
    if sys.version_info < (3, 11):
        sys.exit("error: the benchmark needs Python 3.11 or newer")
    args = parse()
    if args.command == "versions":
        result = versions()
    elif args.command == "measure":
        pattern = PATTERNS[args.pattern]
        result = run(args.loop, window(pattern, args.jobs, args.delay_ms / 1000.0))
    else:
        result = run(args.loop, overshoots(args.ms / 1000.0, args.count))
    print(json.dumps(result))
    sys.stdout.flush()
    # Skip the interpreter's teardown of a million objects: the measurement is printed.
    os._exit(0)


if __name__ == "__main__":
    main()
