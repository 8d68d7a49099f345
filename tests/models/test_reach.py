"""airguard.reach: the one reach-table lookup (reach_cell, intercept_cell).

Closed-form cases pin the cell rounding and the order of the limits; the equality case
pins :func:`airguard.reach.intercept_cell` to a transcription of the per-sample test of
the engine's fire control (``engine._find_intercept``, airguard 0.x), bit for bit, so that
the engine can call it without changing its outcome tables.

Sources
-------
[R1] Moritz, *Geodetic Reference System 1980*: mean Earth radius R1 = 6 371 008.8 m; a
     ground range on that sphere is R1 times the geocentric angle.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from airguard import geo
from airguard.reach import (
    BEYOND_MAX_RANGE,
    INSIDE_MIN_RANGE,
    OUTSIDE_ALTITUDE,
    OUTSIDE_TABLE,
    REACHABLE,
    TOO_LATE,
    ReachTable,
    intercept_cell,
    reach_cell,
)

R1_M = 6_371_008.8  # [R1]


@pytest.mark.parametrize(
    ("ground_m", "height_m", "cell"),
    [
        (0.0, 0.0, (0, 0)),
        (1_499.9, 249.9, (1, 0)),  # cells centred on multiples of the steps
        (1_500.1, 250.1, (2, 1)),
        (9_400.0, 4_700.0, (9, 9)),  # the last cell reaches half a step beyond its centre
        (9_500.1, 0.0, (-1, -1)),
        (0.0, 4_750.1, (-1, -1)),
        (-1_600.0, 0.0, (-1, -1)),
    ],
)
def test_reach_cell_is_the_nearest_cell_centre(
    ground_m: float, height_m: float, cell: tuple[int, int]
) -> None:
    """A 10 × 10 table of 1 km × 500 m cells."""
    assert reach_cell(ground_m, height_m, 1_000.0, 500.0, 10, 10) == cell


def test_reach_table_lookup_reads_the_cell() -> None:
    t = np.arange(12.0).reshape(4, 3)
    table = ReachTable(t, np.zeros_like(t), 1_000.0, 500.0, np.zeros_like(t))
    assert table.lookup(2_100.0, 900.0) == 8.0  # cell (2, 2)
    assert table.lookup(4_000.0, 0.0) == math.inf


def _site_and_point(ground_m: float, up_m: float) -> tuple[np.ndarray, np.ndarray]:
    """A site on the mean sphere and a point `ground_m` north along it, `up_m` above it."""
    site = np.array([R1_M, 0.0, 0.0])
    psi = ground_m / R1_M
    point = (R1_M + up_m) * np.array([math.cos(psi), 0.0, math.sin(psi)])
    return site, point


def _cell(
    ground_m: float, up_m: float, table: np.ndarray, time_s: float, **limits: float
) -> tuple[int, int, int]:
    lim = {"min_alt": 0.0, "max_alt": 25e3, "min_range": 3e3, "max_range": 80e3} | limits
    site, p = _site_and_point(ground_m, up_m)
    return intercept_cell(
        table, 1_000.0, 500.0, lim["min_alt"], lim["max_alt"], lim["min_range"],
        lim["max_range"], site[0], site[1], site[2], R1_M, p[0], p[1], p[2], up_m, time_s,
    )  # fmt: skip


def test_intercept_cell_limits_in_the_engines_order() -> None:
    """Ground range R1 × angle [R1]: a point 40 km away and 10 km up is in cell (40, 20);
    each limit, then the table, then the time, rules it out in turn."""
    table = np.full((100, 60), 30.0)  # reached in 30 s everywhere
    assert _cell(40e3, 10e3, table, 30.0) == (REACHABLE, 40, 20)
    assert _cell(40e3, 10e3, table, 29.9) == (TOO_LATE, 40, 20)
    assert _cell(40e3, 10e3, table, 30.0, max_alt=9e3)[0] == OUTSIDE_ALTITUDE
    assert _cell(40e3, 10e3, table, 30.0, min_alt=11e3)[0] == OUTSIDE_ALTITUDE
    # slant range ~41.3 km: a minimum range above it rules the point out before its ground range
    assert _cell(40e3, 10e3, table, 30.0, min_range=42e3, max_range=1e3)[0] == INSIDE_MIN_RANGE
    assert _cell(40e3, 10e3, table, 30.0, max_range=39.9e3)[0] == BEYOND_MAX_RANGE
    assert _cell(40e3, 10e3, table, 30.0, max_range=40.1e3)[0] == REACHABLE
    assert _cell(40e3, 10e3, table[:40], 30.0)[0] == OUTSIDE_TABLE
    never = np.full((100, 60), np.inf)
    assert _cell(40e3, 10e3, never, 1e9) == (TOO_LATE, 40, 20)


# ---------------------------------------------------------------- the engine's test


@numba.njit
def _engine_transcription(
    pos: np.ndarray,
    ux: float,
    uy: float,
    uz: float,
    ur: float,
    h: float,
    reach_time: np.ndarray,
    reach_dr: np.ndarray,
    reach_dh: np.ndarray,
    min_alt: np.ndarray,
    max_alt: np.ndarray,
    min_range: np.ndarray,
    max_range: np.ndarray,
    i: int,
    tau: float,
) -> tuple[bool, int, int]:
    """engine._find_intercept's test of one predicted point (engine.py at d2faa4b),
    verbatim but for ``itc.x[i]`` → ``x[i]``, ``buf`` → ``pos`` and ``continue`` →
    ``return``; SEARCH_STEP_S = 1 s, already added to tau."""
    R = 6_371_008.8  # MEAN_EARTH_RADIUS_M
    SEARCH_STEP_S = 1.0
    buf = pos
    nr = reach_time.shape[1]
    nh = reach_time.shape[2]
    if h < min_alt[i] or h > max_alt[i]:
        return False, -1, -1
    dx, dy, dz = buf[0] - ux, buf[1] - uy, buf[2] - uz
    slant = math.sqrt(dx * dx + dy * dy + dz * dz)
    if slant < min_range[i]:
        return False, -1, -1
    br = math.sqrt(buf[0] ** 2 + buf[1] ** 2 + buf[2] ** 2)
    c = (buf[0] * ux + buf[1] * uy + buf[2] * uz) / (br * ur)
    g = R * math.acos(min(max(c, -1.0), 1.0))
    if g > max_range[i]:
        return False, -1, -1
    ri = int(g / reach_dr[i] + 0.5)
    hi = int(h / reach_dh[i] + 0.5)
    if ri >= nr or hi >= nh:
        return False, -1, -1
    if reach_time[i, ri, hi] <= tau - SEARCH_STEP_S:
        return True, ri, hi
    return False, ri, hi


@numba.njit
def _compare(
    sites: np.ndarray,
    points: np.ndarray,
    heights: np.ndarray,
    types: np.ndarray,
    taus: np.ndarray,
    reach_time: np.ndarray,
    reach_dr: np.ndarray,
    reach_dh: np.ndarray,
    min_alt: np.ndarray,
    max_alt: np.ndarray,
    min_range: np.ndarray,
    max_range: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    n = points.shape[0]
    codes = np.empty(n, dtype=np.int64)
    same = np.empty(n, dtype=np.bool_)
    for m in range(n):
        ux, uy, uz = sites[m, 0], sites[m, 1], sites[m, 2]
        ur = math.sqrt(ux * ux + uy * uy + uz * uz)
        i, h, tau = types[m], heights[m], taus[m]
        ok, ri_e, hi_e = _engine_transcription(
            points[m], ux, uy, uz, ur, h, reach_time, reach_dr, reach_dh, min_alt, max_alt,
            min_range, max_range, i, tau,
        )  # fmt: skip
        # the call the engine's _find_intercept will make (after tau += SEARCH_STEP_S)
        code, ri, hi = intercept_cell(
            reach_time[i], reach_dr[i], reach_dh[i], min_alt[i], max_alt[i], min_range[i],
            max_range[i], ux, uy, uz, ur, points[m, 0], points[m, 1], points[m, 2], h,
            tau - 1.0,
        )  # fmt: skip
        codes[m] = code
        same[m] = (code == REACHABLE) == ok and (not ok or (ri == ri_e and hi == hi_e))
    return codes, same


def test_intercept_cell_equals_the_engines_test_bit_for_bit() -> None:
    """intercept_cell says "reachable", with the same cell, exactly where the engine's
    fire control does, over 200,000 random sites, interceptors, points and times."""
    rng = np.random.default_rng(7)
    n_types, nr, nh = 5, 240, 120
    max_range = rng.uniform(20e3, 200e3, n_types)
    max_alt = rng.uniform(10e3, 40e3, n_types)
    min_alt = rng.uniform(0.0, 100.0, n_types)
    min_range = rng.uniform(0.0, 5e3, n_types)
    reach_dr = max_range * 1.05 / (nr - 1)
    reach_dh = max_alt * 1.05 / (nh - 1)
    # earliest times growing with distance, unreachable far out
    gi, hj = np.meshgrid(np.arange(nr), np.arange(nh), indexing="ij")
    reach_time = np.stack(
        [np.where(gi + hj < 300, 0.4 * (gi + hj) + rng.random((nr, nh)), np.inf)] * n_types
    )
    n = 200_000
    lat, lon = rng.uniform(30.0, 45.0, n), rng.uniform(20.0, 50.0, n)
    site_h = rng.uniform(0.0, 2e3, n)
    sites = geo.geodetic2ecef(lat, lon, site_h)
    types = rng.integers(0, n_types, n).astype(np.int64)
    ground = rng.uniform(0.0, 1.2, n) * max_range[types]
    la, lo = geo.destination(lat, lon, rng.uniform(0.0, 2 * math.pi, n), ground)
    heights = rng.uniform(-0.05, 1.1, n) * max_alt[types]
    points = geo.geodetic2ecef(la, lo, site_h + heights)
    taus = rng.uniform(2.0, 200.0, n)
    codes, same = _compare(
        sites, points, heights, types, taus, reach_time, reach_dr, reach_dh, min_alt,
        max_alt, min_range, max_range,
    )  # fmt: skip
    assert same.all()
    counts = np.bincount(codes, minlength=6)
    for code in (REACHABLE, OUTSIDE_ALTITUDE, INSIDE_MIN_RANGE, BEYOND_MAX_RANGE, TOO_LATE):
        assert counts[code] >= 500, (code, counts)
