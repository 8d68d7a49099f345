"""Interceptor reach tables, from real fly-outs.

For each interceptor, two families of fly-outs are flown with the shared
integrator (:mod:`airguard.dynamics`) at launch elevations from 1° to 89°, both
holding their launch line in early boost as the engine's interceptors do:
gravity turns (unsteered after that: the lofted arcs that reach farthest) and
straight lines (steering cancels gravity across the velocity, as a guided
missile on a collision course flies); each sample paints the (ground range, height) cell it passes
through with the earliest time it is reached and the launch elevation that
reaches it first, while the interceptor still flies faster than
:data:`MIN_EFFECTIVE_SPEED_MPS`.  The fly-outs of a family are flown in step, and
the cells between neighbouring elevations are painted at each step's time (an
intermediate elevation flies between them), so the table has no holes between
fly-outs however far apart they drift at long range.  Fire control looks the time up to decide
whether a predicted intercept point is reachable in time; the catalogue's
range and altitude limits then cut the kinematic envelope.

The one reach-table lookup: :func:`reach_cell` (the nearest cell of a table) and
:func:`intercept_cell` (whether an interceptor can be at a point in time: the catalogue's
altitude and range limits, then the table), compiled, with the arithmetic of the
engine's fire control, so that the engine and the coverage maps read the tables alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from airguard._jit import njit
from airguard.catalogue.models import DragCurve
from airguard.dynamics import (
    FULL,
    P_BURN,
    P_MASS0,
    body_params,
    height_m,
    lateral_limit_mps2,
    mass_kg,
    rk4_step,
)
from airguard.geo import MEAN_EARTH_RADIUS_M
from airguard.guidance import GUIDANCE_START_SPEED_MPS, hold_line
from airguard.trajectory import _launch_state

__all__ = [
    "BEYOND_MAX_RANGE",
    "INSIDE_MIN_RANGE",
    "INTERCEPT_REASONS",
    "MIN_EFFECTIVE_SPEED_MPS",
    "MIN_MANOEUVRE_MPS2",
    "NO_MANOEUVRE_LIMIT",
    "OUTSIDE_ALTITUDE",
    "OUTSIDE_TABLE",
    "REACHABLE",
    "TOO_LATE",
    "ReachTable",
    "intercept_cell",
    "interceptor_params",
    "reach_cell",
    "reach_table",
    "spec_manoeuvre",
    "spec_params",
]

MIN_EFFECTIVE_SPEED_MPS = 400.0
"""Slowest an interceptor may be at intercept to count as able to engage (notional)."""

MIN_MANOEUVRE_MPS2 = 5.0 * 9.80665
"""Least lateral acceleration an interceptor must be able to pull at a point for the point
to count as engageable (notional: 5 g, within the 3-10 g an endgame against a weaving or
mis-predicted target calls for; Zarchan, *Tactical and Strategic Missile Guidance*, ch. 2,
asks the interceptor for several times the target's acceleration).  Where the air is too
thin for it, the interceptor still flies but can no longer correct its aim: this, not the
catalogue ceiling alone, bounds the reach tables from above."""

NO_MANOEUVRE_LIMIT = (0.0, math.inf, 0.0)
"""An airframe with no aerodynamic limit (:func:`spec_manoeuvre`'s form)."""

FLYOUT_STEP_S = 0.1
ELEVATION_STEP_DEG = 0.25
"""Launch elevations of the fly-outs are this far apart (the cells between are filled)."""
REFERENCE_LAT_RAD = math.radians(38.0)

# -- whether an interceptor can be at a point in time (codes of intercept_cell) -------------

REACHABLE = 0
"""Inside the catalogue limits and reached within the time available."""
OUTSIDE_ALTITUDE = 1
"""Height above the site below the interceptor's minimum or above its maximum altitude."""
INSIDE_MIN_RANGE = 2
"""Slant range from the site under the interceptor's minimum range."""
BEYOND_MAX_RANGE = 3
"""Ground range from the site beyond the interceptor's maximum range."""
OUTSIDE_TABLE = 4
"""Beyond the reach table's last range or height cell."""
TOO_LATE = 5
"""In the table, but not reached within the time available (or never: inf)."""

INTERCEPT_REASONS = ("reachable", "altitude", "min range", "max range", "table", "time")
"""Short labels of the codes, ``INTERCEPT_REASONS[code]``."""


def interceptor_params(
    launch_mass_kg: float,
    burnout_mass_kg: float,
    burn_time_s: float,
    burnout_speed_mps: float,
    diameter_m: float,
    drag_coefficient: float,
    drag_curve: DragCurve | None = None,
) -> np.ndarray:
    """Body parameters of an interceptor from catalogue figures.

    The effective exhaust speed c is chosen so that the ideal (vacuum,
    gravity-free) rocket equation gives the catalogue burnout speed,
    ``c = v_bo / ln(m0 / m_bo)`` (Tsiolkovsky); thrust is ``ṁ c``.  Gravity
    and drag then make the simulated burnout speed a little lower, as for
    the real missile.  A :class:`~airguard.catalogue.models.DragCurve`
    replaces the constant drag coefficient.
    """

    c = burnout_speed_mps / math.log(launch_mass_kg / burnout_mass_kg)
    mdot = (launch_mass_kg - burnout_mass_kg) / burn_time_s
    area = math.pi * diameter_m**2 / 4.0
    mach, cda = DragCurve.table(drag_curve, area)
    return body_params(
        thrust_n=mdot * c,
        mass0_kg=launch_mass_kg,
        burnout_mass_kg=burnout_mass_kg,
        burn_time_s=burn_time_s,
        cda_m2=drag_coefficient * area,
        drag_mach=mach,
        drag_cda_m2=cda,
    )


def spec_params(spec: Any) -> np.ndarray:
    """Body parameters of a catalogue interceptor (:class:`~airguard.catalogue.InterceptorSpec`)."""
    return interceptor_params(
        spec.launch_mass.value,
        spec.burnout_mass.value,
        spec.burn_time.value,
        spec.burnout_speed.value,
        spec.diameter.value,
        spec.drag_coefficient.value,
        spec.drag_curve,
    )


def spec_manoeuvre(spec: Any) -> tuple[float, float, float]:
    """What limits a catalogue interceptor's lateral acceleration, as (CN_max × reference
    area m², structural limit m/s², divert-thruster acceleration m/s²): the arguments of
    :func:`airguard.dynamics.lateral_limit_mps2` and the divert thrust added to it.  No
    `max_normal_force_coefficient`: no aerodynamic limit (area 0)."""
    area = math.pi * spec.diameter.value**2 / 4.0
    cn = spec.max_normal_force_coefficient
    divert = spec.divert_acceleration
    return (
        cn.value * area if cn is not None else 0.0,
        spec.max_acceleration.value,
        divert.value if divert is not None else 0.0,
    )


@dataclass(frozen=True)
class ReachTable:
    """Earliest time (s) and launch elevation (rad) to reach each (range, height) cell."""

    time_s: np.ndarray  # (NR, NH), inf where unreachable
    elevation_rad: np.ndarray  # (NR, NH)
    range_step_m: float
    height_step_m: float
    speed_mps: np.ndarray  # (NR, NH) speed on arrival
    # (NR, NH) lateral acceleration it can sustain there (aerodynamic, capped by the
    # structure; divert thrust not counted: its budget lasts seconds)
    lateral_mps2: np.ndarray | None = None

    def lookup(self, ground_range_m: float, height_m: float) -> float:
        """Earliest time (s) to reach a point; inf outside the table or out of reach.

        The cell is :func:`reach_cell`'s, as in the engine's fire control.
        """
        ri, hi = reach_cell(
            float(ground_range_m),
            float(height_m),
            self.range_step_m,
            self.height_step_m,
            self.time_s.shape[0],
            self.time_s.shape[1],
        )
        if ri < 0:
            return math.inf
        return float(self.time_s[ri, hi])

    @property
    def max_range_m(self) -> float:
        reach = np.isfinite(self.time_s).any(axis=1)
        return float(np.nonzero(reach)[0].max() * self.range_step_m) if reach.any() else 0.0

    @property
    def max_height_m(self) -> float:
        reach = np.isfinite(self.time_s).any(axis=0)
        return float(np.nonzero(reach)[0].max() * self.height_step_m) if reach.any() else 0.0


@njit
def reach_cell(
    ground_range_m: float,
    height_m: float,
    range_step_m: float,
    height_step_m: float,
    n_range: int,
    n_height: int,
) -> tuple[int, int]:
    """The cell (range index, height index) of a reach table nearest a point; (−1, −1) outside.

    Cell (i, j) is centred on ground range i × `range_step_m` and height j × `height_step_m`
    (:class:`ReachTable`), so the nearest is ``int(x / step + 0.5)``.
    """
    ri = int(ground_range_m / range_step_m + 0.5)
    hi = int(height_m / height_step_m + 0.5)
    if ri < 0 or hi < 0 or ri >= n_range or hi >= n_height:
        return -1, -1
    return ri, hi


@njit
def intercept_cell(
    reach_time_s: np.ndarray,
    range_step_m: float,
    height_step_m: float,
    min_alt_m: float,
    max_alt_m: float,
    min_range_m: float,
    max_range_m: float,
    site_x_m: float,
    site_y_m: float,
    site_z_m: float,
    site_r_m: float,
    x_m: float,
    y_m: float,
    z_m: float,
    height_m: float,
    time_s: float,
) -> tuple[int, int, int]:
    """Whether an interceptor from a site can be at a point within `time_s`, and its cell.

    The tests of the engine's fire control, in its order: height above the site within
    the catalogue's altitude limits; slant range from the site at least the minimum
    range; ground range (the geocentric angle between site and point × the mean Earth
    radius :data:`~airguard.geo.MEAN_EARTH_RADIUS_M`) at most the maximum range; the
    point inside the reach table (:func:`reach_cell`); its earliest reach time at most
    `time_s`.

    Parameters
    ----------
    reach_time_s
        (NR, NH) float64 earliest time to each cell, s (:attr:`ReachTable.time_s`; inf
        where unreachable).
    range_step_m, height_step_m
        The table's cell size, m.
    min_alt_m, max_alt_m, min_range_m, max_range_m
        The interceptor's catalogue limits, m (altitudes above the site).
    site_x_m, site_y_m, site_z_m, site_r_m
        ECEF position of the launching site, m, and its distance from the Earth's centre.
    x_m, y_m, z_m
        ECEF position of the point, m.
    height_m
        The point's height above the site, m (as the table's heights).
    time_s
        Flight time available, s.

    Returns
    -------
    code, range_index, height_index
        :data:`REACHABLE` and the cell (for the launch elevation of
        :attr:`ReachTable.elevation_rad`), or the first test that failed
        (:data:`OUTSIDE_ALTITUDE`, :data:`INSIDE_MIN_RANGE`, :data:`BEYOND_MAX_RANGE`,
        :data:`OUTSIDE_TABLE`, :data:`TOO_LATE`) and the cell if one was found, else −1.
    """
    if height_m < min_alt_m or height_m > max_alt_m:
        return OUTSIDE_ALTITUDE, -1, -1
    dx, dy, dz = x_m - site_x_m, y_m - site_y_m, z_m - site_z_m
    slant = math.sqrt(dx * dx + dy * dy + dz * dz)
    if slant < min_range_m:
        return INSIDE_MIN_RANGE, -1, -1
    br = math.sqrt(x_m**2 + y_m**2 + z_m**2)
    c = (x_m * site_x_m + y_m * site_y_m + z_m * site_z_m) / (br * site_r_m)
    g = MEAN_EARTH_RADIUS_M * math.acos(min(max(c, -1.0), 1.0))
    if g > max_range_m:
        return BEYOND_MAX_RANGE, -1, -1
    ri, hi = reach_cell(
        g, height_m, range_step_m, height_step_m, reach_time_s.shape[0], reach_time_s.shape[1]
    )
    if ri < 0:
        return OUTSIDE_TABLE, -1, -1
    if reach_time_s[ri, hi] <= time_s:
        return REACHABLE, ri, hi
    return TOO_LATE, ri, hi


@njit(inline="always")
def _paint_segment(
    g0: float,
    h0: float,
    g1: float,
    h1: float,
    t0: float,
    t1: float,
    e0: float,
    e1: float,
    v0: float,
    v1: float,
    a0: float,
    a1: float,
    dr: float,
    dh: float,
    time_out: np.ndarray,
    elev_out: np.ndarray,
    speed_out: np.ndarray,
    lateral_out: np.ndarray,
) -> None:
    """Paint the cells along the segment from (ground range `g0`, height `h0`) to (`g1`,
    `h1`), in sub-cell steps, with time, launch elevation, speed and the lateral
    acceleration the interceptor can sustain interpolated from their values at its two ends,
    where earlier than what a cell holds."""
    nr, nh = time_out.shape
    n_sub = int(max(abs(g1 - g0) / dr, abs(h1 - h0) / dh) * 2.0) + 1
    for s in range(n_sub + 1):
        f = s / n_sub
        gi = int((g0 + f * (g1 - g0)) / dr + 0.5)
        hi = int((h0 + f * (h1 - h0)) / dh + 0.5)
        if 0 <= gi < nr and 0 <= hi < nh:
            ts = t0 + f * (t1 - t0)
            if ts < time_out[gi, hi]:
                time_out[gi, hi] = ts
                elev_out[gi, hi] = e0 + f * (e1 - e0)
                speed_out[gi, hi] = v0 + f * (v1 - v0)
                lateral_out[gi, hi] = a0 + f * (a1 - a0)


@njit
def _paint(
    params: np.ndarray,
    max_time: float,
    elevations: np.ndarray,
    dr: float,
    dh: float,
    time_out: np.ndarray,
    elev_out: np.ndarray,
    speed_out: np.ndarray,
    lateral_out: np.ndarray,
    min_speed: float,
    flags: int,
    straight: bool,
    manoeuvre: tuple[float, float, float],
    min_manoeuvre: float,
) -> None:
    """Fly one family of fly-outs, all elevations in step, and paint the cells they reach.

    A sample counts where the interceptor can still pull `min_manoeuvre` (m/s²): its
    aerodynamic limit at the sample's height, speed and mass, capped by the structural
    one, plus any divert thrust (`manoeuvre`: :func:`spec_manoeuvre`'s numbers).
    Each fly-out paints the cells along its path between two samples that count; at every step the
    cells between neighbouring fly-outs (adjacent elevations) are painted too, at that
    step's time, with the elevation and speed interpolated between them: an
    intermediate elevation flies between its neighbours, so the fan the family sweeps
    is filled without holes however far apart neighbouring fly-outs drift.
    """
    ne = elevations.shape[0]
    cmd = np.zeros(3)
    lat = REFERENCE_LAT_RAD
    x0, y0, z0 = _launch_state(lat, 0.0, 0.0, 0.0, 0.5, 0.0)[:3]
    r0 = math.sqrt(x0 * x0 + y0 * y0 + z0 * z0)
    R = MEAN_EARTH_RADIUS_M
    st = np.empty((ne, 6))
    h_launch = np.empty(ne)
    flying = np.ones(ne, dtype=np.bool_)
    prev = np.zeros((ne, 4))  # ground range, height, speed, lateral limit at the last sample
    now = np.zeros((ne, 4))
    able_prev = np.zeros(ne, dtype=np.bool_)  # whether the last sample counted
    able = np.zeros(ne, dtype=np.bool_)
    cn_area, structural, divert = manoeuvre
    for e in range(ne):
        st[e] = _launch_state(lat, 0.0, 0.0, 0.0, elevations[e], 20.0)
        # heights are measured from the launch point (on the sphere of the SPHERE
        # option the ellipsoid's surface is not at height zero)
        h_launch[e] = height_m(st[e, 0], st[e, 1], st[e, 2], flags)
        prev[e, 2] = 20.0
        at_launch = lateral_limit_mps2(h_launch[e], 20.0, params[P_MASS0], cn_area, structural)
        prev[e, 3] = at_launch
        able_prev[e] = min(at_launch + divert, structural) >= min_manoeuvre
    t = 0.0
    while t < max_time and flying.any():
        step = FLYOUT_STEP_S
        if t < params[P_BURN] - 1e-9:
            step = min(step, params[P_BURN] - t)  # end a step at burnout
        for e in range(ne):
            if not flying[e]:
                continue
            _flyout_step(st[e], t, step, params, cmd, flags, straight)
            h = height_m(st[e, 0], st[e, 1], st[e, 2], flags) - h_launch[e]
            speed = math.sqrt(st[e, 3] ** 2 + st[e, 4] ** 2 + st[e, 5] ** 2)
            if h < 0.0 or (speed < min_speed and t + step > params[P_BURN]):
                flying[e] = False
                able[e] = False
                continue
            mass = mass_kg(t + step, params)
            h_abs = h + h_launch[e]
            # sustained: what the air gives (the thrusters' budget lasts seconds)
            lateral = lateral_limit_mps2(h_abs, speed, mass, cn_area, structural)
            able[e] = min(lateral + divert, structural) >= min_manoeuvre
            rr = math.sqrt(st[e, 0] ** 2 + st[e, 1] ** 2 + st[e, 2] ** 2)
            c = (st[e, 0] * x0 + st[e, 1] * y0 + st[e, 2] * z0) / (rr * r0)
            now[e, 0] = R * math.acos(min(max(c, -1.0), 1.0))
            now[e, 1] = h
            now[e, 2] = speed
            now[e, 3] = lateral
            el = elevations[e]
            if able[e] and able_prev[e]:
                _paint_segment(
                    prev[e, 0], prev[e, 1], now[e, 0], now[e, 1], t, t + step, el, el,
                    prev[e, 2], speed, prev[e, 3], lateral, dr, dh, time_out, elev_out,
                    speed_out, lateral_out,
                )  # fmt: skip
        t += step
        for e in range(1, ne):
            if flying[e - 1] and flying[e] and able[e - 1] and able[e]:
                _paint_segment(
                    now[e - 1, 0], now[e - 1, 1], now[e, 0], now[e, 1], t, t,
                    elevations[e - 1], elevations[e], now[e - 1, 2], now[e, 2],
                    now[e - 1, 3], now[e, 3], dr, dh, time_out, elev_out, speed_out,
                    lateral_out,
                )  # fmt: skip
        for e in range(ne):
            if flying[e]:
                prev[e, 0], prev[e, 1], prev[e, 2] = now[e, 0], now[e, 1], now[e, 2]
                prev[e, 3] = now[e, 3]
                able_prev[e] = able[e]


@njit(inline="always")
def _flyout_step(
    st: np.ndarray,
    t: float,
    step: float,
    params: np.ndarray,
    cmd: np.ndarray,
    flags: int,
    straight: bool,
) -> None:
    """One step of a fly-out.  Both families hold their launch line in early boost, as the
    engine's interceptors do before guidance starts (:func:`airguard.guidance.hold_line`);
    then the arcs fly unsteered (a gravity turn) and the straight family keeps holding a
    straight line, as a guided missile on a collision course."""
    speed0 = math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2)
    if straight or (speed0 < GUIDANCE_START_SPEED_MPS and t < params[P_BURN]):
        hold_line(st, cmd)
    else:
        cmd[0], cmd[1], cmd[2] = 0.0, 0.0, 0.0
    rk4_step(st, t, step, params, cmd, flags)


def reach_table(
    params: np.ndarray,
    max_flight_time_s: float,
    max_range_m: float,
    max_altitude_m: float,
    *,
    n_range: int = 240,
    n_height: int = 120,
    flags: int = FULL,
    min_speed_mps: float = MIN_EFFECTIVE_SPEED_MPS,
    families: tuple[str, ...] = ("arc", "straight"),
    elevation_step_deg: float = ELEVATION_STEP_DEG,
    manoeuvre: tuple[float, float, float] = NO_MANOEUVRE_LIMIT,
    min_manoeuvre_mps2: float = MIN_MANOEUVRE_MPS2,
) -> ReachTable:
    """Fly gravity-turn fly-outs and tabulate the earliest reach time per cell.

    Only cells where the interceptor can still pull `min_manoeuvre_mps2` count
    (`manoeuvre`: :func:`spec_manoeuvre`'s numbers; by default no limit).

    The table spans ground ranges up to `max_range_m` and heights up to
    `max_altitude_m` (the catalogue limits, padded 5 %); fly-outs leave at elevations
    from 1° to 89° every `elevation_step_deg`, and the cells between neighbouring
    fly-outs are filled (:func:`_paint`).
    """
    dr = max_range_m * 1.05 / (n_range - 1)
    dh = max_altitude_m * 1.05 / (n_height - 1)
    time_s = np.full((n_range, n_height), np.inf)
    elev = np.zeros((n_range, n_height))
    speed = np.zeros((n_range, n_height))
    lateral = np.zeros((n_range, n_height))
    if not 0.0 < elevation_step_deg <= 10.0:
        raise ValueError(
            f"elevation_step_deg: expected a step in (0, 10] deg, got {elevation_step_deg}"
        )
    elevations = np.radians(np.arange(1.0, 89.0 + 1e-9, elevation_step_deg))
    unknown = set(families) - {"arc", "straight"}
    if unknown:
        raise ValueError(f"unknown fly-out families {sorted(unknown)}; use 'arc' and 'straight'")
    for straight in [f == "straight" for f in families]:
        _paint(
            params,
            max_flight_time_s,
            elevations,
            dr,
            dh,
            time_s,
            elev,
            speed,
            lateral,
            min_speed_mps,
            flags,
            straight,
            (float(manoeuvre[0]), float(manoeuvre[1]), float(manoeuvre[2])),
            float(min_manoeuvre_mps2),
        )
    return ReachTable(time_s, elev, dr, dh, speed, lateral)
