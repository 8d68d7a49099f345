"""`airguard replay`: one replication again, with its event log, and the same outcome."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from airguard.cli import app
from airguard.errors import InputError
from airguard.montecarlo.campaign import simulate
from airguard.results.store import query
from airguard.scenario import load_scenario
from airguard.studies.replay import replay

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("replay")
    scenario_file = root / "small.yaml"
    shutil.copy(DATA / "small.yaml", scenario_file)
    (scenario, *_) = load_scenario(scenario_file)
    out = root / "run"
    simulate(scenario, 6, workers=1, out=out)
    return out


def test_the_event_log_accounts_for_every_stored_outcome(run_dir: Path) -> None:
    k = 4
    result = replay(run_dir, k)
    events = pq.read_table(result.events_path).to_pandas()
    stored = query(run_dir, f"SELECT * FROM replications WHERE replication = {k}").to_pylist()[0]
    engagements = query(
        run_dir, f"SELECT * FROM engagements WHERE replication = {k} ORDER BY launch_time_s"
    ).to_pandas()
    assert (events.event == "detection").sum() == stored["detections"]
    assert (events.event == "launch").sum() == stored["interceptors_fired"] == len(engagements)
    assert (events.event == "end").sum() == len(engagements)  # every round ended in the run
    assert (events.event == "impact").sum() == stored["leakers"]
    kills = events[(events.event == "end") & (events.outcome == "kill")]
    assert len(kills) == stored["killed"]
    np.testing.assert_allclose(
        np.sort(events[events.event == "launch"].time_s.to_numpy()),
        np.sort(engagements.launch_time_s.to_numpy()),
    )
    # detections carry a position and an SNR
    det = events[events.event == "detection"]
    assert det.lat_deg.notna().all()
    assert det.value.notna().all()
    assert result.outcome["leakers"] == stored["leakers"]


def test_replaying_twice_gives_the_same_events(run_dir: Path) -> None:
    a = pq.read_table(replay(run_dir, 2).events_path)
    b = pq.read_table(replay(run_dir, 2).events_path)
    assert a.equals(b)


def test_a_replication_outside_the_run_is_refused(run_dir: Path) -> None:
    with pytest.raises(InputError, match="replication 6 is not in this run"):
        replay(run_dir, 6)


def test_a_changed_scenario_is_refused(run_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "run"
    shutil.copytree(run_dir, copy)
    scenario_file = run_dir.parent / "small.yaml"
    original = scenario_file.read_text()
    try:
        scenario_file.write_text(original.replace("seed:", "description: changed\nseed:", 1))
        with pytest.raises(InputError, match="the scenario changed since the run"):
            replay(copy, 1)
    finally:
        scenario_file.write_text(original)


def test_cli_replay(run_dir: Path) -> None:
    result = runner.invoke(app, ["replay", str(run_dir), "--rep", "1"])
    assert result.exit_code == 0, result.output
    assert "the same as stored" in result.stdout
    result = runner.invoke(app, ["replay", str(run_dir), "--rep", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replication"] == 1
    assert data["n_events"] == sum(data["counts"].values())
    assert Path(data["events_path"]).is_file()
    result = runner.invoke(app, ["replay", str(run_dir.parent), "--rep", "1"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no manifest.json" in result.stderr


def test_events_name_units_radars_and_assets(run_dir: Path) -> None:
    events = pq.read_table(replay(run_dir, 0).events_path).to_pandas()
    assert events[events.event == "detection"].radar.str.contains("/").all()
    launches = events[events.event == "launch"]
    assert launches.unit.notna().all()
    assert launches.unit.str.len().min() > 0


def test_a_log_too_small_is_run_again_with_room_for_every_event(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import airguard.studies.replay as replay_module

    full = pq.read_table(replay(run_dir, 3).events_path)
    monkeypatch.setattr(replay_module, "EVENTS_CAPACITY", 10)
    again = pq.read_table(replay(run_dir, 3).events_path)
    assert full.num_rows > 10
    assert again.equals(full)
