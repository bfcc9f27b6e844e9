# The contract between the instruction-set variants of the kernels and their
# caller: each variant module (baseline, avx2, avx512) fills one KernelTable
# and publishes it as a PyCapsule named "csigmoid.KernelTable"; the ufunc
# loops (_ufunc/ufuncs.pyx) call through the table of the variant that
# _cpu/variants.py selected.
#
# run_f32/run_f64 compute `op` over n contiguous elements on num_threads
# OpenMP threads, without the GIL and without touching a Python object; the
# result is bit-identical whatever num_threads is.  The caller decides
# num_threads with the thread policy (_parallel/policy.pxd) and gives it what
# the driver observed (`timing`, filled by every call):
#
#     threads = call_threads(n, share)     # share: the operation's, from csigmoid/_operations.py
#     table.run_f64(op, in0, in1, out0, out1, n, threads, &timing)
#     call_observed(&timing)
from libc.stdint cimport int64_t

from csigmoid._parallel.team_timing cimport TeamTiming

# The operations, in the order of csigmoid._operations.OPERATIONS (each
# entry's `index`; tests/test_operations.py checks it).
cdef enum Operation:
    # out0 = sigma(in0)
    OP_SIGMOID
    # out0 = sigma'(in0)
    OP_DERIVATIVE
    # out0 = sigma(in0), out1 = sigma'(in0)
    OP_SIGMOID_AND_DERIVATIVE
    # out0 = in0 * in1 * (1 - in1)   (in0 = grad_output, in1 = sigma output)
    OP_BACKWARD
    # out0 = log(in0 / (1 - in0))
    OP_LOGIT
    # out0 = log(sigma(in0))
    OP_LOG_SIGMOID
    # the count of operations: what arrays indexed by operation are sized by
    NOPERATIONS

# Pointers not used by `op` must still be valid (pass in0/out0 again).
ctypedef void (*run_f32_t)(Operation op, const float* in0, const float* in1,
                           float* out0, float* out1, int64_t n, int num_threads,
                           TeamTiming* timing) noexcept nogil
ctypedef void (*run_f64_t)(Operation op, const double* in0, const double* in1,
                           double* out0, double* out1, int64_t n, int num_threads,
                           TeamTiming* timing) noexcept nogil

ctypedef struct KernelTable:
    run_f32_t run_f32
    run_f64_t run_f64
    # 1 when this variant was compiled with hardware fused multiply-add
    int has_fma
