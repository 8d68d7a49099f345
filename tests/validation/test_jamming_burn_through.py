"""Noise jamming and burn-through range (`airguard.radar`) against published closed forms.

Sources
-------
[MA2]  B. R. Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 2nd ed.,
       Chapman & Hall/CRC, 2005, ch. 2, radar equation with jamming:
       eq. 2.52, self-screening cross-over range (S = J),
           R_co = [Pt G σ Bj Lj / (4π Pj Gj Br L)]^(1/2);
       eq. 2.54, self-screening burn-through range with thermal noise, written with
       the effective aperture Ar = λ² G / 4π, ERP = Pj Gj / Lj and k T0,
           R_bt² = sqrt(a² + b) - a,  a = ERP Ar / (8π Bj k T0),
                                      b = Pt τ G σ Ar / ((4π)² L SIR k T0);
       eq. 2.58, stand-off cross-over range (S = J), G' the radar gain toward the jammer,
           R_co = [Pt G² σ Bj Lj Rj² / (4π Pj Gj G' Br L)]^(1/4).
       The equations and the example inputs are those of the book's own MATLAB
       programs (`ssj_req.m`, "implements Eq.s (2.50) and Eq. (2.52) ... plot 2.7a";
       `burn_thru.m`, "implements Eq. (254)"; `soj_req.m`, "implements Eqs. (257) and
       (2.58)"; and the drivers of Figs. 2.7, 2.9 and 2.10), read in the public copy
       github.com/Heracle5/Matlab_Radar_Simulation_Source_Code and in other public
       copies of the book's code found by search.  The book prints these examples as
       plots; no printed number was found, so the published values below are the
       book's equations evaluated on the book's inputs, written out in this file in
       the book's own algebraic form (cross-over as S = J; eq. 2.54 with Ar and ERP),
       which differs from airguard's (J/N at 1 m, the scaled root u + sqrt(1 + u²)).
       The book's programs use c = 3e8 m/s and k = 1.38e-23 J/K; here the exact SI
       values are used on both sides, so the tolerance is round-off plus, for the
       cross-over ranges, the N/J that S = J leaves out (stated per test).
[NAW]  NAWCWD TP 8347, *Electronic Warfare and Radar Systems Engineering Handbook*,
       rev. 4, 2012, section 4-8 (burn-through / crossover range): the jamming of a
       self-protection jammer rises 20 dB per decade of range as the target closes,
       the skin return 40 dB per decade, so J/S ∝ R².

Independent checks by construction (no source needed beyond the definitions): at the
burn-through range returned, S/(N + J) equals the required SNR; with no jammer the
burn-through range is the unjammed detection range; in the J ≫ N limit doubling the
jammer power divides the self-screening burn-through by √2 and the stand-off one by
2^(1/4); a -30 dB sidelobe is exactly a jammer 30 dB weaker in the mainlobe; a
pulse-compression receiver wider than 1/τ gains on jamming as on noise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airguard.radar import (
    BOLTZMANN_J_PER_K,
    SPEED_OF_LIGHT_MPS,
    burn_through_range_m,
    jnr_db,
    max_range_m,
    snr_db,
    snr_jammed_db,
)

NMI_M = 1852.0  # international nautical mile, m
T0_K = 290.0  # the book's reference temperature, K
ROUND_OFF_DB = 1e-9  # S/(N + J) at the returned range: round-off only


def _db(x_db: float) -> float:
    return 10.0 ** (x_db / 10.0)


# --- [MA2] worked examples -----------------------------------------------------------


def test_mahafza_self_screening_crossover_fig_2_7() -> None:
    """[MA2] eq. 2.52 with the inputs of Fig. 2.7: the range at which S = J.

    Radar Pt 50 kW, G 35 dB, 5.6 GHz, σ 10 m², B 667 kHz, L 0.1 dB; jammer Pj 200 W,
    Gj 10 dB, Bj 50 MHz, Lj 0.1 dB, on the target.  R_co = 2171.637 m.

    airguard solves S/(N + J) = 1 (0 dB) with the thermal noise included; the book's
    S = J leaves N out.  At 2.17 km J/N = 80.7 dB, so the two differ by
    R N/(2J) = 9 µm; the radar's matched filter is the book's B = 1/τ.
    Tolerance 1 mm.
    """
    pt_w, g_db, f_hz, rcs_m2, b_hz, l_db = 50e3, 35.0, 5.6e9, 10.0, 667e3, 0.1
    pj_w, gj_db, bj_hz, lj_db = 200.0, 10.0, 50e6, 0.1
    published_m = math.sqrt(
        pt_w
        * _db(g_db)
        * rcs_m2
        * bj_hz
        * _db(lj_db)
        / (4.0 * math.pi * pj_w * _db(gj_db) * b_hz * _db(l_db))
    )
    assert published_m == pytest.approx(2171.637, abs=0.001)
    got_m = burn_through_range_m(
        pt_w, g_db, f_hz, rcs_m2, 0.0, 1.0 / b_hz,
        jammer_power_w=pj_w, jammer_gain_db=gj_db, jammer_bandwidth_hz=bj_hz,
        loss_db=l_db, jammer_loss_db=lj_db,
    )  # fmt: skip
    assert got_m == pytest.approx(published_m, abs=1e-3)  # 1 mm


@pytest.mark.parametrize(
    ("erp_w", "expected_m"),
    [
        pytest.param(1.0, 285_837.801, id="ERP-1W"),
        pytest.param(10.0, 169_121.560, id="ERP-10W"),
        pytest.param(100.0, 56_054.722, id="ERP-100W"),
        pytest.param(1000.0, 17_735.674, id="ERP-1kW"),
    ],
)
def test_mahafza_self_screening_burn_through_with_noise_fig_2_9(
    erp_w: float, expected_m: float
) -> None:
    """[MA2] eq. 2.54 with the inputs of Fig. 2.9: burn-through range with thermal noise.

    Radar Pt 50 kW, G 35 dB, 5.6 GHz, τ 0.5 ms, σ 10 m², L 5 dB, T0 290 K, required
    S/(N + J) 15 dB; self-screening jammer of ERP 1 W to 1 kW over Bj 500 MHz.  The
    range falls from 285.8 km (J/N -4.5 dB at that range: noise-limited, near the
    unjammed 308.2 km) to 17.7 km (J/N +49.6 dB: jamming-limited).  The expected
    values are the book's closed form evaluated in the test, and written in the
    parameter list rounded to 1 mm.  (The book's program divides by the loss as a
    ratio, 5, not 5 dB; its documentation says dB, which is used here.)  Tolerance
    1 mm.
    """
    pt_w, g_db, f_hz, rcs_m2, tau_s, l_db, bj_hz, sir_db = (
        50e3, 35.0, 5.6e9, 10.0, 0.5e-3, 5.0, 500e6, 15.0,
    )  # fmt: skip
    wavelength_m = SPEED_OF_LIGHT_MPS / f_hz
    aperture_m2 = wavelength_m**2 * _db(g_db) / (4.0 * math.pi)
    kt0 = BOLTZMANN_J_PER_K * T0_K
    a = erp_w * aperture_m2 / (8.0 * math.pi * bj_hz * kt0)
    b = (
        pt_w * tau_s * _db(g_db) * rcs_m2 * aperture_m2
        / ((4.0 * math.pi) ** 2 * _db(l_db) * _db(sir_db) * kt0)
    )  # fmt: skip
    book_m = math.sqrt(math.sqrt(a * a + b) - a)
    assert book_m == pytest.approx(expected_m, abs=1e-3)
    got_m = burn_through_range_m(
        pt_w, g_db, f_hz, rcs_m2, sir_db, tau_s,
        jammer_power_w=erp_w, jammer_gain_db=0.0, jammer_bandwidth_hz=bj_hz, loss_db=l_db,
    )  # fmt: skip
    assert got_m == pytest.approx(book_m, abs=1e-3)  # 1 mm


def test_mahafza_stand_off_crossover_fig_2_10() -> None:
    """[MA2] eq. 2.58 with the inputs of Fig. 2.10: stand-off jammer in a sidelobe, S = J.

    Radar Pt 5 kW, G 35 dB, 5.6 GHz, σ 10 m², B 667 kHz, L 0.01 dB, receive gain
    toward the jammer G' 10 dB (a sidelobe 25 dB below the mainlobe); jammer Pj 5 kW,
    Gj 30 dB, Bj 50 MHz, Lj 0.3 dB, at Rj = 12 nmi.  R_co = 2369.025 m, against an
    unjammed detection range (0 dB) of 128.2 km.

    airguard solves S/(N + J) = 1 with N included: J/N = 69.3 dB, so the two differ
    by R N/(4J) = 69 µm.  Tolerance 1 mm.
    """
    pt_w, g_db, f_hz, rcs_m2, b_hz, l_db, g_side_db = 5e3, 35.0, 5.6e9, 10.0, 667e3, 0.01, 10.0
    pj_w, gj_db, bj_hz, lj_db, rj_m = 5e3, 30.0, 50e6, 0.3, 12.0 * NMI_M
    published_m = (
        pt_w * _db(2.0 * g_db) * rcs_m2 * bj_hz * _db(lj_db) * rj_m**2
        / (4.0 * math.pi * pj_w * _db(gj_db) * _db(g_side_db) * b_hz * _db(l_db))
    ) ** 0.25  # fmt: skip
    assert published_m == pytest.approx(2369.025, abs=0.001)
    got_m = burn_through_range_m(
        pt_w, g_db, f_hz, rcs_m2, 0.0, 1.0 / b_hz,
        jammer_power_w=pj_w, jammer_gain_db=gj_db, jammer_bandwidth_hz=bj_hz,
        jammer_range_m=rj_m, sidelobe_level_db=g_side_db - g_db,
        loss_db=l_db, jammer_loss_db=lj_db,
    )  # fmt: skip
    assert got_m == pytest.approx(published_m, abs=1e-3)  # 1 mm


def test_self_protection_jamming_to_signal_rises_20_db_per_decade() -> None:
    """[NAW] section 4-8: jamming 20 dB/decade, skin return 40 dB/decade, so J/S ∝ R².

    J/S = (J/N) - (S/N) in dB, from ``jnr_db`` and ``snr_db`` for the Fig. 2.7 radar
    and jammer at 2, 20 and 200 km.  Tolerance 1e-9 dB (round-off).
    """
    ranges_m = np.array([2e3, 20e3, 200e3])
    j_db = jnr_db(200.0, 10.0, 50e6, ranges_m, 5.6e9, 35.0, 667e3, 290.0, 0.1)
    s_db = snr_db(50e3, 35.0, 5.6e9, 10.0, ranges_m, 1.0 / 667e3, 290.0, 0.1)
    np.testing.assert_allclose(np.diff(j_db), [-20.0, -20.0], atol=ROUND_OFF_DB)
    np.testing.assert_allclose(np.diff(s_db), [-40.0, -40.0], atol=ROUND_OFF_DB)
    np.testing.assert_allclose(np.diff(j_db - s_db), [20.0, 20.0], atol=ROUND_OFF_DB)


# --- Checks by construction ----------------------------------------------------------

_radar = st.fixed_dictionaries(
    {
        "peak_power_w": st.floats(1e2, 1e7),
        "gain_db": st.floats(10.0, 45.0),
        "frequency_hz": st.floats(1e8, 1.5e10),
        "rcs_m2": st.floats(1e-3, 1e2),
        "snr_db": st.floats(-10.0, 25.0),
        "pulse_width_s": st.floats(1e-7, 1e-3),
        "system_temperature_k": st.floats(100.0, 3000.0),
        "loss_db": st.floats(0.0, 15.0),
    }
)
_jammer = st.fixed_dictionaries(
    {
        "jammer_power_w": st.floats(1e-3, 1e4),
        "jammer_gain_db": st.floats(-10.0, 30.0),
        "jammer_bandwidth_hz": st.floats(1e5, 2e9),
        "sidelobe_level_db": st.floats(-60.0, 0.0),
        "jammer_loss_db": st.floats(0.0, 10.0),
        "polarisation_loss_db": st.floats(0.0, 3.0),
    }
)


def _jammed_snr_at(
    range_m: float, radar: dict[str, float], jammer: dict[str, float], **kw: float
) -> float:
    args = dict(radar)
    args.pop("snr_db")
    return float(
        snr_jammed_db(
            args.pop("peak_power_w"), args.pop("gain_db"), args.pop("frequency_hz"),
            args.pop("rcs_m2"), range_m, args.pop("pulse_width_s"), **args, **jammer, **kw,
        )
    )  # fmt: skip


def _burn_through(radar: dict[str, float], jammer: dict[str, float], **kw: float) -> float:
    args = dict(radar)
    return float(
        burn_through_range_m(
            args.pop("peak_power_w"), args.pop("gain_db"), args.pop("frequency_hz"),
            args.pop("rcs_m2"), args.pop("snr_db"), args.pop("pulse_width_s"),
            **args, **jammer, **kw,
        )
    )  # fmt: skip


def _unjammed(radar: dict[str, float]) -> float:
    return float(
        max_range_m(
            radar["peak_power_w"], radar["gain_db"], radar["frequency_hz"], radar["rcs_m2"],
            radar["snr_db"], radar["pulse_width_s"], radar["system_temperature_k"],
            radar["loss_db"],
        )
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(radar=_radar, jammer=_jammer)
def test_self_screening_burn_through_gives_the_required_snr(
    radar: dict[str, float], jammer: dict[str, float]
) -> None:
    """Definition: at R_bt with the jammer on the target, S/(N + J) = the required SNR.

    300 random radars and jammers, from noise-limited (J/N ≪ 1 at R_bt) to
    jamming-limited (J/N ≫ 1).  Tolerance 1e-9 dB.
    """
    r_bt = _burn_through(radar, jammer)
    assert _jammed_snr_at(r_bt, radar, jammer) == pytest.approx(radar["snr_db"], abs=ROUND_OFF_DB)
    assert r_bt <= _unjammed(radar) * (1.0 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(radar=_radar, jammer=_jammer, jammer_range_m=st.floats(1e3, 5e5))
def test_stand_off_burn_through_gives_the_required_snr(
    radar: dict[str, float], jammer: dict[str, float], jammer_range_m: float
) -> None:
    """Definition: at R_bt with the jammer at a fixed Rj, S/(N + J) = the required SNR.

    300 random radars, jammers and jammer ranges 1-500 km.  Tolerance 1e-9 dB.
    """
    r_bt = _burn_through(radar, jammer, jammer_range_m=jammer_range_m)
    got_db = _jammed_snr_at(r_bt, radar, jammer, jammer_range_m=jammer_range_m)
    assert got_db == pytest.approx(radar["snr_db"], abs=ROUND_OFF_DB)


@pytest.mark.parametrize("jammer_range_m", [None, 100e3], ids=["self-screening", "stand-off"])
def test_no_jammer_burn_through_is_the_unjammed_detection_range(
    jammer_range_m: float | None,
) -> None:
    """Definition: with Pj = 0, R_bt = ``max_range_m``, and S/(N + J) = ``snr_db``.

    The [MA2] Fig. 2.9 radar at 15 dB: 308 158.124 m.  Tolerance 1e-9 relative.
    """
    pt_w, g_db, f_hz, rcs_m2, tau_s, l_db, sir_db = 50e3, 35.0, 5.6e9, 10.0, 0.5e-3, 5.0, 15.0
    unjammed_m = max_range_m(pt_w, g_db, f_hz, rcs_m2, sir_db, tau_s, 290.0, l_db)
    got_m = burn_through_range_m(
        pt_w, g_db, f_hz, rcs_m2, sir_db, tau_s,
        jammer_power_w=0.0, jammer_gain_db=0.0, jammer_bandwidth_hz=500e6,
        jammer_range_m=jammer_range_m, loss_db=l_db,
    )  # fmt: skip
    assert got_m == pytest.approx(unjammed_m, rel=1e-9)
    jammed_db = snr_jammed_db(
        pt_w, g_db, f_hz, rcs_m2, 50e3, tau_s,
        jammer_power_w=0.0, jammer_gain_db=0.0, jammer_bandwidth_hz=500e6,
        jammer_range_m=jammer_range_m, loss_db=l_db,
    )  # fmt: skip
    assert jammed_db == pytest.approx(
        snr_db(pt_w, g_db, f_hz, rcs_m2, 50e3, tau_s, 290.0, l_db), abs=1e-12
    )


def test_doubling_jammer_power_self_screening_divides_burn_through_by_sqrt_2() -> None:
    """J ≫ N: R_bt² = s1/(q j1), so twice the jammer power gives R_bt / √2.

    The [MA2] Fig. 2.9 radar against a 1 MW-ERP jammer (J/N = +110 dB at R_bt =
    561 m): the ratio is 1/√2 to within 1e-11.  Tolerance 1e-7 relative.
    """
    common = {"jammer_gain_db": 0.0, "jammer_bandwidth_hz": 500e6, "loss_db": 5.0}
    r1 = burn_through_range_m(50e3, 35.0, 5.6e9, 10.0, 15.0, 0.5e-3, jammer_power_w=1e6, **common)
    r2 = burn_through_range_m(50e3, 35.0, 5.6e9, 10.0, 15.0, 0.5e-3, jammer_power_w=2e6, **common)
    assert r2 / r1 == pytest.approx(1.0 / math.sqrt(2.0), rel=1e-7)


def test_doubling_jammer_power_stand_off_divides_burn_through_by_fourth_root_of_2() -> None:
    """J ≫ N: R_bt = R0 (1 + J/N)^(-1/4), so twice the power gives R_bt / 2^(1/4).

    The [MA2] Fig. 2.10 radar and stand-off jammer (J/N = 69.3 dB): the ratio is
    2^(-1/4) to within N/(8J) ≈ 1.5e-8.  Tolerance 1e-7 relative.
    """
    common = {
        "jammer_gain_db": 30.0,
        "jammer_bandwidth_hz": 50e6,
        "jammer_range_m": 12.0 * NMI_M,
        "sidelobe_level_db": -25.0,
        "loss_db": 0.01,
        "jammer_loss_db": 0.3,
    }
    r1 = burn_through_range_m(
        5e3, 35.0, 5.6e9, 10.0, 0.0, 1.0 / 667e3, jammer_power_w=5e3, **common
    )
    r2 = burn_through_range_m(
        5e3, 35.0, 5.6e9, 10.0, 0.0, 1.0 / 667e3, jammer_power_w=10e3, **common
    )
    assert r2 / r1 == pytest.approx(2.0**-0.25, rel=1e-7)


@pytest.mark.parametrize("jammer_range_m", [None, 150e3], ids=["escort-in-sidelobe", "stand-off"])
def test_sidelobe_30_db_down_is_a_jammer_30_db_weaker_in_the_mainlobe(
    jammer_range_m: float | None,
) -> None:
    """Gr = G + sidelobe level enters J only: -30 dB sidelobe == Pj / 1000 in the mainlobe.

    An S-band search radar (1 MW, 38 dB, 3 GHz, 100 µs, 5 m², 13 dB; 1058 km
    unjammed) against a 1 kW, 15 dBi barrage jammer over 200 MHz: 281 km with the
    jammer at the target's range in a -30 dB sidelobe (an escort off the beam; 8.9 km
    in the mainlobe), 206 km from 150 km stand-off (36.6 km in the mainlobe).
    Tolerance 1e-9 relative.
    """
    radar = (1e6, 38.0, 3e9, 5.0, 13.0, 100e-6)
    common = {
        "jammer_gain_db": 15.0,
        "jammer_bandwidth_hz": 200e6,
        "jammer_range_m": jammer_range_m,
    }
    in_sidelobe = burn_through_range_m(
        *radar, jammer_power_w=1e3, sidelobe_level_db=-30.0, **common
    )
    weaker = burn_through_range_m(*radar, jammer_power_w=1.0, sidelobe_level_db=0.0, **common)
    assert in_sidelobe == pytest.approx(weaker, rel=1e-9)


def test_jammer_bandwidth_spreads_power_and_a_narrow_jammer_is_all_in_band() -> None:
    """J/N ∝ 1/max(Bj, Br): ten times the jammer band is -10 dB; below Br nothing changes.

    Receiver 1 MHz; jammer over 10 MHz, 1 MHz and 0.1 MHz (a spot narrower than the
    receiver puts all its power in band).  Tolerance 1e-9 dB.
    """
    bands_hz = np.array([10e6, 1e6, 0.1e6])
    got = jnr_db(100.0, 10.0, bands_hz, 50e3, 3e9, 30.0, 1e6)
    np.testing.assert_allclose(got - got[1], [-10.0, 0.0, 0.0], atol=ROUND_OFF_DB)


def test_pulse_compression_gains_on_jamming_as_on_noise() -> None:
    """Barrage jamming is noise to the matched filter: S/(N + J) does not depend on Br ≤ Bj.

    A 100 µs pulse compressed from 10 kHz (uncoded, 1/τ) to 1 MHz and 10 MHz of
    bandwidth, against a 50 MHz barrage: S/(N + J) is the same, because the
    compression gain τ Br applies to the echo over the jamming density as over the
    noise density.  Tolerance 1e-9 dB.
    """
    got = [
        snr_jammed_db(
            1e6,
            38.0,
            3e9,
            5.0,
            120e3,
            100e-6,
            jammer_power_w=500.0,
            jammer_gain_db=10.0,
            jammer_bandwidth_hz=50e6,
            receiver_bandwidth_hz=br_hz,
        )
        for br_hz in (None, 1e6, 10e6)
    ]
    np.testing.assert_allclose(got, got[0], atol=ROUND_OFF_DB)


def test_positive_sidelobe_level_and_negative_jammer_power_are_refused() -> None:
    """API contract: a sidelobe above the mainlobe and a negative jammer power are errors."""
    radar = (1e6, 38.0, 3e9, 5.0, 13.0, 100e-6)
    jammer = {"jammer_gain_db": 15.0, "jammer_bandwidth_hz": 200e6}
    with pytest.raises(ValueError, match="sidelobe_level_db"):
        burn_through_range_m(*radar, jammer_power_w=1e3, sidelobe_level_db=3.0, **jammer)
    with pytest.raises(ValueError, match="jammer_power_w"):
        burn_through_range_m(*radar, jammer_power_w=-1.0, **jammer)
    with pytest.raises(ValueError, match="jammer_range_m"):
        jnr_db(1e3, 15.0, 200e6, 0.0, 3e9, 38.0, 1e6)
