"""The Ray backend: the same batches as the local pool, run as Ray tasks.

Ray is an optional dependency (``pip install 'airguard[ray]'``), imported only
here and only when the backend is asked for.  The compiled
:class:`~airguard.world.World` is put in Ray's object store once; each task
runs one batch with :func:`airguard.montecarlo.batch.run_batch` and returns its
Arrow tables, which are yielded in the order of the plan, so a campaign's
tables are identical bit for bit to those of the local pool.

Without a running Ray instance and without an address, a local instance is
started with ``num_cpus=workers`` and kept for the rest of the process (Ray
stops it at exit; ``ray.shutdown()`` stops it sooner), so the variants of a
run share it and its warmed-up workers.  Its workers run at the same
priority as the local pool's (Ray's default, nice 15, halves their share of
a busy machine: docs/performance.md).  Its worker processes use this
interpreter and inherit this process's environment, so they import the same
airguard and load the numba kernels from the same on-disk cache
(``NUMBA_CACHE_DIR``, set by :func:`airguard._jit.configure_cache`).  On a
cluster (``address``), every node needs airguard installed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Generator, Sequence
from typing import Any

from airguard.montecarlo.batch import BackendError, BackendUnavailableError, run_batch
from airguard.results.store import BatchTables
from airguard.world import World

__all__ = ["ensure_ray", "import_ray", "iter_ray_batches"]

INSTALL_HINT = "pip install 'airguard[ray]'"


def import_ray() -> Any:
    """The ``ray`` module, or :class:`BackendUnavailableError` saying how to install it."""
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise BackendUnavailableError(
            f"the ray backend needs Ray, which is not installed: {INSTALL_HINT}"
        ) from exc


def _ray_batch(world: World, seed: int, replications: list[int]) -> BatchTables:
    return run_batch(world, seed, replications)


def ensure_ray(workers: int = 1, address: str | None = None) -> Any:
    """Import Ray and connect to it: the running instance, the cluster at `address`,
    or a new local instance with `workers` CPUs.  Returns the ``ray`` module.

    Raises :class:`BackendUnavailableError` if Ray is not installed and
    :class:`BackendError` if it cannot be started or reached.
    """
    ray = import_ray()
    if ray.is_initialized():
        return ray
    try:
        if address is None:
            ray.init(
                num_cpus=max(int(workers), 1),
                include_dashboard=False,
                logging_level=logging.WARNING,
                # Ray nices its workers to 15 by default; beside any other work they then get
                # a fraction of a core, where the local pool's processes get a fair share
                _system_config={"worker_niceness": 0},
            )
        else:
            ray.init(address=address, logging_level=logging.WARNING)
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError ...
        where = f"at {address}" if address else "on this machine"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackendError(f"could not start or reach Ray {where}: {first}") from exc
    return ray


def iter_ray_batches(
    world: World,
    seed: int,
    plan: Sequence[Sequence[int]],
    *,
    workers: int = 1,
    address: str | None = None,
) -> Generator[BatchTables, None, None]:
    """Run each batch of `plan` as a Ray task and yield the tables in plan order.

    Parameters
    ----------
    world
        The compiled scenario.
    seed
        Campaign seed.
    plan
        The batches, each a list of replication indices.
    workers
        CPUs of the local Ray instance started if none is running.
    address
        Address of a Ray cluster to connect to (``ray.init(address=...)``).
    """
    ray = ensure_ray(workers, address)
    # a batch is a pure function of (world, seed, replications): safe to retry on a lost worker
    task = ray.remote(num_cpus=1, max_retries=3)(_ray_batch)
    world_ref = ray.put(world)
    pending = [task.remote(world_ref, seed, [int(k) for k in reps]) for reps in plan]
    try:
        while pending:
            tables: BatchTables = ray.get(pending[0])
            pending.pop(0)
            yield tables
    finally:
        for ref in pending:  # the caller stopped early: drop the work still queued
            ray.cancel(ref)
