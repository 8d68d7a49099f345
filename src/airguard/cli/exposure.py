"""``airguard exposure``: how long, how often and how well radars observe flights.

``airguard exposure FILE [--rcs low|nominal|high|all] [--step 1s] [--pd-min 0.5]
[--variant NAME] [--no-aspect-rcs] [--out DIR] [--json]`` evaluates
:func:`airguard.studies.exposure.exposure_analysis` and prints one table row per flight,
radar and RCS level, friendly and hostile flights in tables of their own, and for hostile
flights a table of their time in each unit's engagement reach (``--json``: all figures as
JSON on stdout); with ``--out`` it writes
``exposure.json`` (all figures), ``exposure.geojson`` (route segments by exposure, radar
sites) and ``exposure.png`` (a map).  Bad input gives one line ``airguard: error: ...``
naming the file, line and field or the option, and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from airguard.cli._common import choice, echo_json, fail
from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.studies.exposure import Exposure

__all__ = ["exposure"]


def _f(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _table(exp: Exposure) -> None:
    from rich.console import Console
    from rich.table import Table

    side = {fs.name: fs.side for fs in exp.flights}
    console = Console(width=160)
    for which in ("friendly", "hostile"):
        rows = [row for row in exp.rows if side[row.flight] == which]
        if not rows:
            continue
        table = Table(
            title=f"{exp.scenario}: exposure of {which} flights (in view and P_D ≥ {exp.pd_min:g})",
            title_justify="left",
        )
        for col in (
            "flight", "radar", "RCS", "in view s", "exposed s", "looks", "exp. det.",
            "SNR dB p10/50/90", "aspect °", "closest km @ s", "exposed from–to s",
        ):  # fmt: skip
            left = col in ("flight", "radar", "RCS")
            table.add_column(
                col, justify="left" if left else "right", no_wrap=col in ("radar", "RCS")
            )
        for row in rows:
            snr = "/".join(_f(v, ".0f") for v in (row.snr_db_p10, row.snr_db_p50, row.snr_db_p90))
            aspect = (
                "–"
                if row.aspect_deg_min is None
                else f"{row.aspect_deg_min:.0f}–{row.aspect_deg_max:.0f}"
            )
            span = (
                "–"
                if row.first_exposed_s is None
                else f"{row.first_exposed_s:.0f}–{row.last_exposed_s:.0f}"
            )
            table.add_row(
                row.flight,
                row.radar,
                f"{row.rcs_level} {row.rcs_m2:g} m²",
                f"{row.view_s:.0f}",
                f"{row.exposed_s:.0f}",
                f"{row.looks:.1f}",
                f"{row.expected_detections:.1f}",
                snr,
                aspect,
                f"{row.closest_range_m / 1000:.1f} @ {row.closest_time_s:.0f}",
                span,
            )
        console.print(table)
    if exp.reach_rows:
        table = Table(
            title=f"{exp.scenario}: hostile flights in the defence's reach (detected: exposed "
            "to a radar of the unit's picture; engageable: detected and in reach)",
            title_justify="left",
        )
        for col in ("flight", "unit", "RCS", "in reach s", "detected s", "engageable s",
                    "engageable from–to s"):  # fmt: skip
            left = col in ("flight", "unit", "RCS")
            table.add_column(col, justify="left" if left else "right")
        for rr in exp.reach_rows:
            table.add_row(
                rr.flight,
                rr.unit,
                rr.rcs_level,
                f"{rr.reach_s:.0f}",
                f"{rr.detected_s:.0f}",
                f"{rr.engageable_s:.0f}",
                "–"
                if rr.first_engageable_s is None
                else f"{rr.first_engageable_s:.0f}–{rr.last_engageable_s:.0f}",
            )
        console.print(table)


def exposure(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (YAML) with flights.", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Write exposure.json, exposure.geojson and exposure.png here.",
            show_default=False,
        ),
    ] = None,
    rcs: Annotated[
        str, typer.Option("--rcs", help="Aircraft RCS level: low, nominal, high or all.")
    ] = "nominal",
    step: Annotated[
        str, typer.Option("--step", help="Sample step along the routes, with its unit.")
    ] = "1 s",
    pd_min: Annotated[
        float,
        typer.Option("--pd-min", help="Single-look P_D from which a flight in view is exposed."),
    ] = 0.5,
    variant: Annotated[str | None, typer.Option(help="The scenario variant to use.")] = None,
    aspect_rcs: Annotated[
        bool,
        typer.Option(
            help="Scale the RCS by the aircraft's catalogue rcs_aspect table, where it has one "
            "(--no-aspect-rcs: the frontal figure at every aspect)."
        ),
    ] = True,
    jamming: Annotated[
        bool,
        typer.Option(
            "--jamming/--no-jamming",
            help="Lower the SNR by the scenario's jammers, as the engine's looks do "
            "(--no-jamming: the radars unjammed).",
        ),
    ] = True,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print all figures (exposure.json's content) on stdout instead."
        ),
    ] = False,
) -> None:
    """Time in coverage, looks, SNR, aspect and closest approach of flights per radar; for
    hostile flights, time in each unit's engagement reach."""
    from airguard.studies.exposure import RCS_LEVELS, exposure_analysis, to_json, write_outputs
    from airguard.units import Dimension, UnitError, parse_quantity

    rcs = choice(rcs, [*RCS_LEVELS, "all"], "--rcs")
    try:
        levels = list(RCS_LEVELS) if rcs == "all" else [rcs]
        try:
            step_s = parse_quantity(step, Dimension.TIME)
        except UnitError as exc:
            raise InputError(str(exc), field="--step") from None
        if not step_s > 0.0:
            raise InputError(f"expected a positive time step, got '{step}'", field="--step")
        if not 0.0 < pd_min < 1.0:
            raise InputError(
                f"expected a probability between 0 and 1, got {pd_min}", field="--pd-min"
            )
        exp = exposure_analysis(
            file,
            variant=variant,
            levels=levels,
            step_s=step_s,
            pd_min=pd_min,
            aspect_rcs=aspect_rcs,
            jamming=jamming,
        )
    except InputError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))
    paths = write_outputs(exp, out) if out is not None else {}
    if as_json:
        echo_json(to_json(exp))
        return
    _table(exp)
    if paths:
        typer.echo("wrote " + ", ".join(str(p) for p in paths.values()))
