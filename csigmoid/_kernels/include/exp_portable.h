/* The exponential e**-|x| of the portable kernels (kernels.pxi,
 * sigmoid_portable.pxi), one algorithm for every build: simd.h writes the
 * same operations in AVX2 and AVX-512 intrinsics, so every build with FMA
 * returns these bits (a build without FMA rounds each csigmoid_mul_add
 * twice, and returns bits of its own).  In C, not Cython, so that it can be
 * forced inline: a loop that calls a function does not vectorize.
 *
 * a = k*ln2 + r: kd = a*log2(e) + 1.5 * 2**p rounds to an integer k held in
 * kd's low significand bits, kf = kd - 1.5 * 2**p = k exactly, r = a - kf*ln2
 * with ln2 in two parts (kf*LN2_HI is exact), |r| <= ln2/2 + a rounding.
 * e**r = s = 1 + (r + r**2 P(r)), P the generator's (exp_constants.h), then
 * e**a = (s * 2**(k+64)) * 2**-64: the first product is exact (2**(k+64) is
 * normal for every k here), the second rounds only where e**a is subnormal,
 * once.  So the error is that of s (the roundings of r and of r + r**2 P, up
 * to a quarter ulp of s each, and that of 1 + ...), plus half a subnormal
 * ulp below the normal range.  A NaN x gives a NaN s and so a NaN result,
 * whatever k holds.  Measured through sigma (for x < -17 in float, -40 in
 * double, sigma rounds t(1 - t)): tests/test_accuracy.py.
 */
#ifndef CSIGMOID_EXP_PORTABLE_H
#define CSIGMOID_EXP_PORTABLE_H

#include "exp_constants.h"
#include "floating_point.h"

/* e**-|x| in float; below -104, e**a rounds to +0 anyway.  P of degree 4
 * (e**r to 2**-27.8 on |r| <= ln2/2) by Estrin's scheme. */
static CSIGMOID_ALWAYS_INLINE float csigmoid_exp_neg_abs_f32(float x)
{
    const float shift = 12582912.0f;                        /* 0x1.8p23 */
    /* -|x| as one OR of the sign bit; the compare is false for a NaN, which is kept */
    float a = csigmoid_f32_from_bits(csigmoid_f32_bits(x) | UINT32_C(0x80000000));
    a = -104.0f > a ? -104.0f : a;
    float kd = csigmoid_mul_add_f32(a, 1.44269502162933349609375f, shift);     /* log2(e) */
    uint32_t k_bits = csigmoid_f32_bits(kd);
    float kf = kd - shift;
    float r = csigmoid_mul_add_f32(-kf, CSIGMOID_LN2_HI_F32, a);
    r = csigmoid_mul_add_f32(-kf, CSIGMOID_LN2_LO_F32, r);
    float r2 = r * r;
    float p01 = csigmoid_mul_add_f32(r, CSIGMOID_EXP_F32_C1, CSIGMOID_EXP_F32_C0);
    float p23 = csigmoid_mul_add_f32(r, CSIGMOID_EXP_F32_C3, CSIGMOID_EXP_F32_C2);
    float p24 = csigmoid_mul_add_f32(r2, CSIGMOID_EXP_F32_C4, p23);
    float s = csigmoid_mul_add_f32(r2, csigmoid_mul_add_f32(r2, p24, p01), r) + 1.0f;
    /* 2**(k+64): exponent field k + 64 + 127, from the integer in kd's low bits */
    float scale = csigmoid_f32_from_bits((k_bits - csigmoid_f32_bits(shift) + 191u) << 23);
    return (s * scale) * 5.421010862427522e-20f;            /* 0x1p-64 */
}

/* e**-|x| in double; below -746, e**a rounds to +0 anyway.  P of degree 9
 * (e**r to 2**-56.4 on |r| <= ln2/2) as even and odd halves in r**2. */
static CSIGMOID_ALWAYS_INLINE double csigmoid_exp_neg_abs_f64(double x)
{
    const double shift = 6755399441055744.0;                /* 0x1.8p52 */
    double a = csigmoid_f64_from_bits(csigmoid_f64_bits(x) | UINT64_C(0x8000000000000000));
    a = -746.0 > a ? -746.0 : a;
    double kd = csigmoid_mul_add_f64(a, 1.4426950408889634, shift);  /* 0x1.71547652b82fep0 = log2(e) */
    uint64_t k_bits = csigmoid_f64_bits(kd);
    double kf = kd - shift;
    double r = csigmoid_mul_add_f64(-kf, CSIGMOID_LN2_HI_F64, a);
    r = csigmoid_mul_add_f64(-kf, CSIGMOID_LN2_LO_F64, r);
    double r2 = r * r;
    double even = csigmoid_mul_add_f64(r2, CSIGMOID_EXP_F64_C8, CSIGMOID_EXP_F64_C6);
    double odd = csigmoid_mul_add_f64(r2, CSIGMOID_EXP_F64_C9, CSIGMOID_EXP_F64_C7);
    even = csigmoid_mul_add_f64(r2, even, CSIGMOID_EXP_F64_C4);
    odd = csigmoid_mul_add_f64(r2, odd, CSIGMOID_EXP_F64_C5);
    even = csigmoid_mul_add_f64(r2, even, CSIGMOID_EXP_F64_C2);
    odd = csigmoid_mul_add_f64(r2, odd, CSIGMOID_EXP_F64_C3);
    even = csigmoid_mul_add_f64(r2, even, CSIGMOID_EXP_F64_C0);
    odd = csigmoid_mul_add_f64(r2, odd, CSIGMOID_EXP_F64_C1);
    double s = csigmoid_mul_add_f64(r2, csigmoid_mul_add_f64(r, odd, even), r) + 1.0;
    double scale = csigmoid_f64_from_bits((k_bits - csigmoid_f64_bits(shift) + 1087u) << 52);  /* 2**(k+64) */
    return (s * scale) * 5.421010862427522e-20;             /* 0x1p-64 */
}

#endif
