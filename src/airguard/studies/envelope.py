"""Engagement envelopes of an interceptor against a threat type, from real fly-outs.

The kinematic reach comes from the interceptor's reach table (:mod:`airguard.reach`);
threats are flown with the engine's own flight models across the unit at increasing
offsets, and each point of a path is marked feasible when an interceptor launched in
time reaches it inside the catalogue's limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from airguard.geo import MEAN_EARTH_RADIUS_M
from airguard.reach import ReachTable, reach_table, spec_params
from airguard.trajectory import _launch_state

__all__ = ["Crossing", "EngagementEnvelope", "engagement_envelope"]

REFERENCE_SITE_DEG = (38.0, 0.0)
"""Where envelopes are drawn (lat, lon, degrees): the geometry is local, the site only
fixes gravity and the Earth's rotation."""


@dataclass(frozen=True)
class Crossing:
    """Intercept opportunities against one threat path passing the unit at an offset."""

    offset_m: float  # distance from the unit to the threat's aim point, across its path
    ground_range_m: np.ndarray  # (n,) of each path sample from the unit
    altitude_m: np.ndarray  # (n,)
    time_to_impact_s: np.ndarray  # (n,)
    feasible: np.ndarray  # (n,) bool: an interceptor launched in time reaches it inside the limits

    @property
    def any(self) -> bool:
        return bool(self.feasible.any())

    def window(self) -> tuple[float, float]:
        """Time to impact (s) of the first and last feasible intercept, NaN if none."""
        if not self.any:
            return math.nan, math.nan
        t = self.time_to_impact_s[self.feasible]
        return float(t.max()), float(t.min())


@dataclass(frozen=True)
class EngagementEnvelope:
    """Where one interceptor can engage one threat type, from real fly-outs."""

    interceptor: str
    threat: str
    reach: ReachTable  # kinematic, not cut by catalogue limits
    max_range_m: float  # catalogue limits (nominal)
    min_range_m: float
    max_altitude_m: float
    min_altitude_m: float
    max_range_band_m: tuple[float, float]  # catalogue low and high
    reaction_s: float
    crossings: list[Crossing]

    @property
    def kinematic_max_range_m(self) -> float:
        """Farthest ground range the interceptor reaches in time and fast enough, any height."""
        return self.reach.max_range_m

    @property
    def footprint_half_width_m(self) -> float:
        """Largest offset of a threat path that can still be engaged (0 if none)."""
        ok = [c.offset_m for c in self.crossings if c.any]
        return max(ok) if ok else 0.0

    @property
    def reach_within_band(self) -> bool:
        lo, hi = self.max_range_band_m
        return lo <= self.kinematic_max_range_m <= hi


def engagement_envelope(
    interceptor: str,
    threat: str,
    *,
    catalogue: Any = None,
    offsets_m: Any = None,
) -> EngagementEnvelope:
    """Kinematic and engagement envelope of `interceptor` against `threat` (catalogue ids).

    The reach table is flown to twice the catalogue's highest range and 1.5 times its
    highest altitude, so the kinematic reach is the model's, not the catalogue's.  Then
    threats of the given type are flown with the engine's own flight models towards aim
    points at increasing offsets across their path from the unit (a ballistic missile
    from 90 % of its modelled reach, a cruise missile or drone from 150 km, both from the
    south); a point of a path is a feasible intercept when it lies inside the
    catalogue's range and altitude limits and the interceptor, launched no earlier than
    the unit's reaction time after the threat's launch (perfect early warning), reaches
    it first.
    """
    from airguard.catalogue import ThreatSystem, default_catalogue
    from airguard.trajectory import aim_ballistic, fly_route
    from airguard.world import compile_threat_types

    cat = catalogue if catalogue is not None else default_catalogue()
    system, spec = cat.interceptor(interceptor)
    tspec = cat.entries.get(threat)
    if not isinstance(tspec, ThreatSystem):
        raise KeyError(threat)
    params = spec_params(spec)
    reach = reach_table(
        params,
        spec.max_flight_time.value,
        2.0 * spec.max_range.high.value_si,
        1.5 * spec.max_altitude.high.value_si,
    )
    tt = compile_threat_types([threat], cat)
    reaction = system.composition.reaction_time.value
    if offsets_m is None:
        offsets_m = np.arange(0.0, 1.2 * spec.max_range.high.value_si + 1.0, 2_000.0)
    lat0, lon0 = (math.radians(v) for v in REFERENCE_SITE_DEG)
    R = MEAN_EARTH_RADIUS_M
    n_grid = 4_000
    unit = np.array(_launch_state(lat0, lon0, 0.0, 0.0, 0.5, 0.0)[:3])
    crossings = []
    for off in np.asarray(offsets_m, dtype=np.float64):
        # aim point `off` east of the unit, launched from due south of it
        alat, alon = lat0, lon0 + off / (R * math.cos(lat0))
        pos = np.zeros((n_grid, 3))
        vel = np.zeros((n_grid, 3))
        hh = np.zeros(n_grid)
        if tspec.is_ballistic:
            dist = 0.9 * float(tt.aim_range_m[0].max())
            lat, lon = alat - dist / R, alon
            ti, *_ = aim_ballistic(
                tt.aim_cutoff_s[0],
                tt.aim_range_m[0],
                float(tt.elevation_rad[0]),
                tt.params[0],
                lat,
                lon,
                0.0,
                alat,
                alon,
                0.0,
                0.0,
                1.0,
                pos,
                vel,
                hh,
            )
        else:
            dist = 150_000.0
            ti, *_ = fly_route(
                np.array([alat - dist / R, alat]),
                np.array([alon, alon]),
                0.0,
                float(tt.cruise_height_m[0]),
                0.0,
                float(tt.speed_mps[0]),
                0.0,
                0.0,
                1.0,
                pos,
                vel,
                hh,
            )
        k = np.arange(n_grid)
        inflight = (k * 1.0 <= ti) & (np.abs(pos).sum(axis=1) > 0)
        p = pos[inflight]
        t = k[inflight] * 1.0
        h = hh[inflight]
        cosang = p @ unit / (np.linalg.norm(p, axis=1) * np.linalg.norm(unit))
        g = R * np.arccos(np.clip(cosang, -1.0, 1.0))
        slant = np.linalg.norm(p - unit, axis=1)
        t_reach = np.array([reach.lookup(gi, hi) for gi, hi in zip(g, h, strict=True)])
        feasible = (
            (g <= spec.max_range.value)
            & (slant >= spec.min_range.value)
            & (h <= spec.max_altitude.value)
            & (h >= spec.min_altitude.value)
            & (t_reach <= t - reaction)
        )
        crossings.append(Crossing(float(off), g, h, ti - t, feasible))
    return EngagementEnvelope(
        interceptor=interceptor,
        threat=threat,
        reach=reach,
        max_range_m=spec.max_range.value,
        min_range_m=spec.min_range.value,
        max_altitude_m=spec.max_altitude.value,
        min_altitude_m=spec.min_altitude.value,
        max_range_band_m=(spec.max_range.low.value_si, spec.max_range.high.value_si),
        reaction_s=reaction,
        crossings=crossings,
    )
