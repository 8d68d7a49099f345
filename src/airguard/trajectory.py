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
  launch and a terminal dive onto the aim point.  The height is either a
  constant above the target's ground or, over terrain, a commanded profile
  that keeps a set clearance above the ground under the route
  (:func:`route_height_profile`).
* **Free flight from burnout** (:func:`ballistic_flight`): the calculator
  behind ``airguard calc ballistic``, flown with the same integrator from a
  given burnout state to impact.

Trajectories are sampled on the engine's global time grid (positions,
velocities and heights) and interpolated with cubic Hermite polynomials.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit
from airguard.dynamics import (
    DRAG,
    FULL,
    J2,
    N_PARAMS,
    P_BURN,
    P_WEAVE_ACCEL,
    P_WEAVE_CN_AREA,
    P_WEAVE_HEIGHT,
    P_WEAVE_PERIOD,
    ROTATING,
    SPHERE,
    body_params,
    height_m,
    lateral_limit_mps2,
    mass_kg,
    rk4_step,
)
from airguard.geo import (
    MEAN_EARTH_RADIUS_M,
    WGS84_A_M,
    WGS84_E2,
    ecef_to_geodetic_kernel,
    enu_basis,
    geodetic_to_ecef_kernel,
)
from airguard.terrain import Terrain, elevation_kernel

__all__ = [
    "BALLISTIC_STEP_S",
    "CLIMB_DISTANCE_M",
    "MAX_FREE_FLIGHT_S",
    "MAX_PROFILE_STEP_M",
    "TERMINAL_DIVE_DISTANCE_M",
    "TERRAIN_LOOKAHEAD_M",
    "TERRAIN_MAX_GRADIENT",
    "BallisticFlight",
    "aim_ballistic",
    "ballistic_flight",
    "coast_flight",
    "fly_ballistic",
    "fly_route",
    "hermite_state",
    "hermite_states",
    "profile_step_m",
    "route_distances",
    "route_height_profile",
    "terrain_profile",
    "weave_onset",
]

BALLISTIC_STEP_S = 1.0
"""RK4 step for threat flight (s); the global grid step must be a multiple of it."""

CLIMB_DISTANCE_M = 5_000.0
"""Ground distance over which a cruise missile or drone climbs to its cruise height (notional)."""

TERMINAL_DIVE_DISTANCE_M = 3_000.0
"""Ground distance of the terminal dive onto the aim point (notional)."""

TERRAIN_LOOKAHEAD_M = 2_000.0
"""Look-ahead of terrain following (m, notional): the cruise command at route distance s
is the highest terrain over [s, s + look-ahead] plus the clearance, so the missile is at a
ridge's crest height a full look-ahead before the crest (8 s at 250 m/s) — the
stair-step "terrain window" of AGI STK's Terrain Following procedure
(https://help.agi.com/stk/Content/aircraft/proc_terrainFollowing.htm).  No published
figure for a given missile is used."""

TERRAIN_MAX_GRADIENT = 0.15
"""Steepest climb or dive of terrain following, |dh/ds| (notional): 0.15 is 8.5 degrees of
flight-path angle, within a subsonic airframe's pull-up at cruise speed and steeper than
most terrain averaged over a kilometre; the flight-path-angle limit of the terrain-following
problem of Lu and Pierson, "Optimal aircraft terrain-following analysis and trajectory
generation", *J. Guidance, Control, and Dynamics* 18(3), 1995.  No published figure for a
given missile is used."""

MAX_PROFILE_STEP_M = 250.0
"""Cap on the default terrain sampling step of :func:`profile_step_m` (m): a coarse or flat
grid (``Terrain.flat`` has nodes 180 degrees apart) still gets a profile fine enough to
place the climb and the dive."""

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
def weave_onset(weave_phase: float, period_s: float) -> tuple[float, float]:
    """The onset of a threat's terminal weave from its draw `weave_phase` in [0, 1).

    Returns (delay s, side ±1): the weave begins ``frac(2 u) T`` after the missile
    descends through the manoeuvre height (uniform over one period T: the weave's
    phase, seen from the defence, is uniform per missile) and turns first to the
    left for u < ½, to the right otherwise.
    """
    u2 = 2.0 * weave_phase
    side = 1.0 if u2 < 1.0 else -1.0
    return (u2 - math.floor(u2)) * period_s, side


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
    weave_phase: float = 0.0,
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
    weave_phase : float
        The terminal weave's draw, in [0, 1) (:func:`weave_onset`): when within the
        first period after the missile descends through the manoeuvre height the weave
        begins, and to which side.

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
    t_weave = 0.0
    weave_started = False
    weave_delay, weave_side = weave_onset(weave_phase, params[P_WEAVE_PERIOD])
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
        weaving = p[P_WEAVE_ACCEL] > 0.0 and kicked and t - t_launch > p[P_BURN]
        if weaving:
            rv = st[0] * st[3] + st[1] * st[4] + st[2] * st[5]
            hnow = height_m(st[0], st[1], st[2], flags)
            weaving = rv < 0.0 and hnow < p[P_WEAVE_HEIGHT]
            if weaving and not weave_started and p[P_WEAVE_CN_AREA] > 0.0:
                # the weave begins once the air is dense enough for its whole amplitude
                # (a weave clipped by thin air would drift to one side as it grows)
                full = lateral_limit_mps2(
                    hnow,
                    math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2),
                    mass_kg(t - t_launch, p),
                    p[P_WEAVE_CN_AREA],
                    math.inf,
                )
                weaving = full >= p[P_WEAVE_ACCEL]
        cmd[0], cmd[1], cmd[2] = 0.0, 0.0, 0.0
        if weaving:
            # scripted terminal manoeuvre: a weave across the flight path, horizontal and
            # perpendicular to the velocity, a·cos(2π τ/T) from its onset (τ = 0, a
            # random delay after the missile descends through the manoeuvre height,
            # to a random side): it starts at a peak of acceleration, so its lateral
            # velocity (a T/2π) sin(2π τ/T) oscillates about zero and the path
            # oscillates about one a T²/4π² to the side, never drifting; steps of an
            # eighth of a period, one ending at the onset
            if not weave_started:
                t_weave = t + weave_delay
                weave_started = True
            t_next = min(t_next, t + p[P_WEAVE_PERIOD] / 8.0)
            if t < t_weave - 1e-9:
                t_next = min(t_next, t_weave)
            else:
                tau = t + 0.5 * (t_next - t) - t_weave
                phase = 2.0 * math.pi * tau / p[P_WEAVE_PERIOD]
                cx = st[4] * st[2] - st[5] * st[1]
                cy = st[5] * st[0] - st[3] * st[2]
                cz = st[3] * st[1] - st[4] * st[0]
                cn = math.sqrt(cx * cx + cy * cy + cz * cz)
                # the weave's amplitude, at most what the body's aerodynamics give here
                amp = lateral_limit_mps2(
                    height_m(st[0], st[1], st[2], flags),
                    math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2),
                    mass_kg(t - t_launch, p),
                    p[P_WEAVE_CN_AREA],
                    p[P_WEAVE_ACCEL],
                )
                a = weave_side * amp * math.cos(phase) / cn if cn > 0.0 else 0.0
                cmd[0], cmd[1], cmd[2] = a * cx, a * cy, a * cz
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
def coast_flight(
    state: np.ndarray,
    k0: int,
    params: np.ndarray,
    flags: int,
    ground_alt: float,
    grid_dt: float,
    pos_out: np.ndarray,
    vel_out: np.ndarray,
    h_out: np.ndarray,
) -> tuple[float, float, float, float]:
    """Fly a body coasting (no thrust) from ``state`` (ECEF m, m/s) at grid time
    ``k0 * grid_dt`` down through `ground_alt`, on RK4 steps of one grid step
    (:data:`BALLISTIC_STEP_S` or shorter), recording each grid sample as
    :func:`fly_ballistic` does (the one just after impact included).  A decoy's flight
    from its release.  Returns the impact time (s, absolute) and ECEF impact point."""
    st = state[:6].copy()
    prev = st.copy()
    cmd = np.zeros(3)
    n_grid = pos_out.shape[0]
    n_sub = max(int(math.ceil(grid_dt / BALLISTIC_STEP_S - 1e-9)), 1)
    h = grid_dt / n_sub
    k = k0
    ti, xi, yi, zi = math.inf, 0.0, 0.0, 0.0
    while (k - k0) * grid_dt < MAX_BALLISTIC_FLIGHT_S:
        if k < n_grid:
            pos_out[k, 0], pos_out[k, 1], pos_out[k, 2] = st[0], st[1], st[2]
            vel_out[k, 0], vel_out[k, 1], vel_out[k, 2] = st[3], st[4], st[5]
            h_out[k] = height_m(st[0], st[1], st[2], flags)
        if math.isfinite(ti):  # the sample just after impact is recorded too
            return ti, xi, yi, zi
        for i_sub in range(n_sub):
            prev[:] = st
            rk4_step(st, 1.0e12, h, params, cmd, flags)  # long after any burnout: coasting
            hh = height_m(st[0], st[1], st[2], flags)
            if hh <= ground_alt and not math.isfinite(ti):
                h0 = height_m(prev[0], prev[1], prev[2], flags)
                f = (h0 - ground_alt) / (h0 - hh) if h0 != hh else 1.0
                ti = k * grid_dt + (i_sub + f) * h
                xi = prev[0] + f * (st[0] - prev[0])
                yi = prev[1] + f * (st[1] - prev[1])
                zi = prev[2] + f * (st[2] - prev[2])
        k += 1
        if math.isfinite(ti) and k >= n_grid:
            return ti, xi, yi, zi
    return math.inf, st[0], st[1], st[2]


AIM_ITERATIONS = 8
"""At most this many shots of the shooting method per ballistic threat."""


AIM_TOLERANCE_M = 5.0
"""A ballistic threat's shooting stops when it lands this close to its aim point (m)."""


@njit
def aim_ballistic(
    cut: np.ndarray,
    rr: np.ndarray,
    elevation: float,
    params: np.ndarray,
    lat: float,
    lon: float,
    alt: float,
    alat: float,
    alon: float,
    aalt: float,
    tl: float,
    grid_dt: float,
    pos: np.ndarray,
    vel: np.ndarray,
    hh: np.ndarray,
    weave_phase: float = 0.0,
) -> tuple[float, float, float, float, float]:
    """Fly a ballistic missile onto an aim point by the shooting method.

    Starting from the aiming table (`rr`, ground range reached, against `cut`,
    motor cut-off time, flown with this same integrator at a reference site),
    the cut-off time is corrected for the downrange error and the launch
    azimuth for the cross-range error until the impact lies within
    :data:`AIM_TOLERANCE_M` of the aim point (Earth rotation, J2 and the
    launch site make each case differ from the table).  Launch and aim points
    are geodetic (rad, m); samples are recorded as in :func:`fly_ballistic` (with its
    terminal weave's draw `weave_phase`).  Returns the impact time, the ECEF impact
    point and the motor cut-off time of the trajectory flown (s after launch).
    """
    R = MEAN_EARTH_RADIUS_M
    # great-circle range and bearing to the aim point
    c = math.sin(lat) * math.sin(alat) + math.cos(lat) * math.cos(alat) * math.cos(alon - lon)
    rng = R * math.acos(min(max(c, -1.0), 1.0))
    az = math.atan2(
        math.sin(alon - lon) * math.cos(alat),
        math.cos(lat) * math.sin(alat) - math.sin(lat) * math.cos(alat) * math.cos(alon - lon),
    )
    tc = np.interp(rng, rr, cut)
    ax, ay, az_ = geodetic_to_ecef_kernel(alat, alon, aalt)
    # local east/north at the aim point
    sl, cl, so, co = math.sin(alat), math.cos(alat), math.sin(alon), math.cos(alon)
    # each shot records its samples; the converged one leaves its own in place
    # (samples past its impact may be stale, but they lie beyond k_last)
    ti, xi, yi, zi = math.inf, 0.0, 0.0, 0.0
    flown = tc
    for _ in range(AIM_ITERATIONS):
        flown = tc
        ti, xi, yi, zi = fly_ballistic(
            lat,
            lon,
            alt,
            az,
            elevation,
            tc,
            params,
            FULL,
            aalt,
            tl,
            grid_dt,
            pos,
            vel,
            hh,
            weave_phase,
        )
        dx, dy, dz = xi - ax, yi - ay, zi - az_
        de = -so * dx + co * dy
        dn = -sl * co * dx - sl * so * dy + cl * dz
        if de * de + dn * dn < AIM_TOLERANCE_M**2:
            break
        # direction of flight at the aim point: the back bearing reversed
        back = math.atan2(
            math.sin(lon - alon) * math.cos(lat),
            math.cos(alat) * math.sin(lat) - math.sin(alat) * math.cos(lat) * math.cos(lon - alon),
        )
        fwd = back + math.pi
        down = de * math.sin(fwd) + dn * math.cos(fwd)
        cross = de * math.cos(fwd) - dn * math.sin(fwd)
        slope = _slope(rr, cut, tc)
        tc = min(max(tc - down / slope, cut[0] * 0.5), cut[-1])
        az -= cross / max(rng, 1.0)
    return ti, xi, yi, zi, min(flown, params[P_BURN])


@njit
def _slope(rr: np.ndarray, cut: np.ndarray, tc: float) -> float:
    n = rr.shape[0]
    k = 0
    while k < n - 2 and cut[k + 1] < tc:
        k += 1
    s: float = (rr[k + 1] - rr[k]) / max(cut[k + 1] - cut[k], 1e-9)
    return max(s, 10.0)


@njit
def _nvec(lat: float, lon: float) -> np.ndarray:
    cl = math.cos(lat)
    return np.array([cl * math.cos(lon), cl * math.sin(lon), math.sin(lat)])


@njit
def _route_legs(
    lats: np.ndarray, lons: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Great-circle legs of a route of geodetic points (rad).

    Returns ``(nvecs, tangents, cum, angles)``: the points' n-vectors (n, 3),
    each leg's unit tangent at its start (n - 1, 3), the path length from the
    first point to each point on the sphere of the mean radius (n,) m, and
    each leg's angle (n - 1,) rad.
    """
    n = lats.shape[0]
    nvecs = np.empty((n, 3))
    for i in range(n):
        nvecs[i] = _nvec(lats[i], lons[i])
    angles = np.zeros(n - 1)
    tangents = np.zeros((n - 1, 3))
    cum = np.zeros(n)
    R = MEAN_EARTH_RADIUS_M
    for i in range(n - 1):
        c = min(max(np.dot(nvecs[i], nvecs[i + 1]), -1.0), 1.0)
        angles[i] = math.acos(c)
        sa = math.sin(angles[i])
        if sa > 1e-12:
            tangents[i] = (nvecs[i + 1] - c * nvecs[i]) / sa
        cum[i + 1] = cum[i] + R * angles[i]
    return nvecs, tangents, cum, angles


@njit
def route_distances(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Path length (m) from a route's first point to each of its points, as
    :func:`fly_route` measures it: great circles on the sphere of the mean radius.

    With the heights flown at the points, ``(route_distances(...), heights)`` is a height
    profile for :func:`fly_route` (linear in route distance between points)."""
    return _route_legs(lats, lons)[2]


@njit
def _route_nvec(
    nvecs: np.ndarray, tangents: np.ndarray, cum: np.ndarray, angles: np.ndarray, s: float
) -> tuple[float, float, float]:
    """n-vector at path length `s` along the route: ``n = cos(θ) n_i + sin(θ) t_i`` on leg i."""
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
    return nx, ny, nz


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
    nx, ny, nz = _route_nvec(nvecs, tangents, cum, angles, s)
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
def _profile_height(profile_s: np.ndarray, profile_h: np.ndarray, s: float) -> float:
    """Height at route distance `s`, linear between profile nodes, held beyond the ends."""
    n = profile_s.shape[0]
    if s <= profile_s[0]:
        return float(profile_h[0])
    if s >= profile_s[n - 1]:
        return float(profile_h[n - 1])
    i = int(np.searchsorted(profile_s, s, side="right")) - 1  # profile_s[i] <= s < [i + 1]
    f = (s - profile_s[i]) / (profile_s[i + 1] - profile_s[i])
    return float(profile_h[i] + f * (profile_h[i + 1] - profile_h[i]))


@njit
def route_height_profile(
    lats_rad: np.ndarray,
    lons_rad: np.ndarray,
    h_launch_m: float,
    cruise_height_m: float,
    h_target_m: float,
    heights_m: np.ndarray,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    step_m: float,
    lookahead_m: float,
    max_gradient: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Commanded height profile of a terrain-following route.

    The route is the one :func:`fly_route` flies: great circles between the
    geodetic points (first the launch point, last the aim point), path length
    on the sphere of the mean radius.  The profile is built on samples spaced
    evenly, at most `step_m` apart (pass about the DEM's node spacing,
    :func:`profile_step_m`):

    1. Terrain T under each sample (:func:`airguard.terrain.elevation_kernel`).
    2. Cruise command C(s) = max T over [s, s + `lookahead_m`] (at least up
       to the next sample, so that the straight segment between two samples
       clears terrain that is linear between them) + `cruise_height_m`: the
       stair-step terrain window of AGI STK's Terrain Following procedure
       (https://help.agi.com/stk/Content/aircraft/proc_terrainFollowing.htm).
    3. Gradient limit |dh/ds| <= `max_gradient`: a forward pass raises each
       sample to at least its predecessor minus the allowed descent, a
       backward pass to at least its successor minus the allowed climb.  Only
       raising, the two passes give the lowest profile above C with that
       slope bound, max_j (C_j − g |s − s_j|) (the two-pass distance
       transform of Rosenfeld and Pfaltz, "Sequential operations in digital
       picture processing", *J. ACM* 13(4), 1966), so the clearance holds at
       every sample.
    4. Launch: the profile starts at `h_launch_m` and joins the result of 3
       climbing (or descending) at `max_gradient`: h is clamped into
       ``h_launch_m ± max_gradient · s``.  Clearance is not kept in the climb-out.
    5. Terminal dive: over the last :data:`TERMINAL_DIVE_DISTANCE_M` the
       height falls linearly from the profile's value there to `h_target_m`
       at the aim point, as in the constant-height route; neither clearance
       nor the gradient limit is kept in the dive.

    On flat terrain of height H, with the aim point at H, the cruise segment
    is H + `cruise_height_m` and the dive that of the constant-height route.

    Parameters
    ----------
    lats_rad, lons_rad : (n,) float64
        Route points, geodetic (rad), n >= 2.
    h_launch_m, cruise_height_m, h_target_m : float
        Launch height (m above the ellipsoid), clearance above the terrain
        (m) and aim-point height (m above the ellipsoid).
    heights_m, lat0_rad, lon0_rad, dlat_rad, dlon_rad
        The terrain grid, :meth:`airguard.terrain.Terrain.arrays`.
    step_m : float
        Largest spacing of terrain samples along the route, m, > 0.
    lookahead_m : float
        Terrain look-ahead, m, >= 0 (:data:`TERRAIN_LOOKAHEAD_M`).
    max_gradient : float
        Steepest climb or dive, |dh/ds|, > 0 (:data:`TERRAIN_MAX_GRADIENT`).

    Returns
    -------
    (s_m, h_m) : two (m,) float64
        Route distance from launch (m, strictly increasing from 0 to the
        route's length, except ``[0, 0]`` for a route of zero length) and
        commanded height above the ellipsoid there (m); pass them to
        :func:`fly_route`.
    """
    nvecs, tangents, cum, angles = _route_legs(lats_rad, lons_rad)
    total = cum[cum.shape[0] - 1]
    s_dive = total - TERMINAL_DIVE_DISTANCE_M
    if s_dive <= 0.0:
        # too short for a cruise segment: straight from launch to the aim point
        return np.array([0.0, total]), np.array([h_launch_m, h_target_m])
    n_seg = max(int(math.ceil(total / step_m - 1e-9)), 1)
    ds = total / n_seg
    ss = np.empty(n_seg + 1)
    terrain = np.empty(n_seg + 1)
    for i in range(n_seg + 1):
        ss[i] = total * i / n_seg
        nx, ny, nz = _route_nvec(nvecs, tangents, cum, angles, ss[i])
        lat = math.atan2(nz, math.sqrt(nx * nx + ny * ny))
        lon = math.atan2(ny, nx)
        terrain[i] = elevation_kernel(heights_m, lat0_rad, lon0_rad, dlat_rad, dlon_rad, lat, lon)
    # 2. look-ahead window (a sliding maximum; windows are a few dozen samples)
    m = max(int(math.floor(lookahead_m / ds + 1e-9)), 1)
    h = np.empty(n_seg + 1)
    for i in range(n_seg + 1):
        top = terrain[i]
        for j in range(i + 1, min(i + m, n_seg) + 1):
            top = max(top, terrain[j])
        h[i] = top + cruise_height_m
    # 3. gradient limit, raising only: dives after, then climbs before, each obstacle
    dh = max_gradient * ds
    for i in range(1, n_seg + 1):
        h[i] = max(h[i], h[i - 1] - dh)
    for i in range(n_seg - 1, -1, -1):
        h[i] = max(h[i], h[i + 1] - dh)
    # 4. climb-out from the launch height
    for i in range(n_seg + 1):
        reach = max_gradient * ss[i]
        h[i] = min(max(h[i], h_launch_m - reach), h_launch_m + reach)
    # 5. cruise samples before the dive, the dive's start, the aim point
    k = min(int(s_dive / ds), n_seg - 1)
    while k > 0 and ss[k] >= s_dive:
        k -= 1
    while k < n_seg - 1 and ss[k + 1] < s_dive:
        k += 1
    # ss[k] < s_dive <= ss[k + 1]
    f = (s_dive - ss[k]) / (ss[k + 1] - ss[k])
    s_out = np.empty(k + 3)
    h_out = np.empty(k + 3)
    s_out[: k + 1] = ss[: k + 1]
    h_out[: k + 1] = h[: k + 1]
    s_out[k + 1] = s_dive
    h_out[k + 1] = h[k] + f * (h[k + 1] - h[k])
    s_out[k + 2] = total
    h_out[k + 2] = h_target_m
    return s_out, h_out


@njit
def _fly_route(
    lats: np.ndarray,
    lons: np.ndarray,
    h_launch: float,
    cruise_height: float,
    h_target: float,
    speed: float,
    t_launch: float,
    grid_dt: float,
    pos_out: np.ndarray,
    vel_out: np.ndarray,
    h_out: np.ndarray,
    profile_s: np.ndarray,
    profile_h: np.ndarray,
) -> tuple[float, float, float, float]:
    nvecs, tangents, cum, angles = _route_legs(lats, lons)
    n = lats.shape[0]
    total = cum[n - 1]
    terrain = profile_s.shape[0] > 0
    if terrain and (
        profile_h.shape[0] != profile_s.shape[0]
        or profile_s[0] != 0.0
        or abs(profile_s[profile_s.shape[0] - 1] - total) > 1e-3
    ):
        raise ValueError(
            "profile_s, profile_h: expected a profile of equal lengths from 0 m to the "
            "route's length (from route_height_profile for this route), or two empty arrays"
        )
    h_cruise = h_target + cruise_height
    t_impact = t_launch + total / speed
    n_grid = pos_out.shape[0]
    k0 = max(int(math.ceil(t_launch / grid_dt - 1e-9)), 0)
    eps = 0.05
    xi, yi, zi = _route_ecef(nvecs, tangents, cum, angles, total, h_target)
    s_e = total - eps * speed
    if terrain:
        h_e = _profile_height(profile_s, profile_h, s_e)
    else:
        h_e = _route_height(s_e, total, h_launch, h_cruise, h_target)
    xe, ye, ze = _route_ecef(nvecs, tangents, cum, angles, s_e, h_e)
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
            if terrain:
                h_out[k] = h_target + dt_i * (h_target - h_e) / eps
            else:
                h_out[k] = (
                    h_target - dt_i * speed * (h_cruise - h_target) / TERMINAL_DIVE_DISTANCE_M
                )
            break
        s = (t - t_launch) * speed
        if terrain:
            hh = _profile_height(profile_s, profile_h, s)
        else:
            hh = _route_height(s, total, h_launch, h_cruise, h_target)
        x, y, z = _route_ecef(nvecs, tangents, cum, angles, s, hh)
        # velocity by a short forward (or, at the end, backward) difference along the path
        s2 = s + eps * speed
        sign = 1.0
        if s2 > total:
            s2 = s - eps * speed
            sign = -1.0
        if terrain:
            h2 = _profile_height(profile_s, profile_h, s2)
        else:
            h2 = _route_height(s2, total, h_launch, h_cruise, h_target)
        x2, y2, z2 = _route_ecef(nvecs, tangents, cum, angles, s2, h2)
        pos_out[k, 0], pos_out[k, 1], pos_out[k, 2] = x, y, z
        vel_out[k, 0] = sign * (x2 - x) / eps
        vel_out[k, 1] = sign * (y2 - y) / eps
        vel_out[k, 2] = sign * (z2 - z) / eps
        h_out[k] = hh
    return t_impact, xi, yi, zi


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
    profile_s: np.ndarray | None = None,
    profile_h: np.ndarray | None = None,
) -> tuple[float, float, float, float]:
    """Fly a cruise missile or drone along a route of geodetic points (rad).

    The first point is the launch point, the last the aim point; the missile
    flies the great circles between them at constant `speed` along the
    ground track (path length on the sphere of the mean radius), so the
    flight time is the route's length over `speed` whatever the heights.

    Heights:

    * Without a profile (`profile_s`, `profile_h` empty, or omitted):
      `h_launch` at launch, climbing over :data:`CLIMB_DISTANCE_M` to
      ``h_target + cruise_height`` — above the target's ground height — and
      diving over :data:`TERMINAL_DIVE_DISTANCE_M` onto the aim point at
      `h_target`.
    * With a profile (from :func:`route_height_profile` or
      :func:`terrain_profile` for this route): the height at route distance s
      is interpolated linearly in ``(profile_s, profile_h)``; `h_launch` and
      `cruise_height` are then unused (the profile holds them).

    Velocities are forward differences of the position along the path over
    0.05 s, so the vertical rate is the profile's slope times `speed`.  Grid
    samples are written as for :func:`fly_ballistic`; returns impact time and
    point.  `radius_m` is unused.

    Parameters
    ----------
    profile_s, profile_h : (m,) float64, or None
        Route distance from launch (m, from 0 to the route's length) and
        commanded height above the ellipsoid (m); both empty (or None) for
        the constant-height route.

    Raises
    ------
    ValueError
        Only one of the profile arrays given, or a profile whose arrays differ
        in length or that does not run from 0 m to the route's length.
    """
    if profile_s is None or profile_h is None:
        if profile_s is not None or profile_h is not None:
            raise ValueError("profile_s, profile_h: give both arrays or neither")
        return _fly_route(
            lats,
            lons,
            h_launch,
            cruise_height,
            h_target,
            speed,
            t_launch,
            grid_dt,
            pos_out,
            vel_out,
            h_out,
            np.empty(0),
            np.empty(0),
        )
    return _fly_route(
        lats,
        lons,
        h_launch,
        cruise_height,
        h_target,
        speed,
        t_launch,
        grid_dt,
        pos_out,
        vel_out,
        h_out,
        profile_s,
        profile_h,
    )


def profile_step_m(terrain: Terrain, lats_rad: NDArray[np.float64]) -> float:
    """Terrain sampling step for :func:`route_height_profile` along a route, m.

    The DEM's node spacing at the route's largest latitude
    (:meth:`airguard.terrain.Terrain.spacing_m`, the smaller of north-south and
    east-west), at most :data:`MAX_PROFILE_STEP_M`.
    """
    lat_deg = math.degrees(float(np.max(np.abs(lats_rad))))
    return min(terrain.spacing_m(lat_deg), MAX_PROFILE_STEP_M)


def terrain_profile(
    terrain: Terrain,
    lats_rad: ArrayLike,
    lons_rad: ArrayLike,
    h_launch_m: float,
    cruise_height_m: float,
    h_target_m: float,
    *,
    step_m: float | None = None,
    lookahead_m: float = TERRAIN_LOOKAHEAD_M,
    max_gradient: float = TERRAIN_MAX_GRADIENT,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Terrain-following height profile of a route (:func:`route_height_profile`).

    Parameters
    ----------
    terrain
        The terrain under the route.
    lats_rad, lons_rad
        (n,) route points, geodetic (rad): launch point, waypoints, aim point; n >= 2.
    h_launch_m
        Launch height, m above the ellipsoid.
    cruise_height_m
        Clearance above the terrain, m, >= 0.
    h_target_m
        Aim-point height, m above the ellipsoid.
    step_m
        Largest terrain sampling step along the route, m, > 0; default
        :func:`profile_step_m`, about the DEM's node spacing.
    lookahead_m
        Terrain look-ahead, m, >= 0.
    max_gradient
        Steepest climb or dive, |dh/ds|, > 0.

    Returns
    -------
    (s_m, h_m) : two (m,) float64
        Route distance from launch, m, and commanded height, m; pass them to
        :func:`fly_route` as `profile_s`, `profile_h`.
    """
    lats = np.ascontiguousarray(lats_rad, dtype=np.float64)
    lons = np.ascontiguousarray(lons_rad, dtype=np.float64)
    if lats.ndim != 1 or lats.shape != lons.shape or lats.shape[0] < 2:
        raise ValueError(
            "lats_rad, lons_rad: expected two 1-D arrays of the same length, at least 2 "
            f"points (launch and aim), got shapes {lats.shape} and {lons.shape}"
        )
    if not (np.all(np.isfinite(lats)) and np.all(np.isfinite(lons))):
        raise ValueError("lats_rad, lons_rad: expected finite angles in radians")
    for name, value in (
        ("h_launch_m", h_launch_m),
        ("cruise_height_m", cruise_height_m),
        ("h_target_m", h_target_m),
    ):
        if not math.isfinite(value):
            raise ValueError(f"{name}: expected a finite height in metres, got {value}")
    if cruise_height_m < 0.0:
        raise ValueError(
            f"cruise_height_m: expected a clearance >= 0 m above the terrain, got {cruise_height_m}"
        )
    if step_m is None:
        step_m = profile_step_m(terrain, lats)
    if not (math.isfinite(step_m) and step_m > 0.0):
        raise ValueError(f"step_m: expected a positive step in metres, got {step_m}")
    if not (math.isfinite(lookahead_m) and lookahead_m >= 0.0):
        raise ValueError(f"lookahead_m: expected a look-ahead >= 0 m, got {lookahead_m}")
    if not (math.isfinite(max_gradient) and max_gradient > 0.0):
        raise ValueError(
            f"max_gradient: expected a positive climb gradient |dh/ds|, got {max_gradient}"
        )
    return route_height_profile(
        lats,
        lons,
        float(h_launch_m),
        float(cruise_height_m),
        float(h_target_m),
        *terrain.arrays(),
        float(step_m),
        float(lookahead_m),
        float(max_gradient),
    )


@njit(inline="always")
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


@njit
def _hermite_states(
    pos: np.ndarray, vel: np.ndarray, k: np.ndarray, f: np.ndarray, dt: float
) -> np.ndarray:
    out = np.empty((k.shape[0], 6))
    for m in range(k.shape[0]):
        hermite_state(pos, vel, k[m], f[m], dt, out[m])
    return out


def hermite_states(
    pos_m: ArrayLike,
    vel_mps: ArrayLike,
    time_s: ArrayLike,
    dt_s: float,
    k_first: int = 0,
    k_last: int | None = None,
) -> NDArray[np.float64]:
    """States at many times from samples on a regular grid: :func:`hermite_state` for each.

    The engine's reading of a threat's trajectory grid: time t falls in step
    ``k = floor(t / dt_s)``, held to the valid samples ``k_first .. k_last - 1`` (so
    that k and k + 1 are both samples; times outside are clamped to the ends), at the
    fraction ``f = (t - k dt_s) / dt_s`` clipped to [0, 1].

    Parameters
    ----------
    pos_m, vel_mps
        (K, 3) float64 positions (m) and velocities (m/s) at times 0, dt_s, 2 dt_s, …; K ≥ 2.
    time_s
        (T,) times, s.
    dt_s
        Grid step, s, > 0.
    k_first, k_last
        First and last valid samples (default the whole grid).

    Returns
    -------
    ndarray
        (T, 6) float64: position (m) and velocity (m/s) at each time.
    """
    pos = np.ascontiguousarray(pos_m, dtype=np.float64)
    vel = np.ascontiguousarray(vel_mps, dtype=np.float64)
    t = np.atleast_1d(np.asarray(time_s, dtype=np.float64))
    n = pos.shape[0]
    if n < 2 or vel.shape != pos.shape:
        raise ValueError(f"pos_m, vel_mps: expected two (K, 3) grids with K >= 2, got {pos.shape}")
    last = n - 1 if k_last is None else int(k_last)
    hi = min(max(last - 1, int(k_first)), n - 2)
    k = np.clip(np.floor(t / dt_s).astype(np.int64), min(int(k_first), hi), hi)
    f = np.clip((t - k * dt_s) / dt_s, 0.0, 1.0)
    return _hermite_states(pos, vel, k, f, float(dt_s))


_ = (FULL, N_PARAMS)


# --- calculator: free flight from burnout ------------------------------------------------

MAX_FREE_FLIGHT_S = 6.0 * 3600.0
"""A free flight that has not come down after this long (s) is refused as an orbit."""

EARTH_MODELS = ("wgs84", "sphere")
"""Earth models of :func:`ballistic_flight`."""

_GOLDEN = 0.5 * (math.sqrt(5.0) - 1.0)


@dataclass(frozen=True, eq=False)
class BallisticFlight:
    """Free flight of a ballistic body from burnout to impact (:func:`ballistic_flight`).

    A thin view over the sampled trajectory; the arrays are read-only.

    Attributes
    ----------
    ground_range_m : float
        Distance along the surface from the point below burnout to the impact
        point, m: the great circle of the sphere (``earth="sphere"``) or the
        WGS84 geodesic (Vincenty's inverse, ``pymap3d.vincenty.vdist``).
    apogee_altitude_m : float
        Greatest height reached, m (the burnout altitude if the body only falls).
    flight_time_s : float
        Time from burnout to impact, s.
    time_s : (n,) float64
        Sample times from burnout, s: every ``step_s``, and the impact time last.
    position_m : (n, 3) float64
        Positions, m, ECEF (Earth-fixed; the inertial frame when the Earth does
        not rotate).
    velocity_mps : (n, 3) float64
        Velocities in the same frame, m/s (relative to the Earth's surface).
    altitude_m : (n,) float64
        Height above the surface measured along the geocentric radius, m
        (:func:`airguard.dynamics.height_m`, the integrator's own height);
        the last sample is the impact, at 0 m to within 1e-6 m.
    """

    ground_range_m: float
    apogee_altitude_m: float
    flight_time_s: float
    time_s: NDArray[np.float64]
    position_m: NDArray[np.float64]
    velocity_mps: NDArray[np.float64]
    altitude_m: NDArray[np.float64]


def _finite(name: str, value: float) -> float:
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return x


def _height_after(
    start: np.ndarray, t_s: float, s: float, params: np.ndarray, cmd: np.ndarray, flags: int
) -> tuple[np.ndarray, float]:
    """State and height `s` seconds after `start`, by one step of the shared RK4."""
    st = start.copy()
    if s > 0.0:
        rk4_step(st, t_s, s, params, cmd, flags)
    return st, height_m(st[0], st[1], st[2], flags)


def _surface_crossing_s(
    start: np.ndarray,
    t_s: float,
    step_s: float,
    h0: float,
    h1: float,
    params: np.ndarray,
    cmd: np.ndarray,
    flags: int,
) -> float:
    """Time into the step at which the height falls to zero (Illinois regula falsi).

    Each trial is one RK4 step of that length from the step's start, so the
    impact lies on the integrated trajectory, not on a chord (the Illinois
    variant of regula falsi: Dowell and Jarratt, *BIT* 11, 1971, 168-174).
    """
    a, fa, b, fb = 0.0, h0, step_s, h1
    if fa <= 0.0:
        return 0.0
    s = b
    side = 0
    for _ in range(100):
        s = (a * fb - b * fa) / (fb - fa)
        _, f = _height_after(start, t_s, s, params, cmd, flags)
        if abs(f) < 1e-7 or b - a < 1e-12:
            break
        if f < 0.0:
            b, fb = s, f
            if side == -1:
                fa *= 0.5
            side = -1
        else:
            a, fa = s, f
            if side == 1:
                fb *= 0.5
            side = 1
    return s


def _apogee_m(
    states: list[np.ndarray],
    times: list[float],
    heights: np.ndarray,
    params: np.ndarray,
    cmd: np.ndarray,
    flags: int,
) -> float:
    """Greatest height: golden-section search about the highest sample, on RK4 sub-steps.

    The search spans the samples either side of the highest one (Press et al.,
    *Numerical Recipes*, 3rd ed., §10.2); each trial is one RK4 step from the
    earlier sample.
    """
    k = int(np.argmax(heights))
    lo, hi = max(k - 1, 0), min(k + 1, len(times) - 1)
    span = times[hi] - times[lo]
    best = float(heights[k])
    if span <= 0.0:
        return best
    start, t0 = states[lo], times[lo]

    def f(s: float) -> float:
        return _height_after(start, t0, s, params, cmd, flags)[1]

    a, b = 0.0, span
    c, d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(80):  # 0.618^80 of a few seconds: far below a nanosecond
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - _GOLDEN * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + _GOLDEN * (b - a)
            fd = f(d)
    return max(best, fc, fd)


def ballistic_flight(
    burnout_altitude_m: float,
    burnout_speed_mps: float,
    flight_path_angle_deg: float,
    *,
    earth: str = "wgs84",
    rotating: bool = True,
    drag: bool = True,
    ballistic_coefficient_kg_m2: float | None = None,
    latitude_deg: float = 0.0,
    longitude_deg: float = 0.0,
    azimuth_deg: float = 90.0,
    step_s: float = 1.0,
) -> BallisticFlight:
    """Fly a ballistic body from burnout to impact with the engine's integrator.

    The free flight (no thrust) is advanced by :func:`airguard.dynamics.rk4_step`
    with :func:`airguard.dynamics.acceleration`, the propagator of every threat
    and interceptor in the engine (DESIGN.md principle 3), on fixed steps of
    `step_s`.  Impact is the descent through height 0; the last step is cut so
    that it ends on the surface (its length solved by regula falsi, each trial
    an RK4 step of that length), and the apogee is found likewise by a
    golden-section search on RK4 sub-steps about the highest sample, so neither
    depends on where the samples fall.

    Earth models:

    * ``earth="sphere"``: two-body gravity μ/r² towards the centre of a sphere
      of radius 6 378 137 m (:data:`airguard.geo.WGS84_A_M`), with
      μ = 3.986004418e14 m³/s² (:data:`airguard.dynamics.EARTH_MU_M3_S2`, NIMA
      TR8350.2 Table 3.1) — the dynamics' ``SPHERE`` option.  With
      ``rotating=False, drag=False`` this is the textbook case of Bate, Mueller
      and White, *Fundamentals of Astrodynamics* (1971), §6.2; latitude and
      longitude are then geocentric and the range is the great circle R Ψ.
    * ``earth="wgs84"``: gravity with the J2 term and the WGS84 ellipsoid as
      the surface; latitude is geodetic, the flight-path angle is measured from
      the plane normal to the ellipsoid, and the range is the geodesic
      (Vincenty 1975, via ``pymap3d.vincenty.vdist``).

    ``rotating=True`` flies in the Earth-fixed frame with Coriolis and
    centrifugal terms, so the burnout velocity is relative to the ground below
    it (as the engine's threats fly); with ``rotating=False`` the Earth does not
    turn.  ``drag=True`` applies U.S. Standard Atmosphere 1976 drag with the
    ballistic coefficient β = m/(Cd A): the body is given a mass of 1 kg and
    CdA = 1/β m².

    Parameters
    ----------
    burnout_altitude_m
        Height of the burnout point above the surface, m, >= 0.
    burnout_speed_mps
        Speed at burnout, m/s, >= 0 (relative to the Earth's surface).
    flight_path_angle_deg
        Angle of the burnout velocity above the local horizontal, degrees,
        strictly between -90 and 90 (and positive at altitude 0).
    earth
        ``"wgs84"`` (default) or ``"sphere"``.
    rotating
        Fly on the rotating Earth (default True).
    drag
        Apply atmospheric drag (default True); needs `ballistic_coefficient_kg_m2`.
    ballistic_coefficient_kg_m2
        β = m/(Cd A), kg/m², > 0.  Ignored when `drag` is False.
    latitude_deg, longitude_deg
        Point below burnout, degrees (geodetic for WGS84, geocentric on the sphere).
    azimuth_deg
        Heading of the burnout velocity, degrees clockwise from north (default 90, east).
    step_s
        Integration and sampling step, s, > 0 (default 1 s, the engine's step).
        With drag it must resolve the deceleration: at β = 1000 kg/m² and
        2 km/s from sea level, 1 s steps give a range 7 % short and 0.1 s
        steps converge (β = 1e4: 0.002 %).

    Returns
    -------
    BallisticFlight
        Ground range, apogee, flight time and the sampled trajectory.

    Raises
    ------
    ValueError
        For a negative altitude or speed, a flight-path angle outside (-90, 90),
        an unknown `earth`, drag without a positive ballistic coefficient, a
        non-positive step, a latitude outside [-90, 90], or a body that has not
        come down after :data:`MAX_FREE_FLIGHT_S` (in orbit, or escaping).
    """
    h0 = _finite("burnout_altitude_m", burnout_altitude_m)
    v0 = _finite("burnout_speed_mps", burnout_speed_mps)
    gamma_deg = _finite("flight_path_angle_deg", flight_path_angle_deg)
    lat_deg = _finite("latitude_deg", latitude_deg)
    lon_deg = _finite("longitude_deg", longitude_deg)
    az_deg = _finite("azimuth_deg", azimuth_deg)
    dt = _finite("step_s", step_s)
    _check_burnout(h0, v0, gamma_deg, earth, lat_deg, dt)
    cda_m2 = _drag_area_m2(drag, ballistic_coefficient_kg_m2)

    flags = (SPHERE if earth == "sphere" else J2) | (ROTATING if rotating else 0)
    if drag:
        flags |= DRAG
    params = body_params(mass0_kg=1.0, cda_m2=cda_m2)
    cmd = np.zeros(3)

    st = _burnout_state(earth, h0, v0, gamma_deg, lat_deg, lon_deg, az_deg)
    times, states, heights = _fall(st, dt, params, cmd, flags, v0)

    altitude = np.array(heights)
    apogee = _apogee_m(states, times, altitude, params, cmd, flags)
    trajectory = np.array(states)
    p0, p1 = trajectory[0, :3], trajectory[-1, :3]
    if earth == "sphere":
        angle = math.atan2(float(np.linalg.norm(np.cross(p0, p1))), float(p0 @ p1))
        ground_range = WGS84_A_M * angle
    else:
        from pymap3d.vincenty import vdist

        lat1, lon1, _ = ecef_to_geodetic_kernel(p1[0], p1[1], p1[2])
        dist, _ = vdist(lat_deg, lon_deg, math.degrees(lat1), math.degrees(lon1))
        ground_range = float(dist)
    arrays = (np.array(times), trajectory[:, :3].copy(), trajectory[:, 3:].copy(), altitude)
    for arr in arrays:
        arr.setflags(write=False)
    return BallisticFlight(
        ground_range_m=ground_range,
        apogee_altitude_m=apogee,
        flight_time_s=times[-1],
        time_s=arrays[0],
        position_m=arrays[1],
        velocity_mps=arrays[2],
        altitude_m=arrays[3],
    )


def _check_burnout(
    h0: float, v0: float, gamma_deg: float, earth: str, lat_deg: float, dt: float
) -> None:
    """ValueError unless the burnout point, the Earth model and the step can be flown
    (see :func:`ballistic_flight`)."""
    if h0 < 0.0:
        raise ValueError(f"burnout_altitude_m: expected >= 0 m, got {h0:g}")
    if v0 < 0.0:
        raise ValueError(f"burnout_speed_mps: expected >= 0 m/s, got {v0:g}")
    if not -90.0 < gamma_deg < 90.0:
        raise ValueError(
            f"flight_path_angle_deg: expected an angle strictly between -90 and 90 degrees, "
            f"got {gamma_deg:g}"
        )
    if h0 == 0.0 and not (gamma_deg > 0.0 and v0 > 0.0):
        raise ValueError(
            "flight_path_angle_deg: a burnout on the surface needs a positive flight-path angle "
            f"and speed, got {gamma_deg:g} deg at {v0:g} m/s"
        )
    if earth not in EARTH_MODELS:
        raise ValueError(f"earth: expected one of {', '.join(EARTH_MODELS)}, got {earth!r}")
    if not -90.0 <= lat_deg <= 90.0:
        raise ValueError(f"latitude_deg: expected -90 to 90 degrees, got {lat_deg:g}")
    if dt <= 0.0:
        raise ValueError(f"step_s: expected a positive step in seconds, got {dt:g}")


def _drag_area_m2(drag: bool, ballistic_coefficient_kg_m2: float | None) -> float:
    """CdA (m²) of a 1 kg body with ballistic coefficient β = m/(Cd A): 1/β, or 0 without
    drag (ValueError for drag without a positive β)."""
    cda_m2 = 0.0
    if drag:
        if ballistic_coefficient_kg_m2 is None:
            raise ValueError(
                "ballistic_coefficient_kg_m2: drag=True needs a ballistic coefficient "
                "(kg/m^2); give one, or pass drag=False"
            )
        beta = _finite("ballistic_coefficient_kg_m2", ballistic_coefficient_kg_m2)
        if beta <= 0.0:
            raise ValueError(
                f"ballistic_coefficient_kg_m2: expected a positive value in kg/m^2, got {beta:g}"
            )
        cda_m2 = 1.0 / beta
    return cda_m2


def _burnout_state(
    earth: str,
    h0: float,
    v0: float,
    gamma_deg: float,
    lat_deg: float,
    lon_deg: float,
    az_deg: float,
) -> np.ndarray:
    """State (6,) at burnout: ECEF position m and velocity m/s, `v0` at `gamma_deg` above
    the local horizontal towards `az_deg`, `h0` above the sphere or the ellipsoid."""
    # burnout state: local east, north, up from the sphere's radius or the ellipsoid normal
    east, north, up = enu_basis(lat_deg, lon_deg)
    if earth == "sphere":
        pos = (WGS84_A_M + h0) * up
    else:
        pos = np.array(geodetic_to_ecef_kernel(math.radians(lat_deg), math.radians(lon_deg), h0))
    g, a = math.radians(gamma_deg), math.radians(az_deg)
    direction = math.cos(g) * (math.sin(a) * east + math.cos(a) * north) + math.sin(g) * up
    return np.concatenate([pos, v0 * direction])


def _fall(
    st: np.ndarray, dt: float, params: np.ndarray, cmd: np.ndarray, flags: int, v0: float
) -> tuple[list[float], list[np.ndarray], list[float]]:
    """Fly state `st` (6,) on RK4 steps of `dt` s until it reaches the surface, the last
    step cut to end on it: the times (s), states and heights (m) of every step end, from
    burnout.  ValueError if it has not come down after :data:`MAX_FREE_FLIGHT_S`."""
    times = [0.0]
    states = [st.copy()]
    heights = [height_m(st[0], st[1], st[2], flags)]
    t = 0.0
    for k in range(1, math.ceil(MAX_FREE_FLIGHT_S / dt) + 1):
        prev = st.copy()
        rk4_step(st, t, dt, params, cmd, flags)
        hh = height_m(st[0], st[1], st[2], flags)
        if hh <= 0.0:  # the first step end on or below the surface
            s = _surface_crossing_s(prev, t, dt, max(heights[-1], 0.0), hh, params, cmd, flags)
            st, hh = _height_after(prev, t, s, params, cmd, flags)
            times.append(t + s)
            states.append(st)
            heights.append(hh)
            break
        t = k * dt
        times.append(t)
        states.append(st.copy())
        heights.append(hh)
    else:
        raise ValueError(
            f"burnout_speed_mps: the body has not come down {MAX_FREE_FLIGHT_S / 3600:g} h after "
            f"burnout at {v0:g} m/s (in orbit or escaping)"
        )
    return times, states, heights
