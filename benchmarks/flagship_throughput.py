"""Flagship replications per second on 1 and 2 workers.

Runs each variant of the flagship scenario for a fixed number of replications
in memory (no run directory), after a warm-up that compiles or loads the
numba kernels, and prints replications per second and the 2-worker speed-up.
Before that, where one replication of each variant spends its time, stage by stage
(`airguard.engine.profile`, `--profile` replications on one worker; 0: none); after,
the peak resident memory of a worker process.
The last line is ``ratio speedup_2v1=<x>``.  Figures go into docs/performance.md.

    .venv/bin/python benchmarks/flagship_throughput.py [--reps 400] [--profile 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from pathlib import Path

from airguard.engine import run_replication
from airguard.engine.profile import STAGES, new_profile, stage_seconds
from airguard.montecarlo import iter_batches
from airguard.scenario import load_scenario
from airguard.world import compile_world

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios/turkey-patriot-vs-s400/scenario.yaml"


def rate(world, reps: int, workers: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in iter_batches(world, 1, reps, workers=workers):
        pass
    return reps / (time.perf_counter() - start)


def profile(world, reps: int) -> None:  # type: ignore[no-untyped-def]
    """Print where `reps` replications of `world` spend their time, per stage."""
    prof = new_profile()
    start = time.perf_counter()
    for k in range(1, reps + 1):
        run_replication(world, world.seed, k, profile=prof)
    wall = (time.perf_counter() - start) / reps
    seconds = stage_seconds(prof)
    cells = "  ".join(f"{name} {seconds[name] / reps * 1e3:.1f}" for name in STAGES)
    print(f"          {wall * 1e3:.1f} ms per replication (1 worker), ms per stage: {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--profile", type=int, default=20)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    totals = {1: 0.0, 2: 0.0}
    scenarios = load_scenario(FLAGSHIP)
    for sc in scenarios:
        world = compile_world(sc)
        rate(world, 4, 1)  # warm-up: compile or load the kernels
        if args.profile > 0:
            print(f"{sc.label:>8}: profile of {args.profile} replications")
            profile(world, args.profile)
        for workers in (1, 2):
            r = rate(world, args.reps, workers)
            totals[workers] += 1.0 / r
            print(
                f"{sc.label:>8}: {r:7.1f} replications/s on {workers} worker{'s' * (workers > 1)}"
            )
    # workers are forked from this process: their peak includes what they inherit
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of a worker: {peak:.0f} MiB")
    both = {w: len(scenarios) / t for w, t in totals.items()}
    print(f"     all: {both[1]:7.1f} replications/s on 1 worker, {both[2]:7.1f} on 2 workers")
    print(f"ratio speedup_2v1={both[2] / both[1]:.2f}")


if __name__ == "__main__":
    main()
