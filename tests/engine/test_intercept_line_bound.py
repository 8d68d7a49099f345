"""The intercept search stops where a straight-line picture has left every envelope.

For a picture that is not ballistic, ``firecontrol.find_intercept`` predicts a straight
line; the distance from the site to a point moving on a line is convex in time, so once
the trial points are farther than any reachable point can be (``far_skip``) they stay
so, and the search stops there (``firecontrol._line_leaves``); a line that never comes
that near costs no search at all.  That must change no answer:

* the stopping time against the closed form of a line passing a point (Pythagoras: a
  line at speed v whose closest approach d comes at time τc is at distance D at
  τc ± sqrt(D² − d²)/v);
* the premise, independently of the engine: no point that ``reach.intercept_cell``
  finds reachable lies farther from the site than the bound, over random points out to
  1.2 × the longest range in the flagship's catalogue (the 40N6E's);
* the search against a reference search written here without any bound (every trial
  time from the first until the interceptor's time of flight, the same per-point test
  ``_point_in_reach``), bit for bit, over random straight-line pictures around a
  Patriot and an S-400 site, with and without a salvo's spread.

The flagship's outcome tables are unchanged by it too (``benchmarks/flagship_digest.py``,
docs/performance.md, session 16).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from airguard import geo
from airguard.dynamics import FULL, height_m
from airguard.engine.firecontrol import (
    EARTH_MIN_RADIUS_M,
    ENVELOPE_SLACK_M,
    SEARCH_START_S,
    SEARCH_STEP_S,
    Reach,
    _line_leaves,
    _point_in_reach,
    find_intercept,
    unit_reach,
)
from airguard.engine.state import new_scratch
from airguard.reach import REACHABLE, intercept_cell
from airguard.scenario import load_scenario
from airguard.world import World, compile_world
from tests.conftest import FLAGSHIP


@pytest.fixture(scope="module")
def worlds() -> dict[str, World]:
    return {
        s.label: compile_world(s)
        for s in load_scenario(FLAGSHIP)
        if s.label in ("patriot", "s-400")
    }


@pytest.mark.parametrize(
    ("d_m", "v_mps", "tc_s", "far_m"),
    [(50e3, 250.0, 40.0, 170e3), (0.0, 600.0, -30.0, 160e3), (120e3, 170.0, 500.0, 410e3)],
)
def test_the_line_leaves_where_pythagoras_says(
    d_m: float, v_mps: float, tc_s: float, far_m: float
) -> None:
    """A line through (d, -v·tc, 0) with velocity (0, v, 0) passes the origin's closest at
    tc, at distance d; it leaves the sphere of radius far at tc + sqrt(far² − d²)/v (one
    search step added: the last trial time the search still tests)."""
    est = np.zeros(9)
    est[0], est[1], est[4] = d_m, -v_mps * tc_s, v_mps
    leaves = _line_leaves(est, 0.0, 0.0, 0.0, 0.0, far_m)
    expected = tc_s + math.sqrt(far_m**2 - d_m**2) / v_mps + SEARCH_STEP_S
    assert leaves == pytest.approx(expected, abs=1e-6)  # s
    # picture taken 7 s before the cycle: the same line, 7 s further along
    assert _line_leaves(est, 7.0, 0.0, 0.0, 0.0, far_m) == pytest.approx(expected - 7.0, abs=1e-6)


def test_a_line_that_never_comes_near_has_no_time_and_a_still_point_all() -> None:
    est = np.zeros(9)
    est[0], est[4] = 300e3, 200.0  # passes 300 km out
    assert _line_leaves(est, 0.0, 0.0, 0.0, 0.0, 250e3) == -math.inf
    est[4] = 0.0  # a hovering track: inside for ever, or never
    assert _line_leaves(est, 0.0, 0.0, 0.0, 0.0, 350e3) == math.inf
    assert _line_leaves(est, 0.0, 0.0, 0.0, 0.0, 250e3) == -math.inf


def test_no_reachable_point_lies_beyond_the_bound(worlds: dict[str, World]) -> None:
    """The bound's premise, with the flagship's own interceptor types: every point that
    intercept_cell finds reachable (given all the time in the world) is within
    sqrt(max range² + max altitude²) + the slack + the Earth's drop of the site."""
    rng = np.random.default_rng(16)
    n = 20_000
    checked = 0
    for world in worlds.values():
        itc = world.interceptors
        for ty in range(itc.max_time_s.shape[0]):
            reach = unit_reach(world.units, itc, 0, ty)
            ux, uy, uz = reach.x, reach.y, reach.z
            lat0, lon0, _ = geo.ecef2geodetic([ux, uy, uz])
            far = math.sqrt(reach.max_range**2 + reach.max_alt**2) + ENVELOPE_SLACK_M
            bound = far + reach.max_range**2 / (2.0 * EARTH_MIN_RADIUS_M)
            ground = rng.uniform(0.0, 1.2, n) * reach.max_range
            la, lo = geo.destination(
                np.full(n, lat0), np.full(n, lon0), rng.uniform(0, 2 * math.pi, n), ground
            )
            heights = rng.uniform(0.0, 1.1, n) * reach.max_alt
            pts = geo.geodetic2ecef(la, lo, reach.alt + heights)
            ur = math.sqrt(ux * ux + uy * uy + uz * uz)
            for m in range(n):
                code, _, _ = intercept_cell(
                    reach.time, reach.dr, reach.dh, reach.min_alt, reach.max_alt,
                    reach.min_range, reach.max_range, ux, uy, uz, ur, pts[m, 0], pts[m, 1],
                    pts[m, 2], heights[m], 1e9,
                )  # fmt: skip
                if code == REACHABLE:
                    d = math.dist(pts[m], (ux, uy, uz))
                    assert d <= bound, (ty, m, d, bound)
                    checked += 1
    assert checked > 10_000


def _reference_search(
    reach: Reach,
    est: np.ndarray,
    t_est: float,
    t: float,
    need: float,
    below: float,
    spread: float,
    arrive: float,
    buf: np.ndarray,
) -> tuple[float, float, float, float]:
    """find_intercept's trial rule for a straight line, without any bound: every trial
    time from the first until the type's time of flight."""
    ur = math.sqrt(reach.x**2 + reach.y**2 + reach.z**2)
    tau = SEARCH_START_S
    last = np.zeros(6)
    while tau <= reach.max_time and t + tau + spread <= arrive:
        dt = t + tau - t_est
        buf[:3] = est[:3] + est[3:6] * dt
        buf[3:6] = est[3:6]
        h = height_m(buf[0], buf[1], buf[2], FULL) - reach.alt
        if h < 0.0:
            break
        ok, elev, fly = _point_in_reach(reach, ur, buf, h, tau, False, need, below)
        needed = fly
        if ok and spread > 0.0:
            last[:3] = est[:3] + est[3:6] * (dt + spread)
            last[3:6] = est[3:6]
            h_last = height_m(last[0], last[1], last[2], FULL) - reach.alt
            ok = False
            if h_last >= 0.0:
                ok, _, fly_last = _point_in_reach(reach, ur, last, h_last, tau, False, need, below)
                needed = max(fly, fly_last)
        if ok:
            return t + tau, elev, fly, needed
        tau += SEARCH_STEP_S
    return -1.0, 0.0, 0.0, 0.0


def test_the_bounded_search_is_the_unbounded_one(worlds: dict[str, World]) -> None:
    """Random straight-line pictures (cruise missiles, drones, aircraft: 0-25 km up,
    50-700 m/s, within 1.5 × the type's range), each interceptor type of a Patriot and an
    S-400 unit: the same answer, bit for bit."""
    rng = np.random.default_rng(61)
    found = far_off = 0
    for world in worlds.values():
        itc = world.interceptors
        for ty in range(itc.max_time_s.shape[0]):
            reach = unit_reach(world.units, itc, 0, ty)
            lat0, lon0, _ = geo.ecef2geodetic([reach.x, reach.y, reach.z])
            for m in range(300):
                ground = rng.uniform(0.0, 1.5) * reach.max_range
                la, lo = geo.destination(lat0, lon0, rng.uniform(0, 2 * math.pi), ground)
                alt = rng.uniform(0.0, 25e3)
                p = geo.geodetic2ecef(la, lo, alt)
                east, north, up = geo.enu_basis(float(la), float(lo))
                heading = rng.uniform(0, 2 * math.pi)
                climb = rng.uniform(-0.1, 0.1)
                speed = rng.uniform(50.0, 700.0)
                v = speed * (math.sin(heading) * east + math.cos(heading) * north + climb * up)
                est = np.zeros(9)
                est[:3], est[3:6] = p, v
                t_est, t = 100.0, 100.0 + float(rng.integers(0, 3))
                spread = float(rng.choice([0.0, 4.0]))
                need = float(rng.choice([0.0, 30.0]))
                below = float(rng.choice([-math.inf, 500.0]))
                arrive = float(rng.choice([math.inf, t + rng.uniform(5.0, 400.0)]))
                args = (est, t_est, t, False, np.zeros(0), need, below, spread, arrive)
                got = find_intercept(reach, new_scratch(1, 1), 0, *args, np.zeros(12))
                ref = _reference_search(
                    reach, est, t_est, t, need, below, spread, arrive, np.zeros(6)
                )
                assert got == ref, (world.label, ty, m, got, ref)
                found += got[0] >= 0.0
                far = _line_leaves(est, t - t_est, reach.x, reach.y, reach.z, reach.max_range)
                far_off += far < 0.0
    assert found > 100  # intercepts found
    assert far_off > 100  # and lines that never come near
