"""The ballistic-flight calculator (`airguard.trajectory.ballistic_flight`) against closed forms.

The calculator flies the engine's own integrator (`airguard.dynamics.rk4_step`);
here its results are compared with the two-body closed forms of Bate, Mueller and
White, written out in this file from the book, and with two of the book's worked
examples.

Sources
-------
[BMW]  R. R. Bate, D. D. Mueller, J. E. White, *Fundamentals of Astrodynamics*,
       Dover, 1971:
       ch. 1 — the conic r = p / (1 + e cos nu) (§1.5), energy v^2/2 - mu/r = -mu/2a
       (eq. 1.4-2), p = h^2/mu with h = r v cos(gamma), apoapsis r_a = a (1 + e);
       tan(gamma) = e sin(nu) / (1 + e cos(nu)) (flight-path angle, §1.6);
       ch. 4, §4.2 — time of flight from the eccentric anomaly,
           tan(E/2) = sqrt((1 - e)/(1 + e)) tan(nu/2),
           t2 - t1 = sqrt(a^3/mu) [(E2 - e sin E2) - (E1 - e sin E1)];
       ch. 6, §6.2 — Q = v^2 r / mu (eq. 6.2-1), e^2 = 1 + Q (Q - 2) cos^2(gamma),
       the free-flight range equation
           cos(Psi/2) = (1 - Q cos^2 gamma) / sqrt(1 + Q (Q - 2) cos^2 gamma)   (eq. 6.2-12)
       and the flight-path-angle equation
           sin(2 gamma + Psi/2) = ((2 - Q) / Q) sin(Psi/2)                      (eq. 6.2-16);
       worked examples of §6.2 (1st ed., pp. 290-291):
         (1) h_bo = 0.2 DU, v_bo = 2/3 DU/TU, h_apogee = 0.5 DU, symmetric trajectory:
             Q = 0.533, cos(gamma) = 0.625 (gamma = 51.3 deg), Psi = 36.4 deg;
         (2) burnout at 30 N 60 E, re-entry planned at 30 S 60 W, Q = 1.2:
             cos(Psi) = -0.625 (Psi = 128.68 deg), gamma_bo = 39.36 deg.
       Ch. 6 also treats the rotating Earth: the launch site's eastward speed
       omega R cos(latitude) adds to the burnout velocity in inertial space, and the
       target turns with the Earth during the time of flight.
       (Equation numbers and example data as used by an independent implementation
       of the chapter, github.com/lemming622/BMW_test_package, not re-read from the
       book; the formulas themselves are derived again above.)
[TR]   NIMA TR8350.2, 3rd ed. (2000), Table 3.1: GM = 3.986004418e14 m^3/s^2,
       a = 6 378 137 m, omega = 7.292115e-5 rad/s.

The worked examples are dimensionless: Psi and gamma depend only on Q and on the
ratio of burnout to re-entry radius.  A symmetric trajectory (re-entry at the
burnout radius) is therefore flown here from a burnout on the surface (altitude 0)
with the example's Q, where the calculator's impact is the book's re-entry; all
radii scale by R / r_bo and angles are unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from airguard.trajectory import ballistic_flight

MU = 3.986004418e14  # m^3/s^2, [TR]
R_M = 6_378_137.0  # the sphere's radius, m, [TR] (WGS84 a)
OMEGA = 7.292115e-5  # rad/s, [TR]
VACUUM_SPHERE = {"earth": "sphere", "rotating": False, "drag": False}


def _conic_flight(
    altitude_m: float, speed_mps: float, gamma_deg: float
) -> tuple[float, float, float]:
    """[BMW] two-body flight from burnout at `altitude_m` down to r = R, on the sphere.

    Returns (ground range R Psi m, apogee altitude m, time of flight s).
    """
    r0 = R_M + altitude_m
    g = math.radians(gamma_deg)
    q = speed_mps**2 * r0 / MU  # eq. 6.2-1
    a = r0 / (2.0 - q)  # eq. 1.4-2 with v^2 = Q mu / r
    p = r0 * q * math.cos(g) ** 2  # h^2 / mu
    e = math.sqrt(1.0 + q * (q - 2.0) * math.cos(g) ** 2)
    # burnout true anomaly from e cos(nu) = p/r - 1 and e sin(nu) = (p/r) tan(gamma)
    nu0 = math.atan2(p / r0 * math.tan(g), p / r0 - 1.0) % (2.0 * math.pi)
    # impact: r = R on the descending branch, pi < nu < 2 pi
    nu1 = 2.0 * math.pi - math.acos((p / R_M - 1.0) / e)

    def mean_anomaly(nu: float) -> float:
        big_e = 2.0 * math.atan2(
            math.sqrt(1.0 - e) * math.sin(nu / 2), math.sqrt(1.0 + e) * math.cos(nu / 2)
        )
        big_e %= 2.0 * math.pi
        return big_e - e * math.sin(big_e)

    t = math.sqrt(a**3 / MU) * (mean_anomaly(nu1) - mean_anomaly(nu0))
    return R_M * (nu1 - nu0), a * (1.0 + e) - R_M, t


def _surface_distance_m(p: np.ndarray, lat_deg: float, lon_deg: float) -> float:
    """Great-circle distance on the sphere from ECEF point `p` to a geocentric lat/lon."""
    la, lo = math.radians(lat_deg), math.radians(lon_deg)
    q = np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])
    return R_M * math.atan2(float(np.linalg.norm(np.cross(p, q))), float(p @ q))


# --- BMW worked examples ------------------------------------------------------------------


def test_bmw_example_symmetric_trajectory_range_36_4_deg() -> None:
    """[BMW] §6.2 example (1): Q = 8/15, cos(gamma) = 0.625 gives Psi = 36.4 deg.

    From the example's data, Q = (2/3)^2 1.2 = 8/15 and cos(gamma) = h/(r v)
    = 0.5/(1.2 * 2/3) = 0.625, so eq. 6.2-12 gives cos(Psi/2) = 0.79167/0.83333
    = 0.95 exactly: Psi = 36.3897 deg, printed as 36.4 deg.  Flown from the
    surface: range R Psi = 4 050 887.85 m.  Tolerances: 10 m against the exact
    value; 0.05 deg (half the printed digit, 5.6 km) against the printed one.
    """
    speed = math.sqrt(8.0 / 15.0 * MU / R_M)  # 5773.26 m/s
    gamma = math.degrees(math.acos(0.625))  # 51.318 deg
    flight = ballistic_flight(0.0, speed, gamma, **VACUUM_SPHERE)
    assert flight.ground_range_m == pytest.approx(R_M * 2.0 * math.acos(0.95), abs=10.0)  # m
    assert math.degrees(flight.ground_range_m / R_M) == pytest.approx(36.4, abs=0.05)  # deg


def test_bmw_example_symmetric_trajectory_apogee_0_25_radius() -> None:
    """[BMW] §6.2 example (1): apogee 0.5 DU above a burnout 0.2 DU up (r_a / r_bo = 1.25).

    Scaled to a burnout on the surface, the apogee is 0.25 R = 1 594 534.25 m
    above it.  Tolerance 5 m.
    """
    speed = math.sqrt(8.0 / 15.0 * MU / R_M)
    gamma = math.degrees(math.acos(0.625))
    flight = ballistic_flight(0.0, speed, gamma, **VACUUM_SPHERE)
    assert flight.apogee_altitude_m == pytest.approx(0.25 * R_M, abs=5.0)  # m


def test_bmw_example_burnout_30n_60e_lands_at_30s_60w() -> None:
    """[BMW] §6.2 example (2): from 30 N 60 E to 30 S 60 W with Q = 1.2, gamma = 39.36 deg.

    cos(Psi) = sin(30) sin(-30) + cos(30) cos(-30) cos(120) = -0.625 (Psi =
    128.68 deg, 14 324 km); eq. 6.2-16 gives gamma = 39.3614 deg (printed
    39.36), used unrounded because 0.005 deg of gamma moves the impact 1.6 km.
    Fired along the initial great-circle bearing to the re-entry point
    (-106.10 deg), the body must come down on it.  Tolerance 10 m, on both the
    ground range and the distance of the impact from 30 S 60 W.
    """
    q = 1.2
    psi = math.acos(-0.625)
    gamma = 0.5 * (math.pi - math.asin((2.0 - q) / q * math.sin(psi / 2.0)) - psi / 2.0)
    assert math.degrees(gamma) == pytest.approx(39.36, abs=0.005)  # the printed value
    p1, l1, p2, l2 = map(math.radians, (30.0, 60.0, -30.0, -60.0))
    bearing = math.atan2(
        math.sin(l2 - l1) * math.cos(p2),
        math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(l2 - l1),
    )
    flight = ballistic_flight(
        0.0,
        math.sqrt(q * MU / R_M),
        math.degrees(gamma),
        latitude_deg=30.0,
        longitude_deg=60.0,
        azimuth_deg=math.degrees(bearing),
        **VACUUM_SPHERE,
    )
    assert flight.ground_range_m == pytest.approx(R_M * psi, abs=10.0)  # m
    assert _surface_distance_m(flight.position_m[-1], -30.0, -60.0) < 10.0  # m


# --- closed forms from 100 km burnout ----------------------------------------------------

CASES_100_KM = [(2000.0, 45.0), (3000.0, 30.0), (7000.0, 20.0)]


@pytest.mark.parametrize(("speed_mps", "gamma_deg"), CASES_100_KM)
def test_vacuum_range_from_100_km_matches_conic(speed_mps: float, gamma_deg: float) -> None:
    """[BMW] ch. 1, §6.2: range angle nu_impact - nu_burnout of the conic, to r = R.

    2000 m/s at 45 deg: 512 072.566 m; 3000 m/s at 30 deg: 1 054 784.466 m;
    7000 m/s at 20 deg: 9 345 927.742 m.  Tolerance 10 m.
    """
    published_m, _, _ = _conic_flight(100e3, speed_mps, gamma_deg)
    flight = ballistic_flight(100e3, speed_mps, gamma_deg, **VACUUM_SPHERE)
    assert flight.ground_range_m == pytest.approx(published_m, abs=10.0)  # m


@pytest.mark.parametrize(("speed_mps", "gamma_deg"), CASES_100_KM)
def test_vacuum_apogee_from_100_km_matches_conic(speed_mps: float, gamma_deg: float) -> None:
    """[BMW] ch. 1: apogee a (1 + e) - R.

    2000 m/s at 45 deg: 210 648.682 m; 3000 m/s at 30 deg: 235 653.706 m;
    7000 m/s at 20 deg: 1 113 302.984 m.  Tolerance 5 m.
    """
    _, published_m, _ = _conic_flight(100e3, speed_mps, gamma_deg)
    flight = ballistic_flight(100e3, speed_mps, gamma_deg, **VACUUM_SPHERE)
    assert flight.apogee_altitude_m == pytest.approx(published_m, abs=5.0)  # m


@pytest.mark.parametrize(("speed_mps", "gamma_deg"), CASES_100_KM)
def test_vacuum_time_of_flight_from_100_km_matches_kepler(
    speed_mps: float, gamma_deg: float
) -> None:
    """[BMW] §4.2: Kepler's equation from the burnout to the impact eccentric anomaly.

    2000 m/s at 45 deg: 373.920 s; 3000 m/s at 30 deg: 421.425 s;
    7000 m/s at 20 deg: 1740.960 s.  Tolerance 0.1 s.
    """
    _, _, published_s = _conic_flight(100e3, speed_mps, gamma_deg)
    flight = ballistic_flight(100e3, speed_mps, gamma_deg, **VACUUM_SPHERE)
    assert flight.flight_time_s == pytest.approx(published_s, abs=0.1)  # s


def test_flat_earth_limit_300_mps_at_45_deg() -> None:
    """Low speed: the range tends to the flat-Earth v^2 sin(2 gamma) / g, g = mu / R^2.

    300 m/s at 45 deg from the surface: v^2/g = 9185.28 m (g = 9.7982 m/s^2).
    The Earth's curvature and gravity's fall with height lengthen it by
    O(h_max / R) ~ 4e-4; tolerance 0.5 % (46 m).
    """
    flat_m = 300.0**2 / (MU / R_M**2)
    flight = ballistic_flight(0.0, 300.0, 45.0, **VACUUM_SPHERE)
    assert flight.ground_range_m == pytest.approx(flat_m, rel=0.005)  # m


def test_impact_does_not_depend_on_the_step() -> None:
    """The last step is cut to end on the surface, so the step changes only RK4's truncation.

    3000 m/s at 30 deg from 100 km, steps 0.5, 1, 2 and 5 s: ranges within 1 cm,
    times within 1 ms of each other; the last sample is at height 0 within 1 µm.
    """
    flights = [
        ballistic_flight(100e3, 3000.0, 30.0, step_s=h, **VACUUM_SPHERE)
        for h in (0.5, 1.0, 2.0, 5.0)
    ]
    ranges = [f.ground_range_m for f in flights]
    times = [f.flight_time_s for f in flights]
    assert max(ranges) - min(ranges) < 0.01  # m
    assert max(times) - min(times) < 1e-3  # s
    for f in flights:
        assert abs(f.altitude_m[-1]) < 1e-6  # m


# --- the rotating Earth -------------------------------------------------------------------


@pytest.mark.parametrize("azimuth_deg", [90.0, 270.0])
def test_rotating_sphere_equatorial_shot_matches_inertial_conic(azimuth_deg: float) -> None:
    """[BMW] ch. 6, rotating Earth: add the site's speed omega R, fly the conic, turn the Earth.

    2000 m/s at 45 deg along the equator, from the surface.  In inertial space
    the burnout velocity is (v cos(gamma) +- omega R, v sin(gamma)); the conic
    gives the inertial range angle Psi_i and time t; the ground below has
    turned omega t eastward meanwhile, so the Earth-fixed range is
    R (Psi_i -+ omega t): east 429 114.253 m, west 417 146.078 m (421 577.655 m
    without rotation).  Tolerance 10 m.
    """
    sign = 1.0 if azimuth_deg == 90.0 else -1.0
    g = math.radians(45.0)
    horizontal = 2000.0 * math.cos(g) + sign * OMEGA * R_M
    vertical = 2000.0 * math.sin(g)
    inertial_range_m, _, t = _conic_flight(
        0.0, math.hypot(horizontal, vertical), math.degrees(math.atan2(vertical, horizontal))
    )
    published_m = inertial_range_m - sign * OMEGA * R_M * t
    flight = ballistic_flight(
        0.0, 2000.0, 45.0, earth="sphere", rotating=True, drag=False, azimuth_deg=azimuth_deg
    )
    assert flight.ground_range_m == pytest.approx(published_m, abs=10.0)  # m


@pytest.mark.parametrize("earth", ["sphere", "wgs84"])
def test_eastward_shot_outranges_westward_on_the_rotating_earth(earth: str) -> None:
    """[BMW] ch. 6: a shot to the east gains the site's eastward speed omega R cos(lat).

    It leaves faster in inertial space (465 m/s more at the equator than a
    westward one loses), which outweighs the Earth turning under it, so it
    flies farther.  5000 m/s at 30 deg from the equator (vacuum): east exceeds
    west by 459 km on the sphere; here only the sense, and a margin of 5 %.
    """
    east = ballistic_flight(0.0, 5000.0, 30.0, earth=earth, drag=False, azimuth_deg=90.0)
    west = ballistic_flight(0.0, 5000.0, 30.0, earth=earth, drag=False, azimuth_deg=270.0)
    assert east.ground_range_m > 1.05 * west.ground_range_m


# --- drag ---------------------------------------------------------------------------------


def test_drag_shortens_range_more_as_ballistic_coefficient_falls() -> None:
    """Drag -1/2 rho v^2 / beta removes energy, and more of it the lower beta.

    2000 m/s at 45 deg from the surface of the non-rotating sphere, US76 air,
    0.1 s steps: vacuum 421.6 km; beta 1e5, 1e4, 1e3 kg/m^2 give 363.6, 102.7 and
    5.6 km.  Property: strictly decreasing with falling beta, each below vacuum.
    """
    vacuum = ballistic_flight(0.0, 2000.0, 45.0, **VACUUM_SPHERE).ground_range_m
    ranges = [
        ballistic_flight(
            0.0,
            2000.0,
            45.0,
            earth="sphere",
            rotating=False,
            drag=True,
            ballistic_coefficient_kg_m2=beta,
            step_s=0.1,
        ).ground_range_m
        for beta in (1e5, 1e4, 1e3)
    ]
    assert vacuum > ranges[0] > ranges[1] > ranges[2] > 0.0


# --- API contract ---------------------------------------------------------------------------


def test_sampled_trajectory_shapes_and_ends() -> None:
    """Samples start at burnout (t = 0, the burnout altitude) and end at impact (height 0)."""
    flight = ballistic_flight(100e3, 2000.0, 45.0, ballistic_coefficient_kg_m2=5000.0)
    n = flight.time_s.shape[0]
    assert flight.position_m.shape == (n, 3)
    assert flight.velocity_mps.shape == (n, 3)
    assert flight.altitude_m.shape == (n,)
    assert flight.time_s[0] == 0.0
    assert flight.time_s[-1] == flight.flight_time_s
    assert flight.altitude_m[0] == pytest.approx(100e3, abs=1.0)  # m, geodetic vs radial height
    assert abs(flight.altitude_m[-1]) < 1e-6  # m
    assert not flight.time_s.flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"burnout_speed_mps": -1.0}, "burnout_speed_mps"),
        ({"burnout_altitude_m": -5.0}, "burnout_altitude_m"),
        ({"flight_path_angle_deg": 90.0}, "flight_path_angle_deg"),
        ({"flight_path_angle_deg": -95.0}, "flight_path_angle_deg"),
        ({"earth": "flat"}, "earth"),
        ({"drag": True, "ballistic_coefficient_kg_m2": None}, "ballistic_coefficient_kg_m2"),
        ({"drag": True, "ballistic_coefficient_kg_m2": -2.0}, "ballistic_coefficient_kg_m2"),
        ({"step_s": 0.0}, "step_s"),
        ({"burnout_speed_mps": math.nan}, "burnout_speed_mps"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(
    kwargs: dict[str, object], names: str
) -> None:
    """Each refused input raises ValueError whose message starts with the argument's name."""
    call: dict[str, object] = {
        "burnout_altitude_m": 100e3,
        "burnout_speed_mps": 2000.0,
        "flight_path_angle_deg": 45.0,
        "drag": False,
    }
    call.update(kwargs)
    with pytest.raises(ValueError, match=f"^{names}"):
        ballistic_flight(**call)  # type: ignore[arg-type]


def test_orbital_speed_is_refused() -> None:
    """A burnout at circular speed never comes down: ValueError, not an endless loop."""
    speed = math.sqrt(MU / (R_M + 300e3))
    with pytest.raises(ValueError, match="has not come down"):
        ballistic_flight(300e3, speed, 0.0, step_s=10.0, **VACUUM_SPHERE)
