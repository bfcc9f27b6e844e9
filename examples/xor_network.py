"""A two-layer network learns XOR in plain NumPy, with csigmoid's activations.

2 inputs -> a hidden layer of sigmoid units -> 1 sigmoid output, trained by
full-batch gradient descent on the squared error over the four XOR cases.
It shows the two calls a hand-written network needs:

* forward, hidden layer: ``csigmoid.sigmoid_and_derivative`` gives the
  activations and, from the same exponential, the derivative that the
  backward pass will multiply by;
* backward, output layer: ``csigmoid.sigmoid_backward(grad, y)`` turns the
  gradient with respect to the output y = sigma(z) into the gradient with
  respect to z, grad * y * (1 - y), in one fused pass.

It prints the loss every ``--report-every`` epochs and the final predictions,
and exits with status 1 if they do not round to XOR.  Deterministic: the
initial weights come from ``--seed``.

Run:  python examples/xor_network.py [--epochs 4000] [--hidden 4] [--seed 0]
"""

import argparse
import sys

import numpy as np
import numpy.typing as npt

import csigmoid

Array = npt.NDArray[np.float64]

INPUTS: Array = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TARGETS: Array = np.array([[0.0], [1.0], [1.0], [0.0]])


class Network:
    """Weights of 2 -> hidden -> 1, drawn uniformly from +-1 / sqrt(fan-in)."""

    def __init__(self, hidden: int, rng: np.random.Generator) -> None:
        self.w1: Array = rng.uniform(-1.0, 1.0, (2, hidden)) / np.sqrt(2.0)
        self.b1: Array = np.zeros(hidden)
        self.w2: Array = rng.uniform(-1.0, 1.0, (hidden, 1)) / np.sqrt(hidden)
        self.b2: Array = np.zeros(1)

    def predict(self, x: Array) -> Array:
        hidden: Array = csigmoid.sigmoid(x @ self.w1 + self.b1)
        output: Array = csigmoid.sigmoid(hidden @ self.w2 + self.b2)
        return output

    def train_step(self, x: Array, target: Array, learning_rate: float) -> float:
        """One full-batch gradient-descent step on the mean squared error
        0.5 * mean((y - target)^2); returns the loss before the step."""
        hidden: Array
        hidden_slope: Array
        hidden, hidden_slope = csigmoid.sigmoid_and_derivative(x @ self.w1 + self.b1)
        output: Array = csigmoid.sigmoid(hidden @ self.w2 + self.b2)
        error = output - target
        loss = 0.5 * float(np.mean(error**2))

        # d loss / d output, then through the output sigmoid: * y * (1 - y)
        grad_output_logit: Array = csigmoid.sigmoid_backward(error / len(x), output)
        # through the hidden sigmoid: the derivative saved by the forward pass
        grad_hidden_logit = (grad_output_logit @ self.w2.T) * hidden_slope

        self.w2 -= learning_rate * (hidden.T @ grad_output_logit)
        self.b2 -= learning_rate * grad_output_logit.sum(axis=0)
        self.w1 -= learning_rate * (x.T @ grad_hidden_logit)
        self.b1 -= learning_rate * grad_hidden_logit.sum(axis=0)
        return loss


def positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--epochs", type=positive_int, default=4000, help="full-batch gradient steps (default: %(default)s)"
    )
    parser.add_argument("--hidden", type=positive_int, default=4, help="hidden units (default: %(default)s)")
    parser.add_argument(
        "--learning-rate", type=float, default=2.0, help="gradient-descent step size (default: %(default)s)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the initial weights (default: %(default)s)"
    )
    parser.add_argument(
        "--report-every",
        type=positive_int,
        default=500,
        help="print the loss every this many epochs (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    network = Network(args.hidden, np.random.default_rng(args.seed))
    print(
        f"XOR, 2 -> {args.hidden} sigmoid -> 1 sigmoid, squared error, "
        f"learning rate {args.learning_rate:g}, seed {args.seed}"
    )
    for epoch in range(args.epochs):
        loss = network.train_step(INPUTS, TARGETS, args.learning_rate)
        if epoch % args.report_every == 0:
            print(f"epoch {epoch:6d}  loss {loss:.6f}")
    predictions = network.predict(INPUTS)
    final_loss = 0.5 * float(np.mean((predictions - TARGETS) ** 2))
    print(f"epoch {args.epochs:6d}  loss {final_loss:.6f}  (final)")

    print("predictions:")
    for (a, b), target, prediction in zip(INPUTS, TARGETS[:, 0], predictions[:, 0], strict=True):
        print(f"  {a:.0f} xor {b:.0f} = {target:.0f}   network: {prediction:.4f}")
    solved = bool(np.array_equal(np.round(predictions), TARGETS))
    print(
        "solved: every prediction rounds to XOR"
        if solved
        else "NOT solved: some prediction does not round to XOR"
    )
    return 0 if solved else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
