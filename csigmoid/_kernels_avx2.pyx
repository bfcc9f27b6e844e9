# The kernels compiled for the avx2 instruction-set level (flags: setup.py).
include "_kernels.pxi"
