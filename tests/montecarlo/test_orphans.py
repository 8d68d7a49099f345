"""A campaign killed with SIGKILL leaves no pool worker behind.

Before, ``kill -9`` of a 2-worker ``airguard run`` left both workers running (about 228 MB
each) until their batches, and the pool's queue, ran dry — indefinitely for a long run.
Workers now end themselves within about a second of their campaign's death
(``montecarlo.die_with_parent``), whether the campaign forked them or a fork server did.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from airguard.engine import run_replication

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's prctl")


def _descendants(pid: int) -> list[int]:
    """Live processes descended from `pid` (from /proc): a fork server's workers are the
    campaign's grandchildren."""
    parent_of = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parent_of[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], {pid}
    while frontier:
        frontier = {p for p, pp in parent_of.items() if pp in frontier}
        found.extend(sorted(frontier))
    return found


def _rss_mb(pid: int) -> float:
    try:
        return (
            int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            * os.sysconf("SC_PAGE_SIZE")
            / 2**20
        )
    except OSError:
        return 0.0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: only its parent's record is left


def test_pool_workers_end_with_a_killed_campaign(
    small_path: Path, small_worlds, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    run_replication(small_worlds["patriot"], 7, 0)  # kernels cached for the subprocess
    cmd = [sys.executable, "-m", "airguard.cli", "run", str(small_path), "--variant", "patriot"]
    args = [
        "--reps",
        "20000",
        "--workers",
        "2",
        "--batch-size",
        "2000",
        "--out",
        str(tmp_path / "r"),
    ]
    proc = subprocess.Popen([*cmd, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300.0
        # the pool's two workers (and, with a fork server, the server and its resource
        # tracker): those that run replications use hundreds of MB
        while len(workers := [p for p in _descendants(proc.pid) if _rss_mb(p) > 150]) < 2:
            assert proc.poll() is None, "the campaign ended before its pool started"
            assert time.monotonic() < deadline, "no pool workers within 300 s"
            time.sleep(0.2)
        time.sleep(1.0)  # the workers are running batches
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10.0
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "pool workers outlived their campaign"
