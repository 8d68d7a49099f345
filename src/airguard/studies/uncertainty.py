"""Which contested public figure decides the answer: sampling the figures, Sobol indices.

Public figures disagree (the catalogue's ``low`` / ``nominal`` / ``high``).  Here
each contested figure a scenario uses is treated as uncertain, the scenario is run
over many *designs* — one value for every contested figure — and variance-based
global sensitivity analysis says which figures drive each outcome.

* **Distribution.**  A contested figure takes one of its three published values:
  the low, nominal or high level, with probabilities ¼, ½, ¼
  (:data:`LEVEL_PROBABILITIES`).  The public sources are claims, not samples of a
  continuous quantity; interpolating between a manufacturer's claim and an
  independent analysis would invent values nobody published.  Discrete inputs are
  legitimate for Sobol indices (Saltelli et al., *Global Sensitivity Analysis: The
  Primer*, Wiley, 2008, §4.6).  Notional figures that shape outcomes carry reasoned
  low and high bounds in the catalogue (docs/catalogue.md) and are sampled the same way.
* **Design.**  Saltelli's sampling scheme on the unit hypercube (SALib
  ``sample.sobol``, Sobol' sequence, ``calc_second_order=False``): N·(D + 2)
  designs for D figures, each uniform coordinate mapped to a level by the
  cumulative probabilities above.
* **Outcomes per design.**  Each design runs the same replications 0 … m−1 of
  the campaign seed (common random numbers, so that differences between designs
  are the figures' doing, not the raid's): P(asset undamaged) per asset, leakers
  per raid and interceptor cost per raid.
* **Indices.**  First-order S1 and total ST with bootstrap 95 % intervals (SALib
  ``analyze.sobol``; Saltelli et al. 2010, "Variance based sensitivity analysis of
  model output", *Computer Physics Communications* 181, 259–270, Jansen's ST).
  The m replications leave noise in each design's outcome; its share of the
  variance is estimated and reported, since it inflates no index but dilutes all.
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

from airguard.catalogue import Catalogue
from airguard.catalogue.edit import figure_at, figure_label, iter_figures, with_figure
from airguard.catalogue.figures import Figure
from airguard.montecarlo import die_with_parent
from airguard.scenario import Scenario, load_scenario

__all__ = [
    "LEVEL_PROBABILITIES",
    "SensitivityReport",
    "UncertainFigure",
    "contested_figures",
    "sensitivity",
]

LEVEL_PROBABILITIES = (0.25, 0.5, 0.25)
"""Probabilities of a contested figure's low, nominal and high levels."""

LEVELS = ("low", "nominal", "high")

# figures that do not enter the simulation (or would only invalidate the scenario)
_UNUSED = {
    ("threat", "max_range"),  # checked against the raids at load, not flown
    ("threat", "min_range"),
    ("threat", "apogee"),  # validation only
    ("defence", "composition", "unit_cost_usd"),
    ("sensor", "unit_cost_usd"),
}


@dataclass(frozen=True)
class UncertainFigure:
    """A contested catalogue figure: where it is and its three levels (SI)."""

    entry: str
    path: tuple[str, ...]
    low: float
    nominal: float
    high: float

    @property
    def label(self) -> str:
        """Its name (:mod:`airguard.catalogue.edit`), e.g. ``missile-48n6e3 max_range``."""
        return figure_label(self.entry, self.path)

    def value(self, level: int) -> float:
        return (self.low, self.nominal, self.high)[level]


_JAMMING_ONLY = {"noise_figure", "sidelobe_level"}
"""Radar figures that enter the simulation only when a jammer is present."""


def _entries_used(scenario: Scenario) -> list[str]:
    body = scenario.body
    ids = [u.system for u in body.units] + [s.system for s in body.sensors]
    ids += [r.threat for r in body.raids] + [f.aircraft for f in body.flights]
    ids += [j.system for j in body.jammers]
    return list(dict.fromkeys(ids))


def contested_figures(scenario: Scenario) -> list[UncertainFigure]:
    """The contested figures (low < high) of the catalogue entries `scenario` uses."""
    out = []
    for eid in _entries_used(scenario):
        entry = scenario.catalogue[eid]
        for path, fig in iter_figures(entry):
            if not fig.contested:
                continue
            key = (entry.kind, *path)
            if key in _UNUSED or (entry.kind, *path[-1:]) in _UNUSED:
                continue
            if path[-1] in _JAMMING_ONLY and not scenario.body.jammers:
                continue
            if path[0] == "evasion" and not any(
                f.evade and f.aircraft == eid for f in scenario.body.flights
            ):
                continue  # only an evading flight (`evade: true`) uses them
            out.append(UncertainFigure(eid, path, fig.level("low"), fig.value, fig.level("high")))
    return out


def with_levels(
    catalogue: Catalogue, figures: list[UncertainFigure], levels: NDArray[np.int64]
) -> Catalogue:
    """A copy of `catalogue` in which each figure is fixed at its chosen level."""
    for fig, level in zip(figures, levels, strict=True):
        original = figure_at(catalogue.entries[fig.entry], fig.path)
        chosen = getattr(original, LEVELS[int(level)])
        catalogue = with_figure(catalogue, fig.entry, fig.path, Figure(chosen, chosen, chosen))
    return catalogue


def levels_from_unit(u: NDArray[np.float64]) -> NDArray[np.int64]:
    """Map uniform coordinates in [0, 1) to levels 0, 1, 2 by :data:`LEVEL_PROBABILITIES`."""
    cuts = np.cumsum(LEVEL_PROBABILITIES)[:-1]
    return np.searchsorted(cuts, u, side="right").astype(np.int64)


# ---------------------------------------------------------------- running the designs


@dataclass(frozen=True)
class _Job:
    file: str
    source: str
    variant: str | None
    levels: tuple[int, ...]
    replications: int
    seed: int


_FIGURES: list[UncertainFigure] = []
_CATALOGUE: Catalogue | None = None


def _outcomes(job: _Job) -> NDArray[np.float64]:
    """Outcomes of one design: P(undamaged) per asset, leakers and cost per raid."""
    from airguard.world import compile_world

    assert _CATALOGUE is not None
    cat = with_levels(_CATALOGUE, _FIGURES, np.asarray(job.levels, dtype=np.int64))
    (scenario,) = load_scenario(job.file, variant=job.variant, catalogue=cat, text=job.source)
    return campaign_outcomes(compile_world(scenario), job.seed, job.replications)


def campaign_outcomes(world: Any, seed: int, replications: int) -> NDArray[np.float64]:
    """(A + 2,) P(undamaged) per asset, then leakers and interceptor cost per raid, over
    replications 0 … `replications` − 1 of campaign `seed` on `world`."""
    from airguard.engine import run_replication

    undamaged = np.zeros(len(world.asset_names))
    leakers = 0.0
    cost = 0.0
    for k in range(replications):
        r = run_replication(world, seed, k)
        undamaged += r.asset_hits == 0
        leakers += float(r.impacted.sum())
        cost += float(world.interceptors.cost_usd[r.interceptor_type].sum())
    n = replications
    return np.concatenate([undamaged / n, [leakers / n, cost / n]])


def _init_worker(
    figures: list[UncertainFigure], catalogue: Catalogue, parent: int | None = None
) -> None:
    """Hold the study's figures; in a pool worker (`parent`: the study's process), end with it."""
    global _FIGURES, _CATALOGUE
    if parent is not None:
        die_with_parent(parent)
    _FIGURES = figures
    _CATALOGUE = catalogue


def _check_extremes(scenario: Scenario, figures: list[UncertainFigure]) -> None:
    """Load the scenario with each figure at its low and at its high level.

    A level can make the scenario invalid — a slower drone arriving after the end,
    say — and the analysis would then compare unlike things; the error names the
    figure and level so that the user can lengthen the scenario.
    """
    from airguard.errors import InputError
    from airguard.world import compile_world

    for k, fig in enumerate(figures):
        for level in (0, 2):
            levels = np.ones(len(figures), dtype=np.int64)
            levels[k] = level
            cat = with_levels(scenario.catalogue, figures, levels)
            try:
                (changed,) = load_scenario(
                    scenario.file, variant=scenario.variant, catalogue=cat, text=scenario.source
                )
                compile_world(changed)  # e.g. a raid beyond the reach of the changed motor
            except InputError as exc:
                raise InputError(
                    f"with {fig.label} at its {LEVELS[level]} public value "
                    f"({fig.value(level):g} SI) the scenario is not valid ({exc.message}); "
                    "the uncertainty analysis needs every level to be",
                    file=exc.file,
                    line=exc.line,
                    field=exc.field,
                ) from None


@dataclass
class SensitivityReport:
    """Sobol indices of each outcome with respect to each contested figure."""

    scenario: str
    variant: str | None
    figures: list[UncertainFigure]
    outcomes: list[str]
    designs: int
    replications_per_design: int
    seed: int
    values: NDArray[np.float64]  # (designs, outcomes)
    s1: NDArray[np.float64]  # (outcomes, figures)
    s1_conf: NDArray[np.float64]
    st: NDArray[np.float64]
    st_conf: NDArray[np.float64]
    noise_share: NDArray[np.float64]  # (outcomes,) share of variance from replication noise
    sentences: list[str] = field(default_factory=list)
    # every figure at its nominal value: each outcome and its 95 % Monte Carlo interval
    nominal: NDArray[np.float64] | None = None  # (outcomes,)
    nominal_ci95: NDArray[np.float64] | None = None  # (outcomes, 2)
    nominal_replications: int = 0

    def spread(self, i: int) -> tuple[float, float]:
        """The 5th and 95th percentiles of outcome i over the designs (plausible inputs)."""
        y = self.values[:, i]
        return float(np.percentile(y, 5)), float(np.percentile(y, 95))

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "designs": self.designs,
            "replications_per_design": self.replications_per_design,
            "seed": self.seed,
            "distribution": "each contested figure at its low, nominal or high level with "
            "probabilities 1/4, 1/2, 1/4",
            "figures": [
                {"figure": f.label, "low": f.low, "nominal": f.nominal, "high": f.high}
                for f in self.figures
            ],
            "nominal_replications": self.nominal_replications,
            "outcomes": [
                {
                    "outcome": name,
                    "nominal": None if self.nominal is None else float(self.nominal[i]),
                    "nominal_ci95": None
                    if self.nominal_ci95 is None
                    else [float(x) for x in self.nominal_ci95[i]],
                    "mean": float(self.values[:, i].mean()),
                    "std": float(self.values[:, i].std()),
                    "p5_p95": list(self.spread(i)),
                    "noise_share": float(self.noise_share[i]),
                    "indices": [
                        {
                            "figure": f.label,
                            "S1": float(self.s1[i, k]),
                            "S1_conf": float(self.s1_conf[i, k]),
                            "ST": float(self.st[i, k]),
                            "ST_conf": float(self.st_conf[i, k]),
                        }
                        for k, f in enumerate(self.figures)
                    ],
                }
                for i, name in enumerate(self.outcomes)
            ],
            "summary": self.sentences,
        }


def _sentence(
    name: str, figures: list[UncertainFigure], s1: Any, st: Any, st_conf: Any, noise: float
) -> str:
    order = np.argsort(-np.nan_to_num(st, nan=-1.0))
    top = [k for k in order[:3] if np.isfinite(st[k]) and st[k] >= 0.05]
    if not top:
        return f"{name}: no contested figure explains as much as 5 % of its variance"
    parts = [f"{figures[k].label} (S1 = {s1[k]:.2f}, ST = {st[k]:.2f})" for k in top]
    head = f"{name} depends mostly on {parts[0]}"
    if len(parts) > 1:
        head += "; then " + ", ".join(parts[1:])
    if noise >= 0.2:
        head += f" [{noise:.0%} of its variance is replication noise]"
    if st_conf[top[0]] >= 0.5 * st[top[0]]:
        head += f" — uncertain (ST {st[top[0]]:.2f} ± {st_conf[top[0]]:.2f}): run more designs"
    return head


def sensitivity(
    scenario: Scenario,
    *,
    base_samples: int = 16,
    replications_per_design: int = 16,
    seed: int | None = None,
    workers: int | None = None,
    on_design: Callable[[int], Any] | None = None,
) -> SensitivityReport:
    """Sobol indices of the outcomes of `scenario` with respect to its contested figures.

    Runs ``base_samples · (D + 2)`` designs of ``replications_per_design``
    replications each.  `base_samples` should be a power of 2 (Sobol' sequence).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    from airguard.world import compile_world

    if base_samples < 2 or base_samples & (base_samples - 1):
        raise ValueError(f"base_samples: expected a power of 2 of at least 2, got {base_samples}")
    if replications_per_design < 1:
        raise ValueError("replications_per_design: expected at least 1")
    figures = contested_figures(scenario)
    if not figures:
        raise ValueError(f"{scenario.name}: none of the figures it uses is contested")
    seed = scenario.body.seed if seed is None else seed
    _check_extremes(scenario, figures)
    problem = {
        "num_vars": len(figures),
        "names": [f.label for f in figures],
        "bounds": [[0.0, 1.0]] * len(figures),
    }
    unit = sobol_sample.sample(
        problem, base_samples, calc_second_order=False, scramble=True, seed=seed
    )
    levels = levels_from_unit(unit)
    world = compile_world(scenario)
    outcomes = [f"P({a} undamaged)" for a in world.asset_names]
    outcomes += ["leakers per raid", "interceptor cost per raid (USD)"]
    jobs = [
        _Job(
            scenario.file,
            scenario.source,
            scenario.variant,
            tuple(int(x) for x in row),
            replications_per_design,
            seed,
        )
        for row in levels
    ]
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    values = np.empty((len(jobs), len(outcomes)))
    if n_workers == 1:
        _init_worker(figures, scenario.catalogue)
        for i, job in enumerate(jobs):
            values[i] = _outcomes(job)
            if on_design:
                on_design(1)
    else:
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        with ProcessPoolExecutor(
            n_workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(figures, scenario.catalogue, os.getpid()),
        ) as pool:
            for i, row in enumerate(pool.map(_outcomes, jobs, chunksize=4)):
                values[i] = row
                if on_design:
                    on_design(1)
    d = len(figures)
    s1 = np.full((len(outcomes), d), math.nan)
    s1c, st, stc = s1.copy(), s1.copy(), s1.copy()
    noise = np.zeros(len(outcomes))
    m = replications_per_design
    for i in range(len(outcomes)):
        y = values[:, i]
        var = float(y.var())
        # a proportion from m replications has sampling variance p(1 - p)/m, estimated
        # without bias by p̂(1 - p̂)/(m - 1); for the means no such closed form is used
        proportion = i < len(world.asset_names)
        noise_var = float(np.mean(y * (1.0 - y))) / max(m - 1, 1) if proportion else math.nan
        noise[i] = min(noise_var / var, 1.0) if var > 0.0 and math.isfinite(noise_var) else 0.0
        if var <= 0.0:
            s1[i] = st[i] = 0.0
            s1c[i] = stc[i] = 0.0
            continue
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=False, print_to_console=False, seed=seed
        )
        s1[i], s1c[i], st[i], stc[i] = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
    report = SensitivityReport(
        scenario=scenario.body.name,
        variant=scenario.variant,
        figures=figures,
        outcomes=outcomes,
        designs=len(jobs),
        replications_per_design=m,
        seed=seed,
        values=values,
        s1=s1,
        s1_conf=s1c,
        st=st,
        st_conf=stc,
        noise_share=noise,
    )
    report.sentences = [
        _sentence(name, figures, s1[i], st[i], stc[i], float(noise[i]))
        for i, name in enumerate(outcomes)
    ]
    nominal_reps = max(4 * replications_per_design, NOMINAL_REPLICATIONS)
    report.nominal, report.nominal_ci95 = _nominal(world, seed, nominal_reps)
    report.nominal_replications = nominal_reps
    return report


NOMINAL_REPLICATIONS = 64
"""Replications at the nominal figures whose interval the summary shows beside the spread."""


def _nominal(world: Any, seed: int, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each outcome at the nominal figures over `n` replications, and its 95 % Monte Carlo
    interval: Wilson for P(undamaged), the normal approximation for the means."""
    from airguard.engine import run_replication
    from airguard.results.store import mean_interval, wilson_interval

    n_assets = len(world.asset_names)
    undamaged = np.zeros(n_assets, dtype=np.int64)
    leakers, cost = np.zeros(n), np.zeros(n)
    for k in range(n):
        r = run_replication(world, seed, k)
        undamaged += r.asset_hits == 0
        leakers[k] = float(r.impacted.sum())
        cost[k] = float(world.interceptors.cost_usd[r.interceptor_type].sum())
    values = np.concatenate([undamaged / n, [leakers.mean(), cost.mean()]])
    ci = [wilson_interval(int(u), n) for u in undamaged]
    ci += [mean_interval(x, lower_bound=0.0)[1:] for x in (leakers, cost)]
    return values, np.array(ci, dtype=np.float64)
