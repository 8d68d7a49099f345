"""Each fire unit's air picture: its own tracks and its network's, after the link's delay.

Every unit (fire unit or early-warning sensor) runs one tracker over the
detections of its own radars (:mod:`airguard.tracking`; several radars of a
unit are fused by updating one track table in turn).  A unit's **picture** of
an object is the best confirmed track it holds on it: its own, at once, or a
track of another unit of its network, as that track stood when the link
delivered it (the network's latency, at its update interval, within its track
capacity).  "Best" is the smallest predicted position variance.

The simulation knows which object made each detection, so that it can score
what a track follows; that *label* is never used in estimation or
association, only to say which threat a track is on.  A track made of false
alarms is an object of its own (a *phantom*, index ``n_threats + p``) that fire
control may engage; it lives as long as its track.  A track keeps the label of
the last real object whose detection it took, so one false alarm in a real
track does not turn it into a phantom (see :func:`refresh`).

Identification (which class of threat a track is, friend or foe) is not
modelled from the track: a track on a real object carries that object's class
(identification by means outside the model, e.g. IFF, NCTR); a phantom's class
is read from its speed (:func:`kinematic_class`).

All arrays are preallocated per replication; nothing here allocates.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from airguard._jit import njit

__all__ = [
    "MAX_PHANTOMS",
    "SNAPSHOTS",
    "Pictures",
    "kinematic_class",
    "new_pictures",
]

SNAPSHOTS = 8
"""Past states of each track kept for the network (a link delivers a state it saw
up to this many updates ago; beyond that a remote track is not available)."""

MAX_PHANTOMS = 64
"""Phantom tracks (made of false alarms) that fire control can tell apart in one replication;
later ones are still tracked but not engaged."""

BALLISTIC_SPEED_MPS = 1000.0
"""A phantom faster than this is taken for a ballistic missile."""
DRONE_SPEED_MPS = 100.0
"""A phantom slower than this is taken for a drone; between the two, a cruise missile."""


class Pictures(NamedTuple):
    """The pictures of all units of one replication (numba-compatible).

    G = units × K track rows (unit u owns rows u·K … u·K + K − 1), O = threats
    + :data:`MAX_PHANTOMS` objects.
    """

    row: np.ndarray  # (U, O) int64: unit u's best confirmed track row on object o, or -1
    snap_t: np.ndarray  # (G, S) time of each kept state (ring), -inf empty
    snap_x: np.ndarray  # (G, S, 6) position, velocity (ECEF)
    snap_q: np.ndarray  # (G, S, 3) position variance (trace), velocity variance, P(ballistic)
    snap_n: np.ndarray  # (G,) int64 states kept so far for the row's present track
    snap_id: np.ndarray  # (G,) int64 track id the ring belongs to
    phantom_row: np.ndarray  # (P,) int64 global track row of phantom p
    phantom_id: np.ndarray  # (P,) int64 its track id
    phantom_unit: np.ndarray  # (P,) int64 the unit that holds it
    phantom_of: np.ndarray  # (G,) int64 phantom index of a row's present track, or -1
    n_phantoms: np.ndarray  # (1,) int64
    carried: np.ndarray  # (N_nets, O) bool: the network carries a track of the object
    n_carried: np.ndarray  # (N_nets,) int64


def new_pictures(
    n_units: int, rows_per_unit: int, n_threats: int, n_nets: int, networked: bool
) -> Pictures:
    """Empty pictures; snapshot rings only when some unit shares tracks (`networked`)."""
    n_obj = n_threats + MAX_PHANTOMS
    g = n_units * rows_per_unit
    s = SNAPSHOTS if networked else 1
    return Pictures(
        row=np.full((n_units, n_obj), -1, dtype=np.int64),
        snap_t=np.full((g, s), -math.inf),
        snap_x=np.zeros((g, s, 6)),
        snap_q=np.zeros((g, s, 3)),
        snap_n=np.zeros(g, dtype=np.int64),
        snap_id=np.full(g, -1, dtype=np.int64),
        phantom_row=np.full(MAX_PHANTOMS, -1, dtype=np.int64),
        phantom_id=np.full(MAX_PHANTOMS, -1, dtype=np.int64),
        phantom_unit=np.full(MAX_PHANTOMS, -1, dtype=np.int64),
        phantom_of=np.full(g, -1, dtype=np.int64),
        n_phantoms=np.zeros(1, dtype=np.int64),
        carried=np.zeros((max(n_nets, 1), n_obj), dtype=np.bool_),
        n_carried=np.zeros(max(n_nets, 1), dtype=np.int64),
    )


@njit
def kinematic_class(speed_mps: float) -> int:
    """Threat class (0 ballistic, 1 cruise, 2 drone) of a phantom from its speed."""
    if speed_mps >= BALLISTIC_SPEED_MPS:
        return 0
    if speed_mps >= DRONE_SPEED_MPS:
        return 1
    return 2


@njit
def combined_state(x: np.ndarray, p: np.ndarray, mu: np.ndarray, ib: int, out: np.ndarray) -> None:
    """A track's IMM-combined state at its last update.

    ``x`` (M, 9), ``p`` (M, 9, 9), ``mu`` (M,) of one track; ``ib`` the index of
    the ballistic model in the IMM (-1: none).  Writes position and velocity
    into ``out[0:6]``, the position variance (trace of the 3 × 3 block,
    spread of the means included: Bar-Shalom, Li & Kirubarajan 2001, eq.
    11.6.6-7) into ``out[6]``, the velocity variance into ``out[7]`` and the
    ballistic model's probability into ``out[8]`` (-1 without one).
    """
    for i in range(6):
        s = 0.0
        for m in range(mu.shape[0]):
            s += mu[m] * x[m, i]
        out[i] = s
    vp = 0.0
    vv = 0.0
    for m in range(mu.shape[0]):
        for i in range(3):
            d = x[m, i] - out[i]
            vp += mu[m] * (p[m, i, i] + d * d)
            d = x[m, 3 + i] - out[3 + i]
            vv += mu[m] * (p[m, 3 + i, 3 + i] + d * d)
    out[6] = vp
    out[7] = vv
    out[8] = mu[ib] if ib >= 0 else -1.0


@njit
def available_at(t_seen: float, latency: float, update: float) -> float:
    """When a state seen at `t_seen` reaches another unit: after the latency, at the link's
    next update (update interval 0: at once)."""
    t_in = t_seen + latency
    if update > 0.0:
        return math.ceil(t_in / update - 1e-9) * update
    return t_in


@njit
def phantom_alive(
    phantom_row: np.ndarray,
    phantom_id: np.ndarray,
    status: np.ndarray,
    ids: np.ndarray,
    label: np.ndarray,
    p: int,
) -> bool:
    """Whether phantom p's track still exists and is still made of false alarms only."""
    k = phantom_row[p]
    return bool(k >= 0 and status[k] != 0 and ids[k] == phantom_id[p] and label[k] < 0)


@njit
def refresh(
    pic: Pictures,
    status: np.ndarray,
    ids: np.ndarray,
    t_upd: np.ndarray,
    x: np.ndarray,
    p: np.ndarray,
    mu: np.ndarray,
    label: np.ndarray,
    u: int,
    rows_per_unit: int,
    n_threats: int,
    ib: int,
    t: float,
    best: np.ndarray,
    tmp: np.ndarray,
) -> None:
    """Unit u's picture after a scan of its tracker at time t.

    Confirmed tracks updated at `t` are kept in the snapshot ring for the
    network; each object's best confirmed track (least position variance)
    becomes the unit's picture of it; a confirmed track of false alarms gets a
    phantom index the first time it is seen.  ``best`` (O,) and ``tmp`` (9,)
    are the caller's scratch.  ``status`` … ``label`` are the tracker's arrays
    (:class:`airguard.tracking.core.Tracks`).
    """
    n_obj = pic.row.shape[1]
    n_slots = pic.snap_t.shape[1]
    for o in range(n_obj):
        pic.row[u, o] = -1
        best[o] = math.inf
    lo = u * rows_per_unit
    for k in range(lo, lo + rows_per_unit):
        if status[k] != 2:  # confirmed only
            continue
        combined_state(x[k], p[k], mu[k], ib, tmp)
        if n_slots > 1 and t_upd[k] == t:
            if pic.snap_id[k] != ids[k]:
                pic.snap_id[k] = ids[k]
                pic.snap_n[k] = 0
            slot = pic.snap_n[k] % n_slots
            pic.snap_t[k, slot] = t
            for i in range(6):
                pic.snap_x[k, slot, i] = tmp[i]
            for i in range(3):
                pic.snap_q[k, slot, i] = tmp[6 + i]
            pic.snap_n[k] += 1
        lab = label[k]
        if lab >= 0:
            o = lab
        else:
            ph = pic.phantom_of[k]
            if ph < 0 or pic.phantom_id[ph] != ids[k]:
                ph = pic.n_phantoms[0]
                if ph >= pic.phantom_row.shape[0]:
                    continue  # more phantoms than fire control tells apart
                pic.n_phantoms[0] += 1
                pic.phantom_row[ph] = k
                pic.phantom_id[ph] = ids[k]
                pic.phantom_unit[ph] = u
                pic.phantom_of[k] = ph
            o = n_threats + ph
        if tmp[6] < best[o]:
            best[o] = tmp[6]
            pic.row[u, o] = k


@njit
def picture(
    row: np.ndarray,
    snap_t: np.ndarray,
    snap_x: np.ndarray,
    snap_q: np.ndarray,
    snap_n: np.ndarray,
    carried: np.ndarray,
    n_carried: np.ndarray,
    t_upd: np.ndarray,
    x: np.ndarray,
    p: np.ndarray,
    mu: np.ndarray,
    network: np.ndarray,
    latency: float,
    update: float,
    capacity: int,
    u: int,
    o: int,
    t: float,
    ib: int,
    out: np.ndarray,
    tmp: np.ndarray,
) -> float:
    """Unit u's best picture of object o at time t, or -inf when it has none.

    Writes the state at the track's (or delivered snapshot's) time into
    ``out[0:6]`` (ECEF position, velocity), its position and velocity variance
    into ``out[6:8]`` and the ballistic model's probability into ``out[8]``;
    returns that time.  ``row`` … ``n_carried`` are the fields of :class:`Pictures`
    (passed one by one: a compiled call copies only what it needs).  Pictures from the network pass its `latency` and
    `update` interval and take a slot of its track `capacity` (-1: no limit;
    first come, first carried).
    """
    nw = network[u]
    remote_ok = nw >= 0 and (carried[nw, o] or capacity < 0 or n_carried[nw] < capacity)
    best_t = -math.inf
    best_var = math.inf
    best_w = -1
    n_slots = snap_t.shape[1]
    for w in range(row.shape[0]):
        k = row[w, o]
        if k < 0:
            continue
        if w == u:
            combined_state(x[k], p[k], mu[k], ib, tmp)
            tr = t_upd[k]
            var = tmp[6] + (t - tr) ** 2 * tmp[7]
            if var < best_var:
                best_var, best_t, best_w = var, tr, w
                for i in range(9):
                    out[i] = tmp[i]
        elif remote_ok and network[w] == nw and n_slots > 1:
            n = snap_n[k]
            for back in range(min(n, n_slots)):
                slot = (n - 1 - back) % n_slots
                ts = snap_t[k, slot]
                if available_at(ts, latency, update) <= t:
                    var = snap_q[k, slot, 0] + (t - ts) ** 2 * snap_q[k, slot, 1]
                    if var < best_var:
                        best_var, best_t, best_w = var, ts, w
                        for i in range(6):
                            out[i] = snap_x[k, slot, i]
                        for i in range(3):
                            out[6 + i] = snap_q[k, slot, i]
                    break
    if best_w >= 0 and best_w != u and not carried[nw, o]:
        carried[nw, o] = True
        n_carried[nw] += 1
    return best_t
