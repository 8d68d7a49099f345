"""Flagship replications per second on 1 and 2 workers.

Runs each variant of the flagship scenario for a fixed number of replications
in memory (no run directory), after a warm-up that compiles or loads the
numba kernels, and prints replications per second and the 2-worker speed-up.
The last line is ``ratio speedup_2v1=<x>``.  Figures go into docs/performance.md.

    .venv/bin/python benchmarks/flagship_throughput.py [--reps 400]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from airguard.montecarlo import iter_batches
from airguard.scenario import load_scenario
from airguard.world import compile_world

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios/turkey-patriot-vs-s400/scenario.yaml"


def rate(world, reps: int, workers: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in iter_batches(world, 1, reps, workers=workers):
        pass
    return reps / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    totals = {1: 0.0, 2: 0.0}
    scenarios = load_scenario(FLAGSHIP)
    for sc in scenarios:
        world = compile_world(sc)
        rate(world, 4, 1)  # warm-up: compile or load the kernels
        for workers in (1, 2):
            r = rate(world, args.reps, workers)
            totals[workers] += 1.0 / r
            print(
                f"{sc.label:>8}: {r:7.1f} replications/s on {workers} worker{'s' * (workers > 1)}"
            )
    both = {w: len(scenarios) / t for w, t in totals.items()}
    print(f"     all: {both[1]:7.1f} replications/s on 1 worker, {both[2]:7.1f} on 2 workers")
    print(f"ratio speedup_2v1={both[2] / both[1]:.2f}")


if __name__ == "__main__":
    main()
