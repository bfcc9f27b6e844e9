"""`python -m csigmoid bench` and the copy kernel it measures against."""

import json
import subprocess
import sys

import numpy as np
import pytest

import csigmoid
from csigmoid import _api, _bench

from layouts import KERNEL_DTYPES


@pytest.mark.parametrize("dtype", KERNEL_DTYPES)
@pytest.mark.parametrize("size", [0, 1, 17, 100_003])
def test_parallel_copy_copies_every_element(dtype, size):
    src = np.random.default_rng(size).standard_normal(size).astype(dtype)
    dst = np.full_like(src, np.nan)
    for threads in (1, 2):
        dst[...] = np.nan
        with csigmoid.threads(threads):
            _api.parallel_copy(src, dst)
        np.testing.assert_array_equal(dst, src)


def test_parallel_copy_rejects_what_it_cannot_copy():
    src = np.zeros(8)
    with pytest.raises(TypeError, match="float32 or float64"):
        _api.parallel_copy(np.zeros(8, dtype=np.int64), src)
    with pytest.raises(TypeError, match="ndarray"):
        _api.parallel_copy([0.0] * 8, src)
    for dst in (np.zeros(8, np.float32), np.zeros(9), src, src[::-1]):
        with pytest.raises(ValueError, match="dst"):
            _api.parallel_copy(src, dst)
    read_only = np.zeros(8)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="dst"):
        _api.parallel_copy(src, read_only)


def test_bench_runs_and_writes_its_figures(tmp_path):
    # a small run, from an empty folder so that only the installed package is imported
    figures = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csigmoid",
            "bench",
            "--sizes",
            "1e2,3e3",
            "--rounds",
            "2",
            "--peers",
            "numpy",
            "--json",
            str(figures),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for operation in _bench.OPERATIONS:
        for dtype in ("float32", "float64"):
            assert f"{_bench.TITLES[operation]}: {dtype}" in done.stdout
    last = len(_bench.OPERATIONS) * 4
    assert f"[{last}/{last}]" in done.stderr  # the progress line reached the last case
    saved = json.loads(figures.read_text())
    contenders = {(r["operation"], r["contender"]) for r in saved["results"]}
    for operation in _bench.OPERATIONS:
        assert (operation, "csigmoid") in contenders
        assert any(c.startswith("numpy") for o, c in contenders if o == operation)
        assert ((operation, "copy limit") in contenders) == (operation != "sigmoid-alloc")
    for record in saved["results"]:
        assert len(record["seconds_per_call"]) == 2
        assert record["best_ns_per_element"] > 0
    assert saved["machine"]["kernel_variant"] in ("baseline", "avx2", "avx512")


def test_targets_are_judged_from_the_figures(capsys):
    # csigmoid twice as fast as torch at 1e6 meets "<= 0.75 x torch"; at 1e4 it misses 0.6 x
    results = [
        {
            "operation": "sigmoid",
            "dtype": "float32",
            "size": size,
            "threads": 2,
            "contender": name,
            "best_ns_per_element": value,
        }
        for size, name, value in [
            (10**6, "csigmoid", 1.0),
            (10**6, "torch", 2.0),
            (10**4, "csigmoid", 1.0),
            (10**4, "torch", 1.25),
        ]
    ]
    _bench.check_targets(results, 2)
    out = capsys.readouterr().out
    assert "| sigmoid | float32 | 1e6 | 2 | <= 0.75 x torch | 0.50 | met |" in out
    assert "| sigmoid | float32 | 1e4 | 2 | <= 0.6 x torch | 0.80 | **not met** |" in out


@pytest.mark.parametrize(
    "argv",
    [["--sizes", "big"], ["--dtypes", "float16"], ["--ops", "tanh"], ["--threads", "0"], ["--peers", "jax"]],
)
def test_bench_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        _bench.main(argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_bench_plot_without_matplotlib_stops_before_timing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    with pytest.raises(SystemExit) as stop:
        _bench.main(["--plot", "bench.png", "--sizes", "100"])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert 'python -m pip install "csigmoid[bench]"' in captured.err
    assert "csigmoid" not in captured.out  # nothing was timed
