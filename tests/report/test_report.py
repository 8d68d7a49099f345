"""`airguard report`: one self-contained HTML file with maps, outcomes, charts and a timeline.

The figures in the page are the run's own (the manifest's summary, the Wilson and mean
intervals of airguard.results.store); the page loads nothing from anywhere (checked here in the
markup, and in a real browser in tests/browser/test_report_browser.py).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from airguard.cli.report import register
from airguard.report.html import build_report, write_report
from airguard.results.store import read_manifest, read_table
from airguard.scene.borders import region_map
from airguard.scene.playback import representative_replication
from tests.browser.runs import shared_small_runs, uncertainty_json

runner = CliRunner()
app = typer.Typer()
register(app)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory)


@pytest.fixture(scope="module")
def page(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report-out") / "report.html"
    result = runner.invoke(app, ["report", str(runs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    return out.read_text(encoding="utf-8")


class _Resources(HTMLParser):
    """Every URL the page would load: src and href attributes, CSS url(...) and @import."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: list[str] = []
        self.scripts_with_src = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "data") and value is not None:
                self.urls.append(value)
            if name == "id" and value is not None:
                self.ids.append(value)
            if name == "style" and value and "url(" in value:
                self.urls += re.findall(r"url\(([^)]*)\)", value)
        if tag == "script" and any(n == "src" for n, _ in attrs):
            self.scripts_with_src += 1


def test_the_report_is_one_file_that_loads_nothing(page: str) -> None:
    parser = _Resources()
    parser.feed(page)
    external = [u for u in parser.urls if not u.startswith(("#", "data:"))]
    assert external == []
    assert parser.scripts_with_src == 0
    assert "@import" not in page
    css_urls = re.findall(r"url\(\s*['\"]?([^)'\"]+)", page)
    assert all(u.startswith(("#", "data:")) for u in css_urls), css_urls


def test_element_ids_are_unique_across_maps_and_charts(page: str) -> None:
    parser = _Resources()
    parser.feed(page)
    duplicated = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert duplicated == set()


def test_each_variant_has_a_map_with_its_scene(page: str) -> None:
    scenes = re.findall(
        r'<script type="application/json" id="(scene-\d+)">(.*?)</script>', page, re.S
    )
    assert [s[0] for s in scenes] == ["scene-0", "scene-1"]
    for _, text in scenes:
        scene = json.loads(text)
        assert [a["name"] for a in scene["assets"]] == ["Base"]
        assert len(scene["units"]) == 1
        assert {r["threat"] for r in scene["raids"]} == {"scud-b", "shahed-136"}
        names = {c["name"] for c in scene["map"]["land"]}
        assert {"Turkey", "Syria"} <= names  # the small scenario sits on their border
        assert scene["map"]["borders"]
        assert scene["replication"]["threats"], "the representative replication's tracks"


def test_outcome_table_shows_the_run_summary_with_its_intervals(runs: Path, page: str) -> None:
    for variant in ("patriot", "s-400"):
        summary = read_manifest(runs / variant)["summary"]
        base = summary["assets"][0]
        cell = f'{base["p_undamaged"]:.3f} <span class="ci">[{base["ci95"][0]:.3f}, {base["ci95"][1]:.3f}]</span>'
        assert cell in page
        total = summary["leakers_total"]
        cell = f'{total["mean"]:.2f} <span class="ci">[{total["ci95"][0]:.2f}, {total["ci95"][1]:.2f}]</span>'
        assert cell in page
        assert f"${summary['interceptor_cost_mean_usd'] / 1e6:,.1f} M" in page


def test_variants_are_compared_with_the_first(page: str) -> None:
    assert 'id="comparison-table"' in page
    assert "s-400 − patriot" in page
    assert "paired: both runs used seed 7" in page


def test_charts_are_inline_svg(page: str) -> None:
    charts = set(re.findall(r'<svg class="chart" data-chart="([^"]+)"', page))
    assert {"survival", "leakers", "expenditure", "cost", "timeline-0", "timeline-1"} <= charts
    assert 'id="sensitivity"' not in page  # no uncertainty.json beside these runs


def test_representative_replication_is_the_one_closest_to_the_median(runs: Path) -> None:
    reps = read_table(runs / "patriot", "replications").to_pylist()
    chosen = representative_replication(runs / "patriot")
    med = {
        c: float(np.median([r[c] for r in reps]))
        for c in ("leakers", "assets_damaged", "interceptor_cost_usd")
    }

    def distance(r: dict[str, float]) -> tuple[float, ...]:
        return (
            abs(r["leakers"] - med["leakers"]),
            abs(r["assets_damaged"] - med["assets_damaged"]),
            abs(r["interceptor_cost_usd"] - med["interceptor_cost_usd"]),
            r["replication"],
        )

    assert chosen["replication"] == min(reps, key=distance)["replication"]
    assert chosen["median"] == med


def test_the_timeline_is_of_the_representative_replication(runs: Path, page: str) -> None:
    k = representative_replication(runs / "patriot")["replication"]
    assert f'data-run="patriot" data-replication="{k}"' in page
    threats = read_table(runs / "patriot", "threats").to_pylist()
    rows = re.findall(r'data-chart="timeline-0".*?</svg>', page, re.S)[0]
    assert rows.count('class="threat-row"') == sum(1 for t in threats if t["replication"] == k)


def test_vs_puts_two_runs_side_by_side(runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "vs.html"
    result = runner.invoke(
        app,
        [
            "report",
            str(runs / "patriot"),
            "--vs",
            str(runs / "s-400"),
            "--out",
            str(out),
            "--no-tracks",
        ],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count('class="map-holder"') == 2
    assert "<th>patriot</th><th>s-400</th>" in html
    assert "s-400 − patriot" in html
    assert '"replication":' not in html  # --no-tracks


def test_sensitivity_section_appears_with_an_uncertainty_report(runs: Path, tmp_path: Path) -> None:
    run = tmp_path / "with-uncertainty"
    shutil.copytree(runs / "patriot", run)
    (run / "uncertainty.json").write_text(json.dumps(uncertainty_json("patriot")), encoding="utf-8")
    html, _ = build_report([run], tracks=False)
    assert 'id="sensitivity"' in html
    chart = re.findall(r'data-chart="sensitivity-0".*?</svg>', html, re.S)[0]
    assert "scud-b rcs" in chart
    assert "0.62" in chart
    assert "scud-b rcs decides P(Base undamaged)" in html
    plain, _ = build_report([runs / "patriot"], tracks=False)
    assert 'id="sensitivity"' not in plain


def test_a_sensitivity_report_about_another_scenario_is_not_shown(
    runs: Path, tmp_path: Path
) -> None:
    root = tmp_path / "runs"
    shutil.copytree(runs / "patriot", root / "patriot")
    other = uncertainty_json("patriot")
    other[0]["scenario"] = "Another study"
    (root / "uncertainty.json").write_text(json.dumps(other), encoding="utf-8")
    html, _ = build_report([root / "patriot"], tracks=False)
    assert 'id="sensitivity"' not in html
    explicit, _ = build_report(
        [root / "patriot"], uncertainty=[root / "uncertainty.json"], tracks=False
    )
    assert 'id="sensitivity"' in explicit  # named on the command line, it is shown


def test_a_report_names_a_changed_scenario_and_still_shows_the_figures(
    runs: Path, tmp_path: Path
) -> None:
    root = tmp_path / "changed"
    shutil.copytree(runs.parent, root, ignore=shutil.ignore_patterns("report*"))
    for manifest in (root / "run").glob("*/manifest.json"):  # point the runs at the copied file
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["scenario_file"] = str(root / "small.yaml")
        manifest.write_text(json.dumps(data), encoding="utf-8")
    scenario = root / "small.yaml"
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("count: 4", "count: 5"), encoding="utf-8"
    )
    info = write_report([root / "run"], tmp_path / "r.html")
    html = info.path.read_text(encoding="utf-8")
    assert "changed since the run" in html
    assert '"replication":' not in html  # no tracks: the replication cannot be flown again
    assert 'id="outcomes-table"' in html


def test_a_missing_run_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "not a run directory" in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["report", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "no manifest.json" in result.output


def test_the_airguard_command_has_report_serve_and_export() -> None:
    from airguard.cli import app as airguard_app

    result = runner.invoke(airguard_app, ["--help"])
    assert result.exit_code == 0
    for command in ("report", "serve", "export"):
        assert command in result.output


def test_natural_earth_borders_are_cut_to_the_box() -> None:
    box = (34.0, 35.0, 39.0, 38.5)
    m = region_map(box)
    assert {"Turkey", "Syria"} <= {c["name"] for c in m.land}
    for country in m.land:
        for ring in country["rings"]:
            assert ring[0] == ring[-1]
            assert len(ring) >= 4
            lon = [p[0] for p in ring]
            lat = [p[1] for p in ring]
            assert box[0] - 1e-9 <= min(lon)
            assert max(lon) <= box[2] + 1e-9
            assert box[1] - 1e-9 <= min(lat)
            assert max(lat) <= box[3] + 1e-9
    assert m.borders
    assert m.coast
    # the Turkish-Syrian border crosses the box near 36.7 N, 37.0 E (Kilis)
    near = [
        p for line in m.borders for p in line if abs(p[0] - 37.0) < 0.3 and abs(p[1] - 36.7) < 0.3
    ]
    assert near


def test_a_box_outside_the_world_is_refused() -> None:
    with pytest.raises(ValueError, match="map box"):
        region_map((10.0, 50.0, 5.0, 60.0))
