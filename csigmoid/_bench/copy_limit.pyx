# The memory limit `python -m csigmoid bench` compares csigmoid with: a copy
# of the same array on the same threads.  No elementwise function that reads
# an array and writes another streams it faster than memcpy copies it, so
# csigmoid's time over the copy's tells how far a call is from what memory
# allows.  The benchmark's own extension: the kernels and the ufunc layer
# export nothing for it, and `import csigmoid` does not load it.
#
# The arrays are taken as ndarrays and read through NumPy's C API, not as
# typed memoryviews: acquiring two memoryviews (and choosing a fused
# specialization) costs more per call than copying the benchmark's smallest
# arrays does, and the copy would be no limit there.
cimport numpy as cnp
from cython.parallel cimport prange
from libc.string cimport memcpy

cnp.import_array()

# Each thread's share is a whole number of cache lines, so that no two
# threads write one line when dst starts on one.
cdef enum:
    LINE = 64


cdef void copy_bytes(char* dst, const char* src, Py_ssize_t size, int threads) noexcept nogil:
    """memcpy(dst, src, size) on `threads` OpenMP threads, each copying one
    contiguous share (a static schedule); one thread copies without a
    parallel region."""
    cdef Py_ssize_t share = ((size + threads - 1) // threads + LINE - 1) // LINE * LINE
    cdef Py_ssize_t k, start
    if threads == 1:
        memcpy(dst, src, size)
        return
    for k in prange(threads, schedule="static", num_threads=threads):
        start = k * share
        if start < size:
            memcpy(dst + start, src + start, share if share < size - start else size - start)


def parallel_copy(cnp.ndarray src not None, cnp.ndarray dst not None, int threads):
    """dst[...] = src on `threads` OpenMP threads.

    src is a C-contiguous float32 or float64 array in native byte order; dst
    a writeable C-contiguous array of the same dtype and shape, disjoint from
    src.
    """
    if threads < 1:
        raise ValueError(f"parallel_copy: threads must be >= 1, not {threads}")
    cdef int type_num = cnp.PyArray_TYPE(src)
    if (type_num != cnp.NPY_FLOAT and type_num != cnp.NPY_DOUBLE) or not (
            cnp.PyArray_IS_C_CONTIGUOUS(src) and cnp.PyArray_ISNOTSWAPPED(src)):
        raise TypeError("parallel_copy: src must be a C-contiguous native float32 or float64 array")
    if not (cnp.PyArray_TYPE(dst) == type_num and cnp.PyArray_ISNOTSWAPPED(dst)
            and cnp.PyArray_NDIM(dst) == cnp.PyArray_NDIM(src)
            and cnp.PyArray_CompareLists(cnp.PyArray_DIMS(dst), cnp.PyArray_DIMS(src), cnp.PyArray_NDIM(src))
            and cnp.PyArray_IS_C_CONTIGUOUS(dst) and cnp.PyArray_ISWRITEABLE(dst)):
        raise ValueError("parallel_copy: dst must be a writeable C-contiguous array of src's dtype and shape")
    cdef const char* s = <const char*>cnp.PyArray_DATA(src)
    cdef char* d = <char*>cnp.PyArray_DATA(dst)
    cdef Py_ssize_t size = cnp.PyArray_NBYTES(src)
    if size and s < d + size and d < s + size:
        raise ValueError("parallel_copy: dst overlaps src")
    with nogil:
        copy_bytes(d, s, size, threads)
