"""`airguard serve`: the viewer's HTTP routes, its errors and what it refuses to serve.

The server runs in a thread on 127.0.0.1 with port 0 (any free port); requests go through
http.client with raw request targets, so that nothing normalises a path before the server
sees it.  The later tests attack it as issue 20 lists (docs/reliability.md, "The viewer
under attack"): symbolic links and damaged runs, oversized, malformed, idle and trickling
connections, and a burst of 500 requests.  Every request here stays on the loopback
address.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from airguard.results.store import read_manifest, read_table
from airguard.viewer.server import (
    CACHE_SIZE,
    HEAVY_AT_ONCE,
    MAX_CONNECTIONS,
    STATIC_FILES,
    THREAD_NAME,
    Response,
    Viewer,
    discover_runs,
    exposure_warning,
    is_loopback,
    make_server,
)
from tests.browser.runs import shared_small_runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory)


@contextlib.contextmanager
def serving(
    roots: Sequence[Path], idle_timeout_s: float | None = None
) -> Iterator[tuple[str, int, Viewer]]:
    """A server over the runs under `roots` on 127.0.0.1 (any free port), in a thread."""
    srv, viewer = make_server(roots, port=0)
    if idle_timeout_s is not None:
        srv.idle_timeout_s = idle_timeout_s
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    host, port = srv.server_address[0], srv.server_address[1]
    try:
        yield str(host), int(port), viewer
    finally:
        started = time.monotonic()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)
        assert time.monotonic() - started < 5, "the server did not stop promptly"


@pytest.fixture(scope="module")
def server(runs: Path) -> Iterator[tuple[str, int, Viewer]]:
    with serving([runs]) as srv:
        yield srv


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


def exchange(server: tuple[str, int, Viewer], raw: bytes) -> tuple[bytes, float]:
    """Send `raw` on a connection of its own and read until the server closes it: what
    came back, and the seconds from the first byte sent to the end.  The server may close
    before all of `raw` is sent (it answers after the head): sending then stops."""
    host, port, _ = server
    with socket.create_connection((host, port), timeout=10) as sock:
        started = time.monotonic()

        def send() -> None:
            with contextlib.suppress(OSError):
                sock.sendall(raw)

        sender = threading.Thread(target=send)
        sender.start()
        chunks = []
        with contextlib.suppress(ConnectionResetError):  # closed with input left unread
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        seconds = time.monotonic() - started
        sender.join(timeout=10)
        return b"".join(chunks), seconds


def parse_reply(reply: bytes) -> tuple[int, dict[str, str], bytes]:
    """The status, headers (lower-case names) and body of one HTTP/1.1 answer."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server has closed `sock` (an end of input or a reset), waiting up to its
    timeout."""
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def copy_runs(runs: Path, tmp_path: Path) -> Path:
    """The shared runs copied to ``tmp_path/runs`` (ids ``runs/patriot``, ``runs/s-400``)."""
    root = tmp_path / "runs"
    shutil.copytree(runs, root)
    return root


def answers(viewer: Viewer, rid: str) -> dict[str, tuple[int, bytes]]:
    """What the viewer answers about run `rid`: its listing, scene and a playback."""
    out = {}
    for target in ("/api/runs", f"/api/scene?run={rid}", f"/api/playback?run={rid}&rep=0"):
        response = viewer.handle("GET", target)
        out[target] = (response.status, response.body)
    return out


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
        # every encoding of a way up: percent, double percent, backslash, overlong UTF-8,
        # NUL, absolute and scheme-relative paths, Unicode look-alikes of the dot
        "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/static/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/static/%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "/static/..%255c..%255c..%255cetc%255cpasswd",
        "/static/..%5c..%5c..%5cetc%5cpasswd",
        "/static/..\\..\\..\\etc\\passwd",
        "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/static/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afetc%c0%afpasswd",
        "/static/%e0%80%ae%e0%80%ae/etc/passwd",
        "/static/map.js%00../../../etc/passwd",
        "/static/..%00/..%00/etc/passwd",
        "/static/%00",
        "/static/....//....//....//etc/passwd",
        "/static/..;/..;/etc/passwd",
        "/static/%e2%80%a4%e2%80%a4/%e2%80%a4%e2%80%a4/etc/passwd",
        "/static/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/etc/passwd",
        "/static/%ef%bc%8f..%ef%bc%8f..%ef%bc%8fetc%ef%bc%8fpasswd",
        "/static//etc/passwd",
        "///etc/passwd",
        "/etc/passwd",
        "http://localhost/../../../etc/passwd",
        "/static/file:///etc/passwd",
        "/api/scene?run=/etc",
        "/api/scene?run=/etc/passwd",
        "/api/scene?run=..",
        "/api/scene?run=%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/scene?run=%252e%252e%252fetc",
        "/api/scene?run=..%5c..%5cetc",
        "/api/scene?run=run/patriot%00/../../../etc/passwd",
        "/api/scene?run=%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/etc",
        "/api/scene?run=%c0%ae%c0%ae/etc",
        "/api/scene?run=run/patriot&run=/etc",
        "/api/playback?run=/etc/passwd&rep=0",
        "/api/playback?run=run/patriot&rep=../../etc/passwd",
        "/api/playback?run=run/patriot&rep=%00",
    ],
)
def test_nothing_outside_its_own_files_and_runs_is_served(
    server: tuple[str, int, Viewer], target: str
) -> None:
    status, headers, body = request(server, target)
    assert 400 <= status < 500
    assert headers["content-type"].startswith("application/json")
    assert b"root:" not in body  # a line of /etc/passwd
    assert b"scenario_sha256" not in body
    assert b"PAR1" not in body
    assert "error" in json.loads(body)
    assert get_json(server, "/api/runs")[0] == 200


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


@pytest.mark.parametrize(
    "host",
    [
        "localhost:{port}",
        "LOCALHOST:{port}",
        "LocalHost:{port}",
        "localhost.:{port}",
        "127.0.0.1:{port}",
        "127.0.0.1.:{port}",
        "[::1]:{port}",
    ],
)
def test_a_host_header_naming_this_server_is_accepted_in_any_case(
    server: tuple[str, int, Viewer], host: str
) -> None:
    _host, port, _ = server
    assert request(server, "/api/runs", headers={"Host": host.format(port=port)})[0] == 200


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example:80",
        "evil.example:{port}",
        "EVIL.example:{port}",
        "localhost.evil:{port}",
        "LOCALHOST.EVIL.EXAMPLE:{port}",
        "127.0.0.1.evil.example:{port}",
        "evil.localhost:{port}",
        "localhost:{port}@evil.example",
        "localhost:{other}",
        "localhost",
        "",
    ],
)
def test_a_foreign_host_header_is_refused(server: tuple[str, int, Viewer], host: str) -> None:
    _host, port, _ = server
    target = host.format(port=port, other=port + 1)
    status, _, body = request(server, "/api/runs", headers={"Host": target})
    assert status == 403
    assert "not this server" in json.loads(body)["error"]
    assert get_json(server, "/api/runs")[0] == 200


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
    assert get_json(server, "/api/runs")[0] == 200


_HOST = b"Host: 127.0.0.1:PORT\r\n"  # PORT: the server's
_SMUGGLED = b"\r\n\r\nGET /api/runs HTTP/1.1\r\nHost: 127.0.0.1:PORT\r\n\r\n"  # in a body


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(
            b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n" + _HOST + b"\r\n", 414, id="line-70kB"
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n"
            + _HOST
            + b"".join(b"X-Filler-%d: x\r\n" % i for i in range(150))
            + b"\r\n",
            431,
            id="150-headers",
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n" + _HOST + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n",
            431,
            id="header-70kB",
        ),
        pytest.param(
            b"POST /api/runs HTTP/1.1\r\n"
            + _HOST
            + b"Content-Length: 1000000\r\n\r\n"
            + b"x" * (1_000_000 - len(_SMUGGLED))
            + _SMUGGLED,
            405,
            id="post-1MB",
        ),
        pytest.param(
            b"POST /api/runs HTTP/1.1\r\n" + _HOST + b"Expect: 100-continue\r\n"
            b"Content-Length: 1000000\r\n\r\n",
            405,
            id="post-expecting-100-continue",
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n" + _HOST + b"Content-Length: abc\r\n\r\n",
            400,
            id="content-length-abc",
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n" + _HOST + b"Content-Length: -1\r\n\r\n",
            400,
            id="content-length-negative",
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n" + _HOST + b"Content-Length: 5\r\n"
            b"Content-Length: 60\r\n\r\nhello" + _SMUGGLED,
            400,
            id="content-length-twice",
        ),
        pytest.param(
            b"GET /api/runs HTTP/1.1\r\n" + _HOST + b"Transfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n0\r\n\r\n" + _SMUGGLED,
            200,  # answered, and the connection closed: the body is never read
            id="chunked-get",
        ),
    ],
)
def test_an_oversized_or_malformed_request_is_answered_and_its_connection_closed(
    server: tuple[str, int, Viewer], raw: bytes, status: int
) -> None:
    _host, port, _ = server
    reply, seconds = exchange(server, raw.replace(b"PORT", str(port).encode()))
    assert reply.count(b"HTTP/1.1 ") == 1  # one answer: nothing it sent was read as a request
    got, headers, body = parse_reply(reply)
    assert got == status
    assert headers["connection"] == "close"
    assert headers["content-type"].startswith("application/json")
    if status >= 400:
        assert json.loads(body)["status"] == status
    else:
        assert json.loads(body)["runs"]
    assert seconds < 1.0  # answered and closed at once, whatever was left unread
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


# ---------------------------------------------------------------- idle connections and load


@contextlib.contextmanager
def idle_connections(
    server: tuple[str, int, Viewer], idle: int = 100, half: int = 20
) -> Iterator[list[socket.socket]]:
    """`idle` connections that send nothing and `half` that send half a request head (a
    line cut short, or a line and half a header), all closed on leaving."""
    host, port, _ = server
    socks = []
    try:
        for k in range(idle + half):
            sock = socket.create_connection((host, port), timeout=10)
            if k >= idle:
                head = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}" if k % 2 else "GET /api/ru"
                sock.sendall(head.encode())
            socks.append(sock)
        yield socks
    finally:
        for sock in socks:
            sock.close()


def test_a_request_is_answered_at_once_while_120_connections_send_nothing(
    server: tuple[str, int, Viewer],
) -> None:
    # more than MAX_CONNECTIONS: those holding a handler while the request waits for one
    # are closed after BUSY_TIMEOUT_S (1 s), not IDLE_TIMEOUT_S
    with idle_connections(server):
        started = time.monotonic()
        assert get_json(server, "/api/runs")[0] == 200
        assert time.monotonic() - started < 3.0
    assert get_json(server, "/api/runs")[0] == 200


def test_idle_half_sent_and_trickling_connections_are_closed_after_the_idle_timeout(
    runs: Path,
) -> None:
    idle_timeout_s = 1.0
    with serving([runs], idle_timeout_s=idle_timeout_s) as server:
        host, port, _ = server
        trickled_for: list[float] = []

        def trickle() -> None:  # a request head one byte every 0.2 s, never finished
            with socket.create_connection((host, port), timeout=10) as sock:
                started = time.monotonic()
                with contextlib.suppress(OSError):
                    for byte in b"GET /api/runs HTTP/1.1\r\nX-Slow: " + b"a" * 100:
                        sock.sendall(bytes([byte]))
                        time.sleep(0.2)
                trickled_for.append(time.monotonic() - started)

        with idle_connections(server, idle=30, half=10) as socks:
            trickler = threading.Thread(target=trickle)
            trickler.start()
            for sock in socks:
                sock.settimeout(3 * idle_timeout_s)
                assert closed_by_server(sock)
            trickler.join(timeout=30)
        assert len(trickled_for) == 1
        assert trickled_for[0] < 5 * idle_timeout_s  # not the 25 s it would take
        assert get_json(server, "/api/runs")[0] == 200


def test_a_burst_of_500_requests_is_answered_by_a_bounded_number_of_threads(
    server: tuple[str, int, Viewer],
) -> None:
    host, port, _ = server
    assert get_json(server, "/api/scene?run=run/patriot")[0] == 200  # computed once, first
    targets = (
        ["/api/runs"] * 300
        + [f"/static/{name}" for name in STATIC_FILES] * 25
        + ["/"] * 50
        + ["/api/scene?run=run/patriot"] * 50
    )
    start = threading.Barrier(len(targets), timeout=60)

    def get(target: str) -> int:
        start.wait()
        conn = http.client.HTTPConnection(host, port, timeout=30)
        try:
            conn.request("GET", target)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    handlers: list[int] = []
    done = threading.Event()

    def count_handlers() -> None:
        while not done.wait(0.002):
            handlers.append(sum(t.name == THREAD_NAME for t in threading.enumerate()))

    counter = threading.Thread(target=count_handlers)
    counter.start()
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=len(targets)) as pool:
            statuses = list(pool.map(get, targets))
    finally:
        done.set()
        counter.join()
    seconds = time.monotonic() - started
    assert statuses == [200] * len(targets)
    assert seconds < 20
    assert max(handlers) > 1  # the burst was served concurrently...
    assert max(handlers) <= MAX_CONNECTIONS + 4  # ...by at most so many threads
    assert get_json(server, "/api/runs")[0] == 200


def test_at_most_max_connections_are_handled_at_once_and_the_rest_wait(
    runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serving([runs]) as server:
        viewer = server[2]
        answer = viewer.handle

        def slowly(method: str, target: str) -> Any:
            time.sleep(0.05)  # every connection stays a while
            return answer(method, target)

        monkeypatch.setattr(viewer, "handle", slowly)
        handlers: list[int] = []
        done = threading.Event()

        def count_handlers() -> None:
            while not done.wait(0.005):
                handlers.append(sum(t.name == THREAD_NAME for t in threading.enumerate()))

        def get(_: int) -> int:
            return request(server, "/static/map.css")[0]

        counter = threading.Thread(target=count_handlers)
        counter.start()
        try:
            with ThreadPoolExecutor(max_workers=300) as pool:
                statuses = list(pool.map(get, range(300)))
        finally:
            done.set()
            counter.join()
        assert statuses == [200] * 300
        assert MAX_CONNECTIONS - 8 <= max(handlers) <= MAX_CONNECTIONS + 4


def test_at_most_two_scenes_or_playbacks_are_computed_at_once(
    runs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    viewer = Viewer(discover_runs([runs]))
    computing = [0]
    most = [0]
    lock = threading.Lock()

    def playback(run_dir: Path, rep: int) -> Any:
        with lock:
            computing[0] += 1
            most[0] = max(most[0], computing[0])
        time.sleep(0.02)
        with lock:
            computing[0] -= 1
        return Response(200, "application/json", b"{}")

    monkeypatch.setattr(Viewer, "_playback", staticmethod(playback))
    targets = [
        f"/api/playback?run=run/{v}&rep={k}" for v in ("patriot", "s-400") for k in range(12)
    ]
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        statuses = [r.status for r in pool.map(lambda t: viewer.handle("GET", t), targets)]
    assert statuses == [200] * len(targets)
    assert most[0] == HEAVY_AT_ONCE == 2
    assert len(viewer._cache) == CACHE_SIZE


# ---------------------------------------------------------------- damaged runs


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("truncated", "manifest.json: cannot be read"),
        ("empty", "manifest.json: cannot be read"),
        ("a JSON list", "manifest.json: cannot be read (a JSON object expected, got list)"),
        ("not UTF-8", "manifest.json: cannot be read"),
        ("removed", "manifest.json"),
    ],
)
def test_a_damaged_manifest_marks_its_run_and_no_other(
    runs: Path, tmp_path: Path, damage: str, reason: str
) -> None:
    root = copy_runs(runs, tmp_path)
    viewer = Viewer(discover_runs([root]))
    manifest = root / "patriot" / "manifest.json"
    text = manifest.read_bytes()
    if damage == "removed":
        manifest.unlink()
    else:
        damaged = {"truncated": text[: len(text) // 2], "empty": b"", "a JSON list": b"[1, 2]"}
        manifest.write_bytes(damaged.get(damage, b"\xff\xfe" + text))
    got = answers(viewer, "runs/patriot")
    status, body = got["/api/runs"]
    assert status == 200
    listed = {r["id"]: r for r in json.loads(body)["runs"]}
    assert listed["runs/patriot"]["damaged"].startswith(reason)
    assert "\n" not in listed["runs/patriot"]["damaged"]
    assert "damaged" not in listed["runs/s-400"]
    assert listed["runs/s-400"]["replications"] == 12
    for target in ("/api/scene?run=runs/patriot", "/api/playback?run=runs/patriot&rep=0"):
        status, body = got[target]
        assert status == 409, target
        assert "run 'runs/patriot' is damaged: manifest.json" in json.loads(body)["error"]


def test_a_damaged_run_among_good_ones_over_http(runs: Path, tmp_path: Path) -> None:
    root = copy_runs(runs, tmp_path)
    manifest = root / "patriot" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    with serving([root]) as server:
        status, body = get_json(server, "/api/runs")
        assert status == 200
        assert [(r["id"], "damaged" in r) for r in body["runs"]] == [
            ("runs/patriot", True),
            ("runs/s-400", False),
        ]
        status, body = get_json(server, "/api/scene?run=runs/patriot")
        assert status == 409
        assert body["status"] == 409
        assert "damaged" in body["error"]
        status, scene = get_json(server, "/api/scene?run=runs/s-400")
        assert status == 200
        assert len(scene["replications"]["rows"]) == 12


def test_a_run_with_a_damaged_table_answers_409_not_500(runs: Path, tmp_path: Path) -> None:
    root = copy_runs(runs, tmp_path)
    part = sorted((root / "patriot" / "replications").glob("*.parquet"))[0]
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, another checksum
    part.write_bytes(bytes(data))
    got = answers(Viewer(discover_runs([root])), "runs/patriot")
    assert got["/api/runs"][0] == 200
    for target in ("/api/scene?run=runs/patriot", "/api/playback?run=runs/patriot&rep=0"):
        status, body = got[target]
        assert status == 409, target
        assert "damaged" in json.loads(body)["error"]


# ---------------------------------------------------------------- symbolic links


def _outside_copy(path: Path, outside: Path) -> Path:
    """A copy of `path` (a file or a directory) outside the runs."""
    target = outside / f"{path.parent.name}-{path.name}"
    if path.is_dir():
        shutil.copytree(path, target)
    else:
        shutil.copy(path, target)
    return target


@pytest.mark.parametrize(
    "link",
    ["manifest.json", "a Parquet part", "a batch's commit marker", "replications", "batches"],
)
def test_a_run_holding_a_symbolic_link_is_listed_as_damaged_and_never_read(
    runs: Path, tmp_path: Path, link: str
) -> None:
    root = copy_runs(runs, tmp_path)
    run_dir = root / "patriot"
    outside = tmp_path / "outside"
    outside.mkdir()
    path = {
        "manifest.json": run_dir / "manifest.json",
        "a Parquet part": sorted((run_dir / "replications").glob("*.parquet"))[0],
        "a batch's commit marker": sorted((run_dir / "batches").glob("batch-*.json"))[0],
        "replications": run_dir / "replications",
        "batches": run_dir / "batches",
    }[link]
    target = _outside_copy(path, outside)
    if link == "manifest.json":  # what the link would show if it were followed
        data = json.loads(target.read_text(encoding="utf-8"))
        data["scenario_name"] = "OUTSIDE-THE-RUNS"
        target.write_text(json.dumps(data), encoding="utf-8")
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target)
    got = answers(Viewer(discover_runs([root])), "runs/patriot")
    listed = {r["id"]: r for r in json.loads(got["/api/runs"][1])["runs"]}
    relative = path.relative_to(run_dir).as_posix()
    assert listed["runs/patriot"]["damaged"] == f"holds a symbolic link: {relative}; not served"
    assert "damaged" not in listed["runs/s-400"]
    for target_url in ("/api/scene?run=runs/patriot", "/api/playback?run=runs/patriot&rep=0"):
        assert got[target_url][0] == 403
    for _status, body in got.values():
        assert b"OUTSIDE-THE-RUNS" not in body
        assert b"PAR1" not in body


def test_a_symlinked_directory_is_not_searched_for_runs(runs: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "elsewhere").symlink_to(runs, target_is_directory=True)
    assert discover_runs([root / "elsewhere"])  # given on the command line: followed
    with pytest.raises(Exception, match="no finished run directory"):
        make_server([root], port=0)


# ---------------------------------------------------------------- listening beyond loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
    assert (exposure_warning(host) is None) is loopback


def test_serve_warns_when_other_machines_can_reach_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    import airguard.viewer.server
    from airguard.cli import app

    def serve(roots: Any, host: str, port: int, verbose: bool, on_ready: Any) -> None:
        on_ready(f"http://{host}:{port}/")  # as if bound: nothing listens in this test

    monkeypatch.setattr(airguard.viewer.server, "serve", serve)
    result = CliRunner().invoke(app, ["serve", str(tmp_path), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8765/" in result.stdout
    assert "other machines can reach it" in result.stderr
    assert "can read everything in the runs" in result.stderr
    result = CliRunner().invoke(app, ["serve", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8765/" in result.stdout
    assert result.stderr == ""
