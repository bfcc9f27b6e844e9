# The contract between the instruction-set variants of the kernels and the
# Python layer: each _kernels_<variant> module fills one KernelTable and
# publishes it as a PyCapsule named "csigmoid.KernelTable"; _api.pyx calls
# through the table of the variant _isa.py selected.
from libc.stdint cimport int64_t

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

ctypedef void (*run_f32_t)(Operation op, const float* in0, const float* in1,
                           float* out0, float* out1, int64_t n, int num_threads) noexcept nogil
ctypedef void (*run_f64_t)(Operation op, const double* in0, const double* in1,
                           double* out0, double* out1, int64_t n, int num_threads) noexcept nogil

ctypedef struct KernelTable:
    run_f32_t run_f32
    run_f64_t run_f64
    # 1 when this variant was compiled with hardware fused multiply-add
    int has_fma
