/* Vector kernels of the sigmoid family for the x86 levels AVX2 (with FMA)
 * and AVX-512, in intrinsics: operations a compiler does not emit from the
 * portable scalar code (sigmoid_portable.pxi), such as scalef, a table held
 * in two registers and read with a permute, a per-vector branch around the
 * rare subnormal case, masked loads and stores for the last partial vector.
 *
 * Layout: the primitives of the level this file is compiled for (one
 * vector type per float type, named *_f32 / *_f64), then each float type's
 * exponential, then simd_sigmoid.h, the part written once for both types,
 * included once per type.
 *
 * Bit-for-bit rule: every element of a span, the last partial vector's
 * included, goes through the same vector code (the tail is a masked
 * vector, never a scalar loop), and the build forbids contraction
 * (-ffp-contract=off; MSVC /fp:precise), so results do not depend on where
 * a thread's span starts or ends.  Every fused multiply-add is written out.
 *
 * Largest errors measured by tests/test_accuracy.py (every float32; 3.1e6
 * dense float64 points), bounds 2 ulp (sigma) and 4 ulp (sigma'):
 *   AVX2:    float sigma 1.48, sigma' 2.92; double sigma 1.39, sigma' 2.23 ulp
 *   AVX-512: float sigma 1.49, sigma' 2.92; double sigma 1.37, sigma' 1.97 ulp
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

#endif

/* ---- exponentials: e**-|x|, NaN kept ------------------------------------------------------ */
/*
 * a = max(-|x|, low) (below `low`, e**a rounds to +0) is split as a = k ln2/N + r:
 * kd = a*log2(e) + 1.5 * 2**p rounds a*log2(e) to the nearest multiple of 1/N
 * (p is chosen so that the ulp of kd is 1/N), so k sits in kd's low
 * significand bits and kf = kd - 1.5 * 2**p = k/N exactly; r = a - kf*ln2 with
 * ln2 in two parts (Cody and Waite: kf * LN2_HI is exact), one rounding of a
 * small number.  Then e**a = 2**floor(k/N) * 2**((k mod N)/N) * e**r, with
 * e**r = 1 + p, p = r + r**2 P(r).  Polynomials and tables: exp_constants.h,
 * from generate_exp_constants.py.  Each function below states its error budget
 * and the largest error of t measured on 10**7 inputs (log-uniform and
 * uniform magnitudes, and runs around the points where k changes) against
 * long double expl, in ulps of t.  That error shows undiluted in sigma(x) for
 * x < -40 (float: x < -17), where sigma rounds t(1 - t): tests/test_accuracy.py
 * measures it there for every variant.
 */

#define SIMD_LOG2E 1.4426950408889634             /* 0x1.71547652b82fep0 */
/* ln2 = CSIGMOID_LN2_HI + CSIGMOID_LN2_LO (exp_constants.h): kf * LN2_HI is
 * exact for |kf| < 2**21 (double) or 2**8 (float). */

#if CSIGMOID_AVX512

/* N = 16: the table 2**(j/16) = hi + lo lives in registers and is read with
 * vpermi2pd / vpermps, which use the low 4 bits of each index lane: exactly
 * k mod 16, taken straight from kd's bits.  t = 2**m * (hi + (hi*p + lo)) with
 * vscalefpd, which rounds the exact product: a second rounding only for a
 * subnormal t (at most half a subnormal ulp more). */

static const double simd_exp2_table_hi_f64[16] = CSIGMOID_EXP2_TABLE_HI_F64;
static const double simd_exp2_table_lo_f64[16] = CSIGMOID_EXP2_TABLE_LO_F64;
static const float simd_exp2_table_hi_f32[16] = CSIGMOID_EXP2_TABLE_HI_F32;
static const float simd_exp2_table_lo_f32[16] = CSIGMOID_EXP2_TABLE_LO_F32;

/* double: degree 6 on |r| <= ln2/32 (2**-56.2), in place of degree 11 on ln2/2;
 * with the roundings of r, p and hi*p + lo, relative error below 2**-55.4 before
 * the last rounding.  Measured: 0.65 ulp (0.78 with subnormal results). */
static inline simd_f64 simd_exp_neg_abs_f64(simd_f64 x)
{
    const __m512d hi0 = _mm512_loadu_pd(simd_exp2_table_hi_f64), hi1 = _mm512_loadu_pd(simd_exp2_table_hi_f64 + 8);
    const __m512d lo0 = _mm512_loadu_pd(simd_exp2_table_lo_f64), lo1 = _mm512_loadu_pd(simd_exp2_table_lo_f64 + 8);
    const __m512d shift = _mm512_set1_pd(422212465065984.0);        /* 1.5 * 2**48: kd's ulp is 1/16 */
    __m512d a = simd_neg_abs_above_f64(x, -746.0);
    __m512d kd = _mm512_fmadd_pd(a, _mm512_set1_pd(SIMD_LOG2E), shift);
    __m512d kf = _mm512_sub_pd(kd, shift);
    __m512d r = _mm512_fnmadd_pd(kf, _mm512_set1_pd(CSIGMOID_LN2_HI_F64), a);
    r = _mm512_fnmadd_pd(kf, _mm512_set1_pd(CSIGMOID_LN2_LO_F64), r);
    __m512i index = _mm512_castpd_si512(kd);
    __m512d hi = _mm512_permutex2var_pd(hi0, index, hi1);
    __m512d lo = _mm512_permutex2var_pd(lo0, index, lo1);
    /* P by Estrin's scheme: short dependency chains */
    __m512d r2 = _mm512_mul_pd(r, r);
    __m512d p01 = _mm512_fmadd_pd(r, _mm512_set1_pd(CSIGMOID_EXP16_F64_C1), _mm512_set1_pd(CSIGMOID_EXP16_F64_C0));
    __m512d p23 = _mm512_fmadd_pd(r, _mm512_set1_pd(CSIGMOID_EXP16_F64_C3), _mm512_set1_pd(CSIGMOID_EXP16_F64_C2));
    __m512d p24 = _mm512_fmadd_pd(r2, _mm512_set1_pd(CSIGMOID_EXP16_F64_C4), p23);
    __m512d p = _mm512_fmadd_pd(r2, _mm512_fmadd_pd(r2, p24, p01), r);
    return _mm512_scalef_pd(_mm512_add_pd(hi, _mm512_fmadd_pd(hi, p, lo)), kf);    /* * 2**floor(k/16) */
}

/* float: degree 3 on |r| <= ln2/32 (2**-28.7); with the roundings of r and
 * hi*p + lo, relative error below 2**-27 before the last rounding.  Measured:
 * 0.57 ulp (0.77 with subnormal results). */
static inline simd_f32 simd_exp_neg_abs_f32(simd_f32 x)
{
    const __m512 hi_table = _mm512_loadu_ps(simd_exp2_table_hi_f32);
    const __m512 lo_table = _mm512_loadu_ps(simd_exp2_table_lo_f32);
    const __m512 shift = _mm512_set1_ps(786432.0f);                 /* 1.5 * 2**19: kd's ulp is 1/16 */
    __m512 a = simd_neg_abs_above_f32(x, -104.0f);
    __m512 kd = _mm512_fmadd_ps(a, _mm512_set1_ps((float)SIMD_LOG2E), shift);
    __m512 kf = _mm512_sub_ps(kd, shift);
    __m512 r = _mm512_fnmadd_ps(kf, _mm512_set1_ps(CSIGMOID_LN2_HI_F32), a);
    r = _mm512_fnmadd_ps(kf, _mm512_set1_ps(CSIGMOID_LN2_LO_F32), r);
    __m512i index = _mm512_castps_si512(kd);
    __m512 hi = _mm512_permutexvar_ps(index, hi_table);
    __m512 lo = _mm512_permutexvar_ps(index, lo_table);
    __m512 poly = _mm512_fmadd_ps(r, _mm512_set1_ps(CSIGMOID_EXP16_F32_C1), _mm512_set1_ps(CSIGMOID_EXP16_F32_C0));
    __m512 p = _mm512_fmadd_ps(_mm512_mul_ps(r, r), poly, r);
    return _mm512_scalef_ps(_mm512_add_ps(hi, _mm512_fmadd_ps(hi, p, lo)), kf);
}

#else  /* AVX2 + FMA */

/* N = 1: AVX2 has no two-register permute, so a 16-entry table would be read
 * by a gather or by several permutes and blends per vector, where AVX-512
 * reads it with one vpermi2pd (a 256-entry table read by gathers was 2.4x
 * slower on Zen 3: BENCHMARKS.md, "Tried and measured"); whether a smaller
 * one (vpermpd's 4 doubles, vpermps's 8 floats) would pay for itself is not
 * measured.  No vscalefpd either: t = s * 2**k is made by adding k to the
 * exponent field of s = 1 + p, exact while t is
 * normal.  A vector with a lane whose t may be subnormal (a below
 * `low_normal`, or a NaN, whose bits must not be added to) takes
 * (s * 2**(k+64)) * 2**-64 instead: exact, then one rounding into the
 * subnormal range.  For a normal t both give the same bits, so the choice,
 * which depends on the neighbouring lanes, never shows.  kd's bits shifted
 * left to the exponent field are k's (the shift constant's low bits are 0). */

/* double: degree 11 on |r| <= ln2/2 (2**-56.4), as even and odd halves in r**2
 * (fewer multiplications than Estrin's scheme, shorter chains than Horner's).
 * The roundings of r and of p (|r|, |p| < 1/2) cost up to a quarter ulp of s
 * each before s = 1 + p rounds, as in the portable kernel.  Measured: 1.06 ulp. */
static inline simd_f64 simd_exp_neg_abs_f64(simd_f64 x)
{
    const __m256d shift = _mm256_set1_pd(6755399441055744.0);       /* 1.5 * 2**52 */
    const double low_normal = -707.0;       /* above, e**a > 2**-1020: k >= -1021 */
    __m256d a = simd_neg_abs_above_f64(x, -746.0);
    __m256d kd = _mm256_fmadd_pd(a, _mm256_set1_pd(SIMD_LOG2E), shift);
    __m256d kf = _mm256_sub_pd(kd, shift);
    __m256d r = _mm256_fnmadd_pd(kf, _mm256_set1_pd(CSIGMOID_LN2_HI_F64), a);
    r = _mm256_fnmadd_pd(kf, _mm256_set1_pd(CSIGMOID_LN2_LO_F64), r);
    __m256d r2 = _mm256_mul_pd(r, r);
    __m256d even = _mm256_fmadd_pd(r2, _mm256_set1_pd(CSIGMOID_EXP_F64_C8), _mm256_set1_pd(CSIGMOID_EXP_F64_C6));
    __m256d odd = _mm256_fmadd_pd(r2, _mm256_set1_pd(CSIGMOID_EXP_F64_C9), _mm256_set1_pd(CSIGMOID_EXP_F64_C7));
    even = _mm256_fmadd_pd(r2, even, _mm256_set1_pd(CSIGMOID_EXP_F64_C4));
    odd = _mm256_fmadd_pd(r2, odd, _mm256_set1_pd(CSIGMOID_EXP_F64_C5));
    even = _mm256_fmadd_pd(r2, even, _mm256_set1_pd(CSIGMOID_EXP_F64_C2));
    odd = _mm256_fmadd_pd(r2, odd, _mm256_set1_pd(CSIGMOID_EXP_F64_C3));
    even = _mm256_fmadd_pd(r2, even, _mm256_set1_pd(CSIGMOID_EXP_F64_C0));
    odd = _mm256_fmadd_pd(r2, odd, _mm256_set1_pd(CSIGMOID_EXP_F64_C1));
    __m256d poly = _mm256_fmadd_pd(r, odd, even);
    __m256d s = _mm256_add_pd(_mm256_fmadd_pd(r2, poly, r), _mm256_set1_pd(1.0));
    __m256i k_bits = _mm256_castpd_si256(kd);
    if (_mm256_movemask_pd(_mm256_cmp_pd(a, _mm256_set1_pd(low_normal), _CMP_NGE_UQ)) == 0) {
        return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(s), _mm256_slli_epi64(k_bits, 52)));
    }
    /* 2**(k+64): exponent field k + 64 + 1023 */
    __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(k_bits, _mm256_set1_epi64x(1087)), 52));
    return _mm256_mul_pd(_mm256_mul_pd(s, scale), _mm256_set1_pd(5.421010862427522e-20));  /* 2**-64 */
}

/* float: degree 6 on |r| <= ln2/2 (2**-27.8) by Estrin's scheme; the roundings
 * of r and p as for double.  Measured: 1.00 ulp. */
static inline simd_f32 simd_exp_neg_abs_f32(simd_f32 x)
{
    const __m256 shift = _mm256_set1_ps(12582912.0f);               /* 1.5 * 2**23 */
    const float low_normal = -86.0f;        /* above, e**a > 2**-124: k >= -125 */
    __m256 a = simd_neg_abs_above_f32(x, -104.0f);
    __m256 kd = _mm256_fmadd_ps(a, _mm256_set1_ps((float)SIMD_LOG2E), shift);
    __m256 kf = _mm256_sub_ps(kd, shift);
    __m256 r = _mm256_fnmadd_ps(kf, _mm256_set1_ps(CSIGMOID_LN2_HI_F32), a);
    r = _mm256_fnmadd_ps(kf, _mm256_set1_ps(CSIGMOID_LN2_LO_F32), r);
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 p01 = _mm256_fmadd_ps(r, _mm256_set1_ps(CSIGMOID_EXP_F32_C1), _mm256_set1_ps(CSIGMOID_EXP_F32_C0));
    __m256 p23 = _mm256_fmadd_ps(r, _mm256_set1_ps(CSIGMOID_EXP_F32_C3), _mm256_set1_ps(CSIGMOID_EXP_F32_C2));
    __m256 p24 = _mm256_fmadd_ps(r2, _mm256_set1_ps(CSIGMOID_EXP_F32_C4), p23);
    __m256 p = _mm256_fmadd_ps(r2, _mm256_fmadd_ps(r2, p24, p01), r);
    __m256 s = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
    __m256i k_bits = _mm256_castps_si256(kd);
    if (_mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(low_normal), _CMP_NGE_UQ)) == 0) {
        return _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(s), _mm256_slli_epi32(k_bits, 23)));
    }
    /* 2**(k+64): exponent field k + 64 + 127 */
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k_bits, _mm256_set1_epi32(191)), 23));
    return _mm256_mul_ps(_mm256_mul_ps(s, scale), _mm256_set1_ps(5.421010862427522e-20f));  /* 2**-64 */
}

#endif

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
