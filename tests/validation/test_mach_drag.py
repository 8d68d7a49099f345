"""Mach-dependent drag in the one integrator against a closed form.

A body dives vertically, without gravity (``FLAT | DRAG``), through the
isothermal layer of the U.S. Standard Atmosphere 1976 (11–20 km geopotential,
T = 216.65 K).  With only drag acting, ``dv/dz = ρ(z) v CdA / (2 m)`` along the
dive, so for a constant CdA

    v(z) = v(z0) · exp(−CdA/(2m) · ∫_z^z0 ρ dz')

(the vertical case of Allen and Eggers' entry solution: H. J. Allen and A. J.
Eggers, "A study of the motion and aerodynamic heating of ballistic missiles
entering the Earth's atmosphere at high supersonic speeds", NACA Report 1381,
1958, eq. 10 with gravity neglected).  The speed of sound is constant in the
layer, so a drag table that steps from one CdA to another at Mach 3 gives two
such pieces joined where the speed passes 3 a.  The density integral is
evaluated here from the standard's own formulas, not from airguard.atmosphere.

Sources
-------
[US76] *U.S. Standard Atmosphere, 1976*, NOAA-S/T 76-1562: layer base at
       H = 11 km geopotential with P = 22 632.06 Pa, T = 216.65 K; in an
       isothermal layer P = Pb exp(−g0 M0 (H − Hb)/(R* Tb)) (eq. 33b);
       ρ = P M0/(R* T) (eq. 42); a = (γ R* T / M0)^½ (eq. 50), γ = 1.4;
       H = r0 Z/(r0 + Z) with r0 = 6 356 766 m (eq. 18); g0 = 9.80665 m/s²,
       M0 = 28.9644 kg/kmol, R* = 8314.32 J/(kmol·K).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad

from airguard.dynamics import DRAG, FLAT, body_params, rk4_step
from airguard.geo import WGS84_A_M

G0, M0, R_STAR, R0 = 9.80665, 28.9644, 8314.32, 6_356_766.0  # [US76]
T_LAYER, P_BASE, H_BASE = 216.65, 22_632.06, 11_000.0  # [US76]
SOUND_MPS = math.sqrt(1.4 * R_STAR * T_LAYER / M0)  # [US76] eq. 50: 295.07 m/s


def _density(z_m: float) -> float:
    """[US76] density at geometric height z in the 11–20 km layer (kg/m³)."""
    h = R0 * z_m / (R0 + z_m)
    p = P_BASE * math.exp(-G0 * M0 * (h - H_BASE) / (R_STAR * T_LAYER))
    return p * M0 / (R_STAR * T_LAYER)


def _column(z_low_m: float, z_high_m: float) -> float:
    """∫ ρ dz between two geometric heights (kg/m²)."""
    value, _ = quad(_density, z_low_m, z_high_m, epsabs=1e-10, epsrel=1e-12)
    return float(value)


def _dive(
    params: np.ndarray, z0_m: float, v0_mps: float, z_end_m: float
) -> list[tuple[float, float]]:
    """(height, speed) samples of a vertical dive on the equator, down to z_end."""
    state = np.array([WGS84_A_M + z0_m, 0.0, 0.0, -v0_mps, 0.0, 0.0])
    cmd = np.zeros(3)
    out = [(z0_m, v0_mps)]
    t, h = 0.0, 0.01
    while state[0] - WGS84_A_M > z_end_m:
        rk4_step(state, t, h, params, cmd, FLAT | DRAG)
        t += h
        out.append((state[0] - WGS84_A_M, -state[3]))
    return out


def test_sound_speed_of_the_layer() -> None:
    """[US76] Table I: 295.07 m/s from 11 to 20 km."""
    assert abs(SOUND_MPS - 295.07) < 0.005


def test_constant_drag_matches_the_closed_form() -> None:
    """Constant CdA: the speed at 12 km equals the closed form to 1 cm/s."""
    mass, cda = 500.0, 0.25  # β = m / CdA = 2000 kg/m²
    params = body_params(mass0_kg=mass, cda_m2=cda)
    samples = _dive(params, 19_500.0, 1500.0, 12_000.0)
    z, v = samples[-1]
    expected = 1500.0 * math.exp(-cda / (2.0 * mass) * _column(z, 19_500.0))
    assert abs(v - expected) < 0.01


def test_mach_table_follows_the_closed_form_through_a_drag_rise() -> None:
    """CdA 0.25 m² above Mach 3.1, 0.5 m² below Mach 2.9, linear in between.

    Closed form in three pieces, with the column c = ∫ρ dz' above the body:
    dv/dc = −v CdA(v)/(2m).  Above the ramp ``c1 = 2m/CdA1 · ln(v0/v_hi)``; on
    the ramp CdA = α + k v, so (partial fractions)
    ``c_ramp = 2m/α · [ln(v/(α + k v))] from v_lo to v_hi``; below it
    ``v = v_lo · exp(−CdA2/(2m) · (c − c1 − c_ramp))``.  Checked at 12 km to
    1 cm/s.
    """
    mass, cda1, cda2 = 150.0, 0.25, 0.5
    params = body_params(mass0_kg=mass, drag_mach=[2.9, 3.1], drag_cda_m2=[cda2, cda1])
    z0, v0 = 19_500.0, 1500.0  # Mach 5.08
    samples = _dive(params, z0, v0, 12_000.0)
    v_lo, v_hi = 2.9 * SOUND_MPS, 3.1 * SOUND_MPS
    k = (cda1 - cda2) / (v_hi - v_lo)
    alpha = cda2 - k * v_lo

    def primitive(v: float) -> float:
        return math.log(v / (alpha + k * v)) / alpha

    c1 = 2.0 * mass / cda1 * math.log(v0 / v_hi)
    c_ramp = 2.0 * mass * (primitive(v_hi) - primitive(v_lo))
    z_end, v_end = samples[-1]
    c_total = _column(z_end, z0)
    assert c_total > c1 + c_ramp  # the case runs through the whole drag rise
    expected = v_lo * math.exp(-cda2 / (2.0 * mass) * (c_total - c1 - c_ramp))
    assert abs(v_end - expected) < 0.01
