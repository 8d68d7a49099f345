"""`airguard exposure` end to end: the files it writes, and one-line errors with exit status 2.

The GeoJSON must follow RFC 7946 (positions as [longitude, latitude]).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from airguard.cli import app
from tests.studies.test_exposure import SCENARIO

runner = CliRunner()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exposure-cli") / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def test_writes_json_geojson_and_png(scenario: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["exposure", str(scenario), "--rcs", "all", "--step", "2 s", "-o", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert "radar-91n6e" in result.stdout
    data = json.loads((out / "exposure.json").read_text(encoding="utf-8"))
    assert data["rcs_levels"] == ["low", "nominal", "high"]
    assert len(data["results"]) == 4 * 3 * 3  # flights x radars x levels
    assert data["step_s"] == 2.0
    gj = json.loads((out / "exposure.geojson").read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection"
    routes = [f for f in gj["features"] if f["properties"]["kind"] == "route"]
    assert any(f["properties"]["exposed"] for f in routes)
    assert any(not f["properties"]["exposed"] for f in routes)
    low = next(f for f in routes if f["properties"]["flight"] == "low")
    lon, lat = low["geometry"]["coordinates"][0]
    assert (lon, lat) == pytest.approx((33.0, 40.0), abs=1e-4)  # [lon, lat], RFC 7946 §3.1.1
    radars = [f for f in gj["features"] if f["properties"]["kind"] == "radar"]
    assert radars[0]["geometry"]["coordinates"] == pytest.approx([33.0, 39.0], abs=1e-6)
    assert (out / "exposure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_json_prints_every_figure_on_stdout_instead_of_the_table(scenario: Path) -> None:
    result = runner.invoke(app, ["exposure", str(scenario), "--step", "2 s", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rcs_levels"] == ["nominal"]
    assert len(data["results"]) == 4 * 3  # flights x radars
    assert data["step_s"] == 2.0
    assert data["jamming"] is True


def test_no_jamming_is_said_in_the_figures(scenario: Path) -> None:
    args = ["exposure", str(scenario), "--step", "5 s", "--json", "--no-jamming"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["jamming"] is False


def test_a_misspelt_rcs_level_gets_did_you_mean(scenario: Path) -> None:
    result = runner.invoke(app, ["exposure", str(scenario), "--rcs", "nominl"])
    assert result.exit_code == 2
    assert result.stderr == (
        "airguard: error: --rcs: expected low, nominal, high or all, got 'nominl'; "
        "did you mean 'nominal'?\n"
    )


def test_unknown_aircraft_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SCENARIO.replace("aircraft: f-16", "aircraft: f-99", 1), encoding="utf-8")
    result = runner.invoke(app, ["exposure", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    line_no = SCENARIO.splitlines().index("    aircraft: f-16") + 1
    assert str(path) in lines[0]
    assert f"line {line_no}" in lines[0]
    assert "flights[0].aircraft" in lines[0]


@pytest.mark.parametrize(
    ("args", "field"),
    [(["--rcs", "huge"], "--rcs"), (["--step", "2"], "--step"), (["--pd-min", "1.5"], "--pd-min")],
)
def test_bad_option_exits_2_naming_it(scenario: Path, args: list[str], field: str) -> None:
    result = runner.invoke(app, ["exposure", str(scenario), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("airguard: error: ")
    assert field in result.stderr


def test_hostile_flights_get_their_own_table_and_their_reach(tmp_path: Path) -> None:
    from tests.studies.test_exposure_hostile import FLIGHTS

    path = tmp_path / "hostile.yaml"
    path.write_text(SCENARIO.split("flights:")[0] + FLIGHTS, encoding="utf-8")
    result = runner.invoke(app, ["exposure", str(path), "--step", "5 s"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    friendly = out.index("exposure of friendly flights")
    hostile = out.index("exposure of hostile flights")
    reach = out.index("hostile flights in the defence's reach")
    assert friendly < hostile < reach
    assert "raid" not in out[friendly:hostile]  # only "own" is friendly
    assert "Battalion" in out[reach:]
