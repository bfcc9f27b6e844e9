"""`python -m csigmoid bench --contention` (csigmoid/_bench_contention.py):
a short run of every scenario, each twice, prints its tables and targets and
saves its figures; bad arguments are usage errors."""
import json
import subprocess
import sys

import pytest

from csigmoid import _bench_contention, _cpu_count


def test_contention_bench_runs_every_scenario(tmp_path):
    figures = tmp_path / "contention.json"
    done = subprocess.run(
        [sys.executable, "-m", "csigmoid", "bench", "--contention", "--sizes", "2e4",
         "--seconds", "0.2", "--repeat", "2", "--no-torch", "--json", str(figures)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "### Right after a NumPy matmul" in out and "### Processes on" in out
    cpus = _cpu_count.USABLE.count
    for setting in ("| alone |", f"| {cpus} at once |", f"| beside {cpus - 1} busy |"):
        assert setting in out
    saved = json.loads(figures.read_text())
    cases = {(f["scenario"], f["setting"], f["contender"]) for f in saved["figures"]}
    for contender in ("csigmoid", "csigmoid 1 thread"):
        assert ("matmul", "after matmul", contender) in cases
        assert ("processes", f"{cpus} at once", contender) in cases
    if "quota" in saved["skipped"]:
        assert f"quota: skipped ({saved['skipped']['quota']})" in out
    else:
        assert ("quota", "1-CPU quota", "csigmoid") in cases
        assert "in the 1-CPU quota, csigmoid's default is 1 thread(s), from usable CPUs" in out
    for record in saved["figures"]:
        assert len(record["runs"]) == 2
        for run in record["runs"]:
            for report in run:
                assert report["calls"] > 0 and report["median_us"] <= report["p99_us"]
    targets = out.split("### Targets")[1]
    assert targets.count("\n- ") == 2 + 1 + 1 + 2 + ("quota" not in saved["skipped"])


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "ten"], "comma-separated numbers"),
    (["--scenarios", "matmul,lunch"], "--scenarios"),
    (["--seconds", "0"], "positive"),
    (["--repeat", "0"], "positive"),
])
def test_contention_bench_refuses_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        _bench_contention.parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
