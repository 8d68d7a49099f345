"""`airguard.c2.evaluate_threat`: where it is exported, what it returns, what it refuses.

The numbers it computes are checked against closed forms and pymap3d in
tests/validation/test_threat_evaluation.py; here only the API contract of its
docstring: position and velocity (3,) finite, asset positions (A, 3), radii and
values (A,), values > 0.  Errors must name the argument that was wrong (house style).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import airguard.c2
from airguard.c2 import ThreatAssessment, evaluate_threat
from airguard.c2 import evaluation as evaluation_module

A_M = 6_378_137.0  # WGS84 equatorial radius, NIMA TR8350.2 Table 3.1
GOOD = {
    "position_m": [A_M + 30_000.0, 0.0, 0.0],
    "velocity_mps": [-2_000.0, 0.0, 0.0],
    "ballistic": True,
    "asset_positions_m": [[A_M, 0.0, 0.0], [A_M, 20_000.0, 0.0]],
    "asset_radii_m": [2_000.0, 2_000.0],
    "asset_values": [1.0, 2.0],
}


def _call(**changes):
    return evaluate_threat(**{**GOOD, **changes})


# --- export and shape of the result ------------------------------------------------------


def test_evaluate_threat_is_exported_from_c2():
    assert "evaluate_threat" in airguard.c2.__all__
    assert "ThreatAssessment" in airguard.c2.__all__
    assert airguard.c2.evaluate_threat is evaluation_module.evaluate_threat


def test_ballistic_assessment_carries_an_impact_point():
    got = _call()
    assert isinstance(got, ThreatAssessment)
    assert isinstance(got.asset, int)
    assert isinstance(got.time_to_go_s, float)
    assert isinstance(got.priority, float)
    assert isinstance(got.impact_point_m, np.ndarray)
    assert got.impact_point_m.shape == (3,)
    assert got.impact_point_m.dtype == np.float64


def test_air_breathing_assessment_has_no_impact_point():
    got = _call(ballistic=False, velocity_mps=[-250.0, 0.0, 0.0])
    assert got.impact_point_m is None


def test_assessment_is_frozen():
    got = _call()
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.asset = 1  # type: ignore[misc]


def test_fall_beyond_twenty_minutes_has_infinite_time_to_go_and_no_impact_point():
    """Rising at 6 km/s from 100 km: under g = 9.5 m/s² the fall would take ≈ 1260 s, past
    the 1200 s prediction horizon of the module, so the time to go is inf and nothing is
    threatened (priority 0)."""
    got = _call(position_m=[A_M + 100_000.0, 0.0, 0.0], velocity_mps=[6_000.0, 0.0, 0.0])
    assert got.asset == -1
    assert math.isinf(got.time_to_go_s)
    assert got.priority == 0.0
    assert got.impact_point_m is None


def test_stationary_air_breathing_track_never_arrives():
    got = _call(ballistic=False, velocity_mps=[0.0, 0.0, 0.0])
    assert got.asset == -1
    assert math.isinf(got.time_to_go_s)
    assert got.priority == 0.0


def test_lists_and_arrays_are_accepted_alike():
    from_lists = _call()
    from_arrays = _call(
        **{k: np.asarray(v, dtype=float) for k, v in GOOD.items() if k != "ballistic"}
    )
    assert from_arrays.asset == from_lists.asset
    assert from_arrays.time_to_go_s == from_lists.time_to_go_s
    assert from_arrays.priority == from_lists.priority
    assert np.array_equal(from_arrays.impact_point_m, from_lists.impact_point_m)


# --- input errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"position_m": [A_M, 0.0]}, "position_m", id="position-of-2"),
        pytest.param({"velocity_mps": [1.0, 2.0, 3.0, 4.0]}, "velocity_mps", id="velocity-of-4"),
        pytest.param({"position_m": [np.nan, 0.0, 0.0]}, "finite", id="position-nan"),
        pytest.param({"velocity_mps": [0.0, np.inf, 0.0]}, "finite", id="velocity-inf"),
        pytest.param({"asset_radii_m": [2_000.0]}, "asset", id="one-radius-for-two-assets"),
        pytest.param({"asset_values": [1.0, 2.0, 3.0]}, "asset", id="three-values-for-two-assets"),
        pytest.param(
            {"asset_positions_m": np.zeros((0, 3)), "asset_radii_m": [], "asset_values": []},
            "A >= 1",
            id="no-assets",
        ),
        pytest.param({"asset_values": [1.0, 0.0]}, "asset_values", id="zero-value"),
        pytest.param({"asset_values": [-1.0, 2.0]}, "asset_values", id="negative-value"),
        # mixed lengths, wrong shapes and non-finite assets (once accepted or refused unclearly)
        pytest.param(
            {"position_m": [A_M, 0.0], "velocity_mps": [0.0, -2_000.0, 0.0, 0.0]},
            "position_m",
            id="position-of-2-with-velocity-of-4",
        ),
        pytest.param(
            {"position_m": [[A_M + 30_000.0], [0.0], [0.0]]},
            "position_m",
            id="position-as-column",
        ),
        pytest.param(
            {"position_m": A_M},
            "position_m",
            id="position-scalar",
        ),
        pytest.param(
            {"asset_positions_m": np.zeros((3, 2))},
            "asset_positions_m",
            id="asset-positions-3x2",
        ),
        pytest.param(
            {"asset_positions_m": np.zeros((2, 2))},
            "asset_positions_m",
            id="asset-positions-2x2",
        ),
        pytest.param(
            {"asset_positions_m": [[A_M, 0.0, 0.0], [np.nan, 0.0, 0.0]]},
            "asset_positions_m",
            id="asset-position-nan",
        ),
        pytest.param(
            {"asset_radii_m": [2_000.0, np.nan]},
            "asset_radii_m",
            id="radius-nan",
        ),
        pytest.param(
            {"asset_radii_m": [-2_000.0, 2_000.0]},
            "asset_radii_m",
            id="radius-negative",
        ),
        pytest.param(
            {"asset_values": [np.nan, 2.0]},
            "asset_values",
            id="value-nan",
        ),
        pytest.param(
            {"asset_values": [np.inf, 2.0]},
            "asset_values",
            id="value-inf",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_it(changes, message):
    with pytest.raises(ValueError, match=message):
        _call(**changes)
