"""The engine engages tracks, not truth: by construction.

* A track is confirmed by M detections in N looks; a look comes once per scan period
  T, so the first firm picture of a threat comes at least (M − 1) T after its first
  detection, and no round is fired at it before then.
* A threat whose track cannot be confirmed before it lands (M looks take longer than
  the threat is in view) is seen but never engaged, and it leaks.
* A false track (a *phantom*: confirmed on false alarms only) draws interceptors where
  the doctrine has rounds for the class its speed gives it, and none where it has not.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import World, compile_world

SCUD = """
name: engine on tracks
duration: 15 min
seed: 5
assets:
  - name: Base
    position: {{lat: 37.0, lon: 35.4, alt: 60 m}}
    radius: 1.5 km
units:
  - name: A
    system: patriot
    position: {{lat: 37.02, lon: 35.42, alt: 60 m}}
    heading: 112 deg
raids:
  - name: Kh-101
    threat: kh-101
    count: 1
    launch_area: {{lat: 36.6, lon: 37.0, alt: 400 m, radius: 5 km}}
    launch_window: {{start: 0 s, end: 60 s}}
    target: Base
tracking:
  confirm: "{confirm}"
"""

PHANTOMS = """
name: false tracks
duration: 10 min
seed: 5
assets:
  - name: Base
    position: {{lat: 37.0, lon: 35.4, alt: 60 m}}
    radius: 1.5 km
units:
  - name: S
    system: s-400
    position: {{lat: 37.02, lon: 35.42, alt: 900 m}}
    heading: 112 deg
    {doctrine}
raids:
  - name: drone
    threat: shahed-136
    count: 1
    launch_area: {{lat: 37.0, lon: 35.7, alt: 400 m, radius: 1 km}}
    launch_window: {{start: 0 s, end: 1 s}}
    target: Base
tracking:
  confirm: "1/1"
"""

#: Every class a track's speed can give (ballistic, cruise, drone) gets rounds of a type
#: the battalion does not hold; only aircraft could be engaged.
NO_ROUNDS_FOR_FALSE_TRACKS = """doctrine:
      ballistic: {interceptors: [missile-40n6e]}
      cruise: {interceptors: [missile-40n6e]}
      drone: {interceptors: [missile-40n6e]}
    inventory: {missile-48n6e3: 16, missile-9m96e2: 16, missile-40n6e: 0}"""

REPS = 8
PATRIOT_PERIOD_S = 2.0  # the AN/MPQ-65's scan period in the catalogue


def _world(tmp_path: Path, text: str) -> World:
    path = tmp_path / "tracks.yaml"
    path.write_text(text)
    (scenario,) = load_scenario(path)
    return compile_world(scenario)


def test_the_radar_period_is_the_catalogues(tmp_path: Path) -> None:
    world = _world(tmp_path, SCUD.format(confirm="3/4"))
    assert world.radars.period_s.tolist() == [PATRIOT_PERIOD_S]


@pytest.mark.parametrize(("m", "n"), [(2, 3), (5, 5)])
def test_no_round_is_fired_before_m_detections_confirm_the_track(
    tmp_path: Path, m: int, n: int
) -> None:
    world = _world(tmp_path, SCUD.format(confirm=f"{m}/{n}"))
    engaged = 0
    for k in range(REPS):
        r = run_replication(world, 5, k)
        t_det, t_trk = r.first_detection[0], r.first_track[0]
        assert math.isfinite(t_det)  # the Patriot radar sees the missile in every replication
        if math.isfinite(t_trk):
            assert t_trk >= t_det + (m - 1) * PATRIOT_PERIOD_S - 1e-9
        launched = r.launch_time[r.interceptor_first_target == 0]
        if launched.size:
            engaged += 1
            assert launched.min() >= t_trk
    assert engaged >= REPS // 2  # the confirmed track is engaged


def test_a_threat_whose_track_is_not_yet_confirmed_is_seen_but_not_engaged(
    tmp_path: Path,
) -> None:
    """62 hits in 62 looks take 122 s; a Kh-101 flying low is in the radar's view for less
    (from its radar horizon, about 38 km out, to the base at its cruise speed: 115 s)."""
    quick = _world(tmp_path, SCUD.format(confirm="2/3"))
    slow = _world(tmp_path, SCUD.format(confirm="62/62"))
    for k in range(REPS):
        r_slow = run_replication(slow, 5, k)
        r_quick = run_replication(quick, 5, k)
        # the same missile, seen at the same time by the same radar (same random draws so far)
        assert r_slow.first_detection[0] == r_quick.first_detection[0]
        assert r_slow.threats.t_impact[0] - r_slow.first_detection[0] < 61 * PATRIOT_PERIOD_S
        assert not math.isfinite(r_slow.first_track[0])
        assert r_slow.launch_time.size == 0
        assert r_slow.impacted[0]
        assert math.isfinite(r_quick.first_track[0])
    kills = sum(np.isfinite(run_replication(quick, 5, k).killed_at[0]) for k in range(REPS))
    assert kills >= 1  # with a track in time, the battery does kill it


def test_a_false_track_draws_interceptors_where_the_doctrine_allows(tmp_path: Path) -> None:
    """91N6E false alarms (Pfa x cells, rotating search) confirmed at once (1/1) are
    phantoms, classed by their track's speed and engaged by the S-400's doctrine."""
    world = _world(tmp_path, PHANTOMS.format(doctrine=""))
    rotating = world.radars.n_sectors > 1
    assert rotating.any()
    assert np.all(world.radars.false_alarms_per_scan[rotating] > 1.0)
    # the 92N6E scans electronically: alert-confirm leaves it Pfa² × cells
    assert np.all(world.radars.false_alarms_per_scan[~rotating] < 1e-3)
    at_phantoms = 0
    for k in range(3):
        r = run_replication(world, 5, k)
        assert r.n_false_alarms > 0
        assert r.n_phantoms > 0
        at_phantoms += int((r.interceptor_target < 0).sum())
        assert np.all(r.interceptor_first_target[r.interceptor_target < 0] < 0)
    assert at_phantoms > 0


def test_no_interceptor_goes_to_a_false_track_the_doctrine_has_no_round_for(
    tmp_path: Path,
) -> None:
    world = _world(tmp_path, PHANTOMS.format(doctrine=NO_ROUNDS_FOR_FALSE_TRACKS))
    for k in range(3):
        r = run_replication(world, 5, k)
        assert r.n_phantoms > 0  # the false tracks are there ...
        assert not np.any(r.interceptor_target < 0)  # ... and draw nothing
