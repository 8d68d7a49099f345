"""The summary table printed by ``airguard run``: variants side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table

if TYPE_CHECKING:
    from airguard.montecarlo.campaign import Run

__all__ = ["summary_table"]


def _pct(p: float, ci: Sequence[float]) -> str:
    return f"{100 * p:5.1f} % [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def summary_table(runs: Sequence[Run]) -> Table:
    """A rich table: one row per figure, one column per variant."""
    first = runs[0].summary
    title = f"{first.scenario} — {first.replications} replications, seed {first.seed}"
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("figure", style="bold")
    for r in runs:
        table.add_column(r.scenario.label, justify="right")
    table.add_section()
    for i, asset in enumerate(first.assets):
        table.add_row(
            f"P({asset['name']} undamaged) [95 % CI]",
            *(_pct(r.summary.assets[i]["p_undamaged"], r.summary.assets[i]["ci95"]) for r in runs),
        )
    table.add_section()
    lt = [r.summary.leakers_total for r in runs]
    table.add_row(
        "leakers per raid, all types [95 % CI]",
        *(f"{x['mean']:.2f} [{x['ci95'][0]:.2f}, {x['ci95'][1]:.2f}]" for x in lt),
    )
    for name in first.leakers_mean:
        table.add_row(
            f"  leakers: {name}", *(f"{r.summary.leakers_mean.get(name, 0.0):.2f}" for r in runs)
        )
    table.add_section()
    types: list[str] = []
    for r in runs:
        types.extend(t for t in r.summary.interceptors_fired if t not in types)
    for name in types:
        table.add_row(
            f"interceptors fired: {name}",
            *(
                f"{r.summary.interceptors_fired[name]:.1f}"
                if name in r.summary.interceptors_fired
                else "—"
                for r in runs
            ),
        )
    table.add_row(
        "interceptor cost per raid (mean)",
        *(f"${r.summary.interceptor_cost_mean_usd / 1e6:,.1f} M" for r in runs),
    )
    return table
