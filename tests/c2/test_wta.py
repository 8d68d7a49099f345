"""The static weapon–target assignment (airguard.c2.wta).

Problem statement: den Broeder, Ellison & Emerling, "On optimum target
assignments", Operations Research 7(3):322–326 (1959); Ahuja, Kumar, Jha &
Orlin, "Exact and heuristic algorithms for the weapon-target assignment
problem", Operations Research 55(6):1136–1146 (2007), eq. (1).  The optimum
of every small instance here comes from an enumeration written in this file,
independent of the solver.
"""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from scipy.optimize import linprog

from airguard.c2 import Assignment, assign
from airguard.c2.wta import (
    COLUMN_GENERATION_SHOTS,
    MAX_EXACT_LEAVES,
    _assignment_start,
    _column_generation,
)

REL = 1e-9  # relative tolerance on objectives: floating-point rounding only


def brute_force_optimum(values, kill_probability, capacity):
    """Minimum of Σ_t v_t Π_w (1 − p_wt)^x_wt over every target choice of every shot.

    Firing every shot is without loss of generality (a shot never raises the
    surviving value), so each shot picks one of T targets: T^S candidates.
    """
    v = np.asarray(values, dtype=float)
    p = np.asarray(kill_probability, dtype=float)
    shot_weapon = np.repeat(np.arange(p.shape[0]), capacity)
    n_targets = v.size
    choices = np.array(list(itertools.product(range(n_targets), repeat=shot_weapon.size)))
    survival = np.ones((choices.shape[0], n_targets))
    for k, w in enumerate(shot_weapon):
        hit = choices[:, k][:, None] == np.arange(n_targets)[None, :]
        survival *= np.where(hit, 1.0 - p[w][None, :], 1.0)
    return float((survival @ v).min())


def surviving_value(values, kill_probability, x):
    return float(
        np.sum(np.asarray(values) * np.prod((1.0 - np.asarray(kill_probability)) ** x, axis=0))
    )


def random_instance(rng, n_weapons, n_targets):
    """Values U[25, 100] and kill probabilities U[0.6, 0.9] (Ahuja et al. 2007 §6 style),
    with some weaker weapons mixed in so that the choice is not trivial."""
    values = rng.uniform(25.0, 100.0, n_targets)
    p = rng.uniform(0.6, 0.9, (n_weapons, n_targets))
    weak = rng.random((n_weapons, n_targets)) < 0.3
    p[weak] = rng.uniform(0.0, 0.6, int(weak.sum()))
    return values, p


# --- exactness -------------------------------------------------------------


def test_exact_equals_brute_force_on_120_random_instances():
    rng = np.random.default_rng(20240501)
    for _ in range(120):
        n_weapons = int(rng.integers(1, 5))
        n_targets = int(rng.integers(1, 6))
        capacity = rng.integers(0, 3, n_weapons)
        values, p = random_instance(rng, n_weapons, n_targets)
        result = assign(values, p, capacity, method="exact")
        optimum = brute_force_optimum(values, p, capacity)
        assert result.optimal
        assert result.method == "exact"
        assert result.objective == pytest.approx(optimum, rel=REL, abs=1e-12)


def test_exact_handles_certain_kills_and_useless_weapons():
    # p = 1 (a certain kill) and p = 0 (a weapon that cannot reach) are both legal.
    values = [10.0, 30.0, 20.0]
    p = [[1.0, 0.0, 0.5], [0.0, 0.0, 0.0], [0.2, 1.0, 0.9]]
    result = assign(values, p, [2, 1, 1], method="exact")
    assert result.objective == pytest.approx(brute_force_optimum(values, p, [2, 1, 1]), rel=REL)
    # Weapon 2 kills target 1 outright, weapon 0 kills target 0 and halves target 2.
    assert result.objective == pytest.approx(10.0, rel=REL)
    # The weapon that cannot hurt anything is reported as not firing.
    assert result.assignment[1].sum() == 0


# --- heuristic quality -----------------------------------------------------


def test_heuristic_within_one_percent_of_optimum_on_200_random_instances():
    rng = np.random.default_rng(7)
    worst_gap = 0.0
    for _ in range(200):
        n_weapons = int(rng.integers(3, 6))
        n_targets = int(rng.integers(3, 7))
        values, p = random_instance(rng, n_weapons, n_targets)
        result = assign(values, p, 1, method="heuristic", seed=0)
        optimum = brute_force_optimum(values, p, np.ones(n_weapons, dtype=int))
        assert not result.optimal
        worst_gap = max(worst_gap, (result.objective - optimum) / optimum)
    assert worst_gap < 0.01, f"worst relative gap {worst_gap:.4%}"


def test_greedy_is_optimal_for_identical_weapons():
    # den Broeder et al. (1959): when every weapon has the same kill probability
    # against a given target (p_wt = p_t), maximum marginal return is optimal.
    rng = np.random.default_rng(11)
    for _ in range(40):
        n_targets = int(rng.integers(2, 6))
        n_weapons = int(rng.integers(1, 7))
        values = rng.uniform(1.0, 100.0, n_targets)
        p = np.tile(rng.uniform(0.05, 0.95, n_targets), (n_weapons, 1))
        result = assign(values, p, 1, method="heuristic")
        optimum = brute_force_optimum(values, p, np.ones(n_weapons, dtype=int))
        assert result.objective == pytest.approx(optimum, rel=REL)


@pytest.mark.parametrize(
    ("n_weapons", "n_targets", "most_shots"),
    [(6, 4, 2), (4, 4, 3), (12, 3, 1), (3, 2, 4), (16, 2, 1)],
)
def test_column_generation_equals_exact_on_random_instances_of_12_shots_or_more(
    n_weapons, n_targets, most_shots
):
    # From COLUMN_GENERATION_SHOTS shots the heuristic goes through column generation;
    # (16, 2, 1) puts 8 shots on a target on average, twice the COLUMN_DEPTH default.
    # Unreachable targets (p = 0), certain kills (p = 1) and uneven capacities included.
    # The generous time limit keeps a first call's compilation from cutting it short.
    rng = np.random.default_rng(2022)
    for k in range(20):
        values, p = random_instance(rng, n_weapons, n_targets)
        if k % 3 == 0:
            p[rng.random(p.shape) < 0.3] = 0.0
        if k % 4 == 0:
            p[rng.random(p.shape) < 0.1] = 1.0
        capacity = rng.integers(1, most_shots + 1, n_weapons)
        capacity[0] += max(0, COLUMN_GENERATION_SHOTS - int(capacity.sum()))
        result = assign(values, p, capacity, method="heuristic", time_limit_s=60.0)
        optimum = assign(values, p, capacity, method="exact").objective
        assert result.objective == pytest.approx(optimum, rel=REL, abs=1e-12)


def test_column_generation_lp_is_the_optimum_of_its_restricted_master():
    # The compiled simplex (_gub_simplex) against HiGHS on the columns it ended with:
    # min Σ cost_c y_c, one unit of column per target, Σ shots_wc y_c ≤ c_w, y ≥ 0.
    rng = np.random.default_rng(11)
    values, p = random_instance(rng, 20, 30)
    capacity = np.full(20, 2)
    shot_weapon = np.repeat(np.arange(20), capacity)
    start = _assignment_start(values, p, shot_weapon, None)
    master = _column_generation(values, p, capacity, shot_weapon, start, math.inf)
    columns = master.columns
    structural = np.flatnonzero(columns.target >= 0)
    x = np.array(
        [columns.counts(np.array([c]), 20, 30)[:, columns.target[c]] for c in structural]
    ).T
    one_per_target = columns.target[structural][None, :] == np.arange(30)[:, None]
    highs = linprog(
        columns.cost[structural],
        A_ub=x,
        b_ub=capacity,
        A_eq=one_per_target.astype(float),
        b_eq=np.ones(30),
        method="highs",
    )
    assert highs.status == 0
    assert master.lp == pytest.approx(highs.fun, rel=1e-9)


def test_heuristic_keeps_the_time_limit_on_a_large_instance():
    # 200 weapons of 3 shots against 400 targets: about half a second unhurried.
    assign([3.4, 3.7], [[0.6, 0.7], [0.3, 0.6]], 6, method="heuristic")  # load the kernels
    rng = np.random.default_rng(4)
    values = rng.integers(1, 101, 400).astype(float)
    p = rng.uniform(0.0, 1.0, (200, 400))
    start = time.perf_counter()
    result = assign(values, p, 3, method="heuristic", time_limit_s=0.05)
    elapsed_s = time.perf_counter() - start
    assert elapsed_s < 0.35
    assert np.all(result.assignment.sum(axis=1) == 3)  # every shot still fired
    assert result.objective == pytest.approx(surviving_value(values, p, result.assignment), rel=REL)


# --- closed forms ----------------------------------------------------------


@pytest.mark.parametrize("method", ["exact", "heuristic"])
@pytest.mark.parametrize("shots", [1, 2, 5])
def test_salvo_of_k_shots_at_one_target_leaves_v_times_1_minus_p_to_the_k(method, shots):
    # Kill probability of an n-round salvo 1 − (1 − p)^n, so the surviving value is v(1 − p)^n.
    result = assign([80.0], [[0.7]], shots, method=method)
    assert result.assignment.tolist() == [[shots]]
    assert result.objective == pytest.approx(80.0 * 0.3**shots, rel=REL)


@pytest.mark.parametrize("method", ["exact", "heuristic"])
@pytest.mark.parametrize(("n_weapons", "n_targets"), [(6, 3), (7, 3), (4, 4), (9, 4)])
def test_identical_weapons_against_identical_targets_spread_shots_evenly(
    method, n_weapons, n_targets
):
    # (1 − p)^n is convex in n, so the optimum gives every target ⌊S/T⌋ or ⌈S/T⌉ shots
    # (den Broeder et al. 1959, the identical-target case).
    p = np.full((n_weapons, n_targets), 0.6)
    result = assign(np.full(n_targets, 50.0), p, 1, method=method)
    per_target = result.assignment.sum(axis=0)
    low, high = divmod(n_weapons, n_targets)
    assert sorted(per_target.tolist()) == [low] * (n_targets - high) + [low + 1] * high
    expected = 50.0 * ((n_targets - high) * 0.4**low + high * 0.4 ** (low + 1))
    assert result.objective == pytest.approx(expected, rel=REL)


def test_one_shot_each_goes_to_the_most_valuable_targets_when_targets_outnumber_shots():
    result = assign([5.0, 40.0, 10.0, 30.0], np.full((2, 4), 0.5), 1, method="exact")
    assert result.assignment.sum(axis=0).tolist() == [0, 1, 0, 1]
    assert result.objective == pytest.approx(5.0 + 20.0 + 10.0 + 15.0, rel=REL)


# --- contract --------------------------------------------------------------


def test_assignment_respects_capacity_and_reports_its_own_objective():
    rng = np.random.default_rng(3)
    values, p = random_instance(rng, 30, 60)
    capacity = rng.integers(0, 4, 30)
    result = assign(values, p, capacity)
    assert isinstance(result, Assignment)
    assert result.assignment.shape == (30, 60)
    assert result.assignment.dtype == np.int64
    assert np.all(result.assignment >= 0)
    assert np.all(result.assignment.sum(axis=1) <= capacity)
    assert result.objective == pytest.approx(surviving_value(values, p, result.assignment), rel=REL)


def test_auto_is_exact_when_small_and_heuristic_when_large():
    rng = np.random.default_rng(5)
    small = assign(*random_instance(rng, 3, 4))
    large = assign(*random_instance(rng, 100, 200))
    assert (small.method, small.optimal) == ("exact", True)
    assert (large.method, large.optimal) == ("heuristic", False)


def test_heuristic_is_deterministic_given_seed():
    rng = np.random.default_rng(9)
    values, p = random_instance(rng, 40, 80)
    # Well within the time limit, which a first call's compilation could otherwise reach.
    first = assign(values, p, 2, method="heuristic", seed=4, time_limit_s=60.0)
    again = assign(values, p, 2, method="heuristic", seed=4, time_limit_s=60.0)
    assert np.array_equal(first.assignment, again.assignment)
    assert first.objective == again.objective


def test_no_shots_or_no_targets_leave_every_value_standing():
    assert assign([3.0, 4.0], [[0.5, 0.5]], 0).objective == 7.0
    empty = assign(np.zeros(0), np.zeros((2, 0)), 1)
    assert empty.assignment.shape == (2, 0)
    assert empty.objective == 0.0


def test_assignment_is_frozen():
    result = assign([1.0], [[0.5]])
    with pytest.raises(AttributeError):
        result.objective = 0.0  # type: ignore[misc]


# --- validation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "capacity", "message"),
    [
        ([[1.0]], [[0.5]], 1, r"values: expected shape \(T,\)"),
        ([1.0, 2.0], [[0.5]], 1, r"kill_probability: expected shape \(W, T\) = \(W, 2\)"),
        ([1.0], [0.5], 1, r"kill_probability: expected shape"),
        ([-1.0], [[0.5]], 1, r"values\[0\]: expected a finite value >= 0, got -1.0"),
        ([np.nan], [[0.5]], 1, r"values\[0\]"),
        (
            [1.0, 1.0],
            [[0.5, 1.2]],
            1,
            r"kill_probability\[0, 1\]: expected a probability in \[0, 1\], got 1.2",
        ),
        ([1.0], [[-0.1]], 1, r"kill_probability\[0, 0\]"),
        ([1.0], [[np.nan]], 1, r"kill_probability\[0, 0\]"),
        ([1.0], [[0.5]], -1, r"capacity\[0\]: expected a non-negative integer, got -1"),
        ([1.0], [[0.5]], 1.5, r"capacity\[0\]: expected a non-negative integer, got 1.5"),
        (
            [1.0],
            [[0.5], [0.5]],
            [1, 1, 1],
            r"capacity: expected an integer or shape \(W,\) = \(2,\)",
        ),
    ],
)
def test_invalid_inputs_are_refused_with_a_message_naming_the_field(values, p, capacity, message):
    with pytest.raises(ValueError, match=message):
        assign(values, p, capacity)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match=r"method: expected one of"):
        assign([1.0], [[0.5]], method="optimal")


def test_exact_refuses_an_instance_too_large_to_enumerate():
    rng = np.random.default_rng(1)
    values, p = random_instance(rng, 20, 40)  # 40^20 assignments
    assert MAX_EXACT_LEAVES < 40**20
    with pytest.raises(ValueError, match=r"method='exact'.*Use method='heuristic'"):
        assign(values, p, method="exact")
