"""What NumPy's ufunc protocol gives csigmoid's functions: they are ufuncs, and
every ufunc keyword, ndarray subclasses (masked arrays, np.matrix), duck arrays
implementing __array_ufunc__, ufunc methods and pickling work as they do for
NumPy's own ufuncs.  sigmoid_and_derivative is a thin wrapper around its
ufunc: it must behave exactly as the ufunc does."""

import pickle

import numpy as np
import pytest

from csigmoid import sigmoid, sigmoid_and_derivative, sigmoid_backward, sigmoid_derivative

from layouts import FUNCTIONS, UFUNCS, assert_identical, function_id, sample_values

unary = pytest.mark.parametrize("func", FUNCTIONS, ids=function_id)


def outputs(result):
    return result if isinstance(result, tuple) else (result,)


def assert_same_results(actual, expected):
    actual, expected = outputs(actual), outputs(expected)
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert_identical(a, e)


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
def test_the_functions_are_ufuncs_with_a_loop_per_real_type(ufunc):
    assert isinstance(ufunc, np.ufunc)
    assert ufunc.signature is None
    inputs = "".join(sorted({t.split("->")[0][0] for t in ufunc.types}))
    assert inputs == "".join(sorted("efdg?bBhHiIlLqQ"))
    for loop in ufunc.types:
        types_in, types_out = loop.split("->")
        expected = types_in[0] if types_in[0] in "efdg" else "d"
        assert set(types_out) == {expected}


def test_the_wrapper_holds_its_ufunc_and_says_what_it_is():
    assert sigmoid_and_derivative.ufunc.__name__ == sigmoid_and_derivative.__name__
    assert (sigmoid_and_derivative.ufunc.nin, sigmoid_and_derivative.ufunc.nout) == (1, 2)
    assert sigmoid_and_derivative.__doc__.startswith("sigmoid_and_derivative(x, /, out=(None, None)")


# --- keywords -------------------------------------------------------------------------


@unary
def test_where_computes_only_where_true_and_leaves_out_alone(func, variant):
    x = sample_values(np.float64)
    where = np.arange(x.size) % 3 == 0
    outs = tuple(np.full_like(x, 7.0) for _ in outputs(func(x)))
    result = func(x, out=outs if len(outs) == 2 else outs[0], where=where)
    for r, full in zip(outputs(result), outputs(func(x))):
        assert_identical(r[where], full[where])
        assert (r[~where] == 7.0).all()


@unary
@pytest.mark.parametrize(
    "choose",
    [
        {"dtype": np.float32},
        {"signature": ("f", "f")},
        {"signature": "f->f"},
    ],
    ids=str,
)
def test_dtype_and_signature_choose_the_loop(func, variant, choose):
    x = sample_values(np.float64)
    if func is sigmoid_and_derivative and "signature" in choose:
        choose = {"signature": ("f", "f", "f")}
    with np.errstate(over="ignore"):  # float64 beyond float32's range: inf, on purpose
        expected = func(x.astype(np.float32))
        assert_same_results(func(x, **choose), expected)


@unary
def test_integers_can_be_computed_in_float32_when_asked(func, variant):
    x = np.arange(-40, 41, dtype=np.int32)
    assert_same_results(func(x, dtype=np.float32), func(x.astype(np.float32)))


@unary
def test_casting_no_refuses_a_cast_naming_the_function(func):
    with pytest.raises(TypeError, match=f"ufunc '{func.__name__}'"):
        func(np.zeros(3, np.float32), dtype=np.float64, casting="no")


@unary
def test_casting_unsafe_writes_into_an_integer_out(func, variant):
    x = np.array([-3.0, 0.0, 3.0])
    outs = tuple(np.zeros(3, np.int64) for _ in outputs(func(x)))
    with np.errstate(invalid="ignore"):  # logit(-3) is NaN: cast as NumPy does
        result = func(x, out=outs if len(outs) == 2 else outs[0], casting="unsafe")
        expected = tuple(r.astype(np.int64) for r in outputs(func(x)))
    for r, e in zip(outputs(result), expected):
        assert_identical(r, e)


@unary
@pytest.mark.parametrize("order", ["C", "F"])
def test_order_sets_the_result_layout(func, variant, order):
    x = sample_values(np.float32)[:60].reshape(6, 10)
    for r, expected in zip(outputs(func(x, order=order)), outputs(func(x))):
        assert r.flags[f"{order}_CONTIGUOUS"]
        assert_identical(np.ascontiguousarray(r), expected)


def test_backward_broadcasts_into_a_larger_out():
    g, y = np.linspace(-1, 1, 4).reshape(4, 1), np.linspace(0, 1, 3)
    out = np.full((4, 3), 7.0)
    assert sigmoid_backward(g, y, out=out) is out
    assert_identical(out, g * y * (1 - y))


def test_a_scalar_broadcasts_into_out():
    out = np.full((2, 3), 7.0)
    sigmoid(0.0, out=out)
    assert (out == 0.5).all()


# --- subclasses -------------------------------------------------------------------------


@unary
def test_masked_array_keeps_its_mask(func, variant):
    data = np.array([-2.0, 0.0, 0.5, 3.0])
    mask = [False, True, False, True]
    for r, full in zip(outputs(func(np.ma.array(data, mask=mask))), outputs(func(data))):
        assert isinstance(r, np.ma.MaskedArray)
        assert r.mask.tolist() == mask
        assert_identical(r.compressed(), full[~np.array(mask)])


@unary
@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_matrix_stays_a_matrix_unless_subok_is_false(func, variant):
    m = np.matrix([[0.25, 0.5], [0.75, 1.0]])
    for r, plain in zip(outputs(func(m)), outputs(func(np.asarray(m)))):
        assert type(r) is np.matrix
        assert_identical(np.asarray(r), plain)
    for r in outputs(func(m, subok=False)):
        assert type(r) is np.ndarray


class Labelled:
    """A duck array of the tests' own: values with a label, taking part in
    ufunc calls through __array_ufunc__ and remembering which ufunc asked."""

    def __init__(self, values, label):
        self.values, self.label = np.asarray(values), label
        self.seen = []

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self.seen.append((ufunc, method))
        unwrapped = [i.values if isinstance(i, Labelled) else i for i in inputs]
        result = getattr(ufunc, method)(*unwrapped, **kwargs)
        if isinstance(result, tuple):
            return tuple(Labelled(r, self.label) for r in result)
        return Labelled(result, self.label)


@unary
def test_a_duck_array_is_asked_through_array_ufunc(func, variant):
    x = sample_values(np.float64)
    duck = Labelled(x, "z")
    result = func(duck)
    assert duck.seen == [(getattr(func, "ufunc", func), "__call__")]
    for r, expected in zip(outputs(result), outputs(func(x))):
        assert isinstance(r, Labelled) and r.label == "z"
        assert_identical(r.values, expected)


def test_a_duck_array_as_either_backward_input():
    g, y = np.linspace(-1, 1, 5), np.linspace(0, 1, 5)
    for args in ((Labelled(g, "g"), y), (g, Labelled(y, "y"))):
        result = sigmoid_backward(*args)
        assert isinstance(result, Labelled)
        assert_identical(result.values, sigmoid_backward(g, y))


# --- methods and pickling ---------------------------------------------------------


def test_ufunc_at_applies_in_place_at_the_indices(variant):
    a = np.array([0.0, 1.0, 2.0, 3.0])
    sigmoid.at(a, [0, 2])
    assert_identical(a, np.array([0.5, 1.0, sigmoid(2.0), 3.0]))


@pytest.mark.parametrize("func", UFUNCS + (sigmoid_and_derivative,), ids=lambda u: repr(u))
def test_functions_pickle_by_reference(func):
    assert pickle.loads(pickle.dumps(func)) is func


# --- the wrapper of sigmoid_and_derivative ------------------------------------------

WRAPPER_CALLS = {
    "dense": lambda x: ((x,), {}),
    "out": lambda x: ((x,), {"out": (np.empty_like(x), np.empty_like(x))}),
    "out-nones": lambda x: ((x,), {"out": (None, None)}),
    "out-positional": lambda x: ((x, np.empty_like(x), np.empty_like(x)), {}),
    "in-place": lambda x: ((x,), {"out": (x, np.empty_like(x))}),
    "2-d": lambda x: ((x.reshape(-1, 2),), {}),
    "strided": lambda x: ((x[::2],), {}),
    "reversed": lambda x: ((x[::-1],), {}),
    "fortran": lambda x: ((np.asfortranarray(x.reshape(-1, 2)),), {}),
    "where": lambda x: ((x,), {"where": x > 0, "out": (np.zeros_like(x), np.zeros_like(x))}),
    "dtype": lambda x: ((x,), {"dtype": np.float32}),
    "out-strided": lambda x: ((x,), {"out": (np.empty(2 * x.size, x.dtype)[::2], np.empty_like(x))}),
}


@pytest.mark.parametrize("case", list(WRAPPER_CALLS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("size", [10, 5000])
def test_the_wrapper_gives_what_its_ufunc_gives(case, dtype, size, variant):
    """Whether the wrapper takes its fast path or not, same results, same
    objects returned for `out`, same type."""
    values = np.linspace(-30, 30, size).astype(dtype)
    args, kwargs = WRAPPER_CALLS[case](values.copy())
    expected_args, expected_kwargs = WRAPPER_CALLS[case](values.copy())
    result = sigmoid_and_derivative(*args, **kwargs)
    expected = sigmoid_and_derivative.ufunc(*expected_args, **expected_kwargs)
    assert_same_results(result, expected)
    given = kwargs.get("out") or args[1:]
    for r, out in zip(result, given):
        assert out is None or r is out


def test_the_wrapper_raises_what_its_ufunc_raises():
    x = np.zeros(4)
    for kwargs in ({"out": (x,)}, {"out": np.zeros(4)}, {"out": None}, {"dtype": np.int64}, {"threads": 2}):
        with pytest.raises((TypeError, ValueError)) as raised:
            sigmoid_and_derivative(x, **kwargs)
        with pytest.raises(raised.type):
            sigmoid_and_derivative.ufunc(x, **kwargs)
    with pytest.raises(TypeError, match="'sigmoid_and_derivative'"):
        sigmoid_and_derivative(np.zeros(3, complex))


def test_the_wrapper_refuses_a_call_without_x_by_its_public_name():
    message = "sigmoid_and_derivative() missing its argument x (positional-only: sigmoid_and_derivative(x))"
    for kwargs in ({}, {"out": (np.zeros(3), np.zeros(3))}):
        with pytest.raises(TypeError) as raised:
            sigmoid_and_derivative(**kwargs)
        assert str(raised.value) == message


def test_the_wrapper_says_x_is_positional_only_when_given_by_keyword():
    with pytest.raises(TypeError) as raised:
        sigmoid_and_derivative(x=np.zeros(3))
    assert str(raised.value) == (
        "sigmoid_and_derivative() takes x positional-only: call sigmoid_and_derivative(x), "
        "not sigmoid_and_derivative(x=...)"
    )
    with pytest.raises(TypeError, match="sigmoid_and_derivative.*'x'"):
        sigmoid_and_derivative(np.zeros(3), x=np.zeros(3))


def test_the_wrapper_has_its_ufuncs_signature():
    import inspect

    signature = inspect.signature(sigmoid_and_derivative)
    assert signature == inspect.signature(sigmoid_and_derivative.ufunc)
    x = signature.parameters["x"]
    assert x.kind is inspect.Parameter.POSITIONAL_ONLY and "out" in signature.parameters


def test_the_wrapper_passes_overlapping_outs_to_the_ufunc(variant):
    """Outs that overlap each other or x partially are not the fast path's:
    the ufunc resolves them as NumPy resolves any overlap."""
    x = np.linspace(-3, 3, 101)
    buffer = np.concatenate([x, [0.0]])
    expected = sigmoid_and_derivative(x.copy())
    y, dy = sigmoid_and_derivative(buffer[:-1], out=(buffer[1:], np.empty_like(x)))
    assert_identical(y, expected[0])
    assert_identical(dy, expected[1])
    assert_identical(sigmoid_derivative(x), expected[1])
