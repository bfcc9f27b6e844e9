"""``python -m csigmoid plot [FILE]``: sigma and sigma' on one figure over
[-10, 10], with the regions where gradients vanish shaded, saved in any
format matplotlib writes (the file's suffix names it: png, svg, pdf, ...).

Both curves are computed by csigmoid itself (``sigmoid_and_derivative``).
The shaded regions are |x| > x0, where sigma'(x) < 0.01.  Since
sigma'(x) = 1 / (4 cosh^2(x / 2)), sigma'(x0) = g (0 < g <= 1/4) solves in
closed form:

    x0 = 2 acosh(1 / (2 sqrt(g))) = 2 asinh(sqrt((1 - 4g) / (4g))),  so for g = 0.01:
    x0 = 2 acosh(5) = 2 ln(5 + 2 sqrt(6)) = 4 ln(sqrt(2) + sqrt(3)) = 4.58486...

matplotlib is an optional extra (``pip install "csigmoid[plot]"``); the figure
is drawn with the Agg backend, so no display is needed.
"""

import argparse
import math
import os
import sys

import numpy as np

import csigmoid

X_RANGE = (-10.0, 10.0)
SAMPLES = 2001  # 0.01 apart over X_RANGE: smooth at any sensible size
VANISHING_GRADIENT = 0.01  # sigma' below this counts as a vanished gradient
DEFAULT_FILE = "sigmoid.png"
INSTALL_HINT = 'python -m pip install "csigmoid[plot]"'
# The metadata savefig writes by default names matplotlib's version: left out,
# so that regenerating a figure with another version changes only what is drawn.
# (The raster formats written through Pillow take no metadata at all.)
WITHOUT_VERSION = {
    "png": {"Software": None},
    "svg": {"Creator": None},
    "svgz": {"Creator": None},
    "pdf": {"Creator": None, "Producer": None},
    "ps": {"Creator": None},
    "eps": {"Creator": None},
}


def vanishing_gradient_bound(threshold=VANISHING_GRADIENT):
    """x0 >= 0 with sigma'(+-x0) = threshold: sigma'(x) < threshold exactly
    where |x| > x0.  threshold: a normal float in (0, 1/4], the range of sigma'.

    The asinh form of the closed form (module docstring) is well conditioned
    over the whole range, where the acosh form loses ulps as threshold -> 1/4
    (3.5 ulp at 0.2): 1 - 4g cancels nothing (it is exact for g >= 1/8, and
    >= 1/2 below), the quotient and the square root round once each, and
    asinh's condition number is below 1.  Measured within 0.6 ulp
    of mpmath's root from 1e-300 to 1/4 (tests/test_plot.py asserts 1 ulp).
    """
    if not sys.float_info.min <= threshold <= 0.25:
        raise ValueError(
            f"threshold must be a normal float in (0, 1/4], the range of sigma'; got {threshold!r}"
        )
    four_g = 4.0 * threshold
    return 2.0 * math.asinh(math.sqrt((1.0 - four_g) / four_g))


def draw(plt):
    """The figure (a matplotlib Figure), drawn with the pyplot module `plt`."""
    x = np.linspace(*X_RANGE, SAMPLES)
    y, dy = csigmoid.sigmoid_and_derivative(x)
    x0 = vanishing_gradient_bound()

    figure, axes = plt.subplots(figsize=(8, 4.8))
    shade = {"color": "tab:red", "alpha": 0.12, "linewidth": 0, "gid": "vanishing-gradient"}
    axes.axvspan(X_RANGE[0], -x0, label=rf"$\sigma'(x) < {VANISHING_GRADIENT:g}$: gradients vanish", **shade)
    axes.axvspan(x0, X_RANGE[1], **shade)
    axes.plot(x, y, color="tab:blue", linewidth=2.2, label=r"$\sigma(x) = 1 / (1 + e^{-x})$")
    axes.plot(x, dy, color="tab:orange", linewidth=2.2, label=r"$\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$")
    axes.axhline(
        VANISHING_GRADIENT,
        color="tab:red",
        linestyle=":",
        linewidth=1,
        label=rf"$\sigma'(x) = {VANISHING_GRADIENT:g}$",
    )
    for edge in (-x0, x0):
        axes.axvline(edge, color="tab:red", linestyle="--", linewidth=1)
    axes.annotate(
        rf"$|x| = 2\,\mathrm{{acosh}}(5) \approx {x0:.3f}$",
        xy=(x0, 0.5),
        xytext=(8, 0),
        textcoords="offset points",
        va="center",
        color="tab:red",
    )
    axes.set_xlim(*X_RANGE)
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("x")
    axes.set_ylabel("value")
    axes.set_title(r"The logistic sigmoid $\sigma$ and its derivative $\sigma'$ (csigmoid)")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left")
    figure.tight_layout()
    return figure


def missing_folder(path):
    """The folder `path` would be written in, if it does not exist; else None."""
    folder = os.path.dirname(os.path.abspath(path))
    return None if os.path.isdir(folder) else folder


def figure_format(path, supported):
    """The format of `path`, named by its suffix (lower case); a ValueError
    naming the formats in `supported` (matplotlib's, suffix -> description)
    when it has none or an unknown one."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in supported:
        raise ValueError(
            f"the file's suffix must name a format matplotlib writes "
            f"({', '.join(sorted(supported))}); got {path!r}"
        )
    return suffix


def save(figure, path, dpi=110):
    """Save `figure` as `path` in the format its suffix names (checked by the caller)."""
    suffix = figure_format(path, figure.canvas.get_supported_filetypes())
    metadata = WITHOUT_VERSION.get(suffix)
    figure.savefig(path, dpi=dpi, format=suffix, **({"metadata": metadata} if metadata else {}))


def command_line():
    parser = argparse.ArgumentParser(
        prog="python -m csigmoid plot",
        description="Draw sigma(x) and sigma'(x), computed by csigmoid, over [-10, 10] and shade "
        f"where sigma'(x) < {VANISHING_GRADIENT:g} (|x| > 2 acosh(5) = "
        f"{vanishing_gradient_bound():.5f}), where gradients through a sigmoid "
        f"vanish. Needs matplotlib: {INSTALL_HINT}.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_FILE,
        metavar="FILE",
        help="where to save the figure, in the format its suffix names: any matplotlib writes "
        "(png, svg, pdf, jpg, ...; default: %(default)s in the current directory)",
    )
    return parser


def main(argv):
    parser = command_line()
    args = parser.parse_args(argv)
    folder = missing_folder(args.file)
    if folder is not None:
        parser.error(f"the folder {folder} does not exist (create it first)")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        print(
            f"python -m csigmoid plot needs matplotlib, which is not installed; "
            f"install it with:\n    {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 1
    try:
        figure_format(args.file, FigureCanvasBase.get_supported_filetypes())
    except ValueError as error:
        parser.error(str(error))
    figure = draw(plt)
    try:
        save(figure, args.file)
    except (OSError, RuntimeError) as error:
        # a file that cannot be written, or a backend's missing tool (pgf needs LaTeX)
        print(f"python -m csigmoid plot: cannot write {args.file}: {error}", file=sys.stderr)
        return 1
    finally:
        plt.close(figure)
    print(f"plot written to {os.path.abspath(args.file)}")
    return 0
