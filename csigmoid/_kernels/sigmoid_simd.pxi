# sigma and sigma' over spans through the intrinsics of simd.h (exponential,
# quotient, the loop and its masked last vector; see there).
# avx2.pyx and avx512.pyx include this after kernels.pxi;
# the baseline variant includes sigmoid_portable.pxi instead.

cdef extern from "simd.h" nogil:
    void simd_sigmoid_span_f32(const float* x, float* y, int64_t n)
    void simd_sigmoid_span_f64(const double* x, double* y, int64_t n)
    void simd_sigmoid_parts_span_f32(const float* x, float* y, float* dy, int64_t n)
    void simd_sigmoid_parts_span_f64(const double* x, double* y, double* dy, int64_t n)


cdef inline void sigmoid_span(const real* x, real* y, int64_t n) noexcept nogil:
    if real is float:
        simd_sigmoid_span_f32(x, y, n)
    else:
        simd_sigmoid_span_f64(x, y, n)


cdef inline void sigmoid_parts_span(const real* x, real* y, real* dy, int64_t n) noexcept nogil:
    """sigma' into dy, and sigma into y unless y is NULL."""
    if real is float:
        simd_sigmoid_parts_span_f32(x, y, dy, n)
    else:
        simd_sigmoid_parts_span_f64(x, y, dy, n)
