"""The guidance calculator's motor option against the rocket equation.

In `guidance.intercept`'s flat, gravity-free frame a motor of constant thrust F
and mass flow ṁ (exhaust speed c = F/ṁ) adds speed by Tsiolkovsky's equation,
whatever the guidance law does, because the autopilot's acceleration acts
across the velocity:

    v(t)  = v0 + c ln(m0/m(t)),            m(t) = m0 − ṁ t  (t ≤ t_b)
    x(t)  = v0 t + c (t − (m(t)/ṁ) ln(m0/m(t)))   (distance flown)

Sources
-------
[SB]  G. P. Sutton, O. Biblarz, *Rocket Propulsion Elements*, 7th ed., 2001, §4.3
      (ideal rocket equation, no gravity or drag); the distance is its integral,
      derived in the docstring above.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from airguard.guidance import Motor, intercept

F, TB, M0, MB = 50_000.0, 6.0, 300.0, 150.0  # N, s, kg, kg
MDOT = (M0 - MB) / TB  # 25 kg/s
C = F / MDOT  # 2000 m/s


def _speed(t: np.ndarray, v0: float) -> np.ndarray:
    m = M0 - MDOT * np.minimum(t, TB)
    return v0 + C * np.log(M0 / m)


def _distance(t: float, v0: float) -> float:
    tb = min(t, TB)
    m = M0 - MDOT * tb
    x = v0 * tb + C * (tb - m / MDOT * math.log(M0 / m))
    return x + (t - tb) * float(_speed(np.array([TB]), v0)[0])


def test_straight_flight_follows_the_rocket_equation() -> None:
    """N' = 0 against a fixed point 20 km ahead: speeds to 1 mm/s, arrival time to 1 ms.

    Burnout speed 300 + 2000 ln 2 = 1686.294 m/s after 6 s and 5 482.23 m;
    the point is reached at t_b + (20 000 − x_b)/v_b = 14.6093 s.
    """
    v0 = 300.0
    result = intercept(
        [0.0, 0.0, 0.0],
        [v0, 0.0, 0.0],
        [20_000.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        navigation_ratio=0.0,
        motor=Motor(thrust_n=F, burn_time_s=TB, mass0_kg=M0, burnout_mass_kg=MB),
    )
    speed = np.linalg.norm(result.missile_velocity_mps, axis=1)
    assert np.max(np.abs(speed - _speed(result.time_s, v0))) < 1e-3
    vb = float(_speed(np.array([TB]), v0)[0])
    t_arrive = TB + (20_000.0 - _distance(TB, v0)) / vb
    assert abs(vb - 1686.294) < 1e-3
    assert abs(result.time_of_flight_s - t_arrive) < 1e-3
    assert result.miss_distance_m < 1e-6
    assert TB in result.time_s  # a step ends at burnout


@pytest.mark.parametrize("law", ["true", "augmented"])
def test_homing_under_thrust_keeps_the_rocket_equation_speed(law: str) -> None:
    """N' = 4 against a 5 g crossing target: the speed still follows Tsiolkovsky to 5 mm/s.

    The command is made perpendicular to the velocity at every RK4 stage, so
    it changes the speed only at the integrator's order: under 1 mm/s here,
    with commands up to the 300 m/s² limit.
    """
    v0 = 300.0
    result = intercept(
        [0.0, 0.0, 0.0],
        [v0, 0.0, 0.0],
        [12_000.0, 3_000.0, 2_000.0],
        [-300.0, -100.0, 0.0],
        [0.0, 0.0, 5 * 9.80665],
        navigation_ratio=4.0,
        autopilot_lag_s=0.2,
        max_acceleration_mps2=300.0,
        law=law,
        motor=Motor(thrust_n=F, burn_time_s=TB, mass0_kg=M0, burnout_mass_kg=MB),
    )
    assert result.reached_closest_approach
    assert result.time_of_flight_s > TB  # the engagement runs through burnout
    speed = np.linalg.norm(result.missile_velocity_mps, axis=1)
    assert np.max(np.abs(speed - _speed(result.time_s, v0))) < 5e-3
