"""Why two runs differ: each difference attributed to the kill-chain stages that changed.

:func:`explain_runs` reads two run directories' threats and impacts tables — each
threat's ``fate`` and ``fate_reason`` (docs/results-format.md) and which asset a leaker
hit — and splits

* each asset's difference in P(undamaged), B − A, and
* each threat type's difference in leakers per raid, B − A,

into shares, one per *cause*: a threat type, the run in which its chain broke, the stage
and reason it broke at (e.g. "Iskander-M that ``patriot`` missed, its first round's seeker
never acquiring, and ``patriot-nato`` killed").  The shares add up to the difference
exactly, replication by replication, so their sum is the total and lies within the
total's interval.

**Paired runs** (the same seed and replication numbers, and the same raid: each
(replication, threat) has the same type and launch time in both) face the same threats,
so a threat's two chains can be set side by side.

* *Leakers* are additive: a threat that leaks in B and not in A adds +1 to B − A, under
  the cause of its chain's break in B; one that leaks in A and not in B adds −1, under its
  break in A.
* *An asset's damage* is not: it is damaged if any leaker hits it, so one leaker more
  does nothing if another already hit it.  The change of replication k,
  damaged_B − damaged_A, is shared among the threats whose hit on the asset differs
  between the runs by their **Shapley values** (L. S. Shapley, "A value for n-person
  games", *Contributions to the Theory of Games* II, Annals of Mathematics Studies 28,
  Princeton, 1953, pp. 307–317): the average, over every order in which the threats
  could be switched from their A outcome to their B outcome, of the change each one
  makes.  The Shapley value is the one split that is symmetric (threats that play the
  same part get the same share), gives nothing to a threat that changes nothing, and
  adds up to the change exactly (efficiency).  For damage, an "or" of the hits, it has a
  closed form: if some threat hits the asset in both runs, nothing any other does changes
  the outcome, and all shares are 0; otherwise, with n₊ threats hitting only in B and n₋
  only in A, each of the first gets 1 / (n₊ · C(n₊ + n₋, n₋)) and each of the second
  −1 / (n₋ · C(n₊ + n₋, n₊)).  (Check: one threat alone gets ±1; one of each gets ±½,
  and the change, 0, is met.)

Each cause's share is the mean over replications of its per-replication sum, with the
paired t interval of that mean (:func:`airguard.results.compare.paired_t_interval`).

Hostile aircraft (``flights`` with ``side: hostile``) aim at no asset, so they are left
out: their figures are the run's ``aircraft_killed`` and ``p_aircraft_killed``.  A weapon
an aircraft never released (fate ``unreleased``: its carrier was shot down first) never
leaks and hits nothing, so it is never a cause in the run that did not release it; where
the other run released it and it leaked, the sentence says the first run "shot their
carrier down before release" rather than naming a stage of the weapon's own chain.

A raid that one run adds to the other's (the flagship's SEAD variants add ARMs) keeps the
runs paired when every threat they share has the same type and launch time
(:func:`_aligned`): a threat of one run only stands in the other as ``absent``.

**Unpaired runs** (different seeds, replications or raids) have no threat to set beside
another.  Each run's damage is then shared among the leakers that hit the asset in each
replication (each of k gets 1/k: the Shapley value against an undamaged world) and its
leakers are counted per cause; the difference of each cause's mean between the runs is
its share (Welch's interval).  The shares still add up to the total; they say how the
causes' weights changed, not what one threat did in both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from airguard.results.compare import compare_runs, paired_t_interval, welch_interval
from airguard.results.funnel import has_kill_chain
from airguard.results.store import read_table

__all__ = ["Cause", "Explained", "Explanation", "explain_runs", "explain_sentences", "fate_phrase"]

SHOWN_SHARES = 4
"""Causes named in a sentence (the largest); the rest are summed as "other causes"."""

_REASON_PHRASES = {
    "range": "beyond every radar's range",
    "horizon": "below the radio horizon",
    "sector": "outside the radars' sectors",
    "terrain": "behind terrain",
    "signal": "too weak an echo",
    "unconfirmed": "no confirmed track",
    "no-weapon": "no interceptor for its class",
    "envelope": "outside every envelope",
    "no-inventory": "no rounds left",
    "channels": "fire channels busy",
    "discrimination": "not yet told from its decoys",
    "boost": "still perhaps under thrust",
    "reaction": "within the reaction time",
    "launchers": "no launcher ready",
    "waiting": "waiting for the planned launch",
    "kill-probability": "first round inside the lethal radius, kill draw failed",
    "miss-distance": "first round passed beyond the lethal radius",
    "seeker": "first round's seeker never acquired",
    "fly-out": "first round could not reach it",
    "too-late": "first round still flying when it landed",
}
_FATE_PHRASES = {
    "undetected": "never detected",
    "untracked": "detected but never tracked",
    "out-of-reach": "tracked but never in reach",
    "unengaged": "had in reach but never engaged",
    "missed": "missed",
    "killed": "killed",
    "unreleased": "never released (their carrier was shot down first)",
}
_OTHER_PHRASES = {
    # a weapon the other run never released did not get through because that run shot its
    # carrier down: a success of the defence against the aircraft, not a stage of its chain
    "unreleased": "shot their carrier down before release",
    # a threat of a raid the other run does not have (a variant that adds one)
    "absent": "did not face them (not in its raid)",
}
#: the fate of a threat in the run whose raid lacks it (:func:`_aligned`)
ABSENT = "absent"


def fate_phrase(fate: str, reason: str | None) -> str:
    """A fate and its reason in words, e.g. ``missed (first round's seeker never acquired)``."""
    words = _FATE_PHRASES.get(fate, fate)
    if reason:
        words += f" ({_REASON_PHRASES.get(reason, reason)})"
    return words


@dataclass(frozen=True)
class Cause:
    """One share of a difference: what broke, where, and how much of the difference it made."""

    threat_type: str
    broke_in: str  # "a" or "b": the run in which the chain broke
    fate: str  # the broken chain's fate in that run
    reason: str | None
    other_fate: str | None  # the same threat's fate in the other run (paired only)
    share: float  # of the difference B − A (pp of probability, or leakers per raid)
    ci95: tuple[float, float] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "threat_type": self.threat_type,
            "broke_in": self.broke_in,
            "fate": self.fate,
            "reason": self.reason,
            "other_fate": self.other_fate,
            "share": self.share,
            "ci95": None if self.ci95 is None else list(self.ci95),
        }


@dataclass(frozen=True)
class Explained:
    """One outcome's difference B − A and its causes, largest first."""

    key: str  # "p_undamaged/<asset>" or "leakers/<type>"
    label: str
    unit: str  # "probability" or "count"
    difference: float
    ci95: tuple[float, float] | None
    causes: tuple[Cause, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "difference": self.difference,
            "ci95": None if self.ci95 is None else list(self.ci95),
            "shares_sum": float(sum(c.share for c in self.causes)),
            "causes": [c.to_json() for c in self.causes],
        }


@dataclass(frozen=True)
class Explanation:
    """Two runs' differences, each with its causes (the ``airguard explain --json`` format)."""

    a: str  # labels of the two runs
    b: str
    paired: bool
    pairing: str
    outcomes: tuple[Explained, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "paired": self.paired,
            "pairing": self.pairing,
            "outcomes": [o.to_json() for o in self.outcomes],
            "sentences": self.sentences(),
        }

    def sentences(self, min_difference: float = 0.0) -> list[str]:
        """Each outcome's difference and its largest causes in a plain sentence."""
        out = []
        for o in self.outcomes:
            if abs(o.difference) < min_difference or not o.causes:
                continue
            out.append(_sentence(o, self.a, self.b, self.paired))
        return out


def _amount(value: float, unit: str, signed: bool = True) -> str:
    if unit == "probability":
        return f"{100 * value:+.1f} pp" if signed else f"{100 * value:.1f} pp"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _sentence(o: Explained, a: str, b: str, paired: bool) -> str:
    head = f"{o.label} {_amount(o.difference, o.unit)}"
    if o.ci95 is not None:
        head += f" [{_amount(o.ci95[0], o.unit)}, {_amount(o.ci95[1], o.unit)}]"
    parts = []
    for c in o.causes[:SHOWN_SHARES]:
        broke, other = (a, b) if c.broke_in == "a" else (b, a)
        what = f"{c.threat_type} that {broke} {fate_phrase(c.fate, c.reason)}"
        if paired and c.other_fate is not None:
            phrase = _OTHER_PHRASES.get(c.other_fate) or _FATE_PHRASES.get(
                c.other_fate, c.other_fate
            )
            what += f" and {other} {phrase}"
        elif not paired:
            what += f" (weight in {b} against {a})"
        parts.append(f"{_amount(c.share, o.unit)} from {what}")
    rest = o.causes[SHOWN_SHARES:]
    if rest:
        parts.append(f"{_amount(sum(c.share for c in rest), o.unit)} from {len(rest)} other causes")
    return f"{head}: " + "; ".join(parts) + "."


# ---------------------------------------------------------------- reading the runs


@dataclass(frozen=True)
class _Chains:
    """One run's threats (hostile, sorted by replication and threat) and what they hit."""

    reps: np.ndarray  # (R,) int64, increasing: the run's replications
    rep: np.ndarray  # (T,) int64 position of each row's replication in `reps`
    replication: np.ndarray  # (T,) int64
    threat: np.ndarray  # (T,) int64
    ttype: np.ndarray  # (T,) object
    launch: np.ndarray  # (T,) float64
    leaked: np.ndarray  # (T,) bool
    fate: np.ndarray  # (T,) object
    reason: np.ndarray  # (T,) object (None: no reason)
    hit: np.ndarray  # (T,) object: the asset its impact hit, or None


def _read_chains(run_dir: Path) -> _Chains:
    thr = read_table(run_dir, "threats")
    if not has_kill_chain(thr):
        raise ValueError(
            f"{run_dir}: its threats table records no kill chains (columns fate, fate_reason): "
            "run it again with this version of airguard"
        )
    reps = np.unique(read_table(run_dir, "replications").column("replication").to_numpy())
    col = {n: thr.column(n) for n in thr.column_names}
    hostile = ~(
        col["friendly"].to_numpy(zero_copy_only=False) | col["decoy"].to_numpy(zero_copy_only=False)
    )
    if "aircraft" in col:  # hostile aircraft aim at no asset: never a leaker nor a hit
        hostile &= ~col["aircraft"].to_numpy(zero_copy_only=False)
    replication = col["replication"].to_numpy()[hostile].astype(np.int64)
    threat = col["threat"].to_numpy()[hostile].astype(np.int64)
    order = np.lexsort((threat, replication))
    idx = np.flatnonzero(hostile)[order]

    def strings(name: str) -> np.ndarray:
        return np.array(col[name].to_pylist(), dtype=object)[idx]

    imp = read_table(run_dir, "impacts")
    hit_of = {
        (int(r), int(t)): h
        for r, t, h in zip(
            imp.column("replication").to_pylist(),
            imp.column("threat").to_pylist(),
            imp.column("asset_hit").to_pylist(),
            strict=True,
        )
    }
    rep_sorted, thr_sorted = replication[order], threat[order]
    hit = np.array(
        [hit_of.get((int(r), int(t))) for r, t in zip(rep_sorted, thr_sorted, strict=True)],
        dtype=object,
    )
    return _Chains(
        reps=reps,
        rep=np.searchsorted(reps, rep_sorted),
        replication=rep_sorted,
        threat=thr_sorted,
        ttype=strings("threat_type"),
        launch=col["launch_time_s"].to_numpy(zero_copy_only=False)[idx].astype(np.float64),
        leaked=col["leaked"].to_numpy(zero_copy_only=False)[idx].astype(bool),
        fate=strings("fate"),
        reason=strings("fate_reason"),
        hit=hit,
    )


def _same_raids(a: _Chains, b: _Chains) -> bool:
    return (
        np.array_equal(a.replication, b.replication)
        and np.array_equal(a.threat, b.threat)
        and np.array_equal(a.ttype, b.ttype)
        and np.array_equal(a.launch, b.launch, equal_nan=True)
    )


def _aligned(a: _Chains, b: _Chains) -> tuple[_Chains, _Chains] | None:
    """The two runs' chains over the threats of either, row for row, when every threat
    they share (same replication and index) has the same type and launch time; None
    otherwise.  A threat in one run only (a raid that one variant adds, such as the ARMs
    of a SEAD package) stands in the other as ``absent``: it neither leaks nor hits there,
    so it is a cause of the difference in the run that has it."""
    if _same_raids(a, b):
        return a, b
    if not np.array_equal(a.reps, b.reps):
        return None
    key_a = a.replication * (1 << 32) + a.threat
    key_b = b.replication * (1 << 32) + b.threat
    keys = np.union1d(key_a, key_b)  # sorted: the order _read_chains sorts rows in
    in_a, in_b = np.isin(keys, key_a), np.isin(keys, key_b)
    both_a = np.isin(key_a, key_b)
    both_b = np.isin(key_b, key_a)
    if not (
        np.array_equal(a.ttype[both_a], b.ttype[both_b])
        and np.array_equal(a.launch[both_a], b.launch[both_b], equal_nan=True)
    ):
        return None
    ttype = np.empty(keys.size, dtype=object)
    ttype[in_a] = a.ttype
    ttype[in_b] = b.ttype
    replication = keys >> 32

    def spread(ch: _Chains, mine: np.ndarray) -> _Chains:
        def fill(values: np.ndarray, empty: Any, dtype: Any) -> np.ndarray:
            out = np.full(keys.size, empty, dtype=dtype)
            out[mine] = values
            return out

        return _Chains(
            reps=ch.reps,
            rep=np.searchsorted(ch.reps, replication),
            replication=replication,
            threat=keys & ((1 << 32) - 1),
            ttype=ttype,
            launch=fill(ch.launch, math.nan, np.float64),
            leaked=fill(ch.leaked, False, bool),
            fate=fill(ch.fate, ABSENT, object),
            reason=fill(ch.reason, None, object),
            hit=fill(ch.hit, None, object),
        )

    return spread(a, in_a), spread(b, in_b)


# ---------------------------------------------------------------- attribution


def _shapley_damage(
    a_hit: np.ndarray, b_hit: np.ndarray, rep: np.ndarray, n_reps: int
) -> np.ndarray:
    """(T,) each threat's Shapley share of its replication's change in damage,
    damaged_B − damaged_A, where the asset is damaged when any threat hits it; ``a_hit``,
    ``b_hit`` (T,) bool: the threat hits the asset in A, in B; ``rep`` (T,) its
    replication's position.  See the module docstring for the closed form."""
    both = np.bincount(rep[a_hit & b_hit], minlength=n_reps) > 0
    up = b_hit & ~a_hit  # hits only in B
    down = a_hit & ~b_hit
    n_up = np.bincount(rep[up], minlength=n_reps)
    n_down = np.bincount(rep[down], minlength=n_reps)
    phi = np.zeros(rep.size)
    for k in np.flatnonzero(((n_up > 0) | (n_down > 0)) & ~both):
        p, m = int(n_up[k]), int(n_down[k])
        mine = rep == k
        if p:
            phi[mine & up] = 1.0 / (p * math.comb(p + m, m))
        if m:
            phi[mine & down] = -1.0 / (m * math.comb(p + m, p))
    return phi


def _causes_paired(
    contribution: np.ndarray,
    broke_in_b: np.ndarray,
    a: _Chains,
    b: _Chains,
    n_reps: int,
) -> tuple[Cause, ...]:
    """Group per-threat contributions (T,) by cause; each cause's mean per replication and
    paired t interval."""
    active = np.flatnonzero(contribution != 0.0)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in active:
        side, mine, other = ("b", b, a) if broke_in_b[i] else ("a", a, b)
        key = (mine.ttype[i], side, mine.fate[i], mine.reason[i], other.fate[i])
        groups.setdefault(key, []).append(int(i))
    causes = []
    for (ttype, side, fate, reason, other_fate), rows in groups.items():
        idx = np.array(rows)
        per_rep = np.bincount(a.rep[idx], weights=contribution[idx], minlength=n_reps)
        mean, lo, hi = paired_t_interval(per_rep)
        causes.append(
            Cause(
                str(ttype),
                side,
                str(fate),
                reason,
                str(other_fate),
                mean,
                None if math.isnan(lo) else (lo, hi),
            )
        )
    causes.sort(key=lambda c: -abs(c.share))
    return tuple(causes)


def _causes_unpaired(
    weight_a: np.ndarray, weight_b: np.ndarray, a: _Chains, b: _Chains, sign: float
) -> tuple[Cause, ...]:
    """Each cause's weight per replication in B minus that in A (× `sign`), Welch's interval."""
    keys = {(t, f, r) for t, f, r, w in zip(a.ttype, a.fate, a.reason, weight_a, strict=True) if w}
    keys |= {(t, f, r) for t, f, r, w in zip(b.ttype, b.fate, b.reason, weight_b, strict=True) if w}
    causes = []
    for ttype, fate, reason in sorted(keys, key=str):
        per_a = _cause_per_rep(a, weight_a, ttype, fate, reason)
        per_b = _cause_per_rep(b, weight_b, ttype, fate, reason)
        d, lo, hi = welch_interval(sign * per_b, sign * per_a)
        broke_in = "b" if d * sign > 0 else "a"
        causes.append(
            Cause(
                str(ttype),
                broke_in,
                str(fate),
                reason,
                None,
                d,
                None if math.isnan(lo) else (lo, hi),
            )
        )
    causes.sort(key=lambda c: -abs(c.share))
    return tuple(causes)


def _cause_per_rep(ch: _Chains, w: np.ndarray, ttype: Any, fate: Any, reason: Any) -> np.ndarray:
    """(R,) the weights `w` (T,) of one run's threats of one cause, summed per replication."""
    same = np.array([x == reason for x in ch.reason], dtype=bool)
    sel = (ch.ttype == ttype) & (ch.fate == fate) & same
    return np.bincount(ch.rep[sel], weights=w[sel], minlength=ch.reps.size)


def _damage_weights(ch: _Chains, asset: str) -> np.ndarray:
    """(T,) each leaker's share of its replication's damage to `asset` (1/k of k hits)."""
    hits = np.array([h == asset for h in ch.hit], dtype=bool)
    k = np.bincount(ch.rep[hits], minlength=ch.reps.size)
    w = np.zeros(ch.rep.size)
    w[hits] = 1.0 / k[ch.rep[hits]]
    return w


def explain_runs(run_dir_a: str | Path, run_dir_b: str | Path) -> Explanation:
    """Why run B differs from run A: each asset's P(undamaged) and each threat type's leakers
    per raid, B − A, split into causes (see the module docstring).

    Raises
    ------
    FileNotFoundError, ValueError
        A directory is not a complete run, or its tables record no kill chains.
    """
    comparison = compare_runs(run_dir_a, run_dir_b)
    ca, cb = _read_chains(Path(run_dir_a)), _read_chains(Path(run_dir_b))
    aligned = _aligned(ca, cb) if comparison.paired else None
    paired = aligned is not None
    pairing = comparison.pairing
    if aligned is not None:
        ca, cb = aligned
        if not _same_raids(ca, cb) or ABSENT in set(ca.fate) | set(cb.fate):
            pairing += "; threats that one run's raid has and the other's lacks are paired with their absence"
    elif comparison.paired:
        pairing += "; but the raids differ (threat types or launch times), so causes are compared run against run"
    outcomes: list[Explained] = []
    n = ca.reps.size
    for fig in comparison.figures:
        kind, _, name = fig.key.partition("/")
        if fig.difference is None or kind not in ("p_undamaged", "leakers_per_raid") or not name:
            continue
        if kind == "p_undamaged":
            if paired:
                a_hit = np.array([h == name for h in ca.hit], dtype=bool)
                b_hit = np.array([h == name for h in cb.hit], dtype=bool)
                # undamaged_B − undamaged_A = −(damaged_B − damaged_A)
                contribution = -_shapley_damage(a_hit, b_hit, ca.rep, n)
                causes = _causes_paired(contribution, b_hit & ~a_hit, ca, cb, n)
            else:
                causes = _causes_unpaired(
                    _damage_weights(ca, name), _damage_weights(cb, name), ca, cb, -1.0
                )
            unit = "probability"
        else:
            if paired:
                sel = ca.ttype == name
                contribution = np.where(sel, cb.leaked.astype(float) - ca.leaked.astype(float), 0.0)
                causes = _causes_paired(contribution, cb.leaked & ~ca.leaked, ca, cb, n)
            else:
                wa = (ca.leaked & (ca.ttype == name)).astype(float)
                wb = (cb.leaked & (cb.ttype == name)).astype(float)
                causes = _causes_unpaired(wa, wb, ca, cb, 1.0)
            unit = "count"
        outcomes.append(Explained(fig.key, fig.label, unit, fig.difference, fig.ci95, causes))
    label_a, label_b = comparison.a.label, comparison.b.label
    if label_a == label_b:  # two runs of one variant (two engine versions, two seeds)
        label_a, label_b = f"{label_a} (A)", f"{label_b} (B)"
    return Explanation(label_a, label_b, paired, pairing, tuple(outcomes))


def explain_sentences(explanation: Explanation, keys: Sequence[str] | None = None) -> list[str]:
    """The sentences of the outcomes named by `keys` (all when None)."""
    chosen = [o for o in explanation.outcomes if keys is None or o.key in keys]
    return [
        _sentence(o, explanation.a, explanation.b, explanation.paired) for o in chosen if o.causes
    ]
