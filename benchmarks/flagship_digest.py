"""A digest of the flagship's outcome tables, to show that a restructuring changed no bit.

Runs each variant of the flagship scenario for a fixed number of replications in
memory and prints, per variant and table, the row count and a SHA-256 of the table's
Arrow IPC serialisation.  Run it before and after a change that must not move any
result and compare the two outputs (``diff``); the figures do not depend on the
number of workers.

    .venv/bin/python benchmarks/flagship_digest.py [--reps 300] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import pyarrow as pa

from airguard.montecarlo import iter_batches
from airguard.scenario import load_scenario
from airguard.world import compile_world

FLAGSHIP = Path(__file__).resolve().parent.parent / "scenarios/turkey-patriot-vs-s400/scenario.yaml"


def digest(table: pa.Table) -> str:
    """SHA-256 of `table` written as an Arrow IPC stream (schema and every buffer)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--columns", action="store_true", help="a digest per column too (what moved, if any)"
    )
    args = parser.parse_args()
    for sc in load_scenario(FLAGSHIP):
        world = compile_world(sc)
        parts: dict[str, list[pa.Table]] = {}
        for tables in iter_batches(world, sc.body.seed, args.reps, workers=args.workers):
            for name, table in tables.items():
                parts.setdefault(name, []).append(table)
        for name in sorted(parts):
            table = pa.concat_tables(parts[name])
            print(f"{sc.label:>12} {name:<14} {table.num_rows:>8} rows  {digest(table)}")
            if args.columns:
                for col in table.column_names:
                    one = table.select([col])
                    print(f"{'':>12} {'':<14} {col:>24}  {digest(one)[:16]}")


if __name__ == "__main__":
    main()
