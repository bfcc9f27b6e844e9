"""Instruction-set selection (csigmoid/_cpu/variants.py): which kernel variants exist
here, switching between them, and the CSIGMOID_SIMD environment variable."""

import os
import subprocess
import sys

import numpy as np
import pytest

import csigmoid
from csigmoid._cpu import features, variants


def test_available_variants_are_known_levels_lowest_first():
    built = variants.available_variants()
    assert built[0] == "baseline"
    assert list(built) == sorted(built, key=features.LEVELS.index)
    assert features.cpu_level() in features.LEVELS


def test_use_variant_makes_it_current(variant):
    assert variants.current_variant() == variant
    # and calls go through its kernel table
    assert csigmoid.sigmoid(np.float64(0.0)) == 0.5


@pytest.mark.parametrize("name", ["bogus", "AVX2", "avx1024"])
def test_use_variant_refuses_unknown_names_and_keeps_the_current_one(name):
    before = variants.current_variant()
    with pytest.raises(ValueError, match=name):
        variants.use_variant(name)
    assert variants.current_variant() == before


def test_use_variant_refuses_a_level_the_cpu_lacks():
    missing = [level for level in features.LEVELS if level not in variants.available_variants()]
    if not missing:
        pytest.skip("this CPU runs every level the build has")
    with pytest.raises(ValueError, match=missing[-1]):
        variants.use_variant(missing[-1])


def best_at_most(level):
    allowed = features.LEVELS[: features.LEVELS.index(level) + 1]
    return [v for v in variants.available_variants() if v in allowed][-1]


PROBE = """
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import csigmoid
from csigmoid._cpu import variants
print(variants.current_variant())
print(float(csigmoid.sigmoid(0.0)))
for w in caught:
    print(w.category.__name__, w.message)
"""


def import_with_simd(value, cwd):
    """Import csigmoid in a fresh interpreter with CSIGMOID_SIMD=value; return
    its stdout lines.  cwd is a temporary folder, so that the checkout is not
    on sys.path and the installed package is imported."""
    env = dict(os.environ)
    env.pop("CSIGMOID_SIMD", None)
    if value is not None:
        env["CSIGMOID_SIMD"] = value
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, best_at_most("avx512")),
        ("baseline", "baseline"),
        ("avx2", best_at_most("avx2")),
        ("avx512", best_at_most("avx512")),
    ],
)
def test_csigmoid_simd_caps_the_variant(tmp_path, value, expected):
    lines = import_with_simd(value, tmp_path)
    assert lines[:2] == [expected, "0.5"]
    assert lines[2:] == []  # no warning


def test_unknown_csigmoid_simd_warns_and_is_ignored(tmp_path):
    lines = import_with_simd("bogus", tmp_path)
    assert lines[:2] == [best_at_most("avx512"), "0.5"]
    warning_lines = lines[2:]
    assert len(warning_lines) == 1
    assert warning_lines[0].startswith("RuntimeWarning")
    assert "CSIGMOID_SIMD" in warning_lines[0] and "bogus" in warning_lines[0]
