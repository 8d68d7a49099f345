"""Readable rendering of a catalogue entry: every figure with its source."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.tree import Tree

from airguard.catalogue.figures import Figure, FigureLevel
from airguard.catalogue.models import DragCurve, RcsAspect

__all__ = ["describe_entry"]


def _fmt(fig: Figure) -> tuple[str, str]:
    """A figure's value as its file wrote it (``420 km / 500 km / 600 km`` when contested;
    SI for one set in code), and its sources."""

    def level(lv: FigureLevel) -> str:
        return lv.written if lv.written is not None else f"{lv.value_si:.6g}"

    if fig.contested:
        value = f"{level(fig.low)} / {level(fig.nominal)} / {level(fig.high)}"
        src = " / ".join(lv.source or "notional" for lv in (fig.low, fig.nominal, fig.high))
    else:
        value = level(fig.nominal)
        src = fig.nominal.source or f"notional: {fig.nominal.notional}"
    return value, src


def _figures_table(title: str, obj: Any) -> Table:
    table = Table(title=title, title_justify="left", show_header=True)
    table.add_column("figure")
    table.add_column("value (as in the file; low / nominal / high)", justify="right")
    table.add_column("source")
    for name, value in obj:
        if isinstance(value, Figure):
            v, s = _fmt(value)
            table.add_row(name, v, s)
        elif (
            isinstance(value, dict) and value and all(isinstance(x, Figure) for x in value.values())
        ):
            for k, fig in value.items():
                v, s = _fmt(fig)
                table.add_row(f"{name}.{k}", v, s)
        elif isinstance(value, DragCurve):
            points = ", ".join(f"M{m:g}: {c:g}" for m, c in zip(value.mach, value.cd, strict=True))
            table.add_row(name, points, value.source or f"notional: {value.notional}")
        elif isinstance(value, RcsAspect):
            points = ", ".join(
                f"{a:g}°: ×{f:g}" for a, f in zip(value.aspect_deg, value.factor, strict=True)
            )
            table.add_row(name, points, value.source or f"notional: {value.notional}")
        elif isinstance(value, (str, int, float)):
            table.add_row(name, str(value), "")
    return table


def describe_entry(entry: Any) -> Tree:
    """A tree of tables: the entry's own figures, then each component's."""
    tree = Tree(f"[bold]{entry.id}[/bold] — {entry.name} ({entry.kind}, {entry.country})")
    tree.add(entry.summary)
    tree.add(
        _figures_table("figures", [(k, v) for k, v in entry if k not in ("sources", "summary")])
    )
    for group in ("radars", "interceptors", "launchers"):
        for cid, comp in (getattr(entry, group, None) or {}).items():
            tree.add(_figures_table(f"{group[:-1]} {cid}: {comp.name}", list(comp)))
    comp = getattr(entry, "composition", None)
    if comp is not None:
        tree.add(_figures_table(f"composition ({comp.unit_name})", list(comp)))
    sources = tree.add("sources")
    for key, src in entry.sources.items():
        sources.add(f"{key}: {src.title} — {src.url or src.publication}")
    return tree
