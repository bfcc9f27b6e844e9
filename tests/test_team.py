"""The per-call thread policy (csigmoid/_parallel/include/team_policy.h: size, fork and contention
rules) driven through its hooks, and the kernels' chunked parallel driver:
any team width and chunk split gives the one-thread bits."""

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import csigmoid
from csigmoid._cpu import features
from csigmoid._parallel import policy as thread_policy
from csigmoid._parallel import testing

LARGE = 1_000_000


FRESH = 0.05  # the credit a process and a probe start with (the most it holds)
SERIAL = 2.0  # seconds of serial calls once the credit is spent
NOTHING_LEARNT = {"serial_left": 0.0, "credit": FRESH}


@pytest.fixture
def policy():
    """The policy, reset before (conftest) and after."""
    if not features.openmp_version():
        pytest.skip("built without OpenMP: every call is serial, there is no policy to drive")
    assert state() == NOTHING_LEARNT
    yield
    testing.forget_contention()


def state():
    return thread_policy.contention_state()


def test_size_rule_gives_each_thread_2048_elements(policy):
    assert testing.team_threads_for(0, 8) == 1
    assert testing.team_threads_for(4095, 8) == 1
    assert testing.team_threads_for(4096, 8) == 2
    assert testing.team_threads_for(3 * 2048 + 5, 8) == 3
    assert testing.team_threads_for(LARGE, 8) == 8
    assert testing.team_threads_for(LARGE, 1) == 1


def test_a_cold_start_is_paid_from_the_credit(policy):
    """Starting a team's threads: milliseconds on a busy machine."""
    testing.record_team_call(2, 0.0102, 0.0002)  # the first call lost 10 ms
    assert state() == {"serial_left": 0.0, "credit": pytest.approx(FRESH - 0.01, rel=1e-3)}
    assert testing.team_threads_for(LARGE, 2) == 2


def test_gains_pay_for_a_stall_now_and_then(policy):
    testing.record_team_call(2, 0.0302, 0.0002)  # 30 ms lost: 20 ms left
    for _ in range(100):
        testing.record_team_call(2, 0.0005, 0.001)  # each gains 0.5 ms
    assert state()["credit"] == pytest.approx(FRESH)  # banked up to 50 ms, no more
    testing.record_team_call(2, 0.0045, 0.0005)  # a 4 ms stall: paid from the credit
    assert state() == {"serial_left": 0.0, "credit": pytest.approx(0.046, rel=1e-3)}
    assert testing.team_threads_for(LARGE, 2) == 2


def test_a_spent_credit_makes_calls_serial_then_one_call_probes(policy):
    testing.record_team_call(2, 0.062, 0.002)  # the team took 60 ms more than one thread
    assert 0.9 * SERIAL < state()["serial_left"] <= SERIAL
    assert state()["credit"] == FRESH
    assert testing.team_threads_for(LARGE, 2) == 1
    time.sleep(state()["serial_left"] + 0.01)
    assert testing.team_threads_for(LARGE, 2) == 2  # the probe
    assert testing.team_threads_for(LARGE, 2) == 1  # the others wait for its verdict
    testing.record_team_call(2, 0.051, 0.002)  # it lost 49 ms: paid from its credit
    assert state() == {"serial_left": 0.0, "credit": pytest.approx(0.001, rel=1e-3)}
    assert testing.team_threads_for(LARGE, 2) == 2
    testing.record_team_call(2, 0.0035, 0.002)  # 1.5 ms more: serial again
    assert state()["serial_left"] > 0.9 * SERIAL and state()["credit"] == FRESH


# Sigmoid of 2e6 float64 values whose first half is subnormal (the
# subnormal path costs ~16x the other) on 2 threads of an idle machine: the
# call took 10.5 ms where one thread took 20.9 ms.  The driver reports as
# work the CPU time both threads spent, one thread's time give or take a
# few percent (test_the_driver_counts_uneven_work_at_its_cost, below);
# extrapolating the fastest chunk, one of normal values, gave 0.1-0.4 of
# it, a loss in every call.
UNEVEN_ELAPSED, UNEVEN_WORK = 0.0105, 0.0104 + 0.0104


def test_uneven_work_on_free_cpus_keeps_the_team(policy):
    for _ in range(1000):
        assert testing.team_threads_for(2_000_000, 2) == 2
        testing.record_team_call(2, UNEVEN_ELAPSED, UNEVEN_WORK)
    assert state() == NOTHING_LEARNT


def test_time_waiting_for_a_cpu_is_lost_and_makes_calls_serial(policy):
    """The same work, one thread kept off the CPU for 12 ms of each call
    (a time slice of another process on its CPU): each call loses 1.7 ms
    against one thread, so the 50 ms credit is gone at the 30th call."""
    waited = 0.012
    calls = 0
    while testing.team_threads_for(2_000_000, 2) == 2:
        testing.record_team_call(2, UNEVEN_ELAPSED + waited, UNEVEN_WORK)
        calls += 1
        assert calls <= 30
    assert calls == 30  # 29 calls leave 0.7 ms of the credit, the 30th spends it
    assert state()["serial_left"] > 0.9 * SERIAL


def test_a_team_slower_than_its_work_loses_what_it_took_beyond_it(policy):
    """The gain of a call is its work minus its time, whatever their sizes."""
    testing.record_team_call(2, 0.0030, 0.0010)  # lost 2 ms
    testing.record_team_call(2, 0.0200, 0.0050)  # lost 15 ms
    testing.record_team_call(2, 0.0500, 0.0600)  # gained 10 ms
    assert state() == {"serial_left": 0.0, "credit": pytest.approx(FRESH - 0.002 - 0.015 + 0.010)}


def test_small_arrays_losing_do_not_make_large_ones_serial(policy):
    """A team on a small array loses about a microsecond (measured: float32
    sigmoid of 8192 elements, 2.1 us on one thread, 2.8 us on two); the
    gains of large calls pay for it."""
    for i in range(30_000):
        testing.record_team_call(2, 2.8e-6, 2.1e-6)
        if i % 10 == 0:
            testing.record_team_call(2, 120e-6, 240e-6)
    assert state()["serial_left"] == 0 and state()["credit"] > FRESH - 1e-5


def test_calls_on_one_thread_teach_nothing(policy):
    testing.record_team_call(1, 1.0, 0.001)
    assert state() == NOTHING_LEARNT


def test_one_probe_among_concurrent_callers(policy):
    testing.record_team_call(2, 0.0601, 0.0001)
    time.sleep(state()["serial_left"] + 0.01)
    callers = 16
    start = threading.Barrier(callers)
    counts = []

    def call():
        start.wait()
        counts.append(testing.team_threads_for(LARGE, 2))

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [1] * (callers - 1) + [2]


def test_calls_never_hang_while_the_policy_flips(policy):
    """Many Python threads computing while another keeps recording losses and
    gains: every call finishes, with the serial bits."""
    x = np.random.default_rng(3).uniform(-30, 30, 200_003)
    with csigmoid.threads(1):
        expected = csigmoid.sigmoid_and_derivative(x)
    stop = threading.Event()

    def flip():
        while not stop.is_set():
            testing.record_team_call(2, 0.0701, 0.0001)  # 70 ms lost: serial
            time.sleep(0.0005)
            testing.record_team_call(2, 0.0, 0.0001)

    results = []

    def work():
        for _ in range(20):
            results.append(csigmoid.sigmoid_and_derivative(x))

    flipper = threading.Thread(target=flip)
    workers = [threading.Thread(target=work) for _ in range(8)]
    flipper.start()
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    stop.set()
    flipper.join()
    assert not any(t.is_alive() for t in workers), "a call did not finish"
    assert len(results) == 8 * 20
    for y, dy in results:
        assert np.array_equal(y, expected[0]) and np.array_equal(dy, expected[1])


# --- the driver -----------------------------------------------------------------------

WORK_OF_UNEVEN_CALLS = """
import json, os, time
import numpy as np
import csigmoid
from csigmoid._parallel import policy, testing

n = 1_000_000
x = np.random.default_rng(0).uniform(-20, 20, n)
x[: n // 2] = 1e-310   # the slow half: each thread's chunks cost it differently
out = np.empty_like(x)
one_thread, team = [], []
while len(team) < 5:
    with csigmoid.threads(1):
        begin = time.thread_time()
        csigmoid.sigmoid(x, out=out)
        one_thread.append(time.thread_time() - begin)
    # Leave 25 ms of credit, so that the call's gain, work - elapsed, shows in
    # it; a call that loses more (this machine busy) is not counted.
    testing.forget_contention()
    testing.record_team_call(2, 0.025, 0.0)
    credit = policy.contention_state()["credit"]
    begin = time.perf_counter()
    csigmoid.sigmoid(x, out=out)
    elapsed = time.perf_counter() - begin
    after = policy.contention_state()
    if after["serial_left"] == 0 and after["credit"] < 0.0499:
        team.append(after["credit"] - credit + elapsed)
print(json.dumps({"one_thread": sorted(one_thread)[2], "team": sorted(team)[2]}))
"""


def test_the_driver_counts_uneven_work_at_its_cost(tmp_path):
    """The work a team call reports (read back through the credit) for an
    array with a subnormal half is the CPU time one thread spends on it, as
    measured by that thread's own clock, on a busy machine too (both are CPU
    times; measured 0.78-1.04 of it at load 6).  The fastest chunk's rate
    times n gave 0.11-0.37 of it."""
    if not features.openmp_version():
        pytest.skip("built without OpenMP: nothing is split")
    run = subprocess.run(
        [sys.executable, "-c", WORK_OF_UNEVEN_CALLS],
        env=dict(os.environ, OMP_NUM_THREADS="2"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert 0.6 * seen["one_thread"] < seen["team"] < 1.7 * seen["one_thread"], seen


SPLITS = """
import sys
import numpy as np
import csigmoid
from csigmoid._parallel import testing
from csigmoid._cpu import features

widths = [int(w) for w in sys.argv[1].split(",")]
assert features.max_threads() >= max(widths), features.max_threads()
rng = np.random.default_rng(7)
functions = {
    "sigmoid": lambda x, y: csigmoid.sigmoid(x),
    "sigmoid_derivative": lambda x, y: csigmoid.sigmoid_derivative(x),
    "sigmoid_and_derivative": lambda x, y: csigmoid.sigmoid_and_derivative(x),
    "sigmoid_backward": lambda x, y: csigmoid.sigmoid_backward(x, y),
    "logit": lambda x, y: csigmoid.logit(y),
    "log_sigmoid": lambda x, y: csigmoid.log_sigmoid(x),
}
checked = 0
for dtype in (np.float32, np.float64):
    for n in (4096, 4097, 3 * 2048 + 5, 16 * 2048 + 15, 131_089, 1_000_003):
        x = rng.uniform(-60, 60, n).astype(dtype)
        y = csigmoid.sigmoid(rng.uniform(-8, 8, n).astype(dtype))
        for name, f in functions.items():
            with csigmoid.threads(1):
                serial = f(x, y)
            for width in widths:
                with csigmoid.threads(width):
                    testing.record_team_call(2, 0.0, 1.0)   # no serial period: this call runs on the team
                    split = f(x, y)
                split = split if isinstance(split, tuple) else (split,)
                serial = serial if isinstance(serial, tuple) else (serial,)
                for a, b in zip(split, serial):
                    if not np.array_equal(a.view(np.uint8), b.view(np.uint8)):
                        sys.exit(f"{name} {np.dtype(dtype)} n={n} on {width} threads differs")
                checked += 1
print(checked)
"""


def test_every_team_width_and_chunk_split_gives_the_serial_bits(tmp_path):
    """Widths 2 to 8 (OMP_NUM_THREADS=8, more threads than this machine may
    have CPUs), sizes from one chunk per thread to many chunks with a short
    last one, every operation and both dtypes."""
    if not features.openmp_version():
        pytest.skip("built without OpenMP: nothing is split")
    env = dict(os.environ, OMP_NUM_THREADS="8")
    run = subprocess.run(
        [sys.executable, "-c", SPLITS, "2,3,4,5,8"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert int(run.stdout) == 2 * 6 * 6 * 5
