"""Which conclusions survive the figures nobody knows: B against A over plausible worlds.

A comparison at the nominal figures ("Patriot protects Incirlik better than the S-400")
is worth printing only if it holds whatever the contested and notional figures really are.
:func:`robust_comparison` draws *plausible worlds* — one level of every contested figure
that either scenario uses, the union by name, so that a figure both use (a threat's radar
cross-section, its manoeuvre) takes the same value for both — runs A and B in each world
on the same replications (common random numbers), and estimates for each outcome the
probability over the plausible worlds that B is better than A.

* **Distribution.**  As :mod:`airguard.studies.uncertainty`: each figure independently at
  its low, nominal or high level with probabilities ¼, ½, ¼.
* **Worlds.**  A Latin hypercube over the figures (scipy.stats.qmc.LatinHypercube, seeded
  from the campaign seed): each figure's three levels appear in their proportions across
  the worlds, whatever their number (McKay, Beckman and Conover, *Technometrics* 21 (1979)
  239–245).
* **Per world.**  P(asset undamaged) per asset, leakers per raid and interceptor cost per
  raid, each the mean of `replications` replications 0 … m−1 of the campaign seed.
* **Verdict.**  P(B better) = the share of worlds in which B's estimate is better (ties
  count half), with a Wilson interval over the worlds.  A conclusion *holds* when B (or A)
  is better in at least :data:`HOLDS` of the worlds; otherwise it *flips*, and the figures
  it flips on are those whose level moves P(B better) most (the share of worlds in which
  B is better at the figure's low, nominal and high level).
* **Noise.**  With m replications a world's difference carries Monte Carlo noise; the
  share of worlds whose difference is within twice its standard error of zero is
  reported: a conclusion that flips only there is a near-tie, not a flip.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from airguard.montecarlo import die_with_parent
from airguard.results.store import wilson_interval
from airguard.scenario import Scenario, load_scenario
from airguard.studies.uncertainty import (
    LEVELS,
    UncertainFigure,
    _check_extremes,
    campaign_outcomes,
    contested_figures,
    levels_from_unit,
    with_levels,
)

__all__ = ["HOLDS", "RobustComparison", "Verdict", "robust_comparison"]

HOLDS = 0.9
"""A conclusion holds when it is true in at least this share of the plausible worlds."""

ROBUSTNESS_STREAM = 7
"""Spawn key of the worlds' Latin hypercube (with the campaign seed)."""


@dataclass(frozen=True)
class Verdict:
    """One outcome of B against A over the plausible worlds."""

    outcome: str
    higher_is_better: bool
    a_mean: float  # over the worlds
    a_range: tuple[float, float]  # 5th and 95th percentiles over the worlds
    b_mean: float
    b_range: tuple[float, float]
    p_b_better: float
    ci95: tuple[float, float]  # Wilson, over the worlds
    near_ties: float  # share of worlds whose difference is within 2 SE of zero
    holds: str | None  # "b", "a", or None (it flips)
    deciding: list[dict[str, Any]]  # figures it flips on: label, p_b_better per level
    sentence: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "higher_is_better": self.higher_is_better,
            "a": {"mean": self.a_mean, "p5_p95": list(self.a_range)},
            "b": {"mean": self.b_mean, "p5_p95": list(self.b_range)},
            "p_b_better": self.p_b_better,
            "ci95": list(self.ci95),
            "near_ties": self.near_ties,
            "holds": self.holds,
            "deciding_figures": self.deciding,
            "sentence": self.sentence,
        }


@dataclass
class RobustComparison:
    """B against A over the plausible worlds (the ``compare --uncertainty --json`` format)."""

    a: str
    b: str
    scenario: str
    worlds: int
    replications_per_world: int
    seed: int
    figures: list[UncertainFigure]
    levels: NDArray[np.int64]  # (worlds, figures)
    outcomes: list[str]
    values_a: NDArray[np.float64]  # (worlds, outcomes)
    values_b: NDArray[np.float64]
    verdicts: list[Verdict] = field(default_factory=list)

    def sentences(self) -> list[str]:
        """Conclusions that hold first, then those that flip, with the figures they flip on."""
        held = [v.sentence for v in self.verdicts if v.holds]
        flips = [v.sentence for v in self.verdicts if not v.holds]
        return held + flips

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RobustComparison:
        """A comparison read back from its JSON, its verdicts made again by this version
        (the worlds' values are kept; nothing is run)."""
        figures = [
            UncertainFigure(*_split_label(f["figure"]), f["low"], f["nominal"], f["high"])
            for f in data["figures"]
        ]
        rc = cls(
            a=data["a"],
            b=data["b"],
            scenario=data["scenario"],
            worlds=int(data["worlds"]),
            replications_per_world=int(data["replications_per_world"]),
            seed=int(data["seed"]),
            figures=figures,
            levels=np.asarray(data["levels"], dtype=np.int64),
            outcomes=list(data["outcomes"]),
            values_a=np.asarray(data["values_a"], dtype=np.float64),
            values_b=np.asarray(data["values_b"], dtype=np.float64),
        )
        rc.verdicts = _verdicts(rc)
        return rc

    def to_json(self) -> dict[str, Any]:
        from airguard._version import __version__

        return {
            "airguard_version": __version__,
            "a": self.a,
            "b": self.b,
            "scenario": self.scenario,
            "worlds": self.worlds,
            "replications_per_world": self.replications_per_world,
            "seed": self.seed,
            "holds_at": HOLDS,
            "distribution": "each contested figure at its low, nominal or high level with "
            "probabilities 1/4, 1/2, 1/4; Latin hypercube over the worlds",
            "figures": [
                {"figure": f.label, "low": f.low, "nominal": f.nominal, "high": f.high}
                for f in self.figures
            ],
            "levels": self.levels.tolist(),
            "outcomes": self.outcomes,
            "values_a": self.values_a.tolist(),
            "values_b": self.values_b.tolist(),
            "verdicts": [v.to_json() for v in self.verdicts],
            "sentences": self.sentences(),
        }


# ---------------------------------------------------------------- running the worlds


@dataclass(frozen=True)
class _Job:
    side: int  # 0: A, 1: B
    levels: tuple[int, ...]  # of that side's own figures
    replications: int
    seed: int


_SIDES: list[tuple[Scenario, list[UncertainFigure]]] = []


def _init_worker(
    sides: list[tuple[Scenario, list[UncertainFigure]]], parent: int | None = None
) -> None:
    """Hold the study's sides; in a pool worker (`parent`: the study's process), end with it."""
    global _SIDES
    if parent is not None:
        die_with_parent(parent)
    _SIDES = sides


def _world_outcomes(job: _Job) -> NDArray[np.float64]:
    """P(undamaged) per asset, leakers and cost per raid of one side in one world."""
    from airguard.world import compile_world

    scenario, figures = _SIDES[job.side]
    cat = with_levels(scenario.catalogue, figures, np.asarray(job.levels, dtype=np.int64))
    (changed,) = load_scenario(
        scenario.file, variant=scenario.variant, catalogue=cat, text=scenario.source
    )
    return campaign_outcomes(compile_world(changed), job.seed, job.replications)


def _union(a: list[UncertainFigure], b: list[UncertainFigure]) -> list[UncertainFigure]:
    out = {f.label: f for f in a}
    for f in b:
        out.setdefault(f.label, f)
    return list(out.values())


def robust_comparison(
    scenario_a: Scenario,
    scenario_b: Scenario,
    *,
    worlds: int = 64,
    replications_per_world: int = 16,
    seed: int | None = None,
    workers: int | None = None,
    on_world: Callable[[int], Any] | None = None,
) -> RobustComparison:
    """B against A in `worlds` plausible worlds of `replications_per_world` replications each.

    Raises
    ------
    ValueError
        Fewer than 8 worlds, no replications, scenarios with different assets, or no
        contested figure.
    InputError
        A figure's low or high level makes a scenario invalid (naming the figure).
    """
    from scipy.stats import qmc

    from airguard.world import compile_world

    if worlds < 8:
        raise ValueError(f"worlds: expected at least 8, got {worlds}")
    if replications_per_world < 1:
        raise ValueError("replications_per_world: expected at least 1")
    assets_a = compile_world(scenario_a).asset_names
    assets_b = compile_world(scenario_b).asset_names
    if list(assets_a) != list(assets_b):
        raise ValueError(
            "the two scenarios defend different assets "
            f"({', '.join(assets_a)} against {', '.join(assets_b)}): nothing to compare asset by asset"
        )
    figs_a, figs_b = contested_figures(scenario_a), contested_figures(scenario_b)
    figures = _union(figs_a, figs_b)
    if not figures:
        raise ValueError("none of the figures the two scenarios use is contested")
    _check_extremes(scenario_a, figs_a)
    _check_extremes(scenario_b, figs_b)
    seed = scenario_a.body.seed if seed is None else seed
    sampler = qmc.LatinHypercube(
        d=len(figures),
        rng=np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(ROBUSTNESS_STREAM,))),
    )
    levels = levels_from_unit(sampler.random(worlds))
    column = {f.label: i for i, f in enumerate(figures)}
    own = [[column[f.label] for f in figs] for figs in (figs_a, figs_b)]
    jobs = [
        _Job(side, tuple(int(x) for x in levels[w, own[side]]), replications_per_world, seed)
        for w in range(worlds)
        for side in (0, 1)
    ]
    sides = [(scenario_a, figs_a), (scenario_b, figs_b)]
    outcomes = [f"P({a} undamaged)" for a in assets_a]
    outcomes += ["leakers per raid", "interceptor cost per raid (USD)"]
    values = np.empty((len(jobs), len(outcomes)))
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    if n_workers == 1:
        _init_worker(sides)
        for i, job in enumerate(jobs):
            values[i] = _world_outcomes(job)
            if on_world:
                on_world(1)
    else:
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(
            n_workers, mp_context=ctx, initializer=_init_worker, initargs=(sides, os.getpid())
        ) as pool:
            for i, row in enumerate(pool.map(_world_outcomes, jobs, chunksize=2)):
                values[i] = row
                if on_world:
                    on_world(1)
    result = RobustComparison(
        a=scenario_a.label,
        b=scenario_b.label,
        scenario=scenario_a.body.name,
        worlds=worlds,
        replications_per_world=replications_per_world,
        seed=seed,
        figures=figures,
        levels=levels,
        outcomes=outcomes,
        values_a=values[0::2],
        values_b=values[1::2],
    )
    result.verdicts = _verdicts(result)
    return result


def _verdicts(rc: RobustComparison) -> list[Verdict]:
    """One verdict per outcome: P(asset undamaged) (higher is better), then leakers and cost
    per raid (lower is better)."""
    n_assets = sum(o.startswith("P(") for o in rc.outcomes)
    return [
        _verdict(rc, i, higher_is_better=i < n_assets, proportion=i < n_assets)
        for i in range(len(rc.outcomes))
    ]


def _split_label(label: str) -> tuple[str, tuple[str, ...]]:
    """(entry, path) of a figure label ``'<entry> <field.path>'``."""
    entry, _, rest = label.partition(" ")
    return entry, tuple(rest.split("."))


# ---------------------------------------------------------------- verdicts


def _verdict(rc: RobustComparison, i: int, *, higher_is_better: bool, proportion: bool) -> Verdict:
    ya, yb = rc.values_a[:, i], rc.values_b[:, i]
    d = (yb - ya) if higher_is_better else (ya - yb)  # > 0: B better
    w = d.size
    wins = float((d > 0).sum() + 0.5 * (d == 0).sum())
    p = wins / w
    lo, hi = wilson_interval(round(wins), w)
    m = rc.replications_per_world
    if proportion:
        se = np.sqrt((ya * (1 - ya) + yb * (1 - yb)) / max(m - 1, 1))
        near = float(np.mean(np.abs(d) <= 2.0 * se)) if m > 1 else 1.0
    else:
        near = math.nan
    holds = "b" if p >= HOLDS else "a" if p <= 1.0 - HOLDS else None
    deciding = [] if holds else _deciding(rc, d, rc.outcomes[i])
    v = Verdict(
        outcome=rc.outcomes[i],
        higher_is_better=higher_is_better,
        a_mean=float(ya.mean()),
        a_range=(float(np.percentile(ya, 5)), float(np.percentile(ya, 95))),
        b_mean=float(yb.mean()),
        b_range=(float(np.percentile(yb, 5)), float(np.percentile(yb, 95))),
        p_b_better=p,
        ci95=(lo, hi),
        near_ties=near,
        holds=holds,
        deciding=deciding,
    )
    return Verdict(**{**v.__dict__, "sentence": _sentence(rc, v, proportion)})


def _deciding(
    rc: RobustComparison, d: NDArray[np.float64], outcome: str, top: int = 3
) -> list[dict[str, Any]]:
    """The figures whose level moves the share of worlds where B is better most: by at
    least 20 points and by at least twice the swing's standard error between the two
    levels' shares (a one-at-a-time reading of a joint sample: with many figures and few
    worlds some swing by chance), leaving out prices unless the outcome is a cost."""
    rows: list[dict[str, Any]] = []
    cost = "USD" in outcome
    for k, fig in enumerate(rc.figures):
        if not cost and fig.path[-1] == "unit_cost_usd":
            continue
        shares: dict[str, float | None] = {}
        counts = []
        for level, name in enumerate(LEVELS):
            sel = rc.levels[:, k] == level
            counts.append(int(sel.sum()))
            shares[name] = (
                float(((d[sel] > 0).sum() + 0.5 * (d[sel] == 0).sum()) / sel.sum())
                if sel.sum() >= 3
                else None
            )
        known = [(p, n) for p, n in zip(shares.values(), counts, strict=True) if p is not None]
        if len(known) < 2:
            continue
        (p_hi, n_hi), (p_lo, n_lo) = max(known), min(known)
        # the swing's standard error, shares smoothed by half a world (none is 0 or 1)
        a, b = (p_hi * n_hi + 0.5) / (n_hi + 1), (p_lo * n_lo + 0.5) / (n_lo + 1)
        se = math.sqrt(a * (1 - a) / n_hi + b * (1 - b) / n_lo)
        swing = p_hi - p_lo
        if swing < 0.2 or swing < 2.0 * se:
            continue
        rows.append(
            {
                "figure": fig.label,
                "p_b_better": shares,
                "worlds": dict(zip(LEVELS, counts, strict=True)),
                "swing": swing,
                "swing_se": se,
                "values": {"low": fig.low, "nominal": fig.nominal, "high": fig.high},
            }
        )
    rows.sort(key=lambda r: -r["swing"])
    return rows[:top]


def _fmt(x: float, proportion: bool, usd: bool) -> str:
    if proportion:
        return f"{100 * x:.0f} %"
    if usd:
        return f"${x / 1e6:,.0f} M"
    return f"{x:.2f}"


def _sentence(rc: RobustComparison, v: Verdict, proportion: bool) -> str:
    usd = "USD" in v.outcome
    ranges = (
        f"{rc.a} {_fmt(v.a_mean, proportion, usd)} ({_fmt(v.a_range[0], proportion, usd)}–"
        f"{_fmt(v.a_range[1], proportion, usd)}), {rc.b} {_fmt(v.b_mean, proportion, usd)} "
        f"({_fmt(v.b_range[0], proportion, usd)}–{_fmt(v.b_range[1], proportion, usd)})"
    )
    share = f"{100 * v.p_b_better:.0f} % [{100 * v.ci95[0]:.0f}, {100 * v.ci95[1]:.0f}]"
    if v.holds:
        winner = rc.b if v.holds == "b" else rc.a
        p = v.p_b_better if v.holds == "b" else 1.0 - v.p_b_better
        return (
            f"HOLDS: {winner} is better on {v.outcome} in {100 * p:.0f} % of {rc.worlds} "
            f"plausible worlds ({rc.b} better in {share}); over the worlds {ranges}."
        )
    text = (
        f"FLIPS: {v.outcome}: {rc.b} is better in {share} of {rc.worlds} plausible worlds; "
        f"over the worlds {ranges}"
    )
    if v.deciding:
        parts = []
        for r in v.deciding:
            s = r["p_b_better"]
            at = ", ".join(
                f"{100 * s[name]:.0f} % at its {name}" for name in LEVELS if s[name] is not None
            )
            parts.append(f"{r['figure']} ({rc.b} better in {at})")
        text += "; it turns on " + "; ".join(parts)
    if math.isfinite(v.near_ties) and v.near_ties >= 0.2:
        text += (
            f"; in {100 * v.near_ties:.0f} % of the worlds the difference is within twice its "
            f"Monte Carlo error of zero (more replications per world would sharpen it)"
        )
    return text + "."
