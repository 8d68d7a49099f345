"""The kill-chain funnel of a run: how many threats of each type pass each stage, and where
the chains of the leakers broke.

Read from the threats table's kill-chain columns (``first_detection_s`` …
``first_engaged_s``, ``killed``, ``fate``, ``fate_reason``: docs/results-format.md), never
re-derived.  Counts are per replication (per raid): the mean over replications with the
normal-approximation 95 % interval of the mean (:func:`airguard.results.store.mean_interval`).
Threats of one replication share its draws, so replications, not threats, are the
independent samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from airguard.engine.chain import STAGES
from airguard.results.intervals import mean_interval

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["STAGE_COLUMNS", "funnel", "has_kill_chain"]

STAGE_COLUMNS = {
    "detected": "first_detection_s",
    "tracked": "first_track_s",
    "in_envelope": "first_envelope_s",
    "engaged": "first_engaged_s",
}
"""The threats table's column whose non-null value says a threat passed each stage
(``killed`` has its own column)."""


def has_kill_chain(threats: pa.Table) -> bool:
    """Whether a threats table records kill chains (runs of airguard before 0.9 do not)."""
    return {"fate", "fate_reason", *STAGE_COLUMNS.values()} <= set(threats.column_names)


def _figure(per_rep: np.ndarray) -> dict[str, Any]:
    mean, lo, hi = mean_interval(per_rep.astype(np.float64), lower_bound=0.0)
    return {"mean": mean, "ci95": [lo, hi]}


def funnel(
    threats: pa.Table, replications: Sequence[int] | np.ndarray, threat_types: Sequence[str]
) -> dict[str, Any]:
    """The funnel of a run (JSON-ready), from its threats table and its replications.

    Returns ``{"stages": [...], "types": [...]}``; each type: ``threat_type``, ``threats``
    and each stage of :data:`~airguard.engine.chain.STAGES` (per raid: ``mean`` and
    ``ci95``), ``leakers`` (per raid) and ``leakers_by_break``: one entry per (``fate``,
    ``reason``) of the leakers, most first, each per raid with its ``share`` of the type's
    leakers.  Friendly flights and decoys are not threats and are left out.
    """
    reps = np.asarray(replications, dtype=np.int64)
    n = reps.size
    if n == 0 or not has_kill_chain(threats):
        return {"stages": list(STAGES), "types": []}
    col = {name: threats.column(name) for name in threats.column_names}
    rep = np.searchsorted(reps, col["replication"].to_numpy())
    ttype = np.array(col["threat_type"].to_pylist(), dtype=object)
    hostile = ~(
        col["friendly"].to_numpy(zero_copy_only=False) | col["decoy"].to_numpy(zero_copy_only=False)
    )
    if "unreleased" in col:  # weapons whose carrier was shot down first never flew
        hostile &= ~col["unreleased"].to_numpy(zero_copy_only=False)
    passed = {
        stage: ~np.isnan(col[name].to_numpy(zero_copy_only=False).astype(np.float64))
        for stage, name in STAGE_COLUMNS.items()
    }
    passed["killed"] = col["killed"].to_numpy(zero_copy_only=False)
    leaked = col["leaked"].to_numpy(zero_copy_only=False)
    fate = np.array(col["fate"].to_pylist(), dtype=object)
    reason = np.array(col["fate_reason"].to_pylist(), dtype=object)

    def per_rep(sel: np.ndarray) -> np.ndarray:
        return np.bincount(rep[sel], minlength=n)

    types = []
    for name in threat_types:
        mine = hostile & (ttype == name)
        if not mine.any():
            continue
        entry: dict[str, Any] = {"threat_type": name, "threats": _figure(per_rep(mine))}
        for stage in STAGES:
            entry[stage] = _figure(per_rep(mine & passed[stage]))
        out = mine & leaked
        entry["leakers"] = _figure(per_rep(out))
        total = int(out.sum())
        breaks = []
        keys = sorted({(str(f), r) for f, r in zip(fate[out], reason[out], strict=True)}, key=str)
        for f, r in keys:
            same_reason = np.array([x == r for x in reason], dtype=bool)
            sel = out & (fate == f) & same_reason
            breaks.append(
                {"fate": f, "reason": r, **_figure(per_rep(sel)), "share": int(sel.sum()) / total}
            )
        breaks.sort(key=lambda b: -b["mean"])
        entry["leakers_by_break"] = breaks
        types.append(entry)
    return {"stages": list(STAGES), "types": types}
