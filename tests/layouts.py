"""Inputs shared by every test file: the functions, the dtypes, sample values,
and the same values laid out in memory in every way the API must accept.

The Python layer decides, per layout, whether the kernel can read the caller's
buffer as it is or needs a contiguous native copy; each layout below exercises
one branch of that decision (or one way of getting it wrong).
"""

import functools

import numpy as np

import csigmoid
from csigmoid._operations import OPERATIONS
from csigmoid._ufunc import ufuncs

# The unary functions, as csigmoid exports them (sigmoid_and_derivative's
# wrapper returns a (y, dy) tuple).
FUNCTIONS = tuple(getattr(csigmoid, operation.name) for operation in OPERATIONS if operation.nin == 1)
# Every operation's ufunc (for sigmoid_and_derivative the ufunc its wrapper holds).
UFUNCS = tuple(getattr(ufuncs, operation.name) for operation in OPERATIONS)


def function_id(func):
    return func.__name__


FLOAT_DTYPES = tuple(np.dtype(c) for c in "efdg")  # float16/32/64, longdouble
KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))  # what the kernels compute in
# Every integer type code, so that int/long/longlong aliases of one width are all covered.
INTEGER_DTYPES = tuple(np.dtype(c) for c in "?bBhHiIlLqQ")
SUPPORTED_DTYPES = FLOAT_DTYPES + INTEGER_DTYPES
UNSUPPORTED_DTYPES = tuple(
    np.dtype(d) for d in ("F", "D", "G", "O", "U3", "S3", "M8[D]", "m8[s]", [("a", "f8")])
)


def dtype_id(dtype):
    # the scalar type's name tells apart aliases of one width (int64 is also longlong)
    return np.dtype(dtype).type.__name__


def sample_values(dtype, n=61):
    """n values of `dtype` (1-d, native, C-contiguous), deterministic, covering
    the type's extremes and specials, the region where sigmoid bends and
    [0, 1], logit's domain."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        info = np.finfo(dtype)
        special = [
            0.0,
            -0.0,
            np.inf,
            -np.inf,
            np.nan,
            1.0,
            -1.0,
            0.5,
            info.smallest_subnormal,
            -info.smallest_normal,
            info.max,
            -info.max,
        ]
        body = np.concatenate(
            [
                np.linspace(-120, 120, (n - len(special)) // 2),
                np.linspace(0, 1, n - len(special) - (n - len(special)) // 2),
            ]
        )
        with np.errstate(over="ignore"):  # float16 cannot hold +-120 exactly: fine, it rounds
            values = np.concatenate([np.array(special, dtype), body.astype(dtype)])
    elif dtype.kind == "b":
        values = np.arange(n) % 3 == 0
    else:
        info = np.iinfo(dtype)
        edges = np.array([info.min, info.max, 0, 1, info.min + 1, info.max - 1], dtype)
        rng = np.random.default_rng(1234)
        body = rng.integers(
            max(info.min, -50), min(info.max, 50), size=n - len(edges), endpoint=True, dtype=dtype
        )
        values = np.concatenate([edges, body])
    return np.ascontiguousarray(values, dtype=dtype)


def misaligned(values, offset):
    """`values` copied into a view starting `offset` bytes into a uint8 buffer
    (the buffer itself comes from NumPy's allocator, so it is aligned)."""
    nbytes = values.size * values.itemsize
    buffer = np.zeros(nbytes + 16, np.uint8)
    view = buffer[offset : offset + nbytes].view(values.dtype)
    view[...] = values
    return view


def read_only(values):
    copy = values.copy()
    copy.flags.writeable = False
    return copy


# name -> function(values) -> array; `values` is sample_values(...): 1-d, native, >= 60 elements.
LAYOUTS = {
    "contiguous": lambda v: v.copy(),
    "c_order_2d": lambda v: v[:60].reshape(6, 10).copy(order="C"),
    "f_order_2d": lambda v: np.asfortranarray(v[:60].reshape(6, 10)),
    "negative_stride": lambda v: v[::-1],
    "step_2": lambda v: v[::2],
    "step_3": lambda v: v[::3],
    "transposed_3d": lambda v: v[:60].reshape(3, 4, 5).transpose(2, 0, 1),
    "byteswapped": lambda v: v.astype(v.dtype.newbyteorder()),
    **{f"misaligned_{k}": functools.partial(misaligned, offset=k) for k in range(1, 8)},
    "read_only": read_only,
    "zero_d": lambda v: v[:1].reshape(()),
    "empty": lambda v: v[:0],
    "empty_3x0": lambda v: v[:0].reshape(3, 0),
}


def native_copy(a):
    """The plain array a layout should behave like: same values and shape, native, C order."""
    return np.array(a, dtype=a.dtype.newbyteorder("="), order="C")


def assert_identical(actual, expected):
    """Same type, dtype and shape, and the same bits (NaN payloads aside for
    longdouble, whose padding bytes are garbage)."""
    assert type(actual) is type(expected)
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    if actual.dtype.itemsize in (2, 4, 8):
        bits = np.dtype(f"u{actual.dtype.itemsize}")
        np.testing.assert_array_equal(
            np.ascontiguousarray(actual).view(bits), np.ascontiguousarray(expected).view(bits)
        )
    else:
        np.testing.assert_array_equal(actual, expected)  # NaN == NaN here
        np.testing.assert_array_equal(np.signbit(actual), np.signbit(expected))
