"""The type information (py.typed and the stubs of the compiled modules, COMPILED below)
as a type checker sees it in the installed package: `mypy --strict` on
tests/typing_usage.py (every overload, asserted statically and at run time),
on tests/typing_rejected.py (an error on each line the stubs must reject, and
on no other) and on the worked examples in examples/; the stubs against the
compiled modules they describe (mypy's stubtest, and their names both ways)."""

import ast
import importlib.util
import os
import re
import runpy
import subprocess
import sys
import types
from pathlib import Path

import pytest

import csigmoid
from csigmoid._bench import copy_limit
from csigmoid._cpu import features
from csigmoid._parallel import policy, testing
from csigmoid._ufunc import ufuncs

TESTS = Path(__file__).resolve().parent
EXAMPLES = sorted((TESTS.parent / "examples").glob("*.py"))
INSTALLED = Path(csigmoid.__file__).resolve().parent
TYPE_FILES = (
    "py.typed",
    "_ufunc/ufuncs.pyi",
    "_parallel/policy.pyi",
    "_parallel/testing.pyi",
    "_cpu/features.pyi",
    "_bench/copy_limit.pyi",
)
# the compiled modules with a stub
COMPILED = (ufuncs, policy, testing, features, copy_limit)
REJECTED = TESTS / "typing_rejected.py"
REJECTED_MARK = "# rejected"
# mypy's settings ([tool.mypy]); cibuildwheel copies pyproject.toml beside the tests
CONFIG = TESTS.parent / "pyproject.toml"


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    """One mypy cache for the module's runs: NumPy's stubs are read once."""
    return tmp_path_factory.mktemp("mypy-cache")


def run_in_empty_folder(command, cache):
    """`command` run from an empty folder with no MYPYPATH, so that `csigmoid`
    can only be the installed package (the checkout's csigmoid/ has no
    compiled modules)."""
    folder = cache / "cwd"
    folder.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "MYPYPATH"}
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def mypy_strict(files, cache, *options):
    """mypy --strict on `files` with the project's [tool.mypy] settings."""
    return run_in_empty_folder(
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
        cache,
    )


def test_the_installed_package_ships_its_type_information():
    missing = [name for name in TYPE_FILES if not (INSTALLED / name).is_file()]
    assert not missing, f"{INSTALLED} lacks {missing}"


def test_every_overload_gives_the_type_it_promises_statically(mypy_cache):
    result = mypy_strict([TESTS / "typing_usage.py"], mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_overload_gives_the_type_it_promises_at_run_time():
    runpy.run_path(str(TESTS / "typing_usage.py"), run_name="typing_usage")


def test_the_stubs_reject_each_marked_line_and_no_other(mypy_cache):
    """Each line of typing_rejected.py marked `# rejected` (calls with inputs no
    loop takes, wrong keywords, the methods NumPy refuses, annotations the
    result does not fit, an assert_type the stubs contradict) is an error, and
    no other line is: an overload that accepts too much, or a mistake in the
    file, shows as a line missing or left over."""
    lines = REJECTED.read_text().splitlines()
    marked = {number for number, line in enumerate(lines, 1) if line.rstrip().endswith(REJECTED_MARK)}
    result = mypy_strict([REJECTED], mypy_cache, "--verbose")
    errors = {}
    for number, message in re.findall(
        rf"^\S*{re.escape(REJECTED.name)}:(\d+): error: (.*)$", result.stdout, re.M
    ):
        errors.setdefault(int(number), []).append(message)
    accepted = {number: lines[number - 1].strip() for number in sorted(marked - errors.keys())}
    unexpected = {number: errors[number] for number in sorted(errors.keys() - marked)}
    assert marked and not accepted and not unexpected, (
        f"accepted, though marked: {accepted}\nerrors on unmarked lines: {unexpected}\n{result.stdout}"
    )
    # mypy's log names each module's file, whether parsed or found in the cache
    stubs_read = set(re.findall(r"\S+[\\/]csigmoid[\\/]_ufunc[\\/]ufuncs\.pyi", result.stderr))
    assert stubs_read, result.stderr
    assert all(os.path.samefile(path, INSTALLED / "_ufunc" / "ufuncs.pyi") for path in stubs_read), stubs_read


def test_what_the_stubs_reject_fails_at_run_time():
    """Each rejected call raises, each rejected annotation is false of its
    value (the asserts in the file): the stubs reject no working call."""
    runpy.run_path(str(REJECTED), run_name="typing_rejected")


def test_the_stubs_match_the_compiled_modules(mypy_cache, tmp_path):
    """mypy's stubtest: each name of the stubs exists in the compiled module,
    with the parameters of each function; the stubs themselves pass mypy."""
    allowlist = tmp_path / "allowlist.txt"
    # Cython's doctest table in each extension module, and the C functions the
    # policy exports to the modules that cimport it: not part of their API
    allowlist.write_text(
        "".join(f"{module.__name__}.__test__\n" for module in COMPILED)
        + "csigmoid._parallel.policy.__pyx_capi__\n"
    )
    result = run_in_empty_folder(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            *(module.__name__ for module in COMPILED),
            "--allowlist",
            str(allowlist),
        ],
        mypy_cache,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def stub_names(path):
    """The public names a stub file defines at its top level."""
    names = set()
    for node in ast.parse(path.read_text(), filename=str(path)).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return {name for name in names if not name.startswith("_")}


@pytest.mark.parametrize("module", COMPILED, ids=lambda module: module.__name__)
def test_every_public_name_of_a_compiled_module_is_in_its_stub(module):
    """The other direction, which stubtest does not check for objects whose
    __module__ is another (the ufuncs say "csigmoid", for pickle)."""
    runtime = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    stub = stub_names(Path(module.__file__).with_name(module.__name__.rsplit(".", 1)[1] + ".pyi"))
    assert runtime == stub, f"only at run time: {runtime - stub}; only in the stub: {stub - runtime}"


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
