/* Non-temporal ("streaming") stores for the kernels' large outputs.
 *
 * A normal store first reads the cache line it writes (read-for-ownership),
 * so writing n results costs n reads more than needed; for an output far
 * larger than the caches that is a third more memory traffic for sigmoid
 * (read x, read+write y) and half as much again for the fused call.  A
 * non-temporal store writes the line without reading it and without
 * evicting useful data.  The kernels compute a block into a small buffer
 * that stays in L1 (vectorized as usual) and stream it out with this.
 *
 * The vector width follows the variant's compile flags (AVX-512, AVX, SSE2,
 * which every x86-64 has); elsewhere it is a plain copy.  Streaming stores
 * are weakly ordered: a thread calls csigmoid_stream_fence() once it has
 * written its share, before another thread may read it.
 */
#ifndef CSIGMOID_STREAM_H
#define CSIGMOID_STREAM_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) || defined(_M_X64)
#include <immintrin.h>
#if defined(__AVX512F__)
#define CSIGMOID_STREAM_VECTOR 64
#elif defined(__AVX__)
#define CSIGMOID_STREAM_VECTOR 32
#else
#define CSIGMOID_STREAM_VECTOR 16
#endif
#endif

/* dst[0:n] = src[0:n] (src in cache, dst aligned to its element size). */
static inline void csigmoid_stream_f32(float *dst, const float *src, int64_t n)
{
#ifdef CSIGMOID_STREAM_VECTOR
    const int64_t width = CSIGMOID_STREAM_VECTOR / 4;
    int64_t i = 0;
    for (; i < n && ((uintptr_t)(dst + i) & (CSIGMOID_STREAM_VECTOR - 1)); i++)
        dst[i] = src[i];
    for (; i + width <= n; i += width) {
#if defined(__AVX512F__)
        _mm512_stream_ps(dst + i, _mm512_loadu_ps(src + i));
#elif defined(__AVX__)
        _mm256_stream_ps(dst + i, _mm256_loadu_ps(src + i));
#else
        _mm_stream_ps(dst + i, _mm_loadu_ps(src + i));
#endif
    }
    for (; i < n; i++)
        dst[i] = src[i];
#else
    memcpy(dst, src, (size_t)n * sizeof(float));
#endif
}

static inline void csigmoid_stream_f64(double *dst, const double *src, int64_t n)
{
#ifdef CSIGMOID_STREAM_VECTOR
    const int64_t width = CSIGMOID_STREAM_VECTOR / 8;
    int64_t i = 0;
    for (; i < n && ((uintptr_t)(dst + i) & (CSIGMOID_STREAM_VECTOR - 1)); i++)
        dst[i] = src[i];
    for (; i + width <= n; i += width) {
#if defined(__AVX512F__)
        _mm512_stream_pd(dst + i, _mm512_loadu_pd(src + i));
#elif defined(__AVX__)
        _mm256_stream_pd(dst + i, _mm256_loadu_pd(src + i));
#else
        _mm_stream_pd(dst + i, _mm_loadu_pd(src + i));
#endif
    }
    for (; i < n; i++)
        dst[i] = src[i];
#else
    memcpy(dst, src, (size_t)n * sizeof(double));
#endif
}

static inline void csigmoid_stream_fence(void)
{
#ifdef CSIGMOID_STREAM_VECTOR
    _mm_sfence();
#endif
}

#endif
