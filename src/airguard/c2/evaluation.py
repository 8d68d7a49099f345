"""Threat evaluation: where a tracked threat will land, what it threatens and how urgently.

From a track's position and velocity (ECEF, m and m/s) this module predicts

* for a ballistic threat, the impact point on the ellipsoid and the time to
  go, by free fall under the gravity at the track's position (a parabola in
  the local gravity field — good for the descent the defence engages; it is
  the same prediction the fire control uses to find intercept points);
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
from airguard.dynamics import EARTH_MU_M3_S2, FULL, height_m

__all__ = [
    "MIN_TIME_TO_GO_S",
    "THREAT_MARGIN_M",
    "UNAIMED_VALUE_FRACTION",
    "ThreatAssessment",
    "evaluate_kernel",
    "evaluate_threat",
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


@njit
def predict_position(est: np.ndarray, tau_s: float, ballistic: bool, out: np.ndarray) -> None:
    """Position `tau_s` after the track state ``est = [r (3), v (3)]`` into ``out[:3]``.

    A straight line, or for a ballistic threat a parabola in the gravity
    vector at the track's position (μ r / |r|³).
    """
    for i in range(3):
        out[i] = est[i] + est[3 + i] * tau_s
    if ballistic:
        r = math.sqrt(est[0] ** 2 + est[1] ** 2 + est[2] ** 2)
        g = -EARTH_MU_M3_S2 / (r * r * r)
        for i in range(3):
            out[i] += 0.5 * g * est[i] * tau_s * tau_s


@njit
def _fall_time(est: np.ndarray, buf: np.ndarray) -> float:
    """Seconds until the ballistic prediction reaches the ellipsoid (inf if not within 20 min)."""
    if height_m(est[0], est[1], est[2], FULL) <= 0.0:
        return 0.0
    lo = 0.0
    hi = _COARSE_STEP_S
    while True:
        predict_position(est, hi, True, buf)
        if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
            break
        lo = hi
        hi += _COARSE_STEP_S
        if hi > _MAX_FALL_S:
            return math.inf
    for _ in range(30):  # bisection to about a microsecond
        mid = 0.5 * (lo + hi)
        predict_position(est, mid, True, buf)
        if height_m(buf[0], buf[1], buf[2], FULL) <= 0.0:
            hi = mid
        else:
            lo = mid
    return hi


@njit
def evaluate_kernel(
    est: np.ndarray,
    ballistic: bool,
    asset_pos: np.ndarray,
    asset_radius: np.ndarray,
    asset_value: np.ndarray,
    buf: np.ndarray,
) -> tuple[int, float, float]:
    """Threatened asset (or -1), time to go (s) and priority (value per second).

    `est` (6,) is the track's ECEF position and velocity; for a ballistic
    threat the predicted impact point is left in ``buf[:3]`` (at least (3,)).
    """
    n_assets = asset_pos.shape[0]
    vmin = math.inf
    for a in range(n_assets):
        vmin = min(vmin, asset_value[a])
    best = -1
    tgo = math.inf
    if ballistic:
        tgo = _fall_time(est, buf)
        if math.isfinite(tgo):
            predict_position(est, tgo, True, buf)
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
    buf = np.zeros(7)
    asset, tgo, priority = evaluate_kernel(est, ballistic, pos, radius, value, buf)
    impact = buf[:3].copy() if ballistic and math.isfinite(tgo) else None
    return ThreatAssessment(int(asset), float(tgo), float(priority), impact)
