"""Threat evaluation (`airguard.c2.evaluate_threat`) against closed forms and an independent WGS84.

The model under test (module docstring of `airguard.c2.evaluation`): a ballistic track
falls freely under the constant gravity vector g = -mu r0 / |r0|^3 taken at its position,
p(t) = p0 + v t + g t^2 / 2, until it meets the WGS84 ellipsoid; an air-breathing track
flies a straight line, and its closest approach to each asset decides the threat.  Every
expected number below is computed here, from the construction of the case, without calling
airguard except for the function under test and its documented parameters
(THREAT_MARGIN_M, UNAIMED_VALUE_FRACTION, MIN_TIME_TO_GO_S).

Sources
-------
[TR]  NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed. (2000),
      Table 3.1: a = 6 378 137 m, GM = 3.986004418e14 m^3/s^2.  On the equator (z = 0)
      the ellipsoid is the circle of radius a.
[K]   Motion under a constant acceleration, p(t) = p0 + v t + a t^2 / 2 (elementary
      kinematics).  Along the radius of the equator this is r0 + v_r t - g t^2 / 2 = a,
      a quadratic with the positive root t = (v_r + sqrt(v_r^2 + 2 g (r0 - a))) / g;
      off the radius, |p(t)|^2 = a^2 is a quartic in t, solved here with numpy.roots.
[PM]  pymap3d 3.2 (geospace-code), an independent WGS84 implementation: `ecef2geodetic`
      gives the ellipsoid height whose zero is found with scipy's brentq;
      `geodetic2ecef` and `enu2ecefv` place assets and velocities.
[Z]   Closest approach of uniform relative motion: with r the asset relative to the
      track and v its velocity, t_cpa = r.v / |v|^2 and the miss distance is
      |r - v t_cpa| (P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed.,
      AIAA 2012, ch. 2).  Here the case is built from (miss, t_cpa), so both are known
      exactly: start = asset + d n - v t_cpa with n a unit vector perpendicular to v.
[RvV] J. N. Roux, J. H. van Vuuren, "Threat evaluation and weapon assignment decision
      support: a review of the state of the art", ORiON 23(2), 2007, section 3: priority as
      the threatened value per unit time to go (the form the module cites).
"""

from __future__ import annotations

import math

import numpy as np
import pymap3d
import pytest
from scipy.optimize import brentq

from airguard.c2 import evaluate_threat
from airguard.c2.evaluation import MIN_TIME_TO_GO_S, THREAT_MARGIN_M, UNAIMED_VALUE_FRACTION

MU_M3_S2 = 3.986004418e14  # [TR] Table 3.1
A_M = 6_378_137.0  # [TR] Table 3.1
TIME_TOL_S = 1e-3  # 1 ms
POINT_TOL_M = 1.0  # 1 m


# --- independent references ---------------------------------------------------------------


def _equator_basis(lon_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Radial (up) and east unit vectors, ECEF, at longitude `lon_deg` on the equator."""
    lon = math.radians(lon_deg)
    up = np.array([math.cos(lon), math.sin(lon), 0.0])
    east = np.array([-math.sin(lon), math.cos(lon), 0.0])
    return up, east


def _gravity_at(p0: np.ndarray) -> np.ndarray:
    """-GM r0 / |r0|^3 ([TR] GM): the model's constant gravity vector."""
    return -MU_M3_S2 * p0 / np.linalg.norm(p0) ** 3


def _vertical_fall_time_s(height_m: float, radial_speed_mps: float) -> float:
    """Positive root of r0 + v_r t - g t^2 / 2 = a, g = GM / r0^2 ([K])."""
    r0 = A_M + height_m
    g = MU_M3_S2 / r0**2
    return (radial_speed_mps + math.sqrt(radial_speed_mps**2 + 2.0 * g * height_m)) / g


def _equatorial_impact(p0: np.ndarray, v: np.ndarray) -> tuple[float, np.ndarray]:
    """First t > 0 with |p0 + v t + g t^2 / 2| = a ([K], [TR]); p0, v in the plane z = 0.

    |h t^2 + v t + p0|^2 - a^2 with h = g / 2 expands to the quartic
    h.h t^4 + 2 h.v t^3 + (v.v + 2 h.p0) t^2 + 2 v.p0 t + (p0.p0 - a^2).
    """
    h = 0.5 * _gravity_at(p0)
    coeffs = [h @ h, 2.0 * h @ v, v @ v + 2.0 * h @ p0, 2.0 * v @ p0, p0 @ p0 - A_M**2]
    roots = np.roots(coeffs)
    real = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0.0)].real
    t = float(real.min())
    return t, p0 + v * t + h * t * t


def _geodetic_impact(p0: np.ndarray, v: np.ndarray) -> tuple[float, np.ndarray]:
    """First t > 0 where the [PM] ellipsoid height of p0 + v t + g t^2 / 2 is zero (brentq)."""
    g = _gravity_at(p0)

    def height(t: float) -> float:
        p = p0 + v * t + 0.5 * g * t * t
        return float(pymap3d.ecef2geodetic(*p)[2])

    hi = 1.0
    while height(hi) > 0.0:  # bracket the first crossing, on 1 s steps
        hi += 1.0
    t = brentq(height, hi - 1.0, hi, xtol=1e-9, rtol=1e-15)
    return t, p0 + v * t + 0.5 * g * t * t


def _equator_point(lon_deg: float) -> np.ndarray:
    """[PM] ECEF of the ellipsoid surface at latitude 0, longitude `lon_deg`."""
    return np.array(pymap3d.geodetic2ecef(0.0, lon_deg, 0.0))


def _lon_at_chord_deg(chord_m: float) -> float:
    """Longitude whose equator point is `chord_m` (straight line) from (a, 0, 0): 2 asin(d / 2a)."""
    return math.degrees(2.0 * math.asin(chord_m / (2.0 * A_M)))


def _evaluate(p0, v, *, ballistic, assets, radii, values):
    return evaluate_threat(
        p0,
        v,
        ballistic=ballistic,
        asset_positions_m=np.asarray(assets, dtype=float).reshape(-1, 3),
        asset_radii_m=radii,
        asset_values=values,
    )


# --- 1. ballistic fall along the radius ----------------------------------------------------

VERTICAL_CASES = [
    pytest.param(30_000.0, -2_000.0, id="30km-falling-2000mps"),
    pytest.param(80_000.0, 500.0, id="80km-rising-500mps"),
    pytest.param(100_000.0, 0.0, id="100km-from-rest"),
    pytest.param(300_000.0, -3_000.0, id="300km-falling-3000mps"),
]


@pytest.mark.parametrize(("height_m", "radial_speed_mps"), VERTICAL_CASES)
def test_vertical_fall_matches_the_constant_gravity_quadratic(height_m, radial_speed_mps):
    """[K], [TR]: above (a, 0, 0) the fall stays on the x axis and lands at (a, 0, 0)."""
    up, _ = _equator_basis(0.0)
    expected_t = _vertical_fall_time_s(height_m, radial_speed_mps)
    got = _evaluate(
        (A_M + height_m) * up,
        radial_speed_mps * up,
        ballistic=True,
        assets=[A_M, 0.0, 0.0],
        radii=[1_000.0],
        values=[1.0],
    )
    assert got.time_to_go_s == pytest.approx(expected_t, abs=TIME_TOL_S)
    assert got.impact_point_m is not None
    assert np.linalg.norm(got.impact_point_m - A_M * up) < POINT_TOL_M


# --- 2. oblique fall ----------------------------------------------------------------------

EQUATORIAL_CASES = [
    pytest.param(40_000.0, -1_500.0, 2_000.0, 20.0, id="40km-diving-eastward"),
    pytest.param(60_000.0, 800.0, -3_000.0, -75.0, id="60km-climbing-westward"),
    pytest.param(20_000.0, -200.0, 1_500.0, 135.0, id="20km-shallow-eastward"),
]


@pytest.mark.parametrize(
    ("height_m", "radial_speed_mps", "east_speed_mps", "lon_deg"), EQUATORIAL_CASES
)
def test_equatorial_oblique_fall_matches_the_quartic(
    height_m, radial_speed_mps, east_speed_mps, lon_deg
):
    """[K], [TR]: in the plane z = 0 the impact solves |p(t)| = a, a quartic in t."""
    up, east = _equator_basis(lon_deg)
    p0 = (A_M + height_m) * up
    v = radial_speed_mps * up + east_speed_mps * east
    expected_t, expected_point = _equatorial_impact(p0, v)
    got = _evaluate(p0, v, ballistic=True, assets=[A_M, 0.0, 0.0], radii=[1.0], values=[1.0])
    assert got.time_to_go_s == pytest.approx(expected_t, abs=TIME_TOL_S)
    assert got.impact_point_m is not None
    assert np.linalg.norm(got.impact_point_m - expected_point) < POINT_TOL_M


GEODETIC_CASES = [
    pytest.param(45.0, 30.0, 50_000.0, (1_000.0, -800.0, -1_500.0), id="45N-50km"),
    pytest.param(70.0, -20.0, 80_000.0, (-2_000.0, 500.0, 300.0), id="70N-80km-climbing"),
    pytest.param(-33.9, 151.2, 25_000.0, (300.0, 1_200.0, -900.0), id="34S-25km"),
]


@pytest.mark.parametrize(("lat_deg", "lon_deg", "height_m", "enu_velocity_mps"), GEODETIC_CASES)
def test_fall_off_the_equator_lands_on_the_ellipsoid_of_pymap3d(
    lat_deg, lon_deg, height_m, enu_velocity_mps
):
    """[PM]: the time at which pymap3d's ellipsoid height of p(t) is zero (brentq)."""
    p0 = np.array(pymap3d.geodetic2ecef(lat_deg, lon_deg, height_m))
    v = np.array(pymap3d.enu2ecefv(*enu_velocity_mps, lat_deg, lon_deg))
    expected_t, expected_point = _geodetic_impact(p0, v)
    got = _evaluate(p0, v, ballistic=True, assets=p0, radii=[1.0], values=[1.0])
    assert got.time_to_go_s == pytest.approx(expected_t, abs=TIME_TOL_S)
    assert got.impact_point_m is not None
    assert np.linalg.norm(got.impact_point_m - expected_point) < POINT_TOL_M


# --- 3. the threatened asset of a ballistic threat -----------------------------------------

# 30 km above (a, 0, 0), falling at 2 km/s: impact at (a, 0, 0) at the quadratic's time.
FALL_START_M = np.array([A_M + 30_000.0, 0.0, 0.0])
FALL_VELOCITY_MPS = np.array([-2_000.0, 0.0, 0.0])
FALL_TIME_S = _vertical_fall_time_s(30_000.0, -2_000.0)
DAMAGE_RADIUS_M = 2_000.0
EDGE_M = 5.0  # either side of radius + margin: five times the impact-point tolerance
PRIORITY_REL = TIME_TOL_S / FALL_TIME_S  # value / t: the 1 ms time tolerance, relative


@pytest.mark.parametrize(
    ("chord_m", "expected_asset"),
    [
        pytest.param(DAMAGE_RADIUS_M + THREAT_MARGIN_M - EDGE_M, 0, id="5m-inside"),
        pytest.param(DAMAGE_RADIUS_M + THREAT_MARGIN_M + EDGE_M, -1, id="5m-outside"),
    ],
)
def test_impact_threatens_an_asset_within_damage_radius_plus_margin(chord_m, expected_asset):
    """Impact (a, 0, 0) ([K]); asset on the equator `chord_m` away ([PM], chord 2a sin(dlon/2))."""
    asset = _equator_point(_lon_at_chord_deg(chord_m))
    got = _evaluate(
        FALL_START_M,
        FALL_VELOCITY_MPS,
        ballistic=True,
        assets=asset,
        radii=[DAMAGE_RADIUS_M],
        values=[1.0],
    )
    assert got.asset == expected_asset


def test_nearest_of_several_threatened_assets_is_chosen():
    """Three assets whose radius + margin all cover the impact; the nearest (listed last and
    least valuable) is chosen.  Distances by construction ([PM] equator points)."""
    assets = [
        _equator_point(_lon_at_chord_deg(8_000.0)),
        _equator_point(-_lon_at_chord_deg(6_000.0)),
        _equator_point(_lon_at_chord_deg(3_000.0)),
    ]
    got = _evaluate(
        FALL_START_M,
        FALL_VELOCITY_MPS,
        ballistic=True,
        assets=assets,
        radii=[5_000.0, 5_000.0, 5_000.0],
        values=[10.0, 5.0, 1.0],
    )
    assert got.asset == 2
    assert got.priority == pytest.approx(1.0 / FALL_TIME_S, rel=PRIORITY_REL)


def test_priority_is_the_threatened_value_per_second_to_go():
    """[RvV]: priority = value / time to go, with the quadratic's time ([K])."""
    value = 7.0
    got = _evaluate(
        FALL_START_M,
        FALL_VELOCITY_MPS,
        ballistic=True,
        assets=[[A_M, 0.0, 0.0], _equator_point(1.0)],
        radii=[DAMAGE_RADIUS_M, DAMAGE_RADIUS_M],
        values=[value, 3.0],
    )
    assert got.asset == 0
    assert got.time_to_go_s == pytest.approx(FALL_TIME_S, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(value / FALL_TIME_S, rel=PRIORITY_REL)


def test_unaimed_threat_keeps_a_fraction_of_the_smallest_asset_value():
    """Impact 50 and 100 km from the two assets (outside radius + margin): asset -1,
    priority UNAIMED_VALUE_FRACTION x min(value) / time to go."""
    got = _evaluate(
        FALL_START_M,
        FALL_VELOCITY_MPS,
        ballistic=True,
        assets=[
            _equator_point(_lon_at_chord_deg(50_000.0)),
            _equator_point(-_lon_at_chord_deg(100_000.0)),
        ],
        radii=[DAMAGE_RADIUS_M, DAMAGE_RADIUS_M],
        values=[4.0, 9.0],
    )
    assert got.asset == -1
    assert got.time_to_go_s == pytest.approx(FALL_TIME_S, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(
        UNAIMED_VALUE_FRACTION * 4.0 / FALL_TIME_S, rel=PRIORITY_REL
    )


def test_time_to_go_under_the_floor_is_floored_in_the_priority():
    """500 m above (a, 0, 0) at 2 km/s: t = 0.250 s ([K]) < MIN_TIME_TO_GO_S, so the
    priority is value / MIN_TIME_TO_GO_S while the time to go stays t."""
    expected_t = _vertical_fall_time_s(500.0, -2_000.0)
    assert expected_t < MIN_TIME_TO_GO_S
    got = _evaluate(
        [A_M + 500.0, 0.0, 0.0],
        FALL_VELOCITY_MPS,
        ballistic=True,
        assets=[A_M, 0.0, 0.0],
        radii=[DAMAGE_RADIUS_M],
        values=[6.0],
    )
    assert got.asset == 0
    assert got.time_to_go_s == pytest.approx(expected_t, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(6.0 / MIN_TIME_TO_GO_S, rel=1e-12)


# --- 4. air-breathing tracks: closest approach of a straight line ---------------------------

ASSET_LLA = (48.1, 11.6, 520.0)  # an asset near Munich, [PM] for ECEF
ASSET_M = np.array(pymap3d.geodetic2ecef(*ASSET_LLA))
AIR_RADIUS_M = 1_000.0


def _track_passing(
    asset_m: np.ndarray, enu_velocity_mps, miss_m: float, t_cpa_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """[Z] by construction: start = asset + d n - v t_cpa with n a unit vector perpendicular
    to v (horizontal when v is level), so the track is closest to the asset, d away, at t_cpa."""
    e, n, u = enu_velocity_mps
    v = np.array(pymap3d.enu2ecefv(e, n, u, ASSET_LLA[0], ASSET_LLA[1]))
    across = np.array(pymap3d.enu2ecefv(-n, e, 0.0, ASSET_LLA[0], ASSET_LLA[1]))
    across -= (across @ v) / (v @ v) * v  # exactly perpendicular also when v climbs or dives
    across /= np.linalg.norm(across)
    return asset_m + miss_m * across - v * t_cpa_s, v


@pytest.mark.parametrize(
    ("enu_velocity_mps", "miss_m", "t_cpa_s"),
    [
        pytest.param((120.0, 207.8, 0.0), 3_000.0, 187.3, id="cruise-240mps-miss-3km"),
        pytest.param((-35.0, -35.0, 0.0), 0.0, 600.0, id="drone-49mps-direct-hit"),
        pytest.param((0.0, 290.0, -40.0), 10_990.0, 45.0, id="diving-293mps-miss-10990m"),
    ],
)
def test_straight_track_threatens_the_asset_at_its_closest_approach(
    enu_velocity_mps, miss_m, t_cpa_s
):
    """[Z]: miss < radius + margin (1 km + 10 km), so the asset is threatened; the time to go
    is t_cpa and the priority value / t_cpa ([RvV])."""
    start, v = _track_passing(ASSET_M, enu_velocity_mps, miss_m, t_cpa_s)
    got = _evaluate(start, v, ballistic=False, assets=ASSET_M, radii=[AIR_RADIUS_M], values=[5.0])
    assert got.asset == 0
    assert got.time_to_go_s == pytest.approx(t_cpa_s, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(5.0 / t_cpa_s, rel=TIME_TOL_S / t_cpa_s)


def test_straight_track_missing_by_more_than_radius_plus_margin_threatens_nothing():
    """[Z]: miss 11.01 km > 1 km + 10 km at t_cpa 187.3 s: no asset; the time to go is the
    straight-line distance over the speed, sqrt(d^2 + (V t_cpa)^2) / V (Pythagoras)."""
    miss_m, t_cpa_s = AIR_RADIUS_M + THREAT_MARGIN_M + 10.0, 187.3
    start, v = _track_passing(ASSET_M, (120.0, 207.8, 0.0), miss_m, t_cpa_s)
    speed = float(np.linalg.norm(v))
    got = _evaluate(start, v, ballistic=False, assets=ASSET_M, radii=[AIR_RADIUS_M], values=[5.0])
    assert got.asset == -1
    expected_t = math.hypot(miss_m, speed * t_cpa_s) / speed
    assert got.time_to_go_s == pytest.approx(expected_t, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(
        UNAIMED_VALUE_FRACTION * 5.0 / expected_t, rel=TIME_TOL_S / expected_t
    )


def test_asset_behind_the_track_is_never_threatened():
    """[Z]: a track that passed straight over the asset 30 s ago (t_cpa = -30 s, miss 0) is
    flying away: no asset; time to go = distance / speed = 30 s."""
    start, v = _track_passing(ASSET_M, (120.0, 207.8, 0.0), 0.0, -30.0)
    got = _evaluate(start, v, ballistic=False, assets=ASSET_M, radii=[AIR_RADIUS_M], values=[5.0])
    assert got.asset == -1
    assert got.time_to_go_s == pytest.approx(30.0, abs=TIME_TOL_S)


def test_of_two_threatened_assets_the_one_reached_first_is_chosen():
    """[Z]: asset 0 passed 2 km off at 200 s, asset 1 passed 9 km off at 120 s (both within
    radius + margin): asset 1, time to go 120 s, although asset 0 is listed first, is passed
    closer and is worth more."""
    start, v = _track_passing(ASSET_M, (120.0, 207.8, 0.0), 2_000.0, 200.0)
    # the second asset: on the same track at 120 s, 9 km to the other side, across it
    across = np.array(pymap3d.enu2ecefv(-207.8, 120.0, 0.0, ASSET_LLA[0], ASSET_LLA[1]))
    across /= np.linalg.norm(across)
    second = start + v * 120.0 - 9_000.0 * across
    got = _evaluate(
        start,
        v,
        ballistic=False,
        assets=[ASSET_M, second],
        radii=[AIR_RADIUS_M, AIR_RADIUS_M],
        values=[10.0, 2.0],
    )
    assert got.asset == 1
    assert got.time_to_go_s == pytest.approx(120.0, abs=TIME_TOL_S)
    assert got.priority == pytest.approx(2.0 / 120.0, rel=TIME_TOL_S / 120.0)
