"""The table of csigmoid's operations: everything the rest of the package
needs to know about each one, written once.

The ufunc layer (csigmoid/_ufunc/ufuncs.pyx) builds one ufunc per entry, its
loops sized by the entry's share of a thread; csigmoid/_ufunc/docstrings.py
fills the entry's docstring pieces into the paragraphs every function shares;
csigmoid/__init__.py's ``__all__``, the benchmark (csigmoid/_bench) and the
tests read the names, bounds and references from here.  tests/test_operations.py
checks the kernels' enum (csigmoid/_kernels/table.pxd) and the stubs
(csigmoid/_ufunc/ufuncs.pyi) against it.  CONTRIBUTING.md, "Adding an
operation", says what else an entry needs: its kernel.
"""

from typing import NamedTuple

# The records are NamedTuples, not dataclasses, and the references are named,
# not imported: this module runs at `import csigmoid`, and dataclasses (with
# inspect) or csigmoid._reference would add to what that costs.


class Doc(NamedTuple):
    """An operation's own docstring text; csigmoid/_ufunc/docstrings.py adds
    the shared paragraphs.  ``{INPUT_KINDS}`` in `parameters` and ``{DTYPES}``
    in `returns` stand for the shared paragraphs of those names."""

    summary: str  # the first paragraph, after NumPy's signature line
    parameters: str  # the inputs' entries of the Parameters section (out and the keywords follow)
    returns: str  # the Returns entry's text
    notes: str  # the Notes section, before the paragraph on threads
    examples: str  # doctests, run by tests/test_docstrings.py


class Bench(NamedTuple):
    """How ``python -m csigmoid bench`` times an operation."""

    title: str  # the operation in the table's title
    inputs: tuple[str, ...]  # the benchmark arrays it is given (csigmoid._bench.worker.Arrays)
    allocating: bool = False  # also timed allocating its result, as "<name>-alloc"


class Operation(NamedTuple):
    name: str  # the ufunc's name and csigmoid's public name
    kernel: str  # its member of the enum Operation in csigmoid/_kernels/table.pxd
    index: int  # that member's value: the kernels' operation number
    nin: int
    nout: int
    aliases: tuple[str, ...]  # further public names of the same object
    # The largest error promised (docstrings, README; tests/test_accuracy.py
    # holds the kernels to it), in ulps of the result's dtype, per dtype and
    # per output.
    max_ulp: dict[str, tuple[float, ...]]
    # How many times the thread policy's smallest share (2048 elements a
    # thread, csigmoid/_parallel/include/team_policy.h) a thread needs of this
    # operation, per compute dtype, for a team to beat one thread.  Starting
    # and joining a team costs ~1.3 us, so each thread's share should be ~2 us
    # of one thread's work: 2048 elements of logit or log_sigmoid, up to 32768
    # of sigmoid_backward in float32.  Measured with the AVX-512 kernels, one
    # thread against two (BENCHMARKS.md, "When two threads pay"); the slower
    # variants are then split a little later than they could be, never too
    # early.
    share: dict[str, int]
    doc: Doc
    # Its function in csigmoid._reference: the exact value (an mpmath number;
    # a tuple of them for two outputs) from the inputs, for the tests.
    reference: str
    bench: Bench | None  # None: not in the benchmark
    # The object csigmoid exports under `name`, when it is not the ufunc: an
    # attribute of csigmoid._ufunc.ufuncs wrapping it.
    wrapper: str | None = None

    def reference_function(self):
        """The exact reference (imported when asked: csigmoid._reference)."""
        from csigmoid import _reference

        return getattr(_reference, self.reference)


OPERATIONS = (
    Operation(
        name="sigmoid",
        kernel="OP_SIGMOID",
        index=0,
        nin=1,
        nout=1,
        aliases=("expit",),
        max_ulp={"float32": (2.0,), "float64": (2.0,)},
        share={"float32": 6, "float64": 3},
        doc=Doc(
            summary="Logistic sigmoid, sigma(x) = 1 / (1 + exp(-x)), elementwise.",
            parameters="""\
x : array_like
    Input values.  {INPUT_KINDS}""",
            returns="sigma(x), in (0, 1).  Of the dtype: {DTYPES}",
            notes="""\
Max error 2 ulp in float32 and float64 over the whole real line,
subnormal results included (measured: 1.48 ulp in float32 over every
float32, 1.50 ulp in float64 over 6e6 points of [-745, 40], every kernel
variant): sigma(-100) in float32 is the subnormal 3.8e-44, not 0.
sigma(+inf) = 1, sigma(-inf) = 0, sigma(nan) = nan, sigma(0) = 0.5.
``csigmoid.expit`` is this ufunc.""",
            examples="""\
>>> import numpy as np, csigmoid
>>> csigmoid.sigmoid([-1000.0, 0.0, 2.0]).tolist()
[0.0, 0.5, 0.8807970779778824]
>>> float(csigmoid.sigmoid(np.float32(-100.0)))   # a float32 subnormal
3.783505853677006e-44
>>> x = np.linspace(-2.0, 2.0, 5)
>>> csigmoid.sigmoid(x, out=x) is x                  # in place
True
>>> csigmoid.sigmoid(np.ma.array([0.0, 1.0], mask=[False, True]))
masked_array(data=[0.5, --],
             mask=[False,  True],
       fill_value=1e+20)""",
        ),
        reference="sigmoid_mp",
        bench=Bench("sigmoid", ("x",), allocating=True),
    ),
    Operation(
        name="sigmoid_derivative",
        kernel="OP_DERIVATIVE",
        index=1,
        nin=1,
        nout=1,
        aliases=(),
        max_ulp={"float32": (4.0,), "float64": (4.0,)},
        share={"float32": 5, "float64": 2},
        doc=Doc(
            summary="Derivative of the sigmoid, sigma'(x) = sigma(x) * (1 - sigma(x)), elementwise.",
            parameters="""\
x : array_like
    Input values.  {INPUT_KINDS}""",
            returns="sigma'(x), in [0, 1/4].  Of the dtype: {DTYPES}",
            notes="""\
Max error 4 ulp in float32 and float64 (measured: 2.92 ulp in float32
over every float32, 2.77 ulp in float64 over 6e6 points of [-745, 40],
every kernel variant).  Computed as e**-|x| / (1 + e**-|x|)**2 from `x`, not
as y * (1 - y), so it is exact at both tails (where 1 - y cancels):
sigma'(40) = 4.2e-18, not 0.  sigma'(+-inf) = 0, sigma'(0) = 0.25.""",
            examples="""\
>>> import numpy as np, csigmoid
>>> csigmoid.sigmoid_derivative([0.0, 40.0]).tolist()
[0.25, 4.248354255291589e-18]
>>> csigmoid.sigmoid_derivative(np.array([-1e6, 0.0, 1e6], dtype=np.float32))
array([0.  , 0.25, 0.  ], dtype=float32)""",
        ),
        reference="sigmoid_derivative_mp",
        bench=None,
    ),
    Operation(
        name="sigmoid_and_derivative",
        kernel="OP_SIGMOID_AND_DERIVATIVE",
        index=2,
        nin=1,
        nout=2,
        aliases=(),
        max_ulp={"float32": (2.0, 4.0), "float64": (2.0, 4.0)},
        share={"float32": 5, "float64": 2},
        doc=Doc(
            summary="Sigmoid and its derivative in one pass: (sigma(x), sigma'(x)), elementwise.",
            parameters="""\
x : array_like
    Input values.  {INPUT_KINDS}""",
            returns="sigma(x) and sigma'(x), each as `sigmoid` and `sigmoid_derivative` give them.  "
            "Of the dtype: {DTYPES}",
            notes="""\
Bit-identical to ``(sigmoid(x), sigmoid_derivative(x))``, so with their
accuracy (2 ulp and 4 ulp), from one exponential per element.  dy is
computed from `x`, not as y * (1 - y), so it stays exact at both tails.
``csigmoid.sigmoid_and_derivative`` is a thin wrapper around this ufunc
(``csigmoid.sigmoid_and_derivative.ufunc``): it sends Dask arrays, bare or
inside xarray objects, to a chunk-wise path that reads each chunk once
for both results (Dask does not dispatch a two-output ufunc it does not
know), computes a pandas DataFrame of several or nullable dtypes column
by column (pandas would make it one array of their common type), and
sends every other call straight to the ufunc.""",
            examples="""\
>>> import numpy as np, csigmoid
>>> y, dy = csigmoid.sigmoid_and_derivative([0.0, 2.0])
>>> y.tolist(), dy.tolist()
([0.5, 0.8807970779778824], [0.25, 0.10499358540350652])
>>> x = np.array([-1.0, 1.0], dtype=np.float32)
>>> y_out, dy_out = np.empty_like(x), np.empty_like(x)
>>> y, dy = csigmoid.sigmoid_and_derivative(x, out=(y_out, dy_out))
>>> y is y_out, dy is dy_out
(True, True)""",
        ),
        reference="sigmoid_and_derivative_mp",
        bench=Bench("sigmoid and derivative (fused)", ("x",)),
        wrapper="dispatch_sigmoid_and_derivative",
    ),
    Operation(
        name="sigmoid_backward",
        kernel="OP_BACKWARD",
        index=3,
        nin=2,
        nout=1,
        aliases=(),
        max_ulp={"float32": (2.0,), "float64": (2.0,)},
        share={"float32": 16, "float64": 12},
        doc=Doc(
            summary="""\
Backprop through a sigmoid: grad_output * y * (1 - y), y = sigmoid's output.

Called as ``sigmoid_backward(grad_output, y)``.""",
            parameters="""\
x1 : array_like
    grad_output, the gradient arriving at the sigmoid's output.
    {INPUT_KINDS}
x2 : array_like
    output, y: what `sigmoid` returned in the forward pass; the same kinds
    of input.  The two broadcast like NumPy.""",
            returns="""\
x1 * x2 * (1 - x2).  Of the dtype: {DTYPES}  Two inputs of
    different dtypes are computed in NumPy's result type of the two
    (``np.result_type``; Python numbers do not widen an array's type),
    float64 where that is an integer type.""",
            notes="""\
One fused pass; the exact product of what it is given (error <= 2 ulp).
Because a stored y near 1 has already lost 1 - y, gradients at the far
upper tail are only as good as y; for gradients exact at the tails use
``grad_output * sigmoid_derivative(x)`` (max error 4 ulp in
sigmoid_derivative itself).  Outside [0, 1], where no sigmoid output lies,
x2 is taken as given: the product overflows only where the exact one does.

The ufunc methods are NumPy's: ``sigmoid_backward.reduce(y)`` is the left
fold ``f(...f(f(y[0], y[1]), y[2])..., y[-1])``, the chain rule through
successive sigmoid layers (y[0] the incoming gradient), and ``accumulate``
its running values; both run in order on one thread.  They take ``axis``,
``dtype``, ``out``, ``initial`` and ``where`` as for any ufunc; with no
identity, an empty reduction needs ``initial``.""",
            examples="""\
>>> import numpy as np, csigmoid
>>> float(csigmoid.sigmoid_backward(2.0, 0.5))
0.5
>>> y = csigmoid.sigmoid(np.array([0.0, 1.0, 2.0]))
>>> csigmoid.sigmoid_backward(np.array([1.0, 2.0, 3.0]), y)
array([0.25      , 0.39322387, 0.31498076])
>>> csigmoid.sigmoid_backward(np.ones((2, 1)), np.array([0.5, 0.9]))
array([[0.25, 0.09],
       [0.25, 0.09]])""",
        ),
        reference="sigmoid_backward_mp",
        bench=Bench("sigmoid_backward (grad * y * (1 - y))", ("grad", "y")),
    ),
    Operation(
        name="logit",
        kernel="OP_LOGIT",
        index=4,
        nin=1,
        nout=1,
        aliases=(),
        max_ulp={"float32": (3.0,), "float64": (3.0,)},
        share={"float32": 2, "float64": 1},
        doc=Doc(
            summary="Logit, the inverse of the sigmoid: log(p / (1 - p)), elementwise.",
            parameters="""\
x : array_like
    Probabilities p; meaningful on [0, 1] (NaN outside).  {INPUT_KINDS}""",
            returns="logit(p).  Of the dtype: {DTYPES}",
            notes="""\
Max error 3 ulp in float32 and float64 over all of [0, 1], subnormal
inputs included (measured: 0.55 ulp in float32 over every float32 and in
float64 over 1.1e6 dense points, every kernel variant).  Computed as an
odd function about 1/2 from q = min(p, 1 - p), which is exact, so there
is no cancellation near 1/2 (where ``log(p) - log1p(-p)`` loses bits) nor
near 0 and 1.  logit(0) = -inf, logit(1) = +inf, logit(0.5) = 0; NaN
for p outside [0, 1] and for NaN.  ``logit(sigmoid(x))`` gives back x up
to the rounding of sigmoid(x).""",
            examples="""\
>>> import numpy as np, csigmoid
>>> csigmoid.logit([0.0, 0.25, 0.5, 1.0]).tolist()
[-inf, -1.0986122886681098, 0.0, inf]
>>> csigmoid.logit(np.array([0.25, 0.75, 1.5], dtype=np.float32))
array([-1.0986123,  1.0986123,        nan], dtype=float32)""",
        ),
        reference="logit_mp",
        bench=Bench("logit (log(p / (1 - p)), p = sigmoid(x))", ("y",)),
    ),
    Operation(
        name="log_sigmoid",
        kernel="OP_LOG_SIGMOID",
        index=5,
        nin=1,
        nout=1,
        aliases=("log_expit",),
        max_ulp={"float32": (3.0,), "float64": (3.0,)},
        share={"float32": 1, "float64": 1},
        doc=Doc(
            summary="Log of the sigmoid, log(sigma(x)) = -log1p(exp(-x)), elementwise.",
            parameters="""\
x : array_like
    Input values.  {INPUT_KINDS}""",
            returns="log(sigma(x)), in (-inf, 0].  Of the dtype: {DTYPES}",
            notes="""\
Max error 3 ulp in float32 and float64 over the whole real line
(measured: 1.47 ulp in float32 over every 7th float32, 1.49 ulp in
float64 over 4e6 points, every kernel variant).  No overflow for any
finite x: for large positive x the result is -exp(-x), subnormal results
included, not 0 early; for large negative x it is x - exp(x), i.e. x.
log_sigmoid(+inf) = -0.0, log_sigmoid(-inf) = -inf, NaN for NaN.
``csigmoid.log_expit`` is this ufunc.""",
            examples="""\
>>> import numpy as np, csigmoid
>>> csigmoid.log_sigmoid([-1000.0, 0.0, 40.0]).tolist()
[-1000.0, -0.6931471805599453, -4.248354255291589e-18]
>>> float(csigmoid.log_sigmoid(np.float32(100.0)))  # -exp(-100), a float32 subnormal
-3.783505853677006e-44""",
        ),
        reference="log_sigmoid_mp",
        bench=Bench("log_sigmoid (log sigma(x))", ("x",)),
    ),
)

BY_NAME = {operation.name: operation for operation in OPERATIONS}
