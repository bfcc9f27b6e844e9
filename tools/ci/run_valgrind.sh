#!/usr/bin/env bash
# Run a subset of the test suite under valgrind's memcheck (invalid reads and
# writes, use of uninitialised values) against an ordinary build of csigmoid,
# installed in a throwaway virtual environment:
#
#     tools/ci/run_valgrind.sh [pytest selection arguments]
#
# Exit status 0 means the tests passed and valgrind reported no error
# (--error-exitcode).  The
# default subset covers every layout, `out` aliasing, the fused outputs and
# the wrapper's fast path against its ufunc, every stride and size (the
# ufuncs' block loops), and both thread paths;
# valgrind runs everything ~50 times slower, so the whole suite is the
# sanitizer build's job (tools/ci/run_sanitizers.sh).  Leak checking is off:
# CPython keeps memory to the end on purpose (tests/test_memory.py measures
# leaks).  PYTHONMALLOC=malloc makes every Python allocation visible.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "valgrind is not installed (Debian: apt-get install valgrind)" >&2; exit 1; }

# Left out: tests comparing the sign of a NaN or of a zero with another
# computation's; valgrind's emulation of FMA and of NaN propagation in AVX2
# code does not reproduce those bits (the ordinary suite checks them).
# The ufunc methods (reduce, accumulate, reduceat, outer, at) read and write
# through NumPy's reduction buffers: float16 (conversion blocks), float64 and bool,
# not the 1e5-element runs.
SUBSET=(tests/test_api.py tests/test_protocol.py tests/test_ufunc_methods.py -k "(every_layout and float64) or out_partially_overlapping or (fused_outs and not interleaved) or backward_in_place or (stride_and_size and float32 and sigmoid_and_derivative) or (wrapper_gives and 5000 and float32) or where_computes or (test_ufunc_methods and (float16 or float64 or bool or long_run or outer or _at_) and not large)")
if [ "$#" -gt 0 ]; then SUBSET=("$@"); fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
source "$work/venv/bin/activate"
python -m pip install -q --upgrade pip
# build from a copy of the tracked files, leaving the checkout untouched
mkdir "$work/src"
git ls-files -z | xargs -0 cp --parents -t "$work/src"
(cd "$work/src" && python -m pip install -q ".[test]")

# OpenBLAS's own threads add nothing here but valgrind time
PYTHONMALLOC=malloc OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=2 \
    valgrind --tool=memcheck --error-exitcode=99 --leak-check=no --track-origins=yes \
    --suppressions="$(pwd)/tools/ci/valgrind-python.supp" \
    python -m pytest -q -p no:cacheprovider "${SUBSET[@]}"
