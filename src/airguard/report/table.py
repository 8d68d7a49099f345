"""The summary table printed by ``airguard run``: variants side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

if TYPE_CHECKING:
    from airguard.montecarlo.campaign import Run

__all__ = ["funnel_tables", "summary_table", "summary_table_from_json"]


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
    if any(sm.get("p_aircraft_killed") for sm in summaries):
        table.add_section()
        table.add_row(
            "hostile aircraft shot down per raid [95 % CI]",
            *(
                f"{x['mean']:.2f} [{x['ci95'][0]:.2f}, {x['ci95'][1]:.2f}]"
                if (x := sm.get("aircraft_killed"))
                else "—"
                for sm in summaries
            ),
        )
        table.add_row(
            "P(a hostile aircraft shot down) [95 % CI]",
            *(
                _pct(sm["p_aircraft_killed"]["p"], sm["p_aircraft_killed"]["ci95"])
                if sm.get("p_aircraft_killed")
                else "—"
                for sm in summaries
            ),
        )
    return table


def _per_raid(fig: dict[str, Any]) -> str:
    return f"{fig['mean']:.2f}"


def _break_label(b: dict[str, Any]) -> str:
    return f"{b['fate']} ({b['reason']})" if b.get("reason") else str(b["fate"])


def funnel_tables(summaries: Sequence[dict[str, Any]]) -> list[Table]:
    """One rich table per variant: per threat type, threats per raid passing each stage of
    the kill chain (mean over replications), the leakers and where their chains broke
    (the two commonest breaks, per raid and share).  Variants whose summary records no
    kill chain (runs of airguard before 0.9) get none."""
    out = []
    for sm in summaries:
        fn = sm.get("funnel")
        if not fn or not fn.get("types"):
            continue
        name = sm["variant"] or sm["scenario"]
        table = Table(
            title=f"{name}: the kill chain, threats per raid passing each stage (mean over "
            f"{sm['replications']} replications)",
            title_justify="left",
        )
        table.add_column("threat type", style="bold")
        for col in (
            "threats",
            "detected",
            "tracked",
            "in envelope",
            "engaged",
            "killed",
            "leakers",
        ):
            table.add_column(col, justify="right")
        table.add_column("where the leakers' chains broke (per raid, share)")
        for entry in fn["types"]:
            lk = entry["leakers"]
            breaks = "; ".join(
                f"{_break_label(b)} {b['mean']:.2f} ({100 * b['share']:.0f} %)"
                for b in entry["leakers_by_break"][:2]
            )
            table.add_row(
                entry["threat_type"],
                _per_raid(entry["threats"]),
                *(
                    _per_raid(entry[s])
                    for s in ("detected", "tracked", "in_envelope", "engaged", "killed")
                ),
                f"{lk['mean']:.2f} [{lk['ci95'][0]:.2f}, {lk['ci95'][1]:.2f}]",
                breaks or "—",
            )
        out.append(table)
    return out
