#!/usr/bin/env bash
# csigmoid built with GCC against the same sources built with clang-16 and
# LLVM's libomp (the macOS wheels' compiler family and runtime), timed by
# `python -m csigmoid bench` on this machine:
#
#   bash tools/bench/compilers.sh [ROUNDS]        (default 3; ~4 min a round on 2 cores)
#
# Each build lives in its own throwaway venv.  For every kernel variant this
# CPU runs (CSIGMOID_SIMD), the two builds are run alternately ROUNDS times,
# so that drift on a shared machine hits both alike, and the best time of each
# case over all rounds is kept.  Printed: a Markdown table of clang / GCC
# time ratios for csigmoid's rows (below 1: clang faster), and the same
# ratio for the NumPy formula and the copy limit, which do not depend on
# how csigmoid was compiled: how far they are from 1.00 is the noise.
# One thread (--threads 1): the kernels' code, not the OpenMP runtimes'
# scheduling, is what the compilers change.  Check `uptime` first and
# report the load with the figures.  Not run by .ci/run: CI timings are noise.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
BENCH=(--threads 1 --sizes 1e3,1e5,1e7 --peers numpy --rounds 5
       --ops sigmoid,sigmoid_and_derivative,sigmoid_backward,logit,log_sigmoid)

command -v clang-16 >/dev/null || { echo "clang-16 is not installed (apt-get install clang-16 libomp-16-dev)" >&2; exit 1; }
mkdir "$work/src"
(cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
for compiler in gcc clang-16; do
    python3 -m venv "$work/$compiler"
    "$work/$compiler/bin/python" -m pip install -q --upgrade pip
    rm -rf "$work/src/build"
    (cd "$work/src" && env -u CFLAGS -u CPPFLAGS -u LDFLAGS CC="$compiler" CSIGMOID_REQUIRE_OPENMP=1 \
        "$work/$compiler/bin/python" -m pip install -q "$work/src")
done
variants="$(cd "$work" && "$work/gcc/bin/python" -c 'from csigmoid._cpu import variants; print(*variants.available_variants())')"
echo "load before: $(uptime)"
for round in $(seq "$rounds"); do
    for variant in $variants; do
        for compiler in gcc clang-16; do
            echo "round $round/$rounds: $variant, $compiler" >&2
            (cd "$work" && CSIGMOID_SIMD="$variant" "$work/$compiler/bin/python" -P -m csigmoid bench \
                "${BENCH[@]}" --json "$work/$compiler-$variant-$round.json" >/dev/null 2>&1)
        done
    done
done
echo "load after: $(uptime)"

python3 - "$work" "$rounds" $variants <<'PY'
import json
import sys
from pathlib import Path

work, rounds, variants = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
best = {}
for compiler in ("gcc", "clang-16"):
    for variant in variants:
        for r in range(1, rounds + 1):
            for row in json.loads((work / f"{compiler}-{variant}-{r}.json").read_text())["results"]:
                key = (variant, row["operation"], row["dtype"], row["size"], row["contender"], compiler)
                best[key] = min(best.get(key, float("inf")), row["best_ns_per_element"])
print("| variant | operation | dtype | size | csigmoid GCC ns/elem | clang ns/elem | clang / GCC "
      "| NumPy formula clang / GCC | copy limit clang / GCC |")
print("|---|---|---|---:|---:|---:|---:|---:|---:|")
for variant, operation, dtype, size, contender, compiler in sorted(best, key=lambda k: k[:4]):
    if contender != "csigmoid" or compiler != "gcc":
        continue
    def ratio(name):
        key = (variant, operation, dtype, size, name)
        matches = [k for k in best if k[:4] == key[:4] and k[4].startswith(name)]
        if not matches:
            return "-"
        name = matches[0][4]
        return f"{best[key[:4] + (name, 'clang-16')] / best[key[:4] + (name, 'gcc')]:.2f}"
    gcc, clang = best[(variant, operation, dtype, size, contender, "gcc")], \
        best[(variant, operation, dtype, size, contender, "clang-16")]
    print(f"| {variant} | {operation} | {dtype} | {size:.0e} | {gcc:.3g} | {clang:.3g} | {clang / gcc:.2f} "
          f"| {ratio('numpy')} | {ratio('copy')} |".replace("e+0", "e"))
PY
