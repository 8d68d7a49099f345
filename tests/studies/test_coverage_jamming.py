"""Coverage maps under a scenario's stand-off jammers, against the closed form.

A stand-off jammer (its range fixed while the target closes) leaves S/(N + J) =
s1 / (R⁴ (1 + J/N)), so the range at which the required SNR is reached, unjammed R0,
becomes the stand-off burn-through range

    R_bt = R0 (1 + J/N g)^(-1/4),

g = 1 through the mainlobe and the radar's sidelobe level (after any sidelobe canceller)
otherwise (Mahafza, *Radar Systems Analysis and Design Using MATLAB*, 2nd ed., 2005,
ch. 2, eqs. 2.55-2.58; `airguard.radar.burn_through_range_m` with ``jammer_range_m`` set,
validated in tests/validation/test_jamming_burn_through.py).  R0 is the catalogue's
calibration, R_ref (σ/σ_ref)^(1/4) = 107.0 km for a Scud against the AN/MPQ-65 at the
reference P_D 0.5 (Skolnik, *Introduction to Radar Systems*, 3rd ed., eq. 2.61; the
unjammed test in tests/studies/test_coverage.py).  The map's detection edge (P_D >= 0.5)
along a radial must fall at R_bt within one cell diagonal (0.71 km at 500 m cells), slant
ranges and directions from pymap3d (independent of airguard's geodesy).
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pymap3d
import pytest

from airguard.catalogue import default_catalogue
from airguard.scenario import load_scenario
from airguard.studies.coverage import Coverage, coverage_grid, jammer_on
from airguard.world import World, compile_world

RE_M = 6_371_008.8
SITE = (37.5, 35.41)  # unit site (lat, lon), degrees, at 0 m
ANTENNA_M = 4.0  # AN/MPQ-65 phase centre above its site (catalogue)
H_T = 3_000.0  # target altitude, m
RESOLUTION_M = 500.0
CANCELLER_DB = 20.0

SCENARIO = """
name: Coverage under jamming
duration: 40 min
seed: 7
assets:
  - name: Base
    position: {{lat: 37.5, lon: 35.40, alt: 20 m}}
    radius: 1.5 km
units:
  - name: Battery
    system: patriot
    position: {{lat: 37.5, lon: 35.41, alt: 0 m}}
    heading: 90 deg
raids:
  - name: Scuds
    threat: scud-b
    count: 2
    launch_area: {{lat: 36.0, lon: 37.0, alt: 400 m, radius: 10 km}}
    launch_window: {{start: 0 s, end: 60 s}}
    target: Base
{flights}
{jammers}
"""


def _world(directory: Path, name: str, jammers: str = "", flights: str = "") -> World:
    path = directory / f"{name}.yaml"
    path.write_text(SCENARIO.format(jammers=jammers, flights=flights), encoding="utf-8")
    (scenario,) = load_scenario(path)
    return compile_world(scenario)


def _jammer(lat: float, lon: float, alt_m: float, extra: str = "") -> str:
    return (
        "jammers:\n  - {name: Orbit, system: growler-jammer, "
        f"position: {{lat: {lat:.6f}, lon: {lon:.6f}, alt: {alt_m:.1f} m}}{extra}}}\n"
    )


def _r0_km() -> float:
    cat = default_catalogue()
    radar = cat.defence("patriot").radars["an-mpq-65"]
    scud = cat.threat("scud-b")
    assert radar.reference_pd.value == 0.5
    return float(
        radar.reference_range.value * (scud.rcs.value / radar.reference_rcs.value) ** 0.25 / 1e3
    )


def _box(half_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(half_km * 1e3 / RE_M)
    dlon = dlat / math.cos(math.radians(SITE[0]))
    return (SITE[0] - dlat, SITE[1] - dlon, SITE[0] + dlat, SITE[1] + dlon)


def _map(world: World, time_s: float | None = None, jamming: bool = True) -> Coverage:
    return coverage_grid(
        world, bounds=_box(125.0), resolution_m=RESOLUTION_M, altitude_m=H_T, time_s=time_s,
        jamming=jamming,
    )  # fmt: skip


def _geometry(cov: Coverage) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ny, nx) slant range (km) and azimuth (deg) of each cell from the antenna, and the
    (ny, nx, 3) unit ECEF direction to it."""
    lat, lon = np.meshgrid(cov.lat_deg, cov.lon_deg, indexing="ij")
    az, _, srange = pymap3d.geodetic2aer(lat, lon, H_T, SITE[0], SITE[1], ANTENNA_M)
    site = np.array(pymap3d.geodetic2ecef(SITE[0], SITE[1], ANTENNA_M))
    cells = np.stack(pymap3d.geodetic2ecef(lat, lon, np.full(lat.shape, H_T)), axis=-1)
    d = cells - site
    return srange / 1e3, az, d / np.linalg.norm(d, axis=-1, keepdims=True)


def _edge_km(cov: Coverage, wedge: np.ndarray, slant_km: np.ndarray) -> tuple[float, float]:
    """The farthest cell of `wedge` detected and the nearest beyond 10 km not detected."""
    seen = cov.footprint("Battery", "scud-b", "detection")
    return (
        float(slant_km[wedge & seen].max()),
        float(slant_km[wedge & ~seen & (slant_km > 10.0)].min()),
    )


def _tolerance_km(cov: Coverage) -> float:
    dy, dx = cov.cell_size_m
    return math.hypot(dy, dx) / 1e3


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    d = tmp_path_factory.mktemp("jam")
    r0 = _r0_km() * 1e3
    # mainlobe: a jammer 250 km out on the line of sight to a target at 3 km altitude
    # half-way to R0 along azimuth 90°, so that the radial's edge cells are in its beam
    el = math.degrees(math.asin((H_T - ANTENNA_M) / (0.5 * r0)))  # near enough: in the beam
    lat, lon, alt = pymap3d.aer2geodetic(90.0, el, 250e3, SITE[0], SITE[1], ANTENNA_M)
    side_lat, side_lon, side_alt = pymap3d.aer2geodetic(120.0, 2.0, 250e3, *SITE, ANTENNA_M)
    side = (float(side_lat), float(side_lon), float(side_alt))
    return {
        "none": _world(d, "none"),
        "main": _world(d, "main", _jammer(float(lat), float(lon), float(alt))),
        "side": _world(d, "side", _jammer(*side)),
        "late": _world(d, "late", _jammer(*side, ", start: 50 min")),
        "at-20-min": _world(d, "at-20-min", _jammer(*side, ", start: 20 min")),
    }


def test_a_mainlobe_jammer_moves_the_edge_to_the_stand_off_burn_through_range(
    worlds: dict[str, World],
) -> None:
    """J/N = 15 (11.8 dB) through the mainlobe: R_bt = 107.0 km × 16^(-1/4) = 53.5 km on the
    cells in the jammer's beam (a World with the jammer's J/N replaced by 15: the catalogue's
    Growler-class jammer is 50 dB at 250 km, and would leave 6 km)."""
    w = worlds["main"]
    jn = 15.0
    weak = dataclasses.replace(
        w, radars=w.radars._replace(jam_jn=np.full_like(w.radars.jam_jn, jn))
    )
    cov = _map(weak)
    slant_km, _, u = _geometry(cov)
    beam = np.einsum("ijk,k->ij", u, w.radars.jam_dir[0, 0]) >= w.radars.jam_cos[0]
    r_bt = _r0_km() * (1.0 + jn) ** -0.25
    assert r_bt == pytest.approx(53.5, abs=0.05)
    assert beam.sum() > 10
    inside, outside = _edge_km(cov, beam, slant_km)
    tol = _tolerance_km(cov)
    assert inside == pytest.approx(r_bt, abs=tol)
    assert outside == pytest.approx(r_bt, abs=tol)
    assert cov.jammers == (0,)
    assert cov.jammers_carried == ()


def _sidelobe_case(world: World, sll: float) -> tuple[Coverage, float, np.ndarray, np.ndarray]:
    w = dataclasses.replace(world, radars=world.radars._replace(jam_sll=np.full(1, sll)))
    cov = _map(w)
    slant_km, az, _ = _geometry(cov)
    r_bt = _r0_km() * (1.0 + float(world.radars.jam_jn[0, 0]) * sll) ** -0.25
    return cov, r_bt, slant_km, (np.abs(az - 60.0) < 3.0)  # 60° off the jammer's 120°


def test_a_sidelobe_jammer_moves_the_edge_by_the_sidelobe_jn(worlds: dict[str, World]) -> None:
    """The Growler-class jammer at 250 km, 60° off azimuth 60°: J/N through the AN/MPQ-65's
    -35 dB sidelobes (catalogue, nominal; no canceller credited) is 50.6 - 35 = 15.6 dB, so
    the edge falls from 107.0 km to 107.0 × (1 + 36.5)^(-1/4) = 43.2 km."""
    w = worlds["side"]
    spec = default_catalogue().defence("patriot").radars["an-mpq-65"]
    assert spec.sidelobe_level is not None
    sll = 10.0 ** (spec.sidelobe_level.value / 10.0)
    assert w.radars.jam_sll[0] == pytest.approx(sll, rel=1e-12)
    assert 10.0 * math.log10(w.radars.jam_jn[0, 0]) == pytest.approx(50.6, abs=0.1)
    cov, r_bt, slant_km, radial = _sidelobe_case(w, sll)
    assert r_bt == pytest.approx(43.2, abs=0.05)
    inside, outside = _edge_km(cov, radial, slant_km)
    tol = _tolerance_km(cov)
    assert inside == pytest.approx(r_bt, abs=tol)
    assert outside == pytest.approx(r_bt, abs=tol)


def test_a_20_db_sidelobe_canceller_moves_the_edge_by_the_cancelled_jn(
    worlds: dict[str, World],
) -> None:
    """The same jammer against a sidelobe canceller of 20 dB (the catalogue's high figure,
    here by replacing the World's jam_sll): 15.6 - 20 = -4.4 dB, and the edge comes back to
    107.0 × (1 + 0.365)^(-1/4) = 99.0 km."""
    w = worlds["side"]
    sll = float(w.radars.jam_sll[0]) * 10.0 ** (-CANCELLER_DB / 10.0)
    cov, r_bt, slant_km, radial = _sidelobe_case(w, sll)
    assert r_bt == pytest.approx(99.0, abs=0.05)
    inside, outside = _edge_km(cov, radial, slant_km)
    tol = _tolerance_km(cov)
    assert inside == pytest.approx(r_bt, abs=tol)
    assert outside == pytest.approx(r_bt, abs=tol)


def _same(a: Coverage, b: Coverage) -> bool:
    return bool(np.array_equal(a.pd, b.pd) and np.array_equal(a.engageable, b.engageable))


def test_a_jammer_on_only_after_the_scenario_changes_no_cell(worlds: dict[str, World]) -> None:
    """start: 50 min in a 40 min scenario: the map is bit for bit the one without jammers."""
    unjammed = _map(worlds["none"])
    assert not jammer_on(worlds["late"], None).any()
    late = _map(worlds["late"])
    assert _same(late, unjammed)
    assert late.jammers == ()


def test_at_a_time_before_its_start_the_jammer_changes_no_cell(worlds: dict[str, World]) -> None:
    """start: 20 min: at 10 min the map is the unjammed one, at 30 min and by default (on at
    any time) it is the jammed one."""
    w = worlds["at-20-min"]
    unjammed = _map(worlds["none"])
    assert _same(_map(w, time_s=600.0), unjammed)
    jammed = _map(w, time_s=1800.0)
    assert not _same(jammed, unjammed)
    assert _same(_map(w), jammed)
    assert jammed.jam_time_s == 1800.0


def test_no_jamming_is_the_map_without_jammers(worlds: dict[str, World]) -> None:
    assert _same(_map(worlds["side"], jamming=False), _map(worlds["none"]))


POD = "jammers:\n  - {name: Pod, system: growler-jammer, flight: Escort}\n"


def _escort(start: str) -> tuple[tuple[float, ...], tuple[float, ...], float, str]:
    """A hostile flight from a point 150 km east of the site to one 400 km east, from
    `start`, at the near point's height (the far one below it, as a route holds it): the
    two points, the height and the scenario's ``flights:`` text."""
    near = pymap3d.aer2geodetic(100.0, 1.0, 150e3, SITE[0], SITE[1], ANTENNA_M)
    far = pymap3d.aer2geodetic(95.0, 1.0, 400e3, SITE[0], SITE[1], ANTENNA_M)
    alt = float(near[2])
    flights = (
        "flights:\n  - name: Escort\n    aircraft: su-34\n    side: hostile\n"
        f"    start: {start}\n    route:\n"
        f"      - {{lat: {near[0]:.6f}, lon: {near[1]:.6f}, alt: {alt:.1f} m}}\n"
        f"      - {{lat: {far[0]:.6f}, lon: {far[1]:.6f}}}\n"
    )
    return tuple(map(float, near)), tuple(map(float, far)), alt, flights


def test_a_jammer_riding_a_flight_jams_from_its_routes_nearest_point(tmp_path: Path) -> None:
    """A flight from a point 150 km east to one 400 km east: its jammer is placed at the
    nearer point and maps as a jammer holding that position (J/N scaled from 1 m by 1/R²,
    equal to the fixed jammer's within rounding)."""
    near, _, alt, flights = _escort("0 s")
    carried = _world(tmp_path, "carried", POD, flights)
    fixed = _world(tmp_path, "fixed", _jammer(float(near[0]), float(near[1]), alt), flights)
    a, b = _map(carried), _map(fixed)
    assert a.jammers_carried == (0,)
    assert b.jammers_carried == ()
    np.testing.assert_allclose(a.pd, b.pd, rtol=0.0, atol=1e-5)
    assert not _same(a, _map(carried, jamming=False))


def test_a_time_outside_the_scenario_is_refused(worlds: dict[str, World]) -> None:
    with pytest.raises(ValueError, match=r"time_s: expected a scenario time between 0 and 2400"):
        _map(worlds["side"], time_s=2401.0)


def _along_great_circle(
    lat0: float, lon0: float, lat1: float, lon1: float, dist_m: float
) -> tuple[float, float]:
    """The point `dist_m` from (lat0, lon0) toward (lat1, lon1) on the mean sphere (deg):
    the initial bearing and destination formulas of Williams, *Aviation Formulary* v1.47."""
    p0, l0, p1, l1 = (math.radians(v) for v in (lat0, lon0, lat1, lon1))
    brg = math.atan2(
        math.sin(l1 - l0) * math.cos(p1),
        math.cos(p0) * math.sin(p1) - math.sin(p0) * math.cos(p1) * math.cos(l1 - l0),
    )
    d = dist_m / RE_M
    p = math.asin(math.sin(p0) * math.cos(d) + math.cos(p0) * math.sin(d) * math.cos(brg))
    lon = l0 + math.atan2(
        math.sin(brg) * math.sin(d) * math.cos(p0), math.cos(d) - math.sin(p0) * math.sin(p)
    )
    return math.degrees(p), math.degrees(lon)


def test_at_a_time_a_jammer_riding_a_flight_jams_from_where_the_flight_is(tmp_path: Path) -> None:
    """With `time_s`, the flight's jammer is where the flight is then: 8 min after its start
    from 150 km east, flying out at its cruise speed along the great circle, the map is the
    one of a jammer holding that point (within 0.01 of P_D: the engine's flight is sampled
    and interpolated, metres off the formula); before the flight's start it jams nothing."""
    near, far, alt, flights = _escort("5 min")
    carried = _world(tmp_path, "carried", POD, flights)
    cruise = default_catalogue().threat("su-34").cruise_speed
    assert cruise is not None
    speed = float(cruise.value)
    t = 13 * 60.0  # 8 min into the flight
    lat, lon = _along_great_circle(
        float(near[0]), float(near[1]), float(far[0]), float(far[1]), speed * (t - 300.0)
    )
    fixed = _world(tmp_path, "fixed-at-t", _jammer(lat, lon, alt), flights)
    a, b = _map(carried, time_s=t), _map(fixed)
    assert a.jammers_carried == (0,)
    np.testing.assert_allclose(a.pd, b.pd, rtol=0.0, atol=0.01)
    # nearer than the route's nearest point it is not: the map at t is less jammed
    assert a.pd.sum() > _map(carried).pd.sum()
    # before the flight's start: no jammer in the air
    before = _map(carried, time_s=120.0)
    assert before.jammers == ()
    assert _same(before, _map(carried, jamming=False))
