"""What csigmoid's stubs (csigmoid/_ufunc/ufuncs.pyi) must reject, one case to a line,
each line marked `# rejected`.  tests/test_typing.py runs `mypy --strict` on
this file and requires an error on every marked line and on no other line, and
runs the file to show that the stubs reject only what fails at run time: each
rejected call raises (TypeError from the ufunc; ValueError from NumPy for the
methods a one-input or two-output ufunc does not have), and each rejected
annotation is false of the value it would name.
"""

import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import csigmoid

if sys.version_info >= (3, 11):
    from typing import assert_type
else:  # mypy depends on typing_extensions
    from typing_extensions import assert_type


# The run-time checks take `object`, so that they narrow no type for mypy.
def is_scalar(value: object, scalar_type: type[np.generic]) -> bool:
    return type(value) is scalar_type


def is_array(value: object, scalar_type: type[np.generic]) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.type is scalar_type


def fails(error: type[Exception], call: Callable[[], object]) -> None:
    try:
        call()
    except error:
        return
    raise AssertionError(f"line {call.__code__.co_firstlineno}: no {error.__name__}")


f32, f64, i8 = np.float32(0.5), np.float64(0.5), np.int8(3)
c64 = np.complex64(1 + 1j)
a32: NDArray[np.float32] = np.zeros(3, np.float32)
a64: NDArray[np.float64] = np.zeros(3, np.float64)
ai32: NDArray[np.int32] = np.zeros(3, np.int32)
out64: NDArray[np.float64] = np.empty(3, np.float64)
complex_array: NDArray[np.complex128] = np.zeros(3, np.complex128)
object_array: NDArray[np.object_] = np.array([0.5, 1.0], dtype=object)
text_array: NDArray[np.str_] = np.array(["0.5"])
durations: NDArray[np.timedelta64] = np.zeros(3, "m8[s]")
# typed wider than the loops: the values may be complex, as these are
numbers: NDArray[np.number[Any]] = complex_array
inexact: np.inexact[Any] = c64

# Inputs no loop takes: text, None, complex, objects, dates and durations.
fails(TypeError, lambda: csigmoid.sigmoid("abc"))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(None))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(1j))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(c64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(inexact))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(complex_array))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(numbers))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid([0.5, 1j]))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid([[0.5], [1j]]))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(["0.5"]))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid([None]))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(object_array))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(text_array))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(np.str_("0.5")))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(np.datetime64(1, "s")))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(durations))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_derivative("abc"))  # rejected
fails(TypeError, lambda: csigmoid.logit(complex_array))  # rejected
fails(TypeError, lambda: csigmoid.log_sigmoid(None))  # rejected
fails(TypeError, lambda: csigmoid.expit(1j))  # rejected
# ... whatever else the call says.
fails(TypeError, lambda: csigmoid.sigmoid("abc", out=out64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(1j, out=out64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(None, dtype=np.float64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(complex_array, dtype="f8"))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(text_array, signature="d->d"))  # rejected

# Keywords: dtype= a non-floating type, where= not of bools, an unknown casting,
# no keyword of csigmoid's own, and the input is positional only.
fails(TypeError, lambda: csigmoid.sigmoid(a64, dtype=np.complex64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(a64, dtype=np.int8))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(a64, dtype=object))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(a64, out=out64, where=ai32))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid(a64, casting="same_value"))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(a64, threads=2))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid(x=a64))  # rejected

# sigmoid_backward: the same for either input, and it takes two.
fails(TypeError, lambda: csigmoid.sigmoid_backward(a64, 1j))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward("abc", a64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(None, 0.5))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(a32, complex_array))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(c64, f32))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(object_array, 0.5, out=out64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(a32, a32, dtype=np.complex64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_backward(a32))  # rejected

# sigmoid_and_derivative, the wrapper and its ufunc: `out` is a tuple of two arrays.
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative("abc"))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative(None))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative(1j))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative(complex_array))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative(a32, out=out64))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative(a32, dtype=np.int8))  # rejected
fails(TypeError, lambda: csigmoid.sigmoid_and_derivative.ufunc(text_array))  # rejected

# The methods NumPy refuses to a one-input ufunc (reductions, outer) and to a
# two-output one (those and `at`).
fails(ValueError, lambda: csigmoid.sigmoid.reduce(a64))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid.accumulate(a64))  # rejected
fails(ValueError, lambda: csigmoid.logit.reduceat(a64, [0]))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid_derivative.outer(a64, a64))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid_and_derivative.ufunc.reduce(a64))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid_and_derivative.ufunc.outer(a64, a64))  # rejected
fails(ValueError, lambda: csigmoid.sigmoid_and_derivative.ufunc.at(a64, [0]))  # rejected

# Annotations the results do not fit: each value's real type follows its line.
float32_result: NDArray[np.float64] = csigmoid.sigmoid(a32)  # rejected
assert is_array(float32_result, np.float32)
float32_scalar: np.float64 = csigmoid.sigmoid(f32)  # rejected
assert is_scalar(float32_scalar, np.float32)
float64_result: NDArray[np.float32] = csigmoid.logit(ai32)  # rejected
assert is_array(float64_result, np.float64)
chosen_dtype: NDArray[np.float64] = csigmoid.sigmoid(a64, dtype=np.float32)  # rejected
assert is_array(chosen_dtype, np.float32)
scalar_not_array: NDArray[np.float64] = csigmoid.sigmoid(0.5)  # rejected
assert is_scalar(scalar_not_array, np.float64)
pair: tuple[NDArray[np.float64], NDArray[np.float64]] = csigmoid.sigmoid_and_derivative(a32)  # rejected
assert is_array(pair[0], np.float32) and is_array(pair[1], np.float32)
# a NumPy float64 scalar widens a float32 array (NEP 50), a Python float does not
widened: NDArray[np.float32] = csigmoid.sigmoid_backward(a32, f64)  # rejected
assert is_array(widened, np.float64)
kept: NDArray[np.float64] = csigmoid.sigmoid_backward(a32, 0.5)  # rejected
assert is_array(kept, np.float32)
# an assert_type the stubs contradict is an error (the control for tests/typing_usage.py)
assert_type(csigmoid.sigmoid(f32), np.float64)  # rejected
