# The kernels compiled for the avx512 instruction-set level (flags: setup.py).
include "_kernels.pxi"
