"""`airguard export`: a replication as CZML, KML and GeoJSON, and coverage as GeoJSON.

Each file is checked against its format's specification:

- CZML — CZML Guide and Packet reference
  (https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Structure): a JSON array
  whose first packet has id "document" and a "version"; sampled positions carry an "epoch"
  and "cartographicDegrees" as [time, longitude, latitude, height] quadruples with times
  increasing; "availability" is an ISO 8601 interval.
- KML — OGC KML 2.2 (OGC 07-147r2) and Google's gx:Track
  (https://developers.google.com/kml/documentation/kmlreference#gxtrack): root kml in the
  http://www.opengis.net/kml/2.2 namespace; in a gx:Track as many <when> as <gx:coord>,
  each coord "lon lat alt"; Point coordinates "lon,lat[,alt]".
- GeoJSON — RFC 7946: a FeatureCollection of Features (§3.2, §3.3), positions [lon, lat,
  (alt)] (§3.1.1) inside [-180, 180] × [-90, 90], LineStrings of two or more positions
  (§3.1.4), Polygon rings closed with four or more positions (§3.1.6), no "crs" (§4).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from airguard.cli.report import register
from airguard.export import DEFAULT_EPOCH, export_replication
from airguard.export.kml import GX_NS, KML_NS
from airguard.results.store import read_table
from tests.browser.runs import shared_small_runs

runner = CliRunner()
app = typer.Typer()
register(app)
REP = 3


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory) / "patriot"


@pytest.fixture(scope="module")
def stored(run: Path) -> dict[str, Any]:
    """What the run's tables say about replication REP."""
    reps = read_table(run, "replications").to_pylist()
    threats = [t for t in read_table(run, "threats").to_pylist() if t["replication"] == REP]
    return {"row": next(r for r in reps if r["replication"] == REP), "threats": threats}


def exported(run: Path, fmt: str, tmp_path: Path) -> Path:
    out = tmp_path / f"rep.{fmt}"
    result = runner.invoke(
        app, ["export", str(run), "--rep", str(REP), "--format", fmt, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    return out


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_czml_starts_with_the_document_packet_and_samples_positions(
    run: Path, stored: dict[str, Any], tmp_path: Path
) -> None:
    packets = json.loads(exported(run, "czml", tmp_path).read_text(encoding="utf-8"))
    assert isinstance(packets, list)
    doc = packets[0]
    assert doc["id"] == "document"
    assert doc["version"] == "1.0"
    start, end = (parse_time(t) for t in doc["clock"]["interval"].split("/"))
    assert start == DEFAULT_EPOCH
    assert (end - start).total_seconds() == 600.0
    ids = [p["id"] for p in packets]
    assert len(ids) == len(set(ids))
    assert "document" not in ids[1:]
    moving = [p for p in packets if "epoch" in p.get("position", {})]
    assert {p["id"].split("/")[0] for p in moving} == {"threat", "interceptor"}
    assert len([p for p in moving if p["id"].startswith("threat/")]) == len(stored["threats"])
    assert (
        len([p for p in moving if p["id"].startswith("interceptor/")])
        == stored["row"]["interceptors_fired"]
    )
    for p in moving:
        samples = p["position"]["cartographicDegrees"]
        assert len(samples) % 4 == 0
        assert len(samples) >= 8
        times = samples[0::4]
        assert all(b > a for a, b in itertools.pairwise(times))
        assert all(-180 <= lon <= 180 for lon in samples[1::4])
        assert all(-90 <= lat <= 90 for lat in samples[2::4])
        epoch = parse_time(p["position"]["epoch"])
        first, last = (parse_time(t) for t in p["availability"].split("/"))
        assert (first - epoch).total_seconds() == pytest.approx(times[0], abs=1e-3)
        assert (last - epoch).total_seconds() == pytest.approx(times[-1], abs=1e-3)
    base = next(p for p in packets if p["id"] == "asset/Base")
    assert base["position"]["cartographicDegrees"][:2] == [35.4, 37.0]  # longitude first


def test_kml_is_kml_2_2_with_one_when_per_coord(
    run: Path, stored: dict[str, Any], tmp_path: Path
) -> None:
    root = ET.parse(exported(run, "kml", tmp_path)).getroot()
    assert root.tag == f"{{{KML_NS}}}kml"
    doc = root.find(f"{{{KML_NS}}}Document")
    assert doc is not None
    tracks = root.findall(f".//{{{GX_NS}}}Track")
    assert len(tracks) == len(stored["threats"]) + stored["row"]["interceptors_fired"]
    for track in tracks:
        whens = [parse_time(w.text or "") for w in track.findall(f"{{{KML_NS}}}when")]
        coords = [c.text or "" for c in track.findall(f"{{{GX_NS}}}coord")]
        assert len(whens) == len(coords) >= 2
        assert all(b > a for a, b in itertools.pairwise(whens))
        for c in coords:
            lon, lat, alt = (float(v) for v in c.split())
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
            assert alt > -500
        assert track.findtext(f"{{{KML_NS}}}altitudeMode") == "absolute"
    names = {pm.findtext(f"{{{KML_NS}}}name"): pm for pm in root.iter(f"{{{KML_NS}}}Placemark")}
    base = names["Base"].findtext(f".//{{{KML_NS}}}coordinates") or ""
    lon, lat, _ = (float(v) for v in base.split(","))
    assert (lon, lat) == (35.4, 37.0)
    assert "Battery" in names
    impacts = [n for n in names if n and n.startswith("impact of threat")]
    assert len(impacts) == stored["row"]["leakers"]


def _positions(geometry: dict[str, Any]) -> list[list[float]]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Point":
        return [coords]
    if kind == "LineString":
        return list(coords)
    if kind == "Polygon":
        return [p for ring in coords for p in ring]
    if kind == "MultiPolygon":
        return [p for poly in coords for ring in poly for p in ring]
    raise AssertionError(f"unexpected geometry {kind}")


def check_rfc7946(collection: dict[str, Any]) -> None:
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for f in collection["features"]:
        assert f["type"] == "Feature"
        assert "properties" in f
        geometry = f["geometry"]
        for position in _positions(geometry):
            assert 2 <= len(position) <= 3
            assert -180 <= position[0] <= 180
            assert -90 <= position[1] <= 90
        if geometry["type"] == "LineString":
            assert len(geometry["coordinates"]) >= 2
        polygons = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else []
        )
        for poly in polygons:
            for ring in poly:
                assert len(ring) >= 4
                assert ring[0] == ring[-1]


def test_geojson_is_rfc_7946_with_times_beside_the_paths(
    run: Path, stored: dict[str, Any], tmp_path: Path
) -> None:
    collection = json.loads(exported(run, "geojson", tmp_path).read_text(encoding="utf-8"))
    check_rfc7946(collection)
    kinds: dict[str, list[dict[str, Any]]] = {}
    for f in collection["features"]:
        kinds.setdefault(f["properties"]["kind"], []).append(f)
    assert len(kinds["threat"]) == len(stored["threats"])
    assert len(kinds["interceptor"]) == stored["row"]["interceptors_fired"]
    assert len(kinds.get("impact", [])) == stored["row"]["leakers"]
    for f in kinds["threat"] + kinds["interceptor"]:
        assert len(f["properties"]["times_s"]) == len(f["geometry"]["coordinates"])
    (base,) = kinds["asset"]
    assert base["geometry"]["coordinates"][:2] == [35.4, 37.0]  # RFC 7946 §3.1.1: longitude first
    fates = {f["properties"]["fate"] for f in kinds["threat"]}
    assert fates <= {"killed", "leaked", "landed", "in flight at the end"}


def test_the_epoch_option_moves_the_time_tags(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "late.czml"
    result = runner.invoke(
        app,
        [
            "export",
            str(run),
            "--rep",
            "1",
            "--format",
            "czml",
            "--out",
            str(out),
            "--epoch",
            "2031-05-04T12:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))[0]
    assert doc["clock"]["currentTime"] == "2031-05-04T12:00:00.000Z"


def test_the_default_file_is_in_the_run_directory(run: Path) -> None:
    path = export_replication(run, 2, "geojson")
    assert path == run / "exports" / "rep-2.geojson"
    check_rfc7946(json.loads(path.read_text(encoding="utf-8")))


def test_coverage_is_exported_as_geojson_polygons(run: Path, tmp_path: Path) -> None:
    out = tmp_path / "coverage.geojson"
    result = runner.invoke(app, ["export", str(run), "--format", "coverage", "--out", str(out)])
    if importlib.util.find_spec("airguard.studies.coverage") is None:
        assert result.exit_code == 2
        assert "airguard.studies.coverage" in result.output
        return
    assert result.exit_code == 0, result.output
    collection = json.loads(out.read_text(encoding="utf-8"))
    check_rfc7946(collection)
    props = [f["properties"] for f in collection["features"]]
    assert {p["unit"] for p in props} == {"Battery"}
    assert {p["threat"] for p in props} == {"scud-b", "shahed-136"}
    assert {p["kind"] for p in props} <= {"detection", "engagement"}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in collection["features"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "czml"], "--rep K"),
        (["--format", "shp", "--rep", "1"], "--format: expected one of"),
        (["--format", "kml", "--rep", "12"], "replication 12 is not in this run"),
        (["--format", "kml", "--rep", "1", "--epoch", "yesterday"], "--epoch"),
    ],
)
def test_bad_options_are_one_line_and_exit_status_2(
    run: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["export", str(run), *args])
    assert result.exit_code == 2
    assert message in result.output
