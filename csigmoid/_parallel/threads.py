"""csigmoid.threads(n): how many OpenMP threads csigmoid's calls may use,
for the calls made in the context (thread, asyncio task) that enters it."""

import functools
import operator
from collections.abc import Callable
from typing import Any, TypeVar, cast

from csigmoid._parallel import policy

_Function = TypeVar("_Function", bound=Callable[..., Any])


class ThreadLimit(policy.ThreadLimit):
    """What `csigmoid.threads(n)` returns: a context manager (entered and
    left in C, see csigmoid._parallel.policy.ThreadLimit) and a decorator."""

    __slots__ = ()

    def __call__(self, func: _Function) -> _Function:
        """`func` with every call (and, for a coroutine function, every
        await of its coroutine) inside a block of its own."""
        import inspect  # here: importing it costs what all of csigmoid's import does

        limit = self.limit
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def limited_coroutine(*args: Any, **kwargs: Any) -> Any:
                with ThreadLimit(limit):
                    return await func(*args, **kwargs)

            return cast(_Function, limited_coroutine)

        @functools.wraps(func)
        def limited(*args: Any, **kwargs: Any) -> Any:
            with ThreadLimit(limit):
                return func(*args, **kwargs)

        return cast(_Function, limited)


def threads(n: int | None) -> ThreadLimit:
    """Limit the OpenMP threads of every csigmoid call made in this block,
    in this thread or asyncio task.

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
        blocks nest (the innermost one applies), and one object may be
        entered again while open.  Also usable as a decorator: each call
        of the decorated function (each await, for a coroutine function)
        runs in a block of its own.

    Raises
    ------
    TypeError
        `n` not an int or None (bool is refused).
    ValueError
        `n` < 1.

    Notes
    -----
    The limit is held in a `contextvars` variable, as `decimal.localcontext`
    holds its context: it applies to the code in the block, in the thread
    or asyncio task that entered it, and to the tasks and threads that
    copied that context inside the block (``asyncio.create_task``,
    ``asyncio.to_thread``), for as long as the block is open.  Other
    threads, and Dask's or a thread pool's worker threads, keep their own.
    Entering and leaving are C code, so an exception from a signal handler
    (Ctrl-C) cannot leave the limit behind; a generator holding a block
    takes it away wherever the generator is closed.  Results are
    bit-identical whatever the thread count.

    Examples
    --------
    >>> import numpy as np, csigmoid
    >>> x = np.linspace(-5.0, 5.0, 100_000)
    >>> with csigmoid.threads(1):
    ...     y = csigmoid.sigmoid(x)          # one thread, same bits as any other count
    >>> bool((y == csigmoid.sigmoid(x)).all())
    True
    """
    return ThreadLimit(0 if n is None else _validated(n))


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
