"""The Python layer (csigmoid/_ufunc/ufuncs.pyx), csigmoid's ufuncs and their inner
loops: dtypes, shapes and layouts in, the right type and layout out, `out`,
thread counts, floating-point state and the GIL.  What NumPy's ufunc protocol
adds (keywords, subclasses, duck arrays) is tests/test_protocol.py's; how
accurate the numbers are is tests/test_accuracy.py's business: here results
are only compared with other results of csigmoid (bit for bit) or with
simple exact values."""

import ctypes
import ctypes.util
import inspect
import platform
import re
import subprocess
import sys
import threading
import time
import warnings

import numpy as np
import pytest

import csigmoid
from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_backward, sigmoid_derivative

from layouts import (
    FLOAT_DTYPES,
    FUNCTIONS,
    INTEGER_DTYPES,
    KERNEL_DTYPES,
    LAYOUTS,
    SUPPORTED_DTYPES,
    UNSUPPORTED_DTYPES,
    assert_identical,
    dtype_id,
    function_id,
    native_copy,
    sample_values,
)

F16, F32, F64, LONGDOUBLE = (np.dtype(t) for t in (np.float16, np.float32, np.float64, np.longdouble))

unary = pytest.mark.parametrize("func", FUNCTIONS, ids=function_id)

# (function, which of its outputs gets the array under test): the fused
# function has two `out` slots and each must be checked on its own.
OUT_SLOTS = pytest.mark.parametrize(
    "func, slot",
    [(f, 0) for f in FUNCTIONS] + [(sigmoid_and_derivative, 1)],
    ids=[f.__name__ for f in FUNCTIONS] + ["sigmoid_and_derivative-out1"],
)


def outputs(result):
    """The arrays a unary function returned, always as a tuple."""
    return result if isinstance(result, tuple) else (result,)


def n_outputs(func):
    return 2 if func is sigmoid_and_derivative else 1


def out_argument(func, arrays):
    """The `out` keyword: one array, or the (y_out, dy_out) tuple."""
    return {"out": tuple(arrays) if func is sigmoid_and_derivative else arrays[0]}


def assert_same_results(actual, expected):
    actual, expected = outputs(actual), outputs(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert_identical(a, e)


def result_dtype(dtype):
    """The documented result dtype for an input dtype."""
    dtype = np.dtype(dtype)
    return np.dtype(dtype.char) if dtype.kind == "f" else F64


def ufunc_name(func):
    """The name NumPy's messages give the function."""
    return re.escape(f"ufunc '{func.__name__}'")


def sentinel_outs(func, shape, dtype):
    """Fresh `out` arrays filled with a value no function returns, so that
    any write is visible."""
    return [np.full(shape, 7, dtype) for _ in range(n_outputs(func))]


def on_threads(threads, func, *args, **kwargs):
    """func(*args, **kwargs) with at most `threads` OpenMP threads (None: the default)."""
    with csigmoid.threads(threads):
        return func(*args, **kwargs)


def assert_nothing_written(outs, snapshots):
    for out, snapshot in zip(outs, snapshots):
        if isinstance(out, np.ndarray):
            assert_identical(out, snapshot)
        else:
            assert out == snapshot


# --- dtypes -----------------------------------------------------------------


@unary
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_float32_and_float64_keep_their_dtype_and_shape(func, variant, dtype):
    x = sample_values(dtype)[:60].reshape(3, 4, 5)
    for r in outputs(func(x)):
        assert type(r) is np.ndarray
        assert r.dtype == dtype
        assert r.shape == x.shape


@unary
def test_float16_is_computed_in_float32(func, variant):
    x = sample_values(F16)
    expected = tuple(r.astype(F16) for r in outputs(func(x.astype(F32))))
    assert_same_results(func(x), expected)


@unary
@pytest.mark.parametrize("dtype", INTEGER_DTYPES, ids=dtype_id)
def test_integers_and_bool_are_computed_in_float64(func, variant, dtype):
    x = sample_values(dtype)
    assert_same_results(func(x), func(x.astype(F64)))


@unary
def test_longdouble_gives_longdouble_close_to_float64(func, variant):
    x = sample_values(F64).astype(LONGDOUBLE)
    for r, r64 in zip(outputs(func(x)), outputs(func(x.astype(F64)))):
        assert r.dtype == LONGDOUBLE
        # the float64 kernels are within 4 ulp; longdouble is at least as good
        np.testing.assert_allclose(r.astype(F64), r64, rtol=1e-15, atol=0)


@unary
@pytest.mark.parametrize("dtype", UNSUPPORTED_DTYPES, ids=dtype_id)
def test_unsupported_dtype_raises_type_error_naming_the_function(func, dtype):
    outs = sentinel_outs(func, 3, F64)
    with pytest.raises(TypeError, match=ufunc_name(func)):
        func(np.zeros(3, dtype), **out_argument(func, outs))
    assert_nothing_written(outs, sentinel_outs(func, 3, F64))


@unary
@pytest.mark.parametrize(
    "value, error",
    [
        (None, TypeError),
        ("abc", TypeError),
        ({}, TypeError),
        (object(), TypeError),
        (b"ab", TypeError),
        ([1, "a"], TypeError),
        ([[1.0], [1.0, 2.0]], ValueError),
    ],
    ids=repr,
)
def test_input_that_is_no_real_array_raises_and_writes_nothing(func, value, error):
    outs = sentinel_outs(func, (), F64)
    with pytest.raises(error):
        func(value, **out_argument(func, outs))
    assert_nothing_written(outs, sentinel_outs(func, (), F64))


@unary
@pytest.mark.parametrize("shape", [(1,), (7,), (2, 3, 4), (1, 1, 1, 5), (2, 1, 3, 1, 2)], ids=str)
def test_shape_is_kept(func, variant, shape):
    x = np.linspace(-5, 5, int(np.prod(shape))).reshape(shape)
    flat = outputs(func(x.ravel()))
    for r, r_flat in zip(outputs(func(x)), flat):
        assert r.shape == shape
        assert_identical(r.ravel(), r_flat)


SCALARS = [
    (0.5, np.float64),
    (2, np.float64),
    (True, np.float64),
    (np.float16(0.5), np.float16),
    (np.float32(0.5), np.float32),
    (np.float64(0.5), np.float64),
    (np.longdouble(0.5), np.longdouble),
    (np.int8(-3), np.float64),
    (np.uint64(7), np.float64),
    (np.array(0.5, F32), np.float32),
    (np.array(0.5, ">f8"), np.float64),
    (np.array(2, np.int16), np.float64),
    (np.array(0.5, LONGDOUBLE), np.longdouble),
]


@unary
@pytest.mark.parametrize(
    "value, scalar_type",
    SCALARS,
    ids=[f"{type(v).__name__}-{np.asarray(v).dtype.str}" for v, _ in SCALARS],
)
def test_scalar_and_0d_input_give_a_numpy_scalar(func, variant, value, scalar_type):
    one_element = outputs(func(np.asarray(value).reshape(1)))
    for r, r1 in zip(outputs(func(value)), one_element):
        assert type(r) is scalar_type
        assert_identical(r, r1[0])


@unary
@pytest.mark.parametrize("data", [[-1, 0, 3], [[-1.5, 0.0], [1.0, 2.5]], [True, False]], ids=str)
def test_list_input_gives_a_float64_array(func, variant, data):
    for r, expected in zip(outputs(func(data)), outputs(func(np.array(data, F64)))):
        assert_identical(r, expected)


@unary
@pytest.mark.parametrize("dtype", SUPPORTED_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4, 2)], ids=str)
def test_empty_input_gives_empty_result(func, dtype, shape):
    for r in outputs(func(np.empty(shape, dtype))):
        assert type(r) is np.ndarray
        assert r.shape == shape
        assert r.dtype == result_dtype(dtype)


# --- layouts ----------------------------------------------------------------

LAYOUT_DTYPES = FLOAT_DTYPES + (np.dtype(np.int32), np.dtype(np.bool_))
layout_cases = pytest.mark.parametrize("layout", list(LAYOUTS))
layout_dtypes = pytest.mark.parametrize("dtype", LAYOUT_DTYPES, ids=dtype_id)


@unary
@layout_dtypes
@layout_cases
def test_every_layout_gives_the_contiguous_result(func, variant, dtype, layout):
    x = LAYOUTS[layout](sample_values(dtype))
    assert_same_results(func(x), func(native_copy(x)))


@unary
@layout_dtypes
@layout_cases
def test_input_is_not_modified(func, variant, dtype, layout):
    x = LAYOUTS[layout](sample_values(dtype))
    before = x.copy()
    func(x)
    assert_identical(x, before)


@unary
@pytest.mark.parametrize("dtype", SUPPORTED_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("order", ["C", "F"])
def test_contiguous_input_gives_result_in_the_same_order(func, dtype, order):
    x = np.asarray(sample_values(dtype)[:60].reshape(6, 10), order=order)
    for r in outputs(func(x)):
        assert r.flags[f"{order}_CONTIGUOUS"]


STEPS = [step for step in range(-4, 5) if step != 0]
SIZES = range(65)  # past the widest vector (16 float32) and its tails, several times


@unary
@pytest.mark.parametrize("dtype", (F16,) + KERNEL_DTYPES, ids=dtype_id)
def test_every_stride_and_size_gives_the_elementwise_result(func, variant, dtype):
    """x[::step][:n] (and an `out` with the same step, whose gaps stay
    untouched): every element has the bits it has in one contiguous call
    over all the values, whatever its position in the vector loop or tail."""
    values = sample_values(dtype, n=4 * len(SIZES) + 3)
    everything = outputs(func(values))
    for step in STEPS:
        for n in SIZES:
            x = values[::step][:n]
            expected = tuple(r[::step][:n] for r in everything)
            assert_same_results(func(x), expected)
            buffers = [np.full(values.size, 7, dtype) for _ in expected]
            outs = [b[::step][:n] for b in buffers]
            assert_same_results(func(x, **out_argument(func, outs)), expected)
            for buffer in buffers:
                untouched = np.ones(values.size, bool)
                untouched[::step][:n] = False
                assert (buffer[untouched] == 7).all()


# sizes where the split between two OpenMP threads (shares of a multiple of
# 16 elements, at least 2048 each) changes: one short of it, on it, just past it
SPLIT_SIZES = [2 * 2048 - 1, 2 * 2048, 2 * 2048 + 1, 2 * 2048 + 17, 3 * 2048 + 5, 2 * 32768 + 17]


@unary
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_sizes_around_the_thread_split_give_the_elementwise_result(func, variant, dtype, wide_values):
    values = cast(wide_values[: max(SPLIT_SIZES) * 2], dtype)
    everything = outputs(on_threads(1, func, values))
    for n in SPLIT_SIZES:
        for step in (1, -1, 2):
            x = values[::step][:n]
            expected = tuple(r[::step][:n] for r in everything)
            for threads in (2, None):
                assert_same_results(on_threads(threads, func, x), expected)


# --- out ----------------------------------------------------------------------


@unary
@pytest.mark.parametrize("dtype", FLOAT_DTYPES + (np.dtype(np.int32),), ids=dtype_id)
def test_out_is_filled_and_returned(func, variant, dtype):
    x = sample_values(dtype)[:60].reshape(6, 10)
    outs = sentinel_outs(func, x.shape, result_dtype(dtype))
    result = func(x, **out_argument(func, outs))
    for r, out in zip(outputs(result), outs):
        assert r is out
    assert_same_results(result, func(x))


@unary
@pytest.mark.parametrize("value", [0.5, 2, np.float16(0.5), np.longdouble(0.5)], ids=repr)
def test_out_for_0d_input_is_returned_as_a_0d_array(func, variant, value):
    outs = sentinel_outs(func, (), result_dtype(np.asarray(value).dtype))
    result = func(value, **out_argument(func, outs))
    one_element = outputs(func(np.asarray(value).reshape(1)))
    for r, out, r1 in zip(outputs(result), outs, one_element):
        assert r is out
        assert_identical(r[()], r1[0])


def assert_out_rejected(func, slot, bad, error, match, x=None):
    """func(x, out) with `bad` in `slot` (any other slot valid) raises
    `error` and writes into none of the out arrays."""
    x = sample_values(F64)[:60].reshape(6, 10) if x is None else x
    outs = sentinel_outs(func, x.shape, result_dtype(x.dtype))
    outs[slot] = bad
    snapshots = [o.copy() for o in outs]
    with pytest.raises(error, match=match):
        func(x, **out_argument(func, outs))
    assert_nothing_written(outs, snapshots)


@OUT_SLOTS
@pytest.mark.parametrize("shape", [(10, 6), (60,), (6, 10, 1), ()], ids=str)
def test_out_of_a_shape_the_input_does_not_broadcast_to_raises_value_error(func, slot, shape):
    assert_out_rejected(func, slot, np.full(shape, 7.0), ValueError, "shape")


@OUT_SLOTS
@pytest.mark.parametrize(
    "x_dtype, out_dtype",
    [
        (F64, np.int64),
        (F32, np.int32),
        (F16, np.int16),
        (np.int32, np.int32),
        (F64, np.bool_),
        (LONGDOUBLE, np.uint8),
    ],
    ids=lambda d: np.dtype(d).str,
)
def test_out_the_result_cannot_be_cast_to_raises_type_error_naming_it(func, slot, x_dtype, out_dtype):
    x = sample_values(x_dtype)[:60].reshape(6, 10)
    assert_out_rejected(
        func, slot, np.full(x.shape, 7, out_dtype), TypeError, re.escape(repr(np.dtype(out_dtype))), x=x
    )


@OUT_SLOTS
@pytest.mark.parametrize(
    "x_dtype, out_dtype",
    [
        (F64, F32),
        (F32, F64),
        (F16, F32),
        (np.int32, F32),
        (F64, ">f8"),
        (LONGDOUBLE, F64),
        (F64, LONGDOUBLE),
        (F32, F16),
    ],
    ids=lambda d: np.dtype(d).str,
)
def test_out_of_another_float_type_gets_the_result_cast_to_it(func, slot, variant, x_dtype, out_dtype):
    """As every ufunc does (casting='same_kind'): computed in the input's
    loop, then cast to `out`'s type."""
    x = sample_values(x_dtype)[:60].reshape(6, 10)
    outs = sentinel_outs(func, x.shape, result_dtype(x_dtype))
    outs[slot] = np.full(x.shape, 7, out_dtype)
    with np.errstate(over="ignore"):  # a result beyond out's range becomes inf: asked for
        result = func(x, **out_argument(func, outs))
        expected = tuple(r.astype(o.dtype) for r, o in zip(outputs(func(x)), outs))
    for r, out in zip(outputs(result), outs):
        assert r is out
    np.testing.assert_array_equal(outputs(result)[slot], expected[slot])


@OUT_SLOTS
def test_read_only_out_raises_value_error(func, slot):
    bad = np.full((6, 10), 7.0)
    bad.flags.writeable = False
    assert_out_rejected(func, slot, bad, ValueError, "read-only")


@OUT_SLOTS
def test_out_that_is_not_an_array_raises_type_error(func, slot):
    assert_out_rejected(func, slot, np.full((6, 10), 7.0).tolist(), TypeError, "array")


@pytest.mark.parametrize(
    "make_out, error",
    [
        (lambda a, b: [a, b], TypeError),
        (lambda a, b: (a,), ValueError),
        (lambda a, b: (a, b, np.full_like(a, 7)), ValueError),
        (lambda a, b: a, TypeError),
    ],
    ids=["list", "1-tuple", "3-tuple", "array"],
)
def test_fused_out_that_is_not_a_pair_raises_naming_out(make_out, error):
    x = sample_values(F64)
    a, b = sentinel_outs(sigmoid_and_derivative, x.shape, F64)
    with pytest.raises(error, match="'out'"):
        sigmoid_and_derivative(x, out=make_out(a, b))
    assert_nothing_written((a, b), sentinel_outs(sigmoid_and_derivative, x.shape, F64))


def test_fused_outs_as_two_positional_arguments(variant):
    x = sample_values(F64)
    y_out, dy_out = np.full_like(x, 7), np.full_like(x, 7)
    y, dy = sigmoid_and_derivative(x, y_out, dy_out)
    assert y is y_out and dy is dy_out
    assert_same_results((y, dy), (sigmoid(x), sigmoid_derivative(x)))


def test_fused_outs_interleaved_in_one_buffer_are_accepted(variant):
    # buffer[0::2] and buffer[1::2] share a buffer but no element
    x = sample_values(F64)
    buffer = np.full(2 * x.size, 7.0)
    y, dy = sigmoid_and_derivative(x, out=(buffer[0::2], buffer[1::2]))
    assert_same_results((y, dy), (sigmoid(x), sigmoid_derivative(x)))


@OUT_SLOTS
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("order", ["C", "F"])
def test_in_place_equals_out_of_place(func, slot, variant, dtype, order):
    x = np.asarray(sample_values(dtype)[:60].reshape(6, 10), order=order)
    expected = func(x)
    outs = sentinel_outs(func, x.shape, dtype)
    outs[slot] = x
    assert_same_results(func(x, **out_argument(func, outs)), expected)


def _aliased_input_and_out(kind, values):
    """(x, out): x holding `values`, out a different view of x's memory."""
    n = values.size
    if kind == "out_shifted_forward":
        buffer = np.empty(n + 1, values.dtype)
        x, out = buffer[:n], buffer[1:]
    elif kind == "out_shifted_back":
        buffer = np.empty(n + 1, values.dtype)
        x, out = buffer[1:], buffer[:n]
    elif kind == "out_reversed":
        x = np.empty(n, values.dtype)
        out = x[::-1]
    elif kind == "out_strided_over_x":
        buffer = np.empty(2 * n, values.dtype)
        x, out = buffer[:n], buffer[::2]
    elif kind == "out_transposed":
        # same data pointer, same shape, other element order: not "in place"
        side = int(np.sqrt(n))
        values = values[: side * side].reshape(side, side)
        x = np.empty_like(values)
        out = x.T
    x[...] = values
    return x, out


@OUT_SLOTS
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize(
    "kind",
    ["out_shifted_forward", "out_shifted_back", "out_reversed", "out_strided_over_x", "out_transposed"],
)
def test_out_partially_overlapping_input_equals_fresh_out(func, slot, variant, dtype, kind):
    x, out = _aliased_input_and_out(kind, sample_values(dtype))
    expected = func(x.copy())
    outs = sentinel_outs(func, x.shape, dtype)
    outs[slot] = out
    assert_same_results(func(x, **out_argument(func, outs)), expected)


@OUT_SLOTS
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
def test_strided_out_is_filled_and_its_gaps_left_alone(func, slot, variant, dtype):
    x = sample_values(dtype)
    buffer = np.full(2 * x.size, 7, dtype)
    outs = sentinel_outs(func, x.shape, dtype)
    outs[slot] = buffer[::2]
    assert_same_results(func(x, **out_argument(func, outs)), func(x))
    assert_identical(buffer[1::2], np.full(x.size, 7, dtype))


@unary
@pytest.mark.parametrize("x_order, out_order", [("C", "F"), ("F", "C")])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
def test_out_in_the_other_memory_order(func, variant, dtype, x_order, out_order):
    x = np.asarray(sample_values(dtype)[:60].reshape(6, 10), order=x_order)
    outs = [np.full(x.shape, 7, dtype, order=out_order) for _ in range(n_outputs(func))]
    assert_same_results(func(x, **out_argument(func, outs)), func(x))


LARGE = 1_000_003  # really split between threads, odd tail


@pytest.fixture(scope="module")
def wide_values():
    """LARGE float64 values over [-800, 800] (both float types overflow exp
    there) with special values scattered everywhere, the tail included."""
    rng = np.random.default_rng(2024)
    x = rng.uniform(-800, 800, LARGE)
    specials = np.array(
        [
            0.0,
            -0.0,
            np.inf,
            -np.inf,
            np.nan,
            5e-324,
            -1e-45,
            88.72,
            -88.72,
            103.97,
            -103.97,
            709.78,
            -745.13,
            1e308,
            -1e308,
        ]
    )
    x[rng.choice(LARGE, 5000, replace=False)] = rng.choice(specials, 5000)
    x[-len(specials) :] = specials
    return x


def cast(values, dtype):
    with np.errstate(over="ignore"):  # beyond the type's range: +-inf, on purpose
        return values.astype(dtype)


def needs_two_threads():
    if csigmoid._cpu.features.max_threads() < 2:
        pytest.skip("OpenMP offers one thread here: nothing would run in parallel")


@unary
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_thread_count_does_not_change_any_bit(func, variant, dtype, wide_values):
    needs_two_threads()
    x = cast(wide_values, dtype)
    single = on_threads(1, func, x)
    for threads in (2, None):
        assert_same_results(on_threads(threads, func, x), single)


BLOCK_PATHS = {
    # runs that go through blocks, split over the threads: strided, converted, float16
    "strided-float32": lambda wide: cast(wide, F32)[::3],
    "reversed-float64": lambda wide: wide[::-1],
    "int64": lambda wide: (np.clip(np.nan_to_num(wide), -800, 800) * 1000).astype(np.int64),
    "uint8": lambda wide: np.clip(np.nan_to_num(wide), 0, 255).astype(np.uint8),
    "float16": lambda wide: cast(wide, F16),
}


@unary
@pytest.mark.parametrize("path", list(BLOCK_PATHS))
def test_thread_count_does_not_change_any_bit_through_blocks(func, variant, path, wide_values):
    needs_two_threads()
    x = BLOCK_PATHS[path](wide_values)
    single = on_threads(1, func, x)
    assert_same_results(on_threads(None, func, x), single)
    assert_same_results(single, func(np.ascontiguousarray(x)))


# --- sigmoid_and_derivative ---------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES + (np.dtype(np.int32),), ids=dtype_id)
def test_fused_equals_the_two_separate_functions(variant, dtype, wide_values):
    samples = [sample_values(dtype)]
    if dtype.kind == "f":
        samples.append(cast(wide_values[:100_003], dtype))
    for x in samples:
        assert_same_results(sigmoid_and_derivative(x), (sigmoid(x), sigmoid_derivative(x)))


# --- sigmoid_backward -----------------------------------------------------------


def test_backward_broadcasts(variant):
    g = np.array([[-2.0], [0.5], [3.0]])
    y = np.array([0.0, 0.25, 0.5, 1.0])
    result = sigmoid_backward(g, y)
    assert result.shape == (3, 4)
    # all these products are exact in float64
    assert_identical(result, g * y * (1 - y))
    assert_identical(result, sigmoid_backward(*(a.copy() for a in np.broadcast_arrays(g, y))))


@pytest.mark.parametrize(
    "g_dtype, y_dtype",
    [
        (F32, F32),
        (F16, F16),
        (F64, F64),
        (LONGDOUBLE, LONGDOUBLE),
        (np.bool_, np.bool_),
        (np.int32, np.int32),
        (np.uint8, np.uint8),
        (F32, F64),
        (F64, F32),
        (np.int64, F32),
        (np.int8, F16),
        (np.int16, F16),
        (np.int8, np.int16),
        (np.uint64, np.int64),
        (LONGDOUBLE, F32),
        (F16, F32),
    ],
    ids=lambda d: np.dtype(d).name,
)
def test_backward_result_type_is_numpys_with_integers_as_float64(variant, g_dtype, y_dtype):
    g = np.array([2, 1, 0, 3], g_dtype)
    y = np.array([1, 0, 1, 0], y_dtype)
    expected = result_dtype(np.result_type(g_dtype, y_dtype))
    result = sigmoid_backward(g, y)
    assert result.dtype == expected
    compute = F32 if expected == F16 else expected
    assert_identical(result, sigmoid_backward(g.astype(compute), y.astype(compute)).astype(expected))


@pytest.mark.parametrize("array_dtype", [F16, F32, F64], ids=dtype_id)
def test_backward_python_scalars_keep_the_array_type(variant, array_dtype):
    """Python numbers are weak, as in NumPy's own arithmetic (NEP 50)."""
    g = np.linspace(-1, 1, 5).astype(array_dtype)
    assert sigmoid_backward(g, 0.5).dtype == array_dtype
    assert sigmoid_backward(1.0, g).dtype == array_dtype


@pytest.mark.parametrize("which", ["grad_output", "output"])
@pytest.mark.parametrize("dtype", [np.dtype(np.complex64), np.dtype(np.complex128)], ids=dtype_id)
def test_backward_refuses_complex_naming_the_function(which, dtype):
    arrays = {"grad_output": np.ones(3), "output": np.full(3, 0.5)}
    arrays[which] = arrays[which].astype(dtype)
    with pytest.raises(TypeError, match=ufunc_name(sigmoid_backward)):
        sigmoid_backward(arrays["grad_output"], arrays["output"])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES[:3], ids=dtype_id)
def test_backward_is_within_2_ulp_of_g_y_1_minus_y(variant, dtype):
    # the reference is computed in a wider type, so that its own rounding is negligible
    wide = np.dtype(np.longdouble) if dtype == F64 else F64
    if np.finfo(wide).nmant <= np.finfo(dtype).nmant:
        pytest.skip("no type wider than float64 here for the reference")
    rng = np.random.default_rng(5)
    g = rng.uniform(-10, 10, 10_001).astype(dtype)
    y = rng.uniform(0, 1, 10_001).astype(dtype)
    y[:5] = [0, 1, 0.5, np.finfo(dtype).smallest_subnormal, np.nextafter(dtype.type(1), dtype.type(0))]
    reference = g.astype(wide) * y.astype(wide) * (1 - y.astype(wide))
    ulp = np.spacing(np.abs(reference).astype(dtype)).astype(wide)
    error = np.abs(sigmoid_backward(g, y).astype(wide) - reference)
    assert np.all(error <= 2 * ulp), f"worst: {np.max(error / ulp)} ulp"


@pytest.mark.parametrize(
    "g, y, scalar_type",
    [
        (2.0, 0.5, np.float64),
        (2, 0.5, np.float64),
        (np.float32(2), np.float32(0.5), np.float32),
        (np.float16(2), np.float16(0.5), np.float16),
        (np.longdouble(2), 0.5, np.longdouble),
        (True, 0.5, np.float64),
    ],
    ids=repr,
)
def test_backward_of_scalars_is_a_numpy_scalar(variant, g, y, scalar_type):
    result = sigmoid_backward(g, y)
    assert type(result) is scalar_type
    assert result == float(g) * float(y) * (1 - float(y))


def test_backward_out_is_filled_and_returned(variant):
    g, y = np.linspace(-3, 3, 60).reshape(6, 10), np.linspace(0, 1, 10)
    out = np.full((6, 10), 7.0)
    assert sigmoid_backward(g, y, out) is out
    assert_identical(out, sigmoid_backward(g, y))


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.full((10, 6), 7.0), ValueError, "shape"),
        (np.full((6, 10), 7, np.int64), TypeError, re.escape("dtype('int64')")),
        (np.full((6, 10), 7.0).tolist(), TypeError, "array"),
        ("read-only", ValueError, "read-only"),
    ],
    ids=["shape", "dtype", "list", "read-only"],
)
def test_backward_bad_out_raises_and_writes_nothing(bad, error, match):
    if isinstance(bad, str):
        bad = np.full((6, 10), 7.0)
        bad.flags.writeable = False
    snapshot = bad.copy()
    with pytest.raises(error, match=match):
        sigmoid_backward(np.ones((6, 10)), np.full(10, 0.5), bad)
    assert_nothing_written([bad], [snapshot])


@pytest.mark.parametrize("into", ["grad_output", "output"])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
def test_backward_in_place(variant, into, dtype):
    rng = np.random.default_rng(9)
    g = rng.uniform(-5, 5, 1001).astype(dtype)
    y = rng.uniform(0, 1, 1001).astype(dtype)
    expected = sigmoid_backward(g, y)
    target = g if into == "grad_output" else y
    assert sigmoid_backward(g, y, target) is target
    assert_identical(target, expected)


@pytest.mark.parametrize("kind", ["out_shifted_forward", "out_reversed", "out_strided_over_x"])
def test_backward_out_partially_overlapping_an_input(variant, kind):
    g, out = _aliased_input_and_out(kind, np.linspace(-5, 5, 1001))
    y = np.linspace(0, 1, 1001)
    expected = sigmoid_backward(g.copy(), y)
    assert_identical(sigmoid_backward(g, y, out), expected)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_backward_thread_count_does_not_change_any_bit(variant, dtype, wide_values):
    needs_two_threads()
    g = cast(wide_values, dtype)
    y = sigmoid(g[::-1])
    single = on_threads(1, sigmoid_backward, g, y)
    for threads in (2, None):
        assert_identical(on_threads(threads, sigmoid_backward, g, y), single)


# --- floating-point state -------------------------------------------------------

FP_EDGES = [
    0,
    -0.0,
    1e-45,
    5e-324,
    1e38,
    -1e38,
    1e308,
    -1e308,
    np.inf,
    -np.inf,
    np.nan,
    88.7,
    -88.7,
    103,
    -104,
    745,
    -746,
    1.0,
    0.5,
    1 - 2.0**-53,
    1e-300,
]

FP_CALLS = {
    "sigmoid": sigmoid,
    "sigmoid_derivative": sigmoid_derivative,
    "sigmoid_and_derivative": sigmoid_and_derivative,
    "logit": csigmoid.logit,
    "log_sigmoid": csigmoid.log_sigmoid,
    # y in [0, 1] as a sigmoid gives it: the result is then <= |g| / 4 and cannot overflow
    "sigmoid_backward": lambda x: sigmoid_backward(x, sigmoid(x)),
}


def edge_array(dtype):
    with np.errstate(all="ignore"):  # float16/float32 cannot hold some of them: inf or 0
        return np.array(FP_EDGES).astype(dtype)


@pytest.mark.parametrize("call", list(FP_CALLS))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=dtype_id)
def test_no_floating_point_warnings_and_numpy_error_state_intact(call, variant, dtype):
    x = edge_array(dtype)
    settings = np.geterr()
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        FP_CALLS[call](x)
    assert np.geterr() == settings
    # NumPy still reports a real overflow, once, and nothing stale afterwards
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError):
            np.add(np.float64(1e308), np.float64(1e308))
        np.add(np.float64(1.0), np.float64(1.0))


def _libm():
    path = ctypes.util.find_library("m")
    libm = ctypes.CDLL(path) if path else None
    if libm is None or not hasattr(libm, "fetestexcept"):
        pytest.skip("no C99 <fenv.h> functions reachable through ctypes here")
    return libm


# FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW per machine (<fenv.h> values);
# not FE_INEXACT, which almost any arithmetic, Python's own included, raises.
FE_ERRORS = {
    "x86_64": 0x01 | 0x04 | 0x08 | 0x10,
    "AMD64": 0x01 | 0x04 | 0x08 | 0x10,
    "aarch64": 0x01 | 0x02 | 0x04 | 0x08,
    "arm64": 0x01 | 0x02 | 0x04 | 0x08,
}


@pytest.mark.parametrize("call", list(FP_CALLS))
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_kernels_leave_no_floating_point_flag_raised(call, variant, dtype):
    # NumPy clears the flags before each of its own operations, so only the
    # C library can see flags left behind; the kernels promise to leave none.
    fe_errors = FE_ERRORS.get(platform.machine())
    if fe_errors is None:
        pytest.skip(f"FE_* values not known for {platform.machine()}")
    libm = _libm()
    x = np.resize(edge_array(dtype), LARGE)  # large enough that OpenMP threads share it
    libm.feclearexcept(fe_errors)
    FP_CALLS[call](x)
    assert libm.fetestexcept(fe_errors) == 0


def gradual_underflow():
    # FTZ would flush the subnormal product to 0; DAZ would read the subnormal input as 0
    tiny = np.finfo(np.float64).smallest_normal
    return bool(np.multiply(tiny, 0.5) != 0 and np.add(np.float64(5e-324), 0.0) != 0)


@pytest.mark.parametrize("call", list(FP_CALLS))
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_calls_leave_the_subnormal_mode_alone(call, variant, dtype):
    """No FTZ/DAZ switched on in the calling thread (MXCSR on x86, FPCR on ARM)."""
    assert gradual_underflow()
    FP_CALLS[call](np.resize(edge_array(dtype), LARGE))
    assert gradual_underflow()


def test_import_leaves_the_subnormal_mode_alone(tmp_path):
    """A library linked with -ffast-math switches FTZ/DAZ on for the whole
    process when it is loaded; csigmoid's extensions must not."""
    code = "\n".join(
        [
            "import numpy as np",
            inspect.getsource(gradual_underflow),
            "before = gradual_underflow()",
            "import csigmoid",
            "print(before, gradual_underflow())",
        ]
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert run.stdout.split() == ["True", "True"], run.stderr


# --- threads ----------------------------------------------------------------------


def test_kernel_call_releases_the_gil():
    x = np.linspace(-50, 50, 20_000_000)
    out = np.ones_like(x)  # touched now: no page faults while timed

    def largest_pause_fraction():
        """Run sigmoid in a worker thread while this thread records timestamps
        in a loop of Python code; return the longest stretch of the call
        during which this thread recorded nothing, as a fraction of the call."""
        span = []
        worker = threading.Thread(
            target=lambda: span.extend(
                [time.perf_counter(), on_threads(1, sigmoid, x, out), time.perf_counter()]
            )
        )
        samples = []
        worker.start()
        while worker.is_alive():
            samples.append(time.perf_counter())
        worker.join()
        start, _, end = span
        points = [start] + [t for t in samples if start < t < end] + [end]
        return float(np.max(np.diff(points))) / (end - start)

    # Holding the GIL, the call stops this thread for all of its length but
    # the few ms it takes the two threads to hand the GIL over (measured: a
    # pause of ~0.9 of the call with a GIL-holding stand-in, sorted()).
    # Released, the pauses are ~5 ms switch intervals and OS time slices: a
    # fraction ~0.05 of the ~100 ms call.  (Comparing the two threads' start
    # and end times cannot tell: both record their start before either call
    # takes the GIL.)  Retries only absorb a loaded machine's long time slice.
    best = min(largest_pause_fraction() for _ in range(3))
    assert best < 0.5


def test_expit_is_sigmoid():
    assert csigmoid.expit is csigmoid.sigmoid


def test_log_expit_is_log_sigmoid():
    assert csigmoid.log_expit is csigmoid.log_sigmoid


@pytest.mark.parametrize("name", ["logit", "log_sigmoid", "log_expit"])
def test_family_is_exported(name):
    assert name in csigmoid.__all__
