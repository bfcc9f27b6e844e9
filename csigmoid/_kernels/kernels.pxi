# The compute kernels, written once for float and double and compiled once
# per instruction-set level (baseline.pyx, avx2.pyx,
# avx512.pyx each include this file; setup.py gives each its
# -march).  Nothing here touches a Python object.
#
# sigma and sigma' (OP_SIGMOID, OP_DERIVATIVE, OP_SIGMOID_AND_DERIVATIVE) run
# through sigmoid_span / sigmoid_parts_span, which each variant takes from
# its second include: sigmoid_portable.pxi (baseline, and every non-x86
# build) or sigmoid_simd.pxi (avx2, avx512: intrinsics, simd.h).
#
# Why the rest vectorizes: every per-element function is `cdef inline`, branch-free
# (selects, not jumps) and calls nothing but fma and bit casts, so GCC/Clang inline
# them into the simple loops of run_span and turn those into
# SIMD loops.  setup.py compiles with -fno-trapping-math (needed to
# if-convert the selects) and -ffp-contract=off (so that the compiler never
# fuses a*b+c on its own: the vector body and the scalar tail then give the
# same bits, which makes results independent of the thread split), never
# with -ffast-math.
#
# Error bounds quoted below were measured by the exhaustive float32 sweep
# and the dense float64 sweep of tests/test_accuracy.py.
from cython cimport floating as real
from libc.math cimport INFINITY, NAN
from libc.stdint cimport int64_t, uint32_t, uint64_t
from cpython.pycapsule cimport PyCapsule_New

from csigmoid._kernels.table cimport (
    KernelTable, Operation, TeamTiming, OP_SIGMOID, OP_DERIVATIVE, OP_SIGMOID_AND_DERIVATIVE,
    OP_BACKWARD, OP_LOGIT, OP_LOG_SIGMOID,
)

include "../_parallel/driver.pxi"

# ln2 = LN2_HI + LN2_LO, the split every argument reduction here and in the
# vector kernels uses (one definition: the generated header).
cdef extern from "exp_constants.h" nogil:
    const float LN2_HI_F32 "CSIGMOID_LN2_HI_F32"
    const float LN2_LO_F32 "CSIGMOID_LN2_LO_F32"
    const double LN2_HI_F64 "CSIGMOID_LN2_HI_F64"
    const double LN2_LO_F64 "CSIGMOID_LN2_LO_F64"

cdef extern from "floating_point.h" nogil:
    const bint HAS_FMA "CSIGMOID_HAS_FMA"
    float mul_add_f32 "csigmoid_mul_add_f32"(float a, float b, float c)
    double mul_add_f64 "csigmoid_mul_add_f64"(double a, double b, double c)
    uint32_t f32_bits "csigmoid_f32_bits"(float f)
    float f32_from_bits "csigmoid_f32_from_bits"(uint32_t u)
    uint64_t f64_bits "csigmoid_f64_bits"(double f)
    double f64_from_bits "csigmoid_f64_from_bits"(uint64_t u)
    ctypedef struct fpflags "csigmoid_fpflags":
        pass
    void fpflags_save "csigmoid_fpflags_save"(fpflags* saved)
    void fpflags_restore "csigmoid_fpflags_restore"(const fpflags* saved)


cdef inline real mul_add(real a, real b, real c) noexcept nogil:
    """a*b + c: one rounding where FMA is native, two elsewhere (floating_point.h)."""
    if real is float:
        return mul_add_f32(a, b, c)
    else:
        return mul_add_f64(a, b, c)


cdef inline real exact_residual(real c, real a, real b) noexcept nogil:
    """c - a*b rounded once, for c ~= a*b (it is here).

    With FMA this is one instruction.  Without, Dekker's product: Veltkamp's
    split makes a*b = p + e exactly (no error unless a partial product falls
    below the normal range, which costs at most a unit of the smallest
    subnormal), c - p is exact by Sterbenz's lemma, and (c - p) - e rounds.
    """
    cdef real split, a_hi, a_lo, b_hi, b_lo, p, e, t
    if HAS_FMA:
        return mul_add(-a, b, c)
    if real is float:
        split = <float>4097.0          # 2**12 + 1
    else:
        split = 134217729.0            # 2**27 + 1
    t = split * a
    a_hi = t - (t - a)
    a_lo = a - a_hi
    t = split * b
    b_hi = t - (t - b)
    b_lo = b - b_hi
    p = a * b
    e = ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    return (c - p) - e


# The exponential e**-|x| (NaN stays NaN), one algorithm on every build:
# include/exp_portable.h (its comment gives the algorithm and the error
# budget).  Callers pick the type's function with `real is float`: a fused
# wrapper around the two would be one more function for GCC to inline.
cdef extern from "exp_portable.h" nogil:
    float exp_neg_abs_f32 "csigmoid_exp_neg_abs_f32"(float x)
    double exp_neg_abs_f64 "csigmoid_exp_neg_abs_f64"(double x)


cdef inline real unit_slope_of(real y) noexcept nogil:
    """y * (1 - y) for y in [0, 1] (a sigmoid's output), to 1.5 ulp.

    With FMA, y - y*y in one rounding; without, the form that does not
    cancel: y*(1-y) for y >= 0.5 (1-y exact, Sterbenz) and y - y*y below
    (y*y <= y/2 there, so its rounding costs at most a quarter ulp).
    """
    cdef real one = 1, half = 0.5
    if HAS_FMA:
        return mul_add(-y, y, y)
    return y * (one - y) if y >= half else y - y * y


cdef inline real backward_one(real g, real y) noexcept nogil:
    """g * y * (1 - y) of the given y, max error 2 ulp (1.5 for y in [0, 1]).

    For y in [0, 1], g * unit_slope_of(y).  Any other y (sigmoid_backward
    takes what it is given): p = y * (1 - y), which never loses more than
    its rounding there (|1 - y| >= 1 or |y| >= 1, so p is below the normal
    range only where y itself is, and then p = y), then g * p; where p
    overflows (|y| above about the square root of the largest float) while
    the whole product may not (g = 0: 0, not NaN), (g * y) * (1 - y)
    instead, whose g * y is normal for any nonzero g at such y.
    """
    cdef real one = 1
    cdef real slope
    cdef real unit_slope = unit_slope_of(y)
    if y >= 0 and y <= one:
        return g * unit_slope
    slope = y * (one - y)
    if slope == -INFINITY:
        return (g * y) * (one - y)
    return g * slope


cdef inline void backward_span(const real* g, const real* y, real* out, int64_t n) noexcept nogil:
    """out = backward_one(g, y), element by element, bit for bit.

    Almost always y is a sigmoid's output, in [0, 1], where backward_one is
    g * unit_slope_of(y): each block is first checked for a y outside
    [+0, 1] (or NaN, or -0, which then takes the general loop: the same
    bits), and a block without one takes that product alone, a third of
    backward_one's operations.  The check is on y's bits, in integers, so
    that it vectorizes everywhere (GCC does not vectorize an OR of double
    comparisons for SSE2): y is in [+0, 1] exactly when neither its bits
    nor bits(1) - bits(y) has the sign bit set.  Both loops of a block read y
    before the product loop writes out, so out may be y or g itself (the
    ufunc machinery leaves no other overlap).
    """
    # a block's y (4 or 8 KiB) is still in L1 when its product loop reads
    # it again after the check
    cdef int64_t block = 1024
    cdef int64_t start = 0, stop, i
    cdef uint32_t bits32
    cdef uint64_t bits64
    while start < n:
        stop = start + block if n - start > block else n
        bits32 = 0
        bits64 = 0
        if real is float:
            for i in range(start, stop):
                bits32 |= f32_bits(y[i]) | (<uint32_t>0x3F800000 - f32_bits(y[i]))
        else:
            for i in range(start, stop):
                bits64 |= f64_bits(y[i]) | (<uint64_t>0x3FF0000000000000 - f64_bits(y[i]))
        if (bits32 >> 31) | (bits64 >> 63):
            for i in range(start, stop):
                out[i] = backward_one(g[i], y[i])
        else:
            for i in range(start, stop):
                out[i] = g[i] * unit_slope_of(y[i])
        start = stop


# --- logarithms: logit and log-sigmoid ------------------------------------------
#
# Both are k*ln2 + log(m) with m within [sqrt(1/2), sqrt(2)], and log(m) is
# taken as 2*atanh(s) = sigma + sigma**3/12 + ..., s = (m-1)/(m+1),
# sigma = 2s, |s| <= 0.1716.  Each caller writes sigma as an exact quotient
# (num_hi + num_lo) / (den_hi + den_lo) of its own exact terms, so the one
# division never sees a rounded 1 + t or 1 - p, and the sums that follow
# are error-free (TwoSum) until the last rounding.

cdef inline void two_sum(real a, real b, real* s, real* e) noexcept nogil:
    """s + e = a + b exactly, s = fl(a + b), any magnitudes (Knuth)."""
    cdef real total = a + b
    cdef real b_part = total - a
    cdef real a_part = total - b_part
    s[0] = total
    e[0] = (a - a_part) + (b - b_part)


cdef inline void fast_two_sum(real a, real b, real* s, real* e) noexcept nogil:
    """s + e = a + b exactly, s = fl(a + b), given a = 0 or exponent(a) >= exponent(b) (Dekker)."""
    cdef real total = a + b
    s[0] = total
    e[0] = b - (total - a)


cdef inline void ln2_parts(real* hi, real* lo) noexcept nogil:
    """ln2 = hi + lo to twice the working precision; k*hi is exact for
    |k| < 2**8 (float) or 2**21 (double): the exponentials' split (above)."""
    if real is float:
        hi[0] = LN2_HI_F32
        lo[0] = LN2_LO_F32
    else:
        hi[0] = LN2_HI_F64
        lo[0] = LN2_LO_F64


cdef inline real atanh_series(real w) noexcept nogil:
    """P(w) with 2*atanh(s) = sigma + sigma*w*P(w), sigma = 2s, w = sigma**2, |s| <= 0.1716.

    fdlibm's log coefficients Lg_i (e_log.c; FreeBSD's e_logf.c for float)
    scaled by 2**-(2i+1) for the variable sigma: exact rescalings.  Relative
    error of sigma + sigma*w*P(w) as 2*atanh(s), measured with mpmath on
    |s| <= 0.17158: 2**-59.5 (double), 2**-35.2 (float).
    """
    cdef real p
    if real is float:
        p = mul_add(w, <float>0.0004742007586173713, <float>0.0022264677099883556)
        p = mul_add(p, w, <float>0.01250030379742384)
        return mul_add(p, w, <float>0.0833333283662796)
    else:
        p = mul_add(w, 4.516051820409114e-06, 1.8693649535167692e-05)
        p = mul_add(p, w, 8.878697344540064e-05)
        p = mul_add(p, w, 0.00043402731312792547)
        p = mul_add(p, w, 0.0022321428705986243)
        p = mul_add(p, w, 0.012499999999815443)
        return mul_add(p, w, 0.08333333333333419)


cdef inline real log_of_quotient(real num_hi, real num_lo, real den_hi, real den_lo,
                                 real* tail) noexcept nogil:
    """log(m) = sigma + tail[0], where sigma (returned, rounded) is the exact
    quotient (num_hi + num_lo) / (den_hi + den_lo) = 2(m-1)/(m+1), |sigma| <= 0.344.

    One division; the quotient's rounding error comes back through an exact
    residual, so sigma + tail is good to ~2**-60 relative (double), not the
    half ulp of a plain division.
    """
    cdef real one = 1
    cdef real inv = one / den_hi
    cdef real sigma = num_hi * inv
    cdef real residual = exact_residual(num_hi, sigma, den_hi) + num_lo
    residual = mul_add(-sigma, den_lo, residual)
    cdef real w = sigma * sigma
    tail[0] = mul_add(sigma * w, atanh_series(w), residual * inv)
    return sigma


cdef inline real reduce_quotient(real q, real b, real* reduced) noexcept nogil:
    """k such that q * 2**-64 = reduced * 2**k with reduced / b in
    [sqrt(1/2), sqrt(2)] (give or take an ulp), for positive normal q and b
    (q is the caller's value scaled by 2**64, so that it is normal even when
    the caller's value is subnormal).

    k is read off the bits of fl(q / b) moved by bits(1) - bits(sqrt(1/2))
    (as in musl's log), and applied to q's exponent field, so `reduced` is
    exact and its exponent field never under- or overflows.  k is turned
    into a real through the bits of 1.5 * 2**p + k (the exponentials'
    trick): AVX2 has no 64-bit integer-to-double conversion.
    """
    cdef uint32_t e32
    cdef uint64_t e64
    if real is float:
        e32 = f32_bits(q / b) + (<uint32_t>0x3F800000 - <uint32_t>0x3F3504F3)
        reduced[0] = f32_from_bits(f32_bits(q) - (e32 & <uint32_t>0x7F800000)
                                   + <uint32_t>0x3F800000)
        # 1.5 * 2**23 + 127 + 64
        return f32_from_bits((e32 >> 23) | <uint32_t>0x4B400000) - <float>12583103.0
    else:
        e64 = f64_bits(q / b) + (<uint64_t>0x3FF0000000000000 - <uint64_t>0x3FE6A09E667F3BCD)
        reduced[0] = f64_from_bits(f64_bits(q) - (e64 & <uint64_t>0x7FF0000000000000)
                                   + <uint64_t>0x3FF0000000000000)
        # 1.5 * 2**52 + 1023 + 64
        return f64_from_bits((e64 >> 52) | <uint64_t>0x4338000000000000) - 6755399441056831.0


cdef inline real logit_one(real p) noexcept nogil:
    """log(p / (1 - p)); -inf at 0 (and -0), +inf at 1, NaN outside [0, 1] and for NaN.

    logit(p) = -logit(1 - p), and 1 - p is exact for p >= 1/2 (Sterbenz), so
    only q = min(p, 1 - p) in [0, 1/2] is computed: logit(q) = log(q / b),
    b = 1 - q = b_hi - b_err exactly.  With q = Q * 2**k and Q / b within
    [sqrt(1/2), sqrt(2)], sigma = 2(Q - b) / (Q + b), where Q - b_hi is exact
    (Sterbenz) and the rest is summed without error: no cancellation
    anywhere (near p = 1/2 this is sigma = 2(2q - 1), exact).  logit(1/2) = +0.
    Max error measured (tests/test_accuracy.py): float32, every input:
    0.55 ulp; float64, 1.1e6 dense samples: 0.55 ulp; mpmath points 0.50
    ulp; the same with and without FMA.
    """
    cdef real zero = 0, half = 0.5, one = 1
    cdef real two_64 = 18446744073709551616.0
    cdef real ln2_hi, ln2_lo
    ln2_parts(&ln2_hi, &ln2_lo)
    cdef bint upper = p >= half
    cdef real q = one - p if upper else p
    cdef real b_hi = one - q
    cdef real b_err = q - (one - b_hi)               # exact: 1 >= q (Fast2Sum)
    # q * 2**64 is normal even for a subnormal q (and exact): no select needed
    cdef real big_q
    cdef real k = reduce_quotient(q * two_64, b_hi, &big_q)
    cdef real num_hi, num_lo, den_hi, den_lo, tail
    # Q - b_hi is 0 or a multiple of an ulp no smaller than |b_err|: Fast2Sum holds
    fast_two_sum(big_q - b_hi, b_err, &num_hi, &num_lo)
    # Q and b_hi are positive: the larger one has the larger exponent
    fast_two_sum(big_q if big_q > b_hi else b_hi, b_hi if big_q > b_hi else big_q, &den_hi, &den_lo)
    cdef real sigma = log_of_quotient(num_hi, num_lo, den_hi * half, (den_lo - b_err) * half, &tail)
    # k <= 0, so k*ln2_hi is 0 or beyond 0.69 > |sigma|
    cdef real head, head_lo
    fast_two_sum(k * ln2_hi, sigma, &head, &head_lo)
    cdef real lower_logit = head + (head_lo + mul_add(k, ln2_lo, tail))
    # q < 0 exactly when p is outside [0, 1]; q = 0 for p = 0, -0 and 1; a NaN
    # q has made lower_logit NaN already
    lower_logit = <real>-INFINITY if q <= zero else lower_logit
    lower_logit = <real>NAN if q < zero else lower_logit
    # 0 - L, not -L: logit(1/2) is +0
    return zero - lower_logit if upper else lower_logit


cdef inline real log_sigmoid_of(real x, real t) noexcept nogil:
    """log(sigma(x)) = -(max(-x, 0) + log1p(t)), given t = e**-|x|; -0 at +inf,
    x itself for x <= -40 and for a NaN x.  (The loop calls the exponential itself: one
    function less for the compiler to inline, which it must for the loop
    to vectorize.)

    With t = e**-|x| in [0, 1], log1p(t) = k*ln2 + log(m), m = (1 + t) / 2**k,
    k = 1 for t >= sqrt(2) - 1: sigma = 2(m-1)/(m+1) = (t - k) / ((t + 2 + k) / 2)
    with t - k and t + 2 + k exact as pairs (Fast2Sum).  For large x,
    log1p(t) comes out as t itself, subnormal or not (den = 1, sigma = t).
    The sum is taken as softplus(-x) >= 0 and negated, so +inf gives -0.
    Below -40, x - log1p(e**x) rounds to x (e**x < a quarter ulp of x) and x
    is returned, which also keeps -inf out of the sums.
    Max error measured (tests/test_accuracy.py): float32, every 7th input:
    1.47 ulp; float64, 4e6 points: 1.49 ulp (where the result is mostly -t,
    t carries the exponential's error).
    """
    cdef real zero = 0, one = 1, two = 2, half = 0.5
    cdef real root2_minus_1 = 0.41421356237309515
    cdef real minus_forty = -40
    cdef real ln2_hi, ln2_lo
    ln2_parts(&ln2_hi, &ln2_lo)
    cdef real k = one if t >= root2_minus_1 else zero
    cdef real num_hi, num_lo, den_hi, den_lo, tail
    fast_two_sum(-k, t, &num_hi, &num_lo)
    fast_two_sum(two + k, t, &den_hi, &den_lo)
    cdef real sigma = log_of_quotient(num_hi, num_lo, den_hi * half, den_lo * half, &tail)
    # max(-x, 0) + k*ln2_hi is 0 (x >= 0, k = 0), >= ln2_hi (k = 1) or > 0.88
    # (x < 0, k = 0): never below |sigma|, so the second sum is exact too
    cdef real big, big_lo, head, head_lo
    two_sum(-x if x < zero else zero, k * ln2_hi, &big, &big_lo)
    fast_two_sum(big, sigma, &head, &head_lo)
    cdef real softplus = head + (head_lo + (big_lo + mul_add(k, ln2_lo, tail)))
    # A NaN x is returned as it is (a signaling NaN is not quieted): through
    # the sums its sign would be left to the order in which the compiler
    # puts each operation's operands, which differs between loops.  One
    # unordered compare: clang's cost model declines to vectorize the SSE2
    # float64 loop for a second select (or for a quieting x + 0).
    return x if not x > minus_forty else -softplus


cdef inline void run_span(Operation op, const real* in0, const real* in1,
                          real* out0, real* out1, int64_t n) noexcept nogil:
    """One thread's contiguous share; leaves its FP flags as it found them."""
    cdef int64_t i
    cdef real t
    cdef fpflags saved
    fpflags_save(&saved)
    if op == OP_SIGMOID:
        sigmoid_span(in0, out0, n)
    elif op == OP_DERIVATIVE:
        sigmoid_parts_span(in0, NULL, out0, n)
    elif op == OP_SIGMOID_AND_DERIVATIVE:
        sigmoid_parts_span(in0, out0, out1, n)
    elif op == OP_LOGIT:
        for i in range(n):
            out0[i] = logit_one(in0[i])
    elif op == OP_LOG_SIGMOID:
        for i in range(n):
            t = exp_neg_abs_f32(in0[i]) if real is float else exp_neg_abs_f64(in0[i])
            out0[i] = log_sigmoid_of(in0[i], t)
    elif op == OP_BACKWARD:
        backward_span(in0, in1, out0, n)
    fpflags_restore(&saved)


# The kernels' side of the parallel driver (_parallel/driver.pxi): a call's pointers,
# and the span function that runs one chunk of them.
cdef struct KernelWork:
    Operation op
    const void* in0
    const void* in1
    void* out0
    void* out1


cdef void kernel_span(const void* work, int64_t start, int64_t stop,
                      real* kind) noexcept nogil:
    cdef const KernelWork* w = <const KernelWork*>work
    run_span(w.op, <const real*>w.in0 + start, <const real*>w.in1 + start,
             <real*>w.out0 + start, <real*>w.out1 + start, stop - start)


cdef void kernel_span_f32(const void* work, int64_t start, int64_t stop) noexcept nogil:
    kernel_span(work, start, stop, <float*>NULL)


cdef void kernel_span_f64(const void* work, int64_t start, int64_t stop) noexcept nogil:
    kernel_span(work, start, stop, <double*>NULL)


cdef void run(Operation op, const real* in0, const real* in1,
              real* out0, real* out1, int64_t n, int num_threads,
              TeamTiming* timing) noexcept nogil:
    """Apply `op` elementwise over n contiguous elements on num_threads threads
    (see table.pxd for `timing`), in chunks of whole 16-element
    groups (_parallel/driver.pxi).

    Every element is computed by the same code whatever the split, so the
    result does not depend on num_threads.  Pointers not used by `op` must
    still be valid (pass in0/out0 again): offsets are applied to all four.
    """
    cdef KernelWork work = KernelWork(op, in0, in1, out0, out1)
    if real is float:
        run_parallel(kernel_span_f32, &work, n, num_threads, 16, timing)
    else:
        run_parallel(kernel_span_f64, &work, n, num_threads, 16, timing)


cdef KernelTable table
table.run_f32 = run[float]
table.run_f64 = run[double]
table.has_fma = HAS_FMA

kernel_table = PyCapsule_New(&table, "csigmoid.KernelTable", NULL)
# Whether this build's kernels round a*b + c once (the FMA instruction):
# builds that do return one set of bits, builds that do not (the x86-64
# baseline) another (README, "The same answer on every machine").
fused_multiply_add = bool(HAS_FMA)
