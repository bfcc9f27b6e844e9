"""``python -m csigmoid bench``: csigmoid against the peers a user would
otherwise pick, side by side in one process on the same arrays.

Peers (each only if installed; ``pip install csigmoid[bench]`` brings scipy,
numexpr and matplotlib; torch is compared when present): the textbook NumPy
formula, scipy.special.expit, numexpr, torch (CPU), and the memory limit, a
parallel copy of the same array on the same threads.

Method: per (operation, dtype, size, threads) every contender is warmed up,
then timed in rounds that interleave the contenders (drift on a shared
machine then hits all alike); a round times enough back-to-back calls to last
a few milliseconds.  Reported: best and median per-call time over the rounds,
as nanoseconds per element.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import csigmoid
from csigmoid import _api, _cpu, _isa

OPERATIONS = (
    "sigmoid",
    "sigmoid-alloc",
    "sigmoid_and_derivative",
    "sigmoid_backward",
    "logit",
    "log_sigmoid",
)
TITLES = {
    "sigmoid": "sigmoid, into a preallocated out",
    "sigmoid-alloc": "sigmoid, allocating its result",
    "sigmoid_and_derivative": "sigmoid and derivative (fused), into preallocated outs",
    "sigmoid_backward": "sigmoid_backward (grad * y * (1 - y)), into a preallocated out",
    "logit": "logit (log(p / (1 - p)), p = sigmoid(x)), into a preallocated out",
    "log_sigmoid": "log_sigmoid (log sigma(x)), into a preallocated out",
}
PEERS = ("numpy", "scipy", "numexpr", "torch")
CSIGMOID = "csigmoid"
COPY = "copy limit"
DEFAULT_SIZES = tuple(10**k for k in range(2, 9))
ROUND_SECONDS = 0.004
# Pause before each timed batch: csigmoid and torch each bring an OpenMP
# runtime whose idle threads spin for a while after a parallel region; a
# contender started while the other's threads still spin would share the
# cores with them and be timed unfairly slow.
QUIESCE_SECONDS = 0.01

# The speed targets csigmoid is held to (BENCHMARKS.md): (operation, size,
# threads or None for all the machine's, contender measured against, factor):
# met when csigmoid <= factor * that contender.
TARGETS = (
    ("sigmoid", 100, None, "scipy expit", 1.0),
    ("sigmoid", 10**4, None, "torch", 0.6),
    ("sigmoid", 10**6, None, "torch", 0.75),
    ("sigmoid", 10**6, 1, "torch", 0.75),
    ("sigmoid", 10**8, None, COPY, {"float32": 1.15, "float64": 1.25}),
    ("sigmoid-alloc", 10**8, None, "torch", 1.0),
    ("sigmoid_and_derivative", 10**6, None, "torch", 0.5),
    ("sigmoid_and_derivative", 10**8, None, "torch", 0.5),
    ("sigmoid_and_derivative", 10**8, None, COPY, 1.7),
    ("sigmoid_backward", 10**6, None, "torch", 1.0),
    ("sigmoid_backward", 10**8, None, "torch", 1.0),
    # the logarithms: ahead of scipy and torch from 1e4 elements on
    *(
        (operation, size, None, peer, 1.0)
        for operation in ("logit", "log_sigmoid")
        for size in (10**4, 10**6, 10**8)
        for peer in ("scipy", "torch")
    ),
)


class Arrays:
    """The inputs and preallocated outputs of one case, shared by every contender."""

    def __init__(self, size, dtype, rng):
        self.x = rng.uniform(-20, 20, size).astype(dtype)
        self.grad = rng.uniform(-1, 1, size).astype(dtype)
        self.y = csigmoid.sigmoid(self.x)
        self.out = np.empty_like(self.x)
        self.out2 = np.empty_like(self.x)
        self.ones = np.ones_like(self.x)


def load_peers(wanted):
    """{peer: module} for the wanted peers that import; prints what is missing."""
    modules = {}
    for peer in wanted:
        try:
            if peer == "numpy":
                modules[peer] = np
            elif peer == "scipy":
                import scipy.special

                modules[peer] = scipy.special
            elif peer == "numexpr":
                import numexpr

                modules[peer] = numexpr
            elif peer == "torch":
                import torch

                modules[peer] = torch
        except ImportError:
            print(
                f"({peer} is not installed: not compared; `pip install csigmoid[bench]` "
                "brings scipy, numexpr and matplotlib)"
            )
    return modules


def contenders(operation, a, threads, peers):
    """{name: zero-argument callable} for one operation on the arrays `a`."""
    x, out, out2, grad, y = a.x, a.out, a.out2, a.grad, a.y
    calls = {}
    if operation == "sigmoid":
        calls[CSIGMOID] = lambda: csigmoid.sigmoid(x, out=out)
    elif operation == "sigmoid-alloc":
        calls[CSIGMOID] = lambda: csigmoid.sigmoid(x)
    elif operation == "sigmoid_and_derivative":
        calls[CSIGMOID] = lambda: csigmoid.sigmoid_and_derivative(x, out=(out, out2))
    elif operation == "sigmoid_backward":
        calls[CSIGMOID] = lambda: csigmoid.sigmoid_backward(grad, y, out=out)
    elif operation == "logit":
        calls[CSIGMOID] = lambda: csigmoid.logit(y, out=out)
    else:
        calls[CSIGMOID] = lambda: csigmoid.log_sigmoid(x, out=out)

    if "numpy" in peers:
        # the formulas as textbooks write them (allocating temporaries)
        if operation in ("sigmoid", "sigmoid-alloc"):
            calls["numpy 1/(1+exp(-x))"] = lambda: 1 / (1 + np.exp(-x))
        elif operation == "sigmoid_and_derivative":

            def numpy_fused():
                s = 1 / (1 + np.exp(-x))
                return s, s * (1 - s)

            calls["numpy 1/(1+exp(-x)), y*(1-y)"] = numpy_fused
        elif operation == "sigmoid_backward":
            calls["numpy g*y*(1-y)"] = lambda: grad * y * (1 - y)
        elif operation == "logit":
            calls["numpy log(p/(1-p))"] = lambda: np.log(y / (1 - y))
        else:
            calls["numpy -logaddexp(0,-x)"] = lambda: -np.logaddexp(0, -x)

    if "scipy" in peers:
        expit = peers["scipy"].expit
        if operation == "sigmoid":
            calls["scipy expit"] = lambda: expit(x, out=out)
        elif operation == "sigmoid-alloc":
            calls["scipy expit"] = lambda: expit(x)
        elif operation == "sigmoid_and_derivative":

            def scipy_fused():
                expit(x, out=out)
                np.subtract(1, out, out=out2)
                np.multiply(out2, out, out=out2)

            calls["scipy expit + numpy"] = scipy_fused
        elif operation == "logit":
            calls["scipy logit"] = lambda: peers["scipy"].logit(y, out=out)
        elif operation == "log_sigmoid":
            calls["scipy log_expit"] = lambda: peers["scipy"].log_expit(x, out=out)

    if "numexpr" in peers:
        ne = peers["numexpr"]
        ne.set_num_threads(threads)
        if operation == "sigmoid":
            calls["numexpr"] = lambda: ne.evaluate("1/(1+exp(-x))", local_dict={"x": x}, out=out)
        elif operation == "sigmoid-alloc":
            calls["numexpr"] = lambda: ne.evaluate("1/(1+exp(-x))", local_dict={"x": x})
        elif operation == "sigmoid_and_derivative":

            def numexpr_fused():
                ne.evaluate("1/(1+exp(-x))", local_dict={"x": x}, out=out)
                ne.evaluate("y*(1-y)", local_dict={"y": out}, out=out2)

            calls["numexpr"] = numexpr_fused
        elif operation == "sigmoid_backward":
            calls["numexpr"] = lambda: ne.evaluate("g*y*(1-y)", local_dict={"g": grad, "y": y}, out=out)
        elif operation == "logit":
            calls["numexpr"] = lambda: ne.evaluate("log(p/(1-p))", local_dict={"p": y}, out=out)
        else:
            calls["numexpr"] = lambda: ne.evaluate("-log1p(exp(-x))", local_dict={"x": x}, out=out)

    if "torch" in peers:
        torch = peers["torch"]
        torch.set_num_threads(threads)
        tx, tout, tout2 = torch.from_numpy(x), torch.from_numpy(out), torch.from_numpy(out2)
        tgrad, ty, tones = torch.from_numpy(grad), torch.from_numpy(y), torch.from_numpy(a.ones)
        grad_input = torch.ops.aten.sigmoid_backward.grad_input
        if operation == "sigmoid":
            calls["torch"] = lambda: torch.sigmoid(tx, out=tout)
        elif operation == "sigmoid-alloc":
            calls["torch"] = lambda: torch.sigmoid(tx)
        elif operation == "sigmoid_and_derivative":

            def torch_fused():
                torch.sigmoid(tx, out=tout)
                grad_input(tones, tout, grad_input=tout2)

            calls["torch"] = torch_fused
        elif operation == "sigmoid_backward":
            calls["torch"] = lambda: grad_input(tgrad, ty, grad_input=tout)
        elif operation == "logit":
            calls["torch"] = lambda: torch.logit(ty, out=tout)
        else:
            # torch.nn.functional.logsigmoid, with an out argument
            calls["torch"] = lambda: torch._C._nn.log_sigmoid(tx, out=tout)

    if operation != "sigmoid-alloc":
        calls[COPY] = lambda: _api.parallel_copy(x, out2 if operation == "sigmoid" else out)
    return calls


def calls_per_round(call):
    """Warm `call` up; return how many back-to-back calls last about ROUND_SECONDS."""
    call()
    start = time.perf_counter()
    call()
    once = time.perf_counter() - start
    return max(1, min(10_000, int(ROUND_SECONDS / max(once, 1e-9))))


def time_case(calls, rounds):
    """{name: [seconds per call, one per round]}, the contenders interleaved."""
    batch = {name: calls_per_round(call) for name, call in calls.items()}
    times = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            count = batch[name]
            time.sleep(QUIESCE_SECONDS)
            start = time.perf_counter()
            for _ in range(count):
                call()
            times[name].append((time.perf_counter() - start) / count)
    return times


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine(peers):
    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "csigmoid": csigmoid.__version__,
    }
    for peer, module in peers.items():
        if peer == "scipy":
            import scipy

            versions[peer] = scipy.__version__
        elif peer != "numpy":
            versions[peer] = module.__version__
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "kernel_variant": _isa.current_variant(),
        "openmp": _cpu.openmp_runtime(),
        "max_threads": _cpu.max_threads(),
        "versions": versions,
    }


def per_element(seconds, size):
    return seconds / size * 1e9


def print_table(operation, dtype, threads, rows):
    """rows: [(size, {name: [seconds...]})] for one operation/dtype/threads."""
    names = list(rows[0][1])
    peers = [n for n in names if n not in (CSIGMOID, COPY)]
    print(f"\n### {TITLES[operation]}: {dtype}, {threads} thread{'s' if threads > 1 else ''}\n")
    print("ns per element, best of rounds (median in brackets).\n")
    header = ["size", *names]
    if peers:
        header.append("csigmoid / best peer")
    if COPY in names:
        header.append("csigmoid / copy")
    print("| " + " | ".join(header) + " |")
    print("|" + "---:|" * len(header))
    for size, times in rows:
        best = {n: per_element(min(t), size) for n, t in times.items()}
        cells = [f"{size:.0e}".replace("e+0", "e")]
        for n in names:
            cells.append(f"{best[n]:.3g} ({per_element(statistics.median(times[n]), size):.3g})")
        if peers:
            cells.append(f"{best[CSIGMOID] / min(best[p] for p in peers):.2f}")
        if COPY in names:
            cells.append(f"{best[CSIGMOID] / best[COPY]:.2f}")
        print("| " + " | ".join(cells) + " |")


def check_targets(results, all_threads):
    """Print each speed target that this run measured: met or not, with figures.
    A target without a thread count is for `all_threads` (the machine's)."""
    index = {(r["operation"], r["dtype"], r["size"], r["threads"], r["contender"]): r for r in results}
    lines = []
    for operation, size, threads, against, factor in TARGETS:
        threads = threads or all_threads
        for dtype in ("float32", "float64"):
            mine = index.get((operation, dtype, size, threads, CSIGMOID))
            peer = next(
                (
                    r
                    for (o, d, s, t, c), r in index.items()
                    if (o, d, s, t) == (operation, dtype, size, threads) and c.startswith(against)
                ),
                None,
            )
            if mine is None or peer is None:
                continue
            limit = factor[dtype] if isinstance(factor, dict) else factor
            ratio = mine["best_ns_per_element"] / peer["best_ns_per_element"]
            lines.append(
                f"| {operation} | {dtype} | {size:.0e} | {threads} | <= {limit:g} x {against} "
                f"| {ratio:.2f} | {'met' if ratio <= limit else '**not met**'} |".replace("e+0", "e")
            )
    if lines:
        print("\n### Targets\n")
        print("| operation | dtype | size | threads | target | measured | |")
        print("|---|---|---:|---:|---|---:|---|")
        print("\n".join(lines))


def plot(results, path):
    import matplotlib  # there: parse_args checked

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    operations = [o for o in OPERATIONS if any(r["operation"] == o for r in results)]
    dtypes = sorted({r["dtype"] for r in results})
    figure, axes = plt.subplots(
        len(operations), len(dtypes), squeeze=False, figsize=(6.5 * len(dtypes), 4.2 * len(operations))
    )
    for row, operation in enumerate(operations):
        for col, dtype in enumerate(dtypes):
            ax = axes[row][col]
            mine = [r for r in results if (r["operation"], r["dtype"]) == (operation, dtype)]
            for threads in sorted({r["threads"] for r in mine}, reverse=True):
                for name in dict.fromkeys(r["contender"] for r in mine):
                    points = sorted(
                        (r["size"], r["best_ns_per_element"])
                        for r in mine
                        if (r["contender"], r["threads"]) == (name, threads)
                    )
                    if not points:
                        continue
                    style = {"linewidth": 2.5} if name == CSIGMOID else {}
                    if name == COPY:
                        style = {"linestyle": "--", "color": "gray"}
                    ax.plot(*zip(*points), marker="o", label=f"{name} ({threads} thr)", **style)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{TITLES[operation]}\n{dtype}", fontsize=9)
            ax.set_xlabel("elements")
            ax.set_ylabel("ns per element")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"plot written to {path}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m csigmoid bench",
        description="Time csigmoid against the NumPy formula, scipy, numexpr, torch and the "
        "memory (copy) limit, side by side in one process.",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(f"{s:.0e}" for s in DEFAULT_SIZES),
        help="comma-separated array sizes, e.g. 1e2,1e4,1e6 (default: %(default)s)",
    )
    parser.add_argument("--dtypes", default="float32,float64", help="default: %(default)s")
    parser.add_argument(
        "--threads",
        default=str(_cpu.max_threads()),
        help="comma-separated thread counts for every contender (default: OpenMP's maximum, %(default)s)",
    )
    parser.add_argument(
        "--ops", default=",".join(OPERATIONS), help="operations to time (default: %(default)s)"
    )
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="peers to compare with, when installed (default: %(default)s)",
    )
    parser.add_argument(
        "--rounds", type=int, default=7, help="timed rounds per contender (default: %(default)s)"
    )
    parser.add_argument("--json", metavar="FILE", help="save the raw figures as JSON")
    parser.add_argument("--plot", metavar="FILE.png", help="draw ns/element against size (needs matplotlib)")
    args = parser.parse_args(argv)

    def choices(text, allowed, what):
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown or not items:
            parser.error(f"{what}: expected some of {', '.join(allowed)}; got {text!r}")
        return items

    try:
        args.sizes = [int(float(s)) for s in args.sizes.split(",")]
        args.threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error("--sizes and --threads take comma-separated numbers")
    if min(args.sizes) < 1 or min(args.threads) < 1 or args.rounds < 1:
        parser.error("sizes, threads and rounds must be >= 1")
    args.dtypes = choices(args.dtypes, ("float32", "float64"), "--dtypes")
    args.ops = choices(args.ops, OPERATIONS, "--ops")
    args.peers = choices(args.peers, PEERS, "--peers")
    if args.plot:
        # say so now, not after minutes of timing
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            parser.error('--plot needs matplotlib: python -m pip install "csigmoid[bench]"')
    return args


def progress(text):
    """One progress line on stderr: rewritten in place on a terminal, one line per step in a log."""
    if sys.stderr.isatty():
        print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
    elif text:
        print(text, file=sys.stderr, flush=True)


def main(argv):
    args = parse_args(argv)
    peers = load_peers(args.peers)
    machine = describe_machine(peers)
    print(
        f"csigmoid {csigmoid.__version__} bench: {machine['cpu']}, {machine['logical_cpus']} "
        f"logical CPUs, kernel variant {machine['kernel_variant']}, {machine['openmp']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
    print(f"command: python -m csigmoid bench {' '.join(argv)}".rstrip())

    rng = np.random.default_rng(0)
    results = []
    cases = [(t, d, o) for t in args.threads for d in args.dtypes for o in args.ops]
    total, done = len(cases) * len(args.sizes), 0
    for threads, dtype, operation in cases:
        rows = []
        for size in args.sizes:
            done += 1
            progress(f"[{done}/{total}] {operation} {dtype} {size:.0e} on {threads} threads ...")
            arrays = Arrays(size, dtype, rng)
            # csigmoid's calls (and the copy limit) on `threads` threads
            with csigmoid.threads(threads):
                times = time_case(contenders(operation, arrays, threads, peers), args.rounds)
            del arrays
            rows.append((size, times))
            for name, seconds in times.items():
                results.append(
                    {
                        "operation": operation,
                        "dtype": dtype,
                        "size": size,
                        "threads": threads,
                        "contender": name,
                        "seconds_per_call": seconds,
                        "best_ns_per_element": per_element(min(seconds), size),
                        "median_ns_per_element": per_element(statistics.median(seconds), size),
                    }
                )
        progress("")
        print_table(operation, dtype, threads, rows)
    # read at the start: torch.set_num_threads can change OpenMP's maximum in this process
    check_targets(results, machine["max_threads"])

    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "command": ["python", "-m", "csigmoid", "bench", *argv],
                    "machine": machine,
                    "results": results,
                },
                f,
                indent=1,
            )
        print(f"\nraw figures written to {args.json}")
    if args.plot:
        plot(results, args.plot)
    return 0
