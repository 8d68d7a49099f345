"""Short text and HTML forms of results for an interactive session: a summary's headline
figures in a line or two (``repr``), and as a compact HTML table (``_repr_html_``, which
Jupyter shows in place of the ``repr``).

The headline figures are those of the summary table of ``airguard run``: each asset's
probability of coming through undamaged with its 95 % interval, leakers per raid, threats
killed, interceptors fired and their cost per raid.  A ``repr`` names at most
:data:`MAX_NAMES` assets, so that it stays short however large the scenario.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "MAX_NAMES",
    "figure_cells",
    "html_table",
    "percent",
    "percent_interval",
    "shortened",
    "summary_headline",
    "summary_rows",
    "usd",
]

MAX_NAMES = 6
"""Most assets (figures, names) a ``repr`` lists before saying how many more there are."""


def percent(p: float) -> str:
    """A probability as a percentage with one decimal: ``0.9812`` → ``'98.1 %'``."""
    return f"{100.0 * p:.1f} %"


def percent_interval(p: float, ci95: Sequence[float]) -> str:
    """A probability and its interval: ``'98.1 % [95.3, 99.3]'``."""
    return f"{percent(p)} [{100.0 * ci95[0]:.1f}, {100.0 * ci95[1]:.1f}]"


def _mean_interval(figure: dict[str, Any]) -> str:
    lo, hi = figure["ci95"]
    return f"{figure['mean']:.2f} [{lo:.2f}, {hi:.2f}]"


def usd(amount: float) -> str:
    """An amount in US dollars, in millions from a million on: ``'$12.4 M'``, ``'$850,000'``."""
    if abs(amount) >= 1e6:
        return f"${amount / 1e6:,.1f} M"
    return f"${amount:,.0f}"


def shortened(items: Sequence[str], limit: int = MAX_NAMES) -> str:
    """At most `limit` items joined by commas, then how many more there are."""
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return f"{shown}, … ({more} more)" if more > 0 else shown


def figure_cells(figure: dict[str, Any]) -> tuple[str, str, str]:
    """A, B and "B − A [95 % CI]" of one compared figure (the JSON form,
    :meth:`FigureComparison.to_json <airguard.results.compare.FigureComparison.to_json>`):
    probabilities in %, differences of probabilities in percentage points, costs in $."""
    kind, unit = figure["kind"], figure["unit"]

    def value(x: float | None) -> str:
        if x is None:
            return "—"
        if kind == "proportion":
            return percent(x)
        return usd(x) if unit == "usd" else f"{x:.2f}"

    def signed(x: float) -> str:  # with a true minus sign, as the documents print them
        if kind == "proportion":
            text = f"{100.0 * x:+.1f}"
        elif unit == "usd":
            text = ("+" if x >= 0 else "-") + usd(abs(x))
        else:
            text = f"{x:+.2f}"
        return text.replace("-", "−")

    d, ci = figure["difference"], figure["ci95"]
    if d is None:
        diff = "—"
    else:
        diff = signed(d) + (" pp" if kind == "proportion" else "")
        if ci is not None:
            diff += f" [{signed(ci[0])}, {signed(ci[1])}]"
    return value(figure["a"]), value(figure["b"]), diff


def summary_headline(summary: dict[str, Any]) -> list[str]:
    """Two lines of a summary's headline figures (the JSON form, :meth:`RunSummary.to_json
    <airguard.results.store.RunSummary.to_json>`): each asset's P(undamaged), then leakers,
    interceptors fired and their cost per raid."""
    assets = [
        f"{a['name']} {percent_interval(a['p_undamaged'], a['ci95'])}" for a in summary["assets"]
    ]
    fired = sum(summary["interceptors_fired"].values())
    return [
        f"P(undamaged): {shortened(assets)}",
        f"leakers per raid {_mean_interval(summary['leakers_total'])}; interceptors fired "
        f"per raid {fired:.2f} ({usd(summary['interceptor_cost_mean_usd'])})",
    ]


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(figure, value) rows of a summary for a table: every asset, leakers per raid (all
    types, then each), threats killed, interceptors fired by type and their cost."""
    rows = [
        (f"P({a['name']} undamaged) [95 % CI]", percent_interval(a["p_undamaged"], a["ci95"]))
        for a in summary["assets"]
    ]
    rows.append(("leakers per raid [95 % CI]", _mean_interval(summary["leakers_total"])))
    rows += [(f"leakers per raid: {k}", f"{v:.2f}") for k, v in summary["leakers_mean"].items()]
    if "threats_killed_mean" in summary:
        rows.append(("threats killed per raid", f"{summary['threats_killed_mean']:.2f}"))
    rows += [
        (f"interceptors fired per raid: {k}", f"{v:.2f}")
        for k, v in summary["interceptors_fired"].items()
    ]
    rows.append(("interceptor cost per raid", usd(summary["interceptor_cost_mean_usd"])))
    if "fratricides" in summary:
        rows.append(
            ("friendly aircraft shot down per raid", _mean_interval(summary["fratricides"]))
        )
    return rows


def html_table(
    caption: str, header: Sequence[str], rows: Iterable[Sequence[str]], *, note: str = ""
) -> str:
    """A compact HTML table: `caption` above, one row per item of `rows`, cells escaped;
    `note` (escaped) in a line below."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    foot = f"<div><small>{esc(note)}</small></div>" if note else ""
    return (
        f'<div class="airguard"><table><caption style="text-align:left">{esc(caption)}'
        f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}</div>"
    )
