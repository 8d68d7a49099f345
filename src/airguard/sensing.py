"""The one look geometry: can a radar see a point, and if not, why not.

Every place that asks whether a radar sees a target — the coverage maps, the
exposure of friendly flights, the placement screen, and (with the same
arithmetic, bit for bit) the engine's looks — asks these compiled scalar
kernels, so that a map and a replication never disagree about geometry.  The
tests of one look, in the engine's order:

1. **instrumented range**: slant range R from the antenna's ECEF phase centre
   to the target at most the radar's maximum range (and at least 1 m: a
   target at the antenna has no direction);
2. **radio horizon** on the effective Earth of radius a_e = k R1
   (k = :data:`~airguard.geo.EFFECTIVE_EARTH_FACTOR` = 4/3,
   R1 = :data:`~airguard.geo.MEAN_EARTH_RADIUS_M`): R at most the sum of the
   two tangent lengths, ``sqrt((a_e + h_a)^2 - a_e^2) + sqrt((a_e + h_t)^2 - a_e^2)``
   (Skolnik, *Introduction to Radar Systems*, 3rd ed., §8.2; ITU-R P.834,
   effective Earth radius; the exact form of Federal Standard 1037C's
   "radio horizon range", :func:`airguard.radar.horizon_range_m`);
3. **elevation limits**: the apparent elevation on the same effective Earth —
   straight rays over a sphere of radius a_e, so by the law of cosines in the
   triangle (Earth's centre, antenna, target),
   ``sin ε = ((a_e + h_t)^2 - (a_e + h_a)^2 - R^2) / (2 R (a_e + h_a))`` —
   inside the radar's elevation limits;
4. **azimuth sector**: the azimuth off the boresight, wrapped to [−π, π], at
   most the sector's half width, and inside the slice of the sector the radar
   looks at now (a rotating radar looks at one slice at a time, an
   electronically scanned one at its whole sector: one slice; maps ask for the
   whole sector, every slice of a scan, at once);
5. **terrain**, with a DEM: the target clears the radar's tabulated skyline,
   :func:`airguard.terrain.mask_visible` (ITU-R P.452-16 path profile).

Heights are above the WGS84 ellipsoid, as the engine's; the effective Earth is
the sphere of radius a_e under them (the engine's convention, not a geoid).

:func:`look` returns a code that says which test failed first (:data:`IN_VIEW`
when none did), so a caller can record *why* a threat went unseen; the codes
are small integers, named below, with :data:`LOOK_REASONS` their labels.  The
arithmetic is that of the engine's ``_look`` (airguard 0.x, ``engine.py``),
operation for operation, so that the engine can call :func:`look` with
bit-identical outcome tables; ``tests/models/test_sensing.py`` holds the kernel to a
transcription of the engine's test and to closed forms.

All kernels take and return scalars (floats in SI: m, rad), except the radar's
ECEF position ``(3,)``, its ENU basis ``(3, 3)`` and the terrain skyline table.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from airguard._jit import njit
from airguard.geo import EFFECTIVE_EARTH_FACTOR, MEAN_EARTH_RADIUS_M, ecef_to_geodetic_kernel
from airguard.terrain import ground_range_azimuth_kernel, mask_visible

__all__ = [
    "BEHIND_TERRAIN",
    "BELOW_HORIZON",
    "BELOW_THRESHOLD",
    "EFFECTIVE_RADIUS_M",
    "IN_VIEW",
    "LOOK_REASONS",
    "MIN_RANGE_M",
    "OUTSIDE_ELEVATION",
    "OUTSIDE_SECTOR",
    "OUTSIDE_SLICE",
    "OUT_OF_RANGE",
    "apparent_elevation_rad",
    "aspect_deg",
    "look",
    "look_verdict",
    "radio_horizon_m",
    "range_and_sector",
    "rcs_aspect_factor",
    "sector_code",
    "sector_offset_rad",
    "slice_offsets_rad",
    "tangent_distance_m",
]

Float = NDArray[np.float64]

EFFECTIVE_RADIUS_M = EFFECTIVE_EARTH_FACTOR * MEAN_EARTH_RADIUS_M
"""a_e = k R1, the radius of the effective Earth, m (8 494 678.4 m); computed as the engine
computes it, so the same double."""

MIN_RANGE_M = 1.0
"""A target nearer the antenna than this (m) is not looked at: it has no direction."""

# -- why a look does not see a target (codes of look(); the first test that failed) ---------

IN_VIEW = 0
"""Every geometric test passed: the detector decides."""
OUT_OF_RANGE = 1
"""Slant range beyond the instrumented range (or under :data:`MIN_RANGE_M`)."""
BELOW_HORIZON = 2
"""Beyond the radio horizon on the effective Earth."""
OUTSIDE_ELEVATION = 3
"""Apparent elevation below the radar's lower or above its upper elevation limit."""
OUTSIDE_SECTOR = 4
"""Azimuth outside the radar's sector."""
OUTSIDE_SLICE = 5
"""Inside the sector, but not in the slice of it that the radar looks at now (rotating)."""
BEHIND_TERRAIN = 6
"""Below the radar's terrain skyline."""
BELOW_THRESHOLD = 7
"""In view, but the detector's sample stayed under the threshold.  Never returned by
:func:`look` (which is geometry only); for callers that record the detector's verdict in
the same codes."""

LOOK_REASONS = ("in view", "range", "horizon", "elevation", "sector", "slice", "terrain", "signal")
"""Short labels of the codes, ``LOOK_REASONS[code]``, for tables and explanations."""


@njit
def tangent_distance_m(height_m: float) -> float:
    """Length of the tangent from a point at `height_m` to the effective Earth, m.

    ``sqrt((a_e + h)^2 - a_e^2)``, 0 at or below the surface (Skolnik, *Introduction to
    Radar Systems*, 3rd ed., §8.2): one end's share of the radio horizon, about
    4.12 km × sqrt(h / 1 m) for the 4/3 Earth.
    """
    ae = EFFECTIVE_RADIUS_M
    return math.sqrt(max((ae + height_m) ** 2 - ae * ae, 0.0))


@njit
def radio_horizon_m(antenna_height_m: float, target_height_m: float) -> float:
    """Radio horizon between an antenna and a target on the effective Earth, m.

    The sum of the two tangent lengths (:func:`tangent_distance_m`): the largest slant
    range at which the straight ray between them clears the smooth effective Earth.  The
    geometry of :func:`airguard.radar.horizon_range_m`, in the form the engine computes.
    """
    return tangent_distance_m(antenna_height_m) + tangent_distance_m(target_height_m)


@njit
def apparent_elevation_rad(
    range_m: float, antenna_height_m: float, target_height_m: float
) -> float:
    """Elevation of a target above the antenna's horizontal on the effective Earth, rad.

    With straight rays over a sphere of radius a_e, the law of cosines in the triangle
    (centre, antenna, target) gives
    ``sin ε = ((a_e + h_t)^2 - (a_e + h_a)^2 - R^2) / (2 R (a_e + h_a))`` (the
    4/3-Earth elevation of Skolnik, *Introduction to Radar Systems*, 3rd ed., §8.2);
    clipped to [−π/2, π/2].  `range_m` is the slant range R > 0, heights above the
    ellipsoid.
    """
    ae = EFFECTIVE_RADIUS_M
    s_el = ((ae + target_height_m) ** 2 - (ae + antenna_height_m) ** 2 - range_m * range_m) / (
        2.0 * range_m * (ae + antenna_height_m)
    )
    return math.asin(max(min(s_el, 1.0), -1.0))


@njit
def sector_offset_rad(azimuth_rad: float, az_center_rad: float) -> float:
    """Azimuth off the boresight, wrapped to [−π, π], rad (both clockwise from north).

    ``(az − c + π) mod 2π − π``, the engine's expression.  Rounding can make it +π instead
    of −π when the target is within about 7e-16 rad of straight behind the boresight (the
    sum az − c + π comes out a hair below zero and the modulo rounds up to 2π); a slice
    [lo, π) then leaves the target out, while the sector test ``|offset| <= π`` keeps it.
    """
    return (azimuth_rad - az_center_rad + math.pi) % (2.0 * math.pi) - math.pi


@njit
def slice_offsets_rad(az_half_rad: float, n_slices: int, slice_index: int) -> tuple[float, float]:
    """Offsets from the boresight (rad) of the slice `slice_index` of a sector: [lo, hi).

    The sector of half width `az_half_rad` cut into `n_slices` equal slices from its
    anticlockwise edge; one slice (``n_slices = 1``) is the whole sector, [−half, half).
    A rotating radar looks at one slice at a time (:data:`airguard.world.ROTATING_SLICE_DEG`).
    """
    width = 2.0 * az_half_rad / n_slices
    off_lo = -az_half_rad + slice_index * width
    return off_lo, off_lo + width


@njit
def sector_code(off_rad: float, az_half_rad: float, off_lo_rad: float, off_hi_rad: float) -> int:
    """:data:`IN_VIEW`, :data:`OUTSIDE_SECTOR` or :data:`OUTSIDE_SLICE` for an offset.

    `off_rad` from :func:`sector_offset_rad`; the slice is [`off_lo_rad`, `off_hi_rad`)
    (:func:`slice_offsets_rad`).  A 360° radar has ``az_half_rad = π``.
    """
    if abs(off_rad) > az_half_rad:
        return OUTSIDE_SECTOR
    if off_rad < off_lo_rad or off_rad >= off_hi_rad:
        return OUTSIDE_SLICE
    return IN_VIEW


@njit
def look(
    radar_pos_m: Float,
    enu_basis: Float,
    antenna_height_m: float,
    max_range_m: float,
    el_min_rad: float,
    el_max_rad: float,
    az_center_rad: float,
    az_half_rad: float,
    off_lo_rad: float,
    off_hi_rad: float,
    x_m: float,
    y_m: float,
    z_m: float,
    target_height_m: float,
    has_terrain: bool,
    horizon_slope: Float,
    mask_az_step_rad: float,
    mask_range_step_m: float,
    radar_lat_rad: float,
    radar_lon_rad: float,
    target_lat_rad: float,
    target_lon_rad: float,
) -> tuple[int, float, float, float, float]:
    """Whether one radar sees one point, why not, and the geometry of the look.

    Parameters
    ----------
    radar_pos_m
        (3,) float64 ECEF position of the antenna's phase centre, m.
    enu_basis
        (3, 3) float64 rows: the ECEF unit vectors of local east, north, up at the radar
        (:func:`airguard.geo.enu_basis`).
    antenna_height_m
        h_a, the antenna's height above the ellipsoid, m.
    max_range_m
        Instrumented range, m.
    el_min_rad, el_max_rad
        Elevation limits, rad, against the apparent elevation.
    az_center_rad, az_half_rad
        Boresight azimuth (clockwise from north) and the sector's half width, rad
        (π: all round).
    off_lo_rad, off_hi_rad
        The slice looked at, offsets from the boresight [lo, hi), rad
        (:func:`slice_offsets_rad`, as the engine's looks); ``(-inf, inf)`` for the whole
        sector at once, every slice of a scan, as maps and screens ask (then only the
        sector test ``|offset| <= az_half_rad`` applies).
    x_m, y_m, z_m
        ECEF position of the target, m.
    target_height_m
        h_t, the target's height above the ellipsoid, m.
    has_terrain
        Test the terrain skyline; without it the next six arguments are not read.
    horizon_slope, mask_az_step_rad, mask_range_step_m
        The radar's skyline table and its steps (:class:`airguard.terrain.HorizonMask`).
    radar_lat_rad, radar_lon_rad
        Geodetic position of the radar's site, rad.
    target_lat_rad, target_lon_rad
        Geodetic position of the target, rad, if the caller has it; NaN to derive it from
        the ECEF point (:func:`airguard.geo.ecef_to_geodetic_kernel`, as the engine does).

    Returns
    -------
    code : int
        :data:`IN_VIEW`, or the first test that failed (:data:`OUT_OF_RANGE`,
        :data:`BELOW_HORIZON`, :data:`OUTSIDE_ELEVATION`, :data:`OUTSIDE_SECTOR`,
        :data:`OUTSIDE_SLICE`, :data:`BEHIND_TERRAIN`).
    range_m : float
        Slant range, m (always computed).
    azimuth_rad : float
        True azimuth in the radar's ENU frame, clockwise from north, in [−π, π], once the
        elevation tests passed (else NaN).
    elevation_rad : float
        True (geometric) elevation in the ENU frame, rad, what the radar measures: only
        when in view (else NaN).
    apparent_elevation_rad : float
        Elevation on the effective Earth (:func:`apparent_elevation_rad`), rad, what the
        limits apply to, once the horizon test passed (else NaN).

    Notes
    -----
    Each quantity is computed only when a test needs it, so that a target out of range
    or below the horizon costs no trigonometry; the values computed are those of the
    engine's look, bit for bit.  :func:`look_verdict` is the same without the
    geometric elevation.
    """
    code, rng_m, az, el_app = look_verdict(
        radar_pos_m, enu_basis, antenna_height_m, max_range_m, el_min_rad, el_max_rad,
        az_center_rad, az_half_rad, off_lo_rad, off_hi_rad, x_m, y_m, z_m, target_height_m,
        has_terrain, horizon_slope, mask_az_step_rad, mask_range_step_m, radar_lat_rad,
        radar_lon_rad, target_lat_rad, target_lon_rad,
    )  # fmt: skip
    el = math.nan
    if code == IN_VIEW:
        dx = x_m - radar_pos_m[0]
        dy = y_m - radar_pos_m[1]
        dz = z_m - radar_pos_m[2]
        u = enu_basis[2, 0] * dx + enu_basis[2, 1] * dy + enu_basis[2, 2] * dz
        el = math.asin(max(min(u / rng_m, 1.0), -1.0))
        if math.isnan(az):  # not needed for the verdict (whole all-round sector)
            e = enu_basis[0, 0] * dx + enu_basis[0, 1] * dy + enu_basis[0, 2] * dz
            n = enu_basis[1, 0] * dx + enu_basis[1, 1] * dy + enu_basis[1, 2] * dz
            az = math.atan2(e, n)
    return code, rng_m, az, el, el_app


@njit
def look_verdict(
    radar_pos_m: Float,
    enu_basis: Float,
    antenna_height_m: float,
    max_range_m: float,
    el_min_rad: float,
    el_max_rad: float,
    az_center_rad: float,
    az_half_rad: float,
    off_lo_rad: float,
    off_hi_rad: float,
    x_m: float,
    y_m: float,
    z_m: float,
    target_height_m: float,
    has_terrain: bool,
    horizon_slope: Float,
    mask_az_step_rad: float,
    mask_range_step_m: float,
    radar_lat_rad: float,
    radar_lon_rad: float,
    target_lat_rad: float,
    target_lon_rad: float,
) -> tuple[int, float, float, float]:
    """:func:`look` without the geometric elevation: (code, range_m, azimuth_rad,
    apparent_elevation_rad), for callers that need only the verdict (maps, screens).

    Arguments, tests, their order and the values returned are :func:`look`'s, except that
    the azimuth is NaN (not computed) when the whole sector of an all-round radar is asked
    for (``az_half_rad >= π`` and slice bounds beyond ±π), where it cannot decide anything.
    """
    ha = antenna_height_m
    ht = target_height_m
    dx = x_m - radar_pos_m[0]
    dy = y_m - radar_pos_m[1]
    dz = z_m - radar_pos_m[2]
    rng_m = math.sqrt(dx * dx + dy * dy + dz * dz)
    if rng_m > max_range_m or rng_m < MIN_RANGE_M:
        return OUT_OF_RANGE, rng_m, math.nan, math.nan
    if rng_m > radio_horizon_m(ha, ht):
        return BELOW_HORIZON, rng_m, math.nan, math.nan
    el_app = apparent_elevation_rad(rng_m, ha, ht)
    if el_app < el_min_rad or el_app > el_max_rad:
        return OUTSIDE_ELEVATION, rng_m, math.nan, el_app
    az = math.nan
    if not (az_half_rad >= math.pi and off_lo_rad <= -math.pi and off_hi_rad > math.pi):
        e = enu_basis[0, 0] * dx + enu_basis[0, 1] * dy + enu_basis[0, 2] * dz
        n = enu_basis[1, 0] * dx + enu_basis[1, 1] * dy + enu_basis[1, 2] * dz
        az = math.atan2(e, n)
        off = sector_offset_rad(az, az_center_rad)
        code = sector_code(off, az_half_rad, off_lo_rad, off_hi_rad)
        if code != IN_VIEW:
            return code, rng_m, az, el_app
    # else the whole of an all-round sector: the offset lies in [−π, π], so no azimuth
    # can fall outside it and none is computed (the cost of a map's cell is mostly atan2)
    if has_terrain:
        tlat, tlon = target_lat_rad, target_lon_rad
        if math.isnan(tlat) or math.isnan(tlon):
            tlat, tlon, _ = ecef_to_geodetic_kernel(x_m, y_m, z_m)
        ground, azg = ground_range_azimuth_kernel(radar_lat_rad, radar_lon_rad, tlat, tlon)
        if not mask_visible(
            horizon_slope,
            mask_az_step_rad,
            mask_range_step_m,
            ha,
            EFFECTIVE_RADIUS_M,
            azg,
            ground,
            ht,
        ):
            return BEHIND_TERRAIN, rng_m, az, el_app
    return IN_VIEW, rng_m, az, el_app


@njit
def range_and_sector(
    radar_pos_m: Float,
    enu_basis: Float,
    max_range_m: float,
    az_center_rad: float,
    az_half_rad: float,
    x_m: float,
    y_m: float,
    z_m: float,
) -> int:
    """Only the instrumented-range and sector tests of :func:`look`, whole sector.

    For screens of targets known to be far above the horizon and inside the elevation
    limits (high ballistic threats): :data:`IN_VIEW`, :data:`OUT_OF_RANGE` or
    :data:`OUTSIDE_SECTOR`, with :func:`look`'s arithmetic.  Arguments as :func:`look`'s.
    """
    dx = x_m - radar_pos_m[0]
    dy = y_m - radar_pos_m[1]
    dz = z_m - radar_pos_m[2]
    rng_m = math.sqrt(dx * dx + dy * dy + dz * dz)
    if rng_m > max_range_m or rng_m < MIN_RANGE_M:
        return OUT_OF_RANGE
    e = enu_basis[0, 0] * dx + enu_basis[0, 1] * dy + enu_basis[0, 2] * dz
    n = enu_basis[1, 0] * dx + enu_basis[1, 1] * dy + enu_basis[1, 2] * dz
    if abs(sector_offset_rad(math.atan2(e, n), az_center_rad)) > az_half_rad:
        return OUTSIDE_SECTOR
    return IN_VIEW


# -- RCS by aspect ----------------------------------------------------------------------------


@njit
def aspect_deg(
    vx: float, vy: float, vz: float, to_radar_x: float, to_radar_y: float, to_radar_z: float
) -> float:
    """Aspect angle (deg) of a target moving at velocity v (m/s) seen from a radar in
    direction ``to_radar`` (the vector from the target to the radar, any length): the angle
    between the two, 0 nose-on, 90 on the beam, 180 tail-on (the exposure study's
    convention, :func:`airguard.studies.exposure.look_geometry`).  A target at rest or at
    the radar: 0 (its frontal figure)."""
    v = math.sqrt(vx * vx + vy * vy + vz * vz)
    d = math.sqrt(to_radar_x**2 + to_radar_y**2 + to_radar_z**2)
    if v <= 0.0 or d <= 0.0:
        return 0.0
    c = (vx * to_radar_x + vy * to_radar_y + vz * to_radar_z) / (v * d)
    return math.degrees(math.acos(min(max(c, -1.0), 1.0)))


@njit
def rcs_aspect_factor(
    aspect: float, table_deg: np.ndarray, table_factor: np.ndarray, n: int
) -> float:
    """The factor on a target's (frontal) RCS at `aspect` (deg, folded into 0–180) from its
    table of `n` points ``table_deg`` (increasing from 0 to 180) and ``table_factor``,
    joined linearly in the factor (catalogue ``rcs_aspect``,
    :meth:`airguard.catalogue.models.RcsAspect.factor_at`); 1 without a table (n < 2)."""
    if n < 2:
        return 1.0
    x = abs(aspect) % 360.0
    if x > 180.0:
        x = 360.0 - x
    if x <= table_deg[0]:
        return float(table_factor[0])
    for i in range(1, n):
        if x <= table_deg[i]:
            f = (x - table_deg[i - 1]) / (table_deg[i] - table_deg[i - 1])
            return float(table_factor[i - 1] + f * (table_factor[i] - table_factor[i - 1]))
    return float(table_factor[n - 1])
