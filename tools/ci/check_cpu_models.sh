#!/usr/bin/env bash
# csigmoid on x86-64 CPUs other than this machine's, emulated by QEMU's user
# mode (`qemu-x86_64 -cpu MODEL`, Debian's qemu-user), which runs this
# machine's Python but answers CPUID as MODEL and refuses (SIGILL) every
# instruction MODEL lacks:
#
#   Haswell      AVX2 + FMA, no AVX-512  ->  the avx2 kernels
#   SandyBridge  AVX, no AVX2 or FMA     ->  the baseline kernels
#
# For each model: import selects that variant and imports no variant above it
# (a variant's module code is compiled for its level, so even its import may
# use instructions the CPU lacks); show_config() says so; `python -m
# csigmoid`'s self-check passes (its speed table is left out: it times arrays
# of up to 10**7 elements, minutes under emulation, and measures nothing
# there); and a subset of the suite passes (SUBSET
# below: accuracy on dense float64 samples and mpmath points, special values,
# dtypes and the API's shapes and layouts, the variant selection and its
# environment variable), run by the emulated Python.  A test's subprocesses
# (sys.executable) go through the same emulator: sys.executable is a wrapper
# that starts QEMU (without it they would run natively, on this machine's
# AVX-512 CPU).  Two controls prove that the emulation is real: forcing the
# avx2 kernels on SandyBridge, and an AVX2 instruction on SandyBridge, die
# with SIGILL.  And the modules every CPU imports (every extension but the
# avx2 and avx512 kernels) are checked to hold no AVX (VEX-encoded) instruction at
# all, so that they run below SandyBridge too.
#
# QEMU does not emulate AVX-512: the avx512 variant is run by the ordinary
# suite on this machine's CPU.  Timings under emulation mean nothing (the
# self-check's speed table included).
#
#   bash tools/ci/check_cpu_models.sh        (4 to 7 minutes on 2 cores, quiet to loaded)
#
# Installs qemu-user with apt-get when qemu-x86_64 is missing; everything
# Python in a throwaway virtual environment.  Exits non-zero at the first
# failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The tests run under each model (files, and a pytest -k expression over
# their test names).  Exhaustive sweeps and
# thread/process/memory tests are left to the native suite: they test the
# same kernel code at 10-50 times the cost under emulation.
TEST_FILES=(test_accuracy.py test_api.py test_isa.py test_config.py test_cpu.py test_same_bits.py)
SELECTION="(test_accuracy and (float64_dense or against_mpmath or special_values or subnormal \
or underflows or far_right or float16 or fused or backward_within or logit_is_odd)) \
or (test_api and (dtype or shape or scalar or list_input or empty_input or every_layout \
or out_is_filled)) or test_isa or test_config or test_cpu \
or (test_same_bits and not every_variant)"

fail() { printf '\ncheck_cpu_models: FAILED: %s\n' "$*" >&2; exit 1; }
ok() { printf '   ok: %s\n' "$*"; }

if ! command -v qemu-x86_64 >/dev/null; then
    echo "== installing qemu-user (apt-get)"
    apt-get update -q >"$work/apt.log" 2>&1 && apt-get install -y -q qemu-user >>"$work/apt.log" 2>&1 \
        || { tail -n 20 "$work/apt.log" >&2; fail "apt-get install qemu-user"; }
fi
echo "== $(qemu-x86_64 --version | head -n 1)"

echo "== csigmoid built (gcc, as a wheel would be) in a throwaway venv"
venv="$work/venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q numpy pytest mpmath
mkdir "$work/src"
(cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
(cd "$work/src" && env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u CSIGMOID_DISABLE_OPENMP CSIGMOID_REQUIRE_OPENMP=1 \
    "$venv/bin/python" -m pip install -v "$work/src" >"$work/build.log" 2>&1) \
    || { tail -n 30 "$work/build.log" >&2; fail "building csigmoid"; }
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"

# Every extension but the avx2 and avx512 kernels (one per .pyx, in every
# subpackage: the ufunc layer, CPU detection, the baseline kernels, ...) is
# imported or run on any x86-64: compiled without -march, and no AVX
# instruction in them (in AT&T syntax every VEX/EVEX-encoded instruction, and
# no SSE one, starts with v).
mapfile -t portable < <(cd "$work/src" && find csigmoid -name '*.pyx' ! -path '*/_kernels/avx2.pyx' \
    ! -path '*/_kernels/avx512.pyx' | sed 's/\.pyx$//' | sort)
[[ ${#portable[@]} -gt 0 ]] || fail "no .pyx source found"
for module in "${portable[@]}"; do
    grep -E " -c $module\.c " "$work/build.log" >"$work/cc.txt" \
        || fail "no compile command for $module in the build log"
    if grep -q -- "-march=" "$work/cc.txt"; then fail "$module was compiled with a -march"; fi
    so=("$site/$module".*.so)
    avx="$(objdump -d --no-show-raw-insn "${so[0]}" | grep -cE '^\s+[0-9a-f]+:\s+v[a-z0-9]+\s' || true)"
    [[ "$avx" -eq 0 ]] || fail "$module holds $avx AVX instructions"
done
ok "${portable[*]}: compiled without -march, no AVX instruction (objdump)"

# CPUID features of the models that QEMU's TCG cannot provide and warns
# about at every start: system-level ones (and TSX), none an instruction-set
# level tests.
UNSUPPORTED="-pcid,-x2apic,-tsc-deadline,-hle,-invpcid,-rtm"
# sys.executable of the emulated Python is this wrapper (QEMU's -0 sets
# argv[0]), which sits in the venv's bin/ so that the venv is found from it.
emulated() {  # emulated MODEL: the path of a python that runs on MODEL
    local wrapper="$venv/bin/python-$1"
    printf '#!/bin/sh\nexec qemu-x86_64 -cpu %s -0 "$0" "%s" "$@"\n' "$1,$UNSUPPORTED" "$venv/bin/python3" >"$wrapper"
    chmod +x "$wrapper"
    printf '%s\n' "$wrapper"
}

echo "== controls: the emulator refuses what the model lacks"
py_sandy="$(emulated SandyBridge)"
# the avx2 kernels installed by hand on SandyBridge, and called
set +e
(cd "$work" && "$py_sandy" -c '
import numpy as np
import csigmoid
from csigmoid._ufunc import ufuncs
import csigmoid._kernels.avx2 as avx2
ufuncs.use_kernels(avx2.kernel_table)
csigmoid.sigmoid(np.linspace(-5, 5, 10_000))
print("the avx2 kernels ran")' >"$work/control.log" 2>&1)
status=$?
set -e
[[ $status -eq 132 || $status -eq 4 ]] \
    || { cat "$work/control.log" >&2; fail "the avx2 kernels on SandyBridge did not die by SIGILL (status $status)"; }
ok "the avx2 kernels forced on SandyBridge die by SIGILL (status $status)"
printf 'int main(void) { __asm__ volatile("vpaddd %%ymm0, %%ymm0, %%ymm0"); return 0; }\n' >"$work/avx2.c"
gcc -o "$work/avx2" "$work/avx2.c"
qemu-x86_64 -cpu "Haswell,$UNSUPPORTED" "$work/avx2" || fail "an AVX2 instruction failed on Haswell"
set +e
qemu-x86_64 -cpu "SandyBridge,$UNSUPPORTED" "$work/avx2" 2>/dev/null
status=$?
set -e
[[ $status -eq 132 ]] || fail "an AVX2 instruction on SandyBridge did not die by SIGILL (status $status)"
ok "an AVX2 instruction runs on Haswell and dies by SIGILL on SandyBridge"

check_model() {  # check_model MODEL EXPECTED_LEVEL
    local model="$1" level="$2" py
    py="$(emulated "$model")"
    echo "== $model: expect the $level kernels"
    (cd "$work" && "$py" - "$level" <<'PY') || fail "$model: variant selection"
import io
import sys

import csigmoid
from csigmoid._cpu import features
from csigmoid._cpu import variants

level = sys.argv[1]
assert features.cpu_level() == level, f"CPU level {features.cpu_level()}, expected {level}"
assert variants.current_variant() == level, f"kernel {variants.current_variant()}, expected {level}"
above = features.LEVELS[features.LEVELS.index(level) + 1:]
imported = [v for v in above if f"csigmoid._kernels.{v}" in sys.modules]
assert not imported, f"imported the {imported} kernels, which this CPU cannot run"
report = io.StringIO()
csigmoid.show_config(report)
print(report.getvalue(), end="")
lines = dict(line.split(":", 1) for line in report.getvalue().splitlines())
lines = {k.strip(): v.strip() for k, v in lines.items()}
assert lines["CPU supports"] == level and lines["kernel in use"] == level, lines
print(f"imported kernel variants: {sorted(m for m in sys.modules if m.startswith('csigmoid._kernels.'))}")
PY
    ok "$model: CPU level $level, kernel $level, show_config says so, no higher variant imported"

    (cd "$work" && "$py" -P - >"$work/main-$model.log" 2>&1 <<'PY') \
        || { cat "$work/main-$model.log" >&2; fail "$model: the self-check"; }
import sys

import csigmoid
from csigmoid.__main__ import check_stored_values

csigmoid.show_config()
sys.exit(0 if check_stored_values() else 1)
PY
    [[ "$(grep -c ' ok$' "$work/main-$model.log")" -eq 4 ]] && ! grep -q FAILED "$work/main-$model.log" \
        || { cat "$work/main-$model.log" >&2; fail "$model: the self-check did not pass"; }
    grep -E '^\s+float(32|64) sigmoid' "$work/main-$model.log" | sed 's/^/   | /'
    ok "$model: python -m csigmoid's self-check passed"

    # the checkout's tests, run in place against the installed package; the
    # test subprocesses find the emulated interpreter as sys.executable
    (cd "$work" && "$py" -m pytest -q -p no:cacheprovider --junitxml="$work/junit-$model.xml" \
        "${TEST_FILES[@]/#/$repo/tests/}" -k "$SELECTION" >"$work/tests-$model.log" 2>&1) \
        || { tail -n 60 "$work/tests-$model.log" >&2; fail "$model: the test subset"; }
    python3 - "$work/junit-$model.xml" "$level" <<'PY' || fail "$model: the accuracy tests did not run for $level"
import sys
import xml.etree.ElementTree as ET

passed = [case.get("name") for case in ET.parse(sys.argv[1]).getroot().iter("testcase")
          if not any(child.tag in ("skipped", "failure", "error") for child in case)]
for name in ("test_float64_dense", "test_against_mpmath", "test_use_variant_makes_it_current"):
    assert any(p.startswith(f"{name}[") and sys.argv[2] in p[len(name) + 1:-1].split("-")
               for p in passed), f"{name} did not pass for {sys.argv[2]}"
PY
    ok "$model: $(tail -n 1 "$work/tests-$model.log")"
}

start=$SECONDS
check_model Haswell avx2
check_model SandyBridge baseline
echo
echo "check_cpu_models: Haswell (avx2) and SandyBridge (baseline) passed in $((SECONDS - start)) s"
