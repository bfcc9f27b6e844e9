"""Build of csigmoid's C extensions.

Project metadata lives in pyproject.toml; this file only decides how to
compile: which OpenMP flags the compiler takes, and which instruction-set
variants of the kernels it can build.  Both are decided by compiling small
test programs with the compiler the build actually uses.

Environment variables:
  CSIGMOID_DISABLE_OPENMP=1  build without OpenMP (single-threaded kernels)
  CSIGMOID_REQUIRE_OPENMP=1  fail the build if OpenMP is not available
"""

import glob
import os
import sys
import tempfile
import textwrap

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# Never -ffast-math/-Ofast (they drop inf/NaN semantics and can switch the whole
# process to flush-to-zero).  -fno-trapping-math lets GCC if-convert the kernels'
# selects (otherwise it will not vectorize them); -ffp-contract=off keeps the
# compiler from fusing a*b+c on its own, so vector body and scalar tail agree.
UNIX_FLAGS = ["-O3", "-ffp-contract=off", "-fno-trapping-math", "-fno-math-errno"]
MSVC_FLAGS = ["/O2", "/fp:precise"]

# Kernel variants: name -> extra compile flags per compiler family, x86-64 only
# for the higher levels.  A variant whose flags the compiler rejects is skipped.
VARIANT_FLAGS = {
    "baseline": {"unix": [], "msvc": []},
    "avx2": {"unix": ["-march=x86-64-v3"], "msvc": ["/arch:AVX2"]},
    "avx512": {
        "unix": ["-march=x86-64-v4", "-mprefer-vector-width=512"],
        "msvc": ["/arch:AVX512"],
    },
}

OPENMP_TEST = textwrap.dedent(
    """
    #include <omp.h>
    int main(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        return n > 0 ? 0 : 1;
    }
    """
)

# Compiled with a variant's flags: proves the compiler accepts them and can
# emit code for that target (an x86 -march on an ARM compiler fails here).
VARIANT_TEST = textwrap.dedent(
    """
    #if !defined(__x86_64__) && !defined(_M_X64) && !defined(_M_AMD64)
    #error "x86-64 only"
    #endif
    int main(void) { return 0; }
    """
)


def env_flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def compiles(compiler, source, compile_args, link_args=None):
    """Whether `source` compiles (and links, if link_args is given) with these flags."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.c")
        with open(path, "w") as f:
            f.write(source)
        try:
            objects = compiler.compile([path], output_dir=tmp, extra_postargs=compile_args)
            if link_args is not None:
                # Linked the way the extensions are (a shared object): that link
                # command carries LDFLAGS, which is how a libomp outside the default
                # paths is found (macOS wheels); the executable link does not.
                compiler.link_shared_object(
                    objects,
                    compiler.shared_object_filename("probe", output_dir=tmp),
                    extra_postargs=link_args,
                )
        except Exception:
            return False
    return True


def openmp_flags(compiler):
    """(compile_args, link_args) enabling OpenMP with this compiler, or None."""
    if compiler.compiler_type == "msvc":
        candidates = [(["/openmp"], [])]
    else:
        candidates = [(["-fopenmp"], ["-fopenmp"])]
        if sys.platform == "darwin":
            # Apple clang has no -fopenmp driver flag; it takes libomp's headers
            # and library (built for the deployment target, see the wheel docs).
            candidates.append((["-Xpreprocessor", "-fopenmp"], ["-lomp"]))
    for compile_args, link_args in candidates:
        if compiles(compiler, OPENMP_TEST, compile_args, link_args):
            return compile_args, link_args
    return None


class BuildExt(build_ext):
    def build_extensions(self):
        family = "msvc" if self.compiler.compiler_type == "msvc" else "unix"
        base_flags = MSVC_FLAGS if family == "msvc" else UNIX_FLAGS

        omp = None
        if env_flag("CSIGMOID_DISABLE_OPENMP"):
            print("csigmoid: OpenMP disabled by CSIGMOID_DISABLE_OPENMP; kernels run single-threaded")
        else:
            omp = openmp_flags(self.compiler)
            if omp is None:
                if env_flag("CSIGMOID_REQUIRE_OPENMP"):
                    raise RuntimeError(
                        "csigmoid: CSIGMOID_REQUIRE_OPENMP=1 but the compiler cannot build an "
                        "OpenMP program (tried -fopenmp, and -Xpreprocessor -fopenmp -lomp on macOS)"
                    )
                self.warn("csigmoid: the compiler has no usable OpenMP; building single-threaded kernels")
        omp_compile, omp_link = omp if omp else ([], [])

        kept = []
        for ext in self.extensions:
            prefix, _, variant = ext.name.rpartition("._kernels.")
            variant = variant if prefix else None
            flags = VARIANT_FLAGS[variant][family] if variant else []
            if variant not in (None, "baseline") and not compiles(
                self.compiler, VARIANT_TEST, base_flags + flags
            ):
                print(f"csigmoid: skipping the {variant} kernels: the compiler cannot target them")
                continue
            ext.extra_compile_args = base_flags + flags + omp_compile
            ext.extra_link_args = omp_link
            kept.append(ext)
        self.extensions = kept
        super().build_extensions()


# The C headers of each layer sit in its include/ folder; every extension sees
# all of them (the ufunc layer and the kernels share the parallel driver's).
INCLUDE_DIRS = sorted(glob.glob("csigmoid/*/include"))


def extension(name, **options):
    """The extension csigmoid.<name>, from csigmoid/<name as a path>.pyx."""
    options.setdefault("define_macros", [("NPY_NO_DEPRECATED_API", "NPY_1_21_API_VERSION")])
    return Extension(
        f"csigmoid.{name}",
        [f"csigmoid/{name.replace('.', '/')}.pyx"],
        # the C headers the kernels include: a change to one rebuilds them
        depends=sorted(glob.glob("csigmoid/*/include/*.h")),
        include_dirs=[numpy.get_include(), *INCLUDE_DIRS],
        **options,
    )


# The ufunc layer: the float16 loops convert with NumPy's own
# npy_half_to_float and npy_float_to_half, from the static npymath library
# NumPy ships for this; sigmoid_backward's promoter
# (csigmoid/_ufunc/include/backward_promoter.h) uses NumPy's 2.0 C API.
UFUNC_LAYER = {
    "library_dirs": [os.path.join(numpy.get_include(), "..", "lib")],
    "libraries": ["npymath"],
    "define_macros": [
        ("NPY_NO_DEPRECATED_API", "NPY_1_21_API_VERSION"),
        ("NPY_TARGET_VERSION", "NPY_2_0_API_VERSION"),
    ],
}

extensions = [
    extension("_ufunc.ufuncs", **UFUNC_LAYER),
    extension("_parallel.policy"),
    extension("_parallel.testing"),
    extension("_cpu.features"),
] + [extension(f"_kernels.{variant}") for variant in VARIANT_FLAGS]
# the benchmark's copy (the memory limit it compares with), apart from the kernels
extensions.append(extension("_bench.copy_limit"))

setup(
    ext_modules=cythonize(
        extensions,
        # the kernels' own directives (cdivision, no bounds checks) sit in their .pyx headers
        compiler_directives={"language_level": 3, "embedsignature": True},
    ),
    cmdclass={"build_ext": BuildExt},
)
