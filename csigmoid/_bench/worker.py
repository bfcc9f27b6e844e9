"""One contender of ``python -m csigmoid bench``, timed in a process of its own.

csigmoid._bench.peers starts this module once per contender and pass
(``python -m csigmoid._bench.worker SPEC``, SPEC a JSON object) so that no
other library's thread pool lives in the process: a pool whose threads still
spin after its own calls would share the cores with the contender being
timed.  The worker imports only its own library (and NumPy), sets that
library's thread count, times every case of SPEC, and writes one JSON
object per line to stdout: first {"version": ...}, then one
{"operation", "dtype", "size", "contender", "seconds_per_call"} per case.
It exits with NOT_INSTALLED if its library cannot be imported.
"""

import contextlib
import functools
import json
import sys
import time

import numpy as np

CSIGMOID = "csigmoid"
COPY = "copy limit"
# The contenders that are not csigmoid itself: importable name and label.
PEERS = ("numpy", "scipy", "numexpr", "numba", "torch", "jax")
# A batch of back-to-back calls lasts about ROUND_SECONDS (shorter than a time
# slice); a case gets batches for the spec's "case_seconds", MAX_BATCHES at most.
ROUND_SECONDS = 0.002
MAX_BATCHES = 200
# exit status of a worker whose library cannot be imported (not installed)
NOT_INSTALLED = 3


class Arrays:
    """The inputs and preallocated outputs of one (dtype, size), the same in
    every worker; each made when first used (at 1e8 elements, each is 400 or
    800 MB)."""

    def __init__(self, size, dtype):
        self.size, self.dtype = size, np.dtype(dtype)
        self.x = np.random.default_rng(0).uniform(-20, 20, size).astype(dtype)

    @functools.cached_property
    def grad(self):
        return np.random.default_rng(1).uniform(-1, 1, self.size).astype(self.dtype)

    @functools.cached_property
    def y(self):
        y = np.negative(self.x)
        np.exp(y, out=y)
        y += 1
        return np.reciprocal(y, out=y)

    @functools.cached_property
    def out(self):
        return np.empty_like(self.x)

    @functools.cached_property
    def out2(self):
        return np.empty_like(self.x)

    @functools.cached_property
    def ones(self):
        return np.ones_like(self.x)


# Each *_calls(threads) returns (version, make): make(operation, arrays) is a
# zero-argument callable doing that operation once, or None where the library
# has no such function; copy_calls' make gives a tuple of such callables, ways
# of doing the same copy, of which the fastest counts.  Thread counts:
# csigmoid._bench.peers sets OMP_NUM_THREADS (csigmoid's and torch's OpenMP)
# and the other libraries' variables in the worker's environment; the calls
# below set them again where a library has its own switch.


def csigmoid_calls(threads):
    import csigmoid
    from csigmoid._operations import BY_NAME

    def make(operation, a):
        # the entry of the table of operations: the benchmark arrays it takes
        name, allocating = operation.removesuffix("-alloc"), operation.endswith("-alloc")
        entry = BY_NAME[name]
        function = getattr(csigmoid, name)
        inputs = [getattr(a, array) for array in entry.bench.inputs]
        if allocating:
            return lambda: function(*inputs)
        out = (a.out, a.out2) if entry.nout == 2 else a.out
        return lambda: function(*inputs, out=out)

    return csigmoid.__version__, make


def copy_calls(threads):
    import csigmoid
    from csigmoid._bench.copy_limit import parallel_copy

    def make(operation, a):
        # the copy has no allocating form to compare with
        if operation == "sigmoid-alloc":
            return None
        # The limit is the faster of the copy on `threads` threads and on one:
        # on a loaded machine a team can copy slower than one thread does (a
        # thread kept waiting for a CPU holds up its share), and the slower
        # one would flatter csigmoid.
        x, out = a.x, a.out
        one = (lambda: parallel_copy(x, out, 1),)
        return one if threads == 1 else (lambda: parallel_copy(x, out, threads), *one)

    return csigmoid.__version__, make


def numpy_calls(threads):
    def make(operation, a):
        x, y, grad = a.x, a.y, a.grad
        # the formulas as textbooks write them (allocating temporaries)
        if operation in ("sigmoid", "sigmoid-alloc"):
            return lambda: 1 / (1 + np.exp(-x))

        def fused():
            s = 1 / (1 + np.exp(-x))
            return s, s * (1 - s)

        return {
            "sigmoid_and_derivative": fused,
            "sigmoid_backward": lambda: grad * y * (1 - y),
            "logit": lambda: np.log(y / (1 - y)),
            "log_sigmoid": lambda: -np.logaddexp(0, -x),
        }[operation]

    return np.__version__, make


def scipy_calls(threads):
    import scipy
    import scipy.special as special

    def make(operation, a):
        x, out, out2 = a.x, a.out, a.out2

        def fused():
            special.expit(x, out=out)
            np.subtract(1, out, out=out2)
            np.multiply(out2, out, out=out2)

        return {
            "sigmoid": lambda: special.expit(x, out=out),
            "sigmoid-alloc": lambda: special.expit(x),
            "sigmoid_and_derivative": fused,
            "logit": lambda: special.logit(a.y, out=out),
            "log_sigmoid": lambda: special.log_expit(x, out=out),
        }.get(operation)

    return scipy.__version__, make


def numexpr_calls(threads):
    import numexpr as ne

    ne.set_num_threads(threads)

    def make(operation, a):
        x, y, out, out2 = a.x, a.y, a.out, a.out2

        def fused():
            ne.evaluate("1/(1+exp(-x))", local_dict={"x": x}, out=out)
            ne.evaluate("y*(1-y)", local_dict={"y": out}, out=out2)

        return {
            "sigmoid": lambda: ne.evaluate("1/(1+exp(-x))", local_dict={"x": x}, out=out),
            "sigmoid-alloc": lambda: ne.evaluate("1/(1+exp(-x))", local_dict={"x": x}),
            "sigmoid_and_derivative": fused,
            "sigmoid_backward": lambda: ne.evaluate("g*y*(1-y)", local_dict={"g": a.grad, "y": y}, out=out),
            "logit": lambda: ne.evaluate("log(p/(1-p))", local_dict={"p": y}, out=out),
            "log_sigmoid": lambda: ne.evaluate("-log1p(exp(-x))", local_dict={"x": x}, out=out),
        }[operation]

    return ne.__version__, make


def numba_calls(threads):
    import numba

    numba.set_num_threads(threads)
    signatures = ["float32(float32)", "float64(float64)"]
    pairs = ["float32(float32, float32)", "float64(float64, float64)"]

    # what a NumPy user would write: the textbook formulas as parallel ufuncs
    @numba.vectorize(signatures, target="parallel")
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    @numba.vectorize(signatures, target="parallel")
    def slope(y):
        return y * (1 - y)

    @numba.vectorize(pairs, target="parallel")
    def backward(g, y):
        return g * y * (1 - y)

    @numba.vectorize(signatures, target="parallel")
    def logit(p):
        return np.log(p / (1 - p))

    @numba.vectorize(signatures, target="parallel")
    def log_sigmoid(x):
        return -np.log1p(np.exp(-x))

    def make(operation, a):
        x, out, out2 = a.x, a.out, a.out2

        def fused():
            sigmoid(x, out=out)
            slope(out, out=out2)

        return {
            "sigmoid": lambda: sigmoid(x, out=out),
            "sigmoid-alloc": lambda: sigmoid(x),
            "sigmoid_and_derivative": fused,
            "sigmoid_backward": lambda: backward(a.grad, a.y, out=out),
            "logit": lambda: logit(a.y, out=out),
            "log_sigmoid": lambda: log_sigmoid(x, out=out),
        }[operation]

    return numba.__version__, make


def torch_calls(threads):
    import torch

    torch.set_num_threads(threads)
    grad_input = torch.ops.aten.sigmoid_backward.grad_input

    def make(operation, a):
        tx, tout, tout2 = torch.from_numpy(a.x), torch.from_numpy(a.out), torch.from_numpy(a.out2)
        tgrad, ty, tones = torch.from_numpy(a.grad), torch.from_numpy(a.y), torch.from_numpy(a.ones)

        def fused():
            torch.sigmoid(tx, out=tout)
            grad_input(tones, tout, grad_input=tout2)

        return {
            "sigmoid": lambda: torch.sigmoid(tx, out=tout),
            "sigmoid-alloc": lambda: torch.sigmoid(tx),
            "sigmoid_and_derivative": fused,
            "sigmoid_backward": lambda: grad_input(tgrad, ty, grad_input=tout),
            "logit": lambda: torch.logit(ty, out=tout),
            # torch.nn.functional.logsigmoid, with an out argument
            "log_sigmoid": lambda: torch._C._nn.log_sigmoid(tx, out=tout),
        }[operation]

    return torch.__version__, make


def jax_calls(threads):
    # the thread count was set before the import, in XLA_FLAGS (csigmoid._bench.peers)
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def fused(x):
        s = jax.nn.sigmoid(x)
        return s, s * (1 - s)

    functions = {
        "sigmoid": jax.jit(jax.nn.sigmoid),
        "sigmoid-alloc": jax.jit(jax.nn.sigmoid),
        "sigmoid_and_derivative": jax.jit(fused),
        "sigmoid_backward": jax.jit(lambda g, y: g * y * (1 - y)),
        "logit": jax.jit(jax.scipy.special.logit),
        "log_sigmoid": jax.jit(jax.nn.log_sigmoid),
    }

    def make(operation, a):
        # JAX computes on its own buffers and always allocates its result:
        # the inputs are moved there once, outside the timing
        f = functions[operation]
        if operation == "sigmoid_backward":
            args = (jnp.asarray(a.grad), jnp.asarray(a.y))
        elif operation == "logit":
            args = (jnp.asarray(a.y),)
        else:
            args = (jnp.asarray(a.x),)
        return lambda: jax.block_until_ready(f(*args))

    return jax.__version__, make


def calls_per_round(call):
    """Warm `call` up; return how many back-to-back calls last about ROUND_SECONDS."""
    call()
    start = time.perf_counter()
    call()
    once = time.perf_counter() - start
    return max(1, min(10_000, int(ROUND_SECONDS / max(once, 1e-9))))


def time_call(call, batches, case_seconds):
    """Seconds per call, one figure per batch of back-to-back calls: at least
    `batches` batches, and more (up to MAX_BATCHES) until `case_seconds` have
    passed, so that on a busy machine the best batch is one that no other
    process interrupted."""
    count = calls_per_round(call)
    times = []
    begin = time.perf_counter()
    while len(times) < batches or (time.perf_counter() - begin < case_seconds and len(times) < MAX_BATCHES):
        start = time.perf_counter()
        for _ in range(count):
            call()
        times.append((time.perf_counter() - start) / count)
    return times


def emit(record):
    print(json.dumps(record), flush=True)


def main(argv):
    spec = json.loads(argv[0])
    contender, threads = spec["contender"], spec["threads"]
    try:
        calls = copy_calls if contender == COPY else globals()[f"{contender}_calls"]
        version, make = calls(threads)
    except ImportError as error:
        print(f"{contender}: {error}", file=sys.stderr)
        return NOT_INSTALLED
    emit({"version": version})
    # csigmoid's own switch (OMP_NUM_THREADS in the environment reaches torch's
    # OpenMP too; csigmoid.threads is the limit its users set)
    limit = contextlib.nullcontext()
    if contender == CSIGMOID:
        import csigmoid

        limit = csigmoid.threads(threads)
    with limit:
        time_cases(spec, contender, make)
    return 0


def time_cases(spec, contender, make):
    """Time every case of `spec` that `make` has a call for, and emit each."""
    for dtype in spec["dtypes"]:
        for size in spec["sizes"]:
            arrays = Arrays(size, dtype)
            for operation in spec["ops"]:
                calls = make(operation, arrays)
                if calls is None:
                    continue
                # the batches of the fastest way, by its best batch
                seconds = min(
                    (
                        time_call(call, spec["batches"], spec["case_seconds"])
                        for call in (calls if isinstance(calls, tuple) else (calls,))
                    ),
                    key=min,
                )
                emit(
                    {
                        "operation": operation,
                        "dtype": dtype,
                        "size": size,
                        "contender": contender,
                        "seconds_per_call": seconds,
                    }
                )
            del arrays


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
