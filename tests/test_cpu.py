"""What the build and the machine offer (csigmoid/_cpu.pyx)."""
import os

import pytest

from csigmoid import _cpu


def test_openmp_is_enabled_in_this_build():
    # a build without OpenMP still works, single-threaded: only a build that
    # asked for that (setup.py's CSIGMOID_DISABLE_OPENMP) may lack it
    if os.environ.get("CSIGMOID_DISABLE_OPENMP"):
        pytest.skip("CSIGMOID_DISABLE_OPENMP is set: OpenMP may have been left out on purpose")
    assert _cpu.openmp_version() > 0
    assert _cpu.openmp_runtime()
    assert _cpu.max_threads() >= 1
