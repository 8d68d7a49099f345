"""Coverage maps: detection and engagement footprints on a latitude/longitude grid.

For every unit of a scenario (fire units and early-warning sensors) and every
hostile threat type, :func:`coverage_grid` evaluates, at each cell of a
regular latitude/longitude grid, a threat of that type flying over the cell
at the type's altitude:

* **detection** — the probability that one look of the unit's radars detects
  it (at least one radar: ``1 - Π (1 - P_D,r)``, the looks independent), with
  the engine's own geometry and detector; the detection *footprint* is where
  that probability reaches ``pd_min`` (0.5 by default, the convention behind
  quoted detection ranges);
* **engagement** — whether one of the unit's interceptors can reach the threat
  there (the interceptor's reach table, flown with the shared integrator, and
  its catalogue range and altitude limits) *and* the unit's picture — its own
  radars and, in a network, every member's — detects it with at least
  ``pd_min``.

Models (the engine's, imported, not copied)
-------------------------------------------
Whether a radar sees a cell is the verdict of :func:`airguard.sensing.look`, the one
look geometry, which the engine's looks share, cell by cell over the radar's whole
sector:

* slant range from the antenna's ECEF phase centre to the cell's ECEF point
  (WGS84, :func:`airguard.geo.geodetic_to_ecef_kernel`), inside the radar's
  instrumented range;
* the radio horizon on the 4/3 effective Earth: the target is visible when
  the slant range is below ``sqrt((a_e + h_a)^2 - a_e^2) + sqrt((a_e + h_t)^2 - a_e^2)``,
  a_e = 4/3 × 6 371 008.8 m (Skolnik, *Introduction to Radar Systems*, 3rd ed.,
  §8.2; ITU-R P.834 effective Earth radius);
* the apparent elevation on the same effective Earth,
  ``sin ε = ((a_e + h_t)^2 - (a_e + h_a)^2 - R^2) / (2 R (a_e + h_a))``, inside the
  radar's elevation limits;
* the azimuth sector about the unit's heading;
* with a DEM (scenario ``terrain:``), the radar's tabulated terrain skyline,
  :func:`airguard.terrain.mask_visible` (ITU-R P.452-16 path profile);
* SNR = ``snr_k σ / R^4`` with the catalogue calibration of
  :func:`airguard.world.radar_row` (Skolnik eq. 2.61) and the mean RCS σ of the
  type; the probability that one square-law sample exceeds the threshold
  ``-ln P_fa`` for the type's Swerling case is
  :func:`airguard.radar.detection_probability` with one pulse (Richards,
  *Fundamentals of Radar Signal Processing*, 2nd ed., §6.3) — exactly the
  distribution the engine draws from.  It is tabulated once per threshold and
  Swerling case every :data:`PD_TABLE_STEP_DB` dB and interpolated linearly.

The kernel over cells adds only cheap bounds that skip cells surely out of view before
the shared kernel decides: slant range beyond the instrumented range or the horizon, and
azimuth more than 1 nrad outside a sector (cosines compared; the exact test is the
kernel's ``atan2``, whose cost per cell it saves).
``tests/studies/test_coverage.py`` hangs threats over random cells and checks that the engine
detects exactly where a map gives P_D > 0, and at the mapped rate.

The engagement test is :func:`airguard.reach.intercept_cell`, the engine's fire-control
test for a point: the threat's height above the unit's site inside the interceptor's
catalogue altitude limits, slant range above its minimum range, ground range
(geocentric angle × mean radius) below its maximum range, and the reach table
(:mod:`airguard.reach`) reached within the interceptor's flight time; the
interceptors are the unit's doctrine for the type's class that it holds
rounds of, as in the engine's fire control.  Timing (reaction, the threat's
time to go, ballistic threats engaged only in descent) is not part of a static
map: the engagement footprint is where an intercept is *possible*.

Altitudes
---------
Each threat type is mapped at one altitude (``Coverage.altitude_m``):

* cruise missiles and drones at their catalogue cruise height, above the
  terrain under the cell when the scenario has a DEM (they follow it), else
  above the unit's site (the engine's routes fly above the target's ground);
* ballistic missiles at the middle of the altitude band in which the
  scenario's interceptors can engage ballistic threats (the overlap of their
  catalogue limits, above the unit's site): terminal defence happens there;
  :data:`DEFAULT_BALLISTIC_ALTITUDE_M` when no unit can engage them;
* hostile aircraft (``flights:`` with ``side: hostile``) at their flights' cruise
  height: the highest height of any route point of the type's hostile flights
  (:func:`airguard.scenario.route_heights`: a point without ``alt`` keeps the previous
  one), **above the ellipsoid** as the routes give it, the same for every unit
  (``altitude_reference`` ``"ellipsoid"``), not above each site; friendly flights are not
  threats and are not mapped.  A route that climbs or descends is mapped at its top
  only; ``altitude_m`` maps the type at another height (then above each site).

``altitude_m`` overrides them (one value for all, or by threat type).

Grid
----
Cell centres ``lat_deg (ny,)`` south to north and ``lon_deg (nx,)`` west to east;
the cells tile ``bounds`` exactly, with ``round(span / resolution)`` cells in
each direction (the east-west size measured at the middle latitude).  Arrays
are ``(U, T, ny, nx)``: row 0 is the southern edge, as in
:class:`airguard.terrain.Terrain`.

Only cells within a radar's reach (instrumented range or horizon) or an interceptor's
maximum range are visited; a 1,000 × 1,000 km grid at 1 km for ten units takes about half
a second (``benchmarks/coverage_grid.py``, docs/coverage.md).

Outputs (:func:`write_geotiff`, :func:`to_geojson`, :func:`write_png`,
:func:`write_netcdf`, :func:`write_outputs`) import rasterio, contourpy, matplotlib and
xarray when called; :meth:`Coverage.to_dataset` gives the maps as an
:class:`xarray.Dataset` in Python.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from airguard._jit import njit
from airguard.catalogue.models import THREAT_CLASSES
from airguard.geo import MEAN_EARTH_RADIUS_M, geodetic_to_ecef_kernel
from airguard.radar import detection_probability
from airguard.reach import REACHABLE, intercept_cell
from airguard.scenario import Scenario, load_scenario
from airguard.sensing import (
    IN_VIEW,
    look_verdict,
    radio_horizon_m,
    tangent_distance_m,
)
from airguard.terrain import elevation_kernel
from airguard.world import FLIGHT_BALLISTIC, World, compile_world

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "DEFAULT_BALLISTIC_ALTITUDE_M",
    "DEFAULT_PD_MIN",
    "KINDS",
    "NETCDF_NAME",
    "PD_TABLE_STEP_DB",
    "Coverage",
    "coverage_grid",
    "default_altitudes",
    "flight_heights",
    "jammer_on",
    "pd_table",
    "slug",
    "to_geojson",
    "usable_interceptors",
    "write_geotiff",
    "write_netcdf",
    "write_outputs",
    "write_png",
]

Float = NDArray[np.float64]
Float32 = NDArray[np.float32]
Bool = NDArray[np.bool_]
Kind = Literal["detection", "engagement"]

KINDS: tuple[Kind, Kind] = ("detection", "engagement")
"""The two footprints of a unit against a threat type."""

DEFAULT_PD_MIN = 0.5
"""Single-look detection probability that counts as detected: the usual convention for a
quoted detection range (the catalogue's ``reference_pd``)."""

DEFAULT_BALLISTIC_ALTITUDE_M = 10_000.0
"""Altitude of ballistic threats when no unit of the scenario can engage them (m)."""

PD_TABLE_STEP_DB = 0.01
"""Step of the tabulated detection probability against mean SNR (dB); linear interpolation
between entries is within 1e-6 of :func:`airguard.radar.detection_probability`."""

PD_TABLE_MIN_DB = -30.0
PD_TABLE_MAX_DB = 90.0
"""SNR span of the table (dB); outside it the end values hold (P_D within 1e-6 of P_fa below,
within 1e-8 of 1 above for Swerling 1 at P_fa = 1e-6, the slowest to converge)."""

MAX_CELLS = 50_000_000
"""Largest grid accepted (cells): 50 million cells hold 200 MB per unit and threat type."""

WINDOW_MARGIN = 1.02
"""Factor on a radar's or interceptor's reach when choosing the cells to evaluate: ground
distance exceeds slant range by up to D³/(24 R²) (0.2 km at 600 km), and the WGS84 radius
differs from the mean by under 0.4 %."""


# ---------------------------------------------------------------- result


@dataclass(frozen=True)
class Coverage:
    """Footprints of every unit against every threat type on one grid: a view over arrays.

    Attributes
    ----------
    label
        Scenario variant (or scenario name) the maps are of.
    lat_deg
        (ny,) float64 latitudes of the cell centres, degrees, south to north.
    lon_deg
        (nx,) float64 longitudes of the cell centres, degrees, west to east.
    bounds_deg
        (lat0, lon0, lat1, lon1): the south, west, north and east edges of the grid, degrees.
    resolution_m
        Requested cell size, m (the actual sizes are ``cell_size_m``).
    unit_names
        (U,) fire units, then sensors, as in :class:`airguard.world.World`.
    unit_lat_deg, unit_lon_deg, unit_alt_m
        (U,) float64 site positions: degrees and m above the ellipsoid.
    unit_armed
        (U,) bool: the unit has interceptors (sensors and empty units have none).
    threat_names
        (T,) threat types (catalogue ids) of the scenario's raids.
    threat_classes
        (T,) their classes: ballistic, cruise, drone or aircraft.
    altitude_m
        (T,) float64 altitude each type is mapped at, m.
    altitude_reference
        (T,) what the altitude is measured from: ``"terrain"`` (the DEM under the cell),
        ``"site"`` (the unit's site height) or ``"ellipsoid"`` (a hostile aircraft type at
        its flights' cruise height, the same for every unit).
    pd
        (U, T, ny, nx) float32 single-look detection probability of the unit's radars,
        dimensionless, 0 where no radar can see the cell.
    engageable
        (U, T, ny, nx) bool engagement footprint.
    pd_min
        Detection probability that counts as detected.
    asset_names, asset_lat_deg, asset_lon_deg
        Defended assets, for maps.
    terrain
        Whether a DEM masked the radars.
    jamming
        Whether the scenario's jammers were applied (``coverage_grid(jamming=...)``).
    jam_time_s
        Scenario time (s) at which the jammers' windows were tested, None: a jammer on at
        any time of the scenario counts (:func:`jammer_on`).
    jammers
        Positions in the scenario's ``jammers:`` of those that jam at least one radar of
        the map (on, in band, above its horizon); empty without jamming.
    jammers_carried
        Those of `jammers` riding a flight: where the flight is at `jam_time_s`, or without
        a time at its route's point nearest each radar (:func:`coverage_grid`).
    """

    label: str
    lat_deg: Float
    lon_deg: Float
    bounds_deg: tuple[float, float, float, float]
    resolution_m: float
    unit_names: list[str]
    unit_lat_deg: Float
    unit_lon_deg: Float
    unit_alt_m: Float
    unit_armed: Bool
    threat_names: list[str]
    threat_classes: list[str]
    altitude_m: Float
    altitude_reference: list[str]
    pd: Float32
    engageable: Bool
    pd_min: float
    asset_names: list[str]
    asset_lat_deg: Float
    asset_lon_deg: Float
    terrain: bool
    jamming: bool = True
    jam_time_s: float | None = None
    jammers: tuple[int, ...] = ()
    jammers_carried: tuple[int, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx) cells."""
        return (self.lat_deg.shape[0], self.lon_deg.shape[0])

    @property
    def cell_deg(self) -> tuple[float, float]:
        """(dlat, dlon): cell size in degrees."""
        lat0, lon0, lat1, lon1 = self.bounds_deg
        return ((lat1 - lat0) / self.shape[0], (lon1 - lon0) / self.shape[1])

    @property
    def cell_size_m(self) -> tuple[float, float]:
        """(north-south, east-west) cell size at the middle latitude, m (mean-radius sphere)."""
        dlat, dlon = self.cell_deg
        mid = 0.5 * (self.bounds_deg[0] + self.bounds_deg[2])
        k = MEAN_EARTH_RADIUS_M * math.pi / 180.0
        return (dlat * k, dlon * k * math.cos(math.radians(mid)))

    @property
    def detected(self) -> Bool:
        """(U, T, ny, nx) bool detection footprint: ``pd >= pd_min``."""
        out: Bool = self.pd >= np.float32(self.pd_min)
        return out

    def index(self, unit: str | int, threat: str | int) -> tuple[int, int]:
        """Positions of a unit and a threat type, by name or position.

        Raises
        ------
        KeyError
            Naming what is not there and what is.
        """
        u = _position(unit, self.unit_names, "unit")
        t = _position(threat, self.threat_names, "threat type")
        return u, t

    def layer(self, unit: str | int, threat: str | int, kind: Kind) -> NDArray[Any]:
        """One footprint: (ny, nx) float32 P_D for ``"detection"``, bool for ``"engagement"``.

        Raises
        ------
        ValueError
            An unknown kind.
        """
        u, t = self.index(unit, threat)
        if kind == "detection":
            pd: Float32 = self.pd[u, t]
            return pd
        if kind == "engagement":
            eng: Bool = self.engageable[u, t]
            return eng
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")

    def footprint(self, unit: str | int, threat: str | int, kind: Kind) -> Bool:
        """(ny, nx) bool footprint: P_D >= pd_min for detection, the engagement map otherwise."""
        layer = self.layer(unit, threat, kind)
        if kind == "detection":
            out: Bool = layer >= np.float32(self.pd_min)
            return out
        return np.asarray(layer, dtype=np.bool_)

    def to_dataset(self) -> xr.Dataset:
        """The footprints as an :class:`xarray.Dataset`, without copying the maps.

        Dimensions ``unit`` (U), ``threat`` (T), ``lat`` (ny, south to north) and ``lon``
        (nx, west to east), and ``asset`` (A) for the defended assets.  Variables:

        * ``pd`` (unit, threat, lat, lon) float32: single-look detection probability,
          dimensionless, 0 where no radar sees the cell;
        * ``engageable`` (unit, threat, lat, lon) bool: the engagement footprint;
        * ``detected`` is not stored: it is ``pd >= ds.attrs["pd_min"]``.

        Coordinates carry the units (``units`` attributes): ``lat``/``lon`` in degrees,
        ``unit_lat``/``unit_lon`` (degrees), ``unit_alt`` (m) and ``unit_armed`` by unit,
        ``threat_class``, ``altitude`` (m) and ``altitude_reference`` by threat, and
        ``asset_lat``/``asset_lon`` by asset.  Attributes name the scenario variant,
        ``pd_min``, the grid's bounds and resolution and whether a DEM masked the radars.
        :func:`write_netcdf` writes it to a file.

        Returns
        -------
        xarray.Dataset
            Over the same arrays as this coverage (changing one changes the other).
        """
        import xarray as xr

        from airguard._version import __version__

        lat0, lon0, lat1, lon1 = self.bounds_deg
        north, east = {"units": "degrees_north"}, {"units": "degrees_east"}
        coords: dict[str, Any] = {
            "unit": ("unit", list(self.unit_names), {"long_name": "unit or sensor"}),
            "threat": ("threat", list(self.threat_names), {"long_name": "threat type"}),
            "lat": ("lat", self.lat_deg, {**north, "standard_name": "latitude"}),
            "lon": ("lon", self.lon_deg, {**east, "standard_name": "longitude"}),
            "unit_lat": ("unit", self.unit_lat_deg, {**north, "long_name": "site"}),
            "unit_lon": ("unit", self.unit_lon_deg, {**east, "long_name": "site"}),
            "unit_alt": (
                "unit",
                self.unit_alt_m,
                {"units": "m", "long_name": "site height above the WGS84 ellipsoid"},
            ),
            "unit_armed": ("unit", self.unit_armed, {"long_name": "unit has interceptors"}),
            "threat_class": ("threat", list(self.threat_classes), {"long_name": "threat class"}),
            "altitude": (
                "threat",
                self.altitude_m,
                {"units": "m", "long_name": "altitude the threat type is mapped at"},
            ),
            "altitude_reference": (
                "threat",
                list(self.altitude_reference),
                {"long_name": "altitude measured from the terrain or the unit's site"},
            ),
            "asset": ("asset", list(self.asset_names), {"long_name": "defended asset"}),
            "asset_lat": ("asset", self.asset_lat_deg, north),
            "asset_lon": ("asset", self.asset_lon_deg, east),
        }
        dims = ("unit", "threat", "lat", "lon")
        data = {
            "pd": (
                dims,
                self.pd,
                {"units": "1", "long_name": "single-look detection probability of the radars"},
            ),
            "engageable": (
                dims,
                self.engageable,
                {"long_name": "an interceptor of the unit can reach a threat detected there"},
            ),
        }
        attrs = {
            "title": f"airguard coverage: {self.label}",
            "scenario": self.label,
            "pd_min": self.pd_min,
            "bounds_deg": [lat0, lon0, lat1, lon1],
            "bounds": "south, west, north, east edges of the grid, degrees",
            "resolution_m": self.resolution_m,
            "terrain": int(self.terrain),
            "crs": "EPSG:4326",
            "Conventions": "CF-1.8",
            "source": f"airguard {__version__}",
        }
        return xr.Dataset(data, coords=coords, attrs=attrs)

    def area_km2(self, unit: str | int, threat: str | int, kind: Kind) -> float:
        """Area of a footprint, km² (cells weighted by cos(latitude) on the mean sphere)."""
        mask = self.footprint(unit, threat, kind)
        dlat, dlon = (math.radians(d) for d in self.cell_deg)
        cell = (MEAN_EARTH_RADIUS_M**2) * dlat * dlon * np.cos(np.radians(self.lat_deg))
        return float((mask.sum(axis=1) * cell).sum() / 1e6)


def _position(key: str | int, names: Sequence[str], what: str) -> int:
    if isinstance(key, int | np.integer):
        if not 0 <= int(key) < len(names):
            raise KeyError(f"{what} {key}: expected 0..{len(names) - 1}")
        return int(key)
    try:
        return list(names).index(key)
    except ValueError:
        raise KeyError(f"no {what} {key!r} (have: {', '.join(names)})") from None


# ---------------------------------------------------------------- kernels


@njit
def _radar_looks(
    lat_rad: Float,
    lon_rad: Float,
    cos_lon: Float,
    sin_lon: Float,
    i0: int,
    i1: int,
    j0: int,
    j1: int,
    height_m: float,
    ground_m: Float,
    follow_ground: bool,
    altitude_m: float,
    pos: Float,
    basis: Float,
    ha: float,
    max_range: float,
    az_center: float,
    az_half: float,
    el_min: float,
    el_max: float,
    radar_lat: float,
    radar_lon: float,
    snr_db_k: Float,
    pd_table: Float,
    table_db0: float,
    table_inv_step: float,
    mask_slope: Float,
    mask_az_step: float,
    mask_range_step: float,
    has_terrain: bool,
    jam_jn: Float,
    jam_dir: Float,
    jam_cos: float,
    jam_sll: float,
    out: Float32,
    rows: NDArray[np.int64],
    oi: int,
    oj: int,
) -> None:
    """Add one radar's look to ``out[rows[k], i - oi, j - oj]`` over cells i0:i1, j0:j1.

    ``out`` holds the probability that at least one look detects type k; it becomes
    ``1 - (1 - out) (1 - P_D)`` with this radar's P_D (looks independent).

    Whether the radar sees a cell is :func:`airguard.sensing.look`'s verdict over the
    whole sector (every slice of a rotating radar's scan: no slice bounds).  Targets are at ``height_m``
    above the ellipsoid, or at ``ground_m[i, j] + altitude_m`` when `follow_ground`.
    ``snr_db_k[k]`` is 10 log10(snr_k σ_k); ``pd_table[k]`` P_D against SNR (dB) from
    `table_db0` in steps of 1 / `table_inv_step`.

    ``jam_jn (K,)`` and ``jam_dir (K, 3)`` are the mainlobe J/N (linear) and unit ECEF
    direction of the jammers on (none: K = 0, and the look is the unjammed one); a cell's
    SNR becomes (S/N) / (1 + Σ J/N_k g_k), g_k = 1 when the direction to the cell is within
    the mainlobe's half-width of jammer k's (cosine at least `jam_cos`), else `jam_sll`:
    :func:`airguard.engine.looks.jamming`'s rule.
    """
    n_types = snr_db_k.shape[0]
    n_jam = jam_jn.shape[0]
    n_tab = pd_table.shape[1]
    horizon_a = tangent_distance_m(ha)
    # a bound a little outside the sector (1 nrad, far above the rounding of either test),
    # to skip cells surely outside it before the exact test; not near an all-round sector,
    # where cosines cannot resolve the angle
    sector_bound = az_half < math.pi - 0.01
    sin_c, cos_c, cos_far = math.sin(az_center), math.cos(az_center), math.cos(az_half + 1e-9)
    a_row, b_row, ht, bound2 = 0.0, 0.0, height_m, 0.0
    for i in range(i0, i1):
        if not follow_ground:
            # the kernel's x = ((N + h) cos φ) cos λ: evaluated at λ = 0 once per row
            a_row, _, b_row = geodetic_to_ecef_kernel(lat_rad[i], 0.0, height_m)
            # a bound a little above both range limits of look(), to skip far cells cheaply
            bound2 = (min(max_range, horizon_a + tangent_distance_m(ht)) * (1.0 + 1e-9) + 1.0) ** 2
        for j in range(j0, j1):
            if follow_ground:
                ht = ground_m[i, j] + altitude_m
                x, y, z = geodetic_to_ecef_kernel(lat_rad[i], lon_rad[j], ht)
                bound2 = (
                    min(max_range, horizon_a + tangent_distance_m(ht)) * (1.0 + 1e-9) + 1.0
                ) ** 2
            else:
                x, y, z = a_row * cos_lon[j], a_row * sin_lon[j], b_row
            dx = x - pos[0]
            dy = y - pos[1]
            dz = z - pos[2]
            if dx * dx + dy * dy + dz * dz > bound2:
                continue
            if sector_bound:
                e = basis[0, 0] * dx + basis[0, 1] * dy + basis[0, 2] * dz
                n = basis[1, 0] * dx + basis[1, 1] * dy + basis[1, 2] * dz
                if e * sin_c + n * cos_c < cos_far * math.sqrt(e * e + n * n):
                    continue
            code, rng_m, _, _ = look_verdict(
                pos, basis, ha, max_range, el_min, el_max, az_center, az_half, -math.inf,
                math.inf, x, y, z, ht, has_terrain, mask_slope, mask_az_step, mask_range_step,
                radar_lat, radar_lon, lat_rad[i], lon_rad[j],
            )  # fmt: skip
            if code != IN_VIEW:
                continue
            loss_db = 40.0 * math.log10(rng_m)
            if n_jam > 0:  # noise jamming: S / (N + J), as the engine's look
                ux, uy, uz = dx / rng_m, dy / rng_m, dz / rng_m
                jn = 0.0
                for q in range(n_jam):
                    inside = ux * jam_dir[q, 0] + uy * jam_dir[q, 1] + uz * jam_dir[q, 2] >= jam_cos
                    jn += jam_jn[q] * (1.0 if inside else jam_sll)
                loss_db += 10.0 * math.log10(1.0 + jn)
            for k in range(n_types):
                x_tab = (snr_db_k[k] - loss_db - table_db0) * table_inv_step
                if x_tab <= 0.0:
                    pd = pd_table[k, 0]
                elif x_tab >= n_tab - 1:
                    pd = pd_table[k, n_tab - 1]
                else:
                    m = int(x_tab)
                    f = x_tab - m
                    pd = pd_table[k, m] + f * (pd_table[k, m + 1] - pd_table[k, m])
                q = out[rows[k], i - oi, j - oj]
                out[rows[k], i - oi, j - oj] = q + pd - q * pd


@njit
def _engage(
    lat_rad: Float,
    lon_rad: Float,
    cos_lon: Float,
    sin_lon: Float,
    i0: int,
    i1: int,
    j0: int,
    j1: int,
    height_m: float,
    ground_m: Float,
    follow_ground: bool,
    altitude_m: float,
    unit_pos: Float,
    unit_alt: float,
    usable: NDArray[np.int64],
    max_range: Float,
    min_range: Float,
    max_alt: Float,
    min_alt: Float,
    max_time: Float,
    reach_time: Float,
    reach_dr: Float,
    reach_dh: Float,
    seen: Float32,
    seen_rows: NDArray[np.int64],
    si: int,
    sj: int,
    pd_min: float,
    out: Bool,
    out_rows: NDArray[np.int64],
) -> None:
    """Mark ``out[out_rows[q], i, j]`` where type q is seen and can be reached, cells i0:i1, j0:j1.

    Seen: the picture's P_D ``seen[seen_rows[q], i - si, j - sj]`` at least `pd_min`.
    Reached: :func:`airguard.reach.intercept_cell` for one of the `usable` interceptors,
    with its whole flight time (the engine's fire-control test for one point: height
    above the unit's site within the altitude limits, slant range at least the minimum
    range, ground range at most the maximum range, the reach table in time).
    """
    n_q = seen_rows.shape[0]
    R = MEAN_EARTH_RADIUS_M
    ux, uy, uz = unit_pos[0], unit_pos[1], unit_pos[2]
    ur = math.sqrt(ux * ux + uy * uy + uz * uz)
    g_far = 0.0
    for p in range(usable.shape[0]):
        g_far = max(g_far, max_range[usable[p]])
    c_far = math.cos(min(g_far * (1.0 + 1e-9) / R + 1e-9, math.pi))
    a_row, b_row, ht = 0.0, 0.0, height_m
    for i in range(i0, i1):
        if not follow_ground:
            a_row, _, b_row = geodetic_to_ecef_kernel(lat_rad[i], 0.0, height_m)
        for j in range(j0, j1):
            if follow_ground:
                ht = ground_m[i, j] + altitude_m
                x, y, z = geodetic_to_ecef_kernel(lat_rad[i], lon_rad[j], ht)
            else:
                x, y, z = a_row * cos_lon[j], a_row * sin_lon[j], b_row
            h = ht - unit_alt
            if h < 0.0:
                continue
            any_seen = False
            for q in range(n_q):
                if seen[seen_rows[q], i - si, j - sj] >= pd_min:
                    any_seen = True
            if not any_seen:
                continue
            # a bound a little beyond every interceptor's maximum range, to skip far cells
            br = math.sqrt(x * x + y * y + z * z)
            if (x * ux + y * uy + z * uz) / (br * ur) < c_far:
                continue
            for p in range(usable.shape[0]):
                k = usable[p]
                code, _, _ = intercept_cell(
                    reach_time[k], reach_dr[k], reach_dh[k], min_alt[k], max_alt[k],
                    min_range[k], max_range[k], ux, uy, uz, ur, x, y, z, h, max_time[k],
                )  # fmt: skip
                if code == REACHABLE:
                    for q in range(n_q):
                        out[out_rows[q], i, j] = seen[seen_rows[q], i - si, j - sj] >= pd_min
                    break


@njit
def _ground_heights(
    heights_m: Float,
    lat0: float,
    lon0: float,
    dlat: float,
    dlon: float,
    lat_rad: Float,
    lon_rad: Float,
) -> Float:
    """(ny, nx) DEM heights under the cell centres (bilinear, 0 m outside the DEM)."""
    out = np.empty((lat_rad.shape[0], lon_rad.shape[0]))
    for i in range(lat_rad.shape[0]):
        for j in range(lon_rad.shape[0]):
            out[i, j] = elevation_kernel(heights_m, lat0, lon0, dlat, dlon, lat_rad[i], lon_rad[j])
    return out


# ---------------------------------------------------------------- detection tables


@functools.lru_cache(maxsize=32)
def pd_table(threshold: float, swerling: int) -> Float:
    """Single-look detection probability against mean SNR, tabulated.

    Parameters
    ----------
    threshold
        Square-law threshold in noise powers, -ln(P_fa) (:attr:`airguard.world.Radars.threshold`).
    swerling
        Swerling case of the target, 0-4 (1 and 2, 3 and 4 coincide for one look).

    Returns
    -------
    ndarray
        (n,) float64 P_D at SNR ``PD_TABLE_MIN_DB + k PD_TABLE_STEP_DB`` dB, from
        :func:`airguard.radar.detection_probability` with one pulse.
    """
    n = round((PD_TABLE_MAX_DB - PD_TABLE_MIN_DB) / PD_TABLE_STEP_DB) + 1
    snr_db = PD_TABLE_MIN_DB + PD_TABLE_STEP_DB * np.arange(n)
    sw = int(swerling) if int(swerling) in (0, 1, 2, 3, 4) else 0
    table = np.asarray(detection_probability(snr_db, math.exp(-threshold), 1, sw), dtype=np.float64)
    table.flags.writeable = False
    return table


# ---------------------------------------------------------------- set-up


def _as_world(source: World | Scenario | str | Path, variant: str | None) -> World:
    if isinstance(source, World):
        if variant is not None and variant != source.label:
            raise ValueError(f"variant {variant!r} given with a compiled world of {source.label!r}")
        return source
    if isinstance(source, Scenario):
        if variant is not None and variant != source.variant:
            raise ValueError(f"variant {variant!r} given with a scenario of {source.variant!r}")
        return compile_world(source)
    scenarios = load_scenario(source, variant=variant)
    if len(scenarios) > 1:
        names = ", ".join(str(s.variant) for s in scenarios)
        raise ValueError(
            f"{source}: has {len(scenarios)} variants ({names}); choose one with variant="
        )
    return compile_world(scenarios[0])


def usable_interceptors(world: World, u: int, cls: int) -> list[int]:
    """Interceptor types unit `u` may fire at class `cls`, as the engine's fire control.

    The doctrine's types that the unit holds rounds of, provided the first of them has a
    positive single-shot Pk (the engine's ``pk_eff``); else none.
    """
    units, itc = world.units, world.interceptors
    out: list[int] = []
    for p in range(units.prefs.shape[2]):
        ty = int(units.prefs[u, cls, p])
        if ty < 0:
            break
        if units.rounds[u, ty] > 0:
            if not out and itc.pk[ty, cls] <= 0.0:
                return []
            out.append(ty)
    return out


def default_altitudes(world: World, types: Sequence[int]) -> Float:
    """The altitude each threat type is mapped at by default, m (see the module notes).

    Parameters
    ----------
    world
        The compiled scenario.
    types
        Positions of the threat types in ``world.threat_names``.

    Returns
    -------
    ndarray
        (len(types),) float64: the cruise height of route types; for ballistic types the
        middle of the overlap of the catalogue altitude limits of every interceptor the
        scenario's units hold for the ballistic class (their union if they do not overlap),
        or :data:`DEFAULT_BALLISTIC_ALTITUDE_M` if none.
    """
    tt = world.threat_types
    itc = world.interceptors
    out = np.zeros(len(types))
    for k, t in enumerate(types):
        if tt.flight[t] != FLIGHT_BALLISTIC:
            out[k] = tt.cruise_height_m[t]
            continue
        cls = int(tt.cls[t])
        used = sorted(
            {i for u in range(len(world.unit_names)) for i in usable_interceptors(world, u, cls)}
        )
        if not used:
            out[k] = DEFAULT_BALLISTIC_ALTITUDE_M
            continue
        lo = max(float(itc.min_alt_m[i]) for i in used)
        hi = min(float(itc.max_alt_m[i]) for i in used)
        if hi <= lo:
            lo = min(float(itc.min_alt_m[i]) for i in used)
            hi = max(float(itc.max_alt_m[i]) for i in used)
        out[k] = 0.5 * (lo + hi)
    return out


def flight_heights(world: World, types: Sequence[int]) -> Float:
    """The cruise height of each type's hostile flights, m above the ellipsoid (NaN: none).

    A hostile flight is a raid with no target that is not friendly (``Raids.target`` < 0,
    ``Raids.friendly`` 0); its cruise height is the highest of its route points' heights
    (``Raids.wp_alt_m``, :func:`airguard.scenario.route_heights`), and a type's the highest
    of its hostile flights'.

    Parameters
    ----------
    world
        The compiled scenario.
    types
        Positions of the threat types in ``world.threat_names``.

    Returns
    -------
    ndarray
        (len(types),) float64, NaN for a type flown by no hostile flight.
    """
    raids = world.raids
    out = np.full(len(types), np.nan)
    for k, t in enumerate(types):
        for q in range(raids.ttype.shape[0]):
            if int(raids.ttype[q]) != t or raids.target[q] >= 0 or raids.friendly[q]:
                continue
            a, n = int(raids.wp_start[q]), int(raids.wp_count[q])
            if n == 0:
                continue
            top = float(np.max(raids.wp_alt_m[a : a + n]))
            out[k] = top if np.isnan(out[k]) else max(out[k], top)
    return out


def _default_bounds(world: World, top_m: Float) -> tuple[float, float, float, float]:
    """Box around every site and asset, padded by the farthest any radar or interceptor reaches."""
    lat = [math.degrees(v) for v in world.radars.lat_rad] + [
        math.degrees(v) for v in world.asset_lat_rad
    ]
    lon = [math.degrees(v) for v in world.radars.lon_rad] + [
        math.degrees(v) for v in world.asset_lon_rad
    ]
    pad = 0.0
    top = float(np.max(top_m)) if top_m.size else 0.0
    for r in range(world.radars.pos_ecef_m.shape[0]):
        pad = max(
            pad,
            min(
                float(world.radars.max_range_m[r]),
                radio_horizon_m(float(world.radars.height_m[r]), top),
            ),
        )
    if world.interceptors.max_range_m.size:
        pad = max(pad, float(world.interceptors.max_range_m.max()))
    pad = pad * WINDOW_MARGIN + 2_000.0
    dlat = math.degrees(pad / MEAN_EARTH_RADIUS_M)
    lat0, lat1 = max(min(lat) - dlat, -89.0), min(max(lat) + dlat, 89.0)
    cos_max = max(math.cos(math.radians(max(abs(lat0), abs(lat1)))), 1e-3)
    dlon = min(dlat / cos_max, 179.0)
    lon0, lon1 = max(min(lon) - dlon, -180.0), min(max(lon) + dlon, 180.0)
    return (lat0, lon0, lat1, lon1)


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    if len(bounds) != 4:
        raise ValueError(f"bounds: expected (lat0, lon0, lat1, lon1) in degrees, got {bounds!r}")
    lat0, lon0, lat1, lon1 = (float(b) for b in bounds)
    if not all(math.isfinite(v) for v in (lat0, lon0, lat1, lon1)):
        raise ValueError(f"bounds: expected finite degrees, got {bounds!r}")
    if not (-90.0 <= lat0 < lat1 <= 90.0):
        raise ValueError(
            f"bounds: expected -90 <= lat0 < lat1 <= 90 (south edge first), got lat0={lat0}, "
            f"lat1={lat1}"
        )
    if not (-180.0 <= lon0 < lon1 <= 180.0):
        raise ValueError(
            f"bounds: expected -180 <= lon0 < lon1 <= 180 (west edge first; a grid may not "
            f"cross the antimeridian), got lon0={lon0}, lon1={lon1}"
        )
    return (lat0, lon0, lat1, lon1)


def _grid(bounds: tuple[float, float, float, float], resolution_m: float) -> tuple[Float, Float]:
    lat0, lon0, lat1, lon1 = bounds
    k = MEAN_EARTH_RADIUS_M * math.pi / 180.0  # metres per degree of latitude
    mid = math.radians(0.5 * (lat0 + lat1))
    ny = max(round((lat1 - lat0) * k / resolution_m), 1)
    nx = max(round((lon1 - lon0) * k * max(math.cos(mid), 1e-6) / resolution_m), 1)
    if ny * nx > MAX_CELLS:
        raise ValueError(
            f"resolution_m: {resolution_m:g} m over these bounds gives {ny} × {nx} cells, more "
            f"than {MAX_CELLS:,}; choose a coarser resolution or smaller bounds"
        )
    dlat = (lat1 - lat0) / ny
    dlon = (lon1 - lon0) / nx
    lat: Float = lat0 + dlat * (np.arange(ny, dtype=np.float64) + 0.5)
    lon: Float = lon0 + dlon * (np.arange(nx, dtype=np.float64) + 0.5)
    return lat, lon


def _altitudes(
    world: World, types: list[int], altitude_m: float | Mapping[str, float] | None
) -> tuple[Float, list[bool]]:
    """Each type's altitude, and whether it is above the ellipsoid (a hostile aircraft type
    at its flights' cruise height) rather than above each site or the terrain."""
    alt = default_altitudes(world, types)
    flown = flight_heights(world, types)
    absolute = [bool(math.isfinite(h)) for h in flown]
    alt[np.isfinite(flown)] = flown[np.isfinite(flown)]
    if altitude_m is None:
        return alt, absolute
    if isinstance(altitude_m, Mapping):
        names = [world.threat_names[t] for t in types]
        for name, value in altitude_m.items():
            if name not in names:
                raise ValueError(
                    f"altitude_m: no threat type {name!r} in the scenario (have: {', '.join(names)})"
                )
            alt[names.index(name)] = _check_altitude(float(value), name)
            absolute[names.index(name)] = False
        return alt, absolute
    return np.full(len(types), _check_altitude(float(altitude_m), "all")), [False] * len(types)


def _check_altitude(value: float, name: str) -> float:
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"altitude_m[{name}]: expected a height >= 0 m, got {value}")
    return value


def _window(
    lat_rad: Float,
    lon_rad: Float,
    site_lat: float,
    site_lon: float,
    reach_m: float,
) -> tuple[int, int, int, int]:
    """Rows i0:i1 and columns j0:j1 of cells within `reach_m` of a site (a bounding box)."""
    nx = lon_rad.shape[0]
    d = reach_m * WINDOW_MARGIN / MEAN_EARTH_RADIUS_M
    i0 = int(np.searchsorted(lat_rad, site_lat - d, side="left"))
    i1 = int(np.searchsorted(lat_rad, site_lat + d, side="right"))
    if i1 <= i0:
        return 0, 0, 0, 0
    far = max(abs(site_lat) + d, abs(float(lat_rad[max(i1 - 1, 0)])), abs(float(lat_rad[i0])))
    if far >= 0.5 * math.pi - 1e-3:
        return i0, i1, 0, nx
    dl = d / math.cos(far)
    if dl >= math.pi:
        return i0, i1, 0, nx
    j0 = int(np.searchsorted(lon_rad, site_lon - dl, side="left"))
    j1 = int(np.searchsorted(lon_rad, site_lon + dl, side="right"))
    return i0, i1, j0, j1


_NO_MASK = np.full((1, 1), -np.inf)
_NO_GROUND = np.zeros((1, 1))

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class _Grid:
    """Cell centres and what the kernels need of them."""

    lat_rad: Float  # (ny,)
    lon_rad: Float  # (nx,)
    cos_lon: Float
    sin_lon: Float
    ground_m: Float  # (ny, nx) DEM heights under the cells, or (1, 1) without a DEM


@dataclass(frozen=True)
class _Field:
    """Where the threats of one altitude group are, as seen by one unit."""

    height_m: float  # above the ellipsoid, when not following the terrain
    follow: bool  # at altitude_m above the DEM under each cell
    altitude_m: float
    top_m: float  # highest target height anywhere on the grid


def _intersect(a: Box, b: Box) -> Box:
    i0, i1 = max(a[0], b[0]), min(a[1], b[1])
    j0, j1 = max(a[2], b[2]), min(a[3], b[3])
    return (i0, max(i1, i0), j0, max(j1, j0))


def _empty(box: Box) -> bool:
    return box[1] <= box[0] or box[3] <= box[2]


def _unit_sites(world: World) -> tuple[Float, Float, Float]:
    """Latitude (deg), longitude (deg) and height (m) of every unit's site."""
    from airguard.geo import ecef2geodetic

    if not world.units.pos_ecef_m.shape[0]:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    lat, lon, _ = ecef2geodetic(world.units.pos_ecef_m)
    return (
        np.asarray(lat, dtype=np.float64),
        np.asarray(lon, dtype=np.float64),
        np.asarray(world.units.alt_m, dtype=np.float64).copy(),
    )


def _radar_window(world: World, r: int, grid: _Grid, field: _Field) -> Box:
    rad = world.radars
    reach = min(float(rad.max_range_m[r]), radio_horizon_m(float(rad.height_m[r]), field.top_m))
    return _window(grid.lat_rad, grid.lon_rad, float(rad.lat_rad[r]), float(rad.lon_rad[r]), reach)


@dataclass(frozen=True)
class _Jamming:
    """The jammers a map counts, per radar: what the kernel needs of them."""

    jn: Float  # (R, K) mainlobe J/N (linear), 0 for a jammer not counted
    dir: Float  # (R, K, 3) unit ECEF direction from each antenna to each jammer
    counted: list[int]  # the scenario's jammers counted against at least one radar
    carried: list[int]  # those riding a flight, placed at a point of its route

    def of(self, r: int) -> tuple[Float, Float]:
        """Radar r's jammers that count: (K',) J/N and (K', 3) directions (K' = 0: none)."""
        on = self.jn[r] > 0.0
        return np.ascontiguousarray(self.jn[r][on]), np.ascontiguousarray(self.dir[r][on])


def jammer_on(world: World, time_s: float | None) -> Bool:
    """(K,) bool: which of the scenario's jammers a coverage map counts as on.

    At `time_s` (scenario time, s) a jammer is on when its window ``[start, end)`` holds it,
    the engine's test (:func:`airguard.engine.looks.jamming`); with `time_s` None, when it is
    on at any time of the scenario (its window meets ``[0, duration)``).
    """
    window = world.radars.jam_window
    if window.shape[0] == 0:
        return np.zeros(window.shape[1], dtype=np.bool_)
    start, end = window[0, :, 0], window[0, :, 1]  # the same for every radar
    if time_s is None:
        out: Bool = (start < world.duration_s) & (end > 0.0) & (end > start)
    else:
        out = (start <= time_s) & (time_s < end)
    return out


def _jamming(world: World, time_s: float | None) -> _Jamming:
    """The J/N and direction of each jammer on (:func:`jammer_on`) at each radar.

    A jammer holding a position has the World's figures (``Radars.jam_jn``,
    ``Radars.jam_dir``).  One riding a flight (``Radars.jam_carrier`` >= 0) is, at a given
    `time_s`, where the engine's flight is then (:func:`airguard.engine.threats.threat_state`
    on the flights of :func:`airguard.engine.draw_threats`, which draw nothing at random;
    none while the flight is not in the air; never shot down); with no time it has no one
    position, and is placed, for each radar, at the point of its flight's route nearest
    the antenna: the route's points are where the engine's flight turns (a stand-off
    orbit's ends), and the nearest one is where the jammer jams that radar hardest through
    its sidelobes.  Either way it counts only above the radar's 4/3-Earth radio horizon,
    its J/N the World's at :data:`airguard.world.JAM_REF_M` times (JAM_REF_M / R_j)², as
    :func:`airguard.engine.looks.carried_jamming` scales it.
    """
    from airguard.world import JAM_REF_M

    rad = world.radars
    on = jammer_on(world, time_s)
    jn = np.where(on[None, :], rad.jam_jn, 0.0)
    dirs = np.array(rad.jam_dir, dtype=np.float64, copy=True)
    carried: set[int] = set()
    # where each carrier may be: at time_s, where its flight is then (if in the air); else
    # its route's points
    places = (
        _flights_at(world, time_s)
        if time_s is not None
        else {
            c: _route_points(world, c) for c in {int(c) for c in rad.jam_carrier.ravel() if c >= 0}
        }
    )
    for r in range(jn.shape[0]):
        for k in range(jn.shape[1]):
            c = int(rad.jam_carrier[r, k])
            if c < 0 or jn[r, k] <= 0.0:
                continue
            pts, alt = places.get(c, (np.zeros((0, 3)), np.zeros(0)))
            d = pts - rad.pos_ecef_m[r]
            dist = np.linalg.norm(d, axis=1)
            seen = [
                p
                for p in range(pts.shape[0])
                if 0.0 < dist[p] <= radio_horizon_m(float(rad.height_m[r]), float(alt[p]))
            ]
            if not seen:
                jn[r, k] = 0.0
                continue
            p = min(seen, key=lambda i: float(dist[i]))
            jn[r, k] = float(rad.jam_jn[r, k]) * (JAM_REF_M / float(dist[p])) ** 2
            dirs[r, k] = d[p] / dist[p]
            carried.add(k)
    counted = [int(k) for k in np.nonzero((jn > 0.0).any(axis=0))[0]]
    return _Jamming(jn, dirs, counted, sorted(carried & set(counted)))


def _route_points(world: World, c: int) -> tuple[Float, Float]:
    """The route of the flight in threat row c: its first point (the raid's launch point),
    then its waypoints, as ((n, 3) ECEF, (n,) heights above the ellipsoid), m."""
    from airguard.geo import geodetic2ecef

    raids = world.raids
    q = int(np.searchsorted(np.cumsum(raids.size), c, side="right"))  # the flight's raid row
    a, n = int(raids.wp_start[q]), int(raids.wp_count[q]) + 1
    lat = np.concatenate([raids.lat_rad[q : q + 1], raids.wp_lat_rad[a : a + n - 1]])
    lon = np.concatenate([raids.lon_rad[q : q + 1], raids.wp_lon_rad[a : a + n - 1]])
    alt = np.concatenate([raids.alt_m[q : q + 1], raids.wp_alt_m[a : a + n - 1]])
    return geodetic2ecef(np.degrees(lat), np.degrees(lon), alt).reshape(-1, 3), alt


def _flights_at(world: World, time_s: float) -> dict[int, tuple[Float, Float]]:
    """Where each flight that carries a jammer and is in the air at `time_s` is then, by
    threat row, as ((1, 3) ECEF, (1,) height), m: the engine's own flight
    (:func:`airguard.engine.draw_threats`; a flight's route, speed and start draw nothing
    at random, so any generator gives the same path)."""
    from airguard.engine import draw_threats
    from airguard.engine.threats import threat_state

    thr = draw_threats(world, np.random.default_rng(0))
    out: dict[int, tuple[Float, Float]] = {}
    for c in {int(c) for c in world.radars.jam_carrier.ravel() if c >= 0}:
        st = np.empty(7)
        if threat_state(thr, c, float(time_s), st):
            out[c] = (st[None, :3].copy(), st[6:7].copy())
    return out


def _radar_pd(
    world: World,
    r: int,
    types: Sequence[int],
    grid: _Grid,
    field: _Field,
    cells: Box,
    out: Float32,
    rows: Sequence[int],
    jamming: _Jamming,
    origin: tuple[int, int] = (0, 0),
) -> None:
    """Add radar `r`'s look at `types` to ``out[rows[k]]``, whose cell (0, 0) is grid cell `origin`,
    with the jammers of `jamming`."""
    if _empty(cells):
        return
    rad = world.radars
    tt = world.threat_types
    tm = world.terrain
    snr_db = np.array([10.0 * math.log10(float(rad.snr_k_m2[r] * tt.rcs_m2[t])) for t in types])
    tables = np.stack([pd_table(float(rad.threshold[r]), int(tt.swerling[t])) for t in types])
    if tm is not None:
        slope, az_step, rng_step = (
            tm.mask_slope[r],
            float(tm.mask_steps[0]),
            float(tm.mask_steps[1]),
        )
    else:
        slope, az_step, rng_step = _NO_MASK, 1.0, 1.0
    jam_jn, jam_dir = jamming.of(r)
    _radar_looks(
        grid.lat_rad, grid.lon_rad, grid.cos_lon, grid.sin_lon, cells[0], cells[1], cells[2],
        cells[3], field.height_m, grid.ground_m, field.follow, field.altitude_m, rad.pos_ecef_m[r],
        rad.enu_basis[r], float(rad.height_m[r]), float(rad.max_range_m[r]), float(rad.az_center_rad[r]),
        float(rad.az_half_rad[r]), float(rad.el_min_rad[r]), float(rad.el_max_rad[r]), float(rad.lat_rad[r]),
        float(rad.lon_rad[r]), snr_db, tables, PD_TABLE_MIN_DB, 1.0 / PD_TABLE_STEP_DB, slope,
        az_step, rng_step, tm is not None, jam_jn, jam_dir, float(rad.jam_cos[r]),
        float(rad.jam_sll[r]), out, np.asarray(rows, dtype=np.int64), origin[0], origin[1],
    )  # fmt: skip


def coverage_grid(
    source: World | Scenario | str | Path,
    *,
    bounds: Sequence[float] | None = None,
    resolution_m: float = 1000.0,
    altitude_m: float | Mapping[str, float] | None = None,
    variant: str | None = None,
    pd_min: float = DEFAULT_PD_MIN,
    threats: Sequence[str] | None = None,
    time_s: float | None = None,
    jamming: bool = True,
) -> Coverage:
    """Detection and engagement footprints of every unit against every threat type.

    Parameters
    ----------
    source
        A compiled :class:`~airguard.world.World`, a :class:`~airguard.scenario.Scenario`
        (one variant) or a scenario file (with `variant` if it has several).
    bounds
        (lat0, lon0, lat1, lon1): south, west, north, east edges, degrees; default a box
        around every radar site and asset padded by the farthest reach of any radar
        (instrumented range or 4/3-Earth horizon at the highest altitude mapped) or
        interceptor.
    resolution_m
        Cell size, m, > 0 (east-west measured at the middle latitude).
    altitude_m
        Altitude of the threats, m >= 0: one value for every type, or a mapping from type
        (catalogue id) to altitude, the others at their defaults; default: see the module
        notes and :func:`default_altitudes`.
    variant
        Variant to load when `source` is a file.
    pd_min
        Single-look detection probability that counts as detected, 0 < pd_min < 1.
    threats
        Threat types to map (catalogue ids); default every type of the scenario's raids.
    time_s
        Scenario time (s), 0 <= time_s <= duration, at which the scenario's jammers are
        tested for being on (their ``start``/``end``); default: a jammer on at any time of
        the scenario counts (:func:`jammer_on`).
    jamming
        Whether the scenario's jammers lower the radars' SNR (False: the unjammed map).

    Jammers
    -------
    A cell's SNR is (S/N) / (1 + Σ J/N_k g_k) over the jammers on, g_k = 1 when the
    direction from the antenna to the cell is within the radar's mainlobe half-width of the
    direction to jammer k (``Radars.jam_cos``), the sidelobe level ``Radars.jam_sll``
    (after any sidelobe canceller) otherwise: the engine's look
    (:func:`airguard.engine.looks.jamming`; Mahafza, *Radar Systems Analysis and Design
    Using MATLAB*, 2nd ed., ch. 2).  A jammer holding a position jams from there with the
    World's J/N.  A jammer riding a flight is, at `time_s`, where the engine's flight is
    then (none before its start or after its route's end; a map never shoots it down).
    Without a time it has no fixed position on a map: it is placed, for each radar, at the
    point of its flight's route nearest the antenna, the most it can jam that radar through
    the sidelobes from any of the route's points.  Either way it counts above the radar's
    radio horizon, with its J/N scaled by 1/R²; the self-screening of the aircraft that
    carries it is not mapped (it hides that aircraft, not the cells).

    Returns
    -------
    Coverage
        With arrays of shape (U, T, ny, nx).

    Raises
    ------
    ValueError
        Bad bounds, resolution, altitude, pd_min or threat names, a file with several
        variants and none chosen, or a grid of more than :data:`MAX_CELLS` cells.
    InputError
        From loading a scenario file.
    """
    world = _as_world(source, variant)
    types = _map_types(world, resolution_m, pd_min, threats)
    if time_s is not None and not (0.0 <= time_s <= world.duration_s):
        raise ValueError(
            f"time_s: expected a scenario time between 0 and {world.duration_s:g} s (the "
            f"duration), got {time_s:g} s"
        )
    jam = (
        _jamming(world, time_s)
        if jamming
        else _Jamming(np.zeros_like(world.radars.jam_jn), world.radars.jam_dir, [], [])
    )
    alt, absolute = _altitudes(world, types, altitude_m)
    tm = world.terrain
    tt = world.threat_types
    follow = [
        tm is not None and int(tt.flight[t]) != FLIGHT_BALLISTIC and not ab
        for t, ab in zip(types, absolute, strict=True)
    ]
    unit_alt = np.asarray(world.units.alt_m, dtype=np.float64)
    highest_site = float(unit_alt.max(initial=0.0))
    dem_top = float(tm.heights_m.max(initial=0.0)) if tm is not None else 0.0
    top = np.array(
        [
            a if ab else a + (dem_top if f else highest_site)
            for a, f, ab in zip(alt, follow, absolute, strict=True)
        ]
    )
    box = _check_bounds(bounds) if bounds is not None else _default_bounds(world, top)
    lat_deg, lon_deg = _grid(box, resolution_m)
    lat_rad, lon_rad = np.radians(lat_deg), np.radians(lon_deg)
    if tm is not None:
        g = tm.grid
        ground = _ground_heights(
            tm.heights_m, float(g[0]), float(g[1]), float(g[2]), float(g[3]), lat_rad, lon_rad
        )
    else:
        ground = _NO_GROUND
    grid = _Grid(lat_rad, lon_rad, np.cos(lon_rad), np.sin(lon_rad), ground)
    cell_top = float(ground.max(initial=0.0)) if tm is not None else 0.0

    n_units = len(world.unit_names)
    ny, nx = lat_deg.shape[0], lon_deg.shape[0]
    pd = np.zeros((n_units, len(types), ny, nx), dtype=np.float32)
    engage = np.zeros((n_units, len(types), ny, nx), dtype=np.bool_)
    radars_of = [np.nonzero(world.radars.unit == u)[0].tolist() for u in range(n_units)]
    net = world.units.network
    ulat, ulon, _ = _unit_sites(world)
    itc = world.interceptors
    groups: dict[tuple[float, bool, bool], list[int]] = {}
    for k, (a, f, ab) in enumerate(zip(alt, follow, absolute, strict=True)):
        groups.setdefault((float(a), f, ab), []).append(k)
    usable = {
        (u, c): usable_interceptors(world, u, c)
        for u in range(n_units)
        for c in range(len(THREAT_CLASSES))
    }
    pd_min32 = float(np.float32(pd_min))  # the float32 maps are compared with this

    for u in range(n_units):
        members = [v for v in range(n_units) if v != u and net[v] == net[u]] if net[u] >= 0 else []
        for (a, f, ab), ks in groups.items():
            height = a if ab else float(unit_alt[u]) + a
            field = _Field(height, f, a, cell_top + a if f else height)
            group_types = [types[k] for k in ks]
            # detection: the unit's own radars, into its maps
            for r in radars_of[u]:
                cells = _radar_window(world, r, grid, field)
                _radar_pd(world, r, group_types, grid, field, cells, pd[u], ks, jam)
            # engagement: the interceptors' reach where the unit's picture sees the threat
            for c in sorted({int(tt.cls[t]) for t in group_types}):
                ints = usable[(u, c)]
                if not ints:
                    continue
                kc = [k for k in ks if int(tt.cls[types[k]]) == c]
                reach_m = float(max(itc.max_range_m[i] for i in ints))
                rb = _window(
                    lat_rad, lon_rad, math.radians(ulat[u]), math.radians(ulon[u]), reach_m
                )
                if _empty(rb):
                    continue
                if members:  # own maps plus every member's radars, over the reach window
                    seen = np.ascontiguousarray(pd[u][kc, rb[0] : rb[1], rb[2] : rb[3]])
                    seen_rows, origin = list(range(len(kc))), (rb[0], rb[2])
                    for v in members:
                        for r in radars_of[v]:
                            cells = _intersect(_radar_window(world, r, grid, field), rb)
                            _radar_pd(world, r, [types[k] for k in kc], grid, field, cells,
                                      seen, seen_rows, jam, origin)  # fmt: skip
                else:
                    seen, seen_rows, origin = pd[u], kc, (0, 0)
                _engage(
                    lat_rad, lon_rad, grid.cos_lon, grid.sin_lon, rb[0], rb[1], rb[2], rb[3],
                    height, ground, f, a, world.units.pos_ecef_m[u], float(unit_alt[u]),
                    np.asarray(ints, dtype=np.int64), itc.max_range_m, itc.min_range_m, itc.max_alt_m,
                    itc.min_alt_m, itc.max_time_s, itc.reach_time_s, itc.reach_dr_m, itc.reach_dh_m, seen,
                    np.asarray(seen_rows, dtype=np.int64), origin[0], origin[1], pd_min32,
                    engage[u], np.asarray(kc, dtype=np.int64),
                )  # fmt: skip

    armed = np.array(
        [any(usable[(u, c)] for c in range(len(THREAT_CLASSES))) for u in range(n_units)],
        dtype=np.bool_,
    )
    reference = [
        "ellipsoid" if ab else "terrain" if f else "site"
        for f, ab in zip(follow, absolute, strict=True)
    ]
    cov = _coverage(world, box, resolution_m, lat_deg, lon_deg, types, alt, reference, pd, engage,
                    pd_min, armed)  # fmt: skip
    return dataclasses.replace(
        cov,
        jamming=jamming,
        jam_time_s=time_s,
        jammers=tuple(jam.counted),
        jammers_carried=tuple(jam.carried),
    )


def _map_types(
    world: World, resolution_m: float, pd_min: float, threats: Sequence[str] | None
) -> list[int]:
    """The threat types to map (indices into the World's types) after checking the
    arguments of :func:`coverage_grid`: every hostile type when `threats` is None."""
    if not (math.isfinite(resolution_m) and resolution_m > 0.0):
        raise ValueError(f"resolution_m: expected a positive cell size in m, got {resolution_m}")
    if not (0.0 < pd_min < 1.0):
        raise ValueError(f"pd_min: expected a probability strictly between 0 and 1, got {pd_min}")
    if threats is not None:
        for name in threats:
            if name not in world.threat_names:
                raise ValueError(
                    f"threats: no threat type {name!r} in the scenario "
                    f"(have: {', '.join(world.threat_names)})"
                )
        return [world.threat_names.index(n) for n in threats]
    # neither friendly flights nor decoys (which threaten nothing)
    threat = ~world.raids.friendly.astype(bool) & (world.raids.parent < 0)
    return sorted({int(t) for t in world.raids.ttype[threat]})


def _coverage(
    world: World,
    box: tuple[float, float, float, float],
    resolution_m: float,
    lat_deg: Float,
    lon_deg: Float,
    types: list[int],
    alt: Float,
    reference: list[str],
    pd: Float32,
    engage: NDArray[np.bool_],
    pd_min: float,
    armed: NDArray[np.bool_],
) -> Coverage:
    """The maps of :func:`coverage_grid` with what they describe."""
    ulat, ulon, _ = _unit_sites(world)
    tt = world.threat_types
    tm = world.terrain
    return Coverage(
        label=world.label,
        lat_deg=lat_deg,
        lon_deg=lon_deg,
        bounds_deg=box,
        resolution_m=float(resolution_m),
        unit_names=list(world.unit_names),
        unit_lat_deg=ulat,
        unit_lon_deg=ulon,
        unit_alt_m=np.asarray(world.units.alt_m, dtype=np.float64).copy(),
        unit_armed=armed,
        threat_names=[world.threat_names[t] for t in types],
        threat_classes=[THREAT_CLASSES[int(tt.cls[t])] for t in types],
        altitude_m=alt,
        altitude_reference=reference,
        pd=pd,
        engageable=engage,
        pd_min=float(pd_min),
        asset_names=list(world.asset_names),
        asset_lat_deg=np.degrees(world.asset_lat_rad),
        asset_lon_deg=np.degrees(world.asset_lon_rad),
        terrain=tm is not None,
    )


# ---------------------------------------------------------------- outputs


def slug(name: str) -> str:
    """A file-name part for a unit or threat name: lower case, runs of other characters as '-'.

    Letters outside ASCII are kept (``"Diyarbakır battery"`` → ``"diyarbakır-battery"``).
    """
    out = re.sub(r"[\W_]+", "-", name.lower()).strip("-")
    return out or "unnamed"


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"writing coverage outputs needs {module}, a dependency of airguard missing "
            "from this environment: pip install rasterio"
        ) from exc


def write_geotiff(
    cov: Coverage, path: str | Path, unit: str | int, threat: str | int, kind: Kind
) -> Path:
    """Write one footprint as a single-band GeoTIFF in geographic WGS84 (EPSG:4326).

    The raster is north-up; its pixels are the grid's cells, its bounds ``cov.bounds_deg``.
    A detection raster holds the single-look P_D (float32, 0..1; the footprint is
    ``>= pd_min``, given in the tags); an engagement raster 1 where engageable, else 0
    (uint8).  Tags name the scenario, unit, threat, kind, altitude and its reference.

    Parameters
    ----------
    cov
        The coverage.
    path
        File to write (its directory must exist).
    unit, threat
        Names (or positions) of the unit and threat type.
    kind
        ``"detection"`` or ``"engagement"``.

    Returns
    -------
    Path
        `path`.
    """
    rasterio = _require("rasterio")
    transform_mod = _require("rasterio.transform")
    u, t = cov.index(unit, threat)
    layer = cov.layer(u, t, kind)
    if kind == "detection":
        data = np.ascontiguousarray(layer[::-1], dtype=np.float32)
        dtype, meaning = "float32", "single-look detection probability"
    else:
        data = np.ascontiguousarray(layer[::-1], dtype=np.uint8)
        dtype, meaning = "uint8", "1 = engageable"
    lat0, lon0, lat1, lon1 = cov.bounds_deg
    ny, nx = cov.shape
    path = Path(path)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=ny,
        width=nx,
        count=1,
        dtype=dtype,
        crs="EPSG:4326",
        # north-up: x = lon0 + col * dlon, y = lat1 - row * dlat (pixel corners)
        transform=transform_mod.Affine(
            (lon1 - lon0) / nx, 0.0, lon0, 0.0, -(lat1 - lat0) / ny, lat1
        ),
        compress="deflate",
    ) as dst:
        dst.write(data, 1)
        dst.set_band_description(1, f"{kind}: {meaning}")
        dst.update_tags(
            scenario=cov.label,
            unit=cov.unit_names[u],
            threat=cov.threat_names[t],
            threat_class=cov.threat_classes[t],
            kind=kind,
            values=meaning,
            altitude_m=f"{cov.altitude_m[t]:.1f}",
            altitude_reference=cov.altitude_reference[t],
            pd_min=f"{cov.pd_min:g}",
        )
    return path


def _ring_area(ring: Float) -> float:
    """Signed area of a closed ring (shoelace), > 0 counter-clockwise, in its own units."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _bounding_box(mask: Bool) -> Box | None:
    """Rows i0:i1 and columns j0:j1 holding every True cell, None if there is none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
    return (int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)


def _polygons(cov: Coverage, mask: Bool) -> list[list[list[list[float]]]]:
    """The footprint's outline as GeoJSON polygon coordinates ([lon, lat], RFC 7946 winding).

    The 0.5 contour of the 0/1 map (through the midpoints of the cells' edges), over the
    footprint's bounding box padded with one empty cell all round so that every ring closes.
    """
    contourpy = _require("contourpy")
    box = _bounding_box(mask)
    if box is None:
        return []
    i0, i1, j0, j1 = box
    dlat, dlon = cov.cell_deg
    z = np.zeros((i1 - i0 + 2, j1 - j0 + 2))
    z[1:-1, 1:-1] = mask[i0:i1, j0:j1]
    lon, lat = cov.lon_deg[j0:j1], cov.lat_deg[i0:i1]
    x = np.concatenate([[lon[0] - dlon], lon, [lon[-1] + dlon]])
    y = np.concatenate([[lat[0] - dlat], lat, [lat[-1] + dlat]])
    gen = contourpy.contour_generator(x, y, z, fill_type=contourpy.FillType.OuterOffset)
    points, offsets = gen.filled(0.5, 2.0)
    out: list[list[list[list[float]]]] = []
    for pts, offs in zip(points, offsets, strict=True):
        rings = []
        for r in range(len(offs) - 1):
            ring = np.round(pts[offs[r] : offs[r + 1]], 6)
            outer = r == 0
            if (_ring_area(ring) > 0.0) != outer:  # exterior counter-clockwise, holes clockwise
                ring = ring[::-1]
            rings.append(ring.tolist())
        out.append(rings)
    return out


def to_geojson(cov: Coverage) -> dict[str, Any]:
    """Footprint outlines as a GeoJSON FeatureCollection (RFC 7946; lon, lat in degrees).

    One MultiPolygon feature per unit × threat type × kind (engagement only for units with
    interceptors); an empty footprint has no polygons.  Properties: ``scenario``,
    ``unit``, ``threat``, ``threat_class``, ``kind`` (``detection``: P_D >= ``pd_min``;
    ``engagement``), ``altitude_m``, ``altitude_reference``, ``pd_min``, ``area_km2``.
    """
    features = []
    for u, unit in enumerate(cov.unit_names):
        for t, threat in enumerate(cov.threat_names):
            for kind in KINDS:
                if kind == "engagement" and not cov.unit_armed[u]:
                    continue
                mask = cov.footprint(u, t, kind)
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "MultiPolygon", "coordinates": _polygons(cov, mask)},
                        "properties": {
                            "scenario": cov.label,
                            "unit": unit,
                            "threat": threat,
                            "threat_class": cov.threat_classes[t],
                            "kind": kind,
                            "altitude_m": float(cov.altitude_m[t]),
                            "altitude_reference": cov.altitude_reference[t],
                            "pd_min": cov.pd_min,
                            "area_km2": round(cov.area_km2(u, t, kind), 1),
                        },
                    }
                )
    lat0, lon0, lat1, lon1 = cov.bounds_deg
    return {"type": "FeatureCollection", "bbox": [lon0, lat0, lon1, lat1], "features": features}


def _grow(box: Box, shape: tuple[int, ...]) -> Box:
    """`box` with one more cell on each side, inside `shape`."""
    return (
        max(box[0] - 1, 0),
        min(box[1] + 1, shape[0]),
        max(box[2] - 1, 0),
        min(box[3] + 1, shape[1]),
    )


def write_png(cov: Coverage, path: str | Path, *, dpi: int = 110) -> Path:
    """A map of the footprints: one panel per threat type, every unit in its colour.

    Detection footprints are outlined, engagement footprints filled; unit sites are
    triangles, defended assets stars.  Axes are longitude and latitude (degrees) with the
    aspect of the middle latitude; no basemap.  Grids wider than 1,200 cells are thinned
    for drawing.
    """
    figure_mod = _require("matplotlib.figure")
    lines_mod = _require("matplotlib.lines")
    patches_mod = _require("matplotlib.patches")
    n_t = max(len(cov.threat_names), 1)
    ncols = min(n_t, 3)
    nrows = math.ceil(n_t / ncols)
    lat0, lon0, lat1, lon1 = cov.bounds_deg
    aspect = 1.0 / max(math.cos(math.radians(0.5 * (lat0 + lat1))), 1e-3)
    panel_w = 5.2
    panel_h = min(max(panel_w * (lat1 - lat0) * aspect / (lon1 - lon0), 2.5), 9.0) + 0.6
    fig = figure_mod.Figure(figsize=(panel_w * ncols, panel_h * nrows + 0.9), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    step = max(math.ceil(max(cov.shape) / 1200), 1)
    lon, lat = cov.lon_deg[::step], cov.lat_deg[::step]
    colours = [f"C{u % 10}" for u in range(len(cov.unit_names))]
    for t, threat in enumerate(cov.threat_names):
        ax = axes[t // ncols][t % ncols]
        for u in range(len(cov.unit_names)):
            eng = cov.engageable[u, t, ::step, ::step]
            box = _bounding_box(eng)
            if box is not None:
                i0, i1, j0, j1 = _grow(box, eng.shape)
                ax.contourf(lon[j0:j1], lat[i0:i1], eng[i0:i1, j0:j1].astype(np.float32),
                            levels=[0.5, 1.5], colors=[colours[u]], alpha=0.35)  # fmt: skip
            det = cov.pd[u, t, ::step, ::step] >= np.float32(cov.pd_min)
            box = _bounding_box(det)
            if box is not None:
                i0, i1, j0, j1 = _grow(box, det.shape)
                ax.contour(lon[j0:j1], lat[i0:i1], det[i0:i1, j0:j1].astype(np.float32),
                           levels=[0.5], colors=[colours[u]], linewidths=1.0)  # fmt: skip
        ax.plot(cov.asset_lon_deg, cov.asset_lat_deg, "*", color="black", ms=9, zorder=5)
        for u in range(len(cov.unit_names)):
            ax.plot(cov.unit_lon_deg[u], cov.unit_lat_deg[u], "^", color=colours[u],
                    mec="black", ms=8, zorder=6)  # fmt: skip
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect(aspect)
        ax.set_xlabel("longitude (deg)")
        ax.set_ylabel("latitude (deg)")
        ref = {"terrain": "the terrain", "ellipsoid": "the ellipsoid"}.get(
            cov.altitude_reference[t], "each site"
        )
        ax.set_title(
            f"{threat} ({cov.threat_classes[t]}), {cov.altitude_m[t] / 1e3:.2f} km above {ref}",
            fontsize=10,
        )
        ax.grid(alpha=0.3)
    for t in range(n_t, nrows * ncols):
        axes[t // ncols][t % ncols].set_visible(False)
    handles = [
        lines_mod.Line2D([], [], marker="^", color=colours[u], mec="black", ls="", label=name)
        for u, name in enumerate(cov.unit_names)
    ]
    handles += [
        lines_mod.Line2D([], [], marker="*", color="black", ls="", label="defended asset"),
        lines_mod.Line2D([], [], color="grey", lw=1.0, label=f"detection (P_D ≥ {cov.pd_min:g})"),
        patches_mod.Patch(color="grey", alpha=0.35, label="engagement"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5), fontsize=8)
    dy, dx = cov.cell_size_m
    fig.suptitle(
        f"{cov.label}: coverage, {dx / 1e3:.2g} × {dy / 1e3:.2g} km cells"
        + (", terrain-masked" if cov.terrain else ", smooth 4/3 Earth"),
    )
    path = Path(path)
    fig.savefig(path, dpi=dpi)
    return path


NETCDF_NAME = "coverage.nc.gz"
"""The footprints' netCDF file beside the other outputs (:func:`write_outputs`)."""


def write_netcdf(cov: Coverage, path: str | Path) -> Path:
    """Write the footprints (:meth:`Coverage.to_dataset`) as a netCDF-3 file, gzipped if
    `path` ends in ``.gz``.

    netCDF-3 (xarray's scipy engine) stores no compression of its own, and the maps are
    mostly zeros: gzip makes the file about ten times smaller (the S-400 variant of the
    flagship at 2 km, 4 units × 5 threat types × 786 × 1,018 cells: 80 MB, 7.8 MB
    gzipped).  ``xarray.open_dataset`` reads either form; ``gunzip`` gives the plain file
    other tools read.  ``engageable`` is stored as bytes and read back as bool.

    Parameters
    ----------
    cov
        The coverage.
    path
        File to write (its directory must exist), e.g. ``coverage.nc`` or
        ``coverage.nc.gz``.

    Returns
    -------
    Path
        `path`.
    """
    import gzip
    import os
    import shutil
    import tempfile

    path = Path(path)
    dataset = cov.to_dataset()
    if path.suffix != ".gz":
        dataset.to_netcdf(path, engine="scipy")
        return path
    # scipy's writer seeks back, which a gzip stream cannot: write it plain first
    fd, plain = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        dataset.to_netcdf(plain, engine="scipy")
        with open(plain, "rb") as src, gzip.open(path, "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    finally:
        Path(plain).unlink(missing_ok=True)
    return path


def write_outputs(cov: Coverage, out_dir: str | Path) -> dict[str, list[Path]]:
    """Write every footprint's GeoTIFF, ``coverage.geojson``, ``coverage.png`` and the
    footprints' netCDF file :data:`NETCDF_NAME` (:func:`write_netcdf`) to `out_dir`.

    GeoTIFFs are named ``<unit>-<threat>-<kind>.tif`` with :func:`slug` names (a suffix
    ``-2``, ``-3``… keeps two units whose names slug alike apart); engagement rasters
    only for units with interceptors.

    Returns
    -------
    dict
        ``{"geotiff": [...], "geojson": [path], "png": [path], "netcdf": [path]}``.
    """
    import json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    for unit in cov.unit_names:
        base = name = slug(unit)
        n = 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    tifs = []
    for u, uname in enumerate(names):
        for t, threat in enumerate(cov.threat_names):
            for kind in KINDS:
                if kind == "engagement" and not cov.unit_armed[u]:
                    continue
                p = out / f"{uname}-{slug(threat)}-{kind}.tif"
                tifs.append(write_geotiff(cov, p, u, t, kind))
    geojson = out / "coverage.geojson"
    geojson.write_text(json.dumps(to_geojson(cov), ensure_ascii=False) + "\n", encoding="utf-8")
    png = write_png(cov, out / "coverage.png")
    netcdf = write_netcdf(cov, out / NETCDF_NAME)
    return {"geotiff": tifs, "geojson": [geojson], "png": [png], "netcdf": [netcdf]}
