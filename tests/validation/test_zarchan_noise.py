"""The noise-driven miss of the single-lag homing loop (`tests.validation.zarchan_noise`).

`zarchan_noise` computes, by the method of adjoints, the one-sigma miss of Zarchan's
single-time-constant proportional-navigation loop (stationary target, linearised
engagement, lag T) driven by white range-independent angle noise (PHI_RIN, rad²/Hz) or
by glint (PHI_G, m²/Hz, seen as the angle g/R).  It is checked here against:

1. Published values.  The listing transcribed as ``MATLAB/C4L7.m`` in
   github.com/int08h/missle_guidance (a port of the listings of P. Zarchan, *Tactical and
   Strategic Missile Guidance*, 7th ed., AIAA; chapter 4, listing 7 by the file's name,
   not checked against the printed book) integrates the adjoint of this loop for
   N' = 3, T = 0.5 s, V_c = 4000 ft/s, t_F up to 10 s, with PHI = sigma² T_s, T_s = 0.1 s,
   sigma_GL = 10 ft and sigma_FN = 2 mrad, and plots against it the long-flight formulas
       sigma_G   = 1.44 sqrt(PHI_G / T),
       sigma_RIN = 0.532 V_c sqrt(T PHI_RIN)
   (and 1.06 V_c² T^1.5 sqrt(PHI_RN)/R_A, 4.66 V_c³ T^2.5 sqrt(PHI_RNA)/R_A² for the
   semiactive and active range-dependent noises, not modelled here).

2. An exact closed form, derived from Zarchan's adjoint solution of the same loop.  For
   the single lag the miss per unit step manoeuvre has the Laplace transform (in t_go)
   M(s) = s^-3 (sT/(1 + sT))^N'; its inverse gives the ch. 3 closed forms
   0.5 t_F² e^-x (N' = 3) and t_F² e^-x (0.5 - x/6) (N' = 4) used in `zarchan.py`,
   which `test_closed_form_impulse_response_gives_the_published_step_manoeuvre_miss`
   checks.  Glint is an apparent displacement of the target, and a displacement is the
   second integral of an acceleration, so for t_go > 0 the miss per unit glint impulse is
   d³M/dt_go³, with transform (sT/(1 + sT))^N' - 1:
       h_G(t_go) = (e^-x / T) sum_{k=1..N'} C(N', k) (-1)^k x^(k-1)/(k-1)!,  x = t_go/T,
   and range-independent noise, v = g/(V_c t_go), gives h_RIN = V_c t_go h_G.  Then
       sigma_G²   = (PHI_G / T)          ∫_0^(t_F/T) e^-2x P(x)² dx,
       sigma_RIN² = PHI_RIN V_c² T       ∫_0^(t_F/T) x² e^-2x P(x)² dx,
   integrated exactly with ∫_0^X x^m e^-2x dx = m! 2^-(m+1) gammainc(m + 1, 2X).
   For t_F >> T the constants are sqrt(33/16) = 1.4361 and sqrt(9/32) = 0.5303 for
   N' = 3 (the listing's 1.44 and 0.532), sqrt(93/32) = 1.7048 and sqrt(5/16) = 0.5590
   for N' = 4, sqrt(965/256) = 1.9415 and sqrt(175/512) = 0.5846 for N' = 5.

3. A brute-force Monte Carlo of the forward loop in discrete time: 4000 runs, steps of
   1 ms (graded to 5 % of t_go in the last 20 ms, where the loop gain N'/(T t_go) grows
   without bound), each step a fourth-order Runge-Kutta step of the loop with the noise
   sample held over it (variance PHI/h for a step h).  The lag is realised as
   z = n_L - (N' V_c / T) lambda_m, so the derivative of the held noise (impulses at the
   sample instants) acts exactly, as jumps of n_L.  The sample standard deviation must
   agree with the adjoint within three standard errors, sigma/sqrt(2(n-1)); the exact
   covariance of the same discrete-time model (propagated step by step) within 0.02 %.

4. Limiting cases: sigma proportional to sqrt(PHI); the glint miss independent of V_c and
   the RIN miss proportional to it; for t_F >> T, sigma_RIN proportional to sqrt(T) and
   sigma_G to 1/sqrt(T); for t_F << T (no time for the loop or the lag to act) the
   open-loop values sigma_G² = PHI_G N'² t_F / T² and sigma_RIN² = PHI_RIN N'² V_c² t_F³/(3T²).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gammainc

from tests.validation.zarchan import FT_M, LAG_CASES, LAG_S, adjoint_miss_m
from tests.validation.zarchan_noise import (
    adjoint_integrals,
    rms_miss_glint,
    rms_miss_range_independent,
)

N_PRIME = 4.0
VC = 3000.0
"""Closing speed of the Monte Carlo cases (m/s)."""
TF = 10.0
PHI_RIN = 1e-8
"""1 mrad held over 10 ms (rad²/Hz)."""
PHI_G = 2.0**2 * 0.01
"""2 m held over 10 ms (m²/Hz)."""
TAUS = [0.1, 0.3]

MC_RUNS = 4000
MC_DT = 1e-3
GRADE = 0.05
"""Near the end, the step is this fraction of the time to go."""
T_GO_END = 1e-8
"""The forward runs stop at this time to go (s); the miss is y there."""


# --- closed form -------------------------------------------------------------------------


def _glint_polynomial(n_prime: int) -> list[float]:
    """Coefficients c_m of P(x) = sum c_m x^m, with h_G = e^-x P(x) / T."""
    return [
        math.comb(n_prime, k) * (-1.0) ** k / math.factorial(k - 1) for k in range(1, n_prime + 1)
    ]


def _closed_form_integral(n_prime: int, x_f: float, power: int) -> float:
    """∫_0^x_f x^power e^-2x P(x)² dx, exactly (power 0: glint, 2: range-independent)."""
    c = _glint_polynomial(n_prime)
    total = 0.0
    for i, ci in enumerate(c):
        for j, cj in enumerate(c):
            m = i + j + power
            total += ci * cj * math.factorial(m) / 2.0 ** (m + 1) * gammainc(m + 1, 2.0 * x_f)
    return total


def _closed_form_rin(phi: float, n_prime: int, vc: float, tau: float, tf: float) -> float:
    return math.sqrt(phi * vc * vc * tau * _closed_form_integral(n_prime, tf / tau, 2))


def _closed_form_glint(phi: float, n_prime: int, tau: float, tf: float) -> float:
    return math.sqrt(phi / tau * _closed_form_integral(n_prime, tf / tau, 0))


# --- forward loop in discrete time -------------------------------------------------------


def _time_to_go_grid(tf: float, dt: float) -> np.ndarray:
    """Times to go from tf: steps of dt, then steps of GRADE t_go down to T_GO_END."""
    switch = dt / GRADE
    n_uniform = max(0, math.ceil((tf - switch) / dt))
    uniform = tf - dt * np.arange(n_uniform + 1)
    start = float(uniform[-1])
    n_graded = math.ceil(math.log(T_GO_END / start) / math.log1p(-GRADE))
    graded = start * (1.0 - GRADE) ** np.arange(1, n_graded + 1)
    return np.concatenate([uniform, graded])


def _step_maps(
    kind: str, n_prime: float, vc: float, tau: float, tf: float, dt: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The forward loop's steps as x_{j+1} = F_j x_j + G_j w_j, x = (y, dy/dt, z).

    One RK4 step of dy/dt = y', dy'/dt = -n_L, dz/dt = -n_L/T with
    n_L = z + (N'/T) y/t_go + (N' V_c/T) v, v = w (range-independent, rad) or
    v = w/(V_c t_go) (glint, w in m), w held over the step.  Evaluated for all steps at
    once on the unit states and the unit noise.  Returns (F, G, h): (K, 3, 3), (K, 3), (K,).
    """
    t_go = _time_to_go_grid(tf, dt)
    a = t_go[:-1, None, None]
    h = (t_go[:-1] - t_go[1:])[:, None, None]
    k_gain = n_prime / tau
    x = np.zeros((len(h), 3, 4))
    x[:, 0, 0] = x[:, 1, 1] = x[:, 2, 2] = 1.0
    w = np.array([0.0, 0.0, 0.0, 1.0])

    def rate(tg: np.ndarray, s: np.ndarray) -> np.ndarray:
        y, yd, z = s[:, 0:1], s[:, 1:2], s[:, 2:3]
        noise = k_gain * vc * w if kind == "rin" else k_gain * w / tg
        n_l = z + k_gain * y / tg + noise
        return np.concatenate([yd, -n_l, -n_l / tau], axis=1)

    k1 = rate(a, x)
    k2 = rate(a - h / 2, x + h / 2 * k1)
    k3 = rate(a - h / 2, x + h / 2 * k2)
    k4 = rate(a - h, x + h * k3)
    out = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return out[:, :, :3], out[:, :, 3], h[:, 0, 0]


def _monte_carlo_misses(kind: str, phi: float, tau: float, runs: int, seed: int) -> np.ndarray:
    f, g, h = _step_maps(kind, N_PRIME, VC, tau, TF, MC_DT)
    rng = np.random.default_rng(seed)
    x = np.zeros((3, runs))
    for fj, gj, hj in zip(f, g, h, strict=True):
        w = rng.standard_normal(runs) * math.sqrt(phi / hj)
        x = fj @ x + gj[:, None] * w
    return x[0]


def _discrete_sigma(kind: str, phi: float, tau: float) -> float:
    """Exact one-sigma miss of the same discrete-time model, by covariance propagation."""
    f, g, h = _step_maps(kind, N_PRIME, VC, tau, TF, MC_DT)
    p = np.zeros((3, 3))
    for fj, gj, hj in zip(f, g, h, strict=True):
        p = fj @ p @ fj.T + np.outer(gj, gj) * (phi / hj)
    return math.sqrt(p[0, 0])


def _adjoint_sigma(kind: str, phi: float, tau: float) -> float:
    if kind == "rin":
        return rms_miss_range_independent(phi, N_PRIME, VC, tau, TF)
    return rms_miss_glint(phi, N_PRIME, VC, tau, TF)


MC_CASES = [
    pytest.param("rin", PHI_RIN, 0.1, 101, id="rin-0.1"),
    pytest.param("rin", PHI_RIN, 0.3, 102, id="rin-0.3"),
    pytest.param("glint", PHI_G, 0.1, 103, id="glint-0.1"),
    pytest.param("glint", PHI_G, 0.3, 104, id="glint-0.3"),
]


# --- 1. published values -----------------------------------------------------------------

# Zarchan's listing (C4L7.m): N' 3, T 0.5 s, V_c 4000 ft/s, t_F 10 s, T_s 0.1 s.
LISTING_N = 3.0
LISTING_TAU = 0.5
LISTING_VC = 4000.0 * FT_M
LISTING_TF = 10.0
LISTING_PHI_G = (10.0 * FT_M) ** 2 * 0.1
LISTING_PHI_RIN = 0.002**2 * 0.1
PUBLISHED_TOLERANCE = 0.005
"""Relative: the listing prints its coefficients to three figures."""


def test_glint_miss_matches_zarchan_listing_asymptote():
    published = 1.44 * math.sqrt(LISTING_PHI_G / LISTING_TAU)  # 1.9629 m (6.440 ft)
    value = rms_miss_glint(LISTING_PHI_G, LISTING_N, LISTING_VC, LISTING_TAU, LISTING_TF)
    assert value == pytest.approx(published, abs=PUBLISHED_TOLERANCE * published)  # 9.8 mm


def test_range_independent_miss_matches_zarchan_listing_asymptote():
    published = 0.532 * LISTING_VC * math.sqrt(LISTING_TAU * LISTING_PHI_RIN)  # 0.2901 m
    value = rms_miss_range_independent(
        LISTING_PHI_RIN, LISTING_N, LISTING_VC, LISTING_TAU, LISTING_TF
    )
    assert value == pytest.approx(published, abs=PUBLISHED_TOLERANCE * published)  # 1.5 mm


# --- 2. closed form ----------------------------------------------------------------------

CLOSED_FORM_CASES = [
    (n, tau, tf)
    for n in (3, 4, 5)
    for tau, tf in ((0.1, 10.0), (0.3, 10.0), (0.3, 0.5), (0.5, 0.2))
]


@pytest.mark.parametrize(("n_prime", "tau", "tf"), CLOSED_FORM_CASES)
def test_adjoint_matches_closed_form(n_prime: int, tau: float, tf: float):
    rin = rms_miss_range_independent(PHI_RIN, n_prime, VC, tau, tf)
    glint = rms_miss_glint(PHI_G, n_prime, VC, tau, tf)
    assert rin == pytest.approx(_closed_form_rin(PHI_RIN, n_prime, VC, tau, tf), abs=1e-9)
    assert glint == pytest.approx(_closed_form_glint(PHI_G, n_prime, tau, tf), abs=1e-9)


def test_closed_form_long_flight_constants():
    exact = {3: (33 / 16, 9 / 32), 4: (93 / 32, 5 / 16), 5: (965 / 256, 175 / 512)}
    for n_prime, (j_g, j_rin) in exact.items():
        assert _closed_form_integral(n_prime, 200.0, 0) == pytest.approx(j_g, rel=1e-12)
        assert _closed_form_integral(n_prime, 200.0, 2) == pytest.approx(j_rin, rel=1e-12)
        a_g, a_rin = adjoint_integrals(float(n_prime), 200.0)
        assert a_g == pytest.approx(j_g, rel=1e-9)
        assert a_rin == pytest.approx(j_rin, rel=1e-9)


@pytest.mark.parametrize(("n_prime", "x"), LAG_CASES)
def test_closed_form_impulse_response_gives_the_published_step_manoeuvre_miss(
    n_prime: float, x: float
):
    """M(t_go) = t_go²/2 + ∫_0^t_go (t_go - s)²/2 h_G(s) ds, per unit manoeuvre (m/(m/s²))."""
    tau = LAG_S
    t_go = x * tau
    c = _glint_polynomial(int(n_prime))

    def integrand(s: float) -> float:
        u = s / tau
        h_g = math.exp(-u) / tau * sum(cm * u**m for m, cm in enumerate(c))
        return 0.5 * (t_go - s) ** 2 * h_g

    miss = 0.5 * t_go**2 + quad(integrand, 0.0, t_go, epsabs=1e-14, epsrel=1e-12)[0]
    assert abs(miss) == pytest.approx(adjoint_miss_m(n_prime, t_go, tau, 1.0), abs=1e-12)


# --- 3. Monte Carlo ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "phi", "tau", "seed"), MC_CASES)
def test_monte_carlo_miss_matches_adjoint(kind: str, phi: float, tau: float, seed: int):
    sigma = _adjoint_sigma(kind, phi, tau)
    misses = _monte_carlo_misses(kind, phi, tau, MC_RUNS, seed)
    standard_error = sigma / math.sqrt(2 * (MC_RUNS - 1))
    assert float(np.std(misses, ddof=1)) == pytest.approx(sigma, abs=3 * standard_error)
    assert abs(float(np.mean(misses))) < 3 * sigma / math.sqrt(MC_RUNS)


@pytest.mark.parametrize(("kind", "phi", "tau", "seed"), MC_CASES)
def test_discrete_model_covariance_matches_adjoint(kind: str, phi: float, tau: float, seed: int):
    del seed
    sigma = _adjoint_sigma(kind, phi, tau)
    assert _discrete_sigma(kind, phi, tau) == pytest.approx(sigma, abs=2e-4 * sigma)


# --- 4. limiting cases -------------------------------------------------------------------


@pytest.mark.parametrize("tau", TAUS)
def test_miss_scales_with_root_spectral_density(tau: float):
    rin = rms_miss_range_independent(PHI_RIN, N_PRIME, VC, tau, TF)
    glint = rms_miss_glint(PHI_G, N_PRIME, VC, tau, TF)
    assert rms_miss_range_independent(4 * PHI_RIN, N_PRIME, VC, tau, TF) == pytest.approx(
        2 * rin, abs=1e-12
    )
    assert rms_miss_glint(9 * PHI_G, N_PRIME, VC, tau, TF) == pytest.approx(3 * glint, abs=1e-12)
    assert rms_miss_range_independent(0.0, N_PRIME, VC, tau, TF) == 0.0


def test_glint_miss_ignores_closing_speed_and_rin_miss_is_proportional_to_it():
    for tau in TAUS:
        glint = rms_miss_glint(PHI_G, N_PRIME, VC, tau, TF)
        assert rms_miss_glint(PHI_G, N_PRIME, 2 * VC, tau, TF) == pytest.approx(glint, abs=1e-12)
        rin = rms_miss_range_independent(PHI_RIN, N_PRIME, VC, tau, TF)
        assert rms_miss_range_independent(PHI_RIN, N_PRIME, 2 * VC, tau, TF) == pytest.approx(
            2 * rin, abs=1e-12
        )


def test_long_flight_miss_scales_with_the_lag():
    """t_F >> T: sigma_RIN ∝ V_c sqrt(PHI T), sigma_G ∝ sqrt(PHI_G / T), so the 0.1 s and
    0.3 s cases differ by sqrt(3) either way; and a longer flight adds nothing."""
    rin = [rms_miss_range_independent(PHI_RIN, N_PRIME, VC, tau, TF) for tau in TAUS]
    glint = [rms_miss_glint(PHI_G, N_PRIME, VC, tau, TF) for tau in TAUS]
    assert rin[1] == pytest.approx(math.sqrt(3.0) * rin[0], abs=1e-9)
    assert glint[0] == pytest.approx(math.sqrt(3.0) * glint[1], abs=1e-9)
    for tau, r, g in zip(TAUS, rin, glint, strict=True):
        assert rms_miss_range_independent(PHI_RIN, N_PRIME, VC, tau, 2 * TF) == pytest.approx(
            r, abs=1e-9
        )
        assert rms_miss_glint(PHI_G, N_PRIME, VC, tau, 2 * TF) == pytest.approx(g, abs=1e-9)


@pytest.mark.parametrize("n_prime", [3.0, 4.0, 5.0])
def test_short_flight_miss_is_the_open_loop_value(n_prime: float):
    """t_F = T/1000: the miss per noise impulse is N' V_c t_go/T (RIN) and N'/T (glint),
    to a relative (N' + 1) t_F/(2T); tolerance 0.5 % of each."""
    tau = 0.3
    tf = tau / 1000.0
    rin = n_prime * VC / tau * math.sqrt(PHI_RIN * tf**3 / 3.0)
    glint = n_prime / tau * math.sqrt(PHI_G * tf)
    assert rms_miss_range_independent(PHI_RIN, n_prime, VC, tau, tf) == pytest.approx(
        rin, abs=0.005 * rin
    )
    assert rms_miss_glint(PHI_G, n_prime, VC, tau, tf) == pytest.approx(glint, abs=0.005 * glint)


@pytest.mark.parametrize(
    "args",
    [
        (-1.0, 4.0, VC, 0.1, TF),
        (1.0, 0.0, VC, 0.1, TF),
        (1.0, 4.0, 0.0, 0.1, TF),
        (1.0, 4.0, VC, 0.0, TF),
        (1.0, 4.0, VC, 0.1, 0.0),
        (math.nan, 4.0, VC, 0.1, TF),
    ],
)
def test_noise_miss_refuses_invalid_inputs(args: tuple[float, float, float, float, float]):
    with pytest.raises(ValueError, match="must be finite"):
        rms_miss_range_independent(*args)
    with pytest.raises(ValueError, match="must be finite"):
        rms_miss_glint(*args)
