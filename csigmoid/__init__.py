"""csigmoid: the logistic sigmoid, its derivative, logit and log-sigmoid over NumPy
arrays, fast and exact.

sigma(x) = 1 / (1 + exp(-x)),  sigma'(x) = sigma(x) * (1 - sigma(x)),
logit(p) = log(p / (1 - p)),   log_sigmoid(x) = log(sigma(x)).
"""

try:
    from csigmoid._ufunc import ufuncs  # the compiled core; its absence has one usual cause
except ImportError as error:
    raise ImportError(
        "csigmoid's compiled extensions are missing. If this is the source checkout "
        "(its csigmoid/ folder shadows the installed package), run from another directory "
        "or with `python -P`; otherwise reinstall with `python -m pip install .`."
    ) from error

# The public names, each imported as itself ("x as x") or assigned, not bound
# in a loop over the table of operations: type checkers read this file without
# running it, and take that as an export where they cannot read the __all__
# built from the table below.  tests/test_operations.py checks the names
# against the table.
from csigmoid._config import show_config as show_config
from csigmoid._cpu import variants
from csigmoid._operations import OPERATIONS
from csigmoid._parallel.threads import threads as threads
from csigmoid._ufunc.ufuncs import log_sigmoid as log_sigmoid
from csigmoid._ufunc.ufuncs import logit as logit
from csigmoid._ufunc.ufuncs import sigmoid as sigmoid
from csigmoid._ufunc.ufuncs import sigmoid_backward as sigmoid_backward
from csigmoid._ufunc.ufuncs import sigmoid_derivative as sigmoid_derivative

__version__ = "0.1.0"  # the one place it is written (pyproject.toml reads it)

sigmoid_and_derivative = ufuncs.dispatch_sigmoid_and_derivative
expit = sigmoid
log_expit = log_sigmoid

variants.select()

__all__ = sorted(
    [
        *(name for operation in OPERATIONS for name in (operation.name, *operation.aliases)),
        "show_config",
        "threads",
    ]
)
