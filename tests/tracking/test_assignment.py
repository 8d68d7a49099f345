"""The compiled 2-D assignment against SciPy's ``linear_sum_assignment``.

SciPy implements the same shortest-augmenting-path algorithm (Crouse 2016) in C++;
it is the independent reference here.  Optima can be tied, so the tests compare the
total cost (to 1e-9 relative: the cost unit is arbitrary), not the pairs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from airguard.tracking import linear_assignment


@pytest.mark.parametrize("shape", [(1, 1), (3, 7), (7, 3), (20, 20), (15, 40), (40, 15)])
def test_assignment_cost_equals_scipy_on_random_rectangular_matrices(
    shape: tuple[int, int],
) -> None:
    rng = np.random.default_rng(sum(shape))
    for _ in range(30):
        cost = rng.normal(size=shape) * rng.choice([1.0, 1e3])
        rows, cols = linear_assignment(cost)
        ref_rows, ref_cols = linear_sum_assignment(cost)
        assert len(rows) == min(shape)
        assert len(set(cols.tolist())) == len(cols)  # one column per row
        assert cost[rows, cols].sum() == pytest.approx(
            cost[ref_rows, ref_cols].sum(), rel=1e-9, abs=1e-9
        )


@pytest.mark.parametrize("shape", [(5, 5), (6, 12), (12, 6), (25, 30)])
def test_assignment_with_forbidden_pairs_equals_scipy(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(100 + sum(shape))
    checked = 0
    for _ in range(60):
        cost = rng.uniform(0.0, 10.0, shape)
        cost[rng.uniform(size=shape) < 0.6] = np.inf  # 60 % of pairs forbidden
        try:
            ref_rows, ref_cols = linear_sum_assignment(cost)
        except ValueError:  # infeasible: ours must say so as well
            with pytest.raises(ValueError, match="no complete assignment"):
                linear_assignment(cost)
            continue
        rows, cols = linear_assignment(cost)
        assert np.all(np.isfinite(cost[rows, cols]))
        assert cost[rows, cols].sum() == pytest.approx(cost[ref_rows, ref_cols].sum(), rel=1e-12)
        checked += 1
    assert checked >= 10  # enough feasible instances were compared


def test_assignment_with_integer_ties_equals_scipy() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        cost = rng.integers(0, 3, (8, 11)).astype(float)  # many equal optima
        rows, cols = linear_assignment(cost)
        ref_rows, ref_cols = linear_sum_assignment(cost)
        assert cost[rows, cols].sum() == cost[ref_rows, ref_cols].sum()


def test_assignment_refuses_nan_and_minus_infinity() -> None:
    with pytest.raises(ValueError, match="NaN or -inf"):
        linear_assignment([[1.0, np.nan]])
    with pytest.raises(ValueError, match="NaN or -inf"):
        linear_assignment([[1.0, -np.inf]])
    with pytest.raises(ValueError, match="two-dimensional"):
        linear_assignment([1.0, 2.0])
