"""Does the contention rule keep the team for work that is uneven but not
contended?  sigmoid of N float64 values whose first half is subnormal (the
kernels' subnormal path costs several times the other), in a loop, with the
default thread count against one thread (csigmoid.threads(1)); also the
team forced on every call (the rule reset before each), the most it could
give.  Each run is a fresh process calling for SECONDS; the contenders
alternate, REPEAT runs each; the report gives every run's calls/s, the
best and median ratio to one thread, and the share of the default's calls
made while the rule had calls serial.  Meant for an otherwise idle machine:
the load average is printed with each run.

    python -P tools/bench/uneven_work.py [--size 2e6] [--seconds 3] [--repeat 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

CONTENDERS = ("default", "one thread", "team forced")

CHILD = """
import json, sys, time
import numpy as np
import csigmoid
from csigmoid._parallel import policy, testing

contender, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rng = np.random.default_rng(0)
x = rng.uniform(-20, 20, n)
x[: n // 2] = rng.uniform(5e-324, 2.2e-308, n // 2)  # subnormal
out = np.empty_like(x)
limit = 1 if contender == "one thread" else None
with csigmoid.threads(limit):
    csigmoid.sigmoid(x, out=out)  # start the thread pool
    testing.forget_contention()
    calls = serial = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        if contender == "team forced":
            testing.forget_contention()
        serial += policy.contention_state()["serial_left"] > 0
        csigmoid.sigmoid(x, out=out)
        calls += 1
    wall = time.perf_counter() - start
print(json.dumps({"calls_per_s": calls / wall, "serial_share": serial / calls}))
"""


def run(contender, size, seconds):
    done = subprocess.run(
        [sys.executable, "-P", "-c", CHILD, contender, str(size), str(seconds)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=2e6, help="elements (default: %(default)g)")
    parser.add_argument("--seconds", type=float, default=3.0, help="per run (default: %(default)g)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per contender (default: %(default)s)")
    args = parser.parse_args(argv)
    size = int(args.size)
    figures = {contender: [] for contender in CONTENDERS}
    print(f"sigmoid of {size:,} float64 values, the first half subnormal; {args.seconds:g} s per run")
    print("| run | load | default calls/s (serial share) | one thread | team forced | default / one |")
    print("|---:|---:|---:|---:|---:|---:|")
    for repeat in range(args.repeat):
        seen = {contender: run(contender, size, args.seconds) for contender in CONTENDERS}
        for contender in CONTENDERS:
            figures[contender].append(seen[contender])
        default, one = seen["default"], seen["one thread"]
        print(
            f"| {repeat + 1} | {os.getloadavg()[0]:.2f} | {default['calls_per_s']:.1f} "
            f"({default['serial_share']:.0%}) | {one['calls_per_s']:.1f} "
            f"| {seen['team forced']['calls_per_s']:.1f} "
            f"| {default['calls_per_s'] / one['calls_per_s']:.2f} |"
        )
    ratios = [d["calls_per_s"] / o["calls_per_s"] for d, o in zip(figures["default"], figures["one thread"])]
    print(f"\ndefault / one thread: best {max(ratios):.2f}, median {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
