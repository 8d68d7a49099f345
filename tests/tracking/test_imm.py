"""The IMM's model probabilities follow the truth's motion; the ballistic model in ECEF.

Truths are constructed in closed form (a straight leg, a coordinated 5 g turn, a
parabola under constant gravity) or flown with airguard's one integrator
(:func:`airguard.dynamics.rk4_step`, WGS84 gravity with J2, Earth rotation, US76 drag),
and measured with Gaussian range, azimuth and elevation errors; every look detects
the one target, without false alarms, so only the filter is under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from airguard import geo
from airguard.dynamics import DRAG, J2, ROTATING, body_params, rk4_step
from airguard.tracking import core

Float = NDArray[np.float64]
FOV_ALL = np.array([1e9, 0.0, math.pi, -math.pi / 2, math.pi / 2])


def rae(d_enu: Float) -> Float:
    """Range (m), azimuth from north clockwise (rad), elevation (rad) of an ENU offset."""
    r = float(np.linalg.norm(d_enu))
    return np.array([r, math.atan2(d_enu[0], d_enu[1]), math.asin(d_enu[2] / r)])


def track_one(
    params: core.TrackerParams,
    times: Float,
    enu: Float,
    sigma: Float,
    rng: np.random.Generator,
    sensor_pos: Float | None = None,
    basis: Float | None = None,
) -> tuple[Float, Float, Float]:
    """Model probabilities (n, M), combined states (n, 9) and covariances (n, 9, 9)."""
    pos = np.zeros(3) if sensor_pos is None else sensor_pos
    b = np.eye(3) if basis is None else basis
    m = len(params.models)
    tracks = core.new_tracks(4, m)
    counter = np.zeros(1, np.int64)
    mu = np.empty((len(times), m))
    xs = np.empty((len(times), 9))
    Ps = np.empty((len(times), 9, 9))
    for k, t in enumerate(times):
        z = np.zeros((1, 4))
        z[0, :3] = rae(enu[k]) + rng.standard_normal(3) * sigma[:3]
        core.scan(
            tracks, params, counter, float(t), pos, b, sigma, FOV_ALL, z, np.zeros(1, np.int64), 1
        )
        assert tracks.id[0] == 0  # one track, never lost
        assert tracks.status[0] != core.STATUS_FREE
        mu[k] = tracks.mu[0]
        core.estimate(tracks, params, 0, float(t), xs[k], Ps[k])
    return mu, xs, Ps


def test_imm_switches_to_the_ca_model_in_a_5g_turn_and_back_to_cv_after() -> None:
    # 250 m/s east, 20 km north of the radar at 3 km; a 5 g coordinated turn (left) from
    # 40 s to 56 s, then straight again.  One look per second.
    v, a = 250.0, 5 * 9.80665
    omega = a / v
    t_turn, t_end_turn = 40.0, 56.0
    times = np.arange(0.0, 90.0, 1.0)
    enu = np.empty((len(times), 3))
    p0 = np.array([-10e3, 20e3, 3e3])
    for k, t in enumerate(times):
        tau = min(max(t - t_turn, 0.0), t_end_turn - t_turn)
        theta = omega * tau
        p = p0 + np.array([v * min(t, t_turn), 0.0, 0.0])
        p += (v / omega) * np.array([math.sin(theta), 1.0 - math.cos(theta), 0.0])
        p += max(t - t_end_turn, 0.0) * v * np.array([math.cos(theta), math.sin(theta), 0.0])
        enu[k] = p
    params = core.tracker_params(
        models=("cv", "ca"), q=(0.5, 100.0), gate=100.0, init_velocity_sigma_mps=300.0
    )
    sigma = np.array([10.0, 1e-3, 1e-3, 0.0])
    mu, _, _ = track_one(params, times, enu, sigma, np.random.default_rng(5))
    ca = mu[:, 1]
    straight = (times >= 25) & (times < t_turn)
    turning = (times >= t_turn + 4) & (times < t_end_turn)
    after = times >= t_end_turn + 20
    assert ca[straight].mean() < 0.2, ca[straight]
    assert ca[turning].mean() > 0.8, ca[turning]
    assert ca[after].mean() < 0.2, ca[after]


def test_imm_gives_the_ballistic_model_the_weight_on_a_ballistic_coast() -> None:
    # A parabola under the flat frame's gravity: p(t) = p0 + v0 t - g t^2 / 2 e_z.
    g = 9.80665
    times = np.arange(0.0, 120.0, 5.0)
    p0 = np.array([-30e3, 40e3, 30e3])
    v0 = np.array([800.0, -300.0, 500.0])
    enu = p0 + times[:, None] * v0 - 0.5 * g * times[:, None] ** 2 * np.array([0.0, 0.0, 1.0])
    params = core.tracker_params(
        models=("cv", "ca", "ballistic"),
        q=(1.0, 30.0, 0.1),
        transition=[[0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]],
        gate=100.0,
        init_velocity_sigma_mps=1000.0,
    )
    sigma = np.array([10.0, 1e-3, 1e-3, 0.0])
    mu, xs, _ = track_one(params, times, enu, sigma, np.random.default_rng(6))
    late = times >= 40.0
    assert mu[late, 2].mean() > 0.8, mu[late]
    assert mu[late, 0].max() < 0.05  # constant velocity cannot explain a parabola
    # and the combined acceleration is gravity, within 0.5 m/s^2
    assert np.abs(xs[-1, 6:9] - np.array([0.0, 0.0, -g])).max() < 0.5


def test_ecef_ballistic_model_tracks_a_reentry_flown_by_the_engine_integrator() -> None:
    # A re-entry vehicle (beta = 5000 kg/m^2) from 60 km at 3 km/s, diving at 30 deg
    # towards a radar at 40 N 30 E, flown with J2, Earth rotation and US76 drag at 10 ms
    # steps; the radar looks once a second.  The tracker's ballistic model has the same
    # beta; a CV filter on the same detections is the yardstick.
    lat, lon, alt = 40.0, 30.0, 200.0
    radar = geo.geodetic2ecef(lat, lon, alt)
    basis = geo.enu_basis(lat, lon)
    beta = 5000.0
    body = body_params(mass0_kg=1000.0, cda_m2=1000.0 / beta)
    start_enu = np.array([0.0, 150e3, 60e3])
    dive = math.radians(30.0)
    v_enu = 3000.0 * np.array([0.0, -math.cos(dive), -math.sin(dive)])
    state = np.concatenate([radar + basis.T @ start_enu, basis.T @ v_enu])
    times = np.arange(0.0, 36.0, 1.0)
    enu = np.empty((len(times), 3))
    truth = np.empty((len(times), 6))
    flags = J2 | ROTATING | DRAG
    for k in range(len(times)):
        if k:
            for _ in range(100):
                rk4_step(state, 0.0, 0.01, body, np.zeros(3), flags)
        truth[k] = state
        enu[k] = basis @ (state[:3] - radar)
    assert enu[-1, 2] > 5e3  # still well above the ground, and decelerating hard:
    assert np.linalg.norm(truth[-1, 3:]) < 0.9 * 3000.0, np.linalg.norm(truth[-1, 3:])
    sigma = np.array([5.0, 3e-4, 3e-4, 0.0])
    errors = {}
    for name, q in (("ballistic", 1.0), ("cv", 100.0)):
        params = core.tracker_params(
            models=(name,),
            q=q,
            frame="ecef",
            ballistic_beta_kg_m2=beta,
            gate=1e4,
            init_velocity_sigma_mps=3000.0,
        )
        _, xs, Ps = track_one(params, times, enu, sigma, np.random.default_rng(7), radar, basis)
        err = xs[:, :3] - truth[:, :3]
        errors[name] = float(np.sqrt(np.mean(np.sum(err[10:] ** 2, axis=1))))
        if name == "ballistic":
            # consistent in ECEF at 6.4e6 m: mean NEES of position over the last 30 looks
            nees = [
                e @ np.linalg.solve(P[:3, :3], e) for e, P in zip(err[10:], Ps[10:], strict=True)
            ]
            assert np.mean(nees) < 6.0  # chi-square(3) has mean 3
            assert np.all(np.linalg.eigvalsh(Ps[-1]) > -1e-9 * np.abs(Ps[-1]).max())
            np.testing.assert_allclose(Ps[-1], Ps[-1].T, rtol=0, atol=1e-12 * np.abs(Ps[-1]).max())
    # one look's own position error (range sigma along, range x angle sigma across), RMS
    # over the same looks: the ballistic model smooths well below it; CV, which must chase
    # gravity and drag with process noise, does not
    r = np.linalg.norm(enu[10:], axis=1)
    raw = float(np.sqrt(np.mean(sigma[0] ** 2 + (r * sigma[1]) ** 2 + (r * sigma[2]) ** 2)))
    assert errors["ballistic"] < 0.7 * raw, (errors, raw)
    assert errors["ballistic"] < 0.5 * errors["cv"], errors


def test_tracker_params_refuses_bad_values_with_the_parameter_named() -> None:
    with pytest.raises(ValueError, match=r"models\[1\]"):
        core.tracker_params(models=("cv", "jerk"))
    with pytest.raises(ValueError, match="transition: rows must sum to 1"):
        core.tracker_params(models=("cv", "ca"), transition=[[0.9, 0.2], [0.1, 0.9]])
    with pytest.raises(ValueError, match="confirm_m"):
        core.tracker_params(confirm_m=5, confirm_n=4)
    with pytest.raises(ValueError, match="gate"):
        core.tracker_params(gate=0.0)
    with pytest.raises(ValueError, match="frame"):
        core.tracker_params(frame="eci")
