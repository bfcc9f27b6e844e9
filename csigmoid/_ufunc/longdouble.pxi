# The family in C long double arithmetic, one element at a time: the loops of
# the ufuncs' `g` type (numpy.longdouble).  Where long double is wider than
# double (x87 80-bit on x86 Linux and macOS, IEEE quad on AArch64 Linux) this
# keeps the extra precision a longdouble caller asked for; where it is just a
# double (MSVC, Apple silicon) it is the same arithmetic as double, unvectorized.
# Nothing here touches a Python object.
#
# The forms are the stable ones of the float kernels (e**-|x| never overflows,
# sigma' is symmetric in x, logit is odd about 1/2), without their extra
# correction steps: each is a few roundings of long double, measured by
# tests/test_accuracy.py at <= 4 ulp of long double against mpmath.
from libc.float cimport LDBL_MIN
from libc.math cimport INFINITY, NAN, expl, fabsl, log1pl, logl


cdef inline long double sigmoid_ld(long double x) noexcept nogil:
    cdef long double t = expl(-fabsl(x))
    return 1 / (1 + t) if x >= 0 else t / (1 + t)


cdef inline long double sigmoid_derivative_ld(long double x) noexcept nogil:
    cdef long double t = expl(-fabsl(x))
    cdef long double s = 1 + t
    return t / (s * s)


cdef inline long double backward_ld(long double g, long double y) noexcept nogil:
    """g * (y * (1 - y)), but where y * (1 - y) overflows (y far outside
    [0, 1]) while the whole product may not, (g * y) * (1 - y): the float
    kernels' rule (backward_one)."""
    cdef long double slope = y * (1 - y)
    if slope == -INFINITY:
        return (g * y) * (1 - y)
    return g * slope


cdef inline long double logit_ld(long double p) noexcept nogil:
    """logit(p) = -logit(1 - p), with 1 - p exact for p >= 1/2; for q <= 1/2,
    logit(q) = -log1p((1 - 2q) / q), where 1 - 2q is exact for q in [1/4, 1/2]
    (near p = 1/2, where it matters); q = 0 gives -inf through log1p(inf).
    Below LDBL_MIN (1 - 2q) / q overflows (from q ~ 1 / LDBL_MAX), and there
    logit(q) = log(q) - log1p(-q) is log(q) to far below an ulp."""
    cdef bint upper = p >= 0.5
    cdef long double q = fabsl(1 - p if upper else p)      # fabsl: logit(-0) = -inf too
    cdef long double magnitude = -logl(q) if 0 < q < LDBL_MIN else log1pl((1 - 2 * q) / q)
    if not (p >= 0 and p <= 1):                             # outside [0, 1], or NaN
        return <long double>NAN
    return magnitude if upper else -magnitude


cdef inline long double log_sigmoid_ld(long double x) noexcept nogil:
    """-(max(-x, 0) + log1p(e**-|x|)); -0 at +inf, -inf at -inf, NaN for NaN."""
    cdef long double negative_part = -x if x < 0 else 0
    return -(negative_part + log1pl(expl(-fabsl(x))))
