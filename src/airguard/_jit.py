"""A typed wrapper over ``numba.njit(cache=True)``.

numba ships no type information, so a bare ``@numba.njit`` turns a function
into ``Any`` for mypy; this wrapper keeps the signature.  Kernels are cached
on disk (``__pycache__`` next to the module, or ``NUMBA_CACHE_DIR``), so a run
pays compilation once per installation, not per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["njit"]


def njit(func: F) -> F:
    """Compile `func` with ``numba.njit(cache=True)``, keeping its type for mypy."""
    return cast(F, numba.njit(cache=True)(func))
