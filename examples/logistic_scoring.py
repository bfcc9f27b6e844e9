"""Logistic-regression scoring of a large feature matrix, in batches, with no
allocation per batch.

Each batch of rows is scored as p = sigma(X_batch @ w): ``np.matmul(...,
out=logits)`` and ``csigmoid.sigmoid(logits, out=scores)`` write into two
buffers allocated once and reused by every batch (the last, shorter batch
uses their leading part).  The scores are consumed as they come (a count
above the decision threshold, a mean), as a scoring service streaming rows
would; the scores of a random sample of rows are kept to check them.

The synthetic data: X standard normal with a first column of ones (the
intercept), w normal scaled by 1 / sqrt(features).

Printed: the throughput (rows/s, and the share of time spent in
csigmoid.sigmoid), the summary, and a check of the sampled scores against
1 / (1 + exp(-z)) with z = x @ w evaluated in float64 from the same data.
The check's tolerance is a proven bound, not a guess: for a dot product of
n terms in a float type of unit roundoff u (in any summation order, with or
without FMA), |z_computed - z| <= gamma_n * sum |x_i w_i| with
gamma_n = n u / (1 - n u); sigma' <= 1/4 carries that into the score, and
csigmoid.sigmoid adds at most 2 ulps of the score.  Exits with status 1 if
any sampled score is outside it.

Run:  python examples/logistic_scoring.py [--rows 1000000] [--features 32]
      [--batch 65536] [--dtype float32]
"""

import argparse
import sys
import time

import numpy as np
import numpy.typing as npt

import csigmoid

DECISION_THRESHOLD = 0.5


def positive_int(text: str) -> int:
    value = int(float(text))
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {text}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--rows",
        type=positive_int,
        default=1_000_000,
        help="rows in the feature matrix, e.g. 1e6 (default: %(default)s)",
    )
    parser.add_argument(
        "--features",
        type=positive_int,
        default=32,
        help="columns, the first being the intercept's ones (default: %(default)s)",
    )
    parser.add_argument(
        "--batch", type=positive_int, default=65_536, help="rows scored per batch (default: %(default)s)"
    )
    parser.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float32",
        help="float type of the data and the scores (default: %(default)s)",
    )
    parser.add_argument(
        "--sample",
        type=positive_int,
        default=10_000,
        help="rows checked against the float64 reference (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, help="data seed (default: %(default)s)")
    return parser.parse_args(argv)


def make_data(
    rows: int,
    features: int,
    dtype: np.dtype[np.floating],
    seed: int,
) -> tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]]:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((rows, features), dtype=dtype)
    matrix[:, 0] = 1.0
    weights = (rng.standard_normal(features) / np.sqrt(features)).astype(dtype)
    return matrix, weights


def reference_check(
    matrix: npt.NDArray[np.floating],
    weights: npt.NDArray[np.floating],
    rows: npt.NDArray[np.intp],
    scores: npt.NDArray[np.floating],
) -> bool:
    """Compare `scores` of the sampled `rows` with sigma(x @ w) evaluated in
    float64 (the textbook formula; its own error, a few float64 ulps, is far
    below the bound); print the worst error against the bound."""
    x = matrix[rows].astype(np.float64)
    w = weights.astype(np.float64)
    reference = 1.0 / (1.0 + np.exp(-(x @ w)))
    finfo = np.finfo(matrix.dtype)
    n = matrix.shape[1]
    unit_roundoff = float(finfo.eps) / 2
    gamma_n = n * unit_roundoff / (1 - n * unit_roundoff)
    logit_bound = gamma_n * (np.abs(x) @ np.abs(w))
    sigmoid_ulp = np.spacing(scores.astype(matrix.dtype)).astype(np.float64)
    bound = 0.25 * logit_bound + 2 * sigmoid_ulp + 4 * np.spacing(reference)
    error = np.abs(scores.astype(np.float64) - reference)
    worst = int(np.argmax(error / bound))
    within = bool(np.all(error <= bound))
    print(
        f"check on {len(rows):,} sampled rows against 1/(1+exp(-x@w)) in float64: "
        f"max |error| {error.max():.3e}, worst error/bound {error[worst] / bound[worst]:.3f} "
        f"-> {'ok' if within else 'FAILED'}"
    )
    return within


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    dtype = np.dtype(args.dtype)
    matrix, weights = make_data(args.rows, args.features, dtype, args.seed)
    sample_rows = np.sort(
        np.random.default_rng(args.seed + 1).choice(
            args.rows, size=min(args.sample, args.rows), replace=False
        )
    )
    sample_scores = np.empty(len(sample_rows), dtype=dtype)

    batch = min(args.batch, args.rows)
    logits = np.empty(batch, dtype=dtype)  # both buffers reused by every batch
    scores = np.empty(batch, dtype=dtype)
    above, total = 0, 0.0
    sigmoid_seconds = 0.0
    start_all = time.perf_counter()
    for start in range(0, args.rows, batch):
        stop = min(start + batch, args.rows)
        n = stop - start
        np.matmul(matrix[start:stop], weights, out=logits[:n])
        start_sigmoid = time.perf_counter()
        csigmoid.sigmoid(logits[:n], out=scores[:n])
        sigmoid_seconds += time.perf_counter() - start_sigmoid
        above += int(np.count_nonzero(scores[:n] > DECISION_THRESHOLD))
        total += float(scores[:n].sum(dtype=np.float64))
        first, last = np.searchsorted(sample_rows, [start, stop])
        sample_scores[first:last] = scores[sample_rows[first:last] - start]
    seconds = time.perf_counter() - start_all

    print(f"scored {args.rows:,} rows x {args.features} features ({dtype.name}) in batches of {batch:,}")
    print(
        f"throughput: {args.rows / seconds:,.0f} rows/s ({seconds:.3f} s; "
        f"csigmoid.sigmoid {100 * sigmoid_seconds / seconds:.1f}% of it, the rest matmul "
        f"and the summary)"
    )
    print(
        f"summary: {above:,} of {args.rows:,} rows ({100 * above / args.rows:.2f}%) score "
        f"above {DECISION_THRESHOLD}; mean score {total / args.rows:.6f}"
    )
    return 0 if reference_check(matrix, weights, sample_rows, sample_scores) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
