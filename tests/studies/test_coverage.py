"""Coverage maps against closed forms, hand geometry and the engine's own looks.

Each test states the independent number it checks: the 4/3-Earth radio horizon
sqrt(2 k Re h_a) + sqrt(2 k Re h_t) (Skolnik, *Introduction to Radar Systems*, 3rd ed.,
§8.2; ITU-R P.834's effective Earth radius), the range-equation limit
R = R_ref (σ/σ_ref)^(1/4) at the reference P_D (Skolnik eq. 2.61; a calibration of the
catalogue's quoted range), the azimuth sector, a ridge's shadow from the path-profile
condition of ITU-R P.452-16 (Attachment 2 to Annex 1, eqs. 150-154) evaluated here on the
synthetic ridge's own formula, the interceptor reach tables, and the engine's
:func:`airguard.engine.looks.look` on threats placed in the cells.  Distances between cells and
sites come from pymap3d (independent of airguard's geodesy).  Tolerances are one grid cell
unless stated.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pymap3d
import pytest

from airguard.catalogue import default_catalogue
from airguard.dynamics import N_PARAMS
from airguard.radar import detection_probability
from airguard.scenario import load_scenario
from airguard.studies.coverage import (
    PD_TABLE_MIN_DB,
    PD_TABLE_STEP_DB,
    Coverage,
    coverage_grid,
    default_altitudes,
    pd_table,
)
from airguard.world import World, compile_world

RE_M = 6_371_008.8  # mean Earth radius (IUGG R1), the engine's sphere
K = 4.0 / 3.0  # standard-atmosphere effective-Earth factor (Skolnik §8.2)
AE_M = K * RE_M

SITE = (37.5, 35.41)  # unit site (lat, lon), degrees
ANTENNA_M = 4.0  # AN/MPQ-65 phase centre above its site (catalogue)
N_HGT = 1201
RIDGE_LON, RIDGE_SIGMA_DEG, RIDGE_M = 35.80, 0.02, 800.0

SCENARIO = """
name: Coverage test
duration: 40 min
seed: 7
{terrain}
assets:
  - name: Base
    position: {{lat: 37.5, lon: 35.40, alt: 20 m}}
    radius: 1.5 km
{networks}
units:
  - name: Battery
    system: patriot
    position: {{lat: 37.5, lon: 35.41, alt: {alt}}}
    heading: 90 deg
{more_units}
raids:
  - name: Scuds
    threat: scud-b
    count: 2
    launch_area: {{lat: 36.0, lon: 37.0, alt: 400 m, radius: 10 km}}
    launch_window: {{start: 0 s, end: 60 s}}
    target: Base
  - name: Drones
    threat: shahed-136
    count: 2
    launch_area: {{lat: 37.5, lon: 35.95, alt: 0 m, radius: 1 km}}
    launch_window: {{start: 0 s, end: 30 s}}
    target: Base
"""


def _ridge_tile(directory: Path) -> Path:
    """N37E035, 3 arc-second, flat at 0 m but for a Gaussian north-south ridge at 35.80° E."""
    lon = 35.0 + np.arange(N_HGT) / (N_HGT - 1)
    row = RIDGE_M * np.exp(-0.5 * ((lon - RIDGE_LON) / RIDGE_SIGMA_DEG) ** 2)
    path = directory / "N37E035.hgt"
    np.tile(np.round(row), (N_HGT, 1)).astype(">i2").tofile(path)
    return path


def _world(
    directory: Path,
    *,
    terrain: bool = False,
    alt: str = "20 m",
    networks: str = "",
    more_units: str = "",
) -> World:
    if terrain:
        _ridge_tile(directory)
    path = directory / "coverage.yaml"
    path.write_text(
        SCENARIO.format(
            terrain="terrain: {files: [N37E035.hgt]}" if terrain else "",
            alt=alt,
            networks=networks,
            more_units=more_units,
        ),
        encoding="utf-8",
    )
    (scenario,) = load_scenario(path)
    return compile_world(scenario)


@pytest.fixture(scope="module")
def flat(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One Patriot battery at 0 m on a smooth Earth."""
    return _world(tmp_path_factory.mktemp("flat"), alt="0 m")


@pytest.fixture(scope="module")
def ridge(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, World, Path]:
    """The battery at 20 m with the ridge DEM, the same scenario without it, the DEM's folder."""
    d = tmp_path_factory.mktemp("ridge")
    return _world(d, terrain=True), _world(d, terrain=False), d


def _ecef(lat_deg: np.ndarray, lon_deg: np.ndarray, h_m: np.ndarray) -> np.ndarray:
    x, y, z = pymap3d.geodetic2ecef(lat_deg, lon_deg, h_m)
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def _cells(cov: Coverage) -> tuple[np.ndarray, np.ndarray]:
    return np.meshgrid(cov.lat_deg, cov.lon_deg, indexing="ij")


def _ground_km(cov: Coverage) -> np.ndarray:
    """(ny, nx) great-circle distance of each cell centre from the site on the mean sphere, km."""
    lat, lon = _cells(cov)
    p1, p2 = math.radians(SITE[0]), np.radians(lat)
    dl = np.radians(lon - SITE[1])
    c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return RE_M * np.arccos(np.clip(c, -1.0, 1.0)) / 1e3


def _box(half_km: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(half_km * 1e3 / RE_M)
    dlon = dlat / math.cos(math.radians(SITE[0]))
    return (SITE[0] - dlat, SITE[1] - dlon, SITE[0] + dlat, SITE[1] + dlon)


def _cell_diagonal_km(cov: Coverage) -> float:
    dy, dx = cov.cell_size_m
    return math.hypot(dy, dx) / 1e3


# ---------------------------------------------------------------- the detector


@pytest.mark.parametrize("swerling", [0, 1, 3])
def test_tabulated_detection_probability_is_the_radar_modules(swerling: int) -> None:
    """Linear interpolation in the 0.01 dB table stays within 1e-5 of the exact series."""
    threshold = -math.log(1e-6)
    table = pd_table(threshold, swerling)
    snr_db = np.random.default_rng(3).uniform(-10.0, 40.0, 400)
    x = (snr_db - PD_TABLE_MIN_DB) / PD_TABLE_STEP_DB
    interpolated = np.interp(x, np.arange(table.size), table)
    exact = np.asarray(detection_probability(snr_db, 1e-6, 1, swerling))
    assert np.max(np.abs(interpolated - exact)) < 1e-5


# ---------------------------------------------------------------- geometry


def test_360_deg_radar_footprint_edge_is_the_4_3_earth_radio_horizon(flat: World) -> None:
    """A radar seeing all round, all elevations and far beyond its horizon: the footprint of a
    10 km target ends at sqrt(2 k Re h_a) + sqrt(2 k Re h_t) = 420.4 km (h_a = 4 m).

    The closed form drops the h² terms (0.12 km at 10 km) and the engine compares it with
    slant range, which exceeds the ground distance by about 0.5 km there: both inside the
    one-cell (1.41 km diagonal) tolerance.
    """
    rad = flat.radars
    wide = rad._replace(
        az_half_rad=np.full_like(rad.az_half_rad, math.pi),
        el_min_rad=np.full_like(rad.el_min_rad, -0.2),
        el_max_rad=np.full_like(rad.el_max_rad, 0.5 * math.pi),
        max_range_m=np.full_like(rad.max_range_m, 3.0e6),
        snr_k_m2=rad.snr_k_m2 * 1e12,  # the range equation far beyond the horizon
    )
    world = dataclasses.replace(flat, radars=wide)
    h_t = 10_000.0
    horizon_km = (math.sqrt(2 * AE_M * ANTENNA_M) + math.sqrt(2 * AE_M * h_t)) / 1e3
    assert horizon_km == pytest.approx(420.4, abs=0.05)
    cov = coverage_grid(world, bounds=_box(440.0), resolution_m=1000.0, altitude_m=h_t)
    seen = cov.footprint("Battery", "scud-b", "detection")
    d = _ground_km(cov)
    tol = _cell_diagonal_km(cov)
    assert d[seen].max() == pytest.approx(horizon_km, abs=tol)
    assert d[~seen].min() == pytest.approx(horizon_km, abs=tol)
    # all round: every bearing reaches the horizon
    assert seen[d < horizon_km - tol].all()


def test_footprint_edge_is_the_range_equation_limit_where_the_horizon_is_not(flat: World) -> None:
    """At the catalogue's reference P_D (0.5, Swerling 1) a σ target is detected out to
    R = R_ref (σ / σ_ref)^(1/4): 160 km × (0.2 m² / 1 m²)^(1/4) = 107.0 km for a Scud against
    the AN/MPQ-65, in slant range; at 3 km the horizon (234 km) is far beyond.
    """
    cat = default_catalogue()
    radar = cat.defence("patriot").radars["an-mpq-65"]
    scud = cat.threat("scud-b")
    assert radar.reference_pd.value == 0.5
    assert int(scud.swerling.value) == 1
    r_km = radar.reference_range.value * (scud.rcs.value / radar.reference_rcs.value) ** 0.25 / 1e3
    assert r_km == pytest.approx(107.0, abs=0.05)
    h_t = 3_000.0
    cov = coverage_grid(flat, bounds=_box(130.0), resolution_m=500.0, altitude_m=h_t)
    assert cov.pd_min == radar.reference_pd.value
    lat, lon = _cells(cov)
    site = _ecef(np.array(SITE[0]), np.array(SITE[1]), np.array(ANTENNA_M))
    slant_km = np.linalg.norm(_ecef(lat, lon, np.full(lat.shape, h_t)) - site, axis=-1) / 1e3
    az, _, _ = pymap3d.geodetic2aer(lat, lon, h_t, SITE[0], SITE[1], ANTENNA_M)
    inside = np.abs(az - 90.0) < 55.0  # well inside the 120° sector about 90°
    seen = cov.footprint("Battery", "scud-b", "detection")
    tol = _cell_diagonal_km(cov)
    assert slant_km[inside & seen].max() == pytest.approx(r_km, abs=tol)
    assert slant_km[inside & ~seen & (slant_km > 10.0)].min() == pytest.approx(r_km, abs=tol)
    # and P_D falls through the reference value there
    near = inside & (np.abs(slant_km - r_km) < 0.3)
    assert np.all(np.abs(cov.layer("Battery", "scud-b", "detection")[near] - 0.5) < 0.01)


def test_sector_radar_sees_only_its_sector(flat: World) -> None:
    """Heading 90°, 120° sector: azimuths 30°-150° seen, the rest not, at 20-80 km."""
    cov = coverage_grid(flat, bounds=_box(90.0), resolution_m=1000.0, altitude_m=3000.0)
    lat, lon = _cells(cov)
    az, _, srange = pymap3d.geodetic2aer(lat, lon, 3000.0, SITE[0], SITE[1], ANTENNA_M)
    ring = (srange > 20e3) & (srange < 80e3)
    pd = cov.layer("Battery", "scud-b", "detection")
    just_inside = ring & (((az > 30.5) & (az < 32.0)) | ((az > 148.0) & (az < 149.5)))
    just_outside = ring & (((az > 28.0) & (az < 29.5)) | ((az > 150.5) & (az < 152.0)))
    assert just_inside.sum() > 20
    assert just_outside.sum() > 20
    assert np.all(pd[just_inside] > 0.5)
    assert np.all(pd[just_outside] == 0.0)
    assert np.all(pd[ring & ((az < 30.0) | (az > 150.0))] == 0.0)


def _required_height_m(ground_km: float, antenna_m: float) -> float:
    """Lowest target height seen over the ridge at ground distance D, from the path profile.

    Visible when θ(D, h_t) >= max over d < D of θ(d, h(d)), θ(d, h) = (h - h_a)/d - d/(2 a_e)
    (ITU-R P.452-16 Att. 2 to Annex 1, eqs. 150-154), with h(d) the synthetic ridge's own
    formula along the parallel (1 m steps).
    """
    d_m = np.arange(1.0, ground_km * 1e3, 1.0)
    lon = SITE[1] + np.degrees(d_m / (RE_M * math.cos(math.radians(SITE[0]))))
    h = np.round(RIDGE_M * np.exp(-0.5 * ((lon - RIDGE_LON) / RIDGE_SIGMA_DEG) ** 2))
    theta = np.max((h - antenna_m) / d_m - d_m / (2 * AE_M))
    dd = ground_km * 1e3
    return antenna_m + dd * (theta + dd / (2 * AE_M))


def test_a_ridge_shadows_low_flyers_behind_it(ridge: tuple[World, World, Path]) -> None:
    """Drones at 150 m above the terrain 40-47 km east of the radar (6-12 km past an 800 m
    ridge at 34.5 km): hidden with the DEM (they would need about 1 km), seen on the smooth
    Earth; cells between radar and ridge seen in both.  (Beyond 49.8 km the 0° lower elevation
    limit hides a target 146 m above the antenna on the 4/3 Earth anyway.)"""
    with_dem, without, _ = ridge
    box = (37.45, 35.35, 37.55, 36.05)
    cov_dem = coverage_grid(with_dem, bounds=box, resolution_m=1000.0)
    cov_flat = coverage_grid(without, bounds=box, resolution_m=1000.0)
    assert cov_dem.altitude_reference[cov_dem.threat_names.index("shahed-136")] == "terrain"
    lat, lon = _cells(cov_dem)
    d = _ground_km(cov_dem)
    band = np.abs(lat - SITE[0]) < 0.02
    behind = band & (d > 40.0) & (d < 47.0)
    before = band & (lon > 35.50) & (lon < 35.70)
    assert behind.sum() >= 10
    assert before.sum() >= 10
    assert _required_height_m(40.0, 24.0) > 900.0
    pd_dem = cov_dem.layer("Battery", "shahed-136", "detection")
    pd_flat = cov_flat.layer("Battery", "shahed-136", "detection")
    assert np.all(pd_dem[behind] == 0.0)
    assert np.all(pd_flat[behind] > 0.5)
    assert np.all(pd_dem[before] > 0.5)
    assert np.all(pd_flat[before] > 0.5)


def test_the_shadow_ends_at_the_path_profile_height(ridge: tuple[World, World, Path]) -> None:
    """About 50 km east the hand-computed clearance height (1.2 km) decides: 20 m below it
    masked, 20 m above seen.

    20 m covers the skyline table's sampling: 150 m range bins put the crest within 75 m
    (0.7 m of height on this ridge) and rays every 0.5° cross a north-south ridge at the
    same distance to within 0.01 %."""
    with_dem, _, _ = ridge
    box = (37.49, 35.95, 37.51, 36.01)
    probe = coverage_grid(with_dem, bounds=box, resolution_m=500.0)
    d = _ground_km(probe)
    cell = np.unravel_index(np.argmin(np.abs(d - 50.0)), d.shape)
    need = _required_height_m(float(d[cell]), 24.0)
    assert need == pytest.approx(1196.0, abs=5.0)
    for offset, visible in ((-20.0, False), (20.0, True)):
        cov = coverage_grid(
            with_dem, bounds=box, resolution_m=500.0, altitude_m={"shahed-136": need + offset}
        )
        pd = cov.layer("Battery", "shahed-136", "detection")[cell]
        assert (pd > 0.0) == visible, (offset, need, pd)


# ---------------------------------------------------------------- engagement


def test_default_altitudes_are_cruise_heights_and_the_middle_of_the_interceptor_band(
    flat: World,
) -> None:
    """Patriot holds PAC-3 MSE (50 m-24 km) and GEM-T (60 m-24 km): ballistic threats at
    12.03 km; the Shahed at its 150 m catalogue cruise altitude."""
    types = [flat.threat_names.index(n) for n in ("scud-b", "shahed-136")]
    assert default_altitudes(flat, types).tolist() == pytest.approx([12_030.0, 150.0])


def _reach_expected(world: World, cov: Coverage, t: int) -> np.ndarray:
    """Engageable by the reach tables and catalogue limits, cell by cell (the engine's test)."""
    itc = world.interceptors
    lat, lon = _cells(cov)
    h = cov.altitude_m[t]
    site = _ecef(np.array(SITE[0]), np.array(SITE[1]), np.array(cov.unit_alt_m[0]))
    p = _ecef(lat, lon, np.full(lat.shape, cov.unit_alt_m[0] + h))
    slant = np.linalg.norm(p - site, axis=-1)
    cosang = (p @ site) / (np.linalg.norm(p, axis=-1) * np.linalg.norm(site))
    g = RE_M * np.arccos(np.clip(cosang, -1.0, 1.0))
    ok = np.zeros(lat.shape, dtype=bool)
    for i, name in enumerate(world.interceptor_names):
        table = world.reach[i]
        t_reach = np.vectorize(table.lookup)(g, np.full(g.shape, h))
        ok |= (
            (h >= itc.min_alt_m[i])
            & (h <= itc.max_alt_m[i])
            & (slant >= itc.min_range_m[i])
            & (g <= itc.max_range_m[i])
            & (t_reach <= itc.max_time_s[i])
        )
        assert name in ("pac-3-mse", "pac-2-gem-t")
    return ok


@pytest.mark.parametrize("threat", ["scud-b", "shahed-136"])
def test_engagement_is_the_reach_tables_inside_the_detection_footprint(
    flat: World, threat: str
) -> None:
    """A unit alone engages where its interceptors reach (reach table, catalogue limits) and
    its radar detects: nowhere beyond the GEM-T's 160 km or outside the detection footprint."""
    cov = coverage_grid(flat, bounds=_box(170.0), resolution_m=2000.0, threats=[threat])
    eng = cov.footprint("Battery", threat, "engagement")
    det = cov.footprint("Battery", threat, "detection")
    assert eng.any()
    assert not (eng & ~det).any()
    assert _ground_km(cov)[eng].max() <= 160.0
    expected = _reach_expected(flat, cov, 0) & det
    assert np.array_equal(eng, expected)


def test_a_networked_unit_engages_on_its_networks_picture(tmp_path: Path) -> None:
    """Two batteries in one network, the second 60 km north facing north: the first engages
    where only the second's radar sees, and never where neither does."""
    second = """
  - name: North battery
    system: patriot
    position: {lat: 38.04, lon: 35.41, alt: 0 m}
    heading: 0 deg
    network: link
"""
    alone = _world(tmp_path, alt="0 m", more_units=second.replace("    network: link\n", ""))
    linked_text = "networks:\n  - name: link\n    latency: 2 s\n"
    linked = _world(tmp_path, alt="0 m", networks=linked_text, more_units=second)
    box = _box(200.0)
    cov_alone = coverage_grid(alone, bounds=box, resolution_m=2000.0, threats=["shahed-136"])
    cov_net = coverage_grid(
        dataclasses.replace(
            linked, units=linked.units._replace(network=np.array([0, 0], dtype=np.int64))
        ),
        bounds=box,
        resolution_m=2000.0,
        threats=["shahed-136"],
    )
    own = cov_net.pd[0, 0].astype(np.float64)
    other = cov_net.pd[1, 0].astype(np.float64)
    picture = 1.0 - (1.0 - own) * (1.0 - other) >= 0.5 - 1e-6
    eng = cov_net.engageable[0, 0]
    assert np.array_equal(cov_alone.engageable[0, 0] & ~eng, np.zeros_like(eng))
    assert not (eng & ~picture).any()
    assert (eng & (own < 0.5)).sum() > 50  # engaged on the other battery's picture


# ---------------------------------------------------------------- the engine agrees


def _stationary_threats(world: World, lat: np.ndarray, lon: np.ndarray, h: np.ndarray, rcs: float):  # type: ignore[no-untyped-def]
    """Threats hanging at the given points for the engine's look at t = 0.5 s."""
    from airguard.engine import Threats

    n = lat.size
    pos = _ecef(lat, lon, h)
    return Threats(
        ttype=np.zeros(n, dtype=np.int64),
        cls=np.zeros(n, dtype=np.int64),
        target=np.zeros(n, dtype=np.int64),
        t_launch=np.zeros(n),
        t_impact=np.full(n, 10.0),
        impact_pos=pos.copy(),
        k_first=np.zeros(n, dtype=np.int64),
        k_last=np.ones(n, dtype=np.int64),
        pos=np.repeat(pos[:, None, :], 2, axis=1).copy(),
        vel=np.zeros((n, 2, 3)),
        h=np.repeat(h[:, None], 2, axis=1).copy(),
        rcs=np.full(n, rcs),
        swerling=np.ones(n, dtype=np.int64),
        friendly=np.zeros(n, dtype=np.bool_),
        body=np.zeros((n, N_PARAMS)),
        decoy=np.zeros(n, dtype=np.bool_),
        identified_t=np.full(n, -np.inf),
        carrier=np.full(n, -1, dtype=np.int64),
    )


def _engine_detects(world: World, thr, seed: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Which threats radar 0 detects in one scan at t = 0.5 s (every slice of its sector once).

    :func:`airguard.engine.looks.look` marks a threat's first detection time in ``first_det``.
    """
    from airguard.engine import event_log
    from airguard.engine.looks import MAX_FALSE_ALARMS_PER_LOOK, look, radar_beam, skylines
    from airguard.engine.state import new_detections

    n = thr.ttype.size
    first_det = np.full(n, np.inf)
    alive = np.ones(n, dtype=np.bool_)
    detections = new_detections(n + MAX_FALSE_ALARMS_PER_LOOK)
    sky = skylines(world)
    rng = np.random.default_rng(seed)
    for sl in range(int(world.radars.n_sectors[0])):
        beam = radar_beam(world.radars, 0, sl, sky)
        codes = np.zeros(thr.ttype.size, dtype=np.int64)
        look(beam, thr, alive, 0.5, rng, detections, first_det, codes, np.zeros(7), event_log(0))
    return np.isfinite(first_det)


def test_the_engines_look_sees_exactly_the_cells_the_map_says_it_can(
    ridge: tuple[World, World, Path],
) -> None:
    """2,000 random cells over ridge country, drones at 150 m above the terrain: a threat with
    an overwhelming RCS hanging over a cell is detected by the engine's `look` if and only if
    the map gives the cell a non-zero P_D (horizon, elevation, sector, skyline)."""
    with_dem, _, directory = ridge
    box = (37.2, 35.0, 37.8, 36.3)
    cov = coverage_grid(with_dem, bounds=box, resolution_m=1000.0, threats=["shahed-136"])
    rng = np.random.default_rng(11)
    ny, nx = cov.shape
    i, j = rng.integers(0, ny, 2000), rng.integers(0, nx, 2000)
    lat, lon = cov.lat_deg[i], cov.lon_deg[j]
    from airguard.terrain import Terrain

    ground = Terrain.from_hgt([directory / "N37E035.hgt"]).elevation_m(lat, lon)
    h = np.asarray(ground) + cov.altitude_m[0]
    seen = _engine_detects(with_dem, _stationary_threats(with_dem, lat, lon, h, 1e12), 1)
    mapped = cov.pd[0, 0, i, j] > 0.0
    assert 200 < mapped.sum() < 1900  # both kinds of cell are sampled
    assert np.array_equal(seen, mapped)


def test_the_engines_detection_frequency_is_the_mapped_probability(flat: World) -> None:
    """4,000 Swerling 1 Scuds (0.2 m²) hanging over each of a few cells where the map gives
    0.1 < P_D < 0.9: the engine detects the mapped fraction within 4 standard errors."""
    cov = coverage_grid(flat, bounds=_box(130.0), resolution_m=2000.0, threats=["scud-b"])
    pd = cov.pd[0, 0]
    cells = np.argwhere((pd > 0.1) & (pd < 0.9))
    picks = cells[np.random.default_rng(5).choice(len(cells), 6, replace=False)]
    n = 4000
    for k, (i, j) in enumerate(picks):
        lat = np.full(n, cov.lat_deg[i])
        lon = np.full(n, cov.lon_deg[j])
        h = np.full(n, cov.unit_alt_m[0] + cov.altitude_m[0])
        seen = _engine_detects(flat, _stationary_threats(flat, lat, lon, h, 0.2), 100 + k)
        p = float(pd[i, j])
        assert abs(seen.mean() - p) < 4.0 * math.sqrt(p * (1 - p) / n), (p, seen.mean())


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bounds": (38.0, 35.0, 37.0, 36.0)}, "bounds: expected -90 <= lat0 < lat1"),
        ({"bounds": (37.0, 36.0, 38.0, 35.0)}, "bounds: expected -180 <= lon0 < lon1"),
        ({"resolution_m": 0.0}, "resolution_m: expected a positive cell size"),
        ({"resolution_m": 1.0, "bounds": (30.0, 30.0, 40.0, 40.0)}, "choose a coarser"),
        ({"altitude_m": -5.0}, r"altitude_m\[all\]: expected a height >= 0 m"),
        ({"altitude_m": {"tomahawk": 50.0}}, "no threat type 'tomahawk'"),
        ({"threats": ["f-16"]}, "threats: no threat type 'f-16'"),
        ({"pd_min": 1.0}, "pd_min: expected a probability"),
    ],
)
def test_bad_arguments_name_what_was_wrong(
    flat: World, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        coverage_grid(flat, **kwargs)  # type: ignore[arg-type]
