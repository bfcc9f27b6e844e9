"""Instruction-set selection: which compiled variant of the kernels runs.

The kernels are compiled once per level (setup.py); at import the CPU is
probed once and the best level that the CPU supports, that the build has,
and that ``CSIGMOID_SIMD`` allows is made current.  ``CSIGMOID_SIMD`` names
the highest level allowed (``baseline``, ``avx2`` or ``avx512``): it can
only rule levels out, never force one the CPU lacks.  A variant the CPU
cannot run is never imported (its module code may use its instructions).
"""

import importlib.util
import os
import warnings

from csigmoid._cpu import features
from csigmoid._ufunc import ufuncs

ENV_VARIABLE = "CSIGMOID_SIMD"


def _build_has(level: str) -> bool:
    return importlib.util.find_spec(f"csigmoid._kernels.{level}") is not None


def available_variants() -> tuple[str, ...]:
    """Levels both built and runnable on this CPU, lowest first."""
    top = features.LEVELS.index(features.cpu_level())
    return tuple(level for level in features.LEVELS[: top + 1] if _build_has(level))


def _allowed_by_env() -> tuple[str, ...]:
    requested = os.environ.get(ENV_VARIABLE, "").strip().lower()
    if not requested:
        return features.LEVELS
    if requested not in features.LEVELS:
        warnings.warn(
            f"{ENV_VARIABLE}={requested!r} is not one of {', '.join(features.LEVELS)}; ignored",
            RuntimeWarning,
            stacklevel=3,
        )
        return features.LEVELS
    return features.LEVELS[: features.LEVELS.index(requested) + 1]


_current: str | None = None


def use_variant(level: str) -> None:
    """Make `level` the kernels every call uses (tests use this to run each variant)."""
    global _current
    if level not in available_variants():
        raise ValueError(f"kernel variant {level!r} is not available here; available: {available_variants()}")
    module = importlib.import_module(f"csigmoid._kernels.{level}")
    ufuncs.use_kernels(module.kernel_table)
    _current = level


def current_variant() -> str | None:
    return _current


def select() -> str:
    """Pick and install the best allowed variant; return its name."""
    allowed = _allowed_by_env()
    best = [level for level in available_variants() if level in allowed][-1]
    use_variant(best)
    return best
