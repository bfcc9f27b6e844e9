# Types of the compiled Python layer (_api.pyx), for type checkers: the ufuncs
# and the wrapper of sigmoid_and_derivative.
#
# What each overload promises is what the ufuncs return at run time
# (tests/typing_usage.py checks both): a Python float, int or bool gives
# numpy.float64 (a float subclass); a NumPy floating scalar gives the same
# scalar type, a NumPy integer or bool scalar numpy.float64; an ndarray of a
# floating dtype gives an ndarray of that dtype, of an integer or bool dtype
# an ndarray of float64; a (nested) sequence of Python numbers gives a float64
# ndarray; `out=` gives back `out`.  A call with `dtype=`, `signature=` or the
# other keywords that change the loop, and anything else (a list of NumPy
# scalars, Dask arrays, xarray and pandas objects, other __array_ufunc__
# containers: types a stub cannot name without depending on those libraries),
# is typed Any.  As in NumPy's own stubs, a 0-d ndarray is typed as an ndarray
# although the result is a scalar.
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal, TypedDict, TypeVar, overload, type_check_only

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray
from typing_extensions import Unpack

_FloatT = TypeVar("_FloatT", bound=np.floating[Any])
_ArrayT = TypeVar("_ArrayT", bound=np.ndarray[Any, np.dtype[Any]])
_Array2T = TypeVar("_Array2T", bound=np.ndarray[Any, np.dtype[Any]])

# NumPy scalars and arrays whose result is float64 (integers are computed as float64).
_IntegerOrBool = np.integer[Any] | np.bool_
# Python numbers, flat or nested one level (a list of rows): float64 results.
_PythonNumbers = Sequence[float] | Sequence[Sequence[float]]
# `where=`: where False, `out` keeps its values.
_Where = bool | np.bool_ | NDArray[np.bool_] | Sequence[bool]

@type_check_only
class _UfuncKeywords(TypedDict, total=False):
    """Every keyword a ufunc call takes but `out`."""

    where: _Where
    casting: Literal["no", "equiv", "safe", "same_kind", "unsafe"]
    order: Literal["K", "A", "C", "F"] | None
    dtype: DTypeLike
    subok: bool
    signature: str | tuple[str | None, ...] | None

@type_check_only
class _UnaryUfunc(np.ufunc):  # type: ignore[misc]
    """sigmoid, sigmoid_derivative, logit, log_sigmoid: one input, one output."""

    @overload
    def __call__(self, x: ArrayLike, /, out: _ArrayT, *, where: _Where = True) -> _ArrayT: ...
    @overload
    def __call__(self, x: _FloatT, /, out: None = None, *, where: _Where = True) -> _FloatT: ...
    @overload
    def __call__(self, x: float, /, out: None = None, *, where: _Where = True) -> np.float64: ...
    @overload
    def __call__(self, x: _IntegerOrBool, /, out: None = None, *, where: _Where = True) -> np.float64: ...
    @overload
    def __call__(
        self, x: NDArray[_FloatT], /, out: None = None, *, where: _Where = True
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x: NDArray[_IntegerOrBool] | _PythonNumbers,
        /,
        out: None = None,
        *,
        where: _Where = True,
    ) -> NDArray[np.float64]: ...
    @overload
    def __call__(self, x: object, /, out: Any = None, **kwargs: Unpack[_UfuncKeywords]) -> Any: ...

@type_check_only
class _BinaryUfunc(np.ufunc):  # type: ignore[misc]
    """sigmoid_backward: NumPy's result type of the two inputs' dtypes (integers
    and bool as float64); the overloads cover the cases where that is one of the
    inputs' own types."""

    @overload
    def __call__(self, x1: ArrayLike, x2: ArrayLike, /, out: _ArrayT, *, where: _Where = True) -> _ArrayT: ...
    @overload
    def __call__(self, x1: _FloatT, x2: _FloatT, /, out: None = None, *, where: _Where = True) -> _FloatT: ...
    @overload
    def __call__(self, x1: float, x2: float, /, out: None = None, *, where: _Where = True) -> np.float64: ...
    @overload
    def __call__(
        self,
        x1: NDArray[_FloatT],
        x2: NDArray[_FloatT] | _FloatT | float,
        /,
        out: None = None,
        *,
        where: _Where = True,
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: _FloatT | float,
        x2: NDArray[_FloatT],
        /,
        out: None = None,
        *,
        where: _Where = True,
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: NDArray[_IntegerOrBool] | _PythonNumbers,
        x2: NDArray[_IntegerOrBool] | _PythonNumbers,
        /,
        out: None = None,
        *,
        where: _Where = True,
    ) -> NDArray[np.float64]: ...
    @overload
    def __call__(
        self, x1: object, x2: object, /, out: Any = None, **kwargs: Unpack[_UfuncKeywords]
    ) -> Any: ...

@type_check_only
class _FusedCall:
    """How sigmoid_and_derivative is called: one input, a tuple of two
    outputs, each typed as sigmoid's result."""

    @overload
    def __call__(
        self, x: ArrayLike, /, out: tuple[_ArrayT, _Array2T], *, where: _Where = True
    ) -> tuple[_ArrayT, _Array2T]: ...
    @overload
    def __call__(
        self, x: _FloatT, /, out: None = None, *, where: _Where = True
    ) -> tuple[_FloatT, _FloatT]: ...
    @overload
    def __call__(
        self, x: float, /, out: None = None, *, where: _Where = True
    ) -> tuple[np.float64, np.float64]: ...
    @overload
    def __call__(
        self, x: _IntegerOrBool, /, out: None = None, *, where: _Where = True
    ) -> tuple[np.float64, np.float64]: ...
    @overload
    def __call__(
        self, x: NDArray[_FloatT], /, out: None = None, *, where: _Where = True
    ) -> tuple[NDArray[_FloatT], NDArray[_FloatT]]: ...
    @overload
    def __call__(
        self,
        x: NDArray[_IntegerOrBool] | _PythonNumbers,
        /,
        out: None = None,
        *,
        where: _Where = True,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
    @overload
    def __call__(
        self,
        x: object,
        /,
        out: tuple[Any, Any] | None = None,
        **kwargs: Unpack[_UfuncKeywords],
    ) -> tuple[Any, Any]: ...

@type_check_only
class _FusedUfunc(_FusedCall, np.ufunc):  # type: ignore[misc]
    """The ufunc sigmoid_and_derivative."""

@type_check_only
class _FusedDispatch(_FusedCall):
    """csigmoid.sigmoid_and_derivative, the wrapper: called like its ufunc,
    which it holds."""

    @property
    def ufunc(self) -> _FusedUfunc: ...

sigmoid: _UnaryUfunc
sigmoid_derivative: _UnaryUfunc
logit: _UnaryUfunc
log_sigmoid: _UnaryUfunc
sigmoid_backward: _BinaryUfunc
sigmoid_and_derivative: _FusedUfunc
dispatch_sigmoid_and_derivative: _FusedDispatch

def use_kernels(kernel_table: object) -> None: ...

class ThreadLimit:
    @property
    def limit(self) -> int: ...
    def __init__(self, limit: int) -> None: ...
    def __enter__(self) -> None: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool: ...

def current_thread_limit() -> int: ...
def max_threads() -> int: ...
def max_threads_source() -> str: ...
def forked_after_parallel_region() -> bool: ...
def use_cpu_count(count: int, affinity: int) -> tuple[int, int]: ...
def contention_state() -> dict[str, float]: ...
def forget_contention() -> None: ...
def team_threads_for(n: int, cap: int) -> int: ...
def record_team_call(threads: int, elapsed: float, alone: float) -> None: ...
def parallel_copy(
    src: NDArray[np.float32] | NDArray[np.float64],
    dst: NDArray[np.float32] | NDArray[np.float64],
) -> None: ...
