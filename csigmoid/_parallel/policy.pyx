# cython: cdivision=True, boundscheck=False, wraparound=False, initializedcheck=False
# The thread policy: the one module that decides how many OpenMP threads a
# kernel call gets, and that learns from what each call observed.  Its C
# interface (policy.pxd) is what the ufunc loops call, without the GIL:
# call_threads before a call, call_observed after it.  The count starts
# from a default (OpenMP's maximum, the current context's csigmoid.threads
# limit, OMP_NUM_THREADS, the CPUs the process may use), which the size,
# fork and contention rules of include/team_policy.h can only lower.  Its
# state (the contention credit, the fork guard, the csigmoid.threads
# blocks) is process-wide and lives here; the Python names below report it
# for show_config() and build csigmoid.threads(n).
from libc.stdint cimport int64_t

from csigmoid._parallel.openmp cimport omp_get_max_threads, omp_get_thread_limit
from csigmoid._parallel.team_timing cimport TeamTiming
from cpython.contextvars cimport PyContextVar_Reset, PyContextVar_Set, get_value
cimport cython

import contextvars

from csigmoid._cpu import usable

# The per-call rules (size, fork, contention) and their state.
cdef extern from "team_policy.h" nogil:
    int watch_forks "csigmoid_team_watch_forks"()
    int team_threads "csigmoid_team_threads"(int64_t n, int cap)
    void team_record "csigmoid_team_record"(int threads, double elapsed, double work)
    void team_forget "csigmoid_team_forget"()
    double team_serial_left "csigmoid_team_serial_left"()
    double team_credit "csigmoid_team_credit"()
    const int64_t MIN_ELEMENTS_PER_THREAD "CSIGMOID_MIN_ELEMENTS_PER_THREAD"
    bint team_forked "csigmoid_team_forked"()

# csigmoid.threads(n) blocks as the inner loops read them, without the GIL.
# The truth is a ContextVar (limit_var below) holding the innermost open
# block of the current context, each block linked to the one it was entered
# in; the limit is that of the first block on the chain still open (0: none).
# A loop cannot read a ContextVar without the GIL, so each OS thread keeps
# the chain head it last read, with the thread state's id and context_ver:
# CPython bumps context_ver whenever the thread enters or leaves a context
# (an asyncio task step, Context.run), and csigmoid's own blocks refresh the
# cache when they set the variable (a set does not bump it).  Only the owning
# thread writes those two fields, so reading them on that thread without the
# GIL is safe; while they match, the cached head is kept alive by the
# context that holds it.  The fields exist in every CPython from 3.7 to 3.14
# (Include/cpython/pystate.h).  A block closed from another thread (a
# generator finished elsewhere) cannot reset another context's variable: it
# only clears its `active` flag, which any thread's walk then skips.
cdef extern from *:
    """
    #include "atomic_ops.h"

    typedef struct csigmoid_limit_link {
        int64_t active;  /* 1 while the block is open; cleared by whichever thread closes it */
        int limit;       /* 0: threads(None), no limit */
        const struct csigmoid_limit_link* parent;  /* the block it was entered in, or NULL */
    } csigmoid_limit_link;

    static inline int csigmoid_limit_of(const csigmoid_limit_link* link)
    {
        for (; link != NULL; link = link->parent)
            if (csigmoid_atomic_load(&link->active))
                return link->limit;
        return 0;
    }

    typedef struct {
        uint64_t tstate_id;
        uint64_t context_ver;
        const csigmoid_limit_link* head;
        int valid;
    } csigmoid_limit_cache;

    #if defined(_MSC_VER)
    static __declspec(thread) csigmoid_limit_cache csigmoid_limit_seen;
    #else
    static _Thread_local csigmoid_limit_cache csigmoid_limit_seen;
    #endif

    /* Nonzero once a block was entered in this process: until then no call
       looks further. */
    static int64_t csigmoid_blocks_entered = 0;

    /* The cached chain head, if it still describes this thread's context. */
    static inline int csigmoid_limit_cached(const csigmoid_limit_link** head)
    {
        PyThreadState* ts = PyGILState_GetThisThreadState();
        if (ts == NULL) {  /* not a Python thread: no context, no block */
            *head = NULL;
            return 1;
        }
        if (!csigmoid_limit_seen.valid || csigmoid_limit_seen.tstate_id != ts->id
                || csigmoid_limit_seen.context_ver != ts->context_ver)
            return 0;
        *head = csigmoid_limit_seen.head;
        return 1;
    }

    /* Remember `head` as the current context's (GIL held). */
    static inline void csigmoid_limit_remember(const csigmoid_limit_link* head)
    {
        PyThreadState* ts = PyThreadState_Get();
        csigmoid_limit_seen.tstate_id = ts->id;
        csigmoid_limit_seen.context_ver = ts->context_ver;
        csigmoid_limit_seen.head = head;
        csigmoid_limit_seen.valid = 1;
    }
    """
    ctypedef struct LimitLink "csigmoid_limit_link":
        int64_t active
        int limit
        const LimitLink* parent
    int limit_of "csigmoid_limit_of"(const LimitLink* link) noexcept nogil
    bint limit_cached "csigmoid_limit_cached"(const LimitLink** head) noexcept nogil
    void limit_remember "csigmoid_limit_remember"(const LimitLink* head) noexcept
    int64_t blocks_entered "csigmoid_blocks_entered"
    int64_t atomic_load "csigmoid_atomic_load"(const int64_t* p) noexcept nogil
    void atomic_store "csigmoid_atomic_store"(int64_t* p, int64_t value) noexcept nogil

if watch_forks() != 0:
    raise ImportError("csigmoid: pthread_atfork failed; without it a forked child could hang")

# Where a call's thread count comes from (show_config names it).
cdef enum ThreadSource:
    FROM_THREADS_LIMIT          # this context's csigmoid.threads(n)
    FROM_OPENMP_LIMIT           # threadpoolctl or omp_set_num_threads changed OpenMP's maximum
    FROM_OPENMP_ENVIRONMENT     # OMP_NUM_THREADS, within the CPUs of the affinity mask
    FROM_USABLE_CPUS            # the CPUs this process may use (affinity mask, cgroup quota)
    FROM_OPENMP_THREAD_LIMIT    # OMP_THREAD_LIMIT, below all of the above
    FROM_FORK                   # a child forked after a parallel region: one thread

cdef inline int openmp_max_threads() noexcept nogil:
    """omp_get_max_threads(), at least 1: LLVM's libomp reads
    OMP_NUM_THREADS=abc as an arbitrary, even negative, count, and a team of
    that size would abort it."""
    cdef int count = omp_get_max_threads()
    return count if count >= 1 else 1


# OpenMP's maximum when csigmoid was imported: OMP_NUM_THREADS or, without
# it, the runtime's own count (the CPUs of the affinity mask, not the
# cgroup quota).  A different value later means a limit was set since.
cdef int openmp_default = openmp_max_threads()
# Whether OMP_NUM_THREADS holds a count OpenMP accepts (libgomp ignores 0,
# negative and non-numeric values; LLVM's libomp reads 0 as 1, aborts on a
# negative one and reads others as an arbitrary count: csigmoid ignores them).
cdef bint openmp_from_environment = usable.omp_num_threads() is not None
# The CPUs this process may use and the CPUs of its affinity mask
# (csigmoid._cpu.usable), counted at import and again by show_config().
cdef int usable_cpus = usable.USABLE.count
cdef int affinity_cpus = usable.USABLE.affinity


# The innermost csigmoid.threads block open in the current context, or None.
cdef object limit_var = contextvars.ContextVar("csigmoid.threads")


@cython.final
@cython.auto_pickle(False)
cdef class _ThreadLimitBlock:
    """One entry into a csigmoid.threads(n) block: its limit, the block it
    was entered in, and the token that restores the variable on exit."""
    cdef LimitLink link
    cdef _ThreadLimitBlock parent      # keeps link.parent alive
    cdef object token


cdef inline const LimitLink* head_link(object block):
    return NULL if block is None else &(<_ThreadLimitBlock>block).link


cdef int current_limit_with_gil() noexcept:
    """The current context's limit (0: none), read from the variable; this
    thread's cache now describes the context."""
    cdef const LimitLink* head = head_link(get_value(limit_var, None))
    limit_remember(head)
    return limit_of(head)


cdef int current_limit() noexcept nogil:
    """The limit of the current context's csigmoid.threads blocks (0: none),
    from this thread's cache while it holds, else (once after a context
    switch) from the variable under the GIL."""
    cdef const LimitLink* head
    if not atomic_load(&blocks_entered):
        return 0
    if limit_cached(&head):
        return limit_of(head)
    with gil:
        return current_limit_with_gil()


@cython.auto_pickle(False)
cdef class ThreadLimit:
    """The context manager `csigmoid.threads(n)` returns (csigmoid._parallel.threads
    validates n and adds the decorator).  Entering and leaving are C code:
    no Python bytecode, and so no signal handler, runs between setting the
    variable and keeping its token, or between clearing the block and
    restoring the variable, so Ctrl-C cannot leave a limit behind.  One
    object may be entered again while open (nested, or by other threads and
    tasks): each entry is a block of its own."""
    cdef readonly int limit           # 0: no limit
    cdef list open_blocks             # entered and not yet left, oldest first

    def __cinit__(self, int limit):
        self.limit = limit
        self.open_blocks = []

    def __enter__(self):
        cdef _ThreadLimitBlock block = _ThreadLimitBlock.__new__(_ThreadLimitBlock)
        cdef object parent = get_value(limit_var, None)
        block.link.limit = self.limit
        block.link.active = 1
        if parent is not None:
            block.parent = <_ThreadLimitBlock>parent
            block.link.parent = &block.parent.link
        block.token = PyContextVar_Set(limit_var, block)
        self.open_blocks.append(block)
        atomic_store(&blocks_entered, 1)
        limit_remember(&block.link)

    def __exit__(self, exc_type, exc_value, traceback):
        cdef _ThreadLimitBlock block = self.closing_block()
        self.open_blocks.remove(block)
        atomic_store(&block.link.active, 0)
        try:
            PyContextVar_Reset(limit_var, block.token)
        except ValueError:
            # Left from another context (a generator closed by another thread
            # or task): that context keeps the block, inactive, on its chain.
            pass
        block.token = None            # the token holds its context
        current_limit_with_gil()
        return False

    cdef _ThreadLimitBlock closing_block(self):
        """The block a `with` statement leaves: this object's innermost open
        block on the current context's chain (`with` statements nest within
        a context); else, when left from another context, its latest."""
        cdef object block = get_value(limit_var, None)
        while block is not None:
            if (<_ThreadLimitBlock>block).link.active and any(
                    entered is block for entered in self.open_blocks):
                return <_ThreadLimitBlock>block
            block = (<_ThreadLimitBlock>block).parent
        if not self.open_blocks:
            raise RuntimeError("csigmoid.threads: leaving a block that was not entered")
        return self.open_blocks[len(self.open_blocks) - 1]

    def __repr__(self):
        return f"csigmoid.threads({self.limit if self.limit else None})"


cdef inline int default_threads_from(ThreadSource* source) noexcept nogil:
    """The thread count a call may use (before the size and contention
    rules of include/team_policy.h), and where it comes from: one in a child
    forked after a parallel region; else the current context's
    `csigmoid.threads(n)` limit, within OpenMP's current maximum; else a maximum set since import
    (threadpoolctl, omp_set_num_threads); else OMP_NUM_THREADS within the
    CPUs of the affinity mask (more threads than those can never run at
    once); else the CPUs the process may use, within OpenMP's maximum.
    OMP_THREAD_LIMIT bounds them all, as OpenMP bounds its teams."""
    cdef int available = openmp_max_threads()
    cdef int ceiling = omp_get_thread_limit()
    cdef int limit = current_limit()
    cdef ThreadSource from_where
    cdef int count = available
    if team_forked():
        from_where = FROM_FORK
        count = 1
    elif limit > 0:
        from_where = FROM_THREADS_LIMIT
        count = limit if limit < available else available
    elif available != openmp_default:
        from_where = FROM_OPENMP_LIMIT
    elif openmp_from_environment:
        from_where = FROM_OPENMP_ENVIRONMENT
        count = affinity_cpus if affinity_cpus < available else available
    else:
        from_where = FROM_USABLE_CPUS
        count = usable_cpus if usable_cpus < available else available
    if count > ceiling:
        from_where = FROM_OPENMP_THREAD_LIMIT
        count = ceiling
    if source != NULL:
        source[0] = from_where
    return count


cdef inline int default_threads() noexcept nogil:
    return default_threads_from(NULL)


def max_threads():
    """The threads a large call from this context may use now."""
    return default_threads()


def use_cpu_count(int count, int affinity):
    """Make `count` (>= 1) the CPUs the default thread count respects and
    `affinity` those of the affinity mask (OMP_NUM_THREADS's bound), and
    return the previous pair (import and show_config set
    csigmoid._cpu.usable.USABLE's; tests set others)."""
    global usable_cpus, affinity_cpus
    cdef tuple previous = (usable_cpus, affinity_cpus)
    usable_cpus = count if count > 1 else 1
    affinity_cpus = affinity if affinity > 1 else 1
    return previous


def max_threads_source():
    """What decides max_threads() here: "fork" (a child forked after a
    parallel region), "csigmoid.threads", "threadpoolctl" (or another
    omp_set_num_threads caller), "OMP_NUM_THREADS", "usable CPUs"
    (csigmoid._cpu.usable.USABLE) or "OMP_THREAD_LIMIT"."""
    cdef ThreadSource source
    default_threads_from(&source)
    return ("csigmoid.threads", "threadpoolctl", "OMP_NUM_THREADS", "usable CPUs",
            "OMP_THREAD_LIMIT", "fork")[source]


def forked_after_parallel_region():
    """Whether this process was forked from one that had run a parallel
    region (it then computes on one thread, include/team_policy.h)."""
    return bool(team_forked())


def contention_state():
    """The contention rule's state (include/team_policy.h), in seconds:
    "serial_left", how long calls still run on one thread; "credit", what
    parallel calls gained minus what they lost, at most 0.05 (where a
    process and every probe after a serial period start)."""
    return {"serial_left": team_serial_left(), "credit": team_credit()}


# ----------------------------------------------------------------------------- the C interface

cdef int call_threads(int64_t n, int64_t share) noexcept nogil:
    """The threads a call of n elements of `share` shares each may use.

    A call too small for two threads is found by a multiplication (n below
    two threads' minimum, in the operation's shares), before the division
    and without the default count (nor the csigmoid.threads limit): a 64-bit
    division costs ~10 ns, 2% of a call on 100 elements."""
    if n < 2 * MIN_ELEMENTS_PER_THREAD * share:
        return 1
    return team_threads(n // share, default_threads())


cdef void call_observed(const TeamTiming* timing) noexcept nogil:
    team_record(timing.threads, timing.elapsed, timing.work)


cdef int threads_within(int64_t shares, int cap) noexcept nogil:
    return team_threads(shares, cap)


cdef void observed(int threads, double elapsed, double work) noexcept nogil:
    team_record(threads, elapsed, work)


cdef void forget_contention() noexcept nogil:
    team_forget()
