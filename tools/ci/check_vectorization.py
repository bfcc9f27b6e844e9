"""Assert that the compiler vectorized every kernel loop of a csigmoid build.

    python3 tools/ci/check_vectorization.py {gcc,clang} BUILD_LOG KERNELS_C...

BUILD_LOG holds the compiler's remarks: GCC's -fopt-info-vec-optimized, or
clang's -Rpass=loop-vectorize -Rpass-missed=loop-vectorize (with line
tables, -gline-tables-only, so that remarks carry a location).  KERNELS_C
are the C files Cython generated for the kernel variants
(csigmoid/_kernels/<variant>.c), as they were compiled, beside the .pxi
files they were generated from.

The kernel loops are the `for ... in range(...)` loops of the .pxi files
beside the C files (csigmoid/_kernels/*.pxi; the prange over threads is not one: it runs one
iteration per thread) that the C file was generated from: each variant
includes only some of them (the portable sigmoid only in the baseline, the
SIMD variants their intrinsics instead), and Cython's source comments name
the .pxi files a C file holds.  Cython writes each of them into the C file once per
fused-type specialization (float, double; only one for a loop under
`if real is float`), after a comment naming its .pxi
line; the first C `for (` after that comment is that copy of the loop.  Every
copy must have a "vectorized" remark at its line and, for clang, no "not
vectorized" one.  Prints one line per variant; exits 1 if any copy of any
loop was not vectorized.  Standard library only.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

KERNEL_LOOP = re.compile(r"^\s*for \w+ in range\(")
MARKER = re.compile(r'^\s*/\* "csigmoid/[\w/]+/(\w+\.pxi)":(\d+)$')
C_LOOP = re.compile(r"^\s*for \(")
# file:line:column: (remark|optimized|missed): text
REMARK = re.compile(r"(csigmoid/[\w/]+\.c):(\d+):\d+: (?:remark|optimized|missed): (.*)")
VECTORIZED = {
    "gcc": re.compile(r"loop vectorized using (\d+) byte vectors"),
    "clang": re.compile(r"vectorized loop \(vectorization width: (\d+)"),
}
NOT_VECTORIZED = {"gcc": None, "clang": re.compile(r"loop not vectorized")}


def kernel_loop_lines(folder, c_text):
    """(.pxi name, line number) of every kernel loop in the .pxi files of folder that c_text holds."""
    included = {m.group(1) for m in map(MARKER.match, c_text.splitlines()) if m}
    return {
        (pxi.name, number)
        for pxi in sorted(folder.glob("*.pxi"))
        if pxi.name in included
        for number, line in enumerate(pxi.read_text().splitlines(), 1)
        if KERNEL_LOOP.match(line)
    }


def loop_copies(c_text, loops):
    """C line -> (.pxi name, line), for the C `for (` of every copy of every kernel loop."""
    copies = {}
    pending = None
    for number, line in enumerate(c_text.splitlines(), 1):
        marker = MARKER.match(line)
        if marker:
            source = marker.group(1), int(marker.group(2))
            pending = source if source in loops else None
        elif pending is not None and C_LOOP.match(line):
            copies[number] = pending
            pending = None
    return copies


def main(compiler, log_path, c_paths):
    remarks = defaultdict(list)  # (C file name, line) -> remark texts
    for match in REMARK.finditer(Path(log_path).read_text(errors="replace")):
        remarks[Path(match.group(1)).name, int(match.group(2))].append(match.group(3))
    failures = []
    for c_path in c_paths:
        name = Path(c_path).name
        c_text = Path(c_path).read_text()
        loops = kernel_loop_lines(Path(c_path).parent, c_text)
        if not loops:
            sys.exit(f"no kernel loop found in the .pxi files {c_path} was generated from")
        copies = loop_copies(c_text, loops)
        found = sorted(set(copies.values()))
        if found != sorted(loops):
            failures.append(f"{name}: kernel loops at {sorted(loops)}, copies found for {found}")
        widths, vectorized = [], 0
        for c_line, (pxi, pxi_line) in sorted(copies.items()):
            texts = remarks.get((name, c_line), [])
            done = [m.group(1) for t in texts for m in [VECTORIZED[compiler].search(t)] if m]
            missed = NOT_VECTORIZED[compiler]
            refused = [t for t in texts if missed is not None and missed.search(t)]
            if not done or refused:
                failures.append(f"{name}:{c_line} ({pxi}:{pxi_line}) not vectorized: {texts or 'no remark'}")
            widths += done
            vectorized += bool(done) and not refused
        unit = "bytes" if compiler == "gcc" else "lanes"
        print(
            f"{name}: {len(copies)} kernel loop copies (of {len(loops)} loops, one copy per "
            f"fused type a loop is written for), vectorized: "
            f"{vectorized}; vector {unit}: "
            f"{' '.join(sorted(set(widths), key=int)) or '-'}"
        )
    for failure in failures:
        print(f"NOT VECTORIZED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in VECTORIZED:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
