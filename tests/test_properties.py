"""Property tests (hypothesis): arrays of every floating dtype and byte order,
every shape from 0-d to empty, values with and without NaN, infinities and
subnormals, for every kernel variant; each element against 60-digit mpmath
within the documented bounds, the fused function bit-identical to the
separate ones, the result in the input's shape and native dtype."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_accuracy import BOUNDS, exact, longdouble_ulp_error

from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_derivative
from csigmoid._reference import sigmoid_derivative_mp, sigmoid_mp, ulp_error

from layouts import assert_identical

mpmath = pytest.importorskip("mpmath")

LONGDOUBLE = np.dtype(np.longdouble)
WIDE_LONGDOUBLE = np.finfo(LONGDOUBLE).nmant > np.finfo(np.float64).nmant
SIZES = (16, 32, 64) + ((LONGDOUBLE.itemsize * 8,) if WIDE_LONGDOUBLE else ())

# in ulps of the result's dtype: float16 is float32's result rounded once more
# (tests/test_accuracy.py, every float16); the longdouble path is NumPy arithmetic
FLOAT16_BOUND = 1.0
LONGDOUBLE_BOUND = 4.0

VALUE_KINDS = list(itertools.product([False, True], repeat=3))

# Far below half the smallest subnormal of every dtype (long double's is
# 2**-16445): exact values smaller than this are measured as if they were
# this, which changes no error measurably and keeps e**-1e308 from becoming a
# fraction with a 10**307-digit denominator.
NEGLIGIBLE = mpmath.mpf(2) ** -20000


@st.composite
def float_arrays(draw, allow_nan, allow_infinity, allow_subnormal):
    dtype = draw(hnp.floating_dtypes(sizes=SIZES))
    shape = draw(hnp.array_shapes(min_dims=0, min_side=0, max_dims=3, max_side=6))
    elements = hnp.from_dtype(
        dtype, allow_nan=allow_nan, allow_infinity=allow_infinity, allow_subnormal=allow_subnormal
    )
    return draw(hnp.arrays(dtype, shape, elements=elements))


def bounds_for(dtype):
    """(sigmoid, sigmoid_derivative) bounds in ulps, and the error measure."""
    if dtype == np.float16:
        return FLOAT16_BOUND, FLOAT16_BOUND, ulp_error
    if dtype.itemsize > 8 and WIDE_LONGDOUBLE:
        return LONGDOUBLE_BOUND, LONGDOUBLE_BOUND, lambda v, e, _: longdouble_ulp_error(v, e)
    return BOUNDS["sigmoid"], BOUNDS["sigmoid_derivative"], ulp_error


def exact_value(mp_value):
    return exact(max(mp_value, NEGLIGIBLE))


def check_against_mpmath(x, y, dy):
    native = x.dtype.newbyteorder("=")
    sigma_bound, slope_bound, error = bounds_for(native)
    for xi, yi, dyi in zip(x.ravel().tolist(), np.ravel(y), np.ravel(dy)):
        if np.isnan(xi):
            assert np.isnan(yi) and np.isnan(dyi), f"x = nan gave {yi}, {dyi}"
            continue
        sigma_error = error(yi, exact_value(sigmoid_mp(xi)), native)
        slope_error = error(dyi, exact_value(sigmoid_derivative_mp(xi)), native)
        assert sigma_error <= sigma_bound, f"sigmoid({xi!r}) = {yi!r}: {sigma_error} ulp"
        assert slope_error <= slope_bound, f"sigmoid_derivative({xi!r}) = {dyi!r}: {slope_error} ulp"


@pytest.mark.parametrize(
    "allow_nan, allow_infinity, allow_subnormal", VALUE_KINDS, ids=lambda v: "yes" if v else "no"
)
def test_every_dtype_shape_and_value(variant, allow_nan, allow_infinity, allow_subnormal):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(float_arrays(allow_nan, allow_infinity, allow_subnormal))
    def check(x):
        before = x.copy()
        y, dy = sigmoid_and_derivative(x)
        assert_identical(x, before)
        native = x.dtype.newbyteorder("=")
        for r in (y, dy):
            assert np.asarray(r).dtype == native
            assert np.shape(r) == x.shape
            assert isinstance(r, np.ndarray) == (x.ndim > 0)
        assert_identical(sigmoid(x), y)
        assert_identical(sigmoid_derivative(x), dy)
        check_against_mpmath(x, y, dy)

    check()
