"""`airguard coverage` end to end, and the GeoTIFF, GeoJSON and PNG it writes.

The rasters must be georeferenced in geographic WGS84 (EPSG:4326) with the grid's exact
bounds, north up; the GeoJSON must follow RFC 7946 (positions as [longitude, latitude],
closed rings, exterior rings counter-clockwise); bad input must give one line naming the
file, line and field or the option, and exit status 2.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.path import Path as MplPath
from typer.testing import CliRunner

from airguard.cli import app
from airguard.studies.coverage import coverage_grid, to_geojson

rasterio = pytest.importorskip("rasterio")

SMALL = (
    Path(__file__).parents[1] / "data" / "small.yaml"
)  # one Patriot battery, or one S-400 battalion
SITE = (37.05, 35.55)  # the unit's site in small.yaml
BOUNDS = (36.2, 34.5, 37.9, 36.6)
BOUNDS_ARG = ",".join(str(b) for b in BOUNDS)
RE_M = 6_371_008.8

runner = CliRunner()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("coverage")
    result = runner.invoke(
        app,
        ["coverage", str(SMALL), "--out", str(out), "--resolution", "5km", "--bounds", BOUNDS_ARG],
    )
    assert result.exit_code == 0, result.stderr
    return out


def test_without_out_it_prints_the_areas_and_writes_nothing(tmp_path: Path) -> None:
    args = ["coverage", str(SMALL), "--variant", "patriot", "--resolution", "5km"]
    result = runner.invoke(app, [*args, "--bounds", BOUNDS_ARG, "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["variant"] == "patriot"
    assert data["directory"] is None
    assert data["files"] == []
    (battery,) = data["units"]
    assert battery["unit"] == "Battery"
    assert battery["detection_km2"]["scud-b"] > battery["engagement_km2"]["scud-b"] > 0.0
    table = runner.invoke(app, [*args, "--bounds", BOUNDS_ARG])
    assert table.exit_code == 0, table.stderr
    assert "(pass --out DIR to write the maps)" in table.stdout
    assert list(tmp_path.iterdir()) == []


def test_json_with_o_lists_the_files_written(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["coverage", str(SMALL), "-o", str(tmp_path), "--resolution", "5km",
         "--bounds", BOUNDS_ARG, "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    variants = json.loads(result.stdout)["variants"]
    assert [v["variant"] for v in variants] == ["patriot", "s-400"]
    for v in variants:
        assert v["directory"] == str(tmp_path / v["variant"])
        assert all(Path(f).is_file() for f in v["files"])
        assert str(tmp_path / v["variant"] / "coverage.geojson") in v["files"]


def test_help_lists_the_coverage_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "coverage" in result.stdout


def test_writes_rasters_geojson_and_a_map_per_variant(written: Path) -> None:
    for variant, unit in (("patriot", "battery"), ("s-400", "battalion")):
        d = written / variant
        for threat in ("scud-b", "shahed-136"):
            for kind in ("detection", "engagement"):
                assert (d / f"{unit}-{threat}-{kind}.tif").is_file()
        assert (d / "coverage.geojson").is_file()
        png = (d / "coverage.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert len(list(d.glob("*.tif"))) == 4


def test_geotiff_is_north_up_epsg_4326_on_the_grid_bounds(written: Path) -> None:
    cov = coverage_grid(SMALL, variant="patriot", bounds=BOUNDS, resolution_m=5000.0)
    with rasterio.open(written / "patriot" / "battery-scud-b-detection.tif") as src:
        assert src.crs.to_epsg() == 4326
        left, bottom, right, top = src.bounds
        assert (bottom, left, top, right) == pytest.approx(BOUNDS, abs=1e-9)
        assert (src.height, src.width) == cov.shape
        assert src.transform.e < 0.0  # row 0 is the north edge
        data = src.read(1)
        assert src.tags()["unit"] == "Battery"
        assert src.tags()["kind"] == "detection"
        # the cell 50 km east of the site, found through the raster's own georeferencing
        lon = SITE[1] + math.degrees(50e3 / (RE_M * math.cos(math.radians(SITE[0]))))
        row, col = src.index(lon, SITE[0])
    np.testing.assert_array_equal(data, cov.layer("Battery", "scud-b", "detection")[::-1])
    i = int(np.argmin(np.abs(cov.lat_deg - SITE[0])))
    j = int(np.argmin(np.abs(cov.lon_deg - lon)))
    assert data[row, col] == cov.pd[0, 0, i, j] > 0.9  # inside the 120° sector about 110°
    with rasterio.open(written / "patriot" / "battery-scud-b-engagement.tif") as src:
        assert src.dtypes[0] == "uint8"
        eng = src.read(1)[::-1].astype(bool)
    np.testing.assert_array_equal(eng, cov.engageable[0, 0])


def _shoelace(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def test_geojson_is_rfc_7946_with_lon_lat_positions(written: Path) -> None:
    doc = json.loads((written / "patriot" / "coverage.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 4  # 1 unit × 2 threat types × 2 kinds
    by_key = {}
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] == "MultiPolygon"
        p = f["properties"]
        assert {"unit", "threat", "kind", "altitude_m", "pd_min", "area_km2"} <= set(p)
        for polygon in f["geometry"]["coordinates"]:
            for k, ring in enumerate(polygon):
                r = np.asarray(ring)
                assert r.shape[0] >= 4
                assert r.shape[1] == 2
                assert r[0].tolist() == r[-1].tolist()  # closed
                assert (_shoelace(r) > 0) == (k == 0)  # exterior CCW, holes CW
                assert np.all((r[:, 0] >= BOUNDS[1]) & (r[:, 0] <= BOUNDS[3]))  # longitude
                assert np.all((r[:, 1] >= BOUNDS[0]) & (r[:, 1] <= BOUNDS[2]))  # latitude
        by_key[(p["threat"], p["kind"])] = f
    # a point 50 km east of the site (inside the sector) lies in the Scud detection outline,
    # tested as (lon, lat); 50 km west (behind the radar) does not
    outline = by_key[("scud-b", "detection")]["geometry"]["coordinates"]
    dlon = math.degrees(50e3 / (RE_M * math.cos(math.radians(SITE[0]))))
    inside = [
        MplPath(np.asarray(poly[0])).contains_point((SITE[1] + dlon, SITE[0])) for poly in outline
    ]
    behind = [
        MplPath(np.asarray(poly[0])).contains_point((SITE[1] - dlon, SITE[0])) for poly in outline
    ]
    assert any(inside)
    assert not any(behind)
    # the outline's area (degrees² scaled at the middle latitude) is the footprint's
    area = sum(
        _shoelace(np.asarray(poly[0])) - sum(-_shoelace(np.asarray(h)) for h in poly[1:])
        for poly in outline
    )
    km2 = area * (math.radians(1.0) * RE_M / 1e3) ** 2 * math.cos(math.radians(SITE[0]))
    assert km2 == pytest.approx(by_key[("scud-b", "detection")]["properties"]["area_km2"], rel=0.05)


def test_an_empty_footprint_is_a_multipolygon_without_polygons() -> None:
    cov = coverage_grid(
        SMALL, variant="patriot", bounds=(30.0, 20.0, 30.5, 20.5), resolution_m=5000.0
    )
    doc = to_geojson(cov)
    assert all(
        f["geometry"] == {"type": "MultiPolygon", "coordinates": []} for f in doc["features"]
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--resolution", "2"], "--resolution: missing unit"),
        (["--resolution", "5 s"], "--resolution: wrong unit"),
        (["--bounds", "1,2,3"], "--bounds: expected four numbers"),
        (["--bounds", "38,30,37,31"], "--bounds: expected -90 <= lat0 < lat1"),
        (["--altitude", "scud-b=12"], "--altitude scud-b: missing unit"),
        (["--altitude", "tomahawk=50 m"], "--altitude: no threat type 'tomahawk'"),
        (["--variant", "thaad"], "variants: no variant 'thaad'"),
        (["--variant", "patriot", "--resolution", "1 m"], "--resolution: 1 m over these bounds"),
        (["--variant", "patriot", "--time", "5"], "--time: missing unit"),
        (["--variant", "patriot", "--time", "3 h"], "--time: expected a scenario time between 0"),
        (["--variant", "patriot", "--time", "-1 s"], "--time: expected a scenario time between 0"),
    ],
)
def test_bad_options_exit_2_naming_the_option(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    result = runner.invoke(app, ["coverage", str(SMALL), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert result.stderr.startswith("airguard: error: ")
    assert result.stderr.count("\n") == 1
    assert not any(tmp_path.iterdir())


def test_the_summary_names_the_jammers_counted_and_when(tmp_path: Path) -> None:
    """A stand-off jammer from 4 min: counted by default (on at any time), not at 2 min,
    and named in the summary and in --json; --no-jamming says the jamming is off."""
    path = tmp_path / "jammed.yaml"
    jammer = (
        "jammers:\n  - {name: Orbit, system: growler-jammer, "
        "position: {lat: 36.3, lon: 37.6, alt: 9 km}, start: 4 min}\n"
    )
    path.write_text(SMALL.read_text(encoding="utf-8").replace("variants:", jammer + "variants:", 1))
    args = ["coverage", str(path), "--variant", "patriot", "--resolution", "5km",
            "--bounds", BOUNDS_ARG]  # fmt: skip
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.stderr
    assert "  jamming: Orbit; on at any time\n" in table.stdout
    early = json.loads(runner.invoke(app, [*args, "--time", "2 min", "--json"]).stdout)
    assert early["jamming"] == {
        "applied": True, "time_s": 120.0, "jammers": [], "carried_at_nearest_route_point": [],
        "carried_where_flying": [],
    }  # fmt: skip
    late = json.loads(runner.invoke(app, [*args, "--time", "6 min", "--json"]).stdout)
    assert late["jamming"]["jammers"] == ["Orbit"]
    det = "detection_km2"
    assert late["units"][0][det]["scud-b"] < early["units"][0][det]["scud-b"]
    off = runner.invoke(app, [*args, "--no-jamming"])
    assert "  jamming: off (--no-jamming; the scenario has 1)\n" in off.stdout


def test_a_bad_scenario_exits_2_naming_its_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL.read_text(encoding="utf-8").replace("lat: 37.05", "lat: 137.05", 1))
    result = runner.invoke(app, ["coverage", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{path} line 13: units[0].position.lat" in result.stderr
    assert result.stderr.count("\n") == 1
