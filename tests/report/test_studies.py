"""The placement and exposure studies in `airguard report`: tables, map data and input errors.

The given sites' Monte Carlo row of a placement study runs the run's own scenario with the
run's seed and replications, so it must show the run's stored P(undamaged) exactly (the
engine is deterministic given seed and replication), with the Wilson score interval computed
here by hand.  The exposure table and map must show the figures and routes of the study's
own files (RFC 7946: positions are [longitude, latitude]).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from airguard.cli.report import register
from airguard.report.html import build_report
from airguard.results.store import read_manifest
from airguard.scenario import load_scenario
from airguard.studies.exposure import exposure_analysis, write_outputs
from airguard.studies.placement import Site, optimise_placement, study_json
from tests.browser.runs import shared_small_runs
from tests.studies.test_exposure import SCENARIO as EXPOSURE_SCENARIO
from tests.studies.test_exposure import SURV

runner = CliRunner()
app = typer.Typer()
register(app)

# Candidate sites with their headings given: three options, one unit.
SITES = [
    Site("Given site", 37.05, 35.55, 60.0, 110.0),
    Site("East", 36.95, 36.05, 100.0, 110.0),
    Site("North", 37.40, 35.50, 200.0, 150.0),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory)


@pytest.fixture(scope="module")
def studies(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_studies(runs, tmp_path_factory.mktemp("studies"))


def make_studies(runs: Path, out: Path) -> tuple[Path, Path]:
    """A placement study of the small runs' patriot variant (the run's seed and replications)
    and an exposure study of tests/studies/test_exposure.py's scenario, written into `out`."""
    manifest = read_manifest(runs / "patriot")
    (scenario,) = load_scenario(runs.parent / "small.yaml", variant="patriot")
    study = optimise_placement(
        scenario,
        "patriot",
        SITES,
        1,
        replications=int(manifest["replications"]),
        top=2,
        samples=1,
    )
    placement = out / "placement.json"
    placement.write_text(json.dumps(study_json(scenario, [study])), encoding="utf-8")
    scenario_file = out / "exposure.yaml"
    scenario_file.write_text(EXPOSURE_SCENARIO, encoding="utf-8")
    exposure = out / "exposure"
    write_outputs(exposure_analysis(scenario_file, levels=("low", "nominal"), step_s=5.0), exposure)
    return placement, exposure


@pytest.fixture(scope="module")
def page(runs: Path, studies: tuple[Path, Path]) -> str:
    html, _ = build_report(
        [runs / "patriot"], placement=[studies[0]], exposure=[studies[1]], tracks=False
    )
    return html


def _script(page: str, element_id: str) -> Any:
    m = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert m, element_id
    return json.loads(m.group(1).replace("<\\/", "</"))


def _row(page: str, attrs: str) -> str:
    m = re.search(rf"<tr {attrs}[^>]*>(.*?)</tr>", page, re.S)
    assert m, attrs
    return m.group(1)


def _wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    # E. B. Wilson, JASA 22 (1927): (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    p = k / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


def test_given_sites_row_is_the_runs_own_survival(runs: Path, page: str) -> None:
    summary = read_manifest(runs / "patriot")["summary"]
    n = int(summary["replications"])
    p = next(a["p_undamaged"] for a in summary["assets"] if a["name"] == "Base")
    lo, hi = _wilson(round(p * n), n)
    row = _row(page, 'data-placement="given"')
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    # one asset of value 1: the value surviving is P(Base undamaged), with the CLT interval
    assert cells[3].startswith(f"{p:.3f} ")
    assert cells[4] == f'{p:.2f} <span class="ci">[{lo:.2f}, {hi:.2f}]</span>'


def test_placement_rows_show_the_study_figures(studies: tuple[Path, Path], page: str) -> None:
    data = json.loads(studies[0].read_text(encoding="utf-8"))
    st = data["studies"][0]
    table = page.split('id="placement-table-0-0"', 1)[1].split("</table>", 1)[0]
    for conf in st["placements"]:
        lo, hi = conf["value_ci95"]
        assert (
            f'{conf["value_surviving"]:.3f} <span class="ci">[{lo:.3f}, {hi:.3f}]</span>' in table
        )
        assert f"<td>{conf['screening_value_surviving']:.3f}</td>" in table
    assert table.count('data-placement="optimised"') == len(st["placements"]) == 2
    assert "5.32" not in table  # one Patriot battery: 1.33 bn USD
    assert "total 1.33 bn USD" in page


def test_placement_map_has_candidates_given_and_chosen_sites(page: str) -> None:
    from airguard.catalogue import default_catalogue

    scene = _script(page, "placement-scene-0")
    pl = scene["placement"]
    assert {c["name"] for c in pl["candidates"]} == {s.name for s in SITES}
    (given,) = pl["given"]["units"]
    assert (given["lat"], given["lon"], given["heading_deg"]) == (37.05, 35.55, 110.0)
    # the sector drawn is the widest of the system's radars in the catalogue
    radars = default_catalogue().defence("patriot").radars.values()
    widest = max(math.degrees(r.azimuth_sector.value) for r in radars)
    assert given["sector_deg"] == pytest.approx(widest, abs=1e-3)
    for option in pl["options"]:
        (u,) = option["units"]
        assert (u["lat"], u["lon"], u["heading_deg"]) in {
            (s.lat_deg, s.lon_deg, s.heading_deg) for s in SITES
        }
    assert [a["name"] for a in scene["assets"]] == ["Base"]
    assert {r["threat"] for r in scene["raids"]} == {"scud-b", "shahed-136"}
    assert scene["map"]["land"]  # Natural Earth borders for the map


def test_exposure_table_shows_the_study_figures(studies: tuple[Path, Path], page: str) -> None:
    data = json.loads((studies[1] / "exposure.json").read_text(encoding="utf-8"))
    r = next(
        x
        for x in data["results"]
        if (x["flight"], x["radar"], x["rcs_level"]) == ("pass", SURV, "nominal")
    )
    row = _row(page, f'data-flight="pass" data-radar="{SURV}" data-level="nominal"')
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    snr = "/".join(f"{r[k]:.0f}" for k in ("snr_db_p10", "snr_db_p50", "snr_db_p90"))
    rcs = next(i for i, c in enumerate(cells) if c.endswith("m²"))  # after flight and radar
    assert cells[rcs] == f"nominal {r['rcs_m2']:g} m²"
    assert cells[rcs + 1 : rcs + 8] == [
        f"{r['view_s'] / 60:.1f}",
        f"{r['exposed_s'] / 60:.1f}",
        f"{r['looks_in_view']:.0f}",
        f"{r['looks']:.0f}",
        f"{r['expected_detections']:.1f}",
        snr,
        f"{r['first_exposed_s']:.0f}–{r['last_exposed_s']:.0f}",
    ]
    # closest approach, whatever the level, once in the group's first row (low)
    first = _row(page, f'data-flight="pass" data-radar="{SURV}" data-level="low"')
    assert f"{r['closest_range_m'] / 1000:.1f} km @ {r['closest_time_s']:.0f} s" in first
    # every flight x radar x level of the study has its row
    assert page.count("<tr data-flight=") == len(data["results"])


def test_exposure_map_routes_are_lon_lat_and_marked_where_exposed(page: str) -> None:
    scene = _script(page, "exposure-scene-0")
    ex = scene["exposure"]
    assert ex["level"] == "nominal"
    high = [r for r in ex["routes"] if r["flight"] == "high"]
    # the route starts at 42.9 N 33.0 E: [lon, lat]
    assert high[0]["coords"][0] == pytest.approx([33.0, 42.9], abs=1e-3)
    assert any(r["exposed"] for r in high)
    assert all(r["radars"] for r in ex["routes"] if r["exposed"])
    assert {r["name"] for r in ex["radars"]} >= {SURV}


def test_studies_inside_the_run_are_found_and_can_be_left_out(
    runs: Path, studies: tuple[Path, Path], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(runs / "patriot", run / "patriot")
    shutil.copy(runs.parent / "small.yaml", tmp_path / "small.yaml")
    shutil.copy(studies[0], run / "placement.json")
    shutil.copytree(studies[1], run / "exposure")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(run), "--out", str(out), "--no-tracks"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert '<section id="placement">' in text
    assert '<section id="exposure">' in text
    result = runner.invoke(
        app, ["report", str(run), "--out", str(out), "--no-tracks", "--no-studies"]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert '<section id="placement">' not in text
    assert '<section id="exposure">' not in text


def _bad(path: Path, edit: Any) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    out = path.parent / f"bad-{path.name}"
    out.write_text(json.dumps(data), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("kind", "make", "expected"),
    [
        ("--placement", lambda p: p.parent / "missing.json", r"missing\.json: no such file"),
        ("--exposure", lambda p: p.parent / "nowhere", r"nowhere: no such file"),
        (
            "--placement",
            lambda p: _bad(p, lambda d: d["studies"][0]["placements"][0].pop("units")),
            r"bad-placement\.json: studies\[0\]\.placements\[0\]\.units: missing",
        ),
        (
            "--placement",
            lambda p: _bad(p, lambda d: d["studies"][0]["given"].update(value_ci95=[0.5])),
            r"studies\[0\]\.given\.value_ci95: expected \[low, high\]",
        ),
        (
            "--exposure",
            lambda p: _bad(p / "exposure.json", lambda d: d["results"][3].update(view_s="long")),
            r"bad-exposure\.json: results\[3\]\.view_s: expected a number",
        ),
    ],
)
def test_bad_study_file_exits_2_with_one_line_naming_file_and_field(
    runs: Path, studies: tuple[Path, Path], tmp_path: Path, kind: str, make: Any, expected: str
) -> None:
    source = studies[0] if kind == "--placement" else studies[1]
    copy = tmp_path / source.name
    (shutil.copytree if source.is_dir() else shutil.copy)(source, copy)
    bad = make(copy)
    out = tmp_path / "r.html"
    result = runner.invoke(
        app, ["report", str(runs / "patriot"), "--out", str(out), "--no-tracks", kind, str(bad)]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("airguard: error: ")
    assert re.search(expected, lines[0]), lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_not_json_is_named(runs: Path, tmp_path: Path) -> None:
    bad = tmp_path / "placement.json"
    bad.write_text("{not json", encoding="utf-8")
    result = runner.invoke(
        app, ["report", str(runs / "patriot"), "--out", str(tmp_path / "r.html"), "--placement",
              str(bad)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{bad}: not valid JSON" in result.output
