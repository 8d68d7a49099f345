"""The HTML report of one or more runs: one self-contained file that works offline.

``airguard report RUN [--vs RUN2] --out report.html`` (:func:`write_report`) reads the
stored tables of each run directory (a variant's, or a parent holding several variants)
and writes one page with everything inline — the map's script and data, the styles, the
charts as SVG — so that it opens from disk with no network:

- **Map** of the region for each run: Natural Earth land, coastlines and borders
  (shipped with airguard), the defended assets with their damage radii, the fire units
  and sensors, coverage footprints (when :mod:`airguard.studies.coverage` is available) or else
  each unit's longest nominal interceptor range, the threat axes (launch area, route,
  aim point), and the ground tracks of the representative replication.
- **Outcomes**: every figure of each run with its 95 % interval
  (:mod:`airguard.report.outcomes`), side by side, and the difference of each run from
  the first with the paired or independent interval of :func:`airguard.results.compare.compare_runs`.
- **Charts**: survival by asset, leakers by threat type, interceptor expenditure and
  cost, and — when the run directory holds an ``uncertainty.json`` from
  ``airguard run --uncertainty --out`` — the sensitivity ranking (total Sobol indices).
- **Timeline** of one representative replication per run
  (:func:`airguard.scene.playback.representative_replication`: closest to the median
  outcome).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airguard._version import __version__
from airguard.errors import InputError
from airguard.report.chain import explanation_html, funnel_html, robustness_html, run_funnel
from airguard.report.markup import esc, inline_script, json_script
from airguard.scene.web import web_asset

if TYPE_CHECKING:
    from airguard.report.outcomes import Interval, RunFigures
    from airguard.report.studies import ExposureStudy, PlacementDoc
    from airguard.results.compare import Comparison
    from airguard.results.explain import Explanation
    from airguard.scenario import Scenario

__all__ = ["ReportInfo", "build_report", "find_uncertainty", "write_report"]

TRACK_STEP_S = 10.0
"""Sampling of the representative replication's ground tracks on the report's map (s)."""


@dataclass
class ReportInfo:
    """What :func:`write_report` wrote, and how long it took."""

    path: Path
    runs: list[Path]
    representative: dict[str, int]
    seconds: float
    notes: list[str] = field(default_factory=list)
    placement: list[Path] = field(default_factory=list)
    exposure: list[Path] = field(default_factory=list)


def find_uncertainty(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """The sensitivity reports (``uncertainty.json``, docs/uncertainty.md) found in the
    given run directories, their variant subdirectories or their parents."""
    seen: set[Path] = set()
    reports: list[dict[str, Any]] = []
    candidates: list[Path] = []
    for p in paths:
        candidates += [p / "uncertainty.json", p.parent / "uncertainty.json"]
        candidates += sorted(p.glob("*/uncertainty.json"))
    for c in candidates:
        r = c.resolve()
        if r in seen or not c.is_file():
            continue
        seen.add(r)
        reports += _read_uncertainty(c)
    return reports


def _robustness_docs(
    given: Sequence[str | Path] | None, run_paths: Sequence[str | Path]
) -> list[dict[str, Any]]:
    """The robustness files given, else those found beside the runs (or their parents)."""
    if given is None:
        found: list[Path] = []
        for p in map(Path, run_paths):
            for c in (p / "robustness.json", p.parent / "robustness.json"):
                if c.is_file() and c.resolve() not in {f.resolve() for f in found}:
                    found.append(c)
        paths = found
    else:
        paths = [Path(g) for g in given]
    docs = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the robustness file: {exc}", file=str(path)) from None
        if not isinstance(data, dict) or not {"verdicts", "sentences", "a", "b"} <= set(data):
            raise InputError(
                "expected an object with 'a', 'b', 'verdicts' and 'sentences' "
                "(as airguard compare --uncertainty --out writes)",
                file=str(path),
            )
        docs.append(data)
    return docs


def _read_uncertainty(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the sensitivity report: {exc}", file=str(path)) from None
    items = data if isinstance(data, list) else [data]
    for k, item in enumerate(items):
        if not isinstance(item, dict) or not {"outcomes", "figures"} <= set(item):
            raise InputError(
                f"item {k}: expected an object with 'outcomes' and 'figures' "
                "(as airguard run --uncertainty writes)",
                file=str(path),
            )
    return items


# ---------------------------------------------------------------- formatting


def _p(x: Interval) -> str:
    return f'{x[0]:.3f} <span class="ci">[{x[1]:.3f}, {x[2]:.3f}]</span>'


def _m(x: Interval, digits: int = 2) -> str:
    return f'{x[0]:.{digits}f} <span class="ci">[{x[1]:.{digits}f}, {x[2]:.{digits}f}]</span>'


def _usd(x: Interval) -> str:
    return f'${x[0] / 1e6:,.1f} M <span class="ci">[{x[1] / 1e6:,.1f}, {x[2] / 1e6:,.1f}]</span>'


def _diff(value: float | None, ci: Sequence[float] | None, unit: str) -> tuple[str, bool]:
    if value is None:
        return "—", False
    scale, fmt = (1e6, "{:+,.1f}") if unit == "usd" else (1.0, "{:+.3f}")
    text = fmt.format(value / scale) + (" $ M" if unit == "usd" else "")
    if ci is None:
        return text, False
    lo, hi = ci[0] / scale, ci[1] / scale
    significant = lo > 0 or hi < 0
    return text + f' <span class="ci">[{fmt.format(lo)}, {fmt.format(hi)}]</span>', significant


def _labels(runs: Sequence[RunFigures]) -> list[str]:
    """Column titles: the variant, with its directory where two runs share a name."""
    plain = [r.label for r in runs]
    return [
        f"{lab} ({r.run_dir.parent.name}/{r.run_dir.name})" if plain.count(lab) > 1 else lab
        for lab, r in zip(plain, runs, strict=True)
    ]


def _outcome_table(runs: Sequence[RunFigures], labels: Sequence[str]) -> str:
    head = "".join(f"<th>{esc(lab)}</th>" for lab in labels)
    rows: list[str] = []

    def group(title: str) -> None:
        rows.append(f'<tr class="group"><td colspan="{len(runs) + 1}">{esc(title)}</td></tr>')

    def row(label: str, cells: Sequence[str], key: str) -> None:
        tds = "".join(f"<td>{c}</td>" for c in cells)
        rows.append(f'<tr data-figure="{esc(key)}"><td>{esc(label)}</td>{tds}</tr>')

    assets: list[str] = []
    for r in runs:
        assets += [a for a in r.assets if a not in assets]
    group("Survival: P(asset undamaged), 95 % Wilson interval")
    for a in assets:
        row(a, [_p(r.assets[a]) if a in r.assets else "—" for r in runs], f"p_undamaged/{a}")
    group("Leakers per raid (mean, 95 % interval)")
    row("all types", [_m(r.leakers_total) for r in runs], "leakers_per_raid")
    types: list[str] = []
    for r in runs:
        types += [t for t in r.leakers_by_type if t not in types]
    for t in types:
        row(
            t,
            [_m(r.leakers_by_type.get(t, (0.0, 0.0, 0.0))) for r in runs],
            f"leakers_per_raid/{t}",
        )
    group("Engagement")
    row("threats killed per raid", [_m(r.killed) for r in runs], "threats_killed_per_raid")
    row("assets damaged per raid", [_m(r.assets_damaged) for r in runs], "assets_damaged_per_raid")
    itypes: list[str] = []
    for r in runs:
        itypes += [t for t in r.fired_by_type if t not in itypes]
    for t in itypes:
        row(
            f"interceptors fired per raid: {t}",
            [_m(r.fired_by_type[t], 1) if t in r.fired_by_type else "—" for r in runs],
            f"interceptors_fired_per_raid/{t}",
        )
    row(
        "interceptor cost per raid",
        [_usd(r.cost_usd) for r in runs],
        "interceptor_cost_per_raid_usd",
    )
    if any(r.fratricide is not None for r in runs):
        row(
            "P(a friendly aircraft shot down)",
            [_p(r.fratricide) if r.fratricide is not None else "—" for r in runs],
            "p_fratricide",
        )
    # hostile aircraft, weapons they never released, ARMs and emission control: rows only
    # where a run has them (a run without shows "—")
    for label, key, attr, fmt in (
        ("hostile aircraft shot down per raid", "aircraft_killed_per_raid", "aircraft_killed", _m),
        ("P(a hostile aircraft shot down)", "p_aircraft_killed", "p_aircraft_killed", _p),
        ("weapons never released per raid (carrier shot down)", "unreleased_per_raid",
         "unreleased", _m),
        ("ARMs lost to emission control per raid", "arm_lost_per_raid", "arm_lost", _m),
        ("radar silence per raid (s, summed over units and sensors)", "radar_silent_s_per_raid",
         "radar_silent_s", _m),
    ):  # fmt: skip
        values = [getattr(r, attr) for r in runs]
        if any(v is not None for v in values):
            row(label, [fmt(v) if v is not None else "—" for v in values], key)
    group("Run")
    row("replications", [str(r.replications) for r in runs], "replications")
    row("seed", [str(r.seed) for r in runs], "seed")
    return (
        f'<table class="figures" id="outcomes-table"><thead><tr><th>figure</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _comparison_table(
    base_label: str, labels: Sequence[str], comparisons: Sequence[Comparison]
) -> str:
    if not comparisons:
        return ""
    head = "".join(f"<th>{esc(lab)} − {esc(base_label)}</th>" for lab in labels)
    keys: list[str] = []
    label_of: dict[str, str] = {}
    unit_of: dict[str, str] = {}
    for c in comparisons:
        for f in c.figures:
            if f.key not in keys:
                keys.append(f.key)
                label_of[f.key] = f.label
                unit_of[f.key] = f.unit
    rows = []
    for key in keys:
        cells = []
        for c in comparisons:
            fig = next((f for f in c.figures if f.key == key), None)
            text, sig = _diff(
                None if fig is None else fig.difference,
                None if fig is None else fig.ci95,
                unit_of[key],
            )
            cells.append(f'<td class="{"significant" if sig else ""}">{text}</td>')
        rows.append(
            f'<tr data-figure="{esc(key)}"><td>{esc(label_of[key])}</td>{"".join(cells)}</tr>'
        )
    notes = "".join(
        f"<li><b>{esc(lab)}</b>: {esc(c.pairing.rstrip('.'))}. Methods: "
        f"{esc(c.to_json()['methods']['proportion'])} (proportions), "
        f"{esc(c.to_json()['methods']['mean'])} (means).</li>"
        for lab, c in zip(labels, comparisons, strict=True)
    )
    return (
        f"<h3>Differences from {esc(base_label)} (95 % interval; bold where it excludes 0)</h3>"
        f'<table class="figures" id="comparison-table"><thead><tr><th>figure</th>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table><ul class="note">{notes}</ul>'
    )


# ---------------------------------------------------------------- report


def _replication_rows(run_dir: Path, k: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from airguard.results.store import query

    threats = query(
        run_dir, f"SELECT * FROM threats WHERE replication = {int(k)} ORDER BY threat"
    ).to_pylist()
    engagements = query(
        run_dir, f"SELECT * FROM engagements WHERE replication = {int(k)} ORDER BY launch_time_s"
    ).to_pylist()
    return threats, engagements


def _replication_summary(threats: list[dict[str, Any]], engagements: list[dict[str, Any]]) -> str:
    """One replication in a sentence: its threats (not flights, nor weapons never released),
    its hostile aircraft, weapons never released and ARMs lost where it has them, and the
    interceptors fired."""
    aircraft = [t for t in threats if t.get("aircraft")]
    unreleased = [t for t in threats if t.get("unreleased")]
    hostile = [
        t for t in threats if not (t.get("friendly") or t.get("aircraft") or t.get("unreleased"))
    ]
    killed = sum(1 for t in hostile if t.get("killed"))
    leaked = [t for t in hostile if t.get("leaked")]
    outcomes: dict[str, int] = {}
    for e in engagements:
        outcomes[str(e["outcome"])] = outcomes.get(str(e["outcome"]), 0) + 1
    by_type: dict[str, int] = {}
    for t in leaked:
        by_type[str(t["threat_type"])] = by_type.get(str(t["threat_type"]), 0) + 1
    arm_lost = sum(1 for t in hostile if t.get("arm_lost"))
    parts = [
        f"{len(hostile)} threats: {killed} killed, {len(leaked)} leaked"
        + (f" ({', '.join(f'{n} {k}' for k, n in by_type.items())})" if by_type else "")
        + (f", {arm_lost} ARMs lost their emitter (radar silence)" if arm_lost else ""),
    ]
    if aircraft:
        down = sum(1 for t in aircraft if t.get("killed"))
        parts.append(f"{len(aircraft)} hostile aircraft: {down} shot down")
    if unreleased:
        parts.append(f"{len(unreleased)} weapons never released (carrier shot down first)")
    parts += [
        f"{len(engagements)} interceptors fired ("
        + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items(), key=lambda kv: -kv[1]))
        + ")"
        if engagements
        else "no interceptor fired",
    ]
    return "; ".join(parts) + "."


def build_report(
    run_paths: Sequence[str | Path],
    *,
    vs: Sequence[str | Path] = (),
    uncertainty: Sequence[str | Path] = (),
    tracks: bool = True,
    placement: Sequence[str | Path] | None = None,
    exposure: Sequence[str | Path] | None = None,
    robustness: Sequence[str | Path] | None = None,
) -> tuple[str, ReportInfo]:
    """The report's HTML text for the runs at `run_paths` (and `vs`), side by side.

    Each path is a variant's run directory or a parent holding several
    (:func:`airguard.results.store.run_dirs`).  Sensitivity reports are read from the files in
    `uncertainty`, else looked for beside the runs (:func:`find_uncertainty`).  With
    `tracks`, each map shows the representative replication's ground tracks (which runs
    it again: the scenario file must be unchanged).

    `placement` (files of ``airguard optimize --out``) and `exposure` (directories of
    ``airguard exposure --out``, or their ``exposure.json``) add the Placement and Exposure
    sections (:mod:`airguard.report.studies`); None (the default) looks for
    ``placement.json`` and ``exposure/`` inside the run directories given, ``[]`` adds none.

    `robustness` (files of ``airguard compare --uncertainty --out``: ``robustness.json``)
    opens the report with the conclusions that hold over the plausible worlds and those
    that flip; None looks for ``robustness.json`` beside the runs.

    Raises
    ------
    InputError
        If a path is not a finished run, a sensitivity report cannot be read, or a study
        file is missing or malformed (naming the file and the field).
    """
    from airguard.report import charts
    from airguard.report.outcomes import run_figures
    from airguard.scene import scene_box
    from airguard.scene.playback import representative_replication

    started = time.perf_counter()
    dirs = _run_dirs([*run_paths, *vs])
    runs = [run_figures(d) for d in dirs]
    labels = _labels(runs)
    notes: list[str] = []
    scenarios = _scenarios(dirs, notes)
    known = [s[0] for s in scenarios if s is not None]
    box = scene_box(known) if known else None
    reports = _sensitivity_reports(uncertainty, runs, [*run_paths, *vs])

    placement_docs, exposure_docs = _study_docs(run_paths, placement, exposure)

    representative: dict[str, int] = {}
    map_blocks: list[str] = []
    data_blocks: list[str] = []
    timeline_blocks: list[str] = []
    for i, (run, label, sc) in enumerate(zip(runs, labels, scenarios, strict=True)):
        rep = representative_replication(run.run_dir)
        k = int(rep["replication"])
        representative[label] = k
        threats, engagements = _replication_rows(run.run_dir, k)
        classes: dict[str, str] = {}
        if sc is not None:
            map_block, data_block, classes = _map_block(i, run, label, sc, k, box, tracks, notes)
            data_blocks.append(data_block)
            map_blocks.append(map_block)
        timeline_blocks.append(
            _timeline_block(i, run, label, sc, rep, threats, engagements, classes)
        )

    comparisons = _comparisons(runs, notes)
    chart_blocks = [
        charts.survival_chart(runs),
        charts.leakers_chart(runs),
        charts.expenditure_chart(runs),
        charts.cost_chart(runs),
    ]
    sens_blocks = _sensitivity_blocks(reports)

    robust_docs = _robustness_docs(robustness, [*run_paths, *vs])
    sections = (
        []
        if not robust_docs
        else [
            ("conclusions", "Conclusions over the plausible worlds", robustness_html(robust_docs))
        ]
    )
    sections += [
        ("map", "Map", _map_section(map_blocks)),
        (
            "outcomes",
            "Outcomes",
            _outcome_table(runs, labels) + _comparison_table(labels[0], labels[1:], comparisons),
        ),
        ("charts", "Charts", '<div class="charts">' + "".join(chart_blocks) + "</div>"),
        ("kill-chain", "Kill chain", funnel_html(labels, [run_funnel(r.run_dir) for r in runs])),
    ]
    explanations = _explanations(runs, notes)
    if explanations:
        sections.append(("why", "Why they differ", explanation_html(explanations)))
    if sens_blocks:
        sections.append(("sensitivity", "Sensitivity", "".join(sens_blocks)))
    sections += _study_sections(placement_docs, exposure_docs, data_blocks, notes)
    sections.append(
        (
            "timeline",
            "Representative replication",
            f'<div class="timelines">{"".join(timeline_blocks)}</div>',
        )
    )
    sections.append(("method", "Method", _method_note(notes)))
    page = _page(runs, labels, dirs, bool(vs), known, sections, data_blocks)
    info = ReportInfo(
        path=Path(),
        runs=dirs,
        placement=[d.path for d in placement_docs],
        exposure=[e.path for e in exposure_docs],
        representative=representative,
        seconds=time.perf_counter() - started,
        notes=notes,
    )
    return page, info


def _run_dirs(paths: Sequence[str | Path]) -> list[Path]:
    """The variants' run directories at or under `paths` (InputError if there are none)."""
    from airguard.results.store import run_dirs

    dirs: list[Path] = []
    for p in paths:
        try:
            dirs += run_dirs(p)
        except FileNotFoundError as exc:
            raise InputError(str(exc)) from None
    return dirs


def _scenarios(dirs: Sequence[Path], notes: list[str]) -> list[tuple[Scenario, list[str]] | None]:
    """Each run's scenario and its warnings, or None (with a note) where it cannot be read."""
    from airguard.scene import run_scenario

    scenarios: list[tuple[Scenario, list[str]] | None] = []
    for d in dirs:
        try:
            scenarios.append(run_scenario(d))
        except InputError as exc:
            scenarios.append(None)
            notes.append(f"{d}: no map ({exc})")
    return scenarios


def _sensitivity_reports(
    uncertainty: Sequence[str | Path], runs: Sequence[RunFigures], paths: Sequence[str | Path]
) -> list[dict[str, Any]]:
    """The sensitivity reports in the files `uncertainty`, else those beside the runs."""
    if uncertainty:
        return [r for path in uncertainty for r in _read_uncertainty(Path(path))]
    # found beside the runs: only those about these runs' scenarios and variants
    ours = {(r.scenario, r.variant) for r in runs}
    return [
        r
        for r in find_uncertainty([Path(p) for p in paths])
        if (r.get("scenario"), r.get("variant")) in ours
    ]


def _study_docs(
    run_paths: Sequence[str | Path],
    placement: Sequence[str | Path] | None,
    exposure: Sequence[str | Path] | None,
) -> tuple[list[PlacementDoc], list[ExposureStudy]]:
    """The placement and exposure studies given, or (None) those found in the runs."""
    from airguard.report import studies

    found_placement, found_exposure = studies.find_studies([Path(p) for p in run_paths])
    placement_docs = [
        studies.load_placement(p)
        for p in (found_placement if placement is None else [Path(x) for x in placement])
    ]
    exposure_docs = [
        studies.load_exposure(p)
        for p in (found_exposure if exposure is None else [Path(x) for x in exposure])
    ]
    return placement_docs, exposure_docs


def _study_sections(
    placement_docs: Sequence[PlacementDoc],
    exposure_docs: Sequence[ExposureStudy],
    data_blocks: list[str],
    notes: list[str],
) -> list[tuple[str, str, str]]:
    """The Placement and Exposure sections; their scripts go to `data_blocks`, the exposure
    studies' notes to `notes`."""
    from airguard.report import studies

    sections = []
    for j, doc in enumerate(placement_docs):
        content, script = studies.placement_block(doc, j)
        sections.append((f"placement{'-' + str(j) if j else ''}", "Placement", content))
        data_blocks.append(script)
    for j, study in enumerate(exposure_docs):
        content, script = studies.exposure_block(study, j)
        sections.append((f"exposure{'-' + str(j) if j else ''}", "Exposure", content))
        if script:
            data_blocks.append(script)
        notes += study.notes
    return sections


def _map_block(
    i: int,
    run: RunFigures,
    label: str,
    sc: tuple[Scenario, list[str]],
    k: int,
    box: tuple[float, float, float, float] | None,
    tracks: bool,
    notes: list[str],
) -> tuple[str, str, dict[str, str]]:
    """Run i's map: its figure, the script holding its data (with the ground tracks of
    replication k when `tracks`), and the class of each threat type."""
    from airguard.scene import scene
    from airguard.scene.footprints import coverage_features
    from airguard.scene.playback import playback
    from airguard.world import compile_world

    scenario, warnings = sc
    world = compile_world(scenario)
    cov, why = coverage_features(world, box)
    if why and why not in notes:
        notes.append(why)
    data = scene(scenario, box=box, coverage=cov, warnings=warnings)
    if tracks and not warnings:
        try:
            pb = playback(run.run_dir, k, step_s=TRACK_STEP_S, scenario=scenario, world=world)
            data["replication"] = {
                "replication": k,
                "threats": [
                    {kk: v for kk, v in t.items() if kk != "interceptors"} for t in pb["threats"]
                ],
            }
        except (InputError, RuntimeError, OSError) as exc:
            warnings = [*warnings, f"no ground tracks: {exc}"]
    warn = "".join(f'<p class="warning">{esc(w)}</p>' for w in warnings)
    figure = (
        f"<figure><figcaption>{esc(label)}</figcaption>"
        f'<div class="map-holder" data-scene="scene-{i}" id="map-{i}"></div>{warn}</figure>'
    )
    classes = {r["threat"]: r["threat_class"] for r in data["raids"]}
    return figure, json_script(f"scene-{i}", data), classes


def _timeline_block(
    i: int,
    run: RunFigures,
    label: str,
    sc: tuple[Scenario, list[str]] | None,
    rep: dict[str, Any],
    threats: list[dict[str, Any]],
    engagements: list[dict[str, Any]],
    classes: dict[str, str],
) -> str:
    """Run i's representative replication `rep`: why it was chosen, and its timeline."""
    from airguard.report import charts

    k = int(rep["replication"])
    for t in threats:
        t["class"] = (
            "aircraft"
            if t.get("friendly")
            else "hostile aircraft"
            if t.get("aircraft")
            else classes.get(t["threat_type"], "unknown")
        )
    duration = (
        float(sc[0].body.duration)
        if sc is not None
        else max([float(t.get("impact_time_s") or 0.0) for t in threats] + [60.0])
    )
    medians = rep["median"]
    return (
        f'<div class="timeline" data-run="{esc(label)}" data-replication="{k}">'
        f"<h3>{esc(label)}: replication {k}</h3>"
        f'<p class="note">{esc(_replication_summary(threats, engagements))} Chosen as closest to '
        f"the median outcome: {int(rep['leakers'])} leakers (median {medians['leakers']:g}), "
        f"{int(rep['assets_damaged'])} assets damaged (median {medians['assets_damaged']:g}), "
        f"interceptor cost ${rep['interceptor_cost_usd'] / 1e6:,.1f} M (median "
        f"${medians['interceptor_cost_usd'] / 1e6:,.1f} M). Play it back with "
        f"<code>airguard serve</code> or export it with <code>airguard export {esc(run.run_dir)} "
        f"--rep {k} --format czml</code>.</p>"
        + charts.timeline_chart(
            threats,
            engagements,
            duration,
            f"Replication {k} of {label}: threats over time",
            chart_id=f"timeline-{i}",
        )
        + "</div>"
    )


def _comparisons(runs: Sequence[RunFigures], notes: list[str]) -> list[Comparison]:
    """Each run after the first compared with the first (a note where that fails)."""
    from airguard.results.compare import compare_runs

    comparisons = []
    for r in runs[1:]:
        try:
            comparisons.append(compare_runs(runs[0].run_dir, r.run_dir))
        except (OSError, ValueError) as exc:
            notes.append(f"no comparison of {r.label} with {runs[0].label}: {exc}")
    return comparisons


def extended_run(labels: Sequence[str], i: int) -> int | None:
    """The index of the run whose label run `i`'s label extends (``patriot-nato-sead``
    extends ``patriot-nato``, the longest such label), or None when it extends none."""
    bases = [j for j, lab in enumerate(labels) if j != i and labels[i].startswith(lab + "-")]
    return max(bases, key=lambda j: len(labels[j]), default=None)


def _explanations(runs: Sequence[RunFigures], notes: list[str]) -> list[Explanation]:
    """Each run after the first explained against the first, and also against the run it
    extends by name when that is not the first (``s-400-sead`` against ``s-400``: what the
    added raid or rule changes for the same system); a note where one fails."""
    from airguard.results.explain import explain_runs

    labels = [r.label for r in runs]
    pairs = [(0, i) for i in range(1, len(runs))]
    for i in range(1, len(runs)):
        base = extended_run(labels, i)
        if base is not None and base != 0:
            pairs.append((base, i))
    out = []
    for a, b in pairs:
        try:
            out.append(explain_runs(runs[a].run_dir, runs[b].run_dir))
        except (OSError, ValueError) as exc:
            notes.append(f"no explanation of {runs[b].label} against {runs[a].label}: {exc}")
    return out


def _sensitivity_blocks(reports: Sequence[dict[str, Any]]) -> list[str]:
    """Each sensitivity report's chart of total Sobol indices, with its summary."""
    from airguard.report import charts

    sens_blocks = []
    for j, rep_json in enumerate(reports):
        sentences = "".join(f"<li>{esc(s)}</li>" for s in rep_json.get("summary", []))
        sens_blocks.append(
            f'<div class="sensitivity" data-variant="{esc(rep_json.get("variant") or "")}">'
            + charts.sensitivity_chart(rep_json, chart_id=f"sensitivity-{j}")
            + f'<p class="note">{esc(rep_json.get("designs", "?"))} designs × '
            f"{esc(rep_json.get('replications_per_design', '?'))} replications; "
            f"{esc(rep_json.get('distribution', ''))}.</p>"
            f'<ul class="sentences">{sentences}</ul></div>'
        )
    return sens_blocks


def _map_section(map_blocks: Sequence[str]) -> str:
    """The maps, with a note on how to read them (or a warning that there are none)."""
    return (
        f'<div class="maps">{"".join(map_blocks)}</div>'
        '<p class="note">Equirectangular projection about the centre of the region (distances '
        "within a few per cent). Borders: Natural Earth 1:50m (public domain). Shaded: each "
        "unit's footprint against the threat type chosen on the map (engagement: an intercept "
        "is possible there; detection: one look detects with P ≥ 0.5; airguard.studies.coverage, at the "
        "threat type's altitude). Dashed rings (off when footprints are shown): each unit's "
        "longest nominal interceptor range (catalogue). Arrows: threat axes from the launch area "
        "through the waypoints to the aim point. Drag to pan, scroll to zoom.</p>"
        if map_blocks
        else '<p class="warning">No map: the scenario files are missing.</p>'
    )


def _page(
    runs: Sequence[RunFigures],
    labels: Sequence[str],
    dirs: Sequence[Path],
    vs: bool,
    known: Sequence[Scenario],
    sections: Sequence[tuple[str, str, str]],
    data_blocks: Sequence[str],
) -> str:
    """The whole HTML page: the `sections` (id, title, content), with a navigation bar,
    and after them the `data_blocks`, the map's and the report's scripts."""
    first = runs[0]
    title = first.scenario + (
        " vs " + runs[-1].scenario if vs and runs[-1].scenario != first.scenario else ""
    )
    description = known[0].body.description if known else ""
    nav = "".join(f'<a href="#{sid}">{esc(name)}</a>' for sid, name, _ in sections)
    body = "".join(
        f'<section id="{sid}"><h2>{esc(name)}</h2>{content}</section>'
        for sid, name, content in sections
    )
    meta = f"{len(runs)} run{'s' if len(runs) > 1 else ''}: " + ", ".join(
        f"{esc(lab)} ({r.replications} replications, seed {r.seed})"
        for lab, r in zip(labels, runs, strict=True)
    )
    footer = (
        f"Made by airguard {esc(__version__)} on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"from {', '.join(esc(d) for d in dirs)}. Self-contained: no network needed."
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="airguard {esc(__version__)}">
<title>airguard report — {esc(title)}</title>
<link rel="icon" href="data:,">
<style>
{web_asset("report.css")}
{web_asset("map.css")}
</style>
</head>
<body>
<header><h1>{esc(title)}</h1><p>{esc(description)}</p><p>{meta}</p></header>
<nav>{nav}</nav>
<main>
{body}
</main>
<footer>{footer}</footer>
{"".join(data_blocks)}
{inline_script(web_asset("map.js"))}
{inline_script(web_asset("report.js"))}
</body>
</html>
"""


def _method_note(notes: Sequence[str]) -> str:
    items = [
        "P(asset undamaged) is the fraction of replications in which the asset took no hit, with "
        "the 95 % Wilson score interval (Wilson 1927). Means per raid carry the normal-approximation "
        "95 % interval of the mean (clipped at 0), as in the run's JSON summary.",
        "Differences are those of <code>airguard compare</code>: paired (Newcombe's method 10, paired "
        "t) when both runs used the same seed and replications, independent (Newcombe's hybrid score, "
        "Welch) otherwise.",
        "The representative replication of a run is the one closest to its median outcome: the "
        "smallest |leakers − median|, then |assets damaged − median|, then |interceptor cost − "
        "median|, then the lowest replication number.",
        "Ground tracks are the engine's true threat trajectories of that replication, run again "
        "from its seed (sampled every 10 s here).",
        "Interceptor costs are catalogue unit costs; launchers and radars are not included.",
    ]
    items += [esc(n) for n in notes]
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def write_report(
    run_paths: Sequence[str | Path],
    out: str | Path,
    *,
    vs: Sequence[str | Path] = (),
    uncertainty: Sequence[str | Path] = (),
    tracks: bool = True,
    placement: Sequence[str | Path] | None = None,
    exposure: Sequence[str | Path] | None = None,
    robustness: Sequence[str | Path] | None = None,
) -> ReportInfo:
    """Build the report (:func:`build_report`) and write it to `out` (one HTML file)."""
    page, info = build_report(
        run_paths,
        vs=vs,
        uncertainty=uncertainty,
        robustness=robustness,
        tracks=tracks,
        placement=placement,
        exposure=exposure,
    )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(path)
    info.path = path
    return info
