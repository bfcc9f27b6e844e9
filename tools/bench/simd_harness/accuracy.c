/* The largest error of simd.h's span functions, in ulps of the exact value
 * (long double: 11 bits more than double, enough to tell tenths of an ulp):
 * `accuracy STEP N` checks sigma and sigma' on every STEP-th float32 bit
 * pattern whose value lies in [-104, 30] (beyond, the results are 0, 1 or
 * subnormal, checked by the test suite), and on N float64 values, 5/6 of
 * them uniform in [-40, 40] and the rest in [-745, -40], where sigma is t
 * itself and subnormal below -708.  Built and run by run.py --accuracy,
 * which compares builds of the headers (as shipped, and its variants).  Also
 * counts the inputs where the sigma-only span differs from the fused one
 * (the two must agree bit for bit), and how often float32 sigma is
 * correctly rounded (the exact value rounded once to the nearest float):
 * by the float32 kernel, and by the float64 kernel's result rounded to
 * float32 (the usual first step to a correctly rounded float32 function:
 * it fails only where the exact value lies within the double result's
 * error of a midpoint between two floats). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "simd.h"

/* |y - exact| in units of the last place of exact (whose binade, below the
 * normal range, is fixed at the smallest subnormal's) */
static double ulps(long double y, long double exact, int digits, int min_exponent)
{
    int e;
    frexpl(exact, &e);
    int unit = e - digits < min_exponent ? min_exponent : e - digits;
    return (double)(fabsl(y - exact) / ldexpl(1.0L, unit));
}

struct worst { double sigma, slope, x_sigma, x_slope; };

static void measure(struct worst *w, long double x, long double y, long double dy, int digits, int min_exponent)
{
    long double t = expl(-fabsl(x));
    long double sigma = x >= 0 ? 1.0L / (1.0L + t) : t / (1.0L + t);
    long double slope = t / ((1.0L + t) * (1.0L + t));
    double e = ulps(y, sigma, digits, min_exponent), d = ulps(dy, slope, digits, min_exponent);
    if (e > w->sigma) { w->sigma = e; w->x_sigma = (double)x; }
    if (d > w->slope) { w->slope = d; w->x_slope = (double)x; }
}

int main(int argc, char **argv)
{
    uint32_t step = argc > 1 ? (uint32_t)atol(argv[1]) : 3;
    long n = argc > 2 ? atol(argv[2]) : 6000000;

    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y), *dy = malloc(n * sizeof *dy);
    srand48(7);
    for (long i = 0; i < n; i++) {
        x[i] = i < n / 6 * 5 ? -40 + 80 * drand48() : -745 + 705 * drand48();
    }
    simd_sigmoid_parts_span_f64(x, y, dy, n);
    struct worst w64 = {0};
    for (long i = 0; i < n; i++) measure(&w64, x[i], y[i], dy[i], 53, -1074);
    simd_sigmoid_span_f64(x, dy, n);
    long differ64 = 0;
    for (long i = 0; i < n; i++) differ64 += memcmp(&y[i], &dy[i], sizeof *y) != 0;

    long m = 0, capacity = (long)(0x100000000LL / step) + 2;
    float *xf = malloc(capacity * sizeof *xf);
    for (uint64_t bits = 0; bits < 0x100000000ULL; bits += step) {
        uint32_t b = (uint32_t)bits;
        float f;
        memcpy(&f, &b, sizeof f);
        if (f >= -104 && f <= 30) xf[m++] = f;
    }
    float *yf = malloc(m * sizeof *yf), *dyf = malloc(m * sizeof *dyf);
    simd_sigmoid_parts_span_f32(xf, yf, dyf, m);
    struct worst w32 = {0};
    for (long i = 0; i < m; i++) measure(&w32, xf[i], yf[i], dyf[i], 24, -149);
    simd_sigmoid_span_f32(xf, dyf, m);
    long differ32 = 0;
    for (long i = 0; i < m; i++) differ32 += memcmp(&yf[i], &dyf[i], sizeof *yf) != 0;

    /* correct rounding: long double's sigma rounded to float (a second
     * rounding that errs only within 2**-64 relative of a midpoint) */
    long misrounded32 = 0, misrounded_through_double = 0;
    const long block = 1 << 16;
    double *xd = malloc(block * sizeof *xd), *yd = malloc(block * sizeof *yd);
    for (long start = 0; start < m; start += block) {
        long count = m - start < block ? m - start : block;
        for (long i = 0; i < count; i++) xd[i] = xf[start + i];
        simd_sigmoid_span_f64(xd, yd, count);
        for (long i = 0; i < count; i++) {
            long double t = expl(-fabsl((long double)xd[i]));
            float exact = (float)(xd[i] >= 0 ? 1.0L / (1.0L + t) : t / (1.0L + t));
            misrounded32 += yf[start + i] != exact;
            misrounded_through_double += (float)yd[i] != exact;
        }
    }

    printf("float32 (%ld inputs): sigma %.3f ulp (x = %.9g), sigma' %.3f ulp (x = %.9g); sigma-only differs: %ld\n",
           m, w32.sigma, w32.x_sigma, w32.slope, w32.x_slope, differ32);
    printf("float64 (%ld inputs): sigma %.3f ulp (x = %.17g), sigma' %.3f ulp (x = %.17g); sigma-only differs: %ld\n",
           n, w64.sigma, w64.x_sigma, w64.slope, w64.x_slope, differ64);
    printf("float32 sigma not correctly rounded: %ld of %ld inputs (%.2f%%); through the float64 kernel: %ld\n",
           misrounded32, m, 100.0 * misrounded32 / m, misrounded_through_double);
    return differ32 || differ64;
}
