"""`python -m csigmoid`, the main job: runs, passes its self-check, prints its table."""

import subprocess
import sys

from csigmoid import __main__ as main_job
from csigmoid._reference import STORED


def test_main_job_runs_and_passes_its_self_check(tmp_path):
    # run from an empty folder, so that only the installed package can be imported
    done = subprocess.run(
        [sys.executable, "-m", "csigmoid"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "kernel in use" in out
    assert out.count(" ok") == 4 and "FAILED" not in out
    for dtype in ("float32", "float64"):
        for size in main_job.SIZES:
            assert any(line.split()[:2] == [dtype, f"{size:,}"] for line in out.splitlines())


def test_self_check_fails_when_a_value_is_wrong(monkeypatch, capsys):
    # the self-check must be able to fail: corrupt one stored value
    x = 2.0
    wrong = dict(STORED)
    wrong[x] = ("0.9", STORED[x][1])
    monkeypatch.setattr(main_job, "STORED", wrong)
    assert main_job.check_stored_values() is False
    assert "FAILED" in capsys.readouterr().out


def test_main_job_rejects_arguments(capsys):
    assert main_job.main(["--bogus"]) == 2
    assert "usage" in capsys.readouterr().err
