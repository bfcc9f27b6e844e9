"""Batch evaluation over a chunked Dask array on a LocalCluster, with a progress bar.

Two worker processes evaluate sigmoid and its derivative, chunk by chunk, over an array
far larger than one chunk (csigmoid given a Dask array returns lazy Dask arrays; nothing
runs until the cluster computes them), and reduce them to a few summary figures.  A
text progress bar follows the tasks.  One chunk is then checked bit for bit against
csigmoid on the same NumPy values in this process.

Each worker here is one process with one thread, and its nanny sets OMP_NUM_THREADS=1,
so csigmoid runs serially inside each task: the parallelism is the cluster's (see the
README, Ecosystem, for choosing between Dask and OpenMP threads).

Run:  python -m pip install "csigmoid[dask]"
      python examples/dask_batch.py [--size 100000000] [--chunk 5000000] [--workers 2]
"""

import argparse
import time

import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster, progress

import csigmoid

VANISHING = 0.01  # sigma'(x) below this: the gradient has all but vanished


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=positive, default=100_000_000, help="number of values")
    parser.add_argument("--chunk", type=positive, default=5_000_000, help="values per chunk")
    parser.add_argument("--workers", type=positive, default=2, help="worker processes")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def make_values(size: int, chunk: int, seed: int) -> da.Array:
    """Pre-activations spread over [-12, 12], in float32, as a lazy chunked array."""
    values: da.Array = da.random.default_rng(seed).uniform(-12.0, 12.0, size, chunks=chunk).astype(np.float32)
    return values


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    with (
        LocalCluster(
            n_workers=arguments.workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        x = make_values(arguments.size, arguments.chunk, arguments.seed)
        y, dy = csigmoid.sigmoid_and_derivative(x)
        print(
            f"{arguments.size:,} float32 values in {x.npartitions} chunks of "
            f"{arguments.chunk:,}, on {arguments.workers} worker processes"
        )
        start = time.perf_counter()
        # one computation: the summaries, and the first chunk of x, y and dy to check
        futures = client.compute(
            [
                y.mean(dtype=np.float64),
                dy.max(),
                (dy < VANISHING).mean(),
                x.blocks[0],
                y.blocks[0],
                dy.blocks[0],
            ]
        )
        progress(futures)
        mean_y, max_dy, vanishing, first_x, first_y, first_dy = client.gather(futures)
        elapsed = time.perf_counter() - start
    print(
        f"\nmean sigma(x) {mean_y:.6f}, max sigma'(x) {max_dy:.6f}, "
        f"sigma'(x) < {VANISHING}: {vanishing:.1%} of the values"
    )
    print(
        f"{arguments.size / elapsed / 1e6:,.1f} million values/s "
        f"(generation, both functions and the reductions)"
    )
    local_y, local_dy = csigmoid.sigmoid_and_derivative(first_x)
    identical = np.array_equal(first_y, local_y) and np.array_equal(first_dy, local_dy)
    print(f"first chunk identical to csigmoid in this process: {identical}")
    if not identical:
        raise SystemExit("the cluster's results differ from this process's")


if __name__ == "__main__":
    main()
