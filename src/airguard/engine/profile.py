"""Where one replication's time goes: a per-stage profile read from the CPU's cycle counter.

:func:`airguard.engine.loop.run_replication` given a ``profile`` array (``new_profile()``)
adds to it the cycles each stage took, read from the processor's time-stamp counter
(LLVM's ``readcyclecounter``, a few nanoseconds a read): in the compiled loop for looks,
tracking, fire control, fly-out and bookkeeping, by :func:`cycles` around the Python stages
(drawing and flying the threats, the scene, the kill chain and the result's tables).
:func:`stage_seconds` converts with the counter's rate, measured once against
:func:`time.perf_counter` (:func:`cycles_per_second`).  Without a profile the compiled
loop reads no counter: the profile array has length 0 and every :func:`lap` returns at
once.

``benchmarks/flagship_throughput.py`` prints the profile of each flagship variant
(docs/performance.md, "Where a replication's time goes").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import cast

import numpy as np
from llvmlite import ir  # type: ignore[import-untyped]
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from airguard._jit import njit

__all__ = [
    "N_STAGES",
    "STAGES",
    "ST_BOOKKEEPING",
    "ST_CHAIN",
    "ST_FIRE_CONTROL",
    "ST_FLYOUT",
    "ST_LOOKS",
    "ST_SETUP",
    "ST_THREATS",
    "ST_TRACKING",
    "cycles",
    "cycles_per_second",
    "lap",
    "new_profile",
    "stage_seconds",
    "tick",
]

ST_THREATS, ST_SETUP, ST_LOOKS, ST_TRACKING, ST_FIRE_CONTROL, ST_FLYOUT = 0, 1, 2, 3, 4, 5
ST_BOOKKEEPING, ST_CHAIN = 6, 7
STAGES = (
    "threat flight",  # drawing the raid and flying its threats (Python and compiled)
    "scene",  # the replication's arrays, the IFF draws
    "looks",  # radar looks, false alarms drawn
    "tracking",  # the units' trackers over each look's detections, and their pictures
    "fire control",  # threat evaluation, the assignment, intercept search, launches
    "fly-out",  # interceptors' guidance and flight, kill draws
    "bookkeeping",  # ends resolved, killed threats removed, links freed, impacts scored
    "kill chain",  # the threats' fates and the result's tables (Python)
)
N_STAGES = len(STAGES)


@intrinsic
def _cycle_intrinsic(typingctx):  # type: ignore[no-untyped-def]
    """LLVM's ``llvm.readcyclecounter`` (RDTSC on x86-64)."""

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = cgutils.get_or_insert_function(  # type: ignore[no-untyped-call]
            builder.module, fnty, "llvm.readcyclecounter"
        )
        return builder.call(fn, [])

    return types.int64(), codegen


_readcyclecounter = cast(Callable[[], int], _cycle_intrinsic)


@njit
def cycles() -> int:
    """The processor's cycle counter now."""
    return _readcyclecounter()


@njit(inline="always")
def tick(prof: np.ndarray) -> int:
    """The cycle counter now if `prof` is a profile, else 0 (nothing read)."""
    if prof.shape[0] == 0:
        return 0
    return _readcyclecounter()


@njit(inline="always")
def lap(prof: np.ndarray, stage: int, since: int) -> int:
    """Add the cycles since `since` to `stage` of `prof` and return the counter now; with
    an empty `prof` (no profile), nothing is read and 0 returned."""
    if prof.shape[0] == 0:
        return 0
    now = _readcyclecounter()
    prof[stage] += now - since
    return now


def new_profile() -> np.ndarray:
    """An empty profile: cycles per stage (int64)."""
    return np.zeros(N_STAGES, dtype=np.int64)


_RATE: list[float] = []


def cycles_per_second() -> float:
    """The cycle counter's rate, measured once against :func:`time.perf_counter` over 0.2 s."""
    if not _RATE:
        cycles()  # compiled or loaded before the clock starts
        t0, c0 = time.perf_counter(), cycles()
        while time.perf_counter() - t0 < 0.2:
            pass
        _RATE.append((cycles() - c0) / (time.perf_counter() - t0))
    return _RATE[0]


def stage_seconds(profile: np.ndarray) -> dict[str, float]:
    """Seconds per stage of a profile filled by ``run_replication(..., profile=...)``."""
    rate = cycles_per_second()
    return {name: float(profile[i]) / rate for i, name in enumerate(STAGES)}
