"""Fire doctrine in the engine against closed forms, by construction.

One Patriot battery defends a base against one-way attack drones.  The drone
flies straight and level and the battery's radar measures it without error, so its
track is its path and every round reaches it (misses of micrometres);
the compiled world's single-shot Pk is set to p = 0.6 and the lethal radius
to 100 m, so each round kills independently with probability p.  Then, with
q = 1 − p (the textbook results of salvo and shoot-look-shoot fire, e.g.
A. R. Washburn, *Notes on Firing Theory*, Naval Postgraduate School, 2002,
§1, or any text on the binomial kill chain):

* a salvo of n rounds fired together kills with probability 1 − qⁿ;
* shoot–look–shoot with k rounds and time for all of them kills with
  probability 1 − qᵏ and fires (1 − qᵏ)/p rounds on average (rounds stop at
  the first kill: a truncated geometric count).

Monte Carlo tolerances are four standard errors of the estimate.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from airguard.engine import OUTCOME_NAMES, run_replication
from airguard.scenario import load_scenario
from airguard.world import World, compile_world

P, Q = 0.6, 0.4
REPS = 3000

TEMPLATE = """
name: Doctrine by construction
duration: 20 min
seed: 5
assets:
  - name: Base
    position: {{lat: 37.0, lon: 35.4, alt: 60 m}}
    radius: 1.5 km
units:
  - name: A
    system: patriot
    position: {{lat: 37.01, lon: 35.41, alt: 60 m}}
    heading: 90 deg
    launchers: {launchers}
    inventory: {{pac-2-gem-t: {rounds}}}
    in_flight_retarget: {retarget}
    doctrine:
      drone: {{interceptors: [pac-2-gem-t], salvo: {salvo}, policy: {policy}}}
raids:
  - name: Drones
    threat: shahed-136
    count: {drones}
    launch_area: {{lat: 37.0, lon: 35.95, alt: 400 m, radius: {radius} m}}
    launch_window: {{start: 0 s, end: {window} s}}
    target: Base
"""


def _world(
    *,
    rounds: int,
    salvo: int = 1,
    policy: str = "shoot-shoot",
    launchers: int = 8,
    drones: int = 1,
    window: float = 10.0,
    radius: float = 1000.0,
    retarget: bool = False,
    pk: float = P,
    reload_s: float | None = None,
    assess_s: float | None = None,
) -> World:
    text = TEMPLATE.format(
        rounds=rounds,
        salvo=salvo,
        policy=policy,
        launchers=launchers,
        drones=drones,
        window=window,
        radius=radius,
        retarget=str(retarget).lower(),
    )
    world = compile_world(load_scenario("doctrine.yaml", text=text)[0])
    itc = world.interceptors
    world = dataclasses.replace(
        world,
        interceptors=itc._replace(
            pk=np.full_like(itc.pk, pk), lethal_radius_m=np.full_like(itc.lethal_radius_m, 100.0)
        ),
    )
    # the battery's tracker sees the drones without measurement error (a few mm, micro-
    # radians), so its tracks are the drones' paths: doctrine, not tracking, is tested here
    # (tests/engine/test_engine_tracking.py tests the engine on noisy tracks)
    rad = world.radars
    world = dataclasses.replace(
        world,
        radars=rad._replace(
            sigma_range_m=np.full_like(rad.sigma_range_m, 1e-3),
            sigma_az_rad=np.full_like(rad.sigma_az_rad, 1e-8),
            sigma_el_rad=np.full_like(rad.sigma_el_rad, 1e-8),
        ),
    )
    units = world.units
    if reload_s is not None:
        units = units._replace(reload_s=np.full_like(units.reload_s, reload_s))
    if assess_s is not None:
        units = units._replace(assess_s=np.full_like(units.assess_s, assess_s))
    return dataclasses.replace(world, units=units)


def _campaign(world: World, reps: int = REPS) -> tuple[np.ndarray, np.ndarray, list]:
    kills = np.empty(reps)
    shots = np.empty(reps)
    results = []
    for k in range(reps):
        r = run_replication(world, 11, k)
        kills[k] = np.isfinite(r.killed_at).sum()
        shots[k] = r.outcome.size
        results.append(r)
    return kills, shots, results


def _within(estimate: float, expected: float, sd: float, n: int) -> None:
    assert abs(estimate - expected) < 4.0 * sd / math.sqrt(n), (estimate, expected)


def test_salvo_of_two_kills_with_one_minus_q_squared() -> None:
    """Shoot–shoot, salvo 2: P(kill) = 1 − 0.4² = 0.84, and always 2 rounds."""
    kills, shots, results = _campaign(_world(rounds=2, salvo=2))
    expected = 1.0 - Q**2
    _within(kills.mean(), expected, math.sqrt(expected * (1 - expected)), REPS)
    assert np.all(shots == 2)
    # every round reached the drone: the misses are all far inside the lethal radius
    outcomes = np.concatenate([r.outcome for r in results])
    reached = outcomes != OUTCOME_NAMES.index("target-gone")
    misses = np.concatenate([r.miss_distance for r in results])[reached]
    assert np.all(misses < 1.0)


def test_shoot_look_shoot_matches_the_closed_forms() -> None:
    """Shoot–look–shoot, 3 rounds: P(kill) = 1 − 0.4³ = 0.936; rounds (1 − 0.4³)/0.6 = 1.56."""
    kills, shots, results = _campaign(_world(rounds=3, policy="shoot-look-shoot", salvo=2))
    p_kill = 1.0 - Q**3
    _within(kills.mean(), p_kill, math.sqrt(p_kill * (1 - p_kill)), REPS)
    # rounds fired: 1, 2 or 3 with probabilities p, q p, q² (the third is fired either way)
    dist = np.array([P, Q * P, Q**2])
    mean = float(dist @ [1, 2, 3])
    assert abs(mean - (1 - Q**3) / P) < 1e-12
    sd = math.sqrt(float(dist @ np.array([1, 4, 9])) - mean**2)
    _within(shots.mean(), mean, sd, REPS)
    # one round at a time, despite the salvo of 2 in the rule
    for r in results[:200]:
        assert np.all(np.diff(r.launch_time) > 0.0)


def test_kill_assessment_time_spaces_the_looks() -> None:
    """The next round leaves no earlier than the last one's end plus the assessment time."""
    _, _, results = _campaign(_world(rounds=3, policy="shoot-look-shoot", assess_s=20.0), 200)
    gaps = [
        r.launch_time[k + 1] - r.end_time[k] for r in results for k in range(r.outcome.size - 1)
    ]
    assert gaps
    assert min(gaps) >= 20.0
    assert min(gaps) < 21.0 + 1e-9  # the next fire-control cycle after it (1 s)


def test_launcher_reload_time_delays_the_third_round() -> None:
    """One launcher holds 2 GEM-T; the third round waits for the reload (here 90 s)."""
    # Pk 1e-9: the rounds never kill (a Pk of 0 would not be worth a round at all)
    world = _world(rounds=3, policy="shoot-look-shoot", launchers=1, reload_s=90.0, pk=1e-9)
    _, shots, results = _campaign(world, 50)
    assert np.all(shots == 3)
    for r in results:
        assert r.launch_time[2] - r.launch_time[1] >= 90.0
    # with the catalogue's 60 min reload, the third round never leaves in 20 minutes
    _, shots, _ = _campaign(_world(rounds=3, policy="shoot-look-shoot", launchers=1, pk=1e-9), 50)
    assert np.all(shots == 2)


@pytest.mark.parametrize("retarget", [True, False])
def test_rounds_whose_target_dies_are_redirected_or_destroyed(retarget: bool) -> None:
    """Two drones launched together from within 50 m, 2 rounds fired as one salvo at one, Pk 1.

    The first round kills its drone; the second, still flying, is redirected
    to the other drone (a few tens of metres away) and kills it, or is
    destroyed and the other drone gets through (no rounds are left for it).
    """
    world = _world(rounds=2, salvo=2, drones=2, window=1.0, radius=50.0, pk=1.0, retarget=retarget)
    kills, shots, results = _campaign(world, 30)
    assert np.all(shots == 2)
    gone = OUTCOME_NAMES.index("target-gone")
    for r in results:
        assert r.interceptor_first_target[0] == r.interceptor_first_target[1]
        if retarget:
            assert r.interceptor_target[1] != r.interceptor_first_target[1]
            assert r.outcome[1] == OUTCOME_NAMES.index("kill")
        else:
            assert r.interceptor_target[1] == r.interceptor_first_target[1]
            assert r.outcome[1] == gone
    assert np.all(kills == (2 if retarget else 1))
