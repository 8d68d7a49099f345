"""Exports of a replication for other tools: CZML (CesiumJS), KML (Google Earth), GeoJSON (GIS).

``airguard export RUN --rep K --format czml|kml|geojson`` (:func:`export_replication`)
plays replication K back (:func:`airguard.scene.playback.playback`: true threat
trajectories, interceptor paths, events) and writes it with the run's assets,
units and sensors; ``--format coverage`` writes the coverage footprints as GeoJSON
(:func:`airguard.scene.footprints.coverage_features`).

Times: the scenario's t = 0 is placed at `epoch` (default :data:`DEFAULT_EPOCH`, notional:
scenarios carry no date).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from airguard.errors import InputError

__all__ = ["DEFAULT_EPOCH", "FORMATS", "export_coverage", "export_replication", "render"]

DEFAULT_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
"""Where the scenario's t = 0 is put in time-tagged exports (notional)."""

EXPORT_CELLS = 250_000
"""Cells of the coverage grid of ``--format coverage`` (at least 1 km each)."""

FORMATS = {"czml": ".czml", "kml": ".kml", "geojson": ".geojson"}
"""Replication formats and their file extensions."""


def render(
    fmt: str, scene: dict[str, Any], playback: dict[str, Any], epoch: datetime = DEFAULT_EPOCH
) -> str:
    """One replication (`playback`) over its map (`scene`) as text in format `fmt`."""
    if fmt == "czml":
        from airguard.export.czml import to_czml

        return json.dumps(to_czml(scene, playback, epoch), separators=(",", ":"), allow_nan=False)
    if fmt == "kml":
        from airguard.export.kml import to_kml

        return to_kml(scene, playback, epoch)
    if fmt == "geojson":
        from airguard.export.geojson import to_geojson

        return json.dumps(
            to_geojson(scene, playback, epoch), separators=(",", ":"), allow_nan=False
        )
    raise ValueError(f"format: expected one of {', '.join(FORMATS)}, got '{fmt}'")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def export_replication(
    run_dir: str | Path,
    replication: int,
    fmt: str,
    out: str | Path | None = None,
    *,
    epoch: datetime = DEFAULT_EPOCH,
    step_s: float = 1.0,
) -> Path:
    """Write replication `replication` of the run in `run_dir` as `fmt`; returns the file.

    `out` defaults to ``RUN/exports/rep-<K>.<ext>``.

    Raises
    ------
    InputError
        If the run, the replication or its scenario cannot be used.
    ValueError
        If `fmt` is not one of :data:`FORMATS`.
    """
    from airguard.scene import run_scenario, scene
    from airguard.scene.playback import playback

    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)} or coverage, got '{fmt}'")
    root = Path(run_dir)
    scenario, _ = run_scenario(root)
    pb = playback(root, replication, step_s=step_s, scenario=scenario)
    data = scene(scenario, with_borders=False)
    text = render(fmt, data, pb, epoch)
    path = Path(out) if out is not None else root / "exports" / f"rep-{replication}{FORMATS[fmt]}"
    return _write(path, text)


def export_coverage(run_dir: str | Path, out: str | Path | None = None) -> Path:
    """Write the run's coverage footprints as GeoJSON (default ``RUN/exports/coverage.geojson``).

    Raises InputError if the footprints cannot be had (see
    :func:`airguard.scene.footprints.coverage_features`).
    """
    from airguard.scene import run_scenario, scene_box
    from airguard.scene.footprints import coverage_features

    root = Path(run_dir)
    scenario, _ = run_scenario(root)
    collection, why = coverage_features(scenario, scene_box([scenario]), max_cells=EXPORT_CELLS)
    if collection is None:
        raise InputError(why or "no coverage footprints", file=str(root))
    path = Path(out) if out is not None else root / "exports" / "coverage.geojson"
    return _write(path, json.dumps(collection, separators=(",", ":"), allow_nan=False))
