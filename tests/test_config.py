"""show_config (csigmoid/_config.py), and that what it describes is the
installed package, the one these tests run against."""

from importlib.metadata import version
from pathlib import Path

import csigmoid
from csigmoid import _cpu, _isa


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
