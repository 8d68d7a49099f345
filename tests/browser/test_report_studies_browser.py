"""The report's placement and exposure maps in headless Chromium, opened from disk offline.

Screenshots: test-artifacts/browser/report-placement.png, report-exposure.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from airguard.report.html import write_report
from tests.browser.conftest import Page
from tests.browser.runs import shared_small_runs
from tests.report.test_studies import SITES, make_studies


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    runs = shared_small_runs(tmp_path_factory)
    placement, exposure = make_studies(runs, tmp_path_factory.mktemp("studies-browser"))
    out = tmp_path_factory.mktemp("studies-report") / "report.html"
    return write_report(
        [runs / "patriot"], out, placement=[placement], exposure=[exposure], tracks=False
    ).path


def test_placement_map_draws_sites_and_switches_placement(page: Page, report: Path) -> None:
    page.page.goto(report.as_uri())
    page.page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    m = page.page.locator("#placement-map-0")
    assert m.locator("path.ag-land").count() >= 2
    assert m.locator(".ag-candidate").count() == len(SITES)
    assert m.locator(".ag-site-given").count() == 1
    assert m.locator(".ag-site-chosen").count() == 1
    assert m.locator(".ag-asset[data-name='Base']").count() == 1
    chosen = m.locator("g[data-layer='chosen']")
    first = chosen.get_attribute("data-option")
    pick = m.locator("select.ag-placement-pick")
    assert pick.locator("option").count() == 2
    pick.select_option("1")
    assert chosen.get_attribute("data-option") != first
    assert m.locator(".ag-site-chosen").count() == 1
    # the switch hides the candidate sites
    m.locator("input[data-layer='candidates']").uncheck()
    assert not m.locator("g[data-layer='candidates']").is_visible()
    page.screenshot("report-studies", full_page=True)
    page.assert_clean()


def test_exposure_map_draws_exposed_routes_and_radars(page: Page, report: Path) -> None:
    page.page.goto(report.as_uri())
    page.page.wait_for_selector("body[data-ready='1']", timeout=20_000)
    m = page.page.locator("#exposure-map-0")
    assert m.locator("path.ag-route.exposed").count() >= 1
    assert m.locator("path.ag-route.unexposed").count() >= 1
    assert m.locator(".ag-radar-site").count() == 1  # both units' radars share the site
    box = m.locator(".ag-map-frame").bounding_box()
    site = m.locator(".ag-radar-site").bounding_box()
    assert box is not None
    assert site is not None
    assert box["x"] < site["x"] < box["x"] + box["width"]
    assert box["y"] < site["y"] < box["y"] + box["height"]
    page.assert_clean()
