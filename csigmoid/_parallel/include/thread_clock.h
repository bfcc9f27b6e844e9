/* The time the calling thread has spent running (on a CPU), for the
 * parallel driver (driver.pxi): the part of a thread's time in a call that
 * was work, as against the time it waited for a CPU.  Two clocks, in the
 * same ticks:
 *
 *     csigmoid_thread_cpu_ticks()   CPU time of the calling thread
 *     csigmoid_wall_ticks()         a monotonic wall clock
 *
 * Linux, macOS and the BSDs: CLOCK_THREAD_CPUTIME_ID and CLOCK_MONOTONIC,
 * in nanoseconds.  Linux reads the thread clock through a system call,
 * several times the wall clock's cost (BENCHMARKS.md, "Thread policy: the
 * measurements behind the constants"); the driver reads it twice per
 * thread per call.
 * macOS (10.12 and later) counts thread time in microseconds.
 *
 * Windows: GetThreadTimes advances only at the clock tick (15.6 ms), far
 * coarser than a chunk; QueryThreadCycleTime counts the time-stamp-counter
 * cycles the thread ran (read on every context switch), so the wall clock
 * is the time-stamp counter itself (invariant on every x86-64 CPU Windows
 * 10 runs on).  The driver turns ticks into seconds with the ratio of the
 * wall ticks to omp_get_wtime over the same call, so neither the counter's
 * frequency nor the nanosecond is assumed.  On a Windows CPU without a
 * time-stamp counter the thread's wall time stands in for its CPU time:
 * time spent waiting for a CPU is then not seen.
 */
#ifndef CSIGMOID_THREAD_CLOCK_H
#define CSIGMOID_THREAD_CLOCK_H

#include <stdint.h>

#if defined(_WIN32)
/* without rpc.h's `small` and friends, and the min/max macros */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <realtimeapiset.h>

#if defined(_M_X64) || defined(_M_IX86) || defined(__x86_64__) || defined(__i386__)
#include <intrin.h>

static inline int64_t csigmoid_thread_cpu_ticks(void)
{
    ULONG64 cycles = 0;
    QueryThreadCycleTime(GetCurrentThread(), &cycles);
    return (int64_t)cycles;
}

static inline int64_t csigmoid_wall_ticks(void)
{
    return (int64_t)__rdtsc();
}
#else
static inline int64_t csigmoid_wall_ticks(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    return (int64_t)now.QuadPart;
}

static inline int64_t csigmoid_thread_cpu_ticks(void)
{
    return csigmoid_wall_ticks();
}
#endif

#else
#include <time.h>

static inline int64_t csigmoid_timespec_ns(clockid_t clock)
{
    struct timespec now;
    clock_gettime(clock, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static inline int64_t csigmoid_thread_cpu_ticks(void)
{
    return csigmoid_timespec_ns(CLOCK_THREAD_CPUTIME_ID);
}

static inline int64_t csigmoid_wall_ticks(void)
{
    return csigmoid_timespec_ns(CLOCK_MONOTONIC);
}
#endif

#endif
