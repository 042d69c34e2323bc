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

/// How long a snippet waits for what it expects, and before it concludes that something
/// does not happen: the Rust probes' `PATIENCE` and `QUIET`.
const WAITS: &str = "PATIENCE, QUIET = 30.0, 0.2\n";

const BLOCKING_CALL: &str = r#"
import asyncio, threading, time
ran = []
async def other():
    ran.append(threading.get_ident())
async def blocker():
    asyncio.create_task(other())  # ready to run from now on
    time.sleep(QUIET)             # the blocking call
    return bool(ran)
async def main():
    ran_while_blocked = await asyncio.create_task(blocker())
    await asyncio.sleep(0)
    if not ran_while_blocked and ran == [threading.get_ident()]:
        print("every other task: the loop's one thread is blocked")
    else:
        print(f"unexpected: ran while blocked: {ran_while_blocked}, ran: {ran}")
asyncio.run(main())
"#;

const NEVER_YIELDS: &str = r#"
import asyncio, threading, time
async def spin(spinning, stop, ended):
    spinning.set()
    start = time.monotonic()
    while not stop.is_set() and time.monotonic() - start < PATIENCE:
        pass  # no await
    ended.set()
    return 7
async def spin_yielding(ended):
    start = time.monotonic()
    while time.monotonic() - start < PATIENCE:
        await asyncio.sleep(0)
    ended.set()
    return 7
def later(spinning, stop, action=None):
    # Another thread: once the loop spins, it asks for the cancel, then stops the loop.
    def run():
        spinning.wait(PATIENCE)
        if action:
            action()
        time.sleep(QUIET)
        stop.set()
    threading.Thread(target=run).start()
def when(ended, what):
    return f"only when the loop ends ({what})" if ended.is_set() else f"while the loop runs ({what})"
async def main():
    loop = asyncio.get_running_loop()
    spinning, stop, ended = threading.Event(), threading.Event(), threading.Event()
    later(spinning, stop)
    try:
        await asyncio.wait_for(spin(spinning, stop, ended), 0.02)
        timeout = when(ended, "its result")
    except TimeoutError:
        timeout = when(ended, "`TimeoutError`")
    spinning, stop, ended = threading.Event(), threading.Event(), threading.Event()
    task = asyncio.create_task(spin(spinning, stop, ended))
    later(spinning, stop, lambda: loop.call_soon_threadsafe(task.cancel))
    try:
        await task
        cancel = when(ended, "its result")
    except asyncio.CancelledError:
        cancel = when(ended, "`CancelledError`")
    ended = threading.Event()
    try:
        await asyncio.wait_for(spin_yielding(ended), 0.02)
        timed_out = False
    except TimeoutError:
        timed_out = True
    ended_too = threading.Event()
    task = asyncio.create_task(spin_yielding(ended_too))
    await asyncio.sleep(0.02)
    task.cancel()
    try:
        await task
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    stops = timed_out and cancelled and not ended.is_set() and not ended_too.is_set()
    yielding = ("`await asyncio.sleep(0)` in the loop lets both stop it" if stops
                else "even with `await asyncio.sleep(0)` in the loop, they do not stop it")
    t, c = timeout.split(" (", 1), cancel.split(" (", 1)
    if t[0] == c[0] == "only when the loop ends":
        print(f"no: `wait_for` returns {t[0]} ({t[1]}, and so does `await task` after `cancel()` ({c[1]}; {yielding}")
    else:
        print(f"`wait_for` returns {timeout}; `await task` after `cancel()` returns {cancel}; {yielding}")
asyncio.run(main())
"#;

const BLOCKING_TIMEOUT: &str = r#"
import asyncio, threading, time
class Held:
    # Blocking work held at a gate until the probe lets it go.
    def __init__(self):
        self.started, self.release, self.finished = threading.Event(), threading.Event(), threading.Event()
    def work(self):
        self.started.set()
        self.release.wait(PATIENCE)
        self.finished.set()
        return 7
async def main():
    work = Held()
    try:
        await asyncio.wait_for(asyncio.to_thread(work.work), 0.05)
        returned = False
    except TimeoutError:
        returned = not work.finished.is_set()
    work.release.set()
    finished = await asyncio.to_thread(work.finished.wait, PATIENCE)
    if returned and finished:
        timeout = "no: `wait_for` raises `TimeoutError`, the thread runs to its end"
    else:
        timeout = f"`wait_for` returned while the work ran: {returned}; the work finished: {finished}"
    work = Held()
    task = asyncio.create_task(asyncio.to_thread(work.work))
    await asyncio.to_thread(work.started.wait, PATIENCE)
    task.cancel()
    try:
        await asyncio.wait_for(task, PATIENCE)
        result = "its result"
    except asyncio.CancelledError:
        result = "`CancelledError`"
    early = not work.finished.is_set()
    work.release.set()
    finished = await asyncio.to_thread(work.finished.wait, PATIENCE)
    if early and finished:
        cancel = f"`await task` after `cancel()` returns at once ({result}), the thread runs on"
    elif finished:
        cancel = f"`await task` after `cancel()` waits for its end ({result})"
    else:
        cancel = f"`await task` after `cancel()`: the work never finishes ({result})"
    return timeout, cancel
timeout, cancel = asyncio.run(main())
# Blocking work still running when the coroutine given to `asyncio.run` returns. Another
# thread looks, while the work is held, whether `asyncio.run` has returned, then lets it go.
work, returned, looked = Held(), threading.Event(), []
async def leave_it_running():
    asyncio.get_running_loop().run_in_executor(None, work.work)
def look():
    work.started.wait(PATIENCE)
    time.sleep(QUIET)
    looked.append(returned.is_set())
    work.release.set()
threading.Thread(target=look).start()
asyncio.run(leave_it_running())
returned.set()
if looked == [False] and work.finished.is_set():
    exit_ = "`asyncio.run` waits for it at exit"
else:
    exit_ = f"`asyncio.run` returned while it ran: {looked}; finished: {work.finished.is_set()}"
print(f"{timeout}; {cancel}; {exit_}")
"#;

const BLOCKING_POOL: &str = r#"
import asyncio, concurrent.futures, os, threading
cores = (getattr(os, "process_cpu_count", None) or os.cpu_count)() or 1
DEFAULT = min(32, cores + 4)
async def at_once(expected):
    # expected + 1 works that block until the probe lets them go: how many run at once.
    loop = asyncio.get_running_loop()
    gate, lock, running = threading.Event(), threading.Lock(), [0]
    def work():
        with lock:
            running[0] += 1
        gate.wait(PATIENCE)
    works = [loop.run_in_executor(None, work) for _ in range(expected + 1)]
    for _ in range(int(PATIENCE / 0.01)):
        if running[0] >= expected:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(QUIET)
    seen = running[0]
    gate.set()
    await asyncio.gather(*works)
    return seen
async def main():
    default = await at_once(DEFAULT)
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(3))
    small = await at_once(3)
    if default == DEFAULT:
        default = "min(32, cores + 4) threads"
    else:
        default = f"{default} threads, with {cores} cores"
    print(f"{default}; `loop.set_default_executor(ThreadPoolExecutor(3))` gives {small}")
asyncio.run(main())
"#;

const TOKIO_ELSEWHERE: &str = r#"
import asyncio, threading
# No tokio here: the analogue is an object of another event loop (as a library tied to
# trio is to asyncio): a future of a loop running in another thread.
other = asyncio.new_event_loop()
threading.Thread(target=other.run_forever, daemon=True).start()
async def main():
    try:
        await other.create_future()
        bare = "awaited"
    except RuntimeError as error:
        bare = ("another loop's future raises `RuntimeError` (\"attached to a different loop\")"
                if "attached to a different loop" in str(error) else f"`RuntimeError`: {error}")
    ran = await asyncio.wrap_future(
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0.01, result=7), other))
    fix = ("`run_coroutine_threadsafe(c, that_loop)` runs it there" if ran == 7
           else f"`run_coroutine_threadsafe` gave {ran}")
    print(f"one loop, so no such split; the analogue: {bare}; {fix}")
asyncio.run(main())
other.call_soon_threadsafe(other.stop)
"#;

const CTRL_C: &str = r#"
import signal, subprocess, sys
# The interrupted program: two tasks with an async cleanup and a `finally`, and a main task
# that waits; it says "ready" once the tasks have started.
CHILD = """
import asyncio
async def job():
    try:
        await asyncio.sleep(PATIENCE)
        print("finished", flush=True)
    except asyncio.CancelledError:
        await asyncio.sleep(0)  # an async cleanup
        print("cleanup", flush=True)
        raise
    finally:
        print("finally", flush=True)
async def main():
    tasks = [asyncio.create_task(job()) for _ in range(2)]
    await asyncio.sleep(0)  # both tasks have started: they wait in their sleep
    print("ready", flush=True)
    try:
        await asyncio.sleep(PATIENCE)
    except asyncio.CancelledError:
        print("main cancelled", flush=True)
        raise
asyncio.run(main())
print("main returned", flush=True)
"""
def default_sigint():
    # The child starts as from a terminal, with SIGINT at its default (which Python turns
    # into KeyboardInterrupt), even where the probes run with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
child = subprocess.Popen(
    [sys.executable, "-c", f"PATIENCE = {PATIENCE}\n{CHILD}"],
    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    preexec_fn=default_sigint)
ready, hung = False, False
try:
    ready = child.stdout.readline().strip() == "ready"
    if ready:
        child.send_signal(signal.SIGINT)  # a real SIGINT, as `kill -INT` sends
        try:
            child.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            hung = True
finally:
    # No child is left behind, whatever happened.
    if child.poll() is None:
        child.kill()
    child.wait()
after = child.stdout.read().splitlines()
errors = child.stderr.read().strip().splitlines()
raised = errors[-1] if errors else "nothing"
if not ready:
    print("the child never said it was ready")
elif hung:
    print("still running 30 s after the signal")
else:
    if child.returncode == -signal.SIGINT:
        ended = "it prints its traceback and ends the process by SIGINT (a shell's 130)"
    else:
        ended = f"the process exits with {child.returncode}"
    cleaned = after.count("cleanup") == 2 and after.count("finally") == 2
    if (after[:1] == ["main cancelled"] and cleaned and raised == "KeyboardInterrupt"
            and "finished" not in after and "main returned" not in after):
        print("the main task is cancelled, every task's `except CancelledError:` (even async) "
              f"and `finally:` run, then `asyncio.run` raises `KeyboardInterrupt`: uncaught, {ended}")
    else:
        print(f"printed {after}, raised {raised!r}; {ended}")
"#;

const NESTED_CANCEL: &str = r#"
import asyncio
class Child:
    # A child task that waits until the probe releases it, then completes.
    def __init__(self):
        self.started, self.release, self.completed = asyncio.Event(), asyncio.Event(), False
    def spawn(self, create=asyncio.create_task):
        self.task = create(self.run())  # the reference a program must keep
        return self.task
    async def run(self):
        self.started.set()
        await self.release.wait()
        self.completed = True
async def cancelled_parent(body, children):
    # Cancels the parent once its children have started and awaits it; only then releases
    # the children: one that completes ran on, one that raised `CancelledError` was cancelled.
    parent = asyncio.create_task(body())
    for child in children:
        await asyncio.wait_for(child.started.wait(), PATIENCE)
    parent.cancel()
    try:
        await parent
    except asyncio.CancelledError:
        pass
    fates = []
    for child in children:
        child.release.set()
        await asyncio.wait([child.task], timeout=PATIENCE)
        fates.append("ran on" if child.completed else
                     "cancelled" if child.task.cancelled() else "stuck")
    return fates
async def main():
    awaited, other = Child(), Child()
    async def parent():
        other.spawn()
        await awaited.spawn()
    plain = await cancelled_parent(parent, [awaited, other])
    grouped = [Child(), Child()]
    async def parent_with_group():
        async with asyncio.TaskGroup() as group:
            for child in grouped:
                child.spawn(group.create_task)
    group = await cancelled_parent(parent_with_group, grouped)
    if plain == ["cancelled", "ran on"]:
        plain = "run on, except the one it was awaiting (the cancel passes down its `await`)"
    else:
        plain = f"the child it awaited: {plain[0]}, the other one: {plain[1]}"
    if group == ["cancelled", "cancelled"]:
        group = "a `TaskGroup` cancels them"
    else:
        group = f"in a `TaskGroup`: {group}"
    print(f"{plain}; {group}")
asyncio.run(main())
"#;

const WORKER_PANIC: &str = r#"
import asyncio, gc
done = []
async def worker(queue):
    # The docs' worker: `task_done()` after the work, which raises for item 4.
    while True:
        item = await queue.get()
        await asyncio.sleep(0)  # mid-item
        if item == 4:
            raise RuntimeError("item 4")
        done.append(item)
        queue.task_done()
async def until(condition):
    for _ in range(int(PATIENCE / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()
async def main():
    logged = []
    asyncio.get_running_loop().set_exception_handler(
        lambda loop, context: logged.append(context.get("message") or ""))
    queue = asyncio.Queue()
    workers = [asyncio.create_task(worker(queue)) for _ in range(3)]
    # The items up to the one that raises, then, once a worker has died, the rest.
    for item in range(5):
        queue.put_nowait(item)
    await until(lambda: any(w.done() for w in workers))
    for item in range(5, 9):
        queue.put_nowait(item)
    drained = await until(lambda: sorted(done) == [0, 1, 2, 3, 5, 6, 7, 8])
    dead = [w for w in workers if w.done()]
    try:
        await asyncio.wait_for(queue.join(), QUIET)
        joined = "returns"
    except TimeoutError:
        joined = "waits forever"
    silent = not logged
    # The docs' ending: cancel the workers, then gather them.
    for w in workers:
        w.cancel()
    results = await asyncio.gather(*workers, return_exceptions=True)
    returned = sum(isinstance(r, RuntimeError) for r in results)
    # A worker task nobody awaits: its exception is logged when the task is collected.
    lone = asyncio.Queue()
    task = asyncio.create_task(worker(lone))
    lone.put_nowait(4)
    await until(task.done)
    del task
    gc.collect()
    collected = any("never retrieved" in m for m in logged)
    if (len(dead) == 1 and drained and 4 not in done and joined == "waits forever"
            and silent and returned == 1 and collected):
        print("the task ends with the exception; the others drain the rest; its item is lost "
              "and `await queue.join()` waits forever (no `task_done()`); awaiting the task "
              "raises it (the docs' `gather(..., return_exceptions=True)` returns it, unraised), "
              "else 'Task exception was never retrieved' when collected")
    else:
        print(f"dead: {len(dead)}, done: {sorted(done)}, `queue.join()` {joined}, logged "
              f"before: {not silent}, returned by gather: {returned}, logged when "
              f"collected: {collected}")
asyncio.run(main())
"#;

const RECEIVER_DROPPED: &str = r#"
import asyncio
async def main():
    unbounded, full = asyncio.Queue(), asyncio.Queue(maxsize=1)
    for queue in (unbounded, full):
        # The queue's only reader takes one item and is gone.
        reader = asyncio.create_task(queue.get())
        await queue.put(0)
        await reader
    for item in range(10_000):
        await unbounded.put(item)
    kept_all = unbounded.qsize() == 10_000
    await full.put(1)
    try:
        await asyncio.wait_for(full.put(2), QUIET)
        waits = False
    except TimeoutError:
        waits = True
    if kept_all and waits:
        print("no: a `Queue` knows no readers: `put` succeeds forever on an unbounded one, "
              "waits forever on a full one")
    else:
        print(f"unbounded: kept {unbounded.qsize()} items; full: `put` waits: {waits}")
asyncio.run(main())
"#;

const CAPACITY_ZERO: &str = r#"
import asyncio
def returns_at_once(put):
    # Runs the coroutine by hand: `StopIteration` at its first step means it never waited.
    try:
        put.send(None)
    except StopIteration:
        return True
    put.close()
    return False
async def main():
    zero, negative = asyncio.Queue(maxsize=0), asyncio.Queue(maxsize=-1)
    never_waits = all(returns_at_once(queue.put(item))
                      for queue in (zero, negative) for item in range(10_000))
    unbounded = all(q.qsize() == 10_000 and not q.full() for q in (zero, negative))
    if never_waits and unbounded and asyncio.Queue().maxsize == 0:
        print("no limit: `maxsize=0`, the default (or less), means unbounded; `put` never waits")
    else:
        print(f"sizes {zero.qsize()}, {negative.qsize()}; `put` never waited: {never_waits}")
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
        "blocking-call" => BLOCKING_CALL,
        "never-yields" => NEVER_YIELDS,
        "blocking-timeout" => BLOCKING_TIMEOUT,
        "blocking-pool" => BLOCKING_POOL,
        "tokio-elsewhere" => TOKIO_ELSEWHERE,
        "ctrl-c" => CTRL_C,
        "nested-cancel" => NESTED_CANCEL,
        "worker-panic" => WORKER_PANIC,
        "receiver-dropped" => RECEIVER_DROPPED,
        "capacity-zero" => CAPACITY_ZERO,
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
    let program = format!("{WAITS}{program}");
    let output = Command::new(python)
        .args(["-c", &program, argument])
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
