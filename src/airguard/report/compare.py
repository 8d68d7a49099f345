"""The table printed by ``airguard compare``: figure | A | B | B − A [95 % CI]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from airguard.results.compare import Comparison

__all__ = ["comparison_table", "comparison_table_from_json"]

MISSING = "—"


def _value(x: float | None, unit: str) -> str:
    if x is None:
        return MISSING
    if unit == "probability":
        return f"{100 * x:.1f} %"
    if unit == "usd":
        return f"${x / 1e6:,.1f} M"
    return f"{x:.2f}"


def _difference(fig: dict[str, Any]) -> str:
    d, ci, unit = fig["difference"], fig["ci95"], fig["unit"]
    if d is None:
        return MISSING
    if unit == "probability":
        scale, fmt, suffix = 100.0, "{:+.1f}", " pp"
    elif unit == "usd":
        scale, fmt, suffix = 1e-6, "{:+,.1f}", " $M"
    else:
        scale, fmt, suffix = 1.0, "{:+.2f}", ""
    text = fmt.format(scale * d) + suffix
    if ci is None:
        return f"{text} [n/a]"
    return f"{text} [{fmt.format(scale * ci[0])}, {fmt.format(scale * ci[1])}]"


def _side(run: dict[str, Any]) -> str:
    name = run["scenario"] if run["variant"] is None else f"{run['scenario']} ({run['variant']})"
    return escape(f"{name}: {run['replications']} replications, seed {run['seed']}")


def comparison_table(comparison: Comparison) -> Table:
    """A rich table: one row per figure; A, B and B − A with its 95 % interval."""
    return comparison_table_from_json(comparison.to_json())


def comparison_table_from_json(data: dict[str, Any]) -> Table:
    """The same table from the comparison's JSON (:meth:`Comparison.to_json`)."""
    a, b = data["a"], data["b"]
    table = Table(
        title=f"A = {_side(a)}\nB = {_side(b)}",
        title_justify="left",
        caption=escape(
            f"B − A with its {100 * data['confidence']:.0f} % interval "
            f"(pp: percentage points). {data['pairing'][0].upper()}{data['pairing'][1:]}."
        ),
        caption_justify="left",
    )
    table.add_column("figure", style="bold")
    table.add_column(escape(f"A: {a['variant'] or a['scenario']}"), justify="right")
    table.add_column(escape(f"B: {b['variant'] or b['scenario']}"), justify="right")
    table.add_column(f"B − A [{100 * data['confidence']:.0f} % CI]", justify="right")
    totals = {fig["key"] for fig in data["figures"]}
    group = None
    for fig in data["figures"]:
        this = fig["key"].split("/")[0]  # a total and its breakdown by type stay together
        if group is not None and this != group:
            table.add_section()
        group = this
        indent = "  " if this != fig["key"] and this in totals else ""
        table.add_row(
            indent + escape(fig["label"]),
            _value(fig["a"], fig["unit"]),
            _value(fig["b"], fig["unit"]),
            escape(_difference(fig)),
        )
    return table
