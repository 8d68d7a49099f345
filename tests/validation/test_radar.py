"""airguard's radar calculators against published values and published closed forms.

Sources
-------
[MW]   MathWorks, Radar Toolbox documentation, reference pages of ``radareqsnr``,
       ``radareqrng`` and ``radareqpow`` (R2021a and later), worked examples with
       their printed results.  These use the same monostatic range equation
       with noise bandwidth 1/tau and the default system temperature 290 K.
[R]    M. A. Richards, *Fundamentals of Radar Signal Processing*, 2nd ed.,
       McGraw-Hill, 2014, section 6.3 (eqs. 6.79-6.108 and the text between them).
[MA]   B. R. Mahafza and A. Z. Elsherbeni, *MATLAB Simulations for Radar Systems
       Design*, CRC, 2004, section 2.6 (exact Swerling formulas, eqs. 2.75-2.84).
[FS]   Federal Standard 1037C, *Telecommunications: Glossary of
       Telecommunication Terms*, 1996, entry "radio horizon range".
[SDR]  M. Hostetter, ``sdr`` Python package documentation, ``sdr.min_snr``
       example output (another implementation, not a textbook).

The closed forms of [MA]/[R] are written out in this file from the books'
equations; airguard computes P_D by a different route (a negative-binomial
series, see ``detection_probability``), so agreement is a real check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from airguard.radar import (
    albersheim_snr_db,
    detection_probability,
    horizon_range_m,
    max_range_m,
    required_snr_db,
    snr_db,
)

NMI_M = 1852.0  # international nautical mile, m
FT_M = 0.3048  # international foot, m


def _threshold(pulses: int, pfa: float) -> float:
    """V_T from Pfa = 1 - Gamma_I(V_T, N) ([R] eq. 6.79)."""
    return float(special.gammainccinv(pulses, pfa))


def _gamma_i(x: float, m: float) -> float:
    """[MA]'s incomplete gamma function Gamma_I(x, M) = P(M, x), regularised lower."""
    return float(special.gammainc(m, x))


# --- (a) range equation: worked examples with printed results ------------------------


def test_radareqsnr_example_1ghz_50km() -> None:
    """[MW] radareqsnr, example 1: 1 GHz, 1 MW, 0.2 µs, 20 dB gain, 1 m², 50 km, 290 K.

    Printed result: ``snr = 5.5868`` dB.  Tolerance 0.001 dB (printed to 1e-4 dB;
    MATLAB's Boltzmann constant 1.38064852e-23 differs from the exact SI value
    by 1e-6 dB).
    """
    got = snr_db(1e6, 20.0, 1.0e9, 1.0, 50e3, 0.2e-6)
    assert got == pytest.approx(5.5868, abs=0.001)  # dB


def test_radareqsnr_example_10ghz_100km_with_loss() -> None:
    """[MW] radareqsnr, example 2: 10 GHz, 1 MW, 1 µs, 40 dB, 0.5 m², 100 km, 300 K, 3 dB loss.

    Printed result: ``snr = 14.3778`` dB.  Tolerance 0.001 dB.
    """
    got = snr_db(1e6, 40.0, 10.0e9, 0.5, 100e3, 1e-6, 300.0, 3.0)
    assert got == pytest.approx(14.3778, abs=0.001)  # dB


def test_radareqrng_example_10ghz_default_gain() -> None:
    """[MW] radareqrng, example 1: 10 GHz, SNR 6 dB, 1 MW, 10 µs, 20 dB gain, 1 m², 290 K.

    Printed result: ``maxrng = 4.1057e+04`` m.  Tolerance 10 m (last printed digit).
    """
    got = max_range_m(1e6, 20.0, 10.0e9, 1.0, 6.0, 10e-6)
    assert got == pytest.approx(4.1057e4, abs=10.0)  # m


def test_radareqrng_example_gain_rcs_loss() -> None:
    """[MW] radareqrng, example 2: as example 1 with 40 dB gain, 0.1 m² and 3 dB loss.

    Printed result: ``maxrng2 = 1.9426e+05`` m.  Tolerance 100 m (last printed digit).
    """
    got = max_range_m(1e6, 40.0, 10.0e9, 0.1, 6.0, 10e-6, 290.0, 3.0)
    assert got == pytest.approx(1.9426e5, abs=100.0)  # m


def test_radareqpow_example_required_power_gives_10_db() -> None:
    """[MW] radareqpow, example 2: 10 GHz, 50 km, 1 µs, 30 dB, 0.5 m², 300 K, 3 dB loss, 10 dB.

    Printed result: ``Pt = 2.2809e+06`` W for SNR 10 dB; fed back through the
    range equation it must give 10 dB.  Tolerance 0.001 dB (the five printed
    digits of Pt are good to 1e-4 dB).
    """
    got = snr_db(2.2809e6, 30.0, 10.0e9, 0.5, 50e3, 1e-6, 300.0, 3.0)
    assert got == pytest.approx(10.0, abs=0.001)  # dB


# --- (b) detection: published required-SNR numbers -----------------------------------


def test_richards_steady_target_one_pulse_pfa_1e8() -> None:
    """[R] text after eq. 6.86: steady target, square law, Pd 0.9, Pfa 1e-8, N = 1: 14.2 dB.

    "For N = 1, this is 14.2 dB".  Tolerance 0.05 dB (printed to 0.1 dB).
    """
    assert required_snr_db(0.9, 1e-8, 1, 0) == pytest.approx(14.2, abs=0.05)  # dB


def test_richards_steady_target_ten_pulses_pfa_1e8() -> None:
    """[R] text after eq. 6.86: the same with N = 10 pulses integrated non-coherently: 6.1 dB.

    "for N = 10, it drops to 6.1 dB, a reduction of 8.1 dB".  Tolerance 0.05 dB.
    """
    assert required_snr_db(0.9, 1e-8, 10, 0) == pytest.approx(6.1, abs=0.05)  # dB


def test_sdr_min_snr_example_steady_target_pfa_1e6() -> None:
    """[SDR] ``sdr.min_snr(0.9, 1e-6, detector="square-law")`` prints 13.183490056794499 dB.

    Tolerance 1e-6 dB: both are exact computations of the same quantity.
    """
    assert required_snr_db(0.9, 1e-6, 1, 0) == pytest.approx(13.183490056794499, abs=1e-6)  # dB


def test_swerling1_single_pulse_pd09_pfa1e6() -> None:
    """[MA] eq. 2.75 with Pfa = exp(-V_T) ([R] eq. 6.81): Pd = exp(-V_T / (1 + SNR)).

    Solved: SNR = ln(Pfa)/ln(Pd) - 1 = 130.12, i.e. 21.14 dB for Pd 0.9, Pfa 1e-6.
    Tolerance 0.01 dB.
    """
    published_db = 10.0 * math.log10(math.log(1e-6) / math.log(0.9) - 1.0)
    assert published_db == pytest.approx(21.14, abs=0.005)
    assert required_snr_db(0.9, 1e-6, 1, 1) == pytest.approx(published_db, abs=0.01)  # dB


def test_albersheim_against_richards_one_pulse() -> None:
    """Albersheim's equation ([R] eq. 6.87) is stated good to 0.2 dB; [R] gives 14.2 dB exact.

    Pd 0.9, Pfa 1e-8, N = 1 (linear and square-law detection coincide for one
    pulse).  Tolerance 0.2 dB (Albersheim's stated accuracy) + 0.05 dB (rounding of 14.2).
    """
    assert albersheim_snr_db(0.9, 1e-8, 1) == pytest.approx(14.2, abs=0.25)  # dB


def test_albersheim_stated_accuracy_one_pulse() -> None:
    """Albersheim (Proc. IEEE 69(7), 1981; [R] section 6.3.3): error < 0.2 dB.

    Checked against the exact result for N = 1, where linear and square-law
    detectors coincide, over 1e-7 <= Pfa <= 1e-3 and 0.4 <= Pd <= 0.9.  The
    stated range goes down to Pd = 0.1, but there the claim does not hold
    (up to 4.1 dB at Pd 0.1, Pfa 1e-3; see docs/validation.md).
    """
    for pd in (0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        for pfa in (1e-7, 1e-6, 1e-5, 1e-4, 1e-3):
            exact = required_snr_db(pd, pfa, 1, 0)
            assert albersheim_snr_db(pd, pfa, 1) == pytest.approx(exact, abs=0.2)  # dB


# --- (b) detection: published closed forms for fluctuating targets, N > 1 ----------------


def test_swerling1_ten_pulses_difranco_rubin_closed_form() -> None:
    """[MA] eq. 2.76 ([R] eq. 6.99), Swerling 1, N = 10, Pfa 1e-6, per-pulse SNR 13.5 dB.

    Pd = 1 - Gamma_I(V_T, N-1) + (1 + 1/(N SNR))^(N-1)
         Gamma_I(V_T / (1 + 1/(N SNR)), N-1) exp(-V_T / (1 + N SNR)).
    Tolerance 1e-9 in probability.
    """
    n, pfa, snr = 10, 1e-6, 10.0**1.35
    v_t = _threshold(n, pfa)
    r = 1.0 + 1.0 / (n * snr)
    published = (
        1.0
        - _gamma_i(v_t, n - 1)
        + r ** (n - 1) * _gamma_i(v_t / r, n - 1) * math.exp(-v_t / (1.0 + n * snr))
    )
    assert published == pytest.approx(0.9, abs=0.01)
    assert detection_probability(13.5, pfa, n, 1) == pytest.approx(published, abs=1e-9)


def test_swerling2_ten_pulses_meyer_mayer_closed_form() -> None:
    """[MA] eq. 2.77 ([R] eq. 6.107), Swerling 2, N = 10, Pfa 1e-6, per-pulse SNR 6.3 dB.

    Pd = 1 - Gamma_I(V_T / (1 + SNR), N).  Tolerance 1e-9 in probability.
    """
    n, pfa, snr = 10, 1e-6, 10.0**0.63
    published = 1.0 - _gamma_i(_threshold(n, pfa) / (1.0 + snr), n)
    assert published == pytest.approx(0.9, abs=0.01)
    assert detection_probability(6.3, pfa, n, 2) == pytest.approx(published, abs=1e-9)


def test_swerling3_two_pulses_marcum_closed_form() -> None:
    """[MA] eq. 2.81 (Marcum's exact result for N = 1, 2), Swerling 3, N = 2, Pfa 1e-6, 12 dB.

    Pd = exp(-V_T/(1 + N SNR/2)) (1 + 2/(N SNR))^(N-2)
         [1 + V_T/(1 + N SNR/2) - 2 (N-2)/(N SNR)].
    Tolerance 1e-9 in probability.
    """
    n, pfa, snr = 2, 1e-6, 10.0**1.2
    v_t = _threshold(n, pfa)
    k0 = 1.0 + v_t / (1.0 + n * snr / 2.0) - 2.0 * (n - 2) / (n * snr)
    published = math.exp(-v_t / (1.0 + n * snr / 2.0)) * (1.0 + 2.0 / (n * snr)) ** (n - 2) * k0
    assert 0.5 < published < 0.99
    assert detection_probability(12.0, pfa, n, 3) == pytest.approx(published, abs=1e-9)


def test_swerling4_ten_pulses_closed_form() -> None:
    """[MA] eqs. 2.83-2.84, Swerling 4, N = 10, Pfa 1e-6, per-pulse SNR 5.8 dB.

    Pd = 1 - [sum_i C(N, i) (SNR/2)^i gamma_i] / (1 + SNR/2)^N,
    gamma_i = Gamma_I(V_T / (1 + SNR/2), N + i).  Tolerance 1e-9 in probability.
    """
    n, pfa, snr = 10, 1e-6, 10.0**0.58
    v_t = _threshold(n, pfa)
    total = sum(
        math.comb(n, i) * (snr / 2.0) ** i * _gamma_i(v_t / (1.0 + snr / 2.0), n + i)
        for i in range(n + 1)
    )
    published = 1.0 - total / (1.0 + snr / 2.0) ** n
    assert published == pytest.approx(0.9, abs=0.01)
    assert detection_probability(5.8, pfa, n, 4) == pytest.approx(published, abs=1e-9)


# --- (b) detection: limiting identities ----------------------------------------------


def test_swerling1_and_2_coincide_for_one_pulse() -> None:
    """[R] text after eq. 6.107: "When N = 1 ... the Swerling 1 and 2 cases ... [give] the same".

    Checked from -10 dB to 30 dB at Pfa 1e-6; tolerance 1e-12 in probability.
    """
    snr = np.linspace(-10.0, 30.0, 41)
    case1 = detection_probability(snr, 1e-6, 1, 1)
    case2 = detection_probability(snr, 1e-6, 1, 2)
    np.testing.assert_allclose(case1, case2, rtol=0.0, atol=1e-12)


def test_swerling3_and_4_coincide_for_one_pulse() -> None:
    """[R] text after eq. 6.108: for N = 1 the Swerling 3 and 4 results are the same.

    Checked from -10 dB to 30 dB at Pfa 1e-6; tolerance 1e-12 in probability.
    """
    snr = np.linspace(-10.0, 30.0, 41)
    case3 = detection_probability(snr, 1e-6, 1, 3)
    case4 = detection_probability(snr, 1e-6, 1, 4)
    np.testing.assert_allclose(case3, case4, rtol=0.0, atol=1e-12)


def test_detection_probability_tends_to_pfa_without_signal() -> None:
    """[R] eqs. 6.79 and 6.86: with no signal the detection statistic is noise alone, Pd = Pfa.

    All five models, N = 1 and 10, Pfa 1e-6 and 1e-3, at SNR = -inf and at
    -60 dB; tolerance 1e-3 of Pfa.
    """
    for swerling in range(5):
        for n in (1, 10):
            for pfa in (1e-6, 1e-3):
                assert detection_probability(-np.inf, pfa, n, swerling) == pytest.approx(
                    pfa, rel=1e-9
                )
                assert detection_probability(-60.0, pfa, n, swerling) == pytest.approx(
                    pfa, rel=1e-3
                )


# --- (c) the inverse -------------------------------------------------------------------


def test_required_snr_round_trip() -> None:
    """required_snr_db is the inverse of detection_probability (property of the pair).

    Every model, N in {1, 3, 30}, Pd in {0.1, 0.5, 0.9, 0.999}, Pfa 1e-6:
    detection_probability at the returned SNR equals Pd to 1e-9.
    """
    for swerling in range(5):
        for n in (1, 3, 30):
            for pd in (0.1, 0.5, 0.9, 0.999):
                s = required_snr_db(pd, 1e-6, n, swerling)
                assert detection_probability(s, 1e-6, n, swerling) == pytest.approx(pd, abs=1e-9)


# --- (d) radio horizon -------------------------------------------------------------------


def test_horizon_fs1037c_30_m_antenna_surface_target() -> None:
    """[FS]: R_nmi = 2.23 (sqrt(h_t) + sqrt(h_r)), heights in metres, 4/3 Earth.

    30 m antenna, target on the surface: 2.23 sqrt(30) = 12.214 nmi = 22.62 km.
    The coefficient is printed to three figures (0.2 %) and [FS] says second-order
    terms of 0.1 % are neglected: tolerance 0.5 %, 113 m.
    """
    published_m = 2.23 * math.sqrt(30.0) * NMI_M
    assert horizon_range_m(30.0) == pytest.approx(published_m, abs=113.0)  # m


def test_horizon_fs1037c_10_m_antenna_100_m_target() -> None:
    """[FS]: R_nmi = 1.23 (sqrt(h_t) + sqrt(h_r)), heights in feet, 4/3 Earth.

    10 m (32.8 ft) antenna, 100 m (328.1 ft) target: 29.32 nmi = 54.31 km.
    Tolerance 0.5 % (three-figure coefficient and neglected 0.1 %), 272 m.
    """
    published_m = 1.23 * (math.sqrt(10.0 / FT_M) + math.sqrt(100.0 / FT_M)) * NMI_M
    assert horizon_range_m(10.0, 100.0) == pytest.approx(published_m, abs=272.0)  # m
