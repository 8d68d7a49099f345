"""Coverage footprints for the report's and the viewer's maps and the exports.

:func:`coverage_features` asks :func:`airguard.studies.coverage.coverage_grid` for a scenario's
detection and engagement footprints over a map's box, on a grid of at most about
:data:`MAX_CELLS` cells, and returns :func:`airguard.studies.coverage.to_geojson`'s
FeatureCollection ((Multi)Polygon features with properties ``unit``, ``threat``, ``kind``
and more), its outlines simplified for display: Douglas–Peucker with a tolerance of
:data:`SIMPLIFY_CELLS` cells (D. H. Douglas & T. K. Peucker, "Algorithms for the reduction
of the number of points required to represent a digitized line or its caricature",
*Cartographica* 10(2), 1973) and positions rounded to 3 decimals (about 100 m), both
well inside one cell.  Rings that simplify to fewer than 4 positions are dropped.

When the coverage module cannot be used (it is missing, or the scenario cannot be mapped)
it returns None with the reason, and the maps have no coverage layer.
"""

from __future__ import annotations

import importlib
import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from airguard.scenario import Scenario
    from airguard.world import World

__all__ = ["MAX_CELLS", "SIMPLIFY_CELLS", "coverage_features", "simplify_ring"]

MAX_CELLS = 30_000
"""Cells of the display grid (its resolution follows from the box, at least 2 km)."""

MIN_RESOLUTION_M = 1000.0
SIMPLIFY_CELLS = 0.4
"""Outline simplification tolerance, in cells."""


def simplify_ring(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker simplification of a closed ring (n, 2) (first point = last point).

    The ring is split at its first point and the point farthest from it, and each half is
    simplified as a polyline, so that the result stays a closed ring.
    """
    if len(ring) <= 4:
        return ring
    far = int(np.argmax(((ring - ring[0]) ** 2).sum(axis=1)))
    halves = [ring[: far + 1], ring[far:]]
    keep_parts = []
    for part in halves:
        keep = np.zeros(len(part), dtype=bool)
        keep[0] = keep[-1] = True
        stack = [(0, len(part) - 1)]
        while stack:
            i, j = stack.pop()
            if j <= i + 1:
                continue
            a, b = part[i], part[j]
            seg = b - a
            norm = math.hypot(seg[0], seg[1])
            pts = part[i + 1 : j] - a
            if norm == 0.0:
                d = np.hypot(pts[:, 0], pts[:, 1])
            else:
                d = np.abs(seg[0] * pts[:, 1] - seg[1] * pts[:, 0]) / norm
            k = int(np.argmax(d))
            if d[k] > tolerance:
                m = i + 1 + k
                keep[m] = True
                stack += [(i, m), (m, j)]
        keep_parts.append(part[keep])
    out: np.ndarray = np.vstack([keep_parts[0], keep_parts[1][1:]])
    return out


def _simplified(geometry: dict[str, Any], tolerance_deg: float) -> dict[str, Any] | None:
    kind = geometry.get("type")
    polys = [geometry["coordinates"]] if kind == "Polygon" else geometry.get("coordinates", [])
    if kind not in ("Polygon", "MultiPolygon"):
        return None
    out = []
    for poly in polys:
        rings = []
        for r, ring in enumerate(poly):
            pts = np.round(simplify_ring(np.asarray(ring, dtype=np.float64), tolerance_deg), 3)
            pts = pts[np.r_[True, np.any(np.diff(pts, axis=0) != 0, axis=1)]]
            if len(pts) < 4 or not np.array_equal(pts[0], pts[-1]):
                if r == 0:
                    break
                continue
            rings.append(pts.tolist())
        if rings:
            out.append(rings)
    return {"type": "MultiPolygon", "coordinates": out}


def coverage_features(
    scenario: Scenario | World,
    box: tuple[float, float, float, float] | None = None,
    *,
    max_cells: int = MAX_CELLS,
) -> tuple[dict[str, Any] | None, str | None]:
    """The footprints of a scenario (or its compiled world) over `box` (lon_min, lat_min, lon_max, lat_max; default the
    coverage module's own, at its own resolution) on a grid of at most about `max_cells`
    cells, as a GeoJSON FeatureCollection, or (None, why not)."""
    try:
        coverage = importlib.import_module("airguard.studies.coverage")
    except ImportError:
        return None, "coverage footprints need airguard.studies.coverage, which this version lacks"
    grid = getattr(coverage, "coverage_grid", None)
    to_geojson = getattr(coverage, "to_geojson", None)
    if grid is None or to_geojson is None:
        return None, "airguard.studies.coverage has no coverage_grid/to_geojson"
    kwargs: dict[str, Any] = {}
    resolution_m = MIN_RESOLUTION_M
    if box is not None:
        lon0, lat0, lon1, lat1 = box
        width_m = (lon1 - lon0) * 111_320.0 * math.cos(math.radians((lat0 + lat1) / 2))
        height_m = (lat1 - lat0) * 111_320.0
        resolution_m = max(MIN_RESOLUTION_M, math.sqrt(width_m * height_m / max_cells))
        kwargs = {"bounds": (lat0, lon0, lat1, lon1), "resolution_m": resolution_m}
    try:
        collection = to_geojson(grid(scenario, **kwargs))
    except (ValueError, TypeError, KeyError, ImportError) as exc:
        return None, f"coverage footprints could not be computed: {exc}"
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        return None, "airguard.studies.coverage.to_geojson did not return a FeatureCollection"
    tolerance_deg = SIMPLIFY_CELLS * resolution_m / 111_320.0
    features = []
    for f in collection.get("features", []):
        geometry = _simplified(f.get("geometry") or {}, tolerance_deg)
        if geometry is not None and geometry["coordinates"]:
            features.append(
                {"type": "Feature", "geometry": geometry, "properties": f.get("properties", {})}
            )
    return {"type": "FeatureCollection", "features": features, "resolution_m": resolution_m}, None
