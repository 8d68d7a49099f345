"""The summary table printed by ``airguard run``: variants side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

if TYPE_CHECKING:
    from airguard.montecarlo.campaign import Run

__all__ = ["summary_table"]


def _pct(p: float, ci: Sequence[float]) -> str:
    return f"{100 * p:5.1f} % [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def summary_table(runs: Sequence[Run]) -> Table:
    """A rich table: one row per figure, one column per variant."""
    return summary_table_from_json([r.summary.to_json() for r in runs])


def summary_table_from_json(summaries: Sequence[dict[str, Any]]) -> Table:
    """The same table from JSON summaries (as stored in run manifests)."""
    first = summaries[0]
    title = f"{first['scenario']} — {first['replications']} replications, seed {first['seed']}"
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("figure", style="bold")
    for sm in summaries:
        table.add_column(sm["variant"] or sm["scenario"], justify="right")
    table.add_section()
    for i, asset in enumerate(first["assets"]):
        table.add_row(
            f"P({asset['name']} undamaged) [95 % CI]",
            *(_pct(sm["assets"][i]["p_undamaged"], sm["assets"][i]["ci95"]) for sm in summaries),
        )
    table.add_section()
    table.add_row(
        "leakers per raid, all types [95 % CI]",
        *(
            f"{x['mean']:.2f} [{x['ci95'][0]:.2f}, {x['ci95'][1]:.2f}]"
            for x in (sm["leakers_total"] for sm in summaries)
        ),
    )
    for name in first["leakers_mean"]:
        table.add_row(
            f"  leakers: {name}", *(f"{sm['leakers_mean'].get(name, 0.0):.2f}" for sm in summaries)
        )
    table.add_section()
    types: list[str] = []
    for sm in summaries:
        types.extend(t for t in sm["interceptors_fired"] if t not in types)
    for name in types:
        table.add_row(
            f"interceptors fired: {name}",
            *(
                f"{sm['interceptors_fired'][name]:.1f}" if name in sm["interceptors_fired"] else "—"
                for sm in summaries
            ),
        )
    table.add_row(
        "interceptor cost per raid (mean)",
        *(f"${sm['interceptor_cost_mean_usd'] / 1e6:,.1f} M" for sm in summaries),
    )
    if any(sm.get("p_fratricide") for sm in summaries):
        table.add_section()
        table.add_row(
            "P(a friendly aircraft shot down) [95 % CI]",
            *(
                _pct(sm["p_fratricide"]["p"], sm["p_fratricide"]["ci95"])
                if sm.get("p_fratricide")
                else "—"
                for sm in summaries
            ),
        )
    return table
