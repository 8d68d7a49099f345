"""Radar calculators: range equation, detection probability, radio horizon, noise jamming.

Every function takes scalars or NumPy arrays (broadcast against each other)
and returns a float when all its array arguments are scalars, else an array
of the broadcast shape.

Conventions
-----------
* SNR is the single-pulse, matched-filter signal-to-noise ratio: noise
  bandwidth 1/tau, monostatic radar with the same antenna gain on transmit
  and receive.  ``snr_db`` passed to the detection functions is the *average*
  SNR of one pulse; for a fluctuating target the average is over the RCS
  distribution.
* Detection is by a square-law detector with non-coherent integration of
  ``pulses`` equal-SNR pulses in complex white Gaussian noise, and a threshold
  set for the false-alarm probability ``pfa`` (Richards, *Fundamentals of Radar
  Signal Processing*, 2nd ed., section 6.3).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from airguard.geo import EFFECTIVE_EARTH_FACTOR, MEAN_EARTH_RADIUS_M

__all__ = [
    "BOLTZMANN_J_PER_K",
    "EARTH_RADIUS_M",
    "SPEED_OF_LIGHT_MPS",
    "albersheim_snr_db",
    "burn_through_range_m",
    "detection_probability",
    "horizon_range_m",
    "jnr_db",
    "max_range_m",
    "required_snr_db",
    "snr_db",
    "snr_jammed_db",
]

BOLTZMANN_J_PER_K = 1.380649e-23
"""Boltzmann constant k, J/K (exact in the SI since 2019; CODATA 2018)."""

SPEED_OF_LIGHT_MPS = 299_792_458.0
"""Speed of light in vacuum c, m/s (exact, SI)."""

EARTH_RADIUS_M = MEAN_EARTH_RADIUS_M
"""Mean Earth radius used for the radio horizon, m: the IUGG mean radius
R1 = 6 371 008.8 m of the Geodetic Reference System 1980 (Moritz, Bulletin
Géodésique 54, 1980) — the same constant as :data:`airguard.geo.MEAN_EARTH_RADIUS_M`,
the radius of the engine's effective Earth."""

_SERIES_TOLERANCE = 1e-15
"""Relative truncation error allowed in the detection-probability series."""

_RealArray = NDArray[np.float64]


def _result(value: _RealArray, *inputs: ArrayLike) -> float | _RealArray:
    """Return a float when every input is a scalar, else the array."""
    if all(np.ndim(x) == 0 for x in inputs):
        return float(value)
    return value


def _positive(name: str, value: _RealArray) -> None:
    """Raise ValueError unless every element of ``value`` is > 0 (NaN passes through)."""
    if np.any(value <= 0.0):
        raise ValueError(f"{name} must be positive")


def _snr_linear(
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    rcs_m2: ArrayLike,
    range_m: ArrayLike,
    pulse_width_s: ArrayLike,
    system_temperature_k: ArrayLike,
    loss_db: ArrayLike,
) -> _RealArray:
    """Single-pulse SNR as a power ratio (see :func:`snr_db`)."""
    pt = np.asarray(peak_power_w, dtype=np.float64)
    f = np.asarray(frequency_hz, dtype=np.float64)
    sigma = np.asarray(rcs_m2, dtype=np.float64)
    r = np.asarray(range_m, dtype=np.float64)
    tau = np.asarray(pulse_width_s, dtype=np.float64)
    ts = np.asarray(system_temperature_k, dtype=np.float64)
    for name, value in (
        ("peak_power_w", pt),
        ("frequency_hz", f),
        ("rcs_m2", sigma),
        ("range_m", r),
        ("pulse_width_s", tau),
        ("system_temperature_k", ts),
    ):
        _positive(name, value)
    gain = 10.0 ** (np.asarray(gain_db, dtype=np.float64) / 10.0)
    loss = 10.0 ** (np.asarray(loss_db, dtype=np.float64) / 10.0)
    wavelength_m = SPEED_OF_LIGHT_MPS / f
    signal = pt * gain**2 * wavelength_m**2 * sigma * tau
    noise = (4.0 * np.pi) ** 3 * BOLTZMANN_J_PER_K * ts * r**4 * loss
    return np.asarray(signal / noise, dtype=np.float64)


def snr_db(
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    rcs_m2: ArrayLike,
    range_m: ArrayLike,
    pulse_width_s: ArrayLike,
    system_temperature_k: ArrayLike = 290.0,
    loss_db: ArrayLike = 0.0,
) -> float | _RealArray:
    """Single-pulse SNR from the radar range equation.

    SNR = Pt G² λ² σ τ / ((4π)³ k Ts R⁴ L), with λ = c/f: the monostatic
    point-target range equation with a matched filter, whose noise bandwidth
    is 1/τ (Mahafza and Elsherbeni, *MATLAB Simulations for Radar Systems
    Design*, 2004, eq. 1.57, there solved for τ; Skolnik, *Introduction to
    Radar Systems*, 3rd ed., ch. 2; MathWorks Radar Toolbox, "Radar
    Equation").

    Parameters
    ----------
    peak_power_w
        Transmitted peak power Pt, W.
    gain_db
        Antenna gain G, the same on transmit and receive, dBi.
    frequency_hz
        Carrier frequency f, Hz.
    rcs_m2
        Target radar cross-section σ, m².
    range_m
        Range to the target R, m.
    pulse_width_s
        Pulse width τ, s; the noise bandwidth is 1/τ.
    system_temperature_k
        System noise temperature Ts, K (noise figure included), default 290 K.
    loss_db
        Total system loss L, dB, default 0 dB.

    Returns
    -------
    float or numpy.ndarray
        SNR of one pulse at the output of the matched filter, dB.

    Raises
    ------
    ValueError
        If a power, frequency, RCS, range, pulse width or temperature is <= 0.
    """
    inputs = (
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        range_m,
        pulse_width_s,
        system_temperature_k,
        loss_db,
    )
    snr = _snr_linear(*inputs)
    return _result(10.0 * np.log10(snr), *inputs)


def max_range_m(
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    rcs_m2: ArrayLike,
    snr_db: ArrayLike,
    pulse_width_s: ArrayLike,
    system_temperature_k: ArrayLike = 290.0,
    loss_db: ArrayLike = 0.0,
) -> float | _RealArray:
    """Range at which the single-pulse SNR falls to ``snr_db``.

    R = [Pt G² λ² σ τ / ((4π)³ k Ts SNR L)]^(1/4), the range equation of
    :func:`snr_db` solved for range (Mahafza and Elsherbeni, *MATLAB
    Simulations for Radar Systems Design*, 2004, eq. 1.57 rearranged; Skolnik,
    *Introduction to Radar Systems*, 3rd ed., ch. 2).

    Parameters
    ----------
    peak_power_w
        Transmitted peak power Pt, W.
    gain_db
        Antenna gain G, the same on transmit and receive, dBi.
    frequency_hz
        Carrier frequency f, Hz.
    rcs_m2
        Target radar cross-section σ, m².
    snr_db
        Required single-pulse SNR, dB.
    pulse_width_s
        Pulse width τ, s; the noise bandwidth is 1/τ.
    system_temperature_k
        System noise temperature Ts, K, default 290 K.
    loss_db
        Total system loss L, dB, default 0 dB.

    Returns
    -------
    float or numpy.ndarray
        Range, m.

    Raises
    ------
    ValueError
        If a power, frequency, RCS, pulse width or temperature is <= 0.
    """
    inputs = (
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        snr_db,
        pulse_width_s,
        system_temperature_k,
        loss_db,
    )
    # SNR at 1 m, then R⁴ = SNR(1 m) / SNR_required.
    snr_at_1_m = _snr_linear(
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        1.0,
        pulse_width_s,
        system_temperature_k,
        loss_db,
    )
    required = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0)
    return _result(np.asarray((snr_at_1_m / required) ** 0.25, dtype=np.float64), *inputs)


# --- Detection probability -------------------------------------------------------------


def _check_probability(name: str, value: _RealArray) -> None:
    """Raise ValueError unless 0 < value < 1 everywhere."""
    if np.any(~((value > 0.0) & (value < 1.0))):
        raise ValueError(f"{name} must lie strictly between 0 and 1")


def _check_pulses(pulses: _RealArray) -> None:
    """Raise ValueError unless every pulse count is a whole number >= 1."""
    if np.any(~np.isfinite(pulses)) or np.any(pulses < 1.0) or np.any(pulses != np.floor(pulses)):
        raise ValueError("pulses must be a whole number >= 1")


def _check_swerling(swerling: int) -> None:
    if swerling not in (0, 1, 2, 3, 4):
        raise ValueError("swerling must be 0, 1, 2, 3 or 4")


def _pd_flat(
    snr_per_pulse: _RealArray, threshold: _RealArray, pulses: _RealArray, swerling: int
) -> _RealArray:
    """Detection probability for flat, equal-length arrays (see detection_probability)."""
    n = pulses
    total = n * snr_per_pulse  # mean SNR summed over the N pulses
    if swerling == 0:
        shape = np.ones_like(n)  # unused: the weights are Poisson
    elif swerling == 1:
        shape = np.ones_like(n)
    elif swerling == 2:
        shape = n.copy()
    elif swerling == 3:
        shape = np.full_like(n, 2.0)
    else:
        shape = 2.0 * n
    scale = total / shape
    log1p_scale = np.log1p(scale)
    lgamma_shape = special.gammaln(shape)

    def log_weight(kf: float) -> _RealArray:
        """log of the Poisson (case 0) or negative-binomial weight of index k."""
        if swerling == 0:
            log_w = -total + special.xlogy(kf, total) - math.lgamma(kf + 1.0)
        else:
            log_w = (
                special.gammaln(shape + kf)
                - lgamma_shape
                - math.lgamma(kf + 1.0)
                - (shape + kf) * log1p_scale
                + special.xlogy(kf, scale)
            )
        return np.asarray(log_w, dtype=np.float64)

    head = np.zeros_like(total)
    k = 0
    while True:
        kf = float(k)
        with np.errstate(under="ignore"):
            head += np.exp(log_weight(kf)) * special.gammaincc(n + kf, threshold)
        k += 1
        # Each term left out differs from its weight by at most P(N + k, T).
        if np.all(special.gammainc(n + k, threshold) <= _SERIES_TOLERANCE):
            break
    # Weight of all indices >= k: Poisson or negative-binomial upper tail.
    if swerling == 0:
        tail = special.gammainc(float(k), total)
    else:
        tail = special.betainc(float(k), shape, scale / (1.0 + scale))
    return np.asarray(np.clip(head + tail, 0.0, 1.0), dtype=np.float64)


def detection_probability(
    snr_db: ArrayLike, pfa: ArrayLike, pulses: ArrayLike = 1, swerling: int = 0
) -> float | _RealArray:
    """Exact probability of detection, square-law detector, Swerling 0 to 4.

    Parameters
    ----------
    snr_db
        Average single-pulse SNR, dB (``-inf`` means no signal).
    pfa
        Probability of false alarm, 0 < pfa < 1, dimensionless.
    pulses
        Number N of pulses integrated non-coherently, a whole number >= 1.
    swerling
        Target fluctuation model: 0 (non-fluctuating, Marcum; also called
        Swerling 5), 1 (exponential RCS, constant over the N pulses), 2
        (exponential, independent pulse to pulse), 3 (chi-square with 4 degrees
        of freedom, constant over the N pulses), 4 (chi-square 4, independent
        pulse to pulse).

    Returns
    -------
    float or numpy.ndarray
        Probability of detection, dimensionless.

    Raises
    ------
    ValueError
        If pfa is not in (0, 1), pulses is not a whole number >= 1, or
        swerling is not one of 0-4.

    Notes
    -----
    The threshold T on the sum of N noise-normalised square-law samples
    follows from Pfa = Q(N, T), the regularised upper incomplete gamma
    function, so T = Q⁻¹(N, Pfa) (Richards, *Fundamentals of Radar Signal
    Processing*, 2nd ed., eq. 6.79).

    Given the summed SNR S of the N pulses, the detection statistic is
    non-central chi-square with 2N degrees of freedom and non-centrality 2S,
    a Poisson mixture of central ones: P_D(S) = Σ_k e^{-S} S^k/k! Q(N+k, T)
    (Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions*,
    vol. 2, 2nd ed., ch. 29; Richards eq. 6.86 is another form of the same
    probability).
    Each Swerling model makes S gamma-distributed with mean N χ̄ and shape a
    (Swerling, IRE Trans. IT-6, 1960; Richards eqs. 6.95 and 6.108): a = 1 for
    case 1, N for case 2, 2 for case 3 and 2N for case 4 (a sum of N
    independent exponential or chi-square-4 variates).  Averaging the Poisson
    weights over a gamma law gives negative-binomial weights, so

        P_D = Σ_k NB(k; a, p) Q(N+k, T),   p = a / (a + N χ̄),

    with the Poisson weights themselves for Swerling 0 (a → ∞).  The series
    has positive terms only and is summed until Q(N+k, T) > 1 - 1e-15; the
    remaining weight is added whole, so the relative error is below 1e-15.
    It is exact, not a quadrature, and agrees with the closed forms for
    cases 1 and 2 (Richards eqs. 6.99 and 6.107) to rounding.
    """
    _check_swerling(swerling)
    snr = np.asarray(snr_db, dtype=np.float64)
    p_fa = np.asarray(pfa, dtype=np.float64)
    n = np.asarray(pulses, dtype=np.float64)
    _check_probability("pfa", p_fa)
    _check_pulses(n)
    snr_b, pfa_b, n_b = np.broadcast_arrays(snr, p_fa, n)
    shape = snr_b.shape
    with np.errstate(under="ignore"):
        x = 10.0 ** (snr_b.ravel() / 10.0)
    n_flat = np.ascontiguousarray(n_b.ravel())
    threshold = special.gammainccinv(n_flat, pfa_b.ravel())
    pd = _pd_flat(x, threshold, n_flat, swerling).reshape(shape)
    return _result(pd, snr_db, pfa, pulses)


def _solve_snr(pd: float, pfa: float, pulses: float, swerling: int, xtol: float = 1e-10) -> float:
    """Root of detection_probability(s) = pd in s (dB), by Brent's method."""

    def excess(s: float) -> float:
        return float(detection_probability(s, pfa, pulses, swerling)) - pd

    lo, hi = -40.0, 60.0
    while excess(lo) > 0.0:
        lo -= 40.0
        if lo < -400.0:
            raise ValueError("no SNR above -400 dB is low enough for this pd")
    while excess(hi) < 0.0:
        hi += 40.0
        if hi > 400.0:
            raise ValueError("no SNR below 400 dB reaches this pd")
    return float(optimize.brentq(excess, lo, hi, xtol=xtol, rtol=1e-14))


def required_snr_db(
    pd: ArrayLike, pfa: ArrayLike, pulses: ArrayLike = 1, swerling: int = 0
) -> float | _RealArray:
    """Average single-pulse SNR needed for a detection probability (exact inverse).

    Parameters
    ----------
    pd
        Required probability of detection, pfa < pd < 1, dimensionless.
    pfa
        Probability of false alarm, 0 < pfa < 1, dimensionless.
    pulses
        Number N of pulses integrated non-coherently, a whole number >= 1.
    swerling
        Target fluctuation model, 0-4, as in :func:`detection_probability`.

    Returns
    -------
    float or numpy.ndarray
        Average single-pulse SNR, dB, such that
        ``detection_probability(snr, pfa, pulses, swerling) == pd``; solved by
        Brent's method to 1e-10 dB.

    Raises
    ------
    ValueError
        If pd <= pfa (P_D tends to pfa as the SNR goes to zero), a probability
        lies outside (0, 1), or pulses or swerling is invalid.
    """
    _check_swerling(swerling)
    p_d = np.asarray(pd, dtype=np.float64)
    p_fa = np.asarray(pfa, dtype=np.float64)
    n = np.asarray(pulses, dtype=np.float64)
    _check_probability("pd", p_d)
    _check_probability("pfa", p_fa)
    _check_pulses(n)
    pd_b, pfa_b, n_b = np.broadcast_arrays(p_d, p_fa, n)
    if np.any(pd_b <= pfa_b):
        raise ValueError("pd must exceed pfa: P_D tends to pfa as the SNR goes to zero")
    out = np.array(
        [
            _solve_snr(float(a), float(b), float(c), swerling)
            for a, b, c in zip(pd_b.ravel(), pfa_b.ravel(), n_b.ravel(), strict=True)
        ],
        dtype=np.float64,
    ).reshape(pd_b.shape)
    return _result(out, pd, pfa, pulses)


def albersheim_snr_db(pd: ArrayLike, pfa: ArrayLike, pulses: ArrayLike = 1) -> float | _RealArray:
    """Albersheim's approximation to the single-pulse SNR for a steady target.

    A = ln(0.62/Pfa), B = ln(Pd/(1 - Pd)),
    SNR = -5 log10 N + (6.2 + 4.54/sqrt(N + 0.44)) log10(A + 0.12 A B + 1.7 B) dB
    (Albersheim, Proc. IEEE 69(7), 1981; Richards, *Fundamentals of Radar
    Signal Processing*, 2nd ed., eq. 6.87).

    Parameters
    ----------
    pd
        Probability of detection, 0 < pd < 1, dimensionless.
    pfa
        Probability of false alarm, 0 < pfa < 1, dimensionless.
    pulses
        Number N of pulses integrated non-coherently, >= 1.

    Returns
    -------
    float or numpy.ndarray
        Single-pulse SNR, dB.

    Raises
    ------
    ValueError
        If a probability lies outside (0, 1), pulses < 1, or
        A + 0.12 A B + 1.7 B <= 0 (very low pd with high pfa).

    Notes
    -----
    An empirical fit to Robertson's curves for a non-fluctuating target and a
    *linear* envelope detector; the fit is stated accurate to 0.2 dB for
    1e-7 <= Pfa <= 1e-3, 0.1 <= Pd <= 0.9 and 1 <= N <= 8096 (Richards,
    section 6.3.3).  For N = 1, where linear and square-law detection
    coincide, the exact result (:func:`required_snr_db`) bears the claim out
    for Pd >= 0.4 (within 0.08 dB) but not at low Pd: the formula is 0.23 to
    0.90 dB low at Pd = 0.2 and 0.75 to 4.1 dB low at Pd = 0.1 (Pfa 1e-7 to
    1e-3).  Prefer :func:`required_snr_db` below Pd = 0.4.
    """
    p_d = np.asarray(pd, dtype=np.float64)
    p_fa = np.asarray(pfa, dtype=np.float64)
    n = np.asarray(pulses, dtype=np.float64)
    _check_probability("pd", p_d)
    _check_probability("pfa", p_fa)
    if np.any(~(n >= 1.0)):
        raise ValueError("pulses must be >= 1")
    a = np.log(0.62 / p_fa)
    b = np.log(p_d / (1.0 - p_d))
    z = a + 0.12 * a * b + 1.7 * b
    if np.any(z <= 0.0):
        raise ValueError("pd too low for this pfa: Albersheim's equation is undefined there")
    snr = -5.0 * np.log10(n) + (6.2 + 4.54 / np.sqrt(n + 0.44)) * np.log10(z)
    return _result(np.asarray(snr, dtype=np.float64), pd, pfa, pulses)


def horizon_range_m(
    antenna_height_m: ArrayLike,
    target_height_m: ArrayLike = 0.0,
    k: ArrayLike = EFFECTIVE_EARTH_FACTOR,
    earth_radius_m: ArrayLike = MEAN_EARTH_RADIUS_M,
) -> float | _RealArray:
    """Smooth-Earth radio horizon between an antenna and a target.

    d = sqrt(2 k Re h_a + h_a²) + sqrt(2 k Re h_t + h_t²): the lengths of the
    two tangents from the antenna and from the target to a sphere of
    effective radius k Re, which folds standard atmospheric refraction into
    the Earth's curvature; k = 4/3 is the standard value.  Dropping h² gives
    the textbook form d ≈ sqrt(2 k Re h) per end, for 4/3 Earth about
    4.12 km per sqrt(h / 1 m) (Federal Standard 1037C, "radio horizon range":
    R = 1.23 (sqrt(h_t) + sqrt(h_r)) nmi with heights in feet; Skolnik,
    *Introduction to Radar Systems*, 3rd ed., ch. 8).

    Parameters
    ----------
    antenna_height_m
        Antenna height above the smooth Earth, m, >= 0.
    target_height_m
        Target height above the smooth Earth, m, >= 0; default 0 m.
    k
        Effective-Earth-radius factor, dimensionless, default 4/3
        (:data:`airguard.geo.EFFECTIVE_EARTH_FACTOR`).
    earth_radius_m
        True Earth radius Re, m, default 6,371,008.8 m
        (:data:`airguard.geo.MEAN_EARTH_RADIUS_M`), as the engine's radio horizon
        (:func:`airguard.sensing.radio_horizon_m`).

    Returns
    -------
    float or numpy.ndarray
        Line-of-sight range at which the target rises above the horizon, m.

    Raises
    ------
    ValueError
        If a height is negative or k or the radius is not positive.
    """
    h_a = np.asarray(antenna_height_m, dtype=np.float64)
    h_t = np.asarray(target_height_m, dtype=np.float64)
    kk = np.asarray(k, dtype=np.float64)
    re = np.asarray(earth_radius_m, dtype=np.float64)
    if np.any(h_a < 0.0) or np.any(h_t < 0.0):
        raise ValueError("heights must be >= 0")
    _positive("k", kk)
    _positive("earth_radius_m", re)
    effective_radius_m = kk * re
    d = np.sqrt(2.0 * effective_radius_m * h_a + h_a**2) + np.sqrt(
        2.0 * effective_radius_m * h_t + h_t**2
    )
    return _result(
        np.asarray(d, dtype=np.float64), antenna_height_m, target_height_m, k, earth_radius_m
    )


# --- Noise jamming ---------------------------------------------------------------------


def _non_negative(name: str, value: _RealArray) -> None:
    """Raise ValueError unless every element of ``value`` is >= 0 (NaN passes through)."""
    if np.any(value < 0.0):
        raise ValueError(f"{name} must be >= 0")


def _jnr_linear(
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike,
    frequency_hz: ArrayLike,
    receive_gain_db: ArrayLike,
    receiver_bandwidth_hz: ArrayLike,
    system_temperature_k: ArrayLike,
    jammer_loss_db: ArrayLike,
    polarisation_loss_db: ArrayLike,
) -> _RealArray:
    """Jamming-to-noise ratio as a power ratio (see :func:`jnr_db`)."""
    pj = np.asarray(jammer_power_w, dtype=np.float64)
    bj = np.asarray(jammer_bandwidth_hz, dtype=np.float64)
    rj = np.asarray(jammer_range_m, dtype=np.float64)
    f = np.asarray(frequency_hz, dtype=np.float64)
    br = np.asarray(receiver_bandwidth_hz, dtype=np.float64)
    ts = np.asarray(system_temperature_k, dtype=np.float64)
    _non_negative("jammer_power_w", pj)
    for name, value in (
        ("jammer_bandwidth_hz", bj),
        ("jammer_range_m", rj),
        ("frequency_hz", f),
        ("receiver_bandwidth_hz", br),
        ("system_temperature_k", ts),
    ):
        _positive(name, value)
    gains_db = (
        np.asarray(jammer_gain_db, dtype=np.float64)
        + np.asarray(receive_gain_db, dtype=np.float64)
        - np.asarray(jammer_loss_db, dtype=np.float64)
        - np.asarray(polarisation_loss_db, dtype=np.float64)
    )
    wavelength_m = SPEED_OF_LIGHT_MPS / f
    # Jamming density at the antenna terminals, W/Hz: the jammer's power spread over
    # its band, or over the receiver's band when it is narrower (all of it in band).
    density = pj * 10.0 ** (gains_db / 10.0) * wavelength_m**2 / ((4.0 * np.pi * rj) ** 2)
    density = density / np.maximum(bj, br)
    return np.asarray(density / (BOLTZMANN_J_PER_K * ts), dtype=np.float64)


def jnr_db(
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike,
    frequency_hz: ArrayLike,
    receive_gain_db: ArrayLike,
    receiver_bandwidth_hz: ArrayLike,
    system_temperature_k: ArrayLike = 290.0,
    jammer_loss_db: ArrayLike = 0.0,
    polarisation_loss_db: ArrayLike = 0.0,
) -> float | _RealArray:
    """Jamming-to-noise ratio J/N at a radar receiver from a barrage noise jammer.

    J/N = Pj Gj Gr λ² / ((4π)² Rj² Lj Lpol k Ts max(Bj, Br)), with λ = c/f:
    the one-way (beacon) equation for the jamming power Pj Gj Gr λ²/((4π Rj)² Lj)
    received by an antenna of gain Gr, of which the fraction Br/Bj falls in the
    receiver's noise bandwidth Br, over the thermal noise k Ts Br.  A jammer
    narrower than the receiver (Bj < Br) puts all its power in band: J/N then uses
    Br, as if its power were spread over the receiver's band (Mahafza, *Radar
    Systems Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2, the jamming
    term of eqs. 2.50-2.58; NAWCWD TP 8347, *Electronic Warfare and Radar Systems
    Engineering Handbook*, rev. 4, 2012, section 4-7).

    Parameters
    ----------
    jammer_power_w
        Jammer transmitter power Pj, W, >= 0 (0 means no jamming).
    jammer_gain_db
        Jammer antenna gain toward the radar Gj, dBi.  Pj Gj / Lj is the jammer's
        ERP toward the radar.
    jammer_bandwidth_hz
        Jammer noise bandwidth Bj, Hz (barrage: the band it covers).
    jammer_range_m
        Range from the jammer to the radar Rj, m.
    frequency_hz
        Radar carrier frequency f, Hz (the jammer covers it).
    receive_gain_db
        Radar receive gain toward the jammer Gr, dBi: the mainlobe gain when the
        jammer is in the beam, the mainlobe gain plus the (negative) sidelobe level
        when it is not.
    receiver_bandwidth_hz
        Radar noise bandwidth Br, Hz (1/τ for an uncoded pulse of width τ).
    system_temperature_k
        Radar system noise temperature Ts, K (noise figure included), default 290 K.
    jammer_loss_db
        Jammer transmit and path losses Lj, dB, default 0 dB.
    polarisation_loss_db
        Polarisation mismatch between jammer and radar antennas Lpol, dB, default
        0 dB (a circularly polarised jammer against a linear radar: 3 dB).

    Returns
    -------
    float or numpy.ndarray
        J/N in the receiver's noise bandwidth, dB (``-inf`` for Pj = 0).

    Raises
    ------
    ValueError
        If the jammer power is negative, or a bandwidth, range, frequency or
        temperature is <= 0.

    Notes
    -----
    J/N is also the ratio of the jamming density J0 = J/Br to the thermal density
    N0 = k Ts, which is what the matched filter sees (see :func:`snr_jammed_db`).
    """
    inputs = (
        jammer_power_w,
        jammer_gain_db,
        jammer_bandwidth_hz,
        jammer_range_m,
        frequency_hz,
        receive_gain_db,
        receiver_bandwidth_hz,
        system_temperature_k,
        jammer_loss_db,
        polarisation_loss_db,
    )
    jnr = _jnr_linear(*inputs)
    with np.errstate(divide="ignore"):
        return _result(np.asarray(10.0 * np.log10(jnr), dtype=np.float64), *inputs)


def _check_sidelobe(sidelobe_level_db: ArrayLike) -> _RealArray:
    level = np.asarray(sidelobe_level_db, dtype=np.float64)
    if np.any(level > 0.0):
        raise ValueError(
            "sidelobe_level_db is the receive gain toward the jammer relative to the "
            "mainlobe peak: expected <= 0 dB"
        )
    return level


def snr_jammed_db(
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    rcs_m2: ArrayLike,
    range_m: ArrayLike,
    pulse_width_s: ArrayLike,
    *,
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike | None = None,
    sidelobe_level_db: ArrayLike = 0.0,
    system_temperature_k: ArrayLike = 290.0,
    loss_db: ArrayLike = 0.0,
    jammer_loss_db: ArrayLike = 0.0,
    polarisation_loss_db: ArrayLike = 0.0,
    receiver_bandwidth_hz: ArrayLike | None = None,
) -> float | _RealArray:
    """Single-pulse signal to noise-plus-jamming ratio S/(N + J) under barrage noise jamming.

    S/(N + J) = (S/N) / (1 + J/N): the signal of :func:`snr_db` over thermal noise
    plus the jamming of :func:`jnr_db`, both in the same noise bandwidth.  Written
    with densities, S/(N + J) = E / (k Ts + J0), where E = Pt τ G² λ² σ / ((4π)³ R⁴ L)
    is the echo energy at the matched-filter input and J0 = Pj Gj Gr λ² /
    ((4π)² Rj² Lj Lpol max(Bj, Br)) the jamming density, W/Hz (Mahafza, *Radar
    Systems Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2, eq. 2.54,
    which is written with these densities).

    Parameters
    ----------
    peak_power_w, gain_db, frequency_hz, rcs_m2, range_m, pulse_width_s
        The radar and target, as in :func:`snr_db`; ``gain_db`` is the mainlobe gain
        G on transmit and receive, and the target is in the beam.
    jammer_power_w
        Jammer transmitter power Pj, W, >= 0 (0: no jamming, the result is
        :func:`snr_db`).
    jammer_gain_db
        Jammer antenna gain toward the radar Gj, dBi.
    jammer_bandwidth_hz
        Jammer noise bandwidth Bj, Hz.
    jammer_range_m
        Range from the radar to the jammer Rj, m.  ``None`` (default) puts the
        jammer on the target, Rj = R: a self-screening jammer, or an escort flying
        with it.  A number is a stand-off jammer at that range.
    sidelobe_level_db
        Receive gain toward the jammer relative to the mainlobe peak, dB, <= 0:
        0 when the jammer is in the beam (self-screening, or an escort with the
        target), the sidelobe level (for example -30) when it is not.  The radar's
        receive gain toward the jammer is Gr = G + sidelobe_level_db.
    system_temperature_k
        Radar system noise temperature Ts, K, default 290 K.
    loss_db
        Radar system loss L on the echo, dB, default 0 dB, as in :func:`snr_db`.
    jammer_loss_db
        Jammer transmit and path losses Lj, dB, default 0 dB.
    polarisation_loss_db
        Polarisation mismatch on the jamming Lpol, dB, default 0 dB.
    receiver_bandwidth_hz
        Radar noise bandwidth Br, Hz; default 1/τ, the matched-filter bandwidth of
        :func:`snr_db`.  It matters only for a jammer narrower than Br.

    Returns
    -------
    float or numpy.ndarray
        S/(N + J) of one pulse at the output of the matched filter, dB.

    Raises
    ------
    ValueError
        If an input is out of range (see :func:`snr_db` and :func:`jnr_db`), or
        ``sidelobe_level_db`` > 0.

    Notes
    -----
    Barrage noise jamming is white Gaussian noise across the receiver's band, so
    the receiver cannot tell it from thermal noise: the matched filter and any
    coherent integration (pulse compression, coherent pulse trains) gain on the
    signal over N + J exactly as over N alone, and non-coherent integration and
    detection (:func:`detection_probability`) take S/(N + J) in place of the SNR.
    The radar's only advantage over the jammer is the fraction Br/Bj of the
    jammer's power that falls in its band, and the gain pattern.  The loss L
    applies to the echo only; receive losses ahead of the noise reference are in
    Ts, and act on J and S alike (Mahafza's convention).
    """
    inputs: tuple[ArrayLike, ...] = (
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        range_m,
        pulse_width_s,
        jammer_power_w,
        jammer_gain_db,
        jammer_bandwidth_hz,
        sidelobe_level_db,
        system_temperature_k,
        loss_db,
        jammer_loss_db,
        polarisation_loss_db,
    )
    level = _check_sidelobe(sidelobe_level_db)
    snr = _snr_linear(
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        range_m,
        pulse_width_s,
        system_temperature_k,
        loss_db,
    )
    br = (
        1.0 / np.asarray(pulse_width_s, dtype=np.float64)
        if receiver_bandwidth_hz is None
        else receiver_bandwidth_hz
    )
    rj = range_m if jammer_range_m is None else jammer_range_m
    jnr = _jnr_linear(
        jammer_power_w,
        jammer_gain_db,
        jammer_bandwidth_hz,
        rj,
        frequency_hz,
        np.asarray(gain_db, dtype=np.float64) + level,
        br,
        system_temperature_k,
        jammer_loss_db,
        polarisation_loss_db,
    )
    extra = tuple(x for x in (jammer_range_m, receiver_bandwidth_hz) if x is not None)
    return _result(
        np.asarray(10.0 * np.log10(snr / (1.0 + jnr)), dtype=np.float64), *inputs, *extra
    )


def burn_through_range_m(
    peak_power_w: ArrayLike,
    gain_db: ArrayLike,
    frequency_hz: ArrayLike,
    rcs_m2: ArrayLike,
    snr_db: ArrayLike,
    pulse_width_s: ArrayLike,
    *,
    jammer_power_w: ArrayLike,
    jammer_gain_db: ArrayLike,
    jammer_bandwidth_hz: ArrayLike,
    jammer_range_m: ArrayLike | None = None,
    sidelobe_level_db: ArrayLike = 0.0,
    system_temperature_k: ArrayLike = 290.0,
    loss_db: ArrayLike = 0.0,
    jammer_loss_db: ArrayLike = 0.0,
    polarisation_loss_db: ArrayLike = 0.0,
    receiver_bandwidth_hz: ArrayLike | None = None,
) -> float | _RealArray:
    """Burn-through range: the target range at which S/(N + J) rises to ``snr_db``.

    Inside it the radar sees the target through the jamming with at least the
    required single-pulse SNR; beyond it the jamming hides the target.  Both cases
    are exact closed forms of :func:`snr_jammed_db` = ``snr_db``, thermal noise
    included, not only the J ≫ N limit.

    Write s1 = S/N and j1 = J/N at a range of 1 m (the echo scales as R⁻⁴, the
    jamming as Rj⁻²), q = 10^(snr_db/10) the required ratio, and
    R0 = (s1/q)^(1/4) the unjammed detection range (:func:`max_range_m`).

    **Self-screening or escort jammer** (``jammer_range_m=None``: Rj = R, in the
    mainlobe unless ``sidelobe_level_db`` says otherwise).  S/(N + J) =
    s1 / (R⁴ + j1 R²) = q is a quadratic in R²,

        R⁴ + j1 R² - R0⁴ = 0,
        R_bt² = (sqrt(j1² + 4 R0⁴) - j1) / 2 = R0² / (u + sqrt(1 + u²)),
        u = j1 / (2 R0²)   (half the J/N the jammer would give at R0),

    evaluated in the last form, which loses no digits when J ≫ N.  With no jammer
    (u = 0) R_bt = R0; when J ≫ N (u ≫ 1) R_bt² → R0⁴/j1 = s1/(q j1), the
    textbook self-screening burn-through

        R_bt = [Pt τ G σ max(Bj, Br) Lj Lpol / (4π Pj Gj L q 10^(sidelobe/10))]^(1/2),

    in which the wavelength and the noise have cancelled: S/J ∝ R² (Mahafza,
    *Radar Systems Analysis and Design Using MATLAB*, 2nd ed., 2005, ch. 2:
    eq. 2.52 for S = J, eq. 2.54 for the form with noise, as numbered in the book's
    programs ``ssj_req.m`` and ``burn_thru.m``; NAWCWD TP 8347, *Electronic Warfare
    and Radar Systems Engineering Handbook*, rev. 4, 2012, section 4-8).

    **Stand-off jammer** (``jammer_range_m`` = Rj fixed, usually in a sidelobe).
    J/N = j1/Rj² does not change with the target's range, so S/(N + J) =
    s1 / (R⁴ (1 + J/N)) = q gives

        R_bt = R0 (1 + J/N)^(-1/4),

    and when J ≫ N, R_bt⁴ → Pt τ G² σ max(Bj, Br) Lj Lpol Rj² / (4π Pj Gj Gr L q)
    (Mahafza, eq. 2.58 for S = J, program ``soj_req.m``).  The jammer's range and
    power enter only through J/N, under a fourth root.

    Parameters
    ----------
    peak_power_w, gain_db, frequency_hz, rcs_m2, snr_db, pulse_width_s
        The radar, the target and the required single-pulse SNR, as in
        :func:`max_range_m`.
    jammer_power_w, jammer_gain_db, jammer_bandwidth_hz, jammer_range_m,
    sidelobe_level_db, system_temperature_k, loss_db, jammer_loss_db,
    polarisation_loss_db, receiver_bandwidth_hz
        The jammer and its coupling into the radar, as in :func:`snr_jammed_db`.
        The mainlobe or sidelobe enters as Gr = G + ``sidelobe_level_db`` in j1:
        a sidelobe level of -30 dB is worth exactly 30 dB of jammer power.

    Returns
    -------
    float or numpy.ndarray
        Burn-through range, m; :func:`max_range_m` when Pj = 0.

    Raises
    ------
    ValueError
        If an input is out of range (see :func:`snr_jammed_db`).

    Notes
    -----
    The required SNR is that of one pulse, as for :func:`max_range_m`; jamming
    noise is integrated like thermal noise (see :func:`snr_jammed_db`), so the
    SNR from :func:`required_snr_db` for N pulses applies unchanged to S/(N + J).
    """
    inputs: tuple[ArrayLike, ...] = (
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        snr_db,
        pulse_width_s,
        jammer_power_w,
        jammer_gain_db,
        jammer_bandwidth_hz,
        sidelobe_level_db,
        system_temperature_k,
        loss_db,
        jammer_loss_db,
        polarisation_loss_db,
    )
    level = _check_sidelobe(sidelobe_level_db)
    s1 = _snr_linear(
        peak_power_w,
        gain_db,
        frequency_hz,
        rcs_m2,
        1.0,
        pulse_width_s,
        system_temperature_k,
        loss_db,
    )
    required = 10.0 ** (np.asarray(snr_db, dtype=np.float64) / 10.0)
    r0_squared = np.sqrt(s1 / required)
    br = (
        1.0 / np.asarray(pulse_width_s, dtype=np.float64)
        if receiver_bandwidth_hz is None
        else receiver_bandwidth_hz
    )
    rj = 1.0 if jammer_range_m is None else jammer_range_m
    jnr = _jnr_linear(
        jammer_power_w,
        jammer_gain_db,
        jammer_bandwidth_hz,
        rj,
        frequency_hz,
        np.asarray(gain_db, dtype=np.float64) + level,
        br,
        system_temperature_k,
        jammer_loss_db,
        polarisation_loss_db,
    )
    if jammer_range_m is None:
        u = jnr / (2.0 * r0_squared)  # jnr is j1, the J/N at 1 m
        range_squared = r0_squared / (u + np.hypot(1.0, u))
        burn_through = np.sqrt(range_squared)
    else:
        burn_through = np.sqrt(r0_squared) * (1.0 + jnr) ** -0.25
    extra = tuple(x for x in (jammer_range_m, receiver_bandwidth_hz) if x is not None)
    return _result(np.asarray(burn_through, dtype=np.float64), *inputs, *extra)
