"""Kill draws keyed by threat and rank (engine.flyout.kill_uniform): SplitMix64 counters.

Sources
-------
[SM64] S. Vigna, splitmix64.c (https://prng.di.unimi.it/splitmix64.c), the reference
       implementation of Steele, Lea and Flood's SplitMix64 (OOPSLA 2014): from state 0 its
       first outputs are 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from airguard.engine.flyout import kill_uniform
from airguard.engine.loop import kill_key

SM64_FROM_ZERO = (0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F)  # [SM64]


def test_the_counter_is_splitmix64_from_the_reference_implementation():
    """Key 0, target 0: draw k is SplitMix64's output k + 1 from state 0, top 53 bits."""
    for k, word in enumerate(SM64_FROM_ZERO):
        assert kill_uniform(0, 0, k) == (word >> 11) / 2.0**53


def test_draws_are_uniform_over_threats_and_ranks():
    key = kill_key(2019, 7)
    u = np.array([kill_uniform(key, j, k) for j in range(200) for k in range(500)])
    assert u.min() >= 0.0
    assert u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    # neighbouring ranks and neighbouring threats are uncorrelated (|r| < 4 / sqrt(n))
    grid = u.reshape(200, 500)
    assert abs(np.corrcoef(grid[:, :-1].ravel(), grid[:, 1:].ravel())[0, 1]) < 4 / np.sqrt(
        grid.size
    )
    assert abs(np.corrcoef(grid[:-1].ravel(), grid[1:].ravel())[0, 1]) < 4 / np.sqrt(grid.size)


def test_each_replication_has_its_own_kill_stream():
    keys = {kill_key(2019, k) for k in range(1000)} | {kill_key(2020, 0)}
    assert len(keys) == 1001
    assert all(0 <= key < 2**63 for key in keys)
