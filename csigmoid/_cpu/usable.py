"""How many CPUs this process may use: the fewer of its CPU affinity mask and
its cgroup CPU quota (cgroup v1 ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``
or v2 ``cpu.max``; a fractional quota rounded up), as loky's ``cpu_count``
counts them.  OpenMP runtimes size their teams from the affinity mask alone,
so a container limited to 2 CPUs on a 64-core node would start 64 threads
per call; csigmoid's default thread count (``ufuncs.default_threads``) is
this count instead.

Counted at import (``USABLE``) and again by ``recount()``, which
``show_config()`` calls: a process that changes its affinity mask
(``os.sched_setaffinity``, ``taskset -p``) or is moved to another cgroup
after importing csigmoid gets the new count from then on.  Reading them for
every call would cost a system call and file reads per call.
``usable_cpus`` takes the affinity mask and the file locations as arguments
so that tests can give it fake ones.  Paths are handled with os.path, not
pathlib, and the records are NamedTuples, not dataclasses: this runs at
import, and pathlib and dataclasses would add a third to what
``import csigmoid`` costs.
"""

import math
import os
from collections.abc import Mapping
from typing import NamedTuple

CGROUP_ROOT = "/sys/fs/cgroup"
PROC_SELF_CGROUP = "/proc/self/cgroup"


class CpuCount(NamedTuple):
    """A CPU count and what set it."""

    count: int
    source: str  # "affinity" or "cgroup quota"
    detail: str  # human-readable: the mask's size, or the quota and the file it is in
    affinity: int  # the CPUs of the affinity mask (at least `count`)


class _Quota(NamedTuple):
    cpus: float  # quota / period
    where: str  # the file, and its values as written there


def usable_cpus(affinity=None, cgroup_root=CGROUP_ROOT, proc_self_cgroup=PROC_SELF_CGROUP):
    """The CPUs this process may use, at least 1.

    Parameters
    ----------
    affinity : collection of int, optional
        The CPUs of the affinity mask; default: ``os.sched_getaffinity(0)``
        where the platform has it, else every CPU (``os.cpu_count()``).
    cgroup_root : str or path-like
        Where the cgroup file systems are mounted (v1: one directory per
        controller, such as ``cpu`` or ``cpu,cpuacct``; v2: the root itself).
    proc_self_cgroup : str or path-like
        The process's cgroup membership file (``/proc/self/cgroup``); where
        it or the cgroup files are missing (not Linux) there is no quota.
    """
    mask = _affinity() if affinity is None else len(affinity)
    mask_count = CpuCount(
        max(mask, 1), "affinity", f"{mask} CPU{'' if mask == 1 else 's'} in the affinity mask", max(mask, 1)
    )
    quota = _cgroup_quota(os.fspath(cgroup_root), proc_self_cgroup)
    if quota is None:
        return mask_count
    quota_count = max(math.ceil(quota.cpus), 1)
    if quota_count >= mask_count.count:
        return mask_count
    return CpuCount(
        quota_count,
        "cgroup quota",
        f"cgroup CPU quota of {quota.cpus:g} CPUs ({quota.where})"
        + (", rounded up" if quota_count != quota.cpus else ""),
        mask_count.count,
    )


def omp_num_threads(environ: Mapping[str, str] = os.environ) -> int | None:
    """The thread count OMP_NUM_THREADS gives OpenMP's outermost level, or
    None when it is unset or holds a value OpenMP ignores.

    The value is a comma-separated list of positive integers, one per
    nesting level; libgomp and LLVM's libomp reject the whole variable when
    any entry is not one (``0``, ``-1``, ``abc``, ``2,x``) and size teams as
    if it were unset, so csigmoid's default ignores it too.
    """
    entries = [entry.strip() for entry in environ.get("OMP_NUM_THREADS", "").split(",")]
    if not all(entry.isascii() and entry.isdigit() and int(entry) > 0 for entry in entries):
        return None
    return int(entries[0])


def recount() -> CpuCount:
    """Count the usable CPUs again (``USABLE``) and make the default thread
    count of later calls respect the new count."""
    global USABLE
    from csigmoid._parallel import policy

    USABLE = usable_cpus()  # type: ignore[no-untyped-call]
    policy.use_cpu_count(USABLE.count, USABLE.affinity)
    return USABLE


def _affinity():
    if hasattr(os, "sched_getaffinity"):
        try:
            return len(os.sched_getaffinity(0))
        except OSError:
            pass
    return os.cpu_count() or 1


def _cgroup_quota(root, proc_self_cgroup):
    """The tightest CPU quota on the path from the process's cgroup up to the
    root of its hierarchy (a group can use no more than any of its
    ancestors), or None.  The cpu controller is in a v1 hierarchy when one
    has it, else in the v2 (unified) one."""
    membership = _read(proc_self_cgroup)
    if membership is None:
        return None
    v1_path = v2_path = None
    for line in membership.splitlines():
        fields = line.split(":", 2)
        if len(fields) != 3:
            continue
        hierarchy, controllers, path = fields
        if "cpu" in controllers.split(","):
            v1_path = path
        elif hierarchy == "0" and controllers == "":
            v2_path = path
    if v1_path is not None:
        mount = _v1_cpu_mount(root)
        if mount is not None:
            return _tightest(_v1_quota, _levels(mount, v1_path))
    if v2_path is not None:
        return _tightest(_v2_quota, _levels(root, v2_path))
    return None


def _v1_cpu_mount(root):
    """The directory of the v1 hierarchy with the cpu controller: ``cpu``,
    ``cpu,cpuacct``, ``cpuacct,cpu`` (a symlink or the mount itself)."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return None
    for name in names:
        if "cpu" in name.split(",") and os.path.isdir(os.path.join(root, name)):
            return os.path.join(root, name)
    return None


def _levels(mount, path):
    """The group's directory and each ancestor up to the mount.  A group not
    found under the mount means the mount shows a subtree whose root is the
    process's group (a container without a cgroup namespace): the mount
    alone."""
    parts = [part for part in path.split("/") if part]
    if not os.path.isdir(os.path.join(mount, *parts)):
        return [mount]
    return [os.path.join(mount, *parts[:depth]) for depth in range(len(parts), -1, -1)]


def _tightest(read_quota, levels):
    quotas = [q for q in map(read_quota, levels) if q is not None]
    return min(quotas, key=lambda q: q.cpus, default=None)


def _v1_quota(directory):
    """cpu.cfs_quota_us / cpu.cfs_period_us; -1 (or any value <= 0): no quota."""
    quota_file = os.path.join(directory, "cpu.cfs_quota_us")
    try:
        quota = int(_read(quota_file))
        period = int(_read(os.path.join(directory, "cpu.cfs_period_us")))
    except (TypeError, ValueError):  # a file missing (None) or not a number
        return None
    if quota <= 0 or period <= 0:
        return None
    return _Quota(quota / period, f"{quota_file}: {quota} per {period} us")


def _v2_quota(directory):
    """cpu.max holds "QUOTA PERIOD" (microseconds) or "max PERIOD" (no quota)."""
    cpu_max = os.path.join(directory, "cpu.max")
    fields = (_read(cpu_max) or "").split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    if quota <= 0 or period <= 0:
        return None
    return _Quota(quota / period, f"{cpu_max}: {quota} {period}")


def _read(path):
    """The text of the file at `path`, or None where it cannot be read."""
    try:
        with open(path) as file:
            return file.read()
    except OSError:
        return None


USABLE = usable_cpus()
