"""A unit standing at an asset (``site``) is destroyed when a threat lands on the asset.

By construction, one rule at a time: the Patriot battery of the small scenario stands at
Base, which four Scuds attack; it has four PAC-3 MSE for them, so some land, and GEM-T for
the drones, launched with the Scuds, which arrive some 12 minutes after them.  Against the
same scenario without ``site``, replication by replication (same seeds):

- where no Scud lands on Base, nothing differs, bit for bit;
- where one does, everything before its impact is the same, and after it the battery's
  radars make no detection and it launches nothing: a destroyed radar leaves its unit
  blind, and the drones that come later are not engaged by it;
- the replications table counts the destroyed unit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from airguard.engine import run_replication
from airguard.engine.events import (
    EV_DESTROYED,
    EV_DETECTION,
    EV_IMPACT,
    EV_LAUNCH,
    EV_RETARGET,
    EventLog,
    event_log,
)
from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.world import CLASS_INDEX, World, compile_world

REPS = 24
SEED = 5


def _world(small_path: Path, tmp_path: Path, extra: str) -> World:
    text = small_path.read_text(encoding="utf-8")
    # four rounds for four Scuds (GEM-T kept for the drones): some Scuds land on Base
    text = text.replace("    heading: 110 deg\nraids:", f"    heading: 110 deg\n{extra}raids:", 1)
    # the drones launched with the Scuds: they arrive some 12 minutes after them
    text = text.replace("duration: 10 min", "duration: 30 min", 1)
    text = text.replace("{start: -600 s, end: -560 s}", "{start: 0 s, end: 40 s}", 1)
    path = tmp_path / f"scenario-{len(extra)}.yaml"
    path.write_text(text, encoding="utf-8")
    (scenario,) = load_scenario(path, variant="patriot")
    return compile_world(scenario)


def _events(log: EventLog, kind: int) -> tuple[np.ndarray, np.ndarray]:
    n = int(log.n[0])
    assert int(log.lost[0]) == 0
    sel = log.kind[:n] == kind
    return log.t[:n][sel], log.ints[:n][sel]


@pytest.fixture(scope="module")
def worlds(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[World, World]:
    tmp = tmp_path_factory.mktemp("sites")
    rounds = (
        "    inventory: {pac-3-mse: 4, pac-2-gem-t: 8}\n"
        "    doctrine: {ballistic: {interceptors: [pac-3-mse]}}\n"
    )
    return _world(small_path, tmp, rounds), _world(small_path, tmp, rounds + "    site: Base\n")


def test_a_unit_is_destroyed_with_its_site_and_sees_nothing_after(
    worlds: tuple[World, World],
) -> None:
    free, sited = worlds
    assert sited.units.site.tolist() == [0]
    assert free.units.site.tolist() == [-1]
    hit_reps = fired_after = 0
    for rep in range(REPS):
        log_free, log_sited = event_log(200_000), event_log(200_000)
        a = run_replication(free, SEED, rep, log=log_free)
        b = run_replication(sited, SEED, rep, log=log_sited)
        t_hit, ints = _events(log_sited, EV_IMPACT)
        on_base = t_hit[ints[:, 1] == 0]
        t_des, i_des = _events(log_sited, EV_DESTROYED)
        if on_base.size == 0:  # Base never hit: nothing differs
            assert b.units_destroyed == 0
            assert t_des.size == 0
            for field in ("killed_at", "impacted", "fired_at", "launch_time", "outcome"):
                assert np.array_equal(getattr(a, field), getattr(b, field)), field
            assert a.n_detections == b.n_detections
            continue
        hit_reps += 1
        t_down = float(on_base.min())
        assert b.units_destroyed == 1
        # the replay's event: the battery (unit 0), the threat that landed, Base (asset 0)
        assert t_des.tolist() == [t_down]
        assert i_des[0, 0] == 0
        assert i_des[0, 2] == 0
        assert b.killed_at[i_des[0, 1]] == np.inf
        assert b.threats.t_impact[i_des[0, 1]] == t_down
        # before the impact, the same looks and launches
        for kind in (EV_DETECTION, EV_LAUNCH):
            ta, ia = _events(log_free, kind)
            tb, ib = _events(log_sited, kind)
            assert np.array_equal(ta[ta < t_down], tb[tb < t_down])
            assert np.array_equal(ia[ta < t_down], ib[tb < t_down])
        # after it, the battery is blind and fires nothing
        t_det, _ = _events(log_sited, EV_DETECTION)
        assert (t_det <= t_down).all(), "a destroyed unit's radar looked again"
        t_launch, _ = _events(log_sited, EV_LAUNCH)
        assert (t_launch <= t_down).all(), "a destroyed unit launched"
        t_redirect, _ = _events(log_sited, EV_RETARGET)
        assert (t_redirect <= t_down).all(), "a destroyed unit redirected a round"
        assert (b.launch_time <= t_down).all()
        # threats first seen after it (the drones, arriving later) are never seen
        late = (b.threats.cls == CLASS_INDEX["drone"]) & (b.threats.t_impact > t_down)
        assert late.any()
        first = b.first_detection[late]
        assert ((first <= t_down) | np.isinf(first)).all()
        # where the intact battery fired after that time, the destroyed one did not
        t_free, _ = _events(log_free, EV_LAUNCH)
        fired_after += int((t_free > t_down).any())
    assert hit_reps >= 3, f"only {hit_reps} of {REPS} replications saw Base hit"
    assert fired_after >= 1, "no replication where the site's loss changed an engagement"


def test_a_site_names_an_asset(small_path: Path, tmp_path: Path) -> None:
    text = small_path.read_text(encoding="utf-8").replace(
        "    heading: 110 deg\nraids:", "    heading: 110 deg\n    site: Nowhere\nraids:", 1
    )
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.field == "units[0].site"
    assert info.value.line == 15  # the line of `site:`
    assert "unknown asset 'Nowhere' (assets: Base)" in info.value.message
