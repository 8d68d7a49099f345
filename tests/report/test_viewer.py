"""`airguard serve`: the viewer's HTTP routes, its errors and what it refuses to serve.

The server runs in a thread on 127.0.0.1 with port 0 (any free port); requests go through
http.client with raw request targets, so that nothing normalises a path before the server
sees it.  Every request here stays on the loopback address.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airguard.results.store import read_manifest, read_table
from airguard.viewer.server import STATIC_FILES, Viewer, discover_runs, make_server
from tests.browser.runs import shared_small_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory)


@pytest.fixture(scope="module")
def server(runs: Path) -> Iterator[tuple[str, int, Viewer]]:
    srv, viewer = make_server([runs], port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    host, port = srv.server_address[0], srv.server_address[1]
    yield str(host), int(port), viewer
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=10)


def request(
    server: tuple[str, int, Viewer],
    target: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    host, port, _ = server
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.putrequest(
            method,
            target,
            skip_host=headers is not None and "Host" in headers,
            skip_accept_encoding=True,
        )
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def get_json(server: tuple[str, int, Viewer], target: str) -> tuple[int, Any]:
    status, headers, body = request(server, target)
    assert headers["content-type"].startswith("application/json")
    return status, json.loads(body)


def test_binds_to_loopback_by_default(runs: Path) -> None:
    srv, _ = make_server([runs], port=0)
    try:
        assert srv.server_address[0] == "127.0.0.1"
    finally:
        srv.server_close()


def test_lists_the_runs_it_was_given(server: tuple[str, int, Viewer]) -> None:
    status, body = get_json(server, "/api/runs")
    assert status == 200
    assert [r["id"] for r in body["runs"]] == ["run/patriot", "run/s-400"]
    assert {r["variant"] for r in body["runs"]} == {"patriot", "s-400"}
    assert all(r["replications"] == 12 for r in body["runs"])


def test_serves_the_page_and_its_static_files(server: tuple[str, int, Viewer]) -> None:
    status, headers, body = request(server, "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b'<script src="/static/viewer.js">' in body
    for name in STATIC_FILES:
        status, headers, body = request(server, f"/static/{name}")
        assert status == 200, name
        assert body
    assert "default-src 'none'" in headers["content-security-policy"]


def test_scene_has_the_map_the_replications_and_the_representative_one(
    runs: Path, server: tuple[str, int, Viewer]
) -> None:
    status, scene = get_json(server, "/api/scene?run=run/patriot")
    assert status == 200
    assert scene["assets"][0]["name"] == "Base"
    assert scene["units"][0]["name"] == "Battery"
    assert {"Turkey", "Syria"} <= {c["name"] for c in scene["map"]["land"]}
    assert len(scene["replications"]["rows"]) == 12
    assert 0 <= scene["representative"]["replication"] < 12
    assert scene["run"]["playable"] is True


def test_playback_is_the_stored_replication_again(
    runs: Path, server: tuple[str, int, Viewer]
) -> None:
    k = 5
    status, pb = get_json(server, f"/api/playback?run=run/patriot&rep={k}")
    assert status == 200
    stored = next(
        r for r in read_table(runs / "patriot", "replications").to_pylist() if r["replication"] == k
    )
    assert pb["outcome"]["leakers"] == stored["leakers"]
    assert pb["outcome"]["killed"] == stored["killed"]
    assert len(pb["interceptors"]) == stored["interceptors_fired"]
    assert len(pb["threats"]) == 6
    for threat in pb["threats"]:
        track = threat["track"]
        assert len(track["t"]) == len(track["lat"]) == len(track["lon"]) == len(track["alt"])
        assert all(b > a for a, b in zip(track["t"], track["t"][1:], strict=False))
        assert track["t"][-1] == pytest.approx(min(threat["end_s"], pb["end_s"]), abs=1.0)


def test_a_playback_is_computed_once_and_cached(server: tuple[str, int, Viewer]) -> None:
    _, _, viewer = server
    first = request(server, "/api/playback?run=run/s-400&rep=2")
    assert ("playback", "run/s-400", 2) in viewer._cache
    second = request(server, "/api/playback?run=run/s-400&rep=2")
    assert first[0] == second[0] == 200
    assert first[2] == second[2]


@pytest.mark.parametrize(
    "target",
    [
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/manifest.json",
        "/static/map.js/../../run/patriot/manifest.json",
        "/../run/patriot/manifest.json",
        "/run/patriot/manifest.json",
        "/run/patriot/replications/part-00000.parquet",
        "//etc/passwd",
        "/api/scene?run=../../etc",
        "/api/scene?run=%2Fetc%2Fpasswd",
        "/api/scene?run=run/patriot/../../..",
        "/api/playback?run=run/patriot/../s-400&rep=1",
        "/static/viewer.html",
        "/static/",
        "/api/../static/map.js",
    ],
)
def test_nothing_outside_its_own_files_and_runs_is_served(
    server: tuple[str, int, Viewer], target: str
) -> None:
    status, headers, body = request(server, target)
    assert 400 <= status < 500
    assert headers["content-type"].startswith("application/json")
    assert b"root:" not in body
    assert b"scenario_sha256" not in body
    assert b"PAR1" not in body
    assert "error" in json.loads(body)


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/api/playback?run=run/patriot&rep=-1", 400),
        ("/api/playback?run=run/patriot&rep=abc", 400),
        ("/api/playback?run=run/patriot&rep=1e3", 400),
        ("/api/playback?run=run/patriot&rep=12", 404),
        ("/api/playback?run=run/patriot&rep=99999999999999999999", 400),
        ("/api/playback?run=run/patriot", 400),
        ("/api/playback?run=run/patriot&rep=1&rep=2", 400),
        ("/api/playback?rep=1", 400),
        ("/api/scene", 400),
        ("/api/scene?run=", 400),
        ("/api/scene?run=nope", 404),
        ("/api/nothing", 404),
        ("/favicon.ico", 404),
    ],
)
def test_bad_requests_get_a_json_error_and_the_server_goes_on(
    server: tuple[str, int, Viewer], target: str, status: int
) -> None:
    got, body = get_json(server, target)
    assert got == status
    assert body["status"] == status
    assert body["error"]
    assert get_json(server, "/api/runs")[0] == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_is_served(server: tuple[str, int, Viewer], method: str) -> None:
    status, _headers, body = request(server, "/api/runs", method=method)
    assert status == 405
    assert json.loads(body)["status"] == 405


def test_a_foreign_host_header_is_refused(server: tuple[str, int, Viewer]) -> None:
    status, _, body = request(server, "/api/runs", headers={"Host": "attacker.example:80"})
    assert status == 403
    assert "not this server" in json.loads(body)["error"]
    _host, port, _ = server
    assert request(server, "/api/runs", headers={"Host": f"localhost:{port}"})[0] == 200


def test_a_malformed_request_line_does_not_stop_the_server(server: tuple[str, int, Viewer]) -> None:
    host, port, _ = server
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")  # no HTTP version: answered as HTTP/0.9, a bare body
        reply = sock.recv(4096)
    assert json.loads(reply)["status"] == 400
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"BREW /api/runs HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = sock.recv(4096)
    assert b" 501 " in reply.split(b"\r\n")[0]
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
        reply = sock.recv(4096)
    assert b" 414 " in reply.split(b"\r\n")[0]
    assert get_json(server, "/api/runs")[0] == 200


def test_a_failure_while_computing_is_a_json_500(
    server: tuple[str, int, Viewer], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(run_dir: Path, rep: int) -> Any:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(Viewer, "_playback", staticmethod(broken))
    status, body = get_json(server, "/api/playback?run=run/patriot&rep=7")
    assert status == 500
    assert "simulated failure" in body["error"]
    monkeypatch.undo()
    assert get_json(server, "/api/playback?run=run/patriot&rep=7")[0] == 200


def test_a_run_whose_scenario_changed_cannot_be_played_back(runs: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(runs / "patriot", root / "patriot")
    scenario = tmp_path / "small.yaml"
    shutil.copy(Path(read_manifest(runs / "patriot")["scenario_file"]), scenario)
    manifest = root / "patriot" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["scenario_file"] = str(scenario)
    manifest.write_text(json.dumps(data), encoding="utf-8")
    scenario.write_text(
        scenario.read_text(encoding="utf-8").replace("count: 4", "count: 3"), encoding="utf-8"
    )
    viewer = Viewer(discover_runs([root]))
    scene = json.loads(viewer.handle("GET", "/api/scene?run=copy/patriot").body)
    assert scene["run"]["playable"] is False
    assert any("changed since the run" in w for w in scene["warnings"])
    response = viewer.handle("GET", "/api/playback?run=copy/patriot&rep=0")
    assert response.status == 409
    assert "changed since the run" in json.loads(response.body)["error"]


def test_runs_are_found_below_the_given_directories_and_named_by_their_path(runs: Path) -> None:
    found = discover_runs([runs.parent])
    assert set(found) == {f"{runs.parent.name}/run/patriot", f"{runs.parent.name}/run/s-400"}
    assert discover_runs([runs / "patriot"]) == {"patriot": (runs / "patriot").resolve()}


def test_no_run_is_an_input_error(tmp_path: Path) -> None:
    from airguard.errors import InputError

    with pytest.raises(InputError, match="no finished run directory"):
        make_server([tmp_path], port=0)
