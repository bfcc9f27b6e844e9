#!/usr/bin/env bash
# Tests csigmoid's ufuncs with the tests NumPy, Dask and xarray wrote for their own:
#
#   1. NumPy's ufunc tests as installed with NumPy (numpy/_core/tests/test_ufunc.py,
#      test_umath.py, test_mem_overlap.py), with csigmoid's ufuncs among the ufuncs they
#      iterate over: every test that takes each ufunc of NumPy's namespace (filtered by
#      the test's own conditions: one input, an f->f loop, an accumulate method ...), and
#      test_mem_overlap's overlap checks of TestUFunc with csigmoid's ufunc in place of the
#      one each names;
#   2. Dask's dask/array/tests/test_ufunc.py and xarray's xarray/tests/test_ufuncs.py,
#      with csigmoid's ufuncs added to their lists of ufunc names, Dask and xarray
#      wrappers of them made as those projects make the wrappers of NumPy's.
#
# How the ufuncs are added, and the count of tests involving them that each file must
# reach (so that a change on either side cannot leave csigmoid out unnoticed), is in
# tools/ci/compat/csigmoid_ufuncs.py, a pytest plugin, whose own tests run first.  SciPy's test_logit.py with
# csigmoid's expit, logit and log_expit in scipy.special's place is run by
# tools/ci/check_compat.sh; csigmoid's own contract test against np.exp, np.arctan2 and
# np.modf (tests/test_ufunc_contract.py) is part of the suite.
#
# Of NumPy's files only the tests involving csigmoid's ufuncs run (--csigmoid-only: the
# other 5,700 test NumPy alone, and take minutes); Dask's and xarray's files run whole,
# which also shows the added names break none of their tests.
#
# Everything comes from pip in a throwaway virtual environment: csigmoid built from this
# checkout; the newest NumPy, Dask, xarray, pytest and hypothesis (which NumPy's
# conftest.py needs), nothing pinned.  The suites run the way the installed packages'
# own tests run (`pytest --pyargs`, their conftest.py files, no ini file of ours), from
# outside the checkout.  Exits non-zero if any test fails or a file's count is short.
#
#   tools/ci/check_numpy_suites.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
source "$work/venv/bin/activate"
python -m pip install -q --upgrade pip
(cd "$repo" && python -m pip install -q . numpy "dask[array]" xarray pytest hypothesis)
installed=$SECONDS

site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
export PYTHONPATH="$repo/tools/ci/compat"
cd "$work"
# An empty ini file (no project's settings apply), the installed packages' folder as
# root: their conftest.py files take part, as in their own runs.
pytest_in_site() {
    python -m pytest -c /dev/null --rootdir="$site" --confcutdir="$site" \
        -p no:cacheprovider -p csigmoid_ufuncs "$@"
}

echo "== the adding plugin's own tests"
python -m pytest -c /dev/null --rootdir="$repo/tools/ci/compat" -p no:cacheprovider -q \
    "$repo/tools/ci/compat/test_csigmoid_ufuncs.py"

# The floors: NumPy's lists give 12 tests of test_ufunc.py and 340 of test_umath.py
# with NumPy 2.4 (room below for NumPy's lists to change); the others are made by the
# plugin, one per csigmoid ufunc of the right shape, and are exact.
failed=0
echo "== NumPy: _core/tests/test_ufunc.py, test_umath.py, test_mem_overlap.py with csigmoid's ufuncs"
pytest_in_site -q --csigmoid-suite=numpy --csigmoid-only --csigmoid-report="$work/numpy.json" \
    --disable-warnings \
    --csigmoid-min-items=numpy/_core/tests/test_ufunc.py=12 \
    --csigmoid-min-items=numpy/_core/tests/test_umath.py=300 \
    --csigmoid-min-items=numpy/_core/tests/test_mem_overlap.py=15 \
    --durations=5 \
    --pyargs numpy._core.tests.test_ufunc numpy._core.tests.test_umath \
    numpy._core.tests.test_mem_overlap || failed=1

echo "== Dask: array/tests/test_ufunc.py and xarray: tests/test_ufuncs.py with csigmoid's ufuncs"
pytest_in_site -q --csigmoid-suite=dask-xarray --csigmoid-report="$work/dask-xarray.json" \
    --csigmoid-add-to=dask --csigmoid-add-to=xarray \
    --csigmoid-min-items=dask/array/tests/test_ufunc.py=6 \
    --csigmoid-min-items=xarray/tests/test_ufuncs.py=5 \
    --disable-warnings \
    --pyargs dask.array.tests.test_ufunc xarray.tests.test_ufuncs || failed=1

echo
echo "== NumPy, Dask and xarray suites summary (install $((installed - started)) s, tests $((SECONDS - installed)) s)"
python "$repo/tools/ci/compat/csigmoid_ufuncs.py" "$work/numpy.json" "$work/dask-xarray.json" || failed=1
exit "$failed"
