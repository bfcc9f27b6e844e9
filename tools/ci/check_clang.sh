#!/usr/bin/env bash
# csigmoid built with clang and LLVM's OpenMP runtime (libomp), the compiler
# family and runtime of the macOS wheels, in a throwaway virtual environment:
#
#   1. built with CC=clang-16 (Debian's clang-16, libomp-16-dev) and
#      CSIGMOID_REQUIRE_OPENMP=1; all three x86-64 variants are built, and
#      every extension links libomp, not GCC's libgomp;
#   2. every copy of every kernel loop, in every variant, is vectorized:
#      clang's -Rpass=loop-vectorize remarks, and no -Rpass-missed one, at
#      each loop (tools/ci/check_vectorization.py);
#   3. show_config() names clang and libomp, and the whole test suite passes
#      against this build, the accuracy tests once per kernel variant
#      (baseline, avx2 and, on an AVX-512 machine, avx512: each exhaustive
#      float32 sweep must have run for every variant this CPU has).
#
# The speed of this build against GCC's is measured by
# tools/bench/compilers.sh (BENCHMARKS.md), not here: CI timings are noise.
#
#   bash tools/ci/check_clang.sh [extra pytest arguments]     (7 to 19 minutes on 2 cores, quiet to loaded)
#
# Installs clang-16 and libomp-16-dev with apt-get when missing.  Exits
# non-zero at the first failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
CLANG=clang-16

fail() { printf '\ncheck_clang: FAILED: %s\n' "$*" >&2; exit 1; }
ok() { printf '   ok: %s\n' "$*"; }
logged() {  # logged LOG COMMAND...: run quietly into LOG; show its end if it fails
    local log="$1"; shift
    "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "$* (log: $log)"; }
}

if ! command -v "$CLANG" >/dev/null || [[ ! -e /usr/lib/llvm-16/lib/libomp.so ]]; then
    echo "== installing $CLANG and libomp-16-dev (apt-get)"
    logged "$work/apt.log" apt-get update -q
    logged "$work/apt.log" apt-get install -y -q "$CLANG" libomp-16-dev
fi
echo "== $("$CLANG" --version | head -n 1)"

echo "== 1. build with $CLANG and libomp"
venv="$work/venv"
python3 -m venv "$venv"
logged "$work/pip.log" "$venv/bin/python" -m pip install --upgrade pip
mkdir "$work/src"
(cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
# -gline-tables-only: remarks carry their source line (it changes no code)
(cd "$work/src" && logged "$work/build.log" env -u CPPFLAGS -u LDFLAGS -u CSIGMOID_DISABLE_OPENMP \
    CC="$CLANG" CFLAGS="-Rpass=loop-vectorize -Rpass-missed=loop-vectorize -gline-tables-only" \
    CSIGMOID_REQUIRE_OPENMP=1 "$venv/bin/python" -m pip install -v ".[test]")
if grep -q "skipping the" "$work/build.log"; then fail "a kernel variant was skipped: $(grep 'skipping the' "$work/build.log")"; fi
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
mapfile -t extensions < <(find "$site/csigmoid" -name '*.so' | sort)     # in every subpackage
[[ ${#extensions[@]} -gt 0 ]] || fail "no extension module under $site/csigmoid"
for so in "${extensions[@]}"; do
    needed="$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
    grep -q '^libomp' <<<"$needed" || fail "${so##*/} does not link libomp"
    if grep -q 'gomp' <<<"$needed"; then fail "${so##*/} links libgomp"; fi
done
ok "${#extensions[@]} extensions, each linking $(readelf -d "${extensions[0]}" | grep -o 'libomp[^]]*'), none libgomp"

echo "== 2. every kernel loop vectorized (clang remarks)"
python3 "$repo/tools/ci/check_vectorization.py" clang "$work/build.log" "$work/src"/csigmoid/_kernels/*.c \
    || fail "a kernel loop is not vectorized by clang"
# the remark checker can fail: a log without the remarks must not pass it
if python3 "$repo/tools/ci/check_vectorization.py" clang /dev/null "$work/src"/csigmoid/_kernels/*.c >/dev/null; then
    fail "tools/ci/check_vectorization.py passed a build without remarks"
fi
ok "every kernel loop of every variant vectorized"

echo "== 3. show_config and the whole test suite against the clang build"
outside="$work/outside"
mkdir "$outside"
(cd "$outside" && "$venv/bin/python" -c 'import csigmoid; csigmoid.show_config()') | tee "$work/config.txt" | sed 's/^/   | /'
grep -q "compiler: clang 16" "$work/config.txt" && grep -q "runtime libomp" "$work/config.txt" \
    || fail "show_config does not name clang 16 and libomp"
variants="$(cd "$outside" && "$venv/bin/python" -c 'from csigmoid._cpu import variants; print(len(variants.available_variants()))')"
(cd "$outside" && "$venv/bin/python" -m pytest -p no:cacheprovider --junitxml="$work/junit.xml" "$repo/tests" "$@") \
    || fail "the test suite against the clang build"
python3 - "$work/junit.xml" "$variants" <<'PY' || fail "the accuracy tests did not run for every variant"
import sys
import xml.etree.ElementTree as ET

variants = int(sys.argv[2])
ran = {}
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    name = case.get("name").split("[")[0]
    if not any(child.tag in ("skipped", "failure", "error") for child in case):
        ran[name] = ran.get(name, 0) + 1
for name, per_variant in (("test_float32_exhaustive", 1), ("test_family_float32_exhaustive", 2),
                          ("test_float64_dense", 1), ("test_family_float64_dense", 2)):
    assert ran.get(name, 0) == per_variant * variants, f"{name} passed {ran.get(name, 0)} times"
print(f"   accuracy tests passed for each of the {variants} variants this CPU runs")
PY
ok "the test suite passed against the clang + libomp build"
