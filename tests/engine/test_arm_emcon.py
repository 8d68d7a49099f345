"""Anti-radiation missiles and emission control, by construction.

The small scenario's Patriot battery stands at a radar site (an asset of 30 m radius: the
ARM's lethal radius against the antenna, notional); two AGM-88-class ARMs are launched at
the site from 60 km east at 9 km. The battery holds no rounds, so nothing shoots them
down: one rule at a time, against the same replications (same seeds, same draws):

- **emitting**: every ARM hears the radar in its last seconds and lands within its CEP:
  the battery is destroyed at the first impact (a destroyed radar leaves its unit blind:
  tests/engine/test_sites.py);
- **silent in time** (a scheduled silence from before the launch through the impacts):
  every ARM loses its emitter and misses by its drift: its impact point is the emitting
  case's moved by exactly the drift drawn, so the battery survives unless that drift is
  under the site's radius; the silence costs the picture: no look, so no detection;
- **silent on seeing an ARM**: a dwell longer than the ARMs' time to go saves the
  battery as the schedule does; a dwell too short to cover the impacts does not;
- a silence is counted in the replications table (``radar_silent_s``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard import geo
from airguard.engine import run_replication
from airguard.engine.emission import _fall_silent
from airguard.engine.events import EV_DETECTION, EV_SILENT, EventLog, event_log
from airguard.engine.loop import _kernel_out
from airguard.scenario import load_scenario
from airguard.world import World, compile_world

REPS = 10
SEED = 3
SITE_RADIUS_M = 30.0

BASE = """\
name: ARM test
duration: 10 min
seed: 7
assets:
  - name: Radar site
    position: {{lat: 37.05, lon: 35.55, alt: 60 m}}
    radius: 30 m
units:
  - name: Battery
    system: patriot
    position: {{lat: 37.05, lon: 35.55, alt: 60 m}}
    heading: 90 deg
    inventory: {{pac-3-mse: 0, pac-2-gem-t: 0}}
    site: Radar site
{emcon}raids:
  - name: SEAD
    threat: agm-88
    count: 2
    launch_area: {{lat: 37.05, lon: 36.23, alt: 9 km, radius: 1 km}}
    launch_window: {{start: 60 s, end: 70 s}}
    target: Radar site
"""


def _world(tmp: Path, name: str, emcon: str = "") -> World:
    path = tmp / f"{name}.yaml"
    path.write_text(BASE.format(emcon=emcon), encoding="utf-8")
    (scenario,) = load_scenario(path)
    return compile_world(scenario)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    tmp = tmp_path_factory.mktemp("arm")
    return {
        "emitting": _world(tmp, "emitting"),
        "schedule": _world(tmp, "schedule", "    emcon: {silent: [{start: 0 s, end: 600 s}]}\n"),
        "long": _world(tmp, "long", "    emcon: {on_arm: 400 s}\n"),
        "short": _world(tmp, "short", "    emcon: {on_arm: 5 s}\n"),
    }


def _events(log: EventLog, kind: int) -> np.ndarray:
    n = int(log.n[0])
    assert int(log.lost[0]) == 0
    return log.t[:n][log.kind[:n] == kind]


def _horizontal_m(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lat_a, lon_a, _ = geo.ecef2geodetic(a)
    lat_b, lon_b, _ = geo.ecef2geodetic(b)
    return np.asarray(geo.great_circle_distance_m(lat_a, lon_a, lat_b, lon_b))


def test_an_arm_kills_an_emitting_radar(worlds: dict[str, World]) -> None:
    for rep in range(REPS):
        r = run_replication(worlds["emitting"], SEED, rep)
        assert r.arm_lost is not None
        assert not r.arm_lost.any()
        assert r.units_destroyed == 1, rep
        assert r.asset_hits[0] >= 1


def test_an_arm_misses_a_radar_silent_in_time_by_its_drift(worlds: dict[str, World]) -> None:
    survived = 0
    drifts = []
    for rep in range(REPS):
        hit = run_replication(worlds["emitting"], SEED, rep)
        log = event_log(100_000)
        quiet = run_replication(worlds["schedule"], SEED, rep, log=log)
        assert quiet.arm_lost is not None
        assert quiet.arm_lost.all()
        # the same ARMs, launched and flown alike; only where they land differs
        np.testing.assert_array_equal(quiet.threats.t_impact, hit.threats.t_impact)
        drift = _horizontal_m(quiet.threats.impact_pos, hit.threats.impact_pos)
        drifts.extend(drift.tolist())
        assert (drift > 0.0).all()
        # destroyed only if some drift left the point within the site's radius
        site = worlds["emitting"].asset_pos_ecef_m[0][None, :]
        within = _horizontal_m(quiet.threats.impact_pos, site) <= SITE_RADIUS_M + 1.0
        assert quiet.units_destroyed == int(within.any())
        survived += quiet.units_destroyed == 0
        # the silence's cost: not one look, so not one detection
        assert _events(log, EV_DETECTION).size == 0
        assert _events(log, EV_SILENT).tolist() == [0.0]
        # silent from 0 s to the end (the replication stops once nothing is left to engage)
        assert quiet.silent_s == pytest.approx(min(600.0, quiet.ended))
    assert survived >= REPS - 1
    # the drift is the catalogue's Rayleigh miss of scale 150 m: median 1.18 sigma
    assert 60.0 < float(np.median(drifts)) < 400.0


def test_silence_on_seeing_an_arm_saves_the_radar_only_if_it_lasts(
    worlds: dict[str, World],
) -> None:
    for rep in range(REPS):
        log = event_log(100_000)
        long = run_replication(worlds["long"], SEED, rep, log=log)
        short = run_replication(worlds["short"], SEED, rep)
        silences = _events(log, EV_SILENT)
        # it fell silent on its first firm track of the first ARM, before any impact
        assert silences.size >= 1
        assert silences[0] < long.threats.t_impact.min()
        assert long.arm_lost is not None
        assert long.arm_lost.all()
        assert short.arm_lost is not None
        assert not short.arm_lost.any()
        assert short.units_destroyed == 1
        assert math.isfinite(long.silent_s)
        assert long.silent_s > 0.0


def test_back_to_back_silences_are_one_silence(tmp_path: Path, worlds: dict[str, World]) -> None:
    """Two scheduled silences, the second starting as the first ends a few seconds before
    the first ARM lands (inside its seeker's last 10 s): one silence, and the ARMs miss."""
    hit = run_replication(worlds["emitting"], SEED, 0)
    split = math.floor(float(hit.threats.t_impact.min())) - 4
    emcon = f"    emcon: {{silent: [{{start: 0 s, end: {split} s}}, {{start: {split} s, end: 600 s}}]}}\n"
    log = event_log(100_000)
    quiet = run_replication(_world(tmp_path, "split", emcon), SEED, 0, log=log)
    assert quiet.arm_lost is not None
    assert quiet.arm_lost.all()
    assert _events(log, EV_DETECTION).size == 0
    assert quiet.silent_s == pytest.approx(min(600.0, quiet.ended))


@pytest.mark.parametrize(
    ("held", "new", "merged", "counted_s"),
    [
        ((100.0, 200.0), (50.0, 150.0), (50.0, 200.0), 0.0),  # starts earlier, overlaps
        ((100.0, 200.0), (50.0, 250.0), (50.0, 250.0), 0.0),  # covers it
        ((100.0, 200.0), (50.0, 100.0), (50.0, 200.0), 0.0),  # ends as it starts
        ((100.0, 200.0), (150.0, 300.0), (100.0, 300.0), 0.0),  # starts inside: extends
        ((100.0, 200.0), (200.0, 300.0), (100.0, 300.0), 0.0),  # starts as it ends
        ((100.0, 200.0), (120.0, 180.0), (100.0, 200.0), 0.0),  # inside: nothing changes
        ((100.0, 200.0), (300.0, 400.0), (300.0, 400.0), 100.0),  # apart: the held one ends
    ],
)
def test_a_new_silence_merges_with_the_held_one_when_they_meet(
    held: tuple[float, float],
    new: tuple[float, float],
    merged: tuple[float, float],
    counted_s: float,
) -> None:
    """A unit's silence is one interval: a new one that overlaps or touches it gives their
    union (the earlier start, the later end), worked by hand per case; one apart replaces
    it and the held one's seconds are counted.  (The loop applies scheduled silences in
    order of start and a silence on an ARM from the current cycle, so the earlier-starting
    cases do not arise in a replication today; the rule holds whatever the order.)"""
    out = _kernel_out(1, 1, 1, 1, 600.0)
    log = event_log(16)
    _fall_silent(out, 0, held[0], held[1], log)
    _fall_silent(out, 0, new[0], new[1], log)
    assert (out.silent_from[0], out.silent_to[0]) == merged
    assert out.silent_s[0] == counted_s


# The same raid at an AN/TPY-2 standing at the site; the battery, networked, stands away.
SENSOR_AT_SITE = (
    BASE.replace("    site: Radar site\n{emcon}", "")
    .replace(
        "units:\n",
        "networks:\n  - name: net\nsensors:\n  - name: EW\n    system: an-tpy-2\n"
        "    position: {{lat: 37.05, lon: 35.55, alt: 60 m}}\n    heading: 90 deg\n"
        "    network: net\n    site: Radar site\n{emcon}units:\n",
    )
    .replace(
        "    position: {{lat: 37.05, lon: 35.55, alt: 60 m}}\n    heading: 90 deg\n    inventory",
        "    position: {{lat: 37.3, lon: 35.2, alt: 60 m}}\n    heading: 90 deg\n"
        "    network: net\n    inventory",
    )
)


def test_a_sensor_falls_silent_on_seeing_an_arm(tmp_path: Path) -> None:
    """A sensor has no fire channel, so fire control never records its first track: its
    silence on an ARM comes from its picture. Sited where the ARMs aim, it survives silent
    and is destroyed emitting."""
    for name, emcon, lost in (
        ("ew-quiet", "    emcon: {on_arm: 400 s}\n", True),
        ("ew", "", False),
    ):
        path = tmp_path / f"{name}.yaml"
        path.write_text(SENSOR_AT_SITE.format(emcon=emcon), encoding="utf-8")
        (scenario,) = load_scenario(path)
        world = compile_world(scenario)
        assert world.units.site.tolist() == [-1, 0]  # the battery, then the sensor at the site
        for rep in range(3):
            r = run_replication(world, SEED, rep)
            assert r.arm_lost is not None
            assert bool(r.arm_lost.all()) is lost, (name, rep)
            if not lost:
                assert r.units_destroyed == 1
