"""The adding plugin's own checks, run by tools/ci/check_numpy_suites.sh before the suites.

The substitutions it makes must put csigmoid's ufunc exactly where the other project's
code names NumPy's, and change nothing else that code reads.
"""

import dask.array as da
import numpy as np
import pytest
from csigmoid_ufuncs import UFUNCS, _involves_csigmoid, dask_two_output, with_csigmoid_in_numpy

import csigmoid


def test_the_ufuncs_are_csigmoids_six_under_their_own_names():
    assert set(UFUNCS.values()) == {
        csigmoid.sigmoid,
        csigmoid.sigmoid_derivative,
        csigmoid.log_sigmoid,
        csigmoid.logit,
        csigmoid.sigmoid_backward,
        csigmoid.sigmoid_and_derivative.ufunc,
    }
    assert all(isinstance(u, np.ufunc) and u.__name__ == name for name, u in UFUNCS.items())


def test_a_test_parameter_involves_csigmoid_by_identity_or_by_name():
    assert _involves_csigmoid(csigmoid.logit)
    assert _involves_csigmoid("sigmoid_backward")
    assert not _involves_csigmoid(np.exp)
    assert not _involves_csigmoid("exp")
    assert not _involves_csigmoid(np.float64)


def overlap_test_body(values):
    """Reads np as test_mem_overlap's test bodies do."""
    operands = values.astype(np.int16)
    return np.add, np.invert, np.reciprocal, operands, np.shares_memory, np.complex128


def test_a_test_body_reads_csigmoids_ufunc_and_float_dtypes_through_np():
    binary = with_csigmoid_in_numpy(overlap_test_body, csigmoid.sigmoid_backward)
    add, invert, reciprocal, operands, shares_memory, complex128 = binary(np.arange(3))
    assert add is csigmoid.sigmoid_backward
    assert (invert, reciprocal, shares_memory) == (np.invert, np.reciprocal, np.shares_memory)
    assert operands.dtype == np.float64 and complex128 is np.float64
    unary = with_csigmoid_in_numpy(overlap_test_body, csigmoid.logit)
    add, invert, reciprocal, *_ = unary(np.arange(3))
    assert add is np.add and invert is reciprocal is csigmoid.logit
    # the function itself, and NumPy, are left as they were
    assert overlap_test_body(np.arange(3))[0] is np.add
    assert np.int16(1).dtype == np.dtype("int16")


def test_the_dask_two_output_wrapper_gives_two_lazy_arrays_of_the_ufuncs_values():
    ufunc = csigmoid.sigmoid_and_derivative.ufunc
    wrapper = dask_two_output(ufunc)
    values = np.linspace(-4, 4, 20).reshape(4, 5)
    first, second = wrapper(da.from_array(values, chunks=2))
    assert isinstance(first, da.Array) and isinstance(second, da.Array)
    expected = ufunc(values)
    np.testing.assert_array_equal(first.compute(), expected[0])
    np.testing.assert_array_equal(second.compute(), expected[1])
    assert first.dtype == expected[0].dtype and second.dtype == expected[1].dtype
    # Dask's own np.modf wrapper still computes np.modf
    fraction, _ = da.modf(da.from_array(values, chunks=2))
    np.testing.assert_array_equal(fraction.compute(), np.modf(values)[0])


@pytest.mark.parametrize("namespace", [np, np._core.umath], ids=["np", "np._core.umath"])
def test_numpy_has_none_of_the_names_before_the_plugin_adds_them(namespace):
    # this file runs without the plugin: NumPy's namespaces are as NumPy made them, and
    # the plugin's refusal to hide one of NumPy's names has nothing to refuse today
    assert not set(UFUNCS) & set(vars(namespace))
