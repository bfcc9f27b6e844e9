# Types of the compiled Python layer (ufuncs.pyx), for type checkers: the ufuncs
# and the wrapper of sigmoid_and_derivative.
#
# The ufuncs have loops for real numbers only: Python float, int and bool,
# NumPy floating, integer and bool scalars, arrays of those dtypes and
# sequences of them.  Nothing else (str, None, complex, object, datetime) is an
# argument of any overload, so a type checker rejects what the ufunc rejects at
# run time with TypeError.  Each overload promises what the ufunc returns
# (tests/typing_usage.py checks each one statically and at run time,
# tests/typing_rejected.py the rejections): a Python number gives
# numpy.float64 (a float subclass); a NumPy floating scalar the same scalar
# type, an integer or bool scalar numpy.float64; an array-like of one floating
# dtype an ndarray of that dtype, of integers, bools or Python numbers an
# ndarray of float64; `dtype=` a floating type gives that type; `out=` gives
# back `out`.
#
# Where the types stop, and why (limits of the type system and of NumPy's own
# stubs, which type np.exp's result as Any):
# - sigmoid_backward of two different types (but for a Python number) is
#   typed as one of the four floating types, float16 | float32 | float64 |
#   longdouble, or as np.floating[Any] where mypy joins two NumPy floating
#   types itself.  NumPy's promotion (int16 with float16 gives float32, int32
#   with float32 float64) is more than overloads over one type variable can
#   say, and overloads naming each type would be wrong for values typed
#   floating[Any] (which NumPy's aliases let match float16).  An annotation
#   of the exact type (NDArray[np.float64] for float32 with float64) is then
#   refused: annotate NDArray[np.floating[Any]] or narrow the value.
# - A 0-d ndarray is typed as an ndarray although the result is a scalar, as
#   NumPy types it.
# - An array whose dtype the checker does not know (NDArray[Any]; NumPy's
#   stubs give np.zeros(3, object) and np.array(["a"]) that type) is accepted
#   and gives NDArray[Any].  One typed with a wider scalar type (np.number,
#   np.inexact, np.generic) is rejected: its values may be complex.
# - An array built inside the call, sigmoid(np.zeros(3, np.complex128)), is
#   inferred by mypy against each overload's parameter in turn, and where
#   NumPy's precise constructor overload does not fit its fallback answers
#   NDArray[Any], which a later overload accepts: give such an array a name
#   first (its type is then inferred on its own, and rejected).
# - bytes is a Sequence[int] to a type checker and passes as a sequence of
#   Python numbers (NumPy's ArrayLike accepts it too); NumPy reads it as a byte
#   string and the ufunc raises TypeError.  type[int] passes as type[float], so
#   dtype=int passes (a TypeError at run time).
# - mypy types a list by the join of its items: [np.float32(1), 0.5] is a
#   list[object], a list of NumPy integer and floating scalars a list of a
#   NumPy mixin class; both are rejected, as np.exp rejects them.  Sequences
#   nested more than three levels deep are rejected.
# - A dtype given as a string (dtype="f4"), signature= and out=... give Any.
# - Dask, xarray and pandas objects, and anything else that takes the call
#   over through __array_ufunc__, give Any: a stub cannot name their types
#   without depending on those libraries.
#
# A type checker takes the first overload that matches, so the order matters:
# containers overriding ufuncs first, then `out=`, scalars before array-likes
# (a NumPy scalar has __array__ too, and np.float64 is a float), NumPy's
# floating types before Python numbers.  mypy calls the scalar and array-like
# overloads of `dtype=` and of mixed types overlapping (the ignores below): a
# value typed as the wider array-like but holding a scalar is typed as an
# array, the 0-d case above.
import sys
from collections.abc import Sequence
from types import EllipsisType
from typing import Any, Literal, NoReturn, Protocol, TypeAlias, TypedDict, TypeVar, overload, type_check_only

import numpy as np
from numpy.typing import NDArray

if sys.version_info >= (3, 11):
    from typing import Never, Unpack
else:
    from typing_extensions import Never, Unpack

_FloatT = TypeVar("_FloatT", bound=np.floating[Any])
_ScalarT = TypeVar("_ScalarT", bound=np.generic)
_DTypeT_co = TypeVar("_DTypeT_co", bound=np.dtype[Any], covariant=True)
_ArrayT = TypeVar("_ArrayT", bound=np.ndarray[Any, Any])
_Array2T = TypeVar("_Array2T", bound=np.ndarray[Any, Any])

@type_check_only
class _CanArray(Protocol[_DTypeT_co]):
    """An ndarray, a NumPy scalar, or anything else NumPy converts through
    __array__ to an array of this dtype."""

    def __array__(self) -> np.ndarray[Any, _DTypeT_co]: ...

@type_check_only
class _OverridesUfuncs(Protocol):
    """Dask and xarray arrays, pandas objects: containers that take the call
    over through __array_ufunc__ and return their own type.  NumPy declares
    the `method` of ndarray.__array_ufunc__ as a Literal of the method names,
    which does not accept every str as this protocol asks: ndarrays (of any
    dtype, complex and object included) do not match it and go through the
    overloads of real inputs only."""

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, /, *inputs: Any, **kwargs: Any) -> Any: ...

# Arrays, NumPy scalars and sequences of them (three levels deep), of one scalar type.
_ArrayLikeOf: TypeAlias = (
    _CanArray[np.dtype[_ScalarT]]
    | Sequence[_CanArray[np.dtype[_ScalarT]]]
    | Sequence[Sequence[_CanArray[np.dtype[_ScalarT]]]]
    | Sequence[Sequence[Sequence[_CanArray[np.dtype[_ScalarT]]]]]
)
# NumPy scalars computed as float64.
_IntegerOrBool: TypeAlias = np.integer[Any] | np.bool_
# NumPy scalars csigmoid has a loop for.
_RealScalar: TypeAlias = np.floating[Any] | np.integer[Any] | np.bool_
# The result types of the loops.  Where the overloads cannot say which one, they
# say this union rather than np.floating[Any]: NumPy defines float16, float32
# and longdouble as floating[<bits>], to which floating[Any] is assignable, so
# `r: NDArray[np.float32] = ...` would pass for a float64 result.
_SomeFloat: TypeAlias = np.float16 | np.float32 | np.float64 | np.longdouble
# Python numbers (int and bool are floats to a type checker), three levels deep: float64 arrays.
_PythonNumbers: TypeAlias = Sequence[float] | Sequence[Sequence[float]] | Sequence[Sequence[Sequence[float]]]
# Every input with a loop: Python numbers, NumPy real scalars, and array-likes of them.
_RealArrayLike: TypeAlias = float | _ArrayLikeOf[_RealScalar] | _PythonNumbers
# `dtype=` a NumPy floating type or its dtype object: the result has that type.
_FloatDType: TypeAlias = type[_FloatT] | np.dtype[_FloatT]
# `dtype=` by name, or Python's float: the result type is not followed (Any).
# Nothing wider (type[np.floating], np.dtype[Any]): where an annotation has made
# mypy fix _FloatT and the overloads of _FloatDType fail, a wider form here
# would answer Any and let the wrong annotation pass.
_DTypeByName: TypeAlias = str | type[float]
_DTypeLike: TypeAlias = _FloatDType[np.floating[Any]] | _DTypeByName
# `signature=`: the loop's type codes ("d->d", ("d", None)).
_Signature: TypeAlias = str | tuple[str | None, ...]
# `where=`: where False, `out` keeps its values.
_Where: TypeAlias = bool | np.bool_ | NDArray[np.bool_] | Sequence[bool]

@type_check_only
class _Keywords(TypedDict, total=False):
    """The keywords that leave the loop, and so the result type, as the inputs choose it."""

    where: _Where
    casting: Literal["no", "equiv", "safe", "same_kind", "unsafe"]
    order: Literal["K", "A", "C", "F"] | None
    subok: bool

@type_check_only
class _LoopKeywords(_Keywords, total=False):
    """Every keyword of a call but `out`."""

    dtype: _DTypeLike | None
    signature: _Signature | None

@type_check_only
class _UnaryUfunc(np.ufunc):  # type: ignore[misc]
    """sigmoid, sigmoid_derivative, logit, log_sigmoid: one input, one output."""

    @overload
    def __call__(self, x: _OverridesUfuncs, /, out: Any = None, **kwargs: Unpack[_LoopKeywords]) -> Any: ...
    @overload
    def __call__(
        self, x: _RealArrayLike, /, out: _ArrayT | tuple[_ArrayT], **kwargs: Unpack[_LoopKeywords]
    ) -> _ArrayT: ...
    @overload
    def __call__(
        self, x: _FloatT, /, out: None = None, *, dtype: None = None, **kwargs: Unpack[_Keywords]
    ) -> _FloatT: ...
    @overload
    def __call__(
        self,
        x: float | _IntegerOrBool,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> np.float64: ...
    @overload
    def __call__(
        self,
        x: _ArrayLikeOf[_FloatT],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x: _ArrayLikeOf[_IntegerOrBool] | _PythonNumbers,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[np.float64]: ...
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self,
        x: float | _RealScalar,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> _FloatT: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _DTypeByName,
        signature: _Signature | None = None,
        **kwargs: Unpack[_Keywords],
    ) -> Any: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: None = None,
        signature: _Signature,
        **kwargs: Unpack[_Keywords],
    ) -> Any: ...
    @overload
    def __call__(self, x: _RealArrayLike, /, out: EllipsisType, **kwargs: Unpack[_LoopKeywords]) -> Any: ...

    # One input: NumPy refuses these with ValueError, for every one-input ufunc.
    def reduce(self, array: Never, /) -> NoReturn: ...  # type: ignore[override]
    def accumulate(self, array: Never, /) -> NoReturn: ...  # type: ignore[override]
    def reduceat(self, array: Never, /, indices: Never) -> NoReturn: ...  # type: ignore[override]
    def outer(self, A: Never, B: Never, /) -> NoReturn: ...  # type: ignore[override]

@type_check_only
class _BinaryUfunc(np.ufunc):  # type: ignore[misc]
    """sigmoid_backward: NumPy's result type of the two inputs' dtypes (integers
    and bool as float64; a Python number takes the other input's type)."""

    @overload
    def __call__(
        self,
        x1: _OverridesUfuncs,
        x2: _RealArrayLike | _OverridesUfuncs,
        /,
        out: Any = None,
        **kwargs: Unpack[_LoopKeywords],
    ) -> Any: ...
    @overload
    def __call__(
        self, x1: _RealArrayLike, x2: _OverridesUfuncs, /, out: Any = None, **kwargs: Unpack[_LoopKeywords]
    ) -> Any: ...
    @overload
    def __call__(
        self,
        x1: _RealArrayLike,
        x2: _RealArrayLike,
        /,
        out: _ArrayT | tuple[_ArrayT],
        **kwargs: Unpack[_LoopKeywords],
    ) -> _ArrayT: ...
    # Scalars.  Of two NumPy floating scalars of different types, mypy makes
    # _FloatT their join, np.floating[Any].
    @overload
    def __call__(
        self,
        x1: _FloatT,
        x2: _FloatT,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> _FloatT: ...
    # np.float64 is a float subclass, but a NumPy scalar: it takes part in the
    # promotion (a Python float does not, NEP 50).  These two overloads keep it
    # beside another floating type from the Python-float ones below when an
    # annotation has made mypy fix _FloatT and the overload above fail (beside
    # an integer it gives float64, as the integer overload below says).  From
    # here on a result that depends on both types is typed as the union of the
    # four floating types, which an annotation of any one of them refuses.
    @overload
    def __call__(
        self,
        x1: np.floating[Any],
        x2: np.float64,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> _SomeFloat: ...
    @overload
    def __call__(
        self,
        x1: np.float64,
        x2: np.floating[Any],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> _SomeFloat: ...
    # A Python number takes the type of the other input.
    @overload
    def __call__(
        self, x1: _FloatT, x2: float, /, out: None = None, *, dtype: None = None, **kwargs: Unpack[_Keywords]
    ) -> _FloatT: ...
    @overload
    def __call__(
        self, x1: float, x2: _FloatT, /, out: None = None, *, dtype: None = None, **kwargs: Unpack[_Keywords]
    ) -> _FloatT: ...
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self,
        x1: float | _IntegerOrBool,
        x2: float | _IntegerOrBool,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> np.float64: ...
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self,
        x1: float | _RealScalar,
        x2: float | _RealScalar,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> _SomeFloat: ...
    # Array-likes, in the same order.
    @overload
    def __call__(
        self,
        x1: _ArrayLikeOf[_FloatT],
        x2: _ArrayLikeOf[_FloatT],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: _ArrayLikeOf[np.floating[Any]],
        x2: np.float64,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_SomeFloat]: ...
    @overload
    def __call__(
        self,
        x1: np.float64,
        x2: _ArrayLikeOf[np.floating[Any]],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_SomeFloat]: ...
    @overload
    def __call__(
        self,
        x1: _ArrayLikeOf[_FloatT],
        x2: float,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: float,
        x2: _ArrayLikeOf[_FloatT],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: _ArrayLikeOf[_IntegerOrBool] | _PythonNumbers | float,
        x2: _ArrayLikeOf[_IntegerOrBool] | _PythonNumbers | float,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[np.float64]: ...
    @overload
    def __call__(
        self,
        x1: _RealArrayLike,
        x2: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_SomeFloat]: ...
    # `dtype=` a floating type, then the forms whose type the call does not say.
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self,
        x1: float | _RealScalar,
        x2: float | _RealScalar,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> _FloatT: ...
    @overload
    def __call__(
        self,
        x1: _RealArrayLike,
        x2: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> NDArray[_FloatT]: ...
    @overload
    def __call__(
        self,
        x1: _RealArrayLike,
        x2: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _DTypeByName,
        signature: _Signature | None = None,
        **kwargs: Unpack[_Keywords],
    ) -> Any: ...
    @overload
    def __call__(
        self,
        x1: _RealArrayLike,
        x2: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: None = None,
        signature: _Signature,
        **kwargs: Unpack[_Keywords],
    ) -> Any: ...
    @overload
    def __call__(
        self, x1: _RealArrayLike, x2: _RealArrayLike, /, out: EllipsisType, **kwargs: Unpack[_LoopKeywords]
    ) -> Any: ...

@type_check_only
class _FusedCall:
    """How sigmoid_and_derivative is called: one input, a tuple of two
    outputs, each typed as sigmoid's result."""

    @overload
    def __call__(
        self, x: _OverridesUfuncs, /, out: Any = None, **kwargs: Unpack[_LoopKeywords]
    ) -> tuple[Any, Any]: ...
    @overload
    def __call__(
        self, x: _RealArrayLike, /, out: tuple[_ArrayT, _Array2T], **kwargs: Unpack[_LoopKeywords]
    ) -> tuple[_ArrayT, _Array2T]: ...
    @overload
    def __call__(
        self, x: _FloatT, /, out: None = None, *, dtype: None = None, **kwargs: Unpack[_Keywords]
    ) -> tuple[_FloatT, _FloatT]: ...
    @overload
    def __call__(
        self,
        x: float | _IntegerOrBool,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> tuple[np.float64, np.float64]: ...
    @overload
    def __call__(
        self,
        x: _ArrayLikeOf[_FloatT],
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> tuple[NDArray[_FloatT], NDArray[_FloatT]]: ...
    @overload
    def __call__(
        self,
        x: _ArrayLikeOf[_IntegerOrBool] | _PythonNumbers,
        /,
        out: None = None,
        *,
        dtype: None = None,
        **kwargs: Unpack[_Keywords],
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]: ...
    @overload
    def __call__(  # type: ignore[overload-overlap]
        self,
        x: float | _RealScalar,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> tuple[_FloatT, _FloatT]: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _FloatDType[_FloatT],
        **kwargs: Unpack[_Keywords],
    ) -> tuple[NDArray[_FloatT], NDArray[_FloatT]]: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: _DTypeByName,
        signature: _Signature | None = None,
        **kwargs: Unpack[_Keywords],
    ) -> tuple[Any, Any]: ...
    @overload
    def __call__(
        self,
        x: _RealArrayLike,
        /,
        out: None = None,
        *,
        dtype: None = None,
        signature: _Signature,
        **kwargs: Unpack[_Keywords],
    ) -> tuple[Any, Any]: ...
    @overload
    def __call__(
        self, x: _RealArrayLike, /, out: EllipsisType, **kwargs: Unpack[_LoopKeywords]
    ) -> tuple[Any, Any]: ...

@type_check_only
class _FusedUfunc(_FusedCall, np.ufunc):  # type: ignore[misc]
    """The ufunc sigmoid_and_derivative.  Two outputs: NumPy refuses its
    reductions, outer and at with ValueError."""

    def reduce(self, array: Never, /) -> NoReturn: ...  # type: ignore[override]
    def accumulate(self, array: Never, /) -> NoReturn: ...  # type: ignore[override]
    def reduceat(self, array: Never, /, indices: Never) -> NoReturn: ...  # type: ignore[override]
    def outer(self, A: Never, B: Never, /) -> NoReturn: ...  # type: ignore[override]
    def at(self, a: Never, indices: Never, /) -> NoReturn: ...  # type: ignore[override]

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

# The count of the kernels' operations (csigmoid/_kernels/table.pxd).
KERNEL_OPERATIONS: int

def use_kernels(kernel_table: object) -> None: ...
