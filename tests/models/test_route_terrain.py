"""Terrain-following cruise and drone routes (airguard.trajectory).

Cruise missiles and drones fly their route at a set clearance above the
terrain under it: :func:`route_height_profile` builds the commanded height
profile (look-ahead window, then a climb/dive gradient limit) and
:func:`fly_route` flies it.  Checked here on flat terrain against the
constant-height route, and on a synthetic Gaussian ridge 1,500 m high across
the route for clearance, gradient, look-ahead, flight time and velocity.
Without a profile ``fly_route`` must give the same bits as before terrain
following existed.

Sources
-------
[Gade]  K. Gade, "A non-singular horizontal position representation",
        *J. Navigation* 63(3), 2010: the height along the ellipsoid normal n;
        the normal is orthogonal to the surface, so n · v is the vertical rate.
[STK]   AGI STK, Terrain Following procedure
        (https://help.agi.com/stk/Content/aircraft/proc_terrainFollowing.htm):
        a window maximum of the terrain plus clearance, under a flight-path-angle limit.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numpy.typing import NDArray

from airguard import geo
from airguard.terrain import Terrain
from airguard.trajectory import (
    CLIMB_DISTANCE_M,
    TERMINAL_DIVE_DISTANCE_M,
    TERRAIN_LOOKAHEAD_M,
    TERRAIN_MAX_GRADIENT,
    fly_route,
    profile_step_m,
    terrain_profile,
)

Float = NDArray[np.float64]

# a two-leg route running east, 87.3 km long
ROUTE_LATS = np.radians([38.0, 38.1, 38.0])
ROUTE_LONS = np.radians([32.0, 32.5, 33.0])
SPEED_MPS = 250.0
CRUISE_M = 100.0
BASE_M = 200.0  # ground height away from the ridge, at launch and at the aim point
RIDGE_M = 1_500.0
RIDGE_LON_DEG = 32.6
RIDGE_SIGMA_M = 4_000.0  # steepest flank 1500/4000 · e^-1/2 = 0.23, above the gradient limit
GRID_DT_S = 0.2
N_GRID = 2_000
EMPTY = np.empty(0)


@dataclass(frozen=True)
class Flight:
    t_impact_s: float
    impact_m: Float
    pos_m: Float  # (k, 3) ECEF, samples up to impact
    vel_mps: Float  # (k, 3)
    h_m: Float  # (k,) height above the ellipsoid
    s_m: Float  # (k,) route distance of each sample


def fly(
    lats: Float,
    lons: Float,
    h_launch_m: float,
    cruise_m: float,
    h_target_m: float,
    profile_s: Float = EMPTY,
    profile_h: Float = EMPTY,
) -> Flight:
    pos, vel, hh = np.zeros((N_GRID, 3)), np.zeros((N_GRID, 3)), np.zeros(N_GRID)
    ti, xi, yi, zi = fly_route(
        lats,
        lons,
        h_launch_m,
        cruise_m,
        h_target_m,
        SPEED_MPS,
        0.0,
        0.0,
        GRID_DT_S,
        pos,
        vel,
        hh,
        profile_s,
        profile_h,
    )
    t = np.arange(N_GRID, dtype=np.float64) * GRID_DT_S
    ok = t <= ti
    return Flight(ti, np.array([xi, yi, zi]), pos[ok], vel[ok], hh[ok], t[ok] * SPEED_MPS)


def ridge_terrain() -> Terrain:
    """A north-south Gaussian ridge on a 3-arc-second grid, crossing the route's second leg."""
    step_deg = 1.0 / 1200.0
    lat_deg = 37.9 + step_deg * np.arange(361)
    lon_deg = 31.9 + step_deg * np.arange(1441)
    x_m = np.radians(lon_deg - RIDGE_LON_DEG) * geo.MEAN_EARTH_RADIUS_M * math.cos(math.radians(38))
    h = BASE_M + RIDGE_M * np.exp(-0.5 * (x_m / RIDGE_SIGMA_M) ** 2)
    return Terrain.from_array(
        np.broadcast_to(h, (lat_deg.size, lon_deg.size)), 37.9, 31.9, step_deg, step_deg
    )


@pytest.fixture(scope="module")
def ridge() -> Terrain:
    return ridge_terrain()


@pytest.fixture(scope="module")
def ridge_profile(ridge: Terrain) -> tuple[Float, Float]:
    return terrain_profile(ridge, ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M)


@pytest.fixture(scope="module")
def ridge_flight(ridge_profile: tuple[Float, Float]) -> Flight:
    return fly(ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M, *ridge_profile)


def terrain_under(terrain: Terrain, pos_m: Float) -> Float:
    lat, lon, _ = geo.ecef2geodetic(pos_m)
    return np.asarray(terrain.elevation_m(lat, lon))


def cruise_segment(f: Flight) -> NDArray[np.bool_]:
    """Samples after the climb-out (100 m at 0.15 takes 667 m) and before the terminal dive."""
    inside: NDArray[np.bool_] = (f.s_m > 1_000.0) & (f.s_m < f.s_m.max() - TERMINAL_DIVE_DISTANCE_M)
    return inside


# -- no terrain: the old route, bit for bit -----------------------------------------------

# Recorded from fly_route before terrain following was added (commit ac384c6, x86-64,
# numba 0.68): the 3-leg route, 850 m launch, 60 m above a 1020 m target, 180 m/s,
# launched at 13.37 s off a 2 s grid, 500 samples.  SHA-256 of pos, vel, h as
# little-endian float64, and three samples in full.
OLD_LATS = np.radians([37.2, 37.6, 37.9, 38.3])
OLD_LONS = np.radians([34.9, 35.3, 35.1, 35.6])
OLD_SHA256 = "625d43dd9fe54e451403833e0ff59202f7ccabcc5433eb27d5732b2de7a6932e"
OLD_IMPACT = (885.0571449127062, 4075797.4883736274, 2917984.4040933694, 3932262.9470372233)
OLD_SAMPLES = {
    14: (
        (4170462.8020118275, 2911352.0395287885, 3837325.318968735),
        (-128.57151728123426, 46.80290178395808, 117.21577778458595),
        971.1364,
    ),
    67: (
        (4156313.189576046, 2915949.754931395, 3849268.244626523),
        (-134.33463263325393, 42.783516673371196, 111.88602952286601),
        1080.0,
    ),
    443: (  # the sample past impact, extrapolated
        (4075664.959554165, 2918036.6708388734, 3932355.3919717586),
        (-140.56117556989193, 55.434547904878855, 98.04787159897387),
        1016.6057216857424,
    ),
}


def fly_old_case(*profile: Float) -> tuple[tuple[float, ...], Float, Float, Float]:
    pos, vel, hh = np.zeros((500, 3)), np.zeros((500, 3)), np.zeros(500)
    out = fly_route(
        OLD_LATS, OLD_LONS, 850.0, 60.0, 1020.0, 180.0, 13.37, 0.0, 2.0, pos, vel, hh, *profile
    )
    return out, pos, vel, hh


@pytest.mark.parametrize("profile", [(EMPTY, EMPTY), ()], ids=["empty-arrays", "omitted"])
def test_no_profile_is_bit_identical_to_constant_height_route(profile: tuple[Float, ...]) -> None:
    out, pos, vel, hh = fly_old_case(*profile)
    assert out == OLD_IMPACT
    for k, (p, v, h) in OLD_SAMPLES.items():
        assert tuple(pos[k]) == p
        assert tuple(vel[k]) == v
        assert hh[k] == h
    blob = b"".join(a.astype("<f8").tobytes() for a in (pos, vel, hh))
    assert hashlib.sha256(blob).hexdigest() == OLD_SHA256


# -- flat terrain: the constant-height route ------------------------------------------------


def test_flat_terrain_profile_is_terrain_plus_cruise_height() -> None:
    ground_m, cruise_m = 600.0, 50.0
    s, h = terrain_profile(Terrain.flat(ground_m), ROUTE_LATS, ROUTE_LONS, 600.0, cruise_m, 600.0)
    total_m = s[-1]
    climb_m = cruise_m / TERRAIN_MAX_GRADIENT
    assert s[0] == 0.0
    assert np.all(np.diff(s) > 0.0)
    assert h[0] == 600.0  # the launch height
    assert h[-1] == 600.0  # the aim point
    assert s[-2] == pytest.approx(total_m - TERMINAL_DIVE_DISTANCE_M, abs=1e-9)
    cruise = (s >= climb_m) & (s <= total_m - TERMINAL_DIVE_DISTANCE_M)
    np.testing.assert_allclose(h[cruise], ground_m + cruise_m, rtol=0, atol=1e-9)
    climb = s < climb_m
    np.testing.assert_allclose(h[climb], 600.0 + TERRAIN_MAX_GRADIENT * s[climb], atol=1e-9)


def test_flat_terrain_route_matches_constant_height_route() -> None:
    # launched at cruise height, so that neither route climbs: the same flight throughout
    ground_m, cruise_m = 600.0, 50.0
    top_m = ground_m + cruise_m
    flat = Terrain.flat(ground_m)
    profile = terrain_profile(flat, ROUTE_LATS, ROUTE_LONS, top_m, cruise_m, ground_m)
    old = fly(ROUTE_LATS, ROUTE_LONS, top_m, cruise_m, ground_m)
    new = fly(ROUTE_LATS, ROUTE_LONS, top_m, cruise_m, ground_m, *profile)
    assert new.t_impact_s == old.t_impact_s
    np.testing.assert_array_equal(new.impact_m, old.impact_m)
    np.testing.assert_allclose(new.pos_m, old.pos_m, rtol=0, atol=1e-6)  # 1 µm
    np.testing.assert_allclose(new.vel_mps, old.vel_mps, rtol=0, atol=1e-6)
    np.testing.assert_allclose(new.h_m, old.h_m, rtol=0, atol=1e-9)


def test_flat_terrain_ground_launch_matches_constant_height_route_after_climb() -> None:
    # the old route climbs over CLIMB_DISTANCE_M, the terrain profile at the gradient limit
    ground_m, cruise_m = 600.0, 50.0
    profile = terrain_profile(Terrain.flat(ground_m), ROUTE_LATS, ROUTE_LONS, 600.0, 50.0, 600.0)
    old = fly(ROUTE_LATS, ROUTE_LONS, 600.0, cruise_m, ground_m)
    new = fly(ROUTE_LATS, ROUTE_LONS, 600.0, cruise_m, ground_m, *profile)
    after = new.s_m >= CLIMB_DISTANCE_M
    np.testing.assert_allclose(new.pos_m[after], old.pos_m[after], rtol=0, atol=1e-6)
    np.testing.assert_allclose(new.h_m[after], old.h_m[after], rtol=0, atol=1e-9)


# -- a ridge across the route ---------------------------------------------------------------


def test_ridge_clearance_kept_between_climb_and_dive(ridge: Terrain, ridge_flight: Flight) -> None:
    f = ridge_flight
    clearance_m = f.h_m - terrain_under(ridge, f.pos_m)
    inside = cruise_segment(f)
    # 0.5 m: bilinear terrain bulging between profile samples 73 m apart (about 0.1 m here)
    assert clearance_m[inside].min() >= CRUISE_M - 0.5
    # and the missile does go over the ridge
    assert f.h_m.max() >= BASE_M + RIDGE_M + CRUISE_M - 0.5


def test_ridge_samples_lie_at_the_commanded_height(ridge_flight: Flight) -> None:
    _, _, height_m = geo.ecef2geodetic(ridge_flight.pos_m)
    np.testing.assert_allclose(height_m, ridge_flight.h_m, rtol=0, atol=1e-6)


def test_ridge_gradient_within_limit(
    ridge_profile: tuple[Float, Float], ridge_flight: Flight
) -> None:
    s, h = ridge_profile
    slope = np.diff(h) / np.diff(s)
    limit = TERRAIN_MAX_GRADIENT * (1.0 + 1e-9)
    assert np.abs(slope[:-1]).max() <= limit  # all but the terminal dive
    assert np.abs(slope[:-1]).max() >= TERRAIN_MAX_GRADIENT * (1.0 - 1e-9)  # the limit binds
    f = ridge_flight
    before_dive = f.s_m[1:] <= s[-2]
    flown = np.diff(f.h_m) / np.diff(f.s_m)
    assert np.abs(flown[before_dive]).max() <= limit


def test_ridge_climb_starts_before_crest_by_lookahead(
    ridge: Terrain, ridge_profile: tuple[Float, Float], ridge_flight: Flight
) -> None:
    s, h = ridge_profile
    terrain_m = terrain_under(ridge, ridge_flight.pos_m)
    s_crest = ridge_flight.s_m[np.argmax(terrain_m)]  # within 25 m of the crest
    top_m = BASE_M + RIDGE_M + CRUISE_M
    # at crest height a full look-ahead before the crest ...
    assert np.interp(s_crest - TERRAIN_LOOKAHEAD_M, s, h) >= top_m - 0.5
    # ... where without look-ahead it is still climbing the flank, 155 m lower
    s0, h0 = terrain_profile(ridge, ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M, lookahead_m=0)
    assert np.interp(s_crest - TERRAIN_LOOKAHEAD_M, s0, h0) < top_m - 100.0
    assert np.all(h >= h0 - 1e-9)
    # it leaves the cruise level while the ground under it is still within 10 m of the plain
    s_climb = s[np.argmax((s > 1_000.0) & (h > BASE_M + CRUISE_M + 1.0))]
    i = np.argmin(np.abs(ridge_flight.s_m - s_climb))
    assert terrain_m[i] < BASE_M + 10.0
    assert s_climb < s_crest - 10_000.0


def test_ridge_route_length_and_flight_time_unchanged(ridge_flight: Flight) -> None:
    # speed is along the ground track: heights change neither the track nor the time
    level = fly(ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M)
    assert ridge_flight.t_impact_s == level.t_impact_s
    np.testing.assert_array_equal(ridge_flight.impact_m, level.impact_m)
    lat_t, lon_t, _ = geo.ecef2geodetic(ridge_flight.pos_m)
    lat_l, lon_l, _ = geo.ecef2geodetic(level.pos_m)
    np.testing.assert_allclose(lat_t, lat_l, rtol=0, atol=1e-9)  # degrees: 0.1 mm
    np.testing.assert_allclose(lon_t, lon_l, rtol=0, atol=1e-9)


def test_ridge_vertical_velocity_is_profile_slope_times_speed(
    ridge_profile: tuple[Float, Float], ridge_flight: Flight
) -> None:
    # n · v is the vertical rate [Gade]; the velocity is a 0.05 s (12.5 m) forward difference
    s, h = ridge_profile
    f = ridge_flight
    lat, lon, _ = geo.ecef2geodetic(f.pos_m)
    la, lo = np.radians(lat), np.radians(lon)
    up = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
    rate = np.einsum("ij,ij->i", up, f.vel_mps)
    seg = np.searchsorted(s, f.s_m, side="right") - 1
    one_segment = (seg < s.size - 1) & (f.s_m + 12.5 < s[np.minimum(seg + 1, s.size - 1)])
    slope = (h[seg + 1] - h[seg]) / (s[seg + 1] - s[seg])
    assert one_segment.sum() > 1_000
    np.testing.assert_allclose(rate[one_segment], SPEED_MPS * slope[one_segment], rtol=0, atol=1e-3)


# -- ends and errors ------------------------------------------------------------------------


def test_short_route_flies_straight_from_launch_to_aim(ridge: Terrain) -> None:
    lats, lons = np.radians([38.0, 38.0]), np.radians([32.0, 32.02])  # 1.75 km
    s, h = terrain_profile(ridge, lats, lons, BASE_M, CRUISE_M, 250.0)
    np.testing.assert_array_equal(h, [BASE_M, 250.0])
    assert s[0] == 0.0
    assert s[1] == pytest.approx(1_752.0, abs=1.0)


def test_default_step_is_dem_spacing(ridge: Terrain) -> None:
    # 3 arc-seconds: 92.6 m north-south, 72.9 m east-west at 38.1 deg
    assert profile_step_m(ridge, ROUTE_LATS) == pytest.approx(72.9, abs=0.1)
    assert profile_step_m(Terrain.flat(0.0), ROUTE_LATS) == 250.0


def test_profile_of_another_route_is_refused(ridge_profile: tuple[Float, Float]) -> None:
    s, h = ridge_profile
    with pytest.raises(ValueError, match="route's length"):
        fly(ROUTE_LATS[:2], ROUTE_LONS[:2], BASE_M, CRUISE_M, BASE_M, s, h)
    with pytest.raises(ValueError, match="equal lengths"):
        fly(ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M, s, h[:-1])


def test_one_profile_array_alone_is_refused(ridge_profile: tuple[Float, Float]) -> None:
    pos, vel, hh = np.zeros((10, 3)), np.zeros((10, 3)), np.zeros(10)
    args = (ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M, SPEED_MPS, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="give both arrays or neither"):
        fly_route(*args, pos, vel, hh, ridge_profile[0])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"step_m": 0.0}, "step_m: expected a positive step"),
        ({"lookahead_m": -1.0}, "lookahead_m: expected a look-ahead >= 0"),
        ({"max_gradient": 0.0}, "max_gradient: expected a positive"),
    ],
)
def test_terrain_profile_rejects_bad_arguments(
    ridge: Terrain, kwargs: dict[str, float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        terrain_profile(ridge, ROUTE_LATS, ROUTE_LONS, BASE_M, CRUISE_M, BASE_M, **kwargs)


def test_terrain_profile_rejects_a_one_point_route(ridge: Terrain) -> None:
    with pytest.raises(ValueError, match="at least 2 points"):
        terrain_profile(ridge, ROUTE_LATS[:1], ROUTE_LONS[:1], BASE_M, CRUISE_M, BASE_M)
