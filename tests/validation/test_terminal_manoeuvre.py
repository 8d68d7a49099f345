"""The scripted terminal manoeuvre of quasi-ballistic threats (Iskander-class).

A sinusoidal cross-track acceleration a(tau) = A sin(omega tau), started at rest relative
to the un-manoeuvring flight, displaces the missile across its path by the double integral
d(tau) = (A / omega^2) (omega tau - sin(omega tau)) (elementary calculus; e.g. Zarchan,
*Tactical and Strategic Missile Guidance*, 6th ed., ch. 3, for the weaving target's
displacement).  The flown weave must match it over the first period, before drag and the
turning of the flight path couple in.
"""

from __future__ import annotations

import math

import numpy as np

from airguard.catalogue import default_catalogue
from airguard.dynamics import FULL, P_WEAVE_ACCEL, P_WEAVE_HEIGHT, P_WEAVE_PERIOD
from airguard.trajectory import fly_ballistic
from airguard.world import ballistic_params


def _fly(params: np.ndarray, n: int = 600) -> tuple[np.ndarray, np.ndarray, float]:
    pos, vel, h = np.zeros((n, 3)), np.zeros((n, 3)), np.zeros(n)
    spec = default_catalogue()["iskander-m"]
    ti, *_ = fly_ballistic(
        math.radians(36.0),
        math.radians(38.6),
        300.0,
        math.radians(330.0),
        spec.launch_elevation.value,
        40.0,
        params,
        FULL,
        0.0,
        0.0,
        1.0,
        pos,
        vel,
        h,
    )
    k = int(ti)
    return pos[: k + 1], h[: k + 1], ti


def test_weave_displaces_the_missile_as_the_double_integral_of_its_acceleration():
    spec = default_catalogue()["iskander-m"]
    weave = ballistic_params(spec)
    plain = weave.copy()
    plain[P_WEAVE_ACCEL] = 0.0
    p_w, _, _ = _fly(weave)
    p_0, h_0, _ = _fly(plain)
    # the weave starts at the first 1 s sample below the start height, on the way down
    start = int(
        np.nonzero((h_0 < weave[P_WEAVE_HEIGHT]) & (np.arange(h_0.size) > np.argmax(h_0)))[0][0]
    )
    a, period = weave[P_WEAVE_ACCEL], weave[P_WEAVE_PERIOD]
    omega = 2.0 * math.pi / period
    n = int(period)  # one period of 1 s samples
    d = np.linalg.norm(p_w[start : start + n] - p_0[start : start + n], axis=1)
    # the onset falls between samples (up to 1 s before `start`): compare from the first
    # sample with the closed form at the best-fitting onset offset in [0, 1) s
    taus = np.arange(n, dtype=float)
    best = min(
        np.max(np.abs(d - a / omega**2 * (omega * (taus + off) - np.sin(omega * (taus + off)))))
        for off in np.linspace(0.0, 1.0, 101)
    )
    amplitude_m = a / omega**2 * 2.0 * math.pi  # displacement after one period, ~ 160 m at 10 g
    assert best < 0.03 * amplitude_m  # 3 % of the excursion (a few metres)
    # before the weave starts the two flights coincide
    np.testing.assert_allclose(p_w[: start - 1], p_0[: start - 1], atol=1e-6)
