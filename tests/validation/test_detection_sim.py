"""The engine's radar look (`engine.looks.look`) draws detections with the textbook statistics.

One radar looks once at many identical, stationary threats; the fraction
detected is compared with the closed-form single-look detection probability,
within four binomial standard deviations.  The geometry checks (radio horizon,
azimuth sector) use a signal so strong that noise plays no part.

Sources
-------
[R]   M. A. Richards, *Fundamentals of Radar Signal Processing*, 2nd ed., 2014, §6.3:
      square-law detector, threshold T = -ln Pfa for one sample of unit-power
      complex noise (eq. 6.79 with N = 1); steady target: Pd = Q1(sqrt(2 SNR), sqrt(2 T)),
      Marcum's Q function, i.e. the survival function of a non-central chi-square
      with 2 degrees of freedom and non-centrality 2 SNR at 2T (eq. 6.86 with N = 1);
      Swerling 1 and 2 coincide for one pulse, as do 3 and 4.
[MA]  B. R. Mahafza, A. Z. Elsherbeni, *MATLAB Simulations for Radar Systems Design*,
      2004, §2.6: Swerling 1, one pulse, Pd = exp(-T / (1 + SNR)) = Pfa^(1/(1+SNR))
      (eq. 2.75); Swerling 3, N = 1 or 2 (eq. 2.81),
      Pd = exp(-T/(1 + N SNR/2)) (1 + 2/(N SNR))^(N-2) [1 + T/(1 + N SNR/2) - 2 (N-2)/(N SNR)].
[SK]  M. I. Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, ch. 8 (propagation):
      the 4/3-Earth radio horizon, d = 4.12 (sqrt(h_a) + sqrt(h_t)) km with heights in m;
      its exact form for straight rays over a sphere of radius k Re,
      d = sqrt(2 k Re h_a + h_a^2) + sqrt(2 k Re h_t + h_t^2), is `radar.horizon_range_m`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from airguard.dynamics import N_PARAMS
from airguard.engine import event_log
from airguard.engine.looks import look, radar_beam
from airguard.engine.state import Skylines, new_detections
from airguard.engine.threats import Threats
from airguard.geo import enu_basis, geodetic2ecef
from airguard.radar import horizon_range_m
from airguard.world import Radars

N_THREATS = 20_000
LOOK_TIME_S = 0.5
RADAR_LAT_DEG, RADAR_LON_DEG = 38.0, 35.0


def _radar(
    *,
    height_m: float,
    snr_k: float,
    pfa: float,
    az_center_rad: float = 0.0,
    az_half_rad: float = math.pi,
) -> Radars:
    """One radar; elevation limits wide open so that only what is tested can mask."""
    pos = geodetic2ecef(RADAR_LAT_DEG, RADAR_LON_DEG, height_m)
    one = np.ones(1)
    return Radars(
        pos_ecef_m=pos.reshape(1, 3),
        enu_basis=enu_basis(RADAR_LAT_DEG, RADAR_LON_DEG).reshape(1, 3, 3),
        height_m=np.array([height_m]),
        unit=np.zeros(1, dtype=np.int64),
        snr_k_m2=np.array([snr_k]),
        threshold=np.array([-math.log(pfa)]),
        max_range_m=np.array([1e7]),
        az_center_rad=np.array([az_center_rad]),
        az_half_rad=np.array([az_half_rad]),
        el_min_rad=np.array([-0.5 * math.pi]),
        el_max_rad=np.array([0.5 * math.pi]),
        period_s=one.copy(),
        sigma_range_m=np.zeros(1),
        sigma_az_rad=np.zeros(1),
        sigma_el_rad=np.zeros(1),
        lat_rad=np.radians([RADAR_LAT_DEG]),
        lon_rad=np.radians([RADAR_LON_DEG]),
        false_alarms_per_scan=np.zeros(1),  # no false alarms: only the target's own draw is tested
        n_sectors=np.ones(1, dtype=np.int64),
        sigma_range_rate_mps=np.zeros(1),
        jam_jn=np.zeros((1, 0)),
        jam_dir=np.zeros((1, 0, 3)),
        jam_carrier=np.zeros((1, 0), dtype=np.int64),
        jam_window=np.zeros((1, 0, 2)),
        jam_cos=np.ones(1),
        jam_sll=np.ones(1),
        track_load=np.zeros(1),
        guide_load=np.zeros(1),
        min_search=np.ones(1),
    )


def _threats(
    radar: Radars, enu_m: np.ndarray, height_m: np.ndarray, rcs_m2: float, swerling: int
) -> Threats:
    """Stationary threats at local (east, north, up) offsets from the radar; heights given."""
    n = enu_m.shape[0]
    ecef = radar.pos_ecef_m[0] + enu_m @ radar.enu_basis[0]
    pos = np.repeat(ecef[:, None, :], 3, axis=1)
    return Threats(
        ttype=np.zeros(n, dtype=np.int64),
        cls=np.zeros(n, dtype=np.int64),
        target=np.zeros(n, dtype=np.int64),
        t_launch=np.zeros(n),
        t_impact=np.full(n, 2.5),
        impact_pos=np.zeros((n, 3)),
        k_first=np.zeros(n, dtype=np.int64),
        k_last=np.full(n, 2, dtype=np.int64),
        pos=pos,
        vel=np.zeros((n, 3, 3)),
        h=np.repeat(np.asarray(height_m, dtype=np.float64)[:, None], 3, axis=1),
        rcs=np.full(n, rcs_m2),
        swerling=np.full(n, swerling, dtype=np.int64),
        friendly=np.zeros(n, dtype=np.bool_),
        body=np.zeros((n, N_PARAMS)),
        decoy=np.zeros(n, dtype=np.bool_),
        identified_t=np.full(n, -np.inf),
        carrier=np.full(n, -1, dtype=np.int64),
    )


def _detected(radar: Radars, thr: Threats, seed: int) -> np.ndarray:
    """One look; returns a bool per threat."""
    n = thr.ttype.shape[0]
    first_det = np.full(n, math.inf)
    no_terrain = Skylines(np.full((1, 1, 1), -np.inf), np.array([1.0, 1.0]), False)
    look(
        radar_beam(radar, 0, 0, no_terrain),  # the one slice of an electronic radar's sector
        thr,
        np.ones(n, dtype=np.bool_),
        LOOK_TIME_S,
        np.random.Generator(np.random.PCG64(seed)),
        new_detections(n),
        first_det,
        np.zeros(n, dtype=np.int64),
        np.zeros(7),
        event_log(0),
    )
    return np.isfinite(first_det)


def _same_place(radar_height_m: float, range_m: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n threats due east at `range_m`, 2 deg up, with their height above the ellipsoid."""
    el = math.radians(2.0)
    enu = np.tile([range_m * math.cos(el), 0.0, range_m * math.sin(el)], (n, 1))
    return enu, np.full(n, radar_height_m + range_m * math.sin(el))


def _binomial_band(p: float, n: int) -> float:
    return 4.0 * math.sqrt(p * (1.0 - p) / n)


# --- detection statistics --------------------------------------------------------------

RANGE_M = 60_000.0
SNR_DB = 10.0
PFA = 1e-4


def _look_at_mean_snr(swerling: int, seed: int) -> float:
    snr = 10.0 ** (SNR_DB / 10.0)
    radar = _radar(height_m=810.0, snr_k=snr * RANGE_M**4, pfa=PFA)
    enu, h = _same_place(810.0, RANGE_M, N_THREATS)
    return float(_detected(radar, _threats(radar, enu, h, 1.0, swerling), seed).mean())


def test_steady_target_detection_fraction_is_marcum_q() -> None:
    """[R] eq. 6.86, N = 1: Swerling 0 at 10 dB, Pfa 1e-4: Pd = Q1(sqrt 20, sqrt(2 T)) = 0.6161.

    20 000 threats, one look; tolerance 4 binomial standard deviations (0.014).
    """
    snr = 10.0 ** (SNR_DB / 10.0)
    pd = float(stats.ncx2.sf(2.0 * -math.log(PFA), 2, 2.0 * snr))
    assert pd == pytest.approx(0.6161, abs=5e-4)
    assert _look_at_mean_snr(0, seed=1) == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))


@pytest.mark.parametrize("swerling", [1, 2])
def test_swerling_1_2_detection_fraction(swerling: int) -> None:
    """[MA] eq. 2.75: Swerling 1 (and 2, one pulse) at mean 10 dB, Pfa 1e-4: Pfa^(1/11) = 0.4329.

    Tolerance 4 binomial standard deviations (0.014).
    """
    snr = 10.0 ** (SNR_DB / 10.0)
    pd = PFA ** (1.0 / (1.0 + snr))
    assert pd == pytest.approx(0.4329, abs=5e-4)
    got = _look_at_mean_snr(swerling, seed=10 + swerling)
    assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))


@pytest.mark.parametrize("swerling", [3, 4])
def test_swerling_3_4_detection_fraction(swerling: int) -> None:
    """[MA] eq. 2.81, N = 1: Swerling 3 (and 4, one pulse) at mean 10 dB, Pfa 1e-4: 0.4910.

    Tolerance 4 binomial standard deviations (0.014).
    """
    snr = 10.0 ** (SNR_DB / 10.0)
    t = -math.log(PFA)
    n = 1
    pd = (
        math.exp(-t / (1.0 + n * snr / 2.0))
        * (1.0 + 2.0 / (n * snr)) ** (n - 2)
        * (1.0 + t / (1.0 + n * snr / 2.0) - 2.0 * (n - 2) / (n * snr))
    )
    assert pd == pytest.approx(0.4910, abs=5e-4)
    got = _look_at_mean_snr(swerling, seed=20 + swerling)
    assert got == pytest.approx(pd, abs=_binomial_band(pd, N_THREATS))


def test_false_alarm_fraction_equals_pfa() -> None:
    """[R] eq. 6.79: with no signal (zero RCS) a square-law sample exceeds -ln Pfa with probability Pfa.

    Pfa = 0.05 for statistics; tolerance 4 binomial standard deviations (0.0062).
    """
    pfa = 0.05
    radar = _radar(height_m=810.0, snr_k=1e30, pfa=pfa)
    enu, h = _same_place(810.0, RANGE_M, N_THREATS)
    got = float(_detected(radar, _threats(radar, enu, h, 0.0, 0), seed=3).mean())
    assert got == pytest.approx(pfa, abs=_binomial_band(pfa, N_THREATS))


# --- geometry: horizon and sector ---------------------------------------------------------

STRONG_SNR_K = 1e40  # SNR above 1e15 (150 dB) out to 500 km: noise never decides


def _strong_look(
    radar_height_m: float, range_m: float, target_height_m: float, east_north: tuple[float, float]
) -> bool:
    radar = _radar(height_m=radar_height_m, snr_k=STRONG_SNR_K, pfa=1e-6)
    e, n = east_north
    horiz = math.hypot(e, n)
    up = target_height_m - radar_height_m
    slant_h = math.sqrt(max(range_m**2 - up**2, 0.0))
    enu = np.array([[slant_h * e / horiz, slant_h * n / horiz, up]])
    return bool(
        _detected(radar, _threats(radar, enu, np.array([target_height_m]), 1.0, 0), seed=9)[0]
    )


def test_target_beyond_the_4_3_earth_horizon_is_never_seen_and_inside_it_is() -> None:
    """[SK]: antenna 30 m, target 1000 m; horizon 4.12 (sqrt 30 + sqrt 1000) km = 152.85 km.

    The exact 4/3-Earth tangent distance (`horizon_range_m`) is 152.92 km.  A
    target 1 % beyond the larger of the two is never detected, one 1 % inside the
    smaller always is (signal 150 dB above noise).
    """
    h_a, h_t = 30.0, 1000.0
    textbook_m = 4120.0 * (math.sqrt(h_a) + math.sqrt(h_t))
    exact_m = float(horizon_range_m(h_a, h_t))
    assert textbook_m == pytest.approx(152_850.0, abs=10.0)
    assert exact_m == pytest.approx(textbook_m, rel=2e-3)
    assert _strong_look(h_a, 0.99 * min(textbook_m, exact_m), h_t, (1.0, 0.0))
    assert not _strong_look(h_a, 1.01 * max(textbook_m, exact_m), h_t, (1.0, 0.0))


@pytest.mark.parametrize(
    ("h_a", "h_t", "range_m"),
    [
        (30.0, 2.0, 8_000.0),  # sea-skimmer at 8 km from a 30 m mast; horizon 28.4 km
        (
            810.0,
            530.0,
            20_000.0,
        ),  # radar on 800 m high ground, cruise missile 530 m; horizon 212 km
    ],
)
def test_low_target_inside_the_horizon_is_seen(h_a: float, h_t: float, range_m: float) -> None:
    """[SK]: over a smooth 4/3 Earth, a target nearer than the radio horizon is in line of sight.

    Both cases are well inside `horizon_range_m(h_a, h_t)`, but below the ray that
    leaves the antenna tangent to the Earth (which touches it only at
    sqrt(2 k Re h_a), 22.6 km and 117 km here).
    """
    assert range_m < 0.5 * float(horizon_range_m(h_a, h_t))
    assert _strong_look(h_a, range_m, h_t, (1.0, 0.0))


def test_target_outside_the_azimuth_sector_is_never_seen() -> None:
    """Sector 60 deg wide centred on north: a target at 20 deg is seen, at 40 deg and 90 deg never."""
    radar = _radar(
        height_m=30.0,
        snr_k=STRONG_SNR_K,
        pfa=1e-6,
        az_center_rad=0.0,
        az_half_rad=math.radians(30.0),
    )
    out = []
    for az_deg in (20.0, -20.0, 40.0, -40.0, 90.0, 180.0):
        az = math.radians(az_deg)
        enu = np.array([[50_000.0 * math.sin(az), 50_000.0 * math.cos(az), 3_000.0]])
        out.append(
            bool(_detected(radar, _threats(radar, enu, np.array([3_000.0]), 1.0, 0), seed=4)[0])
        )
    assert out == [True, True, False, False, False, False]
