"""show_config(): what this installation of csigmoid runs with."""

import os
import sys
from typing import Any, Literal, TextIO, overload

from csigmoid._cpu import features
from csigmoid._cpu import usable as usable_cpus
from csigmoid._cpu import variants as kernel_variants
from csigmoid._parallel import policy

# The printed form: one line per entry, (section, key) -> label.
_LINES = (
    (("csigmoid", "version"), "csigmoid"),
    (("csigmoid", "python"), "Python"),
    (("build", "compiler"), "compiler"),
    (("build", "openmp"), "OpenMP"),
    (("threads", "max_threads"), "max threads"),
    (("threads", "max_threads_from"), "max threads from"),
    (("threads", "contention"), "contention"),
    (("simd", "cpu_level"), "CPU supports"),
    (("simd", "kernels_runnable"), "kernels runnable here"),
    (("simd", "kernel_in_use"), "kernel in use"),
)


def config() -> dict[str, dict[str, Any]]:
    """The configuration as a JSON-able dict of sections (what show_config
    prints, and the facts behind it).  The CPUs the process may use are
    counted again (csigmoid._cpu.usable.recount), so that an affinity mask
    changed since import shows, and counts, from now on."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("csigmoid")
    except PackageNotFoundError:
        installed = "unknown (not installed)"
    usable = usable_cpus.recount()
    openmp = features.openmp_version()
    variants = list(kernel_variants.available_variants())
    thread_limit = os.environ.get("OMP_THREAD_LIMIT")
    return {
        "csigmoid": {"version": installed, "python": sys.version.split()[0]},
        "build": {
            "compiler": features.compiler(),
            "openmp": f"enabled (OpenMP {openmp}, runtime {features.openmp_runtime()})"
            if openmp
            else "disabled (built without OpenMP: single-threaded)",
            "openmp_version": openmp or None,
            "openmp_runtime": features.openmp_runtime(),
        },
        "threads": {
            "max_threads": policy.max_threads(),
            "max_threads_from": _threads_from(usable),
            "source": policy.max_threads_source(),
            "contention": _contention(),
            "usable_cpus": usable.count,
            "usable_cpus_from": usable.detail,
            "affinity_cpus": usable.affinity,
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "omp_num_threads_accepted": usable_cpus.omp_num_threads() is not None,
            "omp_thread_limit": thread_limit,
            "forked_after_parallel_region": policy.forked_after_parallel_region(),
            "serial_left_s": policy.contention_state()["serial_left"],
        },
        "simd": {
            "cpu_level": features.cpu_level(),
            "kernels_runnable": ", ".join(variants),
            "kernel_variants": variants,
            "kernel_in_use": kernel_variants.current_variant(),
        },
    }


def _threads_from(usable: usable_cpus.CpuCount) -> str:
    source = policy.max_threads_source()
    if source == "fork":
        return (
            "one thread: this process was forked after a parallel region "
            "(GNU libgomp's threads do not survive fork)"
        )
    if source == "csigmoid.threads":
        return "csigmoid.threads(n) in this thread or task"
    if source == "threadpoolctl":
        return "threadpoolctl (or another omp_set_num_threads call) in this thread"
    if source == "OMP_THREAD_LIMIT":
        return f"OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT', '')} (OpenMP's ceiling)"
    if source == "OMP_NUM_THREADS":
        requested = usable_cpus.omp_num_threads()
        if requested is not None and requested > usable.affinity:
            return (
                f"OMP_NUM_THREADS={requested}, capped at the {usable.affinity} CPUs of the "
                "affinity mask (csigmoid.threads or threadpoolctl can ask for more)"
            )
        return f"OMP_NUM_THREADS={requested}"
    described = f"the CPUs this process may use: {usable.detail}"
    raw = os.environ.get("OMP_NUM_THREADS")
    if raw is not None and raw.strip() and usable_cpus.omp_num_threads() is None:
        described += (
            f" (OMP_NUM_THREADS={raw!r} is ignored: not a list of positive integers, "
            "which OpenMP ignores too)"
        )
    return described


def _contention() -> str:
    if not features.openmp_version():
        return "none (built without OpenMP: every call runs on one thread)"
    if policy.forked_after_parallel_region():
        return "none (every call runs on one thread in a child forked after a parallel region)"
    state = policy.contention_state()
    if state["serial_left"] > 0:
        return (
            f"calls run on one thread for {state['serial_left']:.3g} s more (parallel "
            f"calls were slower than one thread: other threads want the cores)"
        )
    return (
        f"none (parallel calls may run; {state['credit'] * 1e3:.3g} ms gained against "
        f"one thread is banked against stalls)"
    )


@overload
def show_config(file: TextIO | None = None, mode: Literal["stdout"] = "stdout") -> None: ...
@overload
def show_config(file: TextIO | None = None, *, mode: Literal["dicts"]) -> dict[str, dict[str, Any]]: ...


def show_config(file: TextIO | None = None, mode: str = "stdout") -> dict[str, dict[str, Any]] | None:
    """Print csigmoid's version, OpenMP build and runtime, thread count,
    compiler, and the SIMD kernel variant in use; or return them as a dict.

    Parameters
    ----------
    file : text stream, optional
        Where to print (anything with a ``write(str)`` method); default
        ``sys.stdout``.
    mode : {"stdout", "dicts"}, optional
        ``"stdout"`` (default) prints the report; ``"dicts"`` prints
        nothing and returns it as a dict of sections ("csigmoid", "build",
        "threads", "simd") that ``json.dumps`` accepts, with the facts
        behind the printed lines (the usable and affinity-mask CPU counts,
        OMP_NUM_THREADS and whether OpenMP accepts it, OMP_THREAD_LIMIT,
        whether this is a child forked after a parallel region), as
        ``numpy.show_config(mode="dicts")`` does.

    Returns
    -------
    None or dict
        None when printing; the dict for ``mode="dicts"``.

    Raises
    ------
    ValueError
        `mode` is neither "stdout" nor "dicts".
    OSError
        Only as writing to `file` raises it (a full disk, a closed
        stream); gathering the report raises nothing.

    Notes
    -----
    "OpenMP" says whether the extensions were built with OpenMP (and with
    which runtime: libgomp, libomp or vcomp); a build without it is exact
    and single-threaded.  "max threads" is what a large call from this
    thread or task may use, and "max threads from" what decided it: one
    thread in a child forked after a parallel region; else the
    `csigmoid.threads` limit in force here; else a thread count set through
    threadpoolctl; else OMP_NUM_THREADS, within the CPUs of the affinity
    mask; else the CPUs this process may use, the fewer of its CPU
    affinity mask and its cgroup CPU quota (which OpenMP itself ignores);
    OMP_THREAD_LIMIT bounds them all.  Those CPUs are counted at import
    and again by each show_config() call, so after ``os.sched_setaffinity``
    the report, and the calls after it, follow the new mask.  "contention"
    says whether calls run on one thread for now because a recent parallel
    call was slower than one thread would have been (other threads wanted
    the cores); see the README, Threads.  "kernels runnable here" are the
    SIMD variants both built and supported by this CPU; "kernel in use" is
    the best of them that CSIGMOID_SIMD allows.  Accuracy does not depend
    on the variant: every variant meets the same bounds (see `sigmoid` and
    the README).

    Examples
    --------
    >>> import csigmoid
    >>> csigmoid.show_config()  # doctest: +ELLIPSIS
                  csigmoid: ...
                    Python: ...
                  compiler: ...
                    OpenMP: ...
               max threads: ...
          max threads from: ...
                contention: ...
              CPU supports: ...
     kernels runnable here: ...
             kernel in use: ...
    >>> report = csigmoid.show_config(mode="dicts")
    >>> report["threads"]["max_threads"] >= 1
    True
    """
    if mode not in ("stdout", "dicts"):
        raise ValueError(f"show_config: mode must be 'stdout' or 'dicts', got {mode!r}")
    report = config()
    if mode == "dicts":
        return report
    for (section, key), label in _LINES:
        print(f"{label:>22}: {report[section][key]}", file=file)
    return None
