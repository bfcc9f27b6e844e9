"""examples/: each script run as a user would, on small sizes, and its output checked.

Every example has its tests here, named test_<example>_... (one section per
example below); test_every_example_is_runnable_and_tested holds new examples
to that.

The scripts run as subprocesses from an empty temporary folder with the
installed csigmoid: `python examples/x.py` puts examples/ on sys.path, not the
checkout, so the checkout's csigmoid/ folder cannot shadow the installed package.
"""

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))


def run_example(name, *args, cwd):
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def load_example(name):
    """The example as a module, to reuse its data generator."""
    spec = importlib.util.spec_from_file_location(f"example_{Path(name).stem}", EXAMPLES / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_examples_are_found():
    assert {script.name for script in SCRIPTS} >= {"xor_network.py", "logistic_scoring.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda script: script.name)
def test_every_example_is_runnable_and_tested(script):
    tree = ast.parse(script.read_text())
    docstring = ast.get_docstring(tree)
    assert docstring and "Run:" in docstring, f"{script.name}: a docstring saying how to run it"
    assert any(
        isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'" for node in tree.body
    ), f'{script.name}: no `if __name__ == "__main__":`'
    tests = [name for name in globals() if name.startswith(f"test_{script.stem}_")]
    assert tests, f"{script.name} has no test_{script.stem}_... in tests/test_examples.py"


# --- examples/xor_network.py ----------------------------------------------------------


def xor_run(tmp_path, *args):
    done = run_example("xor_network.py", *args, cwd=tmp_path)
    losses = [
        float(m.group(1)) for m in re.finditer(r"^epoch +\d+ +loss ([\d.]+)", done.stdout, re.MULTILINE)
    ]
    predictions = {
        (int(a), int(b)): (int(target), float(p))
        for a, b, target, p in re.findall(
            r"^ +(\d) xor (\d) = (\d) +network: ([\d.]+)$", done.stdout, re.MULTILINE
        )
    }
    return done, losses, predictions


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_xor_network_converges_and_prints_the_loss_falling(tmp_path, seed):
    done, losses, predictions = xor_run(tmp_path, "--seed", str(seed))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(losses) >= 5
    assert all(later <= earlier for earlier, later in zip(losses, losses[1:]))
    assert losses[-1] < 0.01 < losses[0]
    assert predictions.keys() == {(0, 0), (0, 1), (1, 0), (1, 1)}
    for (a, b), (target, prediction) in predictions.items():
        assert target == a ^ b
        assert abs(prediction - target) < 0.2
    assert "solved" in done.stdout and "NOT" not in done.stdout


def test_xor_network_says_so_when_it_has_not_converged(tmp_path):
    done, losses, _ = xor_run(tmp_path, "--epochs", "20")
    assert done.returncode == 1
    assert "NOT solved" in done.stdout
    assert losses[-1] > 0.1


def test_xor_network_rejects_bad_sizes(tmp_path):
    done = run_example("xor_network.py", "--hidden", "0", cwd=tmp_path)
    assert done.returncode == 2 and "--hidden" in done.stderr


# --- examples/logistic_scoring.py -------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logistic_scoring_matches_the_reference(tmp_path, dtype):
    # a batch size that does not divide the rows: the last batch uses part of the buffers
    rows, features, seed = 20_000, 8, 3
    done = run_example(
        "logistic_scoring.py",
        "--rows",
        str(rows),
        "--features",
        str(features),
        "--batch",
        "3000",
        "--sample",
        "700",
        "--dtype",
        dtype,
        "--seed",
        str(seed),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"throughput: [\d,]+ rows/s", out)
    check = re.search(r"check on 700 sampled rows .* worst error/bound ([\d.]+) -> ok$", out, re.MULTILINE)
    assert check and float(check.group(1)) <= 1.0

    # its summary, against sigma(X @ w) in float64 over every row of the same data
    matrix, weights = load_example("logistic_scoring.py").make_data(rows, features, np.dtype(dtype), seed)
    reference = 1.0 / (1.0 + np.exp(-(matrix.astype(np.float64) @ weights.astype(np.float64))))
    above, mean = re.search(
        r"summary: ([\d,]+) of [\d,]+ rows .* mean score ([\d.]+)$", out, re.MULTILINE
    ).groups()
    # rows within float error of the threshold may fall either side
    undecided = np.abs(reference - 0.5) <= 1e-5
    surely_above = np.count_nonzero((reference > 0.5) & ~undecided)
    assert surely_above <= int(above.replace(",", "")) <= surely_above + undecided.sum()
    assert float(mean) == pytest.approx(reference.mean(), abs=2e-6)


def test_logistic_scoring_rejects_bad_sizes(tmp_path):
    done = run_example("logistic_scoring.py", "--rows", "0", cwd=tmp_path)
    assert done.returncode == 2 and "--rows" in done.stderr


# --- examples/dask_batch.py -------------------------------------------------------------


def test_dask_batch_summarises_on_a_two_process_cluster(tmp_path):
    pytest.importorskip("distributed")
    size, chunk, seed = 300_000, 40_000, 5
    done = run_example(
        "dask_batch.py",
        "--size",
        str(size),
        "--chunk",
        str(chunk),
        "--workers",
        "2",
        "--seed",
        str(seed),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert re.search(r"300,000 float32 values in 8 chunks of 40,000, on 2 worker processes", out)
    assert "100% Completed" in out  # the progress bar
    assert "first chunk identical to csigmoid in this process: True" in out
    mean_y, max_dy, vanishing = re.search(
        r"mean sigma\(x\) ([\d.]+), max sigma'\(x\) ([\d.]+), sigma'\(x\) < 0.01: ([\d.]+)% ", out
    ).groups()

    # the same values (Dask's generator is deterministic per seed and chunks), summarised
    # here in float64 from 1 / (1 + exp(-x))
    x = load_example("dask_batch.py").make_values(size, chunk, seed).compute().astype(np.float64)
    y = 1.0 / (1.0 + np.exp(-x))
    dy = y * (1.0 - y)
    assert float(mean_y) == pytest.approx(y.mean(), abs=1e-6)
    assert float(max_dy) == pytest.approx(dy.max(), abs=1e-6)
    assert float(vanishing) == pytest.approx(100 * np.mean(dy < 0.01), abs=0.06)


def test_dask_batch_rejects_bad_sizes(tmp_path):
    pytest.importorskip("dask.array")
    done = run_example("dask_batch.py", "--chunk", "0", cwd=tmp_path)
    assert done.returncode == 2 and "--chunk" in done.stderr
