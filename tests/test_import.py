"""`import csigmoid` imports only what its calls need: no package metadata, no
inspect, no optional integration, no command-line module."""

import json
import subprocess
import sys

# What csigmoid must not import (NumPy may import some of them itself: only
# the modules csigmoid adds to NumPy's are checked).
NOT_AT_IMPORT = (
    "importlib.metadata",  # show_config's version: imported when it is called
    "email",  # importlib.metadata's own imports
    "zipfile",
    "inspect",  # sigmoid_and_derivative's signature: found through __wrapped__ when asked
    "pathlib",  # the cgroup files are read with os.path
    "dataclasses",
    "dask",
    "dask.array",
    "xarray",
    "pandas",
    "matplotlib",
    "scipy",
    "mpmath",
    "threadpoolctl",
    "csigmoid._bench.peers",
    "csigmoid._bench.worker",
    "csigmoid._bench.contention",
    "csigmoid._bench.plot",
    "csigmoid._reference",
    "csigmoid.__main__",
)


def modules_imported_by(code):
    """The modules that running `code` adds to those `import numpy` loads, in a fresh interpreter."""
    probe = (
        "import json, sys, numpy\n"
        "before = set(sys.modules)\n"
        f"{code}\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def test_import_csigmoid_imports_nothing_a_call_does_not_need():
    imported = modules_imported_by("import csigmoid")
    assert "csigmoid._ufunc.ufuncs" in imported  # the probe sees csigmoid's own imports
    assert imported.isdisjoint(NOT_AT_IMPORT), sorted(imported.intersection(NOT_AT_IMPORT))


def test_calls_on_numpy_input_import_nothing_more():
    calls = (
        "import numpy as np, csigmoid\n"
        "x = np.linspace(-5, 5, 100_000)\n"
        "csigmoid.sigmoid(x); csigmoid.sigmoid_and_derivative(x); csigmoid.sigmoid_and_derivative(0.5)\n"
        "csigmoid.logit(0.25); csigmoid.sigmoid_backward(x, x)\n"
        "with csigmoid.threads(1):\n"
        "    csigmoid.log_sigmoid(x)"
    )
    imported = modules_imported_by(calls)
    assert imported.isdisjoint(NOT_AT_IMPORT), sorted(imported.intersection(NOT_AT_IMPORT))


def test_show_config_imports_the_metadata_it_reports():
    imported = modules_imported_by("import csigmoid, io; csigmoid.show_config(io.StringIO())")
    assert "importlib.metadata" in imported


def test_public_calls_import_no_benchmark_module():
    """The measuring code (csigmoid._bench, with the copy the benchmark compares
    with) is the command line's alone: neither the import nor a call of any
    public function loads any of it."""
    calls = (
        "import io, numpy as np, csigmoid\n"
        "x = np.linspace(0.01, 0.99, 100_000)\n"
        "for name in csigmoid.__all__:\n"
        "    function = getattr(csigmoid, name)\n"
        "    if name == 'show_config':\n"
        "        function(io.StringIO())\n"
        "    elif name == 'threads':\n"
        "        with function(1):\n"
        "            csigmoid.sigmoid(x)\n"
        "    else:  # a ufunc, or the wrapper of one\n"
        "        function(*[x] * getattr(function, 'ufunc', function).nin)"
    )
    imported = modules_imported_by(calls)
    assert "csigmoid._ufunc.ufuncs" in imported
    bench = sorted(m for m in imported if m == "csigmoid._bench" or m.startswith("csigmoid._bench."))
    assert not bench, bench
