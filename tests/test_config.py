"""show_config (csigmoid/_config.py), and that what it describes is the
installed package, the one these tests run against."""

from importlib.metadata import version
from pathlib import Path

import csigmoid
from csigmoid import _api, _cpu, _cpu_count, _isa


def labelled(capsys):
    csigmoid.show_config()
    lines = capsys.readouterr().out.splitlines()
    return {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in lines}


def test_show_config_names_kernel_openmp_and_compiler(variant, capsys):
    csigmoid.show_config()
    lines = capsys.readouterr().out.splitlines()
    labels = {line.split(":", 1)[0].strip(): line.split(":", 1)[1].strip() for line in lines}
    assert labels["kernel in use"] == variant
    assert labels["OpenMP"].startswith("enabled" if _cpu.openmp_version() else "disabled")
    assert labels["compiler"]
    assert labels["kernels runnable here"] == ", ".join(_isa.available_variants())


def test_tests_run_against_the_installed_package_not_the_checkout():
    checkout_package = Path(__file__).resolve().parents[1] / "csigmoid"
    assert Path(csigmoid.__file__).resolve().parent != checkout_package.resolve()


def test_version_is_the_one_in_the_package_metadata():
    # csigmoid/__init__.py's __version__ is the only place the number is
    # written; the build copies it into the metadata (pyproject.toml)
    assert csigmoid.__version__ == version("csigmoid")


def test_show_config_says_where_the_thread_count_comes_from(capsys):
    labels = labelled(capsys)
    assert int(labels["max threads"]) == _api.max_threads()
    if _api.max_threads_source() == "usable CPUs":
        assert labels["max threads from"] == (f"the CPUs this process may use: {_cpu_count.USABLE.detail}")
    with csigmoid.threads(1):
        labels = labelled(capsys)
    assert labels["max threads"] == "1"
    assert labels["max threads from"] == "csigmoid.threads(n) in this thread or task"


def test_show_config_reports_the_contention_rule(capsys):
    if not _cpu.openmp_version():
        assert labelled(capsys)["contention"] == "none (built without OpenMP: every call runs on one thread)"
        return
    assert labelled(capsys)["contention"] == (
        "none (parallel calls may run; 50 ms gained against one thread is banked against stalls)"
    )
    _api.record_team_call(2, 0.0701, 0.0001)  # 70 ms lost, 20 ms beyond the credit
    assert labelled(capsys)["contention"].startswith("calls run on one thread for ")
    _api.record_team_call(2, 0.0101, 0.0001)  # a probe that loses 10 ms of its credit
    assert labelled(capsys)["contention"].startswith("none (parallel calls may run; 40 ms")
