"""`python -m csigmoid`: the main job (runs, passes its self-check, prints its
table), and the command line around it (help, version, commands)."""

import subprocess
import sys

import pytest

import csigmoid
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


def run_main(folder, *args):
    """`python -m csigmoid ARGS` from `folder` (an empty one: only the installed package imports)."""
    return subprocess.run(
        [sys.executable, "-m", "csigmoid", *args], cwd=folder, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_describes_the_main_job_and_each_command(flag, tmp_path):
    done = run_main(tmp_path, flag)
    assert done.returncode == 0 and not done.stderr
    out = done.stdout
    assert out.startswith("usage: python -m csigmoid")
    assert "self-check" in out and "--version" in out
    for command, words in (("bench", "time csigmoid against"), ("plot", "draw sigma and sigma'")):
        assert any(line.split()[:1] == [command] and words in line for line in out.splitlines())


def test_version_prints_csigmoids_version(tmp_path):
    done = run_main(tmp_path, "--version")
    assert done.returncode == 0
    assert done.stdout == f"csigmoid {csigmoid.__version__}\n"


@pytest.mark.parametrize(
    "command, prog", [("bench", "python -m csigmoid bench"), ("plot", "python -m csigmoid plot")]
)
def test_each_command_has_its_own_help(command, prog, capsys):
    with pytest.raises(SystemExit) as stop:
        main_job.main([command, "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: {prog} ")


def test_bench_contention_has_its_own_help(capsys):
    with pytest.raises(SystemExit) as stop:
        main_job.main(["bench", "--contention", "--help"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m csigmoid bench --contention ")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bogus"], "argument COMMAND: invalid choice: 'bogus' (choose from "),
        (["plt", "x.png"], "argument COMMAND: invalid choice: 'plt' (choose from "),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_a_bad_command_is_named(argv, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main_job.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m csigmoid")
    (error,) = [line for line in err.splitlines() if "error:" in line]
    assert message in error
    if "invalid choice" in error:
        assert "bench" in error and "plot" in error
