"""csigmoid: the logistic sigmoid, its derivative, logit and log-sigmoid over NumPy
arrays, fast and exact.

sigma(x) = 1 / (1 + exp(-x)),  sigma'(x) = sigma(x) * (1 - sigma(x)),
logit(p) = log(p / (1 - p)),   log_sigmoid(x) = log(sigma(x)).
"""

try:
    from csigmoid._ufunc import ufuncs  # noqa: F401  (the compiled core; its absence has one usual cause)
except ImportError as error:
    raise ImportError(
        "csigmoid's compiled extensions are missing. If this is the source checkout "
        "(its csigmoid/ folder shadows the installed package), run from another directory "
        "or with `python -P`; otherwise reinstall with `python -m pip install .`."
    ) from error

from csigmoid._config import show_config
from csigmoid._cpu import variants
from csigmoid._parallel.threads import threads
from csigmoid._ufunc.ufuncs import dispatch_sigmoid_and_derivative as sigmoid_and_derivative
from csigmoid._ufunc.ufuncs import (
    log_sigmoid,
    logit,
    sigmoid,
    sigmoid_backward,
    sigmoid_derivative,
)

__version__ = "0.1.0"  # the one place it is written (pyproject.toml reads it)

expit = sigmoid
log_expit = log_sigmoid

variants.select()

__all__ = [
    "expit",
    "log_expit",
    "log_sigmoid",
    "logit",
    "show_config",
    "sigmoid",
    "sigmoid_and_derivative",
    "sigmoid_backward",
    "sigmoid_derivative",
    "threads",
]
