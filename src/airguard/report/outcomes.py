"""The figures of one run with their 95 % intervals, from its stored tables.

The same figures and intervals as the run's JSON summary
(:func:`airguard.results.store.summarise`): P(asset undamaged) with the Wilson score
interval, means per raid with the normal-approximation interval of the mean
(:func:`airguard.results.store.mean_interval`, clipped at 0 for counts).  The summary gives
intervals for the total of leakers only; here every mean has one (leakers by threat
type, interceptors fired by type, cost), computed the same way from the per-replication
counts.

Where a run has them: hostile aircraft shot down per raid and the probability of at least
one (Wilson), as the summary's ``aircraft_killed`` and ``p_aircraft_killed``; weapons never
released, ARMs lost to emission control (threats ``arm_lost``) and seconds of radar silence
(``radar_silent_s``) per raid.  Hostile aircraft, like friendly flights and decoys, are no
leaker type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Interval", "RunFigures", "run_figures"]

Interval = tuple[float, float, float]
"""(estimate, low, high) of a 95 % interval."""


@dataclass(frozen=True)
class RunFigures:
    """One run's outcome figures (see the module docstring)."""

    run_dir: Path
    scenario: str
    variant: str | None
    seed: int
    replications: int
    created_utc: str | None
    airguard_version: str | None
    assets: dict[str, Interval]
    leakers_total: Interval
    leakers_by_type: dict[str, Interval]
    killed: Interval
    fired_by_type: dict[str, Interval]
    cost_usd: Interval
    fratricide: Interval | None = None
    assets_damaged: Interval = (0.0, 0.0, 0.0)
    aircraft_killed: Interval | None = None
    """Hostile aircraft shot down per raid (None: the run has no hostile flights)."""
    p_aircraft_killed: Interval | None = None
    """P(at least one hostile aircraft shot down), Wilson interval (None: no hostile flights)."""
    unreleased: Interval | None = None
    """Weapons never released per raid (None: none in any replication)."""
    arm_lost: Interval | None = None
    """ARMs that lost their emitter to emission control per raid (None: none in any)."""
    radar_silent_s: Interval | None = None
    """Seconds of radar silence per raid, summed over units and sensors (None: none in any)."""
    per_replication: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        return self.variant or self.scenario

    def to_json(self) -> dict[str, Any]:
        def iv(x: Interval) -> dict[str, Any]:
            return {"value": x[0], "ci95": [x[1], x[2]]}

        return {
            "run_dir": str(self.run_dir),
            "scenario": self.scenario,
            "variant": self.variant,
            "seed": self.seed,
            "replications": self.replications,
            "p_undamaged": {k: iv(v) for k, v in self.assets.items()},
            "leakers_per_raid": iv(self.leakers_total),
            "leakers_per_raid_by_type": {k: iv(v) for k, v in self.leakers_by_type.items()},
            "threats_killed_per_raid": iv(self.killed),
            "interceptors_fired_per_raid": {k: iv(v) for k, v in self.fired_by_type.items()},
            "interceptor_cost_per_raid_usd": iv(self.cost_usd),
            "p_fratricide": None if self.fratricide is None else iv(self.fratricide),
        } | {
            key: iv(value)
            for key, value in (
                ("aircraft_killed_per_raid", self.aircraft_killed),
                ("p_aircraft_killed", self.p_aircraft_killed),
                ("unreleased_per_raid", self.unreleased),
                ("arm_lost_per_raid", self.arm_lost),
                ("radar_silent_s_per_raid", self.radar_silent_s),
            )
            if value is not None
        }


def _flags(table: Any, name: str) -> np.ndarray:
    """A bool column, all False where the table predates it."""
    if name not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=bool)


def _strings(table: Any, name: str) -> np.ndarray:
    return np.array(table.column(name).to_pylist(), dtype=object)


def _counts_per_rep(rep_index: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    out: np.ndarray = np.bincount(rep_index[mask], minlength=n).astype(np.float64)
    return out


def run_figures(run_dir: str | Path) -> RunFigures:
    """The figures of the finished run in `run_dir`.

    Raises FileNotFoundError if the directory holds no manifest or no tables.
    """
    from airguard.results.store import mean_interval, read_manifest, read_table, wilson_interval

    root = Path(run_dir)
    if not (root / "manifest.json").is_file():
        raise FileNotFoundError(f"{root}: no manifest.json (not a finished run directory)")
    manifest = read_manifest(root)
    summary = manifest.get("summary") or {}
    reps = read_table(root, "replications")
    rep_ids = reps.column("replication").to_numpy()
    n = rep_ids.size
    index = {int(k): i for i, k in enumerate(rep_ids.tolist())}

    def rows(table: Any) -> np.ndarray:
        return np.array(
            [index[int(k)] for k in table.column("replication").to_pylist()], dtype=np.int64
        )

    def mean(values: np.ndarray) -> Interval:
        return mean_interval(values.astype(np.float64), lower_bound=0.0)

    assets_tab = read_table(root, "assets")
    names = _strings(assets_tab, "asset")
    damaged = assets_tab.column("damaged").to_numpy(zero_copy_only=False)
    order = [a["name"] for a in summary.get("assets", [])]
    order += [x for x in dict.fromkeys(names.tolist()) if x not in order]
    assets: dict[str, Interval] = {}
    for name in order:
        sel = names == name
        if not sel.any():
            continue
        undamaged = int((~damaged[sel]).sum())
        lo, hi = wilson_interval(undamaged, n)
        assets[name] = (undamaged / n, lo, hi)

    thr = read_table(root, "threats")
    t_rep = rows(thr)
    ttype = _strings(thr, "threat_type")
    leaked = thr.column("leaked").to_numpy(zero_copy_only=False).astype(bool)
    friendly = (
        thr.column("friendly").to_numpy(zero_copy_only=False).astype(bool)
        if "friendly" in thr.column_names
        else np.zeros(thr.num_rows, dtype=bool)
    )
    if "decoy" in thr.column_names:  # a decoy harms nothing: no leaker
        friendly = friendly | thr.column("decoy").to_numpy(zero_copy_only=False).astype(bool)
    aircraft = _flags(thr, "aircraft")
    friendly = friendly | aircraft  # hostile aircraft aim at no asset: never a leaker
    leakers_by_type = {
        name: mean(_counts_per_rep(t_rep, leaked & (ttype == name), n))
        for name in dict.fromkeys(ttype[~friendly].tolist())
    }

    eng = read_table(root, "engagements")
    e_rep = rows(eng)
    itype = _strings(eng, "interceptor_type")
    fired_by_type = {
        name: mean(_counts_per_rep(e_rep, itype == name, n))
        for name in dict.fromkeys(itype.tolist())
    }
    for name in summary.get("interceptors_fired", {}):
        fired_by_type.setdefault(name, (0.0, 0.0, 0.0))

    leakers = reps.column("leakers").to_numpy().astype(np.float64)
    killed = reps.column("killed").to_numpy().astype(np.float64)
    cost = reps.column("interceptor_cost_usd").to_numpy().astype(np.float64)
    damaged_n = reps.column("assets_damaged").to_numpy().astype(np.float64)
    fratricide = None
    if "fratricides" in reps.column_names and friendly.any():
        f = reps.column("fratricides").to_numpy()
        any_ = int((f > 0).sum())
        lo, hi = wilson_interval(any_, n)
        fratricide = (any_ / n, lo, hi)
    aircraft_killed = p_aircraft_killed = None
    if "aircraft_killed" in reps.column_names and aircraft.any():
        down = reps.column("aircraft_killed").to_numpy().astype(np.float64)
        aircraft_killed = mean(down)
        lo, hi = wilson_interval(int((down > 0).sum()), n)
        p_aircraft_killed = (float((down > 0).sum()) / n, lo, hi)

    def present(counts: np.ndarray) -> Interval | None:
        return mean(counts) if counts.any() else None

    unreleased = (
        present(reps.column("unreleased").to_numpy().astype(np.float64))
        if "unreleased" in reps.column_names
        else None
    )
    arm_lost = present(_counts_per_rep(t_rep, _flags(thr, "arm_lost"), n).astype(np.float64))
    radar_silent = (
        present(reps.column("radar_silent_s").to_numpy().astype(np.float64))
        if "radar_silent_s" in reps.column_names
        else None
    )
    return RunFigures(
        run_dir=root,
        scenario=str(manifest.get("scenario_name", "")),
        variant=manifest.get("variant"),
        seed=int(manifest.get("seed", 0)),
        replications=n,
        created_utc=manifest.get("created_utc"),
        airguard_version=manifest.get("airguard_version"),
        assets=assets,
        leakers_total=mean(leakers),
        leakers_by_type=leakers_by_type,
        killed=mean(killed),
        fired_by_type=fired_by_type,
        cost_usd=mean(cost),
        fratricide=fratricide,
        assets_damaged=mean(damaged_n),
        aircraft_killed=aircraft_killed,
        p_aircraft_killed=p_aircraft_killed,
        unreleased=unreleased,
        arm_lost=arm_lost,
        radar_silent_s=radar_silent,
        per_replication={
            "replication": rep_ids,
            "leakers": leakers,
            "killed": killed,
            "interceptor_cost_usd": cost,
            "assets_damaged": damaged_n,
        },
    )
