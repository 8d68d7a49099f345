"""The engine's cost per entity-step against a bare propagation kernel.

An *entity-step* is one entity in flight for one fire-control cycle: a threat
between its launch (or t = 0) and its impact, kill or the end, or an interceptor
between launch and its end.  The engine's cost per entity-step is the wall time of
whole replications of the flagship (threat flight, radar looks, pictures, fire
control, guidance, scoring) over their entity-steps; the bare kernel advances the
same number of point masses by the same cycles with the shared integrator alone
(`airguard.dynamics.rk4_step`, gravity, rotation and drag, one RK4 step a cycle),
compiled, on arrays.  The last line is ``ratio engine_over_kernel=<x>``
(target: at most 3).

    .venv/bin/python benchmarks/engine_vs_kernel.py [--reps 100] [--variant patriot]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from airguard._jit import njit
from airguard.dynamics import FULL, rk4_step
from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import compile_world

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios/turkey-patriot-vs-s400/scenario.yaml"


@njit
def bare(states: np.ndarray, params: np.ndarray, steps: int, dt: float) -> float:
    """Advance every state `steps` times by `dt`; returns a checksum."""
    cmd = np.zeros(3)
    for _ in range(steps):
        for i in range(states.shape[0]):
            rk4_step(states[i], 100.0, dt, params, cmd, FULL)
    return float(states[:, 0].sum())


def entity_steps(world, result) -> float:  # type: ignore[no-untyped-def]
    thr = result.threats
    end = np.minimum(np.minimum(thr.t_impact, result.killed_at), world.duration_s)
    start = np.maximum(thr.t_launch, 0.0)
    threat_s = np.clip(end - start, 0.0, None).sum()
    itc_s = np.clip(result.end_time - result.launch_time, 0.0, None).sum()
    return float((threat_s + itc_s) / world.step_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--variant", default="patriot")
    args = parser.parse_args()
    (scenario,) = load_scenario(FLAGSHIP, variant=args.variant)
    world = compile_world(scenario)
    run_replication(world, 1, 0)  # compile or load the kernels
    steps_total = 0.0
    start = time.perf_counter()
    for k in range(args.reps):
        result = run_replication(world, 1, k)
        steps_total += entity_steps(world, result)
    engine_s = time.perf_counter() - start
    per_engine = engine_s / steps_total

    n = 64
    r0 = 6_378_137.0 + 30_000.0
    states = np.tile(np.array([r0, 0.0, 0.0, 0.0, 1500.0, 500.0]), (n, 1))
    params = world.threat_types.params[0].copy()
    bare(states.copy(), params, 2, world.step_s)  # compile
    steps = max(int(math.ceil(steps_total / n)), 1)
    start = time.perf_counter()
    bare(states.copy(), params, steps, world.step_s)
    kernel_s = time.perf_counter() - start
    per_kernel = kernel_s / (steps * n)
    print(f"variant {args.variant}: {args.reps} replications, {steps_total:,.0f} entity-steps")
    print(f"  engine: {engine_s:.2f} s, {per_engine * 1e9:,.0f} ns per entity-step")
    print(f"  bare RK4 kernel: {kernel_s:.3f} s, {per_kernel * 1e9:,.0f} ns per entity-step")
    print(f"ratio engine_over_kernel={per_engine / per_kernel:.1f}")


if __name__ == "__main__":
    main()
