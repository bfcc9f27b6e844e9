# The thread policy's C interface: how many threads a kernel call may use,
# and what the call observed.  One module (policy.pyx) owns the policy's
# state (the contention credit, the fork guard, csigmoid.threads limits);
# every caller of the kernels asks it before a call and reports after:
#
#     threads = call_threads(n, share)
#     table.run_f64(op, in0, in1, out0, out1, n, threads, &timing)
#     call_observed(&timing)
from libc.stdint cimport int64_t

from csigmoid._parallel.team_timing cimport TeamTiming

# The threads a call of n elements may use, each element `share` times the
# cheapest operations' work (at least 1; the operation's share, from
# csigmoid/_operations.py): the default count (OpenMP's maximum,
# csigmoid.threads, OMP_NUM_THREADS, the usable CPUs) lowered by the size,
# fork and contention rules of include/team_policy.h.
cdef int call_threads(int64_t n, int64_t share) noexcept nogil
# What a call observed (driver.pxi fills `timing`); one-thread calls teach nothing.
cdef void call_observed(const TeamTiming* timing) noexcept nogil

# The rules on their own, for csigmoid._parallel.testing: the count for
# `shares` given the caller's `cap`; what a call of `threads` threads took
# (`elapsed`) against what one thread would have (`work`); forgetting what
# contention taught, as a child after fork does; the current context's
# csigmoid.threads limit (0: none).
cdef int threads_within(int64_t shares, int cap) noexcept nogil
cdef void observed(int threads, double elapsed, double work) noexcept nogil
cdef void forget_contention() noexcept nogil
cdef int current_limit() noexcept nogil
