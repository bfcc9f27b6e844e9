"""``python -m csigmoid``: configuration, a self-check against stored
high-precision values, and a short speed table against the NumPy formula
(and scipy.special.expit when installed).  Takes a few seconds.

``python -m csigmoid bench [options]``: the full side-by-side benchmark
(csigmoid._bench.peers).

``python -m csigmoid bench --contention [options]``: csigmoid when other
threads want the cores (csigmoid._bench.contention).

``python -m csigmoid plot [FILE]``: sigma and sigma' on one figure, with the
regions where gradients vanish shaded (csigmoid._bench.plot; needs matplotlib).

``--help`` describes each; ``--version`` prints csigmoid's version.
"""

import argparse
import sys
import time
from functools import partial

import numpy as np

import csigmoid
from csigmoid._reference import STORED, ulp_error

# The accuracy bounds csigmoid promises (ulps), checked here on the stored points.
BOUNDS = {"sigmoid": 2.0, "sigmoid_derivative": 4.0}
SIZES = (1_000, 100_000, 1_000_000, 10_000_000)


def check_stored_values():
    """Compare both kernels' results at the stored points; return True if all are in bounds."""
    print("\nSelf-check against stored 40-digit values (max error in ulps):")
    ok = True
    xs = np.array(sorted(STORED), dtype=np.float64)
    for dtype in (np.float32, np.float64):
        y, dy = csigmoid.sigmoid_and_derivative(xs.astype(dtype))
        for name, values, column in (("sigmoid", y, 0), ("sigmoid_derivative", dy, 1)):
            errors = [ulp_error(v, STORED[x][column], dtype) for x, v in zip(xs.tolist(), values)]
            worst = max(errors)
            passed = worst <= BOUNDS[name]
            ok &= passed
            print(
                f"  {np.dtype(dtype).name:>8} {name:<19} {worst:6.3f} ulp  "
                f"(bound {BOUNDS[name]:g})  {'ok' if passed else 'FAILED'}"
            )
    return ok


def best_time(fn, budget):
    """Best of repeated calls within about `budget` seconds (at least 3 calls)."""
    best, spent, calls = float("inf"), 0.0, 0
    while calls < 3 or spent < budget:
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best, spent, calls = min(best, elapsed), spent + elapsed, calls + 1
    return best


def speed_table():
    contenders = {
        "csigmoid": lambda x, out: csigmoid.sigmoid(x, out=out),
        "numpy 1/(1+exp(-x))": lambda x, out: 1 / (1 + np.exp(-x)),
    }
    try:
        from scipy.special import expit
    except ImportError:
        print("\n(scipy not installed: scipy.special.expit not compared)")
    else:
        contenders["scipy expit"] = lambda x, out: expit(x, out=out)
    names = list(contenders)
    print(
        f"\nSpeed, ns per element (best of repeats; {csigmoid._cpu.features.max_threads()} threads, "
        f"kernel {csigmoid._cpu.variants.current_variant()}):"
    )
    print(f"  {'dtype':>8} {'size':>10}" + "".join(f"{n:>21}" for n in names) + "   csigmoid speed-up")
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for n in SIZES:
            x = rng.uniform(-20, 20, n).astype(dtype)
            out = np.empty_like(x)
            times = {name: float("inf") for name in names}
            # interleave the contenders so that drift on a shared machine hits all alike
            for _ in range(3):
                for name in names:
                    times[name] = min(times[name], best_time(partial(contenders[name], x, out), 0.02))
            per_element = {name: times[name] / n * 1e9 for name in names}
            others = min(per_element[name] for name in names[1:])
            print(
                f"  {np.dtype(dtype).name:>8} {n:>10,}"
                + "".join(f"{per_element[name]:>21.3f}" for name in names)
                + f"   x{others / per_element['csigmoid']:.1f} vs best other"
            )


def command_line():
    """The top-level parser.  Each command's options belong to its own module's
    parser, which gets the rest of the command line (so ``bench --help`` is
    bench's help)."""
    parser = argparse.ArgumentParser(
        prog="python -m csigmoid",
        usage="%(prog)s [-h] [--version] [COMMAND ...]",
        description="Without a command: csigmoid's configuration, a self-check of sigma and "
        "sigma' against stored 40-digit values, and a short speed table against the NumPy "
        "formula (and scipy.special.expit when installed); a few seconds.",
        epilog="python -m csigmoid COMMAND --help describes a command's options.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"csigmoid {csigmoid.__version__}",
        help="print csigmoid's version and exit",
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    commands.add_parser(
        "bench",
        add_help=False,
        help="time csigmoid against the NumPy formula, scipy, numexpr, numba, torch, JAX and "
        "the copy limit, each in a process of its own; with --contention, when other threads "
        "want the cores",
    )
    commands.add_parser(
        "plot",
        add_help=False,
        help="draw sigma and sigma' over [-10, 10], shading where gradients vanish (needs matplotlib)",
    )
    return parser


def main(argv):
    parser = command_line()
    args, rest = parser.parse_known_args(argv)
    if args.command == "bench" and "--contention" in rest:
        from csigmoid._bench import contention

        rest.remove("--contention")
        return contention.main(rest)
    if args.command == "bench":
        from csigmoid._bench import peers

        return peers.main(rest)
    if args.command == "plot":
        from csigmoid._bench import plot

        return plot.main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    csigmoid.show_config()
    ok = check_stored_values()
    speed_table()
    if not ok:
        print("\nSELF-CHECK FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
