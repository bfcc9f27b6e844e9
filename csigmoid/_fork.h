/* Fork safety of the OpenMP thread pool.
 *
 * GNU libgomp (GCC's OpenMP runtime) keeps the worker threads of the
 * first parallel region in a pool and reuses them.  fork() copies the pool's
 * bookkeeping into the child but not the threads, so the child's first
 * parallel region waits forever for workers that do not exist
 * (scikit-learn #23823, PyTorch #17199; reproduced here with GCC 12 by
 * tools/fork_hang.py).  A process forked after csigmoid ran a parallel
 * region therefore computes on one thread; one forked before that, or
 * started by spawn/forkserver, keeps its threads.  The atfork handler sees
 * every fork (os.fork, multiprocessing, a C library's fork()), and the
 * per-call check is one load and one branch.  LLVM's libomp survives fork;
 * the rule is kept for every runtime anyway, since which runtime a build
 * links is not known for certain at compile time.
 *
 * The flags are written only under the GIL (csigmoid's Python layer holds it
 * when it decides the thread count) and by the atfork handler, which runs
 * in the single-threaded child.
 */
#ifndef CSIGMOID_FORK_H
#define CSIGMOID_FORK_H

#if defined(_OPENMP) && !defined(_WIN32)
#include <pthread.h>

static int csigmoid_pool_started = 0;        /* this process ran a parallel region */
static int csigmoid_forked_after_pool = 0;   /* forked from a process that had */

static void csigmoid_after_fork_in_child(void)
{
    if (csigmoid_pool_started)
        csigmoid_forked_after_pool = 1;
}

/* Register the handler once, at import; 0 on success (an errno otherwise). */
static int csigmoid_watch_forks(void)
{
    return pthread_atfork(NULL, NULL, csigmoid_after_fork_in_child);
}

/* The thread count to run a kernel with, given the one decided from the
 * caller's request and the array size: 1 in a child forked after a
 * parallel region, else unchanged (a count > 1 marks the pool as started). */
static inline int csigmoid_fork_safe_threads(int threads)
{
    if (threads <= 1)
        return threads;
    if (csigmoid_forked_after_pool)
        return 1;
    csigmoid_pool_started = 1;
    return threads;
}

#else  /* no OpenMP, or no fork (Windows) */
static int csigmoid_watch_forks(void) { return 0; }
static inline int csigmoid_fork_safe_threads(int threads) { return threads; }
#endif

#endif
