"""show_config (csigmoid/_config.py), and that what it describes is the
installed package, the one these tests run against."""

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import csigmoid
from csigmoid._cpu import features, usable, variants
from csigmoid._parallel import policy, testing


def labelled(capsys):
    csigmoid.show_config()
    lines = capsys.readouterr().out.splitlines()
    return {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in lines}


def test_show_config_names_kernel_openmp_and_compiler(variant, capsys):
    csigmoid.show_config()
    lines = capsys.readouterr().out.splitlines()
    labels = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in lines}
    assert labels["kernel in use"] == variant
    assert labels["OpenMP"].startswith("enabled" if features.openmp_version() else "disabled")
    assert labels["compiler"]
    assert labels["kernels runnable here"] == ", ".join(variants.available_variants())


def test_tests_run_against_the_installed_package_not_the_checkout():
    checkout_package = Path(__file__).resolve().parents[1] / "csigmoid"
    assert Path(csigmoid.__file__).resolve().parent != checkout_package.resolve()


def test_version_is_the_one_in_the_package_metadata():
    # csigmoid/__init__.py's __version__ is the only place the number is
    # written; the build copies it into the metadata (pyproject.toml)
    assert csigmoid.__version__ == version("csigmoid")


def test_show_config_says_where_the_thread_count_comes_from(capsys):
    labels = labelled(capsys)
    assert int(labels["max threads"]) == policy.max_threads()
    if policy.max_threads_source() == "usable CPUs":
        assert labels["max threads from"] == (f"the CPUs this process may use: {usable.USABLE.detail}")
    with csigmoid.threads(1):
        labels = labelled(capsys)
    assert labels["max threads"] == "1"
    assert labels["max threads from"] == "csigmoid.threads(n) in this thread or task"


def test_show_config_reports_the_contention_rule(capsys):
    if not features.openmp_version():
        assert labelled(capsys)["contention"] == "none (built without OpenMP: every call runs on one thread)"
        return
    assert labelled(capsys)["contention"] == (
        "none (parallel calls may run; 50 ms gained against one thread is banked against stalls)"
    )
    testing.record_team_call(2, 0.0701, 0.0001)  # 70 ms lost, 20 ms beyond the credit
    assert labelled(capsys)["contention"].startswith("calls run on one thread for ")
    testing.record_team_call(2, 0.0101, 0.0001)  # a probe that loses 10 ms of its credit
    assert labelled(capsys)["contention"].startswith("none (parallel calls may run; 40 ms")


def test_dict_form_is_json_and_what_is_printed(capsys):
    report = csigmoid.show_config(mode="dicts")
    assert capsys.readouterr().out == ""
    assert json.loads(json.dumps(report)) == report
    assert set(report) == {"csigmoid", "build", "threads", "simd"}
    threads = report["threads"]
    assert threads["max_threads"] == policy.max_threads()
    assert threads["source"] == policy.max_threads_source()
    assert threads["usable_cpus"] == usable.USABLE.count
    assert report["simd"]["kernel_variants"] == list(variants.available_variants())
    printed = labelled(capsys)
    assert printed["max threads"] == str(threads["max_threads"])
    assert printed["max threads from"] == threads["max_threads_from"]
    assert printed["csigmoid"] == report["csigmoid"]["version"]
    with pytest.raises(ValueError, match="mode must be 'stdout' or 'dicts', got 'json'"):
        csigmoid.show_config(mode="json")


# Each scenario in a fresh interpreter: the environment OpenMP reads at
# start, a fork after a parallel region.  The report is show_config's dict
# and the threads a large call added to the process.
REPORT = """
import json, os, sys
import numpy as np
import csigmoid

def threads_alive():
    return len(os.listdir("/proc/self/task"))

def report():
    before = threads_alive()
    csigmoid.sigmoid(np.linspace(-5, 5, 1 << 21))
    return {"config": csigmoid.show_config(mode="dicts"), "new_threads": threads_alive() - before}

exec(sys.argv[1])
"""


def run_report(tmp_path, scenario="print(json.dumps(report()))", **environment):
    if not features.openmp_version():
        pytest.skip("built without OpenMP: one thread whatever is set")
    if not Path("/proc/self/task").is_dir():
        pytest.skip("counting a process's threads needs Linux's /proc")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMP_")}
    env.update(environment)
    run = subprocess.run(
        [sys.executable, "-c", REPORT, scenario],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def cpus_in_mask():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_omp_num_threads_openmp_rejects_is_ignored_and_said(tmp_path, value):
    """OpenMP ignores such a value; the count is then the usable CPUs', and
    a quota below the mask (given by use_cpu_count as a 0.5-CPU quota
    counts: 1) decides it, not OMP_NUM_THREADS."""
    # LLVM's libomp does not ignore them as libgomp does: it reads "0" as 1, and "-1" and
    # "abc" as an uninitialized count, with which it aborts or exhausts memory by itself (OMP:
    # Error #101 in a C program too; csigmoid takes a count below 1 as 1)
    llvm = "libomp" in (features.openmp_runtime() or "")
    if llvm and value != "0":
        pytest.skip(f"LLVM's libomp may abort on OMP_NUM_THREADS={value} before csigmoid runs")
    seen = run_report(tmp_path, OMP_NUM_THREADS=value)
    threads = seen["config"]["threads"]
    assert threads["source"] == "usable CPUs"
    assert threads["omp_num_threads"] == value and not threads["omp_num_threads_accepted"]
    assert threads["max_threads_from"].endswith(
        f"(OMP_NUM_THREADS={value!r} is ignored: not a list of positive integers, which OpenMP ignores too)"
    )
    openmp_count = 1 if llvm else features.max_threads()
    assert threads["max_threads"] == min(openmp_count, usable.USABLE.count)
    half_cpu_quota = (
        "from csigmoid._parallel import policy\n"
        "policy.use_cpu_count(1, len(os.sched_getaffinity(0)))\n"
        "print(json.dumps([policy.max_threads(), policy.max_threads_source()]))"
    )
    if hasattr(os, "sched_getaffinity"):
        seen = run_report(tmp_path, half_cpu_quota, OMP_NUM_THREADS=value)
        assert seen == [1, "usable CPUs"]


def test_omp_num_threads_far_above_the_cpus_is_capped(tmp_path):
    """OMP_NUM_THREADS=100000 on a few CPUs: the calls start at most one
    thread per CPU of the affinity mask, and show_config says why;
    csigmoid.threads(n) may still ask for more than the CPUs."""
    cpus = cpus_in_mask()
    seen = run_report(tmp_path, OMP_NUM_THREADS="100000")
    threads = seen["config"]["threads"]
    assert (threads["max_threads"], threads["source"]) == (cpus, "OMP_NUM_THREADS")
    assert seen["new_threads"] <= cpus - 1
    if cpus < 100000:
        assert threads["max_threads_from"] == (
            f"OMP_NUM_THREADS=100000, capped at the {cpus} CPUs of the affinity mask "
            "(csigmoid.threads or threadpoolctl can ask for more)"
        )
    explicit = "with csigmoid.threads(cpus + 1):\n    print(json.dumps(report()))"
    seen = run_report(tmp_path, f"cpus = {cpus}\n" + explicit, OMP_NUM_THREADS="100000")
    assert seen["config"]["threads"]["max_threads"] == cpus + 1
    assert seen["new_threads"] == cpus


def test_omp_thread_limit_bounds_the_count_and_the_calls(tmp_path):
    seen = run_report(tmp_path, OMP_THREAD_LIMIT="1")
    threads = seen["config"]["threads"]
    assert (threads["max_threads"], threads["source"]) == (1, "OMP_THREAD_LIMIT")
    assert threads["max_threads_from"] == "OMP_THREAD_LIMIT=1 (OpenMP's ceiling)"
    assert seen["new_threads"] == 0
    with_limit = "with csigmoid.threads(2):\n    print(json.dumps(report()))"
    seen = run_report(tmp_path, with_limit, OMP_THREAD_LIMIT="1")
    assert (seen["config"]["threads"]["max_threads"], seen["new_threads"]) == (1, 0)


FORK_AFTER_A_PARALLEL_REGION = """
parent = report()
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(write_end, json.dumps(report()).encode())
    os._exit(0)
os.close(write_end)
with os.fdopen(read_end) as pipe:
    child = json.loads(pipe.read())
os.waitpid(pid, 0)
print(json.dumps({"parent": parent, "child": child}))
"""


def test_a_child_forked_after_a_parallel_region_says_it_computes_on_one_thread(tmp_path):
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    seen = run_report(tmp_path, FORK_AFTER_A_PARALLEL_REGION)
    parent, child = seen["parent"], seen["child"]
    if parent["config"]["threads"]["max_threads"] < 2:
        pytest.skip("one thread in the parent: no parallel region to fork after")
    assert parent["config"]["threads"]["forked_after_parallel_region"] is False
    threads = child["config"]["threads"]
    assert threads["forked_after_parallel_region"] is True
    assert (threads["max_threads"], threads["source"]) == (1, "fork")
    assert threads["max_threads_from"].startswith("one thread: this process was forked after a parallel")
    assert threads["contention"] == (
        "none (every call runs on one thread in a child forked after a parallel region)"
    )
    assert child["new_threads"] == 0


def test_show_config_follows_a_changed_affinity_mask(tmp_path):
    if not hasattr(os, "sched_setaffinity") or cpus_in_mask() < 2:
        pytest.skip("needs an affinity mask of two CPUs or more")
    narrowed = "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\nprint(json.dumps(report()))"
    threads = run_report(tmp_path, narrowed)["config"]["threads"]
    assert threads["max_threads_from"] == "the CPUs this process may use: 1 CPU in the affinity mask"
    assert (threads["max_threads"], threads["affinity_cpus"], threads["usable_cpus"]) == (1, 1, 1)
    # show_config counts again, and the calls after it follow: the first
    # parallel call, after it, starts no OpenMP thread
    after = narrowed.replace("print(", "csigmoid.show_config(mode='dicts')\nprint(")
    assert run_report(tmp_path, after)["new_threads"] == 0
