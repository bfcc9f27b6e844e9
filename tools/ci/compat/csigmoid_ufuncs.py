"""A pytest plugin that adds csigmoid's ufuncs to the ufuncs other projects' tests iterate over.

tools/ci/check_numpy_suites.sh runs NumPy's, Dask's and xarray's own installed ufunc tests
through it (``-p csigmoid_ufuncs`` with this folder on PYTHONPATH).  Those tests do not
take a list of functions from outside; each finds its ufuncs in one of three ways, and
the plugin meets each where it is, leaving the test code as it is:

- From a namespace, when the test module is imported: NumPy's test_umath.py and
  test_ufunc.py take every ``np.ufunc`` in ``np._core.umath.__dict__`` or ``dir(np)`` and
  filter them (one input, a ``f->f`` loop, an ``accumulate`` method ...); xarray's
  test_ufuncs.py takes every name in ``xarray.ufuncs.__all__`` and calls
  ``getattr(np, name)`` beside ``getattr(xarray.ufuncs, name)``.  The plugin puts csigmoid's
  ufuncs into those namespaces at start-up, before any test module is imported, under
  their own names (``np.sigmoid``, ``np._core.umath.logit``, an ``xarray.ufuncs`` wrapper
  for each one-output ufunc), so that the tests' own filters decide where they take part.
  A name NumPy or xarray already uses is an error: the plugin never hides one of theirs.
- From a literal list of names: Dask's test_ufunc.py parametrizes ``test_unary_ufunc``,
  ``test_binary_ufunc`` and ``test_ufunc_2results`` over lists of NumPy names, each test
  calling ``getattr(dask.array, name)`` and ``getattr(np, name)``.  The plugin extends
  those lists with the names of csigmoid's ufuncs of the same number of inputs and outputs
  (``pytest_generate_tests``, before pytest reads them), and puts a Dask wrapper of each
  where Dask keeps those of NumPy's ufuncs, made as Dask makes them.
- In the test's body: NumPy's test_mem_overlap.py names the ufuncs it checks for overlapping
  operands in the test bodies (``np.add.accumulate``, ``np.invert``, ``np.reciprocal``)
  and builds the operands in integer and complex dtypes, which csigmoid computes in
  float64 or not at all.  For the tests of its TestUFunc class listed in
  MEM_OVERLAP_TESTS, the plugin adds one test per csigmoid ufunc of the right shape: the
  same test code, run with ``np`` read through a namespace in which those names are
  csigmoid's ufunc and the integer and complex dtypes are the float dtypes csigmoid
  computes them in (the tests' own helpers, such as ``assert_copy_equivalent``, compare
  each call on overlapping arrays with the same call on a copy).

Where the tests' own filters leave csigmoid out (NumPy 2.4): test_ufunc.py's object-loop
tests (csigmoid has no ``O->O`` loop: its functions are real-valued, and an object array
is refused with a TypeError when NumPy looks for a loop) and test_umath.py's accumulate
into bool (no ``->?`` loop); sigmoid_and_derivative takes no part in the tests of
``f->f`` loops (its loop is ``f->ff``).  It takes part in test_ufunc.py's result-type and
non-contiguous-input checks of every loop, test_umath.py's checks that no spurious
floating-point exception is raised (every one-output ufunc, float16/32/64) and its
overlap check of ``accumulate`` (sigmoid_backward).

Counting.  After collection the plugin counts the test items whose parameters hold one
of csigmoid's ufuncs or its name, and those it added, per test file, and fails the run if
a file given with ``--csigmoid-min-items FILE=N`` has fewer than N, so that a change on either side
that stops csigmoid from taking part cannot pass unnoticed.  At the end it prints how
those items fared.  ``--csigmoid-report PATH`` writes the outcome as JSON.
"""

import collections
import json
import platform
import types
from importlib import metadata

import numpy as np
import pytest

import csigmoid

# csigmoid's ufuncs by name: the four of one input and one output, the one of two inputs,
# and the two-output ufunc that csigmoid.sigmoid_and_derivative (a thin wrapper) calls
UFUNCS = {
    ufunc.__name__: ufunc
    for ufunc in (
        csigmoid.sigmoid,
        csigmoid.sigmoid_derivative,
        csigmoid.log_sigmoid,
        csigmoid.logit,
        csigmoid.sigmoid_backward,
        csigmoid.sigmoid_and_derivative.ufunc,
    )
}

# Dask's test functions parametrized over a literal list of NumPy names, with the number
# of inputs and outputs of the functions the test can call
DASK_NAME_LISTS = {
    ("test_unary_ufunc", "ufunc"): (1, 1),
    ("test_binary_ufunc", "ufunc"): (2, 1),
    ("test_ufunc_2results", "ufunc"): (1, 2),
}
DASK_TEST_MODULE = "dask.array.tests.test_ufunc"

NUMPY_OVERLAP_MODULE = "numpy/_core/tests/test_mem_overlap.py"

# test_mem_overlap.py's TestUFunc tests that name a ufunc in their body, with the number
# of inputs of the ufuncs that can stand in for it; left out: the tests that use the
# integer operands as indices (reduceat_manual, at_manual) or a bool array as the output
# (where_same), which a float64 result cannot be written into, the gufunc test, and
# reduce_fuzz, which reduces n-d arrays over axis=None: NumPy allows several axes only
# for a reorderable ufunc (np.add), and sigmoid_backward's fold is not one (NumPy raises
# "not reorderable, so at most one axis may be specified"); its reductions into
# overlapping outputs are checked by tests/test_ufunc_contract.py and test_overlap.py
MEM_OVERLAP_TESTS = {
    "test_unary_ufunc_call_fuzz": 1,
    "test_unary_ufunc_call_complex_fuzz": 1,
    "test_unary_ufunc_1d_manual": 1,
    "test_binary_ufunc_accumulate_fuzz": 2,
    "test_binary_ufunc_reduceat_fuzz": 2,
    "test_binary_ufunc_1d_manual": 2,
}

# the dtypes csigmoid computes test_mem_overlap's operands in: integers in float64 (as
# csigmoid always does), complex in the float of the same precision (it has no complex loop)
MEM_OVERLAP_DTYPES = {
    "int8": np.float64,
    "int16": np.float64,
    "int32": np.float64,
    "int64": np.float64,
    "complex64": np.float32,
    "complex128": np.float64,
}

DISTRIBUTIONS = ("csigmoid", "numpy", "dask", "xarray", "pytest")


def _add_to_namespace(namespace, name, value):
    if name in vars(namespace):
        raise pytest.UsageError(f"{namespace.__name__}.{name} exists already: csigmoid's ufunc would hide it")
    setattr(namespace, name, value)


def add_to_numpy():
    """csigmoid's ufuncs into the namespaces NumPy's tests list ufuncs from."""
    for name, ufunc in UFUNCS.items():
        _add_to_namespace(np, name, ufunc)
        _add_to_namespace(np._core.umath, name, ufunc)


def add_to_xarray():
    """An xarray.ufuncs wrapper for each one-output ufunc, listed in its __all__."""
    import xarray.ufuncs as xu

    wrappers = {1: xu._unary_ufunc, 2: xu._binary_ufunc}
    for name, ufunc in UFUNCS.items():
        # xarray wraps only one-output functions of one or two arguments
        if ufunc.nout == 1:
            _add_to_namespace(xu, name, wrappers[ufunc.nin](name))
            xu.__all__.append(name)


class _NumpyWith:
    """NumPy's namespace with some of its names bound to other objects."""

    def __init__(self, **replacements):
        self.replacements = replacements

    def __getattr__(self, name):
        return self.replacements[name] if name in self.replacements else getattr(np, name)


def dask_two_output(ufunc):
    """Dask's own wrapper of np.modf, computing `ufunc` instead.

    Dask wraps its two-output functions (modf, frexp) by hand: its generic
    dask.array.ufunc.ufunc gives one array of tuples for them.  The same code with
    np.modf read as `ufunc` is how Dask would wrap csigmoid's two-output ufunc.
    """
    import dask.array.ufunc as dask_ufuncs

    code = dask_ufuncs.modf.__code__
    namespace = dict(dask_ufuncs.__dict__, np=_NumpyWith(modf=ufunc))
    wrapper = types.FunctionType(code, namespace, ufunc.__name__)
    wrapper.__doc__ = ufunc.__doc__
    return wrapper


def with_csigmoid_in_numpy(test_function, ufunc):
    """test_function with `np` read as NumPy with csigmoid's `ufunc` and float dtypes in."""
    names = ("invert", "negative", "reciprocal") if ufunc.nin == 1 else ("add",)
    numpy_view = _NumpyWith(**dict.fromkeys(names, ufunc), **MEM_OVERLAP_DTYPES)
    namespace = dict(test_function.__globals__, np=numpy_view)
    return types.FunctionType(
        test_function.__code__,
        namespace,
        test_function.__name__,
        test_function.__defaults__,
        test_function.__closure__,
    )


def add_to_dask():
    """A Dask wrapper of each ufunc where Dask keeps those of NumPy's.

    dask.array.ufunc.ufunc for one output, Dask's hand-written form for two; in
    dask.array.ufunc (where a Dask array's __array_ufunc__ looks up a two-output ufunc by
    name) and dask.array (where users and Dask's tests find them).
    """
    import dask.array as da
    import dask.array.ufunc as dask_ufuncs

    for name, ufunc in UFUNCS.items():
        wrapper = dask_ufuncs.ufunc(ufunc) if ufunc.nout == 1 else dask_two_output(ufunc)
        _add_to_namespace(dask_ufuncs, name, wrapper)
        _add_to_namespace(da, name, wrapper)


def _involves_csigmoid(value):
    if isinstance(value, str):
        return value in UFUNCS
    return any(value is ufunc for ufunc in UFUNCS.values())


def _parse_min_items(values):
    required = {}
    for value in values:
        file, _, count = value.partition("=")
        if not file or not count.isdigit():
            raise pytest.UsageError(
                f"--csigmoid-min-items takes FILE=N (a test file's path under the root folder "
                f"and a count), not {value!r}"
            )
        required[file] = int(count)
    return required


def _file_of(item):
    """The path of the file a test item comes from, relative to the root folder."""
    return item.nodeid.split("::")[0]


class CsigmoidUfuncs:
    def __init__(self, config):
        self.config = config
        self.suite = config.getoption("csigmoid_suite")
        self.required_items = _parse_min_items(config.getoption("csigmoid_min_items"))
        self.only_csigmoid = config.getoption("csigmoid_only")
        self.items_by_file = collections.Counter()
        self.csigmoid_items = set()
        self.substituted = set()
        self.outcomes = collections.defaultdict(list)
        self.failures = []
        add_to_numpy()
        targets = config.getoption("csigmoid_add_to")
        if "xarray" in targets:
            add_to_xarray()
        if "dask" in targets:
            add_to_dask()

    def pytest_report_header(self):
        return [
            f"csigmoid_ufuncs: {', '.join(UFUNCS)} added to the ufuncs the tests iterate over; "
            f"csigmoid from {csigmoid.__file__}"
        ]

    @pytest.hookimpl(tryfirst=True)
    def pytest_generate_tests(self, metafunc):
        if metafunc.module.__name__ != DASK_TEST_MODULE:
            return
        for marker in metafunc.definition.iter_markers("parametrize"):
            argname, names = marker.args[0], marker.args[1]
            shape = DASK_NAME_LISTS.get((metafunc.function.__name__, argname))
            if shape is None:
                continue
            added = [name for name, ufunc in UFUNCS.items() if (ufunc.nin, ufunc.nout) == shape]
            # the marker's list is the one pytest reads after this hook; each function is
            # collected once, but a second pass must not add the names twice
            names.extend(name for name in added if name not in names)

    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(self, collector, name, obj):
        items = yield
        if (
            name not in MEM_OVERLAP_TESTS
            or not isinstance(collector, pytest.Class)
            or collector.name != "TestUFunc"
            or not collector.nodeid.startswith(NUMPY_OVERLAP_MODULE)
        ):
            return items
        items = list(items) if isinstance(items, list) else [items]
        test_class = collector.obj
        for ufunc_name, ufunc in UFUNCS.items():
            if (ufunc.nin, ufunc.nout) != (MEM_OVERLAP_TESTS[name], 1):
                continue
            test_function = with_csigmoid_in_numpy(obj, ufunc)

            def run(test_function=test_function):
                test_function(test_class())

            # (no brackets in the name: pytest 9 reads them as parameters it did not make)
            item = pytest.Function.from_parent(collector, name=f"{name}_with_{ufunc_name}", callobj=run)
            self.substituted.add(item.nodeid)
            items.append(item)
        return items

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config, items):
        others = []
        for item in items:
            callspec = getattr(item, "callspec", None)
            if item.nodeid in self.substituted or (
                callspec and any(_involves_csigmoid(v) for v in callspec.params.values())
            ):
                self.csigmoid_items.add(item.nodeid)
                self.items_by_file[_file_of(item)] += 1
            else:
                others.append(item)
        if self.only_csigmoid and others:
            config.hook.pytest_deselected(items=others)
            items[:] = [item for item in items if item.nodeid in self.csigmoid_items]
        for file, required in self.required_items.items():
            found = self.items_by_file.get(file, 0)
            if found < required:
                self.failures.append(
                    f"{file}: {found} collected tests involve csigmoid's ufuncs, "
                    f"at least {required} were required"
                )
        if not self.csigmoid_items:
            self.failures.append("no collected test involves csigmoid's ufuncs")

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.csigmoid_items:
            return
        if report.when == "call" or report.outcome != "passed":
            outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
            self.outcomes[outcome].append(report.nodeid)

    def pytest_sessionfinish(self, session):
        if self.failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def report(self):
        return {
            "suite": self.suite,
            "items_by_file": dict(self.items_by_file),
            "outcomes": {outcome: sorted(ids) for outcome, ids in self.outcomes.items()},
            "failures": self.failures,
            "versions": {"python": platform.python_version()}
            | {name: _version(name) for name in DISTRIBUTIONS},
        }

    def pytest_terminal_summary(self, terminalreporter):
        report = self.report()
        terminalreporter.section("csigmoid's ufuncs in the suite")
        for line in _describe(report):
            terminalreporter.write_line(line)
        path = self.config.getoption("csigmoid_report")
        if path:
            with open(path, "w", encoding="utf-8") as file:
                json.dump(report, file, indent=1)


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _describe(report):
    """The lines that tell one run's outcome."""
    total = sum(report["items_by_file"].values())
    outcomes = ", ".join(f"{len(ids)} {outcome}" for outcome, ids in report["outcomes"].items())
    lines = [f"{report['suite']}: {total} tests involve csigmoid's ufuncs ({outcomes or 'none ran'})"]
    lines += [f"  {file}: {count}" for file, count in report["items_by_file"].items()]
    for outcome in ("failed", "error"):
        lines += [f"  {outcome.upper()}: {nodeid}" for nodeid in report["outcomes"].get(outcome, [])]
    lines += [f"  FAILED: {failure}" for failure in report["failures"]]
    return lines


def pytest_addoption(parser):
    group = parser.getgroup("csigmoid_ufuncs", "csigmoid's ufuncs in other projects' tests")
    group.addoption("--csigmoid-suite", default="tests", help="name of the suite in the summary")
    group.addoption(
        "--csigmoid-add-to",
        action="append",
        default=[],
        choices=("dask", "xarray"),
        help="also add csigmoid's ufuncs to dask.array or xarray.ufuncs (NumPy always)",
    )
    group.addoption(
        "--csigmoid-min-items",
        action="append",
        default=[],
        metavar="FILE=N",
        help="fail unless at least N collected tests of FILE (its path under the root folder) "
        "involve csigmoid's ufuncs",
    )
    group.addoption(
        "--csigmoid-only",
        action="store_true",
        help="run only the tests that involve csigmoid's ufuncs (the others test the other project alone)",
    )
    group.addoption("--csigmoid-report", metavar="PATH", help="write the outcome as JSON")


def pytest_configure(config):
    config.pluginmanager.register(CsigmoidUfuncs(config), "csigmoid_ufuncs_session")


def main(paths):
    """Print the reports of several runs as one summary; exit 1 if any failed or is missing."""
    from run_reports import summarize  # beside this file, on sys.path when it runs as a script

    return summarize(paths, _describe)


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
