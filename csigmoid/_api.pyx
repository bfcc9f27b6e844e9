# The Python layer: turns whatever the caller passes into contiguous native
# float32/float64 buffers, validates `out` and `num_threads`, makes exactly
# one kernel call (GIL released) and hands the result back in the caller's
# shape and dtype.  It is compiled with Cython only to keep the per-call cost
# small; all arithmetic happens in the kernels (or, for longdouble, in NumPy).
import operator

import numpy as np

from csigmoid import _cpu_count, _ecosystem

cimport numpy as cnp
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.stdint cimport int64_t

from csigmoid._kernel_table cimport (
    KernelTable, Operation, TeamTiming,
    OP_SIGMOID, OP_DERIVATIVE, OP_SIGMOID_AND_DERIVATIVE, OP_BACKWARD, OP_LOGIT, OP_LOG_SIGMOID,
    OP_COPY,
)
from csigmoid._openmp cimport omp_get_max_threads

cdef extern from "_fp.h":
    ctypedef struct fpflags "csigmoid_fpflags":
        pass
    void fpflags_save "csigmoid_fpflags_save"(fpflags* saved)
    void fpflags_restore "csigmoid_fpflags_restore"(const fpflags* saved)

# The per-call thread policy (size, fork, contention); its state lives in
# this module, the one that calls the kernels.
cdef extern from "_team.h" nogil:
    int watch_forks "csigmoid_team_watch_forks"()
    int team_threads "csigmoid_team_threads"(int64_t n, int cap)
    void team_record "csigmoid_team_record"(int threads, double elapsed, double alone)
    void team_forget "csigmoid_team_forget"()
    double team_serial_left "csigmoid_team_serial_left"()
    double team_credit "csigmoid_team_credit"()

# The limit `csigmoid.threads(n)` sets for the calls made from the thread that
# sets it (0: none), so that two Python threads can hold different limits.
cdef extern from *:
    """
    #if defined(_MSC_VER)
    static __declspec(thread) int csigmoid_thread_limit = 0;
    #else
    static _Thread_local int csigmoid_thread_limit = 0;
    #endif
    """
    int thread_limit "csigmoid_thread_limit"

cnp.import_array()
if watch_forks() != 0:
    raise ImportError("csigmoid: pthread_atfork failed; without it a forked child could hang")

# The kernel variant in use; set by _isa.select() at import.
cdef KernelTable* kernels = NULL

# Below this many elements the kernel runs with the GIL held: releasing and
# re-taking it costs more than the work (a few microseconds at most).
cdef int64_t MIN_ELEMENTS_TO_RELEASE_GIL = 4096

cdef object FLOAT16 = np.dtype(np.float16)
cdef object FLOAT32 = np.dtype(np.float32)
cdef object FLOAT64 = np.dtype(np.float64)
cdef object LONGDOUBLE = np.dtype(np.longdouble)

# Inputs that are surely NumPy's business; anything else may be a Dask, xarray or
# pandas container and is offered to csigmoid._ecosystem first.
cdef tuple PLAIN_INPUTS = (np.ndarray, np.generic, float, int, list, tuple)


def use_kernels(kernel_table):
    """Make the kernels in `kernel_table` (a capsule from a _kernels_* module) current."""
    global kernels
    kernels = <KernelTable*>PyCapsule_GetPointer(kernel_table, "csigmoid.KernelTable")


# Where a call's thread count comes from (show_config names it).
cdef enum ThreadSource:
    FROM_THREADS_LIMIT          # this thread's csigmoid.threads(n)
    FROM_OPENMP_LIMIT           # threadpoolctl or omp_set_num_threads changed OpenMP's maximum
    FROM_OPENMP_ENVIRONMENT     # OMP_NUM_THREADS
    FROM_USABLE_CPUS            # the CPUs this process may use (affinity mask, cgroup quota)

# OpenMP's maximum when csigmoid was imported: OMP_NUM_THREADS or, without
# it, the runtime's own count (the CPUs of the affinity mask, not the
# cgroup quota).  A different value later means a limit was set since.
cdef int openmp_default = omp_get_max_threads()
cdef bint openmp_from_environment = _cpu_count.openmp_threads_set()
# The CPUs this process may use, counted once (csigmoid._cpu_count).
cdef int usable_cpus = _cpu_count.USABLE.count


cdef inline int default_threads_from(ThreadSource* source) noexcept nogil:
    """The thread count a call from this thread may use (before the size,
    fork and contention rules of _team.h), and where it comes from: this
    thread's `csigmoid.threads(n)` limit, within OpenMP's current maximum;
    else a maximum someone set (threadpoolctl, OMP_NUM_THREADS); else the
    CPUs the process may use, within OpenMP's maximum."""
    cdef int available = omp_get_max_threads()
    cdef ThreadSource from_where
    cdef int count = available
    if thread_limit > 0:
        from_where = FROM_THREADS_LIMIT
        count = thread_limit if thread_limit < available else available
    elif available != openmp_default:
        from_where = FROM_OPENMP_LIMIT
    elif openmp_from_environment:
        from_where = FROM_OPENMP_ENVIRONMENT
    else:
        from_where = FROM_USABLE_CPUS
        count = usable_cpus if usable_cpus < available else available
    if source != NULL:
        source[0] = from_where
    return count


cdef inline int default_threads() noexcept nogil:
    return default_threads_from(NULL)


def set_thread_limit(int limit):
    """Set this thread's limit (0: none) and return the previous one
    (csigmoid.threads(n) calls this; it validates n)."""
    global thread_limit
    cdef int previous = thread_limit
    thread_limit = limit
    return previous


def max_threads():
    """The threads a large call from this thread may use now."""
    return default_threads()


def use_cpu_count(int count):
    """Make `count` (>= 1) the CPUs the default thread count respects and
    return the previous count (import sets csigmoid._cpu_count.USABLE.count;
    tests set others)."""
    global usable_cpus
    cdef int previous = usable_cpus
    usable_cpus = count if count > 1 else 1
    return previous


def max_threads_source():
    """What decides max_threads() in this thread: "csigmoid.threads",
    "threadpoolctl" (or another omp_set_num_threads caller),
    "OMP_NUM_THREADS" or "usable CPUs" (csigmoid._cpu_count.USABLE)."""
    cdef ThreadSource source
    default_threads_from(&source)
    return ("csigmoid.threads", "threadpoolctl", "OMP_NUM_THREADS", "usable CPUs")[source]


def contention_state():
    """The contention rule's state (csigmoid/_team.h), in seconds:
    "serial_left", how long calls still run on one thread; "credit", what
    parallel calls gained minus what they lost, at most 0.05 (where a
    process and every probe after a serial period start)."""
    return {"serial_left": team_serial_left(), "credit": team_credit()}


def forget_contention():
    """Reset the contention rule, as in a child after fork (the tests start from it)."""
    team_forget()


def team_threads_for(n, cap):
    """The thread count the policy of csigmoid/_team.h gives a call on n
    elements capped at `cap` (the tests drive the policy through this and
    record_team_call)."""
    return team_threads(n, cap)


def record_team_call(int threads, double elapsed, double alone):
    """Tell the policy what a call whose team had `threads` threads took
    (`elapsed`) and what one thread that nothing interrupts would have taken
    (`alone`), in seconds."""
    team_record(threads, elapsed, alone)


cdef int effective_threads(object num_threads, str name) except -1:
    """num_threads as the caller gave it -> the thread count to use (before size limits)."""
    cdef int available = default_threads()
    cdef object requested
    if num_threads is None:
        return available
    if isinstance(num_threads, bool):
        raise TypeError(f"{name}: num_threads must be an int or None, not bool")
    try:
        requested = operator.index(num_threads)
    except TypeError:
        raise TypeError(
            f"{name}: num_threads must be an int or None, not {type(num_threads).__name__}"
        ) from None
    if requested < 1:
        raise ValueError(f"{name}: num_threads must be >= 1, got {requested}")
    return available if requested > available else requested


cdef object result_dtype(object dtype, str name):
    """The dtype a result has for an input of `dtype` (a TypeError names what is refused)."""
    cdef str kind = dtype.kind
    if kind == "f":
        return np.dtype(dtype.char)          # native byte order
    if kind in "biu":
        return FLOAT64
    raise TypeError(
        f"{name}: unsupported dtype {dtype} (expected a real floating-point, integer or bool array)"
    )


cdef inline object compute_dtype(object dtype):
    """The kernel dtype for a result dtype: float16 is computed in float32;
    None means NumPy's longdouble path (longdouble wider than double)."""
    cdef int type_num = (<cnp.dtype>dtype).type_num
    if type_num == cnp.NPY_DOUBLE:
        return FLOAT64
    if type_num == cnp.NPY_FLOAT or type_num == cnp.NPY_FLOAT16:
        return FLOAT32
    if dtype.itemsize == 8:                  # longdouble that is just a double (MSVC)
        return FLOAT64
    return None


cdef inline bint is_kernel_ready(cnp.ndarray a, object dtype):
    """Usable as a kernel buffer as it is: right native dtype, aligned, C- or F-contiguous.

    Compares type numbers, not dtype objects: an equal dtype need not be the
    same object (e.g. one made by newbyteorder('=')).
    """
    cdef int flags = cnp.PyArray_FLAGS(a)
    return (
        cnp.PyArray_TYPE(a) == (<cnp.dtype>dtype).type_num
        and cnp.PyArray_ISNOTSWAPPED(a)
        and (flags & cnp.NPY_ARRAY_ALIGNED)
        and (flags & (cnp.NPY_ARRAY_C_CONTIGUOUS | cnp.NPY_ARRAY_F_CONTIGUOUS))
    )


cdef inline cnp.ndarray as_kernel_input(cnp.ndarray a, object dtype):
    """`a` itself if the kernel can read it in place, else a native aligned copy
    that keeps C or F order (other strides become C order; 0-d stays 0-d)."""
    if is_kernel_ready(a, dtype):
        return a
    if cnp.PyArray_FLAGS(a) & cnp.NPY_ARRAY_F_CONTIGUOUS:
        return np.array(a, dtype=dtype, order="F")
    return np.array(a, dtype=dtype, order="C")


cdef inline bint same_element_order(cnp.ndarray a, cnp.ndarray b):
    """Whether flat index i is the same element in both (both dense, same order)."""
    cdef int fa = cnp.PyArray_FLAGS(a), fb = cnp.PyArray_FLAGS(b)
    return bool(
        (fa & fb & cnp.NPY_ARRAY_C_CONTIGUOUS) or (fa & fb & cnp.NPY_ARRAY_F_CONTIGUOUS)
    )


cdef inline bint is_same_buffer(cnp.ndarray a, cnp.ndarray b):
    return (
        cnp.PyArray_DATA(a) == cnp.PyArray_DATA(b)
        and a.dtype.itemsize == b.dtype.itemsize
        and same_element_order(a, b)
    )


cdef cnp.ndarray check_out(object out, tuple shape, object dtype, str name, str label):
    """Validate one output array; raise naming what is wrong (nothing is written)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name}: {label} must be a numpy.ndarray, not {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"{name}: {label} has shape {out.shape}, expected {shape}")
    if out.dtype != dtype or not out.dtype.isnative:
        raise TypeError(f"{name}: {label} has dtype {out.dtype}, expected {dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name}: {label} is read-only")
    return <cnp.ndarray>out


cdef cnp.ndarray kernel_output(cnp.ndarray out, cnp.ndarray like, object dtype, tuple inputs):
    """`out` if the kernel can write into it directly, else a fresh buffer
    (the caller then copies it into `out`): the kernel needs `out` dense in
    the same element order as the inputs, and either disjoint from each
    input or exactly the same buffer (in place)."""
    cdef cnp.ndarray a
    if out is not None and is_kernel_ready(out, dtype) and same_element_order(out, like):
        for a in inputs:
            if not is_same_buffer(out, a) and np.may_share_memory(out, a):
                break
        else:
            return out
    return np.empty_like(like, dtype=dtype)


cdef inline void run_kernel(Operation op, bint single, void* in0, void* in1,
                            void* out0, void* out1, int64_t n, int cap) noexcept nogil:
    """One kernel call under the thread policy of _team.h (cap: the caller's count)."""
    cdef TeamTiming timing
    cdef int threads = team_threads(n, cap)
    if single:
        kernels.run_f32(op, <float*>in0, <float*>in1, <float*>out0, <float*>out1, n, threads,
                        &timing)
    else:
        kernels.run_f64(op, <double*>in0, <double*>in1, <double*>out0, <double*>out1, n, threads,
                        &timing)
    team_record(timing.threads, timing.elapsed, timing.alone)


cdef void call_kernel(Operation op, cnp.ndarray in0, cnp.ndarray in1,
                      cnp.ndarray out0, cnp.ndarray out1, int threads):
    cdef int64_t n = cnp.PyArray_SIZE(in0)
    cdef void* p_in0 = cnp.PyArray_DATA(in0)
    cdef void* p_in1 = cnp.PyArray_DATA(in1)
    cdef void* p_out0 = cnp.PyArray_DATA(out0)
    cdef void* p_out1 = cnp.PyArray_DATA(out1)
    cdef bint single = cnp.PyArray_TYPE(in0) == cnp.NPY_FLOAT
    if n == 0:
        return
    if n < MIN_ELEMENTS_TO_RELEASE_GIL:
        run_kernel(op, single, p_in0, p_in1, p_out0, p_out1, n, 1)
        return
    with nogil:
        run_kernel(op, single, p_in0, p_in1, p_out0, p_out1, n, threads)


cdef inline cnp.ndarray new_like(cnp.ndarray x):
    """An uninitialised C-ordered array of x's shape and type."""
    return cnp.PyArray_EMPTY(cnp.PyArray_NDIM(x), cnp.PyArray_DIMS(x), cnp.PyArray_TYPE(x), 0)


cdef inline bint is_dense_native(cnp.ndarray a, int type_num):
    """C-contiguous, aligned, native byte order and of type `type_num`."""
    cdef int flags = cnp.PyArray_FLAGS(a)
    return (
        cnp.PyArray_TYPE(a) == type_num
        and cnp.PyArray_ISNOTSWAPPED(a)
        and (flags & cnp.NPY_ARRAY_ALIGNED)
        and (flags & cnp.NPY_ARRAY_C_CONTIGUOUS)
    )


cdef inline bint are_disjoint(cnp.ndarray a, cnp.ndarray b):
    """Whether two dense arrays share no byte."""
    cdef char* pa = <char*>cnp.PyArray_DATA(a)
    cdef char* pb = <char*>cnp.PyArray_DATA(b)
    return pa + cnp.PyArray_NBYTES(a) <= pb or pb + cnp.PyArray_NBYTES(b) <= pa


cdef inline bint is_like(object a, cnp.ndarray x):
    """Whether `a` is an ndarray of x's type, shape and dense C order (native, aligned)."""
    cdef int ndim = cnp.PyArray_NDIM(x)
    return (
        type(a) is np.ndarray
        and is_dense_native(<cnp.ndarray>a, cnp.PyArray_TYPE(x))
        and cnp.PyArray_NDIM(<cnp.ndarray>a) == ndim
        and cnp.PyArray_CompareLists(cnp.PyArray_DIMS(<cnp.ndarray>a), cnp.PyArray_DIMS(x), ndim)
    )


cdef inline bint is_direct_out(object out, cnp.ndarray x):
    """Whether the kernel may write x's result straight into `out`: like x,
    writeable, and either x itself (in place) or disjoint from it.  Anything
    else goes the general way (which also raises the errors)."""
    return (
        is_like(out, x)
        and cnp.PyArray_FLAGS(<cnp.ndarray>out) & cnp.NPY_ARRAY_WRITEABLE
        and (cnp.PyArray_DATA(<cnp.ndarray>out) == cnp.PyArray_DATA(x)
             or are_disjoint(<cnp.ndarray>out, x))
    )


cdef inline int fast_threads(object num_threads):
    """effective_threads for the fast path: None or a plain positive int; -1
    for anything else (the general path then validates it)."""
    cdef int available = default_threads()
    if num_threads is None:
        return available
    if type(num_threads) is not int or num_threads < 1:
        return -1
    return available if num_threads >= available else <int>num_threads


cdef object fast_unary(Operation op, object x, object out, object num_threads):
    """The common case at the cost of a few flag tests: x a dense native
    float32/float64 ndarray (at least 1-d), `out` absent or arrays the kernel
    can write directly, num_threads None or a positive int.  Returns None
    when the case is not this one; the general path then handles (or
    rejects) it."""
    cdef cnp.ndarray xa, out0, out1
    cdef int type_num, threads
    if type(x) is not np.ndarray:
        return None
    threads = fast_threads(num_threads)
    if threads < 0:
        return None
    xa = <cnp.ndarray>x
    type_num = cnp.PyArray_TYPE(xa)
    if ((type_num != cnp.NPY_FLOAT and type_num != cnp.NPY_DOUBLE)
            or cnp.PyArray_NDIM(xa) == 0 or not is_dense_native(xa, type_num)):
        return None
    if op != OP_SIGMOID_AND_DERIVATIVE:
        if out is None:
            out0 = new_like(xa)
        elif is_direct_out(out, xa):
            out0 = <cnp.ndarray>out
        else:
            return None
        call_kernel(op, xa, xa, out0, out0, threads)
        return out0
    if out is None:
        out0 = new_like(xa)
        out1 = new_like(xa)
    elif (type(out) is tuple and len(<tuple>out) == 2
            and is_direct_out((<tuple>out)[0], xa) and is_direct_out((<tuple>out)[1], xa)
            and are_disjoint((<tuple>out)[0], (<tuple>out)[1])):
        out0, out1 = <tuple>out
    else:
        return None
    call_kernel(op, xa, xa, out0, out1, threads)
    return out0, out1


cdef object deliver(cnp.ndarray result, object out, object dtype, bint scalar):
    """Copy/cast the kernel's buffer to where the caller wants it and return that."""
    cdef fpflags saved
    if out is not None:
        if result is not out:
            # a float32 -> float16 cast may underflow: expected, not the caller's error
            fpflags_save(&saved)
            with np.errstate(all="ignore"):
                np.copyto(out, result, casting="unsafe")
            fpflags_restore(&saved)
        return out
    if result.dtype != dtype:
        fpflags_save(&saved)
        with np.errstate(all="ignore"):
            result = result.astype(dtype)
        fpflags_restore(&saved)
    return result[()] if scalar else result


cdef tuple longdouble_parts(object x):
    """sigma and sigma' of x in NumPy longdouble arithmetic (the rare path for
    longdouble wider than double), as arrays; no FP warnings or flags.

    Stable forms: t = exp(-|x|) never overflows; sigma' = t/(1+t)**2 is symmetric.
    """
    cdef fpflags saved
    fpflags_save(&saved)
    with np.errstate(all="ignore"):
        t = np.exp(-np.abs(x))
        s = 1 + t
        y = np.where(x >= 0, 1 / s, t / s)
        dy = t / (s * s)
    fpflags_restore(&saved)
    return np.asarray(y), np.asarray(dy)


cdef object longdouble_backward(object g, object y):
    """g * y * (1 - y) in NumPy longdouble arithmetic, as an array."""
    cdef fpflags saved
    fpflags_save(&saved)
    with np.errstate(all="ignore"):
        result = g * (y * (1 - y))
    fpflags_restore(&saved)
    return np.asarray(result)


cdef object longdouble_logit(object p):
    """log(p / (1 - p)) in NumPy longdouble arithmetic, as an array; no FP warnings or flags.

    As in the kernels, logit(p) = -logit(q) with q = 1 - p exact for p >= 1/2;
    logit(q) = -log1p((1 - 2q) / q), where 1 - 2q is exact for q in [1/4, 1/2]
    (near p = 1/2, where it matters) and q = 0 gives -inf.
    """
    cdef fpflags saved
    fpflags_save(&saved)
    with np.errstate(all="ignore"):
        upper = p >= 0.5
        q = np.abs(np.where(upper, 1 - p, p))      # logit(-0) = logit(+0) = -inf
        magnitude = np.log1p((1 - 2 * q) / q)
        result = np.where((p >= 0) & (p <= 1), np.where(upper, magnitude, -magnitude), np.nan)
    fpflags_restore(&saved)
    return np.asarray(result, dtype=p.dtype)


cdef object longdouble_log_sigmoid(object x):
    """log(sigma(x)) = -(max(-x, 0) + log1p(exp(-|x|))) in NumPy longdouble, as an array."""
    cdef fpflags saved
    fpflags_save(&saved)
    with np.errstate(all="ignore"):
        result = -(np.maximum(-x, 0) + np.log1p(np.exp(-np.abs(x))))
    fpflags_restore(&saved)
    return np.asarray(result, dtype=x.dtype)


cdef inline bint is_plain(object x):
    """Whether `x` is surely no Dask, xarray or pandas object (those go to
    csigmoid._ecosystem, which can tell for sure, but at a cost scalars and
    lists should not pay)."""
    return isinstance(x, PLAIN_INPUTS)


cdef object unary(Operation op, str name, object x, object out, object num_threads):
    cdef object result = fast_unary(op, x, out, num_threads)
    if result is not None:
        return result
    if not is_plain(x):
        result = _ecosystem.apply(name, (x,), out, num_threads)
        if result is not NotImplemented:
            return result
    return general_unary(op, name, x, out, num_threads)


cdef object general_unary(Operation op, str name, object x, object out, object num_threads):
    cdef int threads = effective_threads(num_threads, name)
    cdef object xa = np.asarray(x)
    cdef object dtype = result_dtype(xa.dtype, name)
    cdef object kdtype = compute_dtype(dtype)
    cdef cnp.ndarray out_array = None
    cdef bint fused = op == OP_SIGMOID_AND_DERIVATIVE
    cdef cnp.ndarray out1_array = None
    cdef cnp.ndarray src, res0, res1

    if out is not None:
        if fused:
            if not isinstance(out, tuple) or len(out) != 2:
                raise TypeError(f"{name}: out must be a tuple of two arrays (y_out, dy_out)")
            out_array = check_out(out[0], xa.shape, dtype, name, "out[0]")
            out1_array = check_out(out[1], xa.shape, dtype, name, "out[1]")
            if np.shares_memory(out_array, out1_array):
                raise ValueError(f"{name}: out[0] and out[1] overlap; they must be separate arrays")
        else:
            out_array = check_out(out, xa.shape, dtype, name, "out")

    if kdtype is None:
        if op == OP_LOGIT or op == OP_LOG_SIGMOID:
            family = longdouble_logit if op == OP_LOGIT else longdouble_log_sigmoid
            return deliver(family(xa.astype(dtype)), out_array, dtype, xa.ndim == 0)
        y, dy = longdouble_parts(xa.astype(dtype))
        if fused:
            return (deliver(y, out_array, dtype, xa.ndim == 0),
                    deliver(dy, out1_array, dtype, xa.ndim == 0))
        return deliver(y if op == OP_SIGMOID else dy, out_array, dtype, xa.ndim == 0)

    src = as_kernel_input(xa, kdtype)
    res0 = kernel_output(out_array, src, kdtype, (src,))
    res1 = kernel_output(out1_array, src, kdtype, (src,)) if fused else res0
    call_kernel(op, src, src, res0, res1, threads)
    if fused:
        return (deliver(res0, out_array, dtype, xa.ndim == 0),
                deliver(res1, out1_array, dtype, xa.ndim == 0))
    return deliver(res0, out_array, dtype, xa.ndim == 0)


def sigmoid(x, out=None, *, num_threads=None):
    """Logistic sigmoid, sigma(x) = 1 / (1 + exp(-x)), elementwise.

    Parameters
    ----------
    x : array_like
        Real input: float16, float32, float64, longdouble, integer or bool,
        of any shape, memory layout and byte order, or a Python or NumPy
        scalar; also a Dask array, an xarray DataArray or Dataset, or a
        pandas Series or DataFrame (see Returns).  Never modified unless it
        is `out`.
    out : ndarray, optional
        Where to write the result: an ndarray of exactly the result's shape
        and dtype, writeable.  May be `x` itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    ndarray or NumPy scalar
        float32 for float32 input, float16 for float16 (computed in float32),
        longdouble for longdouble, float64 otherwise (integers, bool, Python
        numbers); a NumPy scalar for a scalar or 0-d input without `out`;
        `out` itself when given.  The result keeps a C- or F-contiguous
        input's layout.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        come back as the same type: a Dask array lazily, chunk by chunk;
        xarray objects with their dims, coords, name and attrs; pandas
        objects with their index and columns.  `out` is for NumPy inputs
        only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not an ndarray or
        of the wrong dtype, or given with a Dask, xarray or pandas input;
        `num_threads` not an int or None.
    ValueError
        `out` of the wrong shape or read-only; `num_threads` < 1.
        Nothing is written when an error is raised.

    Notes
    -----
    Max error 2 ulp in float32 and float64 over the whole real line,
    subnormal results included (measured: 1.53 ulp in float32 over every
    float32, 1.38 ulp in float64 over 3.1e6 dense points, every kernel
    variant): sigma(-100) in float32 is the subnormal 3.8e-44, not 0.
    sigma(+inf) = 1, sigma(-inf) = 0, sigma(nan) = nan, sigma(0) = 0.5.
    Raises no floating-point warnings and leaves no FP flags set.
    `csigmoid.expit` is this function.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> csigmoid.sigmoid(np.array([-1.0, 0.0, 1.0]))
    array([0.26894142, 0.5       , 0.73105858])
    >>> csigmoid.sigmoid(np.array([-100.0, 0.0, 100.0], dtype=np.float32))
    array([3.8e-44, 5.0e-01, 1.0e+00], dtype=float32)
    >>> float(csigmoid.sigmoid(0))
    0.5
    >>> x = np.linspace(-2.0, 2.0, 5)
    >>> csigmoid.sigmoid(x, out=x) is x
    True
    """
    return unary(OP_SIGMOID, "sigmoid", x, out, num_threads)


def sigmoid_derivative(x, out=None, *, num_threads=None):
    """Derivative of the logistic sigmoid, sigma'(x) = sigma(x) * (1 - sigma(x)),
    elementwise, from `x`.

    Parameters
    ----------
    x : array_like
        Real input: float16, float32, float64, longdouble, integer or bool,
        of any shape, memory layout and byte order, or a Python or NumPy
        scalar; also a Dask array, an xarray DataArray or Dataset, or a
        pandas Series or DataFrame (see Returns).  Never modified unless it
        is `out`.
    out : ndarray, optional
        Where to write the result: an ndarray of exactly the result's shape
        and dtype, writeable.  May be `x` itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    ndarray or NumPy scalar
        float32 for float32 input, float16 for float16 (computed in float32),
        longdouble for longdouble, float64 otherwise (integers, bool, Python
        numbers); a NumPy scalar for a scalar or 0-d input without `out`;
        `out` itself when given.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        come back as the same type: a Dask array lazily, chunk by chunk;
        xarray objects with their dims, coords, name and attrs; pandas
        objects with their index and columns.  `out` is for NumPy inputs
        only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not an ndarray or
        of the wrong dtype, or given with a Dask, xarray or pandas input;
        `num_threads` not an int or None.
    ValueError
        `out` of the wrong shape or read-only; `num_threads` < 1.
        Nothing is written when an error is raised.

    Notes
    -----
    Computed from `x` as e^-|x| / (1 + e^-|x|)^2, which stays exact at both
    tails (the y*(1-y) form is 0 beyond x ~ 17 in float32).  Max error
    4 ulp in float32 and float64, subnormal results included (measured:
    2.93 ulp in float32 over every float32, 2.23 ulp in float64 over 3.1e6
    dense points, every kernel variant).  sigma'(+-inf) = 0,
    sigma'(0) = 0.25, sigma'(nan) = nan.  Raises no floating-point warnings
    and leaves no FP flags set.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> csigmoid.sigmoid_derivative(np.linspace(-2.0, 2.0, 5))
    array([0.10499359, 0.19661193, 0.25      , 0.19661193, 0.10499359])
    >>> csigmoid.sigmoid_derivative(np.array([-40.0, 0.0, 40.0], dtype=np.float32))
    array([4.248354e-18, 2.500000e-01, 4.248354e-18], dtype=float32)
    >>> float(csigmoid.sigmoid_derivative(0.0))
    0.25
    """
    return unary(OP_DERIVATIVE, "sigmoid_derivative", x, out, num_threads)


def sigmoid_and_derivative(x, out=None, *, num_threads=None):
    """(sigma(x), sigma'(x)) in one pass over `x`, sharing one exponential.

    Parameters
    ----------
    x : array_like
        Real input: float16, float32, float64, longdouble, integer or bool,
        of any shape, memory layout and byte order, or a Python or NumPy
        scalar; also a Dask array, an xarray DataArray or Dataset, or a
        pandas Series or DataFrame (see Returns).  Never modified unless it
        is one of `out`.
    out : tuple of two ndarrays, optional
        (y_out, dy_out): where to write sigma(x) and sigma'(x), each an
        ndarray of exactly the result's shape and dtype, writeable; they
        must not overlap each other.  Either may be `x` itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    y, dy : tuple of two ndarrays or two NumPy scalars
        sigma(x) and sigma'(x), each of the dtype `sigmoid` gives: float32
        for float32 input, float16 for float16 (computed in float32),
        longdouble for longdouble, float64 otherwise; NumPy scalars for a
        scalar or 0-d input without `out`; the two arrays of `out` when
        given.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        give a tuple of two of the same type: Dask arrays lazily, chunk by
        chunk; xarray objects with their dims, coords, name and attrs;
        pandas objects with their index and columns.  `out` is for NumPy
        inputs only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not a tuple of two
        ndarrays, or one of them of the wrong dtype, or given with a Dask,
        xarray or pandas input; `num_threads` not an int or None.
    ValueError
        An array of `out` of the wrong shape or read-only; the two arrays
        of `out` overlapping; `num_threads` < 1.  Nothing is written when
        an error is raised.

    Notes
    -----
    Bit-identical to ``(sigmoid(x), sigmoid_derivative(x))``, so with their
    accuracy: max error 2 ulp for y and 4 ulp for dy in float32 and float64,
    subnormal results included (measured: y 1.53 ulp in float32 over every
    float32 and 1.38 ulp in float64 over 3.1e6 dense points; dy 2.93 ulp
    and 2.23 ulp; every kernel variant).  dy is computed from `x`, not as
    y*(1-y), so it stays exact at both tails.  Raises no floating-point
    warnings and leaves no FP flags set.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> y, dy = csigmoid.sigmoid_and_derivative([0.0, 2.0])
    >>> y.tolist(), dy.tolist()
    ([0.5, 0.8807970779778824], [0.25, 0.10499358540350652])
    >>> x = np.array([-1.0, 1.0], dtype=np.float32)
    >>> y_out, dy_out = np.empty_like(x), np.empty_like(x)
    >>> y, dy = csigmoid.sigmoid_and_derivative(x, out=(y_out, dy_out))
    >>> y is y_out, dy is dy_out
    (True, True)
    """
    return unary(OP_SIGMOID_AND_DERIVATIVE, "sigmoid_and_derivative", x, out, num_threads)


def logit(p, out=None, *, num_threads=None):
    """Logit, the inverse of the sigmoid: log(p / (1 - p)), elementwise.

    Parameters
    ----------
    p : array_like
        Real input: float16, float32, float64, longdouble, integer or bool,
        of any shape, memory layout and byte order, or a Python or NumPy
        scalar; meaningful on [0, 1].  Also a Dask array, an xarray
        DataArray or Dataset, or a pandas Series or DataFrame (see
        Returns).  Never modified unless it is `out`.
    out : ndarray, optional
        Where to write the result: an ndarray of exactly the result's shape
        and dtype, writeable.  May be `p` itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    ndarray or NumPy scalar
        Same dtype rules as `sigmoid`: float32 for float32, float16 for
        float16 (computed in float32), longdouble for longdouble, float64
        otherwise (integers, bool, Python numbers); a NumPy scalar for a
        scalar or 0-d input without `out`; `out` itself when given.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        come back as the same type: a Dask array lazily, chunk by chunk;
        xarray objects with their dims, coords, name and attrs; pandas
        objects with their index and columns.  `out` is for NumPy inputs
        only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not an ndarray or
        of the wrong dtype, or given with a Dask, xarray or pandas input;
        `num_threads` not an int or None.
    ValueError
        `out` of the wrong shape or read-only; `num_threads` < 1.
        Nothing is written when an error is raised.  (p outside [0, 1] is
        not an error: it gives NaN.)

    Notes
    -----
    Max error 3 ulp in float32 and float64 over all of [0, 1], subnormal
    inputs included (measured: 0.55 ulp in float32 over every float32 and
    in float64 over 1.1e6 dense points, every kernel variant).  Computed as
    an odd function about 1/2 from q = min(p, 1 - p), which is exact, so
    there is no cancellation near 1/2 (where ``log(p) - log1p(-p)`` loses
    bits) nor near 0 and 1.  logit(0) = -inf, logit(1) = +inf,
    logit(0.5) = 0; NaN for p outside [0, 1] and for NaN.  Raises no
    floating-point warnings and leaves no FP flags set.
    ``logit(sigmoid(x))`` gives back x up to the rounding of sigmoid(x),
    which loses x's low bits where sigma(x) is near 1/2 or 1.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> csigmoid.logit([0.0, 0.25, 0.5, 1.0]).tolist()
    [-inf, -1.0986122886681098, 0.0, inf]
    >>> csigmoid.logit(np.array([0.25, 0.75, 1.5], dtype=np.float32))
    array([-1.0986123,  1.0986123,        nan], dtype=float32)
    """
    return unary(OP_LOGIT, "logit", p, out, num_threads)


def log_sigmoid(x, out=None, *, num_threads=None):
    """Log of the sigmoid, log(sigma(x)) = -log1p(exp(-x)), elementwise.

    Parameters
    ----------
    x : array_like
        Real input: float16, float32, float64, longdouble, integer or bool,
        of any shape, memory layout and byte order, or a Python or NumPy
        scalar; also a Dask array, an xarray DataArray or Dataset, or a
        pandas Series or DataFrame (see Returns).  Never modified unless it
        is `out`.
    out : ndarray, optional
        Where to write the result: an ndarray of exactly the result's shape
        and dtype, writeable.  May be `x` itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    ndarray or NumPy scalar
        Same dtype rules as `sigmoid`: float32 for float32, float16 for
        float16 (computed in float32), longdouble for longdouble, float64
        otherwise (integers, bool, Python numbers); a NumPy scalar for a
        scalar or 0-d input without `out`; `out` itself when given.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        come back as the same type: a Dask array lazily, chunk by chunk;
        xarray objects with their dims, coords, name and attrs; pandas
        objects with their index and columns.  `out` is for NumPy inputs
        only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not an ndarray or
        of the wrong dtype, or given with a Dask, xarray or pandas input;
        `num_threads` not an int or None.
    ValueError
        `out` of the wrong shape or read-only; `num_threads` < 1.
        Nothing is written when an error is raised.

    Notes
    -----
    Max error 3 ulp in float32 and float64 over the whole real line
    (measured: 1.54 ulp in float32 over every float32, 1.46 ulp in float64
    over 1.6e6 dense points, every kernel variant).  No overflow for any
    finite x: for large positive x the result is -exp(-x), subnormal
    results included, not 0 early; for large negative x it is
    x - exp(x), i.e. x.  log_sigmoid(+inf) = -0.0,
    log_sigmoid(-inf) = -inf, NaN for NaN.  Raises no floating-point
    warnings and leaves no FP flags set.  `csigmoid.log_expit` is this
    function.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> csigmoid.log_sigmoid([-1000.0, 0.0, 40.0]).tolist()
    [-1000.0, -0.6931471805599453, -4.248354255291589e-18]
    >>> float(csigmoid.log_sigmoid(np.float32(100.0)))  # -exp(-100), a float32 subnormal
    -3.783505853677006e-44
    """
    return unary(OP_LOG_SIGMOID, "log_sigmoid", x, out, num_threads)


def sigmoid_backward(grad_output, output, out=None, *, num_threads=None):
    """Backprop through a sigmoid: grad_output * y * (1 - y), y = sigmoid's output.

    Parameters
    ----------
    grad_output : array_like
        The gradient arriving at the sigmoid's output.  Real input:
        float16, float32, float64, longdouble, integer or bool, of any
        memory layout and byte order, or a Python or NumPy scalar; also a
        Dask array, an xarray DataArray or Dataset, or a pandas Series or
        DataFrame (see Returns).
    output : array_like
        y, what `sigmoid` returned in the forward pass; the same kinds of
        input.  The two broadcast like NumPy.  Neither is modified unless
        it is `out`.
    out : ndarray, optional
        Where to write the result: an ndarray of exactly the broadcast
        shape and the result's dtype, writeable.  May be either input
        itself (in place).
    num_threads : int, optional
        Keyword only.  Upper bound on the OpenMP threads used; default:
        OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl limits).
        Results are bit-identical whatever the thread count.

    Returns
    -------
    ndarray or NumPy scalar
        Of the broadcast shape and NumPy's result type of the two inputs'
        dtypes (float16 computed in float32; integers and bool as
        float64); a NumPy scalar when both inputs are scalars or 0-d and
        `out` is not given; `out` itself when given.

        Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame
        come back as the same type: a Dask array lazily, chunk by chunk;
        xarray objects with their dims, coords, name and attrs; pandas
        objects with their index and columns.  `out` is for NumPy inputs
        only.

    Raises
    ------
    TypeError
        Complex, object, string or datetime input; `out` not an ndarray or
        of the wrong dtype, or given with a Dask, xarray or pandas input;
        `num_threads` not an int or None.
    ValueError
        Shapes that do not broadcast; `out` of the wrong shape or
        read-only; `num_threads` < 1.  Nothing is written when an error is
        raised.

    Notes
    -----
    One fused pass; the exact product of what it is given (error <= 2 ulp).
    Because a stored y near 1 has already lost 1 - y, gradients at the far
    upper tail are only as good as y; for gradients exact at the tails use
    ``grad_output * sigmoid_derivative(x)`` (max error 4 ulp in
    sigmoid_derivative itself).  Raises no floating-point warnings and
    leaves no FP flags set.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> float(csigmoid.sigmoid_backward(2.0, 0.5))
    0.5
    >>> y = csigmoid.sigmoid(np.array([0.0, 1.0, 2.0]))
    >>> csigmoid.sigmoid_backward(np.array([1.0, 2.0, 3.0]), y)
    array([0.25      , 0.39322387, 0.31498076])
    >>> csigmoid.sigmoid_backward(np.ones((2, 1)), np.array([0.5, 0.9]))
    array([[0.25, 0.09],
           [0.25, 0.09]])
    """
    cdef object result = fast_backward(grad_output, output, out, num_threads)
    if result is not None:
        return result
    if not (is_plain(grad_output) and is_plain(output)):
        result = _ecosystem.apply("sigmoid_backward", (grad_output, output), out, num_threads)
        if result is not NotImplemented:
            return result
    return general_backward(grad_output, output, out, num_threads)


cdef object fast_backward(object grad_output, object output, object out, object num_threads):
    """sigmoid_backward's common case, as fast_unary: two dense native arrays
    of one float type and shape, `out` absent or writable directly."""
    cdef cnp.ndarray g, y, result
    cdef int type_num
    cdef int threads = fast_threads(num_threads)
    if type(grad_output) is not np.ndarray or type(output) is not np.ndarray or threads < 0:
        return None
    g, y = <cnp.ndarray>grad_output, <cnp.ndarray>output
    type_num = cnp.PyArray_TYPE(g)
    if ((type_num != cnp.NPY_FLOAT and type_num != cnp.NPY_DOUBLE) or cnp.PyArray_NDIM(g) == 0
            or not is_dense_native(g, type_num) or not is_like(y, g)):
        return None
    if out is None:
        result = new_like(g)
    elif is_direct_out(out, g) and is_direct_out(out, y):
        result = <cnp.ndarray>out
    else:
        return None
    call_kernel(OP_BACKWARD, g, y, result, result, threads)
    return result


cdef object general_backward(object grad_output, object output, object out, object num_threads):
    cdef str name = "sigmoid_backward"
    cdef int threads = effective_threads(num_threads, name)
    cdef object g = np.asarray(grad_output)
    cdef object y = np.asarray(output)
    result_dtype(g.dtype, name)
    result_dtype(y.dtype, name)
    cdef object dtype = result_dtype(np.result_type(g.dtype, y.dtype), name)
    cdef object kdtype = compute_dtype(dtype)
    cdef tuple shape = np.broadcast_shapes(g.shape, y.shape)
    cdef bint scalar = len(shape) == 0
    cdef cnp.ndarray out_array = None
    cdef cnp.ndarray g_src, y_src, res
    if out is not None:
        out_array = check_out(out, shape, dtype, name, "out")
    if kdtype is None:
        return deliver(longdouble_backward(g.astype(dtype), y.astype(dtype)), out_array, dtype, scalar)
    g_src = as_kernel_input(g, kdtype) if g.shape == shape else np.ascontiguousarray(
        np.broadcast_to(g, shape), dtype=kdtype)
    y_src = as_kernel_input(y, kdtype) if y.shape == shape else np.ascontiguousarray(
        np.broadcast_to(y, shape), dtype=kdtype)
    if not same_element_order(g_src, y_src):
        g_src = np.ascontiguousarray(g_src)
        y_src = np.ascontiguousarray(y_src)
    res = kernel_output(out_array, g_src, kdtype, (g_src, y_src))
    call_kernel(OP_BACKWARD, g_src, y_src, res, res, threads)
    return deliver(res, out_array, dtype, scalar)


def parallel_copy(src, dst, *, num_threads=None):
    """dst[...] = src with the kernels' thread split: the memory-bandwidth limit
    that ``python -m csigmoid bench`` compares against (no elementwise
    function can stream an array faster than copying it).

    Both must be dense native float32 or float64 arrays of the same dtype,
    shape and order; dst writeable and disjoint from src.
    """
    cdef str name = "parallel_copy"
    cdef int threads = effective_threads(num_threads, name)
    if type(src) is not np.ndarray or type(dst) is not np.ndarray:
        raise TypeError(f"{name}: src and dst must be numpy.ndarray")
    if not (is_dense_native(src, cnp.NPY_FLOAT) or is_dense_native(src, cnp.NPY_DOUBLE)):
        raise TypeError(f"{name}: src must be a C-contiguous native float32 or float64 array")
    if not is_direct_out(dst, src) or cnp.PyArray_DATA(dst) == cnp.PyArray_DATA(src):
        raise ValueError(f"{name}: dst must be a writeable array like src, disjoint from it")
    call_kernel(OP_COPY, src, src, dst, dst, threads)
