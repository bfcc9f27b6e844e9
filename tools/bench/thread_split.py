"""One thread against the default team, per operation, dtype and size.

    python -P tools/bench/thread_split.py [SIZES]      (default 4096,1e4,3e4,1e5)

Prints microseconds per call on one thread (``csigmoid.threads(1)``) and with
the default thread count, best of 7 batches of 2000 calls, the contention rule
reset before each batch (so that a serial period started by one case does not
spill into the next), and the ratio.  A ratio of 1.00 is a call the size rule
keeps on one thread; the rule (each operation's ``share`` of a thread in
csigmoid/_operations.py) should leave no ratio above ~1.05.  The figures
behind that rule: BENCHMARKS.md, "When two threads pay".
"""

import sys
import time

import numpy as np

import csigmoid
from csigmoid._parallel import policy, testing

BATCHES = 7
CALLS = 2000


def operations(x, out, out2):
    return {
        "sigmoid": lambda: csigmoid.sigmoid(x, out=out),
        "sigmoid_and_derivative": lambda: csigmoid.sigmoid_and_derivative(x, out=(out, out2)),
        "sigmoid_backward": lambda: csigmoid.sigmoid_backward(x, x, out=out),
        "logit": lambda: csigmoid.logit(x, out=out),
        "log_sigmoid": lambda: csigmoid.log_sigmoid(x, out=out),
    }


def best_seconds(call):
    best = float("inf")
    for _ in range(BATCHES):
        testing.forget_contention()
        start = time.perf_counter()
        for _ in range(CALLS):
            call()
        best = min(best, (time.perf_counter() - start) / CALLS)
    return best


def main(argv):
    sizes = [int(float(s)) for s in (argv[0] if argv else "4096,1e4,3e4,1e5").split(",")]
    print(f"csigmoid {csigmoid.__version__}, default threads {policy.max_threads()}; us per call")
    print("| operation | dtype | size | 1 thread | default | default / 1 |")
    print("|---|---|---:|---:|---:|---:|")
    for dtype in (np.float32, np.float64):
        for size in sizes:
            # in (0, 1): valid for logit too
            x = np.random.default_rng(0).uniform(0.01, 0.99, size).astype(dtype)
            out, out2 = np.empty_like(x), np.empty_like(x)
            for name, call in operations(x, out, out2).items():
                with csigmoid.threads(1):
                    one = best_seconds(call)
                team = best_seconds(call)
                print(
                    f"| {name} | {np.dtype(dtype).name} | {size} | {one * 1e6:.2f} | "
                    f"{team * 1e6:.2f} | {team / one:.2f} |"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
