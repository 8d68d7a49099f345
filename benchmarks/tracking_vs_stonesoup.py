"""airguard's compiled tracker against an equivalent Stone Soup tracker (not a unit test).

Run: ``python benchmarks/tracking_vs_stonesoup.py [--targets 200 --scans 100 --seed 1]``.
Needs Stone Soup (``pip install "stonesoup>=1.4"``: the ``bench`` extra), which airguard
itself never imports.

Scenario
    ``--targets`` targets in a flat frame (+z up), starting within 80 km of one radar at
    the origin at 1-10 km altitude, at 50-250 m/s on random horizontal headings, moving by
    the nearly-constant-velocity model: continuous white-noise acceleration of power
    spectral density q = 1 m²/s³ per axis, sampled exactly at the scan period (Bar-Shalom,
    Li & Kirubarajan 2001, §6.2.2).  The radar turns all round (360°) every 4 s, out to
    200 km, detects each target with probability Pd = 0.9 and measures range, azimuth and
    elevation with σ = 30 m, 1 mrad, 1 mrad; each scan adds Poisson(20) false alarms
    uniform in range 5-200 km, azimuth, elevation 0-0.15 rad.  Detections are shuffled
    within a scan, and both trackers receive the identical list of detections.

Equivalent trackers
    * Motion model: CV with q = 1 m²/s³ (Stone Soup: ``ConstantVelocity(1.0)`` per axis in a
      ``CombinedLinearGaussianTransitionModel``, the same CWNA matrices).
    * Measurement model: elevation, bearing, range with the same covariance (Stone Soup:
      ``CartesianToElevationBearingRange``; its bearing is counter-clockwise from +x, so it
      receives π/2 − azimuth).
    * Filter: extended Kalman filter, Joseph-form covariance update in both
      (``ExtendedKalmanUpdater(use_joseph_cov=True)``).
    * Gate and association: Mahalanobis distance d, gate d² < 16.27 (99.9 % for 3 degrees
      of freedom); global nearest neighbour minimising the sum of d over assigned pairs plus
      √16.27 per unassigned track (Stone Soup: ``DistanceHypothesiser(Mahalanobis(),
      missed_distance=√16.27)`` and ``GNNWith2DAssignment``; airguard: ``cost="distance"``).
      Tentative and confirmed tracks compete for detections together in both.
    * Initiation, confirmation, deletion: airguard's rules (docs/tracking.md), written out in
      Python for Stone Soup below (``_StoneSoupLogic``) since its stock initiators
      (``MultiMeasurementInitiator``) associate tentative tracks separately: one-point
      initiation at the measured position with the linearised conversion covariance and
      velocity 0 ± 300 m/s per axis; 3-of-4 confirmation, counting looks whose prediction
      lies in the radar's coverage; deletion of a tentative track once 3-of-4 is out of
      reach, of a confirmed track after 3 consecutive misses.  A track that misses keeps its
      last update in both (no prediction appended: for the CV model predicting in one step
      equals predicting step by step).

Scoring and timing
    OSPA (``airguard.metrics.ospa``, cut-off 1 km, p = 1) between the true positions and the
    positions of the confirmed tracks predicted to each scan time, averaged over the scans.
    Wall time of the tracking loop only (association, filtering, track logic), not of the
    scoring.  airguard is timed after a warm-up call on a small instance, so numba's
    compilation (or loading of its on-disk cache) is excluded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time
from dataclasses import dataclass, field

import numpy as np

from airguard.metrics import ospa
from airguard.tracking import core

PERIOD_S = 4.0
Q_M2_S3 = 1.0
PD = 0.9
CLUTTER_PER_SCAN = 20.0
SIGMA = np.array([30.0, 1e-3, 1e-3, 0.0])  # range m, azimuth rad, elevation rad, no range rate
FOV = np.array([200e3, 0.0, math.pi, -0.2, 1.5])  # max range, az centre, az half, el min, el max
CLUTTER_RANGE_M = (5e3, 200e3)
CLUTTER_EL_RAD = (0.0, 0.15)
GATE = 16.27
INIT_VELOCITY_SIGMA_MPS = 300.0
CONFIRM_M, CONFIRM_N, DELETE_MISSES = 3, 4, 3
OSPA_CUTOFF_M = 1000.0


@dataclass
class Scenario:
    times: np.ndarray  # (S,) s
    truth: np.ndarray  # (S, N, 3) m
    z: list[np.ndarray] = field(default_factory=list)  # per scan (n, 4): range, az, el, 0
    label: list[np.ndarray] = field(default_factory=list)  # per scan (n,) target or -1


def make_scenario(n_targets: int, n_scans: int, seed: int) -> Scenario:
    """Truth and detections (see the module docstring)."""
    rng = np.random.default_rng(seed)
    r0 = 80e3 * np.sqrt(rng.uniform(0.0, 1.0, n_targets))
    b0 = rng.uniform(-math.pi, math.pi, n_targets)
    pos = np.stack([r0 * np.cos(b0), r0 * np.sin(b0), rng.uniform(1e3, 10e3, n_targets)], 1)
    speed = rng.uniform(50.0, 250.0, n_targets)
    heading = rng.uniform(-math.pi, math.pi, n_targets)
    vel = np.stack([speed * np.cos(heading), speed * np.sin(heading), np.zeros(n_targets)], 1)
    T = PERIOD_S
    q_cov = Q_M2_S3 * np.array([[T**3 / 3, T**2 / 2], [T**2 / 2, T]])
    chol = np.linalg.cholesky(q_cov)
    times = np.arange(n_scans) * T
    truth = np.empty((n_scans, n_targets, 3))
    sc = Scenario(times=times, truth=truth)
    volume_lo = np.array([CLUTTER_RANGE_M[0], -math.pi, CLUTTER_EL_RAD[0]])
    volume_hi = np.array([CLUTTER_RANGE_M[1], math.pi, CLUTTER_EL_RAD[1]])
    for s in range(n_scans):
        if s > 0:
            w = rng.standard_normal((n_targets, 3, 2)) @ chol.T
            pos = pos + vel * T + w[:, :, 0]
            vel = vel + w[:, :, 1]
        truth[s] = pos
        r = np.linalg.norm(pos, axis=1)
        az = np.arctan2(pos[:, 0], pos[:, 1])
        el = np.arcsin(pos[:, 2] / r)
        seen = (rng.uniform(size=n_targets) < PD) & (r <= FOV[0]) & (el >= FOV[3])
        idx = np.nonzero(seen)[0]
        meas = np.stack([r[idx], az[idx], el[idx]], 1)
        meas += rng.standard_normal(meas.shape) * SIGMA[:3]
        meas[:, 1] = (meas[:, 1] + math.pi) % (2 * math.pi) - math.pi
        n_false = rng.poisson(CLUTTER_PER_SCAN)
        clutter = rng.uniform(volume_lo, volume_hi, (n_false, 3))
        z = np.concatenate([meas, clutter])
        label = np.concatenate([idx, np.full(n_false, -1)]).astype(np.int64)
        order = rng.permutation(len(z))
        sc.z.append(np.ascontiguousarray(np.column_stack([z[order], np.zeros(len(z))])))
        sc.label.append(label[order])
    return sc


def airguard_params() -> core.TrackerParams:
    return core.tracker_params(
        models=("cv",),
        q=Q_M2_S3,
        frame="flat",
        gate=GATE,
        cost="distance",
        confirm_m=CONFIRM_M,
        confirm_n=CONFIRM_N,
        delete_misses=DELETE_MISSES,
        init_velocity_sigma_mps=INIT_VELOCITY_SIGMA_MPS,
    )


def run_airguard(sc: Scenario, capacity: int) -> tuple[list[np.ndarray], float]:
    """Confirmed track positions at each scan time, and the wall time of the scans (s)."""
    params = airguard_params()
    tracks = core.new_tracks(capacity, 1)
    counter = np.zeros(1, np.int64)
    origin = np.zeros(3)
    basis = np.eye(3)
    estimates = []
    seconds = 0.0
    for s, t in enumerate(sc.times):
        z = sc.z[s]
        start = time.perf_counter()
        core.scan(
            tracks, params, counter, float(t), origin, basis, SIGMA, FOV, z, sc.label[s], len(z)
        )
        seconds += time.perf_counter() - start
        rows = np.nonzero(tracks.status == core.STATUS_CONFIRMED)[0]
        x = np.empty((len(rows), 9))
        P = np.empty((len(rows), 9, 9))
        core.estimate_rows(tracks, params, rows, np.full(len(rows), float(t)), x, P)
        estimates.append(x[:, :3])
    return estimates, seconds


def initial_state(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-point initiation: Cartesian mean and covariance of [x, vx, y, vy, z, vz]."""
    r, az, el = z[:3]
    ce, se, sa, ca = math.cos(el), math.sin(el), math.sin(az), math.cos(az)
    p = r * np.array([ce * sa, ce * ca, se])
    jac = np.array(
        [
            [ce * sa, r * ce * ca, -r * se * sa],
            [ce * ca, -r * ce * sa, -r * se * ca],
            [se, 0.0, r * ce],
        ]
    )
    cov_p = jac @ np.diag(SIGMA[:3] ** 2) @ jac.T
    mean = np.zeros(6)
    mean[0::2] = p
    cov = np.zeros((6, 6))
    cov[np.ix_([0, 2, 4], [0, 2, 4])] = cov_p
    cov[[1, 3, 5], [1, 3, 5]] = INIT_VELOCITY_SIGMA_MPS**2
    return mean, cov


class _StoneSoupLogic:
    """Stone Soup's EKF and GNN with airguard's one-point initiation and M-of-N logic."""

    def __init__(self) -> None:
        from stonesoup.dataassociator.neighbour import GNNWith2DAssignment  # type: ignore[import-untyped]
        from stonesoup.hypothesiser.distance import DistanceHypothesiser  # type: ignore[import-untyped]
        from stonesoup.measures import Mahalanobis  # type: ignore[import-untyped]
        from stonesoup.models.measurement.nonlinear import CartesianToElevationBearingRange  # type: ignore[import-untyped]
        from stonesoup.models.transition.linear import (  # type: ignore[import-untyped]
            CombinedLinearGaussianTransitionModel,
            ConstantVelocity,
        )
        from stonesoup.predictor.kalman import ExtendedKalmanPredictor  # type: ignore[import-untyped]
        from stonesoup.updater.kalman import ExtendedKalmanUpdater  # type: ignore[import-untyped]

        self.transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(Q_M2_S3)] * 3)
        self.measurement = CartesianToElevationBearingRange(
            ndim_state=6,
            mapping=(0, 2, 4),
            noise_covar=np.diag([SIGMA[2] ** 2, SIGMA[1] ** 2, SIGMA[0] ** 2]),
        )
        self.predictor = ExtendedKalmanPredictor(self.transition)
        self.updater = ExtendedKalmanUpdater(self.measurement, use_joseph_cov=True)
        hypothesiser = DistanceHypothesiser(
            self.predictor, self.updater, Mahalanobis(), missed_distance=math.sqrt(GATE)
        )
        self.associator = GNNWith2DAssignment(hypothesiser)
        self.tracks: set = set()  # type: ignore[type-arg]
        self.meta: dict = {}  # type: ignore[type-arg]  # track -> [status, hits, looks, misses]
        self.epoch = dt.datetime(2026, 1, 1)

    def scan(self, t: float, z: np.ndarray) -> None:
        from stonesoup.types.detection import Detection  # type: ignore[import-untyped]
        from stonesoup.types.state import GaussianState  # type: ignore[import-untyped]
        from stonesoup.types.track import Track  # type: ignore[import-untyped]

        stamp = self.epoch + dt.timedelta(seconds=t)
        detections = [
            Detection(
                np.array([[row[2]], [math.pi / 2 - row[1]], [row[0]]]),
                timestamp=stamp,
                measurement_model=self.measurement,
            )
            for row in z
        ]
        associations = self.associator.associate(self.tracks, set(detections), stamp)
        used = set()
        for track, hyp in associations.items():
            meta = self.meta[track]
            if hyp.measurement:
                track.append(self.updater.update(hyp))
                used.add(hyp.measurement)
                meta[1] = ((meta[1] << 1) | 1) & ((1 << 62) - 1)
                meta[2] += 1
                meta[3] = 0
            else:
                pred = hyp.prediction.state_vector
                x, y, zz = float(pred[0, 0]), float(pred[2, 0]), float(pred[4, 0])
                r = math.sqrt(x * x + y * y + zz * zz)
                el = math.atan2(zz, math.hypot(x, y))
                if not (r <= FOV[0] and FOV[3] <= el <= FOV[4]):
                    continue
                meta[1] = (meta[1] << 1) & ((1 << 62) - 1)
                meta[2] += 1
                meta[3] += 1
                if meta[0] == core.STATUS_CONFIRMED and meta[3] >= DELETE_MISSES:
                    self._delete(track)
                    continue
            if meta[0] == core.STATUS_TENTATIVE:
                got = bin(meta[1] & ((1 << CONFIRM_N) - 1)).count("1")
                if got >= CONFIRM_M:
                    meta[0] = core.STATUS_CONFIRMED
                elif got + (CONFIRM_N - meta[2]) < CONFIRM_M:
                    self._delete(track)
        for det, row in zip(detections, z, strict=True):
            if det in used:
                continue
            mean, cov = initial_state(row)
            track = Track([GaussianState(mean.reshape(6, 1), cov, timestamp=stamp)])
            self.tracks.add(track)
            self.meta[track] = [core.STATUS_TENTATIVE, 1, 1, 0]

    def _delete(self, track: object) -> None:
        self.tracks.discard(track)
        del self.meta[track]

    def confirmed_positions(self, t: float) -> np.ndarray:
        stamp = self.epoch + dt.timedelta(seconds=t)
        out = []
        for track in self.tracks:
            if self.meta[track][0] != core.STATUS_CONFIRMED:
                continue
            state = self.predictor.predict(track.state, timestamp=stamp).state_vector
            out.append([float(state[0, 0]), float(state[2, 0]), float(state[4, 0])])
        return np.array(out).reshape(-1, 3)


def run_stonesoup(sc: Scenario) -> tuple[list[np.ndarray], float]:
    logic = _StoneSoupLogic()
    estimates = []
    seconds = 0.0
    for s, t in enumerate(sc.times):
        start = time.perf_counter()
        logic.scan(float(t), sc.z[s])
        seconds += time.perf_counter() - start
        estimates.append(logic.confirmed_positions(float(t)))
    return estimates, seconds


def mean_ospa(sc: Scenario, estimates: list[np.ndarray]) -> float:
    return float(
        np.mean([ospa(sc.truth[s], estimates[s], OSPA_CUTOFF_M, 1) for s in range(len(sc.times))])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--scans", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sc = make_scenario(args.targets, args.scans, args.seed)
    capacity = 4 * args.targets + 10 * int(CLUTTER_PER_SCAN) + 100
    run_airguard(make_scenario(5, 5, args.seed + 1), capacity)  # warm-up: compile or load
    ag_est, ag_s = run_airguard(sc, capacity)
    ss_est, ss_s = run_stonesoup(sc)
    ag_ospa = mean_ospa(sc, ag_est)
    ss_ospa = mean_ospa(sc, ss_est)
    n_det = sum(len(z) for z in sc.z)
    print(
        f"{args.targets} targets x {args.scans} scans, {n_det} detections "
        f"(Pd {PD}, {CLUTTER_PER_SCAN:g} false alarms per scan), seed {args.seed}"
    )
    for name, o, s, est in (
        ("airguard", ag_ospa, ag_s, ag_est),
        ("stonesoup", ss_ospa, ss_s, ss_est),
    ):
        print(
            f"{name:>9}: mean OSPA {o:9.4f} m (cut-off {OSPA_CUTOFF_M:g} m, p=1), "
            f"wall {s:9.3f} s, confirmed tracks at the end {len(est[-1])}"
        )
    print(f"ratio ospa={ag_ospa / ss_ospa:.4f} time={ss_s / ag_s:.1f}")


if __name__ == "__main__":
    main()
