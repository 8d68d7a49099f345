"""Fire control remembers an intercept point only where a new search would find it again.

``firecontrol.remembered_intercept`` skips the intercept search when the same picture
was searched at an earlier cycle and the point found then is still reachable in time:
for one picture a later cycle has less time in hand, so it accepts no point an earlier
cycle refused (the argument is in its docstring).  Here that claim is held against the
search itself: pictures of every threat of a flagship raid (its true states on the
grid, ballistic ones predicted with their bodies), with each Patriot interceptor type,
with and without a salvo's spread, followed cycle by cycle for two minutes; the
remembered answer must be the fresh search's, bit for bit, at every cycle.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from airguard.dynamics import P_WEAVE_ACCEL, P_WEAVE_HEIGHT
from airguard.engine.firecontrol import (
    SEARCH_STEP_S,
    find_intercept,
    manoeuvre_need,
    remembered_intercept,
    unit_reach,
)
from airguard.engine.state import new_scratch
from airguard.engine.threats import draw_threats
from airguard.scenario import load_scenario
from airguard.world import FLIGHT_BALLISTIC, GRID_DT_S, World, compile_world
from tests.conftest import FLAGSHIP

CYCLES = 120


@pytest.fixture(scope="module")
def patriot() -> World:
    (scenario,) = [s for s in load_scenario(FLAGSHIP) if s.label == "patriot"]
    return compile_world(scenario)


def test_a_remembered_point_is_the_searchs_own(patriot: World) -> None:
    world = patriot
    thr = draw_threats(world, np.random.default_rng(7))
    n_obj = thr.ttype.shape[0]
    weave = world.threat_types.params[:, P_WEAVE_ACCEL]
    need = manoeuvre_need(world.interceptors.nav_ratio, weave)
    below = np.where(weave > 0.0, world.threat_types.params[:, P_WEAVE_HEIGHT], -np.inf)
    u = 0
    reused = compared = 0
    for ty in range(world.interceptors.max_time_s.shape[0]):
        reach = unit_reach(world.units, world.interceptors, u, ty)
        for j in range(0, n_obj, 2):
            ballistic = bool(world.threat_types.flight[thr.ttype[j]] == FLIGHT_BALLISTIC)
            for frac in (0.3, 0.6):
                k = int(thr.k_first[j] + frac * (thr.k_last[j] - thr.k_first[j]))
                est = np.zeros(9)
                est[:3], est[3:6] = thr.pos[j, k], thr.vel[j, k]
                t_est = k * GRID_DT_S
                for spread in (0.0, 3.0):
                    memo_scr = new_scratch(1, n_obj)
                    fresh_scr = new_scratch(1, n_obj)
                    buf_a, buf_b = np.zeros(12), np.zeros(12)
                    before = None
                    for t in np.arange(math.ceil(t_est), math.ceil(t_est) + CYCLES, SEARCH_STEP_S):
                        tt = thr.ttype[j]
                        args = (est, t_est, float(t), ballistic, thr.body[j], need[ty, tt],
                                below[tt], spread, math.inf)  # fmt: skip
                        kept = remembered_intercept(
                            reach, memo_scr, j, 0, 0, ty, *args, buf_a, True
                        )
                        fresh = find_intercept(reach, fresh_scr, j, *args, buf_b)
                        assert kept == fresh, (ty, j, frac, spread, t)
                        compared += 1
                        if (
                            before is not None
                            and before[0] - t >= 2.0
                            and before[3] <= before[0] - t
                        ):
                            reused += 1  # the cycle took the remembered point
                        before = kept if kept[0] >= 0.0 else None
    assert compared > 10_000
    assert reused > 1_000  # the claim was put to the test, not only the search
