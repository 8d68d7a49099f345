"""``airguard optimize``: where to put N fire units, and what a budget buys of each system.

``airguard optimize FILE --system ID (--candidates SITES.yaml | --region "lat lon; ...")
[--units N] [--objective survival|cost] [--target 0.9] [--budget USD] ...`` screens the
candidate sites with :mod:`airguard.studies.placement`, optimises with SciPy's differential
evolution, confirms the best placements and the scenario's given sites by Monte Carlo and
prints screening and Monte Carlo figures side by side (``--json`` prints them all as JSON
instead; ``--out FILE`` writes that JSON to FILE, the file ``airguard report --placement``
reads).  With ``--budget`` and several ``--system``, each system gets as many units as the
budget buys.  Bad input gives one line ``airguard: error: ...`` and exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from airguard._suggest import did_you_mean
from airguard.cli._common import WORKERS_HELP, compile_kernels, echo_json, fail
from airguard.errors import InputError

if TYPE_CHECKING:
    from airguard.scenario import Scenario
    from airguard.studies.placement import PlacementStudy, Site

__all__ = ["optimize"]


def _budget(text: str) -> float:
    try:
        value = float(text.replace(",", "").replace("_", "").removesuffix("USD").strip())
    except ValueError:
        raise InputError(
            f"expected an amount in US dollars such as 2.5e9, got '{text}'", field="--budget"
        ) from None
    if not value > 0.0:
        raise InputError(f"expected a positive amount, got '{text}'", field="--budget")
    return value


def _quantity(text: str, field: str, dimension: str) -> float:
    from airguard.units import Dimension, UnitError, parse_quantity

    try:
        return parse_quantity(text, Dimension[dimension])
    except UnitError as exc:
        raise InputError(str(exc), field=field) from None


def _print(study: PlacementStudy) -> None:
    from rich.console import Console
    from rich.table import Table

    cost = f"{study.unit_cost_usd / 1e6:,.0f} + {study.load_cost_usd / 1e6:,.0f} M USD"
    title = (
        f"{study.system}: {study.n_units} unit(s) over {study.options} options "
        f"(unit + load {cost} each, total {study.total_cost_usd / 1e9:,.2f} bn USD)"
    )
    table = Table(title=title, title_justify="left")
    for col in ("placement", "sites", "screening", "Monte Carlo (95 % CI)", "assets P(undamaged)"):
        table.add_column(col, justify="right" if col in ("screening",) else "left")
    rows = list(study.placements) + ([study.given] if study.given is not None else [])
    for c in rows:
        screening = "–" if c.screening is None else f"{c.screening:.3f}"
        mc = f"{c.value_surviving:.3f} [{c.value_ci95[0]:.3f}, {c.value_ci95[1]:.3f}]"
        assets = "\n".join(
            f"{a['name']}: {a['p_undamaged']:.2f} [{a['ci95'][0]:.2f}, {a['ci95'][1]:.2f}]"
            for a in c.assets
        )
        table.add_row(c.label, "\n".join(c.sites), screening, mc, assets)
    console = Console(width=170)
    console.print(table)
    for note in study.notes:
        console.print(f"note: {note}")
    console.print(
        f"value surviving: value-weighted fraction of assets undamaged; "
        f"{rows[0].replications if rows else 0} replications each; "
        f"screening {study.screen_seconds:.1f} s, optimiser {study.optimise_seconds:.1f} s"
    )


def optimize(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML).", show_default=False)],
    system: Annotated[
        list[str],
        typer.Option(
            "--system",
            help="Catalogue id of the system to place; repeat with --budget to compare.",
            show_default=False,
        ),
    ],
    units: Annotated[
        int | None,
        typer.Option("--units", help="Fire units to place (survival objective).", min=1),
    ] = None,
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            help="YAML file of candidate sites: candidates: [{name, position, heading}].",
            show_default=False,
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Polygon 'lat lon; lat lon; ...' (deg) to place candidate sites in.",
            show_default=False,
        ),
    ] = None,
    spacing: Annotated[
        str, typer.Option("--spacing", help="Candidate grid spacing in --region.")
    ] = "50 km",
    site_alt: Annotated[
        str, typer.Option("--site-alt", help="Height of --region sites above the ellipsoid.")
    ] = "0 m",
    objective: Annotated[
        str,
        typer.Option(
            "--objective",
            help="survival: maximise value surviving with --units; cost: fewest units "
            "reaching --target.",
        ),
    ] = "survival",
    target: Annotated[
        float, typer.Option("--target", help="Screened value surviving to reach (cost).")
    ] = 0.9,
    max_units: Annotated[
        int, typer.Option("--max-units", help="Most units tried (cost).", min=1)
    ] = 12,
    budget: Annotated[
        str | None,
        typer.Option(
            "--budget",
            help="Spend in USD: each --system gets the units it buys.",
            show_default=False,
        ),
    ] = None,
    headings: Annotated[
        int, typer.Option("--headings", help="Headings tried at a site without one.", min=1)
    ] = 8,
    reps: Annotated[
        int, typer.Option("--reps", help="Monte Carlo replications per placement.", min=1)
    ] = 200,
    top: Annotated[
        int, typer.Option("--top", help="Best placements confirmed by Monte Carlo.", min=1)
    ] = 3,
    samples: Annotated[
        int, typer.Option("--samples", help="Threat samples in the screening model.", min=1)
    ] = 3,
    resolution: Annotated[
        str, typer.Option("--resolution", help="Coverage cell size of the screening model.")
    ] = "5 km",
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="Monte Carlo " + WORKERS_HELP.lower(), min=1),
    ] = None,
    variant: Annotated[str | None, typer.Option(help="The scenario variant to use.")] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="Write all figures to this JSON file (for airguard report --placement).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print all figures as JSON on stdout instead of the tables."),
    ] = False,
) -> None:
    """Choose sites and headings for fire units; confirm against the given sites by Monte Carlo."""
    from airguard.montecarlo import default_workers
    from airguard.studies.placement import budget_comparison, optimise_placement

    try:
        spend, resolution_m = _checked(
            candidates, region, objective, target, budget, units, system, resolution
        )
        scenario = _one_variant(file, variant)
        for sid in system:
            known = scenario.catalogue.ids("defence")
            if sid not in known:
                raise InputError(
                    f"no defence system '{sid}' (catalogue: {', '.join(known)})"
                    f"{did_you_mean(sid, known)}",
                    field="--system",
                )
        from rich.console import Console

        compile_kernels(Console(stderr=True), scenario, as_json=as_json)
        sites = _candidate_sites(candidates, region, spacing, site_alt)
        common = {
            "headings": headings,
            "replications": reps,
            "top": top,
            "samples": samples,
            "resolution_m": resolution_m,
            "workers": workers or default_workers(),
            "progress": lambda msg: typer.echo(msg, err=True),
        }
        if spend is not None:
            studies = budget_comparison(scenario, system, sites, spend, **common)
        else:
            studies = [
                optimise_placement(
                    scenario,
                    system[0],
                    sites,
                    units or 1,
                    objective="cost" if objective == "cost" else "survival",
                    target=target,
                    max_units=max_units,
                    **common,  # type: ignore[arg-type]
                )
            ]
    except InputError as exc:
        fail(str(exc))
    from airguard.studies.placement import study_json

    data = study_json(scenario, studies, spend)
    if out is not None:
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    if as_json:
        echo_json(data)
        return
    if spend is not None:
        typer.echo(f"budget {spend / 1e9:,.2f} bn USD")
    for study in studies:
        _print(study)
    if out is not None:
        typer.echo(f"→ {out}")


def _checked(
    candidates: Path | None,
    region: str | None,
    objective: str,
    target: float,
    budget: str | None,
    units: int | None,
    system: list[str],
    resolution: str,
) -> tuple[float | None, float]:
    """The budget (USD; None without ``--budget``) and the screening cell size (m), once
    the options agree with each other (InputError otherwise)."""
    if (candidates is None) == (region is None):
        raise InputError("give exactly one of --candidates FILE or --region POLYGON")
    if objective not in ("survival", "cost"):
        raise InputError(f"expected survival or cost, got '{objective}'", field="--objective")
    if not 0.0 < target <= 1.0:
        raise InputError(f"expected a fraction in (0, 1], got {target}", field="--target")
    spend = None if budget is None else _budget(budget)
    if spend is None and objective == "survival" and units is None:
        raise InputError("give --units N (or --objective cost, or --budget USD)")
    if spend is None and len(system) > 1:
        raise InputError("several --system need --budget to compare them", field="--system")
    resolution_m = _quantity(resolution, "--resolution", "LENGTH")
    if not resolution_m > 0.0:
        raise InputError(f"expected a positive cell size, got '{resolution}'",
                         field="--resolution")  # fmt: skip
    return spend, resolution_m


def _one_variant(file: Path, variant: str | None) -> Scenario:
    """The scenario in `file`: its only variant, or `variant` (InputError if it has several
    and none is chosen)."""
    from airguard.scenario import load_scenario

    scenarios = load_scenario(file, variant=variant)
    if len(scenarios) > 1:
        names = ", ".join(str(s.variant) for s in scenarios)
        raise InputError(f"several variants ({names}): choose one with --variant", file=file)
    return scenarios[0]


def _candidate_sites(
    candidates: Path | None, region: str | None, spacing: str, site_alt: str
) -> list[Site]:
    """The sites of the ``--candidates`` file, or a grid over the ``--region`` polygon."""
    from airguard.studies.placement import load_candidates, parse_polygon, region_candidates

    if candidates is not None:
        return load_candidates(candidates)
    return region_candidates(
        parse_polygon(str(region)),
        _quantity(spacing, "--spacing", "LENGTH"),
        _quantity(site_alt, "--site-alt", "LENGTH"),
    )
