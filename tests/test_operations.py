"""The table of operations (csigmoid/_operations.py) against everything that
lists the operations by other means: the kernels' C enum, the stubs, the
compiled ufuncs, ``__all__``, the docstrings, the references and the
benchmark's inputs."""

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from test_accuracy import exact as exact_fraction

import csigmoid
from csigmoid._bench.worker import Arrays
from csigmoid._operations import BY_NAME, OPERATIONS
from csigmoid._reference import ulp_error
from csigmoid._ufunc import docstrings, ufuncs

SOURCE = Path(__file__).resolve().parent.parent / "csigmoid"
INSTALLED = Path(csigmoid.__file__).resolve().parent


def test_the_entries_are_numbered_in_order_and_named_once():
    assert [operation.index for operation in OPERATIONS] == list(range(len(OPERATIONS)))
    names = [name for operation in OPERATIONS for name in (operation.name, *operation.aliases)]
    assert len(names) == len(set(names))
    assert BY_NAME == {operation.name: operation for operation in OPERATIONS}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_each_entry_gives_every_float_type_a_share_and_a_bound_per_output(operation):
    assert set(operation.share) == set(operation.max_ulp) == {"float32", "float64"}
    assert all(isinstance(share, int) and share >= 1 for share in operation.share.values())
    assert all(len(bounds) == operation.nout for bounds in operation.max_ulp.values())


def enum_members(pxd, enum):
    """The members of `cdef enum <enum>:` in a .pxd, in order."""
    body = re.search(rf"^cdef enum {enum}:\n((?:[ \t]+.*\n|\n)+)", pxd.read_text(), re.MULTILINE).group(1)
    return [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]


def test_the_kernel_enum_lists_the_operations_in_the_table_order_and_ends_with_their_count():
    pxd = SOURCE / "_kernels" / "table.pxd"
    if not pxd.exists():
        pytest.skip("the kernels' .pxd is in the source tree only")
    members = enum_members(pxd, "Operation")
    assert members[: len(OPERATIONS)] == [operation.kernel for operation in OPERATIONS]
    assert members[-1] == "NOPERATIONS"
    # the compiled module's count is the enum's as it was built
    assert ufuncs.KERNEL_OPERATIONS == len(members) - 1


# The stub class of each shape of ufunc: (inputs, outputs) -> class
STUB_CLASS = {(1, 1): "_UnaryUfunc", (2, 1): "_BinaryUfunc", (1, 2): "_FusedUfunc"}


def stub_annotations():
    path = INSTALLED / "_ufunc" / "ufuncs.pyi"
    return {
        node.target.id: ast.unparse(node.annotation)
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }


def test_the_stubs_declare_each_operation_as_a_ufunc_of_its_shape():
    annotations = stub_annotations()
    declared = {name for name, annotation in annotations.items() if annotation in STUB_CLASS.values()}
    assert declared == set(BY_NAME)
    for operation in OPERATIONS:
        assert annotations[operation.name] == STUB_CLASS[operation.nin, operation.nout]
        if operation.wrapper is not None:
            assert annotations[operation.wrapper] == "_FusedDispatch"


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_compiled_ufunc_is_the_entry(operation):
    ufunc = getattr(ufuncs, operation.name)
    assert isinstance(ufunc, np.ufunc)
    assert (ufunc.__name__, ufunc.nin, ufunc.nout) == (operation.name, operation.nin, operation.nout)
    assert ufunc.__doc__.endswith(docstrings.DOCSTRINGS[operation.name])


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_public_names_are_the_table_s(operation):
    public = getattr(csigmoid, operation.name)
    expected = getattr(ufuncs, operation.wrapper or operation.name)
    assert public is expected
    for alias in operation.aliases:
        assert getattr(csigmoid, alias) is public


def test_all_is_the_table_s_names_and_aliases_and_the_two_helpers():
    names = [name for operation in OPERATIONS for name in (operation.name, *operation.aliases)]
    assert csigmoid.__all__ == sorted([*names, "show_config", "threads"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
def test_the_docstring_is_built_from_the_entry_and_states_its_bounds(operation):
    doc = docstrings.DOCSTRINGS[operation.name]
    assert doc.startswith(operation.doc.summary)
    assert operation.doc.notes in doc
    assert doc.endswith(operation.doc.examples)
    for bounds in operation.max_ulp.values():
        for bound in bounds:
            assert f"{bound:g} ulp" in operation.doc.notes


# One input in every operation's domain (logit's is [0, 1]); each input of a
# two-input operation takes it.
POINT = 0.375


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.name)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_reference_agrees_with_the_function_within_its_bound(operation, dtype):
    pytest.importorskip("mpmath")
    inputs = [np.dtype(dtype).type(POINT)] * operation.nin
    results = getattr(csigmoid, operation.name)(*inputs)
    references = operation.reference_function()(*inputs)
    if operation.nout == 1:
        results, references = (results,), (references,)
    assert len(references) == operation.nout
    for result, value, bound in zip(results, references, operation.max_ulp[dtype], strict=True):
        assert ulp_error(result, exact_fraction(value), dtype) <= bound


@pytest.mark.parametrize(
    "operation",
    [operation for operation in OPERATIONS if operation.bench is not None],
    ids=lambda operation: operation.name,
)
def test_the_benchmark_has_the_arrays_an_entry_asks_for(operation):
    arrays = Arrays(16, "float64")
    for name in operation.bench.inputs:
        assert getattr(arrays, name).shape == (16,)
