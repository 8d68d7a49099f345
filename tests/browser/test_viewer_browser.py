"""The viewer in headless Chromium, served on 127.0.0.1 with every other address cut off.

Screenshots: test-artifacts/browser/viewer-*.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Page


def open_viewer(page: Page, url: str, fragment: str = "") -> Any:
    p = page.page
    p.goto(url + fragment)
    p.wait_for_selector("body[data-loaded]", timeout=60_000)
    return p


def marker_position(p: Any, kind: str, entity: int) -> str | None:
    """The SVG transform of an entity's marker, or None when it is hidden."""
    return p.evaluate(
        """([kind, id]) => {
          const g = document.querySelector(`[data-kind="${kind}"][data-id="${id}"]`);
          return g && g.style.display !== 'none' ? g.getAttribute('transform').split(' scale')[0] : null;
        }""",
        [kind, entity],
    )


def in_flight(p: Any, t0: float, t1: float) -> int:
    """A threat of the loaded replication that is in flight from t0 to t1."""
    found: int | None = p.evaluate(
        """([t0, t1]) => {
          const th = window.agViewer.state.pb.threats.find(
            t => t.track && t.track.t[0] <= t0 && t.track.t[t.track.t.length - 1] >= t1);
          return th ? th.id : null;
        }""",
        [t0, t1],
    )
    assert found is not None
    return found


def test_the_map_draws_with_borders_assets_and_units(page: Page, url: str) -> None:
    p = open_viewer(page, url)
    assert p.locator("path.ag-land").count() >= 2
    assert p.locator("path.ag-border").count() >= 1
    assert p.locator(".ag-asset[data-name='Base']").count() == 1
    assert p.locator(".ag-unit").count() == 1
    assert p.locator("#run option").count() == 2
    page.screenshot("viewer-loaded")
    page.assert_clean()


def test_the_time_slider_moves_an_entity(page: Page, url: str) -> None:
    p = open_viewer(page, url, "#run=run/patriot&rep=3&t=0")
    threat = in_flight(p, 100.0, 160.0)
    p.locator("#time").fill("100")
    at_100 = marker_position(p, "threat", threat)
    assert at_100 is not None
    p.locator("#time").fill("160")
    at_160 = marker_position(p, "threat", threat)
    assert at_160 is not None
    assert at_160 != at_100
    assert p.locator("#clock").inner_text() == "T+2:40"
    end = p.evaluate("window.agViewer.state.pb.end_s")
    p.locator("#time").fill(str(int(end)))
    assert marker_position(p, "threat", threat) is None  # it has ended by then
    page.screenshot("viewer-slider")
    page.assert_clean()


def test_play_advances_time_and_pause_stops_it(page: Page, url: str) -> None:
    p = open_viewer(page, url, "#run=run/patriot&rep=3&t=50")
    p.locator("#speed").select_option("30")
    threat = in_flight(p, 50.0, 90.0)
    before = marker_position(p, "threat", threat)
    p.locator("#play").click()
    p.wait_for_function("() => window.agViewer.state.t > 60", timeout=10_000)
    assert p.locator("#play").get_attribute("aria-label") == "pause"
    p.locator("#play").click()
    stopped = p.evaluate("window.agViewer.state.t")
    p.wait_for_timeout(400)
    assert p.evaluate("window.agViewer.state.t") == stopped
    assert p.locator("#play").get_attribute("aria-label") == "play"
    assert marker_position(p, "threat", threat) != before
    page.assert_clean()


def click_visible(p: Any, kind: str) -> str:
    """Click the first marker of `kind` that nothing covers; returns its id (or name)."""
    target = p.evaluate(
        """(kind) => {
          for (const g of document.querySelectorAll(`[data-kind="${kind}"]`)) {
            if (g.style.display === 'none') continue;
            const shape = g.querySelector('path, rect, circle:not([fill="transparent"])') || g;
            const r = shape.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const hit = document.elementFromPoint(x, y);
            if (hit && g.contains(hit)) return {x, y, id: g.dataset.id || g.dataset.name};
          }
          return null;
        }""",
        kind,
    )
    assert target is not None, f"no uncovered {kind} marker"
    p.mouse.click(target["x"], target["y"])
    return str(target["id"])


def test_clicking_an_entity_shows_its_details(page: Page, url: str) -> None:
    p = open_viewer(page, url, "#run=run/patriot&rep=3&t=120")
    threat = click_visible(p, "threat")
    details = p.locator("#details")
    assert details.locator(".title").inner_text().startswith(f"Threat {threat} — ")
    text = details.inner_text()
    assert "altitude" in text
    assert "launched" in text
    assert "fate" in text
    assert p.locator(f"[data-kind='threat'][data-id='{threat}'].ag-selected").count() == 1
    page.screenshot("viewer-details")
    p.locator("#time").fill("0")  # before any launch, so that no interceptor covers the unit
    click_visible(p, "unit")
    assert details.locator(".title").inner_text() == "Unit Battery"
    assert "fired in this replication" in details.inner_text()
    page.assert_clean()


def test_another_run_and_replication_load(page: Page, url: str) -> None:
    p = open_viewer(page, url, "#run=run/patriot&rep=3")
    p.locator("#run").select_option("run/s-400")
    p.wait_for_function(
        "() => document.body.dataset.loaded.startsWith('run/s-400#')", timeout=60_000
    )
    k = p.evaluate("window.agViewer.state.rep")
    p.locator("#rep-next").click()
    p.wait_for_function(
        "(k) => document.body.dataset.loaded === 'run/s-400#' + k", arg=k + 1, timeout=60_000
    )
    assert p.locator(".ag-unit[data-name='Battalion']").count() == 1
    page.assert_clean()


def test_nothing_leaves_the_machine_and_the_console_stays_clean(page: Page, url: str) -> None:
    p = open_viewer(page, url)
    p.locator("#play").click()
    p.wait_for_timeout(700)
    p.locator("#play").click()
    assert page.requests
    assert all(u.startswith("http://127.0.0.1:") for u in page.requests)
    page.assert_clean()


def test_the_viewer_page_is_what_the_server_ships(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as resp:  # 127.0.0.1 only
        body = resp.read().decode()
    page_file = Path(__file__).parents[2] / "src" / "airguard" / "data" / "web" / "viewer.html"
    assert body == page_file.read_text(encoding="utf-8")
