"""airguard.terrain: reading DEMs, interpolating heights, and terrain masking.

Synthetic DEMs are written into tmp_path; nothing is downloaded.  A plane
z = a·lat + b·lon is reproduced exactly by bilinear interpolation, so reading
is checked exactly; masking is checked against the smooth-Earth horizon, a
ridge worked by hand, and between the two masking methods.

Sources
-------
[SRTM] NASA/JPL, *SRTM Topography* (SRTM_Topo.pdf, 2003): .hgt tiles are big-endian
       int16, 1201² (3") or 3601² samples, first row at the north edge, named for the
       south-west corner, edges shared with the neighbours, voids −32768.
[FS]   Federal Standard 1037C (1996), "radio horizon range"; Skolnik, *Introduction to
       Radar Systems*, 3rd ed., ch. 8: 4/3-Earth horizon sqrt(2 k R h_a) + sqrt(2 k R h_t).
[P452] ITU-R P.452-16 (2015), Attachment 2 to Annex 1, eqs. (150)-(154): a path is
       trans-horizon when max θ_i = (h_i − h_ts)/d_i − d_i/(2 a_e) exceeds θ_td.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from airguard import geo
from airguard.errors import InputError
from airguard.radar import horizon_range_m
from airguard.terrain import (
    SRTM_VOID,
    Terrain,
    elevation_kernel,
    ground_range_azimuth_kernel,
    horizon_mask,
    line_of_sight,
    line_of_sight_kernel,
    mask_visible,
    read_hgt,
    visible,
)

R_M = geo.MEAN_EARTH_RADIUS_M
A_E_M = 4.0 / 3.0 * R_M  # 4/3 effective Earth radius


def _plane_m(lat_deg: np.ndarray | float, lon_deg: np.ndarray | float) -> np.ndarray:
    """100 m + 1 m per 3" of latitude + 2 m per 3" of longitude east of 35° E: integers at 3" nodes."""
    return np.asarray(
        100.0 + 1200.0 * (np.asarray(lat_deg) - 37.0) + 2400.0 * (np.asarray(lon_deg) - 35.0)
    )


def _write_hgt(directory: Path, name: str, heights_north_first: np.ndarray) -> Path:
    path = directory / name
    heights_north_first.astype(">i2").tofile(path)
    return path


def _plane_tile(directory: Path, lat_deg: int, lon_deg: int, n: int = 1201) -> Path:
    rows = lat_deg + 1 - np.arange(n) / (n - 1)  # first row at the north edge [SRTM]
    cols = lon_deg + np.arange(n) / (n - 1)
    z = np.rint(_plane_m(rows[:, None], cols[None, :]))
    return _write_hgt(directory, f"N{lat_deg:02d}E{lon_deg:03d}.hgt", z)


# -- SRTM .hgt -------------------------------------------------------------------------------


def test_hgt_plane_is_read_exactly_between_nodes(tmp_path: Path) -> None:
    terrain = read_hgt(_plane_tile(tmp_path, 37, 35))
    assert terrain.shape == (1201, 1201)
    assert (terrain.lat0_deg, terrain.lon0_deg) == (37.0, 35.0)
    assert terrain.dlat_deg == terrain.dlon_deg == pytest.approx(1.0 / 1200.0, rel=1e-15)
    assert terrain.void_count == 0
    rng = np.random.default_rng(1)
    lat = rng.uniform(37.0, 38.0, 500)
    lon = rng.uniform(35.0, 36.0, 500)
    np.testing.assert_allclose(terrain.elevation_m(lat, lon), _plane_m(lat, lon), rtol=0, atol=1e-6)


def test_hgt_first_row_is_north_edge(tmp_path: Path) -> None:
    z = np.zeros((1201, 1201))
    z[0] = 1000.0  # the file's first row [SRTM]
    terrain = read_hgt(_write_hgt(tmp_path, "N37E035.hgt", z))
    assert terrain.elevation_m(38.0, 35.5) == 1000.0
    assert terrain.elevation_m(37.0, 35.5) == 0.0
    assert np.all(terrain.heights_m[-1] == 1000.0)  # rows run south to north


def test_hgt_grid_corners_are_the_tile_corners(tmp_path: Path) -> None:
    terrain = read_hgt(_plane_tile(tmp_path, 37, 35))
    for lat, lon in [(37.0, 35.0), (37.0, 36.0), (38.0, 35.0), (38.0, 36.0)]:
        assert terrain.elevation_m(lat, lon) == pytest.approx(float(_plane_m(lat, lon)), abs=1e-6)


def test_hgt_mosaic_of_adjacent_tiles_shares_the_edge(tmp_path: Path) -> None:
    west = _plane_tile(tmp_path, 37, 35)
    east = _plane_tile(tmp_path, 37, 36)
    terrain = Terrain.from_hgt([east, west])
    assert terrain.shape == (1201, 2401)  # the shared column once
    assert terrain.void_count == 0
    lat = np.linspace(37.0, 38.0, 101)
    for lon in (35.9999, 36.0, 36.0001, 37.0):
        np.testing.assert_allclose(terrain.elevation_m(lat, lon), _plane_m(lat, lon), atol=1e-6)


def test_hgt_void_samples_become_zero_and_are_counted(tmp_path: Path) -> None:
    z = np.full((1201, 1201), 500.0)
    z[600, 100:110] = SRTM_VOID
    terrain = read_hgt(_write_hgt(tmp_path, "N37E035.hgt", z))
    assert terrain.void_count == 10
    # file row 600 is the middle row; column 105 is 105/1200 deg east of 35 deg
    assert terrain.elevation_m(37.5, 35.0 + 105 / 1200) == 0.0
    assert terrain.elevation_m(37.2, 35.5) == 500.0


def test_hgt_missing_tile_inside_the_bounding_box_is_void(tmp_path: Path) -> None:
    terrain = Terrain.from_hgt([_plane_tile(tmp_path, 37, 35), _plane_tile(tmp_path, 38, 36)])
    assert terrain.shape == (2401, 2401)
    # two 1201² tiles sharing one corner node leave 2401² − (2·1201² − 1) nodes uncovered
    assert terrain.void_count == 2401**2 - (2 * 1201**2 - 1)
    assert terrain.elevation_m(38.5, 35.5) == 0.0  # N38E035 was not given
    assert terrain.elevation_m(38.5, 36.5) == pytest.approx(float(_plane_m(38.5, 36.5)), abs=1e-6)


def test_hgt_southern_and_western_tile_names(tmp_path: Path) -> None:
    terrain = read_hgt(_write_hgt(tmp_path, "S01W002.hgt", np.zeros((1201, 1201))))
    assert (terrain.lat0_deg, terrain.lon0_deg) == (-1.0, -2.0)


def test_hgt_wrong_size_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "N37E035.hgt"
    path.write_bytes(b"\0" * 1000)
    with pytest.raises(InputError, match=r"N37E035\.hgt: 1000 bytes is not an SRTM tile.*2884802"):
        read_hgt(path)


def test_hgt_name_must_give_the_corner(tmp_path: Path) -> None:
    path = _write_hgt(tmp_path, "tile.hgt", np.zeros((1201, 1201)))
    with pytest.raises(InputError, match=r"tile\.hgt: .*like N37E035\.hgt"):
        read_hgt(path)


def test_hgt_tiles_of_two_resolutions_are_refused(tmp_path: Path) -> None:
    three = _write_hgt(tmp_path, "N37E035.hgt", np.zeros((1201, 1201)))
    one = _write_hgt(tmp_path, "N37E036.hgt", np.zeros((3601, 3601)))
    with pytest.raises(InputError, match=r"N37E036\.hgt: tile is 1 arc-second"):
        Terrain.from_hgt([three, one])


def test_geoid_offset_is_added_to_every_node(tmp_path: Path) -> None:
    z = np.full((1201, 1201), 500.0)
    z[0, 0] = SRTM_VOID
    terrain = read_hgt(_write_hgt(tmp_path, "N37E035.hgt", z), geoid_offset_m=30.0)
    assert terrain.elevation_m(37.5, 35.5) == 530.0
    assert terrain.elevation_m(38.0, 35.0) == 30.0  # the void: sea level, 30 m above the ellipsoid
    assert terrain.elevation_m(10.0, 10.0) == 0.0  # outside: 0 m above the ellipsoid


# -- grids from arrays; interpolation contract ------------------------------------------------


def test_outside_the_grid_is_sea_level() -> None:
    terrain = Terrain.from_array(np.full((3, 3), 700.0), 37.0, 35.0, 0.5, 0.5)
    assert terrain.elevation_m(37.5, 35.5) == 700.0
    assert terrain.elevation_m(36.99, 35.5) == 0.0
    assert terrain.elevation_m(37.5, 36.01) == 0.0
    assert terrain.elevation_m(float("nan"), 35.5) != terrain.elevation_m(float("nan"), 35.5)


def test_scalars_give_floats_and_arrays_keep_their_shape() -> None:
    terrain = Terrain.from_array(np.zeros((3, 3)), 37.0, 35.0, 0.5, 0.5)
    assert isinstance(terrain.elevation_m(37.2, 35.2), float)
    out = terrain.elevation_m(np.full((4, 1), 37.2), np.full((1, 5), 35.2))
    assert isinstance(out, np.ndarray)
    assert out.shape == (4, 5)
    assert line_of_sight(terrain, 37.0, 35.0, 10.0, [[37.1, 37.2]], 35.0, 100.0).shape == (1, 2)


def test_nan_in_an_array_is_a_void() -> None:
    h = np.full((3, 3), 200.0)
    h[1, 1] = np.nan
    terrain = Terrain.from_array(h, 37.0, 35.0, 0.5, 0.5)
    assert terrain.void_count == 1
    assert terrain.elevation_m(37.5, 35.5) == 0.0


def test_flat_and_none_cover_the_whole_globe() -> None:
    lat = np.array([-90.0, -45.0, 0.0, 38.0, 90.0, 10.0])
    lon = np.array([-180.0, 0.0, 179.99, 35.0, 180.0, -179.5])
    np.testing.assert_array_equal(Terrain.flat(120.0).elevation_m(lat, lon), 120.0)
    np.testing.assert_array_equal(Terrain.none().elevation_m(lat, lon), 0.0)


def test_a_grid_may_straddle_the_antimeridian() -> None:
    # nodes at 179, 179.5, 180, 180.5 (= -179.5), 181 (= -179) deg east
    terrain = Terrain.from_array(np.tile(np.arange(5.0), (2, 1)), 0.0, 179.0, 1.0, 0.5)
    assert terrain.elevation_m(0.5, -179.5) == pytest.approx(3.0)
    assert terrain.elevation_m(0.5, -179.25) == pytest.approx(3.5)
    assert terrain.elevation_m(0.5, -178.9) == 0.0


def test_kernel_is_the_method(tmp_path: Path) -> None:
    terrain = read_hgt(_plane_tile(tmp_path, 37, 35))
    lat, lon = 37.123456, 35.654321
    value = elevation_kernel(*terrain.arrays(), math.radians(lat), math.radians(lon))
    assert value == terrain.elevation_m(lat, lon)


def test_bad_grids_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2×2"):
        Terrain.from_array(np.zeros((1, 5)), 37.0, 35.0, 0.5, 0.5)
    with pytest.raises(ValueError, match="dlon_deg: expected a positive spacing"):
        Terrain.from_array(np.zeros((2, 2)), 37.0, 35.0, 0.5, -0.5)
    with pytest.raises(ValueError, match=r"outside -90\.\.90"):
        Terrain.from_array(np.zeros((3, 3)), 89.0, 35.0, 1.0, 1.0)


# -- GeoTIFF ----------------------------------------------------------------------------------


def _write_geotiff(
    path: Path, data: np.ndarray, crs: str = "EPSG:4326", nodata: float | None = None
) -> Path:
    rasterio = pytest.importorskip("rasterio")
    from affine import Affine

    # west edge 35.0, north edge 38.0, 0.01 deg pixels; row 0 at the north
    transform = Affine(0.01, 0.0, 35.0, 0.0, -0.01, 38.0)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype="float64",
        crs=crs,
        transform=transform,
        nodata=nodata,
    ) as dst:
        dst.write(data, 1)
    return path


def _plane_raster(n_rows: int = 60, n_cols: int = 80) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lat_c = 38.0 - 0.01 * (np.arange(n_rows) + 0.5)  # pixel centres, north first
    lon_c = 35.0 + 0.01 * (np.arange(n_cols) + 0.5)
    return _plane_m(lat_c[:, None], lon_c[None, :]), lat_c, lon_c


def test_geotiff_pixel_centres_are_the_nodes(tmp_path: Path) -> None:
    data, lat_c, lon_c = _plane_raster()
    terrain = Terrain.from_geotiff(_write_geotiff(tmp_path / "dem.tif", data))
    assert terrain.shape == (60, 80)
    assert terrain.lat0_deg == pytest.approx(lat_c[-1], abs=1e-12)  # south-west centre
    assert terrain.lon0_deg == pytest.approx(lon_c[0], abs=1e-12)
    assert terrain.lat1_deg == pytest.approx(lat_c[0], abs=1e-12)
    rng = np.random.default_rng(2)
    lat = rng.uniform(lat_c[-1], lat_c[0], 300)
    lon = rng.uniform(lon_c[0], lon_c[-1], 300)
    np.testing.assert_allclose(terrain.elevation_m(lat, lon), _plane_m(lat, lon), atol=1e-6)
    assert terrain.elevation_m(38.0, 35.3) == 0.0  # the outer half pixel is outside the nodes


def test_geotiff_nodata_is_a_counted_void(tmp_path: Path) -> None:
    data, lat_c, lon_c = _plane_raster()
    data[10, 20] = -9999.0
    data[11, 20] = np.nan
    terrain = Terrain.from_geotiff(_write_geotiff(tmp_path / "dem.tif", data, nodata=-9999.0))
    assert terrain.void_count == 2
    assert terrain.elevation_m(lat_c[10], lon_c[20]) == 0.0
    assert terrain.elevation_m(lat_c[12], lon_c[20]) == pytest.approx(float(data[12, 20]))


def test_geotiff_in_another_crs_is_refused(tmp_path: Path) -> None:
    data, _, _ = _plane_raster()
    path = _write_geotiff(tmp_path / "utm.tif", data, crs="EPSG:32636")
    with pytest.raises(
        InputError, match=r"utm\.tif: raster has CRS EPSG:32636; expected .*EPSG:4326"
    ):
        Terrain.from_geotiff(path)


def test_geotiff_without_rasterio_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "rasterio", None)
    with pytest.raises(ImportError, match=r"a dependency of airguard .*: pip install rasterio$"):
        Terrain.from_geotiff(tmp_path / "dem.tif")


# -- masking ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("antenna_height_m", "target_height_m"),
    [(30.0, 0.0), (10.0, 100.0), (30.0, 1000.0), (30.0, 10000.0)],
)
def test_flat_terrain_reduces_to_the_4_3_earth_horizon(
    antenna_height_m: float, target_height_m: float
) -> None:
    """[FS]: on a smooth Earth the last visible range is sqrt(2kRh_a) + sqrt(2kRh_t).

    The bulge test holds for no d exactly when D ≤ sqrt(2 a_e h_a) + sqrt(2 a_e h_t)
    (the discriminant of a quadratic in d), so the scan must find that range to
    within its own spacing plus the profile step: the line grazes the Earth at
    d = sqrt(2 a_e h_a), inside the path, except for a target on the ground, which
    grazes at its own foot, where the nearest profile point is up to a step away.

    horizon_range_m keeps the h² terms, sqrt(2 a_e h + h²), which add less than
    h^1.5 / (2 sqrt(2 a_e)) per end (121 m for h = 10 km, 0.03 % of the range), on the
    same mean radius R1: that term plus the resolution is the tolerance against it.
    """
    ha, ht, step_m = antenna_height_m, target_height_m, 50.0
    parabolic_m = math.sqrt(2 * A_E_M * ha) + math.sqrt(2 * A_E_M * ht)
    ranges_m = np.linspace(0.98, 1.02, 1001) * parabolic_m
    resolution_m = ranges_m[1] - ranges_m[0] + step_m
    lat, lon = geo.destination(38.0, 35.0, math.radians(70.0), ranges_m)
    seen = line_of_sight(Terrain.none(), 38.0, 35.0, ha, lat, lon, ht, step_m=step_m)
    assert seen[0]
    assert not seen[-1]
    last_visible_m = ranges_m[seen].max()
    assert np.all(seen[ranges_m <= last_visible_m])  # one crossing, no holes
    assert last_visible_m == pytest.approx(parabolic_m, abs=resolution_m)
    neglected_m = (ha**1.5 + ht**1.5) / (2 * math.sqrt(2 * A_E_M))
    assert last_visible_m == pytest.approx(horizon_range_m(ha, ht), abs=neglected_m + resolution_m)


def _ridge_terrain(ridge_height_m: float) -> Terrain:
    """A knife-edge ridge along the parallel 38.5° N: one row of nodes, 0.01° grid."""
    h = np.zeros((201, 101))  # 37.5..39.5 N, 34.5..35.5 E
    h[100] = ridge_height_m  # 37.5 + 100 × 0.01 = 38.5
    return Terrain.from_array(h, 37.5, 34.5, 0.01, 0.01)


def test_ridge_masks_a_low_target_and_not_a_high_one() -> None:
    """A 300 m ridge halfway between a radar at 38° N and a target at 39° N, due north.

    Hand computation (similar triangles plus the bulge).  D = R·1° = 111 195.1 m,
    the ridge at d1 = d2 = D/2.  The ridge top stands above the chord by the bulge
    d1·d2 / (2 a_e) = (55 597.5 m)² / (2 × 8 494 678 m) = 181.94 m, i.e. at an
    effective 481.94 m.  The line from the 20 m antenna grazes it when the target
    is at h_a + (481.94 − h_a)·D/d1 = 20 + 461.94 × 2 = 943.88 m.
    """
    ha, ridge_m = 20.0, 300.0
    distance_m = R_M * math.radians(1.0)
    assert distance_m == pytest.approx(111_195.1, abs=0.1)
    bulge_m = (distance_m / 2) ** 2 / (2 * A_E_M)
    assert bulge_m == pytest.approx(181.94, abs=0.01)
    crossover_m = ha + (ridge_m + bulge_m - ha) * 2.0
    assert crossover_m == pytest.approx(943.88, abs=0.01)

    terrain = _ridge_terrain(ridge_m)
    step_m = distance_m / 99.5  # 100 equal steps: a profile point on the ridge top
    heights = np.array([crossover_m - 1.0, crossover_m + 1.0])
    seen = line_of_sight(terrain, 38.0, 35.0, ha, 39.0, 35.0, heights, step_m=step_m)
    assert seen.tolist() == [False, True]
    # without the ridge both are above the smooth-Earth horizon
    assert line_of_sight(Terrain.none(), 38.0, 35.0, ha, 39.0, 35.0, heights).all()
    # the table, with a range bin on the ridge top, gives the same answer
    mask = horizon_mask(terrain, 38.0, 35.0, ha, 120e3, range_step_m=distance_m / 100)
    assert visible(mask, 0.0, distance_m, heights).tolist() == [False, True]


def test_line_of_sight_kernel_is_the_function() -> None:
    terrain = _ridge_terrain(300.0)
    args = (*terrain.arrays(), math.radians(38.0), math.radians(35.0), 20.0)
    target = (math.radians(39.0), math.radians(35.0))
    step_m = R_M * math.radians(1.0) / 99.5
    assert not line_of_sight_kernel(*args, *target, 942.9, A_E_M, step_m)
    assert line_of_sight_kernel(*args, *target, 944.9, A_E_M, step_m)


def test_azimuth_is_clockwise_from_north() -> None:
    """A hill 20 km east of the radar masks low targets to the east only."""
    lat = 38.0 + 0.005 * np.arange(-40, 41)
    lon = 35.0 + 0.005 * np.arange(-60, 61)
    east_km = (lon[None, :] - 35.0) * 111.2 * math.cos(math.radians(38.0))
    north_km = (lat[:, None] - 38.0) * 111.2
    hill = 800.0 * np.exp(-((east_km - 20.0) ** 2 + north_km**2) / (2 * 2.0**2))
    terrain = Terrain.from_array(hill, lat[0], lon[0], 0.005, 0.005)
    mask = horizon_mask(terrain, 38.0, 35.0, 10.0, 50e3)
    bearings = np.radians([0.0, 90.0, 180.0, 270.0, -270.0])
    east_only = [True, False, True, True, False]
    assert visible(mask, bearings, 40e3, 200.0).tolist() == east_only
    t_lat, t_lon = geo.destination(38.0, 35.0, bearings, 40e3)
    assert line_of_sight(terrain, 38.0, 35.0, 10.0, t_lat, t_lon, 200.0).tolist() == east_only


def _hills() -> Terrain:
    """40 Gaussian hills, 200-1500 m high, 3-10 km wide, on a 2°×2° grid of 0.005°."""
    rng = np.random.default_rng(7)
    lat = 37.0 + 0.005 * np.arange(401)
    lon = 34.0 + 0.005 * np.arange(401)
    north_m = (lat[:, None] - 38.0) * 111_195.0
    east_m = (lon[None, :] - 35.0) * 111_195.0 * math.cos(math.radians(38.0))
    h = np.zeros((401, 401))
    for _ in range(40):
        c_north, c_east = rng.uniform(-111e3, 111e3, 2)
        top_m, width_m = rng.uniform(200.0, 1500.0), rng.uniform(3e3, 10e3)
        h += top_m * np.exp(-((east_m - c_east) ** 2 + (north_m - c_north) ** 2) / (2 * width_m**2))
    return Terrain.from_array(h, 37.0, 34.0, 0.005, 0.005)


@pytest.mark.parametrize(("on_the_rays", "band_m"), [(True, 40.0), (False, 120.0)])
def test_mask_table_agrees_with_line_of_sight(on_the_rays: bool, band_m: float) -> None:
    """[P452] form (2) is the bulge test (1) rearranged; the two differ only in sampling.

    The table samples the terrain on the nearest tabulated ray every range step
    (438 m here), line_of_sight on the target's own great circle every half step,
    so their profile points lie up to ~110 m apart along the path; off the rays the
    tabulated ray also passes up to d·Δaz/2 to the side of a profile point at
    distance d.  The hills' flanks are no steeper than 0.18, so the skyline moves by
    at most 0.18 × 110 m ≈ 20 m along the path and, scaled to the target at D,
    0.18 × D·Δaz/2 ≤ 0.18 × 440 m ≈ 80 m from the side.  Bands of twice the first
    (on the rays) and of their sum (off the rays) must bracket every answer: a
    target that line_of_sight sees clears the table when raised by the band, and one
    it does not see stays masked when lowered by it.  (Observed: no disagreement on
    the rays; 4 of 3000 off the rays, all within 20 m.)
    """
    terrain = _hills()
    radar_lat, radar_lon = 38.0, 35.0
    ha = float(terrain.elevation_m(radar_lat, radar_lon)) + 15.0
    mask = horizon_mask(terrain, radar_lat, radar_lon, ha, 110e3)
    rng = np.random.default_rng(11)
    n = 3000
    bearing = rng.uniform(0.0, 2 * math.pi, n)
    if on_the_rays:
        bearing = np.round(bearing / mask.azimuth_step_rad) * mask.azimuth_step_rad
    distance_m = rng.uniform(2e3, 100e3, n)
    lat, lon = geo.destination(radar_lat, radar_lon, bearing, distance_m)
    ht = terrain.elevation_m(lat, lon) + rng.uniform(0.0, 1500.0, n)

    los = line_of_sight(terrain, radar_lat, radar_lon, ha, lat, lon, ht)
    az = geo.initial_bearing_rad(radar_lat, radar_lon, lat, lon)
    ground_m = geo.great_circle_distance_m(radar_lat, radar_lon, lat, lon)
    assert 0.2 < los.mean() < 0.8  # a real mix of visible and masked targets
    assert np.all(visible(mask, az, ground_m, ht + band_m)[los])
    assert not np.any(visible(mask, az, ground_m, ht - band_m)[~los])
    assert np.mean(visible(mask, az, ground_m, ht) != los) < 0.01


def test_mask_on_flat_terrain_reduces_to_the_4_3_earth_horizon() -> None:
    """[FS] through the table: last visible range within one range bin of the parabola."""
    ha, ht = 30.0, 5000.0
    mask = horizon_mask(Terrain.none(), 38.0, 35.0, ha, 400e3, range_step_m=100.0)
    parabolic_m = math.sqrt(2 * A_E_M * ha) + math.sqrt(2 * A_E_M * ht)
    ranges_m = np.linspace(0.98, 1.02, 2001) * parabolic_m
    seen = visible(mask, math.radians(123.0), ranges_m, ht)
    assert ranges_m[seen].max() == pytest.approx(parabolic_m, abs=100.0)


def test_mask_kernel_is_the_function() -> None:
    mask = horizon_mask(_ridge_terrain(300.0), 38.0, 35.0, 20.0, 120e3)
    for height_m in (900.0, 1000.0):
        assert mask_visible(*mask, 0.0, 111e3, height_m) == bool(
            visible(mask, 0.0, 111e3, height_m)
        )
    assert mask.max_range_m >= 120e3


def test_ground_range_and_azimuth_kernel_match_geo() -> None:
    rng = np.random.default_rng(5)
    lat = rng.uniform(30.0, 45.0, 50)
    lon = rng.uniform(25.0, 45.0, 50)
    for la, lo in zip(lat, lon, strict=True):
        d_m, az = ground_range_azimuth_kernel(
            math.radians(38.0), math.radians(35.0), math.radians(la), math.radians(lo)
        )
        assert d_m == pytest.approx(
            float(geo.great_circle_distance_m(38.0, 35.0, la, lo)), abs=1e-6
        )
        assert az == pytest.approx(float(geo.initial_bearing_rad(38.0, 35.0, la, lo)), abs=1e-12)


def test_bad_masking_parameters_are_refused() -> None:
    terrain = Terrain.none()
    with pytest.raises(ValueError, match="k: expected a positive"):
        line_of_sight(terrain, 38.0, 35.0, 10.0, 38.1, 35.0, 10.0, k=0.0)
    with pytest.raises(ValueError, match="step_m: expected a positive"):
        line_of_sight(terrain, 38.0, 35.0, 10.0, 38.1, 35.0, 10.0, step_m=-1.0)
    with pytest.raises(ValueError, match="max_range_m: expected a positive"):
        horizon_mask(terrain, 38.0, 35.0, 10.0, 0.0)
