"""API contract of airguard.radar: scalars in give floats, arrays broadcast, bad input raises.

Physical correctness is checked against published values in
tests/validation/test_radar.py; these tests pin the calling conventions.
"""

from __future__ import annotations

import numpy as np
import pytest

from airguard.radar import (
    albersheim_snr_db,
    detection_probability,
    horizon_range_m,
    max_range_m,
    required_snr_db,
    snr_db,
)


def test_scalars_give_floats() -> None:
    """Every calculator returns a Python float when all its inputs are scalars."""
    assert isinstance(snr_db(1e6, 30.0, 3e9, 1.0, 100e3, 1e-6), float)
    assert isinstance(max_range_m(1e6, 30.0, 3e9, 1.0, 13.0, 1e-6), float)
    assert isinstance(detection_probability(13.0, 1e-6), float)
    assert isinstance(detection_probability(13.0, 1e-6, 10, 4), float)
    assert isinstance(required_snr_db(0.9, 1e-6), float)
    assert isinstance(albersheim_snr_db(0.9, 1e-6), float)
    assert isinstance(horizon_range_m(10.0), float)


def test_snr_db_broadcasts_range_against_rcs() -> None:
    """A column of ranges and a row of RCS values give the (ranges, RCS) table of SNRs."""
    range_m = np.array([[50e3], [100e3], [200e3]])
    rcs_m2 = np.array([0.1, 1.0, 10.0, 100.0])
    table = snr_db(1e6, 30.0, 3e9, rcs_m2, range_m, 1e-6)
    assert isinstance(table, np.ndarray)
    assert table.shape == (3, 4)
    # Each element equals the scalar call: 40 log10 in range, 10 log10 in RCS.
    assert table[1, 2] == pytest.approx(snr_db(1e6, 30.0, 3e9, 10.0, 100e3, 1e-6), abs=1e-12)
    np.testing.assert_allclose(table[1] - table[0], -40.0 * np.log10(2.0), atol=1e-12)
    np.testing.assert_allclose(np.diff(table, axis=1), 10.0, atol=1e-12)


def test_max_range_inverts_snr_db_elementwise() -> None:
    """max_range_m at the SNR snr_db gives for a range returns that range, element by element."""
    range_m = np.array([10e3, 75e3, 300e3])
    loss_db = np.array([0.0, 3.0, 6.0])
    snr = snr_db(2e5, 35.0, 9.5e9, 2.0, range_m, 5e-6, 450.0, loss_db)
    back = max_range_m(2e5, 35.0, 9.5e9, 2.0, snr, 5e-6, 450.0, loss_db)
    np.testing.assert_allclose(back, range_m, rtol=1e-12)


def test_detection_probability_broadcasts_snr_pfa_and_pulses() -> None:
    """SNR (column) x Pfa (row) x pulses (scalar) broadcasts to a 2-D array of Pd."""
    snr = np.array([[0.0], [10.0], [20.0]])
    pfa = np.array([1e-8, 1e-6, 1e-4])
    pd = detection_probability(snr, pfa, 4, 2)
    assert isinstance(pd, np.ndarray)
    assert pd.shape == (3, 3)
    assert pd[2, 1] == pytest.approx(detection_probability(20.0, 1e-6, 4, 2), abs=1e-14)
    # Pd grows with SNR and with Pfa.
    assert np.all(np.diff(pd, axis=0) > 0.0)
    assert np.all(np.diff(pd, axis=1) > 0.0)


def test_detection_probability_accepts_an_array_of_pulse_counts() -> None:
    """Pulse counts may be an array; more pulses at the same per-pulse SNR detect better."""
    pulses = np.array([1, 2, 5, 10, 100])
    pd = detection_probability(5.0, 1e-6, pulses, 0)
    assert isinstance(pd, np.ndarray)
    assert pd.shape == (5,)
    assert np.all(np.diff(pd) > 0.0)


def test_required_snr_db_broadcasts() -> None:
    """required_snr_db accepts arrays and returns the broadcast shape."""
    pd = np.array([0.5, 0.9])
    pulses = np.array([[1], [10]])
    snr = required_snr_db(pd, 1e-6, pulses, 1)
    assert isinstance(snr, np.ndarray)
    assert snr.shape == (2, 2)
    assert snr[1, 0] == pytest.approx(required_snr_db(0.5, 1e-6, 10, 1), abs=1e-9)


def test_albersheim_broadcasts() -> None:
    """albersheim_snr_db broadcasts Pd, Pfa and N."""
    snr = albersheim_snr_db(np.array([0.5, 0.9]), np.array([[1e-6], [1e-4]]), 10)
    assert isinstance(snr, np.ndarray)
    assert snr.shape == (2, 2)


def test_horizon_broadcasts_and_accepts_earth_radius() -> None:
    """horizon_range_m broadcasts heights and takes k and earth_radius_m by keyword."""
    d = horizon_range_m(np.array([5.0, 10.0, 20.0]), np.array([[0.0], [1000.0]]))
    assert isinstance(d, np.ndarray)
    assert d.shape == (2, 3)
    # With k = 1 and a unit-free check: d = sqrt(2 R h + h^2) exactly.
    assert horizon_range_m(100.0, k=1.0, earth_radius_m=6.4e6) == pytest.approx(
        np.sqrt(2.0 * 6.4e6 * 100.0 + 100.0**2), rel=1e-15
    )


_INVALID_CALLS = {
    "negative_power": (lambda: snr_db(-1.0, 30.0, 3e9, 1.0, 1e5, 1e-6), "peak_power_w"),
    "zero_range": (lambda: snr_db(1e6, 30.0, 3e9, 1.0, np.array([1e5, 0.0]), 1e-6), "range_m"),
    "zero_frequency": (lambda: max_range_m(1e6, 30.0, 0.0, 1.0, 13.0, 1e-6), "frequency_hz"),
    "pfa_above_one": (lambda: detection_probability(10.0, 1.5), "pfa"),
    "fractional_pulses": (lambda: detection_probability(10.0, 1e-6, 2.5), "pulses"),
    "zero_pulses": (lambda: detection_probability(10.0, 1e-6, 0), "pulses"),
    "swerling_5": (lambda: detection_probability(10.0, 1e-6, 1, 5), "swerling"),
    "pd_below_pfa": (lambda: required_snr_db(1e-7, 1e-6), "pd must exceed pfa"),
    "pd_one": (lambda: required_snr_db(1.0, 1e-6), "pd"),
    "albersheim_pfa_zero": (lambda: albersheim_snr_db(0.9, 0.0), "pfa"),
    "albersheim_undefined": (lambda: albersheim_snr_db(0.01, 0.1), "undefined"),
    "negative_height": (lambda: horizon_range_m(-1.0), "heights"),
}


@pytest.mark.parametrize(
    ("call", "message"), list(_INVALID_CALLS.values()), ids=list(_INVALID_CALLS)
)
def test_invalid_input_raises_value_error(call: object, message: str) -> None:
    """Out-of-domain inputs raise ValueError naming the offending argument."""
    assert callable(call)
    with pytest.raises(ValueError, match=message):
        call()
