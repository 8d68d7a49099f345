"""Playback of one replication: the engine's own trajectories, and interceptor paths that
start at their unit and end where the engine says they ended."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from airguard.engine import draw_threats, replication_rng
from airguard.geo import ecef2geodetic, great_circle_distance_m
from airguard.results.store import read_manifest, read_table
from airguard.scene import run_scenario
from airguard.scene.playback import playback
from airguard.world import compile_world
from tests.browser.runs import shared_small_runs

REP = 4


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_runs(tmp_path_factory) / "patriot"


@pytest.fixture(scope="module")
def pb(run: Path) -> dict[str, Any]:
    return playback(run, REP)


def test_threat_tracks_are_the_engines_trajectories(run: Path, pb: dict[str, Any]) -> None:
    scenario, _ = run_scenario(run)
    world = compile_world(scenario)
    thr = draw_threats(world, replication_rng(int(read_manifest(run)["seed"]), REP))
    for threat in pb["threats"]:
        j = threat["id"]
        track = threat["track"]
        for i, t in enumerate(track["t"]):
            if t != int(t) or t == track["t"][-1]:
                continue  # grid samples only (the last one is the exact end)
            lat, lon, alt = ecef2geodetic(thr.pos[j, int(t)])
            assert track["lat"][i] == pytest.approx(float(lat), abs=1e-5)  # 1 m
            assert track["lon"][i] == pytest.approx(float(lon), abs=1e-5)
            assert track["alt"][i] == pytest.approx(float(alt), abs=1.0)


def test_each_threat_ends_as_the_stored_tables_say(run: Path, pb: dict[str, Any]) -> None:
    rows = {
        t["threat"]: t for t in read_table(run, "threats").to_pylist() if t["replication"] == REP
    }
    impacts = {e["threat"]: e for e in pb["events"]["impacts"]}
    for threat in pb["threats"]:
        row = rows[threat["id"]]
        assert (threat["fate"] == "killed") == bool(row["killed"])
        assert (threat["fate"] == "leaked") == bool(row["leaked"])
        end = threat["track"]["t"][-1]
        if row["killed"]:
            assert end == pytest.approx(row["kill_time_s"], abs=1e-3)
            assert threat["killed_by"] is not None
        if row["leaked"]:
            assert end == pytest.approx(row["impact_time_s"], abs=1e-3)
            hit = impacts[threat["id"]]
            d = great_circle_distance_m(
                threat["track"]["lat"][-1], threat["track"]["lon"][-1], hit["lat"], hit["lon"]
            )
            assert float(d) < 100.0


def test_interceptors_fly_from_their_unit_to_where_they_ended(
    run: Path, pb: dict[str, Any]
) -> None:
    # the interceptor index is the engagement's row among the replication's, in stored order
    engagements = [e for e in read_table(run, "engagements").to_pylist() if e["replication"] == REP]
    assert len(pb["interceptors"]) == len(engagements)
    unit = pb_unit = next(iter({m["unit"] for m in pb["interceptors"]}))
    scenario, _ = run_scenario(run)
    site = next(u.position for u in scenario.body.units if u.name == pb_unit)
    threats = {t["id"]: t for t in pb["threats"]}
    for m, e in zip(pb["interceptors"], engagements, strict=True):
        assert m["unit"] == unit == e["unit"]
        assert m["outcome"] == e["outcome"]
        assert m["target"] == e["target"]
        track = m["track"]
        assert track["t"][0] == pytest.approx(e["launch_time_s"], abs=1e-3)
        assert track["t"][-1] == pytest.approx(e["end_time_s"], abs=1e-3)
        assert (
            float(great_circle_distance_m(track["lat"][0], track["lon"][0], site.lat, site.lon))
            < 20.0
        )
        if m["outcome"] in ("kill", "pk-fail", "miss"):
            target = threats[m["target"]]["track"]
            i = int(np.argmin(np.abs(np.asarray(target["t"]) - track["t"][-1])))
            if math.isclose(target["t"][i], track["t"][-1], abs_tol=1e-3):
                d = great_circle_distance_m(
                    track["lat"][-1], track["lon"][-1], target["lat"][i], target["lon"][i]
                )
                # the interceptor's own end position: within its miss distance (plus the
                # last guidance step and the great-circle/height difference) of the target
                assert float(d) < (m["miss_m"] or 0.0) + 50.0
    kills = [m for m in pb["interceptors"] if m["outcome"] == "kill"]
    assert len([e for e in pb["events"]["intercepts"] if e["outcome"] == "kill"]) == len(kills)


def test_a_replication_outside_the_run_is_an_input_error(run: Path) -> None:
    from airguard.errors import InputError

    with pytest.raises(InputError, match="replication 12 is not in this run"):
        playback(run, 12)
    with pytest.raises(ValueError, match="at least 1 s"):
        playback(run, 0, step_s=0.5)


def test_interceptor_paths_are_the_engines_logged_states(run: Path, pb: dict[str, Any]) -> None:
    """Each flight passes through the position the engine logs once a cycle: never faster
    than a fast interceptor flies (3 km/s) between two of them."""
    for m in pb["interceptors"]:
        assert m["approximate"] is False
        track = m["track"]
        if track["t"][-1] - track["t"][0] > 3.0:
            assert len(track["t"]) > 3
        for k in range(1, len(track["t"])):
            dt = track["t"][k] - track["t"][k - 1]
            d = float(
                great_circle_distance_m(
                    track["lat"][k - 1], track["lon"][k - 1], track["lat"][k], track["lon"][k]
                )
            )
            assert d <= 3_000.0 * dt + 1.0
