"""A stand-off jammer in a whole replication: the defence sees the raid later, or not at all.

The small scenario's Patriot battery against four Scuds, with and without a Growler-class
jammer orbiting behind the Scuds' launch area (so that it stands in the battery's
mainlobe while the battery looks at them), replication by replication with the same
seeds.  One rule at a time: every draw is the same, only the jammed looks' S/(N+J) is
lower, so no Scud is seen earlier, most are seen later (nearer: within the burn-through
range of the closed form, test_jamming_look.py), and a jammer switched on after the
raid is over changes nothing, bit for bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.scenario import load_scenario
from airguard.world import World, compile_world

REPS = 12
SEED = 3
# behind the Scuds' launch area (36.35 N, 37.35 E), seen from the battery (37.05 N, 35.55 E)
ORBIT = "{lat: 35.9, lon: 38.5, alt: 9000 m}"


def _world(small_path: Path, tmp_path: Path, jammers: str) -> World:
    text = small_path.read_text(encoding="utf-8").replace("variants:", jammers + "variants:", 1)
    path = tmp_path / f"scenario-{abs(hash(jammers))}.yaml"
    path.write_text(text, encoding="utf-8")
    (scenario,) = load_scenario(path, variant="patriot")
    return compile_world(scenario)


@pytest.fixture(scope="module")
def worlds(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    tmp = tmp_path_factory.mktemp("jamming")
    on = f"jammers:\n  - {{name: Orbit, system: growler-jammer, position: {ORBIT}}}\n"
    late = on.rstrip("}\n") + "}, start: 590 s}\n"
    return {
        "none": _world(small_path, tmp, ""),
        "on": _world(small_path, tmp, on),
        "late": _world(small_path, tmp, late),
    }


def test_the_jammer_is_loud_in_the_batterys_band(worlds: dict[str, World]) -> None:
    jn_db = 10.0 * np.log10(worlds["on"].radars.jam_jn[0, 0])
    assert 30.0 < jn_db < 80.0


def test_a_jammer_delays_the_first_detection_of_the_raid(worlds: dict[str, World]) -> None:
    scud = worlds["none"].threat_names.index("scud-b")
    later = same = 0
    for rep in range(REPS):
        a = run_replication(worlds["none"], SEED, rep)
        b = run_replication(worlds["on"], SEED, rep)
        scuds = a.threats.ttype == scud
        assert np.array_equal(a.threats.t_launch, b.threats.t_launch)  # the same raid
        ta, tb = a.first_detection[scuds], b.first_detection[scuds]
        assert (tb >= ta).all(), "a jammed radar saw a Scud earlier"
        later += int((tb > ta).sum())
        same += int((tb == ta).sum())
    assert later > 3 * same, (later, same)


def test_a_jammer_that_comes_on_after_the_fight_changes_nothing(
    worlds: dict[str, World],
) -> None:
    for rep in range(4):
        a = run_replication(worlds["none"], SEED, rep)
        b = run_replication(worlds["late"], SEED, rep)
        for field in ("first_detection", "killed_at", "launch_time", "outcome", "miss_distance"):
            assert np.array_equal(getattr(a, field), getattr(b, field)), field
        assert a.n_detections == b.n_detections
