"""What the build and the machine offer (csigmoid/_cpu.pyx)."""

import os

import pytest

from csigmoid._cpu import features


def test_openmp_is_enabled_in_this_build():
    # a build without OpenMP still works, single-threaded: only a build that
    # asked for that (setup.py's CSIGMOID_DISABLE_OPENMP) may lack it
    if os.environ.get("CSIGMOID_DISABLE_OPENMP"):
        pytest.skip("CSIGMOID_DISABLE_OPENMP is set: OpenMP may have been left out on purpose")
    assert features.openmp_version() > 0
    assert features.openmp_runtime()
    assert features.max_threads() >= 1


def test_a_build_without_openmp_runs_on_one_thread():
    # setup.py's CSIGMOID_DISABLE_OPENMP=1 (or a compiler without OpenMP):
    # the stubs in _openmp.pxd must report exactly one thread, no runtime
    if features.openmp_version():
        pytest.skip("this build has OpenMP")
    assert features.openmp_runtime() is None
    assert features.max_threads() == 1
