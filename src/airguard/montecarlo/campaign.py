"""A campaign: one scenario variant, N replications, written to a run directory."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from airguard.montecarlo import default_workers, iter_batches
from airguard.results import BatchTables, RunSummary, summarise, write_batch, write_manifest
from airguard.scenario import Scenario
from airguard.world import World, compile_world

__all__ = ["Run", "default_run_dir", "simulate"]


@dataclass
class Run:
    """A finished campaign: its summary and where its tables were written."""

    scenario: Scenario
    world: World
    summary: RunSummary
    run_dir: Path | None
    seconds: float
    workers: int


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "run"


def default_run_dir(scenario: Scenario, root: Path = Path("runs")) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return root / f"{_slug(scenario.body.name)}-{stamp}"


def simulate(
    scenario: Scenario,
    replications: int,
    *,
    seed: int | None = None,
    workers: int | None = None,
    out: str | Path | None = None,
    batch_size: int | None = None,
    on_batch: Callable[[int], Any] | None = None,
) -> Run:
    """Run `replications` replications of `scenario` and summarise them.

    Parameters
    ----------
    scenario
        One validated scenario variant (:func:`airguard.load_scenario`).
    replications
        Number of replications, at least 1.
    seed
        Campaign seed; defaults to the scenario's ``seed``.
    workers
        Worker processes (default: all cores).  Outcomes do not depend on it.
    out
        Run directory to write the outcome tables and manifest to; None keeps
        the results in memory only.
    batch_size
        Replications per batch (outcomes do not depend on it).
    on_batch
        Progress callback, called with the number of replications completed.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    seed = scenario.body.seed if seed is None else seed
    workers = default_workers() if workers is None else max(int(workers), 1)
    workers = min(workers, replications)
    world = compile_world(scenario)
    run_dir = None if out is None else Path(out)
    started = time.perf_counter()
    collected: list[BatchTables] = []
    for index, tables in enumerate(
        iter_batches(
            world, seed, replications, workers=workers, batch_size=batch_size, on_batch=on_batch
        )
    ):
        if run_dir is not None:
            write_batch(run_dir, index, tables)
        collected.append(tables)
    seconds = time.perf_counter() - started
    summary = summarise(
        collected,
        scenario=scenario.body.name,
        variant=scenario.variant,
        seed=seed,
        asset_names=world.asset_names,
        threat_types=world.threat_names,
        interceptor_types=world.interceptor_names,
    )
    if run_dir is not None:
        write_manifest(
            run_dir,
            {
                "scenario_file": scenario.file,
                "scenario_name": scenario.body.name,
                "variant": scenario.variant,
                "scenario_sha256": scenario.digest,
                "seed": seed,
                "replications": replications,
                "workers": workers,
                "wall_time_s": round(seconds, 3),
                "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "tables": ["replications", "assets", "threats", "engagements", "impacts"],
                "summary": summary.to_json(),
            },
        )
    return Run(
        scenario=scenario,
        world=world,
        summary=summary,
        run_dir=run_dir,
        seconds=seconds,
        workers=workers,
    )
