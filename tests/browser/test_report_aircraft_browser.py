"""Hostile aircraft in the report, in headless Chromium opened from disk offline: the
timeline's own colour and legend, its ground track on the map in that colour, the outcome
rows, and the exposure study's hostile
flights (their tables, dashed routes and ✈ in the hostile colour).

The run is the "carrier" run of ``tests/report/test_report_aircraft.py`` (a hostile F-16
that the Patriot battery shoots down before it releases its two Kh-101s); the exposure
study that of ``tests/report/test_studies_hostile.py``; the viewer serves the run.
Screenshot: test-artifacts/browser/report-aircraft.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airguard.report.charts import TIMELINE_COLOURS
from airguard.report.html import write_report
from airguard.studies.exposure import exposure_analysis, write_outputs
from tests.browser.conftest import Page, serving
from tests.browser.test_viewer_browser import open_viewer
from tests.report.test_report_aircraft import _carrier_text, _run
from tests.studies.test_exposure import SCENARIO
from tests.studies.test_exposure_hostile import FLIGHTS


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run(tmp_path_factory.mktemp("aircraft-run"), "carrier", _carrier_text())


@pytest.fixture(scope="module")
def report(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("aircraft-browser")
    study = tmp / "hostile.yaml"
    study.write_text(SCENARIO.split("flights:")[0] + FLIGHTS, encoding="utf-8")
    exposure = tmp / "exposure"
    write_outputs(exposure_analysis(study, step_s=5.0), exposure)
    return write_report([run], tmp / "report.html", exposure=[exposure], tracks=True).path


def test_hostile_aircraft_are_drawn_and_counted_as_aircraft(page: Page, report: Path) -> None:
    page.page.goto(report.as_uri())
    page.page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    p = page.page
    for key in ("aircraft_killed_per_raid", "p_aircraft_killed", "unreleased_per_raid"):
        assert p.locator(f"tr[data-figure='{key}']").is_visible(), key
    timeline = p.locator("svg[data-chart='timeline-0']")
    assert timeline.locator("text", has_text="hostile aircraft").is_visible()
    colour = TIMELINE_COLOURS["hostile aircraft"]
    assert timeline.locator(f"g.threat-row line[stroke='{colour}']").count() == 1
    assert timeline.locator("path.mark-unreleased").count() == 1
    # the representative replication's ground track of the aircraft, in the same colour
    assert p.locator(f"#map-0 path.ag-track[stroke='{colour}']").count() == 1
    # the exposure study: each side's table, the reach table, and the hostile routes
    for table in ("exposure-table-0", "exposure-hostile-table-0", "exposure-reach-table-0"):
        assert p.locator(f"#{table}").is_visible(), table
    m = p.locator("#exposure-map-0")
    assert m.locator("path.ag-route.hostile").count() >= 2  # two hostile flights
    assert m.locator(".ag-flight-start.hostile").count() == 2
    assert m.locator(".ag-flight-start:not(.hostile)").count() == 1
    assert m.locator(".ag-legend-row", has_text="hostile flight").count() == 1
    dash = m.locator("path.ag-route.hostile").first.evaluate(
        "e => getComputedStyle(e).strokeDasharray"
    )
    assert dash not in ("", "none")
    page.screenshot("report-aircraft", full_page=True)
    page.assert_clean()


def test_the_viewer_draws_a_hostile_aircraft_in_its_colour(page: Page, run: Path) -> None:
    colour = TIMELINE_COLOURS["hostile aircraft"]
    with serving([run]) as url:
        p = open_viewer(page, url)
        drawn = p.evaluate(
            """() => window.agViewer.state.threats
                .filter(t => !t.data.friendly && t.data["class"] === "aircraft")
                .map(t => [t.data.id, t.colour, t.cls])"""
        )
        assert len(drawn) == 1
        _, drawn_colour, shape = drawn[0]
        assert drawn_colour == colour
        assert shape == "aircraft"  # the aircraft's shape
        assert p.locator(f"path.ag-ghost[stroke='{colour}']").count() == 1
        page.assert_clean()
