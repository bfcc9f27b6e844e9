#!/usr/bin/env bash
# csigmoid on AArch64 (Linux, glibc), proven on an x86-64 machine: built by
# Debian's arm64 Python running under QEMU's user-mode emulation
# (qemu-aarch64) with the cross compiler (aarch64-linux-gnu-gcc, GCC 12) as
# its C compiler, then tested by that Python under emulation:
#
#   1. an arm64 Debian root (debootstrap, the .debs unpacked with dpkg-deb:
#      python3, python3-dev, libgomp1); NumPy, Cython, setuptools, pip,
#      pytest and mpmath for it, as aarch64 wheels from PyPI, put beside it
#      (`pip install --target --platform`, run natively: faster than the
#      emulated pip);
#   2. the build keeps only the baseline variant (NEON; the x86 levels are
#      refused by setup.py's probe), with OpenMP, and every copy of every
#      kernel loop is vectorized (GCC's -fopt-info-vec, checked by
#      tools/ci/check_vectorization.py); the extensions are AArch64 objects
#      and the kernels use NEON's 128-bit vector registers;
#   3. `python -m csigmoid`'s self-check (its speed table is left out: it
#      times arrays of up to 10**7 elements, minutes under emulation, and
#      measures nothing there), show_config() (gcc, libgomp, baseline), and
#      the test suite (SELECTION below) pass under emulation:
#      accuracy on dense float64 samples against the quad-precision long
#      double and on mpmath points, the strided float32 sweeps, the long
#      double path (IEEE quad on AArch64 Linux, not x87's 80 bits), the API's
#      dtypes, layouts and floating-point environment, and the fork tests (os.fork and multiprocessing's fork,
#      before and after a parallel region).  The tests'
#      subprocesses (sys.executable) start under the emulator too: QEMU's -0
#      makes sys.executable a wrapper that starts QEMU again (there is no
#      binfmt_misc here, and the kernel cannot exec an arm64 binary itself).
#
# Left out under emulation (each runs in the native suite, on the same
# kernel source): the exhaustive float32 sweeps (2**32 values per function,
# about an hour emulated; the strided ones stand in), the thread-safety and
# contention tests, the memory and leak tests (they time and count host
# threads and RSS, which QEMU's own threads and translation cache disturb),
# the spawn and forkserver start methods (half a minute each emulated; they
# start fresh interpreters, as test_isa's subprocesses do here), hypothesis,
# typing, docstrings, examples, Dask/xarray/pandas, plot and bench (their
# dependencies, not the kernels, would be what is tested).
# Two traps of this machine are avoided: OPENBLAS_CORETYPE=Haswell (set
# here) hangs the arm64 NumPy's OpenBLAS at import, and an LD_LIBRARY_PATH
# into the cross toolchain breaks NumPy under emulation; the wrapper unsets
# both and the OpenMP runtime comes from the root's own libgomp1.
# Timings under emulation mean nothing: none is reported as a speed.
#
#   bash tools/ci/check_aarch64.sh        (6 to 12 minutes on 2 cores, quiet to loaded)
#
# Installs qemu-user, gcc-aarch64-linux-gnu and debootstrap with apt-get
# when missing.  Exits non-zero at the first failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

TEST_FILES=(test_accuracy.py test_api.py test_protocol.py test_processes.py test_isa.py test_cpu.py
    test_config.py test_reference.py test_ufunc_methods.py test_same_bits.py)
# test_api: the dtypes (float16, integers, long double), shapes, scalars,
# every layout and stride, out=, and the floating-point environment (flags,
# subnormal mode: AArch64's FPCR differs from x86's MXCSR); its argument
# validation and broadcasting are the same Python code on every platform.
# test_same_bits: this process's digests against the stored ones, the x86
# builds' (AArch64 has one kernel variant: no per-variant subprocesses).
SELECTION="(not test_api and not exhaustive and not spawn and not forkserver and not every_variant) or (test_api and (dtype \
or shape or scalar or list_input or empty_input or layout or stride or out_is_filled or in_place \
or longdouble or floating_point or subnormal_mode or backward_of or fused_equals))"
# Tests that must have run and passed, not been skipped (the reason for this platform).
REQUIRED=(test_float64_dense test_family_float64_dense test_float32_strided test_family_float32_strided
    test_longdouble_within_4_ulp test_family_longdouble_within_3_ulp
    test_longdouble_gives_longdouble_close_to_float64 test_children_finish_with_correct_results
    test_longdouble_near_tiny_and_in_the_subnormals test_reduce_is_the_left_fold
    test_this_process_returns_the_stored_bits)

fail() { printf '\ncheck_aarch64: FAILED: %s\n' "$*" >&2; exit 1; }
ok() { printf '   ok: %s\n' "$*"; }
logged() {  # logged LOG COMMAND...: run quietly into LOG; show its end if it fails
    local log="$1"; shift
    "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; fail "$* (log: $log)"; }
}

missing=()
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "== installing ${missing[*]} (apt-get)"
    logged "$work/apt.log" apt-get update -q
    logged "$work/apt.log" apt-get install -y -q "${missing[@]}"
fi
echo "== $(qemu-aarch64 --version | head -n 1); $(aarch64-linux-gnu-gcc --version | head -n 1)"

start=$SECONDS
echo "== 1. arm64 Debian root, and the Python packages"
root="$work/root"
# --foreign: download and unpack only (the second stage would run the
# root's programs as root of a chroot); dpkg-deb -x unpacks every package.
logged "$work/debootstrap.log" debootstrap --foreign --arch=arm64 --variant=minbase \
    --include=python3,python3-dev,libgomp1 bookworm "$root"
for deb in "$root"/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" "$root"; done
rm -f "$root"/var/cache/apt/archives/*.deb
site="$work/site"
python="$root/usr/bin/python3-emulated"
cat >"$python" <<EOF
#!/bin/sh
# the root's arm64 python under qemu-aarch64; -0 makes this file its sys.executable
exec env -u OPENBLAS_CORETYPE -u LD_LIBRARY_PATH PYTHONPATH="$site" \\
    qemu-aarch64 -L "$root" -0 "\$0" "$root/usr/bin/python3.11" "\$@"
EOF
chmod +x "$python"
[[ "$("$python" -c 'import platform; print(platform.machine())')" == aarch64 ]] \
    || fail "the emulated python is not aarch64"
host_venv="$work/host-venv"
python3 -m venv "$host_venv"
logged "$work/pip.log" "$host_venv/bin/python" -m pip install --upgrade pip
logged "$work/pip.log" "$host_venv/bin/python" -m pip install --target "$site" --only-binary=:all: \
    --implementation cp --python-version "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
    --platform manylinux_2_28_aarch64 --platform manylinux2014_aarch64 \
    "numpy>=2.0" "Cython>=3.1" "setuptools>=77" pip pytest mpmath
ok "$("$python" -c 'import sys, numpy; print(f"Python {sys.version.split()[0]}, NumPy {numpy.__version__}")') (aarch64, emulated) in $((SECONDS - start)) s"

echo "== 2. csigmoid built by the arm64 Python with aarch64-linux-gnu-gcc"
mkdir "$work/src"
(cd "$repo" && git ls-files -z | xargs -0 cp --parents -t "$work/src")
# The root's Python headers first (its pyconfig.h is the multiarch one
# including <aarch64-linux-gnu/python3.11/pyconfig.h>); setuptools also adds
# the sysconfig include path, /usr/include/python3.11, which on this
# machine is the x86-64 Python's.
(cd "$work/src" && logged "$work/build.log" env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u CSIGMOID_DISABLE_OPENMP \
    CC="aarch64-linux-gnu-gcc -I$root/usr/include/python3.11 -I$root/usr/include" \
    CFLAGS="-fopt-info-vec-optimized" CSIGMOID_REQUIRE_OPENMP=1 \
    "$python" -m pip install -v --no-build-isolation --no-deps --target "$site" .)
for variant in avx2 avx512; do
    grep -q "skipping the $variant kernels" "$work/build.log" || fail "setup.py did not skip the $variant kernels"
done
# one extension per .pyx, in every subpackage, but the two x86 kernel variants
mapfile -t modules < <(find "$site/csigmoid" -name '*.so' | sort)
expected="$(find "$work/src/csigmoid" -name '*.pyx' ! -path '*/_kernels/avx2.pyx' ! -path '*/_kernels/avx512.pyx' | wc -l)"
[[ ${#modules[@]} -eq "$expected" ]] || fail "expected $expected extensions (every .pyx but avx2 and avx512), found: ${modules[*]#"$site/"}"
# Every extension that calls OpenMP links libgomp (one that does not, such as
# _parallel/testing, which only calls the policy's C functions, may be left
# without it by the linker's --as-needed); the kernels always do.
for so in "${modules[@]}"; do
    readelf -h "$so" | grep -q "Machine:.*AArch64" || fail "$so is not an AArch64 object"
    if readelf --dyn-syms -W "$so" | grep -qE " UND +(GOMP_|omp_)"; then
        readelf -d "$so" | grep -q "NEEDED.*libgomp" || fail "$so calls OpenMP but does not link libgomp"
    fi
done
readelf -d "$site/csigmoid/_kernels/"baseline.*.so | grep -q "NEEDED.*libgomp" \
    || fail "the baseline kernels do not link libgomp"
ok "${modules[*]#"$site/"}: AArch64, those calling OpenMP (the kernels among them) linked with libgomp; the avx2 and avx512 variants skipped"
python3 "$repo/tools/ci/check_vectorization.py" gcc "$work/build.log" "$work/src/csigmoid/_kernels/baseline.c" \
    || fail "a kernel loop is not vectorized for NEON"
# the remark checker can fail: a log without the remarks must not pass it
if python3 "$repo/tools/ci/check_vectorization.py" gcc /dev/null "$work/src/csigmoid/_kernels/baseline.c" >/dev/null; then
    fail "tools/ci/check_vectorization.py passed a build without remarks"
fi
neon="$(aarch64-linux-gnu-objdump -d --no-show-raw-insn "$site"/csigmoid/_kernels/baseline.*.so \
    | grep -cE '\sf(mla|mul|add|div)\s+v[0-9]+\.(4s|2d)' || true)"
[[ "$neon" -gt 0 ]] || fail "no NEON arithmetic (fmla/fmul/fadd/fdiv on v registers) in the kernels"
ok "every kernel loop vectorized (GCC -fopt-info-vec); $neon NEON fmla/fmul/fadd/fdiv .4s/.2d instructions"

echo "== 3. under emulation: show_config, the self-check of python -m csigmoid, the tests"
(cd "$work" && "$python" -P - >"$work/main.log" 2>&1 <<'PY') || { cat "$work/main.log" >&2; fail "the self-check"; }
import sys

import csigmoid
from csigmoid.__main__ import check_stored_values

csigmoid.show_config()
sys.exit(0 if check_stored_values() else 1)
PY
sed -n '1,/kernel in use/p' "$work/main.log" | sed 's/^/   | /'
grep -qE "compiler: gcc" "$work/main.log" && grep -qE "OpenMP: enabled .*libgomp" "$work/main.log" \
    && grep -qE "kernel in use: baseline" "$work/main.log" || fail "show_config: not gcc, libgomp and baseline"
[[ "$(grep -c ' ok$' "$work/main.log")" -eq 4 ]] && ! grep -q FAILED "$work/main.log" \
    || { cat "$work/main.log" >&2; fail "the self-check did not pass"; }
ok "show_config: gcc, OpenMP libgomp, baseline; python -m csigmoid's self-check passed"

tests_start=$SECONDS
(cd "$work" && "$python" -m pytest -q -p no:cacheprovider --junitxml="$work/junit.xml" \
    "${TEST_FILES[@]/#/$repo/tests/}" -k "$SELECTION" >"$work/tests.log" 2>&1) \
    || { tail -n 60 "$work/tests.log" >&2; fail "the test suite under emulation"; }
python3 - "$work/junit.xml" "${REQUIRED[@]}" <<'PY' || fail "a required test did not run"
import sys
import xml.etree.ElementTree as ET

cases = ET.parse(sys.argv[1]).getroot().iter("testcase")
passed = {}
for case in cases:
    name = case.get("name").split("[")[0]
    ran = not any(child.tag in ("skipped", "failure", "error") for child in case)
    passed[name] = passed.get(name, 0) + ran
missing = [name for name in sys.argv[2:] if not passed.get(name)]
assert not missing, f"not run and passed: {missing}"
print("   required tests passed: " + ", ".join(f"{n} ({passed[n]})" for n in sys.argv[2:]))
PY
ok "$(tail -n 1 "$work/tests.log") (emulated, $((SECONDS - tests_start)) s)"
echo
echo "check_aarch64: passed in $((SECONDS - start)) s"
