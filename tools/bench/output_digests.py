"""SHA-256 digests of every csigmoid function's output on a fixed corpus.

    python -P tools/bench/output_digests.py [--out FILE] [--compare FILE]

Prints one JSON object: for each function and input dtype, the digest of
the output bytes (both outputs for sigmoid_and_derivative), computed
through the installed csigmoid's public functions with the kernel variant
CSIGMOID_SIMD selects.  Two builds return the same bits when their digests
agree: a restructuring is checked by running this before and after, once
per variant, each in a fresh process.

The corpus, the same on every run (fixed seeds):
- float16: every bit pattern;
- float32: every 5th bit pattern (859 million values; every exponent and
  sign, densely);
- float64: 4 million random bit patterns, the special values, and dense
  runs around 0, 1, the kernels' range edges and the overflow thresholds;
- long double: the float64 corpus widened, plus values past float64's range;
- the integer types and bool: their whole range (8 and 16 bits) or random
  values with the extremes;
each also read with a stride of 2 and on one thread (the block path), and
sigmoid_backward with y from the same corpus shuffled.
"""

import argparse
import hashlib
import json
import sys

import numpy as np

import csigmoid

UNARY = ("sigmoid", "sigmoid_derivative", "logit", "log_sigmoid")
CHUNK = 1 << 24


def float32_chunks():
    step = 5
    for start in range(0, 1 << 32, step * CHUNK):
        stop = min(start + step * CHUNK, 1 << 32)
        yield np.arange(start, stop, step, dtype=np.uint64).astype(np.uint32).view(np.float32)


def float64_corpus():
    rng = np.random.default_rng(20261206)
    random_bits = rng.integers(0, 1 << 64, size=4_000_000, dtype=np.uint64, endpoint=False)
    special = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2250738585072014e-308, 1.0, -1.0, 0.5],
        dtype=np.float64,
    )
    edges = []
    for centre in (0.0, 0.5, 1.0, 20.0, 36.7, 104.0, 709.78, 745.13, 708.4, 87.3, 103.97, 16.6, 17.0):
        for sign in (1.0, -1.0):
            c = sign * centre
            edges.append(c + np.linspace(-1e-3, 1e-3, 20001) * max(abs(c), 1.0))
            edges.append(c + np.arange(-1000, 1000) * np.spacing(c))
    return np.concatenate([random_bits.view(np.float64), special, *edges])


def integer_corpus(dtype):
    info = np.iinfo(dtype)
    if info.bits <= 16:
        return np.arange(info.min, info.max + 1, dtype=np.int64).astype(dtype)
    rng = np.random.default_rng(2 * info.bits + (info.min < 0))
    values = rng.integers(info.min, info.max, size=200_000, dtype=dtype, endpoint=True)
    return np.concatenate([values, np.array([info.min, info.max, 0, 1], dtype=dtype)])


def digest_calls(digests, key, chunks):
    """Feed every function's output over the chunks into digests[key/function]."""
    hashes = {}
    for x in chunks:
        y_for_backward = x[::-1].copy()
        outputs = {name: getattr(csigmoid, name)(x) for name in UNARY}
        outputs["sigmoid_and_derivative"] = np.concatenate(csigmoid.sigmoid_and_derivative(x))
        outputs["sigmoid_backward"] = csigmoid.sigmoid_backward(x, y_for_backward)
        strided = np.repeat(x, 2)[::2]
        with csigmoid.threads(1):
            for name in UNARY:
                outputs[f"{name}[strided]"] = getattr(csigmoid, name)(strided)
        for name, out in outputs.items():
            hashes.setdefault(name, hashlib.sha256()).update(np.ascontiguousarray(out).tobytes())
    for name, h in hashes.items():
        digests[f"{key}/{name}"] = h.hexdigest()


def compute():
    digests = {}
    digest_calls(digests, "float16", [np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)])
    digest_calls(digests, "float32", float32_chunks())
    f64 = float64_corpus()
    digest_calls(digests, "float64", [f64])
    # beyond float64's range, built exactly (a literal such as 1e400 would pass through a double)
    beyond_float64 = [np.ldexp(np.longdouble(1.5), 1330), -np.ldexp(np.longdouble(1.5), 1330)]
    beyond_float64.append(np.ldexp(np.longdouble(1.5), -16400))  # a long double subnormal
    wide = np.concatenate([f64.astype(np.longdouble), np.array(beyond_float64)])
    digest_calls(digests, "longdouble", [wide])
    for dtype in (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64):
        corpus = np.array([False, True]) if dtype is np.bool_ else integer_corpus(dtype)
        digest_calls(digests, np.dtype(dtype).name, [corpus])
    return digests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the digests to this JSON file")
    parser.add_argument(
        "--compare", help="compare with the digests in this JSON file; exit 1 on a difference"
    )
    args = parser.parse_args()
    with np.errstate(all="ignore"):
        digests = compute()
    kernel = csigmoid.show_config(mode="dicts")["simd"]["kernel_in_use"]
    text = json.dumps({"kernel": kernel, "digests": digests}, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    if args.compare:
        with open(args.compare) as f:
            expected = json.load(f)["digests"]
        differ = sorted(k for k in expected.keys() | digests.keys() if expected.get(k) != digests.get(k))
        print(f"{len(digests)} digests, {len(differ)} differ from {args.compare}")
        for key in differ:
            print("  differs:", key)
        return 1 if differ else 0
    if not args.out:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
