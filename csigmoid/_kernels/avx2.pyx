# cython: cdivision=True, boundscheck=False, wraparound=False, initializedcheck=False
# (cdivision matters: without it every division carries a zero check that stops vectorization)
# The kernels compiled for the avx2 instruction-set level (flags: setup.py).
include "kernels.pxi"
include "sigmoid_simd.pxi"
