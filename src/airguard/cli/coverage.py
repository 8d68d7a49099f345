"""``airguard coverage``: detection and engagement footprints as GeoTIFF, GeoJSON and PNG.

``airguard coverage FILE`` maps every variant of the scenario (or the one ``--variant``
names) with :func:`airguard.studies.coverage.coverage_grid` and prints the area each unit
detects and can engage (``--json``: as JSON on stdout).  With ``--out DIR`` it also writes,
per variant::

    DIR/<variant>/<unit>-<threat>-detection.tif    single-look P_D, float32, EPSG:4326
    DIR/<variant>/<unit>-<threat>-engagement.tif   1 = engageable, uint8 (armed units only)
    DIR/<variant>/coverage.geojson                 footprint outlines, one feature per map
    DIR/<variant>/coverage.png                     one panel per threat type

A variant's directory is named as in ``airguard run`` (:attr:`Scenario.dir_name
<airguard.scenario.Scenario.dir_name>`: a plain name as it is, any other made safe), so no
name can lead outside DIR; file names are :func:`airguard.studies.coverage.slug` forms
(lower case, other characters as ``-``).  The simulator is
imported inside the command, so ``airguard --help`` stays fast.  Bad input (the scenario,
``--resolution``, ``--altitude``, ``--bounds``, ``--time``) gives one line ``airguard: error: ...``
naming the file, line and field or the option, and exit status 2.

The scenario's jammers lower the radars' SNR as in the engine's looks
(:func:`airguard.studies.coverage.coverage_grid`): those on at any time of the scenario,
or at ``--time``; a jammer riding a flight is where its flight is at ``--time`` or,
without one, at its route's point nearest each radar; ``--no-jamming`` maps the radars
unjammed.  The summary names the jammers counted.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from airguard._suggest import did_you_mean
from airguard.cli._common import JSON_HELP, echo_json, fail
from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.studies.coverage import Coverage

__all__ = ["coverage", "parse_altitudes", "parse_bounds", "parse_length"]


def parse_length(text: str, option: str) -> float:
    """A length with its unit (``"1km"``, ``"500 m"``) in metres.

    Raises
    ------
    InputError
        Naming `option`, for a missing or wrong unit.
    """
    from airguard.units import Dimension, UnitError, parse_quantity

    try:
        return parse_quantity(text, Dimension.LENGTH)
    except UnitError as exc:
        raise InputError(str(exc), field=option) from None


def parse_altitudes(values: list[str]) -> float | dict[str, float] | None:
    """``--altitude`` values: ``"12 km"`` for every threat type, ``"scud-b=12 km"`` for one.

    Returns
    -------
    float, dict or None
        One altitude (m) for all types, altitudes by type (m), or None when none given.

    Raises
    ------
    InputError
        A value without a unit, or a value for all types mixed with others.
    """
    everything: float | None = None
    by_type: dict[str, float] = {}
    for value in values:
        name, sep, quantity = value.partition("=")
        if sep:
            by_type[name.strip()] = parse_length(quantity, f"--altitude {name.strip()}")
        elif everything is None:
            everything = parse_length(value, "--altitude")
        else:
            raise InputError(
                f"two altitudes for every threat type ('{value}'); give one, or name the types "
                "as 'scud-b=12 km'",
                field="--altitude",
            )
    if everything is not None and by_type:
        raise InputError(
            "an altitude for every threat type and others by type; name every type as "
            "'scud-b=12 km', or give one altitude",
            field="--altitude",
        )
    if everything is not None:
        return everything
    return by_type or None


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """``"lat0,lon0,lat1,lon1"`` in degrees (south, west, north, east edges).

    Raises
    ------
    InputError
        Not four numbers, or edges out of order or range.
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError(
            f"expected four numbers in degrees, lat0,lon0,lat1,lon1 (south, west, north, east), "
            f"e.g. 35,30,42,45; got '{text}'",
            field="--bounds",
        )
    lat0, lon0, lat1, lon1 = values
    if not (-90.0 <= lat0 < lat1 <= 90.0 and -180.0 <= lon0 < lon1 <= 180.0):
        raise InputError(
            f"expected -90 <= lat0 < lat1 <= 90 and -180 <= lon0 < lon1 <= 180 (south and west "
            f"edges first), got '{text}'",
            field="--bounds",
        )
    return (lat0, lon0, lat1, lon1)


def _summary(cov: Coverage) -> str:
    lines = []
    for u, unit in enumerate(cov.unit_names):
        parts = []
        for t, threat in enumerate(cov.threat_names):
            det = cov.area_km2(u, t, "detection")
            if cov.unit_armed[u]:
                eng = cov.area_km2(u, t, "engagement")
                parts.append(f"{threat} {det:,.0f}/{eng:,.0f}")
            else:
                parts.append(f"{threat} {det:,.0f}")
        lines.append(f"  {unit}: " + ", ".join(parts))
    return "\n".join(lines)


def coverage(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Write the maps (GeoTIFF, GeoJSON, PNG) here, one subdirectory per variant "
            "(default: print the areas only).",
            show_default=False,
        ),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="Map only this variant.")] = None,
    resolution: Annotated[
        str, typer.Option(help="Cell size with its unit, e.g. 1km or '500 m'.")
    ] = "1 km",
    altitude: Annotated[
        list[str] | None,
        typer.Option(
            help="Threat altitude: '12 km' for every type, or 'scud-b=12 km' for one type "
            "(repeat the option). Default: cruise height for cruise missiles and drones, the "
            "middle of the interceptors' altitude band for ballistic missiles, hostile flights' "
            "cruise height above the ellipsoid for their aircraft.",
        ),
    ] = None,
    bounds: Annotated[
        str | None,
        typer.Option(
            metavar="LAT0,LON0,LAT1,LON1",
            help="Map area in degrees: south, west, north, east edges. Default: every site "
            "padded by the farthest radar or interceptor reach.",
        ),
    ] = None,
    pd_min: Annotated[
        float,
        typer.Option("--pd-min", help="Single-look detection probability that counts as detected."),
    ] = 0.5,
    time: Annotated[
        str | None,
        typer.Option(
            "--time",
            help="Scenario time, e.g. '10 min': map the jammers on then (their start/end), "
            "a jammer riding a flight where the flight is then. "
            "Default: a jammer on at any time of the scenario counts.",
            show_default=False,
        ),
    ] = None,
    jamming: Annotated[
        bool,
        typer.Option(
            "--jamming/--no-jamming",
            help="Lower the radars' SNR by the scenario's jammers, as the engine's looks do; "
            "a jammer riding a flight is where it flies at --time, else at its route's point "
            "nearest each radar.",
        ),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Detection and engagement footprints of each unit against each threat type."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from airguard.scenario import load_scenario
    from airguard.studies.coverage import coverage_grid, write_outputs
    from airguard.world import compile_world

    try:
        resolution_m = parse_length(resolution, "--resolution")
        if not resolution_m > 0.0:
            raise InputError(
                f"expected a positive cell size, got '{resolution}'", field="--resolution"
            )
        altitudes = parse_altitudes(altitude or [])
        box = parse_bounds(bounds) if bounds is not None else None
        time_s = _parse_time(time) if time is not None else None
        if not 0.0 < pd_min < 1.0:
            raise InputError(
                f"expected a probability between 0 and 1, got {pd_min}", field="--pd-min"
            )
        scenarios = load_scenario(file, variant=variant)
    except InputError as exc:
        fail(str(exc))
    err = Console(stderr=True)
    summaries: list[dict[str, Any]] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=as_json,
    ) as progress:
        for sc in scenarios:
            task = progress.add_task(f"{sc.label:>12}", total=3)
            jam_names = [j.name for j in sc.body.jammers]
            try:
                world = compile_world(sc)
                progress.advance(task)
                if isinstance(altitudes, dict):
                    unknown = [n for n in altitudes if n not in world.threat_names]
                    if unknown:
                        raise InputError(
                            f"no threat type '{unknown[0]}' in {sc.label} (have: "
                            f"{', '.join(world.threat_names)})"
                            f"{did_you_mean(unknown[0], world.threat_names)}",
                            field="--altitude",
                        )
                cov = coverage_grid(
                    world, bounds=box, resolution_m=resolution_m, altitude_m=altitudes,
                    pd_min=pd_min, time_s=time_s, jamming=jamming,
                )  # fmt: skip
            except InputError as exc:
                fail(str(exc))
            except ValueError as exc:
                fail(_as_option(str(exc)))
            progress.advance(task)
            target = None if out is None else out / sc.dir_name
            files = {} if target is None else write_outputs(cov, target)
            progress.advance(task)
            if as_json:
                summaries.append(_json(sc.label, target, cov, files, jam_names))
            else:
                typer.echo(_report(sc.label, target, cov, jam_names))
            del cov  # one variant's maps in memory at a time
    if as_json:
        echo_json(summaries[0] if len(summaries) == 1 else {"variants": summaries})
    elif out is None:
        typer.echo("(pass --out DIR to write the maps)")


_OPTIONS = {
    "resolution_m": "--resolution",
    "bounds": "--bounds",
    "altitude_m": "--altitude",
    "time_s": "--time",
}


def _parse_time(text: str) -> float:
    """``--time``: a scenario time with its unit (``"10 min"``, ``"600 s"``), in seconds."""
    from airguard.units import Dimension, UnitError, parse_quantity

    try:
        return parse_quantity(text, Dimension.TIME)
    except UnitError as exc:
        raise InputError(str(exc), field="--time") from None


def _jamming(cov: Coverage, names: list[str]) -> str:
    """What the maps' jamming is: the jammers counted, when, and how a flight's is placed."""
    if not names:
        return "none (the scenario has no jammers)"
    if not cov.jamming:
        return f"off (--no-jamming; the scenario has {len(names)})"
    when = "any time" if cov.jam_time_s is None else f"{cov.jam_time_s:g} s"
    if not cov.jammers:
        return f"none on at {when} that reaches a radar (of {len(names)})"
    where = (
        " (riding a flight: at its route's point nearest each radar)"
        if cov.jam_time_s is None
        else f" (riding a flight: where it flies at {cov.jam_time_s:g} s)"
    )
    parts = [names[k] + (where if k in cov.jammers_carried else "") for k in cov.jammers]
    return f"{', '.join(parts)}; on at {when}"


def _as_option(message: str) -> str:
    """A coverage_grid argument error, named as the command-line option."""
    head, sep, rest = message.partition(":")
    name = head.split("[")[0]
    return f"{_OPTIONS[name]}{head[len(name) :]}{sep}{rest}" if name in _OPTIONS else message


def _json(
    label: str,
    target: Path | None,
    cov: Coverage,
    files: dict[str, list[Path]],
    jam_names: list[str],
) -> dict[str, Any]:
    """What ``--json`` prints of one variant: the grid, the altitudes, the jamming, each
    unit's areas (km²) by threat type, and the files written."""
    ny, nx = cov.shape
    dy, dx = cov.cell_size_m
    return {
        "variant": label,
        "shape": [ny, nx],
        "cell_size_m": [float(dy), float(dx)],
        "altitude_m": dict(zip(cov.threat_names, map(float, cov.altitude_m), strict=True)),
        "jamming": {
            "applied": cov.jamming,
            "time_s": cov.jam_time_s,
            "jammers": [jam_names[k] for k in cov.jammers],
            "carried_at_nearest_route_point": (
                [jam_names[k] for k in cov.jammers_carried] if cov.jam_time_s is None else []
            ),
            "carried_where_flying": (
                [jam_names[k] for k in cov.jammers_carried] if cov.jam_time_s is not None else []
            ),
        },
        "units": [
            {
                "unit": unit,
                "armed": bool(cov.unit_armed[u]),
                "detection_km2": {
                    threat: cov.area_km2(u, t, "detection")
                    for t, threat in enumerate(cov.threat_names)
                },
                "engagement_km2": {
                    threat: cov.area_km2(u, t, "engagement")
                    for t, threat in enumerate(cov.threat_names)
                }
                if cov.unit_armed[u]
                else None,
            }
            for u, unit in enumerate(cov.unit_names)
        ],
        "directory": None if target is None else str(target),
        "files": [str(p) for paths in files.values() for p in paths],
    }


def _report(label: str, target: Path | None, cov: Coverage, jam_names: list[str]) -> str:
    ny, nx = cov.shape
    dy, dx = cov.cell_size_m
    alts = ", ".join(
        f"{t} {a / 1e3:.2f} km" + (" above the ellipsoid" if ref == "ellipsoid" else "")
        for t, a, ref in zip(cov.threat_names, cov.altitude_m, cov.altitude_reference, strict=True)
    )
    where = "" if target is None else f" → {target}"
    return (
        f"{label}: {ny} × {nx} cells of {dy / 1e3:.3g} × {dx / 1e3:.3g} km{where}\n"
        f"  altitudes: {alts}\n"
        f"  jamming: {_jamming(cov, jam_names)}\n"
        f"  area detected/engageable (km²):\n{_summary(cov)}"
    )
