"""The kernels' loop machinery, per variant: every way a span is cut up (whole
vectors, the masked last vector, the exponentials computed ahead of the
quotients, non-temporal stores for large outputs and the plain head that
aligns them) gives each element the bits it gets anywhere else.

The reference is the same function on another cut of the same values, so
that any path that rounds differently, skips, repeats or misplaces an
element shows as a difference.
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import csigmoid

from layouts import KERNEL_DTYPES, assert_identical, dtype_id

GENERATOR = (
    Path(__file__).resolve().parent.parent / "csigmoid" / "_kernels" / "include" / "generate_exp_constants.py"
)

# sigma and sigma' go through the vector spans; sigmoid_and_derivative's two outputs as well
SPAN_FUNCTIONS = (csigmoid.sigmoid, csigmoid.sigmoid_derivative)


def values(dtype, n, seed=5):
    """n values of dtype: the region where sigma bends, tails, subnormal results and specials."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-30, 30, n)
    x[::7] = rng.uniform(-760, 760, x[::7].size)
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, -745.0, -100.0, 5e-324]
    x[::53] = np.resize(specials, x[::53].size)
    with np.errstate(over="ignore"):
        return x.astype(dtype)


@pytest.mark.parametrize("func", SPAN_FUNCTIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_every_short_length_and_start_gives_the_same_bits(variant, func, dtype):
    """Lengths 0 to 300 (fewer vectors than the exponentials run ahead, and
    more; every masked tail) from starts 0 to 16 (every alignment of a
    vector), on one thread, against one long call over the same values."""
    x = values(dtype, 400)
    with csigmoid.threads(1):
        whole = func(x)
        for start in range(17):
            for n in range(301):
                assert_identical(func(x[start : start + n]), whole[start : start + n])


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_fused_short_spans_give_the_same_bits(variant, dtype):
    x = values(dtype, 400)
    with csigmoid.threads(1):
        y, dy = csigmoid.sigmoid_and_derivative(x)
        for start in range(17):
            for n in (0, 1, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255):
                got = csigmoid.sigmoid_and_derivative(x[start : start + n])
                assert_identical(got[0], y[start : start + n])
                assert_identical(got[1], dy[start : start + n])


# Outputs of 16 MiB and more per thread are written with non-temporal stores
# (csigmoid/_simd.h, SIMD_STREAM_BYTES); these sizes pass that on one thread
# and on two.
LARGE = {np.dtype(np.float32): 9_000_011, np.dtype(np.float64): 4_500_007}
CHUNK = 100_000


def aligned_view(buffer, n, byte_offset):
    """buffer[i:i + n] for the first i whose address is byte_offset past a
    64-byte boundary (the widest vector's alignment)."""
    i = next(i for i in range(64) if (buffer.ctypes.data + i * buffer.itemsize) % 64 == byte_offset)
    return buffer[i : i + n]


def chunked(func, x):
    """func over x in CHUNK-element calls: small outputs, plain stores."""
    parts = [func(x[i : i + CHUNK]) for i in range(0, x.size, CHUNK)]
    if isinstance(parts[0], tuple):
        return tuple(np.concatenate(p) for p in zip(*parts))
    return np.concatenate(parts)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_large_outputs_give_the_bits_of_small_calls_at_any_alignment(variant, dtype):
    """The streamed body, the plain head that aligns it, and the masked tail,
    with the output at each element offset from a vector boundary, and for
    the fused function with its two outputs aligned alike (both streamed)
    and not (neither)."""
    n = LARGE[dtype]
    size = np.dtype(dtype).itemsize
    x = values(dtype, n)
    expected_y, expected_dy = chunked(csigmoid.sigmoid_and_derivative, x)
    buffer, other = np.empty(n + 64, dtype), np.empty(n + 64, dtype)
    for threads in (1, 2):
        with csigmoid.threads(threads):
            for byte_offset in (0, size, 3 * size, 64 - size):
                out = aligned_view(buffer, n, byte_offset)
                assert_identical(csigmoid.sigmoid(x, out=out), expected_y)
                assert_identical(csigmoid.sigmoid_derivative(x, out=out), expected_dy)
                for other_offset in (byte_offset, (byte_offset + size) % 64):
                    y, dy = csigmoid.sigmoid_and_derivative(
                        x, out=(out, aligned_view(other, n, other_offset))
                    )
                    assert_identical(y, expected_y)
                    assert_identical(dy, expected_dy)


def test_exp_constants_are_what_their_generator_makes():
    """csigmoid/_kernels/include/exp_constants.h (ln2 split, polynomial coefficients and 2**(j/16) tables
    of the vector exponentials) is the output of its generator beside it,
    which fits them with mpmath and measures their error."""
    if not GENERATOR.exists():
        pytest.skip(f"not a source checkout: {GENERATOR} is not here")
    pytest.importorskip("mpmath")
    done = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
