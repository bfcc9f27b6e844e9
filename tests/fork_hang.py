"""Show that a process forked after an OpenMP parallel region hangs in plain
C with this compiler's OpenMP runtime, and that csigmoid does not:

    python tests/fork_hang.py

Part 1 compiles a small C program (parallel region, fork(), parallel region
in the child) with $CC (default: cc) and runs it under a timeout: with GNU
libgomp the child hangs.  Part 2 runs every scenario of
tests/process_scenarios.py (os.fork and the multiprocessing start methods,
parent parallel before the fork or not) against the installed csigmoid.
Exits non-zero if csigmoid hangs or computes a wrong result.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent / "process_scenarios.py"
TIMEOUT = 10

PROGRAM = textwrap.dedent(
    """
    #include <omp.h>
    #include <stdio.h>
    #include <sys/wait.h>
    #include <unistd.h>
    static int team_size(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        return n;
    }
    int main(void) {
        printf("parent: parallel region of %d threads\\n", team_size());
        fflush(stdout);
        if (fork() == 0) { printf("child: parallel region of %d threads\\n", team_size()); return 0; }
        wait(NULL);
        return 0;
    }
    """
)


def plain_openmp():
    compiler = os.environ.get("CC", "cc")
    with tempfile.TemporaryDirectory() as tmp:
        source, binary = Path(tmp, "fork.c"), Path(tmp, "fork")
        source.write_text(PROGRAM)
        build = subprocess.run(
            [compiler, "-fopenmp", str(source), "-o", str(binary)], capture_output=True, text=True
        )
        if build.returncode != 0:
            print(f"  could not build it with {compiler} -fopenmp:\n{build.stderr}")
            return
        # a new session, so that the hung child can be killed with its parent
        process = subprocess.Popen(
            [str(binary)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "OMP_NUM_THREADS": "2"},
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=TIMEOUT)
            print(textwrap.indent(output, "  ") + "  -> the child finished: this runtime survives fork")
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            output, _ = process.communicate()
            print(
                textwrap.indent(output, "  ")
                + f"  -> the child HUNG in its first parallel region (killed after {TIMEOUT} s)"
            )


def main():
    print("1. plain C + OpenMP: parallel region, fork(), parallel region in the child")
    plain_openmp()
    print("2. csigmoid in child processes (tests/process_scenarios.py)")
    failures = 0
    for start in ("os.fork", "fork", "forkserver", "spawn"):
        for when in ("before", "none"):
            run = subprocess.run(
                [sys.executable, str(SCENARIOS), start, when], capture_output=True, text=True
            )
            status = {0: "ok", 1: "WRONG RESULT", 2: "HUNG"}.get(run.returncode, "CRASHED")
            failures += run.returncode != 0
            print(
                f"  {start:>10}, parent parallel {when:>6}: {status}  "
                f"{run.stdout.strip()}{run.stderr.strip()}"
            )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
