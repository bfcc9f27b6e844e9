"""Time csigmoid/_kernels/include/simd.h's span functions with its tuning constants varied.

    python tools/bench/simd_harness/run.py [N] [REPS] [ROUNDS]    (default 100000 300 5)
    python tools/bench/simd_harness/run.py --accuracy [STEP] [N]  (default 3 6000000)

Each build is a copy of the headers with one change (SIMD_AHEAD, streaming
never, a reciprocal estimate in place of the division, a software
prefetch of the input, the compensated exponential of
compensated_exponential.patch), compiled with setup.py's flags
for the avx512 and avx2 levels; the builds run alternately, ROUNDS times, and
the best ns per element of each is printed.  With --accuracy, accuracy.c
measures the largest error of sigma and sigma' of the builds that change the
numbers (as shipped, and the compensated exponential; STEP and N: see
there).  Needs gcc and, for the avx512 builds, a CPU with AVX-512.  The
figures: BENCHMARKS.md, "Kernel design, measured" and "What sigma <= 1 ulp
costs".
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPENSATED = HERE / "compensated_exponential.patch"
INCLUDE = HERE.parents[2] / "csigmoid" / "_kernels" / "include"  # simd.h and the headers it includes
FLAGS = ["-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"]
LEVELS = {
    "avx512": ["-march=x86-64-v4", "-mprefer-vector-width=512"],
    "avx2": ["-march=x86-64-v3"],
}
RECIPROCAL = {
    "avx512": {
        "static inline simd_f64 simd_div_f64(simd_f64 a, simd_f64 b) { return _mm512_div_pd(a, b); }": (
            "static inline simd_f64 simd_div_f64(simd_f64 a, simd_f64 b) {"
            " const __m512d one = _mm512_set1_pd(1); __m512d r = _mm512_rcp14_pd(b);"
            " r = _mm512_fmadd_pd(_mm512_fnmadd_pd(b, r, one), r, r);"
            " r = _mm512_fmadd_pd(_mm512_fnmadd_pd(b, r, one), r, r);"
            " return _mm512_mul_pd(a, r); }"
        ),
        "static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) { return _mm512_div_ps(a, b); }": (
            "static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) {"
            " const __m512 one = _mm512_set1_ps(1); __m512 r = _mm512_rcp14_ps(b);"
            " r = _mm512_fmadd_ps(_mm512_fnmadd_ps(b, r, one), r, r);"
            " return _mm512_mul_ps(a, r); }"
        ),
    },
    "avx2": {
        "static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) { return _mm256_div_ps(a, b); }": (
            "static inline simd_f32 simd_div_f32(simd_f32 a, simd_f32 b) {"
            " const __m256 one = _mm256_set1_ps(1); __m256 r = _mm256_rcp_ps(b);"
            " r = _mm256_fmadd_ps(_mm256_fnmadd_ps(b, r, one), r, r);"
            " r = _mm256_fmadd_ps(_mm256_fnmadd_ps(b, r, one), r, r);"
            " return _mm256_mul_ps(a, r); }"
        ),
    },
}
# Software prefetch of the input, so many bytes ahead of each vector load
# (the exponentials' loads run SIMD_AHEAD vectors ahead of the quotients
# already): a candidate where the hardware prefetchers fall behind the
# kernel out of cache (float64 on Intel moved its bytes at less than half
# memcpy's rate, BENCHMARKS.md "Out of cache, against the copy").
PREFETCH_BYTES = (1024, 4096)
LOAD_VECTOR = """    const int64_t i = v * SIMD_WIDTH;
    return i + SIMD_WIDTH <= n"""


def prefetch(ahead):
    """The line that prefetches `ahead` bytes beyond vector v (a prefetch never faults)."""
    return f"    __builtin_prefetch((const char *)(x + i) + {ahead});\n    return"


NAMES = ("sigma f32", "sigma f64", "fused f32", "fused f64")


def variants(level):
    """(label, {old text: new text}) for each build of one level."""
    yield "as shipped", {}
    for ahead in (1, 4, 16):
        yield f"SIMD_AHEAD {ahead}", {"#define SIMD_AHEAD 8": f"#define SIMD_AHEAD {ahead}"}
    yield "never streamed", {"#define SIMD_STREAM_BYTES (16 << 20)": "#define SIMD_STREAM_BYTES (1LL << 62)"}
    yield "reciprocal estimate", RECIPROCAL[level]
    for ahead in PREFETCH_BYTES:
        yield f"prefetch {ahead} B ahead", {LOAD_VECTOR: LOAD_VECTOR.replace("    return", prefetch(ahead))}
    yield "compensated exponential", COMPENSATED


def build(folder, level, changes, program="harness.c"):
    """The headers copied to `folder` with `changes` made (a dict of old text:
    new text, or a patch file), and `program` compiled against them."""
    folder.mkdir()
    for path in INCLUDE.glob("*.h"):
        shutil.copy(path, folder / path.name)
    if isinstance(changes, Path):
        with changes.open() as patch:
            subprocess.run(["patch", "-s", "-p0"], stdin=patch, cwd=folder, check=True)
    else:
        for old, new in changes.items():
            holders = [header for header in sorted(folder.glob("*.h")) if old in header.read_text()]
            if len(holders) != 1:
                sys.exit(f"run.py: {len(holders)} headers (not one) contain {old!r}")
            holders[0].write_text(holders[0].read_text().replace(old, new))
    executable = folder / Path(program).stem
    subprocess.run(
        ["gcc", *FLAGS, *LEVELS[level], f"-I{folder}", str(HERE / program), "-o", str(executable), "-lm"],
        check=True,
    )
    return executable


def accuracy(argv):
    """The largest errors of the builds that change the numbers, at each level."""
    step, n = (argv + ["3", "6000000"][len(argv) :])[:2]
    with tempfile.TemporaryDirectory() as scratch:
        for level in LEVELS:
            for i, (label, changes) in enumerate(variants(level)):
                if label not in ("as shipped", "compensated exponential"):
                    continue
                program = build(Path(scratch) / f"{level}-{i}", level, changes, "accuracy.c")
                out = subprocess.run([str(program), step, n], capture_output=True, text=True, check=True)
                for line in out.stdout.splitlines():
                    print(f"{level}, {label}: {line}")


def main(argv):
    if argv[:1] == ["--accuracy"]:
        accuracy(argv[1:])
        return
    n, reps, rounds = (argv + ["100000", "300", "5"][len(argv) :])[:3]
    with tempfile.TemporaryDirectory() as scratch:
        builds = []
        for level in LEVELS:
            for i, (label, changes) in enumerate(variants(level)):
                builds.append((level, label, build(Path(scratch) / f"{level}-{i}", level, changes)))
        best = {}
        for r in range(int(rounds)):
            for level, label, program in builds if r % 2 == 0 else builds[::-1]:
                out = subprocess.run([str(program), n, reps], capture_output=True, text=True, check=True)
                for name, value in re.findall(
                    r"(sigma f32|sigma f64|fused f32|fused f64) ([\d.]+)", out.stdout
                ):
                    key = (level, label, name)
                    best[key] = min(best.get(key, float("inf")), float(value))
    print(f"{n} elements, one thread, best of {reps} calls x {rounds} alternating rounds, ns per element")
    print("| level | build | " + " | ".join(NAMES) + " |")
    print("|---|---|" + "---:|" * len(NAMES))
    for level, label, _ in builds:
        print(f"| {level} | {label} | " + " | ".join(f"{best[(level, label, k)]:.3f}" for k in NAMES) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
