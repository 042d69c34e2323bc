#!/usr/bin/env python3
"""What CPython's asyncio does with the contract's jobs: the reference the Rust examples match.

Runs one pattern's scenario on the same simulated jobs as the Rust examples and prints the
same `--json` report (runtime "asyncio"), so that the examples can be compared with CPython
itself:

    python3 scripts/python/reference.py gather --delays 0.2,0.1,0.3 --fail 1 --json

Needs Python 3.11 or newer (asyncio.TaskGroup and asyncio.timeout). Patterns covered so far:
gather. The command line follows the examples' for the flags these patterns use; unlike the
examples, it trusts its input (it is a test oracle, not a teaching example).
"""

import argparse
import asyncio
import json
import sys
import threading
import time


class JobError(Exception):
    """A job's failure (`--fail`) or its stand-in for a Rust panic (`--panic`)."""

    def __init__(self, job, kind):
        super().__init__(f"job {job} {kind}")
        self.job = job


class Log:
    """The event log: time since the pattern started, and the thread's name."""

    def __init__(self):
        self.start = time.monotonic()
        self.events = []

    def record(self, job, event):
        self.events.append({
            "t_ms": round((time.monotonic() - self.start) * 1000, 3),
            "job": job,
            "event": event,
            "thread": threading.current_thread().name,
        })

    def elapsed_ms(self):
        return round((time.monotonic() - self.start) * 1000, 3)


async def job(log, i, delay, ending):
    """The tutorials' fetch(): start, sleep, then return, fail or 'panic'."""
    log.record(i, "started")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log.record(i, "cancelled")
        raise
    if ending == "fail":
        log.record(i, "failed")
        raise JobError(i, "failed")
    if ending == "panic":
        log.record(i, "panicked")
        raise JobError(i, "panicked")
    log.record(i, "finished")
    return f"job {i} result"


async def cancel_the_rest():
    """What asyncio.run does when main returns: cancel every other task, and wait for it."""
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


async def gather(args, log, report):
    coros = [job(log, i, d, ending(args, i)) for i, d in enumerate(args.delays)]
    if args.scenario == "default":
        try:
            results = await asyncio.gather(*coros)
            report["results"] = [{"job": i, "ok": r} for i, r in enumerate(results)]
        except JobError as err:
            raised(report, err)
    elif args.scenario == "return-exceptions":
        results = await asyncio.gather(*coros, return_exceptions=True)
        report["results"] = [
            {"job": i, "err": str(r)} if isinstance(r, Exception) else {"job": i, "ok": r}
            for i, r in enumerate(results)
        ]
    elif args.scenario == "sequential":
        try:
            results = []
            for coro in coros:
                results.append(await coro)
            report["results"] = [{"job": i, "ok": r} for i, r in enumerate(results)]
        except JobError as err:
            raised(report, err)
        finally:
            for coro in coros:
                coro.close()  # the coroutines never awaited: they never start
    else:
        sys.exit(f"error: unknown scenario {args.scenario!r}")


PATTERNS = {"gather": (gather, "default")}


def raised(report, err):
    report["outcome"] = "error"
    report["error"] = str(err)
    report["failed_jobs"] = [err.job]


def ending(args, i):
    if i in args.panic:
        return "panic"
    if i in args.fail:
        return "fail"
    return "succeed"


def indices(text):
    return [int(x) for x in text.split(",")]


def seconds_list(text):
    return [float(x) for x in text.split(",")]


async def main(args):
    pattern, default_scenario = PATTERNS[args.pattern]
    args.scenario = args.scenario or default_scenario
    log = Log()
    report = {
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
    await pattern(args, log, report)
    report["elapsed_ms"] = log.elapsed_ms()
    # The program ends here: whatever still runs is cancelled, as asyncio.run would.
    await cancel_the_rest()
    report["events"] = log.events
    print(json.dumps(report, indent=2))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pattern", choices=sorted(PATTERNS))
    parser.add_argument("--scenario")
    parser.add_argument("--delays", type=seconds_list)
    parser.add_argument("--tasks", type=int)
    parser.add_argument("--delay", type=float)
    parser.add_argument("--fail", type=indices, default=[])
    parser.add_argument("--panic", type=indices, default=[])
    parser.add_argument("--timeout", type=float)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.delays is None:
        args.delays = [args.delay] * args.tasks if args.tasks else [2.0, 1.0, 3.0]
    return args


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        sys.exit("error: the asyncio reference needs Python 3.11 or newer")
    asyncio.run(main(parse()))
