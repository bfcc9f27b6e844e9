"""``python -m csigmoid bench``: csigmoid against the peers a user would
otherwise pick, on the same arrays, each contender in a process of its own.

Peers (each only if installed; ``pip install csigmoid[bench]`` brings scipy,
numexpr and matplotlib; numba, torch and JAX are compared when present): the
textbook NumPy formula, scipy.special, numexpr, numba (the textbook formula
as a ``@vectorize(target='parallel')`` ufunc), torch (CPU), JAX (``jit``; it
always allocates its result), and the memory limit, a copy of the same array
(csigmoid._bench.copy_limit) on the same threads or on one, whichever is
faster.

The tables give each contender's nanoseconds per element and csigmoid's
ratio to the best peer and to the copy.  ``--targets`` adds the project's own
speed targets (TARGETS below), met or not; BENCHMARKS.md records them.

Method: for each thread count, the contenders are timed one after another,
each by a fresh worker process (csigmoid._bench.worker) that imports only
its own library.  So no other library's thread pool exists while a
contender runs: pools spin for a while after their calls, and one still
spinning shares the cores with whoever runs next.  The whole sequence is
repeated `--rounds` times, in reverse order every other time, and each
worker times every case in batches of back-to-back calls lasting about 2 ms,
for `--case-seconds` (three batches at least).  Reported: the
best and the median per-call time over all batches, as nanoseconds per
element.  Each worker's environment sets every
library's thread count (OMP_NUM_THREADS and the libraries' own variables),
and the worker sets it again through the library's API.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

import csigmoid
from csigmoid._bench import plot as figures
from csigmoid._bench.worker import COPY, CSIGMOID, NOT_INSTALLED, PEERS
from csigmoid._cpu import features, variants
from csigmoid._operations import OPERATIONS as TABLE

# The operations the table of operations marks for the benchmark, in its
# order; an allocating one is also timed allocating its result, as "<name>-alloc".
BENCHED = tuple(operation for operation in TABLE if operation.bench is not None)
OPERATIONS = tuple(
    name
    for operation in BENCHED
    for name in (operation.name, *([f"{operation.name}-alloc"] if operation.bench.allocating else []))
)
TITLES = {
    **{
        operation.name: f"{operation.bench.title}, into "
        + ("preallocated outs" if operation.nout > 1 else "a preallocated out")
        for operation in BENCHED
    },
    **{
        f"{operation.name}-alloc": f"{operation.name}, allocating its result"
        for operation in BENCHED
        if operation.bench.allocating
    },
}
# What each peer computes, where the table's column name does not say it.
LABELS = {
    "numpy": "numpy (textbook formula)",
    "scipy": "scipy",
    "numexpr": "numexpr",
    "numba": "numba",
    "torch": "torch",
    "jax": "jax (allocates)",
}
DEFAULT_SIZES = tuple(10**k for k in range(2, 9))
BATCHES = 3  # timed batches per case in each worker, per round, at least

# The project's speed targets, judged only on request (--targets): (operation,
# size, threads or None for all the machine's, contender measured against,
# factor): met when csigmoid <= factor * that contender.  A factor may depend
# on the dtype or on the kernel variant.
TARGETS = (
    ("sigmoid", 100, None, "scipy", 1.0),
    ("sigmoid", 10**4, None, "torch", 0.6),
    ("sigmoid", 10**5, 1, "torch", 0.8),
    ("sigmoid", 10**6, None, "torch", 0.75),
    ("sigmoid", 10**6, 1, "torch", 0.75),
    (
        "sigmoid",
        10**8,
        None,
        COPY,
        {"float32": 1.15, "float64": {"avx512": 1.15, "avx2": 1.6, "baseline": 1.25}},
    ),
    ("sigmoid-alloc", 10**8, None, "torch", 1.0),
    ("sigmoid_and_derivative", 10**5, 1, "torch", 0.75),
    ("sigmoid_and_derivative", 10**6, None, "torch", 0.5),
    ("sigmoid_and_derivative", 10**8, None, "torch", 0.6),
    ("sigmoid_and_derivative", 10**8, None, COPY, 1.7),
    ("sigmoid_backward", 10**6, None, "torch", 1.0),
    ("sigmoid_backward", 10**8, None, "torch", 1.0),
    # ahead of scipy and torch from 1e4 elements on
    *(
        (operation, size, None, peer, 1.0)
        for operation in ("logit", "log_sigmoid")
        for size in (10**4, 10**6, 10**8)
        for peer in ("scipy", "torch")
    ),
)


def target_factor(factor, dtype, variant):
    if isinstance(factor, dict):
        factor = factor[dtype]
    if isinstance(factor, dict):
        factor = factor[variant]
    return factor


def worker_environment(threads):
    """The environment of a worker on `threads` threads: every library's own switch."""
    env = dict(os.environ)
    for name in (
        "OMP_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "NUMEXPR_MAX_THREADS",
        "NUMBA_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
    ):
        env[name] = str(threads)
    # XLA's CPU client: one intra-op thread, or its default (all cores)
    if threads == 1:
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {flags}".strip()
    return env


def run_worker(contender, threads, args):
    """Run one worker; return (version, results) or None if its library is not installed."""
    spec = {
        "contender": contender,
        "threads": threads,
        "sizes": args.sizes,
        "dtypes": args.dtypes,
        "ops": args.ops,
        "batches": BATCHES,
        "case_seconds": args.case_seconds,
    }
    # the same interpreter flags (-P keeps a source checkout off sys.path)
    command = [
        sys.executable,
        *(["-P"] if getattr(sys.flags, "safe_path", False) else []),
        "-m",
        "csigmoid._bench.worker",
        json.dumps(spec),
    ]
    done = subprocess.run(command, env=worker_environment(threads), capture_output=True, text=True)
    if done.returncode == NOT_INSTALLED and contender not in (CSIGMOID, COPY):
        return None
    if done.returncode != 0:
        raise RuntimeError(f"the {contender} worker failed:\n{done.stderr}")
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return lines[0]["version"], lines[1:]


def measure(args, threads, contenders, say):
    """{contender: {(operation, dtype, size): [seconds...]}} over all rounds, and
    {contender: version}; contenders that turn out not installed are dropped."""
    times, versions = {}, {}
    for round_index in range(args.rounds):
        order = contenders if round_index % 2 == 0 else contenders[::-1]
        for contender in order:
            if contender in versions and versions[contender] is None:
                continue
            say(
                f"round {round_index + 1}/{args.rounds}, {threads} thread"
                f"{'s' if threads > 1 else ''}: {contender} ..."
            )
            outcome = run_worker(contender, threads, args)
            if outcome is None:
                versions[contender] = None
                continue
            versions[contender] = outcome[0]
            for record in outcome[1]:
                key = (record["operation"], record["dtype"], record["size"])
                times.setdefault(contender, {}).setdefault(key, []).extend(record["seconds_per_call"])
    missing = [c for c, v in versions.items() if v is None]
    if missing:
        print(
            f"(not installed, not compared: {', '.join(missing)}; `pip install "
            f"csigmoid[bench]` brings scipy, numexpr and matplotlib)"
        )
    return times, {c: v for c, v in versions.items() if v is not None}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe_machine():
    return {
        "cpu": cpu_model(),
        "logical_cpus": os.cpu_count(),
        "platform": platform.platform(),
        "kernel_variant": variants.current_variant(),
        "openmp": features.openmp_runtime(),
        "max_threads": features.max_threads(),
        "load_average_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "versions": {"python": platform.python_version()},
    }


def per_element(seconds, size):
    return seconds / size * 1e9


def label(contender):
    return LABELS.get(contender, contender)


def print_table(operation, dtype, threads, rows):
    """rows: [(size, {contender: [seconds...]})] for one operation/dtype/threads."""
    names = list(dict.fromkeys(name for _, times in rows for name in times))
    peers = [n for n in names if n not in (CSIGMOID, COPY)]
    print(f"\n### {TITLES[operation]}: {dtype}, {threads} thread{'s' if threads > 1 else ''}\n")
    print("ns per element, best of all batches (median in brackets).\n")
    header = ["size", *map(label, names)]
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
            cells.append(
                f"{best[n]:.3g} ({per_element(statistics.median(times[n]), size):.3g})" if n in times else ""
            )
        present = [p for p in peers if p in times]
        if peers:
            cells.append(f"{best[CSIGMOID] / min(best[p] for p in present):.2f}" if present else "")
        if COPY in names:
            cells.append(f"{best[CSIGMOID] / best[COPY]:.2f}" if COPY in times else "")
        print("| " + " | ".join(cells) + " |")


def check_targets(results, all_threads, variant):
    """Print each target that this run measured: met or not, with figures.
    A target without a thread count is for `all_threads` (the machine's)."""
    index = {(r["operation"], r["dtype"], r["size"], r["threads"], r["contender"]): r for r in results}
    lines = []
    for operation, size, threads, against, factor in TARGETS:
        threads = threads or all_threads
        for dtype in ("float32", "float64"):
            mine = index.get((operation, dtype, size, threads, CSIGMOID))
            peer = index.get((operation, dtype, size, threads, against))
            if mine is None or peer is None:
                continue
            limit = target_factor(factor, dtype, variant)
            ratio = mine["best_ns_per_element"] / peer["best_ns_per_element"]
            lines.append(
                f"| {operation} | {dtype} | {size:.0e} | {threads} | <= {limit:g} x {against} "
                f"| {ratio:.2f} | {'met' if ratio <= limit else '**not met**'} |".replace("e+0", "e")
            )
    if lines:
        print(f"\n### Targets (kernel variant {variant})\n")
        print("| operation | dtype | size | threads | target | measured | |")
        print("|---|---|---:|---:|---|---:|---|")
        print("\n".join(lines))


def plot(results, path):
    """ns/element against size, one panel per operation and dtype: a colour per
    contender, solid lines on all threads, dotted on one."""
    import matplotlib  # there: parse_args checked

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    operations = [o for o in OPERATIONS if any(r["operation"] == o for r in results)]
    dtypes = sorted({r["dtype"] for r in results})
    contenders = list(dict.fromkeys(r["contender"] for r in results))
    colours = {c: plt.get_cmap("tab10")(i % 10) for i, c in enumerate(contenders)}
    colours[COPY] = "gray"
    most = max(r["threads"] for r in results)
    figure, axes = plt.subplots(
        len(operations), len(dtypes), squeeze=False, figsize=(6.5 * len(dtypes), 4.2 * len(operations))
    )
    for row, operation in enumerate(operations):
        for col, dtype in enumerate(dtypes):
            ax = axes[row][col]
            mine = [r for r in results if (r["operation"], r["dtype"]) == (operation, dtype)]
            for threads in sorted({r["threads"] for r in mine}, reverse=True):
                for name in contenders:
                    points = sorted(
                        (r["size"], r["best_ns_per_element"])
                        for r in mine
                        if (r["contender"], r["threads"]) == (name, threads)
                    )
                    if not points:
                        continue
                    ax.plot(
                        *zip(*points),
                        marker="o",
                        markersize=3,
                        color=colours[name],
                        linewidth=2.5 if name == CSIGMOID else 1.2,
                        linestyle="-" if threads == most else ":",
                        label=f"{label(name)} ({threads} thr)",
                    )
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{TITLES[operation]}\n{dtype}", fontsize=9)
            ax.set_xlabel("elements")
            ax.set_ylabel("ns per element")
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(fontsize=6, ncol=2)
    figure.tight_layout()
    figures.save(figure, path)
    plt.close(figure)
    print(f"plot written to {path}")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m csigmoid bench",
        description="Time csigmoid against the NumPy formula, scipy, numexpr, numba, torch, JAX "
        "and the memory (copy) limit, each contender in a process of its own: ns per element, "
        "and csigmoid's time over the best peer's and over the copy's.",
        epilog="python -m csigmoid bench --contention [--help]: csigmoid when other threads "
        "want the cores (its own options).",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(f"{s:.0e}" for s in DEFAULT_SIZES),
        help="comma-separated array sizes, e.g. 1e2,1e4,1e6 (default: %(default)s)",
    )
    parser.add_argument("--dtypes", default="float32,float64", help="default: %(default)s")
    all_threads = str(features.max_threads())
    parser.add_argument(
        "--threads",
        default=",".join(dict.fromkeys(["1", all_threads])),
        help="comma-separated thread counts for every contender "
        "(default: one, and OpenMP's maximum: %(default)s)",
    )
    parser.add_argument(
        "--ops", default=",".join(OPERATIONS), help="operations to time (default: %(default)s)"
    )
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="peers to compare with, when installed, in this order (default: %(default)s)",
    )
    parser.add_argument("--no-copy", action="store_true", help="leave out the copy limit")
    parser.add_argument(
        "--rounds", type=int, default=3, help="times each contender's worker runs (default: %(default)s)"
    )
    parser.add_argument(
        "--case-seconds",
        type=float,
        default=0.25,
        help=f"time each worker spends on each case, in batches of about 2 ms "
        f"(at least {BATCHES} batches; default: %(default)s)",
    )
    parser.add_argument(
        "--targets",
        action="store_true",
        help="also judge the project's speed targets (BENCHMARKS.md) on the figures",
    )
    parser.add_argument("--json", metavar="FILE", help="save the raw figures as JSON")
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="draw ns/element against size, in the format the suffix names (png, svg, pdf, ...; "
        "needs matplotlib)",
    )
    args = parser.parse_args(argv)

    def choices(text, allowed, what):
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown or not items:
            parser.error(f"{what}: expected some of {', '.join(allowed)}; got {text!r}")
        return list(dict.fromkeys(items))

    try:
        args.sizes = [int(float(s)) for s in args.sizes.split(",")]
        args.threads = [int(t) for t in args.threads.split(",")]
    except ValueError:
        parser.error("--sizes and --threads take comma-separated numbers")
    if min(args.sizes) < 1 or min(args.threads) < 1 or args.rounds < 1:
        parser.error("sizes, threads and rounds must be >= 1")
    if not args.case_seconds >= 0:
        parser.error("--case-seconds must be >= 0")
    args.dtypes = choices(args.dtypes, ("float32", "float64"), "--dtypes")
    args.ops = choices(args.ops, OPERATIONS, "--ops")
    args.peers = choices(args.peers, PEERS, "--peers")
    # say so now, not after minutes of timing
    for option, path in (("--json", args.json), ("--plot", args.plot)):
        folder = path and figures.missing_folder(path)
        if folder:
            parser.error(f"{option}: the folder {folder} does not exist (create it first)")
    if args.plot:
        try:
            import matplotlib  # noqa: F401
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            parser.error('--plot needs matplotlib: python -m pip install "csigmoid[bench]"')
        try:
            figures.figure_format(args.plot, FigureCanvasBase.get_supported_filetypes())
        except ValueError as error:
            parser.error(f"--plot: {error}")
    return args


def progress(text):
    """One progress line on stderr: rewritten in place on a terminal, one line per step in a log."""
    if sys.stderr.isatty():
        print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
    elif text:
        print(text, file=sys.stderr, flush=True)


def main(argv):
    args = parse_args(argv)
    machine = describe_machine()
    print(
        f"csigmoid {csigmoid.__version__} bench: {machine['cpu']}, {machine['logical_cpus']} "
        f"logical CPUs, kernel variant {machine['kernel_variant']}, {machine['openmp']}"
    )
    print(f"command: python -m csigmoid bench {' '.join(argv)}".rstrip())
    if machine["load_average_start"]:
        load = ", ".join(f"{v:.2f}" for v in machine["load_average_start"])
        print(f"load average at the start: {load}")

    contenders = [CSIGMOID, *args.peers, *([] if args.no_copy else [COPY])]
    results, versions = [], {}
    for threads in args.threads:
        times, found = measure(args, threads, contenders, progress)
        versions.update(found)
        for operation in args.ops:
            for dtype in args.dtypes:
                rows = []
                for size in args.sizes:
                    row = {
                        c: times[c][operation, dtype, size]
                        for c in contenders
                        if (operation, dtype, size) in times.get(c, {})
                    }
                    rows.append((size, row))
                    for contender, seconds in row.items():
                        results.append(
                            {
                                "operation": operation,
                                "dtype": dtype,
                                "size": size,
                                "threads": threads,
                                "contender": contender,
                                "seconds_per_call": seconds,
                                "best_ns_per_element": per_element(min(seconds), size),
                                "median_ns_per_element": per_element(statistics.median(seconds), size),
                            }
                        )
                progress("")
                print_table(operation, dtype, threads, rows)
    machine["versions"].update({c: v for c, v in versions.items() if c != COPY})
    machine["load_average_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    print("\nversions: " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()))
    if machine["load_average_end"]:
        load = ", ".join(f"{v:.2f}" for v in machine["load_average_end"])
        print(f"load average at the end: {load}")
    if args.targets:
        check_targets(results, machine["max_threads"], machine["kernel_variant"])

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
