"""The copy the benchmark compares csigmoid with (csigmoid/_bench/copy_limit.pyx):
every element copied whatever the thread count, and what it cannot copy refused."""

import numpy as np
import pytest

from csigmoid._bench.copy_limit import parallel_copy

from layouts import KERNEL_DTYPES


@pytest.mark.parametrize("dtype", KERNEL_DTYPES)
@pytest.mark.parametrize("size", [0, 1, 17, 100_003])
def test_parallel_copy_copies_every_element(dtype, size):
    src = np.random.default_rng(size).standard_normal(size).astype(dtype)
    dst = np.full_like(src, np.nan)
    # more threads than cache lines of data too: the shares past the end are empty
    for threads in (1, 2, 3, 64):
        dst[...] = np.nan
        parallel_copy(src, dst, threads)
        np.testing.assert_array_equal(dst, src)


def test_parallel_copy_copies_any_c_contiguous_shape_and_a_read_only_source():
    src = np.arange(24.0).reshape(2, 3, 4)
    src.flags.writeable = False
    dst = np.zeros_like(src)
    parallel_copy(src, dst, 2)
    np.testing.assert_array_equal(dst, src)
    # adjacent halves of one buffer are disjoint
    both = np.arange(64.0)
    parallel_copy(both[:32], both[32:], 2)
    np.testing.assert_array_equal(both[32:], both[:32])


def test_parallel_copy_rejects_what_it_cannot_copy():
    src = np.zeros(8)
    with pytest.raises(TypeError, match="float32 or float64"):
        parallel_copy(np.zeros(8, dtype=np.int64), src, 1)
    with pytest.raises(TypeError, match="float32 or float64"):
        parallel_copy(np.zeros(8, dtype=">f8"), src, 1)
    with pytest.raises(TypeError, match="float32 or float64"):
        parallel_copy(np.zeros(16)[::2], src, 1)
    with pytest.raises(TypeError):
        parallel_copy([0.0] * 8, src, 1)
    read_only = np.zeros(8)
    read_only.flags.writeable = False
    unlike = (np.zeros(8, np.float32), np.zeros(8, ">f8"), np.zeros(9), np.zeros((2, 4)), np.zeros(16)[::2])
    for dst in (*unlike, read_only):
        with pytest.raises(ValueError, match="dst must be"):
            parallel_copy(src, dst, 1)
    shared = np.zeros(16)
    for source, dst in ((src, src), (shared[:8], shared[4:12])):
        with pytest.raises(ValueError, match="overlaps"):
            parallel_copy(source, dst, 2)
    with pytest.raises(ValueError, match="threads"):
        parallel_copy(src, np.zeros(8), 0)
