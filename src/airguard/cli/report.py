"""The front-end commands: ``airguard report``, ``airguard serve`` and ``airguard export``.

:func:`register` adds them to the ``airguard`` app; every command imports what it needs
when it runs, so ``airguard --help`` stays fast.  Input errors print one line and exit
with status 2, as elsewhere in the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from airguard._suggest import did_you_mean
from airguard.cli._common import RUN_PANEL, fail
from airguard.errors import InputError

__all__ = ["export", "register", "report", "serve"]


RunArg = Annotated[
    Path,
    typer.Argument(
        metavar="RUN",
        help="A run directory (a variant's, or a parent holding several variants).",
        show_default=False,
    ),
]


def report(
    run: RunArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The HTML file to write (default: RUN/report.html)."),
    ] = None,
    vs: Annotated[
        list[Path] | None,
        typer.Option("--vs", metavar="RUN2", help="Another run to show side by side (repeatable)."),
    ] = None,
    uncertainty: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="FILE",
            help="uncertainty.json of airguard run --uncertainty (default: looked for beside the runs).",
        ),
    ] = None,
    tracks: Annotated[
        bool,
        typer.Option(
            help="Draw the representative replication's ground tracks on the maps (runs it again)."
        ),
    ] = True,
    placement: Annotated[
        list[Path] | None,
        typer.Option(
            "--placement",
            metavar="FILE",
            help="JSON of airguard optimize --out: adds the Placement section (repeatable; "
            "default: RUN/placement.json if there).",
        ),
    ] = None,
    exposure: Annotated[
        list[Path] | None,
        typer.Option(
            "--exposure",
            metavar="DIR|FILE",
            help="Directory of airguard exposure --out (or its exposure.json): adds the Exposure "
            "section (repeatable; default: RUN/exposure/ if there).",
        ),
    ] = None,
    studies: Annotated[
        bool,
        typer.Option(help="Look for placement.json and exposure/ inside RUN when not given."),
    ] = True,
    robustness: Annotated[
        list[Path] | None,
        typer.Option(
            "--robustness",
            metavar="FILE",
            help="robustness.json of airguard compare --uncertainty --out: opens the report with "
            "the conclusions that hold over the plausible worlds (repeatable; default: looked "
            "for beside the runs).",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML report of a run (maps, outcomes, charts, timeline)."""
    from airguard.report.html import write_report

    target = out if out is not None else run / "report.html"
    for p in [run, *(vs or [])]:
        if not p.is_dir():
            fail(f"{p}: not a run directory")
    try:
        info = write_report(
            [run],
            target,
            vs=vs or [],
            uncertainty=uncertainty or [],
            tracks=tracks,
            # given: those; else found inside RUN (--studies) or none (--no-studies)
            placement=placement or (None if studies else []),
            exposure=exposure or (None if studies else []),
            robustness=robustness or None,
        )
    except InputError as exc:
        fail(str(exc))
    reps = ", ".join(f"{label} {k}" for label, k in info.representative.items())
    extra = "".join(
        f"; {what} study {p}"
        for what, paths in (("placement", info.placement), ("exposure", info.exposure))
        for p in paths
    )
    typer.echo(
        f"report of {len(info.runs)} run{'s' if len(info.runs) > 1 else ''} in {info.seconds:.1f} s "
        f"(representative replications: {reps}{extra}) → {info.path}"
    )


def serve(
    runs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[RUN_DIR]...",
            help="Directories holding runs (searched 3 levels deep; default: runs).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8765,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every request.")] = False,
) -> None:
    """Browse runs and play back any replication on a map, in a local web app (no internet)."""
    from airguard.viewer.server import exposure_warning
    from airguard.viewer.server import serve as run_server

    roots = runs or [Path("runs")]

    def ready(url: str) -> None:
        typer.echo(f"airguard viewer on {url} (Ctrl-C to stop)")
        warning = exposure_warning(host)
        if warning is not None:
            typer.echo(f"airguard: {warning}", err=True)

    try:
        run_server(roots, host=host, port=port, verbose=verbose, on_ready=ready)
    except InputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


def export(
    run: Annotated[
        Path,
        typer.Argument(metavar="RUN", help="A variant's run directory (holding manifest.json)."),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="czml|kml|geojson|coverage",
            help="CZML (CesiumJS), KML (Google Earth), GeoJSON (GIS tools) of replication K, or "
            "the coverage footprints as GeoJSON.",
        ),
    ],
    rep: Annotated[
        int | None,
        typer.Option("--rep", "-k", min=0, help="Replication to export (not for coverage)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: RUN/exports/rep-K.<format>)."),
    ] = None,
    epoch: Annotated[
        str,
        typer.Option(help="UTC date and time of the scenario's t = 0 in the time-tagged formats."),
    ] = "2020-01-01T00:00:00Z",
) -> None:
    """Export a replication for CesiumJS, Google Earth or GIS tools, or the coverage footprints."""
    from datetime import UTC, datetime

    from airguard.export import FORMATS, export_coverage, export_replication

    if fmt not in (*FORMATS, "coverage"):
        hint = did_you_mean(fmt, [*FORMATS, "coverage"])
        fail(f"--format: expected one of {', '.join(FORMATS)}, coverage; got '{fmt}'{hint}")
    try:
        when = datetime.fromisoformat(epoch.replace("Z", "+00:00"))
    except ValueError:
        fail(
            f"--epoch: expected an ISO 8601 date and time such as 2020-01-01T00:00:00Z, got '{epoch}'"
        )
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    try:
        if fmt == "coverage":
            path = export_coverage(run, out)
        else:
            if rep is None:
                fail(f"--rep K: which replication to export as {fmt}")
            path = export_replication(run, rep, fmt, out, epoch=when)
    except InputError as exc:
        fail(str(exc))
    typer.echo(f"{fmt} → {path}")


def register(app: typer.Typer) -> None:
    """Add ``report``, ``serve`` and ``export`` to the ``airguard`` app."""
    for command in (report, serve, export):
        app.command(rich_help_panel=RUN_PANEL)(command)
