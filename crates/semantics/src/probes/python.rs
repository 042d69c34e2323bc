//! The probes on CPython's asyncio: small Python programs, run with `python3` 3.11 or
//! newer, that print what they saw in the same words as the Rust probes where the
//! behaviour is the same.

use std::process::Command;

const DROPPED_HANDLE: &str = r#"
import asyncio, gc
ran = []
async def job():
    await asyncio.sleep(0.05)
    ran.append(1)
async def main():
    asyncio.create_task(job())  # the task object is not kept
    gc.collect()
    await asyncio.sleep(0.6)
    print("detached: the task runs on to its end" if ran else "the task was collected before its end")
asyncio.run(main())
"#;

const MAIN_RETURNS: &str = r#"
import asyncio
seen = []
async def job():
    try:
        await asyncio.sleep(0.5)
        seen.append("finished")
    except asyncio.CancelledError:
        await asyncio.sleep(0)  # async code still runs here
        seen.append("cancelled")
        raise
    finally:
        seen.append("finally")
async def main():
    asyncio.create_task(job())
    await asyncio.sleep(0.05)
asyncio.run(main())
if "finished" in seen:
    print("main waits: the task runs to its end")
elif "cancelled" in seen and "finally" in seen:
    print("cancelled by `asyncio.run`: `except CancelledError` (even async) and `finally` run")
else:
    print("abandoned at exit: its `finally` never runs")
"#;

const CANCELLER: &str = r#"
import asyncio
async def seven():
    return 7
async def main():
    task = asyncio.create_task(asyncio.sleep(10))
    await asyncio.sleep(0)
    task.cancel()
    try:
        await task
        running = "returned"
    except asyncio.CancelledError:
        running = "raised"
    done = asyncio.create_task(seven())
    await asyncio.sleep(0.05)
    done.cancel()
    result = await done
    if running == "raised" and result == 7:
        print("`cancel()`, then `await task` raises `CancelledError` (the result if it had finished)")
    else:
        print(f"unexpected: {running}, {result}")
asyncio.run(main())
"#;

const ASYNC_CLEANUP: &str = r#"
import asyncio
cleaned = []
async def job():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        await asyncio.sleep(0.01)
        cleaned.append(1)
        raise
async def main():
    task = asyncio.create_task(job())
    await asyncio.sleep(0.05)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    print("yes: `except CancelledError:` can `await` a cleanup, then re-raise" if cleaned else "no: the cleanup did not run")
asyncio.run(main())
"#;

const PANIC_AWAITED: &str = r#"
import asyncio
async def boom():
    raise RuntimeError("boom")
async def main():
    task = asyncio.create_task(boom())
    try:
        await task
        print("unexpected: no exception")
    except RuntimeError:
        print("re-raised: `await task` raises it in the awaiter")
asyncio.run(main())
"#;

const PANIC_UNAWAITED: &str = r#"
import asyncio, gc
seen = []
async def boom():
    raise RuntimeError("boom")
async def one():
    return 1
async def main():
    asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: seen.append(ctx.get("message")))
    task = asyncio.create_task(boom())
    await asyncio.sleep(0.05)
    del task
    gc.collect()
    alive = await asyncio.create_task(one()) == 1
    if not alive:
        print("the loop stops running tasks")
    elif any("never retrieved" in (m or "") for m in seen):
        print("lost: logged as 'Task exception was never retrieved' when collected; the loop goes on")
    else:
        print("lost silently; the loop goes on")
asyncio.run(main())
"#;

const GATHER_SIBLINGS: &str = r#"
import asyncio
ran = []
async def slow():
    await asyncio.sleep(0.1)
    ran.append(1)
async def fail():
    raise RuntimeError("fail")
async def main():
    try:
        await asyncio.gather(fail(), slow())
        print("the gather did not fail")
        return
    except RuntimeError:
        pass
    await asyncio.sleep(0.6)
    print("keep running: `gather` does not cancel them" if ran else "cancelled by `gather`")
asyncio.run(main())
"#;

const TIMEOUT_SPAWNED: &str = r#"
import asyncio
ran = []
async def slow():
    await asyncio.sleep(0.1)
    ran.append(1)
async def main():
    task = asyncio.create_task(slow())
    try:
        await asyncio.wait_for(task, 0.02)
        print("the timeout did not fire")
        return
    except TimeoutError:
        pass
    await asyncio.sleep(0.6)
    print("the task keeps running" if ran else "the task is cancelled: `wait_for` cancels what it waits for")
asyncio.run(main())
"#;

const TIMER: &str = r#"
import asyncio, selectors, sys, time
requested = float(sys.argv[1])
async def main():
    fastest = float("inf")
    for _ in range(200):
        start = time.perf_counter()
        await asyncio.sleep(requested)
        fastest = min(fastest, time.perf_counter() - start)
    if fastest < requested:
        print("can end early")
    elif requested >= 0.001:
        print("never early: at least the 1 ms asked")
    else:
        # A sleep ends when the loop's selector wait does. Time that wait itself: a
        # sleep can end sooner only when the loop was too busy to wait at all.
        selector = selectors.DefaultSelector()
        waits = []
        for _ in range(20):
            start = time.perf_counter()
            selector.select(requested)
            waits.append(time.perf_counter() - start)
        if min(waits) >= 0.001:
            print("rounded up to whole milliseconds (the loop's selector wait)")
        else:
            print("sub-millisecond: can end well under 1 ms")
asyncio.run(main())
"#;

const THREADS: &str = r#"
import asyncio, threading
seen = set()
async def work():
    seen.add(threading.get_ident())
    await asyncio.sleep(0.01)
async def main():
    await asyncio.gather(*(work() for _ in range(24)))
    print("one thread: the event loop's" if len(seen) == 1 else f"{len(seen)} threads")
asyncio.run(main())
"#;

const DEADLINE_ZERO: &str = r#"
import asyncio
started = []
async def job(name):
    started.append(name)
    await asyncio.sleep(0)
    return name
async def main():
    try:
        await asyncio.wait_for(job("waited"), 0)
        waited = "returned"
    except TimeoutError:
        waited = "timed out"
    results = []
    try:
        async with asyncio.timeout(0):
            results.append(await job("first"))
            results.append(await job("second"))
        scoped = "returned"
    except TimeoutError:
        scoped = "timed out"
    if waited == "timed out" and "waited" not in started:
        wait_for = "`wait_for(c, 0)`: c never starts; `TimeoutError`"
    else:
        wait_for = f"`wait_for(c, 0)`: {waited}, c started: {'waited' in started}"
    if scoped == "timed out" and started[-1:] == ["first"] and results == []:
        scope = ("`async with timeout(0)`: the body runs to its first suspension (even "
                 "`sleep(0)`), then is cancelled; `TimeoutError`")
    else:
        scope = f"`async with timeout(0)`: {scoped}, steps started {started}, results {results}"
    print(f"{wait_for}. {scope}")
asyncio.run(main())
"#;

const SAME_INSTANT: &str = r#"
import asyncio
async def main():
    kept = True
    for _ in range(5):
        ended = []
        async def job(i):
            await asyncio.sleep(0.02)
            ended.append(i)
        await asyncio.gather(*(job(i) for i in range(20)))
        kept = kept and ended == list(range(20))
    print("in the order set: one thread, and the loop runs due timers in deadline order" if kept else "no order")
asyncio.run(main())
"#;

/// The program for each row; each prints one line, its fact.
fn program(row: &str) -> Option<&'static str> {
    Some(match row {
        "dropped-handle" => DROPPED_HANDLE,
        "main-returns" => MAIN_RETURNS,
        "canceller" => CANCELLER,
        "async-cleanup" => ASYNC_CLEANUP,
        "panic-awaited" => PANIC_AWAITED,
        "panic-unawaited" => PANIC_UNAWAITED,
        "gather-siblings" => GATHER_SIBLINGS,
        "timeout-spawned" => TIMEOUT_SPAWNED,
        "timer-1ms" | "timer-100us" => TIMER,
        "threads" => THREADS,
        "deadline-zero" => DEADLINE_ZERO,
        "same-instant" => SAME_INSTANT,
        _ => return None,
    })
}

/// Runs the row's Python program; `None` when no `python3` 3.11+ is on the `PATH`.
pub fn probe(row: &str) -> Option<String> {
    let python = crate::python()?;
    let Some(program) = program(row) else {
        return Some(format!("no probe for {row}"));
    };
    let argument = match row {
        "timer-1ms" => "0.001",
        "timer-100us" => "0.0001",
        _ => "",
    };
    let output = Command::new(python)
        .args(["-c", program, argument])
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() {
        Some(stdout.trim().to_owned())
    } else {
        Some(format!(
            "python failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
