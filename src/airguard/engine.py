"""One replication of the engagement, over compiled arrays.

The data flow of DESIGN.md in one place:

1. **Threat trajectories** for the replication are drawn (launch points,
   times, aim points) and flown all at once with the shared integrator,
   before any defence acts: threats do not react to the defence, and a kill
   only truncates a row.
2. **Sensor looks** at each radar's own scan times: 4/3-Earth horizon,
   terrain skyline when the scenario has an elevation model, sector and
   elevation limits, instrumented range, the radar range equation
   calibrated from the catalogue's reference detection range, Swerling
   fluctuation and a square-law detector drawn exactly (signal plus complex
   Gaussian noise against the threshold set by Pfa), and Gaussian errors in
   range, azimuth and elevation.
3. **Pictures**: each fire unit sees the detections of its own radars at
   once and those of its network's radars (fire units and early-warning
   sensors) after the network's latency, at its update interval and within
   its track capacity.  In this first path a threat's detections are
   associated by identity and a track is a least-squares fit to one radar's
   recent detections; the tracking issue replaces this with a real tracker.
4. **Fire control** each cycle, network group by network group: threat
   evaluation of each unit's picture (:mod:`airguard.c2.evaluation`:
   threatened asset, time to go, priority = value per second to go); the
   group's ready (unit, threat) pairs taken greedily by priority × the kill
   probability of the unit's salvo, one engagement per threat at a time;
   for each, the doctrine's interceptor types in order of preference, the
   earliest predicted intercept inside the interceptor's kinematic reach
   (its fly-out table) and catalogue limits, a salvo (or one round under
   shoot–look–shoot) from loaded, ready launchers within the unit's fire
   channels.  Ballistic threats are engaged in their descent; after a
   group's rounds at a threat end it waits the kill-assessment time before
   firing at it again; friendly flights are engaged only when the group
   misidentified them (one IFF draw per flight and group).
5. **Fly-out**: interceptors fly the shared point-mass model with true
   proportional navigation (lateral acceleration limited, gravity
   compensated) against the target's state (homing: seeker or
   track-via-missile); the closest approach in a step is solved from the
   relative states at its two ends, so the miss distance does not depend on
   the step; a miss inside the lethal radius kills with the (notional)
   single-shot Pk.  An interceptor whose target dies is destroyed, or
   redirected to the nearest unengaged threat it can reach when the unit's
   doctrine says so.
6. **Impacts** of threats that were not killed are scored against assets.

All random draws come from the generator passed in, built from
``SeedSequence(seed, spawn_key=(replication,))``: a replication can be re-run
alone and gives the same bits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from airguard._jit import njit
from airguard.c2.evaluation import (
    MIN_TIME_TO_GO_S,
    UNAIMED_VALUE_FRACTION,
    evaluate_kernel,
    predict_position,
)
from airguard.c2.picture import (
    Pictures,
    kinematic_class,
    new_pictures,
    phantom_alive,
    picture,
    refresh,
)
from airguard.dynamics import EARTH_MU_M3_S2, FULL, height_m, rk4_step
from airguard.geo import MEAN_EARTH_RADIUS_M, ecef_to_geodetic_kernel
from airguard.guidance import (
    GUIDANCE_START_SPEED_MPS,
    MAX_STEP_S,
    MIN_STEP_S,
    TRUE_PN,
    advance_lag,
    closest_approach,
    homing_step_s,
    lag_mean,
    lateral_part,
    limit_magnitude,
    pn_command,
    trapezoid_hold,
)
from airguard.terrain import elevation_kernel, ground_range_azimuth_kernel, mask_visible
from airguard.tracking.core import TrackerParams, Tracks, new_tracks, scan
from airguard.trajectory import (
    TERRAIN_LOOKAHEAD_M,
    TERRAIN_MAX_GRADIENT,
    aim_ballistic,
    fly_route,
    route_height_profile,
)
from airguard.world import (
    FLIGHT_BALLISTIC,
    GRID_DT_S,
    MAX_LAUNCHERS,
    MAX_PREFERENCES,
    POLICY_SHOOT_LOOK_SHOOT,
    Interceptors,
    Radars,
    Raids,
    TerrainModel,
    ThreatTypes,
    Units,
    World,
    acceleration_model_index,
    track_rows,
)

__all__ = [
    "EVENT_NAMES",
    "OUTCOME_NAMES",
    "EventLog",
    "ReplicationResult",
    "draw_threats",
    "event_log",
    "replication_rng",
    "run_replication",
]

# interceptor outcomes
KILL, PK_FAIL, MISS, TARGET_GONE, TIMEOUT, GROUND = 0, 1, 2, 3, 4, 5
OUTCOME_NAMES = ("kill", "pk-fail", "miss", "target-gone", "timeout", "ground")

MAX_FALSE_ALARMS_PER_LOOK = 64
"""False alarms one look can report (more are dropped; the mean is a few per scan)."""

FALSE_ALARM_RANGE_RATE_MPS = 1500.0
"""A false alarm's range rate is uniform within ± this (for radars that measure it)."""

FREE_FLIGHT_THRESHOLD = 0.5
"""A ballistic track whose acceleration model holds at least this probability is taken to
be under thrust and is not engaged."""

ENGINE_STEP_FRACTION = 0.1
"""Interceptor steps are this fraction of the time to go (between the guidance module's
limits); with the two-ended command hold, misses agree with Zarchan's closed forms to about
3 % at 0.1 and 1 % at 0.03 (tests/validation/test_guidance.py)."""

TRACK_STALE_S = 30.0
"""A picture older than this is no longer engaged (s)."""

EFFECTIVE_EARTH_FACTOR = 4.0 / 3.0
"""Effective Earth radius factor for refraction in a standard atmosphere (Skolnik,
*Introduction to Radar Systems*, 3rd ed., ch. 8)."""

SEARCH_STEP_S = 1.0
"""Time step of the intercept-point search (s)."""


def replication_rng(seed: int, replication: int) -> np.random.Generator:
    """The random generator of replication `replication` of campaign `seed`."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication,)))
    )


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


class EventLog(NamedTuple):
    """What happened in a replication, event by event (:func:`run_replication` with ``log``).

    Row e: ``kind[e]`` (:data:`EVENT_NAMES`), time ``t[e]`` (s), three indices
    ``ints[e]`` and four values ``vals[e]`` whose meaning depends on the kind
    (docs/results-format.md).  A capacity of 0 (the default in campaigns)
    records nothing and costs a comparison per event.
    """

    kind: np.ndarray  # (E,) int64
    t: np.ndarray  # (E,)
    ints: np.ndarray  # (E, 3) int64
    vals: np.ndarray  # (E, 4)
    n: np.ndarray  # (1,) int64 events written (more may have happened: see `lost`)
    lost: np.ndarray  # (1,) int64 events that did not fit


EV_DETECTION, EV_TRACK, EV_LAUNCH, EV_END, EV_RETARGET, EV_IMPACT, EV_STATE = 0, 1, 2, 3, 4, 5, 6
EVENT_NAMES = ("detection", "track", "launch", "end", "retarget", "impact", "state")


def event_log(capacity: int) -> EventLog:
    """An empty event log holding up to `capacity` events."""
    return EventLog(
        kind=np.zeros(capacity, dtype=np.int64),
        t=np.zeros(capacity),
        ints=np.zeros((capacity, 3), dtype=np.int64),
        vals=np.zeros((capacity, 4)),
        n=np.zeros(1, dtype=np.int64),
        lost=np.zeros(1, dtype=np.int64),
    )


@njit
def _log(
    log: EventLog,
    kind: int,
    t: float,
    a: int,
    b: int,
    c: int,
    x0: float,
    x1: float,
    x2: float,
    x3: float,
) -> None:
    n = log.n[0]
    if n >= log.kind.shape[0]:
        if log.kind.shape[0] > 0:
            log.lost[0] += 1
        return
    log.kind[n] = kind
    log.t[n] = t
    log.ints[n, 0], log.ints[n, 1], log.ints[n, 2] = a, b, c
    log.vals[n, 0], log.vals[n, 1], log.vals[n, 2], log.vals[n, 3] = x0, x1, x2, x3
    log.n[0] = n + 1


# ---------------------------------------------------------------- threat draw


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
        lats[w + 1] = raids.wp_lat[s + w]
        lons[w + 1] = raids.wp_lon[s + w]
    return lats, lons


@njit
def _fly_all(
    tt: ThreatTypes,
    raids: Raids,
    asset_lat: np.ndarray,
    asset_lon: np.ndarray,
    asset_alt: np.ndarray,
    draws: np.ndarray,
    n_grid: int,
    grid_dt: float,
    ttype: np.ndarray,
    cls: np.ndarray,
    target: np.ndarray,
    t_launch: np.ndarray,
    t_impact: np.ndarray,
    impact_pos: np.ndarray,
    k_first: np.ndarray,
    k_last: np.ndarray,
    pos: np.ndarray,
    vel: np.ndarray,
    hh: np.ndarray,
    has_terrain: bool,
    dem: np.ndarray,
    dem_grid: np.ndarray,
    profile_step: float,
) -> None:
    """Draw launch points, times and aim points from `draws` and fly every threat.

    With terrain, cruise missiles and drones follow it at their cruise height
    (:func:`airguard.trajectory.route_height_profile`) and leave the ground at
    their launch point.
    """
    j = 0
    np.zeros((0, 3))
    np.zeros(0)
    R = MEAN_EARTH_RADIUS_M
    for q in range(raids.ttype.shape[0]):
        ty = raids.ttype[q]
        a = raids.target[q]
        for _ in range(raids.size[q]):
            u1, u2, u3, n1, n2 = draws[j, 0], draws[j, 1], draws[j, 2], draws[j, 3], draws[j, 4]
            # launch point uniform in the launch disc (great-circle offset)
            d = raids.radius[q] * math.sqrt(u1) / R
            brg = 2.0 * math.pi * u2
            la0, lo0 = raids.lat[q], raids.lon[q]
            lat = math.asin(
                math.sin(la0) * math.cos(d) + math.cos(la0) * math.sin(d) * math.cos(brg)
            )
            lon = lo0 + math.atan2(
                math.sin(brg) * math.sin(d) * math.cos(la0),
                math.cos(d) - math.sin(la0) * math.sin(lat),
            )
            tl = raids.t0[q] + (raids.t1[q] - raids.t0[q]) * u3
            if a < 0:  # a friendly flight: along its route at its altitude, no aim point
                ttype[j] = ty
                cls[j] = tt.cls[ty]
                target[j] = -1
                t_launch[j] = tl
                k_first[j] = max(int(math.ceil(tl / grid_dt - 1e-9)), 0)
                lats, lons = _route_points(raids, q, lat, lon, 0)
                speed = raids.speed[q] if raids.speed[q] > 0.0 else tt.speed[ty]
                h = raids.alt[q]
                ti, xi, yi, zi = fly_route(
                    lats,
                    lons,
                    h,
                    0.0,
                    h,
                    speed,
                    tl,
                    0.0,
                    grid_dt,
                    pos[j],
                    vel[j],
                    hh[j],
                    np.empty(0),
                    np.empty(0),
                )
                t_impact[j] = ti
                impact_pos[j, 0], impact_pos[j, 1], impact_pos[j, 2] = xi, yi, zi
                k_last[j] = min(max(int(math.floor(ti / grid_dt)) + 1, 0), n_grid - 1)
                j += 1
                continue
            # aim point: circular normal about the asset, sigma = CEP / 1.1774 (CEP of a
            # circular normal distribution, e.g. Driels, Weaponeering, 2nd ed., §5)
            sigma = tt.cep[ty] / 1.1774
            alat = asset_lat[a] + sigma * n2 / R
            alon = asset_lon[a] + sigma * n1 / (R * math.cos(asset_lat[a]))
            aalt = asset_alt[a]
            ttype[j] = ty
            cls[j] = tt.cls[ty]
            target[j] = a
            t_launch[j] = tl
            k_first[j] = max(int(math.ceil(tl / grid_dt - 1e-9)), 0)
            if tt.flight[ty] == FLIGHT_BALLISTIC:
                ti, xi, yi, zi = aim_ballistic(
                    tt.aim_cutoff[ty],
                    tt.aim_range[ty],
                    tt.elevation[ty],
                    tt.params[ty],
                    lat,
                    lon,
                    raids.alt[q],
                    alat,
                    alon,
                    aalt,
                    tl,
                    grid_dt,
                    pos[j],
                    vel[j],
                    hh[j],
                )
            else:
                lats, lons = _route_points(raids, q, lat, lon, 1)
                lats[-1], lons[-1] = alat, alon
                h_launch = raids.alt[q]
                if has_terrain:
                    g0, g1, g2, g3 = dem_grid[0], dem_grid[1], dem_grid[2], dem_grid[3]
                    h_launch = max(h_launch, elevation_kernel(dem, g0, g1, g2, g3, lat, lon))
                    prof_s, prof_h = route_height_profile(
                        lats,
                        lons,
                        h_launch,
                        tt.cruise_height[ty],
                        aalt,
                        dem,
                        g0,
                        g1,
                        g2,
                        g3,
                        profile_step,
                        TERRAIN_LOOKAHEAD_M,
                        TERRAIN_MAX_GRADIENT,
                    )
                else:
                    prof_s, prof_h = np.empty(0), np.empty(0)
                ti, xi, yi, zi = fly_route(
                    lats,
                    lons,
                    h_launch,
                    tt.cruise_height[ty],
                    aalt,
                    tt.speed[ty],
                    tl,
                    0.0,
                    grid_dt,
                    pos[j],
                    vel[j],
                    hh[j],
                    prof_s,
                    prof_h,
                )
            t_impact[j] = ti
            impact_pos[j, 0], impact_pos[j, 1], impact_pos[j, 2] = xi, yi, zi
            if math.isfinite(ti):
                k_last[j] = min(max(int(math.floor(ti / grid_dt)) + 1, 0), n_grid - 1)
            else:
                k_last[j] = n_grid - 1
            j += 1


def _terrain_args(tm: TerrainModel | None) -> tuple[bool, np.ndarray, np.ndarray, float]:
    """The terrain arguments of the threat kernels (placeholders without terrain)."""
    if tm is None:
        return False, _NO_DEM, _NO_GRID, 0.0
    return True, tm.heights_m, tm.grid, tm.profile_step_m


def _mask_args(world: World) -> tuple[np.ndarray, np.ndarray, bool]:
    """The radars' terrain skylines for :func:`_look` (placeholders without terrain)."""
    tm = world.terrain
    if tm is None:
        return np.full((1, 1, 1), -np.inf), np.array([1.0, 1.0]), False
    return tm.mask_slope, tm.mask_steps, True


_NO_DEM = np.zeros((1, 1))
_NO_LOG = event_log(0)
_NO_GRID = np.array([0.0, 0.0, 1.0, 1.0])


def draw_threats(world: World, rng: np.random.Generator) -> Threats:
    """Draw and fly the threats of one replication (step 1 of the engine)."""
    n = world.n_threats
    k = world.n_grid
    # five draws per threat in a fixed order: launch radius, bearing, time, aim east, aim north
    draws = np.empty((n, 5))
    draws[:, :3] = rng.random((n, 3))
    draws[:, 3:] = rng.standard_normal((n, 2))
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
    )
    _fly_all(
        world.threat_types,
        world.raids,
        world.asset_lat,
        world.asset_lon,
        world.asset_alt,
        draws,
        k,
        GRID_DT_S,
        out.ttype,
        out.cls,
        out.target,
        out.t_launch,
        out.t_impact,
        out.impact_pos,
        out.k_first,
        out.k_last,
        out.pos,
        out.vel,
        out.h,
        *_terrain_args(world.terrain),
    )
    out.rcs[:] = world.threat_types.rcs[out.ttype]
    out.swerling[:] = world.threat_types.swerling[out.ttype]
    return out


# ---------------------------------------------------------------- engine kernel


@njit
def _threat_state(thr: Threats, j: int, t: float, out: np.ndarray) -> bool:
    """Interpolated truth state of threat j at time t; False when not in flight."""
    if t < thr.t_launch[j] or t > thr.t_impact[j]:
        return False
    k = int(math.floor(t / GRID_DT_S))
    if k < thr.k_first[j] or k + 1 > thr.k_last[j]:
        return False
    f = (t - k * GRID_DT_S) / GRID_DT_S
    f2, f3 = f * f, f * f * f
    dt = GRID_DT_S
    h00, h10, h01, h11 = 2 * f3 - 3 * f2 + 1, f3 - 2 * f2 + f, -2 * f3 + 3 * f2, f3 - f2
    d00, d10 = (6 * f2 - 6 * f) / dt, 3 * f2 - 4 * f + 1
    d01, d11 = (-6 * f2 + 6 * f) / dt, 3 * f2 - 2 * f
    for i in range(3):
        p0, p1 = thr.pos[j, k, i], thr.pos[j, k + 1, i]
        v0, v1 = thr.vel[j, k, i], thr.vel[j, k + 1, i]
        out[i] = h00 * p0 + h10 * dt * v0 + h01 * p1 + h11 * dt * v1
        out[3 + i] = d00 * p0 + d10 * v0 + d01 * p1 + d11 * v1
    out[6] = thr.h[j, k] + f * (thr.h[j, k + 1] - thr.h[j, k])
    return True


@njit
def _look(
    rad: Radars,
    r: int,
    sl: int,
    thr: Threats,
    alive: np.ndarray,
    ts: float,
    rng: np.random.Generator,
    z: np.ndarray,
    z_label: np.ndarray,
    first_det: np.ndarray,
    buf: np.ndarray,
    mask_slope: np.ndarray,
    mask_steps: np.ndarray,
    has_terrain: bool,
    log: EventLog,
) -> int:
    """One look of radar r at time ts, at slice `sl` of its sector; returns detections.

    Writes each detection's measured range, azimuth, elevation and range rate
    (0 when the radar does not measure it) into rows of ``z`` (n, 4) and the
    object that made it into ``z_label`` (threat index, -1 for a false alarm).
    An electronically scanned radar looks at its whole sector at once (one
    slice); a rotating one at one slice of :data:`~airguard.world.ROTATING_SLICE_DEG`
    at a time.  With terrain, a threat must also clear the radar's tabulated
    skyline (:func:`airguard.terrain.mask_visible`).  False alarms: a Poisson
    number with mean Pfa × the slice's resolution cells, uniform over the
    slice's range, azimuth and elevation extent.
    """
    n_det = 0
    cap = z.shape[0]
    ae = EFFECTIVE_EARTH_FACTOR * MEAN_EARTH_RADIUS_M
    ha = rad.height[r]
    horizon_a = math.sqrt(max((ae + ha) ** 2 - ae * ae, 0.0))
    width = 2.0 * rad.az_half[r] / rad.n_sectors[r]
    off_lo = -rad.az_half[r] + sl * width
    off_hi = off_lo + width
    k = int(math.floor(ts / GRID_DT_S))
    for j in range(thr.ttype.shape[0]):
        if not alive[j] or n_det >= cap:
            continue
        if k < thr.k_first[j] or k + 1 > thr.k_last[j]:
            continue  # not in flight (the exact test follows)
        # A cheap bound from the grid sample before the look: a threat surely beyond
        # the instrumented range or the radio horizon is skipped before its state is
        # interpolated.  It draws no random numbers, so the outcome is the same.
        gx = thr.pos[j, k, 0] - rad.pos[r, 0]
        gy = thr.pos[j, k, 1] - rad.pos[r, 1]
        gz = thr.pos[j, k, 2] - rad.pos[r, 2]
        v0 = math.sqrt(thr.vel[j, k, 0] ** 2 + thr.vel[j, k, 1] ** 2 + thr.vel[j, k, 2] ** 2)
        v1 = math.sqrt(
            thr.vel[j, k + 1, 0] ** 2 + thr.vel[j, k + 1, 1] ** 2 + thr.vel[j, k + 1, 2] ** 2
        )
        margin = (v0 + v1) * GRID_DT_S + 100.0
        h_top = max(thr.h[j, k], thr.h[j, k + 1]) + margin
        reach = min(rad.max_range[r], horizon_a + math.sqrt(max((ae + h_top) ** 2 - ae * ae, 0.0)))
        if gx * gx + gy * gy + gz * gz > (reach + margin) ** 2:
            continue
        if not _threat_state(thr, j, ts, buf):
            continue
        dx = buf[0] - rad.pos[r, 0]
        dy = buf[1] - rad.pos[r, 1]
        dz = buf[2] - rad.pos[r, 2]
        rng_m = math.sqrt(dx * dx + dy * dy + dz * dz)
        if rng_m > rad.max_range[r] or rng_m < 1.0:
            continue
        e = rad.basis[r, 0, 0] * dx + rad.basis[r, 0, 1] * dy + rad.basis[r, 0, 2] * dz
        n = rad.basis[r, 1, 0] * dx + rad.basis[r, 1, 1] * dy + rad.basis[r, 1, 2] * dz
        u = rad.basis[r, 2, 0] * dx + rad.basis[r, 2, 1] * dy + rad.basis[r, 2, 2] * dz
        az = math.atan2(e, n)
        el = math.asin(max(min(u / rng_m, 1.0), -1.0))
        # apparent elevation on the 4/3 effective Earth (straight rays over radius k*Re):
        # sin(el) = ((ae+ht)^2 - (ae+ha)^2 - R^2) / (2 R (ae+ha))
        ht = buf[6]
        s_el = ((ae + ht) ** 2 - (ae + ha) ** 2 - rng_m * rng_m) / (2.0 * rng_m * (ae + ha))
        el_app = math.asin(max(min(s_el, 1.0), -1.0))
        # below the radio horizon: beyond the sum of the two tangent distances on the
        # effective Earth (the geometry of airguard.radar.horizon_range_m)
        horizon = math.sqrt(max((ae + ha) ** 2 - ae * ae, 0.0)) + math.sqrt(
            max((ae + ht) ** 2 - ae * ae, 0.0)
        )
        if rng_m > horizon or el_app < rad.el_min[r] or el_app > rad.el_max[r]:
            continue
        off = (az - rad.az_center[r] + math.pi) % (2.0 * math.pi) - math.pi
        if abs(off) > rad.az_half[r] or off < off_lo or off >= off_hi:
            continue
        if has_terrain:
            tlat, tlon, _ = ecef_to_geodetic_kernel(buf[0], buf[1], buf[2])
            ground, azg = ground_range_azimuth_kernel(rad.lat[r], rad.lon[r], tlat, tlon)
            if not mask_visible(
                mask_slope[r], mask_steps[0], mask_steps[1], ha, ae, azg, ground, ht
            ):
                continue
        # Swerling fluctuation of the RCS, scan to scan (Swerling 1960; Skolnik §2.8)
        sw = thr.swerling[j]
        rcs = thr.rcs[j]
        if sw == 1 or sw == 2:
            rcs *= rng.exponential(1.0)
        elif sw == 3 or sw == 4:
            rcs *= rng.gamma(2.0, 0.5)
        snr = rad.snr_k[r] * rcs / (rng_m**4)
        # square-law detector: |sqrt(snr) + complex unit-power noise|^2 against -ln(Pfa)
        ni = rng.standard_normal() * math.sqrt(0.5)
        nq = rng.standard_normal() * math.sqrt(0.5)
        power = (math.sqrt(snr) + ni) ** 2 + nq * nq
        if power <= rad.threshold[r]:
            continue
        # measurement with Gaussian errors in range, azimuth, elevation (and range rate)
        z[n_det, 0] = rng_m + rad.sigma_range[r] * rng.standard_normal()
        z[n_det, 1] = az + rad.sigma_az[r] * rng.standard_normal()
        z[n_det, 2] = el + rad.sigma_el[r] * rng.standard_normal()
        z[n_det, 3] = 0.0
        if rad.sigma_rr[r] > 0.0:
            rr = (dx * buf[3] + dy * buf[4] + dz * buf[5]) / rng_m
            z[n_det, 3] = rr + rad.sigma_rr[r] * rng.standard_normal()
        z_label[n_det] = j
        if ts < first_det[j]:
            first_det[j] = ts
        # detection: radar, threat; measured position (ECEF) and SNR (dB)
        _log_detection(log, rad, r, j, ts, z, n_det, 10.0 * math.log10(max(snr, 1e-30)))
        n_det += 1
    lam = rad.false_alarms[r] / rad.n_sectors[r]
    if lam > 0.0:
        n_fa = min(rng.poisson(lam), cap - n_det)
        for _ in range(n_fa):
            z[n_det, 0] = rad.max_range[r] * rng.random()
            z[n_det, 1] = rad.az_center[r] + off_lo + width * rng.random()
            z[n_det, 2] = rad.el_min[r] + (rad.el_max[r] - rad.el_min[r]) * rng.random()
            z[n_det, 3] = 0.0
            if rad.sigma_rr[r] > 0.0:
                z[n_det, 3] = FALSE_ALARM_RANGE_RATE_MPS * (2.0 * rng.random() - 1.0)
            z_label[n_det] = -1
            _log_detection(log, rad, r, -1, ts, z, n_det, 10.0 * math.log10(rad.threshold[r]))
            n_det += 1
    return n_det


@njit
def _log_detection(
    log: EventLog, rad: Radars, r: int, j: int, ts: float, z: np.ndarray, i: int, snr_db: float
) -> None:
    """Log a detection: radar, object (-1: false alarm); measured position (ECEF), SNR (dB)."""
    if log.kind.shape[0] == 0:
        return
    ce = math.cos(z[i, 2])
    le = z[i, 0] * ce * math.sin(z[i, 1])
    ln = z[i, 0] * ce * math.cos(z[i, 1])
    lu = z[i, 0] * math.sin(z[i, 2])
    px = rad.pos[r, 0] + rad.basis[r, 0, 0] * le + rad.basis[r, 1, 0] * ln + rad.basis[r, 2, 0] * lu
    py = rad.pos[r, 1] + rad.basis[r, 0, 1] * le + rad.basis[r, 1, 1] * ln + rad.basis[r, 2, 1] * lu
    pz = rad.pos[r, 2] + rad.basis[r, 0, 2] * le + rad.basis[r, 1, 2] * ln + rad.basis[r, 2, 2] * lu
    _log(log, EV_DETECTION, ts, r, j, 0, px, py, pz, snr_db)


@njit
def _find_intercept(
    units: Units,
    itc: Interceptors,
    u: int,
    i: int,
    est: np.ndarray,
    t_est: float,
    t: float,
    ballistic: bool,
    buf: np.ndarray,
) -> tuple[float, float]:
    """Earliest intercept time (abs) and launch elevation, or (-1, 0) if none."""
    R = MEAN_EARTH_RADIUS_M
    ux, uy, uz = units.pos[u, 0], units.pos[u, 1], units.pos[u, 2]
    ur = math.sqrt(ux * ux + uy * uy + uz * uz)
    nr = itc.reach_time.shape[1]
    nh = itc.reach_time.shape[2]
    tau = 2.0
    while tau <= itc.max_time[i]:
        predict_position(est, t + tau - t_est, ballistic, buf)
        # heights relative to the unit's site: the catalogue's altitude limits and
        # the reach table are above the launcher (no terrain model yet)
        h = height_m(buf[0], buf[1], buf[2], FULL) - units.alt[u]
        if h < 0.0:
            break
        tau += SEARCH_STEP_S
        if h < itc.min_alt[i] or h > itc.max_alt[i]:
            continue
        dx, dy, dz = buf[0] - ux, buf[1] - uy, buf[2] - uz
        slant = math.sqrt(dx * dx + dy * dy + dz * dz)
        if slant < itc.min_range[i]:
            continue
        br = math.sqrt(buf[0] ** 2 + buf[1] ** 2 + buf[2] ** 2)
        c = (buf[0] * ux + buf[1] * uy + buf[2] * uz) / (br * ur)
        g = R * math.acos(min(max(c, -1.0), 1.0))
        if g > itc.max_range[i]:
            continue
        ri = int(g / itc.reach_dr[i] + 0.5)
        hi = int(h / itc.reach_dh[i] + 0.5)
        if ri >= nr or hi >= nh:
            continue
        if itc.reach_time[i, ri, hi] <= tau - SEARCH_STEP_S:
            return t + tau - SEARCH_STEP_S, itc.reach_elev[i, ri, hi]
    return -1.0, 0.0


@njit
def _guidance_command(
    st: np.ndarray,
    tgt: np.ndarray,
    nav: float,
    amax: float,
    rel: np.ndarray,
    gcomp: np.ndarray,
    out: np.ndarray,
) -> tuple[float, float]:
    """Commanded lateral acceleration of an interceptor against a target state.

    True proportional navigation (:func:`airguard.guidance.pn_command`) plus
    compensation of gravity across the line of sight, lateral to the
    missile's velocity and limited in magnitude.  Returns (range, closing speed).
    """
    for i in range(3):
        rel[i] = tgt[i] - st[i]
        rel[3 + i] = tgt[3 + i] - st[3 + i]
    vc = pn_command(rel[0:3], rel[3:6], st[3:6], nav, TRUE_PN, _ZERO3, out)
    rn = math.sqrt(rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2)
    sr = math.sqrt(st[0] ** 2 + st[1] ** 2 + st[2] ** 2)
    g = EARTH_MU_M3_S2 / (sr * sr)
    gl = -g * (st[0] * rel[0] + st[1] * rel[1] + st[2] * rel[2]) / (sr * rn * rn)
    for i in range(3):
        # minus the part of gravity across the line of sight
        gcomp[i] = g * st[i] / sr + gl * rel[i]
    lateral_part(gcomp, st[3:6])
    for i in range(3):
        out[i] += gcomp[i]
    limit_magnitude(out, amax)
    return rn, vc


_ZERO3 = np.zeros(3)


@njit
def _aim_state(aim: np.ndarray, tm: float, out: np.ndarray) -> None:
    """The track's prediction of its object at time tm: ``aim`` = [time, r (3), v (3),
    ballistic (1/0)] → ``out[0:6]`` (a straight line, or a free fall in the gravity at the
    track's position)."""
    dt = tm - aim[0]
    ballistic = aim[7] > 0.5
    predict_position(aim[1:7], dt, ballistic, out)
    g = 0.0
    if ballistic:
        r = math.sqrt(aim[1] ** 2 + aim[2] ** 2 + aim[3] ** 2)
        g = -EARTH_MU_M3_S2 / (r * r * r)
    for i in range(3):
        out[3 + i] = aim[4 + i] + g * aim[1 + i] * dt


@njit
def _advance(
    itc: Interceptors,
    thr: Threats,
    m: int,
    ty: int,
    o: int,
    exists: bool,
    t_from: float,
    t_to: float,
    m_state: np.ndarray,
    m_ach: np.ndarray,
    m_t0: np.ndarray,
    m_aim: np.ndarray,
    m_acq: np.ndarray,
    killed_at: np.ndarray,
    rng: np.random.Generator,
    buf: np.ndarray,
    work: np.ndarray,
) -> tuple[int, float, float]:
    """Fly interceptor m at object o from t_from to t_to; returns (outcome or -1, time, miss).

    `work` is the caller's scratch, at least (34,): no allocation in the step loop.

    Until its seeker acquires the target the interceptor is guided on its
    unit's track (``m_aim[m]``, refreshed each fire-control cycle: command
    guidance); the seeker acquires when the target is within the
    interceptor's seeker range and inside its field of view around the
    track's prediction (``m_acq[m]`` then stays set), and it homes on the
    target itself from then on.  A phantom (``o`` ≥ threats; `exists` while
    its track lasts) is never acquired.

    Each step holds the mean of the guidance command at its two ends (a trial
    step first: :func:`airguard.guidance.trapezoid_hold`), passes it through the
    first-order autopilot lag exactly (:func:`airguard.guidance.lag_mean`), and
    ends at the closest approach solved inside the step
    (:func:`airguard.guidance.closest_approach`): to the target once acquired,
    else to the track's aim point, scored by the true miss in that step.
    """
    params = itc.params[ty]
    st = m_state[m]
    ach = m_ach[m]
    nav = itc.nav_ratio[ty]
    amax = itc.max_accel[ty]
    tau = itc.lag[ty]
    real = o < thr.ttype.shape[0]
    rel, cmd, cmd0, cmd1 = work[0:6], work[6:9], work[9:12], work[12:15]
    mean, trial, gcomp = work[15:18], work[18:24], work[24:27]
    tgt = work[27:34]
    tm = max(t_from, m_t0[m])  # a salvo's later rounds wait for their launch time
    while tm < t_to - 1e-9:
        if real:
            if tm >= killed_at[o] or not _threat_state(thr, o, tm, buf):
                return TARGET_GONE, tm, math.inf
        elif not exists:
            return TARGET_GONE, tm, math.inf
        _aim_state(m_aim[m], tm, tgt)
        if real and not m_acq[m] and itc.seeker_range[ty] > 0.0:
            dr = math.sqrt((buf[0] - st[0]) ** 2 + (buf[1] - st[1]) ** 2 + (buf[2] - st[2]) ** 2)
            off = math.sqrt(
                (buf[0] - tgt[0]) ** 2 + (buf[1] - tgt[1]) ** 2 + (buf[2] - tgt[2]) ** 2
            )
            if dr <= itc.seeker_range[ty] and off <= dr * itc.seeker_tan[ty]:
                m_acq[m] = True
        homing = real and m_acq[m]
        if homing:
            for i in range(6):
                tgt[i] = buf[i]
        rn, vc = _guidance_command(st, tgt, nav, amax, rel, gcomp, cmd)
        r0x, r0y, r0z = rel[0], rel[1], rel[2]
        if real:
            t0x, t0y, t0z = buf[0] - st[0], buf[1] - st[1], buf[2] - st[2]
        else:
            t0x, t0y, t0z = math.inf, math.inf, math.inf
        age = tm - m_t0[m]
        sp = math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2)
        boost = sp < GUIDANCE_START_SPEED_MPS and age < params[3]
        if boost:
            cmd[:] = 0.0
        h = min(homing_step_s(rn, vc, ENGINE_STEP_FRACTION, MIN_STEP_S, MAX_STEP_S), t_to - tm)
        if age < params[3]:
            h = min(h, params[3] - age)  # end a step at burnout
        if age + h > itc.max_time[ty]:
            h = itc.max_time[ty] - age
            if h <= 1e-9:
                return TIMEOUT, tm, rn
        ahead = True
        if homing:
            ahead = _threat_state(thr, o, tm + h, buf)
        else:
            _aim_state(m_aim[m], tm + h, tgt)
        if not boost and ahead:
            if homing:
                for i in range(6):
                    tgt[i] = buf[i]
            # trial step on the start command, then hold the mean of both ends
            trial[:] = st
            lag_mean(ach, cmd, h, tau, mean)
            rk4_step(trial, age, h, params, mean, FULL)
            rn1, vc1 = _guidance_command(trial, tgt, nav, amax, rel, gcomp, cmd1)
            cmd0[:] = cmd
            trapezoid_hold(cmd0, cmd1, rn1, vc1, h, cmd)
        lag_mean(ach, cmd, h, tau, mean)
        rk4_step(st, age, h, params, mean, FULL)
        advance_lag(ach, cmd, h, tau)
        tm += h
        if real and not _threat_state(thr, o, tm, buf):
            return TARGET_GONE, tm, math.inf
        if homing:
            for i in range(6):
                tgt[i] = buf[i]
        else:
            _aim_state(m_aim[m], tm, tgt)
        r1x, r1y, r1z = tgt[0] - st[0], tgt[1] - st[1], tgt[2] - st[2]
        v1x, v1y, v1z = tgt[3] - st[3], tgt[4] - st[4], tgt[5] - st[5]
        opening = r1x * v1x + r1y * v1y + r1z * v1z >= 0.0
        # while the motor burns an opening range may close again; after burnout it will not
        if opening and vc > 0.0 and (age + h >= params[3] or rn < 2_000.0):
            if homing:
                f, miss = closest_approach(r0x, r0y, r0z, r1x, r1y, r1z)
            elif real:  # passed the track's aim point: what the true target missed by
                f, miss = closest_approach(
                    t0x, t0y, t0z, buf[0] - st[0], buf[1] - st[1], buf[2] - st[2]
                )
            else:
                return MISS, tm, math.inf
            t_cpa = tm - h + f * h
            if miss <= itc.lethal_radius[ty]:
                if rng.random() < itc.pk[ty, thr.cls[o]]:
                    return KILL, t_cpa, miss
                return PK_FAIL, t_cpa, miss
            return MISS, t_cpa, miss
        if height_m(st[0], st[1], st[2], FULL) < -10.0:
            return GROUND, tm, math.sqrt(r1x * r1x + r1y * r1y + r1z * r1z)
        if tm - m_t0[m] >= itc.max_time[ty] - 1e-9:
            return TIMEOUT, tm, math.sqrt(r1x * r1x + r1y * r1y + r1z * r1z)
    return -1, tm, math.inf


@njit
def _unit_tracks(trk: Tracks, lo: int, hi: int) -> Tracks:
    """Rows lo … hi − 1 of the track table: one unit's tracker (views, no copy)."""
    return Tracks(
        status=trk.status[lo:hi],
        id=trk.id[lo:hi],
        t=trk.t[lo:hi],
        x=trk.x[lo:hi],
        P=trk.P[lo:hi],
        mu=trk.mu[lo:hi],
        hits=trk.hits[lo:hi],
        looks=trk.looks[lo:hi],
        misses=trk.misses[lo:hi],
        n_updates=trk.n_updates[lo:hi],
        label=trk.label[lo:hi],
        t_initiated=trk.t_initiated[lo:hi],
        t_confirmed=trk.t_confirmed[lo:hi],
        updated=trk.updated[lo:hi],
        work_live=trk.work_live[lo:hi],
        work_x=trk.work_x[lo:hi],
        work_cov=trk.work_cov[lo:hi],
        work_c=trk.work_c[lo:hi],
        work_z=trk.work_z[lo:hi],
        work_sinv=trk.work_sinv[lo:hi],
        work_h=trk.work_h[lo:hi],
        work_in=trk.work_in[lo:hi],
    )


@njit
def _scan_unit(
    trk: Tracks,
    tp: TrackerParams,
    counter: np.ndarray,
    u: int,
    rows_per_unit: int,
    rad: Radars,
    r: int,
    sl: int,
    ts: float,
    z: np.ndarray,
    z_label: np.ndarray,
    n: int,
    sigma: np.ndarray,
    fov: np.ndarray,
) -> None:
    """Unit u's tracker takes one look of its radar r (slice `sl` of the sector)."""
    sigma[0] = rad.sigma_range[r]
    sigma[1] = rad.sigma_az[r]
    sigma[2] = rad.sigma_el[r]
    sigma[3] = rad.sigma_rr[r]
    width = 2.0 * rad.az_half[r] / rad.n_sectors[r]
    fov[0] = rad.max_range[r]
    fov[1] = rad.az_center[r] - rad.az_half[r] + (sl + 0.5) * width
    fov[2] = 0.5 * width
    fov[3] = rad.el_min[r]
    fov[4] = rad.el_max[r]
    lo = u * rows_per_unit
    scan(
        _unit_tracks(trk, lo, lo + rows_per_unit),
        tp,
        counter,
        ts,
        rad.pos[r],
        rad.basis[r],
        sigma,
        fov,
        z,
        z_label,
        n,
    )


class KernelOut(NamedTuple):
    killed_at: np.ndarray  # (N,) inf if not killed
    impacted: np.ndarray  # (N,) bool
    first_det: np.ndarray  # (N,) first detection time, inf if never
    first_trk: np.ndarray  # (N,) first confirmed track of any unit, inf if never
    fired_at: np.ndarray  # (N,) interceptors launched at the threat
    m_unit: np.ndarray  # (M,)
    m_type: np.ndarray
    m_target: np.ndarray  # threat, or -1: a phantom (a track of false alarms)
    m_first_target: np.ndarray  # target at launch (m_target differs once redirected)
    m_t0: np.ndarray
    m_t1: np.ndarray
    m_miss: np.ndarray
    m_outcome: np.ndarray
    n_launched: np.ndarray  # (1,)
    asset_hits: np.ndarray  # (A,)
    n_detections: np.ndarray  # (1,) detections of real objects
    n_false_alarms: np.ndarray  # (1,)
    n_phantoms: np.ndarray  # (1,) confirmed tracks made of false alarms


@njit
def _exists(
    o: int,
    n_thr: int,
    alive: np.ndarray,
    t_impact: np.ndarray,
    t: float,
    phantom_row: np.ndarray,
    phantom_id: np.ndarray,
    status: np.ndarray,
    ids: np.ndarray,
    label: np.ndarray,
) -> bool:
    """Whether object o is still there at time t: a threat in flight and not killed, or a
    phantom whose track lasts."""
    if o < n_thr:
        return bool(alive[o] and t < t_impact[o])
    return phantom_alive(phantom_row, phantom_id, status, ids, label, o - n_thr)


@njit
def _engage(
    rad: Radars,
    units: Units,
    itc: Interceptors,
    thr: Threats,
    asset_pos: np.ndarray,
    asset_radius: np.ndarray,
    asset_value: np.ndarray,
    iff_fail: np.ndarray,
    mask_slope: np.ndarray,
    mask_steps: np.ndarray,
    has_terrain: bool,
    duration: float,
    step: float,
    rng: np.random.Generator,
    trk: Tracks,
    tp: TrackerParams,
    rows_per_unit: int,
    im: int,
    pic: Pictures,
    out: KernelOut,
    log: EventLog,
) -> None:
    n_thr = thr.ttype.shape[0]
    n_obj = pic.row.shape[1]
    n_rad = rad.unit.shape[0]
    n_units = units.pos.shape[0]
    n_groups = 1
    for u in range(n_units):
        n_groups = max(n_groups, units.group[u] + 1)
    n_types = itc.max_range.shape[0]
    max_m = out.m_unit.shape[0]

    alive = np.ones(n_thr, dtype=np.bool_)
    killed_at = out.killed_at
    killed_at[:] = math.inf
    first_det = out.first_det
    first_det[:] = math.inf
    first_trk = out.first_trk
    first_trk[:] = math.inf
    first_track = np.full((n_units, n_obj), math.inf)
    obj_cls = np.zeros(n_obj, dtype=np.int64)
    obj_cls[:n_thr] = thr.cls
    inflight = np.zeros((n_groups, n_obj), dtype=np.int64)
    # a group fires again at an object only after its rounds have ended and the
    # kill-assessment time has passed
    assess_until = np.full((n_groups, n_obj), -math.inf)
    channels = np.zeros(n_units, dtype=np.int64)
    rounds = units.rounds.copy()
    ready = np.zeros((n_units, max(n_types, 1), MAX_LAUNCHERS))
    loaded = np.zeros((n_units, max(n_types, 1), MAX_LAUNCHERS), dtype=np.int64)
    reserve = np.zeros((n_units, max(n_types, 1)), dtype=np.int64)
    _load_launchers(units, loaded, reserve)
    n_nets = pic.n_carried.shape[0]
    capacity_limited = False  # carriage is only counted to free slots of limited links
    for u in range(n_units):
        capacity_limited = capacity_limited or units.capacity[u] >= 0
    # threat evaluation of each unit's picture, kept until the picture changes
    ev_time = np.full((n_units, n_obj), math.nan)
    ev_when = np.zeros((n_units, n_obj))
    ev_asset = np.zeros((n_units, n_obj), dtype=np.int64)
    v_min = math.inf
    for a in range(asset_value.shape[0]):
        v_min = min(v_min, asset_value[a])
    pair_u = np.empty(max(n_units * n_obj, 1), dtype=np.int64)
    pair_j = np.empty(max(n_units * n_obj, 1), dtype=np.int64)
    pair_key = np.empty(max(n_units * n_obj, 1))
    pair_dist = np.empty(max(n_units * n_obj, 1))
    next_scan = np.empty(n_rad)
    slice_no = np.zeros(n_rad, dtype=np.int64)
    for r in range(n_rad):
        next_scan[r] = rng.random() * rad.period[r] / rad.n_sectors[r]
    m_state = np.zeros((max(max_m, 1), 6))
    m_ach = np.zeros((max(max_m, 1), 3))  # achieved lateral acceleration (autopilot lag state)
    m_aim = np.zeros((max(max_m, 1), 8))  # the track an interceptor is guided on
    m_acq = np.zeros(max(max_m, 1), dtype=np.bool_)  # its seeker has the target
    flying = np.zeros(max(max_m, 1), dtype=np.bool_)
    n_m = 0
    buf = np.zeros(7)
    buf2 = np.zeros(7)
    est = np.zeros(9)
    tmp = np.zeros(9)
    best = np.zeros(n_obj)
    work = np.zeros(34)
    z = np.zeros((n_thr + MAX_FALSE_ALARMS_PER_LOOK, 4))
    z_label = np.zeros(n_thr + MAX_FALSE_ALARMS_PER_LOOK, dtype=np.int64)
    sigma = np.zeros(4)
    fov = np.zeros(5)
    counter = np.zeros(1, dtype=np.int64)
    ev_t = np.empty(max(max_m, 1))
    ev_m = np.empty(max(max_m, 1), dtype=np.int64)
    ev_o = np.empty(max(max_m, 1), dtype=np.int64)
    ev_miss = np.empty(max(max_m, 1))
    n_detections = 0
    n_false = 0

    n_steps = int(math.ceil(duration / step))
    for s in range(n_steps + 1):
        t = s * step
        # 2-3. sensor looks due up to now, each followed by its unit's tracker
        for r in range(n_rad):
            while next_scan[r] <= t:
                ts = next_scan[r]
                sl = slice_no[r] % rad.n_sectors[r]
                n = _look(
                    rad,
                    r,
                    sl,
                    thr,
                    alive,
                    ts,
                    rng,
                    z,
                    z_label,
                    first_det,
                    buf,
                    mask_slope,
                    mask_steps,
                    has_terrain,
                    log,
                )
                for i in range(n):
                    if z_label[i] >= 0:
                        n_detections += 1
                    else:
                        n_false += 1
                u = rad.unit[r]
                _scan_unit(
                    trk, tp, counter, u, rows_per_unit, rad, r, sl, ts, z, z_label, n, sigma, fov
                )
                refresh(
                    pic,
                    trk.status,
                    trk.id,
                    trk.t,
                    trk.x,
                    trk.P,
                    trk.mu,
                    trk.label,
                    u,
                    rows_per_unit,
                    n_thr,
                    im,
                    ts,
                    best,
                    tmp,
                )
                slice_no[r] += 1
                next_scan[r] += rad.period[r] / rad.n_sectors[r]
        # 4. fire control, network group by network group: each ready unit's candidates are
        #    evaluated (threatened asset, time to go, priority), then the group's
        #    (unit, object) pairs are taken greedily by marginal return, priority ×
        #    the salvo's kill probability, one engagement per object
        n_live = n_thr + pic.n_phantoms[0]
        for g in range(n_groups):
            n_pairs = 0
            for u in range(n_units):
                if units.group[u] != g or channels[u] >= units.fire_channels[u]:
                    continue
                for j in range(n_live):
                    if inflight[g, j] > 0 or t < assess_until[g, j]:
                        continue  # being engaged, or being assessed
                    if j < n_thr and first_det[j] == math.inf:
                        continue  # never seen by any radar
                    if not _exists(
                        j,
                        n_thr,
                        alive,
                        thr.t_impact,
                        t,
                        pic.phantom_row,
                        pic.phantom_id,
                        trk.status,
                        trk.id,
                        trk.label,
                    ):
                        continue
                    if j < n_thr and thr.friendly[j] and not iff_fail[g, j]:
                        continue  # identified as friendly
                    t_est = picture(
                        pic.row,
                        pic.snap_t,
                        pic.snap_x,
                        pic.snap_q,
                        pic.snap_n,
                        pic.carried,
                        pic.n_carried,
                        trk.t,
                        trk.x,
                        trk.P,
                        trk.mu,
                        units.network,
                        units.latency[u],
                        units.update[u],
                        units.capacity[u],
                        u,
                        j,
                        t,
                        im,
                        est,
                        tmp,
                    )
                    if t_est == -math.inf or t - t_est > TRACK_STALE_S:
                        continue
                    if j >= n_thr:
                        obj_cls[j] = kinematic_class(
                            math.sqrt(est[3] ** 2 + est[4] ** 2 + est[5] ** 2)
                        )
                    cl = obj_cls[j]
                    if cl == 0 and not _free_flight(est):
                        # a ballistic track still under thrust (or, without a model of
                        # acceleration, still climbing) is not engaged: its free-fall
                        # prediction does not hold
                        continue
                    pk_eff = 0.0
                    for p in range(MAX_PREFERENCES):
                        ty = units.prefs[u, cl, p]
                        if ty < 0:
                            break
                        if rounds[u, ty] > 0:
                            n_salvo = (
                                1
                                if units.policy[u, cl] == POLICY_SHOOT_LOOK_SHOOT
                                else units.salvo[u, cl]
                            )
                            pk_eff = 1.0 - (1.0 - itc.pk[ty, cl]) ** n_salvo
                            break
                    if pk_eff <= 0.0:
                        continue
                    if first_track[u, j] == math.inf:
                        first_track[u, j] = t
                        if j < n_thr and t < first_trk[j]:
                            first_trk[j] = t
                        # a unit's first firm picture: unit, object (-1: a phantom);
                        # position (ECEF), speed
                        speed = math.sqrt(est[3] ** 2 + est[4] ** 2 + est[5] ** 2)
                        _log(
                            log,
                            EV_TRACK,
                            t,
                            u,
                            j if j < n_thr else -1,
                            0,
                            est[0],
                            est[1],
                            est[2],
                            speed,
                        )
                    if t < first_track[u, j] + units.reaction[u]:
                        continue
                    if ev_time[u, j] != t_est:  # evaluate again when the picture changes
                        a, tgo_e, _ = evaluate_kernel(
                            est, cl == 0, asset_pos, asset_radius, asset_value, buf
                        )
                        ev_time[u, j] = t_est
                        ev_when[u, j] = t_est + tgo_e
                        ev_asset[u, j] = a
                    a = ev_asset[u, j]
                    value = asset_value[a] if a >= 0 else UNAIMED_VALUE_FRACTION * v_min
                    priority = value / max(ev_when[u, j] - t, MIN_TIME_TO_GO_S)
                    pair_u[n_pairs] = u
                    pair_j[n_pairs] = j
                    pair_key[n_pairs] = -priority * pk_eff
                    dx = est[0] - units.pos[u, 0]
                    dy = est[1] - units.pos[u, 1]
                    dz = est[2] - units.pos[u, 2]
                    pair_dist[n_pairs] = dx * dx + dy * dy + dz * dz
                    n_pairs += 1
            if n_pairs == 0:
                continue
            # highest marginal return first; between equals, the nearer unit
            by_dist = np.argsort(pair_dist[:n_pairs], kind="mergesort")
            by_key = np.argsort(pair_key[:n_pairs][by_dist], kind="mergesort")
            for c in range(n_pairs):
                k = by_dist[by_key[c]]
                u = pair_u[k]
                j = pair_j[k]
                if inflight[g, j] > 0 or channels[u] >= units.fire_channels[u]:
                    continue
                t_est = picture(
                    pic.row,
                    pic.snap_t,
                    pic.snap_x,
                    pic.snap_q,
                    pic.snap_n,
                    pic.carried,
                    pic.n_carried,
                    trk.t,
                    trk.x,
                    trk.P,
                    trk.mu,
                    units.network,
                    units.latency[u],
                    units.update[u],
                    units.capacity[u],
                    u,
                    j,
                    t,
                    im,
                    est,
                    tmp,
                )
                cl = obj_cls[j]
                for p in range(MAX_PREFERENCES):
                    ty = units.prefs[u, cl, p]
                    if ty < 0:
                        break
                    if rounds[u, ty] <= 0:
                        continue
                    t_int, elev = _find_intercept(units, itc, u, ty, est, t_est, t, cl == 0, buf)
                    if t_int < 0.0:
                        continue
                    # salvo from ready launchers within free fire channels
                    salvo = (
                        1 if units.policy[u, cl] == POLICY_SHOOT_LOOK_SHOOT else units.salvo[u, cl]
                    )
                    want = min(salvo, rounds[u, ty], units.fire_channels[u] - channels[u])
                    fired = 0
                    predict_position(est, t_int - t_est, cl == 0, buf2)
                    # the rounds of a salvo leave one launch interval apart, from
                    # one launcher or several
                    for lch in range(min(units.launchers[u, ty], MAX_LAUNCHERS)):
                        if ready[u, ty, lch] > t:
                            continue
                        while fired < want and n_m < max_m and loaded[u, ty, lch] > 0:
                            t_launch = t + fired * itc.launch_interval[ty]
                            ready[u, ty, lch] = t_launch + itc.launch_interval[ty]
                            loaded[u, ty, lch] -= 1
                            if loaded[u, ty, lch] == 0 and reserve[u, ty] > 0:
                                refill = min(units.per_launcher[u, ty], reserve[u, ty])
                                reserve[u, ty] -= refill
                                loaded[u, ty, lch] = refill
                                ready[u, ty, lch] = t_launch + max(
                                    units.reload[u, ty], itc.launch_interval[ty]
                                )
                            _launch(units, u, buf2, elev, m_state[n_m])
                            _set_aim(m_aim[n_m], t_est, est, cl == 0)
                            out.m_unit[n_m] = u
                            out.m_type[n_m] = ty
                            out.m_target[n_m] = j
                            out.m_first_target[n_m] = j
                            out.m_t0[n_m] = t_launch
                            out.m_t1[n_m] = math.inf
                            out.m_miss[n_m] = math.inf
                            out.m_outcome[n_m] = -1
                            flying[n_m] = True
                            # launch: unit, object (-1: a phantom), interceptor; predicted
                            # intercept time and point (ECEF)
                            _log(
                                log,
                                EV_LAUNCH,
                                t_launch,
                                u,
                                j if j < n_thr else -1,
                                n_m,
                                t_int,
                                buf2[0],
                                buf2[1],
                                buf2[2],
                            )
                            n_m += 1
                            fired += 1
                            if ready[u, ty, lch] > t_launch + itc.launch_interval[ty]:
                                break  # reloading
                    if fired > 0:
                        rounds[u, ty] -= fired
                        channels[u] += fired
                        inflight[g, j] += fired
                        if j < n_thr:
                            out.fired_at[j] += fired
                        break
        # 5. fly-out over the cycle: guidance on the unit's track, refreshed each cycle,
        #    until the seeker takes over
        n_ev = 0
        t_next = t + step
        for m in range(n_m):
            if not flying[m]:
                continue
            j = out.m_target[m]
            u = out.m_unit[m]
            if j < n_thr and killed_at[j] <= t and units.retarget[u] == 1:
                j2 = _retarget(
                    units,
                    itc,
                    thr,
                    m,
                    u,
                    t,
                    alive,
                    inflight[units.group[u]],
                    obj_cls,
                    m_state,
                    out.m_type[m],
                    out.m_t0[m],
                    trk,
                    im,
                    pic,
                    est,
                    tmp,
                    buf,
                )
                if j2 >= 0:
                    inflight[units.group[u], j] -= 1
                    inflight[units.group[u], j2] += 1
                    out.m_target[m] = j2
                    m_acq[m] = False
                    # retarget: interceptor, dead target, new target (-1: a phantom)
                    _log(log, EV_RETARGET, t, m, j, j2 if j2 < n_thr else -1, 0.0, 0.0, 0.0, 0.0)
                    j = j2
            if not m_acq[m]:
                t_est = picture(
                    pic.row,
                    pic.snap_t,
                    pic.snap_x,
                    pic.snap_q,
                    pic.snap_n,
                    pic.carried,
                    pic.n_carried,
                    trk.t,
                    trk.x,
                    trk.P,
                    trk.mu,
                    units.network,
                    units.latency[u],
                    units.update[u],
                    units.capacity[u],
                    u,
                    j,
                    t,
                    im,
                    est,
                    tmp,
                )
                if t_est > m_aim[m, 0]:
                    _set_aim(m_aim[m], t_est, est, obj_cls[j] == 0)
            oc, te, miss = _advance(
                itc,
                thr,
                m,
                out.m_type[m],
                j,
                _exists(
                    j,
                    n_thr,
                    alive,
                    thr.t_impact,
                    t,
                    pic.phantom_row,
                    pic.phantom_id,
                    trk.status,
                    trk.id,
                    trk.label,
                ),
                t,
                t_next,
                m_state,
                m_ach,
                out.m_t0,
                m_aim,
                m_acq,
                killed_at,
                rng,
                buf,
                work,
            )
            if oc >= 0:
                ev_t[n_ev] = te
                ev_m[n_ev] = m
                ev_o[n_ev] = oc
                ev_miss[n_ev] = miss
                n_ev += 1
            elif out.m_t0[m] < t_next:
                # an interceptor's state once a cycle: interceptor, target (-1: a phantom);
                # position (ECEF), speed
                st = m_state[m]
                jt = out.m_target[m]
                _log(
                    log, EV_STATE, t_next, m, jt if jt < n_thr else -1, 0, st[0], st[1], st[2],
                    math.sqrt(st[3] ** 2 + st[4] ** 2 + st[5] ** 2),
                )
        if n_ev > 0:
            ev_order = np.argsort(ev_t[:n_ev], kind="mergesort")
            for e in range(n_ev):
                k = ev_order[e]
                m = ev_m[k]
                j = out.m_target[m]
                oc = ev_o[k]
                if oc == KILL:
                    if killed_at[j] <= ev_t[k] or ev_t[k] > thr.t_impact[j]:
                        oc = TARGET_GONE
                    else:
                        killed_at[j] = ev_t[k]
                out.m_outcome[m] = oc
                out.m_t1[m] = ev_t[k]
                out.m_miss[m] = ev_miss[k]
                # end of an interceptor's flight: interceptor, object (-1: a phantom),
                # outcome; miss (m) and where it was (ECEF, at the end of the guidance step
                # that ended it)
                _log(
                    log, EV_END, ev_t[k], m, j if j < n_thr else -1, oc, ev_miss[k],
                    m_state[m, 0], m_state[m, 1], m_state[m, 2],
                )
                flying[m] = False
                u = out.m_unit[m]
                channels[u] -= 1
                g = units.group[u]
                inflight[g, j] -= 1
                assess_until[g, j] = max(assess_until[g, j], ev_t[k] + units.assess[u])
        linked = capacity_limited and pic.n_carried.sum() > 0
        for j in range(n_thr):
            if killed_at[j] < math.inf:
                alive[j] = False
        if linked:
            for j in range(n_thr + pic.n_phantoms[0]):
                if not _exists(
                    j,
                    n_thr,
                    alive,
                    thr.t_impact,
                    t_next,
                    pic.phantom_row,
                    pic.phantom_id,
                    trk.status,
                    trk.id,
                    trk.label,
                ):
                    for nw in range(n_nets):  # the link's slot frees
                        if pic.carried[nw, j]:
                            pic.carried[nw, j] = False
                            pic.n_carried[nw] -= 1
        if t_next > duration + 1e-9:
            break
    # 6. impacts of threats not killed, scored against assets
    for j in range(n_thr):
        if thr.friendly[j]:
            continue  # a friendly flight ends its route; it is no threat
        if killed_at[j] == math.inf and thr.t_impact[j] <= duration:
            out.impacted[j] = True
            hit = -1
            for a in range(asset_pos.shape[0]):
                dx = thr.impact_pos[j, 0] - asset_pos[a, 0]
                dy = thr.impact_pos[j, 1] - asset_pos[a, 1]
                dz = thr.impact_pos[j, 2] - asset_pos[a, 2]
                if dx * dx + dy * dy + dz * dz <= asset_radius[a] ** 2:
                    out.asset_hits[a] += 1
                    if hit < 0:
                        hit = a
            # impact: threat, asset hit (-1: none); impact point (ECEF)
            _log(
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
    # interceptors still flying at the end
    for m in range(n_m):
        if flying[m]:
            out.m_outcome[m] = TIMEOUT
            out.m_t1[m] = duration
            j = out.m_target[m]
            _log(
                log, EV_END, duration, m, j if j < n_thr else -1, TIMEOUT, math.inf,
                m_state[m, 0], m_state[m, 1], m_state[m, 2],
            )
    for m in range(n_m):  # phantoms leave the engine as -1
        if out.m_target[m] >= n_thr:
            out.m_target[m] = -1
        if out.m_first_target[m] >= n_thr:
            out.m_first_target[m] = -1
    out.n_launched[0] = n_m
    out.n_detections[0] = n_detections
    out.n_false_alarms[0] = n_false
    out.n_phantoms[0] = pic.n_phantoms[0]


@njit
def _free_flight(est: np.ndarray) -> bool:
    """Whether a ballistic track is in free flight: the tracker's model of acceleration
    (CA) holds less than half the probability (``est[8]``), or, without one, the
    track descends."""
    if est[8] >= 0.0:
        return bool(est[8] < FREE_FLIGHT_THRESHOLD)
    return bool(est[0] * est[3] + est[1] * est[4] + est[2] * est[5] < 0.0)


@njit
def _set_aim(aim: np.ndarray, t_est: float, est: np.ndarray, ballistic: bool) -> None:
    """Guide on this track from now: its time, state and motion (see :func:`_aim_state`)."""
    aim[0] = t_est
    for i in range(6):
        aim[1 + i] = est[i]
    aim[7] = 1.0 if ballistic else 0.0


@njit
def _load_launchers(units: Units, loaded: np.ndarray, reserve: np.ndarray) -> None:
    """Spread each unit's rounds over its launchers, a launcher's load at most; the rest
    is the reserve that reloads empty launchers."""
    for u in range(units.rounds.shape[0]):
        for ty in range(units.rounds.shape[1]):
            left = units.rounds[u, ty]
            for lch in range(min(units.launchers[u, ty], MAX_LAUNCHERS)):
                n = min(units.per_launcher[u, ty], left)
                loaded[u, ty, lch] = n
                left -= n
            reserve[u, ty] = left


@njit
def _retarget(
    units: Units,
    itc: Interceptors,
    thr: Threats,
    m: int,
    u: int,
    t: float,
    alive: np.ndarray,
    inflight: np.ndarray,
    obj_cls: np.ndarray,
    m_state: np.ndarray,
    ty: int,
    t0: float,
    trk: Tracks,
    im: int,
    pic: Pictures,
    est: np.ndarray,
    tmp: np.ndarray,
    buf: np.ndarray,
) -> int:
    """A new target for interceptor m whose target died, or -1.

    The nearest object in unit u's picture that no round of its network is
    engaging, closing on the interceptor and reachable in the flight time left
    at the present closing speed.
    """
    n_thr = thr.ttype.shape[0]
    st = m_state[m]
    left = itc.max_time[ty] - (t - t0)
    best = -1
    best_r = math.inf
    for j in range(n_thr + pic.n_phantoms[0]):
        if inflight[j] > 0 or not _exists(
            j,
            n_thr,
            alive,
            thr.t_impact,
            t,
            pic.phantom_row,
            pic.phantom_id,
            trk.status,
            trk.id,
            trk.label,
        ):
            continue
        if j < n_thr and thr.friendly[j]:
            continue
        if itc.pk[ty, obj_cls[j]] <= 0.0:
            continue
        t_est = picture(
            pic.row,
            pic.snap_t,
            pic.snap_x,
            pic.snap_q,
            pic.snap_n,
            pic.carried,
            pic.n_carried,
            trk.t,
            trk.x,
            trk.P,
            trk.mu,
            units.network,
            units.latency[u],
            units.update[u],
            units.capacity[u],
            u,
            j,
            t,
            im,
            est,
            tmp,
        )
        if t_est == -math.inf or t - t_est > TRACK_STALE_S:
            continue
        rx, ry, rz = est[0] - st[0], est[1] - st[1], est[2] - st[2]
        vx, vy, vz = est[3] - st[3], est[4] - st[4], est[5] - st[5]
        rn = math.sqrt(rx * rx + ry * ry + rz * rz)
        vc = -(rx * vx + ry * vy + rz * vz) / max(rn, 1.0)
        if vc <= 0.0 or rn / vc > left or rn >= best_r:
            continue
        best, best_r = j, rn
    return best


@njit
def _launch(units: Units, u: int, aim: np.ndarray, elev: float, st: np.ndarray) -> None:
    """Interceptor state at launch: at the unit, pointed at the intercept point's azimuth."""
    dx = aim[0] - units.pos[u, 0]
    dy = aim[1] - units.pos[u, 1]
    dz = aim[2] - units.pos[u, 2]
    e = units.basis[u, 0, 0] * dx + units.basis[u, 0, 1] * dy + units.basis[u, 0, 2] * dz
    n = units.basis[u, 1, 0] * dx + units.basis[u, 1, 1] * dy + units.basis[u, 1, 2] * dz
    az = math.atan2(e, n)
    ce = math.cos(elev)
    de, dn, du = ce * math.sin(az), ce * math.cos(az), math.sin(elev)
    speed0 = 20.0
    for i in range(3):
        d = units.basis[u, 0, i] * de + units.basis[u, 1, i] * dn + units.basis[u, 2, i] * du
        st[i] = units.pos[u, i] + 5.0 * units.basis[u, 2, i]
        st[3 + i] = speed0 * d


@dataclass(frozen=True)
class ReplicationResult:
    """What happened in one replication, as arrays."""

    replication: int
    threats: Threats
    killed_at: np.ndarray
    impacted: np.ndarray
    first_detection: np.ndarray
    first_track: np.ndarray
    fired_at: np.ndarray
    asset_hits: np.ndarray
    interceptor_unit: np.ndarray
    interceptor_type: np.ndarray
    interceptor_target: np.ndarray
    interceptor_first_target: np.ndarray
    launch_time: np.ndarray
    end_time: np.ndarray
    miss_distance: np.ndarray
    outcome: np.ndarray
    n_detections: int
    n_false_alarms: int = 0
    n_phantoms: int = 0


def run_replication(
    world: World, seed: int, replication: int, log: EventLog | None = None
) -> ReplicationResult:
    """Run replication `replication` of campaign `seed` on `world`.

    The result depends only on (world, seed, replication): re-running one
    replication alone gives the same bits, with or without an event `log`
    (:func:`event_log`), which records every detection, first track, launch,
    retarget, interceptor end and impact.
    """
    rng = replication_rng(seed, replication)
    thr = draw_threats(world, rng)
    n = world.n_threats
    max_m = int(world.units.rounds.sum())
    out = KernelOut(
        killed_at=np.full(n, math.inf),
        impacted=np.zeros(n, dtype=np.bool_),
        first_det=np.full(n, math.inf),
        first_trk=np.full(n, math.inf),
        fired_at=np.zeros(n, dtype=np.int64),
        m_unit=np.zeros(max_m, dtype=np.int64),
        m_type=np.zeros(max_m, dtype=np.int64),
        m_target=np.zeros(max_m, dtype=np.int64),
        m_first_target=np.zeros(max_m, dtype=np.int64),
        m_t0=np.zeros(max_m),
        m_t1=np.zeros(max_m),
        m_miss=np.zeros(max_m),
        m_outcome=np.zeros(max_m, dtype=np.int64),
        n_launched=np.zeros(1, dtype=np.int64),
        asset_hits=np.zeros(len(world.asset_names), dtype=np.int64),
        n_detections=np.zeros(1, dtype=np.int64),
        n_false_alarms=np.zeros(1, dtype=np.int64),
        n_phantoms=np.zeros(1, dtype=np.int64),
    )
    n_groups = int(world.units.group.max()) + 1 if world.units.group.size else 1
    if thr.friendly.any():
        # identification of each friendly flight by each network group, drawn once
        iff_fail = rng.random((n_groups, n)) >= world.iff_reliability
        iff_fail &= thr.friendly[None, :]
    else:
        iff_fail = np.zeros((n_groups, n), dtype=np.bool_)
    n_units = world.units.pos.shape[0]
    rows = track_rows(world.radars, world.tracker, n_units, n)
    tracks = new_tracks(max(n_units, 1) * rows, world.tracker.models.shape[0])
    n_nets = int(world.units.network.max()) + 1 if n_units else 1
    pictures = new_pictures(n_units, rows, n, n_nets, networked=n_nets > 0 and n_units > 1)
    _engage(
        world.radars,
        world.units,
        world.interceptors,
        thr,
        world.asset_pos,
        world.asset_radius,
        world.asset_value,
        iff_fail,
        *_mask_args(world),
        world.duration_s,
        world.step_s,
        rng,
        tracks,
        world.tracker,
        rows,
        acceleration_model_index(world.tracker),
        pictures,
        out,
        _NO_LOG if log is None else log,
    )
    k = int(out.n_launched[0])
    return ReplicationResult(
        replication=replication,
        threats=thr,
        killed_at=out.killed_at,
        impacted=out.impacted,
        first_detection=out.first_det,
        first_track=out.first_trk,
        fired_at=out.fired_at,
        asset_hits=out.asset_hits,
        interceptor_unit=out.m_unit[:k],
        interceptor_type=out.m_type[:k],
        interceptor_target=out.m_target[:k],
        interceptor_first_target=out.m_first_target[:k],
        launch_time=out.m_t0[:k],
        end_time=out.m_t1[:k],
        miss_distance=out.m_miss[:k],
        outcome=out.m_outcome[:k],
        n_detections=int(out.n_detections[0]),
        n_false_alarms=int(out.n_false_alarms[0]),
        n_phantoms=int(out.n_phantoms[0]),
    )
