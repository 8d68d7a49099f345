"""RCS by aspect in the engine's looks (catalogue ``rcs_aspect``; issue 19).

The look's mean SNR is ``snr_k · σ · factor(aspect) / R⁴`` (the radar range equation,
Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.1 with the constants folded into
``snr_k``), so at equal SNR the range scales as factor^(1/4).  Checked on the compiled look
(`engine.looks.look`) with a steady (Swerling 0) target and a signal so strong that every
look detects, reading the SNR the look logs (dB):

- broadside against nose-on at the same range: 10·log10 of the table's factor at 90°;
- broadside at R·factor(90°)^(1/4) against nose-on at R: the same SNR (to 1e-9 dB);
- an aspect between table points (60°, between 45° × 2 and 75° × 5): the linear join,
  2 + (15/30)·3 = 3.5 (hand computed);
- a type without a table: the scalar RCS whatever the aspect.

The engine's kernel (`sensing.rcs_aspect_factor`) is also held to the catalogue's
`RcsAspect.factor_at`, which the exposure study uses, on a grid of aspects.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard.catalogue import load_entry
from airguard.engine import event_log
from airguard.engine.looks import look, radar_beam
from airguard.engine.state import Skylines, new_detections
from airguard.engine.threats import Threats
from airguard.sensing import aspect_deg, rcs_aspect_factor
from tests.validation.test_detection_sim import _radar, _threats

F16 = load_entry(Path(__file__).resolve().parents[2] / "src/airguard/catalogue/data/f-16.yaml")
RANGE_M = 80_000.0
SPEED_MPS = 250.0


def _moving(thr: Threats, velocity_enu: np.ndarray, radar_basis: np.ndarray) -> Threats:
    """The threats moving at `velocity_enu` (m/s), where they are at the look (t = 0.5 s):
    grid samples (0, 1, 2 s) on the straight line through it."""
    v = velocity_enu @ radar_basis
    t = np.array([0.0, 1.0, 2.0]) - 0.5
    pos = thr.pos[:, 1:2, :] + t[None, :, None] * v[None, None, :]
    return thr._replace(pos=pos, vel=np.broadcast_to(v, thr.vel.shape).copy())


def _with_table(thr: Threats) -> Threats:
    """The threats with the F-16's table on type 0."""
    assert F16.rcs_aspect is not None
    deg = np.array(F16.rcs_aspect.aspect_deg, dtype=np.float64)
    fac = np.array(F16.rcs_aspect.factor, dtype=np.float64)
    return thr._replace(
        aspect_n=np.array([deg.size], dtype=np.int64),
        aspect_deg=deg[None, :],
        aspect_factor=fac[None, :],
    )


def _snr_db(range_m: float, velocity_enu: np.ndarray, table: bool = True) -> float:
    """The SNR (dB) the look logs for one steady target due east at `range_m`, 1 deg up."""
    radar = _radar(height_m=10.0, snr_k=1e4 * RANGE_M**4, pfa=1e-6)
    el = math.radians(1.0)
    enu = np.array([[range_m * math.cos(el), 0.0, range_m * math.sin(el)]])
    thr = _threats(radar, enu, np.array([10.0 + range_m * math.sin(el)]), 1.0, 0)
    thr = _moving(thr, velocity_enu, radar.enu_basis[0])
    if table:
        thr = _with_table(thr)
    log = event_log(16)
    no_terrain = Skylines(np.full((1, 1, 1), -np.inf), np.array([1.0, 1.0]), False)
    n = look(
        radar_beam(radar, 0, 0, no_terrain), thr, np.ones(1, dtype=np.bool_), 0.5,
        np.random.Generator(np.random.PCG64(3)), new_detections(1), np.full(1, math.inf),
        np.zeros(1, dtype=np.int64), np.zeros(7), log,
    )  # fmt: skip
    assert n == 1
    return float(log.vals[0, 3])


NOSE_ON = np.array([-SPEED_MPS, 0.0, 0.0])  # flying west, toward the radar (due west of it)
BROADSIDE = np.array([0.0, SPEED_MPS, 0.0])  # flying north across the line of sight


def test_broadside_snr_is_the_tables_factor_above_nose_on() -> None:
    assert F16.rcs_aspect is not None
    f90 = F16.rcs_aspect.factor[F16.rcs_aspect.aspect_deg.index(90.0)]
    d = _snr_db(RANGE_M, BROADSIDE) - _snr_db(RANGE_M, NOSE_ON)
    # north is square to the line of sight (east, 1 deg up): 90 deg; nose-on is 1 deg, in
    # the table's flat frontal sector (factor 1)
    assert d == pytest.approx(10.0 * math.log10(f90), abs=1e-6)


def test_equal_snr_range_scales_as_the_fourth_root_of_the_factor() -> None:
    assert F16.rcs_aspect is not None
    f90 = F16.rcs_aspect.factor[F16.rcs_aspect.aspect_deg.index(90.0)]
    far = RANGE_M * f90**0.25  # 80 km × 10^(1/4) = 142.3 km
    assert _snr_db(far, BROADSIDE) == pytest.approx(_snr_db(RANGE_M, NOSE_ON), abs=1e-6)


def test_an_aspect_between_points_is_joined_linearly() -> None:
    # 60 deg off the nose: velocity at 60 deg from the direction to the radar (west)
    a = math.radians(60.0)
    v = np.array([-SPEED_MPS * math.cos(a), SPEED_MPS * math.sin(a), 0.0])
    d = _snr_db(RANGE_M, v) - _snr_db(RANGE_M, NOSE_ON)
    # the line of sight is 1 deg up: the aspect is acos(cos 60° cos 1°) = 60.0087°, and the
    # factor 2 + (aspect − 45)/30 × (5 − 2) (3.5 at 60° exactly)
    aspect = math.degrees(math.acos(math.cos(a) * math.cos(math.radians(1.0))))
    assert d == pytest.approx(10.0 * math.log10(2.0 + (aspect - 45.0) / 30.0 * 3.0), abs=1e-9)


def test_without_a_table_the_rcs_is_the_scalar() -> None:
    assert _snr_db(RANGE_M, BROADSIDE, table=False) == pytest.approx(
        _snr_db(RANGE_M, NOSE_ON, table=False), abs=1e-12
    )


def test_the_engines_factor_is_the_catalogues() -> None:
    table = F16.rcs_aspect
    assert table is not None
    deg = np.array(table.aspect_deg)
    fac = np.array(table.factor)
    aspects = np.linspace(-400.0, 400.0, 1601)
    want = table.factor_at(aspects)
    got = np.array([rcs_aspect_factor(a, deg, fac, deg.size) for a in aspects])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert rcs_aspect_factor(90.0, deg, fac, 0) == 1.0  # no table


def test_aspect_angle_convention() -> None:
    # velocity (1, 0, 0); the radar ahead, abeam, behind
    assert aspect_deg(1.0, 0.0, 0.0, 5.0, 0.0, 0.0) == pytest.approx(0.0)
    assert aspect_deg(1.0, 0.0, 0.0, 0.0, 3.0, 0.0) == pytest.approx(90.0)
    assert aspect_deg(1.0, 0.0, 0.0, -2.0, 0.0, 0.0) == pytest.approx(180.0)
    assert aspect_deg(0.0, 0.0, 0.0, 1.0, 0.0, 0.0) == 0.0
