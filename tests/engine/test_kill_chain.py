"""Each threat's kill chain: the stage where it broke, known by construction.

Four raids of one threat each, laid out so that each breaks at a known stage:

* **Horizon** — a Shahed-136 (150 m cruise) flies to a farm 100 km from battery A,
  inside A's sector, and never comes nearer than 100 km to any radar: for an antenna
  4 m up and a target 150 m up the 4/3-Earth radio horizon is
  4.12 km·(√4 + √150) ≈ 59 km (Skolnik, *Introduction to Radar Systems*, 3rd ed., eq.
  2.57), so it is never seen: ``undetected`` / ``horizon``.
* **Out of reach** — a Scud-B lands 200 km east of A.  The AN/TPY-2 on A's network
  watches it all the way; A holds it on its picture, but no round of A's reaches it:
  the PAC-2 GEM-T's ground range is 160 km and its ceiling 24 km, and below 24 km the
  Scud is within 30 km of its aim point, 170 km or more from A.  ``out-of-reach`` /
  ``envelope``.
* **No rounds** — battery B, alone and with an empty inventory, watches a Scud-B come
  down on its own depot: ``unengaged`` / ``no-inventory``.
* **Rounds that fail** — A engages a Scud-B aimed at its own base; its rounds' lethal
  radius is set to 1 km and their kill probability to 10⁻⁹, so every round comes within
  the lethal radius and every draw fails: ``missed`` / ``kill-probability``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.catalogue import default_catalogue
from airguard.catalogue.edit import with_figure
from airguard.catalogue.figures import Figure
from airguard.engine import run_replication
from airguard.engine.chain import FATES, REASONS
from airguard.scenario import load_scenario
from airguard.world import compile_world

SCENARIO = """
name: Kill chains by construction
duration: 25 min
seed: 5
assets:
  - {name: Base, position: {lat: 37.0, lon: 35.4, alt: 50 m}, radius: 1.5 km}
  - {name: Town, position: {lat: 37.0, lon: 37.65, alt: 50 m}, radius: 1.5 km}
  - {name: Depot, position: {lat: 37.0, lon: 32.6, alt: 50 m}, radius: 1.5 km}
  - {name: Farm, position: {lat: 37.45, lon: 36.35, alt: 50 m}, radius: 1.5 km}
networks:
  - {name: net, latency: 2 s}
sensors:
  - name: Radar East
    system: an-tpy-2
    position: {lat: 37.0, lon: 41.0, alt: 50 m}
    heading: 270 deg
    network: net
units:
  - name: A
    system: patriot
    position: {lat: 37.0, lon: 35.4, alt: 50 m}
    heading: 80 deg
    network: net
  - name: B
    system: patriot
    position: {lat: 37.0, lon: 32.6, alt: 50 m}
    heading: 215 deg
    inventory: {pac-3-mse: 0, pac-2-gem-t: 0}
raids:
  - name: fails
    threat: scud-b
    count: 1
    launch_area: {lat: 36.6, lon: 37.6, alt: 400 m, radius: 1 km}
    launch_window: {start: 0 s, end: 1 s}
    target: Base
  - name: empty
    threat: scud-b
    count: 1
    launch_area: {lat: 35.6, lon: 31.6, alt: 10 m, radius: 1 km}
    launch_window: {start: 0 s, end: 1 s}
    target: Depot
  - name: far
    threat: scud-b
    count: 1
    launch_area: {lat: 37.0, lon: 39.9, alt: 400 m, radius: 1 km}
    launch_window: {start: 0 s, end: 1 s}
    target: Town
  - name: low
    threat: shahed-136
    count: 1
    launch_area: {lat: 37.85, lon: 36.8, alt: 400 m, radius: 1 km}
    launch_window: {start: 0 s, end: 1 s}
    target: Farm
"""

EXPECTED = {  # raid (= threat index) → (fate, reason)
    0: ("missed", "kill-probability"),
    1: ("unengaged", "no-inventory"),
    2: ("out-of-reach", "envelope"),
    3: ("undetected", "horizon"),
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    cat = default_catalogue()
    for itc in ("pac-3-mse", "pac-2-gem-t"):
        cat = with_figure(
            cat, "patriot", ("interceptors", itc, "lethal_radius"), Figure.exact(1000.0)
        )
        pk = ("interceptors", itc, "single_shot_pk", "ballistic")
        cat = with_figure(cat, "patriot", pk, Figure.exact(1e-9))
    path = tmp_path_factory.mktemp("chain") / "chain.yaml"
    path.write_text(SCENARIO)
    (scenario,) = load_scenario(Path(path), catalogue=cat)
    return compile_world(scenario)


@pytest.fixture(scope="module")
def results(world):  # type: ignore[no-untyped-def]
    return [run_replication(world, 5, k) for k in range(3)]


def test_every_threat_breaks_at_the_stage_its_layout_forces(results):
    for r in results:
        got = {j: (FATES[r.fate[j]], REASONS[r.fate_reason[j]]) for j in EXPECTED}
        assert got == EXPECTED, f"replication {r.replication}"


def test_stage_times_stop_where_the_chain_broke(results):
    for r in results:
        fails, empty, far, low = range(4)
        assert np.isinf(r.first_detection[low])
        assert np.isinf(r.first_track[low])
        assert np.isfinite(r.first_track[far])
        assert np.isinf(r.first_envelope[far])
        assert np.isfinite(r.first_envelope[empty])
        assert np.isinf(r.first_engaged[empty])
        assert np.isfinite(r.first_engaged[fails])
        assert r.first_detection[fails] <= r.first_track[fails] <= r.first_envelope[fails]
        assert r.first_envelope[fails] <= r.first_engaged[fails]


def test_every_round_at_the_failing_raid_came_within_the_lethal_radius(results):
    for r in results:
        mine = r.interceptor_target == 0
        assert mine.sum() >= 2  # a two-round salvo at least
        assert (r.outcome[mine] == 1).all()  # pk-fail: inside the lethal radius, draw failed
