"""A pytest plugin that puts csigmoid in place of scipy.special's logistic functions.

tools/ci/check_compat.sh runs SciPy's and scikit-learn's own installed tests through it
(``-p csigmoid_rebind`` with this folder on PYTHONPATH), so that code nobody here wrote
exercises csigmoid.expit, csigmoid.logit and csigmoid.log_expit wherever it would have
called scipy.special.expit, logit or log_expit.

Rebinding.  scipy's three functions are found by identity, not by name, in the globals
of every loaded module: scipy.special itself (reached at call time by code that does
``special.expit(...)``), scipy.special._ufuncs (where later ``from ... import`` finds
them), and every module that already did ``from scipy.special import expit`` under any
name (scikit-learn's ``expit as logistic_sigmoid``).  Each is replaced by a route to
csigmoid's function.  Modules are scanned at start-up, after collection and before each
test, so modules imported late (by a test module, or inside a test) are covered too; at
the end every loaded module is scanned again and one still holding a scipy function
fails the run, since code reaching it ran without csigmoid.

Counting.  A route is a small callable object that counts and then calls csigmoid's
function with the caller's arguments untouched.  A ufunc cannot be subclassed or given
extra state, so counting needs an object in front of it; this one hides nothing a caller
can use: every keyword (``out=``, ``where=``, ``dtype=``, ``casting=`` ...) reaches the
ufunc unchanged, ``__array_ufunc__`` dispatch happens inside the ufunc as before, attribute
reads (``nin``, ``nout``, ``types``, ``reduce``, ``__name__``, ``__doc__``) are answered by
csigmoid's function, and ``__class__`` reports its type, so ``isinstance(f, np.ufunc)`` is
True exactly when csigmoid's function is a ufunc.  Only ``type(f)`` shows the route.

Checks (each failure makes the run fail, with the reason printed):
- csigmoid was called at all; ``--csigmoid-min-calls NAME=N``: at least N calls to NAME;
- ``--csigmoid-every-test``: every test that ran called csigmoid at least once;
- no loaded module still holds one of scipy's functions.
``--csigmoid-leave-scipy`` installs no route: a control run whose checks must fail.
``--csigmoid-report PATH`` writes the outcome as JSON; running this file with report
paths (``python csigmoid_rebind.py A.json B.json``) prints them as one summary.
"""

import collections
import json
import platform
import sys
import types
from importlib import metadata

import pytest

# scipy.special's names of the functions csigmoid replaces (csigmoid exports the same names)
FUNCTIONS = ("expit", "logit", "log_expit")

# distributions whose versions the report records
DISTRIBUTIONS = ("csigmoid", "numpy", "scipy", "scikit-learn", "pytest")


class Route:
    """Calls csigmoid's function in place of one of scipy's, counting calls per caller module."""

    def __init__(self, name, scipy_function, csigmoid_function):
        self.route_name = name
        self.scipy_function = scipy_function
        self.csigmoid_function = csigmoid_function
        self.calls_by_caller = collections.Counter()
        # what attribute lookup would find on the class itself: answered by the target instead
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            if hasattr(csigmoid_function, attribute):
                setattr(self, attribute, getattr(csigmoid_function, attribute))

    def __call__(self, *args, **kwargs):
        self.calls_by_caller[sys._getframe(1).f_globals.get("__name__", "?")] += 1
        return self.csigmoid_function(*args, **kwargs)

    def __getattr__(self, attribute):
        # only reached for names the route itself does not have: nin, types, reduce, ...
        # (and for its own before __init__ has set them, as in copy.copy: no recursion)
        if attribute in ("route_name", "scipy_function", "csigmoid_function", "calls_by_caller"):
            raise AttributeError(attribute)
        return getattr(self.csigmoid_function, attribute)

    @property
    def __class__(self):
        # isinstance() consults __class__ when type() does not match: np.ufunc for a ufunc
        return type(self.csigmoid_function)

    def __repr__(self):
        return repr(self.csigmoid_function)

    @property
    def calls(self):
        return sum(self.calls_by_caller.values())


class Rebinder:
    """Replaces scipy's functions by routes in the globals of every module in `modules`."""

    def __init__(self, routes, modules=sys.modules):
        self.route_by_id = {id(route.scipy_function): route for route in routes}
        self.modules = modules
        self.scanned = set()

    def _holders(self, module):
        """(attribute, route) for each global of module that is one of scipy's functions."""
        # (sys.modules may hold other objects too: placeholders, lazy proxies; left alone)
        if not isinstance(module, types.ModuleType):
            return []
        namespace = module.__dict__
        return [
            (attribute, self.route_by_id[id(value)])
            for attribute, value in list(namespace.items())
            if id(value) in self.route_by_id and value is self.route_by_id[id(value)].scipy_function
        ]

    def rebind_new_modules(self):
        for name, module in list(self.modules.items()):
            key = (name, id(module))
            if key in self.scanned:
                continue
            self.scanned.add(key)
            for attribute, route in self._holders(module):
                setattr(module, attribute, route)

    def modules_holding_scipy(self):
        """'module.attribute' for every loaded module global still bound to scipy's function."""
        return sorted(
            f"{name}.{attribute}"
            for name, module in list(self.modules.items())
            for attribute, _ in self._holders(module)
        )


def _parse_min_calls(values):
    required = {}
    for value in values:
        name, _, count = value.partition("=")
        if name not in FUNCTIONS or not count.isdigit():
            raise pytest.UsageError(
                f"--csigmoid-min-calls takes NAME=N with NAME one of {', '.join(FUNCTIONS)} "
                f"and N a count, not {value!r}"
            )
        required[name] = int(count)
    return required


class CsigmoidRebind:
    def __init__(self, config):
        import scipy.special

        import csigmoid

        self.config = config
        self.suite = config.getoption("csigmoid_suite")
        self.required_calls = _parse_min_calls(config.getoption("csigmoid_min_calls"))
        self.every_test = config.getoption("csigmoid_every_test")
        self.leave_scipy = config.getoption("csigmoid_leave_scipy")
        self.csigmoid_path = csigmoid.__file__
        self.routes = [
            Route(name, getattr(scipy.special, name), getattr(csigmoid, name)) for name in FUNCTIONS
        ]
        self.rebinder = Rebinder(self.routes)
        self.calls_by_test = {}
        self.ran_tests = set()
        self.failures = []
        self.left_with_scipy = []
        if not self.leave_scipy:
            self.rebinder.rebind_new_modules()

    def total_calls(self):
        return sum(route.calls for route in self.routes)

    def pytest_report_header(self):
        action = (
            "left in place (control run: the call checks must fail)"
            if self.leave_scipy
            else "replaced by csigmoid's"
        )
        return [
            f"csigmoid_rebind: scipy.special.{', '.join(FUNCTIONS)} {action}; "
            f"csigmoid from {self.csigmoid_path}"
        ]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self):
        if not self.leave_scipy:
            self.rebinder.rebind_new_modules()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item):
        if not self.leave_scipy:
            self.rebinder.rebind_new_modules()
        before = self.total_calls()
        try:
            return (yield)
        finally:
            self.calls_by_test[item.nodeid] = self.total_calls() - before

    def pytest_runtest_logreport(self, report):
        if report.when == "call":
            self.ran_tests.add(report.nodeid)

    def pytest_sessionfinish(self, session):
        total = self.total_calls()
        if total == 0:
            self.failures.append("csigmoid was never called: the rebinding reached no code")
        for route in self.routes:
            required = self.required_calls.get(route.route_name, 0)
            if route.calls < required:
                self.failures.append(
                    f"csigmoid.{route.route_name} was called {route.calls} times, "
                    f"at least {required} were required"
                )
        if self.every_test:
            silent = sorted(t for t in self.ran_tests if self.calls_by_test.get(t, 0) == 0)
            self.failures.extend(f"{test} ran without calling csigmoid" for test in silent)
        self.left_with_scipy = self.rebinder.modules_holding_scipy()
        if not self.leave_scipy:
            self.failures.extend(
                f"{holder} is still scipy's function (code using it ran without csigmoid)"
                for holder in self.left_with_scipy
            )
        if self.failures and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def report(self, stats):
        outcomes = {
            key: len(stats.get(key, []))
            for key in ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
        }
        return {
            "suite": self.suite,
            "control": self.leave_scipy,
            "outcomes": outcomes,
            "functions": {
                route.route_name: {
                    "csigmoid": getattr(route.csigmoid_function, "__name__", "?"),
                    "csigmoid_type": f"{type(route.csigmoid_function).__module__}."
                    f"{type(route.csigmoid_function).__qualname__}",
                    "calls": route.calls,
                    "calls_by_caller": dict(route.calls_by_caller.most_common()),
                }
                for route in self.routes
            },
            "tests_calling_csigmoid": sum(1 for n in self.calls_by_test.values() if n),
            "tests_run": len(self.ran_tests),
            "failures": self.failures,
            "versions": {"python": platform.python_version()}
            | {name: _version(name) for name in DISTRIBUTIONS},
        }

    def pytest_terminal_summary(self, terminalreporter):
        report = self.report(terminalreporter.stats)
        terminalreporter.section("csigmoid in place of scipy.special")
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
    outcomes = ", ".join(f"{count} {key}" for key, count in report["outcomes"].items() if count)
    lines = [
        f"{report['suite']}{' (control run)' if report['control'] else ''}: {outcomes}; "
        f"{report['tests_calling_csigmoid']} of {report['tests_run']} tests called csigmoid"
    ]
    for name, function in report["functions"].items():
        callers = ", ".join(f"{c} {n}" for c, n in function["calls_by_caller"].items())
        lines.append(
            f"  scipy.special.{name} -> csigmoid.{function['csigmoid']} "
            f"({function['csigmoid_type']}): {function['calls']:,} calls"
            + (f" (from {callers})" if callers else "")
        )
    lines += [f"  FAILED: {failure}" for failure in report["failures"]]
    return lines


def pytest_addoption(parser):
    group = parser.getgroup("csigmoid_rebind", "csigmoid in place of scipy.special")
    group.addoption("--csigmoid-suite", default="tests", help="name of the suite in the summary")
    group.addoption(
        "--csigmoid-min-calls",
        action="append",
        default=[],
        metavar="NAME=N",
        help="fail unless csigmoid's NAME (expit, logit, log_expit) was called at least N times",
    )
    group.addoption(
        "--csigmoid-every-test",
        action="store_true",
        help="fail if a test that ran did not call csigmoid",
    )
    group.addoption(
        "--csigmoid-leave-scipy",
        action="store_true",
        help="install no route (a control run: the call checks must then fail)",
    )
    group.addoption("--csigmoid-report", metavar="PATH", help="write the outcome as JSON")


def pytest_configure(config):
    config.pluginmanager.register(CsigmoidRebind(config), "csigmoid_rebind_session")


def main(paths):
    """Print the reports of several runs as one summary; exit 1 if any failed or is missing."""
    from run_reports import summarize  # beside this file, on sys.path when it runs as a script

    return summarize(paths, _describe)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
