"""`python -m csigmoid bench --contention` (csigmoid/_bench_contention.py):
a short run of every scenario prints its tables and targets and saves its
figures; repeated runs are summarised by medians; bad arguments are usage
errors."""

import json
import subprocess
import sys

import pytest

from csigmoid._bench import contention
from csigmoid._cpu import usable


def test_contention_bench_runs_every_scenario(tmp_path):
    figures = tmp_path / "contention.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csigmoid",
            "bench",
            "--contention",
            "--sizes",
            "2e4",
            "--seconds",
            "0.2",
            "--no-torch",
            "--json",
            str(figures),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "### Right after a NumPy matmul" in out and "### Processes on" in out
    cpus = usable.USABLE.count
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
        assert len(record["runs"]) == 1
        for run in record["runs"]:
            for report in run:
                assert report["calls"] > 0 and report["median_us"] <= report["p99_us"]
    targets = out.split("### Targets")[1]
    assert targets.count("\n- ") == 2 + 1 + 1 + 2 + ("quota" not in saved["skipped"])


def test_repeated_runs_are_summarised_by_medians():
    def report(rate, median, p90, p99):
        return {"gelem_per_s": rate, "median_us": median, "p90_us": p90, "p99_us": p99}

    runs = [
        [report(1.0, 10, 20, 30), report(0.5, 12, 50, 90)],  # two processes at once
        [report(0.2, 40, 60, 900), report(0.2, 44, 70, 1000)],
        [report(0.9, 11, 25, 35), report(0.6, 13, 30, 40)],
    ]
    assert contention.summary(runs) == {
        "gelem_per_s": 1.5,
        "median_us": 12,
        "p90_us": 50,
        "p99_us": 90,
    }


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--sizes", "ten"], "comma-separated numbers"),
        (["--scenarios", "matmul,lunch"], "--scenarios"),
        (["--seconds", "0"], "positive"),
        (["--repeat", "0"], "positive"),
    ],
)
def test_contention_bench_refuses_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        contention.parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
