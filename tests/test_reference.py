"""The exact references (csigmoid/_reference.py): the stored table that
`python -m csigmoid` checks the kernels against, the ulp measure, and the
mpmath definitions the accuracy tests use."""

from fractions import Fraction

import numpy as np
import pytest

from csigmoid._reference import STORED, sigmoid_derivative_mp, sigmoid_mp, ulp_error

mpmath = pytest.importorskip("mpmath")

F16, F32, F64 = (np.dtype(t) for t in (np.float16, np.float32, np.float64))


def agreeing_digits(stored, exact):
    """How many leading significant digits of `stored` (a decimal string) agree
    with `exact`: -log10 of their relative difference."""
    with mpmath.workdps(100):
        difference = abs(mpmath.mpf(stored) - exact)
        if difference == 0:
            return mpmath.inf
        return -mpmath.log10(difference / abs(exact))


@pytest.mark.parametrize("x", sorted(STORED), ids=repr)
def test_stored_values_match_mpmath_at_80_digits(x):
    sigma, slope = STORED[x]
    assert agreeing_digits(sigma, sigmoid_mp(x, dps=80)) >= 38
    assert agreeing_digits(slope, sigmoid_derivative_mp(x, dps=80)) >= 38


@pytest.mark.parametrize("x", sorted(STORED), ids=repr)
def test_stored_points_are_exact_in_float32_and_float64(x):
    # the self-check feeds them to both kernels as they are
    assert float(np.float32(x)) == x
    assert float(np.float64(x)) == x


@pytest.mark.parametrize("x", [-1000.0, -40.0, -2.0, -0.5, 1e-10, 3.0, 40.0, 100.0])
def test_mp_derivative_is_sigma_times_one_minus_sigma(x):
    # 1 - sigma(x) written as sigma(-x): at 80 digits, 1 - sigma(100) would keep only 36
    with mpmath.workdps(80):
        product = sigmoid_mp(x, dps=80) * sigmoid_mp(-x, dps=80)
        slope = sigmoid_derivative_mp(x, dps=80)
        assert abs(slope - product) <= slope * mpmath.mpf(10) ** -75


def test_mp_definitions_at_special_points():
    assert sigmoid_mp(0.0) == mpmath.mpf(0.5)
    assert sigmoid_derivative_mp(0.0) == mpmath.mpf(0.25)
    assert sigmoid_mp(np.inf) == 1
    assert sigmoid_mp(-np.inf) == 0
    assert sigmoid_derivative_mp(np.inf) == 0
    assert sigmoid_derivative_mp(-np.inf) == 0
    # no underflow: mpmath's exponent range is unbounded
    assert sigmoid_mp(-1e6) > 0


@pytest.mark.parametrize("dtype", [F16, F32, F64], ids=str)
def test_ulp_error_of_the_exact_value_is_zero(dtype):
    for value in (
        dtype.type(0.1),
        dtype.type(-3.5),
        np.finfo(dtype).smallest_subnormal,
        np.finfo(dtype).max,
        dtype.type(0),
    ):
        assert ulp_error(value, Fraction(float(value)), dtype) == 0


@pytest.mark.parametrize("dtype", [F16, F32, F64], ids=str)
def test_ulp_error_one_ulp_off_is_one(dtype):
    info = np.finfo(dtype)
    one = dtype.type(1)
    assert ulp_error(one + info.eps, 1, dtype) == 1
    assert ulp_error(-(one + info.eps), -1, dtype) == 1
    # below 1 the spacing halves: one step down is one ulp there ...
    assert ulp_error(one - info.epsneg, Fraction(float(one - 2 * info.epsneg)), dtype) == 1
    # ... and the ulp is that of the exact value, not of the computed one
    assert ulp_error(one, Fraction(float(one - info.epsneg)), dtype) == 1
    assert ulp_error(one - info.epsneg, 1, dtype) == 0.5


@pytest.mark.parametrize("dtype", [F16, F32, F64], ids=str)
def test_ulp_error_below_the_normal_range_counts_subnormal_steps(dtype):
    info = np.finfo(dtype)
    tiny = Fraction(float(info.smallest_subnormal))
    assert ulp_error(dtype.type(0), tiny, dtype) == 1
    assert ulp_error(info.smallest_subnormal, 0, dtype) == 1
    assert ulp_error(3 * info.smallest_subnormal, tiny, dtype) == 2
    assert ulp_error(dtype.type(0), tiny / 4, dtype) == 0.25
    # the spacing is the same on both sides of the smallest normal
    normal = info.smallest_normal
    assert ulp_error(normal, Fraction(float(normal)) - tiny, dtype) == 1
    assert ulp_error(normal, Fraction(float(normal)) + tiny, dtype) == 1


def test_ulp_error_reads_decimal_strings_exactly():
    # 0.1 as a double is 0.1000000000000000055511151231257827...; its ulp is 2**-56
    assert ulp_error(0.1, "0.1", F64) == pytest.approx(float(Fraction("5.5511151231257827e-18") * 2**56))
    assert ulp_error(0.5, "0.5000000000000000000000000000000000000001", F64) == pytest.approx(
        float(Fraction(10) ** -40 * 2**53)
    )
