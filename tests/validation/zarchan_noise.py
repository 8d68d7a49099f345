"""Miss distance of a noise-driven proportional-navigation loop, by the method of adjoints.

Reference model
---------------
P. Zarchan, *Tactical and Strategic Missile Guidance* (AIAA), the single-time-constant
guidance system in the linearised engagement, with the miss-distance statistics of white
seeker noise computed by the method of adjoints (glint, range-independent, semiactive and
active range-dependent noise), as in the book's listing transcribed as ``MATLAB/C4L7.m``
in github.com/int08h/missle_guidance (a port of the 7th edition's MATLAB listings;
chapter 4, listing 7 by the file's name, not checked against the printed book).  The
model here is that loop restricted to a stationary target:

* y is the target-minus-missile lateral position (m), t_F the flight time (s), V_c the
  constant closing speed (m/s), t_go = t_F - t and the range R = V_c t_go (m);
* the seeker measures the line-of-sight angle plus noise,
  lambda_m = y / (V_c t_go) + v   (rad);
* the guidance command differentiates the *measured* angle:
  n_c = N' V_c d(lambda_m)/dt   (m/s²);
* a single first-order lag, the whole flight-control system, sits between command and
  achieved acceleration: n_L = n_c / (1 + sT), i.e. dn_L/dt = (n_c - n_L)/T;
* the achieved acceleration acts on the relative position: d²y/dt² = -n_L;
* the miss is y(t_F); with no manoeuvre and no initial error the noise is its only cause,
  so its mean is zero and the functions return its standard deviation on one lateral axis.

Noise sources (white, zero mean, two-sided spectral density PHI, so that
E[v(t) v(t + s)] = PHI delta(s); a sample held over a step dt has variance PHI/dt):

* range-independent angle noise: v = v_RIN with PHI_RIN in rad²/Hz (= rad² s);
* glint: a white apparent lateral displacement g of the target, PHI_G in m²/Hz, so
  v = g / R = g / (V_c t_go).

Method of adjoints
------------------
The derivative of white noise is not a state-space input, so the lag is realised with
z = n_L - (N' V_c / T) lambda_m (which removes the derivative):

    x = (y, dy/dt, z),  a = N' / (T t_go),
    dx/dt = A(t) x + b v,
    A = [[0, 1, 0], [-a, 0, -1], [-a/T, 0, -1/T]],
    b = -(N' V_c / T) (0, 1, 1/T).

(n_L = z + a y + (N' V_c / T) v, dy'/dt = -n_L, dz/dt = -n_L/T.)  The adjoint p obeys
dp/dt_go = A(t_F - t_go)^T p from p(0) = (1, 0, 0), integrated forwards in t_go, i.e.
backwards in time.  The miss caused by a unit impulse of v at time-to-go t_go is
h_RIN(t_go) = b . p(t_go); a glint impulse enters as v = g / (V_c t_go), so
h_G(t_go) = h_RIN(t_go) / (V_c t_go).  For white noise the miss variance is

    sigma_RIN² = PHI_RIN ∫_0^t_F h_RIN(t_go)² dt_go,
    sigma_G²   = PHI_G   ∫_0^t_F h_G(t_go)² dt_go.

Time is integrated in units of T (scipy ``solve_ivp``, DOP853, rtol 1e-11), which shows
the scaling: sigma_G² = (PHI_G / T) J_G(N', t_F/T) and
sigma_RIN² = PHI_RIN V_c² T J_RIN(N', t_F/T).  For t_F >> T the integrals tend to
constants; the listing draws, for N' = 3, the long-flight formulas
sigma_G = 1.44 sqrt(PHI_G / T) and sigma_RIN = 0.532 V_c sqrt(PHI_RIN T) beside its adjoint
(exactly sqrt(33/16) = 1.4361 and sqrt(9/32) = 0.5303: see test_zarchan_noise).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.integrate import solve_ivp

_X0 = 1e-7
"""Start of the adjoint integration, in units of T (the adjoint is singular at t_go = 0)."""
_RTOL = 1e-11
_ATOL = 1e-14


def _check(phi: float, n_prime: float, vc: float, tau: float, tf: float) -> None:
    if not phi >= 0.0 or not math.isfinite(phi):
        raise ValueError(f"spectral density must be finite and >= 0, got {phi}")
    if not n_prime > 0.0 or not math.isfinite(n_prime):
        raise ValueError(f"n_prime must be finite and > 0, got {n_prime}")
    if not vc > 0.0 or not math.isfinite(vc):
        raise ValueError(f"vc must be finite and > 0, got {vc}")
    if not tau > 0.0 or not math.isfinite(tau):
        raise ValueError(f"tau must be finite and > 0, got {tau}")
    if not tf > 0.0 or not math.isfinite(tf):
        raise ValueError(f"tf must be finite and > 0, got {tf}")


def _a_matrix(x: float, n_prime: float) -> np.ndarray:
    """The forward system matrix A at time-to-go x (units of T, with T = 1)."""
    a = n_prime / x
    return np.array([[0.0, 1.0, 0.0], [-a, 0.0, -1.0], [-a, 0.0, -1.0]])


def _b_vector(n_prime: float) -> np.ndarray:
    """The angle-noise input b, per unit V_c (units of T, with T = 1)."""
    return -n_prime * np.array([0.0, 1.0, 1.0])


def _adjoint_rhs(x: float, s: np.ndarray, n_prime: float, b: np.ndarray) -> np.ndarray:
    """dp/dx = A^T p, and the two running integrals of the squared impulse responses."""
    p = s[:3]
    h = float(b @ p)  # h_RIN / V_c, T = 1
    dp = _a_matrix(x, n_prime).T @ p
    return np.array([dp[0], dp[1], dp[2], (h / x) ** 2, h * h])


@lru_cache(maxsize=256)
def adjoint_integrals(n_prime: float, x_f: float) -> tuple[float, float]:
    """(J_G, J_RIN) for flight time x_f = t_F/T, with T = 1.

    J_G = ∫_0^x_f (h_G T)² dx and J_RIN = ∫_0^x_f (h_RIN / V_c)² dx, so that
    sigma_G² = PHI_G J_G / T and sigma_RIN² = PHI_RIN V_c² T J_RIN.
    """
    n = float(n_prime)
    x0 = min(_X0, 1e-3 * x_f)
    # Taylor start at x0: p1 = 1 - N' x, p2 = x - N' x²/2, p3 = -x²/2, so
    # h_RIN/V_c = -N'(p2 + p3) ~ -N' x and h_G T ~ -N'.
    p0 = np.array([1.0 - n * x0, x0 - 0.5 * n * x0 * x0, -0.5 * x0 * x0])
    s0 = np.concatenate([p0, [n * n * x0, n * n * x0**3 / 3.0]])
    b = _b_vector(n)
    sol = solve_ivp(
        _adjoint_rhs,
        (x0, x_f),
        s0,
        method="DOP853",
        args=(n, b),
        rtol=_RTOL,
        atol=_ATOL,
    )
    if not sol.success:
        raise RuntimeError(f"adjoint integration failed: {sol.message}")
    return float(sol.y[3, -1]), float(sol.y[4, -1])


def rms_miss_range_independent(
    phi_rin: float, n_prime: float, vc: float, tau: float, tf: float
) -> float:
    """One-sigma miss (m, one lateral axis) due to range-independent seeker angle noise.

    Zarchan's single-time-constant guidance system (see the module docstring): the
    seeker's line-of-sight angle y/(V_c t_go) is corrupted by white noise of spectral
    density ``phi_rin`` (rad²/Hz; a sample held over dt has variance phi_rin/dt); the
    command N' V_c times the derivative of the measured angle passes through the lag
    1/(1 + s ``tau``) to the lateral acceleration; the target does not manoeuvre.
    Computed by the method of adjoints over the flight time ``tf`` (s) with closing speed
    ``vc`` (m/s) and effective navigation ratio ``n_prime``:
    sigma² = phi_rin ∫_0^tf h_RIN(t_go)² dt_go.  For tf >> tau this tends to
    c(N') vc sqrt(phi_rin tau) (c = 0.532 for N' = 3 in the C4L7 listing).
    """
    _check(phi_rin, n_prime, vc, tau, tf)
    _, j_rin = adjoint_integrals(float(n_prime), tf / tau)
    return math.sqrt(phi_rin * vc * vc * tau * j_rin)


def rms_miss_glint(phi_g: float, n_prime: float, vc: float, tau: float, tf: float) -> float:
    """One-sigma miss (m, one lateral axis) due to glint.

    Zarchan's single-time-constant guidance system (see the module docstring): the
    target's apparent lateral position carries white noise of spectral density ``phi_g``
    (m²/Hz; a sample held over dt has variance phi_g/dt), seen by the seeker as the angle
    noise g/R with R = vc (tf - t); the command N' V_c times the derivative of the measured
    angle passes through the lag 1/(1 + s ``tau``) to the lateral acceleration; the target
    does not manoeuvre.  Computed by the method of adjoints:
    sigma² = phi_g ∫_0^tf h_G(t_go)² dt_go, h_G = h_RIN/(vc t_go).  Independent of ``vc``;
    for tf >> tau it tends to c(N') sqrt(phi_g / tau) (c = 1.44 for N' = 3 in the C4L7
    listing).
    """
    _check(phi_g, n_prime, vc, tau, tf)
    j_g, _ = adjoint_integrals(float(n_prime), tf / tau)
    return math.sqrt(phi_g * j_g / tau)
