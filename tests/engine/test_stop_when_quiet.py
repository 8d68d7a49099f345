"""A replication ends once nothing is left to engage (the scenario's ``stop``).

The claim is that the rest of the duration changes no outcome: with ``stop: when-quiet``
every threat, asset and interceptor result is the one of the same replication run to its
full duration, bit for bit, and only the counts of false alarms and phantom tracks
(counted up to the time the replication ended) may be smaller.  The S-400 variant
of the flagship is the hard case: its 91N6E hands the trackers false alarms all the time,
so phantom tracks may still be held when the last threat lands.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import World, compile_world
from tests.conftest import FLAGSHIP

OUTCOMES = (
    "killed_at",
    "impacted",
    "first_detection",
    "first_track",
    "fired_at",
    "asset_hits",
    "interceptor_unit",
    "interceptor_type",
    "interceptor_target",
    "interceptor_first_target",
    "launch_time",
    "end_time",
    "miss_distance",
    "outcome",
    "end_position",
    "peak_height",
    "seeker_acquired",
    "first_envelope",
    "first_engaged",
    "fate",
    "fate_reason",
)
"""Every per-threat, per-asset and per-interceptor result of a replication."""


@pytest.fixture(scope="module")
def s400() -> World:
    (scenario,) = [s for s in load_scenario(FLAGSHIP) if s.label == "s-400"]
    return compile_world(scenario)


def _both(world: World, rep: int):  # type: ignore[no-untyped-def]
    assert world.stop_when_quiet  # the default
    early = run_replication(world, world.seed, rep)
    full = run_replication(dataclasses.replace(world, stop_when_quiet=False), world.seed, rep)
    return early, full


def _same_outcomes(early, full, world: World) -> None:  # type: ignore[no-untyped-def]
    for name in OUTCOMES:
        np.testing.assert_array_equal(getattr(early, name), getattr(full, name), err_msg=name)
    assert full.ended == world.duration_s
    assert early.ended <= world.duration_s
    assert early.n_false_alarms <= full.n_false_alarms
    assert early.n_detections == full.n_detections  # of real objects: none after the end
    assert early.n_phantoms <= full.n_phantoms


def test_small_scenarios_end_early_with_the_same_outcomes(small_worlds) -> None:  # type: ignore[no-untyped-def]
    for world in small_worlds.values():
        for rep in range(3):
            early, full = _both(world, rep)
            _same_outcomes(early, full, world)


def test_s400_ends_when_the_raid_is_over(s400: World) -> None:
    """Two replications of the S-400 variant: the same outcomes, and the replication ends
    after the last threat's end and the last round's, well before the 40 min."""
    for rep in range(2):
        early, full = _both(s400, rep)
        _same_outcomes(early, full, s400)
        last_threat = np.where(
            np.isfinite(early.killed_at), early.killed_at, early.threats.t_impact
        ).max()
        assert early.ended >= last_threat
        assert early.ended >= early.end_time.max(initial=0.0)
        # nothing left after the last threat but phantoms being deleted: a few looks
        assert early.ended <= last_threat + 120.0
        assert early.ended < 0.6 * s400.duration_s
        assert full.n_false_alarms > early.n_false_alarms  # the empty sky's were not drawn


def test_at_duration_runs_the_whole_duration(small_worlds) -> None:  # type: ignore[no-untyped-def]
    world = next(iter(small_worlds.values()))
    result = run_replication(dataclasses.replace(world, stop_when_quiet=False), world.seed, 0)
    assert result.ended == world.duration_s
