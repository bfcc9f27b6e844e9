# The contract between the instruction-set variants of the kernels and their
# caller: each _kernels_<variant> module fills one KernelTable and publishes
# it as a PyCapsule named "csigmoid.KernelTable"; _api.pyx calls through the
# table of the variant _isa.py selected.
#
# run_f32/run_f64 compute `op` over n contiguous elements on num_threads
# OpenMP threads, without the GIL and without touching a Python object; the
# result is bit-identical whatever num_threads is.  The caller decides
# num_threads with the policy of csigmoid/_team.h and gives that policy what
# the driver observed (`timing`, filled by every call):
#
#     threads = csigmoid_team_threads(n, cap)
#     table.run_f64(op, in0, in1, out0, out1, n, threads, &timing)
#     csigmoid_team_record(timing.threads, timing.elapsed, timing.work)
from libc.stdint cimport int64_t

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
    # out0 = in0: the memory-bandwidth limit that the benchmark measures against
    OP_COPY
    # the count of operations: what arrays indexed by operation are sized by
    NOPERATIONS

# What a call observed, for the thread policy: `threads`, how many threads
# computed (1 for a serial call; fewer than asked when OpenMP gives the
# region fewer, as inside another parallel region); for threads > 1, in
# seconds, `elapsed` from the start of the parallel region to its end and
# `work` the CPU time its threads spent computing, what one thread would
# have taken (_driver.pxi).  elapsed > work: the team lost against one
# thread (threads kept waiting for a CPU, or woken late).
ctypedef struct TeamTiming:
    int threads
    double elapsed
    double work

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
