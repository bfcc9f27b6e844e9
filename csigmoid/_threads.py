"""csigmoid.threads(n): how many OpenMP threads csigmoid's calls may use,
for the calls made from the Python thread that enters it."""

import contextlib
import operator
from collections.abc import Iterator

from csigmoid import _api


@contextlib.contextmanager
def threads(n: int | None) -> Iterator[None]:
    """Limit the OpenMP threads of every csigmoid call made in this block,
    from this Python thread.

    Parameters
    ----------
    n : int or None
        Upper bound on the threads each call uses (>= 1), or None for the
        default: OMP_NUM_THREADS or a threadpoolctl limit when set, else the
        CPUs the process may use (its affinity mask and cgroup CPU quota).
        It can only lower OpenMP's current maximum, and it decides in
        place of the CPU count.

    Returns
    -------
    context manager
        Sets the limit on entry and restores the previous one on exit;
        blocks nest (the innermost one applies).  Also usable as a
        decorator.

    Raises
    ------
    TypeError
        `n` not an int or None (bool is refused).
    ValueError
        `n` < 1.

    Notes
    -----
    The limit belongs to the Python thread that enters the block: other
    threads, and Dask's or a thread pool's worker threads, keep their own.
    Results are bit-identical whatever the thread count.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> x = np.linspace(-5.0, 5.0, 100_000)
    >>> with csigmoid.threads(1):
    ...     y = csigmoid.sigmoid(x)          # one thread, same bits as any other count
    >>> bool((y == csigmoid.sigmoid(x)).all())
    True
    """
    limit = 0 if n is None else _validated(n)
    previous = _api.set_thread_limit(limit)
    try:
        yield
    finally:
        _api.set_thread_limit(previous)


def _validated(n: object) -> int:
    if isinstance(n, bool):
        raise TypeError("csigmoid.threads: n must be an int or None, not bool")
    try:
        count = operator.index(n)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"csigmoid.threads: n must be an int or None, not {type(n).__name__}") from None
    if count < 1:
        raise ValueError(f"csigmoid.threads: n must be >= 1, got {count}")
    return min(count, 2**31 - 1)
