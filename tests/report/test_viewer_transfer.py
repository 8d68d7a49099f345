"""What `airguard serve` sends and how soon (issue 18, item 5): gzip-compressed to a client
that takes gzip, and the first page's map made before it is asked for.

Checked against RFC 9110: ``Content-Encoding: gzip`` on a compressed body, a
``Content-Length`` of the bytes sent (section 8.6), ``Vary: Accept-Encoding`` on every
answer whose encoding depends on that header (section 12.5.5), and q=0 meaning "not
acceptable" (section 12.4.2).
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from airguard.viewer.server import (
    GZIP_MIN_BYTES,
    STATIC_FILES,
    Viewer,
    accepts_gzip,
    discover_runs,
)
from tests.browser.runs import shared_small_runs
from tests.report.test_viewer import request, serving

TARGETS = [
    "/",
    *(f"/static/{name}" for name in STATIC_FILES),
    "/api/scene?run=run/patriot",
    "/api/playback?run=run/patriot&rep=1",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Viewer]]:
    with serving([shared_small_runs(tmp_path_factory)]) as srv:
        yield srv


@pytest.mark.parametrize("target", TARGETS)
def test_a_client_taking_gzip_gets_the_same_body_compressed(
    server: tuple[str, int, Viewer], target: str
) -> None:
    status, plain_headers, plain = request(server, target)
    assert status == 200
    assert "content-encoding" not in plain_headers
    assert plain_headers["vary"] == "Accept-Encoding"
    status, headers, body = request(server, target, headers={"Accept-Encoding": "gzip, deflate"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body)
    assert headers["content-type"] == plain_headers["content-type"]
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain)


def test_a_playback_shrinks_to_under_two_fifths(server: tuple[str, int, Viewer]) -> None:
    # the small scenario's 68 kB playback gzips to 30 %; the flagship's 1 MB to about 10 %
    target = "/api/playback?run=run/s-400&rep=0"
    _, _, plain = request(server, target)
    _, _, body = request(server, target, headers={"Accept-Encoding": "gzip"})
    assert len(body) < 0.4 * len(plain)


def test_a_cached_answer_is_compressed_once(server: tuple[str, int, Viewer]) -> None:
    _, _, viewer = server
    target = "/api/playback?run=run/patriot&rep=2"
    first = request(server, target, headers={"Accept-Encoding": "gzip"})[2]
    cached = viewer._cache[("playback", "run/patriot", 2)]
    assert cached.encoded(True)[0] is cached.encoded(True)[0]
    assert request(server, target, headers={"Accept-Encoding": "gzip"})[2] == first


@pytest.mark.parametrize("accept", ["identity", "br", "gzip;q=0", "gzip; q=0.0, *;q=1", "*;q=0"])
def test_a_client_not_taking_gzip_gets_the_body_as_it_is(
    server: tuple[str, int, Viewer], accept: str
) -> None:
    target = "/static/map.js"
    status, headers, body = request(server, target, headers={"Accept-Encoding": accept})
    assert status == 200
    assert "content-encoding" not in headers
    assert headers["vary"] == "Accept-Encoding"
    assert int(headers["content-length"]) == len(body)
    assert body.startswith(b"/* airguard map")


def test_head_announces_the_length_get_would_send(server: tuple[str, int, Viewer]) -> None:
    target = "/api/scene?run=run/patriot"
    gz = {"Accept-Encoding": "gzip"}
    _, get_headers, body = request(server, target, headers=gz)
    status, head_headers, nothing = request(server, target, method="HEAD", headers=gz)
    assert status == 200
    assert nothing == b""
    assert head_headers["content-encoding"] == "gzip"
    assert head_headers["content-length"] == get_headers["content-length"] == str(len(body))


def test_short_answers_and_errors_go_uncompressed(server: tuple[str, int, Viewer]) -> None:
    gz = {"Accept-Encoding": "gzip"}
    status, headers, body = request(server, "/api/playback?run=run/patriot&rep=99999", headers=gz)
    assert status == 404
    assert len(body) < GZIP_MIN_BYTES
    assert "content-encoding" not in headers
    assert json.loads(body)["status"] == 404


def test_hardening_answers_are_unchanged_with_gzip(server: tuple[str, int, Viewer]) -> None:
    gz = {"Accept-Encoding": "gzip"}
    status, headers, body = request(server, "/api/runs", headers={**gz, "Host": "evil.example"})
    assert status == 403
    assert "content-encoding" not in headers
    assert json.loads(body)["status"] == 403
    status, _, body = request(server, "/static/../../etc/passwd", headers=gz)
    assert status == 404
    assert b"root:" not in body


@pytest.mark.parametrize(
    ("header", "takes"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip, deflate, br, zstd", True),  # what Chromium sends
        ("deflate, gzip;q=1.0, *;q=0.5", True),
        ("gzip;q=0.001", True),
        ("*", True),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("gzip;q=0, *", False),  # gzip named and refused: the wildcard does not bring it back
        ("*;q=0", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_is_read_as_rfc_9110_says(header: str | None, takes: bool) -> None:
    assert accepts_gzip(header) is takes


def test_the_static_files_are_the_shipped_ones(server: tuple[str, int, Viewer]) -> None:
    web = Path(__file__).parents[2] / "src" / "airguard" / "data" / "web"
    for name in STATIC_FILES:
        _, _, body = request(server, f"/static/{name}", headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(body) == (web / name).read_bytes(), name


# --- the first page's map, made before it is asked for


def test_warm_makes_the_first_runs_map_and_representative_replication(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    viewer = Viewer(discover_runs([shared_small_runs(tmp_path_factory)]))
    viewer.warm()
    scene = json.loads(viewer.handle("GET", "/api/scene?run=run/patriot").body)
    rep = scene["representative"]["replication"]
    assert set(viewer._cache) == {("scene", "run/patriot", 0), ("playback", "run/patriot", rep)}


def test_warm_passes_over_a_damaged_run(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    root = tmp_path / "runs"
    shutil.copytree(shared_small_runs(tmp_path_factory), root)
    (root / "patriot" / "manifest.json").write_text("{", encoding="utf-8")
    viewer = Viewer(discover_runs([root]))
    viewer.warm()
    assert {key[:2] for key in viewer._cache} == {
        ("scene", "runs/s-400"),
        ("playback", "runs/s-400"),
    }
