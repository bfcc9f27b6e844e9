import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CHECKOUT = TESTS.parent

# The tests exercise the installed csigmoid, never the checkout's unbuilt
# csigmoid/ folder.  --import-mode=importlib (pyproject.toml) keeps pytest from
# putting the checkout on sys.path, but `python -m pytest` run in the checkout
# puts it there anyway (as ''): take it off again.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != CHECKOUT]
# importlib mode keeps this folder off sys.path too; put it back for the shared
# helper `layouts` (it holds no `csigmoid`, so the installed package still wins).
sys.path.insert(0, str(TESTS))

from csigmoid._cpu import variants  # noqa: E402
from csigmoid._parallel import testing  # noqa: E402


@pytest.fixture(autouse=True)
def contention_forgotten():
    """Start every test with csigmoid's contention rule reset: a parallel call
    that lost against one thread in an earlier test, because something else
    had the cores, must not make this test's calls serial."""
    testing.forget_contention()


@pytest.fixture(params=variants.available_variants())
def variant(request):
    """Run the test once per kernel variant this CPU can run, then put back
    the variant that was selected before."""
    previous = variants.current_variant()
    variants.use_variant(request.param)
    yield request.param
    variants.use_variant(previous)


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow",
        action="store_true",
        help="also run the tests marked slow (minutes each; see README, Reliability)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
