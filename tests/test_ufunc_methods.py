"""The ufunc methods NumPy gives every ufunc: reduce, accumulate, reduceat,
outer and at.

sigmoid_backward is the one binary function, so the one with reductions:
NumPy defines sigmoid_backward.reduce(y) as the left fold
f(...f(f(y0, y1), y2)..., yn) with f(g, y) = g * y * (1 - y), the chain rule
through successive sigmoid layers.  Each result is checked, bit for bit,
against that definition computed one call at a time (0-d arrays of the loop
type, so each step is csigmoid's own arithmetic for one element).  The unary
functions have no reductions, as np.exp has none; outer and at they have.
"""

import numpy as np
import pytest

import csigmoid

from layouts import FUNCTIONS, INTEGER_DTYPES, assert_identical, dtype_id, function_id

backward = csigmoid.sigmoid_backward
UNARY_UFUNCS = tuple(f.ufunc if f is csigmoid.sigmoid_and_derivative else f for f in FUNCTIONS)
DTYPES = tuple(np.dtype(c) for c in "efdg") + INTEGER_DTYPES


def loop_dtype(dtype):
    """The type sigmoid_backward computes an input of `dtype` in."""
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


def step(acc, y):
    """One element of the fold, as csigmoid computes it (0-d arrays keep the type)."""
    return backward(np.asarray(acc), np.asarray(y, acc.dtype))[()]


def fold(values, dtype, initial=None):
    """The left fold over a 1-d run, in `dtype`, one call per element."""
    values = np.asarray(values).astype(dtype)
    acc = np.asarray(values[0] if initial is None else dtype.type(initial), dtype)
    for y in values[1:] if initial is None else values:
        acc = np.asarray(step(acc, y), dtype)
    return acc[()]


def reduction_input(dtype, shape=(7, 13)):
    rng = np.random.default_rng(7)
    if np.dtype(dtype).kind == "f":
        return rng.uniform(0, 1, shape).astype(dtype)
    if np.dtype(dtype).kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    return rng.integers(0, 3, shape).astype(dtype)


def fold_along(a, axis, dtype, initial=None):
    moved = np.moveaxis(np.asarray(a), axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    out = np.array([fold(row, dtype, initial) for row in flat], dtype)
    return out.reshape(moved.shape[:-1])


def accumulate_along(a, axis, dtype):
    moved = np.moveaxis(np.asarray(a).astype(dtype), axis, -1).copy()
    for i in range(1, moved.shape[-1]):
        moved[..., i] = backward(moved[..., i - 1], moved[..., i])
    return np.moveaxis(moved, -1, axis)


dtypes = pytest.mark.parametrize("dtype", DTYPES, ids=dtype_id)
axes = pytest.mark.parametrize("axis", [0, 1, -1])


@dtypes
@axes
def test_reduce_is_the_left_fold(dtype, axis):
    a = reduction_input(dtype)
    assert_identical(backward.reduce(a, axis=axis), fold_along(a, axis, loop_dtype(dtype)))


@dtypes
def test_reduce_over_all_axes_of_a_vector(dtype):
    a = reduction_input(dtype, (23,))
    assert_identical(backward.reduce(a), fold(a, loop_dtype(dtype)))


@pytest.mark.parametrize("dtype", ["f4", "f8", "g"])
def test_reduce_in_another_dtype(dtype):
    a = np.array([0.5, 0.2, 0.3, 0.9], np.float16)
    assert_identical(backward.reduce(a, dtype=dtype), fold(a, np.dtype(dtype)))


def test_reduce_with_dtype_is_the_left_fold_not_first_with_last():
    # f(x0, x1) then f(., x2): 0.5 * 0.2*0.8 * 0.3*0.7 (f(x0, x2) would be 0.105)
    assert backward.reduce([0.5, 0.2, 0.3], dtype="d") == pytest.approx(0.0168, rel=1e-15)


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_reduce_into_out_with_initial_where_and_keepdims(dtype):
    a = reduction_input(dtype)
    out = np.full((7, 1), 9, dtype)
    assert backward.reduce(a, axis=1, out=out, keepdims=True) is out
    assert_identical(out[:, 0], fold_along(a, 1, np.dtype(dtype)))
    assert_identical(backward.reduce(a, axis=0, initial=2.0), fold_along(a, 0, np.dtype(dtype), 2.0))
    mask = np.arange(13) % 3 != 0
    expected = fold_along(a[:, mask], 1, np.dtype(dtype), 1.0)
    assert_identical(backward.reduce(a, axis=1, where=mask, initial=1.0), expected)


def test_reduce_of_nothing_without_initial_is_refused_as_numpy_refuses_it():
    with pytest.raises(ValueError, match="identity"):
        backward.reduce(np.empty(0))


@dtypes
@axes
def test_accumulate_is_the_running_fold(dtype, axis):
    a = reduction_input(dtype)
    expected = accumulate_along(a, axis, loop_dtype(dtype))
    assert_identical(backward.accumulate(a, axis=axis), expected)


@pytest.mark.parametrize("dtype", ["e", "f", "d"])
def test_accumulate_of_a_long_run_reads_only_what_it_wrote(dtype):
    """float16 goes through conversion blocks; each element must see the one
    just written before it, every run alike."""
    a = np.random.default_rng(1).uniform(0.4, 1, 5000).astype(dtype)
    first = backward.accumulate(a)
    assert_identical(first, accumulate_along(a, 0, np.dtype(dtype)))
    for _ in range(3):
        assert_identical(backward.accumulate(a), first)


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_accumulate_into_the_input_itself(dtype):
    a = reduction_input(dtype, (50,))
    expected = backward.accumulate(a.copy())
    assert backward.accumulate(a, out=a) is a
    assert_identical(a, expected)


@dtypes
def test_reduceat_folds_each_slice(dtype):
    a = reduction_input(dtype, (20,))
    indices = [0, 3, 3, 9, 19, 5]
    expected = []
    for k, start in enumerate(indices):
        stop = indices[k + 1] if k + 1 < len(indices) else a.size
        # NumPy's rule: an index not below the next one gives that element alone
        run = a[start:stop] if start < stop else a[start : start + 1]
        expected.append(fold(run, loop_dtype(dtype)))
    assert_identical(backward.reduceat(a, indices), np.array(expected, loop_dtype(dtype)))


@pytest.mark.parametrize("dtype", ["e", "f", "d", "g"])
def test_outer_is_every_pair(dtype):
    g = np.linspace(-3, 3, 5).astype(dtype)
    y = np.linspace(0, 1, 4).astype(dtype)
    expected = np.array([[step(np.asarray(gi), yj) for yj in y] for gi in g], dtype)
    assert_identical(backward.outer(g, y), expected)


@pytest.mark.parametrize("func", UNARY_UFUNCS, ids=function_id)
def test_unary_outer_is_refused_as_for_np_exp(func):
    with pytest.raises(ValueError, match="binary"):
        func.outer(np.ones(2), np.ones(2))


@pytest.mark.parametrize("func", UNARY_UFUNCS, ids=function_id)
@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_unary_reductions_are_refused_as_for_np_exp(func, method):
    with pytest.raises(ValueError):
        getattr(func, method)(np.ones(3))


def test_reduceat_of_a_unary_function_is_refused():
    with pytest.raises(ValueError):
        csigmoid.sigmoid.reduceat(np.ones(3), [0, 1])


@pytest.mark.parametrize("dtype", ["e", "f", "d", "g"])
def test_at_applies_once_per_index_in_order(dtype):
    """Repeated indices apply the function again to the value already computed."""
    indices = np.array([0, 2, 2, 5, 0, 0])
    start = np.linspace(-4, 4, 6).astype(dtype)
    a = start.copy()
    csigmoid.sigmoid.at(a, indices)
    expected = start.copy()
    for i in indices:
        expected[i] = csigmoid.sigmoid(expected[i : i + 1])[0]
    assert_identical(a, expected)


@pytest.mark.parametrize("dtype", ["f", "d"])
def test_backward_at_folds_repeated_indices(dtype):
    indices = np.array([1, 1, 3, 1])
    y = np.array([0.5, 0.25, 0.75, 0.1], dtype)
    g = np.full(5, 2, dtype)
    expected = g.copy()
    backward.at(g, indices, y)
    for i, yi in zip(indices, y):
        expected[i] = step(expected[i : i + 1].reshape(()), yi)
    assert_identical(g, expected)


@pytest.mark.parametrize("reduction", [True, False])
@pytest.mark.parametrize("dtype", ["e", "f", "d", "g", "i1", "u8", "?"])
def test_resolve_dtypes_with_and_without_reduction(dtype, reduction):
    """A call takes the loop of its input type (integers: out float64); a
    reduction feeds its output back as an input, so it takes the loop of the
    type it computes in."""
    dtype, loop = np.dtype(dtype), loop_dtype(dtype)
    if reduction:
        expected, operands = (loop, loop, loop), (None, dtype, None)
    else:
        expected, operands = (dtype, dtype, loop), (dtype, dtype, None)
    assert backward.resolve_dtypes(operands, reduction=reduction) == expected


@pytest.mark.parametrize("method", ["reduce", "accumulate"])
def test_reductions_of_a_string_array_are_refused_with_a_type_error(method):
    with pytest.raises(TypeError):
        getattr(backward, method)(np.array(["a", "b"]))


@pytest.mark.parametrize("dtype", ["f4", "f8"])
def test_large_reduce_and_accumulate_stay_in_order_on_every_thread_count(variant, dtype):
    a = np.random.default_rng(5).uniform(0.9, 1.0, 100_003).astype(dtype)
    with csigmoid.threads(1):
        serial = backward.reduce(a), backward.accumulate(a)
    assert_identical(backward.reduce(a), serial[0])
    assert_identical(backward.accumulate(a), serial[1])
    assert_identical(serial[1][-1], serial[0])
