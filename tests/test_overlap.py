"""Outputs that share memory with an input: every function gives what the
same call on a copy of the input gives, whatever the layout, dtype and
thread count.

NumPy copies an input only where an inner loop that goes element after
element, in order, could not give that result.  An output that trails its
input in one buffer (out=x[:-k] for x[k:]) is left to the loop, which must
then read every value before overwriting it; one that runs ahead (out=x[k:]
for x[:-k]) NumPy copies.  Both directions are checked, so that either
choice of NumPy's is covered.  The reference is always csigmoid's own call
on a copy, not NumPy's: NumPy's own loops get some of these wrong.
"""

import numpy as np
import pytest

import csigmoid

from layouts import assert_identical, dtype_id

UNARY = (
    csigmoid.sigmoid,
    csigmoid.sigmoid_derivative,
    csigmoid.logit,
    csigmoid.log_sigmoid,
)
FUSED = csigmoid.sigmoid_and_derivative.ufunc

# Large enough that every function splits it between threads when it may
# (the most a thread needs is 16 x 2048 elements, float32 sigmoid_backward).
N = 2**17 + 3
SHIFTS = (1, 16, 1000)
DTYPES = tuple(np.dtype(c) for c in "efdg")


def values(dtype, n):
    """n values over the bend of sigma and [0, 1], logit's domain."""
    rng = np.random.default_rng(n)
    raw = np.where(np.arange(n) % 2 == 0, rng.uniform(-12, 12, n), rng.uniform(0, 1, n))
    return raw.astype(dtype)


def shifted(buffer, shift, direction, step):
    """(input, output) views of one buffer, `shift` elements apart: the
    output ahead of the input ("ahead") or behind it ("behind")."""
    lead, trail = buffer[shift * step :: step], buffer[: buffer.size - shift * step : step]
    return (trail, lead) if direction == "ahead" else (lead, trail)


def on_threads(threads, func, *args, **kwargs):
    with csigmoid.threads(threads):
        return func(*args, **kwargs)


directions = pytest.mark.parametrize("direction", ["ahead", "behind"])
shifts = pytest.mark.parametrize("shift", SHIFTS)
steps = pytest.mark.parametrize("step", [1, 2], ids=["contiguous", "step_2"])
threads = pytest.mark.parametrize("threads", [1, None], ids=["1_thread", "default_threads"])


@pytest.mark.parametrize("func", UNARY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@shifts
@directions
@steps
def test_unary_output_overlapping_its_input(func, dtype, shift, direction, step):
    buffer = values(dtype, N * step)
    x, out = shifted(buffer, shift, direction, step)
    expected = func(x.copy())
    assert func(x, out=out) is out
    assert_identical(out, expected)


@pytest.mark.parametrize("dtype", [np.dtype(np.float32), np.dtype(np.float64)], ids=dtype_id)
@shifts
@directions
@threads
def test_every_kernel_variant_with_an_overlapping_output(variant, dtype, shift, direction, threads):
    buffer = values(dtype, N)
    x, out = shifted(buffer, shift, direction, 1)
    expected = csigmoid.sigmoid(x.copy())
    on_threads(threads, csigmoid.sigmoid, x, out=out)
    assert_identical(out, expected)


@pytest.mark.parametrize("slot", [0, 1])
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@shifts
@directions
@steps
def test_fused_output_overlapping_its_input(slot, dtype, shift, direction, step):
    buffer = values(dtype, N * step)
    x, out = shifted(buffer, shift, direction, step)
    expected = FUSED(x.copy())
    other = np.empty_like(out)
    outs = (out, other) if slot == 0 else (other, out)
    result = csigmoid.sigmoid_and_derivative(x, out=outs)
    assert result[0] is outs[0] and result[1] is outs[1]
    assert_identical(result[0], expected[0])
    assert_identical(result[1], expected[1])


@pytest.mark.parametrize("overlapped", ["grad_output", "output"])
@pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
@shifts
@directions
@steps
def test_backward_output_overlapping_an_input(overlapped, dtype, shift, direction, step):
    buffer = values(dtype, N * step)
    shared, out = shifted(buffer, shift, direction, step)
    other = values(dtype, shared.size)[::-1]
    g, y = (shared, other) if overlapped == "grad_output" else (other, shared)
    expected = csigmoid.sigmoid_backward(g.copy(), y.copy())
    assert csigmoid.sigmoid_backward(g, y, out=out) is out
    assert_identical(out, expected)


@shifts
@directions
def test_integer_input_under_a_float64_output_in_one_buffer(shift, direction):
    """int64 values read from the same bytes that the float64 result is
    written to (the integer loops convert as they compute)."""
    buffer = np.random.default_rng(3).integers(-40, 40, N).view(np.float64)
    x, out = shifted(buffer, shift, direction, 1)
    x = x.view(np.int64)
    expected = csigmoid.sigmoid(x.copy())
    csigmoid.sigmoid(x, out=out)
    assert_identical(out, expected)


@pytest.mark.parametrize("func", UNARY, ids=lambda f: f.__name__)
def test_in_place_gives_the_result_into_a_fresh_array(func):
    """The same elements read and written (x computed into itself) are no
    overlap to keep in order: the result is the one into a fresh array."""
    x = values(np.float64, N)
    expected = func(x)
    assert func(x, out=x) is x
    assert_identical(x, expected)
