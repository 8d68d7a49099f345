"""Interceptor reach tables and engagement envelopes, from real fly-outs.

For each interceptor, gravity-turn fly-outs (no steering command) are flown
with the shared integrator (:mod:`airguard.dynamics`) at launch elevations
from 1° to 89°; each sample paints the (ground range, height) cell it passes
through with the earliest time it is reached and the launch elevation that
reaches it first, while the interceptor still flies faster than
:data:`MIN_EFFECTIVE_SPEED_MPS`.  Fire control looks the time up to decide
whether a predicted intercept point is reachable in time; the catalogue's
range and altitude limits then cut the kinematic envelope.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airguard._jit import njit
from airguard.dynamics import FULL, body_params, height_m, rk4_step
from airguard.trajectory import _launch_state

__all__ = ["MIN_EFFECTIVE_SPEED_MPS", "ReachTable", "interceptor_params", "reach_table"]

MIN_EFFECTIVE_SPEED_MPS = 400.0
"""Slowest an interceptor may be at intercept to count as able to engage (notional)."""

FLYOUT_STEP_S = 0.1
REFERENCE_LAT_RAD = math.radians(38.0)


def interceptor_params(
    launch_mass_kg: float,
    burnout_mass_kg: float,
    burn_time_s: float,
    burnout_speed_mps: float,
    diameter_m: float,
    drag_coefficient: float,
) -> np.ndarray:
    """Body parameters of an interceptor from catalogue figures.

    The effective exhaust speed c is chosen so that the ideal (vacuum,
    gravity-free) rocket equation gives the catalogue burnout speed,
    ``c = v_bo / ln(m0 / m_bo)`` (Tsiolkovsky); thrust is ``ṁ c``.  Gravity
    and drag then make the simulated burnout speed a little lower, as for
    the real missile.
    """
    c = burnout_speed_mps / math.log(launch_mass_kg / burnout_mass_kg)
    mdot = (launch_mass_kg - burnout_mass_kg) / burn_time_s
    area = math.pi * diameter_m**2 / 4.0
    return body_params(
        thrust_n=mdot * c,
        mass0_kg=launch_mass_kg,
        burnout_mass_kg=burnout_mass_kg,
        burn_time_s=burn_time_s,
        cda_m2=drag_coefficient * area,
    )


@dataclass(frozen=True)
class ReachTable:
    """Earliest time (s) and launch elevation (rad) to reach each (range, height) cell."""

    time_s: np.ndarray  # (NR, NH), inf where unreachable
    elevation_rad: np.ndarray  # (NR, NH)
    range_step_m: float
    height_step_m: float

    @property
    def max_range_m(self) -> float:
        reach = np.isfinite(self.time_s).any(axis=1)
        return float(np.nonzero(reach)[0].max() * self.range_step_m) if reach.any() else 0.0

    @property
    def max_height_m(self) -> float:
        reach = np.isfinite(self.time_s).any(axis=0)
        return float(np.nonzero(reach)[0].max() * self.height_step_m) if reach.any() else 0.0


@njit
def _paint(
    params: np.ndarray,
    max_time: float,
    elevations: np.ndarray,
    dr: float,
    dh: float,
    time_out: np.ndarray,
    elev_out: np.ndarray,
    min_speed: float,
    flags: int,
) -> None:
    nr, nh = time_out.shape
    cmd = np.zeros(3)
    lat = REFERENCE_LAT_RAD
    x0, y0, z0 = _launch_state(lat, 0.0, 0.0, 0.0, 0.5, 0.0)[:3]
    r0 = math.sqrt(x0 * x0 + y0 * y0 + z0 * z0)
    R = 6_371_008.8
    for e in range(elevations.shape[0]):
        el = elevations[e]
        st = _launch_state(lat, 0.0, 0.0, 0.0, el, 20.0)
        t = 0.0
        prev_r, prev_h = 0.0, 0.0
        while t < max_time:
            rk4_step(st, t, FLYOUT_STEP_S, params, cmd, flags)
            t += FLYOUT_STEP_S
            h = height_m(st[0], st[1], st[2], flags)
            if h < 0.0:
                break
            rr = math.sqrt(st[0] ** 2 + st[1] ** 2 + st[2] ** 2)
            c = (st[0] * x0 + st[1] * y0 + st[2] * z0) / (rr * r0)
            g = R * math.acos(min(max(c, -1.0), 1.0))
            speed = math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2)
            if speed < min_speed and t > params[3]:
                break
            # paint the segment from the previous sample in sub-cell steps
            n_sub = int(max(abs(g - prev_r) / dr, abs(h - prev_h) / dh) * 2.0) + 1
            for s in range(1, n_sub + 1):
                f = s / n_sub
                gi = int((prev_r + f * (g - prev_r)) / dr + 0.5)
                hi = int((prev_h + f * (h - prev_h)) / dh + 0.5)
                if gi < nr and hi < nh:
                    ts = t - FLYOUT_STEP_S * (1.0 - f)
                    if ts < time_out[gi, hi]:
                        time_out[gi, hi] = ts
                        elev_out[gi, hi] = el
            prev_r, prev_h = g, h


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
) -> ReachTable:
    """Fly gravity-turn fly-outs and tabulate the earliest reach time per cell.

    The table spans ground ranges up to `max_range_m` and heights up to
    `max_altitude_m` (the catalogue limits, padded 5 %).
    """
    dr = max_range_m * 1.05 / (n_range - 1)
    dh = max_altitude_m * 1.05 / (n_height - 1)
    time_s = np.full((n_range, n_height), np.inf)
    elev = np.zeros((n_range, n_height))
    elevations = np.radians(np.arange(1.0, 89.01, 0.25))
    _paint(params, max_flight_time_s, elevations, dr, dh, time_s, elev, min_speed_mps, flags)
    return ReachTable(time_s, elev, dr, dh)
