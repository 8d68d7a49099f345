"""A replication as GeoJSON, for GIS tools.

RFC 7946: one ``FeatureCollection`` whose positions are ``[longitude, latitude,
height]`` in degrees and metres (§3.1.1; WGS84, no ``crs`` member, §4): the assets, units
and sensors as ``Point`` features, each threat's and interceptor's path as a
``LineString`` (its sample times in the property ``times_s``, one per position, seconds
from the scenario's t = 0, and ``times_utc`` from the export's epoch), and the intercepts
and impacts as ``Point`` features with ``time_s``.  Every feature's ``kind`` property
says what it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airguard.export.czml import iso

__all__ = ["to_geojson"]


def _point(lon: float, lat: float, alt: float | None = None) -> dict[str, Any]:
    coords = [lon, lat] if alt is None else [lon, lat, alt]
    return {"type": "Point", "coordinates": coords}


def _feature(geometry: dict[str, Any], properties: dict[str, Any], fid: str) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties}


def _path(track: dict[str, list[float]]) -> dict[str, Any]:
    coords = [
        [lon, lat, alt]
        for lat, lon, alt in zip(track["lat"], track["lon"], track["alt"], strict=True)
    ]
    if len(coords) == 1:
        return {"type": "Point", "coordinates": coords[0]}
    return {"type": "LineString", "coordinates": coords}


def to_geojson(scene: dict[str, Any], playback: dict[str, Any], epoch: datetime) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of one replication (see the module docstring)."""
    features: list[dict[str, Any]] = []
    for a in scene["assets"]:
        features.append(
            _feature(
                _point(a["lon"], a["lat"], a["alt_m"]),
                {
                    "kind": "asset",
                    "name": a["name"],
                    "value": a["value"],
                    "radius_m": a["radius_m"],
                },
                f"asset/{a['name']}",
            )
        )
    for u in scene["units"]:
        features.append(
            _feature(
                _point(u["lon"], u["lat"], u["alt_m"]),
                {
                    "kind": "unit",
                    "name": u["name"],
                    "system": u["system"],
                    "network": u["network"],
                    "interceptors": u["interceptors"],
                    "max_range_m": u["max_range_m"],
                },
                f"unit/{u['name']}",
            )
        )
    for s in scene["sensors"]:
        features.append(
            _feature(
                _point(s["lon"], s["lat"], s["alt_m"]),
                {
                    "kind": "sensor",
                    "name": s["name"],
                    "system": s["system"],
                    "network": s["network"],
                },
                f"sensor/{s['name']}",
            )
        )
    for th in playback["threats"]:
        track = th.get("track")
        if not track:
            continue
        props = {k: v for k, v in th.items() if k != "track"}
        props |= {
            "kind": "threat",
            "times_s": track["t"],
            "times_utc": [iso(epoch, t) for t in track["t"]],
        }
        features.append(_feature(_path(track), props, f"threat/{th['id']}"))
    for m in playback["interceptors"]:
        track = m["track"]
        props = {k: v for k, v in m.items() if k != "track"}
        props |= {
            "kind": "interceptor",
            "times_s": track["t"],
            "times_utc": [iso(epoch, t) for t in track["t"]],
        }
        features.append(_feature(_path(track), props, f"interceptor/{m['id']}"))
    for k, ev in enumerate(playback["events"]["intercepts"]):
        props = {key: v for key, v in ev.items() if key not in ("lat", "lon", "alt", "t")}
        props |= {"kind": "intercept", "time_s": ev["t"], "time_utc": iso(epoch, ev["t"])}
        features.append(_feature(_point(ev["lon"], ev["lat"], ev["alt"]), props, f"intercept/{k}"))
    for k, ev in enumerate(playback["events"]["impacts"]):
        props = {key: v for key, v in ev.items() if key not in ("lat", "lon", "alt", "t")}
        props |= {"kind": "impact", "time_s": ev["t"], "time_utc": iso(epoch, ev["t"])}
        features.append(
            _feature(_point(ev["lon"], ev["lat"], max(ev["alt"], 0.0)), props, f"impact/{k}")
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "scenario": playback["scenario"],
            "variant": playback.get("variant"),
            "replication": playback["replication"],
            "epoch_utc": iso(epoch, 0.0),
        },
    }
