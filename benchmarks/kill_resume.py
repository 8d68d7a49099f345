"""The long run of the kill-and-resume tests: campaigns killed at random moments, resumed.

Runs `--scenario` (default tests/data/small.yaml, the resume tests' scenario: two
variants) once without interruption, then `--trials` times into a fresh directory, each
time killed with SIGKILL at a moment drawn uniformly over the reference run's wall time
(numpy ``default_rng(--seed)``; a fresh run that ends before its moment is started again
with a new one, so that every trial kills at least once).  With probability 0.3 the
resumed run is killed again the same way (at most 3 kills a trial), and the last one is
resumed to its end with ``airguard run --resume``.  Even trials run as an analyst does
(progress bars: the workers are started by a fork server, the campaign's grandchildren),
odd ones with ``--json`` (no threads: the campaign forks its workers itself).

Each trial must then hold exactly `--reps` replications per variant, each once; every
table equal to the reference run's; the manifest's summary equal to the reference's (the
rest of the manifest too, but for the wall time, the date, how many replications were
resumed and how many workers ran them); no temporary file, no progress record and no
part without a commit marker.  And after each kill, no process descended from the killed
one (pool workers, fork server, resource tracker: snapshotted from /proc just before the
kill, and anything else left in its session) may be alive 10 s later: those that are
count as orphans, and are then killed.

Prints one line per trial — each kill's moment, the batches each variant had committed by
then (``-`` before its progress record, ``done`` once its manifest was written) and how
soon its descendants ended; the resumes; pass or what failed — then the kills by the
stage they reached, and last ``trials N kills K passed P failed F orphans O``; exit
status 1 if a trial failed or left an orphan.  `--keep DIR` keeps every run directory
(the reference's and each trial's, with the runs' output in ``trial-NNN.log``); without
it they are deleted.  Figures go into docs/reliability.md.

    NUMBA_CACHE_DIR=/tmp/numba-kill .venv/bin/python benchmarks/kill_resume.py \
        [--trials 20] [--seed 0] [--workers 2] [--reps 400] [--batch-size 25] [--keep DIR]

The kernels come from ``NUMBA_CACHE_DIR``: warm it with one short ``airguard run`` first,
or the reference run's wall time (and so the kill moments) includes their compilation.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from airguard.results.store import committed_batches, read_manifest, read_tables, run_dirs

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests/data/small.yaml"
AGAIN_P = 0.3
"""Probability that a resumed run is killed again."""
MAX_KILLS = 3
"""Kills in one trial, at most."""
MAX_REDRAWS = 5
"""How many times a trial's fresh run may end before its kill moment (the machine less
busy than during the reference run) and be started again with a new one."""
ORPHAN_WAIT_S = 10.0
"""How long the descendants of a killed campaign may take to end (the workers watch their
campaign every second: ``montecarlo.WATCH_S``)."""
VOLATILE = ("wall_time_s", "created_utc", "resumed_from", "workers")
"""Manifest fields a resumed run may legitimately record otherwise: its own wall time and
date, the replications it found committed, and its workers (one when one replication is
left)."""


@dataclass
class Kill:
    """One SIGKILL of a campaign: when, what it had committed, what it left running."""

    at_s: float
    stages: list[str]
    """Each variant's committed batches (:func:`_stages`)."""
    stage: str
    """The stage the run had reached: ``startup``, the variant it was in, or ``done``."""
    descendants: int
    """Its descendants just before the kill (pool workers, fork server, resource tracker)."""
    gone_s: float
    """How long after the kill the last of them ended (s)."""
    orphans: set[int]
    """Those still alive `ORPHAN_WAIT_S` after the kill."""


@dataclass
class Trial:
    """One run killed and resumed until it completed, and what its checks found."""

    kills: list[Kill] = field(default_factory=list)
    resumes: int = 0
    redraws: int = 0
    """Fresh runs that ended before their kill moment, and were started again."""
    events: list[str] = field(default_factory=list)
    """What happened to each run, in order."""
    problems: list[str] = field(default_factory=list)
    wall_s: float = 0.0


# ---------------------------------------------------------------- processes (Linux /proc)


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, session id) of every live process (zombies have ended)."""
    table = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            table[int(stat.parent.name)] = (int(fields[1]), int(fields[3]))
    return table


def _descendants(pid: int) -> set[int]:
    """Live processes descended from `pid`: a fork server's workers are its grandchildren."""
    table = _proc_table()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, (ppid, _) in table.items() if ppid in frontier} - found
        found |= frontier
    return found


def _survivors(pids: set[int], session: int) -> set[int]:
    """Which of `pids`, and of the processes of `session`, are alive."""
    table = _proc_table()
    return {p for p in pids if p in table} | {p for p, (_, s) in table.items() if s == session}


def _kill_all(pids: set[int]) -> None:
    for p in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


# ---------------------------------------------------------------- campaigns


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "airguard.cli", *args]


def _stages(root: Path, variants: list[Path], batches: int) -> tuple[list[str], str]:
    """For each variant, the batches committed under `root` (``-`` before its
    progress.json, ``done`` once its manifest is written); and the stage the whole run
    had reached: ``startup`` (nothing written yet), the first variant not done, or
    ``done``.  `variants` are relative to the run's root."""
    out, stage = [], ""
    for rel in variants:
        d = root / rel
        name = "run" if str(rel) == "." else str(rel)
        if (d / "manifest.json").is_file():
            out.append(f"{name} done")
            continue
        if not (d / "progress.json").is_file():
            out.append(f"{name} -")
            stage = stage or ("startup" if rel == variants[0] else name)
            continue
        try:
            n = str(len(committed_batches(d)))
        except ValueError as exc:  # two batches hold one replication: the check will say
            n = f"? ({exc})"
        out.append(f"{name} {n}/{batches}")
        stage = stage or name
    return out, stage or "done"


class Ending(NamedTuple):
    """How one ``airguard run`` ended."""

    status: int | None
    """Its exit status; None if it was killed."""
    at_s: float
    """When it ended or was killed, from its start (s)."""
    descendants: set[int]
    """Its descendants just before the kill."""
    orphans: set[int]
    """Those of them (or of its session) still alive `ORPHAN_WAIT_S` after the kill."""
    gone_s: float
    """How long after the kill the last of them ended (s)."""


def _run_once(cmd: list[str], kill_at_s: float | None, timeout_s: float, log: Path) -> Ending:
    """Run `cmd` in a session of its own; SIGKILL it after `kill_at_s` (if it still runs),
    then watch its descendants end (those left after `ORPHAN_WAIT_S` are killed)."""
    with log.open("ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=out, start_new_session=True)
        deadline = t0 + (timeout_s if kill_at_s is None else min(kill_at_s, timeout_s))
        try:
            while proc.poll() is None and time.perf_counter() < deadline:
                time.sleep(0.005)
        except BaseException:  # interrupted: leave nothing of it running
            _kill_all(_descendants(proc.pid) | {proc.pid})
            raise
        if proc.poll() is not None:
            return Ending(proc.returncode, time.perf_counter() - t0, set(), set(), 0.0)
        before = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        at_s = time.perf_counter() - t0
        proc.wait(timeout=30)  # reaped, as a shell would: a zombie still "exists"
        timed_out = kill_at_s is None or kill_at_s > timeout_s
        killed = time.monotonic()
        while (alive := _survivors(before, proc.pid)) and time.monotonic() < killed + ORPHAN_WAIT_S:
            time.sleep(0.05)
        gone_s = time.monotonic() - killed
        _kill_all(alive)
        if timed_out:
            raise TimeoutError(f"{' '.join(cmd[3:])}: still running after {timeout_s:.0f} s")
        return Ending(None, at_s, before, alive, gone_s)


def _differences(run_root: Path, ref_root: Path, variants: list[Path], reps: int) -> list[str]:
    """What a finished trial holds otherwise than the reference run (nothing if it passes)."""
    problems = []
    leftovers = [p for p in run_root.rglob("*") if p.name.endswith(".tmp")]
    if leftovers:
        problems.append(f"temporary files left: {[str(p) for p in leftovers]}")
    for rel in variants:
        ours, theirs = run_root / rel, ref_root / rel
        if (ours / "progress.json").exists():
            problems.append(f"{rel}: progress.json left")
        try:
            on_disk = set(ours.glob("*/part-*.parquet"))
            committed = {p for b in committed_batches(ours) for p in b.parts.values()}
            if on_disk != committed:
                problems.append(f"{rel}: parts without a commit marker: {on_disk - committed}")
            tables, reference = read_tables(ours), read_tables(theirs)
        except Exception as exc:  # a damaged run is a failure to report, not a crash
            problems.append(f"{rel}: unreadable: {type(exc).__name__}: {exc}")
            continue
        got = np.sort(tables["replications"].column("replication").to_numpy())
        if not np.array_equal(got, np.arange(reps)):
            twice = int(got.size - np.unique(got).size)
            lost = int(reps - np.intersect1d(got, np.arange(reps)).size)
            problems.append(f"{rel}: {got.size} replications ({twice} twice, {lost} lost)")
        for name, table in tables.items():
            if not table.equals(reference[name]):
                problems.append(f"{rel}: table {name} differs from the reference run's")
        mine, ref = read_manifest(ours), read_manifest(theirs)
        if mine.get("status") != "complete":
            problems.append(f"{rel}: manifest status {mine.get('status')!r}")
        if mine.get("summary") != ref.get("summary"):
            problems.append(f"{rel}: summary differs from the reference run's")
        other = sorted(
            k
            for k in mine.keys() | ref.keys()
            if k not in VOLATILE and k != "summary" and mine.get(k) != ref.get(k)
        )
        if other:
            problems.append(f"{rel}: manifest differs in {other}")
    return problems


def _trial(
    base: list[str],
    root: Path,
    ref_root: Path,
    variants: list[Path],
    args: argparse.Namespace,
    ref_s: float,
    rng: np.random.Generator,
) -> Trial:
    """Run, kill, resume (and maybe kill again) into `root`, then check it."""
    trial = Trial()
    batches = math.ceil(args.reps / args.batch_size)
    log = root.with_suffix(".log")
    cmd = [*base, "--out", str(root)]
    t0 = time.perf_counter()
    try:
        while True:  # the first run is always killed; a resumed one sometimes
            first = not trial.resumes
            killing = first or (len(trial.kills) < MAX_KILLS and rng.random() < AGAIN_P)
            kill_at_s = float(rng.uniform(0.0, ref_s)) if killing else None
            end = _run_once(cmd, kill_at_s, args.timeout, log)
            if end.status is None:
                stages, stage = _stages(root, variants, batches)
                kill = Kill(end.at_s, stages, stage, len(end.descendants), end.gone_s, end.orphans)
                trial.kills.append(kill)
                trial.events.append(
                    f"killed at {kill.at_s:.1f} s [{', '.join(stages)}; "
                    f"{kill.descendants} descendants gone in {kill.gone_s:.1f} s]"
                )
                cmd = [*base, "--resume", str(root)]
                trial.resumes += 1
                continue
            if end.status != 0:
                trial.problems.append(f"exit status {end.status} (see {log})")
                break
            if kill_at_s is not None:
                trial.events.append(
                    f"ended at {end.at_s:.1f} s, before its kill at {kill_at_s:.1f} s"
                )
            if first and kill_at_s is not None and trial.redraws < MAX_REDRAWS:
                trial.redraws += 1  # a trial kills at least once: start it again
                shutil.rmtree(root)
                continue
            break
    except (TimeoutError, subprocess.TimeoutExpired) as exc:
        trial.problems.append(str(exc))
    trial.wall_s = time.perf_counter() - t0
    if not trial.problems:
        trial.problems += _differences(root, ref_root, variants, args.reps)
    return trial


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill moments")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reps", type=int, default=400, help="replications per variant")
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--scenario", type=Path, default=SMALL)
    parser.add_argument("--keep", type=Path, help="keep every run directory here")
    parser.add_argument(
        "--timeout", type=float, default=900.0, help="seconds one airguard run may take"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    opts = ["--reps", str(args.reps), "--workers", str(args.workers)]
    base = _cli("run", str(args.scenario), *opts, "--batch-size", str(args.batch_size))

    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="kill-resume-", dir=args.keep))
    else:
        work = Path(tempfile.mkdtemp(prefix="kill-resume-"))
    started = time.perf_counter()
    totals = {"kills": 0, "passed": 0, "failed": 0, "orphans": 0}
    stages: collections.Counter[str] = collections.Counter()
    gone_s: list[float] = []
    redraws = 0
    try:
        ref_root = work / "reference"
        ref = _run_once([*base, "--out", str(ref_root)], None, args.timeout, work / "reference.log")
        if ref.status != 0:
            sys.exit(
                f"the reference run failed (exit status {ref.status}): see {work}/reference.log"
            )
        ref_s = ref.at_s
        variants = [d.relative_to(ref_root) for d in run_dirs(ref_root)]
        batches = math.ceil(args.reps / args.batch_size)
        print(
            f"reference: {args.scenario.name}, {len(variants)} variant(s) × {args.reps} "
            f"replications in {batches} batches of {args.batch_size}, {args.workers} workers: "
            f"{ref_s:.1f} s; kills uniform over 0–{ref_s:.1f} s (seed {args.seed})",
            flush=True,
        )
        for k in range(args.trials):
            root = work / f"trial-{k:03d}"
            # as an analyst runs it (progress bars: a fork server starts the workers), or
            # with --json (no threads: the campaign forks its workers itself)
            mode = ["--json"] if k % 2 else []
            trial = _trial([*base, *mode], root, ref_root, variants, args, ref_s, rng)
            orphans = sum(len(kill.orphans) for kill in trial.kills)
            if orphans:
                trial.problems.append(
                    f"orphans: {[sorted(kill.orphans) for kill in trial.kills if kill.orphans]}"
                )
            ok = not trial.problems
            totals["kills"] += len(trial.kills)
            stages.update(kill.stage for kill in trial.kills)
            redraws += trial.redraws
            gone_s += [kill.gone_s for kill in trial.kills if kill.descendants]
            totals["orphans"] += orphans
            totals["passed" if ok else "failed"] += 1
            verdict = "pass" if ok else "FAIL: " + " | ".join(trial.problems)
            print(
                f"trial {k:>3} ({'--json' if mode else 'bars'}): {'; '.join(trial.events)}; "
                f"{trial.resumes} resume(s), "
                f"{trial.wall_s:.1f} s; {verdict}",
                flush=True,
            )
            if ok and args.keep is None:
                shutil.rmtree(root, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    wall = time.perf_counter() - started
    order = sorted(stages, key=lambda k: (k != "startup", k == "done", k))
    print(f"kills by stage reached: {', '.join(f'{k} {stages[k]}' for k in order)}")
    if gone_s:
        print(
            f"descendants of {len(gone_s)} killed runs gone after {np.median(gone_s):.1f} s "
            f"(median), {max(gone_s):.1f} s at most"
        )
    print(f"fresh runs that ended before their kill, started again: {redraws}")
    where = f"run directories kept in {work}" if args.keep else "run directories deleted"
    print(f"wall time {wall:.0f} s; {where}")
    print(
        f"trials {args.trials} kills {totals['kills']} passed {totals['passed']} "
        f"failed {totals['failed']} orphans {totals['orphans']}"
    )
    sys.exit(1 if totals["failed"] or totals["orphans"] else 0)


if __name__ == "__main__":
    main()
