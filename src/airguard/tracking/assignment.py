"""Optimal two-dimensional assignment (linear sum assignment), compiled.

The tracker's global-nearest-neighbour association solves, per cluster of
tracks and detections that share gates, the rectangular assignment problem

    minimise  sum_i C[i, col(i)]  over injective maps col: rows -> columns,

with forbidden pairs written as ``+inf``.  The algorithm is the shortest
augmenting path method of Jonker and Volgenant (R. Jonker, A. Volgenant, "A
shortest augmenting path algorithm for dense and sparse linear assignment
problems", *Computing* 38, 325-340, 1987) in the rectangular form without
initialisation of D. F. Crouse, "On implementing 2D rectangular assignment
algorithms", *IEEE Trans. Aerospace and Electronic Systems* 52(4), 1679-1696,
2016, Algorithm 1 — the algorithm behind
:func:`scipy.optimize.linear_sum_assignment`, against which the tests check it.
One Dijkstra search per row, over reduced costs kept non-negative by dual
variables ``u`` (rows) and ``v`` (columns): O(n^2 m) for n rows and m >= n
columns.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit

__all__ = ["linear_assignment", "lsap_kernel"]


@njit
def _augmenting_path(
    cost: np.ndarray,
    nc: int,
    u: np.ndarray,
    v: np.ndarray,
    path: np.ndarray,
    row4col: np.ndarray,
    shortest: np.ndarray,
    i: int,
    sr: np.ndarray,
    sc: np.ndarray,
    remaining: np.ndarray,
) -> tuple[int, float]:
    """Shortest augmenting path from free row `i` (Crouse 2016, Algorithm 1, lines 6-20).

    Returns the free column reached (the sink; -1 if every path is forbidden)
    and the length of the path in reduced costs.
    """
    min_val = 0.0
    num_remaining = nc
    for it in range(nc):
        remaining[it] = nc - it - 1
        sc[it] = False
        shortest[it] = math.inf
    for it in range(sr.shape[0]):
        sr[it] = False
    sink = -1
    while sink == -1:
        index = -1
        lowest = math.inf
        sr[i] = True
        for it in range(num_remaining):
            j = remaining[it]
            r = min_val + cost[i, j] - u[i] - v[j]
            if r < shortest[j]:
                path[j] = i
                shortest[j] = r
            # ties go to a free column: it ends the search soonest
            if shortest[j] < lowest or (shortest[j] == lowest and row4col[j] == -1):
                lowest = shortest[j]
                index = it
        min_val = lowest
        if min_val == math.inf or index < 0:
            return -1, min_val
        j = remaining[index]
        if row4col[j] == -1:
            sink = j
        else:
            i = row4col[j]
        sc[j] = True
        num_remaining -= 1
        remaining[index] = remaining[num_remaining]
    return sink, min_val


@njit
def lsap_kernel(cost: np.ndarray, nr: int, nc: int, col4row: np.ndarray) -> bool:
    """Minimum-cost assignment of every row of ``cost[:nr, :nc]`` to a distinct column.

    Parameters
    ----------
    cost
        (>= nr, >= nc) float64 cost matrix; ``+inf`` marks a forbidden pair.  Only
        the block ``[:nr, :nc]`` is read.  Finite entries may be negative.
    nr, nc
        Rows and columns of the problem, ``nr <= nc``.
    col4row
        (>= nr,) int64, out: the column assigned to each row.

    Returns
    -------
    bool
        False if no assignment of all rows avoids forbidden pairs (``col4row``
        then holds -1 for the rows not assigned).

    Notes
    -----
    Crouse (2016), Algorithm 1; Jonker & Volgenant (1987).  Callers with more
    rows than columns transpose first (:func:`linear_assignment` does).
    """
    u = np.zeros(nr)
    v = np.zeros(nc)
    shortest = np.empty(nc)
    path = np.full(nc, -1, np.int64)
    row4col = np.full(nc, -1, np.int64)
    sr = np.zeros(nr, np.bool_)
    sc = np.zeros(nc, np.bool_)
    remaining = np.empty(nc, np.int64)
    for i in range(nr):
        col4row[i] = -1
    for cur_row in range(nr):
        sink, min_val = _augmenting_path(
            cost, nc, u, v, path, row4col, shortest, cur_row, sr, sc, remaining
        )
        if sink < 0:
            return False
        # update the dual variables (Crouse 2016, Algorithm 1, lines 21-23)
        u[cur_row] += min_val
        for i in range(nr):
            if sr[i] and i != cur_row:
                u[i] += min_val - shortest[col4row[i]]
        for j in range(nc):
            if sc[j]:
                v[j] -= min_val - shortest[j]
        # augment the assignment along the path
        j = sink
        while True:
            i = path[j]
            row4col[j] = i
            previous = col4row[i]
            col4row[i] = j
            j = previous
            if i == cur_row:
                break
    return True


def linear_assignment(cost: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Optimal assignment of a rectangular cost matrix, like SciPy's.

    Parameters
    ----------
    cost : array_like, shape (n, m)
        Costs (any unit); ``+inf`` forbids a pair.  NaN and ``-inf`` are refused.

    Returns
    -------
    rows, cols : ndarray of int64, shape (min(n, m),)
        The assigned pairs, ``rows`` increasing, minimising ``cost[rows, cols].sum()``
        (the same optimum as :func:`scipy.optimize.linear_sum_assignment`).

    Raises
    ------
    ValueError
        If the matrix is not two-dimensional, holds NaN or ``-inf``, or forbidden
        pairs leave no complete assignment of the smaller side.
    """
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError(f"cost: expected a two-dimensional matrix, got shape {c.shape}")
    if np.isnan(c).any() or np.isneginf(c).any():
        raise ValueError("cost: expected finite costs or +inf for forbidden pairs, got NaN or -inf")
    transposed = c.shape[0] > c.shape[1]
    if transposed:
        c = c.T
    c = np.ascontiguousarray(c)
    nr, nc = c.shape
    col4row = np.empty(nr, np.int64)
    if nr and not lsap_kernel(c, nr, nc, col4row):
        raise ValueError("cost: no complete assignment avoids the forbidden (+inf) pairs")
    rows = np.arange(nr, dtype=np.int64)
    if transposed:
        order = np.argsort(col4row)
        return col4row[order], rows[order]
    return rows, col4row
