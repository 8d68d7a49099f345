"""OSPA and GOSPA (`airguard.metrics`) against published values and closed forms.

Sources
-------
* SVV: D. Schuhmacher, B.-T. Vo, B.-N. Vo, "A consistent metric for performance
  evaluation of multi-object filters", IEEE Trans. Signal Processing 56(8), 2008,
  eq. (3): for m <= n,
  OSPA = (1/n (min_pi sum_{i<=m} min(d, c)^p + c^p (n - m)))^(1/p).
* RGS: A. S. Rahmathullah, Á. F. García-Fernández, L. Svensson, "Generalized optimal
  sub-pattern assignment metric", FUSION 2017 (arXiv:1601.05585), Definition 1: for
  n <= m, GOSPA = (min_pi sum_{i<=n} min(d, c)^p + c^p/alpha (m - n))^(1/p); with
  alpha = 2 (Proposition 1) = (sum over pairs closer than c of d^p
  + c^p/2 (missed + false))^(1/p).
* SS: Stone Soup (github.com/dstl/Stone-Soup), stonesoup/metricgenerator/tests/
  test_ospametric.py: `test_ospametric_computemetric`,
  `test_ospa_computemetric_cardinality_error`, `test_gospametric_computemetric` and
  `test_switching_gospametric_computemetric`, whose inputs are one-dimensional
  positions; the expected values are quoted from there.

Coordinates are in metres, so every distance and tolerance below is in metres.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from airguard.metrics import GospaDecomposition, gospa, gospa_decomposition, ospa

EXACT_M = 1e-9  # 1 nm: round-off only, for values that are exact in closed form
SS_PRINTED_M = 5e-6  # half a unit in the last digit Stone Soup prints (4.49444 m)


def _points_1d(values: list[float]) -> np.ndarray:
    return np.array(values, dtype=float).reshape(-1, 1)


TRUTH_0_TO_4 = _points_1d([0, 1, 2, 3, 4])
TRUTH_1_TO_5 = _points_1d([1, 2, 3, 4, 5])


# --- published values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("truth", "offset_m", "p", "published_m"),
    [
        (TRUTH_0_TO_4, 0.5, 1, 0.5),
        (TRUTH_0_TO_4, 0.5, 2, 0.5),
        (TRUTH_1_TO_5, 0.2, 1, 0.2),
        (TRUTH_1_TO_5, 0.2, 2, 0.2),
    ],
    ids=["+0.5m-p1", "+0.5m-p2", "+0.2m-p1", "+0.2m-p2"],
)
def test_ospa_of_five_tracks_offset_from_five_truths_matches_stone_soup(
    truth, offset_m, p, published_m
):
    # SS test_ospametric_computemetric: c = 10, tracks at i + 0.5 (then i + 1.2) for
    # truths at i (then i + 1), i = 0..4
    estimates = truth + offset_m
    assert ospa(truth, estimates, cutoff=10.0, p=p) == pytest.approx(published_m, abs=EXACT_M)


@pytest.mark.parametrize(
    ("truth", "offset_m", "p", "published_m"),
    [
        (TRUTH_0_TO_4, 0.5, 1, 2.4),
        (TRUTH_1_TO_5, 0.2, 1, 2.16),
        (TRUTH_0_TO_4, 0.5, 2, 4.49444),
        (TRUTH_1_TO_5, 0.2, 2, 4.47571),
    ],
    ids=["+0.5m-p1", "+0.2m-p1", "+0.5m-p2", "+0.2m-p2"],
)
def test_ospa_of_four_tracks_for_five_truths_matches_stone_soup(truth, offset_m, p, published_m):
    # SS test_ospa_computemetric_cardinality_error: as above, but tracks for i = 0..3 only
    estimates = truth[:4] + offset_m
    assert ospa(truth, estimates, cutoff=10.0, p=p) == pytest.approx(published_m, abs=SS_PRINTED_M)


@pytest.mark.parametrize(
    ("offset_m", "published_m"), [(0.5, 2.5), (1.0, 5.0)], ids=["+0.5m", "+1m"]
)
def test_gospa_of_five_tracks_offset_from_five_truths_matches_stone_soup(offset_m, published_m):
    # SS test_gospametric_computemetric: c = 10, p = 1, truths at i = 0..4, tracks at
    # i + 0.5 (distance / 5 == 0.5) and i + 1 (distance / 5 == 1).  At +1 m, shifting
    # every pair by 1 m (5 m) beats four exact pairs plus one missed and one false
    # target (0 + 2 * 10 / 2 = 10 m).
    estimates = TRUTH_0_TO_4 + offset_m
    assert gospa(TRUTH_0_TO_4, estimates, cutoff=10.0, p=1) == pytest.approx(
        published_m, abs=EXACT_M
    )


def test_gospa_of_two_swapped_tracks_and_one_lost_track_matches_stone_soup():
    # SS test_switching_gospametric_computemetric, second time step: c = 2, p = 2,
    # truths {1, 2, 3}, tracks {2, 1, 100}: localisation 0, missed c^p/2 = 2,
    # false c^p/2 = 2, so the GOSPA part of distance^p is max_penalty^p = 4 (the
    # published distance adds a track-switching term that airguard does not compute).
    truth = _points_1d([1, 2, 3])
    estimates = _points_1d([2, 1, 100])
    cutoff_m, p = 2.0, 2
    assert gospa(truth, estimates, cutoff=cutoff_m, p=p) == pytest.approx(
        math.sqrt(4.0), abs=EXACT_M
    )
    parts = gospa_decomposition(truth, estimates, cutoff=cutoff_m, p=p)
    assert parts.localisation == pytest.approx(0.0, abs=EXACT_M)
    assert cutoff_m**p / 2 * parts.missed == pytest.approx(2.0, abs=EXACT_M)
    assert cutoff_m**p / 2 * parts.false == pytest.approx(2.0, abs=EXACT_M)


# --- closed forms ---------------------------------------------------------------------


@pytest.mark.parametrize("p", [1, 2, 3])
def test_single_pair_closer_than_the_cutoff_is_its_distance(p):
    # SVV eq. (3) with n = m = 1: (d^p)^(1/p) = d; RGS likewise, with no cardinality term
    truth = np.array([[1000.0, 2000.0, 3000.0]])
    estimate = truth + np.array([[30.0, 40.0, 0.0]])  # 50 m away
    assert ospa(truth, estimate, cutoff=100.0, p=p) == pytest.approx(50.0, abs=EXACT_M)
    assert gospa(truth, estimate, cutoff=100.0, p=p) == pytest.approx(50.0, abs=EXACT_M)
    assert gospa_decomposition(truth, estimate, cutoff=100.0, p=p) == GospaDecomposition(
        total=pytest.approx(50.0, abs=EXACT_M),
        localisation=pytest.approx(50.0**p, rel=1e-12),
        missed=0,
        false=0,
    )


@pytest.mark.parametrize("p", [1, 2, 3])
def test_one_missed_target_costs_c_in_ospa_and_c_over_2_to_the_1_over_p_in_gospa(p):
    # SVV: (1/1 (0 + c^p * 1))^(1/p) = c; RGS alpha = 2: (c^p / 2)^(1/p) = c 2^(-1/p)
    cutoff_m = 100.0
    truth = np.array([[5.0, 7.0]])
    none = np.empty((0, 2))
    assert ospa(truth, none, cutoff=cutoff_m, p=p) == pytest.approx(cutoff_m, abs=EXACT_M)
    assert gospa(truth, none, cutoff=cutoff_m, p=p) == pytest.approx(
        cutoff_m * 2 ** (-1 / p), abs=EXACT_M
    )
    parts = gospa_decomposition(truth, none, cutoff=cutoff_m, p=p)
    assert (parts.missed, parts.false, parts.localisation) == (1, 0, 0.0)


@pytest.mark.parametrize("p", [1, 2, 3])
def test_pair_beyond_the_cutoff_counts_as_one_missed_and_one_false(p):
    # RGS Proposition 1: a pair at d >= c costs c^p = c^p/2 (1 missed + 1 false); OSPA c
    cutoff_m = 100.0
    truth = np.array([[0.0, 0.0]])
    estimate = np.array([[0.0, 250.0]])
    assert ospa(truth, estimate, cutoff=cutoff_m, p=p) == pytest.approx(cutoff_m, abs=EXACT_M)
    assert gospa(truth, estimate, cutoff=cutoff_m, p=p) == pytest.approx(cutoff_m, abs=EXACT_M)
    parts = gospa_decomposition(truth, estimate, cutoff=cutoff_m, p=p)
    assert (parts.missed, parts.false, parts.localisation) == (1, 1, 0.0)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("p", [1, 2])
def test_n_truths_and_no_estimates(n, p):
    # SVV: OSPA = (1/n * n c^p)^(1/p) = c; RGS alpha = 2: GOSPA = c (n/2)^(1/p)
    cutoff_m = 40.0
    truth = np.arange(3.0 * n).reshape(n, 3) * 1000.0
    none = np.empty((0, 3))
    assert ospa(truth, none, cutoff=cutoff_m, p=p) == pytest.approx(cutoff_m, abs=EXACT_M)
    assert gospa(truth, none, cutoff=cutoff_m, p=p) == pytest.approx(
        cutoff_m * (n / 2) ** (1 / p), abs=EXACT_M
    )


def test_two_empty_sets_are_zero_apart():
    # SVV: OSPA of two empty sets is 0 by definition; RGS: no pairs, no cardinality term
    none = np.empty((0, 3))
    assert ospa(none, none, cutoff=10.0) == 0.0
    assert gospa(none, none, cutoff=10.0) == 0.0
    assert gospa_decomposition(none, none, cutoff=10.0) == GospaDecomposition(0.0, 0.0, 0, 0)


@pytest.mark.parametrize("alpha", [0.5, 1.0, 2.0])
def test_gospa_charges_c_to_the_p_over_alpha_per_unmatched_object(alpha):
    # RGS Definition 1 with n = 0, m = 3: (3 c^p / alpha)^(1/p)
    cutoff_m, p = 20.0, 2
    estimates = np.array([[0.0, 0.0], [500.0, 0.0], [0.0, 500.0]])
    assert gospa(np.empty((0, 2)), estimates, cutoff=cutoff_m, p=p, alpha=alpha) == (
        pytest.approx(math.sqrt(3 * cutoff_m**2 / alpha), abs=EXACT_M)
    )


@pytest.mark.parametrize(
    ("p", "ospa_m", "gospa_m"),
    [
        (1, (3.0 + 100.0) / 2, 3.0 + 100.0 / 2),
        (2, math.sqrt((3.0**2 + 100.0**2) / 2), math.sqrt(3.0**2 + 100.0**2 / 2)),
    ],
    ids=["p1", "p2"],
)
def test_ospa_normalises_by_the_larger_set_and_gospa_does_not(p, ospa_m, gospa_m):
    # one truth, two estimates (3 m and 1 km away), c = 100 m.  SVV: the 3 m pair plus
    # one unmatched estimate at c^p, divided by max(n, m) = 2.  RGS: the 3 m pair plus
    # c^p/2 for the false track, undivided: 51.5 m against 53 m at p = 1.
    truth = np.array([[0.0, 0.0, 0.0]])
    estimates = np.array([[0.0, 3.0, 0.0], [1000.0, 0.0, 0.0]])
    assert ospa(truth, estimates, cutoff=100.0, p=p) == pytest.approx(ospa_m, abs=EXACT_M)
    assert gospa(truth, estimates, cutoff=100.0, p=p) == pytest.approx(gospa_m, abs=EXACT_M)
    parts = gospa_decomposition(truth, estimates, cutoff=100.0, p=p)
    assert (parts.missed, parts.false) == (0, 1)
    assert parts.localisation == pytest.approx(3.0**p, abs=EXACT_M)


# --- properties -------------------------------------------------------------------------


def _random_set(rng: np.random.Generator, max_size: int = 4) -> np.ndarray:
    return rng.uniform(0.0, 300.0, size=(int(rng.integers(0, max_size + 1)), 2))


def _by_enumeration(x: np.ndarray, y: np.ndarray, c: float, p: float, alpha: float):
    """SVV eq. (3) and RGS Definition 1 by trying every injection of the smaller set."""
    small, large = (x, y) if len(x) <= len(y) else (y, x)
    n, m = len(small), len(large)
    if m == 0:
        return 0.0, 0.0
    best = min(
        sum(min(float(np.linalg.norm(small[i] - large[j])), c) ** p for i, j in enumerate(perm))
        for perm in itertools.permutations(range(m), n)
    )
    ospa_m = ((best + c**p * (m - n)) / m) ** (1 / p)
    gospa_m = (best + c**p / alpha * (m - n)) ** (1 / p)
    return ospa_m, gospa_m


def test_ospa_and_gospa_equal_their_definitions_by_enumeration():
    # the assignment solver finds the same optimum as trying every assignment
    rng = np.random.default_rng(20080801)
    for _ in range(200):
        x, y = _random_set(rng), _random_set(rng)
        p = float(rng.choice([1.0, 1.5, 2.0, 3.0]))
        alpha = float(rng.choice([0.5, 1.0, 2.0]))
        ospa_m, gospa_m = _by_enumeration(x, y, 100.0, p, alpha)
        assert ospa(x, y, cutoff=100.0, p=p) == pytest.approx(ospa_m, abs=EXACT_M)
        assert gospa(x, y, cutoff=100.0, p=p, alpha=alpha) == pytest.approx(gospa_m, abs=EXACT_M)


def test_metrics_are_symmetric_in_truth_and_estimates():
    # SVV and RGS: both are metrics, so d(X, Y) = d(Y, X); missed and false swap roles
    rng = np.random.default_rng(2017)
    for _ in range(100):
        x, y = _random_set(rng, 6), _random_set(rng, 6)
        assert ospa(x, y, cutoff=80.0, p=2) == pytest.approx(
            ospa(y, x, cutoff=80.0, p=2), abs=EXACT_M
        )
        assert gospa(x, y, cutoff=80.0, p=2) == pytest.approx(
            gospa(y, x, cutoff=80.0, p=2), abs=EXACT_M
        )
        xy, yx = gospa_decomposition(x, y, 80.0, 2), gospa_decomposition(y, x, 80.0, 2)
        assert (xy.missed, xy.false) == (yx.false, yx.missed)


def _pairs(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {"xy": (x, y), "yz": (y, z), "xz": (x, z)}


def test_triangle_inequality_holds_on_random_sets():
    # SVV and RGS prove OSPA (p >= 1) and GOSPA (p >= 1, 0 < alpha <= 2) to be metrics,
    # so d(X, Z) <= d(X, Y) + d(Y, Z)
    rng = np.random.default_rng(1601_05585)
    for _ in range(300):
        x, y, z = _random_set(rng, 5), _random_set(rng, 5), _random_set(rng, 5)
        p = float(rng.choice([1.0, 2.0, 3.0]))
        alpha = float(rng.choice([1.0, 2.0]))
        d_ospa = {k: ospa(a, b, cutoff=100.0, p=p) for k, (a, b) in _pairs(x, y, z).items()}
        assert d_ospa["xz"] <= d_ospa["xy"] + d_ospa["yz"] + EXACT_M
        d_gospa = {
            k: gospa(a, b, cutoff=100.0, p=p, alpha=alpha) for k, (a, b) in _pairs(x, y, z).items()
        }
        assert d_gospa["xz"] <= d_gospa["xy"] + d_gospa["yz"] + EXACT_M


@pytest.mark.parametrize(
    ("truth", "estimates", "kwargs", "message"),
    [
        (np.zeros((2, 3)), np.zeros((2, 2)), {}, "same dimension"),
        (np.zeros(3), np.zeros((2, 3)), {}, "truth: expected an array of shape"),
        (np.zeros((1, 2)), np.array([[np.nan, 0.0]]), {}, "estimates: expected finite"),
        (np.zeros((1, 2)), np.zeros((1, 2)), {"cutoff": 0.0}, "cutoff: expected"),
        (np.zeros((1, 2)), np.zeros((1, 2)), {"cutoff": -5.0}, "cutoff: expected"),
        (np.zeros((1, 2)), np.zeros((1, 2)), {"p": 0.5}, "p: expected"),
        (
            np.zeros((1, 2)),
            np.zeros((1, 2)),
            {"alpha": 0.0},
            r"alpha: expected a value in \(0, 2\]",
        ),
        (
            np.zeros((1, 2)),
            np.zeros((1, 2)),
            {"alpha": 2.5},
            r"alpha: expected a value in \(0, 2\]",
        ),
    ],
    ids=["dimensions", "not-2d", "nan", "cutoff-0", "cutoff-negative", "p<1", "alpha-0", "alpha>2"],
)
def test_invalid_inputs_are_refused(truth, estimates, kwargs, message):
    args = {"cutoff": 10.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        gospa(truth, estimates, **args)
    if "alpha" not in kwargs:
        with pytest.raises(ValueError, match=message):
            ospa(truth, estimates, **args)
        with pytest.raises(ValueError, match=message):
            gospa_decomposition(truth, estimates, **args)
