"""sigmoid_and_derivative over Dask arrays (bare or inside xarray objects) and
pandas DataFrames: the calls NumPy's ufunc protocol routes badly for a
two-output ufunc.

Every other function is a ufunc, and Dask, xarray and pandas handle ufuncs
themselves through ``__array_ufunc__``.  But Dask's ``__array_ufunc__`` maps
only one-output ufuncs over the chunks; for a two-output ufunc it looks for
one of its own of the same name, finds none, and gives up (a TypeError).  So
``csigmoid.sigmoid_and_derivative`` hands Dask input here: one task per chunk
computes both results in one kernel pass, and two light tasks per chunk pick
them out.  An xarray object holding Dask arrays comes here too (xarray would
pass its Dask arrays to the ufunc); one holding NumPy arrays does not.

pandas computes a one-output ufunc of a DataFrame block by block, each
column keeping its dtype, but a two-output one over ``np.asarray(frame)``:
a frame of several dtypes becomes one array of their common type, an object
array (which no loop takes) when a column is nullable (``Float64``,
``Int64``), and a lone nullable column loses its <NA> to NaN.  So a frame of
more than one dtype, or of an extension dtype, is computed here column by
column, each column as the Series it is (pandas keeps a Series' <NA>): the
two frames have the dtypes ``sigmoid(frame)`` gives.

Nothing is imported here: an object can only be Dask's, xarray's or pandas'
if that library is already in ``sys.modules``, so plain NumPy use never
pays for them.
"""

import functools
import operator
import sys

import numpy as np

NAME = "sigmoid_and_derivative"


def fused_call(ufunc, x, args, kwargs):
    """``ufunc(x, *args, **kwargs)`` for Dask input (lazily) and pandas
    DataFrames of several or extension dtypes; NotImplemented for anything
    else (the caller then calls the ufunc itself)."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(x, pandas.DataFrame):
        return over_data_frame(ufunc, x, args, kwargs, pandas)
    xarray = sys.modules.get("xarray")
    if xarray is not None and isinstance(x, (xarray.DataArray, xarray.Dataset)):
        if not holds_dask(x, xarray):
            return NotImplemented
        per_chunk = chunk_function(ufunc, args, kwargs, "an xarray object holding Dask arrays")
        return xarray.apply_ufunc(
            functools.partial(over_dask_array, per_chunk),
            x,
            dask="allowed",
            keep_attrs=True,
            output_core_dims=[[], []],
        )
    dask_array = sys.modules.get("dask.array")
    if dask_array is None or not isinstance(x, dask_array.Array):
        return NotImplemented
    return over_dask_array(chunk_function(ufunc, args, kwargs, "a Dask array"), x)


def holds_dask(obj, xarray):
    """Whether an xarray DataArray or Dataset holds any Dask array."""
    variables = [obj.variable] if isinstance(obj, xarray.DataArray) else obj.data_vars.values()
    return any(variable.chunks is not None for variable in variables)


def chunk_function(ufunc, args, kwargs, what):
    """The ufunc with the caller's keywords, to call on each chunk; refuses
    what a chunk-wise lazy result cannot honour (with nothing computed)."""
    if args or kwargs.get("out") is not None:
        raise TypeError(f"{NAME}: out= is for NumPy arrays; {what} gets a new lazy result (drop out=)")
    kwargs = {key: value for key, value in kwargs.items() if key != "out"}
    if kwargs.get("where", True) is not True:
        raise TypeError(
            f"{NAME}: where= is for NumPy arrays; {what} gets a new lazy result, "
            f"select from it instead (e.g. with dask.array.where)"
        )
    return functools.partial(ufunc, **kwargs)


def over_dask_array(per_chunk, x):
    """Two lazy Dask arrays chunked like `x`; nothing is computed here.

    Their meta comes from calling `per_chunk` on an empty array of x's dtype,
    which also raises now, not at compute time, any error NumPy input of that
    dtype would raise.  (A Dataset holding Dask arrays may hold NumPy arrays
    too: those are computed at once.)"""
    import dask.array as da

    if not isinstance(x, da.Array):
        return per_chunk(x)

    index = tuple(range(x.ndim))
    y_meta, dy_meta = per_chunk(np.empty((0,) * x.ndim, x.dtype))
    pairs = da.blockwise(per_chunk, index, x, index, meta=y_meta, token=NAME)
    return tuple(
        pairs.map_blocks(operator.getitem, position, meta=meta, token=f"{NAME}-{part}")
        for position, (part, meta) in enumerate((("y", y_meta), ("dy", dy_meta)))
    )


def over_data_frame(ufunc, frame, args, kwargs, pandas):
    """Two DataFrames with the frame's index, columns and attrs, each column
    computed as the Series it is; NotImplemented where pandas' own handling
    gives that already (one NumPy dtype throughout) or has its own rules
    (keywords, which pandas applies to the frame as one array for every
    ufunc)."""
    dtypes = set(frame.dtypes)
    one_numpy_dtype = len(dtypes) == 1 and isinstance(next(iter(dtypes)), np.dtype)
    if args or kwargs or not dtypes or one_numpy_dtype:
        return NotImplemented
    columns = [ufunc(frame.iloc[:, position]) for position in range(frame.shape[1])]
    return tuple(
        pandas.concat([pair[part] for pair in columns], axis=1, ignore_index=True)
        .set_axis(frame.columns, axis=1)
        .__finalize__(frame)
        for part in (0, 1)
    )
