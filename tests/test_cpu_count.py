"""The CPUs a process may use (csigmoid/_cpu_count.py) under fake affinity
masks and fake cgroup files, v1 and v2; and how that count, OMP_NUM_THREADS,
threadpoolctl and csigmoid.threads decide the default thread count."""

import json
import os
import subprocess
import sys

import pytest

import csigmoid
from csigmoid._cpu import features, usable
from csigmoid._cpu.usable import usable_cpus
from csigmoid._parallel import policy


def fake_cgroups(tmp_path, membership, files):
    """A cgroup root with `files` ({relative path: content}) and a
    /proc/self/cgroup holding `membership`; the keyword arguments of
    usable_cpus pointing at them."""
    root = tmp_path / "cgroup"
    root.mkdir(parents=True)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    proc = tmp_path / "proc_self_cgroup"
    proc.write_text(membership)
    return {"cgroup_root": root, "proc_self_cgroup": proc}


EIGHT = range(8)


def test_without_cgroup_files_the_affinity_mask_counts(tmp_path):
    where = {"cgroup_root": tmp_path / "none", "proc_self_cgroup": tmp_path / "missing"}
    count = usable_cpus(affinity={0, 2, 5}, **where)
    assert (count.count, count.source) == (3, "affinity")
    assert usable_cpus(affinity=set(), **where).count == 1


@pytest.mark.parametrize("controllers", ["cpu", "cpu,cpuacct", "cpuacct,cpu"])
def test_v1_quota_of_the_process_group(tmp_path, controllers):
    where = fake_cgroups(
        tmp_path,
        f"5:memory:/other\n4:{controllers}:/batch/job\n1:name=systemd:/\n",
        {
            f"{controllers}/cpu.cfs_quota_us": "-1\n",
            f"{controllers}/cpu.cfs_period_us": "100000\n",
            f"{controllers}/batch/job/cpu.cfs_quota_us": "200000\n",
            f"{controllers}/batch/job/cpu.cfs_period_us": "100000\n",
        },
    )
    count = usable_cpus(affinity=EIGHT, **where)
    assert (count.count, count.source) == (2, "cgroup quota")
    assert "batch/job/cpu.cfs_quota_us: 200000 per 100000 us" in count.detail
    assert "rounded" not in count.detail


def test_v1_fractional_quota_rounds_up(tmp_path):
    where = fake_cgroups(
        tmp_path,
        "4:cpu:/job\n",
        {
            "cpu/job/cpu.cfs_quota_us": "150000",
            "cpu/job/cpu.cfs_period_us": "100000",
        },
    )
    count = usable_cpus(affinity=EIGHT, **where)
    assert count.count == 2 and count.detail.endswith("rounded up")
    where = fake_cgroups(
        tmp_path / "small",
        "4:cpu:/job\n",
        {
            "cpu/job/cpu.cfs_quota_us": "5000",
            "cpu/job/cpu.cfs_period_us": "100000",
        },
    )
    assert usable_cpus(affinity=EIGHT, **where).count == 1


def test_v1_no_quota_leaves_the_affinity_mask(tmp_path):
    where = fake_cgroups(
        tmp_path,
        "4:cpu:/job\n",
        {
            "cpu/cpu.cfs_quota_us": "-1",
            "cpu/cpu.cfs_period_us": "100000",
            "cpu/job/cpu.cfs_quota_us": "-1",
            "cpu/job/cpu.cfs_period_us": "100000",
        },
    )
    assert usable_cpus(affinity=EIGHT, **where) == usable_cpus(
        affinity=EIGHT, cgroup_root=tmp_path, proc_self_cgroup=tmp_path / "x"
    )


def test_v1_an_ancestors_quota_binds_the_group(tmp_path):
    where = fake_cgroups(
        tmp_path,
        "4:cpu:/pod/container\n",
        {
            "cpu/pod/cpu.cfs_quota_us": "100000",
            "cpu/pod/cpu.cfs_period_us": "100000",
            "cpu/pod/container/cpu.cfs_quota_us": "400000",
            "cpu/pod/container/cpu.cfs_period_us": "100000",
        },
    )
    count = usable_cpus(affinity=EIGHT, **where)
    assert count.count == 1 and "pod/cpu.cfs_quota_us" in count.detail


def test_v1_subtree_mount_reads_the_mounted_group(tmp_path):
    """A container without a cgroup namespace: /proc/self/cgroup names the
    host's path, the mount shows the container's group as its root."""
    where = fake_cgroups(
        tmp_path,
        "4:cpu,cpuacct:/docker/0123abcd\n",
        {
            "cpu,cpuacct/cpu.cfs_quota_us": "300000",
            "cpu,cpuacct/cpu.cfs_period_us": "100000",
        },
    )
    assert usable_cpus(affinity=EIGHT, **where).count == 3


def test_v2_quota_and_its_fraction(tmp_path):
    where = fake_cgroups(
        tmp_path,
        "0::/user.slice/app.service\n",
        {
            "cgroup.controllers": "cpuset cpu io memory pids\n",
            "user.slice/cpu.max": "max 100000\n",
            "user.slice/app.service/cpu.max": "50000 100000\n",
        },
    )
    count = usable_cpus(affinity=EIGHT, **where)
    assert (count.count, count.source) == (1, "cgroup quota")
    assert "app.service/cpu.max: 50000 100000" in count.detail and count.detail.endswith("rounded up")


def test_v2_max_means_no_quota(tmp_path):
    where = fake_cgroups(tmp_path, "0::/\n", {"cpu.max": "max 100000\n"})
    assert usable_cpus(affinity=EIGHT, **where).source == "affinity"
    where = fake_cgroups(tmp_path / "namespaced", "0::/\n", {"cpu.max": "250000 100000\n"})
    assert usable_cpus(affinity=EIGHT, **where).count == 3


def test_quota_above_the_affinity_mask_changes_nothing(tmp_path):
    where = fake_cgroups(tmp_path, "0::/app\n", {"app/cpu.max": "800000 100000"})
    count = usable_cpus(affinity={0, 1}, **where)
    assert (count.count, count.source) == (2, "affinity")


def test_hybrid_hierarchy_takes_the_v1_cpu_controller(tmp_path):
    """cgroup v1 controllers beside an empty v2 hierarchy (this machine's
    layout): the cpu controller, and so the quota, is v1's."""
    where = fake_cgroups(
        tmp_path,
        "1:cpu:/job\n0::/job\n",
        {
            "cpu/job/cpu.cfs_quota_us": "100000",
            "cpu/job/cpu.cfs_period_us": "100000",
            "unified/job/cgroup.procs": "",
        },
    )
    assert usable_cpus(affinity=EIGHT, **where).count == 1


@pytest.mark.parametrize(
    "files",
    [
        {"cpu/job/cpu.cfs_quota_us": "lots", "cpu/job/cpu.cfs_period_us": "100000"},
        {"cpu/job/cpu.cfs_quota_us": "100000", "cpu/job/cpu.cfs_period_us": "0"},
        {"cpu/job/cpu.cfs_quota_us": "100000"},
    ],
)
def test_unreadable_quota_files_are_no_quota(tmp_path, files):
    where = fake_cgroups(tmp_path, "4:cpu:/job\n", files)
    assert usable_cpus(affinity=EIGHT, **where).source == "affinity"


def test_this_process_count_is_within_its_cpus():
    count = usable.USABLE
    assert 1 <= count.count <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert count.count <= len(os.sched_getaffinity(0))


# --- the default thread count ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, count",
    [
        (None, None),
        ("", None),
        ("4", 4),
        (" 4 ", 4),
        ("4,2", 4),
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("2,x", None),
        ("2,0", None),
        ("1.5", None),
        ("\u0663", None),  # a digit to Python, not to OpenMP's strtoul
    ],
)
def test_omp_num_threads_is_read_as_openmp_reads_it(value, count):
    environ = {} if value is None else {"OMP_NUM_THREADS": value}
    assert usable.omp_num_threads(environ) == count


def test_default_threads_respect_the_usable_cpus():
    if usable.omp_num_threads() is not None:
        pytest.skip("OMP_NUM_THREADS is set: it decides, not the CPU count")
    openmp = features.max_threads()
    previous = policy.use_cpu_count(1, openmp)
    try:
        assert (policy.max_threads(), policy.max_threads_source()) == (1, "usable CPUs")
        with csigmoid.threads(openmp):  # an explicit count wins over the CPU count
            assert (policy.max_threads(), policy.max_threads_source()) == (openmp, "csigmoid.threads")
        policy.use_cpu_count(openmp + 4, openmp + 4)  # OpenMP's own maximum still bounds it
        assert policy.max_threads() == openmp
    finally:
        policy.use_cpu_count(*previous)


def test_recount_follows_a_changed_affinity_mask():
    """os.sched_setaffinity after import: recount() (which show_config calls)
    sees the new mask, and the default count follows it."""
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no affinity masks on this platform")
    mask = os.sched_getaffinity(0)
    if len(mask) < 2:
        pytest.skip("one CPU in the mask: nothing to narrow")
    try:
        os.sched_setaffinity(0, {min(mask)})
        count = usable.recount()
        assert (count.count, count.affinity, count.detail) == (1, 1, "1 CPU in the affinity mask")
        if usable.omp_num_threads() is None:
            assert policy.max_threads() == 1
    finally:
        os.sched_setaffinity(0, mask)
        usable.recount()
    assert usable.USABLE.affinity == len(mask)


SHOW_SOURCES = """
import json, threadpoolctl, csigmoid
from csigmoid._parallel import policy
seen = {"default": [policy.max_threads(), policy.max_threads_source()]}
with threadpoolctl.threadpool_limits(1, user_api="openmp"):
    seen["threadpoolctl"] = [policy.max_threads(), policy.max_threads_source()]
with csigmoid.threads(1):
    seen["threads"] = [policy.max_threads(), policy.max_threads_source()]
print(json.dumps(seen))
"""


@pytest.mark.parametrize("omp_num_threads", [None, "3"])
def test_where_the_default_count_comes_from(tmp_path, omp_num_threads):
    pytest.importorskip("threadpoolctl")
    if not features.openmp_version():
        pytest.skip("built without OpenMP: one thread whatever is set")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    if omp_num_threads:
        env["OMP_NUM_THREADS"] = omp_num_threads
    run = subprocess.run(
        [sys.executable, "-c", SHOW_SOURCES],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    if omp_num_threads:
        # within the CPUs of the affinity mask (more could never run at once)
        assert seen["default"] == [min(3, usable.USABLE.affinity), "OMP_NUM_THREADS"]
    else:
        assert seen["default"] == [min(features.max_threads(), usable.USABLE.count), "usable CPUs"]
    assert seen["threads"] == [1, "csigmoid.threads"]
    if seen["default"][0] > 1:
        assert seen["threadpoolctl"] == [1, "threadpoolctl"]
