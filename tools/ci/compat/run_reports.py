"""The summary the compatibility scripts print after their pytest runs: each
run's JSON report (written by the plugin's --csigmoid-report) read back and
described by the plugin that wrote it."""

import json


def summarize(paths, describe):
    """Print the reports at `paths` as one summary, each through
    describe(report) -> lines; return 1 if any run failed or left no report."""
    status, versions = 0, None
    for path in paths:
        try:
            with open(path, encoding="utf-8") as file:
                report = json.load(file)
        except FileNotFoundError:
            print(f"{path}: no report (that pytest run stopped before its summary)")
            status = 1
            continue
        if versions is None:
            versions = report["versions"]
            print("versions: " + ", ".join(f"{n} {v}" for n, v in versions.items() if v))
        print("\n".join(describe(report)))
        if report["failures"] or report["outcomes"].get("failed") or report["outcomes"].get("error"):
            status = 1
    return status
