# The kernels compiled for the baseline instruction-set level (flags: setup.py).
include "_kernels.pxi"
