# Lets every module compile with or without OpenMP: without it, the stubs
# report one thread and prange loops run serially.
cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define CSIGMOID_OPENMP_VERSION _OPENMP
    #else
    #define CSIGMOID_OPENMP_VERSION 0
    static inline int omp_get_max_threads(void) { return 1; }
    static inline int omp_get_thread_limit(void) { return 1; }
    static inline int omp_get_num_threads(void) { return 1; }
    static inline int omp_get_thread_num(void) { return 0; }
    static inline double omp_get_wtime(void) { return 0.0; }
    #endif
    """
    # 0 when built without OpenMP, else the yyyymm version of the spec
    const int OPENMP_VERSION "CSIGMOID_OPENMP_VERSION"
    int omp_get_max_threads() noexcept nogil
    # OMP_THREAD_LIMIT: the most threads the process's teams may have
    int omp_get_thread_limit() noexcept nogil
    # the size of the team running the current parallel region
    int omp_get_num_threads() noexcept nogil
    int omp_get_thread_num() noexcept nogil
    # seconds on a monotonic clock (libgomp, libomp and vcomp: one clock for every thread)
    double omp_get_wtime() noexcept nogil
