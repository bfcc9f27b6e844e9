"""SHA-256 digests of every csigmoid function's output on a fixed corpus.

    python -P tests/same_bits.py            # print this process's digests (JSON)
    python -P tests/same_bits.py --write    # store them in tests/same_bits_digests.json

csigmoid returns the same bits for every input on every machine with a
fused multiply-add instruction (its AVX2 and AVX-512 kernel variants,
AArch64; GCC, clang and MSVC builds), and one other set of bits on x86-64
CPUs without it (the baseline variant): README, "The same answer on every
machine".  tests/test_same_bits.py compares the digests of the build under
test, for every variant the CPU runs, with the stored set of its kind; a
change of the stored digests is a change of results, to be stated in the
commit that writes them (--write stores the set of the variant this
process runs: run it once with CSIGMOID_SIMD=baseline and once without).

The corpus is built from bit patterns and a seeded generator only (no libm,
no platform-dependent conversion), so it is the same everywhere:
- float16: every bit pattern;
- float32: every 257th bit pattern (every exponent and sign, densely),
  uniform values in [0, 1) and runs of consecutive floats around the
  kernels' range edges;
- float64: random bit patterns, uniform values in [-800, 800] and [0, 1),
  the special values and runs of consecutive doubles around the edges.
Every one-input function is given the whole corpus; sigmoid_backward
pairs it with itself rotated.  NaN results count as one NaN (their
payloads may differ between CPUs; IEEE leaves them open).  long double is
left out: its type differs between platforms.
"""

import argparse
import hashlib
import importlib
import json
import pathlib
import sys

import numpy as np

import csigmoid
from csigmoid._cpu import variants
from csigmoid._operations import OPERATIONS

STORED = pathlib.Path(__file__).with_name("same_bits_digests.json")
KINDS = ("fma", "no_fma")
DTYPES = ("float16", "float32", "float64")
# sigmoid_backward's y is the corpus rotated by this many elements (a prime,
# so that no run of the corpus meets itself)
ROTATION = 7919

# Where the kernels change branch or precision: the exponentials' clamps and
# subnormal thresholds, sigma's switch to t(1 - t), the upper tail where
# sigma rounds to 1, logit's 1/2 and log_sigmoid's far left.
EDGES = {
    "float32": (0.0, 0.5, 1.0, 9.0, 16.6, 17.0, 87.3, 88.7, 103.97, 104.0),
    "float64": (0.0, 0.5, 1.0, 20.0, 36.7, 37.0, 707.0, 708.4, 709.78, 745.13, 746.0),
}
SPECIAL = {
    "float32": (np.inf, np.nan, 1e-45, 1.1754944e-38, 3.4028235e38),
    "float64": (np.inf, np.nan, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308),
}
UNSIGNED = {"float32": np.uint32, "float64": np.uint64}


def runs_around(values, dtype, width):
    """`width` consecutive floats on each side of every value and of its negative."""
    unsigned = UNSIGNED[dtype]
    centres = np.array(values, dtype=dtype)
    centres = np.concatenate([centres, -centres]).view(unsigned)
    offsets = np.arange(-width, width + 1, dtype=np.int64)
    bits = (centres.astype(np.int64)[:, None] + offsets[None, :]).ravel()
    # centre 0 minus a few ulps wraps to NaN patterns and the top of the range: fine, all are floats
    return bits.astype(unsigned).view(dtype)


def corpus(dtype):
    rng = np.random.default_rng(20261206)
    if dtype == "float16":
        return np.arange(1 << 16, dtype=np.uint16).view(np.float16)
    special = np.array(SPECIAL[dtype], dtype=dtype)
    if dtype == "float32":
        sweep = np.arange(0, 1 << 32, 257, dtype=np.uint64).astype(np.uint32).view(np.float32)
        return np.concatenate(
            [
                sweep,
                rng.random(1 << 20, dtype=np.float32),
                runs_around(EDGES[dtype], dtype, 2000),
                special,
                -special,
            ]
        )
    random_bits = rng.integers(0, 1 << 64, size=1 << 21, dtype=np.uint64, endpoint=False)
    return np.concatenate(
        [
            random_bits.view(np.float64),
            rng.uniform(-800.0, 800.0, 1 << 20),
            rng.random(1 << 20),
            runs_around(EDGES[dtype], dtype, 2000),
            special,
            -special,
        ]
    )


def digest(*outputs):
    sha = hashlib.sha256()
    for output in outputs:
        canonical = np.array(output, copy=True)
        canonical[np.isnan(canonical)] = np.nan
        sha.update(canonical.tobytes())
    return sha.hexdigest()


def digests():
    """{"<function> <dtype>": digest} for every operation of the table and dtype."""
    result = {}
    for dtype in DTYPES:
        x = corpus(dtype)
        for operation in OPERATIONS:
            function = getattr(csigmoid, operation.name)
            args = (x, np.roll(x, ROTATION)) if operation.nin == 2 else (x,)
            with np.errstate(all="ignore"):
                outputs = function(*args)
            result[f"{operation.name} {dtype}"] = digest(*(outputs if operation.nout == 2 else (outputs,)))
    return result


def kind(variant):
    """The set of bits a kernel variant returns: "fma" where its kernels have
    the fused multiply-add instruction, "no_fma" where they do not."""
    module = importlib.import_module(f"csigmoid._kernels.{variant}")
    return "fma" if module.fused_multiply_add else "no_fma"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"store the digests in {STORED.name}")
    args = parser.parse_args(argv)
    found = digests()
    if args.write:
        stored = json.loads(STORED.read_text()) if STORED.exists() else {}
        which = kind(variants.current_variant())
        stored[which] = found
        STORED.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
        print(f"wrote the {len(found)} digests of {which!r} builds to {STORED}")
    else:
        print(json.dumps(found, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
