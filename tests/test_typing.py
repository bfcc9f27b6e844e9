"""The type information (py.typed and the stubs csigmoid/_api.pyi, _cpu.pyi)
as a type checker sees it in the installed package: `mypy --strict` on
tests/typing_usage.py (every overload, asserted statically and at run time)
and on the worked examples in examples/."""

import ast
import importlib.util
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import csigmoid

TESTS = Path(__file__).resolve().parent
EXAMPLES = sorted((TESTS.parent / "examples").glob("*.py"))
INSTALLED = Path(csigmoid.__file__).resolve().parent
TYPE_FILES = ("py.typed", "_api.pyi", "_cpu.pyi")
# mypy's settings ([tool.mypy]); cibuildwheel copies pyproject.toml beside the tests
CONFIG = TESTS.parent / "pyproject.toml"


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    """One mypy cache for the module's runs: NumPy's stubs are read once."""
    return tmp_path_factory.mktemp("mypy-cache")


def mypy_strict(files, cache, *options):
    """mypy --strict on `files` with the project's [tool.mypy] settings, run
    from an empty folder with no MYPYPATH, so that `csigmoid` can only be the
    installed package (the checkout's csigmoid/ has no compiled modules)."""
    folder = cache / "cwd"
    folder.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "MYPYPATH"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(CONFIG),
            "--cache-dir",
            str(cache),
            "--no-color-output",
            *options,
            *map(str, files),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_installed_package_ships_its_type_information():
    missing = [name for name in TYPE_FILES if not (INSTALLED / name).is_file()]
    assert not missing, f"{INSTALLED} lacks {missing}"


def test_every_overload_gives_the_type_it_promises_statically(mypy_cache):
    result = mypy_strict([TESTS / "typing_usage.py"], mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_overload_gives_the_type_it_promises_at_run_time():
    runpy.run_path(str(TESTS / "typing_usage.py"), run_name="typing_usage")


def test_a_wrong_type_claim_fails_and_the_installed_stubs_are_what_is_read(mypy_cache, tmp_path):
    """The control for the two tests above: mypy reads the installed stubs
    and an assert_type the stubs contradict is an error."""
    wrong = tmp_path / "wrong_claim.py"
    wrong.write_text(
        "from typing_extensions import assert_type\n"  # typing's is 3.11+; mypy brings this
        "import numpy as np\n"
        "import csigmoid\n"
        "assert_type(csigmoid.sigmoid(np.float32(1.0)), np.float64)\n"
    )
    result = mypy_strict([wrong], mypy_cache, "--verbose")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wrong_claim.py:4: error: Expression is of type" in result.stdout, result.stdout
    assert '"Any"' not in result.stdout, result.stdout
    # mypy's log names each module's file, whether parsed or found in the cache
    stubs_read = set(re.findall(r"\S+[\\/]csigmoid[\\/]_api\.pyi", result.stderr))
    assert stubs_read, result.stderr
    assert all(os.path.samefile(path, INSTALLED / "_api.pyi") for path in stubs_read), stubs_read


def top_level_imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return sorted(names)


@pytest.mark.parametrize("example", EXAMPLES or [None], ids=lambda path: path.name if path else "no-examples")
def test_examples_pass_mypy_strict(example, mypy_cache):
    if example is None:
        pytest.skip("the checkout has no examples/*.py")
    absent = [name for name in top_level_imports(example) if importlib.util.find_spec(name) is None]
    if absent:
        pytest.skip(f"{example.name} imports {', '.join(absent)}, not installed here")
    result = mypy_strict([example], mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr
