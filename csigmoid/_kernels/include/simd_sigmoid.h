/* The sigmoid family over a span, written once for both float types:
 * simd.h includes this file once with SIMD_T = f64, SIMD_REAL = double and
 * once with f32 / float, after defining that type's primitives
 * (simd_<name>_<T>) and its exponential.  No include guard, on purpose.
 *
 * sigma(x) = 1/(1+t) for x >= 0 and t/(1+t) for x < 0, t = e**-|x| (never
 * e**x: no overflow, and t/(1+t) keeps the lower tail's subnormal results);
 * sigma'(x) = (t/(1+t)) * (1/(1+t)), never the y*(1-y) form that cancels to
 * 0 at the upper tail.  The quotients are refined as in the portable kernels
 * (sigmoid_portable.pxi, refined_quotient): q = 1/(1+t) by one division,
 * then one correction against 1 + t itself, whose rounding is thus never
 * kept.  On the CPUs measured, one division costs less than a reciprocal
 * estimate and the Newton steps this precision needs (BENCHMARKS.md).
 */

#define SIMD_CAT_(name, type) name##_##type
#define SIMD_CAT(name, type) SIMD_CAT_(name, type)
#define SIMD(name) SIMD_CAT(simd_##name, SIMD_T)
#define SIMD_VEC SIMD_CAT(simd, SIMD_T)
#define SIMD_MASK SIMD_CAT(simd_mask, SIMD_T)
#define SIMD_WIDTH SIMD_CAT(SIMD_LANES, SIMD_T)

/* num / (1 + t) to about half an ulp, for num = 1 or num = t, 0 <= t <= 1, given
 * q ~= 1/(1 + t) (here the rounded quotient): the residual num - y0*(1 + t) is
 * (num - y0) - y0*t, where num - y0 is exact (Sterbenz: num/2 <= y0 <= num) and
 * the fused multiply-add rounds the rest once, a relative 2**-53 (float: 2**-24)
 * of a correction under an ulp. */
static inline SIMD_VEC SIMD(refined_quotient)(SIMD_VEC num, SIMD_VEC t, SIMD_VEC q)
{
    SIMD_VEC y0 = SIMD(mul)(num, q);
    SIMD_VEC residual = SIMD(fnma)(y0, t, SIMD(sub)(num, y0));
    return SIMD(fma)(residual, q, y0);
}

/* sigma(x), given t = e**-|x| */
static inline SIMD_VEC SIMD(sigmoid_of)(SIMD_VEC x, SIMD_VEC t)
{
    SIMD_VEC one = SIMD(splat)(1);
    SIMD_VEC q = SIMD(div)(one, SIMD(add)(one, t));
    return SIMD(refined_quotient)(SIMD(select_nonneg)(x, one, t), t, q);
}

/* sigma(x) and sigma'(x), given t = e**-|x|; y is bit for bit SIMD(sigmoid_of)
 * (the same operations on the same operands: 1 * q is q) */
static inline void SIMD(sigmoid_parts_of)(SIMD_VEC x, SIMD_VEC t, SIMD_VEC *y, SIMD_VEC *dy)
{
    SIMD_VEC one = SIMD(splat)(1);
    SIMD_VEC q = SIMD(div)(one, SIMD(add)(one, t));
    SIMD_VEC lower = SIMD(refined_quotient)(t, t, q);       /* sigma(-|x|) */
    SIMD_VEC upper = SIMD(refined_quotient)(one, t, q);     /* sigma(|x|) */
    *y = SIMD(select_nonneg)(x, upper, lower);
    *dy = SIMD(mul)(lower, upper);
}

/* Spans.  Per vector, exponential then quotient are one chain of ~65 cycles of
 * latency; to keep its pipes busy the core would have to hold several such
 * chains in flight at once, more than its schedulers take.  So the loop runs
 * the exponentials SIMD_AHEAD vectors ahead of the quotients (kept in a small
 * ring): each iteration holds two independent short chains, the quotient's
 * input is ready when it starts, and the divider works while the FMA units
 * compute the next exponentials (measured: 10 to 25% less time per element
 * than the plain loop, BENCHMARKS.md).  The last partial vector of a span is
 * a masked one; every element goes through the same operations. */

/* the v-th vector of x[0:n], masked if it is the last, partial one */
static inline SIMD_VEC SIMD(load_vector)(const SIMD_REAL *x, int64_t n, int64_t v)
{
    const int64_t i = v * SIMD_WIDTH;
    return i + SIMD_WIDTH <= n ? SIMD(load)(x + i) : SIMD(load_first)(x + i, SIMD(first)(n - i));
}

/* stream: non-temporal stores for the whole vectors (y + v * width is then
 * aligned: the caller aligned y); the last partial vector is a plain masked store */
static inline void SIMD(store_vector)(SIMD_REAL *y, int64_t n, int64_t v, SIMD_VEC value, int stream)
{
    const int64_t i = v * SIMD_WIDTH;
    if (i + SIMD_WIDTH > n) {
        SIMD(store_first)(y + i, value, SIMD(first)(n - i));
    } else if (stream) {
        SIMD(stream)(y + i, value);
    } else {
        SIMD(store)(y + i, value);
    }
}

/* ring[v % SIMD_AHEAD] = e**-|x| of vector v, for the first SIMD_AHEAD vectors */
static inline void SIMD(fill_ring)(const SIMD_REAL *x, int64_t n, int64_t vectors, SIMD_VEC *ring)
{
    for (int64_t v = 0; v < SIMD_AHEAD && v < vectors; v++) {
        ring[v] = SIMD(exp_neg_abs)(SIMD(load_vector)(x, n, v));
    }
}

/* the exponential of vector v, taken from the ring, whose slot then receives vector v + SIMD_AHEAD's */
static inline SIMD_VEC SIMD(advance_ring)(const SIMD_REAL *x, int64_t n, int64_t vectors, SIMD_VEC *ring, int64_t v)
{
    SIMD_VEC t = ring[v % SIMD_AHEAD];
    if (v + SIMD_AHEAD < vectors) {
        ring[v % SIMD_AHEAD] = SIMD(exp_neg_abs)(SIMD(load_vector)(x, n, v + SIMD_AHEAD));
    }
    return t;
}

static inline void SIMD(sigmoid_run)(const SIMD_REAL *x, SIMD_REAL *y, int64_t n, int stream)
{
    SIMD_VEC ring[SIMD_AHEAD];
    const int64_t vectors = (n + SIMD_WIDTH - 1) / SIMD_WIDTH;
    SIMD(fill_ring)(x, n, vectors, ring);
    for (int64_t v = 0; v < vectors; v++) {
        SIMD_VEC t = SIMD(advance_ring)(x, n, vectors, ring, v);
        SIMD(store_vector)(y, n, v, SIMD(sigmoid_of)(SIMD(load_vector)(x, n, v), t), stream);
    }
}

static inline void SIMD(sigmoid_parts_run)(const SIMD_REAL *x, SIMD_REAL *y, SIMD_REAL *dy, int64_t n, int stream)
{
    SIMD_VEC ring[SIMD_AHEAD], value, slope;
    const int64_t vectors = (n + SIMD_WIDTH - 1) / SIMD_WIDTH;
    SIMD(fill_ring)(x, n, vectors, ring);
    for (int64_t v = 0; v < vectors; v++) {
        SIMD_VEC t = SIMD(advance_ring)(x, n, vectors, ring, v);
        SIMD(sigmoid_parts_of)(SIMD(load_vector)(x, n, v), t, &value, &slope);
        if (y) {
            SIMD(store_vector)(y, n, v, value, stream);
        }
        SIMD(store_vector)(dy, n, v, slope, stream);
    }
}

/* Elements before `out` reaches a vector boundary, or -1 where the span is
 * written with plain stores: below SIMD_STREAM_BYTES of output, or when the
 * outputs do not share one alignment (`other` may be NULL). */
static inline int64_t SIMD(stream_head)(const SIMD_REAL *out, const SIMD_REAL *other, int64_t n)
{
    const uintptr_t vector_bytes = SIMD_WIDTH * sizeof(SIMD_REAL);
    const uintptr_t offset = (uintptr_t)out % vector_bytes;
    if ((uint64_t)n * sizeof(SIMD_REAL) < SIMD_STREAM_BYTES || offset % sizeof(SIMD_REAL) != 0
        || (other != NULL && (uintptr_t)other % vector_bytes != offset)) {
        return -1;
    }
    return (int64_t)((vector_bytes - offset) % vector_bytes / sizeof(SIMD_REAL));
}

static void SIMD(sigmoid_span)(const SIMD_REAL *x, SIMD_REAL *y, int64_t n)
{
    const int64_t head = SIMD(stream_head)(y, NULL, n);
    if (head < 0) {
        SIMD(sigmoid_run)(x, y, n, 0);
        return;
    }
    SIMD(sigmoid_run)(x, y, head, 0);
    SIMD(sigmoid_run)(x + head, y + head, n - head, 1);
    _mm_sfence();               /* the streamed stores are visible before the caller's barrier */
}

/* sigma' into dy, and sigma into y unless y is NULL (a test that is the same for
 * the whole span: the branch predictor takes it for free) */
static void SIMD(sigmoid_parts_span)(const SIMD_REAL *x, SIMD_REAL *y, SIMD_REAL *dy, int64_t n)
{
    const int64_t head = SIMD(stream_head)(dy, y, n);
    if (head < 0) {
        SIMD(sigmoid_parts_run)(x, y, dy, n, 0);
        return;
    }
    SIMD(sigmoid_parts_run)(x, y, dy, head, 0);
    SIMD(sigmoid_parts_run)(x + head, y ? y + head : NULL, dy + head, n - head, 1);
    _mm_sfence();
}

#undef SIMD_CAT_
#undef SIMD_CAT
#undef SIMD
#undef SIMD_VEC
#undef SIMD_MASK
#undef SIMD_WIDTH
