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
    Three starts: the maximum-marginal-return greedy (den Broeder et al. 1959;
    Kolitz) — fire the next shot where it removes the most expected value,
    ``v_t s_t p_wt`` with ``s_t`` the target's current survival probability —
    and two from linear assignment problems of shots to targets (Hungarian
    method; see ``_assignment_start``).  Each is improved by a local search in the spirit of Ahuja et al. 2007 §5 (their
    very-large-scale neighbourhood cut down to short exchanges): move one
    shot, swap two shots, a two-shot ejection chain, or a three-shot cyclic
    exchange, until none improves ``F``.  On small instances a few random
    starts drawn from ``seed`` are also searched and the best kept; the
    result is reproducible for a given seed.
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
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

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
        ``"heuristic"`` (greedy plus local search) or ``"auto"`` (exact when the
        enumeration is at most ``MAX_EXACT_LEAVES``, heuristic otherwise).
    time_limit_s
        Wall-clock cap on the heuristic's local search, in seconds.  The search
        normally converges long before; if the cap is hit the result depends on
        machine speed.
    seed
        Seeds the order in which the local search scans shots.

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
    # Starts: two built from linear assignments of shots to targets (see
    # _assignment_start), then the greedy, then (on small instances, where a pass is
    # cheap) a few random starts drawn from `seed`.  Each is improved by the local
    # search, one pass at a time so that the time limit is kept; the best local optimum
    # is kept.  The assignment starts come first because on a first call the numba
    # kernels may still be loading from the cache, and the time limit counts that.
    starts = [
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
        while time.perf_counter() <= deadline:
            if _local_search(v, p, shot_weapon, shot_target, order, 1):
                break
        cost = _objective_of_shots(v, p, shot_weapon, shot_target)
        if cost < best_cost:
            best_cost, best_target = cost, shot_target
        if time.perf_counter() > deadline:
            break
    shot_target = best_target

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
    v: Any, p: Any, shot_weapon: Any, shot_target: Any, order: Any, max_passes: int
) -> bool:
    """Improve ``shot_target`` in place by single-shot moves, swaps and 2-chains.

    For each shot k (weapon w, target a), the neighbourhood is: move k to any
    other target b; swap targets with a shot k2 of another weapon; or the
    ejection chain "k takes k2's target b, k2 moves to its best target c ∉ {a, b}"
    (a path exchange of length two, Ahuja et al. 2007 §5).  The best
    improving neighbour of each shot is taken.  Returns True when a whole pass
    found no improvement (a local optimum), False if ``max_passes`` ran out.
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
            for k2 in range(n_shots):
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
