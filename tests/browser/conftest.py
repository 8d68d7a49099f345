"""Headless Chromium for the report and viewer tests.

Debian's ``chromium`` (installed by ``make test``, see the Makefile's ``browser-deps``) is
driven by Playwright through its ``executable_path``: Playwright's own browser download is
never used.  Each test gets a fresh page that records console errors, uncaught page
errors, and every request that would leave the machine (anything but file:, data: and
127.0.0.1), which is aborted.  Screenshots go to ``test-artifacts/browser/``.

Without chromium or the playwright package the tests are skipped with the reason, except
in CI (``CI`` set), where they fail: there the set-up must have installed both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
LOCAL = ("file:", "data:", "about:", "http://127.0.0.1:", "blob:")


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(
            f"{reason}; in CI the set-up (make test → browser-deps, the test extra) installs it"
        )
    pytest.skip(reason)


def chromium_path() -> str:
    path = os.environ.get("AIRGUARD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        _missing(
            "Debian's chromium is not installed (make test installs it: apt-get install chromium)"
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Page:
    """A browser page and what it did: console errors, page errors, blocked requests."""

    page: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no request off the machine."""
        assert self.errors == [], self.errors
        assert self.blocked == [], self.blocked


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, service_workers="block")
    p = context.new_page()
    record = Page(p)

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            record.errors.append(f"console: {msg.text}")

    def route(r: Any) -> None:
        url = r.request.url
        record.requests.append(url)
        if url.startswith(LOCAL) or url.startswith("http://127.0.0.1/"):
            r.continue_()
        else:
            record.blocked.append(url)
            r.abort()

    p.on("console", on_console)
    p.on("pageerror", lambda exc: record.errors.append(f"page error: {exc}"))
    context.route("**/*", route)
    try:
        yield record
    finally:
        context.close()


@contextmanager
def serving(runs: list[Path]) -> Iterator[str]:
    """The viewer serving `runs` on a free local port while the block runs: its base URL."""
    import threading

    from airguard.viewer.server import make_server

    srv, _ = make_server(runs, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The viewer serving the small runs (tests/browser/runs.py), one server per test
    module: its base URL."""
    from tests.browser.runs import shared_small_runs

    with serving([shared_small_runs(tmp_path_factory)]) as base:
        yield base
