"""Homing guidance: proportional navigation, autopilot lag, closest approach.

Compiled kernels for the engine's interceptor fly-out, and the calculator
:func:`intercept` built on the same kernels (DESIGN.md principle 3).

Guidance laws (P. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed.,
AIAA, 2012; "Zarchan" below):

* **True proportional navigation** (:data:`TRUE_PN`; Zarchan ch. 2): the
  command is perpendicular to the line of sight,
  ``a = N Vc (Ω × r̂)`` with ``Ω = r × v / |r|²`` the line-of-sight rate,
  ``r``, ``v`` the target's position and velocity relative to the missile,
  ``Vc = -ṙ`` the closing speed and ``N`` the effective navigation ratio
  (Zarchan's N').  Since ``Ω × r̂ = v⊥ / |r|`` (``v⊥`` the part of ``v``
  across the line of sight), ``a = N Vc v⊥ / |r|``.
* **Augmented proportional navigation** (:data:`AUGMENTED_PN`; Zarchan ch. 8):
  true PN plus ``N/2`` times the target's acceleration across the line of sight.

Either command is then made perpendicular to the missile's velocity (a
missile without axial control can only turn: :func:`lateral_part`) and
limited in magnitude (:func:`limit_magnitude`).  No command is given while
the range opens (``Vc <= 0``).

Autopilot: a first-order lag, ``da/dt = (a_cmd - a)/τ`` (Zarchan ch. 3, the
single-time-constant guidance system), solved exactly over a step in which the
command is held: ``a(s) = a_cmd + (a0 - a_cmd) exp(-s/τ)`` (:func:`advance_lag`),
and flown as its mean over the step (:func:`lag_mean`), which gives the exact
change of velocity; ``τ = 0`` is a perfect autopilot.

Command hold: the command is constant over a step.  The value held is the
mean of the law's command at the step's two ends (:func:`trapezoid_hold`), the
end found by a trial step on the start's command: holding the start's value
alone delays the guidance by half a step: with steps of a tenth of the time
to go it raised the miss of a single-lag loop against a step manoeuvre
(t_F = 2τ) by 31 % for N = 3 and 55 % for N = 4 over Zarchan's closed form,
and put the command history 17 % of the manoeuvre off (measured while this
module was written).

Steps: :data:`STEP_FRACTION_OF_TIME_TO_GO` of the time to go ``|r|/Vc``,
within [:data:`MIN_STEP_S`, :data:`MAX_STEP_S`] (:func:`homing_step_s`).

Closest approach: the relative motion over the step in which the range starts
to open is taken as the straight line between the relative positions at the
step's two ends, and its nearest point is solved in closed form
(:func:`closest_approach`), so the miss distance does not depend on where the
steps fall (exact for uniform relative motion).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from airguard._jit import njit
from airguard.dynamics import EARTH_MU_M3_S2, FLAT, LATERAL, P_BURN, body_params, rk4_step

__all__ = [
    "AUGMENTED_PN",
    "DEFAULT_MAX_TIME_S",
    "LAWS",
    "MAX_STEP_S",
    "MIN_STEP_S",
    "STEP_FRACTION_OF_TIME_TO_GO",
    "TRUE_PN",
    "HomingLaw",
    "HomingScratch",
    "InterceptResult",
    "Motor",
    "advance_lag",
    "closest_approach",
    "fly_held",
    "held_command",
    "hold_line",
    "homing_command",
    "homing_scratch",
    "homing_step_s",
    "intercept",
    "lag_factor",
    "lag_mean",
    "lateral_part",
    "limit_magnitude",
    "pn_command",
    "seeker_noise",
    "trapezoid_hold",
]

TRUE_PN = 0
"""`law` code of true proportional navigation (Zarchan ch. 2)."""
AUGMENTED_PN = 1
"""`law` code of augmented proportional navigation (Zarchan ch. 8)."""
LAWS = {"true": TRUE_PN, "augmented": AUGMENTED_PN}
"""Names of the guidance laws accepted by :func:`intercept`."""

STEP_FRACTION_OF_TIME_TO_GO = 0.03
"""A homing step is this fraction of the time to go ... (with the trapezoidal hold, misses
of a lagged loop within about 1 % of the converged value; 0.1 gives about 3 %)"""
MIN_STEP_S = 0.002
"""... but at least this long (s) ..."""
MAX_STEP_S = 0.5
"""... and at most this long (s)."""

GUIDANCE_START_SPEED_MPS = 300.0
"""Interceptors hold their launch line until this fast (notional: no guidance during the
first moments of boost, as for real vertical or canted launches; the autopilot holds the
attitude, :func:`hold_line`)."""

DEFAULT_MAX_TIME_S = 600.0
"""Flight-time limit of :func:`intercept` when none is given (s)."""

_RUNNING, _CLOSEST_APPROACH, _TIME_LIMIT = 0, 1, 2
_CHUNK_ROWS = 512


# ---------------------------------------------------------------------------
# kernels


@njit
def _lateral(vx: float, vy: float, vz: float, a: np.ndarray) -> tuple[float, float, float]:
    """`a` (3,) with its part along the velocity ``(vx, vy, vz)`` removed."""
    ax, ay, az = a[0], a[1], a[2]
    v2 = vx * vx + vy * vy + vz * vz
    if v2 > 0.0:
        al = (ax * vx + ay * vy + az * vz) / v2
        ax -= al * vx
        ay -= al * vy
        az -= al * vz
    return ax, ay, az


@njit
def pn_command(
    rel_pos: np.ndarray,
    rel_vel: np.ndarray,
    missile_vel: np.ndarray,
    navigation_ratio: float,
    law: int,
    target_accel: np.ndarray,
    out: np.ndarray,
) -> float:
    """Lateral acceleration command of true or augmented PN; returns the closing speed.

    Parameters
    ----------
    rel_pos : (3,) float64
        Target position minus missile position, m, any Cartesian frame.
    rel_vel : (3,) float64
        Target velocity minus missile velocity, m/s, same frame.
    missile_vel : (3,) float64
        Missile velocity, m/s; the command is made perpendicular to it (a zero
        vector leaves the command across the line of sight).
    navigation_ratio
        Effective navigation ratio N (Zarchan's N'), dimensionless.
    law
        :data:`TRUE_PN` or :data:`AUGMENTED_PN`.
    target_accel : (3,) float64
        Target acceleration, m/s², used by :data:`AUGMENTED_PN` only.
    out : (3,) float64
        Receives the command, m/s² (not limited in magnitude; see
        :func:`limit_magnitude`).  Zero while the range opens.

    Returns
    -------
    float
        Closing speed ``Vc = -(r · v)/|r|``, m/s (0 when ``r = 0``).

    Notes
    -----
    ``a = N Vc (Ω × r̂) = N Vc v⊥/|r|`` (true PN, Zarchan ch. 2), plus
    ``(N/2) a_T⊥`` for augmented PN (Zarchan ch. 8), ⊥ meaning the part across
    the line of sight; then the part along `missile_vel` is removed.
    """
    rx, ry, rz = rel_pos[0], rel_pos[1], rel_pos[2]
    vx, vy, vz = rel_vel[0], rel_vel[1], rel_vel[2]
    r2 = rx * rx + ry * ry + rz * rz
    out[0], out[1], out[2] = 0.0, 0.0, 0.0
    if r2 == 0.0:
        return 0.0
    rn = math.sqrt(r2)
    rv = rx * vx + ry * vy + rz * vz
    vc: float = -rv / rn
    if vc <= 0.0:
        return vc
    # N Vc (Omega x r^) = N Vc (v - (v.r^) r^) / |r|
    k = navigation_ratio * vc / rn
    s = rv / r2
    ax = k * (vx - s * rx)
    ay = k * (vy - s * ry)
    az = k * (vz - s * rz)
    if law == AUGMENTED_PN:
        tx, ty, tz = target_accel[0], target_accel[1], target_accel[2]
        tl = (tx * rx + ty * ry + tz * rz) / r2
        h = 0.5 * navigation_ratio
        ax += h * (tx - tl * rx)
        ay += h * (ty - tl * ry)
        az += h * (tz - tl * rz)
    out[0], out[1], out[2] = ax, ay, az
    lateral_part(out, missile_vel)
    return vc


@njit
def lateral_part(accel: np.ndarray, velocity: np.ndarray) -> None:
    """Remove from `accel` (3,) in place its part along `velocity` (3,) (nothing if at rest)."""
    ax, ay, az = _lateral(velocity[0], velocity[1], velocity[2], accel)
    accel[0], accel[1], accel[2] = ax, ay, az


@njit
def limit_magnitude(accel: np.ndarray, max_accel: float) -> float:
    """Scale `accel` (3,) in place to at most `max_accel` (m/s²); returns its magnitude."""
    an: float = math.sqrt(accel[0] * accel[0] + accel[1] * accel[1] + accel[2] * accel[2])
    if an > max_accel:
        s = max_accel / an
        accel[0] *= s
        accel[1] *= s
        accel[2] *= s
        return max_accel
    return an


@njit
def closest_approach(
    r0x: float, r0y: float, r0z: float, r1x: float, r1y: float, r1z: float
) -> tuple[float, float]:
    """Closest approach of straight-line relative motion from ``r0`` to ``r1``.

    `r0`, `r1` are the relative positions (m) at the two ends of a step.
    Returns ``(fraction, miss_m)``: the fraction of the step, in [0, 1], at
    which ``|r0 + f (r1 - r0)|`` is least, and that least distance.  Exact when
    the relative motion over the step is uniform (Zarchan ch. 2, the miss of an
    engagement in uniform relative motion).
    """
    dx, dy, dz = r1x - r0x, r1y - r0y, r1z - r0z
    dd = dx * dx + dy * dy + dz * dz
    f = 0.0 if dd == 0.0 else min(max(-(r0x * dx + r0y * dy + r0z * dz) / dd, 0.0), 1.0)
    mx, my, mz = r0x + f * dx, r0y + f * dy, r0z + f * dz
    return f, math.sqrt(mx * mx + my * my + mz * mz)


@njit
def lag_factor(h_s: float, tau_s: float) -> float:
    """``exp(-h/τ)``: what is left after `h_s` of a first-order lag's initial error (0 if τ <= 0)."""
    if tau_s <= 0.0:
        return 0.0
    return math.exp(-h_s / tau_s)


@njit
def lag_mean(
    achieved: np.ndarray, command: np.ndarray, h_s: float, tau_s: float, out: np.ndarray
) -> None:
    """Mean over a step of `h_s` of the lagged acceleration, into `out` (3,).

    With the command held, ``a(s) = a_cmd + (a0 - a_cmd) exp(-s/τ)``, whose mean
    over the step is ``a_cmd + (a0 - a_cmd) (τ/h)(1 - exp(-h/τ))``: held over
    the step, it gives the exact change of velocity (``a_cmd`` when τ = 0).
    """
    # (tau/h)(1 - exp(-h/tau)), 0 without lag
    w = 0.0 if tau_s <= 0.0 or h_s <= 0.0 else -tau_s / h_s * math.expm1(-h_s / tau_s)
    for i in range(3):
        out[i] = command[i] + (achieved[i] - command[i]) * w


@njit
def advance_lag(achieved: np.ndarray, command: np.ndarray, h_s: float, tau_s: float) -> None:
    """Advance the achieved acceleration `achieved` (3,) over `h_s` in place.

    First-order autopilot ``da/dt = (a_cmd - a)/τ`` with the command (3,) held
    over the step, solved exactly: ``a1 = a_cmd + (a0 - a_cmd) exp(-h/τ)``
    (Zarchan ch. 3, the single-time-constant guidance system).  ``τ = 0``
    gives ``a1 = a_cmd``.
    """
    e = lag_factor(h_s, tau_s)
    for i in range(3):
        achieved[i] = command[i] + (achieved[i] - command[i]) * e


@njit
def seeker_noise(
    last: np.ndarray,
    achieved: np.ndarray,
    st: np.ndarray,
    t_s: float,
    range_m: float,
    closing_mps: float,
    h_s: float,
    density_rad2_hz: float,
    sample_s: float,
    law: HomingLaw,
    s: HomingScratch,
    rng: np.random.Generator,
) -> None:
    """The seeker's angle noise at the start (`t_s`) of a homing step of `h_s`, passed into
    the loop.

    The seeker sees the line of sight (``s.rel``: target minus missile, `range_m` long, as
    :func:`homing_command` left it) off by an angle `n` across it, white with spectral
    density `density_rad2_hz` (Zarchan's range-independent noise), measured every
    `sample_s` and held in between (a step shorter than that draws nothing new, so the
    noise's band ends at the seeker's rate, as in Zarchan's discrete simulations): a
    measurement at least `sample_s` after the last is the mean of the noise since then,
    each component with variance density / (time since the last).  Proportional
    navigation differentiates the measured line of sight, so the noise adds
    ``N' Vc dn/dt`` to the command; through the autopilot's single lag τ
    (:func:`advance_lag`) a jump Δn of the held sample moves the achieved acceleration
    `achieved` (3,) at once by ``N' Vc Δn / τ`` (made lateral to the missile's velocity
    ``st[3:6]``, and limited to ``law.max_accel_mps2``), then decays with τ: the loop of
    Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., ch. 4 and 6, with the
    noise entering before the guidance filter.  Without a lag (τ = 0) the jump goes to
    the velocity.  `last` (4,): the previous sample (nan: the seeker has just acquired,
    and the first sample sets it with no jump) and its time.
    """
    if range_m <= 0.0 or h_s <= 0.0:
        return
    first = math.isnan(last[0])
    if not first and t_s < last[3] + sample_s - 1e-9:
        return  # the seeker's last measurement still holds
    rel, kick = s.rel, s.cmd1  # cmd1: free until the step's trial (held_command)
    # a measurement is the mean of the noise since the last one
    sigma = math.sqrt(density_rad2_hz / (sample_s if first else t_s - last[3]))
    last[3] = t_s
    ux, uy, uz = rel[0] / range_m, rel[1] / range_m, rel[2] / range_m
    # two unit vectors across the line of sight
    if abs(uz) < 0.9:
        ax, ay, az = -uy, ux, 0.0
    else:
        ax, ay, az = 0.0, -uz, uy
    an = math.sqrt(ax * ax + ay * ay + az * az)
    ax, ay, az = ax / an, ay / an, az / an
    bx, by, bz = uy * az - uz * ay, uz * ax - ux * az, ux * ay - uy * ax
    g1 = sigma * rng.standard_normal()
    g2 = sigma * rng.standard_normal()
    nx, ny, nz = g1 * ax + g2 * bx, g1 * ay + g2 * by, g1 * az + g2 * bz
    if first:
        last[0], last[1], last[2] = nx, ny, nz
        return
    gain = law.navigation_ratio * max(closing_mps, 0.0)
    kick[0], kick[1], kick[2] = gain * (nx - last[0]), gain * (ny - last[1]), gain * (nz - last[2])
    lateral_part(kick, st[3:6])
    last[0], last[1], last[2] = nx, ny, nz
    if law.lag_s > 0.0:
        for i in range(3):
            achieved[i] += kick[i] / law.lag_s
        limit_magnitude(achieved, law.max_accel_mps2)
    else:
        for i in range(3):
            st[3 + i] += kick[i]


@njit
def homing_step_s(
    range_m: float, closing_mps: float, fraction: float, min_step_s: float, max_step_s: float
) -> float:
    """Homing step: `fraction` of the time to go ``|r|/max(Vc, 1 m/s)``, within [min, max] (s)."""
    tgo = range_m / max(closing_mps, 1.0)
    return min(max(fraction * tgo, min_step_s), max_step_s)


@njit
def trapezoid_hold(
    cmd_start: np.ndarray,
    cmd_end: np.ndarray,
    range_end_m: float,
    closing_end_mps: float,
    h_s: float,
    out: np.ndarray,
) -> None:
    """The command (3,) to hold over a step: the mean of the law's commands at its two ends.

    `cmd_end` is the law's command at the end of a trial step flown on
    `cmd_start`, with the range and closing speed there.  Holding the mean
    (the trapezoidal rule, one predictor–corrector pass) makes the held
    command second-order accurate in the step, where holding `cmd_start` is
    first-order (it delays the guidance by about half a step).  In the last two
    steps before the closest approach (time to go at the trial's end under
    two steps, or the range opening) the line of sight turns within a step
    and `cmd_start` is held.
    """
    if closing_end_mps > 0.0 and range_end_m > 2.0 * h_s * closing_end_mps:
        for i in range(3):
            out[i] = 0.5 * (cmd_start[i] + cmd_end[i])
    else:
        for i in range(3):
            out[i] = cmd_start[i]


@njit
def hold_line(st: np.ndarray, out: np.ndarray) -> None:
    """The lateral acceleration (3,) that holds a body at ``st`` (ECEF position, m, and
    velocity, m/s) on a straight line: minus the part of the central gravity
    ``-μ r/|r|³`` across its velocity, into `out`.

    The engine's interceptors fly it in early boost, before guidance starts (an autopilot
    holding the launch attitude, where an unsteered body leaving its launcher at a few
    tens of m/s would droop under gravity to the ground), and the reach tables' fly-outs
    likewise (:mod:`airguard.reach`).
    """
    r3 = (st[0] ** 2 + st[1] ** 2 + st[2] ** 2) ** 1.5
    sp2 = st[3] ** 2 + st[4] ** 2 + st[5] ** 2
    g = -EARTH_MU_M3_S2 / r3
    gx, gy, gz = g * st[0], g * st[1], g * st[2]
    along = (gx * st[3] + gy * st[4] + gz * st[5]) / sp2 if sp2 > 0.0 else 0.0
    out[0] = -(gx - along * st[3])
    out[1] = -(gy - along * st[4])
    out[2] = -(gz - along * st[5])


# ---------------------------------------------------------------------------
# the homing step: one loop for the engine's fly-out and the calculator


class HomingLaw(NamedTuple):
    """The constants of a homing loop: its law, autopilot, limit and frame.

    The engine's fly-out (:func:`airguard.engine.flyout.fly_interceptor`) and the
    calculator (:func:`intercept`) step with the same kernels
    (:func:`homing_command`, :func:`held_command`, :func:`fly_held`,
    :func:`advance_lag`) and differ only in these constants: the engine flies in
    the Earth-centred frame under the full model with gravity compensated; the
    calculator in a flat, gravity-free frame with the command across the velocity.
    """

    navigation_ratio: float  # effective navigation ratio N (Zarchan's N')
    law: int  # TRUE_PN or AUGMENTED_PN
    max_accel_mps2: float  # limit on the magnitude of the lateral command, m/s²
    lag_s: float  # autopilot time constant τ, s (0: none)
    gravity_comp: bool  # add the part of gravity across the line of sight (ECEF frames)
    frame: int  # flags of airguard.dynamics.rk4_step (FULL, or FLAT | LATERAL)


class HomingScratch(NamedTuple):
    """Work arrays of a homing step (views of one array: :func:`homing_scratch`)."""

    rel: np.ndarray  # (6,) target minus missile: position, m; velocity, m/s
    gcomp: np.ndarray  # (3,) gravity compensation, m/s²
    trial: np.ndarray  # (6,) the trial step's state
    mean: np.ndarray  # (3,) the lagged acceleration's mean over a step, m/s²
    cmd0: np.ndarray  # (3,) the law's command at a step's start, m/s²
    cmd1: np.ndarray  # (3,) ... and at the trial step's end, m/s²


HOMING_SCRATCH_SIZE = 24
"""Length of the array :func:`homing_scratch` cuts into views."""


@njit(inline="always")
def homing_scratch(work: np.ndarray) -> HomingScratch:
    """The views of `work` (at least :data:`HOMING_SCRATCH_SIZE` long) a homing step uses."""
    return HomingScratch(work[0:6], work[6:9], work[9:15], work[15:18], work[18:21], work[21:24])


@njit(inline="always")
def homing_command(
    st: np.ndarray,
    tgt: np.ndarray,
    law: HomingLaw,
    target_accel: np.ndarray,
    s: HomingScratch,
    out: np.ndarray,
) -> tuple[float, float, float]:
    """The law's limited lateral command for a missile at ``st`` against a target at ``tgt``.

    Proportional navigation (:func:`pn_command`, made lateral to the missile's
    velocity), plus, with ``law.gravity_comp``, the part of gravity across the
    line of sight (made lateral too; ``st`` then in an Earth-centred frame), limited
    in magnitude (:func:`limit_magnitude`).  ``st``, ``tgt``: (6,) position (m) and
    velocity (m/s); `target_accel` (3,): for augmented PN.  Leaves the relative state
    in ``s.rel``.  Returns (range m, closing speed m/s, magnitude of the command m/s²).
    """
    rel, gcomp = s.rel, s.gcomp
    for i in range(3):
        rel[i] = tgt[i] - st[i]
        rel[3 + i] = tgt[3 + i] - st[3 + i]
    vc = pn_command(rel[0:3], rel[3:6], st[3:6], law.navigation_ratio, law.law, target_accel, out)
    rn = math.sqrt(rel[0] ** 2 + rel[1] ** 2 + rel[2] ** 2)
    if law.gravity_comp:
        sr = math.sqrt(st[0] ** 2 + st[1] ** 2 + st[2] ** 2)
        g = EARTH_MU_M3_S2 / (sr * sr)
        gl = -g * (st[0] * rel[0] + st[1] * rel[1] + st[2] * rel[2]) / (sr * rn * rn)
        for i in range(3):
            # minus the part of gravity across the line of sight
            gcomp[i] = g * st[i] / sr + gl * rel[i]
        lateral_part(gcomp, st[3:6])
        for i in range(3):
            out[i] += gcomp[i]
    an = limit_magnitude(out, law.max_accel_mps2)
    return rn, vc, an


@njit(inline="always")
def held_command(
    st: np.ndarray,
    achieved: np.ndarray,
    cmd: np.ndarray,
    tgt_end: np.ndarray,
    h_s: float,
    age_s: float,
    params: np.ndarray,
    law: HomingLaw,
    target_accel: np.ndarray,
    s: HomingScratch,
) -> None:
    """Replace `cmd`, the law's command at a step's start, by the command to hold over it.

    A trial step of `h_s` from ``st`` on `cmd` (through the autopilot's lag, from the
    achieved acceleration `achieved`) finds the law's command at the step's end against
    the target's state there, `tgt_end` (6,); the mean of both ends is held
    (:func:`trapezoid_hold`).  `age_s`: time since the motor's ignition; `params`: the
    body (:func:`airguard.dynamics.body_params`).  ``st`` and `achieved` are unchanged.
    """
    trial, mean, cmd0, cmd1 = s.trial, s.mean, s.cmd0, s.cmd1
    trial[:] = st
    lag_mean(achieved, cmd, h_s, law.lag_s, mean)
    rk4_step(trial, age_s, h_s, params, mean, law.frame)
    rn1, vc1, _ = homing_command(trial, tgt_end, law, target_accel, s, cmd1)
    cmd0[:] = cmd
    trapezoid_hold(cmd0, cmd1, rn1, vc1, h_s, cmd)


@njit(inline="always")
def fly_held(
    st: np.ndarray,
    achieved: np.ndarray,
    cmd: np.ndarray,
    h_s: float,
    age_s: float,
    params: np.ndarray,
    law: HomingLaw,
    s: HomingScratch,
) -> None:
    """Advance ``st`` (6,) by `h_s` with `cmd` held, flown through the autopilot's lag.

    The lagged acceleration's mean over the step (:func:`lag_mean`, from `achieved`)
    is held in the shared integrator (:func:`airguard.dynamics.rk4_step`, flags
    ``law.frame``; `age_s` since ignition).  `achieved` is left at the step's start:
    the caller advances it (:func:`advance_lag`) over the part of the step it keeps.
    """
    lag_mean(achieved, cmd, h_s, law.lag_s, s.mean)
    rk4_step(st, age_s, h_s, params, s.mean, law.frame)


@dataclass(frozen=True)
class Motor:
    """A rocket motor for :func:`intercept`: constant thrust along the velocity from t = 0.

    The mass falls linearly from `mass0_kg` to `burnout_mass_kg` over
    `burn_time_s`; in the calculator's gravity-free, drag-free frame the speed
    then follows Tsiolkovsky's equation, ``v(t) = v0 + c ln(m0/m(t))`` with
    ``c = F/ṁ`` (Sutton & Biblarz, *Rocket Propulsion Elements*, §4.3).
    """

    thrust_n: float
    burn_time_s: float
    mass0_kg: float
    burnout_mass_kg: float

    def __post_init__(self) -> None:
        for name in ("thrust_n", "burn_time_s", "mass0_kg", "burnout_mass_kg"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"motor.{name}: expected a finite value > 0, got {value!r}")
        if self.burnout_mass_kg >= self.mass0_kg:
            raise ValueError(
                f"motor: burnout_mass_kg ({self.burnout_mass_kg:g}) must be less than "
                f"mass0_kg ({self.mass0_kg:g})"
            )

    def params(self) -> NDArray[np.float64]:
        """Body parameters (:func:`airguard.dynamics.body_params`) of the motor."""
        return body_params(
            thrust_n=self.thrust_n,
            mass0_kg=self.mass0_kg,
            burnout_mass_kg=self.burnout_mass_kg,
            burn_time_s=self.burn_time_s,
        )


_COAST = body_params()


@njit
def _target_at(target: np.ndarray, t_s: float, out: np.ndarray) -> None:
    """Target state at `t_s` from ``target = [p0 (3), v0 (3), a (3)]``: constant acceleration."""
    for i in range(3):
        a = target[6 + i]
        out[i] = target[i] + (target[3 + i] + 0.5 * a * t_s) * t_s
        out[3 + i] = target[3 + i] + a * t_s


@njit
def _record(
    n: int,
    t_s: float,
    cmd_mps2: float,
    missile: np.ndarray,
    tgt: np.ndarray,
    time_out: np.ndarray,
    cmd_out: np.ndarray,
    missile_out: np.ndarray,
    target_out: np.ndarray,
) -> int:
    """Write row `n`: time, command, missile position and velocity (6), target position."""
    time_out[n] = t_s
    cmd_out[n] = cmd_mps2
    for i in range(3):
        missile_out[n, i] = missile[i]
        missile_out[n, 3 + i] = missile[3 + i]
        target_out[n, i] = tgt[i]
    return n + 1


@njit
def _command(
    missile: np.ndarray,
    target: np.ndarray,
    t_s: float,
    law: HomingLaw,
    tgt: np.ndarray,
    s: HomingScratch,
    out: np.ndarray,
) -> tuple[float, float, float]:
    """Limited guidance command at `t_s` into `out`; returns (closing speed, range, |command|).

    Leaves the target state in `tgt` and the relative state in ``s.rel``.
    """
    _target_at(target, t_s, tgt)
    rn, vc, an = homing_command(missile, tgt, law, target[6:], s, out)
    return vc, rn, an


@njit
def _fly_homing(
    missile: np.ndarray,
    achieved: np.ndarray,
    clock: np.ndarray,
    target: np.ndarray,
    law: HomingLaw,
    max_time_s: float,
    step_fraction: float,
    min_step_s: float,
    max_step_s: float,
    params: np.ndarray,
    time_out: np.ndarray,
    cmd_out: np.ndarray,
    missile_out: np.ndarray,
    target_out: np.ndarray,
) -> int:
    """Fly a missile against a constant-acceleration target; returns rows written.

    The step is the engine's (:func:`homing_command`, :func:`held_command`,
    :func:`fly_held`, :func:`advance_lag`) in the calculator's frame (`law`).  The
    missile's speed changes only by the motor of `params` (none: constant); a step
    that starts while the motor burns ends at its burnout at the latest.

    `missile` (6,) and `achieved` (3,) are advanced in place; ``clock = [t,
    status, miss]`` carries the time, the status (running, closest approach,
    time limit) and the miss distance.  Stops early, still running, when the
    output arrays are full, so a caller may continue with fresh arrays.
    """
    cap = time_out.shape[0]
    n = 0
    tgt = np.empty(6)
    tgt1 = np.empty(6)
    rel0 = np.empty(3)
    cmd = np.empty(3)
    start = np.empty(6)
    s = homing_scratch(np.empty(HOMING_SCRATCH_SIZE))
    tacc = target[6:]
    tau_s = law.lag_s
    t = clock[0]
    while n + 2 <= cap:
        vc, rn, an = _command(missile, target, t, law, tgt, s, cmd)
        n = _record(n, t, an, missile, tgt, time_out, cmd_out, missile_out, target_out)
        if vc <= 0.0:  # already opening: the closest approach is now
            clock[0], clock[1], clock[2] = t, _CLOSEST_APPROACH, rn
            return n
        h = min(homing_step_s(rn, vc, step_fraction, min_step_s, max_step_s), max_time_s - t)
        if t < params[P_BURN] - 1e-9:
            h = min(h, params[P_BURN] - t)  # end a step at burnout
        if h <= 1e-12:
            clock[0], clock[1], clock[2] = t, _TIME_LIMIT, rn
            return n
        start[:] = missile
        rel0[:] = s.rel[0:3]
        _target_at(target, t + h, tgt1)
        held_command(missile, achieved, cmd, tgt1, h, t, params, law, tacc, s)
        fly_held(missile, achieved, cmd, h, t, params, law, s)
        _target_at(target, t + h, tgt)
        r1x, r1y, r1z = tgt[0] - missile[0], tgt[1] - missile[1], tgt[2] - missile[2]
        v1x, v1y, v1z = tgt[3] - missile[3], tgt[4] - missile[4], tgt[5] - missile[5]
        if r1x * v1x + r1y * v1y + r1z * v1z >= 0.0:
            # the range opens by the step's end: closest approach inside the step
            f, miss = closest_approach(rel0[0], rel0[1], rel0[2], r1x, r1y, r1z)
            # put the recorded states at that moment on the integrated trajectory
            missile[:] = start
            fly_held(missile, achieved, cmd, f * h, t, params, law, s)
            advance_lag(achieved, cmd, f * h, tau_s)
            t_cpa = t + f * h
            _target_at(target, t_cpa, tgt)
            n = _record(n, t_cpa, an, missile, tgt, time_out, cmd_out, missile_out, target_out)
            clock[0], clock[1], clock[2] = t_cpa, _CLOSEST_APPROACH, miss
            return n
        advance_lag(achieved, cmd, h, tau_s)
        t += h
        clock[0] = t
    return n


# ---------------------------------------------------------------------------
# calculator


@dataclass(frozen=True, eq=False)
class InterceptResult:
    """A homing engagement flown by :func:`intercept`; a thin view over its samples.

    Attributes
    ----------
    miss_distance_m : float
        Distance at the closest approach, m (solved inside the last step from
        the relative positions at its two ends).  If the flight time limit came
        first, the range at that time.
    time_of_flight_s : float
        Time from the start to the closest approach (or to the time limit), s.
    reached_closest_approach : bool
        False if the time limit ended the flight while the range still closed.
    time_s : (n,) float64
        Sample times, s: the start of every integration step, and the closest
        approach last.
    commanded_acceleration_mps2 : (n,) float64
        Magnitude of the guidance law's command at ``time_s[k]``, after the
        projection across the missile's velocity and the limit, m/s² (the
        command held over a step is the mean of this and the law's value at
        the step's end); the last sample repeats the one before.
    missile_position_m : (n, 3) float64
        Missile positions at ``time_s``, m, in the caller's frame.
    missile_velocity_mps : (n, 3) float64
        Missile velocities at ``time_s``, m/s.
    target_position_m : (n, 3) float64
        Target positions at ``time_s``, m.
    """

    miss_distance_m: float
    time_of_flight_s: float
    reached_closest_approach: bool
    time_s: NDArray[np.float64]
    commanded_acceleration_mps2: NDArray[np.float64]
    missile_position_m: NDArray[np.float64]
    missile_velocity_mps: NDArray[np.float64]
    target_position_m: NDArray[np.float64]


def _vector3(name: str, value: Sequence[float] | NDArray[np.float64]) -> NDArray[np.float64]:
    v = np.asarray(value, dtype=np.float64)
    if v.shape != (3,):
        raise ValueError(f"{name}: expected 3 components (x, y, z), got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name}: expected finite components, got {v.tolist()}")
    return v


def intercept(
    missile_position_m: Sequence[float] | NDArray[np.float64],
    missile_velocity_mps: Sequence[float] | NDArray[np.float64],
    target_position_m: Sequence[float] | NDArray[np.float64],
    target_velocity_mps: Sequence[float] | NDArray[np.float64],
    target_acceleration_mps2: Sequence[float] | NDArray[np.float64] = (0.0, 0.0, 0.0),
    navigation_ratio: float = 4.0,
    autopilot_lag_s: float = 0.0,
    max_acceleration_mps2: float = float("inf"),
    *,
    law: str = "true",
    max_time_s: float | None = None,
    motor: Motor | None = None,
) -> InterceptResult:
    """Fly a proportional-navigation homing engagement to its closest approach.

    A flat, gravity-free engagement in any Cartesian frame: the missile keeps
    its speed (its only acceleration is the autopilot's, perpendicular to its
    velocity) unless a `motor` is given, whose thrust along the velocity then
    adds speed while it burns; the target flies with a constant acceleration
    vector.  The
    guidance law (:func:`pn_command`, :func:`limit_magnitude`) works on the
    true relative state; each step holds the mean of its command at the
    step's two ends (:func:`trapezoid_hold`), the autopilot's first-order lag
    follows it exactly (:func:`lag_mean`, :func:`advance_lag`), and the
    missile is advanced by classical RK4.  Steps are 3 % of the time to go
    within [2 ms, 0.5 s] (:func:`homing_step_s`); the flight ends at the first
    closest approach, solved inside the step in which the range starts to open
    (:func:`closest_approach`).

    Sources: Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., AIAA
    2012: ch. 2 (true PN), ch. 8 (augmented PN), ch. 3 (single-time-constant
    guidance system).

    Parameters
    ----------
    missile_position_m, missile_velocity_mps : (3,) float
        Missile position, m, and velocity, m/s (non-zero) at the start.
    target_position_m, target_velocity_mps : (3,) float
        Target position, m, and velocity, m/s, at the start.
    target_acceleration_mps2 : (3,) float
        Constant target acceleration, m/s² (default none).
    navigation_ratio
        Effective navigation ratio N, >= 0 (default 4; 0 flies straight).
    autopilot_lag_s
        Time constant τ of the autopilot, s, >= 0 (default 0: no lag).
    max_acceleration_mps2
        Limit on the magnitude of the lateral command, m/s², >= 0 (default none).
    law
        ``"true"`` (true PN, default) or ``"augmented"`` (augmented PN).
    max_time_s
        Flight-time limit, s, > 0 (default :data:`DEFAULT_MAX_TIME_S`).
    motor
        A :class:`Motor` igniting at the start (default none: constant speed).

    Returns
    -------
    InterceptResult

    Raises
    ------
    ValueError
        For a vector without 3 finite components, a missile at rest, a negative
        navigation ratio, lag or acceleration limit, an unknown law or a
        non-positive time limit.
    """
    return _intercept(
        missile_position_m,
        missile_velocity_mps,
        target_position_m,
        target_velocity_mps,
        target_acceleration_mps2,
        navigation_ratio,
        autopilot_lag_s,
        max_acceleration_mps2,
        law=law,
        max_time_s=max_time_s,
        motor=motor,
    )


def _intercept(
    missile_position_m: Sequence[float] | NDArray[np.float64],
    missile_velocity_mps: Sequence[float] | NDArray[np.float64],
    target_position_m: Sequence[float] | NDArray[np.float64],
    target_velocity_mps: Sequence[float] | NDArray[np.float64],
    target_acceleration_mps2: Sequence[float] | NDArray[np.float64],
    navigation_ratio: float,
    autopilot_lag_s: float,
    max_acceleration_mps2: float,
    *,
    law: str,
    max_time_s: float | None,
    motor: Motor | None = None,
    step_fraction: float = STEP_FRACTION_OF_TIME_TO_GO,
    min_step_s: float = MIN_STEP_S,
    max_step_s: float = MAX_STEP_S,
) -> InterceptResult:
    """:func:`intercept` with the step rule exposed (for tests of step independence)."""
    mp = _vector3("missile_position_m", missile_position_m)
    mv = _vector3("missile_velocity_mps", missile_velocity_mps)
    tp = _vector3("target_position_m", target_position_m)
    tv = _vector3("target_velocity_mps", target_velocity_mps)
    ta = _vector3("target_acceleration_mps2", target_acceleration_mps2)
    if not np.any(mv):
        raise ValueError("missile_velocity_mps: expected a moving missile, got (0, 0, 0)")
    nav = float(navigation_ratio)
    if not (math.isfinite(nav) and nav >= 0.0):
        raise ValueError(
            f"navigation_ratio: expected a finite number >= 0, got {navigation_ratio!r}"
        )
    tau = float(autopilot_lag_s)
    if not (math.isfinite(tau) and tau >= 0.0):
        raise ValueError(f"autopilot_lag_s: expected a finite time >= 0 s, got {autopilot_lag_s!r}")
    amax = float(max_acceleration_mps2)
    if not amax >= 0.0:
        raise ValueError(
            f"max_acceleration_mps2: expected a limit >= 0 m/s² (inf for none), "
            f"got {max_acceleration_mps2!r}"
        )
    if law not in LAWS:
        raise ValueError(f"law: expected one of {sorted(LAWS)}, got {law!r}")
    t_max = DEFAULT_MAX_TIME_S if max_time_s is None else float(max_time_s)
    if not (math.isfinite(t_max) and t_max > 0.0):
        raise ValueError(f"max_time_s: expected a finite time > 0 s, got {max_time_s!r}")
    if not 0.0 < min_step_s <= max_step_s:
        raise ValueError(
            f"steps: expected 0 < min_step_s <= max_step_s, got {min_step_s}, {max_step_s}"
        )

    if motor is not None and not isinstance(motor, Motor):
        raise ValueError(f"motor: expected an airguard.guidance.Motor, got {motor!r}")
    params = _COAST if motor is None else motor.params()
    missile = np.concatenate([mp, mv])
    target = np.concatenate([tp, tv, ta])
    achieved = np.zeros(3)
    clock = np.array([0.0, float(_RUNNING), math.inf])
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    while clock[1] == _RUNNING:
        t_out = np.empty(_CHUNK_ROWS)
        c_out = np.empty(_CHUNK_ROWS)
        m_out = np.empty((_CHUNK_ROWS, 6))
        g_out = np.empty((_CHUNK_ROWS, 3))
        n = _fly_homing(
            missile,
            achieved,
            clock,
            target,
            HomingLaw(nav, LAWS[law], amax, tau, False, FLAT | LATERAL),
            t_max,
            float(step_fraction),
            float(min_step_s),
            float(max_step_s),
            params,
            t_out,
            c_out,
            m_out,
            g_out,
        )
        parts.append((t_out[:n], c_out[:n], m_out[:n], g_out[:n]))

    def joined(k: int, columns: slice | None = None) -> NDArray[np.float64]:
        a = np.concatenate([p[k] if columns is None else p[k][:, columns] for p in parts])
        a.setflags(write=False)
        return a

    return InterceptResult(
        miss_distance_m=float(clock[2]),
        time_of_flight_s=float(clock[0]),
        reached_closest_approach=bool(clock[1] == _CLOSEST_APPROACH),
        time_s=joined(0),
        commanded_acceleration_mps2=joined(1),
        missile_position_m=joined(2, slice(0, 3)),
        missile_velocity_mps=joined(2, slice(3, 6)),
        target_position_m=joined(3),
    )
