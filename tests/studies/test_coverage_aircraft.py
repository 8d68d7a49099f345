"""Hostile aircraft in the coverage maps: mapped at their flights' cruise height.

The S-400 battalion of ``tests/studies/test_exposure.py`` on a smooth Earth, with the
hostile F-16 flights of ``tests/studies/test_exposure_hostile.py`` at 10 km above the
ellipsoid. The 91N6E detects an F-16 (nominal 1.2 m²) with single-look P_D ≥ 0.5 out to
the slant range R50 = 500 km × (1.2 / 4)^(1/4) = 370.0 km (the catalogue's reference range
scaled by the fourth root of the RCS ratio; Skolnik, *Introduction to Radar Systems*, 3rd ed.,
eq. 2.61): at 10 km that is a ground range of 369.7 km (law of cosines on the sphere); at the
0 m the maps used before, the 91N6E's 6 m antenna would see no farther than its radio
horizon, about 20 km.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pymap3d
import pytest

from airguard.studies.coverage import Coverage, coverage_grid
from tests.studies.test_exposure import SCENARIO
from tests.studies.test_exposure_hostile import FLIGHTS

RE_M = 6_371_008.8  # mean Earth radius (IUGG R1)
HA_M = 6.0  # 91N6E antenna above the site (catalogue nominal)
R50_M = 500e3 * (1.2 / 4.0) ** 0.25
BOUNDS = (38.9, 32.9, 39.1, 38.0)  # a strip east of the site (39.0 N, 33.0 E)
CELL_M = 1000.0


def _path(tmp: Path, text: str, name: str) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Coverage:
    tmp = tmp_path_factory.mktemp("coverage-aircraft")
    text = SCENARIO.split("flights:")[0] + FLIGHTS
    return coverage_grid(_path(tmp, text, "hostile"), bounds=BOUNDS, resolution_m=CELL_M)


def _east_edge_m(cov: Coverage, threat: str, level: float = 0.5) -> float:
    """Distance from the site to the farthest cell east on the site's row with P_D ≥ level
    (pymap3d's geodesy, independent of airguard's)."""
    t = cov.threat_names.index(threat)
    u = cov.unit_names.index("Battalion")
    i = int(np.argmin(np.abs(cov.lat_deg - 39.0)))
    seen = np.nonzero(cov.pd[u, t, i, :] >= level)[0]
    j = int(seen.max())
    e, n, _ = pymap3d.geodetic2enu(
        float(cov.lat_deg[i]), float(cov.lon_deg[j]), 0.0, 39.0, 33.0, 0.0
    )
    return math.hypot(e, n)


def test_a_hostile_aircraft_is_mapped_at_its_flights_cruise_height(hostile: Coverage) -> None:
    t = hostile.threat_names.index("f-16")
    assert hostile.threat_classes[t] == "aircraft"
    assert hostile.altitude_m[t] == pytest.approx(10_000.0)
    assert hostile.altitude_reference[t] == "ellipsoid"


def test_the_detection_edge_is_the_range_equation_at_the_cruise_height(hostile: Coverage) -> None:
    ra, rt = RE_M + HA_M, RE_M + 10_000.0
    ground_m = RE_M * math.acos((ra * ra + rt * rt - R50_M**2) / (2.0 * ra * rt))  # 369.7 km
    # one cell, and the WGS84 ellipsoid's east-west radius at 39° N against the sphere
    # (0.24 %, 0.9 km at 369 km)
    assert _east_edge_m(hostile, "f-16") == pytest.approx(ground_m, abs=CELL_M + 1_000.0)


def test_the_height_is_above_the_ellipsoid_not_each_site(tmp_path: Path) -> None:
    # the battalion on a 500 m site: the same aircraft at 10 km above the ellipsoid is 9.5 km
    # above the site; mapping the type at 9.5 km above the site gives the same cells
    text = (SCENARIO.split("flights:")[0] + FLIGHTS).replace(
        "  - name: Battalion\n    system: s-400\n    position: {lat: 39.0, lon: 33.0, alt: 0 m}",
        "  - name: Battalion\n    system: s-400\n    position: {lat: 39.0, lon: 33.0, alt: 500 m}",
    )
    assert "alt: 500 m" in text
    path = _path(tmp_path, text, "raised")
    flown = coverage_grid(path, bounds=BOUNDS, resolution_m=4_000.0, threats=["f-16"])
    above_site = coverage_grid(
        path, bounds=BOUNDS, resolution_m=4_000.0, threats=["f-16"], altitude_m={"f-16": 9_500.0}
    )
    assert flown.altitude_reference == ["ellipsoid"]
    assert above_site.altitude_reference == ["site"]
    u = flown.unit_names.index("Battalion")
    np.testing.assert_array_equal(flown.pd[u], above_site.pd[u])
    np.testing.assert_array_equal(flown.engageable[u], above_site.engageable[u])
    assert flown.engageable[u].any()


def test_friendly_flights_are_not_mapped(tmp_path: Path) -> None:
    # test_exposure's scenario: four friendly F-16 flights and a drone raid
    cov = coverage_grid(_path(tmp_path, SCENARIO, "friendly"), bounds=BOUNDS, resolution_m=10_000.0)
    assert cov.threat_names == ["shahed-136"]


def test_the_command_says_the_height_is_above_the_ellipsoid(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from airguard.cli import app

    path = _path(tmp_path, SCENARIO.split("flights:")[0] + FLIGHTS, "cli")
    result = CliRunner().invoke(
        app, ["coverage", str(path), "--resolution", "20 km", "--bounds", "38.9,32.9,39.1,38.0"]
    )
    assert result.exit_code == 0, result.stderr
    assert "f-16 10.00 km above the ellipsoid" in result.stdout
    assert "shahed-136 0.15 km," in result.stdout or "shahed-136 0.15 km\n" in result.stdout
