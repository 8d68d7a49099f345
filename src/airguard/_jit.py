"""Compiled kernels: a typed ``numba.njit(cache=True)`` and where its cache lives.

numba ships no type information, so a bare ``@numba.njit`` turns a function
into ``Any`` for mypy; :func:`njit` keeps the signature.  ``@njit(inline="always")``
asks numba to inline a small kernel into its compiled callers at the level of its
intermediate representation: a call made once per (unit, object) pair or per
interceptor step then copies no arguments (docs/design-notes.md, "The engine package").

Kernels are cached on disk so a run pays compilation once, not per process.
numba checks a cached kernel against its own source file only, not against
the kernels it calls in other modules; after an edit or an upgrade a caller
could keep a stale copy of a callee.  :func:`configure_cache` therefore puts
the cache in a directory named for a hash of airguard's sources
(``~/.cache/airguard/numba/<hash>``, or ``$AIRGUARD_CACHE_DIR``), unless the
user set ``NUMBA_CACHE_DIR``.  It runs when the ``airguard`` package is
imported, before numba is.

The layers above the campaign (:data:`UNKEYED`: the studies and the front ends)
are left out of the hash, so that editing a study or a report does not recompile
the engine.  That is safe because nothing in the keyed layers imports them (the
architecture contract in pyproject.toml keeps it so): a kernel in a study is
checked by numba against its own file, and every kernel it calls lies in a keyed
module.  The front ends hold no kernels at all (a test keeps it so).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:

    def i64(value: int, /) -> int:
        """``numpy.int64``, typed for mypy as the ``int`` a kernel treats it as."""
        ...


def __getattr__(name: str) -> Any:
    """``i64`` is ``numpy.int64``, imported only when a kernel module asks for it (the
    command line starts without numpy): in a kernel, ``i64(0)`` starts a counter as an
    int64 rather than a literal 0.  A counter still ``Literal[int](0)`` when numba types a
    call it reaches makes a second, literal signature of the callee and of all it calls:
    compile time for nothing (docs/design-notes.md, "Session 16, compile time").  numba
    resolves a kernel's globals by value, so the kernel sees numpy.int64."""
    if name == "i64":
        import numpy as np

        return np.int64
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FRONT_ENDS",
    "UNKEYED",
    "code_digest",
    "configure_cache",
    "i64",
    "kernels_cached",
    "njit",
    "source_files",
]

#: Subpackages of airguard that hold no kernels: the front ends.
FRONT_ENDS = ("cli", "scene", "report", "viewer", "export")

#: Subpackages left out of the cache key: the studies (whose kernels nothing below
#: them calls) and the front ends.
UNKEYED = ("studies", *FRONT_ENDS)


def source_files(package: Path) -> list[Path]:
    """The sources whose text decides the compiled kernels, sorted.

    Every ``.py`` file under `package` except those of :data:`UNKEYED`.
    """
    files = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).parts
        if parts[0] in UNKEYED:
            continue
        files.append(path)
    return files


def code_digest() -> str:
    """SHA-256 (hex) of the sources that decide what a replication computes: every keyed
    file (:func:`source_files`), its path and its text."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in source_files(package):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def configure_cache() -> None:
    """Point numba's cache at a directory keyed by airguard's source hash."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    root = os.environ.get("AIRGUARD_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "airguard"
    )
    os.environ["NUMBA_CACHE_DIR"] = os.path.join(root, "numba", code_digest()[:16])


def kernels_cached() -> bool:
    """Whether numba's cache holds the engine's compiled replication
    (``airguard.engine.loop.engage``): if not, the next run compiles the simulator's
    kernels first, a few minutes on a small machine (docs/performance.md)."""
    root = os.environ.get("NUMBA_CACHE_DIR")
    if not root:
        return False
    return any(Path(root).glob("**/loop.engage-*.nbi"))


@overload
def njit(func: F, /) -> F: ...


@overload
def njit(*, inline: Literal["never", "always"] = "never") -> Callable[[F], F]: ...


def njit(
    func: F | None = None, /, *, inline: Literal["never", "always"] = "never"
) -> F | Callable[[F], F]:
    """Compile `func` with ``numba.njit(cache=True)``, keeping its type for mypy.

    Use it bare (``@njit``) or with numba's `inline` option (``@njit(inline="always")``:
    compiled callers inline the function's body; called from Python it is compiled as
    usual).  Both are cached on disk.
    """
    import numba

    def compile_(f: F) -> F:
        if inline == "never":  # numba's default: the same kernels as before the option
            return cast(F, numba.njit(cache=True)(f))
        return cast(F, numba.njit(cache=True, inline=inline)(f))

    if func is None:
        return compile_
    return compile_(func)
