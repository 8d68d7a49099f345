"""Distances between a set of true target states and a set of estimates.

Two multi-object metrics score a tracker or a sensor picture against the truth at one
instant, counting localisation error, missed targets and false tracks in one number:

* OSPA, the Optimal SubPattern Assignment metric: D. Schuhmacher, B.-T. Vo, B.-N. Vo,
  "A consistent metric for performance evaluation of multi-object filters", IEEE Trans.
  Signal Processing 56(8), 3447-3457, 2008, eq. (3).  Normalised by the larger
  cardinality, so it is a mean error per target, at most the cut-off ``c``.
* GOSPA, the Generalized OSPA metric: A. S. Rahmathullah, Á. F. García-Fernández,
  L. Svensson, "Generalized optimal sub-pattern assignment metric", 20th International
  Conference on Information Fusion (FUSION), 2017 (arXiv:1601.05585), Definition 1 and,
  for ``alpha = 2``, Proposition 1.  Not normalised: every missed target and every false
  track adds ``c**p / 2`` to the p-th power of the distance.

Sets are arrays of points, one row per object: ``truth`` has shape ``(n, d)`` and
``estimates`` shape ``(m, d)``; either may be empty, shape ``(0, d)``.  The base distance
is Euclidean, so the result has the unit of the coordinates (metres for positions).
The optimal assignment is found by :func:`scipy.optimize.linear_sum_assignment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

__all__ = ["GospaDecomposition", "gospa", "gospa_decomposition", "ospa"]


@dataclass(frozen=True)
class GospaDecomposition:
    """GOSPA (``alpha = 2``) split into its localisation and cardinality parts.

    ``total**p == localisation + cutoff**p / 2 * (missed + false)``
    (Rahmathullah et al. 2017, Proposition 1).

    Attributes
    ----------
    total : float
        The GOSPA distance, in the unit of the coordinates (e.g. m).
    localisation : float
        Sum of ``d**p`` over the assigned pairs closer than the cut-off, in that unit
        to the power ``p`` (e.g. m**p).
    missed : int
        True objects left without an estimate within the cut-off.
    false : int
        Estimates left without a true object within the cut-off.
    """

    total: float
    localisation: float
    missed: int
    false: int


def _as_set(points: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(points, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(
            f"{name}: expected an array of shape (number of objects, dimension), "
            f"got shape {arr.shape}; pass np.empty((0, d)) for an empty set"
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite coordinates, got NaN or infinity")
    return arr


def _checked(
    truth: ArrayLike, estimates: ArrayLike, cutoff: float, p: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = _as_set(truth, "truth")
    y = _as_set(estimates, "estimates")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"truth and estimates must have the same dimension: truth has {x.shape[1]} "
            f"coordinates per object, estimates {y.shape[1]}"
        )
    if not (math.isfinite(cutoff) and cutoff > 0.0):
        raise ValueError(f"cutoff: expected a finite distance > 0, got {cutoff}")
    if not (math.isfinite(p) and p >= 1.0):
        raise ValueError(f"p: expected a finite order >= 1, got {p}")
    return x, y


def _assigned_cut_distances(
    x: NDArray[np.float64], y: NDArray[np.float64], cutoff: float, p: float
) -> NDArray[np.float64]:
    """Cut-off distances min(d, c) of the min(n, m) pairs of the optimal assignment.

    The assignment minimises the sum of min(d, c)**p (Schuhmacher et al. 2008, eq. (3)),
    the same optimum as GOSPA's for any alpha (Rahmathullah et al. 2017, Definition 1).
    """
    if x.shape[0] == 0 or y.shape[0] == 0:
        return np.empty(0)
    d = np.linalg.norm(x[:, None, :] - y[None, :, :], axis=-1)
    d_cut = np.minimum(d, cutoff)
    rows, cols = linear_sum_assignment(d_cut**p)
    return np.asarray(d_cut[rows, cols], dtype=np.float64)


def ospa(truth: ArrayLike, estimates: ArrayLike, cutoff: float, p: float = 1) -> float:
    """OSPA distance between the true and the estimated sets.

    Schuhmacher, Vo and Vo (2008), eq. (3): for ``m <= n`` objects,

    ``(1/n * (min_pi sum_i min(d(x_i, y_pi(i)), c)**p + c**p * (n - m)))**(1/p)``,

    symmetric in the two sets.  Two empty sets are 0 apart; an empty and a non-empty
    set are ``c`` apart.

    Parameters
    ----------
    truth : array_like, shape (n, d)
        True object states, one per row (e.g. ECEF positions in m).  ``(0, d)`` if none.
    estimates : array_like, shape (m, d)
        Estimated object states, in the same coordinates.  ``(0, d)`` if none.
    cutoff : float
        Cut-off distance c > 0, in the unit of the coordinates (e.g. m): the error
        charged for a missed or false object and the most a pair may cost.
    p : float, optional
        Order p >= 1 (default 1); larger p weights outliers more.

    Returns
    -------
    float
        The OSPA distance, in the unit of the coordinates, between 0 and ``cutoff``.

    Raises
    ------
    ValueError
        If an input is not two-dimensional or not finite, the dimensions differ,
        ``cutoff <= 0`` or ``p < 1``.
    """
    x, y = _checked(truth, estimates, cutoff, p)
    n, m = x.shape[0], y.shape[0]
    if n == 0 and m == 0:
        return 0.0
    cost = float(np.sum(_assigned_cut_distances(x, y, cutoff, p) ** p))
    cost += cutoff**p * abs(n - m)
    return float((cost / max(n, m)) ** (1.0 / p))


def gospa(
    truth: ArrayLike,
    estimates: ArrayLike,
    cutoff: float,
    p: float = 1,
    alpha: float = 2,
) -> float:
    """GOSPA distance between the true and the estimated sets.

    Rahmathullah, García-Fernández and Svensson (2017), Definition 1: for ``m >= n``,

    ``(min_pi sum_i min(d(x_i, y_pi(i)), c)**p + c**p / alpha * (m - n))**(1/p)``,

    symmetric in the two sets.  With ``alpha = 2`` (Proposition 1) this equals
    ``(min over assignments of sum d**p over the assigned pairs
    + c**p / 2 * (missed + false))**(1/p)``, pairs only where ``d < c``: the metric
    charges localisation error plus ``c**p / 2`` for each missed target and each false
    track, and is not divided by the number of objects (unlike :func:`ospa`).

    Parameters
    ----------
    truth : array_like, shape (n, d)
        True object states, one per row (e.g. ECEF positions in m).  ``(0, d)`` if none.
    estimates : array_like, shape (m, d)
        Estimated object states, in the same coordinates.  ``(0, d)`` if none.
    cutoff : float
        Cut-off distance c > 0, in the unit of the coordinates (e.g. m).
    p : float, optional
        Order p >= 1 (default 1).
    alpha : float, optional
        Cardinality-penalty factor in (0, 2] (default 2, the value the authors recommend
        and the only one for which the missed/false decomposition holds).

    Returns
    -------
    float
        The GOSPA distance, in the unit of the coordinates: 0 when the sets coincide,
        growing with every missed and false object (no upper bound independent of n, m).

    Raises
    ------
    ValueError
        If an input is not two-dimensional or not finite, the dimensions differ,
        ``cutoff <= 0``, ``p < 1`` or ``alpha`` is outside (0, 2].

    See Also
    --------
    gospa_decomposition : the same distance split into localisation, missed and false.
    """
    x, y = _checked(truth, estimates, cutoff, p)
    if not (0.0 < alpha <= 2.0):
        raise ValueError(f"alpha: expected a value in (0, 2], got {alpha}")
    cost = float(np.sum(_assigned_cut_distances(x, y, cutoff, p) ** p))
    cost += cutoff**p / alpha * abs(x.shape[0] - y.shape[0])
    return float(cost ** (1.0 / p))


def gospa_decomposition(
    truth: ArrayLike, estimates: ArrayLike, cutoff: float, p: float = 1
) -> GospaDecomposition:
    """GOSPA with ``alpha = 2``, split into localisation cost and missed and false counts.

    Rahmathullah, García-Fernández and Svensson (2017), Proposition 1 and the
    decomposition that follows it: an optimally assigned pair closer than ``c`` is a
    localised target, costing ``d**p``; a pair at ``c`` or farther costs ``c**p``, the
    same as one missed target plus one false track, and is counted as such.

    Parameters
    ----------
    truth : array_like, shape (n, d)
        True object states, one per row (e.g. ECEF positions in m).  ``(0, d)`` if none.
    estimates : array_like, shape (m, d)
        Estimated object states, in the same coordinates.  ``(0, d)`` if none.
    cutoff : float
        Cut-off distance c > 0, in the unit of the coordinates (e.g. m).
    p : float, optional
        Order p >= 1 (default 1).

    Returns
    -------
    GospaDecomposition
        ``total`` (equal to ``gospa(truth, estimates, cutoff, p, alpha=2)``),
        ``localisation`` (unit**p), ``missed`` and ``false`` (counts).

    Raises
    ------
    ValueError
        As :func:`gospa`.
    """
    x, y = _checked(truth, estimates, cutoff, p)
    d_cut = _assigned_cut_distances(x, y, cutoff, p)
    localised = d_cut < cutoff
    n_localised = int(np.count_nonzero(localised))
    localisation = float(np.sum(d_cut[localised] ** p))
    missed = x.shape[0] - n_localised
    false = y.shape[0] - n_localised
    total = (localisation + cutoff**p / 2.0 * (missed + false)) ** (1.0 / p)
    return GospaDecomposition(
        total=float(total), localisation=localisation, missed=missed, false=false
    )
