"""Invariants over whole replications of the flagship (issue "Engagements an analyst can
defend", item 7).

A model right part by part can be wrong as a whole, so every variant of the flagship is run
for a reduced number of replications and its outcome tables are held to limits that no
engagement may break, whatever the draws: no kill of a threat that has landed, no flight
longer than its type's, every end placed, no round launched at something nobody tracked,
and a network that takes no more wasted shots than the batteries alone.  Two invariants
the issue asks for do not hold yet and are marked as strict expected failures with what
makes them fail (so they turn into errors the day they hold): kills above the ceiling the
interceptor's own physics reaches, and a noiseless endgame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from airguard.montecarlo.batch import run_batch
from airguard.scenario import load_scenario
from airguard.world import World, compile_world
from tests.conftest import FLAGSHIP

REPS = 16
WASTED = ("miss", "ground", "timeout", "destroyed", "target-landed")
"""Outcomes of rounds that did nothing: shots fire control should not have taken."""


@pytest.fixture(scope="module")
def flagship() -> dict[str, tuple[World, pd.DataFrame, pd.DataFrame]]:
    out = {}
    for sc in load_scenario(FLAGSHIP):
        world = compile_world(sc)
        tables = run_batch(world, world.seed, list(range(REPS)))
        out[sc.label] = (world, tables["threats"].to_pandas(), tables["engagements"].to_pandas())
    return out


def _variants(flagship: dict) -> list[str]:
    assert set(flagship) == {"patriot", "patriot-nato", "s-400"}
    return sorted(flagship)


def test_no_kill_after_the_threat_landed(flagship: dict) -> None:
    for label in _variants(flagship):
        _, thr, _ = flagship[label]
        killed = thr[thr.killed]
        assert (killed.kill_time_s <= killed.impact_time_s).all(), label


def test_no_round_flies_longer_than_its_type(flagship: dict) -> None:
    for label in _variants(flagship):
        world, _, eng = flagship[label]
        limit = dict(zip(world.interceptor_names, world.interceptors.max_time_s, strict=True))
        assert (eng.flight_time_s >= 0.0).all(), label
        over = eng.flight_time_s - eng.interceptor_type.map(limit)
        assert (over <= 1e-6).all(), (label, over.max())  # s


def test_every_round_says_where_its_flight_ended(flagship: dict) -> None:
    """End points on the map, heights within the atmosphere a round can reach, the peak at
    least as high as the end (1 m: the end of a closest approach is on the chord of its
    last step, the peak at the steps' ends)."""
    for label in _variants(flagship):
        _, _, eng = flagship[label]
        cols = ["end_lat_deg", "end_lon_deg", "end_alt_m", "peak_alt_m", "flight_time_s"]
        assert eng[cols].notna().all().all(), label
        assert eng.end_lat_deg.between(30.0, 45.0).all(), label  # the theatre, degrees
        assert eng.end_lon_deg.between(25.0, 50.0).all(), label
        assert (eng.peak_alt_m >= eng.end_alt_m - 1.0).all(), label


def test_no_round_launched_at_a_threat_nobody_tracked(flagship: dict) -> None:
    for label in _variants(flagship):
        _, thr, eng = flagship[label]
        real = eng[eng.first_target >= 0].merge(
            thr[["replication", "threat", "first_track_s"]],
            left_on=["replication", "first_target"],
            right_on=["replication", "threat"],
        )
        assert (real.launch_time_s >= real.first_track_s).all(), label


def test_the_network_takes_no_more_wasted_shots_than_the_batteries_alone(flagship: dict) -> None:
    """Rounds that did nothing (miss, ground, timeout, destroyed, target landed first) per
    replication: with NATO's network and its early-warning cue at most those of the same
    batteries alone, within four standard errors of the difference.  (Before fire control
    launched on its plan, the cue made Diyarbakır fire about 9 GEM-Ts per raid at Fatehs
    still climbing.)"""
    wasted = {}
    for label in ("patriot", "patriot-nato"):
        _, _, eng = flagship[label]
        per_rep = eng[eng.outcome.isin(WASTED)].groupby("replication").size()
        wasted[label] = per_rep.reindex(range(REPS), fill_value=0).to_numpy(dtype=float)
    diff = wasted["patriot-nato"].mean() - wasted["patriot"].mean()
    se = np.sqrt(wasted["patriot-nato"].var(ddof=1) / REPS + wasted["patriot"].var(ddof=1) / REPS)
    assert diff <= 4.0 * max(se, 0.25), (diff, se)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "the seeker's homing may meet a descending missile a little above the point fire "
        "control planned inside the catalogue ceiling (0.1-0.3 % of kills, up to 2 km above "
        "in 400 replications); the ceiling will come from the interceptor's aerodynamics "
        "(lateral acceleration q S CN_max / m) and a noisy endgame (issue 'Engagements an "
        "analyst can defend', items 1 and 3)"
    ),
)
def test_no_kill_above_the_interceptors_ceiling(flagship: dict) -> None:
    """Kills at most 1 km above the type's catalogue ceiling over its site (the reach
    tables' heights are above the launcher).  Before rounds left on their plan, 66 % of
    PAC-3 MSE kills were above it (up to 47 km) and 48N6E3 kills reached 105 km."""
    for label in _variants(flagship):
        world, _, eng = flagship[label]
        ceiling = dict(zip(world.interceptor_names, world.interceptors.max_alt_m, strict=True))
        site = dict(zip(world.unit_names, world.units.alt_m, strict=True))
        kills = eng[eng.outcome == "kill"]
        limit = kills.interceptor_type.map(ceiling) + kills.unit.map(site) + 1_000.0
        assert (kills.end_alt_m <= limit).all(), label


@pytest.mark.xfail(
    strict=True,
    reason=(
        "the endgame is noiseless: rounds home on the true target state with no seeker or "
        "track noise, so misses are micrometres and the outcome is only the Pk draw "
        "(issue 'Engagements an analyst can defend', item 3)"
    ),
)
def test_miss_distances_are_not_concentrated_at_zero(flagship: dict) -> None:
    """Of the rounds that reached their target's lethal radius, fewer than half within 1 cm."""
    for label in _variants(flagship):
        _, _, eng = flagship[label]
        close = eng[eng.outcome.isin(("kill", "pk-fail"))]
        assert (close.miss_distance_m < 0.01).mean() < 0.5, label
