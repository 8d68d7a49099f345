"""One batch of replications in this process, and the errors of the backends that run
batches elsewhere (:mod:`airguard.montecarlo`, :mod:`airguard.montecarlo.ray_backend`)."""

from __future__ import annotations

import numpy as np

from airguard.engine import run_replication
from airguard.results.store import BatchTables, batch_tables
from airguard.world import World

__all__ = ["BackendError", "BackendUnavailableError", "run_batch"]


class BackendError(RuntimeError):
    """A backend that cannot run the campaign (not installed, cluster unreachable)."""


class BackendUnavailableError(BackendError, ImportError):
    """The backend's optional dependency is not installed."""


def run_batch(world: World, seed: int, replications: np.ndarray | list[int]) -> BatchTables:
    """Run the given replications and return their outcome tables."""
    results = [run_replication(world, seed, int(k)) for k in replications]
    return batch_tables(world, results)
