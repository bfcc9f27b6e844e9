# cython: cdivision=True, boundscheck=False, wraparound=False, initializedcheck=False
# The Python layer: csigmoid's functions as NumPy ufuncs.  NumPy's ufunc
# machinery does everything between the caller and the arithmetic (type
# resolution and casting, broadcasting, `out`, `where`, overlap, scalars,
# subclasses, __array_ufunc__ dispatch to Dask, xarray, pandas and others)
# and hands each inner loop below runs of native, aligned values.  A loop
# sends a contiguous run to the kernels in one call, on the OpenMP threads
# the call may use; a strided run goes through small contiguous blocks on
# one thread; float16 is computed in float32 blocks, long double in C long
# double (_longdouble.pxi).  The loops see no Python object and run without
# the GIL whenever NumPy releases it.
#
# The one function that is not a bare ufunc is sigmoid_and_derivative: Dask
# does not dispatch a two-output ufunc it does not know (and pandas computes
# one over a whole frame as one array), so a thin wrapper sends Dask input
# (bare or inside xarray) and pandas DataFrames to csigmoid._ecosystem and
# everything else straight to the ufunc.
cimport numpy as cnp
from cython cimport floating as real
from cpython.pycapsule cimport PyCapsule_GetPointer
from libc.stdint cimport int64_t

from csigmoid._kernels.table cimport (
    KernelTable, Operation, TeamTiming, NOPERATIONS,
    OP_SIGMOID, OP_DERIVATIVE, OP_SIGMOID_AND_DERIVATIVE, OP_BACKWARD, OP_LOGIT,
)
from csigmoid._parallel.policy cimport call_observed, call_threads

import numpy as np

from csigmoid import _ecosystem, _operations
from csigmoid._ufunc import docstrings

include "../_parallel/driver.pxi"
include "longdouble.pxi"

ctypedef cnp.npy_intp npy_intp

cdef extern from "numpy/ufuncobject.h":
    # PyUFuncGenericFunction, spelled with NumPy 2's const qualifiers
    ctypedef void (*loop_function "PyUFuncGenericFunction")(
        char** args, const npy_intp* dimensions, const npy_intp* steps, void* data) noexcept nogil
    object new_ufunc "PyUFunc_FromFuncAndData"(
        loop_function* functions, void** data, char* types, int ntypes, int nin, int nout,
        int identity, const char* name, const char* doc, int unused)
    int PyUFunc_None

cdef extern from "numpy/halffloat.h" nogil:
    float half_to_float "npy_half_to_float"(cnp.npy_uint16 h)
    cnp.npy_uint16 float_to_half "npy_float_to_half"(float f)

cdef extern from "floating_point.h" nogil:
    ctypedef struct fpflags "csigmoid_fpflags":
        pass
    void fpflags_save "csigmoid_fpflags_save"(fpflags* saved)
    void fpflags_restore "csigmoid_fpflags_restore"(const fpflags* saved)

cdef extern from "backward_promoter.h":
    int add_backward_promoter "csigmoid_add_backward_promoter"(object ufunc) except -1

cnp.import_array()
cnp.import_ufunc()
# The kernel variant in use; set by _isa.select() at import.
cdef KernelTable* kernels = NULL

# Strided runs, float16 and the other non-kernel-ready runs go through blocks
# of this many elements: small enough for the stack and L1 (3 blocks of
# doubles: 12 KiB), large enough that the per-block kernel call is amortised.
cdef enum:
    BLOCK = 512


# ----------------------------------------------------------------------------- the kernels

def use_kernels(kernel_table):
    """Make the kernels in `kernel_table` (a capsule from a csigmoid._kernels variant) current."""
    global kernels
    kernels = <KernelTable*>PyCapsule_GetPointer(kernel_table, "csigmoid.KernelTable")


# ----------------------------------------------------------------------------- inner loops

# What each inner loop needs to know, one per (operation, loop type): the
# loops get it as their `data` pointer.
cdef struct LoopData:
    Operation op
    int input_type            # NumPy type number of the inputs
    int output_type           # of the outputs
    bint single               # computed by the float32 kernels, else by the float64 ones
    npy_intp itemsize         # of the input type: runs of this stride are contiguous
    npy_intp out_itemsize     # of the output type
    int64_t share             # a thread's least work, in the policy's 2048-element shares (Operation.share)


ctypedef fused integer_or_real:
    float
    double
    signed char
    unsigned char
    short
    unsigned short
    int
    unsigned int
    long
    unsigned long
    long long
    unsigned long long


cdef inline void convert_run(real* block, const integer_or_real* first, npy_intp step,
                             npy_intp m) noexcept nogil:
    """block[i] = the i-th element of the run at `first` (stride in bytes), as
    NumPy casts it: integers round to nearest (exact up to 2**53 in float64)."""
    cdef npy_intp i
    if step == sizeof(integer_or_real):       # contiguous: a loop the compiler can vectorize
        for i in range(m):
            block[i] = <real>first[i]
        return
    for i in range(m):
        block[i] = <real>(<const integer_or_real*>(<const char*>first + i * step))[0]


cdef void load(const LoopData* d, void* block, const char* src, npy_intp step,
               npy_intp m) noexcept nogil:
    """A run of the loop's input type -> a block of its compute type."""
    cdef npy_intp i
    cdef int t = d.input_type
    if t == cnp.NPY_DOUBLE:
        convert_run(<double*>block, <const double*>src, step, m)
    elif t == cnp.NPY_FLOAT:
        convert_run(<float*>block, <const float*>src, step, m)
    elif t == cnp.NPY_FLOAT16:
        for i in range(m):
            (<float*>block)[i] = half_to_float((<const cnp.npy_uint16*>(src + i * step))[0])
    elif t == cnp.NPY_BOOL:                   # as NumPy casts bool: any nonzero byte is 1
        for i in range(m):
            (<double*>block)[i] = 1.0 if (<const unsigned char*>(src + i * step))[0] else 0.0
    elif t == cnp.NPY_BYTE:
        convert_run(<double*>block, <const signed char*>src, step, m)
    elif t == cnp.NPY_UBYTE:
        convert_run(<double*>block, <const unsigned char*>src, step, m)
    elif t == cnp.NPY_SHORT:
        convert_run(<double*>block, <const short*>src, step, m)
    elif t == cnp.NPY_USHORT:
        convert_run(<double*>block, <const unsigned short*>src, step, m)
    elif t == cnp.NPY_INT:
        convert_run(<double*>block, <const int*>src, step, m)
    elif t == cnp.NPY_UINT:
        convert_run(<double*>block, <const unsigned int*>src, step, m)
    elif t == cnp.NPY_LONG:
        convert_run(<double*>block, <const long*>src, step, m)
    elif t == cnp.NPY_ULONG:
        convert_run(<double*>block, <const unsigned long*>src, step, m)
    elif t == cnp.NPY_LONGLONG:
        convert_run(<double*>block, <const long long*>src, step, m)
    else:
        convert_run(<double*>block, <const unsigned long long*>src, step, m)


cdef void store(const LoopData* d, char* dst, npy_intp step, const void* block,
                npy_intp m) noexcept nogil:
    """A block of the compute type -> a run of the loop's output type
    (float16: NumPy's rounding, to nearest even)."""
    cdef npy_intp i
    if d.output_type == cnp.NPY_DOUBLE:
        for i in range(m):
            (<double*>(dst + i * step))[0] = (<const double*>block)[i]
    elif d.output_type == cnp.NPY_FLOAT:
        for i in range(m):
            (<float*>(dst + i * step))[0] = (<const float*>block)[i]
    else:
        for i in range(m):
            (<cnp.npy_uint16*>(dst + i * step))[0] = float_to_half((<const float*>block)[i])


cdef inline void run_kernel(const LoopData* d, void* in0, void* in1, void* out0, void* out1,
                            int64_t n, int threads, TeamTiming* timing) noexcept nogil:
    if d.single:
        kernels.run_f32(d.op, <float*>in0, <float*>in1, <float*>out0, <float*>out1, n, threads,
                        timing)
    else:
        kernels.run_f64(d.op, <double*>in0, <double*>in1, <double*>out0, <double*>out1, n,
                        threads, timing)


cdef inline int loop_threads(const LoopData* d, int64_t n) noexcept nogil:
    """The threads a run of n elements of loop `d` gets from the thread
    policy, the size counted in shares of this operation and type
    (LoopData.share, from the table of operations)."""
    return call_threads(n, d.share)


cdef inline void run_kernel_in_team(const LoopData* d, void* in0, void* in1, void* out0,
                                    void* out1, int64_t n) noexcept nogil:
    """One kernel call over n contiguous elements on the threads the policy
    gives it, and what it observed back to the policy."""
    cdef TeamTiming timing
    run_kernel(d, in0, in1, out0, out1, n, loop_threads(d, n), &timing)
    call_observed(&timing)


cdef void run_block_span(const LoopData* d, char** args, const npy_intp* steps,
                         npy_intp start, npy_intp stop, npy_intp block_length,
                         bint copy_inputs) noexcept nogil:
    """Elements [start, stop) through blocks of at most `block_length` (<=
    BLOCK) elements on the stack: load (gather or convert), one kernel call
    per block, store (scatter or convert).  An output already contiguous and
    of the compute type is written by the kernel where it is, and so is an
    input read unless `copy_inputs`: then every input block is loaded
    before any of its outputs is written, which ordered_block_length relies
    on for arguments that overlap.  The FP flags the conversions raise
    (float16 under/overflow, integer rounding) are expected here, not the
    caller's: they are put back."""
    cdef double block[3 * BLOCK]          # room for 3 blocks of either compute type
    cdef bint binary = d.op == OP_BACKWARD
    cdef bint fused = d.op == OP_SIGMOID_AND_DERIVATIVE
    cdef npy_intp width = 4 if d.single else 8
    cdef int compute = cnp.NPY_FLOAT if d.single else cnp.NPY_DOUBLE
    cdef char* in0_block = <char*>block
    cdef char* in1_block = in0_block + BLOCK * width
    cdef char* out0_block = in0_block + 2 * BLOCK * width
    cdef char* out1_block = in1_block                 # fused: no second input
    cdef int out_arg = 2 if binary else 1
    cdef bint in0_direct = not copy_inputs and d.input_type == compute and steps[0] == width
    cdef bint in1_direct = not copy_inputs and d.input_type == compute and steps[1] == width
    cdef bint out0_direct = d.output_type == compute and steps[out_arg] == width
    cdef bint out1_direct = fused and d.output_type == compute and steps[2] == width
    cdef char* in0
    cdef char* in1
    cdef char* out0
    cdef char* out1
    cdef npy_intp m
    cdef TeamTiming serial
    cdef fpflags saved
    fpflags_save(&saved)
    while start < stop:
        m = stop - start if stop - start < block_length else block_length
        in0 = args[0] + start * steps[0] if in0_direct else in0_block
        if not in0_direct:
            load(d, in0, args[0] + start * steps[0], steps[0], m)
        in1 = in0
        if binary:
            in1 = args[1] + start * steps[1] if in1_direct else in1_block
            if not in1_direct:
                load(d, in1, args[1] + start * steps[1], steps[1], m)
        out0 = args[out_arg] + start * steps[out_arg] if out0_direct else out0_block
        out1 = out0
        if fused:
            out1 = args[2] + start * steps[2] if out1_direct else out1_block
        run_kernel(d, in0, in1, out0, out1, m, 1, &serial)
        if not out0_direct:
            store(d, args[out_arg] + start * steps[out_arg], steps[out_arg], out0, m)
        if fused and not out1_direct:
            store(d, args[2] + start * steps[2], steps[2], out1, m)
        start += m
    fpflags_restore(&saved)


# A run through blocks, as the parallel driver (driver.pxi) sees it.
cdef struct BlockWork:
    const LoopData* loop
    char** args
    const npy_intp* steps


cdef void block_span(const void* work, int64_t start, int64_t stop) noexcept nogil:
    cdef const BlockWork* w = <const BlockWork*>work
    run_block_span(w.loop, w.args, w.steps, start, stop, BLOCK, False)


cdef void run_blocks(const LoopData* d, char** args, const npy_intp* steps,
                     npy_intp n) noexcept nogil:
    """run_block_span over all n elements, in chunks of whole blocks shared
    out by the parallel driver between the threads the policy gives the
    call (every element is computed by the same code whatever the split),
    and what the call observed back to the policy."""
    cdef BlockWork work = BlockWork(d, args, steps)
    cdef TeamTiming timing
    run_parallel(block_span, &work, n, loop_threads(d, n), BLOCK, &timing)
    call_observed(&timing)


cdef inline void byte_range(const char* first, npy_intp step, npy_intp n, npy_intp width,
                            const char** low, const char** high) noexcept nogil:
    """The bytes [low, high) that n elements of `width` bytes from `first`,
    `step` bytes apart, occupy."""
    if step >= 0:
        low[0] = first
        high[0] = first + (n - 1) * step + width
    else:
        low[0] = first + (n - 1) * step
        high[0] = first + width


cdef inline npy_intp pair_block_length(char** args, const npy_intp* steps, int k, bint k_is_input,
                                       npy_intp k_width, int o, npy_intp width) noexcept nogil:
    """For argument k (`k_width` bytes an element) sharing memory with
    output o (`width` bytes): 0 when they are the same elements (element i
    read, or written, where output element i is written: in place, any
    order will do); else the longest block that keeps element order when
    every block's inputs are read before its outputs are written.  Output
    element i sits where input element i + e is: e < 0 (the output trails
    the input) only reads values before overwriting them, e > 0 (the output
    runs e elements ahead, as in NumPy's accumulate) needs blocks of at most
    e; any other sharing (a reduction's stride-0 output, other strides or
    widths, an output overlapping another) one element at a time."""
    cdef npy_intp step = steps[o]
    cdef npy_intp delta = args[o] - args[k]
    if step == 0 or steps[k] != step or k_width != width:
        return 1
    if delta == 0:
        return 0
    if not k_is_input or delta % step != 0:
        return 1
    if delta // step < 0:
        return BLOCK
    return delta // step if delta // step < BLOCK else BLOCK


cdef npy_intp ordered_block_length(const LoopData* d, char** args, const npy_intp* steps,
                                   npy_intp n, int nin, int nargs) noexcept nogil:
    """0 when every output of the run is disjoint from the other arguments
    or the same elements as them: the run may then be computed in any order
    and split between threads.  Otherwise the block length with which
    run_block_span, on one thread and reading each block's inputs before
    writing its outputs, gives what NumPy defines an inner loop to give:
    element after element, in order, each seeing what earlier ones wrote.
    NumPy relies on that for its reductions and accumulations and leaves
    outputs that trail their input in one buffer uncopied; chunks computed
    in parallel would read values already overwritten."""
    cdef npy_intp length = 0, allowed, k_width
    cdef int o, k
    cdef const char* o_low
    cdef const char* o_high
    cdef const char* k_low
    cdef const char* k_high
    cdef npy_intp out_width = d.out_itemsize
    if n <= 1:
        return 0
    for o in range(nin, nargs):
        byte_range(args[o], steps[o], n, out_width, &o_low, &o_high)
        for k in range(nargs):
            if k == o:
                continue
            k_width = d.itemsize if k < nin else out_width
            byte_range(args[k], steps[k], n, k_width, &k_low, &k_high)
            if k_high <= o_low or o_high <= k_low:
                continue
            allowed = pair_block_length(args, steps, k, k < nin, k_width, o, out_width)
            if allowed != 0 and (length == 0 or allowed < length):
                length = allowed
    return length


cdef void typed_loop(char** args, const npy_intp* dimensions, const npy_intp* steps,
                     void* data) noexcept nogil:
    """The inner loop of every float16/32/64, integer and bool loop.  A run
    whose outputs share memory with another argument other than element for
    element is computed in order on this thread (ordered_block_length).  A
    run whose arrays are all contiguous and of the compute type goes to the
    kernels in one call (split over the threads the call may use); any
    other run goes through blocks (run_blocks)."""
    cdef const LoopData* d = <const LoopData*>data
    cdef npy_intp n = dimensions[0]
    cdef int nargs = 3 if d.op == OP_BACKWARD or d.op == OP_SIGMOID_AND_DERIVATIVE else 2
    cdef int k
    cdef bint contiguous = d.input_type == d.output_type and d.input_type != cnp.NPY_FLOAT16
    cdef npy_intp ordered = ordered_block_length(d, args, steps, n, 2 if d.op == OP_BACKWARD else 1,
                                                 nargs)
    if ordered != 0:
        run_block_span(d, args, steps, 0, n, ordered, True)
        return
    for k in range(nargs):
        contiguous = contiguous and steps[k] == d.itemsize
    if not contiguous:
        run_blocks(d, args, steps, n)
    elif d.op == OP_BACKWARD:
        run_kernel_in_team(d, args[0], args[1], args[2], args[2], n)
    elif d.op == OP_SIGMOID_AND_DERIVATIVE:
        run_kernel_in_team(d, args[0], args[0], args[1], args[2], n)
    else:
        run_kernel_in_team(d, args[0], args[0], args[1], args[1], n)


cdef void longdouble_loop(char** args, const npy_intp* dimensions, const npy_intp* steps,
                          void* data) noexcept nogil:
    """long double in and out, element by element (see _longdouble.pxi); the
    FP flags that the C library's functions raise on the way are put back."""
    cdef Operation op = (<const LoopData*>data).op
    cdef npy_intp n = dimensions[0], i
    cdef char* a0 = args[0]
    cdef char* a1 = args[1]
    cdef char* a2 = args[2] if op == OP_SIGMOID_AND_DERIVATIVE or op == OP_BACKWARD else NULL
    cdef long double x
    cdef fpflags saved
    fpflags_save(&saved)
    for i in range(n):
        x = (<long double*>(a0 + i * steps[0]))[0]
        if op == OP_SIGMOID:
            (<long double*>(a1 + i * steps[1]))[0] = sigmoid_ld(x)
        elif op == OP_DERIVATIVE:
            (<long double*>(a1 + i * steps[1]))[0] = sigmoid_derivative_ld(x)
        elif op == OP_SIGMOID_AND_DERIVATIVE:
            (<long double*>(a1 + i * steps[1]))[0] = sigmoid_ld(x)
            (<long double*>(a2 + i * steps[2]))[0] = sigmoid_derivative_ld(x)
        elif op == OP_BACKWARD:
            (<long double*>(a2 + i * steps[2]))[0] = backward_ld(
                x, (<long double*>(a1 + i * steps[1]))[0])
        elif op == OP_LOGIT:
            (<long double*>(a1 + i * steps[1]))[0] = logit_ld(x)
        else:
            (<long double*>(a1 + i * steps[1]))[0] = log_sigmoid_ld(x)
    fpflags_restore(&saved)


# ----------------------------------------------------------------------------- the ufuncs

# One ufunc per entry of csigmoid._operations, run by the kernels as the
# operation numbered by the entry's index.  The loops of each ufunc: one per
# input type, so that NumPy never picks a loop by searching this list (mixed
# input types of a two-input ufunc go through the promoter of
# include/backward_promoter.h).  Every integer type and bool
# has a loop of its own, computing in float64 as scipy.special's ufuncs do
# (np.exp gives float16 for int8/uint8/bool: a silent loss of precision a
# drop-in for scipy.special.expit must not bring), and converting block by
# block as it computes: one pass over the data split over the threads, no
# temporary array, where NumPy's cast would go through its buffers on one
# thread.
cdef enum:
    NTYPES = 15
cdef int INPUT_TYPES[NTYPES]
INPUT_TYPES[:] = [
    cnp.NPY_FLOAT, cnp.NPY_DOUBLE, cnp.NPY_LONGDOUBLE, cnp.NPY_FLOAT16, cnp.NPY_BOOL,
    cnp.NPY_BYTE, cnp.NPY_UBYTE, cnp.NPY_SHORT, cnp.NPY_USHORT, cnp.NPY_INT, cnp.NPY_UINT,
    cnp.NPY_LONG, cnp.NPY_ULONG, cnp.NPY_LONGLONG, cnp.NPY_ULONGLONG,
]

# Per operation and loop: the loop's data, function and type signature (nin +
# nout type numbers), kept for as long as the module (NumPy keeps pointers).
# The kernels' count of operations, for tests/test_operations.py to check the
# table against.
KERNEL_OPERATIONS = NOPERATIONS
cdef LoopData LOOP_DATA[NOPERATIONS][NTYPES]
cdef void* LOOP_DATA_POINTERS[NOPERATIONS][NTYPES]
cdef loop_function LOOP_FUNCTIONS[NOPERATIONS][NTYPES]
cdef char SIGNATURES[NOPERATIONS][NTYPES * 3]
cdef list DOCSTRING_BYTES = []


cdef int compute_type(int input_type) noexcept:
    if input_type == cnp.NPY_FLOAT or input_type == cnp.NPY_FLOAT16:
        return cnp.NPY_FLOAT
    if input_type == cnp.NPY_LONGDOUBLE:
        return cnp.NPY_LONGDOUBLE
    return cnp.NPY_DOUBLE


cdef object make_ufunc(object operation):
    """The ufunc of an entry of csigmoid._operations: one loop per input type,
    each with its LoopData."""
    cdef int op = operation.index
    cdef int nin = operation.nin, nout = operation.nout
    cdef int t, k, input_type, output_type
    if not 0 <= op < NOPERATIONS or nin + nout > 3:
        raise ValueError(f"{operation.name}: no kernel operation {op} of {nin} inputs and {nout} outputs")
    cdef bint single
    for t in range(NTYPES):
        input_type = INPUT_TYPES[t]
        output_type = input_type if input_type in (
            cnp.NPY_FLOAT, cnp.NPY_FLOAT16, cnp.NPY_LONGDOUBLE) else cnp.NPY_DOUBLE
        single = compute_type(input_type) == cnp.NPY_FLOAT
        LOOP_DATA[op][t] = LoopData(
            op=<Operation>op, input_type=input_type, output_type=output_type, single=single,
            itemsize=cnp.PyArray_DescrFromType(input_type).itemsize,
            out_itemsize=cnp.PyArray_DescrFromType(output_type).itemsize,
            share=operation.share["float32" if single else "float64"])
        LOOP_DATA_POINTERS[op][t] = &LOOP_DATA[op][t]
        LOOP_FUNCTIONS[op][t] = longdouble_loop if input_type == cnp.NPY_LONGDOUBLE else typed_loop
        for k in range(nin + nout):
            SIGNATURES[op][t * (nin + nout) + k] = input_type if k < nin else output_type
    name_bytes = operation.name.encode("ascii")
    doc_bytes = docstrings.DOCSTRINGS[operation.name].encode("utf-8")
    DOCSTRING_BYTES.extend((name_bytes, doc_bytes))
    ufunc = new_ufunc(LOOP_FUNCTIONS[op], LOOP_DATA_POINTERS[op], SIGNATURES[op], NTYPES,
                      nin, nout, PyUFunc_None, name_bytes, doc_bytes, 0)
    if nin == 2:
        # inputs of two types: NumPy's result type of the two (backward_promoter.h)
        add_backward_promoter(ufunc)
    # Where pickle finds the ufunc by its name (Dask's distributed scheduler
    # ships ufuncs to workers that way): csigmoid, where that name is the
    # ufunc; here, where csigmoid's name is a wrapper of it.
    ufunc.__module__ = __name__ if operation.wrapper is not None else "csigmoid"
    return ufunc


# The ufuncs, each a name of this module.
cdef dict UFUNCS = {operation.name: make_ufunc(operation) for operation in _operations.OPERATIONS}
globals().update(UFUNCS)
cdef object fused_ufunc = UFUNCS["sigmoid_and_derivative"]

# Inputs that are surely NumPy's (or plain Python's) business: no Dask inside.
cdef tuple PLAIN_INPUTS = (np.ndarray, np.generic, float, int, list, tuple)

# Below this many elements the fused fast path keeps the GIL: releasing and
# re-taking it costs more than the work.
cdef int64_t MIN_ELEMENTS_TO_RELEASE_GIL = 4096


cdef inline bint is_dense_like(object a, cnp.ndarray x):
    """Whether `a` is a writeable ndarray (not a subclass) of x's type and
    shape, C-contiguous, aligned and native, as x is."""
    cdef int ndim = cnp.PyArray_NDIM(x)
    cdef int required = cnp.NPY_ARRAY_C_CONTIGUOUS | cnp.NPY_ARRAY_ALIGNED | cnp.NPY_ARRAY_WRITEABLE
    return (
        type(a) is np.ndarray
        and cnp.PyArray_TYPE(<cnp.ndarray>a) == cnp.PyArray_TYPE(x)
        and cnp.PyArray_FLAGS(<cnp.ndarray>a) & required == required
        and cnp.PyArray_ISNOTSWAPPED(<cnp.ndarray>a)
        and cnp.PyArray_NDIM(<cnp.ndarray>a) == ndim
        and cnp.PyArray_CompareLists(cnp.PyArray_DIMS(<cnp.ndarray>a), cnp.PyArray_DIMS(x), ndim)
    )


cdef inline bint are_disjoint(cnp.ndarray a, cnp.ndarray b):
    """Whether two dense arrays share no byte."""
    cdef char* pa = <char*>cnp.PyArray_DATA(a)
    cdef char* pb = <char*>cnp.PyArray_DATA(b)
    return pa + cnp.PyArray_NBYTES(a) <= pb or pb + cnp.PyArray_NBYTES(b) <= pa


cdef object fused_fast_path(object x, tuple args, dict kwargs):
    """sigmoid_and_derivative's commonest call at the cost of a few flag
    tests, or None when the call is not that one (the ufunc then does it,
    or raises).  NumPy runs every ufunc with two outputs through its general
    iterator, about a microsecond a call (measured: 1.45 us for 100
    float64 elements, against 0.45 us for the one-output np.exp), so the
    fused call would cost three sigmoid calls at small sizes without this.

    The call: x a dense native float32/float64 ndarray of at least one
    dimension (C-contiguous, aligned) and no keyword but `out`, a pair of
    writeable arrays like x, disjoint from each other, each x itself or
    disjoint from it.
    """
    cdef cnp.ndarray xa, y, dy
    cdef object out
    cdef int t
    if type(x) is not np.ndarray or args:
        return None
    xa = <cnp.ndarray>x
    t = cnp.PyArray_TYPE(xa)
    if ((t != cnp.NPY_DOUBLE and t != cnp.NPY_FLOAT) or cnp.PyArray_NDIM(xa) == 0
            or not cnp.PyArray_IS_C_CONTIGUOUS(xa) or not cnp.PyArray_ISALIGNED(xa)
            or not cnp.PyArray_ISNOTSWAPPED(xa)):
        return None
    out = None
    if kwargs:
        # (out=None itself is an error for a two-output ufunc: the ufunc says so)
        if len(kwargs) != 1 or kwargs.get("out") is None:
            return None
        out = kwargs["out"]
    if out is None:
        y = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(xa), cnp.PyArray_DIMS(xa), t, 0)
        dy = cnp.PyArray_EMPTY(cnp.PyArray_NDIM(xa), cnp.PyArray_DIMS(xa), t, 0)
    elif (type(out) is tuple and len(<tuple>out) == 2
            and is_dense_like((<tuple>out)[0], xa) and is_dense_like((<tuple>out)[1], xa)):
        y, dy = <tuple>out
        if not are_disjoint(y, dy):
            return None
        for result in (y, dy):
            if cnp.PyArray_DATA(result) != cnp.PyArray_DATA(xa) and not are_disjoint(result, xa):
                return None
    else:
        return None
    cdef const LoopData* d = &LOOP_DATA[<int>OP_SIGMOID_AND_DERIVATIVE][1 if t == cnp.NPY_DOUBLE else 0]
    cdef int64_t n = cnp.PyArray_SIZE(xa)
    cdef void* p_x = cnp.PyArray_DATA(xa)
    cdef void* p_y = cnp.PyArray_DATA(y)
    cdef void* p_dy = cnp.PyArray_DATA(dy)
    cdef TeamTiming serial
    if n < MIN_ELEMENTS_TO_RELEASE_GIL:
        run_kernel(d, p_x, p_x, p_y, p_dy, n, 1, &serial)
    else:
        with nogil:
            run_kernel_in_team(d, p_x, p_x, p_y, p_dy, n)
    return y, dy


def dispatch_sigmoid_and_derivative(*args, **kwargs):
    # x is taken from *args, not declared, so that a call without it is
    # refused under the public name (Cython's own message names this function)
    if not args:
        raise TypeError(
            "sigmoid_and_derivative() takes x positional-only: call sigmoid_and_derivative(x), "
            "not sigmoid_and_derivative(x=...)" if "x" in kwargs else
            "sigmoid_and_derivative() missing its argument x (positional-only: "
            "sigmoid_and_derivative(x))")
    x = args[0]
    args = args[1:]
    cdef object result = fused_fast_path(x, args, kwargs)
    if result is not None:
        return result
    if not isinstance(x, PLAIN_INPUTS):
        result = _ecosystem.fused_call(fused_ufunc, x, args, kwargs)
        if result is not NotImplemented:
            return result
    return fused_ufunc(x, *args, **kwargs)


# csigmoid.sigmoid_and_derivative is this wrapper: named, documented and
# pickled as that, with the ufunc it wraps at hand.
dispatch_sigmoid_and_derivative.__name__ = "sigmoid_and_derivative"
dispatch_sigmoid_and_derivative.__qualname__ = "sigmoid_and_derivative"
dispatch_sigmoid_and_derivative.__module__ = "csigmoid"
dispatch_sigmoid_and_derivative.__doc__ = docstrings.FUSED_WRAPPER_DOCSTRING
dispatch_sigmoid_and_derivative.ufunc = fused_ufunc
# inspect.signature follows __wrapped__ to the ufunc's signature, without
# importing inspect here (tens of milliseconds where NumPy has not imported it)
dispatch_sigmoid_and_derivative.__wrapped__ = fused_ufunc
