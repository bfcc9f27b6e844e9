"""The same bits on every machine: every function's output on a fixed corpus
(tests/same_bits.py) against the digests stored in tests/same_bits_digests.json
for builds of its kind (with or without the fused multiply-add instruction),
in this process and in a fresh process for every kernel variant this CPU runs.

Wherever the suite runs (cibuildwheel's test step on each platform, QEMU's CPU
models, the clang and AArch64 builds of .ci/run), a passing run proves that
that build returns the bits every other build of its kind returns.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import same_bits

import csigmoid
from csigmoid._cpu import variants
from csigmoid._operations import OPERATIONS

STORED = json.loads(same_bits.STORED.read_text())


def differences(found, kind):
    stored = STORED[kind]
    return {key: (value, stored.get(key)) for key, value in found.items() if stored.get(key) != value}


def test_the_stored_digests_cover_every_operation_and_dtype_for_both_kinds():
    expected = {f"{operation.name} {dtype}" for operation in OPERATIONS for dtype in same_bits.DTYPES}
    assert set(STORED) == set(same_bits.KINDS)
    for kind in same_bits.KINDS:
        assert set(STORED[kind]) == expected


def test_the_two_kinds_differ_where_rounding_a_product_once_or_twice_shows():
    # float16 results are rounded from float32 ones, which hides the last-bit
    # differences; every float32 and float64 function differs somewhere
    same = {key for key in STORED["fma"] if STORED["fma"][key] == STORED["no_fma"][key]}
    assert same == {f"{operation.name} float16" for operation in OPERATIONS}


def test_this_process_returns_the_stored_bits():
    variant = variants.current_variant()
    assert differences(same_bits.digests(), same_bits.kind(variant)) == {}, variant


@pytest.mark.parametrize("variant", variants.available_variants())
def test_every_variant_returns_the_stored_bits(variant):
    env = dict(os.environ, **{variants.ENV_VARIABLE: variant})
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [os.path.dirname(same_bits.__file__), env.get("PYTHONPATH")])
    )
    script = (
        "import json, same_bits; from csigmoid._cpu import variants; "
        "print(json.dumps([variants.current_variant(), same_bits.digests()]))"
    )
    # -P: the working directory (perhaps the checkout) is not put on sys.path
    done = subprocess.run(
        [sys.executable, "-P", "-c", script], env=env, capture_output=True, text=True, check=True
    )
    used, found = json.loads(done.stdout)
    assert used == variant
    assert differences(found, same_bits.kind(variant)) == {}


def test_the_digest_ignores_nan_payloads_and_nothing_else():
    y = csigmoid.sigmoid(same_bits.corpus("float32"))
    before = same_bits.digest(y)
    other_nan = y.copy()
    other_nan[np.isnan(other_nan)] = np.uint32(0xFFC00001).view(np.float32)
    assert same_bits.digest(other_nan) == before
    for index in (0, 1 << 20, len(y) - 1):
        one_ulp = y.copy()
        one_ulp.view(np.uint32)[index] ^= 1
        assert same_bits.digest(one_ulp) != before
    signed_zero = np.zeros(4, dtype=np.float32)
    assert same_bits.digest(signed_zero) != same_bits.digest(-signed_zero)
