"""Accuracy of the kernels (csigmoid/_kernels.pxi), per kernel variant: the
documented error bounds, the special values, gradual underflow, monotonicity,
and sigmoid_backward's bound.

Errors are in ulps of the result's dtype at the exact value; below the normal
range the ulp is the smallest subnormal, so subnormal results are held to the
same bounds as normal ones.
"""
import os
import queue
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np
import pytest

from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_backward, sigmoid_derivative
from csigmoid._reference import STORED, sigmoid_derivative_mp, sigmoid_mp, ulp_error
from layouts import KERNEL_DTYPES, assert_identical, dtype_id

F16, F32, F64, LONGDOUBLE = (np.dtype(t) for t in (np.float16, np.float32, np.float64, np.longdouble))

# The promises of the docstrings and the README, in ulps.
BOUNDS = {"sigmoid": 2.0, "sigmoid_derivative": 4.0}
BACKWARD_BOUND = 2.0


class Tally:
    """The worst error per function over a set of inputs, and every broken rule."""

    def __init__(self, bounds=BOUNDS):
        self.bounds = bounds
        self.worst = {name: (0.0, None) for name in bounds}
        self.over = {name: [] for name in bounds}     # (x, error) over the bound: a few, for the message
        self.failures = []

    def add(self, name, x, errors):
        """errors[i]: the ulp error of `name` at x[i] (a NaN error counts as the
        worst); x is an array of inputs or a tuple of arrays (the arguments)."""
        if errors.size == 0:
            return
        i = int(np.argmax(errors))                    # argmax picks a NaN first
        if not errors[i] <= self.worst[name][0]:
            self.worst[name] = (float(errors[i]), arguments(x, i))
        if not errors[i] <= self.bounds[name]:
            bad = np.flatnonzero(~(errors <= self.bounds[name]))
            self.over[name].extend((arguments(x, j), float(errors[j])) for j in bad[:5])
            self.failures.append(f"{name}: {bad.size} values over {self.bounds[name]:g} ulp")

    def fail(self, message, x):
        """Record a broken rule with (the first few of) the inputs that break it."""
        self.failures.append(f"{message}, e.g. x = {[float(v) for v in np.ravel(x)[:5]]}")

    def expect_exact(self, what, x, values, expected):
        """Every one of `values` has the bits of `expected` (so +0 is told from -0)."""
        target = np.array(expected, values.dtype).view(f"u{values.dtype.itemsize}")
        wrong = values.view(target.dtype) != target
        if wrong.any():
            self.fail(f"{what} is not {expected!r} for {np.count_nonzero(wrong)} values", x[wrong])

    def merge(self, other):
        for name, (error, x) in other.worst.items():
            if not error <= self.worst[name][0]:
                self.worst[name] = (error, x)
            self.over[name] += other.over[name]
        self.failures += other.failures

    def check(self):
        lines = list(self.failures)
        for name, over in self.over.items():
            lines += [f"  {name}{args}: {e:.3f} ulp" for args, e in over[:10]]
        assert not lines, "\n".join(lines)


def arguments(x, i):
    """The arguments of the i-th call, as a tuple of floats."""
    return tuple(float(a[i]) for a in x) if isinstance(x, tuple) else (float(x[i]),)


def ulp_errors(values, reference, ulp, out=None):
    """|values - reference| / ulp, in the reference's precision (at least float64)."""
    errors = np.subtract(values, reference, out=out,
                         dtype=None if out is not None else np.result_type(reference, F64))
    np.abs(errors, out=errors)
    errors /= ulp
    return errors


EXPONENT_FIELD = np.uint64(0x7FF0_0000_0000_0000)


def ulp_at(reference, dtype, out=None):
    """The ulp of `dtype` (a float type no wider than float64) at the exact
    values that `reference` (positive, float64 or wider) approximates to a
    relative 2**-50 or better: 2**(exponent - nmant), at least the smallest
    subnormal.

    The exponent is read at reference * (1 - 2**-48), so that a reference
    rounded up to a power of two still gets the ulp of the binade below:
    errors are never understated (they are overstated twofold for exact
    values less than 2**-48 above a power of two).
    """
    info = np.finfo(dtype)
    ulp = np.multiply(reference, 1 - 2.0**-48, out=out, dtype=F64)
    np.bitwise_and(ulp.view(np.uint64), EXPONENT_FIELD, out=ulp.view(np.uint64))
    ulp *= 2.0 ** -info.nmant
    return np.maximum(ulp, float(info.smallest_subnormal), out=ulp)


def exact(mp_value):
    """An mpmath number as an exact Fraction (for ulp_error)."""
    mantissa, exponent = mp_value.man_exp
    return Fraction(mantissa) * Fraction(2) ** exponent


def assert_special(values, expected):
    """NaN where expected is NaN, else exactly the bits of expected (+0 is not -0)."""
    expected = np.asarray(expected, values.dtype)
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(values), nan)
    assert_identical(values[~nan], expected[~nan])


# --- float32: every value ------------------------------------------------------------

def f32_bits(value):
    return int(np.float32(value).view(np.uint32))


F32_SIGN = np.uint32(0x8000_0000)
F32_INF = f32_bits(np.inf)             # magnitudes above this bit pattern are NaNs
# Magnitudes measured against the reference.  Below 2**-26, sigma(x) =
# 0.5 + x/4 - ... is within 2**-28 of 0.5, nearer than half its float32
# spacing on either side (2**-25 above, 2**-26 below), and sigma'(x) =
# 0.25 - x*x/16 + ... within 2**-54 of 0.25; above 104, e**-x < 2**-150 is
# below half the smallest subnormal, so sigma is 1 or +0 and sigma' is +0.
# Those correctly rounded values (within 1/8 ulp of the exact ones) are
# checked bit for bit instead, which is ~10 times cheaper.
BAND_LO = f32_bits(2.0**-26)
BAND_HI = f32_bits(104.0)
CHUNK = 1 << 21                        # magnitudes per task: 128 MB of buffers per worker
WORKERS = min(4, os.cpu_count() or 1)


class Workspace:
    """One worker's buffers, reused from chunk to chunk (fresh arrays would
    cost a page fault per 4 kB, more than the arithmetic)."""

    def __init__(self):
        self.counting = np.arange(CHUNK, dtype=np.uint32)
        self.bits = np.empty(2 * CHUNK, np.uint32)
        self.y = np.empty(2 * CHUNK, np.float32)
        self.dy = np.empty(2 * CHUNK, np.float32)
        self.wide = np.empty((5, CHUNK))


def float32_chunk(start, work):
    """Check the float32 of magnitude bit patterns start .. start+CHUNK-1, both signs.

    Returns the Tally and (sigma(+first), sigma(+last), sigma(-first), sigma(-last))
    of the non-NaN magnitudes (None if there are none), for the caller to
    check monotonicity from chunk to chunk.
    """
    tally = Tally()
    n = CHUNK
    np.add(work.counting, np.uint32(start), out=work.bits[:n])
    np.bitwise_or(work.bits[:n], F32_SIGN, out=work.bits[n:])
    x = work.bits.view(np.float32)
    # one thread per call: the workers already keep every core busy
    y, dy = sigmoid_and_derivative(x, out=(work.y, work.dy), num_threads=1)
    xp, xn, yp, yn, dyp, dyn = x[:n], x[n:], y[:n], y[n:], dy[:n], dy[n:]

    def local(bits):
        return min(max(bits - start, 0), n)

    low, high, nan = local(BAND_LO), local(BAND_HI + 1), local(F32_INF + 1)
    small, band, large = slice(0, low), slice(low, high), slice(high, nan)
    for xs, ys, dys in ((xp, yp, dyp), (xn, yn, dyn)):
        tally.expect_exact("sigma(|x| < 2**-26)", xs[small], ys[small], 0.5)
        tally.expect_exact("sigma'(|x| < 2**-26)", xs[small], dys[small], 0.25)
        tally.expect_exact("sigma'(|x| > 104)", xs[large], dys[large], 0.0)
        is_nan = np.isnan(ys[nan:]) & np.isnan(dys[nan:])
        if not is_nan.all():
            tally.fail("sigma or sigma' of a NaN is not NaN", xs[nan:][~is_nan])
    tally.expect_exact("sigma(x > 104)", xp[large], yp[large], 1.0)
    tally.expect_exact("sigma(x < -104)", xn[large], yn[large], 0.0)

    if high > low:
        k = high - low
        lower, upper, slope, ulp, errors = (w[:k] for w in work.wide)
        # reference: float64 NumPy, relative error a few 2**-53 < 2**-27 float32 ulp
        np.negative(xp[band], out=lower)
        np.exp(lower, out=lower)                       # t = e**-|x|
        np.add(lower, 1.0, out=upper)
        np.divide(1.0, upper, out=upper)               # sigma(|x|) = 1/(1+t)
        np.multiply(lower, upper, out=lower)           # sigma(-|x|) = t/(1+t)
        np.multiply(lower, upper, out=slope)           # sigma'(+-x) = t/(1+t)**2
        # exact sigma(|x|) is in [0.5, 1): ulp 2**-24 (the float64 1/(1+t) is 1.0 beyond x ~ 37)
        tally.add("sigmoid", xp[band], ulp_errors(yp[band], upper, 2.0**-24, out=errors))
        ulp_at(lower, F32, out=ulp)
        tally.add("sigmoid", xn[band], ulp_errors(yn[band], lower, ulp, out=errors))
        ulp_at(slope, F32, out=ulp)
        tally.add("sigmoid_derivative", xp[band], ulp_errors(dyp[band], slope, ulp, out=errors))
        tally.add("sigmoid_derivative", xn[band], ulp_errors(dyn[band], slope, ulp, out=errors))
        # sigma never decreases: along growing magnitudes it goes up for x > 0
        # and down for x < 0 (outside the band it is constant, checked above)
        if not np.all(yp[1:nan] >= yp[:nan - 1]):
            tally.fail("sigma decreases", xp[1:nan][yp[1:nan] < yp[:nan - 1]])
        if not np.all(yn[1:nan] <= yn[:nan - 1]):
            tally.fail("sigma decreases", xn[1:nan][yn[1:nan] > yn[:nan - 1]])
    ends = (yp[0], yp[nan - 1], yn[0], yn[nan - 1]) if nan else None
    return tally, ends


def sweep_float32():
    """All 2**32 float32 bit patterns, each computed for both signs in one
    sigmoid_and_derivative call per chunk of CHUNK magnitudes, the chunks
    shared among WORKERS threads (NumPy and csigmoid release the GIL)."""
    workspaces = queue.SimpleQueue()
    for _ in range(WORKERS):
        workspaces.put(Workspace())

    def task(start):
        work = workspaces.get()
        try:
            return float32_chunk(start, work)
        finally:
            workspaces.put(work)

    tally = Tally()
    previous = (np.float32(0.5),) * 4              # sigma(+-0), before the first chunk
    with ThreadPoolExecutor(WORKERS) as pool:
        for start, (part, ends) in zip(range(0, 1 << 31, CHUNK),
                                       pool.map(task, range(0, 1 << 31, CHUNK))):
            tally.merge(part)
            if ends is None:
                continue
            if not (ends[0] >= previous[1] and ends[2] <= previous[3]):
                tally.fail("sigma decreases between chunks",
                           np.array([start, start | F32_SIGN], np.uint32).view(np.float32))
            previous = ends
    return tally


def test_float32_exhaustive(variant):
    """Every float32 (full coverage, no stride): sigma <= 2 ulp and sigma' <= 4 ulp,
    measured on |x| in [2**-26, 104] and exact outside it; sigma non-decreasing
    (so, with sigma(-inf) = +0 and sigma(inf) = 1 checked, in [0, 1]); NaN for
    every NaN."""
    sweep_float32().check()


# --- float64: dense samples against long double ----------------------------------------

def runs_around(centers, half_width):
    """half_width consecutive float64 on either side of each (positive) center, ascending."""
    bits = np.asarray(centers, F64).view(np.int64)[:, None] + np.arange(-half_width, half_width)
    return bits.ravel().view(F64)


def dense_float64():
    """~3.1 million float64, sorted and distinct: log-uniform magnitudes from
    1e-320 to 800, dense ranges at the edges, and runs of consecutive floats
    where the exponential's range reduction switches k (|x| = (k + 1/2) ln 2)."""
    rng = np.random.default_rng(64)
    magnitudes = np.exp(rng.uniform(np.log(1e-320), np.log(800.0), 700_000))
    switches = runs_around((np.arange(1076) + 0.5) * np.log(2.0), 256)
    info = np.finfo(F64)
    positive = np.concatenate([
        magnitudes, switches,
        [info.smallest_subnormal, 2 * info.smallest_subnormal, info.smallest_normal, 1e-300, 1.0],
    ])
    values = np.concatenate([
        positive, -positive, [0.0],
        np.linspace(-746, -708, 200_001),             # subnormal results and underflow to 0
        np.linspace(-40, -36, 100_001),               # where 1 + e**-|x| stops rounding to 1
        np.linspace(36, 40, 100_001),                 # where sigma rounds to 1
        np.linspace(-1, 1, 200_001),
    ])
    return np.unique(values)


@pytest.fixture(scope="module")
def float64_reference():
    """(x, sigma, sigma', ulp of sigma, ulp of sigma') with the references in
    long double (x86-64: 64-bit significands, relative error ~2**-61; measured
    against mpmath, the errors come out within 2**-9 ulp of float64)."""
    if np.finfo(LONGDOUBLE).nmant < 63:
        pytest.skip("long double has fewer than 64 significant bits here: no reference fine enough")
    x = dense_float64()
    t = np.exp(-np.abs(x.astype(LONGDOUBLE)))
    s = 1 + t
    upper, lower = 1 / s, t / s
    sigma = np.where(x >= 0, upper, lower)
    slope = lower * upper
    # exact sigma(x >= 0) is in [0.5, 1): ulp 2**-53 (the long double 1/(1+t) is 1 beyond x ~ 44)
    sigma_ulp = np.where(x >= 0, 2.0**-53, ulp_at(lower, F64))
    return x, sigma, slope, sigma_ulp, ulp_at(slope, F64)


def test_float64_dense(variant, float64_reference):
    """sigma <= 2 ulp and sigma' <= 4 ulp, and sigma non-decreasing, over the
    dense float64 samples."""
    x, sigma, slope, sigma_ulp, slope_ulp = float64_reference
    y, dy = sigmoid_and_derivative(x)
    tally = Tally()
    tally.add("sigmoid", x, ulp_errors(y, sigma, sigma_ulp))
    tally.add("sigmoid_derivative", x, ulp_errors(dy, slope, slope_ulp))
    if not np.all(y[1:] >= y[:-1]):
        tally.fail("sigma decreases", x[1:][y[1:] < y[:-1]])
    tally.check()


# --- mpmath -------------------------------------------------------------------------------

def mpmath_points(dtype):
    """~2500 finite x of `dtype`: random where sigma and sigma' are neither
    constant nor 0, uniform on [-40, 40], and the edges with their neighbours."""
    rng = np.random.default_rng(7 if dtype == F32 else 8)
    info = np.finfo(dtype)
    if dtype == F32:
        bits = rng.integers(BAND_LO, BAND_HI, 2000, endpoint=True, dtype=np.uint32)
        bits[::2] |= F32_SIGN
        random = bits.view(F32)
    else:
        magnitudes = np.exp(rng.uniform(np.log(1e-300), np.log(750.0), 2000))
        random = np.where(np.arange(2000) % 2 == 0, -magnitudes, magnitudes)
    # x = k ln 2: sigma(x) ~ e**x at half the smallest subnormal, the smallest
    # subnormal, the smallest normal; e**-|x| one ulp and half an ulp below 1
    # (sigma(-x) ~ e**-|x| while 1 - sigma(x) vanishes); e**x overflowing
    p, low = info.nmant + 1, info.minexp
    powers = np.array([low - p, low - p + 1, low, -p, p, p + 1, info.maxexp])
    edges = (powers * np.log(2.0)).astype(dtype)
    edges = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf),
                            np.array([0.5, -0.5, 1, -1, 90, 100, 2.0**-25, -(2.0**-25)], dtype),
                            [info.smallest_subnormal, -info.smallest_subnormal, info.smallest_normal]])
    return np.concatenate([random, edges, rng.uniform(-40, 40, 500).astype(dtype)])


@pytest.fixture(scope="module")
def mpmath_reference():
    """dtype -> (x, exact sigma, exact sigma') with 60-digit mpmath values as Fractions."""
    pytest.importorskip("mpmath")
    reference = {}
    for dtype in KERNEL_DTYPES:
        x = mpmath_points(dtype)
        reference[dtype] = (x, [exact(sigmoid_mp(v)) for v in x.tolist()],
                            [exact(sigmoid_derivative_mp(v)) for v in x.tolist()])
    return reference


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_against_mpmath(variant, dtype, mpmath_reference):
    """sigma and sigma' within their bounds of 60-digit mpmath values, errors
    measured exactly (with fractions)."""
    x, sigma, slope = mpmath_reference[dtype]
    y, dy = sigmoid_and_derivative(x)
    tally = Tally()
    for name, values, exact_values in (("sigmoid", y, sigma), ("sigmoid_derivative", dy, slope)):
        tally.add(name, x, np.array([ulp_error(v, e, dtype) for v, e in zip(values, exact_values)]))
    tally.check()


# --- special values, underflow, the upper tail ---------------------------------------------

@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_special_values(variant, dtype):
    x = np.array([np.inf, -np.inf, np.nan, -np.nan, 0.0, -0.0], dtype)
    y, dy = sigmoid_and_derivative(x)
    assert_special(y, [1.0, 0.0, np.nan, np.nan, 0.5, 0.5])
    assert_special(dy, [0.0, 0.0, np.nan, np.nan, 0.25, 0.25])


@pytest.mark.parametrize("dtype, x", [
    (F32, [17.5, 20.0, 88.8, 104.0, 1e30, np.finfo(F32).max]),
    (F64, [37.5, 40.0, 710.0, 746.0, 1e300, np.finfo(F64).max]),
], ids=["float32", "float64"])
def test_sigmoid_is_one_and_derivative_zero_far_right(variant, dtype, x):
    # there 1 - sigma(x) = e**-x + ... is below half the spacing under 1; sigma'
    # underflows to +0 only beyond 104 (float32) and 745 (float64)
    x = np.array(x, dtype)
    assert_special(sigmoid(x), np.ones_like(x))
    beyond = x > (104 if dtype == F32 else 746)
    assert_special(sigmoid_derivative(x[beyond]), np.zeros(np.count_nonzero(beyond)))
    assert_special(sigmoid(-x[beyond]), np.zeros(np.count_nonzero(beyond)))


@pytest.mark.parametrize("dtype, x", [(F32, -100.0), (F64, -745.0)], ids=["float32", "float64"])
def test_subnormal_results_are_kept(variant, dtype, x):
    """sigma(x) = sigma'(x) ~ e**x: subnormal here, within bounds and not flushed to 0
    (float32 sigma(-100) = 3.7200760e-44; float64 sigma(-745) = 2.8e-324, which
    rounds to the smallest subnormal, 5e-324)."""
    y, dy = sigmoid_and_derivative(np.array([x], dtype))
    sigma, slope = STORED[x]
    assert y[0] > 0
    assert ulp_error(y[0], sigma, dtype) <= BOUNDS["sigmoid"]
    assert ulp_error(dy[0], slope, dtype) <= BOUNDS["sigmoid_derivative"]


@pytest.mark.parametrize("dtype, x", [(F32, -104.0), (F32, -1000.0), (F64, -746.0), (F64, -1000.0)],
                         ids=repr)
def test_sigmoid_underflows_to_plus_zero_below_half_the_smallest_subnormal(variant, dtype, x):
    assert_special(sigmoid(np.array([x], dtype)), [0.0])


@pytest.mark.parametrize("x", [90.0, -90.0])
def test_float32_derivative_at_90_is_e_to_the_minus_90(variant, x):
    """sigma'(+-90) = e**-90 ~ 8.2e-40, a float32 subnormal.  The usual
    y * (1 - y) form gives 0 at +90, where y rounds to 1."""
    dy = sigmoid_derivative(np.array([x], F32))[0]
    assert dy > 0
    assert ulp_error(dy, exact(sigmoid_derivative_mp(x)), F32) <= BOUNDS["sigmoid_derivative"]


# --- the fused function, float16, long double ------------------------------------------------

def fused_inputs(dtype):
    """Random bit patterns (every kind of value) and log-uniform magnitudes of both signs."""
    rng = np.random.default_rng(16)
    uint = np.dtype(f"u{dtype.itemsize}")
    bits = rng.integers(0, np.iinfo(uint).max, 1 << 18, dtype=uint, endpoint=True)
    magnitudes = np.exp(rng.uniform(-100, np.log(np.finfo(dtype).max), 1 << 18)).astype(dtype)
    return np.concatenate([bits.view(dtype), magnitudes, -magnitudes])


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_fused_is_bit_identical_to_the_separate_functions(variant, dtype):
    x = fused_inputs(dtype)
    y, dy = sigmoid_and_derivative(x)
    assert_identical(y, sigmoid(x))
    assert_identical(dy, sigmoid_derivative(x))


def test_float16_every_value_within_1_ulp(variant):
    """float16 is computed in float32 and rounded once more: within 1 ulp of
    float16 of the exact value, at every float16 (subnormal results included)."""
    x = np.arange(1 << 16, dtype=np.uint16).view(F16)
    y, dy = sigmoid_and_derivative(x)
    nan = np.isnan(x)
    assert np.isnan(y[nan]).all() and np.isnan(dy[nan]).all()
    x, y, dy = x[~nan], y[~nan], dy[~nan]
    t = np.exp(-np.abs(x.astype(F64)))
    upper = 1 / (1 + t)
    lower = t * upper
    slope = lower * upper
    sigma = np.where(x >= 0, upper, lower)
    tally = Tally(bounds={"sigmoid": 1.0, "sigmoid_derivative": 1.0})
    tally.add("sigmoid", x, ulp_errors(y, sigma, np.where(x >= 0, 2.0**-11, ulp_at(lower, F16))))
    tally.add("sigmoid_derivative", x, ulp_errors(dy, slope, ulp_at(slope, F16)))
    tally.check()


def longdouble_ulp_error(value, exact_value):
    """ulp_error for long double, which a Python float (ulp_error's measure) cannot hold."""
    info = np.finfo(LONGDOUBLE)
    exponent = exact_value.numerator.bit_length() - exact_value.denominator.bit_length()
    if Fraction(2) ** exponent > exact_value:
        exponent -= 1
    ulp = Fraction(2) ** (max(exponent, info.minexp) - info.nmant)
    return float(abs(Fraction(*value.as_integer_ratio()) - exact_value) / ulp)


def test_longdouble_within_4_ulp():
    """The long double path (NumPy arithmetic, no kernel variant involved)."""
    if np.finfo(LONGDOUBLE).nmant <= np.finfo(F64).nmant:
        pytest.skip("long double is double here: the float64 kernels compute it")
    pytest.importorskip("mpmath")
    rng = np.random.default_rng(80)
    x = np.concatenate([rng.uniform(-50, 50, 150), -np.exp(rng.uniform(-20, np.log(11400), 40)),
                        [-11355.0, -11390.0, -11398.0, 1e-30, -1e-30, 0.5, 40.0, 1000.0]])
    y, dy = sigmoid_and_derivative(x.astype(LONGDOUBLE))
    errors = {
        "sigmoid": [longdouble_ulp_error(v, exact(sigmoid_mp(xi, dps=40))) for xi, v in zip(x, y)],
        "sigmoid_derivative": [longdouble_ulp_error(v, exact(sigmoid_derivative_mp(xi, dps=40)))
                               for xi, v in zip(x, dy)],
    }
    tally = Tally(bounds={"sigmoid": 4.0, "sigmoid_derivative": 4.0})
    for name, values in errors.items():
        tally.add(name, x, np.array(values))
    tally.check()


# --- sigmoid_backward ---------------------------------------------------------------------------

def backward_inputs(dtype):
    """(g, y) pairs: y uniform, near 1, near and at 0, subnormal, and 0.5, 1;
    g of every size from subnormal to huge, both signs."""
    rng = np.random.default_rng(32)
    info = np.finfo(dtype)
    one = dtype.type(1)
    below_one = [one - k * info.epsneg for k in (1, 2, 3, 7, 100)]
    tiny = [info.smallest_subnormal, 3 * info.smallest_subnormal, info.smallest_normal,
            2 * info.smallest_normal, info.eps**4]
    y = np.concatenate([rng.uniform(0, 1, 1500), rng.uniform(0.999, 1, 200),
                        np.exp(rng.uniform(np.log(float(info.smallest_normal)), 0, 200)),
                        below_one, tiny, [0.0, 0.5, 1.0]]).astype(dtype)
    g = rng.uniform(-10, 10, y.size)
    scales = np.exp(rng.uniform(np.log(float(info.smallest_normal)), np.log(float(info.max) / 16), y.size))
    g[::3] *= scales[::3]
    g = g.astype(dtype)
    g[:3] = [info.smallest_subnormal, -info.max, 1]
    return g, y


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_backward_within_2_ulp_of_the_exact_product(variant, dtype):
    """sigmoid_backward(g, y) within 2 ulp of g*y*(1-y) computed exactly (fractions)."""
    g, y = backward_inputs(dtype)
    result = sigmoid_backward(g, y)
    errors = []
    for gi, yi, value in zip(g.tolist(), y.tolist(), result):
        yi = Fraction(yi)
        errors.append(ulp_error(value, Fraction(gi) * yi * (1 - yi), dtype))
    tally = Tally(bounds={"sigmoid_backward": BACKWARD_BOUND})
    tally.add("sigmoid_backward", (g, y), np.array(errors))
    tally.check()
