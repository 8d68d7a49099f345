"""A local web app to browse runs and play back replications on a map.

``airguard serve [RUN_DIR ...]`` (:func:`serve`) starts a standard-library
:class:`http.server.ThreadingHTTPServer`, on 127.0.0.1 by default.  Everything it serves
is either one of airguard's own web files (``airguard/data/web/``, by name from a fixed
list) or JSON computed from the runs it was given; a request names a run by its id, never
by a path, so no request can reach another file.  Routes:

``GET /``                         the viewer page
``GET /static/<name>``            map.js, map.css, viewer.js, viewer.css
``GET /api/runs``                 the runs: id, scenario, variant, replications, seed
``GET /api/scene?run=ID``         the run's map (:func:`airguard.scene.scene`),
                                  its replications' outcomes and the representative one
``GET /api/playback?run=ID&rep=K``  replication K as positions over time
                                  (:func:`airguard.scene.playback.playback`), computed
                                  on first request and cached

A bad request gets a JSON error with a 4xx status (400 bad parameter, 403 foreign Host
header, 404 unknown route or run, 405 other methods); an unexpected failure while
computing gets a JSON 500.  Neither stops the server.  When bound to a loopback address the
server answers only requests whose Host header names it (a guard against DNS rebinding).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from airguard.errors import InputError

__all__ = ["STATIC_FILES", "HttpError", "Viewer", "discover_runs", "make_server", "serve"]

log = logging.getLogger("airguard.viewer")

STATIC_FILES = {
    "map.js": "text/javascript; charset=utf-8",
    "map.css": "text/css; charset=utf-8",
    "viewer.js": "text/javascript; charset=utf-8",
    "viewer.css": "text/css; charset=utf-8",
}
"""The web files the server hands out, by name, and their media types."""

CACHE_SIZE = 12
"""Playbacks kept in memory (each a few hundred kB to a few MB of JSON)."""

MAX_DEPTH = 3
"""How deep under a given directory runs are looked for."""

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class HttpError(Exception):
    """A request that cannot be answered: its status and what was wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    cache: bool = False


def _json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    return Response(status, "application/json; charset=utf-8", body)


def discover_runs(roots: Sequence[str | Path]) -> dict[str, Path]:
    """Finished run directories (holding manifest.json) at or under `roots`, by id.

    The id of a run is its path relative to the root it was found under, prefixed by the
    root's name (``flagship/patriot``); replays and hidden directories are not searched.
    """
    found: dict[str, Path] = {}
    for root in (Path(r) for r in roots):
        if not root.is_dir():
            raise InputError("not a directory", file=str(root))
        base = root.resolve()
        stack = [(base, 0)]
        while stack:
            d, depth = stack.pop()
            if (d / "manifest.json").is_file():
                rel = d.relative_to(base).as_posix()
                rid = base.name if rel == "." else f"{base.name}/{rel}"
                while rid in found and found[rid] != d:
                    rid += "'"
                found[rid] = d
            if depth >= MAX_DEPTH:
                continue
            try:
                children = sorted(p for p in d.iterdir() if p.is_dir())
            except OSError:
                continue
            for child in reversed(children):
                if child.name.startswith(".") or child.name == "replays" or child.is_symlink():
                    continue
                stack.append((child, depth + 1))
    return dict(sorted(found.items()))


class Viewer:
    """The viewer's routes over a fixed set of runs (no sockets: see :func:`make_server`)."""

    def __init__(self, runs: dict[str, Path]) -> None:
        self.runs = dict(runs)
        self._cache: OrderedDict[tuple[str, str, int], Response] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, str, int], threading.Lock] = {}

    # -- cache: one computation per key, even when requests arrive together
    def _cached(self, key: tuple[str, str, int], compute: Callable[[], Response]) -> Response:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                return hit
            response = compute()
            with self._lock:
                self._cache[key] = response
                self._cache.move_to_end(key)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
                self._key_locks.pop(key, None)
            return response

    def _run(self, query: dict[str, list[str]]) -> tuple[str, Path]:
        values = query.get("run")
        if not values or len(values) != 1 or not values[0]:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, "expected one 'run' parameter (a run id from /api/runs)"
            )
        rid = values[0]
        if rid not in self.runs:
            raise HttpError(HTTPStatus.NOT_FOUND, f"no run '{rid}' (see /api/runs)")
        return rid, self.runs[rid]

    def handle(self, method: str, target: str) -> Response:
        """Answer one request (method and request target); never raises."""
        try:
            if method not in ("GET", "HEAD"):
                raise HttpError(HTTPStatus.METHOD_NOT_ALLOWED, f"{method}: only GET is served")
            parts = urlsplit(target)
            path = parts.path
            try:
                query = parse_qs(
                    parts.query, keep_blank_values=True, strict_parsing=False, max_num_fields=20
                )
            except ValueError as exc:
                raise HttpError(HTTPStatus.BAD_REQUEST, f"bad query string: {exc}") from None
            return self._route(path, query)
        except HttpError as exc:
            return _json_response({"error": exc.message, "status": exc.status}, exc.status)
        except Exception as exc:  # a failure in one request never stops the server
            log.exception("error answering %s %s", method, target)
            return _json_response(
                {"error": f"internal error: {type(exc).__name__}: {exc}", "status": 500}, 500
            )

    def _route(self, path: str, query: dict[str, list[str]]) -> Response:
        from airguard.scene.web import web_asset

        if path in ("/", "/index.html"):
            return Response(
                200, "text/html; charset=utf-8", web_asset("viewer.html").encode(), cache=True
            )
        if path.startswith("/static/"):
            name = path[len("/static/") :]
            if name not in STATIC_FILES:
                raise HttpError(HTTPStatus.NOT_FOUND, f"no static file '{name}'")
            return Response(200, STATIC_FILES[name], web_asset(name).encode(), cache=True)
        if path == "/api/runs":
            return _json_response(
                {"runs": [self._run_info(rid, d) for rid, d in self.runs.items()]}
            )
        if path == "/api/scene":
            rid, run_dir = self._run(query)
            return self._cached(("scene", rid, 0), lambda: self._scene(rid, run_dir))
        if path == "/api/playback":
            rid, run_dir = self._run(query)
            rep = self._replication(query, run_dir)
            return self._cached(("playback", rid, rep), lambda: self._playback(run_dir, rep))
        raise HttpError(HTTPStatus.NOT_FOUND, f"no route '{path}'")

    @staticmethod
    def _replication(query: dict[str, list[str]], run_dir: Path) -> int:
        from airguard.results.store import read_manifest

        values = query.get("rep")
        if not values or len(values) != 1:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, "expected one 'rep' parameter (a replication number)"
            )
        text = values[0].strip()
        if not text.isdigit() or len(text) > 9:
            raise HttpError(
                HTTPStatus.BAD_REQUEST,
                f"rep: expected a replication number, got '{values[0][:40]}'",
            )
        rep = int(text)
        n = int(read_manifest(run_dir).get("replications", 0))
        if rep >= n:
            raise HttpError(
                HTTPStatus.NOT_FOUND, f"rep: replication {rep} is not in this run (0 to {n - 1})"
            )
        return rep

    @staticmethod
    def _run_info(rid: str, run_dir: Path) -> dict[str, Any]:
        from airguard.results.store import read_manifest

        m = read_manifest(run_dir)
        return {
            "id": rid,
            "scenario": m.get("scenario_name"),
            "variant": m.get("variant"),
            "replications": m.get("replications"),
            "seed": m.get("seed"),
            "created_utc": m.get("created_utc"),
        }

    def _scene(self, rid: str, run_dir: Path) -> Response:
        from airguard.results.store import read_table
        from airguard.scene import run_scenario, scene, scene_box
        from airguard.scene.footprints import coverage_features
        from airguard.scene.playback import representative_replication

        try:
            scenario, warnings = run_scenario(run_dir)
        except InputError as exc:
            raise HttpError(HTTPStatus.NOT_FOUND, str(exc)) from None
        box = scene_box([scenario])
        coverage, _ = coverage_features(scenario, box)
        data = scene(scenario, box=box, coverage=coverage, warnings=warnings)
        reps = read_table(run_dir, "replications")
        cols = [
            "replication",
            "leakers",
            "killed",
            "interceptors_fired",
            "interceptor_cost_usd",
            "assets_damaged",
        ]
        data["run"] = {**self._run_info(rid, run_dir), "playable": not warnings}
        data["replications"] = {
            "columns": cols,
            "rows": [list(r.values()) for r in reps.select(cols).to_pylist()],
        }
        data["representative"] = representative_replication(run_dir)
        return _json_response(data)

    @staticmethod
    def _playback(run_dir: Path, rep: int) -> Response:
        from airguard.scene.playback import playback

        try:
            return _json_response(playback(run_dir, rep))
        except InputError as exc:
            raise HttpError(HTTPStatus.CONFLICT, str(exc)) from None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "airguard-viewer"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def _answer(self, head_only: bool) -> None:
        host = self.headers.get("Host", "")
        if not self.server.host_allowed(host):
            response = _json_response(
                {"error": f"Host '{host[:80]}' is not this server", "status": 403},
                HTTPStatus.FORBIDDEN,
            )
        else:
            response = self.server.viewer.handle(self.command, self.path)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "max-age=60" if response.cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's errors (a malformed request line, a header too long) as JSON."""
        body = json.dumps({"error": message or HTTPStatus(code).phrase, "status": code}).encode()
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(head_only=False)

    def do_HEAD(self) -> None:
        self._answer(head_only=True)

    def _refuse(self) -> None:
        self._answer(head_only=False)  # Viewer.handle answers 405 for any other method

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815 - http.server's names

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], viewer: Viewer, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.viewer = viewer
        self.verbose = verbose

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host header names this server (checked on loopback only)."""
        address = self.server_address[0]
        bound = address.decode() if isinstance(address, bytes) else str(address)
        port = self.server_address[1]
        if not bound.startswith("127.") and bound not in ("::1", "localhost"):
            return True
        return host in {
            f"{bound}:{port}",
            f"localhost:{port}",
            f"127.0.0.1:{port}",
            f"[::1]:{port}",
        }

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("connection error from %s", client_address, exc_info=True)


def make_server(
    roots: Sequence[str | Path], host: str = "127.0.0.1", port: int = 8765, verbose: bool = False
) -> tuple[_Server, Viewer]:
    """A server over the runs found under `roots`, bound but not yet serving (port 0: any
    free port; ``server.server_address`` says which).

    Raises InputError if a root is not a directory or no run is found.
    """
    runs = discover_runs(roots)
    if not runs:
        raise InputError(
            "no finished run directory (manifest.json) here or below; make one with airguard run",
            file=", ".join(str(r) for r in roots),
        )
    viewer = Viewer(runs)
    return _Server((host, port), viewer, verbose), viewer


def serve(
    roots: Sequence[str | Path],
    host: str = "127.0.0.1",
    port: int = 8765,
    verbose: bool = False,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the viewer until interrupted (Ctrl-C)."""
    server, _ = make_server(roots, host, port, verbose)
    with server:
        address = server.server_address[0]
        h = address.decode() if isinstance(address, bytes) else str(address)
        p = server.server_address[1]
        url = f"http://{'[' + h + ']' if ':' in h else h}:{p}/"
        if on_ready is not None:
            on_ready(url)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
