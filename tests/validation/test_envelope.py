"""Reach tables and engagement envelopes, from the engine's own fly-outs.

Sources
-------
[BMW] R. R. Bate, D. D. Mueller, J. E. White, *Fundamentals of Astrodynamics*, Dover 1971,
      §6.2: the maximum free-flight range angle Psi for burnout radius r and speed v on a
      spherical, non-rotating Earth without air satisfies sin(Psi/2) = Q / (2 - Q) with
      Q = v^2 r / mu, reached at the flight-path angle gamma = (180 deg - Psi) / 4
      (eqs. 6.2-19 and 6.2-16 in the numbering of an independent implementation of the
      chapter, github.com/lemming622/BMW_test_package; not re-read from the book).
"""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from airguard.catalogue import default_catalogue
from airguard.cli import app
from airguard.dynamics import EARTH_MU_M3_S2, SPHERE, WGS84_A_M, body_params
from airguard.reach import reach_table
from airguard.studies.envelope import engagement_envelope


def test_vacuum_reach_table_reaches_the_bmw_maximum_range():
    """A 1 km/s shot (an almost instantaneous burn) on the sphere without air."""
    v = 1_000.0
    # 1 ms burn from 20 m/s to ~1000 m/s: thrust = m dv / t
    params = body_params(
        thrust_n=980.0 / 0.001, mass0_kg=1.0, burnout_mass_kg=0.999999, burn_time_s=0.001
    )
    table = reach_table(
        params,
        600.0,
        150_000.0,
        40_000.0,
        n_range=301,
        n_height=81,
        flags=SPHERE,
        min_speed_mps=0.0,
        families=("arc",),
    )
    q = v * v * WGS84_A_M / EARTH_MU_M3_S2
    psi = 2.0 * math.asin(q / (2.0 - q))
    published_m = WGS84_A_M * psi  # 102.5 km
    # the table's last reached cell; tolerance: one range cell (0.5 km) plus the small
    # speed left short of 1000 m/s by the burn
    assert table.max_range_m == pytest.approx(published_m, abs=1_000.0)


def test_pac3_mse_kinematic_reach_lies_in_the_catalogues_range_band():
    """The issue's acceptance case: `airguard envelope pac-3-mse scud-b`."""
    env = engagement_envelope("pac-3-mse", "scud-b")
    _, spec = default_catalogue().interceptor("pac-3-mse")
    assert spec.max_range.low.value_si <= env.kinematic_max_range_m <= spec.max_range.high.value_si
    assert env.reach_within_band
    # a Scud aimed at the unit itself can be engaged, on its way down, below the
    # interceptor's ceiling
    c0 = env.crossings[0]
    assert c0.any
    assert c0.altitude_m[c0.feasible].max() <= spec.max_altitude.value
    first, last = c0.window()
    assert first > last > 0.0


def test_footprint_shrinks_with_offset_and_ends_inside_the_reach():
    env = engagement_envelope("pac-3-mse", "scud-b", offsets_m=[0.0, 40_000.0, 200_000.0])
    assert [c.any for c in env.crossings] == [True, True, False]
    assert env.footprint_half_width_m <= env.kinematic_max_range_m


def test_envelope_command_writes_tables_and_plot(tmp_path):
    result = CliRunner().invoke(
        app, ["envelope", "pac-3-mse", "scud-b", "--out", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["kinematic_reach_within_catalogue_band"] is True
    for name in ("reach.csv", "crossings.csv", "summary.json", "envelope.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert (tmp_path / "envelope.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_envelope_command_refuses_unknown_ids(tmp_path):
    result = CliRunner().invoke(app, ["envelope", "pac-9", "scud-b", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "no interceptor 'pac-9'" in result.stderr
