"""Networked air defence: a unit engages on a remote unit's picture only when networked.

Known by construction: battery A defends the base but its sector radar looks away from
the threat axis, so it never sees the incoming missiles on its own; battery B, 150 km
away, watches them come down on the base (its radar faces it) but has no interceptors.
Standalone, A never fires; on one network, A fires on B's picture.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import compile_world

SCENARIO = """
name: Network by construction
duration: 10 min
seed: 3
assets:
  - name: Base
    position: {lat: 37.0, lon: 35.4, alt: 60 m}
    radius: 1.5 km
networks:
  - name: nato
    latency: 2 s
units:
  - name: A
    system: patriot
    position: {lat: 37.02, lon: 35.42, alt: 60 m}
    heading: 300 deg          # looking away from the threat axis (about 120 deg)
    network: nato
  - name: B
    system: patriot
    position: {lat: 36.55, lon: 36.90, alt: 300 m}
    heading: 290 deg
    inventory: {pac-3-mse: 0, pac-2-gem-t: 0}
    network: nato
raids:
  - name: Scuds
    threat: scud-b
    count: 4
    launch_area: {lat: 36.35, lon: 37.35, alt: 400 m, radius: 10 km}
    launch_window: {start: 0 s, end: 60 s}
    target: Base
variants:
  integrated: {}
  standalone:
    units:
      - name: A
        system: patriot
        position: {lat: 37.02, lon: 35.42, alt: 60 m}
        heading: 300 deg
      - name: B
        system: patriot
        position: {lat: 36.55, lon: 36.90, alt: 300 m}
        heading: 290 deg
        inventory: {pac-3-mse: 0, pac-2-gem-t: 0}
"""


def _fired_by_a(tmp_path: Path, variant: str, reps: int = 5) -> list[int]:
    path = tmp_path / "net.yaml"
    path.write_text(SCENARIO)
    (scenario,) = load_scenario(path, variant=variant)
    world = compile_world(scenario)
    a = world.unit_names.index("A")
    return [int(np.sum(run_replication(world, 3, k).interceptor_unit == a)) for k in range(reps)]


def test_standalone_unit_never_fires_at_threats_it_cannot_see(tmp_path):
    assert _fired_by_a(tmp_path, "standalone") == [0] * 5


def test_networked_unit_fires_on_a_remote_units_picture(tmp_path):
    fired = _fired_by_a(tmp_path, "integrated")
    assert all(n > 0 for n in fired), fired
