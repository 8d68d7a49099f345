"""Threat evaluation: where a tracked threat will land, what it threatens and how urgently.

From a track's position and velocity (ECEF, m and m/s) this module predicts

* for a ballistic threat, the impact point on the ellipsoid and the time to
  go, by its free flight from the track's state: with the threat type's body (its
  burnt-out mass and drag table, from the threat library: fire control is taken to
  know a track's type), the coasting flight of :mod:`airguard.dynamics` (gravity with
  J2, the Earth's rotation, US76 drag) integrated by RK4; without a body (a phantom,
  whose type nobody knows), a parabola in the gravity at the track's position.  It is
  the same prediction the fire control uses to find intercept points and to aim;
* for an air-breathing threat (cruise missile, drone, aircraft), the closest
  approach of its straight-line track to each defended asset;

then which asset is threatened (an impact, or a closest approach, within the
asset's damage radius plus :data:`THREAT_MARGIN_M`), or none, and a priority:
the threatened asset's value per second to go (Σ value / time is the usual
urgency-weighted form of threat evaluation in the TEWA literature, e.g.
Roux & van Vuuren, "Threat evaluation and weapon assignment decision support:
a review of the state of the art", ORiON 23(2), 2007, §3).  A threat aimed at
no asset keeps :data:`UNAIMED_VALUE_FRACTION` of the smallest asset value: it
may still turn towards one.

The kernels are compiled for the engine (:mod:`airguard.engine` calls them
each fire-control cycle); :func:`evaluate_threat` is the same computation for
one track, from Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit
from airguard.atmosphere import density_and_sound_speed
from airguard.dynamics import (
    EARTH_MU_M3_S2,
    FULL,
    N_PARAMS,
    P_MASS0,
    acceleration,
    drag_area_m2,
    height_m,
    mass_kg,
    rk4_step,
)

__all__ = [
    "DRAG_NEGLIGIBLE_MPS2",
    "FREE_STEP_S",
    "MIN_TIME_TO_GO_S",
    "NO_BODY",
    "PREDICT_STEP_S",
    "THREAT_MARGIN_M",
    "UNAIMED_VALUE_FRACTION",
    "ThreatAssessment",
    "coast_step",
    "coast_step_s",
    "evaluate_kernel",
    "evaluate_threat",
    "predict_acceleration",
    "predict_position",
]

THREAT_MARGIN_M = 10_000.0
"""Added to an asset's damage radius when deciding whether a predicted impact or
closest approach threatens it (m): the prediction is made from a noisy, early
track and a cruise missile's last leg is not yet flown (notional)."""

UNAIMED_VALUE_FRACTION = 0.1
"""Value of a threat aimed at no asset, as a fraction of the smallest asset value."""

MIN_TIME_TO_GO_S = 1.0
"""Floor on the time to go in the priority (s), so that it stays finite."""

_COARSE_STEP_S = 1.0
_MAX_FALL_S = 1200.0

PREDICT_STEP_S = 2.0
"""RK4 step of a ballistic prediction with a body where drag matters (s).  At 2 s the
prediction of a Scud-B's descent from 60 km agrees with its flown trajectory to under a
metre (tests/validation/test_ballistic_prediction.py)."""
FREE_STEP_S = 8.0
"""RK4 step where drag is below :data:`DRAG_NEGLIGIBLE_MPS2` (s): gravity alone bends the
path slowly enough for it."""
DRAG_NEGLIGIBLE_MPS2 = 0.05
"""Drag deceleration below which a prediction takes :data:`FREE_STEP_S` steps (m/s²);
the density it grows with as the body descends is still integrated within the step."""

NO_BODY = np.zeros(N_PARAMS)
"""The body of a ballistic track of unknown type (a phantom): its prediction is the
parabola in the gravity at its position, without drag."""

_COAST_S = 1.0e12
"""Time since launch given to :func:`airguard.dynamics.acceleration` in a prediction: long
after any burnout (the burnt-out mass, no thrust)."""
_NO_CMD = np.zeros(3)


@njit
def coast_step(state: np.ndarray, h_s: float, body: np.ndarray) -> None:
    """Advance ``state[:6]`` by `h_s` along the coasting flight of `body` (one RK4 step;
    `body` not :data:`NO_BODY`)."""
    rk4_step(state, _COAST_S, h_s, body, _NO_CMD, FULL)


@njit
def coast_step_s(state: np.ndarray, body: np.ndarray) -> float:
    """The prediction's RK4 step at this state (s): :data:`FREE_STEP_S` where the drag
    of `body` is negligible, else :data:`PREDICT_STEP_S`."""
    h = height_m(state[0], state[1], state[2], FULL)
    rho, sound = density_and_sound_speed(max(h, 0.0))
    v2 = state[3] ** 2 + state[4] ** 2 + state[5] ** 2
    drag = 0.5 * rho * v2 * drag_area_m2(math.sqrt(v2) / sound, body) / mass_kg(_COAST_S, body)
    return FREE_STEP_S if drag < DRAG_NEGLIGIBLE_MPS2 else PREDICT_STEP_S


@njit
def _gravity_over_r(est: np.ndarray) -> float:
    """−μ / |r|³ at the state's position: times r, the point-mass gravity vector."""
    r = math.sqrt(est[0] ** 2 + est[1] ** 2 + est[2] ** 2)
    g: float = -EARTH_MU_M3_S2 / (r * r * r)
    return g


@njit
def predict_position(
    est: np.ndarray, tau_s: float, ballistic: bool, body: np.ndarray, out: np.ndarray
) -> None:
    """State `tau_s` (≥ 0) after the track state ``est = [r (3), v (3)]`` into ``out[:6]``.

    A straight line; or for a ballistic threat its coasting flight with `body` (its type's
    :mod:`airguard.dynamics` parameters: gravity with J2, rotation, drag), integrated by
    RK4 in steps of :func:`coast_step_s`; or, with :data:`NO_BODY`, a parabola
    in the gravity vector at the track's position (μ r / |r|³).
    """
    for i in range(3):
        out[i] = est[i] + est[3 + i] * tau_s
        out[3 + i] = est[3 + i]
    if not ballistic:
        return
    if body[P_MASS0] <= 0.0:
        g = _gravity_over_r(est)
        for i in range(3):
            out[i] += 0.5 * g * est[i] * tau_s * tau_s
            out[3 + i] += g * est[i] * tau_s
        return
    for i in range(6):
        out[i] = est[i]
    left = tau_s
    while left > 1e-12:
        h = min(coast_step_s(out, body), left)
        coast_step(out, h, body)
        left -= h


@njit
def predict_acceleration(
    est: np.ndarray, ballistic: bool, body: np.ndarray, out: np.ndarray
) -> None:
    """The acceleration (m/s², ECEF) the prediction of :func:`predict_position` starts
    with, into ``out[:3]``: zero on a straight line, gravity (and with a body the Earth's
    rotation and drag) for a ballistic threat."""
    out[0] = out[1] = out[2] = 0.0
    if not ballistic:
        return
    if body[P_MASS0] <= 0.0:
        g = _gravity_over_r(est)
        for i in range(3):
            out[i] = g * est[i]
        return
    ax, ay, az = acceleration(
        est[0], est[1], est[2], est[3], est[4], est[5], _COAST_S, body, _NO_CMD, FULL
    )
    out[0], out[1], out[2] = ax, ay, az


@njit
def _fall_time(est: np.ndarray, body: np.ndarray, buf: np.ndarray) -> float:
    """Seconds until the ballistic prediction reaches the ellipsoid (inf if not within
    20 min); the state there is left in ``buf[:6]``."""
    if height_m(est[0], est[1], est[2], FULL) <= 0.0:
        for i in range(6):
            buf[i] = est[i]
        return 0.0
    if body[P_MASS0] <= 0.0:  # the parabola: a closed form at any time
        lo = 0.0
        hi = _COARSE_STEP_S
        while True:
            predict_position(est, hi, True, body, buf)
            if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
                break
            lo = hi
            hi += _COARSE_STEP_S
            if hi > _MAX_FALL_S:
                return math.inf
        for _ in range(30):  # bisection to about a microsecond
            mid = 0.5 * (lo + hi)
            predict_position(est, mid, True, body, buf)
            if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
                hi = mid
            else:
                lo = mid
        predict_position(est, hi, True, body, buf)
        return hi
    # the integrated flight: step until below the ellipsoid, then bisect the last step
    # (each trial one RK4 step from the state before it)
    s0 = buf[6:12]
    for i in range(6):
        buf[i] = est[i]
    t = 0.0
    while True:
        for i in range(6):
            s0[i] = buf[i]
        h = coast_step_s(buf, body)
        coast_step(buf, h, body)
        if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
            break
        t += h
        if t > _MAX_FALL_S:
            return math.inf
    lo, hi = 0.0, h
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        for i in range(6):
            buf[i] = s0[i]
        coast_step(buf, mid, body)
        if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
            hi = mid
        else:
            lo = mid
    for i in range(6):
        buf[i] = s0[i]
    coast_step(buf, hi, body)
    return t + hi


@njit
def evaluate_kernel(
    est: np.ndarray,
    ballistic: bool,
    body: np.ndarray,
    asset_pos: np.ndarray,
    asset_radius: np.ndarray,
    asset_value: np.ndarray,
    buf: np.ndarray,
) -> tuple[int, float, float]:
    """Threatened asset (or -1), time to go (s) and priority (value per second).

    `est` (6,) is the track's ECEF position and velocity; for a ballistic
    threat (its type's `body`, or :data:`NO_BODY`) the predicted impact point is left
    in ``buf[:3]`` (``buf`` at least (12,): scratch).
    """
    n_assets = asset_pos.shape[0]
    vmin = math.inf
    for a in range(n_assets):
        vmin = min(vmin, asset_value[a])
    best = -1
    tgo = math.inf
    if ballistic:
        tgo = _fall_time(est, body, buf)
        if math.isfinite(tgo):
            best_d = math.inf
            for a in range(n_assets):
                dx = buf[0] - asset_pos[a, 0]
                dy = buf[1] - asset_pos[a, 1]
                dz = buf[2] - asset_pos[a, 2]
                d = math.sqrt(dx * dx + dy * dy + dz * dz)
                if d <= asset_radius[a] + THREAT_MARGIN_M and d < best_d:
                    best, best_d = a, d
    else:
        v2 = est[3] ** 2 + est[4] ** 2 + est[5] ** 2
        nearest = math.inf
        for a in range(n_assets):
            rx = asset_pos[a, 0] - est[0]
            ry = asset_pos[a, 1] - est[1]
            rz = asset_pos[a, 2] - est[2]
            dist = math.sqrt(rx * rx + ry * ry + rz * rz)
            if v2 <= 0.0:
                continue
            nearest = min(nearest, dist / math.sqrt(v2))
            t_cpa = (rx * est[3] + ry * est[4] + rz * est[5]) / v2
            if t_cpa <= 0.0:
                continue
            cx, cy, cz = rx - est[3] * t_cpa, ry - est[4] * t_cpa, rz - est[5] * t_cpa
            miss = math.sqrt(cx * cx + cy * cy + cz * cz)
            if miss <= asset_radius[a] + THREAT_MARGIN_M and t_cpa < tgo:
                best, tgo = a, t_cpa
        if best < 0:
            tgo = nearest
    value = asset_value[best] if best >= 0 else UNAIMED_VALUE_FRACTION * vmin
    return best, tgo, value / max(tgo, MIN_TIME_TO_GO_S)


def _vector3(name: str, value: ArrayLike) -> NDArray[np.float64]:
    v = np.asarray(value, dtype=np.float64)
    if v.shape != (3,):
        raise ValueError(f"{name}: expected 3 components (x, y, z), got shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name}: expected finite components, got {v.tolist()}")
    return v


@dataclass(frozen=True)
class ThreatAssessment:
    """The evaluation of one track (see the module docstring).

    Attributes
    ----------
    asset : int
        Index of the threatened asset, or -1 for none.
    time_to_go_s : float
        Ballistic: until the predicted impact.  Air-breathing: until the
        closest approach to the threatened asset, or, when none is threatened,
        the straight-line time to the nearest asset.  inf when it does not
        come within 20 minutes (ballistic) or does not move.
    priority : float
        Value of the threatened asset per second to go.
    impact_point_m : (3,) float64 or None
        Predicted ECEF impact point of a ballistic threat (None otherwise).
    """

    asset: int
    time_to_go_s: float
    priority: float
    impact_point_m: NDArray[np.float64] | None


def evaluate_threat(
    position_m: ArrayLike,
    velocity_mps: ArrayLike,
    *,
    ballistic: bool,
    asset_positions_m: ArrayLike,
    asset_radii_m: ArrayLike,
    asset_values: ArrayLike,
    body: ArrayLike | None = None,
) -> ThreatAssessment:
    """Evaluate one track against the defended assets.

    Parameters
    ----------
    position_m, velocity_mps : (3,)
        Track state, ECEF (m, m/s).
    ballistic
        Predict free fall (True) or a straight line (False).
    asset_positions_m : (A, 3)
        Asset aim points, ECEF (m).
    asset_radii_m, asset_values : (A,)
        Damage radii (m) and relative values (> 0).
    body : (N_PARAMS,), optional
        The threat type's :func:`airguard.dynamics.body_params` (burnt-out mass, drag):
        a ballistic track then coasts with J2, the Earth's rotation and drag.  None: the
        parabola in the gravity at the track's position.
    """
    pos_m = _vector3("position_m", position_m)
    vel = _vector3("velocity_mps", velocity_mps)
    est = np.concatenate([pos_m, vel])
    pos = np.asarray(asset_positions_m, dtype=np.float64)
    if pos.ndim != 2 or pos.shape[1] != 3 or pos.shape[0] == 0:
        raise ValueError(f"asset_positions_m: expected shape (A, 3) with A >= 1, got {pos.shape}")
    n_assets = pos.shape[0]
    radius = np.asarray(asset_radii_m, dtype=np.float64)
    value = np.asarray(asset_values, dtype=np.float64)
    for name, arr in (("asset_radii_m", radius), ("asset_values", value)):
        if arr.shape != (n_assets,):
            raise ValueError(
                f"{name}: expected shape ({n_assets},) to match the assets, got {arr.shape}"
            )
    if not np.all(np.isfinite(pos)):
        raise ValueError("asset_positions_m: expected finite coordinates")
    if not np.all(np.isfinite(radius) & (radius >= 0.0)):
        raise ValueError(f"asset_radii_m: expected finite radii >= 0 m, got {radius.tolist()}")
    if not np.all(np.isfinite(value) & (value > 0.0)):
        raise ValueError(f"asset_values: expected finite values > 0, got {value.tolist()}")
    if body is None:
        shape = NO_BODY
    else:
        shape = np.asarray(body, dtype=np.float64)
        if shape.shape != NO_BODY.shape or not np.all(np.isfinite(shape)):
            raise ValueError(
                f"body: expected {NO_BODY.size} finite parameters (airguard.dynamics."
                f"body_params), got shape {shape.shape}"
            )
    buf = np.zeros(12)
    asset, tgo, priority = evaluate_kernel(est, ballistic, shape, pos, radius, value, buf)
    impact = buf[:3].copy() if ballistic and math.isfinite(tgo) else None
    return ThreatAssessment(int(asset), float(tgo), float(priority), impact)
