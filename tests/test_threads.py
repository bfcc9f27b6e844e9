"""csigmoid called from many Python threads at once, from inside an OpenMP
parallel region, and under thread limits: same bits as serial calls, and a
bounded number of OS threads.  (That the GIL is released during the kernel is
tests/test_api.py's test_kernel_call_releases_the_gil.)"""

import asyncio
import contextvars
import ctypes
import os
import random
import signal
import sys
import sysconfig
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import csigmoid
from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_backward, sigmoid_derivative
from csigmoid._cpu import features
from csigmoid._parallel import policy, testing

from layouts import KERNEL_DTYPES, assert_identical, dtype_id, sample_values

LARGE = 70_001  # split between two OpenMP threads, with an odd tail


def read_only(a):
    a = np.array(a)
    a.flags.writeable = False
    return a


def calls(dtype):
    """name -> (function, positional inputs, number of outputs), on read-only
    inputs shared by every thread: small and large, every function."""
    small = sample_values(dtype)
    rng = np.random.default_rng(11)
    large = rng.uniform(-120, 120, LARGE).astype(dtype)
    table = {}
    for size, x in (("small", small), ("large", large)):
        x = read_only(x)
        y = read_only(sigmoid(x))
        table[f"sigmoid-{size}"] = (sigmoid, (x,), 1)
        table[f"sigmoid_derivative-{size}"] = (sigmoid_derivative, (x,), 1)
        table[f"sigmoid_and_derivative-{size}"] = (sigmoid_and_derivative, (x,), 2)
        table[f"sigmoid_backward-{size}"] = (sigmoid_backward, (x[::-1], y), 1)
    return table


def call_all(table, use_out):
    results = {}
    for name, (func, inputs, n_out) in table.items():
        if use_out:
            outs = tuple(np.empty_like(inputs[-1]) for _ in range(n_out))
            result = func(*inputs, out=outs if n_out == 2 else outs[0])
        else:
            result = func(*inputs)
        results[name] = result if n_out == 2 else (result,)
    return results


def thread_ids():
    try:
        return set(os.listdir("/proc/self/task"))
    except OSError:
        pytest.skip("counting a process's threads needs Linux's /proc")


def thread_count():
    return len(thread_ids())


@pytest.mark.parametrize("workers", [8, 64])
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_concurrent_calls_give_the_serial_results(dtype, workers):
    table = calls(dtype)
    serial = call_all(table, use_out=False)
    start = threading.Barrier(workers)

    def work(i):
        start.wait()  # every thread enters csigmoid at the same moment
        return call_all(table, use_out=i % 2 == 0)

    with ThreadPoolExecutor(workers) as pool:
        per_thread = list(pool.map(work, range(workers)))
    for results in per_thread:
        for name, outputs in results.items():
            for actual, expected in zip(outputs, serial[name]):
                assert_identical(actual, expected)


def test_free_threaded_build_turns_the_gil_back_on():
    """csigmoid does not declare itself free-threading compatible (the tests
    of this file have not run without a GIL), so on a free-threaded CPython
    importing it re-enables the GIL, and these tests run with it."""
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        pytest.skip("not a free-threaded CPython build")
    if sys.flags.gil == 0 or os.environ.get("PYTHON_GIL") == "0":
        pytest.skip("the GIL was forced off (PYTHON_GIL=0 or -X gil=0): untested territory")
    assert sys._is_gil_enabled()


def test_threads_are_bounded_by_callers_times_openmp_threads():
    """Each Python thread that calls csigmoid on a large array gets its own
    OpenMP team (libgomp keeps one pool per calling thread): at most
    max_threads() - 1 extra threads per caller, none under csigmoid.threads(1)."""
    callers = 8
    x = read_only(np.linspace(-5, 5, 1 << 20))
    for limit, extra_per_caller in ((1, 0), (None, features.max_threads() - 1)):
        computed = threading.Barrier(callers + 1)
        counted = threading.Barrier(callers + 1)

        def work(limit=limit, computed=computed, counted=counted):
            with csigmoid.threads(limit):
                sigmoid(x)
            computed.wait()
            counted.wait()  # keep the thread, and so its OpenMP pool, alive while counted

        before = thread_count()
        threads = [threading.Thread(target=work) for _ in range(callers)]
        for t in threads:
            t.start()
        computed.wait()
        during = thread_count()
        counted.wait()
        for t in threads:
            t.join()
        assert during - before <= callers * (1 + extra_per_caller)


def test_csigmoid_threads_and_threadpoolctl_limit_a_callers_threads():
    """In a fresh thread (no OpenMP pool yet): csigmoid.threads(1), and
    threadpoolctl's limit of one (OpenMP's alone, or every library's) set in
    that thread, make max_threads() 1 and add no threads; the default adds
    max_threads() - 1.  (With libgomp the limit is per calling thread:
    threadpoolctl in the main thread does not reach pool workers.)"""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    thread_ids()  # skips here, not in the worker, without /proc
    x = read_only(np.linspace(-5, 5, 1 << 20))
    seen = {}

    def work():
        # threads started since `before`, by identity: the OpenMP pools of
        # threads that earlier tests ran may still be exiting meanwhile
        before = thread_ids()
        with csigmoid.threads(1):
            seen["max_threads under threads(1)"] = policy.max_threads()
            sigmoid(x)
        seen["threads(1)"] = len(thread_ids() - before)
        for limit in ({"user_api": "openmp"}, {}):
            label = f"threadpool_limits(1{', user_api=openmp' if limit else ''})"
            with threadpoolctl.threadpool_limits(1, **limit):
                seen[f"max_threads under {label}"] = features.max_threads()
                sigmoid(x)
            seen[label] = len(thread_ids() - before)
        sigmoid(x)
        seen["default"] = len(thread_ids() - before)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    default = seen.pop("default")
    assert seen == {
        "max_threads under threads(1)": 1,
        "threads(1)": 0,
        "max_threads under threadpool_limits(1, user_api=openmp)": 1,
        "threadpool_limits(1, user_api=openmp)": 0,
        "max_threads under threadpool_limits(1)": 1,
        "threadpool_limits(1)": 0,
    }
    if features.openmp_runtime() == "libgomp":
        # a pool per calling thread: this fresh thread's first team starts its workers
        assert default == features.max_threads() - 1
    else:
        # LLVM's libomp keeps one pool for the process and lends its idle workers
        # (started by earlier calls from other threads) to any caller
        assert 0 <= default <= features.max_threads() - 1


def test_threadpoolctl_sees_csigmoids_openmp_runtime():
    """threadpool_info() lists the OpenMP runtime csigmoid's extensions use:
    the one library whose limit, set on it alone, lowers csigmoid's
    omp_get_max_threads(), and it is the runtime show_config names."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    runtime, default = features.openmp_runtime(), features.max_threads()
    if runtime is None:
        pytest.skip("built without OpenMP (show_config says so): no runtime of csigmoid's to see")
    if default < 2:
        pytest.skip("OpenMP allows one thread here: a limit of one would change nothing")
    listed = [lib for lib in threadpoolctl.threadpool_info() if lib["internal_api"] == "openmp"]
    controller = threadpoolctl.ThreadpoolController()
    reaching_csigmoid = []
    for lib in listed:
        with controller.select(filepath=lib["filepath"]).limit(limits=1):
            if features.max_threads() == 1:
                reaching_csigmoid.append(lib)
    assert features.max_threads() == default
    assert [lib["prefix"] for lib in reaching_csigmoid] == [runtime], listed


def loaded_libgomp():
    """ctypes handle on the libgomp this process has loaded (Linux), or skip."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "libgomp" in line}
    except OSError:
        pytest.skip("finding the loaded OpenMP runtime needs Linux's /proc")
    if len(paths) != 1:
        pytest.skip(f"expected one libgomp in the process, found {sorted(paths)}")
    return ctypes.CDLL(paths.pop())


def test_call_from_inside_an_openmp_parallel_region_adds_no_threads():
    """csigmoid called by every thread of an outer OpenMP region (libgomp's
    GOMP_parallel running a Python callback): the inner regions are nested,
    so inactive (one thread each), and the results are the serial ones."""
    gomp = loaded_libgomp()
    x = read_only(np.linspace(-50, 50, 1 << 20))
    with csigmoid.threads(1):
        expected = sigmoid(x)
    fresh = policy.contention_state()
    outer_team = 4
    seen = []

    @ctypes.CFUNCTYPE(None, ctypes.c_void_p)
    def body(_):
        y = sigmoid(x)
        seen.append((thread_count(), bool(np.array_equal(y, expected))))

    before = thread_count()
    gomp.GOMP_parallel(body, None, outer_team, 0)
    assert len(seen) == outer_team
    assert all(same for _, same in seen)
    # the outer team's own threads, and not one more
    assert max(count for count, _ in seen) <= before + outer_team - 1
    # a region OpenMP ran on one thread is no race lost by a team: no serial period follows
    assert policy.contention_state() == fresh


def test_threads_limit_nests_and_belongs_to_the_thread_that_sets_it():
    default = policy.max_threads()
    seen_elsewhere = []
    with csigmoid.threads(1):
        assert policy.max_threads() == 1
        with csigmoid.threads(None):
            assert policy.max_threads() == default
        with csigmoid.threads(default + 5):  # only lowers: OpenMP's maximum still holds
            assert policy.max_threads() == default
        other = threading.Thread(target=lambda: seen_elsewhere.append(policy.max_threads()))
        other.start()
        other.join()
        assert policy.max_threads() == 1
    assert policy.max_threads() == default
    assert seen_elsewhere == [default]


def test_threads_limit_is_restored_when_the_block_raises():
    default = policy.max_threads()
    with pytest.raises(RuntimeError), csigmoid.threads(1):
        raise RuntimeError
    assert policy.max_threads() == default


@pytest.mark.parametrize(
    "bad, error", [(0, ValueError), (-3, ValueError), (True, TypeError), (2.0, TypeError), ("2", TypeError)]
)
def test_threads_refuses_bad_counts_by_name(bad, error):
    with pytest.raises(error, match="csigmoid.threads: n must"):
        with csigmoid.threads(bad):
            pass
    assert policy.max_threads() == features.max_threads()


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_threads_limit_gives_the_same_bits(dtype):
    x = np.random.default_rng(5).uniform(-60, 60, LARGE).astype(dtype)
    with csigmoid.threads(1):
        serial = sigmoid_and_derivative(x)
    assert_identical(sigmoid_and_derivative(x)[0], serial[0])
    assert_identical(sigmoid_and_derivative(x)[1], serial[1])


# --- csigmoid.threads scoped by context: asyncio tasks, generators, threads, signals ----------


def limit_here():
    """The csigmoid.threads limit the calls made here get (0: none), as the
    inner loops read it, and as max_threads() reports it."""
    limit = testing.current_thread_limit()
    expected = min(limit, features.max_threads()) if limit else None
    if expected is not None:
        assert policy.max_threads() == expected
    return limit


def test_overlapping_blocks_of_two_asyncio_tasks_in_one_thread():
    """Task A enters threads(1), task B enters threads(2) while A's block is
    open, A leaves first, then B: each sees its own limit for as long as its
    block is open, the other's never, and none is left after both."""
    seen = []

    async def task(name, limit, entered, leave, left):
        with csigmoid.threads(limit):
            seen.append((name, "entered", limit_here()))
            entered.set()
            await leave.wait()
            seen.append((name, "leaving", limit_here()))
        seen.append((name, "left", limit_here()))
        left.set()

    async def main():
        a_entered, b_entered, a_leave, b_leave, a_left, b_left = (asyncio.Event() for _ in range(6))
        a = asyncio.create_task(task("A", 1, a_entered, a_leave, a_left))
        await a_entered.wait()
        b = asyncio.create_task(task("B", 2, b_entered, b_leave, b_left))
        await b_entered.wait()
        seen.append(("main", "both open", limit_here()))
        a_leave.set()
        await a_left.wait()
        b_leave.set()
        await asyncio.gather(a, b)
        seen.append(("main", "both closed", limit_here()))

    asyncio.run(main())
    assert seen == [
        ("A", "entered", 1),
        ("B", "entered", 2),
        ("main", "both open", 0),
        ("A", "leaving", 1),
        ("A", "left", 0),
        ("B", "leaving", 2),
        ("B", "left", 0),
        ("main", "both closed", 0),
    ]
    assert limit_here() == 0


def test_a_task_switch_changes_the_threads_a_large_call_uses():
    """In a fresh thread (a fresh libgomp pool): task A computes under
    threads(1) while task B holds a threads(None) block open; A's call
    starts no OpenMP thread; after both, a call with no limit starts
    max_threads() - 1.  The inner loop (no GIL) reads the limit of the task
    that runs, not the last one set in the thread."""
    if features.openmp_runtime() != "libgomp":
        pytest.skip("counts the threads of libgomp's per-thread pool")
    if features.max_threads() < 2:
        pytest.skip("OpenMP allows one thread here: nothing to limit")
    thread_ids()
    x = read_only(np.linspace(-5, 5, 1 << 20))
    seen = {}

    async def one_thread(b_open):
        await b_open.wait()
        with csigmoid.threads(1):
            await asyncio.sleep(0)  # B runs in between: a context switch
            before = thread_ids()
            sigmoid(x)
            seen["under threads(1)"] = len(thread_ids() - before)

    async def default_block(b_open, a_done):
        with csigmoid.threads(None):
            b_open.set()
            await a_done.wait()

    async def main():
        b_open, a_done = asyncio.Event(), asyncio.Event()
        b = asyncio.create_task(default_block(b_open, a_done))
        await one_thread(b_open)
        a_done.set()
        await b
        testing.forget_contention()
        before = thread_ids()
        sigmoid(x)
        seen["default"] = len(thread_ids() - before)

    worker = threading.Thread(target=asyncio.run, args=(main(),))
    worker.start()
    worker.join()
    assert seen == {"under threads(1)": 0, "default": features.max_threads() - 1}


def test_tasks_and_threads_that_copied_the_context_hold_the_limit_while_the_block_is_open():
    """asyncio.to_thread and a task created inside a block run in copies of
    its context: they see its limit while it is open, and not after."""
    seen = []

    async def child(block_closed):
        seen.append(("task, block open", limit_here()))
        await block_closed.wait()
        seen.append(("task, block closed", limit_here()))

    async def main():
        block_closed = asyncio.Event()
        with csigmoid.threads(1):
            seen.append(("to_thread", await asyncio.to_thread(limit_here)))
            task = asyncio.create_task(child(block_closed))
            await asyncio.sleep(0)
        block_closed.set()
        await task
        seen.append(("to_thread after", await asyncio.to_thread(limit_here)))

    asyncio.run(main())
    assert seen == [
        ("to_thread", 1),
        ("task, block open", 1),
        ("task, block closed", 0),
        ("to_thread after", 0),
    ]


def test_a_generator_closed_in_another_thread_leaves_no_limit():
    def holding():
        with csigmoid.threads(1):
            yield limit_here()
            yield limit_here()

    generator = holding()
    assert next(generator) == 1
    assert limit_here() == 1  # a generator's block is its caller's context's while open
    seen = []

    def close_elsewhere():
        seen.append(limit_here())
        generator.close()
        seen.append(limit_here())

    other = threading.Thread(target=close_elsewhere)
    other.start()
    other.join()
    assert seen == [0, 0]
    assert limit_here() == 0
    with csigmoid.threads(2):  # the closed block stays on this context's chain, skipped
        assert limit_here() == 2
    assert limit_here() == 0


def test_threads_hold_their_own_limits_at_once():
    workers = 4
    inside = threading.Barrier(workers)
    seen = {}

    def work(limit):
        with csigmoid.threads(limit):
            inside.wait()  # every block is open at once
            seen[limit] = limit_here()
            inside.wait()
        seen[-limit] = limit_here()

    threads = [threading.Thread(target=work, args=(limit,)) for limit in range(1, workers + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {**{n: n for n in range(1, workers + 1)}, **{-n: 0 for n in range(1, workers + 1)}}


def test_one_object_entered_again_while_open():
    """Nested, and by two threads at once: each entry is a block of its own,
    and each with-statement leaves its own."""
    shared = csigmoid.threads(1)
    with shared:
        with csigmoid.threads(2):
            with shared:
                assert limit_here() == 1
            assert limit_here() == 2
        assert limit_here() == 1
    assert limit_here() == 0
    first_in, second_out = threading.Event(), threading.Event()
    seen = []

    def first():
        with shared:
            first_in.set()
            second_out.wait()
            seen.append(("first, after the second left", limit_here()))
        seen.append(("first, left", limit_here()))

    def second():
        first_in.wait()
        with csigmoid.threads(2), shared:
            seen.append(("second, inside", limit_here()))
        seen.append(("second, left", limit_here()))
        second_out.set()

    pair = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in pair:
        t.start()
    for t in pair:
        t.join()
    assert sorted(seen) == [
        ("first, after the second left", 1),
        ("first, left", 0),
        ("second, inside", 1),
        ("second, left", 0),
    ]
    with pytest.raises(RuntimeError, match="not entered"):
        shared.__exit__(None, None, None)


def test_decorator_enters_a_block_per_call():
    limited = csigmoid.threads(1)

    @limited
    def plain(depth=0):
        return [limit_here()] + (plain(depth + 1) if depth < 2 else [])

    @csigmoid.threads(2)
    async def coroutine():
        await asyncio.sleep(0)
        return limit_here()

    assert plain.__name__ == "plain"
    assert plain() == [1, 1, 1]
    assert limit_here() == 0

    async def main():
        results = await asyncio.gather(coroutine(), coroutine())
        return results, limit_here()

    assert asyncio.run(main()) == ([2, 2], 0)
    assert limit_here() == 0
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: plain(), range(8))) == [[1, 1, 1]] * 8


class Interrupted(Exception):
    pass


def test_an_interrupted_block_never_leaves_its_limit():
    """A timer signal whose handler raises lands at random points in and
    around entering and leaving blocks (nested, reused, decorated), many
    times over ~2 s: no limit is ever left behind."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        pytest.skip("needs setitimer and the main thread (signal handlers run there)")
    armed = False

    def handler(signum, frame):
        if armed:
            raise Interrupted

    reused = csigmoid.threads(2)

    @csigmoid.threads(3)
    def decorated():
        with reused:
            return limit_here()

    def one_round(delay):
        nonlocal armed
        armed = True
        try:
            signal.setitimer(signal.ITIMER_REAL, delay)
            with csigmoid.threads(1):
                with reused:
                    decorated()
                with csigmoid.threads(None):
                    pass
        finally:
            armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)

    def round_and_limit_after(delay):
        try:
            one_round(delay)
        except Interrupted:
            return True, testing.current_thread_limit()
        return False, testing.current_thread_limit()

    previous = signal.signal(signal.SIGALRM, handler)
    rng = random.Random(7)
    interrupted = rounds = 0
    leaks = []
    try:
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            rounds += 1
            # each round in a context of its own, so that a leak does not reach the next
            was_interrupted, limit_after = contextvars.copy_context().run(
                round_and_limit_after, rng.uniform(1e-6, 40e-6)
            )
            interrupted += was_interrupted
            if limit_after != 0:
                leaks.append(limit_after)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert limit_here() == 0
    assert leaks == [], f"{len(leaks)} of {interrupted} interrupted rounds left a limit"
    assert interrupted >= 100, f"only {interrupted} of {rounds} rounds were interrupted"
