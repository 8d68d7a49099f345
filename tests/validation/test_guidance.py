"""Homing guidance (`airguard.guidance`) against Zarchan's closed forms.

The engagements are Zarchan's: missile speed V_M = 3000 ft/s, target speed
V_T = 1000 ft/s head-on (closing speed V_c = 4000 ft/s), 3 g target manoeuvre
n_T = 96.6 ft/s^2 (g = 32.2 ft/s^2), flown by `guidance.intercept` in metres
(1 ft = 0.3048 m exactly) in a flat, gravity-free frame.  The closed forms are
for the linearised engagement (small angles, constant closing speed, flight
time t_F = R/V_c), so the cases are chosen where the linearisation holds to
well within the tolerance: a 1 deg heading error, or a 3 g manoeuvre over at
most 2 s (lateral displacements below 60 m at ranges of 2 km and more).

Sources
-------
[Z]   P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012.
      ch. 2, zero-lag proportional navigation, N' the effective navigation ratio:
        heading error HE:    n_c(t) = -(V_M HE N'/t_F) (1 - t/t_F)^(N'-2)
        step manoeuvre n_T:  n_c(t)/n_T = N'/(N'-2) [1 - (1 - t/t_F)^(N'-2)]
                             (3 at t_F for N' = 3, 2 for N' = 4)
      ch. 8, augmented PN, n_c = N' V_c dlambda/dt + N' n_T / 2, zero lag:
                             n_c(t)/n_T = (N'/2) (1 - t/t_F)^(N'-2)
        (N'/2 at the start, falling to zero at intercept; constant only for N' = 2.
        Derivation: with ZEM = y + y' t_go + n_T t_go^2/2, dZEM/dt = -n_c t_go and
        n_c = N' ZEM/t_go^2 give ZEM proportional to t_go^N'.)
      ch. 3, the single-time-constant guidance system (lag T), miss distance due to a
      step target manoeuvre in closed form (x = t_F/T):
        N' = 3:  M/n_T = 0.5 t_F^2 exp(-x)
        N' = 4:  M/n_T = t_F^2 exp(-x) (0.5 - x/6)
      as transcribed in dariusm01/GNC, MissileGuidance/Zarchan_Ch3/
      closedFormSolutions.cpp; checked here against a numerical solution of the
      linear homing loop (`test_adjoint_closed_form_is_the_linear_homing_loop`).
      ch. 2, Listing 2.1 (two-dimensional engagement): missile at (0, 10 000) ft,
      target at (40 000, 10 000) ft flying at 1000 ft/s towards it, HE = -20 deg,
      N' = 4, XNC = N' V_c dlambda/dt.  No printed output of this example could be
      read; it is compared with the closed forms and with an independent solution
      (SciPy DOP853) of the same continuous-time equations.

Modelling differences from [Z]: the command is made perpendicular to the missile's
velocity (constant speed), where Listing 2.1 applies it perpendicular to the line of
sight (the missile slows to 2778 ft/s in that example); the command is held constant
over a step (the mean of the law's value at the step's ends).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from airguard import guidance
from airguard.dynamics import FLAT, LATERAL, rk4_step
from airguard.guidance import (
    AUGMENTED_PN,
    TRUE_PN,
    InterceptResult,
    advance_lag,
    closest_approach,
    intercept,
    lag_mean,
    pn_command,
)
from tests.validation.zarchan import FT_M, LAG_CASES, LAG_S, NT_MPS2, adjoint_miss_m

VM = 3000.0 * FT_M  # m/s
VT = 1000.0 * FT_M  # m/s
NT = NT_MPS2  # m/s^2, 3 g with g = 32.2 ft/s^2
END_GAME_S = 0.02  # samples this close to t_F are left out of the shape checks:
# there the command is N' ZEM / t_go^2 with ZEM ~ 1e-5 m of rounding


def _head_on(
    t_f_s: float,
    navigation_ratio: float,
    *,
    heading_error_deg: float = 0.0,
    nt_mps2: float = 0.0,
    lag_s: float = 0.0,
    law: str = "true",
    limit_mps2: float = math.inf,
) -> InterceptResult:
    """Zarchan's head-on engagement with t_F = R / (V_M + V_T); manoeuvre along +y."""
    he = math.radians(heading_error_deg)
    range_m = (VM + VT) * t_f_s
    return intercept(
        [0.0, 0.0, 0.0],
        [VM * math.cos(he), VM * math.sin(he), 0.0],
        [range_m, 0.0, 0.0],
        [-VT, 0.0, 0.0],
        [0.0, nt_mps2, 0.0],
        navigation_ratio,
        lag_s,
        limit_mps2,
        law=law,
    )


# --- zero-lag PN and APN command histories ([Z] ch. 2 and 8) --------------------------


@pytest.mark.parametrize("n", [3.0, 4.0, 5.0])
def test_true_pn_heading_error_command_matches_closed_form(n: float) -> None:
    t_f = 10.0  # R = 40 000 ft
    he = math.radians(-1.0)
    r = _head_on(t_f, n, heading_error_deg=-1.0)
    nc0 = abs(VM * he * n / t_f)
    t = r.time_s
    keep = t <= t_f - END_GAME_S
    expected = nc0 * (1.0 - t[keep] / t_f) ** (n - 2.0)
    assert np.max(np.abs(r.commanded_acceleration_mps2[keep] - expected)) < 0.005 * nc0
    assert r.miss_distance_m < 0.01  # 1 cm
    assert r.time_of_flight_s == pytest.approx(t_f, abs=0.01)


@pytest.mark.parametrize("n", [3.0, 4.0, 5.0])
def test_true_pn_step_maneuver_command_matches_closed_form(n: float) -> None:
    t_f = 2.0
    r = _head_on(t_f, n, nt_mps2=NT)
    t = r.time_s
    keep = t <= t_f - END_GAME_S
    expected = NT * n / (n - 2.0) * (1.0 - (1.0 - t[keep] / t_f) ** (n - 2.0))
    assert np.max(np.abs(r.commanded_acceleration_mps2[keep] - expected)) < 0.04 * NT
    # the final value [Z] quotes, N'/(N'-2) at t_F, at the last sample before the end game
    last = r.commanded_acceleration_mps2[keep][-1] / NT
    assert last == pytest.approx(n / (n - 2.0), abs=0.04)
    assert r.miss_distance_m < 0.01


@pytest.mark.parametrize("n", [3.0, 4.0, 5.0])
def test_augmented_pn_step_maneuver_command_matches_closed_form(n: float) -> None:
    t_f = 2.0
    r = _head_on(t_f, n, nt_mps2=NT, law="augmented")
    t = r.time_s
    keep = t <= t_f - END_GAME_S
    expected = NT * 0.5 * n * (1.0 - t[keep] / t_f) ** (n - 2.0)
    assert r.commanded_acceleration_mps2[0] == pytest.approx(0.5 * n * NT, rel=1e-12)
    assert np.max(np.abs(r.commanded_acceleration_mps2[keep] - expected)) < 0.02 * NT
    assert r.miss_distance_m < 0.01


# --- single-time-constant guidance system ([Z] ch. 3) ---------------------------------


@pytest.mark.parametrize(("n", "x"), LAG_CASES)
def test_adjoint_closed_form_is_the_linear_homing_loop(n: float, x: float) -> None:
    """The transcribed closed form equals the linear loop of [Z] ch. 3, solved numerically.

    y'' = n_T - n_L, n_L' = (n_c - n_L)/T, n_c = N' (y + y' t_go)/t_go^2; miss y(t_F).
    The command is singular at t_F, so the loop is integrated to t_go = 1e-7 t_F
    and the zero-effort miss y + y' t_go taken there.
    """
    t_f = x * LAG_S
    eps = 1e-7

    def f(t: float, s: np.ndarray) -> list[float]:
        y, yd, nl = s
        tgo = t_f - t
        nc = n * (y + yd * tgo) / (tgo * tgo)
        return [yd, NT - nl, (nc - nl) / LAG_S]

    sol = solve_ivp(
        f, (0.0, t_f * (1.0 - eps)), [0.0, 0.0, 0.0], method="DOP853", rtol=1e-10, atol=1e-12
    )
    y, yd, _ = sol.y[:, -1]
    zem = y + yd * t_f * eps
    assert abs(zem) == pytest.approx(adjoint_miss_m(n, t_f, LAG_S, NT), abs=1e-6)  # 1 micrometre


@pytest.mark.parametrize(("n", "x"), LAG_CASES)
def test_single_lag_step_maneuver_miss_matches_adjoint_closed_form(n: float, x: float) -> None:
    t_f = x * LAG_S
    r = _head_on(t_f, n, nt_mps2=NT, lag_s=LAG_S)
    assert r.miss_distance_m == pytest.approx(adjoint_miss_m(n, t_f, LAG_S, NT), abs=0.005)  # 5 mm


# --- acceleration limit and step independence -----------------------------------------


def test_acceleration_limit_below_demand_increases_miss() -> None:
    # N' = 3 against 3 g demands 3 n_T at intercept; allow 2 n_T
    free = _head_on(2.0, 3.0, nt_mps2=NT)
    limited = _head_on(2.0, 3.0, nt_mps2=NT, limit_mps2=2.0 * NT)
    assert free.commanded_acceleration_mps2.max() > 2.9 * NT
    assert limited.commanded_acceleration_mps2.max() <= 2.0 * NT * (1.0 + 1e-12)
    assert limited.miss_distance_m > free.miss_distance_m + 1.0


@pytest.mark.parametrize("max_step_s", [0.5, 0.05, 0.005])
def test_straight_line_miss_is_exact_for_any_step(max_step_s: float) -> None:
    """Unguided (N' = 0), uniform relative motion: miss d at t = R / V_c ([Z] ch. 2)."""
    d, range_m = 3.7, 12_192.0
    r = guidance._intercept(
        [10.0, -20.0, 5.0],
        [VM, 0.0, 0.0],
        [10.0 + range_m, -20.0 + d, 5.0],
        [-VT, 0.0, 0.0],
        (0.0, 0.0, 0.0),
        0.0,
        0.0,
        math.inf,
        law="true",
        max_time_s=None,
        max_step_s=max_step_s,
    )
    assert r.miss_distance_m == pytest.approx(d, abs=1e-6)  # 1 micrometre
    assert r.time_of_flight_s == pytest.approx(range_m / (VM + VT), abs=1e-9)


def test_guided_miss_hardly_depends_on_the_step() -> None:
    """Lag 1 s, 3 g, 5 s: misses with maximum steps 0.5 s to 4 ms agree within 0.5 %."""
    misses = []
    for max_step_s in (0.5, 0.1, 0.02, 0.004):
        r = guidance._intercept(
            [0.0, 0.0, 0.0],
            [VM, 0.0, 0.0],
            [(VM + VT) * 5.0, 0.0, 0.0],
            [-VT, 0.0, 0.0],
            (0.0, NT, 0.0),
            3.0,
            1.0,
            math.inf,
            law="true",
            max_time_s=None,
            max_step_s=max_step_s,
            min_step_s=min(guidance.MIN_STEP_S, max_step_s),
        )
        misses.append(r.miss_distance_m)
    assert max(misses) - min(misses) < 0.005 * min(misses)


# --- Zarchan's two-dimensional example (Listing 2.1) ----------------------------------

EX_M0 = np.array([0.0, 10_000.0 * FT_M, 0.0])
EX_T0 = np.array([40_000.0 * FT_M, 10_000.0 * FT_M, 0.0])
EX_HE = math.radians(-20.0)
EX_MV = VM * np.array([math.cos(EX_HE), math.sin(EX_HE), 0.0])
EX_TV = np.array([-VT, 0.0, 0.0])


def test_zarchan_example_initial_command_is_n_vc_lambda_dot() -> None:
    # XNC = N' V_c dlambda/dt at t = 0 of Listing 2.1, from its inputs
    vc = VT + VM * math.cos(EX_HE)
    lam_dot = VM * math.sin(-EX_HE) / (40_000.0 * FT_M)
    xnc = 4.0 * vc * lam_dot  # 391.86 ft/s^2 = 12.170 g
    out = np.empty(3)
    got_vc = pn_command(EX_T0 - EX_M0, EX_TV - EX_MV, np.zeros(3), 4.0, TRUE_PN, np.zeros(3), out)
    assert got_vc == pytest.approx(vc, rel=1e-12)
    assert np.linalg.norm(out) == pytest.approx(xnc, rel=1e-12)
    # made perpendicular to the missile's velocity: 20 deg off the line of sight
    pn_command(EX_T0 - EX_M0, EX_TV - EX_MV, EX_MV, 4.0, TRUE_PN, np.zeros(3), out)
    assert np.linalg.norm(out) == pytest.approx(xnc * math.cos(EX_HE), rel=1e-12)


def _continuous_example() -> tuple[float, float, object]:
    """Listing 2.1's engagement as a continuous-time ODE (SciPy DOP853, rtol 1e-12).

    Same law as airguard (N' V_c (Omega x r^), made perpendicular to the missile's
    velocity), evaluated continuously.  Integrated to a range of 5 m, where the
    line-of-sight rate becomes singular; the rest is straight-line relative motion.
    Returns (time of closest approach, miss, dense solution).
    """
    n = 4.0

    def accel(y: np.ndarray) -> tuple[float, float]:
        rx, ry = y[4] - y[0], y[5] - y[1]
        wx, wy = -VT - y[2], -y[3]
        r2 = rx * rx + ry * ry
        rn = math.sqrt(r2)
        vc = -(rx * wx + ry * wy) / rn
        s = (rx * wx + ry * wy) / r2
        ax, ay = n * vc / rn * (wx - s * rx), n * vc / rn * (wy - s * ry)
        along = (ax * y[2] + ay * y[3]) / (y[2] ** 2 + y[3] ** 2)
        return ax - along * y[2], ay - along * y[3]

    def f(t: float, y: np.ndarray) -> list[float]:
        ax, ay = accel(y)
        return [y[2], y[3], ax, ay, -VT, 0.0]

    def near(t: float, y: np.ndarray) -> float:
        return math.hypot(y[4] - y[0], y[5] - y[1]) - 5.0

    near.terminal = True  # type: ignore[attr-defined]
    y0 = [EX_M0[0], EX_M0[1], EX_MV[0], EX_MV[1], EX_T0[0], EX_T0[1]]
    sol = solve_ivp(
        f, (0.0, 20.0), y0, method="DOP853", rtol=1e-12, atol=1e-9, events=near, dense_output=True
    )
    t5, y5 = sol.t_events[0][0], sol.y_events[0][0]
    rx, ry, wx, wy = y5[4] - y5[0], y5[5] - y5[1], -VT - y5[2], -y5[3]
    tau = -(rx * wx + ry * wy) / (wx * wx + wy * wy)
    return t5 + tau, math.hypot(rx + tau * wx, ry + tau * wy), (sol.sol, accel, t5)


def test_zarchan_example_matches_the_continuous_solution() -> None:
    r = intercept(EX_M0, EX_MV, EX_T0, EX_TV, navigation_ratio=4.0)
    t_cpa, miss, (dense, accel, t5) = _continuous_example()  # type: ignore[misc]
    assert miss < 0.01
    assert r.miss_distance_m < 0.01  # 1 cm
    assert r.time_of_flight_s == pytest.approx(t_cpa, abs=1e-3)  # 1 ms
    ts = r.time_s[r.time_s < t5]
    ref = np.array([math.hypot(*accel(dense(t))) for t in ts])
    assert np.max(np.abs(r.commanded_acceleration_mps2[: len(ts)] - ref)) < 0.5  # m/s^2
    # linear theory ([Z] ch. 2): t_F = R / (V_M + V_T) = 10 s; the turning missile's
    # closing speed falls with its heading error, so the flight is 0.7 % longer
    assert r.time_of_flight_s == pytest.approx(10.0, rel=0.01)


# --- frames and kernels ----------------------------------------------------------------


def test_any_cartesian_frame_gives_the_same_engagement() -> None:
    args = (
        [0.0, 0.0, 0.0],
        [VM, 0.0, 100.0],
        [8000.0, 300.0, -200.0],
        [-VT, 50.0, 0.0],
        [3.0, 20.0, -5.0],
    )
    base = intercept(*args, navigation_ratio=3.5, autopilot_lag_s=0.3, law="augmented")
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    shift = np.array([1.0e6, -2.0e5, 3.0e4])
    moved = [q @ np.asarray(v) + (shift if k in (0, 2) else 0.0) for k, v in enumerate(args)]
    other = intercept(*moved, navigation_ratio=3.5, autopilot_lag_s=0.3, law="augmented")
    assert other.miss_distance_m == pytest.approx(base.miss_distance_m, abs=1e-6)
    assert other.time_of_flight_s == pytest.approx(base.time_of_flight_s, abs=1e-9)
    # 1 mm/s^2: in the last steps the command is N' ZEM / t_go^2, which turns the
    # rounding of positions 1000 km from the origin (1e-10 m) into 1e-4 m/s^2
    assert np.allclose(
        other.commanded_acceleration_mps2, base.commanded_acceleration_mps2, rtol=0.0, atol=1e-3
    )
    back = (other.missile_position_m - shift) @ q
    assert np.allclose(back, base.missile_position_m, rtol=0.0, atol=1e-6)


def test_pn_command_is_n_vc_omega_cross_r_hat() -> None:
    """Formula check against numpy cross products, 50 random states ([Z] ch. 2 and 8)."""
    rng = np.random.default_rng(3)
    out = np.empty(3)
    for _ in range(50):
        r, v, vm, at = rng.normal(size=(4, 3)) * np.array([[5000.0], [800.0], [900.0], [30.0]])
        n = rng.uniform(2.0, 6.0)
        rn = np.linalg.norm(r)
        vc = -(r @ v) / rn
        omega = np.cross(r, v) / (rn * rn)
        expected = n * max(vc, 0.0) * np.cross(omega, r / rn)
        at_perp = at - (at @ r) / (rn * rn) * r
        for law, extra in ((TRUE_PN, 0.0), (AUGMENTED_PN, 0.5 * n * at_perp)):
            a = expected + (extra if vc > 0.0 else 0.0)
            a = a - (a @ vm) / (vm @ vm) * vm
            got_vc = pn_command(r, v, vm, n, law, at, out)
            assert got_vc == pytest.approx(vc, rel=1e-12)
            assert np.allclose(out, a, rtol=0.0, atol=1e-9 * (1.0 + np.linalg.norm(a)))


def test_lag_kernels_are_the_exact_first_order_response() -> None:
    a0, cmd = np.array([3.0, -1.0, 0.5]), np.array([-2.0, 4.0, 1.0])
    mean = np.empty(3)
    for tau, h in ((0.5, 0.01), (0.5, 0.5), (0.2, 2.0), (0.0, 0.3)):
        a = a0.copy()
        advance_lag(a, cmd, h, tau)
        e = math.exp(-h / tau) if tau > 0.0 else 0.0
        assert np.allclose(a, cmd + (a0 - cmd) * e, rtol=0.0, atol=1e-14)
        lag_mean(a0, cmd, h, tau, mean)
        if tau == 0.0:
            assert np.array_equal(mean, cmd)
            continue
        s = np.linspace(0.0, h, 20_001)
        resp = cmd[:, None] + (a0 - cmd)[:, None] * np.exp(-s / tau)[None, :]
        quad = np.trapezoid(resp, s, axis=1) / h
        assert np.allclose(mean, quad, rtol=0.0, atol=1e-6)


def test_closest_approach_of_a_straight_chord() -> None:
    rng = np.random.default_rng(11)
    f = np.linspace(0.0, 1.0, 100_001)
    for _ in range(20):
        r0, r1 = rng.normal(size=(2, 3)) * 100.0
        frac, miss = closest_approach(*r0, *r1)
        d = np.linalg.norm(r0[None, :] + f[:, None] * (r1 - r0)[None, :], axis=1)
        assert miss == pytest.approx(d.min(), abs=1e-6)
        assert miss <= d.min() + 1e-12
        assert 0.0 <= frac <= 1.0


def test_flat_integrator_keeps_the_missile_speed() -> None:
    """The calculator's frame (FLAT | LATERAL), lateral acceleration only.

    10 s of 0.05 s steps at about 9 g change the speed by < 1 mm/s."""
    state = np.concatenate([EX_M0, EX_MV])
    accel = np.array([0.0, 80.0, 30.0])
    for _ in range(200):
        rk4_step(state, 0.0, 0.05, guidance._COAST, accel, FLAT | LATERAL)
    assert np.linalg.norm(state[3:]) == pytest.approx(VM, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"missile_velocity_mps": [0.0, 0.0, 0.0]}, "missile_velocity_mps"),
        ({"target_position_m": [1.0, 2.0]}, "target_position_m"),
        ({"navigation_ratio": -1.0}, "navigation_ratio"),
        ({"autopilot_lag_s": -0.1}, "autopilot_lag_s"),
        ({"max_acceleration_mps2": -5.0}, "max_acceleration_mps2"),
        ({"law": "pure"}, "law"),
        ({"max_time_s": 0.0}, "max_time_s"),
    ],
)
def test_invalid_inputs_are_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "missile_position_m": [0.0, 0.0, 0.0],
        "missile_velocity_mps": [VM, 0.0, 0.0],
        "target_position_m": [5000.0, 0.0, 0.0],
        "target_velocity_mps": [-VT, 0.0, 0.0],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        intercept(**args)  # type: ignore[arg-type]


def test_flight_time_limit_ends_a_flight_that_never_closes() -> None:
    r = intercept(
        [0.0, 0.0, 0.0], [300.0, 0.0, 0.0], [1000.0, 0.0, 0.0], [250.0, 0.0, 0.0], max_time_s=4.0
    )
    assert not r.reached_closest_approach
    assert r.time_of_flight_s == pytest.approx(4.0)
    assert r.miss_distance_m == pytest.approx(1000.0 - 50.0 * 4.0, abs=1e-6)
