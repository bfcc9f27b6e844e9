"""The ufunc contract: every keyword and every method of each csigmoid ufunc gives the
same kind of outcome as on a NumPy ufunc of the same shape.

Each csigmoid ufunc is paired with a NumPy ufunc of as many inputs and outputs: np.exp
for the four of one input (sigmoid, sigmoid_derivative, logit, log_sigmoid), np.arctan2
for sigmoid_backward, np.modf for the ufunc behind sigmoid_and_derivative.  Each case
below makes one call on both and compares what came back: the result's type, dtype,
shape and memory order, whether it is the ``out`` array, or which exception was raised.
The numbers are not compared between the two, since the functions differ; where a call
has a defined result (reductions, ``where``, overlapping ``out``), the tests at the end
compare csigmoid's result with csigmoid's own elementwise call on separate arrays.

Where csigmoid's outcome differs from NumPy's on purpose, DIFFERENCES states both
outcomes and the reason; such a case fails if either side changes.
"""

import functools
import inspect
import itertools
import pickle

import numpy as np
import pytest

import csigmoid

from layouts import UFUNCS

# each csigmoid ufunc and the NumPy ufunc of its shape (inputs, outputs)
NUMPY_OF_SHAPE = {(1, 1): np.exp, (2, 1): np.arctan2, (1, 2): np.modf}
PAIRS = tuple((ufunc, NUMPY_OF_SHAPE[ufunc.nin, ufunc.nout]) for ufunc in UFUNCS)


def inputs(ufunc, shape=(2, 3), dtype="d"):
    """`ufunc.nin` fresh arrays inside every paired function's domain (logit's is (0, 1))."""
    values = np.linspace(0.1, 0.9, int(np.prod(shape))).reshape(shape)
    return [(values + 0.01 * i).astype(dtype) for i in range(ufunc.nin)]


def outs(ufunc, shape=(2, 3), dtype="d"):
    """`ufunc.nout` fresh output arrays, as a tuple (the form `out=` always accepts)."""
    return tuple(np.zeros(shape, dtype) for _ in range(ufunc.nout))


def describe(value):
    """What kind of thing a call gave: enough to tell two ufuncs' outcomes apart, no numbers."""
    if isinstance(value, tuple):
        return ("tuple",) + tuple(describe(v) for v in value)
    if isinstance(value, np.ndarray):
        layout = "C" if value.flags.c_contiguous else "F" if value.flags.f_contiguous else "-"
        return (type(value).__name__, value.dtype.str, value.shape, layout)
    if isinstance(value, np.generic):
        return (type(value).__name__,)
    if isinstance(value, np.dtype):
        return ("dtype", value.str)
    return value


def outcome(call, ufunc):
    """describe(call(ufunc)), or ("raises", exception type) when the call raises."""
    try:
        with np.errstate(all="ignore"):
            return describe(call(ufunc))
    except Exception as error:  # the exception's type is the outcome being compared
        return ("raises", type(error))


CASES = {}


def case(*shapes):
    """Registers a call for the ufuncs of the given (nin, nout) shapes (default: all)."""

    def register(call):
        CASES[call.__name__] = (call, shapes)
        return call

    return register


# --- attributes, introspection, pickling ------------------------------------------------


@case()
def attributes(u):
    loops_fit = all(
        len(loop.split("->")[0]) == u.nin and len(loop.split("->")[1]) == u.nout for loop in u.types
    )
    return (u.nin, u.nout, u.nargs, u.identity, u.signature, u.ntypes == len(u.types), loops_fit)


@case()
def repr_names_the_ufunc(u):
    return repr(u) == f"<ufunc '{u.__name__}'>"


@case()
def docstring_opens_with_the_call_signature(u):
    return u.__doc__.startswith(f"{u.__name__}(") and "out=" in u.__doc__.splitlines()[0]


@case()
def inspect_signature(u):
    return str(inspect.signature(u))


@case()
def pickle_by_reference(u):
    return pickle.loads(pickle.dumps(u)) is u


@case()
def no_instance_dict_entries_but_the_docstring(u):
    return sorted(vars(u)) in ([], ["__doc__"])


# --- __call__: what goes in ----------------------------------------------------------------


def call_with_dtype(dtype):
    def call(u):
        return u(*inputs(u, dtype=dtype))

    return call


for _code in "efdg?bBhHiIlLqQ":
    _call = call_with_dtype(_code)
    _call.__name__ = f"call_{np.dtype(_code).name}"
    case()(_call)


@case()
def call_python_float(u):
    return u(*[0.5] * u.nin)


@case()
def call_python_int(u):
    return u(*[1] * u.nin)


@case()
def call_float32_scalar(u):
    return u(*[np.float32(0.5)] * u.nin)


@case()
def call_float32_array_and_python_float(u):
    first, *others = inputs(u, dtype="f")
    return u(first, *[0.5] * len(others))


@case()
def call_zero_dimensional_array(u):
    return u(*[np.array(0.5)] * u.nin)


@case()
def call_empty(u):
    return u(*inputs(u, shape=(0,)))


@case()
def call_empty_2d(u):
    return u(*inputs(u, shape=(3, 0)))


@case()
def call_list(u):
    return u(*[[0.25, 0.5]] * u.nin)


@case()
def call_nested_list(u):
    return u(*[[[0.25], [0.5]]] * u.nin)


@case()
def call_tuple_input(u):
    return u(*[(0.25, 0.5, 0.75)] * u.nin)


@case((2, 1))
def call_broadcasting(u):
    return u(inputs(u, shape=(3, 1))[0], inputs(u, shape=(4,))[0])


@case((2, 1))
def call_mismatched_shapes(u):
    return u(inputs(u, shape=(3,))[0], inputs(u, shape=(4,))[0])


@case((2, 1))
def call_float32_and_float64(u):
    return u(inputs(u, dtype="f")[0], inputs(u, dtype="d")[0])


@case((2, 1))
def call_float16_and_int8(u):
    return u(inputs(u, dtype="e")[0], inputs(u, dtype="b")[0])


@case()
def call_fortran_order_input(u):
    return u(*[np.asfortranarray(x) for x in inputs(u, shape=(3, 4))])


@case()
def call_strided_input(u):
    return u(*[x[:, ::2] for x in inputs(u, shape=(3, 8))])


@case()
def call_byteswapped_input(u):
    return u(*[x.astype(x.dtype.newbyteorder()) for x in inputs(u)])


@case()
def call_matrix(u):
    return u(*[np.asmatrix(x) for x in inputs(u)])


@case()
def call_masked_array(u):
    return u(*[np.ma.masked_less(x, 0.3) for x in inputs(u)])


@case()
def call_complex(u):
    return u(*inputs(u, dtype="D"))


@case()
def call_object(u):
    return u(*inputs(u, dtype="O"))


@case()
def call_none(u):
    return u(*[None] * u.nin)


@case()
def call_string(u):
    return u(*[np.array(["a", "b"])] * u.nin)


@case()
def call_datetime(u):
    return u(*[np.array(["2024-01-01"], "M8[D]")] * u.nin)


@case()
def call_too_few_arguments(u):
    return u(*inputs(u)[1:])


@case()
def call_too_many_arguments(u):
    return u(*inputs(u), *outs(u), np.zeros((2, 3)))


@case()
def call_unknown_keyword(u):
    return u(*inputs(u), castingx="safe")


# --- keywords ------------------------------------------------------------------------------


@case()
def out_tuple_is_returned(u):
    out = outs(u)
    result = u(*inputs(u), out=out)
    return tuple(r is o for r, o in zip(result if u.nout > 1 else (result,), out))


@case()
def out_positional_is_returned(u):
    out = outs(u)
    result = u(*inputs(u), *out)
    return tuple(r is o for r, o in zip(result if u.nout > 1 else (result,), out))


@case((1, 1), (2, 1))
def out_bare_array(u):
    out = np.zeros((2, 3))
    return u(*inputs(u), out=out) is out


@case()
def out_none(u):
    return u(*inputs(u), out=(None,) * u.nout)


@case()
def out_float32_from_float64(u):
    return u(*inputs(u), out=outs(u, dtype="f"))


@case()
def out_integer(u):
    return u(*inputs(u), out=outs(u, dtype="l"))


@case()
def out_wrong_shape(u):
    return u(*inputs(u), out=outs(u, shape=(3, 2)))


@case()
def out_broadcast_into(u):
    return u(*inputs(u, shape=(3,)), out=outs(u, shape=(2, 3)))


@case()
def out_read_only(u):
    out = outs(u)
    for o in out:
        o.flags.writeable = False
    return u(*inputs(u), out=out)


@case()
def out_not_an_array(u):
    return u(*inputs(u), out=([0.0] * 6,) * u.nout)


@case()
def out_too_few(u):
    return u(*inputs(u), out=outs(u)[:-1])


@case()
def out_matrix(u):
    return u(*inputs(u), out=tuple(np.asmatrix(o) for o in outs(u)))


@case()
def where_with_out(u):
    return u(*inputs(u), out=outs(u), where=np.array([True, False, True]))


@case()
def where_without_out(u):
    return u(*inputs(u), where=np.array([True, False, True]))


@case()
def where_false_scalar(u):
    return u(*inputs(u), out=outs(u), where=False)


@case()
def where_wrong_shape(u):
    return u(*inputs(u), out=outs(u), where=np.array([True, False]))


@case()
def where_not_boolean(u):
    return u(*inputs(u), out=outs(u), where=np.array([1.0, 0.0, 1.0]))


@case()
def casting_no(u):
    return u(*inputs(u), dtype="f", casting="no")


@case()
def casting_equiv_out_float32(u):
    return u(*inputs(u, dtype="f"), out=outs(u, dtype="f"), casting="equiv")


@case()
def casting_safe_out_float32(u):
    return u(*inputs(u), out=outs(u, dtype="f"), casting="safe")


@case()
def casting_unsafe_out_integer(u):
    return u(*inputs(u), out=outs(u, dtype="l"), casting="unsafe")


@case()
def casting_unknown(u):
    return u(*inputs(u), casting="sometimes")


for _order in "CFAK":

    def _call(u, order=_order):
        return u(*[np.asfortranarray(x) for x in inputs(u, shape=(3, 4))], order=order)

    _call.__name__ = f"order_{_order}_of_fortran_input"
    case()(_call)


@case()
def order_unknown(u):
    return u(*inputs(u), order="X")


@case()
def dtype_float32(u):
    return u(*inputs(u), dtype="f")


@case()
def dtype_float64_of_integers(u):
    return u(*inputs(u, dtype="l"), dtype="d")


@case()
def dtype_integer(u):
    return u(*inputs(u), dtype="l")


@case()
def dtype_complex(u):
    return u(*inputs(u), dtype="D")


@case()
def dtype_object(u):
    return u(*inputs(u), dtype=object)


@case()
def dtype_not_a_dtype(u):
    return u(*inputs(u), dtype="no such type")


@case()
def dtype_and_signature_together(u):
    return u(*inputs(u), dtype="f", signature="f" * (u.nin + u.nout))


@case()
def signature_string(u):
    return u(*inputs(u), signature="f" * u.nin + "->" + "f" * u.nout)


@case()
def signature_tuple(u):
    return u(*inputs(u), signature=("f",) * (u.nin + u.nout))


@case()
def signature_tuple_outputs_open(u):
    return u(*inputs(u), signature=("f",) * u.nin + (None,) * u.nout)


@case()
def signature_wrong_length(u):
    return u(*inputs(u), signature=("f",) * (u.nin + u.nout + 1))


@case()
def signature_without_a_loop(u):
    return u(*inputs(u), signature=("l",) * (u.nin + u.nout))


@case()
def subok_false_with_matrix(u):
    return u(*[np.asmatrix(x) for x in inputs(u)], subok=False)


@case()
def subok_true_with_matrix(u):
    return u(*[np.asmatrix(x) for x in inputs(u)], subok=True)


@case()
def axes_keyword(u):
    return u(*inputs(u), axes=[()] * (u.nin + u.nout))


@case()
def axis_keyword(u):
    return u(*inputs(u), axis=0)


@case()
def keepdims_keyword(u):
    return u(*inputs(u), keepdims=True)


# --- methods -------------------------------------------------------------------------------


@case()
def reduce_axis_0(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=0)


@case()
def reduce_float64_default_axis(u):
    return u.reduce(inputs(u, shape=(5,))[0])


@case()
def reduce_promoted_dtypes(u):
    # no dtype given: NumPy asks the ufunc's promoter with the output's dtype unknown
    return [describe(u.reduce(inputs(u, shape=(5,), dtype=code)[0])) for code in "efdg"]


@case()
def reduce_integers(u):
    return u.reduce(np.arange(1, 6))


@case()
def reduce_axis_none(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=None)


@case()
def reduce_axis_tuple(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=(0, 1))


@case()
def reduce_keepdims(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=1, keepdims=True)


@case()
def reduce_dtype(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], dtype="f")


@case()
def reduce_out(u):
    out = np.zeros(3)
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=0, out=out) is out


@case()
def reduce_initial(u):
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=0, initial=0.5)


@case()
def reduce_where_with_initial(u):
    where = np.array([True, False, True])
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=1, where=where, initial=0.5)


@case()
def reduce_where_without_initial(u):
    where = np.array([True, False, True])
    return u.reduce(inputs(u, shape=(4, 3))[0], axis=1, where=where)


@case()
def reduce_empty_without_initial(u):
    return u.reduce(np.zeros((0, 3)), axis=0)


@case()
def reduce_empty_with_initial(u):
    return u.reduce(np.zeros((0, 3)), axis=0, initial=0.5)


@case()
def reduce_one_element(u):
    return u.reduce(np.array([0.5]))


@case()
def reduce_zero_dimensional(u):
    return u.reduce(np.array(0.5))


@case()
def accumulate_axis_0(u):
    return u.accumulate(inputs(u, shape=(4, 3))[0], axis=0)


@case()
def accumulate_axis_1(u):
    return u.accumulate(inputs(u, shape=(4, 3))[0], axis=1)


@case()
def accumulate_promoted_dtypes(u):
    return [describe(u.accumulate(inputs(u, shape=(5,), dtype=code)[0])) for code in "efdg"]


@case()
def accumulate_dtype(u):
    return u.accumulate(inputs(u, shape=(5,))[0], dtype="f")


@case()
def accumulate_out(u):
    out = np.zeros(5)
    return u.accumulate(inputs(u, shape=(5,))[0], out=out) is out


@case()
def accumulate_axis_none(u):
    return u.accumulate(inputs(u, shape=(4, 3))[0], axis=None)


@case()
def reduceat_axis_0(u):
    return u.reduceat(inputs(u, shape=(6, 3))[0], [0, 2, 5], axis=0)


@case()
def reduceat_promoted_dtypes(u):
    return [describe(u.reduceat(inputs(u, shape=(6,), dtype=c)[0], [0, 3])) for c in "efdg"]


@case()
def reduceat_decreasing_index(u):
    return u.reduceat(inputs(u, shape=(6,))[0], [4, 1])


@case()
def reduceat_index_out_of_range(u):
    return u.reduceat(inputs(u, shape=(6,))[0], [0, 9])


@case()
def outer(u):
    return u.outer(inputs(u, shape=(2,))[0], inputs(u, shape=(3,))[0])


@case()
def outer_float32(u):
    return u.outer(*[inputs(u, shape=(3,), dtype="f")[0]] * 2)


@case()
def at_indices(u):
    target = inputs(u, shape=(5,))[0]
    others = [np.array([0.25, 0.5])] * (u.nin - 1)
    return u.at(target, [0, 3], *others), describe(target)


@case()
def at_repeated_indices(u):
    target = inputs(u, shape=(5,))[0]
    others = [np.array([0.25, 0.5, 0.75])] * (u.nin - 1)
    return u.at(target, [1, 1, 1], *others)


@case()
def at_integer_target(u):
    target = np.arange(5)
    others = [np.array([1, 2])] * (u.nin - 1)
    return u.at(target, [0, 3], *others)


@case()
def at_float32_target(u):
    target = inputs(u, shape=(5,), dtype="f")[0]
    others = [np.array([0.25, 0.5], "f")] * (u.nin - 1)
    return u.at(target, [0, 3], *others), describe(target)


@case()
def at_index_out_of_range(u):
    target = inputs(u, shape=(5,))[0]
    others = [np.array([0.25])] * (u.nin - 1)
    return u.at(target, [7], *others)


def resolve_case(code):
    def call(u):
        return u.resolve_dtypes((np.dtype(code),) * u.nin + (None,) * u.nout)

    return call


for _code in "efdglhb?":
    _call = resolve_case(_code)
    _call.__name__ = f"resolve_dtypes_{np.dtype(_code).name}"
    case()(_call)


@case()
def resolve_dtypes_reduction(u):
    return u.resolve_dtypes((None, np.dtype("d"), None), reduction=True)


@case()
def resolve_dtypes_reduction_float32(u):
    return u.resolve_dtypes((None, np.dtype("f"), None), reduction=True)


@case()
def resolve_dtypes_signature(u):
    return u.resolve_dtypes(
        (np.dtype("d"),) * u.nin + (None,) * u.nout, signature=((np.dtype("f"),) * (u.nin + u.nout))
    )


@case()
def resolve_dtypes_wrong_length(u):
    return u.resolve_dtypes((np.dtype("d"),) * (u.nin + u.nout + 1))


@case()
def resolve_dtypes_complex(u):
    return u.resolve_dtypes((np.dtype("D"),) * u.nin + (None,) * u.nout)


# --- where csigmoid differs from NumPy, and why ---------------------------------------------

# NumPy's refusal when no loop fits the inputs (its legacy type resolver, which csigmoid's
# one-input ufuncs use as np.exp does, raises a plain TypeError)
NO_LOOP = ("raises", TypeError)

# Integers and bool: csigmoid computes every integer type and bool in float64 (as
# scipy.special.expit does; README, dtypes), NumPy in the smallest float that holds them
# safely: float16 for int8, uint8 and bool, float32 for int16 and uint16.  csigmoid's loops
# take the integers themselves (converted block by block), so resolve_dtypes keeps them.
INTEGERS_IN_FLOAT64 = "csigmoid computes integers and bool in float64, NumPy in the smallest safe float"
# Complex: the sigmoid family is real here, so csigmoid has no complex loop; np.exp has
# one (np.arctan2 and np.modf have none: there the outcomes agree).
NO_COMPLEX_LOOP = "csigmoid has no complex loop"
# Object: csigmoid has no object loop, so NumPy refuses the call when it looks for a loop
# (TypeError); np.arctan2's object loop calls each element's .arctan2() method instead,
# which floats and None lack (AttributeError).  np.exp's object loop raises TypeError for
# the same lack, and np.modf has no object loop: there the outcomes agree.
NO_OBJECT_LOOP = "csigmoid has no object loop: refused when NumPy looks for a loop"


def _float64(shape=(2, 3), kind="ndarray"):
    return (kind, "<f8", shape, "C")


DIFFERENCES = {
    # (case, NumPy ufunc): (NumPy's outcome, csigmoid's outcome, reason)
    **{
        (f"call_{np.dtype(code).name}", np.exp): (
            ("ndarray", np.dtype(small).str, (2, 3), "C"),
            _float64(),
            INTEGERS_IN_FLOAT64,
        )
        for code, small in zip("?bBhH", "eeeff")
    },
    **{
        (f"call_{np.dtype(code).name}", np.arctan2): (
            ("ndarray", np.dtype(small).str, (2, 3), "C"),
            _float64(),
            INTEGERS_IN_FLOAT64,
        )
        for code, small in zip("?bBhH", "eeeff")
    },
    **{
        (f"call_{np.dtype(code).name}", np.modf): (
            ("tuple",) + (("ndarray", np.dtype(small).str, (2, 3), "C"),) * 2,
            ("tuple", _float64(), _float64()),
            INTEGERS_IN_FLOAT64,
        )
        for code, small in zip("?bBhH", "eeeff")
    },
    # float16 with int8 is float16 for NumPy's float16 loop; csigmoid's promoter computes
    # in NumPy's result type of the two (float16) as well, so the pair is the same; the
    # integer-only cases are the ones above
    **{
        (f"resolve_dtypes_{np.dtype(code).name}", np.exp): (
            ("tuple", ("dtype", np.dtype(small).str), ("dtype", np.dtype(small).str)),
            ("tuple", ("dtype", np.dtype(code).str), ("dtype", "<f8")),
            INTEGERS_IN_FLOAT64 + " (and its loops read the integers as they are)",
        )
        for code, small in zip("lhb?", "dfee")
    },
    **{
        (f"resolve_dtypes_{np.dtype(code).name}", np.arctan2): (
            ("tuple",) + (("dtype", np.dtype(small).str),) * 3,
            ("tuple", ("dtype", np.dtype(code).str), ("dtype", np.dtype(code).str), ("dtype", "<f8")),
            INTEGERS_IN_FLOAT64 + " (and its loops read the integers as they are)",
        )
        for code, small in zip("lhb?", "dfee")
    },
    **{
        (f"resolve_dtypes_{np.dtype(code).name}", np.modf): (
            ("tuple",) + (("dtype", np.dtype(small).str),) * 3,
            ("tuple", ("dtype", np.dtype(code).str), ("dtype", "<f8"), ("dtype", "<f8")),
            INTEGERS_IN_FLOAT64 + " (and its loops read the integers as they are)",
        )
        for code, small in zip("lhb?", "dfee")
    },
    **{
        (name, np.exp): (("ndarray", "<c16", (2, 3), "C"), NO_LOOP, NO_COMPLEX_LOOP)
        for name in ("call_complex", "dtype_complex")
    },
    ("resolve_dtypes_complex", np.exp): (
        ("tuple", ("dtype", "<c16"), ("dtype", "<c16")),
        NO_LOOP,
        NO_COMPLEX_LOOP,
    ),
    **{
        (name, np.arctan2): (("raises", AttributeError), NO_LOOP, NO_OBJECT_LOOP)
        for name in ("call_object", "call_none", "dtype_object")
    },
}


def contract_cases():
    return [
        pytest.param(csigmoid_ufunc, numpy_ufunc, name, id=f"{csigmoid_ufunc.__name__}-{name}")
        for csigmoid_ufunc, numpy_ufunc in PAIRS
        for name, (_, shapes) in CASES.items()
        if not shapes or (csigmoid_ufunc.nin, csigmoid_ufunc.nout) in shapes
    ]


@pytest.mark.parametrize("csigmoid_ufunc, numpy_ufunc, name", contract_cases())
def test_outcome_is_numpys_for_a_ufunc_of_the_same_shape(csigmoid_ufunc, numpy_ufunc, name):
    assert (csigmoid_ufunc.nin, csigmoid_ufunc.nout) == (numpy_ufunc.nin, numpy_ufunc.nout)
    call = CASES[name][0]
    numpy_outcome = outcome(call, numpy_ufunc)
    csigmoid_outcome = outcome(call, csigmoid_ufunc)
    difference = DIFFERENCES.get((name, numpy_ufunc))
    if difference is None:
        assert csigmoid_outcome == numpy_outcome
    else:
        expected_numpy, expected_csigmoid, reason = difference
        assert numpy_outcome == expected_numpy, f"NumPy changed; the difference was: {reason}"
        assert csigmoid_outcome == expected_csigmoid, reason


def test_every_difference_names_a_case_that_runs():
    names = {(name, numpy_ufunc) for _, numpy_ufunc, name in (p.values for p in contract_cases())}
    assert set(DIFFERENCES) <= names


# --- the numbers, decided by csigmoid's own elementwise call -------------------------------

BINARY = csigmoid.sigmoid_backward
FLOAT_CODES = "efdg"


def operands(shape, code, seed=0):
    """Values in (0, 1), where the backward product neither overflows nor vanishes fast."""
    return np.random.default_rng(seed).uniform(0.05, 0.95, shape).astype(code)


def assert_close_to_fold(actual, expected):
    # The fold below makes the same calls one element (or row) at a time; csigmoid computes
    # an element the same way in every loop, but allow the last bit, which a contiguous
    # and a strided loop may round differently; the wrong numbers this guards against
    # are off by far more.
    eps = np.finfo(np.asarray(expected).dtype).eps
    np.testing.assert_allclose(actual, expected, rtol=4 * eps, atol=0)
    assert np.asarray(actual).dtype == np.asarray(expected).dtype


def left_fold(values, axis, initial=None):
    """sigmoid_backward folded from the left along `axis`, by csigmoid's own elementwise call."""
    rows = list(np.moveaxis(values, axis, 0))
    if initial is not None:
        rows.insert(0, np.full_like(rows[0], initial))
    return functools.reduce(BINARY, rows)


@pytest.mark.parametrize("code", FLOAT_CODES)
@pytest.mark.parametrize("axis", [0, 1])
def test_reduce_is_the_left_fold(code, axis):
    values = operands((7, 13), code)
    assert_close_to_fold(BINARY.reduce(values, axis=axis), left_fold(values, axis))
    assert_close_to_fold(BINARY.reduce(values, axis=axis, dtype=code), left_fold(values, axis))


@pytest.mark.parametrize("code", FLOAT_CODES)
def test_reduce_of_a_vector_and_with_initial_out_and_where(code):
    vector = operands(50, code)
    assert_close_to_fold(BINARY.reduce(vector), left_fold(vector, 0))
    values = operands((5, 4), code)
    assert_close_to_fold(BINARY.reduce(values, axis=0, initial=0.5), left_fold(values, 0, initial=0.5))
    out = np.zeros(4, code)
    assert BINARY.reduce(values, axis=0, out=out) is out
    assert_close_to_fold(out, left_fold(values, 0))
    where = np.array([True, False, True, True])
    expected = left_fold(values[:, where], 1, initial=0.5)
    assert_close_to_fold(BINARY.reduce(values, axis=1, where=where, initial=0.5), expected)


@pytest.mark.parametrize("code", FLOAT_CODES)
@pytest.mark.parametrize("axis", [0, 1])
def test_accumulate_is_the_running_left_fold(code, axis):
    values = operands((7, 13), code)
    rows = np.moveaxis(values, axis, 0)
    expected = np.moveaxis(np.array(list(itertools.accumulate(rows, BINARY))), 0, axis)
    assert_close_to_fold(BINARY.accumulate(values, axis=axis), expected)


@pytest.mark.parametrize("code", FLOAT_CODES)
def test_reduceat_reduces_each_slice(code):
    values = operands(12, code)
    indices = [0, 3, 4, 9]
    expected = np.array([left_fold(values[a:b], 0) for a, b in zip(indices, indices[1:] + [12])])
    # a slice of one element (3:4) is that element, as reduceat defines
    assert_close_to_fold(BINARY.reduceat(values, indices), expected)


@pytest.mark.parametrize("ufunc", [u for u, _ in PAIRS], ids=lambda u: u.__name__)
def test_outer_is_the_broadcast_call(ufunc):
    a, b = operands(4, "d", 1), operands(3, "d", 2)
    if ufunc.nin == 2:
        np.testing.assert_array_equal(ufunc.outer(a, b), ufunc(a[:, None], b[None, :]))
    else:
        with pytest.raises(ValueError):
            ufunc.outer(a, b)


@pytest.mark.parametrize("ufunc", [u for u, _ in PAIRS if u.nout == 1], ids=lambda u: u.__name__)
def test_at_applies_the_call_once_per_index_in_order(ufunc):
    target = operands(6, "d", 3)
    expected = target.copy()
    indices = [4, 1, 4]
    others = [operands(3, "d", 4)] if ufunc.nin == 2 else []
    for position, index in enumerate(indices):
        args = [expected[index]] + [o[position] for o in others]
        expected[index] = ufunc(*args)
    assert ufunc.at(target, indices, *others) is None
    np.testing.assert_array_equal(target, expected)


@pytest.mark.parametrize("ufunc", [u for u, _ in PAIRS], ids=lambda u: u.__name__)
def test_where_computes_where_true_and_leaves_out_alone_elsewhere(ufunc):
    args = [operands(40, "d", seed) for seed in range(ufunc.nin)]
    where = np.arange(40) % 3 != 0
    out = tuple(np.full(40, -7.0) for _ in range(ufunc.nout))
    ufunc(*args, out=out, where=where)
    full = ufunc(*args)
    for o, f in zip(out, full if ufunc.nout > 1 else (full,)):
        np.testing.assert_array_equal(o[where], f[where])
        assert (o[~where] == -7.0).all()


@pytest.mark.parametrize("code", "fd")
@pytest.mark.parametrize("shift", [1, -1])
@pytest.mark.parametrize("ufunc", [u for u, _ in PAIRS], ids=lambda u: u.__name__)
def test_an_out_overlapping_the_input_gets_the_values_of_separate_arrays(ufunc, shift, code):
    # Large enough for csigmoid to split the call over its threads; NumPy's own loops go
    # in order and NumPy copies only when that order would read overwritten input, which
    # is why the reference is the same call on a copy, not NumPy's result.
    n = 200_000
    buffer = operands(n + abs(shift), code, 5)
    if shift > 0:
        source, target = buffer[shift:], buffer[:-shift]
    else:
        source, target = buffer[:shift], buffer[-shift:]
    others = [operands(n, code, 6)] * (ufunc.nin - 1)
    expected = ufunc(source.copy(), *others)
    out = (target,) + tuple(np.empty(n, code) for _ in range(ufunc.nout - 1))
    ufunc(source, *others, out=out)
    for actual, wanted in zip(out, expected if ufunc.nout > 1 else (expected,)):
        np.testing.assert_array_equal(actual, wanted)
