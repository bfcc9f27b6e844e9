"""csigmoid: the logistic sigmoid and its derivative over NumPy arrays, fast and exact.

sigma(x) = 1 / (1 + exp(-x)),  sigma'(x) = sigma(x) * (1 - sigma(x)).
"""
from csigmoid import _isa
from csigmoid._api import (
    sigmoid,
    sigmoid_and_derivative,
    sigmoid_backward,
    sigmoid_derivative,
)
from csigmoid._config import show_config

__version__ = "0.1.0"

expit = sigmoid

_isa.select()

__all__ = [
    "expit",
    "show_config",
    "sigmoid",
    "sigmoid_and_derivative",
    "sigmoid_backward",
    "sigmoid_derivative",
]
