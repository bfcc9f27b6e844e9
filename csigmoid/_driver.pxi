# The parallel driver: how one call's n elements are shared between OpenMP
# threads, and what the call tells the thread policy (csigmoid/_team.h)
# afterwards.  Included by the kernels (contiguous runs, _kernels.pxi) and by
# the ufunc loops (strided and converted runs through blocks, _api.pyx), so
# both split work and report the same way.  Nothing here touches a Python
# object.
#
# Work is handed out in chunks that whichever thread is running takes next
# (one relaxed fetch-and-add per chunk), not in one fixed share per thread: a
# thread the scheduler keeps off the CPU then holds up at most the chunk it
# took, and a late one finds less or nothing left.  More chunks would serve
# a late thread better, but each costs ~0.2-0.4 us (the shared counter's
# cache line, a clock read, the FP-flag save and restore): measured at 1e5
# float64 elements on 2 threads, 4 chunks per thread took 40.7 us, 2 took
# 39.0 us (one thread: 71-72 us); the contention rule of _team.h, not finer
# chunks, deals with threads kept waiting.  Chunks of at least MIN_CHUNK
# elements (4 us of float32 sigmoid on one thread) keep that cost near 5% at
# most; below CHUNKS_PER_THREAD * MIN_CHUNK elements per thread each thread
# gets one equal share.
#
# Every element is computed by the same code whatever the split (`span` is
# called on whole multiples of `granule` elements), so results do not depend
# on the thread count.
from cython.parallel cimport prange
from libc.math cimport INFINITY
from libc.stdint cimport int64_t, uint64_t

from csigmoid._kernel_table cimport TeamTiming
from csigmoid._openmp cimport omp_get_num_threads, omp_get_thread_num, omp_get_wtime

cdef extern from "_atomic.h" nogil:
    int64_t atomic_fetch_add "csigmoid_atomic_fetch_add"(int64_t* p, int64_t value)
    void atomic_lower "csigmoid_atomic_lower"(int64_t* p, int64_t value)

cdef extern from "_fp.h" nogil:
    uint64_t double_bits "csigmoid_f64_bits"(double f)
    double double_from_bits "csigmoid_f64_from_bits"(uint64_t u)

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
                     int64_t* next_start, int64_t* fastest, int* team) noexcept nogil:
    """One thread's part of a parallel call: take chunks until none is left,
    timing each (from the end of the one before), and lower *fastest to the
    best seconds per element seen; the first thread also notes the team size.

    *fastest holds the bits of a positive double (or +infinity): for those,
    the order of the bits as int64 is the order of the values."""
    cdef int64_t start, stop
    cdef double before = omp_get_wtime(), after, best = INFINITY
    if omp_get_thread_num() == 0:
        team[0] = omp_get_num_threads()
    while True:
        start = atomic_fetch_add(next_start, chunk)
        if start >= n:
            break
        stop = start + chunk if chunk < n - start else n
        span(work, start, stop)
        after = omp_get_wtime()
        if (after - before) / (stop - start) < best:
            best = (after - before) / (stop - start)
        before = after
    if best < INFINITY:
        atomic_lower(fastest, <int64_t>double_bits(best))


cdef void run_parallel(span_function span, const void* work, int64_t n, int num_threads,
                       int64_t granule, TeamTiming* timing) noexcept nogil:
    """span(work, ...) over all n elements on num_threads threads, and what
    the call observed in `timing` (see _kernel_table.pxd).

    `timing.alone` is n times the fastest rate any thread had over a chunk:
    what one thread that nothing interrupts would take.  Not the calling
    thread's own average: any thread, the calling one included, may be the
    one the scheduler kept waiting (three threads wanting two cores), and
    the time it lost must count against the team.
    """
    cdef int part, team = 1
    cdef int* team_p = &team
    cdef int64_t chunk, next_start = 0
    cdef int64_t* next_start_p = &next_start
    cdef int64_t fastest = <int64_t>double_bits(INFINITY)
    cdef int64_t* fastest_p = &fastest
    cdef double begin
    timing.threads = 1
    if num_threads <= 1:
        span(work, 0, n)
        return
    chunk = chunk_length(n, num_threads, granule)
    begin = omp_get_wtime()
    for part in prange(num_threads, nogil=True, schedule='static', num_threads=num_threads):
        run_chunks(span, work, n, chunk, next_start_p, fastest_p, team_p)
    timing.elapsed = omp_get_wtime() - begin
    timing.alone = double_from_bits(<uint64_t>fastest) * n
    timing.threads = team
