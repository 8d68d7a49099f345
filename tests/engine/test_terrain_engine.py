"""The engine with an elevation model: radars masked by a ridge, drones following terrain.

A synthetic SRTM tile (N37E035, 3 arc-seconds) is flat at 0 m but for a north-south
ridge 800 m high (Gaussian, σ = 0.02° of longitude, about 1.8 km) along 35.80° E.  Drones
come from the east at their catalogue cruise height (150 m above the ground), so a radar
at 35.40° E cannot see them until they climb over the ridge, about 36 km east of it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from airguard.engine import draw_threats, replication_rng, run_replication
from airguard.errors import InputError
from airguard.scenario import load_scenario
from airguard.terrain import Terrain
from airguard.world import compile_world

N = 1201
RIDGE_LON, RIDGE_SIGMA_DEG, RIDGE_M = 35.80, 0.02, 800.0

SCENARIO = """
name: Ridge
duration: 40 min
seed: 9
{terrain}
assets:
  - name: Base
    position: {{lat: 37.5, lon: 35.40, alt: 20 m}}
    radius: 1.5 km
units:
  - name: A
    system: patriot
    position: {{lat: 37.5, lon: 35.41, alt: 20 m}}
    heading: 90 deg
raids:
  - name: Drones
    threat: shahed-136
    count: 3
    launch_area: {{lat: 37.5, lon: 35.95, alt: 0 m, radius: 1 km}}
    launch_window: {{start: 0 s, end: 30 s}}
    target: Base
"""


def _ridge_tile(directory: Path) -> Path:
    lon = 35.0 + np.arange(N) / (N - 1)
    row = RIDGE_M * np.exp(-0.5 * ((lon - RIDGE_LON) / RIDGE_SIGMA_DEG) ** 2)
    heights = np.tile(np.round(row), (N, 1))  # every row the same (north first or not)
    path = directory / "N37E035.hgt"
    heights.astype(">i2").tofile(path)
    return path


def _world(tmp_path: Path, with_terrain: bool, text: str = SCENARIO):
    _ridge_tile(tmp_path)
    terrain = "terrain: {files: [N37E035.hgt]}" if with_terrain else ""
    path = tmp_path / "ridge.yaml"
    path.write_text(text.format(terrain=terrain))
    (scenario,) = load_scenario(path)
    return compile_world(scenario)


def test_drones_follow_the_terrain_at_their_cruise_height(tmp_path: Path) -> None:
    world = _world(tmp_path, True)
    thr = draw_threats(world, replication_rng(9, 0))
    terrain = Terrain.from_hgt([tmp_path / "N37E035.hgt"])
    from airguard.geo import ecef2geodetic

    for j in range(thr.ttype.size):
        k = np.arange(thr.k_first[j], thr.k_last[j])
        lat, lon, h = ecef2geodetic(thr.pos[j, k])
        ground = terrain.elevation_m(lat, lon)
        over_ridge = np.abs(lon - RIDGE_LON) < 3 * RIDGE_SIGMA_DEG
        assert over_ridge.any()
        # 150 m above the ground over the ridge (the look-ahead keeps it higher on the flanks)
        assert np.min(h[over_ridge] - ground[over_ridge]) > 150.0 - 1.0
        assert np.max(h[over_ridge]) > RIDGE_M + 140.0


def test_without_terrain_they_fly_at_a_constant_height(tmp_path: Path) -> None:
    world = _world(tmp_path, False)
    thr = draw_threats(world, replication_rng(9, 0))
    from airguard.geo import ecef2geodetic

    k = np.arange(thr.k_first[0], thr.k_last[0])
    _, _, h = ecef2geodetic(thr.pos[0, k])
    # cruise height above the target's ground (20 m + 150 m) for most of the way
    assert abs(np.median(h) - 170.0) < 0.5
    assert h.max() < 170.5


def test_the_ridge_hides_the_drones_from_the_radar_until_they_cross_it(tmp_path: Path) -> None:
    """First detection: behind the ridge line of sight is blocked, so it comes later."""
    flat = _world(tmp_path, False)
    ridge = _world(tmp_path, True)
    for k in range(3):
        a = run_replication(flat, 9, k).first_detection
        b = run_replication(ridge, 9, k).first_detection
        assert np.all(np.isfinite(a))
        assert np.all(b > a + 60.0)  # at least a minute of flight later


def test_a_site_given_below_the_terrain_is_refused(tmp_path: Path) -> None:
    text = SCENARIO.replace("lon: 35.41, alt: 20 m", "lon: 35.80, alt: 20 m")
    with pytest.raises(InputError, match=r"units\[0\]\.position\.alt.*below the terrain"):
        _world(tmp_path, True, text)


def test_a_missing_elevation_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "ridge.yaml"
    path.write_text(SCENARIO.format(terrain="terrain: {files: [missing.hgt]}"))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "terrain.files[0]"
    assert err.value.line == 5  # the `terrain:` line of the file
    assert "no such file" in str(err.value)


def test_terrain_changes_nothing_else(tmp_path: Path) -> None:
    """A world with terrain keeps the same units, radars and raids as without."""
    a = _world(tmp_path, False)
    b = _world(tmp_path, True)
    assert a.unit_names == b.unit_names
    assert a.terrain is None
    assert b.terrain is not None
    assert b.terrain.mask_slope.shape[0] == len(b.radar_names)
    for f in dataclasses.fields(a):
        if f.name in ("terrain", "digest"):
            continue
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if isinstance(va, str | int | float | list):
            assert va == vb, f.name
