"""Exposure of hostile flights: time in the defence's detection coverage and engagement reach.

The S-400 battalion and AN/TPY-2 of ``test_exposure.py`` (39.0 N, 33.0 E), and hostile F-16s
(nominal RCS 1.2 m², scalar at every aspect here) flying due north at 10 km and 250 m/s along
a meridian east of the site. The 91N6E detects with single-look P_D ≥ 0.5 out to
R50 = 500 km × (1.2 / 4)^(1/4) = 370.0 km (the catalogue's reference range scaled by the
fourth root of the RCS ratio; Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61).
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from airguard.studies.exposure import Exposure, exposure_analysis, to_json
from tests.studies.test_exposure import SCENARIO

RE_M = 6_371_008.8  # mean Earth radius (IUGG)
SPEED = 250.0
HEIGHT_M = 10_000.0
HA_M = 6.0  # 91N6E antenna height (catalogue nominal)
R50_M = 500e3 * (1.2 / 4.0) ** 0.25
SURV = "Battalion/radar-91n6e"

FLIGHTS = """\
flights:
  - name: raid
    aircraft: f-16
    side: hostile
    route: [{lat: 34.0, lon: 34.0, alt: 10 km}, {lat: 44.0, lon: 34.0}]
    start: 0 s
    speed: 250 m/s
  - name: raid-far
    aircraft: f-16
    side: hostile
    route: [{lat: 34.0, lon: 37.0, alt: 10 km}, {lat: 44.0, lon: 37.0}]
    start: 0 s
    speed: 250 m/s
  - name: own
    aircraft: f-16
    route: [{lat: 34.0, lon: 34.0, alt: 10 km}, {lat: 44.0, lon: 34.0}]
    start: 0 s
    speed: 250 m/s
"""


def _scenario(tmp: Path, units_extra: str = "") -> Path:
    text = SCENARIO.split("flights:")[0] + FLIGHTS
    if units_extra:
        text = text.replace("    heading: 180 deg\n", "    heading: 180 deg\n" + units_extra, 1)
    path = tmp / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def exp(tmp_path_factory: pytest.TempPathFactory) -> Exposure:
    return exposure_analysis(_scenario(tmp_path_factory.mktemp("hostile")), aspect_rcs=False)


def _cross_track_m(dlon_deg: float, lat_deg: float) -> float:
    """Great-circle distance from a point to a meridian dlon away (spherical right triangle)."""
    return RE_M * math.asin(math.sin(math.radians(dlon_deg)) * math.cos(math.radians(lat_deg)))


def test_time_in_detection_range_of_a_straight_pass_is_the_chord(exp: Exposure) -> None:
    # Time inside slant range R of a straight, level pass at offset d: 2 sqrt(R² - d²) / V
    # (flat). Here on the sphere: slant R between radii (Re + ha) and (Re + ht) at central
    # angle θ (law of cosines), θ and the along-track arc s by cos θ = cos(d/Re) cos(s/Re).
    d = _cross_track_m(1.0, 39.0)  # 86.4 km
    ra, rt = RE_M + HA_M, RE_M + HEIGHT_M
    cos_theta = (ra * ra + rt * rt - R50_M**2) / (2.0 * ra * rt)
    chord_s = 2.0 * RE_M * math.acos(cos_theta / math.cos(d / RE_M)) / SPEED  # 2875.5 s
    flat_s = 2.0 * math.sqrt(R50_M**2 - d**2 - (HEIGHT_M - HA_M) ** 2) / SPEED  # 2877.4 s
    assert chord_s == pytest.approx(flat_s, abs=3.0)
    row = next(r for r in exp.rows if (r.flight, r.radar) == ("raid", SURV))
    # 8 s: one 1 s sample at each end, and the WGS84 ellipsoid the flight is flown on departs
    # from the sphere by up to 0.2 % in length (3.7 s of 2875 s)
    assert row.exposed_s == pytest.approx(chord_s, abs=8.0)
    # the unit's picture (its own radars; the battalion is in no network) holds the 91N6E's
    reach = next(r for r in exp.reach_rows if (r.flight, r.unit) == ("raid", "Battalion"))
    assert reach.detected_s == pytest.approx(chord_s, abs=8.0)


def test_engageable_is_reach_where_the_picture_covers_the_reach(exp: Exposure) -> None:
    reach = next(r for r in exp.reach_rows if (r.flight, r.unit) == ("raid", "Battalion"))
    # the interceptors reach no farther than their catalogue ground range (40N6E, 250 km):
    # inside a chord of 2 sqrt(R² - d²) / V at most; and they reach this flight somewhere
    d = _cross_track_m(1.0, 39.0)
    assert 0.0 < reach.reach_s <= 2.0 * math.sqrt(250e3**2 - d**2) / SPEED + 2.0
    # that whole stretch lies inside the 370 km detection chord, so all of it is engageable
    assert reach.reach_s < reach.detected_s
    assert reach.engageable_s == reach.reach_s
    assert reach.first_engageable_s is not None
    assert reach.last_engageable_s is not None
    assert reach.last_engageable_s - reach.first_engageable_s == pytest.approx(
        reach.reach_s - 1.0, abs=1e-9
    )


def test_a_flight_beyond_every_interceptor_range_is_seen_but_never_engageable(
    exp: Exposure,
) -> None:
    # 4° of longitude east: 259 km from the site at closest, beyond the 40N6E's 250 km
    assert _cross_track_m(4.0, 39.0) > 250e3
    far = next(r for r in exp.reach_rows if (r.flight, r.unit) == ("raid-far", "Battalion"))
    assert far.detected_s > 0.0
    assert far.reach_s == 0.0
    assert far.engageable_s == 0.0
    assert far.first_engageable_s is None


def test_friendly_flights_and_sensors_have_no_reach_rows(exp: Exposure) -> None:
    # the AN/TPY-2 has no interceptors; "own" is friendly
    assert {(r.flight, r.unit) for r in exp.reach_rows} == {
        ("raid", "Battalion"),
        ("raid-far", "Battalion"),
    }
    # the same route flown by a friendly flight: the same radar figures, by construction
    for radar in exp.radar_names:
        own = next(r for r in exp.rows if (r.flight, r.radar) == ("own", radar))
        raid = next(r for r in exp.rows if (r.flight, r.radar) == ("raid", radar))
        assert (own.view_s, own.exposed_s, own.expected_detections) == (
            raid.view_s,
            raid.exposed_s,
            raid.expected_detections,
        )
    sides = {f["name"]: f["side"] for f in to_json(exp)["flights"]}
    assert sides == {"raid": "hostile", "raid-far": "hostile", "own": "friendly"}


def test_a_unit_without_rounds_for_aircraft_has_no_reach(tmp_path: Path) -> None:
    empty = "    inventory: {missile-48n6e3: 0, missile-40n6e: 0, missile-9m96e2: 0}\n"
    exp = exposure_analysis(_scenario(tmp_path, empty), aspect_rcs=False)
    assert exp.reach_rows == []
    assert to_json(exp)["reach"] == []
