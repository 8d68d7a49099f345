"""Hostile aircraft that evade the rounds launched at them (``evade: true``; engine.evasion).

The break's geometry against closed forms (`fly_evasion` on a flight drawn by the engine):

- a level coordinated turn at load factor n has radius V²/(g·√(n² − 1)) (Anderson,
  *Introduction to Flight*, 8th ed., eqs. 6.150-6.152): the radius of the circle through
  three samples of the turn, within 0.5 m;
- the heading turns at ω = g·√(n² − 1)/V until the launch point is on the beam, reached
  at the first sample after ΔΨ/ω (ΔΨ = 90° for a launch point dead ahead, plus the line
  of sight's own turn, under a degree here), and held there;
- the descent at the dive angle γ loses V·sin γ a second and reaches the floor at
  (h₀ − floor)/(V·sin γ); the turn's ground radius in the descent is V·cos γ/ω;
- after the hold it goes direct to its next route point and ends its route at the last.

By construction in the engine (the same replications with one rule changed, `evade`):

- nothing differs before the break: the threats' grids agree sample for sample up to the
  break, which comes the reaction time after the first round's launch (to the grid);
- over many replications an evading aircraft never exceeds its catalogue top speed, never
  goes below its floor (or its route's own heights) and never turns faster than its load
  factor allows between route points;
- a carrier that breaks before its release point releases nothing (an aborted release).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from airguard import geo
from airguard.engine import draw_threats, run_replication
from airguard.engine.evasion import G0_MPS2, break_turn_rate, fly_evasion
from airguard.engine.threats import Threats
from airguard.scenario import load_scenario
from airguard.trajectory import route_distances
from airguard.world import (
    EV_DIVE_RAD,
    EV_FLOOR_M,
    EV_HOLD_S,
    EV_LOAD_FACTOR,
    EV_REACTION_S,
    World,
    compile_world,
)

SEED = 11

# Level at 5 km, due west along 37° N, then north (notional).
LEVEL = (
    "  - name: Strike 1\n"
    "    aircraft: f-16\n"
    "    side: hostile\n"
    "    evade: {evade}\n"
    "    start: 0 s\n"
    "    route:\n"
    "      - {{lat: 37.0, lon: 37.5, alt: 5 km}}\n"
    "      - {{lat: 37.0, lon: 35.5}}\n"
    "      - {{lat: 37.6, lon: 35.5}}\n"
)
# The engaged route of test_hostile_aircraft: from 110 km east of the battery at 9 km,
# inbound and descending to 3 km 25 km east of it, then north.
NEAR = (
    "  - name: Strike 1\n"
    "    aircraft: f-16\n"
    "    side: hostile\n"
    "    evade: {evade}\n"
    "    start: 0 s\n"
    "    route:\n"
    "      - {{lat: 37.10, lon: 36.80, alt: 9 km}}\n"
    "      - {{lat: 37.05, lon: 35.83, alt: 3 km}}\n"
    "      - {{lat: 37.60, lon: 35.83}}\n"
)
RELEASED = (
    "  - name: Stand-off\n"
    "    threat: kh-101\n"
    "    count: 2\n"
    "    launch_from: {flight: Strike 1, point: 3}\n"
    "    target: Base\n"
)


def _world(small_path: Path, tmp: Path, flights: str, name: str, raids: str = "") -> World:
    text = small_path.read_text(encoding="utf-8").replace("duration: 10 min", "duration: 30 min")
    text = text.replace(
        "variants:", raids + "iff_reliability: 1.0\nflights:\n" + flights + "variants:", 1
    )
    path = tmp / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    (scenario,) = load_scenario(path, variant="patriot")
    return compile_world(scenario)


@pytest.fixture(scope="module")
def worlds(small_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    tmp = tmp_path_factory.mktemp("evasion")
    return {
        "level": _world(small_path, tmp, LEVEL.format(evade="true"), "level"),
        "evade": _world(small_path, tmp, NEAR.format(evade="true"), "evade"),
        "plain": _world(small_path, tmp, NEAR.format(evade="false"), "plain"),
        "carrier": _world(small_path, tmp, NEAR.format(evade="true"), "carrier", RELEASED),
    }


class Flown:
    """A flight drawn by the engine, then made to break at sample k0 by `fly_evasion`."""

    def __init__(self, world: World, k0: int, launch_deg: tuple[float, float], **fig: float):
        self.thr: Threats = draw_threats(world, np.random.default_rng(0))
        self.j = int(np.flatnonzero(self.thr.target < 0)[0])
        ty = int(self.thr.ttype[self.j])
        self.fig = world.threat_types.evasion[ty].copy()
        for name, value in fig.items():
            self.fig[{"floor": EV_FLOOR_M, "hold": EV_HOLD_S, "dive": EV_DIVE_RAD}[name]] = value
        self.max_speed = float(world.threat_types.max_speed_mps[ty])
        self.speed = float(np.linalg.norm(self.thr.vel[self.j, k0]))
        self.h0 = float(self.thr.h[self.j, k0])
        self.k0 = k0
        self.launch = geo.geodetic2ecef(launch_deg[0], launch_deg[1], 0.0)
        raids = world.raids
        q = int(np.flatnonzero(raids.target < 0)[0])
        s0, nw = int(raids.wp_start[q]), int(raids.wp_count[q])
        self.route_lat = np.concatenate([[raids.lat_rad[q]], raids.wp_lat_rad[s0 : s0 + nw]])
        self.route_lon = np.concatenate([[raids.lon_rad[q]], raids.wp_lon_rad[s0 : s0 + nw]])
        self.route_h = np.concatenate([[raids.alt_m[q]], raids.wp_alt_m[s0 : s0 + nw]])
        self.route_speed = float(world.threat_types.speed_mps[ty])
        # the route point ahead at the break (constant speed along the route, as flown)
        flown = (k0 * 1.0 - float(self.thr.t_launch[self.j])) * self.route_speed
        ahead = np.flatnonzero(route_distances(self.route_lat, self.route_lon) > flown)
        fly_evasion(
            self.thr, self.j, k0, self.launch, self.fig, self.max_speed, self.route_lat,
            self.route_lon, self.route_h, self.route_speed, int(ahead[0]),
        )  # fmt: skip
        self.omega = break_turn_rate(self.speed, float(self.fig[EV_LOAD_FACTOR]))

    def enu(self, k: np.ndarray | slice) -> np.ndarray:
        """Positions (east, north, up), m, about the break's point."""
        lat, lon, h = geo.ecef2geodetic(self.thr.pos[self.j, self.k0])
        return geo.ecef2enu(self.thr.pos[self.j, k], float(lat), float(lon), float(h))

    def heading(self, ks: np.ndarray) -> np.ndarray:
        """Headings (rad from the local north) of the velocity at samples ks, unwrapped."""
        lat, lon, _ = geo.ecef2geodetic(self.thr.pos[self.j, ks])
        out = np.empty(ks.size)
        for i, k in enumerate(ks):
            v = geo.enu_basis(float(lat[i]), float(lon[i])) @ self.thr.vel[self.j, k]
            out[i] = math.atan2(v[0], v[1])
        return np.unwrap(out)

    def beam_cos(self, k: np.ndarray | slice) -> np.ndarray:
        """Cosine of the angle between the velocity and the line of sight to the launch point."""
        v = self.thr.vel[self.j, k]
        d = self.launch - self.thr.pos[self.j, k]
        return np.einsum("ij,ij->i", v, d) / (np.linalg.norm(v, axis=1) * np.linalg.norm(d, axis=1))


def _circle_radius(p: np.ndarray) -> float:
    """Radius of the circle through three points (x, y): abc / (4 × area)."""
    a = np.linalg.norm(p[1] - p[2])
    b = np.linalg.norm(p[0] - p[2])
    c = np.linalg.norm(p[0] - p[1])
    u, v = p[1] - p[0], p[2] - p[0]
    area = 0.5 * abs(u[0] * v[1] - u[1] * v[0])
    return float(a * b * c / (4.0 * area))


def test_a_level_break_turn_has_the_load_factors_radius(worlds: dict[str, World]) -> None:
    # dead ahead (due west, 150 km on), so the beam is a quarter turn away; a floor above
    # it: level
    f = Flown(worlds["level"], 30, (37.0, 35.6), floor=1e5, hold=60.0)
    n = float(f.fig[EV_LOAD_FACTOR])
    radius = f.speed**2 / (G0_MPS2 * math.sqrt(n * n - 1.0))  # 250 m/s, 6 g: 1,077 m
    t_turn = (0.5 * math.pi) / f.omega  # 6.8 s
    last = f.k0 + int(math.floor(t_turn))
    xy = f.enu(slice(f.k0, last + 1))[:, :2]
    mid = (last - f.k0) // 2
    assert _circle_radius(xy[[0, mid, -1]]) == pytest.approx(radius, abs=0.5)
    np.testing.assert_allclose(f.thr.h[f.j, f.k0 : last + 5], f.h0, atol=1e-6)  # level


def test_the_heading_reaches_the_beam_in_the_turn_time_and_holds_it(
    worlds: dict[str, World],
) -> None:
    f = Flown(worlds["level"], 30, (37.0, 35.6), floor=1e5, hold=60.0)
    t_turn = (0.5 * math.pi) / f.omega
    ks = np.arange(f.k0, f.k0 + 60)
    psi = f.heading(ks)
    turning = ks - f.k0 < math.floor(t_turn)
    # at the load factor's rate, ω t, while turning (to 1e-6 rad)
    np.testing.assert_allclose(
        np.abs(psi[turning] - psi[0]), f.omega * (ks[turning] - f.k0), atol=1e-6
    )
    beam = np.abs(f.beam_cos(ks)) < 5e-3  # on the beam to 0.3° (spherical bearings)
    first = int(ks[np.argmax(beam)])
    # the line of sight turns by under a degree in the turn: ΔΨ is 90° to within 1°
    assert math.ceil(t_turn) <= first - f.k0 <= math.ceil((0.5 * math.pi + 0.02) / f.omega)
    assert beam[ks >= first].all()  # held through the hold


def test_the_descent_reaches_the_floor_at_the_dive_angles_time(worlds: dict[str, World]) -> None:
    f = Flown(worlds["level"], 30, (37.0, 35.6), hold=200.0)
    gamma, floor = float(f.fig[EV_DIVE_RAD]), float(f.fig[EV_FLOOR_M])
    t_floor = (f.h0 - floor) / (f.speed * math.sin(gamma))  # 4,700 m at 64.7 m/s: 72.6 s
    ks = np.arange(f.k0, f.k0 + 150)
    h = f.thr.h[f.j, ks]
    diving = ks - f.k0 < t_floor
    np.testing.assert_allclose(
        h[diving], f.h0 - f.speed * math.sin(gamma) * (ks[diving] - f.k0), atol=1e-6
    )
    np.testing.assert_allclose(h[~diving], floor, atol=1e-6)
    assert int(ks[np.argmax(~diving)]) - f.k0 == math.ceil(t_floor)
    # the descending turn's ground radius: V cos γ / ω
    t_turn = (0.5 * math.pi) / f.omega
    last = f.k0 + int(math.floor(t_turn))
    xy = f.enu(slice(f.k0, last + 1))[:, :2]
    mid = (last - f.k0) // 2
    radius = f.speed * math.cos(gamma) / f.omega
    assert _circle_radius(xy[[0, mid, -1]]) == pytest.approx(radius, abs=0.5)


def test_after_the_hold_it_flies_on_to_its_route_points(worlds: dict[str, World]) -> None:
    f = Flown(worlds["level"], 30, (37.0, 35.6))
    thr, j = f.thr, f.j
    assert math.isfinite(thr.t_impact[j])
    # the route's last point (37.6 N, 35.5 E) at its height, 5 km
    end = geo.geodetic2ecef(37.6, 35.5, 5000.0)
    assert np.linalg.norm(thr.impact_pos[j] - end) < 1.0
    # it passes its next point (37.0 N, 35.5 E) within a grid step's flight
    turn = geo.geodetic2ecef(37.0, 35.5, 5000.0)
    k1 = int(thr.k_last[j])
    gap = np.linalg.norm(thr.pos[j, f.k0 : k1] - turn, axis=1).min()
    assert gap < f.route_speed * 1.0


@pytest.mark.parametrize("case", range(60))
def test_limits_hold_whatever_the_geometry(worlds: dict[str, World], case: int) -> None:
    """Random launch points, break times and figures within the catalogue's ranges."""
    rng = np.random.default_rng(1000 + case)
    world = worlds["evade"] if case % 2 else worlds["level"]
    probe = draw_threats(world, np.random.default_rng(0))
    j = int(np.flatnonzero(probe.target < 0)[0])
    k0 = int(rng.integers(probe.k_first[j] + 1, probe.k_last[j] - 2))
    lat, lon, _ = geo.ecef2geodetic(probe.pos[j, k0])
    launch = (float(lat) + rng.uniform(-1.0, 1.0), float(lon) + rng.uniform(-1.0, 1.0))
    fig = {
        "floor": rng.uniform(100.0, 1000.0),
        "hold": rng.uniform(10.0, 45.0),
        "dive": math.radians(rng.uniform(5.0, 30.0)),
    }
    f = Flown(world, k0, launch, **fig)
    thr = f.thr
    k1 = int(thr.k_last[j])
    ks = np.arange(k0, k1 + 1)
    speed = np.linalg.norm(thr.vel[j, ks], axis=1)
    assert speed.max() <= f.max_speed * (1.0 + 1e-9)
    assert thr.h[j, ks].min() >= min(fig["floor"], f.route_h.min(), f.h0) - 1e-6
    # the turn rate between samples away from the route's corners: at most ω (+ the
    # heading's own change on the ellipsoid, under 1e-4 rad a second at these speeds)
    lat_k, lon_k, _ = geo.ecef2geodetic(thr.pos[j, ks])
    away = np.array(
        [
            min(geo.great_circle_distance_m(a, b, np.degrees(f.route_lat), np.degrees(f.route_lon)))
            > 2.0 * speed.max()
            for a, b in zip(lat_k, lon_k, strict=True)
        ]
    )
    ok = away[:-1] & away[1:]
    dpsi = np.abs(np.diff(f.heading(ks)))
    assert (dpsi[ok] <= f.omega * 1.0 + 1e-3).all(), dpsi[ok].max()


REPS = 200


@pytest.fixture(scope="module")
def engaged(worlds: dict[str, World]) -> dict[str, list]:  # type: ignore[type-arg]
    return {
        name: [run_replication(worlds[name], SEED, r) for r in range(REPS)]
        for name in ("plain", "evade")
    }


def test_nothing_differs_before_the_break(
    worlds: dict[str, World],
    engaged: dict[str, list],  # type: ignore[type-arg]
) -> None:
    broke = 0
    for plain, evade in zip(engaged["plain"], engaged["evade"], strict=True):
        j = int(np.flatnonzero(plain.threats.target < 0)[0])
        assert evade.t_break is not None
        assert plain.t_break is None
        # the first round at it: at the same instant in both (nothing differed before)
        assert evade.first_engaged[j] == plain.first_engaged[j]
        tb = evade.t_break[j]
        reaction = worlds["evade"].threat_types.evasion[plain.threats.ttype[j], EV_REACTION_S]
        if not math.isfinite(tb):  # never fired at, or its route ends before the break
            t_eng = plain.first_engaged[j]
            assert not math.isfinite(t_eng) or t_eng + reaction + 2.0 >= plain.threats.t_impact[j]
            continue
        broke += 1
        assert tb >= plain.first_engaged[j] + reaction - 1e-6
        # the first grid sample after it that no look has read: within two samples
        assert tb <= math.ceil(plain.first_engaged[j] + reaction) + 2.0
        k = int(round(tb))
        for name in ("pos", "vel", "h"):
            a, b = getattr(evade.threats, name), getattr(plain.threats, name)
            np.testing.assert_array_equal(a[j, :k], b[j, :k])
    assert broke > 0


def test_kill_probability_with_and_without_evasion(engaged: dict[str, list]) -> None:  # type: ignore[type-arg]
    """The same replications with one rule changed (`evade`); the measured figures are
    printed, not asserted (the test asserts only that the rule acts)."""

    def figures(runs: list) -> tuple[float, float, float]:  # type: ignore[type-arg]
        killed, rounds, when = [], [], []
        for r in runs:
            j = int(np.flatnonzero(r.threats.target < 0)[0])
            killed.append(math.isfinite(r.killed_at[j]))
            rounds.append(int((r.interceptor_first_target == j).sum()))
            if killed[-1]:
                when.append(r.killed_at[j])
        return float(np.mean(killed)), float(np.mean(rounds)), float(np.mean(when or [np.nan]))

    p0, n0, t0 = figures(engaged["plain"])
    p1, n1, t1 = figures(engaged["evade"])
    print(
        f"\nF-16 over {REPS} replications: shot down {p0:.3f} plain, {p1:.3f} evading; "
        f"rounds fired at it {n0:.2f}, {n1:.2f}; mean time shot down {t0:.1f} s, {t1:.1f} s"
    )
    # the rule changes something: some replication's outcome differs
    differ = sum(
        not np.array_equal(a.killed_at, b.killed_at) or a.launch_time.size != b.launch_time.size
        for a, b in zip(engaged["plain"], engaged["evade"], strict=True)
    )
    assert differ > 0


def test_an_evading_aircraft_keeps_its_limits_in_the_engine(
    worlds: dict[str, World],
    engaged: dict[str, list],  # type: ignore[type-arg]
) -> None:
    world = worlds["evade"]
    checked = 0
    for r in engaged["evade"]:
        thr = r.threats
        j = int(np.flatnonzero(thr.target < 0)[0])
        ty = int(thr.ttype[j])
        k0, k1 = int(thr.k_first[j]), int(thr.k_last[j])
        speed = np.linalg.norm(thr.vel[j, k0 : k1 + 1], axis=1)
        assert speed.max() <= world.threat_types.max_speed_mps[ty] * (1.0 + 1e-9)
        floor = world.threat_types.evasion[ty, EV_FLOOR_M]
        assert thr.h[j, k0 : k1 + 1].min() >= min(floor, 3000.0) - 1e-6
        if r.t_break is None or not math.isfinite(r.t_break[j]):
            continue
        checked += 1
        # from the break on (the path flown, or planned past a kill), away from the route's
        # corners: turning at most at ω
        kb = int(round(r.t_break[j]))
        ks = np.arange(kb, k1 + 1)
        omega = break_turn_rate(
            float(speed[kb - k0]), float(world.threat_types.evasion[ty, EV_LOAD_FACTOR])
        )
        lat, lon, _ = geo.ecef2geodetic(thr.pos[j, ks])
        corners = ((37.10, 36.80), (37.05, 35.83), (37.60, 35.83))
        away = np.array(
            [
                min(geo.great_circle_distance_m(a, b, c, d) for c, d in corners) > 2.0 * speed.max()
                for a, b in zip(lat, lon, strict=True)
            ]
        )
        psi = np.empty(ks.size)
        for i, k in enumerate(ks):
            v = geo.enu_basis(float(lat[i]), float(lon[i])) @ thr.vel[j, k]
            psi[i] = math.atan2(v[0], v[1])
        dpsi = np.abs(np.diff(np.unwrap(psi)))
        ok = away[:-1] & away[1:]
        assert (dpsi[ok] <= omega + 1e-3).all()
    assert checked > 0


def test_a_carrier_that_breaks_before_its_release_point_releases_nothing(
    worlds: dict[str, World],
) -> None:
    aborted = 0
    for rep in range(40):
        r = run_replication(worlds["carrier"], SEED, rep)
        thr = r.threats
        weapons = np.flatnonzero(thr.carrier >= 0)
        plane = int(thr.carrier[weapons[0]])
        assert r.t_break is not None
        assert r.unreleased is not None
        gone = min(r.killed_at[plane], r.t_break[plane])
        expected = gone < thr.t_launch[weapons]
        np.testing.assert_array_equal(r.unreleased[weapons], expected)
        aborted += int((r.t_break[plane] < thr.t_launch[weapons]).sum())
        never = weapons[expected]
        assert not np.isfinite(r.first_detection[never]).any()
        assert not r.impacted[never].any()
    assert aborted > 0
