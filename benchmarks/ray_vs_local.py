"""Flagship replications per second: the local process pool against Ray, on the same CPUs.

One variant of the flagship scenario runs in memory (no run directory) on the
local pool with `--workers` processes and on a local Ray instance with
``num_cpus=--workers``, started as ``airguard run --backend ray`` starts it.
Each backend is measured in a fresh interpreter, after a warm-up that loads
the numba kernels (in that interpreter for the forked pool, in each Ray
worker for Ray), `--times` times in a row; the two backends alternate
`--rounds` times, so that other work on the machine weighs on both alike.
Wall time includes the pool's start-up or the tasks' submission.  Prints
every figure, the best, median and range of each backend, and last
``ratio ray_over_local=<x>``: best against best, the figure least disturbed
by other work (as ``timeit`` takes the minimum).  Figures go into
docs/performance.md.

    .venv/bin/python benchmarks/ray_vs_local.py [--reps 200] [--times 3] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios/turkey-patriot-vs-s400/scenario.yaml"


def measure(backend: str, reps: int, workers: int, variant: str, times: int) -> list[float]:
    """Replications per second of one backend, `times` times, in this interpreter, after a warm-up."""
    from airguard.montecarlo import iter_batches
    from airguard.scenario import load_scenario
    from airguard.world import compile_world

    (sc,) = load_scenario(FLAGSHIP, variant=variant)
    world = compile_world(sc)

    def run(n: int, w: int) -> float:
        start = time.perf_counter()
        for _ in iter_batches(world, 1, n, workers=w, backend=backend):
            pass
        return time.perf_counter() - start

    if backend == "ray":
        from airguard.montecarlo.ray_backend import ensure_ray

        ensure_ray(workers)
        run(4 * workers, workers)  # warm-up: the workers start, import airguard, load the kernels
    else:
        run(4, 1)  # warm-up: load the kernels here, so that the forked workers inherit them
    return [reps / run(reps, workers) for _ in range(times)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--variant", default="patriot")
    parser.add_argument("--one", choices=["local", "ray"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # one backend's measurements, in a fresh interpreter
        for rate in measure(args.one, args.reps, args.workers, args.variant, args.times):
            print(f"rate={rate}")
        return
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"flagship variant {args.variant}, {args.reps} replications, {args.workers} workers")
    rates: dict[str, list[float]] = {"local": [], "ray": []}
    for _ in range(args.rounds):
        for backend in rates:
            cmd = [sys.executable, __file__, "--one", backend, "--reps", str(args.reps)]
            cmd += ["--workers", str(args.workers), "--variant", args.variant]
            cmd += ["--times", str(args.times)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
            got = [float(line.removeprefix("rate=")) for line in proc.stdout.split() if "rate=" in line]
            rates[backend] += got
            load = os.getloadavg()[0]
            figures = ", ".join(f"{r:.1f}" for r in got)
            print(f"{backend:>5}: {figures} replications/s   (load average {load:.2f})", flush=True)
    best = {k: max(v) for k, v in rates.items()}
    for k, v in rates.items():
        print(
            f"{k:>5}: best {best[k]:.1f}, median {statistics.median(v):.1f}, "
            f"range {min(v):.1f}–{max(v):.1f} replications/s"
        )
    ratio_median = statistics.median(rates["ray"]) / statistics.median(rates["local"])
    print(f"medians: ray/local = {ratio_median:.2f}")
    print(f"ratio ray_over_local={best['ray'] / best['local']:.2f}")


if __name__ == "__main__":
    main()
