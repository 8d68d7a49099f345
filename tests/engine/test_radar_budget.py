"""A multifunction radar's time budget: its search slows as its engagement grows.

``Radars.track_load``, ``guide_load`` and ``min_search`` (catalogue ``track_load``,
``guidance_load``, ``min_search_share``): search keeps the share max(min, 1 − track_load ×
confirmed tracks − guide_load × rounds guided) of the radar's time, so its looks come at
the scan period divided by that share.  By construction, one rule at a time (the guidance
load alone, on the small scenario's Patriot radar, same seeds):

- before the battery launches, nothing differs, bit for bit;
- while its rounds fly, its looks come at 2 s / (1 − 0.2 n) for n rounds guided, never at
  the unloaded 2 s; without the budget they always come every 2 s.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.engine.events import EV_DETECTION, EV_END, EV_LAUNCH, EventLog, event_log
from airguard.engine.looks import search_share
from airguard.scenario import load_scenario
from airguard.tracking.core import STATUS_CONFIRMED, STATUS_TENTATIVE
from airguard.world import World, compile_world

GUIDE = 0.2


@pytest.fixture(scope="module")
def worlds(small_path: Path) -> tuple[World, World]:
    (scenario,) = load_scenario(small_path, variant="patriot")
    world = compile_world(scenario)
    # the catalogue's AN/MPQ-65 has a budget of its own: off in `plain`, one rule in `loaded`
    off = world.radars._replace(
        guide_load=np.zeros(1), track_load=np.zeros(1), min_search=np.ones(1)
    )
    rad = world.radars._replace(
        guide_load=np.array([GUIDE]), track_load=np.zeros(1), min_search=np.array([0.1])
    )
    return dataclasses.replace(world, radars=off), dataclasses.replace(world, radars=rad)


def test_search_keeps_what_tracks_and_rounds_leave_it(worlds: tuple[World, World]) -> None:
    _, loaded = worlds
    rad = loaded.radars._replace(track_load=np.array([0.02]), min_search=np.array([0.25]))
    rows = 10
    status = np.zeros(3 * rows, dtype=np.int64)
    status[[11, 13, 17]] = STATUS_CONFIRMED  # unit 1's confirmed tracks
    status[[12, 2, 25]] = [STATUS_TENTATIVE, STATUS_CONFIRMED, STATUS_CONFIRMED]  # not its own
    assert search_share(rad, 0, status, 1, rows, 0) == pytest.approx(1.0 - 3 * 0.02)
    assert search_share(rad, 0, status, 1, rows, 2) == pytest.approx(1.0 - 0.06 - 2 * GUIDE)
    assert search_share(rad, 0, status, 1, rows, 8) == 0.25  # the floor


def _looks(log: EventLog) -> tuple[np.ndarray, float, float]:
    """The distinct times the battery's radar detected something, its first launch and the
    first end of a round's flight."""
    n = int(log.n[0])
    kind, t = log.kind[:n], log.t[:n]
    launches, ends = t[kind == EV_LAUNCH], t[kind == EV_END]
    first_launch = float(launches.min()) if launches.size else math.inf
    first_end = float(ends.min()) if ends.size else math.inf
    return np.unique(t[kind == EV_DETECTION]), first_launch, first_end


def test_rounds_in_flight_slow_the_search(worlds: tuple[World, World]) -> None:
    plain, loaded = worlds
    period = float(plain.radars.period_s[0])
    assert period == 2.0
    stretched = 0
    for rep in range(6):
        log_a, log_b = event_log(200_000), event_log(200_000)
        run_replication(plain, 1, rep, log=log_a)
        run_replication(loaded, 1, rep, log=log_b)
        looks_a, launch_a, _ = _looks(log_a)
        looks_b, launch_b, end_b = _looks(log_b)
        assert math.isfinite(launch_a)
        assert launch_a == launch_b  # the same first launch: nothing differed before it
        assert np.array_equal(looks_a[looks_a <= launch_a], looks_b[looks_b <= launch_b])
        gaps_a = np.diff(looks_a)
        assert np.allclose(gaps_a / period, np.round(gaps_a / period))  # every 2 s, unloaded
        # while its first round flies, the loaded radar never looks again 2 s after a look
        busy = (looks_b[:-1] > launch_b) & (looks_b[:-1] < end_b)
        gaps_b = np.diff(looks_b)[busy]
        assert gaps_b.size > 0
        assert (gaps_b > period + 1e-9).all(), gaps_b
        # and some gap is one look at the share left by one or more rounds in flight
        shares = [period / (1.0 - GUIDE * k) for k in range(1, 5)]
        stretched += int(any(np.isclose(g, s) for g in gaps_b for s in shares))
    assert stretched >= 3
