"""Emission control and anti-radiation seekers: when radars fall silent, and what an ARM
that hears nothing does.

A unit (or sensor) with ``emcon`` (:class:`airguard.scenario.Emcon`) falls silent on a
schedule, or for a dwell from its first picture (its own or its network's) of each
anti-radiation missile (:func:`emission_control`, at the start of each cycle, after the
seekers of the ARMs that landed in the last cycle). While silent (:func:`silent`) its
radars make no look, it takes no new engagement and guides no round (the loop's tests).
Its silence is one interval at a time, ``KernelOut.silent_from``/``silent_to``: a new
silence that overlaps or touches the one held merges with it (the earlier start, the
later end).

An ARM (catalogue ``radiation_homing``) homes on the units standing at the asset it is
aimed at. At its impact (:func:`arm_seekers`, each cycle for the impacts of the cycle,
before sites are scored) it hits as drawn if one of them emitted at any time in its last
``terminal_time``; if all were silent (or destroyed) from before then through the impact,
or none stands there, it flies on to the point it last heard and misses by its drift,
drawn once per replication (:data:`Scene.arm_drift`: a Rayleigh miss of the type's
``memory_miss`` scale in a uniform direction). Its impact point moves; scoring, sites and
the tables then read the moved point.
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.c2.picture import Pictures
from airguard.engine.events import EV_SILENT, EventLog, log_event
from airguard.engine.firecontrol import TRACK_STALE_S
from airguard.engine.looks import unit_picture
from airguard.engine.state import KernelOut, Scene
from airguard.tracking.core import Tracks

__all__ = ["arm_seekers", "emission_control", "end_silences", "silent"]


@njit
def silent(out: KernelOut, u: int, t: float) -> bool:
    """Whether unit u's radars are silent at time t."""
    return bool(out.silent_from[u] <= t < out.silent_to[u])


@njit
def _fall_silent(out: KernelOut, u: int, start: float, end: float, log: EventLog) -> None:
    """Unit u silent over [start, end): merged with the silence held when the two overlap
    or touch (from the earlier start to the later end), else replacing it (its seconds
    from t = 0 are counted)."""
    lo, hi = out.silent_from[u], out.silent_to[u]
    if math.isfinite(lo) and start <= hi and end >= lo:
        if start < lo or end > hi:
            out.silent_from[u] = min(start, lo)
            out.silent_to[u] = max(end, hi)
            log_event(
                log, EV_SILENT, start, u, 0, 0, out.silent_from[u], out.silent_to[u], 0.0, 0.0
            )
        return
    if math.isfinite(out.silent_from[u]):
        out.silent_s[u] += max(out.silent_to[u] - max(out.silent_from[u], 0.0), 0.0)
    out.silent_from[u] = start
    out.silent_to[u] = end
    log_event(log, EV_SILENT, start, u, 0, 0, start, end, 0.0, 0.0)


@njit
def emission_control(
    sc: Scene,
    pic: Pictures,
    trk: Tracks,
    alive: np.ndarray,
    t: float,
    out: KernelOut,
    est: np.ndarray,
    tmp: np.ndarray,
    log: EventLog,
) -> None:
    """At the start of the cycle at t: each unit's scheduled silences that began after the
    last cycle (or run now), and a dwell of ``Units.silent_on_arm`` from t for each ARM
    the unit first holds a picture of, its own or its network's (``looks.unit_picture``,
    fresh within ``TRACK_STALE_S``, as fire control asks; `est`, `tmp` (9,) scratch)."""
    units, arm = sc.units, sc.arm_terminal_s
    for u in range(units.site.shape[0]):
        if out.unit_down[u] <= t:
            continue
        for k in range(units.silent_from.shape[1]):
            w0, w1 = units.silent_from[u, k], units.silent_to[u, k]
            # a window between two cycles is applied at the next, in the past: it still
            # counts for the ARMs that heard nothing and for the seconds of silence
            if (
                w0 <= t
                and w1 > t - sc.step
                and not (out.silent_from[u] <= w0 and out.silent_to[u] >= w1)
            ):
                _fall_silent(out, u, w0, w1, log)
        dwell = units.silent_on_arm[u]
        if dwell <= 0.0:
            continue
        for j in range(arm.shape[0]):
            if arm[j] <= 0.0 or sc.arm_seen[u, j] or not alive[j]:
                continue
            t_est = unit_picture(pic, trk, units, u, j, t, sc.im, est, tmp)
            if t_est != -math.inf and t - t_est <= TRACK_STALE_S:
                sc.arm_seen[u, j] = True
                _fall_silent(out, u, t, t + dwell, log)


@njit
def end_silences(out: KernelOut, t_end: float) -> None:
    """Count the seconds of each unit's last silence from t = 0 up to the end `t_end`."""
    for u in range(out.silent_from.shape[0]):
        if math.isfinite(out.silent_from[u]) and out.silent_from[u] < t_end:
            out.silent_s[u] += max(min(out.silent_to[u], t_end) - max(out.silent_from[u], 0.0), 0.0)


@njit
def _heard(sc: Scene, out: KernelOut, a: int, t_from: float, t_imp: float) -> bool:
    """Whether some unit standing at asset a emitted at some time in [t_from, t_imp]."""
    site = sc.units.site
    for u in range(site.shape[0]):
        if site[u] != a or out.unit_down[u] <= t_from:
            continue
        if not (out.silent_from[u] <= t_from and out.silent_to[u] > t_imp):
            return True
    return False


@njit
def arm_seekers(sc: Scene, killed_at: np.ndarray, t_lo: float, t: float, out: KernelOut) -> None:
    """ARMs landing in (`t_lo`, `t`], not killed: one that heard no emitter at its target in
    its last ``terminal_time`` misses by its drift (its impact point moves east and north
    by ``Scene.arm_drift``, on the local horizontal) and is marked ``arm_lost``."""
    thr = sc.thr
    for j in range(thr.ttype.shape[0]):
        term = sc.arm_terminal_s[j]
        tj = thr.t_impact[j]
        if term <= 0.0 or tj <= t_lo or tj > t or killed_at[j] < math.inf or out.arm_lost[j]:
            continue
        c = thr.carrier[j]
        if c >= 0 and killed_at[c] < thr.t_launch[j]:
            continue  # never released
        a = thr.target[j]
        if a >= 0 and _heard(sc, out, a, tj - term, tj):
            continue
        out.arm_lost[j] = True
        x, y, z = thr.impact_pos[j, 0], thr.impact_pos[j, 1], thr.impact_pos[j, 2]
        lon = math.atan2(y, x)
        lat = math.atan2(z, math.hypot(x, y))  # geocentric: the horizontal to 0.2 deg
        de, dn = sc.arm_drift[j, 0], sc.arm_drift[j, 1]
        thr.impact_pos[j, 0] = x - de * math.sin(lon) - dn * math.sin(lat) * math.cos(lon)
        thr.impact_pos[j, 1] = y + de * math.cos(lon) - dn * math.sin(lat) * math.sin(lon)
        thr.impact_pos[j, 2] = z + dn * math.cos(lat)
