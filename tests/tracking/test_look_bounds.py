"""The look's shortcuts never skip what the full prediction would see or gate.

A sector look skips a track whose azimuth gate surely lies outside its slice
(``_out_of_sector``, for IMM tracks ``_mixture_out_of_sector``), and predicts only the
mean of a tentative track with no detection in its range gate (``_range_gate_empty``).
Both are bounds; here they are held against the full prediction of random tracks (the
IMM's mixing and model-matched prediction, the moment-matched combination and the
innovation covariance, ``_imm_predict`` … ``_innovation_covariance``): whenever a bound
says "skip", the full prediction's gate must indeed miss the slice or every detection,
and the mean it keeps must be the full prediction's, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np

from airguard.geo import enu_basis, geodetic2ecef
from airguard.tracking.core import (
    STATUS_CONFIRMED,
    STATUS_TENTATIVE,
    _combine,
    _imm_predict,
    _innovation_covariance,
    _out_of_sector,
    _range_gate_empty,
    new_tracks,
    tracker_params,
)
from airguard.tracking.models import FRAME_ECEF

SITE = (39.0, 35.0, 100.0)
GATE = 16.27


def _look():  # type: ignore[no-untyped-def]
    """The flagship's tracker (IMM over CV, CA and ballistic; tentative tracks on CV), a
    one-row track table, a radar at SITE and its measurement variances."""
    params = tracker_params(
        models=("cv", "ca", "ballistic"), q=(25.0, 400.0, 4.0), frame=FRAME_ECEF,
        gate=GATE, initiate_on="cv", coast_s=30.0, init_velocity_sigma_mps=1500.0,
    )  # fmt: skip
    var = np.array([30.0, 0.004, 0.004, 5.0]) ** 2  # range m, az rad, el rad, range rate m/s
    return params, new_tracks(4, 3), geodetic2ecef(*SITE), enu_basis(SITE[0], SITE[1]), var


def _random_track(rng: np.random.Generator, tracks, k: int, tentative: bool) -> None:  # type: ignore[no-untyped-def]
    """Row k: a track 20-300 km out, models' states spread as an IMM's are."""
    pos = geodetic2ecef(*SITE)
    basis = enu_basis(SITE[0], SITE[1])
    az, el = rng.uniform(-math.pi, math.pi), rng.uniform(0.0, 0.5)
    r = rng.uniform(20e3, 300e3)
    los = np.array([math.sin(az) * math.cos(el), math.cos(az) * math.cos(el), math.sin(el)])
    p = pos + r * (basis.T @ los)
    v = rng.normal(size=3)
    v *= rng.uniform(0.0, 2500.0) / np.linalg.norm(v)
    scales = np.concatenate(
        [np.full(3, rng.uniform(50.0, 3000.0)), np.full(3, rng.uniform(5.0, 1500.0)),
         np.full(3, rng.uniform(0.5, 50.0))]
    )  # fmt: skip
    for m in range(3):
        tracks.x[k, m, :3] = p + rng.normal(0.0, 200.0, 3)
        tracks.x[k, m, 3:6] = v + rng.normal(0.0, 50.0, 3)
        tracks.x[k, m, 6:] = rng.normal(0.0, 20.0, 3)
        low = np.diag(scales) @ (np.eye(9) + 0.3 * rng.normal(size=(9, 9)))
        tracks.P[k, m] = low @ low.T
    mu = rng.dirichlet(np.ones(3))
    tracks.mu[k] = mu
    tracks.t[k] = 0.0
    tracks.status[k] = STATUS_TENTATIVE if tentative else STATUS_CONFIRMED


def _full(tracks, params, k: int, t: float, basis, pos, nz: int, var):  # type: ignore[no-untyped-def]
    """The full prediction's measurement and innovation covariance."""
    xp, Pp, cbar = np.empty((3, 9)), np.empty((3, 9, 9)), np.empty(3)
    _imm_predict(tracks, params, k, t, xp, Pp, cbar)
    xc, Pc = np.empty(9), np.empty((9, 9))
    if tracks.status[k] == STATUS_TENTATIVE:
        xc[:], Pc[:] = xp[0], Pp[0]
    else:
        _combine(xp, Pp, cbar, xc, Pc)
    zc, H, PHt, S = np.empty(4), np.empty((4, 9)), np.empty((9, 4)), np.empty((4, 4))
    _innovation_covariance(xc, Pc, pos, basis, nz, var, zc, H, PHt, S)
    return xc, zc, S


def test_sector_bound_skips_only_tracks_that_cannot_gate() -> None:
    rng = np.random.default_rng(17)
    params, tracks, pos, basis, var = _look()
    skipped = {True: 0, False: 0}
    for case in range(3000):
        tentative = case % 3 == 0
        _random_track(rng, tracks, 0, tentative)
        t = rng.uniform(0.0, 10.0)
        fov = np.array([400e3, rng.uniform(-math.pi, math.pi), math.radians(15.0), 0.0, 1.4])
        if not _out_of_sector(tracks, params, 0, t, pos, basis, fov, var[1]):
            continue
        skipped[tentative] += 1
        _, zc, S = _full(tracks, params, 0, t, basis, pos, 4, var)
        off = abs((zc[1] - fov[1] + math.pi) % (2.0 * math.pi) - math.pi)
        assert off > fov[2] + math.sqrt(GATE * S[1, 1]), case
    # the bound is of use: most tracks fall outside a 30° slice by more than their gate
    assert skipped[False] > 500
    assert skipped[True] > 200


def test_range_gate_shortcut_keeps_the_mean_and_misses_every_detection() -> None:
    rng = np.random.default_rng(18)
    params, tracks, pos, basis, var = _look()
    xm, zhat, H = np.empty(9), np.empty(4), np.empty((4, 9))
    empty = 0
    for case in range(3000):
        _random_track(rng, tracks, 0, tentative=True)
        t = rng.uniform(0.0, 10.0)
        xc, zc, S = _full(tracks, params, 0, t, basis, pos, 4, var)
        half = math.sqrt(GATE * S[0, 0])
        # detections from just inside to well outside the full range gate
        ranges = np.sort(zc[0] + half * rng.uniform(-6.0, 6.0, size=3))
        if not _range_gate_empty(tracks, params, 0, t, pos, basis, 4, var, ranges, xm, zhat, H):
            continue
        empty += 1
        assert not np.any(np.abs(ranges - zc[0]) <= half), case
        np.testing.assert_array_equal(xm, xc)
        np.testing.assert_array_equal(zhat, zc)
    assert empty > 100
