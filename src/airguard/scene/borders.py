"""Country borders and coastlines of a map's region, from Natural Earth.

The package ships Natural Earth's *Admin 0 – Countries* at 1:50m (version 4.1.0, public
domain) as the TopoJSON of the npm package ``world-atlas`` 2.0.2
(``airguard/data/naturalearth/``, with its NOTICE).  Nothing is fetched at run time.

The topology is decoded as the TopoJSON specification 1.0 says
(https://github.com/topojson/topojson-specification, §2.1.2 transforms: delta-encoded
quantized positions; §2.1.4 arcs: a negative index ``~i`` is arc ``i`` reversed), then
cut to a longitude–latitude box:

- **land**: each country's polygons clipped to the box (Sutherland & Hodgman,
  "Reentrant polygon clipping", *CACM* 17(1), 1974), for filling;
- **borders**: arcs that two countries share (land borders), for stroking;
- **coast**: arcs of a single country (coastlines), for stroking;
- **labels**: a country's name at the centroid of its largest clipped ring.

All positions are ``[lon_deg, lat_deg]`` pairs, rounded to 4 decimals (about 10 m).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["NATURAL_EARTH_FILE", "RegionMap", "region_map"]

NATURAL_EARTH_FILE = "countries-50m.json"
"""The shipped Natural Earth topology, in ``airguard/data/naturalearth/``."""

Box = tuple[float, float, float, float]
"""(lon_min, lat_min, lon_max, lat_max), degrees."""


@dataclass(frozen=True)
class _Country:
    name: str
    polygons: list[list[list[int]]]  # polygon → ring → arc indices (TopoJSON)


@dataclass(frozen=True)
class _Topology:
    arcs: list[np.ndarray]  # (n, 2) lon, lat degrees
    arc_boxes: np.ndarray  # (A, 4) lon_min, lat_min, lon_max, lat_max
    arc_users: np.ndarray  # (A,) number of countries whose rings use the arc
    countries: list[_Country]


@functools.cache
def _topology() -> _Topology:
    """The decoded Natural Earth topology (read once per process)."""
    path = resources.files("airguard") / "data" / "naturalearth" / NATURAL_EARTH_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    scale = np.asarray(data["transform"]["scale"], dtype=np.float64)
    translate = np.asarray(data["transform"]["translate"], dtype=np.float64)
    arcs = [
        np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + translate
        for arc in data["arcs"]
    ]
    boxes = np.array([[*a.min(axis=0), *a.max(axis=0)] for a in arcs])
    users = np.zeros(len(arcs), dtype=np.int64)
    countries = []
    for geom in data["objects"]["countries"]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            polygons = [geom["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geom["arcs"]
        else:
            continue
        used = {i if i >= 0 else ~i for poly in polygons for ring in poly for i in ring}
        users[list(used)] += 1
        name = str((geom.get("properties") or {}).get("name") or geom.get("id") or "")
        countries.append(_Country(name, polygons))
    return _Topology(arcs, boxes, users, countries)


def _ring(topo: _Topology, indices: list[int]) -> np.ndarray:
    """A ring's positions from its arcs (each arc after the first drops its shared start)."""
    parts = []
    for n, i in enumerate(indices):
        arc = topo.arcs[i] if i >= 0 else topo.arcs[~i][::-1]
        parts.append(arc if n == 0 else arc[1:])
    return np.concatenate(parts)


def _clip_ring(ring: np.ndarray, box: Box) -> np.ndarray:
    """Sutherland–Hodgman clip of a closed ring (n, 2) to a box; may return fewer than 3 points."""
    pts = ring[:-1] if len(ring) > 1 and np.array_equal(ring[0], ring[-1]) else ring
    lon0, lat0, lon1, lat1 = box
    for axis, bound, keep_above in (
        (0, lon0, True),
        (0, lon1, False),
        (1, lat0, True),
        (1, lat1, False),
    ):
        if len(pts) == 0:
            break
        v = pts[:, axis]
        inside = v >= bound if keep_above else v <= bound
        if inside.all():
            continue
        prev = np.roll(pts, 1, axis=0)
        prev_inside = np.roll(inside, 1)
        out: list[np.ndarray] = []
        for p, q, p_in, q_in in zip(prev, pts, prev_inside, inside, strict=True):
            if p_in != q_in:  # the edge p → q crosses the boundary
                f = (bound - p[axis]) / (q[axis] - p[axis])
                out.append(p + f * (q - p))
            if q_in:
                out.append(q)
        pts = np.array(out) if out else np.empty((0, 2))
    return pts


def _ring_area_centroid(pts: np.ndarray) -> tuple[float, float, float]:
    """Signed area (deg², counter-clockwise positive) and centroid of a polygon ring."""
    x, y = pts[:, 0], pts[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = 0.5 * float(cross.sum())
    if abs(area) < 1e-12:
        return 0.0, float(x.mean()), float(y.mean())
    cx = float(((x + xn) * cross).sum()) / (6 * area)
    cy = float(((y + yn) * cross).sum()) / (6 * area)
    return area, cx, cy


def _runs_in_box(line: np.ndarray, box: Box) -> list[np.ndarray]:
    """The parts of a polyline near a box: runs of points inside it, each with one
    neighbour outside on either side so that it reaches the edge (the map clips)."""
    lon0, lat0, lon1, lat1 = box
    inside = (
        (line[:, 0] >= lon0) & (line[:, 0] <= lon1) & (line[:, 1] >= lat0) & (line[:, 1] <= lat1)
    )
    keep = inside.copy()
    keep[1:] |= inside[:-1]
    keep[:-1] |= inside[1:]
    runs: list[np.ndarray] = []
    idx = np.flatnonzero(keep)
    if idx.size == 0:
        return runs
    breaks = np.flatnonzero(np.diff(idx) > 1)
    for part in np.split(idx, breaks + 1):
        if part.size >= 2:
            runs.append(line[part])
    return runs


def _rounded(pts: np.ndarray) -> list[list[float]]:
    out: list[list[float]] = np.round(pts, 4).tolist()
    return out


@dataclass(frozen=True)
class RegionMap:
    """Borders, coastlines and land of a box, ready for a map (see the module docstring)."""

    box: Box
    land: list[dict[str, Any]]
    borders: list[list[list[float]]]
    coast: list[list[list[float]]]
    labels: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "box": list(self.box),
            "land": self.land,
            "borders": self.borders,
            "coast": self.coast,
            "labels": self.labels,
            "source": "Natural Earth 1:50m Admin 0 countries v4.1.0 (public domain)",
        }


def region_map(box: Box) -> RegionMap:
    """Natural Earth's countries cut to `box` = (lon_min, lat_min, lon_max, lat_max) in degrees.

    Raises ValueError if the box is empty or outside [-180, 180] × [-90, 90].
    """
    lon0, lat0, lon1, lat1 = (float(v) for v in box)
    if not (-180.0 <= lon0 < lon1 <= 180.0 and -90.0 <= lat0 < lat1 <= 90.0):
        raise ValueError(
            f"map box: expected lon_min < lon_max, lat_min < lat_max in range, got {box}"
        )
    clip: Box = (lon0, lat0, lon1, lat1)
    topo = _topology()
    b = topo.arc_boxes
    near = (b[:, 2] >= lon0) & (b[:, 0] <= lon1) & (b[:, 3] >= lat0) & (b[:, 1] <= lat1)
    borders: list[list[list[float]]] = []
    coast: list[list[list[float]]] = []
    for i in np.flatnonzero(near):
        target = borders if topo.arc_users[i] > 1 else coast
        target.extend(_rounded(run) for run in _runs_in_box(topo.arcs[i], clip))
    land = []
    labels = []
    box_area = (lon1 - lon0) * (lat1 - lat0)
    for country in topo.countries:
        arc_ids = [i if i >= 0 else ~i for poly in country.polygons for ring in poly for i in ring]
        if not near[arc_ids].any():
            continue
        rings = []
        best = (0.0, 0.0, 0.0)
        for poly in country.polygons:
            for r, ring_arcs in enumerate(poly):
                pts = _clip_ring(_ring(topo, ring_arcs), clip)
                if len(pts) < 3:
                    continue
                rings.append(_rounded(np.vstack([pts, pts[:1]])))
                area, cx, cy = _ring_area_centroid(pts)
                if r == 0 and abs(area) > abs(best[0]):
                    best = (area, cx, cy)
        if rings:
            land.append({"name": country.name, "rings": rings})
            if abs(best[0]) > 0.004 * box_area:
                labels.append(
                    {"name": country.name, "lon": round(best[1], 3), "lat": round(best[2], 3)}
                )
    return RegionMap(clip, land, borders, coast, labels)
