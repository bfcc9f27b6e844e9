# sigma and sigma' over spans in portable C: the per-element functions are
# branch-free `cdef inline` code that GCC/Clang/MSVC vectorize for whatever the
# target has (SSE2 in the baseline x86-64 build, NEON on AArch64).
# baseline.pyx includes this after kernels.pxi (which holds the
# exponential, exact_residual and mul_add used here); the avx2 and avx512
# variants include sigmoid_simd.pxi instead.

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


cdef inline void sigmoid_parts_of(real x, real t, real* y, real* dy) noexcept nogil:
    """y = sigma(x) and dy = sigma'(x), given t = e**-|x| (one exponential for both).

    sigma(x) = 1/(1+t) for x >= 0 and t/(1+t) for x < 0;
    sigma'(x) = t/(1+t)**2 = (t/(1+t)) * (1/(1+t)), symmetric in x, so never
    the y*(1-y) form that cancels to 0 at the upper tail.
    Max error measured (tests/test_accuracy.py, and
    tools/bench/simd_harness/accuracy.c for float64; the bits of every build
    with FMA, the AVX2 and AVX-512 intrinsics included): float32, every
    input: sigma 1.48 ulp, sigma' 2.92 ulp; float64, 6e6 points of
    [-745, 40]: sigma 1.50 ulp, sigma' 2.77 ulp.  Without FMA (the x86-64 baseline),
    measured on every 16th float32 and 3e6 float64 points: the same maxima
    as with FMA, within 0.05 ulp.
    """
    cdef real one = 1
    cdef real q = one / (one + t)
    cdef real lower = refined_quotient(t, t, q)     # sigma(-|x|)
    cdef real upper = refined_quotient(one, t, q)   # sigma(|x|)
    # A NaN x gives x, quieted, for both: the compiler may flip a NaN's
    # sign differently in each loop (only the payload may differ between
    # variants; between the functions of one build it does not)
    y[0] = (upper if x >= 0 else lower) if x == x else x + x
    dy[0] = lower * upper if x == x else x + x


cdef inline real sigmoid_of(real x, real t) noexcept nogil:
    """sigma(x), given t = e**-|x|: bit for bit sigmoid_parts_of's y."""
    cdef real one = 1
    cdef real num = one if x >= 0 else t
    cdef real y = refined_quotient(num, t, one / (one + t))
    return y if x == x else x + x


# The loops call the exponential themselves (exp_portable.h, forced inline)
# and then the quotients: one function less for the compiler to inline,
# which it must for the loops to vectorize.

cdef inline void sigmoid_span(const real* x, real* y, int64_t n) noexcept nogil:
    cdef int64_t i
    cdef real t
    for i in range(n):
        t = exp_neg_abs_f32(x[i]) if real is float else exp_neg_abs_f64(x[i])
        y[i] = sigmoid_of(x[i], t)


cdef inline void sigmoid_parts_span(const real* x, real* y, real* dy, int64_t n) noexcept nogil:
    """sigma' into dy, and sigma into y unless y is NULL."""
    cdef int64_t i
    cdef real value, t
    if y == NULL:
        for i in range(n):
            t = exp_neg_abs_f32(x[i]) if real is float else exp_neg_abs_f64(x[i])
            sigmoid_parts_of(x[i], t, &value, &dy[i])
    else:
        for i in range(n):
            t = exp_neg_abs_f32(x[i]) if real is float else exp_neg_abs_f64(x[i])
            sigmoid_parts_of(x[i], t, &y[i], &dy[i])
