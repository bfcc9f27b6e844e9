"""The public functions' docstrings: NumPy style, every section present, every
parameter documented, and the Examples run as doctests against the installed
package, with every kernel variant this CPU runs.

doctest's DocTestFinder, given the package, finds none of them (they are
defined in csigmoid._ufunc.ufuncs and csigmoid._config, not in csigmoid), and given
those modules it finds private functions too and Cython's generated
__test__ copies: so each public function's docstring is parsed and run
directly, and one with no examples fails.
"""

import doctest
import inspect
import re

import numpy as np
import pytest

import csigmoid
from csigmoid._operations import OPERATIONS

# The public functions, each once (expit and log_expit are sigmoid and log_sigmoid).
PUBLIC = tuple({id(f): f for f in (getattr(csigmoid, name) for name in csigmoid.__all__)}.values())
SECTIONS = ("Parameters", "Returns", "Raises", "Notes", "Examples")


def function_id(func):
    return func.__name__


def sections(doc):
    """Section titles of a NumPy-style docstring, in order (a title line
    underlined with dashes of its length)."""
    doc = inspect.cleandoc(doc)
    return [
        title
        for title, rule in re.findall(r"^(\w[\w ]*)\n(-+)$", doc, re.MULTILINE)
        if len(rule) == len(title)
    ]


def section_text(doc, title):
    doc = inspect.cleandoc(doc)
    match = re.search(rf"^{title}\n-+\n(.*?)(?=^\w[\w ]*\n-+$|\Z)", doc, re.MULTILINE | re.DOTALL)
    return match.group(1)


def test_the_aliases_are_the_functions():
    aliases = [(alias, operation.name) for operation in OPERATIONS for alias in operation.aliases]
    assert aliases
    for alias, name in aliases:
        assert getattr(csigmoid, alias) is getattr(csigmoid, name)
    assert len(PUBLIC) == len(csigmoid.__all__) - len(aliases)


@pytest.mark.parametrize("func", PUBLIC, ids=function_id)
def test_docstring_has_the_numpy_sections_in_order(func):
    assert sections(func.__doc__) == list(SECTIONS)


# The ufuncs' keywords that their docstrings sum up as **kwargs (NumPy's do the same).
OTHER_UFUNC_KEYWORDS = ("casting", "order", "dtype", "subok", "signature")


@pytest.mark.parametrize("func", PUBLIC, ids=function_id)
def test_every_parameter_is_documented(func):
    text = section_text(func.__doc__, "Parameters")
    documented = re.findall(r"^(\*\*\w+|\w+)(?: :|$)", text, re.MULTILINE)
    parameters = list(inspect.signature(func).parameters)
    if isinstance(getattr(func, "ufunc", func), np.ufunc):
        parameters = [p for p in parameters if p not in OTHER_UFUNC_KEYWORDS] + ["**kwargs"]
        for keyword in OTHER_UFUNC_KEYWORDS:
            assert f"``{keyword}``" in text
    assert documented == parameters


@pytest.mark.parametrize("func", PUBLIC, ids=function_id)
def test_examples_run_as_doctests(func, variant):
    test = doctest.DocTestParser().get_doctest(func.__doc__, {}, f"csigmoid.{func.__name__}", None, 0)
    assert len(test.examples) >= 2, "fewer than two examples: nothing shown beyond the import"
    report = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=report.append)
    assert result.attempted == len(test.examples)
    assert result.failed == 0, "".join(report)
