#!/usr/bin/env bash
# Proves csigmoid compatible with code nobody here wrote, run against it:
#
#   1. SciPy's own tests of expit, logit and log_expit (the installed
#      scipy/special/tests/test_logit.py), every test required to call
#      csigmoid;
#   2. scikit-learn's tests of the code that calls those functions: the
#      installed sklearn/neural_network/tests, sklearn/tests/test_calibration.py,
#      sklearn/linear_model/tests/test_logistic.py and sklearn/_loss/tests,
#      with csigmoid required to be called thousands of times;
#
# each with scipy.special.expit, logit and log_expit replaced by csigmoid's
# everywhere in the process (tools/ci/compat/csigmoid_rebind.py, a pytest plugin:
# how it rebinds and counts is in its docstring).  Before them, the plugin's
# own tests, and a control run of SciPy's tests without the replacement, which
# the plugin must fail: its call checks can tell csigmoid from scipy.
#
# Everything comes from pip in a throwaway virtual environment: csigmoid built
# from this checkout; the newest SciPy, scikit-learn and pytest, so a change
# on either side shows up here (nothing pinned); matplotlib and pandas, which
# scikit-learn's calibration-display and MLP-with-DataFrame tests need (they
# are skipped without).  The suites run the way the installed packages' own
# tests run (`pytest --pyargs`, their conftest.py files, no ini file of ours),
# from outside the checkout so that its csigmoid/ folder cannot shadow the
# build.  Prints a summary: tests passed per suite, csigmoid calls per
# function and calling module, the versions pip gave.  Exits non-zero if any
# test fails or any check of the plugin does.
#
#   tools/ci/check_compat.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
source "$work/venv/bin/activate"
python -m pip install -q --upgrade pip
(cd "$repo" && python -m pip install -q . scipy scikit-learn pytest matplotlib pandas)
installed=$SECONDS

site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
export PYTHONPATH="$repo/tools/ci/compat"
cd "$work"
# An empty ini file (no project's settings apply), the installed packages'
# folder as root: their conftest.py files take part, as in their own runs.
pytest_in_site() {
    python -m pytest -c /dev/null --rootdir="$site" --confcutdir="$site" \
        -p no:cacheprovider "$@"
}

echo "== the rebinding plugin's own tests"
python -m pytest -c /dev/null --rootdir="$repo/tools/ci/compat" -p no:cacheprovider -q \
    "$repo/tools/ci/compat/test_csigmoid_rebind.py"

echo "== control: SciPy's test_logit.py with scipy's functions left in place must fail the call checks"
status=0
pytest_in_site -q --disable-warnings -p csigmoid_rebind --csigmoid-leave-scipy \
    --csigmoid-suite=control --csigmoid-every-test --csigmoid-report="$work/control.json" \
    --pyargs scipy.special.tests.test_logit || status=$?
if [ "$status" -ne 1 ] || ! python -c 'import json, sys; sys.exit(not json.load(open(sys.argv[1]))["failures"])' "$work/control.json"; then
    echo "check_compat: the control run (no csigmoid) was not failed by the call checks (exit $status)" >&2
    exit 1
fi
echo "   ok: without csigmoid the call checks fail the run, as they must"

failed=0
echo "== SciPy: special/tests/test_logit.py against csigmoid"
pytest_in_site -p csigmoid_rebind --csigmoid-suite=scipy --csigmoid-report="$work/scipy.json" \
    --csigmoid-every-test \
    --csigmoid-min-calls=expit=1 --csigmoid-min-calls=logit=1 --csigmoid-min-calls=log_expit=1 \
    --pyargs scipy.special.tests.test_logit || failed=1

# scikit-learn calls logit (in its link functions) far less than expit, and never
# log_expit.  The floors are about a fifth of what scikit-learn 1.9 makes (26,500 and 270
# calls): room for its tests to change, while a run that reaches csigmoid only now and then
# fails.  A module the rebinding missed fails the run on its own (no module may keep
# scipy's function).
echo "== scikit-learn: neural_network, calibration, logistic regression and loss tests against csigmoid"
pytest_in_site -q -p csigmoid_rebind --csigmoid-suite=scikit-learn \
    --csigmoid-report="$work/sklearn.json" \
    --csigmoid-min-calls=expit=5000 --csigmoid-min-calls=logit=50 \
    --durations=5 --disable-warnings \
    --pyargs sklearn.neural_network.tests sklearn.tests.test_calibration \
    sklearn.linear_model.tests.test_logistic sklearn._loss.tests || failed=1

echo
echo "== compatibility summary (install $((installed - started)) s, tests $((SECONDS - installed)) s)"
python "$repo/tools/ci/compat/csigmoid_rebind.py" "$work/scipy.json" "$work/sklearn.json" || failed=1
exit "$failed"
