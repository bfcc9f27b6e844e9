"""Slow, exact references for the tests and the main job's self-check.

* ``STORED``: sigma and sigma' at a few points, to 40 significant digits,
  computed once with mpmath (tests/test_reference.py recomputes them), so
  that ``python -m csigmoid`` can check the kernels without mpmath.
* ``ulp_error``: the error of a computed value in units in the last place
  of its dtype, measured exactly with fractions (no rounding in the measure).
* ``sigmoid_mp`` / ``sigmoid_derivative_mp`` / ``sigmoid_and_derivative_mp`` /
  ``sigmoid_backward_mp`` / ``logit_mp`` / ``log_sigmoid_mp``: the mpmath
  definitions the tests use, one per operation of csigmoid._operations
  (mpmath is imported only when they are called).
"""

from decimal import Decimal
from fractions import Fraction

import numpy as np

# x (exactly representable in float32 and float64) -> (sigma(x), sigma'(x)), 40 digits
STORED = {
    -1000.0: (
        "5.075958897549456765291809479574336919306e-435",
        "5.075958897549456765291809479574336919306e-435",
    ),
    -745.0: (
        "2.822350730471937076353440082059782620824e-324",
        "2.822350730471937076353440082059782620824e-324",
    ),
    -100.0: (
        "3.720075976020835962959695803863118337359e-44",
        "3.720075976020835962959695803863118337359e-44",
    ),
    -40.0: ("4.248354255291588977280720904404506371435e-18", "4.248354255291588959232207025950354801666e-18"),
    -2.0: ("0.1192029220221175559402708586976032047936", "0.1049935854035065173486241847604253612293"),
    -0.5: ("0.3775406687981454353610994342544915212467", "0.2350037122015944890693026950210069441901"),
    0.0: ("0.5000000000000000000000000000000000000000", "0.2500000000000000000000000000000000000000"),
    0.5: ("0.6224593312018545646389005657455084787533", "0.2350037122015944890693026950210069441901"),
    2.0: ("0.8807970779778824440597291413023967952064", "0.1049935854035065173486241847604253612293"),
    20.0: (
        "0.9999999979388463818097964185691378705254",
        "0.000000002061153613941849343652294605392857098312",
    ),
    40.0: ("0.9999999999999999957516457447084110227193", "4.248354255291588959232207025950354801666e-18"),
    100.0: ("1.000000000000000000000000000000000000000", "3.720075976020835962959695803863118337359e-44"),
}


def ulp_error(value, exact, dtype):
    """|value - exact| in ulps of `dtype` at `exact` (subnormal spacing below
    the normal range); `exact` is a Fraction or a decimal string."""
    info = np.finfo(dtype)
    exact = Fraction(Decimal(exact)) if isinstance(exact, str) else Fraction(exact)
    magnitude = abs(exact)
    if magnitude == 0:
        exponent = info.minexp
    else:
        exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
        if Fraction(2) ** exponent > magnitude:
            exponent -= 1
        exponent = max(exponent, info.minexp)
    ulp = Fraction(2) ** (exponent - info.nmant)
    return float(abs(Fraction(float(value)) - exact) / ulp)


def sigmoid_mp(x, dps=60):
    """sigma(x) as an mpmath number at `dps` digits (x: any float, inf or nan)."""
    import mpmath

    with mpmath.workdps(dps):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(float(x))))


def sigmoid_derivative_mp(x, dps=60):
    """sigma'(x) = e^-|x| / (1 + e^-|x|)^2 as an mpmath number."""
    import mpmath

    with mpmath.workdps(dps):
        t = mpmath.exp(-abs(mpmath.mpf(float(x))))
        return t / (1 + t) ** 2


def sigmoid_and_derivative_mp(x, dps=60):
    """(sigma(x), sigma'(x)) as mpmath numbers."""
    return sigmoid_mp(x, dps), sigmoid_derivative_mp(x, dps)


def sigmoid_backward_mp(grad_output, y, dps=60):
    """grad_output * y * (1 - y) as an mpmath number at `dps` digits."""
    import mpmath

    with mpmath.workdps(dps):
        y = mpmath.mpf(float(y))
        return mpmath.mpf(float(grad_output)) * y * (1 - y)


def logit_mp(p, dps=60):
    """log(p / (1 - p)) as an mpmath number: -inf at 0, +inf at 1, NaN outside [0, 1].

    1 - p is exact at this precision for any float p, so nothing cancels.
    """
    import mpmath

    with mpmath.workdps(dps):
        p = mpmath.mpf(float(p))
        if mpmath.isnan(p) or p < 0 or p > 1:
            return mpmath.nan
        if p == 0:
            return mpmath.ninf
        if p == 1:
            return mpmath.inf
        return mpmath.log(p) - mpmath.log(1 - p)


def log_sigmoid_mp(x, dps=60):
    """log(sigma(x)) = -log1p(e^-x) as an mpmath number."""
    import mpmath

    with mpmath.workdps(dps):
        return -mpmath.log1p(mpmath.exp(-mpmath.mpf(float(x))))
