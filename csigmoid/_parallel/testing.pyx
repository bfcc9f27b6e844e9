# The hooks the tests (and tools/bench/*.py) drive the thread policy with:
# its rules on chosen inputs, and its state reset.  Not part of csigmoid's
# interface; production code never imports this module.
from libc.stdint cimport int64_t

from csigmoid._parallel cimport policy


def forget_contention():
    """Reset the contention rule, as in a child after fork (the tests start from it)."""
    policy.forget_contention()


def team_threads_for(int64_t n, int cap):
    """The thread count the size, fork and contention rules
    (include/team_policy.h) give a call of n shares capped at `cap`."""
    return policy.threads_within(n, cap)


def record_team_call(int threads, double elapsed, double work):
    """Tell the policy what a call whose team had `threads` threads took
    (`elapsed`) and the CPU time its threads spent computing (`work`, what
    one thread would have taken), in seconds."""
    policy.observed(threads, elapsed, work)


def current_thread_limit():
    """The limit of the current context's csigmoid.threads blocks (0: none),
    as the calls of this thread read it (through their cache)."""
    cdef int limit
    with nogil:
        limit = policy.current_limit()
    return limit
