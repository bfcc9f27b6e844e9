"""show_config(): what this installation of csigmoid runs with."""

import sys
from typing import TextIO

from csigmoid import _api, _cpu, _cpu_count, _isa


def config() -> dict[str, object]:
    """The configuration as a dict (what show_config prints)."""
    # imported here: importlib.metadata would double what `import csigmoid` costs
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("csigmoid")
    except PackageNotFoundError:
        installed = "unknown (not installed)"
    openmp = _cpu.openmp_version()
    return {
        "version": installed,
        "python": sys.version.split()[0],
        "compiler": _cpu.compiler(),
        "openmp": f"enabled (OpenMP {openmp}, runtime {_cpu.openmp_runtime()})"
        if openmp
        else "disabled (built without OpenMP: single-threaded)",
        "max_threads": _api.max_threads(),
        "max_threads_from": _threads_from(),
        "contention": _contention(),
        "cpu_level": _cpu.cpu_level(),
        "kernel_variants": ", ".join(_isa.available_variants()),
        "kernel_in_use": _isa.current_variant(),
    }


def _threads_from() -> str:
    source = _api.max_threads_source()
    if source == "usable CPUs":
        return f"the CPUs this process may use: {_cpu_count.USABLE.detail}"
    if source == "threadpoolctl":
        return "threadpoolctl (or another omp_set_num_threads call) in this thread"
    if source == "csigmoid.threads":
        return "csigmoid.threads(n) in this thread"
    return source


def _contention() -> str:
    if not _cpu.openmp_version():
        return "none (built without OpenMP: every call runs on one thread)"
    state = _api.contention_state()
    if state["serial_left"] > 0:
        return (
            f"calls run on one thread for {state['serial_left']:.3g} s more (parallel "
            f"calls were slower than one thread: other threads want the cores)"
        )
    return (
        f"none (parallel calls may run; {state['credit'] * 1e3:.3g} ms gained against "
        f"one thread is banked against stalls)"
    )


def show_config(file: TextIO | None = None) -> None:
    """Print csigmoid's version, OpenMP build and runtime, thread count,
    compiler, and the SIMD kernel variant in use.

    Parameters
    ----------
    file : text stream, optional
        Where to print (anything with a ``write(str)`` method); default
        ``sys.stdout``.

    Returns
    -------
    None
        The report is printed, one ``label: value`` line each.

    Raises
    ------
    OSError, ValueError
        Only as writing to `file` raises them (a full disk, a closed
        stream); gathering the report raises nothing.

    Notes
    -----
    "OpenMP" says whether the extensions were built with OpenMP (and with
    which runtime: libgomp, libomp or vcomp); a build without it is exact
    and single-threaded.  "max threads" is what a large call from this
    thread may use, and "max threads from" what decided it: this thread's
    `csigmoid.threads` limit; else a thread count set through
    OMP_NUM_THREADS or threadpoolctl; else the CPUs this process may use,
    the fewer of its CPU affinity mask and its cgroup CPU quota (which
    OpenMP itself ignores).  "contention" says whether calls run on
    one thread for now because a recent parallel call was slower than one
    thread would have been (other threads wanted the cores); see the README,
    Threads.  "kernels runnable here" are the SIMD variants both built
    and supported by this CPU; "kernel in use" is the best of them that
    CSIGMOID_SIMD allows.  Accuracy does not depend on the variant: every
    variant meets the same bounds (see `sigmoid` and the README).

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
    """
    labels = {
        "version": "csigmoid",
        "python": "Python",
        "compiler": "compiler",
        "openmp": "OpenMP",
        "max_threads": "max threads",
        "max_threads_from": "max threads from",
        "contention": "contention",
        "cpu_level": "CPU supports",
        "kernel_variants": "kernels runnable here",
        "kernel_in_use": "kernel in use",
    }
    for key, value in config().items():
        print(f"{labels[key]:>22}: {value}", file=file)
