"""Child processes computing with csigmoid, for tests/test_processes.py (each
scenario in a fresh interpreter, under a timeout) and tests/fork_hang.py.
By hand:

    python tests/process_scenarios.py START WHEN

START is ``os.fork`` or a multiprocessing start method (``fork``,
``forkserver``, ``spawn``).  WHEN is ``before`` if the parent runs a parallel
region before it starts the children, ``none`` if it does not; either way the
parent runs one again while the children are alive and once more after they
are gone.  Every process computes sigmoid of the same large array with the
default thread count and compares it with the single-threaded result.  The
last line printed is a JSON report; the exit status is 1 if any result was
wrong, 2 if a child did not finish within the timeout.
"""

import json
import multiprocessing
import os
import signal
import sys
import time

import numpy as np

import csigmoid

N = 1 << 20  # parallel when OpenMP offers threads
TIMEOUT = 60.0  # seconds a child gets; the computation itself takes milliseconds
START_METHODS = ("os.fork", "fork", "forkserver", "spawn")
WHEN = ("before", "none")


def inputs():
    return np.linspace(-40.0, 40.0, N)


def threads_alive():
    """The number of threads of this process (Linux), else None."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return None


def compute(_=None):
    """sigmoid(inputs()) with the default thread count: (pid, bit-identical to
    the serial result, threads the call added to the process or None)."""
    x = inputs()
    before = threads_alive()
    y = csigmoid.sigmoid(x)
    after = threads_alive()
    with csigmoid.threads(1):
        serial = csigmoid.sigmoid(x)
    same = bool(np.array_equal(y.view(np.uint64), serial.view(np.uint64)))
    return os.getpid(), same, None if before is None else after - before


def run_in_os_fork():
    """compute() in one os.fork() child; its report comes back through a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            report = compute()
        except BaseException as error:  # the parent must hear about any failure
            report = (os.getpid(), False, repr(error))
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    parent_ok = compute()[1]
    deadline = time.monotonic() + TIMEOUT
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return parent_ok, None
        time.sleep(0.01)
    with os.fdopen(read_end) as pipe:
        return parent_ok, [json.loads(pipe.read())]


def run_in_pool(method):
    """compute() in the two workers of a multiprocessing pool."""
    context = multiprocessing.get_context(method)
    with context.Pool(2) as pool:
        pending = pool.map_async(compute, range(2))
        parent_ok = compute()[1]
        try:
            return parent_ok, [list(r) for r in pending.get(timeout=TIMEOUT)]
        except multiprocessing.TimeoutError:
            return parent_ok, None


def main(start, when):
    if when == "before":
        csigmoid.sigmoid(inputs())  # starts OpenMP's thread pool in this process
    parent_ok, children = run_in_os_fork() if start == "os.fork" else run_in_pool(start)
    parent_ok = parent_ok and compute()[1]
    report = {
        "start": start,
        "when": when,
        "max_threads": csigmoid._cpu.features.max_threads(),
        "parent_ok": parent_ok,
        "children": children,
    }
    print(json.dumps(report))
    if children is None:
        return 2
    return 0 if parent_ok and all(child[1] for child in children) else 1


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in START_METHODS or sys.argv[2] not in WHEN:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(START_METHODS)}}} {{{','.join(WHEN)}}}")
    sys.exit(main(*sys.argv[1:]))
