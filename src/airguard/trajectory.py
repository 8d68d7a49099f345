"""Threat flight models on the shared integrator.

* **Ballistic / quasi-ballistic** (SRBMs): launched from the ground at a
  notional initial pitch, flown by the :mod:`airguard.dynamics` point-mass
  model (gravity with J2, Earth rotation, drag, thrust along the velocity — a
  gravity turn) and aimed by cutting the motor off: the cut-off time sets the
  range and the launch azimuth the direction, both found by a few shooting
  iterations of the real integrator so that the missile lands on its aim
  point in the rotating Earth.
* **Cruise and drone**: waypoint routes flown at constant ground speed and a
  set height, along n-vector great circles (Gade, "A non-singular horizontal
  position representation", *J. Navigation* 63(3), 2010), with a climb after
  launch and a terminal dive onto the aim point.

Trajectories are sampled on the engine's global time grid (positions,
velocities and heights) and interpolated with cubic Hermite polynomials.
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.dynamics import FULL, N_PARAMS, P_BURN, height_m, rk4_step
from airguard.geo import WGS84_A_M, WGS84_E2, geodetic_to_ecef_kernel

__all__ = [
    "BALLISTIC_STEP_S",
    "CLIMB_DISTANCE_M",
    "TERMINAL_DIVE_DISTANCE_M",
    "fly_ballistic",
    "fly_route",
    "hermite_state",
]

BALLISTIC_STEP_S = 1.0
"""RK4 step for threat flight (s); the global grid step must be a multiple of it."""

CLIMB_DISTANCE_M = 5_000.0
"""Ground distance over which a cruise missile or drone climbs to its cruise height (notional)."""

TERMINAL_DIVE_DISTANCE_M = 3_000.0
"""Ground distance of the terminal dive onto the aim point (notional)."""

MAX_BALLISTIC_FLIGHT_S = 3_600.0

PITCH_KICK_TIME_S = 6.0
"""Ballistic missiles rise vertically this long (s) and are then pitched over to
their catalogue `launch_elevation`, after which they fly a gravity turn (notional;
a common open-literature SRBM model, e.g. Zarchan, *Tactical and Strategic Missile
Guidance*, ch. on ballistic targets)."""


@njit
def _launch_state(
    lat: float, lon: float, alt: float, azimuth: float, elevation: float, speed0: float
) -> np.ndarray:
    x, y, z = geodetic_to_ecef_kernel(lat, lon, alt)
    sl, cl = math.sin(lat), math.cos(lat)
    so, co = math.sin(lon), math.cos(lon)
    e_ = np.array([-so, co, 0.0])
    n_ = np.array([-sl * co, -sl * so, cl])
    u_ = np.array([cl * co, cl * so, sl])
    ce = math.cos(elevation)
    d = ce * math.sin(azimuth) * e_ + ce * math.cos(azimuth) * n_ + math.sin(elevation) * u_
    st = np.empty(6)
    st[0], st[1], st[2] = x, y, z
    st[3:6] = speed0 * d
    return st


@njit
def _pitch_over(st: np.ndarray, azimuth: float, elevation: float) -> None:
    """Turn the velocity to `elevation` above the local horizon at `azimuth`, keeping speed."""
    r = math.sqrt(st[0] ** 2 + st[1] ** 2 + st[2] ** 2)
    u_ = st[:3] / r
    # east and north from the geocentric up (adequate for setting a launch direction)
    e_ = np.array([-u_[1], u_[0], 0.0])
    ne = math.sqrt(e_[0] ** 2 + e_[1] ** 2)
    e_ = e_ / ne
    n_ = np.array(
        [
            u_[1] * e_[2] - u_[2] * e_[1],
            u_[2] * e_[0] - u_[0] * e_[2],
            u_[0] * e_[1] - u_[1] * e_[0],
        ]
    )
    speed = math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2)
    ce = math.cos(elevation)
    d = ce * math.sin(azimuth) * e_ + ce * math.cos(azimuth) * n_ + math.sin(elevation) * u_
    st[3:6] = speed * d


@njit
def fly_ballistic(
    lat: float,
    lon: float,
    alt: float,
    azimuth: float,
    elevation: float,
    cutoff_s: float,
    params: np.ndarray,
    flags: int,
    ground_alt: float,
    t_launch: float,
    grid_dt: float,
    pos_out: np.ndarray,
    vel_out: np.ndarray,
    h_out: np.ndarray,
) -> tuple[float, float, float, float]:
    """Fly one ballistic missile from launch to ground impact.

    Parameters
    ----------
    lat, lon : float
        Launch point, geodetic (rad).
    alt : float
        Launch height (m).
    azimuth, elevation : float
        Launch direction (rad): clockwise from north, and the pitch above the
        horizon the missile is turned to after its vertical rise.
    cutoff_s : float
        Motor cut-off time after launch (s), at most the burn time.
    params : (N_PARAMS,) float64
        Body parameters (:func:`airguard.dynamics.body_params`).
    flags : int
        Dynamics options.
    ground_alt : float
        Height of the ground at the target (m): impact is when the missile
        descends through it.
    t_launch, grid_dt : float
        Launch time and global grid step (s).  Samples are written at grid
        times ``k * grid_dt`` with ``0 <= k < pos_out.shape[0]`` that fall in
        flight; pass zero-length outputs to record nothing.
    pos_out, vel_out : (K, 3) float64; h_out : (K,) float64
        Grid samples (ECEF m, m/s, height m), written in place.

    Returns
    -------
    (t_impact, x, y, z)
        Impact time (s, absolute) and ECEF impact point (m).
    """
    p = params.copy()
    p[P_BURN] = min(cutoff_s, params[P_BURN])
    cmd = np.zeros(3)
    st = _launch_state(lat, lon, alt, azimuth, 0.5 * math.pi, 1.0)
    kicked = False
    h = BALLISTIC_STEP_S
    n_grid = pos_out.shape[0]
    # first grid index at or after launch
    k = max(int(math.ceil(t_launch / grid_dt - 1e-9)), 0)
    t = t_launch
    prev = st.copy()
    climbing = True
    impacted = False
    rec_t = -math.inf
    ti, xi, yi, zi = math.inf, 0.0, 0.0, 0.0
    while t - t_launch < MAX_BALLISTIC_FLIGHT_S:
        # record every grid time reached exactly at the start of a step
        while k < n_grid and k * grid_dt <= t + 1e-9:
            if abs(k * grid_dt - t) < 1e-6:
                pos_out[k, 0], pos_out[k, 1], pos_out[k, 2] = st[0], st[1], st[2]
                vel_out[k, 0], vel_out[k, 1], vel_out[k, 2] = st[3], st[4], st[5]
                h_out[k] = height_m(st[0], st[1], st[2], flags)
                rec_t = t
            k += 1
        if impacted and (k >= n_grid or rec_t >= ti):
            # the grid sample just after impact is recorded too, so that
            # interpolation is defined right up to the impact time
            return ti, xi, yi, zi
        # the step ends at the next grid time, the pitch-over or the motor cut-off,
        # whichever comes first, so that no event falls inside a step and the
        # trajectory does not depend on where the launch falls on the grid
        t_next = t + h
        if k < n_grid:
            t_next = min(t_next, k * grid_dt)
        if not kicked:
            t_next = min(t_next, t_launch + PITCH_KICK_TIME_S)
        if t - t_launch < p[P_BURN] - 1e-9:
            t_next = min(t_next, t_launch + p[P_BURN])
        step = t_next - t
        if step <= 1e-9:  # an event already reached, up to rounding
            step = h
            t_next = t + h
        prev[:] = st
        rk4_step(st, t - t_launch, step, p, cmd, flags)
        t = t_next
        if not kicked and t - t_launch >= PITCH_KICK_TIME_S - 1e-9:
            _pitch_over(st, azimuth, elevation)
            kicked = True
        hh = height_m(st[0], st[1], st[2], flags)
        if climbing and hh > ground_alt + 1000.0:
            climbing = False
        if not impacted and not climbing and hh <= ground_alt:
            h0 = height_m(prev[0], prev[1], prev[2], flags)
            f = (h0 - ground_alt) / (h0 - hh) if h0 != hh else 1.0
            ti = t - step + f * step
            xi = prev[0] + f * (st[0] - prev[0])
            yi = prev[1] + f * (st[1] - prev[1])
            zi = prev[2] + f * (st[2] - prev[2])
            impacted = True
            if k >= n_grid:
                return ti, xi, yi, zi
    return math.inf, st[0], st[1], st[2]


@njit
def _nvec(lat: float, lon: float) -> np.ndarray:
    cl = math.cos(lat)
    return np.array([cl * math.cos(lon), cl * math.sin(lon), math.sin(lat)])


@njit
def _route_ecef(
    nvecs: np.ndarray,
    tangents: np.ndarray,
    cum: np.ndarray,
    angles: np.ndarray,
    s: float,
    height: float,
) -> tuple[float, float, float]:
    """ECEF point at path length `s` along the route, `height` above the ellipsoid.

    Along a leg the n-vector (the unit ellipsoid normal) turns on a great
    circle, ``n = cos(θ) n_i + sin(θ) t_i``; ECEF follows from the n-vector
    without trigonometry (Gade 2010, eq. 22):
    ``p = (N + h) (n_x, n_y, (1 − e²) n_z)`` with ``N = a / sqrt(1 − e² n_z²)``.
    """
    n_legs = angles.shape[0]
    i = 0
    while i < n_legs - 1 and s > cum[i + 1]:
        i += 1
    length = cum[i + 1] - cum[i]
    f = min(max((s - cum[i]) / length, 0.0), 1.0) if length > 0.0 else 0.0
    th = f * angles[i]
    c, sn = math.cos(th), math.sin(th)
    nx = c * nvecs[i, 0] + sn * tangents[i, 0]
    ny = c * nvecs[i, 1] + sn * tangents[i, 1]
    nz = c * nvecs[i, 2] + sn * tangents[i, 2]
    big_n = WGS84_A_M / math.sqrt(1.0 - WGS84_E2 * nz * nz)
    return (big_n + height) * nx, (big_n + height) * ny, (big_n * (1.0 - WGS84_E2) + height) * nz


@njit
def _route_height(
    s: float, total: float, h_launch: float, h_cruise: float, h_target: float
) -> float:
    if s < CLIMB_DISTANCE_M:
        return h_launch + (h_cruise - h_launch) * s / CLIMB_DISTANCE_M
    to_go = total - s
    if to_go < TERMINAL_DIVE_DISTANCE_M:
        return h_target + (h_cruise - h_target) * max(to_go, 0.0) / TERMINAL_DIVE_DISTANCE_M
    return h_cruise


@njit
def fly_route(
    lats: np.ndarray,
    lons: np.ndarray,
    h_launch: float,
    cruise_height: float,
    h_target: float,
    speed: float,
    t_launch: float,
    radius_m: float,
    grid_dt: float,
    pos_out: np.ndarray,
    vel_out: np.ndarray,
    h_out: np.ndarray,
) -> tuple[float, float, float, float]:
    """Fly a cruise missile or drone along a route of geodetic points (rad).

    The first point is the launch point, the last the aim point.  Heights:
    `h_launch` at launch, climbing to ``h_target + cruise_height`` — cruise
    height is above the target's ground height, as no terrain is modelled
    yet — and diving onto the aim point at `h_target`.  Grid samples are
    written as for :func:`fly_ballistic`; returns impact time and point.
    """
    n = lats.shape[0]
    nvecs = np.empty((n, 3))
    for i in range(n):
        nvecs[i] = _nvec(lats[i], lons[i])
    angles = np.zeros(n - 1)
    tangents = np.zeros((n - 1, 3))
    cum = np.zeros(n)
    R = 6_371_008.8
    for i in range(n - 1):
        c = min(max(np.dot(nvecs[i], nvecs[i + 1]), -1.0), 1.0)
        angles[i] = math.acos(c)
        sa = math.sin(angles[i])
        if sa > 1e-12:
            tangents[i] = (nvecs[i + 1] - c * nvecs[i]) / sa
        cum[i + 1] = cum[i] + R * angles[i]
    total = cum[n - 1]
    h_cruise = h_target + cruise_height
    t_impact = t_launch + total / speed
    n_grid = pos_out.shape[0]
    k0 = max(int(math.ceil(t_launch / grid_dt - 1e-9)), 0)
    eps = 0.05
    xi, yi, zi = _route_ecef(nvecs, tangents, cum, angles, total, h_target)
    s_e = total - eps * speed
    xe, ye, ze = _route_ecef(
        nvecs, tangents, cum, angles, s_e, _route_height(s_e, total, h_launch, h_cruise, h_target)
    )
    vix, viy, viz = (xi - xe) / eps, (yi - ye) / eps, (zi - ze) / eps
    for k in range(k0, n_grid):
        t = k * grid_dt
        if t > t_impact:
            # one sample past impact, extrapolated, so interpolation is defined up to impact
            dt_i = t - t_impact
            pos_out[k, 0] = xi + vix * dt_i
            pos_out[k, 1] = yi + viy * dt_i
            pos_out[k, 2] = zi + viz * dt_i
            vel_out[k, 0], vel_out[k, 1], vel_out[k, 2] = vix, viy, viz
            h_out[k] = h_target - dt_i * speed * (h_cruise - h_target) / TERMINAL_DIVE_DISTANCE_M
            break
        s = (t - t_launch) * speed
        hh = _route_height(s, total, h_launch, h_cruise, h_target)
        x, y, z = _route_ecef(nvecs, tangents, cum, angles, s, hh)
        # velocity by a short forward (or, at the end, backward) difference along the path
        s2 = s + eps * speed
        sign = 1.0
        if s2 > total:
            s2 = s - eps * speed
            sign = -1.0
        h2 = _route_height(s2, total, h_launch, h_cruise, h_target)
        x2, y2, z2 = _route_ecef(nvecs, tangents, cum, angles, s2, h2)
        pos_out[k, 0], pos_out[k, 1], pos_out[k, 2] = x, y, z
        vel_out[k, 0] = sign * (x2 - x) / eps
        vel_out[k, 1] = sign * (y2 - y) / eps
        vel_out[k, 2] = sign * (z2 - z) / eps
        h_out[k] = hh
    return t_impact, xi, yi, zi


@njit
def hermite_state(
    pos: np.ndarray, vel: np.ndarray, k: int, f: float, dt: float, out: np.ndarray
) -> None:
    """Cubic Hermite interpolation between grid samples k and k+1.

    `f` in [0, 1] is the fraction of the step `dt`; writes position and
    velocity into ``out[0:6]``.  Exact for motion with constant jerk.
    """
    f2 = f * f
    f3 = f2 * f
    h00 = 2 * f3 - 3 * f2 + 1
    h10 = f3 - 2 * f2 + f
    h01 = -2 * f3 + 3 * f2
    h11 = f3 - f2
    d00 = (6 * f2 - 6 * f) / dt
    d10 = 3 * f2 - 4 * f + 1
    d01 = (-6 * f2 + 6 * f) / dt
    d11 = 3 * f2 - 2 * f
    for i in range(3):
        p0 = pos[k, i]
        p1 = pos[k + 1, i]
        v0 = vel[k, i]
        v1 = vel[k + 1, i]
        out[i] = h00 * p0 + h10 * dt * v0 + h01 * p1 + h11 * dt * v1
        out[3 + i] = d00 * p0 + d10 * v0 + d01 * p1 + d11 * v1


_ = (FULL, N_PARAMS)
