"""`python -m csigmoid plot`: the vanishing-gradient bound, the figure, the command."""

import subprocess
import sys

import numpy as np
import pytest

import csigmoid
from csigmoid._bench import plot
from csigmoid._reference import ulp_error

from layouts import KERNEL_DTYPES, dtype_id

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def sigma_prime_root(threshold):
    """The x >= 0 with sigma'(x) = threshold, found by mpmath's root finder on
    log sigma'(x) = -x - 2 log(1 + e^-x) (not from the closed form), as a
    40-digit string."""
    mpmath = pytest.importorskip("mpmath")
    if threshold == 0.25:
        return "0"
    with mpmath.workdps(60):
        log_g = mpmath.log(mpmath.mpf(threshold))
        root = mpmath.findroot(
            lambda x: -x - 2 * mpmath.log1p(mpmath.exp(-x)) - log_g, max(-float(log_g), 0.1)
        )
        return mpmath.nstr(root, 40)


@pytest.mark.parametrize(
    "threshold", [0.25, 0.2499, 0.2, 0.1, plot.VANISHING_GRADIENT, 1e-3, 1e-6, 1e-12, 1e-300]
)
def test_vanishing_gradient_bound_is_the_root_within_one_ulp(threshold):
    x0 = plot.vanishing_gradient_bound(threshold)
    assert ulp_error(x0, sigma_prime_root(threshold), np.float64) <= 1.0


def test_vanishing_gradient_bound_of_the_figure_is_two_acosh_five():
    assert plot.vanishing_gradient_bound() == pytest.approx(2 * np.arccosh(5.0), rel=1e-15)
    assert plot.vanishing_gradient_bound() == pytest.approx(4.5848633391223554, rel=1e-15)


@pytest.mark.parametrize("threshold", [0.0, -0.01, 0.26, 1.0, 5e-324, float("nan")])
def test_vanishing_gradient_bound_rejects_thresholds_sigma_prime_never_takes(threshold):
    with pytest.raises(ValueError, match="threshold"):
        plot.vanishing_gradient_bound(threshold)


@pytest.mark.parametrize("dtype", KERNEL_DTYPES, ids=dtype_id)
def test_sigmoid_derivative_is_below_the_threshold_exactly_beyond_the_bound(variant, dtype):
    # The plot's grid, and the 8 floats of `dtype` on either side of the bound
    # (one float step moves sigma' there by ~5 of its ulps).  The float nearest
    # the bound itself is left out: sigma' there is within half an ulp of 0.01.
    x0 = dtype.type(plot.vanishing_gradient_bound())
    below, above = [x0], [x0]
    for _ in range(8):
        below.append(np.nextafter(below[-1], dtype.type(0)))
        above.append(np.nextafter(above[-1], dtype.type(np.inf)))
    near = np.array(below[1:] + above[1:], dtype=dtype)
    grid = np.linspace(*plot.X_RANGE, plot.SAMPLES, dtype=dtype)
    x = np.concatenate([grid, near, -near])
    x = x[np.abs(x) != x0]
    threshold = dtype.type(plot.VANISHING_GRADIENT)
    slope = csigmoid.sigmoid_derivative(x)
    beyond = np.abs(x) > x0
    assert np.all(slope[beyond] < threshold)
    assert np.all(slope[~beyond] >= threshold)
    assert beyond.sum() > 8 and (~beyond).sum() > 8


def test_figure_shades_exactly_beyond_the_bound():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plot.draw(plt)
    try:
        (axes,) = figure.axes
        x0 = plot.vanishing_gradient_bound()
        spans = []
        for patch in axes.patches:
            if patch.get_gid() == "vanishing-gradient":
                # x in data units: axvspan's patch is blended (x data, y axes)
                xs = patch.get_patch_transform().transform(patch.get_path().vertices)[:, 0]
                spans.append((xs.min(), xs.max()))
        spans.sort()
        assert len(spans) == 2
        (left_start, left_end), (right_start, right_end) = spans
        assert (left_start, right_end) == plot.X_RANGE
        assert left_end == pytest.approx(-x0, rel=1e-15)
        assert right_start == pytest.approx(x0, rel=1e-15)
        y, dy = (line.get_ydata() for line in axes.lines[:2])
        x = axes.lines[0].get_xdata()
        np.testing.assert_array_equal(y, csigmoid.sigmoid(x))
        np.testing.assert_array_equal(dy, csigmoid.sigmoid_derivative(x))
        assert axes.get_xlabel() and axes.get_ylabel() and axes.get_title()
        assert len(axes.get_legend().get_texts()) == 4
    finally:
        plt.close(figure)


def run_plot(cwd, *args, code=None):
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "csigmoid"]
    return subprocess.run([*command, "plot", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def assert_is_the_figure(path):
    image = pytest.importorskip("matplotlib.image")
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    pixels = image.imread(path)
    height, width = pixels.shape[:2]
    assert 400 <= height < width <= 2000
    # both curves drawn: pixels of matplotlib's tab:blue and tab:orange
    rgb = np.round(pixels[..., :3] * 255).astype(int)
    for colour in ((31, 119, 180), (255, 127, 14)):
        assert np.all(rgb == colour, axis=-1).sum() > 500


def test_plot_command_writes_the_png_it_names(tmp_path):
    pytest.importorskip("matplotlib")
    # run from an empty folder, so that only the installed package can be imported
    done = run_plot(tmp_path, "figure.png")
    assert done.returncode == 0, done.stderr
    path = tmp_path / "figure.png"
    assert str(path) in done.stdout
    assert_is_the_figure(path)


def test_plot_command_writes_sigmoid_png_in_the_current_directory_by_default(tmp_path):
    pytest.importorskip("matplotlib")
    done = run_plot(tmp_path)
    assert done.returncode == 0, done.stderr
    path = tmp_path / plot.DEFAULT_FILE
    assert str(path) in done.stdout
    assert_is_the_figure(path)


def test_plot_command_without_matplotlib_says_how_to_install_it(tmp_path):
    # None in sys.modules makes `import matplotlib` raise ImportError, as if absent
    blocked = (
        "import runpy, sys; sys.modules['matplotlib'] = None; "
        "sys.argv[0] = 'csigmoid'; runpy.run_module('csigmoid', run_name='__main__')"
    )
    done = run_plot(tmp_path, "figure.png", code=blocked)
    assert done.returncode == 1
    assert plot.INSTALL_HINT in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "figure.png").exists()


# What each format's file starts with (svgz: gzip), and the words that name
# matplotlib's version in its default metadata, which the saved files leave out.
SIGNATURES = {
    "png": PNG_SIGNATURE,
    "svg": b"<?xml",
    "svgz": b"\x1f\x8b",
    "pdf": b"%PDF-",
    "eps": b"%!PS-Adobe",
    "jpg": b"\xff\xd8\xff",
}


@pytest.mark.parametrize("name", ["figure.svg", "figure.pdf", "figure.eps", "figure.jpg", "FIGURE.SVGZ"])
def test_plot_command_writes_the_format_the_suffix_names(name, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    done = run_plot(tmp_path, name)
    assert done.returncode == 0, done.stderr
    content = (tmp_path / name).read_bytes()
    assert content.startswith(SIGNATURES[name.rsplit(".", 1)[1].lower()])
    assert f"Matplotlib v{matplotlib.__version__}".encode() not in content
    assert b"matplotlib.org" not in content


def test_saved_png_names_no_matplotlib_version(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    done = run_plot(tmp_path, "figure.png")
    assert done.returncode == 0, done.stderr
    assert matplotlib.__version__.encode() not in (tmp_path / "figure.png").read_bytes()


@pytest.mark.parametrize("name", ["nodir/x.png", "a/b/x.svg"])
def test_plot_command_names_a_missing_folder_in_one_line(name, tmp_path):
    done = run_plot(tmp_path, name)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    error = done.stderr.splitlines()[-1]
    folder = (tmp_path / name).parent
    assert error == f"python -m csigmoid plot: error: the folder {folder} does not exist (create it first)"
    assert not list(tmp_path.iterdir())


def test_plot_command_reports_a_file_it_cannot_write_in_one_line(tmp_path):
    pytest.importorskip("matplotlib")
    (tmp_path / "taken.png").mkdir()  # a folder where the file would go
    done = run_plot(tmp_path, "taken.png")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("python -m csigmoid plot: cannot write taken.png: ")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("argv", [["figure.xyz"], ["figure"], ["figure.png.bak"]])
def test_plot_command_names_the_formats_for_an_unknown_suffix(argv, tmp_path, monkeypatch, capsys):
    pytest.importorskip("matplotlib")
    from matplotlib.backend_bases import FigureCanvasBase

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        plot.main(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert "suffix must name a format matplotlib writes" in error and repr(argv[0]) in error
    for suffix in FigureCanvasBase.get_supported_filetypes():
        assert suffix in error
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    "argv, message",
    [
        (["a.png", "b.png"], "unrecognized arguments: b.png"),
        (["--dpi", "300"], "unrecognized arguments"),
    ],
)
def test_plot_command_rejects_bad_arguments(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        plot.main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m csigmoid plot" in err and message in err
    assert not list(tmp_path.iterdir())


def test_plot_command_help_explains_it(capsys):
    with pytest.raises(SystemExit) as stop:
        plot.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "FILE" in out and "sigmoid.png" in out and "svg, pdf" in out and plot.INSTALL_HINT in out
