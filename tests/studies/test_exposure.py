"""Exposure of friendly flights against hand-computed horizon, range-equation and geometry values.

One S-400 battalion on a smooth Earth at (39.0 N, 33.0 E, 0 m), its 91N6E surveillance
radar (360°, reference range 500 km for 4 m² at P_D 0.5, P_fa 1e-6, antenna 6 m — the
catalogue's nominal figures) and its 92N6E engagement radar (90° sector, boresight south),
an AN/TPY-2 sensor at the same site (120° sector, boresight north, minimum elevation -1°,
antenna 4 m), and F-16 flights (RCS low 1 m², nominal 1.2 m², Swerling 1) at 250 m/s on straight routes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard.studies.exposure import Exposure, ExposureRow, exposure_analysis

RE_M = 6_371_008.8  # mean Earth radius (IUGG), the radius the engine's 4/3 Earth scales
AE_M = 4.0 / 3.0 * RE_M
SITE = (39.0, 33.0)
HA_M = 6.0  # 91N6E antenna height above the site (catalogue nominal)
SPEED = 250.0
STEP = 1.0
REF_RANGE_M, REF_RCS_M2, PFA = 500e3, 4.0, 1e-6
# Swerling 1, one pulse: P_D = P_fa^(1 / (1 + SNR)) (Skolnik, Introduction to Radar Systems,
# 3rd ed., §2.8; Richards, Fundamentals of Radar Signal Processing, 2nd ed., eq. 6.58), so the
# SNR that gives P_D = 0.5 is ln P_fa / ln 0.5 - 1
SNR_REF = math.log(PFA) / math.log(0.5) - 1.0

SCENARIO = """\
name: Exposure test
duration: 40 min
assets:
  - name: Base
    position: {lat: 39.0, lon: 33.0, alt: 0 m}
    radius: 1 km
units:
  - name: Battalion
    system: s-400
    position: {lat: 39.0, lon: 33.0, alt: 0 m}
    heading: 180 deg
networks:
  - name: nato
    latency: 2 s
sensors:
  - name: TPY
    system: an-tpy-2
    position: {lat: 39.0, lon: 33.0, alt: 0 m}
    heading: 0 deg
    network: nato
raids:
  - name: Drone
    threat: shahed-136
    count: 1
    launch_area: {lat: 38.5, lon: 33.5, alt: 400 m, radius: 1 km}
    launch_window: {start: 0 s, end: 10 s}
    target: Base
flights:
  - name: low
    aircraft: f-16
    route: [{lat: 40.0, lon: 33.0, alt: 300 m}, {lat: 39.05, lon: 33.0}]
    start: 0 s
    speed: 250 m/s
  - name: high
    aircraft: f-16
    route: [{lat: 42.9, lon: 33.0, alt: 12 km}, {lat: 39.3, lon: 33.0}]
    start: 0 s
    speed: 250 m/s
  - name: pass
    aircraft: f-16
    route: [{lat: 38.5, lon: 33.5, alt: 8 km}, {lat: 39.5, lon: 33.5}]
    start: 100 s
    speed: 250 m/s
  - name: over
    aircraft: f-16
    route: [{lat: 40.0, lon: 33.0, alt: 10 km}, {lat: 38.0, lon: 33.0}]
    start: 0 s
    speed: 250 m/s
"""

SURV, ENG, TPY = "Battalion/radar-91n6e", "Battalion/radar-92n6e", "TPY/an-tpy-2-radar"


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Exposure:
    path = tmp_path_factory.mktemp("exposure") / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return exposure_analysis(path, levels=("low", "nominal"))


def _row(exp: Exposure, flight: str, radar: str, level: str = "nominal") -> ExposureRow:
    return next(r for r in exp.rows if (r.flight, r.radar, r.rcs_level) == (flight, radar, level))


def _index(exp: Exposure, flight: str, radar: str) -> tuple[int, int]:
    return [f.name for f in exp.flights].index(flight), exp.radar_names.index(radar)


def test_first_exposure_of_a_low_flyer_is_at_the_4_3_earth_horizon(exp: Exposure) -> None:
    # Skolnik, Introduction to Radar Systems, 3rd ed., §8.2: d = sqrt(2 k Re ha) + sqrt(2 k Re ht),
    # for the AN/TPY-2 (antenna 4 m; its -1° minimum elevation is below the horizon's -0.05°)
    horizon = math.sqrt(2 * AE_M * 4.0) + math.sqrt(2 * AE_M * 300.0)  # 80.6 km
    f, r = _index(exp, "low", TPY)
    look = exp.looks[f][r]
    first = int(np.argmax(look.in_view))
    assert first > 0  # out of view at the route's start (111 km)
    # the sample before is beyond the horizon, the first in view within one sample of travel;
    # 5 m allows for the h² terms the textbook form drops (0.6 m at 300 m)
    assert horizon - SPEED * STEP - 5.0 <= look.range_m[first] <= horizon + 5.0
    assert look.range_m[first - 1] > horizon - 5.0
    # the P_D is near 1 there (the reference range is 1500 km for 0.1 m²): exposed from then on
    row = _row(exp, "low", TPY)
    assert row.first_exposed_s == pytest.approx(exp.flights[f].time_s[first])


def test_zero_minimum_elevation_cuts_in_before_the_horizon(exp: Exposure) -> None:
    # the 91N6E looks no lower than 0°: on the 4/3 Earth the target rises above the antenna's
    # horizontal plane at R² = 2 a_e (ht - ha) + ht² - ha² (70.7 km), inside the 81.5 km horizon
    ha, ht = HA_M, 300.0
    r0 = math.sqrt(2 * AE_M * (ht - ha) + ht**2 - ha**2)
    f, r = _index(exp, "low", SURV)
    look = exp.looks[f][r]
    first = int(np.argmax(look.in_view))
    assert r0 - SPEED * STEP - 1.0 <= look.range_m[first] <= r0 + 1.0
    assert look.elevation_deg[first] >= 0.0 > look.elevation_deg[first - 1]


@pytest.mark.parametrize(("level", "rcs_m2"), [("low", 1.0), ("nominal", 1.2)])
def test_pd_half_range_is_reference_range_scaled_by_rcs_to_the_quarter(
    exp: Exposure, level: str, rcs_m2: float
) -> None:
    # calibration of world.radar_row: SNR = K σ / R^4 with K from the reference range
    # (Skolnik eq. 2.61), so P_D = 0.5 at R_ref (σ / σ_ref)^(1/4): 353.6 km, 370.0 km
    r50 = REF_RANGE_M * (rcs_m2 / REF_RCS_M2) ** 0.25
    f, r = _index(exp, "high", SURV)
    look = exp.looks[f][r]
    assert look.in_view[0]  # 433 km at 12 km height: inside the 461 km horizon, not limiting
    t = exp.flights[f].time_s
    row = _row(exp, "high", SURV, level)
    assert row.first_exposed_s is not None
    k = int(np.searchsorted(t, row.first_exposed_s))
    assert r50 - SPEED * STEP - 1.0 <= look.range_m[k] <= r50 + 1.0
    assert exp.pd[f][level][r, k] >= 0.5 > exp.pd[f][level][r, k - 1]


def test_snr_and_pd_at_a_sample_match_the_range_equation(exp: Exposure) -> None:
    f, r = _index(exp, "high", SURV)
    look = exp.looks[f][r]
    for k in (0, 300, 1000):
        rng = float(look.range_m[k])
        snr = SNR_REF * (REF_RANGE_M / rng) ** 4 * 1.2 / REF_RCS_M2
        assert exp.snr_db[f]["nominal"][r, k] == pytest.approx(10 * math.log10(snr), abs=1e-6)
        assert exp.pd[f]["nominal"][r, k] == pytest.approx(PFA ** (1 / (1 + snr)), abs=1e-6)


def test_closest_approach_of_a_straight_pass_is_the_perpendicular_distance(exp: Exposure) -> None:
    # cross-track distance of the radar from the meridian route (Williams, Aviation Formulary:
    # xt = asin(sin(d13) sin(θ13 - θ12)) on the sphere), then the slant range between
    # radii Re + ha and Re + ht across that angle (law of cosines)
    lat1, lon1 = math.radians(38.5), math.radians(33.5)
    lat3, lon3 = map(math.radians, SITE)
    d13 = 2 * math.asin(
        math.sqrt(
            math.sin((lat3 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat3) * math.sin((lon3 - lon1) / 2) ** 2
        )
    )
    b13 = math.atan2(
        math.sin(lon3 - lon1) * math.cos(lat3),
        math.cos(lat1) * math.sin(lat3) - math.sin(lat1) * math.cos(lat3) * math.cos(lon3 - lon1),
    )
    xt = abs(math.asin(math.sin(d13) * math.sin(b13 - 0.0)))  # route bearing 0 (north)
    at = math.acos(math.cos(d13) / math.cos(xt))
    ra, rt = RE_M + HA_M, RE_M + 8000.0
    slant = math.sqrt(ra**2 + rt**2 - 2 * ra * rt * math.cos(xt))  # 43.9 km
    row = _row(exp, "pass", SURV)
    # 0.5 %: the engine's WGS84 ellipsoid against the hand computation's mean sphere
    assert row.closest_range_m == pytest.approx(slant, rel=5e-3)
    assert row.closest_time_s == pytest.approx(100.0 + at * RE_M / SPEED, rel=5e-3)


def test_aspect_is_beam_at_closest_approach(exp: Exposure) -> None:
    f, r = _index(exp, "pass", SURV)
    look = exp.looks[f][r]
    k = int(np.argmin(look.range_m))
    # v · (radar - aircraft) = 0 at the minimum of range: 90°; the line of sight turns
    # v / R = 0.33°/s there, half a sample is 0.2°
    assert look.aspect_deg[k] == pytest.approx(90.0, abs=0.25)


def test_aspect_is_nose_on_approaching_and_tail_after_passing(exp: Exposure) -> None:
    f, r = _index(exp, "over", SURV)
    look = exp.looks[f][r]
    fs = exp.flights[f]
    ra, rt = RE_M + HA_M, RE_M + 10_000.0
    for lat, expected in ((39.9, "nose"), (38.1, "tail")):
        k = int(np.argmin(np.abs(fs.lat_deg - lat)))
        theta = abs(math.radians(fs.lat_deg[k] - SITE[0]))
        # the line of sight to the radar dips below the horizontal flight path by the
        # depression angle, tan δ = (rt - ra cos θ) / (ra sin θ) on the sphere
        dep = math.degrees(math.atan2(rt - ra * math.cos(theta), ra * math.sin(theta)))
        want = dep if expected == "nose" else 180.0 - dep
        assert look.aspect_deg[k] == pytest.approx(want, abs=0.1)


def test_sector_radar_looking_away_sees_nothing(exp: Exposure) -> None:
    # the 92N6E looks south (135-225° azimuth): the flight north of the site is never in view
    away = _row(exp, "high", ENG)
    assert away.view_s == 0.0
    assert away.exposed_s == 0.0
    assert away.expected_detections == 0.0
    assert away.first_exposed_s is None
    assert _row(exp, "high", SURV).view_s > 0.0
    # the pass starts south of the site, inside the sector
    assert _row(exp, "pass", ENG).view_s > 0.0


def test_looks_and_expected_detections_follow_the_scan_period(exp: Exposure) -> None:
    row = _row(exp, "high", SURV)
    f, r = _index(exp, "high", SURV)
    period = 10.0  # 91N6E catalogue scan period
    assert row.looks == pytest.approx(row.exposed_s / period)
    assert row.expected_detections == pytest.approx(
        float(exp.pd[f]["nominal"][r].sum()) * STEP / period
    )
    assert row.expected_detections <= row.looks_in_view
    assert sum(row.aspect_view_s) == pytest.approx(row.view_s)


def test_route_duration_is_length_over_speed(exp: Exposure) -> None:
    # 0.95° of meridian ≈ 105.6 km at 250 m/s: 422 s (mean-sphere great circle, the engine's)
    fs = exp.flights[[f.name for f in exp.flights].index("low")]
    length = RE_M * math.radians(0.95)
    assert fs.time_s[-1] == pytest.approx(length / SPEED, abs=STEP)
    assert np.allclose(fs.height_m, 300.0, atol=0.5)


def test_scenario_without_flights_is_refused(tmp_path: Path) -> None:
    from airguard.errors import InputError

    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.split("flights:")[0], encoding="utf-8")
    with pytest.raises(InputError, match="flights"):
        exposure_analysis(path)
