"""The lateral acceleration an interceptor can pull, against published numbers.

`dynamics.lateral_limit_mps2` is the aerodynamic limit ``n = q S CN / m`` (Fleeman,
*Tactical Missile Design*, 2nd ed., ch. 2: normal force ``N = CN q S_ref``), with the
US Standard Atmosphere 1976 density, capped by the structural limit.  Held here to:

* [PDAS] R. Carmichael, "A Table of the Standard Atmosphere to 86 km in SI units", Public
  Domain Aeronautical Software, 2017 (repository kurtsansom/pdas,
  docs/source/atmosTable1SI.rst): the density at 0-50 km;
* [MC] the public benchmark airframe of Mracek & Cloutier, "Full Envelope Missile
  Longitudinal Autopilot Design Using the State-Dependent Riccati Equation Method",
  AIAA-97-3767 (1997), as given in The MathWorks' example "Designing a Guidance System
  in MATLAB and Simulink" (aero_guid_dat.m): S_ref = 0.44 ft², mass 13.98 slug,
  Cz(α, M) = a α³ + b α|α| + c (2 − M/3) α with α in degrees, a = 0.000103,
  b = −0.009450, c = −0.169600 — at Mach 3 and 20° its normal force, hand-computed
  with the US76 closed form below 11 km (ρ = ρ0 (1 − h / 44 329 m)^4.255876, T = 288.15 K
  − 6.5 K/km × geopotential height), is 38.0 g at 20 000 ft.

And the kill probability of a round at a given miss (`engine.flyout.kill_probability`)
to the Carleton damage function's defining property (Driels, *Weaponeering*, 2nd ed.,
AIAA 2013, ch. 11): its lethal area equals the cookie cutter's of the same radius.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from airguard.dynamics import lateral_limit_mps2
from airguard.engine.flyout import kill_probability

G = 9.80665
FT = 0.3048
SLUG = 14.593903

# [PDAS] density, kg/m³, at height (km)
PDAS_DENSITY = {0: 1.225, 10: 0.4135, 20: 0.08891, 30: 0.01841, 40: 0.003995, 50: 0.001027}


@pytest.mark.parametrize("height_km", sorted(PDAS_DENSITY))
def test_aerodynamic_limit_follows_the_standard_atmosphere(height_km: int) -> None:
    """A 170 kg round with CN S = 6 × 0.066 m² at 1500 m/s: q S CN / m with [PDAS]'s density,
    within 0.1 % (the table's four figures) and 1 mm/s²."""
    mass, cn_area, v = 170.0, 6.0 * 0.066, 1_500.0
    expected = 0.5 * PDAS_DENSITY[height_km] * v * v * cn_area / mass
    got = lateral_limit_mps2(height_km * 1e3, v, mass, cn_area, math.inf)
    assert got == pytest.approx(expected, rel=1e-3, abs=1e-3)  # m/s²


def _mc_cz(alpha_deg: float, mach: float) -> float:
    a, b, c = 0.000103, -0.009450, -0.169600  # [MC], per deg³, deg², deg
    return a * alpha_deg**3 + b * alpha_deg * abs(alpha_deg) + c * (2.0 - mach / 3.0) * alpha_deg


def test_benchmark_airframe_pulls_38_g_at_mach_3_and_20_degrees() -> None:
    """[MC] at 20 000 ft, Mach 3, α = 20°: 38.0 g (within 0.2 g)."""
    h = 20_000.0 * FT
    cz = abs(_mc_cz(20.0, 3.0))
    assert cz == pytest.approx(6.348, abs=1e-3)
    geopotential = 6_356_766.0 * h / (6_356_766.0 + h)
    sound = math.sqrt(1.4 * 287.053 * (288.15 - 6.5e-3 * geopotential))
    s_ref, mass = 0.44 * FT * FT, 13.98 * SLUG
    got = lateral_limit_mps2(h, 3.0 * sound, mass, cz * s_ref, math.inf) / G
    assert got == pytest.approx(38.0, abs=0.2)  # g


def test_structural_limit_caps_the_aerodynamic_one() -> None:
    """Low and fast the air would give hundreds of g; the airframe gives its limit."""
    assert lateral_limit_mps2(0.0, 1_500.0, 170.0, 0.4, 30.0 * G) == 30.0 * G
    assert lateral_limit_mps2(0.0, 1_500.0, 170.0, 0.0, 30.0 * G) == 30.0 * G  # no CN given


def test_thin_air_leaves_a_round_little_to_turn_with() -> None:
    """The same round at 50 km has under 1/1000 of its sea-level limit ([PDAS]: ρ ratio
    8.38e-4): the ceiling emerges from the density."""
    low = lateral_limit_mps2(0.0, 1_500.0, 170.0, 0.4, math.inf)
    high = lateral_limit_mps2(50_000.0, 1_500.0, 170.0, 0.4, math.inf)
    assert high / low == pytest.approx(8.3819e-4, rel=2e-3)


@pytest.mark.parametrize("radius_m", [2.0, 8.0, 20.0])
def test_blast_fragmentation_lethal_area_equals_the_cookie_cutter(radius_m: float) -> None:
    """∫ P(r) 2πr dr = pk π R² (Carleton, equal lethal area), to 1e-6 relative."""
    pk = 0.7
    area, _ = quad(
        lambda r: kill_probability(r, radius_m, True, pk) * 2.0 * math.pi * r, 0.0, np.inf
    )
    assert area == pytest.approx(pk * math.pi * radius_m**2, rel=1e-6)  # m²


def test_hit_to_kill_needs_the_body_to_strike() -> None:
    """Inside the lethal radius the single-shot Pk, a centimetre beyond it nothing."""
    assert kill_probability(1.99, 2.0, False, 0.7) == 0.7
    assert kill_probability(2.01, 2.0, False, 0.7) == 0.0
    assert kill_probability(0.0, 20.0, True, 0.7) == 0.7
