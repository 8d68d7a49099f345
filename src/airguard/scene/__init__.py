"""The static picture of a run: region, assets, units, sensors, threat axes, borders.

A run's manifest names its scenario file and variant; :func:`run_scenario` loads it
again (the scenario holds the positions that the outcome tables do not) and
:func:`scene` turns it into plain JSON for the report's and the viewer's map
(``airguard/data/web/map.js``): positions in degrees, distances in metres, times in
seconds.  Nothing here runs the engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.scenario import Scenario

__all__ = ["map_box", "run_scenario", "scene", "scene_box"]

KM_PER_DEG = 111.32
"""Kilometres per degree of latitude (and of longitude at the equator), mean sphere."""


def _resolve_scenario_file(run_dir: Path, recorded: str) -> Path | None:
    """The scenario file a manifest records: as written (relative to the working
    directory of the run), else relative to the run directory or one of its parents,
    so that a run can be read from elsewhere."""
    path = Path(recorded)
    if path.is_file() or path.is_absolute():
        return path if path.is_file() else None
    for base in [run_dir.resolve(), *run_dir.resolve().parents][:6]:
        if (base / path).is_file():
            return base / path
    return None


def run_scenario(run_dir: str | Path) -> tuple[Scenario, list[str]]:
    """The scenario (variant) of a run directory, and warnings about it.

    Raises
    ------
    InputError
        If the directory holds no manifest or the scenario file cannot be found.
    """
    from airguard.results.store import read_manifest
    from airguard.scenario import load_scenario

    root = Path(run_dir)
    if not (root / "manifest.json").is_file():
        raise InputError("no manifest.json here: not a finished run directory", file=str(root))
    manifest = read_manifest(root)
    recorded = str(manifest.get("scenario_file", ""))
    path = _resolve_scenario_file(root, recorded)
    if path is None:
        raise InputError(
            f"the run's scenario file {recorded} is not found (from here or the run directory)",
            file=str(root),
        )
    (scenario,) = load_scenario(path, variant=manifest.get("variant"))
    warnings = []
    if scenario.digest != manifest.get("scenario_sha256"):
        warnings.append(
            f"{recorded} changed since the run: the map shows the file as it is now, "
            "and replications cannot be played back"
        )
    return scenario, warnings


def _nominal(figure: Any) -> float:
    """A catalogue figure's nominal value in SI (plain numbers pass through)."""
    nominal = getattr(figure, "nominal", None)
    if nominal is not None:
        return float(nominal.value_si)
    return float(figure)


def _unit_interceptors(scenario: Scenario, unit: Any) -> list[str]:
    """Interceptor types a unit's doctrine may fire, in order of first mention."""
    system = scenario.catalogue.defence(unit.system)
    out: list[str] = []
    for cls, rule in system.composition.doctrine.items():
        override = unit.doctrine.get(cls)
        ids = override.interceptors if override is not None and override.interceptors else None
        for iid in ids or rule.interceptors:
            if iid not in out:
                out.append(iid)
    return out


def _points(scenario: Scenario) -> list[tuple[float, float, float]]:
    """(lon, lat, radius_m) of everything the map must show."""
    body = scenario.body
    pts = [(a.position.lon, a.position.lat, a.radius) for a in body.assets]
    pts += [(u.position.lon, u.position.lat, 0.0) for u in body.units]
    pts += [(s.position.lon, s.position.lat, 0.0) for s in body.sensors]
    for r in body.raids:
        pts.append((r.area.lon, r.area.lat, r.area.radius))
        pts += [(w.lon, w.lat, 0.0) for w in r.waypoints]
    for f in body.flights:
        pts += [(p.lon, p.lat, 0.0) for p in f.route]
    return pts


def scene_box(
    scenarios: Sequence[Scenario], margin: float = 0.12
) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) around every scenario's sites and axes, with a
    `margin` (fraction of the extent, at least half a degree)."""
    lons: list[float] = []
    lats: list[float] = []
    for sc in scenarios:
        for lon, lat, radius_m in _points(sc):
            dlat = radius_m / 1000.0 / KM_PER_DEG
            dlon = dlat / max(math.cos(math.radians(lat)), 0.05)
            lons += [lon - dlon, lon + dlon]
            lats += [lat - dlat, lat + dlat]
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    pad_lon = max((lon1 - lon0) * margin, 0.5)
    pad_lat = max((lat1 - lat0) * margin, 0.5)
    return (
        max(lon0 - pad_lon, -180.0),
        max(lat0 - pad_lat, -90.0),
        min(lon1 + pad_lon, 180.0),
        min(lat1 + pad_lat, 90.0),
    )


def map_box(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box whose borders a map draws: `box` widened by half its extent on each side, so
    that panning and a window wider than the region still show land."""
    lon0, lat0, lon1, lat1 = box
    dlon, dlat = (lon1 - lon0) / 2, (lat1 - lat0) / 2
    return (
        max(lon0 - dlon, -180.0),
        max(lat0 - dlat, -90.0),
        min(lon1 + dlon, 180.0),
        min(lat1 + dlat, 90.0),
    )


def scene(
    scenario: Scenario,
    *,
    box: tuple[float, float, float, float] | None = None,
    with_borders: bool = True,
    coverage: dict[str, Any] | None = None,
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The map's JSON for one scenario variant (see the module docstring).

    `box` defaults to :func:`scene_box` of this scenario alone; `coverage` is a GeoJSON
    FeatureCollection of footprints (:func:`airguard.scene.footprints.coverage_features`).
    """
    from airguard.catalogue import SensorSystem, ThreatSystem
    from airguard.scene.borders import region_map

    body = scenario.body
    cat = scenario.catalogue
    box = box or scene_box([scenario])
    assets = [
        {
            "name": a.name,
            "lat": a.position.lat,
            "lon": a.position.lon,
            "alt_m": a.position.alt,
            "radius_m": a.radius,
            "value": a.value,
        }
        for a in body.assets
    ]
    units = []
    for u in body.units:
        system = cat.defence(u.system)
        itc = _unit_interceptors(scenario, u)
        ranges = {
            i: _nominal(system.interceptors[i].max_range) for i in itc if i in system.interceptors
        }
        units.append(
            {
                "name": u.name,
                "system": u.system,
                "system_name": system.name,
                "lat": u.position.lat,
                "lon": u.position.lon,
                "alt_m": u.position.alt,
                "heading_deg": None if u.heading is None else round(math.degrees(u.heading), 1),
                "network": u.network,
                "interceptors": itc,
                "max_range_m": max(ranges.values()) if ranges else None,
                "radars": list(system.composition.radars),
            }
        )
    sensors = []
    for s in body.sensors:
        entry = cat[s.system]
        radars = entry.radars if isinstance(entry, SensorSystem) else {}
        sensors.append(
            {
                "name": s.name,
                "system": s.system,
                "system_name": entry.name,
                "lat": s.position.lat,
                "lon": s.position.lon,
                "alt_m": s.position.alt,
                "heading_deg": None if s.heading is None else round(math.degrees(s.heading), 1),
                "network": s.network,
                "max_range_m": max((_nominal(r.max_range) for r in radars.values()), default=None),
            }
        )
    by_name = {a.name: a for a in body.assets}
    raids = []
    for r in body.raids:
        threat = cat[r.threat]
        cls = threat.threat_class if isinstance(threat, ThreatSystem) else "unknown"
        target = by_name.get(r.target)
        axis = [[r.area.lon, r.area.lat]]
        axis += [[w.lon, w.lat] for w in r.waypoints]
        if target is not None:
            axis.append([target.position.lon, target.position.lat])
        raids.append(
            {
                "name": r.name,
                "threat": r.threat,
                "threat_name": threat.name,
                "threat_class": cls,
                "count": r.count,
                "launch": {
                    "lat": r.area.lat,
                    "lon": r.area.lon,
                    "radius_m": r.area.radius,
                },
                "window_s": [r.window.start, r.window.end],
                "target": r.target,
                "axis": axis,
            }
        )
    flights = [
        {
            "name": f.name,
            "aircraft": f.aircraft,
            "route": [[p.lon, p.lat, p.alt] for p in f.route],
            "start_s": f.start,
        }
        for f in body.flights
    ]
    return {
        "scenario": body.name,
        "variant": scenario.variant,
        "label": scenario.label,
        "description": body.description,
        "duration_s": body.duration,
        "box": list(box),
        "assets": assets,
        "units": units,
        "sensors": sensors,
        "raids": raids,
        "flights": flights,
        "map": region_map(map_box(box)).to_json() if with_borders else None,
        "coverage": coverage,
        "warnings": list(warnings),
    }
