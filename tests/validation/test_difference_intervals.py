"""Intervals for the difference B − A between two runs, against published worked examples.

Sources (docs/validation.md lists every case):

- **N98a**: R. G. Newcombe, "Interval estimation for the difference between independent
  proportions: comparison of eleven methods", Statistics in Medicine 17 (1998) 873-890,
  Table II, method 10 (hybrid score), examples (a)-(h).  The paper itself could not be
  read here; the values are those of three independent transcriptions that agree where
  they overlap: the test data of DBCI / diff-binom-confint (github.com/DeepPSP/DBCI,
  test/test-data/newcombee.csv: all eight examples, row "wilson"), propint
  (github.com/m-Py/propint, tests/testthat/test_Two_Independent_Props_CI.R: (a), (b)) and
  ratesci (github.com/petelaud/ratesci, tests/testthat/test3.R: (d)).
- **N98b**: R. G. Newcombe, "Improved confidence intervals for the difference between
  binomial proportions based on paired data", Statistics in Medicine 17 (1998) 2635-2650,
  method 10, as transcribed in propint's tests/testthat/test_Two_Dependent_Props_CI.R and
  ratesci's tests/testthat/test3.R.
- **FLL**: M. W. Fagerland, S. Lydersen, P. Laake, "Recommended tests and confidence
  intervals for paired binomial proportions", Statistics in Medicine 33 (2014) 2850-2875,
  Table V, Newcombe's square-and-add interval (method 10 of N98b), as quoted in ratesci's
  tests/testthat/test3.R.
- **scipy**: for the t intervals, SciPy's `ttest_ind(equal_var=False)` and `ttest_rel`
  `.confidence_interval()`, an independent implementation, on Student's (1908) sleep data
  as shipped with R (`datasets::sleep`).

Published values are printed to 4 decimals (3 for FLL): the tolerance is half the last
printed digit, 5e-5 (5e-4).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from airguard.results.compare import (
    newcombe_independent_interval,
    newcombe_paired_interval,
    paired_t_interval,
    welch_interval,
)

HALF_LAST_DIGIT = 5e-5  # values printed to 4 decimals

# N98a Table II, method 10: (x1, n1, x2, n2) -> 95 % interval of p1 - p2
# fmt: off
INDEPENDENT = [
    pytest.param(56, 70, 48, 80, 0.0524, 0.3339, id="56-70-vs-48-80"),
    pytest.param(9, 10, 3, 10, 0.1705, 0.8090, id="9-10-vs-3-10"),
    pytest.param(6, 7, 2, 7, 0.0582, 0.8062, id="6-7-vs-2-7"),
    pytest.param(5, 56, 0, 29, -0.0381, 0.1926, id="5-56-vs-0-29"),
    pytest.param(0, 10, 0, 20, -0.1611, 0.2775, id="0-10-vs-0-20"),
    pytest.param(0, 10, 0, 10, -0.2775, 0.2775, id="0-10-vs-0-10"),
    pytest.param(10, 10, 0, 20, 0.6791, 1.0000, id="10-10-vs-0-20"),
    pytest.param(10, 10, 0, 10, 0.6075, 1.0000, id="10-10-vs-0-10"),
]
# fmt: on


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "low", "high"), INDEPENDENT)
def test_independent_difference_matches_newcombe_1998_method_10(
    x1: int, n1: int, x2: int, n2: int, low: float, high: float
) -> None:
    """N98a Table II, method 10 (as transcribed by DBCI, propint and ratesci)."""
    d, lo, hi = newcombe_independent_interval(x1, n1, x2, n2)
    assert d == pytest.approx(x1 / n1 - x2 / n2, abs=1e-15)
    assert lo == pytest.approx(low, abs=HALF_LAST_DIGIT)
    assert hi == pytest.approx(high, abs=HALF_LAST_DIGIT)


# N98b, method 10: the paired table (both, first only, second only, neither) -> interval
# of p1 - p2, p1 = (both + first only)/n, p2 = (both + second only)/n
PAIRED = [
    pytest.param(36, 12, 2, 0, 0.0569, 0.3404, id="36-12-2-0"),
    pytest.param(53, 0, 0, 1, -0.0729, 0.0729, id="53-0-0-1"),
    pytest.param(0, 30, 0, 0, 0.8395, 1.0000, id="0-30-0-0"),
]


@pytest.mark.parametrize(("e", "f", "g", "h", "low", "high"), PAIRED)
def test_paired_difference_matches_newcombe_1998_method_10(
    e: int, f: int, g: int, h: int, low: float, high: float
) -> None:
    """N98b, method 10 (as transcribed in propint's tests)."""
    d, lo, hi = newcombe_paired_interval(e, f, g, h)
    assert d == pytest.approx((f - g) / (e + f + g + h), abs=1e-15)
    assert lo == pytest.approx(low, abs=HALF_LAST_DIGIT)
    assert hi == pytest.approx(high, abs=HALF_LAST_DIGIT)


# N98b's example with 12 and 2 discordant of 50 pairs, whose concordant split the two
# transcriptions give differently: propint 18/18, ratesci 20/16.
@pytest.mark.parametrize(
    ("e", "f", "g", "h", "low", "high"),
    [
        pytest.param(18, 12, 2, 18, 0.0562, 0.3290, id="propint-18-12-2-18"),
        pytest.param(20, 12, 2, 16, 0.0562, 0.3292, id="ratesci-20-12-2-16"),
    ],
)
def test_paired_example_with_12_and_2_discordant_pairs_matches_both_transcriptions(
    e: int, f: int, g: int, h: int, low: float, high: float
) -> None:
    """N98b, method 10: both transcriptions of the example are reproduced."""
    d, lo, hi = newcombe_paired_interval(e, f, g, h)
    assert d == pytest.approx(0.2, abs=1e-15)
    assert lo == pytest.approx(low, abs=HALF_LAST_DIGIT)
    assert hi == pytest.approx(high, abs=HALF_LAST_DIGIT)


def test_paired_difference_matches_fagerland_2014_square_and_add() -> None:
    """FLL Table V: airway hyper-responsiveness before/after (1, 1, 7, 12): -0.507 to -0.026."""
    d, lo, hi = newcombe_paired_interval(1, 1, 7, 12)
    assert d == pytest.approx(-6 / 21, abs=1e-15)
    assert lo == pytest.approx(-0.507, abs=5e-4)
    assert hi == pytest.approx(-0.026, abs=5e-4)


# Student (1908) / R datasets::sleep: extra hours of sleep of 10 patients under two drugs
SLEEP_DRUG_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_DRUG_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
T_TOLERANCE_H = 1e-9  # hours; two implementations of one formula in double precision


def test_welch_interval_of_the_sleep_data_matches_scipy() -> None:
    """Welch (1947) interval of drug 2 - drug 1, against scipy.stats.ttest_ind(equal_var=False)."""
    ref = stats.ttest_ind(SLEEP_DRUG_2, SLEEP_DRUG_1, equal_var=False).confidence_interval(0.95)
    d, lo, hi = welch_interval(SLEEP_DRUG_2, SLEEP_DRUG_1)
    assert d == pytest.approx(1.58, abs=1e-12)
    assert lo == pytest.approx(ref.low, abs=T_TOLERANCE_H)
    assert hi == pytest.approx(ref.high, abs=T_TOLERANCE_H)


def test_paired_t_interval_of_the_sleep_data_matches_scipy() -> None:
    """Paired t interval of drug 2 - drug 1 (same patients), against scipy.stats.ttest_rel."""
    ref = stats.ttest_rel(SLEEP_DRUG_2, SLEEP_DRUG_1).confidence_interval(0.95)
    d, lo, hi = paired_t_interval(SLEEP_DRUG_2 - SLEEP_DRUG_1)
    assert d == pytest.approx(1.58, abs=1e-12)
    assert lo == pytest.approx(ref.low, abs=T_TOLERANCE_H)
    assert hi == pytest.approx(ref.high, abs=T_TOLERANCE_H)
