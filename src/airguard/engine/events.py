"""The engine's vocabulary of events and interceptor outcomes.

A replication run with an :class:`EventLog` records what happened, one row per
event (docs/results-format.md); :func:`log_event` writes a row from compiled
code.  The interceptor outcome codes (:data:`KILL` … :data:`GROUND`) end every
round's flight; :data:`OUTCOME_NAMES` spells them in the outcome tables.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from airguard._jit import njit

__all__ = [
    "DESTROYED",
    "EVENT_NAMES",
    "EV_DESTROYED",
    "EV_DETECTION",
    "EV_END",
    "EV_IMPACT",
    "EV_LAUNCH",
    "EV_RETARGET",
    "EV_SILENT",
    "EV_STATE",
    "EV_TRACK",
    "GROUND",
    "KILL",
    "MISS",
    "NO_LOG",
    "OUTCOME_NAMES",
    "PK_FAIL",
    "TARGET_GONE",
    "TARGET_LANDED",
    "TIMEOUT",
    "EventLog",
    "event_log",
    "log_event",
]

# interceptor outcomes: TARGET_GONE, its target killed (by another round) or a track that
# ended; TARGET_LANDED, its target reached the ground first; DESTROYED, it could no
# longer reach its target (too slow, or too little flight time left) and was destroyed
KILL, PK_FAIL, MISS, TARGET_GONE, TIMEOUT, GROUND, TARGET_LANDED, DESTROYED = range(8)
OUTCOME_NAMES = (
    "kill", "pk-fail", "miss", "target-gone", "timeout", "ground", "target-landed", "destroyed"
)  # fmt: skip


class EventLog(NamedTuple):
    """What happened in a replication, event by event (:func:`run_replication` with ``log``).

    Row e: ``kind[e]`` (:data:`EVENT_NAMES`), time ``t[e]`` (s), three indices
    ``ints[e]`` and four values ``vals[e]`` whose meaning depends on the kind
    (docs/results-format.md).  A capacity of 0 (the default in campaigns)
    records nothing and costs a comparison per event.
    """

    kind: np.ndarray  # (E,) int64
    t: np.ndarray  # (E,)
    ints: np.ndarray  # (E, 3) int64
    vals: np.ndarray  # (E, 4)
    n: np.ndarray  # (1,) int64 events written (more may have happened: see `lost`)
    lost: np.ndarray  # (1,) int64 events that did not fit


EV_DETECTION, EV_TRACK, EV_LAUNCH, EV_END, EV_RETARGET, EV_IMPACT, EV_STATE = 0, 1, 2, 3, 4, 5, 6
EV_DESTROYED = 7  # a unit or sensor destroyed with its site (scoring.destroy_sited)
EV_SILENT = 8  # a unit's radars fall silent, or stay silent longer (emission.emission_control)
EVENT_NAMES = (
    "detection", "track", "launch", "end", "retarget", "impact", "state", "destroyed", "silent",
)  # fmt: skip


def event_log(capacity: int) -> EventLog:
    """An empty event log holding up to `capacity` events."""
    return EventLog(
        kind=np.zeros(capacity, dtype=np.int64),
        t=np.zeros(capacity),
        ints=np.zeros((capacity, 3), dtype=np.int64),
        vals=np.zeros((capacity, 4)),
        n=np.zeros(1, dtype=np.int64),
        lost=np.zeros(1, dtype=np.int64),
    )


NO_LOG = event_log(0)
"""The log of a replication that records nothing (campaigns)."""


@njit
def log_event(
    log: EventLog,
    kind: int,
    t: float,
    a: int,
    b: int,
    c: int,
    x0: float,
    x1: float,
    x2: float,
    x3: float,
) -> None:
    """Write one event: `kind` at time `t` (s), indices (a, b, c), values (x0 … x3)."""
    n = log.n[0]
    if n >= log.kind.shape[0]:
        if log.kind.shape[0] > 0:
            log.lost[0] += 1
        return
    log.kind[n] = kind
    log.t[n] = t
    log.ints[n, 0], log.ints[n, 1], log.ints[n, 2] = a, b, c
    log.vals[n, 0], log.vals[n, 1], log.vals[n, 2], log.vals[n, 3] = x0, x1, x2, x3
    log.n[0] = n + 1
