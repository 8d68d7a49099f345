"""A local web app to browse runs and play back replications on a map.

``airguard serve [RUN_DIR ...]`` (:func:`serve`) starts a standard-library
:class:`http.server.ThreadingHTTPServer`, on 127.0.0.1 by default.  Everything it serves
is either one of airguard's own web files (``airguard/data/web/``, by name from a fixed
list) or JSON computed from the runs it was given; a request names a run by its id, never
by a path, so no request can reach another file.  Routes:

``GET /``                         the viewer page
``GET /static/<name>``            map.js, map.css, viewer.js, viewer.css
``GET /api/runs``                 the runs: id, scenario, variant, replications, seed
                                  (a run that cannot be served: id and ``damaged``, why)
``GET /api/scene?run=ID``         the run's map (:func:`airguard.scene.scene`),
                                  its replications' outcomes and the representative one
``GET /api/playback?run=ID&rep=K``  replication K as positions over time
                                  (:func:`airguard.scene.playback.playback`), computed
                                  on first request and cached

A client that takes gzip (``Accept-Encoding: gzip``, :func:`accepts_gzip`) gets the
page, scripts, styles and JSON of 1 kB or more gzip-compressed (``Content-Encoding:
gzip``, ``Content-Length`` of the compressed body); every such answer says ``Vary:
Accept-Encoding``.  A flagship playback shrinks to about a quarter (s-400, replication 3:
783 kB to 202 kB), its scene to about a fifth.

A bad request gets a JSON error with a 4xx status (400 bad parameter or Content-Length,
403 foreign Host header or a run holding a symbolic link, 404 unknown route or run, 405
other methods, 409 a damaged run, 414 and 431 a request line or headers too long); an
unexpected failure while computing gets a JSON 500.  None stops the server.  When bound to
a loopback address the server answers only requests whose Host header names it, in any
case (a guard against DNS rebinding).

What bounds the server's work (docs/reliability.md, "The viewer under attack"): at most
:data:`MAX_CONNECTIONS` connections are handled at once, each by its own thread, and
further ones wait in the kernel's accept queue (:data:`ACCEPT_QUEUE` deep); a connection
that sends nothing, or has not sent a whole request head, for :data:`IDLE_TIMEOUT_S` is
closed (after :data:`BUSY_TIMEOUT_S` while other connections wait for a handler); at most
:data:`HEAVY_AT_ONCE` scenes or playbacks are computed at once and :data:`CACHE_SIZE`
kept; a request carrying a body is answered and its connection closed, the body never
read as a request.  A run directory holding a symbolic link anywhere is never read (nor
is a symlinked directory searched), so nothing outside the given runs and their scenario
files is read.  :func:`serve` listens on 127.0.0.1 unless told otherwise; ``airguard
serve`` warns when it is told otherwise (:func:`exposure_warning`).
"""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import json
import logging
import os
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from airguard.errors import InputError

__all__ = [
    "ACCEPT_QUEUE",
    "BUSY_TIMEOUT_S",
    "COMPRESSIBLE_TYPES",
    "GZIP_MIN_BYTES",
    "HEAVY_AT_ONCE",
    "IDLE_TIMEOUT_S",
    "MAX_CONNECTIONS",
    "STATIC_FILES",
    "HttpError",
    "Viewer",
    "accepts_gzip",
    "discover_runs",
    "exposure_warning",
    "is_loopback",
    "make_server",
    "serve",
    "symlink_in",
]

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

HEAVY_AT_ONCE = 2
"""Scenes and playbacks computed at once; other requests for them wait their turn, so a
burst of requests for different replications holds at most this many in the making."""

MAX_CONNECTIONS = 64
"""Connections handled at once (one thread each); further ones wait to be accepted."""

ACCEPT_QUEUE = 1024
"""Connections the kernel holds for the server before refusing more (listen backlog;
Linux caps it at ``net.core.somaxconn``, 4096 by default).  The standard library's 5 left
up to 72 % of a burst of 500 requests on loopback reset or unanswered for minutes
(docs/reliability.md, "The viewer under attack")."""

IDLE_TIMEOUT_S = 5.0
"""Seconds a connection may take to send a whole request head (line and headers), or stay
idle between two requests, before the server closes it (Apache httpd's KeepAliveTimeout
is 5 s too: https://httpd.apache.org/docs/2.4/mod/core.html#keepalivetimeout)."""

BUSY_TIMEOUT_S = 1.0
"""While every handler is taken and a connection waits for one, a connection that has not
sent its request head within this long is closed (on loopback a client sends it at once;
nginx likewise closes idle keep-alive connections first when it runs short)."""

THREAD_NAME = "airguard-viewer"
"""The name of the threads that handle connections."""

MAX_DEPTH = 3
"""How deep under a given directory runs are looked for."""

MANIFEST = "manifest.json"

COMPRESSIBLE_TYPES = frozenset({"application/json", "text/javascript", "text/css", "text/html"})
"""Media types sent gzip-compressed to a client that takes gzip (``Accept-Encoding``)."""

GZIP_MIN_BYTES = 1024
"""Bodies shorter than this are sent as they are (compressing them saves next to nothing)."""

GZIP_LEVEL = 6
"""zlib's compression level for gzip bodies (its default: a 1 MB playback in tens of
milliseconds, to about a tenth of its size)."""

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
    """An answer: status, media type, body, and whether a browser may keep it a minute.

    :meth:`encoded` gives the body as sent to a client that does or does not take gzip;
    the compressed body is made once per response (a cached playback is compressed once,
    however many clients ask for it)."""

    status: int
    content_type: str
    body: bytes
    cache: bool = False
    _gzipped: list[bytes] = field(default_factory=list, repr=False, compare=False)
    _gzip_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def compressible(self) -> bool:
        """Whether the body is text worth compressing (JSON, JavaScript, CSS, HTML) and at
        least :data:`GZIP_MIN_BYTES` long."""
        kind = self.content_type.split(";", 1)[0].strip().lower()
        return kind in COMPRESSIBLE_TYPES and len(self.body) >= GZIP_MIN_BYTES

    def encoded(self, gzip_ok: bool) -> tuple[bytes, str | None]:
        """The body to send and its Content-Encoding (None: as is) for a client that
        takes gzip (`gzip_ok`, see :func:`accepts_gzip`) or not."""
        if not (gzip_ok and self.compressible):
            return self.body, None
        with self._gzip_lock:
            if not self._gzipped:
                self._gzipped.append(gzip.compress(self.body, GZIP_LEVEL, mtime=0))
            return self._gzipped[0], "gzip"


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether a request's ``Accept-Encoding`` header (None: absent) takes gzip: ``gzip``
    or ``x-gzip`` listed with a q-value above 0, or else ``*`` with one (RFC 9110,
    section 12.5.3).  An absent or empty header takes only the body as it is."""
    if not accept_encoding:
        return False
    q_of: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if coding:
            q_of[coding.lower()] = q
    for coding in ("gzip", "x-gzip"):
        if coding in q_of:
            return q_of[coding] > 0.0
    return q_of.get("*", 0.0) > 0.0


def _json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    return Response(status, "application/json; charset=utf-8", body)


def _one_line(text: str, limit: int = 300) -> str:
    """`text` on one line (whitespace runs made one space), at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def is_loopback(host: str) -> bool:
    """Whether `host`, an address or name to listen on, is a loopback one: 127.0.0.0/8,
    ``::1`` (also IPv4-mapped, ``::ffff:127.0.0.1``) or ``localhost``.  Anything else,
    ``0.0.0.0``, ``::`` and the empty string (every interface) included, is not."""
    name = host.strip().lower().removesuffix(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def exposure_warning(host: str) -> str | None:
    """What ``airguard serve`` says when it listens on `host` and that is not a loopback
    address (None when it is): other machines can reach the viewer and read the runs."""
    if is_loopback(host):
        return None
    return (
        f"warning: the viewer listens on {host or 'every interface'}, not on a loopback "
        "address: other machines can reach it, and whoever does can read everything in the "
        "runs it serves (--host 127.0.0.1, the default, keeps it on this machine)"
    )


def symlink_in(run_dir: Path) -> str | None:
    """The first symbolic link at or below `run_dir` (its path relative to `run_dir`, ``.``
    for the directory itself), or None.  Links are never followed; every entry is looked
    at, hidden ones and ``replays/`` included (a run holds tens of files)."""
    if run_dir.is_symlink():
        return "."
    stack = [run_dir]
    while stack:
        d = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue  # what cannot be listed cannot be read either
        for entry in entries:
            if entry.is_symlink():
                return Path(entry.path).relative_to(run_dir).as_posix()
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
    return None


def discover_runs(roots: Sequence[str | Path]) -> dict[str, Path]:
    """Finished run directories (holding manifest.json) at or under `roots`, by id.

    The id of a run is its path relative to the root it was found under, prefixed by the
    root's name (``flagship/patriot``); replays, hidden and symlinked directories are not
    searched.  A run holding a symbolic link is found all the same, and listed as damaged.
    """
    found: dict[str, Path] = {}
    for root in (Path(r) for r in roots):
        if not root.is_dir():
            raise InputError("not a directory", file=str(root))
        base = root.resolve()
        stack = [(base, 0)]
        while stack:
            d, depth = stack.pop()
            manifest = d / MANIFEST
            if manifest.is_file() or manifest.is_symlink():
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


def _manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest of a run that may be served.

    Raises
    ------
    HttpError
        403 if the run directory holds a symbolic link anywhere (nothing of it is read);
        409 if its manifest cannot be read (missing, truncated, not a JSON object).
    """
    from airguard.results.store import read_manifest

    link = symlink_in(run_dir)
    if link is not None:
        raise HttpError(HTTPStatus.FORBIDDEN, f"holds a symbolic link: {link}; not served")
    try:
        data = read_manifest(run_dir)
    except InputError as exc:  # RunDamagedError
        raise HttpError(HTTPStatus.CONFLICT, _one_line(f"{MANIFEST}: {exc.message}")) from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise HttpError(
            HTTPStatus.CONFLICT, _one_line(f"{MANIFEST}: cannot be read ({reason})")
        ) from None
    if not isinstance(data, dict):
        raise HttpError(
            HTTPStatus.CONFLICT,
            f"{MANIFEST}: cannot be read (a JSON object expected, got {type(data).__name__})",
        )
    return data


class Viewer:
    """The viewer's routes over a fixed set of runs (no sockets: see :func:`make_server`)."""

    def __init__(self, runs: dict[str, Path]) -> None:
        self.runs = dict(runs)
        self._cache: OrderedDict[tuple[str, str, int], Response] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[str, str, int], threading.Lock] = {}
        self._heavy = threading.BoundedSemaphore(HEAVY_AT_ONCE)
        self._files: dict[str, Response] = {}

    # -- cache: one computation per key, even when requests arrive together, and at most
    # HEAVY_AT_ONCE computations at once
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
            with self._heavy:
                response = compute()
            with self._lock:
                self._cache[key] = response
                self._cache.move_to_end(key)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
                self._key_locks.pop(key, None)
            return response

    def warm(self) -> None:
        """Compute what the page asks for first: the scene of the first run that can be
        served and the playback of its representative replication (``airguard serve`` does
        this in the background as it starts, so that the first page finds its map ready
        instead of waiting seconds for footprints and a replay).  Failures are left for the
        requests to report."""
        for rid in self.runs:
            scene = self.handle("GET", f"/api/scene?run={quote(rid)}")
            if scene.status != HTTPStatus.OK:
                continue
            data = json.loads(scene.body)
            if data.get("run", {}).get("playable"):
                rep = int(data["representative"]["replication"])
                self.handle("GET", f"/api/playback?run={quote(rid)}&rep={rep}")
            return

    def _static(self, name: str, content_type: str) -> Response:
        """One of airguard's web files, read once (and so compressed once)."""
        from airguard.scene.web import web_asset

        with self._lock:
            hit = self._files.get(name)
        if hit is None:
            hit = Response(200, content_type, web_asset(name).encode(), cache=True)
            with self._lock:
                hit = self._files.setdefault(name, hit)
        return hit

    def _run(self, query: dict[str, list[str]]) -> tuple[str, Path, dict[str, Any]]:
        """The run a request names: its id, directory and manifest (HttpError 400 with no
        or several run ids, 404 for an unknown one, 403 or 409 for one not served)."""
        values = query.get("run")
        if not values or len(values) != 1 or not values[0]:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, "expected one 'run' parameter (a run id from /api/runs)"
            )
        rid = values[0]
        if rid not in self.runs:
            raise HttpError(HTTPStatus.NOT_FOUND, f"no run '{rid[:200]}' (see /api/runs)")
        try:
            return rid, self.runs[rid], _manifest(self.runs[rid])
        except HttpError as exc:
            raise HttpError(exc.status, f"run '{rid}' is damaged: {exc.message}") from None

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
        if path in ("/", "/index.html"):
            return self._static("viewer.html", "text/html; charset=utf-8")
        if path.startswith("/static/"):
            name = path[len("/static/") :]
            if name not in STATIC_FILES:
                raise HttpError(HTTPStatus.NOT_FOUND, f"no static file '{name[:200]}'")
            return self._static(name, STATIC_FILES[name])
        if path == "/api/runs":
            return _json_response({"runs": [self._listing(rid, d) for rid, d in self.runs.items()]})
        if path == "/api/scene":
            rid, run_dir, manifest = self._run(query)
            return self._cached(("scene", rid, 0), lambda: self._scene(rid, run_dir, manifest))
        if path == "/api/playback":
            rid, run_dir, manifest = self._run(query)
            rep = self._replication(query, manifest)
            return self._cached(("playback", rid, rep), lambda: self._playback(run_dir, rep))
        raise HttpError(HTTPStatus.NOT_FOUND, f"no route '{path[:200]}'")

    @staticmethod
    def _replication(query: dict[str, list[str]], manifest: dict[str, Any]) -> int:
        values = query.get("rep")
        if not values or len(values) != 1:
            raise HttpError(
                HTTPStatus.BAD_REQUEST, "expected one 'rep' parameter (a replication number)"
            )
        text = values[0].strip()
        if not text.isascii() or not text.isdigit() or len(text) > 9:
            raise HttpError(
                HTTPStatus.BAD_REQUEST,
                f"rep: expected a replication number, got '{values[0][:40]}'",
            )
        rep = int(text)
        try:
            n = int(manifest.get("replications", 0))
        except (TypeError, ValueError):
            raise HttpError(
                HTTPStatus.CONFLICT, f"{MANIFEST}: replications is not a number"
            ) from None
        if rep >= n:
            raise HttpError(
                HTTPStatus.NOT_FOUND, f"rep: replication {rep} is not in this run (0 to {n - 1})"
            )
        return rep

    @staticmethod
    def _run_info(rid: str, m: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": rid,
            "scenario": m.get("scenario_name"),
            "variant": m.get("variant"),
            "replications": m.get("replications"),
            "seed": m.get("seed"),
            "created_utc": m.get("created_utc"),
        }

    @classmethod
    def _listing(cls, rid: str, run_dir: Path) -> dict[str, Any]:
        """A run as /api/runs lists it: its manifest's figures, or, for a run that cannot
        be served, its id and why (``damaged``)."""
        try:
            return cls._run_info(rid, _manifest(run_dir))
        except HttpError as exc:
            return {**cls._run_info(rid, {}), "damaged": exc.message}

    def _scene(self, rid: str, run_dir: Path, manifest: dict[str, Any]) -> Response:
        from airguard.results.store import read_table
        from airguard.scene import run_scenario, scene, scene_box
        from airguard.scene.footprints import coverage_features
        from airguard.scene.playback import representative_replication

        try:
            scenario, warnings = run_scenario(run_dir)
        except InputError as exc:
            raise HttpError(HTTPStatus.NOT_FOUND, str(exc)) from None
        cols = [
            "replication",
            "leakers",
            "killed",
            "interceptors_fired",
            "interceptor_cost_usd",
            "assets_damaged",
        ]
        try:
            rows = [
                list(r.values())
                for r in read_table(run_dir, "replications").select(cols).to_pylist()
            ]
            representative = representative_replication(run_dir)
        except (InputError, OSError, ValueError, KeyError) as exc:
            reason = str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}"
            raise HttpError(
                HTTPStatus.CONFLICT,
                _one_line(f"run '{rid}' is damaged: its results cannot be read ({reason})", 600),
            ) from None
        box = scene_box([scenario])
        coverage, _ = coverage_features(scenario, box)
        data = scene(scenario, box=box, coverage=coverage, warnings=warnings)
        data["run"] = {**self._run_info(rid, manifest), "playable": not warnings}
        data["replications"] = {"columns": cols, "rows": rows}
        data["representative"] = representative
        return _json_response(data)

    @staticmethod
    def _playback(run_dir: Path, rep: int) -> Response:
        from airguard.scene.playback import playback

        try:
            return _json_response(playback(run_dir, rep))
        except (InputError, OSError) as exc:
            raise HttpError(HTTPStatus.CONFLICT, _one_line(str(exc), 600)) from None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "airguard-viewer"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_timeout_s)  # each read and write

    def handle_one_request(self) -> None:
        # the request head (line and headers) must arrive within the idle timeout in all,
        # not merely one byte per timeout (the socket's own timeout): see _Server.reap
        self.server.watch(self.connection)
        try:
            super().handle_one_request()
        finally:
            self.server.unwatch(self.connection)

    def parse_request(self) -> bool:
        line: bytes = getattr(self, "raw_requestline", b"")
        if not line.endswith(b"\n"):  # cut short: the client left, or was shut for being slow
            self.close_connection = True
            self.server.unwatch(self.connection)
            return False
        ok = super().parse_request()
        if not self.server.unwatch(self.connection):  # closed meanwhile: the head is cut short
            self.close_connection = True
            return False
        return ok  # the head is in: the answer may take longer

    def handle_expect_100(self) -> bool:
        return True  # no "100 Continue": a body is never wanted (see _body_refusal)

    def _body_refusal(self) -> Response | None:
        """Close the connection after answering a request that carries a body (its bytes are
        never parsed as a next request); a 400 for a Content-Length that is not a number."""
        lengths = [v.strip() for v in self.headers.get_all("Content-Length") or []]
        if self.headers.get("Transfer-Encoding") is not None or any(v != "0" for v in lengths):
            self.close_connection = True
        bad = next((v for v in lengths if not (v.isascii() and v.isdigit())), None)
        if bad is not None or len(set(lengths)) > 1:
            got = bad if bad is not None else ", ".join(lengths)
            message = f"Content-Length: expected one number of bytes, got '{got[:40]}'"
            return _json_response({"error": message, "status": 400}, HTTPStatus.BAD_REQUEST)
        return None

    def _answer(self, head_only: bool) -> None:
        host = self.headers.get("Host", "")
        refusal = self._body_refusal()
        if refusal is not None:
            response = refusal
        elif not self.server.host_allowed(host):
            response = _json_response(
                {"error": f"Host '{host[:80]}' is not this server", "status": 403},
                HTTPStatus.FORBIDDEN,
            )
        else:
            response = self.server.viewer.handle(self.command, self.path)
        body, encoding = response.encoded(accepts_gzip(self.headers.get("Accept-Encoding")))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        if encoding is not None:
            self.send_header("Content-Encoding", encoding)
        if response.compressible:
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "max-age=60" if response.cache else "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("Referrer-Policy", "no-referrer")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The base class's errors (a malformed request line, a line or headers too long,
        an unknown method) as JSON; the connection is closed after them."""
        body = json.dumps({"error": message or HTTPStatus(code).phrase, "status": code}).encode()
        self.close_connection = True
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
    request_queue_size = ACCEPT_QUEUE

    def __init__(self, address: tuple[str, int], viewer: Viewer, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.viewer = viewer
        self.verbose = verbose
        self.idle_timeout_s = IDLE_TIMEOUT_S
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._stopping = threading.Event()
        self._waiting_since: dict[socket.socket, float] = {}  # for a request head
        self._waiting_lock = threading.Lock()

    # -- at most MAX_CONNECTIONS connections at once: the accepting thread waits for a free
    # slot before starting a handler thread; meanwhile new connections queue in the kernel
    def process_request(self, request: Any, client_address: Any) -> None:
        while not self._slots.acquire(timeout=0.1):
            self.reap(busy=True)  # the handlers may all be held by idle or slow clients
            if self._stopping.is_set():
                self.shutdown_request(request)
                return
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=THREAD_NAME,
            daemon=True,
        )
        try:
            thread.start()
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def shutdown(self) -> None:
        self._stopping.set()  # also while waiting for a free slot
        super().shutdown()

    # -- a connection whose request head is not in within idle_timeout_s (BUSY_TIMEOUT_S
    # when others wait for a handler) is closed
    def watch(self, conn: socket.socket) -> None:
        with self._waiting_lock:
            self._waiting_since[conn] = time.monotonic()

    def unwatch(self, conn: socket.socket) -> bool:
        """Stop watching `conn`; False if it had been shut for being overdue."""
        with self._waiting_lock:
            return self._waiting_since.pop(conn, None) is not None

    def reap(self, busy: bool = False) -> None:
        """Shut the connections whose request head is overdue (their handler then reads the
        end of the input and closes): not in after idle_timeout_s, or after BUSY_TIMEOUT_S
        when `busy` (a connection waits for a handler)."""
        limit = min(self.idle_timeout_s, BUSY_TIMEOUT_S) if busy else self.idle_timeout_s
        cutoff = time.monotonic() - limit
        with self._waiting_lock:
            for conn in [c for c, t in self._waiting_since.items() if t <= cutoff]:
                del self._waiting_since[conn]
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)

    def service_actions(self) -> None:
        self.reap()  # serve_forever calls this at least every half second

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host header names this server (checked on loopback only):
        ``localhost``, ``127.0.0.1``, ``[::1]`` or the bound address, in any case, with a
        trailing dot or not, and this server's port (no port: port 80)."""
        address = self.server_address[0]
        bound = address.decode() if isinstance(address, bytes) else str(address)
        port = self.server_address[1]
        if not is_loopback(bound):
            return True
        name = host.strip().lower()
        if name.endswith(f":{port}"):
            name = name[: -len(f":{port}")]
        elif port != 80:
            return False
        name = name.removesuffix(".")
        bound = bound.lower()
        return name in {"localhost", "127.0.0.1", "[::1]", bound, f"[{bound}]"}

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
    """Serve the viewer until interrupted (Ctrl-C); the first run's map and representative
    replication are computed in the background meanwhile (:meth:`Viewer.warm`)."""
    server, viewer = make_server(roots, host, port, verbose)
    threading.Thread(target=viewer.warm, name=f"{THREAD_NAME}-warm", daemon=True).start()
    with server:
        address = server.server_address[0]
        h = address.decode() if isinstance(address, bytes) else str(address)
        p = server.server_address[1]
        url = f"http://{'[' + h + ']' if ':' in h else h}:{p}/"
        if on_ready is not None:
            on_ready(url)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
