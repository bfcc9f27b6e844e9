#!/usr/bin/env bash
# Build csigmoid with AddressSanitizer and UndefinedBehaviorSanitizer in a
# throwaway virtual environment and run the test suite against that build:
#
#     tools/ci/run_sanitizers.sh [extra pytest arguments]
#
# Any sanitizer report aborts the run (halt_on_error / -fno-sanitize-recover),
# so exit status 0 means no errors.  Needs gcc or clang with the sanitizer
# runtimes (Debian: gcc's libasan/libubsan come with it).
#
# CPython itself is not instrumented, so libasan is preloaded (it must be the
# first library loaded) and leak detection is off: the interpreter keeps
# memory to the end on purpose.  PYTHONMALLOC=malloc sends Python's own
# allocations through the checked malloc too.  Left out: the leak tests of
# tests/test_memory.py (ASan's quarantine holds freed memory back, so RSS
# grows whatever csigmoid does) and the exhaustive float32 sweep (the same
# kernel code as the other tests over 2**32 values, 20+ minutes instrumented);
# both run in the ordinary suite.
set -euo pipefail
cd "$(dirname "$0")/../.."
CC="${CC:-gcc}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
source "$work/venv/bin/activate"
python -m pip install -q --upgrade pip
python -m pip install -q "setuptools>=77" "Cython>=3.1" "numpy>=2.0" pytest hypothesis mpmath threadpoolctl mypy

sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
# build from a copy of the tracked files: a build/ folder left in the checkout
# by an ordinary build would otherwise be reused without the sanitizers
mkdir "$work/src"
git ls-files -z | xargs -0 cp --parents -t "$work/src"
# the flags go into CC so that setup.py's OpenMP probe links with them too
# (it is linked without LDFLAGS); without OpenMP the build must fail, not
# quietly test single-threaded kernels
(cd "$work/src" && CC="$CC $sanitize" CSIGMOID_REQUIRE_OPENMP=1 \
    python -m pip install -q --no-build-isolation --no-deps .)

# every extension, in every subpackage, must carry the instrumentation (a
# build that quietly dropped the flags would pass everything below)
package="$(python -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')/csigmoid"
mapfile -t extensions < <(find "$package" -name '*.so' | sort)
if [[ ${#extensions[@]} -eq 0 ]]; then
    echo "run_sanitizers.sh: no extension module under $package" >&2
    exit 1
fi
for extension in "${extensions[@]}"; do
    if ! readelf -d "$extension" | grep -q 'NEEDED.*libasan'; then
        echo "run_sanitizers.sh: $extension is not built with AddressSanitizer" >&2
        exit 1
    fi
done

LD_PRELOAD="$("$CC" -print-file-name=libasan.so)" \
ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1" \
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
PYTHONMALLOC=malloc \
    python -m pytest -q -p no:cacheprovider -k "not no_leak and not float32_exhaustive" "$@"
