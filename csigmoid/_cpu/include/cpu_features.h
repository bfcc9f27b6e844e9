/* Which instruction-set levels this CPU *and* its operating system support.
 *
 * A variant compiled with -march=x86-64-v3 may use any instruction of that
 * level (AVX2, FMA, BMI1/2, F16C, LZCNT, MOVBE), and -march=x86-64-v4 adds
 * AVX-512 F/BW/CD/DQ/VL, so each level checks all of them, plus the
 * XGETBV bits saying the OS saves the YMM (and ZMM) registers.
 */
#ifndef CSIGMOID_CPU_FEATURES_H
#define CSIGMOID_CPU_FEATURES_H

enum { CSIGMOID_LEVEL_BASELINE = 0, CSIGMOID_LEVEL_AVX2 = 1, CSIGMOID_LEVEL_AVX512 = 2 };

#if defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static void csigmoid_cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
    int regs[4];
    __cpuidex(regs, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++) r[i] = (unsigned)regs[i];
}
static unsigned long long csigmoid_xgetbv0(void) { return _xgetbv(0); }
#else
#include <cpuid.h>
static void csigmoid_cpuid(unsigned leaf, unsigned sub, unsigned r[4]) {
    r[0] = r[1] = r[2] = r[3] = 0;
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}
static unsigned long long csigmoid_xgetbv0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif
#define CSIGMOID_BIT(word, n) (((word) >> (n)) & 1u)

static int csigmoid_cpu_level(void) {
    unsigned r[4], max_leaf, max_ext_leaf;
    unsigned l1_ecx, l7_ebx, e1_ecx;
    unsigned long long xcr0;
    csigmoid_cpuid(0, 0, r);
    max_leaf = r[0];
    if (max_leaf < 7) return CSIGMOID_LEVEL_BASELINE;
    csigmoid_cpuid(1, 0, r);
    l1_ecx = r[2];
    csigmoid_cpuid(7, 0, r);
    l7_ebx = r[1];
    csigmoid_cpuid(0x80000000u, 0, r);
    max_ext_leaf = r[0];
    e1_ecx = 0;
    if (max_ext_leaf >= 0x80000001u) {
        csigmoid_cpuid(0x80000001u, 0, r);
        e1_ecx = r[2];
    }
    /* OSXSAVE first: XGETBV faults without it */
    if (!CSIGMOID_BIT(l1_ecx, 27)) return CSIGMOID_LEVEL_BASELINE;
    xcr0 = csigmoid_xgetbv0();
    int v3 = CSIGMOID_BIT(l1_ecx, 12)      /* FMA */
          && CSIGMOID_BIT(l1_ecx, 22)      /* MOVBE */
          && CSIGMOID_BIT(l1_ecx, 28)      /* AVX */
          && CSIGMOID_BIT(l1_ecx, 29)      /* F16C */
          && CSIGMOID_BIT(l7_ebx, 3)       /* BMI1 */
          && CSIGMOID_BIT(l7_ebx, 5)       /* AVX2 */
          && CSIGMOID_BIT(l7_ebx, 8)       /* BMI2 */
          && CSIGMOID_BIT(e1_ecx, 5)       /* LZCNT */
          && (xcr0 & 0x6) == 0x6;          /* XMM and YMM state */
    if (!v3) return CSIGMOID_LEVEL_BASELINE;
    int v4 = CSIGMOID_BIT(l7_ebx, 16)      /* AVX512F */
          && CSIGMOID_BIT(l7_ebx, 17)      /* AVX512DQ */
          && CSIGMOID_BIT(l7_ebx, 28)      /* AVX512CD */
          && CSIGMOID_BIT(l7_ebx, 30)      /* AVX512BW */
          && CSIGMOID_BIT(l7_ebx, 31)      /* AVX512VL */
          && (xcr0 & 0xE0) == 0xE0;        /* opmask, ZMM0-15 upper, ZMM16-31 */
    return v4 ? CSIGMOID_LEVEL_AVX512 : CSIGMOID_LEVEL_AVX2;
}
#else
/* Other architectures have one variant: the baseline (NEON on AArch64). */
static int csigmoid_cpu_level(void) { return CSIGMOID_LEVEL_BASELINE; }
#endif

/* The compiler that built the extension, for show_config(). */
#if defined(__clang__)
#define CSIGMOID_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define CSIGMOID_COMPILER "gcc " __VERSION__
#elif defined(_MSC_VER)
#define CSIGMOID_STR2(x) #x
#define CSIGMOID_STR(x) CSIGMOID_STR2(x)
#define CSIGMOID_COMPILER "MSVC " CSIGMOID_STR(_MSC_FULL_VER)
#else
#define CSIGMOID_COMPILER "unknown"
#endif

/* The OpenMP runtime each compiler links by default. */
#if defined(__clang__)
#define CSIGMOID_OPENMP_RUNTIME "libomp"
#elif defined(__GNUC__)
#define CSIGMOID_OPENMP_RUNTIME "libgomp"
#elif defined(_MSC_VER)
#define CSIGMOID_OPENMP_RUNTIME "vcomp"
#else
#define CSIGMOID_OPENMP_RUNTIME "unknown"
#endif

#endif
