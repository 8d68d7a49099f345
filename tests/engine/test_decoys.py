"""Decoys: released at their missile's apogee, slowed by the air, seen and tracked, never
harmful, and never engaged; the missile is engaged once drag tells it from them.

The catalogue's Iskander-M releases four decoys (notional: 15 kg, 0.2 m, Cd 1, 20 m/s).
The flagship raid (`scenarios/turkey-patriot-vs-s400`) carries four Iskander-Ms on Kürecik.

Sources
-------
[US76] U.S. Standard Atmosphere 1976 (NOAA/NASA/USAF), density at 4 km 0.81935 kg/m^3
       (the PDAS table the manoeuvre-limit validation uses).
[TV]   Terminal speed of a body in free fall, v_t = sqrt(2 m g / (rho Cd A)): where drag
       balances weight (elementary mechanics; e.g. Anderson, *Introduction to Flight*,
       ch. 6).  A decoy descending into ever denser air is a little faster than the
       terminal speed of the air it is in.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from airguard.catalogue import load_entry
from airguard.engine import run_replication
from airguard.engine.threats import draw_threats
from airguard.errors import InputError
from airguard.montecarlo.batch import run_batch
from airguard.scenario import load_scenario
from airguard.world import DECOY_SUFFIX, compile_world

FLAGSHIP = Path(__file__).resolve().parents[2] / "scenarios/turkey-patriot-vs-s400/scenario.yaml"
DATA_DIR = Path(str(resources.files("airguard.catalogue") / "data"))
G0 = 9.80665
RHO_4KM = 0.81935  # [US76]
DECOY_MASS, DECOY_AREA, DECOY_CD, SEPARATION = 15.0, math.pi * 0.2**2 / 4.0, 1.0, 20.0


@pytest.fixture(scope="module")
def world():
    scenario = next(s for s in load_scenario(FLAGSHIP) if s.label == "patriot")
    return compile_world(scenario)


@pytest.fixture(scope="module")
def threats(world):
    return draw_threats(world, np.random.default_rng(7))


def _missile_of(world, threats):
    """Each decoy's missile (its index), from the raids: decoys follow every other raid."""
    start = np.concatenate([[0], np.cumsum(world.raids.size)])
    out = {}
    for q in np.flatnonzero(world.raids.parent >= 0):
        p = int(world.raids.parent[q])
        per = int(world.raids.size[q] // world.raids.size[p])
        for i in range(int(world.raids.size[q])):
            out[int(start[q] + i)] = int(start[p] + i // per)
    return out


def test_the_flagship_iskanders_carry_four_decoys_each(world, threats):
    names = world.threat_names
    assert "iskander-m" + DECOY_SUFFIX in names
    n_isk = int(np.sum(np.asarray(names)[threats.ttype] == "iskander-m"))
    assert int(threats.decoy.sum()) == 4 * n_isk == 16
    assert world.raid_names[-1].endswith(" decoys")


def test_decoys_leave_at_apogee_with_the_separation_speed_across_the_path(world, threats):
    for j, m in _missile_of(world, threats).items():
        k = int(threats.k_first[j])
        k0, k1 = int(threats.k_first[m]), int(threats.k_last[m])
        assert k == k0 + int(np.argmax(threats.h[m, k0 : k1 + 1]))  # the apogee sample
        dv = threats.vel[j, k] - threats.vel[m, k]
        assert np.linalg.norm(dv) == pytest.approx(SEPARATION, abs=1e-6)
        assert abs(dv @ threats.vel[m, k]) / np.linalg.norm(threats.vel[m, k]) < 1e-6


def test_a_decoy_falls_near_its_terminal_speed_while_its_missile_does_not(world, threats):
    """[TV] at 4 km with [US76] density: 106.9 m/s; the decoy within 5 m/s of it."""
    v_t = math.sqrt(2.0 * DECOY_MASS * G0 / (RHO_4KM * DECOY_CD * DECOY_AREA))
    for j, m in _missile_of(world, threats).items():
        k0, k1 = int(threats.k_first[j]), int(threats.k_last[j])
        h = threats.h[j, k0:k1]
        speed = np.linalg.norm(threats.vel[j, k0:k1], axis=1)
        down = np.flatnonzero(np.diff(h) < 0.0)
        at = down[np.argmax(h[down] < 4000.0)]  # the first sample of the descent below 4 km
        v4 = np.interp(4000.0, [h[at], h[at - 1]], [speed[at], speed[at - 1]])
        assert v4 == pytest.approx(v_t, abs=5.0)
        assert v4 >= v_t - 0.5  # descending into denser air: not slower than terminal
        # the missile (a ballistic coefficient 14 times the decoy's) is still fast there
        apo = int(threats.k_first[j])  # the missile's apogee, where the decoy left it
        km = apo + int(np.argmax(threats.h[m, apo:] < 4000.0))
        assert np.linalg.norm(threats.vel[m, km]) > 500.0
        # and lands first
        assert threats.t_impact[m] < threats.t_impact[j]


def test_drag_tells_the_decoys_long_before_their_missile(world, threats):
    """A decoy slows to DECOY_DRAG_MPS2 high up, its missile only in the dense air."""
    for j, m in _missile_of(world, threats).items():
        t_apo = threats.t_launch[j]
        assert t_apo <= threats.identified_t[j] < threats.identified_t[m] < threats.t_impact[m]
        h_decoy = threats.h[j, int(threats.identified_t[j])]
        h_missile = threats.h[m, int(threats.identified_t[m])]
        assert 30_000.0 < h_decoy < 50_000.0
        assert 15_000.0 < h_missile < 35_000.0


def test_decoys_are_tracked_never_engaged_and_never_harm_anything(world):
    n_isk_rounds = 0
    for rep in range(3):
        res = run_replication(world, world.seed, rep)
        thr = res.threats
        assert np.isfinite(res.first_track[thr.decoy]).mean() > 0.5  # radars see them
        assert not res.impacted[thr.decoy].any()
        assert not np.isfinite(res.killed_at[thr.decoy]).any()
        targets = res.interceptor_first_target
        assert not thr.decoy[targets[targets >= 0]].any()
        # the missile only once drag has told it from its decoys
        for i, j in enumerate(targets.tolist()):
            if j >= 0 and np.isfinite(thr.identified_t[j]) and thr.identified_t[j] > -np.inf:
                assert res.launch_time[i] >= thr.identified_t[j] - 1e-9
                n_isk_rounds += 1
    assert n_isk_rounds > 0


def test_results_count_no_decoy_as_a_threat_or_a_leaker(world):
    tables = run_batch(world, world.seed, [0, 1])
    thr = tables["threats"]
    decoy = np.asarray(thr.column("decoy").to_pylist(), dtype=bool)
    assert decoy.sum() == 32
    leaked = np.asarray(thr.column("leaked").to_pylist(), dtype=bool)
    assert not leaked[decoy].any()
    reps = tables["replications"]
    assert reps.column("threats").to_pylist() == [42, 42]
    assert reps.column("interceptors_at_decoys").to_pylist() == [0, 0]


def test_only_a_ballistic_missile_can_carry_decoys(tmp_path):
    text = (DATA_DIR / "kh-101.yaml").read_text(encoding="utf-8")
    block = (DATA_DIR / "iskander-m.yaml").read_text(encoding="utf-8").split("\ndecoys:\n")[1]
    path = tmp_path / "kh-101.yaml"
    path.write_text(text.rstrip("\n") + "\ndecoys:\n" + block, encoding="utf-8")
    with pytest.raises(InputError, match="decoys"):
        load_entry(path)
