"""Inputs that wrap NumPy arrays: Dask arrays, xarray DataArray/Dataset, pandas Series/DataFrame.

Each public function of csigmoid._api hands such an input here before NumPy sees it:
``np.asarray`` would compute a Dask array on the spot and drop pandas' index and
xarray's coordinates.  Here the input is taken apart, the public function itself runs
on the NumPy arrays inside (for Dask, once per chunk, when the graph is computed), and
the result is put back together as the caller's type.

None of these libraries is imported here: an object can only be one of theirs if its
library is already in ``sys.modules``, so plain NumPy use never pays for them.
"""

import functools
import operator
import sys

import numpy as np

FUSED = "sigmoid_and_derivative"


def library_of(obj):
    """'xarray', 'pandas' or 'dask' if `obj` is one of their containers, else None."""
    xarray = sys.modules.get("xarray")
    if xarray is not None and isinstance(obj, (xarray.DataArray, xarray.Dataset)):
        return "xarray"
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(obj, (pandas.Series, pandas.DataFrame)):
        return "pandas"
    dask_array = sys.modules.get("dask.array")
    if dask_array is not None and isinstance(obj, dask_array.Array):
        return "dask"
    return None


def apply(name, args, out, num_threads):
    """csigmoid._api.<name>(*args) for inputs wrapped by Dask, xarray or pandas;
    NotImplemented if no argument is (the caller then goes on with NumPy).

    The libraries take precedence in this order: xarray (which may hold Dask
    arrays), pandas, Dask; NumPy arrays and scalars beside them take part as
    each library would treat them.
    """
    libraries = {library_of(arg) for arg in args} - {None}
    if not libraries:
        return NotImplemented
    library = next(lib for lib in ("xarray", "pandas", "dask") if lib in libraries)
    if out is not None:
        raise TypeError(
            f"{name}: out= is supported only for NumPy arrays; a {library} input gets a "
            f"new {library} result (drop out=)"
        )
    function = getattr(sys.modules["csigmoid._api"], name)
    return ADAPTERS[library](functools.partial(function, num_threads=num_threads), name, args)


# ----------------------------------------------------------------------------- Dask


def dask_apply(per_array, name, args):
    """A lazy Dask array (two for sigmoid_and_derivative), chunked like the input:
    one task per chunk calls `per_array` on it, nothing is computed here.

    The results' meta comes from calling `per_array` on empty arrays of the
    inputs' dtypes, which also raises now, not at compute time, any error
    NumPy input of those dtypes would raise (dtype, num_threads)."""
    import dask.array as da

    if name == FUSED:
        (x,) = args
        index = tuple(range(x.ndim))
        y_meta, dy_meta = per_array(empty_of(x))
        # one task per chunk computes both results in one pass; two light tasks
        # per chunk pick them out of the pair
        pairs = da.blockwise(per_array, index, x, index, meta=y_meta, token=FUSED)
        return tuple(
            pairs.map_blocks(operator.getitem, position, meta=meta, token=f"{FUSED}-{part}")
            for position, (part, meta) in enumerate((("y", y_meta), ("dy", dy_meta)))
        )
    if len(args) == 1:
        (x,) = args
        meta = per_array(empty_of(x))
        return x.map_blocks(per_array, meta=meta, token=name)
    arrays = [da.asarray(arg) for arg in args]
    shapes = [array.shape for array in arrays]
    if not any(np.isnan(size) for shape in shapes for size in shape):
        try:
            np.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(f"{name}: shapes {' and '.join(map(str, shapes))} do not broadcast") from None
    meta = per_array(*map(empty_of, arrays))
    return da.map_blocks(per_array, *da.broadcast_arrays(*arrays), meta=meta, token=name)


def empty_of(array):
    """An empty NumPy array with `array`'s dtype and number of dimensions."""
    return np.empty((0,) * array.ndim, array.dtype)


# --------------------------------------------------------------------------- xarray


def xarray_apply(per_array, name, args):
    """The same xarray type out, with dims, coords, name and attrs kept; applied to
    a Dataset's data variables; Dask-backed data stays lazy (dask_apply)."""
    import xarray

    return xarray.apply_ufunc(
        per_array,
        *args,
        dask="allowed",
        keep_attrs=True,
        output_core_dims=[[], []] if name == FUSED else [[]],
    )


# --------------------------------------------------------------------------- pandas


def pandas_apply(per_array, name, args):
    """The same pandas type out, with index, columns, name and attrs kept."""
    import pandas

    frames = [arg for arg in args if isinstance(arg, (pandas.Series, pandas.DataFrame))]
    if len({isinstance(frame, pandas.DataFrame) for frame in frames}) > 1:
        raise TypeError(
            f"{name}: got a pandas Series and a DataFrame; pass two Series, two "
            f"DataFrames, or one of them and a NumPy array"
        )
    if len(frames) == 2:
        # pandas semantics, as for grad_output * y * (1 - y): align on the labels
        args = frames[0].align(frames[1])
    like = frames[0] if len(frames) == 1 else args[0]
    for arg in args:
        check_pandas_dtypes(arg, name, pandas)
    fused = name == FUSED
    if isinstance(like, pandas.Series) or is_homogeneous(like):
        # one kernel call over all the values (a one-dtype DataFrame is one 2-D block)
        results = per_array(*(pandas_values(arg, pandas) for arg in args))
        parts = results if fused else (results,)
        if isinstance(like, pandas.Series):
            wrapped = [
                pandas.Series(check_shape(part, like, name), index=like.index, name=like.name, copy=False)
                for part in parts
            ]
        else:
            wrapped = [
                pandas.DataFrame(
                    check_shape(part, like, name), index=like.index, columns=like.columns, copy=False
                )
                for part in parts
            ]
    else:
        # columns of several dtypes: column by column, each keeping its dtype
        broadcast = [
            arg if isinstance(arg, pandas.DataFrame) else np.broadcast_to(np.asarray(arg), like.shape)
            for arg in args
        ]
        columns = []
        for position in range(like.shape[1]):
            column_args = [
                arg.iloc[:, position].to_numpy() if isinstance(arg, pandas.DataFrame) else arg[:, position]
                for arg in broadcast
            ]
            result = per_array(*column_args)
            columns.append(result if fused else (result,))
        wrapped = []
        for part in range(2 if fused else 1):
            frame = pandas.DataFrame(
                {position: column[part] for position, column in enumerate(columns)},
                index=like.index,
                copy=False,
            )
            frame.columns = like.columns
            wrapped.append(frame)
    wrapped = [result.__finalize__(like) for result in wrapped]
    return tuple(wrapped) if fused else wrapped[0]


def check_pandas_dtypes(arg, name, pandas):
    """A TypeError naming any pandas extension dtype (nullable Float64/Int64,
    categorical, ...): csigmoid computes on NumPy dtypes only."""
    if isinstance(arg, pandas.Series):
        labelled = [("the Series", arg.dtype)]
    elif isinstance(arg, pandas.DataFrame):
        labelled = [(f"column {column!r}", dtype) for column, dtype in arg.dtypes.items()]
    else:
        return
    for label, dtype in labelled:
        if not isinstance(dtype, np.dtype):
            raise TypeError(
                f"{name}: {label} has the pandas dtype {dtype}; expected a NumPy float, integer "
                f"or bool dtype (convert first, e.g. .astype('float64'), or "
                f".to_numpy('float64', na_value=np.nan) where values are missing)"
            )


def is_homogeneous(frame):
    """Whether a DataFrame has columns and all of one dtype."""
    return frame.shape[1] > 0 and frame.dtypes.nunique() == 1


def pandas_values(arg, pandas):
    """The NumPy values of a Series or a one-dtype DataFrame (a view where pandas has one)."""
    if isinstance(arg, (pandas.Series, pandas.DataFrame)):
        return arg.to_numpy()
    return arg


def check_shape(array, like, name):
    """`array` if it has the pandas object's shape, else a ValueError (a NumPy
    argument that broadcast the result beyond the labels)."""
    if np.shape(array) != like.shape:
        raise ValueError(
            f"{name}: the result would have shape {np.shape(array)}, not the "
            f"{type(like).__name__}'s {like.shape}"
        )
    return array


ADAPTERS = {"dask": dask_apply, "xarray": xarray_apply, "pandas": pandas_apply}
