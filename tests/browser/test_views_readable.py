"""The report and the viewer as a reader meets them (issue 18, item 5), in headless Chromium.

- the viewer sends its page, scripts, styles and JSON gzip-compressed;
- map labels do not overlap (the flagship's maps: Incirlik by Adana, Kürecik's radar
  station by its AN/TPY-2), also after zooming;
- the layer panel folds and unfolds, and starts folded on a small map;
- the timeline's tick labels are at least 11 px on screen;
- nothing scrolls sideways in a window 800 px wide;
- the viewer says how interceptor paths were made (flown, not straight segments).

Screenshots: test-artifacts/browser/views-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airguard.report.html import write_report
from airguard.scenario import load_scenario
from tests.browser.conftest import ROOT, Page
from tests.browser.runs import shared_small_runs
from tests.browser.test_viewer_browser import click_visible, open_viewer

FLAGSHIP = ROOT / "scenarios" / "turkey-patriot-vs-s400" / "scenario.yaml"
NARROW = {"width": 800, "height": 900}

LABEL_OVERLAPS_JS = """(root) => {
  // every label shown in the maps under `root`, and the pairs whose boxes intersect
  const shown = el => {
    for (let n = el; n && n.nodeType === 1; n = n.parentNode) {
      const cs = getComputedStyle(n);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    }
    return true;
  };
  const maps = [...document.querySelectorAll(root + ' .ag-map-container')];
  const out = {labels: 0, overlaps: [], names: []};
  for (const map of maps) {
    const frame = map.querySelector('.ag-map-frame').getBoundingClientRect();
    const labels = [...map.querySelectorAll(
      'text.ag-label, .ag-axis-label text, .ag-country-label text')].filter(shown);
    const boxes = labels.map(t => [t.textContent, t.getBoundingClientRect()])
      .filter(([, r]) => r.right > frame.left && r.left < frame.right
                      && r.bottom > frame.top && r.top < frame.bottom);
    out.labels += boxes.length;
    out.names.push(...boxes.map(([name]) => name));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i][1], b = boxes[j][1];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0.5 && h > 0.5) out.overlaps.push(`${map.id}: ${boxes[i][0]} / ${boxes[j][0]}`);
      }
    }
  }
  return out;
}"""

TICK_SIZES_JS = """(selector) => [...document.querySelectorAll(selector)].map(
  // the size on screen: the font size times the scale the chart is drawn at
  t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""

SIDEWAYS_JS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    runs = shared_small_runs(tmp_path_factory)
    return write_report([runs], tmp_path_factory.mktemp("views") / "report.html").path


@pytest.fixture(scope="module")
def flagship_maps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report's Map section for the flagship's three variants, as the report draws it
    (its styles, scripts and markup), without runs: no coverage, no tracks."""
    from airguard.report.markup import inline_script, json_script
    from airguard.scene import scene, scene_box
    from airguard.scene.web import web_asset

    variants = load_scenario(FLAGSHIP)
    box = scene_box(variants)
    figures, data = [], []
    for i, variant in enumerate(variants):
        figures.append(
            f"<figure><figcaption>{variant.label}</figcaption>"
            f'<div class="map-holder" data-scene="scene-{i}" id="map-{i}"></div></figure>'
        )
        data.append(json_script(f"scene-{i}", scene(variant, box=box)))
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{web_asset('report.css')}{web_asset('map.css')}</style></head><body>"
        f'<main><section id="map"><h2>Map</h2><div class="maps">{"".join(figures)}</div>'
        f"</section></main>{''.join(data)}"
        f"{inline_script(web_asset('map.js'))}{inline_script(web_asset('report.js'))}"
        "</body></html>"
    )
    path = tmp_path_factory.mktemp("flagship-maps") / "maps.html"
    path.write_text(page, encoding="utf-8")
    return path


def open_page(page: Page, path: Path, viewport: dict[str, int] | None = None) -> Any:
    p = page.page
    if viewport:
        p.set_viewport_size(viewport)
    p.goto(path.as_uri())
    p.wait_for_selector("body[data-ready='1']", timeout=20_000)
    return p


# --- compressed answers


def test_the_viewer_sends_its_files_and_data_gzip_compressed(page: Page, url: str) -> None:
    encodings: dict[str, str | None] = {}

    def seen(response: Any) -> None:
        path = response.url.split("127.0.0.1:", 1)[1].split("/", 1)[1]
        encodings["/" + path.split("?", 1)[0]] = response.all_headers().get("content-encoding")

    page.page.on("response", seen)
    p = open_viewer(page, url, "#run=run/patriot&rep=4")
    assert p.evaluate("window.agViewer.state.pb.replication") == 4
    for path in ("/", "/static/map.js", "/static/viewer.css", "/api/scene", "/api/playback"):
        assert encodings.get(path) == "gzip", (path, encodings)
    page.assert_clean()


# --- labels


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1400px", "800px"])
def test_labels_on_the_flagship_maps_do_not_overlap(
    page: Page, flagship_maps: Path, viewport: dict[str, int] | None
) -> None:
    p = open_page(page, flagship_maps, viewport)
    assert p.locator(".ag-map-container").count() == len(load_scenario(FLAGSHIP))
    found = p.evaluate(LABEL_OVERLAPS_JS, "#map")
    names = set(found["names"])
    # the crowded places of issue 18: Incirlik beside Adana and its battery, Kürecik's
    # radar station under its AN/TPY-2
    assert {"Incirlik Air Base", "Adana", "Kürecik radar station", "Kürecik AN/TPY-2"} <= names
    assert found["overlaps"] == []
    page.screenshot(f"views-flagship-labels-{viewport['width'] if viewport else 1400}")
    page.assert_clean()


def test_labels_still_do_not_overlap_after_zooming(page: Page, flagship_maps: Path) -> None:
    p = open_page(page, flagship_maps)
    svg = p.locator("#map-0 svg.ag-map")
    for delta in (-400, -400, 800, 800, 800):
        before = svg.get_attribute("viewBox")
        svg.hover()
        p.mouse.wheel(0, delta)
        p.wait_for_function(
            "(b) => document.querySelector('#map-0 svg.ag-map').getAttribute('viewBox') !== b",
            arg=before,
        )
        found = p.evaluate(LABEL_OVERLAPS_JS, "#map-0")
        assert found["overlaps"] == [], (delta, found["overlaps"])
    page.assert_clean()


def test_a_label_moved_away_from_its_point_gets_a_leader_line(
    page: Page, flagship_maps: Path
) -> None:
    p = open_page(page, flagship_maps, NARROW)
    leaders = p.evaluate(
        """() => [...document.querySelectorAll('#map-0 line.ag-leader')]
          .filter(l => l.style.display !== 'none')
          .map(l => [l.parentNode.dataset.name, +l.getAttribute('x2'), +l.getAttribute('y2')])"""
    )
    # each leader runs from its point's symbol to its label, a few pixels at least
    for _, x2, y2 in leaders:
        assert (x2 * x2 + y2 * y2) ** 0.5 > 6
    page.assert_clean()


def test_labels_on_the_report_and_viewer_maps_do_not_overlap(
    page: Page, report: Path, url: str
) -> None:
    p = open_page(page, report)
    found = p.evaluate(LABEL_OVERLAPS_JS, "#map")
    assert found["labels"] >= 4
    assert found["overlaps"] == []
    p = open_viewer(page, url, "#run=run/s-400&rep=1")
    found = p.evaluate(LABEL_OVERLAPS_JS, "")
    assert found["labels"] >= 2
    assert found["overlaps"] == []
    page.assert_clean()


# --- the layer panel


def test_the_layer_panel_folds_and_unfolds(page: Page, report: Path) -> None:
    p = open_page(page, report)
    panel = p.locator("#map-0 .ag-switches")
    toggle = panel.locator(".ag-switches-toggle")
    axes = p.locator("#map-0 input[data-layer='axes']")
    assert toggle.get_attribute("aria-expanded") == "true"  # a map this wide: open
    assert axes.is_visible()
    open_box = panel.bounding_box()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not axes.is_visible()
    folded = panel.bounding_box()
    assert open_box is not None
    assert folded is not None
    # folded, it is one small button in the corner
    assert folded["width"] < 90
    assert folded["height"] < 30
    assert folded["width"] * folded["height"] < 0.25 * open_box["width"] * open_box["height"]
    page.screenshot("views-panel-folded")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    axes.uncheck()  # and the switches work again
    assert not p.locator("#map-0 g.ag-layer-axes").is_visible()
    page.assert_clean()


def test_the_layer_panel_starts_folded_on_a_small_map(page: Page, url: str) -> None:
    page.page.set_viewport_size(NARROW)
    p = open_viewer(page, url, "#run=run/patriot&rep=2")
    frame = p.locator(".ag-map-frame").bounding_box()
    assert frame is not None
    assert frame["width"] < 600
    toggle = p.locator(".ag-switches-toggle")
    graticule = p.locator("input[data-layer='graticule']")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not graticule.is_visible()
    page.screenshot("views-viewer-800")
    toggle.click()
    assert graticule.is_visible()
    graticule.uncheck()
    assert not p.locator("g.ag-layer-graticule").is_visible()
    page.assert_clean()


# --- the timeline


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["1400px", "800px"])
def test_the_timeline_tick_labels_are_at_least_11_px(
    page: Page, report: Path, viewport: dict[str, int] | None
) -> None:
    p = open_page(page, report, viewport)
    ticks = p.evaluate(TICK_SIZES_JS, "svg.chart[data-chart^='timeline'] text.tick")
    assert len(ticks) >= 2 * 4  # both runs' timelines, four ticks or more each
    assert min(ticks) >= 11.0, ticks
    rows = p.evaluate(TICK_SIZES_JS, "svg.chart[data-chart^='timeline'] .threat-row text")
    assert min(rows) >= 11.0, rows
    page.assert_clean()


# --- no sideways scroll at 800 px


def test_the_report_does_not_scroll_sideways_at_800_px(page: Page, report: Path) -> None:
    p = open_page(page, report, NARROW)
    scroll_width, inner_width = p.evaluate(SIDEWAYS_JS)
    assert inner_width == 800
    assert scroll_width <= inner_width
    page.screenshot("views-report-800", full_page=True)
    page.assert_clean()


def test_the_flagship_maps_do_not_scroll_sideways_at_800_px(
    page: Page, flagship_maps: Path
) -> None:
    p = open_page(page, flagship_maps, NARROW)
    scroll_width, inner_width = p.evaluate(SIDEWAYS_JS)
    assert scroll_width <= inner_width
    page.assert_clean()


def test_the_viewer_does_not_scroll_sideways_at_800_px(page: Page, url: str) -> None:
    page.page.set_viewport_size(NARROW)
    p = open_viewer(page, url, "#run=run/s-400&rep=3&t=120")
    scroll_width, inner_width = p.evaluate(SIDEWAYS_JS)
    assert inner_width == 800
    assert scroll_width <= inner_width
    click_visible(p, "threat")  # a long details table does not widen the page either
    scroll_width, _ = p.evaluate(SIDEWAYS_JS)
    assert scroll_width <= inner_width
    page.assert_clean()


# --- what the viewer says about the model


def test_the_viewer_says_interceptor_paths_are_flown_not_straight(page: Page, url: str) -> None:
    p = open_viewer(page, url, "#run=run/patriot&rep=3")
    note = p.locator("#summary .note").inner_text()
    assert "flown paths" in note
    assert "straight" not in note
    t = p.evaluate(
        """() => { const m = window.agViewer.state.pb.interceptors.find(m => m.track.t.length > 2);
                   return m ? (m.launch_s + m.end_s) / 2 : null; }"""
    )
    assert t is not None
    p.locator("#time").fill(str(int(t)))
    click_visible(p, "interceptor")
    details = p.locator("#details").inner_text()
    assert "flown by the engine" in details
    assert "straight" not in details
    page.assert_clean()
