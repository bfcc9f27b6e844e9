/* Relaxed atomic operations on int64_t, for state that many threads read
 * and update without a lock: the chunk counter and the CPU-time sum of a
 * parallel call, and the thread policy's hints (team_policy.h).  Relaxed
 * ordering is enough: none of these values publishes other data (the
 * kernels' results, and the sum, are published by OpenMP's join barrier),
 * and each reader acts on whatever value it sees.  GCC and Clang builtins, or MSVC's Interlocked
 * intrinsics (aligned 64-bit loads and stores are single-copy atomic on the
 * 64-bit targets MSVC builds for).
 */
#ifndef CSIGMOID_ATOMIC_H
#define CSIGMOID_ATOMIC_H

#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)

static inline int64_t csigmoid_atomic_load(const int64_t* p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void csigmoid_atomic_store(int64_t* p, int64_t value)
{
    __atomic_store_n(p, value, __ATOMIC_RELAXED);
}

static inline int64_t csigmoid_atomic_fetch_add(int64_t* p, int64_t value)
{
    return __atomic_fetch_add(p, value, __ATOMIC_RELAXED);
}

/* Replace *p by `desired` if it holds `expected`; nonzero if it did. */
static inline int csigmoid_atomic_replace(int64_t* p, int64_t expected, int64_t desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, 0,
                                       __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

#elif defined(_MSC_VER)
#include <intrin.h>

static inline int64_t csigmoid_atomic_load(const int64_t* p)
{
    return *(const volatile int64_t*)p;
}

static inline void csigmoid_atomic_store(int64_t* p, int64_t value)
{
    *(volatile int64_t*)p = value;
}

static inline int64_t csigmoid_atomic_fetch_add(int64_t* p, int64_t value)
{
    return _InterlockedExchangeAdd64((volatile __int64*)p, value);
}

static inline int csigmoid_atomic_replace(int64_t* p, int64_t expected, int64_t desired)
{
    return _InterlockedCompareExchange64((volatile __int64*)p, desired, expected) == expected;
}

#else
#error "csigmoid needs GCC/Clang atomic builtins or MSVC's Interlocked intrinsics"
#endif

#endif
