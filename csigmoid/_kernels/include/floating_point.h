/* Floating-point primitives the Cython kernels need but cannot spell:
 * bit casts, a compile-time "is fused multiply-add native here" switch,
 * and the save/restore of the floating-point exception flags.
 *
 * Everything is `static inline` so GCC/Clang inline it into the loops of
 * kernels.pxi and vectorize them; a call that is not inlined stops
 * vectorization of the whole loop.
 */
#ifndef CSIGMOID_FP_H
#define CSIGMOID_FP_H

#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* 1 when the target has hardware FMA (x86-64-v3 and up, AArch64), so that
 * fma()/fmaf() compile to one instruction and vectorize.  Without it the
 * kernels use Dekker's exact product where they need an exact residual
 * (see kernels.pxi), and a*b then + c elsewhere; a libm fma() call would
 * be exact, but scalar and slow.  MSVC's /arch:AVX2 defines __AVX2__ but
 * not __FMA__; every AVX2 CPU has FMA. */
#if defined(__FMA__) || defined(__AVX2__) || defined(__aarch64__) || defined(_M_ARM64)
#define CSIGMOID_HAS_FMA 1
#else
#define CSIGMOID_HAS_FMA 0
#endif

#if defined(__GNUC__)
#define CSIGMOID_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CSIGMOID_ALWAYS_INLINE __forceinline
#endif

/* a*b + c: rounded once where FMA is native, twice elsewhere (the kernels
 * are written with fused multiply-adds; a build without the instruction
 * computes these bits only for itself: README, "The same answer on every
 * machine"). */
#if CSIGMOID_HAS_FMA
static inline float csigmoid_mul_add_f32(float a, float b, float c) { return fmaf(a, b, c); }
static inline double csigmoid_mul_add_f64(double a, double b, double c) { return fma(a, b, c); }
#else
static inline float csigmoid_mul_add_f32(float a, float b, float c) { return a * b + c; }
static inline double csigmoid_mul_add_f64(double a, double b, double c) { return a * b + c; }
#endif

static inline uint32_t csigmoid_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float csigmoid_f32_from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint64_t csigmoid_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline double csigmoid_f64_from_bits(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* The kernels may raise underflow/inexact/invalid internally (a subnormal
 * exp, a compare with NaN).  Those are not errors of the user's
 * computation, so each thread restores its flags exactly as they were
 * before it ran: nothing new is left raised, nothing earlier is lost. */
typedef fexcept_t csigmoid_fpflags;
static inline void csigmoid_fpflags_save(csigmoid_fpflags *saved) { fegetexceptflag(saved, FE_ALL_EXCEPT); }
static inline void csigmoid_fpflags_restore(const csigmoid_fpflags *saved) { fesetexceptflag(saved, FE_ALL_EXCEPT); }

#endif
