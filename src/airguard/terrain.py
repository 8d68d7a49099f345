"""Digital elevation models and terrain masking of radar lines of sight.

A :class:`Terrain` is a thin view over a regular latitude/longitude grid of
heights read from SRTM ``.hgt`` tiles, a GeoTIFF (through ``rasterio``, a dependency
imported only when a GeoTIFF is read) or an array.
Nothing is downloaded: the caller supplies the files.

Conventions
-----------
* **Grid.** ``heights_m[i, j]`` is the height at the node
  ``(lat0_deg + i * dlat_deg, lon0_deg + j * dlon_deg)``; rows run south to
  north whatever the order in the file.  Between nodes heights are
  interpolated bilinearly in latitude and longitude.
* **Outside the grid** the height is 0 m: sea level, the smooth Earth that
  the 4/3-Earth horizon of :func:`airguard.radar.horizon_range_m` assumes.
* **Voids** (SRTM −32768, a GeoTIFF's nodata value, NaN) become 0 m, before
  any geoid offset; :attr:`Terrain.void_count` says how many nodes were void.
* **Datum.** Heights are taken as heights above the WGS84 ellipsoid, like
  every height in airguard.  SRTM and Copernicus DEM heights are above the
  EGM96 / EGM2008 geoid; the difference, the geoid undulation N, is about
  +25 m to +40 m over Turkey.  It is ignored unless the caller passes
  ``geoid_offset_m`` (a constant added to every node, e.g. the undulation at
  the centre of the area), which is enough where N varies by less than the
  accuracy the study needs.  Outside the grid the height stays 0 m above the
  ellipsoid.
* **Angles.** Azimuth is clockwise from north in radians, as
  :func:`airguard.geo.initial_bearing_rad`; ground distances are along the
  great circle on the sphere of radius :data:`airguard.geo.MEAN_EARTH_RADIUS_M`,
  as :func:`airguard.geo.great_circle_distance_m`.

Terrain masking (the path-profile method)
-----------------------------------------
Refraction is folded into the Earth's curvature by the effective Earth
radius a_e = k R, k = 4/3 for the standard atmosphere.  Take an antenna at
height h_a and a target at height h_t, ground distance D apart, and draw the
profile with the chord between the two ends' feet straight: the Earth's
surface then bulges above it by d (D − d) / (2 a_e) at distance d from the
antenna (the parabolic approximation of the circle, good to (D / a_e)², under
0.3 % at 400 km), and a profile point of terrain height h(d) stands at
h(d) + d (D − d) / (2 a_e).  The target is **masked** when, for some d in
(0, D), that point rises above the straight line of sight:

    h(d) + d (D − d) / (2 a_e)  >  h_a + (h_t − h_a) d / D.            (1)

This is the Earth-bulge term of the ITU-R path-profile methods (ITU-R
P.452-16, *Prediction procedure for the evaluation of interference between
stations on the surface of the Earth*, 2015, where it appears as
``500 C_e d_i (d − d_i)`` with heights in m, distances in km and C_e = 1/a_e
in 1/km) and of microwave-link path-profile planning.

Dividing (1) by d > 0 and moving the terms in D to the right-hand side gives
the equivalent form

    θ(d, h(d)) > θ(D, h_t),   θ(d, h) = (h − h_a) / d − d / (2 a_e),    (2)

the elevation angle (small-angle) of a point as seen from the antenna in the
4/3-Earth frame.  (2) is (1) rearranged, not a further approximation: both
rest on the same parabolic bulge.  It is the test for a trans-horizon path
of ITU-R P.452-16, Attachment 2 to Annex 1, eqs. (150)–(154): the path is
line-of-sight when θ_td = θ(D, h_t) is at least θ_max = max θ(d_i, h_i) over
the profile.  Form (2) separates
the terrain from the target, so the terrain's part can be tabulated once per
radar: :func:`horizon_mask` stores, for each azimuth and each range bin,
``max θ(d, h(d))`` over the profile up to that range, and
:func:`mask_visible` compares a target's θ(D, h_t) with it.

On flat terrain of height 0, (1) holds for no d exactly when
``D ≤ sqrt(2 a_e h_a) + sqrt(2 a_e h_t)`` (the discriminant of the quadratic
in d), the smooth-Earth horizon of Federal Standard 1037C and Skolnik,
*Introduction to Radar Systems*, 3rd ed., ch. 8, without the h² terms that
:func:`airguard.radar.horizon_range_m` keeps (they move the horizon by
h^1.5 / (2 sqrt(2 a_e)), 0.12 km for a 10 km high target).

Kernels
-------
The numba kernels take the raw arrays of :meth:`Terrain.arrays` (heights and
grid in radians) and of :class:`HorizonMask` so that compiled code (the
engine, trajectories) can call them: :func:`elevation_kernel`,
:func:`line_of_sight_kernel`, :func:`mask_visible`,
:func:`ground_range_azimuth_kernel`.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from airguard._jit import njit
from airguard.errors import InputError
from airguard.geo import EFFECTIVE_EARTH_FACTOR, MEAN_EARTH_RADIUS_M

__all__ = [
    "SRTM_VOID",
    "STANDARD_K",
    "HorizonMask",
    "Terrain",
    "TerrainArrays",
    "elevation_kernel",
    "ground_range_azimuth_kernel",
    "horizon_mask",
    "line_of_sight",
    "line_of_sight_kernel",
    "mask_visible",
    "read_hgt",
    "visible",
]

Float = NDArray[np.float64]
Bool = NDArray[np.bool_]

SRTM_VOID = -32768
"""Void marker of SRTM .hgt files (NASA, *SRTM Topography*, SRTM_Topo.pdf, 2003)."""

STANDARD_K = EFFECTIVE_EARTH_FACTOR
"""Effective-Earth-radius factor of the standard atmosphere, 4/3: the name under which this
module's functions take it; the constant is :data:`airguard.geo.EFFECTIVE_EARTH_FACTOR`
(Federal Standard 1037C, "effective Earth radius"; Skolnik, *Introduction to Radar
Systems*, 3rd ed., ch. 8)."""

_HGT_ARC_SECONDS = {1201: 3, 3601: 1}
"""Samples per side of a 1° SRTM tile → sample spacing in arc-seconds."""

_HGT_NAME = re.compile(r"^([NS])(\d{2})([EW])(\d{3})\.hgt$", re.IGNORECASE)

_EDGE_TOL = 1e-6
"""Grid units by which a query may overshoot the grid's edge and still count as on it
(degrees → radians rounding puts an edge query 1e-13 outside)."""

_NODE_SNAP = 1e-9
"""Grid units within which a query is taken to be on a node line (about 1e-8 m for 3")."""

_TWO_PI = 2.0 * math.pi

_MAX_DEFAULT_STEP_M = 250.0
"""Cap on the default profile step of :func:`line_of_sight`: a coarse or flat grid
still samples the Earth bulge finely (the parabola's peak is then missed by
less than step² / (8 a_e) = 1 mm)."""

_MAX_DEFAULT_RANGE_STEP_M = 500.0
"""Cap on the default range bin of :func:`horizon_mask`."""


class TerrainArrays(NamedTuple):
    """The raw grid the compiled kernels take (see :func:`elevation_kernel`)."""

    heights_m: Float
    """(n_lat, n_lon) float64 heights above the ellipsoid, m; row 0 is the south edge."""
    lat0_rad: float
    """Latitude of node (0, 0), the south-west corner, rad."""
    lon0_rad: float
    """Longitude of node (0, 0), rad."""
    dlat_rad: float
    """Node spacing in latitude, rad, > 0."""
    dlon_rad: float
    """Node spacing in longitude, rad, > 0."""


class Terrain:
    """Heights on a regular latitude/longitude grid, interpolated bilinearly.

    Node ``(i, j)`` is at latitude ``lat0_deg + i * dlat_deg`` and longitude
    ``lon0_deg + j * dlon_deg``; rows run south to north.  Heights are metres
    above the WGS84 ellipsoid (see the module notes on the geoid); outside the
    grid the height is 0 m.  The array is read-only: a Terrain is shared by
    every look of every replication.

    Build one with :meth:`from_hgt`, :meth:`from_geotiff`, :meth:`from_array`,
    :meth:`flat` or :meth:`none`.

    Parameters
    ----------
    heights_m
        (n_lat, n_lon) heights, m, finite; n_lat, n_lon >= 2.
    lat0_deg, lon0_deg
        Latitude and longitude of the south-west node, degrees.
    dlat_deg, dlon_deg
        Node spacing, degrees, > 0.
    void_count
        How many nodes were void in the source and were set to 0 m.
    """

    __slots__ = ("dlat_deg", "dlon_deg", "heights_m", "lat0_deg", "lon0_deg", "void_count")

    heights_m: Float
    lat0_deg: float
    lon0_deg: float
    dlat_deg: float
    dlon_deg: float
    void_count: int

    def __init__(
        self,
        heights_m: ArrayLike,
        lat0_deg: float,
        lon0_deg: float,
        dlat_deg: float,
        dlon_deg: float,
        void_count: int = 0,
    ) -> None:
        h = np.array(heights_m, dtype=np.float64, order="C")
        if h.ndim != 2 or h.shape[0] < 2 or h.shape[1] < 2:
            raise ValueError(
                f"heights_m: expected a 2-D grid of at least 2×2 nodes, got shape {h.shape}"
            )
        if not np.all(np.isfinite(h)):
            raise ValueError(
                "heights_m: expected finite heights; use Terrain.from_array to treat NaN as void"
            )
        for name, value in (("dlat_deg", dlat_deg), ("dlon_deg", dlon_deg)):
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"{name}: expected a positive spacing in degrees, got {value}")
        lat1 = lat0_deg + (h.shape[0] - 1) * dlat_deg
        if not (lat0_deg >= -90.0 - 1e-9 and lat1 <= 90.0 + 1e-9):
            raise ValueError(f"grid latitudes {lat0_deg}..{lat1} deg fall outside -90..90 deg")
        if (h.shape[1] - 1) * dlon_deg > 360.0 + 1e-9:
            raise ValueError(
                f"grid spans {(h.shape[1] - 1) * dlon_deg} deg of longitude, more than 360 deg"
            )
        if not math.isfinite(lon0_deg):
            raise ValueError(f"lon0_deg: expected a finite longitude, got {lon0_deg}")
        h.flags.writeable = False
        self.heights_m = h
        self.lat0_deg = float(lat0_deg)
        self.lon0_deg = float(lon0_deg)
        self.dlat_deg = float(dlat_deg)
        self.dlon_deg = float(dlon_deg)
        self.void_count = int(void_count)

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def flat(cls, height_m: float = 0.0) -> Terrain:
        """Terrain of one height everywhere on Earth (a 2×2 grid over the globe)."""
        return cls(np.full((2, 2), float(height_m)), -90.0, -180.0, 180.0, 360.0)

    @classmethod
    def none(cls) -> Terrain:
        """No terrain: 0 m everywhere, so masking reduces to the smooth-Earth horizon."""
        return cls.flat(0.0)

    @classmethod
    def from_array(
        cls,
        heights_m: ArrayLike,
        lat0_deg: float,
        lon0_deg: float,
        dlat_deg: float,
        dlon_deg: float,
        *,
        geoid_offset_m: float = 0.0,
    ) -> Terrain:
        """Terrain from an array whose row 0 is the south edge.

        Parameters
        ----------
        heights_m
            (n_lat, n_lon) heights, m; NaN marks a void (set to 0 m and counted).
        lat0_deg, lon0_deg
            Latitude and longitude of node (0, 0), the south-west corner, degrees.
        dlat_deg, dlon_deg
            Node spacing, degrees, > 0.
        geoid_offset_m
            Constant added to every node after voids are set to 0 m, m: the geoid
            undulation, to turn heights above the geoid into heights above the ellipsoid.
        """
        h = np.array(heights_m, dtype=np.float64)
        void = ~np.isfinite(h)
        h[void] = 0.0
        h += geoid_offset_m
        return cls(h, lat0_deg, lon0_deg, dlat_deg, dlon_deg, int(void.sum()))

    @classmethod
    def from_hgt(
        cls, paths: str | Path | Iterable[str | Path], *, geoid_offset_m: float = 0.0
    ) -> Terrain:
        """Mosaic SRTM ``.hgt`` tiles into one grid.

        A tile is a square of big-endian int16 heights in metres above the EGM96
        geoid, 1201×1201 samples (3 arc-second) or 3601×3601 (1 arc-second), the
        first row at the tile's north edge; the file name gives the south-west
        corner (``N37E035.hgt`` covers 37–38° N, 35–36° E) and neighbouring tiles
        share their edge rows and columns (NASA/JPL, *SRTM Topography*, 2003).

        The grid is the bounding box of the tiles; tiles that are missing inside
        it are voids (0 m, counted in :attr:`void_count`), like void samples
        (−32768).  All tiles must have the same resolution.  The grid holds
        float64: a 3 arc-second tile takes 11.5 MB, a 1 arc-second one 104 MB.

        Parameters
        ----------
        paths
            One ``.hgt`` file or several.
        geoid_offset_m
            Constant added to every node after voids are set to 0 m, m (see the
            module notes on the geoid).

        Raises
        ------
        InputError
            A file name that is not a tile name, a file of the wrong size, tiles of
            two resolutions, or the same tile twice; the message names the file.
        """
        if isinstance(paths, str | Path):
            paths = [paths]
        tiles = [_read_hgt_tile(Path(p)) for p in paths]
        if not tiles:
            raise ValueError("from_hgt: no .hgt files given")
        n = tiles[0].size
        seen: dict[tuple[int, int], Path] = {}
        for tile in tiles:
            if tile.size != n:
                raise InputError(
                    f"tile is {_HGT_ARC_SECONDS[tile.size]} arc-second ({tile.size}×{tile.size}) but "
                    f"{tiles[0].path.name} is {_HGT_ARC_SECONDS[n]} arc-second ({n}×{n}); "
                    "mosaic tiles of one resolution",
                    file=tile.path,
                )
            key = (tile.lat_deg, tile.lon_deg)
            if key in seen:
                raise InputError(f"the same tile as {seen[key]} given twice", file=tile.path)
            seen[key] = tile.path
        cells = n - 1
        lat_min = min(t.lat_deg for t in tiles)
        lon_min = min(t.lon_deg for t in tiles)
        n_lat = (max(t.lat_deg for t in tiles) - lat_min + 1) * cells + 1
        n_lon = (max(t.lon_deg for t in tiles) - lon_min + 1) * cells + 1
        heights = np.zeros((n_lat, n_lon))
        filled = np.zeros((n_lat, n_lon), dtype=np.bool_)
        void = np.zeros((n_lat, n_lon), dtype=np.bool_)
        for tile in tiles:
            r0 = (tile.lat_deg - lat_min) * cells
            c0 = (tile.lon_deg - lon_min) * cells
            block = (slice(r0, r0 + n), slice(c0, c0 + n))
            heights[block] = tile.heights
            filled[block] = True
            void[block] = tile.heights == SRTM_VOID
        void |= ~filled
        heights[void] = 0.0
        heights += geoid_offset_m
        spacing_deg = 1.0 / cells
        return cls(heights, lat_min, lon_min, spacing_deg, spacing_deg, int(void.sum()))

    @classmethod
    def from_geotiff(
        cls, path: str | Path, *, band: int = 1, geoid_offset_m: float = 0.0
    ) -> Terrain:
        """Terrain from a north-up GeoTIFF in geographic WGS84 (EPSG:4326).

        This is the form of the usual SRTM and Copernicus DEM GeoTIFFs.  Pixel
        centres are the grid nodes.  For a pixel-is-area raster the value is the
        pixel's, placed at its centre; for a pixel-is-point raster (Copernicus DEM)
        GDAL already reports the geotransform shifted by half a pixel so that the
        pixel centre is the sample point — in both cases the centre is right.
        Pixels equal to the band's nodata value, and NaN, are voids (0 m, counted).

        Needs ``rasterio`` (a dependency of airguard), imported here.

        Parameters
        ----------
        path
            GeoTIFF file (anything rasterio opens).
        band
            1-based band number.
        geoid_offset_m
            Constant added to every node after voids are set to 0 m, m.

        Raises
        ------
        ImportError
            rasterio is missing from this environment (a broken install).
        InputError
            Another CRS than EPSG:4326, a rotated or west-pointing raster, a missing band.
        """
        try:
            rasterio = importlib.import_module("rasterio")
        except ImportError as exc:
            raise ImportError(
                "reading GeoTIFF terrain needs rasterio, a dependency of airguard missing "
                "from this environment: pip install rasterio"
            ) from exc
        path = Path(path)
        with rasterio.open(path) as src:
            crs = src.crs
            epsg = None if crs is None else crs.to_epsg()
            if epsg != 4326:
                found = "no CRS" if crs is None else f"CRS {crs.to_string()}"
                raise InputError(
                    f"raster has {found}; expected geographic WGS84 latitude/longitude (EPSG:4326) "
                    "— reproject it, e.g. gdalwarp -t_srs EPSG:4326",
                    file=path,
                )
            t = src.transform
            if t.b != 0.0 or t.d != 0.0 or t.a <= 0.0 or t.e == 0.0:
                raise InputError(
                    f"geotransform {tuple(t)[:6]} is rotated or runs east to west; "
                    "expected a north-up raster (no rotation terms, positive pixel width)",
                    file=path,
                )
            if not 1 <= band <= src.count:
                raise InputError(
                    f"band {band} requested; the raster has bands 1..{src.count}", file=path
                )
            data = np.asarray(src.read(band), dtype=np.float64)
            nodata = src.nodata
            n_rows = data.shape[0]
        void = ~np.isfinite(data)
        if nodata is not None and not math.isnan(nodata):
            void |= data == nodata
        data[void] = 0.0
        data += geoid_offset_m
        lon0 = t.c + 0.5 * t.a
        if t.e < 0.0:  # north-up: row 0 is the north edge
            data = data[::-1]
            lat0 = t.f + (n_rows - 0.5) * t.e
        else:
            lat0 = t.f + 0.5 * t.e
        return cls(data, lat0, lon0, abs(t.e), t.a, int(void.sum()))

    # -- queries ------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        """(n_lat, n_lon) nodes."""
        return (self.heights_m.shape[0], self.heights_m.shape[1])

    @property
    def lat1_deg(self) -> float:
        """Latitude of the northernmost row of nodes, degrees."""
        return self.lat0_deg + (self.shape[0] - 1) * self.dlat_deg

    @property
    def lon1_deg(self) -> float:
        """Longitude of the easternmost column of nodes, degrees."""
        return self.lon0_deg + (self.shape[1] - 1) * self.dlon_deg

    def arrays(self) -> TerrainArrays:
        """The tuple the compiled kernels take: heights and grid in radians.

        ``elevation_kernel(*terrain.arrays(), lat_rad, lon_rad)``.
        """
        return TerrainArrays(
            self.heights_m,
            math.radians(self.lat0_deg),
            math.radians(self.lon0_deg),
            math.radians(self.dlat_deg),
            math.radians(self.dlon_deg),
        )

    def spacing_m(self, lat_deg: float) -> float:
        """Node spacing at latitude `lat_deg`, m: the smaller of north-south and east-west."""
        cos_lat = max(math.cos(math.radians(lat_deg)), 1e-3)
        return MEAN_EARTH_RADIUS_M * math.radians(min(self.dlat_deg, self.dlon_deg * cos_lat))

    def elevation_m(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> float | Float:
        """Terrain height at geodetic latitude and longitude, m above the ellipsoid.

        Bilinear interpolation between the four surrounding nodes; exact for a
        height that is linear in latitude and longitude.  Outside the grid 0 m.

        Parameters
        ----------
        lat_deg, lon_deg
            Latitude and longitude, degrees; broadcast together.

        Returns
        -------
        float or ndarray
            A float when both inputs are scalars, else an array of their broadcast shape.
        """
        lat, lon = np.broadcast_arrays(
            np.radians(np.asarray(lat_deg, dtype=np.float64)),
            np.radians(np.asarray(lon_deg, dtype=np.float64)),
        )
        out = _elevation_array(*self.arrays(), lat.ravel(), lon.ravel()).reshape(lat.shape)
        if lat.ndim == 0:
            return float(out)
        return out

    def __repr__(self) -> str:
        return (
            f"Terrain({self.shape[0]}×{self.shape[1]} nodes, lat {self.lat0_deg:.6g}..{self.lat1_deg:.6g} deg, "
            f"lon {self.lon0_deg:.6g}..{self.lon1_deg:.6g} deg, "
            f"spacing {self.dlat_deg * 3600:.6g}″×{self.dlon_deg * 3600:.6g}″, voids {self.void_count})"
        )


class _HgtTile(NamedTuple):
    path: Path
    lat_deg: int
    lon_deg: int
    size: int
    heights: NDArray[np.int16]  # south row first


def _read_hgt_tile(path: Path) -> _HgtTile:
    match = _HGT_NAME.match(path.name)
    if match is None:
        raise InputError(
            "file name is not an SRTM tile name; expected the south-west corner, like N37E035.hgt",
            file=path,
        )
    lat = int(match[2]) * (1 if match[1].upper() == "N" else -1)
    lon = int(match[4]) * (1 if match[3].upper() == "E" else -1)
    if not (-90 <= lat <= 89 and -180 <= lon <= 179):
        raise InputError(f"tile corner {lat}°, {lon}° is off the globe", file=path)
    size_b = path.stat().st_size
    n = math.isqrt(size_b // 2)
    if n not in _HGT_ARC_SECONDS or 2 * n * n != size_b:
        raise InputError(
            f"{size_b} bytes is not an SRTM tile; expected {2 * 1201 * 1201} bytes (1201×1201, "
            f"3 arc-second) or {2 * 3601 * 3601} bytes (3601×3601, 1 arc-second)",
            file=path,
        )
    data = np.fromfile(path, dtype=">i2").reshape(n, n)[::-1]
    return _HgtTile(path, lat, lon, n, data.astype(np.int16))


def read_hgt(path: str | Path, *, geoid_offset_m: float = 0.0) -> Terrain:
    """Read one SRTM ``.hgt`` tile; see :meth:`Terrain.from_hgt`."""
    return Terrain.from_hgt([path], geoid_offset_m=geoid_offset_m)


# -- compiled kernels -----------------------------------------------------------------------


@njit
def elevation_kernel(
    heights_m: Float,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    lat_rad: float,
    lon_rad: float,
) -> float:
    """Bilinear terrain height at one point, m; 0 m outside the grid, NaN for NaN input.

    The first five arguments are :meth:`Terrain.arrays`.  Longitude is taken
    modulo 360°, so a grid may straddle the antimeridian.
    """
    n_lat = heights_m.shape[0]
    n_lon = heights_m.shape[1]
    y = (lat_rad - lat0_rad) / dlat_rad
    x = (lon_rad - lon0_rad) / dlon_rad
    if not (math.isfinite(x) and math.isfinite(y)):
        return math.nan
    period = _TWO_PI / dlon_rad
    x -= period * math.floor((x + _EDGE_TOL) / period)
    if y < -_EDGE_TOL or y > n_lat - 1 + _EDGE_TOL or x > n_lon - 1 + _EDGE_TOL:
        return 0.0
    i = min(max(int(math.floor(y)), 0), n_lat - 2)
    j = min(max(int(math.floor(x)), 0), n_lon - 2)
    # clamp onto the grid and snap onto node lines: a query on a node returns the
    # node's value despite degree → radian rounding
    fy = y - i
    if fy < _NODE_SNAP:
        fy = 0.0
    elif fy > 1.0 - _NODE_SNAP:
        fy = 1.0
    fx = x - j
    if fx < _NODE_SNAP:
        fx = 0.0
    elif fx > 1.0 - _NODE_SNAP:
        fx = 1.0
    south = (1.0 - fx) * heights_m[i, j] + fx * heights_m[i, j + 1]
    north = (1.0 - fx) * heights_m[i + 1, j] + fx * heights_m[i + 1, j + 1]
    return float((1.0 - fy) * south + fy * north)


@njit
def _elevation_array(
    heights_m: Float,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    lat_rad: Float,
    lon_rad: Float,
) -> Float:
    out = np.empty(lat_rad.shape[0])
    for m in range(lat_rad.shape[0]):
        out[m] = elevation_kernel(
            heights_m, lat0_rad, lon0_rad, dlat_rad, dlon_rad, lat_rad[m], lon_rad[m]
        )
    return out


@njit
def _nvec(lat_rad: float, lon_rad: float) -> tuple[float, float, float]:
    """Unit normal (n-vector) of a geodetic latitude and longitude (Gade 2010, eq. 3)."""
    c = math.cos(lat_rad)
    return c * math.cos(lon_rad), c * math.sin(lon_rad), math.sin(lat_rad)


@njit
def line_of_sight_kernel(
    heights_m: Float,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    radar_lat_rad: float,
    radar_lon_rad: float,
    radar_height_m: float,
    target_lat_rad: float,
    target_lon_rad: float,
    target_height_m: float,
    effective_radius_m: float,
    step_m: float,
) -> bool:
    """True when no terrain along the great circle masks the target (path-profile test (1)).

    Profile points are spaced evenly, at most `step_m` apart, strictly between
    the two ends; the first five arguments are :meth:`Terrain.arrays`.
    """
    ax, ay, az = _nvec(radar_lat_rad, radar_lon_rad)
    bx, by, bz = _nvec(target_lat_rad, target_lon_rad)
    c = ax * bx + ay * by + az * bz
    cx, cy, cz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
    s = math.sqrt(cx * cx + cy * cy + cz * cz)
    psi = math.atan2(s, c)
    dist = MEAN_EARTH_RADIUS_M * psi
    n_seg = int(math.ceil(dist / step_m))
    if n_seg < 2:
        return True
    if s < 1e-12:  # antipodal: no unique great circle, and far below any horizon
        return False
    # unit tangent at the radar towards the target
    tx, ty, tz = (bx - c * ax) / s, (by - c * ay) / s, (bz - c * az) / s
    slope = (target_height_m - radar_height_m) / dist
    two_ae = 2.0 * effective_radius_m
    for m in range(1, n_seg):
        d = dist * m / n_seg
        th = d / MEAN_EARTH_RADIUS_M
        ct, st = math.cos(th), math.sin(th)
        nx, ny, nz = ct * ax + st * tx, ct * ay + st * ty, ct * az + st * tz
        lat = math.atan2(nz, math.sqrt(nx * nx + ny * ny))
        lon = math.atan2(ny, nx)
        h = elevation_kernel(heights_m, lat0_rad, lon0_rad, dlat_rad, dlon_rad, lat, lon)
        if h + d * (dist - d) / two_ae > radar_height_m + slope * d:
            return False
    return True


@njit
def _line_of_sight_array(
    heights_m: Float,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    radar_lat_rad: float,
    radar_lon_rad: float,
    radar_height_m: float,
    target_lat_rad: Float,
    target_lon_rad: Float,
    target_height_m: Float,
    effective_radius_m: float,
    step_m: float,
) -> Bool:
    out = np.empty(target_lat_rad.shape[0], dtype=np.bool_)
    for m in range(target_lat_rad.shape[0]):
        out[m] = line_of_sight_kernel(
            heights_m,
            lat0_rad,
            lon0_rad,
            dlat_rad,
            dlon_rad,
            radar_lat_rad,
            radar_lon_rad,
            radar_height_m,
            target_lat_rad[m],
            target_lon_rad[m],
            target_height_m[m],
            effective_radius_m,
            step_m,
        )
    return out


def _effective_radius_m(k: float) -> float:
    if not (math.isfinite(k) and k > 0.0):
        raise ValueError(f"k: expected a positive effective-Earth-radius factor, got {k}")
    return k * MEAN_EARTH_RADIUS_M


def line_of_sight(
    terrain: Terrain,
    radar_lat_deg: float,
    radar_lon_deg: float,
    radar_height_m: float,
    target_lat_deg: ArrayLike,
    target_lon_deg: ArrayLike,
    target_height_m: ArrayLike,
    k: float = STANDARD_K,
    step_m: float | None = None,
) -> Bool:
    """Whether the radar sees each target over the terrain (True = visible).

    The path-profile test (1) of the module notes along the great circle from
    the radar to each target: the target is masked when terrain plus the Earth
    bulge d1·d2 / (2 k R) rises above the straight line from the antenna to the
    target at any profile point.  On :meth:`Terrain.none` it reduces to the
    smooth-Earth horizon sqrt(2 k R h_a) + sqrt(2 k R h_t).

    Parameters
    ----------
    terrain
        The terrain; :meth:`Terrain.none` for a smooth Earth.
    radar_lat_deg, radar_lon_deg
        Radar site, degrees.
    radar_height_m
        Antenna height above the ellipsoid, m (site elevation plus mast).
    target_lat_deg, target_lon_deg, target_height_m
        Targets, degrees and m above the ellipsoid; broadcast together.
    k
        Effective-Earth-radius factor, default 4/3; R is the mean Earth radius.
    step_m
        Largest spacing of profile points, m; default half the DEM's node spacing
        at the radar (at most 250 m).  A ridge narrower than the step can be missed.

    Returns
    -------
    ndarray of bool
        The broadcast shape of the target arguments (0-d for scalars).
    """
    ae = _effective_radius_m(k)
    if step_m is None:
        step_m = min(0.5 * terrain.spacing_m(radar_lat_deg), _MAX_DEFAULT_STEP_M)
    if not (math.isfinite(step_m) and step_m > 0.0):
        raise ValueError(f"step_m: expected a positive step in metres, got {step_m}")
    lat, lon, h = np.broadcast_arrays(
        np.radians(np.asarray(target_lat_deg, dtype=np.float64)),
        np.radians(np.asarray(target_lon_deg, dtype=np.float64)),
        np.asarray(target_height_m, dtype=np.float64),
    )
    out = _line_of_sight_array(
        *terrain.arrays(),
        math.radians(radar_lat_deg),
        math.radians(radar_lon_deg),
        float(radar_height_m),
        lat.ravel(),
        lon.ravel(),
        h.ravel(),
        ae,
        float(step_m),
    )
    return out.reshape(lat.shape)


# -- horizon mask table ---------------------------------------------------------------------


class HorizonMask(NamedTuple):
    """A radar's terrain skyline, tabulated by azimuth and range (see :func:`horizon_mask`).

    The fields are, in order, the first five arguments of :func:`mask_visible`:
    ``mask_visible(*mask, azimuth_rad, ground_range_m, target_height_m)``.
    """

    horizon_slope: Float
    """(n_az, n_range + 1) float64: entry [i, j] is max θ(d, h(d)) = (h − h_a)/d − d/(2 a_e)
    over the profile points d = range_step_m, 2 range_step_m, …, j range_step_m on the
    great circle leaving at azimuth i azimuth_step_rad; −inf in column 0.  Dimensionless
    (the tangent of the terrain's elevation angle in the 4/3-Earth frame)."""
    azimuth_step_rad: float
    """Azimuth bin width, rad; bin i is centred on azimuth i azimuth_step_rad from north."""
    range_step_m: float
    """Spacing of the profile points and range bins, m (ground distance)."""
    antenna_height_m: float
    """h_a: antenna height above the ellipsoid, m."""
    effective_radius_m: float
    """a_e = k R, m."""

    @property
    def max_range_m(self) -> float:
        """Ground range the table covers, m; beyond it no further terrain is considered."""
        return float(self.range_step_m * (self.horizon_slope.shape[1] - 1))


@njit
def _horizon_mask_table(
    heights_m: Float,
    lat0_rad: float,
    lon0_rad: float,
    dlat_rad: float,
    dlon_rad: float,
    radar_lat_rad: float,
    radar_lon_rad: float,
    radar_height_m: float,
    effective_radius_m: float,
    n_az: int,
    n_range: int,
    range_step_m: float,
) -> Float:
    out = np.empty((n_az, n_range + 1))
    ax, ay, az = _nvec(radar_lat_rad, radar_lon_rad)
    sl, cl = math.sin(radar_lat_rad), math.cos(radar_lat_rad)
    so, co = math.sin(radar_lon_rad), math.cos(radar_lon_rad)
    dth = range_step_m / MEAN_EARTH_RADIUS_M
    cd, sd = math.cos(dth), math.sin(dth)
    two_ae = 2.0 * effective_radius_m
    # ray by ray: successive samples read neighbouring nodes, which keeps a large grid
    # in cache (measured faster than ring by ring)
    for i in range(n_az):
        b = i * _TWO_PI / n_az
        cb, sb = math.cos(b), math.sin(b)
        # unit tangent at the radar: cos(b) north + sin(b) east
        tx = -cb * sl * co - sb * so
        ty = -cb * sl * so + sb * co
        tz = cb * cl
        best = -math.inf
        out[i, 0] = best
        ct, st = 1.0, 0.0  # cos, sin of the angle travelled, advanced by rotation
        for j in range(1, n_range + 1):
            ct, st = ct * cd - st * sd, st * cd + ct * sd
            px, py, pz = ct * ax + st * tx, ct * ay + st * ty, ct * az + st * tz
            lat = math.atan2(pz, math.sqrt(px * px + py * py))
            lon = math.atan2(py, px)
            h = elevation_kernel(heights_m, lat0_rad, lon0_rad, dlat_rad, dlon_rad, lat, lon)
            d = j * range_step_m
            best = max(best, (h - radar_height_m) / d - d / two_ae)
            out[i, j] = best
    return out


def horizon_mask(
    terrain: Terrain,
    radar_lat_deg: float,
    radar_lon_deg: float,
    radar_height_m: float,
    max_range_m: float,
    azimuth_step_deg: float = 0.5,
    range_step_m: float | None = None,
    k: float = STANDARD_K,
) -> HorizonMask:
    """Tabulate a radar's terrain skyline for fast masking tests.

    Rays leave the radar along great circles at azimuths 0, Δaz, 2Δaz, …; along
    each, terrain is sampled every `range_step_m` and the running maximum of
    θ(d, h(d)) = (h(d) − h_a)/d − d/(2 a_e) is stored.  A target at azimuth az,
    ground range D and height h_t is then visible when
    θ(D, h_t) ≥ max over d ≤ D of θ(d, h(d)) on the nearest ray, the form (2) of
    the module notes, which is exactly the path-profile test (1)
    (ITU-R P.452-16, Attachment 2 to Annex 1, eqs. (150)–(154)).  It differs
    from :func:`line_of_sight` only in where the terrain is sampled: on the
    nearest tabulated ray rather than on the target's own great circle (up to
    D·Δaz/2 to the side, 1.7 km at 400 km for 0.5°), and at the range bins up to
    the last one before the target.

    Building 720 rays of 400 km at 90 m takes about 0.35 s (docs/terrain.md);
    the table takes n_az × (n_range + 1) × 8 bytes (25 MB for that case).

    Parameters
    ----------
    terrain
        The terrain.
    radar_lat_deg, radar_lon_deg
        Radar site, degrees.
    radar_height_m
        Antenna height above the ellipsoid, m.
    max_range_m
        Ground range to tabulate, m, > 0.
    azimuth_step_deg
        Azimuth bin width, degrees; rounded so that a whole number of bins fills 360°.
    range_step_m
        Spacing of profile points and range bins, m; default the DEM's node spacing
        at the radar (at most 500 m).
    k
        Effective-Earth-radius factor, default 4/3.
    """
    ae = _effective_radius_m(k)
    if not (math.isfinite(max_range_m) and max_range_m > 0.0):
        raise ValueError(f"max_range_m: expected a positive range in metres, got {max_range_m}")
    if not (math.isfinite(azimuth_step_deg) and 0.0 < azimuth_step_deg <= 90.0):
        raise ValueError(
            f"azimuth_step_deg: expected a step in (0, 90] degrees, got {azimuth_step_deg}"
        )
    if range_step_m is None:
        range_step_m = min(terrain.spacing_m(radar_lat_deg), _MAX_DEFAULT_RANGE_STEP_M)
    if not (math.isfinite(range_step_m) and range_step_m > 0.0):
        raise ValueError(f"range_step_m: expected a positive step in metres, got {range_step_m}")
    n_az = max(round(360.0 / azimuth_step_deg), 4)
    n_range = math.ceil(max_range_m / range_step_m)
    table = _horizon_mask_table(
        *terrain.arrays(),
        math.radians(radar_lat_deg),
        math.radians(radar_lon_deg),
        float(radar_height_m),
        ae,
        n_az,
        n_range,
        float(range_step_m),
    )
    return HorizonMask(table, _TWO_PI / n_az, float(range_step_m), float(radar_height_m), ae)


@njit
def mask_visible(
    horizon_slope: Float,
    azimuth_step_rad: float,
    range_step_m: float,
    antenna_height_m: float,
    effective_radius_m: float,
    azimuth_rad: float,
    ground_range_m: float,
    target_height_m: float,
) -> bool:
    """True when the target clears the tabulated skyline (the fields of :class:`HorizonMask`).

    Uses the ray nearest `azimuth_rad` (clockwise from north, any turn) and the
    skyline up to the last range bin at or before `ground_range_m`; beyond the
    table's range the last bin is used.  A NaN height is masked.
    """
    n_az = horizon_slope.shape[0]
    n_col = horizon_slope.shape[1]
    if not ground_range_m > 0.0:
        return True
    a = azimuth_rad % _TWO_PI
    i = int(a / azimuth_step_rad + 0.5) % n_az
    j = min(int(ground_range_m / range_step_m), n_col - 1)
    theta = (target_height_m - antenna_height_m) / ground_range_m - ground_range_m / (
        2.0 * effective_radius_m
    )
    return bool(theta >= horizon_slope[i, j])


@njit
def _mask_visible_array(
    horizon_slope: Float,
    azimuth_step_rad: float,
    range_step_m: float,
    antenna_height_m: float,
    effective_radius_m: float,
    azimuth_rad: Float,
    ground_range_m: Float,
    target_height_m: Float,
) -> Bool:
    out = np.empty(azimuth_rad.shape[0], dtype=np.bool_)
    for m in range(azimuth_rad.shape[0]):
        out[m] = mask_visible(
            horizon_slope,
            azimuth_step_rad,
            range_step_m,
            antenna_height_m,
            effective_radius_m,
            azimuth_rad[m],
            ground_range_m[m],
            target_height_m[m],
        )
    return out


def visible(
    mask: HorizonMask,
    azimuth_rad: ArrayLike,
    ground_range_m: ArrayLike,
    target_height_m: ArrayLike,
) -> Bool:
    """Whether targets clear a radar's tabulated terrain skyline (True = visible).

    Parameters
    ----------
    mask
        From :func:`horizon_mask`.
    azimuth_rad
        Azimuth of the target from the radar, clockwise from north, rad
        (:func:`airguard.geo.initial_bearing_rad`).
    ground_range_m
        Great-circle ground distance from the radar, m
        (:func:`airguard.geo.great_circle_distance_m`).
    target_height_m
        Target height above the ellipsoid, m.  The three are broadcast together.

    Returns
    -------
    ndarray of bool
        The broadcast shape of the inputs (0-d for scalars).
    """
    az, rng, h = np.broadcast_arrays(
        np.asarray(azimuth_rad, dtype=np.float64),
        np.asarray(ground_range_m, dtype=np.float64),
        np.asarray(target_height_m, dtype=np.float64),
    )
    out = _mask_visible_array(*mask, az.ravel(), rng.ravel(), h.ravel())
    return out.reshape(az.shape)


@njit
def ground_range_azimuth_kernel(
    radar_lat_rad: float, radar_lon_rad: float, target_lat_rad: float, target_lon_rad: float
) -> tuple[float, float]:
    """Ground distance (m) and azimuth (rad, clockwise from north, in (−π, π]) to a target.

    The geometry of :func:`horizon_mask` and :func:`line_of_sight`: the great
    circle through the two n-vectors on the sphere of the mean radius, so the
    same values as :func:`airguard.geo.great_circle_distance_m` and
    :func:`airguard.geo.initial_bearing_rad`.  For compiled callers with
    geodetic positions (e.g. from :func:`airguard.geo.ecef_to_geodetic_kernel`).
    """
    ax, ay, az = _nvec(radar_lat_rad, radar_lon_rad)
    bx, by, bz = _nvec(target_lat_rad, target_lon_rad)
    c = ax * bx + ay * by + az * bz
    cx, cy, cz = ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx
    psi = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), c)
    sl, cl = math.sin(radar_lat_rad), math.cos(radar_lat_rad)
    so, co = math.sin(radar_lon_rad), math.cos(radar_lon_rad)
    east = -so * bx + co * by
    north = -sl * co * bx - sl * so * by + cl * bz
    return MEAN_EARTH_RADIUS_M * psi, math.atan2(east, north)
