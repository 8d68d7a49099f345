"""Intervals of Monte Carlo estimates: Wilson's for a proportion, the normal
approximation for a mean."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Z95", "mean_interval", "wilson_interval"]

Z95 = 1.959963984540054
"""Two-sided 95 % standard normal quantile."""


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion.

    E. B. Wilson, "Probable inference, the law of succession, and statistical
    inference", *JASA* 22(158), 1927; as in Brown, Cai & DasGupta,
    "Interval estimation for a binomial proportion", *Statistical Science*
    16(2), 2001, eq. 4.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(centre - half, 0.0), min(centre + half, 1.0)


def mean_interval(
    values: np.ndarray, z: float = Z95, lower_bound: float | None = None
) -> tuple[float, float, float]:
    """Mean and normal-approximation 95 % interval of the mean (CLT).

    `lower_bound` clips the interval, e.g. at 0 for counts.
    """
    n = values.size
    mean = float(values.mean()) if n else math.nan
    if n < 2:
        return mean, mean, mean
    half = z * float(values.std(ddof=1)) / math.sqrt(n)
    lo, hi = mean - half, mean + half
    if lower_bound is not None:
        lo = max(lo, lower_bound)
    return mean, lo, hi
