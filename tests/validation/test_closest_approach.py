"""Interceptor closest approach (`engine.flyout.fly_interceptor`) against the analytic miss.

`fly_interceptor` flies an interceptor with the shared integrator on steps of its own
choosing (a tenth of the time to go, at least 2 ms, at most 0.5 s and never past
the end of the fire-control cycle) and, in the step where the range starts to
open, solves the closest approach from the relative positions at the step's two
ends.  DESIGN.md requires that the miss distance not depend on the step.

Set-up: the interceptor is unguided (navigation ratio 0, acceleration limit 0)
and coasts from 20 km altitude under the full model (J2, rotating Earth).  Its
trajectory is integrated separately with a 1 ms step; the threat's stored
trajectory is that trajectory plus a prescribed relative motion
rho(tau) = d m^ + V w^ tau + a/2 tau^2 m^, with m^ perpendicular to w^ and tau
the time from the closest approach.  So the relative motion seen by `fly_interceptor`
is known in closed form.

Closed forms
------------
* Uniform relative motion (a = 0), e.g. Zarchan, *Tactical and Strategic Missile
  Guidance*, 6th ed., ch. 2 (miss distance of a non-manoeuvring engagement):
  |rho|^2 = d^2 + V^2 tau^2, minimum d at tau = 0.
* Relative acceleration along the miss direction:
  |rho|^2 = (d + a tau^2/2)^2 + V^2 tau^2, d/dtau = 2 tau (a (d + a tau^2/2) + V^2),
  which vanishes only at tau = 0 while V^2 > |a| d: the miss is still d, at tau = 0.
  A straight chord across a step of length h sags from the parabola by at most
  |a| h^2 / 8, so the step-end construction is exact for uniform motion and good
  to |a| h^2 / 8 otherwise; the step that straddles the closest approach is at
  most about 2 d / V long under the tenth-of-time-to-go rule, and at least 2 ms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from airguard.dynamics import FULL, N_PARAMS, body_params, rk4_step
from airguard.engine import MISS
from airguard.engine.flyout import fly_interceptor
from airguard.engine.state import new_flights
from airguard.engine.threats import Threats
from airguard.geo import enu_basis, geodetic2ecef
from airguard.world import GRID_DT_S, Interceptors

COAST = body_params(mass0_kg=100.0)  # no thrust, no drag: burnout at launch
N_GRID = 12
T_CPA_S = 3.0137  # not on any step boundary
CLOSING_MPS = 1_500.0
BASIS = enu_basis(37.0, 38.0)
START = np.concatenate(
    [geodetic2ecef(37.0, 38.0, 20_000.0), BASIS.T @ np.array([800.0, 800.0, 100.0])]
)


def _reference_interceptor() -> np.ndarray:
    """The coasting interceptor on the 1 s grid, RK4 with 1 ms steps: (N_GRID, 6)."""
    out = np.empty((N_GRID, 6))
    st = START.copy()
    out[0] = st
    t = 0.0
    cmd = np.zeros(3)
    for k in range(1, N_GRID):
        for _ in range(1000):
            rk4_step(st, t, 1e-3, COAST, cmd, FULL)
            t += 1e-3
        out[k] = st
    return out


REFERENCE = _reference_interceptor()


def unguided_interceptor() -> Interceptors:
    """One interceptor type that coasts without guidance (no motor, no drag, no lag)."""
    one = np.ones(1)
    return Interceptors(
        params=COAST.reshape(1, -1),
        max_range_m=one * 1e6,
        min_range_m=np.zeros(1),
        max_alt_m=one * 1e6,
        min_alt_m=np.zeros(1),
        lethal_radius_m=np.zeros(1),  # every closest approach is scored a miss: no Pk draw
        blast_frag=np.zeros(1, dtype=np.bool_),
        pk=np.zeros((1, 4)),
        cost_usd=one,
        nav_ratio=np.zeros(1),
        lag_s=np.zeros(1),
        max_accel_mps2=np.zeros(1),
        cn_area_m2=np.zeros(1),
        divert_mps2=np.zeros(1),
        divert_dv_mps=np.zeros(1),
        seeker_noise=np.zeros(1),
        max_time_s=one * 100.0,
        launch_interval_s=one,
        reach_time_s=np.zeros((1, 1, 1)),
        reach_elev_rad=np.zeros((1, 1, 1)),
        reach_lateral_mps2=np.zeros((1, 1, 1)),
        reach_dr_m=one,
        reach_dh_m=one,
        seeker_range_m=np.zeros(1),  # unguided anyway: no seeker
        seeker_tan=np.zeros(1),
    )


def _threat(miss_m: float, accel_mps2: float) -> Threats:
    w = BASIS.T @ np.array([0.3, -0.9, 0.3])
    w /= np.linalg.norm(w)
    m = np.cross(w, BASIS[2])
    m /= np.linalg.norm(m)
    tau = (np.arange(N_GRID) * GRID_DT_S - T_CPA_S)[:, None]
    rel_p = miss_m * m + CLOSING_MPS * w * tau + 0.5 * accel_mps2 * m * tau**2
    rel_v = CLOSING_MPS * w + accel_mps2 * m * tau
    return one_threat(REFERENCE[:, :3] + rel_p, REFERENCE[:, 3:] + rel_v)


def one_threat(pos: np.ndarray, vel: np.ndarray) -> Threats:
    """One threat whose stored trajectory is `pos`, `vel` (K, 3) on the engine's grid from
    0 s, landing at its last sample."""
    n_grid = pos.shape[0]
    return Threats(
        ttype=np.zeros(1, dtype=np.int64),
        cls=np.zeros(1, dtype=np.int64),
        target=np.zeros(1, dtype=np.int64),
        t_launch=np.zeros(1),
        t_impact=np.array([(n_grid - 1) * GRID_DT_S]),
        impact_pos=np.zeros((1, 3)),
        k_first=np.zeros(1, dtype=np.int64),
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


def fly_by_cycles(
    thr: Threats,
    cycle_s: float,
    itc: Interceptors | None = None,
    start: np.ndarray = START,
    seed: int = 1,
) -> tuple[int, float, float]:
    """Drive `fly_interceptor` cycle by cycle, as the engine does, until it reports an outcome.

    One interceptor (of `itc`'s type 0; default :func:`unguided_interceptor`) launched at
    0 s from `start` (ECEF state), its seeker on threat 0 of `thr` from the start; its
    random draws (a noisy seeker's) from a generator seeded with `seed`.
    """
    itc = unguided_interceptor() if itc is None else itc
    flights = new_flights(1, np.zeros(1), np.zeros((1, 3)), np.zeros(1), np.zeros(1, dtype=bool))
    flights.m_state[0] = start
    flights.m_acq[0] = True  # the seeker has the target: the approach is to it
    rng = np.random.Generator(np.random.PCG64(seed))
    t = 0.0
    u_kill = rng.random()  # the kill draw's uniform
    while t < N_GRID * GRID_DT_S:
        outcome, t_end, miss = fly_interceptor(
            itc, thr, flights, 0, 0, 0, True, t, t + cycle_s, np.full(1, math.inf), rng, u_kill,
            np.zeros(7),
        )  # fmt: skip
        if outcome >= 0:
            return outcome, t_end, miss
        t += cycle_s
    raise AssertionError("no closest approach reported")


@pytest.mark.parametrize("miss_m", [0.5, 5.0, 50.0])
@pytest.mark.parametrize("cycle_s", [0.01, 0.1, 1.0])
def test_uniform_relative_motion_miss_is_exact_for_any_step(miss_m: float, cycle_s: float) -> None:
    """Uniform relative motion at 1500 m/s: miss d at tau = 0, whatever the cycle length.

    Tolerance 10 µm and 1 µs: the separately integrated interceptor and the
    engine's agree to nanometres, and the step-end construction is exact here.
    """
    outcome, t_cpa, miss = fly_by_cycles(_threat(miss_m, 0.0), cycle_s)
    assert outcome == MISS
    assert miss == pytest.approx(miss_m, abs=1e-5)  # m
    assert t_cpa == pytest.approx(T_CPA_S, abs=1e-6)  # s


@pytest.mark.parametrize("accel_mps2", [100.0, -100.0])
@pytest.mark.parametrize("miss_m", [0.5, 5.0, 50.0])
@pytest.mark.parametrize("cycle_s", [0.01, 0.1, 1.0])
def test_accelerating_relative_motion_miss_within_chord_sag(
    accel_mps2: float, miss_m: float, cycle_s: float
) -> None:
    """10 g of relative acceleration along the miss direction: the miss is still d at tau = 0.

    Tolerance |a| h^2/8 with h = max(2 d / V, 2 ms), plus 10 µm: 0.06 mm, 0.6 mm and
    56 mm for d = 0.5, 5 and 50 m.  (Observed: 0.03 mm, 0.03 mm and 1-5 mm.)
    """
    outcome, t_cpa, miss = fly_by_cycles(_threat(miss_m, accel_mps2), cycle_s)
    h_s = max(2.0 * miss_m / CLOSING_MPS, 0.002)
    tol_m = abs(accel_mps2) * h_s**2 / 8.0 + 1e-5
    assert outcome == MISS
    assert miss == pytest.approx(miss_m, abs=tol_m)  # m
    assert t_cpa == pytest.approx(T_CPA_S, abs=h_s)  # s
