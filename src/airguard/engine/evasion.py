"""Hostile aircraft that evade the rounds launched at them (notional; docs/aircraft-evasion.md).

A hostile flight with ``evade: true`` breaks away from the first round launched at it,
after its catalogue ``evasion`` reaction time (a radar-warning or missile-approach
warning and the crew's reaction): a coordinated turn at the load factor n, at the turn
rate of the level turn ω = g·√(n² − 1)/V (radius V²/(g·√(n² − 1)); e.g. Anderson,
*Introduction to Flight*, 8th ed., §6.17, eqs. 6.150-6.152), toward the nearer of the two
headings that put the round's launch point on its beam (velocity across the line of
sight: "beaming"; no Doppler notch is modelled), descending at the dive angle to the
floor height. It holds the beam for the hold time from the break, then turns at the same
rate toward its next route point and flies direct to it and on along its route
(:func:`airguard.trajectory.fly_route`, heights linear in route distance).

The threats are flown ahead of the loop (:mod:`airguard.engine.threats`); an evasion
rewrites the aircraft's grid samples from the break on (``Threats.pos/vel/h``,
``t_impact``, ``k_last``), so the looks, trackers, fire control and guidance, which read
the grid through :func:`airguard.engine.threats.threat_state`, all see the new path.
The break starts at a grid sample, the first at or after the break time that no look
has read yet. It draws no random number.
"""

from __future__ import annotations

import math

import numpy as np

from airguard._jit import njit
from airguard.engine.state import Evasion
from airguard.engine.threats import Threats
from airguard.geo import (
    MEAN_EARTH_RADIUS_M,
    WGS84_A_M,
    WGS84_E2,
    ecef_to_geodetic_kernel,
    geodetic_to_ecef_kernel,
)
from airguard.trajectory import fly_route, route_distances
from airguard.world import (
    EV_DIVE_RAD,
    EV_FLOOR_M,
    EV_HOLD_S,
    EV_LOAD_FACTOR,
    EV_REACTION_S,
    GRID_DT_S,
)

__all__ = ["G0_MPS2", "SUBSTEPS", "break_turn_rate", "evade", "fly_evasion"]

G0_MPS2 = 9.80665
"""Standard gravity (m/s², CGPM 1901), for the turn rate of a load factor."""

SUBSTEPS = 50
"""Integration steps of the manoeuvre per grid step (0.02 s): the heading's midpoint rule."""

RETURN_LIMIT_TURNS = 3.0
"""Longest turn back toward the route point, in full circles of the turn rate (a guard: an
aircraft whose route point lies inside its turn's circle first flies straight on, so that
it can face it); past it the aircraft goes direct from where it is."""

PROFILE_STEP_M = 500.0
"""Spacing of the height profile of the rest of the route after the return (m): the route's
heights, clamped to a climb or descent at the dive angle from the height of the return."""


@njit
def break_turn_rate(speed_mps: float, load_factor: float) -> float:
    """Turn rate (rad/s) of a level coordinated turn at `load_factor` (g) and `speed_mps`:
    g·√(n² − 1)/V (Anderson, *Introduction to Flight*, 8th ed., eq. 6.152)."""
    return G0_MPS2 * math.sqrt(load_factor * load_factor - 1.0) / speed_mps


@njit(inline="always")
def _wrap(a: float) -> float:
    """An angle folded into (−π, π]."""
    return a - 2.0 * math.pi * math.floor((a + math.pi) / (2.0 * math.pi))


@njit(inline="always")
def _bearing(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing (rad, from north, clockwise) from one point to another."""
    dl = lon2 - lon
    y = math.sin(dl) * math.cos(lat2)
    x = math.cos(lat) * math.sin(lat2) - math.sin(lat) * math.cos(lat2) * math.cos(dl)
    return math.atan2(y, x)


@njit
def _store(
    pos: np.ndarray, vel: np.ndarray, h: np.ndarray, k: int, state: np.ndarray, speed: float
) -> None:
    """Grid sample k from ``state`` (lat, lon, height, heading, flight-path angle)."""
    lat, lon, hh, psi, gam = state[0], state[1], state[2], state[3], state[4]
    x, y, z = geodetic_to_ecef_kernel(lat, lon, hh)
    pos[k, 0], pos[k, 1], pos[k, 2] = x, y, z
    ve = speed * math.cos(gam) * math.sin(psi)
    vn = speed * math.cos(gam) * math.cos(psi)
    vu = speed * math.sin(gam)
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    vel[k, 0] = -so * ve - sl * co * vn + cl * co * vu
    vel[k, 1] = co * ve - sl * so * vn + cl * so * vu
    vel[k, 2] = cl * vn + sl * vu
    h[k] = hh


@njit
def _step(state: np.ndarray, speed: float, psi_rate: float, dt: float) -> None:
    """Advance ``state`` by dt at `speed` (m/s) along its flight-path angle, the heading
    turning at `psi_rate` (rad/s; midpoint rule), on the WGS84 ellipsoid (meridian and
    prime-vertical radii of curvature)."""
    lat, hh, gam = state[0], state[2], state[4]
    psi_mid = state[3] + 0.5 * psi_rate * dt
    s2 = math.sin(lat) ** 2
    w = math.sqrt(1.0 - WGS84_E2 * s2)
    r_n = WGS84_A_M / w  # prime vertical
    r_m = WGS84_A_M * (1.0 - WGS84_E2) / (w * w * w)  # meridian
    vh = speed * math.cos(gam)
    state[0] += vh * math.cos(psi_mid) * dt / (r_m + hh)
    state[1] += vh * math.sin(psi_mid) * dt / ((r_n + hh) * math.cos(lat))
    state[2] += speed * math.sin(gam) * dt
    state[3] = _wrap(state[3] + psi_rate * dt)


@njit(inline="always")
def _distance(lat: float, lon: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (m) on the sphere of the mean radius (haversine)."""
    a = (
        math.sin(0.5 * (lat2 - lat)) ** 2
        + math.cos(lat) * math.cos(lat2) * math.sin(0.5 * (lon2 - lon)) ** 2
    )
    return 2.0 * MEAN_EARTH_RADIUS_M * math.asin(min(math.sqrt(a), 1.0))


@njit(inline="always")
def _inside_turn(psi: float, bearing: float, distance: float, radius: float) -> bool:
    """Whether a point at `bearing` and `distance` (m) lies inside the circle of the turn
    toward it (heading `psi`, turn `radius`, m): turning, the aircraft would never face it."""
    side = 0.5 * math.pi if _wrap(bearing - psi) > 0.0 else -0.5 * math.pi
    dx = distance * math.sin(bearing) - radius * math.sin(psi + side)
    dy = distance * math.cos(bearing) - radius * math.cos(psi + side)
    return dx * dx + dy * dy < radius * radius


@njit
def _rate_toward(psi: float, want: float, omega: float, dt: float) -> float:
    """Heading rate (rad/s) that turns `psi` toward `want` at most at `omega`, reaching it
    within the step dt without overshoot."""
    d = _wrap(want - psi)
    return max(-omega, min(omega, d / dt))


@njit
def fly_evasion(
    thr: Threats,
    j: int,
    k0: int,
    launch_pos: np.ndarray,
    fig: np.ndarray,
    max_speed: float,
    route_lat: np.ndarray,
    route_lon: np.ndarray,
    route_h: np.ndarray,
    route_speed: float,
    next_point: int,
) -> None:
    """Rewrite threat j's grid samples from sample k0: the break, the hold, the turn back
    and the rest of its route from route point `next_point` (module docstring).

    ``launch_pos`` (3,) ECEF m: the round's launch point; ``fig`` (N_EVASION,): the
    aircraft's evasion figures (``world.EV_*``); `max_speed` m/s; ``route_lat/lon`` (P,)
    rad and ``route_h`` (P,) m its route points; `route_speed` m/s along the route.
    """
    pos, vel, h = thr.pos[j], thr.vel[j], thr.h[j]
    n_grid = pos.shape[0]
    dt = GRID_DT_S / SUBSTEPS
    # the state at the break: geodetic position, heading and the flight's speed
    lat, lon, _ = ecef_to_geodetic_kernel(pos[k0, 0], pos[k0, 1], pos[k0, 2])
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    vx, vy, vz = vel[k0, 0], vel[k0, 1], vel[k0, 2]
    ve = -so * vx + co * vy
    vn = -sl * co * vx - sl * so * vy + cl * vz
    speed = min(math.sqrt(vx * vx + vy * vy + vz * vz), max_speed)
    state = np.array([lat, lon, h[k0], math.atan2(ve, vn), 0.0])
    omega = break_turn_rate(speed, fig[EV_LOAD_FACTOR])
    floor = min(fig[EV_FLOOR_M], h[k0])  # below its floor already: it stays level
    la_lat, la_lon, _ = ecef_to_geodetic_kernel(launch_pos[0], launch_pos[1], launch_pos[2])
    t0 = k0 * GRID_DT_S
    t_hold = t0 + fig[EV_HOLD_S]
    wlat, wlon = route_lat[next_point], route_lon[next_point]
    _store(pos, vel, h, k0, state, speed)
    sin_dive = math.sin(fig[EV_DIVE_RAD])
    h_w = route_h[next_point] if sin_dive > 0.0 else h[k0]  # (no dive: no climb back)
    r = speed / omega  # the turn's radius
    turn_limit = t_hold + RETURN_LIMIT_TURNS * 2.0 * math.pi / omega + 2.0 * r / speed
    k = k0
    while k < n_grid - 1:
        t = k * GRID_DT_S
        returning = t >= t_hold
        if returning and t >= turn_limit:
            break
        if returning and abs(_wrap(_bearing(state[0], state[1], wlat, wlon) - state[3])) < 1e-3:
            break  # facing the route point: on along the route from here
        for _ in range(SUBSTEPS):
            if returning:  # toward the route point, climbing (or descending) to its height
                want = _bearing(state[0], state[1], wlat, wlon)
                if _inside_turn(state[3], want, _distance(state[0], state[1], wlat, wlon), r):
                    want = state[3]  # inside its turn's circle: straight on first
                to_go = h_w - state[2]
            else:  # the beam heading nearer the present one: the launch point abeam
                los = _bearing(state[0], state[1], la_lat, la_lon)
                a, b = _wrap(los + 0.5 * math.pi), _wrap(los - 0.5 * math.pi)
                want = a if abs(_wrap(a - state[3])) <= abs(_wrap(b - state[3])) else b
                to_go = min(floor - state[2], 0.0)  # down to the floor, never up
            # at the dive angle, the last step landing on the height
            sin_g = min(sin_dive, abs(to_go) / (speed * dt))
            state[4] = math.copysign(math.asin(sin_g), to_go) if to_go != 0.0 else 0.0
            _step(state, speed, _rate_toward(state[3], want, omega, dt), dt)
        k += 1
        _store(pos, vel, h, k, state, speed)
    if k >= n_grid - 1:  # the replication ends first: it leaves the sky at its last sample
        thr.t_impact[j] = k * GRID_DT_S
        thr.k_last[j] = k
        thr.impact_pos[j, 0] = pos[k, 0]
        thr.impact_pos[j, 1] = pos[k, 1]
        thr.impact_pos[j, 2] = pos[k, 2]
        return
    # direct to the route point and on along the route at the route's heights (linear in
    # route distance), reached at no steeper than the dive angle from where it is; slower
    # along the ground where a climb would take it past its top speed
    n_rest = route_lat.shape[0] - next_point
    lats = np.empty(n_rest + 1)
    lons = np.empty(n_rest + 1)
    heights = np.empty(n_rest + 1)
    lats[0], lons[0], heights[0] = state[0], state[1], state[2]
    lats[1:] = route_lat[next_point:]
    lons[1:] = route_lon[next_point:]
    heights[1:] = route_h[next_point:]
    cum = route_distances(lats, lons)
    total = cum[n_rest]
    n_prof = max(int(math.ceil(total / PROFILE_STEP_M)), 1)
    prof_s = np.empty(n_prof + 1)
    prof_h = np.empty(n_prof + 1)
    slope_max = math.tan(fig[EV_DIVE_RAD])
    i = 0
    for p in range(n_prof + 1):
        sp = total * p / n_prof
        while i < n_rest - 1 and cum[i + 1] < sp:
            i += 1
        seg = cum[i + 1] - cum[i]
        f = min(max((sp - cum[i]) / seg, 0.0), 1.0) if seg > 0.0 else 1.0
        hr = heights[i] + f * (heights[i + 1] - heights[i])
        if p > 0:  # the route's height, within the dive angle's reach of the return's
            hr = min(max(hr, heights[0] - slope_max * sp), heights[0] + slope_max * sp)
        prof_s[p], prof_h[p] = sp, hr
    prof_s[n_prof] = total
    ground = route_speed
    for p in range(n_prof):
        if prof_s[p + 1] > prof_s[p]:
            slope = (prof_h[p + 1] - prof_h[p]) / (prof_s[p + 1] - prof_s[p])
            ground = min(ground, max_speed / math.sqrt(1.0 + slope * slope))
    ti, xi, yi, zi = fly_route(
        lats, lons, heights[0], 0.0, prof_h[n_prof], ground, k * GRID_DT_S, 0.0,
        GRID_DT_S, pos, vel, h, prof_s, prof_h,
    )  # fmt: skip
    thr.t_impact[j] = ti
    thr.impact_pos[j, 0], thr.impact_pos[j, 1], thr.impact_pos[j, 2] = xi, yi, zi
    thr.k_last[j] = min(max(int(math.floor(ti / GRID_DT_S)) + 1, 0), n_grid - 1)


@njit
def _next_point(ev: Evasion, thr: Threats, j: int, t: float) -> int:
    """The route point threat j flies toward at time t on its drawn route (index into its
    route, 1 … P − 1): constant speed along the great circles (fly_route)."""
    n = ev.route_n[j]
    cum = route_distances(ev.route_lat[j, :n], ev.route_lon[j, :n])
    s = (t - thr.t_launch[j]) * ev.route_speed[j]
    w = 1
    while w < n - 1 and cum[w] <= s:
        w += 1
    return w


@njit
def evade(
    ev: Evasion,
    thr: Threats,
    alive: np.ndarray,
    first_eng: np.ndarray,
    m_target: np.ndarray,
    m_unit: np.ndarray,
    m_t0: np.ndarray,
    n_rounds: int,
    unit_pos: np.ndarray,
    t: float,
) -> None:
    """Each evading aircraft (``ev.on``) that a round has been launched at (``first_eng``
    (N,) s, finite) and that has not broken yet breaks away (:func:`fly_evasion`) from the
    first such round's launch point (its unit's position, ``unit_pos`` (U, 3)) at the
    launch plus its reaction time: from the first grid sample at or after that time and
    after the samples the looks up to the cycle's time t have read.  ``ev.t_break`` (N,)
    records the sample's time."""
    for j in range(thr.ttype.shape[0]):
        if not ev.on[j] or ev.t_break[j] < math.inf or first_eng[j] == math.inf:
            continue
        if not alive[j]:
            continue
        u, first = -1, math.inf
        for m in range(n_rounds):
            if m_target[m] == j and m_t0[m] < first:
                u, first = m_unit[m], m_t0[m]
        if u < 0:
            continue
        fig = ev.fig[j]
        t_b = first_eng[j] + fig[EV_REACTION_S]
        k0 = max(int(math.ceil(t_b / GRID_DT_S - 1e-9)), int(math.floor(t / GRID_DT_S)) + 2)
        if k0 + 1 > thr.k_last[j] or k0 * GRID_DT_S >= thr.t_impact[j]:
            ev.on[j] = False  # its route ends first: no break
            continue
        ev.t_break[j] = k0 * GRID_DT_S
        w = _next_point(ev, thr, j, k0 * GRID_DT_S)
        n = ev.route_n[j]
        fly_evasion(
            thr, j, k0, unit_pos[u], fig, ev.max_speed[j], ev.route_lat[j, :n],
            ev.route_lon[j, :n], ev.route_h[j, :n], ev.route_speed[j], w,
        )  # fmt: skip
