"""A campaign: one scenario variant, N replications, written to a run directory.

With a run directory a campaign can be resumed after it was killed, at any
moment: ``progress.json`` records the scenario's digest, the seed and the
number of replications before the first batch; each batch is committed by a
marker written after its parts (see :mod:`airguard.results.store`).  Resuming
removes what was left uncommitted, runs the replications that no committed
batch holds, and summarises all committed batches.  Replication k always
draws from (seed, k), so the resumed run's tables equal those of a run that
was never interrupted.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from airguard._jit import code_digest
from airguard._version import __version__
from airguard.errors import InputError
from airguard.montecarlo import (
    BACKENDS,
    default_batch_size,
    default_workers,
    iter_batches,
    iter_plan,
    plan_batches,
)
from airguard.montecarlo.progress import progress_callback
from airguard.results.run import Run
from airguard.results.store import (
    MANIFEST,
    PROGRESS,
    TABLES,
    BatchTables,
    CommittedBatch,
    RunDamagedError,
    RunSummary,
    RunWriteError,
    committed_batches,
    discard_uncommitted,
    locked_run_dir,
    read_manifest,
    read_progress,
    read_tables,
    remove_run_files,
    summarise,
    verified_batches,
    write_batch,
    write_manifest,
    write_progress,
)
from airguard.scenario import Scenario
from airguard.world import World, compile_world, world_digest

__all__ = ["Run", "RunDirError", "check_resumable", "default_run_dir", "simulate"]


class RunDirError(InputError):
    """A run directory that cannot be written or resumed as asked: it records another
    scenario, seed or number of replications, it is not a run, or another process
    is writing it."""


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
    resume: bool = False,
    backend: str = "local",
    address: str | None = None,
    progress: bool = False,
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
        the tables in memory (as Arrow tables: about 20 kB per replication of
        the flagship scenario).  A new run replaces what airguard wrote there
        before.
    batch_size
        Replications per batch (outcomes do not depend on it).
    on_batch
        Progress callback, called with the number of replications each batch
        completed (on resume, first with those already committed).
    resume
        Continue the run in `out`: keep its committed batches and run only the
        replications they lack.  Raises :class:`RunDirError` if `out` records
        another scenario, seed or number of replications.  A finished run is
        read back, not run again.  An empty or missing `out` starts the run.
    backend
        ``local`` (worker processes) or ``ray`` (Ray tasks; needs the ``ray``
        extra).  Outcomes do not depend on it.
    address
        Ray cluster address (``ray`` only; default: a running instance, or a
        new local one with `workers` CPUs).
    progress
        Draw a progress bar (on stderr in a terminal; in place in a notebook).
        `on_batch` is still called.

    Returns
    -------
    Run
        The summary and the outcome tables (:meth:`Run.table
        <airguard.results.run.Run.table>`, :meth:`Run.sql
        <airguard.results.run.Run.sql>`), the same kind of object as
        :func:`airguard.read_run` gives.
    """
    if replications < 1:
        raise ValueError("replications must be at least 1")
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    if resume and out is None:
        raise ValueError("resume: name the run directory to resume (out)")
    seed = scenario.body.seed if seed is None else seed
    workers = default_workers() if workers is None else max(int(workers), 1)
    workers = min(workers, replications)
    if backend == "ray":  # fail before touching the run directory if Ray cannot be had
        from airguard.montecarlo.ray_backend import ensure_ray

        ensure_ray(workers, address)
    world = compile_world(scenario)
    with progress_callback(scenario.label, replications, on_batch, show=progress) as callback:
        started = time.perf_counter()
        if out is None:
            collected = list(
                iter_batches(
                    world,
                    seed,
                    replications,
                    workers=workers,
                    batch_size=batch_size,
                    on_batch=callback,
                    backend=backend,
                    address=address,
                )
            )
            return Run(
                _summarise(collected, scenario, world, seed),
                scenario=scenario,
                world=world,
                tables=_joined(collected),
                seconds=time.perf_counter() - started,
                workers=workers,
                backend=backend,
            )
        return _simulate_to(
            Path(out),
            scenario,
            world,
            replications,
            seed=seed,
            workers=workers,
            batch_size=batch_size,
            on_batch=callback,
            resume=resume,
            backend=backend,
            address=address,
        )


def _joined(batches: list[BatchTables]) -> BatchTables:
    """Each outcome table of a run over all its batches, in replication order (the batches
    are): the in-memory form of the run directory's tables."""
    import pyarrow as pa

    return {name: pa.concat_tables([b[name] for b in batches]) for name in TABLES}


def _simulate_to(
    run_dir: Path,
    scenario: Scenario,
    world: World,
    replications: int,
    *,
    seed: int,
    workers: int,
    batch_size: int | None,
    on_batch: Callable[[int], Any] | None,
    resume: bool,
    backend: str,
    address: str | None,
) -> Run:
    """:func:`simulate` with a run directory: commit batch by batch, resumable."""
    started = time.perf_counter()
    record = _record(scenario, world, replications, seed)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(locked_run_dir(run_dir))
        except BlockingIOError as exc:
            raise RunDirError(
                "another airguard process is writing this run directory", file=run_dir
            ) from exc
        try:
            done = _prepare(run_dir, record, resume=resume)
            have = replications if done is None else sum(b.stop - b.first for b in done)
            if on_batch and have:
                on_batch(have)
            if done is None:  # finished before: read it back, write nothing
                return Run(
                    _summarise(read_tables(run_dir), scenario, world, seed),
                    scenario=scenario,
                    world=world,
                    run_dir=run_dir,
                    seconds=0.0,
                    workers=0,
                    backend=backend,
                    resumed_from=replications,
                )
            covered = np.zeros(replications, dtype=bool)
            for b in done:
                covered[b.first : b.stop] = True
            todo = np.flatnonzero(~covered).tolist()
            size = batch_size or default_batch_size(len(todo), workers)
            workers = max(min(workers, len(todo)), 1)
            first_index = max((b.index for b in done), default=-1) + 1
            batches = iter_plan(
                world,
                seed,
                plan_batches(todo, size),
                workers=workers,
                on_batch=on_batch,
                backend=backend,
                address=address,
            )
            with contextlib.closing(batches):  # a failed write stops the workers too
                for i, tables in enumerate(batches):
                    write_batch(run_dir, first_index + i, tables)
            seconds = time.perf_counter() - started
            tables = read_tables(run_dir)
            reps = tables["replications"].column("replication").to_numpy()
            if not np.array_equal(reps, np.arange(replications)):
                raise RuntimeError(
                    f"{run_dir}: the committed batches hold {reps.size} replications, "
                    f"expected each of 0..{replications - 1} once"
                )
            summary = _summarise(tables, scenario, world, seed)
            write_manifest(
                run_dir,
                {
                    **record,
                    "workers": workers,
                    "backend": backend,
                    "resumed_from": have,
                    "wall_time_s": round(seconds, 3),
                    "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                    "tables": ["replications", "assets", "threats", "engagements", "impacts"],
                    "summary": summary.to_json(),
                },
            )
        except RunWriteError as exc:
            raise _write_failed(run_dir, exc, replications) from exc
    return Run(
        summary,
        scenario=scenario,
        world=world,
        run_dir=run_dir,
        seconds=seconds,
        workers=workers,
        backend=backend,
        resumed_from=have,
    )


def _write_failed(run_dir: Path, exc: RunWriteError, replications: int) -> RunWriteError:
    """The one-line message of a campaign stopped by a write that failed: what could not
    be written, what is kept, and how to go on."""
    try:
        kept = sum(b.stop - b.first for b in committed_batches(run_dir))
        started = (run_dir / PROGRESS).is_file() or (run_dir / MANIFEST).is_file()
    except OSError:
        kept, started = 0, False
    if started:
        then = (
            f"the run stopped with {kept} of {replications} replications committed; free "
            f"space, then continue it with `airguard run SCENARIO --resume {run_dir}`"
        )
    else:
        then = "nothing was run; free space and run again"
    return RunWriteError(f"{exc.message}; {then}", file=exc.file)


def _record(scenario: Scenario, world: World, replications: int, seed: int) -> dict[str, Any]:
    """What a run directory records of its campaign, and what a resume must match: the
    scenario, the World it compiles to (every catalogue figure it uses:
    :func:`~airguard.world.world_digest`) and the engine's code
    (:func:`airguard._jit.code_digest`), so that one run never mixes two models."""
    return {
        "scenario_file": scenario.file,
        "scenario_name": scenario.body.name,
        "variant": scenario.variant,
        "scenario_sha256": scenario.digest,
        "world_sha256": world_digest(world),
        "code_sha256": code_digest(),
        "seed": seed,
        "replications": replications,
    }


def check_resumable(
    run_dir: str | Path, scenario: Scenario, replications: int, *, seed: int | None = None
) -> None:
    """Raise :class:`RunDirError` if `run_dir` holds a run that :func:`simulate` with
    ``resume=True`` and these arguments would refuse to continue (no run there is fine)."""
    run_dir = Path(run_dir)
    record = _record(
        scenario,
        compile_world(scenario),
        replications,
        scenario.body.seed if seed is None else seed,
    )
    if (run_dir / MANIFEST).is_file():
        _check_same(run_dir, read_manifest(run_dir), record)
    elif (progress := read_progress(run_dir)) is not None:
        _check_same(run_dir, progress, record)
    elif run_dir.is_dir() and any(run_dir.iterdir()):
        raise RunDirError(
            "not an airguard run to resume (no progress.json or manifest.json here)", file=run_dir
        )


def _prepare(run_dir: Path, record: dict[str, Any], *, resume: bool) -> list[CommittedBatch] | None:
    """Make `run_dir` ready for the campaign `record` describes.

    Returns the batches already committed (none for a new run), or None when
    the run is finished.
    """
    if resume and (run_dir / MANIFEST).is_file():
        _check_same(run_dir, read_manifest(run_dir), record)
        try:
            verified_batches(run_dir)
            return None
        except RunDamagedError:  # a finished run lost or altered a batch: run it again
            write_progress(run_dir, record)
            (run_dir / MANIFEST).unlink()
    progress = read_progress(run_dir) if resume else None
    if progress is None:
        if resume and any(run_dir.iterdir()):
            raise RunDirError(
                "not an airguard run to resume (no progress.json or manifest.json here)",
                file=run_dir,
            )
        remove_run_files(run_dir)
        write_progress(run_dir, record)
        return []
    _check_same(run_dir, progress, record)
    discard_uncommitted(run_dir)
    try:
        return committed_batches(run_dir)
    except ValueError as exc:
        raise RunDirError(str(exc)) from exc


def _check_same(run_dir: Path, recorded: dict[str, Any], record: dict[str, Any]) -> None:
    """Refuse to resume a run recorded for another scenario, seed, count or airguard."""
    digests = [
        (
            "scenario_sha256",
            "was run from another scenario (sha256 {old}…, now {new}…): the scenario "
            "{file} changed; resume with the scenario it began with or start a new run",
        ),
        (
            "world_sha256",
            "was run with other catalogue figures or another compiled scenario (world sha256 "
            "{old}…, now {new}…): a catalogue figure the scenario uses changed since the run "
            "began; its replications would mix two models, so start a new run",
        ),
        (
            "code_sha256",
            "was run by other airguard code (sha256 {old}…, now {new}…): the engine changed "
            "since the run began and its outcomes could differ; start a new run",
        ),
    ]
    for key, message in digests:
        old, new = str(recorded.get(key)), str(record[key])
        if old != new:
            shown = message.format(old=old[:12], new=new[:12], file=record["scenario_file"])
            raise RunDirError(shown, file=run_dir)
    if recorded.get("seed") != record["seed"]:
        raise RunDirError(
            f"was run with seed {recorded.get('seed')}, asked for seed {record['seed']}; "
            f"resume with --seed {recorded.get('seed')}",
            file=run_dir,
        )
    if recorded.get("replications") != record["replications"]:
        raise RunDirError(
            f"was run for {recorded.get('replications')} replications, asked for "
            f"{record['replications']}; resume with --reps {recorded.get('replications')}",
            file=run_dir,
        )
    if recorded.get("airguard_version") != __version__:
        raise RunDirError(
            f"was run by airguard {recorded.get('airguard_version')}, this is airguard "
            f"{__version__}: its outcomes could differ; start a new run",
            file=run_dir,
        )


def _summarise(
    tables: list[BatchTables] | BatchTables, scenario: Scenario, world: World, seed: int
) -> RunSummary:
    return summarise(
        tables,
        scenario=scenario.body.name,
        variant=scenario.variant,
        seed=seed,
        asset_names=world.asset_names,
        threat_types=world.threat_names,
        interceptor_types=world.interceptor_names,
    )
