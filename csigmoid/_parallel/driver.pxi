# The parallel driver: how one call's n elements are shared between OpenMP
# threads, and what the call tells the thread policy (policy.pxd)
# afterwards.  Included by the kernels (contiguous runs, kernels.pxi) and by
# the ufunc loops (strided and converted runs through blocks, ufuncs.pyx), so
# both split work and report the same way.  Nothing here touches a Python
# object.
#
# Work is handed out in chunks that whichever thread is running takes next
# (one relaxed fetch-and-add per chunk), not in one fixed share per thread: a
# thread the scheduler keeps off the CPU then holds up at most the chunk it
# took, and a late one finds less or nothing left.  More chunks would serve
# a late thread better, but each has a cost (the shared counter's cache
# line, the FP-flag save and restore) that made 4 chunks per thread slower
# than 2; the contention rule of include/team_policy.h, not finer chunks,
# deals with threads kept waiting.  Chunks of at least MIN_CHUNK elements
# (microseconds of one thread's work) keep that cost to a few percent;
# below CHUNKS_PER_THREAD * MIN_CHUNK elements per thread each thread gets
# one equal share.
#
# What the call tells the policy is what the team cost against one thread:
# the time the call took, and the CPU time its threads spent computing (the
# work one thread would have done; include/thread_clock.h).  A thread kept off the
# CPU while it holds a chunk, or woken late, adds to the first and not to
# the second; a chunk that is slow because its elements are (subnormal
# inputs, a part of the array out of cache) adds to both.  Each thread
# reads its CPU clock twice per call, around all of its chunks (a system
# call on Linux), and not at all if it finds no chunk left.
#
# Every element is computed by the same code whatever the split (`span` is
# called on whole multiples of `granule` elements), so results do not depend
# on the thread count.
from cython.parallel cimport prange
from libc.stdint cimport int64_t

from csigmoid._parallel.team_timing cimport TeamTiming
from csigmoid._parallel.openmp cimport omp_get_num_threads, omp_get_thread_num, omp_get_wtime

cdef extern from "atomic_ops.h" nogil:
    int64_t atomic_fetch_add "csigmoid_atomic_fetch_add"(int64_t* p, int64_t value)

cdef extern from "thread_clock.h" nogil:
    int64_t thread_cpu_ticks "csigmoid_thread_cpu_ticks"()
    int64_t wall_ticks "csigmoid_wall_ticks"()

# Computes elements [start, stop) of the work `work` describes.
ctypedef void (*span_function)(const void* work, int64_t start, int64_t stop) noexcept nogil

cdef enum:
    CHUNKS_PER_THREAD = 2
    MIN_CHUNK = 16384


cdef inline int64_t chunk_length(int64_t n, int threads, int64_t granule) noexcept nogil:
    """Elements per chunk: n / (threads * CHUNKS_PER_THREAD), but at least
    MIN_CHUNK or an equal share, whichever is smaller; a multiple of
    `granule` (16 elements, 64 bytes of float32, puts chunks on cache-line
    boundaries when the buffer is, so that no two threads write one line)."""
    cdef int64_t length = (n + threads * CHUNKS_PER_THREAD - 1) // (threads * CHUNKS_PER_THREAD)
    cdef int64_t share = (n + threads - 1) // threads
    if length < MIN_CHUNK:
        length = MIN_CHUNK if MIN_CHUNK < share else share
    return (length + granule - 1) // granule * granule


cdef void run_chunks(span_function span, const void* work, int64_t n, int64_t chunk,
                     int64_t* next_start, int64_t* cpu_ticks, int* team) noexcept nogil:
    """One thread's part of a parallel call: take chunks until none is left,
    and add the CPU time spent on them to *cpu_ticks; the first thread also
    notes the team size."""
    cdef int64_t start, stop, cpu_begin
    if omp_get_thread_num() == 0:
        team[0] = omp_get_num_threads()
    start = atomic_fetch_add(next_start, chunk)
    if start >= n:
        return
    cpu_begin = thread_cpu_ticks()
    while start < n:
        stop = start + chunk if chunk < n - start else n
        span(work, start, stop)
        start = atomic_fetch_add(next_start, chunk)
    atomic_fetch_add(cpu_ticks, thread_cpu_ticks() - cpu_begin)


cdef void run_parallel(span_function span, const void* work, int64_t n, int num_threads,
                       int64_t granule, TeamTiming* timing) noexcept nogil:
    """span(work, ...) over all n elements on num_threads threads, and what
    the call observed in `timing` (see _kernels/table.pxd).

    The thread clocks count in ticks (nanoseconds, or on Windows the
    time-stamp counter's cycles): the wall clock in the same ticks over the
    call, against omp_get_wtime's seconds, converts them (both read in the
    same order at each end, so that neither span holds the other's reads).
    """
    cdef int part, team = 1
    cdef int* team_p = &team
    cdef int64_t chunk, next_start = 0, cpu_ticks = 0, begin_ticks, call_ticks
    cdef int64_t* next_start_p = &next_start
    cdef int64_t* cpu_ticks_p = &cpu_ticks
    cdef double begin
    timing.threads = 1
    if num_threads <= 1:
        span(work, 0, n)
        return
    chunk = chunk_length(n, num_threads, granule)
    begin = omp_get_wtime()
    begin_ticks = wall_ticks()
    for part in prange(num_threads, nogil=True, schedule='static', num_threads=num_threads):
        run_chunks(span, work, n, chunk, next_start_p, cpu_ticks_p, team_p)
    timing.elapsed = omp_get_wtime() - begin
    call_ticks = wall_ticks() - begin_ticks
    # (a wall clock that did not advance, not seen on any platform, teaches nothing)
    timing.work = cpu_ticks * (timing.elapsed / call_ticks) if call_ticks > 0 else timing.elapsed
    timing.threads = team
