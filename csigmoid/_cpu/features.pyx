# What the machine and the build offer: the instruction-set level the CPU
# supports, the compiler, and the OpenMP build and runtime.  Compiled for
# the baseline, so it is always safe to import.
from csigmoid._parallel.openmp cimport OPENMP_VERSION, omp_get_max_threads

cdef extern from "cpu_features.h":
    int cpu_level_code "csigmoid_cpu_level"()
    const char* COMPILER "CSIGMOID_COMPILER"
    const char* OPENMP_RUNTIME "CSIGMOID_OPENMP_RUNTIME"

# Instruction-set levels, lowest first; the index is the code cpu_level_code() returns.
LEVELS = ("baseline", "avx2", "avx512")


def cpu_level():
    """Name of the highest instruction-set level this CPU and OS support."""
    return LEVELS[cpu_level_code()]


def compiler():
    return COMPILER.decode("ascii", "replace")


def openmp_version():
    """The _OPENMP date (e.g. 201511) the extensions were compiled with; 0 if none."""
    return OPENMP_VERSION


def openmp_runtime():
    return OPENMP_RUNTIME.decode("ascii") if OPENMP_VERSION else None


def max_threads():
    """omp_get_max_threads(): honours OMP_NUM_THREADS and threadpoolctl limits."""
    return omp_get_max_threads()
