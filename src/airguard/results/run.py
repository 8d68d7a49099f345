"""A run in Python: its summary, its outcome tables as pandas DataFrames, SQL over them.

:func:`airguard.simulate` returns a :class:`Run`, and :func:`read_run` reads one back
from a run directory (``airguard run --out``, ``simulate(out=...)``); both give the same
kind of object::

    run = airguard.read_run("runs/flagship/patriot")
    run.summary                                  # the figures with their intervals
    run.table("engagements")                     # a pandas DataFrame
    run.sql("SELECT unit, count(*) AS n FROM engagements GROUP BY unit")

A run kept in memory (``simulate`` without ``out``) holds its tables as Arrow tables,
about 20 kB per replication of the flagship scenario (docs/results-format.md, "From
Python"); a run read from a directory reads its Parquet parts when a table is asked for,
each time, checked against their commit markers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airguard.errors import InputError
from airguard.results.store import (
    MANIFEST,
    TABLES,
    RunDamagedError,
    RunSummary,
    query,
    query_tables,
    read_manifest,
    read_table,
    run_dirs,
    verified_batches,
)

if TYPE_CHECKING:
    import pandas as pd  # type: ignore[import-untyped]
    import pyarrow as pa

    from airguard.scenario import Scenario
    from airguard.world import World

__all__ = ["Run", "read_run"]


class Run:
    """A finished campaign: its summary, its outcome tables and the scenario it ran.

    Returned by :func:`airguard.simulate` and by :func:`read_run`.  The tables are those
    of docs/results-format.md (``replications``, ``assets``, ``threats``,
    ``engagements``, ``impacts``), held in memory (``simulate`` without ``out``) or read
    from the run directory when asked for.

    Attributes
    ----------
    summary
        The summary figures with their 95 % intervals.
    run_dir
        The run directory, or None for a run held in memory.
    seconds
        Wall time of the campaign, s (of its last session, for a resumed run; 0 for a
        finished run read back).
    workers
        Worker processes it ran on.
    backend
        ``"local"`` or ``"ray"``.
    resumed_from
        Replications already committed in the run directory when a resume began.
    """

    def __init__(
        self,
        summary: RunSummary,
        *,
        scenario: Scenario | None = None,
        world: World | None = None,
        run_dir: str | Path | None = None,
        tables: Mapping[str, pa.Table] | None = None,
        manifest: Mapping[str, Any] | None = None,
        seconds: float = 0.0,
        workers: int = 0,
        backend: str = "local",
        resumed_from: int = 0,
    ) -> None:
        if run_dir is None and tables is None:
            raise ValueError("a run has its tables in memory or in a run directory")
        self.summary = summary
        self.run_dir = None if run_dir is None else Path(run_dir)
        self.seconds = seconds
        self.workers = workers
        self.backend = backend
        self.resumed_from = resumed_from
        self._scenario = scenario
        self._world = world
        self._tables = None if tables is None else dict(tables)
        self._manifest = None if manifest is None else dict(manifest)

    # ------------------------------------------------------------ where it came from

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.summary.scenario

    @property
    def variant(self) -> str | None:
        """The scenario variant run (None for a file without variants)."""
        return self.summary.variant

    @property
    def label(self) -> str:
        """The variant, or the scenario's name when it has none (as in ``airguard run``)."""
        return self.variant or self.name

    @property
    def replications(self) -> int:
        """Number of replications."""
        return self.summary.replications

    @property
    def seed(self) -> int:
        """Campaign seed: replication k draws from (seed, k)."""
        return self.summary.seed

    @property
    def manifest(self) -> dict[str, Any] | None:
        """The run directory's manifest (docs/results-format.md), or None in memory."""
        if self._manifest is None and self.run_dir is not None:
            self._manifest = read_manifest(self.run_dir)
        return self._manifest

    @property
    def scenario(self) -> Scenario:
        """The scenario variant that was run.

        For a run read back, the scenario file its manifest names is loaded on first use
        (as recorded, else under one of the run directory's parents) and must still be
        the scenario that was run.

        Raises
        ------
        InputError
            If the file is not there any more, or it changed since the run.
        """
        if self._scenario is None:
            self._scenario = _recorded_scenario(self)
        return self._scenario

    @property
    def world(self) -> World:
        """The compiled scenario (:func:`airguard.compile_world`); compiled on first use for
        a run read back, and checked to be the World that was run.

        Raises
        ------
        InputError
            If the scenario cannot be had (:attr:`scenario`), or a catalogue figure it uses
            changed since the run.
        """
        if self._world is None:
            from airguard.world import compile_world, world_digest

            world = compile_world(self.scenario)
            recorded = (self.manifest or {}).get("world_sha256")
            if recorded is not None and world_digest(world) != recorded:
                raise InputError(
                    "the scenario now compiles to another World than was run (a catalogue "
                    "figure it uses changed since the run); the run's summary and tables "
                    "are as run",
                    file=self.run_dir,
                )
            self._world = world
        return self._world

    # ------------------------------------------------------------ its tables

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the run's outcome tables (docs/results-format.md, "Tables")."""
        if self._tables is not None:
            return tuple(name for name in TABLES if name in self._tables)
        recorded = (self.manifest or {}).get("tables")
        names = recorded if isinstance(recorded, list) else TABLES
        return tuple(str(name) for name in names)

    def arrow(self, name: str) -> pa.Table:
        """One outcome table as a pyarrow Table (what :meth:`table` converts to pandas).

        Raises
        ------
        InputError
            If the run has no table of that name (naming those it has).
        RunDamagedError
            If the table's files are not as written.
        """
        if name not in self.tables:
            raise InputError(
                f"no table {name!r} in this run (tables: {', '.join(self.tables)})",
                file=self.run_dir,
            )
        if self._tables is not None:
            return self._tables[name]
        assert self.run_dir is not None
        return read_table(self.run_dir, name)

    def table(self, name: str) -> pd.DataFrame:
        """One outcome table as a pandas DataFrame, one row per record in replication order.

        Missing values (a threat never detected, a miss distance when the target was gone)
        are NaN in float columns and None in text columns.

        Parameters
        ----------
        name
            ``"replications"``, ``"assets"``, ``"threats"``, ``"engagements"`` or
            ``"impacts"`` (:attr:`tables`); columns and units in docs/results-format.md.

        Raises
        ------
        InputError
            If the run has no table of that name (naming those it has).
        RunDamagedError
            If the table's files are not as written.
        """
        frame: pd.DataFrame = self.arrow(name).to_pandas()
        return frame

    def sql(self, query_text: str) -> pd.DataFrame:
        """The result of one read-only DuckDB SQL query over the run's tables.

        Each table is a view of its name, e.g. ``run.sql("SELECT interceptor_type,
        avg(miss_distance_m) AS miss_m FROM engagements GROUP BY 1")``.  The rules of
        ``airguard results --sql`` hold: one statement, ``SELECT`` (``WITH``, ``FROM``,
        ``DESCRIBE``, ``SUMMARIZE``, ``SHOW``) or ``EXPLAIN``; no file outside the run
        directory is read, no extension loaded, no setting changed.

        Parameters
        ----------
        query_text
            The SQL statement.

        Raises
        ------
        QueryError
            If it is not one read-only statement (a ``ValueError``).
        duckdb.Error
            If DuckDB cannot run it (a syntax error, an unknown column, ...).
        """
        if self._tables is not None:
            result = query_tables(self._tables, query_text)
        else:
            assert self.run_dir is not None
            result = query(self.run_dir, query_text)
        frame: pd.DataFrame = result.to_pandas()
        return frame

    # ------------------------------------------------------------ display

    def _where(self) -> str:
        return "in memory" if self.run_dir is None else f"in {self.run_dir}"

    def __repr__(self) -> str:
        from airguard.results.display import summary_headline

        title = repr(self.name) + (f" [{self.variant}]" if self.variant else "")
        lines = [
            f"<Run {title}: {self.replications} replications, seed {self.seed}, {self._where()}",
            *summary_headline(self.summary.to_json()),
        ]
        return "\n  ".join(lines) + ">"

    def _repr_html_(self) -> str:
        from airguard.results.display import html_table, summary_rows

        title = self.name + (f" [{self.variant}]" if self.variant else "")
        caption = f"{title}: {self.replications} replications, seed {self.seed}"
        note = f"{self._where()}; tables: {', '.join(self.tables)}"
        return html_table(
            caption, ("figure", "value"), summary_rows(self.summary.to_json()), note=note
        )


def read_run(path: str | Path) -> Run:
    """Read a finished run back from its run directory.

    Parameters
    ----------
    path
        A run directory holding ``manifest.json`` (``airguard run --out DIR`` with one
        variant, ``DIR/<variant>`` with several; ``simulate(out=...)``).

    Returns
    -------
    Run
        Its summary as stored, its tables (read when asked for) and the scenario it ran.

    Raises
    ------
    FileNotFoundError
        If `path` holds no finished run: nothing there, an unfinished run (killed or still
        running; the message names the ``--resume`` command), or the runs of several
        variants (the message names them).
    RunDamagedError
        If the run's files are not as written: a manifest that cannot be read, a part
        missing or altered, fewer replications committed than the manifest says.
    """
    root = Path(path)
    if not (root / MANIFEST).is_file():
        found = run_dirs(root)  # raises, naming an unfinished run or saying there is none
        names = ", ".join(repr(str(p)) for p in found[:MAX_LISTED])
        more = f" and {len(found) - MAX_LISTED} more" if len(found) > MAX_LISTED else ""
        raise FileNotFoundError(
            f"{root}: holds the runs of {len(found)} variants, not one run; read one of "
            f"them: {names}{more}"
        )
    manifest = read_manifest(root)
    verified_batches(root)
    try:
        summary = RunSummary.from_json(manifest["summary"])
    except (KeyError, TypeError) as exc:
        raise RunDamagedError(
            f"{MANIFEST}: its summary cannot be read (no {exc})", file=root
        ) from None
    seconds, workers = 0.0, 0
    with contextlib.suppress(KeyError, TypeError, ValueError):
        seconds, workers = float(manifest["wall_time_s"]), int(manifest["workers"])
    return Run(
        summary,
        run_dir=root,
        manifest=manifest,
        seconds=seconds,
        workers=workers,
        backend=str(manifest.get("backend", "local")),
        resumed_from=int(manifest.get("resumed_from", 0) or 0),
    )


MAX_LISTED = 6
"""Most variant directories an error names."""


def _recorded_scenario(run: Run) -> Scenario:
    """The scenario a run read back was run from: the file its manifest names, found as
    recorded (relative to the working directory) or under one of the run directory's
    parents, whose variant has the recorded digest."""
    from airguard.scenario import load_scenario

    manifest = run.manifest or {}
    recorded = manifest.get("scenario_file")
    if not recorded:
        raise InputError(f"{MANIFEST} names no scenario file", file=run.run_dir)
    where = Path(str(recorded))
    candidates = [where]
    if not where.is_absolute() and run.run_dir is not None:
        candidates += [parent / where for parent in run.run_dir.resolve().parents]
    found = [p for p in candidates if p.is_file()]
    if not found:
        raise InputError(
            f"the scenario this run was made from, {recorded} (as {MANIFEST} records it, "
            "relative to where the run was made), is not there; load it with "
            "airguard.load_scenario",
            file=run.run_dir,
        )
    digest = manifest.get("scenario_sha256")
    for p in found:
        try:
            scenario = load_scenario(p, variant=run.variant)[0]
        except InputError:  # the file changed so much that it no longer holds the variant
            continue
        if digest is None or scenario.digest == digest:
            return scenario
    raise InputError(
        f"the scenario file {found[0]} changed since this run was made (its variant "
        f"{run.label!r} is not the scenario that was run); the run's summary and tables "
        "are as run",
        file=run.run_dir,
    )
