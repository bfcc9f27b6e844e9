"""The per-call thread policy (csigmoid/_team.h: size, fork and contention
rules) driven through its hooks, and the kernels' chunked parallel driver:
any team width and chunk split gives the one-thread bits."""
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import csigmoid
from csigmoid import _api, _cpu

LARGE = 1_000_000


FRESH = 0.05                # the credit a process starts with, seconds (the most it holds)
PROBE = 0.02                # the credit after a serial period
NOTHING_LEARNT = {"serial_left": 0.0, "serial_period": 0.0, "credit": FRESH}


@pytest.fixture
def policy():
    """The policy, reset before (conftest) and after."""
    if not _cpu.openmp_version():
        pytest.skip("built without OpenMP: every call is serial, there is no policy to drive")
    assert state() == NOTHING_LEARNT
    yield
    _api.forget_contention()


def state():
    return _api.contention_state()


def test_size_rule_gives_each_thread_2048_elements(policy):
    assert _api.team_threads_for(0, 8) == 1
    assert _api.team_threads_for(4095, 8) == 1
    assert _api.team_threads_for(4096, 8) == 2
    assert _api.team_threads_for(3 * 2048 + 5, 8) == 3
    assert _api.team_threads_for(LARGE, 8) == 8
    assert _api.team_threads_for(LARGE, 1) == 1


def test_a_cold_start_is_paid_from_the_credit(policy):
    """Starting a team's threads: milliseconds on a busy machine."""
    _api.record_team_call(2, 0.0102, 0.0002)        # the first call lost 10 ms
    assert state() == {"serial_left": 0.0, "serial_period": 0.0,
                       "credit": pytest.approx(FRESH - 0.01, rel=1e-3)}
    assert _api.team_threads_for(LARGE, 2) == 2


def test_a_loss_beyond_the_credit_makes_calls_serial_then_one_call_probes(policy):
    _api.record_team_call(2, 0.062, 0.002)          # the team took 60 ms more than one thread
    assert state()["serial_period"] == pytest.approx(0.2, rel=1e-3)   # 20 times the deficit
    assert 0 < state()["serial_left"] <= 0.2 and state()["credit"] == PROBE
    assert _api.team_threads_for(LARGE, 2) == 1
    time.sleep(state()["serial_left"] + 0.01)
    assert _api.team_threads_for(LARGE, 2) == 2     # the probe
    assert _api.team_threads_for(LARGE, 2) == 1     # the others wait for its verdict
    _api.record_team_call(2, 0.001, 0.002)          # the probe gained 1 ms
    assert _api.team_threads_for(LARGE, 2) == 2
    assert state() == {"serial_left": 0.0, "serial_period": pytest.approx(0.2, rel=1e-3),
                       "credit": pytest.approx(PROBE + 0.001, rel=1e-3)}


def test_gains_pay_for_a_stall_now_and_then(policy):
    for _ in range(200):
        _api.record_team_call(2, 0.0005, 0.001)     # each gains 0.5 ms
    assert state()["credit"] == pytest.approx(FRESH)  # banked up to 50 ms
    _api.record_team_call(2, 0.0045, 0.0005)        # a 4 ms stall: paid from the credit
    assert state() == {"serial_left": 0.0, "serial_period": 0.0,
                       "credit": pytest.approx(0.046, rel=1e-3)}
    assert _api.team_threads_for(LARGE, 2) == 2
    _api.record_team_call(2, 0.0605, 0.0005)        # 60 ms: 14 ms more than the credit
    assert state()["credit"] == PROBE
    assert state()["serial_period"] == pytest.approx(0.28, rel=1e-3)
    assert state()["serial_left"] > 0


def test_losing_probes_double_the_period_up_to_one_second(policy):
    _api.record_team_call(2, 0.0601, 0.0001)        # 10 ms beyond a new process's credit
    periods = [state()["serial_period"]]
    for _ in range(4):
        _api.record_team_call(2, 0.0301, 0.0001)    # each probe loses 30 ms: 10 ms beyond
        periods.append(state()["serial_period"])
    assert periods == pytest.approx([0.2, 0.4, 0.8, 1.0, 1.0], rel=1e-3)
    _api.record_team_call(2, 0.0, 0.0001)           # a gain of 0.1 ms between stalls
    assert state() == {"serial_left": 0.0, "serial_period": pytest.approx(1.0, rel=1e-3),
                       "credit": pytest.approx(PROBE + 1e-4, rel=1e-3)}
    _api.record_team_call(2, 0.0201, 0.0001)        # loses 20 ms: paid from the credit
    assert state()["serial_left"] == 0
    _api.record_team_call(2, 0.00021, 0.0001)       # loses 110 us: 10 us more than the credit
    assert state()["serial_period"] == pytest.approx(1.0, rel=1e-3)   # not 20 x 10 us


def test_a_full_credit_halves_the_period_remembered(policy):
    """The team has been winning for a while: contention is over."""
    _api.record_team_call(2, 0.0601, 0.0001)        # 0.2 s serial
    _api.record_team_call(2, 0.0202, 0.0001)        # the probe loses its 20 ms and 0.1 ms more
    assert state()["serial_period"] == pytest.approx(0.4, rel=1e-3)
    _api.record_team_call(2, 0.0, 0.029)            # gains 29 ms: 49 ms of credit
    assert state()["serial_period"] == pytest.approx(0.4, rel=1e-3)
    periods = []
    for _ in range(3):
        _api.record_team_call(2, 0.0, 0.002)        # full, and full again
        periods.append(state()["serial_period"])
    assert periods == pytest.approx([0.2, 0.1, 0.05], rel=1e-3)


def test_a_short_deficit_costs_a_short_serial_period(policy):
    _api.record_team_call(2, 0.05016, 0.0001)       # 60 us more than a new process's credit
    assert state()["serial_period"] == pytest.approx(1.2e-3, rel=1e-3)


def test_small_arrays_losing_do_not_make_large_ones_serial(policy):
    """A team on a small array loses about a microsecond (measured: float32
    sigmoid of 8192 elements, 2.1 us on one thread, 2.8 us on two); the
    gains of large calls pay for it."""
    for i in range(30_000):
        _api.record_team_call(2, 2.8e-6, 2.1e-6)
        if i % 10 == 0:
            _api.record_team_call(2, 120e-6, 240e-6)
    assert state()["serial_left"] == 0 and state()["credit"] > FRESH / 2


def test_calls_on_one_thread_teach_nothing(policy):
    _api.record_team_call(1, 1.0, 0.001)
    assert state() == NOTHING_LEARNT


def test_one_probe_among_concurrent_callers(policy):
    _api.record_team_call(2, 0.0601, 0.0001)
    time.sleep(state()["serial_left"] + 0.01)
    callers = 16
    start = threading.Barrier(callers)
    counts = []

    def call():
        start.wait()
        counts.append(_api.team_threads_for(LARGE, 2))

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
            _api.record_team_call(2, 0.0701, 0.0001)   # 70 ms lost: serial
            time.sleep(0.0005)
            _api.record_team_call(2, 0.0, 0.0001)

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

SPLITS = """
import sys
import numpy as np
import csigmoid
from csigmoid import _api, _cpu

widths = [int(w) for w in sys.argv[1].split(",")]
assert _cpu.max_threads() >= max(widths), _cpu.max_threads()
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
                    _api.record_team_call(2, 0.0, 1.0)   # no serial period: this call runs on the team
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
    if not _cpu.openmp_version():
        pytest.skip("built without OpenMP: nothing is split")
    env = dict(os.environ, OMP_NUM_THREADS="8")
    run = subprocess.run([sys.executable, "-c", SPLITS, "2,3,4,5,8"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert int(run.stdout) == 2 * 6 * 6 * 5
