"""Monte Carlo campaigns: replications in batches over worker processes.

Replication k of campaign seed s always draws from
``SeedSequence(s, spawn_key=(k,))`` (:func:`airguard.engine.replication_rng`),
so outcomes do not depend on the number of workers or the batch size.  Each
worker receives the compiled :class:`~airguard.world.World` once and returns
the columnar outcome tables of each batch it runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from airguard.engine import run_replication
from airguard.results import BatchTables, batch_tables
from airguard.world import World

__all__ = ["default_workers", "iter_batches", "run_batch"]

_WORLD: World | None = None


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def run_batch(world: World, seed: int, replications: np.ndarray | list[int]) -> BatchTables:
    """Run the given replications and return their outcome tables."""
    results = [run_replication(world, seed, int(k)) for k in replications]
    return batch_tables(world, results)


def _init_worker(world: World) -> None:
    global _WORLD
    _WORLD = world


def _worker_batch(seed: int, replications: list[int]) -> BatchTables:
    assert _WORLD is not None
    return run_batch(_WORLD, seed, replications)


def batches(start: int, stop: int, size: int) -> list[list[int]]:
    """Replication indices [start, stop) cut into batches of `size`."""
    return [list(range(a, min(a + size, stop))) for a in range(start, stop, size)]


def iter_batches(
    world: World,
    seed: int,
    replications: int,
    *,
    workers: int = 1,
    batch_size: int | None = None,
    on_batch: Callable[[int], Any] | None = None,
) -> Iterator[BatchTables]:
    """Run replications 0..replications-1 and yield their tables batch by batch, in order.

    Parameters
    ----------
    world
        The compiled scenario.
    seed
        Campaign seed.
    replications
        Number of replications.
    workers
        Worker processes; 1 runs in this process.
    batch_size
        Replications per batch (default: about 8 batches per worker, at most 100).
    on_batch
        Called with the number of replications each time a batch completes.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if batch_size is None:
        batch_size = int(min(max(replications // (8 * max(workers, 1)), 1), 100))
    plan = batches(0, replications, batch_size)
    if workers <= 1:
        for reps in plan:
            tables = run_batch(world, seed, reps)
            if on_batch:
                on_batch(len(reps))
            yield tables
        return
    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        # compile (or load) the kernels once here, so that forked workers inherit them
        run_replication(world, seed, plan[0][0])
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(world,)
    ) as pool:
        futures = [pool.submit(_worker_batch, seed, reps) for reps in plan]
        for fut, reps in zip(futures, plan, strict=True):
            tables = fut.result()
            if on_batch:
                on_batch(len(reps))
            yield tables


def _mp_context() -> Any:
    """Fork where it is safe: workers inherit the compiled kernels and the World,
    and scripts without an ``if __name__ == "__main__"`` guard still work.
    Otherwise (other platforms, or threads already running) use forkserver or spawn."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")
