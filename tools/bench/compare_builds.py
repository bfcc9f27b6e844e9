"""Per-call speed of two csigmoid installations, measured in one run.

    python tools/bench/compare_builds.py OLD_PYTHON NEW_PYTHON [--simd avx2,avx512]
        [--sizes 100,1e5] [--threads 1] [--rounds 7]

OLD_PYTHON and NEW_PYTHON are the interpreters of two environments with
csigmoid installed (e.g. main before a change, and the change).  Each round
starts one fresh worker process per build and kernel variant
(CSIGMOID_SIMD), alternating which build goes first, and each worker times
every function and dtype at every size with `out=` (no allocation), in
batches of back-to-back calls lasting ~2 ms; the best batch of all rounds
is the figure.  So a build's figure does not depend on which ran before it,
and machine noise that lasts a round hits both builds.

Prints ns per element (or per call, at sizes below 1000) for each build and
the ratio NEW / OLD; exits 0.  A restructuring that should not change speed
is within noise when every ratio is within a few percent (the figures of a
shared 2-core machine move by 1-3% between runs).
"""

import argparse
import json
import os
import subprocess
import sys

WORKER = r"""
import json, sys, time
import numpy as np
import csigmoid

spec = json.loads(sys.argv[1])
rng = np.random.default_rng(1)
calls = {
    "sigmoid": lambda x, g, o, p: csigmoid.sigmoid(x, out=o),
    "sigmoid_derivative": lambda x, g, o, p: csigmoid.sigmoid_derivative(x, out=o),
    "sigmoid_and_derivative": lambda x, g, o, p: csigmoid.sigmoid_and_derivative(x, out=(o, p)),
    "sigmoid_backward": lambda x, g, o, p: csigmoid.sigmoid_backward(g, x, out=o),
    "logit": lambda x, g, o, p: csigmoid.logit(x, out=o),
    "log_sigmoid": lambda x, g, o, p: csigmoid.log_sigmoid(x, out=o),
}
results = {}
with csigmoid.threads(spec["threads"]):
    for dtype in ("float32", "float64"):
        for n in spec["sizes"]:
            probabilities = rng.uniform(0.001, 0.999, n).astype(dtype)
            x = rng.uniform(-20, 20, n).astype(dtype)
            g = rng.standard_normal(n).astype(dtype)
            o, p = np.empty_like(x), np.empty_like(x)
            for name, call in calls.items():
                arg = probabilities if name in ("logit", "sigmoid_backward") else x
                call(arg, g, o, p)
                repeat = 1
                while True:
                    start = time.perf_counter()
                    for _ in range(repeat):
                        call(arg, g, o, p)
                    elapsed = time.perf_counter() - start
                    if elapsed > 2e-3:
                        break
                    repeat *= 2
                best = elapsed / repeat
                for _ in range(4):
                    start = time.perf_counter()
                    for _ in range(repeat):
                        call(arg, g, o, p)
                    best = min(best, (time.perf_counter() - start) / repeat)
                results[f"{name} {dtype} {n}"] = best
print(json.dumps(results))
"""


def run_worker(python, simd, threads, sizes):
    env = dict(os.environ, CSIGMOID_SIMD=simd)
    spec = json.dumps({"threads": threads, "sizes": sizes})
    done = subprocess.run(
        [python, "-P", "-c", WORKER, spec], env=env, capture_output=True, text=True, cwd="/"
    )
    if done.returncode != 0:
        sys.exit(f"worker of {python} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_python")
    parser.add_argument("new_python")
    parser.add_argument("--simd", default="avx2,avx512", help="kernel variants (default: %(default)s)")
    parser.add_argument("--sizes", default="100,1e5", help="default: %(default)s")
    parser.add_argument("--threads", type=int, default=1, help="default: %(default)s")
    parser.add_argument("--rounds", type=int, default=7, help="default: %(default)s")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    builds = {"old": args.old_python, "new": args.new_python}
    best = {}
    for round_number in range(args.rounds):
        for simd in args.simd.split(","):
            order = list(builds) if round_number % 2 == 0 else list(reversed(builds))
            for build in order:
                for case, seconds in run_worker(builds[build], simd, args.threads, sizes).items():
                    key = (simd, case, build)
                    best[key] = min(best.get(key, seconds), seconds)
    print(f"{args.threads} thread(s), best of {args.rounds} rounds; ns per element (per call below 1000)")
    print(f"{'variant':8} {'case':38} {'old':>9} {'new':>9} {'new/old':>8}")
    ratios = []
    for simd, case, build in sorted(best):
        if build != "old":
            continue
        n = int(case.rsplit(" ", 1)[1])
        scale = 1e9 / n if n >= 1000 else 1e9
        old, new = best[(simd, case, "old")], best[(simd, case, "new")]
        ratios.append(new / old)
        print(f"{simd:8} {case:38} {old * scale:9.3f} {new * scale:9.3f} {new / old:8.3f}")
    ratios.sort()
    print(f"new/old: min {ratios[0]:.3f}, median {ratios[len(ratios) // 2]:.3f}, max {ratios[-1]:.3f}")


if __name__ == "__main__":
    main()
