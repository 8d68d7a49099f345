"""A replication as CZML, for CesiumJS.

CZML is a JSON array of packets (CZML Guide and Packet reference,
https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide,
https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/Packet): the first packet has
``"id": "document"`` and the CZML ``"version"`` ("1.0") and sets the clock; each other
packet is an entity.  Moving entities (threats, interceptors) carry a ``position`` with an
``epoch`` and time-tagged ``cartographicDegrees`` samples ``[t, lon, lat, height, ...]``
(seconds after the epoch; degrees; metres above the WGS84 ellipsoid) and an
``availability`` interval; events (intercepts, impacts) appear from their time on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

__all__ = ["CZML_VERSION", "iso", "to_czml"]

CZML_VERSION = "1.0"

_CLASS_RGBA = {
    "ballistic": [198, 40, 40, 255],
    "cruise": [239, 108, 0, 255],
    "drone": [106, 27, 154, 255],
    "aircraft": [0, 131, 143, 255],
}
_INTERCEPTOR_RGBA = [21, 101, 192, 255]


def iso(epoch: datetime, t_s: float) -> str:
    """ISO 8601 UTC time of `t_s` seconds after `epoch` (millisecond precision)."""
    when = epoch + timedelta(seconds=float(t_s))
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _html_table(rows: list[tuple[str, Any]]) -> str:
    from html import escape

    cells = "".join(
        f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>"
        for k, v in rows
        if v is not None
    )
    return f"<table>{cells}</table>"


def _samples(track: dict[str, list[float]]) -> list[float]:
    out: list[float] = []
    for t, lat, lon, alt in zip(track["t"], track["lat"], track["lon"], track["alt"], strict=True):
        out += [round(t, 3), lon, lat, alt]
    return out


def _static(
    kind: str, obj: dict[str, Any], rgba: list[int], description: list[tuple[str, Any]]
) -> dict[str, Any]:
    return {
        "id": f"{kind}/{obj['name']}",
        "name": obj["name"],
        "description": _html_table(description),
        "position": {"cartographicDegrees": [obj["lon"], obj["lat"], obj.get("alt_m", 0.0)]},
        "point": {
            "pixelSize": 9,
            "color": {"rgba": rgba},
            "outlineColor": {"rgba": [255, 255, 255, 255]},
            "outlineWidth": 1,
        },
        "label": {
            "text": obj["name"],
            "font": "12px sans-serif",
            "pixelOffset": {"cartesian2": [10, 0]},
            "horizontalOrigin": "LEFT",
            "fillColor": {"rgba": [255, 255, 255, 255]},
            "outlineColor": {"rgba": [0, 0, 0, 255]},
            "outlineWidth": 2,
            "style": "FILL_AND_OUTLINE",
        },
    }


def to_czml(
    scene: dict[str, Any], playback: dict[str, Any], epoch: datetime
) -> list[dict[str, Any]]:
    """The CZML packets of one replication (see the module docstring)."""
    start, end = float(playback["start_s"]), float(playback["end_s"])
    doc = {
        "id": "document",
        "name": f"{playback['scenario']} [{playback.get('variant') or '-'}] replication {playback['replication']}",
        "version": CZML_VERSION,
        "clock": {
            "interval": f"{iso(epoch, start)}/{iso(epoch, end)}",
            "currentTime": iso(epoch, start),
            "multiplier": 10,
            "range": "LOOP_STOP",
            "step": "SYSTEM_CLOCK_MULTIPLIER",
        },
    }
    packets: list[dict[str, Any]] = [doc, *_site_packets(scene)]
    for th in playback["threats"]:
        track = th.get("track")
        if not track or len(track["t"]) < 2:
            continue
        packets.append(_threat_packet(th, epoch))
    for m in playback["interceptors"]:
        if len(m["track"]["t"]) < 2:
            continue
        packets.append(_interceptor_packet(m, epoch))
    packets += _event_packets(playback["events"], epoch, end)
    return packets


def _site_packets(scene: dict[str, Any]) -> list[dict[str, Any]]:
    """The defended assets (with their damage radii), the fire units and the sensors."""
    packets = []
    for a in scene["assets"]:
        p = _static(
            "asset",
            a,
            [183, 28, 28, 255],
            [("value", a["value"]), ("damage radius (m)", a["radius_m"])],
        )
        p["ellipse"] = {
            "semiMajorAxis": a["radius_m"],
            "semiMinorAxis": a["radius_m"],
            "material": {"solidColor": {"color": {"rgba": [183, 28, 28, 70]}}},
        }
        packets.append(p)
    for u in scene["units"]:
        packets.append(
            _static(
                "unit",
                u,
                [21, 101, 192, 255],
                [
                    ("system", u["system_name"]),
                    ("network", u["network"]),
                    ("interceptors", ", ".join(u["interceptors"])),
                ],
            )
        )
    for s in scene["sensors"]:
        packets.append(
            _static(
                "sensor",
                s,
                [55, 71, 79, 255],
                [("system", s["system_name"]), ("network", s["network"])],
            )
        )
    return packets


def _threat_packet(th: dict[str, Any], epoch: datetime) -> dict[str, Any]:
    """A threat (or friendly flight) of the playback moving along its track."""
    track = th["track"]
    cls = "aircraft" if th["friendly"] else th["class"]
    rgba = _CLASS_RGBA.get(cls, [85, 85, 85, 255])
    return {
        "id": f"threat/{th['id']}",
        "name": f"threat {th['id']} {th['type']}",
        "description": _html_table(
            [
                ("raid", th["raid"]),
                ("target", th["target"]),
                ("launched (s)", th["launch_s"]),
                ("fate", th["fate"]),
                ("ended (s)", th["end_s"]),
                ("asset hit", th["asset_hit"]),
                ("killed by interceptor", th["killed_by"]),
            ]
        ),
        "availability": f"{iso(epoch, track['t'][0])}/{iso(epoch, track['t'][-1])}",
        "position": {
            "epoch": iso(epoch, 0.0),
            "cartographicDegrees": _samples(track),
            "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": 1,
        },
        "point": {
            "pixelSize": 8,
            "color": {"rgba": rgba},
            "outlineColor": {"rgba": [255, 255, 255, 255]},
            "outlineWidth": 1,
        },
        "path": {
            "material": {"solidColor": {"color": {"rgba": rgba}}},
            "width": 2,
            "leadTime": 0,
            "trailTime": 3600,
            "resolution": 1,
        },
    }


def _interceptor_packet(m: dict[str, Any], epoch: datetime) -> dict[str, Any]:
    """An interceptor of the playback moving along its path."""
    track = m["track"]
    return {
        "id": f"interceptor/{m['id']}",
        "name": f"interceptor {m['id']} {m['type']}",
        "description": _html_table(
            [
                ("unit", m["unit"]),
                ("target threat", m["target"]),
                ("outcome", m["outcome"]),
                ("miss distance (m)", m["miss_m"]),
                ("cost (USD)", m["cost_usd"]),
                (
                    "path",
                    "approximate: straight segments between launch, retargets and end"
                    if m["approximate"]
                    else "the engine's positions once a cycle",
                ),
            ]
        ),
        "availability": f"{iso(epoch, track['t'][0])}/{iso(epoch, track['t'][-1])}",
        "position": {
            "epoch": iso(epoch, 0.0),
            "cartographicDegrees": _samples(track),
            "interpolationAlgorithm": "LAGRANGE",
            "interpolationDegree": 1,
        },
        "point": {"pixelSize": 5, "color": {"rgba": _INTERCEPTOR_RGBA}},
        "path": {
            "material": {"solidColor": {"color": {"rgba": _INTERCEPTOR_RGBA}}},
            "width": 1,
            "leadTime": 0,
            "trailTime": 3600,
            "resolution": 1,
        },
    }


def _event_packets(events: dict[str, Any], epoch: datetime, end: float) -> list[dict[str, Any]]:
    """Intercepts and impacts, each shown from its time to the `end` (s)."""
    packets = []
    for k, ev in enumerate(events["intercepts"]):
        rgba = [46, 125, 50, 255] if ev["outcome"] == "kill" else [249, 168, 37, 255]
        packets.append(
            {
                "id": f"intercept/{k}",
                "name": f"interceptor {ev['interceptor']} on threat {ev['threat']}: {ev['outcome']}",
                "availability": f"{iso(epoch, ev['t'])}/{iso(epoch, end)}",
                "position": {"cartographicDegrees": [ev["lon"], ev["lat"], ev["alt"]]},
                "point": {"pixelSize": 7, "color": {"rgba": rgba}},
            }
        )
    for k, ev in enumerate(events["impacts"]):
        packets.append(
            {
                "id": f"impact/{k}",
                "name": f"impact of threat {ev['threat']}"
                + (f" on {ev['asset']}" if ev["asset"] else ""),
                "availability": f"{iso(epoch, ev['t'])}/{iso(epoch, end)}",
                "position": {"cartographicDegrees": [ev["lon"], ev["lat"], max(ev["alt"], 0.0)]},
                "point": {"pixelSize": 9, "color": {"rgba": [183, 28, 28, 255]}},
            }
        )
    return packets
