"""csigmoid when other threads want the cores: right after a NumPy matrix
product (BLAS workers still spinning), two csigmoid processes at once,
inside a real CPU-quota cgroup, and a team of two on one CPU.  Each scenario runs in fresh processes (no
backoff or thread pool left by other tests) under a timeout; the bounds are
generous (10x the one-thread time measured in the same process) so that a
loaded machine does not fail them, while a hang or the 100x-1000x stalls of
a team waiting for a descheduled thread do."""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from csigmoid._bench import contention
from csigmoid._cpu import features

TIMEOUT = 300
STALL = 10.0  # a call may take this many times the one-thread call, no more

# Each call follows a product; calls alternate between the default thread
# count and one thread, so that both meet the same machine.
MATMUL = """
import json, time
import numpy as np
import csigmoid

rng = np.random.default_rng(0)
X = rng.standard_normal((65536, 32)).astype(np.float32)
w = rng.standard_normal(32).astype(np.float32)
z = np.matmul(X, w)
o = np.empty_like(z)
default, one_thread = [], []
for _ in range(300):
    for times, limit in ((default, None), (one_thread, 1)):
        with csigmoid.threads(limit):
            np.matmul(X, w, out=z)
            start = time.perf_counter()
            csigmoid.sigmoid(z, out=o)
            times.append(time.perf_counter() - start)
print(json.dumps({"default": default, "one_thread": one_thread}))
"""

# Calls alternate between the default thread count and one thread, so that
# both meet the same neighbours; the report is their call times.
ALTERNATING = """
import json, sys, time
import numpy as np
import csigmoid

x = np.random.default_rng(0).uniform(-20, 20, 100_000)
out = np.empty_like(x)
default, one_thread = [], []
print("ready", flush=True)
start = float(sys.stdin.readline())
time.sleep(max(start - time.monotonic(), 0.0))
while time.monotonic() < start + 1.5:
    for times, limit in ((default, None), (one_thread, 1)):
        with csigmoid.threads(limit):
            begin = time.perf_counter()
            csigmoid.sigmoid(x, out=out)
            times.append(time.perf_counter() - begin)
print(json.dumps({"default": default, "one_thread": one_thread,
                  "max_threads": csigmoid._parallel.policy.max_threads(),
                  "threads_from": csigmoid._parallel.policy.max_threads_source(),
                  "usable": csigmoid._cpu.usable.USABLE.source}))
"""


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def run_python(code, tmp_path, env=None):
    try:
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"a csigmoid process did not finish in {TIMEOUT} s")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def start_together(commands, tmp_path, env=None):
    """Start the ALTERNATING processes, release them at one moment; their reports."""
    processes = [
        subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    # a child that hangs before it reads its start time is killed, not waited for
    watchdog = threading.Timer(TIMEOUT, lambda: [p.kill() for p in processes])
    watchdog.start()
    try:
        for p in processes:  # each says so once it has imported csigmoid
            assert p.stdout.readline().strip() == "ready", p.communicate(timeout=TIMEOUT)[1]
        start = time.monotonic() + 0.05
        for p in processes:
            p.stdin.write(f"{start!r}\n")
            p.stdin.flush()
        outputs = [p.communicate(timeout=TIMEOUT) for p in processes]
    except subprocess.TimeoutExpired:
        for p in processes:
            p.kill()
        pytest.fail(f"a csigmoid process did not finish in {TIMEOUT} s")
    finally:
        watchdog.cancel()
    for p, (_, err) in zip(processes, outputs):
        assert p.returncode == 0, f"killed after {TIMEOUT} s, or failed: {err}"
    return [json.loads(out) for out, _ in outputs]


def assert_no_stalls(default, one_thread, what):
    """The default calls' median, and their total, within STALL times the one-thread ones."""
    assert median(default) <= STALL * median(one_thread), (
        f"{what}: median call {median(default) * 1e6:.0f} us against "
        f"{median(one_thread) * 1e6:.0f} us on one thread"
    )
    assert sum(default) / len(default) <= STALL * sum(one_thread) / len(one_thread), (
        f"{what}: mean call {sum(default) / len(default) * 1e6:.0f} us against "
        f"{sum(one_thread) / len(one_thread) * 1e6:.0f} us on one thread"
    )


def test_calls_right_after_a_numpy_matmul_finish_in_time(tmp_path):
    """sigmoid(X @ w): NumPy's BLAS threads spin on after the product.  The
    median and the p90 call: a probe of the team may stall now and then (on
    a loaded machine a product takes milliseconds and probes come every few
    dozen calls), not one call in ten."""
    seen = run_python(MATMUL, tmp_path)
    default, one_thread = sorted(seen["default"]), sorted(seen["one_thread"])
    for name, at in (("median", len(default) // 2), ("p90", int(0.9 * len(default)))):
        assert default[at] <= STALL * one_thread[at], (
            f"{name} call after a matmul {default[at] * 1e6:.0f} us against "
            f"{one_thread[at] * 1e6:.0f} us on one thread"
        )


def test_two_csigmoid_processes_at_once_finish_in_time(tmp_path):
    if not features.openmp_version():
        pytest.skip("built without OpenMP: no team to stall")
    command = [sys.executable, "-c", ALTERNATING]
    for report in start_together([command, command], tmp_path):
        assert_no_stalls(report["default"], report["one_thread"], "two processes at once")


def test_a_real_cpu_quota_sets_the_default_thread_count(tmp_path):
    """In a new cgroup with a 1-CPU quota (where this machine lets the
    tests create one: root with a writable cgroup v1 cpu hierarchy or a v2
    one delegating cpu): the default is one thread, named as coming from the
    quota; and with OMP_NUM_THREADS forcing more, calls still finish in time."""
    if sys.platform != "linux":
        pytest.skip("cgroups are Linux's")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    with contention.cpu_quota_group(1) as procs:
        if isinstance(procs, str):
            pytest.skip(procs)
        enter = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(procs)]
        command = enter + [sys.executable, "-c", ALTERNATING]
        (detected,) = start_together([command], tmp_path, env=env)
        (forced,) = start_together([command], tmp_path, env=dict(env, OMP_NUM_THREADS="2"))
    assert detected["usable"] == "cgroup quota"
    assert (detected["max_threads"], detected["threads_from"]) == (1, "usable CPUs")
    # without OpenMP every call has one thread, whatever is set
    forced_threads = 2 if features.openmp_version() else 1
    assert (forced["max_threads"], forced["threads_from"]) == (forced_threads, "OMP_NUM_THREADS")
    assert_no_stalls(forced["default"], forced["one_thread"], "2 threads in a 1-CPU quota")


# Two threads forced onto one CPU: every call has a thread waiting for the
# other's time slice.  The input has a slow (subnormal) half, so that the
# waiting, not uneven work, is what the rule must see.
ONE_CPU = """
import json, os, subprocess, sys, time
cpu = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpu})
# another process busy on the same CPU, as on a machine whose cores are all taken:
# while it runs, the team's threads wait, and two of them lose against one
busy = subprocess.Popen([sys.executable, "-c", "import time; t = time.monotonic() + 30\\n"
                         "while time.monotonic() < t: pass"])
import numpy as np
import csigmoid
from csigmoid._parallel import policy

n = 1_000_000
x = np.random.default_rng(0).uniform(-20, 20, n)
x[: n // 2] = 1e-310
out = np.empty_like(x)
calls = serial = 0
start = time.monotonic()
# OMP_NUM_THREADS alone is capped at the one CPU of the mask; csigmoid.threads may ask for more
with csigmoid.threads(2):
    while time.monotonic() < start + 1.5:
        serial += policy.contention_state()["serial_left"] > 0
        csigmoid.sigmoid(x, out=out)
        calls += 1
    max_threads = policy.max_threads()
busy.kill()
print(json.dumps({"calls": calls, "serial": serial, "max_threads": max_threads}))
"""


def test_a_team_waiting_for_one_cpu_goes_serial(tmp_path):
    """The driver's timings on real clocks: two threads on one CPU that
    another process keeps busy spend time waiting for it, which is counted
    as lost, so nearly all calls run on one thread.  (Without the other
    process the two threads' CPU time adds up to the wall time: no loss,
    and none to see.)"""
    if sys.platform != "linux" or not features.openmp_version():
        pytest.skip("needs Linux's sched_setaffinity and OpenMP")
    seen = run_python(ONE_CPU, tmp_path, env=dict(os.environ, OMP_NUM_THREADS="2"))
    assert seen["max_threads"] == 2
    assert seen["serial"] >= 0.8 * seen["calls"], seen
