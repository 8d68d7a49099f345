"""The one integrator: point-mass dynamics in ECEF on the WGS84 Earth.

Every flying thing in airguard — ballistic threats, interceptors, the
fly-out tables behind engagement envelopes, the calculators — advances with
the same acceleration model and the same classical fourth-order Runge–Kutta
step defined here (DESIGN.md principle 3).

Acceleration (ECEF, so the atmosphere is at rest in this frame)::

    a = g(r) − 2 ω×v − ω×(ω×r) + (F/m) v̂ − ½ ρ(h) |v| v · CdA/m + a_cmd

* g(r): WGS84 central gravity plus the J2 zonal term (Vallado,
  *Fundamentals of Astrodynamics and Applications*, 4th ed., eq. 8-30),
  μ = 3.986004418e14 m³/s², J2 = 1.08262982e-3 (NIMA TR8350.2 Table 3.1,
  the WGS84 ellipsoid's C2,0 → J2), ω = 7.292115e-5 rad/s.
* Coriolis and centrifugal terms of the rotating frame, −2ω×v − ω×(ω×r) (Vallado,
  *Fundamentals of Astrodynamics and Applications*, 4th ed., ch. 3, relative motion).
* Thrust along the velocity (a gravity turn) while the motor burns, mass
  falling linearly with time.
* Drag with the U.S. Standard Atmosphere 1976 density at the height above
  the ellipsoid measured along the geocentric radius (within a metre of the
  geodetic height below 100 km at any latitude).

Options (`flags` bit field): ``J2``, ``ROTATING``, ``DRAG``, ``SPHERE`` — the
textbook two-body case is ``SPHERE`` alone (μ/r² towards the centre of a
sphere of radius 6 378 137 m) — and ``FLAT`` (no gravity: the guidance
calculator's frame) with ``LATERAL`` (the command acts across the velocity).

A body's parameters are a float64 vector `params` of length ``N_PARAMS``::

    [thrust_n, mass0_kg, mass_flow_kgps, burn_time_s, cda_m2,
     weave_accel_mps2, weave_period_s, weave_height_m, weave_cn_area_m2,
     n_mach, mach_1 … mach_8, cda_1 … cda_8]

with time measured from the body's launch.  Drag uses the constant
``cda_m2`` (drag coefficient × reference area) unless ``n_mach`` > 0: then
CdA is interpolated linearly in Mach number between the ``n_mach`` points
``(mach_i, cda_i)`` (held constant beyond the first and last), the Mach
number being the speed over the US76 speed of sound at the body's height.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from airguard._jit import njit
from airguard.atmosphere import density_and_sound_speed
from airguard.geo import WGS84_A_M, WGS84_B_M

__all__ = [
    "DRAG",
    "EARTH_MU_M3_S2",
    "EARTH_OMEGA_RAD_S",
    "FLAT",
    "J2",
    "LATERAL",
    "MAX_MACH_POINTS",
    "N_PARAMS",
    "ROTATING",
    "SPHERE",
    "WGS84_J2",
    "acceleration",
    "drag_area_m2",
    "height_m",
    "lateral_limit_mps2",
    "mass_kg",
    "rk4_step",
]

EARTH_MU_M3_S2 = 3.986004418e14
WGS84_J2 = 1.08262982e-3
EARTH_OMEGA_RAD_S = 7.292115e-5

J2 = 1
ROTATING = 2
DRAG = 4
SPHERE = 8
FLAT = 16
"""No gravity at all: a flat, gravity-free frame (the guidance calculator's)."""
LATERAL = 32
"""The commanded acceleration acts across the velocity only (projected at every stage),
so that a command alone turns the body without changing its speed."""
FULL = J2 | ROTATING | DRAG

P_THRUST, P_MASS0, P_MDOT, P_BURN, P_CDA = 0, 1, 2, 3, 4
P_WEAVE_ACCEL, P_WEAVE_PERIOD, P_WEAVE_HEIGHT, P_WEAVE_CN_AREA = 5, 6, 7, 8
P_NMACH = 9
MAX_MACH_POINTS = 8
"""Most points of a Mach-dependent drag table."""
P_MACH = P_NMACH + 1
P_MACH_CDA = P_MACH + MAX_MACH_POINTS
N_PARAMS = P_MACH_CDA + MAX_MACH_POINTS


@njit
def height_m(x: float, y: float, z: float, flags: int) -> float:
    """Height above the Earth's surface along the geocentric radius (m)."""
    r = math.sqrt(x * x + y * y + z * z)
    if flags & SPHERE:
        return r - WGS84_A_M
    p2 = x * x + y * y
    # ellipsoid radius in the direction of (x, y, z)
    cos2 = p2 / (r * r)
    sin2 = z * z / (r * r)
    a2 = WGS84_A_M * WGS84_A_M
    b2 = WGS84_B_M * WGS84_B_M
    rs = WGS84_A_M * WGS84_B_M / math.sqrt(b2 * cos2 + a2 * sin2)
    return r - rs


@njit
def mass_kg(t_s: float, params: np.ndarray) -> float:
    tb = params[P_BURN]
    m: float = params[P_MASS0] - params[P_MDOT] * min(max(t_s, 0.0), tb)
    return m


@njit
def lateral_limit_mps2(
    height_m: float, speed_mps: float, mass_kg: float, cn_area_m2: float, structural_mps2: float
) -> float:
    """The largest lateral acceleration (m/s²) an airframe can pull: the aerodynamic limit
    ``q S CN_max / m`` (dynamic pressure ``q = ½ ρ(h) v²`` with the US76 density at
    `height_m`; `cn_area_m2` = CN_max × reference area S), capped by the `structural_mps2`
    limit (Fleeman, *Tactical Missile Design*, 2nd ed., ch. 2: the normal force
    ``N = CN q S_ref`` and ``n = N / W``).  `cn_area_m2` ≤ 0: no aerodynamic limit."""
    if cn_area_m2 <= 0.0:
        return structural_mps2
    rho, _ = density_and_sound_speed(height_m)
    return min(structural_mps2, 0.5 * rho * speed_mps * speed_mps * cn_area_m2 / mass_kg)


@njit
def drag_area_m2(mach: float, params: np.ndarray) -> float:
    """Drag coefficient × reference area (m²) at Mach number `mach`."""
    n = int(params[P_NMACH])
    if n == 0:
        return float(params[P_CDA])
    if mach <= params[P_MACH]:
        return float(params[P_MACH_CDA])
    for i in range(1, n):
        m1 = params[P_MACH + i]
        if mach <= m1:
            m0 = params[P_MACH + i - 1]
            c0 = params[P_MACH_CDA + i - 1]
            c1 = params[P_MACH_CDA + i]
            return float(c0 + (c1 - c0) * (mach - m0) / (m1 - m0))
    return float(params[P_MACH_CDA + n - 1])


@njit
def acceleration(
    x: float,
    y: float,
    z: float,
    vx: float,
    vy: float,
    vz: float,
    t_s: float,
    params: np.ndarray,
    cmd: np.ndarray,
    flags: int,
) -> tuple[float, float, float]:
    """Acceleration (m/s², ECEF) of a point mass; see the module docstring.

    `t_s` is the time since launch; `cmd` (3,) an extra commanded acceleration.
    """
    ax = ay = az = 0.0
    r2 = x * x + y * y + z * z
    if not flags & FLAT:
        r = math.sqrt(r2)
        mu_r3 = EARTH_MU_M3_S2 / (r2 * r)
        ax = -mu_r3 * x
        ay = -mu_r3 * y
        az = -mu_r3 * z
    if flags & J2 and not flags & (SPHERE | FLAT):
        k = 1.5 * WGS84_J2 * EARTH_MU_M3_S2 * WGS84_A_M * WGS84_A_M / (r2 * r2 * r)
        zr2 = 5.0 * z * z / r2
        ax += -k * x * (1.0 - zr2)
        ay += -k * y * (1.0 - zr2)
        az += -k * z * (3.0 - zr2)
    if flags & ROTATING:
        w = EARTH_OMEGA_RAD_S
        # -2 w x v - w x (w x r), with w = (0, 0, w)
        ax += 2.0 * w * vy + w * w * x
        ay += -2.0 * w * vx + w * w * y
    m = mass_kg(t_s, params)
    speed = math.sqrt(vx * vx + vy * vy + vz * vz)
    if t_s < params[P_BURN] and params[P_THRUST] > 0.0 and speed > 0.0:
        f = params[P_THRUST] / (m * speed)
        ax += f * vx
        ay += f * vy
        az += f * vz
    if flags & DRAG and (params[P_CDA] > 0.0 or params[P_NMACH] > 0.0):
        h = height_m(x, y, z, flags)
        rho, sound = density_and_sound_speed(h)
        d = 0.5 * rho * speed * drag_area_m2(speed / sound, params) / m
        ax -= d * vx
        ay -= d * vy
        az -= d * vz
    cx, cy, cz = cmd[0], cmd[1], cmd[2]
    if flags & LATERAL and speed > 0.0:
        along = (cx * vx + cy * vy + cz * vz) / (speed * speed)
        cx, cy, cz = cx - along * vx, cy - along * vy, cz - along * vz
    return ax + cx, ay + cy, az + cz


@njit
def rk4_step(
    state: np.ndarray, t_s: float, h_s: float, params: np.ndarray, cmd: np.ndarray, flags: int
) -> None:
    """Advance ``state = [x, y, z, vx, vy, vz]`` (m, m/s, ECEF) by `h_s` in place.

    Classical RK4 (Butcher 1964; Press et al., *Numerical Recipes* 3rd ed.
    §17.1).  `cmd` is held constant over the step.  `t_s` is the time since
    launch at the start of the step; steps should not straddle the burnout
    (RK4 loses its order across the discontinuity in thrust).
    """
    x, y, z, vx, vy, vz = state[0], state[1], state[2], state[3], state[4], state[5]
    hh = 0.5 * h_s
    # Stage times.  A step that starts while the motor burns is taken to burn
    # throughout (callers end such steps at the burnout), so its later stages
    # are held just inside the burn instead of falling exactly on its end.
    # A step that starts within a nanosecond of burnout (rounding) coasts.
    t1 = t_s
    t2 = t_s + hh
    t4 = t_s + h_s
    burn = params[P_BURN]
    if t_s < burn - 1e-9:
        inside = burn * (1.0 - 1e-12)
        t2 = min(t2, inside)
        t4 = min(t4, inside)
    else:
        t1 = max(t1, burn)
        t2 = max(t2, burn)
        t4 = max(t4, burn)
    a1x, a1y, a1z = acceleration(x, y, z, vx, vy, vz, t1, params, cmd, flags)
    x2, y2, z2 = x + hh * vx, y + hh * vy, z + hh * vz
    v2x, v2y, v2z = vx + hh * a1x, vy + hh * a1y, vz + hh * a1z
    a2x, a2y, a2z = acceleration(x2, y2, z2, v2x, v2y, v2z, t2, params, cmd, flags)
    x3, y3, z3 = x + hh * v2x, y + hh * v2y, z + hh * v2z
    v3x, v3y, v3z = vx + hh * a2x, vy + hh * a2y, vz + hh * a2z
    a3x, a3y, a3z = acceleration(x3, y3, z3, v3x, v3y, v3z, t2, params, cmd, flags)
    x4, y4, z4 = x + h_s * v3x, y + h_s * v3y, z + h_s * v3z
    v4x, v4y, v4z = vx + h_s * a3x, vy + h_s * a3y, vz + h_s * a3z
    a4x, a4y, a4z = acceleration(x4, y4, z4, v4x, v4y, v4z, t4, params, cmd, flags)
    s = h_s / 6.0
    state[0] = x + s * (vx + 2.0 * v2x + 2.0 * v3x + v4x)
    state[1] = y + s * (vy + 2.0 * v2y + 2.0 * v3y + v4y)
    state[2] = z + s * (vz + 2.0 * v2z + 2.0 * v3z + v4z)
    state[3] = vx + s * (a1x + 2.0 * a2x + 2.0 * a3x + a4x)
    state[4] = vy + s * (a1y + 2.0 * a2y + 2.0 * a3y + a4y)
    state[5] = vz + s * (a1z + 2.0 * a2z + 2.0 * a3z + a4z)


def body_params(
    *,
    thrust_n: float = 0.0,
    mass0_kg: float = 1.0,
    burnout_mass_kg: float | None = None,
    burn_time_s: float = 0.0,
    cda_m2: float = 0.0,
    weave_accel_mps2: float = 0.0,
    weave_period_s: float = 0.0,
    weave_height_m: float = 0.0,
    weave_cn_area_m2: float = 0.0,
    drag_mach: Sequence[float] = (),
    drag_cda_m2: Sequence[float] = (),
) -> np.ndarray:
    """Pack a body's parameters for :func:`acceleration`.

    The ``weave_*`` entries describe a scripted terminal manoeuvre that
    :func:`airguard.trajectory.fly_ballistic` flies (zero: none); `weave_cn_area_m2`
    (CN_max × reference area) limits it to what the body's aerodynamics give at each
    height (:func:`lateral_limit_mps2`; zero: no limit).
    ``drag_mach`` (strictly increasing, at most ``MAX_MACH_POINTS``) with
    ``drag_cda_m2`` give a Mach-dependent drag table that replaces `cda_m2`.
    """
    m_bo = mass0_kg if burnout_mass_kg is None else burnout_mass_kg
    mdot = (mass0_kg - m_bo) / burn_time_s if burn_time_s > 0.0 else 0.0
    mach = np.asarray(drag_mach, dtype=np.float64)
    table = np.asarray(drag_cda_m2, dtype=np.float64)
    if mach.shape != table.shape or mach.ndim != 1 or mach.size > MAX_MACH_POINTS:
        raise ValueError(
            f"drag table: expected two sequences of equal length up to {MAX_MACH_POINTS}, "
            f"got {mach.size} Mach numbers and {table.size} values"
        )
    if np.any(np.diff(mach) <= 0.0) or np.any(table < 0.0):
        raise ValueError("drag table: Mach numbers must increase and CdA must not be negative")
    p = np.zeros(N_PARAMS, dtype=np.float64)
    p[:P_NMACH] = [
        thrust_n,
        mass0_kg,
        mdot,
        burn_time_s,
        cda_m2,
        weave_accel_mps2,
        weave_period_s,
        weave_height_m,
        weave_cn_area_m2,
    ]
    p[P_NMACH] = mach.size
    p[P_MACH : P_MACH + mach.size] = mach
    p[P_MACH_CDA : P_MACH_CDA + mach.size] = table
    return p
