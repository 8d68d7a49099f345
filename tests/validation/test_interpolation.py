"""Threat-state interpolation against the closed forms of cubic Hermite interpolation.

Threat trajectories are stored on the engine's 1 s grid (position and velocity)
and read back between samples by cubic Hermite interpolation
(`trajectory.hermite_state`, which the engine's `engine.threats.threat_state` calls,
and its vectorised `trajectory.hermite_states` that the scene's playback reads).

Source
------
[BF]  R. L. Burden, J. D. Faires, *Numerical Analysis*, 9th ed., 2011, §3.4
      (Hermite interpolation), Theorem 3.9: the two-point cubic Hermite interpolant
      H3 of f on [t0, t1] has error f(t) - H3(t) = f''''(xi)/4! (t - t0)^2 (t - t1)^2.
      Hence it reproduces any cubic exactly (constant jerk), and for f = c t^4 the
      error is exactly c (t - t0)^2 (t - t1)^2.
"""

from __future__ import annotations

import numpy as np
import pytest

from airguard.dynamics import N_PARAMS
from airguard.engine.threats import Threats, threat_state
from airguard.trajectory import hermite_state, hermite_states
from airguard.world import GRID_DT_S

P0_M = np.array([4_510_000.0, 1_200_000.0, 4_490_000.0])  # ECEF-sized numbers
V0_MPS = np.array([1_500.0, -800.0, 2_200.0])
A0_MPS2 = np.array([-9.0, 3.0, -20.0])
JERK_MPS3 = np.array([0.7, -1.3, 2.1])


def _cubic(t_s: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Constant-jerk motion: position (m) and velocity (m/s), shape (..., 3)."""
    t = np.asarray(t_s, dtype=np.float64)[..., None]
    pos = P0_M + V0_MPS * t + A0_MPS2 * t**2 / 2.0 + JERK_MPS3 * t**3 / 6.0
    vel = V0_MPS + A0_MPS2 * t + JERK_MPS3 * t**2 / 2.0
    return pos, vel


@pytest.mark.parametrize("dt_s", [1.0, 0.5, 2.0])
def test_hermite_state_reproduces_constant_jerk_motion(dt_s: float) -> None:
    """[BF] Thm 3.9: a cubic is reproduced exactly.

    Samples every dt on 0..10 dt; interpolated at 11 fractions in each of the ten
    intervals.  Tolerance 1 µm and 1 µm/s (rounding of numbers ~6e6 m).
    """
    t_grid = np.arange(11) * dt_s
    pos, vel = _cubic(t_grid)
    out = np.empty(6)
    for k in range(10):
        for f in np.linspace(0.0, 1.0, 11):
            hermite_state(pos, vel, k, float(f), dt_s, out)
            exp_p, exp_v = _cubic(t_grid[k] + f * dt_s)
            np.testing.assert_allclose(out[:3], exp_p, rtol=0, atol=1e-6)  # m
            np.testing.assert_allclose(out[3:], exp_v, rtol=0, atol=1e-6)  # m/s


def test_hermite_state_error_of_a_quartic_is_the_textbook_remainder() -> None:
    """[BF] Thm 3.9 for f = c t^4: error c f^2 (1 - f)^2 dt^4 in position (sensitivity check).

    c = 3 m/s^4, dt = 2 s: the error is 3 m at mid-interval.  Tolerance 1e-9 m.
    The derivative of the remainder, 2 c f (1 - f)(1 - 2 f) dt^3, is the velocity error.
    """
    c, dt = 3.0, 2.0
    t_grid = np.array([0.0, dt])
    pos = np.zeros((2, 3))
    vel = np.zeros((2, 3))
    pos[:, 0] = c * t_grid**4
    vel[:, 0] = 4.0 * c * t_grid**3
    out = np.empty(6)
    for f in np.linspace(0.0, 1.0, 9):
        hermite_state(pos, vel, 0, float(f), dt, out)
        t = f * dt
        assert c * t**4 - out[0] == pytest.approx(c * f**2 * (1 - f) ** 2 * dt**4, abs=1e-9)  # m
        assert 4 * c * t**3 - out[3] == pytest.approx(
            2.0 * c * f * (1 - f) * (1 - 2 * f) * dt**3, abs=1e-9
        )  # m/s


def test_hermite_states_reproduce_constant_jerk_motion_at_many_times() -> None:
    """[BF] Thm 3.9 through the vectorised reader: 500 random times on a 1 s grid of 13
    samples, and times before the first and after the last valid sample clamped to them.
    Tolerance 1 µm and 1 µm/s."""
    t_grid = np.arange(13) * GRID_DT_S
    pos, vel = _cubic(t_grid)
    t = np.random.Generator(np.random.PCG64(8)).uniform(2.0, 11.0, 500)
    out = hermite_states(pos, vel, t, GRID_DT_S, k_first=2, k_last=11)
    exp_p, exp_v = _cubic(t)
    np.testing.assert_allclose(out[:, :3], exp_p, rtol=0, atol=1e-6)  # m
    np.testing.assert_allclose(out[:, 3:], exp_v, rtol=0, atol=1e-6)  # m/s
    ends = hermite_states(pos, vel, np.array([0.5, 12.5]), GRID_DT_S, k_first=2, k_last=11)
    np.testing.assert_allclose(ends[:, :3], _cubic(np.array([2.0, 11.0]))[0], rtol=0, atol=1e-6)


def _one_threat(t_launch: float, t_impact: float, n_grid: int) -> Threats:
    t_grid = np.arange(n_grid) * GRID_DT_S
    pos, vel = _cubic(t_grid)
    return Threats(
        ttype=np.zeros(1, dtype=np.int64),
        cls=np.zeros(1, dtype=np.int64),
        target=np.zeros(1, dtype=np.int64),
        t_launch=np.array([t_launch]),
        t_impact=np.array([t_impact]),
        impact_pos=np.zeros((1, 3)),
        k_first=np.array([int(np.ceil(t_launch / GRID_DT_S))], dtype=np.int64),
        k_last=np.array([n_grid - 1], dtype=np.int64),
        pos=pos[None],
        vel=vel[None],
        h=np.zeros((1, n_grid)),
        rcs=np.ones(1),
        swerling=np.zeros(1, dtype=np.int64),
        friendly=np.zeros(1, dtype=np.bool_),
        body=np.zeros((1, N_PARAMS)),
        decoy=np.zeros(1, dtype=np.bool_),
        identified_t=np.full(1, -np.inf),
        carrier=np.full(1, -1, dtype=np.int64),
    )


def test_engine_threat_state_reproduces_constant_jerk_motion() -> None:
    """[BF] Thm 3.9 through the engine's own copy: `threat_state` is exact for a cubic.

    Threat launched at 0 s, impact at 11.5 s, 13 grid samples; read at 200
    random times in flight.  Tolerance 1 µm and 1 µm/s.
    """
    thr = _one_threat(0.0, 11.5, 13)
    rng = np.random.Generator(np.random.PCG64(5))
    out = np.empty(7)
    for t in rng.uniform(0.0, 11.5, 200):
        assert threat_state(thr, 0, float(t), out)
        exp_p, exp_v = _cubic(t)
        np.testing.assert_allclose(out[:3], exp_p, rtol=0, atol=1e-6)  # m
        np.testing.assert_allclose(out[3:6], exp_v, rtol=0, atol=1e-6)  # m/s


def test_engine_threat_state_is_undefined_outside_flight() -> None:
    """Contract: no state before launch or after impact (the threat is not in the air)."""
    thr = _one_threat(2.0, 9.5, 13)
    out = np.empty(7)
    assert not threat_state(thr, 0, 1.99, out)
    assert threat_state(thr, 0, 2.0, out)
    assert threat_state(thr, 0, 9.5, out)
    assert not threat_state(thr, 0, 9.51, out)
