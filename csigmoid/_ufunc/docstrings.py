"""The docstrings of csigmoid's ufuncs, written once: the paragraphs every
function shares (the ufunc keywords, dtypes, containers, threads, errors) are
fragments filled into each function's own text, which is in its entry of
csigmoid._operations.

NumPy puts each ufunc's call signature line in front of its docstring; the
wrapper of sigmoid_and_derivative gets the same line here.
"""

from csigmoid._operations import OPERATIONS

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


def docstring(operation):
    """The docstring NumPy shows after the ufunc's signature line."""
    doc = operation.doc
    fused = operation.nout == 2
    out = OUT.format(
        s="s" if fused else "",
        s_in="s" if operation.nin == 2 else "",
        verb_in="" if operation.nin == 2 else "s",
        tuple_note=" For two results, a tuple ``(y_out, dy_out)``." if fused else "",
    )
    returns = "y, dy : ndarray or NumPy scalar" if fused else "out : ndarray or NumPy scalar"
    return f"""{doc.summary}

Parameters
----------
{doc.parameters.format(INPUT_KINDS=INPUT_KINDS)}
{out}
{KEYWORDS}

Returns
-------
{returns}
    {doc.returns.format(DTYPES=DTYPES)}

Raises
------
{ERRORS}

Notes
-----
{doc.notes}

{THREADS}

Examples
--------
{doc.examples}"""


# name -> the docstring NumPy shows after the ufunc's signature line
DOCSTRINGS = {operation.name: docstring(operation) for operation in OPERATIONS}

# The wrapper of sigmoid_and_derivative: the ufunc's text after the signature
# line NumPy would show for it.
FUSED_WRAPPER_DOCSTRING = (
    "sigmoid_and_derivative(x, /, out=(None, None), *, where=True, casting='same_kind', "
    "order='K', dtype=None, subok=True[, signature])\n\n" + DOCSTRINGS["sigmoid_and_derivative"]
)
