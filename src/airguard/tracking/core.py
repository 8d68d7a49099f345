"""Multi-target tracker over preallocated arrays: IMM-EKF, GNN, M-of-N logic.

One call of :func:`scan` processes one look of one sensor: every live track is
predicted to the look's time, detections are gated and assigned to tracks by
global nearest neighbour, assigned tracks are updated, the track logic
confirms and deletes, and unassigned detections start tentative tracks.
Several radars of one unit feed the same :class:`Tracks` by successive calls
(sequential fusion, in non-decreasing time).  There is no Python object per
track or per detection: tracks are rows of the arrays of :class:`Tracks`,
detections rows of ``z``.

Filtering
---------
Each track carries ``M`` model-conditioned states ``x[k, m]`` (9-vectors:
position, velocity, acceleration) with covariances ``P[k, m]`` and model
probabilities ``mu[k, m]``; the motion and measurement models are those of
:mod:`airguard.tracking.models`.  With ``M = 1`` this is an extended Kalman
filter; with several models, the interacting multiple model (IMM) estimator of
H. A. P. Blom, Y. Bar-Shalom, "The interacting multiple model algorithm for
systems with Markovian switching coefficients", *IEEE Trans. Automatic Control*
33(8), 780-783, 1988, in the form of Bar-Shalom, Li & Kirubarajan, *Estimation
with Applications to Tracking and Navigation*, Wiley 2001, §11.6.6: mixing,
model-matched prediction and update, model probabilities from the innovations'
Gaussian likelihoods and the moment-matched combined estimate.

Model switching is a continuous-time Markov chain: ``params.transition[i, j]``
(i ≠ j) is the rate, per second, of switching from model i to model j, so that
over an interval Δt the switching matrix is ``Π(Δt) = exp(Δt (T − I))`` (rows of T
sum to 1).  For small rates ``transition[i, j]`` is the probability of switching
within one second; the matrix exponential makes the chain consistent for the
irregular intervals of several sensors.

The update is the extended Kalman filter in range, azimuth, elevation (and range
rate when ``sigma[3] > 0``) with the azimuth innovation wrapped to (−π, π], the
Joseph form of the covariance update ``P = (I − KH) P (I − KH)' + K R K'``
(Bar-Shalom et al. 2001, ch. 5), symmetrised, and the innovation
covariance inverted by Cholesky factorisation.  Measurements are taken relative
to the sensor, so ECEF magnitudes never enter a difference.

Gating and association
----------------------
The gate is on the squared Mahalanobis distance of the innovation,
``d² = ν' S⁻¹ ν < gate`` (a chi-square quantile for 3 or 4 degrees of freedom),
with ``ν`` and ``S`` of the track's *combined* predicted state (IMM moment
matching).  A cheap exact pre-gate comes first: ``d² ≥ ν_i² / S_ii`` for every
component, so detections are sorted by range and only those within
``sqrt(gate · S_rr)`` of the predicted range (then azimuth, elevation) are
scored.  Global nearest neighbour (Blackman & Popoli, *Design and Analysis of
Modern Tracking Systems*, Artech House 1999) then assigns at most one
detection per track and one track per detection, minimising the total cost of
assigned pairs plus a miss cost per unassigned track, where the cost is
``d²`` with miss cost ``gate`` (``COST_DISTANCE2``) or ``d`` with miss cost
``sqrt(gate)`` (``COST_DISTANCE``, the rule of Stone Soup's
``GNNWith2DAssignment`` over a ``DistanceHypothesiser`` with the Mahalanobis
measure).  Tracks and detections are split into clusters (connected components
of the gating graph) and each cluster is solved exactly by the compiled
shortest-augmenting-path algorithm of :mod:`airguard.tracking.assignment`
(Jonker & Volgenant 1987; Crouse 2016) on the matrix ``[C | diag(miss)]``.

Track logic
-----------
* **Looks.**  A look of a sensor *should have seen* a track when the track's
  combined prediction lies inside the look's field of view ``fov`` (range ≤
  max range, |azimuth − centre| ≤ half-width, elevation within limits; geometric
  angles, no horizon or masking).  Such a look is a *hit* if a detection was
  assigned to the track and a *miss* otherwise.  A look that does not cover the
  track changes nothing.  A track assigned a detection counts a hit even if its
  prediction was just outside the field of view.
* **Initiation** is one-point: every detection not assigned to a track starts a
  tentative track at the measured position (covariance of the linearised
  spherical-to-Cartesian conversion), velocity zero with standard deviation
  ``init_velocity_sigma`` per axis (or, with range rate, the measured radial
  velocity along the line of sight and ``init_velocity_sigma`` across it),
  acceleration zero with ``init_accel_sigma`` (CA), zero with no variance (CV) or
  the model's own (ballistic), model probabilities ``mu0``.  The initiating
  detection is the track's first look and first hit.  With ``initiate_on`` set
  (``init_model >= 0``) a tentative track runs that one model only, with
  probability 1; at confirmation the other models start from its state (their
  acceleration rows as at initiation) and the probabilities become ``mu0``.  Most
  tentative tracks are false alarms that die in two or three looks: one model is
  cheaper, and the wide gates of a constant-acceleration model do not confirm
  them.  When the table is full,
  the remaining unassigned detections of the look are dropped (no track is
  displaced); size the capacity for the clutter.
* **Confirmation (M-of-N).**  A tentative track is confirmed at the look in which
  it reaches ``confirm_m`` hits among its first ``confirm_n`` looks (the
  initiating one included).  It is deleted as soon as that has become impossible
  (hits so far + looks left of the first N < M).  So 3-of-4 with hits in looks 1,
  3, 4 confirms at look 4; with hits in looks 1 and 2 only, it is deleted at look
  4; with 1 only, at look 3.  ``confirm_m = 1`` confirms at initiation.
* **Deletion.**  A confirmed track is deleted after ``delete_misses`` consecutive
  misses (looks that should have seen it); a hit resets the count.  Any track
  not updated for more than ``coast_s`` seconds is deleted at the next look
  (``inf``: never).  A deleted row is ``STATUS_FREE`` and may be reused; track
  ids are never reused.
* Tracks that miss keep their last updated state; a later look predicts from it
  (for the CV and CA models this equals predicting step by step).

``label`` is the truth label of the last assigned detection that was not a false
alarm (-1 while none was); it serves scoring only and never enters estimation or
association.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from airguard._jit import i64, njit
from airguard.dynamics import body_params
from airguard.tracking.assignment import lsap_kernel
from airguard.tracking.models import (
    FRAME_ECEF,
    FRAME_FLAT,
    MODEL_BALLISTIC,
    MODEL_CA,
    MODEL_CV,
    N_X,
    N_Z,
    measurement_jacobian,
    model_acceleration,
    predict_model,
    spherical_to_position,
)

__all__ = [
    "COST_DISTANCE",
    "COST_DISTANCE2",
    "FRAME_ECEF",
    "FRAME_FLAT",
    "MODEL_BALLISTIC",
    "MODEL_CA",
    "MODEL_CV",
    "N_X",
    "N_Z",
    "STATUS_CONFIRMED",
    "STATUS_FREE",
    "STATUS_TENTATIVE",
    "TrackerParams",
    "Tracks",
    "estimate",
    "estimate_rows",
    "new_tracks",
    "run_scans",
    "scan",
    "tracker_params",
]

STATUS_FREE, STATUS_TENTATIVE, STATUS_CONFIRMED = 0, 1, 2
COST_DISTANCE, COST_DISTANCE2 = 0, 1

MODEL_NAMES = {"cv": MODEL_CV, "ca": MODEL_CA, "ballistic": MODEL_BALLISTIC}
FRAME_NAMES = {"flat": FRAME_FLAT, "ecef": FRAME_ECEF}
COST_NAMES = {"distance": COST_DISTANCE, "distance2": COST_DISTANCE2}

_HIT_MASK = (1 << 62) - 1
_LOG_2PI = math.log(2.0 * math.pi)


class TrackerParams(NamedTuple):
    """Tracker configuration (numba-compatible); build it with :func:`tracker_params`."""

    models: np.ndarray
    """(M,) int64 model codes of the IMM (``M = 1``: a plain EKF)."""
    transition: np.ndarray
    """(M, M) switching rates per second, rows summing to 1 (``Π(Δt) = exp(Δt (T − I))``)."""
    mu0: np.ndarray
    """(M,) model probabilities of a new track."""
    q: np.ndarray
    """(M,) process-noise PSD: m²/s³ (CV, ballistic), m²/s⁵ (CA)."""
    frame: int
    """``FRAME_FLAT`` or ``FRAME_ECEF``."""
    ballistic_beta: float
    """Ballistic coefficient of the ballistic model, kg/m² (0: no drag)."""
    body: np.ndarray
    """(N_PARAMS,) :mod:`airguard.dynamics` body of the ballistic model (unit mass, CdA 1/β)."""
    gate: float
    """Gate on the squared Mahalanobis distance of the innovation."""
    cost: int
    """``COST_DISTANCE2`` (d², miss cost = gate) or ``COST_DISTANCE`` (d, miss cost = √gate)."""
    confirm_m: int
    """Hits needed among the first ``confirm_n`` looks to confirm."""
    confirm_n: int
    """Looks (that should have seen the track) in which to collect ``confirm_m`` hits."""
    delete_misses: int
    """Consecutive misses that delete a confirmed track."""
    coast_s: float
    """Longest time without an update before deletion, s (inf: none)."""
    init_velocity_sigma: float
    """Prior standard deviation of velocity per axis at initiation, m/s."""
    init_accel_sigma: float
    """Prior standard deviation of acceleration per axis at initiation (CA), m/s²."""
    max_step: float
    """Longest sub-step of the ballistic model's prediction, s."""
    init_model: int
    """Index in ``models`` of the one model tentative tracks run (-1: all of them)."""


class Tracks(NamedTuple):
    """The track table: ``K`` rows of preallocated arrays (numba-compatible).

    Build it with :func:`new_tracks`.  Rows with ``status == STATUS_FREE`` hold no
    track.
    """

    status: np.ndarray
    """(K,) int64 ``STATUS_FREE``, ``STATUS_TENTATIVE`` or ``STATUS_CONFIRMED``."""
    id: np.ndarray
    """(K,) int64 track number: unique, increasing, never reused (-1: never used)."""
    t: np.ndarray
    """(K,) time of the last update (the time of ``x``, ``P``, ``mu``), s."""
    x: np.ndarray
    """(K, M, 9) model-conditioned states: position m, velocity m/s, acceleration m/s²."""
    P: np.ndarray
    """(K, M, 9, 9) their covariances."""
    mu: np.ndarray
    """(K, M) model probabilities."""
    hits: np.ndarray
    """(K,) int64 bit history of looks, newest in bit 0 (1: hit, 0: miss)."""
    looks: np.ndarray
    """(K,) int64 looks that should have seen the track since initiation (the first included)."""
    misses: np.ndarray
    """(K,) int64 consecutive misses."""
    n_updates: np.ndarray
    """(K,) int64 detections assigned, the initiating one included."""
    label: np.ndarray
    """(K,) int64 label of the last assigned non-false detection (-1: none yet). Scoring only."""
    t_initiated: np.ndarray
    """(K,) time of initiation, s."""
    t_confirmed: np.ndarray
    """(K,) time of confirmation, s (NaN while tentative)."""
    updated: np.ndarray
    """(K,) bool: initiated or updated by the latest :func:`scan`."""
    work_live: np.ndarray
    """(K,) int64 scratch of :func:`scan` (so that a look allocates nothing per track)."""
    work_x: np.ndarray
    """(K, M, 9) scratch: predicted model states."""
    work_cov: np.ndarray
    """(K, M, 9, 9) scratch: predicted model covariances."""
    work_c: np.ndarray
    """(K, M) scratch: predicted model probabilities."""
    work_z: np.ndarray
    """(K, 4) scratch: predicted measurements."""
    work_sinv: np.ndarray
    """(K, 4, 4) scratch: inverse innovation covariances."""
    work_h: np.ndarray
    """(K, 3) scratch: gate half-widths (range, azimuth, elevation; -1: not gated)."""
    work_in: np.ndarray
    """(K,) bool scratch: the prediction lies in the look's field of view."""


def _check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    v = float(value)
    ok = v >= 0.0 if allow_zero else v > 0.0
    if not (ok and not math.isnan(v)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a number {bound}, got {value!r}")
    return v


def _check_int(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or int(value) != value or not (low <= int(value) <= high):
        raise ValueError(f"{name}: expected an integer from {low} to {high}, got {value!r}")
    return int(value)


def tracker_params(
    *,
    models: Sequence[int | str] = ("cv",),
    q: float | Sequence[float] = 1.0,
    transition: ArrayLike | None = None,
    initial_probabilities: ArrayLike | None = None,
    frame: int | str = FRAME_FLAT,
    ballistic_beta_kg_m2: float = 0.0,
    gate: float = 16.27,
    cost: int | str = COST_DISTANCE2,
    confirm_m: int = 3,
    confirm_n: int = 4,
    delete_misses: int = 3,
    coast_s: float = math.inf,
    init_velocity_sigma_mps: float = 300.0,
    init_accel_sigma_mps2: float = 30.0,
    max_step_s: float = 1.0,
    initiate_on: int | str | None = None,
) -> TrackerParams:
    """Validated :class:`TrackerParams` from SI keyword arguments.

    Parameters
    ----------
    models : sequence of {"cv", "ca", "ballistic"} or model codes
        The IMM's models (one: a plain EKF).  See :mod:`airguard.tracking.models`.
    q : float or sequence of float
        Process-noise power spectral density per model (one value: all models):
        white acceleration, m²/s³, for CV and ballistic; white jerk, m²/s⁵, for CA.
    transition : array_like, shape (M, M), optional
        Switching rates per second, ``transition[i, j]`` from model i to j, rows
        summing to 1 (the diagonal is the rest).  Default: 0.05 /s out of each model,
        split equally (a mean sojourn of 20 s).
    initial_probabilities : array_like, shape (M,), optional
        Model probabilities of a new track (default: equal).
    frame : {"flat", "ecef"} or frame code
        Flat Earth (+z up, gravity −9.80665 m/s² along z) or WGS84 ECEF.
    ballistic_beta_kg_m2 : float
        Ballistic coefficient m/(Cd A) of the ballistic model, kg/m² (0: no drag).
    gate : float
        Gate on the squared Mahalanobis distance (default 16.27: the 99.9 % point of
        chi-square with 3 degrees of freedom).
    cost : {"distance2", "distance"} or cost code
        Assignment cost: squared Mahalanobis distance (miss cost ``gate``) or the
        distance itself (miss cost ``sqrt(gate)``, as Stone Soup's GNN).
    confirm_m, confirm_n : int
        M-of-N confirmation: ``1 <= confirm_m <= confirm_n <= 62``.
    delete_misses : int
        Consecutive misses that delete a confirmed track, >= 1.
    coast_s : float
        Delete a track not updated for longer than this, s (default: never).
    init_velocity_sigma_mps : float
        Prior velocity standard deviation per axis at initiation, m/s.
    init_accel_sigma_mps2 : float
        Prior acceleration standard deviation per axis at initiation (CA), m/s².
    initiate_on : {"cv", "ca", "ballistic"} or model code, optional
        The one model of tentative tracks (it must be among `models`); the IMM
        starts at confirmation.  Default: tentative tracks run every model.
    max_step_s : float
        Longest sub-step of the ballistic model's prediction, s.

    Returns
    -------
    TrackerParams

    Raises
    ------
    ValueError
        Naming the parameter that is out of range.
    """
    codes = _model_codes(models)
    n_models = len(codes)
    q_arr = np.broadcast_to(np.asarray(q, dtype=np.float64), (n_models,)).copy()
    for i, v in enumerate(q_arr):
        _check_positive(f"q[{i}]", v, allow_zero=True)
    trans = _transition_rates(transition, n_models)
    mu0 = _initial_probabilities(initial_probabilities, n_models)
    frame_code = _code("frame", frame, FRAME_NAMES, "'flat' or 'ecef'")
    cost_code = _code("cost", cost, COST_NAMES, "'distance2' or 'distance'")
    beta = _check_positive("ballistic_beta_kg_m2", ballistic_beta_kg_m2, allow_zero=True)
    m = _check_int("confirm_m", confirm_m, 1, 62)
    n = _check_int("confirm_n", confirm_n, 1, 62)
    if m > n:
        raise ValueError(f"confirm_m: expected at most confirm_n = {n}, got {m}")
    init_model = _initiating_model(initiate_on, models, codes)
    coast = float(coast_s)
    if not coast > 0.0:
        raise ValueError(f"coast_s: expected a time > 0 s (inf: never), got {coast_s!r}")
    return TrackerParams(
        models=np.array(codes, dtype=np.int64),
        transition=trans,
        mu0=mu0,
        q=q_arr,
        frame=frame_code,
        ballistic_beta=beta,
        body=body_params(mass0_kg=1.0, cda_m2=1.0 / beta if beta > 0.0 else 0.0),
        gate=_check_positive("gate", gate),
        cost=cost_code,
        confirm_m=m,
        confirm_n=n,
        delete_misses=_check_int("delete_misses", delete_misses, 1, 1 << 30),
        coast_s=coast,
        init_velocity_sigma=_check_positive("init_velocity_sigma_mps", init_velocity_sigma_mps),
        init_accel_sigma=_check_positive(
            "init_accel_sigma_mps2", init_accel_sigma_mps2, allow_zero=True
        ),
        max_step=_check_positive("max_step_s", max_step_s),
        init_model=init_model,
    )


def _model_codes(models: Sequence[int | str]) -> list[int]:
    """The model codes of `models` (names or codes), at least one."""
    codes = []
    for i, m in enumerate(models):
        if isinstance(m, str):
            if m.lower() not in MODEL_NAMES:
                raise ValueError(
                    f"models[{i}]: expected one of {', '.join(MODEL_NAMES)}, got {m!r}"
                )
            codes.append(MODEL_NAMES[m.lower()])
        else:
            codes.append(_check_int(f"models[{i}]", m, 0, 2))
    if len(codes) == 0:
        raise ValueError("models: expected at least one model, got none")
    return codes


def _transition_rates(transition: ArrayLike | None, n_models: int) -> np.ndarray:
    """The (M, M) switching rates, checked; by default 0.05 per second out of each model,
    shared equally among the others."""
    if transition is None:
        rate = 0.05 / max(n_models - 1, 1)
        trans = np.full((n_models, n_models), rate)
        np.fill_diagonal(trans, 1.0 - rate * (n_models - 1))
        return trans
    trans = np.array(transition, dtype=np.float64)
    if trans.shape != (n_models, n_models):
        raise ValueError(f"transition: expected shape ({n_models}, {n_models}), got {trans.shape}")
    if not (np.all(np.isfinite(trans)) and np.all(trans >= 0.0)):
        raise ValueError("transition: expected finite, non-negative entries")
    if not np.allclose(trans.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError(f"transition: rows must sum to 1, got {trans.sum(axis=1).tolist()}")
    return trans


def _initial_probabilities(initial_probabilities: ArrayLike | None, n_models: int) -> np.ndarray:
    """The (M,) initial model probabilities, checked; by default equal."""
    if initial_probabilities is None:
        return np.full(n_models, 1.0 / n_models)
    mu0 = np.array(initial_probabilities, dtype=np.float64).reshape(-1)
    if mu0.shape != (n_models,) or np.any(mu0 < 0.0) or not np.isclose(mu0.sum(), 1.0):
        raise ValueError(
            f"initial_probabilities: expected {n_models} non-negative numbers summing to 1, "
            f"got {mu0.tolist()}"
        )
    return mu0


def _code(name: str, value: int | str, names: dict[str, int], expected: str) -> int:
    """The code of `value`, a name in `names` (`expected` says which) or a code 0 or 1."""
    if isinstance(value, str):
        if value.lower() not in names:
            raise ValueError(f"{name}: expected {expected}, got {value!r}")
        return names[value.lower()]
    return _check_int(name, value, 0, 1)


def _initiating_model(
    initiate_on: int | str | None, models: Sequence[int | str], codes: list[int]
) -> int:
    """Index in `codes` of the model tentative tracks run (-1: all of them)."""
    if initiate_on is None:
        return -1
    code = MODEL_NAMES.get(initiate_on.lower(), -1) if isinstance(initiate_on, str) else initiate_on
    hits = [i for i, c in enumerate(codes) if c == code]
    if not hits:
        raise ValueError(
            f"initiate_on: expected one of the models {list(models)}, got {initiate_on!r}"
        )
    return hits[0]


def new_tracks(capacity: int, n_models: int) -> Tracks:
    """An empty track table.

    Parameters
    ----------
    capacity : int
        Rows K (tracks held at once, tentative ones included), >= 1.
    n_models : int
        Models M of the tracker's parameters (``len(params.models)``), >= 1.

    Returns
    -------
    Tracks
        All rows ``STATUS_FREE``.
    """
    k = _check_int("capacity", capacity, 1, 1 << 40)
    m = _check_int("n_models", n_models, 1, 64)
    return Tracks(
        status=np.zeros(k, np.int64),
        id=np.full(k, -1, np.int64),
        t=np.full(k, np.nan),
        x=np.zeros((k, m, N_X)),
        P=np.zeros((k, m, N_X, N_X)),
        mu=np.zeros((k, m)),
        hits=np.zeros(k, np.int64),
        looks=np.zeros(k, np.int64),
        misses=np.zeros(k, np.int64),
        n_updates=np.zeros(k, np.int64),
        label=np.full(k, -1, np.int64),
        t_initiated=np.full(k, np.nan),
        t_confirmed=np.full(k, np.nan),
        updated=np.zeros(k, np.bool_),
        work_live=np.zeros(k, np.int64),
        work_x=np.zeros((k, m, N_X)),
        work_cov=np.zeros((k, m, N_X, N_X)),
        work_c=np.zeros((k, m)),
        work_z=np.zeros((k, N_Z)),
        work_sinv=np.zeros((k, N_Z, N_Z)),
        work_h=np.zeros((k, 3)),
        work_in=np.zeros(k, np.bool_),
    )


# --- small dense linear algebra ---------------------------------------------------------


@njit
def _chol_inverse(S: np.ndarray, n: int, out: np.ndarray, work: np.ndarray) -> float:
    """Inverse of the symmetric positive definite ``S[:n, :n]`` into `out`; log det S.

    Cholesky factorisation (Golub & Van Loan, *Matrix Computations*, 4th ed.,
    Algorithm 4.2.1).  Returns NaN if S is not positive definite.  `work` is (4, 8).
    """
    low = work[:, :4]
    inv = work[:, 4:]
    logdet = 0.0
    for j in range(n):
        s = S[j, j]
        for k in range(j):
            s -= low[j, k] * low[j, k]
        if not s > 0.0:
            return math.nan
        d = math.sqrt(s)
        low[j, j] = d
        logdet += 2.0 * math.log(d)
        for i in range(j + 1, n):
            s = S[i, j]
            for k in range(j):
                s -= low[i, k] * low[j, k]
            low[i, j] = s / d
    for i in range(n):
        inv[i, i] = 1.0 / low[i, i]
        for j in range(i):
            s = 0.0
            for k in range(j, i):
                s -= low[i, k] * inv[k, j]
            inv[i, j] = s / low[i, i]
    for i in range(n):
        for j in range(i, n):
            s = 0.0
            for k in range(j, n):
                s += inv[k, i] * inv[k, j]
            out[i, j] = s
            out[j, i] = s
    return logdet


@njit
def _wrap(angle: float) -> float:
    """Angle wrapped to [-π, π)."""
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


@njit
def _popcount(v: int) -> int:
    c = 0
    while v:
        v &= v - 1
        c += 1
    return c


@njit
def _matmul_small(a: np.ndarray, b: np.ndarray, scale: float, out: np.ndarray) -> None:
    """``out = scale · a b`` for small square matrices, in loops (no BLAS call, no threads)."""
    m = a.shape[0]
    for i in range(m):
        for j in range(m):
            acc = 0.0
            for n in range(m):
                acc += a[i, n] * b[n, j]
            out[i, j] = acc * scale


@njit
def _switch_matrix(transition: np.ndarray, dt: float, out: np.ndarray) -> None:
    """``Π(dt) = exp(dt (T − I))`` by scaling and squaring a Taylor series.

    Moler & Van Loan, "Nineteen dubious ways to compute the exponential of a
    matrix, twenty-five years later", *SIAM Review* 45(1), 2003 (Taylor series with
    scaling and squaring): the scaled matrix has norm <= 1/2, where 12 terms are exact
    to rounding.  Rows are
    renormalised to sum to 1.
    """
    m = transition.shape[0]
    a = np.empty((m, m))
    norm = 0.0
    for i in range(m):
        row = 0.0
        for j in range(m):
            a[i, j] = dt * (transition[i, j] - (1.0 if i == j else 0.0))
            row += abs(a[i, j])
        norm = max(norm, row)
    s = 0
    while norm > 0.5:
        norm *= 0.5
        s += 1
    scale = 0.5**s
    term = np.eye(m)
    e = np.eye(m)
    nxt = np.empty((m, m))
    for k in range(1, 13):
        _matmul_small(term, a, scale / k, nxt)
        term[:, :] = nxt
        e += term
    for _ in range(s):
        _matmul_small(e, e, 1.0, nxt)
        e[:, :] = nxt
    for i in range(m):
        row = 0.0
        for j in range(m):
            e[i, j] = max(e[i, j], 0.0)
            row += e[i, j]
        for j in range(m):
            out[i, j] = e[i, j] / row


@njit
def _combine(
    xs: np.ndarray, Ps: np.ndarray, w: np.ndarray, out_x: np.ndarray, out_P: np.ndarray
) -> None:
    """Moment-matched mixture of ``(xs[m], Ps[m])`` with weights w (Bar-Shalom et al. 2001, §11.6.6)."""
    m = w.shape[0]
    for i in range(N_X):
        s = 0.0
        for j in range(m):
            if w[j] != 0.0:  # a model a tentative track does not run holds no state
                s += w[j] * xs[j, i]
        out_x[i] = s
    for i in range(N_X):
        for k in range(i, N_X):
            s = 0.0
            for j in range(m):
                if w[j] != 0.0:
                    s += w[j] * (Ps[j, i, k] + (xs[j, i] - out_x[i]) * (xs[j, k] - out_x[k]))
            out_P[i, k] = s
            out_P[k, i] = s


@njit
def _single_model(status: np.ndarray, n_models: int, init_model: int, k: int) -> int:
    """The one model row k runs (a plain EKF, or a tentative track's), -1 for the IMM.

    Takes scalars, not :class:`TrackerParams`: it runs several times per track and
    look, and a compiled call copies and reference-counts every array of a named tuple.
    """
    if n_models == 1:
        return 0
    if init_model >= 0 and status[k] == STATUS_TENTATIVE:
        return init_model
    return -1


@njit
def _imm_predict(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    t: float,
    xp: np.ndarray,
    Pp: np.ndarray,
    cbar: np.ndarray,
) -> None:
    """IMM mixing and model-matched prediction of row k to time t (Bar-Shalom 2001, §11.6.6).

    Writes the predicted model states (M, 9), covariances (M, 9, 9) and predicted
    model probabilities (M,).  With one model, a plain prediction.
    """
    models = params.models
    m = models.shape[0]
    dt = max(t - tracks.t[k], 0.0)
    i0 = _single_model(tracks.status, params.models.shape[0], params.init_model, k)
    if i0 >= 0:
        predict_model(
            models[i0], tracks.x[k, i0], tracks.P[k, i0], dt, params.q[i0], params.frame,
            params.ballistic_beta, params.body, params.max_step, xp[i0], Pp[i0],
        )  # fmt: skip
        for j in range(m):
            cbar[j] = 1.0 if j == i0 else 0.0
        return
    pi = np.empty((m, m))
    _switch_matrix(params.transition, dt, pi)
    mu = tracks.mu[k]
    x0 = np.empty(N_X)
    P0 = np.empty((N_X, N_X))
    w = np.empty(m)
    for j in range(m):
        c = 0.0
        for i in range(m):
            c += pi[i, j] * mu[i]
        cbar[j] = c
        for i in range(m):
            w[i] = pi[i, j] * mu[i] / c if c > 0.0 else (1.0 if i == j else 0.0)
        _combine(tracks.x[k], tracks.P[k], w, x0, P0)
        predict_model(
            models[j], x0, P0, dt, params.q[j], params.frame, params.ballistic_beta,
            params.body, params.max_step, xp[j], Pp[j],
        )  # fmt: skip
    total = cbar.sum()
    for j in range(m):
        cbar[j] /= total


@njit
def _innovation_covariance(
    x: np.ndarray,
    P: np.ndarray,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    nz: int,
    var: np.ndarray,
    zhat: np.ndarray,
    H: np.ndarray,
    PHt: np.ndarray,
    S: np.ndarray,
) -> None:
    """Predicted measurement, Jacobian, ``P H'`` (9, nz) and ``S = H P H' + R``."""
    measurement_jacobian(x, sensor_pos, basis, nz, zhat, H)
    for i in range(N_X):
        for a in range(nz):
            s = 0.0
            for j in range(N_X):
                s += P[i, j] * H[a, j]
            PHt[i, a] = s
    for a in range(nz):
        for b in range(a, nz):
            s = 0.0
            for j in range(N_X):
                s += H[a, j] * PHt[j, b]
            if a == b:
                s += var[a]
            S[a, b] = s
            S[b, a] = s


@njit
def _ekf_update(
    x: np.ndarray,
    P: np.ndarray,
    z: np.ndarray,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    nz: int,
    var: np.ndarray,
    work: np.ndarray,
) -> float:
    """EKF update of (x, P) in place with measurement z; returns the log-likelihood of z.

    Joseph form, symmetrised (Bar-Shalom et al. 2001, ch. 5).  Returns
    ``-inf`` (and leaves x, P) if the innovation covariance is not positive definite.
    `work` is the (4, 8) scratch of :func:`_chol_inverse`.
    """
    zhat = np.empty(N_Z)
    H = np.empty((N_Z, N_X))
    PHt = np.empty((N_X, N_Z))
    S = np.empty((N_Z, N_Z))
    Si = np.empty((N_Z, N_Z))
    _innovation_covariance(x, P, sensor_pos, basis, nz, var, zhat, H, PHt, S)
    logdet = _chol_inverse(S, nz, Si, work)
    if logdet != logdet:
        return -math.inf
    nu = np.empty(N_Z)
    for a in range(nz):
        nu[a] = z[a] - zhat[a]
    nu[1] = _wrap(nu[1])
    d2 = 0.0
    for a in range(nz):
        for b in range(nz):
            d2 += nu[a] * Si[a, b] * nu[b]
    K = np.empty((N_X, N_Z))
    for i in range(N_X):
        for b in range(nz):
            s = 0.0
            for a in range(nz):
                s += PHt[i, a] * Si[a, b]
            K[i, b] = s
    for i in range(N_X):
        s = 0.0
        for a in range(nz):
            s += K[i, a] * nu[a]
        x[i] += s
    # Joseph form: B = (I - K H) P;  P' = B (I - K H)' + K R K' = B - (B H') K' + K R K'
    B = np.empty((N_X, N_X))
    for i in range(N_X):
        for j in range(N_X):
            s = P[i, j]
            for a in range(nz):
                s -= K[i, a] * PHt[j, a]  # (H P)[a, j] = PHt[j, a] (P symmetric)
            B[i, j] = s
    BHt = np.empty((N_X, N_Z))
    for i in range(N_X):
        for a in range(nz):
            s = 0.0
            for j in range(N_X):
                s += B[i, j] * H[a, j]
            BHt[i, a] = s
    for i in range(N_X):
        for j in range(i, N_X):
            s = B[i, j]
            for a in range(nz):
                s += -BHt[i, a] * K[j, a] + K[i, a] * var[a] * K[j, a]
            s2 = B[j, i]
            for a in range(nz):
                s2 += -BHt[j, a] * K[i, a] + K[j, a] * var[a] * K[i, a]
            v = 0.5 * (s + s2)
            P[i, j] = v
            P[j, i] = v
    return -0.5 * (d2 + logdet + nz * _LOG_2PI)


@njit
def _in_fov(zhat: np.ndarray, fov: np.ndarray) -> bool:
    """Whether predicted (range, azimuth, elevation) lie inside ``fov`` (5,)."""
    if zhat[0] > fov[0]:
        return False
    if abs(_wrap(zhat[1] - fov[1])) > fov[2]:
        return False
    return bool(fov[3] <= zhat[2] <= fov[4])


# --- initiation ---------------------------------------------------------------------------


@njit
def _acceleration_rows(
    params: TrackerParams, model: int, x: np.ndarray, P: np.ndarray, a: np.ndarray, jac: np.ndarray
) -> None:
    """A new model state's acceleration rows from its position and velocity rows.

    Zero (CV); zero with variance ``init_accel_sigma²`` (CA); the model's own
    acceleration, with covariance through its Jacobian (ballistic).  ``x[6:]`` and
    the acceleration rows and columns of ``P`` are overwritten; ``a`` (3,) and
    ``jac`` (3, 6) are scratch.
    """
    for i in range(3):
        x[6 + i] = 0.0
        for j in range(N_X):
            P[6 + i, j] = 0.0
            P[j, 6 + i] = 0.0
    if model == MODEL_CA:
        sa2 = params.init_accel_sigma**2
        for i in range(3):
            P[6 + i, 6 + i] = sa2
    elif model == MODEL_BALLISTIC:
        model_acceleration(x, params.frame, params.ballistic_beta, params.body, a, jac)
        for i in range(3):
            x[6 + i] = a[i]
            for j in range(6):
                s = 0.0
                for n in range(6):
                    s += jac[i, n] * P[n, j]
                P[6 + i, j] = s
                P[j, 6 + i] = s
        for i in range(3):
            for j in range(3):
                s = 0.0
                for n in range(6):
                    s += P[6 + i, n] * jac[j, n]
                P[6 + i, 6 + j] = s


@njit
def _start_imm(tracks: Tracks, params: TrackerParams, k: int) -> None:
    """At confirmation, start every model of row k from its one tentative model."""
    i0 = params.init_model
    a = np.empty(3)
    jac = np.empty((3, 6))
    for m in range(params.models.shape[0]):
        if m != i0:
            tracks.x[k, m, :] = tracks.x[k, i0]
            tracks.P[k, m, :, :] = tracks.P[k, i0]
            _acceleration_rows(params, params.models[m], tracks.x[k, m], tracks.P[k, m], a, jac)
        tracks.mu[k, m] = params.mu0[m]


@njit
def _initiate(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    track_id: int,
    t: float,
    z: np.ndarray,
    label: int,
    sigma: np.ndarray,
    nz: int,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
) -> None:
    """One-point initiation of row k from measurement z (see the module docstring)."""
    p = np.empty(3)
    cov = np.empty((3, 3))
    los = np.empty(3)
    spherical_to_position(z, sigma, sensor_pos, basis, p, cov, los)
    sv2 = params.init_velocity_sigma**2
    a = np.empty(3)
    jac = np.empty((3, 6))
    for m in range(params.models.shape[0]):
        x = tracks.x[k, m]
        P = tracks.P[k, m]
        x[:] = 0.0
        P[:, :] = 0.0
        for i in range(3):
            x[i] = p[i]
            for j in range(3):
                P[i, j] = cov[i, j]
        for i in range(3):
            if nz == 4:
                x[3 + i] = z[3] * los[i]
                for j in range(3):
                    P[3 + i, 3 + j] = (sigma[3] ** 2 - sv2) * los[i] * los[j]
            P[3 + i, 3 + i] += sv2
        _acceleration_rows(params, params.models[m], x, P, a, jac)
        tracks.mu[k, m] = params.mu0[m]
    tracks.id[k] = track_id
    tracks.t[k] = t
    tracks.hits[k] = 1
    tracks.looks[k] = 1
    tracks.misses[k] = 0
    tracks.n_updates[k] = 1
    tracks.label[k] = label
    tracks.t_initiated[k] = t
    tracks.updated[k] = True
    if params.confirm_m <= 1:
        tracks.status[k] = STATUS_CONFIRMED
        tracks.t_confirmed[k] = t
    else:
        tracks.status[k] = STATUS_TENTATIVE
        tracks.t_confirmed[k] = math.nan
        if params.init_model >= 0:
            for m in range(params.models.shape[0]):
                tracks.mu[k, m] = 1.0 if m == params.init_model else 0.0


# --- association --------------------------------------------------------------------------


@njit
def _find(parent: np.ndarray, i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit
def _associate(
    pair_l: np.ndarray,
    pair_j: np.ndarray,
    pair_c: np.ndarray,
    n_pairs: int,
    miss: float,
    n_live: int,
    n_det: int,
    assigned: np.ndarray,
) -> None:
    """Global nearest neighbour over gated pairs, cluster by cluster.

    ``assigned[l]`` gets the detection of live track l, or -1.  Each cluster's matrix
    is ``[C | diag(miss)]`` with ``+inf`` outside the gate.
    """
    for i in range(n_live):
        assigned[i] = -1
    if n_pairs == 0:
        return
    parent = np.arange(n_live + n_det)
    for p in range(n_pairs):
        a = _find(parent, pair_l[p])
        b = _find(parent, n_live + pair_j[p])
        if a != b:
            parent[b] = a
    root = np.empty(n_pairs, np.int64)
    for p in range(n_pairs):
        root[p] = _find(parent, pair_l[p])
    order = np.argsort(root, kind="mergesort")
    local_t = np.full(n_live, -1, np.int64)
    local_d = np.full(n_det, -1, np.int64)
    tr = np.empty(n_live, np.int64)
    de = np.empty(n_det, np.int64)
    start = 0
    while start < n_pairs:
        stop = start
        r = root[order[start]]
        while stop < n_pairs and root[order[stop]] == r:
            stop += 1
        if stop - start == 1:  # one track, one detection, inside the gate: assign
            p = order[start]
            assigned[pair_l[p]] = pair_j[p]
            start = stop
            continue
        nt = 0
        nd = 0
        for s in range(start, stop):
            p = order[s]
            if local_t[pair_l[p]] < 0:
                local_t[pair_l[p]] = nt
                tr[nt] = pair_l[p]
                nt += 1
            if local_d[pair_j[p]] < 0:
                local_d[pair_j[p]] = nd
                de[nd] = pair_j[p]
                nd += 1
        cost = np.full((nt, nd + nt), math.inf)
        for s in range(start, stop):
            p = order[s]
            cost[local_t[pair_l[p]], local_d[pair_j[p]]] = pair_c[p]
        for i in range(nt):
            cost[i, nd + i] = miss
        col = np.empty(nt, np.int64)
        lsap_kernel(cost, nt, nd + nt, col)
        for i in range(nt):
            if 0 <= col[i] < nd:
                assigned[tr[i]] = de[col[i]]
        for i in range(nt):
            local_t[tr[i]] = -1
        for i in range(nd):
            local_d[de[i]] = -1
        start = stop


@njit
def _free(tracks: Tracks, k: int) -> None:
    tracks.status[k] = STATUS_FREE
    tracks.updated[k] = False


# --- the look -----------------------------------------------------------------------------


@njit
def _out_of_sector(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    t: float,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    fov: np.ndarray,
    var_az: float,
) -> bool:
    """Whether row k's azimuth gate lies wholly outside the look's sector (a cheap bound).

    A track that runs one linear model (CV or CA; most are tentative tracks of false
    alarms; the others: :func:`_mixture_out_of_sector`): its predicted position is exact, and its position
    spread is bounded by the triangle inequality, ``σ ≤ √tr P_pp + Δt √tr P_vv +
    Δt²/2 √tr P_aa + √(3 q_eff)`` with the process-noise trace of the model.
    The azimuth gate half-width is then at most ``√(gate (σ_az² + σ²/R_h²))``,
    ``R_h`` the horizontal range: an azimuth row of the Jacobian has norm ``1/R_h``.
    Outside the sector by more than that, the full prediction cannot be in view
    nor gate any detection of the look, so :func:`scan` skips it.
    """
    i0 = _single_model(tracks.status, params.models.shape[0], params.init_model, k)
    if i0 < 0 or params.models[i0] == MODEL_BALLISTIC:
        return _mixture_out_of_sector(tracks, params, k, t, sensor_pos, basis, fov, var_az)
    model = params.models[i0]
    dt = max(t - tracks.t[k], 0.0)
    x = tracks.x[k, i0]
    P = tracks.P[k, i0]
    le = 0.0
    ln = 0.0
    for a in range(3):
        d = x[a] + dt * (x[3 + a] + 0.5 * dt * x[6 + a]) - sensor_pos[a]
        le += basis[0, a] * d
        ln += basis[1, a] * d
    rh = math.sqrt(le * le + ln * ln)
    if rh < 1.0:
        return False
    tp = P[0, 0] + P[1, 1] + P[2, 2]
    tv = P[3, 3] + P[4, 4] + P[5, 5]
    ta = P[6, 6] + P[7, 7] + P[8, 8]
    q = params.q[i0]
    tq = 3.0 * q * dt**3 / 3.0 if model == MODEL_CV else 3.0 * q * dt**5 / 20.0
    spread = math.sqrt(tp) + dt * math.sqrt(tv) + 0.5 * dt * dt * math.sqrt(ta) + math.sqrt(tq)
    half = math.sqrt(params.gate * (var_az + (spread / rh) ** 2))
    off = abs(_wrap(math.atan2(le, ln) - fov[1]))
    return bool(off > fov[2] + half)


@njit(inline="always")
def _distance3(a: np.ndarray, b: np.ndarray, i: int) -> float:
    """The distance between ``a[i:i + 3]`` and ``b[i:i + 3]``."""
    return math.sqrt((a[i] - b[i]) ** 2 + (a[i + 1] - b[i + 1]) ** 2 + (a[i + 2] - b[i + 2]) ** 2)


@njit(inline="always")
def _mixture_out_of_sector(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    t: float,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    fov: np.ndarray,
    var_az: float,
) -> bool:
    """:func:`_out_of_sector` for an IMM track (or one that runs the ballistic model):
    whether its combined prediction and azimuth gate surely lie outside the look's sector.

    A bound over the models, so that no prediction need be made.  IMM mixing takes
    convex combinations of the model states, and each model predicts a mixed state's
    position as ``p + v Δt`` plus at most ``E = A Δt²/2``, ``A`` the largest of the
    states' accelerations (CA) and of the drag-free ballistic model's (gravity, at most
    9.9 m/s² with the centrifugal term, and Coriolis, ``2Ω`` times the speed); so the
    combined prediction lies within ``R + E`` of the centre ``C`` of the points
    ``p_i + v_i Δt``, ``R`` their largest distance from ``C``.  Its position spread (the
    root of the position block's trace) is at most the largest model spread plus the
    spread of the means (the states' diameter ``D`` in position, velocity and
    acceleration, propagated like the covariances), ``Δt``-propagated by the triangle
    inequality as in :func:`_out_of_sector`, with the largest model's process noise and
    10 % for the ballistic transition's gravity-gradient and Coriolis terms (under
    0.2 % over 10 s).  The azimuth gate half-width is then at most
    ``√(gate (σ_az² + σ²/R_h²))`` at the least horizontal range ``R_h`` the combined
    prediction can have.  A ballistic model with drag (``ballistic_beta > 0``) is not
    bounded: the track is then always predicted."""
    if params.ballistic_beta > 0.0:
        return False
    m = params.models.shape[0]
    dt = max(t - tracks.t[k], 0.0)
    i0 = _single_model(tracks.status, m, params.init_model, k)  # -1: every model holds a state
    # centre of the points p_i + v_i dt (east, north, up of the sensor) and the states'
    # largest spread and acceleration
    ce = 0.0
    cn = 0.0
    cu = 0.0
    n = 0.0
    acc = 0.0
    spd = 0.0
    s_p = 0.0
    s_v = 0.0
    s_a = 0.0
    q_max = 0.0
    for i in range(m):
        if i0 >= 0 and i != i0:
            continue
        x = tracks.x[k, i]
        P = tracks.P[k, i]
        for a in range(3):
            d = x[a] + dt * x[3 + a] - sensor_pos[a]
            ce += basis[0, a] * d
            cn += basis[1, a] * d
            cu += basis[2, a] * d
        n += 1.0
        acc = max(acc, math.sqrt(x[6] ** 2 + x[7] ** 2 + x[8] ** 2))
        spd = max(spd, math.sqrt(x[3] ** 2 + x[4] ** 2 + x[5] ** 2))
        s_p = max(s_p, math.sqrt(max(P[0, 0] + P[1, 1] + P[2, 2], 0.0)))
        s_v = max(s_v, math.sqrt(max(P[3, 3] + P[4, 4] + P[5, 5], 0.0)))
        s_a = max(s_a, math.sqrt(max(P[6, 6] + P[7, 7] + P[8, 8], 0.0)))
        q_max = max(q_max, params.q[i])
    ce /= n
    cn /= n
    cu /= n
    radius = 0.0  # of the points p_i + v_i dt about the centre
    d_p = 0.0  # diameters of the states' positions, velocities, accelerations
    d_v = 0.0
    d_a = 0.0
    for i in range(m):
        if i0 >= 0 and i != i0:
            continue
        xi = tracks.x[k, i]
        de = -ce
        dn = -cn
        du = -cu
        for a in range(3):
            d = xi[a] + dt * xi[3 + a] - sensor_pos[a]
            de += basis[0, a] * d
            dn += basis[1, a] * d
            du += basis[2, a] * d
        radius = max(radius, math.sqrt(de * de + dn * dn + du * du))
        for j in range(m):
            if i0 >= 0 and j != i0:
                continue
            xj = tracks.x[k, j]
            d_p = max(d_p, _distance3(xi, xj, 0))
            d_v = max(d_v, _distance3(xi, xj, 3))
            d_a = max(d_a, _distance3(xi, xj, 6))
    grav = 9.9 + 2.0 * 7.2921159e-5 * (spd + 10.0 * dt)
    reach = radius + 0.5 * max(acc, grav) * dt * dt  # R + E
    sp = s_p + d_p
    sv = s_v + d_v
    sa = max(s_a + d_a, grav)  # the ballistic model's own acceleration rows carry none
    tq = 3.0 * q_max * max(dt**3 / 3.0, dt**5 / 20.0)
    spread = 1.1 * (sp + dt * sv + 0.5 * dt * dt * sa + math.sqrt(tq) + 2.0 * reach)
    rh = math.sqrt(ce * ce + cn * cn) - reach
    if rh < 4.0 * (reach + spread) or rh < 1.0:
        return False
    half = math.sqrt(params.gate * (var_az + (spread / rh) ** 2)) + 1.1 * reach / rh
    off = abs(_wrap(math.atan2(ce, cn) - fov[1]))
    return bool(off > fov[2] + half)


@njit(inline="always")
def _range_gate_empty(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    t: float,
    sensor_pos: np.ndarray,
    basis: np.ndarray,
    nz: int,
    var: np.ndarray,
    ranges: np.ndarray,
    xm: np.ndarray,
    zhat: np.ndarray,
    H: np.ndarray,
) -> bool:
    """Whether row k, a track on one linear model (CV or CA), has no detection of the look
    within its range gate; then its predicted mean is in ``xm`` and its predicted
    measurement in ``zhat``, bit for bit those of the full prediction
    (:func:`airguard.tracking.models._linear_predict` and
    :func:`airguard.tracking.models.measurement_jacobian`, the same operations in the
    same order), so that :func:`scan` counts its hit or miss as before without the
    covariance.

    The range gate's half-width is ``√(gate S_rr)``, ``S_rr = u' P_pp u + σ_r²`` with
    ``u`` the line of sight (the range row of the Jacobian) and ``P_pp`` the predicted
    position covariance, ``Σ c_a c_b P_ab + Q_pp`` over the derivative orders a, b with
    ``c = (1, Δt, Δt²/2)`` (CV: ``Δt²/2`` → 0); computed here in another order, it is
    taken 1 % and 1 m² wider than the full prediction's, far beyond rounding.  (False
    alarms' tentative tracks have wide azimuth and elevation gates after a turn of the
    radar, but the range rate holds their range gate to a few hundred metres.)"""
    i0 = _single_model(tracks.status, params.models.shape[0], params.init_model, k)
    if i0 < 0:
        return False
    model = params.models[i0]
    if model == MODEL_BALLISTIC:
        return False
    dt = max(t - tracks.t[k], 0.0)
    x = tracks.x[k, i0]
    P = tracks.P[k, i0]
    c1 = dt
    c2 = 0.5 * (dt * dt) if model == MODEL_CA else 0.0  # (_linear_predict: 0.5 * t2)
    # the mean: _linear_predict's sums, term by term in its order
    for i in range(N_X):
        ai = i % 3
        ki = i // 3
        s = 0.0
        for kk in range(3):
            if ki == 0:
                f = 1.0 if kk == 0 else (c1 if kk == 1 else c2)
            elif ki == 1:
                f = 0.0 if kk == 0 else (1.0 if kk == 1 else (dt if model == MODEL_CA else 0.0))
            else:
                f = 1.0 if kk == 2 and model == MODEL_CA else 0.0
            s += f * x[ai + 3 * kk]
        xm[i] = s
    measurement_jacobian(xm, sensor_pos, basis, nz, zhat, H)
    # u' P_pp u of the prediction, with u the range row of the Jacobian
    srr = 0.0
    for a in range(3):
        ca = 1.0 if a == 0 else (c1 if a == 1 else c2)
        if ca == 0.0:
            continue
        for b in range(3):
            cb = 1.0 if b == 0 else (c1 if b == 1 else c2)
            if cb == 0.0:
                continue
            for i in range(3):
                for j in range(3):
                    srr += ca * cb * H[0, i] * P[3 * a + i, 3 * b + j] * H[0, j]
    t3 = dt * dt * dt
    q = params.q[i0]
    srr += q * t3 / 3.0 if model == MODEL_CV else q * t3 * dt * dt / 20.0
    w2 = params.gate * (1.01 * max(srr, 0.0) + var[0] + 1.0)
    if not (w2 < math.inf):
        return False
    w = math.sqrt(w2)
    lo = np.searchsorted(ranges, zhat[0] - w)
    hi = np.searchsorted(ranges, zhat[0] + w, side="right")
    return bool(lo == hi)


@njit(inline="always")
def _live(tracks: Tracks, params: TrackerParams, t: float) -> int:
    """Gather the rows that hold a track into ``tracks.work_live`` and return their number,
    deleting first the tracks that have coasted longer than ``coast_s`` by time t."""
    K = tracks.status.shape[0]
    # live tracks; coasting deletion
    live = tracks.work_live
    n_live = i64(0)  # (not a literal 0: see airguard._jit.i64)
    for k in range(K):
        tracks.updated[k] = False
        if tracks.status[k] == STATUS_FREE:
            continue
        if t - tracks.t[k] > params.coast_s:
            _free(tracks, k)
            continue
        live[n_live] = k
        n_live += 1
    return n_live


@njit(inline="always")
def _predict_live(
    tracks: Tracks,
    params: TrackerParams,
    n_live: int,
    t: float,
    sensor_pos: np.ndarray,
    sensor_basis: np.ndarray,
    fov: np.ndarray,
    nz: int,
    var: np.ndarray,
    work: np.ndarray,
    ranges: np.ndarray,
) -> None:
    """Predict the first `n_live` rows of ``tracks.work_live`` to time t, into the work
    arrays of `tracks`: model states and probabilities, the predicted measurement, the
    inverse innovation covariance and the gate half-widths of the combined prediction
    (-1: the track cannot gate a detection of this look), and whether it lies in `fov`.
    ``ranges``: the look's detection ranges, sorted.

    A track that runs one linear model (a tentative track: most are false alarms') with
    no detection within its range gate gets its mean predicted only (whether it is in
    view: a hit or a miss) and no covariance: :func:`_range_gate_empty`."""
    live = tracks.work_live
    gate = params.gate
    # predict every live track the look may see; gate geometry of its combined prediction
    xp = tracks.work_x
    Pp = tracks.work_cov
    cbar = tracks.work_c
    zc = tracks.work_z
    Sinv = tracks.work_sinv
    half = tracks.work_h
    infov = tracks.work_in
    xc = np.empty(N_X)
    Pc = np.empty((N_X, N_X))
    H = np.empty((N_Z, N_X))
    PHt = np.empty((N_X, N_Z))
    S = np.empty((N_Z, N_Z))
    sector = fov[2] < math.pi
    for li in range(n_live):
        k = live[li]
        infov[li] = False
        if sector and _out_of_sector(tracks, params, k, t, sensor_pos, sensor_basis, fov, var[1]):
            half[li, 0] = -1.0  # it can neither gate a detection of this look nor miss it
            continue
        if _range_gate_empty(
            tracks, params, k, t, sensor_pos, sensor_basis, nz, var, ranges, xc, zc[li], H
        ):  # fmt: skip
            infov[li] = _in_fov(zc[li], fov)
            half[li, 0] = -1.0  # a hit or a miss, but no detection to gate
            continue
        _imm_predict(tracks, params, k, t, xp[li], Pp[li], cbar[li])
        i0 = _single_model(tracks.status, params.models.shape[0], params.init_model, k)
        if i0 >= 0:
            xc[:] = xp[li, i0]
            Pc[:, :] = Pp[li, i0]
        else:
            _combine(xp[li], Pp[li], cbar[li], xc, Pc)
        _innovation_covariance(xc, Pc, sensor_pos, sensor_basis, nz, var, zc[li], H, PHt, S)
        infov[li] = _in_fov(zc[li], fov)
        logdet = _chol_inverse(S, nz, Sinv[li], work)
        if logdet != logdet:
            half[li, 0] = -1.0
            continue
        for a in range(3):
            half[li, a] = math.sqrt(gate * S[a, a])


@njit(inline="always")
def _gate(
    tracks: Tracks,
    params: TrackerParams,
    n_live: int,
    nz: int,
    z: np.ndarray,
    n: int,
    order: np.ndarray,
    ranges: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The (predicted track, detection) pairs inside the gate, from the work arrays that
    :func:`_predict_live` filled: live index, detection, cost; and their number.  ``order``
    sorts the detections by range, ``ranges`` holds their ranges in that order."""
    gate = params.gate
    zc = tracks.work_z
    Sinv = tracks.work_sinv
    half = tracks.work_h
    # gating: range window on sorted detections, then azimuth, elevation, then d²
    cap = 4 * (n_live + n) + 16
    pair_l = np.empty(cap, np.int64)
    pair_j = np.empty(cap, np.int64)
    pair_c = np.empty(cap)
    n_pairs = i64(0)  # (not a literal 0: see airguard._jit.i64)
    nu = np.empty(N_Z)
    for li in range(n_live):
        if half[li, 0] < 0.0:
            continue
        lo = np.searchsorted(ranges, zc[li, 0] - half[li, 0])
        hi = np.searchsorted(ranges, zc[li, 0] + half[li, 0], side="right")
        for idx in range(lo, hi):
            j = order[idx]
            nu[1] = _wrap(z[j, 1] - zc[li, 1])
            if abs(nu[1]) > half[li, 1]:
                continue
            nu[2] = z[j, 2] - zc[li, 2]
            if abs(nu[2]) > half[li, 2]:
                continue
            nu[0] = z[j, 0] - zc[li, 0]
            if nz == 4:
                nu[3] = z[j, 3] - zc[li, 3]
            d2 = 0.0
            for a in range(nz):
                for b in range(nz):
                    d2 += nu[a] * Sinv[li, a, b] * nu[b]
            if d2 >= gate:
                continue
            if n_pairs == cap:
                cap *= 2
                pair_l = np.concatenate((pair_l, np.empty(cap - n_pairs, np.int64)))
                pair_j = np.concatenate((pair_j, np.empty(cap - n_pairs, np.int64)))
                pair_c = np.concatenate((pair_c, np.empty(cap - n_pairs)))
            pair_l[n_pairs] = li
            pair_j[n_pairs] = j
            pair_c[n_pairs] = d2 if params.cost == COST_DISTANCE2 else math.sqrt(d2)
            n_pairs += 1
    return pair_l, pair_j, pair_c, n_pairs


@njit
def scan(
    tracks: Tracks,
    params: TrackerParams,
    counter: np.ndarray,
    t: float,
    sensor_pos: np.ndarray,
    sensor_basis: np.ndarray,
    sigma: np.ndarray,
    fov: np.ndarray,
    z: np.ndarray,
    z_label: np.ndarray,
    n: int,
) -> None:
    """Process one look of one sensor (see the module docstring).

    Parameters
    ----------
    tracks
        The track table, updated in place.
    params
        Tracker configuration.
    counter
        (1,) int64, in/out: the next track id.
    t
        Time of the look, s; looks must come in non-decreasing time (an older look
        is treated as simultaneous with a newer track update).
    sensor_pos
        (3,) sensor position in the tracker's frame, m.
    sensor_basis
        (3, 3) rows: east, north, up unit vectors of the sensor in the frame.
    sigma
        (4,) measurement standard deviations: range m, azimuth rad, elevation rad,
        range rate m/s (<= 0: range rate not measured).
    fov
        (5,) field of view: max range m, azimuth centre rad, azimuth half-width rad
        (π: all round), min and max elevation rad.
    z
        (>= n, 4) detections: range m, azimuth rad (from north, clockwise),
        elevation rad, range rate m/s (ignored without a range-rate sigma).
    z_label
        (>= n,) int64 truth labels (-1: false alarm); carried, never used.
    n
        Number of detections of the look.
    """
    K = tracks.status.shape[0]
    M = params.models.shape[0]
    nz = 4 if sigma[3] > 0.0 else 3
    var = np.empty(N_Z)
    for a in range(N_Z):
        var[a] = sigma[a] * sigma[a]
    gate = params.gate
    work = np.zeros((4, 8))
    n_live = _live(tracks, params, t)
    live = tracks.work_live
    xp = tracks.work_x
    Pp = tracks.work_cov
    cbar = tracks.work_c
    infov = tracks.work_in
    # the look's detections by range: the gate's range windows and the cheap test of
    # a tentative track that no detection is near
    order = np.argsort(z[:n, 0])
    ranges = np.empty(n)
    for i in range(n):
        ranges[i] = z[order[i], 0]
    _predict_live(tracks, params, n_live, t, sensor_pos, sensor_basis, fov, nz, var, work, ranges)
    pair_l, pair_j, pair_c, n_pairs = _gate(tracks, params, n_live, nz, z, n, order, ranges)
    miss = gate if params.cost == COST_DISTANCE2 else math.sqrt(gate)
    assigned = np.empty(n_live, np.int64)
    _associate(pair_l, pair_j, pair_c, n_pairs, miss, n_live, n, assigned)
    # updates and track logic (here, not in a helper: one per track, called or inlined by
    # numba, cost 5-7 % of a look)
    used = np.zeros(n, np.bool_)
    loglik = np.empty(M)
    window = (1 << params.confirm_n) - 1
    for li in range(n_live):
        k = live[li]
        j = assigned[li]
        if j >= 0:
            used[j] = True
            best = -math.inf
            i0 = _single_model(tracks.status, params.models.shape[0], params.init_model, k)
            for m in range(M):
                if i0 >= 0 and m != i0:
                    continue
                tracks.x[k, m, :] = xp[li, m]
                tracks.P[k, m, :, :] = Pp[li, m]
                loglik[m] = _ekf_update(
                    tracks.x[k, m], tracks.P[k, m], z[j], sensor_pos, sensor_basis, nz, var, work
                )
                best = max(best, loglik[m])
            if i0 < 0:
                total = 0.0
                for m in range(M):
                    w = cbar[li, m] * (math.exp(loglik[m] - best) if best > -math.inf else 1.0)
                    tracks.mu[k, m] = w
                    total += w
                for m in range(M):
                    tracks.mu[k, m] = tracks.mu[k, m] / total if total > 0.0 else cbar[li, m]
            tracks.t[k] = t
            if z_label[j] >= 0:  # a false alarm in a real track does not relabel it
                tracks.label[k] = z_label[j]
            tracks.n_updates[k] += 1
            tracks.hits[k] = ((tracks.hits[k] << 1) | 1) & _HIT_MASK
            tracks.looks[k] += 1
            tracks.misses[k] = 0
            tracks.updated[k] = True
        elif infov[li]:
            tracks.hits[k] = (tracks.hits[k] << 1) & _HIT_MASK
            tracks.looks[k] += 1
            tracks.misses[k] += 1
            if tracks.status[k] == STATUS_CONFIRMED and tracks.misses[k] >= params.delete_misses:
                _free(tracks, k)
                continue
        else:
            continue
        if tracks.status[k] == STATUS_TENTATIVE:
            got = _popcount(tracks.hits[k] & window)
            if got >= params.confirm_m:
                tracks.status[k] = STATUS_CONFIRMED
                tracks.t_confirmed[k] = t
                if M > 1 and params.init_model >= 0:
                    _start_imm(tracks, params, k)
            elif got + (params.confirm_n - tracks.looks[k]) < params.confirm_m:
                _free(tracks, k)
    # new tentative tracks from unassigned detections, in detection order
    row = 0
    for j in range(n):
        if used[j]:
            continue
        while row < K and tracks.status[row] != STATUS_FREE:
            row += 1
        if row == K:
            break  # table full: the rest of the look's unassigned detections are dropped
        _initiate(
            tracks, params, row, counter[0], t, z[j], z_label[j], sigma, nz, sensor_pos,
            sensor_basis,
        )  # fmt: skip
        counter[0] += 1


@njit
def estimate(
    tracks: Tracks,
    params: TrackerParams,
    k: int,
    t: float,
    out_x: np.ndarray,
    out_P: np.ndarray,
) -> None:
    """Combined estimate of row k predicted to time t, without changing the track.

    Parameters
    ----------
    tracks, params
        The table and its configuration.
    k
        Row (must hold a track).
    t
        Time, s (at or after ``tracks.t[k]``; earlier is treated as ``tracks.t[k]``).
    out_x
        (9,) out: IMM-combined state, m, m/s, m/s² (Bar-Shalom et al. 2001, §11.6.6).
    out_P
        (9, 9) out: its covariance.
    """
    m = params.models.shape[0]
    xp = np.empty((m, N_X))
    Pp = np.empty((m, N_X, N_X))
    cbar = np.empty(m)
    _imm_predict(tracks, params, k, t, xp, Pp, cbar)
    _combine(xp, Pp, cbar, out_x, out_P)


@njit
def estimate_rows(
    tracks: Tracks,
    params: TrackerParams,
    rows: np.ndarray,
    t: np.ndarray,
    out_x: np.ndarray,
    out_P: np.ndarray,
) -> None:
    """:func:`estimate` for several rows: ``rows`` (r,), times ``t`` (r,) s, out (r, 9), (r, 9, 9)."""
    for i in range(rows.shape[0]):
        estimate(tracks, params, rows[i], t[i], out_x[i], out_P[i])


@njit
def run_scans(
    tracks: Tracks,
    params: TrackerParams,
    counter: np.ndarray,
    scan_t: np.ndarray,
    scan_sensor: np.ndarray,
    scan_start: np.ndarray,
    sensor_pos: np.ndarray,
    sensor_basis: np.ndarray,
    sensor_sigma: np.ndarray,
    sensor_fov: np.ndarray,
    z: np.ndarray,
    z_label: np.ndarray,
    out_t: np.ndarray,
    out_row: np.ndarray,
    out_id: np.ndarray,
    out_status: np.ndarray,
    out_label: np.ndarray,
    out_x: np.ndarray,
    out_var: np.ndarray,
) -> int:
    """Run :func:`scan` over a sequence of looks, recording every track each look updates.

    Parameters
    ----------
    tracks, params, counter
        As for :func:`scan`.
    scan_t
        (S,) look times, s, non-decreasing.
    scan_sensor
        (S,) int64 sensor index of each look.
    scan_start
        (S + 1,) int64: look i's detections are rows ``scan_start[i]:scan_start[i+1]`` of z.
    sensor_pos, sensor_basis, sensor_sigma, sensor_fov
        (NS, 3), (NS, 3, 3), (NS, 4), (NS, 5): per sensor, as for :func:`scan`.
    z, z_label
        (N, 4), (N,) all detections, grouped by look.
    out_t, out_row, out_id, out_status, out_label
        (>= N,) out: time s, table row, track id, status, label of each record.
    out_x
        (>= N, 9) out: combined state at ``out_t``.
    out_var
        (>= N, 9) out: diagonal of its covariance.

    Returns
    -------
    int
        Records written: one per track updated or initiated by each look (at most one
        per detection, so N rows always suffice).
    """
    n_out = 0
    K = tracks.status.shape[0]
    x = np.empty(N_X)
    P = np.empty((N_X, N_X))
    for i in range(scan_t.shape[0]):
        s = scan_sensor[i]
        a = scan_start[i]
        b = scan_start[i + 1]
        scan(
            tracks, params, counter, scan_t[i], sensor_pos[s], sensor_basis[s],
            sensor_sigma[s], sensor_fov[s], z[a:b], z_label[a:b], b - a,
        )  # fmt: skip
        for k in range(K):
            if not tracks.updated[k]:
                continue
            estimate(tracks, params, k, tracks.t[k], x, P)
            out_t[n_out] = tracks.t[k]
            out_row[n_out] = k
            out_id[n_out] = tracks.id[k]
            out_status[n_out] = tracks.status[k]
            out_label[n_out] = tracks.label[k]
            for c in range(N_X):
                out_x[n_out, c] = x[c]
                out_var[n_out, c] = P[c, c]
            n_out += 1
    return n_out
