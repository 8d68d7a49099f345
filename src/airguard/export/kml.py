"""A replication as KML 2.2, for Google Earth.

OGC KML 2.2 (OGC 07-147r2) with Google's extension namespace for tracks
(https://developers.google.com/kml/documentation/kmlreference#gxtrack): a ``Document``
with one ``Folder`` each for assets, units and sensors (``Point`` placemarks), threats and
interceptors (``gx:Track``: one ``when`` per ``gx:coord``, "lon lat alt", altitude
absolute, i.e. above the WGS84 ellipsoid as airguard computes it — Google Earth reads it
as above sea level, a difference of the geoid height, tens of metres), and events
(``Point`` placemarks with a ``TimeStamp``).  Colours are KML's ``aabbggrr``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from airguard.export.czml import iso

__all__ = ["GX_NS", "KML_NS", "to_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"

_CLASS_KML = {
    "ballistic": "ff2828c6",
    "cruise": "ff006cef",
    "drone": "ff9a1b6a",
    "aircraft": "ff8f8300",
}


def _sub(parent: ET.Element, tag: str, text: str | None = None, ns: str = KML_NS) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ns}}}{tag}")
    if text is not None:
        node.text = text
    return node


def _style(doc: ET.Element, sid: str, colour: str, scale: float, width: float) -> None:
    style = _sub(doc, "Style")
    style.set("id", sid)
    icon = _sub(style, "IconStyle")
    _sub(icon, "color", colour)
    _sub(icon, "scale", f"{scale:g}")
    line = _sub(style, "LineStyle")
    _sub(line, "color", colour)
    _sub(line, "width", f"{width:g}")


def _description(rows: list[tuple[str, Any]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in rows if v is not None)


def _point(
    folder: ET.Element, name: str, lon: float, lat: float, alt: float, style: str, description: str
) -> ET.Element:
    pm = _sub(folder, "Placemark")
    _sub(pm, "name", name)
    _sub(pm, "description", description)
    _sub(pm, "styleUrl", f"#{style}")
    pt = _sub(pm, "Point")
    _sub(pt, "altitudeMode", "absolute" if alt > 0 else "clampToGround")
    _sub(pt, "coordinates", f"{lon:.6f},{lat:.6f},{alt:.1f}")
    return pm


def _track(
    folder: ET.Element,
    name: str,
    track: dict[str, list[float]],
    style: str,
    description: str,
    epoch: datetime,
) -> None:
    pm = _sub(folder, "Placemark")
    _sub(pm, "name", name)
    _sub(pm, "description", description)
    _sub(pm, "styleUrl", f"#{style}")
    span = _sub(pm, "TimeSpan")
    _sub(span, "begin", iso(epoch, track["t"][0]))
    _sub(span, "end", iso(epoch, track["t"][-1]))
    trk = _sub(pm, "Track", ns=GX_NS)
    _sub(trk, "altitudeMode", "absolute")
    for t in track["t"]:
        _sub(trk, "when", iso(epoch, t))
    for lat, lon, alt in zip(track["lat"], track["lon"], track["alt"], strict=True):
        _sub(trk, "coord", f"{lon:.6f} {lat:.6f} {alt:.1f}", ns=GX_NS)


def to_kml(scene: dict[str, Any], playback: dict[str, Any], epoch: datetime) -> str:
    """The KML document of one replication (see the module docstring)."""
    ET.register_namespace("", KML_NS)
    ET.register_namespace("gx", GX_NS)
    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = _sub(root, "Document")
    _sub(
        doc,
        "name",
        f"{playback['scenario']} [{playback.get('variant') or '-'}] replication {playback['replication']}",
    )
    _sub(
        doc, "description", "airguard replication playback. " + "; ".join(playback.get("notes", []))
    )
    for cls, colour in _CLASS_KML.items():
        _style(doc, f"threat-{cls}", colour, 0.8, 2)
    _style(doc, "interceptor", "ffc06515", 0.5, 1)
    _style(doc, "asset", "ff1c1cb7", 1.0, 1)
    _style(doc, "unit", "ffc06515", 1.0, 1)
    _style(doc, "sensor", "ff4f4737", 1.0, 1)
    _style(doc, "kill", "ff327d2e", 0.8, 1)
    _style(doc, "impact", "ff1c1cb7", 1.0, 1)

    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Assets")
    for a in scene["assets"]:
        _point(
            folder,
            a["name"],
            a["lon"],
            a["lat"],
            a["alt_m"],
            "asset",
            _description([("value", a["value"]), ("damage radius (m)", a["radius_m"])]),
        )
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Units")
    for u in scene["units"]:
        _point(
            folder,
            u["name"],
            u["lon"],
            u["lat"],
            u["alt_m"],
            "unit",
            _description(
                [
                    ("system", u["system_name"]),
                    ("network", u["network"]),
                    ("interceptors", ", ".join(u["interceptors"])),
                ]
            ),
        )
    if scene["sensors"]:
        folder = _sub(doc, "Folder")
        _sub(folder, "name", "Sensors")
        for s in scene["sensors"]:
            _point(
                folder,
                s["name"],
                s["lon"],
                s["lat"],
                s["alt_m"],
                "sensor",
                _description([("system", s["system_name"]), ("network", s["network"])]),
            )
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Threats")
    for th in playback["threats"]:
        track = th.get("track")
        if not track or len(track["t"]) < 2:
            continue
        cls = "aircraft" if th["friendly"] else th["class"]
        _track(
            folder,
            f"threat {th['id']} {th['type']}",
            track,
            f"threat-{cls}" if cls in _CLASS_KML else "threat-ballistic",
            _description(
                [
                    ("raid", th["raid"]),
                    ("target", th["target"]),
                    ("fate", th["fate"]),
                    ("asset hit", th["asset_hit"]),
                    ("killed by interceptor", th["killed_by"]),
                ]
            ),
            epoch,
        )
    folder = _sub(doc, "Folder")
    approximate = any(m["approximate"] for m in playback["interceptors"])
    _sub(folder, "name", "Interceptors (approximate paths)" if approximate else "Interceptors")
    for m in playback["interceptors"]:
        if len(m["track"]["t"]) < 2:
            continue
        _track(
            folder,
            f"interceptor {m['id']} {m['type']}",
            m["track"],
            "interceptor",
            _description(
                [
                    ("unit", m["unit"]),
                    ("target threat", m["target"]),
                    ("outcome", m["outcome"]),
                    ("miss distance (m)", m["miss_m"]),
                ]
            ),
            epoch,
        )
    folder = _sub(doc, "Folder")
    _sub(folder, "name", "Events")
    for ev in playback["events"]["intercepts"]:
        pm = _point(
            folder,
            f"{ev['outcome']}: interceptor {ev['interceptor']} on threat {ev['threat']}",
            ev["lon"],
            ev["lat"],
            ev["alt"],
            "kill",
            f"t = {ev['t']} s",
        )
        stamp = _sub(pm, "TimeStamp")
        _sub(stamp, "when", iso(epoch, ev["t"]))
    for ev in playback["events"]["impacts"]:
        pm = _point(
            folder,
            f"impact of threat {ev['threat']}" + (f" on {ev['asset']}" if ev["asset"] else ""),
            ev["lon"],
            ev["lat"],
            0.0,
            "impact",
            f"t = {ev['t']} s",
        )
        stamp = _sub(pm, "TimeStamp")
        _sub(stamp, "when", iso(epoch, ev["t"]))
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
