"""Outcome tables, the run directory, and summaries with intervals.

A run directory holds::

    manifest.json                  scenario hash, airguard version, seed, replications, ...
    progress.json                     the same record while the run is unfinished
    batches/batch-00000.json          commit marker: replications and parts of batch 0
    replications/part-00000.parquet   one row per replication
    assets/part-*.parquet             one row per (replication, asset)
    threats/part-*.parquet            one row per (replication, threat)
    engagements/part-*.parquet        one row per interceptor launched
    impacts/part-*.parquet            one row per threat that reached the ground unintercepted

Each batch of replications is written as its own Parquet part, then committed
by a marker ``batches/batch-<index>.json``; ``progress.json`` records the
campaign before its first batch, and the manifest is written last.  Every file
is written atomically, so a run killed at any moment can be resumed
(:func:`discard_uncommitted`, :func:`committed_batches`).  The format is
documented in docs/results-format.md.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np

from airguard._version import __version__
from airguard.errors import InputError
from airguard.results.intervals import Z95 as Z95
from airguard.results.intervals import mean_interval as mean_interval
from airguard.results.intervals import wilson_interval as wilson_interval

if TYPE_CHECKING:
    import pyarrow as pa

    from airguard.engine import ReplicationResult
    from airguard.world import World

__all__ = [
    "TABLES",
    "Z95",
    "BatchTables",
    "CommittedBatch",
    "QueryError",
    "RunDamagedError",
    "RunSummary",
    "RunWriteError",
    "batch_tables",
    "committed_batches",
    "discard_uncommitted",
    "locked_run_dir",
    "mean_interval",
    "query",
    "query_tables",
    "read_manifest",
    "read_progress",
    "read_table",
    "read_tables",
    "remove_run_files",
    "run_dirs",
    "summarise",
    "verified_batches",
    "wilson_interval",
    "write_batch",
    "write_manifest",
    "write_progress",
]

TABLES = ("replications", "assets", "threats", "engagements", "impacts")
BatchTables = dict[str, "pa.Table"]


def batch_tables(world: World, results: Sequence[ReplicationResult]) -> BatchTables:
    """Columnar outcome tables of a batch of replications."""
    import pyarrow as pa

    from airguard.engine import OUTCOME_NAMES
    from airguard.engine.chain import FATES, REASONS

    reps = np.array([r.replication for r in results], dtype=np.int64)
    n_assets = len(world.asset_names)
    threat_names = np.array(world.threat_names, dtype=object)
    itc_names = np.array(world.interceptor_names, dtype=object)
    unit_names = np.array(world.unit_names, dtype=object)
    asset_names = np.array(world.asset_names, dtype=object)
    fate_names = np.array(FATES, dtype=object)
    reason_names = np.array([name or None for name in REASONS], dtype=object)

    fired = np.array([r.outcome.size for r in results], dtype=np.int64)
    cost = np.array(
        [float(world.interceptors.cost_usd[r.interceptor_type].sum()) for r in results],
        dtype=np.float64,
    )
    leaked = np.array([int(r.impacted.sum()) for r in results], dtype=np.int64)
    # what each replication holds besides flights and decoys: threats aimed at an asset, and
    # hostile aircraft (a flight that is not friendly)
    aimed = [(r.threats.target >= 0) & ~r.threats.decoy for r in results]
    hostile = [(r.threats.target < 0) & ~r.threats.friendly for r in results]
    killed = np.array(
        [int((np.isfinite(r.killed_at) & a).sum()) for r, a in zip(results, aimed, strict=True)],
        dtype=np.int64,
    )
    fratricides = np.array(
        [int((np.isfinite(r.killed_at) & r.threats.friendly).sum()) for r in results],
        dtype=np.int64,
    )
    hits = np.array([r.asset_hits for r in results], dtype=np.int64).reshape(len(results), n_assets)
    replications = pa.table(
        {
            "replication": reps,
            "threats": np.array([int(a.sum()) for a in aimed], dtype=np.int64),
            "killed": killed,
            "aircraft": np.array([int(h.sum()) for h in hostile], dtype=np.int64),
            "aircraft_killed": np.array(
                [
                    int((np.isfinite(r.killed_at) & h).sum())
                    for r, h in zip(results, hostile, strict=True)
                ],
                dtype=np.int64,
            ),
            "leakers": leaked,
            "interceptors_fired": fired,
            "interceptor_cost_usd": cost,
            "assets_damaged": (hits > 0).sum(axis=1).astype(np.int64),
            "detections": np.array([r.n_detections for r in results], dtype=np.int64),
            "false_alarms": np.array([r.n_false_alarms for r in results], dtype=np.int64),
            "phantom_tracks": np.array([r.n_phantoms for r in results], dtype=np.int64),
            "ended": np.array([r.ended for r in results], dtype=np.float64),
            "units_destroyed": np.array([r.units_destroyed for r in results], dtype=np.int64),
            "radar_silent_s": np.array([r.silent_s for r in results], dtype=np.float64),
            "unreleased": np.array(
                [0 if r.unreleased is None else int(r.unreleased.sum()) for r in results],
                dtype=np.int64,
            ),
            "interceptors_at_phantoms": np.array(
                [int((r.interceptor_target < 0).sum()) for r in results], dtype=np.int64
            ),
            "fratricides": fratricides,
            "interceptors_at_decoys": np.array(
                [
                    int(r.threats.decoy[r.interceptor_target[r.interceptor_target >= 0]].sum())
                    for r in results
                ],
                dtype=np.int64,
            ),
        }
    )
    assets = pa.table(
        {
            "replication": np.repeat(reps, n_assets),
            "asset": np.tile(asset_names, len(results)),
            "hits": hits.ravel(),
            "damaged": (hits > 0).ravel(),
        }
    )
    thr_rows: dict[str, list[np.ndarray]] = {}
    eng_rows: dict[str, list[np.ndarray]] = {}
    imp_rows: dict[str, list[np.ndarray]] = {}
    for r in results:
        t = r.threats
        n = t.ttype.size
        add = thr_rows.setdefault
        add("replication", []).append(np.full(n, r.replication, dtype=np.int64))
        add("threat", []).append(np.arange(n, dtype=np.int64))
        add("threat_type", []).append(threat_names[t.ttype])
        targets = asset_names[np.maximum(t.target, 0)].copy()
        targets[t.target < 0] = None  # flights aim at nothing
        add("target", []).append(targets)
        add("friendly", []).append(t.friendly.copy())
        add("aircraft", []).append((t.target < 0) & ~t.friendly)
        add("decoy", []).append(t.decoy.copy())
        add("launch_time_s", []).append(t.t_launch)
        add("impact_time_s", []).append(t.t_impact)
        add("first_detection_s", []).append(
            np.where(np.isfinite(r.first_detection), r.first_detection, np.nan)
        )
        add("first_track_s", []).append(np.where(np.isfinite(r.first_track), r.first_track, np.nan))
        add("first_envelope_s", []).append(
            np.where(np.isfinite(r.first_envelope), r.first_envelope, np.nan)
        )
        add("first_engaged_s", []).append(
            np.where(np.isfinite(r.first_engaged), r.first_engaged, np.nan)
        )
        add("fate", []).append(fate_names[r.fate])
        add("fate_reason", []).append(reason_names[r.fate_reason])
        add("killed", []).append(np.isfinite(r.killed_at))
        add("kill_time_s", []).append(np.where(np.isfinite(r.killed_at), r.killed_at, np.nan))
        add("leaked", []).append(r.impacted)
        add("arm_lost", []).append(
            np.zeros(n, dtype=bool) if r.arm_lost is None else r.arm_lost.copy()
        )
        add("unreleased", []).append(
            np.zeros(n, dtype=bool) if r.unreleased is None else r.unreleased.copy()
        )
        add("interceptors_fired", []).append(r.fired_at)
        m = r.outcome.size
        ea = eng_rows.setdefault
        ea("replication", []).append(np.full(m, r.replication, dtype=np.int64))
        ea("unit", []).append(unit_names[r.interceptor_unit])
        ea("interceptor_type", []).append(itc_names[r.interceptor_type])
        ea("target", []).append(r.interceptor_target)
        ea("first_target", []).append(r.interceptor_first_target)
        target_type = threat_names[t.ttype[np.maximum(r.interceptor_target, 0)]].copy()
        target_type[r.interceptor_target < 0] = "phantom"  # a track of false alarms
        ea("target_type", []).append(target_type)
        ea("launch_time_s", []).append(r.launch_time)
        ea("end_time_s", []).append(r.end_time)
        ea("miss_distance_m", []).append(
            np.where(np.isfinite(r.miss_distance), r.miss_distance, np.nan)
        )
        ea("outcome", []).append(np.array(OUTCOME_NAMES, dtype=object)[r.outcome])
        ea("seeker_acquired", []).append(r.seeker_acquired.copy())
        ea("cost_usd", []).append(world.interceptors.cost_usd[r.interceptor_type])
        from airguard.geo import ecef2geodetic

        ended = np.isfinite(r.end_position).all(axis=1)
        e_lat, e_lon, e_alt = (np.full(m, np.nan) for _ in range(3))
        if ended.any():
            e_lat[ended], e_lon[ended], e_alt[ended] = ecef2geodetic(r.end_position[ended])
        ea("end_lat_deg", []).append(e_lat)
        ea("end_lon_deg", []).append(e_lon)
        ea("end_alt_m", []).append(e_alt)
        ea("peak_alt_m", []).append(np.where(np.isfinite(r.peak_height), r.peak_height, np.nan))
        ea("flight_time_s", []).append(
            np.where(np.isfinite(r.end_time), r.end_time - r.launch_time, np.nan)
        )
        hit = np.nonzero(r.impacted)[0]

        lat, lon, _ = ecef2geodetic(t.impact_pos[hit]) if hit.size else (np.zeros(0),) * 3
        d = np.linalg.norm(
            t.impact_pos[hit][:, None, :] - world.asset_pos_ecef_m[None, :, :], axis=2
        )
        inside = d <= world.asset_radius_m[None, :]
        first_asset = (
            np.where(inside.any(axis=1), asset_names[np.argmax(inside, axis=1)], None)
            if hit.size
            else np.zeros(0, dtype=object)
        )
        ia = imp_rows.setdefault
        ia("replication", []).append(np.full(hit.size, r.replication, dtype=np.int64))
        ia("threat", []).append(hit.astype(np.int64))
        ia("threat_type", []).append(threat_names[t.ttype[hit]])
        ia("target", []).append(asset_names[t.target[hit]])
        ia("time_s", []).append(t.t_impact[hit])
        ia("lat_deg", []).append(np.asarray(lat, dtype=np.float64))
        ia("lon_deg", []).append(np.asarray(lon, dtype=np.float64))
        ia("asset_hit", []).append(np.asarray(first_asset, dtype=object))
    return {
        "replications": replications,
        "assets": assets,
        "threats": _concat(thr_rows, THREAT_SCHEMA),
        "engagements": _concat(eng_rows, ENGAGEMENT_SCHEMA),
        "impacts": _concat(imp_rows, IMPACT_SCHEMA),
    }


THREAT_SCHEMA = {
    "replication": "int64",
    "threat": "int64",
    "threat_type": "string",
    "target": "string",
    "friendly": "bool",
    "aircraft": "bool",
    "decoy": "bool",
    "launch_time_s": "float64",
    "impact_time_s": "float64",
    "first_detection_s": "float64",
    "first_track_s": "float64",
    "first_envelope_s": "float64",
    "first_engaged_s": "float64",
    "fate": "string",
    "fate_reason": "string",
    "killed": "bool",
    "kill_time_s": "float64",
    "leaked": "bool",
    "arm_lost": "bool",
    "unreleased": "bool",
    "interceptors_fired": "int64",
}
ENGAGEMENT_SCHEMA = {
    "replication": "int64",
    "unit": "string",
    "interceptor_type": "string",
    "target": "int64",
    "first_target": "int64",
    "target_type": "string",
    "launch_time_s": "float64",
    "end_time_s": "float64",
    "miss_distance_m": "float64",
    "outcome": "string",
    "seeker_acquired": "bool",
    "cost_usd": "float64",
    "end_lat_deg": "float64",
    "end_lon_deg": "float64",
    "end_alt_m": "float64",
    "peak_alt_m": "float64",
    "flight_time_s": "float64",
}
IMPACT_SCHEMA = {
    "replication": "int64",
    "threat": "int64",
    "threat_type": "string",
    "target": "string",
    "time_s": "float64",
    "lat_deg": "float64",
    "lon_deg": "float64",
    "asset_hit": "string",
}


def _concat(rows: dict[str, list[np.ndarray]], schema: dict[str, str]) -> pa.Table:
    import pyarrow as pa

    cols = {}
    for name, typ in schema.items():
        parts = rows.get(name, [])
        data = np.concatenate(parts) if parts else np.zeros(0)
        # NaN in a float column means "no value" (e.g. never detected): stored as null
        cols[name] = pa.array(
            data.tolist() if typ == "string" else data,
            type=pa.type_for_alias(typ),
            from_pandas=typ == "float64",
        )
    return pa.table(cols)


# ---------------------------------------------------------------- the run directory
#
# The store is append-only and crash-safe: every file appears under its final
# name whole or not at all (written to a hidden temporary name in the same
# directory, flushed to disk, then renamed: rename is atomic on POSIX), and a
# batch counts only once its commit marker ``batches/batch-<index>.json`` exists.
# The marker is written last and names the batch's replications and its parts,
# so a run killed at any moment leaves committed batches, which are kept, and
# at most one batch's uncommitted parts, which :func:`discard_uncommitted`
# removes before the run goes on.

MANIFEST = "manifest.json"
PROGRESS = "progress.json"
BATCHES = "batches"


@dataclass(frozen=True)
class CommittedBatch:
    """A batch whose commit marker exists: replications ``first`` to ``stop - 1``."""

    index: int
    first: int
    stop: int
    parts: dict[str, Path]
    """Table name → its Parquet part."""
    marker: Path


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunWriteError(InputError):
    """A run directory's file that could not be written (a full disk, a quota, a
    read-only or failing file system): nothing half-written is left in its place."""


def _write_atomic(path: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Call ``write(file)`` on a hidden temporary file beside `path`, flush it to disk,
    then rename it to `path`: readers see the whole file or none.

    Raises
    ------
    RunWriteError
        When the file system refuses (``OSError``: no space, a quota, read-only, an I/O
        error); the temporary file is removed and `path` is as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                write(f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise RunWriteError(f"cannot be written: {reason}", file=path) from exc


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    _write_atomic(path, lambda f: f.write(text.encode("utf-8")))


def write_batch(run_dir: Path, index: int, tables: BatchTables) -> CommittedBatch:
    """Write one batch's tables as Parquet parts ``<table>/part-<index>.parquet``, then commit it.

    The batch must hold consecutive replications (its ``replications`` table
    says which).  Each part is written atomically; the commit marker
    ``batches/batch-<index>.json`` is written last, atomically, and records the
    replication range and each part's file, row count and size.
    """
    import pyarrow.parquet as pq

    reps = tables["replications"].column("replication").to_numpy()
    if reps.size == 0:
        raise ValueError("a batch holds at least one replication")
    first, stop = int(reps[0]), int(reps[-1]) + 1
    if not np.array_equal(reps, np.arange(first, stop)):
        raise ValueError(f"a batch holds consecutive replications, got {reps.tolist()}")
    parts: dict[str, dict[str, Any]] = {}
    for name, table in tables.items():
        rel = f"{name}/part-{index:05d}.parquet"
        final = run_dir / rel
        _write_atomic(final, functools.partial(pq.write_table, table))
        parts[name] = {
            "file": rel,
            "rows": table.num_rows,
            "bytes": final.stat().st_size,
            "sha256": _file_sha256(final),
        }
    marker = run_dir / BATCHES / f"batch-{index:05d}.json"
    _write_json_atomic(marker, {"batch": index, "replications": [first, stop], "parts": parts})
    return CommittedBatch(
        index, first, stop, {name: run_dir / p["file"] for name, p in parts.items()}, marker
    )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class RunDamagedError(InputError):
    """A run directory whose committed results are not all there or not as written."""


def verified_batches(
    run_dir: str | Path, tables: Collection[str] | None = None
) -> list[CommittedBatch]:
    """The committed batches of a run directory, each checked against its commit marker:
    every part present, of its recorded size and SHA-256 (the parts of `tables`, or of
    every table), and (a complete run) every replication of the manifest held once.
    What readers (results, report, export, replay, the viewer) read from.

    Raises
    ------
    RunDamagedError
        Naming what is missing or altered, and that ``--resume`` re-runs it.
    """
    root = Path(run_dir)
    problems: list[str] = []
    batches: list[CommittedBatch] = []
    for path in sorted((root / BATCHES).glob("batch-*.json")):
        batch, damage = _check_marker(root, path, tables)
        problems += damage
        if batch is not None:
            batches.append(batch)
    batches.sort(key=lambda b: b.first)
    if (root / MANIFEST).is_file() and not problems:
        try:
            expected = int(read_manifest(root)["replications"])
        except (OSError, ValueError, KeyError, TypeError, RunDamagedError):
            problems.append(f"{MANIFEST} cannot be read")
            expected = -1
        held = sum(b.stop - b.first for b in batches)
        covered = [(b.first, b.stop) for b in batches]
        contiguous = all(a[1] == b[0] for a, b in itertools.pairwise(covered))
        if expected >= 0 and (held != expected or not contiguous or (covered and covered[0][0])):
            problems.append(
                f"its committed batches hold {held} replications where the manifest says "
                f"{expected} (a batch's commit marker is missing)"
            )
    if problems:
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        raise RunDamagedError(
            f"the run's results are damaged: {shown}. Nothing was read; `airguard run "
            "SCENARIO --resume RUN` re-runs what is damaged",
            file=root,
        )
    return batches


def _check_marker(
    run_dir: Path, path: Path, tables: Collection[str] | None = None
) -> tuple[CommittedBatch | None, list[str]]:
    """The batch a commit marker describes (None if the marker cannot be read) and what is
    damaged: each part missing, or not of its recorded size and SHA-256 (checksums of the
    parts of `tables` only, or of every part)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        first, stop = (int(x) for x in data["replications"])
        parts = {name: run_dir / p["file"] for name, p in data["parts"].items()}
        problems = []
        for name, p in data["parts"].items():
            if not parts[name].is_file():
                problems.append(f"{p['file']} is missing")
            elif parts[name].stat().st_size != int(p["bytes"]) or (
                "sha256" in p
                and (tables is None or name in tables)
                and _file_sha256(parts[name]) != p["sha256"]
            ):
                problems.append(f"{p['file']} is not as written (size or checksum)")
        return CommittedBatch(int(data["batch"]), first, stop, parts, path), problems
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, [f"{path.relative_to(run_dir)} cannot be read"]


def _read_marker(run_dir: Path, path: Path) -> CommittedBatch | None:
    """The batch a commit marker describes, or None if the marker or one of its parts is damaged."""
    batch, problems = _check_marker(run_dir, path)
    return None if problems else batch


def committed_batches(run_dir: str | Path) -> list[CommittedBatch]:
    """The committed batches of a run directory, in replication order.

    A batch whose marker or parts are damaged (which the write protocol
    prevents, short of a power loss on a file system that ignores fsync) does
    not count.  Raises ValueError if two batches hold the same replication.
    """
    root = Path(run_dir)
    found = [_read_marker(root, p) for p in sorted((root / BATCHES).glob("batch-*.json"))]
    batches = sorted((b for b in found if b is not None), key=lambda b: b.first)
    for a, b in itertools.pairwise(batches):
        if b.first < a.stop:
            raise ValueError(
                f"{root}: batches {a.index} and {b.index} both hold replication {b.first}"
            )
    return batches


def discard_uncommitted(run_dir: str | Path) -> list[Path]:
    """Remove what a killed run left half-done: temporary files, parts without a
    commit marker, damaged markers.  Returns the paths removed."""
    root = Path(run_dir)
    committed = committed_batches(root)
    keep = {p for b in committed for p in (b.marker, *b.parts.values())}
    removed = []
    for d in [root, root / BATCHES, *(root / name for name in TABLES)]:
        if not d.is_dir():
            continue
        for path in d.iterdir():
            stale_tmp = path.name.startswith(".") and path.name.endswith(".tmp")
            stale_part = d.name in TABLES and path.name.startswith("part-") and path not in keep
            stale_marker = d.name == BATCHES and path.suffix == ".json" and path not in keep
            if path.is_file() and (stale_tmp or stale_part or stale_marker):
                path.unlink()
                removed.append(path)
    return removed


def remove_run_files(run_dir: str | Path) -> None:
    """Remove everything airguard writes in a run directory, and nothing else."""
    import shutil

    root = Path(run_dir)
    if not root.is_dir():
        return
    for name in (*TABLES, BATCHES):
        if (root / name).is_dir():
            shutil.rmtree(root / name)
    for path in root.iterdir():
        ours = path.name in (MANIFEST, PROGRESS) or (
            path.name.startswith(".") and path.name.endswith(".tmp")
        )
        if ours and path.is_file():
            path.unlink()


_HELD_LOCKS: set[int] = set()


def _drop_inherited_locks() -> None:
    """In a forked child (a pool worker), close the parent's lock descriptors: the lock
    then stays with the parent alone and dies with it."""
    for fd in _HELD_LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextlib.contextmanager
def locked_run_dir(run_dir: Path) -> Iterator[None]:
    """Create `run_dir` if need be and hold an exclusive lock on it while writing it.

    The lock (``flock`` on the directory) dies with the process, even on
    SIGKILL, so a killed run never leaves it behind; while it is held, a
    second process asking for it gets ``BlockingIOError``.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(run_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BlockingIOError(
                f"{run_dir}: another airguard process is writing this run directory"
            ) from exc
        _HELD_LOCKS.add(fd)
        yield
    finally:
        _HELD_LOCKS.discard(fd)
        os.close(fd)


def write_progress(run_dir: Path, record: dict[str, Any]) -> None:
    """Write the in-progress manifest ``progress.json`` atomically, before the first batch."""
    _write_json_atomic(
        run_dir / PROGRESS, {"airguard_version": __version__, "status": "in-progress", **record}
    )


def _read_record(path: Path) -> dict[str, Any]:
    """A run's JSON record (manifest or progress) as a mapping.

    Raises
    ------
    RunDamagedError
        If it cannot be read, is not JSON (a truncated file) or not a JSON object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RunDamagedError(f"cannot be read ({reason})", file=path) from None
    if not isinstance(data, dict):
        raise RunDamagedError(
            f"cannot be read (a JSON object expected, got {type(data).__name__})", file=path
        )
    return data


def read_progress(run_dir: str | Path) -> dict[str, Any] | None:
    """The in-progress manifest of an unfinished run, or None.

    Raises
    ------
    RunDamagedError
        If it is there but cannot be read.
    """
    path = Path(run_dir) / PROGRESS
    if not path.is_file():
        return None
    return _read_record(path)


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json atomically (a temporary file flushed to disk, then renamed),
    then remove the in-progress manifest: the run is complete."""
    run_dir.mkdir(parents=True, exist_ok=True)
    _write_json_atomic(
        run_dir / MANIFEST, {"airguard_version": __version__, "status": "complete", **manifest}
    )
    (run_dir / PROGRESS).unlink(missing_ok=True)


def _part_files(run_dir: Path, name: str) -> list[Path]:
    """The Parquet parts of one table in replication order: those of committed
    batches, or every part of a run directory written before commit markers."""
    if (run_dir / BATCHES).is_dir():
        return [b.parts[name] for b in verified_batches(run_dir, (name,)) if name in b.parts]
    return sorted((run_dir / name).glob("part-*.parquet"))


def read_table(run_dir: str | Path, name: str) -> pa.Table:
    """Read one outcome table of a run directory (its committed parts, in replication order)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = Path(run_dir)
    parts = _part_files(d, name)
    if not parts:
        raise FileNotFoundError(f"{d / name}: no Parquet parts")
    return pa.concat_tables([pq.read_table(p) for p in parts])


def read_tables(run_dir: str | Path) -> BatchTables:
    """All outcome tables of a run directory, each in replication order."""
    return {name: read_table(run_dir, name) for name in TABLES}


# ---------------------------------------------------------------- summaries


@dataclass
class RunSummary:
    """The figures of a run, with their intervals (the `--json` format)."""

    scenario: str
    variant: str | None
    replications: int
    seed: int
    assets: list[dict[str, Any]]
    leakers_mean: dict[str, float]
    leakers_total: dict[str, Any]
    interceptors_fired: dict[str, float]
    interceptor_cost_mean_usd: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "replications": self.replications,
            "seed": self.seed,
            "assets": self.assets,
            "leakers_mean": self.leakers_mean,
            "leakers_total": self.leakers_total,
            "interceptors_fired": self.interceptors_fired,
            "interceptor_cost_mean_usd": self.interceptor_cost_mean_usd,
            **self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunSummary:
        """The summary of its JSON form (:meth:`to_json`, a manifest's ``summary``).

        Raises
        ------
        KeyError, TypeError
            If `data` lacks a figure every summary has.
        """
        known = {f: data[f] for f in _SUMMARY_FIELDS}
        return cls(**known, extra={k: v for k, v in data.items() if k not in _SUMMARY_FIELDS})

    def __repr__(self) -> str:
        from airguard.results.display import summary_headline

        title = repr(self.scenario) + (f" [{self.variant}]" if self.variant else "")
        lines = [
            f"<RunSummary {title}: {self.replications} replications, seed {self.seed}",
            *summary_headline(self.to_json()),
        ]
        return "\n  ".join(lines) + ">"

    def _repr_html_(self) -> str:
        from airguard.results.display import html_table, summary_rows

        title = self.scenario + (f" [{self.variant}]" if self.variant else "")
        caption = f"{title}: {self.replications} replications, seed {self.seed}"
        return html_table(caption, ("figure", "value"), summary_rows(self.to_json()))


_SUMMARY_FIELDS = (
    "scenario",
    "variant",
    "replications",
    "seed",
    "assets",
    "leakers_mean",
    "leakers_total",
    "interceptors_fired",
    "interceptor_cost_mean_usd",
)


def summarise(
    tables: Iterable[BatchTables] | BatchTables,
    *,
    scenario: str,
    variant: str | None,
    seed: int,
    asset_names: Sequence[str],
    threat_types: Sequence[str],
    interceptor_types: Sequence[str],
) -> RunSummary:
    """Summary figures over all replications of a run."""
    import pyarrow as pa

    if isinstance(tables, dict):
        tables = [tables]
    merged: dict[str, list[pa.Table]] = {}
    for batch in tables:
        for name, table in batch.items():
            merged.setdefault(name, []).append(table)
    t = {name: pa.concat_tables(parts) for name, parts in merged.items()}
    reps = t["replications"]
    n = reps.num_rows
    assets_tab = t["assets"]
    asset_col = np.array(assets_tab.column("asset").to_pylist(), dtype=object)
    damaged = assets_tab.column("damaged").to_numpy(zero_copy_only=False)
    assets = []
    for name in asset_names:
        sel = asset_col == name
        undamaged = int((~damaged[sel]).sum())
        lo, hi = wilson_interval(undamaged, n)
        assets.append({"name": name, "p_undamaged": undamaged / n, "ci95": [lo, hi]})
    thr = t["threats"]
    ttype = np.array(thr.column("threat_type").to_pylist(), dtype=object)
    leaked = thr.column("leaked").to_numpy(zero_copy_only=False)
    friendly = (
        thr.column("friendly").to_numpy(zero_copy_only=False)
        if "friendly" in thr.column_names
        else np.zeros(thr.num_rows, dtype=bool)
    )
    decoy = (
        thr.column("decoy").to_numpy(zero_copy_only=False)
        if "decoy" in thr.column_names
        else np.zeros(thr.num_rows, dtype=bool)
    )
    hostile = (
        thr.column("aircraft").to_numpy(zero_copy_only=False)
        if "aircraft" in thr.column_names
        else np.zeros(thr.num_rows, dtype=bool)
    )
    # threat types: any but the flights' (friendly or hostile) and the decoys'
    other = friendly | decoy | hostile
    not_threats = set(ttype[other].tolist()) - set(ttype[~other].tolist())
    leakers_mean = {
        name: float(leaked[ttype == name].sum()) / n
        for name in threat_types
        if name not in not_threats
    }
    mean, lo, hi = mean_interval(
        reps.column("leakers").to_numpy().astype(np.float64), lower_bound=0.0
    )
    eng = t["engagements"]
    itype = np.array(eng.column("interceptor_type").to_pylist(), dtype=object)
    fired = {name: float((itype == name).sum()) / n for name in interceptor_types}
    cost = reps.column("interceptor_cost_usd").to_numpy()
    killed = reps.column("killed").to_numpy().astype(np.float64)
    from airguard.results.funnel import funnel, has_kill_chain

    chains = (
        {"funnel": funnel(thr, np.sort(reps.column("replication").to_numpy()), threat_types)}
        if has_kill_chain(thr)
        else {}
    )
    return RunSummary(
        scenario=scenario,
        variant=variant,
        replications=n,
        seed=seed,
        assets=assets,
        leakers_mean=leakers_mean,
        leakers_total={"mean": mean, "ci95": [lo, hi]},
        interceptors_fired=fired,
        interceptor_cost_mean_usd=float(cost.mean()),
        extra={
            "threats_killed_mean": float(killed.mean()),
            **(_fratricide_figures(reps) if friendly.any() else {}),
            **(_aircraft_figures(reps) if hostile.any() else {}),
            **(
                {
                    "interceptors_at_decoys_mean": float(
                        np.mean(reps.column("interceptors_at_decoys"))
                    )
                }
                if decoy.any() and "interceptors_at_decoys" in reps.column_names
                else {}
            ),
            **chains,
        },
    )


def _count_figures(counts: np.ndarray) -> tuple[dict[str, Any], dict[str, Any]]:
    """A count per replication: its mean with a 95 % interval, and the fraction of
    replications with at least one, with its Wilson interval."""
    k = counts.astype(np.float64)
    mean, lo, hi = mean_interval(k, lower_bound=0.0)
    n = k.size
    any_ = int((k > 0).sum())
    plo, phi = wilson_interval(any_, n)
    return {"mean": mean, "ci95": [lo, hi]}, {"p": any_ / n if n else 0.0, "ci95": [plo, phi]}


def _fratricide_figures(reps: pa.Table) -> dict[str, Any]:
    """Friendly aircraft shot down per raid, and the probability of at least one."""
    if "fratricides" not in reps.column_names:
        return {}
    mean, p = _count_figures(reps.column("fratricides").to_numpy())
    return {"fratricides": mean, "p_fratricide": p}


def _aircraft_figures(reps: pa.Table) -> dict[str, Any]:
    """Hostile aircraft shot down per raid, and the probability of at least one."""
    if "aircraft_killed" not in reps.column_names:
        return {}
    mean, p = _count_figures(reps.column("aircraft_killed").to_numpy())
    return {
        "aircraft": float(np.mean(reps.column("aircraft").to_numpy())),
        "aircraft_killed": mean,
        "p_aircraft_killed": p,
    }


# ---------------------------------------------------------------- queries


def run_dirs(path: str | Path) -> list[Path]:
    """The run directories at `path`: itself, or its variant subdirectories.

    Raises FileNotFoundError if one of them is unfinished (killed or still running).
    """
    root = Path(path)
    if (root / MANIFEST).is_file():
        return [root]
    unfinished = [root] if (root / PROGRESS).is_file() else []
    unfinished += [
        p.parent for p in sorted(root.glob(f"*/{PROGRESS}")) if not (p.parent / MANIFEST).is_file()
    ]
    if unfinished:
        raise FileNotFoundError(
            f"{unfinished[0]}: the run is unfinished (killed, or still running); "
            f"finish it with: airguard run SCENARIO --resume {root}"
        )
    found = sorted(p.parent for p in root.glob(f"*/{MANIFEST}"))
    if not found:
        raise FileNotFoundError(f"{root}: no manifest.json here or in its subdirectories")
    return found


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """The manifest of one run directory.

    Raises
    ------
    FileNotFoundError
        If there is none.
    RunDamagedError
        If it cannot be read: not JSON (a truncated file) or not a JSON object.
    """
    path = Path(run_dir) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir}: no {MANIFEST} (not a finished run directory)")
    return _read_record(path)


class QueryError(ValueError):
    """A query :func:`query` does not run: not one read-only statement."""


def query(run_dir: str | Path, sql: str) -> pa.Table:
    """Run one read-only DuckDB SQL query over a run directory's tables.

    Each table is a view of its name (``replications``, ``assets``, ``threats``,
    ``engagements``, ``impacts``) over its committed Parquet parts, e.g.
    ``SELECT interceptor_type, avg(miss_distance_m) FROM engagements GROUP BY 1``.

    A run directory may come from someone else, and so may a query: exactly one
    statement is run, a ``SELECT`` (``WITH``, ``FROM``, ``DESCRIBE``, ``SUMMARIZE``,
    ``SHOW``) or an ``EXPLAIN``, else :class:`QueryError`; the connection reads files
    only inside the run directory (DuckDB's ``allowed_directories`` with external access
    off), loads no extension, and its configuration is locked before the query runs.
    """
    root = Path(run_dir).resolve()

    def attach(con: Any) -> None:
        for name in TABLES:
            parts = _part_files(root, name)
            if parts:
                files = ", ".join(_sql_text(str(p)) for p in parts)
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{files}])")

    return _read_only_query(sql, attach, allowed=f"{root}{os.sep}")


def query_tables(tables: Mapping[str, pa.Table], sql: str) -> pa.Table:
    """Run one read-only DuckDB SQL query over outcome tables held in memory.

    :func:`query` for a run kept in memory (:func:`airguard.simulate` without ``out``):
    each table of `tables` is a view of its name, and the same rules hold, except that
    the connection reads no file at all.

    Parameters
    ----------
    tables
        Arrow tables by name, e.g. ``{"replications": ..., "threats": ...}``.
    sql
        One read-only statement.
    """

    def attach(con: Any) -> None:
        for name, table in tables.items():
            con.register(name, table)

    return _read_only_query(sql, attach, allowed=None)


def _read_only_query(sql: str, attach: Callable[[Any], None], *, allowed: str | None) -> pa.Table:
    """Check that `sql` is one read-only statement, then run it on a connection that reads
    files only under `allowed` (none if None), loads no extension and whose settings are
    locked once `attach` has made the tables' views."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        statements = con.extract_statements(sql)
        if len(statements) != 1:
            raise QueryError(f"one statement at a time: got {len(statements)}")
        kind = statements[0].type
        if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
            name = str(kind).rsplit(".", 1)[-1]
            raise QueryError(f"only read-only queries (SELECT, EXPLAIN) are run here, not {name}")
        where = "" if allowed is None else _sql_text(allowed)
        con.execute(f"SET allowed_directories = [{where}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        attach(con)
        con.execute("SET lock_configuration = true")
        relation: Any = con.sql(sql)
        if relation is None:  # a statement without a result (CREATE, SET, ...)
            return pa.table({})
        # DuckDB 2 calls it to_arrow_table; 1.x, arrow
        fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
        table: pa.Table = fetch()
        return table
    finally:
        con.close()


def _sql_text(text: str) -> str:
    """`text` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
