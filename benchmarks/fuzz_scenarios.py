"""The long fuzz run of the scenario loader: mutants held to the input contract.

Draws `--cases` mutated scenario files (tests/scenario/mutants.py: the test suite's
mutations, seeds 0 … cases − 1 from `--seed`) and holds each to the contract: accepted
and meaningful, or refused with one line naming the file, within 20 s.  Prints the
counts and the slowest case; every breach is kept under `--keep` (default
runs/fuzz-breaches) with its traceback, to be added to the seed corpus of
tests/scenario/test_fuzz.py once fixed.  Figures go into docs/reliability.md.

    .venv/bin/python benchmarks/fuzz_scenarios.py [--cases 10000] [--seed 0] [--run-fraction 0.25]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.scenario.mutants import check, check_run, mutant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=Path("runs/fuzz-breaches"))
    parser.add_argument(
        "--run-fraction", type=float, default=0.25, help="share of accepted files run (2 reps)"
    )
    args = parser.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    slowest = slowest_run = (0.0, -1)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.seed, args.seed + args.cases):
            path = Path(tmp) / f"mutant-{k}.yaml"
            path.write_text(mutant(random.Random(k)), encoding="utf-8")
            t0 = time.perf_counter()
            try:
                verdict = check(path)
                counts[verdict] += 1
                if verdict == "accepted" and random.Random(-k - 1).random() < args.run_fraction:
                    t1 = time.perf_counter()
                    counts[f"run: {check_run(path, Path(tmp) / 'run')}"] += 1
                    slowest_run = max(slowest_run, (time.perf_counter() - t1, k))
            except BaseException as exc:  # a breach: keep it
                if isinstance(exc, KeyboardInterrupt):
                    raise
                kind = type(exc).__name__
                counts[f"breach: {kind}"] += 1
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / path.name).write_text(path.read_text(encoding="utf-8"))
                (args.keep / f"{path.stem}.txt").write_text(traceback.format_exc())
            slowest = max(slowest, (time.perf_counter() - t0, k))
            if (k - args.seed + 1) % 500 == 0:
                print(f"{k - args.seed + 1:>7} cases: {dict(counts)}", flush=True)
    wall = time.perf_counter() - started
    breaches = sum(v for key, v in counts.items() if key.startswith("breach"))
    print(f"cases {args.cases} (seeds {args.seed}–{args.seed + args.cases - 1}) in {wall:.0f} s")
    print(f"accepted {counts['accepted']}, refused {counts['refused']}, breaches {breaches}")
    print(
        f"run with --reps 2: {counts['run: ran'] + counts['run: refused']} of the accepted "
        f"({counts['run: ran']} ran, {counts['run: refused']} refused at run time); slowest: "
        f"seed {slowest_run[1]}, {slowest_run[0]:.1f} s"
    )
    for key, v in sorted(counts.items()):
        if key.startswith("breach"):
            print(f"  {key}: {v} (kept in {args.keep})")
    print(f"slowest case: seed {slowest[1]}, {slowest[0]:.2f} s")


if __name__ == "__main__":
    main()
