"""``airguard track``: the multi-target tracker on a detection file.

Reads detections (CSV or Parquet; columns in :mod:`airguard.tracking.io` and
docs/tracking.md), runs the compiled tracker of :mod:`airguard.tracking.core` over
them in time order in ECEF, and writes one row per track update (CSV or Parquet by
the suffix of ``--out``).  A bad input file or option prints one line
``airguard: error: ...`` naming the file, line or row and column, and exits with
status 2.  The tracker is imported inside the command so that ``airguard --help``
stays fast.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from airguard._suggest import did_you_mean
from airguard.cli._common import echo_json, fail

__all__ = ["track"]

MODELS = {
    "cv": ("cv",),
    "ca": ("ca",),
    "ballistic": ("ballistic",),
    "imm": ("cv", "ca", "ballistic"),
}


def _confirm_rule(text: str) -> tuple[int, int]:
    m, sep, n = text.partition("/")
    try:
        if not sep:
            raise ValueError
        return int(m), int(n)
    except ValueError:
        fail(f"--confirm: expected M/N such as 3/4, got '{text}'")


def track(
    detections: Annotated[
        Path, typer.Argument(help="Detection file, .csv or .parquet.", show_default=False)
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="FILE", help="Track file to write, .csv or .parquet."),
    ],
    model: Annotated[
        str,
        typer.Option(
            help="Motion model: cv, ca, ballistic, imm (= cv, ca and ballistic), "
            "or a comma-separated list of models for an IMM."
        ),
    ] = "cv",
    gate: Annotated[
        float, typer.Option(help="Gate on the squared Mahalanobis distance (chi-square).")
    ] = 16.27,
    confirm: Annotated[
        str, typer.Option(help="Confirm a track with M hits in its first N looks, M/N.")
    ] = "3/4",
    delete: Annotated[
        int, typer.Option(min=1, help="Consecutive missed looks that delete a confirmed track.")
    ] = 3,
    coast_s: Annotated[
        float,
        typer.Option("--coast", help="Delete a track not updated for this long, s (inf: never)."),
    ] = 60.0,
    sigma_range: Annotated[
        float | None,
        typer.Option(help="Range standard deviation, m (files without sigma_range)."),
    ] = None,
    sigma_az: Annotated[
        float | None,
        typer.Option(help="Azimuth standard deviation, deg (files without sigma_azimuth)."),
    ] = None,
    sigma_el: Annotated[
        float | None,
        typer.Option(help="Elevation standard deviation, deg (files without sigma_elevation)."),
    ] = None,
    sigma_range_rate: Annotated[
        float | None,
        typer.Option(help="Range-rate standard deviation, m/s; range rate is used when > 0."),
    ] = None,
    max_range: Annotated[
        float,
        typer.Option(help="Instrumented range of looks without a max_range column, m."),
    ] = math.inf,
    min_elevation: Annotated[
        float, typer.Option(help="Lowest elevation of the field of view, deg.")
    ] = -90.0,
    max_elevation: Annotated[
        float, typer.Option(help="Highest elevation of the field of view, deg.")
    ] = 90.0,
    q_cv: Annotated[float, typer.Option(help="CV model: white-acceleration PSD, m²/s³.")] = 1.0,
    q_ca: Annotated[float, typer.Option(help="CA model: white-jerk PSD, m²/s⁵.")] = 10.0,
    q_ballistic: Annotated[
        float, typer.Option(help="Ballistic model: white-acceleration PSD, m²/s³.")
    ] = 1.0,
    beta: Annotated[
        float, typer.Option(help="Ballistic coefficient of the ballistic model, kg/m² (0: none).")
    ] = 0.0,
    velocity_sigma: Annotated[
        float, typer.Option(help="Prior velocity standard deviation of a new track, m/s.")
    ] = 300.0,
    accel_sigma: Annotated[
        float, typer.Option(help="Prior acceleration standard deviation (CA), m/s².")
    ] = 30.0,
    cost: Annotated[
        str, typer.Option(help="Assignment cost: distance2 (d²) or distance (d).")
    ] = "distance2",
    capacity: Annotated[
        int, typer.Option(min=1, help="Tracks held at once, tentative ones included.")
    ] = 10_000,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the counts as JSON on stdout instead.")
    ] = False,
) -> None:
    """Track targets in a detection file and write their tracks."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from airguard.errors import InputError
    from airguard.tracking import core
    from airguard.tracking.io import read_detections, track_detections, write_tracks

    names = MODELS.get(model.lower()) or tuple(m.strip() for m in model.lower().split(","))
    q_of = {"cv": q_cv, "ca": q_ca, "ballistic": q_ballistic}
    for name in names:
        if name not in q_of:
            hint = did_you_mean(name, [*MODELS, *q_of])
            fail(f"--model: expected cv, ca, ballistic, imm or a list of them, got '{model}'{hint}")
    confirm_m, confirm_n = _confirm_rule(confirm)
    try:
        params = core.tracker_params(
            models=names,
            q=[q_of[m] for m in names],
            frame="ecef",
            ballistic_beta_kg_m2=beta,
            gate=gate,
            cost=cost,
            confirm_m=confirm_m,
            confirm_n=confirm_n,
            delete_misses=delete,
            coast_s=coast_s,
            init_velocity_sigma_mps=velocity_sigma,
            init_accel_sigma_mps2=accel_sigma,
        )
    except ValueError as exc:
        fail(str(exc))
    if out.suffix.lower() not in (".csv", ".parquet", ".pq"):
        fail(f"{out}: --out must end in .csv or .parquet")
    try:
        dets = read_detections(
            detections,
            sigma_range_m=sigma_range,
            sigma_azimuth_deg=sigma_az,
            sigma_elevation_deg=sigma_el,
            sigma_range_rate_mps=sigma_range_rate,
            max_range_m=max_range,
            min_elevation_deg=min_elevation,
            max_elevation_deg=max_elevation,
        )
    except InputError as exc:
        fail(str(exc))
    err = Console(stderr=True)
    with Progress(
        TextColumn("tracking"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("looks"),
        console=err,
        transient=True,
        disable=not err.is_terminal or dets.n_looks < 2000,
    ) as progress:
        task = progress.add_task("tracking", total=dets.n_looks)
        table = track_detections(
            dets,
            params,
            capacity=capacity,
            on_progress=lambda n: progress.advance(task, n),
        )
    try:
        write_tracks(table, out)
    except (InputError, OSError) as exc:
        fail(str(exc))
    ids = table.column("track_id").to_numpy()
    confirmed = ids[table.column("status").to_numpy(zero_copy_only=False) == "confirmed"]
    if as_json:
        echo_json(
            {
                "detections": dets.n_detections,
                "looks": dets.n_looks,
                "tracks_started": len(set(ids.tolist())),
                "tracks_confirmed": len(set(confirmed.tolist())),
                "track_rows": table.num_rows,
                "out": str(out),
            }
        )
        return
    typer.echo(
        f"{dets.n_detections} detections in {dets.n_looks} looks: "
        f"{len(set(ids.tolist()))} tracks started, {len(set(confirmed.tolist()))} confirmed; "
        f"{table.num_rows} track rows → {out}"
    )
