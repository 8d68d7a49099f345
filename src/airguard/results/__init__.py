"""Results of a campaign: the run directory's store (manifest, Parquet parts, DuckDB
queries, summaries with intervals; :mod:`.store`) and comparisons of two runs with
paired differences (:mod:`.compare`)."""

from airguard.results.store import (
    TABLES,
    BatchTables,
    CommittedBatch,
    RunSummary,
    batch_tables,
    committed_batches,
    discard_uncommitted,
    locked_run_dir,
    query,
    read_manifest,
    read_progress,
    read_table,
    read_tables,
    remove_run_files,
    run_dirs,
    summarise,
    wilson_interval,
    write_batch,
    write_manifest,
    write_progress,
)

__all__ = [
    "TABLES",
    "BatchTables",
    "CommittedBatch",
    "RunSummary",
    "batch_tables",
    "committed_batches",
    "discard_uncommitted",
    "locked_run_dir",
    "query",
    "read_manifest",
    "read_progress",
    "read_table",
    "read_tables",
    "remove_run_files",
    "run_dirs",
    "summarise",
    "wilson_interval",
    "write_batch",
    "write_manifest",
    "write_progress",
]
