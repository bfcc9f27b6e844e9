# What a kernel call observed, for the thread policy (policy.pxd): `threads`,
# how many threads computed (1 for a serial call; fewer than asked when
# OpenMP gives the region fewer, as inside another parallel region); for
# threads > 1, in seconds, `elapsed` from the start of the parallel region to
# its end and `work` the CPU time its threads spent computing, what one
# thread would have taken (driver.pxi).  elapsed > work: the team lost
# against one thread (threads kept waiting for a CPU, or woken late).
ctypedef struct TeamTiming:
    int threads
    double elapsed
    double work
