"""Stage 6: what the replication comes to.

Impacts of threats that were not killed are scored against the assets (a hit
when the impact point lies within an asset's radius); interceptors still flying
at the end time out; phantoms (tracks of false alarms) leave the engine as
target -1; the counters are written out.  During the replication, a threat that lands
on an asset destroys the units standing there (:func:`destroy_sited`).
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.c2.picture import Pictures
from airguard.engine.events import EV_DESTROYED, EV_END, EV_IMPACT, TIMEOUT, EventLog, log_event
from airguard.engine.state import Flights, KernelOut, Ledger, Scene, Sensing
from airguard.engine.threats import Threats

__all__ = ["destroy_sited", "lands_on", "score", "unreleased"]


@njit
def score(
    sc: Scene,
    led: Ledger,
    fl: Flights,
    sen: Sensing,
    pic: Pictures,
    out: KernelOut,
    log: EventLog,
) -> None:
    """Stage 6, after the last cycle: impacts, open flights, phantoms and counters."""
    _score_impacts(sc, led, out, log)
    _end_open_flights(sc, fl, out, log)
    n_thr = sc.thr.ttype.shape[0]
    n_m = fl.n[0]
    for m in range(n_m):  # phantoms leave the engine as -1
        if out.m_target[m] >= n_thr:
            out.m_target[m] = -1
        if out.m_first_target[m] >= n_thr:
            out.m_first_target[m] = -1
    out.n_launched[0] = n_m
    out.n_detections[0] = sen.n_detections[0]
    out.n_false_alarms[0] = sen.n_false_alarms[0]
    out.n_phantoms[0] = pic.n_phantoms[0]


@njit
def lands_on(
    impact_pos: np.ndarray, j: int, asset_pos: np.ndarray, asset_radius: np.ndarray, a: int
) -> bool:
    """Whether threat `j`'s impact point lies within asset `a`'s radius."""
    dx = impact_pos[j, 0] - asset_pos[a, 0]
    dy = impact_pos[j, 1] - asset_pos[a, 1]
    dz = impact_pos[j, 2] - asset_pos[a, 2]
    return bool(dx * dx + dy * dy + dz * dz <= asset_radius[a] ** 2)


@njit
def destroy_sited(
    sc: Scene,
    killed_at: np.ndarray,
    t_lo: float,
    t: float,
    unit_down: np.ndarray,
    log: EventLog,
) -> None:
    """Units and sensors standing at an asset (``Units.site``) that a threat landing in
    (`t_lo`, `t`] hits are destroyed at its impact time (`unit_down`): from then on their
    radars look no more, they take no new engagement and guide no round in flight.
    Impacts are final by then: a threat that lands at or before `t` can no longer be
    killed (the fly-out up to `t` is over).  Logs each as ``destroyed``: unit, threat,
    asset; the impact point."""
    thr, site = sc.thr, sc.units.site
    for u in range(site.shape[0]):
        a = site[u]
        if a < 0 or unit_down[u] < math.inf:
            continue
        first = -1  # the earliest threat of the window to land on its site
        for j in range(thr.ttype.shape[0]):
            tj = thr.t_impact[j]
            if tj <= t_lo or tj > t or thr.target[j] < 0 or thr.decoy[j] or killed_at[j] < math.inf:
                continue
            if thr.carrier[j] >= 0 and killed_at[thr.carrier[j]] < thr.t_launch[j]:
                continue  # never released: its carrier was shot down first
            if lands_on(thr.impact_pos, j, sc.assets.pos, sc.assets.radius, a) and (
                first < 0 or tj < thr.t_impact[first]
            ):
                first = j
        if first >= 0:
            unit_down[u] = thr.t_impact[first]
            p = thr.impact_pos[first]
            log_event(log, EV_DESTROYED, unit_down[u], u, first, a, p[0], p[1], p[2], 0.0)


@njit
def unreleased(
    thr: Threats, killed_at: np.ndarray, t_break: np.ndarray, alive: np.ndarray, out: np.ndarray
) -> None:
    """Weapons whose carrier was killed, or broke away from a round (``t_break`` (N,), s,
    inf: never; :mod:`airguard.engine.evasion`: an aborted release), before their release
    time are never released: they leave the sky (`alive` False) unseen and are marked in
    `out` (they neither leak nor are killed)."""
    for j in range(thr.ttype.shape[0]):
        c = thr.carrier[j]
        if c >= 0 and not out[j] and min(killed_at[c], t_break[c]) < thr.t_launch[j]:
            out[j] = True
            alive[j] = False


@njit
def _score_impacts(sc: Scene, led: Ledger, out: KernelOut, log: EventLog) -> None:
    """Impacts of threats not killed by the end, scored against assets."""
    thr, asset_pos, asset_radius = sc.thr, sc.assets.pos, sc.assets.radius
    for j in range(thr.ttype.shape[0]):
        if thr.target[j] < 0 or thr.decoy[j] or out.unreleased[j]:
            continue  # a flight ends its route, a decoy falls, a weapon never released
        if led.killed_at[j] == math.inf and thr.t_impact[j] <= sc.duration:
            out.impacted[j] = True
            hit = -1
            for a in range(asset_pos.shape[0]):
                if lands_on(thr.impact_pos, j, asset_pos, asset_radius, a):
                    out.asset_hits[a] += 1
                    if hit < 0:
                        hit = a
            # impact: threat, asset hit (-1: none); impact point (ECEF)
            log_event(
                log,
                EV_IMPACT,
                thr.t_impact[j],
                j,
                hit,
                0,
                thr.impact_pos[j, 0],
                thr.impact_pos[j, 1],
                thr.impact_pos[j, 2],
                0.0,
            )


@njit
def _end_open_flights(sc: Scene, fl: Flights, out: KernelOut, log: EventLog) -> None:
    """Interceptors still flying at the end time out."""
    n_thr = sc.thr.ttype.shape[0]
    duration = sc.duration
    for m in range(fl.n[0]):
        if fl.flying[m]:
            out.m_outcome[m] = TIMEOUT
            out.m_t1[m] = duration
            for i in range(3):
                fl.m_end[m, i] = fl.m_state[m, i]
            j = out.m_target[m]
            log_event(
                log, EV_END, duration, m, j if j < n_thr else -1, TIMEOUT, math.inf,
                fl.m_state[m, 0], fl.m_state[m, 1], fl.m_state[m, 2],
            )  # fmt: skip
