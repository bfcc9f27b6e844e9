"""The docstrings of csigmoid's ufuncs, written once: the paragraphs every
function shares (the ufunc keywords, dtypes, containers, threads, errors) are
fragments filled into each function's own text.

NumPy puts each ufunc's call signature line in front of its docstring; the
wrapper of sigmoid_and_derivative gets the same line here.
"""

# --- shared fragments -----------------------------------------------------------

OUT = """\
out : ndarray, None, or tuple of ndarray and None, optional
    Where to write the result{s}: array{s} of a shape the input{s_in}
    broadcast{verb_in} to and of a dtype the result casts to (casting='same_kind').
    May be an input itself (in place); any overlap with an input gives the
    values a separate array would.{tuple_note}"""

KEYWORDS = """\
where : array_like of bool, optional
    Where False, `out` keeps its values (a fresh result is left
    uninitialised there).
**kwargs
    The other ufunc keywords: ``casting``, ``order``, ``dtype``,
    ``subok``, ``signature`` (see NumPy's ufunc documentation)."""

INPUT_KINDS = """\
Any real input NumPy accepts: float16, float32, float64, longdouble,
    integer or bool arrays of any shape, layout and byte order, Python or
    NumPy scalars, lists; masked arrays, ``np.matrix`` and other ndarray
    subclasses; and any object implementing ``__array_ufunc__`` (Dask
    arrays, xarray and pandas objects, quantities of unit libraries)."""

DTYPES = """\
float32 for float32 input, float64 for float64, float16 for float16
    (computed in float32), longdouble for longdouble (C long double
    arithmetic), float64 for integers, bool and Python numbers (as
    scipy.special's ufuncs do); ``dtype=``/``signature=`` choose the loop.
    A NumPy scalar for scalar input; the caller's type for subclasses (a
    masked array keeps its mask) and for ``__array_ufunc__`` containers:
    Dask arrays lazily, chunk by chunk; xarray objects with their dims,
    coords, name and attrs; pandas objects with their index and columns."""

ERRORS = """\
TypeError
    Complex, object, string or datetime input (no loop for it; the
    message names the function); `out` of a dtype the result cannot be
    cast to under `casting`.
ValueError
    Shapes that do not broadcast; read-only `out`.  Nothing is written
    when an error is raised."""

THREADS = """\
Large contiguous arrays are split over OpenMP threads: as many as
OpenMP's current maximum (OMP_NUM_THREADS, threadpoolctl), lowered for the
calling thread by ``csigmoid.threads(n)``.  Results are bit-identical
whatever the thread count.  Raises no floating-point warnings and leaves
no FP flags set."""

# --- the functions ------------------------------------------------------------------


def unary(summary, input_name, input_text, result_text, notes, examples, outputs=1):
    fused = outputs == 2
    out = OUT.format(
        s="s" if fused else "",
        s_in="",
        verb_in="s",
        tuple_note=" For two results, a tuple ``(y_out, dy_out)``." if fused else "",
    )
    returns = "y, dy : ndarray or NumPy scalar" if fused else "out : ndarray or NumPy scalar"
    return f"""{summary}

Parameters
----------
{input_name} : array_like
    {input_text}  {INPUT_KINDS}
{out}
{KEYWORDS}

Returns
-------
{returns}
    {result_text}  Of the dtype: {DTYPES}

Raises
------
{ERRORS}

Notes
-----
{notes}

{THREADS}

Examples
--------
{examples}"""


SIGMOID = unary(
    "Logistic sigmoid, sigma(x) = 1 / (1 + exp(-x)), elementwise.",
    "x",
    "Input values.",
    "sigma(x), in (0, 1).",
    """\
Max error 2 ulp in float32 and float64 over the whole real line,
subnormal results included (measured: 1.53 ulp in float32 over every
float32, 1.38 ulp in float64 over 3.1e6 dense points, every kernel
variant): sigma(-100) in float32 is the subnormal 3.8e-44, not 0.
sigma(+inf) = 1, sigma(-inf) = 0, sigma(nan) = nan, sigma(0) = 0.5.
``csigmoid.expit`` is this ufunc.""",
    """\
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
)

SIGMOID_DERIVATIVE = unary(
    "Derivative of the sigmoid, sigma'(x) = sigma(x) * (1 - sigma(x)), elementwise.",
    "x",
    "Input values.",
    "sigma'(x), in [0, 1/4].",
    """\
Max error 4 ulp in float32 and float64 (measured: 2.93 ulp in float32
over every float32, 2.23 ulp in float64 over 3.1e6 dense points, every
kernel variant).  Computed as e**-|x| / (1 + e**-|x|)**2 from `x`, not
as y * (1 - y), so it is exact at both tails (where 1 - y cancels):
sigma'(40) = 4.2e-18, not 0.  sigma'(+-inf) = 0, sigma'(0) = 0.25.""",
    """\
>>> import numpy as np, csigmoid
>>> csigmoid.sigmoid_derivative([0.0, 40.0]).tolist()
[0.25, 4.248354255291589e-18]
>>> csigmoid.sigmoid_derivative(np.array([-1e6, 0.0, 1e6], dtype=np.float32))
array([0.  , 0.25, 0.  ], dtype=float32)""",
)

FUSED_UFUNC = unary(
    "Sigmoid and its derivative in one pass: (sigma(x), sigma'(x)), elementwise.",
    "x",
    "Input values.",
    "sigma(x) and sigma'(x), each as `sigmoid` and `sigmoid_derivative` give them.",
    """\
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
    """\
>>> import numpy as np, csigmoid
>>> y, dy = csigmoid.sigmoid_and_derivative([0.0, 2.0])
>>> y.tolist(), dy.tolist()
([0.5, 0.8807970779778824], [0.25, 0.10499358540350652])
>>> x = np.array([-1.0, 1.0], dtype=np.float32)
>>> y_out, dy_out = np.empty_like(x), np.empty_like(x)
>>> y, dy = csigmoid.sigmoid_and_derivative(x, out=(y_out, dy_out))
>>> y is y_out, dy is dy_out
(True, True)""",
    outputs=2,
)

LOGIT = unary(
    "Logit, the inverse of the sigmoid: log(p / (1 - p)), elementwise.",
    "x",
    "Probabilities p; meaningful on [0, 1] (NaN outside).",
    "logit(p).",
    """\
Max error 3 ulp in float32 and float64 over all of [0, 1], subnormal
inputs included (measured: 0.55 ulp in float32 over every float32 and in
float64 over 1.1e6 dense points, every kernel variant).  Computed as an
odd function about 1/2 from q = min(p, 1 - p), which is exact, so there
is no cancellation near 1/2 (where ``log(p) - log1p(-p)`` loses bits) nor
near 0 and 1.  logit(0) = -inf, logit(1) = +inf, logit(0.5) = 0; NaN
for p outside [0, 1] and for NaN.  ``logit(sigmoid(x))`` gives back x up
to the rounding of sigmoid(x).""",
    """\
>>> import numpy as np, csigmoid
>>> csigmoid.logit([0.0, 0.25, 0.5, 1.0]).tolist()
[-inf, -1.0986122886681098, 0.0, inf]
>>> csigmoid.logit(np.array([0.25, 0.75, 1.5], dtype=np.float32))
array([-1.0986123,  1.0986123,        nan], dtype=float32)""",
)

LOG_SIGMOID = unary(
    "Log of the sigmoid, log(sigma(x)) = -log1p(exp(-x)), elementwise.",
    "x",
    "Input values.",
    "log(sigma(x)), in (-inf, 0].",
    """\
Max error 3 ulp in float32 and float64 over the whole real line
(measured: 1.54 ulp in float32 over every float32, 1.46 ulp in float64
over 1.6e6 dense points, every kernel variant).  No overflow for any
finite x: for large positive x the result is -exp(-x), subnormal results
included, not 0 early; for large negative x it is x - exp(x), i.e. x.
log_sigmoid(+inf) = -0.0, log_sigmoid(-inf) = -inf, NaN for NaN.
``csigmoid.log_expit`` is this ufunc.""",
    """\
>>> import numpy as np, csigmoid
>>> csigmoid.log_sigmoid([-1000.0, 0.0, 40.0]).tolist()
[-1000.0, -0.6931471805599453, -4.248354255291589e-18]
>>> float(csigmoid.log_sigmoid(np.float32(100.0)))  # -exp(-100), a float32 subnormal
-3.783505853677006e-44""",
)

SIGMOID_BACKWARD = f"""\
Backprop through a sigmoid: grad_output * y * (1 - y), y = sigmoid's output.

Called as ``sigmoid_backward(grad_output, y)``.

Parameters
----------
x1 : array_like
    grad_output, the gradient arriving at the sigmoid's output.
    {INPUT_KINDS}
x2 : array_like
    output, y: what `sigmoid` returned in the forward pass; the same kinds
    of input.  The two broadcast like NumPy.
{OUT.format(s="", s_in="s", verb_in="", tuple_note="")}
{KEYWORDS}

Returns
-------
out : ndarray or NumPy scalar
    x1 * x2 * (1 - x2).  Of the dtype: {DTYPES}  Two inputs of
    different dtypes are computed in NumPy's result type of the two
    (``np.result_type``; Python numbers do not widen an array's type),
    float64 where that is an integer type.

Raises
------
{ERRORS}

Notes
-----
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
identity, an empty reduction needs ``initial``.

{THREADS}

Examples
--------
>>> import numpy as np, csigmoid
>>> float(csigmoid.sigmoid_backward(2.0, 0.5))
0.5
>>> y = csigmoid.sigmoid(np.array([0.0, 1.0, 2.0]))
>>> csigmoid.sigmoid_backward(np.array([1.0, 2.0, 3.0]), y)
array([0.25      , 0.39322387, 0.31498076])
>>> csigmoid.sigmoid_backward(np.ones((2, 1)), np.array([0.5, 0.9]))
array([[0.25, 0.09],
       [0.25, 0.09]])"""

# name -> the docstring NumPy shows after the ufunc's signature line
DOCSTRINGS = {
    "sigmoid": SIGMOID,
    "sigmoid_derivative": SIGMOID_DERIVATIVE,
    "sigmoid_and_derivative": FUSED_UFUNC,
    "sigmoid_backward": SIGMOID_BACKWARD,
    "logit": LOGIT,
    "log_sigmoid": LOG_SIGMOID,
}

# The wrapper of sigmoid_and_derivative: the ufunc's text after the signature
# line NumPy would show for it.
FUSED_WRAPPER_DOCSTRING = (
    "sigmoid_and_derivative(x, /, out=(None, None), *, where=True, casting='same_kind', "
    "order='K', dtype=None, subok=True[, signature])\n\n" + FUSED_UFUNC
)
