# The compute kernels, written once for float and double and compiled once
# per instruction-set level (_kernels_baseline.pyx, _kernels_avx2.pyx,
# _kernels_avx512.pyx each include this file; setup.py gives each its
# -march).  Nothing here touches a Python object.
#
# Why it vectorizes: every per-element function is `cdef inline`, branch-free
# (selects, not jumps) and calls nothing but fma and bit casts, so GCC/Clang inline
# them into the simple loops of the *_span functions and turn those into
# SIMD loops.  setup.py compiles with -fno-trapping-math (needed to
# if-convert the selects) and -ffp-contract=off (so that the compiler never
# fuses a*b+c on its own: the vector body and the scalar tail then give the
# same bits, which makes results independent of the thread split), never
# with -ffast-math.
#
# Error bounds quoted below were measured by the exhaustive float32 sweep
# and the dense float64 sweep of tests/test_accuracy.py.
from cython cimport floating as real
from cython.parallel cimport prange
from libc.math cimport fma, fmaf
from libc.stdint cimport int64_t, uint32_t, uint64_t
from libc.string cimport memcpy
from cpython.pycapsule cimport PyCapsule_New

from csigmoid._kernel_table cimport (
    KernelTable, Operation, OP_SIGMOID, OP_DERIVATIVE, OP_SIGMOID_AND_DERIVATIVE, OP_BACKWARD,
    OP_COPY,
)

cdef extern from "_stream.h" nogil:
    void stream_f32 "csigmoid_stream_f32"(float* dst, const float* src, int64_t n)
    void stream_f64 "csigmoid_stream_f64"(double* dst, const double* src, int64_t n)
    void stream_fence "csigmoid_stream_fence"()

# Outputs of at least this many bytes are written with streaming stores.
# Input and output then together outgrow a typical last-level cache (32 MiB
# on the development machine), so the output would be evicted before the
# caller reads it anyway; smaller outputs are written normally and stay in
# cache for the caller.
cdef int64_t STREAM_MIN_BYTES = 1 << 24
# Elements per block of the streamed path: two blocks of float64 take 16 KiB,
# half of a typical L1 data cache.
cdef enum:
    STREAM_BLOCK = 1024

cdef extern from "_fp.h" nogil:
    const bint HAS_FMA "CSIGMOID_HAS_FMA"
    uint32_t f32_bits "csigmoid_f32_bits"(float f)
    float f32_from_bits "csigmoid_f32_from_bits"(uint32_t u)
    uint64_t f64_bits "csigmoid_f64_bits"(double f)
    double f64_from_bits "csigmoid_f64_from_bits"(uint64_t u)
    ctypedef struct fpflags "csigmoid_fpflags":
        pass
    void fpflags_save "csigmoid_fpflags_save"(fpflags* saved)
    void fpflags_restore "csigmoid_fpflags_restore"(const fpflags* saved)


cdef inline real mul_add(real a, real b, real c) noexcept nogil:
    """a*b + c: one rounding where FMA is native, two elsewhere."""
    if HAS_FMA:
        if real is float:
            return fmaf(a, b, c)
        else:
            return fma(a, b, c)
    return a * b + c


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


cdef inline float exp_nonpositive_f32(float a) noexcept nogil:
    """e**a for a in [-104, 0] (or NaN -> NaN), subnormal results included.

    a = k*ln2 + r with |r| <= ln2/2; e**r = 1 + p, p = r + r^2 P(r), P a
    degree-4 minimax fit on |r| <= 0.35.  The result is 2**(k+64) * (1 + p)
    as one fused multiply-add (2**(k+64) is always a normal number, so this
    is one rounding at full precision, where 1 + p and then the product
    would be two), times 2**-64, the only rounding that can land in the
    subnormal range (the one before it costs at most a quarter of a
    subnormal ulp there).  A NaN a gives a NaN p and so a NaN result
    whatever garbage k holds.  Its error is measured through sigma (below),
    which for x < -17 is this function's result.
    """
    cdef float shift = <float>12582912.0                     # 0x1.8p23: k lands in the low mantissa bits
    cdef float kd = mul_add(a, <float>1.4426950216293335, shift)   # 0x1.715476p0 = log2(e)
    cdef uint32_t k_bits = f32_bits(kd)
    kd = kd - shift
    # ln2 = 0x1.62e4p-1 + 0x1.7f7d1cp-20; the high part has 16 bits, so k*hi is exact for |k| < 2**8
    cdef float r = mul_add(kd, <float>-0.693145751953125, a)
    r = mul_add(kd, <float>-1.428606765330187e-06, r)
    cdef float p = mul_add(r, <float>0.0013942165533080697, <float>0.008363775908946991)
    p = mul_add(p, r, <float>0.041666362434625626)
    p = mul_add(p, r, <float>0.16666573286056519)
    p = mul_add(p, r, <float>0.5)
    p = mul_add(p, r * r, r)
    # 2**(k+64): exponent field k + 64 + 127, from the integer left in kd's low bits
    cdef float scale = f32_from_bits((k_bits - f32_bits(shift) + <uint32_t>191) << 23)
    return mul_add(scale, p, scale) * <float>5.421010862427522e-20       # 0x1p-64


cdef inline double exp_nonpositive_f64(double a) noexcept nogil:
    """e**a for a in [-746, 0] (or NaN -> NaN), subnormal results rounded once.

    Same scheme as the float32 version; P is a degree-9 minimax fit
    (relative error 2^-56 on |r| <= 0.35).
    """
    cdef double shift = 6755399441055744.0                   # 0x1.8p52
    cdef double kd = mul_add(a, 1.4426950408889634, shift)   # 0x1.71547652b82fep0 = log2(e)
    cdef uint64_t k_bits = f64_bits(kd)
    kd = kd - shift
    # ln2 = 0x1.62e42feep-1 + 0x1.a39ef35793c76p-33 (fdlibm's split: k*hi exact for |k| < 2**20)
    cdef double r = mul_add(kd, -0.6931471803691238, a)
    r = mul_add(kd, -1.9082149292705877e-10, r)
    cdef double p = mul_add(r, 2.5111201842021676e-08, 2.7621339622631603e-07)
    p = mul_add(p, r, 2.7557239250049865e-06)
    p = mul_add(p, r, 2.480151863905157e-05)
    p = mul_add(p, r, 0.00019841269889347038)
    p = mul_add(p, r, 0.0013888888918940972)
    p = mul_add(p, r, 0.008333333333321296)
    p = mul_add(p, r, 0.04166666666662063)
    p = mul_add(p, r, 0.16666666666666674)
    p = mul_add(p, r, 0.5000000000000001)
    p = mul_add(p, r * r, r)
    cdef double scale = f64_from_bits((k_bits - f64_bits(shift) + <uint64_t>1087) << 52)  # 2**(k+64)
    return mul_add(scale, p, scale) * 5.421010862427522e-20              # 0x1p-64


cdef inline real exp_neg_abs(real x) noexcept nogil:
    """e**-|x| (NaN stays NaN).  Below the clamp e**-|x| rounds to +0 anyway.

    -|x| is x with its sign bit set: one OR, where -fabs(x) compiles to an
    AND and an XOR.
    """
    cdef real a
    if real is float:
        a = f32_from_bits(f32_bits(x) | <uint32_t>0x80000000)
        # written so that a NaN a is kept (the compare is false for NaN)
        a = <float>-104.0 if <float>-104.0 > a else a
        return exp_nonpositive_f32(a)
    else:
        a = f64_from_bits(f64_bits(x) | <uint64_t>0x8000000000000000)
        a = -746.0 if -746.0 > a else a
        return exp_nonpositive_f64(a)


cdef inline real refined_quotient(real num, real t, real q) noexcept nogil:
    """num / (1 + t) for num = 1 or num = t, 0 <= t <= 1, given q ~= 1/(1 + t),
    accurate to about half an ulp.

    One correction step with the residual num - y0*(1 + t), taken against
    1 + t itself rather than its rounded value, removes both the error of q
    and the rounding of 1 + t, which the plain num / fl(1 + t) would keep
    (that costs ~1 ulp and broke the 2-ulp bound in float32).  The residual
    is (num - y0) - y0*t: num - y0 is exact (Sterbenz: num/2 <= y0 <= num,
    as 1/2 <= q <= 1), and exact_residual rounds the rest once, a relative
    2**-53 (float32: 2**-24) of a correction under an ulp.  So 1 + t is never
    rounded where it matters and its rounding error need not be carried.
    """
    cdef real y0 = num * q
    cdef real r = exact_residual(num - y0, y0, t)
    return mul_add(r, q, y0)


cdef inline void sigmoid_parts(real x, real* y, real* dy) noexcept nogil:
    """y = sigma(x) and dy = sigma'(x), from one exponential t = e**-|x|.

    sigma(x) = 1/(1+t) for x >= 0 and t/(1+t) for x < 0;
    sigma'(x) = t/(1+t)**2 = (t/(1+t)) * (1/(1+t)), symmetric in x, so never
    the y*(1-y) form that cancels to 0 at the upper tail.
    Max error measured (tests/test_accuracy.py): float32, every input: sigma
    1.53 ulp, sigma' 2.93 ulp; float64, 3.1e6 dense inputs: sigma 1.38 ulp,
    sigma' 2.23 ulp; the same within 0.03 ulp with and without FMA.
    """
    cdef real one = 1
    cdef real t = exp_neg_abs(x)
    cdef real q = one / (one + t)
    cdef real lower = refined_quotient(t, t, q)     # sigma(-|x|)
    cdef real upper = refined_quotient(one, t, q)   # sigma(|x|)
    y[0] = upper if x >= 0 else lower
    dy[0] = lower * upper


cdef inline real sigmoid_one(real x) noexcept nogil:
    cdef real one = 1
    cdef real t = exp_neg_abs(x)
    cdef real num = one if x >= 0 else t
    return refined_quotient(num, t, one / (one + t))


cdef inline real derivative_one(real x) noexcept nogil:
    cdef real y, dy
    sigmoid_parts(x, &y, &dy)
    return dy


cdef inline real backward_one(real g, real y) noexcept nogil:
    """g * y * (1 - y) of the given y, max error 1.5 ulp.

    With FMA, y - y*y in one rounding.  Without, the form that does not
    cancel: y*(1-y) for y >= 0.5 (1-y exact, Sterbenz) and y - y*y below
    (y*y <= y/2 there, so its rounding costs at most a quarter ulp).
    """
    cdef real one = 1, half = 0.5
    if HAS_FMA:
        return g * mul_add(-y, y, y)
    return g * (y * (one - y) if y >= half else y - y * y)


cdef inline void compute_span(Operation op, const real* in0, const real* in1,
                              real* out0, real* out1, int64_t n) noexcept nogil:
    cdef int64_t i
    if op == OP_SIGMOID:
        for i in range(n):
            out0[i] = sigmoid_one(in0[i])
    elif op == OP_DERIVATIVE:
        for i in range(n):
            out0[i] = derivative_one(in0[i])
    elif op == OP_SIGMOID_AND_DERIVATIVE:
        for i in range(n):
            sigmoid_parts(in0[i], &out0[i], &out1[i])
    elif op == OP_BACKWARD:
        for i in range(n):
            out0[i] = backward_one(in0[i], in1[i])
    else:
        memcpy(out0, in0, n * sizeof(real))


cdef inline void stream_out(real* dst, const real* src, int64_t n) noexcept nogil:
    if real is float:
        stream_f32(dst, src, n)
    else:
        stream_f64(dst, src, n)


cdef inline void run_span(Operation op, const real* in0, const real* in1,
                          real* out0, real* out1, int64_t n, bint stream) noexcept nogil:
    """One thread's contiguous share; leaves its FP flags as it found them.

    With `stream`, the share is computed in blocks into buffers that stay in
    L1 and written out with non-temporal stores (_stream.h says why).
    """
    cdef fpflags saved
    cdef real block0[STREAM_BLOCK]
    cdef real block1[STREAM_BLOCK]
    cdef int64_t start, size
    fpflags_save(&saved)
    if not stream or op == OP_COPY:
        compute_span(op, in0, in1, out0, out1, n)
    else:
        start = 0
        while start < n:
            size = n - start if n - start < STREAM_BLOCK else STREAM_BLOCK
            compute_span(op, in0 + start, in1 + start, block0, block1, size)
            stream_out(out0 + start, block0, size)
            if op == OP_SIGMOID_AND_DERIVATIVE:
                stream_out(out1 + start, block1, size)
            start += size
        stream_fence()
    fpflags_restore(&saved)


cdef inline int64_t span_start(int64_t part, int64_t parts, int64_t n) noexcept nogil:
    """Start of thread `part`'s share: equal shares rounded up to 16 elements
    (64 bytes of float32), so shares start on cache-line boundaries when the
    buffer does."""
    cdef int64_t share = ((n + parts - 1) // parts + 15) // 16 * 16
    cdef int64_t start = part * share
    return start if start < n else n


cdef void run(Operation op, const real* in0, const real* in1,
              real* out0, real* out1, int64_t n, int num_threads) noexcept nogil:
    """Apply `op` elementwise over n contiguous elements on num_threads threads.

    Every element is computed by the same code whatever the split, so the
    result does not depend on num_threads.  Pointers not used by `op` must
    still be valid (pass in0/out0 again): offsets are applied to all four.
    """
    cdef int part
    cdef int64_t start, stop
    cdef bint stream = n * <int64_t>sizeof(real) >= STREAM_MIN_BYTES
    if num_threads <= 1:
        run_span(op, in0, in1, out0, out1, n, stream)
        return
    for part in prange(num_threads, nogil=True, schedule='static', num_threads=num_threads):
        start = span_start(part, num_threads, n)
        stop = span_start(part + 1, num_threads, n)
        run_span(op, in0 + start, in1 + start, out0 + start, out1 + start, stop - start, stream)


cdef KernelTable table
table.run_f32 = run[float]
table.run_f64 = run[double]
table.has_fma = HAS_FMA

kernel_table = PyCapsule_New(&table, "csigmoid.KernelTable", NULL)
# for the tests that must reach the streamed path
stream_min_bytes = STREAM_MIN_BYTES
