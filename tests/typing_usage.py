"""csigmoid's public API as a type checker sees it: each overload of the stubs
(csigmoid/_ufunc/ufuncs.pyi) with the type it promises, stated twice on one line,
statically (`assert_type`, which `mypy --strict` checks) and at run time (the
`assert`, which running this file checks), so that a stub promising what the
function does not return fails either way.  tests/test_typing.py does both.
The calls the stubs must reject are in tests/typing_rejected.py.
"""

import io
import sys
from typing import Any

import numpy as np
from numpy.typing import NDArray

import csigmoid

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # mypy depends on typing_extensions
    from typing_extensions import assert_type


def is_scalar(value: object, scalar_type: type[np.generic]) -> bool:
    return type(value) is scalar_type


def is_array(value: object, scalar_type: type[np.generic]) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.type is scalar_type


f16, f32, f64, ld = np.float16(0.5), np.float32(0.5), np.float64(0.5), np.longdouble(0.5)
i8, b = np.int8(3), np.bool_(True)
a16: NDArray[np.float16] = np.zeros(3, np.float16)
a32: NDArray[np.float32] = np.zeros(3, np.float32)
a64: NDArray[np.float64] = np.zeros(3, np.float64)
ald: NDArray[np.longdouble] = np.zeros(3, np.longdouble)
ai32: NDArray[np.int32] = np.zeros(3, np.int32)
au64: NDArray[np.uint64] = np.zeros(3, np.uint64)
abool: NDArray[np.bool_] = np.zeros(3, np.bool_)
# an array whose dtype the type checker does not know (here float64)
aunknown: NDArray[Any] = np.zeros(3)
probabilities = [0.0, 0.25, 1]

# sigmoid: Python numbers give numpy.float64 ...
assert is_scalar(assert_type(csigmoid.sigmoid(0.5), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid(2), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid(True), np.float64), np.float64)
# ... NumPy floating scalars their own type, integer and bool scalars float64 ...
assert is_scalar(assert_type(csigmoid.sigmoid(f16), np.float16), np.float16)
assert is_scalar(assert_type(csigmoid.sigmoid(f32), np.float32), np.float32)
assert is_scalar(assert_type(csigmoid.sigmoid(f64), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid(ld), np.longdouble), np.longdouble)
assert is_scalar(assert_type(csigmoid.sigmoid(i8), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid(b), np.float64), np.float64)
# ... arrays keep a floating dtype, integer and bool arrays and lists of numbers give float64 ...
assert is_array(assert_type(csigmoid.sigmoid(a16), NDArray[np.float16]), np.float16)
assert is_array(assert_type(csigmoid.sigmoid(a32), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.sigmoid(a64), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(ald), NDArray[np.longdouble]), np.longdouble)
assert is_array(assert_type(csigmoid.sigmoid(ai32), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(au64), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(abool), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid([1.0, -2]), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid([[1], [2]]), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid([[[True]]]), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid((0.5, 1)), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(range(3)), NDArray[np.float64]), np.float64)
# ... sequences of NumPy scalars or arrays of one type keep it ...
assert is_array(assert_type(csigmoid.sigmoid([f32, f32]), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.sigmoid([a16, a16]), NDArray[np.float16]), np.float16)
assert is_array(assert_type(csigmoid.sigmoid([[i8]]), NDArray[np.float64]), np.float64)
# ... an array of unknown dtype gives one of unknown dtype ...
assert is_array(assert_type(csigmoid.sigmoid(aunknown), np.ndarray[Any, Any]), np.float64)
# ... `out` is what comes back, given by keyword or position ...
out32: NDArray[np.float32] = np.empty(3, np.float32)
assert assert_type(csigmoid.sigmoid(a32, out=out32), NDArray[np.float32]) is out32
assert assert_type(csigmoid.sigmoid(a32, out32), NDArray[np.float32]) is out32
assert assert_type(csigmoid.sigmoid(a32, out32, where=a32 > 0), NDArray[np.float32]) is out32
assert assert_type(csigmoid.sigmoid(a64, out=(out32,)), NDArray[np.float32]) is out32
assert assert_type(csigmoid.sigmoid(a64, out=out32, dtype=np.float32), NDArray[np.float32]) is out32
# ... `where`, `casting`, `order` and `subok` keep the type ...
assert is_array(assert_type(csigmoid.sigmoid(a64, where=True), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(a64, casting="same_kind"), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(a16, order="F", subok=False), NDArray[np.float16]), np.float16)
assert is_scalar(assert_type(csigmoid.sigmoid(f32, casting="no"), np.float32), np.float32)
# ... `dtype=` a floating type gives that type, for scalars and array-likes ...
assert is_array(assert_type(csigmoid.sigmoid(a64, dtype=np.float32), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.sigmoid([1, 2], dtype=np.float16), NDArray[np.float16]), np.float16)
assert is_array(
    assert_type(csigmoid.sigmoid(ai32, dtype=np.dtype(np.float32)), NDArray[np.float32]), np.float32
)
assert is_scalar(assert_type(csigmoid.sigmoid(0.5, dtype=np.float32), np.float32), np.float32)
assert is_scalar(assert_type(csigmoid.sigmoid(f64, dtype=np.longdouble), np.longdouble), np.longdouble)
# ... and the forms a type cannot follow give Any: a dtype by name, a loop signature, out=... .
assert is_array(assert_type(csigmoid.sigmoid(a64, dtype="f4"), Any), np.float32)
assert is_array(assert_type(csigmoid.sigmoid(a64, dtype=float), Any), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(a32, signature="d->d"), Any), np.float64)
assert is_array(assert_type(csigmoid.sigmoid(f32, out=...), Any), np.float32)

# sigmoid_derivative, logit and log_sigmoid: the same overloads.
assert is_scalar(assert_type(csigmoid.sigmoid_derivative(0.5), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_derivative(f32), np.float32), np.float32)
assert is_scalar(assert_type(csigmoid.sigmoid_derivative(b), np.float64), np.float64)
assert is_array(assert_type(csigmoid.sigmoid_derivative(a16), NDArray[np.float16]), np.float16)
assert is_array(assert_type(csigmoid.sigmoid_derivative(ai32), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid_derivative([0.5]), NDArray[np.float64]), np.float64)
assert assert_type(csigmoid.sigmoid_derivative(a32, out=out32), NDArray[np.float32]) is out32
assert is_array(assert_type(csigmoid.sigmoid_derivative([f16]), NDArray[np.float16]), np.float16)

assert is_scalar(assert_type(csigmoid.logit(0.5), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.logit(ld), np.longdouble), np.longdouble)
assert is_scalar(assert_type(csigmoid.logit(i8), np.float64), np.float64)
assert is_array(assert_type(csigmoid.logit(a32), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.logit(abool), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.logit(probabilities), NDArray[np.float64]), np.float64)
assert assert_type(csigmoid.logit(a32, out=out32), NDArray[np.float32]) is out32
assert is_array(assert_type(csigmoid.logit([f32]), NDArray[np.float32]), np.float32)

assert is_scalar(assert_type(csigmoid.log_sigmoid(-3), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.log_sigmoid(f16), np.float16), np.float16)
assert is_scalar(assert_type(csigmoid.log_sigmoid(b), np.float64), np.float64)
assert is_array(assert_type(csigmoid.log_sigmoid(ald), NDArray[np.longdouble]), np.longdouble)
assert is_array(assert_type(csigmoid.log_sigmoid(ai32), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.log_sigmoid([[0.5]]), NDArray[np.float64]), np.float64)
assert assert_type(csigmoid.log_sigmoid(a32, out32), NDArray[np.float32]) is out32
assert is_array(assert_type(csigmoid.log_sigmoid([ld]), NDArray[np.longdouble]), np.longdouble)

# The aliases are the same functions, with the same types.
assert is_scalar(assert_type(csigmoid.expit(f32), np.float32), np.float32)
assert is_array(assert_type(csigmoid.log_expit(a16), NDArray[np.float16]), np.float16)

# sigmoid_and_derivative: a tuple of two, each typed as sigmoid's result.
y_f, dy_f = assert_type(csigmoid.sigmoid_and_derivative(0.5), tuple[np.float64, np.float64])
assert is_scalar(y_f, np.float64) and is_scalar(dy_f, np.float64)
y_s, dy_s = assert_type(csigmoid.sigmoid_and_derivative(f16), tuple[np.float16, np.float16])
assert is_scalar(y_s, np.float16) and is_scalar(dy_s, np.float16)
y_i, dy_i = assert_type(csigmoid.sigmoid_and_derivative(i8), tuple[np.float64, np.float64])
assert is_scalar(y_i, np.float64) and is_scalar(dy_i, np.float64)
y_a, dy_a = assert_type(csigmoid.sigmoid_and_derivative(a32), tuple[NDArray[np.float32], NDArray[np.float32]])
assert is_array(y_a, np.float32) and is_array(dy_a, np.float32)
y_l, dy_l = assert_type(
    csigmoid.sigmoid_and_derivative([1, 2]), tuple[NDArray[np.float64], NDArray[np.float64]]
)
assert is_array(y_l, np.float64) and is_array(dy_l, np.float64)
dy_out32: NDArray[np.float32] = np.empty(3, np.float32)
y_o, dy_o = assert_type(
    csigmoid.sigmoid_and_derivative(a32, out=(out32, dy_out32)),
    tuple[NDArray[np.float32], NDArray[np.float32]],
)
assert y_o is out32 and dy_o is dy_out32
y_seq, dy_seq = assert_type(
    csigmoid.sigmoid_and_derivative([f32]), tuple[NDArray[np.float32], NDArray[np.float32]]
)
assert is_array(y_seq, np.float32) and is_array(dy_seq, np.float32)
y_d, dy_d = assert_type(
    csigmoid.sigmoid_and_derivative(ai32, dtype=np.float32), tuple[NDArray[np.float32], NDArray[np.float32]]
)
assert is_array(y_d, np.float32) and is_array(dy_d, np.float32)
y_any, dy_any = assert_type(csigmoid.sigmoid_and_derivative(a64, dtype="f4"), tuple[Any, Any])
assert is_array(y_any, np.float32) and is_array(dy_any, np.float32)
# the wrapper holds its ufunc, typed the same way
y_u, dy_u = assert_type(csigmoid.sigmoid_and_derivative.ufunc(f64), tuple[np.float64, np.float64])
assert is_scalar(y_u, np.float64) and is_scalar(dy_u, np.float64)
assert isinstance(csigmoid.sigmoid_and_derivative.ufunc, np.ufunc)

# sigmoid_backward: NumPy's result type of the two inputs, where it is one of their own ...
assert is_scalar(assert_type(csigmoid.sigmoid_backward(1.0, 0.5), np.float64), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(f32, f32), np.float32), np.float32)
assert is_array(assert_type(csigmoid.sigmoid_backward(a32, a32), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.sigmoid_backward(a16, f16), NDArray[np.float16]), np.float16)
assert is_array(assert_type(csigmoid.sigmoid_backward(ld, ald), NDArray[np.longdouble]), np.longdouble)
assert is_array(assert_type(csigmoid.sigmoid_backward(ai32, abool), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid_backward([1.0], [0.5]), NDArray[np.float64]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid_backward(ai32, 2.0), NDArray[np.float64]), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(i8, True), np.float64), np.float64)
assert assert_type(csigmoid.sigmoid_backward(a32, a32, out32), NDArray[np.float32]) is out32
# ... a Python number does not widen the other input's type (NEP 50) ...
assert is_array(assert_type(csigmoid.sigmoid_backward(a32, 0.5), NDArray[np.float32]), np.float32)
assert is_array(assert_type(csigmoid.sigmoid_backward(2, a16), NDArray[np.float16]), np.float16)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(f16, 0.5), np.float16), np.float16)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(1, ld), np.longdouble), np.longdouble)
# ... but a NumPy scalar does: of two different types the result is typed as one of the
# floating types (np.floating[Any] where mypy joins two of them), which the annotation
# np.floating[Any] accepts ...
SomeFloat = np.float16 | np.float32 | np.float64 | np.longdouble
assert is_array(assert_type(csigmoid.sigmoid_backward(a32, a64), NDArray[np.floating[Any]]), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(f64, f16), np.floating[Any]), np.float64)
assert is_array(assert_type(csigmoid.sigmoid_backward(a16, ai32), NDArray[SomeFloat]), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(f32, i8), SomeFloat), np.float32)
mixed: NDArray[np.floating[Any]] = csigmoid.sigmoid_backward(a32, f64)
assert is_array(mixed, np.float64)
# ... and with integers float64, as integers alone do ...
assert is_array(assert_type(csigmoid.sigmoid_backward(ai32, f64), NDArray[np.float64]), np.float64)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(f64, i8), np.float64), np.float64)
# ... and `dtype=` as for one input.
assert is_array(
    assert_type(csigmoid.sigmoid_backward(a32, a64, dtype=np.float32), NDArray[np.float32]), np.float32
)
assert is_scalar(assert_type(csigmoid.sigmoid_backward(0.5, 0.5, dtype=np.float16), np.float16), np.float16)
assert is_array(assert_type(csigmoid.sigmoid_backward(a32, a64, dtype="f4"), Any), np.float32)

# The functions are NumPy ufuncs.
assert all(
    isinstance(f, np.ufunc)
    for f in (
        csigmoid.sigmoid,
        csigmoid.sigmoid_derivative,
        csigmoid.logit,
        csigmoid.log_sigmoid,
        csigmoid.sigmoid_backward,
    )
)


class TakesUfuncsOver:
    """A container that takes ufunc calls over through __array_ufunc__ and
    returns something of its own, as Dask's and xarray's arrays and pandas
    objects do (Dask's and xarray's methods are unannotated, which matches
    the stubs' protocol the same way)."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        result = f"{ufunc.__name__} taken over"
        return result if ufunc.nout == 1 else (result,) * ufunc.nout


# Such containers give Any, in either place of sigmoid_backward.
container = TakesUfuncsOver()
assert assert_type(csigmoid.sigmoid(container), Any) == "sigmoid taken over"
assert assert_type(csigmoid.logit(container, where=True), Any) == "logit taken over"
assert assert_type(csigmoid.sigmoid_backward(container, a32), Any) == "sigmoid_backward taken over"
assert assert_type(csigmoid.sigmoid_backward(0.5, container), Any) == "sigmoid_backward taken over"
pair_over = assert_type(csigmoid.sigmoid_and_derivative(container), tuple[Any, Any])
assert pair_over == ("sigmoid_and_derivative taken over",) * 2

# threads(n) is a context manager.
with csigmoid.threads(1):
    assert is_array(assert_type(csigmoid.sigmoid(a32), NDArray[np.float32]), np.float32)

# show_config is typed too (an untyped function would be an error under --strict).
report = io.StringIO()
csigmoid.show_config(file=report)
assert "kernel in use" in report.getvalue()
assert_type(csigmoid.__version__, str)
