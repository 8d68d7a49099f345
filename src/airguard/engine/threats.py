"""Stage 1: the threats of a replication, drawn and flown before the defence acts.

Threats do not react to the defence, so their trajectories are drawn (launch
points, times, aim points) and flown all at once with the shared integrator
(:func:`airguard.trajectory.aim_ballistic`, :func:`airguard.trajectory.fly_route`),
stored on the engine's grid of :data:`~airguard.world.GRID_DT_S` and read back by
cubic Hermite interpolation (:func:`threat_state`); a kill only truncates a row.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from airguard._jit import i64, njit
from airguard.atmosphere import density_and_sound_speed
from airguard.dynamics import FULL, N_PARAMS, P_BURN, drag_area_m2, mass_kg
from airguard.geo import MEAN_EARTH_RADIUS_M
from airguard.terrain import elevation_kernel
from airguard.trajectory import (
    TERRAIN_LOOKAHEAD_M,
    TERRAIN_MAX_GRADIENT,
    aim_ballistic,
    coast_flight,
    fly_route,
    hermite_state,
    route_distances,
    route_height_profile,
)
from airguard.world import FLIGHT_BALLISTIC, GRID_DT_S, Raids, TerrainModel, ThreatTypes, World

__all__ = ["RouteTerrain", "Threats", "draw_threats", "route_terrain", "threat_state"]


class Threats(NamedTuple):
    """Threats of one replication, flown (numba-compatible)."""

    ttype: np.ndarray
    cls: np.ndarray
    target: np.ndarray
    t_launch: np.ndarray
    t_impact: np.ndarray
    impact_pos: np.ndarray  # (N, 3)
    k_first: np.ndarray  # first valid grid sample
    k_last: np.ndarray  # last valid grid sample (just after impact)
    pos: np.ndarray  # (N, K, 3)
    vel: np.ndarray  # (N, K, 3)
    h: np.ndarray  # (N, K)
    rcs: np.ndarray
    swerling: np.ndarray
    friendly: np.ndarray  # (N,) bool: a friendly flight, not a threat
    body: np.ndarray  # (N, N_PARAMS) a ballistic threat's body as flown (motor cut-off); else 0
    decoy: np.ndarray  # (N,) bool: a missile's decoy (seen and tracked, harms nothing)
    identified_t: np.ndarray  # (N,) from when fire control tells a decoy-carrying type's
    # warheads from its decoys (-inf: no decoys to tell from; inf: never)
    carrier: np.ndarray  # (N,) int64 the hostile flight that releases it (-1: none): if it is
    # killed (or breaks away, engine.evasion) before the launch time, it is never released
    # the threat types' RCS-by-aspect tables (World.threat_types.rcs_aspect_*; the default,
    # one type without a table, for threats built by hand)
    aspect_n: np.ndarray = np.zeros(1, dtype=np.int64)  # (Ty,) points (0: no table)
    aspect_deg: np.ndarray = np.zeros((1, 2))  # (Ty, M) deg, 0 nose-on
    aspect_factor: np.ndarray = np.ones((1, 2))  # (Ty, M) factors on rcs


class RouteTerrain(NamedTuple):
    """What cruise routes need of the terrain (placeholders without terrain)."""

    has_terrain: bool
    dem: np.ndarray  # (n_lat, n_lon) heights above the ellipsoid, m
    grid: np.ndarray  # (4,) lat0, lon0, dlat, dlon of the DEM, rad
    profile_step: float  # terrain sampling step of cruise routes, m


_NO_DEM = np.zeros((1, 1))
_NO_GRID = np.array([0.0, 0.0, 1.0, 1.0])


def route_terrain(tm: TerrainModel | None) -> RouteTerrain:
    """The terrain arguments of the threat kernels (placeholders without terrain)."""
    if tm is None:
        return RouteTerrain(False, _NO_DEM, _NO_GRID, 0.0)
    return RouteTerrain(True, tm.heights_m, tm.grid, tm.profile_step_m)


@njit
def _route_points(
    raids: Raids, q: int, lat: float, lon: float, extra: int
) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (rad) of raid q's route from (lat, lon) through its
    waypoints, with `extra` free places at the end (the aim point)."""
    s = raids.wp_start[q]
    nw = raids.wp_count[q]
    lats = np.empty(nw + 1 + extra)
    lons = np.empty(nw + 1 + extra)
    lats[0], lons[0] = lat, lon
    for w in range(nw):
        lats[w + 1] = raids.wp_lat_rad[s + w]
        lons[w + 1] = raids.wp_lon_rad[s + w]
    return lats, lons


@njit
def _launch_point(
    raids: Raids, q: int, u1: float, u2: float, u3: float
) -> tuple[float, float, float]:
    """Launch latitude, longitude (rad) and time (s) of a threat of raid q from three
    uniform draws: uniform in the launch disc (great-circle offset) and window."""
    R = MEAN_EARTH_RADIUS_M
    d = raids.radius_m[q] * math.sqrt(u1) / R
    brg = 2.0 * math.pi * u2
    la0, lo0 = raids.lat_rad[q], raids.lon_rad[q]
    lat = math.asin(math.sin(la0) * math.cos(d) + math.cos(la0) * math.sin(d) * math.cos(brg))
    lon = lo0 + math.atan2(
        math.sin(brg) * math.sin(d) * math.cos(la0),
        math.cos(d) - math.sin(la0) * math.sin(lat),
    )
    tl = raids.t0_s[q] + (raids.t1_s[q] - raids.t0_s[q]) * u3
    return lat, lon, tl


@njit
def _aim_point(
    tt: ThreatTypes,
    ty: int,
    asset_lat: float,
    asset_lon: float,
    asset_alt: float,
    n1: float,
    n2: float,
) -> tuple[float, float, float]:
    """Aim latitude, longitude (rad) and height (m) of a threat of type ty at an asset,
    from two standard normal draws (east, north)."""
    # aim point: circular normal about the asset, sigma = CEP / 1.1774 (CEP of a
    # circular normal distribution, e.g. Driels, Weaponeering, 2nd ed., §5)
    R = MEAN_EARTH_RADIUS_M
    sigma = tt.cep_m[ty] / 1.1774
    alat = asset_lat + sigma * n2 / R
    alon = asset_lon + sigma * n1 / (R * math.cos(asset_lat))
    return alat, alon, asset_alt


@njit
def _start_row(
    tt: ThreatTypes, ty: int, j: int, target: int, tl: float, grid_dt: float, out: Threats
) -> None:
    """Threat j's type, class, target and launch time, and its first grid sample."""
    out.ttype[j] = ty
    out.cls[j] = tt.cls[ty]
    out.target[j] = target
    out.t_launch[j] = tl
    out.k_first[j] = max(int(math.ceil(tl / grid_dt - 1e-9)), 0)


@njit
def _fly_flight(
    tt: ThreatTypes,
    raids: Raids,
    q: int,
    j: int,
    launch: tuple[float, float, float],
    grid_dt: float,
    out: Threats,
) -> None:
    """A flight, friendly or hostile: along its route at the heights of its points
    (linear in route distance between them), no aim point."""
    lat, lon, tl = launch
    ty = raids.ttype[q]
    n_grid = out.pos.shape[1]
    _start_row(tt, ty, j, i64(-1), tl, grid_dt, out)  # (one compiled _start_row)
    lats, lons = _route_points(raids, q, lat, lon, 0)
    speed = raids.speed_mps[q] if raids.speed_mps[q] > 0.0 else tt.speed_mps[ty]
    h0 = raids.alt_m[q]
    s0, nw = raids.wp_start[q], raids.wp_count[q]
    heights = np.empty(nw + 1)
    heights[0] = h0
    level = True
    for w in range(nw):
        heights[w + 1] = raids.wp_alt_m[s0 + w]
        level = level and heights[w + 1] == h0
    if level:  # one height: the constant-height route
        profile_s, profile_h = np.empty(0), np.empty(0)
    else:
        profile_s, profile_h = route_distances(lats, lons), heights
    ti, xi, yi, zi = fly_route(
        lats,
        lons,
        h0,
        0.0,
        heights[nw],
        speed,
        tl,
        0.0,
        grid_dt,
        out.pos[j],
        out.vel[j],
        out.h[j],
        profile_s,
        profile_h,
    )
    out.t_impact[j] = ti
    out.impact_pos[j, 0], out.impact_pos[j, 1], out.impact_pos[j, 2] = xi, yi, zi
    out.k_last[j] = min(max(int(math.floor(ti / grid_dt)) + 1, 0), n_grid - 1)


@njit
def _fly_cruise(
    tt: ThreatTypes,
    raids: Raids,
    q: int,
    j: int,
    launch: tuple[float, float, float],
    aim: tuple[float, float, float],
    grid_dt: float,
    ground: RouteTerrain,
    out: Threats,
) -> tuple[float, float, float, float]:
    """Fly a cruise missile or drone of raid q along its route to its aim point; returns
    the impact time (s) and point (ECEF, m).

    With terrain it follows the ground at its cruise height
    (:func:`airguard.trajectory.route_height_profile`) and leaves the ground at its
    launch point.
    """
    lat, lon, tl = launch
    alat, alon, aalt = aim
    ty = raids.ttype[q]
    lats, lons = _route_points(raids, q, lat, lon, 1)
    lats[-1], lons[-1] = alat, alon
    h_launch = raids.alt_m[q]
    if ground.has_terrain:
        dem, dem_grid = ground.dem, ground.grid
        g0, g1, g2, g3 = dem_grid[0], dem_grid[1], dem_grid[2], dem_grid[3]
        h_launch = max(h_launch, elevation_kernel(dem, g0, g1, g2, g3, lat, lon))
        prof_s, prof_h = route_height_profile(
            lats,
            lons,
            h_launch,
            tt.cruise_height_m[ty],
            aalt,
            dem,
            g0,
            g1,
            g2,
            g3,
            ground.profile_step,
            TERRAIN_LOOKAHEAD_M,
            TERRAIN_MAX_GRADIENT,
        )
    else:
        prof_s, prof_h = np.empty(0), np.empty(0)
    return fly_route(
        lats,
        lons,
        h_launch,
        tt.cruise_height_m[ty],
        aalt,
        tt.speed_mps[ty],
        tl,
        0.0,
        grid_dt,
        out.pos[j],
        out.vel[j],
        out.h[j],
        prof_s,
        prof_h,
    )


@njit
def _fly_threat(
    tt: ThreatTypes,
    raids: Raids,
    q: int,
    j: int,
    launch: tuple[float, float, float],
    aim: tuple[float, float, float],
    weave_phase: float,
    grid_dt: float,
    ground: RouteTerrain,
    out: Threats,
) -> None:
    """Fly threat j of raid q from its launch point to its aim point: a ballistic missile
    on the trajectory that reaches it (with its terminal weave's draw `weave_phase`), any
    other threat along its route."""
    lat, lon, tl = launch
    alat, alon, aalt = aim
    ty = raids.ttype[q]
    n_grid = out.pos.shape[1]
    _start_row(tt, ty, j, raids.target[q], tl, grid_dt, out)
    if tt.flight[ty] == FLIGHT_BALLISTIC:
        ti, xi, yi, zi, cut = aim_ballistic(
            tt.aim_cutoff_s[ty],
            tt.aim_range_m[ty],
            tt.elevation_rad[ty],
            tt.params[ty],
            lat,
            lon,
            raids.alt_m[q],
            alat,
            alon,
            aalt,
            tl,
            grid_dt,
            out.pos[j],
            out.vel[j],
            out.h[j],
            weave_phase,
        )
        # its coasting body: the type's, with what the motor left unburnt at its cut-off
        out.body[j, :] = tt.params[ty]
        out.body[j, P_BURN] = cut
    else:
        ti, xi, yi, zi = _fly_cruise(tt, raids, q, j, launch, aim, grid_dt, ground, out)
    out.t_impact[j] = ti
    out.impact_pos[j, 0], out.impact_pos[j, 1], out.impact_pos[j, 2] = xi, yi, zi
    if math.isfinite(ti):
        out.k_last[j] = min(max(int(math.floor(ti / grid_dt)) + 1, 0), n_grid - 1)
    else:
        out.k_last[j] = n_grid - 1


@njit
def _fly_all(
    tt: ThreatTypes,
    raids: Raids,
    asset_lat: np.ndarray,
    asset_lon: np.ndarray,
    asset_alt: np.ndarray,
    draws: np.ndarray,
    grid_dt: float,
    ground: RouteTerrain,
    out: Threats,
) -> None:
    """Draw launch points, times and aim points from `draws` and fly every threat.

    `draws`: (N, 6) per threat, uniform launch radius, bearing and time, standard
    normal aim east and north, uniform weave onset
    (:func:`airguard.trajectory.weave_onset`).  Writes rows of `out` (its grid has K samples of
    `grid_dt`).  With terrain, cruise missiles and drones follow it at their cruise
    height (:func:`airguard.trajectory.route_height_profile`) and leave the ground at
    their launch point.
    """
    j = i64(0)  # (not a literal 0: see airguard._jit.i64)
    for q in range(raids.ttype.shape[0]):
        ty = raids.ttype[q]
        a = raids.target[q]
        if raids.parent[q] >= 0:  # decoys: released by their missiles, flown below
            j += raids.size[q]
            continue
        for _ in range(raids.size[q]):
            u1, u2, u3, n1, n2 = draws[j, 0], draws[j, 1], draws[j, 2], draws[j, 3], draws[j, 4]
            launch = _launch_point(raids, q, u1, u2, u3)
            if a < 0:  # a flight: along its route at its points' heights, no aim point
                _fly_flight(tt, raids, q, j, launch, grid_dt, out)
                j += 1
                continue
            aim = _aim_point(tt, ty, asset_lat[a], asset_lon[a], asset_alt[a], n1, n2)
            _fly_threat(tt, raids, q, j, launch, aim, draws[j, 5], grid_dt, ground, out)
            j += 1
    _fly_decoys(tt, raids, asset_alt, draws, grid_dt, out)


@njit
def _fly_decoys(
    tt: ThreatTypes,
    raids: Raids,
    asset_alt: np.ndarray,
    draws: np.ndarray,
    grid_dt: float,
    out: Threats,
) -> None:
    """Fly each decoy raid's decoys from their missiles: released at the missile's apogee
    (its highest grid sample), each with the separation speed across the flight path in
    the direction its draw ``draws[j, 0]`` gives, then coasting with its own body down to
    the target's height (:func:`airguard.trajectory.coast_flight`)."""
    n_q = raids.ttype.shape[0]
    start = np.zeros(n_q + 1, dtype=np.int64)
    for q in range(n_q):
        start[q + 1] = start[q] + raids.size[q]
    st = np.zeros(6)
    for q in range(n_q):
        p = raids.parent[q]
        if p < 0:
            continue
        ty = raids.ttype[q]
        per = raids.size[q] // max(raids.size[p], 1)
        for i in range(raids.size[q]):
            j = start[q] + i
            m = start[p] + i // per  # the missile that releases it
            _start_row(tt, ty, j, raids.target[q], out.t_launch[m], grid_dt, out)
            k0, k1 = out.k_first[m], out.k_last[m]
            k_apo = k0
            for k in range(k0, k1 + 1):
                if out.h[m, k] > out.h[m, k_apo]:
                    k_apo = k
            if i % per == 0:  # the missile, like its decoys, is told once drag shows
                out.identified_t[m] = _drag_revealed(out, m, k_apo, out.body[m], grid_dt)
            # its release: the missile's state at apogee, pushed across the path
            for c in range(3):
                st[c] = out.pos[m, k_apo, c]
                st[3 + c] = out.vel[m, k_apo, c]
            _separate(st, tt.separation_mps[ty], 2.0 * math.pi * draws[j, 0])
            out.t_launch[j] = k_apo * grid_dt
            out.k_first[j] = k_apo
            ground = asset_alt[raids.target[q]] if raids.target[q] >= 0 else 0.0
            ti, xi, yi, zi = coast_flight(
                st, k_apo, tt.params[ty], FULL, ground, grid_dt, out.pos[j], out.vel[j], out.h[j]
            )
            out.t_impact[j] = ti
            out.impact_pos[j, 0], out.impact_pos[j, 1], out.impact_pos[j, 2] = xi, yi, zi
            n_grid = out.pos.shape[1]
            if math.isfinite(ti):
                out.k_last[j] = min(max(int(math.floor(ti / grid_dt)) + 1, 0), n_grid - 1)
            else:
                out.k_last[j] = n_grid - 1
            out.body[j, :] = tt.params[ty]
            out.identified_t[j] = _drag_revealed(out, j, k_apo, tt.params[ty], grid_dt)


DECOY_DRAG_MPS2 = 5.0
"""Drag deceleration (m/s²) from which fire control tells a warhead from a decoy (notional,
range 2–20): an object's ballistic coefficient (a decoy's is a fourteenth of its
missile's)
becomes observable once drag stands out of a track's acceleration noise (atmospheric
filtering: a ballistic coefficient is observable only in the atmosphere; X. R. Li &
V. P. Jilkov, "Survey of maneuvering target tracking. Part II: motion models of ballistic
and space targets", IEEE TAES 46(1), 2010, §IV).  The catalogue's Iskander-M decoy slows
to it near 40 km, the missile near 25 km."""


@njit
def _drag_revealed(out: Threats, j: int, k_from: int, body: np.ndarray, grid_dt: float) -> float:
    """The first grid time from sample `k_from` (the release, at apogee) at which threat
    j's drag deceleration with `body` reaches :data:`DECOY_DRAG_MPS2` (inf if never)."""
    for k in range(k_from, out.k_last[j] + 1):
        rho, sound = density_and_sound_speed(max(out.h[j, k], 0.0))
        v2 = out.vel[j, k, 0] ** 2 + out.vel[j, k, 1] ** 2 + out.vel[j, k, 2] ** 2
        cda = drag_area_m2(math.sqrt(v2) / sound, body)
        if 0.5 * rho * v2 * cda / mass_kg(1.0e12, body) >= DECOY_DRAG_MPS2:
            return float(k * grid_dt)
    return math.inf


@njit
def _separate(st: np.ndarray, speed: float, angle: float) -> None:
    """Add `speed` (m/s) to the velocity ``st[3:6]`` across it, at `angle` (rad) about it
    from the horizontal."""
    vx, vy, vz = st[3], st[4], st[5]
    v = math.sqrt(vx * vx + vy * vy + vz * vz)
    # a: horizontal across the path (v × r); b = v̂ × a: across the path in its vertical plane
    ax, ay, az = vy * st[2] - vz * st[1], vz * st[0] - vx * st[2], vx * st[1] - vy * st[0]
    na = math.sqrt(ax * ax + ay * ay + az * az)
    if na <= 0.0 or v <= 0.0:
        return
    ax, ay, az = ax / na, ay / na, az / na
    bx = (vy * az - vz * ay) / v
    by = (vz * ax - vx * az) / v
    bz = (vx * ay - vy * ax) / v
    c, s = math.cos(angle), math.sin(angle)
    st[3] += speed * (c * ax + s * bx)
    st[4] += speed * (c * ay + s * by)
    st[5] += speed * (c * az + s * bz)


def draw_threats(world: World, rng: np.random.Generator) -> Threats:
    """Draw and fly the threats of one replication (step 1 of the engine)."""
    n = world.n_threats
    k = world.n_grid
    # six draws per threat in a fixed order: launch radius, bearing, time, aim east, aim
    # north, and the terminal weave's onset
    draws = np.empty((n, 6))
    draws[:, :3] = rng.random((n, 3))
    draws[:, 3:5] = rng.standard_normal((n, 2))
    draws[:, 5] = rng.random(n)
    out = Threats(
        ttype=np.zeros(n, dtype=np.int64),
        cls=np.zeros(n, dtype=np.int64),
        target=np.zeros(n, dtype=np.int64),
        t_launch=np.zeros(n),
        t_impact=np.zeros(n),
        impact_pos=np.zeros((n, 3)),
        k_first=np.zeros(n, dtype=np.int64),
        k_last=np.zeros(n, dtype=np.int64),
        pos=np.zeros((n, k, 3)),
        vel=np.zeros((n, k, 3)),
        h=np.zeros((n, k)),
        rcs=np.zeros(n),
        swerling=np.zeros(n, dtype=np.int64),
        friendly=np.repeat(world.raids.friendly.astype(np.bool_), world.raids.size),
        body=np.zeros((n, N_PARAMS)),
        decoy=np.repeat(world.raids.parent >= 0, world.raids.size),
        identified_t=np.full(n, -np.inf),
        carrier=_carriers(world),
        aspect_n=world.threat_types.rcs_aspect_n,
        aspect_deg=world.threat_types.rcs_aspect_deg,
        aspect_factor=world.threat_types.rcs_aspect_factor,
    )
    _fly_all(
        world.threat_types,
        world.raids,
        world.asset_lat_rad,
        world.asset_lon_rad,
        world.asset_alt_m,
        draws,
        GRID_DT_S,
        route_terrain(world.terrain),
        out,
    )
    out.rcs[:] = world.threat_types.rcs_m2[out.ttype]
    out.swerling[:] = world.threat_types.swerling[out.ttype]
    return out


def _carriers(world: World) -> np.ndarray:
    """Each threat's carrier: the threat index of the flight that releases it, -1: none."""
    raids = world.raids
    start = np.concatenate([[0], np.cumsum(raids.size)[:-1]]).astype(np.int64)
    per_raid = np.where(raids.carrier >= 0, start[np.maximum(raids.carrier, 0)], -1)
    return np.repeat(per_raid, raids.size).astype(np.int64)


@njit
def threat_state(thr: Threats, j: int, t: float, out: np.ndarray) -> bool:
    """Interpolated truth state of threat j at time t; False when not in flight.

    ``out`` (7,): position (ECEF, m), velocity (m/s) and height (m).  Cubic Hermite
    interpolation between the grid samples (Burden & Faires, *Numerical Analysis*,
    9th ed., §3.4: exact for constant jerk) by :func:`airguard.trajectory.hermite_state`,
    linear in height.
    """
    if t < thr.t_launch[j] or t > thr.t_impact[j]:
        return False
    k = int(math.floor(t / GRID_DT_S))
    if k < thr.k_first[j] or k + 1 > thr.k_last[j]:
        return False
    f = (t - k * GRID_DT_S) / GRID_DT_S
    hermite_state(thr.pos[j], thr.vel[j], k, f, GRID_DT_S, out)
    out[6] = thr.h[j, k] + f * (thr.h[j, k + 1] - thr.h[j, k])
    return True
