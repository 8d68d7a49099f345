"""The HTML report in headless Chromium, opened from disk with the network cut off.

Screenshots: test-artifacts/browser/report-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airguard.report.html import write_report
from tests.browser.conftest import Page
from tests.browser.runs import shared_small_runs


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    runs = shared_small_runs(tmp_path_factory)
    return write_report([runs], runs / "report.html").path


def open_report(page: Page, report: Path) -> None:
    page.page.goto(report.as_uri())
    page.page.wait_for_selector("body[data-ready='1']", timeout=20_000)


def test_the_map_draws_land_borders_assets_units_and_axes(page: Page, report: Path) -> None:
    open_report(page, report)
    p = page.page
    first = p.locator("#map-0")
    assert first.locator("path.ag-land").count() >= 2  # Turkey and Syria at least
    assert first.locator("path.ag-border").count() >= 1
    assert first.locator("path.ag-coast").count() >= 1
    assert first.locator("path.ag-axis-line").count() == 2
    asset = first.locator(".ag-asset[data-name='Base']")
    unit = first.locator(".ag-unit[data-name='Battery']")
    assert asset.count() == 1
    assert unit.count() == 1
    frame = first.locator(".ag-map-frame").bounding_box()
    for marker in (asset, unit):
        box = marker.bounding_box()
        assert box is not None
        assert frame is not None
        assert frame["x"] <= box["x"]
        assert box["x"] + box["width"] <= frame["x"] + frame["width"]
        assert frame["y"] <= box["y"]
        assert box["y"] + box["height"] <= frame["y"] + frame["height"]
    # borders really cross the visible map: some border path is drawn inside the frame
    inside = p.evaluate(
        """() => {
          const frame = document.querySelector('#map-0 .ag-map-frame').getBoundingClientRect();
          return [...document.querySelectorAll('#map-0 path.ag-border')].some(el => {
            const r = el.getBoundingClientRect();
            return r.width > 20 && r.right > frame.left && r.left < frame.right
                && r.bottom > frame.top && r.top < frame.bottom;
          });
        }"""
    )
    assert inside
    assert p.locator("#map-1 path.ag-land").count() >= 2  # the second variant's map too
    page.screenshot("report-map")
    page.assert_clean()


def test_the_representative_replication_is_drawn_on_the_map(page: Page, report: Path) -> None:
    open_report(page, report)
    tracks = page.page.locator("#map-0 path.ag-track")
    assert tracks.count() == 6  # every threat of the small scenario
    page.assert_clean()


def test_charts_are_shown(page: Page, report: Path) -> None:
    open_report(page, report)
    charts = page.page.locator("svg.chart")
    assert charts.count() >= 6
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 100
    assert page.page.locator("#outcomes-table td").count() > 20
    page.screenshot("report-full", full_page=True)
    page.assert_clean()


def test_layer_switches_and_zoom_work(page: Page, report: Path) -> None:
    open_report(page, report)
    p = page.page
    axes = p.locator("#map-0 g.ag-layer-axes")
    assert axes.is_visible()
    p.locator("#map-0 input[data-layer='axes']").uncheck()
    assert not axes.is_visible()
    svg = p.locator("#map-0 svg.ag-map")
    before = svg.get_attribute("viewBox")
    svg.hover()
    p.mouse.wheel(0, -400)
    p.wait_for_function(
        "(before) => document.querySelector('#map-0 svg.ag-map').getAttribute('viewBox') !== before",
        arg=before,
    )
    after = svg.get_attribute("viewBox")
    assert before is not None
    assert after is not None
    assert float(after.split()[2]) < float(before.split()[2])  # zoomed in: a narrower view
    page.assert_clean()


def test_the_report_makes_no_request_and_logs_no_error(page: Page, report: Path) -> None:
    open_report(page, report)
    page.page.wait_for_timeout(300)
    assert [u for u in page.requests if not u.startswith("file:")] == []
    page.assert_clean()
