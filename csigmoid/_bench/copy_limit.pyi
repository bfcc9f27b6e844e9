# Types of the compiled module csigmoid._bench.copy_limit (copy_limit.pyx), for type checkers.
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

_Float = TypeVar("_Float", np.float32, np.float64)

def parallel_copy(src: NDArray[_Float], dst: NDArray[_Float], threads: int) -> None: ...
