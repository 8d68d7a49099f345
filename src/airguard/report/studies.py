"""The placement and exposure studies in the HTML report.

``airguard report RUN --placement PLACEMENT.json --exposure EXPOSURE_DIR`` adds two
sections to the report (:func:`airguard.report.html.build_report`):

- **Placement**, from the JSON that ``airguard optimize --out FILE`` writes
  (:func:`airguard.studies.placement.study_json`): for each study (one system) a table of the
  scenario's given sites against the optimised placements — the screening figure, the Monte
  Carlo value-weighted fraction of assets surviving with its 95 % interval, and P(undamaged)
  of each asset with its Wilson interval — a budget comparison when the study was one, and a
  map of the defended assets, the threat axes, the candidate sites, the given sites and a
  chosen placement (sites with their sector headings).
- **Exposure**, from the directory ``airguard exposure --out`` writes (``exposure.json``
  and ``exposure.geojson``; or the JSON alone, then without the map): a table per flight and
  radar of time in view and exposed, looks, expected detections, SNR percentiles and closest
  approach at each RCS level evaluated (friendly and hostile flights under headings of their
  own when the study has hostile flights), the hostile flights' time in each unit's reach,
  detected and engageable, and a map of the routes, red where exposed, with the radar sites.

Files are checked before use: a missing or malformed file, or a missing field, raises
:class:`~airguard.errors.InputError` naming the file and the field (the command line prints
it as one line and exits with status 2).  Nothing here runs the engine.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airguard.errors import InputError
from airguard.report.markup import esc, json_script

__all__ = [
    "ExposureStudy",
    "PlacementDoc",
    "exposure_block",
    "find_studies",
    "load_exposure",
    "load_placement",
    "placement_block",
]

MAX_ROUTE_POINTS = 1500
"""Most positions of one flight's route drawn on the exposure map (decimated evenly)."""


# ---------------------------------------------------------------- reading and checking


class _Checker:
    """Typed access to a parsed JSON document, raising InputError with file and field path."""

    def __init__(self, path: Path, hint: str) -> None:
        self.path = path
        self.hint = hint

    def fail(self, where: str, message: str) -> InputError:
        return InputError(f"{message} ({self.hint})", file=str(self.path), field=where or None)

    def get(self, obj: Any, key: str, where: str, kind: type | tuple[type, ...]) -> Any:
        here = f"{where}.{key}" if where else key
        if not isinstance(obj, dict):
            raise self.fail(where, "expected an object")
        if key not in obj:
            raise self.fail(here, "missing")
        return self.check(obj[key], here, kind)

    def check(self, value: Any, where: str, kind: type | tuple[type, ...]) -> Any:
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (
            isinstance(value, bool) and bool not in kinds  # JSON true is not a number
        )
        if ok and isinstance(value, float) and not math.isfinite(value):
            ok = False
        if not ok:
            names = " or ".join(
                {
                    dict: "an object",
                    list: "a list",
                    str: "a string",
                    int: "a number",
                    float: "a number",
                    bool: "true or false",
                    type(None): "null",
                }.get(k, k.__name__)
                for k in kinds
            )
            raise self.fail(where, f"expected {names}, got {json.dumps(value)[:60]}")
        return value

    def number(self, obj: Any, key: str, where: str, optional: bool = False) -> float | None:
        kinds: tuple[type, ...] = (int, float, type(None)) if optional else (int, float)
        value = self.get(obj, key, where, kinds)
        return None if value is None else float(value)

    def interval(self, obj: Any, key: str, where: str) -> tuple[float, float]:
        here = f"{where}.{key}"
        value = self.get(obj, key, where, list)
        if len(value) != 2:
            raise self.fail(here, f"expected [low, high], got {json.dumps(value)[:60]}")
        lo, hi = (float(self.check(v, f"{here}[{i}]", (int, float))) for i, v in enumerate(value))
        return lo, hi


def _read_json(path: Path, what: str) -> Any:
    if not path.is_file():
        raise InputError(f"no such file ({what})", file=str(path))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read it: {exc}", file=str(path)) from None
    except ValueError as exc:
        raise InputError(f"not valid JSON: {exc}", file=str(path)) from None


@dataclass
class PlacementDoc:
    """A checked placement study file (``airguard optimize --out FILE``)."""

    path: Path
    data: dict[str, Any]


PLACEMENT_HINT = "expected the JSON of airguard optimize --out FILE, airguard 0.x or later"


def load_placement(path: str | Path) -> PlacementDoc:
    """Read and check a placement study file.

    Raises
    ------
    InputError
        Naming the file and the field that is missing or malformed.
    """
    p = Path(path)
    data = _read_json(p, "a placement study: airguard optimize ... --out FILE")
    c = _Checker(p, "written by airguard optimize --out; run it again if it is older")
    c.check(data, "", dict)
    c.get(data, "scenario", "", str)
    for i, a in enumerate(c.get(data, "assets", "", list)):
        w = f"assets[{i}]"
        c.get(a, "name", w, str)
        for k in ("lat_deg", "lon_deg", "radius_m", "value"):
            c.number(a, k, w)
    for i, r in enumerate(c.get(data, "raids", "", list)):
        w = f"raids[{i}]"
        for k in ("name", "threat", "threat_class", "target"):
            c.get(r, k, w, str)
        c.number(r, "count", w)
        axis = c.get(r, "axis", w, list)
        for j, pt in enumerate(axis):
            c.check(pt, f"{w}.axis[{j}]", list)
            if len(pt) != 2:
                raise c.fail(f"{w}.axis[{j}]", "expected [lon, lat]")
            for v in pt:
                c.check(v, f"{w}.axis[{j}]", (int, float))
    c.get(data, "budget_usd", "", (int, float, type(None)))
    studies = c.get(data, "studies", "", list)
    if not studies:
        raise c.fail("studies", "expected at least one study")
    for i, st in enumerate(studies):
        w = f"studies[{i}]"
        c.get(st, "system", w, str)
        c.number(st, "units", w)
        for k in ("unit_cost_usd", "load_cost_usd", "total_cost_usd"):
            c.number(st, k, w)
        c.get(st, "notes", w, list)
        for j, cand in enumerate(c.get(st, "candidates", w, list)):
            cw = f"{w}.candidates[{j}]"
            c.get(cand, "name", cw, str)
            c.number(cand, "lat_deg", cw)
            c.number(cand, "lon_deg", cw)
        confs = [
            (f"{w}.placements[{j}]", x) for j, x in enumerate(c.get(st, "placements", w, list))
        ]
        given = c.get(st, "given", w, (dict, type(None)))
        if given is not None:
            confs.append((f"{w}.given", given))
        for cw, conf in confs:
            c.get(conf, "label", cw, str)
            c.get(conf, "sites", cw, list)
            c.number(conf, "replications", cw)
            c.number(conf, "screening_value_surviving", cw, optional=True)
            c.number(conf, "value_surviving", cw)
            c.interval(conf, "value_ci95", cw)
            for n, a in enumerate(c.get(conf, "assets", cw, list)):
                aw = f"{cw}.assets[{n}]"
                c.get(a, "name", aw, str)
                c.number(a, "p_undamaged", aw)
                c.interval(a, "ci95", aw)
            for n, u in enumerate(c.get(conf, "units", cw, list)):
                uw = f"{cw}.units[{n}]"
                c.get(u, "name", uw, str)
                c.get(u, "system", uw, str)
                c.number(u, "lat_deg", uw)
                c.number(u, "lon_deg", uw)
                c.number(u, "heading_deg", uw, optional=True)
                c.number(u, "sector_deg", uw)
    return PlacementDoc(p, data)


@dataclass
class ExposureStudy:
    """A checked exposure study: ``exposure.json`` and, when beside it, ``exposure.geojson``."""

    path: Path
    data: dict[str, Any]
    geojson: dict[str, Any] | None
    geojson_path: Path | None
    notes: list[str] = field(default_factory=list)


def load_exposure(path: str | Path) -> ExposureStudy:
    """Read and check an exposure study: a directory written by ``airguard exposure --out``
    or its ``exposure.json`` (the map needs ``exposure.geojson`` beside it).

    Raises
    ------
    InputError
        Naming the file and the field that is missing or malformed.
    """
    p = Path(path)
    json_path = p / "exposure.json" if p.is_dir() else p
    data = _read_json(json_path, "an exposure study: airguard exposure FILE --out DIR")
    c = _Checker(json_path, "written by airguard exposure --out; run it again if it is older")
    c.check(data, "", dict)
    c.get(data, "scenario", "", str)
    c.number(data, "pd_min", "")
    c.number(data, "step_s", "")
    levels = c.get(data, "rcs_levels", "", list)
    for i, lv in enumerate(levels):
        c.check(lv, f"rcs_levels[{i}]", str)
    for i, r in enumerate(c.get(data, "radars", "", list)):
        w = f"radars[{i}]"
        c.get(r, "name", w, str)
        c.number(r, "lat_deg", w)
        c.number(r, "lon_deg", w)
        c.number(r, "scan_period_s", w)
    for i, f in enumerate(c.get(data, "flights", "", list)):
        w = f"flights[{i}]"
        c.get(f, "name", w, str)
        c.get(f, "aircraft", w, str)
        c.get(f, "rcs_m2", w, dict)
        if "rcs_aspect" in f:
            c.get(f, "rcs_aspect", w, (dict, type(None)))
        if "side" in f:
            c.get(f, "side", w, str)
    for i, row in enumerate(c.get(data, "results", "", list)):
        w = f"results[{i}]"
        for k in ("flight", "radar", "rcs_level"):
            c.get(row, k, w, str)
        for k in (
            "rcs_m2",
            "view_s",
            "exposed_s",
            "looks_in_view",
            "looks",
            "expected_detections",
            "closest_range_m",
            "closest_time_s",
        ):
            c.number(row, k, w)
        for k in ("snr_db_p10", "snr_db_p50", "snr_db_p90", "first_exposed_s", "last_exposed_s"):
            c.number(row, k, w, optional=True)
    for i, row in enumerate(c.get(data, "reach", "", list) if "reach" in data else []):
        w = f"reach[{i}]"
        for k in ("flight", "unit", "rcs_level"):
            c.get(row, k, w, str)
        for k in ("reach_s", "detected_s", "engageable_s"):
            c.number(row, k, w)
        for k in ("first_engageable_s", "last_engageable_s"):
            c.number(row, k, w, optional=True)
    geo_path = json_path.with_name("exposure.geojson")
    geojson = None
    notes = []
    if geo_path.is_file():
        g = _read_json(geo_path, "the exposure map")
        gc = _Checker(geo_path, "RFC 7946 GeoJSON written by airguard exposure --out")
        gc.check(g, "", dict)
        if g.get("type") != "FeatureCollection":
            raise gc.fail("type", f"expected FeatureCollection, got {json.dumps(g.get('type'))}")
        for i, feat in enumerate(gc.get(g, "features", "", list)):
            w = f"features[{i}]"
            geom = gc.get(feat, "geometry", w, dict)
            props = gc.get(feat, "properties", w, dict)
            kind = gc.get(props, "kind", f"{w}.properties", str)
            gtype = gc.get(geom, "type", f"{w}.geometry", str)
            coords = gc.get(geom, "coordinates", f"{w}.geometry", list)
            want = {"route": "LineString", "radar": "Point"}.get(kind)
            if want is not None and gtype != want:
                raise gc.fail(f"{w}.geometry.type", f"expected {want} for a {kind}, got {gtype}")
            if kind == "route":
                gc.get(props, "flight", f"{w}.properties", str)
                gc.get(props, "exposed", f"{w}.properties", bool)
                for j, pt in enumerate(coords):
                    gc.check(pt, f"{w}.geometry.coordinates[{j}]", list)
                    if len(pt) < 2:
                        raise gc.fail(f"{w}.geometry.coordinates[{j}]", "expected [lon, lat]")
        geojson = g
    else:
        notes.append(f"no exposure map: {geo_path} not found")
    return ExposureStudy(json_path, data, geojson, geo_path if geojson is not None else None, notes)


def find_studies(paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Placement and exposure studies stored inside the given run directories:
    ``RUN/placement.json`` and ``RUN/exposure/exposure.json``."""
    placement: list[Path] = []
    exposure: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        for c, out in ((p / "placement.json", placement), (p / "exposure", exposure)):
            hit = c if c.is_file() else c if (c / "exposure.json").is_file() else None
            if hit is not None and hit.resolve() not in seen:
                seen.add(hit.resolve())
                out.append(hit)
    return placement, exposure


# ---------------------------------------------------------------- map scenes


def _box(
    lons: Sequence[float], lats: Sequence[float], margin: float = 0.1, aspect: float = 2.0
) -> list[float]:
    """(lon_min, lat_min, lon_max, lat_max) around the points with a `margin` (fraction of
    the extent, at least half a degree), widened to at least `aspect` (width / height, in
    kilometres) so that the region fills the report's wide map frames."""
    lon0, lon1, lat0, lat1 = min(lons), max(lons), min(lats), max(lats)
    pad_lon = max((lon1 - lon0) * margin, 0.5)
    pad_lat = max((lat1 - lat0) * margin, 0.5)
    coslat = max(math.cos(math.radians(0.5 * (lat0 + lat1))), 0.05)
    width = (lon1 - lon0 + 2 * pad_lon) * coslat
    height = lat1 - lat0 + 2 * pad_lat
    if width < aspect * height:
        pad_lon += 0.5 * (aspect * height - width) / coslat
    return [
        max(lon0 - pad_lon, -180.0),
        max(lat0 - pad_lat, -90.0),
        min(lon1 + pad_lon, 180.0),
        min(lat1 + pad_lat, 90.0),
    ]


def _base_scene(title: str, box: list[float], assets: list[dict[str, Any]]) -> dict[str, Any]:
    from airguard.scene import map_box
    from airguard.scene.borders import region_map

    b = (box[0], box[1], box[2], box[3])
    return {
        "scenario": title,
        "box": box,
        "map": region_map(map_box(b)).to_json(),
        "assets": assets,
        "units": [],
        "sensors": [],
        "raids": [],
        "flights": [],
        "coverage": None,
        "warnings": [],
    }


def _unit(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": u["name"],
        "system": u["system"],
        "lat": u["lat_deg"],
        "lon": u["lon_deg"],
        "heading_deg": u.get("heading_deg"),
        "sector_deg": u.get("sector_deg", 360.0),
    }


def placement_scene(doc: PlacementDoc) -> dict[str, Any]:
    """The placement map's JSON (for ``map.js`` and ``report.js``'s ``drawPlacement``)."""
    d = doc.data
    assets = [
        {
            "name": a["name"],
            "lat": a["lat_deg"],
            "lon": a["lon_deg"],
            "radius_m": a["radius_m"],
            "value": a["value"],
        }
        for a in d["assets"]
    ]
    candidates: dict[tuple[str, float, float], dict[str, Any]] = {}
    options = []
    given = None
    for st in d["studies"]:
        for cand in st["candidates"]:
            key = (cand["name"], cand["lat_deg"], cand["lon_deg"])
            candidates.setdefault(
                key, {"name": cand["name"], "lat": cand["lat_deg"], "lon": cand["lon_deg"]}
            )
        for j, conf in enumerate(st["placements"]):
            options.append(
                {
                    "id": f"{st['system']}-{j}",
                    "label": f"{st['system']} ×{st['units']}: {conf['label']} — "
                    f"{conf['value_surviving']:.3f}",
                    "system": st["system"],
                    "units": [_unit(u) for u in conf["units"]],
                }
            )
        if given is None and st.get("given") is not None:
            given = {
                "label": st["given"]["label"],
                "units": [_unit(u) for u in st["given"]["units"]],
            }
    lons = [a["lon"] for a in assets] + [c["lon"] for c in candidates.values()]
    lats = [a["lat"] for a in assets] + [c["lat"] for c in candidates.values()]
    for o in [*options, *([given] if given else [])]:
        lons += [u["lon"] for u in o["units"]]
        lats += [u["lat"] for u in o["units"]]
    raids = []
    for r in d["raids"]:
        axis = r["axis"]
        lons += [p[0] for p in axis]
        lats += [p[1] for p in axis]
        raids.append(
            {
                "name": r["name"],
                "threat": r["threat"],
                "threat_class": r["threat_class"],
                "count": r["count"],
                "target": r["target"],
                "launch": {"lat": axis[0][1], "lon": axis[0][0], "radius_m": 0.0},
                "window_s": [None, None],
                "axis": axis,
            }
        )
    if not lons:
        raise InputError("nothing to map: no assets, sites or raids", file=str(doc.path))
    scene = _base_scene(d["scenario"], _box(lons, lats), assets)
    scene["raids"] = raids
    scene["placement"] = {
        "candidates": list(candidates.values()),
        "given": given,
        "options": options,
    }
    return scene


def _decimate(coords: list[list[float]], keep: int) -> list[list[float]]:
    if len(coords) <= keep:
        return [[round(c[0], 4), round(c[1], 4)] for c in coords]
    step = (len(coords) - 1) / (keep - 1)
    idx = sorted({round(i * step) for i in range(keep)} | {len(coords) - 1})
    return [[round(coords[i][0], 4), round(coords[i][1], 4)] for i in idx]


def exposure_scene(study: ExposureStudy) -> dict[str, Any] | None:
    """The exposure map's JSON (``report.js``'s ``drawExposure``), or None without GeoJSON."""
    if study.geojson is None:
        return None
    d = study.data
    feats = study.geojson["features"]
    routes = [f for f in feats if f["properties"]["kind"] == "route"]
    per_flight: dict[str, int] = {}
    for f in routes:
        name = f["properties"]["flight"]
        per_flight[name] = per_flight.get(name, 0) + len(f["geometry"]["coordinates"])
    out_routes = []
    lons: list[float] = []
    lats: list[float] = []
    starts: dict[str, list[float]] = {}
    sides = _sides(d)
    for f in routes:
        p = f["properties"]
        coords = f["geometry"]["coordinates"]
        total = per_flight[p["flight"]]
        keep = max(2, math.ceil(len(coords) * MAX_ROUTE_POINTS / max(total, 1)))
        pts = _decimate(coords, keep)
        starts.setdefault(p["flight"], pts[0])
        lons += [c[0] for c in pts]
        lats += [c[1] for c in pts]
        out_routes.append(
            {
                "flight": p["flight"],
                "exposed": bool(p["exposed"]),
                "radars": p.get("radars") or [],
                "radar": p.get("radar"),
                "snr_db": p.get("snr_db"),
                "t_start_s": p.get("t_start_s"),
                "t_end_s": p.get("t_end_s"),
                "coords": pts,
            }
            # a hostile flight's route is marked (a friendly one's entry is as it was)
            | ({"side": "hostile"} if sides.get(p["flight"]) == "hostile" else {})
        )
    radars = [{"name": r["name"], "lat": r["lat_deg"], "lon": r["lon_deg"]} for r in d["radars"]]
    lons += [r["lon"] for r in radars]
    lats += [r["lat"] for r in radars]
    if not lons:
        return None
    level = next((f["properties"].get("rcs_level") for f in routes), None) or "nominal"
    scene = _base_scene(d["scenario"], _box(lons, lats), [])
    scene["exposure"] = {
        "level": level,
        "pd_min": d["pd_min"],
        "routes": out_routes,
        "radars": radars,
        "flights": [
            {"name": k, "lon": v[0], "lat": v[1]}
            | ({"side": "hostile"} if sides.get(k) == "hostile" else {})
            for k, v in starts.items()
        ],
    }
    return scene


# ---------------------------------------------------------------- HTML


def _ci(x: float, ci: Sequence[float], digits: int = 3) -> str:
    return f'{x:.{digits}f} <span class="ci">[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]</span>'


def _f(x: float | None, fmt: str) -> str:
    return "—" if x is None else format(x, fmt)


def _placement_table(st: dict[str, Any], i: str) -> str:
    rows = list(st["placements"]) + ([st["given"]] if st.get("given") is not None else [])
    asset_names: list[str] = []
    for c in rows:
        asset_names += [a["name"] for a in c["assets"] if a["name"] not in asset_names]
    head = (
        '<th>placement</th><th class="l">sites (heading)</th><th>screening</th>'
        "<th>Monte Carlo: value surviving (95 % CI)</th>"
        + "".join(f"<th>P({esc(a)} undamaged)</th>" for a in asset_names)
    )
    best = max((c["value_surviving"] for c in st["placements"]), default=None)
    body = []
    for c in rows:
        assets = {a["name"]: a for a in c["assets"]}
        cells = "".join(
            f"<td>{_ci(assets[a]['p_undamaged'], assets[a]['ci95'], 2)}</td>"
            if a in assets
            else "<td>—</td>"
            for a in asset_names
        )
        kind = "given" if c is st.get("given") else "optimised"
        mark = ' class="best"' if kind == "optimised" and c["value_surviving"] == best else ""
        body.append(
            f'<tr data-placement="{esc(kind)}"{mark}><td>{esc(c["label"])}</td>'
            f'<td class="l">{"<br>".join(esc(s) for s in c["sites"])}</td>'
            f"<td>{_f(c['screening_value_surviving'], '.3f')}</td>"
            f"<td>{_ci(c['value_surviving'], c['value_ci95'])}</td>{cells}</tr>"
        )
    reps = rows[0]["replications"] if rows else 0
    notes = "".join(f'<p class="warning">{esc(n)}</p>' for n in st["notes"])
    title = (
        f"{st['system']}: {st['units']} unit(s), {st.get('options', '?')} options "
        f"(unit + initial load {st['unit_cost_usd'] / 1e6:,.0f} + {st['load_cost_usd'] / 1e6:,.0f}"
        f" M USD each; total {st['total_cost_usd'] / 1e9:,.2f} bn USD)"
    )
    return (
        f"<h3>{esc(title)}</h3>{notes}"
        f'<table class="figures placement-table" id="placement-table-{i}" '
        f'data-system="{esc(st["system"])}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="note">{int(reps)} replications each, the same seed for every row (common '
        "random numbers). Value surviving: value-weighted fraction of the assets undamaged, mean "
        "over replications with its 95 % CLT interval; P(undamaged) with the 95 % Wilson interval; "
        "screening: the optimiser's coverage-based figure, which ranks placements but does not "
        "predict outcomes (docs/placement.md).</p>"
    )


def _budget_table(d: dict[str, Any]) -> str:
    rows = []
    for st in d["studies"]:
        best = max(st["placements"], key=lambda c: c["value_surviving"], default=None)
        rows.append(
            f'<tr data-system="{esc(st["system"])}"><td>{esc(st["system"])}</td>'
            f"<td>{int(st['units'])}</td>"
            f"<td>{(st['unit_cost_usd'] + st['load_cost_usd']) / 1e6:,.0f} M</td>"
            f"<td>{st['total_cost_usd'] / 1e9:,.2f} bn</td>"
            + (
                f"<td>{_ci(best['value_surviving'], best['value_ci95'])}</td>"
                f"<td>{_f(best['screening_value_surviving'], '.3f')}</td>"
                f'<td class="l">{"<br>".join(esc(s) for s in best["sites"])}</td>'
                if best is not None
                else '<td colspan="3">' + esc("; ".join(st["notes"]) or "no placement") + "</td>"
            )
            + "</tr>"
        )
    return (
        f"<h3>Budget comparison: {d['budget_usd'] / 1e9:,.2f} bn USD</h3>"
        '<table class="figures" id="budget-table"><thead><tr><th>system</th><th>units bought</th>'
        "<th>unit + load (USD)</th><th>spent (USD)</th><th>best placement: value surviving "
        "(95 % CI)</th><th>screening</th><th>sites</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<p class="note">Each system is bought alone with the budget (units = floor(budget / '
        "(unit + initial load cost)), catalogue nominal costs) and placed over the same candidate "
        "sites; integration, sustainment and politics are not in the catalogue.</p>"
    )


def placement_block(doc: PlacementDoc, j: int) -> tuple[str, str]:
    """(section HTML, map data script) of one placement study file."""

    d = doc.data
    tables = "".join(_placement_table(st, f"{j}-{i}") for i, st in enumerate(d["studies"]))
    budget = _budget_table(d) if d.get("budget_usd") is not None else ""
    scene = placement_scene(doc)
    head = (
        f'<p class="note">{esc(d["scenario"])}'
        + (f" (variant {esc(d['variant'])})" if d.get("variant") else "")
        + f"; from <code>{esc(doc.path)}</code>.</p>"
    )
    fig = (
        f'<figure class="study-map"><figcaption>{esc(d["scenario"])}: candidate, given and '
        f'optimised sites</figcaption><div class="map-holder" data-scene="placement-scene-{j}" '
        f'id="placement-map-{j}"></div></figure>'
        '<p class="note">Grey circles: candidate sites. Hollow triangles: the scenario\'s given '
        "sites; filled: the placement chosen in the map's corner. The tick on each site is its "
        "sector heading, the shaded wedge its widest radar sector (none: all round). Red squares: "
        "defended assets with damage radii; dashed arrows: threat axes.</p>"
    )
    return head + budget + tables + fig, json_script(f"placement-scene-{j}", scene)


def _sides(d: dict[str, Any]) -> dict[str, str]:
    """Each flight's side (a study written before hostile flights has none: friendly)."""
    return {f["name"]: f.get("side", "friendly") for f in d["flights"]}


def _exposure_table(d: dict[str, Any], j: int, side: str = "friendly") -> str:
    levels = list(d["rcs_levels"])
    sides = _sides(d)
    groups: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for row in d["results"]:
        if sides.get(row["flight"], "friendly") != side:
            continue
        groups.setdefault((row["flight"], row["radar"]), {})[row["rcs_level"]] = row
    body = []
    for (flight, radar), by_level in groups.items():
        present = [lv for lv in levels if lv in by_level] or list(by_level)
        first = by_level[present[0]]
        span = len(present)
        for k, lv in enumerate(present):
            r = by_level[lv]
            snr = "/".join(_f(r[x], ".0f") for x in ("snr_db_p10", "snr_db_p50", "snr_db_p90"))
            exposed = (
                "—"
                if r["first_exposed_s"] is None
                else f"{r['first_exposed_s']:.0f}–{r['last_exposed_s']:.0f}"
            )
            lead = (
                f'<td rowspan="{span}">{esc(flight)}</td>'
                f'<td class="l" rowspan="{span}">{esc(radar)}</td>'
                if k == 0
                else ""
            )
            tail = (
                f'<td rowspan="{span}">{first["closest_range_m"] / 1000:.1f} km @ '
                f"{first['closest_time_s']:.0f} s</td>"
                if k == 0
                else ""
            )
            body.append(
                f'<tr data-flight="{esc(flight)}" data-radar="{esc(radar)}" '
                f'data-level="{esc(lv)}">{lead}<td class="l nowrap">{esc(lv)} {r["rcs_m2"]:g} m²</td>'
                f"<td>{r['view_s'] / 60:.1f}</td><td>{r['exposed_s'] / 60:.1f}</td>"
                f"<td>{r['looks_in_view']:.0f}</td><td>{r['looks']:.0f}</td>"
                f"<td>{r['expected_detections']:.1f}</td><td>{snr}</td><td>{exposed}</td>{tail}</tr>"
            )
    table_id = f"exposure-table-{j}" if side == "friendly" else f"exposure-{side}-table-{j}"
    return (
        f'<table class="figures exposure-table" id="{table_id}" data-side="{side}"><thead><tr>'
        '<th>flight</th><th class="l">radar</th><th class="l">RCS (frontal)</th>'
        "<th>in view (min)</th>"
        f"<th>exposed (min)</th><th>looks in view</th><th>looks exposed</th>"
        "<th>expected detections</th><th>SNR dB p10/p50/p90</th><th>exposed from–to (s)</th>"
        "<th>closest approach</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _reach_table(d: dict[str, Any], j: int) -> str:
    """Hostile flights against each unit that can fire at them (``exposure.json``'s ``reach``)."""
    body = []
    for r in d.get("reach", []):
        span = (
            "—"
            if r["first_engageable_s"] is None
            else f"{r['first_engageable_s']:.0f}–{r['last_engageable_s']:.0f}"
        )
        body.append(
            f'<tr data-flight="{esc(r["flight"])}" data-unit="{esc(r["unit"])}" '
            f'data-level="{esc(r["rcs_level"])}"><td>{esc(r["flight"])}</td>'
            f'<td class="l">{esc(r["unit"])}</td><td class="l">{esc(r["rcs_level"])}</td>'
            f"<td>{r['reach_s'] / 60:.1f}</td><td>{r['detected_s'] / 60:.1f}</td>"
            f"<td>{r['engageable_s'] / 60:.1f}</td><td>{span}</td></tr>"
        )
    return (
        f'<table class="figures exposure-reach-table" id="exposure-reach-table-{j}"><thead><tr>'
        '<th>hostile flight</th><th class="l">unit</th><th class="l">RCS</th>'
        "<th>in reach (min)</th><th>detected (min)</th><th>engageable (min)</th>"
        "<th>engageable from–to (s)</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _exposure_tables(d: dict[str, Any], j: int) -> str:
    """The friendly flights' table alone (as before hostile flights existed), or, with
    hostile flights, each side's under its own heading and the hostile flights' reach."""
    sides = set(_sides(d).values())
    if "hostile" not in sides:
        return _exposure_table(d, j)
    out = ""
    if "friendly" in sides:
        out += "<h4>Friendly flights</h4>" + _exposure_table(d, j)
    out += "<h4>Hostile flights</h4>" + _exposure_table(d, j, "hostile")
    if d.get("reach"):
        out += (
            '<p class="note">Hostile flights in the defence\'s reach, per unit that can fire at '
            "them: in reach = inside one of its interceptors' reach for aircraft (catalogue "
            "limits, the reach table within the interceptor's flight time: the coverage map's "
            "engagement test); detected = exposed to a radar of the unit's picture (its own and "
            "its network's); engageable = both at once. Where an engagement is possible, not "
            "what the engine's fire control does.</p>" + _reach_table(d, j)
        )
    return out


def exposure_block(study: ExposureStudy, j: int) -> tuple[str, str]:
    """(section HTML, map data script or "") of one exposure study."""

    d = study.data

    def provenance(table: dict[str, Any]) -> str:
        if table.get("notional"):
            return f"notional: {table['notional']}"
        return f"source {table.get('source')}"

    by_aircraft: dict[str, list[dict[str, Any]]] = {}
    for f in d["flights"]:
        if f.get("rcs_aspect"):
            by_aircraft.setdefault(f["aircraft"], []).append(f)
    aspect = [
        f"{ac} ({', '.join(f['name'] for f in fl)}): RCS = frontal figure × the catalogue's "
        f"aspect factor ({provenance(fl[0]['rcs_aspect'])})"
        for ac, fl in by_aircraft.items()
    ]
    scalar = [f["name"] for f in d["flights"] if not f.get("rcs_aspect")]
    rcs_note = (" ".join(a + "." for a in aspect)) + (
        f" {', '.join(scalar)}: the scalar frontal RCS at every aspect." if scalar else ""
    )
    head = (
        f'<p class="note">{esc(d["scenario"])}; from <code>{esc(study.path)}</code>. Exposed: '
        f"in view of the radar (range, 4/3-Earth horizon, elevation limits, sector, terrain) with "
        f"a single-look P_D ≥ {d['pd_min']:g}. Looks: time / scan period; expected detections: "
        f"Σ P_D × step / scan period over the time in view. SNR percentiles over the time in "
        f"view. Sampled every {d['step_s']:g} s. {esc(rcs_note.strip())}</p>"
    )
    scene = exposure_scene(study)
    notes = "".join(f'<p class="warning">{esc(n)}</p>' for n in study.notes)
    if scene is None:
        return head + _exposure_tables(d, j) + notes, ""
    fig = (
        f'<figure class="study-map"><figcaption>{esc(d["scenario"])}: routes, red where exposed '
        f"(RCS {esc(scene['exposure']['level'])})</figcaption>"
        f'<div class="map-holder" data-scene="exposure-scene-{j}" id="exposure-map-{j}"></div>'
        "</figure>"
    )
    return head + _exposure_tables(d, j) + notes + fig, json_script(f"exposure-scene-{j}", scene)
