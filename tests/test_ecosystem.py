"""Dask arrays, xarray DataArray/Dataset and pandas Series/DataFrame in, the same
type out: through their own __array_ufunc__, and for sigmoid_and_derivative over
Dask through csigmoid._ecosystem; results bit-identical to csigmoid on the NumPy
values inside."""

import importlib
import subprocess
import sys

import numpy as np
import pytest

import csigmoid

from layouts import FUNCTIONS, assert_identical

# the functions of one array to one array (sigmoid_and_derivative is tested on its own)
UNARY = {f.__name__: f for f in FUNCTIONS if f is not csigmoid.sigmoid_and_derivative}
DTYPES = [np.float32, np.float64, np.float16, np.int32]


def sample(shape, dtype, seed=0):
    """Values over the functions' interesting ranges, with the special ones."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    values = rng.uniform(-30, 30, size)
    in_unit_interval = rng.random(size) < 0.3  # logit's domain
    values[in_unit_interval] = rng.uniform(0, 1, in_unit_interval.sum())
    values[:6] = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324][:size]
    with np.errstate(all="ignore"):
        return values.astype(dtype).reshape(shape)


def test_the_libraries_are_not_imported_by_csigmoid():
    code = (
        "import sys, numpy as np, csigmoid\n"
        "csigmoid.sigmoid(0.5); csigmoid.sigmoid([1.0, 2.0]); csigmoid.sigmoid(np.ones(3))\n"
        "csigmoid.sigmoid_backward(1.0, [0.5])\n"
        "print(sorted(m for m in ('dask', 'dask.array', 'xarray', 'pandas') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- Dask

da = pytest.importorskip("dask.array")


class ChunkCounter:
    """A Dask array whose chunks count how often they are computed."""

    def __init__(self, values, chunks):
        self.calls = 0
        self.values = values

        def load(block, block_info=None):
            self.calls += 1
            location = block_info[None]["array-location"]
            return values[tuple(slice(start, stop) for start, stop in location)]

        self.array = da.map_blocks(
            load,
            da.zeros(values.shape, dtype=values.dtype, chunks=chunks),
            dtype=values.dtype,
            meta=np.empty((0,) * values.ndim, values.dtype),
        )


def assert_lazy_like(result, source, expected):
    """`result` is a Dask array chunked like `source` whose meta and computed
    values are exactly `expected`'s dtype and values."""
    assert isinstance(result, da.Array)
    assert result.chunks == source.chunks
    assert result.dtype == expected.dtype
    assert type(result._meta) is np.ndarray and result._meta.dtype == expected.dtype
    assert_identical(result.compute(), expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_dask_unary_is_lazy_chunkwise_and_exact(name, dtype):
    values = sample((30, 7), dtype)
    counter = ChunkCounter(values, chunks=(8, 4))
    result = UNARY[name](counter.array)
    assert counter.calls == 0
    assert_lazy_like(result, counter.array, UNARY[name](values))
    assert counter.calls == counter.array.npartitions


@pytest.mark.parametrize("dtype", DTYPES)
def test_dask_sigmoid_and_derivative_is_two_lazy_arrays_from_one_pass(dtype):
    values = sample((50,), dtype)
    counter = ChunkCounter(values, chunks=7)
    y, dy = csigmoid.sigmoid_and_derivative(counter.array)
    assert counter.calls == 0
    expected_y, expected_dy = csigmoid.sigmoid_and_derivative(values)
    import dask

    computed_y, computed_dy = dask.compute(y, dy)
    assert counter.calls == counter.array.npartitions  # each chunk read once for both
    assert_identical(computed_y, expected_y)
    assert_identical(computed_dy, expected_dy)
    assert_lazy_like(y, counter.array, expected_y)
    assert_lazy_like(dy, counter.array, expected_dy)


@pytest.mark.parametrize("grad_shape, y_shape", [((6, 10), (10,)), ((6, 1), (6, 10)), ((6, 10), ())])
@pytest.mark.parametrize("which", ["grad", "y", "both"])
def test_dask_sigmoid_backward_broadcasts_like_numpy(grad_shape, y_shape, which):
    grad, y = sample(grad_shape, np.float64, 1), sample(y_shape, np.float32, 2)
    expected = csigmoid.sigmoid_backward(grad, y)
    args = [
        da.from_array(grad, chunks=3) if which in ("grad", "both") else grad,
        da.from_array(y, chunks=4) if which in ("y", "both") else y,
    ]
    result = csigmoid.sigmoid_backward(*args)
    assert isinstance(result, da.Array) and result.dtype == expected.dtype
    assert_identical(result.compute(), expected)


def test_dask_errors_are_raised_at_call_time_naming_the_function():
    counter = ChunkCounter(sample((10,), np.float64), chunks=5)
    x = counter.array
    with pytest.raises(TypeError, match="'logit'"):
        csigmoid.logit(x.astype(complex))
    with pytest.raises(TypeError, match="'sigmoid_and_derivative'"):
        csigmoid.sigmoid_and_derivative(x.astype(complex))
    with pytest.raises(ValueError, match=r"shapes \(10,\) \(7,\)"):
        csigmoid.sigmoid_backward(x, da.ones(7))
    assert counter.calls == 0


def test_dask_sigmoid_and_derivative_refuses_out_and_where_by_name():
    x = da.ones((10,), chunks=5)
    out = (np.full(10, 7.0), np.full(10, 7.0))
    with pytest.raises(TypeError, match=r"sigmoid_and_derivative: out= is for NumPy arrays"):
        csigmoid.sigmoid_and_derivative(x, out=out)
    with pytest.raises(TypeError, match=r"sigmoid_and_derivative: out= is for NumPy arrays"):
        csigmoid.sigmoid_and_derivative(x, *out)
    with pytest.raises(TypeError, match=r"sigmoid_and_derivative: where= is for NumPy arrays"):
        csigmoid.sigmoid_and_derivative(x, where=x > 0)
    assert (out[0] == 7.0).all() and (out[1] == 7.0).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dask_sigmoid_and_derivative_passes_ufunc_keywords_to_each_chunk(dtype):
    values = sample((30,), np.float64)
    y, dy = csigmoid.sigmoid_and_derivative(da.from_array(values, chunks=7), dtype=dtype)
    assert y.dtype == dtype and dy.dtype == dtype
    expected = csigmoid.sigmoid_and_derivative(values, dtype=dtype)
    assert_identical(y.compute(), expected[0])
    assert_identical(dy.compute(), expected[1])


@pytest.fixture
def nanny_environment(monkeypatch):
    """A LocalCluster's nannies write their workers' variables (OMP_NUM_THREADS=1, ...)
    into this process's os.environ, where they would reach every later subprocess
    of the test session and override the next cluster's settings: start each test
    without them and put the originals back afterwards."""
    import dask

    pytest.importorskip("distributed")
    for variable in dask.config.get("distributed.nanny.pre-spawn-environ"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.usefixtures("nanny_environment")
def test_distributed_local_cluster_matches_one_process_bit_for_bit():
    """Two worker processes evaluate an array of 24 chunks; the results equal
    the single-process ones exactly; the nanny's OMP_NUM_THREADS=1 holds."""
    distributed = pytest.importorskip("distributed")
    values = sample((1_200_000,), np.float64, seed=3)
    expected_y, expected_dy = csigmoid.sigmoid_and_derivative(values)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        x = da.from_array(values, chunks=50_000)
        y = csigmoid.sigmoid(x)
        pair = csigmoid.sigmoid_and_derivative(x.astype(np.float32))
        computed_y, (computed_y32, computed_dy32) = client.compute([y, list(pair)], sync=True)
        who_did_it = client.run(lambda: importlib.import_module("csigmoid._cpu.features").max_threads())
    assert sorted(who_did_it.values()) == [1, 1]
    assert_identical(computed_y, expected_y)
    y32, dy32 = csigmoid.sigmoid_and_derivative(values.astype(np.float32))
    assert_identical(computed_y32, y32)
    assert_identical(computed_dy32, dy32)
    assert expected_dy.dtype == np.float64


@pytest.mark.usefixtures("nanny_environment")
def test_distributed_nanny_setting_gives_each_task_openmp_threads():
    """The README's way to let csigmoid use OpenMP threads inside workers."""
    distributed = pytest.importorskip("distributed")
    import dask

    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": 3}),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        threads = client.run(lambda: importlib.import_module("csigmoid._cpu.features").max_threads())
    assert list(threads.values()) == [3 if csigmoid._cpu.features.openmp_version() else 1]


# --------------------------------------------------------------------------- xarray

xr = pytest.importorskip("xarray")


def data_array(shape=(4, 5), dtype=np.float64):
    return xr.DataArray(
        sample(shape, dtype),
        dims=("time", "site"),
        coords={
            "time": np.arange(shape[0]),
            "site": [f"s{i}" for i in range(shape[1])],
            "elevation": ("site", np.linspace(0, 1, shape[1])),
        },
        name="score",
        attrs={"units": "1", "source": "test"},
    )


def assert_same_labels(result, source):
    assert type(result) is type(source)
    assert result.dims == source.dims
    assert result.name == source.name
    assert result.attrs == source.attrs
    xr.testing.assert_identical(result.coords.to_dataset(), source.coords.to_dataset())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", UNARY)
def test_xarray_data_array_keeps_dims_coords_name_attrs(name, dtype):
    source = data_array(dtype=dtype)
    result = UNARY[name](source)
    assert_same_labels(result, source)
    assert_identical(result.values, UNARY[name](source.values))


def test_xarray_dask_backed_data_array_stays_lazy():
    source = data_array((40, 6)).chunk({"time": 10})
    result = csigmoid.sigmoid(source)
    assert isinstance(result.data, da.Array) and result.chunks == source.chunks
    assert_same_labels(result, source)
    assert_identical(result.compute().values, csigmoid.sigmoid(source.values))
    y, dy = csigmoid.sigmoid_and_derivative(source)
    assert isinstance(y.data, da.Array) and isinstance(dy.data, da.Array)
    assert_same_labels(y, source)
    assert_identical(dy.values, csigmoid.sigmoid_derivative(source.values))


def test_xarray_sigmoid_and_derivative_gives_two_data_arrays():
    source = data_array()
    y, dy = csigmoid.sigmoid_and_derivative(source)
    assert_same_labels(y, source)
    assert_same_labels(dy, source)
    assert_identical(y.values, csigmoid.sigmoid(source.values))
    assert_identical(dy.values, csigmoid.sigmoid_derivative(source.values))


def test_xarray_dataset_is_applied_to_its_data_variables():
    dataset = xr.Dataset(
        {"a": data_array(), "b": ("site", np.linspace(-1, 1, 5, dtype=np.float32))}, attrs={"title": "t"}
    )
    result = csigmoid.log_sigmoid(dataset)
    assert isinstance(result, xr.Dataset)
    assert result.attrs == dataset.attrs and list(result.data_vars) == ["a", "b"]
    xr.testing.assert_identical(result.coords.to_dataset(), dataset.coords.to_dataset())
    for variable in ("a", "b"):
        assert result[variable].attrs == dataset[variable].attrs
        assert_identical(result[variable].values, csigmoid.log_sigmoid(dataset[variable].values))


def test_xarray_sigmoid_backward_broadcasts_by_dimension_name():
    grad = data_array()
    y = xr.DataArray(np.linspace(0.1, 0.9, 5), dims="site", coords={"site": grad.site})
    result = csigmoid.sigmoid_backward(grad, y)
    assert result.dims == ("time", "site")
    assert_identical(result.values, csigmoid.sigmoid_backward(grad.values, y.values))


def test_xarray_dataset_holding_dask_gives_two_lazy_datasets():
    dataset = xr.Dataset({"a": data_array(), "b": ("site", np.linspace(-1, 1, 5))}).chunk({"site": 2})
    y, dy = csigmoid.sigmoid_and_derivative(dataset)
    assert isinstance(y, xr.Dataset) and isinstance(y["a"].data, da.Array)
    for variable in ("a", "b"):
        assert_identical(dy[variable].values, csigmoid.sigmoid_derivative(dataset[variable].values))


# --------------------------------------------------------------------------- pandas

pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", UNARY)
def test_pandas_series_keeps_index_name_attrs(name, dtype):
    source = pd.Series(sample((9,), dtype), index=list("abcdefghi"), name="z")
    source.attrs["units"] = "1"
    result = UNARY[name](source)
    assert isinstance(result, pd.Series)
    assert result.index.equals(source.index) and result.name == "z"
    assert result.attrs == {"units": "1"}
    assert_identical(result.to_numpy(), UNARY[name](source.to_numpy()))


@pytest.mark.parametrize(
    "columns", [{"a": np.float64, "b": np.float64}, {"a": np.float32, "b": np.float64, "c": np.int64}]
)
def test_pandas_data_frame_keeps_index_columns_and_column_dtypes(columns):
    index = pd.Index([10, 20, 30, 40, 50, 60], name="row")
    frame = pd.DataFrame(
        {name: sample((6,), dtype, seed) for seed, (name, dtype) in enumerate(columns.items())}, index=index
    )
    for function in UNARY.values():
        result = function(frame)
        assert isinstance(result, pd.DataFrame)
        assert result.index.equals(index) and result.columns.equals(frame.columns)
        for column in frame.columns:
            assert_identical(result[column].to_numpy(), function(frame[column].to_numpy()))
    # the fused call: two frames with the dtypes sigmoid(frame) gives, column by column
    y, dy = csigmoid.sigmoid_and_derivative(frame)
    for result, function in ((y, csigmoid.sigmoid), (dy, csigmoid.sigmoid_derivative)):
        assert isinstance(result, pd.DataFrame)
        assert result.index.equals(index) and result.columns.equals(frame.columns)
        assert list(result.dtypes) == list(csigmoid.sigmoid(frame).dtypes)
        for column in frame.columns:
            assert_identical(result[column].to_numpy(), function(frame[column].to_numpy()))


def test_pandas_duplicate_and_empty_columns():
    frame = pd.DataFrame([[1.0, np.float32(2.0)]], columns=["x", "x"]).astype({"x": np.float64})
    assert list(csigmoid.sigmoid(frame).columns) == ["x", "x"]
    mixed = pd.concat([pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": np.float32([2.0])})], axis=1)
    result = csigmoid.sigmoid(mixed)
    assert list(result.columns) == ["x", "x"] and list(result.dtypes) == [np.float64, np.float32]
    empty = pd.DataFrame(index=[1, 2])
    result = csigmoid.sigmoid(empty)
    assert result.shape == (2, 0) and result.index.equals(empty.index)


def test_pandas_sigmoid_and_derivative_gives_two_series():
    source = pd.Series([-1.0, 0.0, 1.0], index=[3, 1, 2], name="h")
    y, dy = csigmoid.sigmoid_and_derivative(source)
    for result, function in ((y, csigmoid.sigmoid), (dy, csigmoid.sigmoid_derivative)):
        assert isinstance(result, pd.Series) and result.index.equals(source.index)
        assert result.name == "h"
        assert_identical(result.to_numpy(), function(source.to_numpy()))


def test_pandas_sigmoid_backward_aligns_labels_like_pandas_arithmetic():
    grad = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    y = pd.Series([0.5, 0.25, 0.75], index=["c", "a", "b"])
    result = csigmoid.sigmoid_backward(grad, y)
    expected = grad * y * (1 - y)
    assert result.index.equals(expected.index)
    np.testing.assert_allclose(result.to_numpy(), expected.to_numpy(), rtol=1e-15)
    with_array = csigmoid.sigmoid_backward(grad, np.array([0.5, 0.25, 0.75]))
    assert with_array.index.equals(grad.index)
    frame = pd.DataFrame({"u": [1.0, 2.0], "v": [3.0, 4.0]})
    result = csigmoid.sigmoid_backward(frame, np.array([0.5, 0.25]))  # per column, like NumPy
    assert_identical(result.to_numpy(), csigmoid.sigmoid_backward(frame.to_numpy(), [0.5, 0.25]))


def test_pandas_nullable_dtypes_keep_their_missing_values():
    source = pd.Series([1.0, None, -2.0], dtype="Float64")
    result = csigmoid.sigmoid(source)
    assert result.dtype == "Float64" and result.isna().tolist() == [False, True, False]
    assert_identical(result.dropna().to_numpy("float64"), csigmoid.sigmoid(np.array([1.0, -2.0])))


def nullable_frame():
    """Nullable float and int columns with <NA>, beside NumPy float32, float64 and int64
    ones, a duplicated column label and a duplicated, unordered index; with attrs."""
    frame = pd.DataFrame(
        {
            "f": pd.array([1.0, None, -2.0, 40.0], dtype="Float64"),
            "i": pd.array([None, 2, -3, 0], dtype="Int64"),
            "s": np.array([0.5, -0.5, 9.0, -100.0], dtype=np.float32),
            "d": [0.25, -8.0, 1e-300, 0.0],
            "n": [1, 2, 3, -4],
        },
        index=[3, 1, 1, 0],
    )
    frame.columns = ["f", "i", "s", "d", "f"]
    frame.attrs["units"] = "1"
    return frame


@pytest.mark.parametrize("columns", [[0], [1], [0, 1], [0, 2], [1, 3, 4], [0, 1, 2, 3, 4]])
def test_pandas_sigmoid_and_derivative_of_nullable_frames_keeps_missing_values(columns):
    frame = nullable_frame().iloc[:, columns]
    y, dy = csigmoid.sigmoid_and_derivative(frame)
    for result, function in ((y, csigmoid.sigmoid), (dy, csigmoid.sigmoid_derivative)):
        # a one-output ufunc of a frame: pandas computes it block by block, each keeping its dtype
        expected = function(frame)
        assert isinstance(result, pd.DataFrame)
        pd.testing.assert_frame_equal(result, expected, check_exact=True)
        assert result.attrs == {"units": "1"}
        assert result.isna().equals(frame.isna())


def test_pandas_sigmoid_and_derivative_of_nullable_series_keeps_missing_values():
    for dtype in ("Float64", "Int64", "Float32"):
        source = pd.Series([1, None, -2], dtype=dtype, index=list("abc"), name="h")
        y, dy = csigmoid.sigmoid_and_derivative(source)
        for result, function in ((y, csigmoid.sigmoid), (dy, csigmoid.sigmoid_derivative)):
            assert result.dtype == function(source).dtype and result.name == "h"
            assert result.isna().tolist() == [False, True, False]
            assert result.index.equals(source.index)


def test_pandas_sigmoid_and_derivative_of_a_frame_with_keywords_is_pandas_own():
    # pandas applies a ufunc's keywords to the frame as one array, for every ufunc: the
    # fused call is left to it then, and fails or succeeds as sigmoid does
    frame = nullable_frame()
    for function in (csigmoid.sigmoid, csigmoid.sigmoid_and_derivative):
        with pytest.raises(TypeError):
            function(frame, dtype=np.float64)
    plain = pd.DataFrame({"a": [0.5, 1.0], "b": [2.0, -3.0]})
    y, dy = csigmoid.sigmoid_and_derivative(plain, dtype=np.float32)
    assert list(y.dtypes) == list(csigmoid.sigmoid(plain, dtype=np.float32).dtypes)
    assert_identical(dy.to_numpy(), csigmoid.sigmoid_derivative(plain.to_numpy(), dtype=np.float32))


def test_pandas_sigmoid_and_derivative_of_a_frame_without_columns():
    empty = pd.DataFrame(index=[1, 2])
    for result in csigmoid.sigmoid_and_derivative(empty):
        assert result.shape == (2, 0) and result.index.equals(empty.index)


def test_pandas_bad_input_is_named():
    with pytest.raises(TypeError, match="logit"):
        csigmoid.logit(pd.DataFrame({"a": [0.5], "c": pd.Categorical(["x"])}))
    with pytest.raises(TypeError, match="'sigmoid'"):
        csigmoid.sigmoid(pd.DataFrame({"a": [0.5], "z": np.array([1j])}))
