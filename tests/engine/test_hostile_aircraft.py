"""Hostile aircraft (``flights:`` with ``side: hostile``): flown at their route's heights,
engaged by the same fire control as any threat, scored as shot down or surviving.

By construction, one rule at a time, on the small scenario (one Patriot battery at Base):

- a route's heights are flown: at each route point the flight is at the point's altitude,
  linearly in route distance between points, and a point without an altitude keeps the
  previous one (so a route giving only its first altitude is flown level, as before);
- the same F-16 route, hostile, is engaged and shot down by the battery; friendly (with
  perfect identification) it is never fired at; the Scuds' and drones' counts and the
  leak figures do not count it either way;
- a hostile aircraft far out of reach is never engaged and is no leaker: it survives.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard import geo
from airguard.engine import draw_threats
from airguard.montecarlo.campaign import simulate
from airguard.scenario import Position, load_scenario, route_heights
from airguard.world import World, compile_world

REPS = 12
SEED = 11

# From 110 km east of the battery at 9 km, inbound and descending to 3 km 25 km east of it,
# then north: inside the GEM-T's reach for minutes (notional route).
NEAR = (
    "  - name: Strike 1\n"
    "    aircraft: f-16\n"
    "    side: {side}\n"
    "    start: 0 s\n"
    "    route:\n"
    "      - {{lat: 37.10, lon: 36.80, alt: 9 km}}\n"
    "      - {{lat: 37.05, lon: 35.83, alt: 3 km}}\n"
    "      - {{lat: 37.60, lon: 35.83}}\n"
)
# Far to the north-west, some 300 km from the battery.
FAR = (
    "  - name: Transit\n"
    "    aircraft: f-16\n"
    "    side: hostile\n"
    "    start: 0 s\n"
    "    route:\n"
    "      - {lat: 39.5, lon: 33.0, alt: 8 km}\n"
    "      - {lat: 39.5, lon: 34.0}\n"
)


def _scenario_path(small_path: Path, tmp: Path, flights: str, name: str) -> Path:
    text = small_path.read_text(encoding="utf-8")
    text = text.replace("variants:", "iff_reliability: 1.0\nflights:\n" + flights + "variants:", 1)
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _world(path: Path) -> World:
    (scenario,) = load_scenario(path, variant="patriot")
    return compile_world(scenario)


@pytest.fixture(scope="module")
def paths(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    return {
        "hostile": _scenario_path(small_path, tmp, NEAR.format(side="hostile"), "hostile"),
        "friendly": _scenario_path(small_path, tmp, NEAR.format(side="friendly"), "friendly"),
        "far": _scenario_path(small_path, tmp, FAR, "far"),
    }


def test_route_heights_carry_the_last_altitude_given() -> None:
    route = [
        Position(lat=0.0, lon=0.0, alt="9000 m"),
        Position(lat=0.0, lon=1.0),
        Position(lat=0.0, lon=2.0, alt="3000 m"),
        Position(lat=0.0, lon=3.0),
    ]
    assert route_heights(route) == [9000.0, 9000.0, 3000.0, 3000.0]
    assert route_heights([Position(lat=0.0, lon=0.0), Position(lat=0.0, lon=1.0)]) == [0.0, 0.0]


def test_a_route_is_flown_at_its_points_heights(paths: dict[str, Path]) -> None:
    world = _world(paths["hostile"])
    thr = draw_threats(world, np.random.default_rng(0))
    j = int(np.flatnonzero(thr.target < 0)[0])
    assert not thr.friendly[j]
    k0, k1 = int(thr.k_first[j]), int(thr.k_last[j])
    h = thr.h[j, k0:k1]
    lat, lon, _ = geo.ecef2geodetic(thr.pos[j, k0:k1])
    # the route's length to its turn (great circles on the mean sphere, as flown)
    leg1 = geo.great_circle_distance_m(37.10, 36.80, 37.05, 35.83)
    leg2 = geo.great_circle_distance_m(37.05, 35.83, 37.60, 35.83)
    speed = leg1 / (np.argmin(np.abs(lon - 35.83) + np.abs(lat - 37.05)) * world.step_s)
    assert h[0] == pytest.approx(9000.0, abs=1.0)
    # descending at a constant slope over the first leg: (9 - 3) km over its length
    slope = (h[1:] - h[:-1]) / (speed * world.step_s)
    first_leg = lon[1:] > 35.84
    np.testing.assert_allclose(slope[first_leg], -6000.0 / leg1, rtol=0.02)
    # then level at 3 km (the last point gives no altitude: it keeps the previous one)
    second_leg = lon[:-1] <= 35.8301
    np.testing.assert_allclose(h[:-1][second_leg], 3000.0, atol=1.0)
    flown = float(thr.t_impact[j] - thr.t_launch[j])
    assert flown == pytest.approx(
        (leg1 + leg2) / world.threat_types.speed_mps[thr.ttype[j]], rel=0.01
    )


def test_a_hostile_aircraft_is_engaged_and_shot_down_a_friendly_one_never_fired_at(
    paths: dict[str, Path],
) -> None:
    hostile = simulate(_world_scenario(paths["hostile"]), REPS, seed=SEED, workers=1)
    friendly = simulate(_world_scenario(paths["friendly"]), REPS, seed=SEED, workers=1)
    h, f = hostile.summary.extra, friendly.summary.extra
    assert h["aircraft"] == 1.0
    # the battery's GEM-T reach the F-16 for minutes: shot down in most replications
    assert h["p_aircraft_killed"]["p"] >= 0.75, h["p_aircraft_killed"]
    assert "aircraft_killed" not in f
    assert f["fratricides"]["mean"] == 0.0
    # neither counts as a threat or a leaker type
    for run in (hostile, friendly):
        assert "f-16" not in run.summary.leakers_mean
        assert set(run.summary.leakers_mean) == {"scud-b", "shahed-136"}


def _world_scenario(path: Path):  # type: ignore[no-untyped-def]
    (scenario,) = load_scenario(path, variant="patriot")
    return scenario


def test_hostile_aircraft_in_the_tables(paths: dict[str, Path], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    run = simulate(_world_scenario(paths["hostile"]), 6, seed=SEED, workers=1, out=tmp_path)
    reps = pq.read_table(tmp_path / "replications").to_pandas()
    thr = pq.read_table(tmp_path / "threats").to_pandas()
    eng = pq.read_table(tmp_path / "engagements").to_pandas()
    assert (reps["threats"] == 6).all()  # four Scuds and two drones: not the aircraft
    assert (reps["aircraft"] == 1).all()
    air = thr[thr["aircraft"]]
    assert len(air) == 6
    assert air["target"].isna().all()
    assert not air["friendly"].any()
    assert not air["leaked"].any()
    assert (reps["aircraft_killed"].to_numpy() == air["killed"].to_numpy().astype(int)).all()
    assert (reps["killed"] + reps["aircraft_killed"]).to_numpy().tolist() == (
        thr.groupby("replication")["killed"].sum().to_numpy().tolist()
    )
    # killed ones were engaged, and only by rounds fired at an aircraft the battery saw
    assert set(air.loc[air["killed"], "fate"]) == {"killed"}
    shots = eng[eng["target_type"] == "f-16"]
    assert len(shots) > 0
    assert (shots["launch_time_s"] >= 0.0).all()
    # no round ends above its reach against the aircraft (its route tops out at 9 km)
    assert (shots["end_alt_m"].dropna() < 9_500.0).all()
    assert run.summary.extra["aircraft_killed"]["mean"] == pytest.approx(
        air["killed"].mean(), abs=1e-12
    )
    # a replay reproduces a replication whose aircraft was shot down (its stored outcome
    # counts threats aimed at an asset, as the replay's check does)
    from airguard.studies.replay import replay

    rep = int(reps.loc[reps["aircraft_killed"] > 0, "replication"].iloc[0])
    assert replay(tmp_path, rep).n_events > 0


def test_a_hostile_aircraft_out_of_reach_survives_and_leaks_nothing(
    paths: dict[str, Path], tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    run = simulate(_world_scenario(paths["far"]), 6, seed=SEED, workers=1, out=tmp_path)
    thr = pq.read_table(tmp_path / "threats").to_pandas()
    air = thr[thr["aircraft"]]
    assert len(air) == 6
    assert not air["killed"].any()
    assert not air["leaked"].any()
    assert air["first_engaged_s"].isna().all()
    assert set(air["fate"]) <= {"undetected", "out-of-reach", "untracked"}
    assert run.summary.extra["aircraft_killed"]["mean"] == 0.0
    assert math.isfinite(run.summary.extra["p_aircraft_killed"]["ci95"][1])


# The same hostile F-16 carries two Kh-101s and releases them at its third route point,
# some 75 km north-east of Base (about t = 590 s).
CARRIER = NEAR.format(side="hostile")
RELEASED = (
    "  - name: Stand-off\n"
    "    threat: kh-101\n"
    "    count: 2\n"
    "    launch_from: {flight: Strike 1, point: 3}\n"
    "    target: Base\n"
)


def _carrier_world(small_path: Path, tmp: Path, unit_extra: str, name: str) -> World:
    text = small_path.read_text(encoding="utf-8").replace("duration: 10 min", "duration: 30 min")
    text = text.replace(
        "    heading: 110 deg\nraids:", f"    heading: 110 deg\n{unit_extra}raids:", 1
    )
    text = text.replace(
        "variants:", RELEASED + "iff_reliability: 1.0\nflights:\n" + CARRIER + "variants:", 1
    )
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return _world(path)


@pytest.fixture(scope="module")
def carriers(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    tmp = tmp_path_factory.mktemp("carrier")
    # unable to shoot aircraft: its only round for them, GEM-T, is not in its inventory
    unarmed = (
        "    inventory: {pac-3-mse: 16, pac-2-gem-t: 0}\n"
        "    doctrine: {aircraft: {interceptors: [pac-2-gem-t]}}\n"
    )
    return {
        "spared": _carrier_world(small_path, tmp, unarmed, "spared"),
        "engaged": _carrier_world(small_path, tmp, "", "engaged"),
    }


def test_a_carrier_releases_its_weapons_where_and_when_it_passes_the_point(
    carriers: dict[str, World],
) -> None:
    from airguard.engine import run_replication

    world = carriers["spared"]
    leg1 = geo.great_circle_distance_m(37.10, 36.80, 37.05, 35.83)
    leg2 = geo.great_circle_distance_m(37.05, 35.83, 37.60, 35.83)
    t_release = float(
        (leg1 + leg2) / world.threat_types.speed_mps[world.threat_names.index("f-16")]
    )
    for rep in range(4):
        r = run_replication(world, SEED, rep)
        thr = r.threats
        weapons = np.flatnonzero(thr.carrier >= 0)
        assert weapons.size == 2
        (plane,) = set(thr.carrier[weapons].tolist())
        assert thr.target[plane] < 0
        assert not np.isfinite(r.killed_at[plane])  # nothing could shoot it
        np.testing.assert_allclose(thr.t_launch[weapons], t_release, atol=1e-6)
        k = thr.k_first[weapons]
        lat, lon, h = geo.ecef2geodetic(thr.pos[weapons, k])
        # released at the point, at the height flown there (3 km: the point gives none)
        np.testing.assert_allclose(lat, 37.60, atol=0.02)
        np.testing.assert_allclose(lon, 35.83, atol=0.02)
        np.testing.assert_allclose(h, 3000.0, atol=300.0)
        assert r.unreleased is not None
        assert not r.unreleased.any()


def test_weapons_are_never_released_when_their_carrier_is_shot_down_first(
    carriers: dict[str, World],
) -> None:
    from airguard.engine import run_replication
    from airguard.engine.chain import FATES

    saved = 0
    for rep in range(REPS):
        r = run_replication(carriers["engaged"], SEED, rep)
        thr = r.threats
        weapons = np.flatnonzero(thr.carrier >= 0)
        plane = int(thr.carrier[weapons[0]])
        expected = r.killed_at[plane] < thr.t_launch[weapons]
        assert r.unreleased is not None
        np.testing.assert_array_equal(r.unreleased[weapons], expected)
        never = weapons[expected]
        saved += never.size
        # never released: never seen, never engaged, never killed, never landed
        assert not np.isfinite(r.first_detection[never]).any()
        assert not np.isfinite(r.killed_at[never]).any()
        assert not r.impacted[never].any()
        assert not r.fired_at[never].any()
        assert {FATES[f] for f in r.fate[never]} <= {"unreleased"}
    # the battery shoots the F-16 down before its release point in most replications
    assert saved >= REPS
