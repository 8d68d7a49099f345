"""Zarchan's single-time-constant guidance system: the miss due to a step manoeuvre.

P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., AIAA, 2012, ch. 3:
the miss distance of a proportional-navigation loop with a first-order autopilot
lag T against a step target manoeuvre n_T, in closed form (x = t_F/T):

    N' = 3:  M/n_T = 0.5 t_F^2 exp(-x)
    N' = 4:  M/n_T = t_F^2 exp(-x) (0.5 - x/6)

as transcribed in dariusm01/GNC, MissileGuidance/Zarchan_Ch3/closedFormSolutions.cpp,
and checked against a numerical solution of the linear loop in
``test_guidance.test_adjoint_closed_form_is_the_linear_homing_loop``.  Shared by the
calculator's tests (test_guidance) and the engine's (test_engine_homing).
"""

from __future__ import annotations

import math

FT_M = 0.3048
NT_MPS2 = 96.6 * FT_M
"""Zarchan's target manoeuvre, 3 g with g = 32.2 ft/s² (m/s²)."""
LAG_S = 0.25
"""The autopilot's time constant T of the cases (s)."""
LAG_CASES = [
    (3.0, 1.0),
    (3.0, 2.0),
    (3.0, 3.0),
    (3.0, 5.0),
    (4.0, 1.0),
    (4.0, 2.0),
    (4.0, 3.0),
    (4.0, 5.0),
]
"""(N', x = t_F/T) of the cases."""


def adjoint_miss_m(n: float, t_f: float, lag_s: float, nt: float) -> float:
    """[Z] ch. 3 closed form, magnitude of the miss (m) due to a step manoeuvre `nt` (m/s²)."""
    x = t_f / lag_s
    a = t_f * t_f * math.exp(-x)
    m = 0.5 * a if n == 3.0 else a * (0.5 - x / 6.0)
    return abs(m * nt)
