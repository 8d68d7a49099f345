"""Two runs side by side: each summary figure, the difference B − A and its 95 % interval.

:func:`compare_runs` reads the stored tables of two run directories (see
docs/results-format.md) and returns a :class:`Comparison`: for every summary
figure — P(asset undamaged) per asset, leakers per raid (all types and per
threat type), threats killed per raid, interceptors fired per raid by type and
interceptor cost per raid, and friendly aircraft shot down per raid when
either run had friendly flights — the value in A, in B, the difference B − A
and a 95 % confidence interval for it.

Which interval depends on how the two samples were drawn.

* **Paired** (common random numbers).  Replication k of campaign seed s draws
  from ``SeedSequence(s, spawn_key=(k,))`` and the engine draws the raid first
  (:func:`airguard.engine.replication_rng`, :func:`airguard.engine.draw_threats`).
  When both runs used the same seed and the same replication numbers,
  replication k of A and replication k of B face the same raid, so the pairs
  (A_k, B_k) are independent and identically distributed across k while A_k
  and B_k are correlated.  The interval is then built on the pairs: Newcombe's
  method 10 for paired proportions and the paired t interval for means.  Pairing
  is valid however weak the correlation; common random numbers only make it
  narrower (A. M. Law, *Simulation Modeling and Analysis*, 5th ed., 2015,
  §10.2.1 paired-t interval and §11.2 common random numbers).
* **Independent** (different seeds or different replication numbers): Newcombe's
  hybrid score interval (method 10) for proportions and Welch's interval for
  means (Law 2015, §10.2.2).

References
----------
R. G. Newcombe, "Interval estimation for the difference between independent
proportions: comparison of eleven methods", *Statistics in Medicine* 17 (1998)
873–890, method 10.

R. G. Newcombe, "Improved confidence intervals for the difference between
binomial proportions based on paired data", *Statistics in Medicine* 17 (1998)
2635–2650, method 10.

B. L. Welch, "The generalization of 'Student's' problem when several different
population variances are involved", *Biometrika* 34 (1947) 28–35.

Student, "The probable error of a mean", *Biometrika* 6 (1908) 1–25.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from airguard.results.store import Z95, read_manifest, read_table, wilson_interval

__all__ = [
    "INDEPENDENT_MEAN",
    "INDEPENDENT_PROPORTION",
    "PAIRED_MEAN",
    "PAIRED_PROPORTION",
    "Comparison",
    "FigureComparison",
    "RunInfo",
    "compare_runs",
    "newcombe_independent_interval",
    "newcombe_paired_interval",
    "paired_t_interval",
    "welch_interval",
]

PAIRED_PROPORTION = "newcombe-paired-method-10"
"""Newcombe (1998), *Stat Med* 17:2635–2650, method 10."""
INDEPENDENT_PROPORTION = "newcombe-independent-method-10"
"""Newcombe (1998), *Stat Med* 17:873–890, method 10 (hybrid score)."""
PAIRED_MEAN = "paired-t"
"""Student's t interval of the mean of the per-replication differences."""
INDEPENDENT_MEAN = "welch"
"""Welch's interval for the difference of two means (unequal variances)."""

CONFIDENCE = 0.95

Unit = Literal["probability", "count", "usd"]


# ---------------------------------------------------------------- intervals


def newcombe_independent_interval(
    successes_1: int, trials_1: int, successes_2: int, trials_2: int, z: float = Z95
) -> tuple[float, float, float]:
    """Difference p1 − p2 of two independent proportions, with its score interval.

    Newcombe's hybrid score interval, method 10 of R. G. Newcombe, "Interval
    estimation for the difference between independent proportions: comparison
    of eleven methods", *Statistics in Medicine* 17 (1998) 873–890: with
    (l_i, u_i) the Wilson score interval of p_i,

        L = (p1 − p2) − sqrt((p1 − l1)² + (u2 − p2)²)
        U = (p1 − p2) + sqrt((u1 − p1)² + (p2 − l2)²)

    Returns
    -------
    (difference, lower, upper)
        Of p1 − p2; the limits lie in [-1, 1].
    """
    if trials_1 <= 0 or trials_2 <= 0:
        raise ValueError("trials must be positive")
    p1 = successes_1 / trials_1
    p2 = successes_2 / trials_2
    l1, u1 = wilson_interval(successes_1, trials_1, z)
    l2, u2 = wilson_interval(successes_2, trials_2, z)
    d = p1 - p2
    lower = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, max(lower, -1.0), min(upper, 1.0)


def newcombe_paired_interval(
    both: int, first_only: int, second_only: int, neither: int, z: float = Z95
) -> tuple[float, float, float]:
    """Difference p1 − p2 of two paired proportions, with its score interval.

    Method 10 of R. G. Newcombe, "Improved confidence intervals for the
    difference between binomial proportions based on paired data",
    *Statistics in Medicine* 17 (1998) 2635–2650.  The n pairs form the table
    e = `both`, f = `first_only`, g = `second_only`, h = `neither`;
    p1 = (e + f)/n, p2 = (e + g)/n, θ = p1 − p2 = (f − g)/n.  With (l2, u2) and
    (l3, u3) the Wilson score intervals of p1 and p2,

        L = θ − sqrt(dl2² − 2 φ dl2 du3 + du3²),
        U = θ + sqrt(du2² − 2 φ du2 dl3 + dl3²),

    dl2 = p1 − l2, du2 = u2 − p1, dl3 = p2 − l3, du3 = u3 − p2, and φ the
    correlation of the pair's two outcomes estimated with Newcombe's
    correction: (eh − fg − n/2)/sqrt((e+f)(g+h)(e+g)(f+h)) when eh − fg > n/2,
    0 when 0 ≤ eh − fg ≤ n/2, (eh − fg)/sqrt(...) when eh − fg < 0, and 0 when
    a margin is empty.

    Without discordant pairs (f = g = 0) the interval is not of zero width: it
    says how large a difference n pairs could still hide.

    Returns
    -------
    (difference, lower, upper)
        Of p1 − p2; the limits lie in [-1, 1].
    """
    e, f, g, h = both, first_only, second_only, neither
    if min(e, f, g, h) < 0:
        raise ValueError("counts must be non-negative")
    n = e + f + g + h
    if n <= 0:
        raise ValueError("at least one pair is needed")
    margins = (e + f) * (g + h) * (e + g) * (f + h)
    cross = e * h - f * g
    if margins == 0:
        phi = 0.0
    elif cross > n / 2:
        phi = (cross - n / 2) / math.sqrt(margins)
    elif cross >= 0:
        phi = 0.0
    else:
        phi = cross / math.sqrt(margins)
    p1 = (e + f) / n
    p2 = (e + g) / n
    l2, u2 = wilson_interval(e + f, n, z)
    l3, u3 = wilson_interval(e + g, n, z)
    dl2, du2 = p1 - l2, u2 - p1
    dl3, du3 = p2 - l3, u3 - p2
    theta = (f - g) / n
    # max(., 0): the radicands are >= 0 in exact arithmetic (|φ| <= 1)
    delta = math.sqrt(max(dl2 * dl2 - 2.0 * phi * dl2 * du3 + du3 * du3, 0.0))
    epsilon = math.sqrt(max(du2 * du2 - 2.0 * phi * du2 * dl3 + dl3 * dl3, 0.0))
    return theta, max(theta - delta, -1.0), min(theta + epsilon, 1.0)


def paired_t_interval(
    differences: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Mean of paired differences and its Student t interval.

    mean ± t(1 − α/2, n − 1) s / sqrt(n), s the sample standard deviation of
    the differences (Student 1908; Law 2015, §10.2.1).

    Parameters
    ----------
    differences
        (n,) float64: one difference per pair.

    Returns
    -------
    (mean, lower, upper)
        The limits are NaN for fewer than two pairs; equal to the mean when all
        differences are equal.
    """
    from scipy import stats

    d = np.asarray(differences, dtype=np.float64)
    n = d.size
    if n == 0:
        raise ValueError("at least one difference is needed")
    mean = float(d.mean())
    if n < 2:
        return mean, math.nan, math.nan
    sd = float(d.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def welch_interval(
    first: np.ndarray, second: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float, float]:
    """Difference of two independent means, mean(first) − mean(second), with Welch's interval.

    d ± t(1 − α/2, ν) sqrt(s1²/n1 + s2²/n2), with the Welch–Satterthwaite
    degrees of freedom ν = (s1²/n1 + s2²/n2)² / ((s1²/n1)²/(n1 − 1) + (s2²/n2)²/(n2 − 1))
    (Welch 1947; Law 2015, §10.2.2).

    Parameters
    ----------
    first, second
        (n1,) and (n2,) float64 samples.

    Returns
    -------
    (difference, lower, upper)
        The limits are NaN when a sample has fewer than two values; equal to
        the difference when both samples are constant.
    """
    from scipy import stats

    x1 = np.asarray(first, dtype=np.float64)
    x2 = np.asarray(second, dtype=np.float64)
    if x1.size == 0 or x2.size == 0:
        raise ValueError("both samples need at least one value")
    d = float(x1.mean() - x2.mean())
    if x1.size < 2 or x2.size < 2:
        return d, math.nan, math.nan
    v1 = float(x1.var(ddof=1)) / x1.size
    v2 = float(x2.var(ddof=1)) / x2.size
    se2 = v1 + v2
    if se2 == 0.0:
        return d, d, d
    dof = se2 * se2 / (v1 * v1 / (x1.size - 1) + v2 * v2 / (x2.size - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, dof)) * math.sqrt(se2)
    return d, d - half, d + half


# ---------------------------------------------------------------- the comparison


@dataclass(frozen=True)
class RunInfo:
    """Where one side of a comparison comes from."""

    run_dir: str | None
    scenario: str
    variant: str | None
    seed: int
    replications: int

    @property
    def label(self) -> str:
        return self.variant or self.scenario

    def to_json(self) -> dict[str, Any]:
        return {
            "run_dir": self.run_dir,
            "scenario": self.scenario,
            "variant": self.variant,
            "seed": self.seed,
            "replications": self.replications,
        }


@dataclass(frozen=True)
class FigureComparison:
    """One summary figure in A and in B, and the difference B − A with its interval.

    `a` or `b` is None where the figure does not exist in that run (an asset
    that only one scenario defends); `difference`, `ci95` and `method` are
    then None too.  `ci95` is also None when a side has fewer than two
    replications for a mean.
    """

    key: str
    label: str
    kind: Literal["proportion", "mean"]
    unit: Unit
    a: float | None
    b: float | None
    difference: float | None
    ci95: tuple[float, float] | None
    method: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "unit": self.unit,
            "a": self.a,
            "b": self.b,
            "difference": self.difference,
            "ci95": None if self.ci95 is None else list(self.ci95),
            "method": self.method,
        }


@dataclass(frozen=True)
class Comparison:
    """Two runs compared figure by figure (the `airguard compare --json` format)."""

    a: RunInfo
    b: RunInfo
    paired: bool
    pairing: str
    figures: tuple[FigureComparison, ...]

    def figure(self, key: str) -> FigureComparison:
        """The figure with this key, e.g. ``"p_undamaged/Base"``."""
        for fig in self.figures:
            if fig.key == key:
                return fig
        raise KeyError(f"no figure '{key}' (have: {', '.join(f.key for f in self.figures)})")

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "paired": self.paired,
            "pairing": self.pairing,
            "confidence": CONFIDENCE,
            "methods": {
                "proportion": PAIRED_PROPORTION if self.paired else INDEPENDENT_PROPORTION,
                "mean": PAIRED_MEAN if self.paired else INDEPENDENT_MEAN,
            },
            "figures": [f.to_json() for f in self.figures],
        }

    def _headline(self) -> str:
        same = self.a.replications == self.b.replications
        reps = (
            f"{self.a.replications} replications each"
            if same
            else f"{self.a.replications} and {self.b.replications} replications"
        )
        return (
            f"A {self.a.label!r} vs B {self.b.label!r}, "
            f"{'paired' if self.paired else 'independent'}, {reps}"
        )

    def __repr__(self) -> str:
        """A few lines: which runs, each asset's P(undamaged) and the leakers per raid in A
        and B with the difference and its interval; the other figures are in
        :attr:`figures`."""
        from airguard.results.display import MAX_NAMES, figure_cells

        shown = [f for f in self.figures if f.key.startswith("p_undamaged/")][:MAX_NAMES]
        shown += [f for f in self.figures if f.key == "leakers_per_raid"]
        lines = [f"<Comparison {self._headline()}; B − A [95 % CI]:"]
        for f in shown:
            a, b, d = figure_cells(f.to_json())
            lines.append(f"{f.label}: {a} → {b}, {d}")
        more = len(self.figures) - len(shown)
        if more:
            lines.append(f"and {more} more figures (.figures)")
        return "\n  ".join(lines) + ">"

    def _repr_html_(self) -> str:
        """Every figure in a compact table: A, B, B − A and its 95 % interval."""
        from airguard.results.display import figure_cells, html_table

        rows = [(f.label, *figure_cells(f.to_json())) for f in self.figures]
        header = ("figure", f"A: {self.a.label}", f"B: {self.b.label}", "B − A [95 % CI]")
        return html_table(self._headline(), header, rows, note=self.pairing)


@dataclass(frozen=True)
class _Samples:
    """Per-replication values of one run, rows in replication order."""

    info: RunInfo
    replication: np.ndarray  # (R,) int64, increasing
    undamaged: dict[str, np.ndarray]  # asset -> (R,) bool
    leakers: np.ndarray  # (R,) float64
    leakers_by_type: dict[str, np.ndarray]  # threat type -> (R,) float64
    killed: np.ndarray  # (R,) float64
    fired_by_type: dict[str, np.ndarray]  # interceptor type -> (R,) float64
    cost_usd: np.ndarray  # (R,) float64
    fratricides: np.ndarray | None  # (R,) float64; None: the run had no friendly flights


def _strings(table: Any, name: str) -> np.ndarray:
    return np.array(table.column(name).to_pylist(), dtype=object)


def _ordered(first: Sequence[str], *more: Sequence[str]) -> list[str]:
    out = list(dict.fromkeys(first))
    for names in more:
        out.extend(n for n in dict.fromkeys(names) if n not in out)
    return out


def _read_samples(run_dir: str | Path) -> _Samples:
    root = Path(run_dir)
    if not (root / "manifest.json").is_file():
        raise FileNotFoundError(f"{root}: not a run directory (no manifest.json)")
    manifest = read_manifest(root)
    summary = manifest.get("summary") or {}
    if "seed" not in manifest:
        raise ValueError(f"{root / 'manifest.json'}: no 'seed'")
    reps_tab = read_table(root, "replications")
    order = np.argsort(reps_tab.column("replication").to_numpy(), kind="stable")
    reps = reps_tab.column("replication").to_numpy()[order].astype(np.int64)
    if reps.size == 0:
        raise ValueError(f"{root}: no replications")
    if np.unique(reps).size != reps.size:
        raise ValueError(f"{root}: a replication number occurs twice in the replications table")
    n = reps.size

    def column(name: str) -> np.ndarray:
        return np.asarray(reps_tab.column(name).to_numpy()[order], dtype=np.float64)

    def rows(table: Any) -> np.ndarray:
        rep = np.asarray(table.column("replication").to_numpy(), dtype=np.int64)
        pos: np.ndarray = np.minimum(np.searchsorted(reps, rep), n - 1)
        if not np.array_equal(reps[pos], rep):
            raise ValueError(f"{root}: rows for replications missing from the replications table")
        return pos

    assets = read_table(root, "assets")
    asset = _strings(assets, "asset")
    damaged = np.asarray(assets.column("damaged").to_numpy(zero_copy_only=False), dtype=bool)
    pos = rows(assets)
    undamaged: dict[str, np.ndarray] = {}
    for name in _ordered([a["name"] for a in summary.get("assets", [])], list(asset)):
        sel = asset == name
        if not sel.any():
            continue
        ok = np.zeros(n, dtype=bool)
        ok[pos[sel]] = ~damaged[sel]
        undamaged[name] = ok

    threats = read_table(root, "threats")
    ttype = _strings(threats, "threat_type")
    leaked = np.asarray(threats.column("leaked").to_numpy(zero_copy_only=False), dtype=bool)
    pos = rows(threats)
    leakers_by_type = {
        name: np.bincount(pos[leaked & (ttype == name)], minlength=n).astype(np.float64)
        for name in _ordered(list(summary.get("leakers_mean", {})), list(ttype))
    }

    eng = read_table(root, "engagements")
    itype = _strings(eng, "interceptor_type")
    pos = rows(eng)
    fired_by_type = {
        name: np.bincount(pos[itype == name], minlength=n).astype(np.float64)
        for name in _ordered(list(summary.get("interceptors_fired", {})), list(itype))
    }

    info = RunInfo(
        run_dir=str(root),
        scenario=str(manifest.get("scenario_name") or summary.get("scenario") or root.name),
        variant=manifest.get("variant"),
        seed=int(manifest["seed"]),
        replications=n,
    )
    return _Samples(
        info=info,
        replication=reps,
        undamaged=undamaged,
        leakers=column("leakers"),
        leakers_by_type=leakers_by_type,
        killed=column("killed"),
        fired_by_type=fired_by_type,
        cost_usd=column("interceptor_cost_usd"),
        fratricides=_fratricides(threats, column),
    )


def _fratricides(threats: Any, column: Callable[[str], np.ndarray]) -> np.ndarray | None:
    """Friendly aircraft shot down per replication, or None when the run had none flying."""
    friendly = np.asarray(threats.column("friendly").to_numpy(zero_copy_only=False), dtype=bool)
    if not friendly.any():
        return None
    return np.asarray(column("fratricides"), dtype=np.float64)


def _span(reps: np.ndarray) -> str:
    if reps.size and np.array_equal(reps, np.arange(reps[0], reps[0] + reps.size)):
        return f"{reps.size} replications, numbered {reps[0]}–{reps[-1]}"
    return f"{reps.size} replications"


def _pairing(a: _Samples, b: _Samples) -> tuple[bool, str]:
    if a.info.seed == b.info.seed and np.array_equal(a.replication, b.replication):
        return True, (
            f"paired: both runs used seed {a.info.seed} and the same {_span(a.replication)}, "
            "so replication k of A and of B faced the same raid (common random numbers); "
            "Newcombe's method 10 for paired proportions, paired t for means"
        )
    if a.info.seed != b.info.seed:
        why = f"different seeds ({a.info.seed} and {b.info.seed})"
    else:
        why = f"different replications ({_span(a.replication)}; {_span(b.replication)})"
    return False, (
        f"independent: {why}; Newcombe's hybrid score interval (method 10) for "
        "proportions, Welch's interval for means"
    )


def _interval(lo: float, hi: float) -> tuple[float, float] | None:
    return None if math.isnan(lo) or math.isnan(hi) else (lo, hi)


def _proportion(
    key: str, label: str, a: np.ndarray | None, b: np.ndarray | None, paired: bool
) -> FigureComparison:
    if a is None or b is None:
        return FigureComparison(
            key=key,
            label=label,
            kind="proportion",
            unit="probability",
            a=None if a is None else float(a.mean()),
            b=None if b is None else float(b.mean()),
            difference=None,
            ci95=None,
            method=None,
        )
    if paired:
        d, lo, hi = newcombe_paired_interval(
            int((b & a).sum()), int((b & ~a).sum()), int((~b & a).sum()), int((~b & ~a).sum())
        )
        method = PAIRED_PROPORTION
    else:
        d, lo, hi = newcombe_independent_interval(int(b.sum()), b.size, int(a.sum()), a.size)
        method = INDEPENDENT_PROPORTION
    return FigureComparison(
        key=key,
        label=label,
        kind="proportion",
        unit="probability",
        a=float(a.mean()),
        b=float(b.mean()),
        difference=d,
        ci95=_interval(lo, hi),
        method=method,
    )


def _mean(
    key: str, label: str, unit: Unit, a: np.ndarray, b: np.ndarray, paired: bool
) -> FigureComparison:
    if paired:
        d, lo, hi = paired_t_interval(b - a)
        method = PAIRED_MEAN
    else:
        d, lo, hi = welch_interval(b, a)
        method = INDEPENDENT_MEAN
    return FigureComparison(
        key=key,
        label=label,
        kind="mean",
        unit=unit,
        a=float(a.mean()),
        b=float(b.mean()),
        difference=d,
        ci95=_interval(lo, hi),
        method=method,
    )


def compare_runs(run_dir_a: str | Path, run_dir_b: str | Path) -> Comparison:
    """Compare two run directories figure by figure: A, B, B − A and its 95 % interval.

    The runs are paired when they used the same seed and the same replication
    numbers (see the module docstring), independent otherwise.  A count that
    one run does not have (a threat or interceptor type absent from its
    scenario) is zero there; an asset that only one run defends has no
    difference.

    Parameters
    ----------
    run_dir_a, run_dir_b
        Run directories (manifest.json and the Parquet tables), e.g. written by
        :func:`airguard.simulate` with ``out=``.  The same directory twice is
        allowed: every difference is then zero.

    Raises
    ------
    FileNotFoundError
        If a directory has no manifest or a table has no Parquet parts.
    ValueError
        If the tables are inconsistent.
    """
    a = _read_samples(run_dir_a)
    b = _read_samples(run_dir_b)
    paired, pairing = _pairing(a, b)
    zeros_a = np.zeros(a.replication.size)
    zeros_b = np.zeros(b.replication.size)
    figures: list[FigureComparison] = []
    for name in _ordered(list(a.undamaged), list(b.undamaged)):
        figures.append(
            _proportion(
                f"p_undamaged/{name}",
                f"P({name} undamaged)",
                a.undamaged.get(name),
                b.undamaged.get(name),
                paired,
            )
        )
    figures.append(
        _mean(
            "leakers_per_raid", "leakers per raid, all types", "count", a.leakers, b.leakers, paired
        )
    )
    for name in _ordered(list(a.leakers_by_type), list(b.leakers_by_type)):
        figures.append(
            _mean(
                f"leakers_per_raid/{name}",
                f"leakers per raid: {name}",
                "count",
                a.leakers_by_type.get(name, zeros_a),
                b.leakers_by_type.get(name, zeros_b),
                paired,
            )
        )
    figures.append(
        _mean(
            "threats_killed_per_raid",
            "threats killed per raid",
            "count",
            a.killed,
            b.killed,
            paired,
        )
    )
    for name in _ordered(list(a.fired_by_type), list(b.fired_by_type)):
        figures.append(
            _mean(
                f"interceptors_fired_per_raid/{name}",
                f"interceptors fired per raid: {name}",
                "count",
                a.fired_by_type.get(name, zeros_a),
                b.fired_by_type.get(name, zeros_b),
                paired,
            )
        )
    if a.fratricides is not None or b.fratricides is not None:
        figures.append(
            _mean(
                "fratricides_per_raid",
                "friendly aircraft shot down per raid",
                "count",
                a.fratricides if a.fratricides is not None else zeros_a,
                b.fratricides if b.fratricides is not None else zeros_b,
                paired,
            )
        )
    figures.append(
        _mean(
            "interceptor_cost_per_raid_usd",
            "interceptor cost per raid",
            "usd",
            a.cost_usd,
            b.cost_usd,
            paired,
        )
    )
    return Comparison(a=a.info, b=b.info, paired=paired, pairing=pairing, figures=tuple(figures))
