"""Monte Carlo campaigns: replications in batches over worker processes or Ray.

Replication k of campaign seed s always draws from
``SeedSequence(s, spawn_key=(k,))`` (:func:`airguard.engine.replication_rng`),
so outcomes do not depend on the number of workers, the batch size or the
backend.  Each worker receives the compiled :class:`~airguard.world.World`
once and returns the columnar outcome tables of each batch it runs.

Backends: ``local`` (a pool of processes on this machine) and ``ray`` (Ray
tasks on a local instance or a cluster; :mod:`airguard.montecarlo.ray_backend`,
imported only when asked for).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from airguard.engine import run_replication
from airguard.montecarlo.batch import BackendError, BackendUnavailableError, run_batch
from airguard.results.store import BatchTables
from airguard.world import World

__all__ = [
    "BACKENDS",
    "BackendError",
    "BackendUnavailableError",
    "default_batch_size",
    "default_workers",
    "die_with_parent",
    "iter_batches",
    "iter_plan",
    "plan_batches",
    "run_batch",
]

BACKENDS = ("local", "ray")


_WORLD: World | None = None


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def die_with_parent(parent: int) -> None:
    """End this worker process soon after `parent` (the campaign's process) dies.

    A campaign killed with SIGKILL cannot stop its pool, and a worker would otherwise run
    on to the end of its batch or, started by a fork server, indefinitely.  A daemon thread
    checks every :data:`WATCH_S` whether `parent` is still alive and ends the worker if
    not (between two replications: a compiled replication holds the interpreter); on
    Linux a worker forked by `parent` itself also asks the kernel for SIGKILL at once when
    it dies (``prctl(PR_SET_PDEATHSIG)``)."""
    import sys
    import threading
    import time

    if sys.platform.startswith("linux") and os.getppid() == parent:
        import ctypes
        import ctypes.util
        import signal

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while _alive(parent):
            time.sleep(WATCH_S)
        os._exit(1)

    threading.Thread(target=watch, name="airguard-parent-watch", daemon=True).start()


WATCH_S = 1.0
"""How often a pool worker checks that its campaign is still alive (s)."""


def _alive(pid: int) -> bool:
    """Whether process `pid` exists and has not ended (a zombie has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: os.kill said it exists


def _init_worker(world: World, parent: int) -> None:
    global _WORLD
    die_with_parent(parent)
    _WORLD = world


def _worker_batch(seed: int, replications: list[int]) -> BatchTables:
    assert _WORLD is not None
    return run_batch(_WORLD, seed, replications)


def batches(start: int, stop: int, size: int) -> list[list[int]]:
    """Replication indices [start, stop) cut into batches of `size`."""
    return [list(range(a, min(a + size, stop))) for a in range(start, stop, size)]


def default_batch_size(replications: int, workers: int) -> int:
    """About 8 batches per worker, at most 100 replications each."""
    return int(min(max(replications // (8 * max(workers, 1)), 1), 100))


def plan_batches(replications: Sequence[int], size: int) -> list[list[int]]:
    """Cut replication indices (ascending) into batches of consecutive indices, at most `size` each.

    A gap in the indices (replications already done) always starts a new batch,
    so that every batch is one range ``[first, stop)``.
    """
    if size < 1:
        raise ValueError(f"batch size: expected a positive integer, got {size}")
    plan: list[list[int]] = []
    for k in replications:
        k = int(k)
        last = plan[-1] if plan else None
        if last is not None and len(last) < size and k == last[-1] + 1:
            last.append(k)
        elif last is not None and k <= last[-1]:
            raise ValueError(f"replications must ascend without repeats, got {k} after {last[-1]}")
        else:
            plan.append([k])
    return plan


def iter_batches(
    world: World,
    seed: int,
    replications: int,
    *,
    workers: int = 1,
    batch_size: int | None = None,
    on_batch: Callable[[int], Any] | None = None,
    backend: str = "local",
    address: str | None = None,
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
    backend, address
        As for :func:`iter_plan`.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if batch_size is None:
        batch_size = default_batch_size(replications, workers)
    plan = batches(0, replications, batch_size)
    yield from iter_plan(
        world, seed, plan, workers=workers, on_batch=on_batch, backend=backend, address=address
    )


def iter_plan(
    world: World,
    seed: int,
    plan: Sequence[Sequence[int]],
    *,
    workers: int = 1,
    on_batch: Callable[[int], Any] | None = None,
    backend: str = "local",
    address: str | None = None,
) -> Generator[BatchTables, None, None]:
    """Run the batches of `plan` (lists of replication indices) and yield their tables, in order.

    Parameters
    ----------
    world
        The compiled scenario.
    seed
        Campaign seed.
    plan
        The batches, each a list of replication indices.
    workers
        Local worker processes (1 runs in this process), or the CPUs of the
        Ray instance this starts if none is running.
    on_batch
        Called with the number of replications each time a batch completes.
    backend
        ``local`` or ``ray``.  Outcomes do not depend on it.
    address
        Ray cluster address (``ray`` only; default: a running instance, or a new
        local one).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    work = [[int(k) for k in reps] for reps in plan]
    if not work:
        return
    if backend == "ray":
        from airguard.montecarlo.ray_backend import iter_ray_batches

        ray_batches = iter_ray_batches(world, seed, work, workers=workers, address=address)
        try:
            for reps, tables in zip(work, ray_batches, strict=True):
                if on_batch:
                    on_batch(len(reps))
                yield tables
        finally:
            ray_batches.close()  # cancels what is still queued if the caller stopped early
        return
    if workers <= 1:
        for reps in work:
            tables = run_batch(world, seed, reps)
            if on_batch:
                on_batch(len(reps))
            yield tables
        return
    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        # compile (or load) the kernels once here, so that forked workers inherit them
        run_replication(world, seed, work[0][0])
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(world, os.getpid()),
    ) as pool:
        futures = [pool.submit(_worker_batch, seed, reps) for reps in work]
        try:
            for fut, reps in zip(futures, work, strict=True):
                tables = fut.result()
                if on_batch:
                    on_batch(len(reps))
                yield tables
        finally:
            for fut in futures:  # the caller stopped early: do not run the rest
                fut.cancel()


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
