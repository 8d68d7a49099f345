"""The report's kill-chain sections: each variant's funnel, and why variants differ.

The funnel is the run's stored one (:mod:`airguard.results.funnel`, in the manifest's
summary; computed from the threats table for a run whose summary predates it); the
explanations are :func:`airguard.results.explain.explain_runs` of each variant against the
first, and against the variant its name extends when that is not the first (``s-400-sead``
against ``s-400``: what the SEAD package changes for the same system;
:func:`airguard.report.html.extended_run`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from airguard.report.markup import esc
from airguard.results.explain import Explanation

__all__ = ["explanation_html", "funnel_html", "robustness_html", "run_funnel"]

_STAGES = (
    ("threats", "threats"),
    ("detected", "detected"),
    ("tracked", "tracked"),
    ("in_envelope", "in envelope"),
    ("engaged", "engaged"),
    ("killed", "killed"),
)


def run_funnel(run_dir: Path) -> dict[str, Any] | None:
    """A run's funnel: the stored one, else computed from its tables (None: no kill chains)."""
    from airguard.results.funnel import funnel, has_kill_chain
    from airguard.results.store import read_manifest, read_table

    summary = read_manifest(run_dir).get("summary") or {}
    if summary.get("funnel"):
        return dict(summary["funnel"])
    threats = read_table(run_dir, "threats")
    if not has_kill_chain(threats):
        return None
    reps = read_table(run_dir, "replications").column("replication").to_numpy()
    names = list(summary.get("leakers_mean", {})) or sorted(
        set(threats.column("threat_type").to_pylist())
    )
    return funnel(threats, sorted(reps.tolist()), names)


def _cell(fig: dict[str, Any], ci: bool = False) -> str:
    text = f"{fig['mean']:.2f}"
    if ci:
        text += f" [{fig['ci95'][0]:.2f}, {fig['ci95'][1]:.2f}]"
    return text


def funnel_html(labels: Sequence[str], funnels: Sequence[dict[str, Any] | None]) -> str:
    """One table per variant: per threat type, threats per raid passing each stage and
    where the leakers' chains broke."""
    blocks = []
    for label, fn in zip(labels, funnels, strict=True):
        if not fn or not fn.get("types"):
            blocks.append(
                f"<p class='note'>{esc(label)}: no kill chains recorded (an older run).</p>"
            )
            continue
        head = "".join(f"<th>{esc(name)}</th>" for _, name in _STAGES)
        rows = []
        for entry in fn["types"]:
            breaks = "<br>".join(
                f"{esc(b['fate'])}{' (' + esc(b['reason']) + ')' if b.get('reason') else ''}: "
                f"{b['mean']:.2f} [{b['ci95'][0]:.2f}, {b['ci95'][1]:.2f}] ({100 * b['share']:.0f} %)"
                for b in entry["leakers_by_break"]
            )
            cells = "".join(f"<td>{_cell(entry[key])}</td>" for key, _ in _STAGES)
            rows.append(
                f"<tr data-type='{esc(entry['threat_type'])}'><td>{esc(entry['threat_type'])}</td>"
                f"{cells}<td>{_cell(entry['leakers'], ci=True)}</td><td>{breaks or '—'}</td></tr>"
            )
        blocks.append(
            f"<h3>{esc(label)}</h3>"
            f"<table class='figures funnel' data-variant='{esc(label)}'><thead><tr><th>threat type</th>"
            f"{head}<th>leakers [95 % CI]</th><th>where the leakers' chains broke</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        "<p>Threats per raid (mean over replications) that passed each stage of the kill chain"
        " — detected by a radar, held in a confirmed track by a unit's fire control, inside a"
        " unit's engagement envelope, engaged, killed — and, for the leakers, the stage where"
        " each chain broke and why (<code>fate</code> and <code>fate_reason</code> in the threats"
        " table; docs/results-format.md).</p>" + "".join(blocks)
    )


def explanation_html(explanations: Sequence[Explanation]) -> str:
    """Each explanation's sentences (largest causes of each difference)."""
    blocks = []
    for e in explanations:
        items = "".join(f"<li>{esc(s)}</li>" for s in e.sentences())
        blocks.append(
            f"<h3>{esc(e.b)} against {esc(e.a)}</h3><ul class='explanation'>{items}</ul>"
            f"<p class='note'>{esc(e.pairing)}. Each difference B − A is split among the threats"
            " whose chains ended differently, by the stage and reason each broke at in the run"
            " where it broke; an asset's damage, which one hit already makes, is split by"
            " Shapley values. The shares add up to the difference (airguard explain;"
            " docs/results-format.md).</p>"
        )
    return "".join(blocks)


def robustness_html(docs: Sequence[dict[str, Any]]) -> str:
    """The sentences of each robustness file (``compare --uncertainty``): those that hold
    first, then those that flip with the figures they turn on."""
    blocks = []
    for d in docs:
        held = [s for s in d["sentences"] if s.startswith("HOLDS")]
        flips = [s for s in d["sentences"] if not s.startswith("HOLDS")]
        items = "".join(f"<li class='holds'>{esc(s)}</li>" for s in held)
        items += "".join(f"<li class='flips'>{esc(s)}</li>" for s in flips)
        blocks.append(
            f"<h3>{esc(d['b'])} against {esc(d['a'])}</h3><ul class='robustness'>{items}</ul>"
            f"<p class='note'>{len(d.get('figures', []))} contested figures, each at its low,"
            " nominal or high level (1/4, 1/2, 1/4) in "
            f"{esc(d.get('worlds'))} plausible worlds of {esc(d.get('replications_per_world'))}"
            " replications each; a conclusion holds when it is true in at least"
            f" {100 * float(d.get('holds_at', 0.9)):.0f} % of them (airguard compare --uncertainty"
            f"{', airguard ' + esc(d['airguard_version']) if d.get('airguard_version') else ''};"
            " docs/results-format.md).</p>"
        )
    return "".join(blocks)
