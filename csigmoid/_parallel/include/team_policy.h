/* The rules that lower a kernel call's thread count (size, fork and
 * contention), in C so that they run without the GIL.  Included by one
 * module only, csigmoid/_parallel/policy.pyx, which owns their state and
 * applies them for every caller through its interface (policy.pxd):
 *
 *     int threads = csigmoid_team_threads(n, cap);
 *     kernels->run_f64(op, in0, in1, out0, out1, n, threads, &timing);
 *     csigmoid_team_record(timing.threads, timing.elapsed, timing.work);
 *
 * `cap` is the caller's thread count (csigmoid.threads, OMP_NUM_THREADS,
 * threadpoolctl, the CPUs the process may use); the policy can only lower it:
 *
 * - size: at least CSIGMOID_MIN_ELEMENTS_PER_THREAD elements per thread, in
 *   units of the cheapest operations' work (the ufunc loops divide n by their
 *   operation's share first: each entry's `share` in csigmoid/_operations.py);
 * - fork: one thread in a child forked after a parallel region;
 * - contention: when parallel calls lose against one thread on balance (a
 *   team member kept off the CPU by other threads: another process, BLAS
 *   workers spinning after a matrix product, a CPU quota), calls run on one
 *   thread for two seconds, then one call tries the team again; a stall now
 *   and then is paid from the gains of the calls around it.
 *
 * Fork.  GNU libgomp keeps the worker threads of the first parallel region
 * in a pool; fork() copies the pool's bookkeeping into the child but not the
 * threads, so the child's first parallel region waits forever for workers
 * that do not exist (scikit-learn #23823, PyTorch #17199; reproduced with
 * GCC 12 by tests/fork_hang.py).  A process forked after csigmoid ran a
 * parallel region therefore computes on one thread; one forked before that,
 * or started by spawn/forkserver, keeps its threads.  The atfork handler sees
 * every fork (os.fork, multiprocessing, a C library's fork()).  LLVM's libomp
 * survives fork; the rule is kept for every runtime anyway, since which
 * runtime a build links is not known for certain at compile time.
 *
 * Contention.  An OpenMP call ends when its last thread does, so one thread
 * the kernel's scheduler keeps waiting for a time slice (milliseconds) turns
 * a call of microseconds into one of milliseconds, and libgomp's threads
 * spin while they wait, taking CPU time from whoever else wants it.  The
 * kernels' driver hands work out in chunks that any running thread takes, so
 * a late thread gets less work, and reports two times: the call's
 * (`elapsed`) and the CPU time its threads spent computing (`work`): what
 * one thread would have taken, at the cost each chunk really had.
 * work - elapsed is what the team gained (negative: lost) against one
 * thread.  Time a thread waited for a CPU, holding a chunk or before its
 * first, counts in elapsed only; a chunk slow for its own sake (subnormal
 * inputs cost many times the others) counts in both, so uneven work is not
 * taken for a loss.  Where the threads share a bandwidth, a team member's
 * CPU time per element may exceed a lone thread's, and `work` then
 * overstates one thread's time (BENCHMARKS.md, "Thread policy: the
 * measurements behind the constants", says by how much).  Such an excess
 * could hide a small loss; time spent waiting for a CPU, the loss this rule
 * is for, is counted in full.
 *
 * Gains and losses add up in a credit of at most CSIGMOID_CREDIT_NS: a
 * stall now and then (another process's time slice, a hypervisor's) is paid
 * from the gains of the calls around it, as it should be while the team is
 * faster overall.  When the credit goes negative, parallel calls are losing
 * on balance: every call runs on one thread for CSIGMOID_SERIAL_NS, then one
 * call (one caller: the others stay serial meanwhile) probes with the team,
 * and so on while they keep losing.  A team starting cold (the pool's first
 * call creates its threads; after a serial period they have gone to sleep)
 * loses the time it takes to start or wake them, up to tens of milliseconds
 * on a machine whose other CPU is busy, which says nothing about the calls
 * after it: a process, and every probe, starts with the whole credit, so
 * that the warm calls decide.  Under lasting contention that costs one
 * credit and a stall per serial period, ~3%; alone on the machine no call
 * loses on balance, and the cost is one relaxed load per call and two
 * reads of its CPU clock per thread of a parallel call.  Nothing
 * process-wide (OMP_WAIT_POLICY, GOMP_SPINCOUNT, omp_set_dynamic) is
 * changed.
 *
 * State.  Process-wide (contention is the machine's, not one caller's) and
 * owned by the one module that includes this header, policy.pyx.  Every field is read and written with relaxed atomics by any
 * number of calling threads: each is a hint, and a lost update costs at most
 * one call's choice of thread count, never a result or a hang.
 */
#ifndef CSIGMOID_TEAM_H
#define CSIGMOID_TEAM_H

#include <stdint.h>

#include "atomic_ops.h"

/* Below this many elements per thread of the cheapest operations (logit,
 * log_sigmoid), starting OpenMP threads costs more than the work they
 * share: two threads must already win at twice this size.  The faster
 * kernels (AVX2 and AVX-512 sigma, sigma', the backward product) do the same
 * work in less time and need larger shares (`share`, csigmoid/_operations.py).
 * The measurements: BENCHMARKS.md, "Thread policy: the measurements behind
 * the constants". */
#define CSIGMOID_MIN_ELEMENTS_PER_THREAD 2048

/* The most that gains can bank against later losses, and the credit a
 * process and each probe start with: a stall of up to this much (a dozen
 * 4 ms time slices) is paid from earlier gains; more turns calls serial.
 * Gains refill it at about half the time of every parallel call (0.1 s of
 * calls of any size on 2 threads).  It must cover what a team starting
 * cold loses on a machine whose other CPU is busy (tens of ms over its
 * first calls), so that the warm calls decide (BENCHMARKS.md, "Thread
 * policy: the measurements behind the constants"). */
#define CSIGMOID_CREDIT_NS INT64_C(50000000)

/* How long calls stay serial once the credit is spent: 40 times the credit
 * a round of parallel calls spent, so that probing under lasting
 * contention costs ~3% of the time (a credit and a stall per period); and
 * how long csigmoid may stay serial after the cores have become free. */
#define CSIGMOID_SERIAL_NS INT64_C(2000000000)

/* Threads the size rule allows: the cap, lowered so that each thread gets at
 * least CSIGMOID_MIN_ELEMENTS_PER_THREAD elements (at least 1). */
static inline int csigmoid_team_size_rule(int64_t n, int cap)
{
    int64_t useful = n / CSIGMOID_MIN_ELEMENTS_PER_THREAD;
    if (useful < cap)
        return useful > 1 ? (int)useful : 1;
    return cap;
}

#if defined(_OPENMP)
#include <omp.h>

typedef struct {
    int64_t credit_ns;          /* what parallel calls gained minus what they lost */
    int64_t serial_until_ns;    /* 0: none; else calls run on one thread until then */
    int64_t pool_started;       /* this process ran a parallel region */
    int64_t forked_after_pool;  /* forked from a process that had */
} csigmoid_team_state;

static csigmoid_team_state csigmoid_team = {CSIGMOID_CREDIT_NS, 0, 0, 0};

static inline int64_t csigmoid_team_now_ns(void)
{
    return (int64_t)(omp_get_wtime() * 1e9);
}

/* Forget what contention taught, as a new process: no serial period, the
 * whole credit. */
static inline void csigmoid_team_forget(void)
{
    csigmoid_atomic_store(&csigmoid_team.credit_ns, CSIGMOID_CREDIT_NS);
    csigmoid_atomic_store(&csigmoid_team.serial_until_ns, 0);
}

/* Whether this process was forked after a parallel region (show_config
 * reports it: such a child computes on one thread). */
static inline int csigmoid_team_forked(void)
{
    return csigmoid_atomic_load(&csigmoid_team.forked_after_pool) != 0;
}

#if !defined(_WIN32)
#include <pthread.h>

static void csigmoid_team_after_fork_in_child(void)
{
    if (csigmoid_atomic_load(&csigmoid_team.pool_started))
        csigmoid_atomic_store(&csigmoid_team.forked_after_pool, 1);
    /* what the parent learnt was about the parent's neighbours */
    csigmoid_team_forget();
}

/* Register the fork handler, once, at import; 0 on success (an errno otherwise). */
static int csigmoid_team_watch_forks(void)
{
    return pthread_atfork(NULL, NULL, csigmoid_team_after_fork_in_child);
}
#else  /* Windows has no fork */
static int csigmoid_team_watch_forks(void) { return 0; }
#endif

/* The thread count for a call on n elements, given the caller's cap. */
static inline int csigmoid_team_threads(int64_t n, int cap)
{
    int threads = csigmoid_team_size_rule(n, cap);
    int64_t until, now;
    if (threads <= 1)
        return threads;
    if (csigmoid_atomic_load(&csigmoid_team.forked_after_pool))
        return 1;
    until = csigmoid_atomic_load(&csigmoid_team.serial_until_ns);
    if (until != 0) {
        now = csigmoid_team_now_ns();
        if (now < until)
            return 1;
        /* The serial period is over: this call probes with the team.  Other
         * calls stay serial until it reports (or, should it never report,
         * for one more period). */
        if (!csigmoid_atomic_replace(&csigmoid_team.serial_until_ns, until,
                                     now + CSIGMOID_SERIAL_NS))
            return 1;
    }
    if (!csigmoid_atomic_load(&csigmoid_team.pool_started))
        csigmoid_atomic_store(&csigmoid_team.pool_started, 1);
    return threads;
}

/* What a call whose team had `threads` threads observed (the driver's
 * timing, seconds): its gain, work - elapsed, goes into the credit; a
 * credit below 0 starts a serial period (after which a probe starts with
 * the whole credit again), any other outcome ends one.  Calls on one thread teach
 * nothing (that is also what a region OpenMP ran on one thread reports). */
static inline void csigmoid_team_record(int threads, double elapsed, double work)
{
    int64_t gain, credit;
    double gain_s = work - elapsed;
    if (threads <= 1)
        return;
    gain = gain_s >= CSIGMOID_CREDIT_NS * 1e-9 ? CSIGMOID_CREDIT_NS
         : gain_s <= -CSIGMOID_SERIAL_NS * 1e-9 ? -CSIGMOID_SERIAL_NS
         : (int64_t)(gain_s * 1e9);
    credit = csigmoid_atomic_load(&csigmoid_team.credit_ns);
    if (gain < 0 || credit < CSIGMOID_CREDIT_NS) {
        credit = csigmoid_atomic_fetch_add(&csigmoid_team.credit_ns, gain) + gain;
        if (credit > CSIGMOID_CREDIT_NS)
            csigmoid_atomic_store(&csigmoid_team.credit_ns, CSIGMOID_CREDIT_NS);
    }
    if (credit >= 0) {
        if (csigmoid_atomic_load(&csigmoid_team.serial_until_ns) != 0)
            csigmoid_atomic_store(&csigmoid_team.serial_until_ns, 0);
        return;
    }
    csigmoid_atomic_store(&csigmoid_team.credit_ns, CSIGMOID_CREDIT_NS);
    csigmoid_atomic_store(&csigmoid_team.serial_until_ns,
                          csigmoid_team_now_ns() + CSIGMOID_SERIAL_NS);
}

/* The serial period still ahead and the credit, in seconds (for
 * show_config and the tests). */
static inline double csigmoid_team_serial_left(void)
{
    int64_t until = csigmoid_atomic_load(&csigmoid_team.serial_until_ns);
    int64_t left = until == 0 ? 0 : until - csigmoid_team_now_ns();
    return left > 0 ? left * 1e-9 : 0.0;
}

static inline double csigmoid_team_credit(void)
{
    return csigmoid_atomic_load(&csigmoid_team.credit_ns) * 1e-9;
}

#else  /* built without OpenMP: every call is serial, nothing to watch */
static int csigmoid_team_watch_forks(void) { return 0; }
static inline int csigmoid_team_forked(void) { return 0; }
static inline int csigmoid_team_threads(int64_t n, int cap) { (void)n; (void)cap; return 1; }
static inline void csigmoid_team_record(int threads, double elapsed, double work)
{
    (void)threads; (void)elapsed; (void)work;
}
static inline void csigmoid_team_forget(void) {}
static inline double csigmoid_team_serial_left(void) { return 0.0; }
static inline double csigmoid_team_credit(void) { return 0.0; }
#endif

#endif
