"""The per-stage profile (airguard.engine.profile): it changes nothing and adds up.

The cycle counter is checked against an independent clock (``time.perf_counter``); the
stages' sum against the wall time of the replications that filled them.
"""

from __future__ import annotations

import time

import numpy as np

from airguard.engine import run_replication
from airguard.engine.profile import (
    N_STAGES,
    STAGES,
    cycles,
    cycles_per_second,
    new_profile,
    stage_seconds,
)


def test_cycle_counter_measures_time() -> None:
    """0.3 s of busy waiting on perf_counter reads as 0.3 s ± 30 ms on the counter."""
    rate = cycles_per_second()
    assert rate > 1e8  # any x86-64 of this century counts faster than 100 MHz
    t0, c0 = time.perf_counter(), cycles()
    while time.perf_counter() - t0 < 0.3:
        pass
    assert abs((cycles() - c0) / rate - (time.perf_counter() - t0)) < 0.03


def test_profile_changes_nothing_and_adds_up(small_worlds) -> None:  # type: ignore[no-untyped-def]
    world = next(iter(small_worlds.values()))
    run_replication(world, 3, 0, profile=new_profile())  # compile or load the kernels
    prof = new_profile()
    assert prof.shape == (N_STAGES,)
    assert len(STAGES) == N_STAGES
    start = time.perf_counter()
    for k in range(4):
        with_profile = run_replication(world, 3, k, profile=prof)
    wall = time.perf_counter() - start
    plain = run_replication(world, 3, 3)
    for field in ("killed_at", "first_detection", "launch_time", "miss_distance", "fate"):
        np.testing.assert_array_equal(getattr(with_profile, field), getattr(plain, field))
    assert (prof >= 0).all()
    seconds = stage_seconds(prof)
    assert seconds["looks"] > 0.0
    assert seconds["tracking"] > 0.0
    assert seconds["fire control"] > 0.0
    assert seconds["threat flight"] > 0.0
    # the stages cover the replication: their sum is its wall time, bar Python's glue
    total = sum(seconds.values())
    assert 0.8 * wall < total <= 1.02 * wall + 1e-3
