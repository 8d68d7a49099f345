"""Static weapon–target assignment (WTA).

Given ``T`` targets with values ``v_t`` and ``W`` weapons (fire units) that
may fire at most ``c_w`` shots each, a shot of weapon ``w`` killing target
``t`` independently with probability ``p_wt``, choose non-negative integer
shot counts ``x_wt`` that minimise the expected surviving value

    F(x) = Σ_t v_t Π_w (1 − p_wt)^x_wt,   subject to Σ_t x_wt ≤ c_w.

This is the static WTA of Manne (1958) and den Broeder, Ellison & Emerling,
"On optimum target assignments", Operations Research 7(3):322–326 (1959),
in the notation of Ahuja, Kumar, Jha & Orlin, "Exact and heuristic
algorithms for the weapon-target assignment problem", Operations Research
55(6):1136–1146 (2007), eq. (1).  It is NP-complete (Lloyd & Witsenhausen
1986), so two methods are offered:

``"heuristic"``
    Local search from several starts, on instances of fewer than
    ``COLUMN_GENERATION_SHOTS`` shots: the maximum-marginal-return greedy (den
    Broeder et al. 1959; Kolitz) — fire the next shot where it removes the most
    expected value, ``v_t s_t p_wt`` with ``s_t`` the target's current survival
    probability — and two from linear assignment problems of shots to targets
    (Hungarian method; see ``_assignment_start``).  Each is improved by a local
    search in the spirit of Ahuja et al. 2007 §5 (their very-large-scale
    neighbourhood cut down to short exchanges): move one shot, swap two shots,
    a two-shot ejection chain, or a three-shot cyclic exchange, until none
    improves ``F``.  On small instances a few random starts drawn from ``seed``
    are also searched and the best kept.

    Column generation on larger instances (``_column_generation_start``): the
    WTA as a set-partitioning problem over "columns", the shots one target
    receives, of which each target takes one within the weapons' capacities.
    Its linear relaxation is solved by column generation — a compiled primal
    simplex with generalized upper bounds (``_gub_simplex``) for the master,
    and for new columns an enumeration of the shot combinations of each
    target's most promising weapons (``_price_columns``) — and the integer
    solution taken from it directly when it is integral, else from HiGHS over
    the columns of small reduced cost.  The local search then polishes it, and
    on instances small enough, or where the LP does not vouch for the solution
    (``TRUSTED_GAP``), the other starts compete.  On the published instances of
    Andersen, Pavlikov & Toffolo (2022) the relaxation is within 0.1 % of the
    optimum and the result within 0.001 %, in 0.15 s at most
    (``benchmarks/wta_published.py``).

    The result is reproducible for a given seed unless the time limit cuts the
    search short.
``"exact"``
    Depth-first branch and bound over the shots, one weapon's shots in
    non-decreasing target order (its shots are interchangeable), started
    from the heuristic solution.  A node is pruned by the larger of two
    lower bounds on the best completion: the maximum-marginal-return bound
    (each remaining shot removes at most ``max_t v_t s_t p_wt``, since
    survival only falls as shots are added), and the bound that lets every
    remaining shot fire at every target.  Instances whose enumeration could
    exceed ``MAX_EXACT_LEAVES`` complete assignments are refused.

Every shot is always fired: a shot never raises ``F``.  Shots that cannot
change anything (``p_wt = 0``) are removed from the returned assignment.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from airguard._jit import njit

__all__ = [
    "MAX_EXACT_LEAVES",
    "MAX_RESTARTS",
    "RESTART_WORK",
    "Assignment",
    "assign",
    "expected_surviving_value",
]

MAX_EXACT_LEAVES = 20_000_000
"""Largest symmetry-reduced enumeration, Π_w C(c_w + T − 1, c_w), that
``method="exact"`` accepts; a few seconds of compiled search at worst, and
usually far less because the bounds prune."""

COLUMN_GENERATION_SHOTS = 12
"""The heuristic solves instances with at least this many shots by column generation
(``_column_generation_start``), smaller ones by local search from several starts."""
MULTI_START_SHOTS = 120
"""Up to this many shots, the local search with cyclic exchanges (an O(S³) pass) also
polishes the column generation solution, and searches from the other starts if the LP
does not vouch for that solution (``TRUSTED_GAP``)."""
TRUSTED_GAP = 3e-4
"""The LP vouches for a column generation solution this close to its value, relative,
above or below (below: the columns missed something the LP needed)."""
CYCLE_SHOTS = 200
"""Up to this many shots, a column generation solution the LP does not vouch for is
polished by the local search with cyclic exchanges."""

MAX_RESTARTS = 16
RESTART_WORK = 500_000
"""The heuristic adds min(MAX_RESTARTS, RESTART_WORK // S³) random starts for S shots:
a local-search pass costs O(S³), so the restarts only run where they are cheap."""

_METHODS = ("auto", "exact", "heuristic")


@dataclass(frozen=True)
class Assignment:
    """A solution of the static WTA.

    Attributes
    ----------
    assignment
        ``(W, T)`` int64: shots of weapon ``w`` at target ``t``.
    objective
        Expected surviving value Σ_t v_t Π_w (1 − p_wt)^x_wt, in the units of
        ``values``.
    method
        ``"exact"`` or ``"heuristic"``: the method that produced it.
    optimal
        True when the solution is proven optimal.
    """

    assignment: NDArray[np.int64]
    objective: float
    method: str
    optimal: bool


def expected_surviving_value(
    values: ArrayLike, kill_probability: ArrayLike, assignment: ArrayLike
) -> float:
    """Σ_t v_t Π_w (1 − p_wt)^x_wt for values ``(T,)``, p and x ``(W, T)``."""
    v = np.asarray(values, dtype=np.float64)
    p = np.asarray(kill_probability, dtype=np.float64)
    x = np.asarray(assignment)
    survival = np.prod((1.0 - p) ** x, axis=0)
    return float(survival @ v)


def assign(
    values: ArrayLike,
    kill_probability: ArrayLike,
    capacity: int | ArrayLike = 1,
    *,
    method: str = "auto",
    time_limit_s: float = 1.0,
    seed: int = 0,
) -> Assignment:
    """Assign shots of ``W`` weapons to ``T`` targets to minimise surviving value.

    Parameters
    ----------
    values
        ``(T,)`` non-negative target values (any unit; the objective is in it).
    kill_probability
        ``(W, T)`` single-shot kill probability of weapon ``w`` on target ``t``,
        each in [0, 1].
    capacity
        Shots each weapon may fire: a non-negative integer for all, or ``(W,)``.
    method
        ``"exact"`` (proven optimal; ValueError if the instance is too large),
        ``"heuristic"`` (local search, or column generation on larger instances;
        see the module docstring) or ``"auto"`` (exact when the
        enumeration is at most ``MAX_EXACT_LEAVES``, heuristic otherwise).
    time_limit_s
        Wall-clock cap on the heuristic, in seconds: the column generation, the
        integer master (at most ``MASTER_SHARE`` of it each) and the local search.
        The search normally ends long before (the 100 × 200 published instances
        take under 0.2 s); if the cap is hit the result depends on machine speed,
        as it does on a first call that compiles the kernels.  The cap is checked
        between steps (the start, a round of column generation, a local-search
        pass, which is not begun if it would likely end after the cap), so the
        step under way when it passes overruns it.
    seed
        Seeds the order in which the local search scans shots, and its random starts.

    Returns
    -------
    Assignment
    """
    v, p, cap = _validated(values, kill_probability, capacity)
    if method not in _METHODS:
        raise ValueError(f"method: expected one of {_METHODS}, got {method!r}")
    if not (isinstance(time_limit_s, int | float) and time_limit_s > 0):
        raise ValueError(f"time_limit_s: expected a positive number, got {time_limit_s!r}")
    n_weapons, n_targets = p.shape
    total_shots = int(cap.sum())
    if total_shots == 0 or n_targets == 0:
        x0 = np.zeros((n_weapons, n_targets), dtype=np.int64)
        return Assignment(x0, float(v.sum()), "exact" if method == "auto" else method, True)

    leaves = _enumeration_size(cap, n_targets)
    if method == "exact" and leaves > MAX_EXACT_LEAVES:
        raise ValueError(
            f"method='exact': the instance has {leaves:.3g} distinct assignments to search "
            f"(W={n_weapons}, T={n_targets}, {total_shots} shots); the limit is "
            f"{MAX_EXACT_LEAVES:.3g}. Use method='heuristic' or 'auto'."
        )
    use_exact = method == "exact" or (method == "auto" and leaves <= MAX_EXACT_LEAVES)

    shot_weapon = np.repeat(np.arange(n_weapons, dtype=np.int64), cap)
    rng = np.random.default_rng(seed)
    order = rng.permutation(total_shots).astype(np.int64)
    deadline = time.perf_counter() + time_limit_s
    # Small instances: local search (with cyclic exchanges) from several starts.
    # Larger ones: column generation, its solution then improved by that local search
    # where a pass is cheap (up to MULTI_START_SHOTS shots), or affordable and the LP
    # does not vouch for the solution (TRUSTED_GAP); the other starts are searched too
    # where both hold.
    if use_exact or total_shots < COLUMN_GENERATION_SHOTS:
        shot_target = _local_search_starts(v, p, shot_weapon, n_targets, rng, order, deadline)
    else:
        shot_target, lp = _column_generation_start(v, p, cap, shot_weapon, order, deadline)
        cost = _objective_of_shots(v, p, shot_weapon, shot_target)
        # Below its LP value, a solution shows the columns to have missed something.
        trusted = abs(cost - lp) <= TRUSTED_GAP * cost
        if total_shots <= MULTI_START_SHOTS or (not trusted and total_shots <= CYCLE_SHOTS):
            shot_target = _local_search_starts(
                v, p, shot_weapon, n_targets, rng, order, deadline, [shot_target],
                not trusted and total_shots <= MULTI_START_SHOTS,
            )  # fmt: skip

    optimal = False
    if use_exact:
        # Shots of one weapon in ascending target order, as the search expects.
        incumbent = np.lexsort((shot_target, shot_weapon))
        shot_target = shot_target[incumbent]
        incumbent_cost = _objective_of_shots(v, p, shot_weapon, shot_target)
        shot_target = _branch_and_bound(v, p, shot_weapon, shot_target, incumbent_cost)
        optimal = True

    x = np.zeros((n_weapons, n_targets), dtype=np.int64)
    np.add.at(x, (shot_weapon, shot_target), 1)
    x[p == 0.0] = 0
    return Assignment(
        x, expected_surviving_value(v, p, x), "exact" if use_exact else "heuristic", optimal
    )


def _improve(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    shot_weapon: NDArray[np.int64],
    shot_target: NDArray[np.int64],
    order: NDArray[np.int64],
    cycles: bool,
    deadline: float,
) -> None:
    """``_local_search`` in place, a pass at a time, to a local optimum or until the next
    pass, if as long as the last, would end after the deadline (none after it)."""
    began = time.perf_counter()
    while began <= deadline and not _local_search(v, p, shot_weapon, shot_target, order, 1, cycles):
        now = time.perf_counter()
        if 2.0 * now - began > deadline:
            break
        began = now


def _local_search_starts(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    shot_weapon: NDArray[np.int64],
    n_targets: int,
    rng: np.random.Generator,
    order: NDArray[np.int64],
    deadline: float,
    first: Sequence[NDArray[np.int64]] = (),
    others: bool = True,
) -> NDArray[np.int64]:
    """Best local optimum of the local search from ``first`` and, with ``others``,
    several other starts."""
    total_shots = shot_weapon.size
    # Starts: `first`, then two built from linear assignments of shots to targets (see
    # _assignment_start), then the greedy, then (where a pass is cheap) a few random
    # starts drawn from `seed`.  Each is improved by the local search, one pass at a
    # time so that the time limit is kept; the best local optimum is kept.  The
    # assignment starts come before the greedy because on a first call the numba
    # kernels may still be loading from the cache, and the time limit counts that.
    starts = list(first)
    if others:
        starts += [
            _assignment_start(v, p, shot_weapon, None),
            _assignment_start(v, p, shot_weapon, 2),
            _greedy(v, p, shot_weapon),
        ]
        restarts = min(MAX_RESTARTS, RESTART_WORK // total_shots**3)
        starts += [rng.integers(0, n_targets, total_shots) for _ in range(restarts)]
    best_target = starts[0]
    best_cost = math.inf
    for start in starts:
        shot_target = start.copy()
        _improve(v, p, shot_weapon, shot_target, order, True, deadline)
        cost = _objective_of_shots(v, p, shot_weapon, shot_target)
        if cost < best_cost:
            best_cost, best_target = cost, shot_target
        if time.perf_counter() > deadline:
            break
    return best_target


def _column_generation_start(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    cap: NDArray[np.int64],
    shot_weapon: NDArray[np.int64],
    order: NDArray[np.int64],
    deadline: float,
) -> tuple[NDArray[np.int64], float]:
    """The best integer solution found from the column generation relaxation, and the
    LP value (−inf if the deadline passed before the LP was solved).

    Price and branch, without the branching: the relaxation (``_column_generation``)
    is solved from the assignment start; if it is integral that is the solution,
    otherwise the integer master over its columns of small reduced cost (HiGHS).
    Unused shots are then fired greedily and a local search without cyclic
    exchanges polishes the result.  If that is above the LP value by more than
    ``LP_GAP``, the columns within that gap of the LP — of the family the pricing
    enumerates, up to ``ENUMERATED_PER_TARGET`` a target — are added and, unless
    that makes the master larger than ``MASTER_COLUMNS``, it is solved again.
    Falls back on the assignment start when the deadline passes first.
    """
    began = time.perf_counter()
    n_weapons, n_targets = p.shape
    start = _assignment_start(v, p, shot_weapon, None)
    best, best_cost = start, _objective_of_shots(v, p, shot_weapon, start)
    master = _column_generation(v, p, cap, shot_weapon, start, deadline)
    if master is None:
        return best, -math.inf
    columns = master.columns
    tol = 1e-12 * max(float(v.sum()), 1e-300)
    cap_f = cap.astype(np.float64)
    master_s = MASTER_SHARE * (deadline - began)
    chosen = master.integral_choice(n_targets)
    if chosen is None:
        candidates = master.within(MASTER_GAP * master.lp, MASTER_COLUMNS)
        chosen = _integer_master(columns, candidates, cap_f, n_targets, deadline, master_s)
    for attempt in range(2):
        if chosen is not None:
            shot_target = _shots_from_counts(
                v, p, shot_weapon, columns.counts(chosen, n_weapons, n_targets)
            )
            _improve(v, p, shot_weapon, shot_target, order, False, deadline)
            cost = _objective_of_shots(v, p, shot_weapon, shot_target)
            if cost < best_cost:
                best, best_cost = shot_target, cost
        gap = best_cost - master.lp
        if attempt == 1 or gap <= LP_GAP * master.lp or time.perf_counter() > deadline:
            break
        new = _price_columns(
            v, p, cap, master.lam, master.pi, master.n_candidates, master.depth,
            ENUMERATED_PER_TARGET, gap - tol, master.extend,
        )  # fmt: skip
        columns.append(new[0], new[1], new[2])
        candidates = master.within(gap, MASTER_COLUMNS + 1)
        if candidates.size > MASTER_COLUMNS:
            break
        chosen = _integer_master(columns, candidates, cap_f, n_targets, deadline, master_s)
    return best, master.lp


def _assignment_start(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    shot_weapon: NDArray[np.int64],
    top: int | None,
) -> NDArray[np.int64]:
    """A start from linear assignment problems (Hungarian method, SciPy's solver).

    With ``top=None``: successive rounds, each assigning the remaining shots to
    distinct targets so as to maximise Σ v_t s_t p_wt with the survival s_t left by
    the rounds before (a shot per target per round).  With ``top=k``: one
    assignment of all shots to (target, slot) pairs, slot j of target t worth
    v_t p_wt q̄_t^j, q̄_t one minus the mean of the k best kill probabilities on t
    — diminishing returns of several shots on one target, estimated.  On the
    published instances of Andersen et al. (2022) with one shot per weapon this
    start alone is optimal (docs/performance.md).
    """
    n_targets = v.size
    shots = shot_weapon.size
    target = np.zeros(shots, dtype=np.int64)
    if top is not None:
        n_slots = max(1, -(-shots // n_targets) + 1)
        pbar = np.sort(p, axis=0)[-min(top, p.shape[0]) :].mean(axis=0)
        gain = np.concatenate(
            [v[None, :] * p[shot_weapon] * ((1.0 - pbar)[None, :] ** j) for j in range(n_slots)],
            axis=1,
        )
        rows, cols = linear_sum_assignment(gain, maximize=True)
        target[rows] = cols % n_targets
        return target
    survival = np.ones(n_targets)
    todo = np.arange(shots)
    while todo.size:
        gain = (v * survival)[None, :] * p[shot_weapon[todo]]
        rows, cols = linear_sum_assignment(gain, maximize=True)
        target[todo[rows]] = cols
        np.multiply.at(survival, cols, 1.0 - p[shot_weapon[todo[rows]], cols])
        todo = np.delete(todo, rows)
    return target


# Settings of the column generation (``_column_generation_start``).
COLUMN_CANDIDATES = 14
"""Weapons per target whose shot combinations the column pricing enumerates."""
COLUMN_DEPTH = 4
"""Shots per target the pricing enumerates (more when shots outnumber targets)."""
COLUMNS_PER_TARGET = 3
"""New columns per target and round of column generation."""
MAX_ROUNDS = 200
"""Rounds of column generation at most (a guard; tens are usual)."""
SIMPLEX_CHUNK = 200
"""Simplex pivots between two looks at the clock."""
PRICING_WORK = 2_000_000
"""Largest T · C(K + D, D) shot combinations one pricing round may enumerate."""
SMOOTHING = 0.5
"""Weight of the best-bound duals in the duals that price new columns (Wentges 1997)."""
LP_GAP = 1e-5
"""Column generation stops when its LP value is within this fraction of the Lagrangian bound."""
MASTER_GAP = 0.002
"""Columns that enter the first integer master: reduced cost within this fraction of the LP
value."""
MASTER_COLUMNS = 2000
"""Columns an integer master may hold: the first keeps those of least reduced cost, the
second is not solved if it would hold more."""
MASTER_NODES = 200
"""Branch-and-bound nodes HiGHS may spend on one integer master."""
MASTER_SHARE = 0.25
"""Share of the time limit HiGHS may spend on one integer master."""
ENUMERATED_PER_TARGET = 20
"""Columns per target the second integer master may add (``_column_generation_start``)."""


@dataclass
class _Columns:
    """Columns of the restricted master; see the comment above ``_gub_simplex``."""

    cost: NDArray[np.float64]
    target: NDArray[np.int64]
    start: NDArray[np.int64]
    weapon: NDArray[np.int64]
    shots: NDArray[np.float64]

    @classmethod
    def slacks_and_empties(cls, v: NDArray[np.float64], n_weapons: int) -> _Columns:
        """Column w < W: the slack of weapon w; column W + t: target t left alone."""
        n_targets = v.size
        return cls(
            np.concatenate([np.zeros(n_weapons), v]),
            np.concatenate([np.full(n_weapons, -1), np.arange(n_targets)]),
            np.concatenate([np.arange(n_weapons + 1), np.full(n_targets, n_weapons)]),
            np.arange(n_weapons),
            np.ones(n_weapons),
        )

    def append(
        self, target: NDArray[np.int64], x: NDArray[np.int64], cost: NDArray[np.float64]
    ) -> None:
        """Add columns: ``target`` (m,), shot counts ``x`` (m, W), ``cost`` (m,)."""
        rows, weapons = np.nonzero(x)
        per_column = np.bincount(rows, minlength=target.size)
        self.cost = np.concatenate([self.cost, cost])
        self.target = np.concatenate([self.target, target])
        self.start = np.concatenate([self.start, self.start[-1] + np.cumsum(per_column)])
        self.weapon = np.concatenate([self.weapon, weapons])
        self.shots = np.concatenate([self.shots, x[rows, weapons].astype(np.float64)])

    def reduced_costs(
        self, lam: NDArray[np.float64], pi: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """cost_c + Σ_w shots_wc λ_w − π_t(c) for every column (slacks: λ_w)."""
        owner = np.repeat(np.arange(self.cost.size), np.diff(self.start))
        rc = self.cost + np.bincount(
            owner, weights=self.shots * lam[self.weapon], minlength=self.cost.size
        )
        structural = self.target >= 0
        rc[structural] -= pi[self.target[structural]]
        return rc

    def counts(
        self, chosen: NDArray[np.int64], n_weapons: int, n_targets: int
    ) -> NDArray[np.int64]:
        """(W, T) shot counts of the columns ``chosen`` (at most one per target)."""
        x = np.zeros((n_weapons, n_targets), dtype=np.int64)
        for c in chosen.tolist():
            lo, hi = self.start[c], self.start[c + 1]
            x[self.weapon[lo:hi], self.target[c]] += self.shots[lo:hi].astype(np.int64)
        return x


@dataclass
class _Master:
    """The restricted master at the end of column generation.

    ``basic`` and ``y``: the basic columns and their values; ``lp``: the LP value;
    ``lam`` (W,) and ``pi`` (T,): the duals of the weapon and target rows; then the
    pricing set-up (``_price_columns``) that generated the columns; ``start_columns``:
    the columns of the start.
    """

    columns: _Columns
    basic: NDArray[np.int64]
    y: NDArray[np.float64]
    lp: float
    lam: NDArray[np.float64]
    pi: NDArray[np.float64]
    n_candidates: int
    depth: int
    extend: bool
    start_columns: NDArray[np.int64]

    def integral_choice(self, n_targets: int) -> NDArray[np.int64] | None:
        """The basic columns at 1 when the LP solution is integral, else None."""
        structural = self.columns.target[self.basic] >= 0
        y = self.y[structural]
        if np.any(np.abs(y - np.round(y)) > 1e-6):
            return None
        chosen = self.basic[structural][y > 0.5]
        if not np.array_equal(np.sort(self.columns.target[chosen]), np.arange(n_targets)):
            return None
        return chosen

    def within(self, gap: float, most: int) -> NDArray[np.int64]:
        """The basic target columns, those of the start (so that the start is a choice)
        and those of reduced cost at most ``gap`` — no solution over the generated
        columns that is ``gap`` or less above the LP uses any other — or, if that is
        more than ``most``, the ``most`` of least reduced cost.
        """
        rc = self.columns.reduced_costs(self.lam, self.pi)
        structural = self.columns.target >= 0
        basic = self.basic[structural[self.basic]]
        rc[basic] = -np.inf
        rc[self.start_columns] = -np.inf
        chosen = np.flatnonzero(structural & (rc <= gap))
        if chosen.size > most:
            chosen = chosen[np.argsort(rc[chosen], kind="stable")[:most]]
        return np.sort(chosen)


def _pricing_size(total_shots: int, n_targets: int, n_weapons: int) -> tuple[int, int]:
    """(candidates K, depth D) for ``_price_columns``: D from the shots per target, K within
    ``PRICING_WORK``."""
    per_target = -(-total_shots // max(n_targets, 1))
    depth = min(total_shots, max(COLUMN_DEPTH, 2 * per_target))
    n_candidates = min(COLUMN_CANDIDATES, n_weapons)
    while n_candidates > 2 and n_targets * math.comb(n_candidates + depth, depth) > PRICING_WORK:
        n_candidates -= 1
    return n_candidates, depth


def _column_generation(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    cap: NDArray[np.int64],
    shot_weapon: NDArray[np.int64],
    start_target: NDArray[np.int64],
    deadline: float,
) -> _Master | None:
    """The linear relaxation of the WTA over target "columns", or None if out of time
    (or if the simplex basis turned singular to rounding, not seen so far).

    The WTA as a set-partitioning problem: choose for each target t one column —
    shot counts x_·t at cost v_t Π_w (1 − p_wt)^x_wt — so that no weapon fires more
    than c_w shots.  Its linear relaxation is solved by column generation (see
    Lübbecke & Desrosiers, "Selected topics in column generation", Operations
    Research 53(6):1007–1023, 2005): the restricted master is solved by the
    simplex method (``_gub_simplex``), started from the columns of
    ``start_target``, and new columns are priced against its duals
    (``_price_columns``) until none, or too little, is left to gain.  On the
    published instances of Andersen et al. (2022) that relaxation is within
    0.1 % of the optimum and often integral.
    """
    n_weapons, n_targets = p.shape
    total_shots = shot_weapon.size
    n_candidates, depth = _pricing_size(total_shots, n_targets, n_weapons)
    columns = _Columns.slacks_and_empties(v, n_weapons)
    x_start = np.zeros((n_targets, n_weapons), dtype=np.int64)
    np.add.at(x_start, (start_target, shot_weapon), 1)
    survival = np.prod((1.0 - p.T) ** x_start, axis=1)
    # Reduced costs below -tol enter the basis; the pricing asks for twice that, so that
    # every column it returns is one the simplex takes despite rounding.
    tol = 1e-9 * float(v @ survival) + 1e-15 * float(v.sum()) + 1e-300
    key = np.arange(columns.cost.size, columns.cost.size + n_targets)
    start_columns = key.copy()
    columns.append(np.arange(n_targets), x_start, v * survival)
    nonkey = np.arange(n_weapons)
    in_basis = np.zeros(columns.cost.size, dtype=np.bool_)
    in_basis[key] = True
    in_basis[nonkey] = True
    weight = np.ones(columns.cost.size)
    d_inv = np.eye(n_weapons)
    y_key = np.ones(n_targets)
    y_nonkey = np.zeros(n_weapons)
    mu = np.zeros(n_weapons)
    pi = np.zeros(n_targets)
    cap_f = cap.astype(np.float64)
    # A start that uses every shot is a degenerate vertex; a tiny, deterministic
    # perturbation of the capacities keeps the simplex from stalling there.
    rhs = cap_f + 1e-7 * (1.0 + (np.arange(n_weapons) * 0.6180339887498949) % 1.0)
    max_iterations = 50 * (n_targets + n_weapons)
    extend = False
    # Dual smoothing against the slow, oscillating duals of column generation (Wentges,
    # "Weighted Dantzig-Wolfe decomposition for linear mixed-integer programming",
    # International Transactions in Operational Research 4(2):151–162, 1997): price at
    # a mix of the LP duals and the duals of the best Lagrangian bound so far, and at
    # the LP duals alone only when the mix yields nothing that improves the LP.
    # The first center prices a shot of weapon w at what one more would remove at the
    # start, max_t v_t s_t p_wt: the duals of a start that fires every shot are
    # degenerate and would price every weapon at 0.
    center_lam = (v * survival * p).max(axis=1)
    center_pi = np.minimum(v, v * survival + x_start @ center_lam)

    def price(lam: NDArray[np.float64], pi: NDArray[np.float64]) -> Any:
        return _price_columns(
            v, p, cap, lam, pi, n_candidates, depth, COLUMNS_PER_TARGET, -2.0 * tol, extend
        )

    first = price(center_lam, center_pi)
    best_bound = float(center_pi.sum() + first[3].sum() - center_lam @ cap_f)
    columns.append(first[0], first[1], first[2])
    in_basis = np.concatenate([in_basis, np.zeros(first[0].size, dtype=np.bool_)])
    weight = np.concatenate([weight, np.ones(first[0].size)])
    status = 0
    for _ in range(MAX_ROUNDS):
        # The simplex runs SIMPLEX_CHUNK pivots at a time, so that the deadline is
        # looked at between them; it resumes from the basis it left.
        status = 1
        for done in range(0, max_iterations, SIMPLEX_CHUNK):
            status = _gub_simplex(
                rhs, columns.cost, columns.target, columns.start, columns.weapon,
                columns.shots, key, nonkey, in_basis, d_inv, y_key, y_nonkey, weight,
                min(SIMPLEX_CHUNK, max_iterations - done), tol,
            )  # fmt: skip
            if status == 0 or time.perf_counter() > deadline:
                break
        _gub_duals(
            columns.cost, columns.target, columns.start, columns.weapon, columns.shots,
            key, nonkey, d_inv, mu, pi,
        )  # fmt: skip
        if status != 0 or time.perf_counter() > deadline:
            break
        lp = float(columns.cost[key] @ y_key + columns.cost[nonkey] @ y_nonkey)
        lam = np.maximum(-mu, 0.0)
        new = None
        if SMOOTHING > 0.0:
            lam_s = SMOOTHING * center_lam + (1.0 - SMOOTHING) * lam
            pi_s = SMOOTHING * center_pi + (1.0 - SMOOTHING) * pi
            new = price(lam_s, pi_s)
            bound = float(pi_s.sum() + new[3].sum() - lam_s @ cap_f)
            if bound > best_bound:
                best_bound, center_lam, center_pi = bound, lam_s, pi_s
            improving = new[2] + new[1] @ lam - pi[new[0]] < -2.0 * tol
            new = (new[0][improving], new[1][improving], new[2][improving])
            if new[0].size == 0:
                new = None
        if new is None:
            priced = price(lam, pi)
            bound = lp + float(np.minimum(priced[3], 0.0).sum())
            if bound > best_bound:
                best_bound, center_lam, center_pi = bound, lam, pi.copy()
            new = priced[:3]
            if new[0].size == 0 and not extend:
                # Converged on columns of at most `depth` shots: look for longer ones,
                # against which the bound so far is no bound.
                extend = True
                best_bound = -math.inf
                continue
        if lp - best_bound <= LP_GAP * lp or new[0].size == 0:
            break
        columns.append(new[0], new[1], new[2])
        in_basis = np.concatenate([in_basis, np.zeros(new[0].size, dtype=np.bool_)])
        weight = np.concatenate([weight, np.ones(new[0].size)])
    if status == 2 or time.perf_counter() > deadline:
        return None
    # The basic solution for the true capacities.
    if not _gub_refactor(
        cap_f, columns.target, columns.start, columns.weapon, columns.shots, key, nonkey,
        d_inv, y_key, y_nonkey,
    ):  # fmt: skip
        return None
    basic = np.concatenate([key, nonkey])
    y = np.concatenate([y_key, y_nonkey])
    lp = float(columns.cost[basic] @ y)
    return _Master(
        columns, basic, y, lp, np.maximum(-mu, 0.0), pi, n_candidates, depth, extend,
        start_columns,
    )  # fmt: skip


def _integer_master(
    columns: _Columns,
    candidates: NDArray[np.int64],
    cap: NDArray[np.float64],
    n_targets: int,
    deadline: float,
    time_limit_s: float,
) -> NDArray[np.int64] | None:
    """One column per target among ``candidates``, within capacity, at least total cost.

    Solved by HiGHS through ``scipy.optimize.milp`` within ``time_limit_s`` and the
    deadline; None if it found no feasible choice in that time.  A master whose
    relaxation is far from its integer optimum can take HiGHS long; the time limit,
    which then makes the result depend on the machine, keeps that from eating the
    time of the local search that follows.
    """
    time_left = min(deadline - time.perf_counter(), time_limit_s)
    if time_left <= 0.0:
        return None
    n = candidates.size
    lo, hi = columns.start[candidates], columns.start[candidates + 1]
    nnz = hi - lo
    entry = np.repeat(lo - np.cumsum(nnz) + nnz, nnz) + np.arange(int(nnz.sum()))
    owner = np.repeat(np.arange(n), nnz)
    partition = sparse.csr_array(
        (np.ones(n), (columns.target[candidates], np.arange(n))), shape=(n_targets, n)
    )
    usage = sparse.csr_array(
        (columns.shots[entry], (columns.weapon[entry], owner)), shape=(cap.size, n)
    )
    result = milp(
        columns.cost[candidates],
        constraints=[
            LinearConstraint(partition, 1.0, 1.0),
            LinearConstraint(usage, -np.inf, cap),
        ],
        integrality=np.ones(n),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": time_left, "node_limit": MASTER_NODES},
    )
    if result.x is None:
        return None
    chosen: NDArray[np.int64] = candidates[np.asarray(result.x) > 0.5]
    return chosen


def _validated(
    values: ArrayLike, kill_probability: ArrayLike, capacity: int | ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    v = np.asarray(values, dtype=np.float64)
    p = np.asarray(kill_probability, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"values: expected shape (T,), got {v.shape}")
    if p.ndim != 2 or p.shape[1] != v.shape[0]:
        raise ValueError(
            f"kill_probability: expected shape (W, T) = (W, {v.shape[0]}) to match values, "
            f"got {p.shape}"
        )
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        bad = int(np.flatnonzero(~(np.isfinite(v) & (v >= 0)))[0])
        raise ValueError(f"values[{bad}]: expected a finite value >= 0, got {v[bad]}")
    outside = ~((p >= 0.0) & (p <= 1.0))  # also catches NaN
    if np.any(outside):
        w, t = (int(i) for i in np.argwhere(outside)[0])
        raise ValueError(
            f"kill_probability[{w}, {t}]: expected a probability in [0, 1], got {p[w, t]}"
        )
    c_raw = np.asarray(capacity)
    if c_raw.ndim == 0:
        c_raw = np.full(p.shape[0], c_raw)
    if c_raw.shape != (p.shape[0],):
        raise ValueError(
            f"capacity: expected an integer or shape (W,) = ({p.shape[0]},), got {c_raw.shape}"
        )
    if c_raw.dtype == bool or not np.issubdtype(c_raw.dtype, np.number):
        raise ValueError(f"capacity: expected non-negative integers, got dtype {c_raw.dtype}")
    c_float = c_raw.astype(np.float64)
    bad_c = ~(np.isfinite(c_float) & (c_float >= 0) & (c_float == np.round(c_float)))
    if np.any(bad_c):
        w = int(np.flatnonzero(bad_c)[0])
        raise ValueError(f"capacity[{w}]: expected a non-negative integer, got {c_raw[w]}")
    return v, p, c_float.astype(np.int64)


def _enumeration_size(cap: NDArray[np.int64], n_targets: int) -> int:
    """Π_w C(c_w + T − 1, c_w): ways to spread each weapon's shots over T targets."""
    size = 1
    for c in cap.tolist():
        size *= math.comb(c + n_targets - 1, c)
    return size


def _objective_of_shots(
    v: NDArray[np.float64],
    p: NDArray[np.float64],
    shot_weapon: NDArray[np.int64],
    shot_target: NDArray[np.int64],
) -> float:
    x = np.zeros(p.shape, dtype=np.int64)
    np.add.at(x, (shot_weapon, shot_target), 1)
    return expected_surviving_value(v, p, x)


@njit
def _greedy(v: Any, p: Any, shot_weapon: Any) -> Any:
    """Maximum marginal return: each shot where it removes the most value."""
    n_weapons, n_targets = p.shape
    remaining = np.zeros(n_weapons, dtype=np.int64)
    for w in shot_weapon:
        remaining[w] += 1
    exposed = v.copy()  # v_t s_t
    gain = np.empty((n_weapons, n_targets))
    for w in range(n_weapons):
        for t in range(n_targets):
            gain[w, t] = p[w, t] * exposed[t] if remaining[w] > 0 else -1.0
    chosen_w = np.empty(shot_weapon.size, dtype=np.int64)
    chosen_t = np.empty(shot_weapon.size, dtype=np.int64)
    for k in range(shot_weapon.size):
        best = -1.0
        bw = 0
        bt = 0
        for w in range(n_weapons):
            if remaining[w] == 0:
                continue
            for t in range(n_targets):
                if gain[w, t] > best:
                    best = gain[w, t]
                    bw = w
                    bt = t
        chosen_w[k] = bw
        chosen_t[k] = bt
        remaining[bw] -= 1
        exposed[bt] *= 1.0 - p[bw, bt]
        for w in range(n_weapons):
            if remaining[w] > 0:
                gain[w, bt] = p[w, bt] * exposed[bt]
            else:
                gain[w, :] = -1.0
    # Hand the targets back in the order of shot_weapon (grouped by weapon).
    shot_target = np.empty(shot_weapon.size, dtype=np.int64)
    cursor = np.zeros(n_weapons, dtype=np.int64)
    for i in range(shot_weapon.size):
        if i == 0 or shot_weapon[i] != shot_weapon[i - 1]:
            cursor[shot_weapon[i]] = i
    for k in range(shot_weapon.size):
        shot_target[cursor[chosen_w[k]]] = chosen_t[k]
        cursor[chosen_w[k]] += 1
    return shot_target


@njit
def _survival_after(q: Any, z: Any, p: Any, t: int, drop_w: int, add_w: int) -> float:
    """Survival of target t with one shot of drop_w removed and one of add_w added (−1: none).

    A target's survival is kept as ``q_t`` (product of the factors 1 − p < 1)
    and ``z_t`` (number of certain kills), so that a shot can be taken out by
    division even when p = 1.
    """
    qq = q[t]
    zz = z[t]
    if drop_w >= 0:
        f = 1.0 - p[drop_w, t]
        if f == 0.0:
            zz -= 1
        else:
            qq /= f
    if add_w >= 0:
        f = 1.0 - p[add_w, t]
        if f == 0.0:
            zz += 1
        else:
            qq *= f
    return 0.0 if zz > 0 else qq


@njit
def _recount(p: Any, x: Any, q: Any, z: Any, t: int) -> None:
    """Recompute q_t and z_t from the shot counts, dropping accumulated rounding."""
    qq = 1.0
    zz = 0
    for w in range(p.shape[0]):
        f = 1.0 - p[w, t]
        if f == 0.0:
            zz += x[w, t]
        else:
            for _ in range(x[w, t]):
                qq *= f
    q[t] = qq
    z[t] = zz


@njit
def _top_gains(v: Any, p: Any, s: Any, top: Any) -> None:
    """top[w, :3]: the three targets where one more shot of w removes the most value."""
    n_weapons, n_targets = p.shape
    for w in range(n_weapons):
        g0 = g1 = g2 = -1.0
        t0 = t1 = t2 = -1
        for t in range(n_targets):
            g = v[t] * s[t] * p[w, t]
            if g > g0:
                g2, t2, g1, t1, g0, t0 = g1, t1, g0, t0, g, t
            elif g > g1:
                g2, t2, g1, t1 = g1, t1, g, t
            elif g > g2:
                g2, t2 = g, t
        top[w, 0] = t0
        top[w, 1] = t1
        top[w, 2] = t2


@njit
def _local_search(
    v: Any, p: Any, shot_weapon: Any, shot_target: Any, order: Any, max_passes: int, cycles: bool
) -> bool:
    """Improve ``shot_target`` in place by single-shot moves, swaps, 2-chains and 3-cycles.

    For each shot k (weapon w, target a), the neighbourhood is: move k to any
    other target b; swap targets with a shot k2 of another weapon; or the
    ejection chain "k takes k2's target b, k2 moves to its best target c ∉ {a, b}"
    (a path exchange of length two, Ahuja et al. 2007 §5); and, with ``cycles``,
    the cyclic exchange of three shots.  The best improving neighbour of each
    shot is taken.  A pass costs O(S²) for S shots, O(S³) with ``cycles``.
    Returns True when a whole pass found no improvement (a local optimum),
    False if ``max_passes`` ran out.
    """
    n_weapons, n_targets = p.shape
    n_shots = shot_weapon.size
    x = np.zeros((n_weapons, n_targets), dtype=np.int64)
    for k in range(n_shots):
        x[shot_weapon[k], shot_target[k]] += 1
    q = np.ones(n_targets)
    z = np.zeros(n_targets, dtype=np.int64)
    s = np.empty(n_targets)
    for t in range(n_targets):
        _recount(p, x, q, z, t)
        s[t] = _survival_after(q, z, p, t, -1, -1)
    top = np.empty((n_weapons, 3), dtype=np.int64)
    _top_gains(v, p, s, top)
    tol = 1e-12 * max(v.sum(), 1e-300)
    for _ in range(max_passes):
        improved = False
        for k in order:
            w = shot_weapon[k]
            a = shot_target[k]
            loss_a = v[a] * (_survival_after(q, z, p, a, w, -1) - s[a])
            best = -tol
            kind = 0  # 1 move, 2 swap, 3 chain, 4 cycle
            best_b = -1
            best_k2 = -1
            best_c = -1
            for b in range(n_targets):
                if b != a:
                    delta = loss_a - v[b] * s[b] * p[w, b]
                    if delta < best:
                        best, kind, best_b = delta, 1, b
            for k2 in range(n_shots):
                w2 = shot_weapon[k2]
                b = shot_target[k2]
                if w2 == w or b == a:
                    continue
                change_b = v[b] * (_survival_after(q, z, p, b, w2, w) - s[b])
                swap = v[a] * (_survival_after(q, z, p, a, w, w2) - s[a]) + change_b
                if swap < best:
                    best, kind, best_k2 = swap, 2, k2
                for i in range(3):
                    c = top[w2, i]
                    if c >= 0 and c != a and c != b:
                        chain = loss_a + change_b - v[c] * s[c] * p[w2, c]
                        if chain < best:
                            best, kind, best_k2, best_c = chain, 3, k2, c
                        break
            # Cyclic exchange of three shots: k takes k2's target b, k2 takes k3's
            # target c, k3 takes k's target a.
            best_k3 = -1
            for k2 in range(n_shots if cycles else 0):
                w2 = shot_weapon[k2]
                b = shot_target[k2]
                if w2 == w or b == a:
                    continue
                change_b = v[b] * (_survival_after(q, z, p, b, w2, w) - s[b])
                for k3 in range(n_shots):
                    w3 = shot_weapon[k3]
                    c = shot_target[k3]
                    if c in (a, b) or w3 in (w2, w):
                        continue
                    cycle = (
                        change_b
                        + v[c] * (_survival_after(q, z, p, c, w3, w2) - s[c])
                        + v[a] * (_survival_after(q, z, p, a, w, w3) - s[a])
                    )
                    if cycle < best:
                        best, kind, best_k2, best_k3 = cycle, 4, k2, k3
            if kind == 0:
                continue
            if kind == 1:
                x[w, a] -= 1
                x[w, best_b] += 1
                shot_target[k] = best_b
                touched = (a, best_b, best_b)
            elif kind == 4:
                w2 = shot_weapon[best_k2]
                b = shot_target[best_k2]
                w3 = shot_weapon[best_k3]
                c = shot_target[best_k3]
                x[w, a] -= 1
                x[w, b] += 1
                x[w2, b] -= 1
                x[w2, c] += 1
                x[w3, c] -= 1
                x[w3, a] += 1
                shot_target[k] = b
                shot_target[best_k2] = c
                shot_target[best_k3] = a
                touched = (a, b, c)
            else:
                w2 = shot_weapon[best_k2]
                b = shot_target[best_k2]
                c = a if kind == 2 else best_c
                x[w, a] -= 1
                x[w, b] += 1
                x[w2, b] -= 1
                x[w2, c] += 1
                shot_target[k] = b
                shot_target[best_k2] = c
                touched = (a, b, c)
            for t in touched:
                _recount(p, x, q, z, t)
                s[t] = _survival_after(q, z, p, t, -1, -1)
            _top_gains(v, p, s, top)
            improved = True
        if not improved:
            return True
    return False


@njit
def _branch_and_bound(
    v: Any, p: Any, shot_weapon: Any, incumbent_target: Any, incumbent_cost: float
) -> Any:
    """Optimal shot targets by depth-first branch and bound (see module docstring).

    ``shot_weapon`` must be grouped by weapon and ``incumbent_target`` feasible.
    """
    n_weapons, n_targets = p.shape
    n_shots = shot_weapon.size
    # remaining[k, w]: shots of weapon w at depths k .. n_shots − 1
    remaining = np.zeros((n_shots + 1, n_weapons), dtype=np.int64)
    for k in range(n_shots - 1, -1, -1):
        remaining[k] = remaining[k + 1]
        remaining[k, shot_weapon[k]] += 1
    survival = np.ones((n_shots + 1, n_targets))
    choice = np.full(n_shots, -1, dtype=np.int64)
    best_cost = incumbent_cost
    best_target = incumbent_target.copy()
    k = 0
    while k >= 0:
        w = shot_weapon[k]
        # A weapon's shots are interchangeable: its next shot starts at the last one's target.
        first_try = choice[k] < 0 and k > 0 and shot_weapon[k - 1] == w
        t = choice[k - 1] if first_try else choice[k] + 1
        if t >= n_targets:
            choice[k] = -1
            k -= 1
            continue
        choice[k] = t
        child = survival[k + 1]
        child[:] = survival[k]
        child[t] *= 1.0 - p[w, t]
        cost = 0.0
        for j in range(n_targets):
            cost += v[j] * child[j]
        if k + 1 == n_shots:
            if cost < best_cost:
                best_cost = cost
                best_target[:] = choice
            continue
        # Lower bounds on any completion of this node.
        max_removed = 0.0
        all_hit_by_target = v * child
        for w2 in range(n_weapons):
            r = remaining[k + 1, w2]
            if r == 0:
                continue
            top = 0.0
            for j in range(n_targets):
                gain = v[j] * child[j] * p[w2, j]
                top = max(top, gain)
                all_hit_by_target[j] *= (1.0 - p[w2, j]) ** r
            max_removed += r * top
        all_hit = all_hit_by_target.sum()
        bound = max(cost - max_removed, all_hit)
        if bound >= best_cost:
            continue
        k += 1
        choice[k] = -1
    return best_target


# --- column generation ------------------------------------------------------
#
# Restricted master LP over "columns" (one target's shot counts), in the form
#     min Σ_c cost_c y_c  s.t.  Σ_{c of t} y_c = 1 for every target t,
#                               Σ_c shots_wc y_c + slack_w = cap_w for every weapon w,
# stored column by column: col_target[c] (−1 for the slack of a weapon), and the
# weapon rows of column c as col_weapon / col_shots[col_start[c] : col_start[c + 1]].
# Every column of a target has a 1 in that target's row, which the simplex
# exploits as generalized upper bounds: of the basic columns of each target one is
# its "key", and only the W × W working basis D of the other basic columns, with
# the key's weapon rows subtracted, is inverted (Dantzig & Van Slyke 1967).


@njit
def _multiply(a: Any, x: Any, out: Any) -> None:
    """out = a @ x for a square ``a``, without BLAS call overhead on small sizes."""
    n = x.size
    for i in range(n):
        s = 0.0
        for k in range(n):
            s += a[i, k] * x[k]
        out[i] = s


@njit
def _invert(a: Any, out: Any) -> bool:
    """out = a⁻¹ by Gauss–Jordan elimination with partial pivoting; False if ``a`` is
    singular to rounding.

    In place of ``np.linalg.inv``, whose LAPACK may start threads: on a busy machine
    that made a 200 × 200 inverse take a tenth of a second.
    """
    n = a.shape[0]
    m = a.copy()
    out[:, :] = 0.0
    for i in range(n):
        out[i, i] = 1.0
    scale = max(np.abs(a).max(), 1e-300)
    for col in range(n):
        pivot = col
        for i in range(col + 1, n):
            if abs(m[i, col]) > abs(m[pivot, col]):
                pivot = i
        if abs(m[pivot, col]) <= 1e-12 * scale:
            return False
        if pivot != col:
            for k in range(n):
                m[col, k], m[pivot, k] = m[pivot, k], m[col, k]
                out[col, k], out[pivot, k] = out[pivot, k], out[col, k]
        inv_pivot = 1.0 / m[col, col]
        for k in range(n):
            m[col, k] *= inv_pivot
            out[col, k] *= inv_pivot
        for i in range(n):
            f = m[i, col]
            if i != col and f != 0.0:
                for k in range(n):
                    m[i, k] -= f * m[col, k]
                    out[i, k] -= f * out[col, k]
    return True


@njit
def _gub_reduced_column(
    j: int, key: Any, col_target: Any, col_start: Any, col_weapon: Any, col_shots: Any, out: Any
) -> None:
    """Weapon rows of column j minus those of its target's key column (slacks: as is)."""
    out[:] = 0.0
    for e in range(col_start[j], col_start[j + 1]):
        out[col_weapon[e]] += col_shots[e]
    t = col_target[j]
    if t >= 0:
        k = key[t]
        for e in range(col_start[k], col_start[k + 1]):
            out[col_weapon[e]] -= col_shots[e]


@njit
def _gub_refactor(
    rhs: Any,
    col_target: Any,
    col_start: Any,
    col_weapon: Any,
    col_shots: Any,
    key: Any,
    nonkey: Any,
    d_inv: Any,
    y_key: Any,
    y_nonkey: Any,
) -> bool:
    """Invert the working basis afresh and recompute the basic values from ``rhs``;
    False if the basis is singular to rounding."""
    n_weapons = nonkey.size
    d = np.zeros((n_weapons, n_weapons))
    column = np.empty(n_weapons)
    for i in range(n_weapons):
        _gub_reduced_column(nonkey[i], key, col_target, col_start, col_weapon, col_shots, column)
        d[:, i] = column
    if not _invert(d, d_inv):
        return False
    reduced_rhs = rhs.copy()  # capacity left after every key column takes y = 1
    for t in range(key.size):
        k = key[t]
        for e in range(col_start[k], col_start[k + 1]):
            reduced_rhs[col_weapon[e]] -= col_shots[e]
    _multiply(d_inv, reduced_rhs, y_nonkey)
    for i in range(n_weapons):
        y_nonkey[i] = max(y_nonkey[i], 0.0)
    y_key[:] = 1.0
    for i in range(n_weapons):
        t = col_target[nonkey[i]]
        if t >= 0:
            y_key[t] -= y_nonkey[i]
    for t in range(key.size):
        y_key[t] = max(y_key[t], 0.0)
    return True


@njit
def _gub_duals(
    col_cost: Any,
    col_target: Any,
    col_start: Any,
    col_weapon: Any,
    col_shots: Any,
    key: Any,
    nonkey: Any,
    d_inv: Any,
    mu: Any,
    pi: Any,
) -> None:
    """Simplex multipliers: ``mu`` of the weapon rows, ``pi`` of the target rows."""
    n_weapons = nonkey.size
    mu[:] = 0.0
    for i in range(n_weapons):
        j = nonkey[i]
        t = col_target[j]
        relative_cost = col_cost[j] - (col_cost[key[t]] if t >= 0 else 0.0)
        if relative_cost != 0.0:
            for k in range(n_weapons):
                mu[k] += relative_cost * d_inv[i, k]
    for t in range(key.size):
        k = key[t]
        s = col_cost[k]
        for e in range(col_start[k], col_start[k + 1]):
            s -= col_shots[e] * mu[col_weapon[e]]
        pi[t] = s


@njit
def _devex_entering(
    col_cost: Any,
    col_target: Any,
    col_start: Any,
    col_weapon: Any,
    col_shots: Any,
    in_basis: Any,
    mu: Any,
    pi: Any,
    weight: Any,
    tol_cost: float,
) -> int:
    """The entering column by Devex pricing (Harris 1973), or -1 if no reduced cost is
    below ``-tol_cost`` (an optimum)."""
    n_columns = col_cost.size
    # Devex pricing: the most negative reduced cost relative to its reference weight.
    q = -1
    best_score = 0.0
    for j in range(n_columns):
        if in_basis[j]:
            continue
        t = col_target[j]
        d = col_cost[j] - (pi[t] if t >= 0 else 0.0)
        for e in range(col_start[j], col_start[j + 1]):
            d -= col_shots[e] * mu[col_weapon[e]]
        if d < -tol_cost:
            score = d * d / weight[j]
            if score > best_score or q < 0:
                best_score = score
                q = j
    return q


@njit
def _harris_leaving(
    col_target: Any,
    nonkey: Any,
    t_q: int,
    beta: Any,
    rate: Any,
    y_key: Any,
    y_nonkey: Any,
    tol_pivot: float,
    tol_primal: float,
) -> tuple[float, int, int]:
    """The step and the leaving variable of the entering column (its reduced column
    ``beta``, its target ``t_q``), by the two-pass ratio test of Harris (1973): the step
    theta, and the position in ``nonkey`` or the target whose key leaves (-1: none).
    ``rate`` (zero on entry) receives d y_key / d theta of each target."""
    n_weapons = nonkey.size
    # Raising y_q by theta lowers y_nonkey by theta beta and moves each key by theta rate.
    for i in range(n_weapons):
        t = col_target[nonkey[i]]
        if t >= 0:
            rate[t] += beta[i]
    if t_q >= 0:
        rate[t_q] -= 1.0
    theta_max = np.inf
    for i in range(n_weapons):
        if beta[i] > tol_pivot:
            theta_max = min(theta_max, (y_nonkey[i] + tol_primal) / beta[i])
    for i in range(n_weapons + 1):
        t = col_target[nonkey[i]] if i < n_weapons else t_q
        if t >= 0 and rate[t] < -tol_pivot:
            theta_max = min(theta_max, (y_key[t] + tol_primal) / -rate[t])
    leave_nonkey = -1
    leave_key = -1
    largest = 0.0
    for i in range(n_weapons):
        if beta[i] > tol_pivot and y_nonkey[i] / beta[i] <= theta_max and beta[i] > largest:
            largest = beta[i]
            leave_nonkey = i
    for i in range(n_weapons + 1):
        t = col_target[nonkey[i]] if i < n_weapons else t_q
        if (
            t >= 0
            and rate[t] < -tol_pivot
            and y_key[t] / -rate[t] <= theta_max
            and -rate[t] > largest
        ):
            largest = -rate[t]
            leave_nonkey = -1
            leave_key = t
    if leave_key >= 0:
        theta = max(y_key[leave_key] / -rate[leave_key], 0.0)
    elif leave_nonkey >= 0:
        theta = max(y_nonkey[leave_nonkey] / beta[leave_nonkey], 0.0)
    else:
        theta = 0.0  # unbounded: impossible, every y is at most 1 and every slack at most cap
    return theta, leave_nonkey, leave_key


@njit
def _gub_step(
    theta: float,
    col_target: Any,
    nonkey: Any,
    t_q: int,
    beta: Any,
    rate: Any,
    y_key: Any,
    y_nonkey: Any,
) -> None:
    """Move the basic values by the step theta along ``beta`` and ``rate`` (which is reset
    to zero)."""
    n_weapons = nonkey.size
    for i in range(n_weapons):
        y_nonkey[i] = max(y_nonkey[i] - theta * beta[i], 0.0)
    for i in range(n_weapons + 1):
        t = col_target[nonkey[i]] if i < n_weapons else t_q
        if t >= 0 and rate[t] != 0.0:
            y_key[t] = max(y_key[t] + theta * rate[t], 0.0)
            rate[t] = 0.0


@njit
def _gub_new_key(
    r: int,
    t_leave: int,
    col_target: Any,
    key: Any,
    nonkey: Any,
    y_key: Any,
    y_nonkey: Any,
    d_inv: Any,
    pivot_row: Any,
) -> None:
    """Make nonkey r the key of target ``t_leave``, whose key leaves the basis; the old key
    takes position r of the working basis D, and D⁻¹ is updated to match."""
    n_weapons = nonkey.size
    old_key = key[t_leave]
    # Make nonkey r the key of t_leave; the old key takes position r of D.
    # Columns of D from t_leave become D_i − D_r and D_r becomes −D_r, so row r
    # of the inverse becomes −(row r + Σ rows i of t_leave).
    key[t_leave] = nonkey[r]
    nonkey[r] = old_key
    y_key[t_leave] = y_nonkey[r]
    y_nonkey[r] = 0.0
    for k in range(n_weapons):
        pivot_row[k] = -d_inv[r, k]
    for i in range(n_weapons):
        if i != r and col_target[nonkey[i]] == t_leave:
            for k in range(n_weapons):
                pivot_row[k] -= d_inv[i, k]
    for k in range(n_weapons):
        d_inv[r, k] = pivot_row[k]


@njit
def _devex_weights(
    col_target: Any,
    col_start: Any,
    col_weapon: Any,
    col_shots: Any,
    key: Any,
    nonkey: Any,
    in_basis: Any,
    d_inv: Any,
    weight: Any,
    key_part: Any,
    q: int,
    r: int,
    pivot: float,
) -> None:
    """Update the Devex reference weights for a pivot on row r (entering column q) with
    pivot element ``pivot`` (Harris 1973); all reset to 1 when one grows too large."""
    n_targets = key.size
    n_columns = col_target.size
    # Devex reference weights from the pivot row (row r of D⁻¹ times each column).
    for t in range(n_targets):
        k = key[t]
        s = 0.0
        for e in range(col_start[k], col_start[k + 1]):
            s += col_shots[e] * d_inv[r, col_weapon[e]]
        key_part[t] = s
    weight_q = weight[q]
    reset = False
    for j in range(n_columns):
        if in_basis[j] or j == q:
            continue
        s = 0.0
        for e in range(col_start[j], col_start[j + 1]):
            s += col_shots[e] * d_inv[r, col_weapon[e]]
        t = col_target[j]
        if t >= 0:
            s -= key_part[t]
        if s != 0.0:
            w_new = (s / pivot) ** 2 * weight_q
            if w_new > weight[j]:
                weight[j] = w_new
                reset |= w_new > 1e6
    leaving = nonkey[r]
    weight[leaving] = max(weight_q / (pivot * pivot), 1.0)
    if reset or weight[leaving] > 1e6:
        weight[:] = 1.0


@njit
def _gub_pivot(d_inv: Any, beta: Any, r: int, pivot: float, pivot_row: Any) -> None:
    """Update D⁻¹ for the entering column, whose reduced column is ``beta``, replacing
    the column in position r (the product-form update of the inverse)."""
    n_weapons = beta.size
    for k in range(n_weapons):
        pivot_row[k] = d_inv[r, k] / pivot
        d_inv[r, k] = pivot_row[k]
    for i in range(n_weapons):
        b = beta[i]
        if i != r and b != 0.0:
            for k in range(n_weapons):
                d_inv[i, k] -= b * pivot_row[k]


@njit
def _gub_simplex(
    rhs: Any,
    col_cost: Any,
    col_target: Any,
    col_start: Any,
    col_weapon: Any,
    col_shots: Any,
    key: Any,
    nonkey: Any,
    in_basis: Any,
    d_inv: Any,
    y_key: Any,
    y_nonkey: Any,
    weight: Any,
    max_iterations: int,
    tol_cost: float,
) -> int:
    """Primal simplex on the restricted master from the feasible basis (key, nonkey).

    Generalized upper bounding (Dantzig & Van Slyke, "Generalized upper bounding
    techniques", J. Computer and System Sciences 1(3):213–226, 1967): only the
    W × W working basis is kept, as an explicit inverse refreshed every 100
    pivots.  Entering column by Devex pricing, leaving row by the two-pass ratio
    test, both from Harris, "Pivot selection methods of the Devex LP code",
    Mathematical Programming 5:1–28 (1973); ``weight`` holds the Devex reference
    weights.  The basis arrays are updated in place.  Returns 0 at an optimum,
    1 when ``max_iterations`` ran out, 2 if the working basis became singular to
    rounding (not seen so far).
    """
    n_weapons = nonkey.size
    n_targets = key.size
    mu = np.empty(n_weapons)
    pi = np.empty(n_targets)
    beta = np.empty(n_weapons)
    column = np.empty(n_weapons)
    pivot_row = np.empty(n_weapons)
    rate = np.zeros(n_targets)  # d y_key[t] / d theta
    key_part = np.empty(n_targets)
    tol_pivot = 1e-9
    tol_primal = 1e-9
    if not _gub_refactor(
        rhs, col_target, col_start, col_weapon, col_shots, key, nonkey, d_inv, y_key, y_nonkey
    ):
        return 2
    _gub_duals(col_cost, col_target, col_start, col_weapon, col_shots, key, nonkey, d_inv, mu, pi)
    since_refactor = 0
    for _ in range(max_iterations):
        q = _devex_entering(
            col_cost, col_target, col_start, col_weapon, col_shots, in_basis, mu, pi, weight,
            tol_cost,
        )  # fmt: skip
        if q < 0:
            return 0
        t_q = col_target[q]
        _gub_reduced_column(q, key, col_target, col_start, col_weapon, col_shots, column)
        _multiply(d_inv, column, beta)
        theta, leave_nonkey, leave_key = _harris_leaving(
            col_target, nonkey, t_q, beta, rate, y_key, y_nonkey, tol_pivot, tol_primal
        )
        _gub_step(theta, col_target, nonkey, t_q, beta, rate, y_key, y_nonkey)
        if leave_nonkey < 0 and leave_key < 0:
            return 1
        r = leave_nonkey
        if leave_key >= 0:
            t_leave = leave_key
            old_key = key[t_leave]
            r = -1
            largest = -1.0
            for i in range(n_weapons):
                if col_target[nonkey[i]] == t_leave and y_nonkey[i] > largest:
                    largest = y_nonkey[i]
                    r = i
            if r < 0:
                # The target has no other basic column: q (one of its own) becomes its key.
                key[t_leave] = q
                y_key[t_leave] = theta
                in_basis[old_key] = False
                in_basis[q] = True
                weight[old_key] = max(weight[q], 1.0)
                _gub_duals(
                    col_cost, col_target, col_start, col_weapon, col_shots, key, nonkey,
                    d_inv, mu, pi,
                )  # fmt: skip
                continue
            _gub_new_key(r, t_leave, col_target, key, nonkey, y_key, y_nonkey, d_inv, pivot_row)
            _gub_reduced_column(q, key, col_target, col_start, col_weapon, col_shots, column)
            _multiply(d_inv, column, beta)
        pivot = beta[r]
        _devex_weights(
            col_target, col_start, col_weapon, col_shots, key, nonkey, in_basis, d_inv, weight,
            key_part, q, r, pivot,
        )  # fmt: skip
        leaving = nonkey[r]
        _gub_pivot(d_inv, beta, r, pivot, pivot_row)
        in_basis[leaving] = False
        in_basis[q] = True
        nonkey[r] = q
        y_nonkey[r] = theta
        since_refactor += 1
        if since_refactor == 100:
            if not _gub_refactor(
                rhs, col_target, col_start, col_weapon, col_shots, key, nonkey, d_inv,
                y_key, y_nonkey,
            ):  # fmt: skip
                return 2
            since_refactor = 0
        _gub_duals(
            col_cost, col_target, col_start, col_weapon, col_shots, key, nonkey, d_inv, mu, pi
        )
    return 1


@njit
def _price_columns(
    v: Any,
    p: Any,
    cap: Any,
    lam: Any,
    pi: Any,
    n_candidates: int,
    depth: int,
    per_target: int,
    threshold: float,
    extend: bool,
) -> Any:
    """New columns of negative reduced cost v_t Π_w (1 − p_wt)^x_w + Σ_w λ_w x_w − π_t.

    For each target, every multiset of at most ``depth`` shots drawn from the
    ``n_candidates`` weapons with the largest first-shot value v_t p_wt − λ_w is
    tried, and the ``per_target`` best of reduced cost below ``threshold`` are
    returned; with ``extend``, those that reached ``depth`` shots, and the best
    column of ``depth`` shots, are then grown greedily while a shot still pays.
    Returns (targets (m,), shot counts (m, W), costs (m,), best reduced cost of
    each target (T,)) over every column tried, the empty one included.
    """
    n_weapons, n_targets = p.shape
    out_target = np.empty(n_targets * (per_target + 1), dtype=np.int64)
    out_x = np.zeros((n_targets * (per_target + 1), n_weapons), dtype=np.int64)
    out_cost = np.empty(n_targets * (per_target + 1))
    best_rc = np.empty(n_targets)
    score = np.empty(n_weapons)
    # Slots 0 .. per_target − 1 keep the best columns; with ``extend``, the last slot
    # keeps the best column of ``depth`` shots, to be grown even if it is not kept.
    kept_rc = np.empty(per_target + 1)
    kept_seq = np.empty((per_target + 1, depth), dtype=np.int64)
    kept_len = np.empty(per_target + 1, dtype=np.int64)
    stack = np.empty(depth, dtype=np.int64)
    survival = np.empty(depth + 1)
    price = np.empty(depth + 1)
    x = np.zeros(n_weapons, dtype=np.int64)
    m = 0
    for t in range(n_targets):
        best_rc[t] = v[t] - pi[t]
        for w in range(n_weapons):
            score[w] = v[t] * p[w, t] - lam[w] if cap[w] > 0 else -1.0
        candidates = np.argsort(-score)
        n_c = 0
        while n_c < min(n_candidates, n_weapons) and score[candidates[n_c]] > 0.0:
            n_c += 1
        n_kept = 0
        worst = 0
        cutoff = threshold
        kept_rc[per_target] = np.inf
        survival[0] = 1.0
        price[0] = 0.0
        d = 0
        stack[0] = 0
        while d >= 0 and n_c > 0:
            i = stack[d]
            if i >= n_c:
                d -= 1
                if d >= 0:
                    stack[d] += 1
                continue
            w = candidates[i]
            count = 1
            j = d - 1
            while j >= 0 and stack[j] == i:
                count += 1
                j -= 1
            if count > cap[w]:
                stack[d] += 1
                continue
            survival[d + 1] = survival[d] * (1.0 - p[w, t])
            price[d + 1] = price[d] + lam[w]
            rc = v[t] * survival[d + 1] + price[d + 1] - pi[t]
            best_rc[t] = min(best_rc[t], rc)
            if rc < cutoff:
                slot = n_kept if n_kept < per_target else worst
                n_kept = min(n_kept + 1, per_target)
                kept_rc[slot] = rc
                kept_len[slot] = d + 1
                kept_seq[slot, : d + 1] = stack[: d + 1]
                if n_kept == per_target:
                    worst = 0
                    for k in range(1, n_kept):
                        if kept_rc[k] > kept_rc[worst]:
                            worst = k
                    cutoff = kept_rc[worst]
            if extend and d + 1 == depth and rc < kept_rc[per_target]:
                kept_rc[per_target] = rc
                kept_len[per_target] = depth
                kept_seq[per_target] = stack
            # More shots cost at least their prices and can neither be kept nor lower
            # the target's best reduced cost once the prices alone reach both.
            if d + 1 < depth and price[d + 1] - pi[t] < max(cutoff, best_rc[t]):
                d += 1
                stack[d] = i
            else:
                stack[d] += 1
        first = m
        for k in range(per_target + 1):
            if k >= n_kept and (k < per_target or kept_rc[k] == np.inf):
                continue
            x[:] = 0
            s = 1.0
            price_k = 0.0
            for j in range(kept_len[k]):
                w = candidates[kept_seq[k, j]]
                x[w] += 1
                s *= 1.0 - p[w, t]
                price_k += lam[w]
            while extend and kept_len[k] == depth:
                gain = 0.0
                add = -1
                for w in range(n_weapons):
                    if x[w] < cap[w] and v[t] * s * p[w, t] - lam[w] > gain:
                        gain = v[t] * s * p[w, t] - lam[w]
                        add = w
                if add < 0:
                    break
                x[add] += 1
                s *= 1.0 - p[add, t]
                price_k += lam[add]
            rc = v[t] * s + price_k - pi[t]
            best_rc[t] = min(best_rc[t], rc)
            duplicate = rc >= threshold
            for mm in range(first, m):
                if np.array_equal(out_x[mm], x):
                    duplicate = True
                    break
            if not duplicate:
                out_target[m] = t
                out_x[m] = x
                out_cost[m] = v[t] * s
                m += 1
    return out_target[:m], out_x[:m], out_cost[:m], best_rc


@njit
def _shots_from_counts(v: Any, p: Any, shot_weapon: Any, x: Any) -> Any:
    """Shot targets for the counts ``x`` (W, T); shots ``x`` leaves unused go greedily.

    ``shot_weapon`` must be grouped by weapon.  A leftover shot goes where it removes
    the most value, v_t s_t p_wt, given everything assigned before it.
    """
    n_weapons, n_targets = p.shape
    shot_target = np.full(shot_weapon.size, -1, dtype=np.int64)
    survival = np.ones(n_targets)
    for w in range(n_weapons):
        for t in range(n_targets):
            survival[t] *= (1.0 - p[w, t]) ** x[w, t]
    k = 0
    while k < shot_weapon.size:
        w = shot_weapon[k]
        for t in range(n_targets):
            for _ in range(x[w, t]):
                shot_target[k] = t
                k += 1
        while k < shot_weapon.size and shot_weapon[k] == w:
            best = -1.0
            best_t = 0
            for t in range(n_targets):
                gain = v[t] * survival[t] * p[w, t]
                if gain > best:
                    best = gain
                    best_t = t
            shot_target[k] = best_t
            survival[best_t] *= 1.0 - p[w, best_t]
            k += 1
    return shot_target
