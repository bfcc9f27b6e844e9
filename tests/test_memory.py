"""Memory: no leaks over 10**5 calls of every function (results and errors
alike), reference counts of inputs and outputs unchanged, and arrays of more
than 2**31 elements computed right (64-bit indices in the kernels and in the
thread split)."""

import gc
import sys
import tracemalloc
import weakref

import numpy as np
import pytest

import csigmoid
from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_backward, sigmoid_derivative

from layouts import assert_identical

CALLS = 100_000
SMALL = 61  # the kernels' vector loop and its scalar tail, one thread
LARGE = 2 * 32768 + 1  # split between two OpenMP threads


def arguments(n):
    """Fresh inputs and outputs for calls on n elements."""
    x = np.linspace(-30, 30, n)
    return {
        "x": x,
        "x32": x.astype(np.float32),
        "x16": x.astype(np.float16),
        "xld": x.astype(np.longdouble),
        "strided": np.repeat(x, 2)[::2],
        "y": sigmoid(x),
        "out": np.empty(n),
        "out1": np.empty(n),
        "out16": np.empty(n, np.float16),
        "wrong_shape": np.empty(n + 1),
        "read_only": np.zeros(n),
        "integers": (x * 100).astype(np.int64),
    }


# name -> call(a) with `a` from arguments(): every function, with and without
# out, the paths that copy or cast, and calls that raise (after allocating
# nothing, or after converting the input).
CASES = {
    "sigmoid": lambda a: sigmoid(a["x"]),
    "sigmoid-out": lambda a: sigmoid(a["x"], a["out"]),
    "sigmoid-float32": lambda a: sigmoid(a["x32"]),
    "sigmoid-float16-out": lambda a: sigmoid(a["x16"], a["out16"]),
    "sigmoid-longdouble": lambda a: sigmoid(a["xld"]),
    "sigmoid-strided": lambda a: sigmoid(a["strided"]),
    "sigmoid-in-place": lambda a: sigmoid(a["out"], a["out"]),
    "sigmoid-scalar": lambda a: sigmoid(0.5),
    "sigmoid-list": lambda a: sigmoid([0.5, 1.0, 2.0]),
    "sigmoid_derivative": lambda a: sigmoid_derivative(a["x"]),
    "sigmoid_derivative-out": lambda a: sigmoid_derivative(a["x"], a["out"]),
    "sigmoid_and_derivative": lambda a: sigmoid_and_derivative(a["x"]),
    "sigmoid_and_derivative-out": lambda a: sigmoid_and_derivative(a["x"], out=(a["out"], a["out1"])),
    "sigmoid_and_derivative-ufunc-path": lambda a: sigmoid_and_derivative(a["strided"]),
    "sigmoid-where": lambda a: sigmoid(a["x"], out=a["out"], where=a["x"] > 0),
    "sigmoid-dtype": lambda a: sigmoid(a["x"], dtype=np.float32),
    "sigmoid-integers": lambda a: sigmoid(a["integers"]),
    "sigmoid_backward": lambda a: sigmoid_backward(a["x"], a["y"]),
    "sigmoid_backward-out": lambda a: sigmoid_backward(a["x"], a["y"], a["out"]),
    "sigmoid_backward-broadcast": lambda a: sigmoid_backward(a["x"], 0.25),
    "error-out-shape": lambda a: sigmoid(a["x"], a["wrong_shape"]),
    "error-out-read-only": lambda a: sigmoid_derivative(a["x"], a["read_only"]),
    "error-dtype": lambda a: sigmoid(a["x"].astype(np.complex64)),
    "error-fused-not-a-pair": lambda a: sigmoid_and_derivative(a["x"], out=[a["out"], a["out1"]]),
    "error-fused-short-tuple": lambda a: sigmoid_and_derivative(a["x"], out=(a["out"],)),
    "error-backward-shape": lambda a: sigmoid_backward(a["x"], a["y"][:-1]),
}


def resident_bytes():
    """Resident set size (Linux), or None."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096
    except OSError:
        return None


def call_repeatedly(call, arrays, n):
    for _ in range(n):
        try:
            call(arrays)
        except (TypeError, ValueError):
            pass


def memory_growth(case, size, calls):
    """(traced bytes gained over calls // 10 calls, resident bytes gained over
    `calls` calls or None), each after a warm-up that fills NumPy's and
    Python's caches and free lists.  Tracing every allocation slows calls
    down some tenfold, hence fewer traced calls: a leak of one 16-byte object
    per call still shows as 16 kB there."""
    arrays = arguments(size)
    arrays["read_only"].flags.writeable = False
    call = CASES[case]
    call_repeatedly(call, arrays, calls // 10)
    gc.collect()
    resident = resident_bytes()
    call_repeatedly(call, arrays, calls)
    gc.collect()
    resident = None if resident is None else resident_bytes() - resident
    tracemalloc.start()
    try:
        call_repeatedly(call, arrays, calls // 100)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0]
        call_repeatedly(call, arrays, calls // 10)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] - traced
    finally:
        tracemalloc.stop()
    return traced, resident


def assert_flat(case, size, calls):
    traced, resident = memory_growth(case, size, calls)
    # allowances: caches settling, well below one leaked object per call
    assert traced < 8 * 1024, f"{case}: {traced} bytes more traced after {calls // 10} calls"
    if resident is not None:
        assert resident < 2 * 1024 * 1024, f"{case}: RSS grew by {resident} bytes over {calls} calls"


@pytest.mark.parametrize("case", list(CASES))
def test_no_leak_on_small_inputs(case):
    assert_flat(case, SMALL, CALLS)


# NumPy's long double arithmetic takes ~16 ms per call on LARGE elements (half
# an hour for CALLS calls); what it allocates does not depend on the size, and
# the small inputs cover it.
LARGE_CASES = [case for case in CASES if "longdouble" not in case]


@pytest.mark.slow
@pytest.mark.parametrize("case", LARGE_CASES)
def test_no_leak_on_large_inputs(case):
    assert_flat(case, LARGE, CALLS)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_reference_counts_unchanged(case, size):
    arrays = arguments(size)
    arrays["read_only"].flags.writeable = False
    before = {name: sys.getrefcount(a) for name, a in arrays.items()}
    for _ in range(3):
        try:
            result = CASES[case](arrays)
        except (TypeError, ValueError):
            result = None
        del result
    assert {name: sys.getrefcount(a) for name, a in arrays.items()} == before


@pytest.mark.parametrize("size", [SMALL, LARGE])
def test_results_are_freed_when_the_caller_drops_them(size):
    x = np.linspace(-1, 1, size)
    results = [
        sigmoid(x),
        sigmoid_derivative(x),
        *sigmoid_and_derivative(x),
        sigmoid_backward(x, x),
        sigmoid(x.astype(np.float16)),
        sigmoid(x[::2]),
    ]
    references = [weakref.ref(r) for r in results]
    del results
    assert [r() for r in references] == [None] * len(references)


# --- more than 2**31 elements ------------------------------------------------------

HUGE = 2**31 + 4099  # past the int32 range, an odd tail
PERIOD = 4099  # odd: x[i] and x[i - 2**31] hold different values


def available_memory():
    try:
        with open("/proc/meminfo") as meminfo:
            fields = dict(line.split(":", 1) for line in meminfo)
        return int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError):
        return None


@pytest.mark.slow
def test_more_than_2_to_the_31_elements():
    """sigmoid then sigmoid_derivative in place over 2**31 + 4099 float32
    (8.6 GB): every element is the small-array result for its value; the
    first call is split between OpenMP threads, the second runs on one."""
    needed = HUGE * 4 + 2**30
    available = available_memory()
    if available is None or available < needed:
        pytest.skip(
            f"needs {needed / 2**30:.1f} GiB of available memory (MemAvailable), "
            f"this machine has {'?' if available is None else f'{available / 2**30:.1f}'} GiB"
        )
    pattern = np.linspace(-20, 20, PERIOD, dtype=np.float32)
    expected = sigmoid_derivative(sigmoid(pattern))
    x = np.empty(HUGE, np.float32)
    rows = HUGE // PERIOD
    x[: rows * PERIOD].reshape(rows, PERIOD)[...] = pattern
    x[rows * PERIOD :] = pattern[: HUGE - rows * PERIOD]
    sigmoid(x, out=x)
    with csigmoid.threads(1):
        sigmoid_derivative(x, out=x)
    block = 1 << 14  # rows per comparison: 256 MB of float32
    for first in range(0, rows, block):
        part = x[first * PERIOD : min(first + block, rows) * PERIOD].reshape(-1, PERIOD)
        assert (part == expected).all(), f"wrong values in rows {first} .. {first + block}"
    assert_identical(x[rows * PERIOD :], expected[: HUGE - rows * PERIOD])
