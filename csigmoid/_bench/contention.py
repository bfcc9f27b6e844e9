"""``python -m csigmoid bench --contention``: csigmoid when other threads want
the cores.

Scenarios (each contender in fresh processes, so that no thread pool or
backoff left by one run touches the next):

- ``matmul``: in one process, ``np.matmul(X, w, out=z)`` then
  ``sigmoid(z, out=o)`` (X float32 of SIZE x 32 rows), timing the sigmoid
  call only: NumPy's BLAS threads are still spinning right after the product.
  Against the same call with no product before it.
- ``processes``: K processes at once, one per usable CPU, each calling
  ``sigmoid`` on SIZE float64 elements in a loop (a process pool, web
  workers); aggregate throughput.  Against one process alone.
- ``beside``: one such process beside K - 1 busy ones (pure CPU loops).
- ``quota``: one such process in a cgroup with a quota of one CPU (created
  for the run under the cgroup v1 ``cpu`` hierarchy or cgroup v2; skipped
  where that is not allowed).

Contenders: csigmoid with its default thread count, csigmoid on one thread
(``csigmoid.threads(1)``), and torch.sigmoid with torch's default threads
when torch is installed.  Each process warms up, then all of a scenario's
processes start together and call for SECONDS; the contenders alternate,
REPEAT runs each.  Reported: throughput (Gelem/s) and the median, p90 and
p99 of the call times (medians over the runs), with the targets csigmoid
holds itself to (ratios to the one-thread figures of the same run).
"""

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from csigmoid._cpu import usable

SCENARIOS = ("matmul", "processes", "beside", "quota")
DEFAULT, ONE_THREAD, TORCH = "csigmoid", "csigmoid 1 thread", "torch"
CONTENDERS = (DEFAULT, ONE_THREAD, TORCH)
DEFAULT_SIZES = (100_000, 1_000_000)
MATMUL_COLUMNS = 32
# each process calls for this long (or the measured time, if shorter) before the measurement
WARM_UP_SECONDS = 0.5
QUOTA_PERIOD_US = 100_000


# --- the child processes -------------------------------------------------------------


def sigmoid_call(contender, x, out):
    """A no-argument function computing sigmoid(x) into out, and the context it runs in."""
    if contender == TORCH:
        import torch

        tx, tout = torch.from_numpy(x), torch.from_numpy(out)
        return (lambda: torch.sigmoid(tx, out=tout)), contextlib.nullcontext()
    import csigmoid

    threads = csigmoid.threads(1) if contender == ONE_THREAD else contextlib.nullcontext()
    return (lambda: csigmoid.sigmoid(x, out=out)), threads


def child(spec):
    """Run one process's part of a scenario: warm up, say "ready" on stdout,
    read the start time (time.monotonic) from stdin, call until it is
    `seconds` later, print a JSON report."""
    n, rng = spec["size"], np.random.default_rng(0)
    before = None
    if spec["scores"]:
        X = rng.standard_normal((n, MATMUL_COLUMNS)).astype(np.float32)
        w = rng.standard_normal(MATMUL_COLUMNS).astype(np.float32)
        x = np.matmul(X, w)
        if spec["matmul"]:

            def before():
                np.matmul(X, w, out=x)
    else:
        x = rng.uniform(-20, 20, n)
    out = np.empty_like(x)
    call, context = sigmoid_call(spec["contender"], x, out)
    with context:
        loop(call, before, time.monotonic() + min(WARM_UP_SECONDS, spec["seconds"]))
        print("ready", flush=True)
        start = float(sys.stdin.readline())
        time.sleep(max(start - time.monotonic(), 0.0))
        times = loop(call, before, start + spec["seconds"])
        wall = time.monotonic() - start
        report = {
            "calls": len(times),
            "wall": wall,
            "gelem_per_s": n * len(times) / wall / 1e9,
            **percentiles(times),
        }
        if spec["contender"] != TORCH:
            from csigmoid._parallel import policy

            report["max_threads"] = policy.max_threads()
            report["threads_from"] = policy.max_threads_source()
            report["usable"] = usable.USABLE.detail
    print(json.dumps(report), flush=True)


def loop(call, before, until):
    """Call (after `before`, if any) until time.monotonic() passes `until`; the call times."""
    times = []
    clock = time.perf_counter
    while time.monotonic() < until:
        if before is not None:
            before()
        start = clock()
        call()
        times.append(clock() - start)
    return times


def percentiles(times):
    ordered = sorted(times)

    def at(fraction):
        return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)]

    return {"median_us": statistics.median(ordered) * 1e6, "p90_us": at(0.90) * 1e6, "p99_us": at(0.99) * 1e6}


# --- the parent: starting processes, cgroups ------------------------------------------


def python_command():
    return [sys.executable] + (["-P"] if getattr(sys.flags, "safe_path", False) else [])


def run_together(specs, busy=0, cgroup_procs=None):
    """Start one child per spec (and `busy` pure CPU loops), let them warm up,
    start them at one moment; their reports."""
    command = python_command() + ["-m", "csigmoid._bench.contention", "--child"]
    if cgroup_procs is not None:
        # the child enters the group before Python starts, so csigmoid's import sees the quota
        command = ["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(cgroup_procs)] + command
    spinners = [subprocess.Popen(python_command() + ["-c", "while True: pass"]) for _ in range(busy)]
    children = [
        subprocess.Popen(
            command + [json.dumps(spec)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for spec in specs
    ]
    try:
        for process in children:
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a benchmark process failed before starting ({process.args})")
        start = time.monotonic() + 0.05
        for process in children:
            process.stdin.write(f"{start!r}\n")
            process.stdin.flush()
        reports = [json.loads(process.stdout.readline()) for process in children]
    finally:
        for process in spinners:
            process.kill()
        for process in children + spinners:
            process.wait()
    return reports


@contextlib.contextmanager
def cpu_quota_group(cpus=1, root=Path(usable.CGROUP_ROOT)):
    """A new cgroup whose CPU quota is `cpus` CPUs, for the duration of the
    block: yields its cgroup.procs file (write a pid there to move a
    process in), or a string saying why no group could be made.  cgroup v1
    (the ``cpu`` hierarchy) where the machine has it, else v2."""
    quota = str(int(cpus * QUOTA_PERIOD_US))
    v1 = usable._v1_cpu_mount(root)
    name = f"csigmoid-bench-{os.getpid()}"
    group = Path(v1 if v1 is not None else root) / name
    if v1 is None and "cpu" not in _read(root / "cgroup.subtree_control").split():
        yield f"no cgroup v1 cpu hierarchy and no cpu controller for v2 children under {root}"
        return
    try:
        group.mkdir()
    except OSError as error:
        yield f"cannot create a cgroup at {group}: {error.strerror}"
        return
    try:
        try:
            if v1 is not None:
                (group / "cpu.cfs_period_us").write_text(str(QUOTA_PERIOD_US))
                (group / "cpu.cfs_quota_us").write_text(quota)
            else:
                (group / "cpu.max").write_text(f"{quota} {QUOTA_PERIOD_US}")
        except OSError as error:
            yield f"cannot set a CPU quota in {group}: {error.strerror}"
            return
        yield group / "cgroup.procs"
    finally:
        group.rmdir()


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


# --- scenarios -------------------------------------------------------------------------


def spec(contender, size, seconds, scores=False, matmul=False):
    """What one child does: sigmoid of `size` float64 values, or (`scores`)
    of the float32 scores X @ w, recomputed before each call if `matmul`."""
    return {"contender": contender, "size": size, "seconds": seconds, "scores": scores, "matmul": matmul}


def measure(args, contenders, cpus):
    """Every scenario's figures, {(scenario, setting, contender, size): runs},
    each run a list of process reports, and the scenarios skipped,
    {scenario: why}.  The contenders of one case alternate, run after run,
    so that their ratios see the same machine."""
    cases = []
    if "matmul" in args.scenarios:
        cases += [
            ("matmul", "alone", 1, {"scores": True, "matmul": False}),
            ("matmul", "after matmul", 1, {"scores": True, "matmul": True}),
        ]
    if set(args.scenarios) - {"matmul"}:
        cases.append(("processes", "alone", 1, {}))
    if "processes" in args.scenarios:
        cases.append(("processes", f"{cpus} at once", cpus, {}))
    if "beside" in args.scenarios:
        cases.append(("beside", f"beside {cpus - 1} busy", 1, {"busy": cpus - 1}))
    if "quota" in args.scenarios:
        cases.append(("quota", "1-CPU quota", 1, {"quota": 1}))
    figures, skipped = {}, {}
    for size in args.sizes:
        for scenario, setting, processes, how in cases:
            for repeat in range(args.repeat):
                for contender in contenders:
                    progress(
                        f"{scenario} ({setting}): {contender}, {label(size)} elements, "
                        f"run {repeat + 1} of {args.repeat} ..."
                    )
                    specs = [
                        spec(
                            contender, size, args.seconds, how.get("scores", False), how.get("matmul", False)
                        )
                    ] * processes
                    runs = figures.setdefault((scenario, setting, contender, size), [])
                    if "quota" not in how:
                        runs.append(run_together(specs, busy=how.get("busy", 0)))
                        continue
                    with cpu_quota_group(how["quota"]) as procs:
                        if isinstance(procs, str):
                            skipped[scenario] = procs
                            del figures[scenario, setting, contender, size]
                            break
                        runs.append(run_together(specs, cgroup_procs=procs))
                if scenario in skipped:
                    break
    progress("")
    return figures, skipped


def summary(runs):
    """The figures of a case over its repeated runs (each a list of process
    reports): the median over the runs of the throughput summed over the
    processes, of the median call and of the worst process's p90 and p99."""
    return {
        "gelem_per_s": statistics.median(sum(r["gelem_per_s"] for r in run) for run in runs),
        "median_us": statistics.median(statistics.median(r["median_us"] for r in run) for run in runs),
        "p90_us": statistics.median(max(r["p90_us"] for r in run) for run in runs),
        "p99_us": statistics.median(max(r["p99_us"] for r in run) for run in runs),
    }


class Check(NamedTuple):
    """A target: `value` must be at least (or at most) `bound`."""

    description: str
    value: float
    at_least: bool
    bound: float

    def __str__(self):
        met = self.value >= self.bound if self.at_least else self.value <= self.bound
        return (
            f"{self.description}: {self.value:.2f} ({'>=' if self.at_least else '<='} "
            f"{self.bound:g}) {'met' if met else 'MISSED'}"
        )


def matmul_table(figures, sizes, contenders):
    print(
        f"\n### Right after a NumPy matmul (X float32 SIZE x {MATMUL_COLUMNS}, "
        "np.matmul(X, w, out=z) then sigmoid(z, out=o); time of the sigmoid call)\n"
    )
    print(
        "| contender | size | alone: median | after matmul: median | p90 | p99 "
        "| median / 1 thread alone | p90 / 1 thread alone |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    checks = []
    for size in sizes:
        base = summary(figures["matmul", "alone", ONE_THREAD, size])["median_us"]
        for contender in contenders:
            alone = summary(figures["matmul", "alone", contender, size])
            after = summary(figures["matmul", "after matmul", contender, size])
            print(
                f"| {contender} | {label(size)} | {alone['median_us']:,.1f} us "
                f"| {after['median_us']:,.1f} us | {after['p90_us']:,.1f} us "
                f"| {after['p99_us']:,.1f} us | {after['median_us'] / base:.2f} "
                f"| {after['p90_us'] / base:.2f} |"
            )
        after = summary(figures["matmul", "after matmul", DEFAULT, size])
        checks += [
            Check(
                f"after a matmul, {label(size)}: median / one thread alone",
                after["median_us"] / base,
                False,
                1.5,
            ),
            Check(
                f"after a matmul, {label(size)}: p90 / one thread alone", after["p90_us"] / base, False, 3.0
            ),
        ]
    return checks


def process_table(figures, sizes, contenders, cpus, seconds):
    settings = dict.fromkeys(
        (scenario, setting) for scenario, setting, _, _ in figures if scenario != "matmul"
    )
    print(
        f"\n### Processes on {cpus} usable CPUs (sigmoid of SIZE float64 elements in a "
        f"loop, {seconds:g} s per process; throughput summed over the processes)\n"
    )
    print(
        "| scenario | contender | size | Gelem/s | / 1 thread, same scenario "
        "| median call | p90 | p99 | p99 / 1 thread alone median |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    checks, notes = [], []
    for scenario, setting in settings:
        for size in sizes:
            one_thread = summary(figures[scenario, setting, ONE_THREAD, size])["gelem_per_s"]
            alone_call = summary(figures["processes", "alone", ONE_THREAD, size])["median_us"]
            for contender in contenders:
                case = summary(figures[scenario, setting, contender, size])
                ratio = case["gelem_per_s"] / one_thread
                print(
                    f"| {setting} | {contender} | {label(size)} | {case['gelem_per_s']:.3f} "
                    f"| {ratio:.2f} | {case['median_us']:,.1f} us | {case['p90_us']:,.1f} us "
                    f"| {case['p99_us']:,.1f} us | {case['p99_us'] / alone_call:.1f} |"
                )
                if contender != DEFAULT:
                    continue
                where = f"{setting}, {label(size)}"
                if scenario == "processes" and setting == "alone":
                    checks.append(Check(f"{where}: default / one thread", ratio, True, 1.8))
                elif scenario == "processes":
                    checks.append(Check(f"{where}: aggregate default / one thread", ratio, True, 0.9))
                elif scenario == "beside":
                    checks += [
                        Check(f"{where}: default / one thread", ratio, True, 0.9),
                        Check(
                            f"{where}: p99 call / one thread alone median",
                            case["p99_us"] / alone_call,
                            False,
                            4.0,
                        ),
                    ]
                else:
                    checks.append(Check(f"{where}: default / one thread", ratio, True, 0.95))
                    report = figures[scenario, setting, contender, size][0][0]
                    notes.append(
                        f"in the {setting}, csigmoid's default is "
                        f"{report['max_threads']} thread(s), from "
                        f"{report['threads_from']}: {report['usable']}"
                    )
    for note in dict.fromkeys(notes):
        print(f"\n{note}")
    return checks


def label(size):
    """1e+05 for a power of ten, 65,536 for other sizes."""
    short = f"{size:.0e}"
    return short if float(short) == size else f"{size:,}"


def progress(text):
    if sys.stderr.isatty():
        print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
    elif text:
        print(text, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m csigmoid bench --contention",
        description="csigmoid (default threads and one thread) and torch.sigmoid when other "
        "threads want the cores: after a NumPy matmul, K processes on K CPUs, "
        "beside busy processes, in a 1-CPU cgroup quota.",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(f"{s:.0e}" for s in DEFAULT_SIZES),
        help="comma-separated element counts (default: %(default)s)",
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="some of %(default)s")
    parser.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        help="measured seconds per process and case (default: %(default)s)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs per case, the contenders alternating; the tables give "
        "the median over the runs (default: %(default)s)",
    )
    parser.add_argument("--no-torch", action="store_true", help="leave torch out even when it is installed")
    parser.add_argument("--json", metavar="FILE", help="save the raw figures as JSON")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(float(s)) for s in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes takes comma-separated numbers")
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown or not args.scenarios:
        parser.error(f"--scenarios: expected some of {', '.join(SCENARIOS)}; got {unknown or 'none'}")
    if min(args.sizes) < 1 or args.seconds <= 0 or args.repeat < 1:
        parser.error("sizes, seconds and repeat must be positive")
    return args


def main(argv):
    args = parse_args(argv)
    try:
        if args.no_torch:
            raise ImportError
        import torch
    except ImportError:
        contenders = CONTENDERS[:2]
        torch_note = "torch left out" if args.no_torch else "torch not installed"
    else:
        contenders = CONTENDERS
        torch_note = f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    from csigmoid._cpu import variants
    from csigmoid._parallel import policy

    cpus = usable.USABLE.count
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(
        f"csigmoid contention bench: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} logical CPUs, {cpus} usable ({usable.USABLE.detail}); csigmoid "
        f"default {policy.max_threads()} threads (from {policy.max_threads_source()}), kernel "
        f"{variants.current_variant()}; NumPy {np.__version__}; {torch_note}"
    )
    print(f"command: python -m csigmoid bench --contention {' '.join(argv)}".rstrip())
    if load:
        print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    figures, skipped = measure(args, contenders, cpus)
    if load:
        load = os.getloadavg()
        print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    checks = []
    if "matmul" in args.scenarios:
        checks += matmul_table(figures, args.sizes, contenders)
    if set(args.scenarios) - {"matmul"}:
        checks += process_table(figures, args.sizes, contenders, cpus, args.seconds)
    for scenario, reason in skipped.items():
        print(f"\n{scenario}: skipped ({reason})")
    print("\n### Targets (csigmoid, default threads; ratios to one thread in the same run)\n")
    for check in checks:
        print(f"- {check}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {
                    "command": ["python", "-m", "csigmoid", "bench", "--contention", *argv],
                    "figures": [
                        {"scenario": k[0], "setting": k[1], "contender": k[2], "size": k[3], "runs": v}
                        for k, v in figures.items()
                    ],
                    "skipped": skipped,
                },
                f,
                indent=1,
            )
        print(f"\nraw figures written to {args.json}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(json.loads(sys.argv[2]))
    else:
        sys.exit(main(sys.argv[1:]))
