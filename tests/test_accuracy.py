"""Accuracy of the kernels (csigmoid/_kernels.pxi), per kernel variant: the
documented error bounds, the special values, gradual underflow, monotonicity,
sigmoid_backward's bound, and the same for logit and log_sigmoid.

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

import csigmoid
from csigmoid import (
    log_sigmoid,
    logit,
    sigmoid,
    sigmoid_and_derivative,
    sigmoid_backward,
    sigmoid_derivative,
)
from csigmoid._operations import BY_NAME
from csigmoid._reference import (
    STORED,
    log_sigmoid_mp,
    logit_mp,
    sigmoid_derivative_mp,
    sigmoid_mp,
    ulp_error,
)

from layouts import KERNEL_DTYPES, assert_identical, dtype_id

F16, F32, F64, LONGDOUBLE = (np.dtype(t) for t in (np.float16, np.float32, np.float64, np.longdouble))


def promised(name):
    """The error bound the table of operations promises for `name` (the
    docstrings and the README state it), in ulps: one for float32 and float64."""
    (bounds,) = {tuple(bounds) for bounds in BY_NAME[name].max_ulp.values()}
    return bounds[0]


BOUNDS = {name: promised(name) for name in ("sigmoid", "sigmoid_derivative")}
FAMILY_BOUNDS = {name: promised(name) for name in ("logit", "log_sigmoid")}
BACKWARD_BOUND = promised("sigmoid_backward")


class Tally:
    """The worst error per function over a set of inputs, and every broken rule."""

    def __init__(self, bounds=BOUNDS):
        self.bounds = bounds
        self.worst = {name: (0.0, None) for name in bounds}
        self.over = {name: [] for name in bounds}  # (x, error) over the bound: a few, for the message
        self.failures = []

    def add(self, name, x, errors):
        """errors[i]: the ulp error of `name` at x[i] (a NaN error counts as the
        worst); x is an array of inputs or a tuple of arrays (the arguments)."""
        if errors.size == 0:
            return
        i = int(np.argmax(errors))  # argmax picks a NaN first
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
    errors = np.subtract(
        values, reference, out=out, dtype=None if out is not None else np.result_type(reference, F64)
    )
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
    ulp *= 2.0**-info.nmant
    return np.maximum(ulp, float(info.smallest_subnormal), out=ulp)


def exact(mp_value):
    """A finite mpmath number as an exact Fraction (for ulp_error); man_exp
    drops the sign, so it is put back."""
    mantissa, exponent = mp_value.man_exp
    return (-1 if mp_value < 0 else 1) * Fraction(mantissa) * Fraction(2) ** exponent


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
F32_INF = f32_bits(np.inf)  # magnitudes above this bit pattern are NaNs
# Magnitudes measured against the reference.  Below 2**-26, sigma(x) =
# 0.5 + x/4 - ... is within 2**-28 of 0.5, nearer than half its float32
# spacing on either side (2**-25 above, 2**-26 below), and sigma'(x) =
# 0.25 - x*x/16 + ... within 2**-54 of 0.25; above 104, e**-x < 2**-150 is
# below half the smallest subnormal, so sigma is 1 or +0 and sigma' is +0.
# Those correctly rounded values (within 1/8 ulp of the exact ones) are
# checked bit for bit instead, which is ~10 times cheaper.
BAND_LO = f32_bits(2.0**-26)
BAND_HI = f32_bits(104.0)
CHUNK = 1 << 21  # magnitudes per task: 128 MB of buffers per worker
WORKERS = min(4, os.cpu_count() or 1)
# The strided sweeps take every STRIDE-th magnitude bit pattern (odd, so that
# every residue of the low mantissa bits comes up): 8.4 million magnitudes,
# both signs, every binade.  They cost 1/257 of the exhaustive sweeps and are
# what fits where those do not (an emulated CPU, tools/ci/check_aarch64.sh).
STRIDE = 257


class Workspace:
    """One worker's buffers, reused from chunk to chunk (fresh arrays would
    cost a page fault per 4 kB, more than the arithmetic)."""

    def __init__(self):
        self.counting = np.arange(CHUNK, dtype=np.uint32)
        self.bits = np.empty(2 * CHUNK, np.uint32)
        self.y = np.empty(2 * CHUNK, np.float32)
        self.dy = np.empty(2 * CHUNK, np.float32)
        self.wide = np.empty((5, CHUNK))


def magnitude_chunk(start, stride, work):
    """work.bits[:CHUNK] = the magnitude bit patterns start, start + stride, ...
    (CHUNK of them, those beyond the largest NaN clamped to it),
    work.bits[CHUNK:] the same with the sign bit set; returns `local`, which maps
    a bit pattern to the index of the first magnitude at or above it (0 .. CHUNK)."""
    magnitudes = work.bits[:CHUNK]
    np.multiply(work.counting, np.uint32(stride), out=magnitudes)
    np.add(magnitudes, np.uint32(start), out=magnitudes)
    np.minimum(magnitudes, np.uint32(0x7FFF_FFFF), out=magnitudes)
    np.bitwise_or(magnitudes, F32_SIGN, out=work.bits[CHUNK:])

    def local(bits):
        return int(np.searchsorted(magnitudes, np.uint32(bits)))

    return local


def float32_chunk(start, stride, work):
    """Check the float32 of magnitude bit patterns start, start + stride, ...
    (CHUNK of them), both signs.

    Returns the Tally and (sigma(+first), sigma(+last), sigma(-first), sigma(-last))
    of the non-NaN magnitudes (None if there are none), for the caller to
    check monotonicity from chunk to chunk.
    """
    tally = Tally()
    n = CHUNK
    local = magnitude_chunk(start, stride, work)
    x = work.bits.view(np.float32)
    # one thread per call: the workers already keep every core busy
    with csigmoid.threads(1):
        y, dy = sigmoid_and_derivative(x, out=(work.y, work.dy))
    xp, xn, yp, yn, dyp, dyn = x[:n], x[n:], y[:n], y[n:], dy[:n], dy[n:]
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
        np.exp(lower, out=lower)  # t = e**-|x|
        np.add(lower, 1.0, out=upper)
        np.divide(1.0, upper, out=upper)  # sigma(|x|) = 1/(1+t)
        np.multiply(lower, upper, out=lower)  # sigma(-|x|) = t/(1+t)
        np.multiply(lower, upper, out=slope)  # sigma'(+-x) = t/(1+t)**2
        # exact sigma(|x|) is in [0.5, 1): ulp 2**-24 (the float64 1/(1+t) is 1.0 beyond x ~ 37)
        tally.add("sigmoid", xp[band], ulp_errors(yp[band], upper, 2.0**-24, out=errors))
        ulp_at(lower, F32, out=ulp)
        tally.add("sigmoid", xn[band], ulp_errors(yn[band], lower, ulp, out=errors))
        ulp_at(slope, F32, out=ulp)
        tally.add("sigmoid_derivative", xp[band], ulp_errors(dyp[band], slope, ulp, out=errors))
        tally.add("sigmoid_derivative", xn[band], ulp_errors(dyn[band], slope, ulp, out=errors))
        # sigma never decreases: along growing magnitudes it goes up for x > 0
        # and down for x < 0 (outside the band it is constant, checked above)
        if not np.all(yp[1:nan] >= yp[: nan - 1]):
            tally.fail("sigma decreases", xp[1:nan][yp[1:nan] < yp[: nan - 1]])
        if not np.all(yn[1:nan] <= yn[: nan - 1]):
            tally.fail("sigma decreases", xn[1:nan][yn[1:nan] > yn[: nan - 1]])
    ends = (yp[0], yp[nan - 1], yn[0], yn[nan - 1]) if nan else None
    return tally, ends


def map_chunks(check_chunk, stride):
    """check_chunk(start, stride, workspace) for every chunk of CHUNK float32
    magnitudes, every stride-th (start = 0, CHUNK * stride, ... < 2**31),
    shared among WORKERS threads (NumPy and csigmoid release the GIL); yields
    (start, result) in order."""
    workspaces = queue.SimpleQueue()
    for _ in range(WORKERS):
        workspaces.put(Workspace())

    def task(start):
        work = workspaces.get()
        try:
            return check_chunk(start, stride, work)
        finally:
            workspaces.put(work)

    starts = range(0, 1 << 31, CHUNK * stride)
    with ThreadPoolExecutor(WORKERS) as pool:
        yield from zip(starts, pool.map(task, starts))


def sweep_float32(stride=1):
    """All 2**32 float32 bit patterns (every stride-th magnitude, both signs),
    computed in one sigmoid_and_derivative call per chunk of CHUNK magnitudes."""
    tally = Tally()
    previous = (np.float32(0.5),) * 4  # sigma(+-0), before the first chunk
    for start, (part, ends) in map_chunks(float32_chunk, stride):
        tally.merge(part)
        if ends is None:
            continue
        if not (ends[0] >= previous[1] and ends[2] <= previous[3]):
            tally.fail(
                "sigma decreases between chunks",
                np.array([start, start | F32_SIGN], np.uint32).view(np.float32),
            )
        previous = ends
    return tally


def test_float32_exhaustive(variant):
    """Every float32 (full coverage, no stride): sigma <= 2 ulp and sigma' <= 4 ulp,
    measured on |x| in [2**-26, 104] and exact outside it; sigma non-decreasing
    (so, with sigma(-inf) = +0 and sigma(inf) = 1 checked, in [0, 1]); NaN for
    every NaN."""
    sweep_float32().check()


def test_float32_strided(variant):
    """The exhaustive sweep's checks on every STRIDE-th float32 magnitude."""
    sweep_float32(STRIDE).check()


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
    positive = np.concatenate(
        [
            magnitudes,
            switches,
            [info.smallest_subnormal, 2 * info.smallest_subnormal, info.smallest_normal, 1e-300, 1.0],
        ]
    )
    values = np.concatenate(
        [
            positive,
            -positive,
            [0.0],
            np.linspace(-746, -708, 200_001),  # subnormal results and underflow to 0
            np.linspace(-40, -36, 100_001),  # where 1 + e**-|x| stops rounding to 1
            np.linspace(36, 40, 100_001),  # where sigma rounds to 1
            np.linspace(-1, 1, 200_001),
        ]
    )
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
    edges = np.concatenate(
        [
            edges,
            np.nextafter(edges, -np.inf),
            np.nextafter(edges, np.inf),
            np.array([0.5, -0.5, 1, -1, 90, 100, 2.0**-25, -(2.0**-25)], dtype),
            [info.smallest_subnormal, -info.smallest_subnormal, info.smallest_normal],
        ]
    )
    return np.concatenate([random, edges, rng.uniform(-40, 40, 500).astype(dtype)])


@pytest.fixture(scope="module")
def mpmath_reference():
    """dtype -> (x, exact sigma, exact sigma') with 60-digit mpmath values as Fractions."""
    pytest.importorskip("mpmath")
    reference = {}
    for dtype in KERNEL_DTYPES:
        x = mpmath_points(dtype)
        reference[dtype] = (
            x,
            [exact(sigmoid_mp(v)) for v in x.tolist()],
            [exact(sigmoid_derivative_mp(v)) for v in x.tolist()],
        )
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


@pytest.mark.parametrize(
    "dtype, x",
    [
        (F32, [17.5, 20.0, 88.8, 104.0, 1e30, np.finfo(F32).max]),
        (F64, [37.5, 40.0, 710.0, 746.0, 1e300, np.finfo(F64).max]),
    ],
    ids=["float32", "float64"],
)
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


@pytest.mark.parametrize("dtype, x", [(F32, -104.0), (F32, -1000.0), (F64, -746.0), (F64, -1000.0)], ids=repr)
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
    if Fraction(2) ** exponent > abs(exact_value):
        exponent -= 1
    ulp = Fraction(2) ** (max(exponent, info.minexp) - info.nmant)
    return float(abs(Fraction(*value.as_integer_ratio()) - exact_value) / ulp)


def test_longdouble_within_4_ulp():
    """The long double path (NumPy arithmetic, no kernel variant involved)."""
    if np.finfo(LONGDOUBLE).nmant <= np.finfo(F64).nmant:
        pytest.skip("long double is double here: the float64 kernels compute it")
    pytest.importorskip("mpmath")
    rng = np.random.default_rng(80)
    x = np.concatenate(
        [
            rng.uniform(-50, 50, 150),
            -np.exp(rng.uniform(-20, np.log(11400), 40)),
            [-11355.0, -11390.0, -11398.0, 1e-30, -1e-30, 0.5, 40.0, 1000.0],
        ]
    )
    y, dy = sigmoid_and_derivative(x.astype(LONGDOUBLE))
    errors = {
        "sigmoid": [longdouble_ulp_error(v, exact(sigmoid_mp(xi, dps=40))) for xi, v in zip(x, y)],
        "sigmoid_derivative": [
            longdouble_ulp_error(v, exact(sigmoid_derivative_mp(xi, dps=40))) for xi, v in zip(x, dy)
        ],
    }
    tally = Tally(bounds={"sigmoid": 4.0, "sigmoid_derivative": 4.0})
    for name, values in errors.items():
        tally.add(name, x, np.array(values))
    tally.check()


def longdouble_mp(value):
    """A long double exactly, as an mpmath number (float() would round it,
    and flush the values below double's range to 0)."""
    import mpmath

    numerator, denominator = value.as_integer_ratio()
    with mpmath.workprec(20000):
        return mpmath.mpf(numerator) / denominator


def test_longdouble_near_tiny_and_in_the_subnormals():
    """Every long double function where its results or its inputs leave the
    normal range: logit of p from the smallest subnormal up past LDBL_MIN
    ((1 - 2p) / p overflows there), sigma and sigma' whose results become
    subnormal (x near -11355 to -11400), log_sigmoid there and of subnormal x,
    within 4 ulp of mpmath (ulps of the subnormal spacing below LDBL_MIN)."""
    import mpmath

    info = np.finfo(LONGDOUBLE)
    if info.nmant <= np.finfo(F64).nmant:
        pytest.skip("long double is double here: the float64 kernels compute it")
    tiny, smallest = info.smallest_normal, info.smallest_subnormal
    probabilities = np.concatenate(
        [
            [smallest, 2 * smallest, 3 * smallest, tiny / 2**30, tiny / 3, tiny / 2, tiny, 2 * tiny],
            np.ldexp(tiny, np.array([10, 100, 1000, 16000])),
            [1 / info.max, 1 / info.max / 3, 4 / info.max],
        ]
    ).astype(LONGDOUBLE)
    inputs = np.concatenate(
        [np.linspace(-11400, -11350, 41).astype(LONGDOUBLE), probabilities, -probabilities]
    )

    def reference(name, value):
        x = longdouble_mp(value)
        with mpmath.workdps(60):
            if name == "logit":
                return mpmath.log(x / (1 - x))
            t = mpmath.exp(-abs(x))
            if name == "sigmoid":
                return 1 / (1 + t) if x >= 0 else t / (1 + t)
            if name == "sigmoid_derivative":
                return t / (1 + t) ** 2
            return -mpmath.log1p(mpmath.exp(-x))

    tally = Tally(bounds=dict.fromkeys(["logit", "sigmoid", "sigmoid_derivative", "log_sigmoid"], 4.0))
    for name, func, x in [
        ("logit", logit, probabilities),
        ("sigmoid", sigmoid, inputs),
        ("sigmoid_derivative", sigmoid_derivative, inputs),
        ("log_sigmoid", log_sigmoid, inputs),
    ]:
        values = func(x)
        assert np.isfinite(values).all(), f"{name}: {x[~np.isfinite(values)]}"
        errors = [longdouble_ulp_error(v, exact(reference(name, xi))) for xi, v in zip(x, values)]
        tally.add(name, x.astype(F64), np.array(errors))
    tally.check()


# --- sigmoid_backward ---------------------------------------------------------------------------


def backward_inputs(dtype):
    """(g, y) pairs: y uniform, near 1, near and at 0, subnormal, and 0.5, 1;
    g of every size from subnormal to huge, both signs."""
    rng = np.random.default_rng(32)
    info = np.finfo(dtype)
    one = dtype.type(1)
    below_one = [one - k * info.epsneg for k in (1, 2, 3, 7, 100)]
    tiny = [
        info.smallest_subnormal,
        3 * info.smallest_subnormal,
        info.smallest_normal,
        2 * info.smallest_normal,
        info.eps**4,
    ]
    y = np.concatenate(
        [
            rng.uniform(0, 1, 1500),
            rng.uniform(0.999, 1, 200),
            np.exp(rng.uniform(np.log(float(info.smallest_normal)), 0, 200)),
            below_one,
            tiny,
            [0.0, 0.5, 1.0],
        ]
    ).astype(dtype)
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


def backward_specials(dtype):
    """(g, y) pairs with y outside [+0, 1] where the product y * (1 - y) and
    the FMA form y - y*y differ (by a rounding or an overflow), and -0 and
    NaN: each must reach the general loop even among in-range neighbours."""
    info = np.finfo(dtype)
    one = dtype.type(1)
    return [
        (dtype.type(0), info.max),  # 0, where g * (y - y*y) is 0 * -inf
        (dtype.type(1), dtype.type(np.nan)),
        (dtype.type(3), dtype.type(-0.0)),
        (dtype.type(2), one + info.eps),
        (dtype.type(1.5), dtype.type(-3.3)),
        (dtype.type(1), dtype.type(7.7)),
        (info.smallest_normal, -info.max / 4),
    ]


def backward_general(g, y):
    """What sigmoid_backward promises for a y outside [0, 1], in the dtype's
    own roundings: y * (1 - y), then g times it, or (g * y) * (1 - y) where
    y * (1 - y) alone overflows; for -0, g * -0."""
    with np.errstate(over="ignore", invalid="ignore"):
        if y == 0:
            return g * y
        slope = y * (1 - y)
        return (g * y) * (1 - y) if slope == -np.inf else g * slope


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_backward_one_y_outside_among_in_range_neighbours(variant, dtype):
    """The contiguous loop checks blocks of y for a value outside [+0, 1] and
    takes a shorter product where there is none: one such y at a block's
    first, last or any element, in place or not, gets the general product,
    and its neighbours the bits they get alone (a call on a one-element
    copy)."""
    rng = np.random.default_rng(45)
    n = 3 * 1024 + 5
    y = rng.uniform(0, 1, n).astype(dtype)
    g = rng.uniform(-10, 10, n).astype(dtype)
    alone = np.concatenate([sigmoid_backward(g[i : i + 1], y[i : i + 1]) for i in range(n)])
    assert_identical(sigmoid_backward(g, y), alone)
    for g_special, y_special in backward_specials(dtype):
        expected = backward_general(g_special, y_special)
        for position in (0, 1023, 1024, 2 * 1024 + 7, n - 1):
            g2, y2 = g.copy(), y.copy()
            g2[position], y2[position] = g_special, y_special
            with np.errstate(over="ignore", invalid="ignore"):
                results = [sigmoid_backward(g2, y2), sigmoid_backward(g2, y2, out=y2)]
            for result in results:
                rest = np.arange(n) != position
                assert_identical(result[rest], alone[rest])
                if np.isnan(expected):
                    assert np.isnan(result[position])
                else:
                    assert_identical(result[position : position + 1], np.array([expected]))


def backward_outside_the_unit_interval(dtype):
    """(g, y) with y outside [0, 1], where y * (1 - y) alone can overflow:
    y of every magnitude up to the largest, both signs, g of every magnitude
    down to 0 and the smallest subnormal, so that the product is finite,
    overflows or underflows."""
    info = np.finfo(dtype)
    rng = np.random.default_rng(44)
    log_max = np.log(float(info.max))
    magnitudes = np.exp(rng.uniform(0, log_max, 600))
    y = np.concatenate([magnitudes[:300] + 1, -magnitudes[300:], [float(info.max), -float(info.max)]])
    g = np.exp(rng.uniform(np.log(float(info.smallest_normal)), log_max, y.size))
    g *= np.where(rng.uniform(size=y.size) < 0.5, -1, 1)
    g[::7] = 0
    g[1::11] = float(info.smallest_subnormal)
    with np.errstate(over="ignore"):
        return g.astype(dtype), y.astype(dtype)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES + (LONGDOUBLE,), ids=dtype_id)
def test_backward_outside_the_unit_interval_overflows_only_with_the_product(dtype):
    """sigmoid_backward(g, y) for y outside [0, 1] (no sigmoid output, but a
    value the caller may pass): the exact product rounded, within 2 ulp, inf
    only where the exact product overflows, and 0 (not NaN) for g = 0."""
    # long double: float64's range, where every product is finite, and its own largest y
    g, y = backward_outside_the_unit_interval(F64 if dtype == LONGDOUBLE else dtype)
    g, y = g.astype(dtype), y.astype(dtype)
    with np.errstate(over="ignore", under="ignore"):
        result = sigmoid_backward(g, y)
    largest = Fraction(*np.finfo(dtype).max.as_integer_ratio())
    errors = []
    for gi, yi, value in zip(g, y, result):
        exact_value = Fraction(*gi.as_integer_ratio()) * Fraction(*yi.as_integer_ratio())
        exact_value *= 1 - Fraction(*yi.as_integer_ratio())
        if abs(exact_value) > largest * (1 + Fraction(1, 2 ** (np.finfo(dtype).nmant + 1))):
            errors.append(0.0 if value == (np.inf if exact_value > 0 else -np.inf) else np.inf)
        elif dtype == LONGDOUBLE:
            errors.append(longdouble_ulp_error(value, exact_value))
        else:
            errors.append(ulp_error(value, exact_value, dtype))
    tally = Tally(bounds={"sigmoid_backward": BACKWARD_BOUND})
    tally.add("sigmoid_backward", (g.astype(F64), y.astype(F64)), np.array(errors))
    tally.check()
    zero = np.asarray(0, dtype)
    assert sigmoid_backward(zero, np.finfo(dtype).max) == 0


# --- logit and log_sigmoid ----------------------------------------------------------------------
#
# The same kinds of checks as for sigma: every float32, dense float64 against
# long double, mpmath points, special values; bounds in FAMILY_BOUNDS.

F32_ONE = f32_bits(1.0)
F32_QUARTER, F32_THREE_QUARTERS = f32_bits(0.25), f32_bits(0.75)
LOG_SIGMOID_NEAR_ZERO = f32_bits(2.0**-26)
LOG_SIGMOID_CUT = f32_bits(40.0)


def chunk_inputs(start, stride, work):
    """x[:CHUNK] = the float32 of magnitude bit patterns start, start + stride, ...,
    x[CHUNK:] the same negated, and `local` (magnitude_chunk)."""
    local = magnitude_chunk(start, stride, work)
    return work.bits.view(np.float32), local


def expect_nan(tally, what, x, values):
    if not np.isnan(values).all():
        tally.fail(f"{what} is not NaN", x[~np.isnan(values)])


def logit_chunk(start, stride, work):
    """logit over one chunk of float32 magnitudes, both signs: the bound on
    (0, 1) against float64 (relative error a few 2**-53, near 1/2 from the
    log1p form, which does not cancel), -inf at +-0, +inf at 1, NaN for
    every other value; non-decreasing on [0, 1].  Returns the Tally and the
    results at the chunk's first and last p in [0, 1] (None if none)."""
    tally = Tally(FAMILY_BOUNDS)
    x, local = chunk_inputs(start, stride, work)
    with csigmoid.threads(1):
        y = logit(x, out=work.y)
    xp, xn, yp, yn = x[:CHUNK], x[CHUNK:], y[:CHUNK], y[CHUNK:]
    first, one, beyond = local(1), local(F32_ONE), local(F32_ONE + 1)
    if start == 0:
        tally.expect_exact("logit(+-0)", x[[0, CHUNK]], y[[0, CHUNK]], -np.inf)
    if one < beyond:
        tally.expect_exact("logit(1)", xp[one:beyond], yp[one:beyond], np.inf)
    expect_nan(tally, "logit(p > 1)", xp[beyond:], yp[beyond:])
    expect_nan(tally, "logit(p < 0)", xn[1 if start == 0 else 0 :], yn[1 if start == 0 else 0 :])
    if one > first:
        k = one - first
        p = xp[first:one]
        d, reference, ulp, errors = (w[:k] for w in work.wide[:4])
        np.subtract(1.0, p, out=d, dtype=F64)  # exact: p has 24 bits
        np.divide(p, d, out=reference, dtype=F64)
        np.log(reference, out=reference)
        middle = slice(local(F32_QUARTER) - first, local(F32_THREE_QUARTERS + 1) - first)
        if middle.stop > middle.start:  # log1p((2p - 1) / (1 - p))
            mid = reference[middle]
            np.multiply(p[middle], 2.0, out=mid, dtype=F64)
            mid -= 1.0
            mid /= d[middle]
            np.log1p(mid, out=mid)
        np.abs(reference, out=ulp)
        ulp_at(ulp, F32, out=ulp)
        tally.add("logit", xp[first:one], ulp_errors(yp[first:one], reference, ulp, out=errors))
    if beyond > 1 and not np.all(yp[1:beyond] >= yp[: beyond - 1]):
        tally.fail("logit decreases", xp[1:beyond][yp[1:beyond] < yp[: beyond - 1]])
    return tally, (yp[0], yp[beyond - 1]) if beyond > 0 else None


def log_sigmoid_chunk(start, stride, work):
    """log_sigmoid over one chunk of float32 magnitudes, both signs: the bound
    against float64 for 2**-26 <= |x| <= 104 (x > 0) and <= 40 (x < 0);
    outside, the correctly rounded values bit for bit: -ln2 rounded below
    2**-26 (|x|/2 stays under a quarter of the spacing there), -0 above 104
    (e**-x < 2**-150) and x itself below -40 (e**x under a quarter ulp of x);
    NaN for NaN."""
    tally = Tally(FAMILY_BOUNDS)
    x, local = chunk_inputs(start, stride, work)
    with csigmoid.threads(1):
        y = log_sigmoid(x, out=work.y)
    xp, xn, yp, yn = x[:CHUNK], x[CHUNK:], y[:CHUNK], y[CHUNK:]
    small, nan = local(LOG_SIGMOID_NEAR_ZERO), local(F32_INF + 1)
    high, cut = local(BAND_HI + 1), local(LOG_SIGMOID_CUT + 1)
    minus_ln2 = float(np.float32(-np.log(2.0)))
    for xs, ys in ((xp, yp), (xn, yn)):
        tally.expect_exact("log_sigmoid(|x| < 2**-26)", xs[:small], ys[:small], minus_ln2)
        expect_nan(tally, "log_sigmoid(nan)", xs[nan:], ys[nan:])
    tally.expect_exact("log_sigmoid(x > 104)", xp[high:nan], yp[high:nan], -0.0)
    if not np.array_equal(yn[cut:nan], xn[cut:nan]):
        tally.fail("log_sigmoid(x < -40) is not x", xn[cut:nan][yn[cut:nan] != xn[cut:nan]])
    for xs, ys, end, sign in ((xp, yp, high, 1), (xn, yn, cut, -1)):
        if end <= small:
            continue
        k = end - small
        reference, ulp, errors = (w[:k] for w in work.wide[:3])
        # log sigma(x) = min(x, 0) - log1p(e**-|x|), in float64 (relative error ~2**-52)
        np.exp(xn[small:end], out=reference, dtype=F64)
        np.log1p(reference, out=reference)
        if sign > 0:
            np.negative(reference, out=reference)
        else:
            np.subtract(xn[small:end], reference, out=reference, dtype=F64)
        np.abs(reference, out=ulp)
        ulp_at(ulp, F32, out=ulp)
        tally.add("log_sigmoid", xs[small:end], ulp_errors(ys[small:end], reference, ulp, out=errors))
    return tally, None


def sweep_family_float32(check_chunk, stride=1):
    tally = Tally(FAMILY_BOUNDS)
    previous = None
    for start, (part, ends) in map_chunks(check_chunk, stride):
        tally.merge(part)
        if ends is None:
            continue
        if previous is not None and not ends[0] >= previous:
            tally.fail("logit decreases between chunks", np.array([start], np.uint32).view(np.float32))
        previous = ends[1]
    return tally


@pytest.mark.parametrize("check_chunk", [logit_chunk, log_sigmoid_chunk], ids=["logit", "log_sigmoid"])
def test_family_float32_exhaustive(variant, check_chunk):
    """Every float32 (no stride): logit and log_sigmoid within 3 ulp where
    measured, exact where the correctly rounded value is known, NaN for NaN."""
    sweep_family_float32(check_chunk).check()


@pytest.mark.parametrize("check_chunk", [logit_chunk, log_sigmoid_chunk], ids=["logit", "log_sigmoid"])
def test_family_float32_strided(variant, check_chunk):
    """The exhaustive sweeps' checks on every STRIDE-th float32 magnitude."""
    sweep_family_float32(check_chunk, STRIDE).check()


def dense_probabilities():
    """~1.6 million float64 in [0, 1]: log-uniform from 1e-320 up to 1/2 and
    the same distances below 1, dense around 1/2 and runs of consecutive floats
    on both sides of 1/2, 1/4, 3/4 and next to 0 and 1."""
    rng = np.random.default_rng(65)
    tiny = np.exp(rng.uniform(np.log(1e-320), np.log(0.5), 600_000))
    runs = runs_around([0.5, 0.25, 0.75, 0.5 - 2.0**-30, 1 - 2.0**-20], 4096)
    edges = np.concatenate([np.arange(4096) * 5e-324, 1 - np.arange(4096) * 2.0**-53])
    values = np.concatenate(
        [tiny, 1 - tiny, runs, edges, np.linspace(0.4, 0.6, 200_001), rng.uniform(0, 1, 200_000)]
    )
    return np.unique(values[(values >= 0) & (values <= 1)])


def dense_log_sigmoid_inputs():
    """~1.6 million float64: log-uniform magnitudes 1e-320 .. 800 of both signs,
    dense on [-45, 45] and on [700, 746], where results are subnormal."""
    rng = np.random.default_rng(66)
    magnitudes = np.exp(rng.uniform(np.log(1e-320), np.log(800.0), 500_000))
    return np.unique(
        np.concatenate(
            [magnitudes, -magnitudes, np.linspace(-45, 45, 400_001), np.linspace(700, 746, 200_001), [0.0]]
        )
    )


@pytest.fixture(scope="module")
def family_float64_reference():
    """name -> (x, reference, ulp of the reference) in long double (see float64_reference)."""
    if np.finfo(LONGDOUBLE).nmant < 63:
        pytest.skip("long double has fewer than 64 significant bits here: no reference fine enough")
    p = dense_probabilities()
    wide = p.astype(LONGDOUBLE)
    with np.errstate(divide="ignore"):
        # -logit(q) = log1p((1 - 2q) / q), q = min(p, 1 - p): 1 - 2q is exact for q >= 1/4
        q = np.where(wide >= 0.5, 1 - wide, wide)
        magnitude = np.log1p((1 - 2 * q) / q)
    logit_reference = np.where(wide >= 0.5, magnitude, -magnitude)
    x = dense_log_sigmoid_inputs()
    wide = x.astype(LONGDOUBLE)
    log_sigmoid_reference = np.minimum(wide, 0) - np.log1p(np.exp(-np.abs(wide)))
    finite = np.isfinite(logit_reference)
    return {
        "logit": (p[finite], logit_reference[finite], ulp_at(np.abs(logit_reference[finite]), F64)),
        "log_sigmoid": (x, log_sigmoid_reference, ulp_at(np.abs(log_sigmoid_reference), F64)),
    }


@pytest.mark.parametrize("func", [logit, log_sigmoid], ids=lambda f: f.__name__)
def test_family_float64_dense(variant, func, family_float64_reference):
    """Within 3 ulp over the dense float64 samples; logit also non-decreasing
    (log_sigmoid is not promised to be: near 0 it rounds e**-|x| first, which
    can leave neighbours one ulp out of order)."""
    x, reference, ulp = family_float64_reference[func.__name__]
    y = func(x)
    tally = Tally(FAMILY_BOUNDS)
    tally.add(func.__name__, x, ulp_errors(y, reference, ulp))
    if func is logit and not np.all(y[1:] >= y[:-1]):
        tally.fail("logit decreases", x[1:][y[1:] < y[:-1]])
    tally.check()


def family_mpmath_points(name, dtype):
    """~1000 x of `dtype` per function: random over the domain (log-uniform
    magnitudes, and for logit as many distances below 1), and the edges."""
    rng = np.random.default_rng(70 if dtype == F32 else 71)
    info = np.finfo(dtype)
    if name == "logit":
        tiny = np.exp(rng.uniform(np.log(float(info.smallest_subnormal)), np.log(0.5), 400))
        values = np.concatenate([tiny, 1 - tiny, rng.uniform(0.3, 0.7, 200)]).astype(dtype)
        one = dtype.type(1)
        edges = [
            info.smallest_subnormal,
            info.smallest_normal,
            0.25,
            0.5,
            0.75,
            one - info.epsneg,
            np.nextafter(dtype.type(0.5), one),
            np.nextafter(dtype.type(0.5), 0),
        ]
    else:
        magnitudes = np.exp(rng.uniform(np.log(1e-30), np.log(740.0 if dtype == F64 else 103.0), 500))
        values = np.where(np.arange(500) % 2 == 0, -magnitudes, magnitudes).astype(dtype)
        edges = [
            info.smallest_subnormal,
            -info.smallest_subnormal,
            0.8813735870195429,
            -0.8813735870195429,
            40.0,
            -40.0,
            17.0,
            -17.0,
            90.0,
            100.0,
        ]
    values = np.concatenate([values, np.array(edges, dtype)])
    return values[(values > 0) & (values < 1)] if name == "logit" else values


@pytest.fixture(scope="module")
def family_mpmath_reference():
    """(name, dtype) -> (x, exact values) from 60-digit mpmath."""
    pytest.importorskip("mpmath")
    definitions = {"logit": logit_mp, "log_sigmoid": log_sigmoid_mp}
    return {
        (name, dtype): (x, [exact(definitions[name](v)) for v in x.tolist()])
        for name in definitions
        for dtype in KERNEL_DTYPES
        for x in [family_mpmath_points(name, dtype)]
    }


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
@pytest.mark.parametrize("func", [logit, log_sigmoid], ids=lambda f: f.__name__)
def test_family_against_mpmath(variant, func, dtype, family_mpmath_reference):
    x, exact_values = family_mpmath_reference[func.__name__, dtype]
    values = func(x)
    tally = Tally(FAMILY_BOUNDS)
    tally.add(func.__name__, x, np.array([ulp_error(v, e, dtype) for v, e in zip(values, exact_values)]))
    tally.check()


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_logit_special_values(variant, dtype):
    info = np.finfo(dtype)
    p = np.array(
        [
            0.0,
            -0.0,
            1.0,
            0.5,
            np.nan,
            -np.nan,
            np.inf,
            -np.inf,
            1.5,
            -0.5,
            np.nextafter(dtype.type(1), dtype.type(2)),
            -info.smallest_subnormal,
        ],
        dtype,
    )
    assert_special(logit(p), [-np.inf, -np.inf, np.inf, 0.0] + [np.nan] * 8)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_logit_is_odd_about_one_half(variant, dtype):
    """logit(1 - p) = -logit(p) bit for bit wherever 1 - p is exact (p >= 1/2;
    p = 1/2 itself gives +0 both ways)."""
    p = np.random.default_rng(3).uniform(0.5, 1, 100_000).astype(dtype)
    p = p[p > 0.5]
    assert_identical(logit(1 - p), -logit(p))


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_log_sigmoid_special_values(variant, dtype):
    x = np.array(
        [np.inf, -np.inf, np.nan, -np.nan, 0.0, -0.0, np.finfo(dtype).max, -np.finfo(dtype).max], dtype
    )
    minus_ln2 = -np.log(dtype.type(2))
    assert_special(
        log_sigmoid(x), [-0.0, -np.inf, np.nan, np.nan, minus_ln2, minus_ln2, -0.0, -np.finfo(dtype).max]
    )


@pytest.mark.parametrize("dtype, x", [(F32, 100.0), (F64, 740.0)], ids=["float32", "float64"])
def test_log_sigmoid_keeps_subnormal_results(variant, dtype, x):
    """log_sigmoid(x) = -e**-x + ...: subnormal here, within bound, not 0."""
    y = log_sigmoid(np.array([x], dtype))[0]
    assert y < 0
    assert ulp_error(y, exact(log_sigmoid_mp(x)), dtype) <= FAMILY_BOUNDS["log_sigmoid"]


@pytest.mark.parametrize("dtype, low", [(F32, -87.0), (F64, -708.0)], ids=["float32", "float64"])
def test_logit_of_sigmoid_gives_x_back(variant, dtype, low):
    """logit(sigmoid(x)) = x up to what the rounding of sigma(x) leaves:
    within 4 ulp of x for x in [low, -1] (sigma(x) normal, 1 - sigma(x) >=
    0.73), and elsewhere within the first-order effect of sigma's 2-ulp bound,
    2 ulp(y) / (y (1 - y)), plus logit's own 3 ulp, while y is neither 0 nor 1."""
    x = np.unique(
        np.concatenate(
            [
                np.linspace(low, 36 if dtype == F64 else 16, 400_001),
                -np.exp(np.linspace(-30, np.log(-low), 10_001)),
            ]
        ).astype(dtype)
    )
    y = sigmoid(x)
    back = logit(y)
    wide_x, wide_y = x.astype(F64), y.astype(F64)
    error = np.abs(back.astype(F64) - wide_x)
    spacing = np.spacing(np.abs(x)).astype(F64)
    tail = (x <= -1) & (x >= low)
    assert np.all(error[tail] <= 4 * spacing[tail]), f"worst {np.max(error[tail] / spacing[tail])} ulp"
    inside = (y > 0) & (y < 1)
    allowed = (
        2 * np.spacing(y).astype(F64) / (wide_y * (1 - wide_y)) * 1.01 + FAMILY_BOUNDS["logit"] * spacing
    )
    assert np.all(error[inside] <= allowed[inside])


@pytest.mark.parametrize("func", [logit, log_sigmoid], ids=lambda f: f.__name__)
def test_family_longdouble_within_3_ulp(func):
    """The long double path (NumPy arithmetic, no kernel variant involved)."""
    if np.finfo(LONGDOUBLE).nmant <= np.finfo(F64).nmant:
        pytest.skip("long double is double here: the float64 kernels compute it")
    pytest.importorskip("mpmath")
    rng = np.random.default_rng(81)
    if func is logit:
        tiny = np.exp(rng.uniform(-700, np.log(0.5), 100))
        x = np.concatenate([tiny, 1 - tiny, rng.uniform(0.4, 0.6, 50), [0.25, 0.75, 0.5 + 2.0**-40]])
        x = x[x < 1]  # 1 - tiny rounds to 1 for the smallest
        definition = logit_mp
    else:
        x = np.concatenate(
            [
                rng.uniform(-50, 50, 150),
                np.exp(rng.uniform(-20, np.log(11000), 40)),
                [-11000.0, 1e-30, -1e-30, 0.5, 40.0, 1000.0],
            ]
        )
        definition = log_sigmoid_mp
    values = func(x.astype(LONGDOUBLE))
    # 60 digits: logit's reference subtracts two logarithms and loses up to 12
    # digits near 1/2, and IEEE quad (AArch64's long double) needs 34 more
    errors = [longdouble_ulp_error(v, exact(definition(xi, dps=60))) for xi, v in zip(x, values)]
    tally = Tally(bounds={func.__name__: 3.0})
    tally.add(func.__name__, x, np.array(errors))
    tally.check()
