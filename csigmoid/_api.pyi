# Types of the compiled Python layer (_api.pyx), for type checkers.
#
# What each overload promises is what the functions return at run time
# (tests/typing_usage.py checks both): a Python float, int or bool gives
# numpy.float64 (a float subclass); a NumPy floating scalar gives the same
# scalar type, a NumPy integer or bool scalar numpy.float64; an ndarray of a
# floating dtype gives an ndarray of that dtype, of an integer or bool dtype
# an ndarray of float64; a (nested) sequence of Python numbers gives a float64
# ndarray; `out=` gives back `out`.  Anything else (a list of NumPy scalars,
# Dask arrays, xarray and pandas objects: types a stub cannot name without
# depending on those libraries) is typed Any.  As in NumPy's own stubs, a 0-d
# ndarray is typed as an ndarray although the result is a scalar.
from collections.abc import Sequence
from typing import Any, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

_FloatT = TypeVar("_FloatT", bound=np.floating[Any])
_ArrayT = TypeVar("_ArrayT", bound=np.ndarray[Any, np.dtype[Any]])
_Array2T = TypeVar("_Array2T", bound=np.ndarray[Any, np.dtype[Any]])

# NumPy scalars and arrays whose result is float64 (integers are computed as float64).
_IntegerOrBool = np.integer[Any] | np.bool_
# Python numbers, flat or nested one level (a list of rows): float64 results.
_PythonNumbers = Sequence[float] | Sequence[Sequence[float]]

def use_kernels(kernel_table: object) -> None: ...
def set_thread_limit(limit: int) -> int: ...
def max_threads() -> int: ...
def max_threads_source() -> str: ...
def use_cpu_count(count: int) -> int: ...
def contention_state() -> dict[str, float]: ...
def forget_contention() -> None: ...
def team_threads_for(n: int, cap: int) -> int: ...
def record_team_call(threads: int, elapsed: float, alone: float) -> None: ...
def parallel_copy(
    src: NDArray[np.float32] | NDArray[np.float64],
    dst: NDArray[np.float32] | NDArray[np.float64],
    *,
    num_threads: int | None = None,
) -> None: ...

@overload
def sigmoid(x: ArrayLike, out: _ArrayT, *, num_threads: int | None = None) -> _ArrayT: ...
@overload
def sigmoid(x: _FloatT, out: None = None, *, num_threads: int | None = None) -> _FloatT: ...
@overload
def sigmoid(x: float, out: None = None, *, num_threads: int | None = None) -> np.float64: ...
@overload
def sigmoid(
    x: _IntegerOrBool, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def sigmoid(
    x: NDArray[_FloatT], out: None = None, *, num_threads: int | None = None
) -> NDArray[_FloatT]: ...
@overload
def sigmoid(
    x: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[np.float64]: ...
@overload
def sigmoid(x: object, out: None = None, *, num_threads: int | None = None) -> Any: ...

@overload
def sigmoid_derivative(
    x: ArrayLike, out: _ArrayT, *, num_threads: int | None = None
) -> _ArrayT: ...
@overload
def sigmoid_derivative(
    x: _FloatT, out: None = None, *, num_threads: int | None = None
) -> _FloatT: ...
@overload
def sigmoid_derivative(
    x: float, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def sigmoid_derivative(
    x: _IntegerOrBool, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def sigmoid_derivative(
    x: NDArray[_FloatT], out: None = None, *, num_threads: int | None = None
) -> NDArray[_FloatT]: ...
@overload
def sigmoid_derivative(
    x: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[np.float64]: ...
@overload
def sigmoid_derivative(
    x: object, out: None = None, *, num_threads: int | None = None
) -> Any: ...

@overload
def sigmoid_and_derivative(
    x: ArrayLike, out: tuple[_ArrayT, _Array2T], *, num_threads: int | None = None
) -> tuple[_ArrayT, _Array2T]: ...
@overload
def sigmoid_and_derivative(
    x: _FloatT, out: None = None, *, num_threads: int | None = None
) -> tuple[_FloatT, _FloatT]: ...
@overload
def sigmoid_and_derivative(
    x: float, out: None = None, *, num_threads: int | None = None
) -> tuple[np.float64, np.float64]: ...
@overload
def sigmoid_and_derivative(
    x: _IntegerOrBool, out: None = None, *, num_threads: int | None = None
) -> tuple[np.float64, np.float64]: ...
@overload
def sigmoid_and_derivative(
    x: NDArray[_FloatT], out: None = None, *, num_threads: int | None = None
) -> tuple[NDArray[_FloatT], NDArray[_FloatT]]: ...
@overload
def sigmoid_and_derivative(
    x: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
@overload
def sigmoid_and_derivative(
    x: object, out: None = None, *, num_threads: int | None = None
) -> tuple[Any, Any]: ...

@overload
def logit(p: ArrayLike, out: _ArrayT, *, num_threads: int | None = None) -> _ArrayT: ...
@overload
def logit(p: _FloatT, out: None = None, *, num_threads: int | None = None) -> _FloatT: ...
@overload
def logit(p: float, out: None = None, *, num_threads: int | None = None) -> np.float64: ...
@overload
def logit(
    p: _IntegerOrBool, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def logit(
    p: NDArray[_FloatT], out: None = None, *, num_threads: int | None = None
) -> NDArray[_FloatT]: ...
@overload
def logit(
    p: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[np.float64]: ...
@overload
def logit(p: object, out: None = None, *, num_threads: int | None = None) -> Any: ...

@overload
def log_sigmoid(x: ArrayLike, out: _ArrayT, *, num_threads: int | None = None) -> _ArrayT: ...
@overload
def log_sigmoid(x: _FloatT, out: None = None, *, num_threads: int | None = None) -> _FloatT: ...
@overload
def log_sigmoid(
    x: float, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def log_sigmoid(
    x: _IntegerOrBool, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def log_sigmoid(
    x: NDArray[_FloatT], out: None = None, *, num_threads: int | None = None
) -> NDArray[_FloatT]: ...
@overload
def log_sigmoid(
    x: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[np.float64]: ...
@overload
def log_sigmoid(x: object, out: None = None, *, num_threads: int | None = None) -> Any: ...

# sigmoid_backward's result has NumPy's result type of the two inputs' dtypes
# (integers and bool as float64): the overloads cover the cases where that is
# one of the inputs' own types.
@overload
def sigmoid_backward(
    grad_output: ArrayLike, output: ArrayLike, out: _ArrayT, *, num_threads: int | None = None
) -> _ArrayT: ...
@overload
def sigmoid_backward(
    grad_output: _FloatT, output: _FloatT, out: None = None, *, num_threads: int | None = None
) -> _FloatT: ...
@overload
def sigmoid_backward(
    grad_output: float, output: float, out: None = None, *, num_threads: int | None = None
) -> np.float64: ...
@overload
def sigmoid_backward(
    grad_output: NDArray[_FloatT],
    output: NDArray[_FloatT] | _FloatT,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[_FloatT]: ...
@overload
def sigmoid_backward(
    grad_output: _FloatT,
    output: NDArray[_FloatT],
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[_FloatT]: ...
@overload
def sigmoid_backward(
    grad_output: NDArray[_IntegerOrBool] | _PythonNumbers,
    output: NDArray[_IntegerOrBool] | _PythonNumbers,
    out: None = None,
    *,
    num_threads: int | None = None,
) -> NDArray[np.float64]: ...
@overload
def sigmoid_backward(
    grad_output: object, output: object, out: None = None, *, num_threads: int | None = None
) -> Any: ...
