"""Outcome tables, the run directory, and summaries with intervals.

A run directory holds::

    manifest.json                  scenario hash, airguard version, seed, replications, ...
    replications/part-00000.parquet   one row per replication
    assets/part-*.parquet             one row per (replication, asset)
    threats/part-*.parquet            one row per (replication, threat)
    engagements/part-*.parquet        one row per interceptor launched
    impacts/part-*.parquet            one row per threat that reached the ground unintercepted

Each batch of replications is written as its own Parquet part; the manifest
is written last, atomically.  The tables are documented in
docs/results-format.md.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from airguard._version import __version__

if TYPE_CHECKING:
    import pyarrow as pa

    from airguard.engine import ReplicationResult
    from airguard.world import World

__all__ = [
    "TABLES",
    "BatchTables",
    "RunSummary",
    "batch_tables",
    "query",
    "read_manifest",
    "read_table",
    "run_dirs",
    "summarise",
    "wilson_interval",
    "write_batch",
    "write_manifest",
]

TABLES = ("replications", "assets", "threats", "engagements", "impacts")
Z95 = 1.959963984540054
"""Two-sided 95 % standard normal quantile."""


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", *JASA* 22(158), 1927; as in Brown, Cai & DasGupta,
    "Interval estimation for a binomial proportion", *Statistical Science*
    16(2), 2001, eq. 4.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def mean_interval(
    values: np.ndarray, z: float = Z95, lower_bound: float | None = None
) -> tuple[float, float, float]:
    """Mean and normal-approximation 95 % interval of the mean (CLT).

    `lower_bound` clips the interval, e.g. at 0 for counts.
    """
    n = values.size
    mean = float(values.mean()) if n else math.nan
    if n < 2:
        return mean, mean, mean
    half = z * float(values.std(ddof=1)) / math.sqrt(n)
    lo, hi = mean - half, mean + half
    if lower_bound is not None:
        lo = max(lo, lower_bound)
    return mean, lo, hi


BatchTables = dict[str, "pa.Table"]


def batch_tables(world: World, results: Sequence[ReplicationResult]) -> BatchTables:
    """Columnar outcome tables of a batch of replications."""
    import pyarrow as pa

    from airguard.engine import OUTCOME_NAMES

    reps = np.array([r.replication for r in results], dtype=np.int64)
    n_assets = len(world.asset_names)
    threat_names = np.array(world.threat_names, dtype=object)
    itc_names = np.array(world.interceptor_names, dtype=object)
    unit_names = np.array(world.unit_names, dtype=object)
    asset_names = np.array(world.asset_names, dtype=object)

    fired = np.array([r.outcome.size for r in results], dtype=np.int64)
    cost = np.array(
        [float(world.interceptors.cost[r.interceptor_type].sum()) for r in results],
        dtype=np.float64,
    )
    leaked = np.array([int(r.impacted.sum()) for r in results], dtype=np.int64)
    killed = np.array(
        [int((np.isfinite(r.killed_at) & ~r.threats.friendly).sum()) for r in results],
        dtype=np.int64,
    )
    fratricides = np.array(
        [int((np.isfinite(r.killed_at) & r.threats.friendly).sum()) for r in results],
        dtype=np.int64,
    )
    hits = np.array([r.asset_hits for r in results], dtype=np.int64).reshape(len(results), n_assets)
    replications = pa.table(
        {
            "replication": reps,
            "threats": np.array([int((~r.threats.friendly).sum()) for r in results], dtype=np.int64),
            "killed": killed,
            "leakers": leaked,
            "interceptors_fired": fired,
            "interceptor_cost_usd": cost,
            "assets_damaged": (hits > 0).sum(axis=1).astype(np.int64),
            "detections": np.array([r.n_detections for r in results], dtype=np.int64),
            "fratricides": fratricides,
        }
    )
    assets = pa.table(
        {
            "replication": np.repeat(reps, n_assets),
            "asset": np.tile(asset_names, len(results)),
            "hits": hits.ravel(),
            "damaged": (hits > 0).ravel(),
        }
    )
    thr_rows: dict[str, list[np.ndarray]] = {}
    eng_rows: dict[str, list[np.ndarray]] = {}
    imp_rows: dict[str, list[np.ndarray]] = {}
    for r in results:
        t = r.threats
        n = t.ttype.size
        add = thr_rows.setdefault
        add("replication", []).append(np.full(n, r.replication, dtype=np.int64))
        add("threat", []).append(np.arange(n, dtype=np.int64))
        add("threat_type", []).append(threat_names[t.ttype])
        targets = asset_names[np.maximum(t.target, 0)].copy()
        targets[t.target < 0] = None  # friendly flights aim at nothing
        add("target", []).append(targets)
        add("friendly", []).append(t.friendly.copy())
        add("launch_time_s", []).append(t.t_launch)
        add("impact_time_s", []).append(t.t_impact)
        add("first_detection_s", []).append(
            np.where(np.isfinite(r.first_detection), r.first_detection, np.nan)
        )
        add("killed", []).append(np.isfinite(r.killed_at))
        add("kill_time_s", []).append(np.where(np.isfinite(r.killed_at), r.killed_at, np.nan))
        add("leaked", []).append(r.impacted)
        add("interceptors_fired", []).append(r.fired_at)
        m = r.outcome.size
        ea = eng_rows.setdefault
        ea("replication", []).append(np.full(m, r.replication, dtype=np.int64))
        ea("unit", []).append(unit_names[r.interceptor_unit])
        ea("interceptor_type", []).append(itc_names[r.interceptor_type])
        ea("target", []).append(r.interceptor_target)
        ea("first_target", []).append(r.interceptor_first_target)
        ea("target_type", []).append(threat_names[t.ttype[r.interceptor_target]])
        ea("launch_time_s", []).append(r.launch_time)
        ea("end_time_s", []).append(r.end_time)
        ea("miss_distance_m", []).append(
            np.where(np.isfinite(r.miss_distance), r.miss_distance, np.nan)
        )
        ea("outcome", []).append(np.array(OUTCOME_NAMES, dtype=object)[r.outcome])
        ea("cost_usd", []).append(world.interceptors.cost[r.interceptor_type])
        hit = np.nonzero(r.impacted)[0]
        from airguard.geo import ecef2geodetic

        lat, lon, _ = ecef2geodetic(t.impact_pos[hit]) if hit.size else (np.zeros(0),) * 3
        d = np.linalg.norm(t.impact_pos[hit][:, None, :] - world.asset_pos[None, :, :], axis=2)
        inside = d <= world.asset_radius[None, :]
        first_asset = (
            np.where(inside.any(axis=1), asset_names[np.argmax(inside, axis=1)], None)
            if hit.size
            else np.zeros(0, dtype=object)
        )
        ia = imp_rows.setdefault
        ia("replication", []).append(np.full(hit.size, r.replication, dtype=np.int64))
        ia("threat", []).append(hit.astype(np.int64))
        ia("threat_type", []).append(threat_names[t.ttype[hit]])
        ia("target", []).append(asset_names[t.target[hit]])
        ia("time_s", []).append(t.t_impact[hit])
        ia("lat_deg", []).append(np.asarray(lat, dtype=np.float64))
        ia("lon_deg", []).append(np.asarray(lon, dtype=np.float64))
        ia("asset_hit", []).append(np.asarray(first_asset, dtype=object))
    return {
        "replications": replications,
        "assets": assets,
        "threats": _concat(thr_rows, THREAT_SCHEMA),
        "engagements": _concat(eng_rows, ENGAGEMENT_SCHEMA),
        "impacts": _concat(imp_rows, IMPACT_SCHEMA),
    }


THREAT_SCHEMA = {
    "replication": "int64",
    "threat": "int64",
    "threat_type": "string",
    "target": "string",
    "friendly": "bool",
    "launch_time_s": "float64",
    "impact_time_s": "float64",
    "first_detection_s": "float64",
    "killed": "bool",
    "kill_time_s": "float64",
    "leaked": "bool",
    "interceptors_fired": "int64",
}
ENGAGEMENT_SCHEMA = {
    "replication": "int64",
    "unit": "string",
    "interceptor_type": "string",
    "target": "int64",
    "first_target": "int64",
    "target_type": "string",
    "launch_time_s": "float64",
    "end_time_s": "float64",
    "miss_distance_m": "float64",
    "outcome": "string",
    "cost_usd": "float64",
}
IMPACT_SCHEMA = {
    "replication": "int64",
    "threat": "int64",
    "threat_type": "string",
    "target": "string",
    "time_s": "float64",
    "lat_deg": "float64",
    "lon_deg": "float64",
    "asset_hit": "string",
}


def _concat(rows: dict[str, list[np.ndarray]], schema: dict[str, str]) -> pa.Table:
    import pyarrow as pa

    cols = {}
    for name, typ in schema.items():
        parts = rows.get(name, [])
        data = np.concatenate(parts) if parts else np.zeros(0)
        # NaN in a float column means "no value" (e.g. never detected): stored as null
        cols[name] = pa.array(
            data.tolist() if typ == "string" else data,
            type=pa.type_for_alias(typ),
            from_pandas=typ == "float64",
        )
    return pa.table(cols)


# ---------------------------------------------------------------- the run directory


def write_batch(run_dir: Path, index: int, tables: BatchTables) -> None:
    """Write one batch's tables as Parquet parts ``<table>/part-<index>.parquet``."""
    import pyarrow.parquet as pq

    for name, table in tables.items():
        d = run_dir / name
        d.mkdir(parents=True, exist_ok=True)
        final = d / f"part-{index:05d}.parquet"
        tmp = d / f".part-{index:05d}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, final)


def write_manifest(run_dir: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json atomically (write a temporary file, then rename)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    data = {"airguard_version": __version__, **manifest}
    fd, tmp = tempfile.mkstemp(dir=run_dir, prefix=".manifest.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, run_dir / "manifest.json")


def read_table(run_dir: str | Path, name: str) -> pa.Table:
    """Read one outcome table of a run directory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    d = Path(run_dir) / name
    parts = sorted(d.glob("part-*.parquet"))
    if not parts:
        raise FileNotFoundError(f"{d}: no Parquet parts")
    return pa.concat_tables([pq.read_table(p) for p in parts])


# ---------------------------------------------------------------- summaries


@dataclass
class RunSummary:
    """The figures of a run, with their intervals (the `--json` format)."""

    scenario: str
    variant: str | None
    replications: int
    seed: int
    assets: list[dict[str, Any]]
    leakers_mean: dict[str, float]
    leakers_total: dict[str, Any]
    interceptors_fired: dict[str, float]
    interceptor_cost_mean_usd: float
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "variant": self.variant,
            "replications": self.replications,
            "seed": self.seed,
            "assets": self.assets,
            "leakers_mean": self.leakers_mean,
            "leakers_total": self.leakers_total,
            "interceptors_fired": self.interceptors_fired,
            "interceptor_cost_mean_usd": self.interceptor_cost_mean_usd,
            **self.extra,
        }


def summarise(
    tables: Iterable[BatchTables] | BatchTables,
    *,
    scenario: str,
    variant: str | None,
    seed: int,
    asset_names: Sequence[str],
    threat_types: Sequence[str],
    interceptor_types: Sequence[str],
) -> RunSummary:
    """Summary figures over all replications of a run."""
    import pyarrow as pa

    if isinstance(tables, dict):
        tables = [tables]
    merged: dict[str, list[pa.Table]] = {}
    for batch in tables:
        for name, table in batch.items():
            merged.setdefault(name, []).append(table)
    t = {name: pa.concat_tables(parts) for name, parts in merged.items()}
    reps = t["replications"]
    n = reps.num_rows
    assets_tab = t["assets"]
    asset_col = np.array(assets_tab.column("asset").to_pylist(), dtype=object)
    damaged = assets_tab.column("damaged").to_numpy(zero_copy_only=False)
    assets = []
    for name in asset_names:
        sel = asset_col == name
        undamaged = int((~damaged[sel]).sum())
        lo, hi = wilson_interval(undamaged, n)
        assets.append({"name": name, "p_undamaged": undamaged / n, "ci95": [lo, hi]})
    thr = t["threats"]
    ttype = np.array(thr.column("threat_type").to_pylist(), dtype=object)
    leaked = thr.column("leaked").to_numpy(zero_copy_only=False)
    friendly = (
        thr.column("friendly").to_numpy(zero_copy_only=False)
        if "friendly" in thr.column_names
        else np.zeros(thr.num_rows, dtype=bool)
    )
    hostile_types = set(ttype[~friendly].tolist())
    leakers_mean = {
        name: float(leaked[ttype == name].sum()) / n
        for name in threat_types
        if name in hostile_types or not friendly.any()
    }
    mean, lo, hi = mean_interval(
        reps.column("leakers").to_numpy().astype(np.float64), lower_bound=0.0
    )
    eng = t["engagements"]
    itype = np.array(eng.column("interceptor_type").to_pylist(), dtype=object)
    fired = {name: float((itype == name).sum()) / n for name in interceptor_types}
    cost = reps.column("interceptor_cost_usd").to_numpy()
    killed = reps.column("killed").to_numpy().astype(np.float64)
    return RunSummary(
        scenario=scenario,
        variant=variant,
        replications=n,
        seed=seed,
        assets=assets,
        leakers_mean=leakers_mean,
        leakers_total={"mean": mean, "ci95": [lo, hi]},
        interceptors_fired=fired,
        interceptor_cost_mean_usd=float(cost.mean()),
        extra={
            "threats_killed_mean": float(killed.mean()),
            **(_fratricide_figures(reps) if friendly.any() else {}),
        },
    )


def _fratricide_figures(reps: pa.Table) -> dict[str, Any]:
    """Friendly aircraft shot down per raid, and the probability of at least one."""
    if "fratricides" not in reps.column_names:
        return {}
    f = reps.column("fratricides").to_numpy().astype(np.float64)
    mean, lo, hi = mean_interval(f, lower_bound=0.0)
    n = f.size
    any_ = int((f > 0).sum())
    plo, phi = wilson_interval(any_, n)
    return {
        "fratricides": {"mean": mean, "ci95": [lo, hi]},
        "p_fratricide": {"p": any_ / n if n else 0.0, "ci95": [plo, phi]},
    }


# ---------------------------------------------------------------- queries


def run_dirs(path: str | Path) -> list[Path]:
    """The run directories at `path`: itself, or its variant subdirectories."""
    root = Path(path)
    if (root / "manifest.json").is_file():
        return [root]
    found = sorted(p.parent for p in root.glob("*/manifest.json"))
    if not found:
        raise FileNotFoundError(f"{root}: no manifest.json here or in its subdirectories")
    return found


def read_manifest(run_dir: str | Path) -> dict[str, Any]:
    """The manifest of one run directory."""
    data: dict[str, Any] = json.loads((Path(run_dir) / "manifest.json").read_text(encoding="utf-8"))
    return data


def query(run_dir: str | Path, sql: str) -> pa.Table:
    """Run a DuckDB SQL query over a run directory's tables.

    Each table is a view of its name (``replications``, ``assets``, ``threats``,
    ``engagements``, ``impacts``) over its Parquet parts, e.g.
    ``SELECT interceptor_type, avg(miss_distance_m) FROM engagements GROUP BY 1``.
    """
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    try:
        for name in TABLES:
            parts = Path(run_dir) / name
            if any(parts.glob("part-*.parquet")):
                pattern = str(parts / "part-*.parquet").replace("'", "''")
                con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{pattern}')")
        relation: Any = con.sql(sql)
        if relation is None:  # a statement without a result (CREATE, SET, ...)
            return pa.table({})
        # DuckDB 2 calls it to_arrow_table; 1.x, arrow
        fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
        table: pa.Table = fetch()
        return table
    finally:
        con.close()
