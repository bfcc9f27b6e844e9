"""csigmoid in child processes: os.fork and every multiprocessing start method,
with and without a parallel region in the parent before the children start
(csigmoid/_parallel/include/team_policy.h).  Each scenario runs in a fresh interpreter
(tests/process_scenarios.py), so that whether the parent has started OpenMP's
threads is decided by the scenario, not by the tests that ran before."""

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

import process_scenarios

SCENARIOS = Path(process_scenarios.__file__)


def available(start):
    if start == "os.fork":
        return hasattr(os, "fork")
    return start in multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("when", process_scenarios.WHEN)
@pytest.mark.parametrize("start", process_scenarios.START_METHODS)
def test_children_finish_with_correct_results(start, when):
    if not available(start):
        pytest.skip(f"{start} is not available on this platform")
    try:
        run = subprocess.run(
            [sys.executable, str(SCENARIOS), start, when],
            capture_output=True,
            text=True,
            timeout=3 * process_scenarios.TIMEOUT,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"the parent process hung (output so far: {timeout.stdout!r})")
    assert run.returncode != 2, f"a child process hung: {run.stdout}{run.stderr}"
    assert run.returncode == 0, f"wrong results or a crash: {run.stdout}{run.stderr}"
    report = json.loads(run.stdout.splitlines()[-1])
    new_threads = [child[2] for child in report["children"]]
    if None in new_threads or report["max_threads"] < 2:
        return  # thread counts not observable, or nothing to start
    if start in ("os.fork", "fork") and when == "before":
        # libgomp's pool did not survive the fork: the child must not try to use it
        assert new_threads == [0] * len(new_threads)
    else:
        # a child with an intact runtime keeps its threads (a worker that ran
        # both tasks reports 0 for the second)
        assert max(new_threads) == report["max_threads"] - 1
