"""Timing of the static weapon–target assignment heuristic (not a unit test).

Random instances in the style of Ahuja, Kumar, Jha & Orlin, Operations
Research 55(6) 2007 §6: target values U[25, 100], kill probabilities
U[0.6, 0.9], one shot per weapon.  Run: ``python benchmarks/wta_speed.py``.
"""

from __future__ import annotations

import time

import numpy as np

from airguard.c2 import assign


def main() -> None:
    rng = np.random.default_rng(2007)
    assign([1.0], [[0.5]], method="heuristic")  # compile (or load) the kernels first
    seconds = {}
    for n_weapons, n_targets in [(50, 100), (100, 200)]:
        values = rng.uniform(25.0, 100.0, n_targets)
        kill_probability = rng.uniform(0.6, 0.9, (n_weapons, n_targets))
        start = time.perf_counter()
        result = assign(values, kill_probability, 1, method="heuristic", seed=0)
        elapsed = time.perf_counter() - start
        seconds[(n_weapons, n_targets)] = elapsed
        print(
            f"{n_weapons}x{n_targets}: {elapsed:.3f} s, objective {result.objective:.4f} "
            f"(of {values.sum():.1f} total value)"
        )
    print(f"ratio time_100x200_s={seconds[(100, 200)]:.4f}")


if __name__ == "__main__":
    main()
