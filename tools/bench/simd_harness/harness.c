/* The span functions of csigmoid/_kernels/include/simd.h timed on their own, one thread:
 * `harness N REPS` prints the best of REPS calls of each (sigma and sigma +
 * sigma', float32 and float64) over N elements uniform in [-20, 20], in ns
 * per element.  Built and run by tools/bench/simd_harness/run.py, which varies the
 * header's tuning constants; the "check" value only keeps the compiler from
 * dropping the work. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "simd.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

int main(int argc, char **argv)
{
    long n = atol(argv[1]);
    int reps = atoi(argv[2]);
    double *x = aligned_alloc(64, n * 8 + 64), *y = aligned_alloc(64, n * 8 + 64), *dy = aligned_alloc(64, n * 8 + 64);
    float *xf = aligned_alloc(64, n * 4 + 64), *yf = aligned_alloc(64, n * 4 + 64), *dyf = aligned_alloc(64, n * 4 + 64);
    srand(1);
    for (long i = 0; i < n; i++) { x[i] = -20 + 40.0 * rand() / RAND_MAX; xf[i] = (float)x[i]; y[i] = dy[i] = 0; yf[i] = dyf[i] = 0; }
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int r = 0; r < reps; r++) {
        double t0 = now(); simd_sigmoid_span_f32(xf, yf, n);
        double t1 = now(); simd_sigmoid_span_f64(x, y, n);
        double t2 = now(); simd_sigmoid_parts_span_f32(xf, yf, dyf, n);
        double t3 = now(); simd_sigmoid_parts_span_f64(x, y, dy, n);
        double t4 = now();
        double d[4] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
        for (int k = 0; k < 4; k++) if (d[k] < best[k]) best[k] = d[k];
    }
    printf("sigma f32 %.3f  sigma f64 %.3f  fused f32 %.3f  fused f64 %.3f ns/el  (check %g)\n",
           1e9 * best[0] / n, 1e9 * best[1] / n, 1e9 * best[2] / n, 1e9 * best[3] / n, y[n / 2] + yf[n / 3] + dy[1]);
    return 0;
}
