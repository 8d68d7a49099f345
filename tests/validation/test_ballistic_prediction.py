"""Fire control's ballistic prediction (`airguard.c2.evaluation.predict_position` with a body)
against an independent integrator and against the threat's own flight.

Fire control predicts a ballistic track's coasting flight with its body (burnt-out mass,
drag table: gravity with J2, the Earth's rotation, US76 drag), integrated by RK4 on steps of
2 s where drag matters and 8 s where it does not.  Before, the prediction was a parabola in
the gravity at the track's position: a Scud-B's descent from 40 km then lands 5 km from
where it does, and the fire control's late shots were planned on points the missile never
passed (docs/flagship.md).

Sources
-------
[DOP]  SciPy's `solve_ivp` with DOP853 (Hairer, Norsett & Wanner, *Solving Ordinary
       Differential Equations I*, 2nd ed., Springer 1993, II.10), an independent adaptive
       integrator of eighth order, at rtol 1e-12: the reference path of the same equations
       of motion.  What it checks is the prediction's integration (step sizes, the
       coasting mass), not the force model, which tests/validation/test_trajectory*.py hold
       to published trajectories.
[FLY]  The threat's own flight (`airguard.trajectory.fly_ballistic`, 0.1 s grid) from the
       catalogue's Scud-B, Fateh-110 and Iskander-M (weave off): the prediction from a state
       on it must stay on it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from airguard.c2 import evaluate_threat
from airguard.c2.evaluation import NO_BODY, predict_position
from airguard.catalogue import default_catalogue
from airguard.dynamics import FULL, P_BURN, P_WEAVE_ACCEL, acceleration, height_m
from airguard.trajectory import fly_ballistic
from airguard.world import ballistic_params

GRID_S = 0.1
PATH_TOL_M = 2.0  # the prediction against [DOP] and [FLY], over up to two minutes


def _flight(threat_id: str):
    """The catalogue threat's full-burn flight from (37 N, 38 E), weave off ([FLY])."""
    spec = default_catalogue().threat(threat_id)
    body = ballistic_params(spec).copy()
    body[P_WEAVE_ACCEL] = 0.0
    k = 6000
    pos, vel, hh = np.zeros((k, 3)), np.zeros((k, 3)), np.zeros(k)
    t_imp, xi, yi, zi = fly_ballistic(
        math.radians(37.0), math.radians(38.0), 0.0, 0.3, spec.launch_elevation.value,
        body[P_BURN], body, FULL, 0.0, 0.0, GRID_S, pos, vel, hh, 0.0,
    )  # fmt: skip
    return body, pos, vel, hh, t_imp, np.array([xi, yi, zi])


def _descent_index(hh: np.ndarray, below_m: float) -> int:
    """First grid sample of the descent below `below_m`."""
    k = int(np.argmax(hh))
    return k + int(np.argmax(hh[k:] < below_m))


@pytest.mark.parametrize("threat_id", ["scud-b", "fateh-110", "iskander-m"])
@pytest.mark.parametrize("from_m", [60_000.0, 30_000.0, 10_000.0])
def test_prediction_stays_on_the_threats_own_flight(threat_id, from_m):
    """[FLY]: from a state of the descent, predicted to the last grid sample before impact."""
    body, pos, vel, hh, t_imp, _ = _flight(threat_id)
    k0 = _descent_index(hh, from_m)
    k1 = int(t_imp / GRID_S) - 1
    out = np.zeros(12)
    predict_position(np.concatenate([pos[k0], vel[k0]]), (k1 - k0) * GRID_S, True, body, out)
    assert np.linalg.norm(out[:3] - pos[k1]) < PATH_TOL_M
    # the drag-free parabola it replaced is kilometres off (the test has teeth)
    predict_position(np.concatenate([pos[k0], vel[k0]]), (k1 - k0) * GRID_S, True, NO_BODY, out)
    assert np.linalg.norm(out[:3] - pos[k1]) > 500.0


def test_prediction_matches_an_independent_integrator():
    """[DOP]: the same equations of motion integrated by DOP853, from the Scud-B's state at
    60 km in the descent, for 60 s (through the dense air)."""
    body, pos, vel, hh, *_ = _flight("scud-b")
    k0 = _descent_index(hh, 60_000.0)
    s0 = np.concatenate([pos[k0], vel[k0]])
    cmd = np.zeros(3)

    def rhs(_t, s):
        a = acceleration(s[0], s[1], s[2], s[3], s[4], s[5], 1e12, body, cmd, FULL)
        return [s[3], s[4], s[5], *a]

    ref = solve_ivp(rhs, (0.0, 60.0), s0, method="DOP853", rtol=1e-12, atol=1e-6)
    out = np.zeros(12)
    predict_position(s0, 60.0, True, body, out)
    assert height_m(*ref.y[:3, -1], FULL) > 0.0
    assert np.linalg.norm(out[:3] - ref.y[:3, -1]) < PATH_TOL_M
    assert np.linalg.norm(out[3:6] - ref.y[3:, -1]) < 0.05  # m/s


def test_threat_evaluation_with_a_body_finds_the_flown_impact():
    """[FLY]: the impact point and time to go predicted from 40 km in the descent."""
    body, pos, vel, hh, t_imp, impact = _flight("scud-b")
    k0 = _descent_index(hh, 40_000.0)
    got = evaluate_threat(
        pos[k0], vel[k0], ballistic=True, body=body,
        asset_positions_m=[impact], asset_radii_m=[1000.0], asset_values=[1.0],
    )  # fmt: skip
    assert got.asset == 0
    assert got.time_to_go_s == pytest.approx(t_imp - k0 * GRID_S, abs=0.01)
    assert np.linalg.norm(got.impact_point_m - impact) < PATH_TOL_M


def test_a_body_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError, match="body"):
        evaluate_threat(
            [7e6, 0, 0], [0, 0, -1000.0], ballistic=True, body=[1.0, 2.0],
            asset_positions_m=[[6.4e6, 0, 0]], asset_radii_m=[1.0], asset_values=[1.0],
        )  # fmt: skip


def test_cached_prediction_reads_the_integrated_flight_between_its_samples():
    """`engine.firecontrol.predict_cached` (integrated once per picture, Hermite between its
    RK4 samples) against the prediction integrated afresh to each time: within 0.1 m and
    0.2 m/s (a track's velocity noise is metres a second) over 70 s of a Scud-B's descent
    from 60 km, then from 30 km (a new picture starts the samples afresh)."""
    from airguard.engine.firecontrol import predict_cached
    from airguard.engine.state import new_scratch

    body, pos, vel, hh, *_ = _flight("scud-b")
    scr = new_scratch(1, 1)
    out, ref = np.zeros(12), np.zeros(12)
    for k0 in (_descent_index(hh, 60_000.0), _descent_index(hh, 30_000.0)):
        est = np.concatenate([pos[k0], vel[k0]])
        t_est = k0 * GRID_S
        for dt in np.arange(0.0, 70.0, 0.37):
            if hh[k0 + int(dt / GRID_S) + 1] <= 100.0:  # the flight's end (samples after it: 0)
                break
            predict_cached(scr, 0, est, t_est, body, dt, out)
            predict_position(est, dt, True, body, ref)
            assert np.linalg.norm(out[:3] - ref[:3]) < 0.1
            assert np.linalg.norm(out[3:6] - ref[3:6]) < 0.2
