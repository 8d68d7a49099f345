"""The report's charts, as inline SVG drawn by matplotlib.

Each function returns one ``<svg>`` element as text (no XML prolog), with its element
ids prefixed so that several charts can share one HTML page, and text kept as text
(``svg.fonttype = "none"``) so that the page stays small and searchable.  Figures are
built with :class:`matplotlib.figure.Figure` directly: no pyplot state, no display.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, cast

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from airguard.report.outcomes import Interval, RunFigures

P = ParamSpec("P")

__all__ = [
    "TIMELINE_COLOURS",
    "TIMELINE_FONT_PX",
    "TIMELINE_WIDTH_PX",
    "VARIANT_COLOURS",
    "cost_chart",
    "expenditure_chart",
    "leakers_chart",
    "sensitivity_chart",
    "survival_chart",
    "timeline_chart",
]

VARIANT_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")
"""One colour per run, in order (matplotlib's tab10 without red and grey)."""

CLASS_COLOURS = {
    "ballistic": "#c62828",
    "cruise": "#ef6c00",
    "drone": "#6a1b9a",
    "aircraft": "#00838f",
}
"""Threat classes as on the map (airguard/data/web/map.js)."""

TIMELINE_COLOURS = {**CLASS_COLOURS, "hostile aircraft": "#ad1457"}
"""Rows of the timeline by class: the threat classes, friendly flights as ``aircraft``, and
hostile aircraft (``flights`` with ``side: hostile``) apart from both."""

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "airguard",
    "font.size": 9.0,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10.0,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
}


def _styled(chart: Callable[P, str]) -> Callable[P, str]:
    """Run a chart function with the report's matplotlib style (fonts, spines, SVG text)."""

    @functools.wraps(chart)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        import matplotlib

        with matplotlib.rc_context(cast(Any, _RC)):
            return chart(*args, **kwargs)

    return wrapper


def _figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), layout="constrained")


def _svg(fig: Figure, chart_id: str) -> str:
    """The figure as one inline ``<svg>`` element whose ids start with `chart_id`."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(cast(Any, _RC)):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{chart_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{chart_id}-\1"', text)
    return text.replace("<svg ", f'<svg class="chart" data-chart="{chart_id}" role="img" ', 1)


def _bars(
    ax: Axes,
    categories: Sequence[str],
    runs: Sequence[RunFigures],
    value: Any,
    *,
    horizontal: bool,
) -> None:
    """Grouped bars, one group per category and one bar per run, with 95 % intervals."""
    n_runs = max(len(runs), 1)
    width = 0.8 / n_runs
    pos = np.arange(len(categories), dtype=np.float64)
    for r, run in enumerate(runs):
        est, lo, hi = (
            (np.array(x) for x in zip(*(value(run, c) for c in categories), strict=True))
            if categories
            else (np.array([]),) * 3
        )
        where = pos - 0.4 + width * (r + 0.5)
        err = np.vstack([np.maximum(est - lo, 0), np.maximum(hi - est, 0)])
        colour = VARIANT_COLOURS[r % len(VARIANT_COLOURS)]
        if horizontal:
            ax.barh(
                where,
                est,
                height=width * 0.9,
                color=colour,
                label=run.label,
                xerr=err,
                error_kw={"elinewidth": 1.0, "capsize": 2.5, "ecolor": "#333"},
            )
        else:
            ax.bar(
                where,
                est,
                width=width * 0.9,
                color=colour,
                label=run.label,
                yerr=err,
                error_kw={"elinewidth": 1.0, "capsize": 2.5, "ecolor": "#333"},
            )
    if horizontal:
        ax.set_yticks(pos, list(categories))
        ax.invert_yaxis()
    else:
        ax.set_xticks(pos, list(categories))


def _nothing(run: RunFigures, key: str) -> Interval:
    return (0.0, 0.0, 0.0)


@_styled
def survival_chart(runs: Sequence[RunFigures], chart_id: str = "survival") -> str:
    """P(asset undamaged) by asset and run, with Wilson 95 % intervals."""
    assets: list[str] = []
    for run in runs:
        assets += [a for a in run.assets if a not in assets]
    fig = _figure(7.2, 0.5 + 0.32 * len(assets) * max(len(runs), 1) ** 0.6 + 0.6)
    ax = fig.add_subplot()
    _bars(ax, assets, runs, lambda r, a: r.assets.get(a, (math.nan,) * 3), horizontal=True)
    ax.set_xlim(0, 1)
    ax.set_xlabel("P(asset undamaged) — fraction of replications with no hit, 95 % Wilson interval")
    ax.set_title("Survival by asset")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return _svg(fig, chart_id)


def _by_type_chart(
    runs: Sequence[RunFigures],
    figures: Callable[[RunFigures], dict[str, tuple[float, float, float]]],
    ylabel: str,
    title: str,
    chart_id: str,
) -> str:
    """Vertical bars of one per-type figure (mean, 95 % interval) for each run."""
    types: list[str] = []
    for run in runs:
        types += [t for t in figures(run) if t not in types]
    fig = _figure(7.2, 3.0)
    ax = fig.add_subplot()
    _bars(ax, types, runs, lambda r, t: figures(r).get(t, (0.0, 0.0, 0.0)), horizontal=False)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(axis="y", color="#ddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False)
    return _svg(fig, chart_id)


@_styled
def leakers_chart(runs: Sequence[RunFigures], chart_id: str = "leakers") -> str:
    """Mean leakers per raid by threat type and run, with 95 % intervals of the mean."""
    return _by_type_chart(
        runs,
        lambda r: r.leakers_by_type,
        "leakers per raid (mean, 95 % CI)",
        "Leakers by threat type",
        chart_id,
    )


@_styled
def expenditure_chart(runs: Sequence[RunFigures], chart_id: str = "expenditure") -> str:
    """Mean interceptors fired per raid by type and run, with 95 % intervals."""
    return _by_type_chart(
        runs,
        lambda r: r.fired_by_type,
        "interceptors fired per raid (mean, 95 % CI)",
        "Interceptor expenditure",
        chart_id,
    )


@_styled
def cost_chart(runs: Sequence[RunFigures], chart_id: str = "cost") -> str:
    """Interceptor cost per raid: the mean with its 95 % interval, and the spread over
    replications (5th to 95th percentile) per run."""
    fig = _figure(7.2, 0.9 + 0.45 * max(len(runs), 1))
    ax = fig.add_subplot()
    for r, run in enumerate(runs):
        colour = VARIANT_COLOURS[r % len(VARIANT_COLOURS)]
        est, lo, hi = (x / 1e6 for x in run.cost_usd)
        samples = run.per_replication.get("interceptor_cost_usd", np.array([run.cost_usd[0]])) / 1e6
        p5, p95 = np.percentile(samples, [5, 95]) if samples.size else (est, est)
        ax.plot(
            [p5, p95],
            [r, r],
            color=colour,
            alpha=0.35,
            linewidth=6,
            solid_capstyle="butt",
            label="5th–95th percentile over replications" if r == 0 else None,
        )
        ax.errorbar(
            [est],
            [r],
            xerr=[[est - lo], [hi - est]],
            fmt="o",
            color=colour,
            ecolor="#333",
            capsize=3,
            label="mean, 95 % CI" if r == 0 else None,
        )
        ax.annotate(
            f"${est:,.1f} M",
            (est, r),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
        )
    ax.set_yticks(range(len(runs)), [run.label for run in runs])
    ax.set_ylim(len(runs) - 0.4, -0.6)
    ax.set_xlabel("interceptor cost per raid, $ M (catalogue unit costs)")
    ax.set_title("Interceptor cost")
    ax.grid(axis="x", color="#ddd", linewidth=0.6)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return _svg(fig, chart_id)


@_styled
def sensitivity_chart(report: dict[str, Any], chart_id: str = "sensitivity", top: int = 10) -> str:
    """Total Sobol indices ST of the contested figures (rows, the `top` largest) for each
    outcome (columns) of one ``uncertainty.json`` report (docs/uncertainty.md)."""
    outcomes = [o["outcome"] for o in report["outcomes"]]
    figures = [f["figure"] for f in report["figures"]]
    st = np.array(
        [
            [
                next((i["ST"] for i in o["indices"] if i["figure"] == f), math.nan)
                for o in report["outcomes"]
            ]
            for f in figures
        ],
        dtype=np.float64,
    ).reshape(len(figures), len(outcomes))
    order = np.argsort(-np.nan_to_num(np.nanmax(st, axis=1, initial=-1.0), nan=-1.0))[:top]
    st = st[order]
    rows = [figures[k] for k in order]
    fig = _figure(7.6, 1.2 + 0.3 * len(rows))
    ax = fig.add_subplot()
    im = ax.imshow(np.clip(st, 0, 1), cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    for (i, j), v in np.ndenumerate(st):
        if math.isfinite(v):
            ax.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > 0.55 else "#222",
            )
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xticks(range(len(outcomes)), [_short(o) for o in outcomes], rotation=30, ha="right")
    name = report.get("variant") or report.get("scenario")
    ax.set_title(f"Which contested figure decides each outcome — total Sobol index ST ({name})")
    fig.colorbar(im, ax=ax, shrink=0.8, label="ST")
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    return _svg(fig, chart_id)


def _short(outcome: str) -> str:
    return outcome.replace(" undamaged", "").replace("interceptor cost per raid", "cost per raid")


def _nice_step(span: float, ticks: int = 8) -> float:
    """A round tick step (1, 2 or 5 × 10^k) giving about `ticks` ticks over `span`."""
    raw = max(span, 1e-9) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


TIMELINE_WIDTH_PX = 760.0
"""The timeline's drawn width: the report shows it at this width, one per row, or narrower
on a narrow window (report.css), so that its text keeps its size on a wide one."""

TIMELINE_FONT_PX = 12
"""The size of the timeline's tick labels, row labels and axis title (px at its drawn
width; the legend's one less): 11 px or more on a window 800 px wide."""


def timeline_chart(
    threats: Sequence[dict[str, Any]],
    engagements: Sequence[dict[str, Any]],
    duration_s: float,
    title: str,
    chart_id: str = "timeline",
) -> str:
    """One replication over time: a row per threat from launch to its end, its first
    detection, the interceptors fired at it and how they ended, kills and impacts.

    `threats` and `engagements` are rows of the run's ``threats`` and ``engagements``
    tables (docs/results-format.md) for that replication; `class` may be added to a
    threat row for its colour.  Drawn as SVG directly (a chart of simple marks, a few
    milliseconds instead of matplotlib's few hundred).
    """
    from html import escape

    rows = sorted(threats, key=lambda t: (t["launch_time_s"], t["threat"]))
    y_of = {int(t["threat"]): i for i, t in enumerate(rows)}
    row_h, left, right, top = 16.0, 132.0, 18.0, 32.0
    width = TIMELINE_WIDTH_PX
    plot_w = width - left - right
    plot_h = row_h * max(len(rows), 1)
    legend_y = top + plot_h + 52
    height = legend_y + 30

    ends = [_timeline_end(t, duration_s) for t in rows]
    ends += [float(e["end_time_s"]) for e in engagements if e.get("end_time_s") is not None]
    x_max = min(duration_s, max([*ends, 60.0]) * 1.05)
    ax = _TimeAxes(left, top, row_h, plot_w, plot_h, x_max)

    out: list[str] = [
        f'<svg class="chart" data-chart="{escape(chart_id)}" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left:.0f}" y="18" font-size="{TIMELINE_FONT_PX + 1}" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    out += _timeline_ticks(ax)
    marks: dict[str, list[str]] = {}
    out += _timeline_threats(ax, rows, ends, marks)
    out += _timeline_flights(ax, engagements, y_of, marks)
    for kind, (attrs, _) in _TIMELINE_MARKS.items():
        if kind in marks:
            out.append(f'<path class="mark-{kind}" d="{"".join(marks[kind])}" {attrs}/>')
    out.append(
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{plot_w:.1f}" height="{plot_h:.1f}" fill="none" stroke="#999"/>'
    )
    legend, legend_y = _timeline_legend(rows, marks, left, legend_y, width)
    out += legend
    out.append("</svg>")
    svg = "".join(out)
    if legend_y + 14 > height:  # the legend wrapped: make room for its last line
        svg = svg.replace(
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}"',
            f'height="{legend_y + 14:.0f}" viewBox="0 0 {width:.0f} {legend_y + 14:.0f}"',
            1,
        )
    return svg


@dataclass(frozen=True)
class _TimeAxes:
    """Where :func:`timeline_chart` draws: rows `row_h` px apart below `top`, and times
    from 0 to `x_max` s over `plot_w` px right of `left`."""

    left: float
    top: float
    row_h: float
    plot_w: float
    plot_h: float
    x_max: float

    def x(self, t: float) -> float:
        return self.left + self.plot_w * min(max(t, 0.0), self.x_max) / self.x_max

    def y(self, i: int) -> float:
        return self.top + self.row_h * (i + 0.5)


_TIMELINE_MARKS = {
    "earlier": ('fill="#777"', "launched before t = 0"),
    "detection": ('stroke="#111" stroke-width="1.4" fill="none"', "first detection"),
    "launch": ('stroke="#1565c0" stroke-width="1.2" fill="none"', "interceptor launched"),
    "end-kill": ('fill="#2e7d32"', "interceptor: kill"),
    "end-other": ('fill="#f9a825"', "interceptor: no kill"),
    "killed": ('stroke="#2e7d32" stroke-width="2.2" fill="none"', "threat killed"),
    "leaked": ('fill="#b71c1c"', "impact (leaker)"),
    "arm-lost": ('stroke="#b71c1c" stroke-width="1.4" fill="none"', "ARM lost its emitter"),
    "unreleased": ('stroke="#555" stroke-width="1.2" fill="none"', "never released"),
}
"""The timeline's marks, in drawing order: SVG attributes and legend text."""

_TIMELINE_SAMPLES = {
    "earlier": "M1 0l5 -4v8z",
    "detection": "M5 -5v10",
    "launch": "M5 -3v6",
    "end-kill": "M3.4 0a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0 -3.2 0",
    "end-other": "M3.4 0a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0 -3.2 0",
    "killed": "M1 -4l8 8m0 -8l-8 8",
    "leaked": "M1 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0",
    "arm-lost": "M1 0l4 -4l4 4l-4 4z",
    "unreleased": "M1 0a4 4 0 1 0 8 0a4 4 0 1 0 -8 0",
}
"""Each mark as drawn in the timeline's legend (SVG path)."""


def _timeline_end(t: dict[str, Any], duration_s: float) -> float:
    """When threat row `t` ends on the timeline: its kill or impact, else the end (s); a
    weapon never released ends where it would have been released (it never flew)."""
    if t.get("unreleased"):
        return min(float(t["launch_time_s"]), duration_s)
    finite = [
        float(v)
        for v in (t.get("kill_time_s"), t.get("impact_time_s"))
        if v is not None and math.isfinite(float(v))
    ]
    return min(min(finite) if finite else duration_s, duration_s)


def _timeline_ticks(ax: _TimeAxes) -> list[str]:
    """The time axis: a grid line and label at each round step, and the axis title."""
    out = []
    step = _nice_step(ax.x_max)
    tick = 0.0
    top, plot_h = ax.top, ax.plot_h
    while tick <= ax.x_max + 1e-9:
        xt = ax.x(tick)
        out.append(
            f'<line x1="{xt:.1f}" y1="{top:.1f}" x2="{xt:.1f}" y2="{top + plot_h:.1f}" stroke="#eee"/>'
            f'<text class="tick" x="{xt:.1f}" y="{top + plot_h + 16:.1f}" '
            f'font-size="{TIMELINE_FONT_PX}" text-anchor="middle">{tick:g}</text>'
        )
        tick += step
    out.append(
        f'<text x="{ax.left + ax.plot_w / 2:.1f}" y="{top + plot_h + 36:.1f}" '
        f'font-size="{TIMELINE_FONT_PX}" '
        f'text-anchor="middle">time from the scenario\'s t = 0 (s)</text>'
    )
    return out


def _timeline_threats(
    ax: _TimeAxes,
    rows: Sequence[dict[str, Any]],
    ends: Sequence[float],
    marks: dict[str, list[str]],
) -> list[str]:
    """A labelled line per threat row from launch to `ends[i]`; its marks (launched
    earlier, first detection, killed, leaked) go to `marks`."""
    from html import escape

    out = []
    left = ax.left
    for i, t in enumerate(rows):
        yy = ax.y(i)
        colour = (
            "#00838f" if t.get("friendly") else TIMELINE_COLOURS.get(str(t.get("class")), "#555")
        )
        x0, x1 = ax.x(float(t["launch_time_s"])), ax.x(ends[i])
        label = f"{t['threat']} {t['threat_type']}"
        out.append(
            f'<g class="threat-row" data-threat="{int(t["threat"])}">'
            f'<text x="{left - 6:.0f}" y="{yy + 4:.1f}" font-size="{TIMELINE_FONT_PX}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<line x1="{x0:.1f}" y1="{yy:.1f}" x2="{max(x1, x0 + 1):.1f}" y2="{yy:.1f}" stroke="{colour}" '
            f'stroke-width="3.2"/></g>'
        )
        if float(t["launch_time_s"]) < 0.0:
            marks.setdefault("earlier", []).append(f"M{x0 + 1:.1f} {yy:.1f}l5 -4v8z")
        det = t.get("first_detection_s")
        if det is not None and math.isfinite(float(det)):
            xd = ax.x(float(det))
            marks.setdefault("detection", []).append(f"M{xd:.1f} {yy - 5:.1f}v10")
        if t.get("unreleased"):
            marks.setdefault("unreleased", []).append(
                f"M{x0 - 4:.1f} {yy:.1f}a4 4 0 1 0 8 0a4 4 0 1 0 -8 0"
            )
        elif t.get("killed"):
            marks.setdefault("killed", []).append(f"M{x1 - 4:.1f} {yy - 4:.1f}l8 8m0 -8l-8 8")
        elif t.get("arm_lost"):
            marks.setdefault("arm-lost", []).append(f"M{x1 - 4:.1f} {yy:.1f}l4 -4l4 4l-4 4z")
        elif t.get("leaked"):
            marks.setdefault("leaked", []).append(
                f"M{x1 - 4:.1f} {yy:.1f}a4 4 0 1 0 8 0a4 4 0 1 0 -8 0"
            )
    return out


def _timeline_flights(
    ax: _TimeAxes,
    engagements: Sequence[dict[str, Any]],
    y_of: dict[int, int],
    marks: dict[str, list[str]],
) -> list[str]:
    """Each interceptor's flight under the row of the threat it was first fired at (row
    `y_of[threat]`); its launch and end marks go to `marks`."""
    x = ax.x
    flights: list[str] = []
    for e in engagements:
        target = e.get("first_target")
        row = y_of.get(int(target if target is not None else e["target"]))
        if row is None:
            continue
        yy = ax.y(row) + 5.2
        t0 = float(e["launch_time_s"])
        t1 = float(e["end_time_s"]) if e.get("end_time_s") is not None else t0
        flights.append(f"M{x(t0):.1f} {yy:.1f}H{x(t1):.1f}")
        marks.setdefault("launch", []).append(f"M{x(t0):.1f} {yy - 2.5:.1f}v5")
        kind = "end-kill" if e.get("outcome") == "kill" else "end-other"
        marks.setdefault(kind, []).append(
            f"M{x(t1) - 1.6:.1f} {yy:.1f}a1.6 1.6 0 1 0 3.2 0a1.6 1.6 0 1 0 -3.2 0"
        )
    if not flights:
        return []
    return [
        f'<path d="{"".join(flights)}" stroke="#1565c0" stroke-width="0.8" stroke-opacity="0.6" fill="none"/>'
    ]


def _timeline_legend(
    rows: Sequence[dict[str, Any]],
    marks: dict[str, list[str]],
    left: float,
    legend_y: float,
    width: float,
) -> tuple[list[str], float]:
    """The legend of the classes and marks drawn, in lines from (`left`, `legend_y`) px
    that wrap before `width`; and the y (px) of its last line."""
    from html import escape

    legend: list[tuple[str, str]] = [
        (f'<line x1="0" y1="0" x2="14" y2="0" stroke="{c}" stroke-width="3.2"/>', k)
        for k, c in TIMELINE_COLOURS.items()
        if any(str(t.get("class")) == k or (k == "aircraft" and t.get("friendly")) for t in rows)
    ]
    legend += [
        (f'<path d="{_TIMELINE_SAMPLES[k]}" {_TIMELINE_MARKS[k][0]}/>', _TIMELINE_MARKS[k][1])
        for k in _TIMELINE_MARKS
        if k in marks
    ]
    out = []
    lx = left
    for symbol, text in legend:
        out.append(
            f'<g transform="translate({lx:.1f} {legend_y:.1f})">{symbol}'
            f'<text x="18" y="4" font-size="{TIMELINE_FONT_PX - 1}">{escape(text)}</text></g>'
        )
        lx += 28 + 6.2 * len(text)
        if lx > width - 110:
            legend_y += 17
            lx = left
    return out, legend_y
