"""`python -m csigmoid bench` (csigmoid/_bench/peers.py, worker.py): its tables, figures and
options, and how a worker times its contender."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from csigmoid._bench import peers, worker
from csigmoid._cpu import features


def run_bench(folder, *args, env=None, timeout=600):
    """`python -m csigmoid bench ARGS` run from `folder` (an empty one: only
    the installed package is importable), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "csigmoid", "bench", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_bench_runs_and_writes_its_figures(tmp_path):
    # a small run, from an empty folder so that only the installed package is imported
    figures = tmp_path / "bench.json"
    done = run_bench(
        tmp_path,
        *("--sizes", "1e2,3e3", "--rounds", "2", "--case-seconds", "0", "--threads", "1,2"),
        *("--peers", "numpy", "--json", str(figures)),
    )
    assert done.returncode == 0, done.stderr
    for operation in peers.OPERATIONS:
        for dtype in ("float32", "float64"):
            for threads in ("1 thread", "2 threads"):
                assert f"{peers.TITLES[operation]}: {dtype}, {threads}" in done.stdout
    # every contender's worker ran once per round and thread count, in turn
    for threads in ("1 thread", "2 threads"):
        for contender in ("csigmoid", "numpy", "copy limit"):
            for round_ in (1, 2):
                assert f"round {round_}/2, {threads}: {contender} ..." in done.stderr
    saved = json.loads(figures.read_text())
    contenders = {(r["operation"], r["contender"]) for r in saved["results"]}
    for operation in peers.OPERATIONS:
        assert (operation, "csigmoid") in contenders
        assert (operation, "numpy") in contenders
        assert ((operation, "copy limit") in contenders) == (operation != "sigmoid-alloc")
    for record in saved["results"]:
        assert len(record["seconds_per_call"]) == 2 * peers.BATCHES  # rounds x batches
        assert record["best_ns_per_element"] > 0
        assert record["threads"] in (1, 2)
    assert saved["machine"]["kernel_variant"] in ("baseline", "avx2", "avx512")
    assert "Targets" not in done.stdout
    assert saved["machine"]["versions"]["numpy"] == np.__version__


def test_worker_times_one_contender_alone(tmp_path):
    """A worker reports its library's version, then one record per case it can do;
    it imports no other contender's library."""
    spec = {
        "contender": "scipy",
        "threads": 1,
        "sizes": [64],
        "dtypes": ["float32"],
        "ops": ["sigmoid", "sigmoid_backward"],
        "batches": 2,
        "case_seconds": 0.05,
    }
    pytest.importorskip("scipy")
    probe = (
        "import json, sys, runpy; sys.argv = ['w', sys.argv[1]]\n"
        "try:\n    runpy.run_module('csigmoid._bench.worker', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in ('torch', 'numexpr', 'numba', 'jax') "
        "if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(spec)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    import scipy

    assert lines[0] == {"version": scipy.__version__}
    # scipy has no sigmoid_backward: one record, for sigmoid
    assert [(r["operation"], r["contender"]) for r in lines[1:-1]] == [("sigmoid", "scipy")]
    assert len(lines[1]["seconds_per_call"]) >= 2
    assert lines[-1] == []


def test_the_copy_limit_is_the_faster_of_the_team_and_one_thread(capsys):
    """A case with several ways (the copy: on the team and on one thread) is
    timed each way and reported by the way with the best batch."""
    spec = {"dtypes": ["float64"], "sizes": [16], "ops": ["sigmoid"], "batches": 2, "case_seconds": 0}

    def make(operation, arrays):
        return (lambda: time.sleep(0.002), lambda: None)

    worker.time_cases(spec, worker.COPY, make)
    record = json.loads(capsys.readouterr().out)
    assert len(record["seconds_per_call"]) == 2
    assert max(record["seconds_per_call"]) < 0.001, record  # the fast way's batches


@pytest.mark.parametrize("threads", [1, 2])
def test_the_copy_worker_copies_on_the_team_and_on_one_thread(threads):
    _, make = worker.copy_calls(threads)
    arrays = worker.Arrays(1000, "float32")
    assert make("sigmoid-alloc", arrays) is None  # no allocating copy to compare with
    ways = make("sigmoid", arrays)
    assert len(ways) == (1 if threads == 1 else 2)
    for way in ways:
        arrays.out[...] = np.nan
        way()
        np.testing.assert_array_equal(arrays.out, arrays.x)


def test_workers_get_every_library_thread_switch():
    one = peers.worker_environment(1)
    for name in ("OMP_NUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS"):
        assert one[name] == "1"
    assert "intra_op_parallelism_threads=1" in one["XLA_FLAGS"]
    assert peers.worker_environment(2)["OMP_NUM_THREADS"] == "2"


def test_a_peer_that_is_not_installed_is_left_out(tmp_path):
    # a numexpr on the path that cannot be imported, as when it is not installed
    (tmp_path / "numexpr").mkdir()
    (tmp_path / "numexpr" / "__init__.py").write_text("raise ModuleNotFoundError('numexpr')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    done = run_bench(
        tmp_path,
        *("--sizes", "100", "--rounds", "1", "--case-seconds", "0", "--threads", "1"),
        *("--peers", "numexpr", "--ops", "sigmoid", "--no-copy"),
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "not installed, not compared: numexpr" in done.stdout
    assert "| 1e2 | " in done.stdout  # csigmoid's own row is there


def test_targets_are_judged_from_the_figures(capsys):
    # csigmoid twice as fast as torch at 1e6 meets "<= 0.75 x torch"; at 1e4 it misses 0.6 x;
    # float64 at 1e8 against the copy: 1.5 x meets the avx2 target (1.6), not the avx512 one
    results = [
        {
            "operation": operation,
            "dtype": dtype,
            "size": size,
            "threads": 2,
            "contender": name,
            "best_ns_per_element": value,
        }
        for operation, dtype, size, name, value in [
            ("sigmoid", "float32", 10**6, "csigmoid", 1.0),
            ("sigmoid", "float32", 10**6, "torch", 2.0),
            ("sigmoid", "float32", 10**4, "csigmoid", 1.0),
            ("sigmoid", "float32", 10**4, "torch", 1.25),
            ("sigmoid", "float64", 10**8, "csigmoid", 1.5),
            ("sigmoid", "float64", 10**8, "copy limit", 1.0),
        ]
    ]
    peers.check_targets(results, 2, "avx2")
    out = capsys.readouterr().out
    assert "| sigmoid | float32 | 1e6 | 2 | <= 0.75 x torch | 0.50 | met |" in out
    assert "| sigmoid | float32 | 1e4 | 2 | <= 0.6 x torch | 0.80 | **not met** |" in out
    assert "| sigmoid | float64 | 1e8 | 2 | <= 1.6 x copy limit | 1.50 | met |" in out
    peers.check_targets(results, 2, "avx512")
    assert "| sigmoid | float64 | 1e8 | 2 | <= 1.15 x copy limit | 1.50 | **not met** |" in (
        capsys.readouterr().out
    )


def fake_measure(times_ns):
    """A stand-in for peers.measure: the figures {contender: ns per element} for
    sigmoid of 1e6 float32 values, as if timed on whichever thread count."""

    def measure(args, threads, contenders, say):
        size = 10**6
        times = {c: {("sigmoid", "float32", size): [ns * size * 1e-9]} for c, ns in times_ns.items()}
        return times, {c: "1.0" for c in times_ns}

    return measure


@pytest.mark.parametrize("targets", [False, True])
def test_bench_prints_peers_and_ratios_and_the_targets_only_on_request(targets, monkeypatch, capsys):
    monkeypatch.setattr(peers, "measure", fake_measure({"csigmoid": 1.0, "torch": 2.0, "copy limit": 0.8}))
    all_threads = str(features.max_threads())
    argv = ["--sizes", "1e6", "--dtypes", "float32", "--ops", "sigmoid", "--threads", all_threads]
    assert peers.main(argv + ["--peers", "torch"] + (["--targets"] if targets else [])) == 0
    out = capsys.readouterr().out
    assert "| size | csigmoid | torch | copy limit | csigmoid / best peer | csigmoid / copy |" in out
    assert "| 1e6 | 1 (1) | 2 (2) | 0.8 (0.8) | 0.50 | 1.25 |" in out
    assert ("### Targets" in out) == targets
    assert ("<= 0.75 x torch | 0.50 | met |" in out) == targets
    assert "not met" not in out


def test_bench_help_lists_targets_and_contention(capsys):
    with pytest.raises(SystemExit) as stop:
        peers.main(["--help"])
    assert stop.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--targets also judge the project's speed targets" in out
    assert "python -m csigmoid bench --contention" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--plot", "nodir/bench.png"], "--plot: the folder {tmp}/nodir does not exist"),
        (["--json", "nodir/bench.json"], "--json: the folder {tmp}/nodir does not exist"),
        (["--plot", "bench.xyz"], "--plot: the file's suffix must name a format matplotlib writes"),
    ],
)
def test_bench_checks_its_output_files_before_timing(argv, message, tmp_path, monkeypatch, capsys):
    if "--plot" in argv:
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        peers.main([*argv, "--sizes", "100"])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert message.format(tmp=tmp_path) in captured.err
    assert "csigmoid" not in captured.out  # nothing was timed


@pytest.mark.parametrize(
    "argv",
    [
        ["--sizes", "big"],
        ["--dtypes", "float16"],
        ["--ops", "tanh"],
        ["--threads", "0"],
        ["--peers", "tensorflow"],
        ["--case-seconds", "-1"],
    ],
)
def test_bench_rejects_bad_options(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        peers.main(argv)
    assert stop.value.code == 2
    assert "error" in capsys.readouterr().err


def test_bench_plot_without_matplotlib_stops_before_timing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    with pytest.raises(SystemExit) as stop:
        peers.main(["--plot", "bench.png", "--sizes", "100"])
    assert stop.value.code == 2
    captured = capsys.readouterr()
    assert 'python -m pip install "csigmoid[bench]"' in captured.err
    assert "csigmoid" not in captured.out  # nothing was timed
