/* Vector kernels of the sigmoid family for the x86 levels AVX2 (with FMA)
 * and AVX-512, in intrinsics: the same algorithm as the portable kernels
 * (kernels.pxi, sigmoid_portable.pxi), operation for operation, so that
 * every variant returns the same bits (tests/test_same_bits.py), written
 * with what a compiler does not emit from the portable code: a look-ahead
 * of exponentials, streaming stores, vscalefpd, masked loads and stores
 * for the last partial vector.
 *
 * Layout: the primitives of the level this file is compiled for (one
 * vector type per float type, named *_f32 / *_f64), then each float type's
 * exponential, written once over the primitives, then simd_sigmoid.h, the
 * part written once for both types, included once per type.
 *
 * Bit-for-bit rule: every element of a span, the last partial vector's
 * included, goes through the same vector code (the tail is a masked
 * vector, never a scalar loop), and the build forbids contraction
 * (-ffp-contract=off; MSVC /fp:precise), so results do not depend on where
 * a thread's span starts or ends.  Every fused multiply-add is written out,
 * where the portable kernels write mul_add.
 *
 * Only avx2.pyx and avx512.pyx include this file, compiled
 * with -march=x86-64-v3 / -v4 (MSVC: /arch:AVX2 / /arch:AVX512); other
 * builds (baseline x86-64, AArch64, ...) use the portable loops.
 */
#ifndef CSIGMOID_SIMD_H
#define CSIGMOID_SIMD_H

#include <immintrin.h>
#include <stdint.h>

#include "exp_constants.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#define CSIGMOID_AVX512 1
#elif defined(__AVX2__) && (defined(__FMA__) || defined(_MSC_VER))
/* MSVC's /arch:AVX2 implies FMA but does not define __FMA__ */
#define CSIGMOID_AVX512 0
#else
#error "simd.h is for the AVX2 (with FMA) and AVX-512 builds only"
#endif

/* ---- primitives ------------------------------------------------------------------------- */

#if CSIGMOID_AVX512

typedef __m512d simd_f64;
typedef __m512 simd_f32;
typedef __mmask8 simd_mask_f64;
typedef __mmask16 simd_mask_f32;
#define SIMD_LANES_f64 8
#define SIMD_LANES_f32 16

static inline simd_f64 simd_splat_f64(double c) { return _mm512_set1_pd(c); }
static inline simd_f32 simd_splat_f32(float c) { return _mm512_set1_ps(c); }
static inline simd_f64 simd_load_f64(const double *p) { return _mm512_loadu_pd(p); }
static inline simd_f32 simd_load_f32(const float *p) { return _mm512_loadu_ps(p); }
static inline void simd_store_f64(double *p, simd_f64 v) { _mm512_storeu_pd(p, v); }
static inline void simd_store_f32(float *p, simd_f32 v) { _mm512_storeu_ps(p, v); }
/* non-temporal: p aligned to the vector's 64 bytes */
static inline void simd_stream_f64(double *p, simd_f64 v) { _mm512_stream_pd(p, v); }
static inline void simd_stream_f32(float *p, simd_f32 v) { _mm512_stream_ps(p, v); }
/* the first n lanes (0 < n < lanes); the others read as +0 and are never stored */
static inline simd_mask_f64 simd_first_f64(int64_t n) { return (__mmask8)((1u << n) - 1u); }
static inline simd_mask_f32 simd_first_f32(int64_t n) { return (__mmask16)((1u << n) - 1u); }
static inline simd_f64 simd_load_first_f64(const double *p, simd_mask_f64 m) { return _mm512_maskz_loadu_pd(m, p); }
static inline simd_f32 simd_load_first_f32(const float *p, simd_mask_f32 m) { return _mm512_maskz_loadu_ps(m, p); }
static inline void simd_store_first_f64(double *p, simd_f64 v, simd_mask_f64 m) { _mm512_mask_storeu_pd(p, m, v); }
static inline void simd_store_first_f32(float *p, simd_f32 v, simd_mask_f32 m) { _mm512_mask_storeu_ps(p, m, v); }

static inline simd_f64 simd_add_f64(simd_f64 a, simd_f64 b) { return _mm512_add_pd(a, b); }
static inline simd_f32 simd_add_f32(simd_f32 a, simd_f32 b) { return _mm512_add_ps(a, b); }
static inline simd_f64 simd_sub_f64(simd_f64 a, simd_f64 b) { return _mm512_sub_pd(a, b); }
static inline simd_f32 simd_sub_f32(simd_f32 a, simd_f32 b) { return _mm512_sub_ps(a, b); }
static inline simd_f64 simd_mul_f64(simd_f64 a, simd_f64 b) { return _mm512_mul_pd(a, b); }
static inline simd_f32 simd_mul_f32(simd_f32 a, simd_f32 b) { return _mm512_mul_ps(a, b); }
static inline simd_f64 simd_div_f64(simd_f64 a, simd_f64 b) { return _mm512_div_pd(a, b); }
static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) { return _mm512_div_ps(a, b); }
/* a*b + c and c - a*b, one rounding each */
static inline simd_f64 simd_fma_f64(simd_f64 a, simd_f64 b, simd_f64 c) { return _mm512_fmadd_pd(a, b, c); }
static inline simd_f32 simd_fma_f32(simd_f32 a, simd_f32 b, simd_f32 c) { return _mm512_fmadd_ps(a, b, c); }
static inline simd_f64 simd_fnma_f64(simd_f64 a, simd_f64 b, simd_f64 c) { return _mm512_fnmadd_pd(a, b, c); }
static inline simd_f32 simd_fnma_f32(simd_f32 a, simd_f32 b, simd_f32 c) { return _mm512_fnmadd_ps(a, b, c); }
/* x >= 0 (so -0 too) ? if_nonneg : otherwise; a NaN x takes `otherwise` */
static inline simd_f64 simd_select_nonneg_f64(simd_f64 x, simd_f64 if_nonneg, simd_f64 otherwise)
{
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GE_OQ), otherwise, if_nonneg);
}
static inline simd_f32 simd_select_nonneg_f32(simd_f32 x, simd_f32 if_nonneg, simd_f32 otherwise)
{
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ), otherwise, if_nonneg);
}
/* max(x, -|x|) -> -|x| as one OR of the sign bit, then max(-|x|, low) with a NaN kept:
 * max_pd(a, b) returns b when either is NaN */
static inline simd_f64 simd_neg_abs_above_f64(simd_f64 x, double low)
{
    return _mm512_max_pd(_mm512_set1_pd(low), _mm512_or_pd(x, _mm512_set1_pd(-0.0)));
}
static inline simd_f32 simd_neg_abs_above_f32(simd_f32 x, float low)
{
    return _mm512_max_ps(_mm512_set1_ps(low), _mm512_or_ps(x, _mm512_set1_ps(-0.0f)));
}

/* s * 2**k rounded once (k = kf, an integer; kd = kf + the exponential's
 * shift, k in its low bits): vscalefpd rounds the exact product */
static inline simd_f64 simd_times_pow2_f64(simd_f64 s, simd_f64 kd, simd_f64 kf) { (void)kd; return _mm512_scalef_pd(s, kf); }
static inline simd_f32 simd_times_pow2_f32(simd_f32 s, simd_f32 kd, simd_f32 kf) { (void)kd; return _mm512_scalef_ps(s, kf); }
#else  /* AVX2 + FMA */

typedef __m256d simd_f64;
typedef __m256 simd_f32;
typedef __m256i simd_mask_f64;
typedef __m256i simd_mask_f32;
#define SIMD_LANES_f64 4
#define SIMD_LANES_f32 8

static inline simd_f64 simd_splat_f64(double c) { return _mm256_set1_pd(c); }
static inline simd_f32 simd_splat_f32(float c) { return _mm256_set1_ps(c); }
static inline simd_f64 simd_load_f64(const double *p) { return _mm256_loadu_pd(p); }
static inline simd_f32 simd_load_f32(const float *p) { return _mm256_loadu_ps(p); }
static inline void simd_store_f64(double *p, simd_f64 v) { _mm256_storeu_pd(p, v); }
static inline void simd_store_f32(float *p, simd_f32 v) { _mm256_storeu_ps(p, v); }
/* non-temporal: p aligned to the vector's 32 bytes */
static inline void simd_stream_f64(double *p, simd_f64 v) { _mm256_stream_pd(p, v); }
static inline void simd_stream_f32(float *p, simd_f32 v) { _mm256_stream_ps(p, v); }
/* the first n lanes (0 < n < lanes): all-ones lanes where lane index < n */
static inline simd_mask_f64 simd_first_f64(int64_t n)
{
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
}
static inline simd_mask_f32 simd_first_f32(int64_t n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
static inline simd_f64 simd_load_first_f64(const double *p, simd_mask_f64 m) { return _mm256_maskload_pd(p, m); }
static inline simd_f32 simd_load_first_f32(const float *p, simd_mask_f32 m) { return _mm256_maskload_ps(p, m); }
static inline void simd_store_first_f64(double *p, simd_f64 v, simd_mask_f64 m) { _mm256_maskstore_pd(p, m, v); }
static inline void simd_store_first_f32(float *p, simd_f32 v, simd_mask_f32 m) { _mm256_maskstore_ps(p, m, v); }

static inline simd_f64 simd_add_f64(simd_f64 a, simd_f64 b) { return _mm256_add_pd(a, b); }
static inline simd_f32 simd_add_f32(simd_f32 a, simd_f32 b) { return _mm256_add_ps(a, b); }
static inline simd_f64 simd_sub_f64(simd_f64 a, simd_f64 b) { return _mm256_sub_pd(a, b); }
static inline simd_f32 simd_sub_f32(simd_f32 a, simd_f32 b) { return _mm256_sub_ps(a, b); }
static inline simd_f64 simd_mul_f64(simd_f64 a, simd_f64 b) { return _mm256_mul_pd(a, b); }
static inline simd_f32 simd_mul_f32(simd_f32 a, simd_f32 b) { return _mm256_mul_ps(a, b); }
static inline simd_f64 simd_div_f64(simd_f64 a, simd_f64 b) { return _mm256_div_pd(a, b); }
static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) { return _mm256_div_ps(a, b); }
static inline simd_f64 simd_fma_f64(simd_f64 a, simd_f64 b, simd_f64 c) { return _mm256_fmadd_pd(a, b, c); }
static inline simd_f32 simd_fma_f32(simd_f32 a, simd_f32 b, simd_f32 c) { return _mm256_fmadd_ps(a, b, c); }
static inline simd_f64 simd_fnma_f64(simd_f64 a, simd_f64 b, simd_f64 c) { return _mm256_fnmadd_pd(a, b, c); }
static inline simd_f32 simd_fnma_f32(simd_f32 a, simd_f32 b, simd_f32 c) { return _mm256_fnmadd_ps(a, b, c); }
static inline simd_f64 simd_select_nonneg_f64(simd_f64 x, simd_f64 if_nonneg, simd_f64 otherwise)
{
    return _mm256_blendv_pd(otherwise, if_nonneg, _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ));
}
static inline simd_f32 simd_select_nonneg_f32(simd_f32 x, simd_f32 if_nonneg, simd_f32 otherwise)
{
    return _mm256_blendv_ps(otherwise, if_nonneg, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ));
}
static inline simd_f64 simd_neg_abs_above_f64(simd_f64 x, double low)
{
    return _mm256_max_pd(_mm256_set1_pd(low), _mm256_or_pd(x, _mm256_set1_pd(-0.0)));
}
static inline simd_f32 simd_neg_abs_above_f32(simd_f32 x, float low)
{
    return _mm256_max_ps(_mm256_set1_ps(low), _mm256_or_ps(x, _mm256_set1_ps(-0.0f)));
}

/* s * 2**k rounded once, for s in [0.7, 1.42] and k = kf, an integer (kd =
 * kf + the exponential's shift, whose low bits are 0, so kd's bits shifted
 * to the exponent field are k's).  No vscalefpd: for k >= -1021 (float:
 * -125) s * 2**k is normal, and adding k to s's exponent field is exact;
 * a vector with a lane below (or a NaN, whose bits must not be added to)
 * takes (s * 2**(k+64)) * 2**-64: exact, then one rounding into the
 * subnormal range.  Both give the same bits where both apply, so the
 * choice, which depends on the neighbouring lanes, never shows. */
static inline simd_f64 simd_times_pow2_f64(simd_f64 s, simd_f64 kd, simd_f64 kf)
{
    __m256i k_bits = _mm256_castpd_si256(kd);
    if (_mm256_movemask_pd(_mm256_cmp_pd(kf, _mm256_set1_pd(-1021.0), _CMP_NGE_UQ)) == 0) {
        return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(s), _mm256_slli_epi64(k_bits, 52)));
    }
    /* 2**(k+64): exponent field k + 64 + 1023 */
    __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k_bits, _mm256_set1_epi64x(1087)), 52));
    return _mm256_mul_pd(_mm256_mul_pd(s, scale), _mm256_set1_pd(5.421010862427522e-20));  /* 2**-64 */
}
static inline simd_f32 simd_times_pow2_f32(simd_f32 s, simd_f32 kd, simd_f32 kf)
{
    __m256i k_bits = _mm256_castps_si256(kd);
    if (_mm256_movemask_ps(_mm256_cmp_ps(kf, _mm256_set1_ps(-125.0f), _CMP_NGE_UQ)) == 0) {
        return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(s), _mm256_slli_epi32(k_bits, 23)));
    }
    /* 2**(k+64): exponent field k + 64 + 127 */
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k_bits, _mm256_set1_epi32(191)), 23));
    return _mm256_mul_ps(_mm256_mul_ps(s, scale), _mm256_set1_ps(5.421010862427522e-20f));  /* 2**-64 */
}
#endif

/* ---- exponentials: e**-|x|, NaN kept ------------------------------------------------------ */
/*
 * One algorithm, the portable kernels' (exp_portable.h, csigmoid_exp_neg_abs_f32/_f64:
 * their comment gives the error budget), in the same operations, so that
 * every variant returns the same bits: a = max(-|x|, low) (below `low`,
 * e**a rounds to +0) is split as a = k ln2 + r, kd = a*log2(e) + 1.5 * 2**p
 * (k in kd's low significand bits), kf = kd - 1.5 * 2**p = k exactly,
 * r = a - kf*ln2 with ln2 in two parts (Cody and Waite: kf * LN2_HI is
 * exact); s = 1 + (r + r**2 P(r)), P the generator's (exp_constants.h);
 * e**a = s * 2**k rounded once (simd_times_pow2).
 */
#define SIMD_LOG2E 1.4426950408889634             /* 0x1.71547652b82fep0 */
/* double: P of degree 9, as even and odd halves in r**2 (fewer
 * multiplications than Estrin's scheme, shorter chains than Horner's) */
static inline simd_f64 simd_exp_neg_abs_f64(simd_f64 x)
{
    const simd_f64 shift = simd_splat_f64(6755399441055744.0);       /* 1.5 * 2**52 */
    simd_f64 a = simd_neg_abs_above_f64(x, -746.0);
    simd_f64 kd = simd_fma_f64(a, simd_splat_f64(SIMD_LOG2E), shift);
    simd_f64 kf = simd_sub_f64(kd, shift);
    simd_f64 r = simd_fnma_f64(kf, simd_splat_f64(CSIGMOID_LN2_HI_F64), a);
    r = simd_fnma_f64(kf, simd_splat_f64(CSIGMOID_LN2_LO_F64), r);
    simd_f64 r2 = simd_mul_f64(r, r);
    simd_f64 even = simd_fma_f64(r2, simd_splat_f64(CSIGMOID_EXP_F64_C8), simd_splat_f64(CSIGMOID_EXP_F64_C6));
    simd_f64 odd = simd_fma_f64(r2, simd_splat_f64(CSIGMOID_EXP_F64_C9), simd_splat_f64(CSIGMOID_EXP_F64_C7));
    even = simd_fma_f64(r2, even, simd_splat_f64(CSIGMOID_EXP_F64_C4));
    odd = simd_fma_f64(r2, odd, simd_splat_f64(CSIGMOID_EXP_F64_C5));
    even = simd_fma_f64(r2, even, simd_splat_f64(CSIGMOID_EXP_F64_C2));
    odd = simd_fma_f64(r2, odd, simd_splat_f64(CSIGMOID_EXP_F64_C3));
    even = simd_fma_f64(r2, even, simd_splat_f64(CSIGMOID_EXP_F64_C0));
    odd = simd_fma_f64(r2, odd, simd_splat_f64(CSIGMOID_EXP_F64_C1));
    simd_f64 s = simd_add_f64(simd_fma_f64(r2, simd_fma_f64(r, odd, even), r), simd_splat_f64(1.0));
    return simd_times_pow2_f64(s, kd, kf);
}
/* float: P of degree 4 by Estrin's scheme */
static inline simd_f32 simd_exp_neg_abs_f32(simd_f32 x)
{
    const simd_f32 shift = simd_splat_f32(12582912.0f);               /* 1.5 * 2**23 */
    simd_f32 a = simd_neg_abs_above_f32(x, -104.0f);
    simd_f32 kd = simd_fma_f32(a, simd_splat_f32((float)SIMD_LOG2E), shift);
    simd_f32 kf = simd_sub_f32(kd, shift);
    simd_f32 r = simd_fnma_f32(kf, simd_splat_f32(CSIGMOID_LN2_HI_F32), a);
    r = simd_fnma_f32(kf, simd_splat_f32(CSIGMOID_LN2_LO_F32), r);
    simd_f32 r2 = simd_mul_f32(r, r);
    simd_f32 p01 = simd_fma_f32(r, simd_splat_f32(CSIGMOID_EXP_F32_C1), simd_splat_f32(CSIGMOID_EXP_F32_C0));
    simd_f32 p23 = simd_fma_f32(r, simd_splat_f32(CSIGMOID_EXP_F32_C3), simd_splat_f32(CSIGMOID_EXP_F32_C2));
    simd_f32 p24 = simd_fma_f32(r2, simd_splat_f32(CSIGMOID_EXP_F32_C4), p23);
    simd_f32 s = simd_add_f32(simd_fma_f32(r2, simd_fma_f32(r2, p24, p01), r), simd_splat_f32(1.0f));
    return simd_times_pow2_f32(s, kd, kf);
}

/* ---- the sigmoid family, once per float type ----------------------------------------------- */

/* The spans' tuning (measured: BENCHMARKS.md): the exponentials run SIMD_AHEAD
 * vectors ahead of the quotients; a span writing SIMD_STREAM_BYTES or more
 * per output uses non-temporal stores. */
#define SIMD_AHEAD 8
#define SIMD_STREAM_BYTES (16 << 20)

#define SIMD_T f64
#define SIMD_REAL double
#include "simd_sigmoid.h"
#undef SIMD_T
#undef SIMD_REAL

#define SIMD_T f32
#define SIMD_REAL float
#include "simd_sigmoid.h"
#undef SIMD_T
#undef SIMD_REAL

#endif
